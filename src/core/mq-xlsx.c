/* mq-xlsx.c
 *
 * libxlsxwriter writes the workbook under the temporary name mq-output.c
 * gives, row by row (its constant-memory mode: a million rows cost no more
 * than ten), and the name is taken only once the workbook is whole.
 *
 * What Excel and WPS need to keep a 台账 intact: ids and codes are text (a
 * BSM of 18 digits or a TBBH "0012" would turn into numbers), dates are
 * dates, areas numbers shown to two decimals; the header is frozen and
 * filtered and repeats on every printed A4 landscape page; overdue rows are
 * red by a conditional format on today's date, so the colour stays true the
 * day the file is opened; the 合计 row sums the areas with SUBTOTAL, so it
 * follows Excel's filter (its value is written too, for readers that do not
 * calculate).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-xlsx.h"

#include <errno.h>
#include <time.h>
#include <glib/gi18n-lib.h>
#include <xlsxwriter.h>

#include "mq-csv.h"
#include "mq-output.h"
#include "mq-terms.h"

typedef struct
{
  lxw_workbook  *book;
  lxw_worksheet *sheet;
  lxw_format    *header;
  lxw_format    *text;
  lxw_format    *number;
  lxw_format    *integer;
  lxw_format    *date;
  lxw_format    *total;
  lxw_format    *total_number;
  lxw_format    *overdue;
  MqTable       *table;
  guint          n_columns;
  guint          n_rows;      /* parcels */
  double        *sums;        /* per column, what its area cells hold, for the 合计 row */
  guint32        as_of;       /* the past day the parcels are of, or 0 */
} Ledger;

/* Excel's column name: 0 → A, 26 → AA. */
static void
column_name (guint  column,
             char  *name)
{
  char reversed[8];
  int n = 0;

  column++;
  while (column > 0 && n < 7)
    {
      reversed[n++] = 'A' + (column - 1) % 26;
      column = (column - 1) / 26;
    }
  for (int i = 0; i < n; i++)
    name[i] = reversed[n - 1 - i];
  name[n] = '\0';
}

static void
make_formats (Ledger *l)
{
  l->header = workbook_add_format (l->book);
  format_set_bold (l->header);
  format_set_bg_color (l->header, 0xDDEBF7);
  format_set_border (l->header, LXW_BORDER_THIN);
  format_set_text_wrap (l->header);
  format_set_align (l->header, LXW_ALIGN_VERTICAL_CENTER);
  l->text = workbook_add_format (l->book);
  format_set_num_format (l->text, "@");
  l->number = workbook_add_format (l->book);
  format_set_num_format (l->number, "0.00");
  l->integer = workbook_add_format (l->book);
  format_set_num_format (l->integer, "0");
  l->date = workbook_add_format (l->book);
  format_set_num_format (l->date, "yyyy\"年\"m\"月\"d\"日\"");
  l->total = workbook_add_format (l->book);
  format_set_bold (l->total);
  format_set_top (l->total, LXW_BORDER_DOUBLE);
  l->total_number = workbook_add_format (l->book);
  format_set_bold (l->total_number);
  format_set_top (l->total_number, LXW_BORDER_DOUBLE);
  format_set_num_format (l->total_number, "0.00");
  l->overdue = workbook_add_format (l->book);
  format_set_font_color (l->overdue, 0x9C0006);
  format_set_bg_color (l->overdue, 0xFFC7CE);
}

/* How wide a text shows, in Excel's character widths: a Chinese character
 * takes two. */
static double
text_width (const char *text)
{
  double width = 0;

  for (const char *p = text; p != NULL && *p; p = g_utf8_next_char (p))
    width += g_unichar_iswide (g_utf8_get_char (p)) ? 2.0 : 1.1;
  return width;
}

/* Rows looked at for a column's width: enough to see its usual text. */
#define WIDTH_SAMPLE 400

