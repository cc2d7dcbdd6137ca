/* mq-window.h — the main window.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mq-map-view.h"

G_BEGIN_DECLS

#define MQ_TYPE_WINDOW (mq_window_get_type ())

G_DECLARE_FINAL_TYPE (MqWindow, mq_window, MQ, WINDOW, AdwApplicationWindow)

MqWindow  *mq_window_new           (GtkApplication *application);
void       mq_window_open_path     (MqWindow       *self,
                                    const char     *path);
MqMapView *mq_window_get_map_view  (MqWindow       *self);
MqProject *mq_window_get_project   (MqWindow       *self);
GtkWidget *mq_window_get_locks_panel (MqWindow *self);
void       mq_window_set_presenting  (MqWindow *self,
                                      gboolean  presenting);
gboolean   mq_window_get_presenting  (MqWindow *self);
int        mq_window_present_step    (MqWindow *self,
                                      int       step);
gboolean   mq_window_get_present_pending (MqWindow *self);
gboolean   mq_window_save_view       (MqWindow    *self,
                                      const char  *name,
                                      GError     **error);
gboolean   mq_window_go_to_view      (MqWindow   *self,
                                      const char *name,
                                      guint       position);
void       mq_window_apply_status_table (MqWindow   *self,
                                         const char *path);
GtkWidget *mq_window_get_identify_panel (MqWindow  *self);
void       mq_window_update_survey   (MqWindow   *self,
                                      const char *path);

G_END_DECLS
