/* mq-window-present.c — the meeting-room mode.
 *
 * Full screen, the map alone with larger labels and legend, a title card
 * with live totals, and N / P stepping through the flagged parcels (or those
 * the filter leaves) with a large card for each: its figures, how long it is
 * overdue in red, and a locator inset showing where in the zone it lies.
 * F5 fits the zone into what the title card and legend leave free; toasts
 * wait until the meeting ends; Esc leaves, back to the view from before.
 * The keys are a capture-phase shortcut controller, added only while
 * presenting, so they win over the map's own Esc (clear the selection).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mq-furniture.h"
#include "mq-window-private.h"

/* Room round the zone, and the renderer's margin round its legend and scale
 * bar (mq-renderer.c), in pixels. */
#define ZONE_GAP_PX 24.0
#define FURNITURE_MARGIN_PX 14.0
#define SCALE_BAR_PX 32.0
#define MAX_COVERED 0.8
/* Keys 1–9 carry 100 + n: the n-th saved view. */
#define FIRST_VIEW_KEY 100
/* [ and ]: the map a month back or forward (playback through the months). */
#define MONTH_BACK_KEY 200
#define MONTH_ON_KEY 201

/* At a past day the card says which, in place of the changes since. */
static char *
dup_as_of_line (MqWindow *self)
{
  g_autofree char *day = mq_date_format (mq_project_get_as_of (self->project));

  /* TRANSLATORS: the meeting room's line when the project is shown at a past day */
  return g_strdup_printf (_("As of %s (the project's history)"), day);
}

/* The opening card's "since the last meeting" (the dashboard's day). */
static char *
dup_since_line (MqWindow  *self,
                MqChanges *changes)
{
  g_autofree char *day = mq_date_format (mq_project_get_changes_since (self->project));
  MqChangeCount locked = mq_changes_get_any_new_lock (changes);

  /* TRANSLATORS: the meeting room's line: since the last meeting, 本期新增锁定 N 宗 X 亩 … */
  return g_strdup_printf (_("Since %s: locks newly held on %u parcels, %.1f mu · all four newly: %u · newly overdue %u"),
                          day, locked.parcels, locked.mu, mq_changes_get_fully_locked (changes).parcels,
                          mq_changes_get_n_newly_overdue (changes));
}

/* The totals, and under them the second line as last worked out. */
static void
show_totals (MqWindow *self)
{
  g_autofree char *text = NULL;

  if (self->present_second_line == NULL)
    text = g_strdup (self->present_summary);
  else
    text = g_strconcat (self->present_summary, "\n", self->present_second_line, NULL);
  gtk_label_set_text (self->present_totals, text);
}

static void
on_changes (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(MqWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MqChanges) changes = mq_project_dup_changes_finish (MQ_PROJECT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->present_changes);
  g_free (self->present_second_line);
  self->present_second_line = changes ? dup_since_line (self, changes) : NULL;
  show_totals (self);
}

/* The changes since are worked out in a worker (a server's history is a
 * query): the line shows the last answer until the next arrives; a newer
 * question cancels the older. */
static void
ask_changes (MqWindow *self)
{
  g_cancellable_cancel (self->present_changes);
  g_clear_object (&self->present_changes);
  if (mq_project_get_as_of (self->project) != 0)
    {
      g_free (self->present_second_line);
      self->present_second_line = dup_as_of_line (self);
      return;
    }
  /* Until the first answer, the line says what is coming: the card keeps
   * its height, and the map fitted under it stays clear of it. */
  if (self->present_second_line == NULL)
    {
      g_autofree char *day = mq_date_format (mq_project_get_changes_since (self->project));

      /* TRANSLATORS: the meeting room's line while the changes since a day are worked out */
      self->present_second_line = g_strdup_printf (_("Since %s: …"), day);
    }
  self->present_changes = g_cancellable_new ();
  mq_project_dup_changes_async (self->project, self->present_changes, on_changes, g_object_ref (self));
}

