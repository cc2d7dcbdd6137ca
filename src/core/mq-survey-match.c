/* mq-survey-match.c — which new parcel each old one became, and what goes with it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <string.h>

#include "mq-crs.h"
#include "mq-output.h"
#include "mq-spatial-index.h"
#include "mq-performance.h"
#include "mq-survey-update-private.h"

/* Both parcels' shares of the land they have in common at least this: the
 * same parcel. A part of a split one lies this much inside its parent. */
#define SAME_SHARE 0.9
/* Less of either than this is a sliver two surveys drew differently. */
#define LINK_SHARE 0.05
/* A boundary that moved changes the land by more than this (m²); floats
 * and redrawn vertices do not. */
#define MOVED_M2 1.0

G_DEFINE_QUARK (mq-survey-update-error-quark, mq_survey_update_error)

typedef struct
{
  guint  old_index;
  guint  new_index;
  double overlap_m2;
} Link;

typedef struct
{
  MqSurveyUpdate *self;
  MqParcels      *old;
  MqParcels      *new;
  GArray         *raw;          /* Link */
  guint          *parent;       /* union-find over old (0…n_old-1) and new parcels */
  gboolean       *matched;      /* the same, by id or BSM: n_old + n_new */
} Plan;

static double
area_of (MqParcels *parcels,
         guint      index)
{
  return mq_parcels_get (parcels, index)->area_m2;
}

static double
old_share (Plan *plan, const Link *l)
{
  double a = area_of (plan->old, l->old_index);

  return a > 0 ? l->overlap_m2 / a : 0;
}

static double
new_share (Plan *plan, const Link *l)
{
  double a = area_of (plan->new, l->new_index);

  return a > 0 ? l->overlap_m2 / a : 0;
}

/* Every pair of an old and a new parcel sharing more than a sliver, the
 * shared land measured on the ellipsoid (the plane overlap scaled as the
 * old parcel's plane area is to its own). */
static void
find_links (Plan                         *plan,
            OGRCoordinateTransformationH  transform)
{
  const MqShapes *old_shapes = mq_parcels_get_shapes (plan->old);
  const MqShapes *new_shapes = mq_parcels_get_shapes (plan->new);
  MqSpatialIndex *index;

  index = mq_parcels_get_index (plan->old);
  for (guint j = 0; j < mq_parcels_get_n_parcels (plan->new); j++)
    {
      OGRGeometryH g = mq_shapes_dup_polygons (new_shapes, j);
      g_autoptr(GArray) candidates = NULL;
      OGREnvelope env;
      MqBox box;

      if (g == NULL || (transform != NULL && OGR_G_Transform (g, transform) != OGRERR_NONE))
        {
          OGR_G_DestroyGeometry (g);
          continue;
        }
      OGR_G_GetEnvelope (g, &env);
      box = (MqBox) { env.MinX, env.MinY, env.MaxX, env.MaxY };
      candidates = mq_spatial_index_query (index, &box);
      for (guint k = 0; k < candidates->len; k++)
        {
          guint i = g_array_index (candidates, guint, k);
          Link link = { i, j, mq_shapes_get_overlap_share (old_shapes, i, g) * area_of (plan->old, i) };

          if (link.overlap_m2 > 0.01 &&
              (old_share (plan, &link) >= LINK_SHARE || new_share (plan, &link) >= LINK_SHARE))
            g_array_append_val (plan->raw, link);
        }
      OGR_G_DestroyGeometry (g);
    }
}

static guint
find_root (Plan *plan,
           guint node)
{
  while (plan->parent[node] != node)
    node = plan->parent[node] = plan->parent[plan->parent[node]];
  return node;
}

static void
add_link (Plan       *plan,
          const Link *l,
          MqLineage   relation)
{
  MqLineageLink out = { l ? l->old_index : MQ_NO_PARCEL, l ? l->new_index : MQ_NO_PARCEL, relation,
                        l ? l->overlap_m2 : 0, l ? old_share (plan, l) : 0, l ? new_share (plan, l) : 0 };

  g_array_append_val (plan->self->links, out);
  if (out.new_index != MQ_NO_PARCEL)
    g_array_index (plan->self->new_relation, guint8, out.new_index) = relation;
}

