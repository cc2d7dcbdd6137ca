/* mq-style.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-style.h"

#include <math.h>

#include <glib/gi18n-lib.h>
#include <string.h>

#include "mq-performance.h"

#define RGB(hex) { ((hex) >> 16 & 0xff) / 255.0, ((hex) >> 8 & 0xff) / 255.0, ((hex) & 0xff) / 255.0 }

const MqRgb mq_style_overdue = RGB (0xd7191c);
const MqRgb mq_style_due_soon = RGB (0xf39c12);
const MqRgb mq_style_muted = RGB (0xe4e0d8);
const MqRgb mq_style_problem = RGB (0xc51b7d);

/* ColorBrewer YlGnBu, 5 classes: 0 locks pale, 4 locks dark. */
static const MqRgb locks_palette[MQ_N_LOCKS + 1] = {
  RGB (0xffffcc), RGB (0xa1dab4), RGB (0x41b6c4), RGB (0x2c7fb8), RGB (0x253494),
};

/* Okabe-Ito blue, orange and reddish purple: told apart with any colour
 * vision, and by lightness alone on a greyscale print or a washed-out projector. */
static const MqRgb method_palette[MQ_N_METHODS] = {
  RGB (0xc9c2b5), RGB (0x0072b2), RGB (0xe69f00), RGB (0xcc79a7),
};

/* ColorBrewer RdYlGn, 4 classes, A green to D red (a darker red than the
 * overdue outline's). */
static const MqRgb grade_palette[MQ_N_GRADES] = {
  RGB (0xe4e0d8), RGB (0x1a9641), RGB (0xa6d96a), RGB (0xfdae61), RGB (0xb2182b),
};

/* ColorBrewer Greens, 5 classes: the more tax a mu pays, the darker. */
static const MqRgb tax_palette[MQ_TAX_CLASS_N_BOUNDS + 1] = {
  RGB (0xedf8e9), RGB (0xbae4b3), RGB (0x74c476), RGB (0x31a354), RGB (0x006d2c),
};

static const MqRgb flagged_color = RGB (0xd95f02);
static const MqRgb existing_color = RGB (0xb7ab98);
static const MqRgb incremental_color = RGB (0x9ecae1);

/* Customary colours of the land survey's classes, by the code's first digits. */
static const struct { const char *prefix; MqRgb color; const char *label; } landuse_palette[] = {
  { "0601", RGB (0xc29578), N_("Industrial (0601)") },
  { "07", RGB (0xf6d36b), N_("Residential (07)") },
  { "05", RGB (0xe8766d), N_("Commercial (05)") },
  { "08", RGB (0xf0a8c6), N_("Public services (08)") },
  { "0810", RGB (0x8cc97a), N_("Parks and green space (0810)") },
  { "11", RGB (0x8ec7ea), N_("Water (11)") },
  { "01", RGB (0xd9e8a1), N_("Farmland (01)") },
  { "12", RGB (0xd4d4d4), N_("Idle and other land (12)") },
  { "10", RGB (0xbdbdbd), N_("Transport (10)") },
};

void
mq_style_locks_color (guint  locks_held,
                      MqRgb *out)
{
  *out = locks_palette[MIN (locks_held, MQ_N_LOCKS)];
}

void
mq_style_grade_color (MqGrade  grade,
                      MqRgb   *out)
{
  *out = grade_palette[MIN (grade, MQ_N_GRADES - 1)];
}

void
mq_style_method_color (MqMethod  method,
                       MqRgb    *out)
{
  *out = method_palette[MIN (method, MQ_N_METHODS - 1)];
}

/* The palette entry of a land-use code, or -1. The longest matching prefix
 * wins: 0810 parks are green, not pink. */
static int
landuse_entry (const char *code)
{
  gsize best = 0;
  int found = -1;

  for (guint i = 0; code != NULL && i < G_N_ELEMENTS (landuse_palette); i++)
    {
      gsize len = strlen (landuse_palette[i].prefix);

      if (len > best && g_str_has_prefix (code, landuse_palette[i].prefix))
        {
          best = len;
          found = (int) i;
        }
    }
  return found;
}

