/* test-map.c — viewport maths, the spatial index, hit-testing and the
 * renderer's pixels, without GTK.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gdal.h>
#include <glib/gstdio.h>
#include <math.h>
#include <utime.h>
#include <stdlib.h>
#include <string.h>

#include "corpus/corpus-cases.h"
#include "mq-core.h"
#include "mq-furniture.h"
#include "mq-performance.h"
#include "mq-renderer.h"
#include "mq-style.h"
#include "test-util.h"

static MqDataset *sample;

static void
test_viewport_round_trip (void)
{
  g_autoptr(MqViewport) vp = mq_viewport_new ();
  double sx, sy, mx, my;

  mq_viewport_set_size (vp, 800, 600);
  mq_viewport_set_center (vp, 628000, 3432000);
  mq_viewport_set_resolution (vp, 2.5);
  mq_viewport_map_to_screen (vp, 628100, 3431900, &sx, &sy);
  g_assert_cmpfloat_with_epsilon (sx, 440, 1e-9);
  g_assert_cmpfloat_with_epsilon (sy, 340, 1e-9);
  mq_viewport_screen_to_map (vp, sx, sy, &mx, &my);
  g_assert_cmpfloat_with_epsilon (mx, 628100, 1e-6);
  g_assert_cmpfloat_with_epsilon (my, 3431900, 1e-6);
}

/* Zooming about a point keeps that point where it is on the screen. */
static void
test_viewport_zoom_about_point (void)
{
  g_autoptr(MqViewport) vp = mq_viewport_new ();
  double before_x, before_y, after_x, after_y;

  mq_viewport_set_size (vp, 800, 600);
  mq_viewport_set_center (vp, 628000, 3432000);
  mq_viewport_set_resolution (vp, 4);
  mq_viewport_screen_to_map (vp, 123, 456, &before_x, &before_y);
  mq_viewport_zoom_at (vp, 2.7, 123, 456);
  g_assert_cmpfloat_with_epsilon (mq_viewport_get_resolution (vp), 4 / 2.7, 1e-12);
  mq_viewport_screen_to_map (vp, 123, 456, &after_x, &after_y);
  g_assert_cmpfloat_with_epsilon (after_x, before_x, 1e-6);
  g_assert_cmpfloat_with_epsilon (after_y, before_y, 1e-6);
  /* Zoom limits hold. */
  for (int i = 0; i < 100; i++)
    mq_viewport_zoom_at (vp, 10, 400, 300);
  g_assert_cmpfloat (mq_viewport_get_resolution (vp), >=, 0.02);
}

/* The index finds exactly what a brute-force scan finds. */
static void
test_index_matches_scan (void)
{
  MqParcels *parcels = mq_dataset_get_parcels (sample);
  const MqShapes *shapes = mq_parcels_get_shapes (parcels);
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);
  MqBox extent;

  mq_shapes_get_extent (shapes, &extent);
  for (int q = 0; q < 200; q++)
    {
      double x = g_rand_double_range (rand, extent.min_x, extent.max_x);
      double y = g_rand_double_range (rand, extent.min_y, extent.max_y);
      double r = g_rand_double_range (rand, 1, 800);
      MqBox box = { x - r, y - r, x + r, y + r };
      g_autoptr(GArray) found = mq_spatial_index_query (mq_parcels_get_index (parcels), &box);
      guint expected = 0;

      for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
        {
          MqBox b = mq_shapes_get_bbox (shapes, i);

          expected += mq_box_intersects (&box, &b);
        }
      g_assert_cmpuint (found->len, ==, expected);
    }
}

/* A point in a hole is not in the parcel; a point in its ring is. */
static void
test_hit_test_hole (void)
{
  g_autofree char *path = test_corpus_file ("geometry.shp");
  g_autoptr(MqDataset) d = mq_dataset_load (path, NULL, NULL, NULL);
  MqParcels *parcels = mq_dataset_get_parcels (d);
  int in_ring = mq_parcels_hit_test (parcels, CORPUS_X0 + 1020, CORPUS_Y0 + 20);
  int in_hole = mq_parcels_hit_test (parcels, CORPUS_X0 + 1075, CORPUS_Y0 + 75);

  g_assert_cmpint (in_ring, >=, 0);
  g_assert_cmpstr (mq_parcels_get (parcels, in_ring)->id, ==, "G07-with-hole");
  g_assert_cmpint (in_hole, ==, -1);
  g_assert_cmpint (mq_parcels_hit_test (parcels, CORPUS_X0 - 5000, CORPUS_Y0), ==, -1);
}

static guint32
pixel (cairo_surface_t *s,
       double           x,
       double           y)
{
  const guint8 *data = cairo_image_surface_get_data (s);

  return *(const guint32 *) (data + (int) y * cairo_image_surface_get_stride (s) + (int) x * 4) & 0xffffff;
}

static guint32
rgb_hex (const MqRgb *c)
{
  return (guint32) (c->r * 255 + 0.5) << 16 | (guint32) (c->g * 255 + 0.5) << 8 | (guint32) (c->b * 255 + 0.5);
}

/* Renders the sample zoomed on one parcel and returns a pixel near its
 * middle. */
static guint32
render_parcel_centre (MqRenderer *renderer,
                      guint       index,
                      MqViewport *vp)
{
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 400, 300);
  cairo_t *cr = cairo_create (s);
  const MqShapes *shapes = mq_parcels_get_shapes (mq_dataset_get_parcels (sample));
  MqBox bbox;
  double sx, sy, cx, cy;
  guint32 px;

  mq_viewport_set_size (vp, 400, 300);
  bbox = mq_shapes_get_bbox (shapes, index);
  mq_viewport_fit (vp, &bbox, 60);
  mq_viewport_get_center (vp, &cx, &cy);
  mq_viewport_map_to_screen (vp, cx, cy, &sx, &sy);
  mq_renderer_draw (renderer, cr, vp);
  cairo_surface_flush (s);
  /* A little above the middle: the parcel's id label sits on the middle. */
  px = pixel (s, sx, sy - 30);
  cairo_destroy (cr);
  cairo_surface_destroy (s);
  return px;
}

/* The first flagged parcel, rectangular enough that its box centre is inside. */
static guint
flagged_parcel (void)
{
  MqParcels *parcels = mq_dataset_get_parcels (sample);
  const MqShapes *shapes = mq_parcels_get_shapes (parcels);

  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    {
      const MqParcel *p = mq_parcels_get (parcels, i);
      const MqBox b = mq_shapes_get_bbox (shapes, i);

      if (p->flagged && !mq_parcel_is_overdue (p, mq_today ()) && p->problems == 0 &&
          mq_parcels_hit_test (parcels, (b.min_x + b.max_x) / 2, (b.min_y + b.max_y) / 2) == (int) i)
        return i;
    }
  g_error ("no flagged parcel");
}

/* The colour inside a parcel is its theme colour, and changes with its locks. */
static void
test_renderer_theme_colour (void)
{
  g_autoptr(MqRenderer) renderer = mq_renderer_new ();
  g_autoptr(MqViewport) vp = mq_viewport_new ();
  guint index = flagged_parcel ();
  MqParcel *p = (MqParcel *) mq_parcels_get (mq_dataset_get_parcels (sample), index);
  guint8 saved = p->locks;
  MqRgb expected;

  mq_renderer_set_dataset (renderer, sample);
  mq_renderer_set_furniture (renderer, FALSE);
  mq_style_locks_color (mq_parcel_get_locks_held (p), &expected);
  g_assert_cmphex (render_parcel_centre (renderer, index, vp), ==, rgb_hex (&expected));
  /* Its locks change: so does its colour. */
  p->locks = saved == 0xf ? 0 : 0xf;
  mq_style_locks_color (mq_parcel_get_locks_held (p), &expected);
  g_assert_cmphex (render_parcel_centre (renderer, index, vp), ==, rgb_hex (&expected));
  p->locks = saved;
  /* Another theme, another colour. */
  mq_renderer_set_theme (renderer, MQ_THEME_METHOD);
  mq_style_method_color (p->method, &expected);
  g_assert_cmphex (render_parcel_centre (renderer, index, vp), ==, rgb_hex (&expected));
}

/* The performance themes: a parcel in its class's colour, the tax one by
 * the class of its 亩均税收 (computed from its land, not stored). */
static void
test_renderer_performance_colour (void)
{
  g_autoptr(MqRenderer) renderer = mq_renderer_new ();
  g_autoptr(MqViewport) vp = mq_viewport_new ();
  MqParcels *parcels = mq_dataset_get_parcels (sample);
  const MqShapes *shapes = mq_parcels_get_shapes (parcels);
  guint index = G_MAXUINT;
  const MqParcel *p;
  MqRgb expected;

  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels) && index == G_MAXUINT; i++)
    {
      const MqBox b = mq_shapes_get_bbox (shapes, i);

      p = mq_parcels_get (parcels, i);
      if (p->details->grade == MQ_GRADE_D && p->problems == 0 && !mq_parcel_is_overdue (p, mq_today ()) &&
          !mq_parcel_is_due_soon (p, mq_today ()) &&
          mq_parcels_hit_test (parcels, (b.min_x + b.max_x) / 2, (b.min_y + b.max_y) / 2) == (int) i)
        index = i;
    }
  g_assert_cmpuint (index, !=, G_MAXUINT);
  p = mq_parcels_get (parcels, index);
  mq_renderer_set_dataset (renderer, sample);
  mq_renderer_set_furniture (renderer, FALSE);
  mq_renderer_set_theme (renderer, MQ_THEME_GRADE);
  mq_style_grade_color (MQ_GRADE_D, &expected);
  g_assert_cmphex (render_parcel_centre (renderer, index, vp), ==, rgb_hex (&expected));
  mq_renderer_set_theme (renderer, MQ_THEME_TAX_PER_MU);
  g_assert_cmpint (mq_tax_class (mq_parcel_tax_per_mu (p)), >=, 0);
  mq_style_parcel_fill (MQ_THEME_TAX_PER_MU, p, &expected);
  g_assert_cmphex (render_parcel_centre (renderer, index, vp), ==, rgb_hex (&expected));
  /* Not the colour of no figure, nor of another class. */
  g_assert_cmphex (rgb_hex (&expected), !=, rgb_hex (&mq_style_muted));
}

/* Far away from every parcel, only paper is drawn. */
static void
test_renderer_outside_view (void)
{
  g_autoptr(MqRenderer) renderer = mq_renderer_new ();
  g_autoptr(MqViewport) vp = mq_viewport_new ();
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 200, 200);
  cairo_t *cr = cairo_create (s);
  guint32 paper = 0;

  mq_renderer_set_dataset (renderer, sample);
  mq_renderer_set_furniture (renderer, FALSE);
  mq_viewport_set_size (vp, 200, 200);
  mq_viewport_set_center (vp, 500000, 3000000);
  mq_viewport_set_resolution (vp, 1);
  mq_renderer_draw (renderer, cr, vp);
  cairo_surface_flush (s);
  for (int y = 0; y < 200; y += 7)
    for (int x = 0; x < 200; x += 7)
      paper += pixel (s, x, y) == pixel (s, 0, 0);
  g_assert_cmpuint (paper, ==, 29 * 29);
  cairo_destroy (cr);
  cairo_surface_destroy (s);
}

