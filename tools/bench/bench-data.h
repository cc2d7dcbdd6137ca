/* bench-data.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

void bench_ensure_shapefile (const char *path,
                             guint       n);

char *bench_data_path        (const char *size,
                              const char *dir);
