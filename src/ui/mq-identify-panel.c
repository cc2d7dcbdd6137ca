/* mq-identify-panel.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-identify-panel.h"

#include <glib/gi18n.h>

struct _MqIdentifyPanel
{
  GtkWidget            parent_instance;

  MqProject           *project;
  GSignalGroup        *project_signals;
  GSignalGroup        *selection_signals;

  GtkLabel            *title;
  GtkLabel            *subtitle;
  AdwPreferencesGroup *figures;
  AdwPreferencesGroup *overlaps;
  AdwPreferencesGroup *attributes;
  GPtrArray           *rows;      /* (group, row) pairs added, to take out again */
};

G_DEFINE_FINAL_TYPE (MqIdentifyPanel, mq_identify_panel, GTK_TYPE_WIDGET)

static void
clear_rows (MqIdentifyPanel *self)
{
  for (guint i = 0; i + 1 < self->rows->len; i += 2)
    adw_preferences_group_remove (g_ptr_array_index (self->rows, i),
                                  g_ptr_array_index (self->rows, i + 1));
  g_ptr_array_set_size (self->rows, 0);
}

/* Values are shown as they are: no markup, whatever the file holds. */
static void
add_row (MqIdentifyPanel     *self,
         AdwPreferencesGroup *group,
         const char          *name,
         const char          *value)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value && *value ? value : "—");
  adw_preferences_group_add (group, row);
  g_ptr_array_add (self->rows, group);
  g_ptr_array_add (self->rows, row);
}

static void
add_figure (MqIdentifyPanel *self,
            const char      *name,
            char            *value)
{
  add_row (self, self->figures, name, value);
  g_free (value);
}

/* A source column by what it means, then its own name: "权属单位 (QLR)". A
 * column the project does not know keeps its name alone. */
static char *
attribute_title (const MqFieldMap *map,
                 const char       *name,
                 guint             column)
{
  MqField field = MQ_N_FIELDS;
  const char *label;

  for (guint f = 0; map != NULL && f < MQ_N_FIELDS && field == MQ_N_FIELDS; f++)
    if (map->index[f] == (int) column)
      field = f;
  if (field == MQ_N_FIELDS)
    field = mq_field_from_header (name);
  if (field == MQ_N_FIELDS)
    return g_strdup (name);
  label = mq_field_label (field);
  if (g_ascii_strcasecmp (label, name) == 0)
    return g_strdup (name);
  return g_strdup_printf ("%s (%s)", label, name);
}

/* One area the parcel lies in: its name and the parcel's share, opening to
 * every attribute the reference layer's file gives it. */
static void
add_overlap (MqIdentifyPanel *self,
             MqVectorLayer   *vector,
             const char      *file,
             const MqOverlap *o)
{
  const char *label = mq_vector_layer_get_label (vector, o->feature);
  const char *const *fields = mq_vector_layer_get_field_names (vector);
  g_autofree char *title = g_strdup_printf ("%s · %s", file, *label ? label : "—");
  g_autofree char *value = g_strdup_printf (_("%.1f m² (%.2f mu)"), o->area_m2, o->area_m2 / MQ_M2_PER_MU);
  GtkWidget *row = adw_expander_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), value);
  for (guint f = 0; fields != NULL && fields[f] != NULL; f++)
    {
      GtkWidget *attribute = adw_action_row_new ();
      const char *text = mq_vector_layer_get_value (vector, o->feature, f);

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (attribute), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (attribute), fields[f]);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (attribute), *text ? text : "—");
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), attribute);
    }
  adw_preferences_group_add (self->overlaps, row);
  g_ptr_array_add (self->rows, self->overlaps);
  g_ptr_array_add (self->rows, row);
}

/* What of the parcel lies in the reference layers' areas shown on the map
 * (a 控规's land-use areas): each area with the parcel's share of it, in m²
 * and mu as the parcel's own area is measured. */
