/* mq-furniture.h — what a map carries besides the map: legend, scale bar,
 * north arrow, and labelled text. Screen, PNG and PDF draw the same.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>
#include <pango/pangocairo.h>

#include "mq-text.h"
#include "mq-types.h"

G_BEGIN_DECLS

void   mq_draw_text                 (cairo_t    *cr,
                                     const char *text,
                                     double      x,
                                     double      y,
                                     double      size_px,
                                     gboolean    bold,
                                     MqAnchor    anchor,
                                     gboolean    halo);
void   mq_text_in                   (cairo_t    *cr,
                                     const char *text,
                                     double      x,
                                     double      y,
                                     double      width,
                                     double      size,
                                     gboolean    bold);
void   mq_text_size                 (cairo_t    *cr,
                                     const char *text,
                                     double      size_px,
                                     gboolean    bold,
                                     double     *width,
                                     double     *height);
void   mq_furniture_legend_size     (MqTheme     theme,
                                     gboolean    counted,
                                     double      scale,
                                     double     *width,
                                     double     *height);
double mq_furniture_legend_text_px  (double      scale);
void   mq_furniture_draw_legend     (cairo_t    *cr,
                                     MqTheme     theme,
                                     GArray     *counts,
                                     double      x,
                                     double      y,
                                     double      scale);
void   mq_furniture_legend_of_size  (MqTheme     theme,
                                     GArray     *counts,
                                     double      scale,
                                     double     *width,
                                     double     *height);
void   mq_furniture_draw_legend_of  (cairo_t    *cr,
                                     MqTheme     theme,
                                     GArray     *counts,
                                     double      x,
                                     double      y,
                                     double      scale);
double mq_furniture_scale_length    (double      resolution,
                                     double      max_px);
void   mq_furniture_draw_scale_bar  (cairo_t    *cr,
                                     double      resolution,
                                     double      x,
                                     double      y,
                                     double      scale);
void   mq_furniture_draw_north_arrow (cairo_t   *cr,
                                     double      x,
                                     double      y,
                                     double      size,
                                     double      angle);

G_END_DECLS
