/* mq-progress.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-progress.h"

#include <math.h>

/* Months counted from year 0: what the series are indexed by. */
static int
month_index (guint32 julian)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_julian (&date, julian);
  return g_date_get_year (&date) * 12 + g_date_get_month (&date) - 1;
}

static guint32
last_lock_date (const MqParcel *p)
{
  guint32 last = 0;

  for (guint k = 0; k < MQ_N_LOCKS; k++)
    last = MAX (last, p->details->lock_date[k]);
  return last;
}

/* The earliest month anything happened: a lock taken, a deadline. */
static int
first_month (MqParcels *parcels,
             int        now)
{
  int first = now;

  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    {
      const MqParcel *p = mq_parcels_get (parcels, i);

      if (!p->flagged)
        continue;
      for (guint k = 0; k < MQ_N_LOCKS; k++)
        if (p->details->lock_date[k] != 0)
          first = MIN (first, month_index (p->details->lock_date[k]));
      if (p->deadline != 0)
        first = MIN (first, month_index (p->deadline));
    }
  return first;
}

/* Adds @m2 to the series from month @at on (as an increment; summed later). */
static void
add_from (GArray *months,
          int     start,
          int     at,
          guint   series,
          gboolean by_method,
          double  m2)
{
  int k = CLAMP (at - start, 0, (int) months->len - 1);
  MqProgressMonth *m;

  if (at - start >= (int) months->len)
    return;
  m = &g_array_index (months, MqProgressMonth, k);
  if (by_method)
    m->method_m2[series] += m2;
  else
    m->m2[series] += m2;
}

static void
count_parcel (GArray         *months,
              int             start,
              const MqParcel *p,
              int             now)
{
  for (guint k = 0; k < MQ_N_LOCKS; k++)
    if (p->locks & (1u << k))
      add_from (months, start, p->details->lock_date[k] ? month_index (p->details->lock_date[k]) : start,
                k, FALSE, p->area_m2);
  if (mq_parcel_get_locks_held (p) == MQ_N_LOCKS)
    {
      guint32 last = last_lock_date (p);
      int at = last ? month_index (last) : now;

      add_from (months, start, at, MQ_PROGRESS_ALL_FOUR, FALSE, p->area_m2);
      add_from (months, start, at, p->method, TRUE, p->area_m2);
    }
  if (p->deadline != 0)
    add_from (months, start, month_index (p->deadline), MQ_PROGRESS_PLANNED, FALSE, p->area_m2);
}

/**
 * mq_progress_by_month:
 * @filter: (nullable): only the parcels it leaves
 * @max_months: at most this many months up to today's (earlier land counts
 *   in the first)
 * @ahead_months: months after today's, for the deadlines still ahead
 *
 * Returns: (transfer full) (element-type MqProgressMonth): oldest first
 */
GArray *
mq_progress_by_month (MqDataset *dataset,
                      guint32    today,
                      MqFilter  *filter,
                      guint      max_months,
                      guint      ahead_months)
{
  MqParcels *parcels = mq_dataset_get_parcels (dataset);
  GArray *months = g_array_new (FALSE, TRUE, sizeof (MqProgressMonth));
  int now = month_index (today);
  int start = MAX (first_month (parcels, now), now - (int) MAX (max_months, 1) + 1);

  g_array_set_size (months, now - start + 1 + ahead_months);
  for (guint k = 0; k < months->len; k++)
    {
      g_array_index (months, MqProgressMonth, k).year = (start + (int) k) / 12;
      g_array_index (months, MqProgressMonth, k).month = (start + (int) k) % 12 + 1;
    }
  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    {
      const MqParcel *p = mq_parcels_get (parcels, i);

      if (p->flagged && (filter == NULL || mq_filter_matches (filter, dataset, i, today)))
        count_parcel (months, start, p, now);
    }
  /* Increments to running totals; what is held is not known ahead. */
  for (guint k = 1; k < months->len; k++)
    {
      MqProgressMonth *m = &g_array_index (months, MqProgressMonth, k);
      const MqProgressMonth *before = &g_array_index (months, MqProgressMonth, k - 1);

      for (guint s = 0; s < MQ_N_PROGRESS; s++)
        m->m2[s] += before->m2[s];
      for (guint s = 0; s < MQ_N_METHODS; s++)
        m->method_m2[s] += before->method_m2[s];
    }
  for (guint k = now - start + 1; k < months->len; k++)
    {
      MqProgressMonth *m = &g_array_index (months, MqProgressMonth, k);

      for (guint s = 0; s < MQ_PROGRESS_PLANNED; s++)
        m->m2[s] = NAN;
      for (guint s = 0; s < MQ_N_METHODS; s++)
        m->method_m2[s] = NAN;
    }
  return months;
}
