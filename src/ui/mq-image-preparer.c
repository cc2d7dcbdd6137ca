/* mq-image-preparer.c
 *
 * A build's Build is its task's data: the worker reads its strings and
 * writes only the fraction done (atomically); the main thread reads that
 * fraction every PROGRESS_MS while builds run, and drops the Build from its
 * table in the task's callback, before the task lets go of it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-image-preparer.h"

#include <gio/gio.h>

#include "mq-core.h"

#define PROGRESS_MS 200

typedef struct
{
  char         *path;
  char         *source_wkt;  /* the CRS the user gave it, or NULL */
  char         *copy;
  char         *map_wkt;
  GCancellable *cancellable;
  gint          permille;   /* done, written by the worker */
  gint          told;       /* as last told, main thread */
} Build;

struct _MqImagePreparer
{
  GObject     parent_instance;

  GHashTable *builds;   /* path → Build (its task's) */
  GHashTable *failed;   /* path → why its copy could not be made */
  guint       progress_id;
};

G_DEFINE_FINAL_TYPE (MqImagePreparer, mq_image_preparer, G_TYPE_OBJECT)

enum { PROGRESS, FINISHED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
build_free (Build *b)
{
  g_free (b->path);
  g_free (b->source_wkt);
  g_free (b->copy);
  g_free (b->map_wkt);
  g_clear_object (&b->cancellable);
  g_free (b);
}

static void
on_build_progress (double   fraction,
                   gpointer data)
{
  Build *b = data;

  g_atomic_int_set (&b->permille, (gint) (fraction * 1000));
}

static void
build_thread (GTask        *task,
              gpointer      source,
              gpointer      data,
              GCancellable *cancellable)
{
  Build *b = data;
  GError *error = NULL;

  if (mq_image_cache_build (b->path, b->source_wkt, b->map_wkt, b->copy, on_build_progress, b, b->cancellable,
                            &error))
    mq_task_return_boolean (task, TRUE);
  else
    mq_task_return_error (task, error);
}

static gboolean
tell_progress (gpointer data)
{
  MqImagePreparer *self = data;
  GHashTableIter iter;
  Build *b;

  g_hash_table_iter_init (&iter, self->builds);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &b))
    if (g_atomic_int_get (&b->permille) != b->told)
      {
        b->told = g_atomic_int_get (&b->permille);
        g_signal_emit (self, signals[PROGRESS], 0, b->path);
      }
  if (g_hash_table_size (self->builds) > 0)
    return G_SOURCE_CONTINUE;
  self->progress_id = 0;
  return G_SOURCE_REMOVE;
}

static void
on_build_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  MqImagePreparer *self = MQ_IMAGE_PREPARER (source);
  Build *b = mq_task_get_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_strdup (b->path);

  g_hash_table_remove (self->builds, path);
  if (!g_task_propagate_boolean (G_TASK (result), &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_hash_table_insert (self->failed, g_strdup (path), g_strdup (error->message));
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_signal_emit (self, signals[FINISHED], 0, path);
}

static void
start_build (MqImagePreparer *self,
             const char      *path,
             const char      *source_wkt,
             const char      *copy,
             const char      *map_wkt)
{
  g_autoptr(GTask) task = mq_task_new (self, NULL, on_build_done, NULL);
  Build *b = g_new0 (Build, 1);

  b->path = g_strdup (path);
  b->source_wkt = g_strdup (source_wkt);
  b->copy = g_strdup (copy);
  b->map_wkt = g_strdup (map_wkt);
  b->cancellable = g_cancellable_new ();
  g_hash_table_insert (self->builds, b->path, b);
  mq_task_set_data (task, b, (GDestroyNotify) build_free);
  mq_task_run_in_thread (task, build_thread);
  if (self->progress_id == 0)
    self->progress_id = g_timeout_add (PROGRESS_MS, tell_progress, self);
}

/**
 * mq_image_preparer_open:
 * @crs: (nullable): the CRS the user gave an image that has none
 *
 * Returns: (transfer full) (nullable): the image's layer when it can be
 *   drawn now; else NULL, with @error if it cannot be drawn at all, or
 *   without while it is made ready ("finished" says when)
 */
MqRasterLayer *
mq_image_preparer_open (MqImagePreparer  *self,
                        const char       *path,
                        const char       *crs,
                        const char       *map_wkt,
                        GError          **error)
{
  g_autofree char *copy = NULL;
  g_autofree char *source_wkt = NULL;
  const char *failed;
  gboolean needs = FALSE;

  g_return_val_if_fail (MQ_IS_IMAGE_PREPARER (self), NULL);

  if ((failed = g_hash_table_lookup (self->failed, path)) != NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, failed);
      return NULL;
    }
  if (g_hash_table_contains (self->builds, path))
    return NULL;
  if (crs != NULL && (source_wkt = mq_crs_dup_wkt_from_definition (crs, error)) == NULL)
    {
      g_prefix_error (error, "%s: ", path);
      return NULL;
    }
  copy = mq_image_cache_lookup (path, source_wkt, map_wkt, &needs);
  if (needs)
    {
      start_build (self, path, source_wkt, copy, map_wkt);
      return NULL;
    }
  if (g_strcmp0 (copy, path) != 0)
    return mq_raster_layer_new_prepared (path, copy, map_wkt, error);
  return crs ? mq_raster_layer_new_with_crs (path, crs, map_wkt, error) : mq_raster_layer_new (path, map_wkt, error);
}

