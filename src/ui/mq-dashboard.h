/* mq-dashboard.h — the progress figures of the parcels the filter leaves.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mq-project.h"

G_BEGIN_DECLS

#define MQ_TYPE_DASHBOARD (mq_dashboard_get_type ())

G_DECLARE_FINAL_TYPE (MqDashboard, mq_dashboard, MQ, DASHBOARD, GtkWidget)

void             mq_dashboard_set_project (MqDashboard *self,
                                           MqProject   *project);
void             mq_dashboard_refresh     (MqDashboard *self);
const MqSummary *mq_dashboard_get_summary (MqDashboard *self);
const char      *mq_dashboard_get_changes_text (MqDashboard *self);
gboolean         mq_dashboard_get_changes_pending (MqDashboard *self);
GtkListBox      *mq_dashboard_get_overdue_list (MqDashboard *self);

G_END_DECLS
