/* mq-column-chooser.h — a popover to show, hide and reorder the columns of
 * a GtkColumnView.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define MQ_TYPE_COLUMN_CHOOSER (mq_column_chooser_get_type ())

G_DECLARE_FINAL_TYPE (MqColumnChooser, mq_column_chooser, MQ, COLUMN_CHOOSER, GtkPopover)

GtkWidget *mq_column_chooser_new      (GtkColumnView   *view);
void       mq_column_chooser_move     (MqColumnChooser *self,
                                       guint            position,
                                       int              step);

G_END_DECLS
