/* mq-survey-apply.c — a survey update written into the project file, and taken back.
 *
 * One GDAL transaction on the GeoPackage: either the whole update is there
 * (the old parcels table renamed and kept, the new one, its lineage and its
 * history batch) or none of it is. Nothing here builds SQL text: the rows
 * are written and found through OGR's API.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <cpl_error.h>
#include <gdal.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <string.h>

#include "mq-import.h"
#include "mq-output.h"
#include "mq-survey-update-private.h"

#define ARCHIVE_PREFIX "parcels_before_update_"

static gboolean
fail (GError     **error,
      const char  *path)
{
  const char *reason = CPLGetLastErrorMsg ();

  g_set_error (error, MQ_SURVEY_UPDATE_ERROR, MQ_SURVEY_UPDATE_ERROR_WRITE,
               _("%s: the survey update could not be written (nothing was changed): %s"), path,
               (reason && *reason) ? reason : _("unknown error"));
  return FALSE;
}

static GDALDatasetH
open_project (const char  *path,
              gboolean     update,
              GError     **error)
{
  static const char *const drivers[] = { "GPKG", NULL };
  GDALDatasetH ds;

  if (g_str_has_prefix (path, "pg:"))
    {
      g_set_error (error, MQ_SURVEY_UPDATE_ERROR, MQ_SURVEY_UPDATE_ERROR_NOT_A_PROJECT,
                   _("%s: a server project's survey is not updated yet; update the project file, then publish it"),
                   path);
      return NULL;
    }
  ds = GDALOpenEx (path, GDAL_OF_VECTOR | (update ? GDAL_OF_UPDATE : 0), drivers, NULL, NULL);
  if (ds == NULL || GDALDatasetGetLayerByName (ds, "parcels") == NULL ||
      GDALDatasetGetLayerByName (ds, "lock_history") == NULL)
    {
      if (ds != NULL)
        GDALClose (ds);
      g_set_error (error, MQ_SURVEY_UPDATE_ERROR, MQ_SURVEY_UPDATE_ERROR_NOT_A_PROJECT,
                   _("%s: not a project file (a GeoPackage with parcels and their history); "
                     "import the first survey into one with --import"), path);
      return NULL;
    }
  return ds;
}

/**
 * mq_survey_update_prepare:
 * @project: a project file
 * @survey: the new survey: any source the loader reads
 *
 * Reads both (the survey into a project file of its own, in a private
 * temporary folder: its exact geometry and every attribute are what the
 * update writes) and plans the update.
 */
MqSurveyUpdate *
mq_survey_update_prepare (const char           *project,
                          const char           *survey,
                          const MqLoadOptions  *survey_options,
                          MqMergePolicy         policy,
                          GCancellable         *cancellable,
                          GError              **error)
{
  g_autoptr(MqDataset) old = NULL;
  g_autoptr(MqDataset) new = NULL;
  g_autofree char *tmp_dir = NULL;
  g_autofree char *file = NULL;
  GDALDatasetH check;
  MqSurveyUpdate *self;

  if ((check = open_project (project, FALSE, error)) == NULL)
    return NULL;
  GDALClose (check);
  if ((old = mq_dataset_load (project, NULL, cancellable, error)) == NULL)
    return NULL;
  if ((tmp_dir = g_dir_make_tmp ("maqiao-survey-XXXXXX", error)) == NULL)
    return NULL;
  file = g_build_filename (tmp_dir, "survey.gpkg", NULL);
  if ((new = mq_import (survey, survey_options, file, cancellable, error)) == NULL)
    {
      mq_output_remove_dir (tmp_dir);
      return NULL;
    }
  if ((self = mq_survey_update_plan (old, new, policy, error)) == NULL)
    {
      mq_output_remove_dir (tmp_dir);
      return NULL;
    }
  self->tmp_dir = g_steal_pointer (&tmp_dir);
  self->survey_file = g_steal_pointer (&file);
  return self;
}

