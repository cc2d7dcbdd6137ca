/* mq-planning.h — a 控规 (regulatory plan) layer's use and floor area ratio
 * put on the parcels it covers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mq-dataset.h"
#include "mq-edit.h"

G_BEGIN_DECLS

#define MQ_PLANNING_ERROR (mq_planning_error_quark ())

typedef enum
{
  MQ_PLANNING_ERROR_NO_VALUES,
} MqPlanningError;

GQuark   mq_planning_error_quark (void);

/* What a 控规 layer gave the parcels. */
typedef struct
{
  guint      n_zones;      /* the layer's plan zones */
  guint      n_filled;     /* parcels given a use or a ratio */
  GPtrArray *straddling;   /* char *: ids of parcels no zone covers half of, left as they were */
} MqPlanningResult;

MqEdit  *mq_planning_read        (MqParcels         *parcels,
                                  const char        *display_wkt,
                                  const char        *path,
                                  MqPlanningResult  *result,
                                  GError           **error);
void     mq_planning_result_clear (MqPlanningResult *result);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MqPlanningResult, mq_planning_result_clear)

G_END_DECLS
