/* mq-connect-dialog.c
 *
 * Connecting is: the password typed (or else the keyring's, or else
 * libpq's ~/.pgpass), one connection from a worker that also looks for the
 * project's parcels, then — only when that worked — the password into the
 * keyring if asked, and the request to the window. An error stays in the
 * dialog, where the planner can correct the form; it never holds the
 * password (core/mq-server-file.c makes sure).
 *
 * The dialog stays a window of its own (not an AdwMessageDialog, which
 * closes on every response) so that it can show the error and be tried again.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "mq-connect-dialog.h"
#include "mq-core.h"
#include "mq-keyring.h"
#include "mq-open-request.h"

struct _MqConnectDialog
{
  AdwWindow             parent_instance;

  AdwComboRow          *service_row;
  AdwEntryRow          *schema_row;
  AdwEntryRow          *user_row;
  AdwPasswordEntryRow  *password_row;
  GtkSwitch            *remember_switch;
  GtkLabel             *status_label;
  GtkSpinner           *spinner;

  GtkStringList        *services;
  GCancellable         *cancellable;
  GtkFileChooserNative *chooser;
  char                 *message;
  gboolean              busy;
};

G_DEFINE_FINAL_TYPE (MqConnectDialog, mq_connect_dialog, ADW_TYPE_WINDOW)

enum { PROP_0, PROP_BUSY, PROP_MESSAGE, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { SIGNAL_CONNECTED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* One try at connecting, from the button to the window. */
typedef struct
{
  MqConnectDialog *self;
  GCancellable    *cancellable;
  MqServerFile    *server;
  char            *password;     /* (nullable) */
  gboolean         typed;        /* not from the keyring: may be remembered */
} Attempt;

static void
attempt_free (Attempt *attempt)
{
  g_object_unref (attempt->self);
  g_object_unref (attempt->cancellable);
  mq_server_file_free (attempt->server);
  if (attempt->password != NULL)
    memset (attempt->password, 0, strlen (attempt->password));
  g_free (attempt->password);
  g_free (attempt);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Attempt, attempt_free)

static void
show_message (MqConnectDialog *self,
              const char      *text,
              gboolean         is_error)
{
  g_free (self->message);
  self->message = g_strdup (text);
  gtk_label_set_text (self->status_label, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), text != NULL);
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
}

/* The one place that decides what can be done now. */
static void
actions_update (MqConnectDialog *self)
{
  gboolean ready = !self->busy && self->services != NULL &&
                   g_list_model_get_n_items (G_LIST_MODEL (self->services)) > 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "connect.connect", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "connect.save", ready);
}

static void
set_busy (MqConnectDialog *self,
          gboolean         busy)
{
  if (self->busy == busy)
    return;
  self->busy = busy;
  gtk_spinner_set_spinning (self->spinner, busy);
  actions_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static char *
entry_value (AdwEntryRow *row)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));

  return *text != '\0' ? g_steal_pointer (&text) : NULL;
}

/* The form as a server file: what Connect opens and Save writes. */
static MqServerFile *
dup_form (MqConnectDialog  *self,
          GError          **error)
{
  GtkStringObject *item = adw_combo_row_get_selected_item (self->service_row);
  g_autoptr(MqServerFile) server = g_new0 (MqServerFile, 1);

  if (item == NULL)
    {
      g_set_error_literal (error, MQ_SERVER_FILE_ERROR, MQ_SERVER_FILE_ERROR_INVALID,
                           _("Choose a service"));
      return NULL;
    }
  server->service = g_strdup (gtk_string_object_get_string (item));
  server->schema = entry_value (self->schema_row);
  server->user = entry_value (self->user_row);
  if (!mq_server_file_validate (server, server->service, error))
    return NULL;
  return g_steal_pointer (&server);
}

/* ---- connecting ----------------------------------------------------------- */

static void
finish_connected (Attempt    *attempt,
                  const char *notice)
{
  MqConnectDialog *self = attempt->self;
  g_autofree char *spec = mq_server_file_dup_spec (attempt->server);
  g_autoptr(MqOpenRequest) request = mq_open_request_new (spec);

  request->password = g_strdup (attempt->password);
  set_busy (self, FALSE);
  g_signal_emit (self, signals[SIGNAL_CONNECTED], 0, request, notice);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
on_stored (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  g_autoptr(Attempt) attempt = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *notice = NULL;

  if (!mq_keyring_store_finish (result, &error))
    {
      if (g_cancellable_is_cancelled (attempt->cancellable))
        return;
      notice = g_strdup_printf (_("The password was not stored in the keyring: %s"), error->message);
    }
  finish_connected (attempt, notice);
}

static void
on_checked (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  g_autoptr(Attempt) attempt = data;
  MqConnectDialog *self = attempt->self;
  g_autoptr(GError) error = NULL;

  if (g_cancellable_is_cancelled (attempt->cancellable))
    return;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      set_busy (self, FALSE);
      show_message (self, error->message, TRUE);
      return;
    }
  if (attempt->typed && gtk_switch_get_active (self->remember_switch))
    {
      Attempt *storing = g_steal_pointer (&attempt);

      show_message (self, _("Storing the password in the keyring…"), FALSE);
      mq_keyring_store (storing->server->service, storing->server->user, storing->password,
                        storing->cancellable, on_stored, storing);
      return;
    }
  finish_connected (attempt, NULL);
}

