/* mq-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-settings.h"
#include "mq-window-labels.h"
#include "mq-window-private.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>



G_DEFINE_FINAL_TYPE (MqWindow, mq_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_THEME,
  PROP_ENCODING,
  PROP_PRESENTING,
  PROP_MEASURING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/**
 * mq_window_open_path:
 *
 * Loads the file in a thread and shows it. Whatever the file needs on the way
 * — a CRS, a layer, consent to open a damaged file — is asked; errors appear
 * in a dialog that names the file and the problem.
 */
void
mq_window_open_path (MqWindow   *self,
                     const char *path)
{
  g_return_if_fail (MQ_IS_WINDOW (self));
  /* A server project first asks the keyring (mq-window-open.c); a file
   * name need not be UTF-8, so it travels as bytes. */
  if (mq_server_file_is (path))
    gtk_widget_activate_action (GTK_WIDGET (self), "win.open-server-file", "^ay", path);
  else
    mq_project_open_path (self->project, path);
}

static void
on_chooser_response (GtkNativeDialog *chooser,
                     int              response,
                     MqWindow        *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = g_file_get_path (file);

      if (path != NULL)
        mq_window_open_path (self, path);
    }
  g_clear_object (&self->chooser);
}

static void
add_filter (GtkFileChooser *chooser,
            const char     *name,
            const char     *const *patterns)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, name);
  for (guint i = 0; patterns[i] != NULL; i++)
    gtk_file_filter_add_suffix (filter, patterns[i]);
  gtk_file_chooser_add_filter (chooser, filter);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  static const char *const all[] = { "shp", "gpkg", "mqproj", "geojson", "json", "gml", "kml", "zip",
                                     NULL };
  static const char *const shp[] = { "shp", NULL };
  static const char *const gpkg[] = { "gpkg", NULL };
  static const char *const mqproj[] = { "mqproj", NULL };
  static const char *const geojson[] = { "geojson", "json", NULL };
  MqWindow *self = MQ_WINDOW (widget);

  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Open Parcel Data"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"),
                                               _("_Cancel"));
  add_filter (GTK_FILE_CHOOSER (self->chooser), _("All parcel data"), all);
  add_filter (GTK_FILE_CHOOSER (self->chooser), _("Shapefiles"), shp);
  add_filter (GTK_FILE_CHOOSER (self->chooser), _("GeoPackage projects"), gpkg);
  add_filter (GTK_FILE_CHOOSER (self->chooser), _("Server projects"), mqproj);
  add_filter (GTK_FILE_CHOOSER (self->chooser), _("GeoJSON"), geojson);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
open_sample_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = mq_core_dup_sample_project (&error);

  if (path == NULL)
    {
      _mq_window_show_problem (MQ_WINDOW (widget), _("Cannot Open the File"), error);
      return;
    }
  mq_window_open_path (MQ_WINDOW (widget), path);
}

/* x, y in the display CRS, longitude and latitude. */
static void
on_pointer_moved (MqWindow *self,
                  double    x,
                  double    y)
{
  MqDataset *dataset = mq_map_view_get_dataset (self->map_view);
  g_autofree char *text = NULL;
  double lon, lat;

  if (dataset == NULL)
    return;
  /* The scale has its own entry beside this, kept current as the map moves. */
  if (mq_dataset_to_lonlat (dataset, x, y, &lon, &lat))
    text = g_strdup_printf (_("x %.1f  y %.1f · %.6f°E %.6f°N"), x, y, lon, lat);
  else
    text = g_strdup_printf (_("x %.1f  y %.1f"), x, y);
  gtk_label_set_text (self->position_label, text);
}

static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         MqWindow      *self)
{
  GSList *files = g_value_get_boxed (value);
  g_autofree char *path = NULL;

  if (files == NULL || (path = g_file_get_path (files->data)) == NULL)
    return FALSE;
  mq_window_open_path (self, path);
  return TRUE;
}

static const char *
get_theme (MqWindow *self)
{
  /* The theme action reads this while the template is still being built. */
  if (self->map_view == NULL)
    return mq_theme_key (MQ_THEME_LOCKS);
  return mq_theme_key (mq_renderer_get_theme (mq_map_view_get_renderer (self->map_view)));
}

