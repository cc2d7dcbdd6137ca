/* bench-table.c — the parcel table's models at 10⁴–10⁵ rows.
 *
 *   xvfb-run tools/bench/bench-table [--sizes=sample,10000,100000] [--dir=DIR]
 *
 * The real MqParcelTable (GTK needs a display): the time until every row is
 * filtered in after opening, until a sort by mu is done, until a search
 * ("mq00", casefolded substring over six texts), a pinyin-initials search
 * ("tfc") and the overdue chip are
 * applied, and for a map click to select its row (rows are indexed by the
 * first click after a sort or filter; the figure is a later click).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <adwaita.h>

#include "bench-data.h"
#include "mq-core.h"
#include "mq-parcel-table.h"

static double
settle_ms (MqParcelTable *table,
           gint64         start)
{
  GtkSortListModel *sorted = GTK_SORT_LIST_MODEL (mq_parcel_table_get_model (table));
  GtkFilterListModel *filtered = GTK_FILTER_LIST_MODEL (gtk_sort_list_model_get_model (sorted));

  while (gtk_sort_list_model_get_pending (sorted) > 0 || gtk_filter_list_model_get_pending (filtered) > 0)
    g_main_context_iteration (NULL, TRUE);
  return (g_get_monotonic_time () - start) / 1000.0;
}

static void
bench (const char *label,
       const char *path,
       const char *dir,
       gpointer    data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MqProject) project = mq_project_new ();
  MqFilter *filter = mq_project_get_filter (project);
  MqSelection *selection = mq_project_get_selection (project);
  MqParcelTable *table = g_object_ref_sink (g_object_new (MQ_TYPE_PARCEL_TABLE, NULL));
  GtkColumnView *view = mq_parcel_table_get_view (table);
  g_autoptr(GtkColumnViewColumn) mu = NULL;
  double open_ms, sort_ms, search_ms, pinyin_ms, chip_ms, select_ms;
  guint n;
  gint64 start;

  if (!mq_project_open_sync (project, mq_open_request_new (path), &error))
    g_error ("%s", error->message);
  n = mq_parcels_get_n_parcels (mq_dataset_get_parcels (mq_project_get_dataset (project)));
  start = g_get_monotonic_time ();
  mq_parcel_table_set_project (table, project);
  open_ms = settle_ms (table, start);
  mu = g_list_model_get_item (gtk_column_view_get_columns (view), 3);
  start = g_get_monotonic_time ();
  gtk_column_view_sort_by_column (view, mu, GTK_SORT_DESCENDING);
  sort_ms = settle_ms (table, start);
  start = g_get_monotonic_time ();
  g_object_set (filter, "text", "mq00", NULL);
  search_ms = settle_ms (table, start);
  /* Pinyin initials: 同福村 is "tfc"; the first such search transliterates. */
  start = g_get_monotonic_time ();
  g_object_set (filter, "text", "tfc", NULL);
  pinyin_ms = settle_ms (table, start);
  mq_filter_reset (filter);
  settle_ms (table, g_get_monotonic_time ());
  start = g_get_monotonic_time ();
  g_object_set (filter, "overdue", TRUE, NULL);
  chip_ms = settle_ms (table, start);
  mq_filter_reset (filter);
  settle_ms (table, g_get_monotonic_time ());
  /* The first click after a sort or filter finds every row once; later
   * clicks are what a user feels while working. */
  mq_selection_select_only (selection, n / 3);
  start = g_get_monotonic_time ();
  mq_selection_select_only (selection, n / 2);
  select_ms = (g_get_monotonic_time () - start) / 1000.0;
  g_print ("%-8s %9u %9.1f %9.1f %9.1f %9.1f %9.1f %9.1f\n", label, n, open_ms, sort_ms, search_ms,
           pinyin_ms, chip_ms, select_ms);
  g_object_unref (table);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *header = g_strdup_printf ("%-8s %9s %9s %9s %9s %9s %9s %9s", "data", "rows",
                                             "open ms", "sort ms", "search ms", "pinyin ms",
                                             "chip ms", "select ms");

  gtk_init ();
  adw_init ();
  return bench_run (argc, argv, "sample,10000,100000", NULL, header, bench, NULL);
}
