/* mq-parcels.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mq-parcels.h"

#include "mq-spatial-index.h"
#include "mq-task.h"
#include "mq-text-arena.h"

#include <math.h>
#include <string.h>

/* Days before the deadline in which a parcel counts as due soon. */
#define DUE_SOON_DAYS 30

/* Records live in blocks of this many: an edit copies the blocks it touches,
 * not the whole array (4,096 block pointers at 10⁶ parcels). */
#define BLOCK_SHIFT 8
#define BLOCK_SIZE  (1u << BLOCK_SHIFT)
#define BLOCK_MASK  (BLOCK_SIZE - 1)

/* While the first records are read, each attribute's distinct values are
 * counted; one that is almost all unique (ids, notes, measured areas) is
 * then stored without interning: a million ids in one hash table cost a
 * fifth of opening a cadastre, and its memory. The count is looked at after
 * 512, 4,096 and 32,768 records: owners repeat more the more are read (73 %
 * distinct in the first 512 of the benchmark's million, 15 % in all), and
 * interning them keeps 30 MB of copies out of memory. */
#define SAMPLE_RECORDS 512
#define LAST_SAMPLE    32768
#define UNIQUE_SHARE   0.9

/* A column of few distinct values (land use, yes/no, a date, a district)
 * keeps a byte per record, a code for one of the first CODES values it
 * took, rather than a 4-byte handle: 12 MB of a cadastre of 10⁶ with four
 * such columns. A column whose values outgrow the codes is kept whole from
 * its next block on (and in the block that outgrew them); codes given are
 * never taken back or changed, so blocks coded before stay as they are. */
#define CODES      255
#define CODE_SLOTS 512   /* open addressing from a value's handle to its code */

typedef struct
{
  MqTextRef ref[CODES];         /* by code; written once, before any block uses it */
  MqTextRef slot_ref[CODE_SLOTS];
  guint8    slot_code[CODE_SLOTS];
  int       null_code;          /* the code of no value (handle 0), or -1 */
  MqTextRef last_ref;           /* the value coded last, and its code: runs are common */
  guint8    last_code;
  guint     n;
  gboolean  full;               /* a value had no code left: no more coded blocks */
} Codes;

/* What every generation of one dataset shares. Written only while the first
 * generation is being read (one thread); after that only the string arena
 * grows, under its lock, and the index is built once. */
typedef struct
{
  MqShapes       *shapes;
  MqTextArena    *strings;      /* append-only: a string stored never moves */
  GMutex          strings_lock;
  guint          *n_distinct;   /* per field, values interned first for it, until LAST_SAMPLE */
  MqInternMemo   *memos;        /* per field: its values interned last, while the first generation is read */
  GHashTable     *details;      /* MqParcelDetails stored (in strings), each once */
  guint8         *plain;        /* per field: stored without interning */
  Codes          *codes;        /* per field; written under strings_lock */
  GStrv           field_names;
  guint           n_fields;
  MqSpatialIndex *index;        /* built once, then read by any thread */
  gint64          first_fid;    /* record i's fid is first_fid + i … */
  GArray         *fids;         /* … unless this (gint64 per record) is there */
} Shared;

/* A block of records and their source attribute values, a column per
 * attribute after the header: BLOCK_SIZE handles of strings in the shared
 * arena, or BLOCK_SIZE codes (Codes). Immutable once its generation is. */
#define CODED 0x80000000u

typedef struct
{
  MqParcel     records[BLOCK_SIZE];
  guint32      size;          /* in bytes, for a copy */
  guint32      column[];      /* per attribute: its values' offset in the block, | CODED */
} Block;

struct _MqParcels
{
  GObject       parent_instance;

  Shared       *shared;
  GPtrArray    *blocks;       /* Block, g_atomic_rc_box */
  guint8       *owned;        /* per block: copied for this generation, writable */
  guint         n_records;
  guint         generation;
  guint         serial;       /* unique in the process: no two generations share it */
  gboolean      frozen;
};

