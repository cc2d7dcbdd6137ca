/* test-report.c — the PDF report as a reader sees it: its text (pdftotext),
 * pages (pdfinfo), fonts (pdffonts) and pixels (pdftoppm).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <cairo.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
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
#include "mq-report-set.h"
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

/* The sample's report with its atlas, titled, written once for the tests
 * that read it (an atlas is most of the suite's time under a sanitizer). */
static const char *
atlas_report (void)
{
  static char *pdf;

  if (pdf == NULL)
    pdf = export ("atlas.pdf", "--atlas", "--title=马桥试验区转型升级图");
  return pdf;
}

/* The pages of a PDF's text (pdftotext ends each with a form feed). */
static GStrv
pages_of (const char *pdf)
{
  const char *argv[] = { "pdftotext", "-layout", pdf, "-", NULL };
  g_autofree char *text = run (argv);

  return g_strsplit (text, "\f", -1);
}

static guint
pages_with (GStrv       pages,
            const char *what)
{
  guint n = 0;

  for (guint i = 0; pages[i] != NULL; i++)
    n += strstr (pages[i], what) != NULL;
  return n;
}

/* The flagged table's rows over its pages: each row's parcel id, in
 * order, and its 序号 into @numbers. */
static GPtrArray *
table_rows (GStrv   pages,
            GArray *numbers)
{
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; pages[i] != NULL; i++)
    {
      g_auto(GStrv) lines = NULL;

      if (strstr (pages[i], "Parcels flagged for upgrade and their four locks") == NULL)
        continue;
      lines = g_strsplit (pages[i], "\n", -1);
      for (guint l = 0; lines[l] != NULL; l++)
        {
          char *end = NULL;
          char *line = g_strchug (lines[l]);
          guint number = (guint) g_ascii_strtoull (line, &end, 10);

          if (end == line || !g_str_has_prefix (g_strchug (end), "MQ"))
            continue;
          g_ptr_array_add (ids, g_strndup (end, strcspn (end, " ")));
          g_array_append_val (numbers, number);
        }
    }
  return ids;
}

/* The table numbers its rows 1…n over its pages and ends with the total. */
static void
assert_table_numbered (GStrv pages,
                       guint n)
{
  g_autofree char *total = g_strdup_printf ("%u parcels", n);
  g_autoptr(GArray) numbers = g_array_new (FALSE, FALSE, sizeof (guint));

  g_ptr_array_unref (table_rows (pages, numbers));
  g_assert_cmpuint (numbers->len, ==, n);
  for (guint k = 0; k < numbers->len; k++)
    g_assert_cmpuint (g_array_index (numbers, guint, k), ==, k + 1);
  g_assert_cmpuint (pages_with (pages, total), ==, 1);
}

/* Title, legend, every flagged parcel in the table numbered, and the page
 * count: the overview, the table, the deadlines, the atlas. */
static void
test_text_and_pages (void)
{
  const char *pdf = atlas_report ();
  const char *argv[] = { "pdftotext", "-layout", pdf, "-", NULL };
  g_autofree char *text = run (argv);
  g_auto(GStrv) pages = pages_of (pdf);
  g_autofree char *n_pages = pdfinfo_field (pdf, "Pages");
  g_autofree char *size = pdfinfo_field (pdf, "Page size");
  g_autofree char *title = pdfinfo_field (pdf, "Title");
  MqParcels *parcels = mq_dataset_get_parcels (sample);
  guint n = flagged_count ();
  guint table = pages_with (pages, "Parcels flagged for upgrade and their four locks");
  guint deadlines = pages_with (pages, "Deadlines: overdue and due within 30 days");

  g_assert_nonnull (strstr (text, "马桥试验区转型升级图"));
  g_assert_cmpstr (title, ==, "马桥试验区转型升级图");
  g_assert_nonnull (strstr (text, "No lock held"));
  g_assert_nonnull (strstr (text, "All 4 locks"));
  g_assert_nonnull (strstr (text, "Page 1 of"));
  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    if (mq_parcels_get (parcels, i)->flagged)
      g_assert_nonnull (strstr (text, mq_parcels_get (parcels, i)->id));
  assert_table_numbered (pages, n);
  g_assert_true (g_str_has_prefix (size, "1190.55 x 841.89"));
  g_assert_cmpuint (table, >=, 2);   /* 80 rows do not fit one page */
  g_assert_cmpuint (pages_with (pages, "Page total"), ==, table);
  g_assert_cmpuint (deadlines, ==, 1);
  /* The progress curves have a page, its legend naming what is drawn. */
  g_assert_cmpuint (pages_with (pages, "Progress over Time"), ==, 1);
  g_assert_cmpuint (pages_with (pages, "Planned (deadlines)"), ==, 1);
  g_assert_cmpuint (pages_with (pages, "Fully locked land by method"), ==, 1);
  g_assert_cmpint (atoi (n_pages), ==, 2 + table + deadlines + n);
}

