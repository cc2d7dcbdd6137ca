/* mq-layer-panel.c
 *
 * The rows are made again from the list whenever it changes, but for the
 * opacity being dragged: a scale rebuilt under the pointer would drop the
 * drag. The list's indices are bottom first; the rows, as every GIS shows
 * them, top first.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-layer-panel.h"

#include <glib/gi18n.h>
#include <string.h>

#include "mq-crs-dialog.h"
#include "mq-layer-style.h"
#include "mq-raster-layer.h"

/* A drag of the opacity is saved once it rests this long. */
#define SAVE_DELAY_MS 400

struct _MqLayerPanel
{
  GtkWidget             parent_instance;

  GtkWidget            *box;
  GtkLabel             *problem;
  GtkListBox           *rows;

  MqMapView            *map_view;
  MqProject            *project;
  MqLayerList          *layers;       /* the project's */
  GtkFileChooserNative *chooser;
  guint                 rebuild_id;
  guint                 save_id;
  gboolean              dragging;     /* an opacity change of ours: no rebuild */
};

G_DEFINE_FINAL_TYPE (MqLayerPanel, mq_layer_panel, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_MAP_VIEW,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static char *
layer_title (const MqLayer *layer)
{
  switch (layer->kind)
    {
    case MQ_LAYER_PARCELS:
      return g_strdup (C_("map layer", "Parcels"));
    case MQ_LAYER_PARTS:
      return g_strdup (C_("map layer", "Zone Parts"));
    case MQ_LAYER_RIVERS:
      return g_strdup (C_("map layer", "Rivers"));
    case MQ_LAYER_ROADS:
      return g_strdup (C_("map layer", "Roads"));
    case MQ_LAYER_ZONE:
      return g_strdup (C_("map layer", "Zone Outline"));
    case MQ_LAYER_IMAGE:
    case MQ_LAYER_VECTOR:
    default:
      return g_path_get_basename (layer->path);
    }
}

static void
show_problem (MqLayerPanel *self,
              const char   *text)
{
  gtk_label_set_text (self->problem, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->problem), text != NULL);
}

static gboolean
save_now (gpointer data)
{
  MqLayerPanel *self = data;
  g_autoptr(GError) error = NULL;

  self->save_id = 0;
  if (self->project != NULL && !mq_project_save_layers (self->project, &error))
    show_problem (self, error->message);
  return G_SOURCE_REMOVE;
}

static void
schedule_save (MqLayerPanel *self)
{
  g_clear_handle_id (&self->save_id, g_source_remove);
  self->save_id = g_timeout_add (SAVE_DELAY_MS, save_now, self);
}

/* Writes a change still waiting (the window closing, a test). */
void
mq_layer_panel_save_now (MqLayerPanel *self)
{
  g_return_if_fail (MQ_IS_LAYER_PANEL (self));

  if (self->save_id != 0)
    {
      g_clear_handle_id (&self->save_id, g_source_remove);
      save_now (self);
    }
}

static guint
row_layer (GtkWidget *widget)
{
  GtkWidget *row = gtk_widget_get_ancestor (widget, GTK_TYPE_LIST_BOX_ROW);

  return GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "mq-layer"));
}

static void
on_visible_toggled (GtkCheckButton *check,
                    MqLayerPanel   *self)
{
  mq_layer_list_set_visible (self->layers, row_layer (GTK_WIDGET (check)), gtk_check_button_get_active (check));
  schedule_save (self);
}

static void
on_opacity_changed (GtkRange     *range,
                    MqLayerPanel *self)
{
  self->dragging = TRUE;
  mq_layer_list_set_opacity (self->layers, row_layer (GTK_WIDGET (range)), gtk_range_get_value (range) / 100.0);
  self->dragging = FALSE;
  schedule_save (self);
}

static void
on_move_clicked (GtkButton    *button,
                 MqLayerPanel *self)
{
  guint index = row_layer (GTK_WIDGET (button));
  int step = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "mq-step"));
  int to = (int) index + step;

  if (to < 0 || to >= (int) mq_layer_list_get_n_layers (self->layers))
    return;
  mq_layer_list_move (self->layers, index, to);
  schedule_save (self);
}

