/* mq-make-corpus.c — writes the loader's test corpus.
 *
 *   mq-make-corpus OUTDIR
 *
 * Shapefiles are written byte by byte (not through GDAL) so that the corpus
 * holds exactly the damage, encodings and geometry problems the tests name;
 * the other formats go through GDAL's writers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <cpl_conv.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <glib/gstdio.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <string.h>

#include "corpus-cases.h"

static const char *outdir;

static void
die (const char *what)
{
  g_printerr ("mq-make-corpus: %s: %s\n", what, CPLGetLastErrorMsg ());
  exit (1);
}

static char *
out_path (const char *name)
{
  return g_build_filename (outdir, name, NULL);
}

/* ---- raw shapefile writing ---------------------------------------------- */

static void
put_be32 (GByteArray *b, guint32 v)
{
  guint32 be = GUINT32_TO_BE (v);
  g_byte_array_append (b, (guint8 *) &be, 4);
}

static void
put_le32 (GByteArray *b, guint32 v)
{
  guint32 le = GUINT32_TO_LE (v);
  g_byte_array_append (b, (guint8 *) &le, 4);
}

static void
put_le16 (GByteArray *b, guint16 v)
{
  guint16 le = GUINT16_TO_LE (v);
  g_byte_array_append (b, (guint8 *) &le, 2);
}

static void
put_double (GByteArray *b, double v)
{
  guint64 bits;

  memcpy (&bits, &v, 8);
  bits = GUINT64_TO_LE (bits);
  g_byte_array_append (b, (guint8 *) &bits, 8);
}

static void
shape_box (const CorpusShape *s, double box[4])
{
  box[0] = box[1] = G_MAXDOUBLE;
  box[2] = box[3] = -G_MAXDOUBLE;
  for (int i = 0; i < s->n_points; i++)
    {
      double x = s->xy[2 * i], y = s->xy[2 * i + 1];

      if (!isfinite (x) || !isfinite (y))
        continue;
      box[0] = MIN (box[0], x), box[1] = MIN (box[1], y);
      box[2] = MAX (box[2], x), box[3] = MAX (box[3], y);
    }
}

static void
put_header (GByteArray *b, guint32 length_words, const double box[4])
{
  put_be32 (b, 9994);
  for (int i = 0; i < 5; i++)
    put_be32 (b, 0);
  put_be32 (b, length_words);
  put_le32 (b, 1000);
  put_le32 (b, 5);
  for (int i = 0; i < 4; i++)
    put_double (b, box[i]);
  for (int i = 0; i < 4; i++)
    put_double (b, 0);
}

/* One record's content: a polygon, or a null shape. */
static void
put_shape (GByteArray *b, const CorpusShape *s)
{
  double box[4];

  if (s->n_points == 0)
    {
      put_le32 (b, 0);
      return;
    }
  shape_box (s, box);
  put_le32 (b, 5);
  for (int i = 0; i < 4; i++)
    put_double (b, box[i]);
  put_le32 (b, s->n_parts);
  put_le32 (b, s->n_points);
  for (int i = 0; i < s->n_parts; i++)
    put_le32 (b, s->part_start[i]);
  for (int i = 0; i < 2 * s->n_points; i++)
    put_double (b, s->xy[i]);
}

typedef struct
{
  const char *name;
  char        type;     /* 'C' or 'N' */
  int         width;
} DbfField;

static GByteArray *
dbf_bytes (const DbfField *fields, int n_fields, const char *const *values, int n_records,
           guint8 ldid, guint32 claimed_records)
{
  GByteArray *b = g_byte_array_new ();
  int record_len = 1;
  guint8 zero[32] = { 0 };

  for (int f = 0; f < n_fields; f++)
    record_len += fields[f].width;
  g_byte_array_append (b, (guint8[]) { 0x03, 126, 11, 24 }, 4);
  put_le32 (b, claimed_records);
  put_le16 (b, 32 + 32 * n_fields + 1);
  put_le16 (b, record_len);
  g_byte_array_append (b, zero, 20);
  b->data[29] = ldid;
  for (int f = 0; f < n_fields; f++)
    {
      guint8 desc[32] = { 0 };

      strncpy ((char *) desc, fields[f].name, 10);
      desc[11] = fields[f].type;
      desc[16] = fields[f].width;
      g_byte_array_append (b, desc, 32);
    }
  g_byte_array_append (b, (guint8[]) { 0x0d }, 1);
  for (int r = 0; r < n_records; r++)
    {
      g_byte_array_append (b, (guint8 *) " ", 1);
      for (int f = 0; f < n_fields; f++)
        {
          const char *v = values[r * n_fields + f] ? values[r * n_fields + f] : "";
          int len = MIN ((int) strlen (v), fields[f].width);
          g_autofree char *cell = g_malloc (fields[f].width);

          memset (cell, ' ', fields[f].width);
          /* Text is cut at the field width, as DBF writers do, even mid-character. */
          memcpy (fields[f].type == 'N' ? cell + fields[f].width - len : cell, v, len);
          g_byte_array_append (b, (guint8 *) cell, fields[f].width);
        }
    }
  g_byte_array_append (b, (guint8[]) { 0x1a }, 1);
  return b;
}

static void
write_bytes (const char *name, const guint8 *data, gsize len)
{
  g_autofree char *path = out_path (name);

  if (!g_file_set_contents (path, (const char *) data, len, NULL))
    die (path);
}

typedef struct
{
  const CorpusShape *shapes;
  int                n;
  const DbfField    *fields;
  int                n_fields;
  const char *const *values;
  guint8             ldid;
  const char        *cpg;    /* NULL: none */
  int                epsg;   /* 0: no .prj */
} Shapefile;

static void
write_prj (const char *stem, int epsg)
{
  OGRSpatialReferenceH srs = OSRNewSpatialReference (NULL);
  g_autofree char *name = g_strconcat (stem, ".prj", NULL);
  char *wkt = NULL;

  OSRImportFromEPSG (srs, epsg);
  OSRMorphToESRI (srs);
  OSRExportToWkt (srs, &wkt);
  write_bytes (name, (guint8 *) wkt, strlen (wkt));
  CPLFree (wkt);
  OSRDestroySpatialReference (srs);
}

