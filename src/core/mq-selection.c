/* mq-selection.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mq-selection.h"

#include "mq-types.h"

struct _MqSelection
{
  GObject     parent_instance;

  GHashTable *parcels;   /* GUINT_TO_POINTER (index + 1) → itself */
};

G_DEFINE_FINAL_TYPE (MqSelection, mq_selection, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

#define KEY(i) GUINT_TO_POINTER ((i) + 1)

static void
mq_selection_finalize (GObject *object)
{
  g_clear_pointer (&MQ_SELECTION (object)->parcels, g_hash_table_unref);
  G_OBJECT_CLASS (mq_selection_parent_class)->finalize (object);
}

static void
mq_selection_class_init (MqSelectionClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mq_selection_finalize;

  /* One signal per change, however many parcels it touched. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
mq_selection_init (MqSelection *self)
{
  self->parcels = g_hash_table_new (NULL, NULL);
}

MqSelection *
mq_selection_new (void)
{
  return g_object_new (MQ_TYPE_SELECTION, NULL);
}

static void
changed (MqSelection *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

void
mq_selection_clear (MqSelection *self)
{
  g_return_if_fail (MQ_IS_SELECTION (self));

  if (g_hash_table_size (self->parcels) == 0)
    return;
  g_hash_table_remove_all (self->parcels);
  changed (self);
}

void
mq_selection_select_only (MqSelection *self,
                          guint        parcel)
{
  g_return_if_fail (MQ_IS_SELECTION (self));

  if (g_hash_table_size (self->parcels) == 1 && g_hash_table_contains (self->parcels, KEY (parcel)))
    return;
  g_hash_table_remove_all (self->parcels);
  g_hash_table_add (self->parcels, KEY (parcel));
  changed (self);
}

void
mq_selection_toggle (MqSelection *self,
                     guint        parcel)
{
  g_return_if_fail (MQ_IS_SELECTION (self));

  if (!g_hash_table_remove (self->parcels, KEY (parcel)))
    g_hash_table_add (self->parcels, KEY (parcel));
  changed (self);
}

void
mq_selection_add_many (MqSelection *self,
                       GArray      *parcels)
{
  g_return_if_fail (MQ_IS_SELECTION (self));

  for (guint i = 0; i < parcels->len; i++)
    g_hash_table_add (self->parcels, KEY (g_array_index (parcels, guint, i)));
  changed (self);
}

/* Exactly these parcels, in one change (the table's selection, say). */
void
mq_selection_set (MqSelection *self,
                  GArray      *parcels)
{
  g_return_if_fail (MQ_IS_SELECTION (self));

  g_hash_table_remove_all (self->parcels);
  for (guint i = 0; i < parcels->len; i++)
    g_hash_table_add (self->parcels, KEY (g_array_index (parcels, guint, i)));
  changed (self);
}

gboolean
mq_selection_contains (MqSelection *self,
                       guint        parcel)
{
  g_return_val_if_fail (MQ_IS_SELECTION (self), FALSE);
  return g_hash_table_contains (self->parcels, KEY (parcel));
}

guint
mq_selection_get_n (MqSelection *self)
{
  g_return_val_if_fail (MQ_IS_SELECTION (self), 0);
  return g_hash_table_size (self->parcels);
}

/* Returns: (transfer full): the selected parcel indices, ascending. */
GArray *
mq_selection_dup_sorted (MqSelection *self)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (guint));
  GHashTableIter iter;
  gpointer key;

  g_return_val_if_fail (MQ_IS_SELECTION (self), out);

  g_hash_table_iter_init (&iter, self->parcels);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      guint i = GPOINTER_TO_UINT (key) - 1;

      g_array_append_val (out, i);
    }
  g_array_sort (out, mq_compare_guint);
  return out;
}

/* A frozen copy, for a renderer working in another thread. */
MqSelection *
mq_selection_copy (MqSelection *self)
{
  MqSelection *copy = mq_selection_new ();
  GHashTableIter iter;
  gpointer key;

  g_return_val_if_fail (MQ_IS_SELECTION (self), copy);

  g_hash_table_iter_init (&iter, self->parcels);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_hash_table_add (copy->parcels, key);
  return copy;
}
