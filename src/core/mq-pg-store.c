/* mq-pg-store.c
 *
 * A project shared on PostgreSQL/PostGIS (published by core/mq-server.c,
 * data/server/schema.sql). Two connections, both through libpq:
 *
 * - the edit connection: each edit is one short READ COMMITTED transaction
 *   that locks the rows it changes (SELECT … FOR UPDATE), rebases the edit
 *   onto them (mq-staging.h), writes only the changed columns of the row
 *   version it read and commits; rows are never locked while a person
 *   thinks. It also holds the presence advisory lock and the session's
 *   display name. Its statements are blocking (the interface's apply is),
 *   bounded by statement_timeout and lock_timeout.
 * - the live connection: LISTEN mq_parcels / mq_presence, non-blocking,
 *   watched from the main loop (g_unix_fd_add on PQsocket). Notified parcels
 *   are re-read after ~150 ms of quiet, in one query sent with
 *   PQsendQueryParams and read when the socket is readable; presence is
 *   read the same way, on a notification and every 2 s. The main loop never
 *   waits for the network here.
 *
 * The server writes the history (a trigger, as the database user) and keeps
 * the four-lock rules (CHECK constraints) and the rights (column GRANTs,
 * maybe row-level security): the client reports what it refuses. Every
 * value is a bound parameter; column names are the field table's constant
 * keys, the schema is quoted with PQescapeIdentifier. The connection string
 * may hold a password: it is only handed to libpq, messages name the server
 * with mq_server_describe().
 *
 * Threads: everything of a store lives on the thread that opened it (the
 * main thread) and its thread-default main context; no locking.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-pg-store.h"

#include <glib-unix.h>
#include <glib/gi18n-lib.h>
#include <libpq-fe.h>
#include <string.h>

#include "mq-dataset-private.h"
#include "mq-edit-private.h"
#include "mq-pg-private.h"
#include "mq-server.h"
#include "mq-staging.h"


#define SERVER_SCHEMA_VERSION 2
#define COALESCE_MS           150
#define PRESENCE_POLL_MS      2000
#define CONNECT_DEADLINE_S    10
#define MAX_BACKOFF_S         30

typedef enum
{
  QUERY_NONE,
  QUERY_REFRESH,
  QUERY_HISTORY,
  QUERY_EDITORS,
} Query;

/* A parcel re-read from the server: its versions before and after. */
typedef struct
{
  gint64 fid;
  gint64 prior;
  gint64 now;
} Applied;

struct _MqPgStore
{
  GObject       parent_instance;

  MqDataset    *dataset;
  char         *conninfo;        /* may hold a password: libpq only */
  char         *schema;
  char         *path;            /* the dataset's shown name */
  char         *display_name;
  GMainContext *context;
  PGconn       *conn;            /* edits, presence lock: blocking */
  PGconn       *listen;          /* notifications, re-reads: non-blocking */
  int           backend_pid;     /* of conn */
  gboolean      online;
  gboolean      setting_up;      /* a failure while connecting is no news */
  gboolean      read_only;
  char         *read_only_reason;
  gint64        schema_version;  /* the server's: below 2, no performance per mu */
  gboolean      held;            /* other planners' changes wait (a past day is shown) */
  GHashTable   *by_fid;          /* gint64 * → parcel index + 1 */
  guint32       parcels_oid;     /* the table the parcels were read from */
  GSource      *replaced;        /* "replaced" is on its way */
  GHashTable   *settings;        /* key → value, as read at (re)connect and set since */

  /* Live refresh and presence. */
  GSource      *listen_in;
  GSource      *listen_out;
  GSource      *coalesce;
  GSource      *poll;
  GHashTable   *notified;        /* gint64 * fids waiting to be re-read */
  gboolean      refresh_due;
  gboolean      resync;          /* a re-read failed: compare every parcel */
  gboolean      want_editors;
  Query         busy;
  GArray       *applied;         /* Applied, of the last re-read */
  GPtrArray    *entries;         /* MqHistoryEntry, of the history query */
  GPtrArray    *editors;         /* MqEditor */
  char         *editors_key;
  int           editing;         /* the parcel open in the locks panel, or -1 */

  /* Reconnecting. */
  GSource      *retry;
  GSource      *connect_watch;
  GSource      *connect_deadline;
  PGconn       *trying[2];
  guint         n_ready;
  guint         backoff;         /* seconds */
};

static void store_iface_init (MqStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MqPgStore, mq_pg_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (MQ_TYPE_STORE, store_iface_init))

static const char *const action_keys[] = { "edit", "batch", "csv", "undo", "redo" };

static void go_offline (MqPgStore *self);
static void pump (MqPgStore *self);

/* ---- sources on the store's context ---- */

static GSource *
attach (MqPgStore   *self,
        GSource     *source,
        GSourceFunc  func)
{
  g_source_set_callback (source, func, self, NULL);
  g_source_attach (source, self->context);
  return source;
}

static GSource *
fd_source (MqPgStore         *self,
           int                fd,
           GIOCondition       condition,
           GUnixFDSourceFunc  func)
{
  return attach (self, g_unix_fd_source_new (fd, condition), G_SOURCE_FUNC (func));
}

static GSource *
timeout_source (MqPgStore   *self,
                guint        ms,
                GSourceFunc  func)
{
  return attach (self, g_timeout_source_new (ms), func);
}

/* Safe from the source's own callback: GLib keeps it until dispatch ends. */
static void
unwatch (GSource **source)
{
  if (*source == NULL)
    return;
  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

/* ---- fids ---- */

static int
index_of_fid (MqPgStore *self,
              gint64     fid)
{
  return GPOINTER_TO_INT (g_hash_table_lookup (self->by_fid, &fid)) - 1;
}

static void
build_fid_index (MqPgStore *self)
{
  MqParcels *parcels = mq_dataset_get_parcels (self->dataset);

  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    {
      gint64 fid = mq_parcels_get_fid (parcels, i);

      g_hash_table_insert (self->by_fid, g_memdup2 (&fid, sizeof (gint64)), GINT_TO_POINTER (i + 1));
    }
}

void
_mq_pg_array_add (GString *array,
                  gint64   value)
{
  g_string_append_printf (array, "%s%" G_GINT64_FORMAT, array->len > 1 ? "," : "", value);
}

char *
_mq_pg_array_end (GString *array)
{
  g_string_append_c (array, '}');
  return g_string_free (array, FALSE);
}

/* ---- the store object ---- */

static void
close_connections (MqPgStore *self)
{
  unwatch (&self->listen_in);
  unwatch (&self->listen_out);
  unwatch (&self->coalesce);
  unwatch (&self->poll);
  unwatch (&self->connect_watch);
  unwatch (&self->connect_deadline);
  for (guint i = 0; i < G_N_ELEMENTS (self->trying); i++)
    g_clear_pointer (&self->trying[i], PQfinish);
  g_clear_pointer (&self->conn, PQfinish);
  g_clear_pointer (&self->listen, PQfinish);
  self->busy = QUERY_NONE;
}

static void
mq_pg_store_dispose (GObject *object)
{
  MqPgStore *self = MQ_PG_STORE (object);

  /* Closing the edit connection frees the presence lock. */
  close_connections (self);
  unwatch (&self->retry);
  unwatch (&self->replaced);
  g_clear_object (&self->dataset);
  G_OBJECT_CLASS (mq_pg_store_parent_class)->dispose (object);
}

static void
mq_pg_store_finalize (GObject *object)
{
  MqPgStore *self = MQ_PG_STORE (object);

  if (self->conninfo != NULL)
    memset (self->conninfo, 0, strlen (self->conninfo));
  g_free (self->conninfo);
  g_free (self->schema);
  g_free (self->path);
  g_free (self->display_name);
  g_free (self->read_only_reason);
  g_free (self->editors_key);
  g_hash_table_unref (self->by_fid);
  g_hash_table_unref (self->settings);
  g_hash_table_unref (self->notified);
  g_array_unref (self->applied);
  g_ptr_array_unref (self->entries);
  g_ptr_array_unref (self->editors);
  g_clear_pointer (&self->context, g_main_context_unref);
  G_OBJECT_CLASS (mq_pg_store_parent_class)->finalize (object);
}

static void
mq_pg_store_class_init (MqPgStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mq_pg_store_dispose;
  object_class->finalize = mq_pg_store_finalize;
}

static void
mq_pg_store_init (MqPgStore *self)
{
  self->by_fid = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->settings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->notified = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->applied = g_array_new (FALSE, FALSE, sizeof (Applied));
  self->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) mq_history_entry_free);
  self->editors = g_ptr_array_new_with_free_func ((GDestroyNotify) mq_editor_free);
  self->editing = -1;
  self->backoff = 1;
}

