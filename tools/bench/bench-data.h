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

typedef void (*BenchFunc) (const char *label,
                           const char *path,
                           const char *dir,
                           gpointer    data);

int bench_run (int                 argc,
               char              **argv,
               const char         *sizes,
               const GOptionEntry *extra,
               const char         *header,
               BenchFunc           bench,
               gpointer            data);
