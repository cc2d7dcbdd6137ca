/* mq-viewport.h — what part of the map is shown, and how big.
 *
 * State only (after libshumate's ShumateViewport): a centre in map units of
 * the display CRS, the map units per pixel, the pixel size. It knows no
 * widget, so the same viewport drives the screen and the exports.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "mq-types.h"

G_BEGIN_DECLS

#define MQ_TYPE_VIEWPORT (mq_viewport_get_type ())

G_DECLARE_FINAL_TYPE (MqViewport, mq_viewport, MQ, VIEWPORT, GObject)

MqViewport *mq_viewport_new             (void);
MqViewport *mq_viewport_copy            (MqViewport  *self);
void        mq_viewport_set_size        (MqViewport  *self,
                                         double       width,
                                         double       height);
double      mq_viewport_get_width       (MqViewport  *self);
double      mq_viewport_get_height      (MqViewport  *self);
void        mq_viewport_set_center      (MqViewport  *self,
                                         double       x,
                                         double       y);
void        mq_viewport_get_center      (MqViewport  *self,
                                         double      *x,
                                         double      *y);
void        mq_viewport_set_resolution  (MqViewport  *self,
                                         double       map_units_per_pixel);
double      mq_viewport_get_resolution  (MqViewport  *self);
void        mq_viewport_map_to_screen   (MqViewport  *self,
                                         double       mx,
                                         double       my,
                                         double      *sx,
                                         double      *sy);
void        mq_viewport_screen_to_map   (MqViewport  *self,
                                         double       sx,
                                         double       sy,
                                         double      *mx,
                                         double      *my);
void        mq_viewport_get_visible_box (MqViewport  *self,
                                         MqBox       *box);
void        mq_viewport_fit             (MqViewport  *self,
                                         const MqBox *box,
                                         double       margin_px);
void        mq_viewport_fit_padded      (MqViewport  *self,
                                         const MqBox *box,
                                         double       top,
                                         double       right,
                                         double       bottom,
                                         double       left);
double      mq_viewport_get_scale       (MqViewport  *self);
void        mq_viewport_set_scale       (MqViewport  *self,
                                         double       denominator);
gboolean    mq_viewport_same_view       (MqViewport  *self,
                                         MqViewport  *other);
void        mq_viewport_zoom_at         (MqViewport  *self,
                                         double       factor,
                                         double       sx,
                                         double       sy);
void        mq_viewport_pan_pixels      (MqViewport  *self,
                                         double       dx,
                                         double       dy);

G_END_DECLS
