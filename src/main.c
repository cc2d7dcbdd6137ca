/* main.c — starts Maqiao Land Viewer, or runs a headless export.
 *
 * Headless options (--summary, --export-png) never touch GTK, so they run
 * without a display, like Inkscape's exports.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <cpl_error.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>

#include "mq-application.h"
#include "mq-core.h"
#include "mq-export.h"
#include "mq-project.h"
#include "mq-report.h"
#include "mq-report-set.h"
#include "mq-geopdf.h"
#include "mq-settings.h"
#include "mq-survey-pdf.h"
#include "mq-survey-update.h"

#define EXIT_BAD_INPUT 2
#define EXIT_CONFLICT 3   /* someone else changed the same fields meanwhile */

typedef struct
{
  gboolean  sample;
  gboolean  summary;
  char     *as_of;           /* --as-of: YYYY-MM-DD */
  char     *changes_since;   /* --changes-since: YYYY-MM-DD */
  gboolean  json;
  gboolean  version;
  gboolean  problems;
  MqOpenRequest request;    /* --crs, --encoding, --layer, --field-mapping, --allow-partial */
  char    **layers;          /* --layer-add: FILE[,opacity=…] */
  char     *export_png;
  char     *export_csv;
  char     *export_xlsx;
  char     *export_shp;
  char     *shp_encoding;
  char     *export_pdf;
  char     *by;              /* --by: one report per entity, method or stage */
  gboolean  geopdf;
  char     *export_svg;
  char     *paper;
  char     *title;
  char     *unit;
  gboolean  atlas;
  gboolean  portrait;
  gboolean  present;
  char     *import;
  char     *publish;
  char     *publish_to;
  char     *schema;
  char     *output;
  char     *apply_csv;
  char     *planning;
  char     *update_survey;   /* the new survey a project is carried into */
  char     *merge_policy;
  char     *survey_date;
  char     *change_report;
  gboolean  dry_run;
  gboolean  undo_survey;
  char     *size;
  char     *theme;
  char     *label_field;
  char     *bbox;
  char    **files;
} Options;

