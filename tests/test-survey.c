/* test-survey.c — a project carried into next year's survey, and back.
 *
 * The sample's generator makes next year's survey and says what it changed
 * (maqiao-survey-next.changes.txt): that is the truth the update's findings
 * are held to. Applying and undoing go through the command line, as a
 * planner runs them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>

#include "mq-core.h"
#include "mq-csv.h"
#include "mq-survey-pdf.h"
#include "mq-performance.h"
#include "mq-survey-update.h"
#include "test-util.h"

/* The generator's lines: "split OLD NEW NEW", "merge OLD OLD NEW",
 * "renumber OLD NEW", "boundary ID", "gone ID", "new ID". */
static GPtrArray *
read_truth (void)
{
  g_autofree char *path = test_sample_file ("maqiao-survey-next.changes.txt");
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  GPtrArray *truth = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (*lines[i] != '\0')
      g_ptr_array_add (truth, g_strsplit (lines[i], " ", -1));
  return truth;
}

static guint
count_truth (GPtrArray  *truth,
             const char *kind)
{
  guint n = 0;

  for (guint i = 0; i < truth->len; i++)
    n += g_str_equal (((GStrv) g_ptr_array_index (truth, i))[0], kind);
  return n;
}

static const char *
old_id (MqSurveyUpdate *u, const MqLineageLink *l)
{
  return l->old_index == G_MAXUINT ? NULL
           : mq_parcels_get (mq_dataset_get_parcels (mq_survey_update_get_project (u)), l->old_index)->id;
}

static const char *
new_id (MqSurveyUpdate *u, const MqLineageLink *l)
{
  return l->new_index == G_MAXUINT ? NULL
           : mq_parcels_get (mq_dataset_get_parcels (mq_survey_update_get_survey (u)), l->new_index)->id;
}

/* The link of that class between those two ids (either may be NULL). */
static const MqLineageLink *
find_link (MqSurveyUpdate *u,
           MqLineage       relation,
           const char     *old,
           const char     *new)
{
  for (guint k = 0; k < mq_survey_update_get_n_links (u); k++)
    {
      const MqLineageLink *l = mq_survey_update_get_link (u, k);

      if (l->relation == relation && g_strcmp0 (old_id (u, l), old) == 0 && g_strcmp0 (new_id (u, l), new) == 0)
        return l;
    }
  return NULL;
}

