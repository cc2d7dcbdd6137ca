/* mq-survey-report.c — what a survey update changed: the counts and mu per
 * class, then one row per parcel it touched (CSV or an Excel workbook).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "mq-csv.h"
#include "mq-output.h"
#include "mq-summary.h"
#include "mq-survey-update-private.h"

static const char *const keys[MQ_N_LINEAGES] = {
  "same", "boundary", "renumbered", "split", "merge", "reshaped", "new", "gone",
};

const char *
mq_lineage_key (MqLineage relation)
{
  g_return_val_if_fail (relation < MQ_N_LINEAGES, "");
  return keys[relation];
}

gboolean
mq_lineage_from_key (const char *key,
                     MqLineage  *relation)
{
  for (guint r = 0; r < MQ_N_LINEAGES; r++)
    if (g_strcmp0 (key, keys[r]) == 0)
      {
        *relation = r;
        return TRUE;
      }
  return FALSE;
}

const char *
mq_lineage_label (MqLineage relation)
{
  switch (relation)
    {
    case MQ_LINEAGE_SAME: return C_("lineage", "Unchanged");
    case MQ_LINEAGE_BOUNDARY: return C_("lineage", "Boundary moved");
    case MQ_LINEAGE_RENUMBERED: return C_("lineage", "Renumbered");
    case MQ_LINEAGE_SPLIT: return C_("lineage", "Split");
    case MQ_LINEAGE_MERGE: return C_("lineage", "Merged");
    case MQ_LINEAGE_RESHAPED: return C_("lineage", "Reshaped (to review)");
    case MQ_LINEAGE_NEW: return C_("lineage", "New");
    case MQ_LINEAGE_GONE: return C_("lineage", "Gone");
    case MQ_N_LINEAGES:
    default:
      g_return_val_if_reached ("");
    }
}

static void
append_row (GString    *out,
            const char *label,
            const char *n_old,
            const char *old_mu,
            const char *n_new,
            const char *new_mu)
{
  mq_summary_append_padded (out, label, 22);
  mq_summary_append_padded (out, n_old, 14);
  mq_summary_append_padded (out, old_mu, 14);
  mq_summary_append_padded (out, n_new, 14);
  g_string_append_printf (out, "%s\n", new_mu);
}

/**
 * mq_survey_update_dup_text:
 *
 * The counts and mu per class, and each conflict of a merge, as lines.
 */
char *
mq_survey_update_dup_text (MqSurveyUpdate *self)
{
  GString *out = g_string_new (NULL);
  MqParcels *old = mq_dataset_get_parcels (self->project);
  MqParcels *new = mq_dataset_get_parcels (self->survey);

  g_string_append_printf (out, _("Survey update: %u parcels in the project, %u in the new survey\n"),
                          mq_parcels_get_n_parcels (old), mq_parcels_get_n_parcels (new));
  /* TRANSLATORS: the columns of the survey update's table: a class, the
   * parcels and mu it was in the project, those it is in the new survey */
  append_row (out, C_("lineage", "Class"), _("Old parcels"), _("Old mu"), _("New parcels"), _("New mu"));
  for (guint r = 0; r < MQ_N_LINEAGES; r++)
    {
      MqLineageTotal t = self->totals[r];
      g_autofree char *n_old = g_strdup_printf ("%u", t.n_old);
      g_autofree char *old_mu = g_strdup_printf ("%.2f", t.old_mu);
      g_autofree char *n_new = g_strdup_printf ("%u", t.n_new);
      g_autofree char *new_mu = g_strdup_printf ("%.2f", t.new_mu);

      append_row (out, mq_lineage_label (r), n_old, old_mu, n_new, new_mu);
    }
  for (guint k = 0; k < self->conflicts->len; k++)
    {
      const MqMergeConflict *c = g_ptr_array_index (self->conflicts, k);
      const char *id = mq_parcels_get (new, c->new_index)->id;
      GString *each = g_string_new (NULL);

      for (guint p = 0; c->parents[p] != NULL; p++)
        g_string_append_printf (each, "%s%s “%s”", p ? "、" : "", c->parents[p],
                                mq_field_value_label (c->field, c->values[p]));
      g_string_append_printf (out, _("conflict: merged parcel %s, %s: %s\n"), id ? id : "?",
                              mq_field_label (c->field), each->str);
      g_string_free (each, TRUE);
    }
  return g_string_free (out, FALSE);
}

/* ---- the rows ---- */

enum
{
  COL_CLASS = MQ_SURVEY_REPORT_CLASS,
  COL_OLD_ID,
  COL_NEW_ID,
  COL_OLD_MU,
  COL_NEW_MU,
  COL_CHANGE_M2,
  COL_OLD_SHARE,
  COL_NEW_SHARE,
  COL_LOCKS,
  COL_NOTE,
  N_COLUMNS = MQ_SURVEY_REPORT_N_COLUMNS
};

