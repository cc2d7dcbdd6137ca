/* mq-vector-layer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-vector-layer.h"

#include <gdal.h>
#include <math.h>
#include <glib/gi18n-lib.h>
#include <ogr_srs_api.h>

#include "mq-crs.h"
#include "mq-dataset.h"
#include "mq-encoding.h"
#include "mq-geometry-check.h"

struct _MqVectorLayer
{
  GObject    parent_instance;

  char      *path;
  char      *encoding;    /* the source's text, as decided */
  MqShapes  *shapes;      /* in the map's CRS, one per feature */
  GArray    *kinds;       /* guint8 MqVectorKind per feature */
  GStrv      fields;      /* the attributes' names, decoded */
  GPtrArray *values;      /* per feature: its values (GStrv), decoded */
  int        label;       /* the field labels come from, or -1 */
};

G_DEFINE_FINAL_TYPE (MqVectorLayer, mq_vector_layer, G_TYPE_OBJECT)

/* Fields whose values name a feature, as surveys and plans call them. */
static const char *const label_names[] = {
  "name", "名称", "mc", "label", "ydxz", "用地性质", "dlmc", "地类名称", "ydmc", "用地名称", NULL,
};

static void
mq_vector_layer_finalize (GObject *object)
{
  MqVectorLayer *self = MQ_VECTOR_LAYER (object);

  g_free (self->path);
  g_free (self->encoding);
  g_clear_pointer (&self->shapes, mq_shapes_free);
  g_clear_pointer (&self->kinds, g_array_unref);
  g_strfreev (self->fields);
  g_clear_pointer (&self->values, g_ptr_array_unref);
  G_OBJECT_CLASS (mq_vector_layer_parent_class)->finalize (object);
}

static void
mq_vector_layer_class_init (MqVectorLayerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mq_vector_layer_finalize;
}

static void
mq_vector_layer_init (MqVectorLayer *self)
{
  self->shapes = mq_shapes_new ();
  self->kinds = g_array_new (FALSE, FALSE, sizeof (guint8));
  self->values = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  self->label = -1;
}

static gboolean
is_shapefile (const char *path)
{
  return g_str_has_suffix (path, ".shp") || g_str_has_suffix (path, ".SHP");
}

/* The first layer that holds features. */
static OGRLayerH
first_layer (GDALDatasetH ds)
{
  for (int i = 0; i < GDALDatasetGetLayerCount (ds); i++)
    {
      OGRLayerH layer = GDALDatasetGetLayer (ds, i);

      if (OGR_L_GetFeatureCount (layer, TRUE) > 0)
        return layer;
    }
  return NULL;
}

/* A shapefile's bytes as they are (its encoding is decided here, once);
 * other formats give UTF-8. */
static MqDecoder *
decoder_for (MqVectorLayer *self,
             OGRLayerH      layer)
{
  MqEncodingSource source;

  if (is_shapefile (self->path))
    self->encoding = mq_encoding_from_shapefile (self->path, &source);
  if (self->encoding == NULL)
    self->encoding = g_strdup (mq_encoding_layer_is_utf8 (layer) ? "UTF-8" : "GB18030");
  return mq_decoder_new (self->encoding);
}

static char *
decode (MqDecoder  *decoder,
        const char *bytes)
{
  gboolean lossy = FALSE;

  return decoder ? mq_decoder_decode (decoder, bytes, &lossy) : g_strdup (bytes);
}

static void
read_fields (MqVectorLayer *self,
             OGRLayerH      layer,
             MqDecoder     *decoder)
{
  OGRFeatureDefnH defn = OGR_L_GetLayerDefn (layer);
  int n = OGR_FD_GetFieldCount (defn);

  self->fields = g_new0 (char *, n + 1);
  for (int i = 0; i < n; i++)
    self->fields[i] = decode (decoder, OGR_Fld_GetNameRef (OGR_FD_GetFieldDefn (defn, i)));
  for (guint k = 0; label_names[k] != NULL && self->label < 0; k++)
    for (int i = 0; i < n && self->label < 0; i++)
      if (g_utf8_collate (self->fields[i], label_names[k]) == 0 ||
          g_ascii_strcasecmp (self->fields[i], label_names[k]) == 0)
        self->label = i;
  for (int i = 0; i < n && self->label < 0; i++)
    if (OGR_Fld_GetType (OGR_FD_GetFieldDefn (defn, i)) == OFTString)
      self->label = i;
}

