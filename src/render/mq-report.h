/* mq-report.h — PDF map reports: the overview map, the figures, the table of
 * flagged parcels, the deadlines and, optionally, a page per parcel.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mq-changes.h"
#include "mq-renderer.h"

G_BEGIN_DECLS

#define MQ_REPORT_ERROR (mq_report_error_quark ())

typedef enum
{
  MQ_REPORT_ERROR_BAD_ARGUMENT,
  MQ_REPORT_ERROR_WRITE,
} MqReportError;

typedef struct
{
  const char  *title;      /* 图名; NULL: the default */
  const char  *unit;       /* 制图单位; NULL or "": not printed */
  const char  *paper;      /* "A3" (default) or "A4" */
  gboolean     portrait;
  MqTheme      theme;
  gboolean     atlas;      /* a page per flagged (or selected) parcel */
  MqSelection *only;       /* (nullable): the parcels the table and atlas show */
  MqLabelField label_field; /* what the maps' parcel labels say (0: the id) */
  GPtrArray   *rasters;    /* (nullable): the opened files the layers name: MqRasterLayer, MqVectorLayer */
  gboolean     geopdf;     /* page 1 and the atlas georeferenced, the parcels queryable */
  MqLayerList *layers;     /* (nullable): the layers the maps draw, else the default */
  MqChanges   *changes;    /* (nullable): a "changes since" page first (worked out before, on any thread) */
} MqReportOptions;

/* A page's map frame (points from the page's top-left) and the ground it
 * shows (the display CRS): what a GeoPDF's page is georeferenced by. */
typedef struct
{
  guint page;
  MqBox frame;
  MqBox ground;
  int   parcel;    /* an atlas page's parcel; -1 on page 1 */
} MqReportPageGeo;

GQuark   mq_report_error_quark    (void);
gboolean mq_report_write_pdf      (MqDataset              *dataset,
                                   const char             *path,
                                   const MqReportOptions  *options,
                                   GError                **error);
gboolean mq_report_page_size      (const MqReportOptions  *options,
                                   double                 *width,
                                   double                 *height,
                                   GError                **error);
double   mq_report_map_frame      (const MqReportOptions  *options,
                                   MqDataset              *dataset,
                                   MqBox                  *frame,
                                   MqViewport             *viewport);
double   mq_report_round_scale    (double                  needed);
const char *mq_report_get_title   (const MqReportOptions  *options);
/* A cairo PDF stream into an MqOutput (its temporary file). */
cairo_status_t mq_report_sink_write (void                *output,
                                     const unsigned char *bytes,
                                     unsigned int         length);
guint    mq_report_write_pages    (MqDataset              *dataset,
                                   const char             *folder,
                                   const MqReportOptions  *options,
                                   GArray                **geo,
                                   GError                **error);

G_END_DECLS
