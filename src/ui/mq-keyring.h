/* mq-keyring.h — a server password in the desktop keyring (libsecret).
 *
 * Stored per service and user under the schema
 * "org.maqiao.LandViewer.Server"; it goes from the keyring to libpq in
 * memory only. Where none is stored, libpq's own ~/.pgpass applies.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void      mq_keyring_lookup        (const char           *service,
                                    const char           *user,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data);
char     *mq_keyring_lookup_finish (GAsyncResult         *result,
                                    GError              **error);
void      mq_keyring_store         (const char           *service,
                                    const char           *user,
                                    const char           *password,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data);
gboolean  mq_keyring_store_finish  (GAsyncResult         *result,
                                    GError              **error);
void      mq_keyring_free_password (char                 *password);

G_END_DECLS
