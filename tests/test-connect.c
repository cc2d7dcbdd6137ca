/* test-connect.c — Connect to Server…: the services of pg_service.conf, an
 * error shown in the dialog (never with the password), and a published
 * project opened in the window.
 *
 * Runs under Xvfb (tools/test); skipped without a display. Opening needs the
 * throwaway cluster ./tools/test starts (MQ_TEST_PG): skipped without one,
 * except under CI. The keyring is kept out: no session bus is reachable.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <adwaita.h>
#include <libpq-fe.h>
#include <string.h>
#include <unistd.h>

#include "mq-connect-dialog.h"
#include "mq-core.h"
#include "mq-settings.h"
#include "mq-survey-dialog.h"
#include "mq-window.h"
#include "test-util.h"

/* How long a test waits for a condition before it fails; nothing waits a
 * fixed time. */
#define WAIT_SECONDS 180

#define PASSWORD "Zq7-never-shown-9x"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGconn, PQfinish)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)

static char *tmp_dir;

static const char *
server (void)
{
  const char *conninfo = g_getenv ("MQ_TEST_PG");

  if (conninfo == NULL && g_getenv ("CI") != NULL)
    g_error ("CI=true but no test server (MQ_TEST_PG): ./tools/test starts one");
  return conninfo;
}

static GtkWidget *
find_widget (GtkWidget *root,
             GType      type)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        return child;
      if ((found = find_widget (child, type)) != NULL)
        return found;
    }
  return NULL;
}

/* The error label: the visible label that has the "error" style. */
static GtkLabel *
find_error_label (GtkWidget *root)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkLabel *found;

      if (GTK_IS_LABEL (child) && gtk_widget_get_visible (child) &&
          gtk_widget_has_css_class (child, "error"))
        return GTK_LABEL (child);
      if ((found = find_error_label (child)) != NULL)
        return found;
    }
  return NULL;
}

/* The newest visible toplevel of a type, as a user would see it pop up. */
static GtkWindow *
find_window (GType type)
{
  GListModel *windows = gtk_window_get_toplevels ();
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      for (guint i = g_list_model_get_n_items (windows); i > 0; i--)
        {
          g_autoptr(GtkWindow) w = g_list_model_get_item (windows, i - 1);

          if (G_TYPE_CHECK_INSTANCE_TYPE (w, type) && gtk_widget_get_visible (GTK_WIDGET (w)))
            return w;
        }
      g_main_context_iteration (NULL, TRUE);
    }
  g_error ("no %s appeared", g_type_name (type));
}

static gboolean
has_window (GType type)
{
  GListModel *windows = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (windows); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (windows, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (w, type))
        return TRUE;
    }
  return FALSE;
}

static guint
service_index (MqConnectDialog *dialog,
               const char      *name)
{
  GListModel *services = mq_connect_dialog_get_services (dialog);

  for (guint i = 0; i < g_list_model_get_n_items (services); i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (services, i);

      if (g_str_equal (gtk_string_object_get_string (item), name))
        return i;
    }
  g_error ("service %s is not listed", name);
}

/* Opens the dialog from the main menu's action and fills it as a user would. */
static MqConnectDialog *
fill_dialog (MqWindow   *window,
             const char *service,
             const char *schema)
{
  MqConnectDialog *dialog;
  GtkWidget *root;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.connect-server", NULL));
  dialog = MQ_CONNECT_DIALOG (find_window (MQ_TYPE_CONNECT_DIALOG));
  root = GTK_WIDGET (dialog);
  adw_combo_row_set_selected (ADW_COMBO_ROW (find_widget (root, ADW_TYPE_COMBO_ROW)),
                              service_index (dialog, service));
  /* The first entry row is the schema's (the password row is one too). */
  if (schema != NULL)
    gtk_editable_set_text (GTK_EDITABLE (find_widget (root, ADW_TYPE_ENTRY_ROW)), schema);
  gtk_editable_set_text (GTK_EDITABLE (find_widget (root, ADW_TYPE_PASSWORD_ENTRY_ROW)), PASSWORD);
  return dialog;
}

