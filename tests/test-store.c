/* test-store.c — the project store: edits, rules, history, undo, CSV, safety.
 *
 * Every test works on a copy of the sample project in a temporary folder and
 * checks what reached the file by reading it back with SQLite or by loading
 * it again, not only what the store says.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gdal.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <sys/wait.h>

#include "mq-core.h"
#include "mq-gpkg-functions.h"
#include "mq-gpkg-store.h"
#include "test-util.h"

typedef struct
{
  char      *dir;
  char      *path;
  MqDataset *dataset;
  MqStore   *store;
} Fixture;

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("mq-store-XXXXXX", NULL);
  f->path = test_copy_sample (f->dir, "项目.gpkg");
  f->dataset = test_load (f->path);
  f->store = mq_store_open (f->dataset, &error);
  g_assert_no_error (error);
  g_assert_false (mq_store_is_read_only (f->store));
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  g_clear_object (&f->store);
  g_clear_object (&f->dataset);
  test_remove_dir (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

/* The n-th flagged parcel's index. */
static guint
flagged (MqDataset *dataset,
         guint      n)
{
  MqParcels *parcels = mq_dataset_get_parcels (dataset);

  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    if (mq_parcels_get (parcels, i)->flagged && n-- == 0)
      return i;
  g_assert_not_reached ();
}

static sqlite3_int64
sql_int (const char *path,
         const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  sqlite3_int64 value = -1;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static char *
sql_text (const char *path,
          const char *sql,
          const char *arg)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, arg, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static gint64
history_rows (Fixture *f)
{
  return sql_int (f->path, "SELECT count(*) FROM lock_history");
}

static const MqParcel *
parcel (Fixture *f,
        guint    i)
{
  return mq_parcels_get (mq_dataset_get_parcels (f->dataset), i);
}

static void
test_edit_and_history (Fixture       *f,
                       gconstpointer  data)
{
  guint i = flagged (f->dataset, 0);
  g_autoptr(MqEdit) edit = mq_edit_new (MQ_EDIT_ACTION_EDIT);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(MqDataset) again = NULL;
  g_autofree char *project = NULL;
  const char *id = parcel (f, i)->id;
  guint held = mq_parcel_get_locks_held (parcel (f, i));
  gboolean had_owner_lock = parcel (f, i)->locks & (1u << MQ_LOCK_OWNER);
  const MqParcel *reread;
  guint ours;

  mq_edit_set (edit, i, MQ_FIELD_ENTITY, "马桥镇经济发展办公室", 0);
  mq_edit_set (edit, i, MQ_FIELD_LOCK_OWNER, "1", 0);
  mq_edit_set (edit, i, MQ_FIELD_PROJECT, "智能机器人产业园（一期）", 0);
  g_assert_true (mq_store_apply (f->store, edit, &error));
  g_assert_no_error (error);

  /* Memory: the parcel and its derived figures. */
  g_assert_cmpstr (parcel (f, i)->details->entity, ==, "马桥镇经济发展办公室");
  g_assert_cmpuint (mq_parcel_get_locks_held (parcel (f, i)), ==, held + (had_owner_lock ? 0 : 1));
  g_assert_cmpuint (parcel (f, i)->details->lock_date[MQ_LOCK_OWNER], !=, 0);

  /* The file: the column itself, as QGIS would read it. */
  project = sql_text (f->path, "SELECT project FROM parcels WHERE parcel_id = ?1", id);
  g_assert_cmpstr (project, ==, "智能机器人产业园（一期）");

  /* History: one row per field changed, with user and values (after the
   * sample's own past, the planners who locked it). */
  history = mq_store_list_history (f->store, id, 0, &error);
  g_assert_no_error (error);
  ours = had_owner_lock ? 2 : 4;
  g_assert_cmpuint (history->len, >=, ours);
  for (guint k = ours; k < history->len; k++)
    g_assert_cmpstr (((MqHistoryEntry *) g_ptr_array_index (history, k))->user, !=, g_get_user_name ());
  g_ptr_array_set_size (history, ours);
  for (guint k = 0; k < history->len; k++)
    {
      MqHistoryEntry *e = g_ptr_array_index (history, k);

      g_assert_cmpstr (e->user, ==, g_get_user_name ());
      g_assert_cmpstr (e->action, ==, "edit");
      g_assert_true (g_str_has_suffix (e->changed_at, "Z"));
      if (g_str_equal (e->field, "responsible_entity"))
        g_assert_cmpstr (e->new_value, ==, "马桥镇经济发展办公室");
    }

  /* Loaded again from disk, the edit is there. */
  again = test_load (f->path);
  reread = mq_parcels_get (mq_dataset_get_parcels (again), i);
  g_assert_cmpstr (reread->details->entity, ==, "马桥镇经济发展办公室");
  g_assert_cmpuint (reread->locks, ==, parcel (f, i)->locks);
}

static void
test_rules (Fixture       *f,
            gconstpointer  data)
{
  guint i = flagged (f->dataset, 1);
  gint64 rows = history_rows (f);
  MqParcel before = *parcel (f, i);
  struct { MqField lock; MqField empty; const char *message; } cases[] = {
    { MQ_FIELD_LOCK_PROJECT, MQ_FIELD_PROJECT, "project lock needs a project name" },
    { MQ_FIELD_LOCK_DEADLINE, MQ_FIELD_DEADLINE, "time lock needs a deadline" },
    { MQ_FIELD_LOCK_OWNER, MQ_FIELD_ENTITY, "entity lock needs a responsible entity" },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr(MqEdit) edit = mq_edit_new (MQ_EDIT_ACTION_EDIT);
      g_autoptr(GError) error = NULL;

      mq_edit_set (edit, i, cases[c].lock, "1", 0);
      mq_edit_set (edit, i, cases[c].empty, "", 0);
      mq_edit_set (edit, i, MQ_FIELD_NOTES, "不应写入", 0);
      g_assert_false (mq_store_apply (f->store, edit, &error));
      g_assert_error (error, MQ_STORE_ERROR, MQ_STORE_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, cases[c].message));
      g_assert_nonnull (strstr (error->message, before.id));
    }
  {
    g_autoptr(MqEdit) edit = mq_edit_new (MQ_EDIT_ACTION_EDIT);
    g_autoptr(GError) error = NULL;

    mq_edit_set (edit, i, MQ_FIELD_DEADLINE, "2026-02-30", 0);
    g_assert_false (mq_store_apply (f->store, edit, &error));
    g_assert_nonnull (strstr (error->message, "invalid date"));
  }
  /* Nothing reached memory, the file or the history. */
  g_assert_cmpint (memcmp (&before, parcel (f, i), sizeof before), ==, 0);
  g_assert_cmpint (history_rows (f), ==, rows);
  g_assert_false (mq_store_can_undo (f->store));
}

