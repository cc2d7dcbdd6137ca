/* corpus-cases.h — the test corpus, as data shared by its generator and the tests.
 *
 * Coordinates are EPSG:4549 (CGCS2000 / 3-degree GK CM 120E) near Maqiao.
 * The tests compute expected areas from these coordinates with PROJ on their
 * own; the generator writes them, byte for byte where damage is the point.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <math.h>

#define CORPUS_X0 628000.0
#define CORPUS_Y0 3432000.0

typedef struct
{
  int           n_parts;
  const int    *part_start;   /* first point of each part (ring) */
  int           n_points;
  const double *xy;           /* x0, y0, x1, y1, … */
} CorpusShape;

/* A good parcel: a 100 m × 80 m rectangle, clockwise as shapefiles want. */
#define RECT(x, y, w, h) { (x), (y), (x), (y) + (h), (x) + (w), (y) + (h), (x) + (w), (y), (x), (y) }

static const int corpus_one_part[] = { 0 };
static const int corpus_two_parts_at_5[] = { 0, 5 };

static const double corpus_rect_xy[][10] = {
  RECT (CORPUS_X0, CORPUS_Y0, 100, 80),
  RECT (CORPUS_X0 + 150, CORPUS_Y0, 120, 90),
  RECT (CORPUS_X0 + 300, CORPUS_Y0, 200, 150),
  RECT (CORPUS_X0, CORPUS_Y0 + 200, 90, 90),
  RECT (CORPUS_X0 + 150, CORPUS_Y0 + 200, 300, 100),
};

/* Geometry problems, one per parcel, in this order. */
static const double geom_bowtie[] = {
  CORPUS_X0, CORPUS_Y0, CORPUS_X0 + 100, CORPUS_Y0 + 100,
  CORPUS_X0 + 100, CORPUS_Y0, CORPUS_X0, CORPUS_Y0 + 100, CORPUS_X0, CORPUS_Y0,
};
static const double geom_unclosed[] = {
  CORPUS_X0 + 200, CORPUS_Y0, CORPUS_X0 + 200, CORPUS_Y0 + 100,
  CORPUS_X0 + 300, CORPUS_Y0 + 100, CORPUS_X0 + 300, CORPUS_Y0,
};
static const double geom_short[] = {
  CORPUS_X0 + 400, CORPUS_Y0, CORPUS_X0 + 400, CORPUS_Y0 + 100, CORPUS_X0 + 400, CORPUS_Y0,
};
static const double geom_duplicate[] = {
  CORPUS_X0 + 600, CORPUS_Y0, CORPUS_X0 + 600, CORPUS_Y0 + 100, CORPUS_X0 + 600, CORPUS_Y0 + 100,
  CORPUS_X0 + 700, CORPUS_Y0 + 100, CORPUS_X0 + 700, CORPUS_Y0, CORPUS_X0 + 600, CORPUS_Y0,
};
static const double geom_spike[] = {
  CORPUS_X0 + 800, CORPUS_Y0, CORPUS_X0 + 800, CORPUS_Y0 + 100, CORPUS_X0 + 850, CORPUS_Y0 + 100,
  CORPUS_X0 + 850, CORPUS_Y0 + 300, CORPUS_X0 + 850, CORPUS_Y0 + 100,
  CORPUS_X0 + 900, CORPUS_Y0 + 100, CORPUS_X0 + 900, CORPUS_Y0, CORPUS_X0 + 800, CORPUS_Y0,
};
/* A shell with its "hole" 500 m away. */
static const double geom_hole_outside[] = {
  CORPUS_X0, CORPUS_Y0 + 500, CORPUS_X0, CORPUS_Y0 + 600, CORPUS_X0 + 100, CORPUS_Y0 + 600,
  CORPUS_X0 + 100, CORPUS_Y0 + 500, CORPUS_X0, CORPUS_Y0 + 500,
  CORPUS_X0 + 600, CORPUS_Y0 + 500, CORPUS_X0 + 620, CORPUS_Y0 + 500, CORPUS_X0 + 620, CORPUS_Y0 + 520,
  CORPUS_X0 + 600, CORPUS_Y0 + 520, CORPUS_X0 + 600, CORPUS_Y0 + 500,
};
/* A sound parcel with a hole: 200 × 200 less 50 × 50. */
static const double geom_with_hole[] = {
  CORPUS_X0 + 1000, CORPUS_Y0, CORPUS_X0 + 1000, CORPUS_Y0 + 200, CORPUS_X0 + 1200, CORPUS_Y0 + 200,
  CORPUS_X0 + 1200, CORPUS_Y0, CORPUS_X0 + 1000, CORPUS_Y0,
  CORPUS_X0 + 1050, CORPUS_Y0 + 50, CORPUS_X0 + 1100, CORPUS_Y0 + 50, CORPUS_X0 + 1100, CORPUS_Y0 + 100,
  CORPUS_X0 + 1050, CORPUS_Y0 + 100, CORPUS_X0 + 1050, CORPUS_Y0 + 50,
};
static const double geom_nan[] = {
  CORPUS_X0 + 1300, CORPUS_Y0, NAN, CORPUS_Y0 + 100, CORPUS_X0 + 1400, CORPUS_Y0 + 100,
  CORPUS_X0 + 1400, CORPUS_Y0, CORPUS_X0 + 1300, CORPUS_Y0,
};
static const double geom_absurd[] = {
  1e12, 1e12, 1e12, 1e12 + 100, 1e12 + 100, 1e12 + 100, 1e12 + 100, 1e12, 1e12, 1e12,
};