static MqVectorKind
kind_of (OGRGeometryH geometry)
{
  OGRwkbGeometryType type = geometry ? wkbFlatten (OGR_G_GetGeometryType (geometry)) : wkbUnknown;

  if (type == wkbPolygon || type == wkbMultiPolygon || OGR_GT_IsSurface (type) ||
      OGR_GT_IsSubClassOf (type, wkbMultiSurface))
    return MQ_VECTOR_AREA;
  if (type == wkbPoint || type == wkbMultiPoint)
    return MQ_VECTOR_POINT;
  return MQ_VECTOR_LINE;
}

/* Every feature, its geometry taken to the map's CRS (one that cannot be
 * is kept without geometry, so that the features still line up with the
 * file's). */
static void
read_features (MqVectorLayer                *self,
               OGRLayerH                     layer,
               OGRCoordinateTransformationH  to_map,
               MqDecoder                    *decoder)
{
  guint n_fields = g_strv_length (self->fields);
  OGRFeatureH feature;

  OGR_L_ResetReading (layer);
  while ((feature = OGR_L_GetNextFeature (layer)) != NULL)
    {
      OGRGeometryH geometry = mq_geometry_take_linear (OGR_F_StealGeometry (feature));
      GStrv values = g_new0 (char *, n_fields + 1);
      guint8 kind = kind_of (geometry);

      if (geometry != NULL && to_map != NULL && OGR_G_Transform (geometry, to_map) != OGRERR_NONE)
        g_clear_pointer (&geometry, OGR_G_DestroyGeometry);
      mq_shapes_add_geometry (self->shapes, geometry);
      g_array_append_val (self->kinds, kind);
      for (guint i = 0; i < n_fields; i++)
        values[i] = OGR_F_IsFieldSetAndNotNull (feature, i)
                      ? decode (decoder, OGR_F_GetFieldAsString (feature, i)) : g_strdup ("");
      g_ptr_array_add (self->values, values);
      g_clear_pointer (&geometry, OGR_G_DestroyGeometry);
      OGR_F_Destroy (feature);
    }
}

/* The transform from the layer's CRS (@given, else its own) to the map's;
 * NULL when they are the same. FALSE when the layer has none. */
static gboolean
transform_to_map (OGRLayerH                     layer,
                  OGRSpatialReferenceH          given,
                  const char                   *map_wkt,
                  OGRCoordinateTransformationH *to_map)
{
  OGRSpatialReferenceH src = given ? given : OGR_L_GetSpatialRef (layer);
  OGRSpatialReferenceH map = OSRNewSpatialReference (map_wkt);
  OGRSpatialReferenceH ordered;

  *to_map = NULL;
  if (src == NULL || map == NULL)
    {
      if (map != NULL)
        OSRRelease (map);
      return FALSE;
    }
  ordered = OSRClone (src);
  OSRSetAxisMappingStrategy (ordered, OAMS_TRADITIONAL_GIS_ORDER);
  OSRSetAxisMappingStrategy (map, OAMS_TRADITIONAL_GIS_ORDER);
  if (!OSRIsSame (ordered, map))
    *to_map = OCTNewCoordinateTransformation (ordered, map);
  OSRRelease (ordered);
  OSRRelease (map);
  return TRUE;
}

/**
 * mq_vector_layer_new:
 * @map_wkt: the map's (display) CRS
 * @crs: (nullable): its CRS as the user gave it ("EPSG:N" or WKT), for a
 *   file that has none
 *
 * Reads a reference layer. The file is only read.
 */
