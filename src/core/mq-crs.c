/* mq-crs.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-crs.h"

#include <cpl_conv.h>
#include <glib/gi18n-lib.h>
#include <math.h>
#include <proj.h>
#include <string.h>

G_DEFINE_QUARK (mq-crs-error-quark, mq_crs_error)

/* Everything in this project keeps x = easting/longitude, whatever the
 * authority's axis order says. */
static OGRSpatialReferenceH
traditional (OGRSpatialReferenceH srs)
{
  OSRSetAxisMappingStrategy (srs, OAMS_TRADITIONAL_GIS_ORDER);
  return srs;
}

OGRSpatialReferenceH
mq_crs_new_epsg (int code)
{
  OGRSpatialReferenceH srs = OSRNewSpatialReference (NULL);

  if (OSRImportFromEPSG (srs, code) != OGRERR_NONE)
    {
      OSRDestroySpatialReference (srs);
      return NULL;
    }
  return traditional (srs);
}

/* "EPSG:4549", WKT, a PROJ string, or "@file" / a path holding one of those:
 * bureaus keep the local city system's parameters in such files. */
OGRSpatialReferenceH
mq_crs_new_from_user (const char  *text,
                      GError     **error)
{
  OGRSpatialReferenceH srs = OSRNewSpatialReference (NULL);
  g_autofree char *contents = NULL;
  const char *definition = text;

  if (g_file_test (text, G_FILE_TEST_IS_REGULAR))
    {
      if (!g_file_get_contents (text, &contents, NULL, error))
        {
          OSRDestroySpatialReference (srs);
          return NULL;
        }
      definition = g_strstrip (contents);
    }
  if (OSRSetFromUserInput (srs, definition) != OGRERR_NONE)
    {
      g_set_error (error, MQ_CRS_ERROR, MQ_CRS_ERROR_INVALID,
                   _("“%s” is not a coordinate reference system GDAL knows"), text);
      OSRDestroySpatialReference (srs);
      return NULL;
    }
  return traditional (srs);
}

/**
 * mq_crs_new_from_definition:
 *
 * A CRS a file of ours keeps (a project's layer list): "EPSG:N" or WKT, and
 * nothing else — no file to read, no address to fetch, whatever the file
 * says.
 */
OGRSpatialReferenceH
mq_crs_new_from_definition (const char  *text,
                            GError     **error)
{
  OGRSpatialReferenceH srs = NULL;
  guint64 code;

  if (text != NULL && g_ascii_strncasecmp (text, "EPSG:", 5) == 0 &&
      g_ascii_string_to_unsigned (text + 5, 10, 1, G_MAXINT, &code, NULL))
    srs = mq_crs_new_epsg ((int) code);
  else if (text != NULL && strchr (text, '[') != NULL && g_ascii_isalpha (*text))
    {
      char *wkt = (char *) text;

      srs = OSRNewSpatialReference (NULL);
      if (OSRImportFromWkt (srs, &wkt) != OGRERR_NONE)
        g_clear_pointer (&srs, OSRDestroySpatialReference);
    }
  if (srs == NULL)
    g_set_error (error, MQ_CRS_ERROR, MQ_CRS_ERROR_INVALID,
                 _("“%s” is not a coordinate reference system GDAL knows"), text ? text : "");
  return srs ? traditional (srs) : NULL;
}

/* The same as WKT (what GDAL's warper and translator take), or NULL and
 * @error. */
char *
mq_crs_dup_wkt_from_definition (const char  *text,
                                GError     **error)
{
  OGRSpatialReferenceH srs = mq_crs_new_from_definition (text, error);
  char *exported = NULL, *wkt;

  if (srs == NULL)
    return NULL;
  OSRExportToWkt (srs, &exported);
  wkt = g_strdup (exported);
  CPLFree (exported);
  OSRDestroySpatialReference (srs);
  return wkt;
}

