/* mq-core.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-core.h"

#include <gdal.h>
#include <glib/gstdio.h>
#include <gio/gio.h>

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

/**
 * mq_core_dup_build_path:
 * @relative: a path under the meson build directory
 *
 * When the running binary is the one a build made (BUILD/src/maqiao-land,
 * run as it is rather than through `meson devenv`), the path under BUILD:
 * what `meson devenv` would have pointed the environment at.
 *
 * Returns: (nullable): the path if the binary is in a build tree and it exists
 */
char *
mq_core_dup_build_path (const char *relative)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *src = exe ? g_path_get_dirname (exe) : NULL;
  g_autofree char *ninja = src ? g_build_filename (src, "..", "build.ninja", NULL) : NULL;
  g_autofree char *path = NULL;

  if (ninja == NULL || !g_file_test (ninja, G_FILE_TEST_EXISTS))
    return NULL;
  path = g_build_filename (src, "..", relative, NULL);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return NULL;
  return g_canonicalize_filename (path, NULL);
}

/* The bundled sample: MQ_SAMPLE_DIR when running from the build tree (meson
 * devenv and the tests set it), the build's own when its binary is run
 * directly, else the installed copy. */
char *
mq_core_dup_sample_path (void)
{
  const char *dir = g_getenv ("MQ_SAMPLE_DIR");
  g_autofree char *found = NULL;

  if (dir == NULL)
    found = mq_core_dup_build_path ("data/maqiao.gpkg");
  if (dir == NULL && found != NULL)
    return g_steal_pointer (&found);
  if (dir == NULL)
    found = mq_core_dup_installed_path ("maqiao-land/sample");
  return g_build_filename (dir ? dir : found ? found : PKGDATADIR "/sample",
                           "maqiao.gpkg", NULL);
}

/* Where the window keeps the user's own copy of the sample, made or not. */
char *
mq_core_dup_user_sample_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "maqiao-land", "maqiao-sample.gpkg", NULL);
}

/**
 * mq_core_dup_sample_project:
 *
 * The sample as a project the user may edit: a copy in the user's data
 * folder, made the first time. The bundled file stays as shipped (it may
 * be read-only); the headless --sample reads this copy too once it exists.
 *
 * Returns: (nullable): the copy's path
 */
char *
mq_core_dup_sample_project (GError **error)
{
  g_autofree char *sample = mq_core_dup_sample_path ();
  g_autofree char *path = mq_core_dup_user_sample_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GFile) source = g_file_new_for_path (sample);
  g_autoptr(GFile) target = g_file_new_for_path (path);
  g_autofree char *tmp = g_strconcat (path, ".part", NULL);
  g_autoptr(GFile) part = g_file_new_for_path (tmp);

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    return g_steal_pointer (&path);
  if (g_mkdir_with_parents (dir, 0700) != 0 ||
      !g_file_copy (source, part, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, error) ||
      !g_file_move (part, target, G_FILE_COPY_NONE, NULL, NULL, NULL, error))
    return NULL;
  /* The shipped file may be read-only; the user's copy is theirs to edit. */
  g_chmod (path, 0644);
  return g_steal_pointer (&path);
}
