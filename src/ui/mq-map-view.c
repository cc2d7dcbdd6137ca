/* mq-map-view.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-map-view.h"

#include <glib/gi18n.h>

#include "mq-core.h"
#include "mq-frame.h"

#include <math.h>

#define FIT_MARGIN_PX 24
#define WHEEL_ZOOM_STEP 1.25

struct _MqMapView
{
  GtkWidget   parent_instance;

  MqRenderer *renderer;
  MqViewport *viewport;
  MqSelection *selection;     /* the project's, once set */
  MqProject  *project;
  GSignalGroup *project_signals;
  MqFrame    *frame;
  guint       frame_timeout_id;
  int         hover;
  gboolean    selection_in_frame;  /* the last frame shows the selection */
  gboolean    rubber_band;    /* a Shift+drag draws a selection box */
  gboolean    picking;        /* clicks pick points (the measure tool) rather than select */
  gboolean    pick_double;    /* the click being released is a double click's second */
  gboolean    dragging;       /* a drag pans the map */
  GdkModifierType drag_state;
  guint       drag_button;     /* the button the drag began with (0: none known) */
  double      band_x0, band_y0, band_x1, band_y1;
  gboolean    needs_fit;
  gboolean    keep_fit;        /* refit at every resize until the user moves the map */
  double      fit_pad[4];      /* top, right, bottom, left: pixels cards cover */
  gboolean    pinning;         /* the view is set by a fit, not the user */
  GArray     *history;         /* HistoryEntry: the extents the map came to rest at */
  guint       history_pos;
  gboolean    can_go_back;
  gboolean    can_go_forward;
  double      pinch_scale;     /* the zoom gesture's scale last applied */
  guint       zoom_tick_id;    /* an animated zoom in progress */
  gint64      zoom_start_us;
  double      zoom_from_res, zoom_to_res, zoom_x, zoom_y;
  double      pointer_x;
  double      pointer_y;
  double      drag_last_x;
  double      drag_last_y;
  GHashTable *image_errors;    /* an image layer's path → why it cannot be drawn */
  GHashTable *layer_notes;     /* an added layer's path → what to know (far off) */
  MqImagePreparer *images;     /* opens them, or makes them ready first */
};

G_DEFINE_FINAL_TYPE (MqMapView, mq_map_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_DATASET,
  PROP_CAN_GO_BACK,
  PROP_CAN_GO_FORWARD,
  N_PROPS
};

typedef struct
{
  double x, y, resolution;
} HistoryEntry;

/* As QGIS keeps them: enough for an afternoon's back and forth. */
#define HISTORY_MAX 100

enum {
  POINTER_MOVED,
  PARCEL_CLICKED,
  REFERENCE_CLICKED,
  POINT_PICKED,
  PICK_FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

#define KEY_ZOOM_STEP 1.5
#define CLICK_SLOP_PX 4.0
#define KEY_PAN_FRACTION 0.2

/* The map's keys: its own bindings, and what mq_map_view_activate_key()
 * does for the page round the map. */
typedef struct
{
  guint           key;
  GdkModifierType mods;
  const char     *action;
  double          dx, dy;   /* map.pan's parameter */
} MapKey;

static const MapKey map_keys[] = {
  { GDK_KEY_Escape, 0, "map.clear-selection" },
  { GDK_KEY_period, 0, "map.zoom-selection" },
  { GDK_KEY_KP_Decimal, 0, "map.zoom-selection" },
  { GDK_KEY_plus, 0, "map.zoom-in" },
  { GDK_KEY_equal, 0, "map.zoom-in" },
  { GDK_KEY_KP_Add, 0, "map.zoom-in" },
  { GDK_KEY_minus, 0, "map.zoom-out" },
  { GDK_KEY_KP_Subtract, 0, "map.zoom-out" },
  { GDK_KEY_Home, 0, "map.zoom-all" },
  { GDK_KEY_Left, GDK_ALT_MASK, "map.zoom-previous" },
  { GDK_KEY_Right, GDK_ALT_MASK, "map.zoom-next" },
  { GDK_KEY_Left, 0, "map.pan", -KEY_PAN_FRACTION, 0 },
  { GDK_KEY_Right, 0, "map.pan", KEY_PAN_FRACTION, 0 },
  { GDK_KEY_Up, 0, "map.pan", 0, -KEY_PAN_FRACTION },
  { GDK_KEY_Down, 0, "map.pan", 0, KEY_PAN_FRACTION },
};

static void
draw_band (MqMapView *self,
           cairo_t   *cr)
{
  cairo_rectangle (cr, MIN (self->band_x0, self->band_x1), MIN (self->band_y0, self->band_y1),
                   fabs (self->band_x1 - self->band_x0), fabs (self->band_y1 - self->band_y0));
  cairo_set_source_rgba (cr, 0.21, 0.52, 0.89, 0.15);
  cairo_fill_preserve (cr);
  cairo_set_source_rgb (cr, 0.21, 0.52, 0.89);
  cairo_set_line_width (cr, 1.0);
  cairo_stroke (cr);
}

/* Parcels a first frame is drawn for in place, on the main thread: beyond
 * them (the renderer tiles from 20,000 on) it waits for the worker. */
#define DRAW_IN_PLACE_MAX 20000

static gboolean
draws_in_place (MqMapView *self)
{
  MqDataset *dataset = mq_renderer_get_dataset (self->renderer);

  return dataset == NULL || mq_parcels_get_n_parcels (mq_dataset_get_parcels (dataset)) <= DRAW_IN_PLACE_MAX;
}

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
  /* The last frame, moved to the current view. Before the first, a small
   * dataset is drawn here; a large one would hold the window for a second
   * or more, so its first frame is the worker's. */
  if (!mq_frame_snapshot (self->frame, snapshot, self->viewport))
    {
      cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
      if (draws_in_place (self))
        mq_renderer_draw_map (self->renderer, cr, self->viewport);
      else
        {
          cairo_set_source_rgb (cr, 0.957, 0.949, 0.929);
          cairo_paint (cr);
        }
      cairo_destroy (cr);
    }
  /* Selection, hover and furniture are drawn live over the frame: a hover
   * costs no new frame, and the furniture stays put while the map moves. */
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  mq_renderer_draw_overlay (self->renderer, cr, self->viewport);
  mq_renderer_draw_furniture (self->renderer, cr, self->viewport);
  if (self->rubber_band)
    draw_band (self, cr);
  cairo_destroy (cr);
}

