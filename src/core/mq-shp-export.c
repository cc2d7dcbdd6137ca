/* mq-shp-export.c
 *
 * A shapefile for another office's GIS: every parcel with its exact
 * geometry (read again from the source by its feature id — what the map
 * keeps is display floats), every attribute of the field table under its
 * short code (the field table's first ASCII alias: DKBH, QSDWMC, SDDK … ten
 * bytes at most, which our own loader reads back), the computed areas, the
 * source's other attributes, the CRS in the .prj, and a 字段对照表 (CSV)
 * beside it naming each code. The text is UTF-8 with a .cpg by default, or
 * GBK (CP936, LDID 0x4D) for older software; a value that does not fit a
 * field (254 bytes) or the encoding refuses the export, naming the parcel.
 *
 * The files are written in a directory beside the target and moved into
 * place once all are whole; a failed export leaves nothing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-shp-export.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <cpl_error.h>
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <string.h>

#include "mq-dataset-private.h"
#include "mq-field-map.h"
#include "mq-output.h"

G_DEFINE_QUARK (mq-shp-error-quark, mq_shp_error)

#define SHP_TEXT_BYTES 254
/* Envelopes of a parcel read again and of the one on the map agree to this
 * (map units): more is another feature, or another CRS. */
#define SAME_PLACE 0.01

typedef struct
{
  MqField      field;        /* MQ_N_FIELDS: not a field of the table */
  int          value;        /* a source attribute's index, else -1 */
  int          area;         /* 1: m², 2: mu, else 0 */
  char        *code;
  const char  *name;         /* what it is, for the 字段对照表 */
  OGRFieldType type;
} Column;

static void
column_clear (Column *c)
{
  g_free (c->code);
}

static const char *
short_code (MqField field)
{
  const MqFieldInfo *info = mq_field_info (field);

  for (guint a = 0; info->aliases[a] != NULL; a++)
    {
      const char *alias = info->aliases[a];

      if (strlen (alias) <= 10 && g_str_is_ascii (alias))
        return alias;
    }
  g_return_val_if_reached (info->key);
}

static gboolean
code_taken (GArray     *columns,
            const char *code)
{
  for (guint i = 0; i < columns->len; i++)
    if (g_ascii_strcasecmp (g_array_index (columns, Column, i).code, code) == 0)
      return TRUE;
  return FALSE;
}

/* Whether source attribute @i is a field of the table already (read into
 * it), or an area we compute: written once, under the field's code. */
static gboolean
is_written (const MqFieldMap *map,
            const char       *name,
            int               i)
{
  for (MqField f = 0; f < MQ_N_FIELDS; f++)
    if (map->index[f] == i || map->source[f] == i)
      return TRUE;
  return g_ascii_strcasecmp (name, "area_m2") == 0 || g_ascii_strcasecmp (name, "area_mu") == 0 ||
         g_ascii_strcasecmp (name, "problems") == 0;
}

/* The fixed fields, the areas, then the source's other attributes. */
static GArray *
plan_columns (MqParcels        *parcels,
              const MqFieldMap *map)
{
  const char * const *names = mq_parcels_get_field_names (parcels);
  GArray *columns = g_array_new (FALSE, TRUE, sizeof (Column));
  guint other = 0;

  g_array_set_clear_func (columns, (GDestroyNotify) column_clear);
  for (MqField f = 0; f < MQ_N_FIELDS; f++)
    {
      Column c = { f, -1, 0, g_strdup (short_code (f)), mq_field_info (f)->zh_header, mq_field_info (f)->type };

      g_array_append_val (columns, c);
    }
  {
    Column m2 = { MQ_N_FIELDS, -1, 1, g_strdup ("JSMJ"), "计算面积（平方米）", OFTReal };
    Column mu = { MQ_N_FIELDS, -1, 2, g_strdup ("JSMJ_MU"), "计算面积（亩）", OFTReal };

    g_array_append_val (columns, m2);
    g_array_append_val (columns, mu);
  }
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      Column c = { MQ_N_FIELDS, (int) i, 0, NULL, names[i], OFTString };

      if (is_written (map, names[i], (int) i))
        continue;
      if (strlen (names[i]) <= 10 && g_str_is_ascii (names[i]) && strchr (names[i], ' ') == NULL &&
          !code_taken (columns, names[i]))
        c.code = g_ascii_strup (names[i], -1);
      else
        do
          c.code = (g_free (c.code), g_strdup_printf ("F%02u", ++other));
        while (code_taken (columns, c.code));
      g_array_append_val (columns, c);
    }
  return columns;
}