/* ---- statements and their errors ---- */

/* libpq's message, first line only: it may go on with hints. */
char *
_mq_pg_reason (const char *message)
{
  g_auto(GStrv) lines = g_strsplit (message ? message : "", "\n", 2);

  return g_strstrip (g_strdup (lines[0] ? lines[0] : ""));
}

static gboolean
offline_error (MqPgStore  *self,
               GError    **error)
{
  g_set_error (error, MQ_STORE_ERROR, MQ_STORE_ERROR_OFFLINE,
               _("%s: the server cannot be reached; nothing was changed (it reconnects by itself)"),
               self->path);
  return FALSE;
}

/* What the server refused, as the store's errors. A lost connection takes
 * the store offline (and is said so) whatever the statement was. */
static gboolean
pq_error (MqPgStore  *self,
          PGresult   *result,
          GError    **error)
{
  const char *state = result ? PQresultErrorField (result, PG_DIAG_SQLSTATE) : NULL;
  g_autofree char *reason = _mq_pg_reason (result ? PQresultErrorMessage (result)
                                              : PQerrorMessage (self->conn));

  if (self->setting_up)
    g_set_error (error, MQ_STORE_ERROR, MQ_STORE_ERROR_OPEN, _("%s: cannot be opened: %s"),
                 self->path, reason);
  else if (self->conn == NULL || PQstatus (self->conn) != CONNECTION_OK ||
           (state != NULL && (g_str_has_prefix (state, "08") || g_str_has_prefix (state, "57P"))))
    {
      offline_error (self, error);
      go_offline (self);
    }
  else if (g_strcmp0 (state, "42501") == 0)
    g_set_error (error, MQ_STORE_ERROR, MQ_STORE_ERROR_NOT_PERMITTED,
                 _("%s: the server does not permit you this change (%s); nothing was changed"),
                 self->path, reason);
  else if (g_strcmp0 (state, "23514") == 0)
    g_set_error (error, MQ_STORE_ERROR, MQ_STORE_ERROR_INVALID,
                 _("%s: the server's rules refuse this change (%s); nothing was changed"),
                 self->path, reason);
  else if (g_strcmp0 (state, "55P03") == 0 || g_strcmp0 (state, "57014") == 0 ||
           g_strcmp0 (state, "40001") == 0 || g_strcmp0 (state, "40P01") == 0)
    g_set_error (error, MQ_STORE_ERROR, MQ_STORE_ERROR_WRITE,
                 _("%s: the server is busy (%s); nothing was changed, try again"),
                 self->path, reason);
  else
    g_set_error (error, MQ_STORE_ERROR, MQ_STORE_ERROR_WRITE,
                 _("%s: the change was not saved: %s"), self->path, reason);
  return FALSE;
}

/* One statement on the edit connection, parameters bound as text. */
static PGresult *
run (MqPgStore          *self,
     const char         *sql,
     int                 n_params,
     const char * const *params,
     GError            **error)
{
  g_autoptr(PGresult) result = NULL;
  ExecStatusType status;

  if (self->conn == NULL || !self->online)
    {
      offline_error (self, error);
      return NULL;
    }
  result = PQexecParams (self->conn, sql, n_params, NULL, params, NULL, NULL, 0);
  status = PQresultStatus (result);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
    return g_steal_pointer (&result);
  pq_error (self, result, error);
  return NULL;
}

static gboolean
run_ok (MqPgStore          *self,
        const char         *sql,
        int                 n_params,
        const char * const *params,
        GError            **error)
{
  g_autoptr(PGresult) result = run (self, sql, n_params, params, error);

  return result != NULL;
}

static void
rollback (MqPgStore *self)
{
  if (self->conn != NULL && PQstatus (self->conn) == CONNECTION_OK &&
      PQtransactionStatus (self->conn) != PQTRANS_IDLE)
    PQclear (PQexecParams (self->conn, "ROLLBACK", 0, NULL, NULL, NULL, NULL, 0));
}

/* ---- connecting ---- */

/* The user's string first (expanded), then what every session of ours
 * needs: a bounded connect and TCP keepalives, so a dead server is noticed
 * within half a minute even with nothing to send. */
static PGconn *
start_connection (const char *conninfo,
                  gboolean    nonblocking)
{
  static const char *const keys[] = {
    "dbname", "connect_timeout", "keepalives", "keepalives_idle", "keepalives_interval",
    "keepalives_count", "application_name", NULL,
  };
  const char *values[] = { conninfo, "10", "1", "10", "5", "3", "maqiao-land", NULL };

  return nonblocking ? PQconnectStartParams (keys, values, 1) : PQconnectdbParams (keys, values, 1);
}

static char *
quoted (PGconn     *conn,
        const char *identifier)
{
  char *escaped = PQescapeIdentifier (conn, identifier, strlen (identifier));
  char *copy = g_strdup (escaped ? escaped : "\"\"");

  PQfreemem (escaped);
  return copy;
}

/* The session's settings, then that the schema is a project this version
 * can write. Dates as ISO, times in UTC: the text the store parses. */
static gboolean
setup_session (MqPgStore  *self,
               PGconn     *conn,
               GError    **error)
{
  g_autofree char *schema = quoted (conn, self->schema);
  g_autofree char *search_path = g_strconcat (schema, ", public", NULL);
  const char *params[] = { search_path };
  g_autoptr(PGresult) result =
    PQexecParams (conn, "SELECT set_config ('search_path', $1, false),"
                        " set_config ('statement_timeout', '30s', false),"
                        " set_config ('lock_timeout', '10s', false),"
                        " set_config ('idle_in_transaction_session_timeout', '60s', false),"
                        " set_config ('DateStyle', 'ISO, YMD', false),"
                        " set_config ('TimeZone', 'UTC', false),"
                        " to_regclass ('parcels') IS NOT NULL AND to_regclass ('mq_project_settings') IS NOT NULL",
                  1, NULL, params, NULL, NULL, 0);
  g_autofree char *reason = NULL;

  if (PQresultStatus (result) == PGRES_TUPLES_OK && g_str_equal (PQgetvalue (result, 0, 6), "t"))
    return TRUE;
  if (PQresultStatus (result) == PGRES_TUPLES_OK)
    {
      g_set_error (error, MQ_STORE_ERROR, MQ_STORE_ERROR_NOT_A_PROJECT,
                   _("%s: no project is published there (maqiao-land --publish puts one there)"),
                   self->path);
      return FALSE;
    }
  reason = _mq_pg_reason (PQresultErrorMessage (result));
  g_set_error (error, MQ_STORE_ERROR, MQ_STORE_ERROR_OPEN, _("%s: cannot connect: %s"),
               self->path, reason);
  return FALSE;
}

static void
set_read_only (MqPgStore  *self,
               char       *reason)
{
  self->read_only = TRUE;
  g_free (self->read_only_reason);
  self->read_only_reason = reason;
}

/* The settings (kept here: reading one never waits for the server), and
 * whether this project and this user can be written. */
static gboolean
read_settings (MqPgStore  *self,
               GError    **error)
{
  g_autoptr(PGresult) result = run (self, "SELECT key, value FROM mq_project_settings", 0, NULL,
                                    error);
  const char *version;

  if (result == NULL)
    return FALSE;
  g_hash_table_remove_all (self->settings);
  for (int i = 0; i < PQntuples (result); i++)
    g_hash_table_insert (self->settings, g_strdup (PQgetvalue (result, i, 0)),
                         PQgetisnull (result, i, 1) ? NULL : g_strdup (PQgetvalue (result, i, 1)));
  version = g_hash_table_lookup (self->settings, "schema_version");
  self->schema_version = version != NULL ? g_ascii_strtoll (version, NULL, 10) : 1;
  if (self->schema_version > SERVER_SCHEMA_VERSION)
    set_read_only (self, g_strdup_printf (_("%s was made by a newer version of "
                                            "Maqiao Land Viewer"), self->path));
  return TRUE;
}

