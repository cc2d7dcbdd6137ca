/* mq-geopdf.c
 *
 * The report as cairo draws it stays the page: each page is written as a
 * PDF of its own, then GDAL's PDF composition puts them together, page 1
 * and the atlas pages georeferenced by their map frame (the neatline) in
 * the project's CRS, with the parcels in view as a queryable layer (not
 * drawn again: the page already shows them) and the zone, roads and rivers
 * as layers a reader can turn on. The makings live in a temporary folder,
 * removed afterwards; the GeoPDF appears whole or not at all.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-geopdf.h"

#include <errno.h>
#include <gdal.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "mq-crs.h"
#include "mq-csv.h"
#include "mq-output.h"

typedef struct
{
  MqRefKind   kind;
  const char *id;
  const char *name;     /* N_() */
  const char *style;    /* OGR style string */
} RefLayer;

static const RefLayer ref_layers[] = {
  { MQ_REF_ZONE, "zone", N_("Zone boundary"), "PEN(c:#8C2E1A,w:2pt,p:\"6pt 3pt\")" },
  { MQ_REF_ROAD, "roads", N_("Roads"), "PEN(c:#7A7060,w:1pt)" },
  { MQ_REF_RIVER, "rivers", N_("Rivers"), "PEN(c:#3E7CB1,w:1pt)" },
};

/* A feature of @shapes as OGR geometry: a polygon of its rings (the first
 * outer), or the lines of a road or river. */
static OGRGeometryH
dup_geometry (const MqShapes *shapes,
              guint           feature)
{
  const MqBox o = mq_shapes_get_bbox (shapes, feature);
  guint r0 = g_array_index (shapes->feat_ring, guint, feature);
  guint r1 = g_array_index (shapes->feat_ring, guint, feature + 1);
  OGRGeometryH out = OGR_G_CreateGeometry (shapes->open_rings ? wkbPolygon : wkbMultiLineString);

  for (guint r = r0; r < r1; r++)
    {
      guint p0 = g_array_index (shapes->ring_start, guint, r);
      guint p1 = g_array_index (shapes->ring_start, guint, r + 1);
      OGRGeometryH part = OGR_G_CreateGeometry (shapes->open_rings ? wkbLinearRing : wkbLineString);

      for (guint p = p0; p < p1; p++)
        {
          double x, y;

          mq_shapes_get_point (shapes, &o, p, &x, &y);
          OGR_G_AddPoint_2D (part, x, y);
        }
      if (shapes->open_rings)
        OGR_G_CloseRings (part);
      OGR_G_AddGeometryDirectly (out, part);
    }
  return out;
}

static OGRGeometryH
box_geometry (const MqBox *b)
{
  OGRGeometryH ring = OGR_G_CreateGeometry (wkbLinearRing);
  OGRGeometryH polygon = OGR_G_CreateGeometry (wkbPolygon);

  OGR_G_AddPoint_2D (ring, b->min_x, b->min_y);
  OGR_G_AddPoint_2D (ring, b->max_x, b->min_y);
  OGR_G_AddPoint_2D (ring, b->max_x, b->max_y);
  OGR_G_AddPoint_2D (ring, b->min_x, b->max_y);
  OGR_G_AddPoint_2D (ring, b->min_x, b->min_y);
  OGR_G_AddGeometryDirectly (polygon, ring);
  return polygon;
}

/* The parcels a page's map shows, with the ledger's columns (Chinese
 * headers in zh_CN), as layer "parcels_N". */
