/* mq-text-cache.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mq-text-cache.h"

#include <math.h>
#include <string.h>

#include "mq-text.h"
#include "mq-task.h"

/* Beyond this many labels the cache starts again: a district's ids at a
 * few sizes, a few megabytes of masks. */
#define MAX_ENTRIES 4096

/* The halo as mq_draw_text() draws it: the text eight times round itself,
 * white at this opacity, MAX (1, size / 9) pixels out. */
#define HALO_ALPHA 0.9

struct _MqTextCache
{
  GMutex      lock;
  GHashTable *entries;   /* Entry → itself, by its key fields */
};

typedef struct
{
  char            *text;           /* the key: text, size, weight, halo, pixel scale */
  double           size_px, scale;
  gboolean         bold;
  gboolean         halo;
  double           width, height;  /* the layout's logical size, user units */
  cairo_surface_t *image;          /* ARGB32: the halo and the glyphs over it; NULL until first drawn */
  double           ox, oy;         /* the layout's origin in the masks, user units */
} Entry;

static guint
entry_hash (gconstpointer data)
{
  const Entry *e = data;

  return g_str_hash (e->text) ^ (guint) (e->size_px * 1000) ^ ((guint) (e->scale * 100) << 20) ^
         (guint) e->bold << 31 ^ (guint) e->halo << 30;
}

static gboolean
entry_equal (gconstpointer a,
             gconstpointer b)
{
  const Entry *ea = a, *eb = b;

  return ea->size_px == eb->size_px && ea->scale == eb->scale && ea->bold == eb->bold &&
         ea->halo == eb->halo && strcmp (ea->text, eb->text) == 0;
}

static void
entry_free (gpointer data)
{
  Entry *e = data;

  g_free (e->text);
  g_clear_pointer (&e->image, cairo_surface_destroy);
  g_free (e);
}

MqTextCache *
mq_text_cache_new (void)
{
  MqTextCache *cache = g_atomic_rc_box_new0 (MqTextCache);

  g_mutex_init (&cache->lock);
  cache->entries = g_hash_table_new_full (entry_hash, entry_equal, entry_free, NULL);
  return cache;
}

MqTextCache *
mq_text_cache_ref (MqTextCache *cache)
{
  return g_atomic_rc_box_acquire (cache);
}

static void
cache_clear (gpointer data)
{
  MqTextCache *cache = data;

  /* Taken once more so that ThreadSanitizer sees every thread's last use
   * (under the lock) happen before the masks are freed. */
  mq_mutex_lock (&cache->lock);
  mq_mutex_unlock (&cache->lock);
  g_hash_table_unref (cache->entries);
  g_mutex_clear (&cache->lock);
}

void
mq_text_cache_unref (MqTextCache *cache)
{
  if (cache != NULL)
    g_atomic_rc_box_release_full (cache, cache_clear);
}

/* The device pixels per user unit when @cr is a pixel target drawn
 * without rotation or scaling, else 0 (pango draws the text). */
static double
pixel_scale (cairo_t *cr)
{
  cairo_surface_t *target = cairo_get_target (cr);
  cairo_matrix_t m;
  double sx = 1, sy = 1;

  if (cairo_surface_get_type (target) != CAIRO_SURFACE_TYPE_IMAGE)
    return 0;
  cairo_get_matrix (cr, &m);
  cairo_surface_get_device_scale (target, &sx, &sy);
  if (m.xx != 1 || m.yy != 1 || m.xy != 0 || m.yx != 0 || sx != sy || sx <= 0)
    return 0;
  return sx;
}

/* The entry for a label, made (measured, not yet drawn) when new. Called
 * with the lock held. */
static Entry *
lookup (MqTextCache *cache,
        cairo_t     *cr,
        const char  *text,
        double       size_px,
        gboolean     bold,
        gboolean     halo,
        double       scale)
{
  Entry key = { (char *) text, size_px, scale, bold != FALSE, halo != FALSE }, *e;

  e = g_hash_table_lookup (cache->entries, &key);
  if (e != NULL)
    return e;
  if (g_hash_table_size (cache->entries) >= MAX_ENTRIES)
    g_hash_table_remove_all (cache->entries);
  e = g_new0 (Entry, 1);
  *e = key;
  e->text = g_strdup (text);
  mq_text_measure (cr, text, size_px, bold, &e->width, &e->height);
  g_hash_table_add (cache->entries, e);
  return e;
}

