/* mq-summary.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-summary.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <math.h>

#include "mq-filter.h"
#include "mq-geometry-check.h"
#include "mq-terms.h"

static void
clear_part (gpointer data)
{
  g_free (((MqSummaryPart *) data)->name);
}

static void
add_parcel (MqSummary      *s,
            const MqParcel *p,
            guint32         today)
{
  s->area_m2 += p->area_m2;
  mq_performance_totals_add (&s->performance, p);
  if (p->problems & MQ_PROBLEM_MADE_VALID)
    {
      s->repaired_parcels++;
      s->repaired_m2 += p->area_m2;
    }
  if (p->land_class == MQ_LAND_CLASS_EXISTING_INDUSTRIAL)
    s->existing_industrial_m2 += p->area_m2;
  else if (p->land_class == MQ_LAND_CLASS_INCREMENTAL_INDUSTRIAL)
    s->incremental_industrial_m2 += p->area_m2;
  if (!p->flagged)
    return;
  s->flagged_parcels++;
  s->flagged_m2 += p->area_m2;
  s->locks_held[mq_parcel_get_locks_held (p)]++;
  s->locks_held_m2[mq_parcel_get_locks_held (p)] += p->area_m2;
  s->method_m2[MIN (p->method, MQ_N_METHODS - 1)] += p->area_m2;
  s->method_parcels[MIN (p->method, MQ_N_METHODS - 1)]++;
  s->stage_m2[MIN (p->stage, MQ_STAGE_DONE)] += p->area_m2;
  s->stage_parcels[MIN (p->stage, MQ_STAGE_DONE)]++;
  s->overdue += mq_parcel_is_overdue (p, today) ? 1 : 0;
  s->due_soon += mq_parcel_is_due_soon (p, today) ? 1 : 0;
}

static void
add_reference (MqSummary         *s,
               const MqReference *ref)
{
  for (guint i = 0; i < ref->kind->len; i++)
    {
      guint8 kind = g_array_index (ref->kind, guint8, i);
      double area = g_array_index (ref->area_m2, double, i);

      if (kind == MQ_REF_ZONE)
        {
          s->has_zone = TRUE;
          s->zone_m2 += area;
        }
      else if (kind == MQ_REF_PART)
        {
          MqSummaryPart part = { g_strdup (g_ptr_array_index (ref->name, i)), area };

          g_array_append_val (s->parts, part);
        }
    }
}

/* Lock figures count the parcels flagged for upgrade: the four locks are what
 * drives those, and other land holds none by definition. */
MqSummary *
mq_summary_new (MqDataset *dataset,
                guint32    today)
{
  return mq_summary_new_filtered (dataset, today, NULL);
}

static MqSummary *
summary_new (MqDataset   *dataset,
             guint32      today,
             MqFilter    *filter,
             MqSelection *only)
{
  MqParcels *parcels = mq_dataset_get_parcels (dataset);
  MqSummary *s = g_new0 (MqSummary, 1);

  s->path = g_strdup (mq_dataset_get_path (dataset));
  s->layer = g_strdup (mq_dataset_get_layer_name (dataset));
  s->crs = g_strdup (mq_dataset_get_crs_label (dataset));
  s->encoding = g_strdup (mq_dataset_get_encoding (dataset));
  s->encoding_source = g_strdup (mq_encoding_source_key (mq_dataset_get_encoding_source (dataset)));
  s->lossy_values = mq_dataset_get_n_lossy_values (dataset);
  s->problem_parcels = mq_dataset_get_n_problem_parcels (dataset);
  s->records_lost = mq_dataset_get_n_lost_records (dataset);
  s->warnings = g_ptr_array_ref (mq_dataset_get_warnings (dataset));
  for (guint bit = 0; bit < MQ_N_PROBLEM_KINDS; bit++)
    s->problem_counts[bit] = mq_dataset_get_problem_count (dataset, 1u << bit);
  s->parts = g_array_new (FALSE, FALSE, sizeof (MqSummaryPart));
  g_array_set_clear_func (s->parts, clear_part);
  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    if ((filter == NULL || mq_filter_matches (filter, dataset, i, today)) &&
        (only == NULL || mq_selection_contains (only, i)))
      {
        s->parcels++;
        add_parcel (s, mq_parcels_get (parcels, i), today);
      }
  add_reference (s, mq_dataset_get_reference (dataset));
  return s;
}

