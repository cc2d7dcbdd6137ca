/* mq-image-cache.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-image-cache.h"
#include "mq-output.h"

#include <cpl_conv.h>
#include <errno.h>
#include <string.h>
#include <gdal.h>
#include <gdal_utils.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <ogr_srs_api.h>
#include <unistd.h>

/* Overviews down to a side of about this many pixels. */
#define SMALLEST_OVERVIEW 256

/* The source, read without a .aux.xml written beside it. */
static GDALDatasetH
open_quietly (const char *path)
{
  GDALDatasetH ds;

  CPLPushErrorHandler (CPLQuietErrorHandler);
  CPLSetThreadLocalConfigOption ("GDAL_PAM_ENABLED", "NO");
  ds = GDALOpenEx (path, GDAL_OF_RASTER | GDAL_OF_READONLY, NULL, NULL, NULL);
  CPLSetThreadLocalConfigOption ("GDAL_PAM_ENABLED", NULL);
  CPLPopErrorHandler ();
  return ds;
}

/* Whether the image's CRS (@given's, else its own) is the map's; FALSE
 * also when it has none (the layer then says so when it opens). */
static gboolean
in_map_crs (GDALDatasetH ds,
            const char  *given,
            const char  *map_wkt,
            gboolean    *has_crs)
{
  const char *wkt = given ? given : GDALGetProjectionRef (ds);
  OGRSpatialReferenceH src = OSRNewSpatialReference (NULL), map = OSRNewSpatialReference (NULL);
  char *a = (char *) wkt, *b = (char *) map_wkt;
  gboolean same = FALSE;

  *has_crs = wkt != NULL && *wkt != '\0' && OSRImportFromWkt (src, &a) == OGRERR_NONE;
  if (*has_crs && OSRImportFromWkt (map, &b) == OGRERR_NONE)
    same = OSRIsSame (src, map);
  OSRDestroySpatialReference (src);
  OSRDestroySpatialReference (map);
  return same;
}

/* The copy's name: the source as it is now, for this map's CRS. */
static char *
absolute_path (const char *source)
{
  return g_str_has_prefix (source, "/vsi") ? g_strdup (source) : g_canonicalize_filename (source, NULL);
}

static char *
copy_name (const char *source,
           const char *given,
           const char *map_wkt,
           const char *extension)
{
  GStatBuf st = { 0 };
  g_autofree char *key = NULL;
  g_autofree char *sum = NULL;
  g_autofree char *file = NULL;

  if (g_stat (source, &st) != 0)
    memset (&st, 0, sizeof st);
  key = g_strdup_printf ("%s\n%" G_GINT64_FORMAT "\n%" G_GINT64_FORMAT "\n%s\n%s", source, (gint64) st.st_size,
                         (gint64) st.st_mtime, map_wkt, given ? given : "");
  sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, key, -1);
  file = g_strconcat (sum, extension, NULL);
  return g_build_filename (g_get_user_cache_dir (), "maqiao-land", "images", file, NULL);
}

/**
 * mq_image_cache_lookup:
 * @source_wkt: (nullable): the image's CRS as WKT when the user gave it one
 *   (the file has none)
 * @needs_build: (out): whether the file returned is a copy still to be
 *   made (mq_image_cache_build())
 *
 * Returns: (transfer full): what the window should draw for @source: the
 *   source itself (in the map's CRS, small or with overviews; or one that
 *   does not open, which the layer will say) or its prepared copy
 */
char *
mq_image_cache_lookup (const char *source,
                       const char *source_wkt,
                       const char *map_wkt,
                       gboolean   *needs_build)
{
  GDALDatasetH ds = open_quietly (source);
  gboolean has_crs = FALSE, same = FALSE, plain = TRUE;
  char *copy;

  *needs_build = FALSE;
  if (ds != NULL)
    {
      same = in_map_crs (ds, source_wkt, map_wkt, &has_crs);
      plain = GDALGetRasterCount (ds) == 0 ||
              MAX (GDALGetRasterXSize (ds), GDALGetRasterYSize (ds)) <= MQ_IMAGE_CACHE_MAX_PLAIN_SIDE ||
              GDALGetOverviewCount (GDALGetRasterBand (ds, 1)) > 0;
      GDALClose (ds);
    }
  if (ds == NULL || !has_crs || (same && plain))
    return g_strdup (source);
  {
    g_autofree char *absolute = absolute_path (source);

    copy = copy_name (absolute, source_wkt, map_wkt, same ? ".vrt" : ".tif");
  }
  *needs_build = !g_file_test (copy, G_FILE_TEST_EXISTS);
  return copy;
}

typedef struct
{
  MqImageCacheProgress  progress;
  gpointer              user_data;
  GCancellable         *cancellable;
  double                from, span;   /* of the whole, this step */
} Step;

static int CPL_STDCALL
on_gdal_progress (double      complete,
                  const char *message,
                  void       *data)
{
  Step *step = data;

  if (step->progress != NULL)
    step->progress (step->from + step->span * CLAMP (complete, 0.0, 1.0), step->user_data);
  return !g_cancellable_is_cancelled (step->cancellable);
}

/* Warped into the map's CRS: a tiled, compressed GeoTIFF, see-through
 * outside the source. */