static gboolean
same_key (Plan *plan,
          const Link *l,
          int old_bsm,
          int new_bsm)
{
  const MqParcel *o = mq_parcels_get (plan->old, l->old_index);
  const MqParcel *n = mq_parcels_get (plan->new, l->new_index);
  const char *ob, *nb;

  if (o->id != NULL && g_strcmp0 (o->id, n->id) == 0)
    return TRUE;
  if (old_bsm < 0 || new_bsm < 0)
    return FALSE;
  ob = mq_parcels_get_value (plan->old, l->old_index, old_bsm);
  nb = mq_parcels_get_value (plan->new, l->new_index, new_bsm);
  return ob != NULL && *ob != '\0' && g_strcmp0 (ob, nb) == 0;
}

static MqLineage
same_or_moved (Plan *plan, const Link *l)
{
  double a = area_of (plan->old, l->old_index), b = area_of (plan->new, l->new_index);

  /* The land either has and the other has not. */
  return a + b - 2 * l->overlap_m2 >= MOVED_M2 ? MQ_LINEAGE_BOUNDARY : MQ_LINEAGE_SAME;
}

/* Pass 1: the same id (or BSM) on the same land. */
static void
match_by_key (Plan *plan)
{
  guint n_old = mq_parcels_get_n_parcels (plan->old);
  int old_bsm = mq_parcels_find_field (plan->old, "BSM");
  int new_bsm = mq_parcels_find_field (plan->new, "BSM");

  for (guint k = 0; k < plan->raw->len; k++)
    {
      const Link *l = &g_array_index (plan->raw, Link, k);

      if (plan->matched[l->old_index] || plan->matched[n_old + l->new_index] ||
          old_share (plan, l) < SAME_SHARE || new_share (plan, l) < SAME_SHARE ||
          !same_key (plan, l, old_bsm, new_bsm))
        continue;
      plan->matched[l->old_index] = plan->matched[n_old + l->new_index] = TRUE;
      add_link (plan, l, same_or_moved (plan, l));
    }
}

typedef struct
{
  GArray *links;   /* Link */
  GArray *olds;    /* guint, distinct */
  GArray *news;
} Component;

static void
component_free (Component *c)
{
  g_array_unref (c->links);
  g_array_unref (c->olds);
  g_array_unref (c->news);
  g_free (c);
}

static void
add_distinct (GArray *array,
              guint   value)
{
  for (guint i = 0; i < array->len; i++)
    if (g_array_index (array, guint, i) == value)
      return;
  g_array_append_val (array, value);
}

static MqLineage
classify (Plan      *plan,
          Component *c)
{
  double sum_old = 0, sum_new = 0;
  gboolean inside_old = TRUE, inside_new = TRUE;

  for (guint k = 0; k < c->links->len; k++)
    {
      const Link *l = &g_array_index (c->links, Link, k);

      sum_old += old_share (plan, l);
      sum_new += new_share (plan, l);
      inside_old = inside_old && new_share (plan, l) >= SAME_SHARE;
      inside_new = inside_new && old_share (plan, l) >= SAME_SHARE;
    }
  if (c->olds->len == 1 && c->news->len == 1)
    {
      const Link *l = &g_array_index (c->links, Link, 0);

      if (same_key (plan, l, -1, -1))
        return MQ_LINEAGE_BOUNDARY;
      return old_share (plan, l) >= SAME_SHARE && new_share (plan, l) >= SAME_SHARE
               ? MQ_LINEAGE_RENUMBERED : MQ_LINEAGE_RESHAPED;
    }
  /* Each part inside its parent, and the parts cover it. */
  if (c->olds->len == 1 && inside_old && sum_old >= SAME_SHARE)
    return MQ_LINEAGE_SPLIT;
  if (c->news->len == 1 && inside_new && sum_new >= SAME_SHARE)
    return MQ_LINEAGE_MERGE;
  return MQ_LINEAGE_RESHAPED;
}

/* Pass 2: what is left, by the land shared: connected groups of old and new
 * parcels, each judged by the rules. */