static void
set_theme (MqWindow   *self,
           const char *key)
{
  MqTheme theme;

  if (!mq_theme_parse (key, &theme) || g_strcmp0 (key, get_theme (self)) == 0)
    return;
  mq_renderer_set_theme (mq_map_view_get_renderer (self->map_view), theme);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_THEME]);
}

static void
mq_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_THEME:
      g_value_set_string (value, get_theme (MQ_WINDOW (object)));
      break;
    case PROP_ENCODING:
      g_value_set_string (value, mq_project_get_encoding (MQ_WINDOW (object)->project));
      break;
    case PROP_PRESENTING:
      g_value_set_boolean (value, MQ_WINDOW (object)->presenting);
      break;
    case PROP_MEASURING:
      /* (asked for win.measure's state before the template is built, too) */
      g_value_set_boolean (value, MQ_WINDOW (object)->measure_tool != NULL &&
                                  mq_measure_tool_get_active (MQ_WINDOW (object)->measure_tool));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mq_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_THEME:
      set_theme (MQ_WINDOW (object), g_value_get_string (value));
      break;
    case PROP_ENCODING:
      mq_project_set_encoding (MQ_WINDOW (object)->project, g_value_get_string (value));
      break;
    case PROP_PRESENTING:
      mq_window_set_presenting (MQ_WINDOW (object), g_value_get_boolean (value));
      break;
    case PROP_MEASURING:
      mq_measure_tool_set_active (MQ_WINDOW (object)->measure_tool, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* ---- finding one's way: the buttons over the map, the side panel, the scale ---- */

/* win.zoom-in … win.zoom-next: the buttons over the map are not inside the
 * map widget, so its map.* actions reach them through these. */
static void
forward_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  MqWindow *self = MQ_WINDOW (widget);
  g_autofree char *name = g_strconcat ("map.", strchr (action_name, '.') + 1, NULL);

  gtk_widget_activate_action (GTK_WIDGET (self->map_view), name, NULL);
}

/* The panel goes; the selection stays on the map, and the next selection
 * opens the panel again. */
static void
close_panel (MqWindow *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  if (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->identify_revealer)))
    gtk_widget_grab_focus (GTK_WIDGET (self->map_view));
  gtk_revealer_set_reveal_child (self->identify_revealer, FALSE);
}

static void
close_panel_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  close_panel (MQ_WINDOW (widget));
}

/* "1:5000", "1：5,000", "1/5000" or "5000": the N of 1:N, or 0. NFKC
 * makes full-width colons, commas and digits (a Chinese input method's)
 * plain ones. */
static double
parse_scale (const char *text)
{
  g_autofree char *plain = g_utf8_normalize (text, -1, G_NORMALIZE_ALL_COMPOSE);
  g_autoptr(GString) digits = g_string_new (NULL);
  char *number, *sep, *end = NULL;
  double n;

  if (plain == NULL)
    return 0;
  number = g_strstrip (plain);
  if ((sep = strpbrk (number, ":/")) != NULL)
    {
      *sep = '\0';
      if (g_strcmp0 (g_strstrip (number), "1") != 0)
        return 0;
      number = sep + 1;
    }
  for (const char *c = number; *c != '\0'; c++)
    if (g_ascii_isdigit (*c) || *c == '.')
      g_string_append_c (digits, *c);
    else if (*c != ',' && *c != ' ')
      return 0;
  n = g_ascii_strtod (digits->str, &end);
  return digits->len > 0 && *end == '\0' && isfinite (n) && n >= 1 ? n : 0;
}

/* "1:5000" in the entry, unless the user is typing there. */
static void
show_scale (MqWindow *self)
{
  GtkWidget *entry = GTK_WIDGET (self->scale_entry);
  g_autofree char *text = NULL;

  /* The window is being taken apart. */
  if (entry == NULL || self->map_view == NULL)
    return;
  if (gtk_widget_get_state_flags (entry) & GTK_STATE_FLAG_FOCUS_WITHIN)
    return;
  text = g_strdup_printf ("1:%.0f", mq_viewport_get_scale (mq_map_view_get_viewport (self->map_view)));
  gtk_editable_set_text (GTK_EDITABLE (entry), text);
  gtk_widget_remove_css_class (entry, "error");
}

/* Enter: the map at the scale typed, about its centre; the map takes the
 * keys back. A scale the entry cannot read is marked, and kept to mend. */
