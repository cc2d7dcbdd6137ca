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

/* The bundled sample: MQ_SAMPLE_DIR when running from the build tree (meson
 * devenv and the tests set it), else the installed copy. */
char *
mq_core_dup_sample_path (void)
{
  const char *dir = g_getenv ("MQ_SAMPLE_DIR");

  return g_build_filename (dir ? dir : PKGDATADIR "/sample", "maqiao.gpkg", NULL);
}