static void
match_by_overlap (Plan *plan)
{
  guint n_old = mq_parcels_get_n_parcels (plan->old);
  guint n_new = mq_parcels_get_n_parcels (plan->new);
  g_autoptr(GHashTable) groups = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) component_free);
  g_autoptr(GList) roots = NULL;

  for (guint k = 0; k < n_old + n_new; k++)
    plan->parent[k] = k;
  for (guint k = 0; k < plan->raw->len; k++)
    {
      const Link *l = &g_array_index (plan->raw, Link, k);

      if (!plan->matched[l->old_index] && !plan->matched[n_old + l->new_index])
        plan->parent[find_root (plan, l->old_index)] = find_root (plan, n_old + l->new_index);
    }
  for (guint k = 0; k < plan->raw->len; k++)
    {
      const Link *l = &g_array_index (plan->raw, Link, k);
      guint root;
      Component *c;

      if (plan->matched[l->old_index] || plan->matched[n_old + l->new_index])
        continue;
      root = find_root (plan, l->old_index);
      if ((c = g_hash_table_lookup (groups, GUINT_TO_POINTER (root + 1))) == NULL)
        {
          c = g_new0 (Component, 1);
          c->links = g_array_new (FALSE, FALSE, sizeof (Link));
          c->olds = g_array_new (FALSE, FALSE, sizeof (guint));
          c->news = g_array_new (FALSE, FALSE, sizeof (guint));
          g_hash_table_insert (groups, GUINT_TO_POINTER (root + 1), c);
        }
      g_array_append_val (c->links, *l);
      add_distinct (c->olds, l->old_index);
      add_distinct (c->news, l->new_index);
    }
  roots = g_hash_table_get_values (groups);
  for (GList *r = roots; r != NULL; r = r->next)
    {
      Component *c = r->data;
      MqLineage relation = classify (plan, c);

      for (guint k = 0; k < c->links->len; k++)
        {
          const Link *l = &g_array_index (c->links, Link, k);

          plan->matched[l->old_index] = plan->matched[n_old + l->new_index] = TRUE;
          add_link (plan, l, relation);
        }
    }
  for (guint i = 0; i < n_old; i++)
    if (!plan->matched[i])
      {
        MqLineageLink gone = { i, MQ_NO_PARCEL, MQ_LINEAGE_GONE, 0, 0, 0 };

        g_array_append_val (plan->self->links, gone);
      }
  for (guint j = 0; j < n_new; j++)
    if (!plan->matched[n_old + j])
      {
        MqLineageLink fresh = { MQ_NO_PARCEL, j, MQ_LINEAGE_NEW, 0, 0, 0 };

        g_array_append_val (plan->self->links, fresh);
        g_array_index (plan->self->new_relation, guint8, j) = MQ_LINEAGE_NEW;
      }
}

static const char *
link_id (MqSurveyUpdate      *self,
         const MqLineageLink *l)
{
  MqParcels *parcels = mq_dataset_get_parcels (l->old_index != MQ_NO_PARCEL ? self->project : self->survey);
  const char *id = mq_parcels_get (parcels, l->old_index != MQ_NO_PARCEL ? l->old_index : l->new_index)->id;

  return id ? id : "";
}

static int
compare_links (gconstpointer a,
               gconstpointer b,
               gpointer      data)
{
  const MqLineageLink *x = a, *y = b;

  if (x->relation != y->relation)
    return (int) x->relation - (int) y->relation;
  return g_strcmp0 (link_id (data, x), link_id (data, y));
}

/* ---- what goes with each parcel ---- */

/* The old parcels a new one came from, the one sharing the most land first. */
static GArray *
parents_of (MqSurveyUpdate *self,
            guint           new_index)
{
  GArray *parents = g_array_new (FALSE, FALSE, sizeof (MqLineageLink));

  for (guint k = self->parents_start[new_index]; k < self->parents_start[new_index + 1]; k++)
    g_array_append_val (parents, g_array_index (self->links, MqLineageLink,
                                                g_array_index (self->parents, guint, k)));
  return parents;
}

static int
by_new_then_overlap (gconstpointer a,
                     gconstpointer b,
                     gpointer      data)
{
  const MqLineageLink *x = &g_array_index ((GArray *) data, MqLineageLink, *(const guint *) a);
  const MqLineageLink *y = &g_array_index ((GArray *) data, MqLineageLink, *(const guint *) b);

  if (x->new_index != y->new_index)
    return x->new_index < y->new_index ? -1 : 1;
  return (x->overlap_m2 < y->overlap_m2) - (x->overlap_m2 > y->overlap_m2);
}

/* Each new parcel's links to old ones, found once: looking them up by a
 * scan of every link for every parcel would be quadratic in a cadastre. */
