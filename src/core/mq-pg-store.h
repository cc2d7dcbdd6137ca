/* mq-pg-store.h — the project store kept on a PostgreSQL/PostGIS server.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mq-store.h"

G_BEGIN_DECLS

#define MQ_TYPE_PG_STORE (mq_pg_store_get_type ())

G_DECLARE_FINAL_TYPE (MqPgStore, mq_pg_store, MQ, PG_STORE, GObject)

MqStore   *mq_pg_store_open       (MqDataset   *dataset,
                                   GError     **error);
GPtrArray *mq_pg_history_load_all (const char  *conninfo,
                                   const char  *schema,
                                   const char  *path,
                                   GError     **error);

G_END_DECLS
