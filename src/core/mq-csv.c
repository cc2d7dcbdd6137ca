/* mq-csv.c
 *
 * UTF-8 with a byte-order mark (Excel reads it as UTF-8 only then), RFC 4180
 * quoting, one row per parcel. The fixed columns come first with stable
 * English keys — or the Chinese headers in a Chinese locale — and every
 * other source attribute follows under its own name.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-csv.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gdal.h>
#include <ogr_api.h>

#include "mq-field-map.h"
#include "mq-geometry-check.h"
#include "mq-output.h"
#include "mq-performance.h"

G_DEFINE_QUARK (mq-csv-error-quark, mq_csv_error)

/* The first characters that make a spreadsheet read a cell as a formula. */
#define FORMULA_STARTS "=+-@\t\r"

typedef enum
{
  COL_FIELD,      /* a field of the field table */
  COL_AREA_M2,
  COL_AREA_MU,
  COL_PROBLEMS,
  COL_FAR,            /* the 容积率 the assessment uses (mq_parcel_far()) */
  COL_TAX_PER_MU,
  COL_OUTPUT_PER_MU,
} ColumnKind;

typedef struct
{
  ColumnKind  kind;
  MqField     field;
  const char *key;
  const char *zh;
} Column;

/* The order the four-locks issue reads back, and planners expect. */
static const Column columns[] = {
  { COL_FIELD, MQ_FIELD_ID, NULL, NULL },
  { COL_FIELD, MQ_FIELD_OWNER, NULL, NULL },
  { COL_FIELD, MQ_FIELD_LAND_USE_CODE, NULL, NULL },
  { COL_FIELD, MQ_FIELD_LAND_USE_NAME, NULL, NULL },
  { COL_AREA_M2, 0, "area_m2", "面积（平方米）" },
  { COL_AREA_MU, 0, "area_mu", "面积（亩）" },
  { COL_FIELD, MQ_FIELD_SURVEY_AREA, NULL, NULL },
  { COL_FIELD, MQ_FIELD_FLAGGED, NULL, NULL },
  { COL_FIELD, MQ_FIELD_METHOD, NULL, NULL },
  { COL_FIELD, MQ_FIELD_LOCK_PARCEL, NULL, NULL },
  { COL_FIELD, MQ_FIELD_LOCK_PROJECT, NULL, NULL },
  { COL_FIELD, MQ_FIELD_LOCK_DEADLINE, NULL, NULL },
  { COL_FIELD, MQ_FIELD_LOCK_OWNER, NULL, NULL },
  { COL_FIELD, MQ_FIELD_PROJECT, NULL, NULL },
  { COL_FIELD, MQ_FIELD_DEADLINE, NULL, NULL },
  { COL_FIELD, MQ_FIELD_STAGE, NULL, NULL },
  { COL_FIELD, MQ_FIELD_ENTITY, NULL, NULL },
  { COL_FIELD, MQ_FIELD_CONTACT, NULL, NULL },
  { COL_FIELD, MQ_FIELD_PHONE, NULL, NULL },
  { COL_FIELD, MQ_FIELD_LOCK_PARCEL_DATE, NULL, NULL },
  { COL_FIELD, MQ_FIELD_LOCK_PROJECT_DATE, NULL, NULL },
  { COL_FIELD, MQ_FIELD_LOCK_DEADLINE_DATE, NULL, NULL },
  { COL_FIELD, MQ_FIELD_LOCK_OWNER_DATE, NULL, NULL },
  /* Performance per mu: what was entered, then what is computed from it
   * (read past when the table comes back: it is never stored). */
  { COL_FIELD, MQ_FIELD_CREDIT_CODE, NULL, NULL },
  { COL_FIELD, MQ_FIELD_GRADE, NULL, NULL },
  { COL_FIELD, MQ_FIELD_FLOOR_AREA, NULL, NULL },
  { COL_FIELD, MQ_FIELD_FAR, NULL, NULL },
  { COL_FAR, 0, "far_computed", "容积率（核算）" },
  { COL_FIELD, MQ_FIELD_TAX, NULL, NULL },
  { COL_TAX_PER_MU, 0, "tax_per_mu", "亩均税收（万元/亩）" },
  { COL_FIELD, MQ_FIELD_OUTPUT, NULL, NULL },
  { COL_OUTPUT_PER_MU, 0, "output_per_mu", "亩均产值（万元/亩）" },
  { COL_FIELD, MQ_FIELD_ENERGY, NULL, NULL },
  { COL_FIELD, MQ_FIELD_HIGH_ENERGY, NULL, NULL },
  { COL_FIELD, MQ_FIELD_HIGH_POLLUTION, NULL, NULL },
  { COL_FIELD, MQ_FIELD_HIGH_RISK, NULL, NULL },
  { COL_FIELD, MQ_FIELD_LOW_YIELD, NULL, NULL },
  { COL_FIELD, MQ_FIELD_PLANNED_USE, NULL, NULL },
  { COL_FIELD, MQ_FIELD_PLANNED_FAR, NULL, NULL },
  { COL_PROBLEMS, 0, "problems", "问题" },
};

