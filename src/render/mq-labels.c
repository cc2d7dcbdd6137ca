/* mq-labels.c
 *
 * The screen is cut into square cells; each cell lists the placed labels that
 * touch it, so a new label is tested only against its neighbours.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mq-labels.h"

#include <math.h>

#define CELL_PX 64.0

struct _MqLabelGrid
{
  guint      columns;
  guint      rows;
  GPtrArray *cells;    /* GArray of guint (index into boxes), one per cell */
  GArray    *boxes;    /* MqBox, screen pixels */
  GArray    *labels;   /* MqLabel: what was placed with a text, in order */
  double     text_scale;
};

static const char *const field_keys[] = { "id", "owner", "project", "entity", "mu" };

/* The label field a settings or command-line key names ("id", "owner", …). */
gboolean
mq_label_field_parse (const char   *key,
                      MqLabelField *field)
{
  for (guint i = 0; key != NULL && i < G_N_ELEMENTS (field_keys); i++)
    if (g_str_equal (key, field_keys[i]))
      {
        *field = (MqLabelField) i;
        return TRUE;
      }
  return FALSE;
}

const char *
mq_label_field_key (MqLabelField field)
{
  return field < G_N_ELEMENTS (field_keys) ? field_keys[field] : field_keys[0];
}

static void
clear_label (gpointer data)
{
  g_free (((MqLabel *) data)->text);
}

MqLabelGrid *
mq_label_grid_new (double width,
                   double height)
{
  MqLabelGrid *grid = g_new0 (MqLabelGrid, 1);

  grid->columns = MAX (1, (guint) ceil (width / CELL_PX));
  grid->rows = MAX (1, (guint) ceil (height / CELL_PX));
  grid->cells = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  for (guint i = 0; i < grid->columns * grid->rows; i++)
    g_ptr_array_add (grid->cells, g_array_new (FALSE, FALSE, sizeof (guint)));
  grid->boxes = g_array_new (FALSE, FALSE, sizeof (MqBox));
  grid->labels = g_array_new (FALSE, FALSE, sizeof (MqLabel));
  g_array_set_clear_func (grid->labels, clear_label);
  grid->text_scale = 1.0;
  return grid;
}

void
mq_label_grid_free (MqLabelGrid *grid)
{
  if (grid == NULL)
    return;
  g_ptr_array_unref (grid->cells);
  g_array_unref (grid->boxes);
  g_clear_pointer (&grid->labels, g_array_unref);
  g_free (grid);
}

static void
cell_range (MqLabelGrid *grid,
            const MqBox *box,
            guint        range[4])
{
  range[0] = (guint) CLAMP (floor (box->min_x / CELL_PX), 0, grid->columns - 1);
  range[1] = (guint) CLAMP (floor (box->min_y / CELL_PX), 0, grid->rows - 1);
  range[2] = (guint) CLAMP (floor (box->max_x / CELL_PX), 0, grid->columns - 1);
  range[3] = (guint) CLAMP (floor (box->max_y / CELL_PX), 0, grid->rows - 1);
}

/* Places the label's box if it overlaps none placed before; says whether it did. */
gboolean
mq_label_grid_place (MqLabelGrid *grid,
                     const MqBox *box)
{
  guint r[4], index = grid->boxes->len;

  cell_range (grid, box, r);
  for (guint y = r[1]; y <= r[3]; y++)
    for (guint x = r[0]; x <= r[2]; x++)
      {
        GArray *cell = g_ptr_array_index (grid->cells, y * grid->columns + x);

        for (guint k = 0; k < cell->len; k++)
          if (mq_box_intersects (box, &g_array_index (grid->boxes, MqBox, g_array_index (cell, guint, k))))
            return FALSE;
      }
  g_array_append_val (grid->boxes, *box);
  for (guint y = r[1]; y <= r[3]; y++)
    for (guint x = r[0]; x <= r[2]; x++)
      g_array_append_val ((GArray *) g_ptr_array_index (grid->cells, y * grid->columns + x), index);
  return TRUE;
}

/* The boxes placed so far, in screen pixels. */
const GArray *
mq_label_grid_get_boxes (MqLabelGrid *grid)
{
  return grid->boxes;
}

/* Places a label's box as mq_label_grid_place() does and, when it fits,
 * remembers what it says: a test (or a caller) can ask what was named. */
gboolean
mq_label_grid_place_label (MqLabelGrid *grid,
                           const MqBox *box,
                           const char  *text,
                           int          parcel,
                           double       size_px)
{
  MqLabel label = { *box, NULL, parcel, size_px };

  if (!mq_label_grid_place (grid, box))
    return FALSE;
  label.text = g_strdup (text);
  g_array_append_val (grid->labels, label);
  return TRUE;
}

/* Returns: (transfer full): the labels placed with a text, in placing order;
 * the grid keeps none after. */
GArray *
mq_label_grid_steal_labels (MqLabelGrid *grid)
{
  GArray *labels = g_steal_pointer (&grid->labels);

  grid->labels = g_array_new (FALSE, FALSE, sizeof (MqLabel));
  g_array_set_clear_func (grid->labels, clear_label);
  return labels;
}

/* Labels placed through this grid are this much larger (the meeting room). */
void
mq_label_grid_set_text_scale (MqLabelGrid *grid,
                              double       scale)
{
  grid->text_scale = scale;
}

double
mq_label_grid_get_text_scale (MqLabelGrid *grid)
{
  return grid->text_scale;
}