/* A still view gets a new frame at once; a moving one when it stops. */
#define MOVING_FRAME_DELAY_MS 120

static void
history_update (MqMapView *self)
{
  gboolean back = self->history_pos > 0;
  gboolean forward = self->history_pos + 1 < self->history->len;

  if (back != self->can_go_back)
    {
      self->can_go_back = back;
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "map.zoom-previous", back);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_GO_BACK]);
    }
  if (forward != self->can_go_forward)
    {
      self->can_go_forward = forward;
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "map.zoom-next", forward);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_GO_FORWARD]);
    }
}

/* The map came to rest: a new extent in the history, unless it is the one
 * the history is at (back and forward land there). */
static void
history_commit (MqMapView *self)
{
  HistoryEntry here = { 0 };
  HistoryEntry *at;

  /* A zoom under way or a hand on the map is not at rest, however slowly
   * its frames come. */
  if (mq_renderer_get_dataset (self->renderer) == NULL || self->needs_fit || self->zoom_tick_id != 0 ||
      self->dragging)
    return;
  mq_viewport_get_center (self->viewport, &here.x, &here.y);
  here.resolution = mq_viewport_get_resolution (self->viewport);
  if (self->history->len > 0)
    {
      at = &g_array_index (self->history, HistoryEntry, self->history_pos);
      if (fabs (at->x - here.x) < 1e-6 * here.resolution && fabs (at->y - here.y) < 1e-6 * here.resolution &&
          fabs (at->resolution - here.resolution) < 1e-9 * here.resolution)
        return;
      g_array_set_size (self->history, self->history_pos + 1);
    }
  if (self->history->len == HISTORY_MAX)
    g_array_remove_index (self->history, 0);
  g_array_append_val (self->history, here);
  self->history_pos = self->history->len - 1;
  history_update (self);
}

static gboolean
request_frame (gpointer user_data)
{
  MqMapView *self = user_data;

  self->frame_timeout_id = 0;
  history_commit (self);
  /* Before its first allocation the view has no size worth a frame. */
  if (mq_renderer_get_dataset (self->renderer) != NULL && gtk_widget_get_width (GTK_WIDGET (self)) > 0)
    mq_frame_request (self->frame, self->renderer, self->viewport,
                      gtk_widget_get_scale_factor (GTK_WIDGET (self)));
  return G_SOURCE_REMOVE;
}

static void
schedule_frame (MqMapView *self,
                guint      delay_ms)
{
  g_clear_handle_id (&self->frame_timeout_id, g_source_remove);
  self->frame_timeout_id = g_timeout_add (delay_ms, request_frame, self);
}

/* The ground at the top-left corner stays there: a side panel opening or
 * the window growing on the right moves nothing under the pointer. */
static void
resize_keeping_corner (MqMapView *self,
                       int        width,
                       int        height)
{
  double res = mq_viewport_get_resolution (self->viewport);
  double left, top;

  mq_viewport_screen_to_map (self->viewport, 0, 0, &left, &top);
  mq_viewport_set_size (self->viewport, width, height);
  mq_viewport_set_center (self->viewport, left + width / 2.0 * res, top - height / 2.0 * res);
}