static void
check_thread (GTask        *task,
              gpointer      source,
              gpointer      data,
              GCancellable *cancellable)
{
  Attempt *attempt = data;
  GError *error = NULL;

  if (mq_server_file_check (attempt->server, attempt->password, &error))
    mq_task_return_boolean (task, TRUE);
  else
    mq_task_return_error (task, error);
}

/* The worker only reads the attempt; the callback owns it. */
static void
start_check (Attempt *attempt)
{
  g_autoptr(GTask) task = mq_task_new (NULL, attempt->cancellable, on_checked, attempt);

  mq_task_set_data (task, attempt, NULL);
  mq_task_run_in_thread (task, check_thread);
}

static void
on_looked_up (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  Attempt *attempt = data;
  g_autoptr(GError) error = NULL;
  char *password = mq_keyring_lookup_finish (result, &error);

  if (g_cancellable_is_cancelled (attempt->cancellable))
    {
      mq_keyring_free_password (password);
      attempt_free (attempt);
      return;
    }
  /* No keyring (no session bus, a locked one) is no password: libpq may
   * still find one in ~/.pgpass. */
  if (error != NULL)
    g_debug ("keyring: %s", error->message);
  attempt->password = g_strdup (password);
  mq_keyring_free_password (password);
  start_check (attempt);
}

static void
connect_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  MqConnectDialog *self = MQ_CONNECT_DIALOG (widget);
  const char *typed = gtk_editable_get_text (GTK_EDITABLE (self->password_row));
  g_autoptr(GError) error = NULL;
  MqServerFile *server = dup_form (self, &error);
  Attempt *attempt;

  if (server == NULL)
    {
      show_message (self, error->message, TRUE);
      return;
    }
  attempt = g_new0 (Attempt, 1);
  attempt->self = g_object_ref (self);
  attempt->cancellable = g_object_ref (self->cancellable);
  attempt->server = server;
  set_busy (self, TRUE);
  show_message (self, _("Connecting…"), FALSE);
  if (*typed != '\0')
    {
      attempt->password = g_strdup (typed);
      attempt->typed = TRUE;
      start_check (attempt);
    }
  else
    mq_keyring_lookup (server->service, server->user, attempt->cancellable, on_looked_up, attempt);
}

/* Enter in any entry connects, as the suggested button would. */
static void
on_entry_activated (MqConnectDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "connect.connect", NULL);
}

/* ---- saving as a .mqproj --------------------------------------------------- */

static void
on_save_response (GtkNativeDialog *chooser,
                  int              response,
                  MqConnectDialog *self)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  g_autoptr(MqServerFile) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (response == GTK_RESPONSE_ACCEPT && (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))))
    {
      path = g_file_get_path (file);
      /* It must open as a server project wherever it goes. */
      if (path != NULL && !mq_server_file_is (path))
        {
          char *named = g_strconcat (path, MQ_SERVER_FILE_SUFFIX, NULL);

          g_free (path);
          path = named;
        }
      if (path != NULL && (server = dup_form (self, &error)) != NULL &&
          mq_server_file_write (server, path, &error))
        {
          g_autofree char *base = g_path_get_basename (path);

          text = g_strdup_printf (_("Saved “%s”: planners open it like a project file"), base);
          show_message (self, text, FALSE);
        }
      else if (error != NULL)
        show_message (self, error->message, TRUE);
    }
  g_clear_object (&self->chooser);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  MqConnectDialog *self = MQ_CONNECT_DIALOG (widget);
  g_autoptr(GError) error = NULL;
  g_autoptr(MqServerFile) server = dup_form (self, &error);
  g_autoptr(GtkFileFilter) filter = NULL;
  g_autofree char *name = NULL;

  if (server == NULL)
    {
      show_message (self, error->message, TRUE);
      return;
    }
  if (self->chooser != NULL)
    return;
  /* A service name may hold a slash; a file name may not. */
  name = g_strconcat (g_strdelimit (server->service, "/\\", '_'), MQ_SERVER_FILE_SUFFIX, NULL);
  self->chooser = gtk_file_chooser_native_new (_("Save as Server Project File"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"),
                                               _("_Cancel"));
  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("Server projects"));
  gtk_file_filter_add_suffix (filter, "mqproj");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_save_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* ---- the type --------------------------------------------------------------- */

