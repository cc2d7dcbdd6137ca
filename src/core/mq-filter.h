/* mq-filter.h — which parcels a search and the filter chips leave.
 *
 * One filter serves the table, the map (the others dimmed), the dashboard
 * and the meeting-room mode alike. Changing any criterion emits "changed".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "mq-dataset.h"

G_BEGIN_DECLS

/* The road the plan divides the zone by: ≥ 75 % of new industrial land is
 * to lie north of it. */
#define MQ_DIVIDING_ROAD "东川路"

#define MQ_TYPE_FILTER (mq_filter_get_type ())

G_DECLARE_FINAL_TYPE (MqFilter, mq_filter, MQ, FILTER, GObject)

MqFilter *mq_filter_new            (void);
gboolean  mq_filter_is_active      (MqFilter   *self);
gboolean  mq_filter_matches        (MqFilter   *self,
                                    MqDataset  *dataset,
                                    guint       index,
                                    guint32     today);
GBytes   *mq_filter_get_shown      (MqFilter   *self,
                                    MqDataset  *dataset,
                                    guint32     today,
                                    guint      *n_shown);
GArray   *mq_filter_dup_matches    (MqFilter   *self,
                                    MqDataset  *dataset,
                                    guint32     today);
GArray   *mq_filter_dup_hits       (MqFilter   *self,
                                    MqDataset  *dataset,
                                    guint32     today,
                                    guint       limit,
                                    guint      *n_hits);
void      mq_filter_reset          (MqFilter   *self);
void      mq_filter_data_changed   (MqFilter   *self);
char     *mq_filter_to_json        (MqFilter   *self);
gboolean  mq_filter_set_from_json  (MqFilter   *self,
                                    const char *json,
                                    GError    **error);

gboolean  mq_dataset_is_north_of_road (MqDataset  *dataset,
                                       guint       index,
                                       const char *road);

G_END_DECLS
