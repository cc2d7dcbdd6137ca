/* mq-image-cache.h — an image made ready for the window: in the map's CRS,
 * tiled, with overviews.
 *
 * A window draws its images at every frame. One in another CRS than the
 * map's (an MBTiles file is always Web Mercator) would be warped at every
 * frame, and a large one without overviews read whole at overview scales.
 * So such an image is prepared once, in a background task: warped into a
 * tiled GeoTIFF in the map's CRS with overviews, or — in the map's CRS
 * already, large, no overviews — given overviews through a VRT that points
 * at it. The copy lives in the user's cache folder
 * ($XDG_CACHE_HOME/maqiao-land/images), named by the source's path, size
 * and modification time and the map's CRS: the next open finds it, a
 * changed source is prepared anew. The source is only read; nothing is
 * written beside it. An export draws once and warps as it reads instead.
 *
 * Any thread; one build per target at a time (the window's map view sees
 * to it).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* More pixels on a side than this, and no overviews: overviews are built. */
#define MQ_IMAGE_CACHE_MAX_PLAIN_SIDE 2048

typedef void (*MqImageCacheProgress) (double   fraction,
                                      gpointer user_data);

char     *mq_image_cache_lookup (const char            *source,
                                 const char            *source_wkt,
                                 const char            *map_wkt,
                                 gboolean              *needs_build);
gboolean  mq_image_cache_build  (const char            *source,
                                 const char            *source_wkt,
                                 const char            *map_wkt,
                                 const char            *copy,
                                 MqImageCacheProgress   progress,
                                 gpointer               user_data,
                                 GCancellable          *cancellable,
                                 GError               **error);

G_END_DECLS