/* The fraction of @path's copy made, or -1 when none is being made. */
double
mq_image_preparer_get_progress (MqImagePreparer *self,
                                const char      *path)
{
  Build *b;

  g_return_val_if_fail (MQ_IS_IMAGE_PREPARER (self), -1);

  b = g_hash_table_lookup (self->builds, path);
  return b ? g_atomic_int_get (&b->permille) / 1000.0 : -1;
}

/* Cancels the builds of images not in @paths (hidden or removed). */
void
mq_image_preparer_keep_only (MqImagePreparer   *self,
                             const char *const *paths)
{
  GHashTableIter iter;
  Build *b;

  g_return_if_fail (MQ_IS_IMAGE_PREPARER (self));

  g_hash_table_iter_init (&iter, self->builds);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &b))
    if (paths == NULL || !g_strv_contains (paths, b->path))
      g_cancellable_cancel (b->cancellable);
}

/* Another map (another CRS): every build cancelled, every failure forgotten. */
void
mq_image_preparer_forget (MqImagePreparer *self)
{
  g_return_if_fail (MQ_IS_IMAGE_PREPARER (self));

  mq_image_preparer_keep_only (self, NULL);
  g_hash_table_remove_all (self->failed);
}

static void
mq_image_preparer_dispose (GObject *object)
{
  MqImagePreparer *self = MQ_IMAGE_PREPARER (object);

  /* A running build holds its task's reference to us: none is left here. */
  g_clear_handle_id (&self->progress_id, g_source_remove);
  G_OBJECT_CLASS (mq_image_preparer_parent_class)->dispose (object);
}

static void
mq_image_preparer_finalize (GObject *object)
{
  MqImagePreparer *self = MQ_IMAGE_PREPARER (object);

  g_hash_table_unref (self->builds);
  g_hash_table_unref (self->failed);
  G_OBJECT_CLASS (mq_image_preparer_parent_class)->finalize (object);
}

static void
mq_image_preparer_class_init (MqImagePreparerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mq_image_preparer_dispose;
  object_class->finalize = mq_image_preparer_finalize;

  /**
   * MqImagePreparer::progress:
   * @path: the image
   *
   * More of its copy is made (mq_image_preparer_get_progress()).
   */
  signals[PROGRESS] = g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                    NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * MqImagePreparer::finished:
   * @path: the image
   *
   * Its copy is made, or could not be: open it again.
   */
  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                    NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
mq_image_preparer_init (MqImagePreparer *self)
{
  self->builds = g_hash_table_new (g_str_hash, g_str_equal);
  self->failed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

MqImagePreparer *
mq_image_preparer_new (void)
{
  return g_object_new (MQ_TYPE_IMAGE_PREPARER, NULL);
}
