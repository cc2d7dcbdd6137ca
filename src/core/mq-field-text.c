/* mq-field-text.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mq-field-text.h"

#include <math.h>
#include <string.h>

/* The fast path stays where its text is certain: at most 9 integer digits
 * and 6 decimals (15 significant digits, what GDAL's "%.15g" keeps). */
#define MAX_DECIMALS 6
#define MAX_MAGNITUDE 1e9

static const double powers_of_ten[MAX_DECIMALS + 1] = { 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6 };

/* Writes the decimal digits of @v ending just before @end; returns the first. */
static char *
put_digits (char    *end,
            guint64  v,
            int      min_digits)
{
  char *p = end;

  do
    {
      *--p = (char) ('0' + v % 10);
      v /= 10;
    }
  while (v != 0 || end - p < min_digits);
  return p;
}

/* As "%" G_GINT64_FORMAT. */
void
mq_field_text_integer (gint64 value,
                       char   buf[MQ_FIELD_TEXT_SIZE])
{
  char tmp[MQ_FIELD_TEXT_SIZE];
  char *end = tmp + sizeof tmp;
  guint64 magnitude = value < 0 ? (guint64) 0 - (guint64) value : (guint64) value;
  char *p = put_digits (end, magnitude, 1);

  if (value < 0)
    *--p = '-';
  memcpy (buf, p, end - p);
  buf[end - p] = '\0';
}

/* A real field as OGR_F_GetFieldAsString() writes it: "%.<precision>f" when
 * the field declares a width, else "%.15g". FALSE when the value is outside
 * the fast path (very large or small, an exponent, a tie in rounding). */
gboolean
mq_field_text_real (double value,
                    int    width,
                    int    precision,
                    char   buf[MQ_FIELD_TEXT_SIZE])
{
  char tmp[MQ_FIELD_TEXT_SIZE];
  char *end = tmp + sizeof tmp, *p;
  double magnitude = fabs (value), scaled;
  guint64 digits;
  int k;

  if (!isfinite (value) || magnitude >= MAX_MAGNITUDE)
    return FALSE;
  if (width != 0)
    {
      if (precision < 0 || precision > MAX_DECIMALS)
        return FALSE;
      k = precision;
      scaled = magnitude * powers_of_ten[k];
      digits = (guint64) llround (scaled);
      /* Within a hair of a half: printf rounds the exact binary value, which
       * this product may have rounded across. */
      if (fabs (fabs (scaled - (double) digits) - 0.5) < 1e-6)
        return FALSE;
    }
  else
    {
      /* %g writes an exponent below 1e-4; the shortest decimal of at most
       * six places that reads back as the value is what %.15g leaves once
       * its trailing zeros go. */
      if (magnitude != 0 && magnitude < 1e-4)
        return FALSE;
      for (k = 0; k <= MAX_DECIMALS; k++)
        {
          digits = (guint64) llround (magnitude * powers_of_ten[k]);
          if ((double) digits / powers_of_ten[k] == magnitude)
            break;
        }
      if (k > MAX_DECIMALS)
        return FALSE;
    }
  p = end;
  if (k > 0)
    {
      p = put_digits (end, digits % (guint64) powers_of_ten[k], k);
      *--p = '.';
    }
  p = put_digits (p, digits / (guint64) powers_of_ten[k], 1);
  if (signbit (value))
    *--p = '-';
  memcpy (buf, p, end - p);
  buf[end - p] = '\0';
  return TRUE;
}
