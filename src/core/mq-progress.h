/* mq-progress.h — the transformation over time: how much flagged land held
 * each lock, and all four, at the end of every month; how much the
 * deadlines planned by then; the fully locked land by method.
 *
 * From the lock dates and deadlines the parcels carry (what the project
 * holds now), not from replaying the history: a lock released and taken
 * again counts from its last date.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mq-dataset.h"
#include "mq-filter.h"
#include "mq-types.h"

G_BEGIN_DECLS

typedef enum
{
  MQ_PROGRESS_LOCK_PARCEL,
  MQ_PROGRESS_LOCK_PROJECT,
  MQ_PROGRESS_LOCK_DEADLINE,
  MQ_PROGRESS_LOCK_OWNER,
  MQ_PROGRESS_ALL_FOUR,
  MQ_PROGRESS_PLANNED,      /* land whose deadline falls by the month's end */
  MQ_N_PROGRESS
} MqProgressSeries;

typedef struct
{
  int    year;
  int    month;
  double m2[MQ_N_PROGRESS];          /* cumulative; NAN after today for what is held */
  double method_m2[MQ_N_METHODS];    /* all four locks, by method */
} MqProgressMonth;

GArray *mq_progress_by_month (MqDataset *dataset,
                              guint32    today,
                              MqFilter  *filter,
                              guint      max_months,
                              guint      ahead_months);

G_END_DECLS
