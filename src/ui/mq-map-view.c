/* mq-map-view.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-map-view.h"

#include <math.h>

#define FIT_MARGIN_PX 24
#define WHEEL_ZOOM_STEP 1.25

struct _MqMapView
{
  GtkWidget   parent_instance;

  MqRenderer *renderer;
  MqViewport *viewport;
  gboolean    needs_fit;
  double      pointer_x;
  double      pointer_y;
  double      drag_last_x;
  double      drag_last_y;
};

G_DEFINE_FINAL_TYPE (MqMapView, mq_map_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_DATASET,
  N_PROPS
};

enum {
  POINTER_MOVED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

#define KEY_ZOOM_STEP 1.5
#define KEY_PAN_FRACTION 0.2

static void
mq_map_view_snapshot (GtkWidget   *widget,
                      GtkSnapshot *snapshot)
{
  MqMapView *self = MQ_MAP_VIEW (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  mq_renderer_draw (self->renderer, cr, self->viewport);
  cairo_destroy (cr);
}

static void
mq_map_view_size_allocate (GtkWidget *widget,
                           int        width,
                           int        height,
                           int        baseline)
{
  MqMapView *self = MQ_MAP_VIEW (widget);

  g_signal_handlers_block_matched (self->viewport, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
  mq_viewport_set_size (self->viewport, width, height);
  if (self->needs_fit && mq_renderer_get_dataset (self->renderer) != NULL)
    mq_map_view_zoom_to_all (self);
  g_signal_handlers_unblock_matched (self->viewport, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
}

static void
on_viewport_changed (MqMapView *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           MqMapView                *self)
{
  double mx, my;

  self->pointer_x = x;
  self->pointer_y = y;
  mq_viewport_screen_to_map (self->viewport, x, y, &mx, &my);
  g_signal_emit (self, signals[POINTER_MOVED], 0, mx, my);
}

/* A double click zooms in about the point clicked. */
static void
on_click_pressed (GtkGestureClick *gesture,
                  int              n_press,
                  double           x,
                  double           y,
                  MqMapView       *self)
{
  if (n_press == 2)
    mq_viewport_zoom_at (self->viewport, 2.0, x, y);
}

static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  MqMapView *self = MQ_MAP_VIEW (widget);
  double factor = g_str_equal (action_name, "map.zoom-in") ? KEY_ZOOM_STEP : 1 / KEY_ZOOM_STEP;

  mq_viewport_zoom_at (self->viewport, factor, mq_viewport_get_width (self->viewport) / 2,
                       mq_viewport_get_height (self->viewport) / 2);
}

/* "map.pan" with (dx, dy) in fractions of the view: the arrow keys. */
static void
pan_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  MqMapView *self = MQ_MAP_VIEW (widget);
  double dx, dy;

  g_variant_get (parameter, "(dd)", &dx, &dy);
  mq_viewport_pan_pixels (self->viewport, -dx * mq_viewport_get_width (self->viewport),
                          -dy * mq_viewport_get_height (self->viewport));
}

static void
zoom_all_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  mq_map_view_zoom_to_all (MQ_MAP_VIEW (widget));
}

