/* mq-store.c
 *
 * The store interface: each function dispatches to the backend's vtable;
 * what every backend would do alike — previews, the undo and redo steps,
 * the last conflicts — is done here, kept on the store as object data.
 * mq_store_open() (mq-store-open.c) chooses the backend for a dataset.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-store.h"

#include "mq-edit-private.h"
#include "mq-staging.h"

G_DEFINE_QUARK (mq-store-error-quark, mq_store_error)

G_DEFINE_INTERFACE (MqStore, mq_store, G_TYPE_OBJECT)

enum { CHANGED, CHANGED_REMOTELY, PRESENCE_CHANGED, ONLINE_CHANGED, REPLACED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
mq_store_default_init (MqStoreInterface *iface)
{
  GType type = G_TYPE_FROM_INTERFACE (iface);

  /* Emitted after an edit, undo or redo reached the project and the parcels. */
  signals[CHANGED] = g_signal_new ("changed", type, G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* Another planner's edits reached the parcels: MqHistoryEntry, oldest first. */
  signals[CHANGED_REMOTELY] = g_signal_new ("changed-remotely", type, G_SIGNAL_RUN_LAST, 0, NULL,
                                            NULL, NULL, G_TYPE_NONE, 1, G_TYPE_PTR_ARRAY);
  signals[PRESENCE_CHANGED] = g_signal_new ("presence-changed", type, G_SIGNAL_RUN_LAST, 0, NULL,
                                            NULL, NULL, G_TYPE_NONE, 0);
  signals[ONLINE_CHANGED] = g_signal_new ("online-changed", type, G_SIGNAL_RUN_LAST, 0, NULL,
                                          NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
  /* The project's parcels were replaced where they are kept (a survey
   * update, or its undo): what the store holds is of another table, and
   * edits are refused until the project is read again. */
  signals[REPLACED] = g_signal_new ("replaced", type, G_SIGNAL_RUN_LAST, 0, NULL,
                                    NULL, NULL, G_TYPE_NONE, 0);
}

void
mq_editor_free (MqEditor *editor)
{
  if (editor == NULL)
    return;
  g_free (editor->display_name);
  g_free (editor->db_user);
  g_free (editor);
}

/* What the interface keeps for each store. */
typedef struct
{
  GPtrArray *undo;        /* MqEdit, as applied */
  GPtrArray *redo;
  GPtrArray *conflicts;   /* MqConflict, of the last edit refused for them */
} Steps;

static void
steps_free (Steps *steps)
{
  g_ptr_array_unref (steps->undo);
  g_ptr_array_unref (steps->redo);
  g_ptr_array_unref (steps->conflicts);
  g_free (steps);
}

static Steps *
steps_of (MqStore *self)
{
  static GQuark quark;
  Steps *steps;

  if (quark == 0)
    quark = g_quark_from_static_string ("mq-store-steps");
  steps = g_object_get_qdata (G_OBJECT (self), quark);
  if (steps == NULL)
    {
      steps = g_new0 (Steps, 1);
      steps->undo = g_ptr_array_new_with_free_func ((GDestroyNotify) mq_edit_free);
      steps->redo = g_ptr_array_new_with_free_func ((GDestroyNotify) mq_edit_free);
      steps->conflicts = g_ptr_array_new_with_free_func ((GDestroyNotify) mq_conflict_free);
      g_object_set_qdata_full (G_OBJECT (self), quark, steps, (GDestroyNotify) steps_free);
    }
  return steps;
}

/* For the backends: the edit is stored and in the parcels. */
void
mq_store_emit_changed (MqStore *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

void
mq_store_emit_changed_remotely (MqStore   *self,
                                GPtrArray *entries)
{
  g_signal_emit (self, signals[CHANGED_REMOTELY], 0, entries);
}

void
mq_store_emit_presence_changed (MqStore *self)
{
  g_signal_emit (self, signals[PRESENCE_CHANGED], 0);
}

void
mq_store_emit_replaced (MqStore *self)
{
  g_signal_emit (self, signals[REPLACED], 0);
}

void
mq_store_emit_online_changed (MqStore  *self,
                              gboolean  online)
{
  g_signal_emit (self, signals[ONLINE_CHANGED], 0, online);
}

#define IFACE(self) MQ_STORE_GET_IFACE (self)

gboolean
mq_store_is_read_only (MqStore *self)
{
  g_return_val_if_fail (MQ_IS_STORE (self), TRUE);

  return IFACE (self)->is_read_only (self);
}

/* Returns: (nullable): why the project is read-only, translated, naming it */
const char *
mq_store_get_read_only_reason (MqStore *self)
{
  g_return_val_if_fail (MQ_IS_STORE (self), NULL);

  return IFACE (self)->get_read_only_reason (self);
}

const char *
mq_store_get_path (MqStore *self)
{
  g_return_val_if_fail (MQ_IS_STORE (self), NULL);

  return IFACE (self)->get_path (self);
}

MqDataset *
mq_store_get_dataset (MqStore *self)
{
  g_return_val_if_fail (MQ_IS_STORE (self), NULL);

  return IFACE (self)->get_dataset (self);
}

/**
 * mq_store_preview:
 *
 * What applying @edit would change — field by field, old and new values,
 * after the rules — without writing anything.
 *
 * Returns: (transfer full) (nullable): the changes, or %NULL with @error
 */
MqEdit *
mq_store_preview (MqStore  *self,
                  MqEdit   *edit,
                  GError  **error)
{
  g_autoptr(MqStaging) staging = NULL;

  g_return_val_if_fail (MQ_IS_STORE (self), NULL);

  staging = mq_staging_new (mq_store_get_dataset (self), edit, error);
  return staging ? mq_staging_diff (staging, _mq_edit_get_action (edit)) : NULL;
}

/**
 * mq_store_apply:
 *
 * Validates @edit, stores it in one transaction with its history and
 * updates the parcels: all of it, or — with an error — none of it. An edit
 * that changes nothing succeeds and leaves no undo step.
 */
static MqEdit *
store_edit (MqStore       *self,
            MqEdit        *edit,
            MqEditAction   action,
            GError       **error)
{
  Steps *steps = steps_of (self);

  g_ptr_array_set_size (steps->conflicts, 0);
  return IFACE (self)->store_edit (self, edit, action, steps->conflicts, error);
}

gboolean
mq_store_apply (MqStore  *self,
                MqEdit   *edit,
                GError  **error)
{
  Steps *steps;
  g_autoptr(MqEdit) applied = NULL;

  g_return_val_if_fail (MQ_IS_STORE (self), FALSE);

  applied = store_edit (self, edit, _mq_edit_get_action (edit), error);
  if (applied == NULL)
    return FALSE;
  if (mq_edit_get_n_changes (applied) == 0)
    return TRUE;
  steps = steps_of (self);
  g_ptr_array_add (steps->undo, g_steal_pointer (&applied));
  g_ptr_array_set_size (steps->redo, 0);
  mq_store_emit_changed (self);
  return TRUE;
}

/**
 * mq_store_get_conflicts:
 *
 * After an apply, undo or redo failed with %MQ_STORE_ERROR_CONFLICT: each
 * field another planner changed too, with base, mine, theirs, who and when.
 * The parcels show theirs by then; applying the edit again (without the
 * fields the user gives up) stores it over theirs.
 *
 * Returns: (transfer none) (element-type MqConflict): empty otherwise
 */
GPtrArray *
mq_store_get_conflicts (MqStore *self)
{
  g_return_val_if_fail (MQ_IS_STORE (self), NULL);

  return steps_of (self)->conflicts;
}

/* The step undo would take back, as applied (old and new values), or NULL. */
MqEdit *
mq_store_get_last_step (MqStore *self)
{
  Steps *steps;

  g_return_val_if_fail (MQ_IS_STORE (self), NULL);

  steps = steps_of (self);
  return steps->undo->len > 0 ? g_ptr_array_index (steps->undo, steps->undo->len - 1) : NULL;
}

gboolean
mq_store_can_undo (MqStore *self)
{
  g_return_val_if_fail (MQ_IS_STORE (self), FALSE);

  return !mq_store_is_read_only (self) && steps_of (self)->undo->len > 0;
}

gboolean
mq_store_can_redo (MqStore *self)
{
  g_return_val_if_fail (MQ_IS_STORE (self), FALSE);

  return !mq_store_is_read_only (self) && steps_of (self)->redo->len > 0;
}

/* Applies the old values (undo) or the new ones (redo) of a step, moving it
 * from one stack to the other only once the store has it. */
static gboolean
replay (MqStore       *self,
        GPtrArray     *from,
        GPtrArray     *to,
        MqEditAction   action,
        GError       **error)
{
  MqEdit *step;
  g_autoptr(MqEdit) replayed = mq_edit_new (action);
  g_autoptr(MqEdit) applied = NULL;

  g_return_val_if_fail (from->len > 0, FALSE);

  step = g_ptr_array_index (from, from->len - 1);
  for (guint i = 0; i < mq_edit_get_n_changes (step); i++)
    {
      const MqChange *c = mq_edit_get_change (step, i);

      mq_edit_set (replayed, c->parcel, c->field,
                   action == MQ_EDIT_ACTION_UNDO ? c->old_value : c->value, 0);
    }
  applied = store_edit (self, replayed, action, error);
  if (applied == NULL)
    return FALSE;
  g_ptr_array_add (to, g_ptr_array_steal_index (from, from->len - 1));
  mq_store_emit_changed (self);
  return TRUE;
}

gboolean
mq_store_undo (MqStore  *self,
               GError  **error)
{
  Steps *steps;

  g_return_val_if_fail (MQ_IS_STORE (self), FALSE);

  steps = steps_of (self);
  return replay (self, steps->undo, steps->redo, MQ_EDIT_ACTION_UNDO, error);
}

gboolean
mq_store_redo (MqStore  *self,
               GError  **error)
{
  Steps *steps;

  g_return_val_if_fail (MQ_IS_STORE (self), FALSE);

  steps = steps_of (self);
  return replay (self, steps->redo, steps->undo, MQ_EDIT_ACTION_REDO, error);
}

/**
 * mq_store_list_history:
 * @parcel_id: (nullable): one parcel's, or everybody's
 *
 * Returns: (element-type MqHistoryEntry): the newest changes first
 */
GPtrArray *
mq_store_list_history (MqStore     *self,
                       const char  *parcel_id,
                       guint        limit,
                       GError     **error)
{
  g_return_val_if_fail (MQ_IS_STORE (self), NULL);

  return IFACE (self)->list_history (self, parcel_id, limit, error);
}

/* Another program committed to the project, or replaced it, since we read it. */
gboolean
mq_store_changed_elsewhere (MqStore *self)
{
  g_return_val_if_fail (MQ_IS_STORE (self), FALSE);

  return IFACE (self)->changed_elsewhere != NULL && IFACE (self)->changed_elsewhere (self);
}

/* Returns: (nullable): a value of the project's settings */
char *
mq_store_dup_setting (MqStore    *self,
                      const char *key)
{
  g_return_val_if_fail (MQ_IS_STORE (self), NULL);

  return IFACE (self)->dup_setting (self, key);
}

/* Replaces a setting in one transaction (saved views, say). */
gboolean
mq_store_set_setting (MqStore     *self,
                      const char  *key,
                      const char  *value,
                      GError     **error)
{
  g_return_val_if_fail (MQ_IS_STORE (self), FALSE);

  return IFACE (self)->set_setting (self, key, value, error);
}

/* For tests: a project this many pages big is "full", as a full disk is.
 * Backends without pages ignore it. */
void
mq_store_set_max_pages (MqStore *self,
                        guint    pages)
{
  g_return_if_fail (MQ_IS_STORE (self));

  if (IFACE (self)->set_max_pages != NULL)
    IFACE (self)->set_max_pages (self, pages);
}

/* Presence: @parcel (or -1, none) is open in this window's locks panel.
 * Backends without other planners ignore it. */
void
mq_store_set_editing (MqStore *self,
                      int      parcel)
{
  g_return_if_fail (MQ_IS_STORE (self));

  if (IFACE (self)->set_editing != NULL)
    IFACE (self)->set_editing (self, parcel);
}

/* Other planners' changes are held back (still received, not shown) while
 * the views show a past day, and shown when they show today again: they
 * belong on today's parcels. A file's store has none to hold. */
void
mq_store_set_held (MqStore  *self,
                   gboolean  held)
{
  g_return_if_fail (MQ_IS_STORE (self));

  if (IFACE (self)->set_held != NULL)
    IFACE (self)->set_held (self, held);
}

/* Returns: (transfer container) (element-type MqEditor): other planners
 *   with a parcel open, by parcel */
GPtrArray *
mq_store_list_editors (MqStore *self)
{
  g_return_val_if_fail (MQ_IS_STORE (self), NULL);

  if (IFACE (self)->list_editors != NULL)
    return IFACE (self)->list_editors (self);
  return g_ptr_array_new_with_free_func ((GDestroyNotify) mq_editor_free);
}

/* Whether edits can reach the project now (a server can be unreachable). */
gboolean
mq_store_is_online (MqStore *self)
{
  g_return_val_if_fail (MQ_IS_STORE (self), FALSE);

  return IFACE (self)->is_online == NULL || IFACE (self)->is_online (self);
}