static void
update_totals (MqWindow *self)
{
  MqDataset *dataset = mq_project_get_dataset (self->project);
  g_autoptr(MqSummary) s = NULL;

  if (dataset == NULL || !self->presenting)
    return;
  s = mq_summary_new_filtered (dataset, mq_dataset_get_today (dataset), mq_project_get_filter (self->project));
  g_free (self->present_summary);
  self->present_summary =
    g_strdup_printf (_("Flagged %u parcels, %.1f mu of the %.0f mu target · all four locks: %u parcels, %.1f mu · overdue %u"),
                     s->flagged_parcels, s->flagged_m2 / MQ_M2_PER_MU, MQ_TARGET_MU,
                     s->locks_held[MQ_N_LOCKS], s->locks_held_m2[MQ_N_LOCKS] / MQ_M2_PER_MU, s->overdue);
  ask_changes (self);
  show_totals (self);
}

static char *
parcel_card_text (const MqParcel *p,
                  guint32         today)
{
  g_autofree char *deadline = mq_date_format (p->deadline);
  GString *text = g_string_new (NULL);

  g_string_append_printf (text, "%s\n%s\n", p->id ? p->id : "?", p->owner ? p->owner : "");
  g_string_append_printf (text, _("%.1f mu · %s · %s"), p->area_m2 / MQ_M2_PER_MU,
                          *mq_method_label (p->method) ? mq_method_label (p->method) : "—",
                          mq_stage_label (p->stage));
  for (guint lock = 0; lock < MQ_N_LOCKS; lock++)
    g_string_append_printf (text, "%s%s %s", lock % 2 ? "　" : "\n", (p->locks >> lock) & 1 ? "✓" : "—",
                            mq_lock_label (lock));
  g_string_append_printf (text, _("\nDeadline %s · %s"), *deadline ? deadline : "—",
                          p->details->entity ? p->details->entity : _("no responsible entity"));
  return g_string_free (text, FALSE);
}

/* "已逾期 817 天" in red under the figures, or nothing. */
static void
show_overdue (MqWindow       *self,
              const MqParcel *p)
{
  g_autofree char *overdue = mq_overdue_text (mq_parcel_days_overdue (p, mq_project_get_today (self->project)));

  gtk_label_set_text (GTK_LABEL (self->present_overdue_label), overdue ? overdue : "");
  gtk_widget_set_visible (self->present_overdue_label, overdue != NULL);
}

/* What the cards leave free: under the title card, left of the legend (top
 * right), above the scale bar, and right of the parcel card when it shows. */
static void
cards_padding (MqWindow *self,
               double    pad[4])
{
  MqRenderer *renderer = mq_map_view_get_renderer (self->map_view);
  int card_height = 0, card_width = 0;
  double legend_width, legend_height;
  /* The legend's size as the renderer draws it in the meeting room. */
  double k = mq_renderer_get_furniture_scale (renderer, gtk_widget_get_height (GTK_WIDGET (self->map_view)));

  gtk_widget_measure (self->present_title_card, GTK_ORIENTATION_VERTICAL, -1, NULL, &card_height, NULL, NULL);
  mq_furniture_legend_size (mq_renderer_get_theme (renderer), TRUE, k, &legend_width, &legend_height);
  pad[0] = gtk_widget_get_margin_top (self->present_title_card) + card_height + ZONE_GAP_PX;
  pad[1] = legend_width + FURNITURE_MARGIN_PX + ZONE_GAP_PX;
  pad[2] = FURNITURE_MARGIN_PX + SCALE_BAR_PX * k + ZONE_GAP_PX;
  pad[3] = ZONE_GAP_PX;
  if (gtk_widget_get_visible (self->present_parcel_card))
    {
      gtk_widget_measure (self->present_parcel_card, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &card_width, NULL,
                          NULL);
      pad[3] += gtk_widget_get_margin_start (self->present_parcel_card) + card_width;
    }
  /* On a small screen the cards leave no room: better the parcel under its
   * card than a map fitted into a sliver. */
  if (pad[1] + pad[3] > MAX_COVERED * gtk_widget_get_width (GTK_WIDGET (self->map_view)))
    pad[3] = ZONE_GAP_PX;
}

/* The whole zone in what the cards leave free. The map refits as the
 * window goes full screen, until someone moves it. */
static void
fit_zone (MqWindow *self)
{
  double pad[4];

  cards_padding (self, pad);
  mq_map_view_fit_zone (self->map_view, pad[0], pad[1], pad[2], pad[3]);
}

/* N / P: the next or previous parcel (@step +1 or -1) with its card;
 * present_shown says which, or -1 when there is none to show. */