static void
mq_map_view_size_allocate (GtkWidget *widget,
                           int        width,
                           int        height,
                           int        baseline)
{
  MqMapView *self = MQ_MAP_VIEW (widget);
  gboolean resized = width != mq_viewport_get_width (self->viewport) ||
                     height != mq_viewport_get_height (self->viewport);

  /* GTK allocates again whenever anything round the map animates: only a
   * real change of size asks for a new frame. */
  if (!resized && !self->needs_fit)
    return;
  g_signal_handlers_block_matched (self->viewport, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
  if ((self->needs_fit || self->keep_fit) && mq_renderer_get_dataset (self->renderer) != NULL)
    {
      mq_viewport_set_size (self->viewport, width, height);
      mq_map_view_zoom_to_all (self);
    }
  else
    resize_keeping_corner (self, width, height);
  g_signal_handlers_unblock_matched (self->viewport, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
  /* Nothing shown yet (a file just opened): no move to wait out. */
  schedule_frame (self, mq_frame_is_empty (self->frame) ? 0 : MOVING_FRAME_DELAY_MS);
}

static void
on_viewport_changed (MqMapView *self)
{
  /* The user moved the map: a fit no longer holds it. */
  if (!self->pinning)
    self->keep_fit = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  schedule_frame (self, mq_frame_is_empty (self->frame) ? 0 : MOVING_FRAME_DELAY_MS);
}

/* The theme or the data changed: the view did not. */
static void
on_style_changed (MqMapView *self)
{
  schedule_frame (self, 0);
}

/* Only a very large selection is part of the frame; otherwise it is drawn
 * live over it. */
static void
on_selection_changed (MqMapView *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (mq_renderer_selection_in_frame (self->renderer) || self->selection_in_frame)
    schedule_frame (self, 0);
  self->selection_in_frame = mq_renderer_selection_in_frame (self->renderer);
}

static void
on_frame_ready (MqMapView *self)
{
  MqDataset *dataset = mq_renderer_get_dataset (self->renderer);

  /* For timing the open as a user sees it (G_MESSAGES_DEBUG=all). */
  g_debug ("map: a frame of %u parcels is ready",
           dataset ? mq_parcels_get_n_parcels (mq_dataset_get_parcels (dataset)) : 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* While on, clicks pick points (::point-picked) instead of selecting and
 * a double click ends rather than zooms; dragging still pans. */
void
mq_map_view_set_picking (MqMapView *self,
                         gboolean   picking)
{
  g_return_if_fail (MQ_IS_MAP_VIEW (self));

  self->picking = picking;
  self->pick_double = FALSE;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), picking ? "crosshair" : NULL);
}

gboolean
mq_map_view_get_picking (MqMapView *self)
{
  g_return_val_if_fail (MQ_IS_MAP_VIEW (self), FALSE);
  return self->picking;
}

/* The parcel under a point of the widget, or -1. */
static int
parcel_at (MqMapView *self,
           double     x,
           double     y)
{
  MqDataset *dataset = mq_renderer_get_dataset (self->renderer);
  double mx, my;

  if (dataset == NULL)
    return -1;
  mq_viewport_screen_to_map (self->viewport, x, y, &mx, &my);
  return mq_parcels_hit_test (mq_dataset_get_parcels (dataset), mx, my);
}

static void
set_hover (MqMapView *self,
           int        parcel)
{
  if (self->hover == parcel)
    return;
  self->hover = parcel;
  mq_renderer_set_hover (self->renderer, parcel);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* An overdue parcel says so in red on the tooltip's dark ground. */
#define TOOLTIP_OVERDUE_COLOR "#f66151"

static gboolean
on_query_tooltip (GtkWidget  *widget,
                  int         x,
                  int         y,
                  gboolean    keyboard,
                  GtkTooltip *tooltip,
                  MqMapView  *self)
{
  /* While measuring, a parcel's card would cover the points being picked. */
  g_autofree char *markup = keyboard || self->picking ? NULL : mq_map_view_dup_tooltip_markup (self, x, y);

  if (markup == NULL)
    return FALSE;
  gtk_tooltip_set_markup (tooltip, markup);
  return TRUE;
}

/* How near a reference line or point a click must be, in pixels. */
#define REFERENCE_SLOP_PX 5.0

/* A click where no parcel is: a reference layer's feature there, if any. */
static void
click_reference (MqMapView *self,
                 double     x,
                 double     y)
{
  MqVectorLayer *layer;
  double mx, my;
  guint feature;

  mq_viewport_screen_to_map (self->viewport, x, y, &mx, &my);
  layer = mq_renderer_reference_at (self->renderer, mx, my,
                                    REFERENCE_SLOP_PX * mq_viewport_get_resolution (self->viewport), &feature);
  if (layer != NULL)
    g_signal_emit (self, signals[REFERENCE_CLICKED], 0, layer, feature);
}

/* A click selects the parcel under it; Shift or Ctrl adds or removes it; a
 * click on nothing clears the selection (and shows a reference layer's
 * feature there). */
static void
click_select (MqMapView       *self,
              double           x,
              double           y,
              GdkModifierType  state)
{
  gboolean extend = (state & (GDK_SHIFT_MASK | GDK_CONTROL_MASK)) != 0;
  int parcel = parcel_at (self, x, y);

  if (parcel < 0 && !extend)
    mq_selection_clear (self->selection);
  else if (parcel >= 0 && extend)
    mq_selection_toggle (self->selection, parcel);
  else if (parcel >= 0)
    mq_selection_select_only (self->selection, parcel);
  /* Said even when the selection stays as it was: a closed side panel
   * opens again for the parcel clicked once more. */
  if (parcel >= 0)
    g_signal_emit (self, signals[PARCEL_CLICKED], 0, parcel);
  else if (!extend)
    click_reference (self, x, y);
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
  set_hover (self, parcel_at (self, x, y));
  g_signal_emit (self, signals[POINTER_MOVED], 0, mx, my);
}

#define ZOOM_ANIMATION_US 200000

static gboolean
zoom_tick (GtkWidget     *widget,
           GdkFrameClock *clock,
           gpointer       user_data)
{
  MqMapView *self = MQ_MAP_VIEW (widget);
  double t = MIN (1.0, (gdk_frame_clock_get_frame_time (clock) - self->zoom_start_us) /
                       (double) ZOOM_ANIMATION_US);
  double eased = 1 - pow (1 - t, 3);
  double res = exp (log (self->zoom_from_res) + eased * (log (self->zoom_to_res) - log (self->zoom_from_res)));

  mq_viewport_zoom_at (self->viewport, mq_viewport_get_resolution (self->viewport) / res,
                       self->zoom_x, self->zoom_y);
  if (t < 1.0)
    return G_SOURCE_CONTINUE;
  self->zoom_tick_id = 0;
  return G_SOURCE_REMOVE;
}

static void
stop_zoom_animation (MqMapView *self)
{
  if (self->zoom_tick_id == 0)
    return;
  gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->zoom_tick_id);
  self->zoom_tick_id = 0;
}

/* Zooms about a point of the widget, animated unless the desktop says no
 * (gtk-enable-animations). */
static void
animate_zoom (MqMapView *self,
              double     factor,
              double     x,
              double     y)
{
  gboolean animate = FALSE;

  g_object_get (gtk_widget_get_settings (GTK_WIDGET (self)), "gtk-enable-animations", &animate, NULL);
  stop_zoom_animation (self);
  if (!animate || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      mq_viewport_zoom_at (self->viewport, factor, x, y);
      return;
    }
  self->zoom_from_res = mq_viewport_get_resolution (self->viewport);
  self->zoom_to_res = self->zoom_from_res / factor;
  self->zoom_x = x;
  self->zoom_y = y;
  self->zoom_start_us = gdk_frame_clock_get_frame_time (gtk_widget_get_frame_clock (GTK_WIDGET (self)));
  self->zoom_tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), zoom_tick, NULL, NULL);
}

