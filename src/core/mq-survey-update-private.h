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

G_END_DECLS
