/* mq-spatial-index.c
 *
 * Layout (after the "flatbush" packed R-tree): all levels in one run of
 * positions, leaves first; a node's children are the NODE_SIZE entries
 * starting at the position stored for it. Items with empty boxes are left
 * out. A leaf's box is the caller's, read where it lies: a copy in Hilbert
 * order was 32 bytes a parcel (32 MiB at 10⁶) and most of the build's time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mq-spatial-index.h"

#include <math.h>
#include <stdlib.h>

#define NODE_SIZE 16
#define HILBERT_MAX 65535.0

struct _MqSpatialIndex
{
  const MqShapes *items; /* the caller's features, one per item (borrowed) */
  MqBox  *nodes;        /* the levels above the leaves: position p at nodes[p - n_leaves] */
  guint  *indices;      /* leaves: the item; nodes: the first child's position */
  guint  *level_end;    /* position one past each level */
  guint   n_levels;
  guint   n_leaves;
};

/* The Hilbert curve index of (x, y) on a 2¹⁶ grid (Warren, Hacker's Delight). */
static guint32
hilbert (guint32 x,
         guint32 y)
{
  guint32 a = x ^ y, b = 0xFFFF ^ a, c = 0xFFFF ^ (x | y), d = x & (y ^ 0xFFFF);
  guint32 A = a | (b >> 1), B = (a >> 1) ^ a;
  guint32 C = ((c >> 1) ^ (b & (d >> 1))) ^ c, D = ((a & (c >> 1)) ^ (d >> 1)) ^ d;
  guint32 i0, i1;

  a = A, b = B, c = C, d = D;
  A = (a & (a >> 2)) ^ (b & (b >> 2));
  B = (a & (b >> 2)) ^ (b & ((a ^ b) >> 2));
  C ^= (a & (c >> 2)) ^ (b & (d >> 2));
  D ^= (b & (c >> 2)) ^ ((a ^ b) & (d >> 2));
  a = A, b = B, c = C, d = D;
  A = (a & (a >> 4)) ^ (b & (b >> 4));
  B = (a & (b >> 4)) ^ (b & ((a ^ b) >> 4));
  C ^= (a & (c >> 4)) ^ (b & (d >> 4));
  D ^= (b & (c >> 4)) ^ ((a ^ b) & (d >> 4));
  a = A, b = B, c = C, d = D;
  C ^= (a & (c >> 8)) ^ (b & (d >> 8));
  D ^= (b & (c >> 8)) ^ ((a ^ b) & (d >> 8));
  a = C ^ (C >> 1);
  b = D ^ (D >> 1);
  i0 = x ^ y;
  i1 = b | (0xFFFF ^ (i0 | a));
  i0 = (i0 | (i0 << 8)) & 0x00FF00FF;
  i0 = (i0 | (i0 << 4)) & 0x0F0F0F0F;
  i0 = (i0 | (i0 << 2)) & 0x33333333;
  i0 = (i0 | (i0 << 1)) & 0x55555555;
  i1 = (i1 | (i1 << 8)) & 0x00FF00FF;
  i1 = (i1 | (i1 << 4)) & 0x0F0F0F0F;
  i1 = (i1 | (i1 << 2)) & 0x33333333;
  i1 = (i1 | (i1 << 1)) & 0x55555555;
  return (i1 << 1) | i0;
}

/* Sorts @items by @keys, in place (an American flag sort, 8 bits a pass
 * from the top): opening a cadastre holds nothing bigger than the keys
 * (4 MB at 10⁶ parcels) beside the index, where a radix sort's second
 * copy of keys and items made 16 MB of the peak. */
static void
sort_by_key (guint32 *keys,
             guint   *items,
             gsize    n,
             int      shift)
{
  gsize count[256] = { 0 }, next[256], end[256];

  if (n < 32 || shift < 0)
    {
      for (gsize i = 1; i < n; i++)
        for (gsize j = i; j > 0 && keys[j - 1] > keys[j]; j--)
          {
            guint32 k = keys[j];
            guint t = items[j];

            keys[j] = keys[j - 1], items[j] = items[j - 1];
            keys[j - 1] = k, items[j - 1] = t;
          }
      return;
    }
  for (gsize i = 0; i < n; i++)
    count[(keys[i] >> shift) & 0xff]++;
  for (guint b = 0, at = 0; b < 256; at += count[b], b++)
    next[b] = at, end[b] = at + count[b];
  for (guint b = 0; b < 256; b++)
    while (next[b] < end[b])
      {
        gsize i = next[b], j;
        guint d = (keys[i] >> shift) & 0xff;
        guint32 k;
        guint t;

        if (d == b)
          {
            next[b]++;
            continue;
          }
        j = next[d]++;
        k = keys[i], keys[i] = keys[j], keys[j] = k;
        t = items[i], items[i] = items[j], items[j] = t;
      }
  for (guint b = 0; b < 256; b++)
    if (count[b] > 1)
      sort_by_key (keys + end[b] - count[b], items + end[b] - count[b], count[b], shift - 8);
}

/* A fraction of the extent on the curve's grid; absurd coordinates (a damaged
 * file's 1e300) land on its edge rather than overflow. */
static guint32
grid_coordinate (double fraction)
{
  if (!isfinite (fraction))
    return 0;
  return (guint32) (HILBERT_MAX * CLAMP (fraction, 0.0, 1.0));
}

