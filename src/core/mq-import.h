/* mq-import.h — a source becomes a project GeoPackage.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mq-dataset.h"

G_BEGIN_DECLS

MqDataset *mq_import (const char           *source,
                      const MqLoadOptions  *options,
                      const char           *output,
                      GCancellable         *cancellable,
                      GError              **error);

G_END_DECLS
