/* mq-server-file.c
 *
 * A .mqproj arrives by mail or on a share: it is untrusted input. It is read
 * up to a few KiB, every key must be one we know and every value must be
 * plain text of a sane length; values reach libpq quoted, so none can add a
 * keyword of its own (host=x sslmode=disable hidden in a service name).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-server-file.h"

#include <glib/gi18n-lib.h>
#include <libpq-fe.h>
#include <string.h>

#include "mq-server.h"

G_DEFINE_QUARK (mq-server-file-error-quark, mq_server_file_error)

#define GROUP "Server"

/* Ten lines of a few words: anything much larger is not one of ours. */
#define MAX_FILE_BYTES (16 * 1024)

/* libpq has no such limit, but no real host, database or user name is
 * longer, and PostgreSQL identifiers stop at 63 bytes. */
#define MAX_VALUE_BYTES 255
#define MAX_SCHEMA_BYTES 63

/* A pg_service.conf of a whole bureau is a few KiB. */
#define MAX_SERVICE_FILE_BYTES (1024 * 1024)

/* The libpq keywords a .mqproj may set, in the order they are written. Not
 * options, passfile, sslkey, hostaddr…: a file from elsewhere must not be
 * able to run server options or read the planner's keys. */
static const char *const conninfo_keys[] = { "service", "host", "port", "dbname", "user", "sslmode" };

static const char *const ssl_modes[] = {
  "disable", "allow", "prefer", "require", "verify-ca", "verify-full",
};

/* The field of @self that holds @key, or NULL for a key we do not know. */
static char **
field_for (MqServerFile *self,
           const char   *key)
{
  if (g_str_equal (key, "service"))
    return &self->service;
  if (g_str_equal (key, "schema"))
    return &self->schema;
  if (g_str_equal (key, "host"))
    return &self->host;
  if (g_str_equal (key, "port"))
    return &self->port;
  if (g_str_equal (key, "dbname"))
    return &self->dbname;
  if (g_str_equal (key, "user"))
    return &self->user;
  if (g_str_equal (key, "sslmode"))
    return &self->sslmode;
  return NULL;
}

static const char *
get_field (const MqServerFile *self,
           const char         *key)
{
  return *field_for ((MqServerFile *) self, key);
}

/**
 * mq_server_file_is:
 *
 * Returns: whether @path names a server project file (by its suffix)
 */
gboolean
mq_server_file_is (const char *path)
{
  gsize len = path ? strlen (path) : 0;
  gsize suffix = strlen (MQ_SERVER_FILE_SUFFIX);

  return len > suffix && g_ascii_strcasecmp (path + len - suffix, MQ_SERVER_FILE_SUFFIX) == 0;
}

/**
 * mq_server_is_project:
 *
 * Returns: whether @path names a project on a server: "pg:…", or a
 *   server project file
 */
gboolean
mq_server_is_project (const char *path)
{
  return g_str_has_prefix (path, MQ_SERVER_PREFIX) || mq_server_file_is (path);
}

void
mq_server_file_free (MqServerFile *self)
{
  if (self == NULL)
    return;
  g_free (self->service);
  g_free (self->schema);
  g_free (self->host);
  g_free (self->port);
  g_free (self->dbname);
  g_free (self->user);
  g_free (self->sslmode);
  g_free (self);
}

/* Any "password" key, in any group and any spelling, is refused: the
 * file is copied around, and its author should learn where passwords go. */
static gboolean
is_password_key (const char *key)
{
  return g_ascii_strncasecmp (key, "password", strlen ("password")) == 0 ||
         g_ascii_strncasecmp (key, "passfile", strlen ("passfile")) == 0;
}

static gboolean
refuse_passwords (GKeyFile    *keys,
                  const char  *path,
                  GError     **error)
{
  g_auto(GStrv) groups = g_key_file_get_groups (keys, NULL);

  for (guint g = 0; groups[g] != NULL; g++)
    {
      g_auto(GStrv) names = g_key_file_get_keys (keys, groups[g], NULL, NULL);

      for (guint k = 0; names != NULL && names[k] != NULL; k++)
        if (is_password_key (names[k]))
          {
            g_set_error (error, MQ_SERVER_FILE_ERROR, MQ_SERVER_FILE_ERROR_PASSWORD,
                         _("%s: a password does not belong in a server project file; remove "
                           "the “%s” line (planners keep theirs in the keyring, administrators "
                           "in ~/.pgpass)"),
                         path, names[k]);
            return FALSE;
          }
    }
  return TRUE;
}

