/* mq-encoding.h — deciding and decoding the text encoding of a source.
 *
 * The decision is made once per file (.cpg, then the DBF language-driver byte,
 * then a check of every text value), never per value: a short GBK string can
 * look like valid UTF-8 on its own.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <ogr_api.h>

G_BEGIN_DECLS

typedef enum
{
  MQ_ENCODING_SOURCE_DEFAULT,   /* the format says UTF-8 and the text agrees */
  MQ_ENCODING_SOURCE_CPG,
  MQ_ENCODING_SOURCE_LDID,
  MQ_ENCODING_SOURCE_DETECTED,
  MQ_ENCODING_SOURCE_USER,
} MqEncodingSource;

char       *mq_encoding_normalize        (const char       *name);
char       *mq_encoding_from_shapefile   (const char       *path,
                                          MqEncodingSource *source);
const char *mq_encoding_source_key       (MqEncodingSource  source);
typedef struct _MqDecoder MqDecoder;

MqDecoder  *mq_decoder_new               (const char       *encoding);
void        mq_decoder_free              (MqDecoder        *decoder);
gboolean    mq_decoder_append            (MqDecoder        *decoder,
                                          const char       *bytes,
                                          GString          *out,
                                          gboolean         *lossy);
char       *mq_decoder_decode            (MqDecoder        *decoder,
                                          const char       *bytes,
                                          gboolean         *lossy);

gboolean    mq_encoding_layer_is_utf8    (OGRLayerH         layer);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MqDecoder, mq_decoder_free)

G_END_DECLS
