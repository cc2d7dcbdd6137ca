/* mq-filter-bar.c
 *
 * Every chip is bound both ways to a property of the shared MqFilter (the
 * toggle buttons are named after it in the template), so a saved view that
 * sets the filter sets the chips too.
 *
 * The search also finds: a popover under the entry lists the first hits
 * (places by name, then parcels) to pick with a click or the arrow keys and
 * Enter; Enter alone takes the top one, and a search that leaves a single
 * parcel takes it as it is typed. The bar only says what was chosen
 * ("parcel-chosen", "place-chosen"); the window selects and flies.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-filter-bar.h"

#include "mq-performance.h"

#include <glib/gi18n.h>

/* How many hits the popover lists: enough to pick from, few enough to read. */
#define MAX_PARCEL_HITS 8
#define MAX_PLACE_HITS 3

struct _MqFilterBar
{
  GtkBox          parent_instance;

  MqProject      *project;
  MqFilter       *filter;        /* the project's */
  GBindingGroup  *bindings;      /* chips and drop-downs ↔ the filter */
  GSignalGroup   *signals;
  GtkSearchEntry *search_entry;
  GtkWidget      *toggles[6];
  GtkWidget      *locks_dropdown;
  GtkWidget      *method_dropdown;
  GtkWidget      *tax_dropdown;
  GtkScrolledWindow *chips_scroller;
  GtkLabel       *count_label;
  GtkPopover     *results_popover;
  GtkListBox     *results_list;
  GtkLabel       *more_label;
  gboolean        typing;        /* the filter's text is changing from the entry */
  guint           n_chosen;      /* hits taken so far */
};

G_DEFINE_FINAL_TYPE (MqFilterBar, mq_filter_bar, GTK_TYPE_BOX)

enum { PARCEL_CHOSEN, PLACE_CHOSEN, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
on_search_changed (MqFilterBar *self)
{
  if (self->filter == NULL)
    return;
  self->typing = TRUE;
  g_object_set (self->filter, "text", gtk_editable_get_text (GTK_EDITABLE (self->search_entry)), NULL);
  self->typing = FALSE;
}

/* ---- the results popover ---- */

static void
hide_results (MqFilterBar *self)
{
  gtk_popover_popdown (self->results_popover);
}

/* A row says what it stands for: a parcel index, or a place name. */
static void
choose_row (MqFilterBar   *self,
            GtkListBoxRow *row)
{
  const char *place = g_object_get_data (G_OBJECT (row), "mq-place");

  self->n_chosen++;
  hide_results (self);
  if (place != NULL)
    g_signal_emit (self, signals[PLACE_CHOSEN], 0, place);
  else
    g_signal_emit (self, signals[PARCEL_CHOSEN], 0,
                   GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "mq-parcel")) - 1);
}

static void
on_results_row_activated (MqFilterBar   *self,
                          GtkListBoxRow *row)
{
  choose_row (self, row);
}

static GtkWidget *
hit_label (const char *text,
           gboolean    expand,
           const char *style)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), expand ? 0.0f : 1.0f);
  gtk_label_set_ellipsize (GTK_LABEL (label), expand ? PANGO_ELLIPSIZE_END : PANGO_ELLIPSIZE_NONE);
  gtk_widget_set_hexpand (label, expand);
  if (style != NULL)
    gtk_widget_add_css_class (label, style);
  return label;
}

/* The row is not focusable: a click picks it and the entry keeps the keys. */
static GtkWidget *
hit_row (GtkWidget *first,
         GtkWidget *second,
         GtkWidget *third)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);

  gtk_box_append (GTK_BOX (box), first);
  gtk_box_append (GTK_BOX (box), second);
  gtk_box_append (GTK_BOX (box), third);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_widget_set_focusable (row, FALSE);
  return row;
}

