/* mq-parcels.h — the parcels of a dataset, in memory.
 *
 * Geometry is an MqShapes (flat arrays, display CRS); attributes are one
 * MqParcel record per parcel whose strings live in a shared string arena
 * (mq-text-arena.h).
 * Every source attribute is kept too, for the identify panel.
 *
 * An MqParcels is one *generation* of a dataset's records. The loader builds
 * the first; an edit builds the next with mq_parcels_new_generation() (which
 * shares every block of records it does not change) and publishes it with
 * mq_dataset_set_parcels(). A generation is frozen once it is shared, and a
 * frozen generation never changes: a worker thread that holds a reference
 * reads it without locks while the main thread publishes the next one.
 * Geometry, the spatial index and the field names are shared by all
 * generations and never change after loading.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "mq-shapes.h"
#include "mq-spatial-index.h"
#include "mq-types.h"

G_BEGIN_DECLS

/* The particulars of a parcel's transformation, set for the few parcels
 * under way: a record points at mq_parcel_details_none until it has any,
 * and a record's details change by storing new ones
 * (mq_parcels_store_details()), never in place — 72 bytes a parcel fewer
 * in a cadastre of 10⁶ where a few thousand are being transformed. */
typedef struct
{
  const char *flag_reason;
  const char *industry;
  const char *project;
  const char *investor;
  const char *entity;
  const char *contact;
  const char *phone;
  const char *notes;
  /* Performance per mu (亩均): the enterprise on the land and what it
   * yields, as the bureau enters or a tax table brings them. */
  const char *credit_code;      /* 统一社会信用代码, 18 characters */
  const char *planned_use;      /* 规划用途, from the 控规 */
  double      floor_area_m2;    /* 建筑面积; NAN: none (as for every figure) */
  double      far;              /* 容积率 as entered (mq_parcel_far() prefers the floor area) */
  double      tax;              /* 年税收, 万元 */
  double      output;           /* 年产值, 万元 */
  double      energy;           /* 综合能耗, 吨标准煤 */
  double      planned_far;      /* 规划容积率 */
  guint32     lock_date[MQ_N_LOCKS];
  guint32     grade;            /* MqGrade */
  guint32     high_low;         /* bit per MqHighLow: the 三高一低 */
} MqParcelDetails;

extern const MqParcelDetails mq_parcel_details_none;

/* 80 bytes, 10⁶ of them in a district's cadastre: the source's feature id
 * is kept beside them (mq_parcels_get_fid()), and the small enumerations
 * share two bytes. */
typedef struct
{
  const char *id;
  const char *owner;
  const char *land_use_code;
  const char *land_use_name;
  const char *location;
  const MqParcelDetails *details;   /* never NULL */
  double      area_m2;          /* ellipsoidal, on the source datum */
  double      survey_area_m2;   /* NAN when the source carries none */
  gint64      row_version;      /* a project's per-parcel version, 0 when it has none */
  guint32     deadline;         /* GDate Julian day, 0 = none */
  guint16     problems;         /* MqProblem flags */
  guint       flagged : 1;
  guint       locks : MQ_N_LOCKS;   /* bit i set: lock i held */
  guint       method : 2;       /* MqMethod */
  guint       stage : 2;        /* MqStage */
  guint       land_class : 2;   /* MqLandClass */
} MqParcel;

#define MQ_TYPE_PARCELS (mq_parcels_get_type ())

G_DECLARE_FINAL_TYPE (MqParcels, mq_parcels, MQ, PARCELS, GObject)

MqParcels      *mq_parcels_new             (const char * const *field_names);
MqParcels      *mq_parcels_new_generation  (MqParcels       *self);
void            mq_parcels_freeze          (MqParcels       *self);
gboolean        mq_parcels_is_frozen       (MqParcels       *self);
guint           mq_parcels_get_generation  (MqParcels       *self);
guint           mq_parcels_get_serial      (MqParcels       *self);
guint           mq_parcels_get_n_parcels   (MqParcels       *self);
const MqParcel *mq_parcels_get             (MqParcels       *self,
                                            guint            index);
MqParcel       *mq_parcels_append          (MqParcels       *self,
                                            gint64           fid,
                                            OGRGeometryH     display_geometry,
                                            const char     **values,
                                            const char     **stored);
gint64          mq_parcels_get_fid         (MqParcels       *self,
                                            guint            index);
const char     *mq_parcels_intern          (MqParcels       *self,
                                            const char      *text);
const MqParcelDetails *
                mq_parcels_store_details   (MqParcels       *self,
                                            const MqParcelDetails *details);
void            mq_parcels_replace         (MqParcels       *self,
                                            guint            index,
                                            const MqParcel  *record);
void            mq_parcels_set_value       (MqParcels       *self,
                                            guint            index,
                                            guint            field,
                                            const char      *text);
int             mq_parcels_find_field      (MqParcels       *self,
                                            const char      *name);
const MqShapes *mq_parcels_get_shapes      (MqParcels       *self);
const char * const *
                mq_parcels_get_field_names (MqParcels       *self);
const char     *mq_parcels_get_value       (MqParcels       *self,
                                            guint            index,
                                            guint            field);

void            mq_parcels_build_index     (MqParcels       *self);
MqSpatialIndex *
                mq_parcels_get_index       (MqParcels       *self);
int             mq_parcels_hit_test        (MqParcels       *self,
                                            double           x,
                                            double           y);

/* What a point snapped to. */
typedef enum
{
  MQ_SNAP_NONE,
  MQ_SNAP_VERTEX,
  MQ_SNAP_EDGE,
} MqSnap;

MqSnap          mq_parcels_snap            (MqParcels       *self,
                                            double           x,
                                            double           y,
                                            double           tolerance,
                                            double          *snapped_x,
                                            double          *snapped_y);

guint           mq_parcel_get_locks_held   (const MqParcel  *parcel);
gboolean        mq_parcel_is_overdue       (const MqParcel  *parcel,
                                            guint32          today);
gboolean        mq_parcel_is_due_soon      (const MqParcel  *parcel,
                                            guint32          today);
guint           mq_parcel_days_overdue     (const MqParcel  *parcel,
                                            guint32          today);
guint32         mq_today                   (void);
guint32         mq_today_real              (void);
void            mq_set_as_of               (guint32          julian);
guint32         mq_get_as_of               (void);

G_END_DECLS
