/* fuzz-open.c — libFuzzer target: open any bytes as parcel data.
 *
 * The first byte picks the format: GeoJSON, GeoPackage, or a shapefile whose
 * .shp, .shx and .dbf are cut from the rest by two 32-bit lengths. Files
 * live in GDAL's /vsimem/, so nothing touches the disk. Whatever the bytes,
 * the loader must return a dataset or an error, never crash or leak.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <cpl_vsi.h>
#include <string.h>

#include "mq-core.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
put_file (const char   *path,
          const guint8 *data,
          size_t        size)
{
  VSILFILE *f = VSIFileFromMemBuffer (path, g_memdup2 (data, size), size, TRUE);

  VSIFCloseL (f);
}

static guint32
take_length (const guint8 **data,
             size_t        *size)
{
  guint32 len = 0;

  if (*size < 4)
    return 0;
  memcpy (&len, *data, 4);
  *data += 4;
  *size -= 4;
  return MIN (GUINT32_FROM_LE (len), *size);
}

static const char *
stage (const guint8 *data,
       size_t        size)
{
  guint8 format = data[0] % 3;

  data++, size--;
  if (format == 0)
    {
      put_file ("/vsimem/fuzz.geojson", data, size);
      return "/vsimem/fuzz.geojson";
    }
  if (format == 1)
    {
      put_file ("/vsimem/fuzz.gpkg", data, size);
      return "/vsimem/fuzz.gpkg";
    }
  {
    guint32 shp = take_length (&data, &size);
    guint32 shx;

    put_file ("/vsimem/fuzz.shp", data, shp);
    data += shp, size -= shp;
    shx = take_length (&data, &size);
    put_file ("/vsimem/fuzz.shx", data, shx);
    put_file ("/vsimem/fuzz.dbf", data + shx, size - shx);
    return "/vsimem/fuzz.shp";
  }
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  static const char *const files[] = { "/vsimem/fuzz.geojson", "/vsimem/fuzz.gpkg",
                                       "/vsimem/fuzz.shp", "/vsimem/fuzz.shx",
                                       "/vsimem/fuzz.dbf" };
  MqLoadOptions options = { .crs = "EPSG:4549", .allow_partial = TRUE };
  MqDataset *dataset;
  GError *error = NULL;

  if (size < 1)
    return 0;
  mq_core_init ();
  dataset = mq_dataset_load (stage (data, size), &options, NULL, &error);
  if (dataset != NULL)
    {
      MqSummary *summary = mq_summary_new (dataset, 2460000);
      char *json = mq_summary_to_json (summary);

      g_free (json);
      mq_summary_free (summary);
      g_object_unref (dataset);
    }
  g_clear_error (&error);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    VSIUnlink (files[i]);
  return 0;
}