static void
index_parents (MqSurveyUpdate *self)
{
  guint n_new = self->new_relation->len;

  self->parents = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint k = 0; k < self->links->len; k++)
    if (g_array_index (self->links, MqLineageLink, k).old_index != MQ_NO_PARCEL &&
        g_array_index (self->links, MqLineageLink, k).new_index != MQ_NO_PARCEL)
      g_array_append_val (self->parents, k);
  g_array_sort_with_data (self->parents, by_new_then_overlap, self->links);
  self->parents_start = g_new0 (guint, n_new + 1);
  for (guint k = 0; k < self->parents->len; k++)
    self->parents_start[g_array_index (self->links, MqLineageLink,
                                       g_array_index (self->parents, guint, k)).new_index + 1]++;
  for (guint j = 0; j < n_new; j++)
    self->parents_start[j + 1] += self->parents_start[j];
}

char *
_mq_survey_update_dup_parents (MqSurveyUpdate *self,
                               guint           new_index)
{
  g_autoptr(GArray) parents = parents_of (self, new_index);
  MqParcels *old = mq_dataset_get_parcels (self->project);
  GString *ids = g_string_new (NULL);

  for (guint k = 0; k < parents->len; k++)
    {
      const char *id = mq_parcels_get (old, g_array_index (parents, MqLineageLink, k).old_index)->id;

      g_string_append_printf (ids, "%s%s", k ? "、" : "", id ? id : "?");
    }
  return g_string_free (ids, FALSE);
}

static GStrv
status_of (MqParcels *parcels,
           guint      index)
{
  GStrv values = g_new0 (char *, MQ_N_FIELDS + 1);

  for (guint f = 0; f < MQ_N_FIELDS; f++)
    if (mq_field_is_editable (f))
      {
        values[f] = mq_parcel_dup_field_text (mq_parcels_get (parcels, index), f);
        if (values[f] == NULL)
          values[f] = g_strdup ("");
      }
  return values;
}

/* Not g_strfreev() or g_strdupv(): the survey's own fields are NULL among
 * the values. */
static void
free_status (GStrv values)
{
  for (guint f = 0; values != NULL && f < MQ_N_FIELDS; f++)
    g_free (values[f]);
  g_free (values);
}

static GStrv
copy_status (GStrv status)
{
  GStrv values = g_new0 (char *, MQ_N_FIELDS + 1);

  for (guint f = 0; f < MQ_N_FIELDS; f++)
    values[f] = g_strdup (status[f]);
  return values;
}

static void
mark_review (GStrv       values,
             const char *why)
{
  const char *notes = values[MQ_FIELD_NOTES] ? values[MQ_FIELD_NOTES] : "";
  char *marked = *notes ? g_strdup_printf ("%s%s；%s", MQ_REVIEW_MARK, why, notes)
                        : g_strdup_printf ("%s%s", MQ_REVIEW_MARK, why);

  g_free (values[MQ_FIELD_NOTES]);
  values[MQ_FIELD_NOTES] = marked;
}

/* A lock and its date go together: a lock the parents disagree on, or its
 * date, is not held. */
static void
drop_lock (GStrv   values,
           MqField field)
{
  guint k = field >= MQ_FIELD_LOCK_PARCEL_DATE ? field - MQ_FIELD_LOCK_PARCEL_DATE
                                                : field - MQ_FIELD_LOCK_PARCEL;

  g_free (values[MQ_FIELD_LOCK_PARCEL + k]);
  values[MQ_FIELD_LOCK_PARCEL + k] = g_strdup ("0");
  g_free (values[MQ_FIELD_LOCK_PARCEL_DATE + k]);
  values[MQ_FIELD_LOCK_PARCEL_DATE + k] = g_strdup ("");
}

/* A lock every parent holds is held, from the latest of their dates (the
 * merged land is locked whole only since then); a lock some do not hold is
 * not, and any other value they disagree on is left empty. */
