/* test-gui.c — the window opens the sample and the map really draws.
 *
 * Runs under Xvfb (tools/test); skipped without a display.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <glib/gstdio.h>
#include <string.h>
#include <ogr_api.h>

#include "corpus/corpus-cases.h"
#include "mq-core.h"
#include "mq-status-table-dialog.h"
#include "test-util.h"
#include "mq-batch-refusal-dialog.h"
#include "mq-conflict-dialog.h"
#include "mq-crs-dialog.h"
#include "mq-identify-panel.h"
#include "mq-layer-panel.h"
#include "mq-measure-tool.h"
#include "mq-dashboard.h"
#include "mq-field-mapping-dialog.h"
#include "mq-filter-bar.h"
#include "mq-furniture.h"
#include "mq-locator.h"
#include "mq-locks-panel.h"
#include "mq-parcel-list.h"
#include "mq-parcel-table.h"
#include "mq-report-dialog.h"
#include "mq-report-set.h"
#include "mq-settings.h"
#include "mq-style.h"
#include "mq-window.h"
#include "mq-application.h"
#include "mq-column-chooser.h"
#include "mq-survey-dialog.h"

/* How long a test waits for a condition before it fails: generous, for a
 * sanitizer build on a busy machine. Nothing waits a fixed time. */
#define WAIT_SECONDS 180

static void
wait_for_dataset (MqMapView *view)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;

  while (mq_map_view_get_dataset (view) == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (mq_map_view_get_dataset (view));
}

/* Until the map shows its finished frame (rendered in a worker thread). */
static void
wait_for_frame (MqMapView *view)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;

  while (!mq_map_view_is_settled (view) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (mq_map_view_is_settled (view));
}

static GtkWidget *
find_widget (GtkWidget  *root,
             GType       type,
             const char *name)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = NULL;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type) &&
          (name == NULL || g_str_equal (gtk_widget_get_name (child), name)))
        found = child;
      else
        found = find_widget (child, type, name);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Every widget under @root named @name, in the order they show. */
static void
collect_named (GtkWidget  *root,
               const char *name,
               GPtrArray  *found)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (g_str_equal (gtk_widget_get_name (child), name))
        g_ptr_array_add (found, child);
      else
        collect_named (child, name, found);
    }
}

#define find_named(root, name) find_widget ((root), GTK_TYPE_WIDGET, (name))
#define find_named_type(root, type) find_widget ((root), (type), NULL)

static void
settle (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < 50; i++)
    while (g_main_context_iteration (NULL, FALSE))
      ;
  /* A map that was shown waits for its frame. */
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);
      GtkWidget *view = find_named_type (window, MQ_TYPE_MAP_VIEW);

      if (view != NULL && gtk_widget_get_mapped (view) &&
          mq_map_view_get_dataset (MQ_MAP_VIEW (view)) != NULL)
        wait_for_frame (MQ_MAP_VIEW (view));
    }
}

/* Wakes a waiting loop now and then, to look at its deadline. */
static gboolean
keep_ticking (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Renders the widget as GTK would and returns its pixels (Cairo ARGB32). */
static GBytes *
render_widget (GtkWidget *widget,
               int       *width,
               int       *height,
               gsize     *stride)
{
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;
  guchar *data;
  guint tick = g_timeout_add (100, keep_ticking, NULL);

  /* On a busy machine the widget can be waiting for its (first or next)
   * allocation, when it draws nothing: wait until it draws. */
  for (;;)
    {
      g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
      g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();

      *width = gtk_widget_get_width (widget);
      *height = gtk_widget_get_height (widget);
      if (*width > 0 && gtk_widget_get_mapped (widget))
        {
          gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), *width, *height);
          node = gtk_snapshot_to_node (snapshot);
        }
      if (node != NULL || g_get_monotonic_time () > deadline)
        break;
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (tick);
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

/* The newest toplevel of a type, as a user would see it pop up. */
static GtkWindow *
find_window (GType type)
{
  GListModel *windows = gtk_window_get_toplevels ();
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      for (guint i = g_list_model_get_n_items (windows); i > 0; i--)
        {
          g_autoptr(GtkWindow) w = g_list_model_get_item (windows, i - 1);

          if (G_TYPE_CHECK_INSTANCE_TYPE (w, type) && gtk_widget_get_visible (GTK_WIDGET (w)))
            return w;
        }
      g_main_context_iteration (NULL, TRUE);
    }
  g_error ("no %s appeared", g_type_name (type));
}

/* The chooser's list of files: a GtkTreeView in GTK 4.8 (4.10 moved to a
 * GtkColumnView), not the one in the name entry's completion popover. */
static GtkWidget *
file_list (GtkWidget *root)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_POPOVER (child))
        continue;
      if (GTK_IS_TREE_VIEW (child))
        return child;
      if ((found = file_list (child)) != NULL)
        return found;
    }
  return NULL;
}

/* A file chooser lists its folder in a thread; answering it before the list
 * arrives makes GTK drop the late answer without freeing it. Waits for the
 * list (the folder always holds the survey or project the test made). */
static GtkWindow *
find_chooser (void)
{
  GtkWindow *chooser = find_window (GTK_TYPE_FILE_CHOOSER_DIALOG);
  /* GTK 4.8's chooser lists files in a GtkTreeView (4.10 moved to a
   * GtkColumnView). */
  GtkWidget *list = file_list (GTK_WIDGET (chooser));
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;
  GtkTreeModel *model;

  g_assert_nonnull (list);
  while ((model = gtk_tree_view_get_model (GTK_TREE_VIEW (list))) == NULL ||
         gtk_tree_model_iter_n_children (model, NULL) == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  return chooser;
}

static MqWindow *
open_corpus (const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("MQ_CORPUS_DIR"), name, NULL);
  MqWindow *window = mq_window_new (NULL);

  gtk_window_present (GTK_WINDOW (window));
  mq_window_open_path (window, path);
  return window;
}

static guint
n_parcels (MqWindow *window)
{
  MqMapView *view = mq_window_get_map_view (window);

  wait_for_dataset (view);
  return mq_parcels_get_n_parcels (mq_dataset_get_parcels (mq_map_view_get_dataset (view)));
}

/* No .prj: the user is asked, and the answer opens it. */
static void
test_asks_crs (void)
{
  MqWindow *window = open_corpus ("crs-no-prj.shp");
  GtkWindow *dialog = find_window (MQ_TYPE_CRS_DIALOG);

  g_assert_null (mq_map_view_get_dataset (mq_window_get_map_view (window)));
  g_signal_emit_by_name (dialog, "chosen", "EPSG:4549");
  g_assert_cmpuint (n_parcels (window), ==, 5);
  g_assert_cmpstr (mq_dataset_get_crs_label (mq_map_view_get_dataset (mq_window_get_map_view (window))),
                   ==, "EPSG:4549");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A damaged file is opened only with consent, and only what is readable. */
static void
test_asks_partial (void)
{
  MqWindow *window = open_corpus ("dmg-short-dbf.shp");
  GtkWindow *dialog = find_window (ADW_TYPE_MESSAGE_DIALOG);

  g_assert_null (mq_map_view_get_dataset (mq_window_get_map_view (window)));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "open");
  g_assert_cmpuint (n_parcels (window), ==, 12);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Several polygon layers: the first is shown and the user may pick another. */
static void
test_asks_layer (void)
{
  MqWindow *window = open_corpus ("multi.gpkg");
  GtkWindow *dialog;
  MqMapView *view = mq_window_get_map_view (window);

  g_assert_cmpuint (n_parcels (window), ==, 3);
  dialog = find_window (ADW_TYPE_MESSAGE_DIALOG);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (adw_message_dialog_get_extra_child (ADW_MESSAGE_DIALOG (dialog))), 1);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "open");
  while (g_strcmp0 (mq_dataset_get_layer_name (mq_map_view_get_dataset (view)), "b_parcels") != 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (n_parcels (window), ==, 4);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The field mapping is shown, and a correction reloads the file with it. */
static void
test_field_mapping (void)
{
  MqWindow *window = open_corpus ("enc-utf8-cpg.shp");
  MqMapView *view = mq_window_get_map_view (window);
  MqFieldMappingDialog *dialog;
  AdwComboRow *owner;
  g_autoptr(MqDataset) before = NULL;

  g_assert_cmpuint (n_parcels (window), ==, 5);
  /* Held, so that the reloaded dataset cannot take its address. */
  before = g_object_ref (mq_map_view_get_dataset (view));
  g_assert_cmpstr (mq_parcels_get (mq_dataset_get_parcels (before), 0)->owner, ==, corpus_names[0]);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.field-mapping", NULL));
  dialog = MQ_FIELD_MAPPING_DIALOG (find_window (MQ_TYPE_FIELD_MAPPING_DIALOG));
  owner = mq_field_mapping_dialog_get_row (dialog, MQ_FIELD_OWNER);
  /* The owner row shows QSDWMC (item 2: "—", TBBH, QSDWMC); the user unmaps it. */
  g_assert_cmpuint (adw_combo_row_get_selected (owner), ==, 2);
  adw_combo_row_set_selected (owner, 0);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "apply");
  while (mq_map_view_get_dataset (view) == before || mq_map_view_get_dataset (view) == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (mq_parcels_get (mq_dataset_get_parcels (mq_map_view_get_dataset (view)), 0)->owner);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Problem parcels are listed, one row each with its id and what is wrong. */
static void
test_problems_listed (void)
{
  MqWindow *window = open_corpus ("geometry.shp");
  GtkWindow *dialog;
  GtkWidget *scrolled, *list;
  guint rows = 0;

  g_assert_cmpuint (n_parcels (window), ==, G_N_ELEMENTS (geometry_cases));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.problems", NULL));
  dialog = find_window (ADW_TYPE_MESSAGE_DIALOG);
  scrolled = adw_message_dialog_get_extra_child (ADW_MESSAGE_DIALOG (dialog));
  list = gtk_viewport_get_child (GTK_VIEWPORT (gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled))));
  while (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), rows) != NULL)
    rows++;
  g_assert_cmpuint (rows, ==, 9);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 0))),
                   ==, "G01-bowtie");
  gtk_window_destroy (dialog);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Selecting shows the parcel's fields; a box selects many; Esc clears. */
static void
test_select_identify (void)
{
  g_autofree char *gpkg = mq_core_dup_sample_path ();
  MqWindow *window = mq_window_new (NULL);
  MqMapView *view = mq_window_get_map_view (window);
  MqSelection *selection = mq_map_view_get_selection (view);
  MqIdentifyPanel *panel = MQ_IDENTIFY_PANEL (mq_window_get_identify_panel (window));
  MqParcels *parcels;
  int hit = -1;

  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 800);
  gtk_window_present (GTK_WINDOW (window));
  mq_window_open_path (window, gpkg);
  wait_for_dataset (view);
  settle ();
  parcels = mq_dataset_get_parcels (mq_map_view_get_dataset (view));
  /* What is under a parcel's middle is what a click there selects. */
  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels) && hit < 0; i++)
    {
      const MqBox b = mq_shapes_get_bbox (mq_parcels_get_shapes (parcels), i);

      if (mq_parcels_hit_test (parcels, (b.min_x + b.max_x) / 2, (b.min_y + b.max_y) / 2) == (int) i)
        hit = i;
    }
  g_assert_cmpint (hit, >=, 0);
  mq_selection_select_only (selection, hit);
  settle ();
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (gtk_widget_get_ancestor (GTK_WIDGET (panel), GTK_TYPE_REVEALER))));
  g_assert_cmpstr (mq_identify_panel_get_title (panel), ==, mq_parcels_get (parcels, hit)->id);

  /* The panel took its room from the map's right edge without moving the
   * map (#15): the whole zone is in view again once fitted. */
  mq_map_view_zoom_to_all (view);
  mq_map_view_select_box (view, 0, 0, gtk_widget_get_width (GTK_WIDGET (view)),
                          gtk_widget_get_height (GTK_WIDGET (view)));
  g_assert_cmpuint (mq_selection_get_n (selection), ==, mq_parcels_get_n_parcels (parcels));
  g_assert_true (g_str_has_prefix (mq_identify_panel_get_title (panel), "1154"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "map.clear-selection", NULL));
  g_assert_cmpuint (mq_selection_get_n (selection), ==, 0);
  gtk_window_destroy (GTK_WINDOW (window));
}

static GtkEventController *
find_controller (GtkWidget *widget,
                 GType      type)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) c = g_list_model_get_item (controllers, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (c, type))
        return c;
    }
  g_error ("no %s on the map", g_type_name (type));
}

/* The hands, through the map's own controllers: the wheel zooms about the
 * pointer, a drag pans, a click on a parcel selects it and shows its fields. */
static void
test_hands (void)
{
  g_autofree char *gpkg = mq_core_dup_sample_path ();
  MqWindow *window = mq_window_new (NULL);
  MqMapView *view = mq_window_get_map_view (window);
  MqViewport *vp = mq_map_view_get_viewport (view);
  GtkWidget *widget = GTK_WIDGET (view);
  MqIdentifyPanel *panel = MQ_IDENTIFY_PANEL (mq_window_get_identify_panel (window));
  GtkEventController *motion, *scroll, *drag;
  MqParcels *parcels;
  double before_x, before_y, after_x, after_y, res, cx0, cy0, cx1, cy1, sx, sy;
  gboolean handled;
  int target = -1;

  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 800);
  gtk_window_present (GTK_WINDOW (window));
  mq_window_open_path (window, gpkg);
  wait_for_dataset (view);
  settle ();
  motion = find_controller (widget, GTK_TYPE_EVENT_CONTROLLER_MOTION);
  scroll = find_controller (widget, GTK_TYPE_EVENT_CONTROLLER_SCROLL);
  drag = find_controller (widget, GTK_TYPE_GESTURE_DRAG);

  /* Wheel: one notch in, about the pointer, which stays on the same ground. */
  g_signal_emit_by_name (motion, "motion", 300.0, 200.0);
  mq_viewport_screen_to_map (vp, 300, 200, &before_x, &before_y);
  res = mq_viewport_get_resolution (vp);
  g_signal_emit_by_name (scroll, "scroll", 0.0, -1.0, &handled);
  g_assert_cmpfloat_with_epsilon (mq_viewport_get_resolution (vp), res / 1.25, 1e-9);
  mq_viewport_screen_to_map (vp, 300, 200, &after_x, &after_y);
  g_assert_cmpfloat_with_epsilon (after_x, before_x, 1e-6);
  g_assert_cmpfloat_with_epsilon (after_y, before_y, 1e-6);

  /* Drag: the ground under the pointer follows it. */
  mq_viewport_get_center (vp, &cx0, &cy0);
  g_signal_emit_by_name (drag, "drag-begin", 400.0, 300.0);
  g_signal_emit_by_name (drag, "drag-update", 120.0, -80.0);
  g_signal_emit_by_name (drag, "drag-end", 120.0, -80.0);
  mq_viewport_get_center (vp, &cx1, &cy1);
  g_assert_cmpfloat_with_epsilon (cx1, cx0 - 120 * mq_viewport_get_resolution (vp), 1e-6);
  g_assert_cmpfloat_with_epsilon (cy1, cy0 - 80 * mq_viewport_get_resolution (vp), 1e-6);

  /* Click (a press and release in place) on a parcel in view. */
  parcels = mq_dataset_get_parcels (mq_map_view_get_dataset (view));
  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels) && target < 0; i++)
    {
      const MqBox b = mq_shapes_get_bbox (mq_parcels_get_shapes (parcels), i);

      mq_viewport_map_to_screen (vp, (b.min_x + b.max_x) / 2, (b.min_y + b.max_y) / 2, &sx, &sy);
      if (sx > 50 && sy > 50 && sx < 600 && sy < 600 &&
          mq_parcels_hit_test (parcels, (b.min_x + b.max_x) / 2, (b.min_y + b.max_y) / 2) == (int) i)
        target = i;
    }
  g_assert_cmpint (target, >=, 0);
  g_signal_emit_by_name (drag, "drag-begin", sx, sy);
  g_signal_emit_by_name (drag, "drag-end", 0.0, 0.0);
  settle ();
  g_assert_true (mq_selection_contains (mq_map_view_get_selection (view), target));
  g_assert_cmpstr (mq_identify_panel_get_title (panel), ==, mq_parcels_get (parcels, target)->id);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The theme and the recent files outlive the window that set them. */
static void
test_settings_round_trip (void)
{
  g_autofree char *gpkg = mq_core_dup_sample_path ();
  g_autoptr(GSettings) settings = g_settings_new ("org.maqiao.LandViewer");
  MqWindow *first = mq_window_new (NULL);
  MqWindow *second;
  g_autofree char *theme = NULL;
  g_auto(GStrv) recent = NULL;
  int width, height;

  g_settings_reset (settings, "recent-projects");
  gtk_window_present (GTK_WINDOW (first));
  mq_window_open_path (first, gpkg);
  wait_for_dataset (mq_window_get_map_view (first));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (first), "win.theme", "s", "method"));
  theme = g_settings_get_string (settings, "theme");
  g_assert_cmpstr (theme, ==, "method");
  recent = g_settings_get_strv (settings, "recent-projects");
  g_assert_cmpstr (recent[0], ==, gpkg);
  gtk_window_set_default_size (GTK_WINDOW (first), 987, 654);
  gtk_window_close (GTK_WINDOW (first));
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 987);

  second = mq_window_new (NULL);
  g_clear_pointer (&theme, g_free);
  g_object_get (second, "theme", &theme, NULL);
  g_assert_cmpstr (theme, ==, "method");
  gtk_window_get_default_size (GTK_WINDOW (second), &width, &height);
  g_assert_cmpint (width, ==, 987);
  g_assert_cmpint (height, ==, 654);
  g_settings_reset (settings, "theme");
  gtk_window_destroy (GTK_WINDOW (second));
}

/* Where a text occurs in binary contents (a PDF has NUL bytes). */
static const char *
find_bytes (const char *contents,
            gsize       length,
            const char *needle)
{
  gsize n = strlen (needle);

  for (gsize i = 0; i + n <= length; i++)
    if (memcmp (contents + i, needle, n) == 0)
      return contents + i;
  return NULL;
}

static void close_project (MqWindow *window, const char *dir);

/* Export PDF Report… : the chooser, then a report with the map's theme written
 * in the background, on the disk before the toast. */
static void
test_export_pdf (void)
{
  g_autofree char *gpkg = mq_core_dup_sample_path ();
  g_autofree char *dir = g_dir_make_tmp ("mq-gui-XXXXXX", NULL);
  g_autofree char *pdf = g_build_filename (dir, "maqiao.pdf", NULL);
  g_autofree char *copy = g_build_filename (dir, "maqiao.gpkg", NULL);
  g_autoptr(GFile) from = g_file_new_for_path (gpkg);
  g_autoptr(GFile) to = g_file_new_for_path (copy);
  MqWindow *window = mq_window_new (NULL);
  MqMapView *view = mq_window_get_map_view (window);
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;
  GtkWindow *chooser, *options;

  /* The report is offered beside the survey it comes from. */
  g_assert_true (g_file_copy (from, to, G_FILE_COPY_NONE, NULL, NULL, NULL, NULL));
  gtk_window_present (GTK_WINDOW (window));
  mq_window_open_path (window, copy);
  wait_for_dataset (view);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.export-pdf", NULL));
  options = find_window (MQ_TYPE_REPORT_DIALOG);
  g_object_set (options, "paper", "A4", "report-title", "马桥季度汇报", "atlas", FALSE, "changes", TRUE, NULL);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (options), "export");
  chooser = find_chooser ();
  settle ();
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT);
  while (!g_file_test (pdf, G_FILE_TEST_EXISTS) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_true (g_file_test (pdf, G_FILE_TEST_EXISTS));
  /* The paper is remembered for the next report. */
  {
    g_autoptr(GSettings) settings = g_settings_new ("org.maqiao.LandViewer");
    g_autofree char *paper = g_settings_get_string (settings, "report-paper");

    g_assert_cmpstr (paper, ==, "A4");
    g_settings_reset (settings, "report-paper");
  }
  /* The options chosen: A4 landscape pages, the title in the metadata. */
  {
    g_autofree char *contents = NULL;
    gsize length = 0;

    g_assert_true (g_file_get_contents (pdf, &contents, &length, NULL));
    g_assert_true (g_str_has_prefix (contents, "%PDF-"));
    g_assert_nonnull (find_bytes (contents, length, "/MediaBox [ 0 0 841.89 595.28 ]"));
    g_assert_null (find_bytes (contents, length, "/MediaBox [ 0 0 1190"));
  }
  /* Its first page: the changes since the dashboard's day. */
  {
    const char *argv[] = { "pdftotext", "-l", "1", pdf, "-", NULL };
    g_autofree char *text = NULL;
    g_autofree char *day = mq_date_format (mq_project_get_changes_since (mq_window_get_project (window)));
    g_autofree char *heading = g_strdup_printf ("Changes since %s", day);

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                                 NULL, NULL, &text, NULL, NULL, NULL));
    g_assert_nonnull (strstr (text, heading));
  }
  close_project (window, dir);
}

/* Export PDF Report… with one report per responsible entity: a folder
 * chooser, then the reports and their index written in the background. */