/**
 * mq_summary_new_filtered:
 * @filter: (nullable): count only the parcels it leaves
 *
 * The figures of the parcels a filter leaves, as the dashboard shows them;
 * the file's own facts (CRS, encoding, problems, zone) stay whole.
 */
MqSummary *
mq_summary_new_filtered (MqDataset *dataset,
                         guint32    today,
                         MqFilter  *filter)
{
  return summary_new (dataset, today, filter, NULL);
}

/**
 * mq_summary_new_of:
 *
 * The figures of some parcels only: one responsible entity's report.
 */
MqSummary *
mq_summary_new_of (MqDataset   *dataset,
                   guint32      today,
                   MqSelection *only)
{
  return summary_new (dataset, today, NULL, only);
}

void
mq_summary_free (MqSummary *summary)
{
  if (summary == NULL)
    return;
  g_free (summary->path);
  g_free (summary->layer);
  g_free (summary->crs);
  g_free (summary->encoding);
  g_free (summary->encoding_source);
  g_array_unref (summary->parts);
  g_ptr_array_unref (summary->warnings);
  g_free (summary);
}

#define MU(m2) ((m2) / MQ_M2_PER_MU)
#define KM2(m2) ((m2) / 1e6)

static void
add_number (JsonBuilder *b,
            const char  *key,
            double       value,
            double       scale)
{
  json_builder_set_member_name (b, key);
  json_builder_add_double_value (b, isfinite (value) ? round (value * scale) / scale : 0.0);
}

static void
add_int (JsonBuilder *b,
         const char  *key,
         gint64       value)
{
  json_builder_set_member_name (b, key);
  json_builder_add_int_value (b, value);
}

static void
add_string (JsonBuilder *b,
            const char  *key,
            const char  *value)
{
  json_builder_set_member_name (b, key);
  json_builder_add_string_value (b, value ? value : "");
}

static void
add_locks_and_methods (JsonBuilder     *b,
                       const MqSummary *s)
{
  json_builder_set_member_name (b, "locks_held");
  json_builder_begin_array (b);
  for (guint i = 0; i <= MQ_N_LOCKS; i++)
    json_builder_add_int_value (b, s->locks_held[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "locks_held_mu");
  json_builder_begin_array (b);
  for (guint i = 0; i <= MQ_N_LOCKS; i++)
    json_builder_add_double_value (b, round (MU (s->locks_held_m2[i]) * 100) / 100);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "method_mu");
  json_builder_begin_object (b);
  for (guint m = MQ_METHOD_CAPACITY_UPGRADE; m < MQ_N_METHODS; m++)
    add_number (b, mq_method_term (m), MU (s->method_m2[m]), 100);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "stage_mu");
  json_builder_begin_object (b);
  for (guint st = MQ_STAGE_NOT_STARTED; st <= MQ_STAGE_DONE; st++)
    add_number (b, mq_stage_term (st), MU (s->stage_m2[st]), 100);
  json_builder_end_object (b);
}

static void
add_problems (JsonBuilder     *b,
              const MqSummary *s)
{
  add_int (b, "problems", s->problem_parcels);
  json_builder_set_member_name (b, "problem_kinds");
  json_builder_begin_object (b);
  for (guint bit = 0; bit < MQ_N_PROBLEM_KINDS; bit++)
    if (s->problem_counts[bit] > 0)
      add_int (b, mq_problem_key (1u << bit), s->problem_counts[bit]);
  json_builder_end_object (b);
}

/* Repaired shapes are measured as GEOS made them valid: an estimate the
 * total should not pass off as survey. */
static char *
repaired_warning (const MqSummary *s)
{
  if (s->repaired_parcels == 0)
    return NULL;
  return g_strdup_printf (_("the total includes %.2f mu of %u shapes measured after repair"),
                          MU (s->repaired_m2), s->repaired_parcels);
}

static void
add_warnings (JsonBuilder     *b,
              const MqSummary *s)
{
  g_autofree char *repaired = repaired_warning (s);

  add_int (b, "records_lost", s->records_lost);
  add_int (b, "repaired_parcels", s->repaired_parcels);
  add_number (b, "repaired_mu", MU (s->repaired_m2), 100);
  json_builder_set_member_name (b, "warnings");
  json_builder_begin_array (b);
  for (guint i = 0; i < s->warnings->len; i++)
    json_builder_add_string_value (b, g_ptr_array_index (s->warnings, i));
  if (repaired != NULL)
    json_builder_add_string_value (b, repaired);
  json_builder_end_array (b);
}