G_DEFINE_FINAL_TYPE (MqParcels, mq_parcels, G_TYPE_OBJECT)

const MqParcelDetails mq_parcel_details_none = {
  .floor_area_m2 = NAN, .far = NAN, .tax = NAN, .output = NAN, .energy = NAN, .planned_far = NAN,
};

G_STATIC_ASSERT (sizeof (MqParcel) == 80);
G_STATIC_ASSERT (MQ_N_METHODS <= 4 && MQ_STAGE_DONE < 4 && MQ_LAND_CLASS_INCREMENTAL_INDUSTRIAL < 4);

/* Details compare by their bytes (no padding: ten pointers, six figures,
 * four dates, the grade and the 三高一低): strings stored once compare by
 * pointer, and every "none" is the one NAN. */
G_STATIC_ASSERT (sizeof (MqParcelDetails) ==
                 10 * sizeof (char *) + 6 * sizeof (double) + (MQ_N_LOCKS + 2) * sizeof (guint32));
G_STATIC_ASSERT (sizeof (MqParcelDetails) % sizeof (guint32) == 0);

static guint
details_hash (gconstpointer key)
{
  const guint32 *word = key;
  guint hash = 5381;

  for (gsize i = 0; i < sizeof (MqParcelDetails) / sizeof (guint32); i++)
    hash = hash * 33 + word[i];
  return hash;
}

static gboolean
details_equal (gconstpointer a,
               gconstpointer b)
{
  return memcmp (a, b, sizeof (MqParcelDetails)) == 0;
}

static void
shared_clear (Shared *shared)
{
  g_clear_pointer (&shared->shapes, mq_shapes_free);
  g_clear_pointer (&shared->strings, mq_text_arena_free);
  g_clear_pointer (&shared->field_names, g_strfreev);
  g_clear_pointer (&shared->n_distinct, g_free);
  g_clear_pointer (&shared->memos, g_free);
  g_clear_pointer (&shared->details, g_hash_table_unref);
  g_clear_pointer (&shared->plain, g_free);
  g_clear_pointer (&shared->codes, g_free);
  g_clear_pointer (&shared->index, mq_spatial_index_free);
  g_clear_pointer (&shared->fids, g_array_unref);
  g_mutex_clear (&shared->strings_lock);
}

/* A new block, an attribute's column coded unless it is mostly unique or
 * has outgrown its codes, or unless @wide names it. */
static Block *
block_new (Shared     *shared,
           const Block *like,
           int          wide)
{
  guint n = shared->n_fields;
  gsize size = sizeof (Block) + sizeof (guint32) * n;
  g_autofree guint32 *column = g_new (guint32, MAX (n, 1));
  Block *block;

  for (guint f = 0; f < n; f++)
    {
      gboolean coded = like != NULL ? (like->column[f] & CODED) != 0
                                    : !shared->plain[f] && !shared->codes[f].full;

      coded = coded && (int) f != wide;
      column[f] = (guint32) size | (coded ? CODED : 0);
      size += coded ? BLOCK_SIZE : sizeof (MqTextRef) * BLOCK_SIZE;
    }
  block = g_atomic_rc_box_alloc0 (size);
  block->size = (guint32) size;
  memcpy (block->column, column, sizeof (guint32) * n);
  return block;
}

static inline guint8 *
column_of (Block *block,
           guint  field)
{
  return (guint8 *) block + (block->column[field] & ~CODED);
}

static inline MqTextRef
value_ref (const Shared *shared,
           const Block  *block,
           guint         row,
           guint         field)
{
  const guint8 *values = column_of ((Block *) block, field);

  if (block->column[field] & CODED)
    return shared->codes[field].ref[values[row]];
  return ((const MqTextRef *) values)[row];
}

