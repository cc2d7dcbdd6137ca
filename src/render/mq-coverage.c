/* mq-coverage.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mq-coverage.h"

#include <math.h>
#include <string.h>

#include "mq-task.h"

/* Coverage is summed in 1/ONE steps per channel (premultiplied), so that
 * the many small contributions to one pixel do not round away. */
#define ONE_SHIFT 12
#define ONE (1 << ONE_SHIFT)

struct _MqCoverage
{
  int         width, height;     /* of the target, in device pixels */
  cairo_matrix_t to_device;      /* user space → device pixels: scale and offset only */
  guint16    *sum;               /* 4 per pixel: r, g, b, a; allocated when first used */
  int         sx, sy, sw, sh;    /* the pixels it has: the target's, or what mq_coverage_limit() leaves */
  int         min_row, max_row;  /* the rows touched */
  int         ox, oy, cols, rows;  /* the shape being covered: its cells */
  float      *acc;               /* (MAX_PX + 3)², its signed areas */
  cairo_surface_t *target;       /* between lines_begin and lines_end */
  guchar     *pixels;
  int         stride;
  guint64    *seen;              /* the lines drawn, by their ends (seen_line()); 0 = a free slot */
  guint32     line_rgb[3];       /* the lines' colour, 0…255: white unless set */
  double      opacity;           /* of the shapes' colours (imagery shows through) */
  gsize       seen_size, n_seen; /* slots (a power of two), lines in them */
};

/* A coverage for drawing into @cr, or NULL when its target is no image or
 * its transform turns (then every parcel is drawn as a path). */
MqCoverage *
mq_coverage_new (cairo_t *cr)
{
  cairo_surface_t *target = cairo_get_target (cr);
  MqCoverage *coverage;
  cairo_matrix_t m;
  double sx = 1, sy = 1;

  if (cairo_surface_get_type (target) != CAIRO_SURFACE_TYPE_IMAGE ||
      cairo_image_surface_get_format (target) != CAIRO_FORMAT_ARGB32)
    return NULL;
  cairo_get_matrix (cr, &m);
  cairo_surface_get_device_scale (target, &sx, &sy);
  if (m.xy != 0 || m.yx != 0 || m.xx <= 0 || m.yy <= 0)
    return NULL;
  coverage = g_new0 (MqCoverage, 1);
  coverage->width = cairo_image_surface_get_width (target);
  coverage->height = cairo_image_surface_get_height (target);
  cairo_matrix_init (&coverage->to_device, m.xx * sx, 0, 0, m.yy * sy, m.x0 * sx, m.y0 * sy);
  coverage->sw = coverage->width;
  coverage->sh = coverage->height;
  coverage->line_rgb[0] = coverage->line_rgb[1] = coverage->line_rgb[2] = 255;
  coverage->opacity = 1.0;
  coverage->min_row = coverage->height;
  coverage->max_row = -1;
  coverage->acc = g_new (float, (gsize) (MQ_COVERAGE_MAX_PX + 3) * (MQ_COVERAGE_MAX_PX + 3));
  return coverage;
}

/* Scale and offset only (mq_coverage_new() refuses anything else). */
static inline void
to_device (MqCoverage *coverage,
           double     *x,
           double     *y)
{
  const cairo_matrix_t *m = &coverage->to_device;

  *x = *x * m->xx + m->x0;
  *y = *y * m->yy + m->y0;
}

/* Keeps the sum to the pixels of a box (user space) that holds every
 * shape to be covered — the data's extent, less than two thirds of an
 * overview frame — instead of the whole target: 16 MB a full-HD frame.
 * Before anything is covered; shapes outside it are left to cairo. */
void
mq_coverage_limit (MqCoverage *coverage,
                   double      min_x,
                   double      min_y,
                   double      max_x,
                   double      max_y)
{
  double x0 = min_x, y0 = min_y, x1 = max_x, y1 = max_y, t;

  g_return_if_fail (coverage->sum == NULL);

  to_device (coverage, &x0, &y0);
  to_device (coverage, &x1, &y1);
  if (x0 > x1)
    t = x0, x0 = x1, x1 = t;
  if (y0 > y1)
    t = y0, y0 = y1, y1 = t;
  /* A pixel's margin: the cells of a shape reach one past its box. */
  coverage->sx = (int) CLAMP (floor (x0) - 2, 0, coverage->width);
  coverage->sy = (int) CLAMP (floor (y0) - 2, 0, coverage->height);
  coverage->sw = (int) CLAMP (ceil (x1) + 3, coverage->sx, coverage->width) - coverage->sx;
  coverage->sh = (int) CLAMP (ceil (y1) + 3, coverage->sy, coverage->height) - coverage->sy;
}