static void
show_overlaps (MqIdentifyPanel *self,
               MqDataset       *dataset,
               guint            index)
{
  MqLayerList *layers = self->project ? mq_project_get_layers (self->project) : NULL;
  MqParcels *parcels = mq_dataset_get_parcels (dataset);
  const MqShapes *shapes = mq_parcels_get_shapes (parcels);
  double plane = mq_shapes_get_plane_area (shapes, index);
  double scale = plane > 0 ? mq_parcels_get (parcels, index)->area_m2 / plane : 1.0;
  guint shown = 0;

  for (guint i = 0; layers != NULL && i < mq_layer_list_get_n_layers (layers); i++)
    {
      const MqLayer *l = mq_layer_list_get (layers, i);
      MqVectorLayer *vector;
      g_autoptr(GArray) found = NULL;
      g_autofree char *file = NULL;

      if (l->kind != MQ_LAYER_VECTOR || !l->visible ||
          (vector = mq_project_get_vector_layer (self->project, l->path, l->crs, NULL)) == NULL)
        continue;
      found = mq_vector_layer_overlaps (vector, shapes, index, scale);
      file = g_path_get_basename (l->path);
      for (guint k = 0; k < found->len; k++)
        {
          const MqOverlap *o = &g_array_index (found, MqOverlap, k);

          add_overlap (self, vector, file, o);
          shown++;
        }
    }
  gtk_widget_set_visible (GTK_WIDGET (self->overlaps), shown > 0);
}

static void
show_parcel (MqIdentifyPanel *self,
             MqDataset       *dataset,
             guint            index)
{
  MqParcels *parcels = mq_dataset_get_parcels (dataset);
  const MqParcel *p = mq_parcels_get (parcels, index);
  const char * const *names = mq_parcels_get_field_names (parcels);
  char *unread;

  gtk_label_set_text (self->title, p->id ? p->id : _("Parcel without an id"));
  gtk_label_set_text (self->subtitle, p->owner ? p->owner : "");
  add_figure (self, _("Area"), g_strdup_printf (_("%.2f mu (%.1f m², ellipsoidal)"),
                                                p->area_m2 / MQ_M2_PER_MU, p->area_m2));
  add_figure (self, _("Land use"), g_strdup_printf ("%s %s", p->land_use_code ? p->land_use_code : "",
                                                    p->land_use_name ? p->land_use_name : ""));
  add_figure (self, _("Four locks"), g_strdup_printf (_("%u of 4 held"), mq_parcel_get_locks_held (p)));
  add_figure (self, _("Deadline"), mq_date_format (p->deadline));
  add_figure (self, _("Problems"), p->problems ? mq_problems_describe (p->problems) : g_strdup (_("None")));
  /* Values that could not be read, as the file wrote them. */
  unread = mq_field_map_dup_unread (mq_dataset_get_field_map (dataset), parcels, index);
  if (unread != NULL)
    add_figure (self, _("Unread values"), unread);
  show_overlaps (self, dataset, index);
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      g_autofree char *title = attribute_title (mq_dataset_get_field_map (dataset), names[i], i);

      add_row (self, self->attributes, title, mq_parcels_get_value (parcels, index, i));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->attributes), TRUE);
}

static void
show_many (MqIdentifyPanel *self,
           MqDataset       *dataset,
           GArray          *selected)
{
  MqParcels *parcels = mq_dataset_get_parcels (dataset);
  g_autofree char *title = g_strdup_printf (_("%u parcels selected"), selected->len);
  double area = 0;
  guint flagged = 0;

  for (guint k = 0; k < selected->len; k++)
    {
      const MqParcel *p = mq_parcels_get (parcels, g_array_index (selected, guint, k));

      area += p->area_m2;
      flagged += p->flagged ? 1 : 0;
    }
  gtk_label_set_text (self->title, title);
  gtk_label_set_text (self->subtitle, "");
  add_figure (self, _("Area"), g_strdup_printf (_("%.2f mu"), area / MQ_M2_PER_MU));
  add_figure (self, _("Flagged for upgrade"), g_strdup_printf ("%u", flagged));
  gtk_widget_set_visible (GTK_WIDGET (self->overlaps), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->attributes), FALSE);
}

/**
 * mq_identify_panel_show_reference:
 *
 * Shows a reference layer's feature (clicked where no parcel is): its name,
 * its file, every attribute the file gives it.
 */
