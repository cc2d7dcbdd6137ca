/* mq-raster-layer.h — an image (orthophoto) drawn under the parcels.
 *
 * Any raster GDAL opens offline: GeoTIFF, GeoPackage tiles, MBTiles, HFA,
 * JPEG 2000, PNG/JPEG with a world file. Each frame reads the window in
 * view at the frame's resolution (GDAL takes the overview that serves) with
 * bilinear resampling. An image in another CRS than the map's is warped as
 * it is read (GDAL's warped VRT): right for one frame, an export; a window
 * will want a reprojected local copy instead.
 *
 * The dataset handle is not for two threads at once: a lock serves a
 * renderer and its worker copies.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>
#include <glib-object.h>

#include "mq-viewport.h"

G_BEGIN_DECLS

#define MQ_RASTER_ERROR (mq_raster_error_quark ())

typedef enum
{
  MQ_RASTER_ERROR_OPEN,      /* not an image GDAL can read */
  MQ_RASTER_ERROR_NO_CRS,    /* no coordinate system: where would it go? */
  MQ_RASTER_ERROR_ROTATED,   /* not north-up */
  MQ_RASTER_ERROR_BANDS,     /* not grey, RGB or RGBA bytes */
  MQ_RASTER_ERROR_OPTION,    /* a bad FILE[,opacity=…] */
} MqRasterError;

GQuark mq_raster_error_quark (void);

#define MQ_TYPE_RASTER_LAYER (mq_raster_layer_get_type ())

G_DECLARE_FINAL_TYPE (MqRasterLayer, mq_raster_layer, MQ, RASTER_LAYER, GObject)

MqRasterLayer *mq_raster_layer_new          (const char    *path,
                                             const char    *map_wkt,
                                             GError       **error);
MqRasterLayer *mq_raster_layer_new_with_crs (const char   *path,
                                             const char   *crs,
                                             const char   *map_wkt,
                                             GError      **error);
MqRasterLayer *mq_raster_layer_new_prepared (const char   *path,
                                             const char   *copy,
                                             const char   *map_wkt,
                                             GError      **error);
gboolean       mq_raster_layer_get_warped   (MqRasterLayer *self);
void           mq_raster_layer_get_extent   (MqRasterLayer *self,
                                             MqBox         *extent);
MqRasterLayer *mq_raster_layer_new_from_spec (const char   *spec,
                                              const char   *map_wkt,
                                              GError      **error);
const char    *mq_raster_layer_get_path     (MqRasterLayer *self);
void           mq_raster_layer_set_opacity  (MqRasterLayer *self,
                                             double         opacity);
void           mq_raster_layer_draw         (MqRasterLayer *self,
                                             cairo_t       *cr,
                                             MqViewport    *vp);

G_END_DECLS
