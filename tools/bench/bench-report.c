/* bench-report.c — how long the PDF report takes and how big it is.
 *
 *   bench-report [--sizes=sample,10000] [--dir=DIR]
 *
 * For each data set: the report without and with the atlas (a page per flagged
 * parcel), wall time in seconds and file size in MB.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>

#include "bench-data.h"
#include "mq-core.h"
#include "mq-report.h"

static void
write_report (MqDataset  *dataset,
              const char *pdf,
              gboolean    atlas,
              double     *seconds,
              double     *megabytes)
{
  MqReportOptions options = { .atlas = atlas };
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  GStatBuf st;

  if (!mq_report_write_pdf (dataset, pdf, &options, &error))
    g_error ("%s", error->message);
  *seconds = (g_get_monotonic_time () - start) / 1e6;
  *megabytes = g_stat (pdf, &st) == 0 ? st.st_size / 1e6 : 0;
  g_unlink (pdf);
}

static void
bench (const char *label,
       const char *path,
       const char *dir,
       gpointer    data)
{
  gboolean synthetic = !g_str_equal (label, "sample");
  g_autoptr(GError) error = NULL;
  g_autoptr(MqDataset) dataset = mq_dataset_load (path, NULL, NULL, &error);
  g_autofree char *pdf = g_build_filename (dir, "bench-report.pdf", NULL);
  MqParcels *parcels;
  double s, mb, atlas_s, atlas_mb;
  guint flagged = 0;

  if (dataset == NULL)
    g_error ("%s", error->message);
  parcels = mq_dataset_get_parcels (dataset);
  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    {
      /* The synthetic survey has no 是否转型 field: flag one parcel in ten, about
       * the sample's share, so the table and atlas have rows to lay out. */
      if (!synthetic)
        flagged += mq_parcels_get (parcels, i)->flagged;
      else if (i % 10 == 0)
        flagged += ((MqParcel *) mq_parcels_get (parcels, i))->flagged = TRUE;
    }
  write_report (dataset, pdf, FALSE, &s, &mb);
  write_report (dataset, pdf, TRUE, &atlas_s, &atlas_mb);
  g_print ("%-10s %9u %9u %9.2f %9.2f %9.2f %9.2f\n", label, mq_parcels_get_n_parcels (parcels),
           flagged, s, mb, atlas_s, atlas_mb);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *header = g_strdup_printf ("%-10s %9s %9s %9s %9s %9s %9s", "data", "parcels",
                                             "flagged", "report s", "MB", "atlas s", "atlas MB");

  return bench_run (argc, argv, "sample,10000", NULL, header, bench, NULL);
}
