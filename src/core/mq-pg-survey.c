/* mq-pg-survey.c — a shared project's survey update, written on its server,
 * and taken back.
 *
 * The plan is a project file's (core/mq-survey-match.c); writing it is one
 * transaction of the parcels table's owner:
 *
 * - the table is locked whole (readers wait a moment: a writer let in
 *   before the rename would deadlock with it) and checked unchanged since
 *   the plan was made from it: every fid at the row version the plan read;
 * - data/server/survey-update.sql keeps it as parcels_before_update_N (N:
 *   the transaction's id, which is also its history batch, as every edit's
 *   on the server) and makes an empty "parcels" of the same make — rules,
 *   indexes, triggers, rights, row-level security, presence — with the new
 *   survey's columns; the fids' sequence goes with the table;
 * - the survey's rows go in, with the status the plan carries, each at one
 *   row version above every version the project has had: an edit sent
 *   from a window that has not reloaded yet matches no row, and one
 *   parcel's history by version never takes in an old parcel's of the same
 *   fid;
 * - parcel_lineage, the history batch and a row of mq_survey_updates;
 * - NOTIFY mq_parcels 'survey': every window that has the project open
 *   reads it again (core/mq-pg-store.c).
 *
 * Every value is a bound parameter or COPY data (never SQL text), and every
 * name the survey brings a quoted identifier. Runs in a worker: the
 * connection is its own.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-pg-survey.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal.h>
#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdlib.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <string.h>

#include "mq-as-of.h"
#include "mq-crs.h"
#include "mq-dataset-private.h"
#include "mq-pg-private.h"
#include "mq-server.h"

#define ARCHIVE_PREFIX "parcels_before_update_"

typedef struct
{
  PGconn     *conn;
  const char *path;      /* the project's shown name */
} Server;

static gboolean
write_error (Server      *s,
             const char  *reason,
             GError     **error)
{
  g_set_error (error, MQ_SURVEY_UPDATE_ERROR, MQ_SURVEY_UPDATE_ERROR_WRITE,
               _("%s: the survey update could not be written (nothing was changed): %s"), s->path,
               (reason && *reason) ? reason : _("unknown error"));
  return FALSE;
}

/* One statement, its parameters bound; NULL with the server's reason. */
static PGresult *
query (Server             *s,
       const char         *sql,
       int                 n_params,
       const char * const *params,
       GError            **error)
{
  g_autoptr(PGresult) result = PQexecParams (s->conn, sql, n_params, NULL, params, NULL, NULL, 0);
  g_autofree char *reason = NULL;

  if (PQresultStatus (result) == PGRES_COMMAND_OK || PQresultStatus (result) == PGRES_TUPLES_OK)
    return g_steal_pointer (&result);
  reason = _mq_pg_reason (PQresultErrorMessage (result));
  write_error (s, reason, error);
  return NULL;
}

static gboolean
run (Server             *s,
     const char         *sql,
     int                 n_params,
     const char * const *params,
     GError            **error)
{
  g_autoptr(PGresult) result = query (s, sql, n_params, params, error);

  return result != NULL;
}

static char *
first_value (Server             *s,
             const char         *sql,
             int                 n_params,
             const char * const *params,
             GError            **error)
{
  g_autoptr(PGresult) result = query (s, sql, n_params, params, error);

  if (result == NULL)
    return NULL;
  return g_strdup (PQntuples (result) > 0 && !PQgetisnull (result, 0, 0) ? PQgetvalue (result, 0, 0) : "");
}

/* Only the parcels table's owner can swap it; anyone else is told who can.
 * Returns: (nullable): the owner's name */
static char *
owner_of_parcels (Server  *s,
                  GError **error)
{
  g_autoptr(PGresult) result =
    query (s, "SELECT pg_has_role (current_user, relowner, 'MEMBER'), pg_get_userbyid (relowner)"
              " FROM pg_class WHERE oid = 'parcels'::regclass", 0, NULL, error);

  if (result == NULL)
    return NULL;
  if (PQntuples (result) == 1 && g_str_equal (PQgetvalue (result, 0, 0), "t"))
    return g_strdup (PQgetvalue (result, 0, 1));
  g_set_error (error, MQ_SURVEY_UPDATE_ERROR, MQ_SURVEY_UPDATE_ERROR_NOT_PERMITTED,
               _("%s: only the project's owner (%s) can carry it into a new survey or take that back; "
                 "nothing was changed"),
               s->path, PQntuples (result) == 1 ? PQgetvalue (result, 0, 1) : "?");
  return NULL;
}

/* A member of the owning role (or a superuser) acts as that role: what the
 * update makes belongs to the owner, as what it replaces did. */
