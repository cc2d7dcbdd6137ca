/* mq-terms.h — the plan's official terms and their stable keys.
 *
 * The project file stores the official Chinese terms (能级提升, 推进中, …) so that
 * QGIS users read them as they are; the command line and CSV also accept the
 * English keys. What the window and the reports show is the label, in the
 * user's language (the official term itself in zh_CN).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mq-types.h"

G_BEGIN_DECLS

const char *mq_method_term   (MqMethod     method);
const char *mq_method_label (MqMethod method);
const char *mq_method_key    (MqMethod     method);
gboolean    mq_method_parse  (const char  *text,
                              MqMethod    *out);

const char *mq_stage_term    (MqStage      stage);
const char *mq_stage_label (MqStage stage);
const char *mq_stage_key     (MqStage      stage);
gboolean    mq_stage_parse   (const char  *text,
                              MqStage     *out);

const char *mq_land_class_term  (MqLandClass  land_class);
const char *mq_land_class_label (MqLandClass land_class);
const char *mq_land_class_key   (MqLandClass  land_class);
gboolean    mq_land_class_parse (const char  *text,
                                 MqLandClass *out);

const char *mq_lock_term     (MqLock       lock);
const char *mq_lock_label (MqLock lock);
const char *mq_lock_key      (MqLock       lock);

const char *mq_theme_term    (MqTheme      theme);
const char *mq_theme_label (MqTheme theme);
const char *mq_theme_key     (MqTheme      theme);
gboolean    mq_theme_parse   (const char  *text,
                              MqTheme     *out);

gboolean    mq_date_parse    (const char  *text,
                              guint32     *julian);
char       *mq_date_format   (guint32      julian);
char       *mq_overdue_text  (guint        days);
gboolean    mq_bool_parse    (const char  *text,
                              gboolean    *out);

G_END_DECLS
