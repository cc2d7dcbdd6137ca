/* test-server.c — a project published to a real PostgreSQL/PostGIS server.
 *
 * ./tools/test starts a throwaway cluster (tools/lib.sh, mq_pg_start) and
 * names it in MQ_TEST_PG. Without one these tests skip, except under CI,
 * where a missing server is a failure.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gdal.h>
#include <libpq-fe.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/wait.h>

#include "mq-core.h"
#include "mq-store.h"
#include "mq-survey-update.h"
#include "test-util.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGconn, PQfinish)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)

typedef struct
{
  char      *dir;
  char      *gpkg;
  char      *schema;
  PGconn    *conn;
  MqDataset *dataset;
} Fixture;

static const char *
server (void)
{
  const char *conninfo = g_getenv ("MQ_TEST_PG");

  if (conninfo == NULL && g_getenv ("CI") != NULL)
    g_error ("CI=true but no test server (MQ_TEST_PG): ./tools/test starts one");
  return conninfo;
}

static PGconn *
connect_or_fail (void)
{
  PGconn *conn = PQconnectdb (server ());

  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  return conn;
}

/* One value of a query, as text ("" for NULL); the query must succeed. */
static char *
value (PGconn     *conn,
       const char *sql)
{
  g_autoptr(PGresult) result = PQexec (conn, sql);

  if (PQresultStatus (result) != PGRES_TUPLES_OK)
    g_error ("%s: %s", sql, PQresultErrorMessage (result));
  g_assert_cmpint (PQntuples (result), >, 0);
  return g_strdup (PQgetvalue (result, 0, 0));
}

/* A statement that must fail; returns the server's message. */
static char *
refused (PGconn     *conn,
         const char *sql)
{
  g_autoptr(PGresult) result = PQexec (conn, sql);

  g_assert_cmpint (PQresultStatus (result), ==, PGRES_FATAL_ERROR);
  return g_strdup (PQresultErrorMessage (result));
}

static void
exec_ok (PGconn     *conn,
         const char *sql)
{
  g_autoptr(PGresult) result = PQexec (conn, sql);

  if (PQresultStatus (result) != PGRES_COMMAND_OK && PQresultStatus (result) != PGRES_TUPLES_OK)
    g_error ("%s: %s", sql, PQresultErrorMessage (result));
}

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  static guint serial;
  g_autoptr(GError) error = NULL;
  g_autofree char *search_path = NULL;

  if (server () == NULL)
    return;
  f->dir = g_dir_make_tmp ("mq-server-XXXXXX", NULL);
  f->gpkg = test_copy_sample (f->dir, "共享项目.gpkg");
  f->schema = g_strdup_printf ("mq_test_%d_%u", (int) getpid (), serial++);
  f->dataset = mq_dataset_load (f->gpkg, NULL, NULL, &error);
  g_assert_no_error (error);
  mq_server_publish (f->gpkg, server (), f->schema, &error);
  g_assert_no_error (error);
  f->conn = connect_or_fail ();
  search_path = g_strdup_printf ("SET search_path TO %s, public", f->schema);
  exec_ok (f->conn, search_path);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  if (f->conn != NULL)
    {
      g_autofree char *drop = g_strdup_printf ("DROP SCHEMA %s CASCADE", f->schema);

      exec_ok (f->conn, drop);
    }
  g_clear_pointer (&f->conn, PQfinish);
  g_clear_object (&f->dataset);
  if (f->dir != NULL)
    test_remove_dir (f->dir);
  g_free (f->dir);
  g_free (f->gpkg);
  g_free (f->schema);
}

#define SKIP_WITHOUT_SERVER() \
  G_STMT_START { if (server () == NULL) { g_test_skip ("no test server (MQ_TEST_PG)"); return; } } G_STMT_END

/* Everything the project holds is on the server: parcels (by fid), their
 * Chinese text, reference layers, settings. A second publish is refused. */
static void
test_publish (Fixture       *f,
              gconstpointer  data)
{
  MqParcels *parcels;
  g_autoptr(GError) error = NULL;
  g_autofree char *n = NULL, *zones = NULL, *version = NULL, *owner = NULL, *sql = NULL;
  g_autofree char *area = NULL;
  g_autofree char *settings = NULL;
  guint i;

  SKIP_WITHOUT_SERVER ();
  parcels = mq_dataset_get_parcels (f->dataset);
  n = value (f->conn, "SELECT count(*) FROM parcels");
  g_assert_cmpuint (g_ascii_strtoull (n, NULL, 10), ==, mq_parcels_get_n_parcels (parcels));
  zones = value (f->conn, "SELECT count(*) FROM zone");
  g_assert_cmpuint (g_ascii_strtoull (zones, NULL, 10), >, 0);
  version = value (f->conn, "SELECT value FROM mq_project_settings WHERE key = 'schema_version'");
  g_assert_cmpstr (version, ==, "2");
  /* The project's own settings came along; its schema version did not. */
  settings = value (f->conn, "SELECT count(*) FROM mq_project_settings WHERE key IN ('title', 'synthetic')");
  g_assert_cmpstr (settings, ==, "2");

  /* Parcel i is fid i + 1, with its owner's Chinese name intact. */
  for (i = 0; mq_parcels_get (parcels, i)->owner == NULL; i++)
    ;
  sql = g_strdup_printf ("SELECT owner FROM parcels WHERE fid = %u", i + 1);
  owner = value (f->conn, sql);
  g_assert_cmpstr (owner, ==, mq_parcels_get (parcels, i)->owner);
  area = value (f->conn, "SELECT round(sum(ST_Area(geom))::numeric) FROM parcels");
  g_assert_cmpfloat (g_ascii_strtod (area, NULL), >, 1e7);

  g_assert_false (mq_server_publish (f->gpkg, server (), f->schema, &error));
  g_assert_error (error, MQ_SERVER_ERROR, MQ_SERVER_ERROR_EXISTS);
  g_assert_nonnull (strstr (error->message, f->schema));
}

/* A server project opens like a file ("pg:CONNINFO schema=NAME"), read as
 * one snapshot: the same figures as the GeoPackage it was published from. */
static void
test_open (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *spec = NULL, *wrong = NULL;
  g_autoptr(MqDataset) opened = NULL;
  g_autoptr(MqSummary) from_file = NULL, from_server = NULL;
  g_autoptr(GError) error = NULL;

  SKIP_WITHOUT_SERVER ();
  spec = g_strdup_printf ("pg:%s schema=%s", server (), f->schema);
  opened = mq_dataset_load (spec, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mq_parcels_get_n_parcels (mq_dataset_get_parcels (opened)), ==,
                    mq_parcels_get_n_parcels (mq_dataset_get_parcels (f->dataset)));
  from_file = mq_summary_new (f->dataset, mq_today ());
  from_server = mq_summary_new (opened, mq_today ());
  g_assert_cmpfloat_with_epsilon (from_server->area_m2, from_file->area_m2, 1e-6);
  g_assert_cmpuint (from_server->flagged_parcels, ==, from_file->flagged_parcels);
  g_assert_cmpuint (from_server->overdue, ==, from_file->overdue);
  g_assert_cmpuint (mq_dataset_get_reference (opened)->kind->len, ==,
                    mq_dataset_get_reference (f->dataset)->kind->len);
  /* Its name never carries a password. */
  g_assert_null (strstr (mq_dataset_get_path (opened), "password"));

  wrong = g_strdup_printf ("pg:%s password=zz-secret schema=nothing_here", server ());
  g_assert_null (mq_dataset_load (wrong, NULL, NULL, &error));
  g_assert_nonnull (strstr (error->message, "no project is published there"));
  g_assert_null (strstr (error->message, "zz-secret"));
}

