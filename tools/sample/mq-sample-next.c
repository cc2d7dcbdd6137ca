/* mq-sample-next.c — the sample's next-year survey.
 *
 * This year's parcels, changed as a yearly survey changes them: two locked
 * parcels split in two, two pairs of neighbours merged (one pair whose
 * statuses differ, one whose agree), one block renumbered, one boundary
 * moved 1 m, one parcel gone (to a road) and one new (a piece of a road
 * verge surveyed for the first time). Deterministic, like the rest of the
 * sample: the lots are picked by their order, not by chance. What was done
 * is kept beside the survey, the truth the tests compare the update's
 * findings with.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-sample-next.h"

#include <math.h>

#define MU(m2) ((m2) / MQ_M2_PER_MU)

typedef struct
{
  GPtrArray  *rows;      /* MqSampleRow *, this year's */
  GPtrArray  *out;
  gboolean   *used;      /* a row already changed */
  guint       next_id;   /* MQ%04u numbers after the last */
  gint64      next_bsm;
  double      angle;
  MqAreaCalc *area;
  GString    *log;       /* what was done, a line each: "split OLD NEW NEW" … */
} Next;

static MqSampleRow *
row_at (Next *n, guint i)
{
  return g_ptr_array_index (n->rows, i);
}

static gboolean
is_locked (const MqParcel *p,
           guint           at_least)
{
  return p->flagged && mq_parcel_get_locks_held (p) >= at_least;
}

/* A new parcel of the next survey: the old one's survey facts, a new id. */
static MqSampleRow *
derive (Next           *n,
        const MqParcel *like,
        OGRGeometryH    geometry,
        gboolean        new_id)
{
  MqSampleRow *row = g_new0 (MqSampleRow, 1);
  MqParcel *p = g_new (MqParcel, 1);

  *p = *like;
  if (new_id)
    p->id = g_strdup_printf ("MQ%04u", n->next_id++);
  p->survey_area_m2 = round (mq_area_calc_measure (n->area, geometry) * 100) / 100;
  row->geometry = geometry;
  row->record = p;
  row->bsm = n->next_bsm++;
  return row;
}

/* Half of the plane, as a big rectangle in the grid's rotated frame. */
OGRGeometryH
mq_sample_band (double angle,
                double u0, double u1,
                double v0, double v1)
{
  double c = cos (angle), sn = sin (angle);
  double corners[5][2] = { { u0, v0 }, { u1, v0 }, { u1, v1 }, { u0, v1 }, { u0, v0 } };
  OGRGeometryH poly = OGR_G_CreateGeometry (wkbPolygon);
  OGRGeometryH ring = OGR_G_CreateGeometry (wkbLinearRing);

  for (int i = 0; i < 5; i++)
    OGR_G_AddPoint_2D (ring, corners[i][0] * c - corners[i][1] * sn,
                       corners[i][0] * sn + corners[i][1] * c);
  OGR_G_AddGeometryDirectly (poly, ring);
  return poly;
}

/* A polygon's outer ring's extent in the grid's rotated frame. */
void
mq_sample_extent_along (OGRGeometryH polygon,
                        double       angle,
                        double      *u,
                        double      *v)
{
  OGRGeometryH ring = OGR_G_GetGeometryRef (polygon, 0);
  double c = cos (angle), sn = sin (angle);

  u[0] = v[0] = INFINITY;
  u[1] = v[1] = -INFINITY;
  for (int i = 0; i < OGR_G_GetPointCount (ring); i++)
    {
      double x = OGR_G_GetX (ring, i), y = OGR_G_GetY (ring, i);
      double pu = x * c + y * sn, pv = -x * sn + y * c;

      u[0] = MIN (u[0], pu), u[1] = MAX (u[1], pu);
      v[0] = MIN (v[0], pv), v[1] = MAX (v[1], pv);
    }
}

/* The part of @g inside the band, if it is one polygon. */
static OGRGeometryH
cut (OGRGeometryH g, OGRGeometryH keep)
{
  OGRGeometryH piece = OGR_G_Intersection (g, keep);

  OGR_G_DestroyGeometry (keep);
  if (piece != NULL && wkbFlatten (OGR_G_GetGeometryType (piece)) != wkbPolygon)
    {
      OGR_G_DestroyGeometry (piece);
      return NULL;
    }
  return piece;
}