/* A double click zooms in about the point clicked. */
static void
on_click_pressed (GtkGestureClick *gesture,
                  int              n_press,
                  double           x,
                  double           y,
                  MqMapView       *self)
{
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));

  /* Whatever had the keys, the map has them once it is clicked. */
  gtk_widget_grab_focus (GTK_WIDGET (self));
  /* The mouse's back and forward buttons walk the extents, as in QGIS. */
  if (button == 8)
    gtk_widget_activate_action (GTK_WIDGET (self), "map.zoom-previous", NULL);
  else if (button == 9)
    gtk_widget_activate_action (GTK_WIDGET (self), "map.zoom-next", NULL);
  else if (n_press == 2 && button == GDK_BUTTON_PRIMARY && self->picking)
    self->pick_double = TRUE;
  else if (n_press == 2 && button == GDK_BUTTON_PRIMARY)
    animate_zoom (self, 2.0, x, y);
}

static void
on_pinch_begin (GtkGesture       *gesture,
                GdkEventSequence *sequence,
                MqMapView        *self)
{
  self->pinch_scale = 1.0;
}

/* Two fingers: the map scales with their spread, about their middle. */
static void
on_pinch_scale_changed (GtkGestureZoom *gesture,
                        double          scale,
                        MqMapView      *self)
{
  double x, y;

  if (!gtk_gesture_get_bounding_box_center (GTK_GESTURE (gesture), &x, &y) || scale <= 0)
    return;
  mq_viewport_zoom_at (self->viewport, scale / self->pinch_scale, x, y);
  self->pinch_scale = scale;
}

static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  MqMapView *self = MQ_MAP_VIEW (widget);
  double factor = g_str_equal (action_name, "map.zoom-in") ? KEY_ZOOM_STEP : 1 / KEY_ZOOM_STEP;

  animate_zoom (self, factor, mq_viewport_get_width (self->viewport) / 2,
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

/* Esc: while points are picked, the measure ends; else the selection goes. */
static void
clear_selection_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  MqMapView *self = MQ_MAP_VIEW (widget);

  if (self->picking)
    g_signal_emit (self, signals[PICK_FINISHED], 0);
  else
    mq_selection_clear (self->selection);
}

static void
zoom_selection_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  mq_map_view_zoom_to_selection (MQ_MAP_VIEW (widget));
}

/* map.zoom-previous and map.zoom-next: a step through the history. */
static void
history_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  MqMapView *self = MQ_MAP_VIEW (widget);
  gboolean back = g_str_equal (action_name, "map.zoom-previous");
  HistoryEntry *to;

  stop_zoom_animation (self);
  /* A move not yet at rest is where "back" returns from. */
  history_commit (self);
  if (back ? self->history_pos == 0 : self->history_pos + 1 >= self->history->len)
    return;
  self->history_pos += back ? -1 : 1;
  to = &g_array_index (self->history, HistoryEntry, self->history_pos);
  mq_viewport_set_resolution (self->viewport, to->resolution);
  mq_viewport_set_center (self->viewport, to->x, to->y);
  history_update (self);
}

static void
install_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "map.zoom-in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "map.zoom-out", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "map.zoom-all", NULL, zoom_all_action);
  gtk_widget_class_install_action (widget_class, "map.pan", "(dd)", pan_action);
  gtk_widget_class_install_action (widget_class, "map.clear-selection", NULL, clear_selection_action);
  gtk_widget_class_install_action (widget_class, "map.zoom-selection", NULL, zoom_selection_action);
  gtk_widget_class_install_action (widget_class, "map.zoom-previous", NULL, history_action);
  gtk_widget_class_install_action (widget_class, "map.zoom-next", NULL, history_action);
  for (guint i = 0; i < G_N_ELEMENTS (map_keys); i++)
    {
      if (g_str_equal (map_keys[i].action, "map.pan"))
        gtk_widget_class_add_binding_action (widget_class, map_keys[i].key, map_keys[i].mods, "map.pan",
                                             "(dd)", map_keys[i].dx, map_keys[i].dy);
      else
        gtk_widget_class_add_binding_action (widget_class, map_keys[i].key, map_keys[i].mods,
                                             map_keys[i].action, NULL);
    }
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
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));

  self->drag_last_x = 0;
  self->drag_last_y = 0;
  self->drag_state = state;
  self->drag_button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));
  /* The back and forward buttons walk the extents (on_click_pressed), and
   * do nothing else: no pan, no box, no selection. */
  if (self->drag_button == 8 || self->drag_button == 9)
    {
      self->rubber_band = self->dragging = FALSE;
      return;
    }
  self->rubber_band = (state & GDK_SHIFT_MASK) != 0;
  self->dragging = !self->rubber_band;
  self->band_x0 = self->band_x1 = x;
  self->band_y0 = self->band_y1 = y;
}

/* The grabbed point stays under the pointer; with Shift, a box is drawn. */
static void
on_drag_update (GtkGestureDrag *gesture,
                double          offset_x,
                double          offset_y,
                MqMapView      *self)
{
  if (self->rubber_band)
    {
      self->band_x1 = self->band_x0 + offset_x;
      self->band_y1 = self->band_y0 + offset_y;
      gtk_widget_queue_draw (GTK_WIDGET (self));
      return;
    }
  if (!self->dragging)
    return;
  mq_viewport_pan_pixels (self->viewport, offset_x - self->drag_last_x,
                          offset_y - self->drag_last_y);
  self->drag_last_x = offset_x;
  self->drag_last_y = offset_y;
}

/* A drag that did not move is a click, which selects. The box adds every
 * parcel that meets it to the selection. */
