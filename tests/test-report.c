/* test-report.c — the PDF report as a reader sees it: its text (pdftotext),
 * pages (pdfinfo), fonts (pdffonts) and pixels (pdftoppm).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <cairo.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "mq-core.h"
#include "test-util.h"
#include "mq-report.h"
#include "mq-style.h"

static MqDataset *sample;
static char *dir;

static char *
run (const char *const *argv)
{
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return out;
}

static char *
export (const char *name,
        const char *extra1,
        const char *extra2)
{
  char *pdf = g_build_filename (dir, name, NULL);
  g_autofree char *arg = g_strconcat ("--export-pdf=", pdf, NULL);
  const char *argv[] = { g_getenv ("MQ_BINARY"), "--sample", arg, extra1, extra2, NULL };
  g_free (run (argv));

  g_assert_true (g_file_test (pdf, G_FILE_TEST_EXISTS));
  return pdf;
}

static guint
flagged_count (void)
{
  MqParcels *parcels = mq_dataset_get_parcels (sample);
  guint n = 0;

  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    n += mq_parcels_get (parcels, i)->flagged;
  return n;
}

static char *
pdfinfo_field (const char *pdf,
               const char *field)
{
  const char *argv[] = { "pdfinfo", pdf, NULL };
  g_autofree char *out = run (argv);
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], field))
      return g_strstrip (g_strdup (lines[i] + strlen (field) + 1));
  g_error ("pdfinfo has no %s", field);
}

/* Title, legend, every flagged parcel in the table, and the page count. */
static void
test_text_and_pages (void)
{
  g_autofree char *pdf = export ("atlas.pdf", "--atlas", "--title=马桥试验区转型升级图");
  const char *argv[] = { "pdftotext", "-layout", pdf, "-", NULL };
  g_autofree char *text = run (argv);
  g_autofree char *pages = pdfinfo_field (pdf, "Pages");
  g_autofree char *size = pdfinfo_field (pdf, "Page size");
  g_autofree char *title = pdfinfo_field (pdf, "Title");
  MqParcels *parcels = mq_dataset_get_parcels (sample);
  guint n = flagged_count ();

  g_assert_nonnull (strstr (text, "马桥试验区转型升级图"));
  g_assert_cmpstr (title, ==, "马桥试验区转型升级图");
  g_assert_nonnull (strstr (text, "No lock held"));
  g_assert_nonnull (strstr (text, "All 4 locks"));
  g_assert_nonnull (strstr (text, "Page 1 of"));
  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    if (mq_parcels_get (parcels, i)->flagged)
      g_assert_nonnull (strstr (text, mq_parcels_get (parcels, i)->id));
  /* A3 landscape: the overview, the table (43 rows a page), deadlines, the atlas. */
  g_assert_true (g_str_has_prefix (size, "1190.55 x 841.89"));
  g_assert_cmpint (atoi (pages), ==, 1 + (n + 42) / 43 + 1 + n);
}

static void
test_paper_a4 (void)
{
  g_autofree char *pdf = export ("a4.pdf", "--paper=A4", NULL);
  g_autofree char *pages = pdfinfo_field (pdf, "Pages");
  g_autofree char *size = pdfinfo_field (pdf, "Page size");
  guint n = flagged_count ();

  g_assert_true (g_str_has_prefix (size, "841.89 x 595.28"));
  /* 26 table rows a page on A4 landscape; no atlas. */
  g_assert_cmpint (atoi (pages), ==, 1 + (n + 25) / 26 + 1);
}

/* Every font embedded: the report prints the same anywhere. */
static void
test_fonts_embedded (void)
{
  g_autofree char *pdf = export ("fonts.pdf", NULL, NULL);
  const char *argv[] = { "pdffonts", pdf, NULL };
  g_autofree char *out = run (argv);
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
  guint fonts = 0;

  for (guint i = 2; lines[i] != NULL && *lines[i] != '\0'; i++)
    {
      g_auto(GStrv) words = g_strsplit_set (lines[i], " ", -1);
      g_autoptr(GPtrArray) cells = g_ptr_array_new ();

      for (guint w = 0; words[w] != NULL; w++)
        if (*words[w] != '\0')
          g_ptr_array_add (cells, words[w]);
      /* name type [type] encoding emb sub uni object ID: emb is 5th from the end. */
      g_assert_cmpstr (g_ptr_array_index (cells, cells->len - 5), ==, "yes");
      fonts++;
    }
  g_assert_cmpuint (fonts, >, 0);
  g_assert_nonnull (strstr (out, "NotoSansCJK"));
}

