/* mq-filter-bar.h — the search entry and filter chips over the map and table.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mq-project.h"

G_BEGIN_DECLS

#define MQ_TYPE_FILTER_BAR (mq_filter_bar_get_type ())

G_DECLARE_FINAL_TYPE (MqFilterBar, mq_filter_bar, MQ, FILTER_BAR, GtkBox)

void      mq_filter_bar_set_project (MqFilterBar *self,
                                     MqProject   *project);
MqFilter *mq_filter_bar_get_filter (MqFilterBar *self);
void      mq_filter_bar_set_counts (MqFilterBar *self,
                                    guint        shown,
                                    guint        total);
GtkWidget *mq_filter_bar_get_search_entry (MqFilterBar *self);

G_END_DECLS
