/* test-util.h — helpers the tests share.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <stdarg.h>
#include <ogr_api.h>

#include "mq-dataset.h"

G_BEGIN_DECLS

/* maqiao-land run as a user runs it: its exit status and what it printed. */
typedef struct
{
  int   status;
  char *out;
  char *err;
} TestRun;

void   test_run_clear      (TestRun      *run);
void   test_run_argv       (TestRun      *result,
                            GSpawnChildSetupFunc setup,
                            const char * const *args);
void   test_run_valist     (TestRun      *result,
                            GSpawnChildSetupFunc setup,
                            va_list       ap);
void   test_run            (TestRun      *result,
                            ...) G_GNUC_NULL_TERMINATED;

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TestRun, test_run_clear)

double test_proj_area      (OGRGeometryH  geometry,
                            const char   *crs);
double test_proj_path_length (const double *xy,
                              int           n,
                              const char   *crs);
double test_proj_ring_area (const double *xy,
                            int           n,
                            const char   *crs);
void   test_assert_within  (double        value,
                            double        target,
                            double        tolerance);
char  *test_corpus_file    (const char   *name);
char  *test_sample_file    (const char   *name);
MqDataset *test_load       (const char   *path);
char  *test_copy_sample    (const char   *dir,
                            const char   *name);
char  *test_copy_sample_with_history (const char *dir,
                                      const char *name);
void   test_remove_dir     (const char   *dir);
guint  test_count_parts    (const char   *path);

G_END_DECLS
