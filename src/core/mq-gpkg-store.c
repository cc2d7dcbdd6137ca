/* mq-gpkg-store.c
 *
 * The project GeoPackage is opened with SQLite directly for edits (GDAL has
 * already read it): WAL with synchronous=FULL, so a committed edit survives a
 * power cut and a killed process never leaves half an edit. Each edit is one
 * BEGIN IMMEDIATE … COMMIT holding the parcel updates and their history rows.
 * Column names come from the field table, never from user text; every value
 * is a bound parameter.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-gpkg-store.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include "mq-edit-private.h"
#include "mq-gpkg-functions.h"
#include "mq-history-private.h"
#include "mq-project-file.h"
#include "mq-staging.h"

struct _MqGpkgStore
{
  GObject      parent_instance;

  MqDataset   *dataset;
  char        *path;
  sqlite3     *db;
  gboolean     read_only;
  char        *read_only_reason;  /* translated, or NULL */
  sqlite3_int64 checked_schema; /* PRAGMA schema_version found free of foreign SQL, or -1 */
  GArray      *fids;          /* sqlite3_int64 per parcel */
  sqlite3_int64 data_version;
  dev_t        dev;
  ino_t        ino;
  guint        max_pages;
};

static void store_iface_init (MqStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MqGpkgStore, mq_gpkg_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (MQ_TYPE_STORE, store_iface_init))

static const char *const action_keys[] = { "edit", "batch", "csv", "undo", "redo" };

/* ---- the store ---- */

static void
mq_gpkg_store_dispose (GObject *object)
{
  MqGpkgStore *self = MQ_GPKG_STORE (object);

  g_clear_object (&self->dataset);
  G_OBJECT_CLASS (mq_gpkg_store_parent_class)->dispose (object);
}

