/* mq-shapefile.h — what a shapefile's own headers say, checked against its files.
 *
 * GDAL reads what it can and says little about what it could not; a planning
 * office must know when a survey file is incomplete. This reads the .shp,
 * .shx and .dbf headers (through GDAL's VSI, so zipped files work too) and
 * tells how many records the files really hold and where the headers lie.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  gboolean has_shx;
  gboolean has_dbf;
  guint    shx_records;          /* from the .shx size */
  guint    dbf_records_claimed;  /* from the .dbf header */
  guint    dbf_records_present;  /* what the .dbf's size holds */
  guint    dbf_records_deleted;  /* of those, marked deleted ('*'), once counted */
  guint64  shp_length_claimed;   /* bytes, from the .shp header */
  guint64  shp_length_actual;
} MqShapefileInfo;

gboolean mq_shapefile_inspect         (const char       *shp_path,
                                       MqShapefileInfo  *info);
void     mq_shapefile_count_deleted   (const char       *shp_path,
                                       MqShapefileInfo  *info);
guint    mq_shapefile_held_records    (const MqShapefileInfo *info);
guint    mq_shapefile_expected_records (const MqShapefileInfo *info);
gboolean mq_vsi_file_size             (const char       *path,
                                       guint64          *size);
char    *mq_shapefile_companion       (const char       *shp_path,
                                       const char       *ext);

G_END_DECLS
