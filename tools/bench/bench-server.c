/* bench-server.c — several planners editing one project at once.
 *
 *   bench-server [--editors=20] [--seconds=60] [--pace=stress|human]
 *                [--backend=server|gpkg] [--conninfo=CONNINFO] [--keep]
 *
 * The sample becomes a project: a GeoPackage file, or (server) a fresh
 * schema published to --conninfo (default: $MQ_TEST_PG). Each editor is a
 * process of its own — this program again, with --editor=I — because a
 * store lives on one thread with its main loop, as a planner's window does.
 * It loads the project, opens its store and, until the deadline, sets a
 * value nobody else sets (editor and sequence number) on one of three text
 * fields of one of 50 hot parcels, so that conflicts happen. At human pace
 * it first thinks 0.5–3 s with its main loop running (other planners'
 * edits arrive), and on a conflict applies once more, keeping its own
 * value, as a planner would in the conflict dialog; at stress pace it
 * never waits, and only dispatches what is pending between edits.
 *
 * Then the parent reads the project through a store of its own: every
 * value an editor was told is stored must be a new value in the history,
 * and the history one chain per parcel and field (each row's old value the
 * previous row's new one, from the value at the start to the value at the
 * end). Anything else is a lost update, and the exit status is 1.
 *
 * Parent and editors speak a line at a time: editor "ready", parent "go"
 * (all start together), editor "done", parent the digest of the hot fields
 * as stored; a server editor runs its main loop until its own parcels show
 * the same (bounded), then each prints one JSON line.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <string.h>

#include "mq-core.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGconn, PQfinish)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)

#define N_HOT     50
#define SETTLE_MS 20000

static const MqField fields[] = { MQ_FIELD_NOTES, MQ_FIELD_CONTACT, MQ_FIELD_INVESTOR };

typedef struct
{
  int       editors;
  int       seconds;
  char     *pace;
  char     *backend;
  char     *conninfo;
  gboolean  keep;
  int       editor;   /* ≥ 0 in an editor process */
  char     *project;  /* what an editor opens */
} Options;

/* ---- shared by parent and editors ---- */

static gboolean
is_server (const Options *o)
{
  return g_str_equal (o->backend, "server");
}

static int
compare_ids (gconstpointer a,
             gconstpointer b,
             gpointer      parcels)
{
  return strcmp (mq_parcels_get (parcels, *(const guint *) a)->id,
                 mq_parcels_get (parcels, *(const guint *) b)->id);
}

/* The N_HOT first parcels by id that a text edit keeps within the rules (an
 * owner lock needs an entity). By id, not index: a server returns its rows
 * in another order once they have been updated. */
static GArray *
hot_parcels (MqDataset *dataset)
{
  MqParcels *parcels = mq_dataset_get_parcels (dataset);
  GArray *hot = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    {
      const MqParcel *p = mq_parcels_get (parcels, i);

      if (p->id != NULL && (!(p->locks & (1u << MQ_LOCK_OWNER)) || p->details->entity != NULL))
        g_array_append_val (hot, i);
    }
  g_array_sort_with_data (hot, compare_ids, parcels);
  g_array_set_size (hot, MIN (hot->len, N_HOT));
  return hot;
}

/* A field as text, NULL and empty alike (as the history compares them). */
static char *
field_text (MqDataset *dataset,
            guint      parcel,
            MqField    field)
{
  char *text = mq_parcel_dup_field_text (mq_parcels_get (mq_dataset_get_parcels (dataset), parcel),
                                         field);

  return text ? text : g_strdup ("");
}

/* The hot fields as this process sees them: equal digests, equal views. */
static char *
digest (MqDataset *dataset,
        GArray    *hot)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA1);

  for (guint i = 0; i < hot->len; i++)
    for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
      {
        g_autofree char *text = field_text (dataset, g_array_index (hot, guint, i), fields[f]);

        g_checksum_update (sum, (const guchar *) text, -1);
        g_checksum_update (sum, (const guchar *) "\n", 1);
      }
  return g_strdup (g_checksum_get_string (sum));
}