static void
on_remove_clicked (GtkButton    *button,
                   MqLayerPanel *self)
{
  mq_layer_list_remove (self->layers, row_layer (GTK_WIDGET (button)));
  schedule_save (self);
}

static GtkWidget *
icon_button (const char *name,
             const char *icon,
             const char *tooltip)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_name (button, name);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  return button;
}

static GtkWidget *
move_button (MqLayerPanel *self,
             const char   *name,
             const char   *icon,
             const char   *tooltip,
             int           step,
             gboolean      possible)
{
  GtkWidget *button = icon_button (name, icon, tooltip);

  g_object_set_data (G_OBJECT (button), "mq-step", GINT_TO_POINTER (step));
  gtk_widget_set_sensitive (button, possible);
  g_signal_connect (button, "clicked", G_CALLBACK (on_move_clicked), self);
  return button;
}

static char *
progress_text (double fraction)
{
  return g_strdup_printf (_("Preparing it for the map… %.0f %%"), 100 * fraction);
}

/* An image's copy, made further: its row says how far. */
static void
on_image_progress (MqLayerPanel *self,
                   const char   *path)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->rows)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      GtkLabel *label = g_object_get_data (G_OBJECT (row), "mq-progress");
      const char *row_path = g_object_get_data (G_OBJECT (row), "mq-path");
      g_autofree char *text = NULL;

      if (label == NULL || g_strcmp0 (row_path, path) != 0)
        continue;
      text = progress_text (mq_image_preparer_get_progress (mq_map_view_get_image_preparer (self->map_view), path));
      gtk_label_set_text (label, text);
    }
}

static GtkWidget *
caption (const char *name,
         const char *text,
         const char *style)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_set_name (label, name);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 24);
  gtk_widget_add_css_class (label, "caption");
  gtk_widget_add_css_class (label, style);
  return label;
}

/* The title, and under it why an image is not drawn, or how far it is
 * made ready. */
static GtkWidget *
title_box (MqLayerPanel  *self,
           GtkWidget     *row,
           const MqLayer *layer)
{
  g_autofree char *title = layer_title (layer);
  gboolean image = layer->kind == MQ_LAYER_IMAGE && self->map_view != NULL;
  const char *error = mq_layer_kind_has_file (layer->kind) && self->map_view != NULL
                        ? mq_map_view_get_image_error (self->map_view, layer->path) : NULL;
  const char *note = mq_layer_kind_has_file (layer->kind) && self->map_view != NULL
                       ? mq_map_view_get_layer_note (self->map_view, layer->path) : NULL;
  double progress = image ? mq_image_preparer_get_progress (mq_map_view_get_image_preparer (self->map_view),
                                                            layer->path) : -1;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *label = gtk_label_new (title);

  gtk_widget_set_hexpand (box, TRUE);
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 18);
  if (layer->path != NULL)
    gtk_widget_set_tooltip_text (label, layer->path);
  gtk_box_append (GTK_BOX (box), label);
  if (error != NULL)
    gtk_box_append (GTK_BOX (box), caption ("layer-error", error, "error"));
  else if (note != NULL)
    gtk_box_append (GTK_BOX (box), caption ("layer-note", note, "warning"));
  else if (progress >= 0)
    {
      g_autofree char *text = progress_text (progress);
      GtkWidget *how_far = caption ("layer-progress", text, "dim-label");

      g_object_set_data (G_OBJECT (row), "mq-progress", how_far);
      g_object_set_data_full (G_OBJECT (row), "mq-path", g_strdup (layer->path), g_free);
      gtk_box_append (GTK_BOX (box), how_far);
    }
  return box;
}