static void
step (MqWindow *self,
      int       delta)
{
  MqDataset *dataset = mq_project_get_dataset (self->project);
  g_autoptr(GArray) order = NULL;
  g_autofree char *text = NULL;
  double pad[4];
  guint index;

  self->present_shown = -1;
  if (dataset == NULL)
    return;
  order = mq_project_dup_stepping_order (self->project);
  if (order->len == 0)
    return;
  self->present_position = (self->present_position + delta + (int) order->len) % (int) order->len;
  index = g_array_index (order, guint, self->present_position);
  mq_selection_select_only (mq_project_get_selection (self->project), index);
  text = parcel_card_text (mq_parcels_get (mq_dataset_get_parcels (dataset), index), mq_dataset_get_today (dataset));
  gtk_label_set_text (self->present_parcel_label, text);
  show_overdue (self, mq_parcels_get (mq_dataset_get_parcels (dataset), index));
  mq_locator_set_dataset (self->present_locator, dataset);
  mq_locator_set_parcel (self->present_locator, (int) index);
  gtk_widget_set_visible (self->present_parcel_card, TRUE);
  /* The parcel beside its card, not under it. */
  cards_padding (self, pad);
  mq_map_view_set_padding (self->map_view, pad[0], pad[1], pad[2], pad[3]);
  mq_map_view_show_selection (self->map_view, 1.0);
  self->present_shown = (int) index;
}

static void
step_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  step (MQ_WINDOW (widget), g_variant_get_int32 (parameter));
}

/* Keys 1–9: the saved views in their order, through the saved views' action. */
static void
go_to_view_at (MqWindow *self,
               guint     position)
{
  g_autoptr(JsonObject) view = mq_project_dup_view (self->project, NULL, position);

  if (view != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.goto-view", "s",
                                json_object_get_string_member_with_default (view, "name", ""));
}

/* The last day of the month before (or after) the one shown: the map played
 * back month by month; past today's month it is today again. */
static void
step_month (MqWindow *self,
            int       months)
{
  guint32 shown = mq_project_get_as_of (self->project);
  g_autoptr(GError) error = NULL;
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_julian (&date, shown ? shown : mq_today_real ());
  g_date_set_day (&date, 1);
  if (months < 0)
    g_date_subtract_days (&date, 1);
  else
    {
      g_date_add_months (&date, 2);
      g_date_subtract_days (&date, 1);
    }
  if (g_date_get_julian (&date) >= mq_today_real ())
    g_date_set_julian (&date, mq_today_real ());
  if (!mq_project_set_as_of (self->project, g_date_get_julian (&date) == mq_today_real ()
                                              ? 0 : g_date_get_julian (&date), &error))
    _mq_window_toast (self, adw_toast_new (error->message));
}

static void
present_month_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  step_month (MQ_WINDOW (widget), g_variant_get_int32 (parameter));
}

static gboolean
on_present_key (GtkWidget *widget,
                GVariant  *args,
                gpointer   data)
{
  MqWindow *self = MQ_WINDOW (widget);
  int key = GPOINTER_TO_INT (data);

  if (key == 0)
    g_object_set (self, "presenting", FALSE, NULL);
  else if (key == MONTH_BACK_KEY || key == MONTH_ON_KEY)
    step_month (self, key == MONTH_BACK_KEY ? -1 : 1);
  else if (key >= FIRST_VIEW_KEY)
    go_to_view_at (self, key - FIRST_VIEW_KEY);
  else
    step (self, key);
  return TRUE;
}

static GtkEventController *
present_keys (void)
{
  GtkEventController *keys = gtk_shortcut_controller_new ();
  static const struct { guint key; int step; } bindings[] = {
    { GDK_KEY_Escape, 0 }, { GDK_KEY_n, 1 }, { GDK_KEY_Page_Down, 1 }, { GDK_KEY_space, 1 },
    { GDK_KEY_p, -1 }, { GDK_KEY_Page_Up, -1 }, { GDK_KEY_BackSpace, -1 },
    { GDK_KEY_bracketleft, MONTH_BACK_KEY }, { GDK_KEY_bracketright, MONTH_ON_KEY },
  };

  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  for (guint n = 0; n < 9; n++)
    gtk_shortcut_controller_add_shortcut (
      GTK_SHORTCUT_CONTROLLER (keys),
      gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_1 + n, 0),
                        gtk_callback_action_new (on_present_key, GINT_TO_POINTER (FIRST_VIEW_KEY + n), NULL)));
  for (guint i = 0; i < G_N_ELEMENTS (bindings); i++)
    gtk_shortcut_controller_add_shortcut (
      GTK_SHORTCUT_CONTROLLER (keys),
      gtk_shortcut_new (gtk_keyval_trigger_new (bindings[i].key, 0),
                        gtk_callback_action_new (on_present_key, GINT_TO_POINTER (bindings[i].step), NULL)));
  return keys;
}