static gboolean
become_owner (Server  *s,
              GError **error)
{
  g_autofree char *owner = owner_of_parcels (s, error);
  const char *params[] = { owner };

  return owner != NULL && run (s, "SELECT set_config ('role', $1, true)", 1, params, error);
}

/**
 * _mq_pg_survey_check_owner:
 *
 * Whether this user may carry the server project into a new survey (the
 * window asks before it reads one).
 */
gboolean
_mq_pg_survey_check_owner (const char  *conninfo,
                           const char  *schema,
                           const char  *path,
                           GError     **error)
{
  g_autoptr(PGconn) conn = _mq_pg_connect (conninfo, schema, path, error);
  Server s = { conn, path };
  g_autofree char *owner = NULL;

  return conn != NULL && (owner = owner_of_parcels (&s, error)) != NULL;
}

/* BEGIN, the owner's check, the swap's functions, the table locked while
 * the update reads and replaces it: from the start, whole (a writer let in
 * before the rename would wait for the swap while the swap waited for it). */
static gboolean
begin (Server  *s,
       GError **error)
{
  g_autofree char *script = mq_server_dup_script ("survey-update.sql");
  g_autoptr(PGresult) result = NULL;
  g_autofree char *reason = NULL;

  if (!run (s, "BEGIN", 0, NULL, error) ||
      !run (s, "SELECT set_config ('lock_timeout', '30s', true), set_config ('statement_timeout', '0', true)",
            0, NULL, error) ||
      !become_owner (s, error))
    return FALSE;
  /* Our own file, several statements: the simple protocol. */
  result = PQexec (s->conn, script);
  if (PQresultStatus (result) != PGRES_COMMAND_OK && PQresultStatus (result) != PGRES_TUPLES_OK)
    {
      reason = _mq_pg_reason (PQresultErrorMessage (result));
      return write_error (s, reason, error);
    }
  return run (s, "LOCK TABLE parcels IN ACCESS EXCLUSIVE MODE", 0, NULL, error);
}

static void
rollback (Server *s)
{
  PQclear (PQexec (s->conn, "ROLLBACK"));
}

/* The notice that makes every open window read the project again; sent at
 * COMMIT. */
static gboolean
commit (Server  *s,
        GError **error)
{
  return run (s, "SELECT pg_notify ('mq_parcels', 'survey')", 0, NULL, error) &&
         run (s, "COMMIT", 0, NULL, error);
}

/* ---- the update ---- */

typedef struct
{
  Server          server;
  MqSurveyUpdate *update;
  const char     *date;
  char           *batch;
  char           *base;        /* the new parcels' row version */
  char           *archive;
  GDALDatasetH    survey;
  OGRLayerH       from;
  int             n_columns;   /* the survey's, without a row_version */
} Update;

static void
update_clear (Update *u)
{
  g_free (u->batch);
  g_free (u->base);
  g_free (u->archive);
  if (u->survey != NULL)
    GDALClose (u->survey);
}

/* Nothing written meanwhile: the plan was made from what the server has. */
static gboolean
check_unchanged (Update  *u,
                 GError **error)
{
  MqParcels *parcels = mq_dataset_get_parcels (u->update->project);
  GString *fids = g_string_new ("{"), *versions = g_string_new ("{");
  g_autofree char *fid_array = NULL, *version_array = NULL, *n = NULL;
  const char *params[2];
  guint changed;

  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    {
      _mq_pg_array_add (fids, mq_parcels_get_fid (parcels, i));
      _mq_pg_array_add (versions, mq_parcels_get (parcels, i)->row_version);
    }
  params[0] = fid_array = _mq_pg_array_end (fids);
  params[1] = version_array = _mq_pg_array_end (versions);
  n = first_value (&u->server, "SELECT count(*) FROM parcels p"
                               " FULL JOIN unnest ($1::bigint[], $2::bigint[]) AS v (fid, row_version)"
                               " ON p.fid = v.fid"
                               " WHERE p.fid IS NULL OR v.fid IS NULL OR p.row_version <> v.row_version",
                   2, params, error);
  if (n == NULL)
    return FALSE;
  if ((changed = (guint) g_ascii_strtoull (n, NULL, 10)) == 0)
    return TRUE;
  g_set_error (error, MQ_SURVEY_UPDATE_ERROR, MQ_SURVEY_UPDATE_ERROR_CHANGED,
               g_dngettext (GETTEXT_PACKAGE,
                            "%s: %u parcel was changed on the server since the preview was made; "
                            "nothing was changed (update again to see the preview as the project is now)",
                            "%s: %u parcels were changed on the server since the preview was made; "
                            "nothing was changed (update again to see the preview as the project is now)",
                            changed), u->server.path, changed);
  return FALSE;
}

