/* mq-sample-imagery.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mq-sample-imagery.h"

#include <cairo.h>
#include <cpl_conv.h>
#include <gdal.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <math.h>
#include <ogr_srs_api.h>
#include <string.h>

/* Beyond the zone, fields on every side. */
#define MARGIN_M 200.0

typedef struct
{
  const char *prefix;   /* of the 三调 code */
  double      ground[3];
  double      roof[3];  /* NULL-like: roof[0] < 0 for land without buildings */
} UseLook;

/* What each kind of land looks like from above. */
static const UseLook looks[] = {
  { "06",   { 0.55, 0.53, 0.49 }, { 0.72, 0.74, 0.76 } },  /* industrial: pale metal roofs */
  { "07",   { 0.50, 0.50, 0.45 }, { 0.62, 0.40, 0.34 } },  /* housing: tiled roofs */
  { "05",   { 0.52, 0.52, 0.50 }, { 0.45, 0.55, 0.62 } },  /* commerce: glass */
  { "08H",  { 0.50, 0.52, 0.46 }, { 0.80, 0.78, 0.72 } },  /* schools, offices */
  { "0810", { 0.30, 0.47, 0.27 }, { -1, 0, 0 } },           /* parks */
  { "1104", { 0.24, 0.36, 0.40 }, { -1, 0, 0 } },           /* ponds */
  { "0101", { 0.38, 0.55, 0.30 }, { -1, 0, 0 } },           /* paddy */
  { "0103", { 0.62, 0.58, 0.42 }, { -1, 0, 0 } },           /* dry fields */
  { "1201", { 0.66, 0.60, 0.50 }, { -1, 0, 0 } },           /* idle, bare soil */
};

static const double fields[3] = { 0.42, 0.52, 0.33 };
static const double asphalt[3] = { 0.36, 0.36, 0.37 };
static const double water[3] = { 0.22, 0.34, 0.40 };

static const UseLook *
look_of (const char *code)
{
  for (guint i = 0; code != NULL && i < G_N_ELEMENTS (looks); i++)
    if (g_str_has_prefix (code, looks[i].prefix))
      return &looks[i];
  return &looks[0];
}

/* The rings of a polygon as a path, each scaled by @shrink about (cx, cy). */
static void
path_polygon (cairo_t      *cr,
              OGRGeometryH  polygon,
              double        shrink,
              double        cx,
              double        cy)
{
  for (int r = 0; r < OGR_G_GetGeometryCount (polygon); r++)
    {
      OGRGeometryH ring = OGR_G_GetGeometryRef (polygon, r);

      for (int i = 0; i < OGR_G_GetPointCount (ring); i++)
        {
          double x = cx + (OGR_G_GetX (ring, i) - cx) * shrink;
          double y = cy + (OGR_G_GetY (ring, i) - cy) * shrink;

          if (i == 0)
            cairo_move_to (cr, x, y);
          else
            cairo_line_to (cr, x, y);
        }
      cairo_close_path (cr);
    }
}

static void
path_any (cairo_t      *cr,
          OGRGeometryH  g,
          double        shrink)
{
  OGREnvelope env;

  OGR_G_GetEnvelope (g, &env);
  if (wkbFlatten (OGR_G_GetGeometryType (g)) == wkbMultiPolygon)
    for (int i = 0; i < OGR_G_GetGeometryCount (g); i++)
      path_any (cr, OGR_G_GetGeometryRef (g, i), shrink);
  else
    path_polygon (cr, g, shrink, (env.MinX + env.MaxX) / 2, (env.MinY + env.MaxY) / 2);
}

static void
path_line (cairo_t      *cr,
           OGRGeometryH  line)
{
  if (OGR_G_GetGeometryCount (line) > 0)
    {
      for (int i = 0; i < OGR_G_GetGeometryCount (line); i++)
        path_line (cr, OGR_G_GetGeometryRef (line, i));
      return;
    }
  for (int i = 0; i < OGR_G_GetPointCount (line); i++)
    if (i == 0)
      cairo_move_to (cr, OGR_G_GetX (line, i), OGR_G_GetY (line, i));
    else
      cairo_line_to (cr, OGR_G_GetX (line, i), OGR_G_GetY (line, i));
}

static void
draw_scene (cairo_t             *cr,
            const MqSampleScene *scene)
{
  cairo_set_source_rgb (cr, fields[0], fields[1], fields[2]);
  cairo_paint (cr);
  for (guint i = 0; i < scene->lots->len; i++)
    {
      const UseLook *look = look_of (g_ptr_array_index (scene->lot_uses, i));
      OGRGeometryH lot = g_ptr_array_index (scene->lots, i);

      cairo_set_source_rgb (cr, look->ground[0], look->ground[1], look->ground[2]);
      path_any (cr, lot, 1.0);
      cairo_fill (cr);
      if (look->roof[0] < 0)
        continue;
      /* The buildings: the lot drawn in, as a yard round them would. */
      cairo_set_source_rgb (cr, look->roof[0], look->roof[1], look->roof[2]);
      path_any (cr, lot, 0.7);
      cairo_fill (cr);
    }
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  for (guint i = 0; i < scene->lines->len; i++)
    {
      const double *c = g_array_index (scene->line_water, gboolean, i) ? water : asphalt;

      cairo_set_source_rgb (cr, c[0], c[1], c[2]);
      cairo_set_line_width (cr, g_array_index (scene->line_widths, double, i));
      path_line (cr, g_ptr_array_index (scene->lines, i));
      cairo_stroke (cr);
    }
}

