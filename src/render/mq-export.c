/* mq-export.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-export.h"

#include <cairo-svg.h>
#include <glib/gi18n-lib.h>
#include <errno.h>
#include <stdio.h>

#include "mq-crs.h"
#include "mq-image-cache.h"
#include "mq-output.h"

#include "mq-terms.h"

G_DEFINE_QUARK (mq-export-error-quark, mq_export_error)

#define DEFAULT_WIDTH 1600
#define DEFAULT_HEIGHT 1200
#define MAX_SIDE 20000

static gboolean
parse_size (const char  *size,
            int         *width,
            int         *height,
            GError     **error)
{
  char tail = 0;

  *width = DEFAULT_WIDTH;
  *height = DEFAULT_HEIGHT;
  if (size == NULL)
    return TRUE;
  if (sscanf (size, "%dx%d%c", width, height, &tail) != 2 ||
      *width < 16 || *height < 16 || *width > MAX_SIDE || *height > MAX_SIDE)
    {
      g_set_error (error, MQ_EXPORT_ERROR, MQ_EXPORT_ERROR_BAD_ARGUMENT,
                   _("--size=%s: expected WIDTHxHEIGHT, each 16 to %d pixels"), size, MAX_SIDE);
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_theme (const char  *text,
             MqTheme     *theme,
             GError     **error)
{
  *theme = MQ_THEME_LOCKS;
  if (text == NULL || mq_theme_parse (text, theme))
    return TRUE;
  g_set_error (error, MQ_EXPORT_ERROR, MQ_EXPORT_ERROR_BAD_ARGUMENT,
               _("--theme=%s: expected locks, method, flagged or landuse"), text);
  return FALSE;
}

static gboolean
parse_bbox (const char  *text,
            MqBox       *box,
            GError     **error)
{
  char tail = 0;

  if (sscanf (text, "%lf,%lf,%lf,%lf%c", &box->min_x, &box->min_y, &box->max_x, &box->max_y,
              &tail) == 4 && box->min_x < box->max_x && box->min_y < box->max_y)
    return TRUE;
  g_set_error (error, MQ_EXPORT_ERROR, MQ_EXPORT_ERROR_BAD_ARGUMENT,
               _("--bbox=%s: expected minx,miny,maxx,maxy in the map's coordinates"), text);
  return FALSE;
}

/**
 * mq_export_parse_label_field:
 * @arg: (nullable): a --label-field value; %NULL means the parcel id
 *
 * Reads what the exports' parcel labels are to say.
 */
gboolean
mq_export_parse_label_field (const char    *arg,
                             MqLabelField  *field,
                             GError       **error)
{
  *field = MQ_LABEL_FIELD_ID;
  if (arg == NULL || mq_label_field_parse (arg, field))
    return TRUE;
  g_set_error (error, MQ_EXPORT_ERROR, MQ_EXPORT_ERROR_BAD_ARGUMENT,
               _("--label-field=%s: expected id, owner, project, entity or mu"), arg);
  return FALSE;
}