/* Who this session is, for the other planners' presence lists. */
static gboolean
announce (MqPgStore  *self,
          GError    **error)
{
  const char *params[] = { self->display_name };
  g_autoptr(PGresult) result =
    run (self, "SELECT mq_announce ($1), pg_backend_pid (),"
               " has_any_column_privilege ('parcels', 'UPDATE')", 1, params, error);

  if (result == NULL)
    return FALSE;
  self->backend_pid = (int) g_ascii_strtoll (PQgetvalue (result, 0, 1), NULL, 10);
  if (!self->read_only && !g_str_equal (PQgetvalue (result, 0, 2), "t"))
    set_read_only (self, g_strdup_printf (_("%s: you may read this project but not change it "
                                            "(the server gives you no right to)"), self->path));
  return TRUE;
}

/* A project published by an older version gains what this one writes,
 * when its owner opens it (the upgrade changes the table: only the owner
 * may). Anyone else reads it, and is told why it cannot be changed. */
static gboolean
upgrade_schema (MqPgStore  *self,
                GError    **error)
{
  g_autofree char *script = NULL;
  g_autoptr(PGresult) result = NULL;

  if (self->schema_version >= SERVER_SCHEMA_VERSION || self->read_only)
    return TRUE;
  script = mq_server_dup_script ("upgrade-2.sql");
  /* Our own script, several statements: the simple protocol. */
  result = PQexec (self->conn, "BEGIN");
  g_clear_pointer (&result, PQclear);
  result = PQexec (self->conn, script);
  if (PQresultStatus (result) != PGRES_COMMAND_OK && PQresultStatus (result) != PGRES_TUPLES_OK)
    {
      g_clear_pointer (&result, PQclear);
      result = PQexec (self->conn, "ROLLBACK");
      set_read_only (self, g_strdup_printf (_("%s was published by an older version of Maqiao "
                                              "Land Viewer: it is read-only until its owner opens "
                                              "it once with this one"), self->path));
      return TRUE;
    }
  g_clear_pointer (&result, PQclear);
  result = PQexec (self->conn, "COMMIT");
  if (PQresultStatus (result) != PGRES_COMMAND_OK)
    {
      pq_error (self, result, error);
      return FALSE;
    }
  return read_settings (self, error);
}

static gboolean
listen_to_changes (MqPgStore  *self,
                   GError    **error)
{
  g_autoptr(PGresult) parcels = PQexecParams (self->listen, "LISTEN mq_parcels", 0, NULL, NULL,
                                              NULL, NULL, 0);
  g_autoptr(PGresult) presence = PQexecParams (self->listen, "LISTEN mq_presence", 0, NULL, NULL,
                                               NULL, NULL, 0);
  g_autofree char *reason = NULL;

  if (PQresultStatus (parcels) == PGRES_COMMAND_OK && PQresultStatus (presence) == PGRES_COMMAND_OK &&
      PQsetnonblocking (self->listen, 1) == 0)
    return TRUE;
  reason = _mq_pg_reason (PQerrorMessage (self->listen));
  g_set_error (error, MQ_STORE_ERROR, MQ_STORE_ERROR_OPEN, _("%s: cannot connect: %s"),
               self->path, reason);
  return FALSE;
}

static gboolean on_listen (int fd, GIOCondition condition, gpointer data);
static gboolean on_poll (gpointer data);
static void take_editing_lock (MqPgStore *self);

/* Everything changed while we were not listening is re-read, once. */
static void
catch_up (MqPgStore *self)
{
  MqParcels *parcels = mq_dataset_get_parcels (self->dataset);

  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    {
      gint64 fid = mq_parcels_get_fid (parcels, i);

      g_hash_table_add (self->notified, g_memdup2 (&fid, sizeof (gint64)));
    }
  self->refresh_due = TRUE;
  self->want_editors = TRUE;
  self->resync = FALSE;
}

static void
start_live (MqPgStore *self)
{
  self->listen_in = fd_source (self, PQsocket (self->listen), G_IO_IN, on_listen);
  self->poll = timeout_source (self, PRESENCE_POLL_MS, on_poll);
  catch_up (self);
  pump (self);
}

/* Both connections are there: set them up (the server answered a moment
 * ago, so these few statements are short), then listen. */
static gboolean
on_replaced (gpointer data)
{
  MqPgStore *self = data;
  /* A handler drops the store: the project reads itself again. */
  G_GNUC_UNUSED g_autoptr(MqPgStore) hold = g_object_ref (self);

  g_clear_pointer (&self->replaced, g_source_unref);
  mq_store_emit_replaced (MQ_STORE (self));
  return G_SOURCE_REMOVE;
}

/* Said from the main loop, never from inside an apply. */
static void
say_replaced (MqPgStore *self)
{
  if (self->replaced == NULL)
    self->replaced = timeout_source (self, 0, on_replaced);
}

static guint32
table_oid (MqPgStore  *self,
           GError    **error)
{
  g_autoptr(PGresult) result = run (self, "SELECT 'parcels'::regclass::oid", 0, NULL, error);

  return result != NULL ? (guint32) g_ascii_strtoull (PQgetvalue (result, 0, 0), NULL, 10) : 0;
}

/* The dataset was read just before a survey update that came before this
 * store connected: every parcel the update wrote is at its base version or
 * above, and none of the dataset's is. */
static gboolean
read_before_update (MqPgStore *self)
{
  MqParcels *parcels = mq_dataset_get_parcels (self->dataset);
  g_autoptr(PGresult) exists = run (self, "SELECT to_regclass ('mq_survey_updates') IS NOT NULL", 0, NULL,
                                    NULL);
  g_autoptr(PGresult) result = NULL;
  gint64 newest = 0;

  /* A planner whom row-level security shows no parcel has nothing stale. */
  if (mq_parcels_get_n_parcels (parcels) == 0 ||
      exists == NULL || !g_str_equal (PQgetvalue (exists, 0, 0), "t") ||
      (result = run (self, "SELECT max (base_version) FROM mq_survey_updates", 0, NULL, NULL)) == NULL ||
      PQgetisnull (result, 0, 0))
    return FALSE;
  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    newest = MAX (newest, mq_parcels_get (parcels, i)->row_version);
  return newest < g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
}

/* A survey update (core/mq-pg-survey.c) puts another parcels table in
 * place of the one the dataset was read from: its fids are other parcels. */
static gboolean
note_table (MqPgStore  *self,
            GError    **error)
{
  guint32 oid = table_oid (self, error);

  if (oid == 0)
    return FALSE;
  if ((self->parcels_oid != 0 && oid != self->parcels_oid) ||
      (self->parcels_oid == 0 && read_before_update (self)))
    say_replaced (self);
  self->parcels_oid = oid;
  return TRUE;
}

/* Inside the edit's transaction, once its rows are locked (a swap waits for
 * our COMMIT from then on): still the table the parcels came from. */
static gboolean
same_table (MqPgStore  *self,
            GError    **error)
{
  guint32 oid = table_oid (self, error);

  if (oid == 0)
    return FALSE;
  if (oid == self->parcels_oid)
    return TRUE;
  say_replaced (self);
  g_set_error (error, MQ_STORE_ERROR, MQ_STORE_ERROR_CHANGED,
               _("%s: the project was carried into a new survey on the server meanwhile; nothing was changed "
                 "(it is being read again)"), self->path);
  return FALSE;
}

static gboolean
setup_connections (MqPgStore  *self,
                   GError    **error)
{
  gboolean ok;

  if (!setup_session (self, self->conn, error) || !setup_session (self, self->listen, error))
    return FALSE;
  self->online = self->setting_up = TRUE;
  ok = read_settings (self, error) && note_table (self, error) && announce (self, error) &&
       upgrade_schema (self, error) && listen_to_changes (self, error);
  self->online = ok;
  self->setting_up = FALSE;
  return ok;
}

static gboolean
connect_now (MqPgStore  *self,
             GError    **error)
{
  g_autofree char *reason = NULL;

  self->conn = start_connection (self->conninfo, FALSE);
  if (PQstatus (self->conn) == CONNECTION_OK)
    self->listen = start_connection (self->conninfo, FALSE);
  if (PQstatus (self->conn) == CONNECTION_OK && PQstatus (self->listen) == CONNECTION_OK)
    return setup_connections (self, error);
  reason = _mq_pg_reason (PQerrorMessage (PQstatus (self->conn) != CONNECTION_OK ? self->conn
                                                                              : self->listen));
  g_set_error (error, MQ_STORE_ERROR, MQ_STORE_ERROR_OPEN, _("%s: cannot connect: %s"),
               self->path, reason);
  return FALSE;
}

