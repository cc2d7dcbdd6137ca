/* test-gui.c — the window opens the sample and the map really draws.
 *
 * Runs under Xvfb (tools/test); skipped without a display.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <adwaita.h>
#include <ogr_api.h>

#include "mq-core.h"
#include "mq-style.h"
#include "mq-window.h"

static void
wait_for_dataset (MqMapView *view)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (mq_map_view_get_dataset (view) == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (mq_map_view_get_dataset (view));
}

static void
settle (void)
{
  for (guint i = 0; i < 50; i++)
    while (g_main_context_iteration (NULL, FALSE))
      ;
  g_usleep (20000);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* Renders the widget as GTK would and returns its pixels (Cairo ARGB32). */
static GBytes *
render_widget (GtkWidget *widget,
               int       *width,
               int       *height,
               gsize     *stride)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  guchar *data;

  *width = gtk_widget_get_width (widget);
  *height = gtk_widget_get_height (widget);
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), *width, *height);
  node = gtk_snapshot_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, *width, *height));
  *stride = 4 * gdk_texture_get_width (texture);
  data = g_malloc (*stride * gdk_texture_get_height (texture));
  gdk_texture_download (texture, data, *stride);
  return g_bytes_new_take (data, *stride * gdk_texture_get_height (texture));
}

static gboolean
color_matches (guint32      argb,
               const MqRgb *rgb)
{
  int r = argb >> 16 & 0xff, g = argb >> 8 & 0xff, b = argb & 0xff;

  return ABS (r - (int) (rgb->r * 255 + 0.5)) <= 2 && ABS (g - (int) (rgb->g * 255 + 0.5)) <= 2 &&
         ABS (b - (int) (rgb->b * 255 + 0.5)) <= 2;
}

/* A point well inside parcel i, from the project file itself. */
static gboolean
interior_point (const char *gpkg,
                const char *id,
                double     *x,
                double     *y)
{
  GDALDatasetH ds = GDALOpenEx (gpkg, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
  OGRLayerH layer = GDALDatasetGetLayerByName (ds, "parcels");
  g_autofree char *filter = g_strdup_printf ("parcel_id = '%s'", id);
  OGRFeatureH f;
  gboolean found = FALSE;

  OGR_L_SetAttributeFilter (layer, filter);
  if ((f = OGR_L_GetNextFeature (layer)) != NULL)
    {
      OGRGeometryH shrunk = OGR_G_Buffer (OGR_F_GetGeometryRef (f), -15, 4);
      OGRGeometryH p = OGR_G_IsEmpty (shrunk) ? NULL : OGR_G_PointOnSurface (shrunk);

      if (p != NULL)
        {
          *x = OGR_G_GetX (p, 0);
          *y = OGR_G_GetY (p, 0);
          found = TRUE;
          OGR_G_DestroyGeometry (p);
        }
      OGR_G_DestroyGeometry (shrunk);
      OGR_F_Destroy (f);
    }
  GDALClose (ds);
  return found;
}

static void
test_window_draws_sample (void)
{
  g_autofree char *gpkg = mq_core_dup_sample_path ();
  MqWindow *window = mq_window_new (NULL);
  MqMapView *view = mq_window_get_map_view (window);
  MqParcels *parcels;
  g_autoptr(GBytes) pixels = NULL;
  const guint32 *px;
  int width, height;
  gsize stride;
  guint checked = 0, matched = 0;

  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 800);
  gtk_window_present (GTK_WINDOW (window));
  mq_window_open_path (window, gpkg);
  wait_for_dataset (view);
  settle ();

  pixels = render_widget (GTK_WIDGET (view), &width, &height, &stride);
  px = g_bytes_get_data (pixels, NULL);
  g_assert_cmpint (width, >, 400);
  g_assert_cmpint (height, >, 300);

  /* Every large flagged parcel shows its locks colour at a point inside it. */
  parcels = mq_dataset_get_parcels (mq_map_view_get_dataset (view));
  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    {
      const MqParcel *p = mq_parcels_get (parcels, i);
      double mx, my, sx, sy;
      MqRgb expected;

      if (!p->flagged || p->area_m2 < 20 * MQ_M2_PER_MU || !interior_point (gpkg, p->id, &mx, &my))
        continue;
      mq_viewport_map_to_screen (mq_map_view_get_viewport (view), mx, my, &sx, &sy);
      g_assert_true (sx >= 0 && sy >= 0 && sx < width && sy < height);
      mq_style_locks_color (mq_parcel_get_locks_held (p), &expected);
      checked++;
      matched += color_matches (px[(int) sy * stride / 4 + (int) sx], &expected);
    }
  g_assert_cmpuint (checked, >, 20);
  /* A label may cover a point or two; the rest must be exact. */
  g_assert_cmpuint (matched, >=, checked * 9 / 10);

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  /* 77: meson's "skipped". tools/test runs this under Xvfb. */
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    return 77;
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  mq_core_init ();
  g_test_add_func ("/gui/window-draws-sample", test_window_draws_sample);
  return g_test_run ();
}