void
mq_identify_panel_show_reference (MqIdentifyPanel *self,
                                  MqVectorLayer   *layer,
                                  guint            feature)
{
  const char *const *fields = mq_vector_layer_get_field_names (layer);
  const char *label = mq_vector_layer_get_label (layer, feature);
  g_autofree char *file = g_path_get_basename (mq_vector_layer_get_path (layer));

  g_return_if_fail (MQ_IS_IDENTIFY_PANEL (self));

  clear_rows (self);
  gtk_label_set_text (self->title, *label ? label : file);
  gtk_label_set_text (self->subtitle, file);
  for (guint f = 0; fields != NULL && fields[f] != NULL; f++)
    add_row (self, self->attributes, fields[f], mq_vector_layer_get_value (layer, feature, f));
  gtk_widget_set_visible (GTK_WIDGET (self->overlaps), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->attributes), TRUE);
}

/* Shows the selection: one parcel in full, several as totals. */
void
mq_identify_panel_show (MqIdentifyPanel *self,
                        MqDataset       *dataset,
                        MqSelection     *selection)
{
  g_autoptr(GArray) selected = NULL;

  g_return_if_fail (MQ_IS_IDENTIFY_PANEL (self));

  clear_rows (self);
  if (dataset == NULL || mq_selection_get_n (selection) == 0)
    return;
  selected = mq_selection_dup_sorted (selection);
  if (selected->len == 1)
    show_parcel (self, dataset, g_array_index (selected, guint, 0));
  else
    show_many (self, dataset, selected);
}

static void
mq_identify_panel_dispose (GObject *object)
{
  MqIdentifyPanel *self = MQ_IDENTIFY_PANEL (object);

  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (object), MQ_TYPE_IDENTIFY_PANEL);
  /* A plain GtkWidget parent unparents its children itself. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_object (&self->project_signals);
  g_clear_object (&self->selection_signals);
  g_clear_object (&self->project);
  G_OBJECT_CLASS (mq_identify_panel_parent_class)->dispose (object);
}

static void
mq_identify_panel_class_init (MqIdentifyPanelClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = mq_identify_panel_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/maqiao/LandViewer/mq-identify-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, MqIdentifyPanel, title);
  gtk_widget_class_bind_template_child (widget_class, MqIdentifyPanel, subtitle);
  gtk_widget_class_bind_template_child (widget_class, MqIdentifyPanel, figures);
  gtk_widget_class_bind_template_child (widget_class, MqIdentifyPanel, overlaps);
  gtk_widget_class_bind_template_child (widget_class, MqIdentifyPanel, attributes);
}

static void
mq_identify_panel_init (MqIdentifyPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_ptr_array_new ();
}

/* What the panel's heading says: the parcel id, or how many are selected. */
const char *
mq_identify_panel_get_title (MqIdentifyPanel *self)
{
  g_return_val_if_fail (MQ_IS_IDENTIFY_PANEL (self), NULL);
  return gtk_label_get_text (self->title);
}

/* The selection of @project, shown again after every edit. */
static void
show_project (MqIdentifyPanel *self)
{
  if (self->project != NULL)
    mq_identify_panel_show (self, mq_project_get_dataset (self->project),
                            mq_project_get_selection (self->project));
}

void
mq_identify_panel_set_project (MqIdentifyPanel *self,
                               MqProject       *project)
{
  g_return_if_fail (MQ_IS_IDENTIFY_PANEL (self));

  if (!g_set_object (&self->project, project))
    return;
  if (self->project_signals == NULL)
    {
      self->project_signals = g_signal_group_new (MQ_TYPE_PROJECT);
      g_signal_group_connect_swapped (self->project_signals, "changed", G_CALLBACK (show_project), self);
      self->selection_signals = g_signal_group_new (MQ_TYPE_SELECTION);
      g_signal_group_connect_swapped (self->selection_signals, "changed", G_CALLBACK (show_project), self);
    }
  g_signal_group_set_target (self->project_signals, project);
  /* A reference layer shown or hidden changes what the parcel lies in. */
  if (project != NULL)
    g_signal_connect_object (mq_project_get_layers (project), "changed", G_CALLBACK (show_project), self,
                             G_CONNECT_SWAPPED);
  g_signal_group_set_target (self->selection_signals, project ? mq_project_get_selection (project) : NULL);
  show_project (self);
}
