/* mq-core.h — one include for the core library, and its start-up.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mq-area.h"
#include "mq-as-of.h"
#include "mq-changes.h"
#include "mq-crs.h"
#include "mq-csv.h"
#include "mq-dataset.h"
#include "mq-encoding.h"
#include "mq-enum-types.h"
#include "mq-field-map.h"
#include "mq-filter.h"
#include "mq-geometry-check.h"
#include "mq-image-cache.h"
#include "mq-import.h"
#include "mq-layer-list.h"
#include "mq-measure.h"
#include "mq-parcels.h"
#include "mq-performance.h"
#include "mq-places.h"
#include "mq-planning.h"
#include "mq-progress.h"
#include "mq-project-file.h"
#include "mq-selection.h"
#include "mq-server.h"
#include "mq-server-file.h"
#include "mq-shapes.h"
#include "mq-shp-export.h"
#include "mq-spatial-index.h"
#include "mq-store.h"
#include "mq-summary.h"
#include "mq-survey-update.h"
#include "mq-task.h"
#include "mq-terms.h"
#include "mq-types.h"
#include "mq-vector-layer.h"
#include "mq-xlsx.h"

G_BEGIN_DECLS

void        mq_core_init            (void);
char       *mq_core_dup_sample_path (void);
char       *mq_core_dup_sample_project (GError **error);
char       *mq_core_dup_installed_path (const char *relative);
char       *mq_core_dup_build_path (const char *relative);
char       *mq_core_dup_user_sample_path (void);

G_END_DECLS