static guint
count_dark (MqRenderer *renderer,
            MqViewport *vp)
{
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 400, 300);
  cairo_t *cr = cairo_create (s);
  guint dark = 0;

  mq_renderer_draw (renderer, cr, vp);
  cairo_surface_flush (s);
  for (int y = 0; y < 300; y++)
    for (int x = 0; x < 400; x++)
      {
        guint32 c = pixel (s, x, y);

        dark += (c >> 16) < 0x40 && ((c >> 8) & 0xff) < 0x40 && (c & 0xff) < 0x40;
      }
  cairo_destroy (cr);
  cairo_surface_destroy (s);
  return dark;
}

/* The selection is drawn: a dark line round the selected parcel. */
static void
test_renderer_selection (void)
{
  g_autoptr(MqRenderer) renderer = mq_renderer_new ();
  g_autoptr(MqViewport) vp = mq_viewport_new ();
  g_autoptr(MqSelection) selection = mq_selection_new ();
  guint index = flagged_parcel ();
  const MqBox b = mq_shapes_get_bbox (mq_parcels_get_shapes (mq_dataset_get_parcels (sample)), index);
  guint without, with;

  mq_renderer_set_dataset (renderer, sample);
  mq_renderer_set_furniture (renderer, FALSE);
  mq_renderer_set_theme (renderer, MQ_THEME_FLAGGED);
  mq_renderer_set_selection (renderer, selection);
  mq_viewport_set_size (vp, 400, 300);
  mq_viewport_fit (vp, &b, 60);
  without = count_dark (renderer, vp);
  mq_selection_select_only (selection, index);
  with = count_dark (renderer, vp);
  g_assert_cmpuint (with, >, without + 300);
}

static guint
count_color (MqRenderer  *renderer,
             MqViewport  *vp,
             const MqRgb *color)
{
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 800, 600);
  cairo_t *cr = cairo_create (s);
  guint32 want = ((guint32) (color->r * 255 + 0.5) << 16) | ((guint32) (color->g * 255 + 0.5) << 8) |
                 (guint32) (color->b * 255 + 0.5);
  guint n = 0;

  mq_renderer_draw (renderer, cr, vp);
  cairo_surface_flush (s);
  for (int y = 0; y < 600; y++)
    for (int x = 0; x < 800; x++)
      n += pixel (s, x, y) == want;
  cairo_destroy (cr);
  cairo_surface_destroy (s);
  return n;
}

/* What a filter leaves out fades, its overdue and due-soon outlines too:
 * the map shows the red of the parcels the filter kept, not of all. */
static void
test_filter_fades_outlines (void)
{
  g_autoptr(MqRenderer) renderer = mq_renderer_new ();
  g_autoptr(MqViewport) vp = mq_viewport_new ();
  guint n = mq_parcels_get_n_parcels (mq_dataset_get_parcels (sample));
  g_autoptr(GBytes) none = g_bytes_new_take (g_malloc0 (n), n);
  MqBox extent;
  guint all, kept;

  mq_renderer_set_dataset (renderer, sample);
  mq_renderer_set_furniture (renderer, FALSE);
  mq_dataset_get_extent (sample, &extent);
  mq_viewport_set_size (vp, 800, 600);
  mq_viewport_fit (vp, &extent, 10);
  all = count_color (renderer, vp, &mq_style_overdue);
  g_assert_cmpuint (all, >, 100);
  mq_renderer_set_shown (renderer, none);
  kept = count_color (renderer, vp, &mq_style_overdue);
  g_assert_cmpuint (kept, ==, 0);
}

/* At a close zoom parcel ids and road names are drawn, and none overlap. */
static void
test_labels_do_not_overlap (void)
{
  g_autoptr(MqRenderer) renderer = mq_renderer_new ();
  g_autoptr(MqViewport) vp = mq_viewport_new ();
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1400, 1000);
  cairo_t *cr = cairo_create (s);
  MqBox close = { 627500, 3431000, 629500, 3432500 };
  GArray *boxes;

  mq_renderer_set_dataset (renderer, sample);
  mq_viewport_set_size (vp, 1400, 1000);
  mq_viewport_fit (vp, &close, 0);
  mq_renderer_draw (renderer, cr, vp);
  boxes = mq_renderer_get_label_boxes (renderer);
  g_assert_cmpuint (boxes->len, >, 50);
  for (guint i = 0; i < boxes->len; i++)
    for (guint j = i + 1; j < boxes->len; j++)
      g_assert_false (mq_box_intersects (&g_array_index (boxes, MqBox, i), &g_array_index (boxes, MqBox, j)));
  cairo_destroy (cr);
  cairo_surface_destroy (s);
}

static void
test_scale_bar_round (void)
{
  g_assert_cmpfloat (mq_furniture_scale_length (3.2, 160), ==, 500);
  g_assert_cmpfloat (mq_furniture_scale_length (1.0, 160), ==, 100);
  g_assert_cmpfloat (mq_furniture_scale_length (0.1, 160), ==, 10);
  g_assert_cmpfloat (mq_furniture_scale_length (9.0, 160), ==, 1000);
}

/* Grid north leans from true north east of the central meridian (120°E):
 * at Maqiao (121.3°E, 31°N) by about 0.68°, true north to the left. */
static void
test_north_angle (void)
{
  double angle = mq_dataset_get_north_angle (sample, 628000, 3432000) * 180 / G_PI;

  g_assert_cmpfloat (angle, <, -0.5);
  g_assert_cmpfloat (angle, >, -0.9);
}

/* The legend's counts are the summary's figures, and follow an edit. */
static void
test_legend_counts (void)
{
  MqParcels *parcels = mq_dataset_get_parcels (sample);
  guint32 today = mq_today ();
  g_autoptr(MqSummary) summary = mq_summary_new (sample, today);
  g_autoptr(GArray) counts = mq_style_legend_counts (MQ_THEME_LOCKS, parcels, today);
  g_autoptr(GArray) after = NULL;
  g_autoptr(MqParcels) next = NULL;
  guint flagged = 0, total = 0, i;
  MqParcel edited;

  for (guint e = 0; e <= MQ_N_LOCKS; e++)
    flagged += g_array_index (counts, guint, e);
  for (guint e = 0; e < counts->len - 3; e++)
    total += g_array_index (counts, guint, e);
  g_assert_cmpuint (flagged, ==, summary->flagged_parcels);
  g_assert_cmpuint (total, ==, mq_parcels_get_n_parcels (parcels));
  g_assert_cmpuint (g_array_index (counts, guint, counts->len - 3), ==, summary->overdue);
  g_assert_cmpuint (g_array_index (counts, guint, counts->len - 1), ==,
                    mq_dataset_get_n_problem_parcels (sample));

  /* One flagged parcel with no lock takes its first: 0 → 1. */
  for (i = 0; !(mq_parcels_get (parcels, i)->flagged && mq_parcels_get (parcels, i)->locks == 0); i++)
    ;
  edited = *mq_parcels_get (parcels, i);
  edited.locks = 1;
  next = mq_parcels_new_generation (parcels);
  mq_parcels_replace (next, i, &edited);
  after = mq_style_legend_counts (MQ_THEME_LOCKS, next, today);
  g_assert_cmpuint (g_array_index (after, guint, 0), ==, g_array_index (counts, guint, 0) - 1);
  g_assert_cmpuint (g_array_index (after, guint, 1), ==, g_array_index (counts, guint, 1) + 1);
  /* The generation before is as it was. */
  g_assert_cmpuint (mq_parcels_get (parcels, i)->locks, ==, 0);
}

static gboolean
contains_folded (const char *text,
                 const char *needle)
{
  g_autofree char *a = text ? g_utf8_casefold (text, -1) : NULL;
  g_autofree char *b = g_utf8_casefold (needle, -1);

  return a != NULL && strstr (a, b) != NULL;
}

/* The search against a plain scan; chips against the parcels' own facts. */
static void
test_filter (void)
{
  MqParcels *parcels = mq_dataset_get_parcels (sample);
  g_autoptr(MqFilter) filter = mq_filter_new ();
  g_autoptr(GArray) hits = NULL;
  g_autofree char *json = NULL;
  guint32 today = mq_today ();
  guint expected = 0, overdue = 0;

  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    {
      const MqParcel *p = mq_parcels_get (parcels, i);

      expected += contains_folded (p->owner, "纺织") || contains_folded (p->details->project, "纺织") ||
                  contains_folded (p->details->entity, "纺织") || contains_folded (p->location, "纺织") ||
                  contains_folded (p->details->investor, "纺织") || contains_folded (p->id, "纺织");
      overdue += mq_parcel_is_overdue (p, today);
    }
  g_assert_cmpuint (expected, >, 0);
  g_object_set (filter, "text", " 纺织 ", NULL);
  hits = mq_filter_dup_matches (filter, sample, today);
  g_assert_cmpuint (hits->len, ==, expected);
  g_clear_pointer (&hits, g_array_unref);

  /* Ids ignore case: "mq08" finds MQ0800–MQ0899. */
  g_object_set (filter, "text", "mq08", NULL);
  hits = mq_filter_dup_matches (filter, sample, today);
  g_assert_cmpuint (hits->len, ==, 100);
  g_clear_pointer (&hits, g_array_unref);

  /* Pinyin initials: "fz" (fang zhi) finds every 纺织 owner; nonsense finds none. */
  g_object_set (filter, "text", "fz", NULL);
  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    if (contains_folded (mq_parcels_get (parcels, i)->owner, "纺织"))
      g_assert_true (mq_filter_matches (filter, sample, i, today));
  g_object_set (filter, "text", "fzyxgs", NULL);   /* 纺织有限公司 */
  hits = mq_filter_dup_matches (filter, sample, today);
  g_assert_cmpuint (hits->len, >, 0);
  for (guint k = 0; k < hits->len; k++)
    g_assert_true (contains_folded (mq_parcels_get (parcels, g_array_index (hits, guint, k))->owner, "有限公司"));
  g_clear_pointer (&hits, g_array_unref);
  g_object_set (filter, "text", "qxqxqx", NULL);
  hits = mq_filter_dup_matches (filter, sample, today);
  g_assert_cmpuint (hits->len, ==, 0);
  g_clear_pointer (&hits, g_array_unref);

  mq_filter_reset (filter);
  g_assert_false (mq_filter_is_active (filter));
  g_object_set (filter, "overdue", TRUE, NULL);
  hits = mq_filter_dup_matches (filter, sample, today);
  g_assert_cmpuint (hits->len, ==, overdue);
  g_clear_pointer (&hits, g_array_unref);

  /* A saved view's filter comes back whole. */
  g_object_set (filter, "locks-held", 2, "method", MQ_METHOD_IN_PLACE, NULL);
  json = mq_filter_to_json (filter);
  mq_filter_reset (filter);
  g_assert_true (mq_filter_set_from_json (filter, json, NULL));
  {
    gboolean o;
    int locks, method;

    g_object_get (filter, "overdue", &o, "locks-held", &locks, "method", &method, NULL);
    g_assert_true (o);
    g_assert_cmpint (locks, ==, 2);
    g_assert_cmpint (method, ==, MQ_METHOD_IN_PLACE);
  }
}

