/* mq-store.h — the project file, kept current edit by edit.
 *
 * A store is the open project GeoPackage of a loaded dataset. Every change to
 * a parcel goes through mq_store_apply(): validated, written in one SQLite
 * transaction with its lock_history rows, then copied into the in-memory
 * parcels. There is no Save: when apply returns TRUE the edit is on disk.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "mq-dataset.h"
#include "mq-field-map.h"

G_BEGIN_DECLS

#define MQ_STORE_ERROR (mq_store_error_quark ())

typedef enum
{
  MQ_STORE_ERROR_OPEN,
  MQ_STORE_ERROR_NOT_A_PROJECT,
  MQ_STORE_ERROR_READ_ONLY,
  MQ_STORE_ERROR_INVALID,
  MQ_STORE_ERROR_CHANGED,
  MQ_STORE_ERROR_WRITE,
  MQ_STORE_ERROR_FULL,
} MqStoreError;

/* Why a change was made, as the history records it. */
typedef enum
{
  MQ_EDIT_ACTION_EDIT,
  MQ_EDIT_ACTION_BATCH,
  MQ_EDIT_ACTION_CSV,
  MQ_EDIT_ACTION_UNDO,
  MQ_EDIT_ACTION_REDO,
} MqEditAction;

typedef struct
{
  guint    parcel;      /* index into the dataset's parcels */
  MqField  field;
  char    *value;       /* the new value, as text */
  char    *old_value;   /* in an applied step: the value before */
  guint    row;         /* CSV row it came from, 0 if none: named in errors */
} MqChange;

typedef struct _MqEdit MqEdit;

MqEdit     *mq_edit_new            (MqEditAction  action);
void        mq_edit_free           (MqEdit       *edit);
void        mq_edit_set            (MqEdit       *edit,
                                    guint         parcel,
                                    MqField       field,
                                    const char   *value,
                                    guint         row);
guint       mq_edit_get_n_changes  (MqEdit       *edit);
const MqChange *
            mq_edit_get_change     (MqEdit       *edit,
                                    guint         i);
guint       mq_edit_count_parcels  (MqEdit       *edit);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MqEdit, mq_edit_free)

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
GHashTable *mq_history_load_recent      (const char           *path,
                                         guint                 per_parcel);

#define MQ_TYPE_STORE (mq_store_get_type ())

G_DECLARE_FINAL_TYPE (MqStore, mq_store, MQ, STORE, GObject)

GQuark      mq_store_error_quark   (void);

MqStore    *mq_store_open          (MqDataset    *dataset,
                                    GError      **error);
gboolean    mq_store_is_read_only  (MqStore      *self);
const char *mq_store_get_read_only_reason (MqStore *self);
const char *mq_store_get_path      (MqStore      *self);
MqDataset  *mq_store_get_dataset   (MqStore      *self);
MqEdit     *mq_store_preview       (MqStore      *self,
                                    MqEdit       *edit,
                                    GError      **error);
gboolean    mq_store_apply         (MqStore      *self,
                                    MqEdit       *edit,
                                    GError      **error);
MqEdit     *mq_store_get_last_step (MqStore  *self);
gboolean    mq_store_can_undo      (MqStore      *self);
gboolean    mq_store_can_redo      (MqStore      *self);
gboolean    mq_store_undo          (MqStore      *self,
                                    GError      **error);
gboolean    mq_store_redo          (MqStore      *self,
                                    GError      **error);
GPtrArray  *mq_store_list_history  (MqStore      *self,
                                    const char   *parcel_id,
                                    guint         limit,
                                    GError      **error);
gboolean    mq_store_changed_elsewhere (MqStore  *self);
char       *mq_store_dup_setting   (MqStore      *self,
                                    const char   *key);
gboolean    mq_store_set_setting   (MqStore      *self,
                                    const char   *key,
                                    const char   *value,
                                    GError      **error);
void        mq_store_set_max_pages (MqStore      *self,
                                    guint         pages);

G_END_DECLS
