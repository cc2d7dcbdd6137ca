/* mq-changes.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-changes.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "mq-as-of.h"
#include "mq-field-map.h"
#include "mq-filter.h"
#include "mq-history.h"
#include "mq-summary.h"
#include "mq-terms.h"

struct _MqChanges
{
  MqDataset     *now;       /* a snapshot of the project as it is */
  guint32        since;     /* Julian day */
  guint32        today;
  MqChangeCount  new_locks[MQ_N_LOCKS];
  MqChangeCount  any_new_lock;
  MqChangeCount  fully_locked;
  MqChangeCount  flagged;
  MqChangeCount  unflagged;
  guint          newly_overdue;
  guint          deadlines_moved;
  GArray        *changed;   /* MqChangedParcel, in the dataset's order */
  GPtrArray     *by_user;   /* MqChangesByUser, most changes first */
};

static void
by_user_free (MqChangesByUser *u)
{
  g_free (u->user);
  g_free (u);
}

void
mq_changes_free (MqChanges *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->now);
  g_clear_pointer (&self->changed, g_array_unref);
  g_clear_pointer (&self->by_user, g_ptr_array_unref);
  g_free (self);
}

static void
add (MqChangeCount  *count,
     const MqParcel *p)
{
  count->parcels++;
  count->mu += p->area_m2 / MQ_M2_PER_MU;
}

/* Which of the bureau's fields differ between the two records. */
G_STATIC_ASSERT (MQ_N_FIELDS <= 64);

static guint64
differing_fields (const MqParcel *before,
                  const MqParcel *now)
{
  guint64 fields = 0;

  for (guint f = 0; f < MQ_N_FIELDS; f++)
    {
      g_autofree char *a = NULL, *b = NULL;

      if (!mq_field_is_editable (f))
        continue;
      a = mq_parcel_dup_field_text (before, f);
      b = mq_parcel_dup_field_text (now, f);
      if (g_strcmp0 (a ? a : "", b ? b : "") != 0)
        fields |= G_GUINT64_CONSTANT (1) << f;
    }
  return fields;
}

/* @shown: a byte a parcel, as mq_filter_get_shown() gives them, or NULL
 * for all. */
static gboolean
is_shown (GBytes *shown,
          guint   i)
{
  gsize n = 0;
  const guint8 *bytes = shown != NULL ? g_bytes_get_data (shown, &n) : NULL;

  return bytes == NULL || (i < n && bytes[i]);
}

static void
compare (MqChanges *self,
         MqParcels *before,
         MqParcels *now,
         GBytes    *shown)
{
  for (guint i = 0; i < mq_parcels_get_n_parcels (now); i++)
    {
      const MqParcel *a = mq_parcels_get (before, i), *b = mq_parcels_get (now, i);

      if (!is_shown (shown, i))
        continue;
      MqChangedParcel c = { i, 0, a->deadline };

      /* A record the rewind did not touch is the same bytes in both
       * generations (their blocks are shared or copied whole). */
      if (a == b || memcmp (a, b, sizeof *a) == 0 || (c.fields = differing_fields (a, b)) == 0)
        continue;
      for (guint k = 0; k < MQ_N_LOCKS; k++)
        if ((b->locks & ~a->locks) & (1u << k))
          add (&self->new_locks[k], b);
      if (b->locks & ~a->locks)
        add (&self->any_new_lock, b);
      if (mq_parcel_get_locks_held (b) == MQ_N_LOCKS && mq_parcel_get_locks_held (a) < MQ_N_LOCKS)
        add (&self->fully_locked, b);
      if (b->flagged && !a->flagged)
        add (&self->flagged, b);
      if (a->flagged && !b->flagged)
        add (&self->unflagged, b);
      self->deadlines_moved += a->deadline != b->deadline;
      g_array_append_val (self->changed, c);
    }
  /* Overdue now and not then, whether by an edit or by the days passing. */
  for (guint i = 0; i < mq_parcels_get_n_parcels (now); i++)
    self->newly_overdue += mq_parcel_is_overdue (mq_parcels_get (now, i), self->today) &&
                           !mq_parcel_is_overdue (mq_parcels_get (before, i), self->since) &&
                           is_shown (shown, i);
}

static int
compare_users (gconstpointer a,
               gconstpointer b)
{
  const MqChangesByUser *x = *(MqChangesByUser **) a, *y = *(MqChangesByUser **) b;

  return x->changes != y->changes ? (int) y->changes - (int) x->changes : g_strcmp0 (x->user, y->user);
}

