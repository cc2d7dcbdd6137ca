/* mq-dataset.h — one opened source: its parcels, reference layers and metadata.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <ogr_srs_api.h>

#include "mq-encoding.h"
#include "mq-field-map.h"
#include "mq-parcels.h"

G_BEGIN_DECLS

#define MQ_DATASET_ERROR (mq_dataset_error_quark ())

typedef enum
{
  MQ_DATASET_ERROR_NOT_FOUND,
  MQ_DATASET_ERROR_OPEN_FAILED,
  MQ_DATASET_ERROR_NO_POLYGONS,
  MQ_DATASET_ERROR_NO_LAYER,
  MQ_DATASET_ERROR_NO_CRS,
  MQ_DATASET_ERROR_BAD_CRS,
  MQ_DATASET_ERROR_BAD_ENCODING,
  MQ_DATASET_ERROR_MISSING_PART,
  MQ_DATASET_ERROR_PARTIAL,
} MqDatasetError;

typedef struct _MqDataset MqDataset;

/* Receives each feature's geometry in the display CRS as it is read, for
 * writers that must keep it whole (the import into a project file). */
typedef struct
{
  gboolean (*begin)     (gpointer              data,
                         MqDataset            *dataset,
                         OGRSpatialReferenceH  display_srs,
                         GError              **error);
  gboolean (*parcel)    (gpointer              data,
                         MqParcels            *parcels,
                         guint                 index,
                         OGRGeometryH          display,
                         GError              **error);
  gboolean (*reference) (gpointer              data,
                         MqRefKind             kind,
                         const char           *name,
                         double                width_m,
                         OGRGeometryH          display,
                         GError              **error);
  gpointer data;
} MqLoadSink;

typedef struct
{
  const char *crs;        /* overrides or supplies the source CRS: EPSG:N, WKT, PROJ, a file */
  const char *encoding;   /* overrides the text encoding */
  const char *layer;      /* the polygon layer to read */
  gboolean    allow_partial;  /* take what is readable of a damaged source */
  const MqLoadSink *sink;
  const char *field_mapping;  /* JSON {"owner": "QSDWMC", "notes": ""}: overrides the guess */
  const char *password;   /* a server's, from the keyring: in memory only, never shown */
} MqLoadOptions;

/* Reference features drawn under the parcels: the zone and its parts, roads,
 * rivers. Display CRS, like the parcels. */
typedef struct
{
  MqShapes  *shapes;
  GArray    *kind;      /* guint8 MqRefKind */
  GPtrArray *name;      /* char * */
  GArray    *width_m;   /* double: a road's or river's width */
  GArray    *area_m2;   /* double: ellipsoidal, 0 for lines */
} MqReference;

#define MQ_TYPE_DATASET (mq_dataset_get_type ())

G_DECLARE_FINAL_TYPE (MqDataset, mq_dataset, MQ, DATASET, GObject)

GQuark             mq_dataset_error_quark       (void);

MqDataset         *mq_dataset_load              (const char           *path,
                                                 const MqLoadOptions  *options,
                                                 GCancellable         *cancellable,
                                                 GError              **error);
void               mq_dataset_load_async        (const char           *path,
                                                 const MqLoadOptions  *options,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
MqDataset         *mq_dataset_load_finish       (GAsyncResult         *result,
                                                 GError              **error);

const char        *mq_dataset_get_path          (MqDataset *self);
const char        *mq_dataset_get_layer_name    (MqDataset *self);
MqParcels         *mq_dataset_get_parcels       (MqDataset *self);
void               mq_dataset_set_parcels       (MqDataset *self,
                                                 MqParcels *parcels);
MqDataset         *mq_dataset_snapshot          (MqDataset *self);
gboolean           mq_dataset_is_snapshot       (MqDataset *self);
void               mq_dataset_set_as_of         (MqDataset *self,
                                                 guint32    julian);
guint32            mq_dataset_get_as_of         (MqDataset *self);
guint32            mq_dataset_get_today         (MqDataset *self);
const MqReference *mq_dataset_get_reference     (MqDataset *self);
const char        *mq_dataset_get_crs_label     (MqDataset *self);
const char        *mq_dataset_get_display_wkt   (MqDataset *self);
const char        *mq_dataset_get_encoding      (MqDataset *self);
MqEncodingSource   mq_dataset_get_encoding_source (MqDataset *self);
guint              mq_dataset_get_n_lossy_values (MqDataset *self);
guint              mq_dataset_get_n_problem_parcels (MqDataset *self);
guint              mq_dataset_get_n_lost_records (MqDataset *self);
GPtrArray         *mq_dataset_get_warnings      (MqDataset *self);
const MqFieldMap  *mq_dataset_get_field_map     (MqDataset *self);
char              *mq_dataset_dup_field_mapping (MqDataset *self);
const char * const *mq_dataset_get_polygon_layers (MqDataset *self);
gboolean           mq_dataset_to_lonlat         (MqDataset *self,
                                                 double     x,
                                                 double     y,
                                                 double    *lon,
                                                 double    *lat);
double             mq_dataset_get_north_angle   (MqDataset *self,
                                                 double     x,
                                                 double     y);
GArray            *mq_source_suggest_crs        (const char *path,
                                                 const char *layer);
guint              mq_dataset_get_problem_count (MqDataset *self,
                                                 MqProblem  problem);
void               mq_dataset_get_extent        (MqDataset *self,
                                                 MqBox     *extent);

G_END_DECLS
