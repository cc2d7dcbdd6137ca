/* mq-map-view.h — the map widget: a renderer and a viewport in a snapshot.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "mq-image-preparer.h"

#include "mq-project.h"
#include "mq-renderer.h"

G_BEGIN_DECLS

#define MQ_TYPE_MAP_VIEW (mq_map_view_get_type ())

G_DECLARE_FINAL_TYPE (MqMapView, mq_map_view, MQ, MAP_VIEW, GtkWidget)

GtkWidget  *mq_map_view_new           (void);
void        mq_map_view_set_dataset   (MqMapView *self,
                                       MqDataset *dataset);
MqDataset  *mq_map_view_get_dataset   (MqMapView *self);
void        mq_map_view_set_project   (MqMapView *self,
                                       MqProject *project);
MqRenderer *mq_map_view_get_renderer  (MqMapView *self);
MqViewport *mq_map_view_get_viewport  (MqMapView *self);
void        mq_map_view_zoom_to_all   (MqMapView *self);
MqSelection *mq_map_view_get_selection (MqMapView *self);
void        mq_map_view_select_box    (MqMapView *self,
                                       double     x0,
                                       double     y0,
                                       double     x1,
                                       double     y1);
void        mq_map_view_zoom_to_selection (MqMapView *self);
void        mq_map_view_show_selection (MqMapView *self,
                                        double     context);
gboolean    mq_map_view_is_settled    (MqMapView *self);
void        mq_map_view_refresh       (MqMapView *self);
gboolean    mq_map_view_activate_key  (MqMapView       *self,
                                       guint            keyval,
                                       GdkModifierType  state);
void        mq_map_view_set_padding   (MqMapView *self,
                                       double     top,
                                       double     right,
                                       double     bottom,
                                       double     left);
void        mq_map_view_fit_zone      (MqMapView *self,
                                       double     top,
                                       double     right,
                                       double     bottom,
                                       double     left);
void        mq_map_view_restore_view  (MqMapView  *self,
                                       MqViewport *view);
void        mq_map_view_set_picking   (MqMapView *self,
                                       gboolean   picking);
gboolean    mq_map_view_get_picking   (MqMapView *self);
char       *mq_map_view_dup_tooltip_markup (MqMapView *self,
                                            double     x,
                                            double     y);

MqImagePreparer *mq_map_view_get_image_preparer (MqMapView *self);
const char  *mq_map_view_get_layer_note  (MqMapView  *self,
                                         const char *path);
const char  *mq_map_view_get_image_error (MqMapView  *self,
                                         const char *path);

G_END_DECLS