static void
test_export_pdf_by_entity (void)
{
  g_autofree char *gpkg = mq_core_dup_sample_path ();
  g_autofree char *dir = g_dir_make_tmp ("mq-gui-XXXXXX", NULL);
  g_autofree char *copy = g_build_filename (dir, "maqiao.gpkg", NULL);
  g_autofree char *index = g_build_filename (dir, "index.xlsx", NULL);
  g_autofree char *one = NULL;
  g_autoptr(GFile) from = g_file_new_for_path (gpkg);
  g_autoptr(GFile) to = g_file_new_for_path (copy);
  MqWindow *window = mq_window_new (NULL);
  MqMapView *view = mq_window_get_map_view (window);
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;
  GtkWindow *chooser, *options;

  g_assert_true (g_file_copy (from, to, G_FILE_COPY_NONE, NULL, NULL, NULL, NULL));
  gtk_window_present (GTK_WINDOW (window));
  mq_window_open_path (window, copy);
  wait_for_dataset (view);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.export-pdf", NULL));
  options = find_window (MQ_TYPE_REPORT_DIALOG);
  g_object_set (options, "split", 1, "atlas", FALSE, NULL);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (options), "export");
  chooser = find_chooser ();
  g_assert_cmpint (gtk_file_chooser_get_action (GTK_FILE_CHOOSER (chooser)), ==,
                   GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER);
  settle ();
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT);
  /* The index is written last: once it is there, every report is. */
  while (!g_file_test (index, G_FILE_TEST_EXISTS) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_true (g_file_test (index, G_FILE_TEST_EXISTS));
  /* A flagged parcel's responsible entity has its report. */
  {
    MqParcels *parcels = mq_dataset_get_parcels (mq_map_view_get_dataset (view));

    for (guint i = 0; i < mq_parcels_get_n_parcels (parcels) && one == NULL; i++)
      {
        const MqParcel *p = mq_parcels_get (parcels, i);

        if (p->flagged && p->details->entity != NULL && *p->details->entity != '\0')
          {
            g_autofree char *stem = mq_report_file_name (p->details->entity);
            g_autofree char *file = g_strconcat (stem, ".pdf", NULL);

            one = g_build_filename (dir, file, NULL);
          }
      }
  }
  g_assert_nonnull (one);
  g_assert_true (g_file_test (one, G_FILE_TEST_EXISTS));
  {
    g_autoptr(GSettings) settings = g_settings_new ("org.maqiao.LandViewer");

    g_settings_reset (settings, "report-paper");
  }
  close_project (window, dir);
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
  wait_for_frame (view);
  /* …and until the window has drawn it. */
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

/* The first widget under @root of a type and, if given, a name (the
 * templates name rows after the model property they edit). */
static guint32
pixel_at_parcel (MqWindow   *window,
                 const char *gpkg,
                 const char *id)
{
  MqMapView *view = mq_window_get_map_view (window);
  g_autoptr(GBytes) pixels = NULL;
  const guint32 *px;
  double mx, my, sx, sy;
  int width, height;
  gsize stride;

  wait_for_frame (view);
  settle ();
  g_assert_true (interior_point (gpkg, id, &mx, &my));
  mq_viewport_map_to_screen (mq_map_view_get_viewport (view), mx, my, &sx, &sy);
  pixels = render_widget (GTK_WIDGET (view), &width, &height, &stride);
  px = g_bytes_get_data (pixels, NULL);
  g_assert_true (sx >= 0 && sy >= 0 && sx < width && sy < height);
  return px[(int) sy * stride / 4 + (int) sx];
}

/* For a person to look at (MQ_SCREENSHOT_DIR set): the whole X screen, as
 * ImageMagick's import sees it. */
static void
save_screenshot (const char *name)
{
  const char *dir = g_getenv ("MQ_SCREENSHOT_DIR");
  g_autofree char *path = NULL;

  if (dir == NULL)
    return;
  settle ();
  path = g_build_filename (dir, name, NULL);
  {
    const char *argv[] = { "import", "-window", "root", path, NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  }
}

/* A large flagged parcel with the project lock open and a project name,
 * so that locking it is allowed and changes its colour. */
static int
lockable_parcel (MqParcels *parcels)
{
  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    {
      const MqParcel *p = mq_parcels_get (parcels, i);

      if (p->flagged && p->area_m2 > 20 * MQ_M2_PER_MU && p->details->project != NULL &&
          !(p->locks & (1u << MQ_LOCK_PROJECT)) && p->details->entity == NULL &&
          !(p->locks & (1u << MQ_LOCK_OWNER)))
        return (int) i;
    }
  return -1;
}

static char *
copy_sample_project (char **dir)
{
  *dir = g_dir_make_tmp ("mq-gui-edit-XXXXXX", NULL);
  return test_copy_sample (*dir, "马桥项目.gpkg");
}

static void
close_project (MqWindow   *window,
               const char *dir)
{
  gtk_window_destroy (GTK_WINDOW (window));
  settle ();
  test_remove_dir (dir);
}

/* The four locks edited in the window, as a user does: the switch, the map
 * colour, the file, a refused lock, undo — and a batch on three parcels. */

/* The parcels as they are now: every edit publishes a new generation, so a
 * test looks them up again after one rather than keep the old. */
static MqParcels *
live_parcels (MqMapView *view)
{
  return mq_dataset_get_parcels (mq_map_view_get_dataset (view));
}

static void
test_edit_locks (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *gpkg = copy_sample_project (&dir);
  MqWindow *window = mq_window_new (NULL);
  MqMapView *view = mq_window_get_map_view (window);
  GtkWidget *panel = mq_window_get_locks_panel (window);
  MqParcelModel *model = mq_locks_panel_get_model (MQ_LOCKS_PANEL (panel));
  MqSelection *selection = mq_map_view_get_selection (view);
  GtkWidget *project_switch, *owner_switch;
  g_autoptr(MqDataset) reread = NULL;
  g_autoptr(GArray) three = g_array_new (FALSE, FALSE, sizeof (guint));
  guint32 before_px, locked_px;
  MqRgb expected;
  guint held;
  int i;

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 860);
  gtk_window_present (GTK_WINDOW (window));
  mq_window_open_path (window, gpkg);
  wait_for_dataset (view);
  i = lockable_parcel (live_parcels (view));
  g_assert_cmpint (i, >=, 0);
  held = mq_parcel_get_locks_held (mq_parcels_get (live_parcels (view), i));
  before_px = pixel_at_parcel (window, gpkg, mq_parcels_get (live_parcels (view), i)->id);
  mq_style_locks_color (held, &expected);
  g_assert_true (color_matches (before_px, &expected));

  mq_selection_select_only (selection, i);
  settle ();
  project_switch = find_named (panel, "lock-project");
  owner_switch = find_named (panel, "lock-owner");
  g_assert_nonnull (project_switch);
  g_assert_true (gtk_widget_is_sensitive (project_switch));
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (project_switch)));

  /* Lock the project: the parcel, the file and the map all follow. */
  gtk_switch_set_active (GTK_SWITCH (project_switch), TRUE);
  settle ();
  g_assert_cmpuint (mq_parcel_get_locks_held (mq_parcels_get (live_parcels (view), i)), ==, held + 1);
  reread = mq_dataset_load (gpkg, NULL, NULL, NULL);
  g_assert_cmpuint (mq_parcels_get (mq_dataset_get_parcels (reread), i)->locks, ==,
                    mq_parcels_get (live_parcels (view), i)->locks);
  locked_px = pixel_at_parcel (window, gpkg, mq_parcels_get (live_parcels (view), i)->id);
  mq_style_locks_color (held + 1, &expected);
  g_assert_true (color_matches (locked_px, &expected));
  save_screenshot ("edit-locked.png");

  /* No entity: the entity lock is refused and the switch goes back. */
  gtk_switch_set_active (GTK_SWITCH (owner_switch), TRUE);
  settle ();
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (owner_switch)));
  g_assert_false (mq_parcels_get (live_parcels (view), i)->locks & (1u << MQ_LOCK_OWNER));

  /* Ctrl+Z takes the project lock back, on the map too. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  settle ();
  g_assert_cmpuint (mq_parcel_get_locks_held (mq_parcels_get (live_parcels (view), i)), ==, held);
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (project_switch)));
  mq_style_locks_color (held, &expected);
  g_assert_true (color_matches (pixel_at_parcel (window, gpkg, mq_parcels_get (live_parcels (view), i)->id),
                                &expected));

  /* A batch: three parcels, one method, one undo step. */
  for (guint k = 0, n = 0; n < 3; k++)
    if (mq_parcels_get (live_parcels (view), k)->flagged && mq_parcels_get (live_parcels (view), k)->method != MQ_METHOD_QUALITY)
      {
        g_array_append_val (three, k);
        mq_selection_toggle (selection, k);
        n++;
      }
  mq_selection_toggle (selection, i);
  settle ();
  g_assert_cmpuint (mq_parcel_model_get_n_parcels (model), ==, 3);
  g_object_set (model, "method", (guint) MQ_METHOD_QUALITY, NULL);
  settle ();
  save_screenshot ("edit-batch.png");
  for (guint k = 0; k < 3; k++)
    g_assert_cmpuint (mq_parcels_get (live_parcels (view), g_array_index (three, guint, k))->method, ==,
                      MQ_METHOD_QUALITY);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  for (guint k = 0; k < 3; k++)
    g_assert_cmpuint (mq_parcels_get (live_parcels (view), g_array_index (three, guint, k))->method, !=,
                      MQ_METHOD_QUALITY);

  /* Mixed: one of two holds the parcel lock, so the switch shows neither
   * (#15); on, once confirmed, it locks both, as one step. */
  {
    int locked = -1, open = -1;
    GtkWidget *parcel_switch = find_named (panel, "lock-parcel");

    for (guint k = 0; k < mq_parcels_get_n_parcels (live_parcels (view)) && (locked < 0 || open < 0); k++)
      {
        const MqParcel *p = mq_parcels_get (live_parcels (view), k);

        if (p->flagged && (p->locks & 1) && locked < 0)
          locked = (int) k;
        else if (p->flagged && !(p->locks & 1) && open < 0)
          open = (int) k;
      }
    mq_selection_select_only (selection, locked);
    mq_selection_toggle (selection, open);
    settle ();
    g_assert_false (gtk_switch_get_active (GTK_SWITCH (parcel_switch)));
    g_assert_true (gtk_widget_has_css_class (parcel_switch, "mq-mixed"));
    gtk_switch_set_active (GTK_SWITCH (parcel_switch), TRUE);
    {
      GtkWindow *confirm = find_window (ADW_TYPE_MESSAGE_DIALOG);

      adw_message_dialog_response (ADW_MESSAGE_DIALOG (confirm), "apply");
      gtk_window_destroy (confirm);
    }
    settle ();
    g_assert_true (mq_parcels_get (live_parcels (view), locked)->locks & 1);
    g_assert_true (mq_parcels_get (live_parcels (view), open)->locks & 1);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
    g_assert_true (mq_parcels_get (live_parcels (view), locked)->locks & 1);
    g_assert_false (mq_parcels_get (live_parcels (view), open)->locks & 1);
  }

  close_project (window, dir);
}

static AdwMessageDialog *
message_dialog (void)
{
  return ADW_MESSAGE_DIALOG (find_window (ADW_TYPE_MESSAGE_DIALOG));
}

/* A status table: previewed, applied in one step; a bad one refused with its
 * row named. Then another program edits the file: the window reloads it. */
static void
test_status_table_and_reload (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *gpkg = copy_sample_project (&dir);
  g_autofree char *good = g_build_filename (dir, "进展表.csv", NULL);
  g_autofree char *bad = g_build_filename (dir, "bad.csv", NULL);
  g_autofree char *good_text = NULL, *bad_text = NULL;
  MqWindow *window = mq_window_new (NULL);
  MqMapView *view = mq_window_get_map_view (window);
  AdwMessageDialog *dialog;
  MqDataset *opened;
  const char *id;
  gint64 deadline;
  int i;

  gtk_window_present (GTK_WINDOW (window));
  mq_window_open_path (window, gpkg);
  wait_for_dataset (view);
  opened = mq_map_view_get_dataset (view);
  i = lockable_parcel (mq_dataset_get_parcels (opened));
  id = mq_parcels_get (mq_dataset_get_parcels (opened), i)->id;
  good_text = g_strdup_printf ("地块编号,责任主体,锁定责任主体\n%s,马桥镇城运中心,1\n", id);
  bad_text = g_strdup_printf ("地块编号,责任主体\n%s,甲\nMQ9999,乙\n", id);
  g_assert_true (g_file_set_contents (good, good_text, -1, NULL));
  g_assert_true (g_file_set_contents (bad, bad_text, -1, NULL));

  mq_window_apply_status_table (window, good);
  dialog = message_dialog ();
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "3 fields of 1 parcel"));
  save_screenshot ("status-table.png");
  adw_message_dialog_response (dialog, "apply");
  gtk_window_destroy (GTK_WINDOW (dialog));
  settle ();
  g_assert_cmpstr (mq_parcels_get (mq_dataset_get_parcels (opened), i)->details->entity, ==, "马桥镇城运中心");
  g_assert_true (mq_parcels_get (mq_dataset_get_parcels (opened), i)->locks & (1u << MQ_LOCK_OWNER));

  mq_window_apply_status_table (window, bad);
  dialog = message_dialog ();
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "row 3"));
  save_screenshot ("status-table-refused.png");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_cmpstr (mq_parcels_get (mq_dataset_get_parcels (opened), i)->details->entity, ==, "马桥镇城运中心");

  /* Another program (here: a second store) commits; the window reloads. */
  {
    g_autoptr(MqDataset) other = mq_dataset_load (gpkg, NULL, NULL, NULL);
    g_autoptr(MqStore) store = mq_store_open (other, NULL);
    g_autoptr(MqEdit) edit = mq_edit_new (MQ_EDIT_ACTION_EDIT);

    mq_edit_set (edit, i, MQ_FIELD_NOTES, "另一台电脑写的", 0);
    g_assert_true (mq_store_apply (store, edit, NULL));
  }
  deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;
  while ((mq_map_view_get_dataset (view) == opened || mq_map_view_get_dataset (view) == NULL) &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (mq_map_view_get_dataset (view) != opened);
  wait_for_dataset (view);
  g_assert_cmpstr (mq_parcels_get (mq_dataset_get_parcels (mq_map_view_get_dataset (view)), i)->details->notes,
                   ==, "另一台电脑写的");

  close_project (window, dir);
}

static GtkWidget *
find_label (GtkWidget  *root,
            const char *part)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = NULL;

      if (GTK_IS_LABEL (child) && strstr (gtk_label_get_text (GTK_LABEL (child)), part))
        return child;
      if ((found = find_label (child, part)) != NULL)
        return found;
    }
  return NULL;
}

static int
parcel_by_id (MqParcels  *parcels,
              const char *id)
{
  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    if (g_strcmp0 (mq_parcels_get (parcels, i)->id, id) == 0)
      return (int) i;
  return -1;
}

static const MqParcel *
dataset_parcel (MqDataset  *dataset,
              const char *id)
{
  MqParcels *parcels = mq_dataset_get_parcels (dataset);

  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    if (g_strcmp0 (mq_parcels_get (parcels, i)->id, id) == 0)
      return mq_parcels_get (parcels, i);
  return NULL;
}

/* Until the map shows another dataset than @before. */
static MqDataset *
wait_for_reload (MqMapView *view,
                 MqDataset *before)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;

  while ((mq_map_view_get_dataset (view) == before || mq_map_view_get_dataset (view) == NULL) &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (mq_map_view_get_dataset (view) != before);
  wait_for_dataset (view);
  return mq_map_view_get_dataset (view);
}

/* The project carried into the sample's next-year survey through the
 * window: the preview's totals, Update off until the merge choice is made,
 * the map on the new parcels (a split part holding its parent's four locks,
 * marked for review), then Undo Survey Update back to the old ones. */
static void
test_survey_update (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *gpkg = copy_sample_project (&dir);
  g_autofree char *survey = g_build_filename (g_getenv ("MQ_SAMPLE_DIR"), "maqiao-survey-next.shp", NULL);
  MqWindow *window = mq_window_new (NULL);
  MqMapView *view = mq_window_get_map_view (window);
  AdwMessageDialog *dialog;
  GtkDropDown *policy;
  g_autoptr(GPtrArray) answers = NULL;
  g_autoptr(GError) error = NULL;
  MqProject *project;
  /* Held: the window lets go of each dataset as it opens the next. */
  g_autoptr(MqDataset) before = NULL;
  g_autoptr(MqDataset) after = NULL;
  MqDataset *undone;
  const MqParcel *part;

  gtk_window_present (GTK_WINDOW (window));
  mq_window_open_path (window, gpkg);
  wait_for_dataset (view);
  before = g_object_ref (mq_map_view_get_dataset (view));
  g_assert_nonnull (dataset_parcel (before, "MQ0857"));

  mq_window_update_survey (window, survey);
  dialog = ADW_MESSAGE_DIALOG (find_window (MQ_TYPE_SURVEY_DIALOG));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "maqiao-survey-next.shp"));
  g_assert_nonnull (find_label (GTK_WIDGET (dialog), "1139"));
  gtk_expander_set_expanded (GTK_EXPANDER (find_named_type (GTK_WIDGET (dialog), GTK_TYPE_EXPANDER)), TRUE);
  g_assert_nonnull (find_label (GTK_WIDGET (dialog), "MQ0857 → MQ1155"));
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "apply"));
  /* Each conflict answered on its own row: all but one is not enough. */
  answers = g_ptr_array_new ();
  collect_named (GTK_WIDGET (dialog), "conflict-answer", answers);
  g_assert_cmpuint (answers->len, >, 1);
  for (guint k = 0; k < answers->len; k++)
    {
      g_assert_false (adw_message_dialog_get_response_enabled (dialog, "apply"));
      gtk_drop_down_set_selected (g_ptr_array_index (answers, k), 1);
    }
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "apply"));
  gtk_drop_down_set_selected (g_ptr_array_index (answers, 0), 0);
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "apply"));
  /* Or by a rule for the rest. */
  policy = GTK_DROP_DOWN (find_named (GTK_WIDGET (dialog), "merge-policy"));
  gtk_drop_down_set_selected (policy, 2);
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "apply"));
  save_screenshot ("survey-update.png");
  adw_message_dialog_response (dialog, "apply");
  gtk_window_destroy (GTK_WINDOW (dialog));

  after = g_object_ref (wait_for_reload (view, before));
  g_assert_null (dataset_parcel (after, "MQ0857"));
  part = dataset_parcel (after, "MQ1155");
  g_assert_nonnull (part);
  g_assert_cmpuint (part->locks, ==, dataset_parcel (before, "MQ0857")->locks);
  g_assert_true (g_str_has_prefix (part->details->notes, "【待复核】"));
  settle ();
  save_screenshot ("survey-updated.png");

  /* Yesterday, before the update: the parcels of then, read-only, on the
   * map too; today, the new ones again. */
  project = mq_window_get_project (window);
  g_assert_true (mq_project_set_as_of (project, mq_today_real () - 1, &error));
  g_assert_no_error (error);
  settle ();
  g_assert_nonnull (dataset_parcel (mq_project_get_dataset (project), "MQ0857"));
  g_assert_null (dataset_parcel (mq_project_get_dataset (project), "MQ1155"));
  g_assert_true (mq_map_view_get_dataset (view) == mq_project_get_dataset (project));
  g_assert_false (mq_project_get_editable (project));
  g_assert_true (mq_project_set_as_of (project, 0, &error));
  settle ();
  g_assert_true (mq_project_get_dataset (project) == after);
  g_assert_true (mq_map_view_get_dataset (view) == after);
  g_assert_true (mq_project_get_editable (project));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.undo-survey-update", NULL);
  dialog = message_dialog ();
  adw_message_dialog_response (dialog, "undo");
  gtk_window_destroy (GTK_WINDOW (dialog));
  undone = wait_for_reload (view, after);
  g_assert_nonnull (dataset_parcel (undone, "MQ0857"));
  g_assert_null (dataset_parcel (undone, "MQ1155"));
  close_project (window, dir);
}

/* Another planner (here: a second MqStore in this process, on the file the
 * window has open) sets a parcel's entity; this window's user sets it too,
 * through the four-locks panel's entry. Nothing is stored, the conflict
 * dialog names both values; kept mine, the file holds mine and the history's
 * old value is theirs. */
static void
test_conflict_dialog (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *gpkg = copy_sample_project (&dir);
  MqWindow *window = mq_window_new (NULL);
  MqMapView *view = mq_window_get_map_view (window);
  GtkWidget *panel = mq_window_get_locks_panel (window);
  g_autoptr(MqDataset) other = NULL;
  g_autoptr(MqStore) store = NULL;
  g_autoptr(MqEdit) theirs = mq_edit_new (MQ_EDIT_ACTION_EDIT);
  g_autoptr(MqDataset) reread = NULL;
  g_autoptr(MqStore) reread_store = NULL;
  g_autoptr(GPtrArray) history = NULL;
  MqConflictDialog *dialog;
  const MqHistoryEntry *last;
  GtkWidget *entry;
  g_autofree char *id = NULL;
  int i;

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 860);
  gtk_window_present (GTK_WINDOW (window));
  mq_window_open_path (window, gpkg);
  wait_for_dataset (view);
  i = lockable_parcel (live_parcels (view));
  g_assert_cmpint (i, >=, 0);
  id = g_strdup (mq_parcels_get (live_parcels (view), i)->id);
  mq_selection_select_only (mq_map_view_get_selection (view), i);
  settle ();
  entry = find_named (panel, "entity");
  g_assert_true (ADW_IS_ENTRY_ROW (entry));

  /* Theirs lands between this window's read and its edit: no main-loop
   * turn in between, so the window's 2-second watch cannot reload first. */
  other = mq_dataset_load (gpkg, NULL, NULL, NULL);
  store = mq_store_open (other, NULL);
  mq_edit_set (theirs, i, MQ_FIELD_ENTITY, "马桥镇城运中心", 0);
  g_assert_true (mq_store_apply (store, theirs, NULL));
  gtk_editable_set_text (GTK_EDITABLE (entry), "闵行区规划和自然资源局");
  g_signal_emit_by_name (entry, "apply");

  dialog = MQ_CONFLICT_DIALOG (find_window (MQ_TYPE_CONFLICT_DIALOG));
  g_assert_cmpuint (mq_conflict_dialog_get_n_conflicts (dialog), ==, 1);
  g_assert_true (mq_conflict_dialog_get_keep_theirs (dialog, 0));
  g_assert_nonnull (find_label (GTK_WIDGET (dialog), id));
  g_assert_nonnull (find_label (GTK_WIDGET (dialog), "马桥镇城运中心"));
  g_assert_nonnull (find_label (GTK_WIDGET (dialog), "闵行区规划和自然资源局"));
  g_assert_nonnull (find_label (GTK_WIDGET (dialog), g_get_user_name ()));
  /* Refused: the parcel shows theirs meanwhile. */
  g_assert_cmpstr (mq_parcels_get (live_parcels (view), i)->details->entity, ==, "马桥镇城运中心");
  save_screenshot ("conflict-dialog.png");

  mq_conflict_dialog_set_keep_theirs (dialog, 0, FALSE);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "apply");
  gtk_window_destroy (GTK_WINDOW (dialog));
  settle ();
  g_assert_cmpstr (mq_parcels_get (live_parcels (view), i)->details->entity, ==, "闵行区规划和自然资源局");
  reread = mq_dataset_load (gpkg, NULL, NULL, NULL);
  g_assert_cmpstr (mq_parcels_get (mq_dataset_get_parcels (reread), i)->details->entity, ==,
                   "闵行区规划和自然资源局");
  reread_store = mq_store_open (reread, NULL);
  history = mq_store_list_history (reread_store, id, 1, NULL);
  last = g_ptr_array_index (history, 0);
  g_assert_cmpstr (last->field, ==, mq_field_info (MQ_FIELD_ENTITY)->key);
  g_assert_cmpstr (last->old_value, ==, "马桥镇城运中心");
  g_assert_cmpstr (last->new_value, ==, "闵行区规划和自然资源局");
  g_clear_object (&reread_store);
  g_clear_object (&store);
  close_project (window, dir);
}

/* ---- a UI test of presence and the server's reach, with a fake ----
 *
 * A GeoPackage has no other planners and is never offline, so this test
 * patches the GeoPackage store's interface vtable in this process: who is
 * editing, whether the server is reachable and an edit refused offline come
 * from these fakes, and the test emits the store's "presence-changed" and
 * "online-changed" itself. It checks the window's side only: the badge, the
 * map's outline, the banner, the disabled actions and the problem dialog. */

static gboolean action_enabled (MqWindow   *window,
                                const char *name);

static void
count_remote (guint *count)
{
  (*count)++;
}

static gboolean fake_online = TRUE;
static int fake_parcel = -1;

static GPtrArray *
fake_list_editors (MqStore *store)
{
  GPtrArray *editors = g_ptr_array_new_with_free_func ((GDestroyNotify) mq_editor_free);
  MqEditor *e;

  if (fake_parcel < 0)
    return editors;
  e = g_new0 (MqEditor, 1);
  e->parcel = (guint) fake_parcel;
  e->display_name = g_strdup ("王工");
  e->db_user = g_strdup ("wang");
  g_ptr_array_add (editors, e);
  return editors;
}

static gboolean
fake_is_online (MqStore *store)
{
  return fake_online;
}

static MqEdit *(*real_store_edit) (MqStore *, MqEdit *, MqEditAction, GPtrArray *, GError **);

static MqEdit *
fake_store_edit (MqStore       *store,
                 MqEdit        *edit,
                 MqEditAction   action,
                 GPtrArray     *conflicts,
                 GError       **error)
{
  if (!fake_online)
    {
      g_set_error_literal (error, MQ_STORE_ERROR, MQ_STORE_ERROR_OFFLINE,
                           "服务器连接已断开：修改未保存");
      return NULL;
    }
  return real_store_edit (store, edit, action, conflicts, error);
}

static guint
count_color (GtkWidget   *widget,
             const MqRgb *rgb)
{
  int width, height;
  gsize stride;
  g_autoptr(GBytes) pixels = render_widget (widget, &width, &height, &stride);
  const guint32 *px = g_bytes_get_data (pixels, NULL);
  guint n = 0;

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      n += color_matches (px[y * stride / 4 + x], rgb);
  return n;
}

