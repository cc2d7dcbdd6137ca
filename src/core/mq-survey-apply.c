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
#include <math.h>
#include <string.h>

#include "mq-dataset-private.h"
#include "mq-import.h"
#include "mq-output.h"
#include "mq-pg-survey.h"
#include "mq-server-file.h"
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
 * @project: a project file, or a server project
 * @survey: the new survey: any source the loader reads
 *
 * Reads the project and plans the update (mq_survey_update_prepare_for()).
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
  GDALDatasetH check;

  /* A server project is read by the loader like any; a project file must
   * be one (a survey is not). */
  if (!mq_server_is_project (project))
    {
      if ((check = open_project (project, FALSE, error)) == NULL)
        return NULL;
      GDALClose (check);
    }
  if ((old = mq_dataset_load (project, NULL, cancellable, error)) == NULL)
    return NULL;
  return mq_survey_update_prepare_for (old, survey, survey_options, policy, cancellable, error);
}

/**
 * mq_survey_update_check_permitted:
 * @project: the project as loaded
 *
 * Whether this user may update the project's survey: a server project's
 * parcels table belongs to one role (MQ_SURVEY_UPDATE_ERROR_NOT_PERMITTED
 * names it); a project file is the file's to change. Asked by the window
 * before it reads a survey; the update itself asks again.
 */
gboolean
mq_survey_update_check_permitted (MqDataset  *project,
                                  GError    **error)
{
  const char *schema = NULL;
  const char *conninfo = _mq_dataset_get_server (project, &schema);

  return conninfo == NULL || _mq_pg_survey_check_owner (conninfo, schema, mq_dataset_get_path (project), error);
}

/**
 * mq_survey_update_prepare_for:
 * @project: the project as loaded (a window's snapshot will do: it is only
 *   read, and a server's parcels are checked unchanged when applying)
 *
 * Reads the survey (into a project file of its own, in a private
 * temporary folder: its exact geometry and every attribute are what the
 * update writes) and plans the update.
 */
