/* mq-field-text.h — a feature's numbers as the text GDAL would give them,
 * without printf.
 *
 * Every source attribute is kept as text (the identify panel, the project
 * file, CSV). OGR_F_GetFieldAsString() formats numbers with snprintf, which
 * cost a tenth of opening a shapefile; these write the same text from the
 * number read as a number, or say they cannot be sure (the caller then asks
 * GDAL).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MQ_FIELD_TEXT_SIZE 32

void     mq_field_text_integer (gint64   value,
                                char     buf[MQ_FIELD_TEXT_SIZE]);
gboolean mq_field_text_real    (double   value,
                                int      width,
                                int      precision,
                                char     buf[MQ_FIELD_TEXT_SIZE]);

G_END_DECLS