static void
write_header (Ledger *l)
{
  for (guint c = 0; c < l->n_columns; c++)
    {
      const char *header = mq_table_get_header (l->table, c);
      double width = text_width (header);

      for (guint i = 0; i < MIN (l->n_rows, WIDTH_SAMPLE); i++)
        {
          g_autofree char *text = mq_table_dup_cell (l->table, i, c);

          width = MAX (width, text_width (text));
        }
      /* A date shows as 2024年4月27日. */
      if (mq_table_get_kind (l->table, c) == MQ_CELL_DATE)
        width = MAX (width, 14);
      worksheet_write_string (l->sheet, 0, c, header, l->header);
      worksheet_set_column (l->sheet, c, c, CLAMP (width + 2, 8, 40), NULL);
    }
}

static void
write_cell (Ledger     *l,
            guint       row,
            guint       column,
            const char *text)
{
  guint32 julian;

  if (text == NULL || *text == '\0')
    return;
  switch (mq_table_get_kind (l->table, column))
    {
    case MQ_CELL_NUMBER:
    case MQ_CELL_AREA:
      {
        char *end = NULL;
        double v = g_ascii_strtod (text, &end);

        /* Areas to two decimals; a count or a lock state as it is. */
        if (end != text && *end == '\0')
          {
            l->sums[column] += v;
            worksheet_write_number (l->sheet, row, column, v,
                                    mq_table_get_kind (l->table, column) == MQ_CELL_NUMBER && v == (gint64) v
                                      ? l->integer : l->number);
            return;
          }
        break;
      }
    case MQ_CELL_DATE:
      if (mq_date_parse (text, &julian) && julian != 0)
        {
          GDate date;
          lxw_datetime dt = { 0 };

          g_date_clear (&date, 1);
          g_date_set_julian (&date, julian);
          dt.year = g_date_get_year (&date);
          dt.month = g_date_get_month (&date);
          dt.day = g_date_get_day (&date);
          worksheet_write_datetime (l->sheet, row, column, &dt, l->date);
          return;
        }
      break;
    case MQ_CELL_TEXT:
    default:
      break;
    }
  /* Text as it is: never a formula, never a number Excel would reformat. */
  worksheet_write_string (l->sheet, row, column, text, l->text);
}

static void
write_rows (Ledger *l)
{
  for (guint i = 0; i < l->n_rows; i++)
    for (guint c = 0; c < l->n_columns; c++)
      {
        g_autofree char *text = mq_table_dup_cell (l->table, i, c);

        write_cell (l, i + 1, c, text);
      }
}

/* The 合计 row: how many parcels, and the areas summed (as the filter shows them). */
static void
write_total (Ledger *l)
{
  guint row = l->n_rows + 1;
  g_autofree char *label = g_strdup_printf (_("Total (%u parcels)"), l->n_rows);

  worksheet_write_string (l->sheet, row, 0, label, l->total);
  for (guint c = 1; c < l->n_columns; c++)
    {
      g_autofree char *formula = NULL;
      char name[8];

      if (mq_table_get_kind (l->table, c) != MQ_CELL_AREA)
        continue;
      column_name (c, name);
      formula = g_strdup_printf ("=SUBTOTAL(9,%s2:%s%u)", name, name, row);
      worksheet_write_formula_num (l->sheet, row, c, formula, l->total_number, l->sums[c]);
    }
}

/* The day the ledger is as of: Excel's own today, unless the parcels are
 * of a past day (mq_dataset_get_as_of()). */
static char *
dup_today_formula (Ledger *l)
{
  GDate date;

  if (l->as_of == 0)
    return g_strdup ("TODAY()");
  g_date_clear (&date, 1);
  g_date_set_julian (&date, l->as_of);
  return g_strdup_printf ("DATE(%d,%d,%d)", g_date_get_year (&date), g_date_get_month (&date),
                          g_date_get_day (&date));
}

