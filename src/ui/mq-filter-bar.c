/* mq-filter-bar.c
 *
 * Every chip is bound both ways to a property of the shared MqFilter (the
 * toggle buttons are named after it in the template), so a saved view that
 * sets the filter sets the chips too.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-filter-bar.h"

#include <glib/gi18n.h>

struct _MqFilterBar
{
  GtkBox          parent_instance;

  MqFilter       *filter;        /* the project's */
  GBindingGroup  *bindings;      /* chips and drop-downs ↔ the filter */
  GSignalGroup   *signals;
  GtkSearchEntry *search_entry;
  GtkWidget      *toggles[5];
  GtkWidget      *locks_dropdown;
  GtkWidget      *method_dropdown;
  GtkLabel       *count_label;
};

G_DEFINE_FINAL_TYPE (MqFilterBar, mq_filter_bar, GTK_TYPE_BOX)

static void
on_search_changed (MqFilterBar *self)
{
  if (self->filter != NULL)
    g_object_set (self->filter, "text", gtk_editable_get_text (GTK_EDITABLE (self->search_entry)), NULL);
}

/* The filter changed from elsewhere (cleared, a saved view): the entry
 * shows its text, so a late search-changed cannot bring the old one back. */
static void
on_filter_text (MqFilterBar *self)
{
  g_autofree char *text = NULL;
  g_autofree char *shown = g_utf8_casefold (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)), -1);

  g_object_get (self->filter, "text", &text, NULL);
  if (text != NULL && g_strcmp0 (g_strstrip (shown), text) != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text);
}

static void
on_clear_clicked (MqFilterBar *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  if (self->filter != NULL)
    mq_filter_reset (self->filter);
}

/* Drop-down position 0 is "any" (-1); the others are the values from 0. */
static gboolean
position_to_value (GBinding     *binding,
                   const GValue *from,
                   GValue       *to,
                   gpointer      data)
{
  guint position = g_value_get_uint (from);

  g_value_set_int (to, position == 0 ? -1 : (int) position - 1 + GPOINTER_TO_INT (data));
  return TRUE;
}

static gboolean
value_to_position (GBinding     *binding,
                   const GValue *from,
                   GValue       *to,
                   gpointer      data)
{
  int value = g_value_get_int (from);

  g_value_set_uint (to, value < 0 ? 0 : (guint) (value + 1 - GPOINTER_TO_INT (data)));
  return TRUE;
}

/* @first: the value of the drop-down's second position (0 locks; method 1). */
static void
bind_dropdown (MqFilterBar *self,
               GtkWidget   *dropdown,
               const char  *property,
               int          first)
{
  g_binding_group_bind_full (self->bindings, property, dropdown, "selected",
                             G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE,
                             value_to_position, position_to_value, GINT_TO_POINTER (first), NULL);
}

static void
mq_filter_bar_dispose (GObject *object)
{
  MqFilterBar *self = MQ_FILTER_BAR (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), MQ_TYPE_FILTER_BAR);
  g_clear_object (&self->bindings);
  g_clear_object (&self->signals);
  g_clear_object (&self->filter);
  G_OBJECT_CLASS (mq_filter_bar_parent_class)->dispose (object);
}

static void
mq_filter_bar_class_init (MqFilterBarClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  static const char *const toggles[] = {
    "flagged_toggle", "overdue_toggle", "due_soon_toggle", "missing_entity_toggle", "north_toggle",
  };

  G_OBJECT_CLASS (klass)->dispose = mq_filter_bar_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/maqiao/LandViewer/mq-filter-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, MqFilterBar, search_entry);
  gtk_widget_class_bind_template_child (widget_class, MqFilterBar, locks_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MqFilterBar, method_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MqFilterBar, count_label);
  for (guint i = 0; i < G_N_ELEMENTS (toggles); i++)
    gtk_widget_class_bind_template_child_full (widget_class, toggles[i], FALSE,
                                               G_STRUCT_OFFSET (MqFilterBar, toggles) +
                                               i * sizeof (gpointer));
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_clear_clicked);
}

static void
mq_filter_bar_init (MqFilterBar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->bindings = g_binding_group_new ();
  self->signals = g_signal_group_new (MQ_TYPE_FILTER);
  for (guint i = 0; i < G_N_ELEMENTS (self->toggles); i++)
    g_binding_group_bind (self->bindings, gtk_widget_get_name (self->toggles[i]), self->toggles[i],
                          "active", G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_signal_group_connect_swapped (self->signals, "notify::text", G_CALLBACK (on_filter_text), self);
  bind_dropdown (self, self->locks_dropdown, "locks-held", 0);
  bind_dropdown (self, self->method_dropdown, "method", MQ_METHOD_CAPACITY_UPGRADE);
}

/* The bar edits the project's filter, the one the map, table and dashboard share. */
void
mq_filter_bar_set_project (MqFilterBar *self,
                           MqProject   *project)
{
  g_return_if_fail (MQ_IS_FILTER_BAR (self));

  g_set_object (&self->filter, (project ? mq_project_get_filter (project) : NULL));
  g_binding_group_set_source (self->bindings, self->filter);
  g_signal_group_set_target (self->signals, self->filter);
}

/* Returns: (transfer none) (nullable): the filter the bar edits */
MqFilter *
mq_filter_bar_get_filter (MqFilterBar *self)
{
  g_return_val_if_fail (MQ_IS_FILTER_BAR (self), NULL);
  return self->filter;
}

GtkWidget *
mq_filter_bar_get_search_entry (MqFilterBar *self)
{
  g_return_val_if_fail (MQ_IS_FILTER_BAR (self), NULL);
  return GTK_WIDGET (self->search_entry);
}

void
mq_filter_bar_set_counts (MqFilterBar *self,
                          guint        shown,
                          guint        total)
{
  g_autofree char *text = NULL;

  g_return_if_fail (MQ_IS_FILTER_BAR (self));

  text = shown == total ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u parcel", "%u parcels", total), total)
                        : g_strdup_printf (_("%u of %u parcels"), shown, total);
  gtk_label_set_text (self->count_label, text);
}
