/* mq-load.c — reading any OGR vector source into a dataset.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-dataset-private.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "mq-area.h"
#include "mq-crs.h"
#include "mq-field-map.h"
#include "mq-field-text.h"
#include "mq-geometry-check.h"
#include "mq-server.h"
#include "mq-server-file.h"
#include "mq-shapefile.h"
#include "mq-task.h"
#include "mq-terms.h"

/* A source this broken is not read further: a random file parsed as records. */
#define MAX_DAMAGED_RECORDS 100000

/* Survey and computed areas may differ by this much before it is a problem. */
#define SURVEY_AREA_TOLERANCE 0.005

typedef enum
{
  VALUE_TEXT,
  VALUE_INTEGER,
  VALUE_INTEGER64,
  VALUE_REAL,
  VALUE_OTHER,      /* dates, lists, booleans: as GDAL writes them */
} ValueType;

typedef struct
{
  ValueType type;
  int       width;
  int       precision;
} FieldKind;

/* State of one load; everything GDAL hands out is released in load_clear(). */
typedef struct
{
  const char                  *path;       /* for messages: a server's without its password */
  char                        *server;     /* "PG:…" for a project on a server */
  char                        *conninfo;   /* the same for libpq (the store): never shown */
  char                        *schema;
  const MqLoadOptions         *options;
  GDALDatasetH                 ds;
  OGRSpatialReferenceH         source_srs;
  OGRSpatialReferenceH         display_srs;
  OGRCoordinateTransformationH to_display;
  MqAreaCalc                  *area;
  gboolean                     geographic;
  double                       center_lon;  /* of a geographic source, for its display zone */
  gboolean                     shapefile;
  char                        *shp_path;
  MqShapefileInfo              shp_info;
  MqDecoder                   *decoder;
  GPtrArray                   *values;     /* one feature's decoded values, reused */
  GString                     *text;       /* their texts, end to end */
  GArray                      *text_at;    /* gssize: where each begins in text, -1 for none */
  FieldKind                   *kinds;      /* per attribute: how its values are read */
  guint                        n_damaged;
  guint                        n_grouped_areas;
  guint                        n_skipped;     /* points and lines of a mixed layer */
  int                          geom_field;    /* the layer's polygon geometry field */
  int                          version_field; /* a project's row_version column, or -1 */
  char                        *scratch_dir;   /* a private copy of a source whose driver */
  char                        *scratch_path;  /* writes beside it, or NULL */
  MqDataset                   *result;
} Load;

static void
load_clear (Load *load)
{
  /* Both may hold a password: wiped, not just freed. */
  if (load->server != NULL)
    memset (load->server, 0, strlen (load->server));
  if (load->conninfo != NULL)
    memset (load->conninfo, 0, strlen (load->conninfo));
  g_clear_pointer (&load->server, g_free);
  g_clear_pointer (&load->conninfo, g_free);
  g_clear_pointer (&load->schema, g_free);
  g_clear_pointer (&load->to_display, OCTDestroyCoordinateTransformation);
  g_clear_pointer (&load->area, mq_area_calc_free);
  g_clear_pointer (&load->values, g_ptr_array_unref);
  if (load->text != NULL)
    g_string_free (g_steal_pointer (&load->text), TRUE);
  g_clear_pointer (&load->text_at, g_array_unref);
  g_clear_pointer (&load->kinds, g_free);
  g_clear_pointer (&load->source_srs, OSRRelease);
  g_clear_pointer (&load->display_srs, OSRRelease);
  g_clear_pointer (&load->ds, GDALClose);
  if (load->scratch_dir != NULL)
    VSIRmdirRecursive (load->scratch_dir);
  g_clear_pointer (&load->scratch_dir, g_free);
  g_clear_pointer (&load->scratch_path, g_free);
  g_clear_pointer (&load->shp_path, g_free);
  g_clear_pointer (&load->decoder, mq_decoder_free);
  g_clear_object (&load->result);
}

static void
warn (MqDataset  *result,
      char       *message)
{
  g_ptr_array_add (result->warnings, message);
}

/* A message on one line: GDAL's (a DWG or DXF error is three lines) and
 * PROJ's may span several, and some name GDAL's own source files. */
static char *
fold_message (const char *message)
{
  g_autoptr(GRegex) source_path = g_regex_new ("\\S*/[^\\s/]+\\.(cpp|c|h)(:[0-9]+)?:?\\s*",
                                               0, 0, NULL);
  /* GDAL may quote bytes of a damaged file: GRegex takes UTF-8 only. */
  g_autofree char *valid = g_utf8_make_valid (message ? message : "", -1);
  g_auto(GStrv) lines = g_strsplit_set (valid, "\r\n", -1);
  GString *out = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *clean = g_regex_replace_literal (source_path, lines[i], -1, 0, "", 0,
                                                        NULL);

      g_strstrip (clean);
      if (*clean != '\0' && strstr (out->str, clean) == NULL)
        g_string_append_printf (out, "%s%s", out->len ? "; " : "", clean);
    }
  return g_string_free (out, FALSE);
}

/* GDAL's own words for the last failure, for the one-line message. */
static char *
dup_gdal_reason (void)
{
  const char *msg = CPLGetLastErrorMsg ();

  if (msg == NULL || *msg == '\0')
    return g_strdup (_("not a readable vector data source"));
  return fold_message (msg);
}

/* A shapefile is three files at least; say which one is missing rather than
 * let GDAL open a .shp without its attributes. */
static gboolean
check_parts (Load    *load,
             GError **error)
{
  guint64 size;

  if (g_file_test (load->path, G_FILE_TEST_IS_REGULAR) && mq_vsi_file_size (load->path, &size) &&
      size == 0)
    {
      g_set_error (error, MQ_DATASET_ERROR, MQ_DATASET_ERROR_OPEN_FAILED,
                   _("%s: the file is empty (0 bytes)"), load->path);
      return FALSE;
    }
  if (!g_str_has_suffix (load->path, ".shp") && !g_str_has_suffix (load->path, ".SHP"))
    return TRUE;
  load->shapefile = mq_shapefile_inspect (load->path, &load->shp_info);
  if (load->shapefile && !load->shp_info.has_shx)
    {
      g_set_error (error, MQ_DATASET_ERROR, MQ_DATASET_ERROR_MISSING_PART,
                   _("%s: the .shx index that belongs to it is missing; a shapefile is several files: "
                     "copy its .shx (same name) beside it"), load->path);
      return FALSE;
    }
  if (load->shapefile && !load->shp_info.has_dbf)
    {
      g_set_error (error, MQ_DATASET_ERROR, MQ_DATASET_ERROR_MISSING_PART,
                   _("%s: the .dbf attribute table that belongs to it is missing; a shapefile is several "
                     "files: copy its .dbf (same name) beside it"), load->path);
      return FALSE;
    }
  return TRUE;
}

/* Opening a file never writes beside it: GML would leave a .gfs schema in
 * the user's folder. Options go only to the driver that knows them (others
 * warn, and a warning would stand in for the real reason of a failure). */
static const char *const *
open_options_for (const char *path)
{
  static const char *const gml[] = { "WRITE_GFS=NO", NULL };
  GDALDriverH driver = GDALIdentifyDriverEx (path, GDAL_OF_VECTOR, NULL, NULL);
  const char *name = driver ? GDALGetDriverShortName (driver) : "";

  if (g_str_equal (name, "GML") || g_str_equal (name, "NAS"))
    return gml;
  return NULL;
}

/* Drivers that write beside the file they read, whatever they are told: NAS
 * its .gfs schema, VFK an SQLite database, SOSI an index folder. */
static gboolean
is_sosi (const char *path)
{
  char head[1025] = { 0 };
  VSILFILE *f = VSIFOpenL (path, "rb");

  if (f == NULL)
    return FALSE;
  VSIFReadL (head, 1, sizeof head - 1, f);
  VSIFCloseL (f);
  return strstr (head, ".HODE") != NULL;
}

static gboolean
writes_beside (const char *path)
{
  static const char *const writers[] = { "NAS", "VFK" };
  GDALDriverH driver;

  /* SOSI's identification is a "maybe", which GDAL settles by opening the
   * file: that alone would write the index folder. */
  if (is_sosi (path))
    return TRUE;
  driver = GDALIdentifyDriverEx (path, GDAL_OF_VECTOR, NULL, NULL);

  if (driver == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (writers); i++)
    if (g_str_equal (GDALGetDriverShortName (driver), writers[i]))
      return TRUE;
  return FALSE;
}