static gboolean
create_fields (OGRLayerH   layer,
               GArray     *columns,
               GError    **error)
{
  for (guint i = 0; i < columns->len; i++)
    {
      const Column *c = &g_array_index (columns, Column, i);
      OGRFieldDefnH defn = OGR_Fld_Create (c->code, c->type);
      OGRErr err;

      if (c->type == OFTString)
        OGR_Fld_SetWidth (defn, SHP_TEXT_BYTES);
      else if (c->type == OFTReal)
        OGR_Fld_SetPrecision (defn, 6), OGR_Fld_SetWidth (defn, 24);
      err = OGR_L_CreateField (layer, defn, TRUE);
      OGR_Fld_Destroy (defn);
      if (err != OGRERR_NONE)
        {
          g_set_error (error, MQ_SHP_ERROR, MQ_SHP_ERROR_WRITE, _("the field %s cannot be made: %s"),
                       c->code, CPLGetLastErrorMsg ());
          return FALSE;
        }
    }
  return TRUE;
}

static char *
cell_text (MqParcels    *parcels,
           guint         index,
           const Column *c)
{
  const MqParcel *p = mq_parcels_get (parcels, index);

  if (c->field < MQ_N_FIELDS)
    return mq_parcel_dup_field_text (p, c->field);
  if (c->area == 1)
    return g_strdup_printf ("%.2f", p->area_m2);
  if (c->area == 2)
    return g_strdup_printf ("%.6f", p->area_m2 / MQ_M2_PER_MU);
  return g_strdup (mq_parcels_get_value (parcels, index, c->value));
}

/* A text value, checked to fit the field in the file's encoding. */
static gboolean
set_text (OGRFeatureH     feature,
          int             i,
          const char     *text,
          gboolean        gbk,
          const MqParcel *p,
          const Column   *c,
          GError        **error)
{
  g_autofree char *encoded = NULL;
  gsize bytes = strlen (text);

  if (gbk && (encoded = g_convert (text, -1, "GB18030", "UTF-8", NULL, &bytes, NULL)) == NULL)
    {
      g_set_error (error, MQ_SHP_ERROR, MQ_SHP_ERROR_INVALID,
                   _("parcel %s: %s has text GBK cannot hold; export as UTF-8"), p->id, c->name);
      return FALSE;
    }
  if (bytes > SHP_TEXT_BYTES)
    {
      g_set_error (error, MQ_SHP_ERROR, MQ_SHP_ERROR_INVALID,
                   _("parcel %s: %s is longer than a shapefile field holds (254 bytes)"), p->id, c->name);
      return FALSE;
    }
  OGR_F_SetFieldString (feature, i, text);
  return TRUE;
}

/* The parcel's geometry as its source holds it, in the map's CRS; FALSE
 * (saying why) when it is not where the map has it. */
