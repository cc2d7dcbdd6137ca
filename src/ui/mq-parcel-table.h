/* mq-parcel-table.h — every parcel in a sortable table, filtered like the map.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mq-project.h"

G_BEGIN_DECLS

#define MQ_TYPE_PARCEL_TABLE (mq_parcel_table_get_type ())

G_DECLARE_FINAL_TYPE (MqParcelTable, mq_parcel_table, MQ, PARCEL_TABLE, GtkWidget)

void         mq_parcel_table_set_project (MqParcelTable *self,
                                          MqProject     *project);
GListModel  *mq_parcel_table_get_model   (MqParcelTable *self);
GtkColumnView *mq_parcel_table_get_view  (MqParcelTable *self);
void         mq_parcel_table_refresh     (MqParcelTable *self);

G_END_DECLS