/* Such a source is read from a private copy, so the user's folder stays as
 * it was; the copy goes when the load ends. Returns the path to open. */
static const char *
scratch_copy (Load    *load,
              GError **error)
{
  g_autofree char *base = g_path_get_basename (load->path);
  g_autoptr(GFile) from = g_file_new_for_path (load->path);
  g_autoptr(GFile) to = NULL;
  g_autoptr(GError) local = NULL;

  load->scratch_dir = g_dir_make_tmp ("maqiao-read-XXXXXX", &local);
  if (load->scratch_dir != NULL)
    {
      load->scratch_path = g_build_filename (load->scratch_dir, base, NULL);
      to = g_file_new_for_path (load->scratch_path);
      if (g_file_copy (from, to, G_FILE_COPY_NONE, NULL, NULL, NULL, &local))
        return load->scratch_path;
    }
  g_set_error (error, MQ_DATASET_ERROR, MQ_DATASET_ERROR_OPEN_FAILED,
               _("%s: cannot be opened: %s"), load->path, local->message);
  return NULL;
}

/* A project on a PostgreSQL/PostGIS server is read as one snapshot
 * (REPEATABLE READ from the first query to the last), so that a planner
 * committing meanwhile is not taken for lost records. */
static gboolean
open_server (Load    *load,
             GError **error)
{
  static const char *const pg_driver[] = { "PostgreSQL", NULL };
  g_autofree char *schemas = g_strconcat ("SCHEMAS=", load->schema, NULL);
  g_autofree char *active = g_strconcat ("ACTIVE_SCHEMA=", load->schema, NULL);
  const char *options[] = {
    schemas, active, "LIST_ALL_TABLES=NO",
    "PRELUDE_STATEMENTS=BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
    "CLOSING_STATEMENTS=COMMIT", NULL,
  };
  g_autofree char *reason = NULL;

  CPLErrorReset ();
  load->ds = GDALOpenEx (load->server, GDAL_OF_VECTOR | GDAL_OF_READONLY, pg_driver, options, NULL);
  if (load->ds != NULL)
    return TRUE;
  reason = dup_gdal_reason ();
  g_set_error (error, MQ_DATASET_ERROR, MQ_DATASET_ERROR_OPEN_FAILED,
               _("%s: cannot be opened: %s"), load->path, reason);
  return FALSE;
}

static gboolean
open_source (Load    *load,
             GError **error)
{
  /* Shapefiles are opened without GDAL's recoding so that the bytes reach our
   * own per-file decision (GDAL would take an unmarked DBF as Latin-1). */
  static const char *const shp_driver[] = { "ESRI Shapefile", NULL };
  static const char *const raw_text[] = { "ENCODING=", NULL };
  const char *open_path = load->path;

  if (load->server != NULL)
    return open_server (load, error);
  if (!g_file_test (load->path, G_FILE_TEST_EXISTS) && !g_str_has_prefix (load->path, "/vsi"))
    {
      g_set_error (error, MQ_DATASET_ERROR, MQ_DATASET_ERROR_NOT_FOUND,
                   _("%s: no such file"), load->path);
      return FALSE;
    }
  if (!check_parts (load, error))
    return FALSE;
  if (writes_beside (load->path) && (open_path = scratch_copy (load, error)) == NULL)
    return FALSE;
  CPLErrorReset ();
  load->ds = GDALOpenEx (open_path, GDAL_OF_VECTOR | GDAL_OF_READONLY,
                         shp_driver, raw_text, NULL);
  if (load->ds == NULL)
    {
      CPLErrorReset ();
      load->ds = GDALOpenEx (open_path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL,
                             open_options_for (open_path), NULL);
    }
  if (load->ds == NULL)
    {
      g_autofree char *reason = dup_gdal_reason ();

      g_set_error (error, MQ_DATASET_ERROR, MQ_DATASET_ERROR_OPEN_FAILED,
                   _("%s: cannot be opened: %s"), load->path, reason);
      return FALSE;
    }
  return TRUE;
}

static gboolean
is_polygon_type (OGRwkbGeometryType type)
{
  type = wkbFlatten (type);
  return type == wkbPolygon || type == wkbMultiPolygon || type == wkbCurvePolygon ||
         type == wkbMultiSurface || type == wkbSurface;
}

/* How many features of a layer of undeclared type are looked at. */
#define MAX_SCANNED_FEATURES 100000

static gboolean
is_undeclared_type (OGRwkbGeometryType type)
{
  type = wkbFlatten (type);
  return type == wkbUnknown || type == wkbGeometryCollection;
}

/* Solids and meshes (DXF 3DSOLID, CityGML buildings, shapefile multipatches):
 * surfaces, but not the outline of a piece of land. */
static gboolean
holds_3d_surface (OGRGeometryH geometry)
{
  OGRwkbGeometryType type;

  if (geometry == NULL)
    return FALSE;
  type = wkbFlatten (OGR_G_GetGeometryType (geometry));
  if (type == wkbPolyhedralSurface || type == wkbTIN || type == wkbTriangle)
    return TRUE;
  if (type == wkbGeometryCollection)
    for (int i = 0; i < OGR_G_GetGeometryCount (geometry); i++)
      if (holds_3d_surface (OGR_G_GetGeometryRef (geometry, i)))
        return TRUE;
  return FALSE;
}

/* A polygon, or a collection (GML MultiGeometry, GeoJSON) holding one; a
 * solid whose faces are polygons (a shapefile multipatch) is no parcel. */
static gboolean
holds_polygon (OGRGeometryH geometry)
{
  if (geometry == NULL)
    return FALSE;
  if (is_polygon_type (OGR_G_GetGeometryType (geometry)))
    return TRUE;
  if (wkbFlatten (OGR_G_GetGeometryType (geometry)) == wkbGeometryCollection &&
      !holds_3d_surface (geometry))
    for (int i = 0; i < OGR_G_GetGeometryCount (geometry); i++)
      if (holds_polygon (OGR_G_GetGeometryRef (geometry, i)))
        return TRUE;
  return FALSE;
}

/* The first geometry field for which a feature holds a polygon; -1 when
 * none does. Only fields of undeclared type are looked at, or every field
 * when @any_declared (a shapefile whose header says points may hold
 * polygons: GDAL's "non-conformant" mixed shapefiles). @surfaces_3d is set
 * when 3-D surfaces were met instead, so the refusal can say so. */
static int
scan_for_polygons (OGRLayerH  layer,
                   gboolean   any_declared,
                   gboolean  *surfaces_3d)
{
  OGRFeatureDefnH defn = OGR_L_GetLayerDefn (layer);
  int n_fields = OGR_FD_GetGeomFieldCount (defn);
  int found = -1;
  OGRFeatureH f;

  OGR_L_ResetReading (layer);
  for (guint n = 0; found < 0 && n < MAX_SCANNED_FEATURES &&
                    (f = OGR_L_GetNextFeature (layer)) != NULL; n++)
    {
      for (int i = 0; i < n_fields && found < 0; i++)
        {
          OGRGeometryH g = OGR_F_GetGeomFieldRef (f, i);

          if (!any_declared &&
              !is_undeclared_type (OGR_GFld_GetType (OGR_FD_GetGeomFieldDefn (defn, i))))
            continue;
          if (holds_polygon (g))
            found = i;
          else if (surfaces_3d != NULL && holds_3d_surface (g))
            *surfaces_3d = TRUE;
        }
      OGR_F_Destroy (f);
    }
  OGR_L_ResetReading (layer);
  return found;
}

/* The layer's geometry field that holds polygons, or -1. A declared type is
 * believed; a layer of unknown or mixed type (GeoJSON, DXF, MapInfo, DGN,
 * CSV with WKT, KML) is judged by its features, not by its first one, and
 * every geometry field counts, not only the first. */
static int
polygon_geom_field (OGRLayerH layer)
{
  OGRFeatureDefnH defn = OGR_L_GetLayerDefn (layer);
  gboolean undeclared = FALSE;

  for (int i = 0; i < OGR_FD_GetGeomFieldCount (defn); i++)
    {
      OGRwkbGeometryType type = OGR_GFld_GetType (OGR_FD_GetGeomFieldDefn (defn, i));

      if (is_polygon_type (type))
        return i;
      undeclared |= is_undeclared_type (type);
    }
  return undeclared ? scan_for_polygons (layer, FALSE, NULL) : -1;
}

static gboolean
is_polygon_layer (OGRLayerH layer)
{
  return polygon_geom_field (layer) >= 0;
}

static gboolean
is_shapefile (GDALDatasetH ds)
{
  return g_str_equal (GDALGetDriverShortName (GDALGetDatasetDriver (ds)), "ESRI Shapefile");
}

