/* mq-raster-layer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-raster-layer.h"

#include <cpl_conv.h>
#include <gdal.h>
#include <gdalwarper.h>
#include <glib/gi18n-lib.h>
#include <math.h>
#include <ogr_srs_api.h>
#include <string.h>

#include "mq-crs.h"
#include "mq-task.h"

/* A frame never reads more than this many pixels a side. */
#define MAX_SIDE 8192

struct _MqRasterLayer
{
  GObject      parent_instance;

  char        *path;
  GDALDatasetH source;      /* as opened */
  GDALDatasetH view;        /* the source, or a warped VRT of it in the map's CRS */
  double       gt[6];       /* of view: north-up */
  int          band_map[4]; /* red, green, blue (all 1 for grey), alpha or 0 */
  double       opacity;
  GMutex       lock;        /* the datasets, for one thread at a time */
};

G_DEFINE_FINAL_TYPE (MqRasterLayer, mq_raster_layer, G_TYPE_OBJECT)

G_DEFINE_QUARK (mq-raster-error-quark, mq_raster_error)

static void
mq_raster_layer_finalize (GObject *object)
{
  MqRasterLayer *self = MQ_RASTER_LAYER (object);

  if (self->view != NULL && self->view != self->source)
    GDALClose (self->view);
  g_clear_pointer (&self->source, GDALClose);
  g_free (self->path);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (mq_raster_layer_parent_class)->finalize (object);
}

static void
mq_raster_layer_class_init (MqRasterLayerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mq_raster_layer_finalize;
}

static void
mq_raster_layer_init (MqRasterLayer *self)
{
  g_mutex_init (&self->lock);
  self->opacity = 1.0;
}

/* Grey, RGB or RGBA, in bytes. */
static gboolean
pick_bands (MqRasterLayer *self,
            GError       **error)
{
  int n = GDALGetRasterCount (self->view);

  for (int b = 1; b <= n; b++)
    if (GDALGetRasterDataType (GDALGetRasterBand (self->view, b)) != GDT_Byte)
      n = 0;
  if (n == 1 || n == 2)
    self->band_map[0] = self->band_map[1] = self->band_map[2] = 1;
  else if (n >= 3)
    self->band_map[0] = 1, self->band_map[1] = 2, self->band_map[2] = 3;
  else
    {
      g_set_error (error, MQ_RASTER_ERROR, MQ_RASTER_ERROR_BANDS,
                   _("%s: the image is not grey, RGB or RGBA in bytes"), self->path);
      return FALSE;
    }
  self->band_map[3] = n == 2 || n == 4 ? n : 0;
  return TRUE;
}

/* The image in the map's CRS: itself, or warped to it. Its own CRS is
 * @given's when the user gave one (the file has none). */
static gboolean
to_map_crs (MqRasterLayer *self,
            const char    *given,
            const char    *map_wkt,
            GError       **error)
{
  /* OSRImportFromWkt() moves the pointer it is given past what it read. */
  const char *wkt = given ? given : GDALGetProjectionRef (self->source), *src_wkt = wkt, *dst_wkt = map_wkt;
  OGRSpatialReferenceH src = OSRNewSpatialReference (NULL), map = OSRNewSpatialReference (NULL);
  gboolean same;

  if (wkt == NULL || *wkt == '\0' || OSRImportFromWkt (src, (char **) &src_wkt) != OGRERR_NONE ||
      GDALGetGeoTransform (self->source, self->gt) != CE_None)
    {
      OSRDestroySpatialReference (src);
      OSRDestroySpatialReference (map);
      g_set_error (error, MQ_RASTER_ERROR, MQ_RASTER_ERROR_NO_CRS,
                   _("%s: the image has no coordinate system or position; give it one (a .prj, .aux.xml or world file) first"),
                   self->path);
      return FALSE;
    }
  OSRImportFromWkt (map, (char **) &dst_wkt);
  same = OSRIsSame (src, map);
  OSRDestroySpatialReference (src);
  OSRDestroySpatialReference (map);
  self->view = same ? self->source
                    : GDALAutoCreateWarpedVRT (self->source, wkt, map_wkt, GRA_Bilinear, 0.125, NULL);
  if (self->view == NULL || GDALGetGeoTransform (self->view, self->gt) != CE_None)
    {
      g_set_error (error, MQ_RASTER_ERROR, MQ_RASTER_ERROR_OPEN,
                   _("%s: the image cannot be brought into the map's coordinate system"), self->path);
      return FALSE;
    }
  return TRUE;
}

/* The layer of @path, read from @file (itself, or its prepared copy), in
 * the CRS @crs says (user's words: "EPSG:N" or WKT) for a file that has none. */