static void
test_presence_offline_ui (void)
{
  static const MqRgb presence = { 0x91 / 255.0, 0x41 / 255.0, 0xac / 255.0 };
  g_autofree char *dir = NULL;
  g_autofree char *gpkg = copy_sample_project (&dir);
  MqWindow *window = mq_window_new (NULL);
  MqMapView *view = mq_window_get_map_view (window);
  MqProject *project = mq_window_get_project (window);
  GtkWidget *panel = mq_window_get_locks_panel (window);
  MqStoreInterface *iface, saved;
  GtkWidget *badge, *banner;
  AdwMessageDialog *problem;
  MqStore *store;
  MqDataset *before;
  gint64 deadline;
  int i;

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 860);
  gtk_window_present (GTK_WINDOW (window));
  mq_window_open_path (window, gpkg);
  wait_for_dataset (view);
  store = mq_project_get_store (project);
  iface = MQ_STORE_GET_IFACE (store);
  saved = *iface;
  iface->list_editors = fake_list_editors;
  iface->is_online = fake_is_online;
  real_store_edit = saved.store_edit;
  iface->store_edit = fake_store_edit;

  i = lockable_parcel (live_parcels (view));
  mq_selection_select_only (mq_map_view_get_selection (view), i);
  settle ();
  /* The panel shows the parcel: this window is "editing" it. */
  g_assert_cmpint (mq_project_get_editing (project), ==, i);
  g_assert_cmpuint (count_color (GTK_WIDGET (view), &presence), ==, 0);

  fake_parcel = i;
  mq_store_emit_presence_changed (store);
  settle ();
  badge = find_label (panel, "王工");
  g_assert_nonnull (badge);
  g_assert_true (gtk_widget_get_visible (badge));
  g_assert_cmpuint (count_color (GTK_WIDGET (view), &presence), >, 50);
  save_screenshot ("presence.png");

  /* Two bursts of another planner's changes (entries made here; the
   * parcels themselves are not changed): one refresh, one toast. */
  {
    g_autoptr(GPtrArray) first = g_ptr_array_new_with_free_func ((GDestroyNotify) mq_history_entry_free);
    g_autoptr(GPtrArray) second = g_ptr_array_new_with_free_func ((GDestroyNotify) mq_history_entry_free);
    guint remote = 0;
    gulong handler = g_signal_connect_swapped (project, "changed-remotely",
                                               G_CALLBACK (count_remote), &remote);
    gint64 until = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;

    for (guint k = 0; k < 5; k++)
      {
        MqHistoryEntry *e = g_new0 (MqHistoryEntry, 1);

        e->changed_at = g_strdup ("2026-11-29T06:02:00.000Z");
        e->user = g_strdup (k < 3 ? "王工" : "李工");
        e->parcel_id = g_strdup (mq_parcels_get (live_parcels (view), i + k)->id);
        e->field = g_strdup (mq_field_info (MQ_FIELD_ENTITY)->key);
        e->new_value = g_strdup ("马桥镇城运中心");
        e->action = g_strdup ("edit");
        g_ptr_array_add (k < 2 ? first : second, e);
      }
    mq_store_emit_changed_remotely (store, first);
    mq_store_emit_changed_remotely (store, second);
    while (remote == 0 && g_get_monotonic_time () < until)
      g_main_context_iteration (NULL, TRUE);
    g_assert_cmpuint (remote, ==, 1);
    save_screenshot ("remote-toast.png");
    g_assert_cmpuint (remote, ==, 1);
    /* One change alone is named: who, which parcel, which field. */
    g_ptr_array_set_size (first, 1);
    mq_store_emit_changed_remotely (store, first);
    while (remote == 1 && g_get_monotonic_time () < until)
      g_main_context_iteration (NULL, TRUE);
    g_assert_cmpuint (remote, ==, 2);
    save_screenshot ("remote-toast-one.png");
    g_signal_handler_disconnect (project, handler);
  }

  fake_online = FALSE;
  mq_store_emit_online_changed (store, FALSE);
  settle ();
  /* In the language the screenshots are taken in. */
  banner = find_label (GTK_WIDGET (window),
                       g_dgettext (GETTEXT_PACKAGE, "The connection to the server was lost; "
                                                    "reconnecting… Changes will not be saved."));
  g_assert_nonnull (banner);
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (gtk_widget_get_ancestor (banner, GTK_TYPE_REVEALER))));
  g_assert_false (action_enabled (window, "win.apply-csv"));
  g_assert_false (gtk_widget_is_sensitive (find_named (panel, "notes")));
  save_screenshot ("offline.png");
  /* An edit that goes out anyway (the panel's model, as a binding would)
   * meets the store's own message, in the problem dialog. */
  g_object_set (mq_locks_panel_get_model (MQ_LOCKS_PANEL (panel)), "notes", "断线时写的", NULL);
  problem = message_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_body (problem), ==, "服务器连接已断开：修改未保存");
  gtk_window_destroy (GTK_WINDOW (problem));

  /* Back: the banner goes, the project is read again, edits come back. */
  before = mq_map_view_get_dataset (view);
  fake_online = TRUE;
  mq_store_emit_online_changed (store, TRUE);
  deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;
  while ((mq_map_view_get_dataset (view) == before || mq_map_view_get_dataset (view) == NULL) &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  settle ();
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (gtk_widget_get_ancestor (banner, GTK_TYPE_REVEALER))));
  g_assert_true (action_enabled (window, "win.apply-csv"));
  g_assert_true (mq_selection_contains (mq_map_view_get_selection (view), i));

  *iface = saved;
  fake_parcel = -1;
  close_project (window, dir);
}

static MqParcelTable *
table_of (MqWindow *window)
{
  return MQ_PARCEL_TABLE (find_named_type (GTK_WIDGET (window), MQ_TYPE_PARCEL_TABLE));
}

/* Until the table's incremental filtering and sorting are done. */
static guint
table_rows (MqParcelTable *table)
{
  GListModel *model = mq_parcel_table_get_model (table);
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;

  GtkFilterListModel *filtered = GTK_FILTER_LIST_MODEL (gtk_sort_list_model_get_model (GTK_SORT_LIST_MODEL (model)));

  while (gtk_sort_list_model_get_pending (GTK_SORT_LIST_MODEL (model)) > 0 ||
         gtk_filter_list_model_get_pending (filtered) > 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  return g_list_model_get_n_items (model);
}

static guint
row_parcel (MqParcelTable *table,
            guint          position)
{
  g_autoptr(MqParcelItem) item = g_list_model_get_item (mq_parcel_table_get_model (table), position);

  return mq_parcel_item_get_index (item);
}

static guint
count_matching (MqDataset *dataset,
                gboolean (*test) (const MqParcel *p, guint32 today))
{
  MqParcels *parcels = mq_dataset_get_parcels (dataset);
  guint n = 0;

  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    n += test (mq_parcels_get (parcels, i), mq_today ());
  return n;
}

static gboolean
owner_has_fangzhi (const MqParcel *p,
                   guint32         today)
{
  return (p->owner && strstr (p->owner, "纺织")) || (p->details->project && strstr (p->details->project, "纺织")) ||
         (p->details->entity && strstr (p->details->entity, "纺织")) || (p->location && strstr (p->location, "纺织")) ||
         (p->details->investor && strstr (p->details->investor, "纺织"));
}

/* The table: every parcel, sorted by a column, searched in Chinese, filtered
 * by a chip; its selection is the map's, both ways. */
static void
test_table_search_filters (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *gpkg = copy_sample_project (&dir);
  MqWindow *window = mq_window_new (NULL);
  MqMapView *view = mq_window_get_map_view (window);
  MqParcelTable *table = table_of (window);
  MqFilterBar *bar = MQ_FILTER_BAR (find_named_type (GTK_WIDGET (window), MQ_TYPE_FILTER_BAR));
  MqFilter *filter = mq_filter_bar_get_filter (bar);
  MqSelection *selection = mq_map_view_get_selection (view);
  GtkColumnView *columns = mq_parcel_table_get_view (table);
  g_autoptr(GtkColumnViewColumn) mu_column = NULL;
  GtkSelectionModel *rows;
  MqParcels *parcels;
  double largest = 0;
  guint n, k;

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 860);
  gtk_window_present (GTK_WINDOW (window));
  mq_window_open_path (window, gpkg);
  wait_for_dataset (view);
  parcels = mq_dataset_get_parcels (mq_map_view_get_dataset (view));
  n = mq_parcels_get_n_parcels (parcels);
  g_assert_cmpuint (table_rows (table), ==, n);

  /* Sorted by mu, largest first. */
  for (guint i = 0; i < n; i++)
    largest = MAX (largest, mq_parcels_get (parcels, i)->area_m2);
  mu_column = g_list_model_get_item (gtk_column_view_get_columns (columns), 3);
  gtk_column_view_sort_by_column (columns, mu_column, GTK_SORT_DESCENDING);
  g_assert_cmpuint (table_rows (table), ==, n);
  g_assert_cmpfloat (mq_parcels_get (parcels, row_parcel (table, 0))->area_m2, ==, largest);
  g_assert_cmpfloat (mq_parcels_get (parcels, row_parcel (table, 0))->area_m2, >=,
                     mq_parcels_get (parcels, row_parcel (table, 1))->area_m2);

  /* A Chinese substring, typed in the search entry. */
  gtk_editable_set_text (GTK_EDITABLE (mq_filter_bar_get_search_entry (bar)), "纺织");
  g_object_set (filter, "text", "纺织", NULL);   /* search-changed is delayed */
  g_assert_cmpuint (table_rows (table), ==, count_matching (mq_map_view_get_dataset (view), owner_has_fangzhi));
  g_assert_cmpuint (table_rows (table), >, 0);
  save_screenshot ("table-search.png");

  /* The overdue chip, alone. */
  mq_filter_reset (filter);
  g_object_set (filter, "overdue", TRUE, NULL);
  g_assert_cmpuint (table_rows (table), ==, count_matching (mq_map_view_get_dataset (view), mq_parcel_is_overdue));

  /* Table → map: selecting a row selects the parcel. */
  rows = gtk_column_view_get_model (columns);
  gtk_selection_model_select_item (rows, 0, TRUE);
  g_assert_cmpuint (mq_selection_get_n (selection), ==, 1);
  g_assert_true (mq_selection_contains (selection, row_parcel (table, 0)));

  /* Map → table: the parcel clicked is the row selected. */
  k = row_parcel (table, 2);
  mq_selection_select_only (selection, k);
  g_assert_true (gtk_selection_model_is_selected (rows, 2));
  g_assert_false (gtk_selection_model_is_selected (rows, 0));

  close_project (window, dir);
}

/* The dashboard's "changes since" card: the day chosen on the project, the
 * card's lines those of mq_changes_since() on the same file and day; the
 * changed parcels listed. */
/* The card's figures are worked out in a worker: wait for them. */
static const char *
changes_text (MqDashboard *dashboard)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;

  while (mq_dashboard_get_changes_pending (dashboard))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("the changes since a day were not worked out");
      g_main_context_iteration (NULL, TRUE);
    }
  return mq_dashboard_get_changes_text (dashboard);
}

static void
test_changes_since_card (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mq-gui-changes-XXXXXX", NULL);
  g_autofree char *gpkg = test_copy_sample_with_history (dir, "马桥项目.gpkg");
  MqWindow *window = mq_window_new (NULL);
  MqMapView *view = mq_window_get_map_view (window);
  MqDashboard *dashboard = MQ_DASHBOARD (find_named_type (GTK_WIDGET (window), MQ_TYPE_DASHBOARD));
  g_autoptr(MqDataset) copy = NULL;
  g_autoptr(MqChanges) expected = NULL;
  g_autofree char *brief = NULL;
  GDate since;

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 860);
  gtk_window_present (GTK_WINDOW (window));
  mq_window_open_path (window, gpkg);
  wait_for_dataset (view);
  g_date_clear (&since, 1);
  g_date_set_dmy (&since, 31, 8, 2026);
  mq_project_set_changes_since (mq_window_get_project (window), g_date_get_julian (&since));
  copy = mq_dataset_load (gpkg, NULL, NULL, NULL);
  expected = mq_changes_since (copy, &since, mq_today (), NULL, NULL);
  g_assert_nonnull (expected);
  g_assert_cmpuint (mq_changes_get_n_deadlines_moved (expected), >, 0);
  brief = mq_changes_dup_brief (expected);
  g_assert_cmpstr (changes_text (dashboard), ==, brief);
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (find_named_type (GTK_WIDGET (window), ADW_TYPE_VIEW_STACK)),
                                         "dashboard");
  settle ();
  g_assert_nonnull (find_label (GTK_WIDGET (dashboard), "2026-08-31"));
  save_screenshot ("dashboard-changes.png");

  /* The meeting room's opening card says the same, worked out in a
   * worker too. */
  {
    gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;
    g_autofree char *day = mq_date_format (g_date_get_julian (&since));
    MqChangeCount locked = mq_changes_get_any_new_lock (expected);
    g_autofree char *line =
      g_strdup_printf ("Since %s: locks newly held on %u parcels, %.1f mu · all four newly: %u · newly overdue %u",
                       day, locked.parcels, locked.mu, mq_changes_get_fully_locked (expected).parcels,
                       mq_changes_get_n_newly_overdue (expected));

    mq_window_set_presenting (window, TRUE);
    while (mq_window_get_present_pending (window))
      {
        if (g_get_monotonic_time () > deadline)
          g_error ("the meeting room's changes since a day were not worked out");
        g_main_context_iteration (NULL, TRUE);
      }
    g_assert_nonnull (find_label (GTK_WIDGET (window), line));
    mq_window_set_presenting (window, FALSE);
  }

  /* Filtered, the card counts what the filter leaves: one of the parcels
   * whose deadline moved. */
  {
    MqFilter *filter = mq_project_get_filter (mq_window_get_project (window));
    MqParcels *parcels = mq_dataset_get_parcels (copy);
    const char *one = mq_parcels_get (parcels, g_array_index (mq_changes_get_changed (expected),
                                                              MqChangedParcel, 0).parcel)->id;
    g_autoptr(MqChanges) filtered = NULL;
    g_autofree char *filtered_brief = NULL;

    g_object_set (filter, "text", one, NULL);
    filtered = mq_changes_since (mq_map_view_get_dataset (view), &since, mq_today (), filter, NULL);
    g_assert_cmpuint (mq_changes_get_changed (filtered)->len, ==, 1);
    g_assert_cmpuint (mq_changes_get_n_deadlines_moved (filtered), ==, 1);
    filtered_brief = mq_changes_dup_brief (filtered);
    mq_dashboard_refresh (dashboard);
    g_assert_cmpstr (changes_text (dashboard), ==, filtered_brief);
    g_object_set (filter, "text", "", NULL);
  }
  close_project (window, dir);
}

/* The window at a past day: the dashboard's figures are those of the file
 * rewound to that day (as --summary --as-of prints them), the banner says
 * the day, nothing can be edited; back to today, today's figures again. */
static void
test_as_of_window (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mq-gui-as-of-XXXXXX", NULL);
  g_autofree char *gpkg = test_copy_sample_with_history (dir, "马桥项目.gpkg");
  MqWindow *window = mq_window_new (NULL);
  MqMapView *view = mq_window_get_map_view (window);
  MqProject *project = mq_window_get_project (window);
  MqDashboard *dashboard = MQ_DASHBOARD (find_named_type (GTK_WIDGET (window), MQ_TYPE_DASHBOARD));
  g_autoptr(MqDataset) past = NULL;
  g_autoptr(MqSummary) expected = NULL;
  g_autoptr(MqEdit) edit = mq_edit_new (MQ_EDIT_ACTION_EDIT);
  g_autoptr(GError) error = NULL;
  g_autofree char *today_json = NULL, *want = NULL, *shown = NULL, *back = NULL, *shown_day = NULL;
  GDate day;

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 860);
  gtk_window_present (GTK_WINDOW (window));
  mq_window_open_path (window, gpkg);
  wait_for_dataset (view);
  today_json = mq_summary_to_json (mq_dashboard_get_summary (dashboard));

  g_date_clear (&day, 1);
  g_date_set_dmy (&day, 30, 6, 2021);
  g_assert_true (mq_project_set_as_of (project, g_date_get_julian (&day), &error));
  g_assert_no_error (error);
  past = mq_dataset_load (gpkg, NULL, NULL, NULL);
  g_assert_true (mq_dataset_rewind (past, &day, NULL));
  expected = mq_summary_new (past, g_date_get_julian (&day));
  want = mq_summary_to_json (expected);
  shown = mq_summary_to_json (mq_dashboard_get_summary (dashboard));
  g_assert_cmpstr (shown, ==, want);
  g_assert_cmpstr (shown, !=, today_json);
  g_assert_false (mq_project_get_editable (project));
  mq_edit_set (edit, 0, MQ_FIELD_NOTES, "过去的修改", 0);
  g_assert_false (mq_project_apply (project, edit, &error));
  g_assert_error (error, MQ_STORE_ERROR, MQ_STORE_ERROR_READ_ONLY);
  settle ();
  g_assert_nonnull (find_label (GTK_WIDGET (window), "30 June 2021"));
  save_screenshot ("as-of.png");

  g_assert_true (mq_project_set_as_of (project, 0, NULL));
  back = mq_summary_to_json (mq_dashboard_get_summary (dashboard));
  g_assert_cmpstr (back, ==, today_json);
  g_assert_true (mq_project_get_editable (project));

  /* The meeting room plays the months back: [ shows last month's end, a
   * second [ the month's before, ] one on; leaving comes back to today. */
  g_object_set (window, "presenting", TRUE, NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.present-month", "i", -1);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.present-month", "i", -1);
  g_date_set_julian (&day, mq_today_real ());
  g_date_set_day (&day, 1);
  g_date_subtract_months (&day, 1);
  g_date_subtract_days (&day, 1);
  g_assert_cmpuint (mq_project_get_as_of (project), ==, g_date_get_julian (&day));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.present-month", "i", 1);
  g_date_add_days (&day, 1);
  g_date_add_months (&day, 1);
  g_date_subtract_days (&day, 1);
  g_assert_cmpuint (mq_project_get_as_of (project), ==, g_date_get_julian (&day));
  shown_day = mq_date_format (g_date_get_julian (&day));
  g_assert_nonnull (find_label (GTK_WIDGET (window), shown_day));
  g_object_set (window, "presenting", FALSE, NULL);
  g_assert_cmpuint (mq_project_get_as_of (project), ==, 0);
  close_project (window, dir);
}

/* Two windows of one process (a second file opened from the file manager)
 * each show their own day: one stepped back to a past day leaves the
 * other's deadlines, figures and map counted from today. */
static void
test_as_of_two_windows (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mq-gui-as-of-two-XXXXXX", NULL);
  g_autofree char *gpkg = test_copy_sample_with_history (dir, "马桥项目.gpkg");
  MqWindow *past = mq_window_new (NULL), *now = mq_window_new (NULL);
  MqProject *past_project = mq_window_get_project (past), *now_project = mq_window_get_project (now);
  MqDashboard *now_dashboard = MQ_DASHBOARD (find_named_type (GTK_WIDGET (now), MQ_TYPE_DASHBOARD));
  g_autofree char *today_json = NULL, *still = NULL;
  g_autoptr(GError) error = NULL;
  GDate day;

  gtk_window_present (GTK_WINDOW (past));
  gtk_window_present (GTK_WINDOW (now));
  mq_window_open_path (past, gpkg);
  mq_window_open_path (now, gpkg);
  wait_for_dataset (mq_window_get_map_view (past));
  wait_for_dataset (mq_window_get_map_view (now));
  today_json = mq_summary_to_json (mq_dashboard_get_summary (now_dashboard));

  g_date_clear (&day, 1);
  g_date_set_dmy (&day, 30, 6, 2021);
  g_assert_true (mq_project_set_as_of (past_project, g_date_get_julian (&day), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (mq_project_get_today (past_project), ==, g_date_get_julian (&day));
  g_assert_cmpuint (mq_dataset_get_today (mq_project_get_dataset (past_project)), ==, g_date_get_julian (&day));
  g_assert_cmpuint (mq_project_get_today (now_project), ==, mq_today ());
  g_assert_cmpuint (mq_dataset_get_today (mq_project_get_dataset (now_project)), ==, mq_today ());
  mq_dashboard_refresh (now_dashboard);
  still = mq_summary_to_json (mq_dashboard_get_summary (now_dashboard));
  g_assert_cmpstr (still, ==, today_json);
  g_assert_true (mq_project_get_editable (now_project));

  g_assert_true (mq_project_set_as_of (past_project, 0, NULL));
  g_assert_cmpuint (mq_dataset_get_today (mq_project_get_dataset (past_project)), ==, mq_today ());
  gtk_window_destroy (GTK_WINDOW (now));
  close_project (past, dir);
}

/* The dashboard's figures are --summary's; filtered, they follow the filter;
 * the map fades what the filter leaves out. */
static void
test_dashboard_and_fading (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *gpkg = copy_sample_project (&dir);
  MqWindow *window = mq_window_new (NULL);
  MqMapView *view = mq_window_get_map_view (window);
  MqDashboard *dashboard = MQ_DASHBOARD (find_named_type (GTK_WIDGET (window), MQ_TYPE_DASHBOARD));
  MqFilterBar *bar = MQ_FILTER_BAR (find_named_type (GTK_WIDGET (window), MQ_TYPE_FILTER_BAR));
  MqFilter *filter = mq_filter_bar_get_filter (bar);
  g_autoptr(MqSummary) summary = NULL;
  g_autofree char *shown = NULL, *expected = NULL;
  MqParcels *parcels;
  MqRgb color;
  int faded = -1;

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 860);
  gtk_window_present (GTK_WINDOW (window));
  mq_window_open_path (window, gpkg);
  wait_for_dataset (view);
  summary = mq_summary_new (mq_map_view_get_dataset (view), mq_today ());
  expected = mq_summary_to_json (summary);
  shown = mq_summary_to_json (mq_dashboard_get_summary (dashboard));
  g_assert_cmpstr (shown, ==, expected);
  g_assert_cmpuint (gtk_list_box_get_row_at_index (mq_dashboard_get_overdue_list (dashboard),
                                                    summary->overdue - 1) != NULL, ==, TRUE);
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (find_named_type (GTK_WIDGET (window), ADW_TYPE_VIEW_STACK)),
                                         "dashboard");
  save_screenshot ("dashboard.png");

  /* Four locks only: the dashboard counts those; the map fades the others. */
  g_object_set (filter, "locks-held", 4, NULL);
  g_assert_cmpuint (mq_dashboard_get_summary (dashboard)->flagged_parcels, ==, summary->locks_held[4]);
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (find_named_type (GTK_WIDGET (window), ADW_TYPE_VIEW_STACK)),
                                         "map");
  parcels = mq_dataset_get_parcels (mq_map_view_get_dataset (view));
  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels) && faded < 0; i++)
    {
      const MqParcel *p = mq_parcels_get (parcels, i);

      if (p->flagged && mq_parcel_get_locks_held (p) == 0 && p->area_m2 > 20 * MQ_M2_PER_MU &&
          !mq_parcel_is_overdue (p, mq_today ()))
        faded = (int) i;
    }
  g_assert_cmpint (faded, >=, 0);
  mq_style_locks_color (0, &color);
  color = (MqRgb) { 0.25 * color.r + 0.75 * 0.957, 0.25 * color.g + 0.75 * 0.949, 0.25 * color.b + 0.75 * 0.929 };
  g_assert_true (color_matches (pixel_at_parcel (window, gpkg, mq_parcels_get (parcels, faded)->id), &color));

  close_project (window, dir);
}

/* The meeting-room mode: in and out, stepping through the flagged parcels;
 * a saved view brings back its extent and filter. */
