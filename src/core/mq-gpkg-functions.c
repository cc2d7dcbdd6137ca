/* mq-gpkg-functions.c
 *
 * A GeoPackage geometry blob is a header — "GP", version, flags, srs_id, an
 * optional envelope — followed by ISO WKB (GeoPackage 1.3 §2.1.3). The
 * envelope is used when present; otherwise OGR reads the WKB.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mq-gpkg-functions.h"

#include <ogr_api.h>
#include <sqlite3.h>
#include <string.h>

#define HEADER_SIZE 8

typedef struct
{
  gboolean empty;
  double   min_x, max_x, min_y, max_y;
} Extent;

static const int envelope_sizes[] = { 0, 32, 48, 48, 64 };

static double
read_double (const guint8 *p,
             gboolean      little)
{
  guint64 bits;
  double d;

  memcpy (&bits, p, sizeof bits);
  bits = little ? GUINT64_FROM_LE (bits) : GUINT64_FROM_BE (bits);
  memcpy (&d, &bits, sizeof d);
  return d;
}

static gboolean
extent_from_wkb (const guint8 *wkb,
                 int           size,
                 Extent       *e)
{
  OGRGeometryH geometry = NULL;
  OGREnvelope env;

  if (OGR_G_CreateFromWkb (wkb, NULL, &geometry, size) != OGRERR_NONE)
    return FALSE;
  e->empty = OGR_G_IsEmpty (geometry);
  OGR_G_GetEnvelope (geometry, &env);
  OGR_G_DestroyGeometry (geometry);
  e->min_x = env.MinX;
  e->max_x = env.MaxX;
  e->min_y = env.MinY;
  e->max_y = env.MaxY;
  return TRUE;
}

static gboolean
read_extent (sqlite3_value *value,
             Extent        *e)
{
  const guint8 *blob = sqlite3_value_blob (value);
  int size = sqlite3_value_bytes (value);
  int indicator, envelope;
  gboolean little;

  if (blob == NULL || size < HEADER_SIZE || blob[0] != 'G' || blob[1] != 'P')
    return FALSE;
  little = blob[3] & 1;
  indicator = (blob[3] >> 1) & 7;
  if (indicator >= (int) G_N_ELEMENTS (envelope_sizes))
    return FALSE;
  envelope = envelope_sizes[indicator];
  if (size < HEADER_SIZE + envelope)
    return FALSE;
  e->empty = (blob[3] >> 4) & 1;
  if (envelope == 0 || e->empty)
    return e->empty || extent_from_wkb (blob + HEADER_SIZE + envelope,
                                        size - HEADER_SIZE - envelope, e);
  e->min_x = read_double (blob + HEADER_SIZE, little);
  e->max_x = read_double (blob + HEADER_SIZE + 8, little);
  e->min_y = read_double (blob + HEADER_SIZE + 16, little);
  e->max_y = read_double (blob + HEADER_SIZE + 24, little);
  return TRUE;
}

/* user data: 0 ST_IsEmpty, 1..4 ST_MinX, ST_MaxX, ST_MinY, ST_MaxY */
static void
extent_function (sqlite3_context  *context,
                 int               argc,
                 sqlite3_value   **argv)
{
  int which = GPOINTER_TO_INT (sqlite3_user_data (context));
  Extent e = { 0 };

  if (argc != 1 || !read_extent (argv[0], &e))
    {
      sqlite3_result_null (context);
      return;
    }
  switch (which)
    {
    case 0: sqlite3_result_int (context, e.empty); break;
    case 1: sqlite3_result_double (context, e.min_x); break;
    case 2: sqlite3_result_double (context, e.max_x); break;
    case 3: sqlite3_result_double (context, e.min_y); break;
    default: sqlite3_result_double (context, e.max_y); break;
    }
}

/* Innocuous: they only read their argument, so the R-tree triggers may call
 * them with trusted_schema=OFF. */