static MqSurveyUpdate *
prepare (const char    *project,
         MqMergePolicy  policy)
{
  g_autofree char *survey = test_sample_file ("maqiao-survey-next.shp");
  g_autoptr(GError) error = NULL;
  MqSurveyUpdate *u = mq_survey_update_prepare (project, survey, NULL, policy, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (u);
  return u;
}

/* Every change the generator made is found, in its class, and nothing else
 * is: the rest of the parcels are the same, and the totals add up. */
static void
test_classes (void)
{
  g_autofree char *project = test_sample_file ("maqiao.gpkg");
  g_autoptr(MqSurveyUpdate) u = prepare (project, MQ_MERGE_ASK);
  g_autoptr(GPtrArray) truth = read_truth ();
  MqParcels *old = mq_dataset_get_parcels (mq_survey_update_get_project (u));
  MqParcels *new = mq_dataset_get_parcels (mq_survey_update_get_survey (u));
  guint n_old = mq_parcels_get_n_parcels (old), n_new = mq_parcels_get_n_parcels (new);
  guint changed_old = 0;
  double old_mu = 0, new_mu = 0, sum_old = 0, sum_new = 0;

  for (guint i = 0; i < truth->len; i++)
    {
      GStrv t = g_ptr_array_index (truth, i);

      if (g_str_equal (t[0], "split"))
        {
          g_assert_nonnull (find_link (u, MQ_LINEAGE_SPLIT, t[1], t[2]));
          g_assert_nonnull (find_link (u, MQ_LINEAGE_SPLIT, t[1], t[3]));
          changed_old += 1;
        }
      else if (g_str_equal (t[0], "merge"))
        {
          g_assert_nonnull (find_link (u, MQ_LINEAGE_MERGE, t[1], t[3]));
          g_assert_nonnull (find_link (u, MQ_LINEAGE_MERGE, t[2], t[3]));
          changed_old += 2;
        }
      else if (g_str_equal (t[0], "renumber") || g_str_equal (t[0], "boundary") || g_str_equal (t[0], "gone"))
        {
          MqLineage r = t[0][0] == 'r' ? MQ_LINEAGE_RENUMBERED : t[0][0] == 'b' ? MQ_LINEAGE_BOUNDARY
                                                                               : MQ_LINEAGE_GONE;
          const char *to = r == MQ_LINEAGE_RENUMBERED ? t[2] : r == MQ_LINEAGE_BOUNDARY ? t[1] : NULL;

          g_assert_nonnull (find_link (u, r, t[1], to));
          changed_old++;
        }
      else if (g_str_equal (t[0], "new"))
        g_assert_nonnull (find_link (u, MQ_LINEAGE_NEW, NULL, t[1]));
      else
        g_assert_not_reached ();
    }
  g_assert_cmpuint (count_truth (truth, "split"), ==, 2);
  g_assert_cmpuint (count_truth (truth, "merge"), ==, 2);
  g_assert_cmpuint (count_truth (truth, "renumber"), >=, 3);

  g_assert_cmpuint (mq_survey_update_get_total (u, MQ_LINEAGE_SPLIT).n_old, ==, 2);
  g_assert_cmpuint (mq_survey_update_get_total (u, MQ_LINEAGE_SPLIT).n_new, ==, 4);
  g_assert_cmpuint (mq_survey_update_get_total (u, MQ_LINEAGE_MERGE).n_old, ==, 4);
  g_assert_cmpuint (mq_survey_update_get_total (u, MQ_LINEAGE_MERGE).n_new, ==, 2);
  g_assert_cmpuint (mq_survey_update_get_total (u, MQ_LINEAGE_RENUMBERED).n_new, ==,
                    count_truth (truth, "renumber"));
  g_assert_cmpuint (mq_survey_update_get_total (u, MQ_LINEAGE_BOUNDARY).n_new, ==, 1);
  g_assert_cmpuint (mq_survey_update_get_total (u, MQ_LINEAGE_GONE).n_old, ==, 1);
  g_assert_cmpuint (mq_survey_update_get_total (u, MQ_LINEAGE_NEW).n_new, ==, 1);
  g_assert_cmpuint (mq_survey_update_get_total (u, MQ_LINEAGE_RESHAPED).n_old, ==, 0);
  g_assert_cmpuint (mq_survey_update_get_total (u, MQ_LINEAGE_SAME).n_old, ==, n_old - changed_old);

  /* Every parcel of either survey counted once, its mu with it. */
  for (guint i = 0; i < n_old; i++)
    old_mu += mq_parcels_get (old, i)->area_m2 / MQ_M2_PER_MU;
  for (guint j = 0; j < n_new; j++)
    new_mu += mq_parcels_get (new, j)->area_m2 / MQ_M2_PER_MU;
  for (guint r = 0; r < MQ_N_LINEAGES; r++)
    {
      MqLineageTotal t = mq_survey_update_get_total (u, r);

      sum_old += t.old_mu;
      sum_new += t.new_mu;
    }
  test_assert_within (sum_old, old_mu, 1e-6);
  test_assert_within (sum_new, new_mu, 1e-6);
}

/* Everything the file holds that a user could tell apart: every table's
 * rows (geometry bytes included) and the list of tables. */
static char *
dump (const char *path)
{
  static const char *const queries[] = {
    "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name",
    "SELECT table_name, data_type, identifier, srs_id FROM gpkg_contents ORDER BY table_name",
    "SELECT * FROM parcels ORDER BY fid",
    "SELECT * FROM lock_history ORDER BY fid",
    "SELECT * FROM project_settings ORDER BY key",
  };
  GString *out = g_string_new (NULL);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      sqlite3_stmt *stmt = NULL;

      g_assert_cmpint (sqlite3_prepare_v2 (db, queries[q], -1, &stmt, NULL), ==, SQLITE_OK);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          for (int c = 0; c < sqlite3_column_count (stmt); c++)
            {
              const guint8 *bytes = sqlite3_column_blob (stmt, c);
              int n = sqlite3_column_bytes (stmt, c);

              g_string_append_printf (out, "%s=", sqlite3_column_name (stmt, c));
              for (int b = 0; b < n; b++)
                g_string_append_printf (out, "%02x", bytes[b]);
              g_string_append_c (out, '|');
            }
          g_string_append_c (out, '\n');
        }
      sqlite3_finalize (stmt);
    }
  sqlite3_close (db);
  return g_string_free (out, FALSE);
}