/* Page 1 at 72 dpi: a pixel is a point; large flagged parcels show their
 * four-locks colour at a point inside them. */
static void
test_map_pixels (void)
{
  g_autofree char *pdf = export ("pixels.pdf", NULL, NULL);
  g_autofree char *stem = g_build_filename (dir, "page", NULL);
  g_autofree char *png = g_strconcat (stem, "-1.png", NULL);
  const char *argv[] = { "pdftoppm", "-png", "-r", "72", "-f", "1", "-l", "1", pdf, stem, NULL };
  g_free (run (argv));
  MqReportOptions options = { 0 };
  g_autoptr(MqViewport) vp = mq_viewport_new ();
  MqParcels *parcels = mq_dataset_get_parcels (sample);
  const MqShapes *shapes = mq_parcels_get_shapes (parcels);
  cairo_surface_t *page = cairo_image_surface_create_from_png (png);
  const guint8 *data;
  guint checked = 0, matched = 0;
  MqBox frame;

  g_assert_cmpint (cairo_surface_status (page), ==, CAIRO_STATUS_SUCCESS);
  data = cairo_image_surface_get_data (page);
  mq_report_map_frame (&options, sample, &frame, vp);
  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    {
      const MqParcel *p = mq_parcels_get (parcels, i);
      const MqBox b = mq_shapes_get_bbox (shapes, i);
      double cx = (b.min_x + b.max_x) / 2, cy = (b.min_y + b.max_y) / 2, sx, sy;
      guint32 px;
      MqRgb c;

      if (!p->flagged || p->area_m2 < 40 * MQ_M2_PER_MU || mq_parcels_hit_test (parcels, cx, cy) != (int) i)
        continue;
      mq_viewport_map_to_screen (vp, cx, cy, &sx, &sy);
      px = *(const guint32 *) (data + (int) (frame.min_y + sy) * cairo_image_surface_get_stride (page) +
                               (int) (frame.min_x + sx) * 4);
      mq_style_locks_color (mq_parcel_get_locks_held (p), &c);
      checked++;
      matched += abs ((int) (px >> 16 & 0xff) - (int) (c.r * 255 + 0.5)) <= 3 &&
                 abs ((int) (px >> 8 & 0xff) - (int) (c.g * 255 + 0.5)) <= 3 &&
                 abs ((int) (px & 0xff) - (int) (c.b * 255 + 0.5)) <= 3;
    }
  cairo_surface_destroy (page);
  g_assert_cmpuint (checked, >, 10);
  g_assert_cmpuint (matched, >=, checked * 8 / 10);
}

/* A report that cannot be written: exit 2, a one-line error naming the file,
 * and no half-written PDF left behind. */
static void
assert_export_fails (const char           *pdf,
                     GSpawnChildSetupFunc  child_setup)
{
  g_autofree char *arg = g_strconcat ("--export-pdf=", pdf, NULL);
  g_autofree char *named = g_strconcat (pdf, ": cannot be written", NULL);
  const char *argv[] = { g_getenv ("MQ_BINARY"), "--sample", arg, NULL };
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, 0, child_setup, NULL, NULL, &err, &status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 2);
  g_assert_nonnull (strstr (err, named));
  g_assert_cmpstr (strchr (err, '\n'), ==, "\n");   /* one line */
  g_assert_false (g_file_test (pdf, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (test_count_parts (pdf), ==, 0);
}

static void
test_unwritable (void)
{
  g_autofree char *pdf = g_build_filename (dir, "no-such-dir", "r.pdf", NULL);

  assert_export_fails (pdf, NULL);
}

/* A disk that fills half-way through: a file may grow only to 64 KiB (the
 * report is ~1 MB), so writing fails the way a full disk fails. */
static void
limit_file_size (gpointer data)
{
  struct rlimit limit = { 64 * 1024, 64 * 1024 };

  signal (SIGXFSZ, SIG_IGN);
  setrlimit (RLIMIT_FSIZE, &limit);
}

static void
test_disk_full (void)
{
  g_autofree char *pdf = g_build_filename (dir, "full.pdf", NULL);

  assert_export_fails (pdf, limit_file_size);
}

/* A process id that no process has any more. */
static GPid
dead_pid (void)
{
  const char *argv[] = { "true", NULL };
  g_autoptr(GError) error = NULL;
  GPid pid = 0;

  g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD,
                 NULL, NULL, &pid, &error);
  g_assert_no_error (error);
  g_assert_cmpint (waitpid (pid, NULL, 0), ==, pid);
  return pid;
}

