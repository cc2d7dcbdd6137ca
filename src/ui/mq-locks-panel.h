/* mq-locks-panel.h — the four locks of the selected parcels, to read and edit.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mq-parcel-model.h"

G_BEGIN_DECLS

#define MQ_TYPE_LOCKS_PANEL (mq_locks_panel_get_type ())

G_DECLARE_FINAL_TYPE (MqLocksPanel, mq_locks_panel, MQ, LOCKS_PANEL, GtkWidget)

MqParcelModel *mq_locks_panel_get_model   (MqLocksPanel *self);
void           mq_locks_panel_set_project (MqLocksPanel *self,
                                           MqProject    *project);

G_END_DECLS