static gboolean
write_parcels (GDALDatasetH           ds,
               OGRSpatialReferenceH   srs,
               MqDataset             *dataset,
               MqTable               *table,
               const MqReportPageGeo *geo)
{
  MqParcels *parcels = mq_dataset_get_parcels (dataset);
  const MqShapes *shapes = mq_parcels_get_shapes (parcels);
  g_autofree char *name = g_strdup_printf ("parcels_%u", geo->page);
  OGRLayerH layer = GDALDatasetCreateLayer (ds, name, srs, wkbPolygon, NULL);
  g_autoptr(GArray) shown = NULL;
  guint n_columns = mq_table_get_n_columns (table);

  if (layer == NULL)
    return FALSE;
  for (guint c = 0; c < n_columns; c++)
    {
      OGRFieldDefnH field = OGR_Fld_Create (mq_table_get_header (table, c), OFTString);

      OGR_L_CreateField (layer, field, TRUE);
      OGR_Fld_Destroy (field);
    }
  shown = mq_spatial_index_query (mq_parcels_get_index (parcels), &geo->ground);
  for (guint k = 0; k < shown->len; k++)
    {
      guint i = g_array_index (shown, guint, k);
      OGRFeatureH feature = OGR_F_Create (OGR_L_GetLayerDefn (layer));
      gboolean ok;

      for (guint c = 0; c < n_columns; c++)
        {
          g_autofree char *cell = mq_table_dup_cell (table, i, c);

          if (cell != NULL)
            OGR_F_SetFieldString (feature, (int) c, cell);
        }
      OGR_F_SetGeometryDirectly (feature, dup_geometry (shapes, i));
      ok = OGR_L_CreateFeature (layer, feature) == OGRERR_NONE;
      OGR_F_Destroy (feature);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

/* A reference layer cut to what a page's map shows (GDAL would draw it over
 * the page's margins), as layer "roads_N". */
static gboolean
write_reference (GDALDatasetH           ds,
                 OGRSpatialReferenceH   srs,
                 const MqReference     *ref,
                 const RefLayer        *which,
                 const MqReportPageGeo *geo)
{
  g_autofree char *name = g_strdup_printf ("%s_%u", which->id, geo->page);
  OGRLayerH layer = GDALDatasetCreateLayer (ds, name, srs, wkbUnknown, NULL);
  OGRGeometryH frame = box_geometry (&geo->ground);
  gboolean ok = layer != NULL;

  for (guint i = 0; ok && ref != NULL && i < ref->kind->len; i++)
    {
      OGRGeometryH whole, cut;

      if (g_array_index (ref->kind, guint8, i) != which->kind)
        continue;
      whole = dup_geometry (ref->shapes, i);
      cut = OGR_G_Intersection (whole, frame);
      if (cut != NULL && !OGR_G_IsEmpty (cut))
        {
          OGRFeatureH feature = OGR_F_Create (OGR_L_GetLayerDefn (layer));

          OGR_F_SetGeometryDirectly (feature, g_steal_pointer (&cut));
          ok = OGR_L_CreateFeature (layer, feature) == OGRERR_NONE;
          OGR_F_Destroy (feature);
        }
      g_clear_pointer (&cut, OGR_G_DestroyGeometry);
      OGR_G_DestroyGeometry (whole);
    }
  OGR_G_DestroyGeometry (frame);
  return ok;
}

static gboolean
write_layers (MqDataset  *dataset,
              const char *path,
              GArray     *geo)
{
  GDALDriverH driver = GDALGetDriverByName ("GPKG");
  GDALDatasetH ds = driver ? GDALCreate (driver, path, 0, 0, 0, GDT_Unknown, NULL) : NULL;
  OGRSpatialReferenceH srs = OSRNewSpatialReference (mq_dataset_get_display_wkt (dataset));
  g_autoptr(MqTable) table = mq_table_new (mq_dataset_get_parcels (dataset), mq_locale_is_chinese ());
  gboolean ok = ds != NULL;

  OSRSetAxisMappingStrategy (srs, OAMS_TRADITIONAL_GIS_ORDER);
  GDALDatasetStartTransaction (ds, FALSE);
  for (guint g = 0; ok && g < geo->len; g++)
    {
      const MqReportPageGeo *page = &g_array_index (geo, MqReportPageGeo, g);

      ok = write_parcels (ds, srs, dataset, table, page);
      for (guint k = 0; ok && k < G_N_ELEMENTS (ref_layers); k++)
        ok = write_reference (ds, srs, mq_dataset_get_reference (dataset), &ref_layers[k], page);
    }
  if (ds != NULL)
    {
      ok &= GDALDatasetCommitTransaction (ds) == OGRERR_NONE;
      GDALClose (ds);
    }
  OSRDestroySpatialReference (srs);
  return ok;
}

static const MqReportPageGeo *
geo_of_page (GArray *geo,
             guint   page)
{
  for (guint g = 0; g < geo->len; g++)
    if (g_array_index (geo, MqReportPageGeo, g).page == page)
      return &g_array_index (geo, MqReportPageGeo, g);
  return NULL;
}

static void
append_escaped (GString    *xml,
                const char *format,
                ...) G_GNUC_PRINTF (2, 3);

/* Text into the composition, every value escaped for XML. */
static void
append_escaped (GString    *xml,
                const char *format,
                ...)
{
  va_list args;
  g_autofree char *text = NULL;

  va_start (args, format);
  text = g_markup_vprintf_escaped (format, args);
  va_end (args);
  g_string_append (xml, text);
}

/* The page's frame, in PDF units from the bottom-left, tied to the ground
 * at its four corners. */
static void
append_georeferencing (GString               *xml,
                       const MqReportPageGeo *geo,
                       double                 height,
                       int                    epsg,
                       const char            *wkt)
{
  double x1 = geo->frame.min_x, x2 = geo->frame.max_x;
  double y1 = height - geo->frame.max_y, y2 = height - geo->frame.min_y;
  const MqBox *g = &geo->ground;
  g_autofree char *srs = epsg > 0 ? g_strdup_printf ("EPSG:%d", epsg) : g_strdup (wkt);

  append_escaped (xml, "<Georeferencing id=\"map\"><SRS dataAxisToSRSAxisMapping=\"1,2\">%s</SRS>", srs);
  g_string_append_printf (xml, "<BoundingBox x1=\"%.3f\" y1=\"%.3f\" x2=\"%.3f\" y2=\"%.3f\"/>", x1, y1, x2, y2);
  g_string_append_printf (xml,
                          "<ControlPoint x=\"%.3f\" y=\"%.3f\" GeoX=\"%.3f\" GeoY=\"%.3f\"/>"
                          "<ControlPoint x=\"%.3f\" y=\"%.3f\" GeoX=\"%.3f\" GeoY=\"%.3f\"/>"
                          "<ControlPoint x=\"%.3f\" y=\"%.3f\" GeoX=\"%.3f\" GeoY=\"%.3f\"/>"
                          "<ControlPoint x=\"%.3f\" y=\"%.3f\" GeoX=\"%.3f\" GeoY=\"%.3f\"/>"
                          "</Georeferencing>",
                          x1, y1, g->min_x, g->min_y, x1, y2, g->min_x, g->max_y,
                          x2, y1, g->max_x, g->min_y, x2, y2, g->max_x, g->max_y);
}

static void
append_layers (GString               *xml,
               const char            *layers,
               const MqReportPageGeo *geo,
               const char            *parcels_name,
               const char            *id_header)
{
  append_escaped (xml,
                  "<IfLayerOn layerId=\"parcels\"><Vector dataset=\"%s\" layer=\"parcels_%u\" "
                  "georeferencingId=\"map\" visible=\"false\">"
                  "<LogicalStructure displayLayerName=\"%s\" fieldToDisplay=\"%s\"/></Vector></IfLayerOn>",
                  layers, geo->page, parcels_name, id_header);
  for (guint k = 0; k < G_N_ELEMENTS (ref_layers); k++)
    {
      g_autofree char *layer = g_strdup_printf ("%s_%u", ref_layers[k].id, geo->page);

      append_escaped (xml,
                      "<IfLayerOn layerId=\"%s\"><Vector dataset=\"%s\" layer=\"%s\" "
                      "georeferencingId=\"map\" ogrStyleString=\"%s\"/></IfLayerOn>",
                      ref_layers[k].id, layers, layer, ref_layers[k].style);
    }
}

/* The composition: every page the PDF cairo drew, the map pages
 * georeferenced with their layers. */
static char *
composition (MqDataset             *dataset,
             const MqReportOptions *options,
             const char            *dir,
             guint                  n_pages,
             GArray                *geo)
{
  g_autofree char *layers = g_build_filename (dir, "layers.gpkg", NULL);
  g_autoptr(MqTable) table = mq_table_new (mq_dataset_get_parcels (dataset), mq_locale_is_chinese ());
  OGRSpatialReferenceH srs = OSRNewSpatialReference (mq_dataset_get_display_wkt (dataset));
  int epsg = mq_crs_get_epsg (srs);
  GString *xml = g_string_new ("<PDFComposition>");
  double width = 0, height = 0;

  mq_report_page_size (options, &width, &height, NULL);
  append_escaped (xml, "<Metadata><Title>%s</Title><Creator>maqiao-land</Creator></Metadata>",
                  mq_report_get_title (options));
  append_escaped (xml, "<LayerTree><Layer id=\"parcels\" name=\"%s\"/>", _("Parcels (queryable)"));
  for (guint k = 0; k < G_N_ELEMENTS (ref_layers); k++)
    append_escaped (xml, "<Layer id=\"%s\" name=\"%s\" initiallyVisible=\"false\"/>", ref_layers[k].id,
                    _(ref_layers[k].name));
  g_string_append (xml, "</LayerTree>");
  for (guint page = 1; page <= n_pages; page++)
    {
      const MqReportPageGeo *g = geo_of_page (geo, page);
      g_autofree char *name = g_strdup_printf ("page-%04u.pdf", page);
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_string_append_printf (xml, "<Page><DPI>72</DPI><Width>%.2f</Width><Height>%.2f</Height>", width, height);
      if (g != NULL)
        append_georeferencing (xml, g, height, epsg, mq_dataset_get_display_wkt (dataset));
      append_escaped (xml, "<Content><PDF dataset=\"%s\"/>", path);
      if (g != NULL)
        {
          /* The queryable layer of each page is named apart: a reader
           * lists them side by side. */
          const char *id = g->parcel >= 0 ? mq_parcels_get (mq_dataset_get_parcels (dataset), g->parcel)->id : NULL;
          g_autofree char *shown = id ? g_strdup_printf ("%s %s", _("Parcels (queryable)"), id)
                                      : g_strdup (_("Parcels (queryable)"));

          append_layers (xml, layers, g, shown, mq_table_get_header (table, 0));
        }
      g_string_append (xml, "</Content></Page>");
    }
  g_string_append (xml, "</PDFComposition>");
  OSRDestroySpatialReference (srs);
  return g_string_free (xml, FALSE);
}

/* The pages composed into @target by GDAL's PDF driver. */
static gboolean
compose (const char  *xml_path,
         const char  *target,
         const char  *shown,
         GError     **error)
{
  g_autofree char *option = g_strconcat ("COMPOSITION_FILE=", xml_path, NULL);
  char *options[] = { option, NULL };
  GDALDriverH driver = GDALGetDriverByName ("PDF");
  GDALDatasetH ds;

  CPLErrorReset ();
  ds = driver ? GDALCreate (driver, target, 0, 0, 0, GDT_Unknown, options) : NULL;
  if (ds == NULL)
    {
      g_set_error (error, MQ_REPORT_ERROR, MQ_REPORT_ERROR_WRITE, _("%s: cannot be written as a GeoPDF: %s"),
                   shown, driver ? CPLGetLastErrorMsg () : _("GDAL has no PDF driver"));
      return FALSE;
    }
  GDALClose (ds);
  return TRUE;
}

/**
 * mq_geopdf_write:
 *
 * The report as a GeoPDF: page 1 and the atlas pages georeferenced in the
 * project's CRS with the parcels in view queryable (their attributes as
 * the ledger names them) and the zone, roads and rivers as layers; the
 * other pages as the report draws them. Nothing is left at @path on failure.
 */
gboolean
mq_geopdf_write (MqDataset              *dataset,
                 const char             *path,
                 const MqReportOptions  *options,
                 GError                **error)
{
  g_autoptr(MqOutput) out = mq_output_new (path, NULL, TRUE, mq_dataset_get_path (dataset), error);
  g_autofree char *dir = NULL;
  g_autofree char *layers = NULL;
  g_autofree char *xml_path = NULL;
  g_autofree char *xml = NULL;
  g_autoptr(GArray) geo = NULL;
  guint n_pages;
  gboolean ok;

  if (out == NULL || (dir = g_dir_make_tmp ("mq-geopdf-XXXXXX", error)) == NULL)
    return FALSE;
  layers = g_build_filename (dir, "layers.gpkg", NULL);
  xml_path = g_build_filename (dir, "composition.xml", NULL);
  CPLPushErrorHandler (CPLQuietErrorHandler);
  ok = (n_pages = mq_report_write_pages (dataset, dir, options, &geo, error)) > 0;
  if (ok && !write_layers (dataset, layers, geo))
    {
      g_set_error (error, MQ_REPORT_ERROR, MQ_REPORT_ERROR_WRITE, _("%s: cannot be written: %s"), path,
                   CPLGetLastErrorMsg ());
      ok = FALSE;
    }
  if (ok)
    {
      xml = composition (dataset, options, dir, n_pages, geo);
      ok = g_file_set_contents (xml_path, xml, -1, error);
    }
  mq_output_release_file (out);
  ok = ok && compose (xml_path, mq_output_get_temp_path (out), path, error);
  CPLPopErrorHandler ();
  mq_output_remove_dir (dir);
  if (!ok)
    return FALSE;
  return mq_output_commit (out, error);
}
