/* mq-server.c
 *
 * Publishing is: check the schema is free, let GDAL copy the layers into
 * it, then run data/server/schema.sql and copy the history and settings in
 * one transaction. If any of it fails the schema is dropped again: a
 * project is on the server whole or not at all.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-server.h"

#include <cpl_error.h>
#include <gdal_utils.h>
#include <glib/gi18n-lib.h>
#include <libpq-fe.h>
#include <ogr_api.h>

#include "mq-server-resources.h"

G_DEFINE_QUARK (mq-server-error-quark, mq_server_error)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGconn, PQfinish)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)

/* The layers GDAL copies; the history and settings are copied row by row. */
static const char *const copied_layers[] = { "parcels", "zone", "roads", "rivers" };

/**
 * mq_server_describe:
 *
 * Returns: the connection as a person names it (service, database, host),
 *   for messages: never the password or the rest of the string.
 */
char *
mq_server_describe (const char *conninfo)
{
  PQconninfoOption *options = PQconninfoParse (conninfo, NULL);
  GString *text = g_string_new (NULL);
  static const char *const shown[] = { "service", "dbname", "host" };

  for (guint k = 0; options != NULL && k < G_N_ELEMENTS (shown); k++)
    for (PQconninfoOption *o = options; o->keyword != NULL; o++)
      if (g_str_equal (o->keyword, shown[k]) && o->val != NULL && *o->val != '\0')
        g_string_append_printf (text, "%s%s=%s", text->len ? " " : "", o->keyword, o->val);
  PQconninfoFree (options);
  if (text->len == 0)
    g_string_append (text, _("the default database"));
  return g_string_free (text, FALSE);
}

/* libpq's message, first line only: it may go on with hints. */
static char *
pq_reason (const char *message)
{
  g_auto(GStrv) lines = g_strsplit (message ? message : "", "\n", 2);

  return g_strstrip (g_strdup (lines[0] ? lines[0] : ""));
}

static PGconn *
connect_to (const char  *conninfo,
            GError     **error)
{
  g_autoptr(PGconn) conn = PQconnectdb (conninfo);
  g_autofree char *where = NULL;
  g_autofree char *reason = NULL;

  if (PQstatus (conn) == CONNECTION_OK)
    return g_steal_pointer (&conn);
  where = mq_server_describe (conninfo);
  reason = pq_reason (PQerrorMessage (conn));
  g_set_error (error, MQ_SERVER_ERROR, MQ_SERVER_ERROR_CONNECT,
               _("%s: cannot connect: %s"), where, reason);
  return NULL;
}

/* One statement with bound parameters; FALSE with the server's reason. */
static PGresult *
query (PGconn             *conn,
       const char         *sql,
       int                 n_params,
       const char * const *params,
       GError            **error)
{
  g_autoptr(PGresult) result = PQexecParams (conn, sql, n_params, NULL, params, NULL, NULL, 0);
  ExecStatusType status = PQresultStatus (result);
  g_autofree char *reason = NULL;

  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
    return g_steal_pointer (&result);
  reason = pq_reason (PQresultErrorMessage (result));
  g_set_error (error, MQ_SERVER_ERROR, MQ_SERVER_ERROR_FAILED, "%s", reason);
  return NULL;
}

static gboolean
run (PGconn             *conn,
     const char         *sql,
     int                 n_params,
     const char * const *params,
     GError            **error)
{
  g_autoptr(PGresult) result = query (conn, sql, n_params, params, error);

  return result != NULL;
}

/* Several statements of our own file, without parameters. */
static gboolean
run_script (PGconn      *conn,
            const char  *script,
            GError     **error)
{
  g_autoptr(PGresult) result = PQexec (conn, script);
  g_autofree char *reason = NULL;

  if (PQresultStatus (result) == PGRES_COMMAND_OK || PQresultStatus (result) == PGRES_TUPLES_OK)
    return TRUE;
  reason = pq_reason (PQresultErrorMessage (result));
  g_set_error (error, MQ_SERVER_ERROR, MQ_SERVER_ERROR_FAILED, "%s", reason);
  return FALSE;
}

static char *
quoted (PGconn     *conn,
        const char *identifier)
{
  char *escaped = PQescapeIdentifier (conn, identifier, strlen (identifier));
  char *copy = g_strdup (escaped);

  PQfreemem (escaped);
  return copy;
}