static void
mq_gpkg_store_finalize (GObject *object)
{
  MqGpkgStore *self = MQ_GPKG_STORE (object);

  /* Closed, the project is one self-contained file again (no -wal beside it,
   * rollback mode in its header): safe to copy, mail or burn, and readable
   * from read-only media. If another program still has it open, it stays
   * in WAL until that one closes it. */
  if (self->db != NULL && !self->read_only)
    {
      sqlite3_busy_timeout (self->db, 0);
      sqlite3_exec (self->db, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
    }
  g_clear_pointer (&self->db, sqlite3_close);
  g_clear_pointer (&self->fids, g_array_unref);
  g_free (self->path);
  g_free (self->read_only_reason);
  G_OBJECT_CLASS (mq_gpkg_store_parent_class)->finalize (object);
}

static void
mq_gpkg_store_class_init (MqGpkgStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mq_gpkg_store_dispose;
  object_class->finalize = mq_gpkg_store_finalize;
}

static void
mq_gpkg_store_init (MqGpkgStore *self)
{
  self->fids = g_array_new (FALSE, FALSE, sizeof (sqlite3_int64));
  self->checked_schema = -1;
}

static gboolean
sql_error (MqGpkgStore  *self,
           GError      **error)
{
  int code = sqlite3_extended_errcode (self->db) & 0xff;
  int sys = sqlite3_system_errno (self->db);

  /* A write the OS refused for want of room is a full disk, whatever
   * SQLite calls it (EFBIG and EDQUOT come back as I/O errors). */
  if (code == SQLITE_FULL || sys == ENOSPC || sys == EFBIG || sys == EDQUOT)
    g_set_error (error, MQ_STORE_ERROR, MQ_STORE_ERROR_FULL,
                 _("%s: the disk is full; the change was not saved"), self->path);
  else if (code == SQLITE_READONLY)
    g_set_error (error, MQ_STORE_ERROR, MQ_STORE_ERROR_READ_ONLY,
                 _("%s: the file is read-only; the change was not saved"), self->path);
  /* Another window or process kept the write lock past the busy wait (a
   * heavily loaded machine): said as such, and nothing was stored. */
  else if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
    g_set_error (error, MQ_STORE_ERROR, MQ_STORE_ERROR_BUSY,
                 _("%s: another window or program was writing to it for too long; "
                   "the change was not saved, try again"), self->path);
  else
    g_set_error (error, MQ_STORE_ERROR, MQ_STORE_ERROR_WRITE, _("%s: cannot be written: %s"),
                 self->path, sqlite3_errmsg (self->db));
  return FALSE;
}

static gboolean
exec (MqGpkgStore  *self,
      const char   *sql,
      GError      **error)
{
  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return sql_error (self, error);
  return TRUE;
}

static sqlite3_int64
query_int (MqGpkgStore *self,
           const char  *sql)
{
  sqlite3_stmt *stmt = NULL;
  sqlite3_int64 value = -1;

  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

static gboolean
not_a_project (MqGpkgStore  *self,
               GError      **error)
{
  g_set_error (error, MQ_STORE_ERROR, MQ_STORE_ERROR_NOT_A_PROJECT,
               _("%s is not a project file: save it as a project to track the four locks"),
               self->path);
  return FALSE;
}

/* A file nobody may write is read-only even for root, who could. */
static gboolean
is_read_only (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  GStatBuf st;

  if (g_stat (path, &st) != 0 || (st.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) == 0)
    return TRUE;
  return g_access (path, W_OK) != 0 || g_access (dir, W_OK) != 0;
}

static void
set_foreign (MqGpkgStore *self,
             const char  *name)
{
  self->read_only = TRUE;
  g_free (self->read_only_reason);
  self->read_only_reason =
    g_strdup_printf (_("%s brings SQL of its own (trigger or view “%s”) that could change it "
                       "behind your back; it is opened read-only"), self->path, name);
}

/* Every parcel gets a version, bumped by each edit (last column: the
 * loader takes it for the version, not an attribute). Added on the first
 * open for editing; older copies of the app write around it. */
static gboolean
add_row_versions (MqGpkgStore  *self,
                  GError      **error)
{
  const char *has_versions = "SELECT count(*) FROM pragma_table_info('parcels')"
                             " WHERE name = 'row_version'";
  g_autofree char *foreign = NULL;
  gboolean ok;

  if (query_int (self, has_versions) != 0)
    return TRUE;
  if (!exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  /* Another process may have added them while we waited for the lock. */
  if (query_int (self, has_versions) != 0)
    return exec (self, "COMMIT", error);
  foreign = mq_gpkg_find_foreign_sql (self->db);
  if (foreign != NULL)
    {
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      set_foreign (self, foreign);
      return TRUE;
    }
  /* See commit(): GDAL's R-tree triggers need it, and only they are there. */
  sqlite3_db_config (self->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 1, NULL);
  ok = exec (self, "ALTER TABLE parcels ADD COLUMN row_version INTEGER NOT NULL DEFAULT 1;"
                   "COMMIT", error);
  sqlite3_db_config (self->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
  if (!ok)
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  return ok;
}

/* SQLite's type for a field of the table, as GDAL declares it. */
static const char *
column_type (const MqFieldInfo *info)
{
  switch (info->type)
    {
    case OFTReal: return "REAL";
    case OFTInteger: return "INTEGER";
    case OFTDate: return "DATE";
    default: return "TEXT";
    }
}

/* The statements that give an older file the field table's columns it
 * lacks (version 3: performance per mu). row_version stays the last column,
 * where the loader looks for it: it is moved behind them. Names are the
 * field table's constant keys. */
static char *
missing_columns_sql (MqGpkgStore *self)
{
  g_autoptr(GString) sql = g_string_new (NULL);
  gboolean has_versions = query_int (self, "SELECT count(*) FROM pragma_table_info('parcels')"
                                           " WHERE name = 'row_version'") != 0;

  for (guint f = 0; f < MQ_N_FIELDS; f++)
    {
      const MqFieldInfo *info = mq_field_info (f);
      g_autofree char *probe = g_strdup_printf ("SELECT count(*) FROM pragma_table_info('parcels')"
                                                " WHERE name = '%s'", info->key);

      if (query_int (self, probe) == 0)
        g_string_append_printf (sql, "ALTER TABLE parcels ADD COLUMN \"%s\" %s;", info->key,
                                column_type (info));
    }
  if (has_versions && sql->len > 0)
    g_string_append (sql, "ALTER TABLE parcels ADD COLUMN mq_version INTEGER NOT NULL DEFAULT 1;"
                          "UPDATE parcels SET mq_version = row_version;"
                          "ALTER TABLE parcels DROP COLUMN row_version;"
                          "ALTER TABLE parcels RENAME COLUMN mq_version TO row_version;");
  return g_string_free (g_steal_pointer (&sql), FALSE);
}

/* Version 3 brought the fields of performance per mu. */
static gboolean
add_missing_columns (MqGpkgStore  *self,
                     GError      **error)
{
  g_autofree char *foreign = NULL;
  g_autofree char *columns = NULL;
  g_autofree char *sql = NULL;
  gboolean ok;

  if (!exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  foreign = mq_gpkg_find_foreign_sql (self->db);
  if (foreign != NULL)
    {
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      set_foreign (self, foreign);
      return TRUE;
    }
  columns = missing_columns_sql (self);
  sql = g_strconcat (columns,
                     "DELETE FROM project_settings WHERE key = 'schema_version';"
                     "INSERT INTO project_settings (key, value) VALUES ('schema_version', '3');"
                     "COMMIT", NULL);
  /* See commit(): GDAL's R-tree triggers need it, and only they are there. */
  sqlite3_db_config (self->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 1, NULL);
  ok = exec (self, sql, error);
  sqlite3_db_config (self->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
  if (!ok)
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  return ok;
}

/* Version 1 had no action/batch in the history; each step is one transaction. */
static gboolean
migrate (MqGpkgStore  *self,
         GError      **error)
{
  sqlite3_int64 version = query_int (self, "SELECT CAST(value AS INTEGER) FROM project_settings"
                                           " WHERE key = 'schema_version'");
  g_autofree char *foreign = NULL;

  if (version > MQ_PROJECT_SCHEMA_VERSION)
    {
      self->read_only = TRUE;
      if (self->read_only_reason == NULL)
        self->read_only_reason = g_strdup_printf (_("%s was made by a newer version of "
                                                    "Maqiao Land Viewer"), self->path);
      return TRUE;
    }
  if (version < 2 && !self->read_only && !exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  /* What the file brought is checked again under the write lock. */
  foreign = version < 2 && !self->read_only ? mq_gpkg_find_foreign_sql (self->db) : NULL;
  if (foreign != NULL)
    {
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      set_foreign (self, foreign);
    }
  if (version < 2 && !self->read_only &&
      !exec (self,
             "ALTER TABLE lock_history ADD COLUMN action TEXT(10);"
             "ALTER TABLE lock_history ADD COLUMN batch INTEGER;"
             "DELETE FROM project_settings WHERE key = 'schema_version';"
             "INSERT INTO project_settings (key, value) VALUES ('schema_version', '2');"
             "COMMIT;", error))
    {
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }
  if (!self->read_only && !add_row_versions (self, error))
    return FALSE;
  if (version < 3 && !self->read_only && !add_missing_columns (self, error))
    return FALSE;
  if (!self->read_only)
    /* A parcel's history for the panel, and max(batch) for each edit, without
     * reading the whole history as it grows. */
    exec (self, "CREATE INDEX IF NOT EXISTS lock_history_parcel ON lock_history (parcel_id);"
                "CREATE INDEX IF NOT EXISTS lock_history_batch ON lock_history (batch)", NULL);
  return TRUE;
}

/* Row i of the parcels table must be parcel i of the dataset: the loader
 * reads in fid order. Anything else is not our file any more. */
static gboolean
read_fids (MqGpkgStore  *self,
           GError      **error)
{
  MqParcels *parcels = mq_dataset_get_parcels (self->dataset);
  guint n = mq_parcels_get_n_parcels (parcels);
  sqlite3_stmt *stmt = NULL;
  gboolean ok = TRUE;

  if (sqlite3_prepare_v2 (self->db, "SELECT fid, parcel_id FROM parcels ORDER BY fid", -1, &stmt,
                          NULL) != SQLITE_OK)
    return not_a_project (self, error);
  while (ok && sqlite3_step (stmt) == SQLITE_ROW)
    {
      sqlite3_int64 fid = sqlite3_column_int64 (stmt, 0);
      const char *id = (const char *) sqlite3_column_text (stmt, 1);
      guint i = self->fids->len;

      ok = i < n && g_strcmp0 (id && *id ? id : NULL, mq_parcels_get (parcels, i)->id) == 0;
      g_array_append_val (self->fids, fid);
    }
  sqlite3_finalize (stmt);
  if (!ok || self->fids->len != n)
    {
      g_set_error (error, MQ_STORE_ERROR, MQ_STORE_ERROR_CHANGED,
                   _("%s changed while it was being opened; open it again"), self->path);
      return FALSE;
    }
  return TRUE;
}

static void
remember_identity (MqGpkgStore *self)
{
  GStatBuf st;

  if (g_stat (self->path, &st) == 0)
    {
      self->dev = st.st_dev;
      self->ino = st.st_ino;
    }
  self->data_version = query_int (self, "PRAGMA data_version");
}

/* NFS, SMB/CIFS (the bureau's file server), by the file system's magic. */
static gboolean
on_network_share (const char *path)
{
  struct statfs fs;

  if (statfs (path, &fs) != 0)
    return FALSE;
  switch ((unsigned long) fs.f_type)
    {
    case 0x6969:       /* NFS */
    case 0x517B:       /* SMB */
    case 0xFF534D42:   /* CIFS */
    case 0xFE534D42:   /* SMB2 */
      return TRUE;
    default:
      return FALSE;
    }
}

static gboolean
open_db (MqGpkgStore  *self,
         GError      **error)
{
  int flags = self->read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;

  if (sqlite3_open_v2 (self->path, &self->db, flags, NULL) != SQLITE_OK)
    {
      g_set_error (error, MQ_STORE_ERROR, MQ_STORE_ERROR_OPEN, _("%s: cannot be opened: %s"),
                   self->path, self->db ? sqlite3_errmsg (self->db) : g_strerror (ENOMEM));
      return FALSE;
    }
  sqlite3_busy_timeout (self->db, 5000);
  mq_gpkg_harden (self->db);
  mq_gpkg_register_functions (self->db);
  sqlite3_extended_result_codes (self->db, TRUE);
  if (query_int (self, "SELECT count(*) FROM sqlite_master WHERE name IN"
                       " ('parcels', 'lock_history', 'project_settings')") != 3)
    return not_a_project (self, error);
  if (self->read_only)
    return TRUE;
  /* WAL needs shared memory between the processes that open the file, which
   * a network share does not give: there, the rollback journal. FULL: in WAL
   * mode NORMAL may lose the last commits on a power cut. */
  if (on_network_share (self->path))
    return exec (self, "PRAGMA journal_mode = DELETE; PRAGMA synchronous = FULL", error);
  return exec (self, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL", error);
}

static sqlite3_int64
schema_version (sqlite3 *db)
{
  sqlite3_stmt *stmt = NULL;
  sqlite3_int64 version = -1;

  if (sqlite3_prepare_v2 (db, "PRAGMA schema_version", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return version;
}

/* Before the file is opened for writing: a trigger or view it brings that
 * GDAL and the GeoPackage standard do not define would run with our edits
 * (rewrite other parcels, erase the history). Such a file is only read.
 * Reading the schema runs none of it. */
static void
check_foreign_sql (MqGpkgStore *self)
{
  sqlite3 *db = NULL;
  g_autofree char *foreign = NULL;

  sqlite3_int64 version = -1;

  /* One read transaction: the version is that of the schema scanned. */
  if (sqlite3_open_v2 (self->path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK)
    {
      mq_gpkg_harden (db);
      sqlite3_exec (db, "BEGIN", NULL, NULL, NULL);
      foreign = mq_gpkg_find_foreign_sql (db);
      version = schema_version (db);
      sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
    }
  sqlite3_close (db);
  if (foreign == NULL)
    {
      self->checked_schema = version;
      return;
    }
  set_foreign (self, foreign);
}

/**
 * mq_gpkg_read_setting:
 *
 * A project file's setting read without opening it for writing: an export
 * leaves the file it reads as it was (no journal mode set, no migration).
 *
 * Returns: (transfer full) (nullable): the value, or NULL for none or a file
 *   that is no project
 */
char *
mq_gpkg_read_setting (const char *path,
                      const char *key)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK)
    {
      mq_gpkg_harden (db);
      if (sqlite3_prepare_v2 (db, "SELECT value FROM project_settings WHERE key = ?1", -1, &stmt,
                              NULL) == SQLITE_OK)
        {
          sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
          if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_text (stmt, 0) != NULL)
            value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
        }
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

/**
 * mq_gpkg_store_open:
 *
 * Opens the project file the @dataset was loaded from, for editing (or
 * read-only when the file or its folder cannot be written, or it brings
 * SQL of its own).
 *
 * Returns: (transfer full) (nullable): the store, or %NULL with @error
 */
MqStore *
mq_gpkg_store_open (MqDataset  *dataset,
                    GError    **error)
{
  g_autoptr(MqGpkgStore) self = g_object_new (MQ_TYPE_GPKG_STORE, NULL);
  const char *path = mq_dataset_get_path (dataset);

  self->dataset = g_object_ref (dataset);
  self->path = g_strdup (path);
  if (!g_str_has_suffix (path, ".gpkg") || g_strcmp0 (mq_dataset_get_layer_name (dataset),
                                                      "parcels") != 0)
    {
      not_a_project (self, error);
      return NULL;
    }
  self->read_only = is_read_only (path);
  if (!self->read_only)
    check_foreign_sql (self);
  if (!open_db (self, error) || !migrate (self, error) || !read_fids (self, error))
    return NULL;
  remember_identity (self);
  return MQ_STORE (g_steal_pointer (&self));
}

static gboolean
gpkg_is_read_only (MqStore *store)
{
  MqGpkgStore *self = MQ_GPKG_STORE (store);

  return self->read_only;
}

static const char *
gpkg_get_read_only_reason (MqStore *store)
{
  MqGpkgStore *self = MQ_GPKG_STORE (store);

  return self->read_only ? self->read_only_reason : NULL;
}

static gboolean
read_only_error (MqGpkgStore  *self,
                 GError      **error)
{
  if (self->read_only_reason != NULL)
    g_set_error (error, MQ_STORE_ERROR, MQ_STORE_ERROR_READ_ONLY,
                 _("%s; nothing can be changed"), self->read_only_reason);
  else
    g_set_error (error, MQ_STORE_ERROR, MQ_STORE_ERROR_READ_ONLY,
                 _("%s is open read-only; nothing can be changed"), self->path);
  return FALSE;
}

static const char *
gpkg_get_path (MqStore *store)
{
  MqGpkgStore *self = MQ_GPKG_STORE (store);

  return self->path;
}

static MqDataset *
gpkg_get_dataset (MqStore *store)
{
  MqGpkgStore *self = MQ_GPKG_STORE (store);

  return self->dataset;
}

/* Another program committed to the file, or replaced it, since we read it. */
static gboolean
gpkg_changed_elsewhere (MqStore *store)
{
  MqGpkgStore *self = MQ_GPKG_STORE (store);
  GStatBuf st;

  if (g_stat (self->path, &st) != 0 || st.st_dev != self->dev || st.st_ino != self->ino)
    return TRUE;
  return query_int (self, "PRAGMA data_version") != self->data_version;
}

/* For tests: a database this many pages big is "full", as a full disk is. */
static void
gpkg_set_max_pages (MqStore *store,
                    guint    pages)
{
  MqGpkgStore *self = MQ_GPKG_STORE (store);
  sqlite3_stmt *stmt = NULL;
  g_autofree char *sql = g_strdup_printf ("PRAGMA max_page_count = %u", pages);

  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) == SQLITE_OK)
    sqlite3_step (stmt);
  sqlite3_finalize (stmt);
}

/* ---- applying ---- */

static void
bind_value (sqlite3_stmt *stmt,
            int           index,
            MqField       field,
            const char   *text)
{
  OGRFieldType type = mq_field_info (field)->type;

  if (text == NULL || *text == '\0')
    sqlite3_bind_null (stmt, index);
  else if (type == OFTInteger)
    sqlite3_bind_int (stmt, index, (int) g_ascii_strtoll (text, NULL, 10));
  else if (type == OFTReal)
    sqlite3_bind_double (stmt, index, g_ascii_strtod (text, NULL));
  else
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
}

static gboolean
step_once (sqlite3_stmt *stmt)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  return rc == SQLITE_DONE;
}

/* The editable columns, in MqField order; names are the field table's
 * constant keys, never user text. */
static char *
editable_columns (void)
{
  g_autoptr(GString) sql = g_string_new (NULL);

  for (guint f = 0; f < MQ_N_FIELDS; f++)
    if (mq_field_is_editable (f))
      g_string_append_printf (sql, "%s\"%s\"", sql->len ? ", " : "", mq_field_info (f)->key);
  return g_string_free (g_steal_pointer (&sql), FALSE);
}

/* Reads each staged parcel's row as it is on disk (we hold the write lock,
 * so it stays so until our COMMIT) and rebases the edit onto it. */
static gboolean
rebase_on_disk (MqGpkgStore  *self,
                MqStaging    *staging,
                GPtrArray    *conflicts,
                GError      **error)
{
  g_autofree char *columns = editable_columns ();
  g_autofree char *sql = g_strdup_printf ("SELECT %s, row_version FROM parcels WHERE fid = ?1",
                                          columns);
  sqlite3_stmt *stmt = NULL;
  gboolean ok;

  ok = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) == SQLITE_OK;
  for (guint i = 0; ok && i < mq_staging_get_n_staged (staging); i++)
    {
      MqStaged *s = mq_staging_get_staged (staging, i);
      const char *stored[MQ_N_FIELDS] = { NULL };
      int column = 0;

      sqlite3_bind_int64 (stmt, 1, g_array_index (self->fids, sqlite3_int64, s->parcel));
      if (sqlite3_step (stmt) != SQLITE_ROW)
        {
          sqlite3_finalize (stmt);
          g_set_error (error, MQ_STORE_ERROR, MQ_STORE_ERROR_CHANGED,
                       _("%s: parcel %s is no longer in the file; it must be reloaded"),
                       self->path, s->before.id ? s->before.id : "?");
          return FALSE;
        }
      for (guint f = 0; f < MQ_N_FIELDS; f++)
        if (mq_field_is_editable (f))
          stored[f] = (const char *) sqlite3_column_text (stmt, column++);
      ok = mq_staging_rebase (staging, s, stored, sqlite3_column_int64 (stmt, column),
                              conflicts, error);
      sqlite3_reset (stmt);
    }
  if (stmt == NULL)
    sql_error (self, error);
  sqlite3_finalize (stmt);
  return ok;
}

/* Who stored the value a conflict met, and when: the file's history says. */
static void
name_conflicts (MqGpkgStore *self,
                GPtrArray   *conflicts)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (self->db, "SELECT user, changed_at FROM lock_history"
                                    " WHERE parcel_id = ?1 AND field = ?2 ORDER BY fid DESC LIMIT 1",
                          -1, &stmt, NULL) != SQLITE_OK)
    return;
  for (guint i = 0; i < conflicts->len; i++)
    {
      MqConflict *c = g_ptr_array_index (conflicts, i);

      sqlite3_bind_text (stmt, 1, c->parcel_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, mq_field_info (c->field)->key, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        {
          c->who = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
          c->when = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
        }
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);
}

/* One UPDATE per parcel, of the columns that change, and only of the row
 * version that was read: the file keeps its versions as a server does. */
static gboolean
update_parcel (MqGpkgStore  *self,
               MqStaged     *s,
               MqEdit       *applied,
               guint        *next)
{
  g_autoptr(GString) sql = g_string_new ("UPDATE parcels SET ");
  sqlite3_stmt *stmt = NULL;
  guint first = *next, n = 0;
  gboolean ok;

  for (; *next < mq_edit_get_n_changes (applied) &&
         mq_edit_get_change (applied, *next)->parcel == s->parcel; (*next)++, n++)
    g_string_append_printf (sql, "\"%s\" = ?%u, ",
                            mq_field_info (mq_edit_get_change (applied, *next)->field)->key, n + 1);
  if (n == 0)
    return TRUE;
  g_string_append_printf (sql, "row_version = ?%u + 1 WHERE fid = ?%u AND row_version = ?%u",
                          n + 1, n + 2, n + 1);
  if (sqlite3_prepare_v2 (self->db, sql->str, -1, &stmt, NULL) != SQLITE_OK)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      const MqChange *c = mq_edit_get_change (applied, first + i);

      bind_value (stmt, i + 1, c->field, c->value);
    }
  sqlite3_bind_int64 (stmt, n + 1, s->before.row_version);
  sqlite3_bind_int64 (stmt, n + 2, g_array_index (self->fids, sqlite3_int64, s->parcel));
  ok = sqlite3_step (stmt) == SQLITE_DONE && sqlite3_changes (self->db) == 1;
  sqlite3_finalize (stmt);
  if (ok)
    s->record.row_version = s->before.row_version + 1;
  return ok;
}

static gboolean
record_history (MqGpkgStore    *self,
                sqlite3_stmt   *insert,
                const MqChange *c,
                const char     *now,
                MqEditAction    action,
                sqlite3_int64   batch)
{
  const char *id = mq_parcels_get (mq_dataset_get_parcels (self->dataset), c->parcel)->id;

  sqlite3_bind_text (insert, 1, now, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 2, g_get_user_name (), -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 3, id, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 4, mq_field_info (c->field)->key, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 5, c->old_value, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 6, c->value, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 7, action_keys[action], -1, SQLITE_STATIC);
  sqlite3_bind_int64 (insert, 8, batch);
  return step_once (insert);
}

static char *
now_iso8601 (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  /* GeoPackage DATETIME: YYYY-MM-DDTHH:MM:SS.SSSZ */
  return g_date_time_format (now, "%Y-%m-%dT%H:%M:%S.%fZ");
}

static gboolean
write_changes (MqGpkgStore  *self,
               MqStaging    *staging,
               MqEdit       *applied,
               GError      **error)
{
  sqlite3_stmt *insert = NULL;
  g_autofree char *now = now_iso8601 ();
  sqlite3_int64 batch = query_int (self, "SELECT coalesce(max(batch), 0) + 1 FROM lock_history");
  guint next = 0;
  gboolean ok = TRUE;

  /* %f gives microseconds; the format keeps milliseconds. */
  memmove (now + 23, now + 26, 2);
  for (guint i = 0; ok && i < mq_staging_get_n_staged (staging); i++)
    ok = update_parcel (self, mq_staging_get_staged (staging, i), applied, &next);
  ok = ok && sqlite3_prepare_v2 (self->db,
                                 "INSERT INTO lock_history (changed_at, user, parcel_id, field,"
                                 " old_value, new_value, action, batch)"
                                 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", -1, &insert,
                                 NULL) == SQLITE_OK;
  for (guint i = 0; ok && i < mq_edit_get_n_changes (applied); i++)
    ok = record_history (self, insert, mq_edit_get_change (applied, i), now,
                         _mq_edit_get_action (applied), batch);
  if (!ok)
    sql_error (self, error);
  sqlite3_finalize (insert);
  return ok;
}

/* Under the write lock nobody can add a trigger: what was checked when the
 * file was opened is checked again, and holds until our COMMIT. */
static gboolean
schema_still_ours (MqGpkgStore  *self,
                   GError      **error)
{
  sqlite3_int64 version = schema_version (self->db);
  g_autofree char *foreign = NULL;

  /* Unchanged since it was read (any CREATE TRIGGER changes the version). */
  if (version >= 0 && version == self->checked_schema)
    return TRUE;
  foreign = mq_gpkg_find_foreign_sql (self->db);
  if (foreign == NULL)
    {
      self->checked_schema = version;
      return TRUE;
    }
  set_foreign (self, foreign);
  return read_only_error (self, error);
}

/* Inside one BEGIN IMMEDIATE: read the rows, rebase, check, write, COMMIT.
 * The history's old values are the file's, whoever wrote them. */
static MqEdit *
commit (MqGpkgStore   *self,
        MqStaging     *staging,
        MqEditAction   action,
        GPtrArray     *conflicts,
        GError       **error)
{
  g_autoptr(MqEdit) applied = NULL;
  gboolean ok;

  if (sqlite3_exec (self->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
    {
      sql_error (self, error);
      return NULL;
    }
  /* SQLite 3.40's R-tree module is not marked SQLITE_VTAB_INNOCUOUS, so with
   * trusted_schema=OFF GDAL's R-tree triggers on parcels refuse to compile.
   * They are let through only here, inside our transaction, once
   * schema_still_ours() has found no trigger but GDAL's. */
  ok = schema_still_ours (self, error) && rebase_on_disk (self, staging, conflicts, error);
  if (ok && conflicts->len > 0)
    {
      name_conflicts (self, conflicts);
      ok = mq_staging_conflict_error (conflicts, error);
      mq_staging_publish (staging, TRUE);
    }
  ok = ok && mq_staging_check (staging, error);
  if (ok)
    {
      applied = mq_staging_diff (staging, action);
      sqlite3_db_config (self->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 1, NULL);
      ok = write_changes (self, staging, applied, error);
      sqlite3_db_config (self->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
    }
  if (ok && sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    ok = sql_error (self, error);
  if (!ok)
    {
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      return NULL;
    }
  return g_steal_pointer (&applied);
}

static MqEdit *
gpkg_store_edit (MqStore       *store,
                 MqEdit        *edit,
                 MqEditAction   action,
                 GPtrArray     *conflicts,
                 GError       **error)
{
  MqGpkgStore *self = MQ_GPKG_STORE (store);
  g_autoptr(MqStaging) staging = NULL;
  g_autoptr(MqEdit) applied = NULL;

  if (self->read_only)
    {
      read_only_error (self, error);
      return NULL;
    }
  staging = mq_staging_new (self->dataset, edit, error);
  if (staging == NULL)
    return NULL;
  applied = commit (self, staging, action, conflicts, error);
  if (applied == NULL)
    return NULL;
  mq_staging_publish (staging, FALSE);
  return g_steal_pointer (&applied);
}

static char *
gpkg_dup_setting (MqStore    *store,
                  const char *key)
{
  MqGpkgStore *self = MQ_GPKG_STORE (store);
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  if (sqlite3_prepare_v2 (self->db, "SELECT value FROM project_settings WHERE key = ?1", -1, &stmt,
                          NULL) == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
    }
  sqlite3_finalize (stmt);
  return value;
}

/* Replaces a setting in one transaction (saved views, say). */
static gboolean
gpkg_set_setting (MqStore     *store,
                  const char  *key,
                  const char  *value,
                  GError     **error)
{
  MqGpkgStore *self = MQ_GPKG_STORE (store);
  sqlite3_stmt *del = NULL, *ins = NULL;
  gboolean ok;

  if (self->read_only)
    return read_only_error (self, error);
  if (sqlite3_exec (self->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
    return sql_error (self, error);
  if (!schema_still_ours (self, error))
    {
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }
  ok = sqlite3_prepare_v2 (self->db, "DELETE FROM project_settings WHERE key = ?1", -1, &del, NULL) == SQLITE_OK &&
       sqlite3_prepare_v2 (self->db, "INSERT INTO project_settings (key, value) VALUES (?1, ?2)", -1,
                           &ins, NULL) == SQLITE_OK;
  if (ok)
    {
      sqlite3_bind_text (del, 1, key, -1, SQLITE_STATIC);
      sqlite3_bind_text (ins, 1, key, -1, SQLITE_STATIC);
      sqlite3_bind_text (ins, 2, value, -1, SQLITE_STATIC);
      ok = step_once (del) && step_once (ins);
    }
  if (!ok)
    sql_error (self, error);
  sqlite3_finalize (del);
  sqlite3_finalize (ins);
  ok = ok && sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
  if (!ok)
    {
      if (error != NULL && *error == NULL)
        sql_error (self, error);
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
    }
  return ok;
}

static GPtrArray *
gpkg_list_history (MqStore     *store,
                   const char  *parcel_id,
                   guint        limit,
                   GError     **error)
{
  MqGpkgStore *self = MQ_GPKG_STORE (store);
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) mq_history_entry_free);
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (self->db,
                          "SELECT " MQ_HISTORY_COLUMNS
                          " FROM lock_history WHERE ?1 IS NULL OR parcel_id = ?1"
                          " ORDER BY fid DESC LIMIT ?2", -1, &stmt, NULL) != SQLITE_OK)
    {
      sql_error (self, error);
      return NULL;
    }
  sqlite3_bind_text (stmt, 1, parcel_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, limit > 0 ? (sqlite3_int64) limit : -1);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (entries, _mq_history_entry_from_row (stmt));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      sql_error (self, error);
      return NULL;
    }
  return g_steal_pointer (&entries);
}


static void
store_iface_init (MqStoreInterface *iface)
{
  iface->is_read_only = gpkg_is_read_only;
  iface->get_read_only_reason = gpkg_get_read_only_reason;
  iface->get_path = gpkg_get_path;
  iface->get_dataset = gpkg_get_dataset;
  iface->store_edit = gpkg_store_edit;
  iface->list_history = gpkg_list_history;
  iface->changed_elsewhere = gpkg_changed_elsewhere;
  iface->dup_setting = gpkg_dup_setting;
  iface->set_setting = gpkg_set_setting;
  iface->set_max_pages = gpkg_set_max_pages;
}
