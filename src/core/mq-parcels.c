/* mq-parcels.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mq-parcels.h"

#include "mq-spatial-index.h"

#include <math.h>

/* Days before the deadline in which a parcel counts as due soon. */
#define DUE_SOON_DAYS 30

struct _MqParcels
{
  GObject       parent_instance;

  MqShapes     *shapes;
  GArray       *records;      /* MqParcel */
  GStringChunk *strings;
  GStrv         field_names;
  guint         n_fields;
  GPtrArray    *values;       /* const char *, n_fields per parcel, in the chunk */
  MqSpatialIndex *index;
};

G_DEFINE_FINAL_TYPE (MqParcels, mq_parcels, G_TYPE_OBJECT)

static void
mq_parcels_finalize (GObject *object)
{
  MqParcels *self = MQ_PARCELS (object);

  g_clear_pointer (&self->shapes, mq_shapes_free);
  g_clear_pointer (&self->records, g_array_unref);
  g_clear_pointer (&self->strings, g_string_chunk_free);
  g_clear_pointer (&self->field_names, g_strfreev);
  g_clear_pointer (&self->values, g_ptr_array_unref);
  g_clear_pointer (&self->index, mq_spatial_index_free);

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
  self->shapes = mq_shapes_new ();
  self->records = g_array_new (FALSE, TRUE, sizeof (MqParcel));
  self->strings = g_string_chunk_new (64 * 1024);
  self->values = g_ptr_array_new ();
}

MqParcels *
mq_parcels_new (const char * const *field_names)
{
  MqParcels *self = g_object_new (MQ_TYPE_PARCELS, NULL);

  self->field_names = g_strdupv ((char **) field_names);
  self->n_fields = field_names ? g_strv_length (self->field_names) : 0;
  return self;
}

guint
mq_parcels_get_n_parcels (MqParcels *self)
{
  g_return_val_if_fail (MQ_IS_PARCELS (self), 0);

  return self->records->len;
}

const MqParcel *
mq_parcels_get (MqParcels *self,
                guint      index)
{
  g_return_val_if_fail (MQ_IS_PARCELS (self), NULL);
  g_return_val_if_fail (index < self->records->len, NULL);

  return &g_array_index (self->records, MqParcel, index);
}

/* Interned strings are shared: a land-use name repeated 10⁵ times is stored once. */
const char *
mq_parcels_intern (MqParcels  *self,
                   const char *text)
{
  if (text == NULL || *text == '\0')
    return NULL;
  return g_string_chunk_insert_const (self->strings, text);
}

/* Adds a parcel with its source attribute values (n_fields of them, already
 * UTF-8) and returns its record for the caller to fill in; the record stays
 * valid until the next append. */
MqParcel *
mq_parcels_append (MqParcels     *self,
                   OGRGeometryH   display_geometry,
                   const char   **values)
{
  MqParcel blank = { 0 };

  g_return_val_if_fail (MQ_IS_PARCELS (self), NULL);

  blank.survey_area_m2 = NAN;
  mq_shapes_add_geometry (self->shapes, display_geometry);
  for (guint i = 0; i < self->n_fields; i++)
    g_ptr_array_add (self->values, (gpointer) mq_parcels_intern (self, values ? values[i] : NULL));
  g_array_append_val (self->records, blank);
  return &g_array_index (self->records, MqParcel, self->records->len - 1);
}

/* Puts an edited record in place; its strings must be interned here. */
void
mq_parcels_replace (MqParcels      *self,
                    guint           index,
                    const MqParcel *record)
{
  g_return_if_fail (MQ_IS_PARCELS (self));
  g_return_if_fail (index < self->records->len);

  g_array_index (self->records, MqParcel, index) = *record;
}

/* Keeps a source attribute in step with an edit of the column it came from
 * (a project's own columns are source attributes too). */
void
mq_parcels_set_value (MqParcels  *self,
                      guint       index,
                      guint       field,
                      const char *text)
{
  g_return_if_fail (MQ_IS_PARCELS (self));
  g_return_if_fail (index < self->records->len && field < self->n_fields);

  g_ptr_array_index (self->values, (gsize) index * self->n_fields + field) =
    (gpointer) mq_parcels_intern (self, text);
}

/* The index of a source attribute by name (ASCII case ignored), or -1. */
int
mq_parcels_find_field (MqParcels  *self,
                       const char *name)
{
  g_return_val_if_fail (MQ_IS_PARCELS (self), -1);

  for (guint i = 0; i < self->n_fields; i++)
    if (g_ascii_strcasecmp (self->field_names[i], name) == 0)
      return (int) i;
  return -1;
}

const MqShapes *
mq_parcels_get_shapes (MqParcels *self)
{
  g_return_val_if_fail (MQ_IS_PARCELS (self), NULL);

  return self->shapes;
}

const char * const *
mq_parcels_get_field_names (MqParcels *self)
{
  g_return_val_if_fail (MQ_IS_PARCELS (self), NULL);

  return (const char * const *) self->field_names;
}

const char *
mq_parcels_get_value (MqParcels *self,
                      guint      index,
                      guint      field)
{
  g_return_val_if_fail (MQ_IS_PARCELS (self), NULL);
  g_return_val_if_fail (index < self->records->len && field < self->n_fields, NULL);

  return g_ptr_array_index (self->values, (gsize) index * self->n_fields + field);
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

gboolean
mq_parcel_is_due_soon (const MqParcel *parcel,
                       guint32         today)
{
  return parcel->deadline != 0 && parcel->deadline >= today &&
         parcel->deadline <= today + DUE_SOON_DAYS && parcel->stage != MQ_STAGE_DONE;
}

/* Today as a GDate Julian day; MQ_TODAY=YYYY-MM-DD pins it for reproducible
 * reports and tests. */
guint32
mq_today (void)
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

  g_clear_pointer (&self->index, mq_spatial_index_free);
  self->index = mq_spatial_index_new ((const MqBox *) self->shapes->bbox->data,
                                      self->shapes->bbox->len);
}

MqSpatialIndex *
mq_parcels_get_index (MqParcels *self)
{
  g_return_val_if_fail (MQ_IS_PARCELS (self), NULL);

  if (self->index == NULL)
    mq_parcels_build_index (self);
  return self->index;
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
  if ((int) item > hit->found && mq_shapes_contains (hit->parcels->shapes, item, hit->x, hit->y))
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
