/* mq-layer-style.h — a reference layer's style: its colour, line width and
 * the field its names come from, changed in the project's layer list as
 * they are picked. Main thread only.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "mq-core.h"

G_BEGIN_DECLS

#define MQ_TYPE_LAYER_STYLE (mq_layer_style_get_type ())

G_DECLARE_FINAL_TYPE (MqLayerStyle, mq_layer_style, MQ, LAYER_STYLE, GtkPopover)

GtkWidget *mq_layer_style_new (MqLayerList   *layers,
                               guint          index,
                               MqVectorLayer *vector,
                               const double   rgb[3],
                               const double   fill_rgb[3]);

G_END_DECLS
