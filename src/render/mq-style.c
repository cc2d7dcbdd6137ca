/* mq-style.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mq-style.h"

#include <string.h>

#define RGB(hex) { ((hex) >> 16 & 0xff) / 255.0, ((hex) >> 8 & 0xff) / 255.0, ((hex) & 0xff) / 255.0 }

const MqRgb mq_style_overdue = RGB (0xd7191c);
const MqRgb mq_style_due_soon = RGB (0xf39c12);
const MqRgb mq_style_muted = RGB (0xe4e0d8);
const MqRgb mq_style_problem = RGB (0xc51b7d);

/* ColorBrewer YlGnBu, 5 classes: 0 locks pale, 4 locks dark. */
static const MqRgb locks_palette[MQ_N_LOCKS + 1] = {
  RGB (0xffffcc), RGB (0xa1dab4), RGB (0x41b6c4), RGB (0x2c7fb8), RGB (0x253494),
};

/* ColorBrewer Dark2. */
static const MqRgb method_palette[MQ_N_METHODS] = {
  RGB (0xc9c2b5), RGB (0x1b9e77), RGB (0xd95f02), RGB (0x7570b3),
};

static const MqRgb flagged_color = RGB (0xd95f02);
static const MqRgb existing_color = RGB (0xb7ab98);
static const MqRgb incremental_color = RGB (0x9ecae1);

/* Customary colours of the land survey's classes, by the code's first digits. */
static const struct { const char *prefix; MqRgb color; } landuse_palette[] = {
  { "0601", RGB (0xc29578) }, { "07", RGB (0xf6d36b) }, { "05", RGB (0xe8766d) },
  { "08", RGB (0xf0a8c6) }, { "0810", RGB (0x8cc97a) }, { "11", RGB (0x8ec7ea) },
  { "01", RGB (0xd9e8a1) }, { "12", RGB (0xd4d4d4) }, { "10", RGB (0xbdbdbd) },
};

void
mq_style_locks_color (guint  locks_held,
                      MqRgb *out)
{
  *out = locks_palette[MIN (locks_held, MQ_N_LOCKS)];
}

void
mq_style_method_color (MqMethod  method,
                       MqRgb    *out)
{
  *out = method_palette[MIN (method, MQ_N_METHODS - 1)];
}

static void
landuse_color (const char *code,
               MqRgb      *out)
{
  gsize best = 0;

  *out = mq_style_muted;
  if (code == NULL)
    return;
  /* The longest matching prefix wins: 0810 parks are green, not pink. */
  for (guint i = 0; i < G_N_ELEMENTS (landuse_palette); i++)
    {
      gsize len = strlen (landuse_palette[i].prefix);

      if (len > best && g_str_has_prefix (code, landuse_palette[i].prefix))
        {
          best = len;
          *out = landuse_palette[i].color;
        }
    }
}

void
mq_style_parcel_fill (MqTheme         theme,
                      const MqParcel *p,
                      MqRgb          *out)
{
  switch (theme)
    {
    case MQ_THEME_LOCKS:
      if (p->flagged)
        mq_style_locks_color (mq_parcel_get_locks_held (p), out);
      else
        *out = mq_style_muted;
      break;
    case MQ_THEME_METHOD:
      if (p->flagged && p->method != MQ_METHOD_NONE)
        mq_style_method_color (p->method, out);
      else
        *out = mq_style_muted;
      break;
    case MQ_THEME_FLAGGED:
      if (p->flagged)
        *out = flagged_color;
      else if (p->land_class == MQ_LAND_CLASS_EXISTING_INDUSTRIAL)
        *out = existing_color;
      else if (p->land_class == MQ_LAND_CLASS_INCREMENTAL_INDUSTRIAL)
        *out = incremental_color;
      else
        *out = mq_style_muted;
      break;
    case MQ_THEME_LANDUSE:
    default:
      landuse_color (p->land_use_code, out);
      break;
    }
}
