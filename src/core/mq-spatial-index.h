/* mq-spatial-index.h — a packed Hilbert R-tree over bounding boxes.
 *
 * Built once (items sorted along a Hilbert curve, 16 to a node), read many
 * times: which parcels a view or a point may touch, in O(log n + k). The
 * items are the features of an MqShapes, whose boxes are not copied: the
 * shapes must outlive the index, unchanged.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mq-shapes.h"

G_BEGIN_DECLS

typedef struct _MqSpatialIndex MqSpatialIndex;

typedef gboolean (*MqIndexVisit) (guint    item,
                                  gpointer user_data);

MqSpatialIndex *mq_spatial_index_new    (const MqShapes  *shapes);
void            mq_spatial_index_free   (MqSpatialIndex  *index);
void            mq_spatial_index_search (MqSpatialIndex  *index,
                                         const MqBox     *query,
                                         MqIndexVisit     visit,
                                         gpointer         user_data);
GArray         *mq_spatial_index_query  (MqSpatialIndex  *index,
                                         const MqBox     *query);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MqSpatialIndex, mq_spatial_index_free)

G_END_DECLS