MqVectorLayer *
mq_vector_layer_new (const char  *path,
                     const char  *map_wkt,
                     const char  *crs,
                     GError     **error)
{
  OGRSpatialReferenceH given = NULL;
  g_autoptr(GError) crs_error = NULL;
  g_autoptr(MqVectorLayer) self = g_object_new (MQ_TYPE_VECTOR_LAYER, NULL);
  const char *raw[] = { "ENCODING=", NULL };
  g_autoptr(MqDecoder) decoder = NULL;
  OGRCoordinateTransformationH to_map = NULL;
  GDALDatasetH ds;
  OGRLayerH layer;

  g_return_val_if_fail (path != NULL && map_wkt != NULL, NULL);

  self->path = g_strdup (path);
  if (crs != NULL && (given = mq_crs_new_from_definition (crs, &crs_error)) == NULL)
    {
      g_set_error (error, MQ_DATASET_ERROR, MQ_DATASET_ERROR_BAD_CRS, "%s: %s", path, crs_error->message);
      return NULL;
    }
  CPLPushErrorHandler (CPLQuietErrorHandler);
  ds = GDALOpenEx (path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, is_shapefile (path) ? raw : NULL, NULL);
  CPLPopErrorHandler ();
  if (ds == NULL || (layer = first_layer (ds)) == NULL)
    {
      g_set_error (error, MQ_DATASET_ERROR, MQ_DATASET_ERROR_OPEN_FAILED,
                   _("%s: no vector layer with features GDAL can read"), path);
      g_clear_pointer (&ds, GDALClose);
      g_clear_pointer (&given, OSRRelease);
      return NULL;
    }
  if (!transform_to_map (layer, given, map_wkt, &to_map))
    {
      g_clear_pointer (&given, OSRRelease);
      g_set_error (error, MQ_DATASET_ERROR, MQ_DATASET_ERROR_NO_CRS,
                   _("%s: has no coordinate reference system; give it one (a .prj) first"), path);
      GDALClose (ds);
      return NULL;
    }
  decoder = decoder_for (self, layer);
  read_fields (self, layer, decoder);
  read_features (self, layer, to_map, decoder);
  g_clear_pointer (&given, OSRRelease);
  if (to_map != NULL)
    OCTDestroyCoordinateTransformation (to_map);
  GDALClose (ds);
  return g_steal_pointer (&self);
}

const char *
mq_vector_layer_get_path (MqVectorLayer *self)
{
  g_return_val_if_fail (MQ_IS_VECTOR_LAYER (self), NULL);
  return self->path;
}

const char *
mq_vector_layer_get_encoding (MqVectorLayer *self)
{
  g_return_val_if_fail (MQ_IS_VECTOR_LAYER (self), NULL);
  return self->encoding;
}

const MqShapes *
mq_vector_layer_get_shapes (MqVectorLayer *self)
{
  g_return_val_if_fail (MQ_IS_VECTOR_LAYER (self), NULL);
  return self->shapes;
}

guint
mq_vector_layer_get_n_features (MqVectorLayer *self)
{
  g_return_val_if_fail (MQ_IS_VECTOR_LAYER (self), 0);
  return self->kinds->len;
}

MqVectorKind
mq_vector_layer_get_kind (MqVectorLayer *self,
                          guint          feature)
{
  g_return_val_if_fail (MQ_IS_VECTOR_LAYER (self) && feature < self->kinds->len, MQ_VECTOR_LINE);
  return g_array_index (self->kinds, guint8, feature);
}

/* What a feature's label says ("" when the layer has no field for it). */
const char *
mq_vector_layer_get_label (MqVectorLayer *self,
                           guint          feature)
{
  g_return_val_if_fail (MQ_IS_VECTOR_LAYER (self) && feature < self->values->len, "");
  return self->label >= 0 ? mq_vector_layer_get_value (self, feature, self->label) : "";
}

/* The field of @name, or -1. */
int
mq_vector_layer_find_field (MqVectorLayer *self,
                            const char    *name)
{
  g_return_val_if_fail (MQ_IS_VECTOR_LAYER (self), -1);

  for (guint i = 0; name != NULL && self->fields[i] != NULL; i++)
    if (g_strcmp0 (self->fields[i], name) == 0)
      return (int) i;
  return -1;
}

/* The field the layer's names come from when no one chose one, or -1. */
int
mq_vector_layer_get_label_field (MqVectorLayer *self)
{
  g_return_val_if_fail (MQ_IS_VECTOR_LAYER (self), -1);
  return self->label;
}

const char *const *
mq_vector_layer_get_field_names (MqVectorLayer *self)
{
  g_return_val_if_fail (MQ_IS_VECTOR_LAYER (self), NULL);
  return (const char *const *) self->fields;
}

const char *
mq_vector_layer_get_value (MqVectorLayer *self,
                           guint          feature,
                           guint          field)
{
  g_return_val_if_fail (MQ_IS_VECTOR_LAYER (self) && feature < self->values->len, "");
  g_return_val_if_fail (field < g_strv_length (self->fields), "");
  return ((GStrv) g_ptr_array_index (self->values, feature))[field];
}

