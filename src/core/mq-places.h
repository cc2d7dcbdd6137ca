/* mq-places.h — the named places of a dataset's reference layer (roads,
 * rivers, the zone and its parts), found by a typed name.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mq-dataset.h"

G_BEGIN_DECLS

typedef struct
{
  char     *name;
  MqRefKind kind;
  MqBox     extent;   /* all the features of that name together, display CRS */
} MqPlace;

void       mq_place_free          (MqPlace    *place);
GPtrArray *mq_places_find         (MqDataset  *dataset,
                                   const char *text,
                                   guint       limit);
gboolean   mq_places_lookup       (MqDataset  *dataset,
                                   const char *name,
                                   MqBox      *extent);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MqPlace, mq_place_free)

G_END_DECLS