static void
settle (GStrv                  values,
        const MqMergeConflict *c)
{
  gboolean is_date = c->field >= MQ_FIELD_LOCK_PARCEL_DATE && c->field <= MQ_FIELD_LOCK_OWNER_DATE;
  gboolean is_lock = c->field >= MQ_FIELD_LOCK_PARCEL && c->field <= MQ_FIELD_LOCK_OWNER;

  if (is_date && g_strcmp0 (values[c->field - MQ_FIELD_LOCK_PARCEL_DATE + MQ_FIELD_LOCK_PARCEL],
                            "1") == 0)
    {
      const char *latest = "";

      for (guint k = 0; c->values[k] != NULL; k++)
        if (g_strcmp0 (c->values[k], latest) > 0)
          latest = c->values[k];
      g_free (values[c->field]);
      values[c->field] = g_strdup (latest);
    }
  else if (is_lock || is_date)
    drop_lock (values, c->field);
  else
    {
      g_free (values[c->field]);
      values[c->field] = g_strdup ("");
    }
}

static gpointer
choice_key (guint   new_index,
            MqField field)
{
  return GSIZE_TO_POINTER ((gsize) new_index * MQ_N_FIELDS + field + 1);
}

/* A parent's value kept; a lock goes with its date, both from the parent
 * chosen (a held lock is dated, an open one is not). */
static void
keep_parent (GStrv   values,
             GStrv   parent,
             MqField field)
{
  gboolean is_lock = field >= MQ_FIELD_LOCK_PARCEL && field <= MQ_FIELD_LOCK_OWNER;
  gboolean is_date = field >= MQ_FIELD_LOCK_PARCEL_DATE && field <= MQ_FIELD_LOCK_OWNER_DATE;

  g_free (values[field]);
  values[field] = g_strdup (parent[field]);
  if (is_lock || is_date)
    {
      guint k = is_lock ? field - MQ_FIELD_LOCK_PARCEL : field - MQ_FIELD_LOCK_PARCEL_DATE;
      MqField other = is_lock ? MQ_FIELD_LOCK_PARCEL_DATE + k : MQ_FIELD_LOCK_PARCEL + k;

      g_free (values[other]);
      values[other] = g_strdup (parent[other]);
    }
}

static void
conflict_free (MqMergeConflict *c)
{
  g_strfreev (c->parents);
  g_strfreev (c->values);
  g_free (c);
}

/* What the land adds up to (mq_field_is_additive()) follows the land: a
 * split part gets its share, a merged parcel the sum — the same per mu. */
static void
set_figure (GStrv   values,
            MqField field,
            double  value)
{
  g_free (values[field]);
  values[field] = mq_figure_format (value);
}

/* The parents' sum, when every one of them has the figure. */
static gboolean
sum_figures (GStrv      values,
             MqField    field,
             GPtrArray *each)
{
  double sum = 0, v;

  for (guint k = 0; k < each->len; k++)
    {
      const char *text = ((GStrv) g_ptr_array_index (each, k))[field];

      if (text == NULL || *text == '\0' || !mq_figure_parse (text, &v))
        return FALSE;
      sum += v;
    }
  set_figure (values, field, sum);
  return TRUE;
}

static void
share_figures (GStrv  values,
               double share)
{
  for (guint f = 0; f < MQ_N_FIELDS; f++)
    {
      double v;

      if (mq_field_is_additive (f) && values[f] != NULL && *values[f] != '\0' &&
          mq_figure_parse (values[f], &v))
        set_figure (values, f, mq_figure_share (v, share));
    }
}

