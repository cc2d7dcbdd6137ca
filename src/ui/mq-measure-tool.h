/* mq-measure-tool.h — measuring distances and areas on the map.
 *
 * An overlay over an MqMapView: while active, clicks on the map pick points
 * (snapped to parcel corners and edges), the path and the polygon it bounds
 * are drawn over the map, and a card shows the geodesic figures in m, m²,
 * 亩 and 公顷 (core/mq-measure.c), with buttons to copy them and to measure
 * the selected parcel. Double-click or Esc ends a measure; Esc again, or
 * the card's close button, stops measuring. Main thread only.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "mq-map-view.h"
#include "mq-measure.h"

G_BEGIN_DECLS

#define MQ_TYPE_MEASURE_TOOL (mq_measure_tool_get_type ())

G_DECLARE_FINAL_TYPE (MqMeasureTool, mq_measure_tool, MQ, MEASURE_TOOL, GtkWidget)

void        mq_measure_tool_set_active  (MqMeasureTool    *self,
                                         gboolean          active);
gboolean    mq_measure_tool_get_active  (MqMeasureTool    *self);
gboolean    mq_measure_tool_get_figures (MqMeasureTool    *self,
                                         MqMeasureFigures *figures);

G_END_DECLS