void
mq_text_cache_size (MqTextCache *cache,
                    cairo_t     *cr,
                    const char  *text,
                    double       size_px,
                    gboolean     bold,
                    double      *width,
                    double      *height)
{
  double scale = pixel_scale (cr);
  Entry *e;

  if (scale == 0)
    {
      mq_text_measure (cr, text, size_px, bold, width, height);
      return;
    }
  mq_mutex_lock (&cache->lock);
  /* Measured alike with or without a halo. */
  e = lookup (cache, cr, text, size_px, bold, TRUE, scale);
  *width = e->width;
  *height = e->height;
  mq_mutex_unlock (&cache->lock);
}

/* Whether @cr is a target the cache serves: pixels, without rotation or
 * scaling. */
gboolean
mq_text_cache_serves (cairo_t *cr)
{
  return pixel_scale (cr) != 0;
}

/* The process's cache for the texts that are not a renderer's labels: the
 * legend, scale bar and the like, the same few every frame (shaped and
 * drawn nine times each by pango, they were a tenth of a close view). */
MqTextCache *
mq_text_cache_get_default (void)
{
  static MqTextCache *cache;

  if (g_once_init_enter (&cache))
    g_once_init_leave (&cache, mq_text_cache_new ());
  return cache;
}

/* The halo mask from the glyphs' mask: where any of the eight copies,
 * @d device pixels out, covers, as their white layers drawn over each
 * other would (1 − Π (1 − α·coverage)). */
static void
make_halo (cairo_surface_t *glyphs,
           cairo_surface_t *halo,
           int              d)
{
  static const int offsets[8][2] = {
    { -1, -1 }, { 0, -1 }, { 1, -1 }, { -1, 0 }, { 1, 0 }, { -1, 1 }, { 0, 1 }, { 1, 1 },
  };
  int w = cairo_image_surface_get_width (glyphs), h = cairo_image_surface_get_height (glyphs);
  int gs = cairo_image_surface_get_stride (glyphs), hs = cairo_image_surface_get_stride (halo);
  const guchar *g = cairo_image_surface_get_data (glyphs);
  guchar *out = cairo_image_surface_get_data (halo);
  g_autofree guint32 *clear = g_new (guint32, (gsize) MAX (w * h, 1));
  guint32 clear_of[256];

  /* In 1/65536: what a copy of coverage c leaves clear. Each glyph pixel
   * casts its eight copies (labels come into view at every pan: going
   * over every pixel and its eight sources was a tenth of a close view). */
  for (int c = 0; c < 256; c++)
    clear_of[c] = (guint32) lround ((1 - HALO_ALPHA * c / 255.0) * 65536);
  for (int i = 0; i < w * h; i++)
    clear[i] = 65536;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        guint32 f = clear_of[g[y * gs + x]];

        if (f == 65536)
          continue;
        for (int k = 0; k < 8; k++)
          {
            int tx = x + offsets[k][0] * d, ty = y + offsets[k][1] * d;

            if (tx >= 0 && ty >= 0 && tx < w && ty < h)
              clear[ty * w + tx] = (guint32) (((guint64) clear[ty * w + tx] * f + 32768) >> 16);
          }
      }
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      out[y * hs + x] = (guchar) (((65536 - (guint64) clear[y * w + x]) * 255 + 32768) >> 16);
  cairo_surface_mark_dirty (halo);
}

/* Renders the label once at @scale device pixels per user unit: its
 * halo in white, then its glyphs in dark grey, into one image (a frame
 * then paints each label in one operation). */