static void
write_shapefile (const char *stem, const Shapefile *s)
{
  g_autoptr(GByteArray) shp = g_byte_array_new ();
  g_autoptr(GByteArray) shx = g_byte_array_new ();
  g_autoptr(GByteArray) records = g_byte_array_new ();
  g_autoptr(GByteArray) dbf = NULL;
  g_autofree char *shp_name = g_strconcat (stem, ".shp", NULL);
  g_autofree char *shx_name = g_strconcat (stem, ".shx", NULL);
  g_autofree char *dbf_name = g_strconcat (stem, ".dbf", NULL);
  double box[4] = { G_MAXDOUBLE, G_MAXDOUBLE, -G_MAXDOUBLE, -G_MAXDOUBLE };
  g_autoptr(GArray) offsets = g_array_new (FALSE, FALSE, sizeof (guint32));

  for (int i = 0; i < s->n; i++)
    {
      g_autoptr(GByteArray) content = g_byte_array_new ();
      double b[4];
      guint32 offset = (100 + records->len) / 2;

      put_shape (content, &s->shapes[i]);
      if (s->shapes[i].n_points > 0)
        {
          shape_box (&s->shapes[i], b);
          if (b[2] < 1e11)
            box[0] = MIN (box[0], b[0]), box[1] = MIN (box[1], b[1]),
            box[2] = MAX (box[2], b[2]), box[3] = MAX (box[3], b[3]);
        }
      put_be32 (records, i + 1);
      put_be32 (records, content->len / 2);
      g_byte_array_append (records, content->data, content->len);
      g_array_append_val (offsets, offset);
      put_be32 (shx, offset);
      put_be32 (shx, content->len / 2);
    }
  put_header (shp, (100 + records->len) / 2, box);
  g_byte_array_append (shp, records->data, records->len);
  {
    g_autoptr(GByteArray) shx_full = g_byte_array_new ();

    put_header (shx_full, (100 + shx->len) / 2, box);
    g_byte_array_append (shx_full, shx->data, shx->len);
    write_bytes (shx_name, shx_full->data, shx_full->len);
  }
  write_bytes (shp_name, shp->data, shp->len);
  dbf = dbf_bytes (s->fields, s->n_fields, s->values, s->n, s->ldid, s->n);
  write_bytes (dbf_name, dbf->data, dbf->len);
  if (s->cpg != NULL)
    {
      g_autofree char *cpg_name = g_strconcat (stem, ".cpg", NULL);

      write_bytes (cpg_name, (guint8 *) s->cpg, strlen (s->cpg));
    }
  if (s->epsg != 0)
    write_prj (stem, s->epsg);
}

/* ---- the cases ------------------------------------------------------------ */

static const DbfField id_name_fields[] = { { "TBBH", 'C', 20 }, { "QSDWMC", 'C', 60 } };
static const DbfField long_name_fields[] = { { "TBBH", 'C', 20 }, { "QSDWMC", 'C', 254 } };

static CorpusShape rect_shapes[G_N_ELEMENTS (corpus_rect_xy)];

static char *
gbk (const char *utf8)
{
  char *out = g_convert (utf8, -1, "GBK", "UTF-8", NULL, NULL, NULL);

  if (out == NULL)
    die (utf8);
  return out;
}

/* Five rectangles named from corpus_names, in the given encoding. */
static void
write_named_rects (const char *stem, const char *encoding, guint8 ldid, const char *cpg, int epsg)
{
  const char *values[2 * G_N_ELEMENTS (corpus_rect_xy)];
  g_autoptr(GPtrArray) owned = g_ptr_array_new_with_free_func (g_free);
  Shapefile s = { rect_shapes, G_N_ELEMENTS (rect_shapes), id_name_fields, 2, values, ldid, cpg, epsg };

  for (guint i = 0; i < G_N_ELEMENTS (corpus_rect_xy); i++)
    {
      char *id = g_strdup_printf ("R%02u", i + 1);
      char *name = encoding ? gbk (corpus_names[i]) : g_strdup (corpus_names[i]);

      g_ptr_array_add (owned, id);
      g_ptr_array_add (owned, name);
      values[2 * i] = id;
      values[2 * i + 1] = name;
    }
  write_shapefile (stem, &s);
}

static void
write_encodings (void)
{
  write_named_rects ("enc-utf8-cpg", NULL, 0, "UTF-8", 4549);
  write_named_rects ("enc-gbk-cpg", "GBK", 0, "GBK", 4549);
  write_named_rects ("enc-gbk-ldid", "GBK", 0x4d, NULL, 4549);
  write_named_rects ("enc-gbk-detect", "GBK", 0, NULL, 4549);
  write_named_rects ("enc-utf8-detect", NULL, 0, NULL, 4549);
}

/* A value longer than the DBF's 254 bytes, cut in the middle of a character. */
/* Column names and values in GBK; with a .cpg, and left to detection. */
static void
write_chinese_names (const char *stem, const char *cpg)
{
  DbfField fields[G_N_ELEMENTS (names_columns)];
  const char *values[G_N_ELEMENTS (names_columns)];
  g_autoptr(GPtrArray) owned = g_ptr_array_new_with_free_func (g_free);
  Shapefile s = { rect_shapes, 1, fields, G_N_ELEMENTS (names_columns), values, 0, cpg, 4549 };

  for (guint i = 0; i < G_N_ELEMENTS (names_columns); i++)
    {
      char *name = gbk (names_columns[i]);
      char *value = gbk (names_values[i]);

      g_ptr_array_add (owned, name);
      g_ptr_array_add (owned, value);
      fields[i] = (DbfField) { name, 'C', 60 };
      values[i] = value;
    }
  write_shapefile (stem, &s);
}

static void
write_truncated (const char *stem, const char *encoding, const char *cpg)
{
  g_autoptr(GString) text = g_string_new ("A");
  g_autofree char *bytes = NULL;
  const char *values[2] = { "T01", NULL };
  Shapefile s = { rect_shapes, 1, long_name_fields, 2, values, encoding ? 0x4d : 0, cpg, 4549 };

  for (int i = 0; i < 127; i++)
    g_string_append (text, "堃");
  bytes = encoding ? gbk (text->str) : g_strdup (text->str);
  values[1] = bytes;
  write_shapefile (stem, &s);
}