static gboolean
is_plain_text (const char *value,
               gsize       max_bytes)
{
  gsize len = strlen (value);

  if (len == 0 || len > max_bytes || !g_utf8_validate (value, len, NULL))
    return FALSE;
  for (const char *p = value; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c) || g_unichar_type (c) == G_UNICODE_FORMAT)
        return FALSE;
    }
  return TRUE;
}

/* A schema name that needs no quoting anywhere: letters, digits and _,
 * not starting with a digit (PostgreSQL folds nothing else into it). */
static gboolean
is_schema_name (const char *value)
{
  if (!is_plain_text (value, MAX_SCHEMA_BYTES) || g_ascii_isdigit (*value))
    return FALSE;
  for (const char *p = value; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c != '_' && !(c < 0x80 ? g_ascii_isalnum (c) : g_unichar_isalnum (c)))
        return FALSE;
    }
  return TRUE;
}

static gboolean
is_port (const char *value)
{
  guint64 port;

  return g_ascii_string_to_unsigned (value, 10, 1, 65535, &port, NULL) && value[0] != '+';
}

static gboolean
is_valid_value (const char *key,
                const char *value)
{
  if (g_str_equal (key, "schema"))
    return is_schema_name (value);
  if (g_str_equal (key, "port"))
    return is_port (value);
  if (g_str_equal (key, "sslmode"))
    return g_strv_contains (ssl_modes, value);
  return is_plain_text (value, MAX_VALUE_BYTES);
}

/**
 * mq_server_file_validate:
 * @path: the file's name, for messages
 *
 * Checks what would be read or written: a service or a database, and each
 * value plain text of its kind.
 */
gboolean
mq_server_file_validate (const MqServerFile  *self,
                         const char          *path,
                         GError             **error)
{
  static const char *const all_keys[] = { "service", "schema", "host", "port", "dbname", "user",
                                          "sslmode" };

  for (guint i = 0; i < G_N_ELEMENTS (all_keys); i++)
    {
      const char *value = get_field (self, all_keys[i]);

      if (value != NULL && !is_valid_value (all_keys[i], value))
        {
          g_set_error (error, MQ_SERVER_FILE_ERROR, MQ_SERVER_FILE_ERROR_INVALID,
                       _("%s: the value of “%s” is not valid"), path, all_keys[i]);
          return FALSE;
        }
    }
  if (self->service == NULL && self->dbname == NULL)
    {
      g_set_error (error, MQ_SERVER_FILE_ERROR, MQ_SERVER_FILE_ERROR_INVALID,
                   _("%s: names no server: add a line service=NAME (from pg_service.conf)"), path);
      return FALSE;
    }
  return TRUE;
}

/* At most MAX_FILE_BYTES, whatever the file: a FIFO or /dev/zero named
 * x.mqproj must not hang or fill memory. */
static char *
read_bounded (const char  *path,
              GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *data = g_malloc (MAX_FILE_BYTES + 1);
  gsize n = 0;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      if (g_file_test (path, G_FILE_TEST_EXISTS))
        g_set_error (error, MQ_SERVER_FILE_ERROR, MQ_SERVER_FILE_ERROR_READ,
                     _("%s: not a regular file"), path);
      else
        g_set_error (error, MQ_SERVER_FILE_ERROR, MQ_SERVER_FILE_ERROR_READ,
                     _("%s: no such file"), path);
      return NULL;
    }
  if ((in = g_file_read (file, NULL, &local)) == NULL ||
      !g_input_stream_read_all (G_INPUT_STREAM (in), data, MAX_FILE_BYTES + 1, &n, NULL, &local))
    {
      g_set_error (error, MQ_SERVER_FILE_ERROR, MQ_SERVER_FILE_ERROR_READ,
                   _("%s: cannot be read: %s"), path, local->message);
      return NULL;
    }
  if (n > MAX_FILE_BYTES)
    {
      g_set_error (error, MQ_SERVER_FILE_ERROR, MQ_SERVER_FILE_ERROR_INVALID,
                   _("%s: too large for a server project file (%u KiB at most)"), path,
                   MAX_FILE_BYTES / 1024);
      return NULL;
    }
  data[n] = '\0';
  if (memchr (data, '\0', n) != NULL || !g_utf8_validate (data, n, NULL))
    {
      g_set_error (error, MQ_SERVER_FILE_ERROR, MQ_SERVER_FILE_ERROR_INVALID,
                   _("%s: not a server project file (not UTF-8 text)"), path);
      return NULL;
    }
  return g_steal_pointer (&data);
}

