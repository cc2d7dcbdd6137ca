/* mq-pg-private.h — what the server's store and its survey update share.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <libpq-fe.h>

G_BEGIN_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGconn, PQfinish)

PGconn *_mq_pg_connect   (const char  *conninfo,
                          const char  *schema,
                          const char  *path,
                          GError     **error);
char   *_mq_pg_reason    (const char  *message);
/* An array parameter ("{1,2,3}"): items added, then ended. */
void    _mq_pg_array_add (GString     *array,
                          gint64       value);
char   *_mq_pg_array_end (GString     *array);

G_END_DECLS