MqSurveyUpdate *
mq_survey_update_prepare_for (MqDataset            *project,
                              const char           *survey,
                              const MqLoadOptions  *survey_options,
                              MqMergePolicy         policy,
                              GCancellable         *cancellable,
                              GError              **error)
{
  g_autoptr(MqDataset) new = NULL;
  g_autofree char *tmp_dir = NULL;
  g_autofree char *file = NULL;
  MqSurveyUpdate *self;

  if ((tmp_dir = g_dir_make_tmp ("maqiao-survey-XXXXXX", error)) == NULL)
    return NULL;
  file = g_build_filename (tmp_dir, "survey.gpkg", NULL);
  if ((new = mq_import (survey, survey_options, file, cancellable, error)) == NULL)
    {
      mq_output_remove_dir (tmp_dir);
      return NULL;
    }
  if ((self = mq_survey_update_plan (project, new, policy, error)) == NULL)
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

typedef struct
{
  Write       *w;
  OGRFeatureH  feature;
} Carry;

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

/**
 * _mq_survey_update_foreach_carried:
 *
 * What the update writes into survey parcel @j besides the survey's own
 * row: each carried value that differs from the survey's (its field, the
 * survey's value, the carried one), then — a parcel that is not simply the
 * same — where it came from (MQ_N_FIELDS, its parents, its relation). The
 * history batch records exactly these, so it undoes to the survey as
 * delivered. Both writers, the file's and the server's, go through here.
 */
gboolean
_mq_survey_update_foreach_carried (MqSurveyUpdate *self,
                                   guint           j,
                                   MqCarriedFunc   func,
                                   gpointer        data)
{
  const MqParcel *p = mq_parcels_get (mq_dataset_get_parcels (self->survey), j);
  MqLineage relation = g_array_index (self->new_relation, guint8, j);
  gboolean ok = TRUE;

  for (guint field = 0; ok && field < MQ_N_FIELDS; field++)
    {
      const char *carried = mq_survey_update_get_carried (self, j, field);
      g_autofree char *own = mq_parcel_dup_field_text (p, field);

      if (carried != NULL && g_strcmp0 (carried, own ? own : "") != 0)
        ok = func (data, p->id, field, own, carried);
    }
  if (ok && relation != MQ_LINEAGE_SAME)
    {
      g_autofree char *parents = _mq_survey_update_dup_parents (self, j);

      ok = func (data, p->id, MQ_N_FIELDS, parents, mq_lineage_key (relation));
    }
  return ok;
}

/**
 * _mq_survey_update_get_lineage_row:
 *
 * Link @k as a parcel_lineage row: the ids, the relation and — where both
 * parcels exist — the overlap, the shares and (a parcel's own change; a
 * split's or merge's parts have none) the change of area, else NAN.
 */
void
_mq_survey_update_get_lineage_row (MqSurveyUpdate *self,
                                   guint           k,
                                   MqLineageRow   *row)
{
  const MqLineageLink *l = &g_array_index (self->links, MqLineageLink, k);
  MqParcels *old = mq_dataset_get_parcels (self->project);
  MqParcels *new = mq_dataset_get_parcels (self->survey);
  const MqParcel *o = l->old_index != MQ_NO_PARCEL ? mq_parcels_get (old, l->old_index) : NULL;
  const MqParcel *n = l->new_index != MQ_NO_PARCEL ? mq_parcels_get (new, l->new_index) : NULL;
  gboolean both = o != NULL && n != NULL;

  row->old_id = o ? o->id : NULL;
  row->new_id = n ? n->id : NULL;
  row->relation = l->relation;
  row->overlap_m2 = both ? l->overlap_m2 : NAN;
  row->old_share = both ? l->old_share : NAN;
  row->new_share = both ? l->new_share : NAN;
  row->area_change_m2 = both && l->old_share >= 0.9 && l->new_share >= 0.9 ? n->area_m2 - o->area_m2 : NAN;
}

static gboolean
carried_into_file (gpointer    data,
                   const char *parcel_id,
                   guint       field,
                   const char *own,
                   const char *carried)
{
  Carry *c = data;

  if (field < MQ_N_FIELDS)
    set_text (c->feature, mq_field_info (field)->key, carried);
  return add_history (c->w, parcel_id, field < MQ_N_FIELDS ? mq_field_info (field)->key : "survey",
                      own, carried);
}

/* The carried status into the survey's row, and each value that changed by
 * it into the history. */
static gboolean
carry_into (Write       *w,
            guint        j,
            OGRFeatureH  f)
{
  Carry c = { w, f };

  return _mq_survey_update_foreach_carried (w->self, j, carried_into_file, &c);
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

static void
set_real (OGRFeatureH  f,
          const char  *column,
          double       value)
{
  if (!isnan (value))
    OGR_F_SetFieldDouble (f, OGR_F_GetFieldIndex (f, column), value);
}

static gboolean
write_lineage (Write *w)
{
  gboolean ok = TRUE;

  for (guint k = 0; ok && k < w->self->links->len; k++)
    {
      OGRFeatureH f = OGR_F_Create (OGR_L_GetLayerDefn (w->lineage));
      MqLineageRow row;

      _mq_survey_update_get_lineage_row (w->self, k, &row);
      set_text (f, "old_id", row.old_id);
      set_text (f, "new_id", row.new_id);
      set_text (f, "relation", mq_lineage_key (row.relation));
      set_real (f, "overlap_m2", row.overlap_m2);
      set_real (f, "old_share", row.old_share);
      set_real (f, "new_share", row.new_share);
      set_real (f, "area_change_m2", row.area_change_m2);
      set_text (f, "survey_date", w->date);
      OGR_F_SetFieldInteger64 (f, OGR_F_GetFieldIndex (f, "batch"), w->batch);
      ok = OGR_L_CreateFeature (w->lineage, f) == OGRERR_NONE;
      OGR_F_Destroy (f);
      if (ok && row.relation == MQ_LINEAGE_GONE)
        ok = add_history (w, row.old_id, "survey", row.old_id, mq_lineage_key (MQ_LINEAGE_GONE));
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
  if (!refuse_conflicts (self, error))
    return FALSE;
  g_date_strftime (date, sizeof date, "%Y-%m-%d", survey_date);
  if (_mq_dataset_get_server (self->project, NULL) != NULL)
    return _mq_pg_survey_apply (self, date, error);
  if ((w.ds = open_project (path, TRUE, error)) == NULL)
    return FALSE;
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
 * @project: a project file (a server project: mq_survey_update_undo_dataset())
 *
 * Takes the project's last survey update back: its parcels table as it was,
 * the update's lineage and history gone. Refused when the project was
 * edited since.
 */
gboolean
mq_survey_update_undo (const char  *project,
                       GError     **error)
{
  GDALDatasetH ds;
  gboolean ok;

  if ((ds = open_project (project, TRUE, error)) == NULL)
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

/**
 * mq_survey_update_undo_dataset:
 * @project: the project as loaded (only where it is kept is read)
 *
 * mq_survey_update_undo() of the project @project was loaded from: a
 * window's, whose server connection may hold a password.
 */
gboolean
mq_survey_update_undo_dataset (MqDataset  *project,
                               GError    **error)
{
  const char *schema = NULL;
  const char *conninfo = _mq_dataset_get_server (project, &schema);

  if (conninfo != NULL)
    return _mq_pg_survey_undo (conninfo, schema, mq_dataset_get_path (project), error);
  return mq_survey_update_undo (mq_dataset_get_path (project), error);
}