static void
write_geometry (void)
{
  CorpusShape shapes[G_N_ELEMENTS (geometry_cases)];
  const char *values[2 * G_N_ELEMENTS (geometry_cases)];
  Shapefile s = { shapes, G_N_ELEMENTS (geometry_cases), id_name_fields, 2, values, 0, "UTF-8", 4549 };

  for (guint i = 0; i < G_N_ELEMENTS (geometry_cases); i++)
    {
      shapes[i] = geometry_cases[i].shape;
      values[2 * i] = geometry_cases[i].id;
      values[2 * i + 1] = "几何问题";
    }
  write_shapefile ("geometry", &s);
}

/* Rectangles moved by an offset: the same parcels in another CRS's numbers. */
static void
write_offset_rects (const char *stem, double dx, int epsg)
{
  static double xy[G_N_ELEMENTS (corpus_rect_xy)][10];
  CorpusShape shapes[G_N_ELEMENTS (corpus_rect_xy)];
  const char *values[2 * G_N_ELEMENTS (corpus_rect_xy)];
  Shapefile s = { shapes, G_N_ELEMENTS (shapes), id_name_fields, 2, values, 0, "UTF-8", epsg };

  for (guint i = 0; i < G_N_ELEMENTS (corpus_rect_xy); i++)
    {
      for (int k = 0; k < 10; k++)
        xy[i][k] = corpus_rect_xy[i][k] + (k % 2 == 0 ? dx : 0);
      shapes[i] = (CorpusShape) { 1, corpus_one_part, 5, xy[i] };
      values[2 * i] = "C";
      values[2 * i + 1] = corpus_names[i];
    }
  write_shapefile (stem, &s);
}

/* Same rectangles, reprojected from EPSG:4549 into another CRS. */
static void
write_reprojected (const char *stem, int epsg, const char *user_crs)
{
  static double xy[G_N_ELEMENTS (corpus_rect_xy)][10];
  CorpusShape shapes[G_N_ELEMENTS (corpus_rect_xy)];
  const char *values[2 * G_N_ELEMENTS (corpus_rect_xy)];
  Shapefile s = { shapes, G_N_ELEMENTS (shapes), id_name_fields, 2, values, 0, "UTF-8", epsg };
  OGRSpatialReferenceH from = OSRNewSpatialReference (NULL), to = OSRNewSpatialReference (NULL);
  OGRCoordinateTransformationH ct;

  OSRImportFromEPSG (from, 4549);
  if (epsg != 0)
    OSRImportFromEPSG (to, epsg);
  else
    OSRSetFromUserInput (to, user_crs);
  OSRSetAxisMappingStrategy (from, OAMS_TRADITIONAL_GIS_ORDER);
  OSRSetAxisMappingStrategy (to, OAMS_TRADITIONAL_GIS_ORDER);
  ct = OCTNewCoordinateTransformation (from, to);
  for (guint i = 0; i < G_N_ELEMENTS (corpus_rect_xy); i++)
    {
      for (int k = 0; k < 5; k++)
        {
          double x = corpus_rect_xy[i][2 * k], y = corpus_rect_xy[i][2 * k + 1];

          OCTTransform (ct, 1, &x, &y, NULL);
          xy[i][2 * k] = x, xy[i][2 * k + 1] = y;
        }
      shapes[i] = (CorpusShape) { 1, corpus_one_part, 5, xy[i] };
      values[2 * i] = "C";
      values[2 * i + 1] = corpus_names[i];
    }
  write_shapefile (stem, &s);
  OCTDestroyCoordinateTransformation (ct);
  OSRDestroySpatialReference (from);
  OSRDestroySpatialReference (to);
}

/* A city system whose parameters the bureau holds itself (invented here). */
#define LOCAL_CRS "+proj=tmerc +lat_0=31.2 +lon_0=121.45 +k=1 +x_0=-3450 +y_0=-2300 " \
                  "+ellps=krass +units=m +no_defs"

static void
write_crs (void)
{
  g_autofree char *local = out_path ("crs-local.proj4");

  write_offset_rects ("crs-no-prj", 0, 0);
  write_offset_rects ("crs-zone40", 40000000, 0);
  write_reprojected ("crs-4490", 4490, NULL);
  write_reprojected ("crs-xian80", 2385, NULL);
  write_reprojected ("crs-beijing54", 2437, NULL);
  write_reprojected ("crs-utm51", 32651, NULL);
  write_reprojected ("crs-local", 0, LOCAL_CRS);
  if (!g_file_set_contents (local, LOCAL_CRS "\n", -1, NULL))
    die (local);
}

/* ---- other formats, through GDAL ----------------------------------------- */

static OGRGeometryH
rect_geometry (guint i)
{
  OGRGeometryH poly = OGR_G_CreateGeometry (wkbPolygon);
  OGRGeometryH ring = OGR_G_CreateGeometry (wkbLinearRing);

  for (int k = 0; k < 5; k++)
    OGR_G_AddPoint_2D (ring, corpus_rect_xy[i][2 * k], corpus_rect_xy[i][2 * k + 1]);
  OGR_G_AddGeometryDirectly (poly, ring);
  return poly;
}

static OGRLayerH
create_layer (GDALDatasetH ds, const char *name, int epsg, OGRwkbGeometryType type,
              char **options)
{
  OGRSpatialReferenceH srs = OSRNewSpatialReference (NULL);
  OGRLayerH layer;
  OGRFieldDefnH fd;

  OSRImportFromEPSG (srs, epsg);
  OSRSetAxisMappingStrategy (srs, OAMS_TRADITIONAL_GIS_ORDER);
  layer = GDALDatasetCreateLayer (ds, name, srs, type, options);
  if (layer == NULL)
    die (name);
  fd = OGR_Fld_Create ("TBBH", OFTString);
  OGR_L_CreateField (layer, fd, TRUE);
  OGR_Fld_Destroy (fd);
  fd = OGR_Fld_Create ("QSDWMC", OFTString);
  OGR_L_CreateField (layer, fd, TRUE);
  OGR_Fld_Destroy (fd);
  OSRDestroySpatialReference (srs);
  return layer;
}

