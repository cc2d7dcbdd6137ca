/* mq-store-open.c — which backend a project's store is.
 *
 * Apart from the interface (mq-store.c), which the backends implement: the
 * interface knows no backend, only this choice does.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-dataset-private.h"
#include "mq-gpkg-store.h"
#include "mq-pg-store.h"
#include "mq-store.h"

/**
 * mq_store_open:
 *
 * Opens the project the @dataset was loaded from, for editing (or read-only
 * when it cannot, or must not, be written).
 *
 * Returns: (transfer full) (nullable): the store, or %NULL with @error
 */
MqStore *
mq_store_open (MqDataset  *dataset,
               GError    **error)
{
  /* A project loaded from "pg:…" is kept on its server. */
  if (_mq_dataset_get_server (dataset, NULL) != NULL)
    return mq_pg_store_open (dataset, error);
  return mq_gpkg_store_open (dataset, error);
}
