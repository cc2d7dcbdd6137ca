/* mq-edit.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-edit-private.h"

struct _MqEdit
{
  MqEditAction action;
  GArray      *changes;   /* MqChange */
  GHashTable  *slots;     /* parcel × field + 1 → index in changes + 1 */
};

static void
clear_change (gpointer data)
{
  MqChange *c = data;

  g_free (c->value);
  g_free (c->old_value);
  g_free (c->base);
}

MqEdit *
mq_edit_new (MqEditAction action)
{
  MqEdit *edit = g_new0 (MqEdit, 1);

  edit->action = action;
  edit->changes = g_array_new (FALSE, TRUE, sizeof (MqChange));
  g_array_set_clear_func (edit->changes, clear_change);
  edit->slots = g_hash_table_new (NULL, NULL);
  return edit;
}

void
mq_edit_free (MqEdit *edit)
{
  if (edit == NULL)
    return;
  g_array_unref (edit->changes);
  g_hash_table_unref (edit->slots);
  g_free (edit);
}

/* Setting a field twice in one edit keeps the last value. */
void
mq_edit_set (MqEdit     *edit,
             guint       parcel,
             MqField     field,
             const char *value,
             guint       row)
{
  MqChange change = { parcel, field, g_strdup (value ? value : ""), NULL, row, NULL };
  gpointer slot = GSIZE_TO_POINTER ((gsize) parcel * MQ_N_FIELDS + field + 1);
  guint at = GPOINTER_TO_UINT (g_hash_table_lookup (edit->slots, slot));

  if (at > 0)
    {
      MqChange *c = &g_array_index (edit->changes, MqChange, at - 1);

      clear_change (c);
      *c = change;
      return;
    }
  g_array_append_val (edit->changes, change);
  g_hash_table_insert (edit->slots, slot, GUINT_TO_POINTER (edit->changes->len));
}

/* A change made from what a person saw (@base, as text): had the parcel moved
 * on from it by the time it is stored, even in this client (a live refresh
 * while they typed), the change is a conflict, never laid over unseen. */
void
mq_edit_set_from (MqEdit     *edit,
                  guint       parcel,
                  MqField     field,
                  const char *value,
                  const char *base)
{
  gpointer slot = GSIZE_TO_POINTER ((gsize) parcel * MQ_N_FIELDS + field + 1);
  MqChange *c;

  mq_edit_set (edit, parcel, field, value, 0);
  c = &g_array_index (edit->changes, MqChange,
                      GPOINTER_TO_UINT (g_hash_table_lookup (edit->slots, slot)) - 1);
  c->base = g_strdup (base ? base : "");
}

guint
mq_edit_get_n_changes (MqEdit *edit)
{
  return edit->changes->len;
}

const MqChange *
mq_edit_get_change (MqEdit *edit,
                    guint   i)
{
  g_return_val_if_fail (i < edit->changes->len, NULL);

  return &g_array_index (edit->changes, MqChange, i);
}

guint
mq_edit_count_parcels (MqEdit *edit)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < edit->changes->len; i++)
    g_hash_table_add (seen, GUINT_TO_POINTER (g_array_index (edit->changes, MqChange, i).parcel));
  return g_hash_table_size (seen);
}

MqEditAction
_mq_edit_get_action (MqEdit *edit)
{
  return edit->action;
}

/* A change as applied, with the value before: the store's diff. */
void
_mq_edit_append (MqEdit     *edit,
                 guint       parcel,
                 MqField     field,
                 const char *value,
                 const char *old_value,
                 guint       row)
{
  MqChange c = { parcel, field, g_strdup (value), g_strdup (old_value), row, NULL };

  g_array_append_val (edit->changes, c);
}

void
mq_conflict_free (MqConflict *conflict)
{
  if (conflict == NULL)
    return;
  g_free (conflict->parcel_id);
  g_free (conflict->base);
  g_free (conflict->mine);
  g_free (conflict->theirs);
  g_free (conflict->who);
  g_free (conflict->when);
  g_free (conflict);
}
