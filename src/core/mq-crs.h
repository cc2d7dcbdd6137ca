/* mq-crs.h — coordinate reference systems: naming, display CRS, transforms.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <ogr_srs_api.h>

#include "mq-types.h"

G_BEGIN_DECLS

/* CGCS2000 / 3-degree Gauss-Kruger CM 120E: Maqiao's zone. */
#define MQ_CRS_HOME_EPSG 4549

#define MQ_CRS_ERROR (mq_crs_error_quark ())

typedef enum
{
  MQ_CRS_ERROR_INVALID,
  MQ_CRS_ERROR_TRANSFORM,
} MqCrsError;

GQuark               mq_crs_error_quark     (void);

OGRSpatialReferenceH mq_crs_new_from_user   (const char  *text,
                                             GError     **error);
OGRSpatialReferenceH mq_crs_new_from_definition (const char *text,
                                                 GError    **error);
char                *mq_crs_dup_wkt_from_definition (const char *text,
                                                     GError    **error);
OGRSpatialReferenceH mq_crs_new_epsg        (int          code);
int                  mq_crs_get_epsg        (OGRSpatialReferenceH srs);
char                *mq_crs_dup_label       (OGRSpatialReferenceH srs);
char                *mq_crs_dup_map_label   (OGRSpatialReferenceH srs);
OGRSpatialReferenceH mq_crs_new_display_for (OGRSpatialReferenceH source,
                                             double       center_lon);
OGRCoordinateTransformationH
                     mq_crs_new_transform   (OGRSpatialReferenceH from,
                                             OGRSpatialReferenceH to,
                                             GError     **error);
OGRCoordinateTransformationH
                     mq_crs_new_transform_wkt (const char *from_wkt,
                                               const char *to_wkt);

GArray              *mq_crs_suggest         (const MqBox *extent);
char                *mq_crs_dup_epsg_description (int     code);
GStrv                mq_crs_list_epsg       (void);

G_END_DECLS