static void
wait_until_idle (MqConnectDialog *dialog)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;

  while (mq_connect_dialog_get_busy (dialog))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

/* A server that is not there: the dialog stays, shows why, and the
 * password typed is nowhere in what it shows. */
static void
test_error_in_dialog (void)
{
  MqWindow *window = mq_window_new (NULL);
  MqConnectDialog *dialog;
  GtkLabel *label;
  const char *message;

  gtk_window_present (GTK_WINDOW (window));
  dialog = fill_dialog (window, "mq_gui_nowhere", NULL);
  g_assert_cmpuint (g_list_model_get_n_items (mq_connect_dialog_get_services (dialog)), ==, 2);
  /* Enter in the password row, as a user would. */
  g_signal_emit_by_name (find_widget (GTK_WIDGET (dialog), ADW_TYPE_PASSWORD_ENTRY_ROW), "entry-activated");
  g_assert_true (mq_connect_dialog_get_busy (dialog));
  wait_until_idle (dialog);

  message = mq_connect_dialog_get_message (dialog);
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "mq_gui_nowhere"));
  g_assert_nonnull (strstr (message, "cannot connect"));
  g_assert_null (strstr (message, PASSWORD));
  label = find_error_label (GTK_WIDGET (dialog));
  g_assert_nonnull (label);
  g_assert_cmpstr (gtk_label_get_text (label), ==, message);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_assert_null (mq_map_view_get_dataset (mq_window_get_map_view (window)));

  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The sample, published to the cluster, opens in the window. */
static void
test_opens_published (void)
{
  g_autofree char *gpkg = NULL;
  g_autofree char *schema = g_strdup_printf ("mq_gui_%d", (int) getpid ());
  g_autofree char *drop = g_strdup_printf ("SET client_min_messages TO warning; DROP SCHEMA %s CASCADE",
                                          schema);
  g_autoptr(MqDataset) local = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(PGresult) dropped = NULL;
  MqWindow *window;
  MqMapView *view;
  MqConnectDialog *dialog;
  g_autofree char *contents = NULL;
  g_autofree char *mqproj = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_auto(GStrv) recent = NULL;
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;

  if (server () == NULL)
    {
      g_test_skip ("no test server (MQ_TEST_PG)");
      return;
    }
  gpkg = test_copy_sample (tmp_dir, "共享.gpkg");
  local = mq_dataset_load (gpkg, NULL, NULL, &error);
  g_assert_no_error (error);
  mq_server_publish (gpkg, server (), schema, &error);
  g_assert_no_error (error);

  window = mq_window_new (NULL);
  view = mq_window_get_map_view (window);
  gtk_window_present (GTK_WINDOW (window));
  dialog = fill_dialog (window, "mq_gui_test", schema);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "connect.connect", NULL));
  /* The dialog closes once the server answered; the window loads. */
  while (has_window (MQ_TYPE_CONNECT_DIALOG) || mq_map_view_get_dataset (view) == NULL)
    {
      if (has_window (MQ_TYPE_CONNECT_DIALOG) && !mq_connect_dialog_get_busy (dialog))
        g_error ("the dialog stayed: %s", mq_connect_dialog_get_message (dialog));
      if (has_window (ADW_TYPE_MESSAGE_DIALOG))
        g_error ("the window did not open the project: %s",
                 adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (find_window (ADW_TYPE_MESSAGE_DIALOG))));
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_cmpuint (mq_parcels_get_n_parcels (mq_dataset_get_parcels (mq_map_view_get_dataset (view))),
                    ==, mq_parcels_get_n_parcels (mq_dataset_get_parcels (local)));
  g_assert_null (strstr (mq_dataset_get_path (mq_map_view_get_dataset (view)), PASSWORD));
  gtk_window_destroy (GTK_WINDOW (window));

  /* The same project as a .mqproj, opened as a file is: it loads, and the
   * recent files keep the .mqproj. */
  contents = g_strdup_printf ("[Server]\nservice=mq_gui_test\nschema=%s\n", schema);
  mqproj = g_build_filename (tmp_dir, "共享.mqproj", NULL);
  g_assert_true (g_file_set_contents (mqproj, contents, -1, NULL));
  window = mq_window_new (NULL);
  view = mq_window_get_map_view (window);
  gtk_window_present (GTK_WINDOW (window));
  mq_window_open_path (window, mqproj);
  while (mq_map_view_get_dataset (view) == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_cmpuint (mq_parcels_get_n_parcels (mq_dataset_get_parcels (mq_map_view_get_dataset (view))),
                    ==, mq_parcels_get_n_parcels (mq_dataset_get_parcels (local)));
  settings = mq_settings_new ();
  recent = g_settings_get_strv (settings, "recent-projects");
  g_assert_cmpstr (recent[0], ==, mqproj);
  gtk_window_destroy (GTK_WINDOW (window));

  conn = PQconnectdb (server ());
  dropped = PQexec (conn, drop);
  g_assert_cmpint (PQresultStatus (dropped), ==, PGRES_COMMAND_OK);
}