static GKeyFile *
parse_keys (const char  *path,
            const char  *data,
            GError     **error)
{
  g_autoptr(GKeyFile) keys = g_key_file_new ();
  g_autoptr(GError) local = NULL;

  if (!g_key_file_load_from_data (keys, data, -1, G_KEY_FILE_NONE, &local))
    {
      g_set_error (error, MQ_SERVER_FILE_ERROR, MQ_SERVER_FILE_ERROR_INVALID,
                   _("%s: not a server project file: %s"), path, local->message);
      return NULL;
    }
  if (!refuse_passwords (keys, path, error))
    return NULL;
  if (!g_key_file_has_group (keys, GROUP))
    {
      g_set_error (error, MQ_SERVER_FILE_ERROR, MQ_SERVER_FILE_ERROR_INVALID,
                   _("%s: not a server project file (no [Server] group)"), path);
      return NULL;
    }
  return g_steal_pointer (&keys);
}

/* Other groups are left alone (a later version may add some); within
 * [Server] every key must be known. */
static MqServerFile *
server_from_keys (GKeyFile    *keys,
                  const char  *path,
                  GError     **error)
{
  g_autoptr(MqServerFile) self = g_new0 (MqServerFile, 1);
  g_auto(GStrv) names = g_key_file_get_keys (keys, GROUP, NULL, NULL);

  for (guint k = 0; names != NULL && names[k] != NULL; k++)
    {
      char **field = field_for (self, names[k]);
      g_autofree char *value = NULL;

      if (field == NULL)
        {
          g_set_error (error, MQ_SERVER_FILE_ERROR, MQ_SERVER_FILE_ERROR_INVALID,
                       _("%s: unknown key “%s” in [Server]"), path, names[k]);
          return NULL;
        }
      if ((value = g_key_file_get_string (keys, GROUP, names[k], NULL)) == NULL)
        {
          g_set_error (error, MQ_SERVER_FILE_ERROR, MQ_SERVER_FILE_ERROR_INVALID,
                       _("%s: the value of “%s” is not valid"), path, names[k]);
          return NULL;
        }
      g_free (*field);
      *field = g_strstrip (g_steal_pointer (&value));
    }
  if (!mq_server_file_validate (self, path, error))
    return NULL;
  return g_steal_pointer (&self);
}

/**
 * mq_server_file_read:
 *
 * Returns: (transfer full) (nullable): what @path says, or %NULL with an
 *   error naming the file and the problem
 */
MqServerFile *
mq_server_file_read (const char  *path,
                     GError     **error)
{
  g_autofree char *data = NULL;
  g_autoptr(GKeyFile) keys = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  if ((data = read_bounded (path, error)) == NULL || (keys = parse_keys (path, data, error)) == NULL)
    return NULL;
  return server_from_keys (keys, path, error);
}

/**
 * mq_server_file_write:
 *
 * Writes @self to @path (replacing it whole, never half-written). The
 * values are checked first: what this writes, mq_server_file_read() reads.
 */
