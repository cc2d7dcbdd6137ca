/* mq-field-mapping-dialog.h — which field of the file holds each parcel
 * attribute, shown and corrected by the user.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mq-core.h"

G_BEGIN_DECLS

#define MQ_TYPE_FIELD_MAPPING_DIALOG (mq_field_mapping_dialog_get_type ())

G_DECLARE_FINAL_TYPE (MqFieldMappingDialog, mq_field_mapping_dialog, MQ, FIELD_MAPPING_DIALOG,
                      AdwMessageDialog)

void         mq_field_mapping_dialog_choose        (GtkWindow            *parent,
                                                    MqDataset            *dataset,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
char        *mq_field_mapping_dialog_choose_finish (GAsyncResult         *result,
                                                    GError              **error);
AdwComboRow *mq_field_mapping_dialog_get_row       (MqFieldMappingDialog *self,
                                                    MqField               field);

G_END_DECLS