int
mq_crs_get_epsg (OGRSpatialReferenceH srs)
{
  const char *target = OSRIsProjected (srs) ? "PROJCS" : "GEOGCS";
  const char *auth = OSRGetAuthorityName (srs, target);
  OGRSpatialReferenceH *matches;
  int n_matches = 0;
  int *confidence = NULL;
  int code = 0;

  if (auth != NULL && g_ascii_strcasecmp (auth, "EPSG") == 0)
    return atoi (OSRGetAuthorityCode (srs, target));

  /* An ESRI .prj carries names, not codes: ask PROJ for a confident match. */
  matches = OSRFindMatches (srs, NULL, &n_matches, &confidence);
  if (n_matches > 0 && confidence[0] >= 90)
    {
      const char *m_auth = OSRGetAuthorityName (matches[0], NULL);

      if (m_auth != NULL && g_ascii_strcasecmp (m_auth, "EPSG") == 0)
        code = atoi (OSRGetAuthorityCode (matches[0], NULL));
    }
  OSRFreeSRSArray (matches);
  CPLFree (confidence);
  return code;
}

char *
mq_crs_dup_label (OGRSpatialReferenceH srs)
{
  const char *name;
  char *proj = NULL;
  char *label = NULL;
  int code;

  if (srs == NULL)
    return g_strdup ("");
  code = mq_crs_get_epsg (srs);
  if (code > 0)
    return g_strdup_printf ("EPSG:%d", code);
  name = OSRGetName (srs);
  if (name != NULL && *name != '\0' && g_ascii_strcasecmp (name, "unknown") != 0)
    return g_strdup (name);
  /* A bureau's own system has no name: its definition is its label. */
  if (OSRExportToProj4 (srs, &proj) == OGRERR_NONE && proj != NULL)
    label = g_strstrip (g_strdup (proj));
  CPLFree (proj);
  return label != NULL ? label : g_strdup ("?");
}

/* A projected source keeps its CRS; a geographic one is shown in the CGCS2000
 * 3-degree Gauss-Krüger zone of its centre (EPSG:4534–4554 cover 75°E–135°E),
 * and outside China in the WGS84 UTM zone. */
OGRSpatialReferenceH
mq_crs_new_display_for (OGRSpatialReferenceH source,
                        double               center_lon)
{
  int cm;

  if (OSRIsProjected (source))
    return traditional (OSRClone (source));
  /* A centre that is no longitude (NaN, or an absurd parcel's 1e12) must not
   * reach the int casts below: show such data in the pilot zone's own
   * zone, where its sound parcels most likely lie. */
  if (!isfinite (center_lon) || fabs (center_lon) > 180.0)
    return mq_crs_new_epsg (MQ_CRS_HOME_EPSG);

  cm = (int) (round (center_lon / 3.0) * 3.0);
  if (cm >= 75 && cm <= 135)
    return mq_crs_new_epsg (4534 + (cm - 75) / 3);
  return mq_crs_new_epsg (32600 + CLAMP ((int) floor ((center_lon + 180.0) / 6.0) + 1, 1, 60));
}

OGRCoordinateTransformationH
mq_crs_new_transform (OGRSpatialReferenceH   from,
                      OGRSpatialReferenceH   to,
                      GError               **error)
{
  OGRCoordinateTransformationH ct;

  if (OSRIsSame (from, to))
    return NULL;
  ct = OCTNewCoordinateTransformation (from, to);
  if (ct == NULL)
    g_set_error (error, MQ_CRS_ERROR, MQ_CRS_ERROR_TRANSFORM,
                 _("No coordinate transformation from %s to %s"),
                 OSRGetName (from), OSRGetName (to));
  return ct;
}

/* Between two CRSs given as WKT (datasets' display CRSs), in x/y order;
 * NULL when they are the same (or when none exists: the caller's
 * geometry then stays as it is and meets nothing). */
