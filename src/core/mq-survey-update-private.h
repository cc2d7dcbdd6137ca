/* mq-survey-update-private.h — what the plan, the writer and the report share.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mq-survey-update.h"

G_BEGIN_DECLS

#define MQ_NO_PARCEL G_MAXUINT
/* Where the update's review note begins: the search bar finds it. */
#define MQ_REVIEW_MARK "【待复核】"

struct _MqSurveyUpdate
{
  MqDataset     *project;
  MqDataset     *survey;
  char          *survey_file;  /* the survey imported as a project file: what is written */
  char          *tmp_dir;      /* holds it; removed with the update */
  MqMergePolicy  policy;
  GArray        *links;        /* MqLineageLink, by relation then id */
  GPtrArray     *conflicts;    /* MqMergeConflict */
  GHashTable    *choices;      /* survey parcel × field + 1 → the chosen parent + 1 */
  GPtrArray     *carried;      /* per survey parcel: GStrv of MQ_N_FIELDS (NULL: the survey's own) or NULL */
  GArray        *new_relation; /* guint8 MqLineage per survey parcel */
  GArray        *parents;      /* guint: indices into links, by survey parcel, most land first … */
  guint         *parents_start; /* … survey parcel j's from parents_start[j] to parents_start[j + 1] */
  MqLineageTotal totals[MQ_N_LINEAGES];
};

char *_mq_survey_update_dup_parents (MqSurveyUpdate *self,
                                     guint           new_index);

/* @field: an MqField, or MQ_N_FIELDS for the note of where the parcel came
 * from (@own: its parents, @carried: the relation's key). */
typedef gboolean (*MqCarriedFunc) (gpointer    data,
                                   const char *parcel_id,
                                   guint       field,
                                   const char *own,
                                   const char *carried);

gboolean _mq_survey_update_foreach_carried (MqSurveyUpdate *self,
                                            guint           j,
                                            MqCarriedFunc   func,
                                            gpointer        data);

typedef struct
{
  const char *old_id;
  const char *new_id;
  MqLineage   relation;
  double      overlap_m2;      /* NAN for a new or gone parcel */
  double      old_share;
  double      new_share;
  double      area_change_m2;  /* NAN but for a parcel's own change */
} MqLineageRow;

void _mq_survey_update_get_lineage_row (MqSurveyUpdate *self,
                                        guint           k,
                                        MqLineageRow   *row);

G_END_DECLS
