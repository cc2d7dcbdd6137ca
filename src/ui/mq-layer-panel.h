/* mq-layer-panel.h — the map's layers, to show, hide, fade and reorder.
 *
 * Lists the project's layers top first (the parcels, the zone's parts,
 * rivers, roads and outline, and any image added), each with a check to
 * show it, a scale for its opacity and buttons to move it up or down; an
 * added file can be removed, a new one added: an image (any raster GDAL
 * reads) or a reference layer (any vector file); its CRS must be known. Changes go to the project's MqLayerList at once (the
 * map follows it) and are saved in the project shortly after. Main thread
 * only.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "mq-map-view.h"
#include "mq-project.h"

G_BEGIN_DECLS

#define MQ_TYPE_LAYER_PANEL (mq_layer_panel_get_type ())

G_DECLARE_FINAL_TYPE (MqLayerPanel, mq_layer_panel, MQ, LAYER_PANEL, GtkWidget)

void mq_layer_panel_set_project (MqLayerPanel *self,
                                 MqProject    *project);
void mq_layer_panel_add_image   (MqLayerPanel *self,
                                 const char   *path);
void mq_layer_panel_add_file    (MqLayerPanel *self,
                                 MqLayerKind   kind,
                                 const char   *path);
void mq_layer_panel_save_now    (MqLayerPanel *self);

G_END_DECLS