OGRCoordinateTransformationH
mq_crs_new_transform_wkt (const char *from_wkt,
                          const char *to_wkt)
{
  OGRSpatialReferenceH from = OSRNewSpatialReference (from_wkt);
  OGRSpatialReferenceH to = OSRNewSpatialReference (to_wkt);
  OGRCoordinateTransformationH transform = NULL;

  if (from != NULL && to != NULL)
    {
      OSRSetAxisMappingStrategy (from, OAMS_TRADITIONAL_GIS_ORDER);
      OSRSetAxisMappingStrategy (to, OAMS_TRADITIONAL_GIS_ORDER);
      transform = mq_crs_new_transform (from, to, NULL);
    }
  OSRDestroySpatialReference (from);
  OSRDestroySpatialReference (to);
  return transform;
}

static void
add_code (GArray *codes,
          int     code)
{
  g_array_append_val (codes, code);
}

/**
 * mq_crs_suggest:
 *
 * Candidate EPSG codes for a source without a CRS, from the range of its
 * coordinates, most likely first. A suggestion for the user to confirm,
 * never applied by itself.
 */
GArray *
mq_crs_suggest (const MqBox *extent)
{
  GArray *codes = g_array_new (FALSE, FALSE, sizeof (int));
  double x = (extent->min_x + extent->max_x) / 2, y = (extent->min_y + extent->max_y) / 2;

  if (mq_box_is_empty (extent))
    return codes;
  if (fabs (extent->min_x) <= 180 && fabs (extent->max_x) <= 180 &&
      fabs (extent->min_y) <= 90 && fabs (extent->max_y) <= 90)
    {
      add_code (codes, 4490);
      add_code (codes, 4326);
    }
  else if (x >= 25e6 && x < 46e6 && y > 1.5e6 && y < 6.5e6)
    {
      /* An easting of 40,5xx,xxx: zone 40's prefix on a 3-degree GK easting. */
      int zone = (int) (x / 1e6);

      add_code (codes, 4513 + zone - 25);
    }
  else if (x > 1e5 && x < 9e5 && y > 1.5e6 && y < 6.5e6)
    {
      /* Plain GK or UTM eastings: the central meridian cannot be read off
       * them, so the pilot zone's own (120°E) comes first. */
      add_code (codes, 4549);
      add_code (codes, 4548);
      add_code (codes, 4550);
      add_code (codes, 32651);
      add_code (codes, 2385);
      add_code (codes, 2437);
    }
  return codes;
}

/* The geodetic datums of Chinese survey data, by the name WKT gives them. */
static const struct
{
  const char *datum;
  const char *name;
} datum_names[] = {
  { "China_2000", N_("China Geodetic Coordinate System 2000") },
  { "Xian_1980", N_("Xi'an Coordinate System 1980") },
  { "Beijing_1954", N_("Beijing Coordinate System 1954") },
  { "New_Beijing", N_("New Beijing Coordinate System 1954") },
  { "WGS_1984", N_("WGS 84") },
};

static const char *
datum_name (OGRSpatialReferenceH srs)
{
  const char *datum = OSRGetAttrValue (srs, "DATUM", 0);

  for (guint i = 0; datum != NULL && i < G_N_ELEMENTS (datum_names); i++)
    if (g_ascii_strcasecmp (datum, datum_names[i].datum) == 0)
      return _(datum_names[i].name);
  return NULL;
}

/* "3-degree zone CM 120E" of a Gauss–Krüger projection, from its central
 * meridian and the zone width its name gives (a map's legend names the
 * zone, not the parameters). */