static GtkWidget *
opacity_scale (MqLayerPanel  *self,
               const MqLayer *layer)
{
  GtkWidget *scale = gtk_scale_new_with_range (GTK_ORIENTATION_HORIZONTAL, 0, 100, 5);

  gtk_widget_set_name (scale, "layer-opacity");
  gtk_widget_set_size_request (scale, 96, -1);
  gtk_widget_set_valign (scale, GTK_ALIGN_CENTER);
  gtk_range_set_round_digits (GTK_RANGE (scale), 0);
  gtk_range_set_value (GTK_RANGE (scale), layer->opacity * 100.0);
  gtk_widget_set_tooltip_text (scale, _("Opacity"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (scale), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Opacity"), -1);
  g_signal_connect (scale, "value-changed", G_CALLBACK (on_opacity_changed), self);
  return scale;
}

/* A button that keeps its place in the row, unseen and out of reach: the
 * rows' scales line up whichever buttons a layer has. */
static void
hide_in_place (GtkWidget *widget)
{
  gtk_widget_set_opacity (widget, 0.0);
  gtk_widget_set_can_target (widget, FALSE);
  gtk_widget_set_focusable (widget, FALSE);
  gtk_accessible_update_state (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE, -1);
}

/* An image can be removed; the project's own layers keep the button's
 * place, unseen, so that every row's scale lines up. */
static GtkWidget *
remove_button (MqLayerPanel  *self,
               const MqLayer *layer)
{
  GtkWidget *remove = icon_button ("layer-remove", "user-trash-symbolic", _("Remove This Image"));

  if (mq_layer_kind_has_file (layer->kind))
    {
      gtk_widget_set_tooltip_text (remove, layer->kind == MQ_LAYER_IMAGE ? _("Remove This Image")
                                                                        : _("Remove This Layer"));
      g_signal_connect (remove, "clicked", G_CALLBACK (on_remove_clicked), self);
      return remove;
    }
  gtk_widget_set_name (remove, "layer-remove-placeholder");
  hide_in_place (remove);
  return remove;
}

/* A style picked: the list takes it, the rows stay (its popover open). */
static void
on_style_picked (MqLayerPanel *self,
                 const char   *color,
                 const char   *fill,
                 double        width,
                 const char   *label,
                 GtkWidget    *style)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (style), "mq-layer"));

  self->dragging = TRUE;
  mq_layer_list_set_style (self->layers, index, color, fill, width, label);
  self->dragging = FALSE;
  schedule_save (self);
}

/* A reference layer's style, in a popover; others keep its place, unseen. */
static GtkWidget *
style_button (MqLayerPanel  *self,
              guint          index,
              const MqLayer *layer)
{
  GtkWidget *button = gtk_menu_button_new ();
  MqProject *project = self->project;
  MqVectorLayer *vector = layer->kind == MQ_LAYER_VECTOR && project != NULL
                            ? mq_project_get_vector_layer (project, layer->path, layer->crs, NULL) : NULL;
  /* The project's own reference layers have a style too; the parcels have
   * their themes, images their opacity. */
  gboolean styled = vector != NULL || (layer->kind != MQ_LAYER_VECTOR && layer->kind != MQ_LAYER_IMAGE &&
                                       layer->kind != MQ_LAYER_PARCELS);

  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "document-edit-symbolic");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  if (styled && self->map_view != NULL)
    {
      GtkWidget *style;
      double rgb[3], fill_rgb[3];

      mq_renderer_get_vector_color (mq_map_view_get_renderer (self->map_view), index, rgb);
      if (!mq_layer_color_parse (layer->fill, fill_rgb))
        memcpy (fill_rgb, rgb, sizeof fill_rgb);
      style = mq_layer_style_new (self->layers, index, vector, rgb, fill_rgb);
      g_object_set_data (G_OBJECT (style), "mq-layer", GUINT_TO_POINTER (index));
      g_signal_connect_swapped (style, "changed", G_CALLBACK (on_style_picked), self);
      gtk_menu_button_set_popover (GTK_MENU_BUTTON (button), style);
      gtk_widget_set_name (button, "layer-style");
      gtk_widget_set_tooltip_text (button, _("Style"));
      return button;
    }
  gtk_widget_set_name (button, "layer-style-placeholder");
  hide_in_place (button);
  return button;
}

