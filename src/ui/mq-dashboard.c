/* mq-dashboard.c
 *
 * The figures are drawn by render/mq-figures.c, the same drawing as the PDF
 * report's summary panel, from an MqSummary of the filtered parcels — so the
 * dashboard, the report and --summary agree by construction. The overdue and
 * due-soon lists are rows: activating one selects the parcel and shows it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-dashboard.h"

#include <glib/gi18n.h>

#include <math.h>

#include "mq-figures.h"
#include "mq-furniture.h"

#define MONTHS 72
#define AHEAD_MONTHS 24
#define TOP_ENTITIES 5
#define CHART_TEXT_PX 14
#define CHART_MIN_WIDTH 420
#define LIST_ROWS 100

struct _MqDashboard
{
  GtkWidget       parent_instance;

  MqProject      *project;
  GSignalGroup   *project_signals;
  GSignalGroup   *filter_signals;
  MqDataset      *dataset;
  MqFilter       *filter;
  MqSummary      *summary;
  GArray         *months;
  MqProgressGroups *entities;  /* all four locks by responsible entity, over the months */
  gboolean        stale;      /* figures not worked out since the data or filter changed */

  GtkDrawingArea *chart;
  GtkLabel       *overdue_label;
  GtkListBox     *overdue_list;
  GtkLabel       *due_soon_label;
  GtkListBox     *due_soon_list;
  GtkWidget      *changes_box;
  GtkLabel       *changes_label;
  GtkMenuButton  *since_button;
  GtkCalendar    *since_calendar;
  GtkLabel       *changes_text;
  GtkListBox     *changed_list;
  gboolean        syncing_calendar;   /* the calendar set from the project, not by the user */
  GCancellable   *changes_cancellable;  /* the card's figures being worked out, or NULL */
};

static void on_project_loaded (MqDashboard *self);

G_DEFINE_FINAL_TYPE (MqDashboard, mq_dashboard, GTK_TYPE_WIDGET)

enum { PARCEL_ACTIVATED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
draw_chart (GtkDrawingArea *area,
            cairo_t        *cr,
            int             width,
            int             height,
            gpointer        data)
{
  MqDashboard *self = data;
  MqFiguresStyle style = { CHART_TEXT_PX, 26, MQ_FIGURES_STAGES | MQ_FIGURES_METHODS };

  if (self->summary != NULL)
    mq_figures_draw (cr, self->summary, self->months, self->entities, 0, 0, width, &style);
}

static void
on_row_activated (MqDashboard   *self,
                  GtkListBoxRow *row)
{
  g_signal_emit (self, signals[PARCEL_ACTIVATED], 0,
                 GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "mq-parcel")));
}

static GtkWidget *
deadline_row (const MqParcel *p,
              guint           index,
              guint32         today)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *deadline = mq_date_format (p->deadline);
  int days = (int) p->deadline - (int) today;
  g_autofree char *title = g_strdup_printf ("%s · %s", p->id ? p->id : "?", p->owner ? p->owner : "");
  g_autofree char *when = days < 0 ? g_strdup_printf (_("%s, %d days overdue"), deadline, -days)
                                   : g_strdup_printf (_("%s, in %d days"), deadline, days);
  g_autofree char *subtitle = g_strdup_printf ("%s · %s", when, p->details->entity ? p->details->entity : _("no responsible entity"));

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data (G_OBJECT (row), "mq-parcel", GUINT_TO_POINTER (index));
  return row;
}

static int
by_deadline (gconstpointer a,
             gconstpointer b,
             gpointer      data)
{
  MqParcels *parcels = data;
  guint32 x = mq_parcels_get (parcels, *(const guint *) a)->deadline;
  guint32 y = mq_parcels_get (parcels, *(const guint *) b)->deadline;

  return (x > y) - (x < y);
}

