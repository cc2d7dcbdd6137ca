/* mq-locator.h — a small overview of the zone with one parcel marked.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "mq-core.h"

G_BEGIN_DECLS

#define MQ_TYPE_LOCATOR (mq_locator_get_type ())

G_DECLARE_FINAL_TYPE (MqLocator, mq_locator, MQ, LOCATOR, GtkWidget)

GtkWidget *mq_locator_new          (void);
void       mq_locator_set_dataset  (MqLocator *self,
                                    MqDataset *dataset);
void       mq_locator_set_parcel   (MqLocator *self,
                                    int        parcel);
int        mq_locator_get_parcel   (MqLocator *self);
gboolean   mq_locator_map_to_widget (MqLocator *self,
                                     double     mx,
                                     double     my,
                                     double    *x,
                                     double    *y);

G_END_DECLS