/* One layer's row: shown, title, opacity, up, down (and remove, for an image). */
static GtkWidget *
layer_row (MqLayerPanel *self,
           guint         index)
{
  const MqLayer *layer = mq_layer_list_get (self->layers, index);
  guint n = mq_layer_list_get_n_layers (self->layers);
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GtkWidget *check = gtk_check_button_new ();
  g_autofree char *name = g_strconcat ("layer-row-", mq_layer_kind_get_name (layer->kind), NULL);

  gtk_widget_set_name (row, name);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  g_object_set_data (G_OBJECT (row), "mq-layer", GUINT_TO_POINTER (index));
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 4);
  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);
  gtk_widget_set_name (check, "layer-visible");
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), layer->visible);
  gtk_widget_set_tooltip_text (check, _("Show This Layer"));
  g_signal_connect (check, "toggled", G_CALLBACK (on_visible_toggled), self);
  gtk_box_append (GTK_BOX (box), check);
  gtk_box_append (GTK_BOX (box), title_box (self, row, layer));
  gtk_box_append (GTK_BOX (box), opacity_scale (self, layer));
  gtk_box_append (GTK_BOX (box), move_button (self, "layer-up", "go-up-symbolic", _("Move Up"), +1, index + 1 < n));
  gtk_box_append (GTK_BOX (box), move_button (self, "layer-down", "go-down-symbolic", _("Move Down"), -1, index > 0));
  gtk_box_append (GTK_BOX (box), style_button (self, index, layer));
  gtk_box_append (GTK_BOX (box), remove_button (self, layer));
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  return row;
}

static gboolean
rebuild (gpointer data)
{
  MqLayerPanel *self = data;
  GtkWidget *child;
  const GError *error;

  self->rebuild_id = 0;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->rows))) != NULL)
    gtk_list_box_remove (self->rows, child);
  if (self->layers == NULL)
    return G_SOURCE_REMOVE;
  for (guint i = mq_layer_list_get_n_layers (self->layers); i-- > 0;)
    gtk_list_box_append (self->rows, layer_row (self, i));
  error = mq_project_get_layers_error (self->project);
  if (error != NULL)
    show_problem (self, error->message);
  return G_SOURCE_REMOVE;
}

/* After the map has taken the change (and tried to open a new image). */
static void
on_layers_changed (MqLayerPanel *self)
{
  /* Whoever changed the list, it is kept (the project writes only what
   * differs from its file's). */
  schedule_save (self);
  if (self->dragging || self->rebuild_id != 0)
    return;
  self->rebuild_id = g_idle_add (rebuild, self);
}

void
mq_layer_panel_set_project (MqLayerPanel *self,
                            MqProject    *project)
{
  g_return_if_fail (MQ_IS_LAYER_PANEL (self));

  if (self->layers != NULL)
    g_signal_handlers_disconnect_by_data (self->layers, self);
  g_set_object (&self->project, project);
  g_set_object (&self->layers, (project ? mq_project_get_layers (project) : NULL));
  if (self->layers != NULL)
    g_signal_connect_swapped (self->layers, "changed", G_CALLBACK (on_layers_changed), self);
  show_problem (self, NULL);
  g_clear_handle_id (&self->rebuild_id, g_source_remove);
  rebuild (self);
}

/* Whether the file opens as a layer of @kind over this map (in @crs, when
 * the user gave it one): else @error says why (not an image, no CRS,
 * turned; no features). */
static gboolean
check_file (MqLayerPanel *self,
            MqLayerKind   kind,
            const char   *path,
            const char   *crs,
            const char   *map_wkt,
            GError      **error)
{
  g_autoptr(MqRasterLayer) image = NULL;

  /* Read once: the project keeps the layer for the map and the identify panel. */
  if (kind == MQ_LAYER_VECTOR)
    return mq_project_get_vector_layer (self->project, path, crs, error) != NULL;
  image = crs ? mq_raster_layer_new_with_crs (path, crs, map_wkt, error) : mq_raster_layer_new (path, map_wkt, error);
  return image != NULL;
}

static gboolean
lacks_crs (const GError *error)
{
  return g_error_matches (error, MQ_DATASET_ERROR, MQ_DATASET_ERROR_NO_CRS) ||
         g_error_matches (error, MQ_RASTER_ERROR, MQ_RASTER_ERROR_NO_CRS);
}

