/* mq-staging.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-staging.h"

#include <glib/gi18n-lib.h>

#include "mq-edit-private.h"
#include "mq-store.h"

struct _MqStaging
{
  MqDataset  *dataset;
  MqParcels  *parcels;    /* the generation the edit was made against */
  GPtrArray  *staged;     /* MqStaged, by parcel index */
  GPtrArray  *problems;   /* char *, translated */
};

static void
staged_free (MqStaged *s)
{
  g_ptr_array_unref (s->changes);
  g_free (s);
}

void
mq_staging_free (MqStaging *self)
{
  if (self == NULL)
    return;
  g_object_unref (self->dataset);
  g_object_unref (self->parcels);
  g_ptr_array_unref (self->staged);
  g_ptr_array_unref (self->problems);
  g_free (self);
}

static gboolean
same_text (const char *a,
           const char *b)
{
  return g_strcmp0 (a ? a : "", b ? b : "") == 0;
}

static char *
where (MqParcels      *parcels,
       const MqStaged *s)
{
  const char *id = mq_parcels_get (parcels, s->parcel)->id;

  if (s->row > 0)
    return g_strdup_printf (_("row %u"), s->row);
  return g_strdup_printf (_("parcel %s"), id ? id : "?");
}

/* The rules of the four locks: a lock pins something, so it needs it. */
static guint
broken_rules (const MqParcel *p)
{
  guint broken = 0;

  if ((p->locks & (1u << MQ_LOCK_PROJECT)) && p->details->project == NULL)
    broken |= 1u << MQ_LOCK_PROJECT;
  if ((p->locks & (1u << MQ_LOCK_DEADLINE)) && p->deadline == 0)
    broken |= 1u << MQ_LOCK_DEADLINE;
  if ((p->locks & (1u << MQ_LOCK_OWNER)) && p->details->entity == NULL)
    broken |= 1u << MQ_LOCK_OWNER;
  return broken;
}

/* Only what the edit breaks is refused: a parcel that came in breaking a
 * rule (the loader reports it as a problem) can still have its notes or its
 * deadline edited, which is how it gets mended. */
static void
check_rules (MqStaging      *self,
             const MqStaged *s)
{
  guint broken = broken_rules (&s->record) & ~broken_rules (&s->before);
  g_autofree char *at = where (self->parcels, s);

  if (broken & (1u << MQ_LOCK_PROJECT))
    g_ptr_array_add (self->problems,
                     g_strdup_printf (_("%s: the project lock needs a project name"), at));
  if (broken & (1u << MQ_LOCK_DEADLINE))
    g_ptr_array_add (self->problems, g_strdup_printf (_("%s: the time lock needs a deadline"), at));
  if (broken & (1u << MQ_LOCK_OWNER))
    g_ptr_array_add (self->problems,
                     g_strdup_printf (_("%s: the entity lock needs a responsible entity"), at));
}

/* A held lock always has a date: the one given, else the one it had, else
 * today (it is being taken now). An opened lock pins nothing and keeps no
 * date. So a table with the date column left empty never undates a lock. */
static void
date_locks (MqParcels *parcels,
            MqStaged  *s,
            guint32    today)
{
  MqParcelDetails d = *s->record.details;
  const guint32 *before = s->before.details->lock_date;

  for (guint lock = 0; lock < MQ_N_LOCKS; lock++)
    {
      gboolean held = (s->record.locks >> lock) & 1;
      gboolean was_held = (s->before.locks >> lock) & 1;

      if (held && d.lock_date[lock] == 0)
        d.lock_date[lock] = (was_held && before[lock]) ? before[lock] : today;
      if (!held)
        d.lock_date[lock] = 0;
    }
  s->record.details = mq_parcels_store_details (parcels, &d);
}

/* The record is before with the edit's changes, in the edit's order. */
static void
restage (MqStaging *self,
         MqStaged  *s)
{
  s->record = s->before;
  for (guint i = 0; i < s->changes->len; i++)
    {
      const MqChange *c = g_ptr_array_index (s->changes, i);
      g_autoptr(GError) local = NULL;

      if (!mq_parcel_set_field_text (self->parcels, &s->record, c->field, c->value, &local))
        {
          g_autofree char *at = where (self->parcels, s);

          g_ptr_array_add (self->problems, g_strdup_printf ("%s: %s: %s", at,
                                                            mq_field_label (c->field),
                                                            local->message));
        }
    }
  date_locks (self->parcels, s, mq_today ());
}

