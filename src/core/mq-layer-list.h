/* mq-layer-list.h — the map's layers, bottom first: what is drawn, in which
 * order, how opaque.
 *
 * The parcels, the project's reference layers (the zone's parts, rivers,
 * roads, the zone's outline) and any image a planner added (an orthophoto).
 * One list drives the window, the PNG/SVG/PDF exports and the meeting room;
 * it is saved in the project (setting "layers", JSON) and restored on open.
 * What marks parcels out — overdue and problem outlines, the selection,
 * labels — is drawn above every layer, whatever the order.
 *
 * A list is edited on the main thread; a renderer keeps a copy
 * (mq_layer_list_copy()), which no one changes, for its workers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define MQ_LAYER_LIST_ERROR (mq_layer_list_error_quark ())
#define MQ_LAYER_LIST_SETTING "layers"

typedef enum
{
  MQ_LAYER_LIST_ERROR_INVALID,   /* the saved list does not read */
} MqLayerListError;

GQuark mq_layer_list_error_quark (void);

typedef enum
{
  MQ_LAYER_PARCELS,
  MQ_LAYER_PARTS,    /* the zone's parts, filled */
  MQ_LAYER_RIVERS,
  MQ_LAYER_ROADS,
  MQ_LAYER_ZONE,     /* the zone's outline */
  MQ_LAYER_IMAGE,    /* a raster file GDAL reads: an orthophoto */
  MQ_LAYER_VECTOR,   /* a vector file GDAL reads: a plan, a network */
} MqLayerKind;

#define MQ_N_BUILTIN_LAYERS 5

typedef struct
{
  MqLayerKind  kind;
  char        *path;      /* an image's or a vector layer's file; else NULL */
  gboolean     visible;
  double       opacity;   /* 0 to 1 */
  /* A vector layer's style; NULL or 0: its default */
  char        *color;     /* "#rrggbb": outline, lines, points (and the areas' wash) */
  char        *fill;      /* the areas' wash: "#rrggbb", or "none"; NULL: the colour */
  double       width;     /* outline or line width, pixels */
  char        *label;     /* the field its names come from; "" for none */
  char        *crs;       /* an added file's CRS as the user gave it (it has none); else NULL */
} MqLayer;

#define MQ_TYPE_LAYER_LIST (mq_layer_list_get_type ())

G_DECLARE_FINAL_TYPE (MqLayerList, mq_layer_list, MQ, LAYER_LIST, GObject)

MqLayerList   *mq_layer_list_new           (void);
MqLayerList   *mq_layer_list_new_from_json (const char   *json,
                                            GError      **error);
char          *mq_layer_list_to_json       (MqLayerList  *self);
MqLayerList   *mq_layer_list_copy          (MqLayerList  *self);
void           mq_layer_list_assign        (MqLayerList  *self,
                                            MqLayerList  *other);
gboolean       mq_layer_list_equal         (MqLayerList  *self,
                                            MqLayerList  *other);
guint          mq_layer_list_get_n_layers  (MqLayerList  *self);
const MqLayer *mq_layer_list_get           (MqLayerList  *self,
                                            guint         index);
int            mq_layer_list_find          (MqLayerList  *self,
                                            MqLayerKind   kind,
                                            const char   *path);
void           mq_layer_list_set_visible   (MqLayerList  *self,
                                            guint         index,
                                            gboolean      visible);
void           mq_layer_list_set_opacity   (MqLayerList  *self,
                                            guint         index,
                                            double        opacity);
void           mq_layer_list_set_style     (MqLayerList  *self,
                                            guint         index,
                                            const char   *color,
                                            const char   *fill,
                                            double        width,
                                            const char   *label);
gboolean       mq_layer_color_parse        (const char   *color,
                                            double        rgb[3]);
void           mq_layer_list_move          (MqLayerList  *self,
                                            guint         index,
                                            guint         to);
guint          mq_layer_list_add_file      (MqLayerList  *self,
                                            MqLayerKind   kind,
                                            const char   *path,
                                            const char   *crs,
                                            double        opacity);
gboolean       mq_layer_kind_has_file      (MqLayerKind   kind);
void           mq_layer_list_remove        (MqLayerList  *self,
                                            guint         index);
const char    *mq_layer_kind_get_name      (MqLayerKind   kind);

G_END_DECLS
