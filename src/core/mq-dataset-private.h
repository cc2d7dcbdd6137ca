/* mq-dataset-private.h — what the dataset object and its loader share.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mq-dataset.h"

G_BEGIN_DECLS

struct _MqDataset
{
  GObject           parent_instance;

  char             *path;
  char             *layer_name;
  MqParcels        *parcels;
  MqReference       reference;
  char             *crs_label;
  char             *display_wkt;
  char             *encoding;
  MqEncodingSource  encoding_source;
  guint             n_lossy;
  guint             problem_counts[MQ_N_PROBLEM_KINDS];
  guint             n_problem_parcels;
  guint             n_lost;
  GPtrArray        *warnings;
  MqFieldMap        field_map;
  GStrv             polygon_layers;
  OGRCoordinateTransformationH to_lonlat;    /* display CRS → its lon/lat, made on demand */
  OGRCoordinateTransformationH from_lonlat;
  GMutex            lonlat_lock;              /* the window and a render thread both ask */
  MqDataset        *origin;                   /* a snapshot's live dataset, whose fields it borrows */
  guint32           as_of;                    /* the past day the parcels are of (main thread), or 0 */
  char             *server_conninfo;          /* "pg:…" only: libpq's string, maybe with a password: never shown */
  char             *server_schema;
};

/* A project loaded from a server: its connection (private) and schema. */
const char *_mq_dataset_get_server (MqDataset   *self,
                                    const char **schema);

G_END_DECLS