/* --changes-since with --export-pdf: the first page says what changed since
 * that day, the parcels mq_changes_since() finds listed on it; the rest of
 * the report follows as ever. */
static void
test_changes_page (void)
{
  g_autofree char *project = g_build_filename (g_getenv ("MQ_SAMPLE_DIR"), "maqiao.gpkg", NULL);
  g_autofree char *pdf = g_build_filename (dir, "changes.pdf", NULL);
  g_autofree char *arg = g_strconcat ("--export-pdf=", pdf, NULL);
  const char *argv[] = { g_getenv ("MQ_BINARY"), arg, "--changes-since=2026-06-30", project, NULL };
  g_autoptr(MqDataset) dataset = mq_dataset_load (project, NULL, NULL, NULL);
  g_autoptr(MqChanges) changes = NULL;
  g_auto(GStrv) pages = NULL;
  GArray *changed;
  GDate since;

  g_free (run (argv));
  pages = pages_of (pdf);
  g_date_clear (&since, 1);
  g_date_set_dmy (&since, 30, 6, 2026);
  changes = mq_changes_since (dataset, &since, mq_today (), NULL, NULL);
  changed = mq_changes_get_changed (changes);
  g_assert_cmpuint (changed->len, >, 0);
  g_assert_nonnull (strstr (pages[0], "Changes since 2026-06-30"));
  g_assert_nonnull (strstr (pages[0], "What changed"));
  for (guint k = 0; k < changed->len; k++)
    g_assert_nonnull (strstr (pages[0], mq_parcels_get (mq_dataset_get_parcels (dataset),
                                                        g_array_index (changed, MqChangedParcel, k).parcel)->id));
  g_assert_cmpuint (pages_with (pages, "Changes since"), ==, 1);
  g_assert_nonnull (strstr (pages[1], "Maqiao AI Pilot Zone: Industrial Land Transformation"));
}