static gint64
query_int (const char *path,
           const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

/* A status table applied: the project has history before the update. */
static void
apply_notes (const char *dir,
             const char *project,
             const char *id,
             const char *notes)
{
  g_autofree char *table = g_build_filename (dir, "notes.csv", NULL);
  g_autofree char *text = g_strdup_printf ("parcel_id,notes\r\n%s,%s\r\n", id, notes);
  g_auto(TestRun) r = { 0 };

  g_assert_true (g_file_set_contents (table, text, -1, NULL));
  test_run (&r, "--apply-csv", table, project, NULL);
  g_assert_cmpint (r.status, ==, 0);
}

static void
update (const char *project,
        const char *policy,
        const char *report)
{
  g_autofree char *survey = test_sample_file ("maqiao-survey-next.shp");
  g_autofree char *survey_arg = g_strconcat ("--update-survey=", survey, NULL);
  g_autofree char *policy_arg = g_strconcat ("--merge-policy=", policy, NULL);
  g_autofree char *report_arg = report ? g_strconcat ("--change-report=", report, NULL) : NULL;
  g_auto(TestRun) r = { 0 };

  test_run (&r, survey_arg, policy_arg, "--survey-date=2027-06-30", project, report_arg, NULL);
  g_assert_cmpstr (r.err, ==, "");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "--undo-survey-update"));
}

static const MqParcel *
find_parcel (MqParcels  *parcels,
             const char *id)
{
  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    if (g_strcmp0 (mq_parcels_get (parcels, i)->id, id) == 0)
      return mq_parcels_get (parcels, i);
  return NULL;
}

static gboolean
is_additive (MqField f)
{
  return f == MQ_FIELD_FLOOR_AREA || f == MQ_FIELD_TAX || f == MQ_FIELD_OUTPUT || f == MQ_FIELD_ENERGY;
}

/* @b holds @a's status; with @shared, its figures of what the land adds up
 * to (tax, output, …) are its share of @a's, the same per mu. */
static void
assert_status (const MqParcel *a,
               const MqParcel *b,
               gboolean        shared)
{
  if (shared && !isnan (a->details->tax))
    {
      test_assert_within (mq_parcel_tax_per_mu (b), mq_parcel_tax_per_mu (a),
                          0.02 * mq_parcel_tax_per_mu (a) + 1e-9);
      test_assert_within (b->details->floor_area_m2 / b->area_m2, a->details->floor_area_m2 / a->area_m2,
                          0.02 * a->details->floor_area_m2 / a->area_m2);
    }
  for (guint f = 0; f < MQ_N_FIELDS; f++)
    if (mq_field_is_editable (f) && f != MQ_FIELD_NOTES && !(shared && is_additive (f)))
      {
        g_autofree char *x = mq_parcel_dup_field_text (a, f);
        g_autofree char *y = mq_parcel_dup_field_text (b, f);

        g_assert_cmpstr (x ? x : "", ==, y ? y : "");
      }
}

static void
assert_same_status (const MqParcel *a,
                    const MqParcel *b)
{
  assert_status (a, b, FALSE);
}

static gboolean
is_marked (const MqParcel *p)
{
  return p->details->notes != NULL && g_str_has_prefix (p->details->notes, "【待复核】");
}

/* A merged parcel holds a lock where both its parents held it, from the
 * later of their dates; a value they disagree on is empty. */
static void
assert_merged (const MqParcel *a,
               const MqParcel *b,
               const MqParcel *m)
{
  for (guint k = 0; k < MQ_N_LOCKS; k++)
    {
      gboolean both = (a->locks & b->locks & (1u << k)) != 0;

      g_assert_cmpint ((m->locks >> k) & 1, ==, both);
      if (both)
        g_assert_cmpuint (m->details->lock_date[k], ==, MAX (a->details->lock_date[k], b->details->lock_date[k]));
      else
        g_assert_cmpuint (m->details->lock_date[k], ==, 0);
    }
  if (g_strcmp0 (a->details->project, b->details->project) == 0)
    g_assert_cmpstr (m->details->project, ==, a->details->project);
  else
    g_assert_true (m->details->project == NULL || *m->details->project == '\0');
  g_assert_cmpint (m->flagged, ==, a->flagged && b->flagged);
  g_assert_true (is_marked (m));
  /* What the land adds up to is the sum, when both parents have it. */
  if (!isnan (a->details->tax) && !isnan (b->details->tax))
    test_assert_within (m->details->tax, a->details->tax + b->details->tax, 1e-6);
  else
    g_assert_true (isnan (m->details->tax) || m->details->tax == a->details->tax ||
                   m->details->tax == b->details->tax);
}