static void
split_two (Next *n)
{
  guint done = 0;

  for (guint i = 10; done < 2 && i < n->rows->len; i++)
    {
      MqSampleRow *r = row_at (n, i);
      double u[2], v[2], mid;
      OGRGeometryH a, b;

      if (n->used[i] || !is_locked (r->record, 4) || MU (r->record->area_m2) < 30)
        continue;
      mq_sample_extent_along (r->geometry, n->angle, u, v);
      mid = (u[0] + u[1]) / 2;
      a = cut (r->geometry, mq_sample_band (n->angle, u[0] - 1, mid, v[0] - 1, v[1] + 1));
      b = cut (r->geometry, mq_sample_band (n->angle, mid, u[1] + 1, v[0] - 1, v[1] + 1));
      if (a == NULL || b == NULL)
        {
          OGR_G_DestroyGeometry (a);
          OGR_G_DestroyGeometry (b);
          continue;
        }
      n->used[i] = TRUE;
      g_ptr_array_add (n->out, derive (n, r->record, a, TRUE));
      g_ptr_array_add (n->out, derive (n, r->record, b, TRUE));
      g_string_append_printf (n->log, "split %s %s %s\n", r->record->id,
               ((MqSampleRow *) n->out->pdata[n->out->len - 2])->record->id,
               ((MqSampleRow *) n->out->pdata[n->out->len - 1])->record->id);
      done++;
    }
}

/* Neighbours along more than 20 m of boundary. */
static gboolean
share_edge (OGRGeometryH a, OGRGeometryH b)
{
  OGRGeometryH grown = OGR_G_Buffer (a, 0.5, 4);
  OGRGeometryH common = grown ? OGR_G_Intersection (grown, b) : NULL;
  gboolean yes = common != NULL && OGR_G_Area (common) >= 10.0;

  OGR_G_DestroyGeometry (common);
  OGR_G_DestroyGeometry (grown);
  return yes;
}

static gboolean
statuses_differ (const MqParcel *a, const MqParcel *b)
{
  return a->locks != b->locks || g_strcmp0 (a->details->project, b->details->project) != 0;
}

/* Two neighbours that are both flagged (locked) with statuses that differ,
 * or both unflagged (which agree on everything the bureau keeps). */
static void
merge_pair (Next *n, guint from, gboolean flagged)
{
  for (guint i = from; i < n->rows->len; i++)
    for (guint j = i + 1; j < MIN (i + 40, n->rows->len); j++)
      {
        MqSampleRow *a = row_at (n, i), *b = row_at (n, j);
        OGRGeometryH merged;

        if (n->used[i] || n->used[j] || a->record->flagged != flagged || b->record->flagged != flagged ||
            (flagged && (!is_locked (a->record, 1) || !is_locked (b->record, 1) ||
                         !statuses_differ (a->record, b->record))) ||
            !share_edge (a->geometry, b->geometry))
          continue;
        merged = OGR_G_Union (a->geometry, b->geometry);
        if (merged == NULL || wkbFlatten (OGR_G_GetGeometryType (merged)) != wkbPolygon)
          {
            OGR_G_DestroyGeometry (merged);
            continue;
          }
        n->used[i] = n->used[j] = TRUE;
        g_ptr_array_add (n->out, derive (n, MU (a->record->area_m2) >= MU (b->record->area_m2) ? a->record
                                                                                                 : b->record,
                                         merged, TRUE));
        g_string_append_printf (n->log, "merge %s %s %s\n", a->record->id, b->record->id,
                 ((MqSampleRow *) n->out->pdata[n->out->len - 1])->record->id);
        return;
      }
}

/* The block of a locked parcel: its neighbours, theirs … up to eight. */
static void
renumber_block (Next *n)
{
  g_autoptr(GArray) block = g_array_new (FALSE, FALSE, sizeof (guint));
  guint start = 0;

  for (guint i = n->rows->len / 2; i < n->rows->len && block->len == 0; i++)
    if (!n->used[i] && is_locked (row_at (n, i)->record, 2))
      g_array_append_val (block, i), start = i;
  for (guint k = 0; k < block->len && block->len < 8; k++)
    {
      MqSampleRow *r = row_at (n, g_array_index (block, guint, k));

      for (guint j = start > 60 ? start - 60 : 0; j < MIN (start + 60, n->rows->len) && block->len < 8; j++)
        {
          gboolean in = n->used[j];

          for (guint m = 0; m < block->len && !in; m++)
            in = g_array_index (block, guint, m) == j;
          if (!in && share_edge (r->geometry, row_at (n, j)->geometry))
            g_array_append_val (block, j);
        }
    }
  for (guint k = 0; k < block->len; k++)
    {
      guint i = g_array_index (block, guint, k);
      MqSampleRow *r = row_at (n, i);

      n->used[i] = TRUE;
      g_ptr_array_add (n->out, derive (n, r->record, OGR_G_Clone (r->geometry), TRUE));
      g_string_append_printf (n->log, "renumber %s %s\n", r->record->id,
                              ((MqSampleRow *) n->out->pdata[n->out->len - 1])->record->id);
    }
}