typedef struct
{
  const char  *id;
  CorpusShape  shape;          /* n_points 0: a NULL shape */
  guint        problems;       /* MqProblem flags expected */
  double       extra_area_m2;  /* for sound shapes: planar area, a plausibility check */
} GeometryCase;

#define SHAPE(parts, np, pts) { G_N_ELEMENTS (parts), (parts), (np), (pts) }

static const int geom_hole_parts[] = { 0, 5 };

/* Flags as in mq-types.h (MqProblem), repeated here so that the corpus is
 * plain data. */
#define P_EMPTY (1 << 0)
#define P_BAD_COORDINATE (1 << 1)
#define P_UNCLOSED (1 << 2)
#define P_SHORT (1 << 3)
#define P_DUPLICATE (1 << 4)
#define P_SPIKE (1 << 5)
#define P_SELF_INTERSECTION (1 << 6)
#define P_HOLE_OUTSIDE (1 << 7)
#define P_MADE_VALID (1 << 12)

static const GeometryCase geometry_cases[] = {
  { "G01-bowtie", SHAPE (corpus_one_part, 5, geom_bowtie), P_SELF_INTERSECTION | P_MADE_VALID, 0 },
  { "G02-unclosed", SHAPE (corpus_one_part, 4, geom_unclosed), P_UNCLOSED, 10000 },
  /* Its two distinct points enclose 0 m²: that is said too. */
  { "G03-short", SHAPE (corpus_one_part, 3, geom_short), P_SHORT | P_EMPTY, 0 },
  { "G04-duplicate", SHAPE (corpus_one_part, 6, geom_duplicate), P_DUPLICATE, 10000 },
  /* The spike returns through its own vertex: the boundary touches itself too. */
  { "G05-spike", SHAPE (corpus_one_part, 8, geom_spike), P_SPIKE | P_SELF_INTERSECTION | P_MADE_VALID, 10000 },
  { "G06-hole-outside", SHAPE (geom_hole_parts, 10, geom_hole_outside), P_HOLE_OUTSIDE | P_MADE_VALID, 0 },
  { "G07-with-hole", SHAPE (geom_hole_parts, 10, geom_with_hole), 0, 40000 - 2500 },
  { "G08-nan", SHAPE (corpus_one_part, 5, geom_nan), P_BAD_COORDINATE, 0 },
  { "G09-absurd", SHAPE (corpus_one_part, 5, geom_absurd), P_BAD_COORDINATE, 0 },
  { "G10-null", { 0, NULL, 0, NULL }, P_EMPTY, 0 },
  { "G11-good", SHAPE (corpus_one_part, 5, corpus_rect_xy[0]), 0, 8000 },
};

/* Names for the encoding cases: 堃 and 喆 are outside GB2312; 一亩's GBK
 * bytes happen to be valid UTF-8 on their own. */
