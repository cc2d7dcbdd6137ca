/* mq-locks-panel.c
 *
 * Rows are bound to an MqParcelModel: switches and combo rows both ways,
 * entry rows one way with their Apply button (Enter) writing back — a
 * keystroke is not an edit, a finished value is. The dated subtitles and the
 * history list follow the model. The parcel shown is the one this planner
 * is "editing" for the others (presence); a badge names whoever else has it
 * open.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-locks-panel.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "mq-performance.h"

#define HISTORY_ROWS 30
#define N_SWITCHES (MQ_N_LOCKS + 1 + MQ_N_HIGH_LOW)
#define N_COMBOS 3
#define FLAG_REASON_ENTRY 6       /* in entries[], as class_init lists them */
#define FIRST_LOCK_DATE_ENTRY 8

struct _MqLocksPanel
{
  GtkWidget       parent_instance;

  MqParcelModel  *model;
  GSignalGroup   *project_signals;
  gboolean        syncing_calendar;

  GtkLabel       *title;
  GtkLabel       *subtitle;
  GtkLabel       *overdue_label;
  GtkLabel       *presence_badge;
  GtkWidget      *save_project_button;
  GtkWidget      *locks_group;
  GtkWidget      *transformation_group;
  GtkWidget      *history_group;
  GtkListBox     *history_list;
  AdwExpanderRow *lock_rows[MQ_N_LOCKS];
  GtkWidget      *switches[N_SWITCHES];   /* the four locks, "flagged", the 三高一低 */
  gboolean        syncing_rows;          /* the model's values are being put in the rows */
  AdwActionRow   *flagged_row;
  AdwActionRow   *area_row;
  GtkWidget      *entries[20];
  gboolean        syncing_entries;  /* the model's text is being put in an entry */
  GtkMenuButton  *deadline_button;
  GtkPopover     *deadline_popover;
  GtkCalendar    *deadline_calendar;
  GtkEditable    *deadline_entry;
  GtkWidget      *reason_box;
  GtkWidget      *reasons[4];            /* check buttons, one per 三高一低 term */
  gboolean        reasons_ticked;        /* by the user, since the list opened */
  AdwComboRow    *combo_rows[N_COMBOS];  /* stage, method, grade */
  GtkWidget      *performance_group;
  AdwActionRow   *per_mu_row;
};

G_DEFINE_FINAL_TYPE (MqLocksPanel, mq_locks_panel, GTK_TYPE_WIDGET)

static const char *const lock_props[MQ_N_LOCKS] = {
  "lock-parcel", "lock-project", "lock-deadline", "lock-owner",
};

static const char *const lock_date_props[MQ_N_LOCKS] = {
  "lock-parcel-date", "lock-project-date", "lock-deadline-date", "lock-owner-date",
};

/* Why a parcel is flagged, as the town's tables write it (data, not UI
 * text): high energy use, pollution, risk; low output. */
static const char *const reason_terms[] = { "高能耗", "高污染", "高风险", "低产出" };

static const char *const combo_props[N_COMBOS] = { "stage", "method", "grade" };
static const guint combo_choices[N_COMBOS] = { MQ_STAGE_DONE + 1, MQ_METHOD_QUALITY + 1, MQ_N_GRADES };

static void request_change (MqLocksPanel *self,
                            const char   *property,
                            const GValue *value,
                            const char   *what,
                            const char   *shown);
static void sync_rows      (MqLocksPanel *self);

/* An entry being typed in remembers what it showed when typing began (its
 * base, and whose parcel): the edit is made from that, so another planner's
 * change arriving meanwhile is a conflict to settle, not overwritten unseen
 * — and it does not wipe what is being typed. */
#define BASE_KEY "mq-base"
#define BASE_TITLE_KEY "mq-base-title"

static char *
model_text (MqLocksPanel *self,
            const char   *property)
{
  char *text = NULL;

  g_object_get (self->model, property, &text, NULL);
  return text;
}

static void
on_entry_changed (GtkEditable  *row,
                  MqLocksPanel *self)
{
  g_autofree char *shown = NULL;

  if (self->syncing_entries || g_object_get_data (G_OBJECT (row), BASE_KEY) != NULL)
    return;
  shown = model_text (self, gtk_widget_get_name (GTK_WIDGET (row)));
  if (g_strcmp0 (gtk_editable_get_text (row), shown ? shown : "") == 0)
    return;
  g_object_set_data_full (G_OBJECT (row), BASE_TITLE_KEY, model_text (self, "title"), g_free);
  g_object_set_data_full (G_OBJECT (row), BASE_KEY, g_steal_pointer (&shown), g_free);
}

/* Parcels that disagree leave the entry empty, saying so where the text
 * goes; the row's title still names the field. */