static GStrv
carry_merge (MqSurveyUpdate *self,
             guint           new_index)
{
  MqParcels *old = mq_dataset_get_parcels (self->project);
  g_autoptr(GArray) parents = parents_of (self, new_index);
  g_autoptr(GPtrArray) each = g_ptr_array_new_with_free_func ((GDestroyNotify) free_status);
  g_autofree char *ids = _mq_survey_update_dup_parents (self, new_index);
  g_autofree char *why = g_strdup_printf (_("merged from %s (survey update)"), ids);
  GStrv values;
  GString *notes = g_string_new (NULL);

  for (guint k = 0; k < parents->len; k++)
    g_ptr_array_add (each, status_of (old, g_array_index (parents, MqLineageLink, k).old_index));
  values = copy_status (g_ptr_array_index (each, 0));
  for (guint f = 0; f < MQ_N_FIELDS; f++)
    {
      gboolean agree = TRUE;
      MqMergeConflict *c;

      if (!mq_field_is_editable (f) || f == MQ_FIELD_NOTES)
        continue;
      for (guint k = 1; k < each->len; k++)
        agree = agree && g_strcmp0 (((GStrv) g_ptr_array_index (each, k))[f], values[f]) == 0;
      /* Two parcels of 1000 m² each make 2000 m², however equal they were. */
      if ((mq_field_is_additive (f) && sum_figures (values, f, each)) || agree)
        continue;
      c = g_new0 (MqMergeConflict, 1);
      c->new_index = new_index;
      c->field = f;
      c->chosen = GPOINTER_TO_INT (g_hash_table_lookup (self->choices, choice_key (new_index, f))) - 1;
      c->parents = g_new0 (char *, each->len + 1);
      c->values = g_new0 (char *, each->len + 1);
      for (guint k = 0; k < each->len; k++)
        {
          const char *id = mq_parcels_get (old, g_array_index (parents, MqLineageLink, k).old_index)->id;

          c->parents[k] = g_strdup (id ? id : "?");
          c->values[k] = g_strdup (((GStrv) g_ptr_array_index (each, k))[f]);
        }
      g_ptr_array_add (self->conflicts, c);
      g_string_append_printf (notes, "%s%s", notes->len ? "、" : "", mq_field_label (f));
    }
  /* Unless the largest parent's status is to be taken, what they disagree
   * on is not held (asked, the same preview until the user chooses). */
  for (guint k = 0; self->policy != MQ_MERGE_LARGEST && k < self->conflicts->len; k++)
    {
      MqMergeConflict *c = g_ptr_array_index (self->conflicts, k);

      if (c->new_index == new_index)
        settle (values, c);
    }
  /* What the user chose, value by value, over the policy. */
  for (guint k = 0; k < self->conflicts->len; k++)
    {
      MqMergeConflict *c = g_ptr_array_index (self->conflicts, k);

      if (c->new_index == new_index && c->chosen >= 0 && (guint) c->chosen < each->len)
        keep_parent (values, g_ptr_array_index (each, c->chosen), c->field);
    }
  /* Every parent's notes are kept. */
  g_free (values[MQ_FIELD_NOTES]);
  values[MQ_FIELD_NOTES] = NULL;
  for (guint k = 0; k < each->len; k++)
    {
      const char *n = ((GStrv) g_ptr_array_index (each, k))[MQ_FIELD_NOTES];

      if (n && *n && (values[MQ_FIELD_NOTES] == NULL || strstr (values[MQ_FIELD_NOTES], n) == NULL))
        {
          char *joined = values[MQ_FIELD_NOTES] ? g_strconcat (values[MQ_FIELD_NOTES], "；", n, NULL)
                                                : g_strdup (n);

          g_free (values[MQ_FIELD_NOTES]);
          values[MQ_FIELD_NOTES] = joined;
        }
    }
  if (notes->len > 0)
    {
      char *more = g_strdup_printf (_("%s; they differ in %s"), why, notes->str);

      g_free (why);
      why = more;
    }
  g_string_free (notes, TRUE);
  mark_review (values, why);
  return values;
}

static GStrv
carry (MqSurveyUpdate *self,
       guint           new_index)
{
  MqLineage relation = g_array_index (self->new_relation, guint8, new_index);
  g_autoptr(GArray) parents = parents_of (self, new_index);
  g_autofree char *ids = NULL;
  g_autofree char *why = NULL;
  GStrv values;

  if (relation == MQ_LINEAGE_NEW)
    return NULL;
  if (relation == MQ_LINEAGE_MERGE)
    return carry_merge (self, new_index);
  ids = _mq_survey_update_dup_parents (self, new_index);
  if (relation == MQ_LINEAGE_RESHAPED)
    {
      /* Nothing is guessed: the survey's own status, and a note. */
      values = g_new0 (char *, MQ_N_FIELDS + 1);
      values[MQ_FIELD_NOTES] = mq_parcel_dup_field_text (mq_parcels_get (mq_dataset_get_parcels (self->survey),
                                                                        new_index), MQ_FIELD_NOTES);
      why = g_strdup_printf (_("overlaps %s, fits no rule: its status was not carried (survey update)"), ids);
      mark_review (values, why);
      return values;
    }
  values = status_of (mq_dataset_get_parcels (self->project),
                      g_array_index (parents, MqLineageLink, 0).old_index);
  if (relation == MQ_LINEAGE_SPLIT)
    {
      why = g_strdup_printf (_("split from %s (survey update)"), ids);
      mark_review (values, why);
      share_figures (values, g_array_index (parents, MqLineageLink, 0).old_share);
    }
  return values;
}