static cairo_status_t
write_out (void                *data,
           const unsigned char *bytes,
           unsigned int         length)
{
  return mq_output_write (data, bytes, length) ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

/* Draws into an SVG surface writing to @out, or an image written to it as
 * PNG. */
static void
render_to (MqOutput   *out,
           gboolean    svg,
           MqRenderer *renderer,
           MqViewport *viewport,
           int         w,
           int         h)
{
  cairo_surface_t *surface = svg ? cairo_svg_surface_create_for_stream (write_out, out, w, h)
                                 : cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  cairo_status_t status;
  cairo_t *cr = cairo_create (surface);

  mq_renderer_draw (renderer, cr, viewport);
  cairo_destroy (cr);
  if (svg)
    cairo_surface_finish (surface);
  status = svg ? cairo_surface_status (surface)
               : cairo_surface_write_to_png_stream (surface, write_out, out);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    mq_output_set_failed (out, EIO);
}

/* The whole dataset (or the box given, in the display CRS), fitted into an
 * image of the given size: PNG pixels, or SVG paths when the name ends in
 * .svg. Written beside and renamed, as every export: a full disk or a kill
 * leaves the previous map as it was. */
/* A project's image: its copy made ready for the window when there is
 * one, else the image itself, warped as it is read (once, for one map). */
static MqRasterLayer *
open_image (const char  *path,
            const char  *crs,
            const char  *wkt,
            GError     **error)
{
  g_autofree char *source_wkt = crs ? mq_crs_dup_wkt_from_definition (crs, NULL) : NULL;
  gboolean needs = FALSE;
  g_autofree char *copy = mq_image_cache_lookup (path, source_wkt, wkt, &needs);

  if (!needs && g_strcmp0 (copy, path) != 0)
    return mq_raster_layer_new_prepared (path, copy, wkt, error);
  return crs ? mq_raster_layer_new_with_crs (path, crs, wkt, error) : mq_raster_layer_new (path, wkt, error);
}

/**
 * mq_export_open_layers:
 * @saved: (nullable): a project's layers: the images it shows are opened
 * @specs: (nullable): `FILE[,opacity=…]` each, as --layer-add gives them
 *
 * Returns: (transfer full): the images (MqRasterLayer) and reference
 * layers (MqVectorLayer) in the map's CRS, or NULL and @error for the first
 * that cannot be drawn (a shown layer whose file is gone is an error, not a
 * map quietly without it)
 */
GPtrArray *
mq_export_open_layers (MqDataset         *dataset,
                       MqLayerList       *saved,
                       const char *const *specs,
                       GError           **error)
{
  g_autoptr(GPtrArray) layers = g_ptr_array_new_with_free_func (g_object_unref);
  const char *wkt = mq_dataset_get_display_wkt (dataset);

  for (guint i = 0; saved != NULL && i < mq_layer_list_get_n_layers (saved); i++)
    {
      const MqLayer *l = mq_layer_list_get (saved, i);
      gpointer layer;

      if (!mq_layer_kind_has_file (l->kind) || !l->visible)
        continue;
      layer = l->kind == MQ_LAYER_VECTOR ? (gpointer) mq_vector_layer_new (l->path, wkt, l->crs, error)
                                         : (gpointer) open_image (l->path, l->crs, wkt, error);
      if (layer == NULL)
        {
          g_prefix_error (error, _("the project's layer: "));
          return NULL;
        }
      g_ptr_array_add (layers, layer);
    }
  for (guint i = 0; specs != NULL && specs[i] != NULL; i++)
    {
      MqRasterLayer *layer = mq_raster_layer_new_from_spec (specs[i], wkt, error);

      if (layer == NULL)
        return NULL;
      g_ptr_array_add (layers, layer);
    }
  return g_steal_pointer (&layers);
}

/**
 * mq_export_set_layers:
 * @saved: (nullable): the layers to draw, else the default ones
 * @rasters: what mq_export_open_layers() opened
 */
void
mq_export_set_layers (MqRenderer  *renderer,
                      MqLayerList *saved,
                      GPtrArray   *rasters)
{
  if (saved != NULL)
    mq_renderer_set_layers (renderer, saved);
  for (guint i = 0; rasters != NULL && i < rasters->len; i++)
    if (MQ_IS_VECTOR_LAYER (g_ptr_array_index (rasters, i)))
      mq_renderer_add_vector_layer (renderer, g_ptr_array_index (rasters, i));
    else
      mq_renderer_add_raster_layer (renderer, g_ptr_array_index (rasters, i));
}

gboolean
mq_export_png (MqDataset   *dataset,
               const char  *path,
               const char  *size,
               const char  *theme_name,
               const char  *bbox,
               MqLabelField label_field,
               MqLayerList *saved,
               const char *const *layers,
               GError     **error)
{
  gboolean svg = g_str_has_suffix (path, ".svg") || g_str_has_suffix (path, ".SVG");
  g_autoptr(MqRenderer) renderer = mq_renderer_new ();
  g_autoptr(MqViewport) viewport = mq_viewport_new ();
  g_autoptr(MqOutput) out = NULL;
  g_autoptr(GPtrArray) rasters = NULL;
  MqTheme theme;
  MqBox extent;
  int w, h;

  if (!parse_size (size, &w, &h, error) || !parse_theme (theme_name, &theme, error))
    return FALSE;
  if (bbox == NULL)
    mq_dataset_get_extent (dataset, &extent);
  else if (!parse_bbox (bbox, &extent, error))
    return FALSE;
  rasters = mq_export_open_layers (dataset, saved, layers, error);
  if (rasters == NULL)
    return FALSE;
  mq_export_set_layers (renderer, saved, rasters);
  out = mq_output_new (path, NULL, TRUE, mq_dataset_get_path (dataset), error);
  if (out == NULL)
    return FALSE;
  mq_renderer_set_dataset (renderer, dataset);
  mq_renderer_set_theme (renderer, theme);
  mq_renderer_set_label_field (renderer, label_field);
  mq_viewport_set_size (viewport, w, h);
  mq_viewport_fit (viewport, &extent, bbox ? 0 : 24);
  render_to (out, svg, renderer, viewport, w, h);
  return mq_output_commit (out, error);
}