static void
test_paper_a4 (void)
{
  g_autofree char *pdf = export ("a4.pdf", "--paper=A4", NULL);
  g_auto(GStrv) pages = pages_of (pdf);
  g_autofree char *n_pages = pdfinfo_field (pdf, "Pages");
  g_autofree char *size = pdfinfo_field (pdf, "Page size");
  guint n = flagged_count ();
  guint table = pages_with (pages, "Parcels flagged for upgrade and their four locks");

  g_assert_true (g_str_has_prefix (size, "841.89 x 595.28"));
  /* Fewer rows a page on A4: more table pages; no atlas. */
  assert_table_numbered (pages, n);
  g_assert_cmpuint (table, >=, 3);
  g_assert_cmpint (atoi (n_pages), ==, 2 + table + pages_with (pages, "Deadlines: overdue"));
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

/* The text inside page 1's map frame, as pdftotext reads it: the map's
 * labels (beside it are figures that name parcels too). */
static char *
first_page_text (const char *pdf)
{
  MqReportOptions options = { 0 };
  g_autoptr(MqViewport) vp = mq_viewport_new ();
  MqBox f;
  g_autofree char *x = NULL, *y = NULL, *w = NULL, *h = NULL;

  mq_report_map_frame (&options, sample, &f, vp);
  x = g_strdup_printf ("%.0f", f.min_x), y = g_strdup_printf ("%.0f", f.min_y);
  w = g_strdup_printf ("%.0f", f.max_x - f.min_x), h = g_strdup_printf ("%.0f", f.max_y - f.min_y);
  {
    const char *argv[] = { "pdftotext", "-f", "1", "-l", "1", "-x", x, "-y", y, "-W", w, "-H", h, pdf, "-", NULL };

    return run (argv);
  }
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

/* ---- #17 pages that pass review ---- */

/* The flagged parcels overdue, most overdue first (the id between equals). */
static int
by_deadline (gconstpointer a,
             gconstpointer b)
{
  const MqParcel *pa = *(const MqParcel * const *) a, *pb = *(const MqParcel * const *) b;

  if (pa->deadline != pb->deadline)
    return pa->deadline < pb->deadline ? -1 : 1;
  return g_strcmp0 (pa->id, pb->id);
}

static GPtrArray *
overdue_parcels (void)
{
  MqParcels *parcels = mq_dataset_get_parcels (sample);
  GPtrArray *overdue = g_ptr_array_new ();
  guint32 today = mq_today ();

  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    if (mq_parcels_get (parcels, i)->flagged && mq_parcel_is_overdue (mq_parcels_get (parcels, i), today))
      g_ptr_array_add (overdue, (gpointer) mq_parcels_get (parcels, i));
  g_ptr_array_sort (overdue, by_deadline);
  return overdue;
}

/* The deadlines page is a table, most overdue first, saying by how many
 * days in the user's language; every overdue parcel is in it, in order. */
static void
test_deadlines_table (void)
{
  g_autofree char *pdf = NULL;
  g_auto(GStrv) pages = NULL;
  g_autoptr(GPtrArray) overdue = overdue_parcels ();
  const MqParcel *first;
  g_autofree char *figure = NULL;
  const char *page = NULL, *at, *last = NULL;

  g_assert_cmpuint (overdue->len, >=, 5);
  g_setenv ("LANGUAGE", "zh_CN", TRUE);
  pdf = export ("deadlines.pdf", NULL, NULL);
  g_unsetenv ("LANGUAGE");
  pages = pages_of (pdf);
  for (guint i = 0; pages[i] != NULL && page == NULL; i++)
    if (strstr (pages[i], "期限：已逾期及 30 天内到期") != NULL)
      page = pages[i];
  g_assert_nonnull (page);
  first = g_ptr_array_index (overdue, 0);
  figure = g_strdup_printf ("逾期 %u 天", mq_parcel_days_overdue (first, mq_today ()));
  /* The first row: the most overdue parcel, its figure on its line. */
  at = strstr (page, "序号");
  g_assert_nonnull (at);
  at = strstr (at, "MQ");
  g_assert_true (g_str_has_prefix (at, first->id));
  g_assert_nonnull (strstr (at, figure));
  g_assert_true (strstr (at, figure) < strchr (at, '\n'));
  for (guint k = 0; k < overdue->len; k++)
    {
      const char *row = strstr (page, ((const MqParcel *) g_ptr_array_index (overdue, k))->id);

      g_assert_nonnull (row);
      g_assert_true (last == NULL || row > last);
      last = row;
    }
}

/* Page 1 is at a round scale, says so in its title block with the
 * coordinate system, and the zone fits its frame at that scale. */
static void
test_round_scale (void)
{
  g_autofree char *pdf = NULL;
  g_autofree char *text = NULL;
  MqReportOptions options = { 0 };
  g_autoptr(MqViewport) vp = mq_viewport_new ();
  const char *at;
  GString *digits = g_string_new (NULL);
  double scale, frame_scale, mantissa;
  MqBox frame, extent, shown;

  g_setenv ("LANGUAGE", "zh_CN", TRUE);
  pdf = export ("scale.pdf", "--unit=闵行区规划和自然资源局", NULL);
  g_unsetenv ("LANGUAGE");
  {
    const char *argv[] = { "pdftotext", "-f", "1", "-l", "1", "-layout", pdf, "-", NULL };
    text = run (argv);
  }
  g_assert_nonnull (strstr (text, "2000国家大地坐标系 3度带 CM120E (EPSG:4549)"));
  g_assert_nonnull (strstr (text, "闵行区规划和自然资源局"));
  g_assert_nonnull (strstr (text, "图名"));
  at = strstr (text, "比例尺");
  g_assert_nonnull (at);
  at = strstr (at, "1:");
  g_assert_nonnull (at);
  for (at += 2; *at == ' ' || g_ascii_isdigit (*at); at++)
    if (g_ascii_isdigit (*at))
      g_string_append_c (digits, *at);
  scale = g_ascii_strtod (digits->str, NULL);
  g_string_free (digits, TRUE);
  mantissa = scale / pow (10, floor (log10 (scale)));
  g_assert_true (mantissa == 1 || mantissa == 1.5 || mantissa == 2 || mantissa == 2.5 ||
                 mantissa == 3 || mantissa == 4 || mantissa == 5 || mantissa == 7.5);
  frame_scale = mq_report_map_frame (&options, sample, &frame, vp);
  g_assert_cmpfloat (frame_scale, ==, scale);
  /* 1:N on paper: N metres of ground to a metre of map. */
  g_assert_cmpfloat_with_epsilon (mq_viewport_get_resolution (vp) / (0.0254 / 72.0), scale, 1e-6 * scale);
  mq_dataset_get_extent (sample, &extent);
  mq_viewport_get_visible_box (vp, &shown);
  g_assert_cmpfloat (extent.min_x, >=, shown.min_x);
  g_assert_cmpfloat (extent.max_x, <=, shown.max_x);
  g_assert_cmpfloat (extent.min_y, >=, shown.min_y);
  g_assert_cmpfloat (extent.max_y, <=, shown.max_y);
  /* The round scale before it would not hold the zone (with its margin). */
  {
    static const double below[] = { 7.5, 5, 4, 3, 2.5, 2, 1.5, 1, 0.75 };
    double previous = 0, res;

    for (guint i = 0; i < G_N_ELEMENTS (below) && previous == 0; i++)
      if (below[i] < mantissa)
        previous = below[i] * scale / mantissa;
    res = previous * (0.0254 / 72.0);
    g_assert_cmpfloat (mq_report_round_scale (previous), ==, previous);
    g_assert_true ((extent.max_x - extent.min_x) / res > frame.max_x - frame.min_x - 24 ||
                   (extent.max_y - extent.min_y) / res > frame.max_y - frame.min_y - 24);
  }
}

/* An overdue parcel's atlas page says so in a badge; its legend counts
 * what its map shows, not the zone. */
static void
test_atlas_page (void)
{
  g_auto(GStrv) pages = pages_of (atlas_report ());
  g_autoptr(GPtrArray) overdue = overdue_parcels ();
  g_autoptr(GArray) zone = mq_style_legend_counts (MQ_THEME_LOCKS, mq_dataset_get_parcels (sample), mq_today ());
  g_autofree char *heading = NULL;
  g_autofree char *badge = NULL;
  g_autofree char *zone_count = NULL;
  const MqParcel *p = g_ptr_array_index (overdue, 0);
  const char *page = NULL;

  heading = g_strdup_printf ("Parcel %s", p->id);
  badge = g_strdup_printf ("%u days overdue", mq_parcel_days_overdue (p, mq_today ()));
  for (guint i = 0; pages[i] != NULL && page == NULL; i++)
    if (strstr (pages[i], heading) != NULL && strstr (pages[i], "Right holder") != NULL)
      page = pages[i];
  g_assert_nonnull (page);
  g_assert_nonnull (strstr (page, badge));
  g_assert_nonnull (strstr (page, "Location in the zone"));
  /* The zone's count of parcels not flagged (over a thousand) is not on it. */
  zone_count = g_strdup_printf (" %u\n", g_array_index (zone, guint, 5));
  g_assert_cmpuint (g_array_index (zone, guint, 5), >, 1000);
  g_assert_null (strstr (page, zone_count));
  g_assert_nonnull (strstr (page, "Not flagged for upgrade"));
  /* Its map's labels once each in the text (its own id: the heading too). */
  for (guint i = 0; i < mq_parcels_get_n_parcels (mq_dataset_get_parcels (sample)); i++)
    {
      const MqParcel *other = mq_parcels_get (mq_dataset_get_parcels (sample), i);

      g_assert_cmpuint (count_in (page, other->id), <=, other == p ? 2 : 1);
    }
}

/* The parcel ids in the table pages of a report. */
static GHashTable *
table_ids (const char *pdf)
{
  g_auto(GStrv) pages = pages_of (pdf);
  g_autoptr(GArray) numbers = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GPtrArray) rows = table_rows (pages, numbers);
  GHashTable *ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint k = 0; k < rows->len; k++)
    g_hash_table_add (ids, g_strdup (g_ptr_array_index (rows, k)));
  return ids;
}