/* n parcels in rows of the five rectangles, moved 1 km per row. */
static void
fill_layer (OGRLayerH layer, guint n, int epsg)
{
  OGRSpatialReferenceH from = OSRNewSpatialReference (NULL), to = OSRNewSpatialReference (NULL);
  OGRCoordinateTransformationH ct = NULL;

  OSRImportFromEPSG (from, 4549);
  OSRImportFromEPSG (to, epsg);
  OSRSetAxisMappingStrategy (from, OAMS_TRADITIONAL_GIS_ORDER);
  OSRSetAxisMappingStrategy (to, OAMS_TRADITIONAL_GIS_ORDER);
  if (epsg != 4549)
    ct = OCTNewCoordinateTransformation (from, to);
  for (guint i = 0; i < n; i++)
    {
      OGRFeatureH f = OGR_F_Create (OGR_L_GetLayerDefn (layer));
      OGRGeometryH g = rect_geometry (i % G_N_ELEMENTS (corpus_rect_xy));
      OGRGeometryH ring = OGR_G_GetGeometryRef (g, 0);
      g_autofree char *id = g_strdup_printf ("F%04u", i + 1);
      guint row = i / G_N_ELEMENTS (corpus_rect_xy);

      for (int k = 0; k < OGR_G_GetPointCount (ring); k++)
        OGR_G_SetPoint_2D (ring, k, OGR_G_GetX (ring, k) + (row % 50) * 600.0,
                           OGR_G_GetY (ring, k) + (row / 50) * 400.0);
      if (ct != NULL)
        OGR_G_Transform (g, ct);
      /* By name: KML layers have Name and Description fields of their own first. */
      OGR_F_SetFieldString (f, OGR_F_GetFieldIndex (f, "TBBH"), id);
      OGR_F_SetFieldString (f, OGR_F_GetFieldIndex (f, "QSDWMC"),
                            corpus_names[i % G_N_ELEMENTS (corpus_names)]);
      OGR_F_SetGeometryDirectly (f, g);
      if (OGR_L_CreateFeature (layer, f) != OGRERR_NONE)
        die ("feature");
      OGR_F_Destroy (f);
    }
  if (ct)
    OCTDestroyCoordinateTransformation (ct);
  OSRDestroySpatialReference (from);
  OSRDestroySpatialReference (to);
}

static void
write_format (const char *driver_name, const char *name, int epsg, guint n, char **options)
{
  g_autofree char *path = out_path (name);
  GDALDriverH driver = GDALGetDriverByName (driver_name);
  GDALDatasetH ds;

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    GDALDeleteDataset (driver, path);
  ds = GDALCreate (driver, path, 0, 0, 0, GDT_Unknown, NULL);
  if (ds == NULL)
    die (path);
  fill_layer (create_layer (ds, "parcels", epsg, wkbPolygon, options), n, epsg);
  GDALClose (ds);
}

static void
write_multi_layer (void)
{
  g_autofree char *path = out_path ("multi.gpkg");
  GDALDatasetH ds;
  OGRLayerH roads;

  g_unlink (path);
  ds = GDALCreate (GDALGetDriverByName ("GPKG"), path, 0, 0, 0, GDT_Unknown, NULL);
  roads = create_layer (ds, "roads", 4549, wkbLineString, NULL);
  (void) roads;
  fill_layer (create_layer (ds, "a_parcels", 4549, wkbPolygon, NULL), 3, 4549);
  fill_layer (create_layer (ds, "b_parcels", 4549, wkbPolygon, NULL), 4, 4549);
  GDALClose (ds);
}

static void
write_csv_wkt (void)
{
  g_autoptr(GString) csv = g_string_new ("WKT,TBBH,QSDWMC\n");
  g_autofree char *path = out_path ("parcels-wkt.csv");

  for (guint i = 0; i < G_N_ELEMENTS (corpus_rect_xy); i++)
    {
      OGRGeometryH g = rect_geometry (i);
      char *wkt = NULL;

      OGR_G_ExportToWkt (g, &wkt);
      g_string_append_printf (csv, "\"%s\",R%02u,%s\n", wkt, i + 1, corpus_names[i]);
      CPLFree (wkt);
      OGR_G_DestroyGeometry (g);
    }
  if (!g_file_set_contents (path, csv->str, csv->len, NULL))
    die (path);
}

/* A GeoPackage of string columns, each row on the first rectangle. */
static void
write_string_table (const char *name, const char *const *columns, guint n_columns,
                    const char *const *rows, guint n_rows)
{
  g_autofree char *path = out_path (name);
  OGRSpatialReferenceH srs = OSRNewSpatialReference (NULL);
  GDALDatasetH ds;
  OGRLayerH layer;

  g_unlink (path);
  OSRImportFromEPSG (srs, 4549);
  ds = GDALCreate (GDALGetDriverByName ("GPKG"), path, 0, 0, 0, GDT_Unknown, NULL);
  if (ds == NULL)
    die (path);
  layer = GDALDatasetCreateLayer (ds, "parcels", srs, wkbPolygon, NULL);
  for (guint c = 0; c < n_columns; c++)
    {
      OGRFieldDefnH fd = OGR_Fld_Create (columns[c], OFTString);

      OGR_L_CreateField (layer, fd, TRUE);
      OGR_Fld_Destroy (fd);
    }
  for (guint r = 0; r < n_rows; r++)
    {
      OGRFeatureH f = OGR_F_Create (OGR_L_GetLayerDefn (layer));

      for (guint c = 0; c < n_columns; c++)
        if (rows[r * n_columns + c] != NULL && *rows[r * n_columns + c] != '\0')
          OGR_F_SetFieldString (f, c, rows[r * n_columns + c]);
      OGR_F_SetGeometryDirectly (f, rect_geometry (0));
      if (OGR_L_CreateFeature (layer, f) != OGRERR_NONE)
        die ("feature");
      OGR_F_Destroy (f);
    }
  GDALClose (ds);
  OSRDestroySpatialReference (srs);
}

