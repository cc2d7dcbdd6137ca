/* mq-window-nav.c — finding one's way on the map, whatever has the focus.
 *
 * The map's keys work from anywhere in the map page (a button over the map,
 * a filter chip) except where a key means something else: in a text entry,
 * and in the side panel, where Esc closes the panel. Buttons over the map
 * zoom, fit the zone or the selection, and walk the history of extents
 * (as QGIS's Zoom Last / Zoom Next). The status line shows the scale in an
 * entry that takes a typed one (1:5000, or 5000).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "mq-window-private.h"

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
      close_panel (self);
      return GDK_EVENT_STOP;
    }
  return mq_map_view_activate_key (self->map_view, keyval, state);
}

/* ---- the scale in the status line ---- */

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

/* "1:5,000" in the entry, unless the user is typing there. */
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

void
_mq_window_class_init_nav (GtkWidgetClass *widget_class)
{
  static const char *const forwarded[] = {
    "win.zoom-in", "win.zoom-out", "win.zoom-all", "win.zoom-selection", "win.zoom-previous",
    "win.zoom-next",
  };

  for (guint i = 0; i < G_N_ELEMENTS (forwarded); i++)
    gtk_widget_class_install_action (widget_class, forwarded[i], NULL, forward_action);
  gtk_widget_class_install_action (widget_class, "win.close-panel", NULL, close_panel_action);
}

/* Which navigation can act: the history's ends and an empty selection
 * disable theirs (called from _mq_window_actions_update()). */
void
_mq_window_nav_actions_update (MqWindow *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean open = mq_project_get_dataset (self->project) != NULL;
  gboolean back = FALSE, forward = FALSE;

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
}

void
_mq_window_init_nav (MqWindow *self)
{
  GtkEventController *keys = gtk_event_controller_key_new ();
  GtkEventController *focus = gtk_event_controller_focus_new ();

  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_page_key_pressed), self);
  gtk_widget_add_controller (self->map_page, keys);
  g_signal_connect (self->scale_entry, "activate", G_CALLBACK (on_scale_activate), self);
  g_signal_connect_swapped (focus, "leave", G_CALLBACK (on_scale_focus_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self->scale_entry), focus);
  g_signal_connect_object (mq_map_view_get_viewport (self->map_view), "changed", G_CALLBACK (show_scale),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->map_view, "notify::can-go-back", G_CALLBACK (_mq_window_actions_update),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->map_view, "notify::can-go-forward", G_CALLBACK (_mq_window_actions_update),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (mq_project_get_selection (self->project), "changed",
                           G_CALLBACK (_mq_window_actions_update), self, G_CONNECT_SWAPPED);
}
