/* mq-report-dialog.h — the PDF report's options, asked before the file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mq-core.h"

G_BEGIN_DECLS

/* What the user chose. */
typedef struct
{
  char     *paper;          /* "A3" or "A4" */
  gboolean  portrait;
  MqTheme   theme;
  char     *title;          /* (nullable): the default title */
  char     *unit;           /* (nullable): 制图单位 */
  gboolean  atlas;
  gboolean  only_selected;
  guint     split;          /* 0: one report; else 1 + MqReportBy: one per group, into a folder */
  gboolean  geopdf;
  gboolean  changes;        /* a first page: what changed since the project's changes-since day */
} MqReportChoice;

void mq_report_choice_free (MqReportChoice *choice);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MqReportChoice, mq_report_choice_free)

#define MQ_TYPE_REPORT_DIALOG (mq_report_dialog_get_type ())

G_DECLARE_FINAL_TYPE (MqReportDialog, mq_report_dialog, MQ, REPORT_DIALOG, AdwMessageDialog)

void            mq_report_dialog_choose        (GtkWindow           *parent,
                                                GSettings           *settings,
                                                MqTheme              theme,
                                                guint                n_selected,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
MqReportChoice *mq_report_dialog_choose_finish (GAsyncResult        *result,
                                                GError             **error);

G_END_DECLS