gboolean
mq_server_file_write (const MqServerFile  *self,
                      const char          *path,
                      GError             **error)
{
  g_autoptr(GKeyFile) keys = g_key_file_new ();
  g_autoptr(GError) local = NULL;
  static const char *const all_keys[] = { "service", "schema", "host", "port", "dbname", "user",
                                          "sslmode" };

  g_return_val_if_fail (self != NULL && path != NULL, FALSE);

  if (!mq_server_file_validate (self, path, error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (all_keys); i++)
    if (get_field (self, all_keys[i]) != NULL)
      g_key_file_set_string (keys, GROUP, all_keys[i], get_field (self, all_keys[i]));
  g_key_file_set_comment (keys, GROUP, NULL,
                          " A Maqiao Land Viewer project on a PostgreSQL/PostGIS server.\n"
                          " Never put a password here: the keyring or ~/.pgpass holds it.",
                          NULL);
  if (!g_key_file_save_to_file (keys, path, &local))
    {
      g_set_error (error, MQ_SERVER_FILE_ERROR, MQ_SERVER_FILE_ERROR_WRITE,
                   _("%s: cannot be written: %s"), path, local->message);
      return FALSE;
    }
  return TRUE;
}

/**
 * mq_conninfo_quote:
 *
 * Returns: @value as one libpq connection-string value: in single quotes,
 *   with backslashes and quotes escaped, so that it is read as a value
 *   whatever it holds (spaces, "=", quotes).
 */
char *
mq_conninfo_quote (const char *value)
{
  GString *out = g_string_new ("'");

  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '\'' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '\'');
  return g_string_free (out, FALSE);
}

/**
 * mq_conninfo_split:
 *
 * Returns: (transfer full): the words of a connection string as libpq
 *   reads them — split at blanks outside quotes, each kept as written
 *   (quotes and escapes included).
 */
GStrv
mq_conninfo_split (const char *conninfo)
{
  g_autoptr(GStrvBuilder) words = g_strv_builder_new ();
  const char *p = conninfo;

  while (*p != '\0')
    {
      const char *start;
      gboolean quoted = FALSE;

      while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
      if (*p == '\0')
        break;
      for (start = p; *p != '\0' && (quoted || !g_ascii_isspace (*p)); p++)
        if (*p == '\\' && quoted && p[1] != '\0')
          p++;
        else if (*p == '\'')
          quoted = !quoted;
      {
        g_autofree char *word = g_strndup (start, p - start);

        g_strv_builder_add (words, word);
      }
    }
  return g_strv_builder_end (words);
}

/**
 * mq_server_file_dup_conninfo:
 *
 * Returns: the libpq connection string of @self (without the schema),
 *   every value quoted
 */
char *
mq_server_file_dup_conninfo (const MqServerFile *self)
{
  GString *conninfo = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (conninfo_keys); i++)
    {
      const char *value = get_field (self, conninfo_keys[i]);
      g_autofree char *quoted = NULL;

      if (value == NULL)
        continue;
      quoted = mq_conninfo_quote (value);
      g_string_append_printf (conninfo, "%s%s=%s", conninfo->len ? " " : "", conninfo_keys[i], quoted);
    }
  return g_string_free (conninfo, FALSE);
}

/**
 * mq_server_file_dup_spec:
 *
 * Returns: the project as the loader opens it: "pg:service='…' …
 *   schema=NAME", every connection value quoted.
 */
char *
mq_server_file_dup_spec (const MqServerFile *self)
{
  g_autofree char *conninfo = mq_server_file_dup_conninfo (self);

  return g_strdup_printf ("%s%s schema=%s", MQ_SERVER_PREFIX, conninfo,
                          self->schema ? self->schema : MQ_SERVER_DEFAULT_SCHEMA);
}

/**
 * mq_server_file_load_spec:
 *
 * Returns: (transfer full) (nullable): what mq_dataset_load() opens for the
 *   .mqproj @path, or %NULL with an error naming it
 */
char *
mq_server_file_load_spec (const char  *path,
                          GError     **error)
{
  g_autoptr(MqServerFile) server = mq_server_file_read (path, error);

  return server ? mq_server_file_dup_spec (server) : NULL;
}

/* ---- the services a planner may choose ------------------------------------ */

/* pg_service.conf is INI-like but not a GKeyFile (libpq takes lines GKeyFile
 * refuses): only its [section] names are read, each line on its own. */
static void
add_services_of (const char    *path,
                 GStrvBuilder  *names,
                 GHashTable    *seen)
{
  g_autofree char *data = NULL;
  g_auto(GStrv) lines = NULL;
  gsize length;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR) ||
      !g_file_get_contents (path, &data, &length, NULL) || length > MAX_SERVICE_FILE_BYTES)
    return;
  lines = g_strsplit (data, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);
      gsize len = strlen (line);

      if (len < 3 || line[0] != '[' || line[len - 1] != ']')
        continue;
      line[len - 1] = '\0';
      line = g_strstrip (line + 1);
      if (is_plain_text (line, MAX_VALUE_BYTES) && !g_hash_table_contains (seen, line))
        {
          g_hash_table_add (seen, g_strdup (line));
          g_strv_builder_add (names, line);
        }
    }
}