/* The plan: at least 75 % of the incremental industrial land north of 东川路;
 * the sample is made so, and the filter must see it so. */
static void
test_north_of_dongchuan (void)
{
  MqParcels *parcels = mq_dataset_get_parcels (sample);
  double north = 0, all = 0;
  guint flagged_north = 0, flagged = 0;

  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    {
      const MqParcel *p = mq_parcels_get (parcels, i);
      gboolean is_north = mq_dataset_is_north_of_road (sample, i, MQ_DIVIDING_ROAD);

      if (p->land_class == MQ_LAND_CLASS_INCREMENTAL_INDUSTRIAL)
        {
          all += p->area_m2;
          north += is_north ? p->area_m2 : 0;
        }
      flagged += p->flagged;
      flagged_north += p->flagged && is_north;
    }
  g_assert_cmpfloat (all, >, 0);
  g_assert_cmpfloat (north / all, >=, 0.75);
  /* …and the road does divide: parcels lie on both sides. */
  g_assert_cmpuint (flagged_north, <, flagged);
}

/* A filtered summary is the summary of the parcels the filter leaves. */
static void
test_filtered_summary (void)
{
  g_autoptr(MqFilter) filter = mq_filter_new ();
  g_autoptr(MqSummary) all = mq_summary_new (sample, mq_today ());
  g_autoptr(MqSummary) none = NULL;
  g_autoptr(MqSummary) four = NULL;

  none = mq_summary_new_filtered (sample, mq_today (), filter);
  g_assert_cmpuint (none->flagged_parcels, ==, all->flagged_parcels);
  g_assert_cmpfloat (none->flagged_m2, ==, all->flagged_m2);
  g_object_set (filter, "locks-held", 4, NULL);
  four = mq_summary_new_filtered (sample, mq_today (), filter);
  g_assert_cmpuint (four->flagged_parcels, ==, all->locks_held[4]);
  g_assert_cmpfloat_with_epsilon (four->flagged_m2, all->locks_held_m2[4], 1e-6);
}

/* ---- #15 labels ---- */

static const char *const main_lines[] = { "东川路", "元江路", "剑川路", "江川路", "昆阳路", "黄浦江" };

/* Draws the sample into a w × h image, the whole zone or @box, with the
 * renderer's labels as they come. */
static void
draw_sample (MqRenderer  *renderer,
             int          w,
             int          h,
             const MqBox *box)
{
  g_autoptr(MqViewport) vp = mq_viewport_new ();
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  cairo_t *cr = cairo_create (s);
  MqBox extent;

  mq_dataset_get_extent (sample, &extent);
  mq_renderer_set_dataset (renderer, sample);
  mq_viewport_set_size (vp, w, h);
  mq_viewport_fit (vp, box ? box : &extent, box ? 0 : 24);
  mq_renderer_draw (renderer, cr, vp);
  cairo_destroy (cr);
  cairo_surface_destroy (s);
}

/* Where the label saying @text came in the placing order, or -1. */
static int
label_position (MqRenderer *renderer,
                const char *text)
{
  GArray *labels = mq_renderer_get_labels (renderer);

  for (guint i = 0; labels != NULL && i < labels->len; i++)
    if (g_strcmp0 (g_array_index (labels, MqLabel, i).text, text) == 0)
      return (int) i;
  return -1;
}

/* The main roads and 黄浦江 are named at overview scale (a screen, a
 * thumbnail) and close up, and before any parcel: a parcel's label never
 * takes a road's place. */
static void
test_main_roads_named (void)
{
  static const int sizes[][2] = { { 1600, 1000 }, { 1000, 700 } };
  MqBox close = { 627500, 3431000, 629500, 3432500 };

  for (guint k = 0; k < G_N_ELEMENTS (sizes); k++)
    {
      g_autoptr(MqRenderer) renderer = mq_renderer_new ();
      GArray *labels;
      int first_parcel = -1;

      draw_sample (renderer, sizes[k][0], sizes[k][1], NULL);
      labels = mq_renderer_get_labels (renderer);
      for (guint i = 0; i < labels->len && first_parcel < 0; i++)
        if (g_array_index (labels, MqLabel, i).parcel >= 0)
          first_parcel = (int) i;
      g_assert_cmpint (first_parcel, >, 0);
      for (guint i = 0; i < G_N_ELEMENTS (main_lines); i++)
        {
          int at = label_position (renderer, main_lines[i]);

          if (at < 0)
            g_error ("%s not named at %dx%d", main_lines[i], sizes[k][0], sizes[k][1]);
          g_assert_cmpint (at, <, first_parcel);
        }
    }
  {
    /* Close up, 东川路 crosses the view: still named, with ids round it. */
    g_autoptr(MqRenderer) renderer = mq_renderer_new ();

    draw_sample (renderer, 1400, 1000, &close);
    g_assert_cmpint (label_position (renderer, "东川路"), >=, 0);
  }
}

/* At overview scale the labels go to the parcels that need attention,
 * overdue first, then flagged: never to an unflagged parcel, and none of
 * the overdue is left out for a flagged one. */
static void
test_overview_labels_urgent_first (void)
{
  g_autoptr(MqRenderer) renderer = mq_renderer_new ();
  MqParcels *parcels = mq_dataset_get_parcels (sample);
  guint32 today = mq_today ();
  guint overdue = 0, flagged = 0, last_rank = 2;
  GArray *labels;

  draw_sample (renderer, 1600, 1000, NULL);
  labels = mq_renderer_get_labels (renderer);
  for (guint i = 0; i < labels->len; i++)
    {
      const MqLabel *l = &g_array_index (labels, MqLabel, i);
      const MqParcel *p;
      guint rank;

      if (l->parcel < 0)
        continue;
      p = mq_parcels_get (parcels, l->parcel);
      g_assert_true (p->flagged || mq_parcel_is_overdue (p, today));
      g_assert_cmpstr (l->text, ==, p->id);
      rank = mq_parcel_is_overdue (p, today) ? 2 : 1;
      g_assert_cmpuint (rank, <=, last_rank);
      last_rank = rank;
      overdue += rank == 2;
      flagged += rank == 1;
    }
  g_assert_cmpuint (overdue, >=, 8);
  g_assert_cmpuint (flagged, >=, 20);
}

/* Each label field puts the parcel's own value on the map. */
static void
test_label_fields (void)
{
  static const char *const keys[] = { "id", "owner", "project", "entity", "mu" };
  MqParcels *parcels = mq_dataset_get_parcels (sample);
  MqBox close = { 627500, 3431000, 629500, 3432500 };

  for (guint k = 0; k < G_N_ELEMENTS (keys); k++)
    {
      g_autoptr(MqRenderer) renderer = mq_renderer_new ();
      MqLabelField field;
      guint named = 0;
      GArray *labels;

      g_assert_true (mq_label_field_parse (keys[k], &field));
      g_assert_cmpstr (mq_label_field_key (field), ==, keys[k]);
      mq_renderer_set_label_field (renderer, field);
      draw_sample (renderer, 1400, 1000, &close);
      labels = mq_renderer_get_labels (renderer);
      for (guint i = 0; i < labels->len; i++)
        {
          const MqLabel *l = &g_array_index (labels, MqLabel, i);
          const MqParcel *p;
          g_autofree char *mu = NULL;

          if (l->parcel < 0)
            continue;
          p = mq_parcels_get (parcels, l->parcel);
          mu = g_strdup_printf ("%.1f", p->area_m2 / MQ_M2_PER_MU);
          named++;
          switch (field)
            {
            case MQ_LABEL_FIELD_ID: g_assert_cmpstr (l->text, ==, p->id); break;
            case MQ_LABEL_FIELD_OWNER: g_assert_cmpstr (l->text, ==, p->owner); break;
            case MQ_LABEL_FIELD_PROJECT: g_assert_cmpstr (l->text, ==, p->details->project); break;
            case MQ_LABEL_FIELD_ENTITY: g_assert_cmpstr (l->text, ==, p->details->entity); break;
            case MQ_LABEL_FIELD_MU: g_assert_true (g_str_has_prefix (l->text, mu)); break;
            default: g_assert_not_reached ();
            }
        }
      g_assert_cmpuint (named, >, 5);
    }
  g_assert_false (mq_label_field_parse ("area", &(MqLabelField) { 0 }));
}

/* The meeting room on a 1080-line screen: no label under 24 pixels, the
 * legend's text 20; larger in proportion on a taller screen. */
static void
test_meeting_room_text (void)
{
  static const int heights[] = { 1080, 2160 };

  for (guint k = 0; k < G_N_ELEMENTS (heights); k++)
    {
      g_autoptr(MqRenderer) renderer = mq_renderer_new ();
      g_autoptr(MqViewport) vp = mq_viewport_new ();
      double k_px = heights[k] / 1080.0, label_px, legend_px;
      GArray *labels;

      mq_renderer_set_meeting_room (renderer, TRUE);
      draw_sample (renderer, heights[k] * 16 / 9, heights[k], NULL);
      labels = mq_renderer_get_labels (renderer);
      g_assert_cmpuint (labels->len, >, 6);
      for (guint i = 0; i < labels->len; i++)
        g_assert_cmpfloat (g_array_index (labels, MqLabel, i).size_px, >=, 24 * k_px - 1e-9);
      mq_viewport_set_size (vp, heights[k] * 16 / 9, heights[k]);
      mq_renderer_get_text_px (renderer, vp, &label_px, &legend_px);
      g_assert_cmpfloat (label_px, >=, 24 * k_px - 1e-9);
      g_assert_cmpfloat (legend_px, >=, 20 * k_px - 1e-9);
    }
}

/* ---- #15 table ---- */

/* A road or river is found by its name, or part of it, and its place is all
 * its pieces: 东川路's extent holds every feature so named. */