static GtkWidget *
find_named (GtkWidget  *root,
            const char *name)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (g_strcmp0 (gtk_widget_get_name (child), name) == 0)
        return child;
      if ((found = find_named (child, name)) != NULL)
        return found;
    }
  return NULL;
}

static gboolean
has_parcel (MqMapView  *view,
            const char *id)
{
  MqDataset *dataset = mq_map_view_get_dataset (view);
  MqParcels *parcels = dataset ? mq_dataset_get_parcels (dataset) : NULL;

  for (guint i = 0; parcels != NULL && i < mq_parcels_get_n_parcels (parcels); i++)
    if (g_strcmp0 (mq_parcels_get (parcels, i)->id, id) == 0)
      return TRUE;
  return FALSE;
}

/* Until a window of @type is open. */
static void
wait_for_window (GType type)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;

  while (!has_window (type))
    {
      if (g_get_monotonic_time () > deadline && has_window (ADW_TYPE_MESSAGE_DIALOG))
        g_error ("%s", adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (find_window (ADW_TYPE_MESSAGE_DIALOG))));
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

/* Until both windows show (or both no longer show) parcel @id. */
static void
wait_for_parcel (MqMapView  *a,
                 MqMapView  *b,
                 const char *id,
                 gboolean    shown)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;

  while (has_parcel (a, id) != shown || has_parcel (b, id) != shown)
    {
      if (has_window (ADW_TYPE_MESSAGE_DIALOG))
        g_error ("%s", adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (find_window (ADW_TYPE_MESSAGE_DIALOG))));
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

static MqWindow *
open_window (const char *mqproj)
{
  MqWindow *window = mq_window_new (NULL);
  MqMapView *view = mq_window_get_map_view (window);
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;

  gtk_window_present (GTK_WINDOW (window));
  mq_window_open_path (window, mqproj);
  while (mq_map_view_get_dataset (view) == NULL || !has_parcel (view, "MQ0857"))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  return window;
}

/* Two planners' windows on one server project: one carries it into the
 * next-year survey through the preview, and both show the new parcels —
 * the other window told by the server, not by a file it watches. Undone
 * from the first, both show the old parcels again. */
