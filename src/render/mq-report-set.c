/* mq-report-set.c
 *
 * A bureau sends each responsible entity its own parcels: the report is
 * written once per group of the flagged parcels (or of the parcels asked
 * for), each PDF whole or not at all, and an index workbook names the
 * files with each group's parcels, mu and overdue count. A file name is
 * the group's name as people write it (Chinese kept), with only what no
 * file system takes replaced.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-report-set.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <xlsxwriter.h>

#include "mq-geopdf.h"
#include "mq-output.h"
#include "mq-terms.h"

/* A file name keeps at most this many characters of the group's name. */
#define NAME_CHARS 80

typedef struct
{
  char        *name;       /* the group's, as shown */
  MqSelection *parcels;
  char        *file;       /* its PDF's name in the folder */
  double       m2;
  guint        overdue;
} Group;

static void
group_free (Group *g)
{
  g_free (g->name);
  g_clear_object (&g->parcels);
  g_free (g->file);
  g_free (g);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Group, group_free)

gboolean
mq_report_by_parse (const char *text,
                    MqReportBy *by)
{
  static const char *const names[] = { "entity", "method", "stage" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_strcmp0 (text, names[i]) == 0)
      {
        *by = (MqReportBy) i;
        return TRUE;
      }
  return FALSE;
}

/**
 * mq_report_file_name:
 *
 * A file name (without its extension) for a group's report: its name with
 * "/", "\", ":", the other characters Windows refuses and control
 * characters replaced by "_", no leading or trailing blank or dot, at most
 * NAME_CHARS characters; Chinese kept.
 */
char *
mq_report_file_name (const char *group)
{
  g_autofree char *valid = g_utf8_make_valid (group != NULL ? group : "", -1);
  g_autofree char *cut = g_utf8_substring (valid, 0, MIN (g_utf8_strlen (valid, -1), NAME_CHARS));
  GString *out = g_string_new (NULL);

  for (const char *p = cut; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x20 || c == 0x7f || (c < 0x80 && strchr ("/\\:*?\"<>|", (int) c) != NULL))
        g_string_append_c (out, '_');
      else
        g_string_append_unichar (out, c);
    }
  g_strstrip (out->str);
  while (out->str[0] == '.')
    memmove (out->str, out->str + 1, strlen (out->str));
  out->len = strlen (out->str);
  while (out->len > 0 && (out->str[out->len - 1] == '.' || out->str[out->len - 1] == ' '))
    g_string_truncate (out, out->len - 1);
  if (out->len == 0)
    g_string_assign (out, "_");
  return g_string_free (out, FALSE);
}

static const char *
group_of (const MqParcel *p,
          MqReportBy      by)
{
  switch (by)
    {
    case MQ_REPORT_BY_METHOD:
      return mq_method_label (p->method);
    case MQ_REPORT_BY_STAGE:
      return mq_stage_label (p->stage);
    case MQ_REPORT_BY_ENTITY:
    default:
      return p->details->entity && *p->details->entity ? p->details->entity
                                                         : _("No responsible entity");
    }
}

static int
compare_groups (gconstpointer a,
                gconstpointer b)
{
  return strcmp ((*(Group * const *) a)->name, (*(Group * const *) b)->name);
}

/* The report's parcels (flagged, or those asked for) by group, by name. */
static GPtrArray *
make_groups (MqDataset             *dataset,
             MqReportBy             by,
             const MqReportOptions *options)
{
  MqParcels *parcels = mq_dataset_get_parcels (dataset);
  g_autoptr(GHashTable) by_name = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *groups = g_ptr_array_new_with_free_func ((GDestroyNotify) group_free);
  guint32 today = mq_dataset_get_today (dataset);

  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    {
      const MqParcel *p = mq_parcels_get (parcels, i);
      const char *name;
      Group *g;

      if (options->only ? !mq_selection_contains (options->only, i) : !p->flagged)
        continue;
      name = group_of (p, by);
      if ((g = g_hash_table_lookup (by_name, name)) == NULL)
        {
          g = g_new0 (Group, 1);
          g->name = g_strdup (name);
          g->parcels = mq_selection_new ();
          g_hash_table_insert (by_name, g->name, g);
          g_ptr_array_add (groups, g);
        }
      mq_selection_toggle (g->parcels, i);
      g->m2 += p->area_m2;
      g->overdue += mq_parcel_is_overdue (p, today);
    }
  g_ptr_array_sort (groups, compare_groups);
  return groups;
}

/* Names two groups cannot share once cut and cleaned: "名 (2)". */
static void
name_files (GPtrArray *groups)
{
  g_autoptr(GHashTable) taken = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint k = 0; k < groups->len; k++)
    {
      Group *g = g_ptr_array_index (groups, k);
      g_autofree char *base = mq_report_file_name (g->name);
      g_autofree char *stem = g_strdup (base);
      g_autofree char *key = g_utf8_casefold (stem, -1);

      for (guint n = 2; g_hash_table_contains (taken, key); n++)
        {
          g_free (stem);
          g_free (key);
          stem = g_strdup_printf ("%s (%u)", base, n);
          key = g_utf8_casefold (stem, -1);
        }
      g_hash_table_add (taken, g_steal_pointer (&key));
      g->file = g_strconcat (stem, ".pdf", NULL);
    }
}