static void
mq_connect_dialog_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  MqConnectDialog *self = MQ_CONNECT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    case PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mq_connect_dialog_dispose (GObject *object)
{
  MqConnectDialog *self = MQ_CONNECT_DIALOG (object);

  /* A connection still being tried is dropped quietly. */
  g_cancellable_cancel (self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  g_clear_object (&self->services);
  gtk_widget_dispose_template (GTK_WIDGET (self), MQ_TYPE_CONNECT_DIALOG);
  G_OBJECT_CLASS (mq_connect_dialog_parent_class)->dispose (object);
}

static void
mq_connect_dialog_finalize (GObject *object)
{
  MqConnectDialog *self = MQ_CONNECT_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_free (self->message);
  G_OBJECT_CLASS (mq_connect_dialog_parent_class)->finalize (object);
}

static void
mq_connect_dialog_class_init (MqConnectDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mq_connect_dialog_dispose;
  object_class->finalize = mq_connect_dialog_finalize;
  object_class->get_property = mq_connect_dialog_get_property;

  properties[PROP_BUSY] = g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                                                G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY |
                                                G_PARAM_STATIC_STRINGS);
  properties[PROP_MESSAGE] = g_param_spec_string ("message", NULL, NULL, NULL,
                                                  G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY |
                                                  G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * MqConnectDialog::connected:
   * @request: what to open: the project's "pg:" spec, and the password in
   *   memory (copy it to keep it)
   * @notice: (nullable): what the user should know (the keyring refused)
   *
   * The server answered and holds the project; the dialog closes after.
   */
  signals[SIGNAL_CONNECTED] = g_signal_new ("connected", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                            G_TYPE_NONE, 2, MQ_TYPE_OPEN_REQUEST, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/maqiao/LandViewer/mq-connect-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, MqConnectDialog, service_row);
  gtk_widget_class_bind_template_child (widget_class, MqConnectDialog, schema_row);
  gtk_widget_class_bind_template_child (widget_class, MqConnectDialog, user_row);
  gtk_widget_class_bind_template_child (widget_class, MqConnectDialog, password_row);
  gtk_widget_class_bind_template_child (widget_class, MqConnectDialog, remember_switch);
  gtk_widget_class_bind_template_child (widget_class, MqConnectDialog, status_label);
  gtk_widget_class_bind_template_child (widget_class, MqConnectDialog, spinner);

  gtk_widget_class_bind_template_callback (widget_class, on_entry_activated);

  gtk_widget_class_install_action (widget_class, "connect.connect", NULL, connect_action);
  gtk_widget_class_install_action (widget_class, "connect.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

/* The services libpq would find, read again each time the dialog opens:
 * IT may have just sent a new pg_service.conf. */
static void
fill_services (MqConnectDialog *self)
{
  g_auto(GStrv) names = mq_server_list_services ();

  self->services = gtk_string_list_new ((const char * const *) names);
  adw_combo_row_set_model (self->service_row, G_LIST_MODEL (self->services));
  if (names[0] == NULL)
    show_message (self, _("No server is set up on this computer: ask IT for a pg_service.conf "
                          "entry, or for a .mqproj file to open."), TRUE);
}

static void
mq_connect_dialog_init (MqConnectDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  fill_services (self);
  actions_update (self);
}

MqConnectDialog *
mq_connect_dialog_new (GtkWindow *parent)
{
  return g_object_new (MQ_TYPE_CONNECT_DIALOG, "transient-for", parent, NULL);
}

/* Returns: (transfer none): the services listed, as GtkStringObjects */
GListModel *
mq_connect_dialog_get_services (MqConnectDialog *self)
{
  g_return_val_if_fail (MQ_IS_CONNECT_DIALOG (self), NULL);
  return G_LIST_MODEL (self->services);
}

/* Returns: (nullable): the error or progress the dialog shows */
const char *
mq_connect_dialog_get_message (MqConnectDialog *self)
{
  g_return_val_if_fail (MQ_IS_CONNECT_DIALOG (self), NULL);
  return self->message;
}

gboolean
mq_connect_dialog_get_busy (MqConnectDialog *self)
{
  g_return_val_if_fail (MQ_IS_CONNECT_DIALOG (self), FALSE);
  return self->busy;
}