static MqEdit *
batch_of (Fixture    *f,
          guint       n,
          MqField     field,
          const char *value)
{
  MqEdit *edit = mq_edit_new (MQ_EDIT_ACTION_BATCH);

  for (guint k = 0; k < n; k++)
    mq_edit_set (edit, flagged (f->dataset, k), field, value, 0);
  return edit;
}

static void
test_batch_undo_redo (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(MqEdit) edit = batch_of (f, 10, MQ_FIELD_METHOD, "提质增效");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) history = NULL;
  guint8 before[10];

  for (guint k = 0; k < 10; k++)
    before[k] = parcel (f, flagged (f->dataset, k))->method;
  g_assert_true (mq_store_apply (f->store, edit, &error));
  for (guint k = 0; k < 10; k++)
    g_assert_cmpuint (parcel (f, flagged (f->dataset, k))->method, ==, MQ_METHOD_QUALITY);
  /* One transaction: one batch number for every row. */
  g_assert_cmpint (sql_int (f->path, "SELECT count(DISTINCT batch) FROM lock_history"), ==, 1);
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM parcels WHERE method = '提质增效'"),
                   >=, 10);

  /* One undo step takes back all ten. */
  g_assert_true (mq_store_undo (f->store, &error));
  g_assert_no_error (error);
  for (guint k = 0; k < 10; k++)
    g_assert_cmpuint (parcel (f, flagged (f->dataset, k))->method, ==, before[k]);
  g_assert_false (mq_store_can_undo (f->store));
  g_assert_true (mq_store_can_redo (f->store));

  g_assert_true (mq_store_redo (f->store, &error));
  for (guint k = 0; k < 10; k++)
    g_assert_cmpuint (parcel (f, flagged (f->dataset, k))->method, ==, MQ_METHOD_QUALITY);

  /* Undo and redo are history too. */
  history = mq_store_list_history (f->store, NULL, 0, &error);
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM lock_history WHERE action = 'undo'"),
                   ==, sql_int (f->path, "SELECT count(*) FROM lock_history WHERE action = 'batch'"));
  g_assert_cmpint (sql_int (f->path, "SELECT count(DISTINCT batch) FROM lock_history"), ==, 3);
  g_assert_cmpstr (((MqHistoryEntry *) g_ptr_array_index (history, 0))->action, ==, "redo");
}

static char *
write_table (Fixture    *f,
             const char *name,
             const char *text)
{
  char *path = g_build_filename (f->dir, name, NULL);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

static void
test_csv_all_or_nothing (Fixture       *f,
                         gconstpointer  data)
{
  const char *a = parcel (f, flagged (f->dataset, 0))->id;
  const char *b = parcel (f, flagged (f->dataset, 1))->id;
  g_autofree char *good_text = g_strdup_printf (
    "\xEF\xBB\xBF地块编号,锁定责任主体,责任主体,完成时限,面积（亩）\r\n"
    "%s,1,马桥镇规划所,2027-06-30,99\r\n"
    "\"%s\",0,\"镇政府, 经发办\",2027/12/31,1\r\n", a, b);
  g_autofree char *bad_text = g_strdup_printf (
    "parcel_id,lock_owner,deadline\n%s,1,2027-06-30\nMQ9999,1,\n%s,是的,2027-02-29\n", a, b);
  g_autofree char *good = write_table (f, "good.csv", good_text);
  g_autofree char *bad = write_table (f, "bad.csv", bad_text);
  g_autoptr(MqEdit) refused = NULL;
  g_autoptr(MqEdit) edit = NULL;
  g_autoptr(GError) error = NULL;
  gint64 rows = history_rows (f);

  refused = mq_csv_read_updates (mq_dataset_get_parcels (f->dataset), bad, &error);
  g_assert_null (refused);
  g_assert_error (error, MQ_CSV_ERROR, MQ_CSV_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "bad.csv"));
  g_assert_nonnull (strstr (error->message, "row 3: unknown parcel id “MQ9999”"));
  g_assert_nonnull (strstr (error->message, "row 4"));
  g_assert_nonnull (strstr (error->message, "invalid lock state"));
  g_assert_nonnull (strstr (error->message, "invalid date “2027-02-29”"));
  g_assert_cmpint (history_rows (f), ==, rows);
  g_clear_error (&error);

  edit = mq_csv_read_updates (mq_dataset_get_parcels (f->dataset), good, &error);
  g_assert_no_error (error);
  g_assert_true (mq_store_apply (f->store, edit, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (parcel (f, flagged (f->dataset, 0))->details->entity, ==, "马桥镇规划所");
  g_assert_cmpstr (parcel (f, flagged (f->dataset, 1))->details->entity, ==, "镇政府, 经发办");
  g_assert_true (parcel (f, flagged (f->dataset, 0))->locks & (1u << MQ_LOCK_OWNER));
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM lock_history WHERE action = 'csv'"),
                   ==, history_rows (f) - rows);
  g_assert_cmpint (history_rows (f) - rows, >=, 4);
}

/* Refused whole, naming the row; nothing reaches the file. */
static void
assert_table_refused (Fixture    *f,
                      const char *text,
                      gssize      length,
                      const char *expected)
{
  g_autofree char *path = g_build_filename (f->dir, "hostile.csv", NULL);
  g_autoptr(MqEdit) edit = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, text, length, NULL));
  edit = mq_csv_read_updates (mq_dataset_get_parcels (f->dataset), path, &error);
  g_assert_null (edit);
  g_assert_error (error, MQ_CSV_ERROR, MQ_CSV_ERROR_INVALID);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "hostile.csv"));
  g_assert_nonnull (strstr (error->message, expected));
  g_assert_null (strchr (error->message, '\n'));
}

