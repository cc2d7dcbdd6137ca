/* mq-sample-next.h — the sample's next-year survey: this year's parcels with
 * the changes a 国土变更调查 brings, so that the survey update has them to
 * find.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <ogr_api.h>

#include "mq-area.h"
#include "mq-parcels.h"

G_BEGIN_DECLS

/* A survey row: the record's survey facts (id, land use, owner, location,
 * surveyed area, class) and its geometry. */
typedef struct
{
  OGRGeometryH    geometry;
  const MqParcel *record;
  gint64          bsm;
} MqSampleRow;

OGRGeometryH mq_sample_band          (double        angle,
                                     double        u0,
                                     double        u1,
                                     double        v0,
                                     double        v1);
void         mq_sample_extent_along  (OGRGeometryH  polygon,
                                     double        angle,
                                     double       *u,
                                     double       *v);

GPtrArray *mq_sample_next_survey (GPtrArray    *rows,
                                  GPtrArray    *roads,
                                  double        grid_angle,
                                  MqAreaCalc   *area,
                                  GString      *log);

G_END_DECLS
