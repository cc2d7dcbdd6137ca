/* mq-project-file.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-project-file.h"

#include <cpl_error.h>
#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <ogr_api.h>

#include "mq-output.h"

G_DEFINE_QUARK (mq-project-file-error-quark, mq_project_file_error)

struct _MqProjectFileWriter
{
  char         *path;
  MqOutput     *output;     /* the temporary file's name, ours until renamed */
  GDALDatasetH  ds;
  OGRLayerH     parcels;
  OGRLayerH     zone;
  OGRLayerH     roads;
  OGRLayerH     rivers;
  OGRLayerH     settings;
  OGRLayerH     history;
  GArray       *source_columns;   /* int per source field: its column, or -1 */
  int           version_column;   /* row_version: the last column */
  const MqFieldMap *map;          /* the source's, to tell a value that did not read */
};

static gboolean
fail (GError     **error,
      int          code,
      const char  *path)
{
  const char *reason = CPLGetLastErrorMsg ();

  g_set_error (error, MQ_PROJECT_FILE_ERROR, code, _("%s: cannot be written: %s"), path,
               (reason && *reason) ? reason : _("unknown error"));
  return FALSE;
}

static void
add_field (OGRLayerH    layer,
           const char  *name,
           OGRFieldType type,
           int          width)
{
  OGRFieldDefnH defn = OGR_Fld_Create (name, type);

  if (width > 0 && type == OFTString)
    OGR_Fld_SetWidth (defn, width);
  OGR_L_CreateField (layer, defn, TRUE);
  OGR_Fld_Destroy (defn);
}

static OGRLayerH
create_layer (GDALDatasetH          ds,
              const char           *name,
              OGRSpatialReferenceH  srs,
              OGRwkbGeometryType    type)
{
  static const char *const options[] = { "GEOMETRY_NAME=geom", "FID=fid", NULL };

  return GDALDatasetCreateLayer (ds, name, type == wkbNone ? NULL : srs, type,
                                 (char **) options);
}

static gboolean
is_project_column (const char *name)
{
  if (g_ascii_strcasecmp (name, "area_m2") == 0 || g_ascii_strcasecmp (name, "area_mu") == 0 ||
      g_ascii_strcasecmp (name, "row_version") == 0)
    return TRUE;
  for (guint f = 0; f < MQ_N_FIELDS; f++)
    if (g_ascii_strcasecmp (name, mq_field_info (f)->key) == 0)
      return TRUE;
  return FALSE;
}

/* Every source attribute is kept beside the project's own columns, under its
 * own name — unless it is one of those columns (a project re-imported). */
static void
add_source_columns (MqProjectFileWriter    *w,
                    const char * const *source_fields)
{
  OGRFeatureDefnH defn = OGR_L_GetLayerDefn (w->parcels);

  w->source_columns = g_array_new (FALSE, FALSE, sizeof (int));
  for (guint i = 0; source_fields != NULL && source_fields[i] != NULL; i++)
    {
      int column = -1;

      if (!is_project_column (source_fields[i]) &&
          OGR_FD_GetFieldIndex (defn, source_fields[i]) < 0)
        {
          add_field (w->parcels, source_fields[i], OFTString, 0);
          column = OGR_FD_GetFieldIndex (defn, source_fields[i]);
        }
      g_array_append_val (w->source_columns, column);
    }
}

static gboolean
create_schema (MqProjectFileWriter      *w,
               OGRSpatialReferenceH  srs)
{
  OGRLayerH history;

  w->parcels = create_layer (w->ds, "parcels", srs, wkbMultiPolygon);
  w->zone = create_layer (w->ds, "zone", srs, wkbMultiPolygon);
  w->roads = create_layer (w->ds, "roads", srs, wkbMultiLineString);
  w->rivers = create_layer (w->ds, "rivers", srs, wkbMultiLineString);
  history = w->history = create_layer (w->ds, "lock_history", NULL, wkbNone);
  w->settings = create_layer (w->ds, "project_settings", NULL, wkbNone);
  if (!w->parcels || !w->zone || !w->roads || !w->rivers || !history || !w->settings)
    return FALSE;

  for (guint f = 0; f < MQ_N_FIELDS; f++)
    {
      const MqFieldInfo *info = mq_field_info (f);

      add_field (w->parcels, info->key, info->type, info->width);
    }
  add_field (w->parcels, "area_m2", OFTReal, 0);
  add_field (w->parcels, "area_mu", OFTReal, 0);
  add_field (w->zone, "name", OFTString, 80);
  add_field (w->zone, "kind", OFTString, 10);
  add_field (w->roads, "name", OFTString, 40);
  add_field (w->roads, "width_m", OFTReal, 0);
  add_field (w->rivers, "name", OFTString, 40);
  add_field (w->rivers, "width_m", OFTReal, 0);
  add_field (history, "changed_at", OFTDateTime, 0);
  add_field (history, "user", OFTString, 64);
  add_field (history, "parcel_id", OFTString, 32);
  add_field (history, "field", OFTString, 32);
  add_field (history, "old_value", OFTString, 0);
  add_field (history, "new_value", OFTString, 0);
  add_field (history, "action", OFTString, 10);
  add_field (history, "batch", OFTInteger64, 0);
  add_field (w->settings, "key", OFTString, 64);
  add_field (w->settings, "value", OFTString, 0);
  return TRUE;
}

