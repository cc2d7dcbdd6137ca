/* mq-gpkg-functions.c
 *
 * A GeoPackage geometry blob is a header — "GP", version, flags, srs_id, an
 * optional envelope — followed by ISO WKB (GeoPackage 1.3 §2.1.3). The
 * envelope is used when present; otherwise OGR reads the WKB.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mq-gpkg-functions.h"

#include <ogr_api.h>
#include <string.h>

#define HEADER_SIZE 8

typedef struct
{
  gboolean empty;
  double   min_x, max_x, min_y, max_y;
} Extent;

static const int envelope_sizes[] = { 0, 32, 48, 48, 64 };

static double
read_double (const guint8 *p,
             gboolean      little)
{
  guint64 bits;
  double d;

  memcpy (&bits, p, sizeof bits);
  bits = little ? GUINT64_FROM_LE (bits) : GUINT64_FROM_BE (bits);
  memcpy (&d, &bits, sizeof d);
  return d;
}

static gboolean
extent_from_wkb (const guint8 *wkb,
                 int           size,
                 Extent       *e)
{
  OGRGeometryH geometry = NULL;
  OGREnvelope env;

  if (OGR_G_CreateFromWkb (wkb, NULL, &geometry, size) != OGRERR_NONE)
    return FALSE;
  e->empty = OGR_G_IsEmpty (geometry);
  OGR_G_GetEnvelope (geometry, &env);
  OGR_G_DestroyGeometry (geometry);
  e->min_x = env.MinX;
  e->max_x = env.MaxX;
  e->min_y = env.MinY;
  e->max_y = env.MaxY;
  return TRUE;
}

static gboolean
read_extent (sqlite3_value *value,
             Extent        *e)
{
  const guint8 *blob = sqlite3_value_blob (value);
  int size = sqlite3_value_bytes (value);
  int indicator, envelope;
  gboolean little;

  if (blob == NULL || size < HEADER_SIZE || blob[0] != 'G' || blob[1] != 'P')
    return FALSE;
  little = blob[3] & 1;
  indicator = (blob[3] >> 1) & 7;
  if (indicator >= (int) G_N_ELEMENTS (envelope_sizes))
    return FALSE;
  envelope = envelope_sizes[indicator];
  if (size < HEADER_SIZE + envelope)
    return FALSE;
  e->empty = (blob[3] >> 4) & 1;
  if (envelope == 0 || e->empty)
    return e->empty || extent_from_wkb (blob + HEADER_SIZE + envelope,
                                        size - HEADER_SIZE - envelope, e);
  e->min_x = read_double (blob + HEADER_SIZE, little);
  e->max_x = read_double (blob + HEADER_SIZE + 8, little);
  e->min_y = read_double (blob + HEADER_SIZE + 16, little);
  e->max_y = read_double (blob + HEADER_SIZE + 24, little);
  return TRUE;
}

/* user data: 0 ST_IsEmpty, 1..4 ST_MinX, ST_MaxX, ST_MinY, ST_MaxY */
static void
extent_function (sqlite3_context  *context,
                 int               argc,
                 sqlite3_value   **argv)
{
  int which = GPOINTER_TO_INT (sqlite3_user_data (context));
  Extent e = { 0 };

  if (argc != 1 || !read_extent (argv[0], &e))
    {
      sqlite3_result_null (context);
      return;
    }
  switch (which)
    {
    case 0: sqlite3_result_int (context, e.empty); break;
    case 1: sqlite3_result_double (context, e.min_x); break;
    case 2: sqlite3_result_double (context, e.max_x); break;
    case 3: sqlite3_result_double (context, e.min_y); break;
    default: sqlite3_result_double (context, e.max_y); break;
    }
}

void
mq_gpkg_register_functions (sqlite3 *db)
{
  static const char *const names[] = { "ST_IsEmpty", "ST_MinX", "ST_MaxX", "ST_MinY", "ST_MaxY" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    sqlite3_create_function (db, names[i], 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                             GINT_TO_POINTER (i), extent_function, NULL, NULL);
}
