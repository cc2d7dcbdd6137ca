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

#include "mq-field-map.h"
#include "mq-geometry-check.h"

G_DEFINE_QUARK (mq-csv-error-quark, mq_csv_error)

typedef enum
{
  COL_FIELD,      /* a field of the field table */
  COL_AREA_M2,
  COL_AREA_MU,
  COL_PROBLEMS,
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

static void
put_cell (GString    *row,
          const char *text)
{
  if (row->len > 0)
    g_string_append_c (row, ',');
  if (text == NULL)
    return;
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
cell_text (const Column   *c,
           const MqParcel *p)
{
  switch (c->kind)
    {
    case COL_FIELD: return mq_parcel_dup_field_text (p, c->field);
    case COL_AREA_M2: return g_strdup_printf ("%.2f", p->area_m2);
    case COL_AREA_MU: return g_strdup_printf ("%.6f", p->area_m2 / MQ_M2_PER_MU);
    case COL_PROBLEMS: return mq_problems_to_keys (p->problems);
    default: g_return_val_if_reached (NULL);
    }
}

/* Source attributes not already a fixed column under the same name. */
static GArray *
extra_fields (MqParcels *parcels)
{
  const char * const *names = mq_parcels_get_field_names (parcels);
  GArray *extra = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      gboolean fixed = FALSE;

      for (guint c = 0; c < G_N_ELEMENTS (columns) && !fixed; c++)
        fixed = g_ascii_strcasecmp (names[i], column_header (&columns[c], FALSE)) == 0 ||
                g_strcmp0 (names[i], column_header (&columns[c], TRUE)) == 0;
      if (!fixed)
        g_array_append_val (extra, i);
    }
  return extra;
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

static void
header_row (GString    *row,
            MqParcels  *parcels,
            GArray     *extra,
            gboolean    chinese)
{
  const char * const *names = mq_parcels_get_field_names (parcels);

  for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
    put_cell (row, column_header (&columns[c], chinese));
  for (guint i = 0; i < extra->len; i++)
    put_cell (row, extra_header (names[g_array_index (extra, guint, i)], chinese));
}

static void
parcel_row (GString    *row,
            MqParcels  *parcels,
            guint       index,
            GArray     *extra)
{
  const MqParcel *p = mq_parcels_get (parcels, index);

  for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
    {
      g_autofree char *text = cell_text (&columns[c], p);

      put_cell (row, text);
    }
  for (guint i = 0; i < extra->len; i++)
    put_cell (row, mq_parcels_get_value (parcels, index, g_array_index (extra, guint, i)));
}

static gboolean
write_rows (FILE       *f,
            MqParcels  *parcels,
            gboolean    chinese)
{
  g_autoptr(GArray) extra = extra_fields (parcels);
  g_autoptr(GString) row = g_string_new (NULL);
  guint n = mq_parcels_get_n_parcels (parcels);

  fputs ("\xEF\xBB\xBF", f);
  header_row (row, parcels, extra, chinese);
  g_string_append (row, "\r\n");
  fputs (row->str, f);
  for (guint i = 0; i < n; i++)
    {
      g_string_truncate (row, 0);
      parcel_row (row, parcels, i, extra);
      g_string_append (row, "\r\n");
      if (fputs (row->str, f) < 0)
        return FALSE;
    }
  return TRUE;
}

/**
 * mq_csv_export:
 *
 * Writes under a temporary name and renames it into place: an export that
 * fails half-way (a full disk) leaves no half file behind.
 */
gboolean
mq_csv_export (MqDataset   *dataset,
               const char  *path,
               gboolean     chinese_headers,
               GError     **error)
{
  g_autofree char *tmp = g_strdup_printf ("%s.part", path);
  FILE *f = g_fopen (tmp, "wb");
  gboolean ok;
  int saved_errno;

  if (f == NULL)
    {
      saved_errno = errno;
      g_set_error (error, MQ_CSV_ERROR, MQ_CSV_ERROR_WRITE, _("%s: cannot be written: %s"),
                   path, g_strerror (saved_errno));
      return FALSE;
    }
  ok = write_rows (f, mq_dataset_get_parcels (dataset), chinese_headers);
  ok = (fflush (f) == 0) && ok;
  saved_errno = errno;
  ok = (fclose (f) == 0) && ok;
  if (ok && g_rename (tmp, path) == 0)
    return TRUE;
  saved_errno = saved_errno ? saved_errno : errno;
  g_unlink (tmp);
  g_set_error (error, MQ_CSV_ERROR, MQ_CSV_ERROR_WRITE, _("%s: cannot be written: %s"),
               path, g_strerror (saved_errno));
  return FALSE;
}
