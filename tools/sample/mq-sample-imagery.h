/* mq-sample-imagery.h — a synthetic orthophoto of the sample zone.
 *
 * Bureau machines get their imagery as files (正射影像: GeoTIFF in the
 * survey's CRS, MBTiles in Web Mercator); the sample gets both, drawn from
 * its own lots, roads and rivers, so that imagery has something to show and
 * the reprojection path something to test. Deterministic: the same scene
 * and seed give the same pixels.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <ogr_api.h>

G_BEGIN_DECLS

typedef struct
{
  OGRGeometryH zone;         /* EPSG:4549, like everything here */
  GPtrArray   *lots;         /* OGRGeometryH, borrowed */
  GPtrArray   *lot_uses;     /* const char *: each lot's 三调 land-use code */
  GPtrArray   *lines;        /* OGRGeometryH: roads and rivers, borrowed */
  GArray      *line_widths;  /* double, metres */
  GArray      *line_water;   /* gboolean: a river */
} MqSampleScene;

/* Ground metres per pixel of the orthophoto. */
#define MQ_SAMPLE_ORTHO_RESOLUTION 2.0

gboolean mq_sample_write_imagery (const MqSampleScene *scene,
                                  guint32              seed,
                                  const char          *tif_path,
                                  const char          *mbtiles_path,
                                  GError             **error);

G_END_DECLS