static void
show_mixed_entry (MqLocksPanel *self,
                  GtkWidget    *row)
{
  gboolean mixed = mq_parcel_model_is_mixed (self->model, gtk_widget_get_name (row));
  GtkEditable *text = gtk_editable_get_delegate (GTK_EDITABLE (row));

  if (GTK_IS_TEXT (text))
    gtk_text_set_placeholder_text (GTK_TEXT (text), mixed ? _("Several values") : NULL);
}

/* The model's text, shown in its entry unless someone is typing there. */
static void
show_model_text (MqLocksPanel *self,
                 GtkWidget    *row)
{
  g_autofree char *text = NULL;

  if (g_object_get_data (G_OBJECT (row), BASE_KEY) != NULL)
    return;
  text = model_text (self, gtk_widget_get_name (row));
  /* Setting the text passes through "" and partial texts: not typing. */
  self->syncing_entries = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (row), text ? text : "");
  /* The stored text is no typing to apply: the row's ✓ goes (it shows for
   * any change of the text, and the store may write a value otherwise
   * than it was typed, "2,500" as 2500). */
  if (ADW_IS_ENTRY_ROW (row) && adw_entry_row_get_show_apply_button (ADW_ENTRY_ROW (row)))
    {
      adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (row), FALSE);
      adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (row), TRUE);
    }
  self->syncing_entries = FALSE;
  show_mixed_entry (self, row);
}

static void
on_model_text (MqParcelModel *model,
               GParamSpec    *pspec,
               MqLocksPanel  *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (self->entries); i++)
    if (g_strcmp0 (gtk_widget_get_name (self->entries[i]), pspec->name) == 0)
      show_model_text (self, self->entries[i]);
}

static void
forget_base (GtkWidget *row)
{
  g_object_set_data (G_OBJECT (row), BASE_TITLE_KEY, NULL);
  g_object_set_data (G_OBJECT (row), BASE_KEY, NULL);
}

/* A finished text for @row's property: parcels that disagreed are all
 * overwritten, so that is asked first. */
static void
apply_text (MqLocksPanel *self,
            GtkWidget    *row,
            const char   *text,
            const char   *base)
{
  const char *property = gtk_widget_get_name (row);

  if (mq_parcel_model_is_mixed (self->model, property))
    {
      g_auto(GValue) value = G_VALUE_INIT;
      g_autofree char *shown = *text ? g_strdup_printf (_("“%s”"), text) : g_strdup (_("empty"));

      /* Each parcel had its own text: there is no one base to check. */
      g_value_init (&value, G_TYPE_STRING);
      g_value_set_string (&value, text);
      request_change (self, property, &value,
                      adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), shown);
      return;
    }
  mq_parcel_model_edit_text (self->model, property, text, base);
}

static void
on_entry_apply (AdwEntryRow  *row,
                MqLocksPanel *self)
{
  g_autofree char *base = g_strdup (g_object_get_data (G_OBJECT (row), BASE_KEY));
  g_autofree char *text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (row)));

  forget_base (GTK_WIDGET (row));
  apply_text (self, GTK_WIDGET (row), text, base);
}

/* Ctrl+Z in an entry whose text is applied takes back the project's last
 * change, as it would anywhere else in the window; while typing it undoes
 * the typing. */
static gboolean
on_entry_undo (GtkWidget *row,
               GVariant  *args,
               gpointer   user_data)
{
  const char *action = user_data;

  if (g_object_get_data (G_OBJECT (row), BASE_KEY) != NULL)
    return FALSE;
  return gtk_widget_activate_action (row, action, NULL);
}

static void
add_entry_undo (GtkWidget *row)
{
  GtkEventController *shortcuts = gtk_shortcut_controller_new ();

  /* Capture: ahead of the text's own Ctrl+Z, which would otherwise undo
   * typing already applied (and swallow the key). */
  gtk_event_controller_set_propagation_phase (shortcuts, GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
    gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_z, GDK_CONTROL_MASK),
                      gtk_callback_action_new (on_entry_undo, (gpointer) "win.undo", NULL)));
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
    gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK),
                      gtk_callback_action_new (on_entry_undo, (gpointer) "win.redo", NULL)));
  gtk_widget_add_controller (row, shortcuts);
}

/* Another parcel shown: what was being typed for the last one is dropped. */
static void
forget_stale_bases (MqLocksPanel *self)
{
  g_autofree char *title = model_text (self, "title");

  for (guint i = 0; i < G_N_ELEMENTS (self->entries); i++)
    {
      const char *typed_for = g_object_get_data (G_OBJECT (self->entries[i]), BASE_TITLE_KEY);

      if (typed_for == NULL || g_strcmp0 (typed_for, title) == 0)
        continue;
      forget_base (self->entries[i]);
      show_model_text (self, self->entries[i]);
    }
}

