/* mq-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-application.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <signal.h>

#include "mq-window.h"

struct _MqApplication
{
  AdwApplication parent_instance;

  gboolean       present;   /* windows start in the meeting-room mode */
  char          *server;    /* a "pg:…" project named on the command line, or NULL */
  guint          signal_ids[3];   /* SIGTERM, SIGINT, SIGHUP */
};

G_DEFINE_FINAL_TYPE (MqApplication, mq_application, ADW_TYPE_APPLICATION)

static void
mq_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (mq_window_new (GTK_APPLICATION (app)));
  gtk_window_present (window);
  if (MQ_APPLICATION (app)->present)
    mq_window_set_presenting (MQ_WINDOW (window), TRUE);
  /* A server project is no file: it comes here, not through open(). */
  if (MQ_APPLICATION (app)->server != NULL)
    mq_window_open_path (MQ_WINDOW (window), MQ_APPLICATION (app)->server);
  g_clear_pointer (&MQ_APPLICATION (app)->server, g_free);
}

static void
mq_application_open (GApplication  *app,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  for (int i = 0; i < n_files; i++)
    {
      MqWindow *window = mq_window_new (GTK_APPLICATION (app));
      g_autofree char *path = g_file_get_path (files[i]);

      gtk_window_present (GTK_WINDOW (window));
      if (MQ_APPLICATION (app)->present)
        mq_window_set_presenting (window, TRUE);
      if (path != NULL)
        mq_window_open_path (window, path);
    }
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (user_data));
  static const char *const developers[] = { "Maqiao Land Viewer developers", NULL };

  adw_show_about_window (parent,
                         "application-name", _("Maqiao Land Viewer"),
                         "application-icon", APP_ID,
                         "version", PACKAGE_VERSION,
                         "developers", developers,
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "comments", _("Parcels, the four locks and map reports for the "
                                       "transformation of industrial land in the Maqiao AI "
                                       "pilot zone.\n\nThe bundled Maqiao sample is synthetic: "
                                       "its boundary is approximate, and its parcels, names "
                                       "and statuses are invented."),
                         NULL);
}

/* Closes every window as its close button would (its close-request
 * handler runs: size and state are remembered), so each lets go of its
 * project, whose store checkpoints and closes the file: a project is one
 * self-contained file again, with no -wal beside it, and what a planner
 * copies or mails is everything. A window that refuses (a question it asks
 * first) stays. Returns whether none is left. */
static gboolean
close_windows (GtkApplication *app)
{
  GList *windows = g_list_copy (gtk_application_get_windows (app));

  /* Held while the list is walked: a closed window is destroyed at once. */
  for (GList *l = windows; l != NULL; l = l->next)
    g_object_ref (l->data);
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
  g_list_free_full (windows, g_object_unref);
  return gtk_application_get_windows (app) == NULL;
}

/* Ctrl+Q, 退出, a signal and the session's end all leave this way. */
static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  if (close_windows (GTK_APPLICATION (user_data)))
    g_application_quit (G_APPLICATION (user_data));
}

/* SIGTERM (a logout, `kill`, systemd), SIGINT (Ctrl+C in the terminal) and
 * SIGHUP (the terminal closed) quit as Ctrl+Q does, instead of ending the
 * process with the last edits still in the -wal. */
static gboolean
on_quit_signal (gpointer user_data)
{
  g_action_group_activate_action (G_ACTION_GROUP (user_data), "quit", NULL);
  return G_SOURCE_CONTINUE;
}

/* The session is ending (GtkApplication asks the session manager to tell
 * us): close the projects now, while there is time, rather than count on
 * the EndSession that follows. */
static void
on_query_end (GtkApplication *app)
{
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
}

static void
mq_application_startup (GApplication *app)
{
  static const GActionEntry entries[] = {
    { "about", about_action },
    { "quit", quit_action },
  };
  static const char *const quit_accels[] = { "<Control>q", NULL };
  static const int signals[] = { SIGTERM, SIGINT, SIGHUP };
  MqApplication *self = MQ_APPLICATION (app);

  G_APPLICATION_CLASS (mq_application_parent_class)->startup (app);
  g_action_map_add_action_entries (G_ACTION_MAP (app), entries, G_N_ELEMENTS (entries), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
    self->signal_ids[i] = g_unix_signal_add (signals[i], on_quit_signal, app);
  g_signal_connect (app, "query-end", G_CALLBACK (on_query_end), NULL);
}

/* g_application_quit() from elsewhere (the session manager's EndSession or
 * Stop, a window's own code) leaves the windows open: they are closed here,
 * after the main loop, and any that refused is destroyed — the app is going
 * either way, and its project must be whole when it does. */
static void
mq_application_shutdown (GApplication *app)
{
  MqApplication *self = MQ_APPLICATION (app);
  GList *windows;

  for (guint i = 0; i < G_N_ELEMENTS (self->signal_ids); i++)
    g_clear_handle_id (&self->signal_ids[i], g_source_remove);
  close_windows (GTK_APPLICATION (app));
  while ((windows = gtk_application_get_windows (GTK_APPLICATION (app))) != NULL)
    gtk_window_destroy (windows->data);
  G_APPLICATION_CLASS (mq_application_parent_class)->shutdown (app);
}

static void
mq_application_finalize (GObject *object)
{
  g_free (MQ_APPLICATION (object)->server);
  G_OBJECT_CLASS (mq_application_parent_class)->finalize (object);
}

static void
mq_application_class_init (MqApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = mq_application_finalize;
  app_class->activate = mq_application_activate;
  app_class->open = mq_application_open;
  app_class->startup = mq_application_startup;
  app_class->shutdown = mq_application_shutdown;
}

static void
mq_application_init (MqApplication *self)
{
}

/* Not unique: a planner may open two projects side by side, and each run
 * from the command line shows its own window. */
MqApplication *
mq_application_new (void)
{
  return g_object_new (MQ_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE,
                       "resource-base-path", "/org/maqiao/LandViewer",
                       /* to hear of the session's end: on_query_end() */
                       "register-session", TRUE,
                       NULL);
}

/* --present: every window opens in the meeting-room mode. */
void
mq_application_set_present (MqApplication *self,
                            gboolean       present)
{
  g_return_if_fail (MQ_IS_APPLICATION (self));
  self->present = present;
}

/* "pg:CONNINFO [schema=NAME]": the first window opens that server project. */
void
mq_application_set_server (MqApplication *self,
                           const char    *spec)
{
  g_return_if_fail (MQ_IS_APPLICATION (self));
  g_free (self->server);
  self->server = g_strdup (spec);
}
