/* mq-window-views.c — the map, the table and the dashboard over one filter
 * and one selection.
 *
 * The project's MqFilter is the one filter: the table shows what it leaves,
 * the map fades the rest, the dashboard counts what it leaves. The
 * project's MqSelection is the one selection: the table selects the same
 * rows. What the search picks is selected and flown to here too. Each view
 * follows the project itself; this file only joins them.
 *
 * The map's keys work from anywhere in the map page (a button over the map,
 * a filter chip), except where a key means something else: in a text entry,
 * and in the side panel, where Esc closes the panel.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mq-window-private.h"

/* The map fades what the filter leaves out; the bar says how many it left. */
static void
on_filter_changed (MqWindow *self)
{
  MqDataset *dataset = mq_project_get_dataset (self->project);
  MqFilter *filter = mq_project_get_filter (self->project);
  guint n, kept;

  if (dataset == NULL)
    return;
  n = kept = mq_parcels_get_n_parcels (mq_dataset_get_parcels (dataset));
  mq_renderer_set_shown (mq_map_view_get_renderer (self->map_view),
                         mq_filter_is_active (filter)
                           ? mq_filter_get_shown (filter, dataset, mq_dataset_get_today (dataset), &kept) : NULL);
  mq_map_view_refresh (self->map_view);
  mq_filter_bar_set_counts (self->filter_bar, kept, n);
}

static void
on_parcel_activated (MqWindow *self,
                     guint     index)
{
  mq_selection_select_only (mq_project_get_selection (self->project), index);
  adw_view_stack_set_visible_child_name (self->view_stack, "map");
  mq_map_view_zoom_to_selection (self->map_view);
}

/* Keys that reach the map page unused. A text entry has had its keys
 * already (a bubbling controller sees only what it left); the side panel's
 * lists and dropdowns need the arrows, so there only Esc acts: it closes it. */
static gboolean
on_page_key_pressed (GtkEventControllerKey *keys,
                     guint                  keyval,
                     guint                  keycode,
                     GdkModifierType        state,
                     MqWindow              *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  if (g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "map") != 0)
    return GDK_EVENT_PROPAGATE;
  if (focus != NULL && GTK_IS_EDITABLE (focus))
    return GDK_EVENT_PROPAGATE;
  if (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->identify_revealer)))
    {
      if (keyval != GDK_KEY_Escape || (state & gtk_accelerator_get_default_mod_mask ()) != 0)
        return GDK_EVENT_PROPAGATE;
      gtk_widget_activate_action (GTK_WIDGET (self), "win.close-panel", NULL);
      return GDK_EVENT_STOP;
    }
  return mq_map_view_activate_key (self->map_view, keyval, state);
}

/* ---- what the search found (the filter bar's choice), shown on the map:
 * the parcel becomes the selection and the map fits it, or the map fits the
 * place (all of a road, a river, a part of the zone; core/mq-places.c) ---- */

/* Room round a place, in pixels: a road's ends are not on the window's edge. */
#define PLACE_MARGIN_PX 48

static void
on_parcel_chosen (MqWindow *self,
                  guint     index)
{
  MqDataset *dataset = mq_project_get_dataset (self->project);

  if (dataset == NULL || index >= mq_parcels_get_n_parcels (mq_dataset_get_parcels (dataset)))
    return;
  mq_selection_select_only (mq_project_get_selection (self->project), index);
  adw_view_stack_set_visible_child_name (self->view_stack, "map");
  mq_map_view_show_selection (self->map_view, 1.0);
}

/* A place is not a parcel: the search text that found it would fade every
 * parcel on the way there, so it is cleared. */
static void
on_place_chosen (MqWindow   *self,
                 const char *name)
{
  MqDataset *dataset = mq_project_get_dataset (self->project);
  MqBox extent;

  if (dataset == NULL || !mq_places_lookup (dataset, name, &extent))
    return;
  g_object_set (mq_project_get_filter (self->project), "text", "", NULL);
  adw_view_stack_set_visible_child_name (self->view_stack, "map");
  mq_viewport_fit (mq_map_view_get_viewport (self->map_view), &extent, PLACE_MARGIN_PX);
}

