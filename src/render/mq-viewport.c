/* mq-viewport.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mq-viewport.h"

#include <math.h>

/* From a whole province down to a building's corner. */
#define MIN_RESOLUTION 0.02
#define MAX_RESOLUTION 2000.0

struct _MqViewport
{
  GObject parent_instance;

  double  center_x;
  double  center_y;
  double  resolution;
  double  width;
  double  height;
};

G_DEFINE_FINAL_TYPE (MqViewport, mq_viewport, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_RESOLUTION,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
mq_viewport_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  MqViewport *self = MQ_VIEWPORT (object);

  switch (prop_id)
    {
    case PROP_RESOLUTION:
      g_value_set_double (value, self->resolution);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mq_viewport_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  MqViewport *self = MQ_VIEWPORT (object);

  switch (prop_id)
    {
    case PROP_RESOLUTION:
      mq_viewport_set_resolution (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mq_viewport_class_init (MqViewportClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = mq_viewport_get_property;
  object_class->set_property = mq_viewport_set_property;

  properties[PROP_RESOLUTION] =
    g_param_spec_double ("resolution", NULL, NULL, MIN_RESOLUTION, MAX_RESOLUTION, 10.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* One signal for any change, so that a view redraws once per change. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
mq_viewport_init (MqViewport *self)
{
  self->resolution = 10.0;
  self->width = 1.0;
  self->height = 1.0;
}

MqViewport *
mq_viewport_new (void)
{
  return g_object_new (MQ_TYPE_VIEWPORT, NULL);
}

static void
changed (MqViewport *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

void
mq_viewport_set_size (MqViewport *self,
                      double      width,
                      double      height)
{
  g_return_if_fail (MQ_IS_VIEWPORT (self));

  width = MAX (width, 1.0);
  height = MAX (height, 1.0);
  if (self->width == width && self->height == height)
    return;
  self->width = width;
  self->height = height;
  changed (self);
}

double
mq_viewport_get_width (MqViewport *self)
{
  g_return_val_if_fail (MQ_IS_VIEWPORT (self), 0);
  return self->width;
}

double
mq_viewport_get_height (MqViewport *self)
{
  g_return_val_if_fail (MQ_IS_VIEWPORT (self), 0);
  return self->height;
}

void
mq_viewport_set_center (MqViewport *self,
                        double      x,
                        double      y)
{
  g_return_if_fail (MQ_IS_VIEWPORT (self));

  if (self->center_x == x && self->center_y == y)
    return;
  self->center_x = x;
  self->center_y = y;
  changed (self);
}

void
mq_viewport_get_center (MqViewport *self,
                        double     *x,
                        double     *y)
{
  g_return_if_fail (MQ_IS_VIEWPORT (self));
  *x = self->center_x;
  *y = self->center_y;
}

void
mq_viewport_set_resolution (MqViewport *self,
                            double      resolution)
{
  g_return_if_fail (MQ_IS_VIEWPORT (self));

  resolution = CLAMP (resolution, MIN_RESOLUTION, MAX_RESOLUTION);
  if (self->resolution == resolution)
    return;
  self->resolution = resolution;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESOLUTION]);
  changed (self);
}

double
mq_viewport_get_resolution (MqViewport *self)
{
  g_return_val_if_fail (MQ_IS_VIEWPORT (self), 0);
  return self->resolution;
}

void
mq_viewport_map_to_screen (MqViewport *self,
                           double      mx,
                           double      my,
                           double     *sx,
                           double     *sy)
{
  *sx = (mx - self->center_x) / self->resolution + self->width / 2.0;
  *sy = self->height / 2.0 - (my - self->center_y) / self->resolution;
}

void
mq_viewport_screen_to_map (MqViewport *self,
                           double      sx,
                           double      sy,
                           double     *mx,
                           double     *my)
{
  *mx = self->center_x + (sx - self->width / 2.0) * self->resolution;
  *my = self->center_y - (sy - self->height / 2.0) * self->resolution;
}

void
mq_viewport_get_visible_box (MqViewport *self,
                             MqBox      *box)
{
  mq_viewport_screen_to_map (self, 0, self->height, &box->min_x, &box->min_y);
  mq_viewport_screen_to_map (self, self->width, 0, &box->max_x, &box->max_y);
}

/* Shows the whole box with a margin of free pixels round it. */
void
mq_viewport_fit (MqViewport  *self,
                 const MqBox *box,
                 double       margin_px)
{
  mq_viewport_fit_padded (self, box, margin_px, margin_px, margin_px, margin_px);
}

/* Shows the whole box in what cards over the map leave free: @top, @right,
 * @bottom and @left pixels of each side are covered. */
void
mq_viewport_fit_padded (MqViewport  *self,
                        const MqBox *box,
                        double       top,
                        double       right,
                        double       bottom,
                        double       left)
{
  double w = MAX (self->width - left - right, 1.0);
  double h = MAX (self->height - top - bottom, 1.0);
  double res = MAX ((box->max_x - box->min_x) / w, (box->max_y - box->min_y) / h);

  g_return_if_fail (MQ_IS_VIEWPORT (self));

  if (mq_box_is_empty (box))
    return;
  res = CLAMP (res, MIN_RESOLUTION, MAX_RESOLUTION);
  /* The box's middle goes to the middle of the free area, not of the view. */
  self->center_x = (box->min_x + box->max_x) / 2.0 - (left - right) / 2.0 * res;
  self->center_y = (box->min_y + box->max_y) / 2.0 + (top - bottom) / 2.0 * res;
  self->resolution = res;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESOLUTION]);
  changed (self);
}

/* Standard rendering pixel (0.28 mm, OGC): what "1:N" means on a screen.
 * Map units are metres (the display CRS is projected). */
#define PIXEL_SIZE_M 0.00028

/* The scale's denominator N of 1:N. */
double
mq_viewport_get_scale (MqViewport *self)
{
  g_return_val_if_fail (MQ_IS_VIEWPORT (self), 0);
  return self->resolution / PIXEL_SIZE_M;
}

/* Shows the map at 1:@denominator about the same centre. */
void
mq_viewport_set_scale (MqViewport *self,
                       double      denominator)
{
  g_return_if_fail (MQ_IS_VIEWPORT (self));
  g_return_if_fail (denominator > 0);

  mq_viewport_set_resolution (self, denominator * PIXEL_SIZE_M);
}

/* Whether both show the same ground at the same scale (their sizes aside). */
gboolean
mq_viewport_same_view (MqViewport *self,
                       MqViewport *other)
{
  g_return_val_if_fail (MQ_IS_VIEWPORT (self) && MQ_IS_VIEWPORT (other), FALSE);

  return fabs (self->center_x - other->center_x) < 1e-6 * self->resolution &&
         fabs (self->center_y - other->center_y) < 1e-6 * self->resolution &&
         fabs (self->resolution - other->resolution) < 1e-9 * self->resolution;
}

/* Zooms by factor (> 1 zooms in) keeping the map point under (sx, sy) fixed. */
void
mq_viewport_zoom_at (MqViewport *self,
                     double      factor,
                     double      sx,
                     double      sy)
{
  double mx, my, res;

  g_return_if_fail (MQ_IS_VIEWPORT (self));

  mq_viewport_screen_to_map (self, sx, sy, &mx, &my);
  res = CLAMP (self->resolution / factor, MIN_RESOLUTION, MAX_RESOLUTION);
  self->center_x = mx - (sx - self->width / 2.0) * res;
  self->center_y = my + (sy - self->height / 2.0) * res;
  self->resolution = res;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESOLUTION]);
  changed (self);
}

void
mq_viewport_pan_pixels (MqViewport *self,
                        double      dx,
                        double      dy)
{
  g_return_if_fail (MQ_IS_VIEWPORT (self));

  mq_viewport_set_center (self, self->center_x - dx * self->resolution,
                          self->center_y + dy * self->resolution);
}

MqViewport *
mq_viewport_copy (MqViewport *self)
{
  MqViewport *copy = mq_viewport_new ();

  g_return_val_if_fail (MQ_IS_VIEWPORT (self), copy);

  copy->center_x = self->center_x;
  copy->center_y = self->center_y;
  copy->resolution = self->resolution;
  copy->width = self->width;
  copy->height = self->height;
  return copy;
}
