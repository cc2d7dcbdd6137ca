/* mq-parcel-model.h — the selected parcels' four locks, as properties.
 *
 * The four-locks panel binds its rows to these properties; the model
 * follows the project's selection. Setting one asks the project's store to
 * change every selected parcel (one transaction, one undo step); the panel
 * never writes the file itself.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "mq-project.h"

G_BEGIN_DECLS

#define MQ_TYPE_PARCEL_MODEL (mq_parcel_model_get_type ())

G_DECLARE_FINAL_TYPE (MqParcelModel, mq_parcel_model, MQ, PARCEL_MODEL, GObject)

MqParcelModel *mq_parcel_model_new            (void);
void           mq_parcel_model_set_project    (MqParcelModel *self,
                                               MqProject     *project);
MqProject     *mq_parcel_model_get_project    (MqParcelModel *self);
void           mq_parcel_model_set_parcels    (MqParcelModel *self,
                                               GArray        *indices);
guint          mq_parcel_model_get_n_parcels  (MqParcelModel *self);
const MqParcel *mq_parcel_model_get_parcel    (MqParcelModel *self);
void           mq_parcel_model_reload         (MqParcelModel *self);
void           mq_parcel_model_edit_text      (MqParcelModel *self,
                                               const char    *property,
                                               const char    *text,
                                               const char    *base);
int            mq_parcel_model_get_shown_index (MqParcelModel *self);
gboolean       mq_parcel_model_is_mixed       (MqParcelModel *self,
                                               const char    *property);
void           mq_parcel_model_apply          (MqParcelModel      *self,
                                               guint               n,
                                               const char * const *names,
                                               const GValue       *values);
void           mq_parcel_model_apply_refused  (MqParcelModel *self);
guint          mq_parcel_model_count_unflagged (MqParcelModel *self);

G_END_DECLS
