/* mq-as-of.h — a project as it stood at the end of a past day.
 *
 * The four locks and everything else the project's history records are
 * taken back, in memory, to the values they had when the day ended (the
 * local time zone: a bureau's day): every change recorded after it undone,
 * newest first. Nothing is written. The first step of the time dimension
 * (#18): the command line's `--summary --as-of=YYYY-MM-DD`.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mq-dataset.h"

G_BEGIN_DECLS

#define MQ_AS_OF_ERROR (mq_as_of_error_quark ())

typedef enum
{
  MQ_AS_OF_ERROR_SURVEY_UPDATED,   /* a survey update came after the day */
} MqAsOfError;

GQuark   mq_as_of_error_quark (void);
MqDataset *mq_dataset_load_before_survey (MqDataset   *today,
                                          const GDate *date,
                                          GError     **error);

gboolean mq_as_of_parse_date (const char  *option,
                              const char  *text,
                              GDate       *date,
                              GError     **error);
GDateTime *mq_as_of_end_of   (const GDate *date);
GPtrArray *mq_dataset_load_history (MqDataset  *dataset,
                                    GError    **error);
MqParcels *mq_dataset_dup_rewound_by (MqDataset   *dataset,
                                      const GDate *date,
                                      GPtrArray   *entries,
                                      GError     **error);
MqParcels *mq_dataset_dup_rewound (MqDataset   *dataset,
                                   const GDate *date,
                                   GError     **error);
gboolean mq_dataset_rewind   (MqDataset   *dataset,
                              const GDate *date,
                              GError     **error);

G_END_DECLS
