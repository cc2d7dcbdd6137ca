/* mq-report-dialog.c
 *
 * Paper, orientation and 制图单位 are remembered in the settings (when the
 * schema is there); the theme starts as the map's. Properties "paper",
 * "report-title" and "atlas" let a test or a caller fill the form as a user
 * would.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mq-report-dialog.h"
#include "mq-style.h"

struct _MqReportDialog
{
  AdwMessageDialog  parent_instance;

  AdwComboRow      *paper_row;
  AdwComboRow      *orientation_row;
  AdwComboRow      *theme_row;
  AdwEntryRow      *title_row;
  AdwEntryRow      *unit_row;
  GtkSwitch        *atlas_switch;
  AdwComboRow      *split_row;
  GtkSwitch        *geopdf_switch;
  GtkSwitch        *changes_switch;
  AdwActionRow     *only_row;
  GtkSwitch        *only_switch;

  GSettings        *settings;   /* (nullable) */
  GTask            *task;
};

G_DEFINE_FINAL_TYPE (MqReportDialog, mq_report_dialog, ADW_TYPE_MESSAGE_DIALOG)

enum { PROP_0, PROP_PAPER, PROP_REPORT_TITLE, PROP_ATLAS, PROP_SPLIT, PROP_GEOPDF, PROP_CHANGES, N_PROPS };
static GParamSpec *properties[N_PROPS];

void
mq_report_choice_free (MqReportChoice *choice)
{
  if (choice == NULL)
    return;
  g_free (choice->paper);
  g_free (choice->title);
  g_free (choice->unit);
  g_free (choice);
}

static char *
entry_text (AdwEntryRow *row)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row));

  return *text != '\0' ? g_strdup (text) : NULL;
}

static MqReportChoice *
dup_choice (MqReportDialog *self)
{
  MqReportChoice *choice = g_new0 (MqReportChoice, 1);

  choice->paper = g_strdup (adw_combo_row_get_selected (self->paper_row) == 1 ? "A4" : "A3");
  choice->portrait = adw_combo_row_get_selected (self->orientation_row) == 1;
  choice->theme = adw_combo_row_get_selected (self->theme_row);
  choice->title = entry_text (self->title_row);
  choice->unit = entry_text (self->unit_row);
  choice->atlas = gtk_switch_get_active (self->atlas_switch);
  choice->split = adw_combo_row_get_selected (self->split_row);
  choice->geopdf = gtk_switch_get_active (self->geopdf_switch);
  choice->changes = gtk_switch_get_active (self->changes_switch);
  choice->only_selected = gtk_widget_get_visible (GTK_WIDGET (self->only_row)) &&
                          gtk_switch_get_active (self->only_switch);
  return choice;
}

static void
remember (MqReportDialog       *self,
          const MqReportChoice *choice)
{
  if (self->settings == NULL)
    return;
  g_settings_set_string (self->settings, "report-paper", choice->paper);
  g_settings_set_string (self->settings, "report-orientation", choice->portrait ? "portrait" : "landscape");
  g_settings_set_string (self->settings, "report-unit", choice->unit ? choice->unit : "");
}

static void
mq_report_dialog_response (AdwMessageDialog *dialog,
                           const char       *response)
{
  MqReportDialog *self = MQ_REPORT_DIALOG (dialog);
  g_autoptr(GTask) task = g_steal_pointer (&self->task);
  MqReportChoice *choice;

  if (task == NULL)
    return;
  if (!g_str_equal (response, "export"))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "cancelled");
      return;
    }
  choice = dup_choice (self);
  remember (self, choice);
  g_task_return_pointer (task, choice, (GDestroyNotify) mq_report_choice_free);
}

static void
mq_report_dialog_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  MqReportDialog *self = MQ_REPORT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_PAPER:
      g_value_set_string (value, adw_combo_row_get_selected (self->paper_row) == 1 ? "A4" : "A3");
      break;
    case PROP_REPORT_TITLE:
      g_value_set_string (value, gtk_editable_get_text (GTK_EDITABLE (self->title_row)));
      break;
    case PROP_ATLAS:
      g_value_set_boolean (value, gtk_switch_get_active (self->atlas_switch));
      break;
    case PROP_SPLIT:
      g_value_set_uint (value, adw_combo_row_get_selected (self->split_row));
      break;
    case PROP_GEOPDF:
      g_value_set_boolean (value, gtk_switch_get_active (self->geopdf_switch));
      break;
    case PROP_CHANGES:
      g_value_set_boolean (value, gtk_switch_get_active (self->changes_switch));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mq_report_dialog_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  MqReportDialog *self = MQ_REPORT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_PAPER:
      adw_combo_row_set_selected (self->paper_row, g_strcmp0 (g_value_get_string (value), "A4") == 0);
      break;
    case PROP_REPORT_TITLE:
      gtk_editable_set_text (GTK_EDITABLE (self->title_row), g_value_get_string (value));
      break;
    case PROP_ATLAS:
      gtk_switch_set_active (self->atlas_switch, g_value_get_boolean (value));
      break;
    case PROP_SPLIT:
      adw_combo_row_set_selected (self->split_row, g_value_get_uint (value));
      break;
    case PROP_GEOPDF:
      gtk_switch_set_active (self->geopdf_switch, g_value_get_boolean (value));
      break;
    case PROP_CHANGES:
      gtk_switch_set_active (self->changes_switch, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mq_report_dialog_dispose (GObject *object)
{
  MqReportDialog *self = MQ_REPORT_DIALOG (object);

  if (self->task != NULL)
    mq_report_dialog_response (ADW_MESSAGE_DIALOG (self), "cancel");
  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), MQ_TYPE_REPORT_DIALOG);
  G_OBJECT_CLASS (mq_report_dialog_parent_class)->dispose (object);
}