static void
setup_i18n (void)
{
  const char *localedir = g_getenv ("MQ_LOCALEDIR");
  g_autofree char *installed = localedir ? NULL : mq_core_dup_installed_path ("locale");

  /* A build's binary run directly finds the catalogs it built. */
  if (localedir == NULL && installed == NULL)
    installed = mq_core_dup_build_path ("po");

  /* Under a bare "C" locale gettext ignores LANGUAGE; C.UTF-8 keeps the
   * user's LANGUAGE=zh_CN working on minimal systems and containers. */
  if (setlocale (LC_ALL, "") == NULL || g_strcmp0 (setlocale (LC_MESSAGES, NULL), "C") == 0)
    setlocale (LC_ALL, "C.UTF-8");
  bindtextdomain (GETTEXT_PACKAGE, localedir ? localedir : installed ? installed : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

static gboolean
parse_options (Options  *o,
               int      *argc,
               char   ***argv,
               GError  **error)
{
  const GOptionEntry entries[] = {
    { "sample", 0, 0, G_OPTION_ARG_NONE, &o->sample, N_("Open the bundled Maqiao sample"), NULL },
    { "summary", 0, 0, G_OPTION_ARG_NONE, &o->summary, N_("Print the figures of the data and exit"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o->json, N_("With --summary: print JSON"), NULL },
    { "as-of", 0, 0, G_OPTION_ARG_STRING, &o->as_of, N_("With --summary or an export: the project as it stood at the end of that day, from its history (exports say so)"), N_("YYYY-MM-DD") },
    { "changes-since", 0, 0, G_OPTION_ARG_STRING, &o->changes_since, N_("Print what changed since the end of that day (locks newly held, newly overdue, deadlines moved, parcels flagged, who changed what; --json for JSON), or with --export-pdf make it the report's first page, and exit"), N_("YYYY-MM-DD") },
    { "crs", 0, 0, G_OPTION_ARG_STRING, &o->request.crs, N_("Coordinate system of a source without one"), "EPSG:N" },
    { "encoding", 0, 0, G_OPTION_ARG_STRING, &o->request.encoding, N_("Text encoding of the attributes"), N_("NAME") },
    { "layer", 0, 0, G_OPTION_ARG_STRING, &o->request.layer, N_("Polygon layer to read"), N_("NAME") },
    { "field-mapping", 0, 0, G_OPTION_ARG_STRING, &o->request.field_mapping, N_("Correct the field mapping, e.g. '{\"owner\": \"QLR\"}'"), N_("JSON") },
    { "problems", 0, 0, G_OPTION_ARG_NONE, &o->problems, N_("List every parcel with a problem (id, then what is wrong) and exit"), NULL },
    { "allow-partial", 0, 0, G_OPTION_ARG_NONE, &o->request.allow_partial, N_("Open a damaged source, taking the records that can be read"), NULL },
    { "export-png", 0, 0, G_OPTION_ARG_FILENAME, &o->export_png, N_("Render the map to a PNG and exit"), N_("FILE") },
    { "export-pdf", 0, 0, G_OPTION_ARG_FILENAME, &o->export_pdf, N_("Write a PDF map report and exit"), N_("FILE") },
    { "atlas", 0, 0, G_OPTION_ARG_NONE, &o->atlas, N_("With --export-pdf: a page per flagged parcel"), NULL },
    { "geopdf", 0, 0, G_OPTION_ARG_NONE, &o->geopdf, N_("With --export-pdf: a GeoPDF (the maps georeferenced, the parcels queryable)"), NULL },
    { "by", 0, 0, G_OPTION_ARG_STRING, &o->by, N_("With --export-pdf=FOLDER/: one report per responsible entity, method or stage, and an index workbook"), N_("entity|method|stage") },
    { "paper", 0, 0, G_OPTION_ARG_STRING, &o->paper, N_("With --export-pdf: A3 (default) or A4"), N_("SIZE") },
    { "portrait", 0, 0, G_OPTION_ARG_NONE, &o->portrait, N_("With --export-pdf: portrait pages"), NULL },
    { "title", 0, 0, G_OPTION_ARG_STRING, &o->title, N_("With --export-pdf: the report's title"), N_("TEXT") },
    { "unit", 0, 0, G_OPTION_ARG_STRING, &o->unit, N_("With --export-pdf or --export-xlsx: the office that made the map or the ledger (制图单位)"), N_("TEXT") },
    { "export-svg", 0, 0, G_OPTION_ARG_FILENAME, &o->export_svg, N_("Render the map to an SVG and exit"), N_("FILE") },
    { "export-csv", 0, 0, G_OPTION_ARG_FILENAME, &o->export_csv, N_("Write the parcel table as CSV (UTF-8, opens in Excel) and exit"), N_("FILE") },
    { "export-xlsx", 0, 0, G_OPTION_ARG_FILENAME, &o->export_xlsx, N_("Write the parcel table as an Excel ledger (台账: ids as text, dates as dates, a total row) and exit"), N_("FILE.xlsx") },
    { "export-shp", 0, 0, G_OPTION_ARG_FILENAME, &o->export_shp, N_("Write the parcels as a shapefile for exchange (exact geometry, short field codes with a 字段对照表 beside it) and exit"), N_("FILE.shp") },
    { "shp-encoding", 0, 0, G_OPTION_ARG_STRING, &o->shp_encoding, N_("With --export-shp: UTF-8 (the default) or GBK"), N_("ENCODING") },
    { "planning-layer", 0, 0, G_OPTION_ARG_FILENAME, &o->planning, N_("Give the project's parcels the planned use and floor area ratio of the 控规 (regulatory plan) zone covering at least half of each, in one step, and exit"), N_("PLAN.shp") },
    { "apply-csv", 0, 0, G_OPTION_ARG_FILENAME, &o->apply_csv, N_("Apply a status table (the CSV --export-csv or the workbook --export-xlsx writes) to a project file, all rows or none, and exit"), N_("UPDATES.csv|.xlsx") },
    { "update-survey", 0, 0, G_OPTION_ARG_FILENAME, &o->update_survey, N_("Carry a project file into a new survey: parcels matched, locks carried, lineage and one history batch written; prints what changed, and exits"), N_("NEW_SURVEY") },
    { "merge-policy", 0, 0, G_OPTION_ARG_STRING, &o->merge_policy, N_("With --update-survey: what a merged parcel keeps where its parcels disagree: largest (the status of the one sharing the most land) or agreed (only what they agree on)"), N_("POLICY") },
    { "survey-date", 0, 0, G_OPTION_ARG_STRING, &o->survey_date, N_("With --update-survey: the new survey's date (default today)"), N_("YYYY-MM-DD") },
    { "change-report", 0, 0, G_OPTION_ARG_FILENAME, &o->change_report, N_("With --update-survey: write the change report (the totals per class, one row per parcel the update touches)"), N_("FILE.pdf|.xlsx|.csv") },
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &o->dry_run, N_("With --update-survey: show what would change, write nothing to the project"), NULL },
    { "undo-survey-update", 0, 0, G_OPTION_ARG_NONE, &o->undo_survey, N_("Take a project file's last survey update back, exactly, and exit"), NULL },
    { "import", 0, 0, G_OPTION_ARG_FILENAME, &o->import, N_("Import a source into a new project file (with --output) and exit"), N_("SOURCE") },
    { "output", 0, 0, G_OPTION_ARG_FILENAME, &o->output, N_("The project file --import creates"), N_("PROJECT.gpkg") },
    { "publish", 0, 0, G_OPTION_ARG_FILENAME, &o->publish, N_("Copy a project file to a PostgreSQL/PostGIS server (with --to) for several planners, and exit"), N_("PROJECT.gpkg") },
    { "to", 0, 0, G_OPTION_ARG_STRING, &o->publish_to, N_("The server --publish copies to: a libpq connection string, e.g. service=maqiao"), N_("CONNINFO") },
    { "schema", 0, 0, G_OPTION_ARG_STRING, &o->schema, N_("With --publish: the schema the project becomes (default maqiao)"), N_("NAME") },
    { "size", 0, 0, G_OPTION_ARG_STRING, &o->size, N_("Size of the exported image"), N_("WxH") },
    { "bbox", 0, 0, G_OPTION_ARG_STRING, &o->bbox, N_("With --export-png: the area to show, in the map's coordinates"), N_("MINX,MINY,MAXX,MAXY") },
    { "layer-add", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &o->layers, N_("With --export-png/--export-svg/--export-pdf: an image (orthophoto) under the parcels; repeatable"), N_("FILE[,opacity=0.6]") },
    { "theme", 0, 0, G_OPTION_ARG_STRING, &o->theme, N_("Map theme: locks, method, flagged, landuse, grade, tax-per-mu"), N_("THEME") },
    { "label-field", 0, 0, G_OPTION_ARG_STRING, &o->label_field, N_("With --export-png/--export-pdf: what parcel labels say: id, owner, project, entity, mu"), N_("FIELD") },
    { "present", 0, 0, G_OPTION_ARG_NONE, &o->present, N_("Open in the meeting-room mode: full screen, the map and live totals (F5 toggles, Esc leaves)"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &o->version, N_("Print the version and exit"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &o->files, NULL, N_("[FILE]") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);

  g_option_context_set_summary (context, _("Maqiao Land Viewer — parcels and the four locks"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  return g_option_context_parse (context, argc, argv, error);
}

static void
clear_options (Options *o)
{
  g_free (o->request.crs);
  g_free (o->request.encoding);
  g_free (o->request.layer);
  g_free (o->as_of);
  g_free (o->changes_since);
  g_free (o->request.field_mapping);
  g_free (o->request.path);
  g_free (o->export_png);
  g_free (o->export_csv);
  g_free (o->export_xlsx);
  g_free (o->export_shp);
  g_free (o->shp_encoding);
  g_free (o->export_pdf);
  g_free (o->by);
  g_free (o->export_svg);
  g_free (o->paper);
  g_free (o->title);
  g_free (o->unit);
  g_free (o->import);
  g_free (o->publish);
  g_free (o->publish_to);
  g_free (o->schema);
  g_free (o->apply_csv);
  g_free (o->planning);
  g_free (o->update_survey);
  g_free (o->merge_policy);
  g_free (o->survey_date);
  g_free (o->change_report);
  g_free (o->output);
  g_free (o->size);
  g_free (o->theme);
  g_free (o->label_field);
  g_free (o->bbox);
  g_strfreev (o->layers);
  g_strfreev (o->files);
}

/* --sample is the file the window shows: the user's copy of the sample once
 * one was made (edits and all), else the bundled file, which is the same
 * then. The window edits the copy, made the first time (@make_copy), and so
 * does a status table applied headless, so that the window shows it too. */
static char *
sample_path (gboolean   make_copy,
             GError   **error)
{
  g_autofree char *copy = mq_core_dup_user_sample_path ();
  g_autofree char *bundled = NULL;

  if (g_file_test (copy, G_FILE_TEST_EXISTS))
    return g_steal_pointer (&copy);
  bundled = mq_core_dup_sample_path ();
  if (!g_file_test (bundled, G_FILE_TEST_EXISTS))
    {
      /* Typically a build tree's binary, run from somewhere else. */
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                   _("%s: no such file; the sample comes with an installed app — from a build "
                     "folder, run “meson devenv -C _build maqiao-land”"), bundled);
      return NULL;
    }
  return make_copy ? mq_core_dup_sample_project (error) : g_steal_pointer (&bundled);
}

static char *
source_path (Options  *o,
             GError  **error)
{
  if (o->files != NULL && o->files[0] != NULL)
    return g_strdup (o->files[0]);
  if (o->sample)
    return sample_path (o->apply_csv != NULL || o->planning != NULL, error);
  return NULL;
}

/* Unicode's invisible line breaks and direction overrides: a path or an id
 * holding them could forge a line or turn text around on a terminal. */
static gboolean
is_format_control (gunichar c)
{
  return (c >= 0x80 && c <= 0x9f) || c == 0x200e || c == 0x200f || c == 0x2028 ||
         c == 0x2029 || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

/* Text from files (ids, paths, messages naming them) as the terminal shows
 * it: control characters escaped, so nothing read can start a line of its
 * own or send the terminal an escape sequence. */
static char *
escape_controls (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text ? text : ""; *p; )
    {
      gunichar c = g_utf8_get_char_validated (p, -1);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append_printf (out, "\\x%02x", (guchar) *p++);
          continue;
        }
      if (c == '\n' || c == '\t' || c == '\r')
        g_string_append (out, c == '\n' ? "\\n" : c == '\t' ? "\\t" : "\\r");
      else if (c < 0x20 || c == 0x7f)
        g_string_append_printf (out, "\\x%02x", c);
      else if (is_format_control (c))
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
      p = g_utf8_next_char (p);
    }
  return g_string_free (out, FALSE);
}

static int
fail (const GError *error)
{
  g_autofree char *message = escape_controls (error->message);

  g_printerr ("maqiao-land: %s\n", message);
  return EXIT_BAD_INPUT;
}

/* The source (or the project --import made of it) opened in @project, as
 * the window would open it, without the questions. */
static gboolean
open_input (Options    *o,
            MqProject  *project,
            GError    **error)
{
  g_autofree char *path = o->import ? g_strdup (o->import) : source_path (o, error);
  g_autoptr(MqDataset) imported = NULL;
  g_autofree char *output = NULL;
  MqLoadOptions load;

  if (path == NULL && error != NULL && *error != NULL)
    return FALSE;
  if (path == NULL)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                           _("no input: name a file or pass --sample"));
      return FALSE;
    }
  mq_open_request_set (&o->request.path, path);
  if (o->import == NULL)
    return mq_project_open_sync (project, mq_open_request_copy (&o->request), error);
  if (o->output == NULL)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                           _("--import needs --output=PROJECT.gpkg"));
      return FALSE;
    }
  mq_open_request_get_options (&o->request, &load);
  imported = mq_import (path, &load, o->output, NULL, error);
  if (imported == NULL)
    return FALSE;
  output = escape_controls (o->output);
  g_print (_("Imported %u parcels into %s\n"),
           mq_parcels_get_n_parcels (mq_dataset_get_parcels (imported)), output);
  /* What follows (exports, a status table) works on the new project. */
  return mq_project_open_sync (project, mq_open_request_new (o->output), error);
}

static void
print_problems (MqDataset *dataset)
{
  MqParcels *parcels = mq_dataset_get_parcels (dataset);

  for (guint i = 0; i < mq_parcels_get_n_parcels (parcels); i++)
    {
      const MqParcel *p = mq_parcels_get (parcels, i);
      g_autofree char *text = NULL;
      g_autofree char *unread = NULL;

      if (p->problems == 0)
        continue;
      text = mq_problems_describe (p->problems);
      /* What did not read is shown as it was written: nothing is lost. */
      unread = mq_field_map_dup_unread (mq_dataset_get_field_map (dataset), parcels, i);
      if (unread != NULL)
        {
          g_autofree char *shown = escape_controls (unread);
          char *both = g_strdup_printf ("%s (%s)", text, shown);

          g_free (text);
          text = both;
        }
      /* Records without an id are named by their position in the file. */
      if (p->id != NULL)
        {
          g_autofree char *id = escape_controls (p->id);

          g_print ("%s\t%s\n", id, text);
        }
      else
        g_print ("#%u\t%s\n", i + 1, text);
    }
}

static gboolean
export_shp (Options    *o,
            MqDataset  *dataset,
            GError    **error)
{
  gboolean gbk = o->shp_encoding != NULL && (g_ascii_strcasecmp (o->shp_encoding, "GBK") == 0 ||
                                             g_ascii_strcasecmp (o->shp_encoding, "CP936") == 0);

  if (o->shp_encoding != NULL && !gbk && g_ascii_strcasecmp (o->shp_encoding, "UTF-8") != 0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--shp-encoding=%s: expected UTF-8 or GBK"), o->shp_encoding);
      return FALSE;
    }
  return mq_shp_export (dataset, o->export_shp, gbk, error);
}

/* 制图单位: --unit, else what the window's report dialog remembered. */
static char *
dup_unit (Options *o)
{
  g_autoptr(GSettings) settings = o->unit ? NULL : mq_settings_new ();

  return o->unit ? g_strdup (o->unit) : settings ? g_settings_get_string (settings, "report-unit") : NULL;
}

static gboolean
export_pdf (Options      *o,
            MqDataset    *dataset,
            MqLayerList  *saved,
            MqLabelField  label_field,
            GError      **error)
{
  g_autofree char *unit = dup_unit (o);
  g_autoptr(GPtrArray) rasters = mq_export_open_layers (dataset, saved, (const char *const *) o->layers,
                                                        error);
  g_autoptr(MqChanges) changes = NULL;
  MqReportOptions report = { o->title, unit, o->paper, o->portrait, MQ_THEME_LOCKS, o->atlas, NULL,
                             label_field, rasters };

  if (rasters == NULL)
    return FALSE;
  if (o->theme != NULL && !mq_theme_parse (o->theme, &report.theme))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--theme=%s: expected locks, method, flagged, landuse, grade or tax-per-mu"), o->theme);
      return FALSE;
    }
  report.geopdf = o->geopdf;
  report.layers = saved;
  if (o->changes_since != NULL)
    {
      GDate since;

      if (!mq_as_of_parse_date ("--changes-since", o->changes_since, &since, error) ||
          (changes = mq_changes_since (dataset, &since, mq_today (), NULL, error)) == NULL)
        return FALSE;
      report.changes = changes;
    }
  if (o->by != NULL)
    {
      MqReportBy by;

      if (!mq_report_by_parse (o->by, &by))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("--by=%s: expected entity, method or stage"), o->by);
          return FALSE;
        }
      return mq_report_write_set (dataset, o->export_pdf, by, &report, error);
    }
  if (o->geopdf)
    return mq_geopdf_write (dataset, o->export_pdf, &report, error);
  return mq_report_write_pdf (dataset, o->export_pdf, &report, error);
}

