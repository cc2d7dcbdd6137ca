/* mq-keyring.c
 *
 * A user left empty is stored as "" (the service's own user): the lookup
 * when a .mqproj without a user opens must find what the dialog stored.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-keyring.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>

static const SecretSchema *
server_schema (void)
{
  static const SecretSchema schema = {
    "org.maqiao.LandViewer.Server", SECRET_SCHEMA_NONE,
    {
      { "service", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "user", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
  };

  return &schema;
}

void
mq_keyring_lookup (const char          *service,
                   const char          *user,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  secret_password_lookup (server_schema (), cancellable, callback, user_data,
                          "service", service, "user", user ? user : "", NULL);
}

/* Returns: (transfer full) (nullable): the password (free it with
 *   mq_keyring_free_password()), NULL when none is stored */
char *
mq_keyring_lookup_finish (GAsyncResult  *result,
                          GError       **error)
{
  return secret_password_lookup_finish (result, error);
}

void
mq_keyring_store (const char          *service,
                  const char          *user,
                  const char          *password,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  g_autofree char *label = g_strdup_printf (_("Maqiao Land Viewer: server “%s”"), service);

  secret_password_store (server_schema (), SECRET_COLLECTION_DEFAULT, label, password,
                         cancellable, callback, user_data,
                         "service", service, "user", user ? user : "", NULL);
}

gboolean
mq_keyring_store_finish (GAsyncResult  *result,
                         GError       **error)
{
  return secret_password_store_finish (result, error);
}

/* Wiped before it is freed. */
void
mq_keyring_free_password (char *password)
{
  secret_password_free (password);
}