/* The batch (the transaction's id), the new row version, the last history
 * row before the update. */
static gboolean
number (Update  *u,
        gint64  *history_after,
        GError **error)
{
  g_autoptr(PGresult) result =
    query (&u->server, "SELECT txid_current (),"
                       " greatest ((SELECT max (row_version) FROM parcels),"
                       "           (SELECT max (row_version) FROM lock_history), 0) + 1,"
                       " coalesce ((SELECT max (id) FROM lock_history), 0)", 0, NULL, error);

  if (result == NULL)
    return FALSE;
  u->batch = g_strdup (PQgetvalue (result, 0, 0));
  u->base = g_strdup (PQgetvalue (result, 0, 1));
  *history_after = g_ascii_strtoll (PQgetvalue (result, 0, 2), NULL, 10);
  u->archive = g_strconcat (ARCHIVE_PREFIX, u->batch, NULL);
  return TRUE;
}

static const char *
column_type (OGRFieldType type)
{
  switch (type)
    {
    case OFTInteger: return "integer";
    case OFTInteger64: return "bigint";
    case OFTReal: return "double precision";
    case OFTDate: return "date";
    case OFTDateTime: return "timestamptz";
    default: return "text";
    }
}

/* A PostgreSQL array literal of text: every item quoted. */
static char *
text_array (GPtrArray *items)
{
  GString *array = g_string_new ("{");

  for (guint i = 0; i < items->len; i++)
    {
      g_string_append (array, i ? ",\"" : "\"");
      for (const char *c = g_ptr_array_index (items, i); *c; c++)
        {
          if (*c == '"' || *c == '\\')
            g_string_append_c (array, '\\');
          g_string_append_c (array, *c);
        }
      g_string_append_c (array, '"');
    }
  g_string_append_c (array, '}');
  return g_string_free (array, FALSE);
}

/* The old table kept, the new one made with the survey's columns. */
static gboolean
swap_tables (Update  *u,
             GError **error)
{
  OGRFeatureDefnH defn = OGR_L_GetLayerDefn (u->from);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GPtrArray) types = g_ptr_array_new ();
  g_autofree char *name_array = NULL, *type_array = NULL;
  const char *params[3];

  for (int i = 0; i < u->n_columns; i++)
    {
      OGRFieldDefnH field = OGR_FD_GetFieldDefn (defn, i);

      g_ptr_array_add (names, (char *) OGR_Fld_GetNameRef (field));
      g_ptr_array_add (types, (char *) column_type (OGR_Fld_GetType (field)));
    }
  params[0] = u->archive;
  params[1] = name_array = text_array (names);
  params[2] = type_array = text_array (types);
  return run (&u->server, "SELECT pg_temp.mq_archive_parcels ($1, $2::text[], $3::text[])", 3, params, error);
}

/* A value as PostgreSQL reads it: OGR's text, but dates with dashes. */
static char *
param_text (OGRFeatureH f,
            int         i)
{
  OGRFieldType type = OGR_Fld_GetType (OGR_F_GetFieldDefnRef (f, i));
  char *text;

  if (!OGR_F_IsFieldSetAndNotNull (f, i))
    return NULL;
  text = g_strdup (OGR_F_GetFieldAsString (f, i));
  if (type == OFTDate || type == OFTDateTime)
    g_strdelimit (text, "/", '-');
  return text;
}

/* ---- the rows, by COPY ----
 *
 * A statement per row would spend most of a large update's time on round
 * trips: the survey's rows are streamed (COPY, text format) into a
 * temporary table of text, then put into parcels by one INSERT … SELECT
 * that casts each column to its type; the history batch is streamed the
 * same way. COPY's data is not SQL: nothing in it is ever run. */

static void
copy_field (GString    *line,
            const char *text)
{
  if (line->len > 0)
    g_string_append_c (line, '\t');
  if (text == NULL)
    {
      g_string_append (line, "\\N");
      return;
    }
  for (const char *c = text; *c != '\0'; c++)
    switch (*c)
      {
      case '\\': g_string_append (line, "\\\\"); break;
      case '\n': g_string_append (line, "\\n"); break;
      case '\r': g_string_append (line, "\\r"); break;
      case '\t': g_string_append (line, "\\t"); break;
      default: g_string_append_c (line, *c);
      }
}

/* A bytea in COPY's text: \\x and the bytes in hex. */
static void
copy_bytes (GString      *line,
            const guchar *bytes,
            gsize         n)
{
  static const char digits[] = "0123456789abcdef";

  g_string_append (line, "\t\\\\x");
  for (gsize b = 0; b < n; b++)
    {
      g_string_append_c (line, digits[bytes[b] >> 4]);
      g_string_append_c (line, digits[bytes[b] & 15]);
    }
}