static GStrv
polygon_layer_names (GDALDatasetH ds)
{
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();

  for (int i = 0; i < GDALDatasetGetLayerCount (ds); i++)
    if (is_polygon_layer (GDALDatasetGetLayer (ds, i)))
      g_strv_builder_add (names, OGR_L_GetName (GDALDatasetGetLayer (ds, i)));
  return g_strv_builder_end (names);
}

/* A GML whose areas are topology (gml:Face, TopoSurface: edges shared
 * between faces) has no polygons as GDAL reads it by default; resolving it
 * would write a resolved copy beside the file. Said, not refused blindly. */
static gboolean
is_gml_topology (Load *load)
{
  char head[65537] = { 0 };
  VSILFILE *f;

  if (!g_str_equal (GDALGetDriverShortName (GDALGetDatasetDriver (load->ds)), "GML") ||
      (f = VSIFOpenL (load->path, "rb")) == NULL)
    return FALSE;
  VSIFReadL (head, 1, sizeof head - 1, f);
  VSIFCloseL (f);
  return strstr (head, "<gml:Face") != NULL || strstr (head, "TopoSurface") != NULL;
}

/* The named layer, else this project's "parcels", else the first polygon layer. */
static OGRLayerH
pick_layer (Load    *load,
            GError **error)
{
  GDALDatasetH ds = load->ds;
  const char *wanted = load->options ? load->options->layer : NULL;
  gboolean surfaces_3d = FALSE;
  OGRLayerH layer;

  if (wanted != NULL)
    {
      layer = GDALDatasetGetLayerByName (ds, wanted);
      if (layer == NULL)
        g_set_error (error, MQ_DATASET_ERROR, MQ_DATASET_ERROR_NO_LAYER,
                     _("%s: has no layer named “%s”"), load->path, wanted);
      else
        load->geom_field = MAX (0, polygon_geom_field (layer));
      return layer;
    }
  layer = GDALDatasetGetLayerByName (ds, "parcels");
  if (layer != NULL && (load->geom_field = polygon_geom_field (layer)) >= 0)
    return layer;
  if (load->server != NULL)
    {
      g_set_error (error, MQ_DATASET_ERROR, MQ_DATASET_ERROR_NO_LAYER,
                   _("%s: no project is published there (maqiao-land --publish puts one there)"),
                   load->path);
      return NULL;
    }
  for (int i = 0; i < GDALDatasetGetLayerCount (ds); i++)
    if ((load->geom_field = polygon_geom_field (GDALDatasetGetLayer (ds, i))) >= 0)
      return GDALDatasetGetLayer (ds, i);
  /* Before refusing: a layer declared as points or lines may still hold
   * polygons (a mixed shapefile); its points and lines are skipped, counted. */
  for (int i = 0; i < GDALDatasetGetLayerCount (ds); i++)
    if ((load->geom_field = scan_for_polygons (GDALDatasetGetLayer (ds, i), TRUE, &surfaces_3d)) >= 0)
      return GDALDatasetGetLayer (ds, i);
  if (is_gml_topology (load))
    g_set_error (error, MQ_DATASET_ERROR, MQ_DATASET_ERROR_NO_POLYGONS,
                 _("%s: holds GML topology (faces made of shared edges), which is not read; "
                   "export the parcels as polygons"), load->path);
  else if (surfaces_3d)
    g_set_error (error, MQ_DATASET_ERROR, MQ_DATASET_ERROR_NO_POLYGONS,
                 _("%s: holds 3-D surfaces (solids, meshes or multipatches), not the polygons "
                   "of parcels; export the parcels' outlines as 2-D polygons"), load->path);
  else
    g_set_error (error, MQ_DATASET_ERROR, MQ_DATASET_ERROR_NO_POLYGONS,
                 _("%s: holds no polygons (parcels must be areas, not points or lines); "
                   "export the parcels as polygons"), load->path);
  return NULL;
}

static double
center_lon (Load      *load,
            OGRLayerH  layer)
{
  OGREnvelope env;

  if (OGR_L_GetExtentEx (layer, load->geom_field, &env, TRUE) != OGRERR_NONE)
    return 120.0;
  return (env.MinX + env.MaxX) / 2.0;
}

/* ", perhaps EPSG:4549 (…) or EPSG:4548 (…)" from the coordinates. */
static char *
suggestion_text (Load      *load,
                 OGRLayerH  layer)
{
  g_autoptr(GArray) codes = NULL;
  g_autofree char *first = NULL, *second = NULL;
  OGREnvelope env;
  MqBox box;

  if (OGR_L_GetExtentEx (layer, load->geom_field, &env, TRUE) != OGRERR_NONE)
    return g_strdup ("");
  box = (MqBox) { env.MinX, env.MinY, env.MaxX, env.MaxY };
  codes = mq_crs_suggest (&box);
  if (codes->len == 0)
    return g_strdup ("");
  first = mq_crs_dup_epsg_description (g_array_index (codes, int, 0));
  if (codes->len == 1)
    return g_strdup_printf (_("; the coordinates suggest %s"), first);
  second = mq_crs_dup_epsg_description (g_array_index (codes, int, 1));
  return g_strdup_printf (_("; the coordinates suggest %s or %s"), first, second);
}

/* Why the source's own CRS cannot be used, or NULL when it can. An empty or
 * engineering ("NonEarth", LOCAL_CS) CRS, or a GeoPackage's srs_id 0/-1
 * "Undefined" SRS, places nothing on the earth: it counts as missing. */
static char *
crs_missing_reason (Load                 *load,
                    OGRSpatialReferenceH  srs)
{
  const char *name = srs ? OSRGetName (srs) : NULL;

  if (srs == NULL)
    return g_strdup (load->shapefile || is_shapefile (load->ds) ? _("no .prj")
                                                                : _("none in the file"));
  if ((OSRIsGeographic (srs) || OSRIsProjected (srs)) &&
      (name == NULL || !g_str_has_prefix (name, "Undefined")))
    return NULL;
  return g_strdup_printf (_("only an undefined or engineering one, “%s”"),
                          name && *name ? name : "?");
}

/* The source CRS is never guessed: it comes from the file or from the user. */
static gboolean
setup_crs (Load      *load,
           OGRLayerH  layer,
           GError   **error)
{
  const char *user = load->options ? load->options->crs : NULL;
  OGRSpatialReferenceH srs = OGR_GFld_GetSpatialRef (
    OGR_FD_GetGeomFieldDefn (OGR_L_GetLayerDefn (layer), load->geom_field));
  g_autoptr(GError) local_error = NULL;
  g_autofree char *missing = NULL;

  if (user != NULL)
    {
      load->source_srs = mq_crs_new_from_user (user, &local_error);
      if (load->source_srs == NULL)
        {
          g_autofree char *message = fold_message (local_error->message);

          g_set_error (error, MQ_DATASET_ERROR, MQ_DATASET_ERROR_BAD_CRS,
                       "%s: %s", load->path, message);
          return FALSE;
        }
    }
  else if ((missing = crs_missing_reason (load, srs)) != NULL)
    {
      g_autofree char *hint = suggestion_text (load, layer);

      g_set_error (error, MQ_DATASET_ERROR, MQ_DATASET_ERROR_NO_CRS,
                   _("%s: has no coordinate reference system (%s); say which one it is "
                     "with --crs=EPSG:N%s"), load->path, missing, hint);
      return FALSE;
    }
  else
    {
      load->source_srs = OSRClone (srs);
      OSRSetAxisMappingStrategy (load->source_srs, OAMS_TRADITIONAL_GIS_ORDER);
    }

  load->geographic = OSRIsGeographic (load->source_srs);
  /* A geographic source is shown in the Gauss–Krüger zone of its centre. */
  load->center_lon = load->geographic ? center_lon (load, layer) : 120.0;
  return TRUE;
}

/* The display CRS, the transform to it, the area's projection and the
 * CRS's name: PROJ's work, not the layer's, so it is done on the loading
 * thread while the reader takes the first features (at 10⁵ parcels it was
 * a tenth of the open, before anything was read). */
/* A source CRS without a code (an ESRI .prj) takes the EPSG definition it
 * matches with confidence, as GDAL would have had it: the label and every
 * later look-up then know it by its code. */
static void
identify_source (Load *load)
{
  const char *target = OSRIsProjected (load->source_srs) ? "PROJCS" : "GEOGCS";
  OGRSpatialReferenceH found;
  int code;

  if (OSRGetAuthorityName (load->source_srs, target) != NULL ||
      (code = mq_crs_get_epsg (load->source_srs)) <= 0 || (found = mq_crs_new_epsg (code)) == NULL)
    return;
  OSRRelease (load->source_srs);
  load->source_srs = found;
}

