/* mq-vector-layer.h — a reference layer from any vector file: a regulatory
 * plan (控规), a road network, a boundary.
 *
 * Any vector source GDAL opens (shapefile, GeoPackage, GeoJSON, KML, DXF…),
 * its first layer with features, in the map's CRS: areas, lines and points
 * as they come, each feature's attributes decoded as the parcels' are (a
 * shapefile's .cpg or code page, else its bytes judged once: UTF-8 or
 * GB18030, said in mq_vector_layer_get_encoding()), and the field its
 * labels come from (a name-like one). A source with no CRS is refused
 * (MQ_DATASET_ERROR_NO_CRS), never guessed, unless the user said which. Once made it never changes: a
 * renderer's worker copies read it as it is.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "mq-shapes.h"

G_BEGIN_DECLS

typedef enum
{
  MQ_VECTOR_AREA,
  MQ_VECTOR_LINE,
  MQ_VECTOR_POINT,
} MqVectorKind;

typedef struct
{
  guint  feature;
  double area_m2;   /* of the parcel, in the layer's feature */
} MqOverlap;

#define MQ_TYPE_VECTOR_LAYER (mq_vector_layer_get_type ())

G_DECLARE_FINAL_TYPE (MqVectorLayer, mq_vector_layer, MQ, VECTOR_LAYER, GObject)

MqVectorLayer  *mq_vector_layer_new            (const char    *path,
                                                const char    *map_wkt,
                                                const char    *crs,
                                                GError       **error);
const char     *mq_vector_layer_get_path       (MqVectorLayer *self);
const char     *mq_vector_layer_get_encoding   (MqVectorLayer *self);
const MqShapes *mq_vector_layer_get_shapes     (MqVectorLayer *self);
guint           mq_vector_layer_get_n_features (MqVectorLayer *self);
MqVectorKind    mq_vector_layer_get_kind       (MqVectorLayer *self,
                                                guint          feature);
const char     *mq_vector_layer_get_label      (MqVectorLayer *self,
                                                guint          feature);
const char *const *mq_vector_layer_get_field_names (MqVectorLayer *self);
int             mq_vector_layer_find_field     (MqVectorLayer *self,
                                                const char    *name);
int             mq_vector_layer_get_label_field (MqVectorLayer *self);
const char     *mq_vector_layer_get_value      (MqVectorLayer *self,
                                                guint          feature,
                                                guint          field);

int             mq_vector_layer_hit_test       (MqVectorLayer  *self,
                                                double          x,
                                                double          y,
                                                double          tolerance);
GArray         *mq_vector_layer_overlaps       (MqVectorLayer  *self,
                                                const MqShapes *shapes,
                                                guint           feature,
                                                double          scale);

G_END_DECLS
