/* mq-parcel-table.c
 *
 * MqParcelList → GtkFilterListModel (the shared MqFilter) → GtkSortListModel
 * (the column view's sorter) → GtkMultiSelection. The sort works
 * incrementally, so typing in the search stays smooth with 10⁵ rows; the
 * filter does not need to (MqFilter has worked out a byte per parcel), and
 * an incremental refilter would empty the table for a moment, scroll and
 * all, at every edit. The
 * selection is the map's: a row selected here is selected there, and a
 * parcel clicked on the map is selected — and scrolled to — here.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-parcel-table.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "mq-column-chooser.h"
#include "mq-parcel-list.h"
#include "mq-settings.h"

typedef enum
{
  COL_ID,
  COL_OWNER,
  COL_LAND_USE,
  COL_MU,
  COL_METHOD,
  COL_LOCK_PARCEL,
  COL_LOCK_PROJECT,
  COL_LOCK_DEADLINE,
  COL_LOCK_OWNER,
  COL_DEADLINE,
  COL_STAGE,
  COL_ENTITY,
  COL_GRADE,
  COL_TAX_PER_MU,
  N_COLUMNS
} Column;

/* Widths in pixels for the short columns, -1 to size to the content. */
/* The key names a column in the "table-columns" setting. */
static const struct
{
  const char *key;
  const char *title;
  gboolean    expand;
  gboolean    numeric;
  int         width;
} columns[N_COLUMNS] = {
  [COL_ID] = { "id", N_("Parcel ID"), FALSE, FALSE, 84 },
  [COL_OWNER] = { "owner", N_("Right holder"), TRUE, FALSE, -1 },
  [COL_LAND_USE] = { "land-use", N_("Land use"), FALSE, FALSE, 110 },
  [COL_MU] = { "mu", N_("Mu"), FALSE, TRUE, 76 },
  [COL_METHOD] = { "method", N_("Method"), FALSE, FALSE, 84 },
  [COL_LOCK_PARCEL] = { "lock-parcel", N_("Parcel"), FALSE, FALSE, 56 },
  [COL_LOCK_PROJECT] = { "lock-project", N_("Project"), FALSE, FALSE, 56 },
  [COL_LOCK_DEADLINE] = { "lock-deadline", N_("Time"), FALSE, FALSE, 56 },
  [COL_LOCK_OWNER] = { "lock-owner", N_("Entity"), FALSE, FALSE, 56 },
  [COL_DEADLINE] = { "deadline", N_("Deadline"), FALSE, FALSE, 124 },
  [COL_STAGE] = { "stage", N_("Stage"), FALSE, FALSE, 70 },
  [COL_ENTITY] = { "entity", N_("Responsible entity"), TRUE, FALSE, -1 },
  /* Shown from the column chooser (⋮): performance per mu. */
  [COL_GRADE] = { "grade", N_("Class"), FALSE, FALSE, 56 },
  [COL_TAX_PER_MU] = { "tax-per-mu", N_("Tax per mu"), FALSE, TRUE, 90 },
};

struct _MqParcelTable
{
  GtkWidget           parent_instance;

  GtkColumnView      *view;
  GtkMenuButton      *columns_button;
  GtkColumnViewColumn *column[N_COLUMNS];
  GSettings          *settings;     /* NULL without the schema: the layout is not kept */
  gboolean            applying;     /* the layout and the setting are being matched */
  guint               save_id;
  MqParcelList       *list;
  GtkCustomFilter    *custom_filter;
  GtkFilterListModel *filtered;
  GtkSortListModel   *sorted;
  GtkMultiSelection  *selection_model;
  MqProject          *project;
  GSignalGroup       *project_signals;
  MqFilter           *filter;
  MqSelection        *selection;
  guint32             today;
  gboolean            syncing;
  GArray             *positions;   /* guint per parcel: its row, or G_MAXUINT; NULL = stale */
  guint               scroll_to;   /* a row to show once mapped, or G_MAXUINT */
  gboolean            pending;     /* the project's dataset is not in the rows yet */
};