static void
write_status (void)
{
  static const char *const columns[] = { "TBBH", "WCSX", "SDSJ", "ZXFS", "TBMJ", "SFZX" };
  const char *rows[G_N_ELEMENTS (status_cases) * G_N_ELEMENTS (columns)];

  for (guint i = 0; i < G_N_ELEMENTS (status_cases); i++)
    {
      const StatusCase *c = &status_cases[i];
      const char **row = rows + i * G_N_ELEMENTS (columns);

      row[0] = c->id, row[1] = c->deadline, row[2] = c->lock_deadline;
      row[3] = c->method, row[4] = c->survey_area, row[5] = "是";
    }
  write_string_table ("status.gpkg", columns, G_N_ELEMENTS (columns), rows,
                      G_N_ELEMENTS (status_cases));
}

static OGRGeometryH
geometry_from_wkt (const char *wkt)
{
  OGRGeometryH g = NULL;
  char *text = (char *) wkt;

  if (OGR_G_CreateFromWkt (&text, NULL, &g) != OGRERR_NONE)
    die (wkt);
  return g;
}

/* A ring of LONG_RING_POINTS round a circle; crossed, two far vertices swap. */
static OGRGeometryH
long_ring (double dx, gboolean crossed)
{
  OGRGeometryH poly = OGR_G_CreateGeometry (wkbPolygon);
  OGRGeometryH ring = OGR_G_CreateGeometry (wkbLinearRing);

  for (int i = 0; i < LONG_RING_POINTS; i++)
    {
      int k = crossed ? (i == 10 ? 200 : i == 200 ? 10 : i) : i;
      double a = -2 * G_PI * k / LONG_RING_POINTS;

      OGR_G_AddPoint_2D (ring, LONG_RING_CX + dx + LONG_RING_R * cos (a),
                         LONG_RING_CY + LONG_RING_R * sin (a));
    }
  OGR_G_CloseRings (ring);
  OGR_G_AddGeometryDirectly (poly, ring);
  return poly;
}

static void
write_curves (void)
{
  g_autofree char *path = out_path ("curves.gpkg");
  g_autofree char *circle = g_strdup_printf (
    "CURVEPOLYGON(CIRCULARSTRING(%.1f %.1f,%.1f %.1f,%.1f %.1f,%.1f %.1f,%.1f %.1f))",
    CURVE_CX - CURVE_R, CURVE_CY, CURVE_CX, CURVE_CY + CURVE_R, CURVE_CX + CURVE_R, CURVE_CY,
    CURVE_CX, CURVE_CY - CURVE_R, CURVE_CX - CURVE_R, CURVE_CY);
  g_autofree char *multi = g_strdup_printf (
    "MULTISURFACE(((%.1f %.1f,%.1f %.1f,%.1f %.1f,%.1f %.1f,%.1f %.1f)))",
    corpus_rect_xy[0][0], corpus_rect_xy[0][1], corpus_rect_xy[0][2], corpus_rect_xy[0][3],
    corpus_rect_xy[0][4], corpus_rect_xy[0][5], corpus_rect_xy[0][6], corpus_rect_xy[0][7],
    corpus_rect_xy[0][8], corpus_rect_xy[0][9]);
  OGRGeometryH shapes[] = { geometry_from_wkt (circle), geometry_from_wkt (multi),
                            long_ring (0, FALSE), long_ring (300, TRUE) };
  static const char *const ids[] = { "C01-circle", "C02-multisurface", "C03-long-ring",
                                     "C04-long-crossed" };
  OGRSpatialReferenceH srs = OSRNewSpatialReference (NULL);
  GDALDatasetH ds;
  OGRLayerH layer;
  OGRFieldDefnH fd = OGR_Fld_Create ("TBBH", OFTString);

  g_unlink (path);
  OSRImportFromEPSG (srs, 4549);
  ds = GDALCreate (GDALGetDriverByName ("GPKG"), path, 0, 0, 0, GDT_Unknown, NULL);
  layer = GDALDatasetCreateLayer (ds, "parcels", srs, wkbMultiSurface, NULL);
  OGR_L_CreateField (layer, fd, TRUE);
  /* GDAL warns that a CURVEPOLYGON or POLYGON in a MULTISURFACE layer is not
   * by the GeoPackage book; such files are what the loader must read. */
  CPLPushErrorHandler (CPLQuietErrorHandler);
  for (guint i = 0; i < G_N_ELEMENTS (shapes); i++)
    {
      OGRFeatureH f = OGR_F_Create (OGR_L_GetLayerDefn (layer));

      OGR_F_SetFieldString (f, 0, ids[i]);
      OGR_F_SetGeometryDirectly (f, shapes[i]);
      if (OGR_L_CreateFeature (layer, f) != OGRERR_NONE)
        die ("curve feature");
      OGR_F_Destroy (f);
    }
  CPLPopErrorHandler ();
  OGR_Fld_Destroy (fd);
  GDALClose (ds);
  OSRDestroySpatialReference (srs);
}

/* Latitude first: a GeoJSON written by hand from a table of lat, lon. */
static void
write_swapped (void)
{
  g_autofree char *path = out_path ("swapped.geojson");
  g_autoptr(GString) json = g_string_new ("{\"type\":\"FeatureCollection\",\"features\":[");

  for (int i = 0; i < 3; i++)
    {
      double lon = 121.40 + 0.01 * i, lat = 31.00, d = 0.001;

      g_string_append_printf (json,
                              "%s{\"type\":\"Feature\",\"properties\":{\"TBBH\":\"W%d\"},"
                              "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[%.3f,%.3f],"
                              "[%.3f,%.3f],[%.3f,%.3f],[%.3f,%.3f],[%.3f,%.3f]]]}}",
                              i ? "," : "", i + 1, lat, lon, lat + d, lon, lat + d, lon + d,
                              lat, lon + d, lat, lon);
    }
  g_string_append (json, "]}");
  if (!g_file_set_contents (path, json->str, json->len, NULL))
    die (path);
}