/**
 * mq_project_file_writer_new:
 *
 * Starts a new project at @path (replacing it only on commit).
 */
MqProjectFileWriter *
mq_project_file_writer_new (const char            *path,
                       OGRSpatialReferenceH   srs,
                       const char * const    *source_fields,
                       GError               **error)
{
  g_autoptr(MqProjectFileWriter) w = g_new0 (MqProjectFileWriter, 1);
  GDALDriverH driver = GDALGetDriverByName ("GPKG");

  w->path = g_strdup (path);
  /* GDAL wants the .gpkg extension even on the file being written, and
   * creates it itself: the name is ours (made with O_EXCL), the file
   * GDAL's. */
  w->output = mq_output_new (path, ".gpkg", TRUE, NULL, error);
  if (w->output == NULL)
    return NULL;
  mq_output_release_file (w->output);
  CPLErrorReset ();
  /* GDAL's reason goes into our message, not onto stderr before it. */
  CPLPushErrorHandler (CPLQuietErrorHandler);
  w->ds = driver ? GDALCreate (driver, mq_output_get_temp_path (w->output), 0, 0, 0, GDT_Unknown,
                               NULL) : NULL;
  CPLPopErrorHandler ();
  if (w->ds == NULL || !create_schema (w, srs))
    {
      fail (error, MQ_PROJECT_FILE_ERROR_CREATE, path);
      return NULL;
    }
  add_source_columns (w, source_fields);
  /* Every parcel starts at version 1 (core/mq-gpkg-store.c bumps it with
   * each edit); last, where the loader looks for it. */
  add_field (w->parcels, "row_version", OFTInteger64, 0);
  w->version_column = OGR_FD_GetFieldIndex (OGR_L_GetLayerDefn (w->parcels), "row_version");
  if (GDALDatasetStartTransaction (w->ds, FALSE) != OGRERR_NONE)
    {
      fail (error, MQ_PROJECT_FILE_ERROR_CREATE, path);
      return NULL;
    }
  return g_steal_pointer (&w);
}

static gboolean
add_feature (MqProjectFileWriter  *w,
             OGRLayerH         layer,
             OGRFeatureH       feature,
             OGRGeometryH      geometry,
             gboolean          polygon,
             GError          **error)
{
  OGRGeometryH multi = NULL;
  OGRErr err;

  if (geometry != NULL)
    {
      multi = OGR_G_Clone (geometry);
      multi = polygon ? OGR_G_ForceToMultiPolygon (multi) : OGR_G_ForceToMultiLineString (multi);
      OGR_F_SetGeometryDirectly (feature, multi);
    }
  err = OGR_L_CreateFeature (layer, feature);
  OGR_F_Destroy (feature);
  if (err != OGRERR_NONE)
    return fail (error, MQ_PROJECT_FILE_ERROR_WRITE, w->path);
  return TRUE;
}

gboolean
mq_project_file_writer_add_parcel (MqProjectFileWriter    *w,
                              const MqParcel     *parcel,
                              const char * const *source_values,
                              OGRGeometryH        geometry,
                              GError            **error)
{
  OGRFeatureH feature = OGR_F_Create (OGR_L_GetLayerDefn (w->parcels));

  for (guint i = 0; source_values != NULL && i < w->source_columns->len; i++)
    {
      int column = g_array_index (w->source_columns, int, i);

      if (column >= 0 && source_values[i] != NULL)
        OGR_F_SetFieldString (feature, column, source_values[i]);
    }

  for (guint f = 0; f < MQ_N_FIELDS; f++)
    {
      g_autofree char *text = NULL;

      /* A state that did not read is left empty, not written as "open": the
       * source text beside it tells the problem again at every opening. */
      if (w->map != NULL && source_values != NULL &&
          mq_field_map_value_unread (w->map, f, source_values))
        continue;
      text = mq_parcel_dup_field_text (parcel, f);
      if (text != NULL && *text != '\0')
        OGR_F_SetFieldString (feature, f, text);
    }
  OGR_F_SetFieldDouble (feature, MQ_N_FIELDS, parcel->area_m2);
  OGR_F_SetFieldDouble (feature, MQ_N_FIELDS + 1, parcel->area_m2 / MQ_M2_PER_MU);
  OGR_F_SetFieldInteger64 (feature, w->version_column, 1);
  return add_feature (w, w->parcels, feature, geometry, TRUE, error);
}