static void
rasterise (Entry      *e,
           cairo_t    *cr,
           const char *text,
           double      size_px,
           gboolean    bold,
           double      scale)
{
  PangoLayout *layout = mq_text_layout (cr, text, size_px, bold);
  double d = MAX (1.0, size_px / 9.0);
  int margin = (int) ceil (d) + 1, w, h;
  cairo_surface_t *glyphs, *halo;
  PangoRectangle ink, logical;
  double left, top, right, bottom;
  cairo_t *mcr;

  pango_layout_get_pixel_extents (layout, &ink, &logical);
  left = MIN (ink.x, 0) - margin, top = MIN (ink.y, 0) - margin;
  right = MAX (ink.x + ink.width, logical.width) + margin;
  bottom = MAX (ink.y + ink.height, logical.height) + margin;
  w = (int) ceil ((right - left) * scale), h = (int) ceil ((bottom - top) * scale);
  e->ox = -left, e->oy = -top;
  glyphs = cairo_image_surface_create (CAIRO_FORMAT_A8, w, h);
  halo = cairo_image_surface_create (CAIRO_FORMAT_A8, w, h);
  e->image = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  cairo_surface_set_device_scale (glyphs, scale, scale);
  cairo_surface_set_device_scale (halo, scale, scale);
  cairo_surface_set_device_scale (e->image, scale, scale);
  mcr = cairo_create (glyphs);
  /* The layout shaped for the target serves: an image's font options are
   * the same whatever its format, so nothing is shaped again. */
  pango_cairo_update_layout (mcr, layout);
  cairo_move_to (mcr, e->ox, e->oy);
  pango_cairo_show_layout (mcr, layout);
  g_object_unref (layout);
  cairo_destroy (mcr);
  cairo_surface_flush (glyphs);
  cairo_surface_flush (halo);
  mcr = cairo_create (e->image);
  if (e->halo)
    {
      make_halo (glyphs, halo, MAX (1, (int) lround (d * scale)));
      cairo_set_source_rgb (mcr, 1, 1, 1);
      cairo_mask_surface (mcr, halo, 0, 0);
    }
  cairo_set_source_rgb (mcr, 0.18, 0.18, 0.20);
  cairo_mask_surface (mcr, glyphs, 0, 0);
  cairo_destroy (mcr);
  cairo_surface_flush (e->image);
  cairo_surface_destroy (glyphs);
  cairo_surface_destroy (halo);
}

/* A label centred on (x, y), with its halo, as mq_draw_text() draws it;
 * its top-left corner on a device pixel, as cairo puts glyphs. */
void
mq_text_cache_draw (MqTextCache *cache,
                    cairo_t     *cr,
                    const char  *text,
                    double       x,
                    double       y,
                    double       size_px,
                    gboolean     bold)
{
  mq_text_cache_draw_at (cache, cr, text, x, y, size_px, bold, MQ_ANCHOR_CENTER, TRUE);
}

/* A text as mq_draw_text() draws it at (x, y) by @anchor. */
void
mq_text_cache_draw_at (MqTextCache *cache,
                       cairo_t     *cr,
                       const char  *text,
                       double       x,
                       double       y,
                       double       size_px,
                       gboolean     bold,
                       MqAnchor     anchor,
                       gboolean     halo)
{
  double scale = pixel_scale (cr), left, top;
  Entry *e;

  if (scale == 0)
    {
      mq_text_draw_shaped (cr, text, x, y, size_px, bold, anchor, halo);
      return;
    }
  mq_mutex_lock (&cache->lock);
  e = lookup (cache, cr, text, size_px, bold, halo, scale);
  if (e->image == NULL)
    rasterise (e, cr, text, size_px, bold, scale);
  left = x - e->width / 2, top = y - e->height / 2;
  if (anchor == MQ_ANCHOR_TOP_LEFT)
    left = x, top = y;
  else if (anchor == MQ_ANCHOR_BOTTOM_LEFT)
    left = x, top = y - e->height;
  cairo_user_to_device (cr, &left, &top);
  left = round (left * scale) / scale, top = round (top * scale) / scale;
  cairo_device_to_user (cr, &left, &top);
  cairo_save (cr);
  cairo_set_source_surface (cr, e->image, left - e->ox, top - e->oy);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_NEAREST);
  cairo_rectangle (cr, left - e->ox, top - e->oy, cairo_image_surface_get_width (e->image) / scale,
                   cairo_image_surface_get_height (e->image) / scale);
  cairo_fill (cr);
  cairo_restore (cr);
  mq_mutex_unlock (&cache->lock);
}
