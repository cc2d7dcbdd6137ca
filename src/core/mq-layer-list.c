/* mq-layer-list.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-layer-list.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

struct _MqLayerList
{
  GObject  parent_instance;
  GArray  *layers;   /* MqLayer, bottom first */
};

G_DEFINE_FINAL_TYPE (MqLayerList, mq_layer_list, G_TYPE_OBJECT)
G_DEFINE_QUARK (mq-layer-list-error-quark, mq_layer_list_error)

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* Bottom first, as the map has always been drawn: the parts, the rivers, the
 * parcels over them, the roads over the parcels, the zone's outline on top. */
static const MqLayerKind default_order[MQ_N_BUILTIN_LAYERS] = {
  MQ_LAYER_PARTS, MQ_LAYER_RIVERS, MQ_LAYER_PARCELS, MQ_LAYER_ROADS, MQ_LAYER_ZONE,
};

static const char *const kind_names[] = {
  [MQ_LAYER_PARCELS] = "parcels",
  [MQ_LAYER_PARTS] = "parts",
  [MQ_LAYER_RIVERS] = "rivers",
  [MQ_LAYER_ROADS] = "roads",
  [MQ_LAYER_ZONE] = "zone",
  [MQ_LAYER_IMAGE] = "image",
  [MQ_LAYER_VECTOR] = "vector",
};

/* Whether layers of @kind are files a planner added (an image, a vector
 * layer), named by their path, and removable. */
gboolean
mq_layer_kind_has_file (MqLayerKind kind)
{
  return kind == MQ_LAYER_IMAGE || kind == MQ_LAYER_VECTOR;
}

const char *
mq_layer_kind_get_name (MqLayerKind kind)
{
  g_return_val_if_fail (kind < G_N_ELEMENTS (kind_names), NULL);
  return kind_names[kind];
}

static gboolean
kind_from_name (const char  *name,
                MqLayerKind *kind)
{
  for (guint k = 0; k < G_N_ELEMENTS (kind_names); k++)
    if (g_strcmp0 (name, kind_names[k]) == 0)
      {
        *kind = k;
        return TRUE;
      }
  return FALSE;
}

static void
layer_clear (MqLayer *layer)
{
  g_clear_pointer (&layer->path, g_free);
  g_clear_pointer (&layer->color, g_free);
  g_clear_pointer (&layer->fill, g_free);
  g_clear_pointer (&layer->label, g_free);
  g_clear_pointer (&layer->crs, g_free);
}

/* The widest outline a style may ask for, in pixels. */
#define MAX_WIDTH 20.0

static void
mq_layer_list_finalize (GObject *object)
{
  MqLayerList *self = MQ_LAYER_LIST (object);

  g_clear_pointer (&self->layers, g_array_unref);
  G_OBJECT_CLASS (mq_layer_list_parent_class)->finalize (object);
}

