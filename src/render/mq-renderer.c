/* mq-renderer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-renderer.h"

#include "mq-coverage.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <pango/pangocairo.h>

#include "mq-furniture.h"
#include "mq-labels.h"
#include "mq-raster-layer.h"
#include "mq-style.h"
#include "mq-text-cache.h"
#include "mq-tile-cache.h"

struct _MqRenderer
{
  GObject    parent_instance;

  MqDataset *dataset;
  MqTheme    theme;
  guint32    today;
  gboolean   furniture;
  MqSelection *selection;
  int        hover;
  GArray    *label_boxes;   /* MqBox: where the last draw put its labels */
  GArray    *legend_counts; /* guint per legend line, or NULL until drawn */
  GBytes    *shown;         /* guint8 per parcel: 0 = filtered out, dimmed; NULL = all */
  double     text_scale;    /* labels and furniture: 1, larger in the meeting room */
  gboolean   live_overlay;  /* selection and hover drawn apart, over a cached frame */
  GArray    *editors;       /* Presence: the few parcels other planners have open */
  GArray    *labels;        /* MqLabel: what the last draw named, in priority order */
  MqLabelField label_field; /* what a parcel's label says */
  gboolean   meeting_room;  /* text sized for a room: see text_scales() */
  gboolean   exact;         /* every parcel a path, even where mq-coverage.h would do */
  MqLayerList *layers;      /* what is drawn, bottom first (a copy no one else changes) */
  GPtrArray *rasters;       /* MqRasterLayer: the images the layers name, opened */
  GPtrArray *vectors;       /* MqVectorLayer: the vector layers they name, read */
  MqTextCache *texts;       /* parcel labels measured and rasterised once; shared with copies */
  MqTileCache *tiles;       /* the parcel layer at overview scales, or NULL; shared with copies */
  guint      tile_min_parcels;  /* tiles for frames with as many parcels in view */
  gboolean   tiles_wanted;  /* a frame was drawn whole for want of its tiles */
};

/* A parcel another planner has open, and who (names joined). */
typedef struct
{
  guint  parcel;
  char  *names;
} Presence;

/* Presence outlines: libadwaita's purple 3, apart from every theme's fills
 * and from the selection's and deadlines' outlines. */
static const MqRgb presence_color = { 0x91 / 255.0, 0x41 / 255.0, 0xac / 255.0 };

/* A selection larger than this stays in the cached frame even with a live
 * overlay: drawing 10⁵ outlines on every pan frame would cost more than the
 * worker render it saves. */
#define MAX_OVERLAY_SELECTION 5000

/* Pixels drawn round each tile and cut off: a parcel the coverage draws
 * (under MQ_COVERAGE_MAX_PX), its outline and deadline band, crossing the
 * tile's edge lie wholly inside, and come out as in one frame. */
#define TILE_MARGIN 32
/* Two full-screen views of both layers, at 1920 × 1080. */
#define TILE_CACHE_BYTES ((gsize) 64 << 20)
/* Parcels' fills over imagery: the photograph shows through, the theme's
 * colour still reads (the outlines stay whole). */
#define IMAGERY_FILL_ALPHA 0.45

/* The project's own reference layers, as they are drawn unless their style
 * says otherwise. */
static const MqRgb water = { 0.66, 0.80, 0.91 };
static const MqRgb road_casing = { 0.70, 0.67, 0.62 };
static const MqRgb road = { 1.0, 1.0, 1.0 };
static const MqRgb zone_line = { 0.55, 0.18, 0.10 };
static const MqRgb part_fill[] = { { 0.965, 0.953, 0.925 }, { 0.925, 0.949, 0.957 } };

/* Reference layers, in the order they were added: colours apart from every
 * theme's fills and from the outlines that mark parcels out. */
static const MqRgb vector_colors[] = {
  { 0.42, 0.24, 0.60 }, { 0.55, 0.32, 0.04 }, { 0.00, 0.40, 0.37 }, { 0.25, 0.25, 0.25 },
};