static void
landuse_color (const char *code,
               MqRgb      *out)
{
  int entry = landuse_entry (code);

  *out = entry >= 0 ? landuse_palette[entry].color : mq_style_muted;
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
    case MQ_THEME_GRADE:
      *out = grade_palette[MIN (p->details->grade, MQ_N_GRADES - 1)];
      break;
    case MQ_THEME_TAX_PER_MU:
      {
        int k = mq_tax_class (mq_parcel_tax_per_mu (p));

        *out = k >= 0 ? tax_palette[k] : mq_style_muted;
      }
      break;
    case MQ_THEME_LANDUSE:
    default:
      landuse_color (p->land_use_code, out);
      break;
    }
}

static void
add_entry (GArray      *entries,
           const MqRgb *color,
           gboolean     outline,
           gboolean     dashed,
           const char  *label)
{
  MqLegendEntry entry = { *color, outline, dashed, label };

  g_array_append_val (entries, entry);
}

/* Outlines every theme shares: deadlines and data problems are drawn on top
 * of whatever the fill shows. */
static void
add_outlines (GArray *entries)
{
  add_entry (entries, &mq_style_overdue, TRUE, FALSE, _("Overdue"));
  add_entry (entries, &mq_style_due_soon, TRUE, FALSE, _("Due within 30 days"));
  add_entry (entries, &mq_style_problem, TRUE, TRUE, _("Data problem"));
}

static void
add_locks_entries (GArray *entries)
{
  static const char *const labels[] = {
    N_("No lock held"), N_("1 of 4 locks"), N_("2 of 4 locks"), N_("3 of 4 locks"),
    N_("All 4 locks"),
  };

  for (guint i = 0; i <= MQ_N_LOCKS; i++)
    add_entry (entries, &locks_palette[i], FALSE, FALSE, _(labels[i]));
  add_entry (entries, &mq_style_muted, FALSE, FALSE, _("Not flagged for upgrade"));
}

static void
add_method_entries (GArray *entries)
{
  static const char *const labels[] = {
    NULL, N_("Capacity upgrade 能级提升"), N_("In-place transformation 就地转型"),
    N_("Quality and efficiency 提质增效"),
  };

  for (guint m = MQ_METHOD_CAPACITY_UPGRADE; m < MQ_N_METHODS; m++)
    add_entry (entries, &method_palette[m], FALSE, FALSE, _(labels[m]));
  add_entry (entries, &mq_style_muted, FALSE, FALSE, _("Other land"));
}

static void
add_grade_entries (GArray *entries)
{
  static const char *const labels[] = {
    N_("Not assessed"), N_("Class A"), N_("Class B"), N_("Class C"), N_("Class D"),
  };

  for (guint g = MQ_GRADE_A; g < MQ_N_GRADES; g++)
    add_entry (entries, &grade_palette[g], FALSE, FALSE, _(labels[g]));
  add_entry (entries, &grade_palette[MQ_GRADE_NONE], FALSE, FALSE, _(labels[MQ_GRADE_NONE]));
}

/* The class bounds are mq_tax_class_bounds[]: 5, 10, 20 and 30. */
static void
add_tax_entries (GArray *entries)
{
  static const char *const labels[MQ_TAX_CLASS_N_BOUNDS + 1] = {
    N_("Under 5 (10k yuan per mu)"), N_("5 to 10"), N_("10 to 20"), N_("20 to 30"),
    N_("30 and more"),
  };

  G_STATIC_ASSERT (MQ_TAX_CLASS_N_BOUNDS == 4);
  for (guint k = 0; k <= MQ_TAX_CLASS_N_BOUNDS; k++)
    add_entry (entries, &tax_palette[k], FALSE, FALSE, _(labels[k]));
  add_entry (entries, &mq_style_muted, FALSE, FALSE, _("No tax figure"));
}

/**
 * mq_style_legend:
 *
 * The legend of a theme, from the same palettes the parcels are drawn with,
 * so that it always matches the map.
 *
 * Returns: (transfer full): an array of #MqLegendEntry
 */
GArray *
mq_style_legend (MqTheme theme)
{
  GArray *entries = g_array_new (FALSE, FALSE, sizeof (MqLegendEntry));

  switch (theme)
    {
    case MQ_THEME_LOCKS:
      add_locks_entries (entries);
      break;
    case MQ_THEME_METHOD:
      add_method_entries (entries);
      break;
    case MQ_THEME_FLAGGED:
      add_entry (entries, &flagged_color, FALSE, FALSE, _("Flagged for upgrade"));
      add_entry (entries, &existing_color, FALSE, FALSE, _("Other existing industrial land"));
      add_entry (entries, &incremental_color, FALSE, FALSE, _("Incremental industrial land"));
      add_entry (entries, &mq_style_muted, FALSE, FALSE, _("Other land"));
      break;
    case MQ_THEME_GRADE:
      add_grade_entries (entries);
      break;
    case MQ_THEME_TAX_PER_MU:
      add_tax_entries (entries);
      break;
    case MQ_THEME_LANDUSE:
    default:
      for (guint i = 0; i < G_N_ELEMENTS (landuse_palette); i++)
        add_entry (entries, &landuse_palette[i].color, FALSE, FALSE, _(landuse_palette[i].label));
      break;
    }
  add_outlines (entries);
  return entries;
}

