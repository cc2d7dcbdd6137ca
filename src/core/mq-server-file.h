/* mq-server-file.h — a server project as one small file (.mqproj).
 *
 * IT hands planners a key file naming a libpq service (and the schema the
 * project was published to); it opens like any project file. It never holds
 * a password: those come from the keyring or ~/.pgpass.
 *
 *   [Server]
 *   service=maqiao
 *   schema=maqiao
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define MQ_SERVER_FILE_ERROR (mq_server_file_error_quark ())

typedef enum
{
  MQ_SERVER_FILE_ERROR_READ,
  MQ_SERVER_FILE_ERROR_INVALID,
  MQ_SERVER_FILE_ERROR_PASSWORD,
  MQ_SERVER_FILE_ERROR_WRITE,
  MQ_SERVER_FILE_ERROR_CONNECT,
  MQ_SERVER_FILE_ERROR_NO_PROJECT,
} MqServerFileError;

#define MQ_SERVER_FILE_SUFFIX ".mqproj"

/* What a .mqproj says; every field but service or dbname may be NULL. */
typedef struct
{
  char *service;
  char *schema;
  char *host;
  char *port;
  char *dbname;
  char *user;
  char *sslmode;
} MqServerFile;

GQuark        mq_server_file_error_quark (void);
gboolean      mq_server_file_is          (const char          *path);
gboolean      mq_server_is_project       (const char          *path);
MqServerFile *mq_server_file_read        (const char          *path,
                                          GError             **error);
gboolean      mq_server_file_validate    (const MqServerFile  *self,
                                          const char          *path,
                                          GError             **error);
gboolean      mq_server_file_write       (const MqServerFile  *self,
                                          const char          *path,
                                          GError             **error);
char         *mq_server_file_dup_conninfo (const MqServerFile *self);
char         *mq_server_file_dup_spec    (const MqServerFile  *self);
char         *mq_server_file_load_spec   (const char          *path,
                                          GError             **error);
void          mq_server_file_free        (MqServerFile        *self);
gboolean      mq_server_file_check       (const MqServerFile  *self,
                                          const char          *password,
                                          GError             **error);
GStrv         mq_server_list_services    (void);

char         *mq_conninfo_quote          (const char          *value);
GStrv         mq_conninfo_split          (const char          *conninfo);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MqServerFile, mq_server_file_free)

G_END_DECLS
