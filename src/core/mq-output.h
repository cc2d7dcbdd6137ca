/* mq-output.h — how every file we write reaches its name.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <stdio.h>

G_BEGIN_DECLS

#define MQ_OUTPUT_ERROR (mq_output_error_quark ())

typedef enum
{
  MQ_OUTPUT_ERROR_WRITE,
  MQ_OUTPUT_ERROR_EXISTS,
  MQ_OUTPUT_ERROR_IS_INPUT,
} MqOutputError;

typedef struct _MqOutput MqOutput;

GQuark      mq_output_error_quark    (void);
MqOutput   *mq_output_new            (const char  *path,
                                      const char  *suffix,
                                      gboolean     replace,
                                      const char  *input,
                                      GError     **error);
void        mq_output_set_replace    (MqOutput    *output,
                                      gboolean     replace);
FILE       *mq_output_get_file       (MqOutput    *output);
const char *mq_output_get_temp_path  (MqOutput    *output);
gboolean    mq_output_write          (MqOutput    *output,
                                      const void  *data,
                                      gsize        length);
void        mq_output_set_failed     (MqOutput    *output,
                                      int          errsv);
void        mq_output_release_file   (MqOutput    *output);
gboolean    mq_output_commit         (MqOutput    *output,
                                      GError     **error);
void        mq_output_free           (MqOutput    *output);
void        mq_output_remove_dir     (const char  *dir);
gboolean    mq_output_is_input       (const char  *path,
                                      const char  *input);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MqOutput, mq_output_free)

G_END_DECLS