G_DEFINE_FINAL_TYPE (MqRenderer, mq_renderer, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DATASET,
  PROP_THEME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GArray *frame_tiles (MqRenderer *self, MqViewport *vp, gboolean draw_missing);

static void
mq_renderer_dispose (GObject *object)
{
  MqRenderer *self = MQ_RENDERER (object);

  g_clear_object (&self->dataset);
  g_clear_object (&self->selection);
  g_clear_pointer (&self->label_boxes, g_array_unref);
  g_clear_pointer (&self->legend_counts, g_array_unref);
  g_clear_pointer (&self->shown, g_bytes_unref);
  g_clear_pointer (&self->editors, g_array_unref);
  g_clear_pointer (&self->labels, g_array_unref);
  g_clear_pointer (&self->texts, mq_text_cache_unref);
  g_clear_pointer (&self->tiles, mq_tile_cache_unref);
  g_clear_pointer (&self->rasters, g_ptr_array_unref);
  g_clear_pointer (&self->vectors, g_ptr_array_unref);
  g_clear_object (&self->layers);
  G_OBJECT_CLASS (mq_renderer_parent_class)->dispose (object);
}

static void
mq_renderer_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  MqRenderer *self = MQ_RENDERER (object);

  switch (prop_id)
    {
    case PROP_DATASET:
      g_value_set_object (value, self->dataset);
      break;
    case PROP_THEME:
      g_value_set_int (value, self->theme);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mq_renderer_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  MqRenderer *self = MQ_RENDERER (object);

  switch (prop_id)
    {
    case PROP_DATASET:
      mq_renderer_set_dataset (self, g_value_get_object (value));
      break;
    case PROP_THEME:
      mq_renderer_set_theme (self, g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mq_renderer_class_init (MqRendererClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mq_renderer_dispose;
  object_class->get_property = mq_renderer_get_property;
  object_class->set_property = mq_renderer_set_property;

  properties[PROP_DATASET] =
    g_param_spec_object ("dataset", NULL, NULL, MQ_TYPE_DATASET,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_THEME] =
    g_param_spec_int ("theme", NULL, NULL, MQ_THEME_LOCKS, MQ_N_THEMES - 1, MQ_THEME_LOCKS,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mq_renderer_init (MqRenderer *self)
{
  self->today = mq_today ();
  self->text_scale = 1.0;
  self->furniture = TRUE;
  self->hover = -1;
  self->texts = mq_text_cache_new ();
  self->rasters = g_ptr_array_new_with_free_func (g_object_unref);
  self->vectors = g_ptr_array_new_with_free_func (g_object_unref);
  self->layers = mq_layer_list_new ();
}

/**
 * mq_renderer_set_layers:
 *
 * Draws the layers @layers lists, in its order, shown or not, as opaque as
 * it says (a copy is kept: change the list, then set it again). An image
 * layer is drawn once its file is opened (mq_renderer_add_raster_layer()).
 */
void
mq_renderer_set_layers (MqRenderer  *self,
                        MqLayerList *layers)
{
  g_return_if_fail (MQ_IS_RENDERER (self));
  g_return_if_fail (MQ_IS_LAYER_LIST (layers));

  g_clear_object (&self->layers);
  self->layers = mq_layer_list_copy (layers);
}

MqLayerList *
mq_renderer_get_layers (MqRenderer *self)
{
  g_return_val_if_fail (MQ_IS_RENDERER (self), NULL);
  return self->layers;
}

/**
 * mq_renderer_add_raster_layer:
 *
 * Opens the way for @layer (imagery) to be drawn: the image layer of its
 * file in the layer list, which gets one under the parcels (over any image
 * added before) if it has none. With imagery the parcels' fills are
 * see-through (IMAGERY_FILL_ALPHA) and a frame is drawn whole, never from
 * tiles.
 */
void
mq_renderer_add_raster_layer (MqRenderer    *self,
                              MqRasterLayer *layer)
{
  const char *path;

  g_return_if_fail (MQ_IS_RENDERER (self));
  g_return_if_fail (MQ_IS_RASTER_LAYER (layer));

  path = mq_raster_layer_get_path (layer);
  g_ptr_array_add (self->rasters, g_object_ref (layer));
  if (mq_layer_list_find (self->layers, MQ_LAYER_IMAGE, path) < 0)
    mq_layer_list_add_file (self->layers, MQ_LAYER_IMAGE, path, NULL, 1.0);
}

/* Lets go of the opened images and vector layers (another dataset, another
 * CRS to draw them in). */
void
mq_renderer_clear_rasters (MqRenderer *self)
{
  g_return_if_fail (MQ_IS_RENDERER (self));
  g_ptr_array_set_size (self->rasters, 0);
  g_ptr_array_set_size (self->vectors, 0);
}

/**
 * mq_renderer_add_vector_layer:
 *
 * Opens the way for @layer (a reference layer) to be drawn: the vector
 * layer of its file in the layer list, which gets one over the parcels if
 * it has none.
 */
void
mq_renderer_add_vector_layer (MqRenderer    *self,
                              MqVectorLayer *layer)
{
  const char *path;

  g_return_if_fail (MQ_IS_RENDERER (self));
  g_return_if_fail (MQ_IS_VECTOR_LAYER (layer));

  path = mq_vector_layer_get_path (layer);
  g_ptr_array_add (self->vectors, g_object_ref (layer));
  if (mq_layer_list_find (self->layers, MQ_LAYER_VECTOR, path) < 0)
    mq_layer_list_add_file (self->layers, MQ_LAYER_VECTOR, path, NULL, 1.0);
}


/* The colour the layer at @index of the list is drawn in: its style's,
 * else a reference layer's own (a vector layer's by its place among them). */
void
mq_renderer_get_vector_color (MqRenderer *self,
                              guint       index,
                              double      rgb[3])
{
  const MqLayer *layer;
  guint nth = 0;
  const MqRgb *c;

  g_return_if_fail (MQ_IS_RENDERER (self));
  g_return_if_fail (index < mq_layer_list_get_n_layers (self->layers));

  layer = mq_layer_list_get (self->layers, index);
  if (mq_layer_color_parse (layer->color, rgb))
    return;
  for (guint i = 0; i < index; i++)
    nth += mq_layer_list_get (self->layers, i)->kind == MQ_LAYER_VECTOR;
  switch (layer->kind)
    {
    case MQ_LAYER_PARTS:
      c = &part_fill[0];
      break;
    case MQ_LAYER_RIVERS:
      c = &water;
      break;
    case MQ_LAYER_ROADS:
      c = &road;
      break;
    case MQ_LAYER_ZONE:
      c = &zone_line;
      break;
    default:
      c = &vector_colors[nth % G_N_ELEMENTS (vector_colors)];
    }
  rgb[0] = c->r, rgb[1] = c->g, rgb[2] = c->b;
}

/* The read vector layer a layer names, or NULL; @nth: which of the list's
 * vector layers it is (its colour). */
static MqVectorLayer *
vector_of (MqRenderer    *self,
           const MqLayer *layer,
           guint         *nth)
{
  *nth = 0;
  for (guint i = 0; i < mq_layer_list_get_n_layers (self->layers); i++)
    {
      const MqLayer *l = mq_layer_list_get (self->layers, i);

      if (l == layer)
        break;
      *nth += l->kind == MQ_LAYER_VECTOR;
    }
  for (guint i = 0; i < self->vectors->len; i++)
    if (g_strcmp0 (mq_vector_layer_get_path (g_ptr_array_index (self->vectors, i)), layer->path) == 0)
      return g_ptr_array_index (self->vectors, i);
  return NULL;
}

/* Whether the image or vector layer of @path is opened, to be drawn when
 * its layer is shown. */
gboolean
mq_renderer_has_file (MqRenderer *self,
                        const char *path)
{
  g_return_val_if_fail (MQ_IS_RENDERER (self), FALSE);

  for (guint i = 0; i < self->rasters->len; i++)
    if (g_strcmp0 (mq_raster_layer_get_path (g_ptr_array_index (self->rasters, i)), path) == 0)
      return TRUE;
  for (guint i = 0; i < self->vectors->len; i++)
    if (g_strcmp0 (mq_vector_layer_get_path (g_ptr_array_index (self->vectors, i)), path) == 0)
      return TRUE;
  return FALSE;
}

/* Returns: (transfer container): the images and the vector layers opened
 * for the layers (what mq_export_set_layers() takes) */
GPtrArray *
mq_renderer_dup_files (MqRenderer *self)
{
  GPtrArray *rasters = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (MQ_IS_RENDERER (self), rasters);
  for (guint i = 0; i < self->rasters->len; i++)
    g_ptr_array_add (rasters, g_object_ref (g_ptr_array_index (self->rasters, i)));
  for (guint i = 0; i < self->vectors->len; i++)
    g_ptr_array_add (rasters, g_object_ref (g_ptr_array_index (self->vectors, i)));
  return rasters;
}

/* The opened image a layer names, or NULL. */
static MqRasterLayer *
raster_of (MqRenderer    *self,
           const MqLayer *layer)
{
  for (guint i = 0; i < self->rasters->len; i++)
    if (g_strcmp0 (mq_raster_layer_get_path (g_ptr_array_index (self->rasters, i)), layer->path) == 0)
      return g_ptr_array_index (self->rasters, i);
  return NULL;
}

static gboolean
layer_shown (const MqLayer *layer)
{
  return layer->visible && layer->opacity > 0.0;
}

/* Whether a layer of @kind is drawn. */
static gboolean
kind_shown (MqRenderer  *self,
            MqLayerKind  kind)
{
  int at = mq_layer_list_find (self->layers, kind, NULL);

  return at >= 0 && layer_shown (mq_layer_list_get (self->layers, at));
}

/* Whether an image is drawn under the parcels. */
static gboolean
imagery_shown (MqRenderer *self)
{
  for (guint i = 0; i < mq_layer_list_get_n_layers (self->layers); i++)
    {
      const MqLayer *layer = mq_layer_list_get (self->layers, i);

      if (layer->kind == MQ_LAYER_PARCELS)
        return FALSE;
      if (layer->kind == MQ_LAYER_IMAGE && layer_shown (layer) && raster_of (self, layer) != NULL)
        return TRUE;
    }
  return FALSE;
}

/**
 * mq_renderer_reference_at:
 * @feature: (out): the feature hit
 *
 * Returns: (transfer none) (nullable): the reference layer shown whose
 *   feature is at (x, y) in the map's CRS — the topmost, as drawn — or NULL
 */
MqVectorLayer *
mq_renderer_reference_at (MqRenderer *self,
                          double      x,
                          double      y,
                          double      tolerance,
                          guint      *feature)
{
  g_return_val_if_fail (MQ_IS_RENDERER (self), NULL);

  for (guint i = mq_layer_list_get_n_layers (self->layers); i-- > 0;)
    {
      const MqLayer *l = mq_layer_list_get (self->layers, i);
      MqVectorLayer *vector;
      guint nth;
      int hit;

      if (l->kind == MQ_LAYER_VECTOR && layer_shown (l) && (vector = vector_of (self, l, &nth)) != NULL &&
          (hit = mq_vector_layer_hit_test (vector, x, y, tolerance)) >= 0)
        {
          *feature = (guint) hit;
          return vector;
        }
    }
  return NULL;
}

/* How opaque the parcels' fills are: fully, unless imagery is under them. */
static double
fill_alpha (MqRenderer *self)
{
  return imagery_shown (self) ? IMAGERY_FILL_ALPHA : 1.0;
}

void
mq_renderer_set_selection (MqRenderer  *self,
                           MqSelection *selection)
{
  g_return_if_fail (MQ_IS_RENDERER (self));
  g_set_object (&self->selection, selection);
}

/* The parcel under the pointer, or -1. */
void
mq_renderer_set_hover (MqRenderer *self,
                       int         parcel)
{
  g_return_if_fail (MQ_IS_RENDERER (self));
  self->hover = parcel;
}

/* What the filter leaves out stays in place, faded into the ground. */
static void
dim (MqRgb *fill)
{
  fill->r = 0.25 * fill->r + 0.75 * 0.957;
  fill->g = 0.25 * fill->g + 0.75 * 0.949;
  fill->b = 0.25 * fill->b + 0.75 * 0.929;
}

/**
 * mq_renderer_set_shown:
 * @shown: (nullable): one byte per parcel, 0 for the parcels a filter leaves
 *   out (drawn faded); %NULL shows every parcel as it is
 *
 * Immutable and shared with copies, so worker threads may read it.
 */
void
mq_renderer_set_shown (MqRenderer *self,
                       GBytes     *shown)
{
  g_return_if_fail (MQ_IS_RENDERER (self));

  g_clear_pointer (&self->shown, g_bytes_unref);
  self->shown = shown ? g_bytes_ref (shown) : NULL;
}

/* Larger labels, legend and scale bar, for a projector across a room. */
void
mq_renderer_set_text_scale (MqRenderer *self,
                            double      scale)
{
  g_return_if_fail (MQ_IS_RENDERER (self));
  self->text_scale = scale;
}

/**
 * mq_renderer_set_meeting_room:
 * @meeting_room: %TRUE to size labels and the legend for a room: at least
 *   24 and 20 pixels on a 1080-line screen, in proportion on a taller one
 *
 * What the window's meeting-room mode turns on.
 */
void
mq_renderer_set_meeting_room (MqRenderer *self,
                              gboolean    meeting_room)
{
  g_return_if_fail (MQ_IS_RENDERER (self));
  self->meeting_room = meeting_room;
}

/* Whether parcels too small to see are drawn as paths all the same (the
 * level-of-detail test's reference; vector targets always are). */
void
mq_renderer_set_exact (MqRenderer *self,
                       gboolean    exact)
{
  g_return_if_fail (MQ_IS_RENDERER (self));

  self->exact = exact;
}

/**
 * mq_renderer_set_tiled:
 * @min_parcels: frames with at least this many parcels in view keep tiles
 *   (MQ_RENDERER_TILE_MIN_PARCELS for a window); 0 for none
 *
 * Whether frames with many parcels in view keep their parcel layer as
 * tiles (mq-tile-cache.h) for the frames after them: for a window, which
 * draws the same scales again; not for a one-off export, which would pay
 * the tiles' margins for nothing.
 */
void
mq_renderer_set_tiled (MqRenderer *self,
                       guint       min_parcels)
{
  g_return_if_fail (MQ_IS_RENDERER (self));

  self->tile_min_parcels = min_parcels;
  if (min_parcels > 0 && self->tiles == NULL)
    self->tiles = mq_tile_cache_new (TILE_CACHE_BYTES);
  else if (min_parcels == 0)
    g_clear_pointer (&self->tiles, mq_tile_cache_unref);
}

/**
 * mq_renderer_get_tiles_wanted:
 *
 * Whether a frame was drawn whole because its tiles were missing: the
 * caller may draw them then with mq_renderer_draw_tiles(), off the main
 * thread, for the frames after it.
 */
gboolean
mq_renderer_get_tiles_wanted (MqRenderer *self)
{
  g_return_val_if_fail (MQ_IS_RENDERER (self), FALSE);

  return self->tiles_wanted;
}

/* Draws and keeps the tiles a frame at @vp needs (the renderer's target
 * being a pixel image at scale 1, as tiles_serve() wants). */
void
mq_renderer_draw_tiles (MqRenderer *self,
                        MqViewport *vp)
{
  g_autoptr(GArray) placed = NULL;

  g_return_if_fail (MQ_IS_RENDERER (self));

  self->tiles_wanted = FALSE;
  if (self->tiles != NULL && self->dataset != NULL)
    placed = frame_tiles (self, vp, TRUE);
}

/* How many tiles the renderer (and its copies) has drawn so far. */
guint
mq_renderer_get_tiles_drawn (MqRenderer *self)
{
  g_return_val_if_fail (MQ_IS_RENDERER (self), 0);

  return self->tiles ? mq_tile_cache_get_n_drawn (self->tiles) : 0;
}

/* What parcels' labels say: id, owner, project, entity or area in mu. */
void
mq_renderer_set_label_field (MqRenderer   *self,
                             MqLabelField  field)
{
  g_return_if_fail (MQ_IS_RENDERER (self));
  self->label_field = field;
}

MqLabelField
mq_renderer_get_label_field (MqRenderer *self)
{
  g_return_val_if_fail (MQ_IS_RENDERER (self), MQ_LABEL_FIELD_ID);
  return self->label_field;
}

/* The parcels' attributes changed (an edit): the legend counts again. */
void
mq_renderer_parcels_changed (MqRenderer *self)
{
  g_return_if_fail (MQ_IS_RENDERER (self));
  g_clear_pointer (&self->legend_counts, g_array_unref);
}

/* Legend, scale bar and north arrow; off for a map that a layout frames. */
void
mq_renderer_set_furniture (MqRenderer *self,
                           gboolean    furniture)
{
  g_return_if_fail (MQ_IS_RENDERER (self));
  self->furniture = furniture;
}

MqRenderer *
mq_renderer_new (void)
{
  return g_object_new (MQ_TYPE_RENDERER, NULL);
}

void
mq_renderer_set_dataset (MqRenderer *self,
                         MqDataset  *dataset)
{
  g_return_if_fail (MQ_IS_RENDERER (self));

  g_clear_pointer (&self->legend_counts, g_array_unref);
  if (g_set_object (&self->dataset, dataset))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DATASET]);
}

MqDataset *
mq_renderer_get_dataset (MqRenderer *self)
{
  g_return_val_if_fail (MQ_IS_RENDERER (self), NULL);
  return self->dataset;
}

void
mq_renderer_set_theme (MqRenderer *self,
                       MqTheme     theme)
{
  g_return_if_fail (MQ_IS_RENDERER (self));

  if (self->theme == theme)
    return;
  self->theme = theme;
  g_clear_pointer (&self->legend_counts, g_array_unref);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_THEME]);
}

MqTheme
mq_renderer_get_theme (MqRenderer *self)
{
  g_return_val_if_fail (MQ_IS_RENDERER (self), MQ_THEME_LOCKS);
  return self->theme;
}

void
mq_renderer_set_today (MqRenderer *self,
                       guint32     today)
{
  g_return_if_fail (MQ_IS_RENDERER (self));
  self->today = today;
  g_clear_pointer (&self->legend_counts, g_array_unref);
}

/* Adds feature i of the shapes to the path, in screen coordinates (the
 * map's frames, and any small picture of parcels such as the locator). */
void
mq_renderer_path_feature (cairo_t        *cr,
                          MqViewport     *vp,
                          const MqShapes *shapes,
                          guint           feature,
                          gboolean        closed)
{
  const float *xy = (const float *) shapes->xy->data;
  const MqBox o = mq_shapes_get_bbox (shapes, feature);
  guint r0 = g_array_index (shapes->feat_ring, guint, feature);
  guint r1 = g_array_index (shapes->feat_ring, guint, feature + 1);

  for (guint r = r0; r < r1; r++)
    {
      guint p0 = g_array_index (shapes->ring_start, guint, r);
      guint p1 = g_array_index (shapes->ring_start, guint, r + 1);

      double last_x = 0, last_y = 0;

      for (guint p = p0; p < p1; p++)
        {
          double sx, sy;

          mq_viewport_map_to_screen (vp, o.min_x + xy[2 * p], o.min_y + xy[2 * p + 1], &sx, &sy);
          /* Vertices closer than half a pixel to the last one drawn add nothing
           * at this zoom: the outline is simplified for the scale. */
          if (p != p0 && p != p1 - 1 && fabs (sx - last_x) < 0.5 && fabs (sy - last_y) < 0.5)
            continue;
          if (p == p0)
            cairo_move_to (cr, sx, sy);
          else
            cairo_line_to (cr, sx, sy);
          last_x = sx, last_y = sy;
        }
      if (closed && p1 > p0)
        cairo_close_path (cr);
    }
}

static void
set_rgb (cairo_t     *cr,
         const MqRgb *c)
{
  cairo_set_source_rgb (cr, c->r, c->g, c->b);
}

static gboolean
visible (const MqShapes *shapes,
         guint           feature,
         const MqBox    *view)
{
  const MqBox b = mq_shapes_get_bbox (shapes, feature);

  return !mq_box_is_empty (&b) && mq_box_intersects (&b, view);
}


/* The zone's parts, told apart by two light fills, or all in @color. */
static void
draw_areas (MqRenderer        *self,
            cairo_t           *cr,
            MqViewport        *vp,
            const MqReference *ref,
            const MqBox       *view,
            const MqRgb       *color)
{
  guint n_parts = 0;

  for (guint i = 0; i < ref->kind->len; i++)
    {
      if (g_array_index (ref->kind, guint8, i) != MQ_REF_PART || !visible (ref->shapes, i, view))
        continue;
      mq_renderer_path_feature (cr, vp, ref->shapes, i, TRUE);
      set_rgb (cr, color ? color : &part_fill[n_parts++ % G_N_ELEMENTS (part_fill)]);
      cairo_fill (cr);
    }
}

/* Roads and rivers at their true width, never thinner than @min_px (a
 * hairline, or what the layer's style asks). */
static void
draw_lines (MqRenderer        *self,
            cairo_t           *cr,
            MqViewport        *vp,
            const MqReference *ref,
            const MqBox       *view,
            MqRefKind          kind,
            const MqRgb       *color,
            double             min_px,
            double             casing_px)
{
  double res = mq_viewport_get_resolution (vp);

  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  for (guint i = 0; i < ref->kind->len; i++)
    {
      double width;

      if (g_array_index (ref->kind, guint8, i) != kind || !visible (ref->shapes, i, view))
        continue;
      width = MAX (g_array_index (ref->width_m, double, i) / res, min_px) + casing_px;
      mq_renderer_path_feature (cr, vp, ref->shapes, i, FALSE);
      cairo_set_line_width (cr, width);
      set_rgb (cr, color);
      cairo_stroke (cr);
    }
}

/* The parcels a view shows, in drawing order: @index, or when it is NULL
 * every parcel — an overview of 10⁶ parcels holds them all, and a list of
 * them would be 4 MB more a frame. */
typedef struct
{
  guint *index;
  guint  n;
} InView;

static inline guint
in_view_at (const InView *in_view,
            guint         k)
{
  return in_view->index != NULL ? in_view->index[k] : k;
}

static void
in_view_clear (InView *in_view)
{
  g_clear_pointer (&in_view->index, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (InView, in_view_clear)

/* Through the spatial index when the view holds a small part of the
 * parcels, all of them otherwise. */
static InView
visible_parcels (MqParcels   *parcels,
                 const MqBox *view)
{
  const MqShapes *shapes = mq_parcels_get_shapes (parcels);
  guint n = mq_parcels_get_n_parcels (parcels), len = 0;
  InView in_view = { NULL, 0 };
  MqBox extent;
  GArray *items;

  mq_shapes_get_extent (shapes, &extent);
  if ((view->max_x - view->min_x) * (view->max_y - view->min_y) <
      0.25 * (extent.max_x - extent.min_x) * (extent.max_y - extent.min_y))
    {
      items = mq_spatial_index_query (mq_parcels_get_index (parcels), view);
      g_array_sort (items, mq_compare_guint);
      in_view.n = items->len;
      in_view.index = (guint *) g_array_free (items, FALSE);
      return in_view;
    }
  /* A million parcels at overview: a plain loop, the boxes' test inline,
   * a list made only from the first parcel out of view. */
  for (guint i = 0; i < n; i++)
    {
      const MqBox b = mq_shapes_get_bbox (shapes, i);
      gboolean in = b.min_x <= b.max_x && b.min_y <= b.max_y && b.min_x <= view->max_x &&
                    view->min_x <= b.max_x && b.min_y <= view->max_y && view->min_y <= b.max_y;

      if (!in && in_view.index == NULL)
        {
          in_view.index = g_new (guint, n);
          for (guint k = 0; k < i; k++)
            in_view.index[k] = k;
        }
      if (in_view.index != NULL)
        in_view.index[len] = i;
      len += in;
    }
  in_view.n = len;
  return in_view;
}

#define OUTLINE_BATCH 32

/* Fills go to cairo this many parcels at a time: its edge lists for one
 * path of a million rings were most of a frame's memory. */
#define FILL_BATCH 4096

/* Up to this many distinct fills are batched; themes use fewer. */
#define MAX_FILLS 32

typedef struct
{
  MqRgb   color;
  GArray *items;   /* guint */
} FillBatch;

static GArray *
batch_for (FillBatch   *batches,
           guint       *n_batches,
           const MqRgb *color)
{
  for (guint b = 0; b < *n_batches; b++)
    if (batches[b].color.r == color->r && batches[b].color.g == color->g &&
        batches[b].color.b == color->b)
      return batches[b].items;
  if (*n_batches == MAX_FILLS)
    return batches[MAX_FILLS - 1].items;
  batches[*n_batches].color = *color;
  batches[*n_batches].items = g_array_new (FALSE, FALSE, sizeof (guint));
  return batches[(*n_batches)++].items;
}

typedef enum
{
  RINGS_AS_AREA,   /* edges of an area to fill */
  RINGS_AS_BAND,   /* a line @width wide, for a shape ended non-zero */
  RINGS_AS_LINES,  /* lines straight into the pixels, at @alpha */
} RingsAs;

/* Feature i's rings, closed, to the coverage. */
static void
cover_rings (MqCoverage     *coverage,
             MqViewport     *vp,
             const MqShapes *shapes,
             guint           i,
             RingsAs         as,
             double          width,
             double          alpha)
{
  const float *xy = (const float *) shapes->xy->data;
  const MqBox o = mq_shapes_get_bbox (shapes, i);
  guint r0 = g_array_index (shapes->feat_ring, guint, i);
  guint r1 = g_array_index (shapes->feat_ring, guint, i + 1);

  for (guint r = r0; r < r1; r++)
    {
      guint p0 = g_array_index (shapes->ring_start, guint, r);
      guint p1 = g_array_index (shapes->ring_start, guint, r + 1);
      double fx, fy, lx, ly, sx, sy, nx = 0, ny = 0;

      if (p1 <= p0)
        continue;
      mq_viewport_map_to_screen (vp, o.min_x + xy[2 * p0], o.min_y + xy[2 * p0 + 1], &fx, &fy);
      lx = fx, ly = fy;
      /* Closed whether or not the ring repeats its first point; a band goes
       * round once more to bevel its first corner. */
      for (guint p = p0 + 1; p <= p1 + (as == RINGS_AS_BAND && p1 - p0 > 1); p++, lx = sx, ly = sy)
        {
          if (p < p1)
            mq_viewport_map_to_screen (vp, o.min_x + xy[2 * p], o.min_y + xy[2 * p + 1], &sx, &sy);
          else if (p == p1)
            sx = fx, sy = fy;
          else
            mq_viewport_map_to_screen (vp, o.min_x + xy[2 * p0 + 2], o.min_y + xy[2 * p0 + 3], &sx, &sy);
          if (as == RINGS_AS_AREA)
            mq_coverage_edge (coverage, lx, ly, sx, sy);
          else if (as == RINGS_AS_BAND)
            mq_coverage_band (coverage, lx, ly, sx, sy, width, &nx, &ny);
          else
            mq_coverage_line (coverage, lx, ly, sx, sy, width, alpha);
        }
    }
}

/* A parcel a few pixels across is rasterised by the coverage
 * (mq-coverage.h) rather than by cairo: its area filled, or with @band > 0
 * its outline that wide. TRUE when it was. */
static gboolean
cover_small (MqCoverage     *coverage,
             MqViewport     *vp,
             const MqShapes *shapes,
             guint           i,
             double          band,
             const MqRgb    *color)
{
  const MqBox b = mq_shapes_get_bbox (shapes, i);
  double res = mq_viewport_get_resolution (vp);
  double x0, y0, x1, y1;
  gboolean tiny;

  if (coverage == NULL)
    return FALSE;
  mq_viewport_map_to_screen (vp, b.min_x, b.max_y, &x0, &y0);
  mq_viewport_map_to_screen (vp, b.max_x, b.min_y, &x1, &y1);
  tiny = mq_coverage_is_tiny (coverage, x0, y0, x1, y1);
  /* An outline reaches half its width beyond the parcel. */
  x0 -= band / 2, y0 -= band / 2, x1 += band / 2, y1 += band / 2;
  /* The tiniest: an outline covers its whole grown box, a fill spreads its
   * area over its box. */
  if (tiny)
    return mq_coverage_add_box (coverage, x0, y0, x1, y1,
                                band > 0 ? (x1 - x0) * (y1 - y0)
                                         : mq_shapes_get_plane_area (shapes, i) / (res * res), color);
  /* Another half width of margin: rounding at the cells' edges. */
  if (!mq_coverage_begin_shape (coverage, x0 - band / 2, y0 - band / 2, x1 + band / 2, y1 + band / 2))
    return FALSE;
  cover_rings (coverage, vp, shapes, i, band > 0 ? RINGS_AS_BAND : RINGS_AS_AREA, band, 1);
  mq_coverage_end_shape (coverage, color, band <= 0);
  return TRUE;
}

static void
fill_batch (cairo_t        *cr,
            MqViewport     *vp,
            const MqShapes *shapes,
            FillBatch      *batch,
            double          alpha)
{
  cairo_set_source_rgba (cr, batch->color.r, batch->color.g, batch->color.b, alpha);
  for (guint k = 0; k < batch->items->len; k++)
    {
      mq_renderer_path_feature (cr, vp, shapes, g_array_index (batch->items, guint, k), TRUE);
      if ((k + 1) % FILL_BATCH == 0 || k + 1 == batch->items->len)
        cairo_fill (cr);
    }
}

/* Adds parcel @i to the path and strokes every OUTLINE_BATCH of them (the
 * caller strokes what is left). */
static void
outline_batched (cairo_t        *cr,
                 MqViewport     *vp,
                 const MqShapes *shapes,
                 guint           i,
                 guint          *in_path)
{
  mq_renderer_path_feature (cr, vp, shapes, i, TRUE);
  if (++*in_path == OUTLINE_BATCH)
    {
      cairo_stroke (cr);
      *in_path = 0;
    }
}

/* Outlines only where a parcel is big enough for one to be seen. Under a
 * pixel wide (overview scales) they go straight into the pixels when the
 * target allows (mq-coverage.h); else cairo strokes them a few dozen at a
 * time: its stroker slows down more than linearly on one path of thousands
 * of rings, and per parcel costs a call each. A thin line needs no round
 * joins, which cost most of a stroke. */
static void
draw_outlines (cairo_t        *cr,
               MqViewport     *vp,
               const MqShapes *shapes,
               const InView         *items,
               MqCoverage     *coverage)
{
  double res = mq_viewport_get_resolution (vp);
  double width = res < 2.0 ? 1.0 : 0.6, alpha = 0.9;
  gboolean direct = coverage != NULL && width <= 1.0 && mq_coverage_lines_begin (coverage, cr);

  cairo_set_line_join (cr, CAIRO_LINE_JOIN_BEVEL);
  cairo_set_line_width (cr, width);
  cairo_set_source_rgba (cr, 1, 1, 1, alpha);
  for (guint k = 0, in_path = 0; k < items->n; k++)
    {
      guint i = in_view_at (items, k);
      const MqBox bb = mq_shapes_get_bbox (shapes, i);

      if ((bb.max_x - bb.min_x) <= 4 * res && (bb.max_y - bb.min_y) <= 4 * res)
        continue;
      if (direct)
        cover_rings (coverage, vp, shapes, i, RINGS_AS_LINES, width, alpha);
      else
        outline_batched (cr, vp, shapes, i, &in_path);
    }
  if (direct)
    mq_coverage_lines_end (coverage);
  cairo_stroke (cr);
}

/* A coverage for the parcels' small shapes (NULL when drawn exactly), its
 * sum no bigger than the parcels' extent on the screen. */
static MqCoverage *
coverage_new (MqRenderer *self,
              cairo_t    *cr,
              MqViewport *vp)
{
  MqCoverage *coverage = self->exact ? NULL : mq_coverage_new (cr);
  MqBox extent;
  double x0, y0, x1, y1;

  if (coverage == NULL)
    return NULL;
  mq_shapes_get_extent (mq_parcels_get_shapes (mq_dataset_get_parcels (self->dataset)), &extent);
  if (mq_box_is_empty (&extent))
    return coverage;
  mq_viewport_map_to_screen (vp, extent.min_x, extent.min_y, &x0, &y0);
  mq_viewport_map_to_screen (vp, extent.max_x, extent.max_y, &x1, &y1);
  /* Outlines reach past the parcels by half their width. */
  mq_coverage_limit (coverage, MIN (x0, x1) - 4, MIN (y0, y1) - 4, MAX (x0, x1) + 4, MAX (y0, y1) + 4);
  return coverage;
}

/* Parcels are filled one colour at a time and outlined a few dozen at a
 * time: a cairo call per colour, not per parcel; the smallest are covered. */
static void
draw_parcels (MqRenderer *self,
              cairo_t    *cr,
              MqViewport *vp,
              const InView     *items)
{
  gsize n_shown = 0;
  const guint8 *shown = self->shown ? g_bytes_get_data (self->shown, &n_shown) : NULL;
  MqParcels *parcels = mq_dataset_get_parcels (self->dataset);
  const MqShapes *shapes = mq_parcels_get_shapes (parcels);
  g_autoptr(MqCoverage) coverage = coverage_new (self, cr, vp);
  FillBatch batches[MAX_FILLS];

  if (coverage != NULL)
    mq_coverage_set_opacity (coverage, fill_alpha (self));
  guint n_batches = 0;

  for (guint k = 0; k < items->n; k++)
    {
      guint i = in_view_at (items, k);
      MqRgb fill;

      mq_style_parcel_fill (self->theme, mq_parcels_get (parcels, i), &fill);
      if (shown != NULL && i < n_shown && !shown[i])
        dim (&fill);
      if (!cover_small (coverage, vp, shapes, i, 0, &fill))
        g_array_append_val (batch_for (batches, &n_batches, &fill), i);
    }
  cairo_set_fill_rule (cr, CAIRO_FILL_RULE_EVEN_ODD);
  /* Each of these parcels is outlined (a line of a pixel or more over its
   * edge), which hides what antialiasing its fill would do, at several
   * times the cost: in a close view the fills were half of a frame. */
  if (coverage != NULL)
    cairo_set_antialias (cr, CAIRO_ANTIALIAS_NONE);
  for (guint b = 0; b < n_batches; b++)
    {
      fill_batch (cr, vp, shapes, &batches[b], fill_alpha (self));
      g_array_unref (batches[b].items);
    }
  cairo_set_antialias (cr, CAIRO_ANTIALIAS_DEFAULT);
  if (coverage != NULL)
    mq_coverage_paint (coverage, cr);
  draw_outlines (cr, vp, shapes, items, coverage);
}

/* Selected parcels: a white halo under a thick black line, visible on any
 * fill and to any eye. Only those in view are traced. */
static void
draw_selection (MqRenderer  *self,
                cairo_t     *cr,
                MqViewport  *vp)
{
  const MqShapes *shapes = mq_parcels_get_shapes (mq_dataset_get_parcels (self->dataset));
  g_autoptr(GArray) selected = NULL;
  MqBox view;

  if (self->selection == NULL || mq_selection_get_n (self->selection) == 0)
    return;
  selected = mq_selection_dup_sorted (self->selection);
  mq_viewport_get_visible_box (vp, &view);
  for (guint k = 0; k < selected->len; k++)
    if (visible (shapes, g_array_index (selected, guint, k), &view))
      mq_renderer_path_feature (cr, vp, shapes, g_array_index (selected, guint, k), TRUE);
  cairo_set_line_width (cr, 5.0);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_stroke_preserve (cr);
  cairo_set_line_width (cr, 2.5);
  cairo_set_source_rgb (cr, 0.05, 0.05, 0.05);
  cairo_stroke (cr);
}

/* The parcel under the pointer: a thinner line. */
static void
draw_hover (MqRenderer  *self,
            cairo_t     *cr,
            MqViewport  *vp)
{
  MqParcels *parcels = mq_dataset_get_parcels (self->dataset);

  if (self->hover < 0 || (guint) self->hover >= mq_parcels_get_n_parcels (parcels))
    return;
  mq_renderer_path_feature (cr, vp, mq_parcels_get_shapes (parcels), self->hover, TRUE);
  cairo_set_line_width (cr, 1.5);
  cairo_set_source_rgb (cr, 0.05, 0.05, 0.05);
  cairo_stroke (cr);
}

static gboolean
selection_in_overlay (MqRenderer *self)
{
  return self->live_overlay &&
         (self->selection == NULL || mq_selection_get_n (self->selection) <= MAX_OVERLAY_SELECTION);
}

/**
 * mq_renderer_set_live_overlay:
 * @live: %TRUE when a cached map frame is shown with the selection and
 *   hover drawn over it by mq_renderer_draw_overlay(), so that a hover or a
 *   click never costs a new frame (libshumate's layers do the same)
 */
void
mq_renderer_set_live_overlay (MqRenderer *self,
                              gboolean    live)
{
  g_return_if_fail (MQ_IS_RENDERER (self));
  self->live_overlay = live;
}

/* Whether a change of the selection needs a new map frame. */
gboolean
mq_renderer_selection_in_frame (MqRenderer *self)
{
  g_return_val_if_fail (MQ_IS_RENDERER (self), TRUE);
  return !selection_in_overlay (self);
}

static void
clear_presence (gpointer data)
{
  g_free (((Presence *) data)->names);
}

/**
 * mq_renderer_set_editors:
 * @editors: (nullable) (element-type MqEditor): other planners with a parcel
 *   open, from the project
 *
 * Drawn by mq_renderer_draw_overlay() only: a handful of parcels, looked up
 * by index, so presence costs nothing per parcel of the dataset.
 */
void
mq_renderer_set_editors (MqRenderer *self,
                         GPtrArray  *editors)
{
  g_return_if_fail (MQ_IS_RENDERER (self));

  g_clear_pointer (&self->editors, g_array_unref);
  if (editors == NULL || editors->len == 0)
    return;
  self->editors = g_array_new (FALSE, TRUE, sizeof (Presence));
  g_array_set_clear_func (self->editors, clear_presence);
  for (guint i = 0; i < editors->len; i++)
    {
      const MqEditor *e = g_ptr_array_index (editors, i);
      const char *name = e->display_name ? e->display_name : e->db_user;
      Presence *found = NULL;

      for (guint k = 0; k < self->editors->len && found == NULL; k++)
        if (g_array_index (self->editors, Presence, k).parcel == e->parcel)
          found = &g_array_index (self->editors, Presence, k);
      if (found != NULL)
        {
          char *joined = g_strconcat (found->names, C_("list separator", ", "), name ? name : "?",
                                      NULL);

          g_free (found->names);
          found->names = joined;
        }
      else
        g_array_append_val (self->editors, ((Presence) { e->parcel, g_strdup (name ? name : "?") }));
    }
}

/* A name tag above the parcel's centre: white on the presence colour. */
static void
draw_name_tag (MqRenderer *self,
               cairo_t    *cr,
               double      x,
               double      y,
               const char *name)
{
  g_autoptr(PangoLayout) layout = pango_cairo_create_layout (cr);
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string ("Sans Bold 9");
  int w, h;

  pango_font_description_set_size (font, (int) (9 * PANGO_SCALE * self->text_scale));
  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, name, -1);
  pango_layout_get_pixel_size (layout, &w, &h);
  x -= w / 2.0 + 4, y -= h + 4;
  cairo_new_path (cr);
  cairo_rectangle (cr, x, y, w + 8, h + 2);
  set_rgb (cr, &presence_color);
  cairo_fill (cr);
  cairo_move_to (cr, x + 4, y + 1);
  cairo_set_source_rgb (cr, 1, 1, 1);
  pango_cairo_show_layout (cr, layout);
}

static void
draw_presence (MqRenderer  *self,
               cairo_t     *cr,
               MqViewport  *vp)
{
  MqParcels *parcels = mq_dataset_get_parcels (self->dataset);
  const MqShapes *shapes = mq_parcels_get_shapes (parcels);
  guint n = mq_parcels_get_n_parcels (parcels);

  for (guint k = 0; self->editors != NULL && k < self->editors->len; k++)
    {
      const Presence *p = &g_array_index (self->editors, Presence, k);
      MqBox b;
      double x, y;

      if (p->parcel >= n)
        continue;
      mq_renderer_path_feature (cr, vp, shapes, p->parcel, TRUE);
      cairo_set_line_width (cr, 3.0);
      set_rgb (cr, &presence_color);
      cairo_stroke (cr);
      b = mq_shapes_get_bbox (shapes, p->parcel);
      mq_viewport_map_to_screen (vp, (b.min_x + b.max_x) / 2, (b.min_y + b.max_y) / 2, &x, &y);
      draw_name_tag (self, cr, x, y, p->names);
    }
}

/* Selection and hover, over a map frame drawn before (with a live overlay). */
void
mq_renderer_draw_overlay (MqRenderer *self,
                          cairo_t    *cr,
                          MqViewport *vp)
{
  g_return_if_fail (MQ_IS_RENDERER (self));

  if (self->dataset == NULL || !self->live_overlay)
    return;
  cairo_save (cr);
  if (selection_in_overlay (self))
    draw_selection (self, cr, vp);
  draw_presence (self, cr, vp);
  draw_hover (self, cr, vp);
  cairo_restore (cr);
}

/* Whether the filter keeps parcel @i (every parcel without a filter). */
static gboolean
is_shown (MqRenderer *self,
          guint       i)
{
  gsize n = 0;
  const guint8 *shown = self->shown ? g_bytes_get_data (self->shown, &n) : NULL;

  return shown == NULL || i >= n || shown[i];
}

/* Deadlines are drawn on top of every theme: red for overdue, amber for due
 * within 30 days; not round what a filter leaves out, which fades whole.
 * Only the parcels in view (@items) are looked at. */
static void
draw_deadlines (MqRenderer  *self,
                cairo_t     *cr,
                MqViewport  *vp,
                const InView      *items)
{
  MqParcels *parcels = mq_dataset_get_parcels (self->dataset);
  const MqShapes *shapes = mq_parcels_get_shapes (parcels);
  g_autoptr(MqCoverage) coverage = coverage_new (self, cr, vp);
  double width = 2.0;
  /* Outlines too big for a band go straight into the pixels too (cairo's
   * stroker was a sixth of a close view), the overdue's first: an edge two
   * parcels share is drawn once, red over amber. */
  gboolean direct = coverage != NULL && mq_coverage_lines_begin (coverage, cr);

  cairo_set_line_width (cr, width);
  for (int overdue = 1; overdue >= 0; overdue--)
    {
      const MqRgb *color = overdue ? &mq_style_overdue : &mq_style_due_soon;
      guint in_path = 0;

      set_rgb (cr, color);
      if (direct)
        mq_coverage_set_line_color (coverage, color);
      for (guint k = 0; k < items->n; k++)
        {
          guint i = in_view_at (items, k);
          const MqParcel *p = mq_parcels_get (parcels, i);

          if (!(overdue ? mq_parcel_is_overdue (p, self->today)
                        : !mq_parcel_is_overdue (p, self->today) && mq_parcel_is_due_soon (p, self->today)) ||
              !is_shown (self, i) || cover_small (coverage, vp, shapes, i, width, color))
            continue;
          if (direct)
            cover_rings (coverage, vp, shapes, i, RINGS_AS_LINES, width, 1.0);
          else
            outline_batched (cr, vp, shapes, i, &in_path);
        }
      cairo_stroke (cr);
    }
  if (direct)
    mq_coverage_lines_end (coverage);
  if (coverage != NULL)
    mq_coverage_paint (coverage, cr);
}

/* Parcels with geometry or data problems stay visible, dashed in magenta so
 * that nobody takes their area on trust. */
static void
draw_problems (MqRenderer  *self,
               cairo_t     *cr,
               MqViewport  *vp,
               const InView      *items)
{
  static const double dash[] = { 4.0, 3.0 };
  MqParcels *parcels = mq_dataset_get_parcels (self->dataset);
  const MqShapes *shapes = mq_parcels_get_shapes (parcels);
  guint in_path = 0;

  cairo_set_dash (cr, dash, G_N_ELEMENTS (dash), 0);
  cairo_set_line_width (cr, 1.5);
  set_rgb (cr, &mq_style_problem);
  for (guint k = 0; k < items->n; k++)
    {
      guint i = in_view_at (items, k);

      if (mq_parcels_get (parcels, i)->problems != 0 && is_shown (self, i))
        outline_batched (cr, vp, shapes, i, &in_path);
    }
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);
}

/* Whether this frame's parcel layer comes from tiles: tiled, enough parcels
 * in view, and a pixel target the tiles fall on whole pixels of. */
static gboolean
tiles_serve (MqRenderer *self,
             cairo_t    *cr,
             const InView     *items)
{
  cairo_surface_t *target = cairo_get_target (cr);
  cairo_matrix_t m;
  double sx = 1, sy = 1;

  if (self->tiles == NULL || self->exact || items->n < self->tile_min_parcels || imagery_shown (self) || !kind_shown (self, MQ_LAYER_PARCELS) ||
      cairo_surface_get_type (target) != CAIRO_SURFACE_TYPE_IMAGE)
    return FALSE;
  cairo_get_matrix (cr, &m);
  cairo_surface_get_device_scale (target, &sx, &sy);
  return m.xx == 1 && m.yy == 1 && m.xy == 0 && m.yx == 0 && m.x0 == round (m.x0) &&
         m.y0 == round (m.y0) && sx == 1 && sy == 1;
}

/* One layer of a tile: drawn with its margin, then cut to the tile. NULL
 * when nothing was drawn in it. */
static cairo_surface_t *
draw_tile_layer (MqRenderer *self,
                 MqViewport *vp,
                 const InView     *items,
                 gboolean    marks)
{
  int n = MQ_TILE_PX + 2 * TILE_MARGIN;
  cairo_surface_t *big = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, n, n);
  cairo_surface_t *tile = NULL;
  cairo_t *cr = cairo_create (big);
  gboolean empty = TRUE;

  if (marks)
    {
      draw_deadlines (self, cr, vp, items);
      draw_problems (self, cr, vp, items);
    }
  else
    draw_parcels (self, cr, vp, items);
  cairo_destroy (cr);
  cairo_surface_flush (big);
  for (int y = TILE_MARGIN; y < TILE_MARGIN + MQ_TILE_PX && empty; y++)
    {
      const guint32 *row = (const guint32 *) (cairo_image_surface_get_data (big) +
                                              (gsize) y * cairo_image_surface_get_stride (big));

      for (int x = TILE_MARGIN; x < TILE_MARGIN + MQ_TILE_PX && empty; x++)
        empty = row[x] == 0;
    }
  if (!empty)
    {
      tile = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, MQ_TILE_PX, MQ_TILE_PX);
      cr = cairo_create (tile);
      cairo_set_source_surface (cr, big, -TILE_MARGIN, -TILE_MARGIN);
      cairo_set_operator (cr, CAIRO_OPERATOR_SOURCE);
      cairo_paint (cr);
      cairo_destroy (cr);
    }
  cairo_surface_destroy (big);
  return tile;
}