/* Applied with --merge-policy=agreed: each class carried as it should be,
 * the flagged parcels counted by hand, lineage and one history batch. */
static void
test_carried (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mq-survey-XXXXXX", NULL);
  g_autofree char *project = test_copy_sample (dir, "p.gpkg");
  g_autofree char *report = g_build_filename (dir, "changes.csv", NULL);
  g_autoptr(GPtrArray) truth = read_truth ();
  g_autoptr(MqSurveyUpdate) planned = prepare (project, MQ_MERGE_AGREED);
  g_autoptr(MqDataset) before = g_object_ref (mq_survey_update_get_project (planned));
  g_autoptr(MqDataset) after = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(TestRun) past = { 0 }, before_summary = { 0 };
  g_autofree char *as_of_arg = NULL;
  GDate yesterday;
  char day[16];
  MqParcels *o, *n;
  guint flagged_before = 0, flagged_after = 0;
  int expected = 0;

  apply_notes (dir, project, "MQ0010", "巡查");
  g_date_clear (&yesterday, 1);
  g_date_set_julian (&yesterday, mq_today () - 1);
  g_date_strftime (day, sizeof day, "%Y-%m-%d", &yesterday);
  as_of_arg = g_strconcat ("--as-of=", day, NULL);
  g_setenv ("MQ_TODAY", day, TRUE);
  test_run (&before_summary, "--summary", "--json", project, NULL);
  g_unsetenv ("MQ_TODAY");
  g_assert_cmpint (before_summary.status, ==, 0);
  update (project, "agreed", report);
  after = mq_dataset_load (project, NULL, NULL, &error);
  g_assert_no_error (error);
  o = mq_dataset_get_parcels (before);
  n = mq_dataset_get_parcels (after);
  g_assert_cmpuint (mq_parcels_get_n_parcels (n), ==,
                    mq_parcels_get_n_parcels (mq_dataset_get_parcels (mq_survey_update_get_survey (planned))));
  for (guint i = 0; i < mq_parcels_get_n_parcels (o); i++)
    flagged_before += mq_parcels_get (o, i)->flagged;
  for (guint i = 0; i < mq_parcels_get_n_parcels (n); i++)
    flagged_after += mq_parcels_get (n, i)->flagged;
  expected = flagged_before;

  for (guint i = 0; i < truth->len; i++)
    {
      GStrv t = g_ptr_array_index (truth, i);
      const MqParcel *was = find_parcel (o, t[1]);

      if (g_str_equal (t[0], "split"))
        for (guint c = 2; c <= 3; c++)
          {
            const MqParcel *child = find_parcel (n, t[c]);

            g_assert_nonnull (child);
            assert_status (was, child, TRUE);
            g_assert_true (is_marked (child));
            g_assert_nonnull (strstr (child->details->notes, t[1]));
            expected += c == 3 && was->flagged;
          }
      else if (g_str_equal (t[0], "merge"))
        {
          assert_merged (was, find_parcel (o, t[2]), find_parcel (n, t[3]));
          expected -= was->flagged + find_parcel (o, t[2])->flagged - find_parcel (n, t[3])->flagged;
        }
      else if (g_str_equal (t[0], "renumber"))
        {
          assert_same_status (was, find_parcel (n, t[2]));
          g_assert_false (is_marked (find_parcel (n, t[2])));
          g_assert_null (find_parcel (n, t[1]));
        }
      else if (g_str_equal (t[0], "boundary"))
        {
          const MqParcel *now = find_parcel (n, t[1]);

          assert_same_status (was, now);
          /* 1 m off one side: a strip, not a sliver and not a half. */
          g_assert_cmpfloat (was->area_m2 - now->area_m2, >, 20);
          g_assert_cmpfloat (was->area_m2 - now->area_m2, <, 0.02 * was->area_m2);
        }
      else if (g_str_equal (t[0], "gone"))
        {
          g_assert_null (find_parcel (n, t[1]));
          expected -= was->flagged;
        }
      else if (g_str_equal (t[0], "new"))
        {
          g_assert_nonnull (find_parcel (n, t[1]));
          g_assert_cmpuint (find_parcel (n, t[1])->locks, ==, 0);
          g_assert_false (is_marked (find_parcel (n, t[1])));
        }
    }
  g_assert_cmpuint (flagged_after, ==, expected);
  g_assert_cmpuint (flagged_after, !=, flagged_before);

  /* The lineage as planned; one history batch, the last, for the update. */
  g_assert_cmpint (query_int (project, "SELECT count(*) FROM parcel_lineage"), ==,
                   mq_survey_update_get_n_links (planned));
  g_assert_cmpint (query_int (project, "SELECT count(*) FROM parcel_lineage WHERE survey_date = '2027-06-30'"),
                   ==, mq_survey_update_get_n_links (planned));
  g_assert_cmpint (query_int (project, "SELECT count(DISTINCT batch) FROM lock_history WHERE action = 'survey'"),
                   ==, 1);
  g_assert_cmpint (query_int (project, "SELECT max(batch) FROM lock_history WHERE action = 'survey'"), ==,
                   query_int (project, "SELECT max(batch) FROM lock_history"));
  g_assert_cmpint (query_int (project, "SELECT count(*) FROM lock_history WHERE action = 'survey'"
                                       " AND field = 'survey' AND new_value = 'gone'"), ==, 1);
  /* The old parcels are kept whole, their history reachable by id. */
  g_assert_cmpint (query_int (project, "SELECT count(*) FROM parcels_before_update_2"), ==,
                   mq_parcels_get_n_parcels (o));
  g_assert_cmpint (query_int (project, "SELECT count(*) FROM lock_history WHERE parcel_id = 'MQ0010'"
                                       " AND action = 'csv'"), ==, 1);

  /* Asked for yesterday, the figures are those of the parcels the update
   * kept, as --summary printed them (deadlines counted from yesterday). */
  test_run (&past, "--summary", "--json", as_of_arg, project, NULL);
  g_assert_cmpint (past.status, ==, 0);
  g_assert_cmpstr (past.out, ==, before_summary.out);
  test_remove_dir (dir);
}