static OGRGeometryH
source_geometry (OGRLayerH                    source,
                 OGRCoordinateTransformationH to_display,
                 MqParcels                   *parcels,
                 guint                        index,
                 GError                     **error)
{
  const MqParcel *p = mq_parcels_get (parcels, index);
  const MqBox box = mq_shapes_get_bbox (mq_parcels_get_shapes (parcels), index);
  OGRFeatureH feature = OGR_L_GetFeature (source, mq_parcels_get_fid (parcels, index));
  OGRGeometryH geometry = feature ? OGR_F_StealGeometry (feature) : NULL;
  OGREnvelope env;
  double near;

  g_clear_pointer (&feature, OGR_F_Destroy);
  if (geometry != NULL && to_display != NULL && OGR_G_Transform (geometry, to_display) != OGRERR_NONE)
    g_clear_pointer (&geometry, OGR_G_DestroyGeometry);
  if (geometry == NULL || mq_box_is_empty (&box))
    return geometry;
  OGR_G_GetEnvelope (geometry, &env);
  near = SAME_PLACE + mq_shapes_get_bbox_slack (mq_parcels_get_shapes (parcels), index);
  if (fabs (env.MinX - box.min_x) > near || fabs (env.MaxX - box.max_x) > near ||
      fabs (env.MinY - box.min_y) > near || fabs (env.MaxY - box.max_y) > near)
    {
      g_set_error (error, MQ_SHP_ERROR, MQ_SHP_ERROR_INVALID,
                   _("parcel %s is not where the map has it in the source any more; open the file again"),
                   p->id);
      OGR_G_DestroyGeometry (geometry);
      return NULL;
    }
  return geometry;
}

static gboolean
write_parcel (OGRLayerH                    target,
              OGRLayerH                    source,
              OGRCoordinateTransformationH to_display,
              MqParcels                   *parcels,
              guint                        index,
              GArray                      *columns,
              gboolean                     gbk,
              GError                     **error)
{
  const MqParcel *p = mq_parcels_get (parcels, index);
  OGRFeatureH feature = OGR_F_Create (OGR_L_GetLayerDefn (target));
  GError *local = NULL;
  OGRGeometryH geometry = source_geometry (source, to_display, parcels, index, &local);
  gboolean ok = local == NULL;

  if (geometry != NULL)
    OGR_F_SetGeometryDirectly (feature, OGR_G_ForceToMultiPolygon (geometry));
  for (guint i = 0; ok && i < columns->len; i++)
    {
      const Column *c = &g_array_index (columns, Column, i);
      g_autofree char *text = cell_text (parcels, index, c);

      if (text != NULL && *text != '\0')
        ok = c->type != OFTString ? (OGR_F_SetFieldString (feature, i, text), TRUE)
                                  : set_text (feature, i, text, gbk, p, c, &local);
    }
  if (ok && OGR_L_CreateFeature (target, feature) != OGRERR_NONE)
    {
      g_set_error (&local, MQ_SHP_ERROR, MQ_SHP_ERROR_WRITE, _("parcel %s cannot be written: %s"),
                   p->id, CPLGetLastErrorMsg ());
      ok = FALSE;
    }
  OGR_F_Destroy (feature);
  if (!ok)
    g_propagate_error (error, local);
  return ok;
}

/* The 字段对照表: each code, the name it stands for, its key. */
static gboolean
write_field_table (const char  *path,
                   GArray      *columns,
                   const char  *input,
                   GError     **error)
{
  g_autoptr(MqOutput) out = mq_output_new (path, NULL, TRUE, input, error);
  g_autoptr(GString) text = g_string_new ("\xEF\xBB\xBF字段代码,字段名称,说明\r\n");

  if (out == NULL)
    return FALSE;
  for (guint i = 0; i < columns->len; i++)
    {
      const Column *c = &g_array_index (columns, Column, i);
      g_auto(GStrv) parts = g_strsplit (c->name, "\"", -1);
      g_autofree char *quoted = g_strjoinv ("\"\"", parts);

      g_string_append_printf (text, "%s,\"%s\",%s\r\n", c->code, quoted,
                              c->field < MQ_N_FIELDS ? mq_field_info (c->field)->key
                                                     : c->area ? "computed" : "source");
    }
  mq_output_write (out, text->str, text->len);
  return mq_output_commit (out, error);
}

/* GDAL writes a .cpg for CP936 but leaves the .dbf's language byte 0;
 * older software reads only the byte: 0x4D is GBK (Chinese, PRC). */