static void
test_places_find (void)
{
  const MqReference *ref = mq_dataset_get_reference (sample);
  g_autoptr(GPtrArray) found = mq_places_find (sample, " 东川路 ", 5);
  g_autoptr(GPtrArray) river = mq_places_find (sample, "黄浦", 5);
  g_autoptr(GPtrArray) none = mq_places_find (sample, "qxqxqx", 5);
  g_autoptr(GPtrArray) blank = mq_places_find (sample, "  ", 5);
  const MqPlace *road;
  MqBox extent;
  guint pieces = 0;

  g_assert_cmpuint (found->len, >=, 1);
  road = g_ptr_array_index (found, 0);
  g_assert_cmpstr (road->name, ==, "东川路");
  g_assert_cmpint (road->kind, ==, MQ_REF_ROAD);
  for (guint f = 0; f < ref->name->len; f++)
    if (g_strcmp0 (g_ptr_array_index (ref->name, f), "东川路") == 0)
      {
        const MqBox b = mq_shapes_get_bbox (ref->shapes, f);

        pieces++;
        g_assert_cmpfloat (road->extent.min_x, <=, b.min_x);
        g_assert_cmpfloat (road->extent.max_x, >=, b.max_x);
        g_assert_cmpfloat (road->extent.min_y, <=, b.min_y);
        g_assert_cmpfloat (road->extent.max_y, >=, b.max_y);
      }
  g_assert_cmpuint (pieces, >=, 1);
  g_assert_cmpfloat (road->extent.max_x - road->extent.min_x, >, 500);

  g_assert_cmpuint (river->len, ==, 1);
  g_assert_cmpstr (((MqPlace *) g_ptr_array_index (river, 0))->name, ==, "黄浦江");
  g_assert_cmpint (((MqPlace *) g_ptr_array_index (river, 0))->kind, ==, MQ_REF_RIVER);
  g_assert_cmpuint (none->len, ==, 0);
  g_assert_cmpuint (blank->len, ==, 0);

  g_assert_true (mq_places_lookup (sample, "黄浦江", &extent));
  g_assert_cmpfloat (extent.max_x, >, extent.min_x);
  g_assert_false (mq_places_lookup (sample, "黄浦", &extent));
}

/* Ticking 已逾期 and 即将到期 asks for deadline trouble: either kind. */
static void
test_filter_deadline_or (void)
{
  MqParcels *parcels = mq_dataset_get_parcels (sample);
  g_autoptr(MqFilter) filter = mq_filter_new ();
  g_autoptr(GArray) hits = NULL;
  guint32 today = mq_today ();
  guint overdue = 0, soon = 0, either = 0;

  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    {
      const MqParcel *p = mq_parcels_get (parcels, i);

      overdue += mq_parcel_is_overdue (p, today);
      soon += mq_parcel_is_due_soon (p, today);
      either += mq_parcel_is_overdue (p, today) || mq_parcel_is_due_soon (p, today);
    }
  g_assert_cmpuint (overdue, >, 0);
  g_assert_cmpuint (soon, >, 0);
  g_object_set (filter, "overdue", TRUE, "due-soon", TRUE, NULL);
  hits = mq_filter_dup_matches (filter, sample, today);
  g_assert_cmpuint (hits->len, ==, either);
  g_clear_pointer (&hits, g_array_unref);
  /* Another chip still narrows them (AND). */
  g_object_set (filter, "flagged", TRUE, NULL);
  hits = mq_filter_dup_matches (filter, sample, today);
  g_assert_cmpuint (hits->len, <=, either);
  for (guint k = 0; k < hits->len; k++)
    g_assert_true (mq_parcels_get (parcels, g_array_index (hits, guint, k))->flagged);
}

/* The search's hits for a list: the parcel whose id is the text first. */
static void
test_filter_hits (void)
{
  MqParcels *parcels = mq_dataset_get_parcels (sample);
  g_autoptr(MqFilter) filter = mq_filter_new ();
  g_autoptr(GArray) hits = NULL;
  guint total = 0;

  g_object_set (filter, "text", "mq080", NULL);
  hits = mq_filter_dup_hits (filter, sample, mq_today (), 4, &total);
  g_assert_cmpuint (total, ==, 10);   /* MQ0800–MQ0809 */
  g_assert_cmpuint (hits->len, ==, 4);
  g_clear_pointer (&hits, g_array_unref);

  /* "mq0805" is MQ0805 itself: first, and the only hit. */
  g_object_set (filter, "text", "MQ0805", NULL);
  hits = mq_filter_dup_hits (filter, sample, mq_today (), 8, &total);
  g_assert_cmpuint (total, ==, 1);
  g_assert_cmpstr (mq_parcels_get (parcels, g_array_index (hits, guint, 0))->id, ==, "MQ0805");
  g_clear_pointer (&hits, g_array_unref);

  /* A text found in an id and in other fields: the id's parcel first. */
  {
    const MqParcel *last = mq_parcels_get (parcels, mq_parcels_get_n_parcels (parcels) - 1);

    g_object_set (filter, "text", last->id, NULL);
    hits = mq_filter_dup_hits (filter, sample, mq_today (), 8, &total);
    g_assert_cmpuint (hits->len, >=, 1);
    g_assert_cmpstr (mq_parcels_get (parcels, g_array_index (hits, guint, 0))->id, ==, last->id);
  }
}

/* One frame of the map (no furniture) at @vp. */
static cairo_surface_t *
render_map (MqRenderer *renderer,
            MqViewport *vp)
{
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) mq_viewport_get_width (vp),
                                                   (int) mq_viewport_get_height (vp));
  cairo_t *cr = cairo_create (s);

  mq_renderer_draw_map (renderer, cr, vp);
  cairo_destroy (cr);
  cairo_surface_flush (s);
  return s;
}

/* The level of detail (render/mq-coverage.h: small parcels rasterised with
 * exact coverage, thin outlines as Wu lines, deadline outlines as bands)
 * looks as the exact drawing does: the whole sample at sizes where its
 * parcels are 1 to 40 pixels across, every theme, pixel by pixel. */
static cairo_surface_t *
render_whole (MqTheme  theme,
              int      w,
              int      h,
              gboolean exact)
{
  g_autoptr(MqRenderer) renderer = mq_renderer_new ();
  g_autoptr(MqViewport) vp = mq_viewport_new ();
  MqBox extent;

  mq_renderer_set_dataset (renderer, sample);
  mq_renderer_set_theme (renderer, theme);
  mq_renderer_set_today (renderer, mq_today ());
  mq_renderer_set_exact (renderer, exact);
  mq_viewport_set_size (vp, w, h);
  mq_dataset_get_extent (sample, &extent);
  mq_viewport_fit (vp, &extent, 8);
  return render_map (renderer, vp);
}

/* How far two pictures of the same size are apart: the mean difference a
 * channel (of 255), the share of pixels off by more than 48 in a channel,
 * the share of pixels differing at all (both in %). */
static void
picture_difference (cairo_surface_t *a,
                    cairo_surface_t *b,
                    double          *mean,
                    double          *far_pct,
                    double          *differ_pct)
{
  int w = cairo_image_surface_get_width (a), h = cairo_image_surface_get_height (a);
  guint64 sum = 0, n_far = 0, n_differ = 0;

  g_assert_cmpint (w, ==, cairo_image_surface_get_width (b));
  g_assert_cmpint (h, ==, cairo_image_surface_get_height (b));
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        guint32 pa = pixel (a, x, y), pb = pixel (b, x, y);
        int worst = 0;

        for (int shift = 0; shift < 24; shift += 8)
          {
            int d = abs ((int) ((pa >> shift) & 0xff) - (int) ((pb >> shift) & 0xff));

            sum += d;
            worst = MAX (worst, d);
          }
        n_differ += worst > 0;
        n_far += worst > 48;
      }
  *mean = sum / (3.0 * w * h);
  *far_pct = 100.0 * n_far / (w * h);
  *differ_pct = 100.0 * n_differ / (w * h);
}

static void
test_level_of_detail (void)
{
  static const int sizes[][2] = { { 160, 100 }, { 320, 200 }, { 640, 400 }, { 1280, 800 } };
  static const MqTheme themes[] = { MQ_THEME_LOCKS, MQ_THEME_METHOD, MQ_THEME_FLAGGED, MQ_THEME_LANDUSE };

  for (guint t = 0; t < G_N_ELEMENTS (themes); t++)
    for (guint z = 0; z < G_N_ELEMENTS (sizes); z++)
      {
        int w = sizes[z][0], h = sizes[z][1];
        cairo_surface_t *lod = render_whole (themes[t], w, h, FALSE);
        cairo_surface_t *exact = render_whole (themes[t], w, h, TRUE);
        double mean, far, differ;

        picture_difference (lod, exact, &mean, &far, &differ);
        g_test_message ("theme %u, %d×%d: mean difference %.2f/255, %.3f %% of pixels over 48, "
                        "%.1f %% differ", t, w, h, mean, far, differ);
        /* Not the same pixels (the level of detail drew them)… */
        g_assert_cmpfloat (differ, >, 0);
        /* …but the same picture: on average within 2/255 a channel, and
         * hardly a pixel far off. */
        g_assert_cmpfloat (mean, <, 2.0);
        g_assert_cmpfloat (far, <, 0.5);
        cairo_surface_destroy (lod);
        cairo_surface_destroy (exact);
      }
}

/* A frame from tiles against the same frame drawn whole (by a renderer
 * without tiles): the same picture. */
static void
assert_tiles_match (MqRenderer *tiled,
                    MqRenderer *whole,
                    MqViewport *vp)
{
  cairo_surface_t *a = render_map (tiled, vp), *b = render_map (whole, vp);
  double mean, far, differ;

  picture_difference (a, b, &mean, &far, &differ);
  g_test_message ("tiles against whole: mean difference %.3f/255, %.3f %% of pixels over 48, "
                  "%.2f %% differ", mean, far, differ);
  g_assert_cmpfloat (mean, <, 0.5);
  g_assert_cmpfloat (far, <, 0.1);
  cairo_surface_destroy (a);
  cairo_surface_destroy (b);
}

/* After a change the tiles cannot show: the next frame is drawn whole and
 * asks for tiles; once drawn, they show what a whole drawing shows. */
static void
assert_tiles_redrawn (MqRenderer *tiled,
                      MqRenderer *whole,
                      MqViewport *vp)
{
  cairo_surface_destroy (render_map (tiled, vp));
  g_assert_true (mq_renderer_get_tiles_wanted (tiled));
  mq_renderer_draw_tiles (tiled, vp);
  assert_tiles_match (tiled, whole, vp);
}

/* A frame's tiles are drawn after it, then reused; another theme, filter
 * or generation of the parcels draws them again, never shows the old. */