/* A copy of @block with @field's column whole. */
static Block *
block_widen (const Shared *shared,
             Block        *block,
             guint         field)
{
  Block *wide = block_new ((Shared *) shared, block, (int) field);

  memcpy (wide->records, block->records, sizeof block->records);
  for (guint f = 0; f < shared->n_fields; f++)
    if (f == field)
      for (guint r = 0; r < BLOCK_SIZE; r++)
        ((MqTextRef *) column_of (wide, f))[r] = value_ref (shared, block, r, f);
    else
      memcpy (column_of (wide, f), column_of (block, f),
              (block->column[f] & CODED) ? BLOCK_SIZE : sizeof (MqTextRef) * BLOCK_SIZE);
  return wide;
}

/* The code of a value's handle in a column, given now if need be; -1 when
 * the column has no code left. */
static int
code_of (Codes     *codes,
         MqTextRef  ref)
{
  guint h = (ref * 2654435761u) >> 23;   /* 9 bits: CODE_SLOTS */

  if (ref != 0 && ref == codes->last_ref)
    return codes->last_code;
  if (ref == 0)
    {
      if (codes->null_code < 0 && codes->n < CODES)
        codes->ref[codes->null_code = (int) codes->n++] = 0;
      return codes->null_code;
    }
  for (; codes->slot_ref[h] != 0; h = (h + 1) % CODE_SLOTS)
    if (codes->slot_ref[h] == ref)
      {
        codes->last_ref = ref;
        codes->last_code = codes->slot_code[h];
        return codes->slot_code[h];
      }
  if (codes->n == CODES)
    {
      codes->full = TRUE;
      return -1;
    }
  codes->slot_ref[h] = ref;
  codes->slot_code[h] = (guint8) codes->n;
  codes->ref[codes->n] = ref;
  return (int) codes->n++;
}

/* Stores a value's handle in the block at @b (the strings lock held; the
 * block this generation's own): a coded column that has no code left for
 * it is first made whole, in a copy of the block that takes its place. */
static Block *
store_ref (MqParcels *self,
           guint      b,
           guint      row,
           guint      field,
           MqTextRef  ref)
{
  Shared *shared = self->shared;
  Block *block = self->blocks->pdata[b];
  int code;

  if (block->column[field] & CODED)
    {
      if ((code = code_of (&shared->codes[field], ref)) >= 0)
        {
          column_of (block, field)[row] = (guint8) code;
          return block;
        }
      block = block_widen (shared, block, field);
      g_atomic_rc_box_release (self->blocks->pdata[b]);
      self->blocks->pdata[b] = block;
    }
  ((MqTextRef *) column_of (block, field))[row] = ref;
  return block;
}

static void
mq_parcels_finalize (GObject *object)
{
  MqParcels *self = MQ_PARCELS (object);

  /* A worker may have read this generation until it dropped its snapshot. */
  mq_task_acquire_refs ();
  g_clear_pointer (&self->blocks, g_ptr_array_unref);
  g_clear_pointer (&self->owned, g_free);
  g_atomic_rc_box_release_full (self->shared, (GDestroyNotify) shared_clear);

  G_OBJECT_CLASS (mq_parcels_parent_class)->finalize (object);
}

static void
mq_parcels_class_init (MqParcelsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mq_parcels_finalize;
}

static void
mq_parcels_init (MqParcels *self)
{
  static gint last_serial;

  self->serial = (guint) g_atomic_int_add (&last_serial, 1) + 1;
  self->blocks = g_ptr_array_new_with_free_func ((GDestroyNotify) g_atomic_rc_box_release);
}

