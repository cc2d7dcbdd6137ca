/* mq-connect-dialog.h — Connect to Server…: a service of pg_service.conf,
 * the project's schema, a user and a password, checked before the window
 * opens the project; or saved as a .mqproj for planners.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define MQ_TYPE_CONNECT_DIALOG (mq_connect_dialog_get_type ())

G_DECLARE_FINAL_TYPE (MqConnectDialog, mq_connect_dialog, MQ, CONNECT_DIALOG, AdwWindow)

MqConnectDialog *mq_connect_dialog_new         (GtkWindow       *parent);
GListModel      *mq_connect_dialog_get_services (MqConnectDialog *self);
const char      *mq_connect_dialog_get_message  (MqConnectDialog *self);
gboolean         mq_connect_dialog_get_busy     (MqConnectDialog *self);

G_END_DECLS
