/* mq-survey-update.h — a project carried into a new survey.
 *
 * Every year's 国土变更调查 splits, merges, renumbers and redraws parcels.
 * The update matches the project's parcels to the new survey's — by id (and
 * BSM), then by how much of each they share — and says what became of each:
 * the same parcel (perhaps renumbered, or with a boundary moved), split,
 * merged, reshaped beyond a rule (listed for review), new or gone. The four
 * locks and everything the bureau keeps about a parcel go with it: whole to
 * the same parcel and to every part of a split one (marked 待复核), and to a
 * merged one where its parents agree — where they do not, the policy the user
 * chose decides, or nothing is written.
 *
 * Applying it is one transaction in the project file, or on the server of a
 * shared project (core/mq-pg-survey.c): the old parcels table kept whole as
 * parcels_before_update_N, the new one in its place, parcel_lineage rows
 * and one lock_history batch N; mq_survey_update_undo() takes the last one
 * back exactly.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mq-dataset.h"
#include "mq-field-map.h"

G_BEGIN_DECLS

typedef enum
{
  MQ_LINEAGE_SAME,
  MQ_LINEAGE_BOUNDARY,     /* the same parcel, its boundary moved */
  MQ_LINEAGE_RENUMBERED,   /* the same land under another id */
  MQ_LINEAGE_SPLIT,
  MQ_LINEAGE_MERGE,
  MQ_LINEAGE_RESHAPED,     /* overlaps that fit no rule: for a person to judge */
  MQ_LINEAGE_NEW,
  MQ_LINEAGE_GONE,
  MQ_N_LINEAGES
} MqLineage;

typedef enum
{
  MQ_MERGE_ASK,        /* conflicts refuse the update, listed */
  MQ_MERGE_LARGEST,    /* the status of the parent sharing the most land */
  MQ_MERGE_AGREED,     /* only what the parents agree on; a lock they disagree on is not held */
} MqMergePolicy;

typedef struct
{
  guint     old_index;   /* the project's parcel, or G_MAXUINT (a new parcel) */
  guint     new_index;   /* the survey's parcel, or G_MAXUINT (gone) */
  MqLineage relation;
  double    overlap_m2;  /* ellipsoidal */
  double    old_share;   /* of the old parcel's area */
  double    new_share;
} MqLineageLink;

typedef struct
{
  guint    new_index;
  MqField  field;
  GStrv    parents;   /* the merged parcels' ids … */
  GStrv    values;    /* … and what each holds */
  int      chosen;    /* the parent whose value the user chose, or -1: the policy's */
} MqMergeConflict;

typedef struct
{
  guint  n_old;      /* the project's parcels in this class … */
  guint  n_new;      /* … and the survey's */
  double old_mu;
  double new_mu;
} MqLineageTotal;

#define MQ_SURVEY_UPDATE_ERROR (mq_survey_update_error_quark ())

typedef enum
{
  MQ_SURVEY_UPDATE_ERROR_CONFLICTS,
  MQ_SURVEY_UPDATE_ERROR_NOT_A_PROJECT,
  MQ_SURVEY_UPDATE_ERROR_NOTHING_TO_UNDO,
  MQ_SURVEY_UPDATE_ERROR_EDITED_SINCE,
  MQ_SURVEY_UPDATE_ERROR_WRITE,
  MQ_SURVEY_UPDATE_ERROR_CHANGED,      /* the server's parcels changed since the plan */
  MQ_SURVEY_UPDATE_ERROR_NOT_PERMITTED, /* only the parcels table's owner swaps it */
} MqSurveyUpdateError;

typedef struct _MqSurveyUpdate MqSurveyUpdate;

GQuark          mq_survey_update_error_quark (void);

MqSurveyUpdate *mq_survey_update_prepare     (const char           *project,
                                              const char           *survey,
                                              const MqLoadOptions  *survey_options,
                                              MqMergePolicy         policy,
                                              GCancellable         *cancellable,
                                              GError              **error);
gboolean        mq_survey_update_check_permitted (MqDataset        *project,
                                                  GError          **error);
MqSurveyUpdate *mq_survey_update_prepare_for (MqDataset           *project,
                                              const char           *survey,
                                              const MqLoadOptions  *survey_options,
                                              MqMergePolicy         policy,
                                              GCancellable         *cancellable,
                                              GError              **error);
MqSurveyUpdate *mq_survey_update_plan        (MqDataset            *project,
                                              MqDataset            *survey,
                                              MqMergePolicy         policy,
                                              GError              **error);
void            mq_survey_update_free        (MqSurveyUpdate       *self);

MqDataset      *mq_survey_update_get_project (MqSurveyUpdate       *self);
MqDataset      *mq_survey_update_get_survey  (MqSurveyUpdate       *self);
guint           mq_survey_update_get_n_links (MqSurveyUpdate       *self);
const MqLineageLink *
                mq_survey_update_get_link    (MqSurveyUpdate       *self,
                                              guint                 i);
MqLineageTotal  mq_survey_update_get_total   (MqSurveyUpdate       *self,
                                              MqLineage             relation);
GPtrArray      *mq_survey_update_get_conflicts (MqSurveyUpdate     *self);
void            mq_survey_update_set_policy  (MqSurveyUpdate       *self,
                                              MqMergePolicy         policy);
MqMergePolicy   mq_survey_update_get_policy  (MqSurveyUpdate       *self);
void            mq_survey_update_choose      (MqSurveyUpdate       *self,
                                              guint                 conflict,
                                              int                   parent);
guint           mq_survey_update_get_n_unresolved (MqSurveyUpdate  *self);
const char     *mq_survey_update_get_survey_path (MqSurveyUpdate   *self);
const char     *mq_survey_update_get_carried (MqSurveyUpdate       *self,
                                              guint                 new_index,
                                              MqField               field);
gboolean        mq_survey_update_is_carried  (MqSurveyUpdate       *self,
                                              guint                 new_index);

gboolean        mq_survey_update_apply       (MqSurveyUpdate       *self,
                                              const GDate          *survey_date,
                                              GError              **error);
gboolean        mq_survey_update_undo        (const char           *project,
                                              GError              **error);
gboolean        mq_survey_update_undo_dataset (MqDataset           *project,
                                               GError             **error);

const char     *mq_lineage_key               (MqLineage             relation);
const char     *mq_lineage_label             (MqLineage             relation);
gboolean        mq_lineage_from_key          (const char           *key,
                                              MqLineage            *relation);
char           *mq_survey_update_dup_text    (MqSurveyUpdate       *self);

/* The change report's row columns: class, old id, new id, old mu, new mu,
 * area change, old share, new share, locks carried, review note. */
#define MQ_SURVEY_REPORT_CLASS 0
#define MQ_SURVEY_REPORT_N_COLUMNS 10
const char     *mq_survey_update_report_header (guint              column,
                                                gboolean           chinese);
char           *mq_survey_update_dup_report_cell (MqSurveyUpdate   *self,
                                                  const MqLineageLink *link,
                                                  guint             column);
gboolean        mq_lineage_link_is_affected  (const MqLineageLink  *link);
gboolean        mq_survey_update_write_report (MqSurveyUpdate      *self,
                                               const char          *path,
                                               gboolean             chinese,
                                               GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MqSurveyUpdate, mq_survey_update_free)

G_END_DECLS