MqParcels *
mq_parcels_new (const char * const *field_names)
{
  MqParcels *self = g_object_new (MQ_TYPE_PARCELS, NULL);

  self->shared = g_atomic_rc_box_new0 (Shared);
  self->shared->shapes = mq_shapes_new_polygons ();
  self->shared->strings = mq_text_arena_new ();
  self->shared->details = g_hash_table_new (details_hash, details_equal);
  g_mutex_init (&self->shared->strings_lock);
  self->shared->field_names = g_strdupv ((char **) field_names);
  self->shared->n_fields = field_names ? g_strv_length (self->shared->field_names) : 0;
  self->shared->plain = g_new0 (guint8, self->shared->n_fields + 1);
  self->shared->n_distinct = g_new0 (guint, self->shared->n_fields + 1);
  self->shared->memos = g_new0 (MqInternMemo, self->shared->n_fields + 1);
  self->shared->codes = g_new0 (Codes, self->shared->n_fields + 1);
  for (guint f = 0; f < self->shared->n_fields; f++)
    self->shared->codes[f].null_code = -1;
  return self;
}

/**
 * mq_parcels_new_generation:
 *
 * The next generation of @self: the same records, shared until
 * mq_parcels_replace() or mq_parcels_set_value() copies the block it writes.
 * @self is frozen and stays as it is for whoever holds it.
 */
MqParcels *
mq_parcels_new_generation (MqParcels *self)
{
  MqParcels *next;

  g_return_val_if_fail (MQ_IS_PARCELS (self), NULL);

  mq_parcels_freeze (self);
  next = g_object_new (MQ_TYPE_PARCELS, NULL);
  next->shared = g_atomic_rc_box_acquire (self->shared);
  next->n_records = self->n_records;
  next->generation = self->generation + 1;
  next->owned = g_new0 (guint8, self->blocks->len + 1);
  for (guint b = 0; b < self->blocks->len; b++)
    g_ptr_array_add (next->blocks, g_atomic_rc_box_acquire (self->blocks->pdata[b]));
  return next;
}

/* From now on nothing changes in this generation: it may go to any thread. */
void
mq_parcels_freeze (MqParcels *self)
{
  g_return_if_fail (MQ_IS_PARCELS (self));
  /* A frozen generation is only ever read: a worker making its own next
   * generation from it (a past day's) writes nothing into it. */
  if (!self->frozen)
    self->frozen = TRUE;
}

gboolean
mq_parcels_is_frozen (MqParcels *self)
{
  g_return_val_if_fail (MQ_IS_PARCELS (self), TRUE);
  return self->frozen;
}

guint
mq_parcels_get_generation (MqParcels *self)
{
  g_return_val_if_fail (MQ_IS_PARCELS (self), 0);
  return self->generation;
}

/* A number no other generation (of any dataset) has while the process
 * runs: what a cache of drawings keys them by, without keeping them alive. */
guint
mq_parcels_get_serial (MqParcels *self)
{
  g_return_val_if_fail (MQ_IS_PARCELS (self), 0);
  return self->serial;
}

guint
mq_parcels_get_n_parcels (MqParcels *self)
{
  g_return_val_if_fail (MQ_IS_PARCELS (self), 0);

  return self->n_records;
}

static inline Block *
block_of (MqParcels *self,
          guint      index)
{
  return self->blocks->pdata[index >> BLOCK_SHIFT];
}

const MqParcel *
mq_parcels_get (MqParcels *self,
                guint      index)
{
  g_return_val_if_fail (MQ_IS_PARCELS (self), NULL);
  g_return_val_if_fail (index < self->n_records, NULL);

  return &block_of (self, index)->records[index & BLOCK_MASK];
}

/* The block holding @index, copied first if an older generation shares it. */
static Block *
writable_block (MqParcels *self,
                guint      index)
{
  guint b = index >> BLOCK_SHIFT;
  Block *copy;

  if (self->owned == NULL || self->owned[b])
    return self->blocks->pdata[b];
  copy = g_atomic_rc_box_dup (((Block *) self->blocks->pdata[b])->size, self->blocks->pdata[b]);
  g_atomic_rc_box_release (g_steal_pointer (&self->blocks->pdata[b]));
  self->blocks->pdata[b] = copy;
  self->owned[b] = TRUE;
  return copy;
}