/* One line per field someone else changed meanwhile: the parcel, the
 * field, the value stored now and who stored it. */
static int
print_conflicts (MqProject    *project,
                 const GError *error)
{
  GPtrArray *conflicts = mq_project_get_conflicts (project);

  fail (error);
  for (guint i = 0; conflicts != NULL && i < conflicts->len; i++)
    {
      const MqConflict *c = g_ptr_array_index (conflicts, i);
      g_autofree char *id = escape_controls (c->parcel_id ? c->parcel_id : "?");
      g_autofree char *theirs = escape_controls (c->theirs);
      g_autofree char *mine = escape_controls (c->mine);
      g_autofree char *who = escape_controls (c->who ? c->who : _("unknown"));
      g_autofree char *when = escape_controls (c->when ? c->when : "?");

      g_printerr (_("conflict: parcel %s, %s: now “%s” (set by %s at %s), the table has “%s”\n"),
                  id, mq_field_label (c->field), theirs, who, when, mine);
    }
  return EXIT_CONFLICT;
}

/* One transaction: every row of the table (every parcel of the plan), or
 * nothing. */
static gboolean
apply_edit (MqProject   *project,
            const char  *source,
            MqEdit      *edit,
            GError     **error)
{
  MqDataset *dataset = mq_project_get_dataset (project);
  g_autofree char *table = NULL;
  g_autofree char *path = NULL;
  MqEdit *step;
  guint n_parcels;

  if (!mq_project_apply (project, edit, error))
    {
      g_prefix_error (error, "%s: ", source);
      return FALSE;
    }
  step = mq_project_get_last_step (project);
  table = escape_controls (source);
  if (step == NULL)
    {
      g_print (_("No changes: %s already matches the project\n"), table);
      return TRUE;
    }
  n_parcels = mq_edit_count_parcels (step);
  path = escape_controls (mq_dataset_get_path (dataset));
  g_print (g_dngettext (GETTEXT_PACKAGE, "Applied %s to %s: %u parcel, %u fields changed\n",
                        "Applied %s to %s: %u parcels, %u fields changed\n", n_parcels),
           table, path, n_parcels, mq_edit_get_n_changes (step));
  return TRUE;
}