/* Without a policy, merged parcels that disagree refuse the update: each
 * conflict printed, one line naming the file, the file untouched. */
static void
test_merge_asked (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mq-survey-XXXXXX", NULL);
  g_autofree char *project = test_copy_sample (dir, "p.gpkg");
  g_autofree char *survey = test_sample_file ("maqiao-survey-next.shp");
  g_autofree char *survey_arg = g_strconcat ("--update-survey=", survey, NULL);
  g_autofree char *before = dump (project);
  g_autofree char *after = NULL;
  g_auto(TestRun) r = { 0 }, bad = { 0 };

  test_run (&r, survey_arg, project, NULL);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, project));
  g_assert_nonnull (strstr (r.err, "--merge-policy"));
  g_assert_cmpint (strchr (r.err, '\n') - r.err, ==, (int) strlen (r.err) - 1);
  g_assert_nonnull (strstr (r.out, "conflict: merged parcel"));
  after = dump (project);
  g_assert_cmpstr (after, ==, before);

  test_run (&bad, survey_arg, "--merge-policy=newest", project, NULL);
  g_assert_cmpint (bad.status, ==, 2);
  g_assert_nonnull (strstr (bad.err, "newest"));
  test_remove_dir (dir);
}

/* Each conflict answered one by one (the window's way): the update is no
 * longer refused, and each merged parcel keeps the chosen parent's value —
 * a lock with that parent's date. */