/* Whether device pixels from (x0, y0) to (x1, y1) are all in the sum. */
static inline gboolean
in_sum (MqCoverage *coverage,
        double      x0,
        double      y0,
        double      x1,
        double      y1)
{
  return x0 >= coverage->sx && y0 >= coverage->sy &&
         x1 < coverage->sx + coverage->sw && y1 < coverage->sy + coverage->sh;
}

/* The sum's values for the pixel (x, y). */
static inline guint16 *
sum_at (MqCoverage *coverage,
        guint16    *sum,
        int         x,
        int         y)
{
  return sum + 4 * ((gsize) (y - coverage->sy) * coverage->sw + (x - coverage->sx));
}

/* A frame's sum is megabytes: a fresh one costs the kernel a page fault
 * and a zeroed page each 4 KiB, twice a frame (fills, then deadlines). The
 * last one freed is kept zeroed for the next of its size, one for the whole
 * process (whichever thread draws). */
static GMutex spare_lock;
static guint16 *spare_sum;   /* zeroed; of spare_n values */
static gsize spare_n;

static gsize
sum_length (MqCoverage *coverage)
{
  return 4 * (gsize) coverage->sw * coverage->sh;
}

static guint16 *
take_sum (MqCoverage *coverage)
{
  guint16 *sum = NULL;

  mq_mutex_lock (&spare_lock);
  if (spare_sum != NULL && spare_n == sum_length (coverage))
    sum = g_steal_pointer (&spare_sum);
  mq_mutex_unlock (&spare_lock);
  return sum != NULL ? sum : g_new0 (guint16, sum_length (coverage));
}

static void
give_back_sum (MqCoverage *coverage)
{
  guint16 *old;

  /* Only the rows touched are not zero. */
  if (coverage->max_row >= coverage->min_row)
    memset (sum_at (coverage, coverage->sum, coverage->sx, coverage->min_row), 0,
            sizeof (guint16) * 4 * (gsize) (coverage->max_row - coverage->min_row + 1) * coverage->sw);
  mq_mutex_lock (&spare_lock);
  old = spare_sum;
  spare_sum = g_steal_pointer (&coverage->sum);
  spare_n = sum_length (coverage);
  mq_mutex_unlock (&spare_lock);
  g_free (old);
}

void
mq_coverage_free (MqCoverage *coverage)
{
  if (coverage == NULL)
    return;
  if (coverage->sum != NULL)
    give_back_sum (coverage);
  g_free (coverage->seen);
  g_free (coverage->acc);
  g_free (coverage);
}


/* Adds @cover (0…ONE) of a colour given in 0…ONE steps, premultiplied. */
static inline void
add_to_pixel (guint16       *p,
              guint32        cover,
              const guint32  color[3])
{
  guint32 v;

  for (int c = 0; c < 3; c++)
    {
      v = p[c] + ((color[c] * cover + (guint32) ONE / 2) >> ONE_SHIFT);
      p[c] = (guint16) MIN (v, 65535u);
    }
  v = p[3] + cover;
  p[3] = (guint16) MIN (v, 65535u);
}

/* A colour in 0…ONE steps, and the sum it goes to, allocated when first used. */
static guint16 *
sum_for (MqCoverage  *coverage,
         const MqRgb *color,
         guint32      rgb[3])
{
  rgb[0] = (guint32) (color->r * ONE + 0.5);
  rgb[1] = (guint32) (color->g * ONE + 0.5);
  rgb[2] = (guint32) (color->b * ONE + 0.5);
  if (coverage->sum == NULL)
    coverage->sum = take_sum (coverage);
  return coverage->sum;
}

/* Whether a box (user space) is under MQ_COVERAGE_BOX_PX: where inside it
 * a parcel's area lies is then below what a pixel can show. */