gboolean
mq_locale_is_chinese (void)
{
  return g_str_has_prefix (g_get_language_names ()[0], "zh");
}

static const char *
column_header (const Column *c,
               gboolean      chinese)
{
  if (c->kind == COL_FIELD)
    return chinese ? mq_field_info (c->field)->zh_header : mq_field_info (c->field)->key;
  return chinese ? c->zh : c->key;
}

/* A plain number (a negative area, say) is left as it is: Excel reads it as
 * the number it is, and it computes nothing. */
static gboolean
is_number (const char *text)
{
  char *end = NULL;

  if ((text[0] != '-' && text[0] != '+') || (!g_ascii_isdigit (text[1]) && text[1] != '.'))
    return FALSE;
  g_ascii_strtod (text, &end);
  return end != text && *end == '\0';
}

/* Excel (and LibreOffice) run a cell beginning with = + - @ as a formula,
 * and a tab or carriage return may hide one: such text gets a leading ',
 * which shows it as text and which --apply-csv takes off again. */
static gboolean
needs_guard (const char *text)
{
  return text[0] != '\0' && strchr (FORMULA_STARTS, text[0]) != NULL && !is_number (text);
}

/* One cell of an RFC 4180 row, a comma before it unless it is the first. */
void
mq_csv_put_cell (GString    *row,
                 const char *text)
{
  g_autofree char *guarded = NULL;

  if (row->len > 0)
    g_string_append_c (row, ',');
  if (text == NULL)
    return;
  if (needs_guard (text))
    text = guarded = g_strconcat ("'", text, NULL);
  if (strpbrk (text, ",\"\r\n") == NULL)
    {
      g_string_append (row, text);
      return;
    }
  g_string_append_c (row, '"');
  for (const char *p = text; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (row, '"');
      g_string_append_c (row, *p);
    }
  g_string_append_c (row, '"');
}

static char *
computed (double      value,
          const char *format)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (isnan (value))
    return NULL;
  return g_strdup (g_ascii_formatd (buffer, sizeof buffer, format, value));
}

static char *
cell_text (const Column   *c,
           const MqParcel *p)
{
  switch (c->kind)
    {
    case COL_FIELD: return mq_parcel_dup_field_text (p, c->field);
    case COL_AREA_M2: return g_strdup_printf ("%.2f", p->area_m2);
    case COL_AREA_MU: return g_strdup_printf ("%.6f", p->area_m2 / MQ_M2_PER_MU);
    case COL_PROBLEMS: return mq_problems_to_keys (p->problems);
    case COL_FAR: return computed (mq_parcel_far (p), "%.2f");
    case COL_TAX_PER_MU: return computed (mq_parcel_tax_per_mu (p), "%.2f");
    case COL_OUTPUT_PER_MU: return computed (mq_parcel_output_per_mu (p), "%.2f");
    default: g_return_val_if_reached (NULL);
    }
}

/* A project's own columns beyond the fixed ones get their Chinese header too. */
static const char *
extra_header (const char *name,
              gboolean    chinese)
{
  for (guint f = 0; chinese && f < MQ_N_FIELDS; f++)
    if (g_str_equal (name, mq_field_info (f)->key))
      return mq_field_info (f)->zh_header;
  return name;
}

