/* mq-project-file.h — writing a project GeoPackage.
 *
 * The project file is an ordinary GeoPackage: a "parcels" layer whose columns
 * are the field table's keys (so QGIS shows the four locks as attributes), the
 * reference layers "zone", "roads" and "rivers", a "lock_history" table and a
 * "project_settings" table. It is written under a temporary name and renamed
 * into place at the end, so a crash never leaves half a project.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mq-history.h"

#include <gdal.h>
#include <gio/gio.h>

#include "mq-field-map.h"

G_BEGIN_DECLS

#define MQ_PROJECT_FILE_ERROR (mq_project_file_error_quark ())
/* 2: lock_history has action and batch. */
#define MQ_PROJECT_SCHEMA_VERSION 3

typedef enum
{
  MQ_PROJECT_FILE_ERROR_CREATE,
  MQ_PROJECT_FILE_ERROR_WRITE,
  MQ_PROJECT_FILE_ERROR_EXISTS,
} MqProjectFileError;

typedef struct _MqProjectFileWriter MqProjectFileWriter;

GQuark           mq_project_file_error_quark         (void);
MqProjectFileWriter *mq_project_file_writer_new          (const char              *path,
                                                 OGRSpatialReferenceH     srs,
                                                 const char * const      *source_fields,
                                                 GError                 **error);
gboolean         mq_project_file_writer_add_parcel   (MqProjectFileWriter         *writer,
                                                 const MqParcel          *parcel,
                                                 const char * const      *source_values,
                                                 OGRGeometryH             geometry,
                                                 GError                 **error);
gboolean         mq_project_file_writer_add_reference (MqProjectFileWriter        *writer,
                                                 MqRefKind                kind,
                                                 const char              *name,
                                                 double                   width_m,
                                                 OGRGeometryH             geometry,
                                                 GError                 **error);
gboolean         mq_project_file_writer_set_setting  (MqProjectFileWriter         *writer,
                                                 const char              *key,
                                                 const char              *value,
                                                 GError                 **error);
gboolean         mq_project_file_writer_add_history  (MqProjectFileWriter         *writer,
                                                 const MqHistoryEntry    *entry,
                                                 gint64                   batch,
                                                 GError                 **error);
gboolean         mq_project_file_writer_commit       (MqProjectFileWriter         *writer,
                                                 GError                 **error);
void             mq_project_file_writer_keep_existing (MqProjectFileWriter *writer);
void             mq_project_file_writer_set_field_map (MqProjectFileWriter *writer,
                                                       const MqFieldMap    *map);
void             mq_project_file_writer_free         (MqProjectFileWriter         *writer);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MqProjectFileWriter, mq_project_file_writer_free)

G_END_DECLS
