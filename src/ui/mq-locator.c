/* mq-locator.c — the meeting room's inset: where in the zone the parcel on
 * the card lies.
 *
 * The zone's parcels in grey, fitted to the widget, and the parcel in red
 * with a ring round it (a parcel of a few mu is a dot at this size). Drawn
 * with cairo from the parcels' own shapes: the map's renderer would bring
 * labels and furniture that an inset of 180 pixels has no room for.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-locator.h"

#include <math.h>

#include "mq-renderer.h"
#include "mq-viewport.h"

#define INSET_MARGIN_PX 6.0
#define RING_RADIUS_PX 9.0

struct _MqLocator
{
  GtkWidget  parent_instance;

  MqDataset  *dataset;
  MqViewport *viewport;   /* the whole zone in the widget */
  int         parcel;     /* marked, or -1 */
};

G_DEFINE_FINAL_TYPE (MqLocator, mq_locator, GTK_TYPE_WIDGET)

/* The viewport fits the zone into the widget as it is now. */
static gboolean
fit (MqLocator *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));
  MqBox extent;

  if (self->dataset == NULL || width <= 0 || height <= 0)
    return FALSE;
  mq_dataset_get_extent (self->dataset, &extent);
  mq_viewport_set_size (self->viewport, width, height);
  mq_viewport_fit (self->viewport, &extent, INSET_MARGIN_PX);
  return TRUE;
}

static void
draw_zone (MqLocator *self,
           cairo_t   *cr)
{
  MqParcels *parcels = mq_dataset_get_parcels (self->dataset);
  const MqShapes *shapes = mq_parcels_get_shapes (parcels);

  cairo_set_source_rgb (cr, 0.957, 0.949, 0.929);
  cairo_paint (cr);
  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    mq_renderer_path_feature (cr, self->viewport, shapes, i, TRUE);
  cairo_set_fill_rule (cr, CAIRO_FILL_RULE_EVEN_ODD);
  cairo_set_source_rgb (cr, 0.75, 0.74, 0.71);
  cairo_fill (cr);
}

static void
draw_mark (MqLocator *self,
           cairo_t   *cr)
{
  const MqShapes *shapes = mq_parcels_get_shapes (mq_dataset_get_parcels (self->dataset));
  const MqBox b = mq_shapes_get_bbox (shapes, self->parcel);
  double x, y;

  mq_renderer_path_feature (cr, self->viewport, shapes, self->parcel, TRUE);
  cairo_set_source_rgb (cr, 0.75, 0.11, 0.16);
  cairo_fill (cr);
  mq_viewport_map_to_screen (self->viewport, (b.min_x + b.max_x) / 2, (b.min_y + b.max_y) / 2, &x, &y);
  cairo_arc (cr, x, y, RING_RADIUS_PX, 0, 2 * G_PI);
  cairo_set_line_width (cr, 2.5);
  cairo_stroke (cr);
}

static void
mq_locator_snapshot (GtkWidget   *widget,
                     GtkSnapshot *snapshot)
{
  MqLocator *self = MQ_LOCATOR (widget);
  cairo_t *cr;

  if (!fit (self))
    return;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (widget),
                                                                 gtk_widget_get_height (widget)));
  draw_zone (self, cr);
  if (self->parcel >= 0 && (guint) self->parcel < mq_parcels_get_n_parcels (mq_dataset_get_parcels (self->dataset)))
    draw_mark (self, cr);
  cairo_destroy (cr);
}

static void
mq_locator_dispose (GObject *object)
{
  MqLocator *self = MQ_LOCATOR (object);

  g_clear_object (&self->dataset);
  g_clear_object (&self->viewport);
  G_OBJECT_CLASS (mq_locator_parent_class)->dispose (object);
}

static void
mq_locator_class_init (MqLocatorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mq_locator_dispose;
  widget_class->snapshot = mq_locator_snapshot;
  gtk_widget_class_set_css_name (widget_class, "mq-locator");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
mq_locator_init (MqLocator *self)
{
  self->viewport = mq_viewport_new ();
  self->parcel = -1;
}

GtkWidget *
mq_locator_new (void)
{
  return g_object_new (MQ_TYPE_LOCATOR, NULL);
}

void
mq_locator_set_dataset (MqLocator *self,
                        MqDataset *dataset)
{
  g_return_if_fail (MQ_IS_LOCATOR (self));

  if (!g_set_object (&self->dataset, dataset))
    return;
  self->parcel = -1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
mq_locator_set_parcel (MqLocator *self,
                       int        parcel)
{
  g_return_if_fail (MQ_IS_LOCATOR (self));

  if (self->parcel == parcel)
    return;
  self->parcel = parcel;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

int
mq_locator_get_parcel (MqLocator *self)
{
  g_return_val_if_fail (MQ_IS_LOCATOR (self), -1);
  return self->parcel;
}

/* Where a map point is drawn in the widget, as it is sized now. */
gboolean
mq_locator_map_to_widget (MqLocator *self,
                          double     mx,
                          double     my,
                          double    *x,
                          double    *y)
{
  g_return_val_if_fail (MQ_IS_LOCATOR (self), FALSE);

  if (!fit (self))
    return FALSE;
  mq_viewport_map_to_screen (self->viewport, mx, my, x, y);
  return TRUE;
}
