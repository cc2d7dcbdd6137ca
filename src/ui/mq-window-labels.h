/* mq-window-labels.h — the window's parcel-label choice (win.label-field).
 *
 * Apart from mq-window-private.h, which shares at most 15 functions
 * (tests/check-layers.sh): only mq-window.c calls this, once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mq-window.h"

G_BEGIN_DECLS

void _mq_window_init_labels (MqWindow *self);

G_END_DECLS