/* Tile (@tx, @ty) of the grid at @res: pixel (0, 0) of tile (0, 0) is map
 * point (0, 0), rows going south. */
static void
draw_tile (MqRenderer *self,
           double      res,
           gint64      tx,
           gint64      ty,
           MqTile     *tile)
{
  MqParcels *parcels = mq_dataset_get_parcels (self->dataset);
  g_autoptr(MqViewport) vp = mq_viewport_new ();
  g_auto(InView) items = { NULL, 0 };
  int n = MQ_TILE_PX + 2 * TILE_MARGIN;
  MqBox box;

  mq_viewport_set_size (vp, n, n);
  mq_viewport_set_resolution (vp, res);
  mq_viewport_set_center (vp, (tx + 0.5) * MQ_TILE_PX * res, -(ty + 0.5) * MQ_TILE_PX * res);
  mq_viewport_get_visible_box (vp, &box);
  items = visible_parcels (parcels, &box);
  tile->parcels = draw_tile_layer (self, vp, &items, FALSE);
  tile->marks = draw_tile_layer (self, vp, &items, TRUE);
}

typedef struct
{
  MqTile tile;
  double x, y;   /* its top-left corner in the frame */
} PlacedTile;

static void
placed_tile_clear (gpointer data)
{
  mq_tile_clear (&((PlacedTile *) data)->tile);
}