static gboolean
apply_csv (Options    *o,
           MqProject  *project,
           GError    **error)
{
  MqDataset *dataset = mq_project_get_dataset (project);
  g_autoptr(MqEdit) edit = NULL;

  if (!mq_project_open_store (project, error))
    return FALSE;
  edit = mq_csv_read_updates (mq_dataset_get_parcels (dataset), o->apply_csv, error);
  return edit != NULL && apply_edit (project, o->apply_csv, edit, error);
}

/* --planning-layer: the parcels no zone covers half of are named, and
 * left as they were. */
static gboolean
apply_planning (Options    *o,
                MqProject  *project,
                GError    **error)
{
  MqDataset *dataset = mq_project_get_dataset (project);
  g_auto(MqPlanningResult) result = { 0 };
  g_autoptr(MqEdit) edit = NULL;

  if (!mq_project_open_store (project, error))
    return FALSE;
  edit = mq_planning_read (mq_dataset_get_parcels (dataset), mq_dataset_get_display_wkt (dataset),
                           o->planning, &result, error);
  if (edit == NULL || !apply_edit (project, o->planning, edit, error))
    return FALSE;
  if (result.straddling->len > 0)
    {
      g_autofree char *ids = NULL;

      g_ptr_array_add (result.straddling, NULL);
      ids = g_strjoinv ("、", (char **) result.straddling->pdata);
      g_print (g_dngettext (GETTEXT_PACKAGE,
                            "%u parcel lies across plan zones, none covering half of it; left as it was: %s\n",
                            "%u parcels lie across plan zones, none covering half of them; left as they were: %s\n",
                            result.straddling->len - 1),
               result.straddling->len - 1, ids);
    }
  return TRUE;
}