/* What every new parcel carries, and the merges' conflicts, anew. */
static void
carry_all (MqSurveyUpdate *self)
{
  g_ptr_array_set_size (self->carried, 0);
  g_ptr_array_set_size (self->conflicts, 0);
  for (guint j = 0; j < self->new_relation->len; j++)
    g_ptr_array_add (self->carried, carry (self, j));
}

/**
 * mq_survey_update_set_policy:
 *
 * What a merged parcel keeps where its parents disagree, chosen after the
 * preview showed the conflicts: the carried values are worked out again.
 */
void
mq_survey_update_set_policy (MqSurveyUpdate *self,
                             MqMergePolicy   policy)
{
  if (self->policy == policy)
    return;
  self->policy = policy;
  carry_all (self);
}

MqMergePolicy
mq_survey_update_get_policy (MqSurveyUpdate *self)
{
  return self->policy;
}

/**
 * mq_survey_update_choose:
 * @conflict: its index in mq_survey_update_get_conflicts()
 * @parent: which of its parents' values the merged parcel keeps, or -1 for
 *   the policy's
 *
 * The user's answer to one conflict: the carried values are worked out
 * again (the conflicts keep their order).
 */
void
mq_survey_update_choose (MqSurveyUpdate *self,
                         guint           conflict,
                         int             parent)
{
  const MqMergeConflict *c;

  g_return_if_fail (conflict < self->conflicts->len);
  c = g_ptr_array_index (self->conflicts, conflict);
  if (parent < 0)
    g_hash_table_remove (self->choices, choice_key (c->new_index, c->field));
  else
    g_hash_table_insert (self->choices, choice_key (c->new_index, c->field), GINT_TO_POINTER (parent + 1));
  carry_all (self);
}

/* The conflicts that still wait for an answer: none once a policy is
 * chosen, else those the user has not answered one by one. */
guint
mq_survey_update_get_n_unresolved (MqSurveyUpdate *self)
{
  guint n = 0;

  if (self->policy != MQ_MERGE_ASK)
    return 0;
  for (guint k = 0; k < self->conflicts->len; k++)
    n += ((MqMergeConflict *) g_ptr_array_index (self->conflicts, k))->chosen < 0;
  return n;
}

static void
count (MqSurveyUpdate *self)
{
  MqParcels *old = mq_dataset_get_parcels (self->project);
  MqParcels *new = mq_dataset_get_parcels (self->survey);
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);

  for (guint k = 0; k < self->links->len; k++)
    {
      const MqLineageLink *l = &g_array_index (self->links, MqLineageLink, k);
      MqLineageTotal *t = &self->totals[l->relation];

      /* Old parcels count once in their class, new ones once in theirs. */
      if (l->old_index != MQ_NO_PARCEL && g_hash_table_add (seen, GUINT_TO_POINTER (2 * l->old_index + 1)))
        {
          t->n_old++;
          t->old_mu += mq_parcels_get (old, l->old_index)->area_m2 / MQ_M2_PER_MU;
        }
      if (l->new_index != MQ_NO_PARCEL && g_hash_table_add (seen, GUINT_TO_POINTER (2 * l->new_index + 2)))
        {
          t->n_new++;
          t->new_mu += mq_parcels_get (new, l->new_index)->area_m2 / MQ_M2_PER_MU;
        }
    }
}

/**
 * mq_survey_update_plan:
 * @project: the project's parcels as they stand
 * @survey: the new survey's
 *
 * Matches them and works out what each new parcel carries. Nothing is
 * written.
 */