/* The tiles a frame shows, from the cache; those missing drawn and kept
 * when @draw_missing, else NULL when any is missing. The frame falls on the
 * tiles' grid to the nearest pixel: the parcels may sit half a pixel from
 * the roads and labels drawn over them, never blurred. */
static GArray *
frame_tiles (MqRenderer *self,
             MqViewport *vp,
             gboolean    draw_missing)
{
  double res = mq_viewport_get_resolution (vp);
  MqTileState state = { mq_parcels_get_serial (mq_dataset_get_parcels (self->dataset)), self->theme,
                        self->today, self->shown };
  GArray *placed = g_array_new (FALSE, TRUE, sizeof (PlacedTile));
  double ox, oy;
  gint64 tx0, ty0, tx1, ty1;
  MqBox view;

  g_array_set_clear_func (placed, placed_tile_clear);
  mq_viewport_get_visible_box (vp, &view);
  ox = round (view.min_x / res), oy = round (-view.max_y / res);
  tx0 = (gint64) floor (ox / MQ_TILE_PX), ty0 = (gint64) floor (oy / MQ_TILE_PX);
  tx1 = (gint64) floor ((ox + mq_viewport_get_width (vp) - 1) / MQ_TILE_PX);
  ty1 = (gint64) floor ((oy + mq_viewport_get_height (vp) - 1) / MQ_TILE_PX);
  for (gint64 ty = ty0; ty <= ty1; ty++)
    for (gint64 tx = tx0; tx <= tx1; tx++)
      {
        PlacedTile p = { { NULL, NULL }, tx * MQ_TILE_PX - ox, ty * MQ_TILE_PX - oy };

        if (!mq_tile_cache_lookup (self->tiles, &state, res, tx, ty, &p.tile))
          {
            if (!draw_missing)
              {
                g_array_unref (placed);
                return NULL;
              }
            draw_tile (self, res, tx, ty, &p.tile);
            mq_tile_cache_insert (self->tiles, &state, res, tx, ty, &p.tile);
          }
        g_array_append_val (placed, p);
      }
  return placed;
}