/**
 * mq_vector_layer_overlaps:
 * @shapes: the parcels' (in the same CRS)
 * @feature: the parcel
 * @scale: the parcel's ellipsoidal area over its plane area: what the
 *   overlap's plane area is taken by, so that the figures add up to the
 *   parcel's own
 *
 * The layer's areas the parcel overlaps, and by how much.
 *
 * Returns: (transfer full) (element-type MqOverlap): by feature order
 */
GArray *
mq_vector_layer_overlaps (MqVectorLayer  *self,
                          const MqShapes *shapes,
                          guint           feature,
                          double          scale)
{
  GArray *found = g_array_new (FALSE, FALSE, sizeof (MqOverlap));
  MqBox box = mq_shapes_get_bbox (shapes, feature);
  OGRGeometryH parcel;

  g_return_val_if_fail (MQ_IS_VECTOR_LAYER (self), found);

  if ((parcel = mq_shapes_dup_polygons (shapes, feature)) == NULL)
    return found;
  for (guint i = 0; i < self->kinds->len; i++)
    {
      MqBox b = mq_shapes_get_bbox (self->shapes, i);
      OGRGeometryH area, common;
      MqOverlap overlap = { i, 0 };

      if (g_array_index (self->kinds, guint8, i) != MQ_VECTOR_AREA || mq_box_is_empty (&b) ||
          !mq_box_intersects (&b, &box) || (area = mq_shapes_dup_polygons (self->shapes, i)) == NULL)
        continue;
      if ((common = OGR_G_Intersection (parcel, area)) != NULL)
        {
          overlap.area_m2 = OGR_G_Area (common) * scale;
          OGR_G_DestroyGeometry (common);
        }
      OGR_G_DestroyGeometry (area);
      /* Touching along an edge is no overlap. */
      if (overlap.area_m2 > 0.01)
        g_array_append_val (found, overlap);
    }
  OGR_G_DestroyGeometry (parcel);
  return found;
}

/* The distance from (x, y) to the nearest segment of a feature's paths. */
static double
path_distance (const MqShapes *shapes,
               guint           feature,
               double          x,
               double          y)
{
  MqBox o = mq_shapes_get_bbox (shapes, feature);
  guint r0 = g_array_index (shapes->feat_ring, guint, feature);
  guint r1 = g_array_index (shapes->feat_ring, guint, feature + 1);
  double best = G_MAXDOUBLE;

  for (guint r = r0; r < r1; r++)
    {
      guint p0 = g_array_index (shapes->ring_start, guint, r);
      guint p1 = g_array_index (shapes->ring_start, guint, r + 1);

      for (guint p = p0; p < p1; p++)
        {
          double ax, ay, bx, by, dx, dy, t;

          mq_shapes_get_point (shapes, &o, p, &ax, &ay);
          mq_shapes_get_point (shapes, &o, p + 1 < p1 ? p + 1 : p, &bx, &by);
          dx = bx - ax, dy = by - ay;
          t = dx * dx + dy * dy > 0 ? CLAMP (((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy), 0, 1) : 0;
          best = MIN (best, hypot (ax + t * dx - x, ay + t * dy - y));
        }
    }
  return best;
}

/**
 * mq_vector_layer_hit_test:
 * @tolerance: how near a line or point must be, in map units
 *
 * Returns: the feature at (x, y) in the map's CRS — the last drawn (on
 *   top) of those whose area holds it or whose line or point is near
 *   enough — or -1
 */
int
mq_vector_layer_hit_test (MqVectorLayer *self,
                          double         x,
                          double         y,
                          double         tolerance)
{
  g_return_val_if_fail (MQ_IS_VECTOR_LAYER (self), -1);

  for (guint i = self->kinds->len; i-- > 0;)
    {
      MqBox b = mq_shapes_get_bbox (self->shapes, i);

      if (mq_box_is_empty (&b) || x < b.min_x - tolerance || x > b.max_x + tolerance ||
          y < b.min_y - tolerance || y > b.max_y + tolerance)
        continue;
      if (g_array_index (self->kinds, guint8, i) == MQ_VECTOR_AREA ? mq_shapes_contains (self->shapes, i, x, y)
                                                                   : path_distance (self->shapes, i, x, y) <= tolerance)
        return (int) i;
    }
  return -1;
}
