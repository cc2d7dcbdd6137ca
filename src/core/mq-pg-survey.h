/* mq-pg-survey.h — a shared project's survey update, written on its server.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mq-survey-update-private.h"

G_BEGIN_DECLS

gboolean _mq_pg_survey_apply      (MqSurveyUpdate  *update,
                                   const char      *survey_date,
                                   GError         **error);
gboolean _mq_pg_survey_check_owner (const char     *conninfo,
                                    const char     *schema,
                                    const char     *path,
                                    GError        **error);
gboolean _mq_pg_survey_undo       (const char      *conninfo,
                                   const char      *schema,
                                   const char      *path,
                                   GError         **error);
gboolean _mq_pg_survey_first_after (const char     *conninfo,
                                    const char     *schema,
                                    const char     *path,
                                    GDateTime      *cutoff,
                                    char          **archive,
                                    char          **written,
                                    GError        **error);

G_END_DECLS