/* ---- the table's columns, for CSV and XLSX alike ---- */

struct _MqTable
{
  MqParcels *parcels;
  GArray    *extra;      /* guint: source attributes not already a fixed column */
  gboolean   chinese;
};

/* The parcel table of @parcels: the fixed columns, then every source
 * attribute not already one of them under the same name. */
MqTable *
mq_table_new (MqParcels *parcels,
              gboolean   chinese_headers)
{
  MqTable *table = g_new0 (MqTable, 1);
  const char * const *names = mq_parcels_get_field_names (parcels);

  table->parcels = g_object_ref (parcels);
  table->chinese = chinese_headers;
  table->extra = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      gboolean fixed = FALSE;

      for (guint c = 0; c < G_N_ELEMENTS (columns) && !fixed; c++)
        fixed = g_ascii_strcasecmp (names[i], column_header (&columns[c], FALSE)) == 0 ||
                g_strcmp0 (names[i], column_header (&columns[c], TRUE)) == 0;
      if (!fixed)
        g_array_append_val (table->extra, i);
    }
  return table;
}

void
mq_table_free (MqTable *table)
{
  if (table == NULL)
    return;
  g_object_unref (table->parcels);
  g_array_unref (table->extra);
  g_free (table);
}

guint
mq_table_get_n_columns (MqTable *table)
{
  return G_N_ELEMENTS (columns) + table->extra->len;
}

const char *
mq_table_get_header (MqTable *table,
                     guint    column)
{
  const char * const *names = mq_parcels_get_field_names (table->parcels);

  if (column < G_N_ELEMENTS (columns))
    return column_header (&columns[column], table->chinese);
  return extra_header (names[g_array_index (table->extra, guint, column - G_N_ELEMENTS (columns))],
                       table->chinese);
}

/* What a column holds, for a spreadsheet to type its cells: a fixed
 * column's field type; a source attribute stays text (ids with their
 * leading zeros, codes). */
MqCellKind
mq_table_get_kind (MqTable *table,
                   guint    column)
{
  const Column *c = column < G_N_ELEMENTS (columns) ? &columns[column] : NULL;

  if (c == NULL || c->kind == COL_PROBLEMS)
    return MQ_CELL_TEXT;
  if (c->kind != COL_FIELD && c->kind != COL_AREA_M2 && c->kind != COL_AREA_MU)
    return MQ_CELL_NUMBER;
  if (c->kind == COL_AREA_M2 || c->kind == COL_AREA_MU || c->field == MQ_FIELD_SURVEY_AREA)
    return MQ_CELL_AREA;
  if (c->field == MQ_FIELD_DEADLINE || mq_field_info (c->field)->type == OFTDate)
    return MQ_CELL_DATE;
  if (mq_field_info (c->field)->type == OFTReal || mq_field_info (c->field)->type == OFTInteger)
    return MQ_CELL_NUMBER;
  return MQ_CELL_TEXT;
}

/* Which fixed column holds @field, or -1. */
int
mq_table_find_field (MqTable *table,
                     MqField  field)
{
  for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
    if (columns[c].kind == COL_FIELD && columns[c].field == field)
      return (int) c;
  return -1;
}

/* A cell as text, as the CSV has it (NULL when empty). */
char *
mq_table_dup_cell (MqTable *table,
                   guint    index,
                   guint    column)
{
  if (column < G_N_ELEMENTS (columns))
    return cell_text (&columns[column], mq_parcels_get (table->parcels, index));
  return g_strdup (mq_parcels_get_value (table->parcels, index,
                                         g_array_index (table->extra, guint,
                                                        column - G_N_ELEMENTS (columns))));
}

