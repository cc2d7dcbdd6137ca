/* mq-text.h — text in the map's font, shaped by pango: what the furniture,
 * the labels and the text cache all draw with (the cache keeps its images;
 * mq-furniture.h's mq_draw_text() picks the one or the other).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>
#include <pango/pangocairo.h>

G_BEGIN_DECLS

#define MQ_FONT_FAMILY "Noto Sans CJK SC"

typedef enum
{
  MQ_ANCHOR_CENTER,
  MQ_ANCHOR_TOP_LEFT,
  MQ_ANCHOR_BOTTOM_LEFT,
} MqAnchor;

PangoLayout *mq_text_layout      (cairo_t    *cr,
                                  const char *text,
                                  double      size_px,
                                  gboolean    bold);
void         mq_text_measure     (cairo_t    *cr,
                                  const char *text,
                                  double      size_px,
                                  gboolean    bold,
                                  double     *width,
                                  double     *height);
void         mq_text_draw_shaped (cairo_t    *cr,
                                  const char *text,
                                  double      x,
                                  double      y,
                                  double      size_px,
                                  gboolean    bold,
                                  MqAnchor    anchor,
                                  gboolean    halo);

G_END_DECLS