static void
paint_tiles (cairo_t  *cr,
             GArray   *placed,
             gboolean  marks)
{
  for (guint k = 0; k < placed->len; k++)
    {
      const PlacedTile *p = &g_array_index (placed, PlacedTile, k);
      cairo_surface_t *layer = marks ? p->tile.marks : p->tile.parcels;

      if (layer == NULL)
        continue;
      cairo_set_source_surface (cr, layer, p->x, p->y);
      cairo_rectangle (cr, p->x, p->y, MQ_TILE_PX, MQ_TILE_PX);
      cairo_fill (cr);
    }
}

static void
draw_zone_outline (MqRenderer        *self,
                   cairo_t           *cr,
                   MqViewport        *vp,
                   const MqReference *ref,
                   const MqRgb       *color,
                   double             width)
{
  static const double dash[] = { 10.0, 4.0 };

  cairo_set_dash (cr, dash, G_N_ELEMENTS (dash), 0);
  cairo_set_line_width (cr, width);
  set_rgb (cr, color);
  for (guint i = 0; i < ref->kind->len; i++)
    if (g_array_index (ref->kind, guint8, i) == MQ_REF_ZONE)
      mq_renderer_path_feature (cr, vp, ref->shapes, i, TRUE);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);
}

#define MARGIN 14.0
#define PARCEL_LABEL_PX 11.0
#define ROAD_LABEL_PX 11.0
#define MAIN_LABEL_PX 13.0
#define PART_LABEL_PX 17.0
/* Minor road names appear from this scale (map units per pixel) down. */
#define ROAD_LABEL_MAX_RES 4.0
/* Beyond this scale the map is an overview: only parcels that need
 * attention (overdue, flagged) are named; closer, every parcel that fits. */
#define PARCEL_OVERVIEW_RES 2.5
/* Roads this wide and rivers this wide are the ones a planner orients by
 * (东川路, 元江路, 剑川路, 江川路, 昆阳路; 黄浦江): named at every scale. */
#define MAIN_ROAD_MIN_WIDTH_M 30.0
#define MAIN_RIVER_MIN_WIDTH_M 100.0
/* The meeting room, on a 1080-line screen (larger in proportion on a
 * taller one): the smallest label and the legend's text, in pixels. */
#define MEETING_LABEL_PX 24.0
#define MEETING_LEGEND_PX 20.0
/* At most this many parcels are tried for a label, the most urgent first:
 * a screen holds fewer, and measuring text for 10⁵ flagged parcels of a
 * large dataset would cost a frame its time. */
#define MAX_PARCEL_LABEL_TRIES 1500

/* The scale of labels and of furniture text: the meeting room's sizes
 * follow the screen's height; elsewhere both are the text scale. */
static void
text_scales (MqRenderer *self,
             MqViewport *vp,
             double     *labels,
             double     *furniture)
{
  double k;

  if (!self->meeting_room)
    {
      *labels = *furniture = self->text_scale;
      return;
    }
  k = MAX (1.0, mq_viewport_get_height (vp) / 1080.0);
  *labels = MAX (self->text_scale, k * MEETING_LABEL_PX / MIN (PARCEL_LABEL_PX, ROAD_LABEL_PX));
  *furniture = mq_renderer_get_furniture_scale (self, mq_viewport_get_height (vp));
}

/* How much larger than usual the legend and scale bar are drawn on a view
 * @height pixels high: what the meeting room's cards make room for. */