/**
 * mq_server_list_services:
 *
 * The files libpq itself reads, in its order: $PGSERVICEFILE (else
 * ~/.pg_service.conf), then pg_service.conf in $PGSYSCONFDIR (else
 * Debian's /etc/postgresql-common).
 *
 * Returns: (transfer full): the service names, each once
 */
GStrv
mq_server_list_services (void)
{
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char *user_file = g_getenv ("PGSERVICEFILE");
  const char *sysconf = g_getenv ("PGSYSCONFDIR");
  g_autofree char *home_file = g_build_filename (g_get_home_dir (), ".pg_service.conf", NULL);
  g_autofree char *system_file = g_build_filename (sysconf ? sysconf : "/etc/postgresql-common",
                                                   "pg_service.conf", NULL);

  add_services_of (user_file ? user_file : home_file, names, seen);
  add_services_of (system_file, names, seen);
  return g_strv_builder_end (names);
}

/* libpq's message, first line only, and never the password: libpq does not
 * repeat it, but a message is shown and logged, so it is made sure. */
static char *
connect_reason (PGconn     *conn,
                const char *password)
{
  g_auto(GStrv) lines = g_strsplit (PQerrorMessage (conn), "\n", 2);
  g_autofree char *first = g_strstrip (g_strdup (lines[0] ? lines[0] : ""));
  g_auto(GStrv) parts = NULL;

  if (password == NULL || *password == '\0' || strstr (first, password) == NULL)
    return g_steal_pointer (&first);
  parts = g_strsplit (first, password, -1);
  return g_strjoinv ("…", parts);
}

/**
 * mq_server_file_check:
 * @password: (nullable): from the keyring or typed; NULL lets libpq find
 *   one (~/.pgpass)
 *
 * Connects once, as opening would, and looks for the project's parcels, so
 * that the connect dialog can say what is wrong before the window loads.
 * Blocks: call it from a worker. Errors never hold the password.
 */
gboolean
mq_server_file_check (const MqServerFile  *self,
                      const char          *password,
                      GError             **error)
{
  static const char *const sql = "SELECT to_regclass (quote_ident ($1) || '.parcels') IS NOT NULL";
  g_autofree char *conninfo = mq_server_file_dup_conninfo (self);
  g_autofree char *where = mq_server_describe (conninfo);
  g_autofree char *full = NULL;
  const char *schema = self->schema ? self->schema : MQ_SERVER_DEFAULT_SCHEMA;
  PGconn *conn;
  PGresult *result;
  gboolean found;

  if (password != NULL && *password != '\0')
    {
      g_autofree char *quoted = mq_conninfo_quote (password);

      full = g_strconcat (conninfo, " password=", quoted, " connect_timeout=15", NULL);
    }
  else
    full = g_strconcat (conninfo, " connect_timeout=15", NULL);
  conn = PQconnectdb (full);
  memset (full, 0, strlen (full));
  if (PQstatus (conn) != CONNECTION_OK)
    {
      g_autofree char *reason = connect_reason (conn, password);

      g_set_error (error, MQ_SERVER_FILE_ERROR, MQ_SERVER_FILE_ERROR_CONNECT,
                   _("%s: cannot connect: %s"), where, reason);
      PQfinish (conn);
      return FALSE;
    }
  result = PQexecParams (conn, sql, 1, NULL, &schema, NULL, NULL, 0);
  found = PQresultStatus (result) == PGRES_TUPLES_OK && PQntuples (result) == 1 &&
          g_str_equal (PQgetvalue (result, 0, 0), "t");
  PQclear (result);
  PQfinish (conn);
  if (!found)
    g_set_error (error, MQ_SERVER_FILE_ERROR, MQ_SERVER_FILE_ERROR_NO_PROJECT,
                 _("%s: no project is published in schema “%s” (maqiao-land --publish puts one "
                   "there)"),
                 where, schema);
  return found;
}