gboolean
mq_coverage_is_tiny (MqCoverage *coverage,
                     double      min_x,
                     double      min_y,
                     double      max_x,
                     double      max_y)
{
  const cairo_matrix_t *m = &coverage->to_device;

  return (max_x - min_x) * m->xx < MQ_COVERAGE_BOX_PX && (max_y - min_y) * m->yy < MQ_COVERAGE_BOX_PX;
}

/* A tiny shape (mq_coverage_is_tiny()): @area (square user units) spread
 * over its box (user space), each pixel getting the share its overlap
 * holds, at a tenth of the cost of rasterising its rings. FALSE when the
 * box is not wholly on the target. */
gboolean
mq_coverage_add_box (MqCoverage  *coverage,
                     double       min_x,
                     double       min_y,
                     double       max_x,
                     double       max_y,
                     double       area,
                     const MqRgb *color)
{
  const cairo_matrix_t *m = &coverage->to_device;
  guint32 rgb[3];
  guint16 *sum;
  double x0 = min_x, y0 = min_y, x1 = max_x, y1 = max_y, share;

  to_device (coverage, &x0, &y0);
  to_device (coverage, &x1, &y1);
  if (!in_sum (coverage, x0, y0, x1, y1))
    return FALSE;
  /* A box of no width still covers its line: give it a hair. */
  x1 = MAX (x1, x0 + 1e-3), y1 = MAX (y1, y0 + 1e-3);
  share = MIN (1.0, area * m->xx * m->yy / ((x1 - x0) * (y1 - y0))) * coverage->opacity;
  sum = sum_for (coverage, color, rgb);
  for (int py = (int) floor (y0); py < (int) ceil (y1); py++)
    {
      double oy = MIN (y1, py + 1.0) - MAX (y0, (double) py);
      int first = (int) floor (x0);
      guint16 *row = sum_at (coverage, sum, first, py);

      for (int px = first; px < (int) ceil (x1); px++)
        {
          double ox = MIN (x1, px + 1.0) - MAX (x0, (double) px);

          add_to_pixel (row + 4 * (px - first), (guint32) (share * ox * oy * ONE + 0.5), rgb);
        }
      coverage->min_row = MIN (coverage->min_row, py);
      coverage->max_row = MAX (coverage->max_row, py);
    }
  return TRUE;
}

/* Starts a parcel whose box (user space) is the given one; FALSE when it
 * is too big to be covered, or not wholly on the target (cairo draws it). */
gboolean
mq_coverage_begin_shape (MqCoverage *coverage,
                         double      min_x,
                         double      min_y,
                         double      max_x,
                         double      max_y)
{
  double x0 = min_x, y0 = min_y, x1 = max_x, y1 = max_y;

  to_device (coverage, &x0, &y0);
  to_device (coverage, &x1, &y1);
  if (x1 - x0 >= MQ_COVERAGE_MAX_PX || y1 - y0 >= MQ_COVERAGE_MAX_PX ||
      !in_sum (coverage, x0, y0, x1, y1))
    return FALSE;
  coverage->ox = (int) floor (x0);
  coverage->oy = (int) floor (y0);
  coverage->cols = (int) ceil (x1) - coverage->ox + 2;
  coverage->rows = (int) ceil (y1) - coverage->oy;
  if (coverage->rows < 1)
    coverage->rows = 1;
  memset (coverage->acc, 0, sizeof (float) * (gsize) coverage->cols * coverage->rows);
  return TRUE;
}

/* One edge of the parcel's rings, in user space: its signed area goes to
 * the cells it crosses (the accumulation rasteriser of Raph Levien's
 * font-rs: a running sum along each row then gives each pixel's coverage). */
