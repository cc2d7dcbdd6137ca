/* mq-tile-cache.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mq-tile-cache.h"

#include "mq-task.h"

struct _MqTileCache
{
  GMutex       lock;
  gsize        max_bytes, bytes;
  guint64      clock;      /* counts uses: the smallest is the least recent */
  guint        n_drawn;    /* tiles ever inserted */
  MqTileState  state;      /* what the tiles show; shown is the cache's own copy */
  GHashTable  *tiles;      /* Entry → itself */
};

typedef struct
{
  double  resolution;
  gint64  tx, ty;
  MqTile  tile;
  gsize   bytes;
  guint64 used;
} Entry;

static guint
entry_hash (gconstpointer data)
{
  const Entry *e = data;

  return g_double_hash (&e->resolution) ^ (guint) (e->tx * 73856093) ^ (guint) (e->ty * 19349663);
}

static gboolean
entry_equal (gconstpointer a,
             gconstpointer b)
{
  const Entry *ea = a, *eb = b;

  return ea->resolution == eb->resolution && ea->tx == eb->tx && ea->ty == eb->ty;
}

void
mq_tile_clear (MqTile *tile)
{
  g_clear_pointer (&tile->parcels, cairo_surface_destroy);
  g_clear_pointer (&tile->marks, cairo_surface_destroy);
}

static void
entry_free (gpointer data)
{
  Entry *e = data;

  mq_tile_clear (&e->tile);
  g_free (e);
}

MqTileCache *
mq_tile_cache_new (gsize max_bytes)
{
  MqTileCache *cache = g_atomic_rc_box_new0 (MqTileCache);

  g_mutex_init (&cache->lock);
  cache->max_bytes = max_bytes;
  cache->tiles = g_hash_table_new_full (entry_hash, entry_equal, entry_free, NULL);
  return cache;
}

MqTileCache *
mq_tile_cache_ref (MqTileCache *cache)
{
  return g_atomic_rc_box_acquire (cache);
}

static void
forget_state (MqTileCache *cache)
{
  cache->state.parcels = 0;
  g_clear_pointer (&cache->state.shown, g_bytes_unref);
}

static void
cache_clear (gpointer data)
{
  MqTileCache *cache = data;

  /* Every thread's last use (under the lock) before the tiles go, for
   * ThreadSanitizer. */
  mq_mutex_lock (&cache->lock);
  mq_mutex_unlock (&cache->lock);
  g_hash_table_unref (cache->tiles);
  forget_state (cache);
  g_mutex_clear (&cache->lock);
}

void
mq_tile_cache_unref (MqTileCache *cache)
{
  if (cache != NULL)
    g_atomic_rc_box_release_full (cache, cache_clear);
}

static gboolean
same_shown (GBytes *a,
            GBytes *b)
{
  return a == b || (a != NULL && b != NULL && g_bytes_equal (a, b));
}

/* Whether @state is the one the tiles show. Called with the lock held. */
static gboolean
is_current (MqTileCache       *cache,
            const MqTileState *state)
{
  return cache->state.parcels != 0 && cache->state.parcels == state->parcels &&
         cache->state.theme == state->theme && cache->state.today == state->today &&
         same_shown (cache->state.shown, state->shown);
}

/* The tile at (@tx, @ty) of the grid at @resolution, its surfaces
 * referenced into @tile; FALSE when it is not kept for @state. */
gboolean
mq_tile_cache_lookup (MqTileCache       *cache,
                      const MqTileState *state,
                      double             resolution,
                      gint64             tx,
                      gint64             ty,
                      MqTile            *tile)
{
  Entry key = { resolution, tx, ty }, *e = NULL;

  mq_mutex_lock (&cache->lock);
  if (is_current (cache, state) && (e = g_hash_table_lookup (cache->tiles, &key)) != NULL)
    {
      e->used = ++cache->clock;
      tile->parcels = e->tile.parcels ? cairo_surface_reference (e->tile.parcels) : NULL;
      tile->marks = e->tile.marks ? cairo_surface_reference (e->tile.marks) : NULL;
    }
  mq_mutex_unlock (&cache->lock);
  return e != NULL;
}

static gsize
surface_bytes (cairo_surface_t *surface)
{
  if (surface == NULL)
    return 0;
  return (gsize) cairo_image_surface_get_stride (surface) * cairo_image_surface_get_height (surface);
}

/* The least recently used tiles go until @bytes more fit. */
static void
make_room (MqTileCache *cache,
           gsize        bytes)
{
  while (cache->bytes + bytes > cache->max_bytes && g_hash_table_size (cache->tiles) > 0)
    {
      GHashTableIter iter;
      Entry *e, *oldest = NULL;

      g_hash_table_iter_init (&iter, cache->tiles);
      while (g_hash_table_iter_next (&iter, (gpointer *) &e, NULL))
        if (oldest == NULL || e->used < oldest->used)
          oldest = e;
      cache->bytes -= oldest->bytes;
      g_hash_table_remove (cache->tiles, oldest);
    }
}

/* Keeps a tile drawn for @state (its surfaces referenced); a state other
 * than the current one replaces it, and every tile goes. */
void
mq_tile_cache_insert (MqTileCache       *cache,
                      const MqTileState *state,
                      double             resolution,
                      gint64             tx,
                      gint64             ty,
                      const MqTile      *tile)
{
  Entry *e = g_new0 (Entry, 1), *old;

  mq_mutex_lock (&cache->lock);
  if (!is_current (cache, state))
    {
      g_hash_table_remove_all (cache->tiles);
      cache->bytes = 0;
      forget_state (cache);
      cache->state = *state;
      /* A copy, touched only under the lock: the caller's bytes may be
       * freed by any thread that drops the last reference. */
      cache->state.shown = state->shown ? g_bytes_new (g_bytes_get_data (state->shown, NULL),
                                                       g_bytes_get_size (state->shown)) : NULL;
    }
  *e = (Entry) { resolution, tx, ty };
  e->tile.parcels = tile->parcels ? cairo_surface_reference (tile->parcels) : NULL;
  e->tile.marks = tile->marks ? cairo_surface_reference (tile->marks) : NULL;
  e->bytes = surface_bytes (tile->parcels) + surface_bytes (tile->marks);
  e->used = ++cache->clock;
  /* Two threads may have drawn the same tile: the later one is kept. */
  old = g_hash_table_lookup (cache->tiles, e);
  if (old != NULL)
    {
      cache->bytes -= old->bytes;
      g_hash_table_remove (cache->tiles, old);
    }
  make_room (cache, e->bytes);
  cache->bytes += e->bytes;
  cache->n_drawn++;
  g_hash_table_add (cache->tiles, e);
  mq_mutex_unlock (&cache->lock);
}

/* How many tiles were drawn and kept so far, for tests and benchmarks. */
guint
mq_tile_cache_get_n_drawn (MqTileCache *cache)
{
  guint n;

  mq_mutex_lock (&cache->lock);
  n = cache->n_drawn;
  mq_mutex_unlock (&cache->lock);
  return n;
}