/* The ids of the parcels shown, or NULL for all. */
static GHashTable *
shown_ids (MqChanges *self,
           GBytes    *shown)
{
  MqParcels *parcels = mq_dataset_get_parcels (self->now);
  GHashTable *ids;

  if (shown == NULL)
    return NULL;
  ids = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    if (mq_parcels_get (parcels, i)->id != NULL && is_shown (shown, i))
      g_hash_table_add (ids, (gpointer) mq_parcels_get (parcels, i)->id);
  return ids;
}

/* Who wrote how many fields of how many parcels after the day ended. */
static void
count_users (MqChanges   *self,
             GPtrArray   *entries,
             const GDate *since,
             GBytes      *shown_bytes)
{
  g_autoptr(GHashTable) shown = shown_ids (self, shown_bytes);
  g_autoptr(GDateTime) cutoff = mq_as_of_end_of (since);
  g_autoptr(GHashTable) users = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < entries->len; i++)
    {
      const MqHistoryEntry *e = g_ptr_array_index (entries, i);
      g_autoptr(GDateTime) at = e->changed_at ? g_date_time_new_from_iso8601 (e->changed_at, NULL) : NULL;
      const char *who = e->user ? e->user : "";
      MqChangesByUser *u;

      if (at == NULL || g_date_time_compare (at, cutoff) < 0 ||
          (shown != NULL && (e->parcel_id == NULL || !g_hash_table_contains (shown, e->parcel_id))))
        continue;
      if ((u = g_hash_table_lookup (users, who)) == NULL)
        {
          u = g_new0 (MqChangesByUser, 1);
          u->user = g_strdup (who);
          g_hash_table_insert (users, u->user, u);
          g_ptr_array_add (self->by_user, u);
        }
      u->changes++;
      if (g_hash_table_add (seen, g_strconcat (who, "\n", e->parcel_id ? e->parcel_id : "", NULL)))
        u->parcels++;
    }
  g_ptr_array_sort (self->by_user, compare_users);
}

/**
 * mq_changes_since:
 * @dataset: a project file's, as it is now; left as it is
 * @since: the day whose end the changes are counted from
 * @today: the day deadlines are counted to now
 * @filter: (nullable): only the parcels it leaves (as they are now)
 */
MqChanges *
mq_changes_since (MqDataset    *dataset,
                  const GDate  *since,
                  guint32       today,
                  MqFilter     *filter,
                  GError      **error)
{
  /* Matched against the live dataset the filter follows (a snapshot would
   * make it work its texts out again). */
  GBytes *shown = filter != NULL && mq_filter_is_active (filter)
                    ? mq_filter_get_shown (filter, dataset, today, NULL) : NULL;

  return mq_changes_since_shown (dataset, since, today, shown, error);
}

/**
 * mq_changes_since_shown:
 * @dataset: as it is now, or a snapshot of it (a worker's)
 * @shown: (nullable): a byte a parcel of @dataset, 1 for those to count
 *   (mq_filter_get_shown()), or NULL for all
 *
 * mq_changes_since() for a worker: nothing of the live filter is read.
 */
MqChanges *
mq_changes_since_shown (MqDataset    *dataset,
                        const GDate  *since,
                        guint32       today,
                        GBytes       *shown,
                        GError      **error)
{
  g_autoptr(MqChanges) self = g_new0 (MqChanges, 1);
  g_autoptr(GPtrArray) entries = NULL;
  MqParcels *before;

  self->now = mq_dataset_is_snapshot (dataset) ? g_object_ref (dataset) : mq_dataset_snapshot (dataset);
  self->since = g_date_get_julian (since);
  self->today = today;
  self->changed = g_array_new (FALSE, FALSE, sizeof (MqChangedParcel));
  self->by_user = g_ptr_array_new_with_free_func ((GDestroyNotify) by_user_free);
  if ((entries = mq_dataset_load_history (self->now, error)) == NULL ||
      (before = mq_dataset_dup_rewound_by (self->now, since, entries, error)) == NULL)
    return NULL;
  compare (self, before, mq_dataset_get_parcels (self->now), shown);
  g_object_unref (before);
  count_users (self, entries, since, shown);
  return g_steal_pointer (&self);
}

/* The day (Julian) the changes are counted from the end of. */
guint32
mq_changes_get_since (MqChanges *self)
{
  return self->since;
}