static void
write_rows (MqOutput   *out,
            MqParcels  *parcels,
            gboolean    chinese)
{
  g_autoptr(MqTable) table = mq_table_new (parcels, chinese);
  g_autoptr(GString) row = g_string_new (NULL);
  guint n = mq_parcels_get_n_parcels (parcels), n_columns = mq_table_get_n_columns (table);

  mq_output_write (out, "\xEF\xBB\xBF", 3);
  for (guint c = 0; c < n_columns; c++)
    mq_csv_put_cell (row, mq_table_get_header (table, c));
  g_string_append (row, "\r\n");
  mq_output_write (out, row->str, row->len);
  for (guint i = 0; i < n; i++)
    {
      g_string_truncate (row, 0);
      for (guint c = 0; c < n_columns; c++)
        {
          g_autofree char *text = mq_table_dup_cell (table, i, c);

          mq_csv_put_cell (row, text);
        }
      g_string_append (row, "\r\n");
      if (!mq_output_write (out, row->str, row->len))
        return;
    }
}

/**
 * mq_csv_export:
 *
 * Writes under a temporary name and renames it into place: an export that
 * fails half-way (a full disk) leaves no half file behind, and the
 * previous table as it was. The project itself is never written over.
 */
gboolean
mq_csv_export (MqDataset   *dataset,
               const char  *path,
               gboolean     chinese_headers,
               GError     **error)
{
  g_autoptr(MqOutput) out = mq_output_new (path, NULL, TRUE, mq_dataset_get_path (dataset), error);

  if (out == NULL)
    return FALSE;
  write_rows (out, mq_dataset_get_parcels (dataset), chinese_headers);
  return mq_output_commit (out, error);
}

/* ---- reading a status table back ---- */

static void
end_cell (GPtrArray *row,
          GString   *cell)
{
  g_ptr_array_add (row, g_strndup (cell->str, cell->len));
  g_string_truncate (cell, 0);
}

typedef struct
{
  GPtrArray *rows;
  GPtrArray *row;
  GString   *cell;
  guint      number;     /* of the row being read, the header being 1 */
} Parser;

static void
end_row (Parser *ps)
{
  end_cell (ps->row, ps->cell);
  g_ptr_array_add (ps->row, NULL);
  g_ptr_array_add (ps->rows, g_ptr_array_steal (ps->row, NULL));
  ps->number++;
}

static GPtrArray *
parse_error (Parser      *ps,
             guint        row,
             const char  *problem,
             GError     **error)
{
  g_set_error (error, MQ_CSV_ERROR, MQ_CSV_ERROR_INVALID, _("row %u: %s"), row, problem);
  g_ptr_array_set_free_func (ps->row, g_free);
  g_ptr_array_unref (ps->rows);
  g_ptr_array_unref (ps->row);
  g_string_free (ps->cell, TRUE);
  return NULL;
}

/**
 * mq_csv_parse:
 * @length: of @text in bytes, or -1 when it ends with a NUL
 *
 * RFC 4180, as Excel writes it: quoted cells may hold commas, quotes ("")
 * and line breaks; CRLF or LF. Anything else is refused, naming the row: a
 * NUL byte, a quote that is never closed, a quote inside an unquoted cell
 * or after a closing one. Guessing there would apply a table nobody wrote.
 *
 * Returns: (element-type GStrv) (nullable): one row per record
 */
GPtrArray *
mq_csv_parse (const char  *text,
              gssize       length,
              GError     **error)
{
  Parser ps = { g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev), g_ptr_array_new (),
                g_string_new (NULL), 1 };
  const char *end = text + (length < 0 ? (gssize) strlen (text) : length);
  gboolean quoted = FALSE, closed = FALSE;
  guint opened = 0;

  for (const char *p = text; p < end; p++)
    {
      if (*p == '\0')
        return parse_error (&ps, ps.number, _("a NUL byte; the file is not a text table"), error);
      if (quoted && *p == '"' && p + 1 < end && p[1] == '"')
        g_string_append_c (ps.cell, *p++);
      else if (quoted)
        {
          quoted = *p != '"';
          closed = !quoted;
          if (quoted)
            g_string_append_c (ps.cell, *p);
        }
      else if (*p == ',' || *p == '\n' || *p == '\r')
        {
          if (*p == ',')
            end_cell (ps.row, ps.cell);
          else
            end_row (&ps);
          if (*p == '\r' && p + 1 < end && p[1] == '\n')
            p++;
          closed = FALSE;
        }
      else if (*p == '"' && ps.cell->len == 0 && !closed)
        {
          quoted = TRUE;
          opened = ps.number;
        }
      else if (*p == '"' || closed)
        return parse_error (&ps, ps.number, _("a stray quote inside a cell"), error);
      else
        g_string_append_c (ps.cell, *p);
    }
  if (quoted)
    return parse_error (&ps, opened, _("a quoted cell is never closed"), error);
  if (ps.cell->len > 0 || ps.row->len > 0 || closed)
    end_row (&ps);
  g_ptr_array_unref (ps.row);
  g_string_free (ps.cell, TRUE);
  return ps.rows;
}

