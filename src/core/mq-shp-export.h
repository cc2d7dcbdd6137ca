/* mq-shp-export.h — parcels out as a shapefile for exchange.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mq-dataset.h"

G_BEGIN_DECLS

#define MQ_SHP_ERROR (mq_shp_error_quark ())

typedef enum
{
  MQ_SHP_ERROR_INVALID,
  MQ_SHP_ERROR_WRITE,
} MqShpError;

GQuark   mq_shp_error_quark (void);
gboolean mq_shp_export      (MqDataset   *dataset,
                             const char  *path,
                             gboolean     gbk,
                             GError     **error);

G_END_DECLS
