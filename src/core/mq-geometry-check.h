/* mq-geometry-check.h — what is wrong with a parcel's geometry.
 *
 * The common checks (ring closure and length, duplicate vertices, spikes,
 * self-intersection of small rings, coordinates) are our own and cheap; GEOS
 * (through OGR) is asked only where they cannot decide: polygons with holes
 * or several parts, and very long rings. Invalid geometries are repaired with
 * make-valid for their area only: what is shown stays what the file holds.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <ogr_api.h>

#include "mq-types.h"

G_BEGIN_DECLS

MqProblem   mq_geometry_check          (OGRGeometryH  geometry,
                                        gboolean      geographic);
gboolean    mq_problem_needs_repair    (MqProblem     problems);
OGRGeometryH mq_geometry_dup_repaired  (OGRGeometryH  geometry);
OGRGeometryH mq_geometry_dup_without_stray_holes (OGRGeometryH geometry);
OGRGeometryH mq_geometry_dup_linear    (OGRGeometryH  geometry);
OGRGeometryH mq_geometry_take_linear   (OGRGeometryH  geometry);
char       *mq_problems_to_keys        (MqProblem     problems);
char       *mq_problems_describe       (MqProblem     problems);
const char *mq_problem_key             (MqProblem     problem);
const char *mq_problem_describe        (MqProblem     problem);

G_END_DECLS