/* The layers a project saved, for its maps; NULL for a survey file (the
 * default layers). */
static gboolean
saved_layers (Options      *o,
              MqProject    *project,
              MqLayerList **layers,
              GError      **error)
{
  *layers = NULL;
  if (o->export_png == NULL && o->export_svg == NULL && o->export_pdf == NULL)
    return TRUE;
  if (!mq_project_get_has_store (project))
    mq_project_read_layers (project);
  if (mq_project_get_layers_error (project) != NULL)
    {
      g_set_error (error, MQ_LAYER_LIST_ERROR, MQ_LAYER_LIST_ERROR_INVALID, "%s: %s",
                   mq_dataset_get_path (mq_project_get_dataset (project)),
                   mq_project_get_layers_error (project)->message);
      return FALSE;
    }
  *layers = mq_project_get_layers (project);
  return TRUE;
}

/* --as-of: the project taken back to the end of that day, in memory, and
 * that day the one its deadlines are counted from, for the figures and
 * every export (which say so). Nothing is written into the project. */
static gboolean
rewind_as_of (Options     *o,
              MqDataset  **dataset,
              MqDataset  **before_survey,
              guint32     *today,
              GError     **error)
{
  g_autoptr(GError) local = NULL;
  GDate date;

  *today = mq_today ();
  if (o->as_of == NULL)
    return TRUE;
  if (o->apply_csv != NULL || o->planning != NULL || o->changes_since != NULL)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("--as-of shows a past day: it goes with --summary and the exports, not with "
                             "--apply-csv or --changes-since"));
      return FALSE;
    }
  if (!mq_as_of_parse_date ("--as-of", o->as_of, &date, error))
    return FALSE;
  if (!mq_dataset_rewind (*dataset, &date, &local))
    {
      /* Before a survey update: the parcels it kept, taken back. */
      if (!g_error_matches (local, MQ_AS_OF_ERROR, MQ_AS_OF_ERROR_SURVEY_UPDATED) ||
          (*before_survey = mq_dataset_load_before_survey (*dataset, &date, error)) == NULL)
        {
          if (local != NULL && (error == NULL || *error == NULL))
            g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      *dataset = *before_survey;
    }
  *today = g_date_get_julian (&date);
  mq_set_as_of (*today);
  return TRUE;
}