static gboolean
mark_gbk (const char  *shp,
          GError     **error)
{
  g_autofree char *stem = g_strndup (shp, strlen (shp) - 4);
  g_autofree char *dbf = g_strconcat (stem, ".dbf", NULL);
  FILE *file = g_fopen (dbf, "r+b");
  gboolean ok = file != NULL && fseek (file, 29, SEEK_SET) == 0 && fputc (0x4D, file) == 0x4D;

  if (file != NULL && fclose (file) != 0)
    ok = FALSE;
  if (!ok)
    g_set_error (error, MQ_SHP_ERROR, MQ_SHP_ERROR_WRITE, _("its .dbf cannot be marked GBK"));
  return ok;
}

/* The source read again, and the way from its CRS to the map's. */
static OGRLayerH
open_source (MqDataset                     *dataset,
             GDALDatasetH                  *ds,
             OGRSpatialReferenceH           display,
             OGRCoordinateTransformationH  *to_display,
             GError                       **error)
{
  const char *layer_name = mq_dataset_get_layer_name (dataset);
  OGRSpatialReferenceH srs;
  OGRLayerH layer;

  *ds = GDALOpenEx (mq_dataset_get_path (dataset), GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
  layer = *ds == NULL ? NULL
          : layer_name != NULL ? GDALDatasetGetLayerByName (*ds, layer_name)
                               : GDALDatasetGetLayer (*ds, 0);
  if (layer == NULL)
    {
      g_set_error (error, MQ_SHP_ERROR, MQ_SHP_ERROR_INVALID,
                   _("%s: its parcels cannot be read again for their exact geometry"),
                   mq_dataset_get_path (dataset));
      g_clear_pointer (ds, GDALClose);
      return NULL;
    }
  srs = OGR_L_GetSpatialRef (layer);
  *to_display = NULL;
  if (srs != NULL && !OSRIsSame (srs, display))
    {
      OGRSpatialReferenceH source = OSRClone (srs);

      OSRSetAxisMappingStrategy (source, OAMS_TRADITIONAL_GIS_ORDER);
      *to_display = OCTNewCoordinateTransformation (source, display);
      OSRDestroySpatialReference (source);
    }
  return layer;
}

/* Each file the driver wrote, moved from @tmp into @dir under its name. */
static gboolean
move_into_place (const char  *tmp,
                 const char  *dir,
                 GError     **error)
{
  g_autoptr(GDir) listing = g_dir_open (tmp, 0, error);
  const char *name;

  if (listing == NULL)
    return FALSE;
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *from = g_build_filename (tmp, name, NULL);
      g_autofree char *to = g_build_filename (dir, name, NULL);

      if (g_rename (from, to) != 0)
        {
          int errsv = errno;

          g_set_error (error, MQ_SHP_ERROR, MQ_SHP_ERROR_WRITE, _("%s: cannot be written: %s"), to,
                       g_strerror (errsv));
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
write_layer (MqDataset             *dataset,
             const char            *shp,
             OGRSpatialReferenceH   display,
             gboolean               gbk,
             GArray                *columns,
             GError               **error)
{
  MqParcels *parcels = mq_dataset_get_parcels (dataset);
  const char *options[] = { gbk ? "ENCODING=CP936" : "ENCODING=UTF-8", NULL };
  g_autofree char *name = g_path_get_basename (shp);
  GDALDriverH driver = GDALGetDriverByName ("ESRI Shapefile");
  OGRCoordinateTransformationH to_display = NULL;
  GDALDatasetH source_ds = NULL, target_ds;
  OGRLayerH source, target = NULL;
  gboolean ok;

  source = open_source (dataset, &source_ds, display, &to_display, error);
  if (source == NULL)
    return FALSE;
  *strrchr (name, '.') = '\0';
  target_ds = GDALCreate (driver, shp, 0, 0, 0, GDT_Unknown, NULL);
  if (target_ds != NULL)
    target = GDALDatasetCreateLayer (target_ds, name, display, wkbMultiPolygon, (char **) options);
  ok = target != NULL;
  if (!ok)
    g_set_error (error, MQ_SHP_ERROR, MQ_SHP_ERROR_WRITE, _("cannot be written: %s"),
                 CPLGetLastErrorMsg ());
  ok = ok && create_fields (target, columns, error);
  for (guint i = 0; ok && i < mq_parcels_get_n_parcels (parcels); i++)
    ok = write_parcel (target, source, to_display, parcels, i, columns, gbk, error);
  /* GDAL 3.6's GDALClose() returns nothing: a failed flush is its last error. */
  CPLErrorReset ();
  if (target_ds != NULL)
    GDALClose (target_ds);
  if (ok && CPLGetLastErrorType () >= CE_Failure)
    {
      g_set_error (error, MQ_SHP_ERROR, MQ_SHP_ERROR_WRITE, _("cannot be written: %s"),
                   CPLGetLastErrorMsg ());
      ok = FALSE;
    }
  g_clear_pointer (&to_display, OCTDestroyCoordinateTransformation);
  GDALClose (source_ds);
  return ok && (!gbk || mark_gbk (shp, error));
}

/**
 * mq_shp_export:
 * @path: the .shp to write (its .shx, .dbf, .prj, .cpg beside it, and
 *   NAME_字段对照表.csv)
 * @gbk: text in GBK (CP936) rather than UTF-8
 *
 * Returns: FALSE, with nothing written, when a parcel cannot go into the file.
 */
gboolean
mq_shp_export (MqDataset   *dataset,
               const char  *path,
               gboolean     gbk,
               GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *lower = g_ascii_strdown (path, -1);
  g_autofree char *tmp = NULL, *shp = NULL, *table = NULL, *stem = NULL;
  g_autoptr(GArray) columns = NULL;
  OGRSpatialReferenceH display;
  const char *wkt = mq_dataset_get_display_wkt (dataset);
  GError *local = NULL;
  gboolean ok;

  /* Its parcels live on the server: read again there they would need the
   * connection, which no export should hold. A saved copy exports. */
  if (_mq_dataset_get_server (dataset, NULL) != NULL)
    {
      g_set_error (error, MQ_SHP_ERROR, MQ_SHP_ERROR_INVALID,
                   _("%s: a server project's parcels go to a shapefile from a saved copy (Save as Project…)"),
                   path);
      return FALSE;
    }
  if (!g_str_has_suffix (lower, ".shp"))
    {
      g_set_error (error, MQ_SHP_ERROR, MQ_SHP_ERROR_INVALID, _("%s: a shapefile's name ends in .shp"), path);
      return FALSE;
    }
  if (mq_output_is_input (path, mq_dataset_get_path (dataset)))
    {
      g_set_error (error, MQ_OUTPUT_ERROR, MQ_OUTPUT_ERROR_IS_INPUT,
                   _("%s: that is the file being exported; choose another name"), path);
      return FALSE;
    }
  tmp = g_build_filename (dir, ".mq-shp-XXXXXX", NULL);
  if (g_mkdtemp (tmp) == NULL)
    {
      int errsv = errno;

      g_set_error (error, MQ_SHP_ERROR, MQ_SHP_ERROR_WRITE, _("%s: cannot be written: %s"), path,
                   g_strerror (errsv));
      return FALSE;
    }
  shp = g_build_filename (tmp, base, NULL);
  stem = g_strndup (path, strlen (path) - 4);
  table = g_strconcat (stem, "_字段对照表.csv", NULL);
  display = OSRNewSpatialReference (NULL);
  OSRImportFromWkt (display, (char **) &wkt);
  OSRSetAxisMappingStrategy (display, OAMS_TRADITIONAL_GIS_ORDER);
  columns = plan_columns (mq_dataset_get_parcels (dataset), mq_dataset_get_field_map (dataset));
  ok = write_layer (dataset, shp, display, gbk, columns, &local) &&
       move_into_place (tmp, dir, &local) &&
       write_field_table (table, columns, mq_dataset_get_path (dataset), &local);
  OSRDestroySpatialReference (display);
  mq_output_remove_dir (tmp);
  if (!ok)
    g_propagate_prefixed_error (error, local, "%s: ", path);
  return ok;
}
