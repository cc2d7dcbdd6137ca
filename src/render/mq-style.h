/* mq-style.h — the colours of the map themes.
 *
 * Palettes are colour-blind safe (ColorBrewer YlGnBu and Dark2) and keep
 * enough contrast for a projector.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mq-parcels.h"

G_BEGIN_DECLS

typedef struct
{
  double r, g, b;
} MqRgb;

/* One line of a theme's legend: a fill, or an outline (dashed or not). */
typedef struct
{
  MqRgb       color;
  gboolean    outline;
  gboolean    dashed;
  const char *label;   /* translated */
} MqLegendEntry;

GArray *mq_style_legend      (MqTheme         theme);
GArray *mq_style_legend_counts (MqTheme       theme,
                                MqParcels    *parcels,
                                guint32       today);
GArray *mq_style_legend_counts_of (MqTheme       theme,
                                   MqParcels    *parcels,
                                   const GArray *only,
                                   guint32       today);
const char *mq_style_theme_title (MqTheme     theme);

void mq_style_parcel_fill   (MqTheme         theme,
                             const MqParcel *parcel,
                             MqRgb          *out);
void mq_style_locks_color   (guint           locks_held,
                             MqRgb          *out);
void mq_style_method_color  (MqMethod        method,
                             MqRgb          *out);
void mq_style_grade_color   (MqGrade         grade,
                             MqRgb          *out);

extern const MqRgb mq_style_overdue;
extern const MqRgb mq_style_due_soon;
extern const MqRgb mq_style_muted;
extern const MqRgb mq_style_problem;

G_END_DECLS
