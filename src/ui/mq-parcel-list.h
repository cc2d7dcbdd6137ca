/* mq-parcel-list.h — the parcels of a dataset as a GListModel.
 *
 * An item is an MqParcelItem: a dataset and an index, nothing copied. The
 * table wraps this in GTK's filter, sort and selection models.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "mq-core.h"

G_BEGIN_DECLS

#define MQ_TYPE_PARCEL_ITEM (mq_parcel_item_get_type ())

G_DECLARE_FINAL_TYPE (MqParcelItem, mq_parcel_item, MQ, PARCEL_ITEM, GObject)

guint           mq_parcel_item_get_index  (MqParcelItem *self);
const MqParcel *mq_parcel_item_get_parcel (MqParcelItem *self);

#define MQ_TYPE_PARCEL_LIST (mq_parcel_list_get_type ())

G_DECLARE_FINAL_TYPE (MqParcelList, mq_parcel_list, MQ, PARCEL_LIST, GObject)

MqParcelList *mq_parcel_list_new         (void);
void          mq_parcel_list_set_dataset (MqParcelList *self,
                                          MqDataset    *dataset);
MqDataset    *mq_parcel_list_get_dataset (MqParcelList *self);

G_END_DECLS