static void
on_scale_activate (GtkEntry *entry,
                   MqWindow *self)
{
  double n = parse_scale (gtk_editable_get_text (GTK_EDITABLE (entry)));

  if (n <= 0)
    {
      gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
      gtk_widget_error_bell (GTK_WIDGET (entry));
      return;
    }
  gtk_widget_grab_focus (GTK_WIDGET (self->map_view));
  mq_viewport_set_scale (mq_map_view_get_viewport (self->map_view), n);
  show_scale (self);
}

/* Leaving the entry without Enter: it shows the map's scale again. */
static void
on_scale_focus_leave (MqWindow *self)
{
  show_scale (self);
}

/* ---- what the window remembers --------------------------------------------- */

/* The saved views' feature asks for the view to be kept under a name. */
static void
keep_view_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  g_autoptr(GError) error = NULL;

  if (!mq_window_save_view (MQ_WINDOW (widget), g_variant_get_string (parameter, NULL), &error))
    _mq_window_toast (MQ_WINDOW (widget), adw_toast_new (error->message));
}

static void
open_recent_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  mq_window_open_path (MQ_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void
on_recent_row_activated (AdwActionRow *row,
                         MqWindow     *self)
{
  mq_window_open_path (self, g_object_get_data (G_OBJECT (row), "mq-path"));
}

static GtkWidget *
recent_row (MqWindow   *self,
            const char *path)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *dir = g_path_get_dirname (path);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), base);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), dir);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "mq-path", g_strdup (path), g_free);
  g_signal_connect (row, "activated", G_CALLBACK (on_recent_row_activated), self);
  return row;
}

/* The recent files, in the empty state and in the main menu alike. */
static void
show_recent (MqWindow *self)
{
  g_auto(GStrv) recent = self->settings ? g_settings_get_strv (self->settings, "recent-projects")
                                        : g_new0 (char *, 1);

  for (guint i = 0; i < self->recent_rows->len; i++)
    adw_preferences_group_remove (self->recent_group, g_ptr_array_index (self->recent_rows, i));
  g_ptr_array_set_size (self->recent_rows, 0);
  g_menu_remove_all (self->recent_section);
  for (guint i = 0; recent[i] != NULL; i++)
    {
      g_autofree char *base = g_path_get_basename (recent[i]);
      g_autoptr(GMenuItem) item = g_menu_item_new (base, NULL);
      GtkWidget *row = recent_row (self, recent[i]);

      g_menu_item_set_action_and_target_value (item, "win.open-recent", g_variant_new_string (recent[i]));
      g_menu_append_item (self->recent_section, item);
      g_ptr_array_add (self->recent_rows, row);
      adw_preferences_group_add (self->recent_group, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->recent_group), recent[0] != NULL);
}

static void
remember (MqWindow   *self,
          const char *path)
{
  if (g_str_has_prefix (path, "/vsi"))
    path += strlen ("/vsizip");
  mq_settings_add_recent (self->settings, path);
}

/* Size and state come back as they were left. */
static void
restore_window (MqWindow *self)
{
  if (self->settings == NULL)
    return;
  gtk_window_set_default_size (GTK_WINDOW (self), g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  /* NO_SENSITIVITY: a key that cannot be written (a read-only backend)
   * would otherwise make the whole window insensitive; the theme still
   * changes, it is just not remembered. */
  g_settings_bind (self->settings, "theme", self, "theme",
                   G_SETTINGS_BIND_DEFAULT | G_SETTINGS_BIND_NO_SENSITIVITY);
  g_signal_connect_object (self->settings, "changed::recent-projects", G_CALLBACK (show_recent),
                           self, G_CONNECT_SWAPPED);
}

static gboolean
mq_window_close_request (GtkWindow *window)
{
  MqWindow *self = MQ_WINDOW (window);
  int width, height;

  if (self->settings != NULL)
    {
      gtk_window_get_default_size (window, &width, &height);
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
      g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
    }
  return GTK_WINDOW_CLASS (mq_window_parent_class)->close_request (window);
}

static void
mq_window_dispose (GObject *object)
{
  MqWindow *self = MQ_WINDOW (object);

  /* The views let go of the project as they are disposed; closing it stops
   * a load under way and the watch on its file. */
  if (self->project_signals != NULL)
    g_signal_group_set_target (self->project_signals, NULL);
  if (self->project_bindings != NULL)
    g_binding_group_set_source (self->project_bindings, NULL);
  if (self->project != NULL)
    mq_project_close (self->project);
  g_clear_handle_id (&self->loading_progress_id, g_source_remove);
  g_cancellable_cancel (self->save_cancellable);
  g_clear_object (&self->save_cancellable);
  g_clear_object (&self->project_signals);
  g_clear_object (&self->project_bindings);
  g_clear_pointer (&self->recent_rows, g_ptr_array_unref);
  g_clear_pointer (&self->held_toasts, g_ptr_array_unref);
  g_clear_object (&self->before_meeting);
  g_cancellable_cancel (self->present_changes);
  g_clear_object (&self->present_changes);
  g_clear_pointer (&self->present_summary, g_free);
  g_clear_pointer (&self->present_second_line, g_free);
  g_clear_object (&self->settings);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (object), MQ_TYPE_WINDOW);
  G_OBJECT_CLASS (mq_window_parent_class)->dispose (object);
  g_clear_object (&self->project);
}