/* The overdue (or due-soon) parcels the filter leaves, earliest first. */
static void
fill_list (MqDashboard *self,
           GtkListBox  *list,
           GtkLabel    *label,
           gboolean     overdue,
           guint32      today)
{
  MqParcels *parcels = mq_dataset_get_parcels (self->dataset);
  g_autoptr(GArray) found = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree char *heading = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    {
      const MqParcel *p = mq_parcels_get (parcels, i);

      if (p->flagged && (overdue ? mq_parcel_is_overdue (p, today) : mq_parcel_is_due_soon (p, today)) &&
          mq_filter_matches (self->filter, self->dataset, i, today))
        g_array_append_val (found, i);
    }
  g_array_sort_with_data (found, by_deadline, parcels);
  for (guint k = 0; k < MIN (found->len, LIST_ROWS); k++)
    {
      guint i = g_array_index (found, guint, k);

      gtk_list_box_append (list, deadline_row (mq_parcels_get (parcels, i), i, today));
    }
  heading = overdue ? g_strdup_printf (_("Overdue: %u"), found->len)
                    : g_strdup_printf (_("Due within 30 days: %u"), found->len);
  gtk_label_set_text (label, heading);
  gtk_widget_set_visible (GTK_WIDGET (list), found->len > 0);
}

static GtkWidget *
changed_row (MqParcels             *parcels,
             const MqChangedParcel *c)
{
  GtkWidget *row = adw_action_row_new ();
  const char *id = mq_parcels_get (parcels, c->parcel)->id;
  GString *fields = g_string_new (NULL);

  for (guint f = 0; f < MQ_N_FIELDS; f++)
    if (c->fields & (G_GUINT64_CONSTANT (1) << f))
      g_string_append_printf (fields, "%s%s", fields->len ? "、" : "", mq_field_label (f));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), id ? id : "?");
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), fields->str);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data (G_OBJECT (row), "mq-parcel", GUINT_TO_POINTER (c->parcel));
  g_string_free (fields, TRUE);
  return row;
}

/* The calendar opens on the day the card counts from. */
static void
show_since (MqDashboard *self)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) day = NULL;
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_julian (&date, mq_project_get_changes_since (self->project));
  day = g_date_time_new (utc, g_date_get_year (&date), g_date_get_month (&date), g_date_get_day (&date), 12, 0, 0);
  self->syncing_calendar = TRUE;
  gtk_calendar_select_day (self->since_calendar, day);
  self->syncing_calendar = FALSE;
}

/* "Changes since": the project's chosen day beside today, from its history;
 * hidden for a file that keeps none. */
static void
show_changes (MqDashboard *self,
              MqChanges   *changes)
{
  g_autofree char *day = NULL, *heading = NULL, *brief = NULL;
  GArray *changed;
  GtkWidget *child;

  if (self->dataset == NULL)
    changes = NULL;
  gtk_widget_set_visible (self->changes_box, changes != NULL);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->changed_list))) != NULL)
    gtk_list_box_remove (self->changed_list, child);
  if (changes == NULL)
    return;
  day = mq_date_format (mq_project_get_changes_since (self->project));
  heading = g_strdup_printf (_("Changes since %s"), day);
  gtk_label_set_text (self->changes_label, heading);
  gtk_menu_button_set_label (self->since_button, day);
  show_since (self);
  brief = mq_changes_dup_brief (changes);
  gtk_label_set_text (self->changes_text, brief);
  changed = mq_changes_get_changed (changes);
  for (guint k = 0; k < MIN (changed->len, LIST_ROWS); k++)
    gtk_list_box_append (self->changed_list,
                         changed_row (mq_dataset_get_parcels (self->dataset),
                                      &g_array_index (changed, MqChangedParcel, k)));
  gtk_widget_set_visible (GTK_WIDGET (self->changed_list), changed->len > 0);
}

static void
on_changes (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(MqDashboard) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MqChanges) changes = mq_project_dup_changes_finish (MQ_PROJECT (source), result, &error);

  /* A newer question was asked meanwhile: its answer shows. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->changes_cancellable);
  show_changes (self, changes);
}

/* Worked out in a worker: a server's history is a query, a file's grows. */
static void
fill_changes (MqDashboard *self)
{
  g_cancellable_cancel (self->changes_cancellable);
  g_clear_object (&self->changes_cancellable);
  if (self->project == NULL)
    {
      show_changes (self, NULL);
      return;
    }
  self->changes_cancellable = g_cancellable_new ();
  mq_project_dup_changes_async (self->project, self->changes_cancellable, on_changes, g_object_ref (self));
}


