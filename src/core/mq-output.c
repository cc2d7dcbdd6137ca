/* mq-output.c
 *
 * Every export and import is written to a temporary file beside its name
 * and renamed into place only when whole and on the disk: a full disk, a
 * kill or a power cut leaves the previous file as it was.
 *
 * The temporary name is NAME.PID-XXXXXX.part (GDAL's GeoPackage driver wants
 * its extension after that), created with O_EXCL: two processes writing one
 * name never share or delete each other's file, and a .part left by a
 * process that no longer runs is removed by the next writer of that name.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE
#include "config.h"

#include "mq-output.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

G_DEFINE_QUARK (mq-output-error-quark, mq_output_error)

struct _MqOutput
{
  char     *path;
  char     *tmp;
  FILE     *file;
  gboolean  replace;
  gboolean  reserved;   /* tmp exists and is ours to remove */
  int       errsv;
};

/* "NAME.PID-" + six characters + ".part": whose is it, and is it alive? */
static gboolean
is_stale_part (const char *entry,
               const char *base)
{
  const char *p = entry + strlen (base);
  char *end = NULL;
  guint64 pid;

  if (!g_str_has_prefix (entry, base) || *p != '.' || strstr (p, ".part") == NULL)
    return FALSE;
  pid = g_ascii_strtoull (p + 1, &end, 10);
  if (end == p + 1 || *end != '-' || pid == 0 || pid > G_MAXINT || (pid_t) pid == getpid ())
    return FALSE;
  return kill ((pid_t) pid, 0) != 0 && errno == ESRCH;
}

static void
remove_stale_parts (const char *path)
{
  g_autofree char *dir_name = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autoptr(GDir) dir = g_dir_open (dir_name, 0, NULL);
  const char *entry;

  while (dir != NULL && (entry = g_dir_read_name (dir)) != NULL)
    if (is_stale_part (entry, base))
      {
        g_autofree char *stale = g_build_filename (dir_name, entry, NULL);

        g_unlink (stale);
      }
}

static gboolean
write_error (const char  *path,
             int          errsv,
             GError     **error)
{
  g_set_error (error, MQ_OUTPUT_ERROR, MQ_OUTPUT_ERROR_WRITE, _("%s: cannot be written: %s"),
               path, g_strerror (errsv));
  return FALSE;
}

/* The file itself, its directory resolved (symbolic links, "..") */
static char *
resolve (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *real_dir = realpath (dir, NULL);
  g_autofree char *real = realpath (path, NULL);

  if (real != NULL)
    return g_steal_pointer (&real);
  return g_build_filename (real_dir ? real_dir : dir, base, NULL);
}

static gboolean
same_file (const char *a,
           const char *b)
{
  GStatBuf sa, sb;
  g_autofree char *ra = NULL;
  g_autofree char *rb = NULL;

  if (g_stat (a, &sa) == 0 && g_stat (b, &sb) == 0)
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
  ra = resolve (a);
  rb = resolve (b);
  return g_strcmp0 (ra, rb) == 0;
}

/**
 * mq_output_is_input:
 *
 * Whether writing @path would overwrite the project @input or one of the
 * files SQLite keeps beside it (by any name: a link, "..", a symlink).
 */
gboolean
mq_output_is_input (const char *path,
                    const char *input)
{
  static const char *const companions[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; input != NULL && i < G_N_ELEMENTS (companions); i++)
    {
      g_autofree char *file = g_strconcat (input, companions[i], NULL);

      if (same_file (path, file))
        return TRUE;
    }
  return FALSE;
}