static char *
dup_display_name (void)
{
  const char *real = g_get_real_name ();

  if (real != NULL && *real != '\0' && g_strcmp0 (real, "Unknown") != 0)
    return g_strdup (real);
  return g_strdup (g_get_user_name ());
}

/**
 * mq_pg_store_open:
 *
 * Opens the project on the server the @dataset was loaded from ("pg:…"):
 * for editing, or read-only when the server gives this user no right to
 * change it.
 *
 * Returns: (transfer full) (nullable): the store, or %NULL with @error
 */
MqStore *
mq_pg_store_open (MqDataset  *dataset,
                  GError    **error)
{
  g_autoptr(MqPgStore) self = g_object_new (MQ_TYPE_PG_STORE, NULL);
  const char *schema = NULL;
  const char *conninfo = _mq_dataset_get_server (dataset, &schema);

  g_return_val_if_fail (conninfo != NULL, NULL);

  self->dataset = g_object_ref (dataset);
  self->conninfo = g_strdup (conninfo);
  self->schema = g_strdup (schema);
  self->path = g_strdup (mq_dataset_get_path (dataset));
  self->display_name = dup_display_name ();
  self->context = g_main_context_ref_thread_default ();
  build_fid_index (self);
  if (!connect_now (self, error))
    return NULL;
  start_live (self);
  return MQ_STORE (g_steal_pointer (&self));
}

/* ---- reconnecting ---- */

static gboolean on_retry (gpointer data);

static void
schedule_retry (MqPgStore *self)
{
  unwatch (&self->retry);
  self->retry = timeout_source (self, self->backoff * 1000, on_retry);
  self->backoff = MIN (self->backoff * 2, MAX_BACKOFF_S);
}

static void
abandon_attempt (MqPgStore *self)
{
  close_connections (self);
  schedule_retry (self);
}

/* Once the server answers again: the store is online and re-reads what
 * changed meanwhile; the window reloads the project on "online-changed". */
static void
finish_reconnect (MqPgStore *self)
{
  g_autoptr(GError) error = NULL;

  unwatch (&self->connect_watch);
  unwatch (&self->connect_deadline);
  self->conn = g_steal_pointer (&self->trying[0]);
  self->listen = g_steal_pointer (&self->trying[1]);
  if (!setup_connections (self, &error))
    {
      g_debug ("%s", error->message);
      abandon_attempt (self);
      return;
    }
  self->backoff = 1;
  start_live (self);
  take_editing_lock (self);
  /* Either may have found the connection gone again (and said so). */
  if (self->online)
    mq_store_emit_online_changed (MQ_STORE (self), TRUE);
}

static void wait_for_connect (MqPgStore *self, PostgresPollingStatusType status);

static gboolean
on_connect_ready (int           fd,
                  GIOCondition  condition,
                  gpointer      data)
{
  MqPgStore *self = data;
  /* A handler of the signals this may emit can drop the last reference. */
  G_GNUC_UNUSED g_autoptr(MqPgStore) hold = g_object_ref (self);
  PostgresPollingStatusType status = PQconnectPoll (self->trying[self->n_ready]);

  if (status == PGRES_POLLING_FAILED)
    {
      abandon_attempt (self);
      return G_SOURCE_REMOVE;
    }
  if (status == PGRES_POLLING_OK && ++self->n_ready == G_N_ELEMENTS (self->trying))
    {
      finish_reconnect (self);
      return G_SOURCE_REMOVE;
    }
  wait_for_connect (self, status == PGRES_POLLING_OK ? PGRES_POLLING_WRITING : status);
  return G_SOURCE_REMOVE;
}

static void
wait_for_connect (MqPgStore                 *self,
                  PostgresPollingStatusType  status)
{
  GIOCondition condition = status == PGRES_POLLING_READING ? G_IO_IN : G_IO_OUT;

  unwatch (&self->connect_watch);
  self->connect_watch = fd_source (self, PQsocket (self->trying[self->n_ready]), condition,
                                   on_connect_ready);
}

/* libpq's connect_timeout is for blocking connects only. */
static gboolean
on_connect_deadline (gpointer data)
{
  MqPgStore *self = data;

  abandon_attempt (self);
  return G_SOURCE_REMOVE;
}

/* Reconnecting never blocks the window: both connections are made with
 * PQconnectStartParams/PQconnectPoll driven by fd watches (a server that
 * stopped answering would otherwise freeze the map for connect_timeout at
 * every try). Only a host name that needs DNS can still wait in
 * PQconnectStart; services name hosts the resolver has cached. */
static gboolean
on_retry (gpointer data)
{
  MqPgStore *self = data;

  g_clear_pointer (&self->retry, g_source_unref);
  for (guint i = 0; i < G_N_ELEMENTS (self->trying); i++)
    {
      self->trying[i] = start_connection (self->conninfo, TRUE);
      if (self->trying[i] == NULL || PQstatus (self->trying[i]) == CONNECTION_BAD)
        {
          abandon_attempt (self);
          return G_SOURCE_REMOVE;
        }
    }
  self->n_ready = 0;
  self->connect_deadline = timeout_source (self, CONNECT_DEADLINE_S * 1000, on_connect_deadline);
  wait_for_connect (self, PGRES_POLLING_WRITING);
  return G_SOURCE_REMOVE;
}

/* The connection is gone: edits are refused (MQ_STORE_ERROR_OFFLINE, nothing
 * queued) until it is back; then the project is reloaded. */
static void
go_offline (MqPgStore *self)
{
  if (!self->online)
    return;
  self->online = FALSE;
  if (self->setting_up)
    return;
  close_connections (self);
  g_hash_table_remove_all (self->notified);
  g_clear_pointer (&self->editors_key, g_free);
  if (self->editors->len > 0)
    {
      g_ptr_array_set_size (self->editors, 0);
      mq_store_emit_presence_changed (MQ_STORE (self));
    }
  schedule_retry (self);
  mq_store_emit_online_changed (MQ_STORE (self), FALSE);
}

/* ---- the store's plain functions ---- */

static gboolean
pg_is_read_only (MqStore *store)
{
  return MQ_PG_STORE (store)->read_only;
}

static const char *
pg_get_read_only_reason (MqStore *store)
{
  MqPgStore *self = MQ_PG_STORE (store);

  return self->read_only ? self->read_only_reason : NULL;
}

static const char *
pg_get_path (MqStore *store)
{
  return MQ_PG_STORE (store)->path;
}

static MqDataset *
pg_get_dataset (MqStore *store)
{
  return MQ_PG_STORE (store)->dataset;
}

static gboolean
pg_is_online (MqStore *store)
{
  return MQ_PG_STORE (store)->online;
}

/* ---- an edit ---- */

/* The editable columns as text, in MqField order; names are the field
 * table's constant keys, never user text. A server of schema 1 has none of
 * performance per mu (and is read-only: upgrade_schema()). */
static char *
editable_columns (MqPgStore  *self,
                  const char *table)
{
  g_autoptr(GString) sql = g_string_new (NULL);

  for (guint f = 0; f < MQ_N_FIELDS; f++)
    if (mq_field_is_editable (f) && self->schema_version < 2 && f >= MQ_FIELD_CREDIT_CODE)
      g_string_append_printf (sql, "%sNULL::text", sql->len ? ", " : "");
    else if (mq_field_is_editable (f))
      g_string_append_printf (sql, "%s%s.\"%s\"::text", sql->len ? ", " : "", table,
                              mq_field_info (f)->key);
  return g_string_free (g_steal_pointer (&sql), FALSE);
}

/* A row of "fid, <editable columns>, row_version": the stored texts. */
static gint64
read_row (PGresult    *result,
          int          row,
          const char **stored,
          gint64      *fid)
{
  int column = 1;

  *fid = g_ascii_strtoll (PQgetvalue (result, row, 0), NULL, 10);
  for (guint f = 0; f < MQ_N_FIELDS; f++)
    if (mq_field_is_editable (f))
      {
        stored[f] = PQgetisnull (result, row, column) ? NULL : PQgetvalue (result, row, column);
        column++;
      }
  return g_ascii_strtoll (PQgetvalue (result, row, column), NULL, 10);
}

