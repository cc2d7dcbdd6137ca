/* mq-open-request.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-open-request.h"

#include <string.h>

G_DEFINE_BOXED_TYPE (MqOpenRequest, mq_open_request, mq_open_request_copy, mq_open_request_free)

MqOpenRequest *
mq_open_request_new (const char *path)
{
  MqOpenRequest *self = g_new0 (MqOpenRequest, 1);

  self->path = g_strdup (path);
  return self;
}

MqOpenRequest *
mq_open_request_copy (const MqOpenRequest *self)
{
  MqOpenRequest *copy = mq_open_request_new (self->path);

  copy->crs = g_strdup (self->crs);
  copy->encoding = g_strdup (self->encoding);
  copy->layer = g_strdup (self->layer);
  copy->field_mapping = g_strdup (self->field_mapping);
  copy->allow_partial = self->allow_partial;
  copy->password = g_strdup (self->password);
  return copy;
}

void
mq_open_request_free (MqOpenRequest *self)
{
  if (self == NULL)
    return;
  g_free (self->path);
  g_free (self->crs);
  g_free (self->encoding);
  g_free (self->layer);
  g_free (self->field_mapping);
  /* Not left behind in freed memory for a core dump to show. */
  if (self->password != NULL)
    memset (self->password, 0, strlen (self->password));
  g_free (self->password);
  g_free (self);
}

/* Replaces one of the request's strings with a copy of @value. */
void
mq_open_request_set (char       **field,
                     const char  *value)
{
  g_free (*field);
  *field = g_strdup (value);
}

/* The loader's view of the request: it borrows the strings, so the request
 * must outlive the options (the async load copies them). */
void
mq_open_request_get_options (const MqOpenRequest *self,
                             MqLoadOptions       *options)
{
  *options = (MqLoadOptions) { self->crs, self->encoding, self->layer, self->allow_partial, NULL,
                               self->field_mapping, self->password };
}