void
mq_coverage_edge (MqCoverage *coverage,
                  double      ux0,
                  double      uy0,
                  double      ux1,
                  double      uy1)
{
  double dir = 1, dxdy, x, y0, y1, px0, px1;
  float *acc = coverage->acc;
  int cols = coverage->cols;

  to_device (coverage, &ux0, &uy0);
  to_device (coverage, &ux1, &uy1);
  /* Rounding may put a vertex a hair outside the cells: kept inside. */
  px0 = CLAMP (ux0 - coverage->ox, 0, cols - 2.0), y0 = uy0 - coverage->oy;
  px1 = CLAMP (ux1 - coverage->ox, 0, cols - 2.0), y1 = uy1 - coverage->oy;
  if (y0 == y1)
    return;
  if (y0 > y1)
    {
      double t;

      dir = -1;
      t = px0, px0 = px1, px1 = t;
      t = y0, y0 = y1, y1 = t;
    }
  dxdy = (px1 - px0) / (y1 - y0);
  x = px0;
  for (int y = MAX (0, (int) floor (y0)); y < MIN (coverage->rows, (int) ceil (y1)); y++)
    {
      float *line = acc + (gsize) y * cols;
      double dy = MIN (y + 1.0, y1) - MAX ((double) y, y0);
      double xnext = x + dxdy * dy, d = dy * dir;
      double xa = MIN (x, xnext), xb = MAX (x, xnext);
      double xa_floor = floor (xa), xb_ceil = ceil (xb);
      int ia = (int) xa_floor, ib = (int) xb_ceil;

      if (ib <= ia + 1)
        {
          double xmf = 0.5 * (x + xnext) - xa_floor;

          line[ia] += d - d * xmf;
          line[ia + 1] += d * xmf;
        }
      else
        {
          double span = 1.0 / (xb - xa);
          double fa = xa - xa_floor, fb = xb - xb_ceil + 1;
          double a0 = 0.5 * span * (1 - fa) * (1 - fa), am = 0.5 * span * fb * fb;

          line[ia] += d * a0;
          if (ib == ia + 2)
            line[ia + 1] += d * (1 - a0 - am);
          else
            {
              double a1 = span * (1.5 - fa), a2;

              line[ia + 1] += d * (a1 - a0);
              for (int xi = ia + 2; xi < ib - 1; xi++)
                line[xi] += d * span;
              a2 = a1 + (ib - ia - 3) * span;
              line[ib - 1] += d * (1 - a2 - am);
            }
          line[ib] += d * am;
        }
      x = xnext;
    }
}

/* Ends the shape: each pixel gets its colour times the part of the pixel
 * the rings cover, even-odd as cairo fills parcels, or (a band of quads,
 * all turning the same way) wherever any of them covers. */
void
mq_coverage_end_shape (MqCoverage  *coverage,
                       const MqRgb *color,
                       gboolean     even_odd)
{
  guint32 rgb[3];
  guint16 *sum = sum_for (coverage, color, rgb);
  int cols = MIN (coverage->cols, coverage->sx + coverage->sw - coverage->ox);
  int rows = MIN (coverage->rows, coverage->sy + coverage->sh - coverage->oy);

  for (int y = 0; y < rows; y++)
    {
      const float *line = coverage->acc + (gsize) y * coverage->cols;
      guint16 *row = sum_at (coverage, sum, coverage->ox, coverage->oy + y);
      float winding = 0;

      for (int x = 0; x < cols; x++)
        {
          float cover;

          winding += line[x];
          cover = fabsf (winding);
          if (cover > 1 && !even_odd)
            cover = 1;
          else if (cover > 1)
            {
              cover = fmodf (cover, 2.0f);
              cover = cover > 1 ? 2 - cover : cover;
            }
          cover *= (float) coverage->opacity;
          if (cover > 1.0f / ONE)
            add_to_pixel (row + 4 * x, (guint32) (cover * ONE + 0.5f), rgb);
        }
    }
  coverage->min_row = MIN (coverage->min_row, coverage->oy);
  coverage->max_row = MAX (coverage->max_row, coverage->oy + rows - 1);
}

/* A pixel of the sum as premultiplied ARGB. */
static inline guint32
sum_pixel (const guint16 *p)
{
  guint32 a, r, g, b;

  if (p[3] == 0)
    return 0;
  a = MIN (255u, (p[3] * 255u + ONE / 2) >> ONE_SHIFT);
  if (p[3] <= ONE)
    {
      r = MIN (a, (p[0] * 255u + ONE / 2) >> ONE_SHIFT);
      g = MIN (a, (p[1] * 255u + ONE / 2) >> ONE_SHIFT);
      b = MIN (a, (p[2] * 255u + ONE / 2) >> ONE_SHIFT);
    }
  else
    {
      /* Where shapes overlap (outlines of neighbours) the sum passes
       * full cover: the colour is their mean, not a brighter one. */
      r = MIN (a, (p[0] * 255u + p[3] / 2) / p[3]);
      g = MIN (a, (p[1] * 255u + p[3] / 2) / p[3]);
      b = MIN (a, (p[2] * 255u + p[3] / 2) / p[3]);
    }
  return a << 24 | r << 16 | g << 8 | b;
}

