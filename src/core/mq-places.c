/* mq-places.c
 *
 * A road is stored as several pieces (clipped at the zone's edge, crossed by
 * others), all with its name: a place is every feature of one name, its
 * extent their union. A search ranks a place whose name is the text itself
 * first, then names starting with it, then names containing it, so "东川"
 * goes to 东川路 before a 规划东川支路.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-places.h"

#include <math.h>
#include <string.h>

void
mq_place_free (MqPlace *place)
{
  if (place == NULL)
    return;
  g_free (place->name);
  g_free (place);
}

/* 0: the name is the text; 1: starts with it; 2: contains it; 3: neither. */
static int
rank_name (const char *name,
           const char *folded_text)
{
  g_autofree char *folded = g_utf8_casefold (name, -1);
  const char *at = strstr (folded, folded_text);

  if (at == NULL)
    return 3;
  if (at == folded)
    return strcmp (folded, folded_text) == 0 ? 0 : 1;
  return 2;
}

/* The places of the reference layer, one per name, in the layer's order. */
static GPtrArray *
collect_places (const MqReference *ref)
{
  g_autoptr(GHashTable) by_name = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *places = g_ptr_array_new_with_free_func ((GDestroyNotify) mq_place_free);

  for (guint f = 0; ref != NULL && ref->name != NULL && f < ref->name->len; f++)
    {
      const char *name = g_ptr_array_index (ref->name, f);
      MqPlace *place;

      if (name == NULL || *name == '\0')
        continue;
      if ((place = g_hash_table_lookup (by_name, name)) == NULL)
        {
          place = g_new0 (MqPlace, 1);
          place->name = g_strdup (name);
          place->kind = g_array_index (ref->kind, guint8, f);
          place->extent = (MqBox) { INFINITY, INFINITY, -INFINITY, -INFINITY };
          g_hash_table_insert (by_name, place->name, place);
          g_ptr_array_add (places, place);
        }
      MqBox box = mq_shapes_get_bbox (ref->shapes, f);

      mq_box_union (&place->extent, &box);
    }
  return places;
}

/**
 * mq_places_find:
 * @text: what was typed; case is ignored
 * @limit: at most this many places
 *
 * The places whose name contains @text, the closest matches first.
 *
 * Returns: (transfer full) (element-type MqPlace): the places, maybe none
 */
GPtrArray *
mq_places_find (MqDataset  *dataset,
                const char *text,
                guint       limit)
{
  g_autoptr(GPtrArray) places = collect_places (mq_dataset_get_reference (dataset));
  g_autofree char *stripped = g_strstrip (g_strdup (text ? text : ""));
  g_autofree char *folded = g_utf8_casefold (stripped, -1);
  GPtrArray *found = g_ptr_array_new_with_free_func ((GDestroyNotify) mq_place_free);

  if (*folded == '\0')
    return found;
  /* Few places (tens): a pass per rank keeps the layer's order within one. */
  for (int rank = 0; rank < 3; rank++)
    for (guint k = 0; k < places->len && found->len < limit; k++)
      {
        MqPlace *place = g_ptr_array_index (places, k);

        if (place != NULL && rank_name (place->name, folded) == rank)
          g_ptr_array_add (found, g_steal_pointer (&g_ptr_array_index (places, k)));
      }
  return found;
}

/* The extent of the place named exactly @name; FALSE if there is none. */
gboolean
mq_places_lookup (MqDataset  *dataset,
                  const char *name,
                  MqBox      *extent)
{
  g_autoptr(GPtrArray) places = collect_places (mq_dataset_get_reference (dataset));

  for (guint k = 0; k < places->len; k++)
    {
      const MqPlace *place = g_ptr_array_index (places, k);

      if (g_strcmp0 (place->name, name) == 0)
        {
          *extent = place->extent;
          return TRUE;
        }
    }
  return FALSE;
}
