/* mq-renderer.h — draws a dataset into any cairo context.
 *
 * The map widget hands it the snapshot's context, the exporters a PNG or PDF
 * surface: one drawing code for what is seen and what is printed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>

#include "mq-dataset.h"
#include "mq-labels.h"
#include "mq-layer-list.h"
#include "mq-raster-layer.h"
#include "mq-selection.h"
#include "mq-store.h"
#include "mq-vector-layer.h"
#include "mq-viewport.h"

G_BEGIN_DECLS

/* A window's frames keep their parcel layer as tiles from this many
 * parcels in view (mq_renderer_set_tiled()): with fewer, drawing them is
 * quicker than the tiles' margins. */
#define MQ_RENDERER_TILE_MIN_PARCELS 5000

#define MQ_TYPE_RENDERER (mq_renderer_get_type ())

G_DECLARE_FINAL_TYPE (MqRenderer, mq_renderer, MQ, RENDERER, GObject)

MqRenderer *mq_renderer_new         (void);
MqRenderer *mq_renderer_dup         (MqRenderer *self);
void        mq_renderer_set_dataset (MqRenderer *self,
                                     MqDataset  *dataset);
MqDataset  *mq_renderer_get_dataset (MqRenderer *self);
void        mq_renderer_set_theme   (MqRenderer *self,
                                     MqTheme     theme);
MqTheme     mq_renderer_get_theme   (MqRenderer *self);
void        mq_renderer_set_today   (MqRenderer *self,
                                     guint32     today);
void        mq_renderer_parcels_changed (MqRenderer *self);
void        mq_renderer_set_text_scale (MqRenderer *self,
                                     double      scale);
void        mq_renderer_set_meeting_room (MqRenderer *self,
                                     gboolean    meeting_room);
void        mq_renderer_set_exact       (MqRenderer *self,
                                     gboolean    exact);
void        mq_renderer_set_layers     (MqRenderer    *self,
                                        MqLayerList   *layers);
MqLayerList *mq_renderer_get_layers    (MqRenderer    *self);
GPtrArray  *mq_renderer_dup_files    (MqRenderer    *self);
void        mq_renderer_clear_rasters  (MqRenderer    *self);
void        mq_renderer_add_vector_layer (MqRenderer  *self,
                                        MqVectorLayer *layer);
MqVectorLayer *mq_renderer_reference_at (MqRenderer *self,
                                        double      x,
                                        double      y,
                                        double      tolerance,
                                        guint      *feature);
void        mq_renderer_get_vector_color (MqRenderer *self,
                                        guint       index,
                                        double      rgb[3]);
gboolean    mq_renderer_has_file     (MqRenderer    *self,
                                        const char    *path);
void        mq_renderer_add_raster_layer (MqRenderer    *self,
                                          MqRasterLayer *layer);
void        mq_renderer_set_tiled       (MqRenderer *self,
                                     guint       min_parcels);
gboolean    mq_renderer_get_tiles_wanted (MqRenderer *self);
void        mq_renderer_draw_tiles      (MqRenderer *self,
                                     MqViewport *vp);
guint       mq_renderer_get_tiles_drawn (MqRenderer *self);
void        mq_renderer_set_label_field (MqRenderer  *self,
                                     MqLabelField field);
MqLabelField mq_renderer_get_label_field (MqRenderer *self);
void        mq_renderer_set_shown   (MqRenderer *self,
                                     GBytes     *shown);
void        mq_renderer_set_furniture (MqRenderer *self,
                                     gboolean    furniture);
void        mq_renderer_set_selection (MqRenderer  *self,
                                     MqSelection *selection);
void        mq_renderer_set_hover   (MqRenderer *self,
                                     int         parcel);
void        mq_renderer_set_editors (MqRenderer *self,
                                     GPtrArray  *editors);
void        mq_renderer_set_live_overlay (MqRenderer *self,
                                     gboolean    live);
gboolean    mq_renderer_selection_in_frame (MqRenderer *self);
GArray     *mq_renderer_get_label_boxes (MqRenderer *self);
GArray     *mq_renderer_get_labels  (MqRenderer *self);
void        mq_renderer_path_feature (cairo_t        *cr,
                                      MqViewport     *vp,
                                      const MqShapes *shapes,
                                      guint           feature,
                                      gboolean        closed);
double      mq_renderer_get_furniture_scale (MqRenderer *self,
                                             double      height);
void        mq_renderer_get_text_px (MqRenderer *self,
                                     MqViewport *vp,
                                     double     *label_px,
                                     double     *legend_px);
void        mq_renderer_draw        (MqRenderer *self,
                                     cairo_t    *cr,
                                     MqViewport *viewport);
void        mq_renderer_draw_map    (MqRenderer *self,
                                     cairo_t    *cr,
                                     MqViewport *viewport);
void        mq_renderer_draw_overlay (MqRenderer *self,
                                     cairo_t    *cr,
                                     MqViewport *viewport);
void        mq_renderer_draw_furniture (MqRenderer *self,
                                     cairo_t    *cr,
                                     MqViewport *viewport);

G_END_DECLS
