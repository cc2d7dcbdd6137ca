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
  int          value_column[MQ_N_FIELDS];  /* source attribute index, or -1 */
  sqlite3_int64 data_version;
  dev_t        dev;
  ino_t        ino;
  GPtrArray   *undo;          /* MqEdit, as applied */
  GPtrArray   *redo;
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
  g_clear_pointer (&self->undo, g_ptr_array_unref);
  g_clear_pointer (&self->redo, g_ptr_array_unref);
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
  self->undo = g_ptr_array_new_with_free_func ((GDestroyNotify) mq_edit_free);
  self->redo = g_ptr_array_new_with_free_func ((GDestroyNotify) mq_edit_free);
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

static void
find_value_columns (MqGpkgStore *self)
{
  MqParcels *parcels = mq_dataset_get_parcels (self->dataset);

  for (guint f = 0; f < MQ_N_FIELDS; f++)
    self->value_column[f] = mq_parcels_find_field (parcels, mq_field_info (f)->key);
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
  find_value_columns (self);
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

typedef struct
{
  guint     parcel;
  guint     row;
  MqParcel  record;
} Staged;

static Staged *
stage_for (GHashTable *staged,
           MqParcels  *parcels,
           const MqChange *c)
{
  Staged *s = g_hash_table_lookup (staged, GUINT_TO_POINTER (c->parcel));

  if (s == NULL)
    {
      s = g_new0 (Staged, 1);
      s->parcel = c->parcel;
      s->row = c->row;
      s->record = *mq_parcels_get (parcels, c->parcel);
      g_hash_table_insert (staged, GUINT_TO_POINTER (c->parcel), s);
    }
  return s;
}

static char *
where (MqParcels    *parcels,
       const Staged *s)
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

  if ((p->locks & (1u << MQ_LOCK_PROJECT)) && p->project == NULL)
    broken |= 1u << MQ_LOCK_PROJECT;
  if ((p->locks & (1u << MQ_LOCK_DEADLINE)) && p->deadline == 0)
    broken |= 1u << MQ_LOCK_DEADLINE;
  if ((p->locks & (1u << MQ_LOCK_OWNER)) && p->entity == NULL)
    broken |= 1u << MQ_LOCK_OWNER;
  return broken;
}

/* Only what the edit breaks is refused: a parcel that came in breaking a
 * rule (the loader reports it as a problem) can still have its notes or its
 * deadline edited, which is how it gets mended. */
static void
check_rules (MqParcels      *parcels,
             const Staged   *s,
             const MqParcel *before,
             GPtrArray      *problems)
{
  guint broken = broken_rules (&s->record) & ~broken_rules (before);
  g_autofree char *at = where (parcels, s);

  if (broken & (1u << MQ_LOCK_PROJECT))
    g_ptr_array_add (problems, g_strdup_printf (_("%s: the project lock needs a project name"), at));
  if (broken & (1u << MQ_LOCK_DEADLINE))
    g_ptr_array_add (problems, g_strdup_printf (_("%s: the time lock needs a deadline"), at));
  if (broken & (1u << MQ_LOCK_OWNER))
    g_ptr_array_add (problems,
                     g_strdup_printf (_("%s: the entity lock needs a responsible entity"), at));
}

/* A held lock always has a date: the one given, else the one it had, else
 * today (it is being taken now). An opened lock pins nothing and keeps no
 * date. So a table with the date column left empty never undates a lock. */
static void
date_locks (Staged         *s,
            const MqParcel *before,
            guint32         today)
{
  for (guint lock = 0; lock < MQ_N_LOCKS; lock++)
    {
      gboolean held = (s->record.locks >> lock) & 1;
      gboolean was_held = (before->locks >> lock) & 1;

      if (held && s->record.lock_date[lock] == 0)
        s->record.lock_date[lock] = (was_held && before->lock_date[lock]) ? before->lock_date[lock]
                                                                          : today;
      if (!held)
        s->record.lock_date[lock] = 0;
    }
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
  return FALSE;
}