static void
test_tiles (void)
{
  g_autofree char *gpkg = g_build_filename (g_getenv ("MQ_SAMPLE_DIR"), "maqiao.gpkg", NULL);
  g_autoptr(MqDataset) own = mq_dataset_load (gpkg, NULL, NULL, NULL);
  g_autoptr(MqRenderer) tiled = mq_renderer_new ();
  g_autoptr(MqRenderer) whole = mq_renderer_new ();
  g_autoptr(MqViewport) vp = mq_viewport_new ();
  MqParcels *parcels = mq_dataset_get_parcels (own);
  guint n = mq_parcels_get_n_parcels (parcels), drawn;
  g_autoptr(GBytes) half = NULL;
  g_autoptr(MqParcels) next = NULL;
  guint8 *shown = g_malloc (n);
  cairo_surface_t *first, *again;
  double cx, cy, res, mean, far, differ;
  MqBox extent, view;
  MqParcel edited;

  for (guint i = 0; i < n; i++)
    shown[i] = i % 2;
  half = g_bytes_new_take (shown, n);
  for (MqRenderer **r = (MqRenderer *[]) { tiled, whole, NULL }; *r != NULL; r++)
    {
      mq_renderer_set_dataset (*r, own);
      mq_renderer_set_today (*r, mq_today ());
    }
  /* Every frame of the sample is tiled. */
  mq_renderer_set_tiled (tiled, 1);
  mq_dataset_get_extent (own, &extent);
  mq_viewport_set_size (vp, 1000, 700);
  mq_viewport_fit (vp, &extent, 8);
  /* A view whose corner falls on a pixel of the tiles' grid: tiles and a
   * whole frame then put the parcels on the same pixels. */
  mq_viewport_get_visible_box (vp, &view);
  mq_viewport_get_center (vp, &cx, &cy);
  res = mq_viewport_get_resolution (vp);
  mq_viewport_set_center (vp, cx + (round (view.min_x / res) - view.min_x / res) * res,
                          cy - (round (-view.max_y / res) + view.max_y / res) * res);

  /* The first frame is drawn whole; its tiles after it. */
  first = render_map (tiled, vp);
  g_assert_true (mq_renderer_get_tiles_wanted (tiled));
  g_assert_cmpuint (mq_renderer_get_tiles_drawn (tiled), ==, 0);
  mq_renderer_draw_tiles (tiled, vp);
  drawn = mq_renderer_get_tiles_drawn (tiled);
  g_assert_cmpuint (drawn, >=, 4);
  /* The next comes from them, and is the same picture. */
  again = render_map (tiled, vp);
  g_assert_false (mq_renderer_get_tiles_wanted (tiled));
  g_assert_cmpuint (mq_renderer_get_tiles_drawn (tiled), ==, drawn);
  picture_difference (again, first, &mean, &far, &differ);
  g_assert_cmpfloat (mean, <, 0.5);
  g_assert_cmpfloat (far, <, 0.1);
  cairo_surface_destroy (first);
  cairo_surface_destroy (again);
  assert_tiles_match (tiled, whole, vp);

  /* Another theme: the old tiles are not shown. */
  mq_renderer_set_theme (tiled, MQ_THEME_METHOD);
  mq_renderer_set_theme (whole, MQ_THEME_METHOD);
  assert_tiles_redrawn (tiled, whole, vp);
  g_assert_cmpuint (mq_renderer_get_tiles_drawn (tiled), ==, 2 * drawn);

  /* A filter fading half the parcels. */
  mq_renderer_set_shown (tiled, half);
  mq_renderer_set_shown (whole, half);
  assert_tiles_redrawn (tiled, whole, vp);

  /* An edit: the next generation, every flagged parcel fully locked. */
  next = mq_parcels_new_generation (parcels);
  for (guint i = 0; i < n; i++)
    if (mq_parcels_get (next, i)->flagged)
      {
        edited = *mq_parcels_get (next, i);
        edited.locks = 0xf;
        mq_parcels_replace (next, i, &edited);
      }
  mq_dataset_set_parcels (own, next);
  mq_renderer_set_theme (tiled, MQ_THEME_LOCKS);
  mq_renderer_set_theme (whole, MQ_THEME_LOCKS);
  mq_renderer_parcels_changed (tiled);
  mq_renderer_parcels_changed (whole);
  assert_tiles_redrawn (tiled, whole, vp);
}

/* The measure tool's figures: geodesic on the sample's ellipsoid, as PROJ
 * computes them on its own; a parcel's outline measured gives its area. */
static void
test_measure (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MqMeasure) measure = mq_measure_new (mq_dataset_get_display_wkt (sample), &error);
  MqParcels *parcels = mq_dataset_get_parcels (sample);
  const MqShapes *shapes = mq_parcels_get_shapes (parcels);
  const MqBox b = mq_shapes_get_bbox (shapes, 0);
  double square[8] = { b.min_x, b.min_y, b.min_x + 300, b.min_y,
                       b.min_x + 300, b.min_y + 200, b.min_x, b.min_y + 200 };
  double closed[10], next[2] = { b.min_x, b.min_y + 200 };
  g_autofree double *ring = NULL;
  g_autofree char *text = NULL;
  MqMeasureFigures f;
  guint p0, p1;

  g_assert_no_error (error);
  g_assert_nonnull (measure);
  memcpy (closed, square, sizeof square);
  closed[8] = square[0], closed[9] = square[1];
  mq_measure_set_points (measure, square, 3);
  g_assert_true (mq_measure_compute (measure, next, &f));
  g_assert_cmpuint (f.n_points, ==, 4);
  g_assert_cmpfloat_with_epsilon (f.length_m, test_proj_path_length (square, 4, "EPSG:4549"), 1e-6);
  g_assert_cmpfloat_with_epsilon (f.perimeter_m, test_proj_path_length (closed, 5, "EPSG:4549"), 1e-6);
  g_assert_cmpfloat (fabs (f.area_m2 - test_proj_ring_area (closed, 5, "EPSG:4549")), <, 1e-6 * f.area_m2);
  /* Gauss–Krüger metres are not ground metres off the central meridian. */
  g_assert_cmpfloat (fabs (f.area_m2 - 60000) , >, 1.0);
  g_assert_cmpfloat (fabs (f.area_m2 - 60000) , <, 60000 * 0.001);

  /* Two points: a distance, no area. */
  mq_measure_clear (measure);
  mq_measure_add_point (measure, square[0], square[1]);
  mq_measure_add_point (measure, square[2], square[3]);
  g_assert_true (mq_measure_compute (measure, NULL, &f));
  g_assert_cmpfloat (f.area_m2, ==, 0);
  g_assert_cmpfloat (fabs (f.length_m - 300), <, 0.3);
  text = mq_measure_dup_text (&f);
  g_assert_nonnull (strstr (text, " m"));
  g_assert_null (strstr (text, "mu"));

  /* A parcel's outline: the area the survey's rule gives it, to 0.01 %. */
  p0 = g_array_index (shapes->ring_start, guint, g_array_index (shapes->feat_ring, guint, 0));
  p1 = g_array_index (shapes->ring_start, guint, g_array_index (shapes->feat_ring, guint, 0) + 1);
  ring = g_new (double, 2 * (p1 - p0));
  for (guint k = p0; k < p1; k++)
    mq_shapes_get_point (shapes, &b, k, &ring[2 * (k - p0)], &ring[2 * (k - p0) + 1]);
  mq_measure_set_points (measure, ring, p1 - p0);
  g_assert_true (mq_measure_compute (measure, NULL, &f));
  g_assert_cmpfloat (fabs (f.area_m2 - mq_parcels_get (parcels, 0)->area_m2), <,
                     1e-4 * mq_parcels_get (parcels, 0)->area_m2);

  g_clear_pointer (&text, g_free);
  text = mq_measure_format_area (MQ_M2_PER_MU * 3);
  g_assert_nonnull (strstr (text, "3.000 mu"));
  g_assert_nonnull (strstr (text, "0.2000 ha"));
}

/* Snapping: to a vertex near enough, else onto an edge, else nothing. */
static void
test_snap (void)
{
  MqParcels *parcels = mq_dataset_get_parcels (sample);
  const MqShapes *shapes = mq_parcels_get_shapes (parcels);
  guint feature = mq_shapes_get_n_features (shapes) / 2;
  const MqBox b = mq_shapes_get_bbox (shapes, feature);
  guint p0 = g_array_index (shapes->ring_start, guint, g_array_index (shapes->feat_ring, guint, feature));
  double vx, vy, wx, wy, sx, sy, mx, my, nx, ny, len;

  mq_shapes_get_point (shapes, &b, p0, &vx, &vy);
  mq_shapes_get_point (shapes, &b, p0 + 1, &wx, &wy);
  g_assert_cmpint (mq_parcels_snap (parcels, vx + 0.3, vy - 0.2, 1.0, &sx, &sy), ==, MQ_SNAP_VERTEX);
  /* (A neighbour's copy of the vertex may win: the same point, to the
   * float offsets' precision.) */
  g_assert_cmpfloat (hypot (sx - vx, sy - vy), <, 1e-3);

  /* Half a metre off the middle of the edge: onto it. */
  len = hypot (wx - vx, wy - vy);
  g_assert_cmpfloat (len, >, 4.0);
  nx = -(wy - vy) / len, ny = (wx - vx) / len;
  mx = (vx + wx) / 2, my = (vy + wy) / 2;
  g_assert_cmpint (mq_parcels_snap (parcels, mx + 0.5 * nx, my + 0.5 * ny, 1.0, &sx, &sy), ==, MQ_SNAP_EDGE);
  g_assert_cmpfloat (fabs ((sx - vx) * nx + (sy - vy) * ny), <, 1e-6);
  g_assert_cmpfloat (hypot (sx - mx, sy - my), <, 0.01);

  /* Far from every parcel: the point as it is. */
  g_assert_cmpint (mq_parcels_snap (parcels, b.min_x - 1e5, b.min_y, 1.0, &sx, &sy), ==, MQ_SNAP_NONE);
  g_assert_cmpfloat (sx, ==, b.min_x - 1e5);
}

/* The biggest industrial lot's centre: its roof on the sample orthophoto. */
static void
industrial_roof (double *x,
                 double *y,
                 MqBox  *lot)
{
  MqParcels *parcels = mq_dataset_get_parcels (sample);
  double best = 0;

  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    {
      const MqParcel *p = mq_parcels_get (parcels, i);
      MqBox box = mq_shapes_get_bbox (mq_parcels_get_shapes (parcels), i);

      if (g_strcmp0 (p->land_use_code, "0601") == 0 && p->area_m2 > best)
        best = p->area_m2, *x = (box.min_x + box.max_x) / 2, *y = (box.min_y + box.max_y) / 2, *lot = box;
    }
  g_assert_cmpfloat (best, >, 0);
}

/* The orthophoto as GDAL has it at each pixel of the view (nearest):
 * what the layer must show, independently of how it reads. */
static guint32 *
ortho_reference (MqViewport *vp,
                 int         w,
                 int         h)
{
  g_autofree char *tif = g_build_filename (g_getenv ("MQ_SAMPLE_DIR"), "maqiao-ortho.tif", NULL);
  GDALDatasetH ds = GDALOpen (tif, GA_ReadOnly);
  guint32 *ref = g_new0 (guint32, (gsize) w * h);
  double gt[6];

  g_assert_nonnull (ds);
  g_assert_cmpint (GDALGetGeoTransform (ds, gt), ==, CE_None);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        double mx, my;
        guint8 rgb[3];

        mq_viewport_screen_to_map (vp, x + 0.5, y + 0.5, &mx, &my);
        for (int b = 0; b < 3; b++)
          g_assert_cmpint (GDALRasterIO (GDALGetRasterBand (ds, b + 1), GF_Read, (int) floor ((mx - gt[0]) / gt[1]),
                                         (int) floor ((my - gt[3]) / gt[5]), 1, 1, &rgb[b], 1, 1, GDT_Byte, 0, 0),
                           ==, CE_None);
        ref[(gsize) y * w + x] = (guint32) rgb[0] << 16 | (guint32) rgb[1] << 8 | rgb[2];
      }
  GDALClose (ds);
  return ref;
}