const char *
mq_style_theme_title (MqTheme theme)
{
  static const char *const titles[] = {
    N_("Four locks"), N_("Transformation method"), N_("Flagged for upgrade"), N_("Land use"),
    N_("Performance class"), N_("Tax per mu (10k yuan)"),
  };

  G_STATIC_ASSERT (G_N_ELEMENTS (titles) == MQ_N_THEMES);

  return _(titles[MIN (theme, G_N_ELEMENTS (titles) - 1)]);
}

/* The fill entry of the theme's legend a parcel is counted under, or -1:
 * the same decisions as mq_style_parcel_fill(), in legend order. */
static int
fill_entry (MqTheme         theme,
            const MqParcel *p)
{
  switch (theme)
    {
    case MQ_THEME_LOCKS:
      return p->flagged ? (int) mq_parcel_get_locks_held (p) : MQ_N_LOCKS + 1;
    case MQ_THEME_METHOD:
      return (p->flagged && p->method != MQ_METHOD_NONE) ? (int) p->method - 1 : MQ_N_METHODS - 1;
    case MQ_THEME_FLAGGED:
      if (p->flagged)
        return 0;
      return p->land_class == MQ_LAND_CLASS_EXISTING_INDUSTRIAL ? 1
             : p->land_class == MQ_LAND_CLASS_INCREMENTAL_INDUSTRIAL ? 2 : 3;
    case MQ_THEME_GRADE:
      return p->details->grade == MQ_GRADE_NONE ? MQ_N_GRADES - 1 : (int) p->details->grade - 1;
    case MQ_THEME_TAX_PER_MU:
      {
        int k = mq_tax_class (mq_parcel_tax_per_mu (p));

        return k >= 0 ? k : MQ_TAX_CLASS_N_BOUNDS + 1;
      }
    case MQ_THEME_LANDUSE:
    default:
      return landuse_entry (p->land_use_code);
    }
}

/**
 * mq_style_legend_counts:
 *
 * How many parcels each line of the theme's legend stands for (the three
 * outline lines last: overdue, due soon, data problem).
 *
 * Returns: (transfer full): one guint per legend entry
 */
static GArray *
legend_counts (MqTheme       theme,
               MqParcels    *parcels,
               const GArray *only,
               guint32       today)
{
  g_autoptr(GArray) entries = mq_style_legend (theme);
  GArray *counts = g_array_sized_new (FALSE, TRUE, sizeof (guint), entries->len);
  guint n_fills = entries->len - 3;
  guint n = only != NULL ? only->len : mq_parcels_get_n_parcels (parcels);

  g_array_set_size (counts, entries->len);
  for (guint k = 0; k < n; k++)
    {
      const MqParcel *p = mq_parcels_get (parcels, only != NULL ? g_array_index (only, guint, k) : k);
      int entry = fill_entry (theme, p);

      if (entry >= 0 && (guint) entry < n_fills)
        g_array_index (counts, guint, entry)++;
      g_array_index (counts, guint, n_fills) += mq_parcel_is_overdue (p, today);
      g_array_index (counts, guint, n_fills + 1) += mq_parcel_is_due_soon (p, today);
      g_array_index (counts, guint, n_fills + 2) += p->problems != 0;
    }
  return counts;
}

GArray *
mq_style_legend_counts (MqTheme    theme,
                        MqParcels *parcels,
                        guint32    today)
{
  return legend_counts (theme, parcels, NULL, today);
}

/**
 * mq_style_legend_counts_of:
 * @only: (element-type guint): the parcels to count
 *
 * mq_style_legend_counts() of some parcels only: what one map shows.
 *
 * Returns: (transfer full): one guint per legend entry
 */
GArray *
mq_style_legend_counts_of (MqTheme       theme,
                           MqParcels    *parcels,
                           const GArray *only,
                           guint32       today)
{
  return legend_counts (theme, parcels, only, today);
}