static const char *const corpus_names[] = {
  "上海堃程精密机械有限公司", "马桥镇同福村", "喆睿智能装备", "一亩", "工业用地",
};

/* Status values as offices write them. P_* flags as in mq-types.h. */
#define P_SURVEY_AREA (1 << 10)
#define P_UNREADABLE_DATE (1 << 13)
#define P_UNREADABLE_STATE (1 << 14)
#define P_LOCK_RULE (1 << 15)

typedef struct
{
  const char *id;
  const char *deadline;       /* WCSX */
  const char *lock_deadline;  /* SDSJ */
  const char *method;         /* ZXFS */
  const char *survey_area;    /* TBMJ */
  const char *expect_deadline;  /* YYYY-MM-DD, "" for none */
  gboolean    expect_held;
  int         expect_method;    /* MqMethod */
  guint       expect_problems;  /* of the P_ flags above */
} StatusCase;

static const StatusCase status_cases[] = {
  { "S01", "2024-12-31", "是", "能级提升", "", "2024-12-31", TRUE, 1, 0 },
  { "S02", "2024/12/31", "已锁定", "就地转型", "", "2024-12-31", TRUE, 2, 0 },
  { "S03", "2024.12.31", "锁定", "提质增效", "", "2024-12-31", TRUE, 3, 0 },
  { "S04", "2024年12月31日", "已锁", "能级提升类", "", "2024-12-31", TRUE, 1, 0 },
  { "S05", "20241231", "1", "", "", "2024-12-31", TRUE, 0, 0 },
  { "S06", "45657", "Y", "", "", "2024-12-31", TRUE, 0, 0 },
  { "S07", "2024-12-31T08:00:00", "true", "", "", "2024-12-31", TRUE, 0, 0 },
  { "S08", "12/31/2024", "否", "", "", "", FALSE, 0, P_UNREADABLE_DATE },
  { "S09", "31/12/2024", "未锁定", "", "", "", FALSE, 0, P_UNREADABLE_DATE },
  { "S10", "24-12-31", "N", "", "", "", FALSE, 0, P_UNREADABLE_DATE },
  { "S11", "2024-13-01", "0", "", "", "", FALSE, 0, P_UNREADABLE_DATE },
  { "S12", "2024-12-31", "大概", "", "", "2024-12-31", FALSE, 0, P_UNREADABLE_STATE },
  { "S13", "2024-12-31", "false", "随便", "", "2024-12-31", FALSE, 0, P_UNREADABLE_STATE },
  /* A time lock held without a deadline breaks the four-lock rules. */
  { "S14", "", "是", "", "", "", TRUE, 0, P_LOCK_RULE },
  { "S15", "2024-12-31", "否", "", "7,996.65", "2024-12-31", FALSE, 0, 0 },
  { "S16", "2024-12-31", "否", "", "0", "2024-12-31", FALSE, 0, P_SURVEY_AREA },
  { "S17", "2024-12-31", "否", "", "-8000", "2024-12-31", FALSE, 0, P_SURVEY_AREA },
};

/* Geometry honesty: curved parcels as ArcGIS writes them to a GeoPackage,
 * and rings longer than the loader's own crossing test. */
#define CURVE_CX (CORPUS_X0 + 2000)
#define CURVE_CY CORPUS_Y0
#define CURVE_R 50.0
#define LONG_RING_POINTS 400
#define LONG_RING_R 100.0
#define LONG_RING_CX (CORPUS_X0 + 2300)
#define LONG_RING_CY CORPUS_Y0
/* A record of dmg-good marked deleted in dmg-deleted.dbf (0-based). */
#define DELETED_RECORD 3

/* A survey with Chinese column names (GBK in the .dbf), names that differ
 * only by case, and names a GeoPackage keeps for itself. */
static const char *const names_columns[] = {
  "地块编号", "权属单位", "项目名称", "备注", "坐落", "面积", "QLR", "qlr", "fid", "geom",
};
static const char *const names_values[] = {
  "N01", "上海堃程精密机械有限公司", "智能机器人产业园", "一期", "马桥镇同福村", "7996.65",
  "甲", "乙", "7", "x",
};