/* win.zoom-in … win.zoom-next forward to the map's own actions: the buttons
 * over the map are not inside the map widget. */
static void
install_nav_actions (GtkWidgetClass *widget_class)
{
  static const char *const forwarded[] = {
    "win.zoom-in", "win.zoom-out", "win.zoom-all", "win.zoom-selection", "win.zoom-previous",
    "win.zoom-next",
  };

  for (guint i = 0; i < G_N_ELEMENTS (forwarded); i++)
    gtk_widget_class_install_action (widget_class, forwarded[i], NULL, forward_action);
  gtk_widget_class_install_action (widget_class, "win.close-panel", NULL, close_panel_action);
}

static void
mq_window_class_init (MqWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mq_window_dispose;
  object_class->get_property = mq_window_get_property;
  object_class->set_property = mq_window_set_property;
  GTK_WINDOW_CLASS (klass)->close_request = mq_window_close_request;

  properties[PROP_THEME] =
    g_param_spec_string ("theme", NULL, NULL, "locks",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* "auto", or the encoding the user chose to read the current file with. */
  properties[PROP_ENCODING] =
    g_param_spec_string ("encoding", NULL, NULL, "auto",
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  /* The meeting-room mode (win.present, F5). */
  properties[PROP_PRESENTING] =
    g_param_spec_boolean ("presenting", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* The measure tool over the map (win.measure, Ctrl+Shift+M). */
  properties[PROP_MEASURING] =
    g_param_spec_boolean ("measuring", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (MQ_TYPE_MAP_VIEW);
  g_type_ensure (MQ_TYPE_MEASURE_TOOL);
  g_type_ensure (MQ_TYPE_LAYER_PANEL);
  g_type_ensure (MQ_TYPE_IDENTIFY_PANEL);
  g_type_ensure (MQ_TYPE_LOCKS_PANEL);
  g_type_ensure (MQ_TYPE_FILTER_BAR);
  g_type_ensure (MQ_TYPE_PARCEL_TABLE);
  g_type_ensure (MQ_TYPE_DASHBOARD);
  g_type_ensure (MQ_TYPE_LOCATOR);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/maqiao/LandViewer/mq-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MqWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, MqWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, MqWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, MqWindow, loading_label);
  gtk_widget_class_bind_template_child (widget_class, MqWindow, loading_progress);
  gtk_widget_class_bind_template_child (widget_class, MqWindow, map_view);
  gtk_widget_class_bind_template_child (widget_class, MqWindow, measure_tool);
  gtk_widget_class_bind_template_child (widget_class, MqWindow, layer_panel);
  gtk_widget_class_bind_template_child (widget_class, MqWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, MqWindow, position_label);
  gtk_widget_class_bind_template_child (widget_class, MqWindow, scale_entry);
  gtk_widget_class_bind_template_child (widget_class, MqWindow, map_page);
  gtk_widget_class_bind_template_child (widget_class, MqWindow, map_buttons);
  gtk_widget_class_bind_template_child (widget_class, MqWindow, present_overdue_label);
  gtk_widget_class_bind_template_child (widget_class, MqWindow, present_locator);
  gtk_widget_class_bind_template_child (widget_class, MqWindow, identify_revealer);
  gtk_widget_class_bind_template_child (widget_class, MqWindow, side_stack);
  gtk_widget_class_bind_template_child (widget_class, MqWindow, identify_panel);
  gtk_widget_class_bind_template_child (widget_class, MqWindow, locks_panel);
  gtk_widget_class_bind_template_child (widget_class, MqWindow, banner_revealer);
  gtk_widget_class_bind_template_child (widget_class, MqWindow, banner_label);
  gtk_widget_class_bind_template_child (widget_class, MqWindow, as_of_button);
  gtk_widget_class_bind_template_child (widget_class, MqWindow, as_of_calendar);
  gtk_widget_class_bind_template_child (widget_class, MqWindow, as_of_today_button);
  gtk_widget_class_bind_template_child (widget_class, MqWindow, as_of_show_button);
  gtk_widget_class_bind_template_child (widget_class, MqWindow, as_of_revealer);
  gtk_widget_class_bind_template_child (widget_class, MqWindow, as_of_label);
  gtk_widget_class_bind_template_child (widget_class, MqWindow, as_of_banner_button);
  gtk_widget_class_bind_template_child (widget_class, MqWindow, offline_revealer);
  gtk_widget_class_bind_template_child (widget_class, MqWindow, filter_bar);
  gtk_widget_class_bind_template_child (widget_class, MqWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, MqWindow, map_overlay);
  gtk_widget_class_bind_template_child (widget_class, MqWindow, parcel_table);
  gtk_widget_class_bind_template_child (widget_class, MqWindow, dashboard);
  gtk_widget_class_bind_template_child (widget_class, MqWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, MqWindow, status_bar);
  gtk_widget_class_bind_template_child (widget_class, MqWindow, present_title_card);
  gtk_widget_class_bind_template_child (widget_class, MqWindow, present_title);
  gtk_widget_class_bind_template_child (widget_class, MqWindow, present_totals);
  gtk_widget_class_bind_template_child (widget_class, MqWindow, present_parcel_card);
  gtk_widget_class_bind_template_child (widget_class, MqWindow, present_parcel_label);
  gtk_widget_class_bind_template_child (widget_class, MqWindow, saved_views_section);
  gtk_widget_class_bind_template_child (widget_class, MqWindow, recent_group);
  gtk_widget_class_bind_template_child (widget_class, MqWindow, recent_section);
  gtk_widget_class_bind_template_callback (widget_class, on_pointer_moved);

  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.open-sample", NULL, open_sample_action);
  gtk_widget_class_install_action (widget_class, "win.open-recent", "s", open_recent_action);
  gtk_widget_class_install_action (widget_class, "win.keep-view", "s", keep_view_action);
  gtk_widget_class_install_property_action (widget_class, "win.theme", "theme");
  gtk_widget_class_install_property_action (widget_class, "win.encoding", "encoding");
  gtk_widget_class_install_property_action (widget_class, "win.measure", "measuring");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_m, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.measure", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.open", NULL);
  _mq_window_class_init_open (widget_class);
  _mq_window_class_init_edit (widget_class);
  _mq_window_class_init_fields (widget_class);
  _mq_window_class_init_data (widget_class);
  _mq_window_class_init_present (widget_class);
  _mq_window_class_init_saved (widget_class);
  _mq_window_class_init_survey (widget_class);
  install_nav_actions (widget_class);
}
/* ---- the hub: what every feature shares -------------------------------------- */

/* The buttons over the map: the history's ends and an
 * empty selection disable theirs. */
static void
update_nav_actions (MqWindow *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean open = mq_project_get_dataset (self->project) != NULL;
  gboolean back = FALSE, forward = FALSE;

  /* The window is being taken apart. */
  if (self->map_view == NULL)
    return;
  g_object_get (self->map_view, "can-go-back", &back, "can-go-forward", &forward, NULL);
  gtk_widget_action_set_enabled (widget, "win.zoom-in", open);
  gtk_widget_action_set_enabled (widget, "win.zoom-out", open);
  gtk_widget_action_set_enabled (widget, "win.zoom-all", open);
  gtk_widget_action_set_enabled (widget, "win.zoom-selection",
                                 open && mq_selection_get_n (mq_project_get_selection (self->project)) > 0);
  gtk_widget_action_set_enabled (widget, "win.zoom-previous", open && back);
  gtk_widget_action_set_enabled (widget, "win.zoom-next", open && forward);
  /* No map, no scale to show or type. */
  gtk_widget_set_visible (GTK_WIDGET (self->scale_entry), open);
}

/* Which win.* actions can act, decided in one place from the project: with
 * nothing open there is nothing to export, save, list, map or undo. */
void
_mq_window_actions_update (MqWindow *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  MqProject *project = self->project;
  gboolean open = mq_project_get_dataset (project) != NULL;
  /* Offline a server stores nothing: no edit is offered that would fail. */
  gboolean online = mq_project_get_online (project);
  gboolean editable = mq_project_get_editable (project) && online;

  gtk_widget_action_set_enabled (widget, "win.save-project", open);
  gtk_widget_action_set_enabled (widget, "win.export-csv", open);
  gtk_widget_action_set_enabled (widget, "win.export-xlsx", open);
  gtk_widget_action_set_enabled (widget, "win.export-shp", open);
  gtk_widget_action_set_enabled (widget, "win.export-pdf", open);
  gtk_widget_action_set_enabled (widget, "win.problems", open);
  gtk_widget_action_set_enabled (widget, "win.field-mapping", open);
  gtk_widget_action_set_enabled (widget, "win.measure", open);
  gtk_widget_action_set_enabled (widget, "win.encoding", mq_project_get_request (project) != NULL);
  gtk_widget_action_set_enabled (widget, "win.undo", online && mq_project_get_can_undo (project));
  gtk_widget_action_set_enabled (widget, "win.redo", online && mq_project_get_can_redo (project));
  gtk_widget_action_set_enabled (widget, "win.apply-csv", editable);
  gtk_widget_action_set_enabled (widget, "win.apply-planning", editable);
  /* On a server, only the parcels table's owner can: anyone else is told
   * so (core/mq-pg-survey.c) before a survey is read. */
  gtk_widget_action_set_enabled (widget, "win.update-survey", editable);
  gtk_widget_action_set_enabled (widget, "win.update-survey-from", editable);
  gtk_widget_action_set_enabled (widget, "win.undo-survey-update", editable);
  gtk_widget_action_set_enabled (widget, "win.save-view", editable);
  update_nav_actions (self);
}

/* The status line: the file's figures, kept current edit by edit. */
static void
update_status (MqWindow *self)
{
  MqDataset *dataset = mq_project_get_dataset (self->project);
  g_autoptr(MqSummary) s = NULL;
  g_autofree char *base = NULL;
  g_autofree char *text = NULL;

  if (dataset == NULL)
    return;
  s = mq_summary_new (dataset, mq_dataset_get_today (dataset));
  base = g_path_get_basename (mq_dataset_get_path (dataset));
  text = g_strdup_printf (_("%u parcels · %.1f mu · flagged for upgrade: %u parcels, %.1f mu · "
                            "overdue: %u · %s · %s"),
                          s->parcels, s->area_m2 / MQ_M2_PER_MU, s->flagged_parcels,
                          s->flagged_m2 / MQ_M2_PER_MU, s->overdue, s->crs, s->encoding);
  adw_view_switcher_title_set_subtitle (self->window_title, base);
  gtk_label_set_text (self->status_label, text);
}

static void
on_project_loaded (MqWindow *self)
{
  const MqOpenRequest *request = mq_project_get_request (self->project);

  /* A server project is remembered as the .mqproj it came from: the name
   * the loader gives it keeps no user, port or TLS setting. */
  if (request != NULL && mq_server_file_is (request->path))
    remember (self, request->path);
  else
    remember (self, mq_dataset_get_path (mq_project_get_dataset (self->project)));
  update_status (self);
}

/* The identify panel shows while parcels are selected. */
static void
on_selection_changed (MqWindow    *self,
                      MqSelection *selection)
{
  gtk_revealer_set_reveal_child (self->identify_revealer, mq_selection_get_n (selection) > 0);
}

/* Every view of the window follows the same project. */
static void
follow_project (MqWindow *self)
{
  self->project_signals = g_signal_group_new (MQ_TYPE_PROJECT);
  g_signal_group_connect_swapped (self->project_signals, "loaded", G_CALLBACK (on_project_loaded), self);
  g_signal_group_connect_swapped (self->project_signals, "changed", G_CALLBACK (update_status), self);
  g_signal_group_connect_swapped (self->project_signals, "notify",
                                  G_CALLBACK (_mq_window_actions_update), self);
  /* win.encoding's state is the project's. */
  self->project_bindings = g_binding_group_new ();
  g_binding_group_bind (self->project_bindings, "encoding", self, "encoding", G_BINDING_DEFAULT);
  g_binding_group_set_source (self->project_bindings, self->project);
  g_signal_connect_object (mq_project_get_selection (self->project), "changed",
                           G_CALLBACK (on_selection_changed), self, G_CONNECT_SWAPPED);
  mq_map_view_set_project (self->map_view, self->project);
  mq_filter_bar_set_project (self->filter_bar, self->project);
  mq_parcel_table_set_project (self->parcel_table, self->project);
  mq_dashboard_set_project (self->dashboard, self->project);
  mq_identify_panel_set_project (self->identify_panel, self->project);
  mq_locks_panel_set_project (self->locks_panel, self->project);
  mq_layer_panel_set_project (self->layer_panel, self->project);
}

/* A click on a selected parcel opens the side panel closed over it. */
static void
on_parcel_clicked (MqWindow *self,
                   int       parcel)
{
  if (mq_selection_get_n (mq_project_get_selection (self->project)) > 0)
    gtk_revealer_set_reveal_child (self->identify_revealer, TRUE);
}

/* A reference layer's feature clicked where no parcel is: its attributes. */
static void
on_reference_clicked (MqWindow      *self,
                      MqVectorLayer *layer,
                      guint          feature)
{
  mq_identify_panel_show_reference (MQ_IDENTIFY_PANEL (self->identify_panel), layer, feature);
  gtk_stack_set_visible_child_name (self->side_stack, "attributes");
  gtk_revealer_set_reveal_child (self->identify_revealer, TRUE);
}

/* win.measure's state is the measure tool's, which Esc may end. */
static void
notify_measuring (MqWindow *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MEASURING]);
}

