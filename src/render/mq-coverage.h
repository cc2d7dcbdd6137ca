/* mq-coverage.h — parcels too small to draw, drawn as what they cover.
 *
 * At overview scale most parcels of a cadastre are a few pixels across;
 * cairo's antialiased fill of a million such polygons is most of a frame
 * and of its memory (its edge lists). A parcel under MQ_COVERAGE_MAX_PX is
 * rasterised here instead, with exact area coverage (a signed-area
 * accumulation per parcel, as font rasterisers do), into one sum of
 * premultiplied colour per pixel that is painted once. Neighbours sharing
 * an edge sum to full coverage there, so no background seam shows between
 * them (cairo's separate fills leave one). A test holds the result to the
 * exact drawing (tests/test-map.c, /map/level-of-detail).
 *
 * Thin white outlines (under a pixel wide) between parcels of a few pixels
 * are the other half of such a frame in cairo's stroker; they are drawn
 * straight into the target's pixels (Xiaolin Wu's antialiased lines) when
 * nothing clips it.
 *
 * Only for image targets drawn without rotation; vector targets (PDF, SVG)
 * always get the exact paths.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>

#include "mq-style.h"

G_BEGIN_DECLS

/* Parcels under this many device pixels in width and height are covered. */
#define MQ_COVERAGE_MAX_PX 16
/* Under this, a parcel's area is spread over its box (mq_coverage_add_box). */
#define MQ_COVERAGE_BOX_PX 3

typedef struct _MqCoverage MqCoverage;

MqCoverage *mq_coverage_new   (cairo_t     *cr);
void        mq_coverage_limit       (MqCoverage  *coverage,
                                     double       min_x,
                                     double       min_y,
                                     double       max_x,
                                     double       max_y);
gboolean    mq_coverage_is_tiny     (MqCoverage  *coverage,
                                     double       min_x,
                                     double       min_y,
                                     double       max_x,
                                     double       max_y);
gboolean    mq_coverage_add_box     (MqCoverage  *coverage,
                                     double       min_x,
                                     double       min_y,
                                     double       max_x,
                                     double       max_y,
                                     double       area,
                                     const MqRgb *color);
gboolean    mq_coverage_begin_shape (MqCoverage  *coverage,
                                     double       min_x,
                                     double       min_y,
                                     double       max_x,
                                     double       max_y);
void        mq_coverage_edge        (MqCoverage  *coverage,
                                     double       x0,
                                     double       y0,
                                     double       x1,
                                     double       y1);
void        mq_coverage_band        (MqCoverage  *coverage,
                                     double       ax,
                                     double       ay,
                                     double       bx,
                                     double       by,
                                     double       width,
                                     double      *pnx,
                                     double      *pny);
void        mq_coverage_end_shape   (MqCoverage  *coverage,
                                     const MqRgb *color,
                                     gboolean     even_odd);
void        mq_coverage_paint (MqCoverage  *coverage,
                               cairo_t     *cr);
void        mq_coverage_free  (MqCoverage  *coverage);

gboolean    mq_coverage_lines_begin (MqCoverage *coverage,
                                     cairo_t    *cr);
void        mq_coverage_line        (MqCoverage *coverage,
                                     double      x0,
                                     double      y0,
                                     double      x1,
                                     double      y1,
                                     double      width,
                                     double      alpha);
void        mq_coverage_lines_end   (MqCoverage *coverage);
void        mq_coverage_set_line_color (MqCoverage  *coverage,
                                        const MqRgb *color);
void        mq_coverage_set_opacity    (MqCoverage  *coverage,
                                        double       opacity);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MqCoverage, mq_coverage_free)

G_END_DECLS