/* The next history batch: one more than the largest recorded. */
static gint64
next_batch (OGRLayerH history)
{
  int field = OGR_FD_GetFieldIndex (OGR_L_GetLayerDefn (history), "batch");
  gint64 last = 0;
  OGRFeatureH f;

  OGR_L_ResetReading (history);
  while (field >= 0 && (f = OGR_L_GetNextFeature (history)) != NULL)
    {
      last = MAX (last, OGR_F_GetFieldAsInteger64 (f, field));
      OGR_F_Destroy (f);
    }
  return last + 1;
}

static OGRLayerH
create_parcels (GDALDatasetH          ds,
                OGRLayerH             like,
                OGRSpatialReferenceH  srs)
{
  static const char *const options[] = { "GEOMETRY_NAME=geom", "FID=fid", NULL };
  OGRFeatureDefnH defn = OGR_L_GetLayerDefn (like);
  OGRLayerH layer = GDALDatasetCreateLayer (ds, "parcels", srs, OGR_L_GetGeomType (like), (char **) options);

  for (int i = 0; layer != NULL && i < OGR_FD_GetFieldCount (defn); i++)
    if (OGR_L_CreateField (layer, OGR_FD_GetFieldDefn (defn, i), TRUE) != OGRERR_NONE)
      return NULL;
  return layer;
}

static void
set_text (OGRFeatureH  f,
          const char  *column,
          const char  *text)
{
  int i = OGR_F_GetFieldIndex (f, column);

  if (i < 0)
    return;
  if (text == NULL || *text == '\0')
    OGR_F_SetFieldNull (f, i);
  else
    OGR_F_SetFieldString (f, i, text);
}

typedef struct
{
  MqSurveyUpdate *self;
  GDALDatasetH    ds;
  OGRLayerH       history;
  OGRLayerH       lineage;
  gint64          batch;
  char           *now;
  char           *date;
} Write;

static gboolean
add_history (Write      *w,
             const char *parcel_id,
             const char *field,
             const char *old_value,
             const char *new_value)
{
  OGRFeatureH f = OGR_F_Create (OGR_L_GetLayerDefn (w->history));
  gboolean ok;

  set_text (f, "changed_at", w->now);
  set_text (f, "user", g_get_user_name ());
  set_text (f, "parcel_id", parcel_id);
  set_text (f, "field", field);
  OGR_F_SetFieldString (f, OGR_F_GetFieldIndex (f, "old_value"), old_value ? old_value : "");
  OGR_F_SetFieldString (f, OGR_F_GetFieldIndex (f, "new_value"), new_value ? new_value : "");
  set_text (f, "action", "survey");
  OGR_F_SetFieldInteger64 (f, OGR_F_GetFieldIndex (f, "batch"), w->batch);
  ok = OGR_L_CreateFeature (w->history, f) == OGRERR_NONE;
  OGR_F_Destroy (f);
  return ok;
}

/* The carried status into the survey's row, and each value that changed by
 * it into the history: the batch undoes to the survey as delivered. */
static gboolean
carry_into (Write       *w,
            guint        j,
            OGRFeatureH  f)
{
  const MqParcel *p = mq_parcels_get (mq_dataset_get_parcels (w->self->survey), j);
  MqLineage relation = g_array_index (w->self->new_relation, guint8, j);
  g_autofree char *parents = _mq_survey_update_dup_parents (w->self, j);
  gboolean ok = TRUE;

  for (guint field = 0; ok && field < MQ_N_FIELDS; field++)
    {
      const char *carried = mq_survey_update_get_carried (w->self, j, field);
      g_autofree char *own = mq_parcel_dup_field_text (p, field);

      if (carried == NULL || g_strcmp0 (carried, own ? own : "") == 0)
        continue;
      set_text (f, mq_field_info (field)->key, carried);
      ok = add_history (w, p->id, mq_field_info (field)->key, own, carried);
    }
  if (ok && relation != MQ_LINEAGE_SAME)
    ok = add_history (w, p->id, "survey", parents, mq_lineage_key (relation));
  return ok;
}

