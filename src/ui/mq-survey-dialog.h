/* mq-survey-dialog.h — what a new survey would change, asked before the
 * project is carried into it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mq-core.h"
#include "mq-survey-update.h"

G_BEGIN_DECLS

#define MQ_TYPE_SURVEY_DIALOG (mq_survey_dialog_get_type ())

G_DECLARE_FINAL_TYPE (MqSurveyDialog, mq_survey_dialog, MQ, SURVEY_DIALOG, AdwMessageDialog)

void     mq_survey_dialog_choose        (GtkWindow           *parent,
                                         MqSurveyUpdate      *update,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean mq_survey_dialog_choose_finish (GAsyncResult        *result,
                                         GError             **error);

G_END_DECLS