/* Puts the features that have a box into @items in Hilbert order of
 * their centres, and returns how many. */
static guint
sort_leaves (const MqShapes *shapes,
             guint          *items)
{
  guint n = mq_shapes_get_n_features (shapes);
  g_autofree guint32 *keys = g_new (guint32, MAX (n, 1));
  MqBox extent;
  guint k = 0;

  mq_shapes_get_extent (shapes, &extent);
  for (guint i = 0; i < n; i++)
    {
      MqBox b = mq_shapes_get_bbox (shapes, i);
      double w = MAX (extent.max_x - extent.min_x, 1e-9), h = MAX (extent.max_y - extent.min_y, 1e-9);

      if (mq_box_is_empty (&b))
        continue;
      items[k] = i;
      keys[k] = hilbert (grid_coordinate ((b.min_x / 2 + b.max_x / 2 - extent.min_x) / w),
                         grid_coordinate ((b.min_y / 2 + b.max_y / 2 - extent.min_y) / h));
      k++;
    }
  sort_by_key (keys, items, k, 24);
  return k;
}

static inline MqBox
entry_box (const MqSpatialIndex *index,
           guint                 pos)
{
  return pos < index->n_leaves ? mq_shapes_get_bbox (index->items, index->indices[pos])
                               : index->nodes[pos - index->n_leaves];
}

static guint
total_slots (guint  n_leaves,
             guint *n_levels)
{
  guint total = n_leaves, level = n_leaves;

  *n_levels = 1;
  while (level > 1)
    {
      level = (level + NODE_SIZE - 1) / NODE_SIZE;
      total += level;
      (*n_levels)++;
    }
  return total;
}

/* @shapes must stay where they are, unchanged, as long as the index lives. */
MqSpatialIndex *
mq_spatial_index_new (const MqShapes *shapes)
{
  MqSpatialIndex *index = g_new0 (MqSpatialIndex, 1);
  guint total = total_slots (mq_shapes_get_n_features (shapes), &index->n_levels);
  guint pos, start = 0, level = 0;

  /* The leaves first, then the levels above them: room for every
   * feature, though those with no box are left out. */
  index->items = shapes;
  index->indices = g_new (guint, MAX (total, 1));
  index->n_leaves = pos = sort_leaves (shapes, index->indices);
  total = total_slots (index->n_leaves, &index->n_levels);
  index->nodes = g_new (MqBox, MAX (total - index->n_leaves, 1));
  index->level_end = g_new (guint, index->n_levels);
  index->level_end[level++] = pos;
  /* Each level groups NODE_SIZE entries of the one below. */
  while (pos - start > 1)
    {
      guint end = pos;

      for (guint child = start; child < end; child += NODE_SIZE, pos++)
        {
          MqBox box = { INFINITY, INFINITY, -INFINITY, -INFINITY };

          for (guint c = child; c < MIN (child + NODE_SIZE, end); c++)
            {
              MqBox b = entry_box (index, c);

              mq_box_union (&box, &b);
            }
          index->nodes[pos - index->n_leaves] = box;
          index->indices[pos] = child;
        }
      index->level_end[level++] = pos;
      start = end;
    }
  index->n_levels = level;
  return index;
}

void
mq_spatial_index_free (MqSpatialIndex *index)
{
  if (index == NULL)
    return;
  g_free (index->nodes);
  g_free (index->indices);
  g_free (index->level_end);
  g_free (index);
}

/* Calls visit for every item whose box meets the query, until it returns FALSE. */
void
mq_spatial_index_search (MqSpatialIndex *index,
                         const MqBox    *query,
                         MqIndexVisit    visit,
                         gpointer        user_data)
{
  g_autoptr(GArray) stack = NULL;
  guint node, level;

  if (index->n_leaves == 0)
    return;
  stack = g_array_new (FALSE, FALSE, sizeof (guint) * 2);
  node = index->level_end[index->n_levels - 1] - 1;
  level = index->n_levels - 1;
  for (;;)
    {
      guint end = level == 0 ? node + 1 : MIN (index->indices[node] + NODE_SIZE, index->level_end[level - 1]);
      guint first = level == 0 ? node : index->indices[node];

      for (guint pos = first; pos < end; pos++)
        {
          MqBox b = entry_box (index, pos);

          if (!mq_box_intersects (query, &b))
            continue;
          if (level == 0)
            {
              if (!visit (index->indices[pos], user_data))
                return;
            }
          else
            {
              guint entry[2] = { pos, level - 1 };

              g_array_append_val (stack, entry);
            }
        }
      if (stack->len == 0)
        return;
      node = ((guint *) stack->data)[2 * (stack->len - 1)];
      level = ((guint *) stack->data)[2 * (stack->len - 1) + 1];
      g_array_set_size (stack, stack->len - 1);
    }
}

static gboolean
collect (guint    item,
         gpointer user_data)
{
  g_array_append_val ((GArray *) user_data, item);
  return TRUE;
}

/* Returns: (transfer full): the items (guint) whose boxes meet the query. */
GArray *
mq_spatial_index_query (MqSpatialIndex *index,
                        const MqBox    *query)
{
  GArray *items = g_array_new (FALSE, FALSE, sizeof (guint));

  mq_spatial_index_search (index, query, collect, items);
  return items;
}

