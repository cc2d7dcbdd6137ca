/* mq-measure.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-measure.h"

#include <glib/gi18n-lib.h>
#include <ogr_srs_api.h>

#include "mq-area.h"
#include "mq-types.h"

#define M2_PER_HECTARE 10000.0

struct _MqMeasure
{
  GObject     parent_instance;

  MqAreaCalc *calc;
  GArray     *xy;     /* double: x0, y0, x1, y1, … in the display CRS */
};

G_DEFINE_FINAL_TYPE (MqMeasure, mq_measure, G_TYPE_OBJECT)

static void
mq_measure_finalize (GObject *object)
{
  MqMeasure *self = MQ_MEASURE (object);

  g_clear_pointer (&self->calc, mq_area_calc_free);
  g_clear_pointer (&self->xy, g_array_unref);

  G_OBJECT_CLASS (mq_measure_parent_class)->finalize (object);
}

static void
mq_measure_class_init (MqMeasureClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mq_measure_finalize;
}

static void
mq_measure_init (MqMeasure *self)
{
  self->xy = g_array_new (FALSE, FALSE, sizeof (double));
}

/* A measure in the display CRS of a dataset (mq_dataset_get_display_wkt()). */
MqMeasure *
mq_measure_new (const char  *display_wkt,
                GError     **error)
{
  g_autoptr(MqMeasure) self = g_object_new (MQ_TYPE_MEASURE, NULL);
  OGRSpatialReferenceH crs = OSRNewSpatialReference (NULL);

  if (display_wkt == NULL || OSRImportFromWkt (crs, (char **) &display_wkt) != OGRERR_NONE)
    {
      OSRDestroySpatialReference (crs);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("The map’s coordinate system cannot be measured on"));
      return NULL;
    }
  /* x east, y north, as the map's coordinates are. */
  OSRSetAxisMappingStrategy (crs, OAMS_TRADITIONAL_GIS_ORDER);
  self->calc = mq_area_calc_new (crs, error);
  OSRDestroySpatialReference (crs);
  return self->calc != NULL ? g_steal_pointer (&self) : NULL;
}

void
mq_measure_add_point (MqMeasure *self,
                      double     x,
                      double     y)
{
  double p[2] = { x, y };

  g_return_if_fail (MQ_IS_MEASURE (self));
  g_array_append_vals (self->xy, p, 2);
}

/* The points at once, a parcel's outline for one. */
void
mq_measure_set_points (MqMeasure    *self,
                       const double *xy,
                       guint         n)
{
  g_return_if_fail (MQ_IS_MEASURE (self));
  g_array_set_size (self->xy, 0);
  g_array_append_vals (self->xy, xy, 2 * n);
}

void
mq_measure_clear (MqMeasure *self)
{
  g_return_if_fail (MQ_IS_MEASURE (self));
  g_array_set_size (self->xy, 0);
}

guint
mq_measure_get_n_points (MqMeasure *self)
{
  g_return_val_if_fail (MQ_IS_MEASURE (self), 0);
  return self->xy->len / 2;
}

const double *
mq_measure_get_points (MqMeasure *self)
{
  g_return_val_if_fail (MQ_IS_MEASURE (self), NULL);
  return (const double *) self->xy->data;
}

/* The figures of the points, and of @next (x, y) after them when it is not
 * NULL — where the pointer is, while a measure goes on. FALSE when a point
 * lies where the ellipsoid cannot be reached. */
gboolean
mq_measure_compute (MqMeasure        *self,
                    const double     *next,
                    MqMeasureFigures *figures)
{
  g_autoptr(GArray) xy = NULL;
  double closing = 0.0, area = 0.0;
  guint n;

  g_return_val_if_fail (MQ_IS_MEASURE (self), FALSE);

  xy = g_array_copy (self->xy);
  if (next != NULL)
    g_array_append_vals (xy, next, 2);
  n = xy->len / 2;
  *figures = (MqMeasureFigures) { .n_points = n };
  if (!mq_area_calc_geodesic (self->calc, (const double *) xy->data, n, &figures->length_m, &area))
    return FALSE;
  if (n >= 3)
    {
      const double *p = (const double *) xy->data;
      double edge[4] = { p[2 * n - 2], p[2 * n - 1], p[0], p[1] }, unused;

      if (!mq_area_calc_geodesic (self->calc, edge, 2, &closing, &unused))
        return FALSE;
      figures->area_m2 = area;
      figures->perimeter_m = figures->length_m + closing;
    }
  return TRUE;
}

/* “12.34 m”, or in kilometres from 10 km. */
char *
mq_measure_format_length (double metres)
{
  if (metres >= 10000.0)
    /* TRANSLATORS: a distance measured on the map, in kilometres */
    return g_strdup_printf (_("%.3f km"), metres / 1000.0);
  /* TRANSLATORS: a distance measured on the map, in metres */
  return g_strdup_printf (_("%.2f m"), metres);
}

/* “1234.5 m² · 1.852 mu · 0.1235 ha”: the units a planning bureau reads. */
char *
mq_measure_format_area (double square_metres)
{
  /* TRANSLATORS: an area measured on the map in square metres, mu (亩) and hectares (公顷) */
  return g_strdup_printf (_("%.1f m² · %.3f mu · %.4f ha"), square_metres,
                          square_metres / MQ_M2_PER_MU, square_metres / M2_PER_HECTARE);
}

/* The figures as lines of text, for the clipboard. */
char *
mq_measure_dup_text (const MqMeasureFigures *figures)
{
  g_autofree char *length = mq_measure_format_length (figures->length_m);
  GString *text = g_string_new (NULL);

  /* TRANSLATORS: the first line of measured figures copied from the map */
  g_string_append_printf (text, _("Distance: %s"), length);
  if (figures->n_points >= 3)
    {
      g_autofree char *area = mq_measure_format_area (figures->area_m2);
      g_autofree char *perimeter = mq_measure_format_length (figures->perimeter_m);

      g_string_append_c (text, '\n');
      g_string_append_printf (text, _("Area: %s"), area);
      g_string_append_c (text, '\n');
      g_string_append_printf (text, _("Perimeter: %s"), perimeter);
    }
  return g_string_free (text, FALSE);
}