/* The scale entry follows the map; the buttons its history and the selection. */
static void
follow_map (MqWindow *self)
{
  GtkEventController *focus = gtk_event_controller_focus_new ();

  g_signal_connect (self->scale_entry, "activate", G_CALLBACK (on_scale_activate), self);
  g_signal_connect_swapped (focus, "leave", G_CALLBACK (on_scale_focus_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self->scale_entry), focus);
  g_signal_connect_object (mq_map_view_get_viewport (self->map_view), "changed", G_CALLBACK (show_scale),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->map_view, "parcel-clicked", G_CALLBACK (on_parcel_clicked), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->map_view, "reference-clicked", G_CALLBACK (on_reference_clicked), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->measure_tool, "notify::active", G_CALLBACK (notify_measuring), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->map_view, "notify::can-go-back", G_CALLBACK (_mq_window_actions_update),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->map_view, "notify::can-go-forward", G_CALLBACK (_mq_window_actions_update),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (mq_project_get_selection (self->project), "changed",
                           G_CALLBACK (_mq_window_actions_update), self, G_CONNECT_SWAPPED);
}

static void
mq_window_init (MqWindow *self)
{
  GtkDropTarget *drop;

  self->project = mq_project_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  self->recent_rows = g_ptr_array_new ();
  self->held_toasts = g_ptr_array_new_with_free_func (g_object_unref);
  self->settings = mq_settings_new ();
  restore_window (self);
  show_recent (self);
  follow_project (self);
  _mq_window_init_open (self);
  _mq_window_init_edit (self);
  _mq_window_init_views (self);
  _mq_window_init_present (self);
  _mq_window_init_labels (self);
  _mq_window_init_saved (self);
  follow_map (self);
  /* Last: a signal group takes no handlers once it has its target. */
  g_signal_group_set_target (self->project_signals, self->project);
  _mq_window_actions_update (self);

  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
}

/* ---- the public API: each a door into a feature, through the project, a
 * property or an action ------------------------------------------------------- */

/**
 * mq_window_set_presenting:
 *
 * Enters or leaves the meeting-room mode (mq-window-present.c follows
 * "presenting").
 */
void
mq_window_set_presenting (MqWindow *self,
                          gboolean  presenting)
{
  g_return_if_fail (MQ_IS_WINDOW (self));

  if (self->presenting == presenting)
    return;
  self->presenting = presenting;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRESENTING]);
}