double
mq_renderer_get_furniture_scale (MqRenderer *self,
                                 double      height)
{
  g_return_val_if_fail (MQ_IS_RENDERER (self), 1.0);
  if (!self->meeting_room)
    return self->text_scale;
  return MAX (self->text_scale, MAX (1.0, height / 1080.0) * MEETING_LEGEND_PX /
                                    mq_furniture_legend_text_px (1.0));
}

/* Draws a label centred on (x, y), turned by angle, if it overlaps none
 * placed before and stays on the screen. */
static gboolean
place_label (cairo_t     *cr,
             MqTextCache *texts,
             MqLabelGrid *grid,
             MqViewport  *vp,
             const char  *text,
             int          parcel,
             double       x,
             double       y,
             double       size,
             gboolean     bold,
             double       angle,
             const double *measured)
{
  double w, h, c = fabs (cos (angle)), s = fabs (sin (angle));
  double bw, bh;
  MqBox box;

  size *= mq_label_grid_get_text_scale (grid);
  /* Most tries fail on the grid: a size measured once serves them all. */
  if (measured != NULL)
    w = measured[0], h = measured[1];
  else if (texts != NULL)
    mq_text_cache_size (texts, cr, text, size, bold, &w, &h);
  else
    mq_text_size (cr, text, size, bold, &w, &h);
  bw = w * c + h * s, bh = w * s + h * c;
  box = (MqBox) { x - bw / 2 - 2, y - bh / 2 - 2, x + bw / 2 + 2, y + bh / 2 + 2 };
  if (box.min_x < 0 || box.min_y < 0 || box.max_x > mq_viewport_get_width (vp) ||
      box.max_y > mq_viewport_get_height (vp) ||
      !mq_label_grid_place_label (grid, &box, text, parcel, size))
    return FALSE;
  if (texts != NULL && angle == 0)
    {
      mq_text_cache_draw (texts, cr, text, x, y, size, bold);
      return TRUE;
    }
  cairo_save (cr);
  cairo_translate (cr, x, y);
  cairo_rotate (cr, angle);
  mq_draw_text (cr, text, 0, 0, size, bold, MQ_ANCHOR_CENTER, TRUE);
  cairo_restore (cr);
  return TRUE;
}

static void
label_parts (cairo_t           *cr,
             MqLabelGrid       *grid,
             MqViewport        *vp,
             const MqReference *ref)
{
  for (guint i = 0; i < ref->kind->len; i++)
    {
      const MqBox b = mq_shapes_get_bbox (ref->shapes, i);
      double sx, sy;

      if (g_array_index (ref->kind, guint8, i) != MQ_REF_PART || mq_box_is_empty (&b))
        continue;
      mq_viewport_map_to_screen (vp, (b.min_x + b.max_x) / 2, (b.min_y + b.max_y) / 2, &sx, &sy);
      place_label (cr, NULL, grid, vp, g_ptr_array_index (ref->name, i), -1, sx, sy, PART_LABEL_PX, TRUE, 0, NULL);
    }
}

/* A reference area's name where it has room: at the middle of what of it is
 * on the screen. */
#define VECTOR_LABEL_MIN_PX 80.0

static void
label_vector (cairo_t       *cr,
              MqLabelGrid   *grid,
              MqViewport    *vp,
              MqVectorLayer *layer,
              const MqLayer *style,
              const MqBox   *view)
{
  const MqShapes *shapes = mq_vector_layer_get_shapes (layer);
  double res = mq_viewport_get_resolution (vp);
  /* The field the style names (none for ""), else the layer's own choice. */
  int field = style->label ? mq_vector_layer_find_field (layer, style->label)
                           : mq_vector_layer_get_label_field (layer);

  for (guint i = 0; field >= 0 && i < mq_vector_layer_get_n_features (layer); i++)
    {
      MqBox b = mq_shapes_get_bbox (shapes, i), in;
      const char *text = mq_vector_layer_get_value (layer, i, field);
      double sx, sy;

      if (mq_vector_layer_get_kind (layer, i) != MQ_VECTOR_AREA || *text == '\0' ||
          !visible (shapes, i, view) || (b.max_x - b.min_x) / res < VECTOR_LABEL_MIN_PX ||
          (b.max_y - b.min_y) / res < VECTOR_LABEL_MIN_PX / 3)
        continue;
      in = (MqBox) { MAX (b.min_x, view->min_x), MAX (b.min_y, view->min_y),
                     MIN (b.max_x, view->max_x), MIN (b.max_y, view->max_y) };
      mq_viewport_map_to_screen (vp, (in.min_x + in.max_x) / 2, (in.min_y + in.max_y) / 2, &sx, &sy);
      place_label (cr, NULL, grid, vp, text, -1, sx, sy, MAIN_LABEL_PX, FALSE, 0, NULL);
    }
}

/* A stretch of a line on the screen, from a to c. */
typedef struct
{
  double ax, ay, cx, cy, len;
} Segment;

static int
longer_first (gconstpointer a,
              gconstpointer b)
{
  double la = ((const Segment *) a)->len, lb = ((const Segment *) b)->len;

  return (la < lb) - (la > lb);
}

/* Cuts the segment to the screen (Liang–Barsky); FALSE when none is on it. */
static gboolean
clip_segment (Segment *seg,
              double   width,
              double   height)
{
  double dx = seg->cx - seg->ax, dy = seg->cy - seg->ay, t0 = 0, t1 = 1;
  double p[4] = { -dx, dx, -dy, dy };
  double q[4] = { seg->ax, width - seg->ax, seg->ay, height - seg->ay };

  for (guint i = 0; i < 4; i++)
    {
      double t;

      if (p[i] == 0)
        {
          if (q[i] < 0)
            return FALSE;
          continue;
        }
      t = q[i] / p[i];
      if (p[i] < 0)
        t0 = MAX (t0, t);
      else
        t1 = MIN (t1, t);
    }
  if (t0 >= t1)
    return FALSE;
  *seg = (Segment) { seg->ax + t0 * dx, seg->ay + t0 * dy, seg->ax + t1 * dx, seg->ay + t1 * dy,
                     (t1 - t0) * hypot (dx, dy) };
  return TRUE;
}

/* The line's stretches on the screen, the longest first. */
static GArray *
screen_segments (MqViewport     *vp,
                 const MqShapes *shapes,
                 guint           feature)
{
  const MqBox o = mq_shapes_get_bbox (shapes, feature);
  guint r0 = g_array_index (shapes->feat_ring, guint, feature);
  guint r1 = g_array_index (shapes->feat_ring, guint, feature + 1);
  GArray *segments = g_array_new (FALSE, FALSE, sizeof (Segment));

  for (guint r = r0; r < r1; r++)
    for (guint p = g_array_index (shapes->ring_start, guint, r) + 1;
         p < g_array_index (shapes->ring_start, guint, r + 1); p++)
      {
        Segment seg;
        double ax, ay, cx, cy;

        mq_shapes_get_point (shapes, &o, p - 1, &ax, &ay);
        mq_shapes_get_point (shapes, &o, p, &cx, &cy);
        mq_viewport_map_to_screen (vp, ax, ay, &seg.ax, &seg.ay);
        mq_viewport_map_to_screen (vp, cx, cy, &seg.cx, &seg.cy);
        if (clip_segment (&seg, mq_viewport_get_width (vp), mq_viewport_get_height (vp)))
          g_array_append_val (segments, seg);
      }
  g_array_sort (segments, longer_first);
  return segments;
}

/* Tries the name at a few places along a stretch, middle first, where the
 * whole name lies on it (anywhere on it when @anywhere). */
static gboolean
place_along (cairo_t       *cr,
             MqLabelGrid   *grid,
             MqViewport    *vp,
             const char    *text,
             double         size,
             gboolean       bold,
             const Segment *seg,
             gboolean       anywhere)
{
  static const double at[] = { 0.5, 0.35, 0.65, 0.2, 0.8 };
  double angle = atan2 (seg->cy - seg->ay, seg->cx - seg->ax), wh[2];

  if (angle > G_PI / 2)
    angle -= G_PI;
  else if (angle < -G_PI / 2)
    angle += G_PI;
  mq_text_size (cr, text, size * mq_label_grid_get_text_scale (grid), bold, &wh[0], &wh[1]);
  for (guint i = 0; i < G_N_ELEMENTS (at); i++)
    {
      double t = at[i];

      if (!anywhere && (t * seg->len < wh[0] / 2 + 4 || (1 - t) * seg->len < wh[0] / 2 + 4))
        continue;
      if (place_label (cr, NULL, grid, vp, text, -1, seg->ax + t * (seg->cx - seg->ax),
                       seg->ay + t * (seg->cy - seg->ay), size, bold, angle, wh))
        return TRUE;
    }
  return FALSE;
}

/* A road's or river's name along its longest visible segment where it fits,
 * upright. A main line that fits nowhere whole is named across its longest
 * stretch anyway: a planner orients by it at every scale. */
static void
label_line (cairo_t           *cr,
            MqLabelGrid       *grid,
            MqViewport        *vp,
            const MqReference *ref,
            guint              feature,
            gboolean           main)
{
  g_autoptr(GArray) segments = screen_segments (vp, ref->shapes, feature);
  const char *name = g_ptr_array_index (ref->name, feature);
  double size = main ? MAIN_LABEL_PX : ROAD_LABEL_PX;

  if (name == NULL || *name == '\0')
    return;
  for (guint i = 0; i < segments->len; i++)
    if (place_along (cr, grid, vp, name, size, main, &g_array_index (segments, Segment, i), FALSE))
      return;
  for (guint i = 0; main && i < MIN (segments->len, 3); i++)
    if (place_along (cr, grid, vp, name, size, main, &g_array_index (segments, Segment, i), TRUE))
      return;
}

static gboolean
is_main_line (const MqReference *ref,
              guint              i)
{
  guint8 kind = g_array_index (ref->kind, guint8, i);
  double width = g_array_index (ref->width_m, double, i);

  return (kind == MQ_REF_ROAD && width >= MAIN_ROAD_MIN_WIDTH_M) ||
         (kind == MQ_REF_RIVER && width >= MAIN_RIVER_MIN_WIDTH_M);
}

/* Roads and rivers (those of the layers shown), the main ones (@main) or
 * the others, close enough. */
static void
label_lines (cairo_t           *cr,
             MqLabelGrid       *grid,
             MqViewport        *vp,
             const MqReference *ref,
             const MqBox       *view,
             gboolean           main,
             gboolean           roads,
             gboolean           rivers)
{
  if (!main && mq_viewport_get_resolution (vp) > ROAD_LABEL_MAX_RES)
    return;
  for (guint i = 0; i < ref->kind->len; i++)
    {
      guint8 kind = g_array_index (ref->kind, guint8, i);

      if (((kind == MQ_REF_ROAD && roads) || (kind == MQ_REF_RIVER && rivers)) && is_main_line (ref, i) == main &&
          visible (ref->shapes, i, view))
        label_line (cr, grid, vp, ref, i, main);
    }
}

/* What a parcel's label says in the chosen field; NULL (no label) when the
 * parcel has nothing there. */
static char *
parcel_label_text (const MqParcel *p,
                   MqLabelField    field)
{
  const char *text = NULL;

  switch (field)
    {
    case MQ_LABEL_FIELD_OWNER:
      text = p->owner;
      break;
    case MQ_LABEL_FIELD_PROJECT:
      text = p->details->project;
      break;
    case MQ_LABEL_FIELD_ENTITY:
      text = p->details->entity;
      break;
    case MQ_LABEL_FIELD_MU:
      return g_strdup_printf (_("%.1f mu"), p->area_m2 / MQ_M2_PER_MU);
    case MQ_LABEL_FIELD_ID:
    default:
      text = p->id;
    }
  return text != NULL && *text != '\0' ? g_strdup (text) : NULL;
}

