/* mq-batch-refusal-dialog.h — a batch edit the rules refused for some of
 * its parcels: which, and why, with the choice to apply it to the others.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define MQ_TYPE_BATCH_REFUSAL_DIALOG (mq_batch_refusal_dialog_get_type ())

G_DECLARE_FINAL_TYPE (MqBatchRefusalDialog, mq_batch_refusal_dialog, MQ, BATCH_REFUSAL_DIALOG,
                      AdwMessageDialog)

GtkWidget *mq_batch_refusal_dialog_new (GtkWindow          *parent,
                                        const char * const *ids,
                                        const char * const *reasons,
                                        guint               n_passing);

G_END_DECLS