static gboolean
copy_line (Update   *u,
           GString  *line,
           GError  **error)
{
  g_autofree char *reason = NULL;

  g_string_append_c (line, '\n');
  if (PQputCopyData (u->server.conn, line->str, line->len) == 1)
    {
      g_string_truncate (line, 0);
      return TRUE;
    }
  reason = _mq_pg_reason (PQerrorMessage (u->server.conn));
  return write_error (&u->server, reason, error);
}

static gboolean
copy_start (Update      *u,
            const char  *sql,
            GError     **error)
{
  g_autoptr(PGresult) result = PQexec (u->server.conn, sql);
  g_autofree char *reason = NULL;

  if (PQresultStatus (result) == PGRES_COPY_IN)
    return TRUE;
  reason = _mq_pg_reason (PQresultErrorMessage (result));
  return write_error (&u->server, reason, error);
}

/* The COPY ended (abandoned when @ok is FALSE) and its answer read. */
static gboolean
copy_finish (Update   *u,
             gboolean  ok,
             GError  **error)
{
  PGresult *result;

  if (PQputCopyEnd (u->server.conn, ok ? NULL : "the survey update stopped") != 1 && ok)
    {
      g_autofree char *reason = _mq_pg_reason (PQerrorMessage (u->server.conn));

      ok = write_error (&u->server, reason, error);
    }
  while ((result = PQgetResult (u->server.conn)) != NULL)
    {
      if (ok && PQresultStatus (result) != PGRES_COMMAND_OK)
        {
          g_autofree char *reason = _mq_pg_reason (PQresultErrorMessage (result));

          ok = write_error (&u->server, reason, error);
        }
      PQclear (result);
    }
  return ok;
}

static gboolean
carried_into_row (gpointer    data,
                  const char *parcel_id,
                  guint       field,
                  const char *own,
                  const char *carried)
{
  OGRFeatureH feature = data;
  int i = field < MQ_N_FIELDS ? OGR_F_GetFieldIndex (feature, mq_field_info (field)->key) : -1;

  if (i >= 0)
    OGR_F_SetFieldString (feature, i, carried);
  return TRUE;
}

/* Survey parcel @j's row: its fid, its geometry (WKB, in the project's
 * CRS) and its columns with the status carried into them. */
static gboolean
copy_parcel (Update                       *u,
             guint                         j,
             OGRFeatureH                   f,
             OGRCoordinateTransformationH  transform,
             GString                      *line,
             GError                      **error)
{
  const MqParcel *p = mq_parcels_get (mq_dataset_get_parcels (u->update->survey), j);
  OGRGeometryH g = OGR_F_GetGeometryRef (f);
  g_autofree guchar *wkb = NULL;
  char fid[32];

  _mq_survey_update_foreach_carried (u->update, j, carried_into_row, f);
  if (g == NULL || (transform != NULL && OGR_G_Transform (g, transform) != OGRERR_NONE))
    {
      g_autofree char *reason = g_strdup_printf (_("parcel %s has no geometry the project's CRS can hold"),
                                                 p->id ? p->id : "?");

      return write_error (&u->server, reason, error);
    }
  g_snprintf (fid, sizeof fid, "%" G_GINT64_FORMAT, (gint64) OGR_F_GetFID (f));
  copy_field (line, fid);
  wkb = g_malloc (OGR_G_WkbSize (g));
  OGR_G_ExportToWkb (g, wkbNDR, wkb);
  copy_bytes (line, wkb, OGR_G_WkbSize (g));
  for (int i = 0; i < u->n_columns; i++)
    {
      g_autofree char *text = param_text (f, i);

      copy_field (line, text);
    }
  return copy_line (u, line, error);
}

/* The staging table: the fid, the WKB, then the survey's columns as text
 * (c0, c1, … in its order: no name the survey brings is part of it). */
static gboolean
stage_rows (Update                       *u,
            OGRCoordinateTransformationH  transform,
            GArray                       *fids,
            GError                      **error)
{
  guint n = mq_parcels_get_n_parcels (mq_dataset_get_parcels (u->update->survey));
  g_autoptr(GString) create = g_string_new ("CREATE TEMP TABLE mq_survey_rows (fid bigint, wkb bytea");
  g_autoptr(GString) line = g_string_new (NULL);
  gboolean ok;
  OGRFeatureH f;
  guint j = 0;

  for (int i = 0; i < u->n_columns; i++)
    g_string_append_printf (create, ", c%d text", i);
  g_string_append (create, ") ON COMMIT DROP");
  if (!run (&u->server, create->str, 0, NULL, error) ||
      !copy_start (u, "COPY pg_temp.mq_survey_rows FROM STDIN", error))
    return FALSE;
  ok = TRUE;
  OGR_L_ResetReading (u->from);
  while (ok && (f = OGR_L_GetNextFeature (u->from)) != NULL)
    {
      gint64 fid = OGR_F_GetFID (f);

      ok = j < n ? copy_parcel (u, j, f, transform, line, error)
                 : write_error (&u->server, _("the survey's copy changed while it was written"), error);
      g_array_append_val (fids, fid);
      OGR_F_Destroy (f);
      j++;
    }
  if (ok && j != n)
    ok = write_error (&u->server, _("the survey's copy changed while it was written"), error);
  return copy_finish (u, ok, error);
}