static gboolean
write_parcels (Write                        *w,
               OGRLayerH                     from,
               OGRLayerH                     to,
               OGRCoordinateTransformationH  transform)
{
  guint n = mq_parcels_get_n_parcels (mq_dataset_get_parcels (w->self->survey));
  OGRFeatureH nf;
  guint j = 0;
  gboolean ok = TRUE;

  OGR_L_ResetReading (from);
  while (ok && (nf = OGR_L_GetNextFeature (from)) != NULL)
    {
      OGRFeatureH f = OGR_F_Create (OGR_L_GetLayerDefn (to));
      OGRGeometryH g;

      OGR_F_SetFrom (f, nf, TRUE);
      OGR_F_SetFID (f, OGR_F_GetFID (nf));
      g = OGR_F_GetGeometryRef (f);
      ok = j < n && (transform == NULL || g == NULL || OGR_G_Transform (g, transform) == OGRERR_NONE) &&
           carry_into (w, j, f) && OGR_L_CreateFeature (to, f) == OGRERR_NONE;
      OGR_F_Destroy (f);
      OGR_F_Destroy (nf);
      j++;
    }
  if (ok && j != n)
    CPLError (CE_Failure, CPLE_AppDefined, "the survey's copy holds %u parcels, %u were read", j, n);
  return ok && j == n;
}

static OGRLayerH
lineage_layer (GDALDatasetH ds)
{
  static const struct { const char *name; OGRFieldType type; } fields[] = {
    { "old_id", OFTString }, { "new_id", OFTString }, { "relation", OFTString },
    { "overlap_m2", OFTReal }, { "old_share", OFTReal }, { "new_share", OFTReal },
    { "area_change_m2", OFTReal }, { "survey_date", OFTDate }, { "batch", OFTInteger64 },
  };
  OGRLayerH layer = GDALDatasetGetLayerByName (ds, "parcel_lineage");

  if (layer != NULL)
    return layer;
  layer = GDALDatasetCreateLayer (ds, "parcel_lineage", NULL, wkbNone, NULL);
  for (guint i = 0; layer != NULL && i < G_N_ELEMENTS (fields); i++)
    {
      OGRFieldDefnH defn = OGR_Fld_Create (fields[i].name, fields[i].type);
      gboolean ok = OGR_L_CreateField (layer, defn, TRUE) == OGRERR_NONE;

      OGR_Fld_Destroy (defn);
      if (!ok)
        return NULL;
    }
  return layer;
}

static gboolean
write_lineage (Write *w)
{
  MqParcels *old = mq_dataset_get_parcels (w->self->project);
  MqParcels *new = mq_dataset_get_parcels (w->self->survey);
  gboolean ok = TRUE;

  for (guint k = 0; ok && k < w->self->links->len; k++)
    {
      const MqLineageLink *l = &g_array_index (w->self->links, MqLineageLink, k);
      const MqParcel *o = l->old_index != MQ_NO_PARCEL ? mq_parcels_get (old, l->old_index) : NULL;
      const MqParcel *n = l->new_index != MQ_NO_PARCEL ? mq_parcels_get (new, l->new_index) : NULL;
      OGRFeatureH f = OGR_F_Create (OGR_L_GetLayerDefn (w->lineage));

      set_text (f, "old_id", o ? o->id : NULL);
      set_text (f, "new_id", n ? n->id : NULL);
      set_text (f, "relation", mq_lineage_key (l->relation));
      if (o != NULL && n != NULL)
        {
          OGR_F_SetFieldDouble (f, OGR_F_GetFieldIndex (f, "overlap_m2"), l->overlap_m2);
          OGR_F_SetFieldDouble (f, OGR_F_GetFieldIndex (f, "old_share"), l->old_share);
          OGR_F_SetFieldDouble (f, OGR_F_GetFieldIndex (f, "new_share"), l->new_share);
          /* A parcel's own change; a split's or merge's parts have none. */
          if (l->old_share >= 0.9 && l->new_share >= 0.9)
            OGR_F_SetFieldDouble (f, OGR_F_GetFieldIndex (f, "area_change_m2"), n->area_m2 - o->area_m2);
        }
      set_text (f, "survey_date", w->date);
      OGR_F_SetFieldInteger64 (f, OGR_F_GetFieldIndex (f, "batch"), w->batch);
      ok = OGR_L_CreateFeature (w->lineage, f) == OGRERR_NONE;
      OGR_F_Destroy (f);
      if (ok && l->relation == MQ_LINEAGE_GONE)
        ok = add_history (w, o->id, "survey", o->id, mq_lineage_key (MQ_LINEAGE_GONE));
    }
  return ok;
}