static MqStore *
open_project (const char  *spec,
              MqDataset  **dataset)
{
  g_autoptr(GError) error = NULL;
  MqStore *store = NULL;

  *dataset = mq_dataset_load (spec, NULL, NULL, &error);
  if (*dataset != NULL)
    store = mq_store_open (*dataset, &error);
  if (store == NULL)
    g_error ("%s", error->message);
  return store;
}

/* ---- an editor ---- */

typedef struct
{
  guint     id;
  MqStore  *store;
  GArray   *hot;
  GRand    *rand;
  guint     seq;              /* saves tried */
  guint     ok;
  guint     conflicts;        /* saves refused for a conflict */
  guint     conflicts_again;  /* … and refused again when re-applied */
  guint     errors;
  guint64   notified;         /* history entries from "changed-remotely" */
  GArray   *latencies;        /* gint64 µs, of the edits stored */
  GPtrArray *values;          /* what it stored */
} Editor;

static void
say (const char *line)
{
  fputs (line, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
}

static char *
hear (void)
{
  char line[256];

  if (fgets (line, sizeof line, stdin) == NULL)
    exit (1);   /* the parent is gone */
  return g_strstrip (g_strdup (line));
}

static void
on_changed_remotely (MqStore   *store,
                     GPtrArray *entries,
                     Editor    *e)
{
  e->notified += entries->len;
}

static gboolean
on_time_up (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Thinking, with the main loop running as a window's does. */
static void
iterate_for (guint ms)
{
  gboolean up = FALSE;

  g_timeout_add (ms, on_time_up, &up);
  while (!up)
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
timed_apply (Editor  *e,
             MqEdit  *edit,
             GError **error)
{
  gint64 start = g_get_monotonic_time ();
  gint64 us;

  if (!mq_store_apply (e->store, edit, error))
    return FALSE;
  us = g_get_monotonic_time () - start;
  g_array_append_val (e->latencies, us);
  return TRUE;
}

static gboolean
is_conflict (const GError *error)
{
  return g_error_matches (error, MQ_STORE_ERROR, MQ_STORE_ERROR_CONFLICT);
}

static void
edit_once (Editor   *e,
           gboolean  keep_mine)
{
  guint parcel = g_array_index (e->hot, guint, g_rand_int_range (e->rand, 0, e->hot->len));
  MqField field = fields[g_rand_int_range (e->rand, 0, G_N_ELEMENTS (fields))];
  g_autofree char *value = g_strdup_printf ("e%02u-%06u", e->id, e->seq++);
  g_autoptr(MqEdit) edit = mq_edit_new (MQ_EDIT_ACTION_EDIT);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  mq_edit_set (edit, parcel, field, value, 0);
  ok = timed_apply (e, edit, &error);
  if (!ok && is_conflict (error))
    {
      e->conflicts++;
      /* The refusal published theirs, so the same edit now applies over it. */
      if (keep_mine)
        {
          g_clear_error (&error);
          ok = timed_apply (e, edit, &error);
          e->conflicts_again += !ok && is_conflict (error);
        }
    }
  if (ok)
    {
      e->ok++;
      g_ptr_array_add (e->values, g_steal_pointer (&value));
    }
  else if (!is_conflict (error) && e->errors++ < 3)
    g_printerr ("editor %u: %s\n", e->id, error->message);
}

/* After "done": run the main loop until this window shows what is stored. */
static gint64
settle (Editor     *e,
        MqDataset  *dataset,
        const char *stored)
{
  gint64 start = g_get_monotonic_time ();

  for (;;)
    {
      g_autofree char *mine = digest (dataset, e->hot);

      if (g_str_equal (mine, stored))
        return g_get_monotonic_time () - start;
      if (g_get_monotonic_time () - start > SETTLE_MS * 1000)
        return -1;
      iterate_for (20);
    }
}

static void
report (Editor *e,
        gint64  settled_us)
{
  g_autoptr(GString) json = g_string_new (NULL);

  g_string_append_printf (json, "{\"editor\":%u,\"saves\":%u,\"ok\":%u,\"conflicts\":%u,"
                          "\"conflicts_again\":%u,\"errors\":%u,\"notified\":%" G_GUINT64_FORMAT
                          ",\"settled_us\":%" G_GINT64_FORMAT ",\"latencies_us\":[", e->id, e->seq,
                          e->ok, e->conflicts, e->conflicts_again, e->errors, e->notified,
                          settled_us);
  for (guint i = 0; i < e->latencies->len; i++)
    g_string_append_printf (json, "%s%" G_GINT64_FORMAT, i ? "," : "",
                            g_array_index (e->latencies, gint64, i));
  g_string_append (json, "],\"values\":[");
  for (guint i = 0; i < e->values->len; i++)
    g_string_append_printf (json, "%s\"%s\"", i ? "," : "", (char *) e->values->pdata[i]);
  g_string_append (json, "]}");
  say (json->str);
}

static int
run_editor (const Options *o)
{
  g_autoptr(MqDataset) dataset = NULL;
  gboolean human = g_str_equal (o->pace, "human");
  g_autofree char *stored = NULL;
  Editor e = { .id = o->editor };
  gint64 deadline, settled = 0;

  e.store = open_project (o->project, &dataset);
  e.hot = hot_parcels (dataset);
  e.rand = g_rand_new_with_seed (7919 * (o->editor + 1));
  e.latencies = g_array_new (FALSE, FALSE, sizeof (gint64));
  e.values = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (e.store, "changed-remotely", G_CALLBACK (on_changed_remotely), &e);
  say ("ready");
  g_free (hear ());   /* "go" */
  deadline = g_get_monotonic_time () + o->seconds * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline)
    {
      if (human)
        iterate_for (g_rand_int_range (e.rand, 500, 3001));
      else
        while (g_main_context_iteration (NULL, FALSE))
          ;
      if (g_get_monotonic_time () < deadline)
        edit_once (&e, human);
    }
  say ("done");
  stored = hear ();
  /* A GeoPackage has no live notifications: its windows never catch up. */
  if (is_server (o))
    settled = settle (&e, dataset, stored);
  report (&e, settled);
  g_object_unref (e.store);
  g_rand_free (e.rand);
  g_array_unref (e.latencies);
  g_ptr_array_unref (e.values);
  g_array_unref (e.hot);
  return 0;
}

/* ---- the parent ---- */

typedef struct
{
  GSubprocess      *process;
  GDataInputStream *out;
} Child;

static void
child_clear (Child *c)
{
  g_clear_object (&c->out);
  g_clear_object (&c->process);
}

static GArray *
spawn_editors (const Options *o,
               const char    *spec)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  GArray *children = g_array_sized_new (FALSE, TRUE, sizeof (Child), o->editors);
  g_autofree char *seconds = g_strdup_printf ("--seconds=%d", o->seconds);
  g_autofree char *pace = g_strconcat ("--pace=", o->pace, NULL);
  g_autofree char *backend = g_strconcat ("--backend=", o->backend, NULL);
  g_autofree char *project = g_strconcat ("--project=", spec, NULL);

  g_array_set_clear_func (children, (GDestroyNotify) child_clear);
  for (int i = 0; i < o->editors; i++)
    {
      g_autofree char *editor = g_strdup_printf ("--editor=%d", i);
      const char *argv[] = { self, editor, seconds, pace, backend, project, NULL };
      g_autoptr(GError) error = NULL;
      Child c;

      c.process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                     G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
      if (c.process == NULL)
        g_error ("%s", error->message);
      c.out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (c.process));
      g_array_append_val (children, c);
    }
  return children;
}

