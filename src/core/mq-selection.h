/* mq-selection.h — which parcels are selected: the one model that the map,
 * the identify panel and (later) the table share.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define MQ_TYPE_SELECTION (mq_selection_get_type ())

G_DECLARE_FINAL_TYPE (MqSelection, mq_selection, MQ, SELECTION, GObject)

MqSelection *mq_selection_new          (void);
void         mq_selection_clear        (MqSelection *self);
void         mq_selection_select_only  (MqSelection *self,
                                        guint        parcel);
void         mq_selection_toggle       (MqSelection *self,
                                        guint        parcel);
void         mq_selection_add_many     (MqSelection *self,
                                        GArray      *parcels);
void         mq_selection_set          (MqSelection *self,
                                        GArray      *parcels);
gboolean     mq_selection_contains     (MqSelection *self,
                                        guint        parcel);
guint        mq_selection_get_n        (MqSelection *self);
GArray      *mq_selection_dup_sorted   (MqSelection *self);
MqSelection *mq_selection_copy         (MqSelection *self);

G_END_DECLS