static GDALDatasetH
warp (GDALDatasetH  source,
      const char   *source_wkt,
      const char   *map_wkt,
      const char   *out,
      Step         *step)
{
  gboolean has_alpha = GDALGetRasterCount (source) == 2 || GDALGetRasterCount (source) == 4;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  const char *fixed[] = { "-t_srs", map_wkt, "-r", "bilinear", "-of", "GTiff", "-co", "TILED=YES",
                          "-co", "COMPRESS=DEFLATE", "-co", "BIGTIFF=IF_SAFER" };
  GDALWarpAppOptions *options;
  GDALDatasetH ds;
  int usage_error = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (fixed); i++)
    g_ptr_array_add (argv, (gpointer) fixed[i]);
  /* See-through outside the source, unless it brings its own alpha. */
  if (!has_alpha)
    g_ptr_array_add (argv, "-dstalpha");
  /* The CRS the user gave an image that has none. */
  if (source_wkt != NULL)
    {
      g_ptr_array_add (argv, "-s_srs");
      g_ptr_array_add (argv, (gpointer) source_wkt);
    }
  g_ptr_array_add (argv, NULL);
  options = GDALWarpAppOptionsNew ((char **) argv->pdata, NULL);
  GDALWarpAppOptionsSetProgress (options, on_gdal_progress, step);
  ds = GDALWarp (out, NULL, 1, &source, options, &usage_error);
  GDALWarpAppOptionsFree (options);
  return ds;
}

/* In the map's CRS already: a VRT of it (its path absolute), which takes
 * the overviews. */
static GDALDatasetH
point_at (GDALDatasetH  source,
          const char   *source_wkt,
          const char   *out)
{
  const char *argv[] = { "-of", "VRT", source_wkt ? "-a_srs" : NULL, source_wkt, NULL };
  GDALTranslateOptions *options = GDALTranslateOptionsNew ((char **) argv, NULL);
  GDALDatasetH ds;
  int usage_error = FALSE;

  ds = GDALTranslate (out, source, options, &usage_error);
  GDALTranslateOptionsFree (options);
  return ds;
}

static gboolean
add_overviews (GDALDatasetH  ds,
               Step         *step)
{
  int levels[16], n = 0;
  int side = MAX (GDALGetRasterXSize (ds), GDALGetRasterYSize (ds));

  for (int level = 2; side / level >= SMALLEST_OVERVIEW && n < (int) G_N_ELEMENTS (levels); level *= 2)
    levels[n++] = level;
  return n == 0 || GDALBuildOverviews (ds, "AVERAGE", n, levels, 0, NULL, on_gdal_progress, step) == CE_None;
}

/* The copy's files into place from the folder they were made in, the
 * overviews first: the copy is there whole or not at all. */
static gboolean
move_into_place (const char *made,
                 const char *copy)
{
  g_autofree char *name = g_path_get_basename (copy);
  g_autofree char *ovr_made = g_strconcat (made, G_DIR_SEPARATOR_S, name, ".ovr", NULL);
  g_autofree char *ovr = g_strconcat (copy, ".ovr", NULL);
  g_autofree char *main_made = g_build_filename (made, name, NULL);

  if (g_file_test (ovr_made, G_FILE_TEST_EXISTS) && g_rename (ovr_made, ovr) != 0)
    return FALSE;
  return g_rename (main_made, copy) == 0;
}

static gboolean
fail (GError     **error,
      const char  *source)
{
  const char *why = CPLGetLastErrorMsg ();

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("%s: the image could not be prepared for the map: %s"),
               source, why && *why ? why : g_strerror (errno));
  return FALSE;
}

/**
 * mq_image_cache_build:
 * @source_wkt: (nullable): as mq_image_cache_lookup() was given
 * @copy: what mq_image_cache_lookup() named
 * @progress: (nullable): told the fraction done, in the calling thread
 *
 * Makes the copy (a minute or so for a district's orthophoto; a cancel
 * stops it and leaves nothing behind).
 */
gboolean
mq_image_cache_build (const char            *source,
                      const char            *source_wkt,
                      const char            *map_wkt,
                      const char            *copy,
                      MqImageCacheProgress   progress,
                      gpointer               user_data,
                      GCancellable          *cancellable,
                      GError               **error)
{
  g_autofree char *dir = g_path_get_dirname (copy);
  g_autofree char *name = g_path_get_basename (copy);
  g_autofree char *made = NULL;
  g_autofree char *out = NULL;
  g_autofree char *absolute = NULL;
  gboolean vrt = g_str_has_suffix (copy, ".vrt"), ok = FALSE;
  Step step = { progress, user_data, cancellable, 0.0, vrt ? 0.0 : 0.8 };
  GDALDatasetH src, ds = NULL;

  if (g_mkdir_with_parents (dir, 0700) != 0 ||
      (made = g_strconcat (copy, ".part-XXXXXX", NULL), g_mkdtemp (made)) == NULL)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), _("%s: cannot be written: %s"), dir,
                   g_strerror (errno));
      return FALSE;
    }
  out = g_build_filename (made, name, NULL);
  /* A VRT names its source: by its whole path, wherever the VRT goes. */
  absolute = absolute_path (source);
  if ((src = open_quietly (absolute)) == NULL)
    {
      mq_output_remove_dir (made);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("%s: not an image GDAL can read"), source);
      return FALSE;
    }
  CPLPushErrorHandler (CPLQuietErrorHandler);
  CPLErrorReset ();
  ds = vrt ? point_at (src, source_wkt, out) : warp (src, source_wkt, map_wkt, out, &step);
  step.from = step.span, step.span = 1.0 - step.span;
  ok = ds != NULL && add_overviews (ds, &step);
  if (ds != NULL)
    GDALClose (ds);
  GDALClose (src);
  if (ok && !g_cancellable_is_cancelled (cancellable))
    ok = move_into_place (made, copy);
  else
    ok = FALSE;
  if (!ok && !g_cancellable_set_error_if_cancelled (cancellable, error))
    fail (error, source);
  CPLPopErrorHandler ();
  mq_output_remove_dir (made);
  return ok;
}