static char *
hear_from (Child *c)
{
  g_autoptr(GError) error = NULL;
  char *line = g_data_input_stream_read_line_utf8 (c->out, NULL, NULL, &error);

  if (line == NULL)
    g_error ("an editor ended early%s%s", error ? ": " : "", error ? error->message : "");
  return line;
}

static void
expect_from_all (GArray     *children,
                 const char *word)
{
  for (guint i = 0; i < children->len; i++)
    {
      g_autofree char *line = hear_from (&g_array_index (children, Child, i));

      if (!g_str_equal (line, word))
        g_error ("editor %u said \"%s\", not \"%s\"", i, line, word);
    }
}

static void
tell_all (GArray     *children,
          const char *line)
{
  g_autofree char *text = g_strconcat (line, "\n", NULL);

  for (guint i = 0; i < children->len; i++)
    {
      GSubprocess *p = g_array_index (children, Child, i).process;

      g_output_stream_write_all (g_subprocess_get_stdin_pipe (p), text, strlen (text), NULL,
                                 NULL, NULL);
    }
}

/* "parcel id\tfield key": one chain of the history. */
static char *
slot_of (const char *parcel_id,
         const char *field)
{
  return g_strconcat (parcel_id, "\t", field, NULL);
}

static GHashTable *
hot_values (MqDataset *dataset,
            GArray    *hot)
{
  GHashTable *values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; i < hot->len; i++)
    for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
      {
        guint parcel = g_array_index (hot, guint, i);
        const char *id = mq_parcels_get (mq_dataset_get_parcels (dataset), parcel)->id;

        g_hash_table_insert (values, slot_of (id, mq_field_info (fields[f])->key),
                             field_text (dataset, parcel, fields[f]));
      }
  return values;
}