static void
test_presentation_and_views (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *gpkg = copy_sample_project (&dir);
  MqWindow *window = mq_window_new (NULL);
  MqMapView *view = mq_window_get_map_view (window);
  MqViewport *vp = mq_map_view_get_viewport (view);
  MqFilterBar *bar = MQ_FILTER_BAR (find_named_type (GTK_WIDGET (window), MQ_TYPE_FILTER_BAR));
  MqFilter *filter = mq_filter_bar_get_filter (bar);
  GtkWidget *header = find_named_type (GTK_WIDGET (window), ADW_TYPE_HEADER_BAR);
  g_autoptr(GError) error = NULL;
  MqParcels *parcels;
  int first = -1, last = -1, shown;
  double res, x, y, x2, y2;
  gboolean north;

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 860);
  gtk_window_present (GTK_WINDOW (window));
  mq_window_open_path (window, gpkg);
  wait_for_dataset (view);
  settle ();
  parcels = mq_dataset_get_parcels (mq_map_view_get_dataset (view));
  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    if (mq_parcels_get (parcels, i)->flagged)
      {
        first = first < 0 ? (int) i : first;
        last = (int) i;
      }

  /* F5 is win.present. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.present", NULL));
  g_assert_true (mq_window_get_presenting (window));
  g_assert_false (gtk_widget_get_visible (header));
  shown = mq_window_present_step (window, 1);
  g_assert_cmpint (shown, ==, first);
  g_assert_true (mq_selection_contains (mq_map_view_get_selection (view), first));
  g_assert_cmpint (mq_window_present_step (window, -1), ==, last);
  g_assert_cmpint (mq_window_present_step (window, 1), ==, first);
  settle ();
  save_screenshot ("present.png");
  mq_window_set_presenting (window, FALSE);
  g_assert_true (gtk_widget_get_visible (header));

  /* A view: north of 东川路, here; then elsewhere; then back. */
  g_object_set (filter, "north", TRUE, NULL);
  mq_map_view_zoom_to_all (view);
  res = mq_viewport_get_resolution (vp) / 2;
  mq_viewport_set_resolution (vp, res);
  mq_viewport_get_center (vp, &x, &y);
  g_assert_true (mq_window_save_view (window, "东川路以北", &error));
  g_assert_no_error (error);
  mq_filter_reset (filter);
  mq_map_view_zoom_to_all (view);
  g_assert_true (mq_window_go_to_view (window, "东川路以北", 0));
  g_object_get (filter, "north", &north, NULL);
  g_assert_true (north);
  g_assert_cmpfloat_with_epsilon (mq_viewport_get_resolution (vp), res, 1e-9);
  mq_viewport_get_center (vp, &x2, &y2);
  g_assert_cmpfloat_with_epsilon (x2, x, 1e-6);
  g_assert_cmpfloat_with_epsilon (y2, y, 1e-6);

  close_project (window, dir);
}

static gboolean
action_enabled (MqWindow   *window,
                const char *name)
{
  /* As a menu item would see it: a button in a popover over the map. */
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *button = gtk_button_new ();
  gboolean enabled;

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), name);
  gtk_popover_set_child (GTK_POPOVER (popover), button);
  gtk_widget_set_parent (popover, GTK_WIDGET (mq_window_get_map_view (window)));
  enabled = gtk_widget_get_sensitive (button);
  gtk_widget_unparent (popover);
  return enabled;
}

/* Nothing open: nothing to export, save, list, map or undo. Closed, the
 * window and its project are finalized: no view keeps a reference. */
static void
test_lifecycle (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *gpkg = copy_sample_project (&dir);
  MqWindow *window = g_object_ref (mq_window_new (NULL));
  MqProject *project = g_object_ref (mq_window_get_project (window));
  static const char *const need_data[] = {
    "win.export-pdf", "win.export-csv", "win.save-project", "win.problems", "win.field-mapping",
    "win.undo", "win.redo", "win.apply-csv", "win.save-view",
  };

  for (guint i = 0; i < G_N_ELEMENTS (need_data); i++)
    g_assert_false (action_enabled (window, need_data[i]));
  gtk_window_present (GTK_WINDOW (window));
  mq_window_open_path (window, gpkg);
  wait_for_dataset (mq_window_get_map_view (window));
  wait_for_frame (mq_window_get_map_view (window));
  g_assert_true (mq_project_get_editable (project));
  g_assert_true (action_enabled (window, "win.export-pdf"));
  g_assert_true (action_enabled (window, "win.apply-csv"));
  g_assert_false (action_enabled (window, "win.undo"));
  gtk_window_destroy (GTK_WINDOW (window));
  settle ();
  g_assert_finalize_object (window);
  g_assert_null (mq_project_get_dataset (project));
  g_assert_finalize_object (project);
  test_remove_dir (dir);
}

/* Save as Project: the survey, as opened, becomes a project file beside it,
 * and the window goes on with the project (a store: the locks can be edited). */
static void
test_save_as_project (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mq-gui-save-XXXXXX", NULL);
  g_autofree char *shp = g_build_filename (dir, "enc-utf8-cpg.shp", NULL);
  g_autofree char *gpkg = g_build_filename (dir, "enc-utf8-cpg.gpkg", NULL);
  static const char *const parts[] = { "shp", "shx", "dbf", "cpg", "prj" };
  MqWindow *window = mq_window_new (NULL);
  MqProject *project = mq_window_get_project (window);
  gint64 deadline;
  GtkWindow *chooser;

  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      g_autofree char *name = g_strdup_printf ("enc-utf8-cpg.%s", parts[i]);
      g_autofree char *from = test_corpus_file (name);
      g_autofree char *to = g_build_filename (dir, name, NULL);
      g_autofree char *bytes = NULL;
      gsize length;

      g_assert_true (g_file_get_contents (from, &bytes, &length, NULL));
      g_assert_true (g_file_set_contents (to, bytes, length, NULL));
    }
  gtk_window_present (GTK_WINDOW (window));
  mq_window_open_path (window, shp);
  wait_for_dataset (mq_window_get_map_view (window));
  g_assert_false (mq_project_get_has_store (project));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.save-project", NULL));
  chooser = find_chooser ();
  settle ();
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT);
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (!mq_project_get_has_store (project) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (mq_project_get_editable (project));
  g_assert_true (g_file_test (gpkg, G_FILE_TEST_EXISTS));
  g_assert_cmpstr (mq_project_get_request (project)->path, ==, gpkg);
  g_assert_cmpuint (n_parcels (window), ==, 5);
  close_project (window, dir);
}

/* ---- #15 labels ---- */

/* Whether @model (its sections and submenus too) has an item for @action
 * with @target. */
static gboolean
menu_has_item (GMenuModel *model,
               const char *action,
               const char *target)
{
  for (int i = 0; i < g_menu_model_get_n_items (model); i++)
    {
      g_autofree char *name = NULL;
      g_autoptr(GVariant) value = g_menu_model_get_item_attribute_value (model, i, "target", NULL);
      g_autoptr(GMenuLinkIter) links = g_menu_model_iterate_item_links (model, i);
      GMenuModel *linked;

      if (g_menu_model_get_item_attribute (model, i, "action", "s", &name) &&
          g_str_equal (name, action) && value != NULL &&
          g_str_equal (g_variant_get_string (value, NULL), target))
        return TRUE;
      while (g_menu_link_iter_get_next (links, NULL, &linked))
        {
          gboolean found = menu_has_item (linked, action, target);

          g_object_unref (linked);
          if (found)
            return TRUE;
        }
    }
  return FALSE;
}

static GMenuModel *
primary_menu (MqWindow *window)
{
  GtkWidget *header = find_named_type (GTK_WIDGET (window), ADW_TYPE_HEADER_BAR);

  for (GtkWidget *button = find_named_type (header, GTK_TYPE_MENU_BUTTON); button != NULL;
       button = gtk_widget_get_next_sibling (button))
    if (GTK_IS_MENU_BUTTON (button) && gtk_menu_button_get_primary (GTK_MENU_BUTTON (button)))
      return gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (button));
  return NULL;
}

static const char *
label_field_state (MqWindow *window)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (window), "label-field");
  g_autoptr(GVariant) state = action ? g_action_get_state (action) : NULL;

  return state ? g_intern_string (g_variant_get_string (state, NULL)) : NULL;
}

/* The primary menu chooses what parcel labels say (win.label-field): the
 * map's renderer follows, the choice is remembered for the next window. */
static void
test_label_field_menu (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *gpkg = copy_sample_project (&dir);
  g_autoptr(GSettings) settings = g_settings_new ("org.maqiao.LandViewer");
  MqWindow *window = mq_window_new (NULL);
  MqWindow *second;
  MqMapView *view = mq_window_get_map_view (window);
  g_autofree char *remembered = NULL;
  GMenuModel *menu;

  g_settings_reset (settings, "label-field");
  gtk_window_present (GTK_WINDOW (window));
  mq_window_open_path (window, gpkg);
  wait_for_dataset (view);
  settle ();
  menu = primary_menu (window);
  g_assert_nonnull (menu);
  for (guint i = 0; i < 5; i++)
    g_assert_true (menu_has_item (menu, "win.label-field",
                                  (const char *[]) { "id", "owner", "project", "entity", "mu" }[i]));
  g_assert_cmpstr (label_field_state (window), ==, "id");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.label-field", "s", "owner"));
  g_assert_cmpint (mq_renderer_get_label_field (mq_map_view_get_renderer (view)), ==, MQ_LABEL_FIELD_OWNER);
  g_assert_cmpstr (label_field_state (window), ==, "owner");
  remembered = g_settings_get_string (settings, "label-field");
  g_assert_cmpstr (remembered, ==, "owner");
  settle ();
  save_screenshot ("label-owner.png");
  /* A key that names no field changes nothing. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.label-field", "s", "area"));
  g_assert_cmpstr (label_field_state (window), ==, "owner");

  second = mq_window_new (NULL);
  g_assert_cmpint (mq_renderer_get_label_field (mq_map_view_get_renderer (mq_window_get_map_view (second))),
                   ==, MQ_LABEL_FIELD_OWNER);
  g_assert_cmpstr (label_field_state (second), ==, "owner");
  gtk_window_destroy (GTK_WINDOW (second));
  g_settings_reset (settings, "label-field");
  close_project (window, dir);
}

/* Presenting (F5): labels at least 24 pixels and the legend's text 20 on a
 * 1080-line screen, in proportion on this one; back to normal after. */
static void
test_meeting_room_text_size (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *gpkg = copy_sample_project (&dir);
  MqWindow *window = mq_window_new (NULL);
  MqMapView *view = mq_window_get_map_view (window);
  MqRenderer *renderer = mq_map_view_get_renderer (view);
  MqViewport *vp = mq_map_view_get_viewport (view);
  double label_px, legend_px, k;

  gtk_window_present (GTK_WINDOW (window));
  mq_window_open_path (window, gpkg);
  wait_for_dataset (view);
  settle ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.present", NULL));
  settle ();
  k = MAX (1.0, mq_viewport_get_height (vp) / 1080.0);
  mq_renderer_get_text_px (renderer, vp, &label_px, &legend_px);
  g_assert_cmpfloat (label_px, >=, 24 * k - 1e-9);
  g_assert_cmpfloat (legend_px, >=, 20 * k - 1e-9);
  save_screenshot ("meeting-labels.png");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.present", NULL));
  g_assert_false (mq_window_get_presenting (window));
  mq_renderer_get_text_px (renderer, vp, &label_px, &legend_px);
  g_assert_cmpfloat (label_px, <, 20);
  close_project (window, dir);
}

/* ---- #15 four-locks panel ---- */

/* A project window on a copy of the sample, its dataset loaded. */
static MqWindow *
open_sample_project (char **dir,
                     char **gpkg)
{
  MqWindow *window = mq_window_new (NULL);

  *gpkg = copy_sample_project (dir);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 860);
  gtk_window_present (GTK_WINDOW (window));
  mq_window_open_path (window, *gpkg);
  wait_for_dataset (mq_window_get_map_view (window));
  settle ();
  return window;
}

static int
find_parcel (MqWindow *window,
             gboolean (*wanted) (const MqParcel *p),
             int       not)
{
  MqParcels *parcels = live_parcels (mq_window_get_map_view (window));

  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    if ((int) i != not && wanted (mq_parcels_get (parcels, i)))
      return (int) i;
  g_assert_not_reached ();
}

static const MqParcel *
parcel_of (MqWindow *window,
           int       i)
{
  return mq_parcels_get (live_parcels (mq_window_get_map_view (window)), i);
}

static void
select_parcels (MqWindow *window,
                int       a,
                int       b)
{
  MqSelection *selection = mq_map_view_get_selection (mq_window_get_map_view (window));

  mq_selection_select_only (selection, a);
  if (b >= 0)
    mq_selection_toggle (selection, b);
  settle ();
}

/* The question that popped up, answered as the user would; its heading
 * and body are returned to be looked at. */
static char *
answer_dialog (const char *response)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (find_window (ADW_TYPE_MESSAGE_DIALOG));
  char *text = g_strconcat (adw_message_dialog_get_heading (dialog), "\n",
                            adw_message_dialog_get_body (dialog), NULL);

  adw_message_dialog_response (dialog, response);
  gtk_window_destroy (GTK_WINDOW (dialog));
  settle ();
  return text;
}

static gboolean
no_dialog (void)
{
  GListModel *windows = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (windows); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (windows, i);

      if (ADW_IS_MESSAGE_DIALOG (w) && gtk_widget_get_visible (GTK_WIDGET (w)))
        return FALSE;
    }
  return TRUE;
}

static const char *
combo_text (GtkWidget *row)
{
  GListModel *items = adw_combo_row_get_model (ADW_COMBO_ROW (row));

  return gtk_string_list_get_string (GTK_STRING_LIST (items),
                                     adw_combo_row_get_selected (ADW_COMBO_ROW (row)));
}

/* Typing, as keystrokes do it (the entry's own undo records it), then
 * the row's Apply button. */
static void
type_and_apply (GtkWidget  *row,
                const char *text)
{
  int position = 0;

  gtk_editable_delete_text (GTK_EDITABLE (row), 0, -1);
  gtk_editable_insert_text (GTK_EDITABLE (row), text, -1, &position);
  g_signal_emit_by_name (row, "apply");
  settle ();
}

static gboolean
is_done_and_locked (const MqParcel *p)
{
  return p->flagged && p->stage == MQ_STAGE_DONE && mq_parcel_get_locks_held (p) == 4;
}

static gboolean
is_fresh (const MqParcel *p)
{
  return p->flagged && p->stage == MQ_STAGE_NOT_STARTED && p->locks == 0 && p->details->project == NULL &&
         p->deadline == 0;
}

/* A 4/4-locked, finished parcel selected with one not started: every row
 * they disagree on says so (never the default), and a change to such a row
 * is asked first — cancelled it changes nothing, confirmed all of them. */
static void
test_mixed_values (void)
{
  g_autofree char *dir = NULL, *gpkg = NULL, *asked = NULL, *asked_again = NULL;
  MqWindow *window = open_sample_project (&dir, &gpkg);
  GtkWidget *panel = mq_window_get_locks_panel (window);
  GtkWidget *stage = find_named (panel, "stage");
  GtkWidget *project = find_named (panel, "project");
  GtkWidget *deadline = find_named_type (panel, GTK_TYPE_MENU_BUTTON);
  int done = find_parcel (window, is_done_and_locked, -1);
  int fresh = find_parcel (window, is_fresh, -1);

  select_parcels (window, done, fresh);
  for (guint lock = 0; lock < MQ_N_LOCKS; lock++)
    {
      static const char *const names[] = { "lock-parcel", "lock-project", "lock-deadline", "lock-owner" };
      GtkWidget *toggle = find_named (panel, names[lock]);

      g_assert_false (gtk_switch_get_active (GTK_SWITCH (toggle)));
      g_assert_true (gtk_widget_has_css_class (toggle, "mq-mixed"));
    }
  g_assert_cmpstr (combo_text (stage), ==, "Several values");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (project)), ==, "");
  g_assert_cmpstr (gtk_text_get_placeholder_text (GTK_TEXT (gtk_editable_get_delegate (GTK_EDITABLE (project)))),
                   ==, "Several values");
  g_assert_cmpstr (gtk_menu_button_get_label (GTK_MENU_BUTTON (deadline)), ==, "Several values");
  g_assert_nonnull (find_label (panel, "Several values"));
  save_screenshot ("15-mixed.png");

  /* Asked, and cancelled: nothing changed, the row says 多个值 again. */
  adw_combo_row_set_selected (ADW_COMBO_ROW (stage), MQ_STAGE_IN_PROGRESS);
  g_assert_cmpuint (parcel_of (window, done)->stage, ==, MQ_STAGE_DONE);
  asked = answer_dialog ("cancel");
  g_assert_nonnull (strstr (asked, "Change Stage of all 2 parcels to In progress?"));
  g_assert_cmpuint (parcel_of (window, done)->stage, ==, MQ_STAGE_DONE);
  g_assert_cmpuint (parcel_of (window, fresh)->stage, ==, MQ_STAGE_NOT_STARTED);
  g_assert_cmpstr (combo_text (stage), ==, "Several values");

  /* Confirmed: both, as one step. */
  adw_combo_row_set_selected (ADW_COMBO_ROW (stage), MQ_STAGE_IN_PROGRESS);
  g_free (answer_dialog ("apply"));
  g_assert_cmpuint (parcel_of (window, done)->stage, ==, MQ_STAGE_IN_PROGRESS);
  g_assert_cmpuint (parcel_of (window, fresh)->stage, ==, MQ_STAGE_IN_PROGRESS);
  g_assert_cmpstr (combo_text (stage), ==, "In progress");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  settle ();
  g_assert_cmpuint (parcel_of (window, done)->stage, ==, MQ_STAGE_DONE);
  g_assert_cmpuint (parcel_of (window, fresh)->stage, ==, MQ_STAGE_NOT_STARTED);

  /* A mixed entry too: typed and applied, asked, then both have it. */
  type_and_apply (project, "智能制造园");
  asked_again = answer_dialog ("apply");
  g_assert_nonnull (strstr (asked_again, "Project name"));
  g_assert_cmpstr (parcel_of (window, done)->details->project, ==, "智能制造园");
  g_assert_cmpstr (parcel_of (window, fresh)->details->project, ==, "智能制造园");
  g_assert_true (no_dialog ());
  close_project (window, dir);
}

static gboolean
is_unflagged (const MqParcel *p)
{
  return !p->flagged && p->locks == 0;
}

/* The flag switch, for one parcel and for a batch, recorded and undoable
 * like any edit; its reason; and a lock on an unflagged parcel asks to flag
 * it as well, both as one step. */
static void
test_flag_parcels (void)
{
  g_autofree char *dir = NULL, *gpkg = NULL, *asked = NULL;
  MqWindow *window = open_sample_project (&dir, &gpkg);
  MqProject *project = mq_window_get_project (window);
  GtkWidget *panel = mq_window_get_locks_panel (window);
  GtkWidget *flag = find_named (panel, "flagged");
  GtkWidget *reason = find_named (panel, "flag-reason");
  int a = find_parcel (window, is_unflagged, -1);
  int b = find_parcel (window, is_unflagged, a);
  g_autoptr(GPtrArray) history = NULL;

  select_parcels (window, a, -1);
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (flag)));
  g_assert_true (gtk_widget_is_sensitive (flag));
  gtk_switch_set_active (GTK_SWITCH (flag), TRUE);
  settle ();
  g_assert_true (no_dialog ());
  g_assert_true (parcel_of (window, a)->flagged);
  type_and_apply (reason, "高能耗、低产出");
  g_assert_cmpstr (parcel_of (window, a)->details->flag_reason, ==, "高能耗、低产出");
  /* Or ticked from the 三高一低 list, applied as it closes. */
  gtk_menu_button_popup (GTK_MENU_BUTTON (find_named (panel, "reason-menu")));
  settle ();
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (find_named (panel, "reason-0"))));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (find_named (panel, "reason-1")), TRUE);
  gtk_menu_button_popdown (GTK_MENU_BUTTON (find_named (panel, "reason-menu")));
  settle ();
  g_assert_cmpstr (parcel_of (window, a)->details->flag_reason, ==, "高能耗、高污染、低产出");
  history = mq_project_list_history (project, parcel_of (window, a)->id, 10, NULL);
  {
    gboolean flagged_recorded = FALSE;

    for (guint k = 0; k < history->len; k++)
      {
        const MqHistoryEntry *e = g_ptr_array_index (history, k);

        g_test_message ("history: %s %s -> %s", e->field, e->old_value, e->new_value);
        flagged_recorded |= g_str_equal (e->field, mq_field_info (MQ_FIELD_FLAGGED)->key);
      }
    g_assert_true (flagged_recorded);
  }
  for (guint k = 0; k < 3; k++)
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  settle ();
  g_assert_false (parcel_of (window, a)->flagged);
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (flag)));

  /* A batch: both flagged in one step. */
  select_parcels (window, a, b);
  gtk_switch_set_active (GTK_SWITCH (flag), TRUE);
  settle ();
  g_assert_true (parcel_of (window, a)->flagged && parcel_of (window, b)->flagged);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  settle ();
  g_assert_false (parcel_of (window, a)->flagged || parcel_of (window, b)->flagged);

  /* A lock taken on an unflagged parcel asks to flag it too. */
  select_parcels (window, a, -1);
  gtk_switch_set_active (GTK_SWITCH (find_named (panel, "lock-parcel")), TRUE);
  g_assert_false (parcel_of (window, a)->locks & 1);
  asked = answer_dialog ("flag");
  g_assert_nonnull (strstr (asked, "Flag 1 Parcel for Transformation?"));
  g_assert_true (parcel_of (window, a)->flagged);
  g_assert_true (parcel_of (window, a)->locks & 1);
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (flag)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  settle ();
  g_assert_false (parcel_of (window, a)->flagged);
  g_assert_false (parcel_of (window, a)->locks & 1);

  /* Cancelled: the switch goes back, nothing stored. */
  gtk_switch_set_active (GTK_SWITCH (find_named (panel, "lock-parcel")), TRUE);
  g_free (answer_dialog ("cancel"));
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (find_named (panel, "lock-parcel"))));
  g_assert_false (parcel_of (window, a)->locks & 1);
  close_project (window, dir);
}

static gboolean
is_overdue (const MqParcel *p)
{
  return mq_parcel_days_overdue (p, mq_today ()) > 0;
}

static gboolean
is_on_time (const MqParcel *p)
{
  return p->flagged && !mq_parcel_is_overdue (p, mq_today ());
}

/* "已逾期 817 天" in red under the name of an overdue parcel; not for others. */
static void
test_overdue_header (void)
{
  g_autofree char *dir = NULL, *gpkg = NULL, *expected = NULL;
  MqWindow *window = open_sample_project (&dir, &gpkg);
  GtkWidget *panel = mq_window_get_locks_panel (window);
  int late = find_parcel (window, is_overdue, -1);
  GtkWidget *label;

  select_parcels (window, late, -1);
  expected = mq_overdue_text (mq_parcel_days_overdue (parcel_of (window, late), mq_today ()));
  label = find_label (panel, expected);
  g_assert_nonnull (label);
  g_assert_true (gtk_widget_get_visible (label));
  g_assert_true (gtk_widget_has_css_class (label, "mq-overdue"));
  save_screenshot ("15-overdue.png");
  select_parcels (window, find_parcel (window, is_on_time, -1), -1);
  g_assert_false (gtk_widget_get_visible (label));
  close_project (window, dir);
}

static gboolean
is_project_lockable (const MqParcel *p)
{
  return p->flagged && p->details->project != NULL && !(p->locks & (1u << MQ_LOCK_PROJECT));
}

static gboolean
is_without_project (const MqParcel *p)
{
  return p->flagged && p->details->project == NULL && !(p->locks & (1u << MQ_LOCK_PROJECT));
}

/* A batch lock the rules refuse for one parcel: the dialog names it and
 * why, and applies the change to the two others when asked. */