static gboolean
setup_display (Load    *load,
               GError **error)
{
  g_autoptr(GError) local_error = NULL;

  identify_source (load);
  load->display_srs = mq_crs_new_display_for (load->source_srs, load->center_lon);
  load->to_display = mq_crs_new_transform (load->source_srs, load->display_srs, &local_error);
  if (local_error == NULL)
    load->area = mq_area_calc_new (load->display_srs, &local_error);
  if (local_error != NULL)
    {
      g_set_error (error, MQ_DATASET_ERROR, MQ_DATASET_ERROR_BAD_CRS,
                   "%s: %s", load->path, local_error->message);
      return FALSE;
    }
  load->result->crs_label = mq_crs_dup_label (load->source_srs);
  OSRExportToWkt (load->display_srs, &load->result->display_wkt);
  return TRUE;
}

static gboolean
setup_encoding (Load      *load,
                OGRLayerH  layer,
                GError   **error)
{
  MqDataset *result = load->result;
  const char *user = load->options ? load->options->encoding : NULL;
  MqEncodingSource source = MQ_ENCODING_SOURCE_DEFAULT;
  g_autofree char *declared = NULL;

  if (user != NULL)
    {
      declared = mq_encoding_normalize (user);
      source = MQ_ENCODING_SOURCE_USER;
      if (declared == NULL || (load->decoder = mq_decoder_new (declared)) == NULL)
        {
          g_set_error (error, MQ_DATASET_ERROR, MQ_DATASET_ERROR_BAD_ENCODING,
                       _("%s: unknown text encoding “%s”"), load->path, user);
          return FALSE;
        }
    }
  else if (is_shapefile (load->ds))
    declared = mq_encoding_from_shapefile (load->shp_path, &source);

  if (declared == NULL)
    {
      gboolean utf8 = mq_encoding_layer_is_utf8 (layer);

      declared = g_strdup (utf8 ? "UTF-8" : "GB18030");
      source = (utf8 && !is_shapefile (load->ds)) ? MQ_ENCODING_SOURCE_DEFAULT
                                                  : MQ_ENCODING_SOURCE_DETECTED;
    }
  if (load->decoder == NULL)
    load->decoder = mq_decoder_new (declared);
  if (load->decoder == NULL)
    {
      g_set_error (error, MQ_DATASET_ERROR, MQ_DATASET_ERROR_BAD_ENCODING,
                   _("%s: unknown text encoding “%s”"), load->path, declared);
      return FALSE;
    }
  /* A guess is said, so that Latin-1 text read as Chinese is seen. */
  if (source == MQ_ENCODING_SOURCE_DETECTED)
    warn (result, g_strdup_printf (_("text encoding recognised as %s from the bytes; "
                                     "change it with --encoding"), declared));
  result->encoding = g_steal_pointer (&declared);
  result->encoding_source = source;
  return TRUE;
}

/* How a field's values are read: numbers as numbers (written without
 * printf where mq_field_text can be sure of GDAL's text), strings in
 * place, anything else as GDAL writes it. Found once per layer. */
static void
setup_field_kinds (Load            *load,
                   OGRFeatureDefnH  defn,
                   int              n_fields)
{
  load->kinds = g_new0 (FieldKind, MAX (n_fields, 1));
  for (int i = 0; i < n_fields; i++)
    {
      OGRFieldDefnH field = OGR_FD_GetFieldDefn (defn, i);
      FieldKind *k = &load->kinds[i];

      k->width = OGR_Fld_GetWidth (field);
      k->precision = OGR_Fld_GetPrecision (field);
      if (OGR_Fld_GetSubType (field) != OFSTNone)
        k->type = VALUE_OTHER;
      else if (OGR_Fld_GetType (field) == OFTInteger)
        k->type = VALUE_INTEGER;
      else if (OGR_Fld_GetType (field) == OFTInteger64)
        k->type = VALUE_INTEGER64;
      else if (OGR_Fld_GetType (field) == OFTReal)
        k->type = VALUE_REAL;
      else if (OGR_Fld_GetType (field) == OFTString)
        k->type = VALUE_TEXT;
      else
        k->type = VALUE_OTHER;
    }
}

/* A number's text appended (with its NUL), or FALSE, nothing appended,
 * where GDAL's own text must be asked for. */
static gboolean
append_number (const FieldKind *kind,
               const OGRField  *raw,
               GString         *out)
{
  char buf[MQ_FIELD_TEXT_SIZE];

  switch (kind->type)
    {
    case VALUE_INTEGER:
      mq_field_text_integer (raw->Integer, buf);
      break;
    case VALUE_INTEGER64:
      mq_field_text_integer (raw->Integer64, buf);
      break;
    case VALUE_REAL:
      if (!mq_field_text_real (raw->Real, kind->width, kind->precision, buf))
        return FALSE;
      break;
    default:
      return FALSE;
    }
  g_string_append_len (out, buf, strlen (buf) + 1);
  return TRUE;
}

/* Reads one feature's attribute values as UTF-8 strings, one per field
 * (NULL where unset: the array is not NULL-terminated), into the load's
 * one array (valid until the next feature); *lossy tells whether any had
 * to be cut. The texts are laid end to end in one reused buffer: a string
 * allocated and freed per value was a tenth of the loading thread. The
 * values are read from the feature's own fields (a string in place, a
 * number as a number), not through GDAL's per-value accessors. */
static GPtrArray *
decode_values (Load        *load,
               OGRFeatureH  feature,
               int          n_fields,
               gboolean    *lossy)
{
  GPtrArray *values = load->values;
  GString *text = load->text;
  gssize *at = (gssize *) load->text_at->data;

  g_string_truncate (text, 0);
  for (int i = 0; i < n_fields; i++)
    {
      const OGRField *raw = OGR_F_GetRawFieldRef (feature, i);
      const FieldKind *kind = &load->kinds[i];
      gboolean cut = FALSE;
      const char *bytes;

      at[i] = -1;
      if (raw == NULL || OGR_RawField_IsUnset (raw) || OGR_RawField_IsNull (raw))
        continue;
      at[i] = text->len;
      if (append_number (kind, raw, text))
        continue;
      bytes = kind->type == VALUE_TEXT ? raw->String : OGR_F_GetFieldAsString (feature, i);
      if (bytes == NULL || !mq_decoder_append (load->decoder, bytes, text, &cut))
        at[i] = -1;
      load->result->n_lossy += cut ? 1 : 0;
      *lossy |= cut;
    }
  /* Pointers only now: the buffer may have moved as it grew. */
  g_ptr_array_set_size (values, n_fields);
  for (int i = 0; i < n_fields; i++)
    values->pdata[i] = at[i] < 0 ? NULL : text->str + at[i];
  return values;
}

/* The area of a geometry that needs repair: stray holes left out (they
 * are not land of the parcel's), then GEOS's make-valid, in the source's
 * CRS; measured in the display CRS. */
static double
measure_repaired (Load         *load,
                  OGRGeometryH  geometry,
                  MqProblem     problems)
{
  OGRGeometryH without = NULL, repaired;
  double area;

  if (problems & MQ_PROBLEM_HOLE_OUTSIDE)
    geometry = without = mq_geometry_dup_without_stray_holes (geometry);
  repaired = mq_geometry_dup_repaired (geometry);
  if (repaired != NULL && load->to_display != NULL &&
      OGR_G_Transform (repaired, load->to_display) != OGRERR_NONE)
    area = NAN;
  else
    area = repaired ? mq_area_calc_measure (load->area, repaired) : 0.0;
  g_clear_pointer (&repaired, OGR_G_DestroyGeometry);
  g_clear_pointer (&without, OGR_G_DestroyGeometry);
  return area;
}

/* Whether the feature just stored (its rings as read, @start) holds
 * @polygon's rings point for point (mq_shapes leaves out empty rings and
 * points that are not finite). */
static gboolean
stored_whole (const guint  *start,
              guint         n_rings,
              OGRGeometryH  polygon)
{
  if ((guint) OGR_G_GetGeometryCount (polygon) != n_rings)
    return FALSE;
  for (guint r = 0; r < n_rings; r++)
    if (start[r + 1] - start[r] != (guint) OGR_G_GetPointCount (OGR_G_GetGeometryRef (polygon, r)))
      return FALSE;
  return TRUE;
}