static void
set_deadline (MqLocksPanel *self,
              const char   *date)
{
  g_auto(GValue) value = G_VALUE_INIT;

  gtk_popover_popdown (self->deadline_popover);
  g_value_init (&value, G_TYPE_STRING);
  g_value_set_string (&value, date);
  request_change (self, "deadline", &value, _("Deadline"), *date ? date : _("No deadline"));
}

/* A date typed as the minutes have it (2026-05-12, 2026/5/12, 20260512). */
static void
on_deadline_typed (MqLocksPanel *self)
{
  guint32 julian = 0;
  g_autofree char *date = NULL;

  if (!mq_date_parse (gtk_editable_get_text (self->deadline_entry), &julian) || julian == 0)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->deadline_entry), "error");
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (self->deadline_entry), "error");
  date = mq_date_format (julian);
  set_deadline (self, date);
}

static void
on_deadline_today (MqLocksPanel *self)
{
  g_autofree char *date = mq_date_format (mq_today ());

  set_deadline (self, date);
}

static void
on_deadline_day_selected (MqLocksPanel *self)
{
  g_autoptr(GDateTime) day = NULL;
  g_autofree char *date = NULL;

  if (self->syncing_calendar)
    return;
  day = gtk_calendar_get_date (self->deadline_calendar);
  date = g_date_time_format (day, "%Y-%m-%d");
  set_deadline (self, date);
}

static void
on_deadline_clear (MqLocksPanel *self)
{
  set_deadline (self, "");
}

/* The calendar opens on the parcel's deadline, or today. */
static void
on_deadline_popover_show (MqLocksPanel *self)
{
  g_autofree char *deadline = NULL;
  g_autoptr(GDateTime) day = NULL;
  guint32 julian = 0;
  GDate date;

  g_object_get (self->model, "deadline", &deadline, NULL);
  if (mq_date_parse (deadline, &julian) && julian != 0)
    {
      g_date_clear (&date, 1);
      g_date_set_julian (&date, julian);
      day = g_date_time_new_local (g_date_get_year (&date), g_date_get_month (&date),
                                   g_date_get_day (&date), 0, 0, 0);
    }
  else
    day = g_date_time_new_now_local ();
  self->syncing_calendar = TRUE;
  gtk_calendar_select_day (self->deadline_calendar, day);
  self->syncing_calendar = FALSE;
  gtk_editable_set_text (self->deadline_entry, deadline);
  gtk_widget_remove_css_class (GTK_WIDGET (self->deadline_entry), "error");
}

static const char *
action_label (const char *action)
{
  if (g_strcmp0 (action, "batch") == 0)
    return _("batch edit");
  if (g_strcmp0 (action, "csv") == 0)
    return _("status table");
  if (g_strcmp0 (action, "undo") == 0)
    return _("undo");
  if (g_strcmp0 (action, "redo") == 0)
    return _("redo");
  if (g_strcmp0 (action, "survey") == 0)
    return _("survey update");
  return _("edit");
}

static GtkWidget *
history_row (const MqHistoryEntry *e)
{
  g_autofree char *when = mq_history_entry_dup_time (e);
  g_autofree char *title = mq_history_entry_dup_change (e);
  g_autofree char *subtitle = g_strdup_printf ("%s · %s · %s", when, e->user ? e->user : "",
                                               action_label (e->action));
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  return row;
}

static void
show_history (MqLocksPanel *self)
{
  MqProject *project = mq_parcel_model_get_project (self->model);
  const MqParcel *p = mq_parcel_model_get_parcel (self->model);
  g_autoptr(GPtrArray) history = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->history_list))) != NULL)
    gtk_list_box_remove (self->history_list, child);
  if (project != NULL && mq_project_get_has_store (project) && p != NULL && p->id != NULL &&
      mq_parcel_model_get_n_parcels (self->model) == 1)
    history = mq_project_list_history (project, p->id, HISTORY_ROWS, NULL);
  for (guint i = 0; history != NULL && i < history->len; i++)
    gtk_list_box_append (self->history_list, history_row (g_ptr_array_index (history, i)));
  if (history != NULL && history->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No changes recorded yet"));
      gtk_list_box_append (self->history_list, row);
    }
  gtk_widget_set_visible (self->history_group, history != NULL);
}