gboolean
mq_window_get_presenting (MqWindow *self)
{
  g_return_val_if_fail (MQ_IS_WINDOW (self), FALSE);
  return self->presenting;
}

/**
 * mq_window_present_step:
 * @step: +1 for the next parcel, -1 for the previous one
 *
 * Returns: the parcel shown, or -1 when there is none to show
 */
int
mq_window_present_step (MqWindow *self,
                        int       step)
{
  g_return_val_if_fail (MQ_IS_WINDOW (self), -1);

  gtk_widget_activate_action (GTK_WIDGET (self), "win.present-step", "i", step);
  return self->present_shown;
}

static JsonObject *
current_view (MqWindow   *self,
              const char *name)
{
  MqViewport *vp = mq_map_view_get_viewport (self->map_view);
  g_autofree char *filter = mq_filter_to_json (mq_project_get_filter (self->project));
  JsonObject *view = json_object_new ();
  double x, y;

  mq_viewport_get_center (vp, &x, &y);
  json_object_set_string_member (view, "name", name);
  json_object_set_double_member (view, "x", x);
  json_object_set_double_member (view, "y", y);
  json_object_set_double_member (view, "resolution", mq_viewport_get_resolution (vp));
  json_object_set_string_member (view, "theme", get_theme (self));
  json_object_set_string_member (view, "filter", filter);
  return view;
}