static gboolean
refuse_conflicts (MqSurveyUpdate  *self,
                  GError         **error)
{
  guint n = mq_survey_update_get_n_unresolved (self);

  if (n == 0)
    return TRUE;
  g_set_error (error, MQ_SURVEY_UPDATE_ERROR, MQ_SURVEY_UPDATE_ERROR_CONFLICTS,
               g_dngettext (GETTEXT_PACKAGE,
                            "%s: merged parcels disagree on %u value; choose what the merged parcel keeps "
                            "(--merge-policy=largest or agreed); nothing was changed",
                            "%s: merged parcels disagree on %u values; choose what the merged parcel keeps "
                            "(--merge-policy=largest or agreed); nothing was changed", n),
               mq_dataset_get_path (self->project), n);
  return FALSE;
}

static gboolean
write_update (Write       *w,
              const char  *path)
{
  static const char *const drivers[] = { "GPKG", NULL };
  GDALDatasetH survey = GDALOpenEx (w->self->survey_file, GDAL_OF_VECTOR, drivers, NULL, NULL);
  OGRLayerH from = survey ? GDALDatasetGetLayerByName (survey, "parcels") : NULL;
  OGRLayerH old = GDALDatasetGetLayerByName (w->ds, "parcels");
  OGRSpatialReferenceH srs = OGR_L_GetSpatialRef (old);
  OGRSpatialReferenceH from_srs = from ? OGR_L_GetSpatialRef (from) : NULL;
  OGRCoordinateTransformationH transform = NULL;
  g_autofree char *archive = g_strdup_printf (ARCHIVE_PREFIX "%" G_GINT64_FORMAT, w->batch);
  OGRLayerH to;
  gboolean ok;

  if (from_srs && srs && !OSRIsSame (from_srs, srs))
    transform = OCTNewCoordinateTransformation (from_srs, srs);
  ok = from != NULL && GDALDatasetGetLayerByName (w->ds, archive) == NULL &&
       OGR_L_Rename (old, archive) == OGRERR_NONE &&
       (to = create_parcels (w->ds, from, srs)) != NULL &&
       (w->lineage = lineage_layer (w->ds)) != NULL &&
       write_parcels (w, from, to, transform) && write_lineage (w);
  if (transform != NULL)
    OCTDestroyCoordinateTransformation (transform);
  if (survey != NULL)
    GDALClose (survey);
  return ok;
}

/**
 * mq_survey_update_apply:
 * @survey_date: the survey's date, kept with the lineage
 *
 * Writes the update into the project file, whole or not at all.
 */
gboolean
mq_survey_update_apply (MqSurveyUpdate  *self,
                        const GDate     *survey_date,
                        GError         **error)
{
  const char *path = mq_dataset_get_path (self->project);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  Write w = { self };
  gboolean ok;
  char date[16];

  g_return_val_if_fail (self->survey_file != NULL, FALSE);
  if (!refuse_conflicts (self, error) || (w.ds = open_project (path, TRUE, error)) == NULL)
    return FALSE;
  g_date_strftime (date, sizeof date, "%Y-%m-%d", survey_date);
  w.date = date;
  w.now = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S.000Z");
  w.history = GDALDatasetGetLayerByName (w.ds, "lock_history");
  w.batch = next_batch (w.history);
  CPLErrorReset ();
  ok = GDALDatasetStartTransaction (w.ds, FALSE) == OGRERR_NONE;
  if (ok && !write_update (&w, path))
    {
      fail (error, path);
      GDALDatasetRollbackTransaction (w.ds);
      ok = FALSE;
    }
  else if (!ok || GDALDatasetCommitTransaction (w.ds) != OGRERR_NONE)
    ok = fail (error, path);
  g_free (w.now);
  GDALClose (w.ds);
  return ok;
}

/* ---- undo ---- */

static int
layer_index (GDALDatasetH  ds,
             const char   *name)
{
  for (int i = 0; i < GDALDatasetGetLayerCount (ds); i++)
    if (g_strcmp0 (OGR_L_GetName (GDALDatasetGetLayer (ds, i)), name) == 0)
      return i;
  return -1;
}