/* "Locked on 2026-05-12" or "Open", under each lock's title. */
static void
show_lock_states (MqLocksPanel *self)
{
  const MqParcel *p = mq_parcel_model_get_parcel (self->model);
  g_autofree char *area = NULL;

  for (guint lock = 0; lock < MQ_N_LOCKS; lock++)
    {
      g_autofree char *date = NULL;
      g_autofree char *state = NULL;

      gboolean held = FALSE;

      g_object_get (self->model, lock_date_props[lock], &date, lock_props[lock], &held, NULL);
      if (p != NULL && mq_parcel_model_is_mixed (self->model, lock_props[lock]))
        state = g_strdup (_("Several values"));
      else if (p != NULL && held)
        state = *date ? g_strdup_printf (_("Locked on %s"), date) : g_strdup (C_("lock", "Locked"));
      else
        state = g_strdup (C_("lock", "Open"));
      adw_expander_row_set_subtitle (self->lock_rows[lock], state);
    }
  area = p ? g_strdup_printf (_("%.2f mu (%.1f m²)"), p->area_m2 / MQ_M2_PER_MU, p->area_m2)
           : g_strdup ("");
  adw_action_row_set_subtitle (self->area_row, area);
}

/* The one parcel shown, while the panel is on screen; else none. */
static int
shown_parcel (MqLocksPanel *self)
{
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    return -1;
  return mq_parcel_model_get_shown_index (self->model);
}

/* "王工 正在编辑": others who have the parcel shown open too. */
static void
show_presence (MqLocksPanel *self)
{
  MqProject *project = mq_parcel_model_get_project (self->model);
  int parcel = shown_parcel (self);
  g_autoptr(GPtrArray) editors = NULL;
  g_autoptr(GString) names = g_string_new (NULL);
  g_autofree char *text = NULL;

  if (project == NULL)
    return;
  mq_project_set_editing (project, parcel);
  editors = parcel >= 0 ? mq_project_list_editors (project) : NULL;
  for (guint i = 0; editors != NULL && i < editors->len; i++)
    {
      const MqEditor *e = g_ptr_array_index (editors, i);

      if ((int) e->parcel != parcel)
        continue;
      if (names->len > 0)
        g_string_append (names, C_("list separator", ", "));
      g_string_append (names, e->display_name ? e->display_name : e->db_user);
    }
  if (names->len > 0)
    {
      /* Translators: %s is a planner's name, or several joined */
      text = g_strdup_printf (_("%s is editing this parcel"), names->str);
      gtk_label_set_text (self->presence_badge, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->presence_badge), names->len > 0);
}

/* "已逾期 817 天", in red, under the parcel's name: the one thing about it a
 * meeting should not miss. */
static void
show_overdue (MqLocksPanel *self)
{
  const MqParcel *p = mq_parcel_model_get_parcel (self->model);
  MqProject *project = mq_parcel_model_get_project (self->model);
  g_autofree char *text = NULL;

  if (p != NULL && project != NULL && mq_parcel_model_get_n_parcels (self->model) == 1)
    text = mq_overdue_text (mq_parcel_days_overdue (p, mq_project_get_today (project)));
  gtk_label_set_text (self->overdue_label, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->overdue_label), text != NULL);
}

static void
on_model_reloaded (MqLocksPanel *self)
{
  g_autofree char *deadline = NULL;

  forget_stale_bases (self);
  g_object_get (self->model, "deadline", &deadline, NULL);
  if (mq_parcel_model_is_mixed (self->model, "deadline"))
    gtk_menu_button_set_label (self->deadline_button, _("Several values"));
  else
    gtk_menu_button_set_label (self->deadline_button, *deadline ? deadline : _("Not set"));
  show_overdue (self);
  gtk_widget_set_visible (self->save_project_button,
                          mq_parcel_model_get_project (self->model) == NULL ||
                          !mq_project_get_has_store (mq_parcel_model_get_project (self->model)));
  show_lock_states (self);
  show_history (self);
  show_presence (self);
}

/* ---- the 三高一低 reason, ticked ---- */

static void
on_reason_popover_show (MqLocksPanel *self)
{
  g_autofree char *reason = model_text (self, "flag-reason");

  for (guint i = 0; i < G_N_ELEMENTS (reason_terms); i++)
    gtk_check_button_set_active (GTK_CHECK_BUTTON (self->reasons[i]),
                                 reason != NULL && strstr (reason, reason_terms[i]) != NULL);
  self->reasons_ticked = FALSE;
}

static void
on_reason_toggled (MqLocksPanel *self)
{
  self->reasons_ticked = TRUE;
}

/* The ticked terms, as the tables write them: "高能耗、低产出". Applied when
 * the list closes, as one change however many were ticked. */