static char *
dup_zone_text (OGRSpatialReferenceH srs)
{
  const char *projection = OSRGetAttrValue (srs, "PROJECTION", 0);
  const char *name = OSRGetName (srs);
  double cm;

  if (projection == NULL || g_ascii_strcasecmp (projection, SRS_PT_TRANSVERSE_MERCATOR) != 0)
    return NULL;
  cm = OSRGetProjParm (srs, SRS_PP_CENTRAL_MERIDIAN, 0.0, NULL);
  if (name != NULL && strstr (name, "3-degree") != NULL)
    return g_strdup_printf (_("3-degree zone CM %.0f%s"), fabs (cm), cm < 0 ? "W" : "E");
  if (name != NULL && strstr (name, "6-degree") != NULL)
    return g_strdup_printf (_("6-degree zone CM %.0f%s"), fabs (cm), cm < 0 ? "W" : "E");
  return g_strdup_printf (_("Transverse Mercator CM %.0f%s"), fabs (cm), cm < 0 ? "W" : "E");
}

/**
 * mq_crs_dup_map_label:
 *
 * The coordinate system as a map's title block names it, in the user's
 * language: "China Geodetic Coordinate System 2000, 3-degree zone CM 120E
 * (EPSG:4549)" (in zh_CN "2000国家大地坐标系 3度带 CM120E (EPSG:4549)");
 * the CRS's own name where its datum is not one of China's.
 */
char *
mq_crs_dup_map_label (OGRSpatialReferenceH srs)
{
  const char *datum;
  g_autofree char *zone = NULL;
  g_autofree char *name = NULL;
  int code;

  if (srs == NULL)
    return g_strdup (_("unknown coordinate system"));
  code = mq_crs_get_epsg (srs);
  datum = datum_name (srs);
  zone = OSRIsProjected (srs) ? dup_zone_text (srs) : NULL;
  if (datum != NULL && zone != NULL)
    /* Translators: a coordinate system's datum, then its projection zone */
    name = g_strdup_printf (_("%s, %s"), datum, zone);
  else if (datum != NULL && OSRIsGeographic (srs))
    name = g_strdup (datum);
  else
    name = mq_crs_dup_label (srs);
  if (code > 0 && !g_str_has_prefix (name, "EPSG:"))
    return g_strdup_printf ("%s (EPSG:%d)", name, code);
  return g_steal_pointer (&name);
}

/* "EPSG:4549 (CGCS2000 / 3-degree Gauss-Kruger CM 120E)" */
char *
mq_crs_dup_epsg_description (int code)
{
  OGRSpatialReferenceH srs = mq_crs_new_epsg (code);
  char *text;

  if (srs == NULL)
    return g_strdup_printf ("EPSG:%d", code);
  text = g_strdup_printf ("EPSG:%d (%s)", code, OSRGetName (srs));
  OSRDestroySpatialReference (srs);
  return text;
}

/**
 * mq_crs_list_epsg:
 *
 * Every EPSG geographic 2D and projected CRS PROJ knows, as "EPSG:N  name"
 * lines, for a searchable chooser.
 *
 * Returns: (transfer full): a %NULL-terminated array
 */
GStrv
mq_crs_list_epsg (void)
{
  PJ_CONTEXT *ctx = proj_context_create ();
  PROJ_CRS_LIST_PARAMETERS *params = proj_get_crs_list_parameters_create ();
  PJ_TYPE types[] = { PJ_TYPE_GEOGRAPHIC_2D_CRS, PJ_TYPE_PROJECTED_CRS };
  g_autoptr(GStrvBuilder) out = g_strv_builder_new ();
  PROJ_CRS_INFO **list;
  int count = 0;

  params->types = types;
  params->typesCount = G_N_ELEMENTS (types);
  params->allow_deprecated = FALSE;
  list = proj_get_crs_info_list_from_database (ctx, "EPSG", params, &count);
  for (int i = 0; i < count; i++)
    {
      g_autofree char *line = g_strdup_printf ("EPSG:%s  %s", list[i]->code, list[i]->name);

      g_strv_builder_add (out, line);
    }
  proj_crs_info_list_destroy (list);
  proj_get_crs_list_parameters_destroy (params);
  proj_context_destroy (ctx);
  return g_strv_builder_end (out);
}
