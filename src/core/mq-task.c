/* mq-task.c
 *
 * Every edge is keyed on the task's address: a release joins the releasing
 * thread's clock into it, an acquire takes all that was released so far.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mq-task.h"

#if defined(__SANITIZE_THREAD__)
#define MQ_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define MQ_TSAN 1
#endif
#endif

#ifdef MQ_TSAN
void __tsan_acquire (void *addr);
void __tsan_release (void *addr);
#define tsan_acquire(addr) __tsan_acquire (addr)
#define tsan_release(addr) __tsan_release (addr)
#else
#define tsan_acquire(addr) ((void) (addr))
#define tsan_release(addr) ((void) (addr))
#endif

static GQuark func_quark;
/* The edge every dropped reference joins (mq_task_release_refs()). */
static int refs_fence;

typedef struct
{
  GAsyncReadyCallback callback;
  gpointer            user_data;
} Callback;

typedef struct
{
  GTask          *task;       /* its address only: the task is being finalised */
  gpointer        data;
  GDestroyNotify  destroy;
} Data;

/* The callback runs on the main thread after the worker returned. */
static void
callback_trampoline (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Callback *cb = user_data;

  tsan_acquire (result);
  if (cb->callback != NULL)
    cb->callback (source, result, cb->user_data);
  tsan_release (result);
  g_free (cb);
}

/**
 * mq_task_new:
 *
 * As g_task_new(); the task's user data is not @user_data (the callback
 * gets it as usual).
 */
GTask *
mq_task_new (gpointer             source_object,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  Callback *cb = g_new (Callback, 1);

  cb->callback = callback;
  cb->user_data = user_data;
  return g_task_new (source_object, cancellable, callback_trampoline, cb);
}

/* The last reference may go in either thread: whoever frees the data first
 * takes what both did with it. */
static void
data_free (Data *d)
{
  tsan_acquire (d->task);
  mq_task_release_refs ();
  if (d->destroy != NULL)
    d->destroy (d->data);
  g_free (d);
}

void
mq_task_set_data (GTask          *task,
                  gpointer        data,
                  GDestroyNotify  destroy)
{
  Data *d = g_new (Data, 1);

  d->task = task;
  d->data = data;
  d->destroy = destroy;
  g_task_set_task_data (task, d, (GDestroyNotify) data_free);
}

gpointer
mq_task_get_data (GTask *task)
{
  Data *d = g_task_get_task_data (task);

  tsan_acquire (task);
  return d != NULL ? d->data : NULL;
}

static void
thread_trampoline (GTask        *task,
                   gpointer      source,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  GTaskThreadFunc func;
  Data *d = task_data;

  /* Before anything the starting thread wrote (the quark, the function). */
  tsan_acquire (task);
  func = (GTaskThreadFunc) g_object_get_qdata (G_OBJECT (task), func_quark);
  func (task, source, d != NULL ? d->data : NULL, cancellable);
  tsan_release (task);
}

void
mq_task_run_in_thread (GTask           *task,
                       GTaskThreadFunc  func)
{
  if (func_quark == 0)
    func_quark = g_quark_from_static_string ("mq-task-func");
  g_object_set_qdata (G_OBJECT (task), func_quark, (gpointer) func);
  tsan_release (task);
  g_task_run_in_thread (task, thread_trampoline);
}

void
mq_task_return_boolean (GTask    *task,
                        gboolean  result)
{
  tsan_release (task);
  g_task_return_boolean (task, result);
}

void
mq_task_return_pointer (GTask          *task,
                        gpointer        result,
                        GDestroyNotify  destroy)
{
  tsan_release (task);
  g_task_return_pointer (task, result, destroy);
}

void
mq_task_return_error (GTask  *task,
                      GError *error)
{
  tsan_release (task);
  g_task_return_error (task, error);
}

void
mq_queue_push (GAsyncQueue *queue,
               gpointer     item)
{
  tsan_release (queue);
  g_async_queue_push (queue, item);
}

gpointer
mq_queue_pop (GAsyncQueue *queue)
{
  gpointer item = g_async_queue_pop (queue);

  tsan_acquire (queue);
  return item;
}

void
mq_task_release_refs (void)
{
  tsan_release (&refs_fence);
}

void
mq_task_acquire_refs (void)
{
  tsan_acquire (&refs_fence);
}

void
mq_mutex_lock (GMutex *mutex)
{
  g_mutex_lock (mutex);
  tsan_acquire (mutex);
}

void
mq_mutex_unlock (GMutex *mutex)
{
  tsan_release (mutex);
  g_mutex_unlock (mutex);
}