/* A GeoJSON polygon of d degrees at (lon, lat), or a point, or a line. */
static void
append_feature (GString *json, const char *id, char kind, double lon, double lat)
{
  const double d = 0.001;

  g_string_append_printf (json, "%s{\"type\":\"Feature\",\"properties\":{\"TBBH\":\"%s\"},"
                          "\"geometry\":", json->str[json->len - 1] == '[' ? "" : ",", id);
  if (kind == 'P')
    g_string_append_printf (json, "{\"type\":\"Point\",\"coordinates\":[%.4f,%.4f]}}", lon, lat);
  else if (kind == 'L')
    g_string_append_printf (json, "{\"type\":\"LineString\",\"coordinates\":[[%.4f,%.4f],"
                            "[%.4f,%.4f]]}}", lon, lat, lon + d, lat + d);
  else if (kind == 'C' || kind == 'G')
    {
      /* A collection of a polygon (C only), a point and a line. */
      g_string_append_printf (json, "{\"type\":\"GeometryCollection\",\"geometries\":[");
      if (kind == 'C')
        g_string_append_printf (json, "{\"type\":\"Polygon\",\"coordinates\":[[[%.4f,%.4f],"
                                "[%.4f,%.4f],[%.4f,%.4f],[%.4f,%.4f],[%.4f,%.4f]]]},",
                                lon, lat, lon, lat + d, lon + d, lat + d, lon + d, lat, lon, lat);
      g_string_append_printf (json, "{\"type\":\"Point\",\"coordinates\":[%.4f,%.4f]},"
                              "{\"type\":\"LineString\",\"coordinates\":[[%.4f,%.4f],"
                              "[%.4f,%.4f]]}]}}", lon, lat, lon, lat, lon + d, lat + d);
    }
  else
    g_string_append_printf (json, "{\"type\":\"Polygon\",\"coordinates\":[[[%.4f,%.4f],"
                            "[%.4f,%.4f],[%.4f,%.4f],[%.4f,%.4f],[%.4f,%.4f]]]}}",
                            lon, lat, lon, lat + d, lon + d, lat + d, lon + d, lat, lon, lat);
}

/* kinds: one letter a feature, P point, L line, A area (polygon), C and G
 * collections with and without a polygon, X a polygon far off the earth. */
static void
write_geojson_kinds (const char *name, const char *kinds)
{
  g_autofree char *path = out_path (name);
  g_autoptr(GString) json = g_string_new ("{\"type\":\"FeatureCollection\",\"features\":[");

  for (int i = 0; kinds[i] != '\0'; i++)
    {
      g_autofree char *id = g_strdup_printf ("%c%02d", kinds[i], i + 1);
      /* An absurd feature far off the earth's range. */
      double lon = kinds[i] == 'X' ? 1e12 : 121.40 + 0.002 * i;

      append_feature (json, id, kinds[i] == 'X' ? 'A' : kinds[i], lon, 31.00);
    }
  g_string_append (json, "]}");
  if (!g_file_set_contents (path, json->str, json->len, NULL))
    die (path);
}

static void
write_mixed (void)
{
  g_autoptr(GString) csv = g_string_new ("WKT,TBBH\n\"POINT (628000 3432000)\",P0\n");
  g_autofree char *csv_path = out_path ("mixed-wkt.csv");

  write_geojson_kinds ("mixed-point-first.geojson", "PLAAA");
  write_geojson_kinds ("mixed-polygon-first.geojson", "APAL");
  write_geojson_kinds ("absurd-centre.geojson", "AX");
  write_geojson_kinds ("mixed-collections.geojson", "GCA");
  for (guint i = 0; i < G_N_ELEMENTS (corpus_rect_xy); i++)
    {
      OGRGeometryH g = rect_geometry (i);
      char *wkt = NULL;

      OGR_G_ExportToWkt (g, &wkt);
      g_string_append_printf (csv, "\"%s\",R%02u\n", wkt, i + 1);
      CPLFree (wkt);
      OGR_G_DestroyGeometry (g);
    }
  if (!g_file_set_contents (csv_path, csv->str, csv->len, NULL))
    die (csv_path);
}

/* Parcels in the second geometry field (the first holds points): SQLite
 * keeps several geometry columns in one table. */
static void
write_second_geometry (void)
{
  g_autofree char *path = out_path ("second-geometry.sqlite");
  OGRSpatialReferenceH srs = OSRNewSpatialReference (NULL);
  const char *options[] = { "GEOMETRY_NAME=label_point", NULL };
  OGRGeomFieldDefnH shape = OGR_GFld_Create ("shape", wkbPolygon);
  OGRFieldDefnH fd = OGR_Fld_Create ("TBBH", OFTString);
  OGRFieldDefnH owner = OGR_Fld_Create ("QSDWMC", OFTString);
  GDALDatasetH ds;
  OGRLayerH layer;

  g_unlink (path);
  OSRImportFromEPSG (srs, 4549);
  ds = GDALCreate (GDALGetDriverByName ("SQLite"), path, 0, 0, 0, GDT_Unknown, NULL);
  if (ds == NULL)
    die (path);
  layer = GDALDatasetCreateLayer (ds, "parcels", srs, wkbPoint, (char **) options);
  OGR_GFld_SetSpatialRef (shape, srs);
  if (layer == NULL || OGR_L_CreateGeomField (layer, shape, TRUE) != OGRERR_NONE ||
      OGR_L_CreateField (layer, fd, TRUE) != OGRERR_NONE ||
      OGR_L_CreateField (layer, owner, TRUE) != OGRERR_NONE)
    die ("second geometry");
  for (guint i = 0; i < G_N_ELEMENTS (corpus_rect_xy); i++)
    {
      OGRFeatureH f = OGR_F_Create (OGR_L_GetLayerDefn (layer));
      OGRGeometryH point = OGR_G_CreateGeometry (wkbPoint);
      g_autofree char *id = g_strdup_printf ("R%02u", i + 1);

      OGR_G_SetPoint_2D (point, 0, corpus_rect_xy[i][0] + 1, corpus_rect_xy[i][1] + 1);
      OGR_F_SetFieldString (f, 0, id);
      OGR_F_SetFieldString (f, 1, corpus_names[i]);
      OGR_F_SetGeomFieldDirectly (f, 0, point);
      OGR_F_SetGeomFieldDirectly (f, 1, rect_geometry (i));
      if (OGR_L_CreateFeature (layer, f) != OGRERR_NONE)
        die ("second geometry feature");
      OGR_F_Destroy (f);
    }
  OGR_GFld_Destroy (shape);
  OGR_Fld_Destroy (fd);
  OGR_Fld_Destroy (owner);
  GDALClose (ds);
  OSRDestroySpatialReference (srs);
}

/* CRSs that place nothing on the earth: a GeoPackage's srs_id 0
 * ("Undefined geographic SRS") and an engineering .prj (ArcGIS's NonEarth). */