/* The area of a parcel that needs no repair, a polygon measured from the
 * points just read (in doubles) rather than copied out of OGR a second time. */
static double
measure_stored (Load         *load,
                MqParcels    *parcels,
                OGRGeometryH  display)
{
  const MqShapes *shapes = mq_parcels_get_shapes (parcels);
  const double *xy;
  const guint *start;
  guint n_rings = mq_shapes_peek_last (shapes, &xy, &start);
  MqBox box = mq_shapes_get_bbox (shapes, mq_shapes_get_n_features (shapes) - 1);
  double area;

  if (wkbFlatten (OGR_G_GetGeometryType (display)) == wkbPolygon &&
      stored_whole (start, n_rings, display) &&
      mq_area_calc_measure_rings (load->area, xy, start, n_rings, &box, &area))
    return area;
  return mq_area_calc_measure (load->area, display);
}

/* The ellipsoidal area of a parcel (linear) whose geometry problems
 * (checked in the source's CRS, mq_geometry_check()) are *problems; the
 * area is measured on its display geometry, and an invalid geometry after
 * repair, saying so. */
static double
measure (Load         *load,
         MqParcels    *parcels,
         OGRGeometryH  geometry,
         OGRGeometryH  display,
         gboolean      display_ok,
         MqProblem    *problems)
{
  double area;

  if (*problems & (MQ_PROBLEM_EMPTY | MQ_PROBLEM_NOT_POLYGON | MQ_PROBLEM_BAD_COORDINATE))
    return 0.0;
  if (!display_ok)
    area = NAN;
  else if (!mq_problem_needs_repair (*problems))
    area = measure_stored (load, parcels, display);
  else
    {
      area = measure_repaired (load, geometry, *problems);
      *problems |= MQ_PROBLEM_MADE_VALID;
    }
  /* Coordinates PROJ cannot take to the ellipsoid have no area. */
  if (!isfinite (area))
    {
      *problems |= MQ_PROBLEM_BAD_COORDINATE;
      area = 0.0;
    }
  /* A polygon of no area is no parcel: say so rather than count 0 mu. */
  else if (area <= 0.0)
    *problems |= MQ_PROBLEM_EMPTY;
  return area;
}

static void
count_problems (MqDataset *result,
                MqProblem  problems)
{
  if (problems == 0)
    return;
  result->n_problem_parcels++;
  for (guint bit = 0; bit < MQ_N_PROBLEM_KINDS; bit++)
    if (problems & (1u << bit))
      result->problem_counts[bit]++;
}

/* The geometry in the display CRS: a transformed copy (which the caller
 * frees), or NULL when the source is in the display CRS already. */
static OGRGeometryH
dup_display (Load         *load,
             OGRGeometryH  geometry,
             gboolean     *ok)
{
  OGRGeometryH copy;

  *ok = TRUE;
  if (geometry == NULL || load->to_display == NULL)
    return NULL;
  copy = OGR_G_Clone (geometry);   /* linear already */
  *ok = OGR_G_Transform (copy, load->to_display) == OGRERR_NONE;
  return copy;
}

/* Columns a GeoPackage keeps for itself; SQLite's default column limit. */
static const char *const reserved_names[] = { "fid", "geom", "geometry", NULL };
#define MAX_ATTRIBUTES (2000 - MQ_N_FIELDS - 4)

/* A name the project file could not hold beside the earlier ones: one that
 * differs from another only by case (QLR, qlr), or fid/geom. */
static gboolean
name_is_taken (char       **names,
               int          n,
               const char  *name)
{
  for (int i = 0; reserved_names[i] != NULL; i++)
    if (g_ascii_strcasecmp (name, reserved_names[i]) == 0)
      return TRUE;
  for (int i = 0; i < n; i++)
    if (g_ascii_strcasecmp (names[i], name) == 0)
      return TRUE;
  return FALSE;
}

/* Keeps an attribute whose name is taken under name_2 (name_3, …), and says so. */
static char *
dup_free_name (Load        *load,
               char       **names,
               int          n,
               const char  *name)
{
  char *renamed;

  if (!name_is_taken (names, n, name))
    return g_strdup (name);
  for (guint k = 2;; k++)
    {
      renamed = g_strdup_printf ("%s_%u", name, k);
      if (!name_is_taken (names, n, renamed))
        break;
      g_free (renamed);
    }
  warn (load->result, g_strdup_printf (_("attribute “%s” is kept as “%s”: its name is taken "
                                         "(another differs only by case, or it is reserved)"),
                                       name, renamed));
  return renamed;
}

/* A project's row_version (the store adds it as the last column) is the
 * parcel's version, not one of its attributes: it is never kept or shown. */
static int
attribute_count (Load            *load,
                 OGRFeatureDefnH  defn)
{
  int n = OGR_FD_GetFieldCount (defn);
  OGRFieldDefnH last = n > 0 ? OGR_FD_GetFieldDefn (defn, n - 1) : NULL;

  load->version_field = -1;
  if (last != NULL && strcmp (OGR_Fld_GetNameRef (last), "row_version") == 0 &&
      (OGR_Fld_GetType (last) == OFTInteger64 || OGR_Fld_GetType (last) == OFTInteger))
    load->version_field = --n;
  return n;
}

/* The source's attribute names, decoded like its values (a GBK .dbf names
 * its columns in GBK, with or without .cpg or LDID), each one unique. */
static char **
field_names (Load             *load,
             OGRFeatureDefnH   defn,
             int               n,
             GError          **error)
{
  char **names;

  if (n > MAX_ATTRIBUTES)
    {
      g_set_error (error, MQ_DATASET_ERROR, MQ_DATASET_ERROR_OPEN_FAILED,
                   _("%s: has %d attributes, more than a project file can hold (%d); "
                     "remove some columns first"), load->path, n, MAX_ATTRIBUTES);
      return NULL;
    }
  names = g_new0 (char *, n + 1);
  for (int i = 0; i < n; i++)
    {
      gboolean cut = FALSE;
      g_autofree char *decoded = mq_decoder_decode (load->decoder,
                                                    OGR_Fld_GetNameRef (OGR_FD_GetFieldDefn (defn, i)),
                                                    &cut);

      /* A column without a name (a damaged .dbf) is named by its place. */
      if (decoded == NULL || *decoded == '\0')
        {
          g_free (decoded);
          decoded = g_strdup_printf ("field_%d", i + 1);
        }
      names[i] = dup_free_name (load, names, i, decoded);
    }
  return names;
}

static const MqLoadSink *
sink_of (Load *load)
{
  return load->options ? load->options->sink : NULL;
}

/* "7,996.65" reads as 7996.65, and the file is told to use plain numbers. */
static void
note_grouped_area (Load               *load,
                   const MqFieldMap   *map,
                   const char *const  *values)
{
  int i = map->index[MQ_FIELD_SURVEY_AREA];
  gboolean grouped = FALSE;
  double area;

  if (i >= 0 && values[i] != NULL && strchr (values[i], ',') != NULL &&
      mq_survey_area_parse (values[i], &area, &grouped) && grouped)
    load->n_grouped_areas++;
}

/* A feature as the reader thread hands it over: its geometry taken from
 * it, linear, and checked. (The transform to the display CRS and the area
 * calculator stay with the loading thread: neither may be used by two.) */
typedef struct
{
  OGRFeatureH  feature;
  OGRGeometryH geometry;      /* linear, taken from the feature; NULL for a point or line */
  gboolean     point_or_line;
  gboolean     checked;       /* by the reader: problems holds mq_geometry_check()'s */
  MqProblem    problems;
} Shaped;

