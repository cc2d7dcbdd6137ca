/* mq-performance.h — performance per mu (亩均): the figures Shanghai's 2024
 * rules assess industrial land by.
 *
 * A parcel holds what the bureau enters or a tax table brings (floor area,
 * annual tax and output in 万元, energy use, the 三高一低, the A–D class);
 * the figures per mu are computed here from the parcel's geodesic area, so
 * that they always follow the land the survey measured.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mq-field-map.h"
#include "mq-parcels.h"

G_BEGIN_DECLS

/* The 亩均税收 theme's classes, 万元 per mu: below the first bound, between
 * each two, at or above the last. */
#define MQ_TAX_CLASS_N_BOUNDS 4
extern const double mq_tax_class_bounds[MQ_TAX_CLASS_N_BOUNDS];

double      mq_parcel_far            (const MqParcel *parcel);
double      mq_parcel_tax_per_mu     (const MqParcel *parcel);
double      mq_parcel_output_per_mu  (const MqParcel *parcel);
int         mq_tax_class             (double          tax_per_mu);

const char *mq_grade_term            (MqGrade         grade);
gboolean    mq_grade_parse           (const char     *text,
                                      MqGrade        *grade);
gboolean    mq_figure_parse          (const char     *text,
                                      double         *value);
char       *mq_figure_format         (double          value);
double      mq_figure_share          (double          value,
                                      double          share);
gboolean    mq_field_is_additive     (MqField         field);
gboolean    mq_credit_code_normalize (const char     *text,
                                      char          **code,
                                      GError        **error);

/* What the dashboard and the report total: land in mu per class, and the
 * figures of the land that has them. */
typedef struct
{
  double grade_mu[MQ_N_GRADES];     /* MQ_GRADE_NONE: not assessed */
  guint  grade_count[MQ_N_GRADES];
  double tax;                       /* 万元, of the parcels that have one */
  double tax_mu;                    /* the land those parcels cover */
  double output;
  double output_mu;
  guint  n_high_low;                /* parcels with any of the 三高一低 */
  double high_low_mu;
} MqPerformanceTotals;

void        mq_performance_totals_add (MqPerformanceTotals *totals,
                                       const MqParcel      *parcel);

G_END_DECLS
