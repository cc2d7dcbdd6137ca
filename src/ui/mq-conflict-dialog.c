/* mq-conflict-dialog.c
 *
 * One row per conflict: the parcel and field, the value this planner had
 * (base), set (mine) and found (theirs) — coded values as the history shows
 * them — and who stored theirs, when, in local time. Theirs is chosen by
 * default: it is what the parcels already show, and what the other planner
 * meant; keeping mine is the deliberate act. The answer is one gboolean per
 * conflict, "keep theirs"; the caller asks the project again with it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mq-conflict-dialog.h"

struct _MqConflictDialog
{
  AdwMessageDialog  parent_instance;

  GtkScrolledWindow *scroller;
  GtkListBox       *conflict_list;
  GPtrArray        *theirs_buttons;   /* GtkToggleButton, one per conflict */
  GTask            *task;
};

G_DEFINE_FINAL_TYPE (MqConflictDialog, mq_conflict_dialog, ADW_TYPE_MESSAGE_DIALOG)

static GArray *
dup_answer (MqConflictDialog *self)
{
  GArray *keep_theirs = g_array_sized_new (FALSE, FALSE, sizeof (gboolean),
                                           self->theirs_buttons->len);

  for (guint i = 0; i < self->theirs_buttons->len; i++)
    {
      gboolean theirs = mq_conflict_dialog_get_keep_theirs (self, i);

      g_array_append_val (keep_theirs, theirs);
    }
  return keep_theirs;
}

static void
mq_conflict_dialog_response (AdwMessageDialog *dialog,
                             const char       *response)
{
  MqConflictDialog *self = MQ_CONFLICT_DIALOG (dialog);
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  if (task == NULL)
    return;
  if (!g_str_equal (response, "apply"))
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "cancelled");
  else
    g_task_return_pointer (task, dup_answer (self), (GDestroyNotify) g_array_unref);
}

static void
set_all (MqConflictDialog *self,
         gboolean          theirs)
{
  for (guint i = 0; i < self->theirs_buttons->len; i++)
    mq_conflict_dialog_set_keep_theirs (self, i, theirs);
}

static void
on_all_mine (MqConflictDialog *self)
{
  set_all (self, FALSE);
}

static void
on_all_theirs (MqConflictDialog *self)
{
  set_all (self, TRUE);
}

static void
mq_conflict_dialog_dispose (GObject *object)
{
  MqConflictDialog *self = MQ_CONFLICT_DIALOG (object);

  if (self->task != NULL)
    mq_conflict_dialog_response (ADW_MESSAGE_DIALOG (self), "cancel");
  g_clear_pointer (&self->theirs_buttons, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), MQ_TYPE_CONFLICT_DIALOG);
  G_OBJECT_CLASS (mq_conflict_dialog_parent_class)->dispose (object);
}

static void
mq_conflict_dialog_class_init (MqConflictDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = mq_conflict_dialog_dispose;
  ADW_MESSAGE_DIALOG_CLASS (klass)->response = mq_conflict_dialog_response;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/maqiao/LandViewer/mq-conflict-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, MqConflictDialog, scroller);
  gtk_widget_class_bind_template_child (widget_class, MqConflictDialog, conflict_list);
  gtk_widget_class_bind_template_callback (widget_class, on_all_mine);
  gtk_widget_class_bind_template_callback (widget_class, on_all_theirs);
}

static void
mq_conflict_dialog_init (MqConflictDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->theirs_buttons = g_ptr_array_new ();
}

/* "2026年11月29日 14:02" in the user's zone and locale; the store's text
 * as it is when it does not read as ISO 8601. */
static char *
dup_local_time (const char *iso)
{
  g_autoptr(GDateTime) utc = iso ? g_date_time_new_from_iso8601 (iso, NULL)
                                 : NULL;
  g_autoptr(GDateTime) local = utc ? g_date_time_to_local (utc) : NULL;

  if (local == NULL)
    return g_strdup (iso);
  return g_date_time_format (local, "%x %H:%M");
}

static char *
dup_who_when (const MqConflict *c)
{
  g_autofree char *when = dup_local_time (c->when);

  if (c->who != NULL && when != NULL)
    /* Translators: "王工 于 2026年11月29日 14:02 修改" */
    return g_strdup_printf (_("Changed by %s on %s"), c->who, when);
  if (when != NULL)
    return g_strdup_printf (_("Changed by someone else on %s"), when);
  if (c->who != NULL)
    return g_strdup_printf (_("Changed by %s"), c->who);
  return g_strdup (_("Changed by someone else"));
}

static GtkWidget *
choice_buttons (MqConflictDialog *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *mine = gtk_toggle_button_new_with_label (_("Keep Mine"));
  GtkWidget *theirs = gtk_toggle_button_new_with_label (_("Keep Theirs"));

  gtk_widget_add_css_class (box, "linked");
  gtk_widget_set_valign (box, GTK_ALIGN_START);
  gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (mine), GTK_TOGGLE_BUTTON (theirs));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (theirs), TRUE);
  gtk_box_append (GTK_BOX (box), mine);
  gtk_box_append (GTK_BOX (box), theirs);
  g_ptr_array_add (self->theirs_buttons, theirs);
  return box;
}

