/* mq-terms.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-terms.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct
{
  const char *key;
  const char *term;    /* official, as the files hold it */
  const char *label;   /* shown: translated (in zh_CN the term itself) */
} Term;

static const Term method_terms[] = {
  { "none", "", "" },
  { "capacity-upgrade", "能级提升", N_("Capacity upgrade") },
  { "in-place", "就地转型", N_("In-place transformation") },
  { "quality", "提质增效", N_("Quality and efficiency") },
};

static const Term stage_terms[] = {
  { "not-started", "未启动", N_("Not started") },
  { "in-progress", "推进中", N_("In progress") },
  { "done", "已完成", N_("Done") },
};

static const Term land_class_terms[] = {
  { "other", "" },
  { "existing-industrial", "存量工业用地" },
  { "incremental-industrial", "增量工业用地" },
};

static const Term lock_terms[] = {
  { "lock_parcel", "锁定地块", N_("Lock the parcel") },
  { "lock_project", "锁定项目", N_("Lock the project") },
  { "lock_deadline", "锁定时间", N_("Lock the time") },
  { "lock_owner", "锁定责任主体", N_("Lock the responsible entity") },
};

static const Term theme_terms[] = {
  { "locks", "四个锁定" },
  { "method", "转型方式" },
  { "flagged", "转型地块" },
  { "landuse", "土地利用" },
  { "grade", "绩效等级" },
  { "tax-per-mu", "亩均税收" },
};

G_STATIC_ASSERT (G_N_ELEMENTS (theme_terms) == MQ_N_THEMES);

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
  /* "能级提升类": the category's name for the term. */
  if (g_str_has_suffix (stripped, "类") && strlen (stripped) > strlen ("类"))
    stripped[strlen (stripped) - strlen ("类")] = '\0';
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
  prefix##_label (Type value)                                              \
  {                                                                        \
    if ((guint) value >= G_N_ELEMENTS (table))                             \
      return "";                                                           \
    return table[value].label != NULL && *table[value].label != '\0'      \
           ? _(table[value].label) : table[value].term;                    \
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

/* How the window and the reports name a lock, in the user's language. */
const char *
mq_lock_label (MqLock lock)
{
  return (guint) lock < G_N_ELEMENTS (lock_terms) ? _(lock_terms[lock].label) : "";
}

const char *
mq_lock_key (MqLock lock)
{
  return (guint) lock < G_N_ELEMENTS (lock_terms) ? lock_terms[lock].key : "";
}

/* Excel counts days from 1899-12-30 (its 1900 leap-year bug included);
 * only five-digit serials are taken, 1927 to 2173: a shorter number is more
 * likely a year or a count than a date. */
#define EXCEL_SERIAL_MIN 10000
#define EXCEL_SERIAL_MAX 99999
#define YEAR_MIN 1900
#define YEAR_MAX 2200

/* A run of min..max ASCII digits; moves *s past it. */
static gboolean
read_digits (const char **s,
             int          min,
             int          max,
             int         *out)
{
  int n = 0, value = 0;

  while (g_ascii_isdigit ((*s)[n]) && n <= max)
    value = value * 10 + ((*s)[n++] - '0');
  if (n < min || n > max)
    return FALSE;
  *s += n;
  *out = value;
  return TRUE;
}

static gboolean
skip (const char **s,
      const char  *what)
{
  if (!g_str_has_prefix (*s, what))
    return FALSE;
  *s += strlen (what);
  return TRUE;
}

static gboolean
set_julian (int      y,
            int      m,
            int      d,
            guint32 *julian)
{
  GDate date;

  if (y < YEAR_MIN || y > YEAR_MAX || m < 1 || m > 12 || d < 1 || !g_date_valid_dmy (d, m, y))
    return FALSE;
  g_date_clear (&date, 1);
  g_date_set_dmy (&date, d, m, y);
  *julian = g_date_get_julian (&date);
  return TRUE;
}

/* 20241231, or an Excel serial day (45657, perhaps with a time fraction). */
static gboolean
parse_number (const char *s,
              guint32    *julian)
{
  gsize n = strspn (s, "0123456789");
  GDate date;
  int serial;

  if (n == 8 && s[n] == '\0')
    {
      int v = atoi (s);

      return set_julian (v / 10000, v / 100 % 100, v % 100, julian);
    }
  if (n != 5 || (s[n] != '\0' && !(s[n] == '.' && strspn (s + n + 1, "0123456789") ==
                                                     strlen (s + n + 1))))
    return FALSE;
  serial = atoi (s);
  if (serial < EXCEL_SERIAL_MIN || serial > EXCEL_SERIAL_MAX)
    return FALSE;
  g_date_clear (&date, 1);
  g_date_set_dmy (&date, 30, 12, 1899);
  g_date_add_days (&date, serial);
  *julian = g_date_get_julian (&date);
  return TRUE;
}

/* 2024-12-31, 2024/12/31, 2024.12.31 or 2024年12月31日, with a time after a
 * space or a T. The year comes first with four digits: 12/31/2024,
 * 31/12/2024 and 24-12-31 are not guessed at. */
static gboolean
parse_ymd (const char *s,
           guint32    *julian)
{
  int y, m, d;
  char sep[2] = { 0, 0 };
  gboolean chinese;

  if (!read_digits (&s, 4, 4, &y))
    return FALSE;
  chinese = skip (&s, "年");
  if (!chinese)
    {
      if (*s != '-' && *s != '/' && *s != '.')
        return FALSE;
      sep[0] = *s++;
    }
  if (!read_digits (&s, 1, 2, &m) || !skip (&s, chinese ? "月" : sep) ||
      !read_digits (&s, 1, 2, &d))
    return FALSE;
  if (chinese)
    skip (&s, "日");
  if (*s != '\0' && !((*s == ' ' || *s == 'T') && g_ascii_isdigit (s[1])))
    return FALSE;
  return set_julian (y, m, d, julian);
}

/* Accepts the forms Chinese offices write dates in (see parse_ymd and
 * parse_number); an empty text is "no date" and parses to 0. */
gboolean
mq_date_parse (const char *text,
               guint32    *julian)
{
  g_autofree char *s = NULL;

  *julian = 0;
  if (text == NULL || *text == '\0')
    return TRUE;
  s = g_strstrip (g_strdup (text));
  if (*s == '\0')
    return TRUE;
  return parse_ymd (s, julian) || parse_number (s, julian);
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
  static const char *yes[] = { "1", "true", "t", "y", "yes", "是", "✓", "√", "locked",
                               "已锁定", "锁定", "已锁", "1.0" };
  static const char *no[] = { "0", "false", "f", "n", "no", "否", "—", "-", "open",
                              "未锁定", "未锁", "0.0" };
  g_autofree char *s = NULL;

  *out = FALSE;
  if (text == NULL || *text == '\0')
    return TRUE;
  /* 1 and 0, as most files hold them, without a copy. */
  if ((*text == '1' || *text == '0') && text[1] == '\0')
    return (*out = *text == '1'), TRUE;
  s = g_strstrip (g_strdup (text));
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

/* "Overdue by 817 days" (已逾期 817 天), as every view of a parcel says it;
 * NULL when @days is 0. */
char *
mq_overdue_text (guint days)
{
  if (days == 0)
    return NULL;
  return g_strdup_printf (ngettext ("Overdue by %u day", "Overdue by %u days", days), days);
}