/* @src over @dst, both premultiplied: dst·(255 − α)/255 + src, two
 * channels to a multiplication, divided by 255 with rounding. */
static inline guint32
over (guint32 src,
      guint32 dst)
{
  guint32 inv = 255 - (src >> 24), rb, ag;

  rb = (dst & 0x00ff00ffu) * inv + 0x00800080u;
  rb = ((rb + ((rb >> 8) & 0x00ff00ffu)) >> 8) & 0x00ff00ffu;
  ag = ((dst >> 8) & 0x00ff00ffu) * inv + 0x00800080u;
  ag = (ag + ((ag >> 8) & 0x00ff00ffu)) & 0xff00ff00u;
  return (rb | ag) + src;
}

/* Paints what was covered over what @cr holds: straight into its pixels
 * when nothing clips it (one pass), else as one image cairo paints. */
void
mq_coverage_paint (MqCoverage *coverage,
                   cairo_t    *cr)
{
  cairo_surface_t *image;
  guint32 *row;
  int stride, n_rows;

  if (coverage->sum == NULL || coverage->max_row < coverage->min_row)
    return;
  if (mq_coverage_lines_begin (coverage, cr))
    {
      for (int y = coverage->min_row; y <= coverage->max_row; y++)
        {
          const guint16 *p = sum_at (coverage, coverage->sum, coverage->sx, y);

          row = (guint32 *) (coverage->pixels + (gsize) y * coverage->stride);
          for (int x = coverage->sx; x < coverage->sx + coverage->sw; x++, p += 4)
            if (p[3] != 0)
              row[x] = over (sum_pixel (p), row[x]);
        }
      mq_coverage_lines_end (coverage);
      return;
    }
  n_rows = coverage->max_row - coverage->min_row + 1;
  image = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, coverage->sw, n_rows);
  stride = cairo_image_surface_get_stride (image);
  cairo_surface_flush (image);
  for (int y = 0; y < n_rows; y++)
    {
      const guint16 *p = sum_at (coverage, coverage->sum, coverage->sx, y + coverage->min_row);

      row = (guint32 *) (cairo_image_surface_get_data (image) + (gsize) y * stride);
      for (int x = 0; x < coverage->sw; x++, p += 4)
        row[x] = sum_pixel (p);
    }
  cairo_surface_mark_dirty (image);
  /* The image is in device pixels: painted with the identity transform. */
  cairo_save (cr);
  cairo_identity_matrix (cr);
  {
    double sx = 1, sy = 1;

    cairo_surface_get_device_scale (cairo_get_target (cr), &sx, &sy);
    cairo_scale (cr, 1 / sx, 1 / sy);
  }
  cairo_set_source_surface (cr, image, coverage->sx, coverage->min_row);
  cairo_paint (cr);
  cairo_restore (cr);
  cairo_surface_destroy (image);
}

/* Whether lines can go straight into @cr's target: nothing clips it (a
 * clip would be cairo's to keep). Flushes what cairo has drawn so far. */
gboolean
mq_coverage_lines_begin (MqCoverage *coverage,
                         cairo_t    *cr)
{
  cairo_rectangle_list_t *clip = cairo_copy_clip_rectangle_list (cr);
  double x0 = 0, y0 = 0, x1 = coverage->width, y1 = coverage->height;
  gboolean whole;

  cairo_device_to_user (cr, &x0, &y0);
  cairo_device_to_user (cr, &x1, &y1);
  whole = clip->status == CAIRO_STATUS_SUCCESS && clip->num_rectangles == 1 &&
          clip->rectangles[0].x <= x0 && clip->rectangles[0].y <= y0 &&
          clip->rectangles[0].x + clip->rectangles[0].width >= x1 &&
          clip->rectangles[0].y + clip->rectangles[0].height >= y1;
  cairo_rectangle_list_destroy (clip);
  if (!whole)
    return FALSE;
  coverage->target = cairo_get_target (cr);
  cairo_surface_flush (coverage->target);
  coverage->pixels = cairo_image_surface_get_data (coverage->target);
  coverage->stride = cairo_image_surface_get_stride (coverage->target);
  return coverage->pixels != NULL;
}