void
mq_gpkg_register_functions (sqlite3 *db)
{
  static const char *const names[] = { "ST_IsEmpty", "ST_MinX", "ST_MaxX", "ST_MinY", "ST_MaxY" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    sqlite3_create_function (db, names[i], 1,
                             SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                             GINT_TO_POINTER (i), extent_function, NULL, NULL);
}

/**
 * mq_gpkg_harden:
 *
 * A file from elsewhere is data, not code: defensive mode (no writing to the
 * schema or shadow tables through SQL), and the schema untrusted (its
 * triggers and views may call only innocuous functions).
 */
void
mq_gpkg_harden (sqlite3 *db)
{
  sqlite3_db_config (db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
  sqlite3_db_config (db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
}

/* ---- what SQL a file brings ---- */

/* The next token of @p, lowercased; identifiers unquoted, string literals
 * as "'", comments skipped. NULL at the end. */
static char *
next_token (const char **pp)
{
  const char *p = *pp;
  GString *token = g_string_new (NULL);

  for (;;)
    {
      while (g_ascii_isspace (*p))
        p++;
      if (p[0] == '-' && p[1] == '-')
        p += strcspn (p, "\n");
      else if (p[0] == '/' && p[1] == '*')
        p = strstr (p + 2, "*/") ? strstr (p + 2, "*/") + 2 : p + strlen (p);
      else
        break;
    }
  if (*p == '\0')
    {
      *pp = p;
      return g_string_free (token, TRUE);
    }
  if (*p == '"' || *p == '`' || *p == '[' || *p == '\'')
    {
      char close = *p == '[' ? ']' : *p;

      for (p++; *p && !(*p == close && p[1] != close); p++)
        {
          if (*p == close)
            p++;
          g_string_append_c (token, g_ascii_tolower (*p));
        }
      if (*p)
        p++;
      if (close == '\'')
        g_string_assign (token, "'");
    }
  else if (g_ascii_isalnum (*p) || *p == '_' || *p == '$' || (guchar) *p >= 0x80)
    while (g_ascii_isalnum (*p) || *p == '_' || *p == '$' || (guchar) *p >= 0x80)
      g_string_append_c (token, g_ascii_tolower (*p++));
  else
    g_string_append_c (token, *p++);
  *pp = p;
  return g_string_free (token, FALSE);
}

/* Every statement of the trigger's body writes only to @allowed (NULL:
 * writes nothing). An upsert, a qualified name, anything unusual fails. */
static gboolean
body_writes_only (const char *sql,
                  const char *allowed)
{
  const char *p = sql;
  gboolean in_body = FALSE;
  char *token;

  while ((token = next_token (&p)) != NULL)
    {
      g_autofree char *word = token;
      gboolean insert = g_str_equal (word, "insert") || g_str_equal (word, "replace");
      gboolean update = g_str_equal (word, "update");

      if (!in_body)
        {
          in_body = g_str_equal (word, "begin");
          continue;
        }
      if (insert || update || g_str_equal (word, "delete"))
        {
          g_autofree char *target = NULL;
          g_autofree char *after = NULL;

          g_free (word);
          word = next_token (&p);
          if (word != NULL && g_str_equal (word, "or"))
            {
              g_free (next_token (&p));
              g_free (word);
              word = next_token (&p);
            }
          if (!update && word != NULL && (g_str_equal (word, "into") || g_str_equal (word, "from")))
            target = next_token (&p);
          else if (update)
            target = g_steal_pointer (&word);
          after = next_token (&p);
          if (allowed == NULL || target == NULL || g_strcmp0 (target, allowed) != 0 ||
              g_strcmp0 (after, ".") == 0)
            return FALSE;
        }
    }
  return in_body;
}

static const char *const rtree_suffixes[] = {
  "_insert", "_update1", "_update2", "_update3", "_update4", "_update5", "_update6",
  "_update7", "_delete",
};

/* What a trigger of this name may write, if GDAL or the standard defines it:
 * its R-tree, the feature counts, or (gpkg_*, constraints that only RAISE)
 * nothing. */
static gboolean
known_trigger (const char  *name,
               const char  *table,
               char       **allowed)
{
  g_autofree char *rtree = g_strconcat ("rtree_", table, "_", NULL);

  *allowed = NULL;
  if (g_str_has_prefix (name, "gpkg_") && g_str_has_prefix (table, "gpkg_"))
    return TRUE;
  for (guint i = 0; g_str_has_prefix (name, rtree) && i < G_N_ELEMENTS (rtree_suffixes); i++)
    if (g_str_has_suffix (name, rtree_suffixes[i]) &&
        strlen (name) > strlen (rtree) + strlen (rtree_suffixes[i]))
      {
        *allowed = g_strndup (name, strlen (name) - strlen (rtree_suffixes[i]));
        return TRUE;
      }
  if ((g_str_has_prefix (name, "trigger_insert_feature_count_") ||
       g_str_has_prefix (name, "trigger_delete_feature_count_")) &&
      g_str_equal (name + strlen ("trigger_insert_feature_count_"), table))
    {
      *allowed = g_strdup ("gpkg_ogr_contents");
      return TRUE;
    }
  return FALSE;
}

/* Reading the schema can meet SQLITE_BUSY without SQLite's busy handler
 * being asked, while another process switches the file's journal mode (as
 * the store does when it closes the file): that is waited out, as a lock
 * is, and not taken for a schema nobody can read. */
static gboolean
prepare_schema_query (sqlite3       *db,
                      sqlite3_stmt **stmt)
{
  for (guint attempt = 0; attempt < 500; attempt++)
    {
      int rc = sqlite3_prepare_v2 (db, "SELECT type, lower(name), lower(tbl_name), sql"
                                       " FROM sqlite_master WHERE type IN ('trigger', 'view')",
                                   -1, stmt, NULL);

      if (rc == SQLITE_OK)
        return TRUE;
      if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED)
        return FALSE;
      g_usleep (10000);
    }
  return FALSE;
}

/**
 * mq_gpkg_find_foreign_sql:
 *
 * Looks for SQL a file brings that neither GDAL nor the GeoPackage standard
 * defines: any view but gpkg_*, any trigger but the R-tree and feature-count
 * ones (which must write only their own table) and the gpkg_* constraints.
 *
 * Returns: (nullable): the first such trigger or view's name, or %NULL
 */
char *
mq_gpkg_find_foreign_sql (sqlite3 *db)
{
  sqlite3_stmt *stmt = NULL;
  char *found = NULL;

  if (!prepare_schema_query (db, &stmt))
    return g_strdup ("sqlite_master");
  while (found == NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *type = (const char *) sqlite3_column_text (stmt, 0);
      const char *name = (const char *) sqlite3_column_text (stmt, 1);
      const char *table = (const char *) sqlite3_column_text (stmt, 2);
      const char *sql = (const char *) sqlite3_column_text (stmt, 3);
      g_autofree char *allowed = NULL;
      gboolean ok;

      name = name ? name : "";
      if (g_strcmp0 (type, "view") == 0)
        ok = g_str_has_prefix (name, "gpkg_");
      else
        ok = table != NULL && sql != NULL && known_trigger (name, table, &allowed) &&
             body_writes_only (sql, allowed);
      if (!ok)
        found = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
    }
  sqlite3_finalize (stmt);
  return found;
}
