/* mq-identify-panel.h — every field of the selected parcel.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mq-project.h"

G_BEGIN_DECLS

#define MQ_TYPE_IDENTIFY_PANEL (mq_identify_panel_get_type ())

G_DECLARE_FINAL_TYPE (MqIdentifyPanel, mq_identify_panel, MQ, IDENTIFY_PANEL, GtkWidget)

void mq_identify_panel_show (MqIdentifyPanel *self,
                             MqDataset       *dataset,
                             MqSelection     *selection);

void mq_identify_panel_set_project (MqIdentifyPanel *self,
                                    MqProject       *project);

const char *mq_identify_panel_get_title (MqIdentifyPanel *self);

void        mq_identify_panel_show_reference (MqIdentifyPanel *self,
                                              MqVectorLayer   *layer,
                                              guint            feature);

G_END_DECLS