static const char *
place_kind_label (MqRefKind kind)
{
  switch (kind)
    {
    case MQ_REF_ROAD: return _("Road");
    case MQ_REF_RIVER: return _("River");
    case MQ_REF_PART: return _("Zone part");
    case MQ_REF_ZONE:
    default: return _("Zone");
    }
}

static void
add_place_row (MqFilterBar   *self,
               const MqPlace *place)
{
  GtkWidget *icon = gtk_image_new_from_icon_name ("mark-location-symbolic");
  GtkWidget *row = hit_row (icon, hit_label (place->name, TRUE, NULL),
                            hit_label (place_kind_label (place->kind), FALSE, "dim-label"));

  g_object_set_data_full (G_OBJECT (row), "mq-place", g_strdup (place->name), g_free);
  gtk_list_box_append (self->results_list, row);
}

static void
add_parcel_row (MqFilterBar    *self,
                const MqParcel *p,
                guint           index)
{
  g_autofree char *mu = g_strdup_printf (_("%.2f mu"), p->area_m2 / MQ_M2_PER_MU);
  GtkWidget *id = hit_label (p->id, FALSE, "heading");
  GtkWidget *row;

  gtk_label_set_width_chars (GTK_LABEL (id), 8);
  gtk_label_set_xalign (GTK_LABEL (id), 0.0f);
  row = hit_row (id, hit_label (p->owner ? p->owner : "", TRUE, NULL), hit_label (mu, FALSE, "numeric"));
  g_object_set_data (G_OBJECT (row), "mq-parcel", GUINT_TO_POINTER (index + 1));
  gtk_list_box_append (self->results_list, row);
}

static void
clear_results (MqFilterBar *self)
{
  GtkWidget *row;

  while ((row = gtk_widget_get_first_child (GTK_WIDGET (self->results_list))) != NULL)
    gtk_list_box_remove (self->results_list, row);
}

/* Lists the places and parcels the search finds; returns how many parcels
 * it found in all (the list shows the first few). */
static guint
fill_results (MqFilterBar *self,
              MqDataset   *dataset,
              guint       *n_places)
{
  MqParcels *parcels = mq_dataset_get_parcels (dataset);
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autoptr(GPtrArray) places = mq_places_find (dataset, text, MAX_PLACE_HITS);
  g_autoptr(GArray) hits = NULL;
  g_autofree char *more = NULL;
  guint total = 0;

  clear_results (self);
  for (guint k = 0; k < places->len; k++)
    add_place_row (self, g_ptr_array_index (places, k));
  hits = mq_filter_dup_hits (self->filter, dataset, mq_dataset_get_today (dataset), MAX_PARCEL_HITS, &total);
  for (guint k = 0; k < hits->len; k++)
    {
      guint index = g_array_index (hits, guint, k);

      add_parcel_row (self, mq_parcels_get (parcels, index), index);
    }
  if (total > hits->len)
    more = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u more parcel in the table",
                                         "%u more parcels in the table", total - hits->len),
                            total - hits->len);
  gtk_label_set_text (self->more_label, more ? more : "");
  gtk_widget_set_visible (GTK_WIDGET (self->more_label), more != NULL);
  *n_places = places->len;
  return total;
}

/* The filter changed: the popover lists what the search now finds, and a
 * search typed down to one parcel (and no place) takes it. */
static void
on_filter_changed (MqFilterBar *self)
{
  MqDataset *dataset = self->project ? mq_project_get_dataset (self->project) : NULL;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  guint total, n_places = 0;

  if (dataset == NULL || *stripped == '\0')
    {
      hide_results (self);
      return;
    }
  total = fill_results (self, dataset, &n_places);
  if (total + n_places == 0)
    {
      hide_results (self);
      return;
    }
  if (self->typing && total == 1 && n_places == 0)
    {
      choose_row (self, gtk_list_box_get_row_at_index (self->results_list, 0));
      return;
    }
  if (self->typing || gtk_widget_get_visible (GTK_WIDGET (self->results_popover)))
    gtk_popover_popup (self->results_popover);
}