/* A parcel that may carry a label, and how much it needs one. */
typedef struct
{
  guint  parcel;
  int    rank;     /* 2 overdue, 1 flagged, 0 neither */
  double area;
} Candidate;

static int
more_urgent_first (gconstpointer a,
                   gconstpointer b)
{
  const Candidate *ca = a, *cb = b;

  if (ca->rank != cb->rank)
    return cb->rank - ca->rank;
  if (ca->area != cb->area)
    return (ca->area < cb->area) - (ca->area > cb->area);
  return (ca->parcel > cb->parcel) - (ca->parcel < cb->parcel);
}

/* The parcels worth a label in this view, the overdue first, then the
 * flagged, larger before smaller; at overview scale only those two. A parcel
 * that needs attention is named when it can be seen at all (beside it if
 * need be); another only where its label fits inside it. */
static GArray *
label_candidates (MqRenderer *self,
                  MqViewport *vp,
                  const InView     *items)
{
  MqParcels *parcels = mq_dataset_get_parcels (self->dataset);
  const MqShapes *shapes = mq_parcels_get_shapes (parcels);
  double res = mq_viewport_get_resolution (vp);
  gboolean overview = res > PARCEL_OVERVIEW_RES;
  GArray *candidates = g_array_new (FALSE, FALSE, sizeof (Candidate));

  for (guint k = 0; k < items->n; k++)
    {
      guint i = in_view_at (items, k);
      const MqBox b = mq_shapes_get_bbox (shapes, i);
      double w = (b.max_x - b.min_x) / res, h = (b.max_y - b.min_y) / res;
      const MqParcel *p;
      Candidate c;

      /* Cheap tests first: most parcels are too small at most scales, and
       * their boxes say so without reading their records. */
      if (w < 6 || h < 6 || !is_shown (self, i))
        continue;
      p = mq_parcels_get (parcels, i);
      c = (Candidate) { i, mq_parcel_is_overdue (p, self->today) ? 2 : p->flagged ? 1 : 0, p->area_m2 };
      if (c.rank == 0 && (overview || w < 36 || h < 16))
        continue;
      g_array_append_val (candidates, c);
    }
  g_array_sort (candidates, more_urgent_first);
  if (candidates->len > MAX_PARCEL_LABEL_TRIES)
    g_array_set_size (candidates, MAX_PARCEL_LABEL_TRIES);
  return candidates;
}

/* A label for a parcel too small to hold it: beside the parcel (above,
 * below, right, left), so that its fill, which says its state, stays seen. */
static void
place_beside (cairo_t     *cr,
              MqTextCache *texts,
              MqLabelGrid *grid,
              MqViewport  *vp,
              const char  *text,
              guint        parcel,
              const MqBox *b,
              double       w,
              double       h)
{
  double x0, y0, x1, y1, cx, cy, wh[2] = { w, h };

  mq_viewport_map_to_screen (vp, b->min_x, b->max_y, &x0, &y0);
  mq_viewport_map_to_screen (vp, b->max_x, b->min_y, &x1, &y1);
  cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
  if (!place_label (cr, texts, grid, vp, text, (int) parcel, cx, y0 - h / 2 - 1, PARCEL_LABEL_PX, FALSE, 0, wh) &&
      !place_label (cr, texts, grid, vp, text, (int) parcel, cx, y1 + h / 2 + 1, PARCEL_LABEL_PX, FALSE, 0, wh) &&
      !place_label (cr, texts, grid, vp, text, (int) parcel, x1 + w / 2 + 3, cy, PARCEL_LABEL_PX, FALSE, 0, wh))
    place_label (cr, texts, grid, vp, text, (int) parcel, x0 - w / 2 - 3, cy, PARCEL_LABEL_PX, FALSE, 0, wh);
}

/* Whether the label fits inside the parcel, at its box's centre. */
static gboolean
fits_inside (const MqShapes *shapes,
             guint           parcel,
             double          res,
             double          w,
             double          h)
{
  const MqBox b = mq_shapes_get_bbox (shapes, parcel);

  return (b.max_x - b.min_x) / res >= w + 6 && (b.max_y - b.min_y) / res >= h + 4 &&
         mq_shapes_contains (shapes, parcel, (b.min_x + b.max_x) / 2, (b.min_y + b.max_y) / 2);
}

/* The parcels that need attention and are labelled beside themselves keep
 * their fill clear of every parcel label: it is what says their state. */
static void
reserve_small_urgent (MqLabelGrid    *grid,
                      MqViewport     *vp,
                      const MqShapes *shapes,
                      GArray         *candidates,
                      const guint8   *inside)
{
  for (guint k = 0; k < candidates->len; k++)
    {
      const Candidate *c = &g_array_index (candidates, Candidate, k);
      const MqBox b = mq_shapes_get_bbox (shapes, c->parcel);
      MqBox box;

      if (c->rank == 0 || inside[k])
        continue;
      mq_viewport_map_to_screen (vp, b.min_x, b.max_y, &box.min_x, &box.min_y);
      mq_viewport_map_to_screen (vp, b.max_x, b.min_y, &box.max_x, &box.max_y);
      box.min_x += 1, box.min_y += 1, box.max_x -= 1, box.max_y -= 1;
      mq_label_grid_place (grid, &box);
    }
}

/* Parcel labels in the chosen field, at a point inside the parcel where
 * they fit, beside it for a parcel that needs attention. */
static void
label_parcels (MqRenderer  *self,
               cairo_t     *cr,
               MqLabelGrid *grid,
               MqViewport  *vp,
               const InView      *items)
{
  MqParcels *parcels = mq_dataset_get_parcels (self->dataset);
  const MqShapes *shapes = mq_parcels_get_shapes (parcels);
  g_autoptr(GArray) candidates = label_candidates (self, vp, items);
  g_autoptr(GPtrArray) texts = g_ptr_array_new_full (candidates->len, g_free);
  g_autofree double *sizes = g_new (double, 2 * candidates->len + 1);
  g_autofree guint8 *inside = g_new0 (guint8, candidates->len + 1);
  double res = mq_viewport_get_resolution (vp);

  for (guint k = 0; k < candidates->len; k++)
    {
      const Candidate *c = &g_array_index (candidates, Candidate, k);
      char *text = parcel_label_text (mq_parcels_get (parcels, c->parcel), self->label_field);

      g_ptr_array_add (texts, text);
      if (text == NULL)
        continue;
      mq_text_cache_size (self->texts, cr, text, PARCEL_LABEL_PX * mq_label_grid_get_text_scale (grid),
                          FALSE, &sizes[2 * k], &sizes[2 * k + 1]);
      inside[k] = fits_inside (shapes, c->parcel, res, sizes[2 * k], sizes[2 * k + 1]);
    }
  reserve_small_urgent (grid, vp, shapes, candidates, inside);
  for (guint k = 0; k < candidates->len; k++)
    {
      const Candidate *c = &g_array_index (candidates, Candidate, k);
      const char *text = g_ptr_array_index (texts, k);
      const MqBox b = mq_shapes_get_bbox (shapes, c->parcel);
      double sx, sy;

      if (text == NULL)
        continue;
      if (inside[k])
        {
          mq_viewport_map_to_screen (vp, (b.min_x + b.max_x) / 2, (b.min_y + b.max_y) / 2, &sx, &sy);
          place_label (cr, self->texts, grid, vp, text, (int) c->parcel, sx, sy, PARCEL_LABEL_PX, FALSE, 0, &sizes[2 * k]);
        }
      else if (c->rank > 0)
        place_beside (cr, self->texts, grid, vp, text, c->parcel, &b, sizes[2 * k], sizes[2 * k + 1]);
    }
}

/* Labels keep clear of the legend, the scale bar and the north arrow. */
static void
reserve_furniture (MqRenderer  *self,
                   MqLabelGrid *grid,
                   MqViewport  *vp)
{
  double w = mq_viewport_get_width (vp), h = mq_viewport_get_height (vp), lw, lh, k, labels;
  MqBox legend, scale_bar, north = { 0, 0, 2 * MARGIN + 40, 2 * MARGIN + 64 };

  text_scales (self, vp, &labels, &k);
  scale_bar = (MqBox) { 0, h - 2 * MARGIN - 24 * k, MARGIN + 220 * k, h };
  mq_furniture_legend_size (self->theme, TRUE, k, &lw, &lh);
  legend = (MqBox) { w - lw - 2 * MARGIN, 0, w, lh + 2 * MARGIN };
  mq_label_grid_place (grid, &legend);
  mq_label_grid_place (grid, &scale_bar);
  mq_label_grid_place (grid, &north);
}

/* Zone parts first, then the main roads and rivers (which try several
 * places), the other roads and rivers, then parcels: the bigger name wins,
 * and a parcel's never hides a road's. A hidden layer's names go with it. */
static void
draw_labels (MqRenderer        *self,
             cairo_t           *cr,
             MqViewport        *vp,
             const MqReference *ref,
             const MqBox       *view,
             const InView            *items)
{
  g_autoptr(MqLabelGrid) grid = mq_label_grid_new (mq_viewport_get_width (vp),
                                                   mq_viewport_get_height (vp));
  double labels, furniture;

  if (self->furniture)
    reserve_furniture (self, grid, vp);
  text_scales (self, vp, &labels, &furniture);
  mq_label_grid_set_text_scale (grid, labels);
  if (kind_shown (self, MQ_LAYER_PARTS))
    label_parts (cr, grid, vp, ref);
  for (guint i = 0; i < mq_layer_list_get_n_layers (self->layers); i++)
    {
      const MqLayer *l = mq_layer_list_get (self->layers, i);
      MqVectorLayer *vector;
      guint nth;

      if (l->kind == MQ_LAYER_VECTOR && layer_shown (l) && (vector = vector_of (self, l, &nth)) != NULL)
        label_vector (cr, grid, vp, vector, l, view);
    }
  for (int main = TRUE; main >= FALSE; main--)
    label_lines (cr, grid, vp, ref, view, main, kind_shown (self, MQ_LAYER_ROADS),
                 kind_shown (self, MQ_LAYER_RIVERS));
  if (kind_shown (self, MQ_LAYER_PARCELS))
    label_parcels (self, cr, grid, vp, items);
  g_clear_pointer (&self->labels, g_array_unref);
  self->labels = mq_label_grid_steal_labels (grid);
  g_clear_pointer (&self->label_boxes, g_array_unref);
  self->label_boxes = g_array_sized_new (FALSE, FALSE, sizeof (MqBox), self->labels->len);
  for (guint i = 0; i < self->labels->len; i++)
    g_array_append_val (self->label_boxes, g_array_index (self->labels, MqLabel, i).box);
}

/* Where the last draw placed its labels, in pixels: none overlap. */
GArray *
mq_renderer_get_label_boxes (MqRenderer *self)
{
  g_return_val_if_fail (MQ_IS_RENDERER (self), NULL);
  return self->label_boxes;
}

/**
 * mq_renderer_get_labels:
 *
 * Returns: (transfer none) (element-type MqLabel) (nullable): the labels the
 *   last draw placed, in the order they were placed (which is their
 *   priority), or %NULL before a draw
 */
GArray *
mq_renderer_get_labels (MqRenderer *self)
{
  g_return_val_if_fail (MQ_IS_RENDERER (self), NULL);
  return self->labels;
}

/**
 * mq_renderer_get_text_px:
 * @label_px: (out): the size of the smallest labels (parcels, roads)
 * @legend_px: (out): the size of the legend's text
 *
 * The text sizes this renderer draws in @vp, in pixels.
 */
