/* mq-settings.h — the app's GSettings, wherever its schema was installed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define MQ_MAX_RECENT 10

GSettings *mq_settings_new        (void);
void       mq_settings_add_recent (GSettings  *settings,
                                   const char *path);

G_END_DECLS