static gint64
staged_fid (MqPgStore *self,
            MqStaged  *s)
{
  return mq_parcels_get_fid (mq_dataset_get_parcels (self->dataset), s->parcel);
}

/* A staged parcel the server did not return: hidden from this user by
 * row-level security, or deleted. Either way it is said, never skipped. */
static gboolean
missing_error (MqPgStore  *self,
               MqStaged   *s,
               GError    **error)
{
  g_autofree char *fids = g_strdup_printf ("{%" G_GINT64_FORMAT "}", staged_fid (self, s));
  const char *params[] = { fids };
  g_autoptr(PGresult) exists = run (self, "SELECT * FROM mq_parcels_exist ($1::bigint[])", 1,
                                    params, error);
  const char *id = s->before.id ? s->before.id : "?";

  if (exists == NULL)
    return FALSE;
  if (PQntuples (exists) > 0)
    g_set_error (error, MQ_STORE_ERROR, MQ_STORE_ERROR_NOT_PERMITTED,
                 _("%s: parcel %s: the server does not permit you to change it; nothing was changed"),
                 self->path, id);
  else
    g_set_error (error, MQ_STORE_ERROR, MQ_STORE_ERROR_CHANGED,
                 _("%s: parcel %s is no longer on the server; nothing was changed (open the project again)"),
                 self->path, id);
  return FALSE;
}

static PGresult *
lock_rows (MqPgStore  *self,
           MqStaging  *staging,
           GError    **error)
{
  g_autofree char *columns = editable_columns (self, "parcels");
  g_autofree char *sql = g_strdup_printf ("SELECT fid, %s, row_version FROM parcels"
                                          " WHERE fid = ANY ($1::bigint[]) ORDER BY fid FOR UPDATE",
                                          columns);
  GString *array = g_string_new ("{");
  g_autofree char *fids = NULL;
  const char *params[1];

  for (guint i = 0; i < mq_staging_get_n_staged (staging); i++)
    _mq_pg_array_add (array, staged_fid (self, mq_staging_get_staged (staging, i)));
  params[0] = fids = _mq_pg_array_end (array);
  return run (self, sql, 1, params, error);
}

/* Locks each staged parcel's row as stored (until our COMMIT: a moment) and
 * rebases the edit onto it. */
static gboolean
rebase_on_server (MqPgStore  *self,
                  MqStaging  *staging,
                  GPtrArray  *conflicts,
                  GError    **error)
{
  g_autoptr(PGresult) rows = lock_rows (self, staging, error);
  g_autoptr(GHashTable) row_of = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  if (rows == NULL || !same_table (self, error))
    return FALSE;
  for (int r = 0; r < PQntuples (rows); r++)
    {
      gint64 fid = g_ascii_strtoll (PQgetvalue (rows, r, 0), NULL, 10);

      g_hash_table_insert (row_of, g_memdup2 (&fid, sizeof fid), GINT_TO_POINTER (r + 1));
    }
  for (guint i = 0; i < mq_staging_get_n_staged (staging); i++)
    {
      MqStaged *s = mq_staging_get_staged (staging, i);
      gint64 fid = staged_fid (self, s), version;
      int r = GPOINTER_TO_INT (g_hash_table_lookup (row_of, &fid)) - 1;
      const char *stored[MQ_N_FIELDS] = { NULL };

      if (r < 0)
        return missing_error (self, s, error);
      version = read_row (rows, r, stored, &fid);
      if (!mq_staging_rebase (staging, s, stored, version, conflicts, error))
        return FALSE;
    }
  return TRUE;
}

#define TIME_TEXT(column) \
  "to_char (" column " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
#define HISTORY_COLUMNS(h) \
  TIME_TEXT (h "changed_at") ", coalesce (" h "display_name, " h "db_user), " h "parcel_id, " \
  h "field, " h "old_value, " \
  h "new_value, " h "action"

/* The history of parcels between two versions ($1 fids, $2 after, $3 up
 * to), oldest first. */
#define HISTORY_BETWEEN_SQL \
  "SELECT " HISTORY_COLUMNS ("h.") " FROM lock_history h" \
  " JOIN unnest ($1::bigint[], $2::bigint[], $3::bigint[]) AS v (fid, prior, now)" \
  " ON h.fid = v.fid AND h.row_version > v.prior AND h.row_version <= v.now" \
  " ORDER BY h.id"

/* The three arrays of HISTORY_BETWEEN_SQL, for @versions (Applied). */
static void
history_params (GArray  *versions,
                char   **params)
{
  GString *fids = g_string_new ("{"), *prior = g_string_new ("{"), *now = g_string_new ("{");

  for (guint i = 0; i < versions->len; i++)
    {
      const Applied *x = &g_array_index (versions, Applied, i);

      _mq_pg_array_add (fids, x->fid);
      _mq_pg_array_add (prior, x->prior);
      _mq_pg_array_add (now, x->now);
    }
  params[0] = _mq_pg_array_end (fids);
  params[1] = _mq_pg_array_end (prior);
  params[2] = _mq_pg_array_end (now);
}

/* Who stored the value a conflict met, and when: the server's history. */
static void
name_conflicts (MqPgStore *self,
                GPtrArray *conflicts)
{
  for (guint i = 0; i < conflicts->len; i++)
    {
      MqConflict *c = g_ptr_array_index (conflicts, i);
      g_autofree char *fid = g_strdup_printf ("%" G_GINT64_FORMAT,
                                              mq_parcels_get_fid (mq_dataset_get_parcels (self->dataset),
                                                                  c->parcel));
      const char *params[] = { fid, mq_field_info (c->field)->key };
      g_autoptr(PGresult) result =
        run (self, "SELECT coalesce (display_name, db_user), " TIME_TEXT ("changed_at")
                   " FROM lock_history"
                   " WHERE fid = $1::bigint AND field = $2 ORDER BY id DESC LIMIT 1", 2, params, NULL);

      if (result != NULL && PQntuples (result) > 0)
        {
          c->who = g_strdup (PQgetvalue (result, 0, 0));
          c->when = g_strdup (PQgetvalue (result, 0, 1));
        }
    }
}

/* One UPDATE per parcel, of the columns that change and only of the row
 * version that was read; the trigger bumps the version and writes the
 * history, and the new version comes back for the parcel. */
static gboolean
update_parcel (MqPgStore  *self,
               MqStaged   *s,
               MqEdit     *applied,
               guint      *next,
               GError    **error)
{
  g_autoptr(GString) sql = g_string_new ("UPDATE parcels SET ");
  g_autoptr(GPtrArray) params = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(PGresult) result = NULL;
  guint n = 0;

  for (; *next < mq_edit_get_n_changes (applied) &&
         mq_edit_get_change (applied, *next)->parcel == s->parcel; (*next)++, n++)
    {
      const MqChange *c = mq_edit_get_change (applied, *next);

      g_string_append_printf (sql, "%s\"%s\" = $%u", n ? ", " : "", mq_field_info (c->field)->key,
                              n + 1);
      g_ptr_array_add (params, c->value && *c->value ? g_strdup (c->value) : NULL);
    }
  if (n == 0)
    return TRUE;
  g_string_append_printf (sql, " WHERE fid = $%u::bigint AND row_version = $%u::bigint"
                               " RETURNING row_version", n + 1, n + 2);
  g_ptr_array_add (params, g_strdup_printf ("%" G_GINT64_FORMAT, staged_fid (self, s)));
  g_ptr_array_add (params, g_strdup_printf ("%" G_GINT64_FORMAT, s->before.row_version));
  result = run (self, sql->str, (int) params->len, (const char * const *) params->pdata, error);
  if (result == NULL)
    return FALSE;
  /* The row is ours until COMMIT: no row means a policy hides it from UPDATE. */
  if (PQntuples (result) != 1)
    return missing_error (self, s, error);
  s->record.row_version = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
  return TRUE;
}

static gboolean
write_changes (MqPgStore  *self,
               MqStaging  *staging,
               MqEdit     *applied,
               GError    **error)
{
  guint next = 0;

  for (guint i = 0; i < mq_staging_get_n_staged (staging); i++)
    if (!update_parcel (self, mq_staging_get_staged (staging, i), applied, &next, error))
      return FALSE;
  return TRUE;
}

