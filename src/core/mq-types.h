/* mq-types.h — shared enums and forward declarations of the core.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* 1 mu (亩) = 10000/15 m², as in FACTS.md. */
#define MQ_M2_PER_MU (10000.0 / 15.0)

/* The four locks (四个锁定), in the order the plan names them. */
typedef enum
{
  MQ_LOCK_PARCEL,
  MQ_LOCK_PROJECT,
  MQ_LOCK_DEADLINE,
  MQ_LOCK_OWNER,
} MqLock;

#define MQ_N_LOCKS 4

/* Transformation methods (分类实施). */
typedef enum
{
  MQ_METHOD_NONE,
  MQ_METHOD_CAPACITY_UPGRADE,
  MQ_METHOD_IN_PLACE,
  MQ_METHOD_QUALITY,
} MqMethod;

#define MQ_N_METHODS 4

/* Progress stage of a parcel's transformation. */
typedef enum
{
  MQ_STAGE_NOT_STARTED,
  MQ_STAGE_IN_PROGRESS,
  MQ_STAGE_DONE,
} MqStage;

/* What kind of industrial land a parcel is, in the plan's accounting. */
typedef enum
{
  MQ_LAND_CLASS_OTHER,
  MQ_LAND_CLASS_EXISTING_INDUSTRIAL,
  MQ_LAND_CLASS_INCREMENTAL_INDUSTRIAL,
} MqLandClass;

/* The performance class of Shanghai's 亩均 assessment (绩效等级). */
typedef enum
{
  MQ_GRADE_NONE,
  MQ_GRADE_A,
  MQ_GRADE_B,
  MQ_GRADE_C,
  MQ_GRADE_D,
} MqGrade;

#define MQ_N_GRADES 5

/* 三高一低: high energy use, high pollution, high risk, low yield. */
typedef enum
{
  MQ_HIGH_ENERGY,
  MQ_HIGH_POLLUTION,
  MQ_HIGH_RISK,
  MQ_LOW_YIELD,
} MqHighLow;

#define MQ_N_HIGH_LOW 4

/* Map themes. */
typedef enum
{
  MQ_THEME_LOCKS,
  MQ_THEME_METHOD,
  MQ_THEME_FLAGGED,
  MQ_THEME_LANDUSE,
  MQ_THEME_GRADE,
  MQ_THEME_TAX_PER_MU,
} MqTheme;

#define MQ_N_THEMES (MQ_THEME_TAX_PER_MU + 1)

/* Kinds of reference feature drawn under the parcels. */
typedef enum
{
  MQ_REF_ZONE,
  MQ_REF_PART,
  MQ_REF_ROAD,
  MQ_REF_RIVER,
} MqRefKind;

/* What can be wrong with a parcel; a parcel may have several. */
typedef enum /*< flags >*/
{
  MQ_PROBLEM_NONE               = 0,
  MQ_PROBLEM_EMPTY              = 1 << 0,
  MQ_PROBLEM_BAD_COORDINATE     = 1 << 1,
  MQ_PROBLEM_UNCLOSED_RING      = 1 << 2,
  MQ_PROBLEM_SHORT_RING         = 1 << 3,
  MQ_PROBLEM_DUPLICATE_VERTEX   = 1 << 4,
  MQ_PROBLEM_SPIKE              = 1 << 5,
  MQ_PROBLEM_SELF_INTERSECTION  = 1 << 6,
  MQ_PROBLEM_HOLE_OUTSIDE       = 1 << 7,
  MQ_PROBLEM_INVALID            = 1 << 8,
  MQ_PROBLEM_NOT_POLYGON        = 1 << 9,
  MQ_PROBLEM_SURVEY_AREA        = 1 << 10,
  MQ_PROBLEM_TRUNCATED_TEXT     = 1 << 11,
  MQ_PROBLEM_MADE_VALID         = 1 << 12,
  MQ_PROBLEM_UNREADABLE_DATE    = 1 << 13,
  MQ_PROBLEM_UNREADABLE_STATE   = 1 << 14,
  MQ_PROBLEM_LOCK_RULE          = 1 << 15,
} MqProblem;

/* MqParcel keeps these in 16 bits: all are in use. */
#define MQ_N_PROBLEM_KINDS 16

typedef struct
{
  double min_x;
  double min_y;
  double max_x;
  double max_y;
} MqBox;

int      mq_compare_guint  (gconstpointer a,
                            gconstpointer b);
gboolean mq_box_is_empty   (const MqBox *box);
void     mq_box_union      (MqBox       *box,
                            const MqBox *other);
gboolean mq_box_intersects (const MqBox *a,
                            const MqBox *b);

G_END_DECLS