static void
on_drag_end (GtkGestureDrag *gesture,
             double          offset_x,
             double          offset_y,
             MqMapView      *self)
{
  MqDataset *dataset = mq_renderer_get_dataset (self->renderer);

  if (self->dragging)
    {
      self->dragging = FALSE;
      history_commit (self);
    }
  if (self->drag_button == 8 || self->drag_button == 9)
    return;
  if (hypot (offset_x, offset_y) < CLICK_SLOP_PX && self->picking)
    {
      self->rubber_band = FALSE;
      g_signal_emit (self, signals[POINT_PICKED], 0, self->band_x0, self->band_y0,
                     self->pick_double ? 2 : 1);
      self->pick_double = FALSE;
      return;
    }
  if (hypot (offset_x, offset_y) < CLICK_SLOP_PX)
    {
      self->rubber_band = FALSE;
      click_select (self, self->band_x0, self->band_y0, self->drag_state);
      return;
    }
  if (!self->rubber_band)
    return;
  self->rubber_band = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (dataset != NULL)
    mq_map_view_select_box (self, self->band_x0, self->band_y0,
                            self->band_x0 + offset_x, self->band_y0 + offset_y);
}

static void on_image_finished (MqMapView *self, const char *path);

static void
mq_map_view_dispose (GObject *object)
{
  MqMapView *self = MQ_MAP_VIEW (object);

  if (self->viewport != NULL)
    g_signal_handlers_disconnect_by_data (self->viewport, self);
  if (self->renderer != NULL)
    g_signal_handlers_disconnect_by_data (self->renderer, self);
  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  if (self->frame != NULL)
    g_signal_handlers_disconnect_by_data (self->frame, self);
  g_clear_handle_id (&self->frame_timeout_id, g_source_remove);
  g_clear_pointer (&self->history, g_array_unref);
  g_clear_pointer (&self->image_errors, g_hash_table_unref);
  g_clear_pointer (&self->layer_notes, g_hash_table_unref);
  if (self->images != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->images, self);
      mq_image_preparer_forget (self->images);
      g_clear_object (&self->images);
    }
  if (self->project != NULL)
    g_signal_handlers_disconnect_by_data (mq_project_get_layers (self->project), self);
  g_clear_object (&self->project_signals);
  g_clear_object (&self->project);
  g_clear_object (&self->frame);
  g_clear_object (&self->selection);
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
    case PROP_CAN_GO_BACK:
      g_value_set_boolean (value, self->can_go_back);
      break;
    case PROP_CAN_GO_FORWARD:
      g_value_set_boolean (value, self->can_go_forward);
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
  /* Whether map.zoom-previous / map.zoom-next have an extent to go to. */
  properties[PROP_CAN_GO_BACK] =
    g_param_spec_boolean ("can-go-back", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_GO_FORWARD] =
    g_param_spec_boolean ("can-go-forward", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * MqMapView::pointer-moved:
   * @x: the pointer's map x in the display CRS
   * @y: the pointer's map y
   */
  signals[POINTER_MOVED] = g_signal_new ("pointer-moved", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 2, G_TYPE_DOUBLE, G_TYPE_DOUBLE);

  /**
   * MqMapView::parcel-clicked:
   * @parcel: the parcel clicked, after the selection took it in or out
   */
  signals[PARCEL_CLICKED] = g_signal_new ("parcel-clicked", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 1, G_TYPE_INT);

  /**
   * MqMapView::reference-clicked:
   * @layer: the reference layer (MqVectorLayer) whose feature was clicked
   * @feature: that feature
   *
   * A click that found no parcel but a reference layer's area, line or
   * point (the topmost shown).
   */
  signals[REFERENCE_CLICKED] = g_signal_new ("reference-clicked", G_TYPE_FROM_CLASS (klass),
                                             G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                             G_TYPE_NONE, 2, MQ_TYPE_VECTOR_LAYER, G_TYPE_UINT);

  /**
   * MqMapView::point-picked:
   * @x: where, in the widget
   * @y: where, in the widget
   * @n_press: 1, or 2 for a double click's second
   *
   * While mq_map_view_set_picking() is on, a click that did not drag.
   */
  signals[POINT_PICKED] = g_signal_new ("point-picked", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 3, G_TYPE_DOUBLE, G_TYPE_DOUBLE, G_TYPE_INT);

  /**
   * MqMapView::pick-finished:
   *
   * While picking, Esc was pressed.
   */
  signals[PICK_FINISHED] = g_signal_new ("pick-finished", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 0);

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
  GtkGesture *pinch = gtk_gesture_zoom_new ();

  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll), self);
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), 0);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
  g_signal_connect (click, "pressed", G_CALLBACK (on_click_pressed), self);
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), 0);
  g_signal_connect (pinch, "begin", G_CALLBACK (on_pinch_begin), self);
  g_signal_connect (pinch, "scale-changed", G_CALLBACK (on_pinch_scale_changed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (pinch));
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (on_query_tooltip), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
}