static void
test_csv_hostile (Fixture       *f,
                  gconstpointer  data)
{
  const char *a = parcel (f, flagged (f->dataset, 0))->id;
  const char *b = parcel (f, flagged (f->dataset, 1))->id;
  g_autofree char *nul = g_strdup_printf ("parcel_id,notes\r\n%s,x\r\n%s,y#z\r\n", a, b);
  g_autofree char *unclosed = g_strdup_printf ("parcel_id,notes\n%s,x\n%s,\"y\n%s,z\n", a, b, a);
  g_autofree char *stray = g_strdup_printf ("parcel_id,notes\n%s,x\n%s,y\"z\n", a, b);
  g_autofree char *after = g_strdup_printf ("parcel_id,notes\n%s,\"x\"y\n", a);
  g_autofree char *more = g_strdup_printf ("parcel_id,notes\n%s,x\n%s,y,z\n", a, b);
  g_autofree char *fewer = g_strdup_printf ("parcel_id,notes,contact\n%s,x,c\n%s,y\n", a, b);
  g_autofree char *twice = g_strdup_printf ("parcel_id,notes\n%s,x\n%s,y\n%s,z\n", a, b, a);
  g_autofree char *same = g_strdup_printf ("parcel_id,notes\n%s,同\n%s,y\n%s,同\n", a, b, a);
  g_autofree char *path = g_build_filename (f->dir, "same.csv", NULL);
  g_autoptr(MqEdit) edit = NULL;
  g_autoptr(GError) error = NULL;
  gint64 rows = history_rows (f);

  *strchr (nul, '#') = '\0';
  assert_table_refused (f, nul, strlen (nul) + 1 + strlen (strchr (nul, '\0') + 1), "row 3");
  assert_table_refused (f, unclosed, -1, "row 3: a quoted cell is never closed");
  assert_table_refused (f, stray, -1, "row 3: a stray quote");
  assert_table_refused (f, after, -1, "row 2: a stray quote");
  assert_table_refused (f, more, -1, "row 3: 3 cells where the header has 2");
  assert_table_refused (f, fewer, -1, "row 3: 2 cells where the header has 3");
  assert_table_refused (f, twice, -1, "row 4: parcel");
  assert_table_refused (f, twice, -1, "also in row 2");
  g_assert_cmpint (history_rows (f), ==, rows);

  /* Two rows that agree are one change. */
  g_assert_true (g_file_set_contents (path, same, -1, NULL));
  edit = mq_csv_read_updates (mq_dataset_get_parcels (f->dataset), path, &error);
  g_assert_no_error (error);
  g_assert_true (mq_store_apply (f->store, edit, &error));
  g_assert_cmpstr (parcel (f, flagged (f->dataset, 0))->details->notes, ==, "同");
}

/* Two writers on one file: another field merges, the same field is a
 * conflict naming both values and who, and nothing of ours is stored. */
