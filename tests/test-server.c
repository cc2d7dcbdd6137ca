/* test-server.c — a project published to a real PostgreSQL/PostGIS server.
 *
 * ./tools/test starts a throwaway cluster (tools/lib.sh, mq_pg_start) and
 * names it in MQ_TEST_PG. Without one these tests skip, except under CI,
 * where a missing server is a failure.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <libpq-fe.h>

#include "mq-core.h"
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
  g_assert_cmpstr (version, ==, "1");
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
  return g_test_run ();
}