static void
mq_map_view_init (MqMapView *self)
{
  self->renderer = mq_renderer_new ();
  self->viewport = mq_viewport_new ();
  self->selection = mq_selection_new ();
  self->hover = -1;
  self->history = g_array_new (FALSE, FALSE, sizeof (HistoryEntry));
  for (guint i = 0; i < G_N_ELEMENTS (self->fit_pad); i++)
    self->fit_pad[i] = FIT_MARGIN_PX;
  mq_renderer_set_selection (self->renderer, self->selection);
  mq_renderer_set_live_overlay (self->renderer, TRUE);
  /* Overview frames are drawn again and again: their parcels kept as tiles. */
  mq_renderer_set_tiled (self->renderer, MQ_RENDERER_TILE_MIN_PARCELS);
  g_signal_connect_swapped (self->selection, "changed", G_CALLBACK (on_selection_changed), self);
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
  g_signal_connect_swapped (self->viewport, "changed", G_CALLBACK (on_viewport_changed), self);
  g_signal_connect_swapped (self->renderer, "notify", G_CALLBACK (on_style_changed), self);
  self->image_errors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->layer_notes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->images = mq_image_preparer_new ();
  g_signal_connect_swapped (self->images, "finished", G_CALLBACK (on_image_finished), self);
  self->frame = mq_frame_new ();
  g_signal_connect_swapped (self->frame, "ready", G_CALLBACK (on_frame_ready), self);
  add_controllers (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "map.zoom-previous", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "map.zoom-next", FALSE);
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
  mq_frame_clear (self->frame);
  mq_selection_clear (self->selection);
  set_hover (self, -1);
  mq_renderer_set_dataset (self->renderer, dataset);
  g_array_set_size (self->history, 0);
  self->history_pos = 0;
  history_update (self);
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
  mq_viewport_fit_padded (self->viewport, &extent, self->fit_pad[0], self->fit_pad[1], self->fit_pad[2],
                          self->fit_pad[3]);
  self->needs_fit = FALSE;
}

MqSelection *
mq_map_view_get_selection (MqMapView *self)
{
  g_return_val_if_fail (MQ_IS_MAP_VIEW (self), NULL);
  return self->selection;
}

/* Adds the parcels whose outline box meets a box of the widget. */
void
mq_map_view_select_box (MqMapView *self,
                        double     x0,
                        double     y0,
                        double     x1,
                        double     y1)
{
  MqDataset *dataset = mq_renderer_get_dataset (self->renderer);
  g_autoptr(GArray) items = NULL;
  MqBox box;

  g_return_if_fail (MQ_IS_MAP_VIEW (self));

  if (dataset == NULL)
    return;
  mq_viewport_screen_to_map (self->viewport, MIN (x0, x1), MAX (y0, y1), &box.min_x, &box.min_y);
  mq_viewport_screen_to_map (self->viewport, MAX (x0, x1), MIN (y0, y1), &box.max_x, &box.max_y);
  items = mq_spatial_index_query (mq_parcels_get_index (mq_dataset_get_parcels (dataset)), &box);
  mq_selection_add_many (self->selection, items);
}

/* Fits the selected parcels into the view, with room round them. */
#define MIN_CONTEXT_M 120.0

static void
zoom_to_selection (MqMapView *self,
                   double     context)
{
  MqDataset *dataset = mq_renderer_get_dataset (self->renderer);
  g_autoptr(GArray) selected = NULL;
  MqBox box = { INFINITY, INFINITY, -INFINITY, -INFINITY };
  const MqShapes *shapes;

  g_return_if_fail (MQ_IS_MAP_VIEW (self));

  if (dataset == NULL || mq_selection_get_n (self->selection) == 0)
    return;
  shapes = mq_parcels_get_shapes (mq_dataset_get_parcels (dataset));
  selected = mq_selection_dup_sorted (self->selection);
  for (guint k = 0; k < selected->len; k++)
    {
      MqBox b = mq_shapes_get_bbox (shapes, g_array_index (selected, guint, k));

      mq_box_union (&box, &b);
    }
  /* With context: the neighbours in view too, and never closer than a
   * block (a room needs to see where the parcel is). */
  if (context > 0)
    {
      double dx = MAX ((box.max_x - box.min_x) * context, MIN_CONTEXT_M);
      double dy = MAX ((box.max_y - box.min_y) * context, MIN_CONTEXT_M);

      box = (MqBox) { box.min_x - dx, box.min_y - dy, box.max_x + dx, box.max_y + dy };
    }
  /* Clear of the cards over the map too (mq_map_view_set_padding()). */
  mq_viewport_fit_padded (self->viewport, &box, self->fit_pad[0] + 3 * FIT_MARGIN_PX,
                          self->fit_pad[1] + 3 * FIT_MARGIN_PX, self->fit_pad[2] + 3 * FIT_MARGIN_PX,
                          self->fit_pad[3] + 3 * FIT_MARGIN_PX);
}

void
mq_map_view_zoom_to_selection (MqMapView *self)
{
  zoom_to_selection (self, 0);
}

/* The selection with its surroundings, @context times its size each side. */
void
mq_map_view_show_selection (MqMapView *self,
                            double     context)
{
  zoom_to_selection (self, context);
}

/* Whether what is on screen is the finished frame of the current view and
 * state: no render in flight or waiting. */
gboolean
mq_map_view_is_settled (MqMapView *self)
{
  g_return_val_if_fail (MQ_IS_MAP_VIEW (self), FALSE);

  return self->frame_timeout_id == 0 && !mq_frame_is_busy (self->frame) &&
         gtk_widget_get_width (GTK_WIDGET (self)) == (int) mq_viewport_get_width (self->viewport) &&
         gtk_widget_get_height (GTK_WIDGET (self)) == (int) mq_viewport_get_height (self->viewport) &&
         mq_frame_shows (self->frame, self->viewport);
}

/* The parcels changed (an edit): draw them again where the view is. */
void
mq_map_view_refresh (MqMapView *self)
{
  g_return_if_fail (MQ_IS_MAP_VIEW (self));

  /* The day deadlines count from moves too: past midnight, or to a past
   * day the project shows. */
  mq_renderer_set_today (self->renderer, self->project ? mq_project_get_today (self->project) : mq_today ());
  mq_renderer_parcels_changed (self->renderer);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  schedule_frame (self, 0);
}

/* Who else has which parcel open: drawn live over the frame, as the hover
 * is, so a colleague opening a parcel costs no worker render. */