/* The trigger records the action and one batch number for the whole edit. */
static gboolean
begin (MqPgStore     *self,
       MqEditAction   action,
       GError       **error)
{
  const char *params[] = { action_keys[action] };

  return run_ok (self, "BEGIN", 0, NULL, error) &&
         run_ok (self, "SELECT set_config ('mq.action', $1, true),"
                       " set_config ('mq.batch', txid_current ()::text, true)", 1, params, error);
}

/* A COMMIT whose answer is lost may or may not have stored the edit: the
 * reload after the reconnect shows which. */
static gboolean
commit_transaction (MqPgStore  *self,
                    GError    **error)
{
  g_autoptr(GError) local = NULL;

  if (run_ok (self, "COMMIT", 0, NULL, &local))
    return TRUE;
  if (g_error_matches (local, MQ_STORE_ERROR, MQ_STORE_ERROR_OFFLINE))
    {
      g_set_error (error, MQ_STORE_ERROR, MQ_STORE_ERROR_OFFLINE,
                   _("%s: the connection to the server was lost while saving; once it is back, "
                     "the project shows whether the change was stored"), self->path);
      return FALSE;
    }
  g_propagate_error (error, g_steal_pointer (&local));
  return FALSE;
}

/* BEGIN, lock and read the rows, rebase, check, write, COMMIT. */
static MqEdit *
commit (MqPgStore     *self,
        MqStaging     *staging,
        MqEditAction   action,
        GPtrArray     *conflicts,
        GError       **error)
{
  g_autoptr(MqEdit) applied = NULL;
  gboolean ok;

  ok = begin (self, action, error) && rebase_on_server (self, staging, conflicts, error);
  if (ok && conflicts->len > 0)
    {
      name_conflicts (self, conflicts);
      ok = mq_staging_conflict_error (conflicts, error);
      mq_staging_publish (staging, TRUE);
    }
  ok = ok && mq_staging_check (staging, error);
  if (ok)
    {
      applied = mq_staging_diff (staging, action);
      ok = write_changes (self, staging, applied, error) && commit_transaction (self, error);
    }
  if (!ok)
    {
      rollback (self);
      return NULL;
    }
  return g_steal_pointer (&applied);
}

static gboolean
read_only_error (MqPgStore  *self,
                 GError    **error)
{
  g_set_error (error, MQ_STORE_ERROR, MQ_STORE_ERROR_READ_ONLY, _("%s; nothing can be changed"),
               self->read_only_reason);
  return FALSE;
}

static MqHistoryEntry *entry_from_row (PGresult *result, int row);

/* The versions of the staged parcels as this client has them. */
static GArray *
client_versions (MqPgStore *self,
                 MqStaging *staging)
{
  MqParcels *parcels = mq_dataset_get_parcels (self->dataset);
  GArray *versions = g_array_new (FALSE, FALSE, sizeof (Applied));

  for (guint i = 0; i < mq_staging_get_n_staged (staging); i++)
    {
      MqStaged *s = mq_staging_get_staged (staging, i);
      Applied x = { staged_fid (self, s), mq_parcels_get (parcels, s->parcel)->row_version, 0 };

      g_array_append_val (versions, x);
    }
  return versions;
}

/* What another planner stored that the edit was rebased onto (merged, or
 * met as a conflict) is in the parcels now; its notification will find
 * nothing new. So it is told here, as the live refresh tells it. */
static void
report_merged (MqPgStore *self,
               MqStaging *staging,
               GArray    *versions)
{
  g_autoptr(GArray) newer = g_array_new (FALSE, FALSE, sizeof (Applied));
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(PGresult) result = NULL;
  char *params[3];

  for (guint i = 0; i < versions->len; i++)
    {
      Applied x = g_array_index (versions, Applied, i);

      x.now = mq_staging_get_staged (staging, i)->before.row_version;
      if (x.now > x.prior)
        g_array_append_val (newer, x);
    }
  if (newer->len == 0 || !self->online)
    return;
  history_params (newer, params);
  result = run (self, HISTORY_BETWEEN_SQL, 3, (const char * const *) params, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (params); i++)
    g_free (params[i]);
  if (result == NULL || PQntuples (result) == 0)
    return;
  entries = g_ptr_array_new_with_free_func ((GDestroyNotify) mq_history_entry_free);
  for (int r = 0; r < PQntuples (result); r++)
    g_ptr_array_add (entries, entry_from_row (result, r));
  mq_store_emit_changed_remotely (MQ_STORE (self), entries);
}

static MqEdit *
pg_store_edit (MqStore       *store,
               MqEdit        *edit,
               MqEditAction   action,
               GPtrArray     *conflicts,
               GError       **error)
{
  MqPgStore *self = MQ_PG_STORE (store);
  g_autoptr(MqStaging) staging = NULL;
  g_autoptr(MqEdit) applied = NULL;
  g_autoptr(GArray) versions = NULL;

  if (self->read_only)
    {
      read_only_error (self, error);
      return NULL;
    }
  if (!self->online)
    {
      offline_error (self, error);
      return NULL;
    }
  staging = mq_staging_new (self->dataset, edit, error);
  if (staging == NULL)
    return NULL;
  versions = client_versions (self, staging);
  applied = commit (self, staging, action, conflicts, error);
  if (applied != NULL)
    mq_staging_publish (staging, FALSE);
  /* Published: stored (merged) or met as a conflict; else nothing was. */
  if (applied != NULL || conflicts->len > 0)
    report_merged (self, staging, versions);
  return g_steal_pointer (&applied);
}

/* ---- history and settings ---- */

static char *
dup_value (PGresult *result,
           int       row,
           int       column)
{
  return PQgetisnull (result, row, column) ? NULL : g_strdup (PQgetvalue (result, row, column));
}

static MqHistoryEntry *
entry_from_row (PGresult *result,
                int       row)
{
  MqHistoryEntry *e = g_new0 (MqHistoryEntry, 1);

  e->changed_at = dup_value (result, row, 0);
  e->user = dup_value (result, row, 1);
  e->parcel_id = dup_value (result, row, 2);
  e->field = dup_value (result, row, 3);
  e->old_value = dup_value (result, row, 4);
  e->new_value = dup_value (result, row, 5);
  e->action = dup_value (result, row, 6);
  return e;
}

static GPtrArray *
pg_list_history (MqStore     *store,
                 const char  *parcel_id,
                 guint        limit,
                 GError     **error)
{
  MqPgStore *self = MQ_PG_STORE (store);
  g_autofree char *n = limit > 0 ? g_strdup_printf ("%u", limit) : NULL;
  const char *params[] = { parcel_id, n };
  g_autoptr(PGresult) result =
    run (self, "SELECT " HISTORY_COLUMNS ("") " FROM lock_history"
               " WHERE $1::text IS NULL OR parcel_id = $1 ORDER BY id DESC LIMIT $2::bigint",
         2, params, error);
  GPtrArray *entries;

  if (result == NULL)
    return NULL;
  entries = g_ptr_array_new_with_free_func ((GDestroyNotify) mq_history_entry_free);
  for (int i = 0; i < PQntuples (result); i++)
    g_ptr_array_add (entries, entry_from_row (result, i));
  return entries;
}

static char *
pg_dup_setting (MqStore    *store,
                const char *key)
{
  return g_strdup (g_hash_table_lookup (MQ_PG_STORE (store)->settings, key));
}

/* Through mq_set_setting() (schema.sql): editors may replace a setting,
 * never the schema version, and have no other right on the table. */
static gboolean
pg_set_setting (MqStore     *store,
                const char  *key,
                const char  *value,
                GError     **error)
{
  MqPgStore *self = MQ_PG_STORE (store);
  const char *params[] = { key, value };

  if (self->read_only)
    return read_only_error (self, error);
  if (!run_ok (self, "SELECT mq_set_setting ($1, $2)", 2, params, error))
    return FALSE;
  g_hash_table_insert (self->settings, g_strdup (key), g_strdup (value));
  return TRUE;
}

/* ---- live refresh ---- */

static gboolean
on_coalesced (gpointer data)
{
  MqPgStore *self = data;
  /* A handler of the signals this may emit can drop the last reference. */
  G_GNUC_UNUSED g_autoptr(MqPgStore) hold = g_object_ref (self);

  g_clear_pointer (&self->coalesce, g_source_unref);
  self->refresh_due = TRUE;
  pump (self);
  return G_SOURCE_REMOVE;
}

/* "fid:row_version": worth a re-read unless we have that version (our own
 * edits come back this way too). */