/* Excel saves "CSV UTF-8" with a BOM, plain "CSV" in the system's code page:
 * GB18030 on a Chinese Windows. A NUL byte is left for the parser to name
 * its row. */
static char *
read_text (const char  *path,
           gsize       *text_length,
           GError     **error)
{
  g_autofree char *bytes = NULL;
  g_autoptr(GError) local = NULL;
  gsize length, skip = 0;
  char *text;

  if (!g_file_get_contents (path, &bytes, &length, &local))
    {
      g_set_error (error, MQ_CSV_ERROR, MQ_CSV_ERROR_READ, _("%s: cannot be read: %s"), path,
                   local->message);
      return NULL;
    }
  if (length >= 3 && memcmp (bytes, "\xEF\xBB\xBF", 3) == 0)
    skip = 3;
  if (memchr (bytes, '\0', length) != NULL || g_utf8_validate_len (bytes + skip, length - skip, NULL))
    {
      *text_length = length - skip;
      return skip ? g_memdup2 (bytes + skip, length - skip + 1) : g_steal_pointer (&bytes);
    }
  text = skip ? NULL : g_convert (bytes, length, "UTF-8", "GB18030", NULL, text_length, NULL);
  if (text == NULL)
    g_set_error (error, MQ_CSV_ERROR, MQ_CSV_ERROR_READ,
                 _("%s: the text is neither UTF-8 nor GB18030"), path);
  return text;
}

/* A workbook is read through GDAL (XLSX, ODS: what Excel, WPS and
 * LibreOffice save), a text table by mq_csv_parse(). */
static gboolean
is_workbook (const char *path)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);

  return g_str_has_suffix (lower, ".xlsx") || g_str_has_suffix (lower, ".ods");
}

/* A cell as text, in the form the table's own reader takes: dates as
 * YYYY-MM-DD, numbers as GDAL writes them. */
static char *
sheet_cell (OGRFeatureH feature,
            int         field)
{
  int y, m, d, h, min, tz;
  float sec;

  if (!OGR_F_IsFieldSetAndNotNull (feature, field))
    return g_strdup ("");
  switch (OGR_Fld_GetType (OGR_F_GetFieldDefnRef (feature, field)))
    {
    case OFTDate:
    case OFTDateTime:
      if (OGR_F_GetFieldAsDateTimeEx (feature, field, &y, &m, &d, &h, &min, &sec, &tz))
        return g_strdup_printf ("%04d-%02d-%02d", y, m, d);
      return g_strdup ("");
    default:
      return g_strdup (OGR_F_GetFieldAsString (feature, field));
    }
}

/* The first sheet of a workbook as rows of cells, the header (its first
 * row) first; *row_numbers gets each row's number in the sheet (empty rows
 * are not read, and a problem is named by the row Excel shows). */
