/* mq-frame.h — the map's last drawn frame, and the next one being drawn.
 *
 * Frames are rendered in a worker thread; until a new one is ready the widget
 * shows the last one moved and scaled to the current view, so a drag or a
 * zoom follows the hand at any number of parcels.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "mq-renderer.h"

G_BEGIN_DECLS

#define MQ_TYPE_FRAME (mq_frame_get_type ())

G_DECLARE_FINAL_TYPE (MqFrame, mq_frame, MQ, FRAME, GObject)

MqFrame  *mq_frame_new      (void);
void      mq_frame_request  (MqFrame     *self,
                             MqRenderer  *renderer,
                             MqViewport  *viewport,
                             int          scale_factor);
gboolean  mq_frame_snapshot (MqFrame     *self,
                             GtkSnapshot *snapshot,
                             MqViewport  *current);
void      mq_frame_clear    (MqFrame     *self);
gboolean  mq_frame_is_busy  (MqFrame     *self);
gboolean  mq_frame_is_empty (MqFrame     *self);
gboolean  mq_frame_shows    (MqFrame     *self,
                             MqViewport  *viewport);

G_END_DECLS
