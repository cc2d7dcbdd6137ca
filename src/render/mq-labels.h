/* mq-labels.h — where labels go without overlapping: a collision grid.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mq-types.h"

G_BEGIN_DECLS

typedef struct _MqLabelGrid MqLabelGrid;

/* What a parcel's label says: the window's and the exports' choice. */
typedef enum
{
  MQ_LABEL_FIELD_ID,
  MQ_LABEL_FIELD_OWNER,
  MQ_LABEL_FIELD_PROJECT,
  MQ_LABEL_FIELD_ENTITY,
  MQ_LABEL_FIELD_MU,
} MqLabelField;

/* A label the grid placed: its box in screen pixels, its text, the parcel it
 * names (-1 for a road, river or zone part) and its font size in pixels. */
typedef struct
{
  MqBox  box;
  char  *text;
  int    parcel;
  double size_px;
} MqLabel;

gboolean     mq_label_field_parse   (const char   *key,
                                     MqLabelField *field);
const char  *mq_label_field_key     (MqLabelField  field);

MqLabelGrid *mq_label_grid_new      (double        width,
                                     double        height);
void         mq_label_grid_free     (MqLabelGrid  *grid);
gboolean     mq_label_grid_place    (MqLabelGrid  *grid,
                                     const MqBox  *box);
const GArray *mq_label_grid_get_boxes (MqLabelGrid *grid);
gboolean     mq_label_grid_place_label (MqLabelGrid *grid,
                                     const MqBox  *box,
                                     const char   *text,
                                     int           parcel,
                                     double        size_px);
GArray      *mq_label_grid_steal_labels (MqLabelGrid *grid);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MqLabelGrid, mq_label_grid_free)

void         mq_label_grid_set_text_scale (MqLabelGrid *grid,
                                          double       scale);
double       mq_label_grid_get_text_scale (MqLabelGrid *grid);

G_END_DECLS