/* The four-lock rules hold for any client, psql included. */
static void
test_rules (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *no_project = NULL, *undated = NULL, *no_entity = NULL, *ok = NULL;

  SKIP_WITHOUT_SERVER ();
  no_project = refused (f->conn, "UPDATE parcels SET lock_project = 1, lock_project_date = current_date,"
                                 " project = NULL WHERE fid = 1");
  g_assert_nonnull (strstr (no_project, "mq_lock_project_pins_project"));
  undated = refused (f->conn, "UPDATE parcels SET lock_parcel = 1, lock_parcel_date = NULL WHERE fid = 2");
  g_assert_nonnull (strstr (undated, "mq_held_locks_dated"));
  no_entity = refused (f->conn, "UPDATE parcels SET lock_owner = 1, lock_owner_date = current_date,"
                                " responsible_entity = '  ' WHERE fid = 3");
  g_assert_nonnull (strstr (no_entity, "mq_lock_owner_pins_entity"));
  exec_ok (f->conn, "UPDATE parcels SET responsible_entity = '马桥镇城运中心', lock_owner = 1,"
                    " lock_owner_date = current_date WHERE fid = 3");
  ok = value (f->conn, "SELECT lock_owner FROM parcels WHERE fid = 3");
  g_assert_cmpstr (ok, ==, "1");
}

/* An edit made with psql bumps the version, is in the history under the
 * database user, and is announced to every listener. */
static void
test_history_and_notify (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(PGconn) listener = NULL;
  g_autofree char *before = NULL, *after = NULL, *history = NULL, *who = NULL, *expected = NULL;
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  PGnotify *note = NULL;

  SKIP_WITHOUT_SERVER ();
  listener = connect_or_fail ();
  exec_ok (listener, "LISTEN mq_parcels");
  before = value (f->conn, "SELECT row_version FROM parcels WHERE fid = 7");
  exec_ok (f->conn, "UPDATE parcels SET notes = '会上确认' WHERE fid = 7");
  after = value (f->conn, "SELECT row_version FROM parcels WHERE fid = 7");
  g_assert_cmpint (g_ascii_strtoll (after, NULL, 10), ==, g_ascii_strtoll (before, NULL, 10) + 1);

  history = value (f->conn, "SELECT field || '|' || coalesce(old_value, '') || '|' || new_value"
                            " || '|' || action FROM lock_history WHERE fid = 7 ORDER BY id DESC LIMIT 1");
  g_assert_true (g_str_has_prefix (history, "notes|"));
  g_assert_true (g_str_has_suffix (history, "|会上确认|sql"));
  who = value (f->conn, "SELECT db_user FROM lock_history WHERE fid = 7 ORDER BY id DESC LIMIT 1");
  g_assert_cmpstr (who, ==, PQuser (f->conn));

  /* The listener hears "fid:row_version". */
  while (note == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      PQconsumeInput (listener);
      note = PQnotifies (listener);
      if (note == NULL)
        {
          int fd = PQsocket (listener);
          GPollFD poll_fd = { fd, G_IO_IN, 0 };

          g_poll (&poll_fd, 1, 1000);
        }
    }
  expected = g_strdup_printf ("7:%s", after);
  g_assert_cmpstr (note->relname, ==, "mq_parcels");
  g_assert_cmpstr (note->extra, ==, expected);
  PQfreemem (note);
}

/* A planner (a member of mq_editor) changes status columns only, and cannot
 * write the history by hand. */
static void
test_permissions (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *geometry = NULL, *history = NULL, *notes = NULL;

  SKIP_WITHOUT_SERVER ();
  exec_ok (f->conn, "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'mq_test_planner')"
                    " THEN CREATE ROLE mq_test_planner IN ROLE mq_editor; END IF; END $$");
  exec_ok (f->conn, "SET ROLE mq_test_planner");
  geometry = refused (f->conn, "UPDATE parcels SET parcel_id = 'X' WHERE fid = 1");
  g_assert_nonnull (strstr (geometry, "permission denied"));
  history = refused (f->conn, "INSERT INTO lock_history (field, action, row_version) VALUES ('x', 'y', 1)");
  g_assert_nonnull (strstr (history, "permission denied"));
  exec_ok (f->conn, "UPDATE parcels SET notes = '规划科' WHERE fid = 1");
  notes = value (f->conn, "SELECT count(*) FROM lock_history WHERE fid = 1 AND new_value = '规划科'");
  g_assert_cmpstr (notes, ==, "1");
  exec_ok (f->conn, "RESET ROLE");
}

/* A project with a past (the sample's history: dates, batches, planners'
 * Chinese names) is published with every row of it, as it was — each
 * row's date and number used to be read from one reused buffer. */