static void
test_external_change (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(MqDataset) other_dataset = test_load (f->path);
  g_autoptr(MqStore) other = mq_store_open (other_dataset, NULL);
  g_autoptr(MqEdit) theirs = batch_of (f, 1, MQ_FIELD_NOTES, "另一个程序写的");
  g_autoptr(MqEdit) ours = batch_of (f, 1, MQ_FIELD_NOTES, "我们写的");
  g_autoptr(MqEdit) contact = batch_of (f, 1, MQ_FIELD_CONTACT, "王工");
  guint index = flagged (f->dataset, 0);
  const char *id = parcel (f, index)->id;
  g_autoptr(GError) error = NULL;
  g_autofree char *notes = NULL;
  g_autofree char *old = NULL;
  g_autofree char *version = NULL;
  GPtrArray *conflicts;
  const MqConflict *c;

  g_assert_false (mq_store_changed_elsewhere (f->store));
  g_assert_true (mq_store_apply (other, theirs, &error));
  g_assert_true (mq_store_changed_elsewhere (f->store));

  /* Another field: merged, their notes kept (and now shown), history right. */
  g_assert_true (mq_store_apply (f->store, contact, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (parcel (f, index)->details->notes, ==, "另一个程序写的");
  g_assert_cmpstr (parcel (f, index)->details->contact, ==, "王工");
  version = sql_text (f->path, "SELECT row_version FROM parcels WHERE parcel_id = ?1", id);
  g_assert_cmpstr (version, ==, "3");

  /* The same field: refused, with base, mine, theirs and who. */
  g_assert_true (mq_store_apply (other, ours, &error));   /* theirs moves on */
  g_clear_object (&other);
  {
    g_autoptr(MqEdit) mine = batch_of (f, 1, MQ_FIELD_NOTES, "第三个值");

    g_assert_false (mq_store_apply (f->store, mine, &error));
    g_assert_error (error, MQ_STORE_ERROR, MQ_STORE_ERROR_CONFLICT);
    g_clear_error (&error);
    conflicts = mq_store_get_conflicts (f->store);
    g_assert_cmpuint (conflicts->len, ==, 1);
    c = g_ptr_array_index (conflicts, 0);
    g_assert_cmpstr (c->parcel_id, ==, id);
    g_assert_cmpint (c->field, ==, MQ_FIELD_NOTES);
    g_assert_cmpstr (c->base, ==, "另一个程序写的");
    g_assert_cmpstr (c->mine, ==, "第三个值");
    g_assert_cmpstr (c->theirs, ==, "我们写的");
    g_assert_cmpstr (c->who, ==, g_get_user_name ());
    g_assert_nonnull (c->when);
    notes = sql_text (f->path, "SELECT notes FROM parcels WHERE parcel_id = ?1", id);
    g_assert_cmpstr (notes, ==, "我们写的");
    /* The parcels show theirs now; applying again is a choice made over it. */
    g_assert_cmpstr (parcel (f, index)->details->notes, ==, "我们写的");
    g_assert_true (mq_store_apply (f->store, mine, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (mq_store_get_conflicts (f->store)->len, ==, 0);
  }
  old = sql_text (f->path, "SELECT old_value FROM lock_history WHERE parcel_id = ?1"
                           " AND field = 'notes' ORDER BY fid DESC LIMIT 1", id);
  g_assert_cmpstr (old, ==, "我们写的");

  /* Made from a value the person saw, which the parcels have moved on from
   * (a live refresh while they typed): a conflict, even in this client. */
  {
    g_autoptr(MqEdit) typed = mq_edit_new (MQ_EDIT_ACTION_EDIT);

    mq_edit_set_from (typed, index, MQ_FIELD_NOTES, "打字时的值", "我们写的");
    g_assert_false (mq_store_apply (f->store, typed, &error));
    g_assert_error (error, MQ_STORE_ERROR, MQ_STORE_ERROR_CONFLICT);
    g_clear_error (&error);
    c = g_ptr_array_index (mq_store_get_conflicts (f->store), 0);
    g_assert_cmpstr (c->base, ==, "我们写的");
    g_assert_cmpstr (c->theirs, ==, "第三个值");
    g_assert_cmpstr (c->mine, ==, "打字时的值");
  }
}

/* Closed, the project is one file again, in rollback-journal mode. */
static void
test_closed_is_one_file (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(MqEdit) edit = batch_of (f, 1, MQ_FIELD_NOTES, "关闭后仍在");
  g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);
  g_autofree char *mode = NULL;
  g_autofree char *notes = NULL;

  g_assert_true (mq_store_apply (f->store, edit, NULL));
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_clear_object (&f->store);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  mode = sql_text (f->path, "PRAGMA journal_mode", NULL);
  g_assert_cmpstr (mode, ==, "delete");
  notes = sql_text (f->path, "SELECT notes FROM parcels WHERE parcel_id = ?1",
                    parcel (f, flagged (f->dataset, 0))->id);
  g_assert_cmpstr (notes, ==, "关闭后仍在");
}

static void
test_read_only (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(MqStore) store = NULL;
  g_autoptr(MqEdit) edit = batch_of (f, 1, MQ_FIELD_NOTES, "x");
  g_autoptr(GError) error = NULL;

  g_clear_object (&f->store);
  g_assert_cmpint (g_chmod (f->path, 0444), ==, 0);
  store = mq_store_open (f->dataset, &error);
  g_assert_no_error (error);
  g_assert_true (mq_store_is_read_only (store));
  g_assert_false (mq_store_apply (store, edit, &error));
  g_assert_error (error, MQ_STORE_ERROR, MQ_STORE_ERROR_READ_ONLY);
  g_chmod (f->path, 0644);
}

static void
test_disk_full (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GString) long_note = g_string_new (NULL);
  g_autoptr(MqEdit) edit = NULL;
  g_autoptr(GError) error = NULL;
  gint64 rows = history_rows (f);
  gint64 pages = sql_int (f->path, "PRAGMA page_count");
  g_autofree char *check = NULL;

  /* Far more than the pages the copy's removed history left free. */
  while (long_note->len < 3000)
    g_string_append (long_note, "很长的备注");
  edit = batch_of (f, 60, MQ_FIELD_NOTES, long_note->str);
  mq_store_set_max_pages (f->store, (guint) pages);
  g_assert_false (mq_store_apply (f->store, edit, &error));
  g_assert_error (error, MQ_STORE_ERROR, MQ_STORE_ERROR_FULL);
  g_assert_nonnull (strstr (error->message, "项目.gpkg"));
  g_assert_cmpint (history_rows (f), ==, rows);
  g_assert_cmpstr (parcel (f, flagged (f->dataset, 0))->details->notes, !=, long_note->str);
  check = sql_text (f->path, "PRAGMA integrity_check", NULL);
  g_assert_cmpstr (check, ==, "ok");
}

/* Another process holding the write lock past the busy wait: the edit is
 * refused as "busy", in one line, and nothing of it is stored. */
static void
test_busy (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(MqEdit) edit = batch_of (f, 1, MQ_FIELD_NOTES, "忙时的备注");
  g_autoptr(GError) error = NULL;
  gint64 rows = history_rows (f);
  sqlite3 *other = NULL;

  g_assert_cmpint (sqlite3_open (f->path, &other), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (other, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_false (mq_store_apply (f->store, edit, &error));
  g_assert_error (error, MQ_STORE_ERROR, MQ_STORE_ERROR_BUSY);
  g_assert_nonnull (strstr (error->message, "项目.gpkg"));
  g_assert_null (strchr (error->message, '\n'));
  sqlite3_exec (other, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close (other);
  g_assert_cmpint (history_rows (f), ==, rows);
  g_assert_cmpstr (parcel (f, flagged (f->dataset, 0))->details->notes, !=, "忙时的备注");
}

/* A file of schema 1 (before action/batch) is brought up to date on open. */
static void
test_migration (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(MqStore) store = NULL;
  g_autoptr(MqEdit) edit = batch_of (f, 1, MQ_FIELD_NOTES, "迁移后");
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;

  g_clear_object (&f->store);
  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  /* A file of version 1 had neither the columns nor their index. */
  g_assert_cmpint (sqlite3_exec (db, "DROP INDEX IF EXISTS lock_history_batch;"
                                     "ALTER TABLE lock_history DROP COLUMN action;"
                                     "ALTER TABLE lock_history DROP COLUMN batch;"
                                     "UPDATE project_settings SET value = '1'"
                                     " WHERE key = 'schema_version'", NULL, NULL, NULL),
                   ==, SQLITE_OK);
  sqlite3_close (db);
  store = mq_store_open (f->dataset, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sql_int (f->path, "SELECT value FROM project_settings"
                                     " WHERE key = 'schema_version'"), ==, MQ_PROJECT_SCHEMA_VERSION);
  g_assert_true (mq_store_apply (store, edit, &error));
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM lock_history WHERE action = 'batch'"),
                   ==, 1);
}

/* A file of schema 2 (before performance per mu, edited: it has its row
 * versions) gains the fields' columns on open, row_version still the last
 * (where the loader looks), and a figure written there reads back. */
static void
test_migration_performance (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(MqStore) store = NULL;
  g_autoptr(MqEdit) edit = batch_of (f, 1, MQ_FIELD_TAX, "1,234.5");
  g_autoptr(MqDataset) reloaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) sql = g_string_new ("UPDATE project_settings SET value = '2'"
                                         " WHERE key = 'schema_version';");
  g_autofree char *last = NULL;
  guint i = flagged (f->dataset, 0);
  sqlite3 *db = NULL;

  g_clear_object (&f->store);
  for (guint field = MQ_FIELD_CREDIT_CODE; field < MQ_N_FIELDS; field++)
    g_string_append_printf (sql, "ALTER TABLE parcels DROP COLUMN \"%s\";", mq_field_info (field)->key);
  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql->str, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  g_clear_object (&f->dataset);
  f->dataset = test_load (f->path);
  g_assert_true (isnan (parcel (f, i)->details->tax));

  store = mq_store_open (f->dataset, &error);
  g_assert_no_error (error);
  g_assert_false (mq_store_is_read_only (store));
  g_assert_cmpint (sql_int (f->path, "SELECT value FROM project_settings"
                                     " WHERE key = 'schema_version'"), ==, 3);
  last = sql_text (f->path, "SELECT name FROM pragma_table_info('parcels') ORDER BY cid DESC LIMIT 1",
                   NULL);
  g_assert_cmpstr (last, ==, "row_version");
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM pragma_table_info('parcels')"
                                     " WHERE name IN ('credit_code', 'grade', 'planned_far')"), ==, 3);
  g_assert_cmpint (sql_int (f->path, "SELECT min(row_version) FROM parcels"), >=, 1);

  g_assert_true (mq_store_apply (store, edit, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM parcels WHERE annual_tax = 1234.5"), ==, 1);
  reloaded = test_load (f->path);
  g_assert_cmpfloat (mq_parcels_get (mq_dataset_get_parcels (reloaded), i)->details->tax, ==, 1234.5);
  g_assert_cmpint (mq_parcels_get (mq_dataset_get_parcels (reloaded), i)->row_version, ==,
                   parcel (f, i)->row_version);
}

static void
plant (const char *path,
       const char *sql)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

/* A file that brings a trigger rewriting another parcel and erasing the
 * history: loading it (GDAL) and opening it run none of it; it is read-only,
 * saying why, and an edit is refused. */
static void
check_planted (Fixture    *f,
               const char *sql,
               const char *name)
{
  g_autoptr(MqDataset) dataset = NULL;
  g_autoptr(MqStore) store = NULL;
  g_autoptr(MqEdit) edit = batch_of (f, 1, MQ_FIELD_NOTES, "历史");
  g_autoptr(GError) error = NULL;
  g_autofree char *victim = g_strdup (parcel (f, flagged (f->dataset, 1))->id);
  g_autofree char *notes = NULL;
  gint64 rows;

  g_assert_true (mq_store_apply (f->store, edit, &error));
  g_clear_pointer (&edit, mq_edit_free);
  g_clear_object (&f->store);
  rows = history_rows (f);
  g_assert_cmpint (rows, >, 0);
  plant (f->path, sql);

  dataset = test_load (f->path);
  store = mq_store_open (dataset, &error);
  g_assert_no_error (error);
  g_assert_true (mq_store_is_read_only (store));
  g_assert_nonnull (strstr (mq_store_get_read_only_reason (store), name));
  g_assert_nonnull (strstr (mq_store_get_read_only_reason (store), "项目.gpkg"));
  edit = mq_edit_new (MQ_EDIT_ACTION_EDIT);
  mq_edit_set (edit, flagged (dataset, 0), MQ_FIELD_NOTES, "改", 0);
  g_assert_false (mq_store_apply (store, edit, &error));
  g_assert_error (error, MQ_STORE_ERROR, MQ_STORE_ERROR_READ_ONLY);
  g_assert_nonnull (strstr (error->message, name));
  g_clear_object (&store);
  g_clear_object (&dataset);

  g_assert_cmpint (history_rows (f), ==, rows);
  notes = sql_text (f->path, "SELECT notes FROM parcels WHERE parcel_id = ?1", victim);
  g_assert_cmpstr (notes, !=, "pwned");
}

static void
test_untrusted_trigger (Fixture       *f,
                        gconstpointer  data)
{
  check_planted (f, "CREATE TRIGGER evil AFTER UPDATE ON parcels BEGIN"
                    " UPDATE parcels SET notes = 'pwned' WHERE fid <> NEW.fid;"
                    " DELETE FROM lock_history; END", "evil");
}

/* A name GDAL uses does not make a trigger GDAL's: it must write only its
 * own R-tree. */
static void
test_untrusted_disguised (Fixture       *f,
                          gconstpointer  data)
{
  check_planted (f, "DROP TRIGGER rtree_parcels_geom_update3;"
                    "CREATE TRIGGER rtree_parcels_geom_update3 AFTER UPDATE ON parcels BEGIN"
                    " DELETE FROM \"rtree_parcels_geom\" WHERE id = OLD.fid;"
                    " /* update */ DELETE FROM lock_history; END", "rtree_parcels_geom_update3");
}

/* Views the standard does not define are SQL the file brings, too. */
static void
test_untrusted_view (Fixture       *f,
                     gconstpointer  data)
{
  check_planted (f, "CREATE VIEW evil AS SELECT * FROM parcels", "evil");
}

/* With trusted_schema=OFF a trigger may still call the ST_ functions: they
 * are innocuous. */
static void
test_st_functions_innocuous (void)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (":memory:", &db), ==, SQLITE_OK);
  mq_gpkg_harden (db);
  mq_gpkg_register_functions (db);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE t (g BLOB); CREATE TABLE e (x REAL);"
                                     "CREATE TRIGGER t_e AFTER INSERT ON t BEGIN"
                                     " INSERT INTO e VALUES (ST_MinX (NEW.g)); END;"
                                     "INSERT INTO t VALUES (NULL)", NULL, NULL, NULL),
                   ==, SQLITE_OK);
  sqlite3_close (db);
}

