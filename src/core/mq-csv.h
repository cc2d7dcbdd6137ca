/* mq-csv.h — the parcel table as CSV, the way Excel opens it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mq-dataset.h"
#include "mq-field-map.h"
#include "mq-store.h"

G_BEGIN_DECLS

#define MQ_CSV_ERROR (mq_csv_error_quark ())

typedef enum
{
  MQ_CSV_ERROR_WRITE,
  MQ_CSV_ERROR_READ,
  MQ_CSV_ERROR_INVALID,
} MqCsvError;

/* The parcel table's columns, as the CSV and the Excel 台账 write them. */
typedef struct _MqTable MqTable;

typedef enum
{
  MQ_CELL_TEXT,
  MQ_CELL_NUMBER,
  MQ_CELL_AREA,     /* a number the 合计 row sums */
  MQ_CELL_DATE,
} MqCellKind;

MqTable    *mq_table_new           (MqParcels  *parcels,
                                    gboolean    chinese_headers);
void        mq_table_free          (MqTable    *table);
guint       mq_table_get_n_columns (MqTable    *table);
const char *mq_table_get_header    (MqTable    *table,
                                    guint       column);
MqCellKind  mq_table_get_kind      (MqTable    *table,
                                    guint       column);
int         mq_table_find_field    (MqTable    *table,
                                    MqField     field);
char       *mq_table_dup_cell      (MqTable    *table,
                                    guint       index,
                                    guint       column);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MqTable, mq_table_free)

GQuark   mq_csv_error_quark       (void);
gboolean mq_csv_export            (MqDataset   *dataset,
                                   const char  *path,
                                   gboolean     chinese_headers,
                                   GError     **error);
gboolean mq_locale_is_chinese     (void);
void     mq_csv_put_cell          (GString     *row,
                                   const char  *text);
GPtrArray *mq_csv_parse           (const char  *text,
                                   gssize       length,
                                   GError     **error);
MqEdit  *mq_csv_read_updates      (MqParcels   *parcels,
                                   const char  *path,
                                   GError     **error);

G_END_DECLS
