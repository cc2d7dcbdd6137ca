/* mq-parcel-list.c
 *
 * Items are made the first time they are asked for and kept: GTK's sort and
 * filter models ask for every item, and a sort compares each many times.
 * An item is a pointer and an index (about 40 bytes), never a copy of the
 * parcel's data.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-parcel-list.h"

struct _MqParcelItem
{
  GObject    parent_instance;

  MqDataset *dataset;   /* its parcels are looked up each time: an edit replaces them */
  guint      index;
};

G_DEFINE_FINAL_TYPE (MqParcelItem, mq_parcel_item, G_TYPE_OBJECT)

static void
mq_parcel_item_finalize (GObject *object)
{
  g_clear_object (&MQ_PARCEL_ITEM (object)->dataset);
  G_OBJECT_CLASS (mq_parcel_item_parent_class)->finalize (object);
}

static void
mq_parcel_item_class_init (MqParcelItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mq_parcel_item_finalize;
}

static void
mq_parcel_item_init (MqParcelItem *self)
{
}

guint
mq_parcel_item_get_index (MqParcelItem *self)
{
  g_return_val_if_fail (MQ_IS_PARCEL_ITEM (self), 0);
  return self->index;
}

const MqParcel *
mq_parcel_item_get_parcel (MqParcelItem *self)
{
  g_return_val_if_fail (MQ_IS_PARCEL_ITEM (self), NULL);
  /* The current generation: an edit replaces the parcels, not the item. */
  return mq_parcels_get (mq_dataset_get_parcels (self->dataset), self->index);
}

struct _MqParcelList
{
  GObject     parent_instance;

  MqDataset  *dataset;
  GPtrArray  *items;      /* MqParcelItem or NULL, per parcel */
};

static void mq_parcel_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MqParcelList, mq_parcel_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, mq_parcel_list_model_init))

static GType
get_item_type (GListModel *model)
{
  return MQ_TYPE_PARCEL_ITEM;
}

static guint
get_n_items (GListModel *model)
{
  return MQ_PARCEL_LIST (model)->items->len;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  MqParcelList *self = MQ_PARCEL_LIST (model);
  MqParcelItem *item;

  if (position >= self->items->len)
    return NULL;
  item = g_ptr_array_index (self->items, position);
  if (item == NULL)
    {
      item = g_object_new (MQ_TYPE_PARCEL_ITEM, NULL);
      item->dataset = g_object_ref (self->dataset);
      item->index = position;
      g_ptr_array_index (self->items, position) = item;
    }
  return g_object_ref (item);
}

static void
mq_parcel_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static void
mq_parcel_list_dispose (GObject *object)
{
  MqParcelList *self = MQ_PARCEL_LIST (object);

  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_object (&self->dataset);
  G_OBJECT_CLASS (mq_parcel_list_parent_class)->dispose (object);
}

static void
mq_parcel_list_class_init (MqParcelListClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = mq_parcel_list_dispose;
}

/* Items not yet asked for are NULL. */
static void
unref_item (gpointer item)
{
  if (item != NULL)
    g_object_unref (item);
}

static void
mq_parcel_list_init (MqParcelList *self)
{
  self->items = g_ptr_array_new_with_free_func (unref_item);
}

MqParcelList *
mq_parcel_list_new (void)
{
  return g_object_new (MQ_TYPE_PARCEL_LIST, NULL);
}

void
mq_parcel_list_set_dataset (MqParcelList *self,
                            MqDataset    *dataset)
{
  guint removed, added;

  g_return_if_fail (MQ_IS_PARCEL_LIST (self));

  if (self->dataset == dataset)
    return;
  removed = self->items->len;
  g_ptr_array_set_size (self->items, 0);
  g_set_object (&self->dataset, dataset);
  added = dataset ? mq_parcels_get_n_parcels (mq_dataset_get_parcels (dataset)) : 0;
  g_ptr_array_set_size (self->items, added);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, added);
}

MqDataset *
mq_parcel_list_get_dataset (MqParcelList *self)
{
  g_return_val_if_fail (MQ_IS_PARCEL_LIST (self), NULL);
  return self->dataset;
}