static gboolean
check_free (PGconn      *conn,
            const char  *schema,
            const char  *where,
            GError     **error)
{
  const char *params[] = { schema };
  g_autoptr(PGresult) postgis = query (conn, "SELECT 1 FROM pg_extension WHERE extname = 'postgis'",
                                       0, NULL, error);
  g_autoptr(PGresult) taken = NULL;

  if (postgis == NULL)
    return FALSE;
  if (PQntuples (postgis) == 0)
    {
      g_set_error (error, MQ_SERVER_ERROR, MQ_SERVER_ERROR_FAILED,
                   _("%s: PostGIS is not installed in this database (CREATE EXTENSION postgis)"),
                   where);
      return FALSE;
    }
  taken = query (conn, "SELECT 1 FROM pg_namespace WHERE nspname = $1", 1, params, error);
  if (taken == NULL)
    return FALSE;
  if (PQntuples (taken) > 0)
    {
      g_set_error (error, MQ_SERVER_ERROR, MQ_SERVER_ERROR_EXISTS,
                   _("%s: a project is already published as “%s”; nothing was changed"),
                   where, schema);
      return FALSE;
    }
  return TRUE;
}

/* GDAL copies the geometry layers whole (fids kept, column names as they
 * are, text without length limits). */
static gboolean
copy_layers (GDALDatasetH   source,
             const char    *conninfo,
             const char    *schema,
             const char    *where,
             GError       **error)
{
  g_autofree char *dest = g_strconcat ("PG:", conninfo, NULL);
  g_autofree char *schema_option = g_strconcat ("SCHEMA=", schema, NULL);
  g_autoptr(GStrvBuilder) args = g_strv_builder_new ();
  g_auto(GStrv) argv = NULL;
  GDALVectorTranslateOptions *options;
  GDALDatasetH out;
  int usage_error = 0;

  g_strv_builder_add_many (args, "-f", "PostgreSQL", "-preserve_fid", "-lco", schema_option,
                           "-lco", "GEOMETRY_NAME=geom", "-lco", "FID=fid", "-lco", "LAUNDER=NO",
                           "-lco", "PRECISION=NO", "-lco", "SPATIAL_INDEX=GIST", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (copied_layers); i++)
    if (GDALDatasetGetLayerByName (source, copied_layers[i]) != NULL)
      g_strv_builder_add (args, copied_layers[i]);
  argv = g_strv_builder_end (args);
  options = GDALVectorTranslateOptionsNew (argv, NULL);
  CPLErrorReset ();
  out = GDALVectorTranslate (dest, NULL, 1, &source, options, &usage_error);
  GDALVectorTranslateOptionsFree (options);
  if (out != NULL && CPLGetLastErrorType () < CE_Failure)
    {
      GDALClose (out);
      return TRUE;
    }
  g_clear_pointer (&out, GDALClose);
  g_set_error (error, MQ_SERVER_ERROR, MQ_SERVER_ERROR_FAILED,
               _("%s: copying the parcels failed: %s"), where, CPLGetLastErrorMsg ());
  return FALSE;
}

/* A copy: OGR formats a date or a number into one buffer of the feature,
 * which the next field's text overwrites. */
static char *
field_text (OGRFeatureH  feature,
            const char  *name)
{
  int i = OGR_F_GetFieldIndex (feature, name);

  return i >= 0 && OGR_F_IsFieldSetAndNotNull (feature, i) ? g_strdup (OGR_F_GetFieldAsString (feature, i))
                                                           : NULL;
}

#define MAX_COPIED_COLUMNS 8

/* Every row of one of the project's tables, through one INSERT whose
 * parameters are @columns in order. */
static gboolean
copy_rows (PGconn             *conn,
           GDALDatasetH        source,
           const char         *layer_name,
           const char * const *columns,
           const char         *sql,
           GError            **error)
{
  OGRLayerH layer = GDALDatasetGetLayerByName (source, layer_name);
  char *params[MAX_COPIED_COLUMNS] = { NULL };
  OGRFeatureH f;
  gboolean ok = TRUE;
  guint n = g_strv_length ((char **) columns);

  g_return_val_if_fail (n <= MAX_COPIED_COLUMNS, FALSE);
  if (layer == NULL)
    return TRUE;
  OGR_L_ResetReading (layer);
  while (ok && (f = OGR_L_GetNextFeature (layer)) != NULL)
    {
      for (guint i = 0; i < n; i++)
        params[i] = field_text (f, columns[i]);
      ok = run (conn, sql, n, (const char * const *) params, error);
      for (guint i = 0; i < n; i++)
        g_clear_pointer (&params[i], g_free);
      OGR_F_Destroy (f);
    }
  return ok;
}

/* The history the project has so far, as it is (the server's trigger writes
 * what comes after), and its settings but for the schema version: the
 * server's schema has its own. */
