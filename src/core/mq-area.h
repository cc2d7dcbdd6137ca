/* mq-area.h — ellipsoidal area, the way China's land surveys compute it.
 *
 * The plane area in a projected CRS times the CRS's areal scale at the
 * centroid (Karney's geod_polygonarea, through PROJ, measures the scale on
 * the source datum once per grid node); polygons wider than about 2 km are
 * taken to lon/lat and measured vertex by vertex. See mq-area.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "mq-types.h"

G_BEGIN_DECLS

typedef struct _MqAreaCalc MqAreaCalc;

MqAreaCalc *mq_area_calc_new      (OGRSpatialReferenceH  crs,
                                   GError              **error);
void        mq_area_calc_free     (MqAreaCalc           *calc);
double      mq_area_calc_measure  (MqAreaCalc           *calc,
                                   OGRGeometryH          geometry);
gboolean    mq_area_calc_measure_rings (MqAreaCalc      *calc,
                                        const double    *xy,
                                        const guint     *ring_start,
                                        guint            n_rings,
                                        const MqBox     *box,
                                        double          *area);

gboolean    mq_area_calc_geodesic (MqAreaCalc      *calc,
                                   const double    *xy,
                                   guint            n,
                                   double          *length,
                                   double          *area);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MqAreaCalc, mq_area_calc_free)

G_END_DECLS
