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

#define HISTORY_ROWS 30

struct _MqLocksPanel
{
  GtkWidget       parent_instance;

  MqParcelModel  *model;
  GSignalGroup   *project_signals;
  gboolean        syncing_calendar;

  GtkLabel       *title;
  GtkLabel       *subtitle;
  GtkLabel       *presence_badge;
  GtkWidget      *save_project_button;
  GtkWidget      *locks_group;
  GtkWidget      *transformation_group;
  GtkWidget      *history_group;
  GtkListBox     *history_list;
  AdwExpanderRow *lock_rows[MQ_N_LOCKS];
  GtkWidget      *switches[MQ_N_LOCKS];
  AdwActionRow   *area_row;
  GtkWidget      *entries[8];
  gboolean        syncing_entries;  /* the model's text is being put in an entry */
  GtkMenuButton  *deadline_button;
  GtkPopover     *deadline_popover;
  GtkCalendar    *deadline_calendar;
  GtkWidget      *stage_row;
  GtkWidget      *method_row;
};

G_DEFINE_FINAL_TYPE (MqLocksPanel, mq_locks_panel, GTK_TYPE_WIDGET)

static const char *const lock_props[MQ_N_LOCKS] = {
  "lock-parcel", "lock-project", "lock-deadline", "lock-owner",
};

static const char *const lock_date_props[MQ_N_LOCKS] = {
  "lock-parcel-date", "lock-project-date", "lock-deadline-date", "lock-owner-date",
};

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
  self->syncing_entries = FALSE;
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

static void
on_entry_apply (AdwEntryRow  *row,
                MqLocksPanel *self)
{
  g_autofree char *base = g_strdup (g_object_get_data (G_OBJECT (row), BASE_KEY));
  g_autofree char *text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (row)));

  forget_base (GTK_WIDGET (row));
  mq_parcel_model_edit_text (self->model, gtk_widget_get_name (GTK_WIDGET (row)), text, base);
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
  gtk_popover_popdown (self->deadline_popover);
  g_object_set (self->model, "deadline", date, NULL);
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
      if (p != NULL && held)
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

static void
on_model_reloaded (MqLocksPanel *self)
{
  g_autofree char *deadline = NULL;

  forget_stale_bases (self);
  g_object_get (self->model, "deadline", &deadline, NULL);
  gtk_menu_button_set_label (self->deadline_button, *deadline ? deadline : _("Not set"));
  gtk_widget_set_visible (self->save_project_button,
                          mq_parcel_model_get_project (self->model) == NULL ||
                          !mq_project_get_has_store (mq_parcel_model_get_project (self->model)));
  show_lock_states (self);
  show_history (self);
  show_presence (self);
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
  for (guint lock = 0; lock < MQ_N_LOCKS; lock++)
    bind (self, gtk_widget_get_name (self->switches[lock]), self->switches[lock], "active",
          G_BINDING_BIDIRECTIONAL);
  /* Entries are named after the property they show (see the template). */
  for (guint i = 0; i < G_N_ELEMENTS (self->entries); i++)
    {
      g_autofree char *signal = g_strconcat ("notify::", gtk_widget_get_name (self->entries[i]), NULL);

      g_signal_connect_object (self->model, signal, G_CALLBACK (on_model_text), self, 0);
      g_signal_connect_object (self->entries[i], "changed", G_CALLBACK (on_entry_changed), self, 0);
      show_model_text (self, self->entries[i]);
    }
  bind (self, "stage", self->stage_row, "selected", G_BINDING_BIDIRECTIONAL);
  bind (self, "method", self->method_row, "selected", G_BINDING_BIDIRECTIONAL);
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
    "phone_entry", "flag_reason_entry", "notes_entry",
  };
  static const char *const locks[] = { "lock_parcel", "lock_project", "lock_deadline", "lock_owner" };

  G_OBJECT_CLASS (klass)->dispose = mq_locks_panel_dispose;
  widget_class->map = mq_locks_panel_map;
  widget_class->unmap = mq_locks_panel_unmap;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/maqiao/LandViewer/mq-locks-panel.ui");
  CHILD (title);
  CHILD (subtitle);
  CHILD (presence_badge);
  CHILD (save_project_button);
  CHILD (locks_group);
  CHILD (transformation_group);
  CHILD (history_group);
  CHILD (history_list);
  CHILD (area_row);
  CHILD (deadline_button);
  CHILD (deadline_popover);
  CHILD (deadline_calendar);
  CHILD (stage_row);
  CHILD (method_row);
  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    CHILD_AT (entries[i], entries, i);
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
  gtk_widget_class_bind_template_callback (widget_class, on_deadline_popover_show);
}

static void
mq_locks_panel_init (MqLocksPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
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