/* A cell that repeats the value the client had changes nothing: it must
 * neither conflict with nor undo another writer's change to that field (a
 * status table carries every column, changed or not). */
static void
keep_real_changes (MqStaged *s)
{
  for (guint i = s->changes->len; i-- > 0;)
    {
      const MqChange *c = g_ptr_array_index (s->changes, i);
      g_autofree char *before = mq_parcel_dup_field_text (&s->before, c->field);
      g_autofree char *after = mq_parcel_dup_field_text (&s->record, c->field);

      if (same_text (before, after))
        g_ptr_array_remove_index (s->changes, i);
    }
}

static int
compare_staged (gconstpointer a,
                gconstpointer b)
{
  const MqStaged *x = *(MqStaged **) a, *y = *(MqStaged **) b;

  return (x->parcel > y->parcel) - (x->parcel < y->parcel);
}

/**
 * mq_staging_new:
 *
 * Parses every change of @edit into a copy of its parcel's record, as the
 * client has it, and checks the rules against that copy (what a preview
 * shows). Nothing is read from the store yet.
 *
 * Returns: (transfer full) (nullable): the staging, or %NULL with @error
 *   (%MQ_STORE_ERROR_INVALID, naming every problem)
 */
MqStaging *
mq_staging_new (MqDataset  *dataset,
                MqEdit     *edit,
                GError    **error)
{
  g_autoptr(MqStaging) self = g_new0 (MqStaging, 1);
  g_autoptr(GHashTable) by_parcel = g_hash_table_new (NULL, NULL);

  self->dataset = g_object_ref (dataset);
  self->parcels = g_object_ref (mq_dataset_get_parcels (dataset));
  self->staged = g_ptr_array_new_with_free_func ((GDestroyNotify) staged_free);
  self->problems = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < mq_edit_get_n_changes (edit); i++)
    {
      const MqChange *c = mq_edit_get_change (edit, i);
      MqStaged *s = g_hash_table_lookup (by_parcel, GUINT_TO_POINTER (c->parcel));

      g_return_val_if_fail (c->parcel < mq_parcels_get_n_parcels (self->parcels), NULL);
      if (s == NULL)
        {
          s = g_new0 (MqStaged, 1);
          s->parcel = c->parcel;
          s->row = c->row;
          s->before = *mq_parcels_get (self->parcels, c->parcel);
          s->changes = g_ptr_array_new ();
          g_hash_table_insert (by_parcel, GUINT_TO_POINTER (c->parcel), s);
          g_ptr_array_add (self->staged, s);
        }
      g_ptr_array_add (s->changes, (gpointer) c);
    }
  g_ptr_array_sort (self->staged, compare_staged);
  for (guint i = 0; i < self->staged->len; i++)
    {
      restage (self, g_ptr_array_index (self->staged, i));
      keep_real_changes (g_ptr_array_index (self->staged, i));
    }
  if (!mq_staging_check (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

guint
mq_staging_get_n_staged (MqStaging *self)
{
  return self->staged->len;
}

/* In parcel order: rows are read and locked in one order by every writer. */
MqStaged *
mq_staging_get_staged (MqStaging *self,
                       guint      i)
{
  g_return_val_if_fail (i < self->staged->len, NULL);

  return g_ptr_array_index (self->staged, i);
}

/**
 * mq_parcel_read_stored:
 * @stored: the text of each field as stored (NULL or "" for none), indexed
 *   by #MqField; only the editable fields are read
 *
 * @base with the editable fields of a stored row.
 */
gboolean
mq_parcel_read_stored (MqParcels          *parcels,
                       const MqParcel     *base,
                       const char * const *stored,
                       MqParcel           *out,
                       GError            **error)
{
  *out = *base;
  for (guint f = 0; f < MQ_N_FIELDS; f++)
    if (mq_field_is_editable (f) &&
        !mq_parcel_set_field_text (parcels, out, f, stored[f] ? stored[f] : "", error))
      {
        g_prefix_error (error, "%s %s: %s: ", _("stored parcel"), base->id ? base->id : "?",
                        mq_field_label (f));
        return FALSE;
      }
  return TRUE;
}

/* A base as text, in the form the parcels give (a lock as 0/1, a date as
 * YYYY-MM-DD), so that it compares with what is stored. */
static char *
normalized (MqStaging      *self,
            const MqParcel *record,
            MqField         field,
            const char     *text)
{
  MqParcel copy = *record;

  if (!mq_parcel_set_field_text (self->parcels, &copy, field, text, NULL))
    return g_strdup (text);
  return mq_parcel_dup_field_text (&copy, field);
}

/**
 * mq_staging_rebase:
 * @stored: the parcel's row as stored now (see mq_parcel_read_stored())
 * @conflicts: (element-type MqConflict): where a conflict is added
 *
 * Makes the edit of @staged an edit of the stored row: what another writer
 * changed is kept, what this edit changes is laid over it. A field both
 * changed, to different values, is a conflict (added to @conflicts, without
 * who and when: the backend knows them).
 *
 * Returns: %FALSE with @error when the stored row cannot be read
 */
gboolean
mq_staging_rebase (MqStaging          *self,
                   MqStaged           *staged,
                   const char * const *stored,
                   gint64              row_version,
                   GPtrArray          *conflicts,
                   GError            **error)
{
  MqParcel now;

  if (!mq_parcel_read_stored (self->parcels, &staged->before, stored, &now, error))
    return FALSE;
  now.row_version = row_version;
  for (guint i = 0; i < staged->changes->len; i++)
    {
      const MqChange *c = g_ptr_array_index (staged->changes, i);
      g_autofree char *base = c->base ? normalized (self, &staged->before, c->field, c->base)
                                      : mq_parcel_dup_field_text (&staged->before, c->field);
      g_autofree char *mine = mq_parcel_dup_field_text (&staged->record, c->field);
      g_autofree char *theirs = mq_parcel_dup_field_text (&now, c->field);
      MqConflict *conflict;

      if (same_text (theirs, base) || same_text (theirs, mine))
        continue;
      conflict = g_new0 (MqConflict, 1);
      conflict->parcel = staged->parcel;
      conflict->parcel_id = g_strdup (staged->before.id);
      conflict->field = c->field;
      conflict->base = g_strdup (base ? base : "");
      conflict->mine = g_strdup (mine ? mine : "");
      conflict->theirs = g_strdup (theirs ? theirs : "");
      g_ptr_array_add (conflicts, conflict);
    }
  staged->before = now;
  restage (self, staged);
  return TRUE;
}

/* MQ_STORE_ERROR_CONFLICT, naming how many fields and the first of them
 * (the list itself is mq_store_get_conflicts()). Returns FALSE. */
gboolean
mq_staging_conflict_error (GPtrArray  *conflicts,
                           GError    **error)
{
  const MqConflict *c = g_ptr_array_index (conflicts, 0);

  g_set_error (error, MQ_STORE_ERROR, MQ_STORE_ERROR_CONFLICT,
               g_dngettext (GETTEXT_PACKAGE,
                            "%u field was changed by someone else meanwhile (first: parcel %s, %s); "
                            "nothing changed",
                            "%u fields were changed by someone else meanwhile (first: parcel %s, %s); "
                            "nothing changed", conflicts->len),
               conflicts->len, c->parcel_id ? c->parcel_id : "?", mq_field_label (c->field));
  return FALSE;
}

static gboolean
refuse (GPtrArray  *problems,
        GError    **error)
{
  g_autofree char *joined = NULL;

  g_ptr_array_add (problems, NULL);
  joined = g_strjoinv ("; ", (char **) problems->pdata);
  g_set_error (error, MQ_STORE_ERROR, MQ_STORE_ERROR_INVALID,
               g_dngettext (GETTEXT_PACKAGE, "%u problem, nothing changed: %s",
                            "%u problems, nothing changed: %s", problems->len - 1),
               problems->len - 1, joined);
  g_ptr_array_set_size (problems, 0);
  return FALSE;
}

/* Values that do not parse, and the rules, against what the edit is now
 * made against (the client's copy, or once rebased the stored rows). */
gboolean
mq_staging_check (MqStaging  *self,
                  GError    **error)
{
  for (guint i = 0; i < self->staged->len; i++)
    check_rules (self, g_ptr_array_index (self->staged, i));
  return self->problems->len == 0 || refuse (self->problems, error);
}

/* What actually differs, field by field, in the text form a store keeps;
 * the old values are what the edit is made against. */
MqEdit *
mq_staging_diff (MqStaging    *self,
                 MqEditAction  action)
{
  MqEdit *applied = mq_edit_new (action);

  for (guint i = 0; i < self->staged->len; i++)
    {
      const MqStaged *s = g_ptr_array_index (self->staged, i);

      for (guint f = 0; f < MQ_N_FIELDS; f++)
        {
          g_autofree char *old = NULL;
          g_autofree char *now = NULL;

          if (!mq_field_is_editable (f))
            continue;
          old = mq_parcel_dup_field_text (&s->before, f);
          now = mq_parcel_dup_field_text (&s->record, f);
          if (!same_text (old, now))
            _mq_edit_append (applied, s->parcel, f, now ? now : "", old ? old : "", s->row);
        }
    }
  return applied;
}

/* A source attribute that is also a project column follows its field, so the
 * identify panel shows what the project holds. @columns: each field's
 * attribute, or -1. */
static void
set_values (MqParcels      *parcels,
            const int      *columns,
            guint           index,
            const MqParcel *record)
{
  for (guint f = 0; f < MQ_N_FIELDS; f++)
    {
      g_autofree char *text = NULL;

      if (columns[f] < 0)
        continue;
      text = mq_parcel_dup_field_text (record, f);
      if (!same_text (text, mq_parcels_get_value (parcels, index, columns[f])))
        mq_parcels_set_value (parcels, index, columns[f], text ? text : "");
    }
}

/**
 * mq_dataset_publish_records:
 * @indices: (element-type guint): parcels
 * @records: (element-type MqParcel): their records as stored now
 *
 * Makes the next generation of the dataset's parcels with these records:
 * a frame or a report being drawn in a worker thread from the last one
 * reads it unchanged to the end.
 */
void
mq_dataset_publish_records (MqDataset *dataset,
                            GArray    *indices,
                            GArray    *records)
{
  g_autoptr(MqParcels) parcels = NULL;

  if (indices->len == 0)
    return;
  parcels = mq_dataset_dup_with_records (dataset, indices, records);
  mq_dataset_set_parcels (dataset, parcels);
}

/* The next generation of the parcels with @records at @indices, not
 * published: what the dataset would show (a past day's, for one). */
MqParcels *
mq_dataset_dup_with_records (MqDataset *dataset,
                             GArray    *indices,
                             GArray    *records)
{
  MqParcels *parcels = mq_parcels_new_generation (mq_dataset_get_parcels (dataset));
  int columns[MQ_N_FIELDS];

  for (guint f = 0; f < MQ_N_FIELDS; f++)
    columns[f] = mq_field_is_editable (f) ? mq_parcels_find_field (parcels, mq_field_info (f)->key)
                                          : -1;
  for (guint i = 0; i < indices->len; i++)
    {
      guint index = g_array_index (indices, guint, i);
      const MqParcel *record = &g_array_index (records, MqParcel, i);

      mq_parcels_replace (parcels, index, record);
      set_values (parcels, columns, index, record);
    }
  return parcels;
}

/**
 * mq_staging_publish:
 * @stored_only: publish the rows as they were read (after a conflict)
 *   rather than with the edit
 *
 * Only once the store has it does the map see it.
 */
static void
collect (MqStaging *self,
         gboolean   stored_only,
         GArray    *indices,
         GArray    *records)
{
  for (guint i = 0; i < self->staged->len; i++)
    {
      const MqStaged *s = g_ptr_array_index (self->staged, i);

      g_array_append_val (indices, s->parcel);
      g_array_append_vals (records, stored_only ? &s->before : &s->record, 1);
    }
}

void
mq_staging_publish (MqStaging *self,
                    gboolean   stored_only)
{
  g_autoptr(GArray) indices = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) records = g_array_new (FALSE, FALSE, sizeof (MqParcel));

  collect (self, stored_only, indices, records);
  mq_dataset_publish_records (self->dataset, indices, records);
}

/**
 * mq_staging_dup_parcels:
 *
 * The generation the edit would make, without publishing it.
 *
 * Returns: (transfer full): a new generation of the dataset's parcels
 */
MqParcels *
mq_staging_dup_parcels (MqStaging *self)
{
  g_autoptr(GArray) indices = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) records = g_array_new (FALSE, FALSE, sizeof (MqParcel));

  collect (self, FALSE, indices, records);
  return mq_dataset_dup_with_records (self->dataset, indices, records);
}