static void
install_actions (GtkWidgetClass *widget_class)
{
  static const struct { guint key; double dx, dy; } arrows[] = {
    { GDK_KEY_Left, -KEY_PAN_FRACTION, 0 }, { GDK_KEY_Right, KEY_PAN_FRACTION, 0 },
    { GDK_KEY_Up, 0, -KEY_PAN_FRACTION }, { GDK_KEY_Down, 0, KEY_PAN_FRACTION },
  };

  gtk_widget_class_install_action (widget_class, "map.zoom-in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "map.zoom-out", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "map.zoom-all", NULL, zoom_all_action);
  gtk_widget_class_install_action (widget_class, "map.pan", "(dd)", pan_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, 0, "map.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, 0, "map.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, 0, "map.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, 0, "map.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, 0, "map.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Home, 0, "map.zoom-all", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (arrows); i++)
    gtk_widget_class_add_binding_action (widget_class, arrows[i].key, 0, "map.pan", "(dd)",
                                         arrows[i].dx, arrows[i].dy);
}

/* Wheel notches zoom by a fixed step; touchpads scroll smoothly in surface
 * units and zoom in proportion. Either way about the cursor. */
static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           MqMapView                *self)
{
  double factor;

  if (gtk_event_controller_scroll_get_unit (controller) == GDK_SCROLL_UNIT_SURFACE)
    factor = exp (-dy / 200.0);
  else
    factor = pow (WHEEL_ZOOM_STEP, -dy);
  mq_viewport_zoom_at (self->viewport, factor, self->pointer_x, self->pointer_y);
  return GDK_EVENT_STOP;
}

static void
on_drag_begin (GtkGestureDrag *gesture,
               double          x,
               double          y,
               MqMapView      *self)
{
  self->drag_last_x = 0;
  self->drag_last_y = 0;
}

/* The grabbed point stays under the pointer. */
static void
on_drag_update (GtkGestureDrag *gesture,
                double          offset_x,
                double          offset_y,
                MqMapView      *self)
{
  mq_viewport_pan_pixels (self->viewport, offset_x - self->drag_last_x,
                          offset_y - self->drag_last_y);
  self->drag_last_x = offset_x;
  self->drag_last_y = offset_y;
}

static void
mq_map_view_dispose (GObject *object)
{
  MqMapView *self = MQ_MAP_VIEW (object);

  if (self->viewport != NULL)
    g_signal_handlers_disconnect_by_data (self->viewport, self);
  if (self->renderer != NULL)
    g_signal_handlers_disconnect_by_data (self->renderer, self);
  g_clear_object (&self->viewport);
  g_clear_object (&self->renderer);
  G_OBJECT_CLASS (mq_map_view_parent_class)->dispose (object);
}

static void
mq_map_view_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  MqMapView *self = MQ_MAP_VIEW (object);

  switch (prop_id)
    {
    case PROP_DATASET:
      g_value_set_object (value, mq_map_view_get_dataset (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mq_map_view_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  MqMapView *self = MQ_MAP_VIEW (object);

  switch (prop_id)
    {
    case PROP_DATASET:
      mq_map_view_set_dataset (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mq_map_view_class_init (MqMapViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mq_map_view_dispose;
  object_class->get_property = mq_map_view_get_property;
  object_class->set_property = mq_map_view_set_property;
  widget_class->snapshot = mq_map_view_snapshot;
  widget_class->size_allocate = mq_map_view_size_allocate;

  properties[PROP_DATASET] =
    g_param_spec_object ("dataset", NULL, NULL, MQ_TYPE_DATASET,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * MqMapView::pointer-moved:
   * @x: the pointer's map x in the display CRS
   * @y: the pointer's map y
   */
  signals[POINTER_MOVED] = g_signal_new ("pointer-moved", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 2, G_TYPE_DOUBLE, G_TYPE_DOUBLE);

  install_actions (widget_class);
  gtk_widget_class_set_css_name (widget_class, "mq-map-view");
}

static void
add_controllers (MqMapView *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkEventController *scroll =
    gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkGesture *click = gtk_gesture_click_new ();

  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll), self);
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), 0);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
  g_signal_connect (click, "pressed", G_CALLBACK (on_click_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
}

static void
mq_map_view_init (MqMapView *self)
{
  self->renderer = mq_renderer_new ();
  self->viewport = mq_viewport_new ();
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
  g_signal_connect_swapped (self->viewport, "changed", G_CALLBACK (on_viewport_changed), self);
  g_signal_connect_swapped (self->renderer, "notify", G_CALLBACK (on_viewport_changed), self);
  add_controllers (self);
}

GtkWidget *
mq_map_view_new (void)
{
  return g_object_new (MQ_TYPE_MAP_VIEW, NULL);
}

void
mq_map_view_set_dataset (MqMapView *self,
                         MqDataset *dataset)
{
  g_return_if_fail (MQ_IS_MAP_VIEW (self));

  if (dataset == mq_renderer_get_dataset (self->renderer))
    return;
  mq_renderer_set_dataset (self->renderer, dataset);
  self->needs_fit = TRUE;
  if (gtk_widget_get_width (GTK_WIDGET (self)) > 0)
    mq_map_view_zoom_to_all (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DATASET]);
}

MqDataset *
mq_map_view_get_dataset (MqMapView *self)
{
  g_return_val_if_fail (MQ_IS_MAP_VIEW (self), NULL);
  return mq_renderer_get_dataset (self->renderer);
}

MqRenderer *
mq_map_view_get_renderer (MqMapView *self)
{
  g_return_val_if_fail (MQ_IS_MAP_VIEW (self), NULL);
  return self->renderer;
}

MqViewport *
mq_map_view_get_viewport (MqMapView *self)
{
  g_return_val_if_fail (MQ_IS_MAP_VIEW (self), NULL);
  return self->viewport;
}

void
mq_map_view_zoom_to_all (MqMapView *self)
{
  MqDataset *dataset = mq_renderer_get_dataset (self->renderer);
  MqBox extent;

  g_return_if_fail (MQ_IS_MAP_VIEW (self));

  if (dataset == NULL)
    return;
  mq_dataset_get_extent (dataset, &extent);
  mq_viewport_fit (self->viewport, &extent, FIT_MARGIN_PX);
  self->needs_fit = FALSE;
}
