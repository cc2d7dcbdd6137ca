/* mq-as-of.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-as-of.h"

#include <glib/gi18n-lib.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "mq-dataset-private.h"
#include "mq-edit.h"
#include "mq-field-map.h"
#include "mq-history.h"
#include "mq-pg-store.h"
#include "mq-pg-survey.h"
#include "mq-server.h"
#include "mq-staging.h"

/* "2025-06-30", and nothing else: a date a person wrote is never guessed at.
 * @option names where it was written (--as-of, --survey-date). */
gboolean
mq_as_of_parse_date (const char  *option,
                     const char  *text,
                     GDate       *date,
                     GError     **error)
{
  guint y = 0, m = 0, d = 0;
  char end = 0;

  g_date_clear (date, 1);
  if (text == NULL || sscanf (text, "%4u-%2u-%2u%c", &y, &m, &d, &end) != 3 || strlen (text) != 10 ||
      !g_date_valid_dmy (d, m, y))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("%s=%s: expected a date as YYYY-MM-DD"), option, text ? text : "");
      return FALSE;
    }
  g_date_set_dmy (date, d, m, y);
  return TRUE;
}

G_DEFINE_QUARK (mq-as-of-error-quark, mq_as_of_error)

static MqField
field_of_key (const char *key)
{
  for (guint f = 0; f < MQ_N_FIELDS; f++)
    if (g_strcmp0 (mq_field_info (f)->key, key) == 0)
      return f;
  return MQ_N_FIELDS;
}

/* The first moment after @date ends, in the local time zone. */
GDateTime *
mq_as_of_end_of (const GDate *date)
{
  g_autoptr(GTimeZone) local = g_time_zone_new_local ();
  g_autoptr(GDateTime) start = g_date_time_new (local, g_date_get_year (date), g_date_get_month (date),
                                                g_date_get_day (date), 0, 0, 0);

  return g_date_time_add_days (start, 1);
}

/* The edit that takes every recorded change after @cutoff back: newest
 * first, so that a field changed several times ends with the value it had
 * before the first of them. */
static MqEdit *
undo_after (MqDataset  *dataset,
            GPtrArray  *entries,
            GDateTime  *cutoff,
            GDateTime  *until)
{
  MqParcels *parcels = mq_dataset_get_parcels (dataset);
  g_autoptr(GHashTable) index = g_hash_table_new (g_str_hash, g_str_equal);
  MqEdit *edit = mq_edit_new (MQ_EDIT_ACTION_BATCH);

  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    if (mq_parcels_get (parcels, i)->id != NULL)
      g_hash_table_insert (index, (gpointer) mq_parcels_get (parcels, i)->id, GUINT_TO_POINTER (i + 1));
  for (guint i = 0; i < entries->len; i++)
    {
      const MqHistoryEntry *e = g_ptr_array_index (entries, i);
      g_autoptr(GDateTime) at = e->changed_at ? g_date_time_new_from_iso8601 (e->changed_at, NULL) : NULL;
      guint parcel = e->parcel_id ? GPOINTER_TO_UINT (g_hash_table_lookup (index, e->parcel_id)) : 0;
      MqField field = field_of_key (e->field);

      /* A server records a survey fact another tool changed (its owner):
       * the survey's facts are not the bureau's to take back. */
      if (at == NULL || g_date_time_compare (at, cutoff) < 0 || parcel == 0 || field == MQ_N_FIELDS ||
          !mq_field_is_editable (field) || (until != NULL && g_date_time_compare (at, until) >= 0))
        continue;
      mq_edit_set (edit, parcel - 1, field, e->old_value, 0);
    }
  return edit;
}

/* The parcels themselves changed in a survey update: its history batch does
 * not take the project back to the parcels before it. */
