/* mq-text-arena.h — a dataset's strings behind 32-bit handles.
 *
 * Every source value of every parcel is one string here: a handle of four
 * bytes per value instead of an eight-byte pointer is 28 MB less at 10⁶
 * parcels of seven attributes. Strings are only ever added; a string
 * stored never moves, so the pointer mq_text_arena_get() gives stays good
 * as long as the arena lives.
 *
 * Threads: adding is the caller's to serialise (mq-parcels.c holds its
 * strings lock); any thread may read a handle it was given, with no lock —
 * the chunk a handle points into was written before the handle was.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* 0 is no string (NULL). */
typedef guint32 MqTextRef;

typedef struct _MqTextArena MqTextArena;

#define MQ_INTERN_MEMO_BITS 6

/* A column's strings interned last (mq_text_arena_intern_memo()); zeroed
 * is empty. */
typedef struct
{
  guint32   hash[1 << MQ_INTERN_MEMO_BITS];
  MqTextRef ref[1 << MQ_INTERN_MEMO_BITS];
} MqInternMemo;

MqTextArena *mq_text_arena_new    (void);
void         mq_text_arena_free   (MqTextArena *arena);
MqTextRef    mq_text_arena_add    (MqTextArena *arena,
                                   const char  *text);
MqTextRef    mq_text_arena_intern (MqTextArena *arena,
                                   const char  *text);
MqTextRef    mq_text_arena_intern_memo (MqTextArena  *arena,
                                        MqInternMemo *memo,
                                        const char   *text);
const char  *mq_text_arena_get    (const MqTextArena *arena,
                                   MqTextRef          ref);
guint        mq_text_arena_get_n_interned (const MqTextArena *arena);
gpointer     mq_text_arena_alloc  (MqTextArena *arena,
                                   gsize        size);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MqTextArena, mq_text_arena_free)

G_END_DECLS