static void
on_since_chosen (MqDashboard *self)
{
  g_autoptr(GDateTime) chosen = gtk_calendar_get_date (self->since_calendar);
  GDate date;

  if (self->syncing_calendar)
    return;
  g_date_clear (&date, 1);
  g_date_set_dmy (&date, g_date_time_get_day_of_month (chosen), g_date_time_get_month (chosen),
                  g_date_time_get_year (chosen));
  gtk_popover_popdown (gtk_menu_button_get_popover (self->since_button));
  if (self->project != NULL)
    mq_project_set_changes_since (self->project, g_date_get_julian (&date));
}

/* Wide enough for the largest figure a row can show (all the flagged land,
 * every flagged parcel) in its column, a fifth of the chart's width: a
 * narrower window scrolls the dashboard rather than cut "1858 亩 · 51 块". */
static void
fit_figures (MqDashboard *self)
{
  g_autofree char *widest = g_strdup_printf (_("%.0f mu · %u"), self->summary->flagged_m2 / MQ_M2_PER_MU,
                                             self->summary->flagged_parcels);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_A8, 1, 1);
  cairo_t *cr = cairo_create (surface);
  PangoLayout *layout = mq_text_layout (cr, widest, CHART_TEXT_PX, FALSE);
  int width;

  pango_layout_get_pixel_size (layout, &width, NULL);
  gtk_drawing_area_set_content_width (self->chart, MAX (CHART_MIN_WIDTH, (int) ceil ((width + 8) / 0.20)));
  g_object_unref (layout);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

static void
refresh_now (MqDashboard *self)
{
  guint32 today = self->dataset ? mq_dataset_get_today (self->dataset) : mq_today ();

  self->stale = FALSE;
  g_clear_pointer (&self->summary, mq_summary_free);
  g_clear_pointer (&self->months, g_array_unref);
  g_clear_pointer (&self->entities, mq_progress_groups_free);
  if (self->dataset == NULL || self->filter == NULL)
    return;
  self->summary = mq_summary_new_filtered (self->dataset, today, self->filter);
  self->months = mq_progress_by_month (self->dataset, today, self->filter, MONTHS, AHEAD_MONTHS);
  self->entities = mq_progress_by_entity (self->dataset, today, self->filter, self->months, TOP_ENTITIES);
  fit_figures (self);
  fill_list (self, self->overdue_list, self->overdue_label, TRUE, today);
  fill_list (self, self->due_soon_list, self->due_soon_label, FALSE, today);
  fill_changes (self);
  gtk_widget_queue_draw (GTK_WIDGET (self->chart));
}

/* The figures again: after an edit, or when the filter changed. Worked out
 * when the dashboard shows (or is asked): a file just opened shows its map
 * without waiting for figures of a million parcels no one is looking at. */
void
mq_dashboard_refresh (MqDashboard *self)
{
  g_return_if_fail (MQ_IS_DASHBOARD (self));

  self->stale = TRUE;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    refresh_now (self);
}

static void
mq_dashboard_map (GtkWidget *widget)
{
  MqDashboard *self = MQ_DASHBOARD (widget);

  if (self->stale)
    refresh_now (self);
  GTK_WIDGET_CLASS (mq_dashboard_parent_class)->map (widget);
}

static void
mq_dashboard_dispose (GObject *object)
{
  MqDashboard *self = MQ_DASHBOARD (object);
  GtkWidget *child;

  g_cancellable_cancel (self->changes_cancellable);
  g_clear_object (&self->changes_cancellable);
  g_clear_object (&self->project_signals);
  g_clear_object (&self->filter_signals);
  g_clear_object (&self->project);
  gtk_widget_dispose_template (GTK_WIDGET (self), MQ_TYPE_DASHBOARD);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->dataset);
  g_clear_object (&self->filter);
  g_clear_pointer (&self->summary, mq_summary_free);
  g_clear_pointer (&self->months, g_array_unref);
  g_clear_pointer (&self->entities, mq_progress_groups_free);
  G_OBJECT_CLASS (mq_dashboard_parent_class)->dispose (object);
}