/* Interned strings are shared: a land-use name repeated 10⁵ times is stored
 * once. Any generation may intern (an edit does, into the one it builds);
 * the lock keeps two of them from growing the chunk at once. */
const char *
mq_parcels_intern (MqParcels  *self,
                   const char *text)
{
  MqTextRef ref;

  mq_mutex_lock (&self->shared->strings_lock);
  ref = mq_text_arena_intern (self->shared->strings, text);
  mq_mutex_unlock (&self->shared->strings_lock);
  return mq_text_arena_get (self->shared->strings, ref);
}

/**
 * mq_parcels_store_details:
 *
 * Details that last as long as the parcels do, equal to @details (whose
 * strings are stored here already, by mq_parcels_intern() or as loaded),
 * for a record to point at: mq_parcel_details_none when they hold nothing,
 * and the same pointer for equal details. Any generation may store.
 */
const MqParcelDetails *
mq_parcels_store_details (MqParcels             *self,
                          const MqParcelDetails *details)
{
  MqParcelDetails *stored;

  g_return_val_if_fail (MQ_IS_PARCELS (self), &mq_parcel_details_none);

  if (details_equal (details, &mq_parcel_details_none))
    return &mq_parcel_details_none;
  mq_mutex_lock (&self->shared->strings_lock);
  stored = g_hash_table_lookup (self->shared->details, details);
  if (stored == NULL)
    {
      stored = mq_text_arena_alloc (self->shared->strings, sizeof (MqParcelDetails));
      *stored = *details;
      g_hash_table_add (self->shared->details, stored);
    }
  mq_mutex_unlock (&self->shared->strings_lock);
  return stored;
}

/* A source value as the first generation stores it (the strings lock held):
 * interned, or for a mostly unique attribute copied as it is. */
static MqTextRef
store_value (Shared     *shared,
             guint       field,
             const char *text)
{
  guint before;
  MqTextRef stored;

  if (shared->plain[field])
    return mq_text_arena_add (shared->strings, text);
  before = mq_text_arena_get_n_interned (shared->strings);
  stored = mq_text_arena_intern_memo (shared->strings, &shared->memos[field], text);
  shared->n_distinct[field] += mq_text_arena_get_n_interned (shared->strings) - before;
  return stored;
}

/* After @n_records, at each sample: which attributes are almost all unique. */
static void
decide_plain (Shared *shared,
              guint   n_records)
{
  if (n_records != SAMPLE_RECORDS && n_records != SAMPLE_RECORDS * 8 && n_records != LAST_SAMPLE)
    return;
  for (guint f = 0; f < shared->n_fields; f++)
    shared->plain[f] |= shared->n_distinct[f] > UNIQUE_SHARE * n_records;
}

/* A file's feature ids are nearly always its record numbers (a shapefile's
 * from 0, a GeoPackage's from 1): they are kept only once one is not. */
static void
store_fid (Shared *shared,
           guint   index,
           gint64  fid)
{
  if (index == 0)
    shared->first_fid = fid;
  if (shared->fids == NULL && fid != shared->first_fid + index)
    {
      shared->fids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), index + 1);
      for (guint i = 0; i < index; i++)
        {
          gint64 before = shared->first_fid + i;

          g_array_append_val (shared->fids, before);
        }
    }
  if (shared->fids != NULL)
    g_array_append_val (shared->fids, fid);
}

/* The source's feature id of a parcel: a project's row key. */
gint64
mq_parcels_get_fid (MqParcels *self,
                    guint      index)
{
  g_return_val_if_fail (MQ_IS_PARCELS (self), -1);
  g_return_val_if_fail (index < self->n_records, -1);

  if (self->shared->fids != NULL)
    return g_array_index (self->shared->fids, gint64, index);
  return self->shared->first_fid + index;
}