/* INSERT INTO parcels (fid, geom, the survey's columns…, row_version)
 * SELECT … FROM the staging table: each text cast to its column's type as
 * the server names it, the geometry as the column wants it (its SRID;
 * multi or not). */
static char *
fill_sql (Update     *u,
          PGresult   *types,
          const char *srid,
          gboolean    multi)
{
  OGRFeatureDefnH defn = OGR_L_GetLayerDefn (u->from);
  GString *sql = g_string_new ("INSERT INTO parcels (fid, geom");
  GString *select = g_string_new (NULL);

  g_string_append_printf (select, ") SELECT fid, %s(ST_SetSRID (ST_GeomFromWKB (wkb), %s))",
                          multi ? "ST_Multi " : "", srid);
  for (int i = 0; i < u->n_columns; i++)
    {
      const char *name = OGR_Fld_GetNameRef (OGR_FD_GetFieldDefn (defn, i));
      char *ident = PQescapeIdentifier (u->server.conn, name, strlen (name));
      const char *type = "text";

      for (int r = 0; r < PQntuples (types); r++)
        if (g_str_equal (PQgetvalue (types, r, 0), name))
          type = PQgetvalue (types, r, 1);
      g_string_append_printf (sql, ", %s", ident);
      g_string_append_printf (select, ", c%d::%s", i, type);
      PQfreemem (ident);
    }
  g_string_append_printf (sql, ", row_version%s, %s::bigint FROM pg_temp.mq_survey_rows", select->str, u->base);
  g_string_free (select, TRUE);
  return g_string_free (sql, FALSE);
}

typedef struct
{
  Update   *u;
  GString  *line;
  char      fid[32];
  GError  **error;
} HistoryLine;

static gboolean
carried_into_history (gpointer    data,
                      const char *parcel_id,
                      guint       field,
                      const char *own,
                      const char *carried)
{
  HistoryLine *h = data;

  copy_field (h->line, h->fid);
  copy_field (h->line, parcel_id);
  copy_field (h->line, field < MQ_N_FIELDS ? mq_field_info (field)->key : "survey");
  copy_field (h->line, own && *own ? own : NULL);
  copy_field (h->line, carried);
  copy_field (h->line, "survey");
  copy_field (h->line, h->u->batch);
  copy_field (h->line, h->u->base);
  return copy_line (h->u, h->line, h->error);
}

/* The history batch: what each parcel's row holds that the survey's did
 * not (the same walk as the rows'), in one COPY. */
static gboolean
copy_history (Update  *u,
              GArray  *fids,
              GError **error)
{
  g_autoptr(GString) line = g_string_new (NULL);
  HistoryLine h = { u, line, "", error };
  gboolean ok = copy_start (u, "COPY lock_history (fid, parcel_id, field, old_value, new_value, action, batch,"
                               " row_version) FROM STDIN", error);

  if (!ok)
    return FALSE;
  for (guint j = 0; ok && j < fids->len; j++)
    {
      g_snprintf (h.fid, sizeof h.fid, "%" G_GINT64_FORMAT, g_array_index (fids, gint64, j));
      ok = _mq_survey_update_foreach_carried (u->update, j, carried_into_history, &h);
    }
  /* A gone parcel's history stays reachable by its id (no fid: no row). */
  for (guint k = 0; ok && k < u->update->links->len; k++)
    {
      MqLineageRow row;

      _mq_survey_update_get_lineage_row (u->update, k, &row);
      if (row.relation != MQ_LINEAGE_GONE)
        continue;
      copy_field (line, NULL);
      copy_field (line, row.old_id);
      copy_field (line, "survey");
      copy_field (line, row.old_id);
      copy_field (line, mq_lineage_key (MQ_LINEAGE_GONE));
      copy_field (line, "survey");
      copy_field (line, u->batch);
      copy_field (line, u->base);
      ok = copy_line (u, line, error);
    }
  return copy_finish (u, ok, error);
}

