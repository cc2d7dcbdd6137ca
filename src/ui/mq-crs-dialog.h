/* mq-crs-dialog.h — asks which coordinate system a source without one uses.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define MQ_TYPE_CRS_DIALOG (mq_crs_dialog_get_type ())

G_DECLARE_FINAL_TYPE (MqCrsDialog, mq_crs_dialog, MQ, CRS_DIALOG, AdwWindow)

MqCrsDialog *mq_crs_dialog_new (GtkWindow  *parent,
                                const char *path,
                                GArray     *suggestions);

G_END_DECLS