static void
note_parcel (MqPgStore  *self,
             const char *payload)
{
  g_auto(GStrv) parts = g_strsplit (payload, ":", 2);
  gint64 fid = g_ascii_strtoll (parts[0] ? parts[0] : "", NULL, 10);
  gint64 version = parts[0] && parts[1] ? g_ascii_strtoll (parts[1], NULL, 10) : G_MAXINT64;
  int index = index_of_fid (self, fid);

  if (index < 0 ||
      version <= mq_parcels_get (mq_dataset_get_parcels (self->dataset), index)->row_version)
    return;
  g_hash_table_add (self->notified, g_memdup2 (&fid, sizeof fid));
  if (self->coalesce == NULL)
    self->coalesce = timeout_source (self, COALESCE_MS, on_coalesced);
}

static void
take_notifies (MqPgStore *self)
{
  PGnotify *note;

  while ((note = PQnotifies (self->listen)) != NULL)
    {
      if (g_str_equal (note->relname, "mq_parcels") && g_str_equal (note->extra, "survey"))
        say_replaced (self);
      else if (g_str_equal (note->relname, "mq_parcels"))
        note_parcel (self, note->extra);
      else
        self->want_editors = TRUE;
      PQfreemem (note);
    }
}

static gboolean
on_listen_out (int           fd,
               GIOCondition  condition,
               gpointer      data)
{
  MqPgStore *self = data;
  /* A handler of the signals this may emit can drop the last reference. */
  G_GNUC_UNUSED g_autoptr(MqPgStore) hold = g_object_ref (self);
  int flushed = PQflush (self->listen);

  if (flushed == 1)
    return G_SOURCE_CONTINUE;
  unwatch (&self->listen_out);
  if (flushed < 0)
    go_offline (self);
  return G_SOURCE_REMOVE;
}

/* Non-blocking: what does not fit in the socket now goes when it is writable. */
static void
send_query (MqPgStore          *self,
            Query               kind,
            const char         *sql,
            int                 n_params,
            const char * const *params)
{
  int flushed;

  if (!PQsendQueryParams (self->listen, sql, n_params, NULL, params, NULL, NULL, 0))
    {
      go_offline (self);
      return;
    }
  self->busy = kind;
  flushed = PQflush (self->listen);
  if (flushed < 0)
    go_offline (self);
  else if (flushed == 1 && self->listen_out == NULL)
    self->listen_out = fd_source (self, PQsocket (self->listen), G_IO_OUT, on_listen_out);
}

/* One query for all the notified parcels, of the versions we do not have. */
static void
send_refresh (MqPgStore *self)
{
  MqParcels *parcels = mq_dataset_get_parcels (self->dataset);
  g_autofree char *columns = editable_columns (self, "p");
  g_autofree char *sql = g_strdup_printf (
    "SELECT p.fid, %s, p.row_version FROM parcels p"
    " JOIN unnest ($1::bigint[], $2::bigint[]) AS v (fid, row_version) ON p.fid = v.fid"
    " WHERE p.row_version > v.row_version", columns);
  GString *fids = g_string_new ("{"), *versions = g_string_new ("{");
  g_autofree char *fid_array = NULL, *version_array = NULL;
  const char *params[2];
  GHashTableIter iter;
  gint64 *fid;

  g_hash_table_iter_init (&iter, self->notified);
  while (g_hash_table_iter_next (&iter, (gpointer *) &fid, NULL))
    {
      int index = index_of_fid (self, *fid);

      _mq_pg_array_add (fids, *fid);
      _mq_pg_array_add (versions, index >= 0 ? mq_parcels_get (parcels, index)->row_version : 0);
    }
  g_hash_table_remove_all (self->notified);
  self->refresh_due = FALSE;
  g_array_set_size (self->applied, 0);
  params[0] = fid_array = _mq_pg_array_end (fids);
  params[1] = version_array = _mq_pg_array_end (versions);
  send_query (self, QUERY_REFRESH, sql, 2, params);
}

/* The history of what the last re-read brought, oldest first: the versions
 * after ours up to the one published. */
static void
send_history (MqPgStore *self)
{
  char *params[3];

  history_params (self->applied, params);
  send_query (self, QUERY_HISTORY, HISTORY_BETWEEN_SQL, 3, (const char * const *) params);
  for (guint i = 0; i < G_N_ELEMENTS (params); i++)
    g_free (params[i]);
}

static void
send_editors (MqPgStore *self)
{
  g_autofree char *pid = g_strdup_printf ("%d", self->backend_pid);
  const char *params[] = { pid };

  self->want_editors = FALSE;
  send_query (self, QUERY_EDITORS,
              "SELECT fid, coalesce (display_name, db_user), db_user FROM mq_editing"
              " WHERE pid <> $1::int ORDER BY fid, pid", 1, params);
}

/* One query at a time on the live connection: re-reads first. */
static void
pump (MqPgStore *self)
{
  if (!self->online || self->busy != QUERY_NONE || self->held)
    return;
  if (self->refresh_due && g_hash_table_size (self->notified) > 0)
    send_refresh (self);
  else if (self->want_editors)
    send_editors (self);
}

/* The rows another planner changed become the next generation of parcels. */
static void
apply_refresh (MqPgStore *self,
               PGresult  *result)
{
  MqParcels *parcels = mq_dataset_get_parcels (self->dataset);
  g_autoptr(GArray) indices = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) records = g_array_new (FALSE, FALSE, sizeof (MqParcel));

  for (int r = 0; r < PQntuples (result); r++)
    {
      const char *stored[MQ_N_FIELDS] = { NULL };
      g_autoptr(GError) error = NULL;
      Applied x;
      MqParcel record;
      const MqParcel *base;
      int index;

      x.now = read_row (result, r, stored, &x.fid);
      index = index_of_fid (self, x.fid);
      if (index < 0 || (base = mq_parcels_get (parcels, index))->row_version >= x.now)
        continue;
      if (!mq_parcel_read_stored (parcels, base, stored, &record, &error))
        {
          g_debug ("%s: %s", self->path, error->message);
          continue;
        }
      x.prior = base->row_version;
      record.row_version = x.now;
      g_array_append_val (indices, index);
      g_array_append_val (records, record);
      g_array_append_val (self->applied, x);
    }
  mq_dataset_publish_records (self->dataset, indices, records);
}

static void
apply_editors (MqPgStore *self,
               PGresult  *result)
{
  g_autoptr(GString) key = g_string_new (NULL);
  g_autoptr(GPtrArray) editors = g_ptr_array_new_with_free_func ((GDestroyNotify) mq_editor_free);

  for (int r = 0; r < PQntuples (result); r++)
    {
      int index = index_of_fid (self, g_ascii_strtoll (PQgetvalue (result, r, 0), NULL, 10));
      MqEditor *editor;

      if (index < 0)
        continue;
      editor = g_new0 (MqEditor, 1);
      editor->parcel = (guint) index;
      editor->display_name = g_strdup (PQgetvalue (result, r, 1));
      editor->db_user = g_strdup (PQgetvalue (result, r, 2));
      g_string_append_printf (key, "%d\t%s\t%s\n", index, editor->display_name, editor->db_user);
      g_ptr_array_add (editors, editor);
    }
  if (g_strcmp0 (key->str, self->editors_key ? self->editors_key : "") == 0)
    return;
  g_free (self->editors_key);
  self->editors_key = g_strdup (key->str);
  g_ptr_array_unref (self->editors);
  self->editors = g_steal_pointer (&editors);
  mq_store_emit_presence_changed (MQ_STORE (self));
}

static void
take_result (MqPgStore *self,
             PGresult  *result)
{
  if (PQresultStatus (result) != PGRES_TUPLES_OK)
    {
      g_autofree char *reason = _mq_pg_reason (PQresultErrorMessage (result));

      g_debug ("%s: %s", self->path, reason);
      /* The notified parcels are not lost: all are compared at the next poll. */
      self->resync |= self->busy == QUERY_REFRESH;
      return;
    }
  /* Rows asked for before a past day was shown: not for the past day's
   * parcels; all are compared again when today is shown. */
  if (self->busy == QUERY_REFRESH && self->held)
    self->resync = TRUE;
  else if (self->busy == QUERY_REFRESH)
    apply_refresh (self, result);
  else if (self->busy == QUERY_HISTORY)
    for (int r = 0; r < PQntuples (result); r++)
      g_ptr_array_add (self->entries, entry_from_row (result, r));
  else if (self->busy == QUERY_EDITORS)
    apply_editors (self, result);
}