/* The mean difference per channel between @image shifted by (dx, dy) and
 * the reference, over the view less a margin. */
static double
shifted_difference (cairo_surface_t *image,
                    const guint32   *ref,
                    int              dx,
                    int              dy)
{
  int w = cairo_image_surface_get_width (image), h = cairo_image_surface_get_height (image);
  double sum = 0;
  gsize n = 0;

  for (int y = 8; y < h - 8; y++)
    for (int x = 8; x < w - 8; x++)
      {
        guint32 a = pixel (image, x + dx, y + dy), b = ref[(gsize) y * w + x];

        for (int c = 0; c < 24; c += 8)
          sum += abs ((int) ((a >> c) & 0xff) - (int) ((b >> c) & 0xff));
        n += 3;
      }
  return sum / n;
}

/* The image layer alone, at 1:2,000 (0.53 m a pixel) round the roof. */
static cairo_surface_t *
draw_layer (MqRasterLayer *layer,
            MqViewport    *vp)
{
  cairo_surface_t *image = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 240, 180);
  cairo_t *cr = cairo_create (image);

  mq_raster_layer_draw (layer, cr, vp);
  cairo_destroy (cr);
  cairo_surface_flush (image);
  return image;
}

/* An orthophoto in the map's CRS and its MBTiles copy in Web Mercator
 * (warped as it is read) both fall where GDAL's own reading of the GeoTIFF
 * puts each pixel: no shift of one screen pixel or more at 1:2,000 fits
 * them better. Under the parcels, a lot's fill lets the roof show through. */
static void
test_raster_layer (void)
{
  g_autofree char *tif = g_build_filename (g_getenv ("MQ_SAMPLE_DIR"), "maqiao-ortho.tif", NULL);
  g_autofree char *mbtiles = g_build_filename (g_getenv ("MQ_SAMPLE_DIR"), "maqiao-ortho.mbtiles", NULL);
  const char *wkt = mq_dataset_get_display_wkt (sample);
  g_autoptr(MqViewport) vp = mq_viewport_new ();
  g_autofree guint32 *ref = NULL;
  g_autoptr(GError) error = NULL;
  double x = 0, y = 0;
  MqBox lot = { 0 };

  industrial_roof (&x, &y, &lot);
  mq_viewport_set_size (vp, 240, 180);
  mq_viewport_set_resolution (vp, 0.53);
  /* A corner of the lot: its yard, roof, the road and the neighbours. */
  mq_viewport_set_center (vp, lot.min_x, lot.min_y);
  ref = ortho_reference (vp, 240, 180);
  for (guint k = 0; k < 2; k++)
    {
      g_autoptr(MqRasterLayer) layer = mq_raster_layer_new (k == 0 ? tif : mbtiles, wkt, &error);
      cairo_surface_t *image;
      double at_zero, best = G_MAXDOUBLE;

      g_assert_no_error (error);
      image = draw_layer (layer, vp);
      at_zero = shifted_difference (image, ref, 0, 0);
      for (int dy = -3; dy <= 3; dy++)
        for (int dx = -3; dx <= 3; dx++)
          if (dx != 0 || dy != 0)
            best = MIN (best, shifted_difference (image, ref, dx, dy));
      g_test_message ("%s: mean difference %.2f in place, %.2f at best shifted", k == 0 ? "tif" : "mbtiles",
                      at_zero, best);
      g_assert_cmpfloat (at_zero, <, best);
      g_assert_cmpfloat (at_zero, <, 8);
      cairo_surface_destroy (image);
    }

  /* Under a parcel: 45 % of its fill over the photograph. */
  {
    g_autoptr(MqRenderer) renderer = mq_renderer_new ();
    g_autoptr(MqRasterLayer) layer = mq_raster_layer_new (tif, wkt, &error);
    cairo_surface_t *plain = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 240, 180);
    cairo_surface_t *over = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 240, 180);
    double sx, sy;
    guint32 fill, photo, got;
    cairo_t *cr;

    g_assert_no_error (error);
    mq_renderer_set_dataset (renderer, sample);
    mq_renderer_set_furniture (renderer, FALSE);
    mq_viewport_set_center (vp, x, y);
    cr = cairo_create (plain);
    mq_renderer_draw (renderer, cr, vp);
    cairo_destroy (cr);
    mq_renderer_add_raster_layer (renderer, layer);
    cr = cairo_create (over);
    mq_renderer_draw (renderer, cr, vp);
    cairo_destroy (cr);
    g_clear_pointer (&ref, g_free);
    ref = ortho_reference (vp, 240, 180);
    mq_viewport_map_to_screen (vp, x, y, &sx, &sy);
    /* Beside the centre, clear of its label. */
    sy += 20;
    fill = pixel (plain, (int) sx, (int) sy);
    photo = ref[(gsize) sy * 240 + (gsize) sx];
    got = pixel (over, (int) sx, (int) sy);
    for (int c = 0; c < 24; c += 8)
      {
        double expect = 0.45 * ((fill >> c) & 0xff) + 0.55 * ((photo >> c) & 0xff);

        g_assert_cmpfloat (fabs (((got >> c) & 0xff) - expect), <, 16);
      }
    cairo_surface_destroy (plain);
    cairo_surface_destroy (over);
  }
}

static void
note_progress (double   fraction,
               gpointer data)
{
  double *last = data;

  g_assert_cmpfloat (fraction, >=, *last - 1e-9);
  *last = fraction;
}

static void
remove_copy (const char *copy)
{
  g_autofree char *ovr = g_strconcat (copy, ".ovr", NULL);

  g_unlink (copy);
  g_unlink (ovr);
}

/* No .part folder of a build is left in the copy's folder. */
static void
assert_no_parts (const char *copy)
{
  g_autofree char *dir = g_path_get_dirname (copy);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    g_assert_null (strstr (name, ".part-"));
}

/* The images a window draws are made ready once: the MBTiles (Web
 * Mercator) warped into the map's CRS with overviews, the large GeoTIFF
 * without overviews given them through a VRT. A cancelled build leaves
 * nothing; a finished one is found the next time, and falls where GDAL's
 * own reading of the GeoTIFF puts each pixel at 1:2,000; a changed source
 * is prepared anew. */