static void
on_reason_popover_closed (MqLocksPanel *self)
{
  g_autoptr(GString) reason = g_string_new (NULL);
  g_autofree char *shown = model_text (self, "flag-reason");
  GtkWidget *row = self->entries[FLAG_REASON_ENTRY];

  /* Opened and closed untouched is no change, even where parcels disagree. */
  if (!self->reasons_ticked)
    return;
  self->reasons_ticked = FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (reason_terms); i++)
    if (gtk_check_button_get_active (GTK_CHECK_BUTTON (self->reasons[i])))
      g_string_append_printf (reason, "%s%s", reason->len ? "、" : "", reason_terms[i]);
  forget_base (row);
  apply_text (self, row, reason->str, shown);
}

static void
add_reason_checks (MqLocksPanel *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (reason_terms); i++)
    {
      g_autofree char *name = g_strdup_printf ("reason-%u", i);

      self->reasons[i] = gtk_check_button_new_with_label (reason_terms[i]);
      gtk_widget_set_name (self->reasons[i], name);
      g_signal_connect_object (self->reasons[i], "toggled", G_CALLBACK (on_reason_toggled), self,
                               G_CONNECT_SWAPPED);
      gtk_box_append (GTK_BOX (self->reason_box), self->reasons[i]);
    }
}

/* ---- switches and drop-downs: shown from the model, changed by asking ---- */

/* Parcels that disagree: the switch stands between off and on (style.css)
 * and its row says 多个值 — a default shown would be spread by one click. */
static void
sync_switch (MqLocksPanel *self,
             guint         i)
{
  const char *property = gtk_widget_get_name (self->switches[i]);
  gboolean mixed = mq_parcel_model_is_mixed (self->model, property);
  gboolean active = FALSE;

  g_object_get (self->model, property, &active, NULL);
  gtk_switch_set_active (GTK_SWITCH (self->switches[i]), active && !mixed);
  if (mixed)
    gtk_widget_add_css_class (self->switches[i], "mq-mixed");
  else
    gtk_widget_remove_css_class (self->switches[i], "mq-mixed");
}

/* A drop-down of disagreeing parcels shows an extra last item, 多个值,
 * that is there only while they disagree. */
static void
sync_combo (MqLocksPanel *self,
            guint         i)
{
  GtkStringList *list = GTK_STRING_LIST (adw_combo_row_get_model (self->combo_rows[i]));
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (list));
  guint selected = 0;

  g_object_get (self->model, combo_props[i], &selected, NULL);
  if (mq_parcel_model_is_mixed (self->model, combo_props[i]))
    {
      if (n_items == combo_choices[i])
        gtk_string_list_append (list, _("Several values"));
      selected = combo_choices[i];
    }
  adw_combo_row_set_selected (self->combo_rows[i], selected);
  if (n_items > combo_choices[i] && selected < combo_choices[i])
    gtk_string_list_splice (list, combo_choices[i], n_items - combo_choices[i], NULL);
}

static void
append_figure (GString    *out,
               char       *text)
{
  if (text == NULL)
    return;
  if (out->len > 0)
    g_string_append (out, _(" · "));
  g_string_append (out, text);
  g_free (text);
}

/* What the assessment reads: the figures per mu of the parcel shown,
 * computed from its measured area (never typed). */
static void
show_per_mu (MqLocksPanel *self)
{
  const MqParcel *p = mq_parcel_model_get_n_parcels (self->model) == 1
                        ? mq_parcel_model_get_parcel (self->model) : NULL;
  g_autoptr(GString) out = g_string_new (NULL);

  if (p != NULL)
    {
      double tax = mq_parcel_tax_per_mu (p), output = mq_parcel_output_per_mu (p);
      double far = mq_parcel_far (p);

      append_figure (out, isnan (tax) ? NULL : g_strdup_printf (_("tax %.2f (10k yuan per mu)"), tax));
      append_figure (out, isnan (output) ? NULL
                                         : g_strdup_printf (_("output %.2f (10k yuan per mu)"), output));
      append_figure (out, isnan (far) ? NULL : g_strdup_printf (_("floor area ratio %.2f"), far));
    }
  adw_action_row_set_subtitle (self->per_mu_row, out->len > 0 ? out->str : "—");
}

static void
sync_rows (MqLocksPanel *self)
{
  gboolean flagged_mixed = mq_parcel_model_is_mixed (self->model, "flagged");

  self->syncing_rows = TRUE;
  for (guint i = 0; i < N_SWITCHES; i++)
    sync_switch (self, i);
  for (guint i = 0; i < N_COMBOS; i++)
    sync_combo (self, i);
  self->syncing_rows = FALSE;
  adw_action_row_set_subtitle (self->flagged_row, flagged_mixed ? _("Several values") : "");
  show_per_mu (self);
  /* A lock's date is the date of a lock held by every parcel shown. */
  for (guint lock = 0; lock < MQ_N_LOCKS; lock++)
    gtk_widget_set_sensitive (self->entries[FIRST_LOCK_DATE_ENTRY + lock],
                              gtk_switch_get_active (GTK_SWITCH (self->switches[lock])));
}