/* A query is answered: the history follows a re-read that changed parcels,
 * and the signal follows the history. */
static void
finish_query (MqPgStore *self,
              Query      done)
{
  g_autoptr(GPtrArray) entries = NULL;

  self->busy = QUERY_NONE;
  if (done == QUERY_REFRESH && self->applied->len > 0)
    {
      g_ptr_array_set_size (self->entries, 0);
      send_history (self);
      return;
    }
  if (done != QUERY_HISTORY)
    return;
  entries = g_steal_pointer (&self->entries);
  self->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) mq_history_entry_free);
  mq_store_emit_changed_remotely (MQ_STORE (self), entries);
}

static gboolean
on_listen (int           fd,
           GIOCondition  condition,
           gpointer      data)
{
  MqPgStore *self = data;
  /* A handler of the signals this may emit can drop the last reference. */
  G_GNUC_UNUSED g_autoptr(MqPgStore) hold = g_object_ref (self);

  if (!PQconsumeInput (self->listen))
    {
      go_offline (self);
      return G_SOURCE_REMOVE;
    }
  take_notifies (self);
  while (self->online && self->busy != QUERY_NONE && !PQisBusy (self->listen))
    {
      g_autoptr(PGresult) result = PQgetResult (self->listen);

      if (result == NULL)
        finish_query (self, self->busy);
      else
        take_result (self, result);
    }
  if (!self->online)
    return G_SOURCE_REMOVE;
  take_notifies (self);
  pump (self);
  return G_SOURCE_CONTINUE;
}

/* Presence every few seconds (a client that vanished sends no
 * notification), and whether the idle edit connection is still there. */
static gboolean
on_poll (gpointer data)
{
  MqPgStore *self = data;
  /* A handler of the signals this may emit can drop the last reference. */
  G_GNUC_UNUSED g_autoptr(MqPgStore) hold = g_object_ref (self);

  if (!PQconsumeInput (self->conn) || PQstatus (self->conn) != CONNECTION_OK)
    {
      go_offline (self);
      return G_SOURCE_REMOVE;
    }
  self->want_editors = TRUE;
  if (self->resync)
    catch_up (self);
  pump (self);
  return G_SOURCE_CONTINUE;
}

/* ---- presence ---- */

/* Our session's advisory lock on the parcel open in the locks panel (the
 * two-key form: the parcels table's oid and the fid, as mq_editing reads
 * it), and a notification so that the others look at once. Shared: two
 * planners with one parcel open must both be seen (an exclusive lock would
 * leave the second one out). */
static void
take_editing_lock (MqPgStore *self)
{
  MqParcels *parcels = mq_dataset_get_parcels (self->dataset);
  g_autofree char *fid = NULL;
  const char *params[1];
  g_autoptr(GError) error = NULL;

  fid = self->editing >= 0 && (guint) self->editing < mq_parcels_get_n_parcels (parcels)
          ? g_strdup_printf ("%" G_GINT64_FORMAT, mq_parcels_get_fid (parcels, self->editing))
          : NULL;
  params[0] = fid;
  if (!run_ok (self, "SELECT pg_advisory_unlock_all (),"
                     " CASE WHEN $1::bigint IS NOT NULL"
                     "  THEN pg_try_advisory_lock_shared ('parcels'::regclass::oid::int, $1::int) END,"
                     " pg_notify ('mq_presence', coalesce ($1::text, ''))", 1, params, &error))
    g_debug ("%s", error->message);
}

static void
pg_set_held (MqStore  *store,
             gboolean  held)
{
  MqPgStore *self = MQ_PG_STORE (store);

  self->held = held;
  /* What arrived meanwhile is read now, onto today's parcels. */
  if (!held && self->resync)
    catch_up (self);
  if (!held)
    pump (self);
}

static void
pg_set_editing (MqStore *store,
                int      parcel)
{
  MqPgStore *self = MQ_PG_STORE (store);

  if (parcel == self->editing)
    return;
  self->editing = parcel;
  /* Offline, it is taken when the connection is back. */
  if (self->online)
    take_editing_lock (self);
}

static GPtrArray *
pg_list_editors (MqStore *store)
{
  MqPgStore *self = MQ_PG_STORE (store);
  GPtrArray *copy = g_ptr_array_new_with_free_func ((GDestroyNotify) mq_editor_free);

  for (guint i = 0; i < self->editors->len; i++)
    {
      const MqEditor *e = g_ptr_array_index (self->editors, i);
      MqEditor *c = g_new0 (MqEditor, 1);

      c->parcel = e->parcel;
      c->display_name = g_strdup (e->display_name);
      c->db_user = g_strdup (e->db_user);
      g_ptr_array_add (copy, c);
    }
  return copy;
}

static void
store_iface_init (MqStoreInterface *iface)
{
  iface->is_read_only = pg_is_read_only;
  iface->get_read_only_reason = pg_get_read_only_reason;
  iface->get_path = pg_get_path;
  iface->get_dataset = pg_get_dataset;
  iface->store_edit = pg_store_edit;
  iface->list_history = pg_list_history;
  iface->dup_setting = pg_dup_setting;
  iface->set_setting = pg_set_setting;
  iface->set_editing = pg_set_editing;
  iface->set_held = pg_set_held;
  iface->list_editors = pg_list_editors;
  iface->is_online = pg_is_online;
}

/**
 * mq_pg_history_load_all:
 * @conninfo: the server (as the dataset was loaded from it; never shown)
 * @schema: the project's schema
 * @path: the project's name, for messages
 *
 * Every change the server recorded, newest first — what a past day and
 * "changes since" walk back, as a project file's mq_history_load_all().
 *
 * Returns: (transfer full) (element-type MqHistoryEntry) (nullable)
 */
GPtrArray *
mq_pg_history_load_all (const char  *conninfo,
                        const char  *schema,
                        const char  *path,
                        GError     **error)
{
  g_autoptr(PGconn) conn = _mq_pg_connect (conninfo, schema, path, error);
  g_autoptr(PGresult) result = NULL;
  g_autofree char *reason = NULL;
  GPtrArray *entries;

  if (conn == NULL)
    return NULL;
  result = PQexec (conn, "SELECT " HISTORY_COLUMNS ("") " FROM lock_history ORDER BY id DESC");
  if (PQresultStatus (result) != PGRES_TUPLES_OK)
    {
      reason = _mq_pg_reason (PQerrorMessage (conn));
      g_set_error (error, MQ_STORE_ERROR, MQ_STORE_ERROR_OPEN, _("%s: its history cannot be read: %s"),
                   path, reason);
      return NULL;
    }
  entries = g_ptr_array_new_with_free_func ((GDestroyNotify) mq_history_entry_free);
  for (int r = 0; r < PQntuples (result); r++)
    g_ptr_array_add (entries, entry_from_row (result, r));
  return entries;
}

/**
 * _mq_pg_connect:
 * @conninfo: the server (as the dataset was loaded from it; never shown)
 * @path: the project's name, for messages
 *
 * A blocking connection of its own (for a worker: a history to read, a
 * survey update to write), in the project's schema, dates as ISO and
 * times in UTC.
 */
PGconn *
_mq_pg_connect (const char  *conninfo,
                const char  *schema,
                const char  *path,
                GError     **error)
{
  g_autoptr(PGconn) conn = start_connection (conninfo, FALSE);
  g_autofree char *ident = NULL, *search_path = NULL, *reason = NULL;
  g_autoptr(PGresult) set = NULL;
  const char *params[1];

  if (PQstatus (conn) == CONNECTION_OK)
    {
      ident = quoted (conn, schema);
      params[0] = search_path = g_strconcat (ident, ", public", NULL);
      set = PQexecParams (conn, "SELECT set_config ('search_path', $1, false),"
                                " set_config ('DateStyle', 'ISO, YMD', false),"
                                " set_config ('TimeZone', 'UTC', false)", 1, NULL, params, NULL, NULL, 0);
      if (PQresultStatus (set) == PGRES_TUPLES_OK)
        return g_steal_pointer (&conn);
    }
  reason = _mq_pg_reason (PQerrorMessage (conn));
  g_set_error (error, MQ_STORE_ERROR, MQ_STORE_ERROR_OPEN, _("%s: cannot connect: %s"), path, reason);
  return NULL;
}