G_DEFINE_FINAL_TYPE (MqParcelTable, mq_parcel_table, GTK_TYPE_WIDGET)

static void on_project_loaded (MqParcelTable *self);
static void fill (MqParcelTable *self);

enum { PARCEL_ACTIVATED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* A lock column: held, open, or nothing to say (land not flagged). */
static int
lock_rank (Column          column,
           const MqParcel *p)
{
  if (!p->flagged && p->locks == 0)
    return -1;
  return (p->locks >> (column - COL_LOCK_PARCEL)) & 1;
}

static char *
cell_text (Column          column,
           const MqParcel *p)
{
  switch (column)
    {
    case COL_ID: return g_strdup (p->id);
    case COL_OWNER: return g_strdup (p->owner);
    case COL_LAND_USE: return g_strdup (p->land_use_name);
    case COL_MU: return g_strdup_printf ("%.2f", p->area_m2 / MQ_M2_PER_MU);
    case COL_METHOD: return g_strdup (mq_method_label (p->method));
    case COL_LOCK_PARCEL:
    case COL_LOCK_PROJECT:
    case COL_LOCK_DEADLINE:
    case COL_LOCK_OWNER:
      return lock_rank (column, p) < 0 ? NULL : g_strdup (lock_rank (column, p) ? "✓" : "—");
    case COL_DEADLINE: return mq_date_format (p->deadline);
    case COL_STAGE: return mq_parcel_dup_field_text (p, MQ_FIELD_STAGE);
    case COL_ENTITY: return g_strdup (p->details->entity);
    case COL_GRADE: return mq_parcel_dup_field_text (p, MQ_FIELD_GRADE);
    case COL_TAX_PER_MU:
      return isnan (mq_parcel_tax_per_mu (p)) ? NULL : g_strdup_printf ("%.2f", mq_parcel_tax_per_mu (p));
    case N_COLUMNS:
    default: g_return_val_if_reached (NULL);
    }
}

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), columns[GPOINTER_TO_INT (data)].numeric ? 1.0 : 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (columns[GPOINTER_TO_INT (data)].numeric)
    gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (item, label);
  /* The row takes clicks, not its cells: in GTK 4.8 both select on a
   * click, so a Ctrl+click toggled a row twice and changed nothing. */
  gtk_list_item_set_selectable (item, FALSE);
  gtk_list_item_set_activatable (item, FALSE);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  data)
{
  MqParcelItem *parcel = gtk_list_item_get_item (item);
  g_autofree char *text = cell_text (GPOINTER_TO_INT (data), mq_parcel_item_get_parcel (parcel));

  GtkWidget *label = gtk_list_item_get_child (item);
  g_autofree char *overdue = NULL;

  /* An overdue deadline says how late it is, in red; the date is in the tip. */
  if (GPOINTER_TO_INT (data) == COL_DEADLINE)
    {
      const MqParcel *p = mq_parcel_item_get_parcel (parcel);
      MqParcelTable *table = g_object_get_data (G_OBJECT (factory), "mq-parcel-table");

      overdue = mq_overdue_text (mq_parcel_days_overdue (p, table->today));
    }
  gtk_label_set_text (GTK_LABEL (label), overdue ? overdue : text ? text : "");
  gtk_widget_set_tooltip_text (label, overdue ? text : NULL);
  if (overdue != NULL)
    gtk_widget_add_css_class (label, "mq-table-overdue");
  else
    gtk_widget_remove_css_class (label, "mq-table-overdue");
}

static int
compare_numbers (double a,
                 double b)
{
  return (a > b) - (a < b);
}

/* A figure none is given for sorts after every figure. */
static int
compare_figures (double a,
                 double b)
{
  if (isnan (a) || isnan (b))
    return isnan (a) - isnan (b);
  return compare_numbers (a, b);
}

/* What a text column sorts by, without allocating: a sort of 10⁵ rows
 * compares each row some twenty times. */