static void
test_merge_chosen (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mq-survey-XXXXXX", NULL);
  g_autofree char *project = test_copy_sample (dir, "p.gpkg");
  g_autofree char *table = g_build_filename (dir, "floor.csv", NULL);
  g_autoptr(GPtrArray) truth = read_truth ();
  g_autoptr(GString) floors = g_string_new ("parcel_id,floor_area_m2\r\n");
  g_auto(TestRun) r = { 0 };
  g_autoptr(MqSurveyUpdate) u = NULL;
  g_autoptr(MqDataset) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) kept = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *conflicts;
  MqParcels *old;
  guint n;
  GDate day;

  /* Merged parents of equal floor area: the merged parcel has both. */
  for (guint i = 0; i < truth->len; i++)
    {
      GStrv t = g_ptr_array_index (truth, i);

      if (g_str_equal (t[0], "merge"))
        g_string_append_printf (floors, "%s,1000\r\n%s,1000\r\n", t[1], t[2]);
    }
  g_assert_true (g_file_set_contents (table, floors->str, -1, NULL));
  test_run (&r, "--apply-csv", table, project, NULL);
  g_assert_cmpint (r.status, ==, 0);
  u = prepare (project, MQ_MERGE_ASK);
  conflicts = mq_survey_update_get_conflicts (u);
  old = mq_dataset_get_parcels (mq_survey_update_get_project (u));
  n = conflicts->len;

  g_assert_cmpuint (n, >, 0);
  g_assert_cmpuint (mq_survey_update_get_n_unresolved (u), ==, n);
  for (guint k = 0; k < n; k++)
    mq_survey_update_choose (u, k, 1);
  g_assert_cmpuint (mq_survey_update_get_n_unresolved (u), ==, 0);
  /* Still one conflict each, answered: the second parent's value. */
  g_assert_cmpuint (conflicts->len, ==, n);
  for (guint k = 0; k < n; k++)
    {
      const MqMergeConflict *c = g_ptr_array_index (mq_survey_update_get_conflicts (u), k);
      const char *id = mq_parcels_get (mq_dataset_get_parcels (mq_survey_update_get_survey (u)),
                                       c->new_index)->id;

      g_assert_cmpint (c->chosen, ==, 1);
      g_ptr_array_add (kept, g_strdup_printf ("%s\t%u\t%s\t%s", id, c->field, c->parents[1],
                                              c->values[1] ? c->values[1] : ""));
    }
  g_date_clear (&day, 1);
  g_date_set_dmy (&day, 30, 6, 2027);
  g_assert_true (mq_survey_update_apply (u, &day, &error));
  g_assert_no_error (error);
  after = mq_dataset_load (project, NULL, NULL, &error);
  g_assert_no_error (error);
  for (guint k = 0; k < kept->len; k++)
    {
      g_auto(GStrv) t = g_strsplit (g_ptr_array_index (kept, k), "\t", 4);
      MqField field = (MqField) g_ascii_strtoull (t[1], NULL, 10);
      const MqParcel *merged = find_parcel (mq_dataset_get_parcels (after), t[0]);
      const MqParcel *parent = find_parcel (old, t[2]);
      g_autofree char *value = mq_parcel_dup_field_text (merged, field);

      g_assert_cmpstr (value ? value : "", ==, t[3]);
      if (field >= MQ_FIELD_LOCK_PARCEL && field <= MQ_FIELD_LOCK_OWNER)
        g_assert_cmpuint (merged->details->lock_date[field - MQ_FIELD_LOCK_PARCEL], ==,
                          parent->details->lock_date[field - MQ_FIELD_LOCK_PARCEL]);
    }
  for (guint i = 0; i < truth->len; i++)
    {
      GStrv t = g_ptr_array_index (truth, i);

      if (g_str_equal (t[0], "merge"))
        g_assert_cmpfloat (find_parcel (mq_dataset_get_parcels (after), t[3])->details->floor_area_m2, ==, 2000);
    }
  test_remove_dir (dir);
}

/* Undone, the file is as it was: every row, the history, the tables. Once
 * edited after the update, it is not undone (the edits would be lost). */
static void
test_undo_exact (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mq-survey-XXXXXX", NULL);
  g_autofree char *project = test_copy_sample (dir, "p.gpkg");
  g_autofree char *before = NULL, *updated = NULL, *undone = NULL, *edited = NULL;
  g_auto(TestRun) s0 = { 0 }, undo = { 0 }, s1 = { 0 }, again = { 0 }, late = { 0 };

  apply_notes (dir, project, "MQ0857", "巡查：厂房已腾空");
  before = dump (project);
  test_run (&s0, "--summary", "--json", project, NULL);
  update (project, "largest", NULL);
  updated = dump (project);
  g_assert_cmpstr (updated, !=, before);

  test_run (&undo, "--undo-survey-update", project, NULL);
  g_assert_cmpstr (undo.err, ==, "");
  g_assert_cmpint (undo.status, ==, 0);
  undone = dump (project);
  g_assert_cmpstr (undone, ==, before);
  test_run (&s1, "--summary", "--json", project, NULL);
  g_assert_cmpstr (s1.out, ==, s0.out);

  test_run (&again, "--undo-survey-update", project, NULL);
  g_assert_cmpint (again.status, ==, 2);
  g_assert_nonnull (strstr (again.err, project));

  update (project, "largest", NULL);
  apply_notes (dir, project, "MQ1159", "合并后复核完毕");
  edited = dump (project);
  test_run (&late, "--undo-survey-update", project, NULL);
  g_assert_cmpint (late.status, ==, 2);
  g_assert_nonnull (strstr (late.err, project));
  g_free (undone);
  undone = dump (project);
  g_assert_cmpstr (undone, ==, edited);
  test_remove_dir (dir);
}

