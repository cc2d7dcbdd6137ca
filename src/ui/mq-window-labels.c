/* mq-window-labels.c — what the map's parcel labels say.
 *
 * win.label-field is a stateful action ("id", "owner", "project", "entity",
 * "mu") that the primary menu shows as radio items. The choice is kept in
 * GSettings when the app has its schema, and held for the session when it
 * has none: the menu works either way.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-window-labels.h"
#include "mq-window-private.h"

/* Puts the field named @key on the map and in the action's state; FALSE
 * for a key that names no field. */
static gboolean
show_field (MqWindow      *self,
            GSimpleAction *action,
            const char    *key)
{
  MqRenderer *renderer = mq_map_view_get_renderer (self->map_view);
  MqLabelField field;

  if (!mq_label_field_parse (key, &field))
    return FALSE;
  g_simple_action_set_state (action, g_variant_new_string (key));
  if (mq_renderer_get_label_field (renderer) != field)
    {
      mq_renderer_set_label_field (renderer, field);
      mq_map_view_refresh (self->map_view);
    }
  return TRUE;
}

static void
on_label_field_change_state (GSimpleAction *action,
                             GVariant      *value,
                             MqWindow      *self)
{
  const char *key = g_variant_get_string (value, NULL);

  if (show_field (self, action, key) && self->settings != NULL)
    g_settings_set_string (self->settings, "label-field", key);
}

/* Another window (or dconf) chose: every window follows. */
static void
on_settings_changed (GSettings  *settings,
                     const char *key,
                     MqWindow   *self)
{
  g_autofree char *value = g_settings_get_string (settings, key);
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "label-field");

  show_field (self, G_SIMPLE_ACTION (action), value);
}

void
_mq_window_init_labels (MqWindow *self)
{
  g_autoptr(GSimpleAction) action =
    g_simple_action_new_stateful ("label-field", G_VARIANT_TYPE_STRING, g_variant_new_string ("id"));
  g_autofree char *remembered = NULL;

  g_signal_connect_object (action, "change-state", G_CALLBACK (on_label_field_change_state), self, 0);
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (action));
  if (self->settings == NULL)
    return;
  remembered = g_settings_get_string (self->settings, "label-field");
  show_field (self, action, remembered);
  g_signal_connect_object (self->settings, "changed::label-field", G_CALLBACK (on_settings_changed),
                           self, 0);
}