/* The geometry column's SRID and type, and the transform into it. */
static gboolean
target_crs (Update                        *u,
            char                         **srid,
            gboolean                      *multi,
            OGRCoordinateTransformationH  *transform,
            GError                       **error)
{
  g_autoptr(PGresult) result =
    query (&u->server, "SELECT g.srid, upper (g.type), s.srtext FROM geometry_columns g"
                       " LEFT JOIN spatial_ref_sys s ON s.srid = g.srid"
                       " WHERE g.f_table_schema = current_schema () AND g.f_table_name = 'parcels'"
                       " AND g.f_geometry_column = 'geom'", 0, NULL, error);
  OGRSpatialReferenceH from = OGR_L_GetSpatialRef (u->from);
  char *from_wkt = NULL;

  if (result == NULL)
    return FALSE;
  if (PQntuples (result) != 1)
    return write_error (&u->server, _("the parcels table has no geometry column “geom”"), error);
  *srid = g_strdup_printf ("%d", atoi (PQgetvalue (result, 0, 0)));
  *multi = g_str_has_prefix (PQgetvalue (result, 0, 1), "MULTI");
  *transform = NULL;
  if (from != NULL && !PQgetisnull (result, 0, 2) && OSRExportToWkt (from, &from_wkt) == OGRERR_NONE)
    *transform = mq_crs_new_transform_wkt (from_wkt, PQgetvalue (result, 0, 2));
  CPLFree (from_wkt);
  return TRUE;
}

static gboolean
write_parcels (Update  *u,
               GError **error)
{
  g_autoptr(GArray) fids = g_array_new (FALSE, FALSE, sizeof (gint64));
  OGRCoordinateTransformationH transform = NULL;
  g_autofree char *srid = NULL, *fill = NULL;
  g_autoptr(PGresult) types = NULL;
  gboolean multi = FALSE, ok;

  if (!target_crs (u, &srid, &multi, &transform, error))
    return FALSE;
  ok = stage_rows (u, transform, fids, error) &&
       (types = query (&u->server, "SELECT attname, format_type (atttypid, atttypmod) FROM pg_attribute"
                                   " WHERE attrelid = 'parcels'::regclass AND attnum > 0 AND NOT attisdropped",
                       0, NULL, error)) != NULL;
  if (ok)
    {
      fill = fill_sql (u, types, srid, multi);
      ok = run (&u->server, fill, 0, NULL, error) && copy_history (u, fids, error);
    }
  if (transform != NULL)
    OCTDestroyCoordinateTransformation (transform);
  return ok;
}

static char *
real_text (double value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  return isnan (value) ? NULL : g_strdup (g_ascii_dtostr (buffer, sizeof buffer, value));
}

static gboolean
write_lineage (Update  *u,
               GError **error)
{
  g_autoptr(GString) line = g_string_new (NULL);
  gboolean ok = copy_start (u, "COPY parcel_lineage (old_id, new_id, relation, overlap_m2, old_share, new_share,"
                               " area_change_m2, survey_date, batch) FROM STDIN", error);

  if (!ok)
    return FALSE;
  for (guint k = 0; ok && k < u->update->links->len; k++)
    {
      MqLineageRow row;
      g_autofree char *overlap = NULL, *old_share = NULL, *new_share = NULL, *change = NULL;

      _mq_survey_update_get_lineage_row (u->update, k, &row);
      copy_field (line, row.old_id);
      copy_field (line, row.new_id);
      copy_field (line, mq_lineage_key (row.relation));
      copy_field (line, overlap = real_text (row.overlap_m2));
      copy_field (line, old_share = real_text (row.old_share));
      copy_field (line, new_share = real_text (row.new_share));
      copy_field (line, change = real_text (row.area_change_m2));
      copy_field (line, u->date);
      copy_field (line, u->batch);
      ok = copy_line (u, line, error);
    }
  return copy_finish (u, ok, error);
}

/* The sequence behind new fids (now the new table's) never falls below
 * the survey's: a tool adding a parcel later gets a free one. */
static gboolean
follow_fids (Update  *u,
             GError **error)
{
  return run (&u->server,
              "SELECT setval (s, m) FROM pg_get_serial_sequence ('parcels', 'fid') AS s,"
              " (SELECT max (fid) AS m FROM parcels) AS x"
              " WHERE s IS NOT NULL AND m > coalesce (pg_sequence_last_value (s::regclass), 0)",
              0, NULL, error);
}

static gboolean
record_update (Update  *u,
               gint64   history_after,
               GError **error)
{
  g_autofree char *after = g_strdup_printf ("%" G_GINT64_FORMAT, history_after);
  g_autofree char *n = g_strdup_printf ("%u", mq_parcels_get_n_parcels (mq_dataset_get_parcels (u->update->survey)));
  /* As the preview names it (never a password a "pg:" survey was given). */
  g_autofree char *survey = g_path_get_basename (mq_survey_update_get_survey_path (u->update));
  const char *params[] = { u->batch, u->archive, u->base, after, n, survey, u->date };

  return run (&u->server,
              "INSERT INTO mq_survey_updates (batch, archive, base_version, history_after, parcels, survey,"
              " survey_date) VALUES ($1::bigint, $2, $3::bigint, $4::bigint, $5::bigint, $6, $7::date)",
              7, params, error);
}