/* Adds a parcel with its source attribute values (n_fields of them, already
 * UTF-8) and returns its record for the caller to fill in; @stored gets the
 * values as kept (NULL for an empty one), the strings for the record's
 * fields (@stored may be @values itself). Only the first generation grows,
 * while it is read. */
MqParcel *
mq_parcels_append (MqParcels     *self,
                   gint64         fid,
                   OGRGeometryH   display_geometry,
                   const char   **values,
                   const char   **stored)
{
  guint i, n_fields;
  Block *block;

  g_return_val_if_fail (MQ_IS_PARCELS (self), NULL);
  g_return_val_if_fail (!self->frozen && self->generation == 0, NULL);

  i = self->n_records;
  n_fields = self->shared->n_fields;
  mq_shapes_add_geometry (self->shared->shapes, display_geometry);
  store_fid (self->shared, i, fid);
  mq_mutex_lock (&self->shared->strings_lock);
  if ((i & BLOCK_MASK) == 0)
    g_ptr_array_add (self->blocks, block_new (self->shared, NULL, -1));
  for (guint f = 0; f < n_fields; f++)
    {
      MqTextRef ref = store_value (self->shared, f, values ? values[f] : NULL);

      store_ref (self, i >> BLOCK_SHIFT, i & BLOCK_MASK, f, ref);
      stored[f] = mq_text_arena_get (self->shared->strings, ref);
    }
  decide_plain (self->shared, i + 1);
  mq_mutex_unlock (&self->shared->strings_lock);
  block = block_of (self, i);
  block->records[i & BLOCK_MASK].survey_area_m2 = NAN;
  block->records[i & BLOCK_MASK].details = &mq_parcel_details_none;
  self->n_records++;
  return &block->records[i & BLOCK_MASK];
}

/* Puts an edited record in place, in a generation not yet frozen; its
 * strings must be interned here. */
void
mq_parcels_replace (MqParcels      *self,
                    guint           index,
                    const MqParcel *record)
{
  g_return_if_fail (MQ_IS_PARCELS (self));
  g_return_if_fail (!self->frozen);
  g_return_if_fail (index < self->n_records);

  writable_block (self, index)->records[index & BLOCK_MASK] = *record;
}

/* Keeps a source attribute in step with an edit of the column it came from
 * (a project's own columns are source attributes too). */
void
mq_parcels_set_value (MqParcels  *self,
                      guint       index,
                      guint       field,
                      const char *text)
{
  guint n_fields;

  g_return_if_fail (MQ_IS_PARCELS (self));
  g_return_if_fail (!self->frozen);
  n_fields = self->shared->n_fields;
  g_return_if_fail (index < self->n_records && field < n_fields);

  writable_block (self, index);
  mq_mutex_lock (&self->shared->strings_lock);
  store_ref (self, index >> BLOCK_SHIFT, index & BLOCK_MASK, field,
             mq_text_arena_intern (self->shared->strings, text));
  mq_mutex_unlock (&self->shared->strings_lock);
}

/* The index of a source attribute by name (ASCII case ignored), or -1. */
int
mq_parcels_find_field (MqParcels  *self,
                       const char *name)
{
  g_return_val_if_fail (MQ_IS_PARCELS (self), -1);

  for (guint i = 0; i < self->shared->n_fields; i++)
    if (g_ascii_strcasecmp (self->shared->field_names[i], name) == 0)
      return (int) i;
  return -1;
}

const MqShapes *
mq_parcels_get_shapes (MqParcels *self)
{
  g_return_val_if_fail (MQ_IS_PARCELS (self), NULL);

  return self->shared->shapes;
}

const char * const *
mq_parcels_get_field_names (MqParcels *self)
{
  g_return_val_if_fail (MQ_IS_PARCELS (self), NULL);

  return (const char * const *) self->shared->field_names;
}

