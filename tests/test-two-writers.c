/* test-two-writers.c — two processes applying status tables to one project.
 *
 * Two lanes run `maqiao-land PROJECT --apply-csv TABLE` one after another,
 * side by side, for MQ_TEST_WRITERS_SECONDS (30 by default), each table
 * setting random values on a few of the same six parcels. Afterwards the
 * project's history must be one unbroken chain per parcel and field (each
 * row's old value is the previous row's new value, starting from the value
 * the file had, ending at the value it has), and no parcel may break a lock
 * rule. A run either stores its whole table (exit 0) or, when the other lane
 * changed the same field meanwhile, nothing (exit 3, one line per conflict).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gio/gio.h>
#include <sqlite3.h>
#include <string.h>

#include "mq-core.h"
#include "test-util.h"

#define N_PARCELS 6
#define N_LANES 2

static const char *const columns[] = { "notes", "contact", "responsible_entity", "lock_owner" };

typedef struct
{
  const char  *project;
  char        *ids[N_PARCELS];
  gint64       deadline;        /* monotonic µs */
  guint        running;
} Run;

typedef struct
{
  Run      *run;
  guint     lane;
  guint     n_runs;
  guint     n_applied;
  guint     n_conflicts;
  GRand    *rand;
  char     *table;
} Lane;

/* A table a planner could write: each row keeps its own rule (the entity
 * lock only with an entity), the two lanes' values always differ. */
static void
write_table (Lane *lane)
{
  g_autoptr(GString) csv = g_string_new ("parcel_id,notes,contact,responsible_entity,lock_owner\n");
  guint first = g_rand_int_range (lane->rand, 0, N_PARCELS);
  char who = 'A' + lane->lane;

  for (guint k = 0; k < 3; k++)
    {
      const char *id = lane->run->ids[(first + k) % N_PARCELS];
      guint contact = g_rand_int_range (lane->rand, 0, 3);

      g_string_append_printf (csv, "%s,备注%c%u,联系人%c%u,", id, who, lane->n_runs, who, contact);
      if (g_rand_boolean (lane->rand))
        g_string_append_printf (csv, "主体%c%u,%d\n", who, lane->n_runs, g_rand_boolean (lane->rand));
      else
        g_string_append (csv, ",0\n");
    }
  g_assert_true (g_file_set_contents (lane->table, csv->str, -1, NULL));
}

static void start_lane (Lane *lane);

static void
on_lane_done (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  Lane *lane = data;
  GSubprocess *p = G_SUBPROCESS (source);
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_assert_true (g_subprocess_communicate_utf8_finish (p, result, &out, &err, &error));
  g_assert_no_error (error);
  status = g_subprocess_get_exit_status (p);
  g_object_unref (p);
  lane->n_runs++;
  if (status == 0)
    lane->n_applied++;
  else
    {
      /* Refused as a whole, naming each conflict, or because the other
       * writer held the file past the busy wait (a loaded machine): both
       * store nothing, which the history check below holds them to.
       * Anything else is a failure. */
      gboolean conflict = status == 3 && strstr (err, "conflict: parcel") != NULL;
      gboolean busy = status == 2 && strstr (err, "writing to it for too long") != NULL;

      if (!conflict && !busy)
        g_error ("lane %u run %u: exit %d: %s", lane->lane, lane->n_runs, status, err);
      if (lane->n_conflicts++ == 0)
        g_test_message ("lane %u refused: %s", lane->lane, err);
    }
  /* Under a sanitizer a run takes seconds: a lane goes on past the
   * deadline until one of its tables went in. */
  if (g_get_monotonic_time () < lane->run->deadline || (lane->n_applied == 0 && lane->n_runs < 40))
    start_lane (lane);
  else
    lane->run->running--;
}

static void
start_lane (Lane *lane)
{
  g_autofree char *apply = NULL;
  g_autoptr(GError) error = NULL;
  GSubprocess *p;

  write_table (lane);
  apply = g_strconcat ("--apply-csv=", lane->table, NULL);
  p = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                        g_getenv ("MQ_BINARY"), lane->run->project, apply, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (p, NULL, NULL, on_lane_done, lane);
}

static char *
column_text (sqlite3_stmt *stmt,
             int           i)
{
  const char *text = (const char *) sqlite3_column_text (stmt, i);

  return g_strdup (text ? text : "");
}

/* parcel id → column → value, as the file has them now. */
static GHashTable *
read_values (sqlite3 *db)
{
  GHashTable *values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT parcel_id, notes, contact, responsible_entity,"
                                           " lock_owner FROM parcels", -1, &stmt, NULL), ==,
                   SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
      g_hash_table_insert (values, g_strdup_printf ("%s/%s", sqlite3_column_text (stmt, 0),
                                                    columns[c]),
                           column_text (stmt, c + 1));
  sqlite3_finalize (stmt);
  return values;
}

static sqlite3 *
open_db (const char *path)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  return db;
}