static void
test_batch_refusal (void)
{
  g_autofree char *dir = NULL, *gpkg = NULL;
  MqWindow *window = open_sample_project (&dir, &gpkg);
  GtkWidget *panel = mq_window_get_locks_panel (window);
  MqSelection *selection = mq_map_view_get_selection (mq_window_get_map_view (window));
  int a = find_parcel (window, is_project_lockable, -1);
  int b = find_parcel (window, is_project_lockable, a);
  int bare = find_parcel (window, is_without_project, -1);
  AdwMessageDialog *dialog;

  select_parcels (window, a, b);
  mq_selection_toggle (selection, bare);
  settle ();
  gtk_switch_set_active (GTK_SWITCH (find_named (panel, "lock-project")), TRUE);
  dialog = ADW_MESSAGE_DIALOG (find_window (MQ_TYPE_BATCH_REFUSAL_DIALOG));
  g_assert_false (parcel_of (window, a)->locks & (1u << MQ_LOCK_PROJECT));
  g_assert_nonnull (find_label (GTK_WIDGET (dialog), parcel_of (window, bare)->id));
  g_assert_null (find_label (GTK_WIDGET (dialog), parcel_of (window, a)->id));
  /* Said in the user's language (the screenshot is taken in zh_CN). */
  {
    g_autofree char *rule = g_strdup_printf (g_dgettext (GETTEXT_PACKAGE,
                                                         "%s: the project lock needs a project name"), "");
    const char *why = rule;

    while (*why == ':' || *why == ' ' || g_str_has_prefix (why, "\uff1a"))
      why = g_utf8_next_char (why);
    g_assert_nonnull (find_label (GTK_WIDGET (dialog), why));
  }
  g_assert_nonnull (strstr (adw_message_dialog_get_response_label (dialog, "apply"), " 2 "));
  save_screenshot ("15-refused.png");
  adw_message_dialog_response (dialog, "apply");
  gtk_window_destroy (GTK_WINDOW (dialog));
  settle ();
  g_assert_true (parcel_of (window, a)->locks & (1u << MQ_LOCK_PROJECT));
  g_assert_true (parcel_of (window, b)->locks & (1u << MQ_LOCK_PROJECT));
  g_assert_false (parcel_of (window, bare)->locks & (1u << MQ_LOCK_PROJECT));
  close_project (window, dir);
}

/* How a key press reaches the widgets (GTK's propagation): capture phase
 * from the window down to @target, then bubble phase back up, each widget's
 * shortcuts in turn until one handles it. */
static gboolean
shortcut_in_phase (GtkWidget          *widget,
                   GtkPropagationPhase phase,
                   GtkShortcutTrigger *trigger)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) c = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (c) || gtk_event_controller_get_propagation_phase (c) != phase)
        continue;
      for (guint k = 0; k < g_list_model_get_n_items (G_LIST_MODEL (c)); k++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (c), k);

          if (gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (shortcut), trigger) &&
              gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0, widget,
                                            gtk_shortcut_get_arguments (shortcut)))
            return TRUE;
        }
    }
  return FALSE;
}

static gboolean
press_shortcut (GtkWidget      *target,
                guint           keyval,
                GdkModifierType modifiers)
{
  g_autoptr(GtkShortcutTrigger) trigger = gtk_keyval_trigger_new (keyval, modifiers);
  g_autoptr(GPtrArray) chain = g_ptr_array_new ();

  for (GtkWidget *w = target; w != NULL; w = gtk_widget_get_parent (w))
    g_ptr_array_insert (chain, 0, w);
  for (guint i = 0; i < chain->len; i++)
    if (shortcut_in_phase (g_ptr_array_index (chain, i), GTK_PHASE_CAPTURE, trigger))
      return TRUE;
  for (guint i = chain->len; i > 0; i--)
    if (shortcut_in_phase (g_ptr_array_index (chain, i - 1), GTK_PHASE_BUBBLE, trigger))
      return TRUE;
  return FALSE;
}

/* Ctrl+Z in an entry whose text was applied undoes the project's change,
 * as it does anywhere in the window (the entry used to swallow it). */
static void
test_entry_undo (void)
{
  g_autofree char *dir = NULL, *gpkg = NULL;
  MqWindow *window = open_sample_project (&dir, &gpkg);
  GtkWidget *notes = find_named (mq_window_get_locks_panel (window), "notes");
  GtkWidget *text = GTK_WIDGET (gtk_editable_get_delegate (GTK_EDITABLE (notes)));
  int i = find_parcel (window, is_fresh, -1);
  g_autofree char *before = g_strdup (parcel_of (window, i)->details->notes);

  select_parcels (window, i, -1);
  gtk_widget_grab_focus (text);
  type_and_apply (notes, "会上定的");
  g_assert_cmpstr (parcel_of (window, i)->details->notes, ==, "会上定的");
  g_assert_true (press_shortcut (text, GDK_KEY_z, GDK_CONTROL_MASK));
  settle ();
  g_assert_cmpstr (parcel_of (window, i)->details->notes, ==, before);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (notes)), ==, before ? before : "");
  close_project (window, dir);
}

static gboolean
has_tax (const MqParcel *p)
{
  return !isnan (p->details->tax) && p->details->grade != MQ_GRADE_D;
}

/* Performance per mu in the panel: a tax typed as a tax bureau writes it
 * is stored, the 亩均税收 shown beside it follows from the parcel's land; a
 * class chosen, a 三高一低 switched; a code that fails its check is refused
 * and leaves the file as it was. */
static void
test_performance_panel (void)
{
  g_autofree char *dir = NULL, *gpkg = NULL, *expected = NULL, *stored = NULL;
  MqWindow *window = open_sample_project (&dir, &gpkg);
  GtkWidget *panel = mq_window_get_locks_panel (window);
  GtkWidget *per_mu = find_named (panel, "per-mu");
  int i = find_parcel (window, has_tax, -1);
  double mu;

  select_parcels (window, i, -1);
  mu = parcel_of (window, i)->area_m2 * 15 / 10000;
  type_and_apply (find_named (panel, "tax"), "1,500");
  g_assert_cmpfloat (parcel_of (window, i)->details->tax, ==, 1500);
  expected = g_strdup_printf ("%.2f", 1500 / mu);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (per_mu)), expected));

  adw_combo_row_set_selected (ADW_COMBO_ROW (find_named (panel, "grade")), MQ_GRADE_D);
  settle ();
  g_assert_cmpuint (parcel_of (window, i)->details->grade, ==, MQ_GRADE_D);
  gtk_switch_set_active (GTK_SWITCH (find_named (panel, "high-pollution")),
                         !(parcel_of (window, i)->details->high_low & (1u << MQ_HIGH_POLLUTION)));
  settle ();

  stored = g_strdup (parcel_of (window, i)->details->credit_code);
  type_and_apply (find_named (panel, "credit-code"), "91350100M000100Y44");
  g_assert_cmpstr (parcel_of (window, i)->details->credit_code, ==, stored);
  close_project (window, dir);
}

/* A 控规 layer chosen in the window: read in a worker, previewed as a
 * status table is, applied as one step that Undo takes back. */
static void
test_planning_layer (void)
{
  g_autofree char *dir = NULL, *gpkg = NULL;
  g_autofree char *plan = g_build_filename (g_getenv ("MQ_SAMPLE_DIR"), "maqiao-kongui.gpkg", NULL);
  MqWindow *window = open_sample_project (&dir, &gpkg);
  AdwMessageDialog *dialog;
  g_autofree char *before = g_strdup (parcel_of (window, 0)->details->planned_use);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.apply-planning-from", "s", plan);
  dialog = ADW_MESSAGE_DIALOG (find_window (MQ_TYPE_STATUS_TABLE_DIALOG));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "maqiao-kongui.gpkg"));
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "apply"));
  adw_message_dialog_response (dialog, "apply");
  gtk_window_destroy (GTK_WINDOW (dialog));
  settle ();
  g_assert_nonnull (parcel_of (window, 0)->details->planned_use);
  g_assert_false (isnan (parcel_of (window, 0)->details->planned_far));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL);
  settle ();
  g_assert_cmpstr (parcel_of (window, 0)->details->planned_use, ==, before);
  close_project (window, dir);
}

/* A deadline typed as the minutes have it, or 今天; a lock dated back to
 * the meeting that set it. */
static void
test_dates (void)
{
  g_autofree char *dir = NULL, *gpkg = NULL;
  MqWindow *window = open_sample_project (&dir, &gpkg);
  GtkWidget *panel = mq_window_get_locks_panel (window);
  GtkWidget *typed = find_named (panel, "deadline-entry");
  GtkWidget *lock_date = find_named (panel, "lock-parcel-date");
  int i = find_parcel (window, is_done_and_locked, -1);
  guint32 julian = 0;

  select_parcels (window, i, -1);
  gtk_editable_set_text (GTK_EDITABLE (typed), "2027/5/12");
  g_signal_emit_by_name (typed, "activate");  /* Enter */
  settle ();
  g_assert_true (mq_date_parse ("2027-05-12", &julian));
  g_assert_cmpuint (parcel_of (window, i)->deadline, ==, julian);
  g_signal_emit_by_name (find_named (panel, "deadline-today"), "clicked");
  settle ();
  g_assert_cmpuint (parcel_of (window, i)->deadline, ==, mq_today ());

  g_assert_true (gtk_widget_is_sensitive (lock_date));
  type_and_apply (lock_date, "2025-03-01");
  g_assert_true (mq_date_parse ("2025-03-01", &julian));
  g_assert_cmpuint (parcel_of (window, i)->details->lock_date[MQ_LOCK_PARCEL], ==, julian);
  g_assert_true (parcel_of (window, i)->locks & (1u << MQ_LOCK_PARCEL));
  close_project (window, dir);
}

/* A survey file (no project): the panel still names the parcel selected. */
static void
test_survey_title (void)
{
  g_autofree char *shp = g_build_filename (g_getenv ("MQ_SAMPLE_DIR"), "maqiao-survey.shp", NULL);
  MqWindow *window = mq_window_new (NULL);
  GtkWidget *panel = mq_window_get_locks_panel (window);

  gtk_window_present (GTK_WINDOW (window));
  mq_window_open_path (window, shp);
  wait_for_dataset (mq_window_get_map_view (window));
  settle ();
  g_assert_false (mq_project_get_has_store (mq_window_get_project (window)));
  select_parcels (window, 3, -1);
  g_assert_nonnull (find_label (panel, parcel_of (window, 3)->id));
  g_assert_null (find_label (panel, "No parcel selected"));
  save_screenshot ("15-survey-title.png");
  gtk_window_destroy (GTK_WINDOW (window));
  settle ();
}

/* Cancel on the loading page: the load stops, the map and the request of
 * what was shown stay (#19). */
static void
test_open_cancel (void)
{
  g_autofree char *shp = g_build_filename (g_getenv ("MQ_SAMPLE_DIR"), "maqiao-survey.shp", NULL);
  g_autofree char *gpkg = g_build_filename (g_getenv ("MQ_SAMPLE_DIR"), "maqiao.gpkg", NULL);
  MqWindow *window = mq_window_new (NULL);
  MqProject *project = mq_window_get_project (window);
  MqDataset *shown;
  double progress;

  gtk_window_present (GTK_WINDOW (window));
  mq_window_open_path (window, shp);
  wait_for_dataset (mq_window_get_map_view (window));
  shown = mq_project_get_dataset (project);
  mq_window_open_path (window, gpkg);
  g_assert_true (mq_project_get_loading (project));
  progress = mq_project_get_progress (project);
  g_assert_true (progress == -1 || (progress >= 0 && progress <= 1));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.cancel-open", NULL);
  g_assert_false (mq_project_get_loading (project));
  g_assert_cmpfloat (mq_project_get_progress (project), ==, -1);
  g_assert_true (mq_project_get_dataset (project) == shown);
  g_assert_cmpstr (mq_project_get_request (project)->path, ==, shp);
  settle ();
  g_assert_true (mq_project_get_dataset (project) == shown);
  gtk_window_destroy (GTK_WINDOW (window));
  settle ();
}

/* ---- #15 misc: quitting, data problems, labels, settings ---- */

/* A file beside the project: SQLite's -wal or -shm. */
static gboolean
side_file_exists (const char *gpkg,
                  const char *suffix)
{
  g_autofree char *side = g_strconcat (gpkg, suffix, NULL);

  return g_file_test (side, G_FILE_TEST_EXISTS);
}

/* The .gpkg alone, copied elsewhere as a planner would mail it, then read. */
static MqDataset *
load_file_alone (const char *gpkg)
{
  g_autofree char *dir = g_dir_make_tmp ("mq-gui-alone-XXXXXX", NULL);
  g_autofree char *copy = g_build_filename (dir, "alone.gpkg", NULL);
  g_autofree char *bytes = NULL;
  g_autoptr(GError) error = NULL;
  MqDataset *dataset;
  gsize length;

  g_assert_true (g_file_get_contents (gpkg, &bytes, &length, NULL));
  g_assert_true (g_file_set_contents (copy, bytes, length, NULL));
  dataset = mq_dataset_load (copy, NULL, NULL, &error);
  g_assert_no_error (error);
  test_remove_dir (dir);
  return dataset;
}

/* Makes an edit in the window: parcel i gets the method "quality". */
static guint
edit_a_parcel (MqWindow *window)
{
  MqMapView *view = mq_window_get_map_view (window);
  MqParcelModel *model = mq_locks_panel_get_model (MQ_LOCKS_PANEL (mq_window_get_locks_panel (window)));
  guint i;

  wait_for_dataset (view);
  for (i = 0; mq_parcels_get (live_parcels (view), i)->method == MQ_METHOD_QUALITY; i++)
    ;
  mq_selection_select_only (mq_map_view_get_selection (view), i);
  settle ();
  g_object_set (model, "method", (guint) MQ_METHOD_QUALITY, NULL);
  settle ();
  g_assert_cmpuint (mq_parcels_get (live_parcels (view), i)->method, ==, MQ_METHOD_QUALITY);
  return i;
}

/* Left, the project is whole: no side file, the edit in the .gpkg alone. */
static void
assert_closed_with_edit (const char *gpkg,
                         guint       i)
{
  g_autoptr(MqDataset) reread = NULL;

  g_assert_false (side_file_exists (gpkg, "-wal"));
  g_assert_false (side_file_exists (gpkg, "-shm"));
  reread = load_file_alone (gpkg);
  g_assert_cmpuint (mq_parcels_get (mq_dataset_get_parcels (reread), i)->method, ==,
                    MQ_METHOD_QUALITY);
}

/* Ctrl+Q (app.quit) with an edit made: the window closes through its own
 * close path (its size is remembered) and the project is one file again. */
static void
test_quit_closes_project (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *gpkg = copy_sample_project (&dir);
  g_autoptr(MqApplication) app = mq_application_new ();
  g_autoptr(GSettings) settings = mq_settings_new ();
  g_autoptr(GError) error = NULL;
  MqWindow *window;
  guint i;

  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  window = mq_window_new (GTK_APPLICATION (app));
  gtk_window_set_default_size (GTK_WINDOW (window), 1234, 789);
  gtk_window_present (GTK_WINDOW (window));
  mq_window_open_path (window, gpkg);
  i = edit_a_parcel (window);
  g_assert_true (side_file_exists (gpkg, "-wal"));

  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  settle ();
  g_assert_null (gtk_application_get_windows (GTK_APPLICATION (app)));
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 1234);
  assert_closed_with_edit (gpkg, i);
  test_remove_dir (dir);
}

typedef struct
{
  GtkApplication *app;
  void          (*leave) (GtkApplication *app);
  guint           edited;
} LeaveRun;

static void
leave_by_sigterm (GtkApplication *app)
{
  raise (SIGTERM);
}

/* As GtkApplication does when the session manager says EndSession or Stop. */
static void
leave_by_session_end (GtkApplication *app)
{
  g_application_quit (G_APPLICATION (app));
}

static gboolean
edit_then_leave (gpointer data)
{
  LeaveRun *run = data;
  GList *windows = gtk_application_get_windows (run->app);

  if (windows == NULL)
    return G_SOURCE_CONTINUE;   /* open() has not made it yet */
  run->edited = edit_a_parcel (windows->data);
  run->leave (run->app);
  return G_SOURCE_REMOVE;
}

/* The app run as main.c runs it on a project, an edit made, then left by a
 * SIGTERM or by the session's end: the project is one file again. */
static void
run_and_leave (void (*leave) (GtkApplication *app))
{
  g_autofree char *dir = NULL;
  g_autofree char *gpkg = copy_sample_project (&dir);
  g_autoptr(MqApplication) app = mq_application_new ();
  char *argv[] = { (char *) "maqiao-land", gpkg, NULL };
  LeaveRun run = { GTK_APPLICATION (app), leave, G_MAXUINT };

  g_idle_add (edit_then_leave, &run);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 2, argv), ==, 0);
  g_assert_cmpuint (run.edited, !=, G_MAXUINT);
  g_assert_null (gtk_application_get_windows (GTK_APPLICATION (app)));
  assert_closed_with_edit (gpkg, run.edited);
  test_remove_dir (dir);
}

static void
test_sigterm_closes_project (void)
{
  run_and_leave (leave_by_sigterm);
}

static void
test_session_end_closes_project (void)
{
  run_and_leave (leave_by_session_end);
}

/* The Data Problems dialog on the sample survey: a row shows the figures
 * the area check compared (计算 / 调查 / 差), and a click selects the parcel
 * and flies the map to it. */
static void
test_problems_zoom_figures (void)
{
  g_autofree char *shp = g_build_filename (g_getenv ("MQ_SAMPLE_DIR"), "maqiao-survey.shp", NULL);
  MqWindow *window = mq_window_new (NULL);
  MqMapView *view = mq_window_get_map_view (window);
  MqViewport *viewport = mq_map_view_get_viewport (view);
  GtkWidget *scrolled, *list;
  GtkListBoxRow *row;
  AdwMessageDialog *dialog;
  const MqParcel *p;
  MqBox bbox;
  MqBox before, after;
  guint index = 0;
  g_autofree char *computed = NULL, *surveyed = NULL;

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 860);
  gtk_window_present (GTK_WINDOW (window));
  mq_window_open_path (window, shp);
  wait_for_dataset (view);
  settle ();
  mq_viewport_get_visible_box (viewport, &before);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.problems", NULL));
  dialog = message_dialog ();
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  scrolled = adw_message_dialog_get_extra_child (dialog);
  list = gtk_viewport_get_child (GTK_VIEWPORT (gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled))));
  row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 0);
  while (g_strcmp0 (mq_parcels_get (live_parcels (view), index)->id,
                    adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row))) != 0)
    index++;
  p = mq_parcels_get (live_parcels (view), index);
  g_assert_false (isnan (p->survey_area_m2));
  computed = g_strdup_printf ("%.2f", p->area_m2 / MQ_M2_PER_MU);
  surveyed = g_strdup_printf ("%.2f", p->survey_area_m2 / MQ_M2_PER_MU);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), computed));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), surveyed));
  save_screenshot ("problems-figures.png");

  g_assert_true (gtk_widget_activate (GTK_WIDGET (row)));
  settle ();
  g_assert_null (dialog);
  save_screenshot ("problems-zoomed.png");
  g_assert_cmpuint (mq_selection_get_n (mq_map_view_get_selection (view)), ==, 1);
  g_assert_true (mq_selection_contains (mq_map_view_get_selection (view), index));
  mq_viewport_get_visible_box (viewport, &after);
  bbox = mq_shapes_get_bbox (mq_parcels_get_shapes (live_parcels (view)), index);
  g_assert_cmpfloat (after.max_x - after.min_x, <, (before.max_x - before.min_x) / 4);
  g_assert_cmpfloat (after.min_x, <=, bbox.min_x);
  g_assert_cmpfloat (after.max_x, >=, bbox.max_x);
  g_assert_cmpfloat (after.min_y, <=, bbox.min_y);
  g_assert_cmpfloat (after.max_y, >=, bbox.max_y);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Rows of a widget tree whose title is @title. */
static gboolean
has_row_titled (GtkWidget  *root,
                const char *title)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if ((ADW_IS_PREFERENCES_ROW (child) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (child)), title) == 0) ||
        has_row_titled (child, title))
      return TRUE;
  return FALSE;
}

/* The 属性 tab names a survey's columns by what they mean, then as the file
 * does: "权属单位 (QLR)", not the bare QLR. */
static void
test_identify_field_aliases (void)
{
  g_autofree char *shp = g_build_filename (g_getenv ("MQ_SAMPLE_DIR"), "maqiao-survey.shp", NULL);
  MqWindow *window = mq_window_new (NULL);
  MqMapView *view = mq_window_get_map_view (window);
  GtkWidget *panel = mq_window_get_identify_panel (window);
  const MqFieldMap *map;
  const char * const *names;
  g_autofree char *owner = NULL, *id = NULL;

  gtk_window_present (GTK_WINDOW (window));
  mq_window_open_path (window, shp);
  wait_for_dataset (view);
  map = mq_dataset_get_field_map (mq_map_view_get_dataset (view));
  names = mq_parcels_get_field_names (live_parcels (view));
  g_assert_cmpint (map->index[MQ_FIELD_OWNER], >=, 0);
  owner = g_strdup_printf ("%s (%s)", mq_field_label (MQ_FIELD_OWNER), names[map->index[MQ_FIELD_OWNER]]);
  id = g_strdup_printf ("%s (%s)", mq_field_label (MQ_FIELD_ID), names[map->index[MQ_FIELD_ID]]);
  mq_selection_select_only (mq_map_view_get_selection (view), 0);
  settle ();
  g_assert_true (has_row_titled (panel, owner));
  g_assert_true (has_row_titled (panel, id));
  g_assert_false (has_row_titled (panel, names[map->index[MQ_FIELD_OWNER]]));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Settings that cannot be saved (a read-only backend: GIO's "null", as
 * under a locked-down or read-only home): the window stays usable and the
 * theme menu still switches the map's theme. Run in a child of its own, as
 * the settings backend is chosen once per process. */
static void
theme_without_saving (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *gpkg = copy_sample_project (&dir);
  MqWindow *window = mq_window_new (NULL);
  MqMapView *view = mq_window_get_map_view (window);
  g_autofree char *theme = NULL;

  gtk_window_present (GTK_WINDOW (window));
  mq_window_open_path (window, gpkg);
  wait_for_dataset (view);
  settle ();
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (view)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.theme", "s", "method"));
  settle ();
  g_object_get (window, "theme", &theme, NULL);
  g_assert_cmpstr (theme, ==, "method");
  g_assert_cmpint (mq_renderer_get_theme (mq_map_view_get_renderer (view)), ==, MQ_THEME_METHOD);
  close_project (window, dir);
}

static void
test_theme_read_only_settings (void)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  const char *argv[] = { exe, "-p", "/gui/theme-read-only-settings", NULL };
  g_auto(GStrv) envp = g_get_environ ();
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (g_getenv ("MQ_TEST_READ_ONLY_CHILD") != NULL)
    {
      theme_without_saving ();
      return;
    }
  envp = g_environ_setenv (envp, "GSETTINGS_BACKEND", "null", TRUE);
  envp = g_environ_setenv (envp, "MQ_TEST_READ_ONLY_CHILD", "1", TRUE);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                               NULL, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("the child without saved settings failed:\n%s", err);
}

/* ---- #15 map navigation and the meeting room ---- */

/* Animated zooms would land a few frames later; these tests read the
 * viewport at once. */
static void
no_animations (void)
{
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
}

static MqWindow *
open_sample_window (int width,
                    int height)
{
  g_autofree char *gpkg = mq_core_dup_sample_path ();
  MqWindow *window = mq_window_new (NULL);

  no_animations ();
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));
  mq_window_open_path (window, gpkg);
  wait_for_dataset (mq_window_get_map_view (window));
  settle ();
  return window;
}

/* A click on a sensitive button (gtk_widget_activate() would emit
 * "clicked" only after the pressed look's timeout). */