static gboolean
check_no_survey_after (GPtrArray   *entries,
                       GDateTime   *cutoff,
                       const char  *path,
                       GError     **error)
{
  for (guint i = 0; i < entries->len; i++)
    {
      const MqHistoryEntry *e = g_ptr_array_index (entries, i);
      g_autoptr(GDateTime) at = e->changed_at ? g_date_time_new_from_iso8601 (e->changed_at, NULL) : NULL;
      g_autofree char *when = NULL;

      if (g_strcmp0 (e->action, "survey") != 0 || at == NULL || g_date_time_compare (at, cutoff) < 0)
        continue;
      when = mq_history_entry_dup_time (e);
      g_set_error (error, MQ_AS_OF_ERROR, MQ_AS_OF_ERROR_SURVEY_UPDATED,
                   _("%s: the project was carried into a new survey on %s; "
                     "figures from before a survey update are not rebuilt yet"), path, when);
      return FALSE;
    }
  return TRUE;
}

/**
 * mq_dataset_load_history:
 *
 * Every change the project recorded, newest first: its file's history, or
 * its server's.
 *
 * Returns: (transfer full) (element-type MqHistoryEntry) (nullable)
 */
GPtrArray *
mq_dataset_load_history (MqDataset  *dataset,
                         GError    **error)
{
  const char *schema = NULL;
  const char *conninfo = _mq_dataset_get_server (dataset, &schema);

  if (conninfo != NULL)
    return mq_pg_history_load_all (conninfo, schema, mq_dataset_get_path (dataset), error);
  return mq_history_load_all (mq_dataset_get_path (dataset), error);
}

/**
 * mq_dataset_dup_rewound:
 *
 * The parcels of @dataset (loaded from a project file) as they stood at the
 * end of @date: a new generation, not published; the dataset is left as it
 * is.
 *
 * Returns: (transfer full) (nullable): the past day's parcels
 */
MqParcels *
mq_dataset_dup_rewound (MqDataset    *dataset,
                        const GDate  *date,
                        GError      **error)
{
  g_autoptr(GPtrArray) entries = mq_dataset_load_history (dataset, error);

  return entries != NULL ? mq_dataset_dup_rewound_by (dataset, date, entries, error) : NULL;
}

/**
 * mq_dataset_dup_rewound_by:
 * @entries: (element-type MqHistoryEntry): its history, newest first, as
 *   mq_dataset_load_history() read it (read once for several uses: a
 *   server's is a query)
 *
 * mq_dataset_dup_rewound() with the history read already.
 */
MqParcels *
mq_dataset_dup_rewound_by (MqDataset    *dataset,
                           const GDate  *date,
                           GPtrArray    *entries,
                           GError      **error)
{
  g_autoptr(GDateTime) cutoff = mq_as_of_end_of (date);
  g_autoptr(MqEdit) edit = NULL;
  MqStaging *staging;
  MqParcels *parcels;
  const char *path = mq_dataset_get_path (dataset);

  if (!check_no_survey_after (entries, cutoff, path, error))
    return NULL;
  edit = undo_after (dataset, entries, cutoff, NULL);
  if (mq_edit_get_n_changes (edit) == 0)
    return g_object_ref (mq_dataset_get_parcels (dataset));
  if ((staging = mq_staging_new (dataset, edit, error)) == NULL)
    {
      g_prefix_error (error, "%s: ", path);
      return NULL;
    }
  parcels = mq_staging_dup_parcels (staging);
  mq_staging_free (staging);
  return parcels;
}

/**
 * mq_dataset_rewind:
 *
 * Takes the @dataset (loaded from a project file) back to the end of @date:
 * a new generation of its parcels in memory, nothing written.
 */
gboolean
mq_dataset_rewind (MqDataset    *dataset,
                   const GDate  *date,
                   GError      **error)
{
  g_autoptr(MqParcels) parcels = mq_dataset_dup_rewound (dataset, date, error);

  if (parcels == NULL)
    return FALSE;
  if (parcels != mq_dataset_get_parcels (dataset))
    mq_dataset_set_parcels (dataset, parcels);
  return TRUE;
}

/* The earliest survey update after @cutoff: its history batch and when it
 * was written (every row of a batch has the same time). */
