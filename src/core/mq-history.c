/* mq-history.c
 *
 * The lock_history table as entries, for the window's history list and the
 * report's atlas pages.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-history-private.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "mq-field-map.h"
#include "mq-survey-update.h"
#include "mq-gpkg-functions.h"

void
mq_history_entry_free (MqHistoryEntry *e)
{
  g_free (e->changed_at);
  g_free (e->user);
  g_free (e->parcel_id);
  g_free (e->field);
  g_free (e->old_value);
  g_free (e->new_value);
  g_free (e->action);
  g_free (e);
}

static char *
column_dup (sqlite3_stmt *stmt,
            int           i)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, i));
}

MqHistoryEntry *
_mq_history_entry_from_row (sqlite3_stmt *stmt)
{
  MqHistoryEntry *e = g_new0 (MqHistoryEntry, 1);

  e->changed_at = column_dup (stmt, 0);
  e->user = column_dup (stmt, 1);
  e->parcel_id = column_dup (stmt, 2);
  e->field = column_dup (stmt, 3);
  e->old_value = column_dup (stmt, 4);
  e->new_value = column_dup (stmt, 5);
  e->action = column_dup (stmt, 6);
  return e;
}

/**
 * mq_history_load_recent:
 *
 * The newest @per_parcel changes of every parcel of a project file, read
 * without a store (a report in a worker thread, a file opened elsewhere).
 * A file that is not a project, or has no history, gives an empty table.
 *
 * Returns: (transfer full): parcel id → GPtrArray of #MqHistoryEntry, newest first
 */
GHashTable *
mq_history_load_recent (const char *path,
                        guint       per_parcel)
{
  GHashTable *by_parcel = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                 (GDestroyNotify) g_ptr_array_unref);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  if (path != NULL && g_str_has_suffix (path, ".gpkg") &&
      sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK)
    mq_gpkg_harden (db);
  if (db != NULL &&
      sqlite3_prepare_v2 (db, "SELECT " MQ_HISTORY_COLUMNS " FROM lock_history ORDER BY fid DESC",
                          -1, &stmt, NULL) == SQLITE_OK)
    while (sqlite3_step (stmt) == SQLITE_ROW)
      {
        const char *id = (const char *) sqlite3_column_text (stmt, 2);
        GPtrArray *entries = id ? g_hash_table_lookup (by_parcel, id) : NULL;

        if (id == NULL)
          continue;
        if (entries == NULL)
          {
            entries = g_ptr_array_new_with_free_func ((GDestroyNotify) mq_history_entry_free);
            g_hash_table_insert (by_parcel, g_strdup (id), entries);
          }
        if (entries->len < per_parcel)
          g_ptr_array_add (entries, _mq_history_entry_from_row (stmt));
      }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return by_parcel;
}

/* When, in local time to the minute: "2026-11-24 18:05". */
char *
mq_history_entry_dup_time (const MqHistoryEntry *e)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_iso8601 (e->changed_at, NULL);
  g_autoptr(GDateTime) local = utc ? g_date_time_to_local (utc) : NULL;

  return local ? g_date_time_format (local, "%Y-%m-%d %H:%M") : g_strdup (e->changed_at);
}

/* What changed: "Project locked: Open → Locked"; a survey update's own
 * row, "Survey update: split from MQ0857". */
char *
mq_history_entry_dup_change (const MqHistoryEntry *e)
{
  MqField field = mq_field_from_header (e->field);
  MqLineage relation;

  if (g_strcmp0 (e->field, "survey") == 0 && mq_lineage_from_key (e->new_value, &relation))
    {
      if (e->old_value == NULL || *e->old_value == '\0' || relation == MQ_LINEAGE_GONE)
        /* TRANSLATORS: a history row: what the survey update made of a parcel */
        return g_strdup_printf (_("Survey update: %s"), mq_lineage_label (relation));
      /* TRANSLATORS: a history row: what the survey update made of a parcel, and from which */
      return g_strdup_printf (_("Survey update: %s, from %s"), mq_lineage_label (relation), e->old_value);
    }

  return g_strdup_printf ("%s: %s → %s", field < MQ_N_FIELDS ? mq_field_label (field) : e->field,
                          mq_field_value_label (field, e->old_value),
                          mq_field_value_label (field, e->new_value));
}

/**
 * mq_history_load_all:
 *
 * Every change a project file recorded, newest first (the time dimension
 * walks them back).
 *
 * Returns: (transfer full) (element-type MqHistoryEntry) (nullable): the
 *   entries, or NULL with @error
 */
GPtrArray *
mq_history_load_all (const char  *path,
                     GError     **error)
{
  GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify) mq_history_entry_free);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  int rc = SQLITE_ERROR;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK)
    {
      mq_gpkg_harden (db);
      rc = sqlite3_prepare_v2 (db, "SELECT " MQ_HISTORY_COLUMNS " FROM lock_history ORDER BY fid DESC", -1,
                               &stmt, NULL);
      while (rc == SQLITE_OK && sqlite3_step (stmt) == SQLITE_ROW)
        g_ptr_array_add (entries, _mq_history_entry_from_row (stmt));
    }
  if (rc != SQLITE_OK)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("%s: its history cannot be read: %s"), path,
                 db ? sqlite3_errmsg (db) : g_strerror (ENOMEM));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  if (rc != SQLITE_OK)
    g_clear_pointer (&entries, g_ptr_array_unref);
  return entries;
}
