/* mq-project.h — one open project: what the window shows and edits.
 *
 * The model apart from any view (no GTK here): the open request and its
 * questions, the load in a thread, the dataset, the store with its undo
 * stack and its watch for other programs' commits, the one selection, the
 * one filter, the saved views and the meeting room's order. Views subscribe
 * to it; a window holds one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "mq-core.h"
#include "mq-open-request.h"

G_BEGIN_DECLS

/* What a file asks before it can be shown (the "needs-answer" signal). */
typedef enum
{
  MQ_PROJECT_QUESTION_CRS,      /* no coordinate system: which one? */
  MQ_PROJECT_QUESTION_DAMAGED,  /* records lost: open the readable ones? */
  MQ_PROJECT_QUESTION_LAYER,    /* several polygon layers, the first shown: which one? */
} MqProjectQuestion;

#define MQ_TYPE_PROJECT (mq_project_get_type ())

G_DECLARE_FINAL_TYPE (MqProject, mq_project, MQ, PROJECT, GObject)

MqProject           *mq_project_new              (void);
void                 mq_project_open             (MqProject      *self,
                                                  MqOpenRequest  *request);
void                 mq_project_open_path        (MqProject      *self,
                                                  const char     *path);
gboolean             mq_project_open_sync        (MqProject      *self,
                                                  MqOpenRequest  *request,
                                                  GError        **error);
gboolean             mq_project_open_store       (MqProject      *self,
                                                  GError        **error);
void                 mq_project_close            (MqProject      *self);
const MqOpenRequest *mq_project_get_request      (MqProject      *self);
gboolean             mq_project_get_loading      (MqProject      *self);
double               mq_project_get_progress     (MqProject      *self);
void                 mq_project_cancel_open      (MqProject      *self);

void                 mq_project_answer_crs       (MqProject      *self,
                                                  const char     *crs);
void                 mq_project_answer_damaged   (MqProject      *self);
void                 mq_project_answer_layer     (MqProject      *self,
                                                  const char     *layer);
const char          *mq_project_get_encoding     (MqProject      *self);
void                 mq_project_set_encoding     (MqProject      *self,
                                                  const char     *encoding);
void                 mq_project_set_field_mapping (MqProject     *self,
                                                  const char     *json);

MqDataset           *mq_project_get_dataset      (MqProject      *self);
MqSelection         *mq_project_get_selection    (MqProject      *self);
MqFilter            *mq_project_get_filter       (MqProject      *self);
const GError        *mq_project_get_store_error  (MqProject      *self);
gboolean             mq_project_get_has_store    (MqProject      *self);
gboolean             mq_project_get_editable     (MqProject      *self);
const char          *mq_project_get_read_only_reason (MqProject  *self);
const char          *mq_project_get_store_path   (MqProject      *self);

MqEdit              *mq_project_preview          (MqProject      *self,
                                                  MqEdit         *edit,
                                                  GError        **error);
gboolean             mq_project_apply            (MqProject      *self,
                                                  MqEdit         *edit,
                                                  GError        **error);
MqEdit              *mq_project_get_last_step    (MqProject      *self);
gboolean             mq_project_get_can_undo     (MqProject      *self);
gboolean             mq_project_get_can_redo     (MqProject      *self);
gboolean             mq_project_undo             (MqProject      *self,
                                                  GError        **error);
gboolean             mq_project_redo             (MqProject      *self,
                                                  GError        **error);
GPtrArray           *mq_project_list_history     (MqProject      *self,
                                                  const char     *parcel_id,
                                                  guint           limit,
                                                  GError        **error);
gboolean             mq_project_check_elsewhere  (MqProject      *self);

GPtrArray           *mq_project_get_conflicts    (MqProject      *self);
gboolean             mq_project_resolve_conflicts (MqProject     *self,
                                                  const gboolean *keep_theirs,
                                                  guint           n_keep,
                                                  GError        **error);
void                 mq_project_forget_conflicts (MqProject      *self);
void                 mq_project_set_editing      (MqProject      *self,
                                                  int             parcel);
int                  mq_project_get_editing      (MqProject      *self);
GPtrArray           *mq_project_list_editors     (MqProject      *self);
gboolean             mq_project_get_online       (MqProject      *self);
MqStore             *mq_project_get_store        (MqProject      *self);

GStrv                mq_project_dup_view_names   (MqProject      *self);
JsonObject          *mq_project_dup_view         (MqProject      *self,
                                                  const char     *name,
                                                  guint           position);
gboolean             mq_project_save_view        (MqProject      *self,
                                                  JsonObject     *view,
                                                  GError        **error);
GArray              *mq_project_dup_stepping_order (MqProject    *self);
MqLayerList         *mq_project_get_layers       (MqProject      *self);
const GError        *mq_project_get_layers_error (MqProject      *self);
void                 mq_project_read_layers      (MqProject      *self);
MqVectorLayer       *mq_project_get_vector_layer (MqProject      *self,
                                                  const char     *path,
                                                  const char     *crs,
                                                  GError        **error);
gboolean             mq_project_set_as_of        (MqProject      *self,
                                                  guint32         julian,
                                                  GError        **error);
guint32              mq_project_get_today        (MqProject      *self);
guint32              mq_project_get_as_of        (MqProject      *self);
guint32              mq_project_get_changes_since (MqProject     *self);
void                 mq_project_set_changes_since (MqProject     *self,
                                                   guint32        julian);
MqChanges           *mq_project_dup_changes      (MqProject      *self,
                                                  GError        **error);
void                 mq_project_dup_changes_async (MqProject          *self,
                                                   GCancellable       *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer            user_data);
MqChanges           *mq_project_dup_changes_finish (MqProject         *self,
                                                    GAsyncResult      *result,
                                                    GError           **error);
gboolean             mq_project_save_layers      (MqProject      *self,
                                                  GError        **error);

G_END_DECLS
