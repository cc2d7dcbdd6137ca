/* mq-image-preparer.h — the map's images, opened at once or made ready in
 * the background.
 *
 * An image in the map's CRS, small or with overviews, opens at once. Any
 * other is first made ready by core/mq-image-cache.c in a worker (warped
 * into the map's CRS, overviews built) — once: the copy is found the next
 * time. Meanwhile the map draws without it; "progress" tells the fraction
 * done, "finished" that it can be opened now (or why not). A build whose
 * image is no longer shown is cancelled. Main thread only; the worker holds
 * its own copies of the paths and the map's CRS.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "mq-raster-layer.h"

G_BEGIN_DECLS

#define MQ_TYPE_IMAGE_PREPARER (mq_image_preparer_get_type ())

G_DECLARE_FINAL_TYPE (MqImagePreparer, mq_image_preparer, MQ, IMAGE_PREPARER, GObject)

MqImagePreparer *mq_image_preparer_new          (void);
MqRasterLayer   *mq_image_preparer_open         (MqImagePreparer    *self,
                                                 const char         *path,
                                                 const char         *crs,
                                                 const char         *map_wkt,
                                                 GError            **error);
double           mq_image_preparer_get_progress (MqImagePreparer    *self,
                                                 const char         *path);
void             mq_image_preparer_keep_only    (MqImagePreparer    *self,
                                                 const char *const  *paths);
void             mq_image_preparer_forget       (MqImagePreparer    *self);

G_END_DECLS