static void
test_publish_history (void)
{
  g_autofree char *dir = NULL, *gpkg = NULL, *count = NULL, *names = NULL, *first = NULL;
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(GError) error = NULL;
  GDALDatasetH ds;
  GIntBig rows;

  SKIP_WITHOUT_SERVER ();
  dir = g_dir_make_tmp ("mq-server-XXXXXX", NULL);
  gpkg = test_copy_sample_with_history (dir, "有历史.gpkg");
  ds = GDALOpenEx (gpkg, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
  rows = OGR_L_GetFeatureCount (GDALDatasetGetLayerByName (ds, "lock_history"), TRUE);
  GDALClose (ds);
  g_assert_cmpint (rows, >, 100);
  conn = connect_or_fail ();
  exec_ok (conn, "DROP SCHEMA IF EXISTS mq_test_history CASCADE");
  g_assert_true (mq_server_publish (gpkg, server (), "mq_test_history", &error));
  g_assert_no_error (error);
  count = value (conn, "SELECT count(*) FROM mq_test_history.lock_history");
  g_assert_cmpint (g_ascii_strtoll (count, NULL, 10), ==, rows);
  names = value (conn, "SELECT string_agg (DISTINCT db_user, ',' ORDER BY db_user) FROM mq_test_history.lock_history");
  g_assert_nonnull (strstr (names, "规划科"));
  first = value (conn, "SELECT to_char (min (changed_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
                       " FROM mq_test_history.lock_history");
  g_assert_cmpstr (first, ==, "2019-06-28");
  exec_ok (conn, "DROP SCHEMA mq_test_history CASCADE");
  test_remove_dir (dir);
}

/* Refusals name the file or the server, never a password; a failed publish
 * leaves no schema behind. */
static void
test_refusals (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL, *survey = NULL, *gpkg = NULL, *bad = NULL, *left = NULL;
  g_autoptr(PGconn) conn = NULL;

  SKIP_WITHOUT_SERVER ();
  dir = g_dir_make_tmp ("mq-server-XXXXXX", NULL);
  survey = g_build_filename (dir, "survey.geojson", NULL);
  g_assert_true (g_file_set_contents (survey, "{\"type\":\"FeatureCollection\",\"features\":[]}", -1, NULL));
  g_assert_false (mq_server_publish (survey, server (), "mq_test_refused", &error));
  g_assert_error (error, MQ_SERVER_ERROR, MQ_SERVER_ERROR_NOT_A_PROJECT);
  g_clear_error (&error);

  gpkg = test_copy_sample (dir, "p.gpkg");
  g_assert_false (mq_server_publish (gpkg, "host=/nonexistent dbname=nowhere password=s3cret-word",
                                     NULL, &error));
  g_assert_error (error, MQ_SERVER_ERROR, MQ_SERVER_ERROR_CONNECT);
  g_assert_null (strstr (error->message, "s3cret-word"));
  g_assert_nonnull (strstr (error->message, "dbname=nowhere"));
  g_clear_error (&error);

  /* A database without PostGIS: refused before anything is written. */
  conn = connect_or_fail ();
  exec_ok (conn, "DROP DATABASE IF EXISTS mq_test_plain");
  exec_ok (conn, "CREATE DATABASE mq_test_plain");
  bad = g_strdup_printf ("%s dbname=mq_test_plain", server ());
  g_assert_false (mq_server_publish (gpkg, bad, "mq_test_refused", &error));
  g_assert_nonnull (strstr (error->message, "PostGIS"));
  left = value (conn, "SELECT count(*) FROM pg_namespace WHERE nspname = 'mq_test_refused'");
  g_assert_cmpstr (left, ==, "0");
  exec_ok (conn, "DROP DATABASE mq_test_plain");
  test_remove_dir (dir);
}


/* ---- the PostgreSQL store ---- */

/* "pg:CONNINFO [extra] schema=NAME", as a person types it. */
static MqDataset *
load_server (Fixture    *f,
             const char *extra)
{
  g_autofree char *spec = g_strdup_printf ("pg:%s %s schema=%s", server (), extra ? extra : "",
                                           f->schema);
  g_autoptr(GError) error = NULL;
  MqDataset *dataset = mq_dataset_load (spec, NULL, NULL, &error);

  g_assert_no_error (error);
  return dataset;
}

static MqStore *
open_store (MqDataset *dataset)
{
  g_autoptr(GError) error = NULL;
  MqStore *store = mq_store_open (dataset, &error);

  g_assert_no_error (error);
  g_assert_true (mq_store_is_online (store));
  g_assert_false (mq_store_is_read_only (store));
  return store;
}

static guint
index_of_fid (MqDataset *dataset,
              gint64     fid)
{
  MqParcels *parcels = mq_dataset_get_parcels (dataset);

  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    if (mq_parcels_get_fid (parcels, i) == fid)
      return i;
  g_assert_not_reached ();
}

static const MqParcel *
parcel_of_fid (MqDataset *dataset,
               gint64     fid)
{
  return mq_parcels_get (mq_dataset_get_parcels (dataset), index_of_fid (dataset, fid));
}

static gboolean
apply_one (MqStore     *store,
           gint64       fid,
           MqField      field,
           const char  *value,
           GError     **error)
{
  g_autoptr(MqEdit) edit = mq_edit_new (MQ_EDIT_ACTION_EDIT);

  mq_edit_set (edit, index_of_fid (mq_store_get_dataset (store), fid), field, value, 0);
  return mq_store_apply (store, edit, error);
}

static gboolean
tick (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the main loop until @done says so; a minute at most (a loaded
 * machine, a sanitizer), never a fixed sleep. */
/* The name a store announces for this test's user (core/mq-pg-store.c). */
static const char *
announced_name (void)
{
  const char *real = g_get_real_name ();

  return real != NULL && *real != '\0' && g_strcmp0 (real, "Unknown") != 0 ? real
                                                                         : g_get_user_name ();
}

static void
wait_for (gboolean (*done) (gpointer data),
          gpointer  data)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  guint ticker = g_timeout_add (50, tick, NULL);

  while (!done (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("timed out waiting");
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (ticker);
}

typedef struct
{
  MqDataset  *dataset;
  gint64      fid;
  const char *notes;
} NotesAre;

static gboolean
notes_are (gpointer data)
{
  NotesAre *w = data;

  return g_strcmp0 (parcel_of_fid (w->dataset, w->fid)->details->notes, w->notes) == 0;
}

typedef struct
{
  GPtrArray *entries;   /* MqHistoryEntry, borrowed */
  guint      online_changes;
  gboolean   online;
} Heard;

static void
on_changed_remotely (MqStore   *store,
                     GPtrArray *entries,
                     Heard     *heard)
{
  for (guint i = 0; i < entries->len; i++)
    {
      const MqHistoryEntry *e = g_ptr_array_index (entries, i);
      MqHistoryEntry *copy = g_new0 (MqHistoryEntry, 1);

      copy->user = g_strdup (e->user);
      copy->field = g_strdup (e->field);
      copy->new_value = g_strdup (e->new_value);
      copy->changed_at = g_strdup (e->changed_at);
      g_ptr_array_add (heard->entries, copy);
    }
}

/* After an UPDATE the server returns rows in another order: the store keys
 * parcels by fid, never by their place. */
static void
test_store_keyed_by_fid (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(MqDataset) dataset = NULL;
  g_autoptr(MqStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL, *second = NULL;

  SKIP_WITHOUT_SERVER ();
  exec_ok (f->conn, "UPDATE parcels SET notes = '先改' WHERE fid = 1");
  dataset = load_server (f, NULL);
  g_assert_cmpuint (index_of_fid (dataset, 1), !=, 0);
  store = open_store (dataset);
  g_assert_true (apply_one (store, 1, MQ_FIELD_CONTACT, "一号", &error));
  g_assert_no_error (error);
  g_assert_true (apply_one (store, 2, MQ_FIELD_CONTACT, "二号", &error));
  g_assert_no_error (error);
  first = value (f->conn, "SELECT contact || '|' || notes FROM parcels WHERE fid = 1");
  g_assert_cmpstr (first, ==, "一号|先改");
  second = value (f->conn, "SELECT contact FROM parcels WHERE fid = 2");
  g_assert_cmpstr (second, ==, "二号");
}

/* Two planners on one parcel: different fields merge, the same field is a
 * conflict with base, mine, theirs, who and when; nothing is lost. */
static void
test_store_merge_and_conflict (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(MqDataset) da = NULL, db = NULL;
  g_autoptr(MqStore) a = NULL, b = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *row = NULL, *history = NULL, *version = NULL;
  Heard heard = { g_ptr_array_new_with_free_func ((GDestroyNotify) mq_history_entry_free), 0, TRUE };
  const MqConflict *c;

  SKIP_WITHOUT_SERVER ();
  da = load_server (f, NULL);
  db = load_server (f, NULL);
  a = open_store (da);
  b = open_store (db);
  g_signal_connect (b, "changed-remotely", G_CALLBACK (on_changed_remotely), &heard);
  g_assert_true (apply_one (a, 5, MQ_FIELD_NOTES, "甲的备注", &error));
  g_assert_no_error (error);
  g_assert_cmpint (parcel_of_fid (da, 5)->row_version, ==, 2);
  /* b has not heard of it (its main loop did not run): merged on the server. */
  g_assert_true (apply_one (b, 5, MQ_FIELD_CONTACT, "乙", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (parcel_of_fid (db, 5)->details->notes, ==, "甲的备注");
  g_assert_cmpint (parcel_of_fid (db, 5)->row_version, ==, 3);
  /* What was merged in is told as another planner's change. */
  g_assert_cmpuint (heard.entries->len, ==, 1);
  g_assert_cmpstr (((MqHistoryEntry *) g_ptr_array_index (heard.entries, 0))->new_value, ==, "甲的备注");
  row = value (f->conn, "SELECT notes || '|' || contact || '|' || row_version FROM parcels WHERE fid = 5");
  g_assert_cmpstr (row, ==, "甲的备注|乙|3");
  history = value (f->conn, "SELECT string_agg (field || ':' || action || ':' || db_user, ',' ORDER BY id)"
                            " FROM lock_history WHERE fid = 5");
  g_assert_nonnull (strstr (history, "notes:edit:"));
  g_assert_nonnull (strstr (history, "contact:edit:"));

  /* The same field: refused, theirs shown, then stored over theirs. */
  g_assert_true (apply_one (a, 5, MQ_FIELD_NOTES, "甲改了", &error));
  g_assert_false (apply_one (b, 5, MQ_FIELD_NOTES, "乙改了", &error));
  g_assert_error (error, MQ_STORE_ERROR, MQ_STORE_ERROR_CONFLICT);
  g_clear_error (&error);
  g_assert_cmpuint (mq_store_get_conflicts (b)->len, ==, 1);
  c = g_ptr_array_index (mq_store_get_conflicts (b), 0);
  g_assert_cmpint (c->field, ==, MQ_FIELD_NOTES);
  g_assert_cmpstr (c->base, ==, "甲的备注");
  g_assert_cmpstr (c->mine, ==, "乙改了");
  g_assert_cmpstr (c->theirs, ==, "甲改了");
  /* Who: the name the other planner's window announced, not its login. */
  g_assert_cmpstr (c->who, ==, announced_name ());
  g_assert_nonnull (c->when);
  g_assert_true (g_str_has_suffix (c->when, "Z"));
  g_assert_cmpstr (parcel_of_fid (db, 5)->details->notes, ==, "甲改了");
  g_assert_cmpuint (heard.entries->len, ==, 2);
  version = value (f->conn, "SELECT notes FROM parcels WHERE fid = 5");
  g_assert_cmpstr (version, ==, "甲改了");
  g_assert_true (apply_one (b, 5, MQ_FIELD_NOTES, "乙改了", &error));
  g_assert_no_error (error);
  g_clear_pointer (&version, g_free);
  version = value (f->conn, "SELECT notes FROM parcels WHERE fid = 5");
  g_assert_cmpstr (version, ==, "乙改了");
  /* Undo is an edit like any other, recorded as such. */
  g_assert_true (mq_store_undo (b, &error));
  g_assert_no_error (error);
  g_clear_pointer (&version, g_free);
  version = value (f->conn, "SELECT notes || '|' || (SELECT action FROM lock_history WHERE fid = 5"
                            " ORDER BY id DESC LIMIT 1) FROM parcels WHERE fid = 5");
  g_assert_cmpstr (version, ==, "甲改了|undo");
  g_assert_cmpuint (heard.entries->len, ==, 2);
  g_ptr_array_unref (heard.entries);
}

static void
on_online_changed (MqStore  *store,
                   gboolean  online,
                   Heard    *heard)
{
  heard->online_changes++;
  heard->online = online;
}

typedef struct
{
  Heard *heard;
  guint  n;
} HeardCount;

static gboolean
heard_enough (gpointer data)
{
  HeardCount *w = data;

  return w->heard->entries->len >= w->n;
}

static gboolean
heard_online (gpointer data)
{
  return ((Heard *) data)->online;
}

static gboolean
heard_offline (gpointer data)
{
  return !((Heard *) data)->online;
}

static void
kill_store_sessions (PGconn *conn)
{
  exec_ok (conn, "SELECT pg_terminate_backend (pid) FROM pg_stat_activity"
                 " WHERE application_name = 'maqiao-land' AND pid <> pg_backend_pid ()");
}

/* An edit made with psql reaches an open store by NOTIFY (in the parcels
 * and as history entries, in count and order), also after a reconnect. */
static void
test_store_live (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(MqDataset) dataset = NULL;
  g_autoptr(MqStore) store = NULL;
  Heard heard = { g_ptr_array_new_with_free_func ((GDestroyNotify) mq_history_entry_free), 0, TRUE };
  NotesAre notes = { NULL, 7, "会上确认" };
  HeardCount count = { &heard, 1 };
  static const gint64 fids[] = { 2, 3, 2, 4, 5 };

  SKIP_WITHOUT_SERVER ();
  dataset = load_server (f, NULL);
  store = open_store (dataset);
  g_signal_connect (store, "changed-remotely", G_CALLBACK (on_changed_remotely), &heard);
  g_signal_connect (store, "online-changed", G_CALLBACK (on_online_changed), &heard);
  exec_ok (f->conn, "UPDATE parcels SET notes = '会上确认' WHERE fid = 7");
  notes.dataset = dataset;
  wait_for (notes_are, &notes);
  g_assert_cmpint (parcel_of_fid (dataset, 7)->row_version, ==, 2);
  wait_for (heard_enough, &count);
  {
    const MqHistoryEntry *e = g_ptr_array_index (heard.entries, 0);

    g_assert_cmpstr (e->user, ==, PQuser (f->conn));
    g_assert_cmpstr (e->field, ==, "notes");
    g_assert_cmpstr (e->new_value, ==, "会上确认");
  }

  /* Five edits, one after the other: five entries, in their order. */
  for (guint i = 0; i < G_N_ELEMENTS (fids); i++)
    {
      g_autofree char *sql = g_strdup_printf ("UPDATE parcels SET notes = 'n%u' WHERE fid = %"
                                              G_GINT64_FORMAT, i, fids[i]);

      exec_ok (f->conn, sql);
    }
  count.n = 1 + G_N_ELEMENTS (fids);
  wait_for (heard_enough, &count);
  g_assert_cmpuint (heard.entries->len, ==, count.n);
  for (guint i = 0; i < G_N_ELEMENTS (fids); i++)
    {
      g_autofree char *expected = g_strdup_printf ("n%u", i);

      g_assert_cmpstr (((MqHistoryEntry *) g_ptr_array_index (heard.entries, i + 1))->new_value, ==,
                       expected);
    }
  g_assert_cmpstr (parcel_of_fid (dataset, 2)->details->notes, ==, "n2");

  /* The server drops us: offline, then back by itself, and hearing again. */
  kill_store_sessions (f->conn);
  wait_for (heard_offline, &heard);
  g_assert_false (mq_store_is_online (store));
  wait_for (heard_online, &heard);
  g_assert_cmpuint (heard.online_changes, ==, 2);
  exec_ok (f->conn, "UPDATE parcels SET notes = '重连以后' WHERE fid = 7");
  notes.notes = "重连以后";
  wait_for (notes_are, &notes);
  count.n++;
  wait_for (heard_enough, &count);
  /* Our own edit is no news; the next one of psql's is. */
  {
    g_autoptr(GError) error = NULL;

    g_assert_true (apply_one (store, 11, MQ_FIELD_NOTES, "我们自己的", &error));
    g_assert_no_error (error);
    exec_ok (f->conn, "UPDATE parcels SET notes = '别人的' WHERE fid = 12");
    count.n++;
    wait_for (heard_enough, &count);
    g_assert_cmpstr (((MqHistoryEntry *) g_ptr_array_index (heard.entries, count.n - 1))->new_value,
                     ==, "别人的");
  }
  g_ptr_array_unref (heard.entries);
}

typedef struct
{
  MqStore *store;
  int      parcel;    /* the parcel someone else has open, or -1: none */
} EditorsAre;

static gboolean
editors_are (gpointer data)
{
  EditorsAre *w = data;
  g_autoptr(GPtrArray) editors = mq_store_list_editors (w->store);

  if (w->parcel < 0)
    return editors->len == 0;
  return editors->len == 1 && ((MqEditor *) g_ptr_array_index (editors, 0))->parcel == (guint) w->parcel;
}

/* A parcel open in one window shows in the other, with the planner's name,
 * and goes when the first closes the project. */
static void
test_store_presence (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(MqDataset) da = NULL, db = NULL;
  g_autoptr(MqStore) a = NULL, b = NULL;
  EditorsAre wait = { NULL, -1 };
  g_autoptr(GPtrArray) editors = NULL;
  const MqEditor *e;

  SKIP_WITHOUT_SERVER ();
  da = load_server (f, NULL);
  db = load_server (f, NULL);
  a = open_store (da);
  b = open_store (db);
  mq_store_set_editing (a, (int) index_of_fid (da, 9));
  wait.store = b;
  wait.parcel = (int) index_of_fid (db, 9);
  wait_for (editors_are, &wait);
  editors = mq_store_list_editors (b);
  e = g_ptr_array_index (editors, 0);
  g_assert_nonnull (e->display_name);
  g_assert_cmpstr (e->db_user, ==, PQuser (f->conn));
  /* Our own parcel is not someone else's. */
  wait.store = a;
  wait.parcel = -1;
  g_assert_true (editors_are (&wait));

  mq_store_set_editing (a, (int) index_of_fid (da, 10));
  wait.store = b;
  wait.parcel = (int) index_of_fid (db, 10);
  wait_for (editors_are, &wait);
  /* Both on one parcel: each sees the other. */
  mq_store_set_editing (b, (int) index_of_fid (db, 10));
  wait.store = a;
  wait.parcel = (int) index_of_fid (da, 10);
  wait_for (editors_are, &wait);
  wait.store = b;
  wait.parcel = (int) index_of_fid (db, 10);
  wait_for (editors_are, &wait);
  mq_store_set_editing (b, -1);
  g_clear_object (&a);
  wait.parcel = -1;
  wait_for (editors_are, &wait);
}

/* The server's refusals, said as such: a column this user may not change,
 * a row row-level security hides, a row deleted, a rule of the server's. */
static void
test_store_refusals (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(MqDataset) dataset = NULL;
  g_autoptr(MqStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *user = NULL;

  SKIP_WITHOUT_SERVER ();
  exec_ok (f->conn, "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'mq_test_login')"
                    " THEN CREATE ROLE mq_test_login LOGIN IN ROLE mq_editor; END IF; END $$");
  dataset = load_server (f, "user=mq_test_login");
  store = open_store (dataset);
  g_assert_true (apply_one (store, 3, MQ_FIELD_NOTES, "可以", &error));
  g_assert_no_error (error);
  user = value (f->conn, "SELECT db_user FROM lock_history WHERE fid = 3 ORDER BY id DESC LIMIT 1");
  g_assert_cmpstr (user, ==, "mq_test_login");

  exec_ok (f->conn, "REVOKE UPDATE (contact) ON parcels FROM mq_editor");
  g_assert_false (apply_one (store, 3, MQ_FIELD_CONTACT, "不行", &error));
  g_assert_error (error, MQ_STORE_ERROR, MQ_STORE_ERROR_NOT_PERMITTED);
  g_clear_error (&error);
  exec_ok (f->conn, "GRANT UPDATE (contact) ON parcels TO mq_editor");

  exec_ok (f->conn, "ALTER TABLE parcels ENABLE ROW LEVEL SECURITY");
  exec_ok (f->conn, "CREATE POLICY mq_test_hide ON parcels USING (fid <> 4)");
  g_assert_false (apply_one (store, 4, MQ_FIELD_NOTES, "看不见", &error));
  g_assert_error (error, MQ_STORE_ERROR, MQ_STORE_ERROR_NOT_PERMITTED);
  g_assert_nonnull (strstr (error->message, parcel_of_fid (dataset, 4)->id));
  g_clear_error (&error);
  exec_ok (f->conn, "ALTER TABLE parcels DISABLE ROW LEVEL SECURITY");

  exec_ok (f->conn, "DELETE FROM parcels WHERE fid = 6");
  g_assert_false (apply_one (store, 6, MQ_FIELD_NOTES, "没了", &error));
  g_assert_error (error, MQ_STORE_ERROR, MQ_STORE_ERROR_CHANGED);
  g_clear_error (&error);

  exec_ok (f->conn, "ALTER TABLE parcels ADD CONSTRAINT mq_test_short_notes CHECK (length (notes) < 10)");
  g_assert_false (apply_one (store, 3, MQ_FIELD_NOTES, "这条备注写得实在是太长了一点", &error));
  g_assert_error (error, MQ_STORE_ERROR, MQ_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "mq_test_short_notes"));
  g_clear_error (&error);
  g_assert_true (mq_store_is_online (store));
  g_assert_cmpstr (parcel_of_fid (dataset, 3)->details->notes, ==, "可以");
}

/* A user the server lets read but not change: the project opens read-only,
 * saying why. */
static void
test_store_read_only (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(MqDataset) dataset = NULL;
  g_autoptr(MqStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *grant = NULL;

  SKIP_WITHOUT_SERVER ();
  exec_ok (f->conn, "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'mq_test_reader')"
                    " THEN CREATE ROLE mq_test_reader LOGIN; END IF; END $$");
  grant = g_strdup_printf ("GRANT USAGE ON SCHEMA %s TO mq_test_reader;"
                           " GRANT SELECT ON ALL TABLES IN SCHEMA %s TO mq_test_reader",
                           f->schema, f->schema);
  exec_ok (f->conn, grant);
  dataset = load_server (f, "user=mq_test_reader");
  store = mq_store_open (dataset, &error);
  g_assert_no_error (error);
  g_assert_true (mq_store_is_read_only (store));
  g_assert_nonnull (strstr (mq_store_get_read_only_reason (store), "may read"));
  g_assert_false (apply_one (store, 3, MQ_FIELD_NOTES, "不行", &error));
  g_assert_error (error, MQ_STORE_ERROR, MQ_STORE_ERROR_READ_ONLY);
}

/* A project published by version 1 (no performance per mu): a planner
 * reads it, read-only and told why; its owner's open upgrades it, and a
 * class written then is kept and recorded like any status. */
static void
test_store_upgrade (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(MqDataset) planner = NULL, owner = NULL;
  g_autoptr(MqStore) read_only = NULL, store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) older = g_string_new ("ALTER TABLE parcels DROP CONSTRAINT mq_performance_figures,"
                                           " DROP CONSTRAINT mq_performance_flags,"
                                           " DROP CONSTRAINT mq_performance_grade,"
                                           " DROP CONSTRAINT mq_credit_code_shape");
  g_autofree char *version = NULL, *grade = NULL, *history = NULL, *grant = NULL;

  SKIP_WITHOUT_SERVER ();
  for (guint field = MQ_FIELD_CREDIT_CODE; field < MQ_N_FIELDS; field++)
    g_string_append_printf (older, ", DROP COLUMN %s", mq_field_info (field)->key);
  exec_ok (f->conn, older->str);
  exec_ok (f->conn, "UPDATE mq_project_settings SET value = '1' WHERE key = 'schema_version'");
  exec_ok (f->conn, "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'mq_test_editor')"
                    " THEN CREATE ROLE mq_test_editor LOGIN IN ROLE mq_editor; END IF; END $$");
  grant = g_strdup_printf ("GRANT USAGE ON SCHEMA %s TO mq_editor;"
                           " GRANT SELECT ON ALL TABLES IN SCHEMA %s TO mq_editor",
                           f->schema, f->schema);
  exec_ok (f->conn, grant);

  planner = load_server (f, "user=mq_test_editor");
  read_only = mq_store_open (planner, &error);
  g_assert_no_error (error);
  g_assert_true (mq_store_is_read_only (read_only));
  g_assert_nonnull (strstr (mq_store_get_read_only_reason (read_only), "older version"));
  version = value (f->conn, "SELECT value FROM mq_project_settings WHERE key = 'schema_version'");
  g_assert_cmpstr (version, ==, "1");
  g_clear_pointer (&version, g_free);

  owner = load_server (f, NULL);
  store = open_store (owner);
  version = value (f->conn, "SELECT value FROM mq_project_settings WHERE key = 'schema_version'");
  g_assert_cmpstr (version, ==, "2");
  g_assert_true (apply_one (store, 3, MQ_FIELD_GRADE, "d 类", &error));
  g_assert_no_error (error);
  grade = value (f->conn, "SELECT grade FROM parcels WHERE fid = 3");
  g_assert_cmpstr (grade, ==, "D");
  history = value (f->conn, "SELECT count(*) FROM lock_history WHERE fid = 3 AND field = 'grade'"
                            " AND new_value = 'D'");
  g_assert_cmpstr (history, ==, "1");
  /* The server keeps the rules too: a class that is none is refused. */
  g_free (refused (f->conn, "UPDATE parcels SET grade = 'E' WHERE fid = 3"));
}

static GDate
days_ago (guint n)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_julian (&date, mq_today () - n);
  return date;
}

/* A server project's past: a note set ten days ago and changed today reads
 * as it was five days ago, and as before both twenty days ago; "changes
 * since" five days ago is exactly today's change — read from the server's
 * history as a file's is read from its own. */
static void
test_store_as_of (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(MqDataset) dataset = NULL, later = NULL;
  g_autoptr(MqStore) store = NULL;
  g_autoptr(MqParcels) five = NULL, twenty = NULL;
  g_autoptr(MqChanges) changes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  GDate d5 = days_ago (5), d20 = days_ago (20);
  guint i;

  SKIP_WITHOUT_SERVER ();
  dataset = load_server (f, NULL);
  store = open_store (dataset);
  i = index_of_fid (dataset, 3);
  before = g_strdup (mq_parcels_get (mq_dataset_get_parcels (dataset), i)->details->notes);
  g_assert_true (apply_one (store, 3, MQ_FIELD_NOTES, "十天前的备注", &error));
  g_assert_true (apply_one (store, 3, MQ_FIELD_TAX, "120", &error));
  exec_ok (f->conn, "UPDATE lock_history SET changed_at = now () - interval '10 days'");
  g_assert_true (apply_one (store, 3, MQ_FIELD_NOTES, "今天的备注", &error));
  g_assert_no_error (error);
  g_clear_object (&store);

  later = load_server (f, NULL);
  /* Rows come back in the server's order: the parcel is found by fid. */
  i = index_of_fid (later, 3);
  five = mq_dataset_dup_rewound (later, &d5, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mq_parcels_get (five, i)->details->notes, ==, "十天前的备注");
  g_assert_cmpfloat (mq_parcels_get (five, i)->details->tax, ==, 120);
  twenty = mq_dataset_dup_rewound (later, &d20, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mq_parcels_get (twenty, i)->details->notes, ==, before);
  g_assert_true (isnan (mq_parcels_get (twenty, i)->details->tax));

  changes = mq_changes_since (later, &d5, mq_today (), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mq_changes_get_changed (changes)->len, ==, 1);
  g_assert_cmpuint (g_array_index (mq_changes_get_changed (changes), MqChangedParcel, 0).parcel, ==, i);
  g_assert_cmphex (g_array_index (mq_changes_get_changed (changes), MqChangedParcel, 0).fields, ==,
                   G_GUINT64_CONSTANT (1) << MQ_FIELD_NOTES);
}

/* Settings are shared through the server; the schema version is not one. */
static void
test_store_settings (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(MqDataset) dataset = NULL;
  g_autoptr(MqStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL, *stored = NULL, *all = NULL;

  SKIP_WITHOUT_SERVER ();
  dataset = load_server (f, "password=zz-secret");
  store = open_store (dataset);
  title = mq_store_dup_setting (store, "title");
  g_assert_nonnull (title);
  g_assert_true (mq_store_set_setting (store, "saved_views", "[{\"name\":\"东片\"}]", &error));
  g_assert_no_error (error);
  stored = value (f->conn, "SELECT value FROM mq_project_settings WHERE key = 'saved_views'");
  g_assert_cmpstr (stored, ==, "[{\"name\":\"东片\"}]");
  g_assert_false (mq_store_set_setting (store, "schema_version", "99", &error));
  g_assert_error (error, MQ_STORE_ERROR, MQ_STORE_ERROR_NOT_PERMITTED);
  g_clear_error (&error);
  all = value (f->conn, "SELECT string_agg (key || value, ' ') FROM mq_project_settings");
  g_assert_null (strstr (all, "zz-secret"));
  g_assert_null (strstr (mq_store_get_path (store), "zz-secret"));
}

typedef struct
{
  char   *conninfo;
  char   *schema;
  gint64  fid;
} Killer;

/* Waits (on its own connection) for the store's edit to wait for the row
 * the test holds, then ends that session: the connection dies mid-edit. */
static gpointer
kill_when_waiting (gpointer data)
{
  Killer *k = data;
  g_autoptr(PGconn) conn = PQconnectdb (k->conninfo);
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr(PGresult) r =
        PQexec (conn, "SELECT pg_terminate_backend (pid) FROM pg_stat_activity"
                      " WHERE application_name = 'maqiao-land' AND wait_event_type = 'Lock'");

      if (PQresultStatus (r) == PGRES_TUPLES_OK && PQntuples (r) > 0)
        return GINT_TO_POINTER (TRUE);
      g_usleep (20 * 1000);   /* polling the server for a state, not waiting for time */
    }
  return GINT_TO_POINTER (FALSE);
}

/* The connection dies in the middle of an edit: refused as offline,
 * nothing stored, "online-changed" FALSE, then back by itself. */
static void
test_store_offline (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(MqDataset) dataset = NULL;
  g_autoptr(MqStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *notes = NULL;
  Heard heard = { NULL, 0, TRUE };
  Killer killer = { (char *) server (), f->schema, 8 };
  GThread *thread;

  SKIP_WITHOUT_SERVER ();
  dataset = load_server (f, NULL);
  store = open_store (dataset);
  g_signal_connect (store, "online-changed", G_CALLBACK (on_online_changed), &heard);
  exec_ok (f->conn, "BEGIN");
  exec_ok (f->conn, "SELECT 1 FROM parcels WHERE fid = 8 FOR UPDATE");
  thread = g_thread_new ("killer", kill_when_waiting, &killer);
  g_assert_false (apply_one (store, 8, MQ_FIELD_NOTES, "断线了", &error));
  g_assert_true (g_thread_join (thread));
  g_assert_error (error, MQ_STORE_ERROR, MQ_STORE_ERROR_OFFLINE);
  g_clear_error (&error);
  exec_ok (f->conn, "ROLLBACK");
  g_assert_false (mq_store_is_online (store));
  g_assert_false (heard.online);
  /* Offline, an edit is refused at once: nothing is queued. */
  g_assert_false (apply_one (store, 8, MQ_FIELD_NOTES, "还是断线", &error));
  g_assert_error (error, MQ_STORE_ERROR, MQ_STORE_ERROR_OFFLINE);
  g_clear_error (&error);
  notes = value (f->conn, "SELECT coalesce (notes, '') FROM parcels WHERE fid = 8");
  g_assert_cmpstr (notes, !=, "断线了");
  wait_for (heard_online, &heard);
  g_assert_true (apply_one (store, 8, MQ_FIELD_NOTES, "又连上了", &error));
  g_assert_no_error (error);
}


/* Runs maqiao-land (no shell); its exit status, output and errors. */
static int
run_cli (char       **out,
         char       **err,
         const char  *first,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *arg = first;
  int wait_status = 0;
  va_list args;

  g_ptr_array_add (argv, (char *) g_getenv ("MQ_BINARY"));
  va_start (args, first);
  for (; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, err,
                &wait_status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  return WEXITSTATUS (wait_status);
}

static gboolean
file_contains (const char *path,
               const char *text)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  gsize n = strlen (text);

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  /* Byte by byte: a PDF holds NULs. */
  for (gsize i = 0; i + n <= length; i++)
    if (memcmp (contents + i, text, n) == 0)
      return TRUE;
  return FALSE;
}

/* The command line on a server project: the same figures as the file it
 * was published from, a status table applied (recorded as "csv"), exports
 * that never carry the password. */
static void
test_cli (Fixture       *f,
          gconstpointer  data)
{
  g_autofree char *spec = NULL, *csv = NULL, *updates = NULL, *table = NULL, *pdf = NULL;
  g_autofree char *id = NULL, *stored = NULL;
  g_autofree char *out = NULL, *err = NULL, *file_out = NULL, *file_err = NULL;
  g_autofree char *server_json = NULL, *file_json = NULL;

  SKIP_WITHOUT_SERVER ();
  spec = g_strdup_printf ("pg:%s password=zz-secret schema=%s", server (), f->schema);
  g_assert_cmpint (run_cli (&out, &err, spec, "--summary", "--json", NULL), ==, 0);
  g_assert_cmpint (run_cli (&file_out, &file_err, f->gpkg, "--summary", "--json", NULL), ==, 0);
  g_assert_null (strstr (out, "zz-secret"));
  /* All but the line naming the source. */
  server_json = g_strdup (strstr (out, "\n  \"file\"") ? strchr (strstr (out, "\n  \"file\"") + 1, '\n') : out);
  file_json = g_strdup (strstr (file_out, "\n  \"file\"") ? strchr (strstr (file_out, "\n  \"file\"") + 1, '\n') : file_out);
  g_assert_cmpstr (server_json, ==, file_json);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  id = value (f->conn, "SELECT parcel_id FROM parcels WHERE fid = 3");
  updates = g_build_filename (f->dir, "updates.csv", NULL);
  table = g_strdup_printf ("parcel_id,notes\n%s,命令行改的\n", id);
  g_assert_true (g_file_set_contents (updates, table, -1, NULL));
  g_assert_cmpint (run_cli (&out, &err, spec, "--apply-csv", updates, NULL), ==, 0);
  g_assert_null (strstr (out, "zz-secret"));
  g_assert_null (strstr (err, "zz-secret"));
  stored = value (f->conn, "SELECT notes || '|' || (SELECT action FROM lock_history WHERE fid = 3"
                           " ORDER BY id DESC LIMIT 1) FROM parcels WHERE fid = 3");
  g_assert_cmpstr (stored, ==, "命令行改的|csv");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  csv = g_build_filename (f->dir, "table.csv", NULL);
  pdf = g_build_filename (f->dir, "report.pdf", NULL);
  g_assert_cmpint (run_cli (&out, &err, spec, "--export-csv", csv, NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (&out, &err, spec, "--export-pdf", pdf, NULL), ==, 0);
  g_assert_true (file_contains (csv, "命令行改的"));
  g_assert_false (file_contains (csv, "zz-secret"));
  g_assert_false (file_contains (pdf, "zz-secret"));
  g_assert_null (strstr (out, "zz-secret"));
  g_assert_null (strstr (err, "zz-secret"));
}

/* Every row of each query, as text: what "the same project" means. */
static char *
dump_server (PGconn *conn)
{
  static const char *const queries[] = {
    "SELECT * FROM parcels ORDER BY fid",
    "SELECT changed_at, db_user, display_name, fid, parcel_id, field, old_value, new_value, action, batch,"
    " row_version FROM lock_history ORDER BY id",
    "SELECT relname FROM pg_class WHERE relnamespace = current_schema ()::regnamespace ORDER BY 1",
    "SELECT conname, pg_get_constraintdef (oid) FROM pg_constraint WHERE conrelid = 'parcels'::regclass ORDER BY 1",
    "SELECT relacl, relrowsecurity FROM pg_class WHERE oid = 'parcels'::regclass",
    "SELECT attname, attacl FROM pg_attribute WHERE attrelid = 'parcels'::regclass AND attnum > 0"
    " AND NOT attisdropped ORDER BY attnum",
    "SELECT tgname FROM pg_trigger WHERE tgrelid = 'parcels'::regclass AND NOT tgisinternal ORDER BY 1",
    "SELECT pg_get_viewdef ('mq_editing')",
    "SELECT relowner::regrole, relforcerowsecurity, pg_get_serial_sequence ('parcels', 'fid')"
    " FROM pg_class WHERE oid = 'parcels'::regclass",
    "SELECT polname, pg_get_expr (polqual, polrelid) FROM pg_policy WHERE polrelid = 'parcels'::regclass",
  };
  GString *out = g_string_new (NULL);

  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      g_autoptr(PGresult) result = PQexec (conn, queries[q]);

      g_assert_cmpint (PQresultStatus (result), ==, PGRES_TUPLES_OK);
      for (int r = 0; r < PQntuples (result); r++)
        for (int c = 0; c < PQnfields (result); c++)
          g_string_append_printf (out, "%s=%s%c", PQfname (result, c), PQgetvalue (result, r, c),
                                  c + 1 < PQnfields (result) ? '|' : '\n');
    }
  return g_string_free (out, FALSE);
}

static char *
summary_without_source (const char *json)
{
  const char *line = strstr (json, "\n  \"file\"");

  return g_strdup (line != NULL ? strchr (line + 1, '\n') : json);
}

static void
on_replaced (MqStore *store,
             guint   *n)
{
  (*n)++;
}

static gboolean
is_nonzero (gpointer data)
{
  return *(guint *) data > 0;
}

/* A server project carried into the sample's next-year survey: the same
 * project as its file twin carried into it (figures, lineage, history
 * batch); the old table kept read-only; the new one with the triggers,
 * rights and presence of the old; a window that had it open told to read
 * it again, and its stale edit refused; the past day read from the kept
 * table; undone, exactly the project it was. */
static void
test_survey_update (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *spec = NULL, *survey = NULL, *twin = NULL, *survey_arg = NULL, *yesterday = NULL;
  g_autofree char *out = NULL, *err = NULL, *file_out = NULL, *file_err = NULL, *before = NULL;
  g_autofree char *after = NULL, *archive = NULL, *count = NULL, *file_count = NULL, *base = NULL;
  g_autofree char *server_sum = NULL, *file_sum = NULL, *past = NULL, *past_file = NULL;
  g_autoptr(MqDataset) dataset = NULL, early = NULL;
  g_autoptr(MqStore) store = NULL;
  g_autoptr(GError) error = NULL;
  const char *policy = "--merge-policy=largest", *date = "--survey-date=2027-06-30";
  char sql[1024];
  guint replaced = 0;
  gint64 stale_fid;
  GDate day;

  SKIP_WITHOUT_SERVER ();
  /* What a bureau may have added to the table: its own trigger, row-level
   * security, a right others may pass on. */
  exec_ok (f->conn, "CREATE FUNCTION bureau_stamp () RETURNS trigger LANGUAGE plpgsql AS"
                    " $$ BEGIN RETURN NEW; END $$");
  exec_ok (f->conn, "CREATE TRIGGER bureau_stamp BEFORE UPDATE ON parcels FOR EACH ROW"
                    " EXECUTE FUNCTION bureau_stamp ()");
  exec_ok (f->conn, "CREATE POLICY bureau_all ON parcels FOR SELECT TO mq_editor USING (true)");
  exec_ok (f->conn, "ALTER TABLE parcels ENABLE ROW LEVEL SECURITY");
  exec_ok (f->conn, "GRANT SELECT (notes) ON parcels TO mq_editor WITH GRANT OPTION");
  spec = g_strdup_printf ("pg:%s password=zz-secret schema=%s", server (), f->schema);
  survey = g_build_filename (g_getenv ("MQ_SAMPLE_DIR"), "maqiao-survey-next.shp", NULL);
  survey_arg = g_strconcat ("--update-survey=", survey, NULL);
  twin = g_build_filename (f->dir, "twin.gpkg", NULL);
  {
    g_autofree char *bytes = NULL;
    gsize length = 0;

    g_assert_true (g_file_get_contents (f->gpkg, &bytes, &length, NULL));
    g_assert_true (g_file_set_contents (twin, bytes, length, NULL));
  }
  before = dump_server (f->conn);
  g_assert_cmpint (run_cli (&out, &err, spec, "--summary", "--json", NULL), ==, 0);
  past_file = summary_without_source (out);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Another planner's window has the project open. */
  dataset = load_server (f, NULL);
  store = open_store (dataset);
  g_signal_connect (store, "replaced", G_CALLBACK (on_replaced), &replaced);
  stale_fid = mq_parcels_get_fid (mq_dataset_get_parcels (dataset), 0);
  /* And one has read it, but not connected yet. */
  early = load_server (f, NULL);

  g_assert_cmpint (run_cli (&out, &err, survey_arg, policy, date, spec, NULL), ==, 0);
  g_assert_cmpstr (err, ==, "");
  g_assert_null (strstr (out, "zz-secret"));
  g_assert_nonnull (strstr (out, "--undo-survey-update"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (&file_out, &file_err, survey_arg, policy, date, twin, NULL), ==, 0);
  g_clear_pointer (&file_out, g_free);
  g_clear_pointer (&file_err, g_free);

  /* The same project as the file's. */
  g_assert_cmpint (run_cli (&out, &err, spec, "--summary", "--json", NULL), ==, 0);
  g_assert_cmpint (run_cli (&file_out, &file_err, twin, "--summary", "--json", NULL), ==, 0);
  server_sum = summary_without_source (out);
  file_sum = summary_without_source (file_out);
  g_assert_cmpstr (server_sum, ==, file_sum);
  g_assert_cmpstr (server_sum, !=, past_file);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  archive = value (f->conn, "SELECT archive FROM mq_survey_updates");
  g_snprintf (sql, sizeof sql, "SELECT count(*) FROM %s", archive);
  g_free (count);
  count = value (f->conn, sql);
  g_assert_cmpstr (count, ==, "1154");
  g_free (count);
  count = value (f->conn, "SELECT count(*) || '/' || count(*) FILTER (WHERE relation = 'split')"
                          " || '/' || count(*) FILTER (WHERE relation = 'merge') FROM parcel_lineage");
  {
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_open_v2 (twin, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) || '/' || sum (relation = 'split') || '/' ||"
                                             " sum (relation = 'merge') || ':' ||"
                                             " (SELECT count(*) FROM lock_history WHERE action = 'survey')"
                                             " FROM parcel_lineage", -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    file_count = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
    sqlite3_finalize (stmt);
    sqlite3_close (db);
  }
  g_free (after);
  after = value (f->conn, "SELECT count(*) FROM lock_history WHERE action = 'survey'");
  g_free (base);
  base = g_strdup_printf ("%s:%s", count, after);
  g_assert_cmpstr (base, ==, file_count);
  g_assert_cmpstr (strchr (file_count, ':') + 1, !=, "0");

  /* The kept table is a record: planners read it, nobody edits it. */
  g_snprintf (sql, sizeof sql,
              "SELECT has_table_privilege ('mq_editor', '%s', 'SELECT')::text"
              " || has_column_privilege ('mq_editor', '%s', 'notes', 'UPDATE')::text"
              " || has_column_privilege ('mq_editor', 'parcels', 'notes', 'UPDATE')::text"
              " || has_column_privilege ('mq_editor', 'parcels', 'parcel_id', 'UPDATE')::text"
              " || (SELECT count(*) FROM pg_trigger WHERE tgrelid = 'parcels'::regclass AND NOT tgisinternal)"
              " || (SELECT count(*) FROM pg_trigger WHERE tgrelid = '%s'::regclass AND NOT tgisinternal)",
              archive, archive, archive);
  g_free (count);
  count = value (f->conn, sql);
  g_assert_cmpstr (count, ==, "truefalsetruefalse30");
  g_free (count);
  count = value (f->conn, "SELECT count(*) FROM pg_policy WHERE polrelid = 'parcels'::regclass");
  g_assert_cmpstr (count, ==, "1");
  g_free (count);
  count = value (f->conn, "SELECT pg_get_serial_sequence ('parcels', 'fid') IS NOT NULL");
  g_assert_cmpstr (count, ==, "t");
  /* The rules came along, and the history trigger: an edit after the
   * update is recorded at a version above every old one. */
  g_free (refused (f->conn, "UPDATE parcels SET lock_owner = 1, lock_owner_date = NULL WHERE fid = 1"));
  exec_ok (f->conn, "BEGIN");
  exec_ok (f->conn, "UPDATE parcels SET notes = '新调查后' WHERE fid = 1");
  g_free (count);
  count = value (f->conn, "SELECT (h.row_version > u.base_version)::text FROM lock_history h, mq_survey_updates u"
                          " WHERE h.fid = 1 AND h.new_value = '新调查后'");
  g_assert_cmpstr (count, ==, "true");
  exec_ok (f->conn, "ROLLBACK");
  g_free (count);
  count = value (f->conn, "SELECT (pg_get_viewdef ('mq_editing') LIKE '%''parcels''::regclass%')::text");
  g_assert_cmpstr (count, ==, "true");

  /* The open window is told; its edit, made for a parcel of the old
   * table, does not land on the new one of the same fid. */
  wait_for (is_nonzero, &replaced);
  g_assert_false (apply_one (store, stale_fid, MQ_FIELD_NOTES, "旧窗口的修改", &error));
  g_assert_error (error, MQ_STORE_ERROR, MQ_STORE_ERROR_CHANGED);
  g_assert_null (strstr (error->message, "zz-secret"));
  g_clear_error (&error);
  g_snprintf (sql, sizeof sql, "SELECT count(*) FROM parcels WHERE notes = '旧窗口的修改'");
  g_free (count);
  count = value (f->conn, sql);
  g_assert_cmpstr (count, ==, "0");
  g_clear_object (&store);
  /* Connected after the update, it finds its parcels older than it. */
  replaced = 0;
  store = open_store (early);
  g_signal_connect (store, "replaced", G_CALLBACK (on_replaced), &replaced);
  wait_for (is_nonzero, &replaced);
  g_clear_object (&store);

  /* The day before: the kept parcels, as the file's past day. */
  g_date_clear (&day, 1);
  g_date_set_julian (&day, mq_today () - 1);
  yesterday = g_strdup_printf ("--as-of=%04d-%02d-%02d", g_date_get_year (&day), g_date_get_month (&day),
                               g_date_get_day (&day));
  g_assert_cmpint (run_cli (&out, &err, spec, "--summary", "--json", yesterday, NULL), ==, 0);
  past = summary_without_source (out);
  g_assert_cmpstr (past, ==, past_file);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Undone: the project as it was, every row, right and trigger. */
  g_assert_cmpint (run_cli (&out, &err, "--undo-survey-update", spec, NULL), ==, 0);
  g_assert_null (strstr (out, "zz-secret"));
  g_free (after);
  after = dump_server (f->conn);
  g_assert_cmpstr (after, ==, before);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (&out, &err, "--undo-survey-update", spec, NULL), ==, 2);
  g_assert_nonnull (strstr (err, f->schema));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Edited after the update, it is not undone: the edit would be lost. */
  g_assert_cmpint (run_cli (&out, &err, survey_arg, policy, date, spec, NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  exec_ok (f->conn, "UPDATE parcels SET notes = '更新后复核' WHERE fid = 2");
  /* And a boundary redrawn with another tool, which the history does not
   * record: the row's version says it. */
  exec_ok (f->conn, "UPDATE parcels SET geom = ST_Translate (geom, 1, 0) WHERE fid = 3");
  g_assert_cmpint (run_cli (&out, &err, "--undo-survey-update", spec, NULL), ==, 2);
  g_free (count);
  count = value (f->conn, "SELECT count(*) FROM parcels WHERE notes = '更新后复核'");
  g_assert_cmpstr (count, ==, "1");
  g_assert_nonnull (strstr (err, "2 changes"));
}

/* Only the table's owner swaps it; a plan made before another planner's
 * edit is not written over it. Nothing is changed either way. */
static void
test_survey_update_refused (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *survey = NULL, *planner = NULL, *before = NULL, *after = NULL;
  g_autofree char *out = NULL, *err = NULL, *survey_arg = NULL;
  g_autoptr(MqSurveyUpdate) update = NULL;
  g_autoptr(GError) error = NULL;
  GDate date;

  SKIP_WITHOUT_SERVER ();
  survey = g_build_filename (g_getenv ("MQ_SAMPLE_DIR"), "maqiao-survey-next.shp", NULL);
  survey_arg = g_strconcat ("--update-survey=", survey, NULL);
  before = dump_server (f->conn);
  exec_ok (f->conn, "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'mq_test_planner')"
                    " THEN CREATE ROLE mq_test_planner IN ROLE mq_editor; END IF; END $$");
  exec_ok (f->conn, "ALTER ROLE mq_test_planner LOGIN");
  planner = g_strdup_printf ("pg:%s user=mq_test_planner schema=%s", server (), f->schema);
  g_assert_cmpint (run_cli (&out, &err, survey_arg, "--merge-policy=largest", planner, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "owner"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  /* The window asks before it reads a survey: the planner is told, the
   * owner let through. */
  {
    g_autoptr(MqDataset) theirs = load_server (f, "user=mq_test_planner");
    g_autoptr(MqDataset) owners = load_server (f, NULL);

    g_assert_false (mq_survey_update_check_permitted (theirs, &error));
    g_assert_error (error, MQ_SURVEY_UPDATE_ERROR, MQ_SURVEY_UPDATE_ERROR_NOT_PERMITTED);
    g_clear_error (&error);
    g_assert_true (mq_survey_update_check_permitted (owners, &error));
    g_assert_no_error (error);
  }

  g_free (planner);
  planner = g_strdup_printf ("pg:%s schema=%s", server (), f->schema);
  update = mq_survey_update_prepare (planner, survey, NULL, MQ_MERGE_LARGEST, NULL, &error);
  g_assert_no_error (error);
  exec_ok (f->conn, "UPDATE parcels SET notes = '预览之后' WHERE fid = 7");
  g_free (before);
  before = dump_server (f->conn);
  g_date_clear (&date, 1);
  g_date_set_dmy (&date, 30, 6, 2027);
  g_assert_false (mq_survey_update_apply (update, &date, &error));
  g_assert_error (error, MQ_SURVEY_UPDATE_ERROR, MQ_SURVEY_UPDATE_ERROR_CHANGED);
  after = dump_server (f->conn);
  g_assert_cmpstr (after, ==, before);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  mq_core_init ();

  g_test_add ("/server/publish", Fixture, NULL, setup, test_publish, teardown);
  g_test_add ("/server/open", Fixture, NULL, setup, test_open, teardown);
  g_test_add ("/server/rules", Fixture, NULL, setup, test_rules, teardown);
  g_test_add ("/server/history-and-notify", Fixture, NULL, setup, test_history_and_notify, teardown);
  g_test_add ("/server/permissions", Fixture, NULL, setup, test_permissions, teardown);
  g_test_add_func ("/server/refusals", test_refusals);
  g_test_add_func ("/server/publish-history", test_publish_history);
  g_test_add ("/server/store/keyed-by-fid", Fixture, NULL, setup, test_store_keyed_by_fid, teardown);
  g_test_add ("/server/store/merge-and-conflict", Fixture, NULL, setup, test_store_merge_and_conflict, teardown);
  g_test_add ("/server/store/live", Fixture, NULL, setup, test_store_live, teardown);
  g_test_add ("/server/store/presence", Fixture, NULL, setup, test_store_presence, teardown);
  g_test_add ("/server/store/refusals", Fixture, NULL, setup, test_store_refusals, teardown);
  g_test_add ("/server/store/read-only", Fixture, NULL, setup, test_store_read_only, teardown);
  g_test_add ("/server/store/settings", Fixture, NULL, setup, test_store_settings, teardown);
  g_test_add ("/server/store/upgrade", Fixture, NULL, setup, test_store_upgrade, teardown);
  g_test_add ("/server/store/as-of", Fixture, NULL, setup, test_store_as_of, teardown);
  g_test_add ("/server/cli", Fixture, NULL, setup, test_cli, teardown);
  g_test_add ("/server/survey-update", Fixture, NULL, setup, test_survey_update, teardown);
  g_test_add ("/server/survey-update-refused", Fixture, NULL, setup, test_survey_update_refused, teardown);
  g_test_add ("/server/store/offline", Fixture, NULL, setup, test_store_offline, teardown);
  return g_test_run ();
}
