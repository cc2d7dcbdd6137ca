/* mq-survey-pdf.h — a survey update's change report as PDF pages: the
 * totals per class, then a ruled row per parcel the update touched.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mq-core.h"

G_BEGIN_DECLS

gboolean mq_survey_pdf_write (MqSurveyUpdate  *update,
                              const char      *path,
                              gboolean         chinese,
                              GError         **error);

G_END_DECLS
