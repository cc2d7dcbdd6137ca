/* mq-history.h — the lock_history of a project: who changed what, when.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char *changed_at;     /* ISO 8601, UTC */
  char *user;
  char *parcel_id;
  char *field;          /* the column's key */
  char *old_value;
  char *new_value;
  char *action;         /* edit, batch, csv, undo, redo */
} MqHistoryEntry;

void        mq_history_entry_free       (MqHistoryEntry       *entry);
char       *mq_history_entry_dup_time   (const MqHistoryEntry *entry);
char       *mq_history_entry_dup_change (const MqHistoryEntry *entry);
GPtrArray  *mq_history_load_all         (const char           *path,
                                         GError              **error);
GHashTable *mq_history_load_recent      (const char           *path,
                                         guint                 per_parcel);

G_END_DECLS