static void print_lines (const char *text);

/* --changes-since: the project then beside the project now. */
static gboolean
print_changes (Options    *o,
               MqDataset  *dataset,
               guint32     today,
               GError    **error)
{
  g_autoptr(MqChanges) changes = NULL;
  g_autofree char *text = NULL;
  GDate since;

  if (!mq_as_of_parse_date ("--changes-since", o->changes_since, &since, error) ||
      (changes = mq_changes_since (dataset, &since, today, NULL, error)) == NULL)
    return FALSE;
  text = o->json ? mq_changes_to_json (changes) : mq_changes_to_text (changes);
  print_lines (text);
  return TRUE;
}

static int
run_headless (Options *o)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MqProject) project = mq_project_new ();
  g_autoptr(MqDataset) before_survey = NULL;
  MqDataset *dataset;
  MqLabelField label_field;
  MqLayerList *layers;
  guint32 today;

  if (!mq_export_parse_label_field (o->label_field, &label_field, &error) ||
      !open_input (o, project, &error))
    return fail (error);
  dataset = mq_project_get_dataset (project);
  if (!rewind_as_of (o, &dataset, &before_survey, &today, &error))
    return fail (error);
  if ((o->apply_csv != NULL && !apply_csv (o, project, &error)) ||
      (o->planning != NULL && !apply_planning (o, project, &error)))
    return g_error_matches (error, MQ_STORE_ERROR, MQ_STORE_ERROR_CONFLICT)
             ? print_conflicts (project, error)
             : fail (error);
  if (!saved_layers (o, project, &layers, &error))
    return fail (error);
  if (o->export_csv != NULL &&
      !mq_csv_export (dataset, o->export_csv, mq_locale_is_chinese (), &error))
    return fail (error);
  if (o->export_xlsx != NULL)
    {
      g_autofree char *unit = dup_unit (o);

      if (!mq_xlsx_export (dataset, o->export_xlsx, mq_locale_is_chinese (), unit, &error))
        return fail (error);
    }
  if (o->export_shp != NULL && !export_shp (o, dataset, &error))
    return fail (error);
  if (o->export_png != NULL &&
      !mq_export_png (dataset, o->export_png, o->size, o->theme, o->bbox, label_field, layers,
                      (const char *const *) o->layers, &error))
    return fail (error);
  if (o->export_svg != NULL &&
      !mq_export_png (dataset, o->export_svg, o->size, o->theme, o->bbox, label_field, layers,
                      (const char *const *) o->layers, &error))
    return fail (error);
  if (o->export_pdf != NULL && !export_pdf (o, dataset, layers, label_field, &error))
    return fail (error);
  if (o->problems)
    print_problems (dataset);
  /* With a report, the changes are its first page. */
  if (o->changes_since != NULL && o->export_pdf == NULL && !print_changes (o, dataset, today, &error))
    return fail (error);
  if (o->summary)
    {
      g_autoptr(MqSummary) summary = mq_summary_new (dataset, today);
      g_autofree char *text = o->json ? mq_summary_to_json (summary) : mq_summary_to_text (summary);

      fputs (text, stdout);
      if (o->json)
        fputc ('\n', stdout);
    }
  mq_project_close (project);
  return 0;
}

