/* mq-store.c
 *
 * The store interface: each function dispatches to the backend's vtable.
 * mq_store_open() chooses the backend for a dataset; today every project
 * is a GeoPackage file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-store.h"


G_DEFINE_QUARK (mq-store-error-quark, mq_store_error)

G_DEFINE_INTERFACE (MqStore, mq_store, G_TYPE_OBJECT)

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
mq_store_default_init (MqStoreInterface *iface)
{
  /* Emitted after an edit, undo or redo reached the project and the parcels. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

/* For the backends: the edit is stored and in the parcels. */
void
mq_store_emit_changed (MqStore *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
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
  g_return_val_if_fail (MQ_IS_STORE (self), NULL);

  return IFACE (self)->preview (self, edit, error);
}

/**
 * mq_store_apply:
 *
 * Validates @edit, stores it in one transaction with its history and
 * updates the parcels: all of it, or — with an error — none of it. An edit
 * that changes nothing succeeds and leaves no undo step.
 */
gboolean
mq_store_apply (MqStore  *self,
                MqEdit   *edit,
                GError  **error)
{
  g_return_val_if_fail (MQ_IS_STORE (self), FALSE);

  return IFACE (self)->apply (self, edit, error);
}

/* The step undo would take back, as applied (old and new values), or NULL. */
MqEdit *
mq_store_get_last_step (MqStore *self)
{
  g_return_val_if_fail (MQ_IS_STORE (self), NULL);

  return IFACE (self)->get_last_step (self);
}

gboolean
mq_store_can_undo (MqStore *self)
{
  g_return_val_if_fail (MQ_IS_STORE (self), FALSE);

  return IFACE (self)->can_undo (self);
}

gboolean
mq_store_can_redo (MqStore *self)
{
  g_return_val_if_fail (MQ_IS_STORE (self), FALSE);

  return IFACE (self)->can_redo (self);
}

gboolean
mq_store_undo (MqStore  *self,
               GError  **error)
{
  g_return_val_if_fail (MQ_IS_STORE (self), FALSE);

  return IFACE (self)->undo (self, error);
}

gboolean
mq_store_redo (MqStore  *self,
               GError  **error)
{
  g_return_val_if_fail (MQ_IS_STORE (self), FALSE);

  return IFACE (self)->redo (self, error);
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

  return IFACE (self)->changed_elsewhere (self);
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