static const char *
sort_text (Column          column,
           const MqParcel *p)
{
  switch (column)
    {
    case COL_ID: return p->id;
    case COL_OWNER: return p->owner;
    case COL_LAND_USE: return p->land_use_name;
    case COL_METHOD: return mq_method_label (p->method);
    case COL_STAGE: return mq_stage_label (p->stage);
    case COL_ENTITY: return p->details->entity;
    case COL_GRADE: return mq_grade_term (p->details->grade);
    default: return NULL;
    }
}

static int
compare_parcels (gconstpointer a,
                 gconstpointer b,
                 gpointer      data)
{
  Column column = GPOINTER_TO_INT (data);
  const MqParcel *p = mq_parcel_item_get_parcel ((MqParcelItem *) a);
  const MqParcel *q = mq_parcel_item_get_parcel ((MqParcelItem *) b);

  switch (column)
    {
    case COL_MU: return compare_numbers (p->area_m2, q->area_m2);
    case COL_TAX_PER_MU: return compare_figures (mq_parcel_tax_per_mu (p), mq_parcel_tax_per_mu (q));
    case COL_DEADLINE: return compare_numbers (p->deadline, q->deadline);
    case COL_LOCK_PARCEL:
    case COL_LOCK_PROJECT:
    case COL_LOCK_DEADLINE:
    case COL_LOCK_OWNER:
      return compare_numbers (lock_rank (column, p), lock_rank (column, q));
    default:
      return g_strcmp0 (sort_text (column, p), sort_text (column, q));
    }
}

/* ---- which columns, in which order: kept in the "table-columns" setting ---- */

static int
column_by_key (const char *key)
{
  for (int c = 0; c < N_COLUMNS; c++)
    if (g_strcmp0 (columns[c].key, key) == 0)
      return c;
  return -1;
}

/* The shown columns, in the view's order, into the setting. */
static gboolean
write_layout (gpointer data)
{
  MqParcelTable *self = data;
  GListModel *shown = gtk_column_view_get_columns (self->view);
  g_autoptr(GStrvBuilder) keys = g_strv_builder_new ();
  g_auto(GStrv) strv = NULL;

  self->save_id = 0;
  for (guint k = 0; k < g_list_model_get_n_items (shown); k++)
    {
      g_autoptr(GtkColumnViewColumn) c = g_list_model_get_item (shown, k);

      for (int i = 0; i < N_COLUMNS; i++)
        if (self->column[i] == c && gtk_column_view_column_get_visible (c))
          g_strv_builder_add (keys, columns[i].key);
    }
  strv = g_strv_builder_end (keys);
  self->applying = TRUE;   /* the view is as the setting will be */
  g_settings_set_strv (self->settings, "table-columns", (const char * const *) strv);
  self->applying = FALSE;
  return G_SOURCE_REMOVE;
}

/* Once the view has settled: a column moved is taken out, then put back. */
static void
save_layout (MqParcelTable *self)
{
  if (!self->applying && self->settings != NULL && self->save_id == 0)
    self->save_id = g_idle_add (write_layout, self);
}

/* The setting's columns first, in its order, shown; the others after, hidden.
 * Unknown keys (a later version's) are passed over. */
static void
apply_layout (MqParcelTable *self)
{
  g_auto(GStrv) keys = NULL;
  gboolean shown[N_COLUMNS] = { FALSE };
  guint position = 0;

  if (self->settings == NULL || self->applying)
    return;
  keys = g_settings_get_strv (self->settings, "table-columns");
  self->applying = TRUE;
  for (guint k = 0; keys[k] != NULL; k++)
    {
      int c = column_by_key (keys[k]);

      if (c < 0 || shown[c])
        continue;
      shown[c] = TRUE;
      gtk_column_view_insert_column (self->view, position++, self->column[c]);
      gtk_column_view_column_set_visible (self->column[c], TRUE);
    }
  for (int c = 0; c < N_COLUMNS; c++)
    if (!shown[c])
      gtk_column_view_column_set_visible (self->column[c], FALSE);
  self->applying = FALSE;
}