static void
on_changed (MqStore *store,
            guint   *count)
{
  (*count)++;
}

/* The project is a store behind the interface, the GeoPackage its backend;
 * the interface's signal follows each stored step, not a refused one. */
static void
test_interface (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(MqEdit) edit = batch_of (f, 2, MQ_FIELD_NOTES, "经接口");
  g_autoptr(MqEdit) refused = batch_of (f, 1, MQ_FIELD_LOCK_PROJECT, "不是锁");
  guint changed = 0;

  g_assert_true (G_TYPE_IS_INTERFACE (MQ_TYPE_STORE));
  g_assert_true (MQ_IS_GPKG_STORE (f->store));
  g_signal_connect (f->store, "changed", G_CALLBACK (on_changed), &changed);
  g_assert_true (mq_store_apply (f->store, edit, NULL));
  g_assert_false (mq_store_apply (f->store, refused, NULL));
  g_assert_cmpuint (changed, ==, 1);
  g_assert_true (mq_store_undo (f->store, NULL));
  g_assert_cmpuint (changed, ==, 2);
  g_assert_true (mq_store_can_redo (f->store));
}

static void
test_not_a_project (void)
{
  g_autofree char *shp = g_build_filename (g_getenv ("MQ_SAMPLE_DIR"), "maqiao-survey.shp", NULL);
  g_autoptr(MqDataset) dataset = test_load (shp);
  g_autoptr(GError) error = NULL;
  g_autoptr(MqStore) store = mq_store_open (dataset, &error);

  g_assert_null (store);
  g_assert_error (error, MQ_STORE_ERROR, MQ_STORE_ERROR_NOT_A_PROJECT);
  g_assert_nonnull (strstr (error->message, "maqiao-survey.shp"));
}