void
mq_renderer_get_text_px (MqRenderer *self,
                         MqViewport *vp,
                         double     *label_px,
                         double     *legend_px)
{
  double labels, furniture;

  g_return_if_fail (MQ_IS_RENDERER (self));
  text_scales (self, vp, &labels, &furniture);
  *label_px = MIN (PARCEL_LABEL_PX, ROAD_LABEL_PX) * labels;
  *legend_px = mq_furniture_legend_text_px (furniture);
}

static void
draw_furniture (MqRenderer *self,
                cairo_t    *cr,
                MqViewport *vp)
{
  double w = mq_viewport_get_width (vp), h = mq_viewport_get_height (vp);
  double lw, lh, cx, cy, labels, k;

  /* Counted once per theme and edit, not per frame: a pan draws this live. */
  if (self->legend_counts == NULL)
    self->legend_counts = mq_style_legend_counts (self->theme, mq_dataset_get_parcels (self->dataset),
                                                  self->today);
  text_scales (self, vp, &labels, &k);
  mq_furniture_legend_size (self->theme, TRUE, k, &lw, &lh);
  /* The legend tells the parcels' colours: none while they are hidden. */
  if (lw + 2 * MARGIN < w && lh + 2 * MARGIN < h && kind_shown (self, MQ_LAYER_PARCELS))
    mq_furniture_draw_legend (cr, self->theme, self->legend_counts, w - lw - MARGIN, MARGIN,
                              k);
  mq_furniture_draw_scale_bar (cr, mq_viewport_get_resolution (vp), MARGIN, h - MARGIN, k);
  mq_viewport_get_center (vp, &cx, &cy);
  mq_furniture_draw_north_arrow (cr, MARGIN + 16, MARGIN + 34, 32,
                                 mq_dataset_get_north_angle (self->dataset, cx, cy));
}


/* A reference layer: areas washed with its colour and outlined, lines and
 * points in it, each with its name where it has room. */
static void
draw_vector (cairo_t       *cr,
             MqViewport    *vp,
             MqVectorLayer *layer,
             const MqLayer *style,
             guint          nth,
             const MqBox   *view)
{
  const MqShapes *shapes = mq_vector_layer_get_shapes (layer);
  double rgb[3], wash[3];
  gboolean washed;
  MqRgb own;
  const MqRgb *c = &vector_colors[nth % G_N_ELEMENTS (vector_colors)];

  if (mq_layer_color_parse (style->color, rgb))
    {
      own = (MqRgb) { rgb[0], rgb[1], rgb[2] };
      c = &own;
    }
  /* The areas' wash: the style's, none, or the outline's colour. */
  washed = g_strcmp0 (style->fill, "none") != 0;
  if (!mq_layer_color_parse (style->fill, wash))
    wash[0] = c->r, wash[1] = c->g, wash[2] = c->b;

  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  for (guint i = 0; i < mq_vector_layer_get_n_features (layer); i++)
    {
      MqVectorKind kind = mq_vector_layer_get_kind (layer, i);
      double sx, sy;
      MqBox b;

      if (!visible (shapes, i, view))
        continue;
      if (kind == MQ_VECTOR_POINT)
        {
          b = mq_shapes_get_bbox (shapes, i);
          mq_viewport_map_to_screen (vp, b.min_x, b.min_y, &sx, &sy);
          cairo_new_sub_path (cr);
          cairo_arc (cr, sx, sy, 3.5, 0, 2 * G_PI);
          cairo_set_source_rgb (cr, c->r, c->g, c->b);
          cairo_fill (cr);
          continue;
        }
      mq_renderer_path_feature (cr, vp, shapes, i, kind == MQ_VECTOR_AREA);
      if (kind == MQ_VECTOR_AREA && washed)
        {
          cairo_set_source_rgba (cr, wash[0], wash[1], wash[2], 0.18);
          cairo_fill_preserve (cr);
        }
      cairo_set_source_rgb (cr, c->r, c->g, c->b);
      cairo_set_line_width (cr, style->width > 0 ? style->width : kind == MQ_VECTOR_AREA ? 1.5 : 2.0);
      cairo_stroke (cr);
    }
}


/* One layer of the list, at its opacity (a group painted at that alpha, so
 * that what it draws over itself does not show through). */
static void
draw_layer (MqRenderer        *self,
            cairo_t           *cr,
            MqViewport        *vp,
            const MqLayer     *layer,
            const MqReference *ref,
            const MqBox       *view,
            GArray            *tiles,
            InView            *items)
{
  MqRasterLayer *raster = NULL;
  MqVectorLayer *vector = NULL;
  guint nth = 0;
  /* The project's own reference layers in the colour and least width their
   * style asks, else as they have always been drawn. */
  double rgb[3] = { 0 }, min_px = layer->width > 0 ? layer->width : 1.0;
  gboolean styled = mq_layer_color_parse (layer->color, rgb);
  MqRgb own = { rgb[0], rgb[1], rgb[2] };

  if (!layer_shown (layer) ||
      (layer->kind == MQ_LAYER_IMAGE && (raster = raster_of (self, layer)) == NULL) ||
      (layer->kind == MQ_LAYER_VECTOR && (vector = vector_of (self, layer, &nth)) == NULL))
    return;
  if (layer->opacity < 1.0)
    cairo_push_group (cr);
  switch (layer->kind)
    {
    case MQ_LAYER_PARTS:
      draw_areas (self, cr, vp, ref, view, styled ? &own : NULL);
      break;
    case MQ_LAYER_RIVERS:
      draw_lines (self, cr, vp, ref, view, MQ_REF_RIVER, styled ? &own : &water, min_px, 0);
      break;
    case MQ_LAYER_IMAGE:
      mq_raster_layer_draw (raster, cr, vp);
      break;
    case MQ_LAYER_PARCELS:
      if (tiles != NULL)
        paint_tiles (cr, tiles, FALSE);
      else
        draw_parcels (self, cr, vp, items);
      break;
    case MQ_LAYER_ROADS:
      draw_lines (self, cr, vp, ref, view, MQ_REF_ROAD, &road_casing, min_px, 1.5);
      draw_lines (self, cr, vp, ref, view, MQ_REF_ROAD, styled ? &own : &road, min_px, 0);
      break;
    case MQ_LAYER_ZONE:
      draw_zone_outline (self, cr, vp, ref, styled ? &own : &zone_line, layer->width > 0 ? layer->width : 2.5);
      break;
    case MQ_LAYER_VECTOR:
      draw_vector (cr, vp, vector, layer, nth, view);
      break;
    }
  if (layer->opacity < 1.0)
    {
      cairo_pop_group_to_source (cr);
      cairo_paint_with_alpha (cr, layer->opacity);
    }
}

/**
 * mq_renderer_draw_map:
 *
 * The map without its furniture (labels keep clear of where it goes): what
 * the window caches while the furniture stays put over it.
 */
void
mq_renderer_draw_map (MqRenderer *self,
                      cairo_t    *cr,
                      MqViewport *vp)
{
  static const MqRgb paper = { 0.957, 0.949, 0.929 };
  g_auto(InView) items = { NULL, 0 };
  g_autoptr(GArray) tiles = NULL;
  const MqReference *ref;
  MqBox view;

  g_return_if_fail (MQ_IS_RENDERER (self));

  cairo_save (cr);
  set_rgb (cr, &paper);
  cairo_rectangle (cr, 0, 0, mq_viewport_get_width (vp), mq_viewport_get_height (vp));
  cairo_fill (cr);
  if (self->dataset != NULL)
    {
      ref = mq_dataset_get_reference (self->dataset);
      mq_viewport_get_visible_box (vp, &view);
      items = visible_parcels (mq_dataset_get_parcels (self->dataset), &view);
      /* A frame whose tiles are not all there yet is drawn whole, as
       * quickly as without tiles; its caller draws them afterwards
       * (mq_renderer_draw_tiles()), in the background. */
      if (tiles_serve (self, cr, &items) && (tiles = frame_tiles (self, vp, FALSE)) == NULL)
        self->tiles_wanted = TRUE;
      for (guint i = 0; i < mq_layer_list_get_n_layers (self->layers); i++)
        draw_layer (self, cr, vp, mq_layer_list_get (self->layers, i), ref, &view, tiles, &items);
      /* What marks parcels out stays above every layer. */
      if (kind_shown (self, MQ_LAYER_PARCELS))
        {
          if (tiles != NULL)
            paint_tiles (cr, tiles, TRUE);
          else
            {
              draw_deadlines (self, cr, vp, &items);
              draw_problems (self, cr, vp, &items);
            }
        }
      if (!selection_in_overlay (self))
        draw_selection (self, cr, vp);
      if (!self->live_overlay)
        draw_hover (self, cr, vp);
      draw_labels (self, cr, vp, ref, &view, &items);
    }
  cairo_restore (cr);
}

/* Legend, scale bar and north arrow, on top of a map drawn before. */
void
mq_renderer_draw_furniture (MqRenderer *self,
                            cairo_t    *cr,
                            MqViewport *vp)
{
  g_return_if_fail (MQ_IS_RENDERER (self));

  if (self->dataset == NULL || !self->furniture)
    return;
  cairo_save (cr);
  draw_furniture (self, cr, vp);
  cairo_restore (cr);
}

/**
 * mq_renderer_draw:
 *
 * Draws the map as the viewport sees it, from (0, 0) to its size in the
 * context's user units, with its legend, scale bar and north arrow.
 */
void
mq_renderer_draw (MqRenderer *self,
                  cairo_t    *cr,
                  MqViewport *vp)
{
  mq_renderer_draw_map (self, cr, vp);
  mq_renderer_draw_furniture (self, cr, vp);
}

/**
 * mq_renderer_dup:
 *
 * A renderer drawing what this one draws now (a snapshot of the dataset,
 * theme, selection as it is, hover, the filter's shown bytes), for a worker
 * thread: nothing it reads changes under it.
 */
MqRenderer *
mq_renderer_dup (MqRenderer *self)
{
  MqRenderer *copy = mq_renderer_new ();
  g_autoptr(MqSelection) frozen = NULL;

  g_return_val_if_fail (MQ_IS_RENDERER (self), copy);

  /* The live dataset's parcels are replaced by the next edit; the copy
   * keeps the generation of now. */
  copy->dataset = self->dataset != NULL ? mq_dataset_snapshot (self->dataset) : NULL;
  copy->theme = self->theme;
  copy->today = self->today;
  copy->furniture = self->furniture;
  copy->hover = self->hover;
  copy->text_scale = self->text_scale;
  copy->meeting_room = self->meeting_room;
  copy->label_field = self->label_field;
  copy->exact = self->exact;
  copy->live_overlay = self->live_overlay;
  for (guint i = 0; i < self->rasters->len; i++)
    g_ptr_array_add (copy->rasters, g_object_ref (g_ptr_array_index (self->rasters, i)));
  for (guint i = 0; i < self->vectors->len; i++)
    g_ptr_array_add (copy->vectors, g_object_ref (g_ptr_array_index (self->vectors, i)));
  g_clear_object (&copy->layers);
  copy->layers = mq_layer_list_copy (self->layers);
  g_clear_pointer (&copy->texts, mq_text_cache_unref);
  copy->texts = mq_text_cache_ref (self->texts);
  copy->tiles = self->tiles ? mq_tile_cache_ref (self->tiles) : NULL;
  copy->tile_min_parcels = self->tile_min_parcels;
  copy->shown = self->shown ? g_bytes_ref (self->shown) : NULL;
  if (self->selection != NULL)
    {
      frozen = mq_selection_copy (self->selection);
      g_set_object (&copy->selection, frozen);
    }
  return copy;
}