static void
add_column (MqParcelTable *self,
            Column         column)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkSorter) sorter = GTK_SORTER (gtk_custom_sorter_new (compare_parcels,
                                                                  GINT_TO_POINTER (column), NULL));
  g_autoptr(GtkColumnViewColumn) c = NULL;

  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), GINT_TO_POINTER (column));
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), GINT_TO_POINTER (column));
  /* The deadline's cell counts from the table's day. */
  g_object_set_data (G_OBJECT (factory), "mq-parcel-table", self);
  c = gtk_column_view_column_new (_(columns[column].title), factory);
  self->column[column] = c;
  gtk_column_view_column_set_sorter (c, sorter);
  gtk_column_view_column_set_resizable (c, TRUE);
  gtk_column_view_column_set_expand (c, columns[column].expand);
  gtk_column_view_column_set_fixed_width (c, columns[column].width);
  gtk_column_view_append_column (self->view, c);
  g_signal_connect_object (c, "notify::visible", G_CALLBACK (save_layout), self, G_CONNECT_SWAPPED);
}

static gboolean
keep_parcel (gpointer item,
             gpointer data)
{
  MqParcelTable *self = data;
  MqDataset *dataset = mq_parcel_list_get_dataset (self->list);

  return self->filter == NULL || dataset == NULL ||
         mq_filter_matches (self->filter, dataset, mq_parcel_item_get_index (item), self->today);
}

/* ---- the selection, shared with the map ---- */

static void
on_rows_selected (MqParcelTable *self)
{
  g_autoptr(GtkBitset) rows = NULL;
  g_autoptr(GArray) indices = g_array_new (FALSE, FALSE, sizeof (guint));
  GtkBitsetIter iter;
  guint position;

  if (self->syncing || self->selection == NULL)
    return;
  rows = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection_model));
  for (gboolean ok = gtk_bitset_iter_init_first (&iter, rows, &position); ok;
       ok = gtk_bitset_iter_next (&iter, &position))
    {
      g_autoptr(MqParcelItem) item = g_list_model_get_item (G_LIST_MODEL (self->sorted), position);
      guint index = mq_parcel_item_get_index (item);

      g_array_append_val (indices, index);
    }
  self->syncing = TRUE;
  mq_selection_set (self->selection, indices);
  self->syncing = FALSE;
}

/* A list view scrolled while unmapped draws no rows afterwards (GTK 4.8):
 * a hidden table remembers the row and scrolls when it is shown. */
static void
scroll_to (MqParcelTable *self,
           guint          position)
{
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->scroll_to = position;
      return;
    }
  self->scroll_to = G_MAXUINT;
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->view)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_VIEW (child))
      gtk_widget_activate_action (child, "list.scroll-to-item", "u", position);
}

/* Which row shows each parcel: found once per sort or filter, so that a
 * click on the map finds its row at once even among 10⁵. */
static GArray *
row_positions (MqParcelTable *self)
{
  GListModel *rows = G_LIST_MODEL (self->sorted);
  MqDataset *dataset = mq_parcel_list_get_dataset (self->list);
  guint n = dataset ? mq_parcels_get_n_parcels (mq_dataset_get_parcels (dataset)) : 0;

  if (self->positions != NULL)
    return self->positions;
  self->positions = g_array_sized_new (FALSE, FALSE, sizeof (guint), n);
  g_array_set_size (self->positions, n);
  /* Neither sorted nor filtered, row and parcel are one: asking each row
   * would make an item of every parcel at the first click on the map. */
  if (gtk_filter_get_strictness (GTK_FILTER (self->custom_filter)) == GTK_FILTER_MATCH_ALL &&
      gtk_sorter_get_order (gtk_column_view_get_sorter (self->view)) == GTK_SORTER_ORDER_NONE &&
      g_list_model_get_n_items (rows) == n)
    {
      for (guint i = 0; i < n; i++)
        g_array_index (self->positions, guint, i) = i;
      return self->positions;
    }
  /* No parcels (no dataset yet): no data to fill, and memset wants some. */
  if (n > 0)
    memset (self->positions->data, 0xff, n * sizeof (guint));
  for (guint position = 0; position < g_list_model_get_n_items (rows); position++)
    {
      g_autoptr(MqParcelItem) item = g_list_model_get_item (rows, position);

      g_array_index (self->positions, guint, mq_parcel_item_get_index (item)) = position;
    }
  return self->positions;
}