/* A change asked about, waiting for the answer. */
typedef struct
{
  MqLocksPanel *panel;
  char         *property;
  GValue        value;
} Pending;

static void
pending_free (gpointer  data,
              GClosure *closure)
{
  Pending *pending = data;

  g_object_unref (pending->panel);
  g_free (pending->property);
  g_value_unset (&pending->value);
  g_free (pending);
}

static void
on_pending_answered (AdwMessageDialog *dialog,
                     const char       *response,
                     Pending          *pending)
{
  MqLocksPanel *self = pending->panel;
  const char *names[] = { pending->property, "flagged" };
  GValue values[2] = { G_VALUE_INIT, G_VALUE_INIT };

  g_value_init (&values[0], G_VALUE_TYPE (&pending->value));
  g_value_copy (&pending->value, &values[0]);
  g_value_init (&values[1], G_TYPE_BOOLEAN);
  g_value_set_boolean (&values[1], TRUE);
  if (g_str_equal (response, "apply") || g_str_equal (response, "flag"))
    mq_parcel_model_apply (self->model, g_str_equal (response, "flag") ? 2 : 1, names, values);
  else
    {
      sync_rows (self);
      for (guint i = 0; i < G_N_ELEMENTS (self->entries); i++)
        show_model_text (self, self->entries[i]);
    }
  g_value_unset (&values[0]);
  g_value_unset (&values[1]);
}

/* "将 3 块地的进展阶段都改为 推进中？" */
static char *
dup_mixed_question (MqLocksPanel *self,
                    const char   *what,
                    const char   *shown)
{
  guint n = mq_parcel_model_get_n_parcels (self->model);

  /* Translators: field, number of parcels, new value: 将 3 块地的进展阶段都改为 推进中？ */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Change %1$s of %2$u parcel to %3$s?",
                                       "Change %1$s of all %2$u parcels to %3$s?", n),
                          what, n, shown);
}

/* The panel asks once, then the model applies (or the rows go back). */
static void
ask (MqLocksPanel *self,
     const char   *property,
     const GValue *value,
     const char   *heading,
     const char   *body,
     guint         n_unflagged)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  AdwMessageDialog *dialog;
  Pending *pending = g_new0 (Pending, 1);

  pending->panel = g_object_ref (self);
  pending->property = g_strdup (property);
  g_value_init (&pending->value, G_VALUE_TYPE (value));
  g_value_copy (value, &pending->value);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       heading, body));
  adw_message_dialog_add_response (dialog, "cancel", _("_Cancel"));
  if (n_unflagged > 0)
    {
      adw_message_dialog_add_responses (dialog, "apply", _("_Lock Only"),
                                        "flag", _("_Flag and Lock"), NULL);
      adw_message_dialog_set_response_appearance (dialog, "flag", ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (dialog, "flag");
    }
  else
    {
      adw_message_dialog_add_response (dialog, "apply", _("_Change All"));
      adw_message_dialog_set_response_appearance (dialog, "apply", ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (dialog, "apply");
    }
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_pending_answered), pending,
                         pending_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static gboolean
is_lock (const char *property)
{
  for (guint lock = 0; lock < MQ_N_LOCKS; lock++)
    if (g_str_equal (property, lock_props[lock]))
      return TRUE;
  return FALSE;
}

/* A row changed by the user. Parcels that disagreed are all overwritten, so
 * that is asked first; a lock taken on parcels not flagged for
 * transformation asks whether to flag them too. Else it is applied. */
static void
request_change (MqLocksPanel *self,
                const char   *property,
                const GValue *value,
                const char   *what,
                const char   *shown)
{
  gboolean mixed = mq_parcel_model_is_mixed (self->model, property);
  guint n_unflagged = 0;
  g_autofree char *question = NULL;

  if (is_lock (property) && g_value_get_boolean (value))
    n_unflagged = mq_parcel_model_count_unflagged (self->model);
  question = mixed ? dup_mixed_question (self, what, shown) : NULL;
  if (n_unflagged > 0)
    {
      g_autofree char *heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
        "Flag %u Parcel for Transformation?", "Flag %u Parcels for Transformation?", n_unflagged),
        n_unflagged);
      g_autofree char *why = NULL;

      if (mq_parcel_model_get_n_parcels (self->model) == 1)
        why = g_strdup (_("The parcel is not flagged for transformation; the four locks are kept "
                          "for flagged parcels."));
      else
        why = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
          "%u of them is not flagged for transformation; the four locks are kept for flagged parcels.",
          "%u of them are not flagged for transformation; the four locks are kept for flagged parcels.",
          n_unflagged), n_unflagged);
      g_autofree char *body = question ? g_strconcat (question, "\n", why, NULL) : g_strdup (why);

      ask (self, property, value, heading, body, n_unflagged);
    }
  else if (mixed)
    ask (self, property, value, question, _("The selected parcels do not all have the same value; "
                                            "this changes every one of them, as one step."), 0);
  else
    mq_parcel_model_apply (self->model, 1, &property, value);
}