static const char *
group_heading (MqReportBy by)
{
  switch (by)
    {
    case MQ_REPORT_BY_METHOD:
      return _("Transformation method");
    case MQ_REPORT_BY_STAGE:
      return _("Stage");
    case MQ_REPORT_BY_ENTITY:
    default:
      return _("Responsible entity");
    }
}

static void
write_index_rows (lxw_workbook *book,
                  MqReportBy    by,
                  GPtrArray    *groups)
{
  lxw_worksheet *sheet = workbook_add_worksheet (book, _("Reports"));
  lxw_format *bold = workbook_add_format (book);
  lxw_format *mu = workbook_add_format (book);
  const char *headings[] = { group_heading (by), _("File"), _("Parcels"), _("Mu"), _("Overdue") };
  guint parcels = 0, overdue = 0;
  double m2 = 0;
  guint k;

  format_set_bold (bold);
  format_set_num_format (mu, "0.00");
  for (guint c = 0; c < G_N_ELEMENTS (headings); c++)
    worksheet_write_string (sheet, 0, c, headings[c], bold);
  worksheet_set_column (sheet, 0, 1, 36, NULL);
  worksheet_freeze_panes (sheet, 1, 0);
  for (k = 0; k < groups->len; k++)
    {
      Group *g = g_ptr_array_index (groups, k);

      worksheet_write_string (sheet, k + 1, 0, g->name, NULL);
      worksheet_write_string (sheet, k + 1, 1, g->file, NULL);
      worksheet_write_number (sheet, k + 1, 2, mq_selection_get_n (g->parcels), NULL);
      worksheet_write_number (sheet, k + 1, 3, g->m2 / MQ_M2_PER_MU, mu);
      worksheet_write_number (sheet, k + 1, 4, g->overdue, NULL);
      parcels += mq_selection_get_n (g->parcels), m2 += g->m2, overdue += g->overdue;
    }
  worksheet_write_string (sheet, k + 1, 0, _("Total"), bold);
  worksheet_write_number (sheet, k + 1, 2, parcels, bold);
  worksheet_write_number (sheet, k + 1, 3, m2 / MQ_M2_PER_MU, mu);
  worksheet_write_number (sheet, k + 1, 4, overdue, bold);
}

/* The index workbook beside the reports, whole or not at all. */
static gboolean
write_index (MqDataset   *dataset,
             const char  *folder,
             MqReportBy   by,
             GPtrArray   *groups,
             GError     **error)
{
  /* TRANSLATORS: the file name of the index of per-entity reports */
  g_autofree char *path = g_build_filename (folder, _("index.xlsx"), NULL);
  g_autoptr(MqOutput) out = mq_output_new (path, NULL, TRUE, mq_dataset_get_path (dataset), error);
  lxw_workbook *book;

  if (out == NULL)
    return FALSE;
  mq_output_release_file (out);
  book = workbook_new (mq_output_get_temp_path (out));
  if (book == NULL)
    mq_output_set_failed (out, errno != 0 ? errno : EIO);
  else
    {
      write_index_rows (book, by, groups);
      if (workbook_close (book) != LXW_NO_ERROR)
        mq_output_set_failed (out, EIO);
    }
  return mq_output_commit (out, error);
}

/**
 * mq_report_write_set:
 *
 * Writes into @folder (made if missing) one report per group of the
 * report's parcels — by responsible entity, method or stage — titled with
 * the group, and the index workbook. Stops at the first that cannot be
 * written, with its error; the reports written before it stay whole.
 */
gboolean
mq_report_write_set (MqDataset              *dataset,
                     const char             *folder,
                     MqReportBy              by,
                     const MqReportOptions  *options,
                     GError                **error)
{
  g_autoptr(GPtrArray) groups = make_groups (dataset, by, options);

  if (g_mkdir_with_parents (folder, 0755) != 0)
    {
      int errsv = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errsv), _("%s: cannot be made: %s"), folder,
                   g_strerror (errsv));
      return FALSE;
    }
  name_files (groups);
  for (guint k = 0; k < groups->len; k++)
    {
      Group *g = g_ptr_array_index (groups, k);
      g_autofree char *path = g_build_filename (folder, g->file, NULL);
      /* Translators: a report's title, then whose parcels it shows */
      g_autofree char *title = g_strdup_printf (_("%s: %s"), mq_report_get_title (options), g->name);
      MqReportOptions one = *options;

      one.title = title;
      one.only = g->parcels;
      if (!(options->geopdf ? mq_geopdf_write (dataset, path, &one, error)
                            : mq_report_write_pdf (dataset, path, &one, error)))
        return FALSE;
    }
  return write_index (dataset, folder, by, groups, error);
}