static void
on_rows_changed (MqParcelTable *self)
{
  g_clear_pointer (&self->positions, g_array_unref);
}

/* The rows of the project's selection, selected in the list; returns the
 * first row, or G_MAXUINT. */
static guint
sync_selection (MqParcelTable *self)
{
  GListModel *rows = G_LIST_MODEL (self->sorted);
  g_autoptr(GtkBitset) selected = gtk_bitset_new_empty ();
  g_autoptr(GtkBitset) all = NULL;
  g_autoptr(GArray) parcels = NULL;
  guint n = g_list_model_get_n_items (rows);
  GArray *positions;

  parcels = mq_selection_dup_sorted (self->selection);
  positions = parcels->len > 0 ? row_positions (self) : NULL;
  for (guint k = 0; k < parcels->len; k++)
    {
      guint index = g_array_index (parcels, guint, k);

      if (index < positions->len && g_array_index (positions, guint, index) != G_MAXUINT)
        gtk_bitset_add (selected, g_array_index (positions, guint, index));
    }
  all = gtk_bitset_new_range (0, n);
  self->syncing = TRUE;
  gtk_selection_model_set_selection (GTK_SELECTION_MODEL (self->selection_model), selected, all);
  self->syncing = FALSE;
  return gtk_bitset_is_empty (selected) ? G_MAXUINT : gtk_bitset_get_minimum (selected);
}

static void
on_selection_changed (MqParcelTable *self)
{
  guint first;

  if (self->syncing)
    return;
  if ((first = sync_selection (self)) != G_MAXUINT)
    scroll_to (self, first);
}

static void
on_view_activate (MqParcelTable *self,
                  guint          position)
{
  g_autoptr(MqParcelItem) item = g_list_model_get_item (G_LIST_MODEL (self->sorted), position);

  if (item != NULL)
    g_signal_emit (self, signals[PARCEL_ACTIVATED], 0, mq_parcel_item_get_index (item));
}

/* Without a filter the model keeps every row without asking each: asking
 * would make an item of every parcel, a second's work at 10⁶ parcels when
 * a file opens. */
static void
on_filter_changed (MqParcelTable *self)
{
  gboolean active = self->filter != NULL && mq_filter_is_active (self->filter);

  self->today = self->project ? mq_project_get_today (self->project) : mq_today ();
  gtk_custom_filter_set_filter_func (self->custom_filter, active ? keep_parcel : NULL, active ? self : NULL, NULL);
}

/* Scrolls once the shown table has its size: earlier, the list view would
 * keep one row and draw no others. */
static gboolean
scroll_when_shown (GtkWidget     *widget,
                   GdkFrameClock *clock,
                   gpointer       data)
{
  MqParcelTable *self = MQ_PARCEL_TABLE (widget);

  if (gtk_widget_get_height (GTK_WIDGET (self->view)) <= 0)
    return G_SOURCE_CONTINUE;
  if (self->scroll_to < g_list_model_get_n_items (G_LIST_MODEL (self->sorted)))
    scroll_to (self, self->scroll_to);
  return G_SOURCE_REMOVE;
}

static void
mq_parcel_table_map (GtkWidget *widget)
{
  MqParcelTable *self = MQ_PARCEL_TABLE (widget);

  if (self->pending)
    fill (self);
  GTK_WIDGET_CLASS (mq_parcel_table_parent_class)->map (widget);
  if (self->scroll_to != G_MAXUINT)
    gtk_widget_add_tick_callback (widget, scroll_when_shown, NULL, NULL);
}

