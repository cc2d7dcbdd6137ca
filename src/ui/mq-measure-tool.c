/* mq-measure-tool.c
 *
 * The tool lies over the whole map but takes only the card's clicks
 * (contains()): every other click, drag and scroll reaches the map, which
 * while picking (mq_map_view_set_picking()) says where it was clicked.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-measure-tool.h"

#include <glib/gi18n.h>
#include <math.h>

#include "mq-core.h"

/* How near (pixels) a corner or an edge must be for a point to snap to it. */
#define SNAP_PX 10.0

struct _MqMeasureTool
{
  GtkWidget   parent_instance;

  GtkWidget  *card;
  GtkLabel   *figures;
  GtkLabel   *hint;

  MqMapView  *map_view;
  MqMeasure  *measure;        /* for measured_dataset's CRS */
  MqDataset  *measured_dataset;
  gboolean    active;
  gboolean    finished;       /* the points are a whole measure: a click starts anew */
  gboolean    has_pointer;
  double      pointer[2];     /* where the next point would go, snapped (display CRS) */
  MqSnap      pointer_snap;
  char       *problem;        /* why nothing can be measured, or NULL */
};

G_DEFINE_FINAL_TYPE (MqMeasureTool, mq_measure_tool, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_MAP_VIEW,
  PROP_ACTIVE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The measure for the map's dataset, made again when the dataset changes. */
static MqMeasure *
ensure_measure (MqMeasureTool *self)
{
  MqDataset *dataset = self->map_view ? mq_map_view_get_dataset (self->map_view) : NULL;
  g_autoptr(GError) error = NULL;

  if (dataset == self->measured_dataset && self->measure != NULL)
    return self->measure;
  g_clear_object (&self->measure);
  g_clear_pointer (&self->problem, g_free);
  g_set_object (&self->measured_dataset, dataset);
  self->finished = FALSE;
  if (dataset == NULL)
    return NULL;
  self->measure = mq_measure_new (mq_dataset_get_display_wkt (dataset), &error);
  if (self->measure == NULL)
    self->problem = g_strdup (error->message);
  return self->measure;
}

/* The card's figures: the points so far and, while measuring, the pointer. */
static void
update_card (MqMeasureTool *self)
{
  MqMeasure *measure = ensure_measure (self);
  guint n = measure ? mq_measure_get_n_points (measure) : 0;
  gboolean running = n > 0 && !self->finished && self->has_pointer;
  MqMeasureFigures f;
  g_autofree char *text = NULL;

  if (measure != NULL && n > 0 && mq_measure_compute (measure, running ? self->pointer : NULL, &f))
    text = mq_measure_dup_text (&f);
  gtk_label_set_text (self->figures, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->figures), text != NULL);
  if (self->problem != NULL)
    gtk_label_set_text (self->hint, self->problem);
  else if (n == 0)
    gtk_label_set_text (self->hint, _("Click on the map to measure; points snap to parcel corners and edges."));
  else if (self->finished)
    gtk_label_set_text (self->hint, _("Click to start a new measure; Esc stops measuring."));
  else
    gtk_label_set_text (self->hint, _("Double-click or press Esc to finish."));
}