/**
 * mq_survey_update_report_header:
 *
 * A column of the change report's rows: its Chinese header, else its key.
 */
const char *
mq_survey_update_report_header (guint    column,
                                gboolean chinese)
{
  static const char *const zh[N_COLUMNS] = { "类别", "原地块编号", "新地块编号", "原面积（亩）",
                                             "新面积（亩）", "面积变化（平方米）", "占原地块",
                                             "占新地块", "带入的锁定", "待复核说明" };
  static const char *const en[N_COLUMNS] = { "class", "old_id", "new_id", "old_mu", "new_mu",
                                             "area_change_m2", "old_share", "new_share",
                                             "locks_carried", "review" };

  return chinese ? zh[column] : en[column];
}

/* The locks the new parcel holds by the update: 地块、项目 … */
static char *
dup_locks (MqSurveyUpdate *self,
           guint           new_index)
{
  GString *out = g_string_new (NULL);

  for (guint f = MQ_FIELD_LOCK_PARCEL; f <= MQ_FIELD_LOCK_OWNER; f++)
    if (g_strcmp0 (mq_survey_update_get_carried (self, new_index, f), "1") == 0)
      g_string_append_printf (out, "%s%s", out->len ? "、" : "", mq_field_label (f));
  return g_string_free (out, FALSE);
}

/* A parcel that became one other: its area change says something. */
static gboolean
is_one_to_one (MqLineage relation)
{
  return relation == MQ_LINEAGE_SAME || relation == MQ_LINEAGE_BOUNDARY || relation == MQ_LINEAGE_RENUMBERED;
}

/* A cell of the change report's row for @l; NULL when it has none. */
char *
mq_survey_update_dup_report_cell (MqSurveyUpdate      *self,
                                  const MqLineageLink *l,
                                  guint                column)
{
  const MqParcel *o = l->old_index != MQ_NO_PARCEL
                        ? mq_parcels_get (mq_dataset_get_parcels (self->project), l->old_index) : NULL;
  const MqParcel *n = l->new_index != MQ_NO_PARCEL
                        ? mq_parcels_get (mq_dataset_get_parcels (self->survey), l->new_index) : NULL;
  const char *note;

  switch (column)
    {
    case COL_CLASS: return g_strdup (mq_lineage_label (l->relation));
    case COL_OLD_ID: return g_strdup (o ? o->id : NULL);
    case COL_NEW_ID: return g_strdup (n ? n->id : NULL);
    case COL_OLD_MU: return o ? g_strdup_printf ("%.2f", o->area_m2 / MQ_M2_PER_MU) : NULL;
    case COL_NEW_MU: return n ? g_strdup_printf ("%.2f", n->area_m2 / MQ_M2_PER_MU) : NULL;
    case COL_CHANGE_M2:
      return is_one_to_one (l->relation) ? g_strdup_printf ("%.2f", n->area_m2 - o->area_m2) : NULL;
    case COL_OLD_SHARE: return o && n ? g_strdup_printf ("%.3f", l->old_share) : NULL;
    case COL_NEW_SHARE: return o && n ? g_strdup_printf ("%.3f", l->new_share) : NULL;
    case COL_LOCKS: return n ? dup_locks (self, l->new_index) : NULL;
    case COL_NOTE:
      note = n ? mq_survey_update_get_carried (self, l->new_index, MQ_FIELD_NOTES) : NULL;
      return note && g_str_has_prefix (note, MQ_REVIEW_MARK) ? g_strdup (note) : NULL;
    default:
      g_return_val_if_reached (NULL);
    }
}

/* Every link but the parcels that stayed as they were: a row of the report. */
gboolean
mq_lineage_link_is_affected (const MqLineageLink *l)
{
  return l->relation != MQ_LINEAGE_SAME;
}

static gboolean
write_csv (MqSurveyUpdate *self,
           MqOutput       *out,
           gboolean        chinese)
{
  g_autoptr(GString) row = g_string_new (NULL);
  gboolean ok = mq_output_write (out, "\xEF\xBB\xBF", 3);

  for (guint c = 0; c < N_COLUMNS; c++)
    mq_csv_put_cell (row, mq_survey_update_report_header (c, chinese));
  g_string_append (row, "\r\n");
  ok = ok && mq_output_write (out, row->str, row->len);
  for (guint k = 0; ok && k < self->links->len; k++)
    {
      const MqLineageLink *l = &g_array_index (self->links, MqLineageLink, k);

      if (!mq_lineage_link_is_affected (l))
        continue;
      g_string_truncate (row, 0);
      for (guint c = 0; c < N_COLUMNS; c++)
        {
          g_autofree char *text = mq_survey_update_dup_report_cell (self, l, c);

          mq_csv_put_cell (row, text);
        }
      g_string_append (row, "\r\n");
      ok = mq_output_write (out, row->str, row->len);
    }
  return ok;
}