const char *
mq_parcels_get_value (MqParcels *self,
                      guint      index,
                      guint      field)
{
  guint n_fields;

  g_return_val_if_fail (MQ_IS_PARCELS (self), NULL);
  n_fields = self->shared->n_fields;
  g_return_val_if_fail (index < self->n_records && field < n_fields, NULL);

  return mq_text_arena_get (self->shared->strings,
                            value_ref (self->shared, block_of (self, index), index & BLOCK_MASK, field));
}

guint
mq_parcel_get_locks_held (const MqParcel *parcel)
{
  return (guint) __builtin_popcount (parcel->locks & 0xf);
}

gboolean
mq_parcel_is_overdue (const MqParcel *parcel,
                      guint32         today)
{
  return parcel->deadline != 0 && parcel->deadline < today && parcel->stage != MQ_STAGE_DONE;
}

/* How many days past its deadline an unfinished parcel is; 0 when it is not
 * overdue. Panel, table, tooltip and meeting card all say the same number. */
guint
mq_parcel_days_overdue (const MqParcel *parcel,
                        guint32         today)
{
  return mq_parcel_is_overdue (parcel, today) ? today - parcel->deadline : 0;
}

gboolean
mq_parcel_is_due_soon (const MqParcel *parcel,
                       guint32         today)
{
  return parcel->deadline != 0 && parcel->deadline >= today &&
         parcel->deadline <= today + DUE_SOON_DAYS && parcel->stage != MQ_STAGE_DONE;
}

static guint32 as_of;   /* a Julian day, or 0 */

/**
 * mq_set_as_of:
 * @julian: a day, or 0 for the real today
 *
 * The day a headless --as-of command works at: deadlines are counted from
 * it, reports and ledgers say so. Set once, before anything reads it.
 */
void
mq_set_as_of (guint32 julian)
{
  g_atomic_int_set ((int *) &as_of, (int) julian);
}

/* The day mq_set_as_of() set, or 0. */
guint32
mq_get_as_of (void)
{
  return (guint32) g_atomic_int_get ((int *) &as_of);
}

/* Today as a GDate Julian day — or the day the command works at; MQ_TODAY=
 * YYYY-MM-DD pins it for reproducible reports and tests. */
guint32
mq_today (void)
{
  guint32 at = mq_get_as_of ();

  return at != 0 ? at : mq_today_real ();
}

/* Today, whatever day the views show (MQ_TODAY still pins it). */
guint32
mq_today_real (void)
{
  const char *pinned = g_getenv ("MQ_TODAY");
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  GDate date;

  g_date_clear (&date, 1);
  if (pinned != NULL)
    g_date_set_parse (&date, pinned);
  if (!g_date_valid (&date))
    g_date_set_dmy (&date, g_date_time_get_day_of_month (now),
                    g_date_time_get_month (now), g_date_time_get_year (now));
  return g_date_get_julian (&date);
}

/* Built once the parcels are all read (the loader calls it, in its thread). */
void
mq_parcels_build_index (MqParcels *self)
{
  g_return_if_fail (MQ_IS_PARCELS (self));
  g_return_if_fail (!self->frozen && self->generation == 0);

  g_clear_pointer (&self->shared->index, mq_spatial_index_free);
  self->shared->index = mq_spatial_index_new (self->shared->shapes);
}

/* Built at most once, whichever thread asks first. */
MqSpatialIndex *
mq_parcels_get_index (MqParcels *self)
{
  Shared *shared;

  g_return_val_if_fail (MQ_IS_PARCELS (self), NULL);

  shared = self->shared;
  if (g_once_init_enter (&shared->index))
    g_once_init_leave (&shared->index,
                       mq_spatial_index_new (shared->shapes));
  return shared->index;
}

typedef struct
{
  MqParcels *parcels;
  double     x, y;
  int        found;
} Hit;

static gboolean
hit_visit (guint    item,
           gpointer user_data)
{
  Hit *hit = user_data;

  /* The parcel drawn last is on top: keep the highest index. */
  if ((int) item > hit->found && mq_shapes_contains (hit->parcels->shared->shapes, item, hit->x, hit->y))
    hit->found = item;
  return TRUE;
}

