/* mq-frame.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-frame.h"

#include "mq-task.h"

struct _MqFrame
{
  GObject       parent_instance;

  GdkTexture   *texture;      /* the last frame, and the view it shows */
  MqViewport   *shown;
  GCancellable *cancellable;  /* the render (or its tiles) in flight */
  MqRenderer   *next_renderer;
  MqViewport   *next_viewport;
  int           next_scale;
};

G_DEFINE_FINAL_TYPE (MqFrame, mq_frame, G_TYPE_OBJECT)

enum {
  READY,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  MqRenderer *renderer;
  MqViewport *viewport;
  int         scale;
} Job;

static void
job_free (Job *job)
{
  g_clear_object (&job->renderer);
  g_clear_object (&job->viewport);
  g_free (job);
}

static void start (MqFrame *self, MqRenderer *renderer, MqViewport *viewport, int scale);

static void
render_thread (GTask        *task,
               gpointer      source,
               gpointer      data,
               GCancellable *cancellable)
{
  Job *job = data;
  int w = (int) mq_viewport_get_width (job->viewport) * job->scale;
  int h = (int) mq_viewport_get_height (job->viewport) * job->scale;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, MAX (w, 1), MAX (h, 1));
  cairo_t *cr = cairo_create (surface);
  g_autoptr(MqRenderer) renderer = g_object_ref (job->renderer);
  g_autoptr(MqViewport) viewport = mq_viewport_copy (job->viewport);

  cairo_scale (cr, job->scale, job->scale);
  mq_renderer_draw_map (renderer, cr, viewport);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  mq_task_return_pointer (task, surface, (GDestroyNotify) cairo_surface_destroy);
}

/* The tiles a frame drawn whole wanted, for the frames after it. */
static void
tiles_thread (GTask        *task,
              gpointer      source,
              gpointer      data,
              GCancellable *cancellable)
{
  Job *job = data;

  mq_renderer_draw_tiles (job->renderer, job->viewport);
  mq_task_return_boolean (task, TRUE);
}

/* Cairo's ARGB32 is GDK's default memory format: the pixels are shared. */
static GdkTexture *
texture_from_surface (cairo_surface_t *surface)
{
  int stride = cairo_image_surface_get_stride (surface);
  int h = cairo_image_surface_get_height (surface);
  g_autoptr(GBytes) bytes = g_bytes_new_with_free_func (cairo_image_surface_get_data (surface),
                                                        (gsize) stride * h,
                                                        (GDestroyNotify) cairo_surface_destroy,
                                                        cairo_surface_reference (surface));

  return gdk_memory_texture_new (cairo_image_surface_get_width (surface), h, GDK_MEMORY_DEFAULT,
                                 bytes, stride);
}

/* What was asked for meanwhile is drawn next; older asks are skipped. */
static void
start_next (MqFrame *self)
{
  g_autoptr(MqRenderer) renderer = g_steal_pointer (&self->next_renderer);
  g_autoptr(MqViewport) viewport = g_steal_pointer (&self->next_viewport);

  g_clear_object (&self->cancellable);
  if (renderer != NULL)
    start (self, renderer, viewport, self->next_scale);
}

static void
on_tiles_drawn (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  MqFrame *self = MQ_FRAME (source);

  /* Cleared meanwhile (a new dataset): the next render is under way. */
  if (!g_task_propagate_boolean (G_TASK (result), NULL))
    return;
  start_next (self);
}

/* Its own worker, so that the frame is shown before them (a task's
 * callback waits for its thread function to return); the next frame waits
 * for them, as it would have in the same worker. */
static void
start_tiles (MqFrame *self,
             Job     *frame_job)
{
  g_autoptr(GTask) task = NULL;
  Job *job = g_new0 (Job, 1);

  job->renderer = g_object_ref (frame_job->renderer);
  job->viewport = mq_viewport_copy (frame_job->viewport);
  task = mq_task_new (self, self->cancellable, on_tiles_drawn, NULL);
  mq_task_set_data (task, job, (GDestroyNotify) job_free);
  mq_task_run_in_thread (task, tiles_thread);
}

static void
on_rendered (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  MqFrame *self = MQ_FRAME (source);
  Job *job = mq_task_get_data (G_TASK (result));
  cairo_surface_t *surface = g_task_propagate_pointer (G_TASK (result), NULL);

  if (surface == NULL)
    return;
  g_clear_object (&self->texture);
  self->texture = texture_from_surface (surface);
  g_set_object (&self->shown, job->viewport);
  cairo_surface_destroy (surface);
  g_signal_emit (self, signals[READY], 0);
  /* A frame drawn whole for want of its tiles is shown at once; its tiles
   * are drawn next. */
  if (self->cancellable != NULL && mq_renderer_get_tiles_wanted (job->renderer))
    start_tiles (self, job);
  else
    start_next (self);
}

