/* mq-edit-private.h — what the stores need of an edit beyond its API.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mq-edit.h"

G_BEGIN_DECLS

MqEditAction _mq_edit_get_action (MqEdit     *edit);
void         _mq_edit_append     (MqEdit     *edit,
                                  guint       parcel,
                                  MqField     field,
                                  const char *value,
                                  const char *old_value,
                                  guint       row);

G_END_DECLS