static void
test_image_cache (void)
{
  g_autofree char *tif = g_build_filename (g_getenv ("MQ_SAMPLE_DIR"), "maqiao-ortho.tif", NULL);
  g_autofree char *mbtiles = g_build_filename (g_getenv ("MQ_SAMPLE_DIR"), "maqiao-ortho.mbtiles", NULL);
  g_autofree char *dir = g_dir_make_tmp ("mq-image-XXXXXX", NULL);
  g_autofree char *moved = g_build_filename (dir, "正射影像.mbtiles", NULL);
  g_autofree char *copy = NULL, *again = NULL, *tif_copy = NULL, *moved_copy = NULL, *touched_copy = NULL;
  g_autofree guint32 *ref = NULL;
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(MqViewport) vp = mq_viewport_new ();
  g_autofree char *contents = NULL;
  const char *wkt = mq_dataset_get_display_wkt (sample);
  gboolean needs = FALSE;
  double last = 0, x = 0, y = 0, at_zero, best = G_MAXDOUBLE;
  gsize length;
  MqBox lot;

  copy = mq_image_cache_lookup (mbtiles, NULL, wkt, &needs);
  g_assert_cmpstr (copy, !=, mbtiles);
  g_assert_true (g_str_has_suffix (copy, ".tif"));
  remove_copy (copy);
  g_cancellable_cancel (cancelled);
  g_assert_false (mq_image_cache_build (mbtiles, NULL, wkt, copy, NULL, NULL, cancelled, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_false (g_file_test (copy, G_FILE_TEST_EXISTS));
  assert_no_parts (copy);

  g_assert_true (mq_image_cache_build (mbtiles, NULL, wkt, copy, note_progress, &last, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (last, >, 0.99);
  assert_no_parts (copy);
  again = mq_image_cache_lookup (mbtiles, NULL, wkt, &needs);
  g_assert_cmpstr (again, ==, copy);
  g_assert_false (needs);
  {
    g_autoptr(MqRasterLayer) layer = mq_raster_layer_new_prepared (mbtiles, copy, wkt, &error);
    cairo_surface_t *image;

    g_assert_no_error (error);
    g_assert_false (mq_raster_layer_get_warped (layer));
    g_assert_cmpstr (mq_raster_layer_get_path (layer), ==, mbtiles);
    industrial_roof (&x, &y, &lot);
    mq_viewport_set_size (vp, 240, 180);
    mq_viewport_set_resolution (vp, 0.53);
    mq_viewport_set_center (vp, lot.min_x, lot.min_y);
    ref = ortho_reference (vp, 240, 180);
    image = draw_layer (layer, vp);
    at_zero = shifted_difference (image, ref, 0, 0);
    for (int dy = -3; dy <= 3; dy++)
      for (int dx = -3; dx <= 3; dx++)
        if (dx != 0 || dy != 0)
          best = MIN (best, shifted_difference (image, ref, dx, dy));
    g_test_message ("prepared mbtiles: mean difference %.2f in place, %.2f at best shifted", at_zero, best);
    g_assert_cmpfloat (at_zero, <, best);
    g_assert_cmpfloat (at_zero, <, 8);
    cairo_surface_destroy (image);
  }

  /* The GeoTIFF is in the map's CRS but large and without overviews. */
  tif_copy = mq_image_cache_lookup (tif, NULL, wkt, &needs);
  g_assert_true (g_str_has_suffix (tif_copy, ".vrt"));
  remove_copy (tif_copy);
  g_assert_true (mq_image_cache_build (tif, NULL, wkt, tif_copy, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  {
    g_autofree char *ovr = g_strconcat (tif_copy, ".ovr", NULL);
    GDALDatasetH ds = GDALOpen (tif_copy, GA_ReadOnly);

    g_assert_true (g_file_test (ovr, G_FILE_TEST_EXISTS));
    g_assert_nonnull (ds);
    g_assert_cmpint (GDALGetOverviewCount (GDALGetRasterBand (ds, 1)), >=, 3);
    GDALClose (ds);
  }

  /* Elsewhere, then changed: another copy each time. */
  g_assert_true (g_file_get_contents (mbtiles, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (moved, contents, length, NULL));
  moved_copy = mq_image_cache_lookup (moved, NULL, wkt, &needs);
  g_assert_cmpstr (moved_copy, !=, copy);
  g_assert_true (needs);
  {
    struct utimbuf times = { 1000000000, 1000000000 };

    g_assert_cmpint (g_utime (moved, &times), ==, 0);
  }
  touched_copy = mq_image_cache_lookup (moved, NULL, wkt, &needs);
  g_assert_cmpstr (touched_copy, !=, moved_copy);
  g_assert_true (needs);

  remove_copy (copy);
  remove_copy (tif_copy);
  test_remove_dir (dir);
}

/* The layer list as a project saves it: what goes in comes out; a list
 * that does not read is refused saying why; one saved before a layer
 * existed gets it in its default place. */
static void
test_layer_list_json (void)
{
  g_autoptr(MqLayerList) list = mq_layer_list_new ();
  g_autoptr(MqLayerList) back = NULL;
  g_autoptr(MqLayerList) old = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  static const char *const refused[] = {
    "not json",
    "{\"version\": 2, \"layers\": []}",
    "{\"version\": 1, \"layers\": [{\"kind\": \"clouds\", \"visible\": true, \"opacity\": 1}]}",
    "{\"version\": 1, \"layers\": [{\"kind\": \"roads\", \"visible\": true, \"opacity\": 1},"
    " {\"kind\": \"roads\", \"visible\": false, \"opacity\": 1}]}",
    "{\"version\": 1, \"layers\": [{\"kind\": \"roads\", \"visible\": true, \"opacity\": 1.5}]}",
    "{\"version\": 1, \"layers\": [{\"kind\": \"roads\", \"visible\": 1, \"opacity\": 1}]}",
    "{\"version\": 1, \"layers\": [{\"kind\": \"image\", \"visible\": true, \"opacity\": 1}]}",
    "{\"version\": 1, \"layers\": [{\"kind\": \"zone\", \"path\": \"/x.tif\", \"visible\": true, \"opacity\": 1}]}",
    "{\"version\": 1, \"layers\": [{\"kind\": \"vector\", \"path\": \"/a.shp\", \"visible\": true, \"opacity\": 1,"
    " \"color\": \"red\"}]}",
    "{\"version\": 1, \"layers\": [{\"kind\": \"vector\", \"path\": \"/a.shp\", \"visible\": true, \"opacity\": 1,"
    " \"width\": 50}]}",
  };

  g_assert_cmpuint (mq_layer_list_get_n_layers (list), ==, MQ_N_BUILTIN_LAYERS);
  mq_layer_list_set_visible (list, mq_layer_list_find (list, MQ_LAYER_ROADS, NULL), FALSE);
  mq_layer_list_set_opacity (list, mq_layer_list_find (list, MQ_LAYER_PARCELS, NULL), 0.6);
  g_assert_cmpuint (mq_layer_list_add_file (list, MQ_LAYER_IMAGE, "/data/正射影像.tif", NULL, 0.8), ==, 2);
  mq_layer_list_move (list, mq_layer_list_find (list, MQ_LAYER_ZONE, NULL), 0);
  g_assert_cmpint (mq_layer_list_find (list, MQ_LAYER_ZONE, NULL), ==, 0);
  mq_layer_list_set_style (list, mq_layer_list_add_file (list, MQ_LAYER_VECTOR, "/data/控规.shp", "EPSG:4549", 1.0),
                           "#c0392b", "none", 2.5, "用地性质");
  g_assert_cmpint (mq_layer_list_find (list, MQ_LAYER_IMAGE, "/data/正射影像.tif"), ==, 3);
  g_assert_cmpint (mq_layer_list_find (list, MQ_LAYER_PARCELS, NULL), ==, 4);
  g_assert_cmpint (mq_layer_list_find (list, MQ_LAYER_VECTOR, "/data/控规.shp"), ==, 5);
  json = mq_layer_list_to_json (list);
  back = mq_layer_list_new_from_json (json, &error);
  g_assert_no_error (error);
  g_assert_true (mq_layer_list_equal (list, back));
  g_assert_false (mq_layer_list_get (back, mq_layer_list_find (back, MQ_LAYER_ROADS, NULL))->visible);
  g_assert_cmpfloat (mq_layer_list_get (back, 4)->opacity, ==, 0.6);
  g_assert_cmpstr (mq_layer_list_get (back, 5)->color, ==, "#c0392b");
  g_assert_cmpstr (mq_layer_list_get (back, 5)->fill, ==, "none");
  g_assert_cmpfloat (mq_layer_list_get (back, 5)->width, ==, 2.5);
  g_assert_cmpstr (mq_layer_list_get (back, 5)->label, ==, "用地性质");
  g_assert_cmpstr (mq_layer_list_get (back, 5)->crs, ==, "EPSG:4549");

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(MqLayerList) none = mq_layer_list_new_from_json (refused[i], &error);

      g_assert_null (none);
      g_assert_error (error, MQ_LAYER_LIST_ERROR, MQ_LAYER_LIST_ERROR_INVALID);
      g_test_message ("%s", error->message);
      g_clear_error (&error);
    }

  /* Saved without the zone's outline and the rivers: both back, in place. */
  old = mq_layer_list_new_from_json ("{\"version\": 1, \"layers\": ["
                                     "{\"kind\": \"parts\", \"visible\": false, \"opacity\": 1},"
                                     "{\"kind\": \"parcels\", \"visible\": true, \"opacity\": 1},"
                                     "{\"kind\": \"roads\", \"visible\": true, \"opacity\": 1}]}", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mq_layer_list_get_n_layers (old), ==, MQ_N_BUILTIN_LAYERS);
  g_assert_cmpint (mq_layer_list_find (old, MQ_LAYER_RIVERS, NULL), ==, 1);
  g_assert_cmpint (mq_layer_list_find (old, MQ_LAYER_ZONE, NULL), ==, 4);
  g_assert_false (mq_layer_list_get (old, 0)->visible);
}

static guint32
blend (guint32 over,
       guint32 under,
       double  alpha)
{
  guint32 out = 0;

  for (int c = 0; c < 24; c += 8)
    out |= (guint32) (alpha * ((over >> c) & 0xff) + (1 - alpha) * ((under >> c) & 0xff) + 0.5) << c;
  return out;
}

static gboolean
close_to (guint32 a,
          guint32 b,
          int     tolerance)
{
  for (int c = 0; c < 24; c += 8)
    if (ABS ((int) ((a >> c) & 0xff) - (int) ((b >> c) & 0xff)) > tolerance)
      return FALSE;
  return TRUE;
}

/* The layer list decides what the map draws: a hidden layer is not drawn, a
 * translucent one lets what lies under it show, and the order is the list's
 * (a photograph moved over the parcels hides them). */
static void
test_layers_drawn (void)
{
  g_autofree char *tif = g_build_filename (g_getenv ("MQ_SAMPLE_DIR"), "maqiao-ortho.tif", NULL);
  g_autoptr(MqRenderer) renderer = mq_renderer_new ();
  g_autoptr(MqViewport) vp = mq_viewport_new ();
  g_autoptr(MqLayerList) layers = mq_layer_list_new ();
  g_autoptr(MqRasterLayer) photo = NULL;
  g_autoptr(GError) error = NULL;
  guint index = flagged_parcel ();
  int parcels = mq_layer_list_find (layers, MQ_LAYER_PARCELS, NULL);
  guint32 fill, under, half, hidden_image, image_on_top;
  MqRgb expected;

  mq_renderer_set_dataset (renderer, sample);
  mq_renderer_set_furniture (renderer, FALSE);
  mq_style_locks_color (mq_parcel_get_locks_held (mq_parcels_get (mq_dataset_get_parcels (sample), index)),
                        &expected);
  fill = render_parcel_centre (renderer, index, vp);
  g_assert_cmphex (fill, ==, rgb_hex (&expected));

  mq_layer_list_set_visible (layers, parcels, FALSE);
  mq_renderer_set_layers (renderer, layers);
  under = render_parcel_centre (renderer, index, vp);
  g_assert_false (close_to (under, fill, 8));

  mq_layer_list_set_visible (layers, parcels, TRUE);
  mq_layer_list_set_opacity (layers, parcels, 0.5);
  mq_renderer_set_layers (renderer, layers);
  half = render_parcel_centre (renderer, index, vp);
  g_assert_true (close_to (half, blend (fill, under, 0.5), 3));

  /* The project's own layers take a style too: roads in magenta, 4 px at
   * the least, are drawn so. */
  {
    cairo_surface_t *map = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 600, 450);
    g_autoptr(MqViewport) whole = mq_viewport_new ();
    guint magenta = 0;
    cairo_t *cr;
    MqBox extent;

    mq_dataset_get_extent (sample, &extent);
    mq_viewport_set_size (whole, 600, 450);
    mq_viewport_fit (whole, &extent, 10);
    mq_layer_list_set_style (layers, mq_layer_list_find (layers, MQ_LAYER_ROADS, NULL), "#ff00ff", NULL, 4, NULL);
    mq_renderer_set_layers (renderer, layers);
    cr = cairo_create (map);
    mq_renderer_draw (renderer, cr, whole);
    cairo_destroy (cr);
    cairo_surface_flush (map);
    for (int y = 0; y < 450; y++)
      for (int x = 0; x < 600; x++)
        magenta += pixel (map, x, y) == 0xff00ff;
    g_assert_cmpuint (magenta, >, 500);
    cairo_surface_destroy (map);
    mq_layer_list_set_style (layers, mq_layer_list_find (layers, MQ_LAYER_ROADS, NULL), NULL, NULL, 0, NULL);
  }

  /* An image in the list but hidden is not drawn; shown and moved over the
   * parcels, it is all one sees there. */
  photo = mq_raster_layer_new (tif, mq_dataset_get_display_wkt (sample), &error);
  g_assert_no_error (error);
  mq_layer_list_set_opacity (layers, parcels, 1.0);
  mq_layer_list_set_visible (layers, mq_layer_list_add_file (layers, MQ_LAYER_IMAGE, tif, NULL, 1.0), FALSE);
  mq_renderer_set_layers (renderer, layers);
  mq_renderer_add_raster_layer (renderer, photo);
  hidden_image = render_parcel_centre (renderer, index, vp);
  g_assert_cmphex (hidden_image, ==, fill);
  mq_layer_list_set_visible (layers, mq_layer_list_find (layers, MQ_LAYER_IMAGE, tif), TRUE);
  mq_layer_list_move (layers, mq_layer_list_find (layers, MQ_LAYER_IMAGE, tif),
                      mq_layer_list_get_n_layers (layers) - 1);
  mq_renderer_set_layers (renderer, layers);
  image_on_top = render_parcel_centre (renderer, index, vp);
  {
    g_autofree guint32 *ref = ortho_reference (vp, 400, 300);
    double cx, cy, sx, sy;

    mq_viewport_get_center (vp, &cx, &cy);
    mq_viewport_map_to_screen (vp, cx, cy, &sx, &sy);
    g_assert_true (close_to (image_on_top, ref[(gsize) (sy - 30) * 400 + (gsize) sx], 24));
    g_assert_false (close_to (image_on_top, fill, 8));
  }
}

/* A reference layer from any vector file: a shapefile in GBK with no .cpg
 * reads in Chinese (its bytes judged once); one with no CRS is refused,
 * naming it; a plan's area drawn over the parcels washes them with its
 * colour, in its place. */
static void
test_vector_layer (void)
{
  g_autofree char *gbk = g_build_filename (g_getenv ("MQ_CORPUS_DIR"), "enc-gbk-detect.shp", NULL);
  g_autofree char *no_prj = g_build_filename (g_getenv ("MQ_CORPUS_DIR"), "crs-no-prj.shp", NULL);
  g_autofree char *dir = g_dir_make_tmp ("mq-vector-XXXXXX", NULL);
  g_autofree char *plan = g_build_filename (dir, "控规.geojson", NULL);
  g_autofree char *json = NULL;
  g_autoptr(MqVectorLayer) layer = NULL;
  g_autoptr(MqVectorLayer) refused = NULL;
  g_autoptr(MqVectorLayer) areas = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MqRenderer) renderer = mq_renderer_new ();
  g_autoptr(MqViewport) vp = mq_viewport_new ();
  g_autoptr(MqLayerList) layers = mq_layer_list_new ();
  const char *wkt = mq_dataset_get_display_wkt (sample);
  const char *const *fields;
  guint index = flagged_parcel (), owner = 0;
  double split;
  guint32 fill, washed;
  MqBox b;

  layer = mq_vector_layer_new (gbk, wkt, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mq_vector_layer_get_encoding (layer), ==, "GB18030");
  fields = mq_vector_layer_get_field_names (layer);
  while (fields[owner] != NULL && g_strcmp0 (fields[owner], "QSDWMC") != 0)
    owner++;
  g_assert_nonnull (fields[owner]);
  for (guint n = 0; n < G_N_ELEMENTS (corpus_names); n++)
    {
      gboolean found = FALSE;

      for (guint i = 0; i < mq_vector_layer_get_n_features (layer); i++)
        found |= g_strcmp0 (mq_vector_layer_get_value (layer, i, owner), corpus_names[n]) == 0;
      g_assert_true (found);
    }

  refused = mq_vector_layer_new (no_prj, wkt, NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, MQ_DATASET_ERROR, MQ_DATASET_ERROR_NO_CRS);
  g_assert_nonnull (strstr (error->message, no_prj));
  g_clear_error (&error);
  /* …unless the user said which; a CRS kept in a project is a code or
   * WKT, never a file to read. */
  {
    g_autoptr(MqVectorLayer) told = mq_vector_layer_new (no_prj, wkt, "EPSG:4549", &error);
    g_autoptr(MqVectorLayer) file = mq_vector_layer_new (no_prj, wkt, no_prj, NULL);

    g_assert_no_error (error);
    g_assert_cmpuint (mq_vector_layer_get_n_features (told), >, 0);
    g_assert_null (file);
  }

  /* A plan's two areas round the flagged parcel, split a third of the way
   * across it, in the map's CRS: what the parcel has in each adds up to its
   * own area. */
  b = mq_shapes_get_bbox (mq_parcels_get_shapes (mq_dataset_get_parcels (sample)), index);
  split = b.min_x + (b.max_x - b.min_x) / 3;
  json = g_strdup_printf ("{\"type\": \"FeatureCollection\", \"crs\": {\"type\": \"name\", \"properties\":"
                          " {\"name\": \"urn:ogc:def:crs:EPSG::4549\"}}, \"features\": ["
                          "{\"type\": \"Feature\", \"properties\": {\"用地性质\": \"G1 公园绿地\"},"
                          " \"geometry\": {\"type\": \"Polygon\", \"coordinates\": [[[%.3f, %.3f], [%.3f, %.3f],"
                          " [%.3f, %.3f], [%.3f, %.3f], [%.3f, %.3f]]]}},"
                          "{\"type\": \"Feature\", \"properties\": {\"用地性质\": \"M0 新型产业用地\"},"
                          " \"geometry\": {\"type\": \"Polygon\", \"coordinates\": [[[%.3f, %.3f], [%.3f, %.3f],"
                          " [%.3f, %.3f], [%.3f, %.3f], [%.3f, %.3f]]]}}]}",
                          b.min_x - 200, b.min_y - 200, split, b.min_y - 200, split, b.max_y + 200,
                          b.min_x - 200, b.max_y + 200, b.min_x - 200, b.min_y - 200,
                          split, b.min_y - 200, b.max_x + 200, b.min_y - 200, b.max_x + 200, b.max_y + 200,
                          split, b.max_y + 200, split, b.min_y - 200);
  g_assert_true (g_file_set_contents (plan, json, -1, NULL));
  areas = mq_vector_layer_new (plan, wkt, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mq_vector_layer_get_n_features (areas), ==, 2);
  g_assert_cmpint (mq_vector_layer_get_kind (areas, 1), ==, MQ_VECTOR_AREA);
  g_assert_cmpstr (mq_vector_layer_get_label (areas, 1), ==, "M0 新型产业用地");
  {
    const MqShapes *shapes = mq_parcels_get_shapes (mq_dataset_get_parcels (sample));
    double area = mq_parcels_get (mq_dataset_get_parcels (sample), index)->area_m2;
    g_autoptr(GArray) found = mq_vector_layer_overlaps (areas, shapes, index,
                                                         area / mq_shapes_get_plane_area (shapes, index));

    g_assert_cmpuint (found->len, ==, 2);
    g_assert_cmpfloat (g_array_index (found, MqOverlap, 0).area_m2, >, 0.2 * area);
    g_assert_cmpfloat (g_array_index (found, MqOverlap, 1).area_m2, >, 0.2 * area);
    g_assert_cmpfloat (fabs (g_array_index (found, MqOverlap, 0).area_m2 +
                             g_array_index (found, MqOverlap, 1).area_m2 - area), <, 1e-4 * area);
  }

  mq_renderer_set_dataset (renderer, sample);
  mq_renderer_set_furniture (renderer, FALSE);
  fill = render_parcel_centre (renderer, index, vp);
  mq_layer_list_add_file (layers, MQ_LAYER_VECTOR, plan, NULL, 1.0);
  g_assert_cmpint (mq_layer_list_find (layers, MQ_LAYER_VECTOR, plan), ==,
                   mq_layer_list_find (layers, MQ_LAYER_PARCELS, NULL) + 1);
  mq_renderer_set_layers (renderer, layers);
  mq_renderer_add_vector_layer (renderer, areas);
  washed = render_parcel_centre (renderer, index, vp);
  g_assert_true (close_to (washed, blend (0x6b3d99, fill, 0.18), 3));
  /* Its own colour, when its style gives one. */
  mq_layer_list_set_style (layers, mq_layer_list_find (layers, MQ_LAYER_VECTOR, plan), "#ff0000", NULL, 0, NULL);
  mq_renderer_set_layers (renderer, layers);
  g_assert_true (close_to (render_parcel_centre (renderer, index, vp), blend (0xff0000, fill, 0.18), 3));
  /* Its areas washed in a colour of their own, or not at all. */
  mq_layer_list_set_style (layers, mq_layer_list_find (layers, MQ_LAYER_VECTOR, plan), "#ff0000", "#00ff00", 0, NULL);
  mq_renderer_set_layers (renderer, layers);
  g_assert_true (close_to (render_parcel_centre (renderer, index, vp), blend (0x00ff00, fill, 0.18), 3));
  mq_layer_list_set_style (layers, mq_layer_list_find (layers, MQ_LAYER_VECTOR, plan), "#ff0000", "none", 0, NULL);
  mq_renderer_set_layers (renderer, layers);
  g_assert_cmphex (render_parcel_centre (renderer, index, vp), ==, fill);
  mq_layer_list_set_style (layers, mq_layer_list_find (layers, MQ_LAYER_VECTOR, plan), "#ff0000", NULL, 0, NULL);
  mq_renderer_set_layers (renderer, layers);
  /* Its areas are named where they have room. */
  {
    GArray *labels = mq_renderer_get_labels (renderer);
    gboolean named = FALSE;

    for (guint k = 0; labels != NULL && k < labels->len; k++)
      named |= g_strcmp0 (g_array_index (labels, MqLabel, k).text, "M0 新型产业用地") == 0;
    g_assert_true (named);
    /* …and none when the style says none. */
    mq_layer_list_set_style (layers, mq_layer_list_find (layers, MQ_LAYER_VECTOR, plan), "#ff0000", NULL, 0, "");
    mq_renderer_set_layers (renderer, layers);
    render_parcel_centre (renderer, index, vp);
    labels = mq_renderer_get_labels (renderer);
    for (guint k = 0; labels != NULL && k < labels->len; k++)
      g_assert_cmpstr (g_array_index (labels, MqLabel, k).text, !=, "M0 新型产业用地");
  }
  test_remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *gpkg = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  mq_core_init ();
  gpkg = g_build_filename (g_getenv ("MQ_SAMPLE_DIR"), "maqiao.gpkg", NULL);
  sample = mq_dataset_load (gpkg, NULL, NULL, NULL);
  g_assert_nonnull (sample);

  g_test_add_func ("/map/viewport-round-trip", test_viewport_round_trip);
  g_test_add_func ("/map/measure", test_measure);
  g_test_add_func ("/map/raster-layer", test_raster_layer);
  g_test_add_func ("/map/layer-list-json", test_layer_list_json);
  g_test_add_func ("/map/layers-drawn", test_layers_drawn);
  g_test_add_func ("/map/image-cache", test_image_cache);
  g_test_add_func ("/map/vector-layer", test_vector_layer);
  g_test_add_func ("/map/snap", test_snap);
  g_test_add_func ("/map/viewport-zoom-about-point", test_viewport_zoom_about_point);
  g_test_add_func ("/map/index-matches-scan", test_index_matches_scan);
  g_test_add_func ("/map/hit-test-hole", test_hit_test_hole);
  g_test_add_func ("/map/renderer-theme-colour", test_renderer_theme_colour);
  g_test_add_func ("/map/renderer-performance-colour", test_renderer_performance_colour);
  g_test_add_func ("/map/renderer-outside-view", test_renderer_outside_view);
  g_test_add_func ("/map/renderer-selection", test_renderer_selection);
  g_test_add_func ("/map/filter-fades-outlines", test_filter_fades_outlines);
  g_test_add_func ("/map/scale-bar-round", test_scale_bar_round);
  g_test_add_func ("/map/labels-do-not-overlap", test_labels_do_not_overlap);
  g_test_add_func ("/map/north-angle", test_north_angle);
  g_test_add_func ("/map/legend-counts", test_legend_counts);
  g_test_add_func ("/map/filter", test_filter);
  g_test_add_func ("/map/north-of-dongchuan", test_north_of_dongchuan);
  g_test_add_func ("/map/filtered-summary", test_filtered_summary);
  g_test_add_func ("/map/main-roads-named", test_main_roads_named);
  g_test_add_func ("/map/overview-labels-urgent-first", test_overview_labels_urgent_first);
  g_test_add_func ("/map/label-fields", test_label_fields);
  g_test_add_func ("/map/meeting-room-text", test_meeting_room_text);
  g_test_add_func ("/map/places-find", test_places_find);
  g_test_add_func ("/map/filter-deadline-or", test_filter_deadline_or);
  g_test_add_func ("/map/filter-hits", test_filter_hits);
  g_test_add_func ("/map/level-of-detail", test_level_of_detail);
  g_test_add_func ("/map/tiles", test_tiles);
  status = g_test_run ();
  g_clear_object (&sample);
  return status;
}
