/* mq-server.h — a project shared on PostgreSQL/PostGIS: publishing it.
 *
 * A shared project is one schema of a PostGIS database: the project's
 * parcels (copied by GDAL), its reference layers and history, and what
 * data/server/schema.sql adds — row versions, the four-lock rules as CHECK
 * constraints, the history written by a trigger, notifications, presence.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define MQ_SERVER_ERROR (mq_server_error_quark ())

typedef enum
{
  MQ_SERVER_ERROR_CONNECT,
  MQ_SERVER_ERROR_EXISTS,
  MQ_SERVER_ERROR_NOT_A_PROJECT,
  MQ_SERVER_ERROR_FAILED,
} MqServerError;

#define MQ_SERVER_DEFAULT_SCHEMA "maqiao"

/* A project on a server opens as "pg:CONNINFO", e.g. "pg:service=maqiao"
 * (and "schema=NAME" when it is not the default). */
#define MQ_SERVER_PREFIX "pg:"

GQuark   mq_server_error_quark (void);
gboolean mq_server_publish     (const char  *project_path,
                                const char  *conninfo,
                                const char  *schema,
                                GError     **error);
char    *mq_server_describe    (const char  *conninfo);
char    *mq_server_dup_script  (const char  *name);

G_END_DECLS
