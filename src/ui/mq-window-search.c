/* mq-window-search.c — what the search found, shown on the map.
 *
 * The filter bar says which parcel or place was picked; here the parcel
 * becomes the selection and the map fits it, or the map fits the place
 * (all of a road, a river, a part of the zone). Looking the place up is
 * core's (mq-places.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-window-private.h"

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
_mq_window_init_search (MqWindow *self)
{
  g_signal_connect_object (self->filter_bar, "parcel-chosen", G_CALLBACK (on_parcel_chosen), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->filter_bar, "place-chosen", G_CALLBACK (on_place_chosen), self,
                           G_CONNECT_SWAPPED);
}
