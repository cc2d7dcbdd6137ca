/* mq-terms.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mq-terms.h"

#include <stdio.h>
#include <string.h>

typedef struct
{
  const char *key;
  const char *term;
} Term;

static const Term method_terms[] = {
  { "none", "" },
  { "capacity-upgrade", "能级提升" },
  { "in-place", "就地转型" },
  { "quality", "提质增效" },
};

static const Term stage_terms[] = {
  { "not-started", "未启动" },
  { "in-progress", "推进中" },
  { "done", "已完成" },
};

static const Term land_class_terms[] = {
  { "other", "" },
  { "existing-industrial", "存量工业用地" },
  { "incremental-industrial", "增量工业用地" },
};

static const Term lock_terms[] = {
  { "lock_parcel", "锁定地块" },
  { "lock_project", "锁定项目" },
  { "lock_deadline", "锁定时间" },
  { "lock_owner", "锁定责任主体" },
};

static const Term theme_terms[] = {
  { "locks", "四个锁定" },
  { "method", "转型方式" },
  { "flagged", "转型地块" },
  { "landuse", "土地利用" },
};

/* Accepts the key, the official term, or a term with a trailing qualifier
 * such as "存量" for "存量工业用地". */
static gboolean
lookup (const Term *terms,
        guint       n_terms,
        const char *text,
        guint      *out)
{
  g_autofree char *stripped = NULL;

  if (text == NULL)
    return FALSE;

  stripped = g_strstrip (g_strdup (text));
  for (guint i = 0; i < n_terms; i++)
    {
      if (g_ascii_strcasecmp (stripped, terms[i].key) == 0 ||
          g_strcmp0 (stripped, terms[i].term) == 0 ||
          (*stripped != '\0' && *terms[i].term != '\0' &&
           g_str_has_prefix (terms[i].term, stripped)))
        {
          *out = i;
          return TRUE;
        }
    }
  return FALSE;
}

#define TERM_AT(table, i) ((i) < G_N_ELEMENTS (table) ? (table)[i].term : "")
#define KEY_AT(table, i) ((i) < G_N_ELEMENTS (table) ? (table)[i].key : "")

const char *
mq_method_term (MqMethod method)
{
  return TERM_AT (method_terms, method);
}

const char *
mq_method_key (MqMethod method)
{
  return KEY_AT (method_terms, method);
}

gboolean
mq_method_parse (const char *text,
                 MqMethod   *out)
{
  guint i;

  if (text == NULL || *text == '\0')
    {
      *out = MQ_METHOD_NONE;
      return TRUE;
    }
  if (!lookup (method_terms, G_N_ELEMENTS (method_terms), text, &i))
    return FALSE;
  *out = i;
  return TRUE;
}

const char *
mq_stage_term (MqStage stage)
{
  return TERM_AT (stage_terms, stage);
}

const char *
mq_stage_key (MqStage stage)
{
  return KEY_AT (stage_terms, stage);
}

gboolean
mq_stage_parse (const char *text,
                MqStage    *out)
{
  guint i;

  if (text == NULL || *text == '\0')
    {
      *out = MQ_STAGE_NOT_STARTED;
      return TRUE;
    }
  if (!lookup (stage_terms, G_N_ELEMENTS (stage_terms), text, &i))
    return FALSE;
  *out = i;
  return TRUE;
}

const char *
mq_land_class_term (MqLandClass land_class)
{
  return TERM_AT (land_class_terms, land_class);
}

gboolean
mq_land_class_parse (const char  *text,
                     MqLandClass *out)
{
  guint i;

  if (text == NULL || *text == '\0')
    {
      *out = MQ_LAND_CLASS_OTHER;
      return TRUE;
    }
  if (!lookup (land_class_terms, G_N_ELEMENTS (land_class_terms), text, &i))
    return FALSE;
  *out = i;
  return TRUE;
}

const char *
mq_lock_term (MqLock lock)
{
  return TERM_AT (lock_terms, lock);
}

const char *
mq_lock_key (MqLock lock)
{
  return KEY_AT (lock_terms, lock);
}

const char *
mq_theme_key (MqTheme theme)
{
  return KEY_AT (theme_terms, theme);
}

gboolean
mq_theme_parse (const char *text,
                MqTheme    *out)
{
  guint i;

  if (!lookup (theme_terms, G_N_ELEMENTS (theme_terms), text, &i))
    return FALSE;
  *out = i;
  return TRUE;
}

/* Accepts YYYY-MM-DD, YYYY/MM/DD (GDAL's form for DATE fields) and
 * YYYYMMDD (DBF's); an empty text is "no date" and parses to 0. */
gboolean
mq_date_parse (const char *text,
               guint32    *julian)
{
  int y = 0, m = 0, d = 0;
  char tail = 0;
  GDate date;

  *julian = 0;
  if (text == NULL || *text == '\0')
    return TRUE;
  if (sscanf (text, "%4d-%2d-%2d%c", &y, &m, &d, &tail) < 3 &&
      sscanf (text, "%4d/%2d/%2d%c", &y, &m, &d, &tail) < 3 &&
      sscanf (text, "%4d%2d%2d%c", &y, &m, &d, &tail) < 3)
    return FALSE;
  if (tail != 0 && tail != ' ' && tail != 'T')
    return FALSE;
  if (!g_date_valid_dmy (d, m, y))
    return FALSE;
  g_date_clear (&date, 1);
  g_date_set_dmy (&date, d, m, y);
  *julian = g_date_get_julian (&date);
  return TRUE;
}

char *
mq_date_format (guint32 julian)
{
  GDate date;

  if (julian == 0 || !g_date_valid_julian (julian))
    return g_strdup ("");
  g_date_clear (&date, 1);
  g_date_set_julian (&date, julian);
  return g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (&date),
                          g_date_get_month (&date), g_date_get_day (&date));
}

gboolean
mq_bool_parse (const char *text,
               gboolean   *out)
{
  static const char *yes[] = { "1", "true", "t", "y", "yes", "是", "✓", "√", "locked", "已锁定" };
  static const char *no[] = { "0", "false", "f", "n", "no", "否", "—", "-", "open", "未锁定" };
  g_autofree char *s = g_strstrip (g_strdup (text ? text : ""));

  *out = FALSE;
  if (*s == '\0')
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (yes); i++)
    if (g_ascii_strcasecmp (s, yes[i]) == 0)
      return (*out = TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (no); i++)
    if (g_ascii_strcasecmp (s, no[i]) == 0)
      return TRUE;
  return FALSE;
}
