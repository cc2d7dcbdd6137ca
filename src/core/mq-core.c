/* mq-core.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-core.h"

#include <gdal.h>

void
mq_core_init (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      GDALAllRegister ();
      g_once_init_leave (&initialized, 1);
    }
}

/**
 * mq_core_dup_installed_path:
 * @relative: a path under the installation's share/ directory
 *
 * The path under PREFIX/share for the prefix the running binary was
 * installed into (PREFIX/bin/maqiao-land), found from the binary itself so
 * that an install into any prefix, or a moved tree, finds its data.
 *
 * Returns: (nullable): the path if it exists
 */
char *
mq_core_dup_installed_path (const char *relative)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *bin = exe ? g_path_get_dirname (exe) : NULL;
  g_autofree char *path = bin ? g_build_filename (bin, "..", "share", relative, NULL) : NULL;

  if (path == NULL || !g_file_test (path, G_FILE_TEST_EXISTS))
    return NULL;
  return g_canonicalize_filename (path, NULL);
}

/* The bundled sample: MQ_SAMPLE_DIR when running from the build tree (meson
 * devenv and the tests set it), else the installed copy. */
char *
mq_core_dup_sample_path (void)
{
  const char *dir = g_getenv ("MQ_SAMPLE_DIR");
  g_autofree char *installed = NULL;

  if (dir == NULL)
    installed = mq_core_dup_installed_path ("maqiao-land/sample");
  return g_build_filename (dir ? dir : installed ? installed : PKGDATADIR "/sample",
                           "maqiao.gpkg", NULL);
}
