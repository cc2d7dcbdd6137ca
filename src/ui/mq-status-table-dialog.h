/* mq-status-table-dialog.h — what a status table from the town would change,
 * asked before it is applied.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mq-core.h"

G_BEGIN_DECLS

#define MQ_TYPE_STATUS_TABLE_DIALOG (mq_status_table_dialog_get_type ())

G_DECLARE_FINAL_TYPE (MqStatusTableDialog, mq_status_table_dialog, MQ, STATUS_TABLE_DIALOG,
                      AdwMessageDialog)

void     mq_status_table_dialog_choose        (GtkWindow           *parent,
                                               const char          *heading,
                                               const char          *path,
                                               const char          *note,
                                               MqDataset           *dataset,
                                               MqEdit              *preview,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean mq_status_table_dialog_choose_finish (GAsyncResult        *result,
                                               GError             **error);

G_END_DECLS