static void
mq_parcel_table_dispose (GObject *object)
{
  MqParcelTable *self = MQ_PARCEL_TABLE (object);
  GtkWidget *child;

  if (self->filter != NULL)
    g_signal_handlers_disconnect_by_data (self->filter, self);
  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), MQ_TYPE_PARCEL_TABLE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->selection_model);
  g_clear_pointer (&self->positions, g_array_unref);
  mq_parcel_table_set_project (self, NULL);
  g_clear_object (&self->project_signals);
  g_clear_handle_id (&self->save_id, g_source_remove);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (mq_parcel_table_parent_class)->dispose (object);
}

static void
mq_parcel_table_class_init (MqParcelTableClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = mq_parcel_table_dispose;
  widget_class->map = mq_parcel_table_map;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/maqiao/LandViewer/mq-parcel-table.ui");
  gtk_widget_class_bind_template_child (widget_class, MqParcelTable, view);
  gtk_widget_class_bind_template_child (widget_class, MqParcelTable, columns_button);
  gtk_widget_class_bind_template_callback (widget_class, on_view_activate);

  /* A row was activated (double-click, Enter): show that parcel. */
  signals[PARCEL_ACTIVATED] = g_signal_new ("parcel-activated", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                            G_TYPE_NONE, 1, G_TYPE_UINT);
}

/* The columns as the setting has them; a header dragged or the chooser
 * used, the setting as the view has them. */
static void
follow_layout (MqParcelTable *self)
{
  gtk_menu_button_set_popover (self->columns_button, mq_column_chooser_new (self->view));
  self->settings = mq_settings_new ();
  apply_layout (self);
  if (self->settings != NULL)
    g_signal_connect_object (self->settings, "changed::table-columns", G_CALLBACK (apply_layout), self,
                             G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_column_view_get_columns (self->view), "items-changed", G_CALLBACK (save_layout),
                           self, G_CONNECT_SWAPPED);
}

static void
mq_parcel_table_init (MqParcelTable *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->today = mq_today ();
  self->scroll_to = G_MAXUINT;
  self->list = mq_parcel_list_new ();
  self->project_signals = g_signal_group_new (MQ_TYPE_PROJECT);
  g_signal_group_connect_swapped (self->project_signals, "loaded", G_CALLBACK (on_project_loaded), self);
  g_signal_group_connect_swapped (self->project_signals, "closed", G_CALLBACK (on_project_loaded), self);
  /* An edit: search texts, rows and their order; the filter tells what it leaves. */
  g_signal_group_connect_swapped (self->project_signals, "changed",
                                  G_CALLBACK (mq_parcel_table_refresh), self);
  self->custom_filter = gtk_custom_filter_new (NULL, NULL, NULL);
  self->filtered = gtk_filter_list_model_new (G_LIST_MODEL (self->list), GTK_FILTER (self->custom_filter));
  for (Column c = 0; c < N_COLUMNS; c++)
    add_column (self, c);
  self->sorted = gtk_sort_list_model_new (G_LIST_MODEL (self->filtered),
                                          g_object_ref (gtk_column_view_get_sorter (self->view)));
  gtk_sort_list_model_set_incremental (self->sorted, TRUE);
  self->selection_model = gtk_multi_selection_new (G_LIST_MODEL (self->sorted));
  gtk_column_view_set_model (self->view, GTK_SELECTION_MODEL (self->selection_model));
  g_signal_connect_swapped (self->selection_model, "selection-changed", G_CALLBACK (on_rows_selected), self);
  g_signal_connect_swapped (self->sorted, "items-changed", G_CALLBACK (on_rows_changed), self);
  follow_layout (self);
}

/* The rows of the dataset now: GTK's models take most of a second over
 * 10⁶ rows, so a file opens without them and the table fills when it is
 * first shown (or asked for its rows). */
static void
fill (MqParcelTable *self)
{
  self->pending = FALSE;
  mq_parcel_list_set_dataset (self->list, self->project ? mq_project_get_dataset (self->project) : NULL);
  if (self->selection != NULL && mq_selection_get_n (self->selection) > 0)
    on_selection_changed (self);
}