static gboolean
add_parcel (Load         *load,
            MqParcels    *parcels,
            MqFieldMap   *map,
            Shaped       *shaped,
            int           n_fields,
            GError      **error)
{
  const MqLoadSink *sink = sink_of (load);
  OGRFeatureH feature = shaped->feature;
  gboolean display_ok = TRUE, ok;
  /* In the display CRS, a transformed copy only when the CRS differs. */
  OGRGeometryH transformed = dup_display (load, shaped->geometry, &display_ok);
  OGRGeometryH display = transformed ? transformed : shaped->geometry;
  gboolean lossy = FALSE;
  GPtrArray *values = decode_values (load, feature, n_fields, &lossy);
  /* The values as the parcels keep them, in place of the decoded text. */
  MqParcel *record = mq_parcels_append (parcels, OGR_F_GetFID (feature), display,
                                        (const char **) values->pdata,
                                        (const char **) values->pdata);
  const char *const *stored = (const char *const *) values->pdata;
  MqProblem problems = shaped->checked ? shaped->problems
                                       : mq_geometry_check (shaped->geometry, load->geographic);
  MqProblem read_problems;

  read_problems = mq_field_map_fill (map, parcels, record, stored);
  note_grouped_area (load, map, stored);
  record->area_m2 = measure (load, parcels, shaped->geometry, display, display_ok, &problems);
  problems |= read_problems;
  if (record->survey_area_m2 > 0 &&
      fabs (record->area_m2 - record->survey_area_m2) > record->survey_area_m2 * SURVEY_AREA_TOLERANCE)
    problems |= MQ_PROBLEM_SURVEY_AREA;
  if (lossy)
    problems |= MQ_PROBLEM_TRUNCATED_TEXT;
  record->problems = problems;
  if (load->version_field >= 0)
    record->row_version = OGR_F_GetFieldAsInteger64 (feature, load->version_field);
  count_problems (load->result, problems);
  ok = sink == NULL ||
       sink->parcel (sink->data, parcels, mq_parcels_get_n_parcels (parcels) - 1, display, error);
  g_clear_pointer (&transformed, OGR_G_DestroyGeometry);
  return ok;
}

/* Points and lines in a layer of parcels are not parcels of 0 mu: they are
 * left out, and counted. */
static gboolean
is_point_or_line (OGRGeometryH geometry)
{
  OGRwkbGeometryType type;

  if (geometry == NULL)
    return FALSE;
  type = wkbFlatten (OGR_G_GetGeometryType (geometry));
  if (type == wkbPolygon || type == wkbMultiPolygon)
    return FALSE;
  if (type == wkbGeometryCollection)
    {
      for (int i = 0; i < OGR_G_GetGeometryCount (geometry); i++)
        if (!is_point_or_line (OGR_G_GetGeometryRef (geometry, i)))
          return FALSE;
      return OGR_G_GetGeometryCount (geometry) > 0;
    }
  return type == wkbPoint || type == wkbMultiPoint || OGR_GT_IsCurve (type) ||
         OGR_GT_IsSubClassOf (type, wkbMultiCurve);
}

/* For the calling thread's reading only: opening a file writes no .aux.xml beside
 * it. (GDAL 3.6 has no DXF_CLOSED_LINE_AS_POLYGON: closed CAD polylines stay
 * lines, and are left out and counted as such.) */
static void
set_reading_options (gboolean on)
{
  CPLSetThreadLocalConfigOption ("GDAL_PAM_ENABLED", on ? "NO" : NULL);
  /* A shapefile's .prj is identified against PROJ's database by
   * identify_source(), while the reader reads, not by GDAL before it can
   * start (a sixth of the open at 10⁵ parcels). */
  CPLSetThreadLocalConfigOption ("USE_OSR_FIND_MATCHES", on ? "NO" : NULL);
}

/* Reading overlaps the rest of opening: a reader thread takes the
 * features from GDAL (what the read floor does) in batches of READ_BATCH
 * and makes their geometry linear, while the loading thread decodes the
 * values, measures and stores the parcels — about half the work each, the
 * geometry checks going to whichever has time (check_batch()). The reader
 * owns the layer until it ends; a batch passes wholly to the loading thread
 * through one queue, and comes back through another for the reader to free
 * and refill: the batches in flight are the READ_BATCHES_IN_FLIGHT made at
 * the start. Few features are in flight so that they are still in the
 * caches when the other thread takes them: with 2,048 (256 × 8) the reader
 * spent a third more time at 10⁶ parcels, mostly freeing features grown
 * cold, and the loading thread a tenth more. */
#define READ_BATCH 64
#define READ_BATCHES_IN_FLIGHT 8

typedef struct
{
  Load        *load;
  OGRLayerH    layer;
  GAsyncQueue *full;       /* GArray of Shaped; an empty one is the end */
  GAsyncQueue *done;       /* the same arrays back, to be freed */
  gint         stop;       /* set by the loading thread: read no further */
  guint        n_damaged;  /* the reader's until it ends */
} Reader;

static void
shape_feature (Load   *load,
               Shaped *shaped)
{
  shaped->point_or_line = is_point_or_line (OGR_F_GetGeomFieldRef (shaped->feature, load->geom_field));
  if (shaped->point_or_line)
    return;
  /* The feature's own geometry, taken rather than copied. */
  shaped->geometry = mq_geometry_take_linear (OGR_F_StealGeometryEx (shaped->feature, load->geom_field));
}

/* The geometry checks go to whichever thread has time: the reader takes
 * a batch's when the loading thread has batches waiting, else leaves them
 * to it. Either way one of the two does less than the other, by as much as
 * the checks (a sixth of the loading thread's work at 10⁵ parcels), and
 * which one changes with the machine: another process on a core, a file
 * in the page cache or not. */
static void
check_batch (Load   *load,
             GArray *batch)
{
  for (guint k = 0; k < batch->len; k++)
    {
      Shaped *shaped = &g_array_index (batch, Shaped, k);

      if (!shaped->point_or_line)
        shaped->problems = mq_geometry_check (shaped->geometry, load->geographic);
      shaped->checked = TRUE;
    }
}

static void
free_shaped (GArray *batch)
{
  for (guint k = 0; k < batch->len; k++)
    {
      Shaped *shaped = &g_array_index (batch, Shaped, k);

      g_clear_pointer (&shaped->geometry, OGR_G_DestroyGeometry);
      OGR_F_Destroy (shaped->feature);
    }
  g_array_set_size (batch, 0);
}

static gpointer
reader_thread (gpointer data)
{
  Reader *r = data;
  GArray *batch = NULL;
  OGRFeatureH feature;

  CPLPushErrorHandler (CPLQuietErrorHandler);
  set_reading_options (TRUE);
  OGR_L_ResetReading (r->layer);
  while (!g_atomic_int_get (&r->stop))
    {
      Shaped shaped = { 0 };

      CPLErrorReset ();
      feature = OGR_L_GetNextFeature (r->layer);
      /* A record GDAL could not read whole is lost, not a parcel. */
      if (CPLGetLastErrorType () >= CE_Failure)
        {
          g_clear_pointer (&feature, OGR_F_Destroy);
          if (++r->n_damaged > MAX_DAMAGED_RECORDS)
            break;
          continue;
        }
      if (feature == NULL)
        break;
      if (batch == NULL)
        {
          batch = mq_queue_pop (r->done);
          free_shaped (batch);
        }
      shaped.feature = feature;
      shape_feature (r->load, &shaped);
      g_array_append_val (batch, shaped);
      if (batch->len == READ_BATCH)
        {
          if (g_async_queue_length (r->full) > 0)
            check_batch (r->load, batch);
          mq_queue_push (r->full, g_steal_pointer (&batch));
        }
    }
  if (batch != NULL)
    mq_queue_push (r->full, batch);
  mq_queue_push (r->full, g_array_new (FALSE, FALSE, sizeof (Shaped)));
  set_reading_options (FALSE);
  CPLPopErrorHandler ();
  return NULL;
}

/* One feature read: a parcel, or a point or line left out and counted. */
static gboolean
take_feature (Load          *load,
              MqParcels     *parcels,
              MqFieldMap    *map,
              Shaped        *shaped,
              int            n_fields,
              GCancellable  *cancellable,
              GError       **error)
{
  if (shaped->point_or_line)
    {
      load->n_skipped++;
      return TRUE;
    }
  return add_parcel (load, parcels, map, shaped, n_fields, error) &&
         !g_cancellable_set_error_if_cancelled (cancellable, error);
}

/* Takes the reader's batches until its end; after a failure or a cancel
 * the reader is stopped and what it still sends is freed. */
static gboolean
consume_features (Load          *load,
                  OGRLayerH      layer,
                  MqParcels     *parcels,
                  MqFieldMap    *map,
                  int            n_fields,
                  GCancellable  *cancellable,
                  GError       **error)
{
  const MqLoadSink *sink = sink_of (load);
  Reader reader = { .load = load, .layer = layer, .full = g_async_queue_new (), .done = g_async_queue_new () };
  GArray *batch;
  gboolean ok = TRUE, end = FALSE;
  GThread *thread;

  for (guint i = 0; i < READ_BATCHES_IN_FLIGHT; i++)
    mq_queue_push (reader.done, g_array_sized_new (FALSE, FALSE, sizeof (Shaped), READ_BATCH));
  thread = g_thread_new ("mq-read", reader_thread, &reader);
  ok = setup_display (load, error) &&
       (sink == NULL || sink->begin (sink->data, load->result, load->display_srs, error));
  if (!ok)
    g_atomic_int_set (&reader.stop, 1);
  while (!end)
    {
      batch = mq_queue_pop (reader.full);
      end = batch->len == 0;
      for (guint k = 0; k < batch->len && ok; k++)
        ok = take_feature (load, parcels, map, &g_array_index (batch, Shaped, k), n_fields,
                           cancellable, error);
      if (!ok)
        g_atomic_int_set (&reader.stop, 1);
      if (end)
        g_array_unref (batch);
      else
        mq_queue_push (reader.done, batch);
    }
  g_thread_join (thread);
  load->n_damaged += reader.n_damaged;
  while ((batch = g_async_queue_try_pop (reader.done)) != NULL)
    {
      free_shaped (batch);
      g_array_unref (batch);
    }
  g_async_queue_unref (reader.full);
  g_async_queue_unref (reader.done);
  return ok;
}

