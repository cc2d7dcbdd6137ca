/* mq-tile-cache.h — the parcel layer at overview scales, kept as tiles.
 *
 * A frame of a whole district (10⁵–10⁶ parcels a few pixels each) costs
 * hundreds of milliseconds however it is rasterised; the same view drawn
 * again, or panned, should not. The renderer draws the parcels' fills and
 * outlines, and apart from them the deadline and problem outlines (drawn
 * over the roads), in tiles of MQ_TILE_PX pixels on a grid fixed in map
 * units at each resolution, and keeps them here; a later frame at that
 * resolution composites the tiles it needs. The tiles belong to one state
 * of what they show — the parcels' generation, the theme, the day that
 * says what is overdue, the filter's shown parcels —; asked for another,
 * the store starts again. Bounded in bytes, the least recently used tile
 * goes first. Shared by a renderer and its copies for workers, under a lock.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>
#include <glib-object.h>

#include "mq-types.h"

G_BEGIN_DECLS

#define MQ_TILE_PX 512

typedef struct _MqTileCache MqTileCache;

/* What the tiles show: equal states, equal tiles. */
typedef struct
{
  guint         parcels;   /* the generation: mq_parcels_get_serial() */
  MqTheme       theme;
  guint32       today;
  GBytes       *shown;     /* NULL: every parcel shown */
} MqTileState;

/* A tile's two layers (either NULL when it holds nothing). */
typedef struct
{
  cairo_surface_t *parcels;  /* fills and outlines */
  cairo_surface_t *marks;    /* deadline and problem outlines */
} MqTile;

MqTileCache *mq_tile_cache_new     (gsize              max_bytes);
MqTileCache *mq_tile_cache_ref     (MqTileCache       *cache);
void         mq_tile_cache_unref   (MqTileCache       *cache);
gboolean     mq_tile_cache_lookup  (MqTileCache       *cache,
                                    const MqTileState *state,
                                    double             resolution,
                                    gint64             tx,
                                    gint64             ty,
                                    MqTile            *tile);
void         mq_tile_cache_insert  (MqTileCache       *cache,
                                    const MqTileState *state,
                                    double             resolution,
                                    gint64             tx,
                                    gint64             ty,
                                    const MqTile      *tile);
guint        mq_tile_cache_get_n_drawn (MqTileCache *cache);
void         mq_tile_clear         (MqTile            *tile);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MqTileCache, mq_tile_cache_unref)

G_END_DECLS
