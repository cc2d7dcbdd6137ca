/* mq-text-arena.c
 *
 * A handle is a chunk number (the high CHUNK_BITS) and an offset in it. The
 * table of chunks is allocated whole at the start and never moves, so a
 * reader on another thread never sees it reallocated.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mq-text-arena.h"

#include <string.h>

#define OFFSET_BITS 20
#define CHUNK_SIZE  (1u << OFFSET_BITS)
#define OFFSET_MASK (CHUNK_SIZE - 1)
#define MAX_CHUNKS  (1u << (32 - OFFSET_BITS))

struct _MqTextArena
{
  char       **chunks;   /* MAX_CHUNKS slots, n_chunks of them used */
  guint        n_chunks;
  gsize        used;     /* in the last chunk */
  gsize        size;     /* of the last chunk */
  GHashTable  *interned; /* const char * (in a chunk) → MqTextRef */
};

MqTextArena *
mq_text_arena_new (void)
{
  MqTextArena *arena = g_new0 (MqTextArena, 1);

  arena->chunks = g_new0 (char *, MAX_CHUNKS);
  arena->interned = g_hash_table_new (g_str_hash, g_str_equal);
  return arena;
}

void
mq_text_arena_free (MqTextArena *arena)
{
  if (arena == NULL)
    return;
  for (guint c = 0; c < arena->n_chunks; c++)
    g_free (arena->chunks[c]);
  g_free (arena->chunks);
  g_hash_table_unref (arena->interned);
  g_free (arena);
}

/* Room for @len bytes: the last chunk's rest, or a new chunk (a string
 * longer than a chunk gets one of its own, at offset 0). */
static MqTextRef
reserve (MqTextArena *arena,
         gsize        len)
{
  MqTextRef ref;

  if (arena->n_chunks == 0 || arena->used + len > arena->size)
    {
      /* 4 GiB of text: no parcel file comes near it before memory ends. */
      if (arena->n_chunks == MAX_CHUNKS)
        g_error ("mq_text_arena: more than %u chunks of text", MAX_CHUNKS);
      arena->size = MAX (CHUNK_SIZE, len);
      arena->chunks[arena->n_chunks++] = g_malloc (arena->size);
      /* Offset 0 of chunk 0 would be handle 0, which means no string. */
      arena->used = arena->n_chunks == 1 ? 1 : 0;
      if (arena->used + len > arena->size)
        return reserve (arena, len);
    }
  ref = ((arena->n_chunks - 1) << OFFSET_BITS) | (MqTextRef) arena->used;
  arena->used += len;
  return ref;
}

/* A copy of @text; 0 for NULL or "". */
MqTextRef
mq_text_arena_add (MqTextArena *arena,
                   const char  *text)
{
  gsize len;
  MqTextRef ref;

  if (text == NULL || *text == '\0')
    return 0;
  len = strlen (text) + 1;
  ref = reserve (arena, len);
  memcpy (arena->chunks[ref >> OFFSET_BITS] + (ref & OFFSET_MASK), text, len);
  return ref;
}

/* The handle of a string equal to @text, stored once however often it is
 * asked for; 0 for NULL or "". */
MqTextRef
mq_text_arena_intern (MqTextArena *arena,
                      const char  *text)
{
  gpointer found;
  MqTextRef ref;

  if (text == NULL || *text == '\0')
    return 0;
  if (g_hash_table_lookup_extended (arena->interned, text, NULL, &found))
    return GPOINTER_TO_UINT (found);
  ref = mq_text_arena_add (arena, text);
  g_hash_table_insert (arena->interned, (gpointer) mq_text_arena_get (arena, ref), GUINT_TO_POINTER (ref));
  return ref;
}

/* How many distinct strings were interned. */
guint
mq_text_arena_get_n_interned (const MqTextArena *arena)
{
  return g_hash_table_size (arena->interned);
}

const char *
mq_text_arena_get (const MqTextArena *arena,
                   MqTextRef          ref)
{
  if (ref == 0)
    return NULL;
  return arena->chunks[ref >> OFFSET_BITS] + (ref & OFFSET_MASK);
}

/* @size bytes, 8-aligned, zeroed, kept as long as the arena: small fixed
 * records that live with the strings they point to. */
gpointer
mq_text_arena_alloc (MqTextArena *arena,
                     gsize        size)
{
  MqTextRef ref;
  char *at;

  arena->used = (arena->used + 7) & ~(gsize) 7;
  ref = reserve (arena, size);
  at = arena->chunks[ref >> OFFSET_BITS] + (ref & OFFSET_MASK);
  memset (at, 0, size);
  return at;
}