static void
click_button (GtkWidget *button)
{
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

/* A key pressed where the focus is, as it bubbles up through the map page. */
static gboolean
page_key (MqWindow        *window,
          guint            keyval,
          GdkModifierType  state)
{
  GtkWidget *page = find_named (GTK_WIDGET (window), "map-page");
  gboolean handled = FALSE;

  g_assert_nonnull (page);
  g_signal_emit_by_name (find_controller (page, GTK_TYPE_EVENT_CONTROLLER_KEY), "key-pressed", keyval, 0u,
                         state, &handled);
  return handled;
}

/* A parcel whose middle is on screen and is its own (a click there hits it);
 * with @overdue, one overdue today. */
static int
parcel_in_view (MqMapView *view,
                gboolean   overdue,
                double    *sx,
                double    *sy)
{
  MqParcels *parcels = mq_dataset_get_parcels (mq_map_view_get_dataset (view));
  MqViewport *vp = mq_map_view_get_viewport (view);

  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    {
      const MqBox b = mq_shapes_get_bbox (mq_parcels_get_shapes (parcels), i);
      double mx = (b.min_x + b.max_x) / 2, my = (b.min_y + b.max_y) / 2;

      if (overdue && !mq_parcel_is_overdue (mq_parcels_get (parcels, i), mq_today ()))
        continue;
      mq_viewport_map_to_screen (vp, mx, my, sx, sy);
      if (*sx > 40 && *sy > 40 && *sx < mq_viewport_get_width (vp) - 40 &&
          *sy < mq_viewport_get_height (vp) - 40 && mq_parcels_hit_test (parcels, mx, my) == (int) i)
        return i;
    }
  return -1;
}

static void
assert_view (MqViewport *vp,
             double      x,
             double      y,
             double      res)
{
  double cx, cy;

  mq_viewport_get_center (vp, &cx, &cy);
  g_assert_cmpfloat_with_epsilon (mq_viewport_get_resolution (vp), res, res * 1e-9);
  g_assert_cmpfloat_with_epsilon (cx, x, res * 1e-6);
  g_assert_cmpfloat_with_epsilon (cy, y, res * 1e-6);
}

/* The map's keys work with the focus on a button over the map; a text
 * entry keeps its keys; a click on the map gives it the focus. */
static void
test_nav_keys_anywhere (void)
{
  MqWindow *window = open_sample_window (1100, 800);
  MqMapView *view = mq_window_get_map_view (window);
  MqViewport *vp = mq_map_view_get_viewport (view);
  MqSelection *selection = mq_map_view_get_selection (view);
  GtkWidget *button = find_named (GTK_WIDGET (window), "zoom-all-button");
  GtkWidget *text = find_named_type (find_named_type (GTK_WIDGET (window), MQ_TYPE_FILTER_BAR), GTK_TYPE_TEXT);
  MqBox b;
  double all_x, all_y, all_res, x, y, sx, sy;
  int parcel;

  g_assert_nonnull (button);
  g_assert_nonnull (text);
  mq_map_view_zoom_to_all (view);
  mq_viewport_get_center (vp, &all_x, &all_y);
  all_res = mq_viewport_get_resolution (vp);

  gtk_widget_grab_focus (button);
  g_assert_true (gtk_widget_has_focus (button));
  g_assert_true (page_key (window, GDK_KEY_plus, GDK_SHIFT_MASK));
  assert_view (vp, all_x, all_y, all_res / 1.5);
  g_assert_true (page_key (window, GDK_KEY_Right, 0));
  assert_view (vp, all_x + 0.2 * mq_viewport_get_width (vp) * all_res / 1.5, all_y, all_res / 1.5);
  g_assert_true (page_key (window, GDK_KEY_minus, 0));
  g_assert_true (page_key (window, GDK_KEY_Home, 0));
  assert_view (vp, all_x, all_y, all_res);

  /* "." fits the selection: the parcel in the middle. */
  parcel = parcel_in_view (view, FALSE, &sx, &sy);
  g_assert_cmpint (parcel, >=, 0);
  mq_selection_select_only (selection, parcel);
  gtk_widget_grab_focus (button);
  g_assert_true (page_key (window, GDK_KEY_period, 0));
  b = mq_shapes_get_bbox (mq_parcels_get_shapes (mq_dataset_get_parcels (mq_map_view_get_dataset (view))), parcel);
  mq_viewport_get_center (vp, &x, &y);
  g_assert_cmpfloat_with_epsilon (x, (b.min_x + b.max_x) / 2, 1e-6);
  g_assert_cmpfloat_with_epsilon (y, (b.min_y + b.max_y) / 2, 1e-6);
  g_assert_cmpfloat (mq_viewport_get_resolution (vp), <, all_res);
  /* Esc clears the selection. */
  gtk_widget_grab_focus (button);
  g_assert_true (page_key (window, GDK_KEY_Escape, 0));
  g_assert_cmpuint (mq_selection_get_n (selection), ==, 0);

  /* In the search entry "+" is a character, not a zoom. */
  gtk_widget_grab_focus (text);
  g_assert_true (gtk_widget_has_focus (text));
  x = mq_viewport_get_resolution (vp);
  g_assert_false (page_key (window, GDK_KEY_plus, GDK_SHIFT_MASK));
  g_assert_cmpfloat (mq_viewport_get_resolution (vp), ==, x);

  /* A click on the map takes the focus from the entry. */
  g_signal_emit_by_name (find_controller (GTK_WIDGET (view), GTK_TYPE_GESTURE_CLICK), "pressed", 1, 300.0, 200.0);
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (view)));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The buttons over the map, and previous / next extent as in QGIS. */
static void
test_nav_buttons_history (void)
{
  static const char *const names[] = {
    "zoom-in-button", "zoom-out-button", "zoom-all-button", "zoom-selection-button",
    "zoom-previous-button", "zoom-next-button",
  };
  MqWindow *window = open_sample_window (1100, 800);
  MqMapView *view = mq_window_get_map_view (window);
  MqViewport *vp = mq_map_view_get_viewport (view);
  GtkWidget *button[G_N_ELEMENTS (names)];
  double all_x, all_y, all_res, in_x, in_y, in_res, pan_x, pan_y, sx, sy;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      button[i] = find_named (GTK_WIDGET (window), names[i]);
      g_assert_nonnull (button[i]);
      g_assert_true (gtk_widget_is_drawable (button[i]));
      g_assert_true (g_str_has_suffix (gtk_button_get_icon_name (GTK_BUTTON (button[i])), "-symbolic"));
      g_assert_nonnull (gtk_widget_get_tooltip_text (button[i]));
    }
  mq_map_view_zoom_to_all (view);
  settle ();
  mq_viewport_get_center (vp, &all_x, &all_y);
  all_res = mq_viewport_get_resolution (vp);
  g_assert_false (gtk_widget_get_sensitive (button[3]));   /* nothing selected */
  g_assert_false (gtk_widget_get_sensitive (button[5]));   /* nothing ahead */

  click_button (button[0]);
  settle ();
  mq_viewport_get_center (vp, &in_x, &in_y);
  in_res = mq_viewport_get_resolution (vp);
  g_assert_cmpfloat_with_epsilon (in_res, all_res / 1.5, all_res * 1e-9);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "map.pan", "(dd)", 0.2, 0.0));
  settle ();
  mq_viewport_get_center (vp, &pan_x, &pan_y);

  /* Back twice to the whole zone, forward twice to the pan. */
  g_assert_true (gtk_widget_get_sensitive (button[4]));
  click_button (button[4]);
  assert_view (vp, in_x, in_y, in_res);
  click_button (button[4]);
  assert_view (vp, all_x, all_y, all_res);
  g_assert_false (gtk_widget_get_sensitive (button[4]));
  g_assert_true (gtk_widget_get_sensitive (button[5]));
  click_button (button[5]);
  assert_view (vp, in_x, in_y, in_res);
  g_assert_true (page_key (window, GDK_KEY_Right, GDK_ALT_MASK));
  assert_view (vp, pan_x, pan_y, in_res);
  g_assert_true (page_key (window, GDK_KEY_Left, GDK_ALT_MASK));
  assert_view (vp, in_x, in_y, in_res);

  /* A new move from the middle of the history drops what lay ahead. */
  click_button (button[1]);
  settle ();
  g_assert_false (gtk_widget_get_sensitive (button[5]));
  click_button (button[2]);
  assert_view (vp, all_x, all_y, all_res);

  /* With a selection, the button fits it. */
  mq_selection_select_only (mq_map_view_get_selection (view), parcel_in_view (view, FALSE, &sx, &sy));
  g_assert_true (gtk_widget_get_sensitive (button[3]));
  click_button (button[3]);
  g_assert_cmpfloat (mq_viewport_get_resolution (vp), <, all_res);
  save_screenshot ("map-buttons.png");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The status line's scale: current whatever moved the map, and typed. */
static void
test_nav_scale_entry (void)
{
  MqWindow *window = open_sample_window (1100, 800);
  MqMapView *view = mq_window_get_map_view (window);
  MqViewport *vp = mq_map_view_get_viewport (view);
  GtkWidget *entry = find_named (GTK_WIDGET (window), "scale-entry");
  static const struct { const char *typed; double scale; } typed[] = {
    { "1:5000", 5000 }, { "2500", 2500 }, { "1：10,000", 10000 }, { " 1 / 1250 ", 1250 },
  };
  g_autofree char *shown = NULL;
  double scale;

  g_assert_nonnull (entry);
  for (guint i = 0; i < G_N_ELEMENTS (typed); i++)
    {
      gtk_editable_set_text (GTK_EDITABLE (entry), typed[i].typed);
      g_signal_emit_by_name (entry, "activate");
      g_assert_cmpfloat_with_epsilon (mq_viewport_get_scale (vp), typed[i].scale, 1e-6);
      g_assert_false (gtk_widget_has_css_class (entry, "error"));
    }
  gtk_editable_set_text (GTK_EDITABLE (entry), "1:abc");
  g_signal_emit_by_name (entry, "activate");
  g_assert_cmpfloat_with_epsilon (mq_viewport_get_scale (vp), 1250, 1e-6);
  g_assert_true (gtk_widget_has_css_class (entry, "error"));

  /* Kept current: a key, and the meeting room (F5) in and out. */
  gtk_widget_grab_focus (GTK_WIDGET (view));
  g_assert_true (page_key (window, GDK_KEY_minus, 0));
  shown = g_strdup_printf ("1:%.0f", mq_viewport_get_scale (vp));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, shown);
  scale = mq_viewport_get_scale (vp);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.present", NULL));
  settle ();
  g_assert_cmpfloat (fabs (mq_viewport_get_scale (vp) - scale), >, 1);
  g_clear_pointer (&shown, g_free);
  shown = g_strdup_printf ("1:%.0f", mq_viewport_get_scale (vp));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, shown);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.present", NULL));
  settle ();
  g_clear_pointer (&shown, g_free);
  shown = g_strdup_printf ("1:%.0f", mq_viewport_get_scale (vp));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, shown);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Until the map widget is @width wide, or any width but @width with @other. */
static void
wait_for_width (MqMapView *view,
                int        width,
                gboolean   other)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;
  guint tick = g_timeout_add (100, keep_ticking, NULL);

  while (((gtk_widget_get_width (GTK_WIDGET (view)) == width) == other) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  g_assert_true ((gtk_widget_get_width (GTK_WIDGET (view)) == width) != other);
  settle ();
}

static void
wait_for_height (MqMapView *view,
                 int        height)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;
  guint tick = g_timeout_add (100, keep_ticking, NULL);

  while (gtk_widget_get_height (GTK_WIDGET (view)) != height && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (view)), ==, height);
  settle ();
}

/* The side panel opens without moving the map under the pointer, and
 * closes with its button or Esc, the selection kept. */
static void
test_nav_side_panel (void)
{
  MqWindow *window = open_sample_window (1100, 800);
  MqMapView *view = mq_window_get_map_view (window);
  MqViewport *vp = mq_map_view_get_viewport (view);
  MqSelection *selection = mq_map_view_get_selection (view);
  GtkRevealer *revealer = GTK_REVEALER (gtk_widget_get_ancestor (mq_window_get_identify_panel (window),
                                                                 GTK_TYPE_REVEALER));
  GtkWidget *close = find_named (GTK_WIDGET (window), "panel-close-button");
  int width = gtk_widget_get_width (GTK_WIDGET (view));
  GtkEventController *drag;
  double x0, y0, x1, y1, sx, sy;
  int parcel;

  g_assert_nonnull (close);
  g_assert_false (gtk_revealer_get_reveal_child (revealer));
  mq_viewport_screen_to_map (vp, 300, 200, &x0, &y0);
  parcel = parcel_in_view (view, FALSE, &sx, &sy);
  mq_selection_select_only (selection, parcel);
  g_assert_true (gtk_revealer_get_reveal_child (revealer));
  wait_for_width (view, width, TRUE);
  mq_viewport_screen_to_map (vp, 300, 200, &x1, &y1);
  g_assert_cmpfloat_with_epsilon (x1, x0, 1e-6 * mq_viewport_get_resolution (vp));
  g_assert_cmpfloat_with_epsilon (y1, y0, 1e-6 * mq_viewport_get_resolution (vp));
  save_screenshot ("side-panel.png");

  /* The button closes it; the parcel stays selected; the map stays put. */
  g_assert_true (gtk_widget_get_sensitive (close));
  click_button (close);
  g_assert_false (gtk_revealer_get_reveal_child (revealer));
  g_assert_true (mq_selection_contains (selection, parcel));
  wait_for_width (view, width, FALSE);
  mq_viewport_screen_to_map (vp, 300, 200, &x1, &y1);
  g_assert_cmpfloat_with_epsilon (x1, x0, 1e-6 * mq_viewport_get_resolution (vp));

  /* A click on the parcel opens it again (the selection as it was); Esc
   * inside it closes it, the focus back on the map. */
  drag = find_controller (GTK_WIDGET (view), GTK_TYPE_GESTURE_DRAG);
  g_signal_emit_by_name (drag, "drag-begin", sx, sy);
  g_signal_emit_by_name (drag, "drag-end", 0.0, 0.0);
  g_assert_true (mq_selection_contains (selection, parcel));
  g_assert_true (gtk_revealer_get_reveal_child (revealer));
  wait_for_width (view, width, TRUE);
  gtk_widget_grab_focus (close);
  g_assert_true (gtk_widget_has_focus (close));
  g_assert_true (page_key (window, GDK_KEY_Escape, 0));
  g_assert_false (gtk_revealer_get_reveal_child (revealer));
  g_assert_true (mq_selection_contains (selection, parcel));
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (view)));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The hover tooltip of an overdue parcel says for how long, in red. */
static void
test_nav_tooltip_overdue (void)
{
  MqWindow *window = open_sample_window (1100, 800);
  MqMapView *view = mq_window_get_map_view (window);
  MqParcels *parcels = mq_dataset_get_parcels (mq_map_view_get_dataset (view));
  g_autofree char *markup = NULL;
  g_autofree char *overdue = NULL;
  double sx, sy;
  int parcel = parcel_in_view (view, TRUE, &sx, &sy);

  g_assert_cmpint (parcel, >=, 0);
  markup = mq_map_view_dup_tooltip_markup (view, sx, sy);
  overdue = mq_overdue_text (mq_parcel_days_overdue (mq_parcels_get (parcels, parcel), mq_today ()));
  g_assert_nonnull (markup);
  g_assert_true (pango_parse_markup (markup, -1, 0, NULL, NULL, NULL, NULL));
  g_assert_nonnull (strstr (markup, mq_parcels_get (parcels, parcel)->id));
  g_assert_nonnull (strstr (markup, "<span foreground="));
  g_assert_nonnull (strstr (markup, overdue));
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
label_says (GtkWidget  *root,
            const char *text)
{
  if (GTK_IS_LABEL (root) && strstr (gtk_label_get_text (GTK_LABEL (root)), text) != NULL)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (label_says (child, text))
      return TRUE;
  return FALSE;
}

/* Whether a toast saying @text is on screen: the overlay's children are its
 * content, then one per toast shown. */
static gboolean
toast_shown (MqWindow   *window,
             const char *text)
{
  GtkWidget *overlay = find_named_type (GTK_WIDGET (window), ADW_TYPE_TOAST_OVERLAY);

  for (GtkWidget *child = gtk_widget_get_next_sibling (gtk_widget_get_first_child (overlay)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (label_says (child, text))
      return TRUE;
  return FALSE;
}

/* A toast waits its turn behind one on screen. */
static void
wait_for_toast (MqWindow   *window,
                const char *text)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;
  guint tick = g_timeout_add (100, keep_ticking, NULL);

  while (!toast_shown (window, text) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  g_assert_true (toast_shown (window, text));
}

/* Until no toast is on screen (the one opening a file may show): a new one
 * would otherwise queue behind it, shown or held alike. */
static void
wait_for_no_toast (MqWindow *window)
{
  GtkWidget *overlay = find_named_type (GTK_WIDGET (window), ADW_TYPE_TOAST_OVERLAY);
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;
  guint tick = g_timeout_add (100, keep_ticking, NULL);

  while (gtk_widget_get_next_sibling (gtk_widget_get_first_child (overlay)) != NULL &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  g_assert_null (gtk_widget_get_next_sibling (gtk_widget_get_first_child (overlay)));
}

/* F5 fits the zone clear of the title card and legend; toasts wait; the
 * card shows how long a parcel is overdue and where it lies; Esc (leaving)
 * comes back to the view from before. */
static void
test_present_meeting_room (void)
{
  /* A projector's screen: the cards leave the middle free. */
  MqWindow *window = open_sample_window (1560, 1080);
  MqMapView *view = mq_window_get_map_view (window);
  MqViewport *vp = mq_map_view_get_viewport (view);
  MqDataset *dataset = mq_map_view_get_dataset (view);
  MqParcels *parcels = mq_dataset_get_parcels (dataset);
  GtkWidget *title = NULL, *overdue_label = find_named (GTK_WIDGET (window), "present-overdue-label");
  MqLocator *locator = MQ_LOCATOR (find_named_type (GTK_WIDGET (window), MQ_TYPE_LOCATOR));
  graphene_rect_t card;
  double before_x, before_y, before_res, left, top, right, bottom, lw, lh, x, y;
  int height = gtk_widget_get_height (GTK_WIDGET (view)), shown = -1;
  MqBox zone;

  g_assert_nonnull (overdue_label);
  g_assert_nonnull (locator);
  /* The four locks' legend, whatever theme an earlier test left behind:
   * a wider one leaves no room beside the parcel card. */
  g_object_set (window, "theme", "locks", NULL);
  mq_viewport_zoom_at (vp, 3.0, 200, 150);
  settle ();
  mq_viewport_screen_to_map (vp, 0, 0, &before_x, &before_y);
  before_res = mq_viewport_get_resolution (vp);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.present", NULL));
  settle ();
  /* The zone's corners fall below the title card and left of the legend. */
  for (GtkWidget *w = gtk_widget_get_first_child (gtk_widget_get_parent (GTK_WIDGET (view))); w != NULL;
       w = gtk_widget_get_next_sibling (w))
    if (gtk_widget_get_visible (w) && GTK_IS_BOX (w) && gtk_widget_get_valign (w) == GTK_ALIGN_START)
      title = w;
  g_assert_nonnull (title);
  g_assert_true (gtk_widget_compute_bounds (title, GTK_WIDGET (view), &card));
  mq_dataset_get_extent (dataset, &zone);
  mq_viewport_map_to_screen (vp, zone.min_x, zone.max_y, &left, &top);
  mq_viewport_map_to_screen (vp, zone.max_x, zone.min_y, &right, &bottom);
  mq_furniture_legend_size (mq_renderer_get_theme (mq_map_view_get_renderer (view)), TRUE,
                            mq_renderer_get_furniture_scale (mq_map_view_get_renderer (view),
                                                             mq_viewport_get_height (vp)),
                            &lw, &lh);
  g_assert_cmpfloat (top, >=, card.origin.y + card.size.height);
  g_assert_cmpfloat (right, <=, mq_viewport_get_width (vp) - lw - 14);
  g_assert_cmpfloat (left, >=, 0);
  g_assert_cmpfloat (bottom, <=, mq_viewport_get_height (vp));

  /* A toast while presenting waits for the end of the meeting. */
  wait_for_no_toast (window);
  g_signal_emit_by_name (mq_window_get_project (window), "changed-elsewhere", "/tmp/elsewhere.gpkg");
  g_assert_false (toast_shown (window, "elsewhere.gpkg"));
  /* So does the Undo offer after a batch edit. */
  g_signal_emit_by_name (mq_locks_panel_get_model (MQ_LOCKS_PANEL (mq_window_get_locks_panel (window))), "applied", 3);
  g_assert_false (toast_shown (window, "Changed 3"));

  /* Step to an overdue parcel: its card says so in red; the inset marks it. */
  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    {
      shown = mq_window_present_step (window, 1);
      g_assert_cmpint (shown, >=, 0);
      if (mq_parcel_is_overdue (mq_parcels_get (parcels, shown), mq_today ()))
        break;
    }
  g_assert_true (mq_parcel_is_overdue (mq_parcels_get (parcels, shown), mq_today ()));
  {
    g_autofree char *overdue = mq_overdue_text (mq_parcel_days_overdue (mq_parcels_get (parcels, shown),
                                                                        mq_today ()));
    const MqBox b = mq_shapes_get_bbox (mq_parcels_get_shapes (parcels), shown);
    g_autoptr(GBytes) pixels = NULL;
    int w, h, red = 0;
    gsize stride;
    const guint32 *argb;

    g_assert_true (gtk_widget_get_visible (overdue_label));
    g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (overdue_label)), ==, overdue);
    g_assert_true (gtk_widget_has_css_class (overdue_label, "error"));
    g_assert_cmpint (mq_locator_get_parcel (locator), ==, shown);
    settle ();
    /* The parcel shows beside its card, not under it. */
    {
      GtkWidget *parcel_card = overdue_label;
      graphene_rect_t bounds;
      double px, py;

      while (!gtk_widget_has_css_class (parcel_card, "card"))
        parcel_card = gtk_widget_get_parent (parcel_card);
      g_assert_true (gtk_widget_compute_bounds (parcel_card, GTK_WIDGET (view), &bounds));
      mq_viewport_map_to_screen (vp, b.min_x, b.max_y, &px, &py);
      g_assert_cmpfloat (px, >=, bounds.origin.x + bounds.size.width);
    }
    save_screenshot ("meeting-room.png");
    pixels = render_widget (GTK_WIDGET (locator), &w, &h, &stride);
    argb = g_bytes_get_data (pixels, NULL);
    g_assert_true (mq_locator_map_to_widget (locator, (b.min_x + b.max_x) / 2, (b.min_y + b.max_y) / 2, &x, &y));
    /* The ring round the parcel is red; the inset's corner is not. */
    for (int dy = -12; dy <= 12; dy++)
      for (int dx = -12; dx <= 12; dx++)
        {
          int px = (int) x + dx, py = (int) y + dy;
          guint32 c;

          if (px < 0 || py < 0 || px >= w || py >= h)
            continue;
          c = argb[py * (stride / 4) + px];
          red += (c >> 16 & 0xff) > 150 && (c >> 8 & 0xff) < 80 && (c & 0xff) < 90;
        }
    g_assert_cmpint (red, >, 10);
    g_assert_cmpuint (argb[4 * (stride / 4) + 4] >> 8 & 0xff, >, 150);
  }

  /* Leaving: the toast, and the view from before once the map is its
   * height again (the side panel, open now, takes room on the right only). */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.present", NULL));
  g_assert_false (mq_window_get_presenting (window));
  wait_for_toast (window, "elsewhere.gpkg");
  wait_for_height (view, height);
  mq_viewport_screen_to_map (vp, 0, 0, &x, &y);
  g_assert_cmpfloat_with_epsilon (mq_viewport_get_resolution (vp), before_res, before_res * 1e-9);
  g_assert_cmpfloat_with_epsilon (x, before_x, before_res * 1e-6);
  g_assert_cmpfloat_with_epsilon (y, before_y, before_res * 1e-6);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- #15 table ---- */

static MqFilterBar *
filter_bar_of (MqWindow *window)
{
  return MQ_FILTER_BAR (find_named_type (GTK_WIDGET (window), MQ_TYPE_FILTER_BAR));
}

/* Until @selection holds exactly @parcel (the search's choice). */
static void
wait_for_selected (MqSelection *selection,
                   guint        parcel)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;
  guint tick = g_timeout_add (100, keep_ticking, NULL);

  while (!(mq_selection_get_n (selection) == 1 && mq_selection_contains (selection, parcel)) &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  g_assert_cmpuint (mq_selection_get_n (selection), ==, 1);
  g_assert_true (mq_selection_contains (selection, parcel));
}

/* Until the results popover shows, after the entry's search delay. */
static GtkWidget *
wait_for_results (MqFilterBar *bar)
{
  GtkWidget *popover = find_named (GTK_WIDGET (bar), "search-results");
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;
  guint tick = g_timeout_add (100, keep_ticking, NULL);

  g_assert_nonnull (popover);
  while (!gtk_widget_get_visible (popover) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  g_assert_true (gtk_widget_get_visible (popover));
  return popover;
}

/* Whether the map's view holds all of @box. */
static gboolean
view_holds (MqMapView   *view,
            const MqBox *box)
{
  MqBox visible;

  mq_viewport_get_visible_box (mq_map_view_get_viewport (view), &visible);
  return visible.min_x <= box->min_x + 1e-6 && visible.max_x >= box->max_x - 1e-6 &&
         visible.min_y <= box->min_y + 1e-6 && visible.max_y >= box->max_y - 1e-6;
}

static void
press_key (GtkWidget *widget,
           guint      keyval)
{
  GtkEventController *keys = find_controller (widget, GTK_TYPE_EVENT_CONTROLLER_KEY);
  gboolean handled = FALSE;

  g_signal_emit_by_name (keys, "key-pressed", keyval, 0, 0, &handled);
  g_assert_true (handled);
}

/* The search finds: Enter takes the top hit, a typed-down unique hit is
 * taken as typed, the popover lists hits to pick with the arrow keys or a
 * click, and a road's name flies to the road. */
static void
test_search_flies (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *gpkg = copy_sample_project (&dir);
  MqWindow *window = mq_window_new (NULL);
  MqMapView *view = mq_window_get_map_view (window);
  MqFilterBar *bar = filter_bar_of (window);
  GtkWidget *entry = mq_filter_bar_get_search_entry (bar);
  MqSelection *selection = mq_map_view_get_selection (view);
  GtkWidget *popover, *list;
  MqParcels *parcels;
  MqBox road, bbox;
  int first, second, unique;

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 860);
  gtk_window_present (GTK_WINDOW (window));
  mq_window_open_path (window, gpkg);
  wait_for_dataset (view);
  settle ();
  parcels = mq_dataset_get_parcels (mq_map_view_get_dataset (view));
  first = parcel_by_id (parcels, "MQ0800");
  second = parcel_by_id (parcels, "MQ0801");
  unique = parcel_by_id (parcels, "MQ0805");
  g_assert_cmpint (first, >=, 0);

  /* Typed, the popover lists the first hits, id · owner · mu. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "mq08");
  popover = wait_for_results (bar);
  list = find_named_type (popover, GTK_TYPE_LIST_BOX);
  g_assert_nonnull (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 7));
  g_assert_null (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 8));
  g_assert_nonnull (find_label (list, "MQ0800"));
  g_assert_nonnull (find_label (popover, "92 more parcels in the table"));
  save_screenshot ("search-popover.png");

  /* Down, Down, Enter: the second hit. */
  press_key (entry, GDK_KEY_Down);
  press_key (entry, GDK_KEY_Down);
  g_signal_emit_by_name (entry, "activate");
  wait_for_selected (selection, second);
  g_assert_false (gtk_widget_get_visible (popover));
  bbox = mq_shapes_get_bbox (mq_parcels_get_shapes (parcels), second);
  g_assert_true (view_holds (view, &bbox));

  /* Enter alone: the top hit, selected and in view. */
  mq_map_view_zoom_to_all (view);
  gtk_editable_set_text (GTK_EDITABLE (entry), "mq080");
  g_signal_emit_by_name (entry, "activate");
  wait_for_selected (selection, first);
  bbox = mq_shapes_get_bbox (mq_parcels_get_shapes (parcels), first);
  g_assert_true (view_holds (view, &bbox));
  g_assert_cmpfloat (mq_viewport_get_resolution (mq_map_view_get_viewport (view)), <, 2.0);

  /* A click on a listed hit. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "mq08");
  popover = wait_for_results (bar);
  g_signal_emit_by_name (list, "row-activated", gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 0));
  wait_for_selected (selection, first);

  /* A unique hit, as it is typed: no Enter needed. */
  mq_selection_clear (selection);
  gtk_editable_set_text (GTK_EDITABLE (entry), "MQ0805");
  wait_for_selected (selection, unique);

  /* A road's name: the map fits the whole road, and the search is cleared
   * so the parcels on the way are not faded. (Settled first: the panel
   * MQ0805 opened is done sliding in, the map its final width.) */
  settle ();
  mq_map_view_zoom_to_all (view);
  mq_viewport_zoom_at (mq_map_view_get_viewport (view), 8, 10, 10);
  g_assert_true (mq_places_lookup (mq_map_view_get_dataset (view), "东川路", &road));
  g_assert_false (view_holds (view, &road));
  gtk_editable_set_text (GTK_EDITABLE (entry), "东川");
  popover = wait_for_results (bar);
  g_assert_nonnull (find_label (popover, "东川路"));
  g_signal_emit_by_name (entry, "activate");
  g_assert_true (view_holds (view, &road));
  g_assert_false (mq_filter_is_active (mq_filter_bar_get_filter (bar)));
  settle ();
  g_assert_true (view_holds (view, &road));
  save_screenshot ("search-road.png");
  close_project (window, dir);
}

/* The deadline chips ask one question, deadline trouble: both ticked, the
 * table lists the overdue and the due soon. */
static void
test_deadline_chips_or (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *gpkg = copy_sample_project (&dir);
  MqWindow *window = mq_window_new (NULL);
  MqMapView *view = mq_window_get_map_view (window);
  MqParcelTable *table = table_of (window);
  MqFilterBar *bar = filter_bar_of (window);
  MqParcels *parcels;
  guint either = 0, overdue = 0;

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 860);
  gtk_window_present (GTK_WINDOW (window));
  mq_window_open_path (window, gpkg);
  wait_for_dataset (view);
  parcels = mq_dataset_get_parcels (mq_map_view_get_dataset (view));
  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    {
      overdue += mq_parcel_is_overdue (mq_parcels_get (parcels, i), mq_today ());
      either += mq_parcel_is_overdue (mq_parcels_get (parcels, i), mq_today ()) ||
                mq_parcel_is_due_soon (mq_parcels_get (parcels, i), mq_today ());
    }
  g_assert_cmpuint (either, >, overdue);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (find_named (GTK_WIDGET (bar), "overdue")), TRUE);
  g_assert_cmpuint (table_rows (table), ==, overdue);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (find_named (GTK_WIDGET (bar), "due-soon")), TRUE);
  g_assert_cmpuint (table_rows (table), ==, either);
  close_project (window, dir);
}