/* ---- the kill test ----
 *
 * A child edits the project in a loop: single edits of one parcel's notes,
 * and every fourth step a CSV batch setting the contact of BATCH parcels.
 * It prints each step after it committed. The parent kills it with SIGKILL
 * at random moments, then checks the file. */

#define BATCH 25
#define EDITED 40

static void
child_batch (MqStore *store,
             const char *dir,
             guint step)
{
  MqDataset *dataset = mq_store_get_dataset (store);
  g_autoptr(GString) table = g_string_new ("parcel_id,contact\n");
  g_autofree char *path = g_build_filename (dir, "batch.csv", NULL);
  g_autoptr(MqEdit) edit = NULL;
  g_autoptr(GError) error = NULL;

  for (guint k = 0; k < BATCH; k++)
    g_string_append_printf (table, "%s,b%u\n",
                            mq_parcels_get (mq_dataset_get_parcels (dataset), flagged (dataset, k))->id,
                            step);
  g_assert_true (g_file_set_contents (path, table->str, -1, NULL));
  edit = mq_csv_read_updates (mq_dataset_get_parcels (dataset), path, &error);
  g_assert_no_error (error);
  g_assert_true (mq_store_apply (store, edit, &error));
  printf ("batch %u\n", step);
}

static int
run_child (const char *path,
           guint       first)
{
  g_autoptr(MqDataset) dataset = test_load (path);
  g_autoptr(MqStore) store = mq_store_open (dataset, NULL);
  g_autofree char *dir = g_path_get_dirname (path);

  g_assert_nonnull (store);
  setvbuf (stdout, NULL, _IONBF, 0);
  printf ("ready\n");
  for (guint step = first;; step++)
    {
      g_autoptr(MqEdit) edit = mq_edit_new (MQ_EDIT_ACTION_EDIT);
      g_autofree char *note = g_strdup_printf ("e%u", step);
      g_autoptr(GError) error = NULL;

      if (step % 4 == 0)
        {
          child_batch (store, dir, step);
          continue;
        }
      mq_edit_set (edit, flagged (dataset, BATCH + step % EDITED), MQ_FIELD_NOTES, note, 0);
      g_assert_true (mq_store_apply (store, edit, &error));
      printf ("edit %u\n", step);
    }
  return 0;
}