typedef struct
{
  guint   editors;
  guint   saves;
  guint   ok;
  guint   conflicts;
  guint   conflicts_again;
  guint   errors;
  guint64 notified;
  guint   settled;
  gint64  settled_max_us;
  GArray *latencies;    /* gint64 µs */
  GHashTable *stored;   /* values editors were told are stored */
} Totals;

static void
add_report (Totals     *t,
            const char *line)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *o;
  JsonArray *a;
  gint64 settled;

  if (!json_parser_load_from_data (parser, line, -1, NULL))
    g_error ("not a report: %.80s", line);
  o = json_node_get_object (json_parser_get_root (parser));
  t->saves += json_object_get_int_member (o, "saves");
  t->ok += json_object_get_int_member (o, "ok");
  t->conflicts += json_object_get_int_member (o, "conflicts");
  t->conflicts_again += json_object_get_int_member (o, "conflicts_again");
  t->errors += json_object_get_int_member (o, "errors");
  t->notified += json_object_get_int_member (o, "notified");
  settled = json_object_get_int_member (o, "settled_us");
  t->settled += settled >= 0;
  t->settled_max_us = MAX (t->settled_max_us, settled);
  a = json_object_get_array_member (o, "latencies_us");
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      gint64 us = json_array_get_int_element (a, i);

      g_array_append_val (t->latencies, us);
    }
  a = json_object_get_array_member (o, "values");
  for (guint i = 0; i < json_array_get_length (a); i++)
    g_hash_table_add (t->stored, g_strdup (json_array_get_string_element (a, i)));
}

typedef struct
{
  guint rows;      /* history rows written during the run */
  guint missing;   /* stored values that are no new value in the history */
  guint breaks;    /* rows whose old value is not the previous new one, or chains
                    * not ending at the value stored */
} Check;

static const char *
or_empty (const char *text)
{
  return text ? text : "";
}

/* Walks the rows the run added, oldest first, from the values at the start. */
static Check
check_history (MqStore    *store,
               guint       rows_before,
               GHashTable *start,
               GHashTable *now,
               GHashTable *stored)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) history = mq_store_list_history (store, NULL, 0, &error);
  g_autoptr(GHashTable) at = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) written = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer key, value;
  Check check = { 0 };

  if (history == NULL)
    g_error ("%s", error->message);
  for (guint i = history->len - rows_before; i-- > 0; check.rows++)
    {
      const MqHistoryEntry *h = history->pdata[i];
      char *slot = slot_of (h->parcel_id, h->field);
      const char *previous = g_hash_table_lookup (at, slot);

      if (previous == NULL)
        previous = g_hash_table_lookup (start, slot);
      check.breaks += g_strcmp0 (or_empty (h->old_value), previous) != 0;
      g_hash_table_insert (at, slot, g_strdup (or_empty (h->new_value)));
      g_hash_table_add (written, h->new_value);
    }
  g_hash_table_iter_init (&iter, at);
  while (g_hash_table_iter_next (&iter, &key, &value))
    check.breaks += g_strcmp0 (value, g_hash_table_lookup (now, key)) != 0;
  g_hash_table_iter_init (&iter, stored);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    check.missing += !g_hash_table_contains (written, key);
  return check;
}