static void
mq_dashboard_class_init (MqDashboardClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = mq_dashboard_dispose;
  widget_class->map = mq_dashboard_map;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/maqiao/LandViewer/mq-dashboard.ui");
  gtk_widget_class_bind_template_child (widget_class, MqDashboard, chart);
  gtk_widget_class_bind_template_child (widget_class, MqDashboard, overdue_label);
  gtk_widget_class_bind_template_child (widget_class, MqDashboard, overdue_list);
  gtk_widget_class_bind_template_child (widget_class, MqDashboard, due_soon_label);
  gtk_widget_class_bind_template_child (widget_class, MqDashboard, due_soon_list);
  gtk_widget_class_bind_template_child (widget_class, MqDashboard, changes_box);
  gtk_widget_class_bind_template_child (widget_class, MqDashboard, changes_label);
  gtk_widget_class_bind_template_child (widget_class, MqDashboard, since_button);
  gtk_widget_class_bind_template_child (widget_class, MqDashboard, since_calendar);
  gtk_widget_class_bind_template_child (widget_class, MqDashboard, changes_text);
  gtk_widget_class_bind_template_child (widget_class, MqDashboard, changed_list);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_since_chosen);

  /* An overdue or due-soon parcel was activated: select it and show it. */
  signals[PARCEL_ACTIVATED] = g_signal_new ("parcel-activated", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                            G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
mq_dashboard_init (MqDashboard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_drawing_area_set_draw_func (self->chart, draw_chart, self, NULL);
  self->project_signals = g_signal_group_new (MQ_TYPE_PROJECT);
  g_signal_group_connect_swapped (self->project_signals, "loaded", G_CALLBACK (on_project_loaded), self);
  g_signal_group_connect_swapped (self->project_signals, "closed", G_CALLBACK (on_project_loaded), self);
  g_signal_group_connect_swapped (self->project_signals, "notify::changes-since", G_CALLBACK (mq_dashboard_refresh),
                                  self);
  /* An edit reaches the figures through the filter's "changed". */
  self->filter_signals = g_signal_group_new (MQ_TYPE_FILTER);
  g_signal_group_connect_swapped (self->filter_signals, "changed", G_CALLBACK (mq_dashboard_refresh), self);
}

static void
on_project_loaded (MqDashboard *self)
{
  /* The changes of the parcels shown before are no one's now. */
  g_cancellable_cancel (self->changes_cancellable);
  g_clear_object (&self->changes_cancellable);
  g_set_object (&self->dataset, (self->project ? mq_project_get_dataset (self->project) : NULL));
  mq_dashboard_refresh (self);
}

/* The figures of what the filter of @project leaves, after every edit. */
void
mq_dashboard_set_project (MqDashboard *self,
                          MqProject   *project)
{
  g_return_if_fail (MQ_IS_DASHBOARD (self));

  if (!g_set_object (&self->project, project))
    return;
  g_set_object (&self->filter, (project ? mq_project_get_filter (project) : NULL));
  g_signal_group_set_target (self->project_signals, project);
  g_signal_group_set_target (self->filter_signals, self->filter);
  on_project_loaded (self);
}

/**
 * mq_dashboard_get_changes_pending:
 *
 * Whether the "changes since" card waits for its figures (a test waits for
 * them before it reads the card).
 */
gboolean
mq_dashboard_get_changes_pending (MqDashboard *self)
{
  g_return_val_if_fail (MQ_IS_DASHBOARD (self), FALSE);
  if (self->stale)
    refresh_now (self);
  return self->changes_cancellable != NULL;
}

/* The "changes since" card's text, for the tests. */
const char *
mq_dashboard_get_changes_text (MqDashboard *self)
{
  g_return_val_if_fail (MQ_IS_DASHBOARD (self), NULL);
  if (self->stale)
    refresh_now (self);
  return gtk_widget_get_visible (self->changes_box) ? gtk_label_get_text (self->changes_text) : NULL;
}

/* The figures shown, for the tests to hold against --summary. */
const MqSummary *
mq_dashboard_get_summary (MqDashboard *self)
{
  g_return_val_if_fail (MQ_IS_DASHBOARD (self), NULL);
  if (self->stale)
    refresh_now (self);
  return self->summary;
}

GtkListBox *
mq_dashboard_get_overdue_list (MqDashboard *self)
{
  g_return_val_if_fail (MQ_IS_DASHBOARD (self), NULL);
  if (self->stale)
    refresh_now (self);
  return self->overdue_list;
}