static GPtrArray *
read_sheet (const char  *path,
            GArray     **row_numbers,
            GError     **error)
{
  const char *drivers[] = { "XLSX", "ODS", NULL };
  const char *options[] = { "HEADERS=FORCE", NULL };
  GDALDatasetH ds = GDALOpenEx (path, GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers, options, NULL);
  GPtrArray *rows;
  OGRFeatureDefnH defn;
  OGRLayerH layer;
  OGRFeatureH feature;
  GStrvBuilder *header;
  guint one = 1;
  int n;

  if (ds == NULL || GDALDatasetGetLayerCount (ds) == 0)
    {
      g_set_error (error, MQ_CSV_ERROR, MQ_CSV_ERROR_READ, _("%s: cannot be read as a workbook"), path);
      g_clear_pointer (&ds, GDALClose);
      return NULL;
    }
  layer = GDALDatasetGetLayer (ds, 0);
  defn = OGR_L_GetLayerDefn (layer);
  n = OGR_FD_GetFieldCount (defn);
  rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  *row_numbers = g_array_new (FALSE, FALSE, sizeof (guint));
  header = g_strv_builder_new ();
  for (int f = 0; f < n; f++)
    g_strv_builder_add (header, OGR_Fld_GetNameRef (OGR_FD_GetFieldDefn (defn, f)));
  g_ptr_array_add (rows, g_strv_builder_end (header));
  g_strv_builder_unref (header);
  g_array_append_val (*row_numbers, one);
  OGR_L_ResetReading (layer);
  while ((feature = OGR_L_GetNextFeature (layer)) != NULL)
    {
      char **cells = g_new0 (char *, n + 1);
      guint number = (guint) OGR_F_GetFID (feature);

      for (int f = 0; f < n; f++)
        cells[f] = sheet_cell (feature, f);
      g_ptr_array_add (rows, cells);
      g_array_append_val (*row_numbers, number);
      OGR_F_Destroy (feature);
    }
  GDALClose (ds);
  return rows;
}

typedef struct
{
  MqParcels  *parcels;
  GHashTable *ids;       /* id → index + 1, or 0 when the id is not unique */
  MqField     field[256];
  guint       n_columns;
  guint       n_header;
  int         id_column;
  int         code_column;   /* keyed by 统一社会信用代码 (a tax table) when there is no id */
  GHashTable *codes;         /* credit code → GArray of parcel indices */
  GPtrArray  *problems;
  GHashTable *values;    /* parcel × field + 1 → the value a row gave, as the file keeps it */
  GHashTable *rows;      /* parcel → the first row that named it */
} Reader;

static void
index_ids (Reader *r)
{
  r->ids = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < mq_parcels_get_n_parcels (r->parcels); i++)
    {
      const char *id = mq_parcels_get (r->parcels, i)->id;

      if (id == NULL)
        continue;
      g_hash_table_insert (r->ids, (gpointer) id,
                           GUINT_TO_POINTER (g_hash_table_contains (r->ids, id) ? 0 : i + 1));
    }
}

/* Columns that are not editable fields (areas, problems, survey facts,
 * other attributes) are read past: a whole exported table applies. */
static gboolean
read_header (Reader      *r,
             char       **header,
             const char  *path,
             GError     **error)
{
  r->id_column = r->code_column = -1;
  r->n_header = g_strv_length (header);
  r->n_columns = MIN (r->n_header, G_N_ELEMENTS (r->field));
  for (guint c = 0; c < r->n_columns; c++)
    {
      MqField f = mq_field_from_header (header[c]);

      if (f == MQ_FIELD_ID && r->id_column < 0)
        r->id_column = (int) c;
      if (f == MQ_FIELD_CREDIT_CODE && r->code_column < 0)
        r->code_column = (int) c;
      r->field[c] = mq_field_is_editable (f) ? f : MQ_N_FIELDS;
    }
  if (r->id_column < 0 && r->code_column < 0)
    {
      g_set_error (error, MQ_CSV_ERROR, MQ_CSV_ERROR_INVALID,
                   _("%s: no parcel_id (地块编号) or credit_code (统一社会信用代码) column"), path);
      return FALSE;
    }
  /* The key of a tax table is not a value to set. */
  if (r->id_column < 0)
    r->field[r->code_column] = MQ_N_FIELDS;
  return TRUE;
}

/* What mq_csv_export() put before a cell Excel would take for a formula. */
static void
unguard (char *cell)
{
  if (cell[0] == '\'' && cell[1] != '\0' && strchr (FORMULA_STARTS, cell[1]) != NULL)
    memmove (cell, cell + 1, strlen (cell));
}

/* Two rows for one parcel may repeat a value, never contradict it: which
 * one was meant is not ours to guess. */