gboolean
mq_project_file_writer_add_reference (MqProjectFileWriter  *w,
                                 MqRefKind         kind,
                                 const char       *name,
                                 double            width_m,
                                 OGRGeometryH      geometry,
                                 GError          **error)
{
  OGRLayerH layer = kind == MQ_REF_ROAD ? w->roads : kind == MQ_REF_RIVER ? w->rivers : w->zone;
  OGRFeatureH feature = OGR_F_Create (OGR_L_GetLayerDefn (layer));

  OGR_F_SetFieldString (feature, 0, name);
  if (layer == w->zone)
    OGR_F_SetFieldString (feature, 1, kind == MQ_REF_PART ? "part" : "zone");
  else
    OGR_F_SetFieldDouble (feature, 1, width_m);
  return add_feature (w, layer, feature, geometry, layer == w->zone, error);
}

gboolean
mq_project_file_writer_set_setting (MqProjectFileWriter  *w,
                               const char       *key,
                               const char       *value,
                               GError          **error)
{
  OGRFeatureH feature = OGR_F_Create (OGR_L_GetLayerDefn (w->settings));

  OGR_F_SetFieldString (feature, 0, key);
  OGR_F_SetFieldString (feature, 1, value);
  return add_feature (w, w->settings, feature, NULL, FALSE, error);
}

/* A history row the project starts with (the sample's past). */
gboolean
mq_project_file_writer_add_history (MqProjectFileWriter  *w,
                                    const MqHistoryEntry *e,
                                    gint64                batch,
                                    GError              **error)
{
  OGRFeatureH f = OGR_F_Create (OGR_L_GetLayerDefn (w->history));
  const char *const columns[] = { "changed_at", "user", "parcel_id", "field", "old_value", "new_value", "action" };
  const char *values[] = { e->changed_at, e->user, e->parcel_id, e->field, e->old_value, e->new_value, e->action };
  gboolean ok;

  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    if (values[i] != NULL)
      OGR_F_SetFieldString (f, OGR_F_GetFieldIndex (f, columns[i]), values[i]);
  OGR_F_SetFieldInteger64 (f, OGR_F_GetFieldIndex (f, "batch"), batch);
  ok = OGR_L_CreateFeature (w->history, f) == OGRERR_NONE;
  OGR_F_Destroy (f);
  return ok || fail (error, MQ_PROJECT_FILE_ERROR_WRITE, w->path);
}

/* Commits, closes and renames the finished file into place. */
gboolean
mq_project_file_writer_commit (MqProjectFileWriter  *w,
                          GError          **error)
{
  g_autofree char *version = g_strdup_printf ("%d", MQ_PROJECT_SCHEMA_VERSION);
  g_autoptr(GError) local = NULL;

  if (!mq_project_file_writer_set_setting (w, "schema_version", version, error))
    return FALSE;
  if (GDALDatasetCommitTransaction (w->ds) != OGRERR_NONE)
    return fail (error, MQ_PROJECT_FILE_ERROR_WRITE, w->path);
  GDALClose (g_steal_pointer (&w->ds));
  if (!mq_output_commit (w->output, &local))
    {
      g_set_error_literal (error, MQ_PROJECT_FILE_ERROR,
                           g_error_matches (local, MQ_OUTPUT_ERROR, MQ_OUTPUT_ERROR_EXISTS)
                             ? MQ_PROJECT_FILE_ERROR_EXISTS : MQ_PROJECT_FILE_ERROR_WRITE, local->message);
      return FALSE;
    }
  return TRUE;
}

/**
 * mq_project_file_writer_keep_existing:
 *
 * On commit, a file found at the path (another import's, made meanwhile) is
 * left as it is and the commit fails, rather than replacing it.
 */
void
mq_project_file_writer_keep_existing (MqProjectFileWriter *w)
{
  mq_output_set_replace (w->output, FALSE);
}

/* The source's field map, so that a value which did not read is left empty
 * rather than written as the record's default. */
void
mq_project_file_writer_set_field_map (MqProjectFileWriter *w,
                                      const MqFieldMap    *map)
{
  w->map = map;
}

/* Freeing an uncommitted writer discards the partial file. */
void
mq_project_file_writer_free (MqProjectFileWriter *w)
{
  if (w == NULL)
    return;
  g_clear_pointer (&w->ds, GDALClose);
  g_clear_pointer (&w->output, mq_output_free);
  g_clear_pointer (&w->source_columns, g_array_unref);
  g_free (w->path);
  g_free (w);
}