static void
on_switch_active (MqLocksPanel *self,
                  GParamSpec   *pspec,
                  GtkSwitch    *toggle)
{
  const char *property = gtk_widget_get_name (GTK_WIDGET (toggle));
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (toggle), ADW_TYPE_PREFERENCES_ROW);
  gboolean active = gtk_switch_get_active (toggle);
  g_auto(GValue) value = G_VALUE_INIT;
  const char *shown;

  if (self->syncing_rows)
    return;
  g_value_init (&value, G_TYPE_BOOLEAN);
  g_value_set_boolean (&value, active);
  if (g_str_equal (property, "flagged"))
    shown = active ? _("flagged") : _("not flagged");
  else if (!g_str_has_prefix (property, "lock-"))
    shown = active ? _("Yes") : _("No");
  else
    shown = active ? C_("lock", "Locked") : C_("lock", "Open");
  request_change (self, property, &value,
                  adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), shown);
}

static void
on_combo_selected (MqLocksPanel *self,
                   GParamSpec   *pspec,
                   AdwComboRow  *row)
{
  guint i = 0;
  guint selected = adw_combo_row_get_selected (row);

  while (i + 1 < N_COMBOS && row != self->combo_rows[i])
    i++;
  g_auto(GValue) value = G_VALUE_INIT;

  /* 多个值 chosen again is no change. */
  if (self->syncing_rows || selected >= combo_choices[i])
    return;
  g_value_init (&value, G_TYPE_UINT);
  g_value_set_uint (&value, selected);
  request_change (self, combo_props[i], &value,
                  adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)),
                  gtk_string_list_get_string (GTK_STRING_LIST (adw_combo_row_get_model (row)),
                                              selected));
}

static void
bind (MqLocksPanel *self,
      const char   *property,
      gpointer      widget,
      const char   *widget_property,
      GBindingFlags flags)
{
  g_object_bind_property (self->model, property, widget, widget_property,
                          G_BINDING_SYNC_CREATE | flags);
}

static void
bind_rows (MqLocksPanel *self)
{
  bind (self, "title", self->title, "label", 0);
  bind (self, "subtitle", self->subtitle, "label", 0);
  bind (self, "editable", self->locks_group, "sensitive", 0);
  bind (self, "editable", self->transformation_group, "sensitive", 0);
  bind (self, "editable", self->performance_group, "sensitive", 0);
  for (guint i = 0; i < N_SWITCHES; i++)
    g_signal_connect_object (self->switches[i], "notify::active", G_CALLBACK (on_switch_active),
                             self, G_CONNECT_SWAPPED);
  for (guint i = 0; i < N_COMBOS; i++)
    g_signal_connect_object (self->combo_rows[i], "notify::selected",
                             G_CALLBACK (on_combo_selected), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->model, "notify", G_CALLBACK (sync_rows), self,
                           G_CONNECT_SWAPPED);
  sync_rows (self);
  /* Entries are named after the property they show (see the template). */
  for (guint i = 0; i < G_N_ELEMENTS (self->entries); i++)
    {
      g_autofree char *signal = g_strconcat ("notify::", gtk_widget_get_name (self->entries[i]), NULL);

      g_signal_connect_object (self->model, signal, G_CALLBACK (on_model_text), self, 0);
      g_signal_connect_object (self->entries[i], "changed", G_CALLBACK (on_entry_changed), self, 0);
      add_entry_undo (self->entries[i]);
      show_model_text (self, self->entries[i]);
    }
  g_signal_connect_object (self->model, "notify::title", G_CALLBACK (on_model_reloaded), self,
                           G_CONNECT_SWAPPED);
  on_model_reloaded (self);
}

static void
mq_locks_panel_dispose (GObject *object)
{
  MqLocksPanel *self = MQ_LOCKS_PANEL (object);
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), MQ_TYPE_LOCKS_PANEL);
  /* A plain GtkWidget parent unparents its children itself. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->project_signals);
  g_clear_object (&self->model);
  G_OBJECT_CLASS (mq_locks_panel_parent_class)->dispose (object);
}

/* Shown or hidden, the panel tells the others whether the parcel is open. */
static void
mq_locks_panel_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (mq_locks_panel_parent_class)->map (widget);
  show_presence (MQ_LOCKS_PANEL (widget));
}

