/* mq-conflict-dialog.h — whose value stays, field by field, when another
 * planner changed what an edit changed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mq-core.h"

G_BEGIN_DECLS

#define MQ_TYPE_CONFLICT_DIALOG (mq_conflict_dialog_get_type ())

G_DECLARE_FINAL_TYPE (MqConflictDialog, mq_conflict_dialog, MQ, CONFLICT_DIALOG, AdwMessageDialog)

void        mq_conflict_dialog_choose          (GtkWindow           *parent,
                                                GPtrArray           *conflicts,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
GArray     *mq_conflict_dialog_choose_finish   (GAsyncResult        *result,
                                                GError             **error);
guint       mq_conflict_dialog_get_n_conflicts (MqConflictDialog    *self);
gboolean    mq_conflict_dialog_get_keep_theirs (MqConflictDialog    *self,
                                                guint                i);
void        mq_conflict_dialog_set_keep_theirs (MqConflictDialog    *self,
                                                guint                i,
                                                gboolean             theirs);

G_END_DECLS
