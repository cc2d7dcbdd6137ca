/* mq-text-cache.h — map labels measured and rasterised once, drawn many times.
 *
 * A close view names hundreds of parcels, and most of its time went into
 * pango shaping each label twice (to measure it, then to draw it) and
 * drawing it nine times (eight for its halo). Here each label (text, size,
 * weight, pixel scale) is measured once and, when first drawn, rendered
 * once into an image of its halo and glyphs; later frames paint the image. Shared by a renderer and its copies for workers (a lock
 * guards it). Only pixel targets without rotation or scaling are served:
 * a document (PDF, SVG) keeps pango's text, so that its text layer holds
 * each label.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "mq-text.h"

G_BEGIN_DECLS

typedef struct _MqTextCache MqTextCache;

MqTextCache *mq_text_cache_new    (void);
MqTextCache *mq_text_cache_ref    (MqTextCache *cache);
void         mq_text_cache_unref  (MqTextCache *cache);
void         mq_text_cache_size   (MqTextCache *cache,
                                   cairo_t     *cr,
                                   const char  *text,
                                   double       size_px,
                                   gboolean     bold,
                                   double      *width,
                                   double      *height);
void         mq_text_cache_draw   (MqTextCache *cache,
                                   cairo_t     *cr,
                                   const char  *text,
                                   double       x,
                                   double       y,
                                   double       size_px,
                                   gboolean     bold);

void         mq_text_cache_draw_at (MqTextCache *cache,
                                    cairo_t     *cr,
                                    const char  *text,
                                    double       x,
                                    double       y,
                                    double       size_px,
                                    gboolean     bold,
                                    MqAnchor     anchor,
                                    gboolean     halo);
gboolean     mq_text_cache_serves  (cairo_t     *cr);
MqTextCache *mq_text_cache_get_default (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MqTextCache, mq_text_cache_unref)

G_END_DECLS
