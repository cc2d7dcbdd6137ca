/* mq-task.h — GTask in a worker thread, with a hand-over ThreadSanitizer sees.
 *
 * The thread contract (docs/ARCHITECTURE.md, "Threads"): a worker is handed
 * immutable snapshots and copies when it starts, and gives its result back
 * through the task's callback on the main thread. GLib makes those hand-overs
 * safe with its own futex-based locks and atomic reference counts, which a
 * ThreadSanitizer build cannot see (Debian's GLib is not instrumented). These
 * wrappers state the same happens-before edges to ThreadSanitizer at the
 * points GLib provides them; in any other build they are plain GTask calls.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

GTask   *mq_task_new            (gpointer             source_object,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data);
void     mq_task_set_data       (GTask               *task,
                                 gpointer             data,
                                 GDestroyNotify       destroy);
gpointer mq_task_get_data       (GTask               *task);
void     mq_task_run_in_thread  (GTask               *task,
                                 GTaskThreadFunc      func);
void     mq_task_return_boolean (GTask               *task,
                                 gboolean             result);
void     mq_task_return_pointer (GTask               *task,
                                 gpointer             result,
                                 GDestroyNotify       destroy);
void     mq_task_return_error   (GTask               *task,
                                 GError              *error);

/* A GMutex whose lock and unlock ThreadSanitizer sees, for the few locks
 * a worker and the main thread share. */
void     mq_mutex_lock          (GMutex              *mutex);
void     mq_mutex_unlock        (GMutex              *mutex);

/* A GAsyncQueue hand-over that ThreadSanitizer sees: what a thread wrote
 * before it pushed is seen by the thread that pops. */
void     mq_queue_push          (GAsyncQueue         *queue,
                                 gpointer             item);
gpointer mq_queue_pop           (GAsyncQueue         *queue);

/* The last reference to what workers share (a generation of parcels, a
 * snapshot, a cache) may go in any thread, through GLib's atomic reference
 * counts, which ThreadSanitizer cannot see either: a thread about to drop
 * references it read through says so (a task's data does, when it is
 * freed), and the finalizer of such a type takes what was said before it
 * frees. */
void     mq_task_release_refs   (void);
void     mq_task_acquire_refs   (void);

typedef GMutex MqMutexLocker;

static inline MqMutexLocker *
mq_mutex_locker_new (GMutex *mutex)
{
  mq_mutex_lock (mutex);
  return (MqMutexLocker *) mutex;
}

static inline void
mq_mutex_locker_free (MqMutexLocker *locker)
{
  mq_mutex_unlock ((GMutex *) locker);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MqMutexLocker, mq_mutex_locker_free)

G_END_DECLS