static void
add_zone (JsonBuilder     *b,
          const MqSummary *s)
{
  add_number (b, "zone_km2", KM2 (s->zone_m2), 1000);
  json_builder_set_member_name (b, "parts");
  json_builder_begin_object (b);
  for (guint i = 0; i < s->parts->len; i++)
    {
      const MqSummaryPart *part = &g_array_index (s->parts, MqSummaryPart, i);

      add_number (b, part->name, KM2 (part->area_m2), 1000);
    }
  json_builder_end_object (b);
}

/* Keys are stable English names: scripts read this. */
static void
add_performance (JsonBuilder               *b,
                 const MqPerformanceTotals *t)
{
  json_builder_set_member_name (b, "performance");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "grades");
  json_builder_begin_object (b);
  for (guint g = MQ_GRADE_NONE; g < MQ_N_GRADES; g++)
    {
      json_builder_set_member_name (b, g == MQ_GRADE_NONE ? "none" : mq_grade_term (g));
      json_builder_begin_object (b);
      add_int (b, "parcels", t->grade_count[g]);
      add_number (b, "mu", t->grade_mu[g], 100);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  add_number (b, "tax_wan", t->tax, 100);
  add_number (b, "tax_mu", t->tax_mu, 100);
  add_number (b, "output_wan", t->output, 100);
  add_number (b, "output_mu", t->output_mu, 100);
  add_int (b, "high_low_parcels", t->n_high_low);
  add_number (b, "high_low_mu", t->high_low_mu, 100);
  json_builder_end_object (b);
}

char *
mq_summary_to_json (const MqSummary *s)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  add_string (b, "file", s->path);
  add_string (b, "layer", s->layer);
  add_int (b, "parcels", s->parcels);
  add_number (b, "area_m2", s->area_m2, 100);
  add_number (b, "area_mu", MU (s->area_m2), 100);
  add_string (b, "crs", s->crs);
  add_string (b, "encoding", s->encoding);
  add_string (b, "encoding_source", s->encoding_source);
  add_int (b, "lossy_values", s->lossy_values);
  add_problems (b, s);
  add_warnings (b, s);
  add_int (b, "flagged_parcels", s->flagged_parcels);
  add_number (b, "flagged_mu", MU (s->flagged_m2), 100);
  add_locks_and_methods (b, s);
  add_int (b, "overdue", s->overdue);
  add_int (b, "due_soon", s->due_soon);
  add_number (b, "existing_industrial_mu", MU (s->existing_industrial_m2), 100);
  add_number (b, "incremental_industrial_mu", MU (s->incremental_industrial_m2), 100);
  add_performance (b, &s->performance);
  if (s->has_zone)
    add_zone (b, s);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  return json_generator_to_data (gen, NULL);
}

/**
 * mq_summary_append_padded:
 *
 * @text, then spaces to @columns terminal columns. By display width, not
 * bytes: CJK text is two columns a character. The text tables' cells.
 */
void
mq_summary_append_padded (GString    *out,
                          const char *text,
                          int         columns)
{
  glong width = 0;

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    width += g_unichar_iswide (g_utf8_get_char (p)) ? 2 : 1;
  g_string_append_printf (out, "%s%*s", text, (int) MAX (0, columns - width), "");
}

static void
row (GString    *out,
     const char *label,
     const char *value)
{
  mq_summary_append_padded (out, label, 28);
  g_string_append_printf (out, "  %s\n", value);
}

static void
row_f (GString    *out,
       const char *label,
       const char *format,
       ...) G_GNUC_PRINTF (3, 4);

static void
row_f (GString    *out,
       const char *label,
       const char *format,
       ...)
{
  g_autofree char *value = NULL;
  va_list args;

  va_start (args, format);
  value = g_strdup_vprintf (format, args);
  va_end (args);
  row (out, label, value);
}

/* How the encoding was found, in the reader's language (the JSON keeps the
 * stable key). */