MqChangeCount
mq_changes_get_new_locks (MqChanges *self,
                          MqLock     lock)
{
  g_return_val_if_fail (lock < MQ_N_LOCKS, (MqChangeCount) { 0 });
  return self->new_locks[lock];
}

/* Parcels that newly hold any lock. */
MqChangeCount
mq_changes_get_any_new_lock (MqChanges *self)
{
  return self->any_new_lock;
}

MqChangeCount
mq_changes_get_fully_locked (MqChanges *self)
{
  return self->fully_locked;
}

MqChangeCount
mq_changes_get_flagged (MqChanges *self)
{
  return self->flagged;
}

MqChangeCount
mq_changes_get_unflagged (MqChanges *self)
{
  return self->unflagged;
}

guint
mq_changes_get_n_newly_overdue (MqChanges *self)
{
  return self->newly_overdue;
}

guint
mq_changes_get_n_deadlines_moved (MqChanges *self)
{
  return self->deadlines_moved;
}

/* Returns: (transfer none) (element-type MqChangedParcel) */
GArray *
mq_changes_get_changed (MqChanges *self)
{
  return self->changed;
}

/* Returns: (transfer none) (element-type MqChangesByUser) */
GPtrArray *
mq_changes_get_by_user (MqChanges *self)
{
  return self->by_user;
}

/* ---- as text and JSON ---- */

static char *
dup_fields (guint64 fields)
{
  GString *out = g_string_new (NULL);

  for (guint f = 0; f < MQ_N_FIELDS; f++)
    if (fields & (G_GUINT64_CONSTANT (1) << f))
      g_string_append_printf (out, "%s%s", out->len ? "、" : "", mq_field_label (f));
  return g_string_free (out, FALSE);
}

static void
count_row (GString       *out,
           const char    *label,
           MqChangeCount  c)
{
  g_string_append (out, "  ");
  mq_summary_append_padded (out, label, 30);
  /* TRANSLATORS: how many parcels, and their area in mu */
  g_string_append_printf (out, _("%u parcels, %.2f mu\n"), c.parcels, c.mu);
}

static void
number_row (GString    *out,
            const char *label,
            guint       n)
{
  g_string_append (out, "  ");
  mq_summary_append_padded (out, label, 30);
  g_string_append_printf (out, "%u\n", n);
}

char *
mq_changes_to_text (MqChanges *self)
{
  GString *out = g_string_new (NULL);
  MqParcels *parcels = mq_dataset_get_parcels (self->now);
  g_autofree char *since = mq_date_format (self->since);
  g_autofree char *today = mq_date_format (self->today);

  g_string_append_printf (out, _("Changes since %s (to %s)\n"), since, today);
  g_string_append (out, _("Locks newly held:\n"));
  for (guint k = 0; k < MQ_N_LOCKS; k++)
    count_row (out, mq_lock_label (k), self->new_locks[k]);
  count_row (out, _("All four"), self->fully_locked);
  g_string_append (out, _("Flagged for upgrade:\n"));
  count_row (out, _("Newly flagged"), self->flagged);
  count_row (out, _("No longer flagged"), self->unflagged);
  g_string_append (out, _("Deadlines:\n"));
  number_row (out, _("Newly overdue"), self->newly_overdue);
  number_row (out, _("Deadlines moved"), self->deadlines_moved);
  g_string_append_printf (out, _("Parcels changed: %u\n"), self->changed->len);
  for (guint i = 0; i < self->changed->len; i++)
    {
      const MqChangedParcel *c = &g_array_index (self->changed, MqChangedParcel, i);
      const char *id = mq_parcels_get (parcels, c->parcel)->id;
      g_autofree char *fields = dup_fields (c->fields);

      g_string_append (out, "  ");
      mq_summary_append_padded (out, id ? id : "?", 12);
      g_string_append_printf (out, "%s\n", fields);
    }
  g_string_append (out, _("Who changed what:\n"));
  for (guint i = 0; i < self->by_user->len; i++)
    {
      const MqChangesByUser *u = g_ptr_array_index (self->by_user, i);

      g_string_append (out, "  ");
      mq_summary_append_padded (out, u->user, 12);
      /* TRANSLATORS: how many fields a planner wrote, of how many parcels */
      g_string_append_printf (out, _("%u changes, %u parcels\n"), u->changes, u->parcels);
    }
  return g_string_free (out, FALSE);
}

