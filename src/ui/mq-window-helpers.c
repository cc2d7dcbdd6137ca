/* mq-window-helpers.c — what every feature of the window may use: a toast,
 * a problem dialog, a save chooser. It calls no feature and none of the
 * window's own functions, so the features hang off the hub without the hub
 * and a feature calling each other round in a circle.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-window-private.h"

#include <glib/gi18n.h>
#include <string.h>

/* In the meeting room no toast covers the map: they wait, and show when
 * the meeting ends (mq-window-present.c). */
void
_mq_window_toast (MqWindow *self,
                  AdwToast *toast)
{
  if (self->presenting)
    g_ptr_array_add (self->held_toasts, toast);
  else
    adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
_mq_window_show_problem (MqWindow     *self,
                         const char   *heading,
                         const GError *error)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, error->message);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* A save chooser for a file made from @source: it proposes "survey.shp" →
 * "survey<extension>" in the survey's own folder, where the bureau files what it
 * makes from it. Shown at once; @on_response (chooser, response, @data) owns
 * the chooser; @destroy frees @data with the chooser's handler. */
GtkFileChooserNative *
_mq_window_choose_save_file (MqWindow       *self,
                             const char     *title,
                             const char     *accept,
                             const char     *source,
                             const char     *extension,
                             GCallback       on_response,
                             gpointer        data,
                             GClosureNotify  destroy)
{
  g_autofree char *base = g_path_get_basename (source);
  g_autofree char *name = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (source);
  g_autoptr(GFile) folder = g_file_get_parent (file);
  GtkFileChooserNative *chooser;
  char *dot = strrchr (base, '.');

  if (dot != NULL && dot != base)
    *dot = '\0';
  name = g_strconcat (base, extension, NULL);
  chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                         accept, _("_Cancel"));
  if (folder != NULL)
    gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, NULL);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_signal_connect_data (chooser, "response", on_response, data, destroy, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
  return chooser;
}