/* Parses every change into a copy of its record and checks the rules. */
static GHashTable *
stage (MqGpkgStore  *self,
       MqEdit       *edit,
       GError      **error)
{
  MqParcels *parcels = mq_dataset_get_parcels (self->dataset);
  g_autoptr(GHashTable) staged = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  Staged *s;

  for (guint i = 0; i < mq_edit_get_n_changes (edit); i++)
    {
      const MqChange *c = mq_edit_get_change (edit, i);
      g_autoptr(GError) local = NULL;

      g_return_val_if_fail (c->parcel < self->fids->len, NULL);
      s = stage_for (staged, parcels, c);
      if (!mq_parcel_set_field_text (parcels, &s->record, c->field, c->value, &local))
        {
          g_autofree char *at = where (parcels, s);

          g_ptr_array_add (problems, g_strdup_printf ("%s: %s: %s", at,
                                                      mq_field_label (c->field), local->message));
        }
    }
  g_hash_table_iter_init (&iter, staged);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &s))
    {
      date_locks (s, mq_parcels_get (parcels, s->parcel), mq_today ());
      check_rules (parcels, s, mq_parcels_get (parcels, s->parcel), problems);
    }
  if (problems->len > 0)
    {
      refuse (problems, error);
      return NULL;
    }
  return g_steal_pointer (&staged);
}

static int
compare_staged (gconstpointer a,
                gconstpointer b)
{
  const Staged *x = *(Staged **) a, *y = *(Staged **) b;

  return (x->parcel > y->parcel) - (x->parcel < y->parcel);
}

/* What actually differs, field by field, in the text form the file keeps. */
static MqEdit *
diff (MqGpkgStore  *self,
      GHashTable   *staged,
      MqEditAction  action)
{
  MqParcels *parcels = mq_dataset_get_parcels (self->dataset);
  g_autoptr(GPtrArray) sorted = g_ptr_array_new ();
  MqEdit *applied = mq_edit_new (action);
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, staged);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (sorted, value);
  g_ptr_array_sort (sorted, compare_staged);
  for (guint i = 0; i < sorted->len; i++)
    {
      const Staged *s = g_ptr_array_index (sorted, i);
      const MqParcel *before = mq_parcels_get (parcels, s->parcel);

      for (guint f = 0; f < MQ_N_FIELDS; f++)
        {
          g_autofree char *old = mq_field_is_editable (f) ? mq_parcel_dup_field_text (before, f) : NULL;
          g_autofree char *now = mq_field_is_editable (f) ? mq_parcel_dup_field_text (&s->record, f) : NULL;

          if (!mq_field_is_editable (f) || g_strcmp0 (old ? old : "", now ? now : "") == 0)
            continue;
          _mq_edit_append (applied, s->parcel, f, now ? now : "", old ? old : "", s->row);
        }
    }
  return applied;
}

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

