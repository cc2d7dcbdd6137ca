/* mq-history-private.h — reading history rows, for the stores.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <sqlite3.h>

#include "mq-history.h"

G_BEGIN_DECLS

#define MQ_HISTORY_COLUMNS "changed_at, user, parcel_id, field, old_value, new_value, action"

MqHistoryEntry *_mq_history_entry_from_row (sqlite3_stmt *stmt);

G_END_DECLS