/* Deletes the rows of @layer whose batch is @batch; says how many are newer. */
static gboolean
delete_batch (OGRLayerH  layer,
              gint64     batch,
              guint     *n_later)
{
  int field = OGR_FD_GetFieldIndex (OGR_L_GetLayerDefn (layer), "batch");
  g_autoptr(GArray) fids = g_array_new (FALSE, FALSE, sizeof (GIntBig));
  OGRFeatureH f;

  *n_later = 0;
  OGR_L_ResetReading (layer);
  while ((f = OGR_L_GetNextFeature (layer)) != NULL)
    {
      gint64 b = OGR_F_GetFieldAsInteger64 (f, field);
      GIntBig fid = OGR_F_GetFID (f);

      if (b == batch)
        g_array_append_val (fids, fid);
      *n_later += b > batch;
      OGR_F_Destroy (f);
    }
  for (guint i = 0; i < fids->len; i++)
    if (OGR_L_DeleteFeature (layer, g_array_index (fids, GIntBig, i)) != OGRERR_NONE)
      return FALSE;
  return TRUE;
}

static gboolean
undo_last (GDALDatasetH   ds,
           const char    *path,
           GError       **error)
{
  OGRLayerH lineage = GDALDatasetGetLayerByName (ds, "parcel_lineage");
  OGRLayerH history = GDALDatasetGetLayerByName (ds, "lock_history");
  gint64 batch = lineage ? next_batch (lineage) - 1 : 0;
  g_autofree char *archive = g_strdup_printf (ARCHIVE_PREFIX "%" G_GINT64_FORMAT, batch);
  OGRLayerH kept = GDALDatasetGetLayerByName (ds, archive);
  guint n_later = 0, unused;

  if (batch <= 0 || kept == NULL)
    {
      g_set_error (error, MQ_SURVEY_UPDATE_ERROR, MQ_SURVEY_UPDATE_ERROR_NOTHING_TO_UNDO,
                   _("%s: no survey update to undo"), path);
      return FALSE;
    }
  if (!delete_batch (history, batch, &n_later))
    return fail (error, path);
  if (n_later > 0)
    {
      g_set_error (error, MQ_SURVEY_UPDATE_ERROR, MQ_SURVEY_UPDATE_ERROR_EDITED_SINCE,
                   g_dngettext (GETTEXT_PACKAGE,
                                "%s: %u change was made after the survey update and would be lost; "
                                "the update can no longer be taken back (nothing was changed)",
                                "%s: %u changes were made after the survey update and would be lost; "
                                "the update can no longer be taken back (nothing was changed)",
                                n_later), path, n_later);
      return FALSE;
    }
  if (!delete_batch (lineage, batch, &unused) ||
      GDALDatasetDeleteLayer (ds, layer_index (ds, "parcels")) != OGRERR_NONE ||
      OGR_L_Rename (GDALDatasetGetLayerByName (ds, archive), "parcels") != OGRERR_NONE)
    return fail (error, path);
  /* The first update made the table: the file is as it was before it. */
  OGR_L_ResetReading (lineage);
  if (OGR_L_GetFeatureCount (lineage, TRUE) == 0 &&
      GDALDatasetDeleteLayer (ds, layer_index (ds, "parcel_lineage")) != OGRERR_NONE)
    return fail (error, path);
  return TRUE;
}

/**
 * mq_survey_update_undo:
 *
 * Takes the project's last survey update back: its parcels table as it was,
 * the update's lineage and history gone. Refused when the project was
 * edited since.
 */
gboolean
mq_survey_update_undo (const char  *project,
                       GError     **error)
{
  GDALDatasetH ds = open_project (project, TRUE, error);
  gboolean ok;

  if (ds == NULL)
    return FALSE;
  CPLErrorReset ();
  ok = GDALDatasetStartTransaction (ds, FALSE) == OGRERR_NONE && undo_last (ds, project, error);
  if (ok && GDALDatasetCommitTransaction (ds) != OGRERR_NONE)
    ok = fail (error, project);
  else if (!ok)
    {
      if (error != NULL && *error == NULL)
        fail (error, project);
      GDALDatasetRollbackTransaction (ds);
    }
  GDALClose (ds);
  return ok;
}