static void
show_chrome (MqWindow *self,
             gboolean  shown)
{
  gtk_widget_set_visible (self->header_bar, shown);
  gtk_widget_set_visible (GTK_WIDGET (self->filter_bar), shown);
  gtk_widget_set_visible (self->status_bar, shown);
  gtk_widget_set_visible (GTK_WIDGET (self->identify_revealer), shown);
  gtk_widget_set_visible (self->map_buttons, shown);
  gtk_widget_set_visible (self->present_title_card, !shown);
  if (shown)
    gtk_widget_set_visible (self->present_parcel_card, FALSE);
}

static void
enter (MqWindow *self)
{
  g_set_object (&self->before_meeting, NULL);
  self->before_meeting = mq_viewport_copy (mq_map_view_get_viewport (self->map_view));
  self->as_of_before_meeting = mq_project_get_as_of (self->project);
  self->present_keys = present_keys ();
  gtk_widget_add_controller (GTK_WIDGET (self), self->present_keys);
  adw_view_stack_set_visible_child_name (self->view_stack, "map");
  self->present_position = -1;
  update_totals (self);
  fit_zone (self);
  gtk_window_fullscreen (GTK_WINDOW (self));
}

/* Back to the view from before the meeting, and the toasts it held. */
static void
leave (MqWindow *self)
{
  gtk_widget_remove_controller (GTK_WIDGET (self), g_steal_pointer (&self->present_keys));
  gtk_window_unfullscreen (GTK_WINDOW (self));
  if (self->before_meeting != NULL)
    mq_map_view_restore_view (self->map_view, self->before_meeting);
  g_clear_object (&self->before_meeting);
  /* The day played back to goes with the meeting. */
  mq_project_set_as_of (self->project, self->as_of_before_meeting, NULL);
  for (guint i = 0; i < self->held_toasts->len; i++)
    adw_toast_overlay_add_toast (self->toast_overlay, g_object_ref (g_ptr_array_index (self->held_toasts, i)));
  g_ptr_array_set_size (self->held_toasts, 0);
  g_cancellable_cancel (self->present_changes);
  g_clear_object (&self->present_changes);
}

/* The window's "presenting" changed: enter or leave the meeting room. */
static void
on_presenting (MqWindow *self)
{
  MqRenderer *renderer = mq_map_view_get_renderer (self->map_view);
  gboolean presenting = self->presenting;

  if ((self->present_keys != NULL) == presenting)
    return;
  show_chrome (self, !presenting);
  mq_renderer_set_meeting_room (renderer, presenting);
  mq_map_view_refresh (self->map_view);
  if (presenting)
    enter (self);
  else
    leave (self);
}

void
_mq_window_class_init_present (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_property_action (widget_class, "win.present", "presenting");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "win.present", NULL);
  gtk_widget_class_install_action (widget_class, "win.present-step", "i", step_action);
  /* -1 or 1: the map played back a month, or forward ([ and ] in the room). */
  gtk_widget_class_install_action (widget_class, "win.present-month", "i", present_month_action);
}

void
_mq_window_init_present (MqWindow *self)
{
  gtk_label_set_text (self->present_title, _("Maqiao AI Pilot Zone · the Four Locks"));
  /* Live totals: an edit reaches them through the filter's "changed". */
  g_signal_connect_object (mq_project_get_filter (self->project), "changed",
                           G_CALLBACK (update_totals), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_swapped (self->project_signals, "loaded", G_CALLBACK (update_totals), self);
  g_signal_connect (self, "notify::presenting", G_CALLBACK (on_presenting), NULL);
}
