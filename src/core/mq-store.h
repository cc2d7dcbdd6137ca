/* mq-store.h — the project file, kept current edit by edit.
 *
 * A store is the open project of a loaded dataset: the one interface the
 * window, the command line and the report talk to, whatever keeps the
 * project (MqGpkgStore: the GeoPackage file). Every change to a parcel goes
 * through mq_store_apply(): validated, written in one transaction with its
 * lock_history rows, then copied into the in-memory parcels. There is no
 * Save: when apply returns TRUE the edit is stored.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "mq-dataset.h"
#include "mq-edit.h"
#include "mq-history.h"
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

#define MQ_TYPE_STORE (mq_store_get_type ())

G_DECLARE_INTERFACE (MqStore, mq_store, MQ, STORE, GObject)

/* What a backend implements (the GeoPackage file today, PostgreSQL later).
 * Every edit a backend accepts is all or nothing, and recorded. */
struct _MqStoreInterface
{
  GTypeInterface parent_iface;

  gboolean     (*is_read_only)         (MqStore     *self);
  const char * (*get_read_only_reason) (MqStore     *self);
  const char * (*get_path)             (MqStore     *self);
  MqDataset *  (*get_dataset)          (MqStore     *self);
  MqEdit *     (*preview)              (MqStore     *self,
                                        MqEdit      *edit,
                                        GError     **error);
  gboolean     (*apply)                (MqStore     *self,
                                        MqEdit      *edit,
                                        GError     **error);
  MqEdit *     (*get_last_step)        (MqStore     *self);
  gboolean     (*can_undo)             (MqStore     *self);
  gboolean     (*can_redo)             (MqStore     *self);
  gboolean     (*undo)                 (MqStore     *self,
                                        GError     **error);
  gboolean     (*redo)                 (MqStore     *self,
                                        GError     **error);
  GPtrArray *  (*list_history)         (MqStore     *self,
                                        const char  *parcel_id,
                                        guint        limit,
                                        GError     **error);
  gboolean     (*changed_elsewhere)    (MqStore     *self);
  char *       (*dup_setting)          (MqStore     *self,
                                        const char  *key);
  gboolean     (*set_setting)          (MqStore     *self,
                                        const char  *key,
                                        const char  *value,
                                        GError     **error);
  void         (*set_max_pages)        (MqStore     *self,
                                        guint        pages);
};

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
void        mq_store_emit_changed  (MqStore      *self);

G_END_DECLS
