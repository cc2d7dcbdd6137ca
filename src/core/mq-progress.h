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

/* All four locks over the same months, one series per responsible entity:
 * the @n_top holding the most flagged land, the rest as one. */
typedef struct
{
  GPtrArray *names;    /* char *: the entities, most flagged land first; the last "others" when any */
  GArray    *m2;       /* double: months × names, cumulative, NAN after today */
  gboolean   has_others;  /* the last name is the rest's */
} MqProgressGroups;

MqProgressGroups *mq_progress_by_entity   (MqDataset        *dataset,
                                           guint32           today,
                                           MqFilter         *filter,
                                           GArray           *months,
                                           guint             n_top);
double            mq_progress_groups_get  (MqProgressGroups *groups,
                                           guint             month,
                                           guint             group);
void              mq_progress_groups_free (MqProgressGroups *groups);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MqProgressGroups, mq_progress_groups_free)

G_END_DECLS
