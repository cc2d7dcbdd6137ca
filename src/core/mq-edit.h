/* mq-edit.h — an edit: a list of (parcel, field, text) changes, and what
 * a step applied (with the values before).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "mq-field-map.h"

G_BEGIN_DECLS

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
  char    *base;        /* the value the person saw when they began the change,
                         * or NULL: the value the parcels hold when it is applied */
} MqChange;

/* A change that met another planner's change to the same field since this
 * client read the parcel: nothing of the edit was stored. */
typedef struct
{
  guint    parcel;      /* index into the dataset's parcels */
  char    *parcel_id;
  MqField  field;
  char    *base;        /* the value this client had */
  char    *mine;        /* the value this edit set */
  char    *theirs;      /* the value stored now */
  char    *who;         /* who stored it, or NULL when the history does not say */
  char    *when;        /* when, ISO 8601, or NULL */
} MqConflict;

void        mq_conflict_free       (MqConflict   *conflict);

typedef struct _MqEdit MqEdit;

MqEdit     *mq_edit_new            (MqEditAction  action);
void        mq_edit_free           (MqEdit       *edit);
void        mq_edit_set            (MqEdit       *edit,
                                    guint         parcel,
                                    MqField       field,
                                    const char   *value,
                                    guint         row);
void        mq_edit_set_from       (MqEdit       *edit,
                                    guint         parcel,
                                    MqField       field,
                                    const char   *value,
                                    const char   *base);
guint       mq_edit_get_n_changes  (MqEdit       *edit);
const MqChange *
            mq_edit_get_change     (MqEdit       *edit,
                                    guint         i);
guint       mq_edit_count_parcels  (MqEdit       *edit);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MqEdit, mq_edit_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MqConflict, mq_conflict_free)

G_END_DECLS
