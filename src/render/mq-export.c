/* mq-export.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-export.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>

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

/* The whole dataset, fitted into an image of the given size. */
gboolean
mq_export_png (MqDataset   *dataset,
               const char  *path,
               const char  *size,
               const char  *theme_name,
               GError     **error)
{
  g_autoptr(MqRenderer) renderer = mq_renderer_new ();
  g_autoptr(MqViewport) viewport = mq_viewport_new ();
  cairo_surface_t *surface;
  cairo_status_t status;
  MqTheme theme;
  MqBox extent;
  cairo_t *cr;
  int w, h;

  if (!parse_size (size, &w, &h, error) || !parse_theme (theme_name, &theme, error))
    return FALSE;
  mq_renderer_set_dataset (renderer, dataset);
  mq_renderer_set_theme (renderer, theme);
  mq_viewport_set_size (viewport, w, h);
  mq_dataset_get_extent (dataset, &extent);
  mq_viewport_fit (viewport, &extent, 24);

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  cr = cairo_create (surface);
  mq_renderer_draw (renderer, cr, viewport);
  cairo_destroy (cr);
  status = cairo_surface_write_to_png (surface, path);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, MQ_EXPORT_ERROR, MQ_EXPORT_ERROR_WRITE,
                   _("%s: cannot be written: %s"), path, cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}
