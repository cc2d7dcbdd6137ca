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

/* The interned strings are an open-addressed table of their hashes and
 * handles, eight bytes a slot: a lookup reads one slot and the string it
 * names. (A GHashTable of the strings read three arrays and the string:
 * at 10⁶ parcels of 1.5·10⁵ owners the lookups were a quarter of the
 * loading thread's time, nearly all of it waiting for memory.) */
typedef struct
{
  guint32   hash;
  MqTextRef ref;         /* 0: a free slot */
} Slot;

#define MIN_SLOTS 64

/* Where strings are being added: interned ones apart from the rest, so
 * that the few a lookup compares lie close together rather than among a
 * million ids. */
typedef struct
{
  guint        chunk;
  gsize        used;
  gsize        size;     /* 0 until a chunk is taken */
} Cursor;

enum { PLAIN, INTERNED };

struct _MqTextArena
{
  char       **chunks;   /* MAX_CHUNKS slots, n_chunks of them used */
  guint        n_chunks;
  Cursor       cursors[2];
  Slot        *slots;    /* n_slots, a power of two, at most half in use */
  guint        n_slots;
  guint        n_interned;
};

MqTextArena *
mq_text_arena_new (void)
{
  MqTextArena *arena = g_new0 (MqTextArena, 1);

  arena->chunks = g_new0 (char *, MAX_CHUNKS);
  arena->n_slots = MIN_SLOTS;
  arena->slots = g_new0 (Slot, arena->n_slots);
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
  g_free (arena->slots);
  g_free (arena);
}

/* Room for @len bytes: the last chunk's rest, or a new chunk (a string
 * longer than a chunk gets one of its own, at offset 0). */
static MqTextRef
reserve (MqTextArena *arena,
         Cursor      *cursor,
         gsize        len)
{
  MqTextRef ref;

  if (cursor->used + len > cursor->size)
    {
      /* 4 GiB of text: no parcel file comes near it before memory ends. */
      if (arena->n_chunks == MAX_CHUNKS)
        g_error ("mq_text_arena: more than %u chunks of text", MAX_CHUNKS);
      cursor->chunk = arena->n_chunks++;
      cursor->size = MAX (CHUNK_SIZE, len);
      arena->chunks[cursor->chunk] = g_malloc (cursor->size);
      /* Offset 0 of chunk 0 would be handle 0, which means no string. */
      cursor->used = cursor->chunk == 0 ? 1 : 0;
      if (cursor->used + len > cursor->size)
        return reserve (arena, cursor, len);
    }
  ref = (cursor->chunk << OFFSET_BITS) | (MqTextRef) cursor->used;
  cursor->used += len;
  return ref;
}

static MqTextRef
add_len (MqTextArena *arena,
         Cursor      *cursor,
         const char  *text,
         gsize        len)
{
  MqTextRef ref = reserve (arena, cursor, len + 1);

  memcpy (arena->chunks[ref >> OFFSET_BITS] + (ref & OFFSET_MASK), text, len + 1);
  return ref;
}

/* A copy of @text; 0 for NULL or "". */
MqTextRef
mq_text_arena_add (MqTextArena *arena,
                   const char  *text)
{
  if (text == NULL || *text == '\0')
    return 0;
  return add_len (arena, &arena->cursors[PLAIN], text, strlen (text));
}

/* FNV-1a, its low bits (a slot's) mixed with its high; the length comes
 * with it. */
static guint32
hash_text (const char *text,
           gsize      *len)
{
  const guchar *p = (const guchar *) text;
  guint32 h = 2166136261u;

  for (; *p != '\0'; p++)
    h = (h ^ *p) * 16777619u;
  *len = (gsize) (p - (const guchar *) text);
  return (h ^ (h >> 16)) * 0x85ebca6bu;
}

static void
grow_slots (MqTextArena *arena)
{
  Slot *old = arena->slots;
  guint n_old = arena->n_slots;

  arena->n_slots *= 2;
  arena->slots = g_new0 (Slot, arena->n_slots);
  for (guint i = 0; i < n_old; i++)
    if (old[i].ref != 0)
      {
        guint at = old[i].hash & (arena->n_slots - 1);

        while (arena->slots[at].ref != 0)
          at = (at + 1) & (arena->n_slots - 1);
        arena->slots[at] = old[i];
      }
  g_free (old);
}

/* The handle of the string equal to @text (its @hash and @len given),
 * interned now if it was not. */
static MqTextRef
intern_hashed (MqTextArena *arena,
               const char  *text,
               guint32      hash,
               gsize        len)
{
  guint at;
  MqTextRef ref;

  for (at = hash & (arena->n_slots - 1); arena->slots[at].ref != 0; at = (at + 1) & (arena->n_slots - 1))
    if (arena->slots[at].hash == hash &&
        strcmp (mq_text_arena_get (arena, arena->slots[at].ref), text) == 0)
      return arena->slots[at].ref;
  ref = add_len (arena, &arena->cursors[INTERNED], text, len);
  arena->slots[at] = (Slot) { .hash = hash, .ref = ref };
  if (++arena->n_interned > arena->n_slots / 2)
    grow_slots (arena);
  return ref;
}

/* The handle of a string equal to @text, stored once however often it is
 * asked for; 0 for NULL or "". */
MqTextRef
mq_text_arena_intern (MqTextArena *arena,
                      const char  *text)
{
  gsize len;
  guint32 hash;

  if (text == NULL || *text == '\0')
    return 0;
  hash = hash_text (text, &len);
  return intern_hashed (arena, text, hash, len);
}

/**
 * mq_text_arena_intern_memo:
 * @memo: the strings one column interned last, by hash
 *
 * mq_text_arena_intern() through a column's own memo: a column of few
 * values (a land use, a date, a lock count) finds them in a few cache
 * lines of its own instead of a slot of the whole table, which a column
 * of many (owners) keeps out of the cache.
 */
MqTextRef
mq_text_arena_intern_memo (MqTextArena  *arena,
                           MqInternMemo *memo,
                           const char   *text)
{
  gsize len;
  guint32 hash;
  guint slot;

  if (text == NULL || *text == '\0')
    return 0;
  hash = hash_text (text, &len);
  slot = hash >> (32 - MQ_INTERN_MEMO_BITS);
  if (memo->ref[slot] != 0 && memo->hash[slot] == hash &&
      strcmp (mq_text_arena_get (arena, memo->ref[slot]), text) == 0)
    return memo->ref[slot];
  memo->hash[slot] = hash;
  return memo->ref[slot] = intern_hashed (arena, text, hash, len);
}

/* How many distinct strings were interned. */
guint
mq_text_arena_get_n_interned (const MqTextArena *arena)
{
  return arena->n_interned;
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
  MqTextRef ref = reserve (arena, &arena->cursors[PLAIN], size + 7);
  char *at = arena->chunks[ref >> OFFSET_BITS] + (ref & OFFSET_MASK);

  at += -(guintptr) at & 7;
  memset (at, 0, size);
  return at;
}