static void
on_presence_changed (MqMapView *self)
{
  g_autoptr(GPtrArray) editors = self->project ? mq_project_list_editors (self->project) : NULL;

  mq_renderer_set_editors (self->renderer, editors);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* An added layer nowhere near the parcels is drawn, and said: a file in
 * another place, or in a CRS its .prj does not tell. */
static void
note_if_far (MqMapView   *self,
             MqDataset   *dataset,
             const char  *path,
             const MqBox *where)
{
  MqBox parcels;

  mq_dataset_get_extent (dataset, &parcels);
  if (mq_box_is_empty (where) || !mq_box_intersects (where, &parcels))
    g_hash_table_insert (self->layer_notes, g_strdup (path),
                         g_strdup (_("Lies nowhere near the parcels: is its coordinate system right?")));
}

/* What to know about the added layer of @path (it lies far off), or NULL. */
const char *
mq_map_view_get_layer_note (MqMapView  *self,
                            const char *path)
{
  g_return_val_if_fail (MQ_IS_MAP_VIEW (self), NULL);
  return g_hash_table_lookup (self->layer_notes, path);
}

/* The project's layers, drawn: the renderer takes a copy, and the images
 * shown are opened in the map's CRS (@reopen: all of them again, for another
 * dataset) — at once, or once made ready in the background
 * (mq-image-preparer.h). One that cannot be drawn is left out of the frame
 * and its reason kept for the layer panel (mq_map_view_get_image_error()). */
static void
sync_layers (MqMapView *self,
             gboolean   reopen)
{
  MqLayerList *layers = self->project ? mq_project_get_layers (self->project) : NULL;
  MqDataset *dataset = mq_renderer_get_dataset (self->renderer);
  g_autoptr(GStrvBuilder) shown = g_strv_builder_new ();
  g_auto(GStrv) keep = NULL;

  if (layers == NULL)
    return;
  if (reopen)
    {
      mq_renderer_clear_rasters (self->renderer);
      g_hash_table_remove_all (self->image_errors);
      g_hash_table_remove_all (self->layer_notes);
      mq_image_preparer_forget (self->images);
    }
  mq_renderer_set_layers (self->renderer, layers);
  for (guint i = 0; dataset != NULL && i < mq_layer_list_get_n_layers (layers); i++)
    {
      const MqLayer *l = mq_layer_list_get (layers, i);
      g_autoptr(MqRasterLayer) image = NULL;
      g_autoptr(GError) error = NULL;
      MqBox where;

      if (!mq_layer_kind_has_file (l->kind) || !l->visible)
        continue;
      g_strv_builder_add (shown, l->path);
      if (mq_renderer_has_file (self->renderer, l->path) || g_hash_table_contains (self->image_errors, l->path))
        continue;
      if (l->kind == MQ_LAYER_VECTOR)
        {
          MqVectorLayer *vector = mq_project_get_vector_layer (self->project, l->path, l->crs, &error);

          if (vector != NULL)
            {
              mq_renderer_add_vector_layer (self->renderer, vector);
              mq_shapes_get_extent (mq_vector_layer_get_shapes (vector), &where);
              note_if_far (self, dataset, l->path, &where);
            }
        }
      else if ((image = mq_image_preparer_open (self->images, l->path, l->crs, mq_dataset_get_display_wkt (dataset),
                                                &error)) != NULL)
        {
          mq_renderer_add_raster_layer (self->renderer, image);
          mq_raster_layer_get_extent (image, &where);
          note_if_far (self, dataset, l->path, &where);
        }
      if (error != NULL)
        g_hash_table_insert (self->image_errors, g_strdup (l->path), g_strdup (error->message));
    }
  keep = g_strv_builder_end (shown);
  mq_image_preparer_keep_only (self->images, (const char *const *) keep);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  schedule_frame (self, 0);
}

/* An image made ready (or not): drawn now (or its reason shown). */
static void
on_image_finished (MqMapView  *self,
                   const char *path)
{
  sync_layers (self, FALSE);
}

/* Makes the map's images ready, and says how far (the layer panel). */
MqImagePreparer *
mq_map_view_get_image_preparer (MqMapView *self)
{
  g_return_val_if_fail (MQ_IS_MAP_VIEW (self), NULL);
  return self->images;
}

static void
on_layers_changed (MqMapView *self)
{
  sync_layers (self, FALSE);
}

/* Why the image or vector layer of @path is not drawn, or NULL. */
const char *
mq_map_view_get_image_error (MqMapView  *self,
                             const char *path)
{
  g_return_val_if_fail (MQ_IS_MAP_VIEW (self), NULL);
  return g_hash_table_lookup (self->image_errors, path);
}

static void
on_project_loaded (MqMapView *self)
{
  mq_map_view_set_dataset (self, self->project ? mq_project_get_dataset (self->project) : NULL);
  sync_layers (self, TRUE);
  on_presence_changed (self);
}

/* The map shows the dataset of @project, draws and edits its selection, and
 * redraws after every edit. */
void
mq_map_view_set_project (MqMapView *self,
                         MqProject *project)
{
  g_return_if_fail (MQ_IS_MAP_VIEW (self));

  if (self->project == project)
    return;
  if (self->project != NULL)
    g_signal_handlers_disconnect_by_data (mq_project_get_layers (self->project), self);
  g_set_object (&self->project, project);
  if (project != NULL)
    g_signal_connect_swapped (mq_project_get_layers (project), "changed", G_CALLBACK (on_layers_changed), self);
  if (self->project_signals == NULL)
    {
      self->project_signals = g_signal_group_new (MQ_TYPE_PROJECT);
      g_signal_group_connect_swapped (self->project_signals, "loaded", G_CALLBACK (on_project_loaded), self);
      g_signal_group_connect_swapped (self->project_signals, "closed", G_CALLBACK (on_project_loaded), self);
      g_signal_group_connect_swapped (self->project_signals, "changed", G_CALLBACK (mq_map_view_refresh), self);
      g_signal_group_connect_swapped (self->project_signals, "presence-changed",
                                      G_CALLBACK (on_presence_changed), self);
    }
  g_signal_group_set_target (self->project_signals, project);
  if (project != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->selection, self);
      g_set_object (&self->selection, mq_project_get_selection (project));
      mq_renderer_set_selection (self->renderer, self->selection);
      g_signal_connect_swapped (self->selection, "changed", G_CALLBACK (on_style_changed), self);
    }
  on_project_loaded (self);
}

