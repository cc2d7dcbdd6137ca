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

/**
 * mq_store_read_setting:
 *
 * A setting of the project the @dataset was loaded from, read without
 * opening the project for editing (a headless export's read).
 *
 * Returns: (transfer full) (nullable): the value, or NULL for none
 */
char *
mq_store_read_setting (MqDataset  *dataset,
                       const char *key)
{
  g_autoptr(MqStore) store = NULL;

  if (_mq_dataset_get_server (dataset, NULL) == NULL)
    return mq_gpkg_read_setting (mq_dataset_get_path (dataset), key);
  store = mq_pg_store_open (dataset, NULL);
  return store ? mq_store_dup_setting (store, key) : NULL;
}