/* A report killed half-way leaves a .part; the next report to that name
 * removes it (its process is gone), never takes it for the report, and
 * leaves a running process's .part alone. */
static void
test_stale_part (void)
{
  g_autofree char *pdf = g_build_filename (dir, "stale.pdf", NULL);
  g_autofree char *dead = g_strdup_printf ("%s.%d-abcdef.part", pdf, (int) dead_pid ());
  g_autofree char *alive = g_strdup_printf ("%s.%d-abcdef.part", pdf, (int) getpid ());
  g_autofree char *head = NULL;

  g_assert_true (g_file_set_contents (dead, "half a report", -1, NULL));
  g_assert_true (g_file_set_contents (alive, "another report being written", -1, NULL));
  g_free (export ("stale.pdf", NULL, NULL));
  g_assert_false (g_file_test (dead, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (alive, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_get_contents (pdf, &head, NULL, NULL));
  g_assert_true (g_str_has_prefix (head, "%PDF"));
  g_unlink (alive);
  g_assert_cmpuint (test_count_parts (pdf), ==, 0);
}

/* A report named like the project it reads (or its -wal, or through "..")
 * is refused; the project is as it was. */
static void
test_not_over_input (void)
{
  g_autofree char *sub = g_build_filename (dir, "sub", NULL);
  g_autofree char *project = NULL;
  g_autofree char *before = NULL, *after = NULL;
  gsize before_len, after_len;
  const char *names[] = { "p.gpkg", "p.gpkg-wal", "../sub/p.gpkg" };

  g_assert_cmpint (g_mkdir (sub, 0755), ==, 0);
  project = test_copy_sample (sub, "p.gpkg");
  g_assert_true (g_file_get_contents (project, &before, &before_len, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *target = g_build_filename (sub, names[i], NULL);
      g_autofree char *arg = g_strconcat ("--export-pdf=", target, NULL);
      const char *argv[] = { g_getenv ("MQ_BINARY"), project, arg, NULL };
      g_autofree char *err = NULL;
      int status = 0;

      g_spawn_sync (NULL, (char **) argv, NULL, 0, NULL, NULL, NULL, &err, &status, NULL);
      g_assert_true (WIFEXITED (status));
      g_assert_cmpint (WEXITSTATUS (status), ==, 2);
      g_assert_nonnull (strstr (err, "is the project being read"));
      g_assert_cmpstr (strchr (err, '\n'), ==, "\n");
    }
  g_assert_true (g_file_get_contents (project, &after, &after_len, NULL));
  g_assert_cmpuint (after_len, ==, before_len);
  g_assert_true (memcmp (before, after, before_len) == 0);
  test_remove_dir (sub);
}

/* An edit of the project appears in its parcel's atlas page, with who and when. */
static void
test_atlas_history (void)
{
  g_autofree char *project = test_copy_sample (dir, "history.gpkg");
  g_autofree char *table = g_build_filename (dir, "history.csv", NULL);
  g_autofree char *pdf = g_build_filename (dir, "history.pdf", NULL);
  g_autofree char *apply = g_strconcat ("--apply-csv=", table, NULL);
  g_autofree char *export_arg = g_strconcat ("--export-pdf=", pdf, NULL);
  g_autofree char *csv = NULL, *text = NULL;
  MqParcels *parcels = mq_dataset_get_parcels (sample);
  const char *id = NULL;

  for (guint i = 0; id == NULL; i++)
    if (mq_parcels_get (parcels, i)->flagged)
      id = mq_parcels_get (parcels, i)->id;
  csv = g_strdup_printf ("parcel_id,project\n%s,智慧物流园二期项目\n", id);
  g_assert_true (g_file_set_contents (table, csv, -1, NULL));
  {
    const char *argv[] = { g_getenv ("MQ_BINARY"), apply, project, NULL };
    const char *export_argv[] = { g_getenv ("MQ_BINARY"), export_arg, "--atlas", project, NULL };
    const char *text_argv[] = { "pdftotext", pdf, "-", NULL };

    g_free (run (argv));
    g_free (run (export_argv));
    text = run (text_argv);
  }
  g_assert_nonnull (strstr (text, "Recent changes"));
  g_assert_nonnull (strstr (text, "→ 智慧物流园二期项目"));
  g_assert_nonnull (strstr (text, g_get_user_name ()));
  /* Parcels nobody changed say so. */
  g_assert_nonnull (strstr (text, "No changes recorded in this file yet."));
}

/* ---- #15 labels ---- */

/* Page 1's text, as pdftotext reads it. */
static char *
first_page_text (const char *pdf)
{
  const char *argv[] = { "pdftotext", "-f", "1", "-l", "1", pdf, "-", NULL };

  return run (argv);
}

static guint
count_in (const char *text,
          const char *what)
{
  guint n = 0;

  for (const char *at = strstr (text, what); at != NULL; at = strstr (at + strlen (what), what))
    n++;
  return n;
}

/* The map's labels are in the text layer once each: the halo round them
 * is a path, not the text drawn again (a search or a copy finds one). */
static void
test_labels_once (void)
{
  g_autofree char *pdf = export ("labels.pdf", NULL, NULL);
  g_autofree char *text = first_page_text (pdf);
  MqParcels *parcels = mq_dataset_get_parcels (sample);
  guint ids = 0;

  g_assert_cmpuint (count_in (text, "产业创新发展区"), ==, 1);
  g_assert_cmpuint (count_in (text, "应用综合实践区"), ==, 1);
  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    {
      guint n = count_in (text, mq_parcels_get (parcels, i)->id);

      g_assert_cmpuint (n, <=, 1);
      ids += n;
    }
  g_assert_cmpuint (ids, >=, 10);
}

/* --label-field=owner: the map names flagged parcels' owners, not ids;
 * a field that does not exist is refused, naming the choices. */
static void
test_label_field_option (void)
{
  g_autofree char *pdf = export ("owners.pdf", "--label-field=owner", NULL);
  g_autofree char *text = first_page_text (pdf);
  g_autofree char *bad = g_build_filename (dir, "bad.pdf", NULL);
  g_autofree char *bad_arg = g_strconcat ("--export-pdf=", bad, NULL);
  const char *argv[] = { g_getenv ("MQ_BINARY"), "--sample", bad_arg, "--label-field=area", NULL };
  MqParcels *parcels = mq_dataset_get_parcels (sample);
  g_autofree char *err = NULL;
  guint owners = 0;
  int status = 0;

  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    {
      const MqParcel *p = mq_parcels_get (parcels, i);

      g_assert_null (strstr (text, p->id));
      owners += p->flagged && p->owner != NULL && strstr (text, p->owner) != NULL;
    }
  g_assert_cmpuint (owners, >=, 5);
  g_spawn_sync (NULL, (char **) argv, NULL, 0, NULL, NULL, NULL, &err, &status, NULL);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), !=, 0);
  g_assert_nonnull (strstr (err, "--label-field=area"));
  g_assert_false (g_file_test (bad, G_FILE_TEST_EXISTS));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *gpkg = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  mq_core_init ();
  gpkg = g_build_filename (g_getenv ("MQ_SAMPLE_DIR"), "maqiao.gpkg", NULL);
  sample = mq_dataset_load (gpkg, NULL, NULL, NULL);
  dir = g_dir_make_tmp ("mq-report-XXXXXX", NULL);
  g_test_add_func ("/report/text-and-pages", test_text_and_pages);
  g_test_add_func ("/report/paper-a4", test_paper_a4);
  g_test_add_func ("/report/fonts-embedded", test_fonts_embedded);
  g_test_add_func ("/report/map-pixels", test_map_pixels);
  g_test_add_func ("/report/unwritable", test_unwritable);
  g_test_add_func ("/report/atlas-history", test_atlas_history);
  g_test_add_func ("/report/disk-full", test_disk_full);
  g_test_add_func ("/report/stale-part", test_stale_part);
  g_test_add_func ("/report/not-over-input", test_not_over_input);
  g_test_add_func ("/report/labels-once", test_labels_once);
  g_test_add_func ("/report/label-field-option", test_label_field_option);
  status = g_test_run ();
  test_remove_dir (dir);
  g_object_unref (sample);
  g_free (dir);
  return status;
}