MqSurveyUpdate *
mq_survey_update_plan (MqDataset      *project,
                       MqDataset      *survey,
                       MqMergePolicy   policy,
                       GError        **error)
{
  g_autoptr(MqSurveyUpdate) self = g_new0 (MqSurveyUpdate, 1);
  OGRCoordinateTransformationH transform = mq_crs_new_transform_wkt (mq_dataset_get_display_wkt (survey),
                                                                     mq_dataset_get_display_wkt (project));
  guint n_old, n_new;
  Plan plan = { self, mq_dataset_get_parcels (project), mq_dataset_get_parcels (survey) };

  self->project = g_object_ref (project);
  self->survey = g_object_ref (survey);
  self->policy = policy;
  self->links = g_array_new (FALSE, FALSE, sizeof (MqLineageLink));
  self->conflicts = g_ptr_array_new_with_free_func ((GDestroyNotify) conflict_free);
  self->choices = g_hash_table_new (NULL, NULL);
  self->carried = g_ptr_array_new_with_free_func ((GDestroyNotify) free_status);
  n_old = mq_parcels_get_n_parcels (plan.old);
  n_new = mq_parcels_get_n_parcels (plan.new);
  if (n_new == 0)
    {
      g_set_error (error, MQ_SURVEY_UPDATE_ERROR, MQ_SURVEY_UPDATE_ERROR_NOT_A_PROJECT,
                   _("%s: the new survey has no parcels"), mq_dataset_get_path (survey));
      return NULL;
    }
  self->new_relation = g_array_set_size (g_array_new (FALSE, TRUE, sizeof (guint8)), n_new);
  plan.raw = g_array_new (FALSE, FALSE, sizeof (Link));
  plan.parent = g_new (guint, n_old + n_new);
  plan.matched = g_new0 (gboolean, n_old + n_new);
  find_links (&plan, transform);
  match_by_key (&plan);
  match_by_overlap (&plan);
  g_array_sort_with_data (self->links, compare_links, self);
  index_parents (self);
  carry_all (self);
  count (self);
  if (transform != NULL)
    OCTDestroyCoordinateTransformation (transform);
  g_array_unref (plan.raw);
  g_free (plan.parent);
  g_free (plan.matched);
  return g_steal_pointer (&self);
}

void
mq_survey_update_free (MqSurveyUpdate *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->project);
  g_clear_object (&self->survey);
  g_clear_pointer (&self->links, g_array_unref);
  g_clear_pointer (&self->conflicts, g_ptr_array_unref);
  g_clear_pointer (&self->choices, g_hash_table_unref);
  g_clear_pointer (&self->carried, g_ptr_array_unref);
  g_clear_pointer (&self->new_relation, g_array_unref);
  g_clear_pointer (&self->parents, g_array_unref);
  g_clear_pointer (&self->parents_start, g_free);
  if (self->tmp_dir != NULL)
    mq_output_remove_dir (self->tmp_dir);
  g_free (self->tmp_dir);
  g_free (self->survey_file);
  g_free (self);
}

MqDataset *
mq_survey_update_get_project (MqSurveyUpdate *self)
{
  return self->project;
}

MqDataset *
mq_survey_update_get_survey (MqSurveyUpdate *self)
{
  return self->survey;
}

/* The new survey as the user named it. */
const char *
mq_survey_update_get_survey_path (MqSurveyUpdate *self)
{
  return mq_dataset_get_path (self->survey);
}

guint
mq_survey_update_get_n_links (MqSurveyUpdate *self)
{
  return self->links->len;
}

const MqLineageLink *
mq_survey_update_get_link (MqSurveyUpdate *self,
                           guint           i)
{
  g_return_val_if_fail (i < self->links->len, NULL);
  return &g_array_index (self->links, MqLineageLink, i);
}

MqLineageTotal
mq_survey_update_get_total (MqSurveyUpdate *self,
                            MqLineage       relation)
{
  g_return_val_if_fail (relation < MQ_N_LINEAGES, (MqLineageTotal) { 0 });
  return self->totals[relation];
}

/**
 * mq_survey_update_get_conflicts:
 *
 * Returns: (transfer none) (element-type MqMergeConflict): what merged
 *   parcels' parents disagree on
 */
GPtrArray *
mq_survey_update_get_conflicts (MqSurveyUpdate *self)
{
  return self->conflicts;
}

/* The text the new parcel gets for @field, or NULL: the survey's own. */
const char *
mq_survey_update_get_carried (MqSurveyUpdate *self,
                              guint           new_index,
                              MqField         field)
{
  GStrv values;

  g_return_val_if_fail (new_index < self->carried->len && field < MQ_N_FIELDS, NULL);
  values = g_ptr_array_index (self->carried, new_index);
  return values ? values[field] : NULL;
}

gboolean
mq_survey_update_is_carried (MqSurveyUpdate *self,
                             guint           new_index)
{
  g_return_val_if_fail (new_index < self->carried->len, FALSE);
  return g_ptr_array_index (self->carried, new_index) != NULL;
}
