/* mq-store.h — the project file, kept current edit by edit.
 *
 * A store is the open project of a loaded dataset: the one interface the
 * window, the command line and the report talk to, whatever keeps the
 * project (MqGpkgStore: the GeoPackage file; MqPgStore: a PostgreSQL
 * server). Every change to a parcel goes through mq_store_apply():
 * validated, rebased onto the rows as they are
 * stored (another planner's change to another field is kept; to the same
 * field, a conflict), written in one transaction with its lock_history rows,
 * then published as the next generation of the parcels. There is no Save:
 * when apply returns TRUE the edit is stored.
 *
 * Signals: "changed" (an edit of ours was stored), "changed-remotely"
 * (another planner's edits arrived: a GPtrArray of MqHistoryEntry, oldest
 * first), "presence-changed", "online-changed" (gboolean), "replaced" (the
 * parcels were replaced where they are kept: read the project again).
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
  MQ_STORE_ERROR_CONFLICT,       /* see mq_store_get_conflicts() */
  MQ_STORE_ERROR_OFFLINE,        /* the server is not reachable: nothing was stored */
  MQ_STORE_ERROR_NOT_PERMITTED,  /* the server refused this user the change */
  MQ_STORE_ERROR_BUSY,           /* another writer held the file past the wait: nothing was stored */
} MqStoreError;

/* Another planner, with a parcel open in the locks panel (a server project). */
typedef struct
{
  guint  parcel;        /* index into the dataset's parcels */
  char  *display_name;
  char  *db_user;
} MqEditor;

void mq_editor_free (MqEditor *editor);

#define MQ_TYPE_STORE (mq_store_get_type ())

G_DECLARE_INTERFACE (MqStore, mq_store, MQ, STORE, GObject)

/* What a backend implements (the GeoPackage file, the PostgreSQL server).
 * Every edit a backend accepts is all or nothing, and recorded. The undo and
 * redo steps, previews and conflict lists are kept by the interface. */
struct _MqStoreInterface
{
  GTypeInterface parent_iface;

  gboolean     (*is_read_only)         (MqStore     *self);
  const char * (*get_read_only_reason) (MqStore     *self);
  const char * (*get_path)             (MqStore     *self);
  MqDataset *  (*get_dataset)          (MqStore     *self);
  /* Stores @edit rebased onto the rows as stored (mq-staging.h) in one
   * transaction with its history, and publishes the parcels. Returns what
   * changed, old values as they were stored; on a conflict,
   * MQ_STORE_ERROR_CONFLICT with @conflicts (MqConflict) filled in and the
   * stored rows published, nothing stored. */
  MqEdit *     (*store_edit)           (MqStore     *self,
                                        MqEdit      *edit,
                                        MqEditAction action,
                                        GPtrArray   *conflicts,
                                        GError     **error);
  GPtrArray *  (*list_history)         (MqStore     *self,
                                        const char  *parcel_id,
                                        guint        limit,
                                        GError     **error);
  char *       (*dup_setting)          (MqStore     *self,
                                        const char  *key);
  gboolean     (*set_setting)          (MqStore     *self,
                                        const char  *key,
                                        const char  *value,
                                        GError     **error);
  /* Optional. */
  gboolean     (*changed_elsewhere)    (MqStore     *self);
  void         (*set_max_pages)        (MqStore     *self,
                                        guint        pages);
  void         (*set_editing)          (MqStore     *self,
                                        int          parcel);
  GPtrArray *  (*list_editors)         (MqStore     *self);
  gboolean     (*is_online)            (MqStore     *self);
  void         (*set_held)             (MqStore     *self,
                                        gboolean     held);
};

GQuark      mq_store_error_quark   (void);

MqStore    *mq_store_open          (MqDataset    *dataset,
                                    GError      **error);
char       *mq_store_read_setting  (MqDataset    *dataset,
                                    const char   *key);
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
GPtrArray  *mq_store_get_conflicts (MqStore      *self);
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
void        mq_store_set_editing   (MqStore      *self,
                                    int           parcel);
GPtrArray  *mq_store_list_editors  (MqStore      *self);
void        mq_store_set_held      (MqStore      *self,
                                    gboolean      held);
gboolean    mq_store_is_online     (MqStore      *self);

/* For the backends. */
void        mq_store_emit_changed  (MqStore      *self);
void        mq_store_emit_changed_remotely (MqStore   *self,
                                            GPtrArray *entries);
void        mq_store_emit_presence_changed (MqStore   *self);
void        mq_store_emit_online_changed   (MqStore   *self,
                                            gboolean   online);
void        mq_store_emit_replaced         (MqStore   *self);

G_END_DECLS