/* One report per responsible entity: a file each, named after it, whose
 * table holds exactly its parcels; the index lists them all. */
static void
test_by_entity (void)
{
  g_autofree char *folder = g_build_filename (dir, "by-entity", NULL);
  g_autofree char *arg = g_strconcat ("--export-pdf=", folder, "/", NULL);
  const char *argv[] = { g_getenv ("MQ_BINARY"), "--sample", arg, "--by=entity", NULL };
  g_autoptr(GHashTable) expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                          (GDestroyNotify) g_ptr_array_unref);
  MqParcels *parcels = mq_dataset_get_parcels (sample);
  g_autofree char *index = g_build_filename (folder, "index.xlsx", NULL);
  GHashTableIter iter;
  gpointer key, value;
  GDALDatasetH ds;
  guint pdfs = 0;
  g_autoptr(GDir) listing = NULL;
  const char *name;

  g_free (run (argv));
  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    {
      const MqParcel *p = mq_parcels_get (parcels, i);
      const char *entity = p->details->entity && *p->details->entity ? p->details->entity : "No responsible entity";
      GPtrArray *ids;

      if (!p->flagged)
        continue;
      if ((ids = g_hash_table_lookup (expected, entity)) == NULL)
        g_hash_table_insert (expected, g_strdup (entity), ids = g_ptr_array_new ());
      g_ptr_array_add (ids, (gpointer) p->id);
    }
  g_assert_cmpuint (g_hash_table_size (expected), >=, 5);
  g_hash_table_iter_init (&iter, expected);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_autofree char *stem = mq_report_file_name (key);
      g_autofree char *file = g_strconcat (stem, ".pdf", NULL);
      g_autofree char *pdf = g_build_filename (folder, file, NULL);
      g_autoptr(GHashTable) ids = table_ids (pdf);
      GPtrArray *want = value;

      g_assert_cmpuint (g_hash_table_size (ids), ==, want->len);
      for (guint k = 0; k < want->len; k++)
        g_assert_true (g_hash_table_contains (ids, g_ptr_array_index (want, k)));
      /* Page 1's legend counts the entity's (flagged) parcels, not the zone's. */
      {
        g_auto(GStrv) pages = pages_of (pdf);

        g_assert_null (strstr (pages[0], "Not flagged for upgrade"));
      }
    }
  listing = g_dir_open (folder, 0, NULL);
  while ((name = g_dir_read_name (listing)) != NULL)
    pdfs += g_str_has_suffix (name, ".pdf");
  g_assert_cmpuint (pdfs, ==, g_hash_table_size (expected));
  /* The index, read by GDAL: a row per report and the total. */
  ds = GDALOpenEx (index, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
  g_assert_nonnull (ds);
  g_assert_cmpint (OGR_L_GetFeatureCount (GDALDatasetGetLayer (ds, 0), TRUE), ==,
                   g_hash_table_size (expected) + 1);
  GDALClose (ds);
}