void
mq_coverage_lines_end (MqCoverage *coverage)
{
  if (coverage->target != NULL)
    cairo_surface_mark_dirty (coverage->target);
  coverage->target = NULL;
  coverage->pixels = NULL;
}

/* White over a pixel at @k/256, premultiplied: each channel c becomes
 * c + (255 − c)·k/256, two channels to a multiplication (red and blue,
 * then alpha and green; (255 − c)·k stays within its 16 bits). */
static inline void
whiten (guint32 *p,
        guint32  k)
{
  guint32 v = *p, rb, ag;

  rb = v & 0x00ff00ffu;
  ag = (v >> 8) & 0x00ff00ffu;
  rb += (((0x00ff00ffu - rb) * k) >> 8) & 0x00ff00ffu;
  ag += (((0x00ff00ffu - ag) * k) >> 8) & 0x00ff00ffu;
  *p = rb | (ag << 8);
}

/* The lines' colour over a pixel at @k/256, premultiplied (opaque colour:
 * the pixel's alpha goes up as white's does). */
static inline void
tint (MqCoverage *coverage,
      guint32    *p,
      guint32     k)
{
  guint32 v = *p, a = v >> 24, out = 0;

  if (k == 0)
    return;
  for (int c = 0; c < 3; c++)
    {
      guint32 ch = (v >> (16 - 8 * c)) & 0xff;

      out |= ((coverage->line_rgb[c] * k + ch * (256 - k)) >> 8) << (16 - 8 * c);
    }
  *p = out | ((255 * k + a * (256 - k)) >> 8) << 24;
}

/* Shapes covered from now on are see-through: @opacity of their colour. */
void
mq_coverage_set_opacity (MqCoverage *coverage,
                         double      opacity)
{
  coverage->opacity = CLAMP (opacity, 0.0, 1.0);
}

/* Lines in @color from now on (white until then). */
void
mq_coverage_set_line_color (MqCoverage  *coverage,
                            const MqRgb *color)
{
  coverage->line_rgb[0] = (guint32) (color->r * 255 + 0.5);
  coverage->line_rgb[1] = (guint32) (color->g * 255 + 0.5);
  coverage->line_rgb[2] = (guint32) (color->b * 255 + 0.5);
}

/* A line wider than a pixel: each column (row, for a steep one) gets the
 * part of each pixel the line's width across covers. Its ends are square,
 * the next segment's overlapping them at a corner. */
static void
wide_line (MqCoverage *coverage,
           double      x0,
           double      y0,
           double      x1,
           double      y1,
           double      width,
           double      alpha,
           gboolean    steep)
{
  double gradient = x1 - x0 > 1e-9 ? (y1 - y0) / (x1 - x0) : 0;
  double half = width * sqrt (1 + gradient * gradient) / 2;
  int n_along = steep ? coverage->height : coverage->width;
  int n_across = steep ? coverage->width : coverage->height;
  gsize step_along = steep ? coverage->stride : 4, step_across = steep ? 4 : coverage->stride;
  int xs = MAX ((int) floor (x0 + 0.5), 0), xe = MIN ((int) floor (x1 + 0.5), n_along);

  for (int x = xs; x < xe; x++)
    {
      double yc = y0 + gradient * (x + 0.5 - x0), top = yc - half, bottom = yc + half;
      guchar *line = coverage->pixels + (gsize) x * step_along;

      for (int iy = MAX ((int) floor (top), 0); iy <= MIN ((int) floor (bottom), n_across - 1); iy++)
        {
          double cover = MIN (bottom, iy + 1.0) - MAX (top, (double) iy);

          tint (coverage, (guint32 *) (line + (gsize) iy * step_across),
                (guint32) (MIN (cover, 1.0) * alpha * 256 + 0.5));
        }
    }
}

static inline guint64
mix64 (guint64 h)
{
  /* splitmix64's finaliser */
  h ^= h >> 30, h *= G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  h ^= h >> 27, h *= G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return h ^ (h >> 31);
}

#define SEEN_MIN_PX 8

static gboolean seen_add (MqCoverage *coverage, guint64 key);