static gboolean
read_parcels (Load          *load,
              OGRLayerH      layer,
              GCancellable  *cancellable,
              GError       **error)
{
  OGRFeatureDefnH defn = OGR_L_GetLayerDefn (layer);
  int n_fields = attribute_count (load, defn);
  g_auto(GStrv) names = field_names (load, defn, n_fields, error);
  MqParcels *parcels;
  MqFieldMap *map = &load->result->field_map;

  if (names == NULL)
    return FALSE;
  load->result->parcels = parcels = mq_parcels_new ((const char * const *) names);
  mq_field_map_guess (map, (const char * const *) names);
  if (load->options != NULL && load->options->field_mapping != NULL &&
      !mq_field_map_apply_json (map, (const char * const *) names,
                                load->options->field_mapping, error))
    {
      g_prefix_error (error, _("%s: field mapping: "), load->path);
      return FALSE;
    }
  load->values = g_ptr_array_sized_new (n_fields);
  load->text = g_string_sized_new (1024);
  load->text_at = g_array_sized_new (FALSE, FALSE, sizeof (gssize), n_fields);
  setup_field_kinds (load, defn, n_fields);
  g_array_set_size (load->text_at, n_fields);
  return consume_features (load, layer, parcels, map, n_fields, cancellable, error);
}

/* Headers that disagree with their files are told, not trusted. */
static void
check_shapefile_headers (Load *load)
{
  const MqShapefileInfo *info = &load->shp_info;

  if (info->dbf_records_claimed != info->dbf_records_present)
    warn (load->result, g_strdup_printf (_("the .dbf header claims %u records but the file holds %u"),
                                         info->dbf_records_claimed, info->dbf_records_present));
  if (info->shp_length_claimed != info->shp_length_actual)
    {
      g_autofree char *claimed = g_strdup_printf ("%" G_GUINT64_FORMAT, info->shp_length_claimed);
      g_autofree char *actual = g_strdup_printf ("%" G_GUINT64_FORMAT, info->shp_length_actual);

      warn (load->result, g_strdup_printf (_("the .shp header gives its length as %s bytes "
                                             "but the file has %s"), claimed, actual));
    }
  if (info->dbf_records_deleted > 0)
    warn (load->result, g_strdup_printf (_("%u records of the .dbf are marked deleted and were "
                                           "left out"), info->dbf_records_deleted));
  if (info->shx_records != info->dbf_records_present)
    warn (load->result, g_strdup_printf (_("the .shx index has %u records but the .dbf table %u"),
                                         info->shx_records, info->dbf_records_present));
}

/* How many records the source holds against how many were read: nothing
 * lost is ever taken as whole without the user's word (allow_partial). */
static gboolean
account_records (Load       *load,
                 OGRLayerH   layer,
                 GError    **error)
{
  guint read = mq_parcels_get_n_parcels (load->result->parcels) + load->n_skipped;
  gint64 expected = read + load->n_damaged;

  if (load->shapefile)
    {
      /* Records GDAL skipped: deleted ones, or lost. */
      if (read + load->n_damaged < mq_shapefile_held_records (&load->shp_info))
        mq_shapefile_count_deleted (load->shp_path ? load->shp_path : load->path, &load->shp_info);
      check_shapefile_headers (load);
      expected = MAX (expected, mq_shapefile_expected_records (&load->shp_info));
    }
  else
    expected = MAX (expected, OGR_L_GetFeatureCount (layer, FALSE));
  load->result->n_lost = expected - read;
  if (load->result->n_lost == 0 || (load->options && load->options->allow_partial))
    return TRUE;
  g_set_error (error, MQ_DATASET_ERROR, MQ_DATASET_ERROR_PARTIAL,
               _("%s: only %u of %u records could be read (%u lost); "
                 "open it anyway with --allow-partial"),
               load->path, read, (guint) expected, load->result->n_lost);
  return FALSE;
}

static MqRefKind
kind_for (const char *layer_name,
          const char *kind_value)
{
  if (g_str_equal (layer_name, "roads"))
    return MQ_REF_ROAD;
  if (g_str_equal (layer_name, "rivers"))
    return MQ_REF_RIVER;
  return g_strcmp0 (kind_value, "part") == 0 ? MQ_REF_PART : MQ_REF_ZONE;
}