static void
mq_locks_panel_unmap (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (mq_locks_panel_parent_class)->unmap (widget);
  show_presence (MQ_LOCKS_PANEL (widget));
}

#define CHILD(name) gtk_widget_class_bind_template_child (widget_class, MqLocksPanel, name)
#define CHILD_AT(name, array, i) \
  gtk_widget_class_bind_template_child_full (widget_class, name, FALSE, \
                                             G_STRUCT_OFFSET (MqLocksPanel, array) + \
                                             (i) * sizeof (gpointer))

static void
mq_locks_panel_class_init (MqLocksPanelClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  static const char *const entries[] = {
    "project_entry", "investor_entry", "industry_entry", "entity_entry", "contact_entry",
    "phone_entry", "flag_reason_entry", "notes_entry", "lock_parcel_date_entry",
    "lock_project_date_entry", "lock_deadline_date_entry", "lock_owner_date_entry",
    "credit_code_entry", "tax_entry", "output_entry", "floor_area_entry", "far_entry",
    "energy_entry", "planned_use_entry", "planned_far_entry",
  };
  static const char *const locks[] = { "lock_parcel", "lock_project", "lock_deadline", "lock_owner" };
  static const char *const combos[] = { "stage_row", "method_row", "grade_row" };
  static const char *const high_low[] = {
    "high_energy_switch", "high_pollution_switch", "high_risk_switch", "low_yield_switch",
  };

  G_OBJECT_CLASS (klass)->dispose = mq_locks_panel_dispose;
  widget_class->map = mq_locks_panel_map;
  widget_class->unmap = mq_locks_panel_unmap;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/maqiao/LandViewer/mq-locks-panel.ui");
  CHILD (title);
  CHILD (subtitle);
  CHILD (overdue_label);
  CHILD (presence_badge);
  CHILD (flagged_row);
  CHILD (deadline_entry);
  CHILD (reason_box);
  CHILD (save_project_button);
  CHILD (locks_group);
  CHILD (transformation_group);
  CHILD (history_group);
  CHILD (history_list);
  CHILD (area_row);
  CHILD (deadline_button);
  CHILD (deadline_popover);
  CHILD (deadline_calendar);
  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    CHILD_AT (entries[i], entries, i);
  for (guint i = 0; i < G_N_ELEMENTS (combos); i++)
    CHILD_AT (combos[i], combo_rows, i);
  CHILD_AT ("flagged_switch", switches, MQ_N_LOCKS);
  for (guint i = 0; i < MQ_N_HIGH_LOW; i++)
    CHILD_AT (high_low[i], switches, MQ_N_LOCKS + 1 + i);
  CHILD (performance_group);
  CHILD (per_mu_row);
  for (guint lock = 0; lock < MQ_N_LOCKS; lock++)
    {
      g_autofree char *row = g_strdup_printf ("%s_row", locks[lock]);
      g_autofree char *toggle = g_strdup_printf ("%s_switch", locks[lock]);

      CHILD_AT (g_intern_string (row), lock_rows, lock);
      CHILD_AT (g_intern_string (toggle), switches, lock);
    }
  gtk_widget_class_bind_template_callback (widget_class, on_entry_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_deadline_day_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_deadline_clear);
  gtk_widget_class_bind_template_callback (widget_class, on_deadline_typed);
  gtk_widget_class_bind_template_callback (widget_class, on_deadline_today);
  gtk_widget_class_bind_template_callback (widget_class, on_reason_popover_show);
  gtk_widget_class_bind_template_callback (widget_class, on_reason_popover_closed);
  gtk_widget_class_bind_template_callback (widget_class, on_deadline_popover_show);
}

static void
mq_locks_panel_init (MqLocksPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  add_reason_checks (self);
  self->model = mq_parcel_model_new ();
  self->project_signals = g_signal_group_new (MQ_TYPE_PROJECT);
  g_signal_group_connect_swapped (self->project_signals, "presence-changed",
                                  G_CALLBACK (show_presence), self);
  bind_rows (self);
}

MqParcelModel *
mq_locks_panel_get_model (MqLocksPanel *self)
{
  g_return_val_if_fail (MQ_IS_LOCKS_PANEL (self), NULL);
  return self->model;
}

/* The panel edits the selection of @project. */
void
mq_locks_panel_set_project (MqLocksPanel *self,
                            MqProject    *project)
{
  g_return_if_fail (MQ_IS_LOCKS_PANEL (self));
  g_signal_group_set_target (self->project_signals, project);
  mq_parcel_model_set_project (self->model, project);
}