static void
write_undefined_crs (void)
{
  static const char nonearth[] = "LOCAL_CS[\"NonEarth\",UNIT[\"Meter\",1.0]]";
  g_autofree char *path = out_path ("crs-undefined.gpkg");
  GDALDatasetH ds;

  g_unlink (path);
  ds = GDALCreate (GDALGetDriverByName ("GPKG"), path, 0, 0, 0, GDT_Unknown, NULL);
  {
    OGRLayerH layer = GDALDatasetCreateLayer (ds, "parcels", NULL, wkbPolygon, NULL);
    OGRFeatureH f = OGR_F_Create (OGR_L_GetLayerDefn (layer));

    OGR_F_SetGeometryDirectly (f, rect_geometry (0));
    if (OGR_L_CreateFeature (layer, f) != OGRERR_NONE)
      die ("undefined crs");
    OGR_F_Destroy (f);
  }
  GDALClose (ds);
  write_offset_rects ("crs-nonearth", 0, 0);
  write_bytes ("crs-nonearth.prj", (const guint8 *) nonearth, strlen (nonearth));
}

static void
add_to_zip (void *zip, const char *stem, const char *ext)
{
  g_autofree char *name = g_strdup_printf ("%s.%s", stem, ext);
  g_autofree char *path = out_path (name);
  g_autofree char *data = NULL;
  gsize len;

  if (!g_file_get_contents (path, &data, &len, NULL))
    die (path);
  if (CPLCreateFileInZip (zip, name, NULL) != CE_None ||
      CPLWriteFileInZip (zip, data, (int) len) != CE_None || CPLCloseFileInZip (zip) != CE_None)
    die (name);
}

static void
write_zip (void)
{
  g_autofree char *path = out_path ("parcels-shp.zip");
  void *zip = CPLCreateZip (path, NULL);

  if (zip == NULL)
    die (path);
  add_to_zip (zip, "enc-utf8-cpg", "shp");
  add_to_zip (zip, "enc-utf8-cpg", "shx");
  add_to_zip (zip, "enc-utf8-cpg", "dbf");
  add_to_zip (zip, "enc-utf8-cpg", "cpg");
  add_to_zip (zip, "enc-utf8-cpg", "prj");
  CPLCloseZip (zip);
}

static void
write_folder (void)
{
  g_autofree char *dir = out_path ("folder");
  g_autofree char *saved = g_strdup (outdir);

  g_mkdir_with_parents (dir, 0755);
  outdir = dir;
  write_named_rects ("survey-a", NULL, 0, "UTF-8", 4549);
  outdir = g_steal_pointer (&saved);
}

/* ---- damage ---------------------------------------------------------------- */

static CorpusShape twenty_shapes[20];
static double twenty_xy[20][10];

static void
write_twenty (const char *stem)
{
  const char *values[40];
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  Shapefile s = { twenty_shapes, 20, id_name_fields, 2, values, 0, "UTF-8", 4549 };

  for (int i = 0; i < 20; i++)
    {
      char *id = g_strdup_printf ("D%02d", i + 1);

      for (int k = 0; k < 10; k++)
        twenty_xy[i][k] = corpus_rect_xy[0][k] + (k % 2 == 0 ? 150.0 * (i % 5) : 150.0 * (i / 5));
      twenty_shapes[i] = (CorpusShape) { 1, corpus_one_part, 5, twenty_xy[i] };
      g_ptr_array_add (ids, id);
      values[2 * i] = id;
      values[2 * i + 1] = corpus_names[i % G_N_ELEMENTS (corpus_names)];
    }
  write_shapefile (stem, &s);
}

static GBytes *
read_out (const char *name)
{
  g_autofree char *path = out_path (name);
  char *data = NULL;
  gsize len;

  if (!g_file_get_contents (path, &data, &len, NULL))
    die (path);
  return g_bytes_new_take (data, len);
}

static void
copy_part (const char *from, const char *to, gsize keep)
{
  g_autoptr(GBytes) b = read_out (from);
  gsize len;
  const guint8 *data = g_bytes_get_data (b, &len);

  write_bytes (to, data, MIN (keep, len));
}

static void
copy_set (const char *from_stem, const char *to_stem, const char *const *exts)
{
  for (int i = 0; exts[i] != NULL; i++)
    {
      g_autofree char *from = g_strdup_printf ("%s.%s", from_stem, exts[i]);
      g_autofree char *to = g_strdup_printf ("%s.%s", to_stem, exts[i]);

      copy_part (from, to, G_MAXSIZE);
    }
}

/* Overwrites a 32-bit header field in place, little- or big-endian. */
static void
patch_u32 (const char *name,
           gsize       at,
           guint32     value,
           gboolean    big_endian)
{
  g_autoptr(GBytes) b = read_out (name);
  gsize len = g_bytes_get_size (b);
  g_autofree guint8 *data = g_memdup2 (g_bytes_get_data (b, NULL), len);
  guint32 raw = big_endian ? GUINT32_TO_BE (value) : GUINT32_TO_LE (value);

  memcpy (data + at, &raw, 4);
  write_bytes (name, data, len);
}

