/* mq-staging.h — an edit on its way into a store (for the backends only).
 *
 * Every backend (the GeoPackage file, the PostgreSQL server) stores an edit
 * the same way: parse each change into a copy of its parcel's record (the
 * "staged" record), then, inside the write transaction, read the rows it
 * changes as they are stored now and *rebase* the edit onto them. A field
 * another writer changed since this client read it is taken from the row,
 * unless the edit changes it too — then it is a conflict, and nothing is
 * stored. The four-lock rules and the history's old values are checked
 * against the stored rows, never against this client's copy.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mq-dataset.h"
#include "mq-edit.h"

G_BEGIN_DECLS

typedef struct
{
  guint       parcel;   /* index into the dataset's parcels */
  guint       row;      /* the CSV row of its first change, or 0 */
  MqParcel    before;   /* what the edit is made against: the client's copy, then the stored row */
  MqParcel    record;   /* before, with the edit's changes */
  GPtrArray  *changes;  /* const MqChange *, of the edit, for this parcel */
} MqStaged;

typedef struct _MqStaging MqStaging;

MqStaging  *mq_staging_new          (MqDataset          *dataset,
                                     MqEdit             *edit,
                                     GError            **error);
void        mq_staging_free         (MqStaging          *self);
guint       mq_staging_get_n_staged (MqStaging          *self);
MqStaged   *mq_staging_get_staged   (MqStaging          *self,
                                     guint               i);
gboolean    mq_staging_rebase       (MqStaging          *self,
                                     MqStaged           *staged,
                                     const char * const *stored,
                                     gint64              row_version,
                                     GPtrArray          *conflicts,
                                     GError            **error);
gboolean    mq_staging_conflict_error (GPtrArray        *conflicts,
                                       GError          **error);
gboolean    mq_staging_check        (MqStaging          *self,
                                     GError            **error);
MqEdit     *mq_staging_diff         (MqStaging          *self,
                                     MqEditAction        action);
void        mq_staging_publish      (MqStaging          *self,
                                     gboolean            stored_only);

gboolean    mq_parcel_read_stored   (MqParcels          *parcels,
                                     const MqParcel     *base,
                                     const char * const *stored,
                                     MqParcel           *out,
                                     GError            **error);
MqParcels  *mq_staging_dup_parcels  (MqStaging          *self);
MqParcels  *mq_dataset_dup_with_records (MqDataset      *dataset,
                                         GArray         *indices,
                                         GArray         *records);
void        mq_dataset_publish_records (MqDataset       *dataset,
                                        GArray          *indices,
                                        GArray          *records);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MqStaging, mq_staging_free)

G_END_DECLS