static GtkWidget *
label_new (const char *text,
           const char *style,
           float       xalign)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), xalign);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (label), style == NULL);
  if (style != NULL)
    gtk_widget_add_css_class (label, style);
  return label;
}

/* 原值 / 我的 / 他人的, one line each: the values can be long (notes). */
static GtkWidget *
values_grid (const MqConflict *c)
{
  GtkWidget *grid = gtk_grid_new ();
  const struct { const char *key; const char *value; } lines[] = {
    { C_("conflict", "Was"), c->base },
    { C_("conflict", "Mine"), c->mine },
    { C_("conflict", "Theirs"), c->theirs },
  };

  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 2);
  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      GtkWidget *value = label_new (mq_field_value_label (c->field, lines[i].value), NULL, 0);

      gtk_widget_set_hexpand (value, TRUE);
      gtk_grid_attach (GTK_GRID (grid), label_new (lines[i].key, "dim-label", 1), 0, i, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), value, 1, i, 1, 1);
    }
  return grid;
}

/* Parcel · field and the choice on top; the three values; who and when. */
static GtkWidget *
conflict_row (MqConflictDialog *self,
              const MqConflict *c)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  g_autofree char *title = g_strdup_printf ("%s · %s", c->parcel_id ? c->parcel_id : "?",
                                            mq_field_label (c->field));
  g_autofree char *who_when = dup_who_when (c);
  GtkWidget *heading = label_new (title, "heading", 0);

  gtk_widget_set_hexpand (heading, TRUE);
  gtk_box_append (GTK_BOX (top), heading);
  gtk_box_append (GTK_BOX (top), choice_buttons (self));
  gtk_box_append (GTK_BOX (box), top);
  gtk_box_append (GTK_BOX (box), values_grid (c));
  gtk_box_append (GTK_BOX (box), label_new (who_when, "dim-label", 0));
  gtk_widget_add_css_class (gtk_widget_get_last_child (box), "caption");
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 10);
  gtk_widget_set_margin_bottom (box, 10);
  return box;
}

/* A few conflicts show whole; many scroll. */
#define ROWS_SHOWN_WHOLE 3

/**
 * mq_conflict_dialog_choose:
 * @conflicts: (element-type MqConflict): from mq_project_get_conflicts()
 *
 * Shows the conflicts; finishes with one "keep theirs" per conflict, or
 * %G_IO_ERROR_CANCELLED when the user keeps theirs for all and stores nothing.
 */
void
mq_conflict_dialog_choose (GtkWindow           *parent,
                           GPtrArray           *conflicts,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  MqConflictDialog *self = g_object_new (MQ_TYPE_CONFLICT_DIALOG, "transient-for", parent, NULL);

  self->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->task, mq_conflict_dialog_choose);
  for (guint i = 0; i < conflicts->len; i++)
    gtk_list_box_append (self->conflict_list, conflict_row (self, g_ptr_array_index (conflicts, i)));
  if (conflicts->len > ROWS_SHOWN_WHOLE)
    {
      gtk_scrolled_window_set_policy (self->scroller, GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
      gtk_scrolled_window_set_min_content_height (self->scroller, 360);
    }
  gtk_window_present (GTK_WINDOW (self));
}

/* Returns: (transfer full) (element-type gboolean): keep theirs, per conflict */
GArray *
mq_conflict_dialog_choose_finish (GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mq_conflict_dialog_choose, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

guint
mq_conflict_dialog_get_n_conflicts (MqConflictDialog *self)
{
  g_return_val_if_fail (MQ_IS_CONFLICT_DIALOG (self), 0);
  return self->theirs_buttons->len;
}

gboolean
mq_conflict_dialog_get_keep_theirs (MqConflictDialog *self,
                                    guint             i)
{
  g_return_val_if_fail (MQ_IS_CONFLICT_DIALOG (self), TRUE);
  g_return_val_if_fail (i < self->theirs_buttons->len, TRUE);
  return gtk_toggle_button_get_active (g_ptr_array_index (self->theirs_buttons, i));
}

/* As the user's click on "Keep Mine" or "Keep Theirs" of row @i. */
void
mq_conflict_dialog_set_keep_theirs (MqConflictDialog *self,
                                    guint             i,
                                    gboolean          theirs)
{
  GtkToggleButton *button;

  g_return_if_fail (MQ_IS_CONFLICT_DIALOG (self));
  g_return_if_fail (i < self->theirs_buttons->len);

  button = g_ptr_array_index (self->theirs_buttons, i);
  if (theirs)
    gtk_toggle_button_set_active (button, TRUE);
  else
    {
      /* The group's other member is the row's "Keep Mine". */
      GtkWidget *mine = gtk_widget_get_prev_sibling (GTK_WIDGET (button));

      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (mine), TRUE);
    }
}
