/* mq-measure.h — what a planner measures on the map.
 *
 * Points clicked on the map (display CRS), their distance and the area
 * they enclose, geodesic on the ellipsoid of the data's datum
 * (mq_area_calc_geodesic()), and the figures as text in m, m², 亩 and
 * 公顷. Main thread only.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct
{
  guint  n_points;
  double length_m;     /* along the points in order */
  double area_m2;      /* of the polygon they bound, closed; 0 under three points */
  double perimeter_m;  /* that polygon's, closed; 0 under three points */
} MqMeasureFigures;

#define MQ_TYPE_MEASURE (mq_measure_get_type ())

G_DECLARE_FINAL_TYPE (MqMeasure, mq_measure, MQ, MEASURE, GObject)

MqMeasure    *mq_measure_new          (const char       *display_wkt,
                                       GError          **error);
void          mq_measure_add_point    (MqMeasure        *self,
                                       double            x,
                                       double            y);
void          mq_measure_set_points   (MqMeasure        *self,
                                       const double     *xy,
                                       guint             n);
void          mq_measure_clear        (MqMeasure        *self);
guint         mq_measure_get_n_points (MqMeasure        *self);
const double *mq_measure_get_points   (MqMeasure        *self);
gboolean      mq_measure_compute      (MqMeasure        *self,
                                       const double     *next,
                                       MqMeasureFigures *figures);

char         *mq_measure_format_length (double           metres);
char         *mq_measure_format_area   (double           square_metres);
char         *mq_measure_dup_text      (const MqMeasureFigures *figures);

G_END_DECLS
