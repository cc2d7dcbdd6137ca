/* bench-frames.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mq-renderer.h"

#define WIDTH 1920
#define HEIGHT 1080

void bench_stats           (GArray     *ms,
                            double     *median,
                            double     *p95);
void bench_time_pan_frames (MqRenderer *renderer,
                            MqViewport *vp,
                            int         frames,
                            double     *median,
                            double     *p95);
void bench_time_cached_pan (MqRenderer *renderer,
                            MqViewport *vp,
                            int         frames,
                            double     *median,
                            double     *p95);