static void
mq_layer_list_class_init (MqLayerListClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mq_layer_list_finalize;

  /**
   * MqLayerList::changed:
   *
   * A layer was shown or hidden, made more or less opaque, moved, added or
   * removed.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
mq_layer_list_init (MqLayerList *self)
{
  self->layers = g_array_new (FALSE, TRUE, sizeof (MqLayer));
  g_array_set_clear_func (self->layers, (GDestroyNotify) layer_clear);
}

static MqLayer *
layer_at (MqLayerList *self,
          guint        index)
{
  return &g_array_index (self->layers, MqLayer, index);
}

static void
changed (MqLayerList *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

/* An empty list: the parsers and copies fill it. */
static MqLayerList *
list_new_empty (void)
{
  return g_object_new (MQ_TYPE_LAYER_LIST, NULL);
}

static void
append (MqLayerList *self,
        MqLayerKind  kind,
        const char  *path,
        gboolean     visible,
        double       opacity)
{
  MqLayer layer = { kind, g_strdup (path), visible, opacity, NULL, NULL, 0, NULL, NULL };

  g_array_append_val (self->layers, layer);
}

/* A copy of @l at the end, its style too. */
static void
append_copy (MqLayerList   *self,
             const MqLayer *l)
{
  append (self, l->kind, l->path, l->visible, l->opacity);
  layer_at (self, self->layers->len - 1)->color = g_strdup (l->color);
  layer_at (self, self->layers->len - 1)->fill = g_strdup (l->fill);
  layer_at (self, self->layers->len - 1)->width = l->width;
  layer_at (self, self->layers->len - 1)->label = g_strdup (l->label);
  layer_at (self, self->layers->len - 1)->crs = g_strdup (l->crs);
}

/* "#rrggbb" as 0–1 channels; FALSE for anything else. */
gboolean
mq_layer_color_parse (const char *color,
                      double      rgb[3])
{
  if (color == NULL || strlen (color) != 7 || color[0] != '#')
    return FALSE;
  for (int i = 1; i < 7; i++)
    if (!g_ascii_isxdigit (color[i]))
      return FALSE;
  for (int c = 0; c < 3; c++)
    rgb[c] = (g_ascii_xdigit_value (color[1 + 2 * c]) * 16 + g_ascii_xdigit_value (color[2 + 2 * c])) / 255.0;
  return TRUE;
}

/**
 * mq_layer_list_new:
 *
 * The layers a project has before anyone changed them: every reference
 * layer and the parcels, shown, opaque, in the order the map was always
 * drawn.
 */
MqLayerList *
mq_layer_list_new (void)
{
  MqLayerList *self = list_new_empty ();

  for (guint i = 0; i < G_N_ELEMENTS (default_order); i++)
    append (self, default_order[i], NULL, TRUE, 1.0);
  return self;
}

MqLayerList *
mq_layer_list_copy (MqLayerList *self)
{
  MqLayerList *copy = list_new_empty ();

  g_return_val_if_fail (MQ_IS_LAYER_LIST (self), copy);
  for (guint i = 0; i < self->layers->len; i++)
    append_copy (copy, layer_at (self, i));
  return copy;
}

/* Makes @self hold what @other holds (a project's list replaced by the one
 * its file saved), telling its views once. */
void
mq_layer_list_assign (MqLayerList *self,
                      MqLayerList *other)
{
  g_return_if_fail (MQ_IS_LAYER_LIST (self) && MQ_IS_LAYER_LIST (other));

  if (mq_layer_list_equal (self, other))
    return;
  g_array_set_size (self->layers, 0);
  for (guint i = 0; i < other->layers->len; i++)
    append_copy (self, layer_at (other, i));
  changed (self);
}

gboolean
mq_layer_list_equal (MqLayerList *self,
                     MqLayerList *other)
{
  g_return_val_if_fail (MQ_IS_LAYER_LIST (self) && MQ_IS_LAYER_LIST (other), FALSE);

  if (self->layers->len != other->layers->len)
    return FALSE;
  for (guint i = 0; i < self->layers->len; i++)
    {
      const MqLayer *a = layer_at (self, i), *b = layer_at (other, i);

      if (a->kind != b->kind || g_strcmp0 (a->path, b->path) != 0 ||
          !a->visible != !b->visible || a->opacity != b->opacity ||
          g_strcmp0 (a->color, b->color) != 0 || g_strcmp0 (a->fill, b->fill) != 0 || a->width != b->width ||
          g_strcmp0 (a->label, b->label) != 0 ||
          g_strcmp0 (a->crs, b->crs) != 0)
        return FALSE;
    }
  return TRUE;
}

guint
mq_layer_list_get_n_layers (MqLayerList *self)
{
  g_return_val_if_fail (MQ_IS_LAYER_LIST (self), 0);
  return self->layers->len;
}

const MqLayer *
mq_layer_list_get (MqLayerList *self,
                   guint        index)
{
  g_return_val_if_fail (MQ_IS_LAYER_LIST (self), NULL);
  g_return_val_if_fail (index < self->layers->len, NULL);
  return layer_at (self, index);
}

/* The layer of @kind (and for an added file, @path), or -1. */
int
mq_layer_list_find (MqLayerList *self,
                    MqLayerKind  kind,
                    const char  *path)
{
  g_return_val_if_fail (MQ_IS_LAYER_LIST (self), -1);

  for (guint i = 0; i < self->layers->len; i++)
    if (layer_at (self, i)->kind == kind &&
        (!mq_layer_kind_has_file (kind) || g_strcmp0 (layer_at (self, i)->path, path) == 0))
      return (int) i;
  return -1;
}

void
mq_layer_list_set_visible (MqLayerList *self,
                           guint        index,
                           gboolean     visible)
{
  g_return_if_fail (MQ_IS_LAYER_LIST (self));
  g_return_if_fail (index < self->layers->len);

  if (!layer_at (self, index)->visible == !visible)
    return;
  layer_at (self, index)->visible = visible;
  changed (self);
}

void
mq_layer_list_set_opacity (MqLayerList *self,
                           guint        index,
                           double       opacity)
{
  g_return_if_fail (MQ_IS_LAYER_LIST (self));
  g_return_if_fail (index < self->layers->len);
  g_return_if_fail (opacity >= 0.0 && opacity <= 1.0);

  if (layer_at (self, index)->opacity == opacity)
    return;
  layer_at (self, index)->opacity = opacity;
  changed (self);
}

/**
 * mq_layer_list_set_style:
 * @color: (nullable): "#rrggbb", or NULL for the layer's default
 * @fill: (nullable): the areas' wash, "#rrggbb" or "none"; NULL: @color's
 * @width: pixels, 0 for the default
 * @label: (nullable): the field names come from, "" for none, NULL for the
 *   layer's own choice
 *
 * A vector layer's style.
 */
void
mq_layer_list_set_style (MqLayerList *self,
                         guint        index,
                         const char  *color,
                         const char  *fill,
                         double       width,
                         const char  *label)
{
  MqLayer *l;
  double rgb[3];

  g_return_if_fail (MQ_IS_LAYER_LIST (self));
  g_return_if_fail (index < self->layers->len);
  g_return_if_fail (color == NULL || mq_layer_color_parse (color, rgb));
  g_return_if_fail (fill == NULL || g_str_equal (fill, "none") || mq_layer_color_parse (fill, rgb));
  g_return_if_fail (width >= 0 && width <= MAX_WIDTH);

  l = layer_at (self, index);
  if (g_strcmp0 (l->color, color) == 0 && g_strcmp0 (l->fill, fill) == 0 && l->width == width &&
      g_strcmp0 (l->label, label) == 0)
    return;
  g_free (l->color);
  l->color = g_strdup (color);
  g_free (l->fill);
  l->fill = g_strdup (fill);
  l->width = width;
  g_free (l->label);
  l->label = g_strdup (label);
  changed (self);
}

/* Moves the layer at @index to @to (bottom first), the others closing up. */
void
mq_layer_list_move (MqLayerList *self,
                    guint        index,
                    guint        to)
{
  MqLayer layer;

  g_return_if_fail (MQ_IS_LAYER_LIST (self));
  g_return_if_fail (index < self->layers->len && to < self->layers->len);

  if (index == to)
    return;
  layer = *layer_at (self, index);
  /* Taken out whole: its path moves with it, not freed. */
  memmove (layer_at (self, index), layer_at (self, index + 1),
           (self->layers->len - index - 1) * sizeof (MqLayer));
  memmove (layer_at (self, to + 1), layer_at (self, to),
           (self->layers->len - to - 1) * sizeof (MqLayer));
  *layer_at (self, to) = layer;
  changed (self);
}

/**
 * mq_layer_list_add_file:
 * @kind: MQ_LAYER_IMAGE or MQ_LAYER_VECTOR
 * @crs: (nullable): its CRS as the user gave it, for a file that has none
 *
 * Adds a file a planner chose: an image just under the parcels (over any
 * added before), a vector layer (a plan's outlines) just over them; or
 * shows it again if the list holds it already.
 *
 * Returns: its index
 */
guint
mq_layer_list_add_file (MqLayerList *self,
                        MqLayerKind  kind,
                        const char  *path,
                        const char  *crs,
                        double       opacity)
{
  int at, parcels;
  MqLayer layer = { kind, NULL, TRUE, opacity, NULL, NULL, 0, NULL, g_strdup (crs) };

  g_return_val_if_fail (MQ_IS_LAYER_LIST (self), 0);
  g_return_val_if_fail (mq_layer_kind_has_file (kind), 0);
  g_return_val_if_fail (path != NULL && opacity >= 0.0 && opacity <= 1.0, 0);

  if ((at = mq_layer_list_find (self, kind, path)) >= 0)
    {
      g_free (layer.crs);
      mq_layer_list_set_visible (self, at, TRUE);
      return at;
    }
  parcels = mq_layer_list_find (self, MQ_LAYER_PARCELS, NULL);
  if (parcels < 0)
    at = (int) self->layers->len;
  else
    at = kind == MQ_LAYER_IMAGE ? parcels : parcels + 1;
  layer.path = g_strdup (path);
  g_array_insert_val (self->layers, at, layer);
  changed (self);
  return at;
}

/* Only an added file goes: the project's own layers are hidden instead. */
void
mq_layer_list_remove (MqLayerList *self,
                      guint        index)
{
  g_return_if_fail (MQ_IS_LAYER_LIST (self));
  g_return_if_fail (index < self->layers->len);
  g_return_if_fail (mq_layer_kind_has_file (layer_at (self, index)->kind));

  g_array_remove_index (self->layers, index);
  changed (self);
}

char *
mq_layer_list_to_json (MqLayerList *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (MQ_IS_LAYER_LIST (self), NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, 1);
  json_builder_set_member_name (b, "layers");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->layers->len; i++)
    {
      const MqLayer *l = layer_at (self, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "kind");
      json_builder_add_string_value (b, kind_names[l->kind]);
      if (l->path != NULL)
        {
          json_builder_set_member_name (b, "path");
          json_builder_add_string_value (b, l->path);
        }
      json_builder_set_member_name (b, "visible");
      json_builder_add_boolean_value (b, l->visible);
      json_builder_set_member_name (b, "opacity");
      json_builder_add_double_value (b, l->opacity);
      if (l->color != NULL)
        {
          json_builder_set_member_name (b, "color");
          json_builder_add_string_value (b, l->color);
        }
      if (l->fill != NULL)
        {
          json_builder_set_member_name (b, "fill");
          json_builder_add_string_value (b, l->fill);
        }
      if (l->width > 0)
        {
          json_builder_set_member_name (b, "width");
          json_builder_add_double_value (b, l->width);
        }
      if (l->label != NULL)
        {
          json_builder_set_member_name (b, "label");
          json_builder_add_string_value (b, l->label);
        }
      if (l->crs != NULL)
        {
          json_builder_set_member_name (b, "crs");
          json_builder_add_string_value (b, l->crs);
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

static gboolean
invalid (GError    **error,
         guint       index,
         const char *what)
{
  g_set_error (error, MQ_LAYER_LIST_ERROR, MQ_LAYER_LIST_ERROR_INVALID,
               _("the project's layer list: layer %u: %s"), index + 1, what);
  return FALSE;
}

/* A vector layer's style, if saved: checked as the rest. */
static gboolean
parse_style (MqLayer     *layer,
             JsonObject  *o,
             guint        index,
             GError     **error)
{
  JsonNode *color = json_object_get_member (o, "color");
  JsonNode *fill = json_object_get_member (o, "fill");
  JsonNode *width = json_object_get_member (o, "width");
  JsonNode *label = json_object_get_member (o, "label");
  JsonNode *crs = json_object_get_member (o, "crs");
  double rgb[3];

  if (color != NULL && (json_node_get_value_type (color) != G_TYPE_STRING ||
                        !mq_layer_color_parse (json_node_get_string (color), rgb)))
    return invalid (error, index, _("“color” must be #rrggbb"));
  if (fill != NULL && (json_node_get_value_type (fill) != G_TYPE_STRING ||
                       (!g_str_equal (json_node_get_string (fill), "none") &&
                        !mq_layer_color_parse (json_node_get_string (fill), rgb))))
    return invalid (error, index, _("“fill” must be #rrggbb or none"));
  if (width != NULL && (!JSON_NODE_HOLDS_VALUE (width) ||
                        (json_node_get_value_type (width) != G_TYPE_DOUBLE &&
                         json_node_get_value_type (width) != G_TYPE_INT64) ||
                        !(json_node_get_double (width) >= 0 && json_node_get_double (width) <= MAX_WIDTH)))
    return invalid (error, index, _("“width” must be a number from 0 to 20"));
  if (label != NULL && json_node_get_value_type (label) != G_TYPE_STRING)
    return invalid (error, index, _("“label” must be a field's name"));
  if (crs != NULL && (json_node_get_value_type (crs) != G_TYPE_STRING || !mq_layer_kind_has_file (layer->kind)))
    return invalid (error, index, _("only an added layer has a “crs”, as text"));
  layer->color = color ? g_strdup (json_node_get_string (color)) : NULL;
  layer->fill = fill ? g_strdup (json_node_get_string (fill)) : NULL;
  layer->width = width ? json_node_get_double (width) : 0;
  layer->label = label ? g_strdup (json_node_get_string (label)) : NULL;
  layer->crs = crs ? g_strdup (json_node_get_string (crs)) : NULL;
  return TRUE;
}

/* One saved layer, checked member by member: nothing is guessed. */
static gboolean
parse_layer (MqLayerList  *self,
             JsonNode     *node,
             guint         index,
             GError      **error)
{
  JsonObject *o = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  JsonNode *visible, *opacity, *path;
  MqLayerKind kind;

  if (o == NULL)
    return invalid (error, index, _("not an object"));
  if (!kind_from_name (json_object_get_string_member_with_default (o, "kind", NULL), &kind))
    return invalid (error, index, _("unknown kind"));
  if (!mq_layer_kind_has_file (kind) && mq_layer_list_find (self, kind, NULL) >= 0)
    return invalid (error, index, _("listed twice"));
  visible = json_object_get_member (o, "visible");
  opacity = json_object_get_member (o, "opacity");
  path = json_object_get_member (o, "path");
  if (visible == NULL || json_node_get_value_type (visible) != G_TYPE_BOOLEAN)
    return invalid (error, index, _("“visible” must be true or false"));
  if (opacity == NULL || !JSON_NODE_HOLDS_VALUE (opacity) ||
      (json_node_get_value_type (opacity) != G_TYPE_DOUBLE &&
       json_node_get_value_type (opacity) != G_TYPE_INT64) ||
      !(json_node_get_double (opacity) >= 0.0 && json_node_get_double (opacity) <= 1.0))
    return invalid (error, index, _("“opacity” must be a number from 0 to 1"));
  if (mq_layer_kind_has_file (kind) !=
      (path != NULL && json_node_get_value_type (path) == G_TYPE_STRING &&
       *json_node_get_string (path) != '\0'))
    return invalid (error, index, mq_layer_kind_has_file (kind) ? _("an added layer needs its “path”")
                                                                : _("only an added layer has a “path”"));
  append (self, kind, path ? json_node_get_string (path) : NULL, json_node_get_boolean (visible),
          json_node_get_double (opacity));
  return parse_style (layer_at (self, self->layers->len - 1), o, index, error);
}

/* A list saved before a layer existed gets it where it goes by default. */
static void
add_missing (MqLayerList *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (default_order); i++)
    if (mq_layer_list_find (self, default_order[i], NULL) < 0)
      {
        MqLayer layer = { default_order[i], NULL, TRUE, 1.0, NULL, NULL, 0, NULL, NULL };

        g_array_insert_val (self->layers, MIN (i, self->layers->len), layer);
      }
}

/**
 * mq_layer_list_new_from_json:
 *
 * Reads a list saved by mq_layer_list_to_json(). A project is a file from
 * outside: a list that does not read is an error saying where, never half
 * taken.
 */
MqLayerList *
mq_layer_list_new_from_json (const char  *json,
                             GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(MqLayerList) self = list_new_empty ();
  g_autoptr(GError) local_error = NULL;
  JsonObject *root;
  JsonArray *layers;

  if (!json_parser_load_from_data (parser, json, -1, &local_error))
    {
      g_set_error (error, MQ_LAYER_LIST_ERROR, MQ_LAYER_LIST_ERROR_INVALID,
                   _("the project's layer list does not read: %s"), local_error->message);
      return NULL;
    }
  root = JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser))
           ? json_node_get_object (json_parser_get_root (parser)) : NULL;
  if (root == NULL || !json_object_has_member (root, "layers") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (root, "layers")) ||
      json_object_get_int_member_with_default (root, "version", 0) != 1)
    {
      g_set_error (error, MQ_LAYER_LIST_ERROR, MQ_LAYER_LIST_ERROR_INVALID,
                   _("the project's layer list is not one this version reads"));
      return NULL;
    }
  layers = json_object_get_array_member (root, "layers");
  for (guint i = 0; i < json_array_get_length (layers); i++)
    if (!parse_layer (self, json_array_get_element (layers, i), i, error))
      return NULL;
  add_missing (self);
  return g_steal_pointer (&self);
}
