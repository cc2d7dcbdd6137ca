/* mq-import.c
 *
 * The source is read once; each parcel's geometry goes to the project file
 * as it is read (through the loader's sink), whole, with every source
 * attribute. The source is never written to, and the project appears under
 * its name only when complete.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-import.h"

#include <glib/gi18n-lib.h>

#include "mq-project-file.h"

typedef struct
{
  const char      *output;
  MqProjectFileWriter *writer;
  GPtrArray       *values;
} Import;

static gboolean
import_begin (gpointer              data,
              MqDataset            *dataset,
              OGRSpatialReferenceH  display_srs,
              GError              **error)
{
  Import *import = data;
  MqParcels *parcels = mq_dataset_get_parcels (dataset);

  import->writer = mq_project_file_writer_new (import->output, display_srs,
                                          mq_parcels_get_field_names (parcels), error);
  /* Checked before reading, and again on the rename: two imports to one
   * name never both succeed. */
  if (import->writer == NULL)
    return FALSE;
  mq_project_file_writer_keep_existing (import->writer);
  mq_project_file_writer_set_field_map (import->writer, mq_dataset_get_field_map (dataset));
  return TRUE;
}

static gboolean
import_parcel (gpointer       data,
               MqParcels     *parcels,
               guint          index,
               OGRGeometryH   display,
               GError       **error)
{
  Import *import = data;
  const char * const *names = mq_parcels_get_field_names (parcels);

  g_ptr_array_set_size (import->values, 0);
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    g_ptr_array_add (import->values, (gpointer) mq_parcels_get_value (parcels, index, i));
  g_ptr_array_add (import->values, NULL);
  return mq_project_file_writer_add_parcel (import->writer, mq_parcels_get (parcels, index),
                                       (const char * const *) import->values->pdata, display,
                                       error);
}

static gboolean
import_reference (gpointer       data,
                  MqRefKind      kind,
                  const char    *name,
                  double         width_m,
                  OGRGeometryH   display,
                  GError       **error)
{
  Import *import = data;

  return mq_project_file_writer_add_reference (import->writer, kind, name, width_m, display, error);
}

static gboolean
write_settings (MqProjectFileWriter  *w,
                const char       *source,
                MqDataset        *dataset,
                GError          **error)
{
  g_autofree char *mapping = mq_dataset_dup_field_mapping (dataset);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *when = g_date_time_format_iso8601 (now);

  return mq_project_file_writer_set_setting (w, "source_path", source, error) &&
         mq_project_file_writer_set_setting (w, "source_layer", mq_dataset_get_layer_name (dataset), error) &&
         mq_project_file_writer_set_setting (w, "source_crs", mq_dataset_get_crs_label (dataset), error) &&
         mq_project_file_writer_set_setting (w, "source_encoding", mq_dataset_get_encoding (dataset), error) &&
         mq_project_file_writer_set_setting (w, "field_mapping", mapping, error) &&
         mq_project_file_writer_set_setting (w, "imported_at", when, error) &&
         mq_project_file_writer_set_setting (w, "imported_by", "maqiao-land " PACKAGE_VERSION, error);
}

/**
 * mq_import:
 * @output: the project file to create; an existing file is never replaced
 *
 * Returns: (transfer full): the source as read, or %NULL with nothing written.
 */
MqDataset *
mq_import (const char           *source,
           const MqLoadOptions  *options,
           const char           *output,
           GCancellable         *cancellable,
           GError              **error)
{
  Import import = { output, NULL, g_ptr_array_new () };
  const MqLoadSink sink = { import_begin, import_parcel, import_reference, &import };
  MqLoadOptions with_sink = { 0 };
  g_autoptr(MqDataset) dataset = NULL;

  if (g_file_test (output, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, MQ_PROJECT_FILE_ERROR, MQ_PROJECT_FILE_ERROR_EXISTS,
                   _("%s: already exists; choose another name (nothing was written)"), output);
      g_ptr_array_unref (import.values);
      return NULL;
    }
  if (options != NULL)
    with_sink = *options;
  with_sink.sink = &sink;
  dataset = mq_dataset_load (source, &with_sink, cancellable, error);
  if (dataset != NULL && (import.writer == NULL ||
                          !write_settings (import.writer, source, dataset, error) ||
                          !mq_project_file_writer_commit (import.writer, error)))
    g_clear_object (&dataset);
  g_clear_pointer (&import.writer, mq_project_file_writer_free);
  g_ptr_array_unref (import.values);
  return g_steal_pointer (&dataset);
}
