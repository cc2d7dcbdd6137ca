/* mq-figures.h — the summary figures drawn as bars: the report's summary
 * panel and the window's dashboard are the same drawing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>

#include "mq-core.h"

G_BEGIN_DECLS

typedef enum /*< flags >*/
{
  MQ_FIGURES_STAGES = 1 << 0,   /* flagged land by stage */
  MQ_FIGURES_METHODS = 1 << 1,  /* with progress: fully locked land by method over time */
} MqFiguresParts;

typedef struct
{
  double         text;    /* text size */
  double         row;     /* row height */
  MqFiguresParts parts;
} MqFiguresStyle;

double mq_figures_draw        (cairo_t              *cr,
                               const MqSummary      *summary,
                               GArray               *months,
                               MqProgressGroups     *entities,
                               double                x,
                               double                y,
                               double                width,
                               const MqFiguresStyle *style);

double mq_figures_draw_progress (cairo_t              *cr,
                                 GArray               *months,
                                 MqProgressGroups     *entities,
                                 double                x,
                                 double                y,
                                 double                width,
                                 const MqFiguresStyle *style);

G_END_DECLS