/**
 * mq_window_save_view:
 *
 * Keeps the current extent, theme and filter under @name in the project
 * (replacing a view of that name).
 */
gboolean
mq_window_save_view (MqWindow    *self,
                     const char  *name,
                     GError     **error)
{
  g_autoptr(JsonObject) view = NULL;

  g_return_val_if_fail (MQ_IS_WINDOW (self), FALSE);

  view = current_view (self, name);
  return mq_project_save_view (self->project, view, error);
}

/**
 * mq_window_go_to_view:
 * @name: (nullable): the view's name, or %NULL with @position
 * @position: the view's place in the list, from 0
 *
 * Returns: whether there was such a view
 */
gboolean
mq_window_go_to_view (MqWindow   *self,
                      const char *name,
                      guint       position)
{
  g_autoptr(JsonObject) view = NULL;

  g_return_val_if_fail (MQ_IS_WINDOW (self), FALSE);

  view = mq_project_dup_view (self->project, name, position);
  if (view == NULL)
    return FALSE;
  gtk_widget_activate_action (GTK_WIDGET (self), "win.goto-view", "s",
                              json_object_get_string_member_with_default (view, "name", ""));
  return TRUE;
}

/**
 * mq_window_apply_status_table:
 *
 * Reads the table, shows what it would change, and applies it if the user
 * agrees (mq-window-edit.c).
 */