static int
run_publish (Options *o)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *where = NULL;
  g_autofree char *project = NULL;

  if (o->publish_to == NULL)
    {
      g_set_error_literal (&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                           _("--publish needs --to=CONNINFO (e.g. --to=service=maqiao)"));
      return fail (error);
    }
  if (!mq_server_publish (o->publish, o->publish_to, o->schema, &error))
    return fail (error);
  where = mq_server_describe (o->publish_to);
  project = escape_controls (o->publish);
  g_print (_("Published %s to %s as “%s”\n"), project, where,
           o->schema ? o->schema : MQ_SERVER_DEFAULT_SCHEMA);
  return 0;
}

static gboolean
parse_merge_policy (const char     *text,
                    MqMergePolicy  *policy,
                    GError        **error)
{
  *policy = MQ_MERGE_ASK;
  if (text == NULL)
    return TRUE;
  if (g_strcmp0 (text, "largest") == 0 || g_strcmp0 (text, "agreed") == 0)
    {
      *policy = text[0] == 'l' ? MQ_MERGE_LARGEST : MQ_MERGE_AGREED;
      return TRUE;
    }
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("--merge-policy=%s: expected largest or agreed"), text);
  return FALSE;
}

/* Each line escaped on its own: text from files starts no line of its own. */
static void
print_lines (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *shown = escape_controls (lines[i]);

      if (*shown != '\0' || lines[i + 1] != NULL)
        g_print ("%s\n", shown);
    }
}

/* The change report as the file's name says: PDF pages, a workbook or CSV. */
static gboolean
write_change_report (MqSurveyUpdate  *update,
                     const char      *path,
                     GError         **error)
{
  if (g_str_has_suffix (path, ".pdf"))
    return mq_survey_pdf_write (update, path, mq_locale_is_chinese (), error);
  return mq_survey_update_write_report (update, path, mq_locale_is_chinese (), error);
}