static int
create_temp (MqOutput   *self,
             const char *suffix)
{
  for (guint attempt = 0; attempt < 100; attempt++)
    {
      g_autofree char *random = g_strdup_printf ("%06x", g_random_int_range (0, 0xffffff));
      int fd;

      g_free (self->tmp);
      self->tmp = g_strdup_printf ("%s.%d-%s.part%s", self->path, (int) getpid (), random,
                                   suffix ? suffix : "");
      fd = g_open (self->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
      if (fd >= 0 || errno != EEXIST)
        return fd;
    }
  errno = EEXIST;
  return -1;
}

/**
 * mq_output_new:
 * @suffix: (nullable): what the temporary name must end with after ".part"
 * @replace: whether an existing file at @path may be replaced
 * @input: (nullable): a project being read, which must not be written over
 *
 * Returns: (transfer full) (nullable): the temporary file, open for writing
 */
MqOutput *
mq_output_new (const char  *path,
               const char  *suffix,
               gboolean     replace,
               const char  *input,
               GError     **error)
{
  g_autoptr(MqOutput) self = NULL;
  int fd;

  if (mq_output_is_input (path, input))
    {
      g_set_error (error, MQ_OUTPUT_ERROR, MQ_OUTPUT_ERROR_IS_INPUT,
                   _("%s: is the project being read; choose another name for the export"), path);
      return NULL;
    }
  self = g_new0 (MqOutput, 1);
  self->path = g_strdup (path);
  self->replace = replace;
  remove_stale_parts (path);
  fd = create_temp (self, suffix);
  if (fd < 0)
    {
      write_error (path, errno, error);
      return NULL;
    }
  self->reserved = TRUE;
  self->file = fdopen (fd, "wb");
  if (self->file == NULL)
    {
      write_error (path, errno, error);
      close (fd);
      return NULL;
    }
  return g_steal_pointer (&self);
}

void
mq_output_set_replace (MqOutput *self,
                       gboolean  replace)
{
  self->replace = replace;
}

FILE *
mq_output_get_file (MqOutput *self)
{
  return self->file;
}

const char *
mq_output_get_temp_path (MqOutput *self)
{
  return self->tmp;
}

/* Keeps the first error; later writes are skipped. */
gboolean
mq_output_write (MqOutput   *self,
                 const void *data,
                 gsize       length)
{
  if (self->errsv == 0 && fwrite (data, 1, length, self->file) != length)
    self->errsv = errno != 0 ? errno : EIO;
  return self->errsv == 0;
}

void
mq_output_set_failed (MqOutput *self,
                      int       errsv)
{
  if (self->errsv == 0)
    self->errsv = errsv != 0 ? errsv : EIO;
}

/* For a writer that opens the file by name itself (GDAL): the name stays
 * ours, empty, until it is created again. */
void
mq_output_release_file (MqOutput *self)
{
  g_clear_pointer (&self->file, fclose);
  g_unlink (self->tmp);
}

static int
close_file (MqOutput *self)
{
  if (self->file == NULL)
    return self->errsv;
  if (self->errsv == 0 && (fflush (self->file) != 0 || fsync (fileno (self->file)) != 0))
    self->errsv = errno;
  if (fclose (g_steal_pointer (&self->file)) != 0 && self->errsv == 0)
    self->errsv = errno;
  return self->errsv;
}

/* An existing file is replaced only when asked: else the rename fails if
 * another process created the name meanwhile (renameat2, or a hard link on
 * file systems without it). */
static int
move_into_place (MqOutput *self)
{
  if (self->replace)
    return g_rename (self->tmp, self->path) == 0 ? 0 : errno;
  if (renameat2 (AT_FDCWD, self->tmp, AT_FDCWD, self->path, RENAME_NOREPLACE) == 0)
    return 0;
  if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
    return errno;
  if (link (self->tmp, self->path) != 0)
    return errno;
  g_unlink (self->tmp);
  return 0;
}

/**
 * mq_output_commit:
 *
 * Flushes the file to the disk and gives it its name; on failure removes
 * it, leaving whatever was at the name as it was.
 */
gboolean
mq_output_commit (MqOutput  *self,
                  GError   **error)
{
  int errsv = close_file (self);

  if (errsv == 0)
    errsv = move_into_place (self);
  if (errsv == 0)
    {
      self->reserved = FALSE;
      return TRUE;
    }
  if (errsv == EEXIST)
    g_set_error (error, MQ_OUTPUT_ERROR, MQ_OUTPUT_ERROR_EXISTS,
                 _("%s: already exists; choose another name (nothing was written)"), self->path);
  else
    write_error (self->path, errsv, error);
  return FALSE;
}

/* Freed uncommitted, the temporary file goes. */
void
mq_output_free (MqOutput *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->file, fclose);
  if (self->reserved && self->tmp != NULL)
    g_unlink (self->tmp);
  g_free (self->path);
  g_free (self->tmp);
  g_free (self);
}

/**
 * mq_output_remove_dir:
 *
 * Removes a private temporary folder an export made its pieces in, and
 * the files in it (it holds no folders).
 */
void
mq_output_remove_dir (const char *dir)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}
