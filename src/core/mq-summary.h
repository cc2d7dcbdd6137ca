/* mq-summary.h — the figures of a dataset: what --summary prints and the
 * dashboard and reports show.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mq-dataset.h"
#include "mq-filter.h"
#include "mq-performance.h"
#include "mq-selection.h"

G_BEGIN_DECLS

typedef struct
{
  char   *name;
  double  area_m2;
} MqSummaryPart;

typedef struct
{
  char      *path;
  char      *layer;
  char      *crs;
  char      *encoding;
  char      *encoding_source;
  guint      parcels;
  double     area_m2;
  guint      flagged_parcels;
  double     flagged_m2;
  guint      locks_held[MQ_N_LOCKS + 1];      /* flagged parcels by locks held */
  double     locks_held_m2[MQ_N_LOCKS + 1];
  double     method_m2[MQ_N_METHODS];         /* flagged land by method */
  guint      method_parcels[MQ_N_METHODS];
  double     stage_m2[MQ_STAGE_DONE + 1];     /* flagged land by stage */
  guint      stage_parcels[MQ_STAGE_DONE + 1];
  guint      overdue;
  guint      due_soon;
  double     existing_industrial_m2;
  double     incremental_industrial_m2;
  guint      lossy_values;
  guint      problem_parcels;
  guint      records_lost;
  GPtrArray *warnings;                        /* char *, translated */
  guint      problem_counts[MQ_N_PROBLEM_KINDS];
  guint      repaired_parcels;                /* measured after make-valid */
  double     repaired_m2;                     /* their share of area_m2 */
  gboolean   has_zone;
  double     zone_m2;
  GArray    *parts;                           /* MqSummaryPart */
  MqPerformanceTotals performance;            /* of the industrial land */
} MqSummary;

/* The plan's figure: about 3,000 mu of industrial land to transform. */
#define MQ_TARGET_MU 3000.0

/* Land fully locked (all four) by the end of a month, cumulative. */


MqSummary *mq_summary_new      (MqDataset *dataset,
                                guint32    today);
MqSummary *mq_summary_new_filtered (MqDataset *dataset,
                                guint32    today,
                                MqFilter  *filter);
MqSummary *mq_summary_new_of   (MqDataset   *dataset,
                                guint32      today,
                                MqSelection *only);
void       mq_summary_free     (MqSummary *summary);
char      *mq_summary_to_json  (const MqSummary *summary);
char      *mq_summary_to_text  (const MqSummary *summary);
void       mq_summary_append_padded (GString    *out,
                                     const char *text,
                                     int         columns);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MqSummary, mq_summary_free)

G_END_DECLS