/* The table says how late an overdue parcel is, in red ("已逾期 817 天"). */
static void
test_table_overdue_text (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *gpkg = copy_sample_project (&dir);
  MqWindow *window = mq_window_new (NULL);
  MqMapView *view = mq_window_get_map_view (window);
  MqParcelTable *table = table_of (window);
  GtkColumnView *columns = mq_parcel_table_get_view (table);
  g_autoptr(GtkColumnViewColumn) deadline = NULL;
  g_autofree char *expected = NULL;
  const MqParcel *p;
  GtkWidget *label;

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 860);
  gtk_window_present (GTK_WINDOW (window));
  mq_window_open_path (window, gpkg);
  wait_for_dataset (view);
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (find_named_type (GTK_WIDGET (window), ADW_TYPE_VIEW_STACK)),
                                         "table");
  g_object_set (mq_filter_bar_get_filter (filter_bar_of (window)), "overdue", TRUE, NULL);
  deadline = g_list_model_get_item (gtk_column_view_get_columns (columns), 9);
  gtk_column_view_sort_by_column (columns, deadline, GTK_SORT_ASCENDING);
  g_assert_cmpuint (table_rows (table), >, 0);
  settle ();
  p = mq_parcels_get (live_parcels (view), row_parcel (table, 0));
  expected = mq_overdue_text (mq_parcel_days_overdue (p, mq_today ()));
  g_assert_nonnull (expected);
  label = find_label (GTK_WIDGET (columns), expected);
  g_assert_nonnull (label);
  g_assert_true (gtk_widget_has_css_class (label, "mq-table-overdue"));
  close_project (window, dir);
}

static GtkWidget *
table_list_view (MqParcelTable *table)
{
  return find_named_type (GTK_WIDGET (mq_parcel_table_get_view (table)), GTK_TYPE_LIST_VIEW);
}

static GtkAdjustment *
table_vadjustment (MqParcelTable *table)
{
  return gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (table_list_view (table)));
}

static MqWindow *
open_table_window (MqParcelTable **table,
                   char          **dir)
{
  g_autofree char *gpkg = copy_sample_project (dir);
  MqWindow *window = mq_window_new (NULL);

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 860);
  gtk_window_present (GTK_WINDOW (window));
  mq_window_open_path (window, gpkg);
  wait_for_dataset (mq_window_get_map_view (window));
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (find_named_type (GTK_WIDGET (window), ADW_TYPE_VIEW_STACK)),
                                         "table");
  *table = table_of (window);
  table_rows (*table);
  settle ();
  return window;
}

/* Ctrl+click (the list's own select-item action, with "modify") adds a row
 * to the selection and takes it out again; a plain click selects one. */
static void
test_table_ctrl_click (void)
{
  g_autofree char *dir = NULL;
  MqParcelTable *table = NULL;
  MqWindow *window = open_table_window (&table, &dir);
  MqSelection *selection = mq_project_get_selection (mq_window_get_project (window));
  GtkWidget *list = table_list_view (table);

  g_assert_true (gtk_widget_activate_action (list, "list.select-item", "(ubb)", 2, FALSE, FALSE));
  g_assert_cmpuint (mq_selection_get_n (selection), ==, 1);
  g_assert_true (gtk_widget_activate_action (list, "list.select-item", "(ubb)", 5, TRUE, FALSE));
  g_assert_cmpuint (mq_selection_get_n (selection), ==, 2);
  g_assert_true (mq_selection_contains (selection, row_parcel (table, 2)));
  g_assert_true (mq_selection_contains (selection, row_parcel (table, 5)));
  g_assert_true (gtk_widget_activate_action (list, "list.select-item", "(ubb)", 2, TRUE, FALSE));
  g_assert_cmpuint (mq_selection_get_n (selection), ==, 1);
  g_assert_true (mq_selection_contains (selection, row_parcel (table, 5)));
  g_assert_true (gtk_widget_activate_action (list, "list.select-item", "(ubb)", 7, FALSE, FALSE));
  g_assert_cmpuint (mq_selection_get_n (selection), ==, 1);
  g_assert_true (mq_selection_contains (selection, row_parcel (table, 7)));
  close_project (window, dir);
}

/* A press on a cell is the row's alone: the cell's own click gesture
 * declines it (in GTK 4.8 row and cell both selected on a click, so a
 * Ctrl+click toggled the row twice and changed nothing). */
static void
test_table_cells_leave_clicks_to_rows (void)
{
  g_autofree char *dir = NULL;
  MqParcelTable *table = NULL;
  MqWindow *window = open_table_window (&table, &dir);
  GtkWidget *row = gtk_widget_get_first_child (table_list_view (table));
  GtkWidget *cell = gtk_widget_get_first_child (row);
  GtkEventController *click;

  g_assert_nonnull (cell);
  g_assert_cmpstr (gtk_widget_get_css_name (cell), ==, "cell");
  click = find_controller (cell, GTK_TYPE_GESTURE_CLICK);
  g_signal_emit_by_name (click, "pressed", 1, 10.0, 10.0);
  /* Declined: the cell is not pressed, nor does it take the focus. */
  g_assert_false (gtk_widget_get_state_flags (cell) & GTK_STATE_FLAG_ACTIVE);
  g_assert_false (gtk_widget_has_focus (cell));
  close_project (window, dir);
}

/* The selected row's widget in the list (GTK's row, state :selected). */
static GtkWidget *
selected_row_widget (GtkWidget *list)
{
  for (GtkWidget *row = gtk_widget_get_first_child (list); row != NULL; row = gtk_widget_get_next_sibling (row))
    if (gtk_widget_get_state_flags (row) & GTK_STATE_FLAG_SELECTED)
      return row;
  return NULL;
}

/* The selected row is clearly coloured: its background is the accent's
 * blue, not a faint grey. */
static void
test_table_selected_colour (void)
{
  g_autofree char *dir = NULL;
  MqParcelTable *table = NULL;
  MqWindow *window = open_table_window (&table, &dir);
  MqSelection *selection = mq_project_get_selection (mq_window_get_project (window));
  GtkWidget *view = GTK_WIDGET (mq_parcel_table_get_view (table));
  GtkWidget *row;
  graphene_rect_t bounds;
  g_autoptr(GBytes) pixels = NULL;
  const guint32 *px;
  int width, height;
  gsize stride;
  guint32 argb;
  int r, b;

  mq_selection_select_only (selection, row_parcel (table, 3));
  settle ();
  row = selected_row_widget (table_list_view (table));
  g_assert_nonnull (row);
  g_assert_true (gtk_widget_compute_bounds (row, view, &bounds));
  pixels = render_widget (view, &width, &height, &stride);
  px = g_bytes_get_data (pixels, NULL);
  /* In the owner column, right of its text: the row's background. */
  argb = px[(int) (bounds.origin.y + bounds.size.height / 2) * stride / 4 + (int) (bounds.origin.x + 360)];
  r = (argb >> 16) & 0xff;
  b = argb & 0xff;
  save_screenshot ("table-selected.png");
  g_assert_cmpint (b - r, >, 40);
  close_project (window, dir);
}

/* After an edit the table stays where it was: the same rows, no empty
 * moment while it filters again, and the edited row still in view. */
static void
test_table_keeps_scroll (void)
{
  g_autofree char *dir = NULL;
  MqParcelTable *table = NULL;
  MqWindow *window = open_table_window (&table, &dir);
  MqProject *project = mq_window_get_project (window);
  GtkAdjustment *vadj = table_vadjustment (table);
  g_autoptr(MqEdit) edit = mq_edit_new (MQ_EDIT_ACTION_EDIT);
  g_autoptr(GError) error = NULL;
  GListModel *rows = mq_parcel_table_get_model (table);
  guint n = g_list_model_get_n_items (rows), target;
  double before;

  /* Sorted by owner, filtered by a chip: an edit re-sorts and re-filters. */
  g_object_set (mq_project_get_filter (project), "flagged", TRUE, NULL);
  n = table_rows (table);
  target = row_parcel (table, n / 2);
  mq_selection_select_only (mq_project_get_selection (project), target);
  settle ();
  before = gtk_adjustment_get_value (vadj);
  g_assert_cmpfloat (before, >, 0);

  mq_edit_set (edit, target, MQ_FIELD_NOTES, "表格不跳", 0);
  g_assert_true (mq_project_apply (project, edit, &error));
  g_assert_no_error (error);
  /* At once, before any idle: every row is still there. */
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, n);
  settle ();
  g_assert_cmpuint (table_rows (table), ==, n);
  g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_value (vadj), before, 1.0);
  g_assert_nonnull (selected_row_widget (table_list_view (table)));
  close_project (window, dir);
}

static GtkColumnViewColumn *
column_at (MqParcelTable *table,
           guint          position)
{
  g_autoptr(GtkColumnViewColumn) column =
    g_list_model_get_item (gtk_column_view_get_columns (mq_parcel_table_get_view (table)), position);

  return column;   /* the view holds it */
}

/* The row's buttons of a column chooser: move up, then move down. */
static GtkWidget *
chooser_button (GtkWidget *chooser,
                guint      row,
                guint      which)
{
  GtkWidget *list = find_named_type (chooser, GTK_TYPE_LIST_BOX);
  GtkWidget *box = gtk_list_box_row_get_child (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), row));
  guint k = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (box); child != NULL; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_BUTTON (child) && k++ == which)
      return child;
  return NULL;
}

static void
wait_for_columns (GSettings  *settings,
                  const char *first)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;
  guint tick = g_timeout_add (100, keep_ticking, NULL);

  for (;;)
    {
      g_auto(GStrv) keys = g_settings_get_strv (settings, "table-columns");

      if (g_strcmp0 (keys[0], first) == 0 || g_get_monotonic_time () > deadline)
        break;
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (tick);
}

/* The column chooser hides a column and moves another; the setting keeps
 * both, and the next window's table has them so. */
static void
test_table_column_chooser (void)
{
  g_autofree char *dir = NULL;
  MqParcelTable *table = NULL;
  MqWindow *window = open_table_window (&table, &dir);
  g_autoptr(GSettings) settings = g_settings_new ("org.maqiao.LandViewer");
  GtkMenuButton *button = GTK_MENU_BUTTON (find_named_type (GTK_WIDGET (table), GTK_TYPE_MENU_BUTTON));
  GtkWidget *chooser = GTK_WIDGET (gtk_menu_button_get_popover (button));
  GtkWidget *list = find_named_type (chooser, GTK_TYPE_LIST_BOX);
  GtkWidget *mu_check;
  g_auto(GStrv) keys = NULL;
  g_autofree char *dir2 = NULL;

  g_assert_true (MQ_IS_COLUMN_CHOOSER (chooser));
  gtk_menu_button_popup (button);
  settle ();
  save_screenshot ("table-columns.png");
  /* Hide 亩 (row 3), then move the owner (row 1) up before the id. */
  mu_check = find_named_type (gtk_list_box_row_get_child (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 3)),
                              GTK_TYPE_CHECK_BUTTON);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (mu_check), FALSE);
  g_assert_false (gtk_column_view_column_get_visible (column_at (table, 3)));
  g_signal_emit_by_name (chooser_button (chooser, 1, 0), "clicked");
  g_assert_true (column_at (table, 0) != NULL);
  g_assert_cmpstr (gtk_column_view_column_get_title (column_at (table, 0)), ==, "Right holder");
  wait_for_columns (settings, "owner");
  keys = g_settings_get_strv (settings, "table-columns");
  g_assert_cmpstr (keys[0], ==, "owner");
  g_assert_cmpstr (keys[1], ==, "id");
  g_assert_false (g_strv_contains ((const char * const *) keys, "mu"));
  g_assert_true (g_strv_contains ((const char * const *) keys, "entity"));
  gtk_menu_button_popdown (button);
  close_project (window, dir);

  /* Remembered: a new window's table. */
  window = open_table_window (&table, &dir2);
  g_assert_cmpstr (gtk_column_view_column_get_title (column_at (table, 0)), ==, "Right holder");
  g_assert_cmpstr (gtk_column_view_column_get_title (column_at (table, 1)), ==, "Parcel ID");
  for (guint k = 0; k < g_list_model_get_n_items (gtk_column_view_get_columns (mq_parcel_table_get_view (table))); k++)
    if (g_str_equal (gtk_column_view_column_get_title (column_at (table, k)), "Mu"))
      g_assert_false (gtk_column_view_column_get_visible (column_at (table, k)));
  g_settings_reset (settings, "table-columns");
  close_project (window, dir2);
}

/* At the default window size, with a parcel's panel open beside it, the
 * dashboard's figures fit their column: "1858 亩 · 51 块" is never cut. */
static void
test_dashboard_figures_fit (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *gpkg = copy_sample_project (&dir);
  MqWindow *window = mq_window_new (NULL);   /* the settings' default size */
  MqMapView *view = mq_window_get_map_view (window);
  MqProject *project = mq_window_get_project (window);
  GtkWidget *chart;
  g_autoptr(MqSummary) summary = NULL;
  g_autofree char *widest = NULL;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_A8, 1, 1);
  cairo_t *cr = cairo_create (surface);
  PangoLayout *layout;
  int width;

  gtk_window_present (GTK_WINDOW (window));
  mq_window_open_path (window, gpkg);
  wait_for_dataset (view);
  mq_selection_select_only (mq_project_get_selection (project), 0);
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (find_named_type (GTK_WIDGET (window), ADW_TYPE_VIEW_STACK)),
                                         "dashboard");
  settle ();
  save_screenshot ("dashboard-default-size.png");
  chart = find_named_type (find_named_type (GTK_WIDGET (window), MQ_TYPE_DASHBOARD), GTK_TYPE_DRAWING_AREA);
  summary = mq_summary_new (mq_project_get_dataset (project), mq_today ());
  widest = g_strdup_printf (_("%.0f mu · %u"), summary->flagged_m2 / MQ_M2_PER_MU, summary->flagged_parcels);
  layout = mq_text_layout (cr, widest, 14, FALSE);
  pango_layout_get_pixel_size (layout, &width, NULL);
  g_assert_cmpint (gtk_widget_get_width (chart), >, 0);
  g_assert_cmpfloat (gtk_widget_get_width (chart) * 0.20, >=, width);
  g_object_unref (layout);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  close_project (window, dir);
}

/* An orange pixel of the measure's path near (x, y) in a rendering. */
static gboolean
measure_drawn_near (GBytes *pixels,
                    gsize   stride,
                    double  x,
                    double  y)
{
  const guchar *data = g_bytes_get_data (pixels, NULL);

  for (int dy = -2; dy <= 2; dy++)
    for (int dx = -2; dx <= 2; dx++)
      {
        guint32 argb = *(const guint32 *) (data + (gsize) ((int) y + dy) * stride + 4 * ((int) x + dx));
        int r = argb >> 16 & 0xff, g = argb >> 8 & 0xff, b = argb & 0xff;

        if (ABS (r - 230) <= 8 && ABS (g - 97) <= 8 && b <= 8)
          return TRUE;
      }
  return FALSE;
}

/* The measure tool: clicks on the map pick points snapped to parcel
 * corners (and select nothing); the figures are PROJ's geodesic ones; the
 * path is drawn over the map; Esc ends the measure, then the tool; the
 * selected parcel measures in one click, to the area the survey rule gives. */
