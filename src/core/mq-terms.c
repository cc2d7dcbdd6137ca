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

/* An empty text is the first value (none, not started, other). */
static gboolean
parse_or_first (const Term *terms,
                guint       n_terms,
                const char *text,
                guint      *out)
{
  if (text == NULL || *text == '\0')
    {
      *out = 0;
      return TRUE;
    }
  return lookup (terms, n_terms, text, out);
}

/* term(), key() and parse() of one enum, all read from its table. */
#define DEFINE_TERMS(prefix, Type, table, parse_fn)                        \
  const char *                                                             \
  prefix##_term (Type value)                                               \
  {                                                                        \
    return (guint) value < G_N_ELEMENTS (table) ? table[value].term : "";  \
  }                                                                        \
  const char *                                                             \
  prefix##_key (Type value)                                                \
  {                                                                        \
    return (guint) value < G_N_ELEMENTS (table) ? table[value].key : "";   \
  }                                                                        \
  gboolean                                                                 \
  prefix##_parse (const char *text,                                        \
                  Type       *out)                                         \
  {                                                                        \
    guint i;                                                               \
                                                                           \
    if (!parse_fn (table, G_N_ELEMENTS (table), text, &i))                 \
      return FALSE;                                                        \
    *out = (Type) i;                                                       \
    return TRUE;                                                           \
  }

DEFINE_TERMS (mq_method, MqMethod, method_terms, parse_or_first)
DEFINE_TERMS (mq_stage, MqStage, stage_terms, parse_or_first)
DEFINE_TERMS (mq_land_class, MqLandClass, land_class_terms, parse_or_first)
DEFINE_TERMS (mq_theme, MqTheme, theme_terms, lookup)

const char *
mq_lock_term (MqLock lock)
{
  return (guint) lock < G_N_ELEMENTS (lock_terms) ? lock_terms[lock].term : "";
}

const char *
mq_lock_key (MqLock lock)
{
  return (guint) lock < G_N_ELEMENTS (lock_terms) ? lock_terms[lock].key : "";
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
