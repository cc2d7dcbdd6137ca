/* mq-crs.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-crs.h"

#include <cpl_conv.h>
#include <glib/gi18n-lib.h>
#include <math.h>

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
  int code;

  if (srs == NULL)
    return g_strdup ("");
  code = mq_crs_get_epsg (srs);
  if (code > 0)
    return g_strdup_printf ("EPSG:%d", code);
  return g_strdup (OSRGetName (srs) ? OSRGetName (srs) : "?");
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