static MqRasterLayer *
open_layer (const char  *path,
            const char  *file,
            const char  *crs,
            const char  *map_wkt,
            GError     **error)
{
  g_autofree char *given = NULL;
  g_autoptr(MqRasterLayer) self = g_object_new (MQ_TYPE_RASTER_LAYER, NULL);

  g_return_val_if_fail (path != NULL && map_wkt != NULL, NULL);

  self->path = g_strdup (path);
  CPLPushErrorHandler (CPLQuietErrorHandler);
  CPLSetThreadLocalConfigOption ("GDAL_PAM_ENABLED", "NO");
  self->source = GDALOpenEx (file, GDAL_OF_RASTER | GDAL_OF_READONLY, NULL, NULL, NULL);
  CPLSetThreadLocalConfigOption ("GDAL_PAM_ENABLED", NULL);
  CPLPopErrorHandler ();
  if (self->source == NULL)
    {
      g_set_error (error, MQ_RASTER_ERROR, MQ_RASTER_ERROR_OPEN,
                   _("%s: not an image GDAL can read"), path);
      return NULL;
    }
  if (crs != NULL)
    {
      g_autoptr(GError) crs_error = NULL;

      if ((given = mq_crs_dup_wkt_from_definition (crs, &crs_error)) == NULL)
        {
          g_set_error (error, MQ_RASTER_ERROR, MQ_RASTER_ERROR_NO_CRS, "%s: %s", path, crs_error->message);
          return NULL;
        }
    }
  if (!to_map_crs (self, given, map_wkt, error))
    return NULL;
  if (self->gt[2] != 0 || self->gt[4] != 0 || self->gt[1] <= 0 || self->gt[5] >= 0)
    {
      g_set_error (error, MQ_RASTER_ERROR, MQ_RASTER_ERROR_ROTATED,
                   _("%s: the image is turned or flipped; only north-up images are drawn"), path);
      return NULL;
    }
  if (!pick_bands (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

/**
 * mq_raster_layer_new:
 * @map_wkt: the map's (display) CRS
 *
 * An image file as a layer. The file is only read: nothing is written
 * beside it. One in another CRS is warped as it is read.
 */
MqRasterLayer *
mq_raster_layer_new (const char  *path,
                     const char  *map_wkt,
                     GError     **error)
{
  return open_layer (path, path, NULL, map_wkt, error);
}

/* An image that has no CRS of its own, in the one the user gave it. */
MqRasterLayer *
mq_raster_layer_new_with_crs (const char  *path,
                              const char  *crs,
                              const char  *map_wkt,
                              GError     **error)
{
  return open_layer (path, path, crs, map_wkt, error);
}

/**
 * mq_raster_layer_new_prepared:
 * @copy: the image made ready for the map (core/mq-image-cache.h)
 *
 * The layer of the image at @path, drawn from @copy: in the map's CRS,
 * with overviews, nothing warped as it is read.
 */
MqRasterLayer *
mq_raster_layer_new_prepared (const char  *path,
                              const char  *copy,
                              const char  *map_wkt,
                              GError     **error)
{
  return open_layer (path, copy, NULL, map_wkt, error);
}

/* Where the image lies, in the map's CRS. */
void
mq_raster_layer_get_extent (MqRasterLayer *self,
                            MqBox         *extent)
{
  g_return_if_fail (MQ_IS_RASTER_LAYER (self));

  extent->min_x = self->gt[0];
  extent->max_x = self->gt[0] + GDALGetRasterXSize (self->view) * self->gt[1];
  extent->max_y = self->gt[3];
  extent->min_y = self->gt[3] + GDALGetRasterYSize (self->view) * self->gt[5];
}

/* Whether the image is warped as it is read (another CRS than the map's). */
gboolean
mq_raster_layer_get_warped (MqRasterLayer *self)
{
  g_return_val_if_fail (MQ_IS_RASTER_LAYER (self), FALSE);
  return self->view != self->source;
}

/* FILE[,opacity=0.6]: the options after the last commas that are options
 * (a path may hold commas). */
MqRasterLayer *
mq_raster_layer_new_from_spec (const char  *spec,
                               const char  *map_wkt,
                               GError     **error)
{
  g_autofree char *path = g_strdup (spec);
  double opacity = 1.0;
  char *comma, *end;
  MqRasterLayer *layer;

  while ((comma = strrchr (path, ',')) != NULL && g_str_has_prefix (comma + 1, "opacity="))
    {
      opacity = g_ascii_strtod (comma + strlen (",opacity="), &end);
      if (end == comma + strlen (",opacity=") || *end != '\0' || !(opacity >= 0 && opacity <= 1))
        {
          g_set_error (error, MQ_RASTER_ERROR, MQ_RASTER_ERROR_OPTION,
                       _("--layer-add: “%s”: the opacity must be a number from 0 to 1"), spec);
          return NULL;
        }
      *comma = '\0';
    }
  layer = mq_raster_layer_new (path, map_wkt, error);
  if (layer != NULL)
    mq_raster_layer_set_opacity (layer, opacity);
  return layer;
}

/* The file, as it was given: the layer list names the image by it. */
const char *
mq_raster_layer_get_path (MqRasterLayer *self)
{
  g_return_val_if_fail (MQ_IS_RASTER_LAYER (self), NULL);
  return self->path;
}

void
mq_raster_layer_set_opacity (MqRasterLayer *self,
                             double         opacity)
{
  g_return_if_fail (MQ_IS_RASTER_LAYER (self));
  self->opacity = CLAMP (opacity, 0.0, 1.0);
}

/* Planar bytes to premultiplied ARGB. */
static cairo_surface_t *
to_image (const guint8 *planes,
          int           w,
          int           h,
          gboolean      alpha)
{
  cairo_surface_t *image = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  int stride = cairo_image_surface_get_stride (image);
  guchar *data = cairo_image_surface_get_data (image);
  gsize n = (gsize) w * h;

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        gsize i = (gsize) y * w + x;
        guint32 a = alpha ? planes[3 * n + i] : 255;
        guint32 r = planes[i] * a / 255, g = planes[n + i] * a / 255, b = planes[2 * n + i] * a / 255;

        ((guint32 *) (data + (gsize) y * stride))[x] = a << 24 | r << 16 | g << 8 | b;
      }
  cairo_surface_mark_dirty (image);
  return image;
}

/* The part of the image in view, read at the frame's resolution. */
static cairo_surface_t *
read_view (MqRasterLayer *self,
           const double   window[4],
           int            out_w,
           int            out_h)
{
  int n = self->band_map[3] ? 4 : 3;
  g_autofree guint8 *planes = g_new (guint8, (gsize) out_w * out_h * n);
  int x0 = (int) floor (window[0]), y0 = (int) floor (window[1]);
  int x1 = (int) ceil (window[2]), y1 = (int) ceil (window[3]);
  GDALRasterIOExtraArg arg;
  CPLErr status;

  INIT_RASTERIO_EXTRA_ARG (arg);
  arg.eResampleAlg = GRIORA_Bilinear;
  arg.bFloatingPointWindowValidity = TRUE;
  arg.dfXOff = window[0], arg.dfYOff = window[1];
  arg.dfXSize = window[2] - window[0], arg.dfYSize = window[3] - window[1];
  CPLPushErrorHandler (CPLQuietErrorHandler);
  status = GDALDatasetRasterIOEx (self->view, GF_Read, x0, y0, x1 - x0, y1 - y0, planes, out_w, out_h,
                                  GDT_Byte, n, self->band_map, 1, out_w, (GSpacing) out_w * out_h, &arg);
  CPLPopErrorHandler ();
  if (status != CE_None)
    return NULL;
  return to_image (planes, out_w, out_h, n == 4);
}

/* Draws what of the image the viewport shows, at the layer's opacity. An
 * image that cannot be read there is left out of the frame. */
void
mq_raster_layer_draw (MqRasterLayer *self,
                      cairo_t       *cr,
                      MqViewport    *vp)
{
  int w = GDALGetRasterXSize (self->view), h = GDALGetRasterYSize (self->view);
  const double *gt = self->gt;
  double window[4], sx0, sy0, sx1, sy1, dx = 1, dy = 1;
  cairo_surface_t *image;
  int out_w, out_h;
  MqBox view;

  g_return_if_fail (MQ_IS_RASTER_LAYER (self));

  mq_viewport_get_visible_box (vp, &view);
  window[0] = MAX ((view.min_x - gt[0]) / gt[1], 0);
  window[1] = MAX ((view.max_y - gt[3]) / gt[5], 0);
  window[2] = MIN ((view.max_x - gt[0]) / gt[1], w);
  window[3] = MIN ((view.min_y - gt[3]) / gt[5], h);
  if (window[2] <= window[0] || window[3] <= window[1] || self->opacity <= 0)
    return;
  mq_viewport_map_to_screen (vp, gt[0] + window[0] * gt[1], gt[3] + window[1] * gt[5], &sx0, &sy0);
  mq_viewport_map_to_screen (vp, gt[0] + window[2] * gt[1], gt[3] + window[3] * gt[5], &sx1, &sy1);
  /* Read at the target's own pixels (a HiDPI surface has two a unit); a
   * document's are points, read at three times that (216 dpi). */
  cairo_user_to_device_distance (cr, &dx, &dy);
  if (cairo_surface_get_type (cairo_get_target (cr)) != CAIRO_SURFACE_TYPE_IMAGE)
    dx *= 3, dy *= 3;
  out_w = CLAMP ((int) ceil ((sx1 - sx0) * fabs (dx)), 1, MAX_SIDE);
  out_h = CLAMP ((int) ceil ((sy1 - sy0) * fabs (dy)), 1, MAX_SIDE);
  mq_mutex_lock (&self->lock);
  image = read_view (self, window, out_w, out_h);
  mq_mutex_unlock (&self->lock);
  if (image == NULL)
    return;
  cairo_save (cr);
  cairo_translate (cr, sx0, sy0);
  cairo_scale (cr, (sx1 - sx0) / out_w, (sy1 - sy0) / out_h);
  cairo_set_source_surface (cr, image, 0, 0);
  cairo_paint_with_alpha (cr, self->opacity);
  cairo_restore (cr);
  cairo_surface_destroy (image);
}