static void
test_survey_update_two_windows (void)
{
  g_autofree char *gpkg = NULL, *mqproj = NULL, *contents = NULL;
  g_autofree char *schema = g_strdup_printf ("mq_gui_survey_%d", (int) getpid ());
  g_autofree char *drop = g_strdup_printf ("SET client_min_messages TO warning; DROP SCHEMA %s CASCADE",
                                          schema);
  g_autofree char *survey = g_build_filename (g_getenv ("MQ_SAMPLE_DIR"), "maqiao-survey-next.shp", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(PGresult) dropped = NULL;
  AdwMessageDialog *dialog;
  MqWindow *first, *second;

  if (server () == NULL)
    {
      g_test_skip ("no test server (MQ_TEST_PG)");
      return;
    }
  gpkg = test_copy_sample (tmp_dir, "两窗口.gpkg");
  mq_server_publish (gpkg, server (), schema, &error);
  g_assert_no_error (error);
  contents = g_strdup_printf ("[Server]\nservice=mq_gui_test\nschema=%s\n", schema);
  mqproj = g_build_filename (tmp_dir, "两窗口.mqproj", NULL);
  g_assert_true (g_file_set_contents (mqproj, contents, -1, NULL));
  first = open_window (mqproj);
  second = open_window (mqproj);

  mq_window_update_survey (first, survey);
  wait_for_window (MQ_TYPE_SURVEY_DIALOG);
  dialog = ADW_MESSAGE_DIALOG (find_window (MQ_TYPE_SURVEY_DIALOG));
  gtk_drop_down_set_selected (GTK_DROP_DOWN (find_named (GTK_WIDGET (dialog), "merge-policy")), 2);
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "apply"));
  adw_message_dialog_response (dialog, "apply");
  gtk_window_destroy (GTK_WINDOW (dialog));
  /* MQ0857 was split into MQ1155 and MQ1156. */
  wait_for_parcel (mq_window_get_map_view (first), mq_window_get_map_view (second), "MQ1155", TRUE);
  g_assert_false (has_parcel (mq_window_get_map_view (second), "MQ0857"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (first), "win.undo-survey-update", NULL));
  wait_for_window (ADW_TYPE_MESSAGE_DIALOG);
  dialog = ADW_MESSAGE_DIALOG (find_window (ADW_TYPE_MESSAGE_DIALOG));
  adw_message_dialog_response (dialog, "undo");
  gtk_window_destroy (GTK_WINDOW (dialog));
  wait_for_parcel (mq_window_get_map_view (first), mq_window_get_map_view (second), "MQ0857", TRUE);
  g_assert_false (has_parcel (mq_window_get_map_view (second), "MQ1155"));

  gtk_window_destroy (GTK_WINDOW (first));
  gtk_window_destroy (GTK_WINDOW (second));
  conn = PQconnectdb (server ());
  dropped = PQexec (conn, drop);
  g_assert_cmpint (PQresultStatus (dropped), ==, PGRES_COMMAND_OK);
}

/* Our own pg_service.conf: a server that is not there, and the cluster. */
static void
write_services (void)
{
  GString *conf = g_string_new ("# written by test-connect\n"
                                "[mq_gui_nowhere]\nhost=/nonexistent-mq-socket-dir\n"
                                "dbname=nothing\nuser=nobody\n\n[mq_gui_test]\n");
  g_autofree char *path = g_build_filename (tmp_dir, "pg_service.conf", NULL);
  PQconninfoOption *options = server () ? PQconninfoParse (server (), NULL) : NULL;

  for (PQconninfoOption *o = options; o != NULL && o->keyword != NULL; o++)
    if (o->val != NULL && *o->val != '\0')
      g_string_append_printf (conf, "%s=%s\n", o->keyword, o->val);
  PQconninfoFree (options);
  g_assert_true (g_file_set_contents (path, conf->str, -1, NULL));
  g_string_free (conf, TRUE);
  g_setenv ("PGSERVICEFILE", path, TRUE);
  g_setenv ("PGSYSCONFDIR", tmp_dir, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  /* 77: meson's "skipped". tools/test runs this under Xvfb. */
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    return 77;
  /* No keyring of the developer's is read or written. */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent-mq-bus", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  mq_core_init ();
  tmp_dir = g_dir_make_tmp ("mq-connect-XXXXXX", NULL);
  write_services ();
  g_test_add_func ("/connect/error-in-dialog", test_error_in_dialog);
  g_test_add_func ("/connect/opens-published", test_opens_published);
  g_test_add_func ("/connect/survey-update-two-windows", test_survey_update_two_windows);
  status = g_test_run ();
  test_remove_dir (tmp_dir);
  g_free (tmp_dir);
  return status;
}