static gboolean
copy_history_and_settings (PGconn        *conn,
                           GDALDatasetH   source,
                           GError       **error)
{
  static const char *const history[] = {
    "changed_at", "user", "parcel_id", "field", "old_value", "new_value", "action", "batch", NULL
  };
  static const char *const settings[] = { "key", "value", NULL };

  return copy_rows (conn, source, "lock_history", history,
                    "INSERT INTO lock_history (changed_at, db_user, fid, parcel_id, field, old_value,"
                    " new_value, action, batch, row_version)"
                    " VALUES (replace ($1, '/', '-')::timestamptz, coalesce ($2, ''),"
                    " (SELECT fid FROM parcels WHERE parcel_id = $3 LIMIT 1), $3, $4, $5, $6,"
                    " coalesce ($7, 'edit'), $8::bigint, 1)", error) &&
         copy_rows (conn, source, "project_settings", settings,
                    "INSERT INTO mq_project_settings (key, value)"
                    " SELECT $1::text, $2::text WHERE $1::text <> 'schema_version'", error);
}

/**
 * mq_server_dup_script:
 * @name: "schema.sql" or "upgrade-N.sql" (data/server/)
 *
 * One of the scripts a shared project's schema is made of, built into the
 * program (no file outside it is ever run).
 */
char *
mq_server_dup_script (const char *name)
{
  g_autofree char *path = g_strconcat ("/org/maqiao/LandViewer/server/", name, NULL);
  g_autoptr(GBytes) sql = g_resource_lookup_data (mq_server_get_resource (), path,
                                                  G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);

  g_return_val_if_fail (sql != NULL, NULL);
  return g_strndup (g_bytes_get_data (sql, NULL), g_bytes_get_size (sql));
}

static gboolean
add_schema (PGconn        *conn,
            GDALDatasetH   source,
            const char    *schema,
            GError       **error)
{
  g_autofree char *ident = quoted (conn, schema);
  g_autofree char *path = g_strdup_printf ("SET LOCAL search_path TO %s, public", ident);
  g_autofree char *script = mq_server_dup_script ("schema.sql");
  g_autofree char *upgrade = mq_server_dup_script ("upgrade-2.sql");

  if (!run (conn, "BEGIN", 0, NULL, error))
    return FALSE;
  if (run (conn, path, 0, NULL, error) &&
      /* Our own files, several statements: the simple protocol. The
       * schema as first published, then each upgrade in turn. */
      run_script (conn, script, error) && run_script (conn, upgrade, error) &&
      copy_history_and_settings (conn, source, error) &&
      run (conn, "COMMIT", 0, NULL, error))
    return TRUE;
  PQclear (PQexec (conn, "ROLLBACK"));
  return FALSE;
}

static void
drop_schema (PGconn     *conn,
             const char *schema)
{
  g_autofree char *ident = quoted (conn, schema);
  g_autofree char *sql = g_strdup_printf ("DROP SCHEMA IF EXISTS %s CASCADE", ident);

  PQclear (PQexec (conn, sql));
}

/**
 * mq_server_publish:
 * @project_path: a project GeoPackage
 * @conninfo: a libpq connection string (`service=maqiao`, `host=… dbname=…`)
 * @schema: (nullable): the schema the project becomes, "maqiao" by default
 *
 * Copies a project up to a PostGIS database for several planners to share.
 * Refuses a schema that exists already; leaves nothing behind on failure.
 */
gboolean
mq_server_publish (const char  *project_path,
                   const char  *conninfo,
                   const char  *schema,
                   GError     **error)
{
  const char *open_options[] = { NULL };
  g_autofree char *where = mq_server_describe (conninfo);
  g_autofree char *ident = NULL;
  g_autofree char *create = NULL;
  g_autoptr(PGconn) conn = NULL;
  GDALDatasetH source;
  gboolean ok;

  g_return_val_if_fail (project_path != NULL && conninfo != NULL, FALSE);

  schema = schema != NULL ? schema : MQ_SERVER_DEFAULT_SCHEMA;
  source = GDALOpenEx (project_path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, open_options, NULL);
  if (source == NULL || GDALDatasetGetLayerByName (source, "parcels") == NULL)
    {
      g_clear_pointer (&source, GDALClose);
      g_set_error (error, MQ_SERVER_ERROR, MQ_SERVER_ERROR_NOT_A_PROJECT,
                   _("%s: not a project file (save the survey as a project first)"), project_path);
      return FALSE;
    }
  conn = connect_to (conninfo, error);
  ok = conn != NULL && check_free (conn, schema, where, error);
  if (ok)
    {
      ident = quoted (conn, schema);
      create = g_strdup_printf ("CREATE SCHEMA %s", ident);
      ok = run (conn, create, 0, NULL, error) &&
           copy_layers (source, conninfo, schema, where, error) &&
           add_schema (conn, source, schema, error);
      if (!ok)
        drop_schema (conn, schema);
      if (!ok && error != NULL && *error != NULL && (*error)->code == MQ_SERVER_ERROR_FAILED &&
          !g_str_has_prefix ((*error)->message, where))
        g_prefix_error (error, "%s: ", where);
    }
  GDALClose (source);
  return ok;
}
