/* mq-crs-dialog.c
 *
 * Emits "chosen" with a definition the loader takes (EPSG:N or the path of a
 * file holding WKT or a PROJ string), or closes without one. Nothing is
 * applied unless the user picks it: suggestions are only offered.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-crs-dialog.h"

#include <glib/gi18n.h>

#include "mq-core.h"

#define MAX_SUGGESTIONS 3

struct _MqCrsDialog
{
  AdwWindow             parent_instance;

  GtkLabel             *description;
  AdwPreferencesGroup  *suggestions;
  GtkSearchEntry       *search_entry;
  GtkListView          *list_view;
  GtkButton            *use_button;

  GtkStringFilter      *filter;
  GtkSingleSelection   *selection;
  GtkFileChooserNative *chooser;
};

G_DEFINE_FINAL_TYPE (MqCrsDialog, mq_crs_dialog, ADW_TYPE_WINDOW)

enum {
  CHOSEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
choose (MqCrsDialog *self,
        const char  *definition)
{
  g_signal_emit (self, signals[CHOSEN], 0, definition);
  gtk_window_destroy (GTK_WINDOW (self));
}

/* "EPSG:4549  CGCS2000 / …" → "EPSG:4549" */
static char *
code_of_line (const char *line)
{
  const char *space = strchr (line, ' ');

  return space ? g_strndup (line, space - line) : g_strdup (line);
}

static void
on_cancel_clicked (MqCrsDialog *self)
{
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
on_use_clicked (MqCrsDialog *self)
{
  GtkStringObject *item = gtk_single_selection_get_selected_item (self->selection);
  g_autofree char *code = NULL;

  if (item == NULL)
    return;
  code = code_of_line (gtk_string_object_get_string (item));
  choose (self, code);
}

static void
on_list_activate (MqCrsDialog *self,
                  guint        position)
{
  gtk_single_selection_set_selected (self->selection, position);
  on_use_clicked (self);
}

static void
on_search_changed (MqCrsDialog *self)
{
  gtk_string_filter_set_search (self->filter, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
}

static void
on_selection_changed (MqCrsDialog *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->use_button),
                            gtk_single_selection_get_selected_item (self->selection) != NULL);
}

static void
on_chooser_response (GtkNativeDialog *chooser,
                     int              response,
                     MqCrsDialog     *self)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      path = g_file_get_path (file);
    }
  g_clear_object (&self->chooser);
  if (path != NULL)
    choose (self, path);
}

static void
on_file_clicked (MqCrsDialog *self)
{
  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Coordinate System Definition"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Use"), _("_Cancel"));
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
on_suggestion_activated (AdwActionRow *row,
                         MqCrsDialog  *self)
{
  choose (self, g_object_get_data (G_OBJECT (row), "mq-crs"));
}

static void
add_suggestions (MqCrsDialog *self,
                 GArray      *codes)
{
  /* The likeliest few: the search below finds the rest. */
  for (guint i = 0; codes != NULL && i < MIN (codes->len, MAX_SUGGESTIONS); i++)
    {
      int code = g_array_index (codes, int, i);
      g_autofree char *title = mq_crs_dup_epsg_description (code);
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 gtk_image_new_from_icon_name ("go-next-symbolic"));
      g_object_set_data_full (G_OBJECT (row), "mq-crs", g_strdup_printf ("EPSG:%d", code), g_free);
      g_signal_connect (row, "activated", G_CALLBACK (on_suggestion_activated), self);
      adw_preferences_group_add (self->suggestions, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->suggestions), codes != NULL && codes->len > 0);
}

static void
setup_label (GtkSignalListItemFactory *factory,
             GtkListItem              *item)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_margin_start (label, 8);
  gtk_widget_set_margin_top (label, 4);
  gtk_widget_set_margin_bottom (label, 4);
  gtk_list_item_set_child (item, label);
}

static void
bind_label (GtkSignalListItemFactory *factory,
            GtkListItem              *item)
{
  GtkStringObject *string = gtk_list_item_get_item (item);

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)),
                      gtk_string_object_get_string (string));
}

/* Every EPSG CRS PROJ knows, filtered as the user types. */
static void
setup_list (MqCrsDialog *self)
{
  g_auto(GStrv) lines = mq_crs_list_epsg ();
  GtkStringList *all = gtk_string_list_new ((const char * const *) lines);
  GtkExpression *expression = gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string");
  GtkFilterListModel *filtered;
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  self->filter = gtk_string_filter_new (expression);
  gtk_string_filter_set_match_mode (self->filter, GTK_STRING_FILTER_MATCH_MODE_SUBSTRING);
  gtk_string_filter_set_ignore_case (self->filter, TRUE);
  filtered = gtk_filter_list_model_new (G_LIST_MODEL (all), GTK_FILTER (g_object_ref (self->filter)));
  self->selection = gtk_single_selection_new (G_LIST_MODEL (filtered));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  g_signal_connect_swapped (self->selection, "notify::selected-item",
                            G_CALLBACK (on_selection_changed), self);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_label), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_label), NULL);
  gtk_list_view_set_factory (self->list_view, factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (g_object_ref (self->selection)));
  g_object_unref (factory);
}

static void
mq_crs_dialog_dispose (GObject *object)
{
  MqCrsDialog *self = MQ_CRS_DIALOG (object);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  g_clear_object (&self->selection);
  g_clear_object (&self->filter);
  gtk_widget_dispose_template (GTK_WIDGET (object), MQ_TYPE_CRS_DIALOG);
  G_OBJECT_CLASS (mq_crs_dialog_parent_class)->dispose (object);
}

static void
mq_crs_dialog_class_init (MqCrsDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mq_crs_dialog_dispose;

  /**
   * MqCrsDialog::chosen:
   * @definition: EPSG:N, or the path of a file with WKT or a PROJ string
   */
  signals[CHOSEN] = g_signal_new ("chosen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/maqiao/LandViewer/mq-crs-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, MqCrsDialog, description);
  gtk_widget_class_bind_template_child (widget_class, MqCrsDialog, suggestions);
  gtk_widget_class_bind_template_child (widget_class, MqCrsDialog, search_entry);
  gtk_widget_class_bind_template_child (widget_class, MqCrsDialog, list_view);
  gtk_widget_class_bind_template_child (widget_class, MqCrsDialog, use_button);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_use_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_list_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_file_clicked);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
mq_crs_dialog_init (MqCrsDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  setup_list (self);
}

MqCrsDialog *
mq_crs_dialog_new (GtkWindow  *parent,
                   const char *path,
                   GArray     *suggestions)
{
  MqCrsDialog *self = g_object_new (MQ_TYPE_CRS_DIALOG, "transient-for", parent, NULL);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *text =
    g_strdup_printf (_("“%s” does not say which coordinate system its coordinates are in "
                       "(it has no .prj). Choose it — it is never guessed."), base);

  gtk_label_set_text (self->description, text);
  add_suggestions (self, suggestions);
  return self;
}
