/* mq-csv.h — the parcel table as CSV, the way Excel opens it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mq-dataset.h"
#include "mq-store.h"

G_BEGIN_DECLS

#define MQ_CSV_ERROR (mq_csv_error_quark ())

typedef enum
{
  MQ_CSV_ERROR_WRITE,
  MQ_CSV_ERROR_READ,
  MQ_CSV_ERROR_INVALID,
} MqCsvError;

GQuark   mq_csv_error_quark       (void);
gboolean mq_csv_export            (MqDataset   *dataset,
                                   const char  *path,
                                   gboolean     chinese_headers,
                                   GError     **error);
gboolean mq_locale_is_chinese     (void);
GPtrArray *mq_csv_parse           (const char  *text,
                                   gssize       length,
                                   GError     **error);
MqEdit  *mq_csv_read_updates      (MqParcels   *parcels,
                                   const char  *path,
                                   GError     **error);

G_END_DECLS
