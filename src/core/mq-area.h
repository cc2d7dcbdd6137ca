/* mq-area.h — ellipsoidal area, the way China's land surveys compute it.
 *
 * GDAL 3.6 has no geodesic area of its own, so rings are taken to longitude
 * and latitude on the source's own datum and measured with PROJ's
 * geod_polygonarea (Karney's algorithm).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

G_BEGIN_DECLS

typedef struct _MqAreaCalc MqAreaCalc;

MqAreaCalc *mq_area_calc_new      (OGRSpatialReferenceH  source,
                                   GError              **error);
void        mq_area_calc_free     (MqAreaCalc           *calc);
double      mq_area_calc_measure  (MqAreaCalc           *calc,
                                   OGRGeometryH          geometry);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MqAreaCalc, mq_area_calc_free)

G_END_DECLS