/* The change report: a row per parcel the update touched, CSV or a
 * workbook; --dry-run writes the report and leaves the project alone. */
static void
test_change_report (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mq-survey-XXXXXX", NULL);
  g_autofree char *project = test_copy_sample (dir, "p.gpkg");
  g_autofree char *csv = g_build_filename (dir, "changes.csv", NULL);
  g_autofree char *xlsx = g_build_filename (dir, "changes.xlsx", NULL);
  g_autofree char *csv_arg = g_strconcat ("--change-report=", csv, NULL);
  g_autofree char *survey = test_sample_file ("maqiao-survey-next.shp");
  g_autofree char *survey_arg = g_strconcat ("--update-survey=", survey, NULL);
  g_autoptr(MqSurveyUpdate) planned = prepare (project, MQ_MERGE_AGREED);
  g_autofree char *before = dump (project);
  g_autofree char *after = NULL, *text = NULL, *zip = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) truth = read_truth ();
  g_auto(TestRun) r = { 0 };
  guint affected = 0, marked = 0;
  gsize length;

  test_run (&r, survey_arg, "--merge-policy=agreed", "--dry-run", csv_arg, project, NULL);
  g_assert_cmpint (r.status, ==, 0);
  after = dump (project);
  g_assert_cmpstr (after, ==, before);
  for (guint k = 0; k < mq_survey_update_get_n_links (planned); k++)
    affected += mq_survey_update_get_link (planned, k)->relation != MQ_LINEAGE_SAME;

  g_assert_true (g_file_get_contents (csv, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "\xEF\xBB\xBF"));
  rows = mq_csv_parse (text + 3, -1, NULL);
  g_assert_nonnull (rows);
  g_assert_cmpuint (rows->len, ==, affected + 1);
  g_assert_cmpstr (((char **) g_ptr_array_index (rows, 0))[1], ==, "old_id");
  for (guint i = 1; i < rows->len; i++)
    marked += strstr (((char **) g_ptr_array_index (rows, i))[9], "【待复核】") != NULL;
  /* The four split parts and the four merge rows. */
  g_assert_cmpuint (marked, ==, 2 * count_truth (truth, "split") + 2 * count_truth (truth, "merge"));

  /* The workbook and the PDF pages of the same plan (the library's own
   * writers, as the window's Save Change Report… calls them). */
  g_assert_true (mq_survey_update_write_report (planned, xlsx, TRUE, NULL));
  g_assert_true (g_file_get_contents (xlsx, &zip, &length, NULL));
  g_assert_cmpuint (length, >, 1000);
  g_assert_true (memcmp (zip, "PK", 2) == 0);
  {
    g_autofree char *pdf = g_build_filename (dir, "changes.pdf", NULL);
    const char *argv[] = { "pdftotext", pdf, "-", NULL };
    g_autofree char *pages = NULL;

    g_assert_true (mq_survey_pdf_write (planned, pdf, FALSE, NULL));
    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                                 NULL, NULL, &pages, NULL, NULL, NULL));
    g_assert_nonnull (strstr (pages, "Change Report"));
    for (guint i = 0; i < truth->len; i++)
      {
        GStrv t = g_ptr_array_index (truth, i);

        for (guint k = 1; t[k] != NULL; k++)
          g_assert_nonnull (strstr (pages, t[k]));
      }
  }
  test_remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  mq_core_init ();

  g_test_add_func ("/survey/classes", test_classes);
  g_test_add_func ("/survey/carried", test_carried);
  g_test_add_func ("/survey/merge-asked", test_merge_asked);
  g_test_add_func ("/survey/merge-chosen", test_merge_chosen);
  g_test_add_func ("/survey/undo-exact", test_undo_exact);
  g_test_add_func ("/survey/change-report", test_change_report);
  return g_test_run ();
}
