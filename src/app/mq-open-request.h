/* mq-open-request.h — what the user asked to open, and the answers given on
 * the way: which layer, which CRS, which encoding, which field mapping,
 * whether a damaged file may be opened.
 *
 * One boxed value serves the window, the command line and the project; the
 * loader still reads it through core's borrowed MqLoadOptions.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mq-core.h"

G_BEGIN_DECLS

#define MQ_TYPE_OPEN_REQUEST (mq_open_request_get_type ())

typedef struct
{
  char     *path;
  char     *crs;            /* EPSG:N, WKT, PROJ or a file; NULL: the source's */
  char     *encoding;       /* NULL: decided from the file */
  char     *layer;          /* NULL: parcels, else the first polygon layer */
  char     *field_mapping;  /* JSON corrections to the guessed mapping */
  gboolean  allow_partial;  /* take what is readable of a damaged file */
  char     *password;       /* a server's, from the connect dialog: memory only */
} MqOpenRequest;

GType          mq_open_request_get_type     (void) G_GNUC_CONST;
MqOpenRequest *mq_open_request_new          (const char          *path);
MqOpenRequest *mq_open_request_copy         (const MqOpenRequest *self);
void           mq_open_request_free         (MqOpenRequest       *self);
void           mq_open_request_set          (char               **field,
                                             const char          *value);
void           mq_open_request_get_options  (const MqOpenRequest *self,
                                             MqLoadOptions       *options);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MqOpenRequest, mq_open_request_free)

G_END_DECLS
