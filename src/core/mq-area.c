/* mq-area.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mq-area.h"

#include <geodesic.h>
#include <math.h>

#include "mq-crs.h"

struct _MqAreaCalc
{
  struct geod_geodesic geod;
  OGRCoordinateTransformationH to_lonlat;  /* NULL for a geographic source */
  GArray *lon;
  GArray *lat;
};

MqAreaCalc *
mq_area_calc_new (OGRSpatialReferenceH   source,
                  GError               **error)
{
  g_autofree MqAreaCalc *calc = g_new0 (MqAreaCalc, 1);
  OGRSpatialReferenceH geog = OSRCloneGeogCS (source);
  double a = OSRGetSemiMajor (geog, NULL);
  double inv_f = OSRGetInvFlattening (geog, NULL);
  GError *local_error = NULL;

  OSRSetAxisMappingStrategy (geog, OAMS_TRADITIONAL_GIS_ORDER);
  geod_init (&calc->geod, a, inv_f > 0 ? 1.0 / inv_f : 0.0);
  if (OSRIsProjected (source))
    {
      calc->to_lonlat = mq_crs_new_transform (source, geog, &local_error);
      if (local_error != NULL)
        {
          OSRDestroySpatialReference (geog);
          g_propagate_error (error, local_error);
          return NULL;
        }
    }
  OSRDestroySpatialReference (geog);
  calc->lon = g_array_new (FALSE, FALSE, sizeof (double));
  calc->lat = g_array_new (FALSE, FALSE, sizeof (double));
  return g_steal_pointer (&calc);
}

void
mq_area_calc_free (MqAreaCalc *calc)
{
  if (calc == NULL)
    return;
  g_clear_pointer (&calc->to_lonlat, OCTDestroyCoordinateTransformation);
  g_array_unref (calc->lon);
  g_array_unref (calc->lat);
  g_free (calc);
}

static double
ring_area (MqAreaCalc   *calc,
           OGRGeometryH  ring)
{
  int n = OGR_G_GetPointCount (ring);
  double area = 0.0;
  double *x, *y;

  if (n < 3)
    return 0.0;
  g_array_set_size (calc->lon, n);
  g_array_set_size (calc->lat, n);
  x = (double *) calc->lon->data;
  y = (double *) calc->lat->data;
  OGR_G_GetPoints (ring, x, sizeof (double), y, sizeof (double), NULL, 0);
  if (calc->to_lonlat != NULL && !OCTTransform (calc->to_lonlat, n, x, y, NULL))
    return NAN;
  geod_polygonarea (&calc->geod, y, x, n, &area, NULL);
  return fabs (area);
}

static double
polygon_area (MqAreaCalc   *calc,
              OGRGeometryH  polygon)
{
  int n_rings = OGR_G_GetGeometryCount (polygon);
  double area = 0.0;

  for (int i = 0; i < n_rings; i++)
    {
      double a = ring_area (calc, OGR_G_GetGeometryRef (polygon, i));

      area += (i == 0) ? a : -a;
    }
  return area;
}

/* Area in m² of a polygon or multipolygon (holes subtracted, parts summed);
 * 0 for anything else, NaN when the coordinates cannot be transformed. */
double
mq_area_calc_measure (MqAreaCalc   *calc,
                      OGRGeometryH  geometry)
{
  OGRwkbGeometryType type;
  double area = 0.0;

  if (geometry == NULL || OGR_G_IsEmpty (geometry))
    return 0.0;
  type = wkbFlatten (OGR_G_GetGeometryType (geometry));
  if (type == wkbPolygon)
    return polygon_area (calc, geometry);
  if (type != wkbMultiPolygon && type != wkbGeometryCollection)
    return 0.0;
  for (int i = 0; i < OGR_G_GetGeometryCount (geometry); i++)
    area += mq_area_calc_measure (calc, OGR_G_GetGeometryRef (geometry, i));
  return area;
}