static guint
number_after (const char *text,
              char        prefix)
{
  return (text != NULL && *text == prefix) ? (guint) g_ascii_strtoull (text + 1, NULL, 10) : 0;
}

static void
check_after_kill (Fixture *f,
                  guint   *last_edit,
                  guint    last_batch)
{
  g_autoptr(MqDataset) dataset = test_load (f->path);
  MqParcels *parcels = mq_dataset_get_parcels (dataset);
  g_autofree char *check = sql_text (f->path, "PRAGMA integrity_check", NULL);
  const char *contact = mq_parcels_get (parcels, flagged (dataset, 0))->details->contact;

  g_assert_cmpstr (check, ==, "ok");
  /* No half batch: every parcel of it has the same contact, not older
   * than the last batch the child reported. */
  for (guint k = 1; k < BATCH; k++)
    g_assert_cmpstr (mq_parcels_get (parcels, flagged (dataset, k))->details->contact, ==, contact);
  g_assert_cmpuint (number_after (contact, 'b'), >=, last_batch);
  /* Every edit reported committed is there (or a later one of that parcel). */
  for (guint k = 0; k < EDITED; k++)
    {
      const char *notes = mq_parcels_get (parcels, flagged (dataset, BATCH + k))->details->notes;

      g_assert_cmpuint (number_after (notes, 'e'), >=, last_edit[k]);
    }
}

static void
read_report (const char *line,
             guint      *last_edit,
             guint      *last_batch,
             guint      *next)
{
  guint step = 0;

  if (sscanf (line, "edit %u", &step) == 1)
    last_edit[step % EDITED] = step;
  else if (sscanf (line, "batch %u", &step) == 1)
    *last_batch = step;
  *next = MAX (*next, step + 1);
}

static void
read_reports (GIOChannel *out,
              guint      *last_edit,
              guint      *last_batch,
              guint      *next)
{
  g_autofree char *line = NULL;

  while (g_io_channel_read_line (out, &line, NULL, NULL, NULL) == G_IO_STATUS_NORMAL)
    {
      read_report (line, last_edit, last_batch, next);
      g_clear_pointer (&line, g_free);
    }
}

static void
test_kill (Fixture       *f,
           gconstpointer  data)
{
  guint last_edit[EDITED] = { 0 };
  /* Sanitizer builds kill fewer children (tests/meson.build): their value
   * there is the memory checks of the parent, not the count. */
  const char *kills = g_getenv ("MQ_TEST_KILLS");
  guint last_batch = 0, next = 1;
  guint iterations = g_test_slow () ? 200 : kills ? (guint) g_ascii_strtoull (kills, NULL, 10) : 40;
  g_autoptr(GRand) rand = g_rand_new_with_seed (g_test_rand_int ());
  g_autofree char *self = g_test_build_filename (G_TEST_BUILT, "test-store", NULL);

  /* Batch 0: the batch parcels start with one contact, as after any batch. */
  {
    g_autoptr(MqEdit) start = batch_of (f, BATCH, MQ_FIELD_CONTACT, "b0");

    g_assert_true (mq_store_apply (f->store, start, NULL));
  }
  g_clear_object (&f->store);
  for (guint it = 0; it < iterations; it++)
    {
      g_autofree char *first = g_strdup_printf ("%u", next);
      char *argv[] = { self, (char *) "--child", f->path, first, NULL };
      g_autoptr(GError) error = NULL;
      g_autoptr(GIOChannel) out = NULL;
      g_autofree char *ready = NULL;
      g_autofree char *step = NULL;
      GPid pid;
      int fd, status;

      g_assert_true (g_spawn_async_with_pipes (NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL,
                                               NULL, &pid, NULL, &fd, NULL, &error));
      out = g_io_channel_unix_new (fd);
      g_io_channel_set_close_on_unref (out, TRUE);
      g_io_channel_read_line (out, &ready, NULL, NULL, NULL);
      g_assert_cmpstr (ready, ==, "ready\n");
      /* Each child commits at least one step, however busy the machine, and
       * is killed at a random moment after it. */
      g_io_channel_read_line (out, &step, NULL, NULL, NULL);
      g_assert_nonnull (step);
      read_report (step, last_edit, &last_batch, &next);
      g_usleep (g_rand_int_range (rand, 0, 150000));
      kill (pid, SIGKILL);
      waitpid (pid, &status, 0);
      g_spawn_close_pid (pid);
      g_assert_true (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);
      read_reports (out, last_edit, &last_batch, &next);
      check_after_kill (f, last_edit, last_batch);
    }
  g_test_message ("%u kills, %u steps committed", iterations, next - 1);
  g_assert_cmpuint (next, >, iterations);
}