static gboolean
open_survey (Update  *u,
             GError **error)
{
  static const char *const drivers[] = { "GPKG", NULL };
  OGRFeatureDefnH defn;

  u->survey = GDALOpenEx (u->update->survey_file, GDAL_OF_VECTOR, drivers, NULL, NULL);
  u->from = u->survey ? GDALDatasetGetLayerByName (u->survey, "parcels") : NULL;
  if (u->from == NULL)
    return write_error (&u->server, CPLGetLastErrorMsg (), error);
  defn = OGR_L_GetLayerDefn (u->from);
  u->n_columns = OGR_FD_GetFieldCount (defn);
  /* A project file's own version column is not the survey's. */
  if (u->n_columns > 0 &&
      g_str_equal (OGR_Fld_GetNameRef (OGR_FD_GetFieldDefn (defn, u->n_columns - 1)), "row_version"))
    u->n_columns--;
  return TRUE;
}

/**
 * _mq_pg_survey_apply:
 * @survey_date: YYYY-MM-DD, kept with the lineage
 *
 * mq_survey_update_apply() of a project on a server: whole or not at all.
 */
gboolean
_mq_pg_survey_apply (MqSurveyUpdate  *update,
                     const char      *survey_date,
                     GError         **error)
{
  const char *schema = NULL;
  const char *conninfo = _mq_dataset_get_server (update->project, &schema);
  g_autoptr(PGconn) conn = NULL;
  Update u = { { NULL, mq_dataset_get_path (update->project) }, update, survey_date };
  gint64 history_after = 0;
  gboolean ok;

  if ((conn = _mq_pg_connect (conninfo, schema, u.server.path, error)) == NULL)
    return FALSE;
  u.server.conn = conn;
  ok = open_survey (&u, error) && begin (&u.server, error) && check_unchanged (&u, error) &&
       number (&u, &history_after, error) && swap_tables (&u, error) && write_parcels (&u, error) &&
       write_lineage (&u, error) && follow_fids (&u, error) && record_update (&u, history_after, error) &&
       commit (&u.server, error);
  if (!ok)
    rollback (&u.server);
  else
    PQclear (PQexec (conn, "ANALYZE parcels"));
  update_clear (&u);
  return ok;
}

/* ---- undo ---- */

/* The last update: its batch, kept table and the history before it. */
typedef struct
{
  char *batch;
  char *archive;
  char *history_after;
  char *base_version;
  char *parcels;
} Last;

static void
last_clear (Last *last)
{
  g_free (last->batch);
  g_free (last->archive);
  g_free (last->history_after);
  g_free (last->base_version);
  g_free (last->parcels);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Last, last_clear)

static gboolean
last_update (Server  *s,
             Last    *last,
             GError **error)
{
  g_autoptr(PGresult) result =
    query (s, "SELECT batch, archive, history_after, base_version, parcels FROM mq_survey_updates"
              " WHERE to_regclass (quote_ident (archive)) IS NOT NULL"
              " ORDER BY updated_at DESC, batch DESC LIMIT 1", 0, NULL, error);

  if (result == NULL)
    return FALSE;
  if (PQntuples (result) == 0)
    {
      g_set_error (error, MQ_SURVEY_UPDATE_ERROR, MQ_SURVEY_UPDATE_ERROR_NOTHING_TO_UNDO,
                   _("%s: no survey update to undo"), s->path);
      return FALSE;
    }
  last->batch = g_strdup (PQgetvalue (result, 0, 0));
  last->archive = g_strdup (PQgetvalue (result, 0, 1));
  last->history_after = g_strdup (PQgetvalue (result, 0, 2));
  last->base_version = g_strdup (PQgetvalue (result, 0, 3));
  last->parcels = g_strdup (PQgetvalue (result, 0, 4));
  return TRUE;
}

/* Nobody changed the project since: their changes would be lost. The
 * history counts the status; a parcel's other columns, its geometry, one
 * added or taken out are seen by its row version and the count. */
