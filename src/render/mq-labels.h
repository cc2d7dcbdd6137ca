/* mq-labels.h — where labels go without overlapping: a collision grid.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mq-types.h"

G_BEGIN_DECLS

typedef struct _MqLabelGrid MqLabelGrid;

MqLabelGrid *mq_label_grid_new      (double        width,
                                     double        height);
void         mq_label_grid_free     (MqLabelGrid  *grid);
gboolean     mq_label_grid_place    (MqLabelGrid  *grid,
                                     const MqBox  *box);
const GArray *mq_label_grid_get_boxes (MqLabelGrid *grid);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MqLabelGrid, mq_label_grid_free)

void         mq_label_grid_set_text_scale (MqLabelGrid *grid,
                                          double       scale);
double       mq_label_grid_get_text_scale (MqLabelGrid *grid);

G_END_DECLS