static void
changed (MqMeasureTool *self)
{
  update_card (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* A point of the widget, in the display CRS and snapped. */
static MqSnap
snap_point (MqMeasureTool *self,
            double         mx,
            double         my,
            double         out[2])
{
  MqDataset *dataset = mq_map_view_get_dataset (self->map_view);
  double res = mq_viewport_get_resolution (mq_map_view_get_viewport (self->map_view));

  if (dataset == NULL)
    {
      out[0] = mx, out[1] = my;
      return MQ_SNAP_NONE;
    }
  return mq_parcels_snap (mq_dataset_get_parcels (dataset), mx, my, SNAP_PX * res, &out[0], &out[1]);
}

static void
on_point_picked (MqMeasureTool *self,
                 double         x,
                 double         y,
                 int            n_press,
                 MqMapView     *view)
{
  MqMeasure *measure = ensure_measure (self);
  double mx, my, p[2];

  if (measure == NULL)
    return;
  /* A double click's second click ends the measure at the point its first put. */
  if (n_press >= 2 && !self->finished && mq_measure_get_n_points (measure) > 0)
    {
      self->finished = TRUE;
      changed (self);
      return;
    }
  if (self->finished)
    {
      mq_measure_clear (measure);
      self->finished = FALSE;
    }
  mq_viewport_screen_to_map (mq_map_view_get_viewport (view), x, y, &mx, &my);
  snap_point (self, mx, my, p);
  mq_measure_add_point (measure, p[0], p[1]);
  changed (self);
}

/* Esc: the measure ends; with none going on, measuring stops. */
static void
on_pick_finished (MqMeasureTool *self)
{
  MqMeasure *measure = ensure_measure (self);

  if (measure != NULL && mq_measure_get_n_points (measure) > 0 && !self->finished)
    {
      self->finished = TRUE;
      changed (self);
      return;
    }
  mq_measure_tool_set_active (self, FALSE);
}

static void
on_pointer_moved (MqMeasureTool *self,
                  double         mx,
                  double         my)
{
  if (!self->active)
    return;
  self->pointer_snap = snap_point (self, mx, my, self->pointer);
  self->has_pointer = TRUE;
  changed (self);
}

static void
on_dataset_changed (MqMeasureTool *self)
{
  if (self->measure != NULL)
    mq_measure_clear (self->measure);
  self->finished = FALSE;
  self->has_pointer = FALSE;
  if (mq_map_view_get_dataset (self->map_view) == NULL)
    mq_measure_tool_set_active (self, FALSE);
  else
    changed (self);
}

/* The selected parcel's outline (its outer ring) as the measure. */
static void
on_parcel_clicked (MqMeasureTool *self)
{
  MqDataset *dataset = mq_map_view_get_dataset (self->map_view);
  MqMeasure *measure = ensure_measure (self);
  g_autoptr(GArray) selected = NULL;
  g_autoptr(GArray) xy = g_array_new (FALSE, FALSE, sizeof (double));
  const MqShapes *shapes;
  guint parcel, p0, p1;
  MqBox origin;

  if (measure == NULL || dataset == NULL)
    return;
  selected = mq_selection_dup_sorted (mq_map_view_get_selection (self->map_view));
  if (selected->len == 0)
    {
      gtk_label_set_text (self->hint, _("Select a parcel on the map first."));
      return;
    }
  parcel = g_array_index (selected, guint, 0);
  shapes = mq_parcels_get_shapes (mq_dataset_get_parcels (dataset));
  p0 = g_array_index (shapes->ring_start, guint, g_array_index (shapes->feat_ring, guint, parcel));
  p1 = g_array_index (shapes->ring_start, guint, g_array_index (shapes->feat_ring, guint, parcel) + 1);
  origin = mq_shapes_get_bbox (shapes, parcel);
  for (guint k = p0; k < p1; k++)
    {
      double p[2];

      mq_shapes_get_point (shapes, &origin, k, &p[0], &p[1]);
      g_array_append_vals (xy, p, 2);
    }
  mq_measure_set_points (measure, (const double *) xy->data, p1 - p0);
  self->finished = TRUE;
  changed (self);
}

static void
on_copy_clicked (MqMeasureTool *self)
{
  MqMeasureFigures f;
  g_autofree char *text = NULL;

  if (!mq_measure_tool_get_figures (self, &f))
    return;
  text = mq_measure_dup_text (&f);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
}

static void
on_close_clicked (MqMeasureTool *self)
{
  mq_measure_tool_set_active (self, FALSE);
}

/* ---- drawing ---- */

static void
path_points (MqMeasureTool *self,
             cairo_t       *cr,
             gboolean       with_pointer)
{
  MqViewport *vp = mq_map_view_get_viewport (self->map_view);
  const double *xy = mq_measure_get_points (self->measure);
  guint n = mq_measure_get_n_points (self->measure);
  double sx, sy;

  for (guint i = 0; i < n; i++)
    {
      mq_viewport_map_to_screen (vp, xy[2 * i], xy[2 * i + 1], &sx, &sy);
      cairo_line_to (cr, sx, sy);
    }
  if (with_pointer)
    {
      mq_viewport_map_to_screen (vp, self->pointer[0], self->pointer[1], &sx, &sy);
      cairo_line_to (cr, sx, sy);
    }
}

static void
draw_measure (MqMeasureTool *self,
              cairo_t       *cr)
{
  MqViewport *vp = mq_map_view_get_viewport (self->map_view);
  guint n = self->measure ? mq_measure_get_n_points (self->measure) : 0;
  gboolean running = n > 0 && !self->finished && self->has_pointer;
  const double *xy = n > 0 ? mq_measure_get_points (self->measure) : NULL;
  double sx, sy;

  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  if (n + running >= 3)
    {
      path_points (self, cr, running);
      cairo_close_path (cr);
      cairo_set_source_rgba (cr, 0.90, 0.38, 0.0, 0.15);
      cairo_fill (cr);
    }
  path_points (self, cr, running);
  /* A whole measure of an area is a polygon: its closing edge counts. */
  if (self->finished && n >= 3)
    cairo_close_path (cr);
  cairo_set_source_rgba (cr, 1, 1, 1, 0.9);
  cairo_set_line_width (cr, 4.5);
  cairo_stroke_preserve (cr);
  cairo_set_source_rgb (cr, 0.90, 0.38, 0.0);
  cairo_set_line_width (cr, 2.0);
  cairo_stroke (cr);
  for (guint i = 0; i < n; i++)
    {
      mq_viewport_map_to_screen (vp, xy[2 * i], xy[2 * i + 1], &sx, &sy);
      cairo_arc (cr, sx, sy, 4.0, 0, 2 * G_PI);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_fill_preserve (cr);
      cairo_set_source_rgb (cr, 0.90, 0.38, 0.0);
      cairo_set_line_width (cr, 2.0);
      cairo_stroke (cr);
    }
  /* Where a click would go, and whether it would snap to a corner or an edge. */
  if (self->has_pointer && self->pointer_snap != MQ_SNAP_NONE && !self->finished)
    {
      mq_viewport_map_to_screen (vp, self->pointer[0], self->pointer[1], &sx, &sy);
      if (self->pointer_snap == MQ_SNAP_VERTEX)
        cairo_rectangle (cr, sx - 5, sy - 5, 10, 10);
      else
        cairo_arc (cr, sx, sy, 5.0, 0, 2 * G_PI);
      cairo_set_source_rgb (cr, 0.90, 0.38, 0.0);
      cairo_set_line_width (cr, 2.0);
      cairo_stroke (cr);
    }
}

static void
mq_measure_tool_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  MqMeasureTool *self = MQ_MEASURE_TOOL (widget);
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);

  if (self->map_view != NULL && self->measure != NULL && w > 0 && h > 0)
    {
      cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));

      draw_measure (self, cr);
      cairo_destroy (cr);
    }
  GTK_WIDGET_CLASS (mq_measure_tool_parent_class)->snapshot (widget, snapshot);
}