/* A parcel whose file breaks a lock rule (a time lock, no deadline: another
 * tool wrote it) is reported on load, and can still be edited — its notes,
 * or the deadline that mends it — while a rule the edit would break anew is
 * refused. */
static void
test_broken_on_load (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mq-store-XXXXXX", NULL);
  g_autofree char *path = test_copy_sample (dir, "坏锁.gpkg");
  g_autoptr(MqDataset) dataset = NULL;
  g_autoptr(MqStore) store = NULL;
  g_autoptr(GError) error = NULL;
  GDALDatasetH ds;
  OGRFeatureH feature;
  OGRLayerH layer;
  guint i;

  /* As another tool would write it: GDAL, not us. */
  ds = GDALOpenEx (path, GDAL_OF_VECTOR | GDAL_OF_UPDATE, NULL, NULL, NULL);
  layer = GDALDatasetGetLayerByName (ds, "parcels");
  feature = OGR_L_GetFeature (layer, 1);
  OGR_F_SetFieldInteger (feature, OGR_F_GetFieldIndex (feature, "lock_deadline"), 1);
  OGR_F_SetFieldDateTime (feature, OGR_F_GetFieldIndex (feature, "lock_deadline_date"), 2026, 1, 5, 0, 0, 0, 0);
  OGR_F_SetFieldNull (feature, OGR_F_GetFieldIndex (feature, "deadline"));
  OGR_F_SetFieldNull (feature, OGR_F_GetFieldIndex (feature, "project"));
  g_assert_cmpint (OGR_L_SetFeature (layer, feature), ==, OGRERR_NONE);
  OGR_F_Destroy (feature);
  GDALClose (ds);

  dataset = test_load (path);
  i = 0;   /* fid 1 */
  g_assert_true (mq_parcels_get (mq_dataset_get_parcels (dataset), i)->problems & MQ_PROBLEM_LOCK_RULE);
  store = mq_store_open (dataset, &error);
  g_assert_no_error (error);

  {
    g_autoptr(MqEdit) notes = mq_edit_new (MQ_EDIT_ACTION_EDIT);

    mq_edit_set (notes, i, MQ_FIELD_NOTES, "待补完成时限", 0);
    g_assert_true (mq_store_apply (store, notes, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (mq_parcels_get (mq_dataset_get_parcels (dataset), i)->details->notes, ==, "待补完成时限");
  }
  {
    g_autoptr(MqEdit) anew = mq_edit_new (MQ_EDIT_ACTION_EDIT);

    mq_edit_set (anew, i, MQ_FIELD_LOCK_PROJECT, "1", 0);
    g_assert_false (mq_store_apply (store, anew, &error));
    g_assert_error (error, MQ_STORE_ERROR, MQ_STORE_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "project lock needs a project name"));
    g_assert_null (strstr (error->message, "time lock"));
    g_clear_error (&error);
  }
  {
    g_autoptr(MqEdit) mend = mq_edit_new (MQ_EDIT_ACTION_EDIT);

    mq_edit_set (mend, i, MQ_FIELD_DEADLINE, "2026-12-31", 0);
    g_assert_true (mq_store_apply (store, mend, &error));
    g_assert_no_error (error);
  }
  g_clear_object (&store);
  g_clear_object (&dataset);
  test_remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 4 && g_str_equal (argv[1], "--child"))
    {
      mq_core_init ();
      return run_child (argv[2], (guint) g_ascii_strtoull (argv[3], NULL, 10));
    }
  g_test_init (&argc, &argv, NULL);
  mq_core_init ();
  g_setenv ("MQ_TODAY", "2026-06-01", TRUE);

#define ADD(name, fn) g_test_add ("/store/" name, Fixture, NULL, setup, fn, teardown)
  ADD ("edit-and-history", test_edit_and_history);
  ADD ("rules", test_rules);
  ADD ("batch-undo-redo", test_batch_undo_redo);
  ADD ("csv-all-or-nothing", test_csv_all_or_nothing);
  ADD ("csv-hostile", test_csv_hostile);
  ADD ("external-change", test_external_change);
  ADD ("read-only", test_read_only);
  ADD ("busy", test_busy);
  ADD ("closed-is-one-file", test_closed_is_one_file);
  ADD ("disk-full", test_disk_full);
  ADD ("migration", test_migration);
  ADD ("migration-performance", test_migration_performance);
  ADD ("untrusted-trigger", test_untrusted_trigger);
  ADD ("untrusted-disguised", test_untrusted_disguised);
  ADD ("untrusted-view", test_untrusted_view);
  ADD ("interface", test_interface);
  ADD ("kill", test_kill);
#undef ADD
  g_test_add_func ("/store/not-a-project", test_not_a_project);
  g_test_add_func ("/store/broken-on-load", test_broken_on_load);
  g_test_add_func ("/store/st-functions-innocuous", test_st_functions_innocuous);
  return g_test_run ();
}
