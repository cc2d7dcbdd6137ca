/* mq-progress.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-progress.h"

#include <glib/gi18n-lib.h>
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

/* ---- by responsible entity ---- */

typedef struct
{
  const char *name;
  double      m2;
} Entity;

static int
by_flagged_land (gconstpointer a,
                 gconstpointer b)
{
  const Entity *x = a, *y = b;

  return x->m2 != y->m2 ? (x->m2 < y->m2 ? 1 : -1) : g_strcmp0 (x->name, y->name);
}

/* The entities holding the most flagged land, most first. */
static GArray *
rank_entities (MqDataset *dataset,
               guint32    today,
               MqFilter  *filter)
{
  MqParcels *parcels = mq_dataset_get_parcels (dataset);
  g_autoptr(GHashTable) index = g_hash_table_new (g_str_hash, g_str_equal);
  GArray *ranked = g_array_new (FALSE, FALSE, sizeof (Entity));

  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    {
      const MqParcel *p = mq_parcels_get (parcels, i);
      const char *name = p->details->entity;
      gpointer at;

      if (!p->flagged || name == NULL || *name == '\0' ||
          (filter != NULL && !mq_filter_matches (filter, dataset, i, today)))
        continue;
      if (!g_hash_table_lookup_extended (index, name, NULL, &at))
        {
          Entity e = { name, 0 };

          at = GUINT_TO_POINTER (ranked->len);
          g_array_append_val (ranked, e);
          g_hash_table_insert (index, (gpointer) name, at);
        }
      g_array_index (ranked, Entity, GPOINTER_TO_UINT (at)).m2 += p->area_m2;
    }
  g_array_sort (ranked, by_flagged_land);
  return ranked;
}

/**
 * mq_progress_by_entity:
 * @months: (element-type MqProgressMonth): the months to count over
 *   (mq_progress_by_month()'s)
 *
 * Returns: (transfer full): the series, one per entity
 */
MqProgressGroups *
mq_progress_by_entity (MqDataset *dataset,
                       guint32    today,
                       MqFilter  *filter,
                       GArray    *months,
                       guint      n_top)
{
  MqParcels *parcels = mq_dataset_get_parcels (dataset);
  g_autoptr(GArray) ranked = rank_entities (dataset, today, filter);
  g_autoptr(GHashTable) group = g_hash_table_new (g_str_hash, g_str_equal);
  MqProgressGroups *self = g_new0 (MqProgressGroups, 1);
  guint n = MIN (ranked->len, n_top), n_groups = n + (ranked->len > n_top);
  int start, now = month_index (today);

  self->names = g_ptr_array_new_with_free_func (g_free);
  for (guint k = 0; k < n; k++)
    {
      g_ptr_array_add (self->names, g_strdup (g_array_index (ranked, Entity, k).name));
      g_hash_table_insert (group, (gpointer) g_array_index (ranked, Entity, k).name, GUINT_TO_POINTER (k + 1));
    }
  if (n_groups > n)
    g_ptr_array_add (self->names, g_strdup (_("Others")));
  self->has_others = n_groups > n;
  self->m2 = g_array_set_size (g_array_new (FALSE, TRUE, sizeof (double)), months->len * n_groups);
  if (months->len == 0 || n_groups == 0)
    return self;
  start = g_array_index (months, MqProgressMonth, 0).year * 12 + g_array_index (months, MqProgressMonth, 0).month - 1;
  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    {
      const MqParcel *p = mq_parcels_get (parcels, i);
      guint32 last;
      guint g;
      int k;

      if (!p->flagged || mq_parcel_get_locks_held (p) < MQ_N_LOCKS || p->details->entity == NULL ||
          *p->details->entity == '\0' || (filter != NULL && !mq_filter_matches (filter, dataset, i, today)))
        continue;
      g = GPOINTER_TO_UINT (g_hash_table_lookup (group, p->details->entity));
      g = g != 0 ? g - 1 : n;
      last = last_lock_date (p);
      k = CLAMP ((last ? month_index (last) : now) - start, 0, (int) months->len - 1);
      g_array_index (self->m2, double, k * n_groups + g) += p->area_m2;
    }
  for (guint k = 0; k < months->len; k++)
    for (guint g = 0; g < n_groups; g++)
      {
        double *v = &g_array_index (self->m2, double, k * n_groups + g);

        if (start + (int) k > now)
          *v = NAN;
        else if (k > 0)
          *v += g_array_index (self->m2, double, (k - 1) * n_groups + g);
      }
  return self;
}

double
mq_progress_groups_get (MqProgressGroups *self,
                        guint             month,
                        guint             group)
{
  g_return_val_if_fail (group < self->names->len, NAN);
  g_return_val_if_fail (month * self->names->len + group < self->m2->len, NAN);
  return g_array_index (self->m2, double, month * self->names->len + group);
}

void
mq_progress_groups_free (MqProgressGroups *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->names);
  g_array_unref (self->m2);
  g_free (self);
}