static void
test_measure_tool (void)
{
  MqWindow *window = open_sample_window (1100, 800);
  MqMapView *view = mq_window_get_map_view (window);
  MqViewport *vp = mq_map_view_get_viewport (view);
  MqMeasureTool *tool = MQ_MEASURE_TOOL (find_named_type (GTK_WIDGET (window), MQ_TYPE_MEASURE_TOOL));
  GtkWidget *overlay = gtk_widget_get_parent (GTK_WIDGET (tool));
  GtkEventController *drag = find_controller (GTK_WIDGET (view), GTK_TYPE_GESTURE_DRAG);
  MqSelection *selection = mq_map_view_get_selection (view);
  MqParcels *parcels = mq_dataset_get_parcels (mq_map_view_get_dataset (view));
  MqBox bbox;
  const MqShapes *shapes = mq_parcels_get_shapes (parcels);
  guint target = mq_parcels_get_n_parcels (parcels) / 3, p0, p1;
  double picked[8], sx[3], sy[3], mid_x, mid_y;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  MqMeasureFigures f;
  gboolean measuring = TRUE;
  int width, height;
  gsize stride;

  p0 = g_array_index (shapes->ring_start, guint, g_array_index (shapes->feat_ring, guint, target));
  p1 = g_array_index (shapes->ring_start, guint, g_array_index (shapes->feat_ring, guint, target) + 1);
  g_assert_cmpuint (p1 - p0, >=, 4);
  bbox = mq_shapes_get_bbox (shapes, target);
  mq_viewport_fit (vp, &bbox, 200);
  settle ();
  for (guint k = 0; k < 3; k++)
    {
      mq_shapes_get_point (shapes, &bbox, p0 + k * (p1 - p0) / 3,
                           &picked[2 * k], &picked[2 * k + 1]);
      mq_viewport_map_to_screen (vp, picked[2 * k], picked[2 * k + 1], &sx[k], &sy[k]);
    }
  picked[6] = picked[0], picked[7] = picked[1];
  mid_x = (sx[0] + sx[1]) / 2, mid_y = (sy[0] + sy[1]) / 2;
  before = render_widget (overlay, &width, &height, &stride);
  g_assert_false (measure_drawn_near (before, stride, mid_x, mid_y));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.measure", NULL);
  g_assert_true (mq_measure_tool_get_active (tool));
  g_assert_true (mq_map_view_get_picking (view));
  /* Three clicks a few pixels off three corners: the corners themselves. */
  for (guint k = 0; k < 3; k++)
    {
      g_signal_emit_by_name (drag, "drag-begin", sx[k] + 3.0, sy[k] - 2.0);
      g_signal_emit_by_name (drag, "drag-end", 0.0, 0.0);
    }
  g_assert_cmpuint (mq_selection_get_n (selection), ==, 0);
  g_assert_true (mq_measure_tool_get_figures (tool, &f));
  g_assert_cmpuint (f.n_points, ==, 3);
  g_assert_cmpfloat (fabs (f.length_m - test_proj_path_length (picked, 3, "EPSG:4549")), <, 1e-3);
  g_assert_cmpfloat (fabs (f.area_m2 - test_proj_ring_area (picked, 4, "EPSG:4549")), <,
                     1e-6 * f.area_m2 + 1e-3);
  g_assert_cmpfloat (f.area_m2, >, 1.0);
  settle ();
  after = render_widget (overlay, &width, &height, &stride);
  g_assert_true (measure_drawn_near (after, stride, mid_x, mid_y));

  /* Esc ends the measure; Esc again ends measuring, and win.measure with it. */
  gtk_widget_activate_action (GTK_WIDGET (view), "map.clear-selection", NULL);
  g_assert_true (mq_measure_tool_get_active (tool));
  gtk_widget_activate_action (GTK_WIDGET (view), "map.clear-selection", NULL);
  g_assert_false (mq_measure_tool_get_active (tool));
  g_assert_false (mq_map_view_get_picking (view));
  g_object_get (window, "measuring", &measuring, NULL);
  g_assert_false (measuring);

  /* The selected parcel, one click: its area as the survey rule gives it. */
  mq_selection_select_only (selection, target);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.measure", NULL);
  click_button (find_named (GTK_WIDGET (tool), "measure-parcel"));
  g_assert_true (mq_measure_tool_get_figures (tool, &f));
  g_assert_cmpuint (f.n_points, ==, p1 - p0);
  g_assert_cmpfloat (fabs (f.area_m2 - mq_parcels_get (parcels, target)->area_m2), <,
                     1e-4 * mq_parcels_get (parcels, target)->area_m2);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
remove_image_copy (const char *copy)
{
  g_autofree char *ovr = g_strconcat (copy, ".ovr", NULL);

  g_unlink (copy);
  g_unlink (ovr);
}

/* Whether a row under @root has a title holding @text. */
static gboolean
row_titled (GtkWidget  *root,
            const char *text)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (ADW_IS_PREFERENCES_ROW (child) &&
          strstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (child)), text) != NULL)
        return TRUE;
      if (row_titled (child, text))
        return TRUE;
    }
  return FALSE;
}

/* The row of a layer in the layer panel, and a widget of it by name. */
static GtkWidget *
layer_row_widget (GtkWidget  *panel,
                  const char *kind,
                  const char *name)
{
  g_autofree char *row_name = g_strconcat ("layer-row-", kind, NULL);
  GtkWidget *row = find_named (panel, row_name);

  g_assert_nonnull (row);
  return name ? find_named (row, name) : row;
}

static guint
rgb_distance (guint32 a,
              guint32 b)
{
  guint d = 0;

  for (int c = 0; c < 24; c += 8)
    d = MAX (d, (guint) ABS ((int) ((a >> c) & 0xff) - (int) ((b >> c) & 0xff)));
  return d;
}

/* The layer panel, as a planner uses it: hide the parcels and they go from
 * the map; fade them and what is under shows through; move a layer and the
 * list is in that order; add the orthophoto and it is under the parcels (a
 * file that is no image is refused, saying so); all of it is in the project
 * when it is opened again. */
static void
test_layers_panel (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *gpkg = copy_sample_project (&dir);
  g_autofree char *ortho = g_build_filename (g_getenv ("MQ_SAMPLE_DIR"), "maqiao-ortho.tif", NULL);
  g_autofree char *not_image = g_build_filename (g_getenv ("MQ_SAMPLE_DIR"), "maqiao-survey.prj", NULL);
  g_autofree char *no_crs = g_build_filename (g_getenv ("MQ_CORPUS_DIR"), "crs-no-prj.shp", NULL);
  g_autofree char *plan = g_build_filename (g_getenv ("MQ_CORPUS_DIR"), "enc-gbk-detect.shp", NULL);
  g_autofree char *saved = NULL;
  MqWindow *window = mq_window_new (NULL);
  MqMapView *view = mq_window_get_map_view (window);
  g_autoptr(MqLayerList) layers = g_object_ref (mq_project_get_layers (mq_window_get_project (window)));
  g_autofree char *reread = NULL;
  g_autoptr(MqProject) reopened = mq_project_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *copy = NULL;
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;
  gboolean needs = FALSE;
  GtkWidget *panel, *problem;
  const char *id;
  guint32 fill, hidden, faded, photo;
  int i;

  no_animations ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 860);
  gtk_window_present (GTK_WINDOW (window));
  mq_window_open_path (window, gpkg);
  wait_for_dataset (view);
  panel = find_named_type (GTK_WIDGET (window), MQ_TYPE_LAYER_PANEL);
  g_assert_nonnull (panel);
  settle ();
  i = lockable_parcel (live_parcels (view));
  g_assert_cmpint (i, >=, 0);
  id = mq_parcels_get (live_parcels (view), i)->id;
  fill = pixel_at_parcel (window, gpkg, id);

  gtk_check_button_set_active (GTK_CHECK_BUTTON (layer_row_widget (panel, "parcels", "layer-visible")), FALSE);
  settle ();
  hidden = pixel_at_parcel (window, gpkg, id);
  g_assert_cmpuint (rgb_distance (hidden, fill), >, 16);

  gtk_check_button_set_active (GTK_CHECK_BUTTON (layer_row_widget (panel, "parcels", "layer-visible")), TRUE);
  gtk_range_set_value (GTK_RANGE (layer_row_widget (panel, "parcels", "layer-opacity")), 50);
  settle ();
  faded = pixel_at_parcel (window, gpkg, id);
  for (int c = 0; c < 24; c += 8)
    g_assert_cmpfloat (fabs (((faded >> c) & 0xff) - 0.5 * ((fill >> c) & 0xff) - 0.5 * ((hidden >> c) & 0xff)),
                       <=, 3);
  gtk_range_set_value (GTK_RANGE (layer_row_widget (panel, "parcels", "layer-opacity")), 100);

  /* The project's own reference layers have a style; the parcels their themes. */
  g_assert_nonnull (layer_row_widget (panel, "roads", "layer-style"));
  g_assert_null (layer_row_widget (panel, "parcels", "layer-style"));

  /* The zone's outline, on top, one down: under the roads. */
  g_assert_cmpint (mq_layer_list_find (layers, MQ_LAYER_ZONE, NULL), ==, 4);
  click_button (layer_row_widget (panel, "zone", "layer-down"));
  settle ();
  g_assert_cmpint (mq_layer_list_find (layers, MQ_LAYER_ZONE, NULL), ==, 3);
  g_assert_cmpint (mq_layer_list_find (layers, MQ_LAYER_ROADS, NULL), ==, 4);

  /* Not an image: said, and nothing added. */
  mq_layer_panel_add_image (MQ_LAYER_PANEL (panel), not_image);
  problem = find_named (panel, "layer-problem");
  g_assert_true (gtk_widget_get_visible (problem));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (problem)), "maqiao-survey.prj"));
  g_assert_cmpint (mq_layer_list_find (layers, MQ_LAYER_IMAGE, not_image), ==, -1);

  /* The orthophoto, under the parcels: large and without overviews, it is
   * made ready in the background first (from scratch: its copy removed),
   * then their fill is see-through there. */
  copy = mq_image_cache_lookup (ortho, NULL, mq_dataset_get_display_wkt (mq_map_view_get_dataset (view)), &needs);
  g_assert_cmpstr (copy, !=, ortho);
  remove_image_copy (copy);
  mq_layer_panel_add_image (MQ_LAYER_PANEL (panel), ortho);
  g_assert_false (gtk_widget_get_visible (problem));
  g_assert_cmpint (mq_layer_list_find (layers, MQ_LAYER_IMAGE, ortho), ==,
                   mq_layer_list_find (layers, MQ_LAYER_PARCELS, NULL) - 1);
  g_assert_cmpfloat (mq_image_preparer_get_progress (mq_map_view_get_image_preparer (view), ortho), >=, 0);
  while (!mq_renderer_has_file (mq_map_view_get_renderer (view), ortho))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_true (g_file_test (copy, G_FILE_TEST_EXISTS));
  settle ();
  g_assert_nonnull (layer_row_widget (panel, "image", "layer-remove"));
  photo = pixel_at_parcel (window, gpkg, id);
  g_assert_cmpuint (rgb_distance (photo, fill), >, 16);
  save_screenshot ("layers-orthophoto.png");

  /* A reference layer with no CRS: the user is asked, as for the parcels,
   * and the answer is the layer's. */
  mq_layer_panel_add_file (MQ_LAYER_PANEL (panel), MQ_LAYER_VECTOR, no_crs);
  g_signal_emit_by_name (find_window (MQ_TYPE_CRS_DIALOG), "chosen", "EPSG:4549");
  g_assert_cmpint (mq_layer_list_find (layers, MQ_LAYER_VECTOR, no_crs), >=, 0);
  g_assert_cmpstr (mq_layer_list_get (layers, mq_layer_list_find (layers, MQ_LAYER_VECTOR, no_crs))->crs, ==,
                   "EPSG:4549");
  g_assert_true (mq_renderer_has_file (mq_map_view_get_renderer (view), no_crs));
  mq_layer_list_remove (layers, mq_layer_list_find (layers, MQ_LAYER_VECTOR, no_crs));
  /* A reference layer: over the parcels, drawn once read. */
  mq_layer_panel_add_file (MQ_LAYER_PANEL (panel), MQ_LAYER_VECTOR, plan);
  g_assert_false (gtk_widget_get_visible (problem));
  g_assert_cmpint (mq_layer_list_find (layers, MQ_LAYER_VECTOR, plan), ==,
                   mq_layer_list_find (layers, MQ_LAYER_PARCELS, NULL) + 1);
  g_assert_true (mq_renderer_has_file (mq_map_view_get_renderer (view), plan));
  settle ();
  g_assert_nonnull (layer_row_widget (panel, "vector", "layer-remove"));

  /* A plan's area round the parcel: selected, its identify panel says how
   * much of it lies there. */
  {
    MqBox b = mq_shapes_get_bbox (mq_parcels_get_shapes (live_parcels (view)), i);
    g_autofree char *zoning = g_build_filename (dir, "控规.geojson", NULL);
    g_autofree char *json = g_strdup_printf (
      "{\"type\": \"FeatureCollection\", \"crs\": {\"type\": \"name\", \"properties\":"
      " {\"name\": \"urn:ogc:def:crs:EPSG::4549\"}}, \"features\": [{\"type\": \"Feature\","
      " \"properties\": {\"用地性质\": \"M0 新型产业用地\"}, \"geometry\": {\"type\": \"Polygon\","
      " \"coordinates\": [[[%.3f, %.3f], [%.3f, %.3f], [%.3f, %.3f], [%.3f, %.3f], [%.3f, %.3f]]]}}]}",
      b.min_x - 50, b.min_y - 50, b.max_x + 50, b.min_y - 50, b.max_x + 50, b.max_y + 50,
      b.min_x - 50, b.max_y + 50, b.min_x - 50, b.min_y - 50);
    GtkWidget *identify = mq_window_get_identify_panel (window);
    gboolean listed = FALSE;

    g_assert_true (g_file_set_contents (zoning, json, -1, NULL));
    mq_layer_panel_add_file (MQ_LAYER_PANEL (panel), MQ_LAYER_VECTOR, zoning);
    mq_selection_select_only (mq_map_view_get_selection (view), i);
    settle ();
    listed = row_titled (identify, "M0 新型产业用地");
    /* Its style, picked in its row's popover, is the list's. */
    {
      GtkWidget *row = NULL;
      GtkWidget *style;
      GdkRGBA red = { 1, 0, 0, 1 };

      for (GtkWidget *r = gtk_widget_get_first_child (GTK_WIDGET (gtk_widget_get_parent (layer_row_widget (panel, "vector", NULL))));
           r != NULL; r = gtk_widget_get_next_sibling (r))
        if (GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (r), "mq-layer")) ==
            (guint) mq_layer_list_find (layers, MQ_LAYER_VECTOR, zoning))
          row = r;
      g_assert_nonnull (row);
      style = GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (find_named (row, "layer-style"))));
      G_GNUC_BEGIN_IGNORE_DEPRECATIONS
      gtk_color_chooser_set_rgba (GTK_COLOR_CHOOSER (find_named (GTK_WIDGET (style), "layer-style-color")), &red);
      G_GNUC_END_IGNORE_DEPRECATIONS
      g_signal_emit_by_name (find_named (GTK_WIDGET (style), "layer-style-color"), "color-set");
      g_assert_cmpstr (mq_layer_list_get (layers, mq_layer_list_find (layers, MQ_LAYER_VECTOR, zoning))->color, ==,
                       "#ff0000");
    }
    /* …opening to the area's own attributes. */
    g_assert_true (row_titled (identify, "用地性质"));
    g_assert_true (listed);
    g_assert_null (mq_map_view_get_layer_note (view, zoning));

    /* One 200 km away (a CRS its file does not tell right): drawn, and said. */
    {
      g_autofree char *far = g_build_filename (dir, "far.geojson", NULL);
      g_autofree char *far_json = g_strdup_printf (
        "{\"type\": \"FeatureCollection\", \"crs\": {\"type\": \"name\", \"properties\":"
        " {\"name\": \"urn:ogc:def:crs:EPSG::4549\"}}, \"features\": [{\"type\": \"Feature\","
        " \"properties\": {}, \"geometry\": {\"type\": \"Point\", \"coordinates\": [%.3f, %.3f]}}]}",
        b.min_x + 200000, b.min_y);

      g_assert_true (g_file_set_contents (far, far_json, -1, NULL));
      mq_layer_panel_add_file (MQ_LAYER_PANEL (panel), MQ_LAYER_VECTOR, far);
      settle ();
      g_assert_nonnull (mq_map_view_get_layer_note (view, far));
      g_assert_nonnull (find_named (panel, "layer-note"));
      mq_layer_list_remove (layers, mq_layer_list_find (layers, MQ_LAYER_VECTOR, far));
    }
  }

  /* A click where no parcel is but a reference area: its attributes. */
  {
    MqBox extent;
    g_autofree char *park = g_build_filename (dir, "公园.geojson", NULL);
    g_autofree char *json = NULL;
    GtkEventController *drag = find_controller (GTK_WIDGET (view), GTK_TYPE_GESTURE_DRAG);
    MqBox around;
    double sx, sy;

    mq_dataset_get_extent (mq_map_view_get_dataset (view), &extent);
    around = (MqBox) { extent.min_x - 400, extent.min_y, extent.min_x - 100, extent.min_y + 300 };
    json = g_strdup_printf ("{\"type\": \"FeatureCollection\", \"crs\": {\"type\": \"name\", \"properties\":"
                            " {\"name\": \"urn:ogc:def:crs:EPSG::4549\"}}, \"features\": [{\"type\": \"Feature\","
                            " \"properties\": {\"用地性质\": \"G1 公园绿地\", \"编号\": \"MQ-G1-07\"},"
                            " \"geometry\": {\"type\": \"Polygon\", \"coordinates\": [[[%.3f, %.3f], [%.3f, %.3f],"
                            " [%.3f, %.3f], [%.3f, %.3f], [%.3f, %.3f]]]}}]}",
                            around.min_x, around.min_y, around.max_x, around.min_y, around.max_x, around.max_y,
                            around.min_x, around.max_y, around.min_x, around.min_y);
    g_assert_true (g_file_set_contents (park, json, -1, NULL));
    mq_layer_panel_add_file (MQ_LAYER_PANEL (panel), MQ_LAYER_VECTOR, park);
    mq_viewport_fit (mq_map_view_get_viewport (view), &around, 100);
    settle ();
    mq_viewport_map_to_screen (mq_map_view_get_viewport (view), (around.min_x + around.max_x) / 2,
                               (around.min_y + around.max_y) / 2, &sx, &sy);
    g_signal_emit_by_name (drag, "drag-begin", sx, sy);
    g_signal_emit_by_name (drag, "drag-end", 0.0, 0.0);
    settle ();
    g_assert_cmpuint (mq_selection_get_n (mq_map_view_get_selection (view)), ==, 0);
    g_assert_cmpstr (mq_identify_panel_get_title (MQ_IDENTIFY_PANEL (mq_window_get_identify_panel (window))), ==,
                     "G1 公园绿地");
    g_assert_true (row_titled (mq_window_get_identify_panel (window), "编号"));
    mq_layer_list_remove (layers, mq_layer_list_find (layers, MQ_LAYER_VECTOR, park));
  }

  /* Saved in the project: a project opened anew has the same layers. */
  mq_layer_panel_save_now (MQ_LAYER_PANEL (panel));
  saved = mq_layer_list_to_json (layers);
  gtk_window_destroy (GTK_WINDOW (window));
  settle ();
  g_assert_true (mq_project_open_sync (reopened, mq_open_request_new (gpkg), &error));
  g_assert_no_error (error);
  mq_project_read_layers (reopened);
  g_assert_null (mq_project_get_layers_error (reopened));
  reread = mq_layer_list_to_json (mq_project_get_layers (reopened));
  g_assert_cmpstr (reread, ==, saved);
  g_assert_cmpint (mq_layer_list_find (mq_project_get_layers (reopened), MQ_LAYER_IMAGE, ortho), >=, 0);
  g_clear_object (&reopened);
  test_remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  /* 77: meson's "skipped". tools/test runs this under Xvfb. */
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    return 77;
  gtk_test_init (&argc, &argv, NULL);
  /* Screenshots for a person (MQ_SCREENSHOT_DIR) are taken in the
   * environment's language, as main.c does; gtk_test_init() keeps C. */
  if (g_getenv ("MQ_SCREENSHOT_DIR") != NULL && setlocale (LC_ALL, "") != NULL)
    {
      bindtextdomain (GETTEXT_PACKAGE, g_getenv ("MQ_LOCALEDIR"));
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      textdomain (GETTEXT_PACKAGE);
    }
  adw_init ();
  mq_core_init ();
  /* What AdwApplication loads from the resource base path for the app: the
   * screenshots show the window as users see it. */
  {
    g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

    gtk_css_provider_load_from_resource (css, "/org/maqiao/LandViewer/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }
  g_test_add_func ("/gui/window-draws-sample", test_window_draws_sample);
  g_test_add_func ("/gui/asks-crs", test_asks_crs);
  g_test_add_func ("/gui/asks-partial", test_asks_partial);
  g_test_add_func ("/gui/asks-layer", test_asks_layer);
  g_test_add_func ("/gui/field-mapping", test_field_mapping);
  g_test_add_func ("/gui/problems-listed", test_problems_listed);
  g_test_add_func ("/gui/select-identify", test_select_identify);
  g_test_add_func ("/gui/hands", test_hands);
  g_test_add_func ("/gui/settings-round-trip", test_settings_round_trip);
  g_test_add_func ("/gui/export-pdf", test_export_pdf);
  g_test_add_func ("/gui/export-pdf-by-entity", test_export_pdf_by_entity);
  g_test_add_func ("/gui/edit-locks", test_edit_locks);
  g_test_add_func ("/gui/status-table-and-reload", test_status_table_and_reload);
  g_test_add_func ("/gui/survey-update", test_survey_update);
  g_test_add_func ("/gui/changes-since-card", test_changes_since_card);
  g_test_add_func ("/gui/as-of", test_as_of_window);
  g_test_add_func ("/gui/as-of-two-windows", test_as_of_two_windows);
  g_test_add_func ("/gui/conflict-dialog", test_conflict_dialog);
  g_test_add_func ("/gui/presence-offline-ui", test_presence_offline_ui);
  g_test_add_func ("/gui/table-search-filters", test_table_search_filters);
  g_test_add_func ("/gui/dashboard-and-fading", test_dashboard_and_fading);
  g_test_add_func ("/gui/presentation-and-views", test_presentation_and_views);
  g_test_add_func ("/gui/lifecycle", test_lifecycle);
  g_test_add_func ("/gui/save-as-project", test_save_as_project);
  g_test_add_func ("/gui/label-field-menu", test_label_field_menu);
  g_test_add_func ("/gui/meeting-room-text-size", test_meeting_room_text_size);
  g_test_add_func ("/gui/15/mixed-values", test_mixed_values);
  g_test_add_func ("/gui/15/flag-parcels", test_flag_parcels);
  g_test_add_func ("/gui/15/overdue-header", test_overdue_header);
  g_test_add_func ("/gui/15/batch-refusal", test_batch_refusal);
  g_test_add_func ("/gui/15/entry-undo", test_entry_undo);
  g_test_add_func ("/gui/15/dates", test_dates);
  g_test_add_func ("/gui/15/performance-panel", test_performance_panel);
  g_test_add_func ("/gui/15/planning-layer", test_planning_layer);
  g_test_add_func ("/gui/15/survey-title", test_survey_title);
  g_test_add_func ("/gui/quit-closes-project", test_quit_closes_project);
  g_test_add_func ("/gui/sigterm-closes-project", test_sigterm_closes_project);
  g_test_add_func ("/gui/session-end-closes-project", test_session_end_closes_project);
  g_test_add_func ("/gui/problems-zoom-figures", test_problems_zoom_figures);
  g_test_add_func ("/gui/identify-field-aliases", test_identify_field_aliases);
  g_test_add_func ("/gui/theme-read-only-settings", test_theme_read_only_settings);
  g_test_add_func ("/gui/nav-keys-anywhere", test_nav_keys_anywhere);
  g_test_add_func ("/gui/nav-buttons-history", test_nav_buttons_history);
  g_test_add_func ("/gui/nav-scale-entry", test_nav_scale_entry);
  g_test_add_func ("/gui/nav-side-panel", test_nav_side_panel);
  g_test_add_func ("/gui/nav-tooltip-overdue", test_nav_tooltip_overdue);
  g_test_add_func ("/gui/present-meeting-room", test_present_meeting_room);
  g_test_add_func ("/gui/search-flies", test_search_flies);
  g_test_add_func ("/gui/deadline-chips-or", test_deadline_chips_or);
  g_test_add_func ("/gui/table-overdue-text", test_table_overdue_text);
  g_test_add_func ("/gui/table-ctrl-click", test_table_ctrl_click);
  g_test_add_func ("/gui/table-cells-leave-clicks-to-rows", test_table_cells_leave_clicks_to_rows);
  g_test_add_func ("/gui/table-selected-colour", test_table_selected_colour);
  g_test_add_func ("/gui/table-keeps-scroll", test_table_keeps_scroll);
  g_test_add_func ("/gui/table-column-chooser", test_table_column_chooser);
  g_test_add_func ("/gui/dashboard-figures-fit", test_dashboard_figures_fit);
  g_test_add_func ("/gui/open-cancel", test_open_cancel);
  g_test_add_func ("/gui/measure-tool", test_measure_tool);
  g_test_add_func ("/gui/layers-panel", test_layers_panel);
  return g_test_run ();
}