static void
on_project_loaded (MqParcelTable *self)
{
  MqDataset *dataset = self->project ? mq_project_get_dataset (self->project) : NULL;

  if (gtk_widget_get_mapped (GTK_WIDGET (self)) || dataset == NULL)
    {
      fill (self);
      return;
    }
  /* The rows of the last dataset go at once: they keep it alive. */
  mq_parcel_list_set_dataset (self->list, NULL);
  self->pending = TRUE;
}

/* Rows show what the filter of @project leaves, and select as it does. */
void
mq_parcel_table_set_project (MqParcelTable *self,
                             MqProject     *project)
{
  g_return_if_fail (MQ_IS_PARCEL_TABLE (self));

  if (self->project == project)
    return;
  if (self->filter != NULL)
    g_signal_handlers_disconnect_by_data (self->filter, self);
  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  g_clear_object (&self->filter);
  g_clear_object (&self->selection);
  g_set_object (&self->project, project);
  g_signal_group_set_target (self->project_signals, project);
  if (project == NULL)
    return;
  self->filter = g_object_ref (mq_project_get_filter (project));
  self->selection = g_object_ref (mq_project_get_selection (project));
  g_signal_connect_swapped (self->filter, "changed", G_CALLBACK (on_filter_changed), self);
  g_signal_connect_swapped (self->selection, "changed", G_CALLBACK (on_selection_changed), self);
  on_filter_changed (self);
  on_project_loaded (self);
}

/* The rows after filtering and sorting, in the order shown. */
GListModel *
mq_parcel_table_get_model (MqParcelTable *self)
{
  g_return_val_if_fail (MQ_IS_PARCEL_TABLE (self), NULL);
  if (self->pending)
    fill (self);
  return G_LIST_MODEL (self->sorted);
}

GtkColumnView *
mq_parcel_table_get_view (MqParcelTable *self)
{
  g_return_val_if_fail (MQ_IS_PARCEL_TABLE (self), NULL);
  if (self->pending)
    fill (self);
  return self->view;
}

static GtkAdjustment *
vadjustment (MqParcelTable *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->view)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_VIEW (child))
      return gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (child));
  return NULL;
}

/* Whether row @position lies within the rows scrolled to (rows are of one
 * height, so the adjustment tells). */
static gboolean
row_in_view (MqParcelTable *self,
             GtkAdjustment *adj,
             guint          position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->sorted));
  double row = n > 0 ? gtk_adjustment_get_upper (adj) / n : 0;
  double top = gtk_adjustment_get_value (adj);

  return row > 0 && position * row >= top &&
         (position + 1) * row <= top + gtk_adjustment_get_page_size (adj);
}

/* The parcels' values changed (an edit): rows show and sort them afresh.
 * Sorted at once, not incrementally: an incremental pass would shuffle the
 * rows under the user for a moment and lose the scroll. The table stays
 * where it was, the edited (selected) rows still selected and, if they had
 * gone, brought back into view. */
void
mq_parcel_table_refresh (MqParcelTable *self)
{
  GtkAdjustment *adj;
  double value;
  guint first;

  g_return_if_fail (MQ_IS_PARCEL_TABLE (self));

  adj = vadjustment (self);
  value = adj ? gtk_adjustment_get_value (adj) : 0;
  gtk_sort_list_model_set_incremental (self->sorted, FALSE);
  gtk_filter_changed (GTK_FILTER (self->custom_filter), GTK_FILTER_CHANGE_DIFFERENT);
  gtk_sorter_changed (gtk_column_view_get_sorter (self->view), GTK_SORTER_CHANGE_DIFFERENT);
  gtk_sort_list_model_set_incremental (self->sorted, TRUE);
  if (self->selection == NULL)
    return;
  first = sync_selection (self);
  if (adj == NULL)
    return;
  gtk_adjustment_set_value (adj, value);
  if (first != G_MAXUINT && !row_in_view (self, adj, first))
    scroll_to (self, first);
}