static gboolean
check_not_edited (Server      *s,
                  const Last  *last,
                  GError     **error)
{
  const char *params[] = { last->history_after, last->batch, last->base_version, last->parcels };
  g_autofree char *n = first_value (s, "SELECT greatest ((SELECT count(*) FROM lock_history"
                                       "                  WHERE id > $1::bigint AND batch IS DISTINCT FROM $2::bigint),"
                                       " (SELECT count(*) FILTER (WHERE row_version <> $3::bigint)"
                                       "         + abs (count(*) - $4::bigint) FROM parcels))",
                                    4, params, error);
  guint later;

  if (n == NULL)
    return FALSE;
  if ((later = (guint) g_ascii_strtoull (n, NULL, 10)) == 0)
    return TRUE;
  g_set_error (error, MQ_SURVEY_UPDATE_ERROR, MQ_SURVEY_UPDATE_ERROR_EDITED_SINCE,
               g_dngettext (GETTEXT_PACKAGE,
                            "%s: %u change was made after the survey update and would be lost; "
                            "the update can no longer be taken back (nothing was changed)",
                            "%s: %u changes were made after the survey update and would be lost; "
                            "the update can no longer be taken back (nothing was changed)",
                            later), s->path, later);
  return FALSE;
}

/* The update's rows gone, the kept table back; the first update's tables
 * go too: the project is as it was before it. */
static gboolean
restore (Server      *s,
         const Last  *last,
         GError     **error)
{
  const char *params[] = { last->batch, last->history_after };
  const char *kept[] = { last->archive };
  g_autofree char *left = NULL;

  if (!run (s, "DELETE FROM lock_history WHERE batch = $1::bigint AND id > $2::bigint", 2, params, error) ||
      !run (s, "DELETE FROM parcel_lineage WHERE batch = $1::bigint", 1, params, error) ||
      !run (s, "DELETE FROM mq_survey_updates WHERE batch = $1::bigint", 1, params, error) ||
      !run (s, "SELECT pg_temp.mq_restore_parcels ($1)", 1, kept, error) ||
      (left = first_value (s, "SELECT count(*) FROM mq_survey_updates", 0, NULL, error)) == NULL)
    return FALSE;
  return !g_str_equal (left, "0") || run (s, "DROP TABLE mq_survey_updates, parcel_lineage", 0, NULL, error);
}

/**
 * _mq_pg_survey_undo:
 * @conninfo: the server (never shown)
 * @path: the project's name, for messages
 *
 * mq_survey_update_undo() of a project on a server.
 */
gboolean
_mq_pg_survey_undo (const char  *conninfo,
                    const char  *schema,
                    const char  *path,
                    GError     **error)
{
  g_autoptr(PGconn) conn = _mq_pg_connect (conninfo, schema, path, error);
  g_auto(Last) last = { NULL };
  Server s = { conn, path };
  gboolean ok;

  if (conn == NULL)
    return FALSE;
  ok = begin (&s, error) && last_update (&s, &last, error) && check_not_edited (&s, &last, error) &&
       restore (&s, &last, error) && commit (&s, error);
  if (!ok)
    rollback (&s);
  else
    PQclear (PQexec (conn, "ANALYZE parcels"));
  return ok;
}

/**
 * _mq_pg_survey_first_after:
 * @cutoff: the end of a past day
 * @archive: (out): the parcels table the earliest update after it kept
 * @written: (out): when that update was written (ISO 8601, UTC)
 *
 * Where a server project's past day before a survey update is read from.
 */
gboolean
_mq_pg_survey_first_after (const char  *conninfo,
                           const char  *schema,
                           const char  *path,
                           GDateTime   *cutoff,
                           char       **archive,
                           char       **written,
                           GError     **error)
{
  g_autoptr(PGconn) conn = _mq_pg_connect (conninfo, schema, path, error);
  g_autoptr(GDateTime) utc = g_date_time_to_utc (cutoff);
  g_autofree char *from = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
  g_autofree char *exists = NULL;
  g_autoptr(PGresult) result = NULL;
  const char *params[] = { from };
  Server s = { conn, path };

  if (conn == NULL || (exists = first_value (&s, "SELECT to_regclass ('mq_survey_updates') IS NOT NULL",
                                             0, NULL, error)) == NULL)
    return FALSE;
  if (g_str_equal (exists, "t") &&
      (result = query (&s, "SELECT archive, to_char (updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
                           " FROM mq_survey_updates WHERE updated_at >= $1::timestamptz"
                           " ORDER BY updated_at, batch LIMIT 1", 1, params, error)) == NULL)
    return FALSE;
  if (result == NULL || PQntuples (result) == 0)
    {
      g_set_error (error, MQ_AS_OF_ERROR, MQ_AS_OF_ERROR_SURVEY_UPDATED,
                   _("%s: the parcels from before its survey update cannot be read"), path);
      return FALSE;
    }
  *archive = g_strdup (PQgetvalue (result, 0, 0));
  *written = g_strdup (PQgetvalue (result, 0, 1));
  return TRUE;
}