/* The layer, in the CRS the user gave it when it has none. */
static void
add_checked (MqLayerPanel *self,
             MqLayerKind   kind,
             const char   *path,
             const char   *crs)
{
  MqDataset *dataset = self->map_view ? mq_map_view_get_dataset (self->map_view) : NULL;
  g_autoptr(GError) error = NULL;

  if (dataset == NULL || self->layers == NULL)
    return;
  if (!check_file (self, kind, path, crs, mq_dataset_get_display_wkt (dataset), &error))
    {
      show_problem (self, error->message);
      return;
    }
  show_problem (self, NULL);
  /* The map opens it in turn, or makes an image ready first (another CRS). */
  mq_layer_list_add_file (self->layers, kind, path, crs, 1.0);
  schedule_save (self);
}

/* The CRS the user chose for a file that has none: a code, or a .prj's
 * WKT (kept in the project as text, never as the path of a file). */
static void
on_crs_chosen (MqCrsDialog  *dialog,
               const char   *definition,
               MqLayerPanel *self)
{
  MqLayerKind kind = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "mq-kind"));
  const char *path = g_object_get_data (G_OBJECT (dialog), "mq-path");
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;

  if (g_file_test (definition, G_FILE_TEST_IS_REGULAR))
    {
      if (!g_file_get_contents (definition, &contents, NULL, &error))
        {
          show_problem (self, error->message);
          return;
        }
      definition = g_strstrip (contents);
    }
  add_checked (self, kind, path, definition);
}

/* A file without a CRS: which one, as for the parcels' own files. */
static void
ask_crs (MqLayerPanel *self,
         MqLayerKind   kind,
         const char   *path)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autoptr(GArray) codes = kind == MQ_LAYER_VECTOR ? mq_source_suggest_crs (path, NULL) : NULL;
  MqCrsDialog *dialog = mq_crs_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, path, codes);

  g_object_set_data (G_OBJECT (dialog), "mq-kind", GINT_TO_POINTER (kind));
  g_object_set_data_full (G_OBJECT (dialog), "mq-path", g_strdup (path), g_free);
  g_signal_connect_object (dialog, "chosen", G_CALLBACK (on_crs_chosen), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/**
 * mq_layer_panel_add_file:
 * @kind: MQ_LAYER_IMAGE or MQ_LAYER_VECTOR
 *
 * Adds the image at @path under the parcels, or the vector layer over
 * them; asks which CRS a file without one is in; or says in the panel why
 * it cannot be drawn over this map.
 */
void
mq_layer_panel_add_file (MqLayerPanel *self,
                         MqLayerKind   kind,
                         const char   *path)
{
  MqDataset *dataset = self->map_view ? mq_map_view_get_dataset (self->map_view) : NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (MQ_IS_LAYER_PANEL (self));
  g_return_if_fail (mq_layer_kind_has_file (kind));

  if (dataset == NULL || self->layers == NULL)
    return;
  if (check_file (self, kind, path, NULL, mq_dataset_get_display_wkt (dataset), &error))
    add_checked (self, kind, path, NULL);
  else if (lacks_crs (error))
    {
      show_problem (self, NULL);
      ask_crs (self, kind, path);
    }
  else
    show_problem (self, error->message);
}

/* The image at @path under the parcels (mq_layer_panel_add_file()). */
void
mq_layer_panel_add_image (MqLayerPanel *self,
                          const char   *path)
{
  mq_layer_panel_add_file (self, MQ_LAYER_IMAGE, path);
}

static void
on_chooser_response (GtkNativeDialog *chooser,
                     int              response,
                     MqLayerPanel    *self)
{
  MqLayerKind kind = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (chooser), "mq-kind"));
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      path = g_file_get_path (file);
    }
  g_clear_object (&self->chooser);
  if (path != NULL)
    mq_layer_panel_add_file (self, kind, path);
}