/**
 * mq_changes_dup_brief:
 *
 * A few lines for a card (the dashboard's, the meeting room's): the locks
 * newly held, the parcels fully locked since, newly overdue, deadlines
 * moved, flagged and unflagged, who changed most.
 */
char *
mq_changes_dup_brief (MqChanges *self)
{
  GString *out = g_string_new (NULL);

  /* TRANSLATORS: 本期新增锁定 N 宗 X 亩, then by kind */
  g_string_append_printf (out, _("Locks newly held: %u parcels, %.1f mu"), self->any_new_lock.parcels,
                          self->any_new_lock.mu);
  for (guint k = 0; k < MQ_N_LOCKS; k++)
    g_string_append_printf (out, "%s%s %u", k ? " · " : " (", mq_lock_label (k), self->new_locks[k].parcels);
  g_string_append (out, ")\n");
  g_string_append_printf (out, _("All four locks newly held: %u parcels, %.1f mu\n"), self->fully_locked.parcels,
                          self->fully_locked.mu);
  g_string_append_printf (out, _("Newly overdue: %u · deadlines moved: %u\n"), self->newly_overdue,
                          self->deadlines_moved);
  g_string_append_printf (out, _("Newly flagged: %u · no longer flagged: %u"), self->flagged.parcels,
                          self->unflagged.parcels);
  for (guint i = 0; i < MIN (self->by_user->len, 3); i++)
    {
      const MqChangesByUser *u = g_ptr_array_index (self->by_user, i);

      /* TRANSLATORS: who changed most: a planner and how many fields */
      g_string_append_printf (out, i ? _(", %s %u") : _("\nChanged by %s %u"), u->user, u->changes);
    }
  return g_string_free (out, FALSE);
}

static void
add_count (JsonBuilder   *b,
           const char    *key,
           MqChangeCount  c)
{
  json_builder_set_member_name (b, key);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "parcels");
  json_builder_add_int_value (b, c.parcels);
  json_builder_set_member_name (b, "mu");
  json_builder_add_double_value (b, round (c.mu * 100) / 100);
  json_builder_end_object (b);
}

static void
add_changed (JsonBuilder *b,
             MqChanges   *self)
{
  MqParcels *parcels = mq_dataset_get_parcels (self->now);

  json_builder_set_member_name (b, "changed");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->changed->len; i++)
    {
      const MqChangedParcel *c = &g_array_index (self->changed, MqChangedParcel, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, mq_parcels_get (parcels, c->parcel)->id);
      json_builder_set_member_name (b, "fields");
      json_builder_begin_array (b);
      for (guint f = 0; f < MQ_N_FIELDS; f++)
        if (c->fields & (G_GUINT64_CONSTANT (1) << f))
          json_builder_add_string_value (b, mq_field_info (f)->key);
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

char *
mq_changes_to_json (MqChanges *self)
{
  static const char *const lock_keys[MQ_N_LOCKS] = { "parcel", "project", "deadline", "owner" };
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *since = mq_date_format (self->since);
  g_autofree char *today = mq_date_format (self->today);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "since");
  json_builder_add_string_value (b, since);
  json_builder_set_member_name (b, "today");
  json_builder_add_string_value (b, today);
  json_builder_set_member_name (b, "new_locks");
  json_builder_begin_object (b);
  for (guint k = 0; k < MQ_N_LOCKS; k++)
    add_count (b, lock_keys[k], self->new_locks[k]);
  json_builder_end_object (b);
  add_count (b, "fully_locked", self->fully_locked);
  add_count (b, "flagged", self->flagged);
  add_count (b, "unflagged", self->unflagged);
  json_builder_set_member_name (b, "newly_overdue");
  json_builder_add_int_value (b, self->newly_overdue);
  json_builder_set_member_name (b, "deadlines_moved");
  json_builder_add_int_value (b, self->deadlines_moved);
  add_changed (b, self);
  json_builder_set_member_name (b, "by_user");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->by_user->len; i++)
    {
      const MqChangesByUser *u = g_ptr_array_index (self->by_user, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "user");
      json_builder_add_string_value (b, u->user);
      json_builder_set_member_name (b, "changes");
      json_builder_add_int_value (b, u->changes);
      json_builder_set_member_name (b, "parcels");
      json_builder_add_int_value (b, u->parcels);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  return json_generator_to_data (gen, NULL);
}