/* ---- a past day ---- */

/* The banner over every view, and the header button, say which day. */
static void
on_as_of_changed (MqWindow *self)
{
  guint32 as_of = mq_project_get_as_of (self->project);
  g_autofree char *day = NULL, *text = NULL;
  GDate date;
  char shown[64];

  gtk_revealer_set_reveal_child (self->as_of_revealer, as_of != 0);
  gtk_widget_set_sensitive (self->as_of_today_button, as_of != 0);
  if (as_of == 0)
    {
      gtk_menu_button_set_icon_name (self->as_of_button, "document-open-recent-symbolic");
      return;
    }
  g_date_clear (&date, 1);
  g_date_set_julian (&date, as_of);
  /* TRANSLATORS: a day in the window's banner, as strftime() takes it */
  g_date_strftime (shown, sizeof shown, _("%-d %B %Y"), &date);
  /* TRANSLATORS: the banner over the views at a past day */
  text = g_strdup_printf (_("As of %s: the project as it stood at the end of that day, from its history. "
                            "Read-only."), shown);
  gtk_label_set_text (self->as_of_label, text);
  day = mq_date_format (as_of);
  gtk_menu_button_set_label (self->as_of_button, day);
}

static void
show_as_of (MqWindow *self,
            guint32   julian)
{
  g_autoptr(GError) error = NULL;

  gtk_popover_popdown (gtk_menu_button_get_popover (self->as_of_button));
  if (!mq_project_set_as_of (self->project, julian, &error))
    _mq_window_show_problem (self, _("The Past Day Cannot Be Shown"), error);
}

static void
on_as_of_chosen (MqWindow *self)
{
  g_autoptr(GDateTime) chosen = gtk_calendar_get_date (self->as_of_calendar);
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, g_date_time_get_day_of_month (chosen), g_date_time_get_month (chosen),
                  g_date_time_get_year (chosen));
  /* Today, or a day to come, is the project as it is. */
  show_as_of (self, g_date_get_julian (&date) >= mq_today_real () ? 0 : g_date_get_julian (&date));
}

static void
on_today (MqWindow *self)
{
  show_as_of (self, 0);
}

void
_mq_window_init_views (MqWindow *self)
{
  GtkEventController *keys = gtk_event_controller_key_new ();

  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_page_key_pressed), self);
  gtk_widget_add_controller (self->map_page, keys);
  g_signal_connect_object (mq_project_get_filter (self->project), "changed",
                           G_CALLBACK (on_filter_changed), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_swapped (self->project_signals, "loaded", G_CALLBACK (on_filter_changed), self);
  g_signal_connect_object (self->parcel_table, "parcel-activated", G_CALLBACK (on_parcel_activated),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->dashboard, "parcel-activated", G_CALLBACK (on_parcel_activated),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->filter_bar, "parcel-chosen", G_CALLBACK (on_parcel_chosen), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->filter_bar, "place-chosen", G_CALLBACK (on_place_chosen), self,
                           G_CONNECT_SWAPPED);
  /* A button, not the calendar's day-selected: turning to another month
   * selects that month's same day without a word, and a click on it then
   * says nothing either. */
  g_signal_connect_swapped (self->as_of_show_button, "clicked", G_CALLBACK (on_as_of_chosen), self);
  g_signal_connect_swapped (self->as_of_today_button, "clicked", G_CALLBACK (on_today), self);
  g_signal_connect_swapped (self->as_of_banner_button, "clicked", G_CALLBACK (on_today), self);
  g_signal_group_connect_swapped (self->project_signals, "notify::as-of", G_CALLBACK (on_as_of_changed), self);
  on_as_of_changed (self);
}
