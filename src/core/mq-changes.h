/* mq-changes.h — what changed since a date: the meeting's "since last time".
 *
 * The project as it stood at the end of that day (mq_dataset_rewind()) set
 * beside the project now, parcel by parcel: the locks newly held, by kind,
 * and the parcels fully locked since; the parcels newly overdue; deadlines
 * moved; parcels flagged and unflagged; every parcel whose status changed,
 * with the fields; and from the history, who changed how much.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mq-dataset.h"
#include "mq-filter.h"
#include "mq-types.h"

G_BEGIN_DECLS

typedef struct
{
  guint  parcels;
  double mu;
} MqChangeCount;

typedef struct
{
  guint   parcel;     /* the index in the dataset now */
  guint64 fields;     /* bit per MqField that differs */
  guint32 deadline_before;   /* Julian day, 0: none */
} MqChangedParcel;

typedef struct
{
  char  *user;
  guint  changes;     /* fields written */
  guint  parcels;
} MqChangesByUser;

typedef struct _MqChanges MqChanges;

MqChanges  *mq_changes_since          (MqDataset   *dataset,
                                       const GDate *since,
                                       guint32      today,
                                       MqFilter    *filter,
                                       GError     **error);
MqChanges  *mq_changes_since_shown    (MqDataset   *dataset,
                                       const GDate *since,
                                       guint32      today,
                                       GBytes      *shown,
                                       GError     **error);
void        mq_changes_free           (MqChanges   *self);

guint32     mq_changes_get_since      (MqChanges   *self);
MqChangeCount mq_changes_get_new_locks (MqChanges  *self,
                                        MqLock      lock);
MqChangeCount mq_changes_get_any_new_lock (MqChanges *self);
MqChangeCount mq_changes_get_fully_locked (MqChanges *self);
MqChangeCount mq_changes_get_flagged  (MqChanges   *self);
MqChangeCount mq_changes_get_unflagged (MqChanges  *self);
guint       mq_changes_get_n_newly_overdue (MqChanges *self);
guint       mq_changes_get_n_deadlines_moved (MqChanges *self);
GArray     *mq_changes_get_changed    (MqChanges   *self);
GPtrArray  *mq_changes_get_by_user    (MqChanges   *self);
char       *mq_changes_to_text        (MqChanges   *self);
char       *mq_changes_to_json        (MqChanges   *self);
char       *mq_changes_dup_brief      (MqChanges   *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MqChanges, mq_changes_free)

G_END_DECLS