static gboolean
first_update_after (const char  *path,
                    GDateTime   *cutoff,
                    gint64      *batch,
                    char       **written,
                    GError     **error)
{
  g_autoptr(GDateTime) utc = g_date_time_to_utc (cutoff);
  g_autofree char *from = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S.000Z");
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean found = FALSE;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
      sqlite3_prepare_v2 (db, "SELECT batch, changed_at FROM lock_history WHERE action = 'survey'"
                              " AND changed_at >= ?1 ORDER BY batch LIMIT 1", -1, &stmt, NULL) == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, from, -1, SQLITE_TRANSIENT);
      if ((found = sqlite3_step (stmt) == SQLITE_ROW))
        {
          *batch = sqlite3_column_int64 (stmt, 0);
          *written = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
        }
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  if (!found)
    g_set_error (error, MQ_AS_OF_ERROR, MQ_AS_OF_ERROR_SURVEY_UPDATED,
                 _("%s: the parcels from before its survey update cannot be read"), path);
  return found;
}

/* The parcels table the earliest survey update after @cutoff kept, loaded,
 * and when that update was written. */
static MqDataset *
load_kept (MqDataset   *today,
           GDateTime   *cutoff,
           char       **written,
           GError     **error)
{
  const char *schema = NULL;
  const char *conninfo = _mq_dataset_get_server (today, &schema);
  const char *path = mq_dataset_get_path (today);
  g_autofree char *layer = NULL, *spec = NULL;
  MqLoadOptions options = { 0 };
  gint64 batch = 0;

  if (conninfo == NULL)
    {
      if (!first_update_after (path, cutoff, &batch, written, error))
        return NULL;
      options.layer = layer = g_strdup_printf ("parcels_before_update_%" G_GINT64_FORMAT, batch);
      return mq_dataset_load (path, &options, NULL, error);
    }
  if (!_mq_pg_survey_first_after (conninfo, schema, path, cutoff, &layer, written, error))
    return NULL;
  options.layer = layer;
  /* As the loader reads a server project's words (the schema's unquoted). */
  spec = g_strdup_printf ("%s%s schema=%s", MQ_SERVER_PREFIX, conninfo, schema);
  return mq_dataset_load (spec, &options, NULL, error);
}

/**
 * mq_dataset_load_before_survey:
 * @today: a project (a file, or on a server) carried into a new survey
 *   after @date
 *
 * The project as it stood at the end of @date, when a survey update came
 * after it: the parcels the earliest such update kept
 * (parcels_before_update_N), taken back by the changes recorded between
 * @date and that update.
 *
 * Returns: (transfer full): the dataset, its layer named "parcels"
 */
MqDataset *
mq_dataset_load_before_survey (MqDataset    *today,
                               const GDate  *date,
                               GError      **error)
{
  g_autoptr(GDateTime) cutoff = mq_as_of_end_of (date);
  g_autoptr(GDateTime) until = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(MqDataset) dataset = NULL;
  g_autoptr(MqEdit) edit = NULL;
  g_autofree char *written = NULL;
  const char *path = mq_dataset_get_path (today);
  MqStaging *staging;

  if ((dataset = load_kept (today, cutoff, &written, error)) == NULL ||
      (entries = mq_dataset_load_history (today, error)) == NULL)
    return NULL;
  until = g_date_time_new_from_iso8601 (written, NULL);
  /* The project's parcels as they were: what every summary calls them. */
  g_free (dataset->layer_name);
  dataset->layer_name = g_strdup ("parcels");
  edit = undo_after (dataset, entries, cutoff, until);
  if (mq_edit_get_n_changes (edit) == 0)
    return g_steal_pointer (&dataset);
  if ((staging = mq_staging_new (dataset, edit, error)) == NULL)
    {
      g_prefix_error (error, "%s: ", path);
      return NULL;
    }
  mq_staging_publish (staging, FALSE);
  mq_staging_free (staging);
  return g_steal_pointer (&dataset);
}