/* Walks each parcel × field's history from the value the file had. */
static guint
check_chains (const char *path,
              GHashTable *start,
              gint64      after)
{
  sqlite3 *db = open_db (path);
  g_autoptr(GHashTable) now = read_values (db);
  g_autoptr(GHashTable) at = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  sqlite3_stmt *stmt = NULL;
  GHashTableIter iter;
  gpointer key, value;
  guint rows = 0;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT parcel_id, field, old_value, new_value"
                                           " FROM lock_history WHERE fid > ?1 ORDER BY fid", -1, &stmt, NULL), ==,
                   SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, after);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autofree char *slot = g_strdup_printf ("%s/%s", sqlite3_column_text (stmt, 0),
                                               sqlite3_column_text (stmt, 1));
      const char *previous = g_hash_table_lookup (at, slot);
      g_autofree char *old = column_text (stmt, 2);

      if (previous == NULL)
        previous = g_hash_table_lookup (start, slot);
      /* Lock dates follow their lock and are not among the columns read. */
      if (previous != NULL)
        g_assert_cmpstr (old, ==, previous);
      g_hash_table_insert (at, g_steal_pointer (&slot), column_text (stmt, 3));
      rows++;
    }
  sqlite3_finalize (stmt);
  g_hash_table_iter_init (&iter, at);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (g_hash_table_contains (now, key))
      g_assert_cmpstr (value, ==, g_hash_table_lookup (now, key));
  sqlite3_close (db);
  return rows;
}

static gint64
count (const char *path,
       const char *sql)
{
  sqlite3 *db = open_db (path);
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

static void
test_two_writers (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mq-writers-XXXXXX", NULL);
  g_autofree char *project = test_copy_sample (dir, "p.gpkg");
  const char *seconds = g_getenv ("MQ_TEST_WRITERS_SECONDS");
  g_autoptr(MqDataset) dataset = mq_dataset_load (project, NULL, NULL, NULL);
  g_autoptr(GHashTable) start = NULL;
  Run run = { .project = project, .running = N_LANES };
  Lane lanes[N_LANES] = { { 0 } };
  guint applied = 0, conflicts = 0, history;
  g_autofree char *batches = NULL;
  gint64 before;
  sqlite3 *db;

  g_assert_nonnull (dataset);
  /* Six parcels that keep the entity rule to begin with. */
  for (guint i = 0, n = 0; n < N_PARCELS; i++)
    {
      const MqParcel *p = mq_parcels_get (mq_dataset_get_parcels (dataset), i);

      if (p->id != NULL && (!(p->locks & (1u << MQ_LOCK_OWNER)) || p->details->entity != NULL))
        run.ids[n++] = g_strdup (p->id);
    }
  /* The first run adds the row versions; the values before any of ours. */
  db = open_db (project);
  start = read_values (db);
  sqlite3_close (db);
  /* The sample's own past (its history) comes before ours. */
  before = count (project, "SELECT coalesce(max(fid), 0) FROM lock_history");

  run.deadline = g_get_monotonic_time () + G_USEC_PER_SEC * (seconds ? atoi (seconds) : 30);
  for (guint l = 0; l < N_LANES; l++)
    {
      lanes[l] = (Lane) { .run = &run, .lane = l, .rand = g_rand_new_with_seed (42 + l) };
      lanes[l].table = g_strdup_printf ("%s/lane%u.csv", dir, l);
      start_lane (&lanes[l]);
    }
  while (run.running > 0)
    g_main_context_iteration (NULL, TRUE);

  for (guint l = 0; l < N_LANES; l++)
    {
      g_test_message ("lane %u: %u runs, %u applied, %u refused for conflicts", l,
                      lanes[l].n_runs, lanes[l].n_applied, lanes[l].n_conflicts);
      g_assert_cmpuint (lanes[l].n_applied, >, 0);
      applied += lanes[l].n_applied;
      conflicts += lanes[l].n_conflicts;
      g_rand_free (lanes[l].rand);
      g_free (lanes[l].table);
    }
  history = check_chains (project, start, before);
  g_test_message ("%u tables applied, %u refused, %u history rows", applied, conflicts, history);
  g_assert_cmpuint (history, >=, applied);
  /* Every applied table moved each parcel it changed one version on. */
  batches = g_strdup_printf ("SELECT count(DISTINCT batch) FROM lock_history WHERE fid > %" G_GINT64_FORMAT, before);
  g_assert_cmpint (count (project, batches), ==, applied);
  for (guint i = 0; i < N_PARCELS; i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM parcels WHERE parcel_id = '%s'"
                                              " AND lock_owner = 1 AND"
                                              " coalesce(trim(responsible_entity), '') = ''",
                                              run.ids[i]);

      g_assert_cmpint (count (project, sql), ==, 0);
      g_free (run.ids[i]);
    }
  test_remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  mq_core_init ();
  g_test_add_func ("/two-writers/apply-csv", test_two_writers);
  return g_test_run ();
}