static guint
history_length (MqStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) history = mq_store_list_history (store, NULL, 0, &error);

  if (history == NULL)
    g_error ("%s", error->message);
  return history->len;
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

static double
percentile_ms (GArray *sorted,
               guint   pct)
{
  if (sorted->len == 0)
    return 0;
  return g_array_index (sorted, gint64, MIN (sorted->len - 1, sorted->len * pct / 100)) / 1000.0;
}

static void
print_totals (const Options *o,
              Totals        *t,
              const Check   *c)
{
  g_array_sort (t->latencies, compare_gint64);
  g_print ("%s, %d editors, %d s, %s pace, %d hot parcels x %u fields\n", o->backend,
           o->editors, o->seconds, o->pace, N_HOT, (guint) G_N_ELEMENTS (fields));
  g_print ("edits stored      %u (%.1f/s)\n", t->ok, (double) t->ok / o->seconds);
  g_print ("commit latency    p50 %.1f ms, p95 %.1f ms, max %.1f ms\n",
           percentile_ms (t->latencies, 50), percentile_ms (t->latencies, 95),
           percentile_ms (t->latencies, 100));
  g_print ("conflicts         %u of %u saves refused (%.1f %%), %u refused again keeping mine\n",
           t->conflicts, t->saves, t->saves ? 100.0 * t->conflicts / t->saves : 0,
           t->conflicts_again);
  g_print ("other errors      %u\n", t->errors);
  g_print ("history rows      %u (edits stored %u)\n", c->rows, t->ok);
  g_print ("lost updates      %u (not in the history %u, chain breaks %u)\n",
           c->missing + c->breaks, c->missing, c->breaks);
  if (is_server (o))
    g_print ("notifications     %" G_GUINT64_FORMAT " history entries of %" G_GUINT64_FORMAT
             " (edits x %d)\nup to date        %u of %u editors, the last after %.2f s\n",
             t->notified, (guint64) t->ok * (o->editors - 1), o->editors - 1, t->settled,
             t->editors, t->settled_max_us / 1e6);
  else
    g_print ("notifications     none: a GeoPackage has no live notifications\n");
}

/* The sample as a project, published when the backend is the server.
 * Returns what editors open. */
static char *
make_project (const Options *o,
              const char    *dir,
              char         **schema)
{
  g_autofree char *sample = mq_core_dup_sample_path ();
  g_autofree char *path = g_build_filename (dir, "bench-server.gpkg", NULL);
  g_autoptr(MqDataset) imported = NULL;
  g_autoptr(GError) error = NULL;

  imported = mq_import (sample, NULL, path, NULL, &error);
  if (imported == NULL)
    g_error ("%s", error->message);
  if (!is_server (o))
    return g_steal_pointer (&path);
  *schema = g_strdup_printf ("mq_bench_%d", (int) getpid ());
  if (!mq_server_publish (path, o->conninfo, *schema, &error))
    g_error ("%s", error->message);
  return g_strdup_printf ("%s%s schema=%s", MQ_SERVER_PREFIX, o->conninfo, *schema);
}