/* A file name keeps Chinese and loses only what file systems refuse. */
static void
test_report_file_name (void)
{
  static const char *const cases[][2] = {
    { "上海申茂五金有限公司", "上海申茂五金有限公司" },
    { "A/B:C\\D", "A_B_C_D" },
    { "名\x01称\t", "名_称_" },
    { " ..隐藏. ", "隐藏" },
    { "", "_" },
    { "../..", "_" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = mq_report_file_name (cases[i][0]);

      g_assert_cmpstr (name, ==, cases[i][1]);
    }
}

/* --geopdf: page 1 georeferenced in the project's CRS by its map frame,
 * the parcels it shows a queryable layer with their attributes, the pages
 * as the report draws them. */
static void
test_geopdf (void)
{
  g_autofree char *pdf = export ("geo.pdf", "--geopdf", NULL);
  g_auto(GStrv) pages = pages_of (pdf);
  MqParcels *parcels = mq_dataset_get_parcels (sample);
  MqReportOptions options = { 0 };
  g_autoptr(MqViewport) vp = mq_viewport_new ();
  g_autoptr(GArray) shown = NULL;
  GDALDatasetH raster, vector;
  OGRSpatialReferenceH srs;
  OGRLayerH layer;
  OGRFeatureH feature;
  double gt[6];
  MqBox frame, ground;
  int owner;
  guint matched = 0;

  raster = GDALOpenEx (pdf, GDAL_OF_RASTER | GDAL_OF_READONLY, NULL, NULL, NULL);
  g_assert_nonnull (raster);
  srs = GDALGetSpatialRef (raster);
  g_assert_nonnull (srs);
  g_assert_cmpstr (OSRGetAuthorityCode (srs, NULL), ==, "4549");
  /* The frame's corner on the page is the ground's corner the map shows. */
  mq_report_map_frame (&options, sample, &frame, vp);
  mq_viewport_get_visible_box (vp, &ground);
  g_assert_cmpint (GDALGetGeoTransform (raster, gt), ==, CE_None);
  g_assert_cmpfloat_with_epsilon (gt[0] + frame.min_x * gt[1], ground.min_x, 2.0 * gt[1]);
  g_assert_cmpfloat_with_epsilon (gt[3] + frame.min_y * gt[5], ground.max_y, 2.0 * fabs (gt[5]));
  GDALClose (raster);
  vector = GDALOpenEx (pdf, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
  g_assert_nonnull (vector);
  g_assert_cmpint (GDALDatasetGetLayerCount (vector), ==, 1);
  layer = GDALDatasetGetLayer (vector, 0);
  shown = mq_spatial_index_query (mq_parcels_get_index (parcels), &ground);
  g_assert_cmpint (OGR_L_GetFeatureCount (layer, TRUE), ==, shown->len);
  owner = OGR_FD_GetFieldIndex (OGR_L_GetLayerDefn (layer), "owner");
  g_assert_cmpint (owner, >=, 0);
  OGR_L_ResetReading (layer);
  while ((feature = OGR_L_GetNextFeature (layer)) != NULL)
    {
      const char *id = OGR_F_GetFieldAsString (feature, OGR_FD_GetFieldIndex (OGR_L_GetLayerDefn (layer), "parcel_id"));

      for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
        if (g_strcmp0 (mq_parcels_get (parcels, i)->id, id) == 0 && mq_parcels_get (parcels, i)->owner != NULL)
          matched += g_strcmp0 (mq_parcels_get (parcels, i)->owner, OGR_F_GetFieldAsString (feature, owner)) == 0;
      OGR_F_Destroy (feature);
    }
  g_assert_cmpuint (matched, >, shown->len / 2);
  GDALClose (vector);
  /* The other pages are the report's own. */
  g_assert_cmpuint (pages_with (pages, "Parcels flagged for upgrade and their four locks"), >=, 2);
  g_assert_cmpuint (pages_with (pages, "Deadlines: overdue and due within 30 days"), ==, 1);
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
  g_test_add_func ("/report/changes-page", test_changes_page);
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
  g_test_add_func ("/report/deadlines-table", test_deadlines_table);
  g_test_add_func ("/report/round-scale", test_round_scale);
  g_test_add_func ("/report/atlas-page", test_atlas_page);
  g_test_add_func ("/report/by-entity", test_by_entity);
  g_test_add_func ("/report/file-name", test_report_file_name);
  g_test_add_func ("/report/geopdf", test_geopdf);
  status = g_test_run ();
  test_remove_dir (dir);
  g_object_unref (sample);
  g_free (dir);
  return status;
}