/* @v in 1/16 units, to the nearest (a conversion, not a call to lround()). */
static inline gint64
sixteenths (double v)
{
  return (gint64) (v * 16 + (v >= 0 ? 0.5 : -0.5));
}

static void
seen_grow (MqCoverage *coverage)
{
  guint64 *old = coverage->seen;
  gsize old_size = coverage->seen_size;

  coverage->seen_size = MAX (old_size * 2, 1u << 16);
  coverage->seen = g_new0 (guint64, coverage->seen_size);
  coverage->n_seen = 0;
  for (gsize i = 0; i < old_size; i++)
    if (old[i] != 0)
      seen_add (coverage, old[i]);
  g_free (old);
}

/* Adds @key (not 0) to the lines seen; FALSE when it was there already. */
static gboolean
seen_add (MqCoverage *coverage,
          guint64     key)
{
  gsize mask, i;

  if (2 * (coverage->n_seen + 1) > coverage->seen_size)
    seen_grow (coverage);
  mask = coverage->seen_size - 1;
  for (i = key & mask; coverage->seen[i] != 0; i = (i + 1) & mask)
    if (coverage->seen[i] == key)
      return FALSE;
  coverage->seen[i] = key;
  coverage->n_seen++;
  return TRUE;
}

/* Whether a line between these ends (device pixels, either way round) was
 * drawn before. Neighbouring parcels share their edges, each going round
 * its own way: drawn once, a close view's outlines cost half (they were a
 * quarter of its frame), and a shared edge is as white as any other. The
 * ends are compared to 1/16 px; two lines taken for one would need their
 * 64-bit fingerprints to collide. */
static gboolean
seen_line (MqCoverage *coverage,
           double      x0,
           double      y0,
           double      x1,
           double      y1)
{
  gint64 a = sixteenths (x0), b = sixteenths (y0), c = sixteenths (x1), d = sixteenths (y1), t;
  guint64 key;

  if (a > c || (a == c && b > d))
    t = a, a = c, c = t, t = b, b = d, d = t;
  key = mix64 ((guint64) a * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15) ^
               (guint64) b * G_GUINT64_CONSTANT (0xc2b2ae3d27d4eb4f) ^
               (guint64) c * G_GUINT64_CONSTANT (0x165667b19e3779f9) ^
               (guint64) d * G_GUINT64_CONSTANT (0x27d4eb2f165667c5));
  return !seen_add (coverage, key | 1);
}

/* A line (white, or as mq_coverage_set_line_color() set) @width device
 * pixels wide at @alpha from (x0, y0) to (x1,
 * y1) in user space: Wu's algorithm, each column (or row, for a steep line)
 * sharing the line's coverage between the two pixels nearest it. The last
 * pixel is left to the next segment of the ring. */
