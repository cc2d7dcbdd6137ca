/* mq-layer-style.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-layer-style.h"

#include <glib/gi18n.h>

struct _MqLayerStyle
{
  GtkPopover      parent_instance;

  GtkColorButton *color;
  GtkCheckButton *fill_shown;
  GtkColorButton *fill;
  GtkSpinButton  *width;
  GtkDropDown    *label;
  GtkWidget      *label_title;

  MqLayerList    *layers;
  guint           index;
  GStrv           fields;     /* the layer's, for the drop-down's choices */
  gboolean        filling;    /* the widgets set from the layer, not by a person */
};

G_DEFINE_FINAL_TYPE (MqLayerStyle, mq_layer_style, GTK_TYPE_POPOVER)

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static char *
dup_hex (GtkColorButton *button)
{
  GdkRGBA rgba;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_color_chooser_get_rgba (GTK_COLOR_CHOOSER (button), &rgba);
  G_GNUC_END_IGNORE_DEPRECATIONS
  return g_strdup_printf ("#%02x%02x%02x", (int) (rgba.red * 255 + 0.5), (int) (rgba.green * 255 + 0.5),
                          (int) (rgba.blue * 255 + 0.5));
}

static void
set_hex (GtkColorButton *button,
         const double    rgb[3])
{
  GdkRGBA rgba = { rgb[0], rgb[1], rgb[2], 1.0 };

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_color_chooser_set_rgba (GTK_COLOR_CHOOSER (button), &rgba);
  G_GNUC_END_IGNORE_DEPRECATIONS
}

/* The choice made: what mq_layer_list_set_style() takes. */
static void
on_style_changed (MqLayerStyle *self)
{
  g_autofree char *color = NULL;
  g_autofree char *fill = NULL;
  guint selected = gtk_drop_down_get_selected (self->label);

  if (self->filling)
    return;
  color = dup_hex (self->color);
  if (!gtk_widget_get_visible (GTK_WIDGET (self->label)))
    {
      g_signal_emit (self, signals[CHANGED], 0, color, NULL, gtk_spin_button_get_value (self->width), NULL);
      return;
    }
  fill = gtk_check_button_get_active (self->fill_shown) ? dup_hex (self->fill) : g_strdup ("none");
  gtk_widget_set_sensitive (GTK_WIDGET (self->fill), gtk_check_button_get_active (self->fill_shown));
  g_signal_emit (self, signals[CHANGED], 0, color, fill, gtk_spin_button_get_value (self->width),
                 selected == 0 || selected == GTK_INVALID_LIST_POSITION ? "" : self->fields[selected - 1]);
}

static void
mq_layer_style_dispose (GObject *object)
{
  MqLayerStyle *self = MQ_LAYER_STYLE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), MQ_TYPE_LAYER_STYLE);
  g_clear_object (&self->layers);
  g_clear_pointer (&self->fields, g_strfreev);
  G_OBJECT_CLASS (mq_layer_style_parent_class)->dispose (object);
}

static void
mq_layer_style_class_init (MqLayerStyleClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mq_layer_style_dispose;

  /**
   * MqLayerStyle::changed:
   * @color: "#rrggbb"
   * @fill: "#rrggbb", or "none"
   * @width: pixels
   * @label: the field names come from, "" for none
   *
   * A person picked another style.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 4, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_DOUBLE, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/maqiao/LandViewer/mq-layer-style.ui");
  gtk_widget_class_bind_template_child (widget_class, MqLayerStyle, color);
  gtk_widget_class_bind_template_child (widget_class, MqLayerStyle, fill_shown);
  gtk_widget_class_bind_template_child (widget_class, MqLayerStyle, fill);
  gtk_widget_class_bind_template_child (widget_class, MqLayerStyle, width);
  gtk_widget_class_bind_template_child (widget_class, MqLayerStyle, label);
  gtk_widget_class_bind_template_child (widget_class, MqLayerStyle, label_title);
  gtk_widget_class_bind_template_callback (widget_class, on_style_changed);
}

static void
mq_layer_style_init (MqLayerStyle *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* The field names come from now: the one saved, else the layer's own. */
static guint
label_position (MqLayerStyle  *self,
                const MqLayer *layer,
                MqVectorLayer *vector)
{
  int field = layer->label ? mq_vector_layer_find_field (vector, layer->label)
                           : mq_vector_layer_get_label_field (vector);

  return field >= 0 ? (guint) field + 1 : 0;
}

/**
 * mq_layer_style_new:
 * @index: the layer's in @layers
 * @vector: (nullable): a reference layer read from a file (its fields); NULL
 *   for the project's own (zone, parts, roads, rivers): colour and width only
 * @rgb: the colour it is drawn in now
 * @fill_rgb: the colour its areas are washed in now (when they are)
 */
GtkWidget *
mq_layer_style_new (MqLayerList   *layers,
                    guint          index,
                    MqVectorLayer *vector,
                    const double   rgb[3],
                    const double   fill_rgb[3])
{
  MqLayerStyle *self = g_object_new (MQ_TYPE_LAYER_STYLE, NULL);
  const MqLayer *layer = mq_layer_list_get (layers, index);
  g_autoptr(GtkStringList) choices = gtk_string_list_new (NULL);

  self->layers = g_object_ref (layers);
  self->index = index;
  self->fields = vector ? g_strdupv ((GStrv) mq_vector_layer_get_field_names (vector)) : g_new0 (char *, 1);
  self->filling = TRUE;
  set_hex (self->color, rgb);
  set_hex (self->fill, fill_rgb);
  gtk_check_button_set_active (self->fill_shown, g_strcmp0 (layer->fill, "none") != 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->fill), g_strcmp0 (layer->fill, "none") != 0);
  gtk_spin_button_set_value (self->width, layer->width > 0 ? layer->width : 1.5);
  gtk_string_list_append (choices, _("(none)"));
  for (guint i = 0; self->fields[i] != NULL; i++)
    gtk_string_list_append (choices, self->fields[i]);
  gtk_drop_down_set_model (self->label, G_LIST_MODEL (choices));
  gtk_drop_down_set_selected (self->label, vector ? label_position (self, layer, vector) : 0);
  /* The project's own layers: their names are the project's, their fills its own. */
  gtk_widget_set_visible (GTK_WIDGET (self->label), vector != NULL);
  gtk_widget_set_visible (self->label_title, vector != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->fill), vector != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->fill_shown), vector != NULL);
  self->filling = FALSE;
  return GTK_WIDGET (self);
}