/* Overdue rows red: a deadline before today on a parcel not done. */
static void
mark_overdue (Ledger *l)
{
  int deadline = mq_table_find_field (l->table, MQ_FIELD_DEADLINE);
  int stage = mq_table_find_field (l->table, MQ_FIELD_STAGE);
  g_autofree char *today = dup_today_formula (l);
  g_autofree char *formula = NULL;
  char d[8], s[8];
  lxw_conditional_format cf = { 0 };

  if (deadline < 0 || stage < 0 || l->n_rows == 0)
    return;
  column_name (deadline, d);
  column_name (stage, s);
  formula = g_strdup_printf ("=AND($%s2<>\"\",$%s2<%s,$%s2<>\"%s\")", d, d, today, s,
                             mq_stage_term (MQ_STAGE_DONE));
  cf.type = LXW_CONDITIONAL_TYPE_FORMULA;
  cf.value_string = formula;
  cf.format = l->overdue;
  worksheet_conditional_format_range (l->sheet, 1, 0, l->n_rows, l->n_columns - 1, &cf);
}

static void
set_page (Ledger *l)
{
  worksheet_freeze_panes (l->sheet, 1, 0);
  worksheet_autofilter (l->sheet, 0, 0, l->n_rows, l->n_columns - 1);
  worksheet_set_landscape (l->sheet);
  worksheet_set_paper (l->sheet, 9);   /* A4 */
  worksheet_repeat_rows (l->sheet, 0, 0);
  worksheet_fit_to_pages (l->sheet, 1, 0);
}

static void
set_properties (Ledger     *l,
                const char *unit)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  lxw_doc_properties props = { 0 };
  struct tm created = { 0 };

  created.tm_year = g_date_time_get_year (now) - 1900;
  created.tm_mon = g_date_time_get_month (now) - 1;
  created.tm_mday = g_date_time_get_day_of_month (now);
  created.tm_hour = g_date_time_get_hour (now);
  created.tm_min = g_date_time_get_minute (now);
  props.title = _("Maqiao industrial land transformation ledger");
  props.subject = _("The four locks of every parcel");
  props.comments = _("Written by Maqiao Land Viewer");
  /* The office that keeps the ledger (制图单位), when known. */
  props.company = unit != NULL && *unit != '\0' ? (char *) unit : NULL;
  props.created = mktime (&created);
  workbook_set_properties (l->book, &props);
}

/**
 * mq_xlsx_export:
 * @chinese_headers: Chinese column headers (as the CSV), else the stable keys
 * @unit: (nullable): the office that keeps the ledger, for its properties
 *
 * Writes the 台账 of every parcel to @path (.xlsx): under a temporary name,
 * renamed into place once whole; the project itself is never written over.
 */
gboolean
mq_xlsx_export (MqDataset   *dataset,
                const char  *path,
                gboolean     chinese_headers,
                const char  *unit,
                GError     **error)
{
  g_autoptr(MqOutput) out = mq_output_new (path, NULL, TRUE, mq_dataset_get_path (dataset), error);
  g_autoptr(MqTable) table = NULL;
  g_autofree double *sums = NULL;
  lxw_workbook_options options = { .constant_memory = LXW_TRUE, .use_zip64 = LXW_TRUE };
  Ledger l = { 0 };
  lxw_error status;

  if (out == NULL)
    return FALSE;
  mq_output_release_file (out);
  table = mq_table_new (mq_dataset_get_parcels (dataset), chinese_headers);
  l.table = table;
  l.n_columns = mq_table_get_n_columns (table);
  l.n_rows = mq_parcels_get_n_parcels (mq_dataset_get_parcels (dataset));
  l.sums = sums = g_new0 (double, l.n_columns);
  l.as_of = mq_dataset_get_as_of (dataset);
  l.book = workbook_new_opt (mq_output_get_temp_path (out), &options);
  if (l.book == NULL)
    {
      mq_output_set_failed (out, errno != 0 ? errno : EIO);
      return mq_output_commit (out, error);
    }
  /* TRANSLATORS: the name of the 台账's worksheet (at most 31 characters) */
  l.sheet = workbook_add_worksheet (l.book, _("Ledger"));
  make_formats (&l);
  set_properties (&l, unit);
  /* Before the rows: in constant-memory mode a range over rows already
   * written out is refused. */
  set_page (&l);
  mark_overdue (&l);
  write_header (&l);
  write_rows (&l);
  write_total (&l);
  status = workbook_close (l.book);
  if (status != LXW_NO_ERROR)
    mq_output_set_failed (out, EIO);
  return mq_output_commit (out, error);
}