/* A little grain, as a photograph has: the same for the same pixel. */
static guint8
grain (guint8  v,
       guint32 x,
       guint32 y,
       guint32 seed)
{
  guint32 h = x * 0x9E3779B1u ^ y * 0x85EBCA77u ^ seed;
  int n;

  h ^= h >> 15, h *= 0x2C1B3C6Du, h ^= h >> 12;
  n = (int) v + (int) (h % 13) - 6;
  return (guint8) CLAMP (n, 0, 255);
}

static gboolean
gdal_error (GError    **error,
            const char *path)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", path, CPLGetLastErrorMsg ());
  return FALSE;
}

/* The image as a three-band dataset in memory, georeferenced. */
static GDALDatasetH
to_dataset (cairo_surface_t *image,
            const double     transform[6],
            guint32          seed)
{
  int w = cairo_image_surface_get_width (image), h = cairo_image_surface_get_height (image);
  int stride = cairo_image_surface_get_stride (image);
  const guchar *data = cairo_image_surface_get_data (image);
  GDALDatasetH mem = GDALCreate (GDALGetDriverByName ("MEM"), "", w, h, 3, GDT_Byte, NULL);
  OGRSpatialReferenceH srs = OSRNewSpatialReference (NULL);
  g_autofree guint8 *band = g_new (guint8, (gsize) w * h);
  char *wkt = NULL;

  OSRImportFromEPSG (srs, 4549);
  OSRExportToWkt (srs, &wkt);
  GDALSetProjection (mem, wkt);
  CPLFree (wkt);
  OSRDestroySpatialReference (srs);
  GDALSetGeoTransform (mem, (double *) transform);
  for (int b = 0; b < 3; b++)
    {
      /* ARGB32, native endian: red is bits 16–23. */
      int shift = 16 - 8 * b;

      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
          band[(gsize) y * w + x] = grain ((guint8) (((const guint32 *) (data + (gsize) y * stride))[x] >> shift),
                                           (guint32) x, (guint32) y, seed + (guint32) b);
      if (GDALRasterIO (GDALGetRasterBand (mem, b + 1), GF_Write, 0, 0, w, h, band, w, h, GDT_Byte,
                        0, 0) != CE_None)
        {
          GDALClose (mem);
          return NULL;
        }
    }
  return mem;
}

static gboolean
write_copy (GDALDatasetH  source,
            const char   *driver,
            const char   *path,
            char        **options,
            GError      **error)
{
  GDALDatasetH out;

  g_unlink (path);
  out = GDALCreateCopy (GDALGetDriverByName (driver), path, source, FALSE, options, NULL, NULL);
  if (out == NULL)
    return gdal_error (error, path);
  GDALClose (out);
  return TRUE;
}

/**
 * mq_sample_write_imagery:
 *
 * Draws the scene at MQ_SAMPLE_ORTHO_RESOLUTION over the zone's envelope
 * and a margin, and writes it as a JPEG-compressed, tiled GeoTIFF in
 * EPSG:4549 (no overviews: a viewer has to build them) and as MBTiles,
 * which GDAL reprojects to EPSG:3857 as it writes them.
 */
gboolean
mq_sample_write_imagery (const MqSampleScene *scene,
                         guint32              seed,
                         const char          *tif_path,
                         const char          *mbtiles_path,
                         GError             **error)
{
  const double res = MQ_SAMPLE_ORTHO_RESOLUTION;
  char *tif_options[] = { "COMPRESS=JPEG", "PHOTOMETRIC=YCBCR", "JPEG_QUALITY=80", "TILED=YES", NULL };
  char *mbtiles_options[] = { "TILE_FORMAT=JPEG", "QUALITY=85", "NAME=Maqiao sample orthophoto", NULL };
  OGREnvelope env;
  double transform[6];
  cairo_surface_t *image;
  cairo_t *cr;
  GDALDatasetH mem;
  gboolean ok;
  int w, h;

  OGR_G_GetEnvelope (scene->zone, &env);
  env.MinX = floor ((env.MinX - MARGIN_M) / res) * res, env.MaxX = ceil ((env.MaxX + MARGIN_M) / res) * res;
  env.MinY = floor ((env.MinY - MARGIN_M) / res) * res, env.MaxY = ceil ((env.MaxY + MARGIN_M) / res) * res;
  w = (int) lround ((env.MaxX - env.MinX) / res), h = (int) lround ((env.MaxY - env.MinY) / res);
  transform[0] = env.MinX, transform[1] = res, transform[2] = 0;
  transform[3] = env.MaxY, transform[4] = 0, transform[5] = -res;
  image = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  cr = cairo_create (image);
  /* Map metres to pixels, north up. */
  cairo_scale (cr, 1 / res, -1 / res);
  cairo_translate (cr, -env.MinX, -env.MaxY);
  draw_scene (cr, scene);
  cairo_destroy (cr);
  cairo_surface_flush (image);
  mem = to_dataset (image, transform, seed);
  cairo_surface_destroy (image);
  if (mem == NULL)
    return gdal_error (error, tif_path);
  ok = write_copy (mem, "GTiff", tif_path, tif_options, error) &&
       write_copy (mem, "MBTiles", mbtiles_path, mbtiles_options, error);
  GDALClose (mem);
  return ok;
}