static void
mq_report_dialog_class_init (MqReportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mq_report_dialog_dispose;
  object_class->get_property = mq_report_dialog_get_property;
  object_class->set_property = mq_report_dialog_set_property;
  ADW_MESSAGE_DIALOG_CLASS (klass)->response = mq_report_dialog_response;

  properties[PROP_PAPER] = g_param_spec_string ("paper", NULL, NULL, "A3",
                                                G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_REPORT_TITLE] = g_param_spec_string ("report-title", NULL, NULL, "",
                                                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ATLAS] = g_param_spec_boolean ("atlas", NULL, NULL, TRUE,
                                                 G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  /* 0: one report; 1, 2, 3: one per responsible entity, method, stage */
  properties[PROP_SPLIT] = g_param_spec_uint ("split", NULL, NULL, 0, 3, 0,
                                              G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_GEOPDF] = g_param_spec_boolean ("geopdf", NULL, NULL, FALSE,
                                                  G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  /* A first page of the changes since the project's changes-since day. */
  properties[PROP_CHANGES] = g_param_spec_boolean ("changes", NULL, NULL, FALSE,
                                                   G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/maqiao/LandViewer/mq-report-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, MqReportDialog, paper_row);
  gtk_widget_class_bind_template_child (widget_class, MqReportDialog, orientation_row);
  gtk_widget_class_bind_template_child (widget_class, MqReportDialog, theme_row);
  gtk_widget_class_bind_template_child (widget_class, MqReportDialog, title_row);
  gtk_widget_class_bind_template_child (widget_class, MqReportDialog, unit_row);
  gtk_widget_class_bind_template_child (widget_class, MqReportDialog, atlas_switch);
  gtk_widget_class_bind_template_child (widget_class, MqReportDialog, split_row);
  gtk_widget_class_bind_template_child (widget_class, MqReportDialog, geopdf_switch);
  gtk_widget_class_bind_template_child (widget_class, MqReportDialog, changes_switch);
  gtk_widget_class_bind_template_child (widget_class, MqReportDialog, only_row);
  gtk_widget_class_bind_template_child (widget_class, MqReportDialog, only_switch);
}

/* The theme titles come from the style, in the theme enum's order. */
static void
fill_themes (MqReportDialog *self)
{
  g_autoptr(GtkStringList) themes = gtk_string_list_new (NULL);
  static const MqTheme order[] = { MQ_THEME_LOCKS, MQ_THEME_METHOD, MQ_THEME_FLAGGED, MQ_THEME_LANDUSE,
                                   MQ_THEME_GRADE, MQ_THEME_TAX_PER_MU };

  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    gtk_string_list_append (themes, mq_style_theme_title (order[i]));
  adw_combo_row_set_model (self->theme_row, G_LIST_MODEL (themes));
}

static void
mq_report_dialog_init (MqReportDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  fill_themes (self);
}

/* The last report's paper, orientation and 制图单位. */
static void
restore (MqReportDialog *self)
{
  g_autofree char *paper = NULL;
  g_autofree char *orientation = NULL;
  g_autofree char *unit = NULL;

  if (self->settings == NULL)
    return;
  paper = g_settings_get_string (self->settings, "report-paper");
  orientation = g_settings_get_string (self->settings, "report-orientation");
  unit = g_settings_get_string (self->settings, "report-unit");
  adw_combo_row_set_selected (self->paper_row, g_str_equal (paper, "A4"));
  adw_combo_row_set_selected (self->orientation_row, g_str_equal (orientation, "portrait"));
  gtk_editable_set_text (GTK_EDITABLE (self->unit_row), unit);
}

/**
 * mq_report_dialog_choose:
 * @settings: (nullable): where paper, orientation and 制图单位 are remembered
 * @theme: the map's theme, proposed for the report
 * @n_selected: parcels selected on the map; with some, the report may show only them
 */
void
mq_report_dialog_choose (GtkWindow           *parent,
                         GSettings           *settings,
                         MqTheme              theme,
                         guint                n_selected,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  MqReportDialog *self = g_object_new (MQ_TYPE_REPORT_DIALOG, "transient-for", parent, NULL);
  g_autofree char *only = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                        "The table and atlas show the %u selected parcel",
                                                        "The table and atlas show the %u selected parcels",
                                                        n_selected),
                                           n_selected);

  self->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->task, mq_report_dialog_choose);
  g_set_object (&self->settings, settings);
  restore (self);
  adw_combo_row_set_selected (self->theme_row, theme);
  adw_action_row_set_subtitle (self->only_row, only);
  gtk_widget_set_visible (GTK_WIDGET (self->only_row), n_selected > 0);
  gtk_window_present (GTK_WINDOW (self));
}

/* Returns: (transfer full): the options; NULL with G_IO_ERROR_CANCELLED */
MqReportChoice *
mq_report_dialog_choose_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mq_report_dialog_choose, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
