/* bench-store.c — how fast edits reach the disk, and status tables apply.
 *
 *   bench-store [--sizes=sample,10000,100000] [--dir=DIR]
 *
 * For each data set, made into a project: opening the store; one edit
 * (validated, one transaction with fsync, history, memory) — median and p95
 * of 50; undo; a status table touching every tenth parcel (read, checked,
 * applied in one transaction); and the whole exported table applied back
 * unchanged (read and compared, nothing written).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>

#include "bench-data.h"
#include "mq-core.h"

#define EDITS 50

static double
ms_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static char *
make_project (const char *label,
              const char *source,
              const char *dir)
{
  g_autofree char *name = g_strdup_printf ("bench-store-%s.gpkg", label);
  char *project = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(MqDataset) imported = NULL;

  g_unlink (project);
  imported = mq_import (source, NULL, project, NULL, &error);
  if (imported == NULL)
    g_error ("%s", error->message);
  return project;
}

static void
time_edits (MqStore *store,
            double  *median,
            double  *p95,
            double  *undo_ms)
{
  guint n = mq_parcels_get_n_parcels (mq_dataset_get_parcels (mq_store_get_dataset (store)));
  double times[EDITS];
  gint64 start;

  for (guint k = 0; k < EDITS; k++)
    {
      g_autoptr(MqEdit) edit = mq_edit_new (MQ_EDIT_ACTION_EDIT);
      g_autofree char *note = g_strdup_printf ("bench %u", k);

      mq_edit_set (edit, (k * 7919) % n, MQ_FIELD_NOTES, note, 0);
      start = g_get_monotonic_time ();
      if (!mq_store_apply (store, edit, NULL))
        g_error ("edit failed");
      times[k] = ms_since (start);
    }
  qsort (times, EDITS, sizeof (double), compare_double);
  *median = times[EDITS / 2];
  *p95 = times[EDITS * 95 / 100];
  start = g_get_monotonic_time ();
  mq_store_undo (store, NULL);
  *undo_ms = ms_since (start);
}

/* Every tenth parcel gets an entity and its lock, as a town's table would. */
static double
time_table (MqStore    *store,
            const char *dir)
{
  MqParcels *parcels = mq_dataset_get_parcels (mq_store_get_dataset (store));
  g_autofree char *path = g_build_filename (dir, "bench-store-table.csv", NULL);
  g_autoptr(GString) text = g_string_new ("parcel_id,responsible_entity,lock_owner\n");
  g_autoptr(MqEdit) edit = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;

  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i += 10)
    g_string_append_printf (text, "%s,马桥镇经发办,1\n", mq_parcels_get (parcels, i)->id);
  g_file_set_contents (path, text->str, -1, NULL);
  start = g_get_monotonic_time ();
  edit = mq_csv_read_updates (parcels, path, &error);
  if (edit == NULL || !mq_store_apply (store, edit, &error))
    g_error ("%s", error->message);
  g_unlink (path);
  return ms_since (start);
}

static double
time_unchanged_table (MqStore    *store,
                      const char *dir)
{
  MqDataset *dataset = mq_store_get_dataset (store);
  g_autofree char *path = g_build_filename (dir, "bench-store-export.csv", NULL);
  g_autoptr(MqEdit) edit = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;

  if (!mq_csv_export (dataset, path, FALSE, &error))
    g_error ("%s", error->message);
  start = g_get_monotonic_time ();
  edit = mq_csv_read_updates (mq_dataset_get_parcels (dataset), path, &error);
  if (edit == NULL || !mq_store_apply (store, edit, &error))
    g_error ("%s", error ? error->message : "failed");
  g_unlink (path);
  return ms_since (start);
}

static void
bench (const char *label,
       const char *source,
       const char *dir,
       gpointer    data)
{
  g_autofree char *project = make_project (label, source, dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(MqDataset) dataset = mq_dataset_load (project, NULL, NULL, &error);
  g_autoptr(MqStore) store = NULL;
  double open_ms, median, p95, undo_ms, table_ms, unchanged_ms;
  gint64 start = g_get_monotonic_time ();

  if (dataset == NULL)
    g_error ("%s", error->message);
  store = mq_store_open (dataset, &error);
  if (store == NULL)
    g_error ("%s", error->message);
  open_ms = ms_since (start);
  time_edits (store, &median, &p95, &undo_ms);
  table_ms = time_table (store, dir);
  unchanged_ms = time_unchanged_table (store, dir);
  g_print ("%-8s %9u %9.1f %9.2f %9.2f %9.2f %11.0f %11.0f\n", label,
           mq_parcels_get_n_parcels (mq_dataset_get_parcels (dataset)), open_ms, median, p95,
           undo_ms, table_ms, unchanged_ms);
  g_clear_object (&store);
  g_unlink (project);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *header = g_strdup_printf ("%-8s %9s %9s %9s %9s %9s %11s %11s", "data",
                                             "parcels", "open ms", "edit ms", "p95 ms", "undo ms",
                                             "table ms", "same ms");

  return bench_run (argc, argv, "sample,10000,100000", NULL, header, bench, NULL);
}
