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
                           ? mq_filter_get_shown (filter, dataset, mq_today (), &kept) : NULL);
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
}
