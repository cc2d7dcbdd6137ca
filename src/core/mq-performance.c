/* mq-performance.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-performance.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "mq-field-map.h"

/* 万元 per mu. Shanghai's districts set their own lines; these split the
 * zone's industrial land into classes a leader reads at a glance: under 5
 * is land that pays almost nothing, 30 and more what the plan aims at. */
const double mq_tax_class_bounds[MQ_TAX_CLASS_N_BOUNDS] = { 5, 10, 20, 30 };

static const char *const grade_terms[MQ_N_GRADES] = { NULL, "A", "B", "C", "D" };

static double
mu_of (const MqParcel *p)
{
  return p->area_m2 / MQ_M2_PER_MU;
}

/* Floor area over the land's area when the floor area is known — it then
 * follows a survey's new boundary — or the ratio as entered. */
double
mq_parcel_far (const MqParcel *p)
{
  if (!isnan (p->details->floor_area_m2) && p->area_m2 > 0)
    return p->details->floor_area_m2 / p->area_m2;
  return p->details->far;
}

double
mq_parcel_tax_per_mu (const MqParcel *p)
{
  return p->area_m2 > 0 && !isnan (p->details->tax) ? p->details->tax / mu_of (p) : NAN;
}

double
mq_parcel_output_per_mu (const MqParcel *p)
{
  return p->area_m2 > 0 && !isnan (p->details->output) ? p->details->output / mu_of (p) : NAN;
}

/* The class of a 亩均税收: 0 below the first bound … MQ_TAX_CLASS_N_BOUNDS
 * at or above the last; -1 when there is none. */
int
mq_tax_class (double tax_per_mu)
{
  int k = 0;

  if (isnan (tax_per_mu))
    return -1;
  while (k < MQ_TAX_CLASS_N_BOUNDS && tax_per_mu >= mq_tax_class_bounds[k])
    k++;
  return k;
}

const char *
mq_grade_term (MqGrade grade)
{
  return grade < MQ_N_GRADES ? grade_terms[grade] : NULL;
}

/* "A", "a", "A类", "A 类", "A级"; empty is not assessed. */
gboolean
mq_grade_parse (const char *text,
                MqGrade    *grade)
{
  g_autofree char *s = g_strstrip (g_strdup (text ? text : ""));
  char *end;

  *grade = MQ_GRADE_NONE;
  if (*s == '\0')
    return TRUE;
  end = s + 1;
  while (*end == ' ')
    end++;
  if (*end != '\0' && !g_str_equal (end, "类") && !g_str_equal (end, "级"))
    return FALSE;
  for (guint g = MQ_GRADE_A; g < MQ_N_GRADES; g++)
    if (g_ascii_toupper (*s) == grade_terms[g][0])
      {
        *grade = g;
        return TRUE;
      }
  return FALSE;
}

/* A figure of the assessment: a number ≥ 0 ("1,234.5" too); empty is none
 * (NAN), never 0 — an enterprise that paid no tax is not one without data. */
gboolean
mq_figure_parse (const char *text,
                 double     *value)
{
  g_autofree char *narrow = NULL;
  gboolean grouped;

  /* "３０００" as a Chinese input method types it is 3000. */
  if (text != NULL && !g_str_is_ascii (text))
    text = narrow = g_utf8_normalize (text, -1, G_NORMALIZE_NFKC);
  if (!mq_survey_area_parse (text, value, &grouped))
    return FALSE;
  if (*value < 0)
    {
      *value = NAN;
      return FALSE;
    }
  if (isnan (*value))
    *value = NAN;   /* the one NAN details compare by */
  return TRUE;
}

/* What land adds up to — floor area, tax, output, energy — rather than a
 * figure per unit of it: a split parcel's share of it goes with its land,
 * a merge sums it, an enterprise's is shared among its parcels. */
gboolean
mq_field_is_additive (MqField field)
{
  return field == MQ_FIELD_FLOOR_AREA || field == MQ_FIELD_TAX || field == MQ_FIELD_OUTPUT ||
         field == MQ_FIELD_ENERGY;
}

/* A share of a figure (a split parcel's, an enterprise's parcel's), to
 * the hundredth as the figures are kept: 0.01 万元, 0.01 m². */
double
mq_figure_share (double value,
                 double share)
{
  return round (value * share * 100) / 100;
}

/* As entered: the fewest digits that read back as the same double. */
char *
mq_figure_format (double value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (isnan (value))
    return NULL;
  for (int digits = 6; digits <= 17; digits++)
    {
      g_autofree char *format = g_strdup_printf ("%%.%dg", digits);

      g_ascii_formatd (buffer, sizeof buffer, format, value);
      if (g_ascii_strtod (buffer, NULL) == value)
        break;
    }
  return g_strdup (buffer);
}

/* GB 32100-2015: 18 characters of 0-9 and the capitals but I, O, S, V, Z;
 * the last is a check character of the first 17 (weights 3^i mod 31). */
gboolean
mq_credit_code_normalize (const char  *text,
                          char       **code,
                          GError     **error)
{
  static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  g_autofree char *s = g_ascii_strup (text ? text : "", -1);
  guint sum = 0, weight = 1;
  const char *at;

  g_strstrip (s);
  *code = NULL;
  if (*s == '\0')
    return TRUE;
  if (strlen (s) != 18 || strspn (s, alphabet) != 18)
    {
      g_set_error (error, MQ_FIELD_ERROR, MQ_FIELD_ERROR_INVALID,
                   _("“%s” is no unified social credit code (18 digits and capitals)"), s);
      return FALSE;
    }
  for (guint i = 0; i < 17; i++, weight = weight * 3 % 31)
    sum += (guint) (strchr (alphabet, s[i]) - alphabet) * weight;
  at = alphabet + (31 - sum % 31) % 31;
  if (s[17] != *at)
    {
      g_set_error (error, MQ_FIELD_ERROR, MQ_FIELD_ERROR_INVALID,
                   _("unified social credit code “%s” fails its check character (a typing error?)"),
                   s);
      return FALSE;
    }
  *code = g_steal_pointer (&s);
  return TRUE;
}

/**
 * mq_performance_totals_add:
 *
 * Counts a parcel into @totals if the rules assess it: industrial land
 * (existing or incremental, or flagged), or land given a class. Other land
 * is left out.
 */
void
mq_performance_totals_add (MqPerformanceTotals *t,
                           const MqParcel      *p)
{
  double mu = mu_of (p);
  guint grade = MIN (p->details->grade, MQ_N_GRADES - 1);

  if (!p->flagged && p->land_class == MQ_LAND_CLASS_OTHER && p->details->grade == MQ_GRADE_NONE)
    return;
  t->grade_mu[grade] += mu;
  t->grade_count[grade]++;
  if (!isnan (p->details->tax))
    t->tax += p->details->tax, t->tax_mu += mu;
  if (!isnan (p->details->output))
    t->output += p->details->output, t->output_mu += mu;
  if (p->details->high_low != 0)
    t->n_high_low++, t->high_low_mu += mu;
}