/* Enter: the row picked with the arrow keys, else the top one. */
static void
on_search_activate (MqFilterBar *self)
{
  guint chosen = self->n_chosen;
  GtkListBoxRow *row;

  if (self->filter == NULL)
    return;
  /* The search may still be waiting out its delay: search what is typed
   * (which rebuilds the rows, or takes a unique hit itself). */
  on_search_changed (self);
  if (self->n_chosen != chosen)
    return;
  row = gtk_list_box_get_selected_row (self->results_list);
  if (row == NULL)
    row = gtk_list_box_get_row_at_index (self->results_list, 0);
  if (row != NULL)
    choose_row (self, row);
}

static void
move_highlight (MqFilterBar *self,
                int          step)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->results_list);
  int index = row ? gtk_list_box_row_get_index (row) + step : (step > 0 ? 0 : -1);
  GtkListBoxRow *next = index >= 0 ? gtk_list_box_get_row_at_index (self->results_list, index) : NULL;

  if (next != NULL)
    gtk_list_box_select_row (self->results_list, next);
  else if (index < 0)
    gtk_list_box_unselect_all (self->results_list);
}

/* Up and Down move through the hits while the entry keeps the focus. */
static gboolean
on_entry_key_pressed (MqFilterBar     *self,
                      guint            keyval,
                      guint            keycode,
                      GdkModifierType  state)
{
  if (!gtk_widget_get_visible (GTK_WIDGET (self->results_popover)))
    return FALSE;
  switch (keyval)
    {
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      move_highlight (self, 1);
      return TRUE;
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      move_highlight (self, -1);
      return TRUE;
    case GDK_KEY_Escape:
      hide_results (self);
      return TRUE;
    default:
      return FALSE;
    }
}

/* Under the entry, not modal: typing goes on in the entry while it shows.
 * It hangs off the bar, which places it in size_allocate. */
static void
make_results_popover (MqFilterBar *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);

  self->results_popover = GTK_POPOVER (gtk_popover_new ());
  gtk_widget_set_name (GTK_WIDGET (self->results_popover), "search-results");
  gtk_popover_set_autohide (self->results_popover, FALSE);
  gtk_popover_set_has_arrow (self->results_popover, FALSE);
  gtk_popover_set_position (self->results_popover, GTK_POS_BOTTOM);
  gtk_widget_set_halign (GTK_WIDGET (self->results_popover), GTK_ALIGN_START);
  gtk_widget_add_css_class (GTK_WIDGET (self->results_popover), "mq-search-results");
  self->results_list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->results_list, GTK_SELECTION_SINGLE);
  gtk_widget_set_focusable (GTK_WIDGET (self->results_list), FALSE);
  gtk_widget_set_size_request (GTK_WIDGET (self->results_list), 360, -1);
  g_signal_connect_swapped (self->results_list, "row-activated", G_CALLBACK (on_results_row_activated), self);
  self->more_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->more_label, 0.0f);
  gtk_widget_add_css_class (GTK_WIDGET (self->more_label), "dim-label");
  gtk_widget_set_margin_start (GTK_WIDGET (self->more_label), 6);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->results_list));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->more_label));
  gtk_popover_set_child (self->results_popover, box);
  gtk_widget_set_parent (GTK_WIDGET (self->results_popover), GTK_WIDGET (self));
}