/* Only the card takes the pointer: the map below gets the rest. */
static gboolean
mq_measure_tool_contains (GtkWidget *widget,
                          double     x,
                          double     y)
{
  MqMeasureTool *self = MQ_MEASURE_TOOL (widget);
  graphene_rect_t bounds;

  return gtk_widget_compute_bounds (self->card, widget, &bounds) &&
         graphene_rect_contains_point (&bounds, &GRAPHENE_POINT_INIT (x, y));
}

/* ---- the object ---- */

static void
set_map_view (MqMeasureTool *self,
              MqMapView     *view)
{
  g_return_if_fail (self->map_view == NULL);

  self->map_view = g_object_ref (view);
  g_signal_connect_object (view, "point-picked", G_CALLBACK (on_point_picked), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (view, "pick-finished", G_CALLBACK (on_pick_finished), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (view, "pointer-moved", G_CALLBACK (on_pointer_moved), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (view, "notify::dataset", G_CALLBACK (on_dataset_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (mq_map_view_get_viewport (view), "changed", G_CALLBACK (gtk_widget_queue_draw),
                           self, G_CONNECT_SWAPPED);
}

void
mq_measure_tool_set_active (MqMeasureTool *self,
                            gboolean       active)
{
  g_return_if_fail (MQ_IS_MEASURE_TOOL (self));

  active = active && self->map_view != NULL;
  if (self->active == active)
    return;
  self->active = active;
  self->has_pointer = FALSE;
  self->finished = FALSE;
  if (self->measure != NULL)
    mq_measure_clear (self->measure);
  if (self->map_view != NULL)
    mq_map_view_set_picking (self->map_view, active);
  gtk_widget_set_visible (GTK_WIDGET (self), active);
  changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE]);
}

gboolean
mq_measure_tool_get_active (MqMeasureTool *self)
{
  g_return_val_if_fail (MQ_IS_MEASURE_TOOL (self), FALSE);
  return self->active;
}

/* The figures the card shows, pointer included; FALSE with no points. */
gboolean
mq_measure_tool_get_figures (MqMeasureTool    *self,
                             MqMeasureFigures *figures)
{
  MqMeasure *measure;
  guint n;

  g_return_val_if_fail (MQ_IS_MEASURE_TOOL (self), FALSE);
  measure = ensure_measure (self);
  n = measure ? mq_measure_get_n_points (measure) : 0;
  return n > 0 && mq_measure_compute (measure, !self->finished && self->has_pointer ? self->pointer : NULL,
                                      figures);
}

static void
mq_measure_tool_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  MqMeasureTool *self = MQ_MEASURE_TOOL (object);

  switch (prop_id)
    {
    case PROP_MAP_VIEW:
      g_value_set_object (value, self->map_view);
      break;
    case PROP_ACTIVE:
      g_value_set_boolean (value, self->active);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mq_measure_tool_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  MqMeasureTool *self = MQ_MEASURE_TOOL (object);

  switch (prop_id)
    {
    case PROP_MAP_VIEW:
      set_map_view (self, g_value_get_object (value));
      break;
    case PROP_ACTIVE:
      mq_measure_tool_set_active (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mq_measure_tool_dispose (GObject *object)
{
  MqMeasureTool *self = MQ_MEASURE_TOOL (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), MQ_TYPE_MEASURE_TOOL);
  g_clear_object (&self->map_view);
  g_clear_object (&self->measure);
  g_clear_object (&self->measured_dataset);
  g_clear_pointer (&self->problem, g_free);

  G_OBJECT_CLASS (mq_measure_tool_parent_class)->dispose (object);
}

static void
mq_measure_tool_class_init (MqMeasureToolClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mq_measure_tool_dispose;
  object_class->get_property = mq_measure_tool_get_property;
  object_class->set_property = mq_measure_tool_set_property;
  widget_class->snapshot = mq_measure_tool_snapshot;
  widget_class->contains = mq_measure_tool_contains;

  properties[PROP_MAP_VIEW] =
    g_param_spec_object ("map-view", NULL, NULL, MQ_TYPE_MAP_VIEW,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACTIVE] =
    g_param_spec_boolean ("active", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/maqiao/LandViewer/mq-measure-tool.ui");
  gtk_widget_class_bind_template_child (widget_class, MqMeasureTool, card);
  gtk_widget_class_bind_template_child (widget_class, MqMeasureTool, figures);
  gtk_widget_class_bind_template_child (widget_class, MqMeasureTool, hint);
  gtk_widget_class_bind_template_callback (widget_class, on_parcel_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_copy_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_close_clicked);
  gtk_widget_class_set_css_name (widget_class, "mq-measure-tool");
}

static void
mq_measure_tool_init (MqMeasureTool *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