static void
remove_project (const Options *o,
                const char    *dir,
                const char    *schema)
{
  g_autoptr(GDir) files = g_dir_open (dir, 0, NULL);
  const char *name;

  while (files != NULL && (name = g_dir_read_name (files)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
  if (schema != NULL)
    {
      g_autoptr(PGconn) conn = PQconnectdb (o->conninfo);
      g_autofree char *drop = g_strdup_printf ("SET client_min_messages TO warning;"
                                               " DROP SCHEMA \"%s\" CASCADE", schema);
      g_autoptr(PGresult) result = PQexec (conn, drop);

      if (PQresultStatus (result) != PGRES_COMMAND_OK)
        g_printerr ("%s: %s", drop, PQresultErrorMessage (result));
    }
}

static int
run_parent (const Options *o)
{
  g_autofree char *dir = g_dir_make_tmp ("mq-bench-server-XXXXXX", NULL);
  g_autofree char *schema = NULL, *spec = make_project (o, dir, &schema), *stored = NULL;
  g_autoptr(MqDataset) dataset = NULL;
  g_autoptr(MqStore) store = open_project (spec, &dataset);
  g_autoptr(GArray) hot = hot_parcels (dataset);
  g_autoptr(GHashTable) start = hot_values (dataset, hot), now = NULL;
  g_autoptr(GArray) children = NULL;
  guint rows_before = history_length (store);
  Totals t = { .editors = o->editors, .latencies = g_array_new (FALSE, FALSE, sizeof (gint64)),
               .stored = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL) };
  Check c;

  /* Closed while the editors run: a server store would listen to them. */
  g_clear_object (&store);
  g_clear_object (&dataset);
  children = spawn_editors (o, spec);
  expect_from_all (children, "ready");
  tell_all (children, "go");
  expect_from_all (children, "done");
  store = open_project (spec, &dataset);
  g_array_unref (hot);
  hot = hot_parcels (dataset);
  stored = digest (dataset, hot);
  tell_all (children, stored);
  for (guint i = 0; i < children->len; i++)
    {
      Child *child = &g_array_index (children, Child, i);
      g_autofree char *line = hear_from (child);

      add_report (&t, line);
      g_subprocess_wait_check (child->process, NULL, NULL);
    }
  now = hot_values (dataset, hot);
  c = check_history (store, rows_before, start, now, t.stored);
  print_totals (o, &t, &c);
  g_clear_object (&store);
  if (o->keep)
    g_print ("kept: %s\n", spec);
  else
    remove_project (o, dir, schema);
  g_array_unref (t.latencies);
  g_hash_table_unref (t.stored);
  return c.missing + c.breaks > 0;
}

int
main (int   argc,
      char *argv[])
{
  Options o = { .editors = 20, .seconds = 60, .editor = -1 };
  GOptionEntry entries[] = {
    { "editors", 0, 0, G_OPTION_ARG_INT, &o.editors, "Simulated planners (20)", "N" },
    { "seconds", 0, 0, G_OPTION_ARG_INT, &o.seconds, "How long they edit (60)", "S" },
    { "pace", 0, 0, G_OPTION_ARG_STRING, &o.pace, "stress (no pause) or human (0.5–3 s)", "PACE" },
    { "backend", 0, 0, G_OPTION_ARG_STRING, &o.backend, "server or gpkg (gpkg)", "BACKEND" },
    { "conninfo", 0, 0, G_OPTION_ARG_STRING, &o.conninfo, "The server ($MQ_TEST_PG)", "CONNINFO" },
    { "keep", 0, 0, G_OPTION_ARG_NONE, &o.keep, "Keep the project afterwards", NULL },
    { "editor", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT, &o.editor, NULL, NULL },
    { "project", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &o.project, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— several planners on one project");
  g_autoptr(GError) error = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  o.pace = o.pace ? o.pace : g_strdup ("stress");
  o.backend = o.backend ? o.backend : g_strdup ("gpkg");
  o.conninfo = o.conninfo ? o.conninfo : g_strdup (g_getenv ("MQ_TEST_PG"));
  if ((!g_str_equal (o.pace, "stress") && !g_str_equal (o.pace, "human")) ||
      (!g_str_equal (o.backend, "gpkg") && !(is_server (&o) && o.conninfo != NULL)))
    {
      g_printerr ("--pace is stress or human; --backend gpkg, or server with --conninfo"
                  " or $MQ_TEST_PG\n");
      return 2;
    }
  mq_core_init ();
  return o.editor >= 0 ? run_editor (&o) : run_parent (&o);
}