static void
mq_filter_bar_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  MqFilterBar *self = MQ_FILTER_BAR (widget);
  graphene_rect_t bounds;

  GTK_WIDGET_CLASS (mq_filter_bar_parent_class)->size_allocate (widget, width, height, baseline);
  if (gtk_widget_compute_bounds (GTK_WIDGET (self->search_entry), widget, &bounds))
    gtk_popover_set_pointing_to (self->results_popover,
                                 &(GdkRectangle) { bounds.origin.x, bounds.origin.y,
                                                   bounds.size.width, bounds.size.height });
  gtk_popover_present (self->results_popover);
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

  if (self->results_popover != NULL)
    gtk_widget_unparent (GTK_WIDGET (self->results_popover));
  self->results_popover = NULL;
  gtk_widget_dispose_template (GTK_WIDGET (self), MQ_TYPE_FILTER_BAR);
  g_clear_object (&self->bindings);
  g_clear_object (&self->project);
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
    "grade_d_toggle",
  };

  G_OBJECT_CLASS (klass)->dispose = mq_filter_bar_dispose;
  widget_class->size_allocate = mq_filter_bar_size_allocate;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/maqiao/LandViewer/mq-filter-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, MqFilterBar, search_entry);
  gtk_widget_class_bind_template_child (widget_class, MqFilterBar, locks_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MqFilterBar, method_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MqFilterBar, tax_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MqFilterBar, chips_scroller);
  gtk_widget_class_bind_template_child (widget_class, MqFilterBar, count_label);
  for (guint i = 0; i < G_N_ELEMENTS (toggles); i++)
    gtk_widget_class_bind_template_child_full (widget_class, toggles[i], FALSE,
                                               G_STRUCT_OFFSET (MqFilterBar, toggles) +
                                               i * sizeof (gpointer));
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_clear_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate);

  /* The search picked a parcel (its index): select it and show it. */
  signals[PARCEL_CHOSEN] = g_signal_new ("parcel-chosen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  /* The search picked a place of the reference layer (its name): go there. */
  signals[PLACE_CHOSEN] = g_signal_new ("place-chosen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

/* The chips scroll sideways with an ordinary mouse wheel too: a narrow
 * window hides the last of them. */
static gboolean
on_chips_scroll (GtkEventControllerScroll *scroll,
                 double                    dx,
                 double                    dy,
                 MqFilterBar              *self)
{
  GtkAdjustment *h = gtk_scrolled_window_get_hadjustment (self->chips_scroller);

  if (dy == 0)
    return FALSE;
  gtk_adjustment_set_value (h, gtk_adjustment_get_value (h) + dy * 40);
  return TRUE;
}

static void
mq_filter_bar_init (MqFilterBar *self)
{
  GtkEventController *keys = gtk_event_controller_key_new ();
  GtkEventController *wheel = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);

  gtk_widget_init_template (GTK_WIDGET (self));
  make_results_popover (self);
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (keys, "key-pressed", G_CALLBACK (on_entry_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self->search_entry), keys);
  g_signal_connect (wheel, "scroll", G_CALLBACK (on_chips_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self->chips_scroller), wheel);
  self->bindings = g_binding_group_new ();
  self->signals = g_signal_group_new (MQ_TYPE_FILTER);
  for (guint i = 0; i < G_N_ELEMENTS (self->toggles); i++)
    g_binding_group_bind (self->bindings, gtk_widget_get_name (self->toggles[i]), self->toggles[i],
                          "active", G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_signal_group_connect_swapped (self->signals, "notify::text", G_CALLBACK (on_filter_text), self);
  g_signal_group_connect_swapped (self->signals, "changed", G_CALLBACK (on_filter_changed), self);
  bind_dropdown (self, self->locks_dropdown, "locks-held", 0);
  bind_dropdown (self, self->method_dropdown, "method", MQ_METHOD_CAPACITY_UPGRADE);
  /* Its positions are the theme's class bounds (mq_tax_class_bounds[]:
   * 5, 10, 20, 30, as the template names them). */
  G_STATIC_ASSERT (MQ_TAX_CLASS_N_BOUNDS == 4);
  bind_dropdown (self, self->tax_dropdown, "tax-below", 0);
}

/* The bar edits the project's filter, the one the map, table and dashboard share. */
void
mq_filter_bar_set_project (MqFilterBar *self,
                           MqProject   *project)
{
  g_return_if_fail (MQ_IS_FILTER_BAR (self));

  g_set_object (&self->project, project);
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