/* Reference layers are this project's own (zone, roads, rivers) and UTF-8. */
static gboolean
read_reference_layer (Load        *load,
                      const char  *layer_name,
                      GError     **error)
{
  OGRLayerH layer = GDALDatasetGetLayerByName (load->ds, layer_name);
  MqReference *ref = &load->result->reference;
  const MqLoadSink *sink = sink_of (load);
  OGRFeatureH feature;
  int name_i, kind_i, width_i;
  gboolean ok;

  if (layer == NULL)
    return TRUE;
  name_i = OGR_FD_GetFieldIndex (OGR_L_GetLayerDefn (layer), "name");
  kind_i = OGR_FD_GetFieldIndex (OGR_L_GetLayerDefn (layer), "kind");
  width_i = OGR_FD_GetFieldIndex (OGR_L_GetLayerDefn (layer), "width_m");
  OGR_L_ResetReading (layer);
  while ((feature = OGR_L_GetNextFeature (layer)) != NULL)
    {
      gboolean display_ok;
      OGRGeometryH geometry = mq_geometry_take_linear (OGR_F_StealGeometry (feature));
      OGRGeometryH transformed = dup_display (load, geometry, &display_ok);
      OGRGeometryH display = transformed ? transformed : geometry;
      guint8 kind = kind_for (layer_name, kind_i >= 0 ? OGR_F_GetFieldAsString (feature, kind_i) : NULL);
      double width = width_i >= 0 ? OGR_F_GetFieldAsDouble (feature, width_i) : 0.0;
      double area = display_ok ? mq_area_calc_measure (load->area, display) : 0.0;

      mq_shapes_add_geometry (ref->shapes, display);
      g_array_append_val (ref->kind, kind);
      g_ptr_array_add (ref->name, g_strdup (name_i >= 0 ? OGR_F_GetFieldAsString (feature, name_i) : ""));
      g_array_append_val (ref->width_m, width);
      g_array_append_val (ref->area_m2, area);
      ok = sink == NULL ||
           sink->reference (sink->data, kind, g_ptr_array_index (ref->name, ref->name->len - 1),
                            width, display, error);
      g_clear_pointer (&transformed, OGR_G_DestroyGeometry);
      g_clear_pointer (&geometry, OGR_G_DestroyGeometry);
      OGR_F_Destroy (feature);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

/* Degrees with y beyond ±90 but x within it: latitude and longitude given
 * in swapped order (Excel tables, some web exports). The parcels are then
 * bad coordinates; this says why. */
static void
check_axis_order (Load      *load,
                  OGRLayerH  layer)
{
  OGREnvelope env;

  if (!load->geographic ||
      OGR_L_GetExtentEx (layer, load->geom_field, &env, TRUE) != OGRERR_NONE)
    return;
  if (MAX (fabs (env.MinY), fabs (env.MaxY)) > 90.0 &&
      MAX (fabs (env.MinX), fabs (env.MaxX)) <= 90.0)
    warn (load->result, g_strdup_printf (_("latitude and longitude seem to be given in swapped "
                                           "order (x %.2f to %.2f, y %.2f to %.2f): the "
                                           "coordinates cannot be placed"),
                                         env.MinX, env.MaxX, env.MinY, env.MaxY));
}

/* What was read other than it was written, said once for the file. */
static void
warn_about_values (Load *load)
{
  if (load->n_skipped > 0)
    warn (load->result, g_strdup_printf (_("features left out as points or lines, not parcels: "
                                           "%u"), load->n_skipped));
  if (load->n_grouped_areas > 0)
    warn (load->result, g_strdup_printf (_("%u surveyed areas are written with thousands "
                                           "separators (7,996.65); they were read as plain "
                                           "numbers"), load->n_grouped_areas));
}

/* A shapefile opened as a folder or a zip is one .shp among others: find
 * the layer's own file, for its headers and its .cpg. */
static void
inspect_layer_file (Load      *load,
                    OGRLayerH  layer)
{
  const char *description = GDALGetDescription (load->ds);
  g_autofree char *name = g_strconcat (OGR_L_GetName (layer), ".shp", NULL);

  if (g_str_has_suffix (description, ".shp") || g_str_has_suffix (description, ".SHP"))
    load->shp_path = g_strdup (description);
  else
    load->shp_path = g_build_filename (description, name, NULL);
  if (!load->shapefile)
    load->shapefile = mq_shapefile_inspect (load->shp_path, &load->shp_info);
}

static MqDataset *
load_run (Load          *load,
          GCancellable  *cancellable,
          GError       **error)
{
  OGRLayerH layer;

  if (!open_source (load, error) || (layer = pick_layer (load, error)) == NULL)
    return NULL;
  if (is_shapefile (load->ds))
    inspect_layer_file (load, layer);
  load->result = g_object_new (MQ_TYPE_DATASET, NULL);
  load->result->path = g_strdup (load->path);
  load->result->polygon_layers = polygon_layer_names (load->ds);
  load->result->layer_name = g_strdup (OGR_L_GetName (layer));
  load->result->server_conninfo = g_strdup (load->conninfo);
  load->result->server_schema = g_strdup (load->server ? load->schema : NULL);
  if (!setup_crs (load, layer, error) || !setup_encoding (load, layer, error))
    return NULL;
  if (!read_parcels (load, layer, cancellable, error) || !account_records (load, layer, error))
    return NULL;
  warn_about_values (load);
  check_axis_order (load, layer);
  mq_parcels_build_index (load->result->parcels);
  mq_parcels_freeze (load->result->parcels);
  if (!read_reference_layer (load, "zone", error) ||
      !read_reference_layer (load, "rivers", error) ||
      !read_reference_layer (load, "roads", error))
    return NULL;
  return g_steal_pointer (&load->result);
}

/* "pg:CONNINFO [schema=NAME]": the connection for GDAL, and the name a
 * person sees (no password, whatever the string held). Words are split as
 * libpq reads them, so a quoted value keeps its blanks; the keyring's
 * password joins the connection only, quoted like any value. */
static char *
parse_server (Load       *load,
              const char *spec)
{
  g_auto(GStrv) words = mq_conninfo_split (spec);
  g_autoptr(GStrvBuilder) rest = g_strv_builder_new ();
  g_auto(GStrv) kept = NULL;
  g_autofree char *conninfo = NULL;
  g_autofree char *where = NULL;

  for (guint i = 0; words[i] != NULL; i++)
    if (g_str_has_prefix (words[i], "schema="))
      {
        g_free (load->schema);
        load->schema = g_strdup (words[i] + strlen ("schema="));
      }
    else if (*words[i] != '\0')
      g_strv_builder_add (rest, words[i]);
  if (load->schema == NULL || *load->schema == '\0')
    {
      g_free (load->schema);
      load->schema = g_strdup (MQ_SERVER_DEFAULT_SCHEMA);
    }
  kept = g_strv_builder_end (rest);
  conninfo = g_strjoinv (" ", kept);
  /* The store connects with the same words, the password included. */
  if (load->options != NULL && load->options->password != NULL && *load->options->password != '\0')
    {
      g_autofree char *password = mq_conninfo_quote (load->options->password);

      load->conninfo = g_strconcat (conninfo, " password=", password, NULL);
    }
  else
    load->conninfo = g_strdup (conninfo);
  load->server = g_strconcat ("PG:", load->conninfo, NULL);
  where = mq_server_describe (conninfo);
  return g_strdup_printf ("%s%s schema=%s", MQ_SERVER_PREFIX, where, load->schema);
}

/**
 * mq_dataset_load:
 * @path: a file, folder or GDAL virtual path (/vsizip/…)
 * @options: (nullable): CRS, encoding and layer choices of the user
 *
 * Reads the source's polygon layer into parcels. Errors name the file and the
 * problem in one line.
 */
MqDataset *
mq_dataset_load (const char           *path,
                 const MqLoadOptions  *options,
                 GCancellable         *cancellable,
                 GError              **error)
{
  g_autofree char *zip_path = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *server_spec = NULL;
  Load load = { .path = path, .options = options };
  const char *server_file = path;
  MqDataset *result;

  g_return_val_if_fail (path != NULL, NULL);

  /* A .mqproj names a server project: it opens as its "pg:" spec (and its
   * errors name the file the user opened, then the server). */
  if (mq_server_file_is (path))
    {
      if ((server_spec = mq_server_file_load_spec (path, error)) == NULL)
        return NULL;
      path = load.path = server_spec;
    }

  if (g_str_has_prefix (path, MQ_SERVER_PREFIX))
    load.path = shown = parse_server (&load, path + strlen (MQ_SERVER_PREFIX));

  /* A zipped shapefile is read in place, through GDAL's /vsizip/. */
  if ((g_str_has_suffix (path, ".zip") || g_str_has_suffix (path, ".ZIP")) &&
      !g_str_has_prefix (path, "/vsizip/"))
    load.path = zip_path = g_strconcat ("/vsizip/", path, NULL);

  CPLPushErrorHandler (CPLQuietErrorHandler);
  set_reading_options (TRUE);
  result = load_run (&load, cancellable, error);
  set_reading_options (FALSE);
  CPLPopErrorHandler ();
  load_clear (&load);
  if (result == NULL && server_spec != NULL)
    g_prefix_error (error, "%s: ", server_file);
  return result;
}

typedef struct
{
  char          *path;
  MqLoadOptions  options;
  char          *crs;
  char          *encoding;
  char          *layer;
  char          *field_mapping;
  char          *password;
} LoadTaskData;

static void
load_task_data_free (LoadTaskData *data)
{
  if (data->password != NULL)
    memset (data->password, 0, strlen (data->password));
  g_free (data->password);
  g_free (data->path);
  g_free (data->crs);
  g_free (data->encoding);
  g_free (data->layer);
  g_free (data->field_mapping);
  g_free (data);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadTaskData *data = task_data;
  GError *error = NULL;
  MqDataset *dataset = mq_dataset_load (data->path, &data->options, cancellable, &error);

  if (dataset == NULL)
    mq_task_return_error (task, error);
  else
    mq_task_return_pointer (task, dataset, g_object_unref);
}

void
mq_dataset_load_async (const char          *path,
                       const MqLoadOptions *options,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = mq_task_new (NULL, cancellable, callback, user_data);
  LoadTaskData *data = g_new0 (LoadTaskData, 1);

  data->path = g_strdup (path);
  if (options != NULL)
    {
      data->options.crs = data->crs = g_strdup (options->crs);
      data->options.encoding = data->encoding = g_strdup (options->encoding);
      data->options.layer = data->layer = g_strdup (options->layer);
      data->options.allow_partial = options->allow_partial;
      data->options.field_mapping = data->field_mapping = g_strdup (options->field_mapping);
      data->options.password = data->password = g_strdup (options->password);
    }
  g_task_set_source_tag (task, mq_dataset_load_async);
  mq_task_set_data (task, data, (GDestroyNotify) load_task_data_free);
  mq_task_run_in_thread (task, load_thread);
}

MqDataset *
mq_dataset_load_finish (GAsyncResult  *result,
                        GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * mq_source_suggest_crs:
 * @path: a source without a CRS
 *
 * Returns: (transfer full): EPSG codes its coordinates suggest, likeliest
 *   first; empty when nothing can be read.
 */
GArray *
mq_source_suggest_crs (const char *path,
                       const char *layer_name)
{
  MqLoadOptions options = { .layer = layer_name };
  Load load = { .path = path, .options = &options };
  GArray *codes = NULL;
  OGRLayerH layer;
  OGREnvelope env;

  CPLPushErrorHandler (CPLQuietErrorHandler);
  if (open_source (&load, NULL) && (layer = pick_layer (&load, NULL)) != NULL &&
      OGR_L_GetExtentEx (layer, load.geom_field, &env, TRUE) == OGRERR_NONE)
    codes = mq_crs_suggest (&(MqBox) { env.MinX, env.MinY, env.MaxX, env.MaxY });
  CPLPopErrorHandler ();
  load_clear (&load);
  return codes ? codes : g_array_new (FALSE, FALSE, sizeof (int));
}