static gboolean
is_number_column (guint column)
{
  return column >= COL_OLD_MU && column <= COL_NEW_SHARE;
}

static void
write_totals_sheet (MqSurveyUpdate *self,
                    lxw_workbook   *book,
                    lxw_format     *bold,
                    gboolean        chinese)
{
  /* TRANSLATORS: a worksheet's name (at most 31 characters) */
  lxw_worksheet *sheet = workbook_add_worksheet (book, _("Totals"));
  static const char *const zh[] = { "类别", "原地块（宗）", "原面积（亩）", "新地块（宗）", "新面积（亩）" };
  static const char *const en[] = { "class", "old_parcels", "old_mu", "new_parcels", "new_mu" };

  for (guint c = 0; c < G_N_ELEMENTS (zh); c++)
    worksheet_write_string (sheet, 0, c, chinese ? zh[c] : en[c], bold);
  for (guint r = 0; r < MQ_N_LINEAGES; r++)
    {
      worksheet_write_string (sheet, r + 1, 0, mq_lineage_label (r), NULL);
      worksheet_write_number (sheet, r + 1, 1, self->totals[r].n_old, NULL);
      worksheet_write_number (sheet, r + 1, 2, self->totals[r].old_mu, NULL);
      worksheet_write_number (sheet, r + 1, 3, self->totals[r].n_new, NULL);
      worksheet_write_number (sheet, r + 1, 4, self->totals[r].new_mu, NULL);
    }
  worksheet_set_column (sheet, 0, 4, 16, NULL);
}

static void
write_rows_sheet (MqSurveyUpdate *self,
                  lxw_workbook   *book,
                  lxw_format     *bold,
                  gboolean        chinese)
{
  /* TRANSLATORS: a worksheet's name (at most 31 characters) */
  lxw_worksheet *sheet = workbook_add_worksheet (book, _("Parcels"));
  lxw_format *text = workbook_add_format (book);
  lxw_row_t row = 1;

  format_set_num_format (text, "@");
  for (guint c = 0; c < N_COLUMNS; c++)
    worksheet_write_string (sheet, 0, c, mq_survey_update_report_header (c, chinese), bold);
  for (guint k = 0; k < self->links->len; k++)
    {
      const MqLineageLink *l = &g_array_index (self->links, MqLineageLink, k);

      if (!mq_lineage_link_is_affected (l))
        continue;
      for (guint c = 0; c < N_COLUMNS; c++)
        {
          g_autofree char *cell = mq_survey_update_dup_report_cell (self, l, c);

          if (cell == NULL)
            continue;
          if (is_number_column (c))
            worksheet_write_number (sheet, row, c, g_ascii_strtod (cell, NULL), NULL);
          else
            worksheet_write_string (sheet, row, c, cell, text);
        }
      row++;
    }
  worksheet_freeze_panes (sheet, 1, 0);
  worksheet_set_column (sheet, 0, COL_LOCKS, 14, NULL);
  worksheet_set_column (sheet, COL_NOTE, COL_NOTE, 60, NULL);
}

static gboolean
write_xlsx (MqSurveyUpdate *self,
            MqOutput       *out,
            gboolean        chinese)
{
  lxw_workbook *book;
  lxw_format *bold;

  mq_output_release_file (out);
  if ((book = workbook_new (mq_output_get_temp_path (out))) == NULL)
    return FALSE;
  bold = workbook_add_format (book);
  format_set_bold (bold);
  write_totals_sheet (self, book, bold, chinese);
  write_rows_sheet (self, book, bold, chinese);
  return workbook_close (book) == LXW_NO_ERROR;
}

/**
 * mq_survey_update_write_report:
 * @path: FILE.csv or FILE.xlsx
 *
 * The change report: CSV (one row per parcel the update touched) or a
 * workbook (the totals per class, then those rows). Written whole or not
 * at all.
 */
gboolean
mq_survey_update_write_report (MqSurveyUpdate  *self,
                               const char      *path,
                               gboolean         chinese,
                               GError         **error)
{
  g_autoptr(MqOutput) out = mq_output_new (path, NULL, TRUE, mq_dataset_get_path (self->project), error);
  gboolean ok;

  if (out == NULL)
    return FALSE;
  ok = g_str_has_suffix (path, ".xlsx") ? write_xlsx (self, out, chinese) : write_csv (self, out, chinese);
  if (!ok)
    mq_output_set_failed (out, errno != 0 ? errno : EIO);
  return mq_output_commit (out, error);
}