static void
start (MqFrame    *self,
       MqRenderer *renderer,
       MqViewport *viewport,
       int         scale)
{
  g_autoptr(GTask) task = NULL;
  Job *job = g_new0 (Job, 1);

  job->renderer = g_object_ref (renderer);
  job->viewport = g_object_ref (viewport);
  job->scale = scale;
  self->cancellable = g_cancellable_new ();
  task = mq_task_new (self, self->cancellable, on_rendered, NULL);
  mq_task_set_data (task, job, (GDestroyNotify) job_free);
  mq_task_run_in_thread (task, render_thread);
}

/**
 * mq_frame_request:
 *
 * Asks for a frame of the renderer's current state at the viewport; both are
 * copied, so they may change at once.
 */
void
mq_frame_request (MqFrame    *self,
                  MqRenderer *renderer,
                  MqViewport *viewport,
                  int         scale_factor)
{
  g_autoptr(MqRenderer) frozen = mq_renderer_dup (renderer);
  g_autoptr(MqViewport) view = mq_viewport_copy (viewport);

  g_return_if_fail (MQ_IS_FRAME (self));

  if (self->cancellable != NULL)
    {
      g_set_object (&self->next_renderer, frozen);
      g_set_object (&self->next_viewport, view);
      self->next_scale = scale_factor;
      return;
    }
  start (self, frozen, view, scale_factor);
}

/* Draws the last frame moved and scaled onto the current view. */
gboolean
mq_frame_snapshot (MqFrame     *self,
                   GtkSnapshot *snapshot,
                   MqViewport  *current)
{
  double fx, fy, cx, cy, k, res;
  double fw, fh;

  g_return_val_if_fail (MQ_IS_FRAME (self), FALSE);

  if (self->texture == NULL)
    return FALSE;
  mq_viewport_get_center (self->shown, &fx, &fy);
  mq_viewport_get_center (current, &cx, &cy);
  res = mq_viewport_get_resolution (current);
  k = mq_viewport_get_resolution (self->shown) / res;
  fw = mq_viewport_get_width (self->shown);
  fh = mq_viewport_get_height (self->shown);
  /* Moved or scaled, the frame must not spill over the rest of the window. */
  gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (0, 0, mq_viewport_get_width (current),
                                                         mq_viewport_get_height (current)));
  gtk_snapshot_append_color (snapshot, &(GdkRGBA) { 0.957, 0.949, 0.929, 1 },
                             &GRAPHENE_RECT_INIT (0, 0, mq_viewport_get_width (current),
                                                  mq_viewport_get_height (current)));
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (mq_viewport_get_width (current) / 2 + (fx - cx) / res,
                                                          mq_viewport_get_height (current) / 2 - (fy - cy) / res));
  gtk_snapshot_scale (snapshot, k, k);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (-fw / 2, -fh / 2));
  gtk_snapshot_append_texture (snapshot, self->texture, &GRAPHENE_RECT_INIT (0, 0, fw, fh));
  gtk_snapshot_restore (snapshot);
  gtk_snapshot_pop (snapshot);
  return TRUE;
}

/* Forgets the frame (a new dataset): the next draw is done in place. */
void
mq_frame_clear (MqFrame *self)
{
  g_return_if_fail (MQ_IS_FRAME (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->texture);
  g_clear_object (&self->shown);
  g_clear_object (&self->next_renderer);
  g_clear_object (&self->next_viewport);
}

/* Whether there is no frame to show yet (none drawn since the last clear). */
gboolean
mq_frame_is_empty (MqFrame *self)
{
  g_return_val_if_fail (MQ_IS_FRAME (self), TRUE);
  return self->texture == NULL;
}

gboolean
mq_frame_is_busy (MqFrame *self)
{
  g_return_val_if_fail (MQ_IS_FRAME (self), FALSE);
  return self->cancellable != NULL;
}

static void
mq_frame_dispose (GObject *object)
{
  mq_frame_clear (MQ_FRAME (object));
  G_OBJECT_CLASS (mq_frame_parent_class)->dispose (object);
}

static void
mq_frame_class_init (MqFrameClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = mq_frame_dispose;

  signals[READY] = g_signal_new ("ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
mq_frame_init (MqFrame *self)
{
}

MqFrame *
mq_frame_new (void)
{
  return g_object_new (MQ_TYPE_FRAME, NULL);
}

/* Whether the last frame shows exactly this view. */
gboolean
mq_frame_shows (MqFrame    *self,
                MqViewport *viewport)
{
  double ax, ay, bx, by;

  g_return_val_if_fail (MQ_IS_FRAME (self), FALSE);

  if (self->shown == NULL)
    return FALSE;
  mq_viewport_get_center (self->shown, &ax, &ay);
  mq_viewport_get_center (viewport, &bx, &by);
  return ax == bx && ay == by &&
         mq_viewport_get_resolution (self->shown) == mq_viewport_get_resolution (viewport) &&
         mq_viewport_get_width (self->shown) == mq_viewport_get_width (viewport) &&
         mq_viewport_get_height (self->shown) == mq_viewport_get_height (viewport);
}