static void
write_damaged (void)
{
  static const char *const all[] = { "shp", "shx", "dbf", "cpg", "prj", NULL };
  static const char *const no_shx[] = { "shp", "dbf", "cpg", "prj", NULL };
  static const char *const no_dbf[] = { "shp", "shx", "prj", NULL };
  g_autoptr(GBytes) shp = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  guint8 noise[2048];

  write_twenty ("dmg-good");
  shp = read_out ("dmg-good.shp");

  copy_set ("dmg-good", "dmg-truncated", all);
  copy_part ("dmg-good.shp", "dmg-truncated.shp", g_bytes_get_size (shp) * 6 / 10);
  copy_set ("dmg-good", "dmg-deleted", all);
  {
    gsize at = 32 + 32 * 2 + 1 + DELETED_RECORD * (1 + 20 + 60);
    g_autoptr(GBytes) b = read_out ("dmg-deleted.dbf");
    g_autofree guint8 *data = g_memdup2 (g_bytes_get_data (b, NULL), g_bytes_get_size (b));

    data[at] = '*';
    write_bytes ("dmg-deleted.dbf", data, g_bytes_get_size (b));
  }
  copy_set ("dmg-good", "dmg-no-shx", no_shx);
  copy_set ("dmg-good", "dmg-no-dbf", no_dbf);

  /* A .dbf that holds and claims 12 records for the .shp's 20. */
  copy_set ("dmg-good", "dmg-short-dbf", all);
  {
    gsize header = 32 + 32 * 2 + 1, record = 1 + 20 + 60;

    copy_part ("dmg-good.dbf", "dmg-short-dbf.dbf", header + 12 * record);
    patch_u32 ("dmg-short-dbf.dbf", 4, 12, FALSE);
  }
  /* Headers that lie: the .dbf claims 50 records, the .shp twice its length. */
  copy_set ("dmg-good", "dmg-lying-dbf", all);
  patch_u32 ("dmg-lying-dbf.dbf", 4, 50, FALSE);
  copy_set ("dmg-good", "dmg-lying-shp", all);
  patch_u32 ("dmg-lying-shp.shp", 24, g_bytes_get_size (shp), TRUE);

  /* A DWG of a version libopencad does not read (its error is three lines),
   * and a drawing of a closed polyline and a point: lines, not parcels. */
  write_bytes ("dmg-cad-version.dwg", (guint8 *) "AC1027 not a drawing", 20);
  {
    static const char dxf[] =
      "0\nSECTION\n2\nENTITIES\n0\nLWPOLYLINE\n8\n0\n90\n4\n70\n1\n10\n0\n20\n0\n"
      "10\n100\n20\n0\n10\n100\n20\n100\n10\n0\n20\n100\n0\nPOINT\n8\n0\n10\n1\n20\n1\n"
      "0\nENDSEC\n0\nEOF\n";

    write_bytes ("dmg-lines-only.dxf", (const guint8 *) dxf, strlen (dxf));
  }
  write_bytes ("dmg-zero.shp", (guint8 *) "", 0);
  write_bytes ("dmg-zero.gpkg", (guint8 *) "", 0);
  for (guint i = 0; i < sizeof noise; i++)
    noise[i] = g_rand_int (rand);
  write_bytes ("dmg-random.shp", noise, sizeof noise);
  write_bytes ("dmg-random.gpkg", noise, sizeof noise);

  write_format ("GPKG", "dmg-big.gpkg", 4549, 3000, NULL);
  {
    g_autoptr(GBytes) gpkg = read_out ("dmg-big.gpkg");

    copy_part ("dmg-big.gpkg", "dmg-truncated.gpkg", g_bytes_get_size (gpkg) * 7 / 10);
  }
  {
    g_autoptr(GBytes) json = read_out ("parcels.geojson");
    gsize len;
    const char *text = g_bytes_get_data (json, &len);

    write_bytes ("dmg-syntax.geojson", (const guint8 *) text, len / 2);
  }
}

/* A shapefile whose header says points while its records are polygons (as
 * GDAL's "non-conformant" mixed shapefiles): its polygons are parcels all
 * the same. */
static void
write_header_says_points (void)
{
  static const char *const exts[] = { ".shp", ".shx" };

  write_named_rects ("mixed-header-points", NULL, 0, "UTF-8", 4549);
  for (guint i = 0; i < G_N_ELEMENTS (exts); i++)
    {
      g_autofree char *name = g_strconcat ("mixed-header-points", exts[i], NULL);
      g_autoptr(GBytes) b = read_out (name);
      gsize len = g_bytes_get_size (b);
      guint8 *data = g_memdup2 (g_bytes_get_data (b, NULL), len);

      data[32] = 1; /* shape type: point */
      write_bytes (name, data, len);
      g_free (data);
    }
}

/* Only collections, each holding a polygon (a GML MultiGeometry); and solids
 * (a multipatch, a polyhedral surface), which are not parcels. */
static void
write_collections_and_solids (void)
{
  static const char solids[] =
    "WKT,TBBH\n"
    "\"GEOMETRYCOLLECTION Z (TIN Z (((0 0 0,1 0 0,0 1 1,0 0 0))),"
    "POLYGON Z ((0 0 0,1 0 0,1 1 0,0 1 0,0 0 0)))\",S1\n"
    "\"POLYHEDRALSURFACE Z (((0 0 0,0 1 0,1 1 0,1 0 0,0 0 0)),"
    "((0 0 0,0 0 1,0 1 1,0 1 0,0 0 0)))\",S2\n"
    "\"POINT (0 0)\",P3\n";

  write_geojson_kinds ("collections-only.geojson", "CC");
  write_bytes ("solids.csv", (const guint8 *) solids, strlen (solids));
}

int
main (int argc, char *argv[])
{
  char *geojson_options[] = { "RFC7946=NO", NULL };

  if (argc != 3)
    {
      g_printerr ("usage: mq-make-corpus OUTDIR STAMP\n");
      return 2;
    }
  outdir = argv[1];
  g_mkdir_with_parents (outdir, 0755);
  GDALAllRegister ();
  for (guint i = 0; i < G_N_ELEMENTS (corpus_rect_xy); i++)
    rect_shapes[i] = (CorpusShape) { 1, corpus_one_part, 5, corpus_rect_xy[i] };

  write_encodings ();
  write_chinese_names ("names-gbk-cpg", "GBK");
  write_chinese_names ("names-gbk-detect", NULL);
  write_truncated ("enc-truncated-gbk", "GBK", NULL);
  write_truncated ("enc-truncated-utf8", NULL, "UTF-8");
  write_geometry ();
  write_crs ();
  write_format ("GPKG", "parcels.gpkg", 4549, 5, NULL);
  write_format ("GeoJSON", "parcels.geojson", 4326, 5, geojson_options);
  write_format ("GML", "parcels.gml", 4549, 5, NULL);
  write_format ("KML", "parcels.kml", 4326, 5, NULL);
  write_csv_wkt ();
  write_zip ();
  write_folder ();
  write_multi_layer ();
  write_status ();
  write_curves ();
  write_swapped ();
  write_mixed ();
  write_header_says_points ();
  write_collections_and_solids ();
  write_second_geometry ();
  write_undefined_crs ();
  write_damaged ();
  if (!g_file_set_contents (argv[2], "", 0, NULL))
    die (argv[2]);
  return 0;
}
