/* mq-gpkg-store.h — the project store kept in a GeoPackage file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mq-store.h"

G_BEGIN_DECLS

#define MQ_TYPE_GPKG_STORE (mq_gpkg_store_get_type ())

G_DECLARE_FINAL_TYPE (MqGpkgStore, mq_gpkg_store, MQ, GPKG_STORE, GObject)

char    *mq_gpkg_read_setting (const char *path,
                               const char *key);
MqStore *mq_gpkg_store_open (MqDataset  *dataset,
                             GError    **error);

G_END_DECLS