/* --undo-survey-update PROJECT: a server project is loaded first, for the
 * name it is shown by (what was typed may hold a password). */
static int
undo_survey_update (const char *project)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MqDataset) loaded = NULL;
  g_autofree char *shown = NULL;
  gboolean ok;

  if (mq_server_is_project (project))
    {
      if ((loaded = mq_dataset_load (project, NULL, NULL, &error)) == NULL)
        return fail (error);
      ok = mq_survey_update_undo_dataset (loaded, &error);
    }
  else
    ok = mq_survey_update_undo (project, &error);
  if (!ok)
    return fail (error);
  shown = escape_controls (loaded ? mq_dataset_get_path (loaded) : project);
  g_print (_("The last survey update of %s was undone\n"), shown);
  return 0;
}

/* --update-survey=NEW PROJECT: what changed printed (and the change report
 * written) before anything is; then the project carried into the survey. */
static int
run_survey_update (Options *o)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MqSurveyUpdate) update = NULL;
  g_autofree char *project = o->files && o->files[0] ? g_strdup (o->files[0]) : NULL;
  g_autofree char *text = NULL, *shown = NULL;
  MqMergePolicy policy;
  MqLoadOptions load;
  GDate date;

  if (project == NULL)
    {
      g_set_error_literal (&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                           _("name the project file to update (or to undo the update of)"));
      return fail (error);
    }
  if (o->undo_survey)
    return undo_survey_update (project);
  g_date_clear (&date, 1);
  g_date_set_julian (&date, mq_today ());
  if (!parse_merge_policy (o->merge_policy, &policy, &error) ||
      (o->survey_date != NULL && !mq_as_of_parse_date ("--survey-date", o->survey_date, &date, &error)))
    return fail (error);
  mq_open_request_set (&o->request.path, o->update_survey);
  mq_open_request_get_options (&o->request, &load);
  update = mq_survey_update_prepare (project, o->update_survey, &load, policy, NULL, &error);
  if (update == NULL)
    return fail (error);
  text = mq_survey_update_dup_text (update);
  print_lines (text);
  if (o->change_report != NULL && !write_change_report (update, o->change_report, &error))
    return fail (error);
  if (o->dry_run)
    return 0;
  if (!mq_survey_update_apply (update, &date, &error))
    return fail (error);
  /* A server project by the name the loader gives it: never a password. */
  shown = escape_controls (mq_dataset_get_path (mq_survey_update_get_project (update)));
  g_print (_("%s now follows the new survey (--undo-survey-update takes it back)\n"), shown);
  return 0;
}

static int
run_gui (Options *o,
         char    *argv0)
{
  g_autoptr(MqApplication) app = mq_application_new ();
  g_autoptr(GError) error = NULL;
  /* In the window the sample is the user's own copy, to edit. */
  g_autofree char *path = (o->sample && o->files == NULL) ? sample_path (TRUE, &error)
                                                          : source_path (o, &error);

  if (error != NULL)
    return fail (error);
  mq_application_set_present (app, o->present);
  g_autofree char *abs_path = NULL;
  char *args[] = { argv0, NULL, NULL };

  if (path != NULL && g_str_has_prefix (path, MQ_SERVER_PREFIX))
    {
      mq_application_set_server (app, path);
      g_clear_pointer (&path, g_free);
    }
  if (path != NULL)
    args[1] = abs_path = g_canonicalize_filename (path, NULL);
  return g_application_run (G_APPLICATION (app), path ? 2 : 1, args);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  Options o = { 0 };
  int status;

  setup_i18n ();
  mq_core_init ();
  /* GDAL's "ERROR n:" lines would come before ours, in English, without
   * the file's name: its reason is in our one line (CPLGetLastErrorMsg). */
  CPLSetErrorHandler (CPLQuietErrorHandler);
  if (!parse_options (&o, &argc, &argv, &error))
    return fail (error);
  if (o.version)
    {
      g_print ("maqiao-land %s\n", PACKAGE_VERSION);
      status = 0;
    }
  else if (o.publish != NULL)
    status = run_publish (&o);
  else if (o.update_survey != NULL || o.undo_survey)
    status = run_survey_update (&o);
  else if (o.summary || o.export_png || o.export_csv || o.export_xlsx || o.export_shp || o.import || o.problems || o.export_pdf ||
           o.export_svg || o.apply_csv || o.planning || o.changes_since)
    status = run_headless (&o);
  else
    status = run_gui (&o, argv[0]);
  clear_options (&o);
  return status;
}