static void
choose_file (MqLayerPanel       *self,
             MqLayerKind         kind,
             const char         *title,
             const char         *filter_name,
             const char *const  *patterns)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autoptr(GtkFileFilter) files = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  if (self->chooser != NULL)
    return;
  gtk_file_filter_set_name (files, filter_name);
  for (guint i = 0; patterns[i] != NULL; i++)
    gtk_file_filter_add_pattern (files, patterns[i]);
  gtk_file_filter_set_name (all, _("All Files"));
  gtk_file_filter_add_pattern (all, "*");
  self->chooser = gtk_file_chooser_native_new (title, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Add"), _("_Cancel"));
  g_object_set_data (G_OBJECT (self->chooser), "mq-kind", GINT_TO_POINTER (kind));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), files);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), all);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
on_add_clicked (MqLayerPanel *self)
{
  static const char *const patterns[] = { "*.tif", "*.tiff", "*.TIF", "*.gpkg", "*.mbtiles", "*.img",
                                          "*.jp2", "*.png", "*.jpg", "*.jpeg", "*.vrt", NULL };

  choose_file (self, MQ_LAYER_IMAGE, _("Add an Image"),
               _("Images (GeoTIFF, GeoPackage, MBTiles, ERDAS, JPEG 2000…)"), patterns);
}

static void
on_add_vector_clicked (MqLayerPanel *self)
{
  static const char *const patterns[] = { "*.shp", "*.SHP", "*.gpkg", "*.geojson", "*.json", "*.kml",
                                          "*.dxf", "*.DXF", "*.gml", "*.tab", "*.zip", NULL };

  choose_file (self, MQ_LAYER_VECTOR, _("Add a Reference Layer"),
               _("Vector files (Shapefile, GeoPackage, GeoJSON, KML, DXF…)"), patterns);
}

static void
mq_layer_panel_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  MqLayerPanel *self = MQ_LAYER_PANEL (object);

  switch (prop_id)
    {
    case PROP_MAP_VIEW:
      g_value_set_object (value, self->map_view);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mq_layer_panel_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  MqLayerPanel *self = MQ_LAYER_PANEL (object);

  switch (prop_id)
    {
    case PROP_MAP_VIEW:
      g_set_object (&self->map_view, (MqMapView *) g_value_get_object (value));
      if (self->map_view != NULL)
        {
          MqImagePreparer *images = mq_map_view_get_image_preparer (self->map_view);

          g_signal_connect_object (images, "progress", G_CALLBACK (on_image_progress), self, G_CONNECT_SWAPPED);
          /* After the map has opened it (connected before us). */
          g_signal_connect_object (images, "finished", G_CALLBACK (on_layers_changed), self, G_CONNECT_SWAPPED);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mq_layer_panel_dispose (GObject *object)
{
  MqLayerPanel *self = MQ_LAYER_PANEL (object);

  mq_layer_panel_save_now (self);
  g_clear_handle_id (&self->rebuild_id, g_source_remove);
  if (self->layers != NULL)
    g_signal_handlers_disconnect_by_data (self->layers, self);
  if (self->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->chooser, self);
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), MQ_TYPE_LAYER_PANEL);
  g_clear_object (&self->layers);
  g_clear_object (&self->project);
  g_clear_object (&self->map_view);
  G_OBJECT_CLASS (mq_layer_panel_parent_class)->dispose (object);
}

static void
mq_layer_panel_class_init (MqLayerPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mq_layer_panel_dispose;
  object_class->get_property = mq_layer_panel_get_property;
  object_class->set_property = mq_layer_panel_set_property;

  properties[PROP_MAP_VIEW] =
    g_param_spec_object ("map-view", NULL, NULL, MQ_TYPE_MAP_VIEW,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/maqiao/LandViewer/mq-layer-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, MqLayerPanel, box);
  gtk_widget_class_bind_template_child (widget_class, MqLayerPanel, problem);
  gtk_widget_class_bind_template_child (widget_class, MqLayerPanel, rows);
  gtk_widget_class_bind_template_callback (widget_class, on_add_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_add_vector_clicked);
  gtk_widget_class_set_css_name (widget_class, "mq-layer-panel");
}

static void
mq_layer_panel_init (MqLayerPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