void
mq_coverage_line (MqCoverage *coverage,
                  double      x0,
                  double      y0,
                  double      x1,
                  double      y1,
                  double      width,
                  double      alpha)
{
  gboolean steep;
  double gradient, amount;
  int xs, xe, n_along, n_across;
  gsize step_along, step_across;
  gint64 yc, dy;
  guint32 total;
  gboolean white = coverage->line_rgb[0] == 255 && coverage->line_rgb[1] == 255 && coverage->line_rgb[2] == 255;

  to_device (coverage, &x0, &y0);
  to_device (coverage, &x1, &y1);
  /* A short line costs less to draw twice than to look up: at overview
   * scale the lines of 10⁵ parcels would fill a table far bigger than the
   * caches. */
  if ((x1 - x0) * (x1 - x0) + (y1 - y0) * (y1 - y0) >= SEEN_MIN_PX * SEEN_MIN_PX &&
      seen_line (coverage, x0, y0, x1, y1))
    return;
  steep = fabs (y1 - y0) > fabs (x1 - x0);
  if (steep)
    {
      double t;

      t = x0, x0 = y0, y0 = t;
      t = x1, x1 = y1, y1 = t;
    }
  if (x0 > x1)
    {
      double t;

      t = x0, x0 = x1, x1 = t;
      t = y0, y0 = y1, y1 = t;
    }
  if (width > 1.0)
    {
      wide_line (coverage, x0, y0, x1, y1, width, alpha, steep);
      return;
    }
  gradient = x1 - x0 > 1e-9 ? (y1 - y0) / (x1 - x0) : 0;
  /* A line crossing a column at a slant covers more of it. */
  amount = MIN (1.0, width * sqrt (1 + gradient * gradient)) * alpha * 256;
  total = (guint32) (amount + 0.5);
  /* Along x (columns, or rows for a steep line) only the target's part is
   * walked; across it, each of the two pixels is tested. */
  n_along = steep ? coverage->height : coverage->width;
  n_across = steep ? coverage->width : coverage->height;
  step_along = steep ? coverage->stride : 4;
  step_across = steep ? 4 : coverage->stride;
  xs = MAX ((int) floor (x0 + 0.5), 0);
  xe = MIN ((int) floor (x1 + 0.5), n_along);
  /* The line's centre across, in 1/65536 pixel, stepped along (the
   * rounding adds up to 0.03 px over 2,000 steps). */
  yc = (gint64) floor ((y0 + gradient * (xs + 0.5 - x0) - 0.5) * 65536);
  dy = (gint64) floor (gradient * 65536 + 0.5);
  for (int x = xs; x < xe; x++, yc += dy)
    {
      int iy = (int) (yc >> 16);
      guint32 k1 = (guint32) (((65536 - (yc & 0xffff)) * total + 32768) >> 16);
      guchar *line = coverage->pixels + (gsize) x * step_along;

      if (!white)
        {
          if ((guint) iy < (guint) n_across)
            tint (coverage, (guint32 *) (line + (gsize) iy * step_across), k1);
          if ((guint) (iy + 1) < (guint) n_across)
            tint (coverage, (guint32 *) (line + (gsize) (iy + 1) * step_across), total - k1);
          continue;
        }
      if ((guint) iy < (guint) n_across)
        whiten ((guint32 *) (line + (gsize) iy * step_across), k1);
      if ((guint) (iy + 1) < (guint) n_across)
        whiten ((guint32 *) (line + (gsize) (iy + 1) * step_across), total - k1);
    }
}

static void
quad (MqCoverage *coverage,
      double      ax,
      double      ay,
      double      bx,
      double      by,
      double      cx,
      double      cy,
      double      dx,
      double      dy)
{
  mq_coverage_edge (coverage, ax, ay, bx, by);
  mq_coverage_edge (coverage, bx, by, cx, cy);
  mq_coverage_edge (coverage, cx, cy, dx, dy);
  mq_coverage_edge (coverage, dx, dy, ax, ay);
}

/* A triangle turned the way the bands' quads turn (see below). */
static void
triangle (MqCoverage *coverage,
          double      ax,
          double      ay,
          double      bx,
          double      by,
          double      cx,
          double      cy)
{
  if ((bx - ax) * (cy - ay) - (by - ay) * (cx - ax) > 0)
    {
      double t;

      t = bx, bx = cx, cx = t;
      t = by, by = cy, cy = t;
    }
  mq_coverage_edge (coverage, ax, ay, bx, by);
  mq_coverage_edge (coverage, bx, by, cx, cy);
  mq_coverage_edge (coverage, cx, cy, ax, ay);
}

/* A line @width wide from a to b as a band for a shape ended non-zero (the
 * quad along it), and the bevel joining it at a to the line before, which
 * ended at a turned by (pnx, pny): its half-width normal (0, 0 for none). */
void
mq_coverage_band (MqCoverage *coverage,
                  double      ax,
                  double      ay,
                  double      bx,
                  double      by,
                  double      width,
                  double     *pnx,
                  double     *pny)
{
  double len = hypot (bx - ax, by - ay), h = width / 2, nx, ny;

  if (len < 1e-9)
    return;
  /* Every quad turns the same way (negative cross product, with the left
   * normal): their windings add, never cancel. */
  nx = -(by - ay) / len * h, ny = (bx - ax) / len * h;
  quad (coverage, ax + nx, ay + ny, bx + nx, by + ny, bx - nx, by - ny, ax - nx, ay - ny);
  if (*pnx != 0 || *pny != 0)
    {
      triangle (coverage, ax, ay, ax + *pnx, ay + *pny, ax + nx, ay + ny);
      triangle (coverage, ax, ay, ax - *pnx, ay - *pny, ax - nx, ay - ny);
    }
  *pnx = nx, *pny = ny;
}