/**
 * mq_map_view_activate_key:
 *
 * Does what the key does on the map (zoom, pan, Home, `.`, Esc, Alt+←/→),
 * for a page that passes the map its keys whatever has the focus.
 *
 * Returns: whether the key is one of the map's and was acted on
 */
gboolean
mq_map_view_activate_key (MqMapView       *self,
                          guint            keyval,
                          GdkModifierType  state)
{
  GdkModifierType mods = state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SUPER_MASK);

  g_return_val_if_fail (MQ_IS_MAP_VIEW (self), FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (map_keys); i++)
    {
      const MapKey *k = &map_keys[i];

      if (k->key != keyval || k->mods != mods)
        continue;
      if (g_str_equal (k->action, "map.pan"))
        return gtk_widget_activate_action (GTK_WIDGET (self), k->action, "(dd)", k->dx, k->dy);
      return gtk_widget_activate_action (GTK_WIDGET (self), k->action, NULL);
    }
  return FALSE;
}

/**
 * mq_map_view_set_padding:
 *
 * The pixels of each side that cards over the map cover: fitting the zone
 * or the selection keeps clear of them, until mq_map_view_restore_view().
 */
void
mq_map_view_set_padding (MqMapView *self,
                         double     top,
                         double     right,
                         double     bottom,
                         double     left)
{
  g_return_if_fail (MQ_IS_MAP_VIEW (self));

  self->fit_pad[0] = top;
  self->fit_pad[1] = right;
  self->fit_pad[2] = bottom;
  self->fit_pad[3] = left;
}

/**
 * mq_map_view_fit_zone:
 *
 * Fits the whole zone into what the cards over the map leave free (@top,
 * @right, @bottom, @left pixels covered), and again at every resize until
 * the user moves the map: the meeting room's window goes full screen after
 * this is called.
 */
void
mq_map_view_fit_zone (MqMapView *self,
                      double     top,
                      double     right,
                      double     bottom,
                      double     left)
{
  g_return_if_fail (MQ_IS_MAP_VIEW (self));

  mq_map_view_set_padding (self, top, right, bottom, left);
  self->keep_fit = TRUE;
  self->pinning = TRUE;
  mq_map_view_zoom_to_all (self);
  self->pinning = FALSE;
}

/**
 * mq_map_view_restore_view:
 * @view: a copy of the viewport as it was (mq_viewport_copy())
 *
 * Puts the ground that was at @view's top-left corner there again, at its
 * scale. A resize keeps that corner, so once the map has its old size back
 * (the window leaving full screen) it shows what @view showed; a side panel
 * open now only covers its right edge. Fits go back to their ordinary margin.
 */
void
mq_map_view_restore_view (MqMapView  *self,
                          MqViewport *view)
{
  double res, left, top;

  g_return_if_fail (MQ_IS_MAP_VIEW (self));
  g_return_if_fail (MQ_IS_VIEWPORT (view));

  for (guint i = 0; i < G_N_ELEMENTS (self->fit_pad); i++)
    self->fit_pad[i] = FIT_MARGIN_PX;
  self->keep_fit = FALSE;
  self->needs_fit = FALSE;
  stop_zoom_animation (self);
  res = mq_viewport_get_resolution (view);
  mq_viewport_screen_to_map (view, 0, 0, &left, &top);
  mq_viewport_set_resolution (self->viewport, res);
  mq_viewport_set_center (self->viewport, left + mq_viewport_get_width (self->viewport) / 2.0 * res,
                          top - mq_viewport_get_height (self->viewport) / 2.0 * res);
}

static void
append_overdue (GString        *markup,
                const MqParcel *p,
                guint32         today)
{
  g_autofree char *overdue = mq_overdue_text (mq_parcel_days_overdue (p, today));
  g_autofree char *escaped = NULL;

  if (overdue == NULL)
    return;
  escaped = g_markup_escape_text (overdue, -1);
  g_string_append_printf (markup, "\n<span foreground=\"" TOOLTIP_OVERDUE_COLOR "\" weight=\"bold\">%s</span>",
                          escaped);
}

/**
 * mq_map_view_dup_tooltip_markup:
 *
 * What the hover tooltip says of the parcel under (@x, @y): id, owner, mu,
 * locks held, deadline, and in red how long it is overdue.
 *
 * Returns: (nullable): Pango markup, or %NULL over no parcel
 */
char *
mq_map_view_dup_tooltip_markup (MqMapView *self,
                                double     x,
                                double     y)
{
  MqDataset *dataset = mq_renderer_get_dataset (self->renderer);
  int i = parcel_at (self, x, y);
  g_autofree char *deadline = NULL;
  g_autofree char *text = NULL;
  g_autofree char *escaped = NULL;
  const MqParcel *p;
  GString *markup;

  if (i < 0)
    return NULL;
  p = mq_parcels_get (mq_dataset_get_parcels (dataset), i);
  deadline = mq_date_format (p->deadline);
  text = g_strdup_printf (_("%s\n%s\n%.2f mu · %u of 4 locks%s%s"),
                          p->id ? p->id : "—", p->owner ? p->owner : "—",
                          p->area_m2 / MQ_M2_PER_MU, mq_parcel_get_locks_held (p),
                          *deadline ? _(" · deadline ") : "", deadline);
  markup = g_string_new (NULL);
  g_string_append (markup, escaped = g_markup_escape_text (text, -1));
  append_overdue (markup, p, mq_dataset_get_today (dataset));
  return g_string_free (markup, FALSE);
}