static void
move_boundary (Next *n)
{
  for (guint i = 200; i < n->rows->len; i++)
    {
      MqSampleRow *r = row_at (n, i);
      double u[2], v[2];
      OGRGeometryH moved;

      if (n->used[i] || !is_locked (r->record, 2))
        continue;
      mq_sample_extent_along (r->geometry, n->angle, u, v);
      if ((moved = cut (r->geometry, mq_sample_band (n->angle, u[0] - 1, u[1] - 1.0, v[0] - 1, v[1] + 1))) == NULL)
        continue;
      n->used[i] = TRUE;
      g_ptr_array_add (n->out, derive (n, r->record, moved, FALSE));
      g_string_append_printf (n->log, "boundary %s\n", r->record->id);
      return;
    }
}

static void
drop_one (Next *n)
{
  for (guint i = 300; i < n->rows->len; i++)
    if (!n->used[i] && !row_at (n, i)->record->flagged)
      {
        n->used[i] = TRUE;
        g_string_append_printf (n->log, "gone %s\n", row_at (n, i)->record->id);
        return;
      }
}

/* A square of road verge no parcel covers, surveyed for the first time. */
static void
add_one (Next *n, GPtrArray *roads)
{
  for (guint k = 0; k < roads->len; k++)
    {
      OGRGeometryH line = g_ptr_array_index (roads, k);
      int mid = OGR_G_GetPointCount (line) / 2;
      double x = OGR_G_GetX (line, mid), y = OGR_G_GetY (line, mid);
      OGRGeometryH piece = mq_sample_band (0, x - 15, x + 15, y - 15, y + 15);

      for (guint i = 0; piece != NULL && i < n->rows->len; i++)
        if (OGR_G_Intersects (piece, row_at (n, i)->geometry))
          {
            OGRGeometryH rest = OGR_G_Difference (piece, row_at (n, i)->geometry);

            OGR_G_DestroyGeometry (piece);
            piece = rest;
          }
      if (piece != NULL && wkbFlatten (OGR_G_GetGeometryType (piece)) == wkbPolygon && OGR_G_Area (piece) >= 200)
        {
          MqParcel like = *row_at (n, 0)->record;

          like.land_use_code = "1004";
          like.land_use_name = "城镇村道路用地";
          like.owner = "马桥镇人民政府";
          like.flagged = FALSE;
          g_ptr_array_add (n->out, derive (n, g_memdup2 (&like, sizeof like), piece, TRUE));
          g_string_append_printf (n->log, "new %s\n", ((MqSampleRow *) n->out->pdata[n->out->len - 1])->record->id);
          return;
        }
      OGR_G_DestroyGeometry (piece);
    }
}

/**
 * mq_sample_next_survey:
 * @rows: (element-type MqSampleRow): this year's survey
 * @roads: (element-type OGRGeometryH): the roads' centre lines
 * @log: receives what was done, a line each ("split OLD NEW NEW", "merge OLD
 *   OLD NEW", "renumber OLD NEW", "boundary ID", "gone ID", "new ID")
 *
 * Returns: (transfer container): next year's rows: this year's unchanged
 *   ones as they are, then the changed and new ones
 */
GPtrArray *
mq_sample_next_survey (GPtrArray  *rows,
                       GPtrArray  *roads,
                       double      grid_angle,
                       MqAreaCalc *area,
                       GString    *log)
{
  Next n = { rows, g_ptr_array_new (), g_new0 (gboolean, rows->len), rows->len + 1,
             G_GINT64_CONSTANT (3101120000100000), grid_angle, area, log };
  GPtrArray *next = g_ptr_array_new ();

  split_two (&n);
  merge_pair (&n, 100, TRUE);
  merge_pair (&n, 100, FALSE);
  renumber_block (&n);
  move_boundary (&n);
  drop_one (&n);
  add_one (&n, roads);
  for (guint i = 0; i < rows->len; i++)
    if (!n.used[i])
      g_ptr_array_add (next, g_ptr_array_index (rows, i));
  g_ptr_array_extend_and_steal (next, n.out);
  g_free (n.used);
  return next;
}
