/* mq-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define MQ_TYPE_APPLICATION (mq_application_get_type ())

G_DECLARE_FINAL_TYPE (MqApplication, mq_application, MQ, APPLICATION, AdwApplication)

MqApplication *mq_application_new (void);
void           mq_application_set_server  (MqApplication *self,
                                           const char    *spec);
void           mq_application_set_present (MqApplication *self,
                                           gboolean       present);

G_END_DECLS