static gboolean
update_parcel (MqGpkgStore     *self,
               sqlite3_stmt   **updates,
               const MqChange  *c)
{
  if (updates[c->field] == NULL)
    {
      /* The column name is the field table's constant key. */
      g_autofree char *sql = g_strdup_printf ("UPDATE parcels SET \"%s\" = ?1 WHERE fid = ?2",
                                              mq_field_info (c->field)->key);

      if (sqlite3_prepare_v2 (self->db, sql, -1, &updates[c->field], NULL) != SQLITE_OK)
        return FALSE;
    }
  bind_value (updates[c->field], 1, c->field, c->value);
  sqlite3_bind_int64 (updates[c->field], 2, g_array_index (self->fids, sqlite3_int64, c->parcel));
  return step_once (updates[c->field]);
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
               MqEdit       *applied,
               GError      **error)
{
  sqlite3_stmt *updates[MQ_N_FIELDS] = { NULL };
  sqlite3_stmt *insert = NULL;
  g_autofree char *now = now_iso8601 ();
  sqlite3_int64 batch = query_int (self, "SELECT coalesce(max(batch), 0) + 1 FROM lock_history");
  gboolean ok;

  /* %f gives microseconds; the format keeps milliseconds. */
  memmove (now + 23, now + 26, 2);
  /* SQLite 3.40's R-tree module is not marked SQLITE_VTAB_INNOCUOUS, so with
   * trusted_schema=OFF GDAL's R-tree triggers on parcels refuse to compile.
   * They are let through only here, inside our transaction, once
   * schema_still_ours() has found no trigger but GDAL's. */
  sqlite3_db_config (self->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 1, NULL);
  ok = sqlite3_prepare_v2 (self->db,
                           "INSERT INTO lock_history (changed_at, user, parcel_id, field,"
                           " old_value, new_value, action, batch)"
                           " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", -1, &insert, NULL) == SQLITE_OK;
  for (guint i = 0; ok && i < mq_edit_get_n_changes (applied); i++)
    {
      const MqChange *c = mq_edit_get_change (applied, i);

      ok = update_parcel (self, updates, c) &&
           record_history (self, insert, c, now, _mq_edit_get_action (applied), batch);
    }
  if (!ok)
    sql_error (self, error);
  sqlite3_finalize (insert);
  for (guint f = 0; f < MQ_N_FIELDS; f++)
    sqlite3_finalize (updates[f]);
  sqlite3_db_config (self->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
  return ok;
}

static gboolean
changed_elsewhere_error (MqGpkgStore  *self,
                         GError      **error)
{
  g_set_error (error, MQ_STORE_ERROR, MQ_STORE_ERROR_CHANGED,
               _("%s was changed by another program; it must be reloaded before editing"),
               self->path);
  return FALSE;
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

static gboolean
commit (MqGpkgStore  *self,
        MqEdit       *applied,
        GError      **error)
{
  if (sqlite3_exec (self->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
    return sql_error (self, error);
  /* Checked under the write lock: nobody can commit between this and ours. */
  if (gpkg_changed_elsewhere (MQ_STORE (self)))
    {
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      return changed_elsewhere_error (self, error);
    }
  if (!schema_still_ours (self, error) || !write_changes (self, applied, error))
    {
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }
  if (sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    {
      sql_error (self, error);
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }
  return TRUE;
}

/* Only once the file has it does the map see it: as a new generation of the
 * parcels, so a frame or a report being drawn from the last one in a worker
 * thread reads it unchanged to the end. */
static void
publish (MqGpkgStore *self,
         GHashTable  *staged,
         MqEdit      *applied)
{
  g_autoptr(MqParcels) parcels = mq_parcels_new_generation (mq_dataset_get_parcels (self->dataset));
  GHashTableIter iter;
  Staged *s;

  g_hash_table_iter_init (&iter, staged);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &s))
    mq_parcels_replace (parcels, s->parcel, &s->record);
  for (guint i = 0; i < mq_edit_get_n_changes (applied); i++)
    {
      const MqChange *c = mq_edit_get_change (applied, i);

      if (self->value_column[c->field] >= 0)
        mq_parcels_set_value (parcels, c->parcel, self->value_column[c->field], c->value);
    }
  mq_dataset_set_parcels (self->dataset, parcels);
}

static MqEdit *
apply (MqGpkgStore   *self,
       MqEdit        *edit,
       MqEditAction   action,
       GError       **error)
{
  g_autoptr(GHashTable) staged = NULL;
  g_autoptr(MqEdit) applied = NULL;

  if (self->read_only)
    {
      read_only_error (self, error);
      return NULL;
    }
  staged = stage (self, edit, error);
  if (staged == NULL)
    return NULL;
  applied = diff (self, staged, action);
  if (mq_edit_get_n_changes (applied) > 0 && !commit (self, applied, error))
    return NULL;
  publish (self, staged, applied);
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

static MqEdit *
gpkg_preview (MqStore  *store,
              MqEdit   *edit,
              GError  **error)
{
  MqGpkgStore *self = MQ_GPKG_STORE (store);
  g_autoptr(GHashTable) staged = NULL;

  staged = stage (self, edit, error);
  return staged ? diff (self, staged, _mq_edit_get_action (edit)) : NULL;
}

static gboolean
gpkg_apply (MqStore  *store,
            MqEdit   *edit,
            GError  **error)
{
  MqGpkgStore *self = MQ_GPKG_STORE (store);
  g_autoptr(MqEdit) applied = NULL;

  applied = apply (self, edit, _mq_edit_get_action (edit), error);
  if (applied == NULL)
    return FALSE;
  if (mq_edit_get_n_changes (applied) == 0)
    return TRUE;
  g_ptr_array_add (self->undo, g_steal_pointer (&applied));
  g_ptr_array_set_size (self->redo, 0);
  mq_store_emit_changed (MQ_STORE (self));
  return TRUE;
}

/* The step undo would take back, as applied (old and new values), or NULL. */
static MqEdit *
gpkg_get_last_step (MqStore *store)
{
  MqGpkgStore *self = MQ_GPKG_STORE (store);

  return self->undo->len > 0 ? g_ptr_array_index (self->undo, self->undo->len - 1) : NULL;
}

static gboolean
gpkg_can_undo (MqStore *store)
{
  MqGpkgStore *self = MQ_GPKG_STORE (store);

  return self->undo->len > 0 && !self->read_only;
}

static gboolean
gpkg_can_redo (MqStore *store)
{
  MqGpkgStore *self = MQ_GPKG_STORE (store);

  return self->redo->len > 0 && !self->read_only;
}

/* Applies the old values (undo) or the new ones (redo) of a step, moving it
 * from one stack to the other only once the file has it. */
static gboolean
replay (MqGpkgStore   *self,
        GPtrArray     *from,
        GPtrArray     *to,
        MqEditAction   action,
        GError       **error)
{
  MqEdit *step;
  g_autoptr(MqEdit) replayed = mq_edit_new (action);
  g_autoptr(MqEdit) applied = NULL;

  g_return_val_if_fail (from->len > 0, FALSE);

  step = g_ptr_array_index (from, from->len - 1);
  for (guint i = 0; i < mq_edit_get_n_changes (step); i++)
    {
      const MqChange *c = mq_edit_get_change (step, i);

      mq_edit_set (replayed, c->parcel, c->field,
                   action == MQ_EDIT_ACTION_UNDO ? c->old_value : c->value, 0);
    }
  applied = apply (self, replayed, action, error);
  if (applied == NULL)
    return FALSE;
  g_ptr_array_add (to, g_ptr_array_steal_index (from, from->len - 1));
  mq_store_emit_changed (MQ_STORE (self));
  return TRUE;
}

static gboolean
gpkg_undo (MqStore  *store,
           GError  **error)
{
  MqGpkgStore *self = MQ_GPKG_STORE (store);

  return replay (self, self->undo, self->redo, MQ_EDIT_ACTION_UNDO, error);
}

static gboolean
gpkg_redo (MqStore  *store,
           GError  **error)
{
  MqGpkgStore *self = MQ_GPKG_STORE (store);

  return replay (self, self->redo, self->undo, MQ_EDIT_ACTION_REDO, error);
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
  iface->preview = gpkg_preview;
  iface->apply = gpkg_apply;
  iface->get_last_step = gpkg_get_last_step;
  iface->can_undo = gpkg_can_undo;
  iface->can_redo = gpkg_can_redo;
  iface->undo = gpkg_undo;
  iface->redo = gpkg_redo;
  iface->list_history = gpkg_list_history;
  iface->changed_elsewhere = gpkg_changed_elsewhere;
  iface->dup_setting = gpkg_dup_setting;
  iface->set_setting = gpkg_set_setting;
  iface->set_max_pages = gpkg_set_max_pages;
}
