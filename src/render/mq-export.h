/* mq-export.h — headless exports of the map.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mq-renderer.h"

G_BEGIN_DECLS

#define MQ_EXPORT_ERROR (mq_export_error_quark ())

typedef enum
{
  MQ_EXPORT_ERROR_BAD_ARGUMENT,
  MQ_EXPORT_ERROR_WRITE,
} MqExportError;

GQuark   mq_export_error_quark (void);
GPtrArray *mq_export_open_layers (MqDataset         *dataset,
                                  MqLayerList       *saved,
                                  const char *const *specs,
                                  GError           **error);
void     mq_export_set_layers  (MqRenderer    *renderer,
                                MqLayerList   *saved,
                                GPtrArray     *rasters);
gboolean mq_export_parse_label_field (const char    *arg,
                                      MqLabelField  *field,
                                      GError       **error);
gboolean mq_export_png         (MqDataset   *dataset,
                                const char  *path,
                                const char  *size,
                                const char  *theme,
                                const char  *bbox,
                                MqLabelField label_field,
                                MqLayerList *saved,
                                const char *const *layers,
                                GError     **error);

G_END_DECLS
