/* mq-settings.c
 *
 * The schema is looked for where GLib looks (GSETTINGS_SCHEMA_DIR, the data
 * dirs), then beside the installed binary (PREFIX/share/glib-2.0/schemas):
 * an install into any prefix works without touching XDG_DATA_DIRS, and in
 * the build tree of a binary run directly. Without a schema the app runs
 * on, remembering nothing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-settings.h"

#include "mq-core.h"

static GSettingsSchema *
lookup_schema (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autofree char *dir = mq_core_dup_installed_path ("glib-2.0/schemas");
  g_autoptr(GSettingsSchemaSource) beside = NULL;
  GSettingsSchema *schema = source ? g_settings_schema_source_lookup (source, APP_ID, TRUE) : NULL;

  /* A build's binary run directly: the schema that build compiled. */
  if (schema == NULL && dir == NULL)
    dir = mq_core_dup_build_path ("data");
  if (schema != NULL || dir == NULL)
    return schema;
  beside = g_settings_schema_source_new_from_directory (dir, source, FALSE, NULL);
  return beside ? g_settings_schema_source_lookup (beside, APP_ID, TRUE) : NULL;
}

/* Returns: (transfer full) (nullable): the settings, or NULL without a schema. */
GSettings *
mq_settings_new (void)
{
  g_autoptr(GSettingsSchema) schema = lookup_schema ();

  if (schema == NULL)
    {
      g_debug ("no GSettings schema %s: settings are not kept", APP_ID);
      return NULL;
    }
  return g_settings_new_full (schema, NULL, NULL);
}

/* Puts a path first in the recent list, once, keeping the newest few. */
void
mq_settings_add_recent (GSettings  *settings,
                        const char *path)
{
  g_auto(GStrv) old = NULL;
  g_autoptr(GStrvBuilder) recent = g_strv_builder_new ();
  g_auto(GStrv) list = NULL;
  guint n = 1;

  if (settings == NULL || path == NULL)
    return;
  old = g_settings_get_strv (settings, "recent-projects");
  g_strv_builder_add (recent, path);
  for (guint i = 0; old[i] != NULL && n < MQ_MAX_RECENT; i++)
    if (!g_str_equal (old[i], path))
      {
        g_strv_builder_add (recent, old[i]);
        n++;
      }
  list = g_strv_builder_end (recent);
  g_settings_set_strv (settings, "recent-projects", (const char * const *) list);
}