static void
read_value (Reader         *r,
            guint           index,
            MqField         field,
            const MqParcel *scratch,
            const char     *cell,
            guint           row,
            MqEdit         *edit)
{
  gpointer key = GSIZE_TO_POINTER ((gsize) index * MQ_N_FIELDS + field + 1);
  char *value = mq_parcel_dup_field_text (scratch, field);
  const char *before = g_hash_table_lookup (r->values, key);
  guint first = GPOINTER_TO_UINT (g_hash_table_lookup (r->rows, GUINT_TO_POINTER (index)));

  if (before != NULL && g_strcmp0 (before, value ? value : "") != 0)
    {
      g_ptr_array_add (r->problems,
                       g_strdup_printf (_("row %u: parcel “%s” is also in row %u, with another %s"),
                                        row, mq_parcels_get (r->parcels, index)->id, first,
                                        mq_field_label (field)));
      g_free (value);
      return;
    }
  g_hash_table_insert (r->values, key, value ? value : g_strdup (""));
  mq_edit_set (edit, index, field, cell, row);
}

static void
index_codes (Reader *r)
{
  r->codes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) g_array_unref);
  for (guint i = 0; i < mq_parcels_get_n_parcels (r->parcels); i++)
    {
      const char *code = mq_parcels_get (r->parcels, i)->details->credit_code;
      GArray *indices;

      if (code == NULL)
        continue;
      if ((indices = g_hash_table_lookup (r->codes, code)) == NULL)
        g_hash_table_insert (r->codes, (gpointer) code, indices = g_array_new (FALSE, FALSE, sizeof (guint)));
      g_array_append_val (indices, i);
    }
}

static void
read_values (Reader  *r,
             guint    index,
             char   **cells,
             guint    row,
             double   share,
             MqEdit  *edit)
{
  MqParcel scratch = *mq_parcels_get (r->parcels, index);

  if (!g_hash_table_contains (r->rows, GUINT_TO_POINTER (index)))
    g_hash_table_insert (r->rows, GUINT_TO_POINTER (index), GUINT_TO_POINTER (row));
  for (guint c = 0; c < r->n_columns; c++)
    {
      g_autoptr(GError) local = NULL;
      g_autofree char *shared = NULL;
      const char *cell = cells[c];
      double v;

      if (r->field[c] == MQ_N_FIELDS)
        continue;
      /* An enterprise's total is its parcels' by land: each shows its
       * figure per mu, and they add up to the table's. */
      if (share < 1 && mq_field_is_additive (r->field[c]) && mq_figure_parse (cell, &v) && !isnan (v))
        cell = shared = mq_figure_format (mq_figure_share (v, share));
      if (mq_parcel_set_field_text (r->parcels, &scratch, r->field[c], cell, &local))
        read_value (r, index, r->field[c], &scratch, cell, row, edit);
      else
        g_ptr_array_add (r->problems, g_strdup_printf (_("row %u: %s: %s"), row,
                                                       mq_field_label (r->field[c]),
                                                       local->message));
    }
}

/* A row of a tax table: every parcel of the enterprise. */
static void
read_enterprise_row (Reader  *r,
                     char   **cells,
                     guint    row,
                     MqEdit  *edit)
{
  g_autofree char *code = NULL;
  g_autoptr(GError) local = NULL;
  GArray *indices;
  double total = 0;

  if (!mq_credit_code_normalize (cells[r->code_column], &code, &local) || code == NULL)
    {
      g_ptr_array_add (r->problems, code == NULL && local == NULL
                                      ? g_strdup_printf (_("row %u: no credit code"), row)
                                      : g_strdup_printf (_("row %u: %s"), row, local->message));
      return;
    }
  if (r->codes == NULL)
    index_codes (r);
  indices = g_hash_table_lookup (r->codes, code);
  if (indices == NULL)
    {
      g_ptr_array_add (r->problems,
                       g_strdup_printf (_("row %u: no parcel has the credit code “%s”"), row, code));
      return;
    }
  for (guint k = 0; k < indices->len; k++)
    total += mq_parcels_get (r->parcels, g_array_index (indices, guint, k))->area_m2;
  for (guint k = 0; k < indices->len; k++)
    {
      guint i = g_array_index (indices, guint, k);

      read_values (r, i, cells, row, total > 0 ? mq_parcels_get (r->parcels, i)->area_m2 / total : 1,
                   edit);
    }
}