void
mq_window_apply_status_table (MqWindow   *self,
                              const char *path)
{
  g_return_if_fail (MQ_IS_WINDOW (self));
  gtk_widget_activate_action (GTK_WIDGET (self), "win.apply-status-table", "s", path);
}

/**
 * mq_window_update_survey:
 * @path: the new survey
 *
 * What win.update-survey does once its file is chosen: the survey read,
 * the preview shown, the project carried into it if the user agrees.
 */
void
mq_window_update_survey (MqWindow   *self,
                         const char *path)
{
  g_return_if_fail (MQ_IS_WINDOW (self));
  gtk_widget_activate_action (GTK_WIDGET (self), "win.update-survey-from", "^ay", path);
}

/**
 * mq_window_get_present_pending:
 *
 * Returns: whether the meeting room's "since" line is being worked out
 */
gboolean
mq_window_get_present_pending (MqWindow *self)
{
  g_return_val_if_fail (MQ_IS_WINDOW (self), FALSE);
  return self->present_changes != NULL;
}

MqWindow *
mq_window_new (GtkApplication *application)
{
  return g_object_new (MQ_TYPE_WINDOW, "application", application, NULL);
}

/* Returns: (transfer none): the project the window shows, its own for its lifetime */
MqProject *
mq_window_get_project (MqWindow *self)
{
  g_return_val_if_fail (MQ_IS_WINDOW (self), NULL);
  return self->project;
}

MqMapView *
mq_window_get_map_view (MqWindow *self)
{
  g_return_val_if_fail (MQ_IS_WINDOW (self), NULL);
  return self->map_view;
}

/* Returns: (transfer none): the identify panel, shown while parcels are selected. */
GtkWidget *
mq_window_get_identify_panel (MqWindow *self)
{
  g_return_val_if_fail (MQ_IS_WINDOW (self), NULL);
  return GTK_WIDGET (self->identify_panel);
}

/* Returns: (transfer none): the four-locks panel beside the map. */
GtkWidget *
mq_window_get_locks_panel (MqWindow *self)
{
  g_return_val_if_fail (MQ_IS_WINDOW (self), NULL);
  return GTK_WIDGET (self->locks_panel);
}