static const char *
encoding_source_label (const char *key)
{
  static const struct { const char *key, *label; } labels[] = {
    { "default", N_("the format's default") }, { "cpg", N_("from the .cpg file") },
    { "ldid", N_("from the .dbf header") }, { "detected", N_("detected") },
    { "user", N_("chosen") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_strcmp0 (key, labels[i].key) == 0)
      return _(labels[i].label);
  return key;
}

/* Performance per mu, when any land has a class or a figure. */
static void
performance_rows (GString                   *out,
                  const MqPerformanceTotals *t)
{
  guint assessed = 0;

  for (guint g = MQ_GRADE_A; g < MQ_N_GRADES; g++)
    assessed += t->grade_count[g];
  if (assessed == 0 && t->tax_mu == 0 && t->output_mu == 0 && t->n_high_low == 0)
    return;
  for (guint g = MQ_GRADE_A; g < MQ_N_GRADES; g++)
    {
      g_autofree char *label = g_strdup_printf (_("Performance class %s"), mq_grade_term (g));

      row_f (out, label, _("%u parcels, %.2f mu"), t->grade_count[g], t->grade_mu[g]);
    }
  row_f (out, _("  not assessed"), _("%u parcels, %.2f mu"), t->grade_count[MQ_GRADE_NONE],
         t->grade_mu[MQ_GRADE_NONE]);
  if (t->tax_mu > 0)
    row_f (out, _("Annual tax"), _("%.1f (10k yuan) on %.2f mu: %.2f per mu"), t->tax, t->tax_mu,
           t->tax / t->tax_mu);
  if (t->output_mu > 0)
    row_f (out, _("Annual output"), _("%.1f (10k yuan) on %.2f mu: %.2f per mu"), t->output,
           t->output_mu, t->output / t->output_mu);
  row_f (out, _("Three highs and one low (any)"), _("%u parcels, %.2f mu"), t->n_high_low, t->high_low_mu);
}

char *
mq_summary_to_text (const MqSummary *s)
{
  GString *out = g_string_new (NULL);

  row (out, _("File"), s->path);
  row (out, _("Layer"), s->layer);
  row (out, _("Coordinate system"), s->crs);
  row_f (out, _("Text encoding"), "%s (%s)", s->encoding,
         encoding_source_label (s->encoding_source));
  row_f (out, _("Parcels"), "%u", s->parcels);
  if (s->records_lost > 0)
    row_f (out, _("Records lost"), "%u", s->records_lost);
  for (guint i = 0; i < s->warnings->len; i++)
    row (out, _("Warning"), g_ptr_array_index (s->warnings, i));
  row_f (out, _("Parcels with problems"), "%u", s->problem_parcels);
  for (guint bit = 0; bit < MQ_N_PROBLEM_KINDS; bit++)
    if (s->problem_counts[bit] > 0)
      {
        g_autofree char *label = g_strdup_printf ("  %s", mq_problem_describe (1u << bit));

        row_f (out, label, "%u", s->problem_counts[bit]);
      }
  row_f (out, _("Total area"), _("%.2f mu (%.0f m²)"), MU (s->area_m2), s->area_m2);
  if (s->repaired_parcels > 0)
    row_f (out, _("  of which repaired shapes"), _("%u parcels, %.2f mu"), s->repaired_parcels,
           MU (s->repaired_m2));
  row_f (out, _("Existing industrial land"), _("%.2f mu"), MU (s->existing_industrial_m2));
  row_f (out, _("Incremental industrial land"), _("%.2f mu"), MU (s->incremental_industrial_m2));
  row_f (out, _("Flagged for upgrade"), _("%u parcels, %.2f mu"), s->flagged_parcels,
         MU (s->flagged_m2));
  for (guint i = 0; i <= MQ_N_LOCKS; i++)
    {
      g_autofree char *label = g_strdup_printf (_("  %u of 4 locks held"), i);

      row_f (out, label, _("%u parcels, %.2f mu"), s->locks_held[i], MU (s->locks_held_m2[i]));
    }
  for (guint m = MQ_METHOD_CAPACITY_UPGRADE; m < MQ_N_METHODS; m++)
    row_f (out, mq_method_label (m), _("%.2f mu"), MU (s->method_m2[m]));
  row_f (out, _("Overdue"), "%u", s->overdue);
  row_f (out, _("Due within 30 days"), "%u", s->due_soon);
  performance_rows (out, &s->performance);
  if (s->has_zone)
    row_f (out, _("Zone area"), _("%.2f km²"), KM2 (s->zone_m2));
  for (guint i = 0; i < s->parts->len; i++)
    {
      const MqSummaryPart *part = &g_array_index (s->parts, MqSummaryPart, i);

      row_f (out, part->name, _("%.2f km²"), KM2 (part->area_m2));
    }
  return g_string_free (out, FALSE);
}