/* The parcel under a point of the display CRS, or -1. */
int
mq_parcels_hit_test (MqParcels *self,
                     double     x,
                     double     y)
{
  Hit hit = { self, x, y, -1 };
  MqBox point = { x, y, x, y };

  g_return_val_if_fail (MQ_IS_PARCELS (self), -1);

  mq_spatial_index_search (mq_parcels_get_index (self), &point, hit_visit, &hit);
  return hit.found;
}

typedef struct
{
  const MqShapes *shapes;
  double          x, y;
  double          vertex_d, edge_d;   /* squared, the nearest so far */
  double          vx, vy, ex, ey;
} Snap;

/* The parcel's vertices and edges near the point: the nearest of each. */
static gboolean
snap_visit (guint    item,
            gpointer user_data)
{
  Snap *snap = user_data;
  const MqShapes *shapes = snap->shapes;
  const MqBox o = mq_shapes_get_bbox (shapes, item);
  guint r0 = g_array_index (shapes->feat_ring, guint, item);
  guint r1 = g_array_index (shapes->feat_ring, guint, item + 1);

  for (guint r = r0; r < r1; r++)
    {
      guint p0 = g_array_index (shapes->ring_start, guint, r);
      guint p1 = g_array_index (shapes->ring_start, guint, r + 1);

      /* Rings are closed: the last point's edge goes back to the first. */
      for (guint i = p0, j = p1 - 1; i < p1; j = i++)
        {
          double ax, ay, bx, by, dx, dy, t, px, py, d;

          mq_shapes_get_point (shapes, &o, j, &ax, &ay);
          mq_shapes_get_point (shapes, &o, i, &bx, &by);
          d = (bx - snap->x) * (bx - snap->x) + (by - snap->y) * (by - snap->y);
          if (d < snap->vertex_d)
            snap->vertex_d = d, snap->vx = bx, snap->vy = by;
          dx = bx - ax, dy = by - ay;
          t = dx == 0 && dy == 0 ? 0 : ((snap->x - ax) * dx + (snap->y - ay) * dy) / (dx * dx + dy * dy);
          t = CLAMP (t, 0.0, 1.0);
          px = ax + t * dx, py = ay + t * dy;
          d = (px - snap->x) * (px - snap->x) + (py - snap->y) * (py - snap->y);
          if (d < snap->edge_d)
            snap->edge_d = d, snap->ex = px, snap->ey = py;
        }
    }
  return TRUE;
}

/**
 * mq_parcels_snap:
 * @tolerance: how far (display CRS units) a vertex or an edge may be
 *
 * Snaps a point to the nearest parcel vertex within @tolerance, else to
 * the nearest point of a parcel edge within it; the snapped point goes to
 * @snapped_x and @snapped_y (the point itself when nothing is near).
 */
MqSnap
mq_parcels_snap (MqParcels *self,
                 double     x,
                 double     y,
                 double     tolerance,
                 double    *snapped_x,
                 double    *snapped_y)
{
  double t2 = tolerance * tolerance;
  Snap snap = { mq_parcels_get_shapes (self), x, y, t2, t2, x, y, x, y };
  MqBox near = { x - tolerance, y - tolerance, x + tolerance, y + tolerance };

  g_return_val_if_fail (MQ_IS_PARCELS (self), MQ_SNAP_NONE);

  mq_spatial_index_search (mq_parcels_get_index (self), &near, snap_visit, &snap);
  if (snap.vertex_d < t2)
    {
      *snapped_x = snap.vx, *snapped_y = snap.vy;
      return MQ_SNAP_VERTEX;
    }
  if (snap.edge_d < t2)
    {
      *snapped_x = snap.ex, *snapped_y = snap.ey;
      return MQ_SNAP_EDGE;
    }
  *snapped_x = x, *snapped_y = y;
  return MQ_SNAP_NONE;
}