static void
read_row (Reader  *r,
          char   **cells,
          guint    row,
          MqEdit  *edit)
{
  guint n = g_strv_length (cells);
  const char *id;
  guint index;

  if (n == 1 && *cells[0] == '\0')
    return;   /* an empty line */
  if (n != r->n_header)
    {
      g_ptr_array_add (r->problems, g_strdup_printf (_("row %u: %u cells where the header has %u"),
                                                     row, n, r->n_header));
      return;
    }
  for (guint c = 0; c < n; c++)
    unguard (cells[c]);
  if (r->id_column < 0)
    {
      read_enterprise_row (r, cells, row, edit);
      return;
    }
  id = g_strstrip (cells[r->id_column]);
  index = GPOINTER_TO_UINT (g_hash_table_lookup (r->ids, id));
  /* The 台账's own total row (mq-xlsx.c) is no parcel. */
  if (index == 0 && !g_hash_table_contains (r->ids, id) &&
      (g_str_has_prefix (id, "合计") || g_str_has_prefix (id, "Total")))
    return;
  if (index == 0)
    {
      g_ptr_array_add (r->problems,
                       g_strdup_printf (g_hash_table_contains (r->ids, id)
                                          ? _("row %u: parcel id “%s” is not unique in the project")
                                          : _("row %u: unknown parcel id “%s”"), row, id));
      return;
    }
  read_values (r, index - 1, cells, row, 1, edit);
}

/**
 * mq_csv_read_updates:
 *
 * Reads a status table keyed by parcel id into one edit: a CSV, or the
 * first sheet of a workbook (.xlsx, .ods — the 台账 as Excel or WPS saved
 * it; its header in the first row, its total row passed over). Unknown ids and
 * values that do not parse are all collected, by row number (the header is
 * row 1, as in Excel), and refuse the whole table.
 */
MqEdit *
mq_csv_read_updates (MqParcels   *parcels,
                     const char  *path,
                     GError     **error)
{
  gsize length = 0;
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GArray) numbers = NULL;
  g_autoptr(MqEdit) edit = mq_edit_new (MQ_EDIT_ACTION_CSV);
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) values = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  g_autoptr(GHashTable) first_rows = g_hash_table_new (NULL, NULL);
  Reader r = { parcels, NULL, { 0 }, 0, 0, -1, -1, NULL, problems, values, first_rows };
  g_autofree char *joined = NULL;

  if (is_workbook (path))
    rows = read_sheet (path, &numbers, error);
  else if ((text = read_text (path, &length, error)) != NULL)
    {
      rows = mq_csv_parse (text, length, error);
      if (rows == NULL)
        g_prefix_error (error, "%s: ", path);
    }
  if (rows == NULL)
    return NULL;
  if (rows->len == 0 || !read_header (&r, g_ptr_array_index (rows, 0), path, error))
    {
      if (rows->len == 0)
        g_set_error (error, MQ_CSV_ERROR, MQ_CSV_ERROR_INVALID, _("%s: the table is empty"), path);
      return NULL;
    }
  index_ids (&r);
  for (guint i = 1; i < rows->len; i++)
    read_row (&r, g_ptr_array_index (rows, i), numbers ? g_array_index (numbers, guint, i) : i + 1, edit);
  g_hash_table_unref (r.ids);
  g_clear_pointer (&r.codes, g_hash_table_unref);
  if (problems->len == 0)
    return g_steal_pointer (&edit);
  g_ptr_array_add (problems, NULL);
  joined = g_strjoinv ("; ", (char **) problems->pdata);
  g_set_error (error, MQ_CSV_ERROR, MQ_CSV_ERROR_INVALID,
               g_dngettext (GETTEXT_PACKAGE, "%s: %u problem, nothing changed: %s",
                            "%s: %u problems, nothing changed: %s", problems->len - 1),
               path, problems->len - 1, joined);
  return NULL;
}
