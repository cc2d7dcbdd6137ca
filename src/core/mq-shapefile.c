/* mq-shapefile.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mq-shapefile.h"

#include <cpl_vsi.h>
#include <stdio.h>
#include <string.h>

#define SHP_HEADER 100
#define SHX_RECORD 8
#define DBF_HEADER_MIN 32

/* Headers are read byte by byte: they sit at unaligned offsets. */
static guint32
be32 (const guint8 *p)
{
  return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

static guint32
le32 (const guint8 *p)
{
  return (guint32) p[3] << 24 | (guint32) p[2] << 16 | (guint32) p[1] << 8 | p[0];
}

static guint16
le16 (const guint8 *p)
{
  return (guint16) (p[1] << 8 | p[0]);
}

/* The size of a file, local or in a GDAL virtual file system (/vsizip/). */
gboolean
mq_vsi_file_size (const char *path,
                  guint64    *size)
{
  VSILFILE *f = VSIFOpenL (path, "rb");

  if (f == NULL)
    return FALSE;
  VSIFSeekL (f, 0, SEEK_END);
  *size = VSIFTellL (f);
  VSIFCloseL (f);
  return TRUE;
}

static gboolean
read_head (const char *path,
           guint8     *buf,
           gsize       len)
{
  VSILFILE *f = VSIFOpenL (path, "rb");
  gsize n;

  if (f == NULL)
    return FALSE;
  n = VSIFReadL (buf, 1, len, f);
  VSIFCloseL (f);
  return n == len;
}

/* foo.shp → foo.shx (or FOO.SHX beside FOO.SHP). */
char *
mq_shapefile_companion (const char *shp_path,
                        const char *ext)
{
  gsize stem = strlen (shp_path) >= 4 ? strlen (shp_path) - 4 : strlen (shp_path);
  gboolean upper = stem < strlen (shp_path) && g_ascii_isupper (shp_path[stem + 1]);
  g_autofree char *e = upper ? g_ascii_strup (ext, -1) : g_ascii_strdown (ext, -1);
  char *path = g_strdup_printf ("%.*s.%s", (int) stem, shp_path, e);
  guint64 size;

  if (!mq_vsi_file_size (path, &size))
    {
      /* Mixed case happens: FOO.shp with FOO.DBF. */
      g_autofree char *other_e = upper ? g_ascii_strdown (ext, -1) : g_ascii_strup (ext, -1);
      char *other = g_strdup_printf ("%.*s.%s", (int) stem, shp_path, other_e);

      if (mq_vsi_file_size (other, &size))
        {
          g_free (path);
          return other;
        }
      g_free (other);
    }
  return path;
}

static void
inspect_shp (const char      *shp_path,
             MqShapefileInfo *info)
{
  guint8 head[SHP_HEADER];

  mq_vsi_file_size (shp_path, &info->shp_length_actual);
  if (read_head (shp_path, head, sizeof head))
    info->shp_length_claimed = (guint64) be32 (head + 24) * 2;
}

static void
inspect_shx (const char      *shp_path,
             MqShapefileInfo *info)
{
  g_autofree char *shx = mq_shapefile_companion (shp_path, "shx");
  guint64 size;

  info->has_shx = mq_vsi_file_size (shx, &size);
  if (info->has_shx && size >= SHP_HEADER)
    info->shx_records = (size - SHP_HEADER) / SHX_RECORD;
}

/* The table is read in chunks of about this many bytes for its deletion
 * flags: a seek and a one-byte read per record took 0.17 s at 10⁶ records,
 * all of it before reading could start. */
#define DBF_SCAN_CHUNK (1 << 20)

/* Records whose deletion flag is '*': GDAL skips them, as it should, so
 * they are neither parcels nor lost. */
static guint
count_deleted (const char *dbf,
               guint       header_len,
               guint       record_len,
               guint       n_records)
{
  VSILFILE *f = VSIFOpenL (dbf, "rb");
  guint per_chunk = record_len > 0 ? MAX (1, DBF_SCAN_CHUNK / record_len) : 0;
  g_autofree char *chunk = NULL;
  guint deleted = 0;

  if (f == NULL || record_len == 0 || VSIFSeekL (f, header_len, SEEK_SET) != 0)
    return f ? (VSIFCloseL (f), 0) : 0;
  chunk = g_malloc ((gsize) per_chunk * record_len);
  for (guint r = 0; r < n_records; r += per_chunk)
    {
      gsize want = (gsize) MIN (per_chunk, n_records - r) * record_len;
      gsize got = VSIFReadL (chunk, 1, want, f);

      for (gsize at = 0; at < got; at += record_len)
        deleted += chunk[at] == '*';
      if (got < want)
        break;
    }
  VSIFCloseL (f);
  return deleted;
}

static void
inspect_dbf (const char      *shp_path,
             MqShapefileInfo *info)
{
  g_autofree char *dbf = mq_shapefile_companion (shp_path, "dbf");
  guint8 head[DBF_HEADER_MIN];
  guint64 size;
  guint header_len, record_len;

  info->has_dbf = mq_vsi_file_size (dbf, &size);
  if (!info->has_dbf || !read_head (dbf, head, sizeof head))
    return;
  info->dbf_records_claimed = le32 (head + 4);
  header_len = le16 (head + 8);
  record_len = le16 (head + 10);
  if (record_len > 0 && size > header_len)
    info->dbf_records_present = MIN ((size - header_len) / record_len, info->dbf_records_claimed);
}

/**
 * mq_shapefile_count_deleted:
 *
 * Counts the .dbf's records marked deleted into @info. A scan of the whole
 * table (20 ms at 10⁶ records): the loader asks only when GDAL gave fewer
 * records than the files hold, the one case where it tells deleted from lost.
 */
void
mq_shapefile_count_deleted (const char      *shp_path,
                            MqShapefileInfo *info)
{
  g_autofree char *dbf = mq_shapefile_companion (shp_path, "dbf");
  guint8 head[DBF_HEADER_MIN];

  info->dbf_records_deleted = 0;
  if (info->has_dbf && read_head (dbf, head, sizeof head))
    info->dbf_records_deleted = count_deleted (dbf, le16 (head + 8), le16 (head + 10),
                                               info->dbf_records_present);
}

/* Returns FALSE when the .shp itself cannot be read. */
gboolean
mq_shapefile_inspect (const char      *shp_path,
                      MqShapefileInfo *info)
{
  memset (info, 0, sizeof *info);
  inspect_shp (shp_path, info);
  inspect_shx (shp_path, info);
  inspect_dbf (shp_path, info);
  return info->shp_length_actual >= SHP_HEADER;
}

/* The records the files hold as far as any of them shows. */
guint
mq_shapefile_held_records (const MqShapefileInfo *info)
{
  return MAX (info->shx_records, info->dbf_records_present);
}

/* Those less the deleted ones (once counted): a record present in the index
 * or the table but not readable counts as lost. */
guint
mq_shapefile_expected_records (const MqShapefileInfo *info)
{
  guint held = mq_shapefile_held_records (info);

  return held - MIN (held, info->dbf_records_deleted);
}
