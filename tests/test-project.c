/* test-project.c — MqProject and MqParcelModel without a display: open, a
 * question and its answer, edit, undo and redo, another program's commit,
 * close, and nothing left holding a reference.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-parcel-model.h"
#include "mq-project.h"
#include "test-util.h"

#define TIMEOUT_S 60

typedef struct
{
  guint              loaded;
  guint              answers;
  MqProjectQuestion  question;
  guint              changed;
  guint64            fields;
  GArray            *parcels;
  guint              elsewhere;
  guint              closed;
} Events;

static void
on_loaded (MqProject *project,
           Events    *events)
{
  events->loaded++;
}

static void
on_needs_answer (MqProject         *project,
                 MqProjectQuestion  question,
                 const GError      *error,
                 Events            *events)
{
  events->answers++;
  events->question = question;
}

static void
on_changed (MqProject *project,
            GArray    *parcels,
            guint64    fields,
            Events    *events)
{
  events->changed++;
  events->fields = fields;
  g_clear_pointer (&events->parcels, g_array_unref);
  events->parcels = parcels ? g_array_ref (parcels) : NULL;
}

static void
on_elsewhere (MqProject  *project,
              const char *path,
              Events     *events)
{
  events->elsewhere++;
}

static void
on_closed (MqProject *project,
           Events    *events)
{
  events->closed++;
}

static void
watch (MqProject *project,
       Events    *events)
{
  g_signal_connect (project, "loaded", G_CALLBACK (on_loaded), events);
  g_signal_connect (project, "needs-answer", G_CALLBACK (on_needs_answer), events);
  g_signal_connect (project, "changed", G_CALLBACK (on_changed), events);
  g_signal_connect (project, "changed-elsewhere", G_CALLBACK (on_elsewhere), events);
  g_signal_connect (project, "closed", G_CALLBACK (on_closed), events);
}

/* Runs the main loop until *@counter reaches @value: no fixed sleeps. */
static void
wait_for (guint *counter,
          guint  value)
{
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_S * G_USEC_PER_SEC;

  while (*counter < value && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (*counter, >=, value);
}

static const MqParcel *
parcel (MqProject *project,
        guint      i)
{
  /* Looked up again each time: an edit replaces the generation. */
  return mq_parcels_get (mq_dataset_get_parcels (mq_project_get_dataset (project)), i);
}

static void
count_signal (gpointer  instance,
              guint    *count)
{
  (*count)++;
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

/* Another encoding reloads the same request with it, and says so. */
static void
test_encoding (void)
{
  g_autofree char *path = test_corpus_file ("enc-utf8-cpg.shp");
  MqProject *project = mq_project_new ();
  Events events = { 0 };
  guint notified = 0;

  watch (project, &events);
  g_signal_connect (project, "notify::encoding", G_CALLBACK (count_notify), &notified);
  mq_project_open_path (project, path);
  wait_for (&events.loaded, 1);
  g_assert_cmpstr (mq_project_get_encoding (project), ==, "auto");
  notified = 0;
  g_object_set (project, "encoding", "GB18030", NULL);
  g_assert_cmpuint (notified, ==, 1);
  g_assert_cmpstr (mq_project_get_request (project)->encoding, ==, "GB18030");
  wait_for (&events.loaded, 2);
  g_assert_cmpstr (mq_dataset_get_encoding (mq_project_get_dataset (project)), ==, "GB18030");
  /* The same again changes nothing and says nothing. */
  notified = 0;
  mq_project_set_encoding (project, "GB18030");
  g_assert_cmpuint (notified, ==, 0);
  g_assert_false (mq_project_get_loading (project));
  mq_project_close (project);
  g_assert_finalize_object (project);
}

/* A shapefile without .prj: the CRS is asked, and the answer opens it. */
static void
test_needs_answer (void)
{
  g_autofree char *path = test_corpus_file ("crs-no-prj.shp");
  MqProject *project = mq_project_new ();
  Events events = { 0 };

  watch (project, &events);
  mq_project_open_path (project, path);
  g_assert_true (mq_project_get_loading (project));
  wait_for (&events.answers, 1);
  g_assert_cmpint (events.question, ==, MQ_PROJECT_QUESTION_CRS);
  g_assert_null (mq_project_get_dataset (project));
  g_assert_false (mq_project_get_loading (project));
  mq_project_answer_crs (project, "EPSG:4549");
  wait_for (&events.loaded, 1);
  g_assert_cmpstr (mq_dataset_get_crs_label (mq_project_get_dataset (project)), ==, "EPSG:4549");
  g_assert_cmpstr (mq_project_get_request (project)->crs, ==, "EPSG:4549");
  /* A survey is not a project: nothing to edit, no error either; the
   * four-locks model still names what is selected. */
  g_assert_false (mq_project_get_has_store (project));
  g_assert_null (mq_project_get_store_error (project));
  {
    g_autoptr(MqParcelModel) model = mq_parcel_model_new ();
    g_autofree char *title = NULL;

    mq_parcel_model_set_project (model, project);
    mq_selection_select_only (mq_project_get_selection (project), 0);
    g_object_get (model, "title", &title, NULL);
    g_assert_cmpstr (title, ==,
                     mq_parcels_get (mq_dataset_get_parcels (mq_project_get_dataset (project)), 0)->id);
    mq_parcel_model_set_project (model, NULL);
  }
  mq_project_close (project);
  g_assert_cmpuint (events.closed, ==, 1);
  g_assert_finalize_object (project);
}

static MqProject *
open_copy (const char *dir,
           Events     *events)
{
  g_autofree char *gpkg = test_copy_sample (dir, "maqiao.gpkg");
  MqProject *project = mq_project_new ();

  watch (project, events);
  mq_project_open_path (project, gpkg);
  wait_for (&events->loaded, 1);
  g_assert_true (mq_project_get_has_store (project));
  g_assert_true (mq_project_get_editable (project));
  return project;
}

static gboolean
set_notes (MqProject  *project,
           guint       i,
           const char *text)
{
  g_autoptr(MqEdit) edit = mq_edit_new (MQ_EDIT_ACTION_EDIT);

  mq_edit_set (edit, i, MQ_FIELD_NOTES, text, 0);
  return mq_project_apply (project, edit, NULL);
}

/* An edit says which parcel and which field; undo and redo replay it. */
static void
test_edit_undo_redo (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mq-project-XXXXXX", NULL);
  Events events = { 0 };
  MqProject *project = open_copy (dir, &events);
  g_autofree char *before = g_strdup (parcel (project, 3)->details->notes);
  guint undo_notified = 0;

  g_signal_connect (project, "notify::can-undo", G_CALLBACK (count_notify), &undo_notified);
  g_assert_false (mq_project_get_can_undo (project));
  g_assert_true (set_notes (project, 3, "项目会议已确认"));
  g_assert_cmpuint (events.changed, ==, 1);
  g_assert_nonnull (events.parcels);
  g_assert_cmpuint (events.parcels->len, ==, 1);
  g_assert_cmpuint (g_array_index (events.parcels, guint, 0), ==, 3);
  g_assert_true (events.fields & (G_GUINT64_CONSTANT (1) << MQ_FIELD_NOTES));
  g_assert_cmpstr (parcel (project, 3)->details->notes, ==, "项目会议已确认");
  g_assert_true (mq_project_get_can_undo (project));
  /* Notified when it became true, not again for the same value. */
  g_assert_cmpuint (undo_notified, ==, 1);
  g_assert_true (set_notes (project, 3, "项目会议已确认，第二次"));
  g_assert_cmpuint (undo_notified, ==, 1);

  g_assert_true (mq_project_undo (project, NULL));
  g_assert_true (mq_project_undo (project, NULL));
  g_assert_cmpuint (events.changed, ==, 4);
  g_assert_cmpstr (parcel (project, 3)->details->notes, ==, before);
  g_assert_false (mq_project_get_can_undo (project));
  g_assert_cmpuint (undo_notified, ==, 2);
  g_assert_true (mq_project_get_can_redo (project));
  g_assert_true (mq_project_redo (project, NULL));
  g_assert_cmpstr (parcel (project, 3)->details->notes, ==, "项目会议已确认");

  mq_project_close (project);
  g_assert_null (mq_project_get_dataset (project));
  g_assert_false (mq_project_get_can_undo (project));
  g_clear_pointer (&events.parcels, g_array_unref);
  g_assert_finalize_object (project);
  test_remove_dir (dir);
}

/* Another program commits to the file: the project notices, says so and
 * loads the file as it now is. */
static void
test_external_change (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mq-project-XXXXXX", NULL);
  Events events = { 0 };
  MqProject *project = open_copy (dir, &events);
  MqDataset *opened = mq_project_get_dataset (project);

  g_assert_false (mq_project_check_elsewhere (project));
  {
    g_autoptr(MqDataset) other = mq_dataset_load (mq_dataset_get_path (opened), NULL, NULL, NULL);
    g_autoptr(MqStore) store = mq_store_open (other, NULL);
    g_autoptr(MqEdit) edit = mq_edit_new (MQ_EDIT_ACTION_EDIT);

    mq_edit_set (edit, 5, MQ_FIELD_NOTES, "另一台电脑写的", 0);
    g_assert_true (mq_store_apply (store, edit, NULL));
  }
  /* The project's own watch finds it (every 2 s); wait for its signal. */
  wait_for (&events.elsewhere, 1);
  wait_for (&events.loaded, 2);
  g_assert_cmpstr (parcel (project, 5)->details->notes, ==, "另一台电脑写的");
  g_assert_true (mq_project_get_editable (project));
  mq_project_close (project);
  g_assert_finalize_object (project);
  test_remove_dir (dir);
}

/* Other planners' edits, as a server store reports them: here a second
 * store really edits the file, and the test emits the project store's
 * "changed-remotely" with that store's history rows (a GeoPackage has no
 * notifications of its own). Two bursts become one "changed" and one
 * "changed-remotely", with both parcels and the field. */
typedef struct
{
  guint      count;
  GPtrArray *entries;
} Remote;

static void
on_changed_remotely (MqProject *project,
                     GPtrArray *entries,
                     Remote    *remote)
{
  remote->count++;
  g_clear_pointer (&remote->entries, g_ptr_array_unref);
  remote->entries = g_ptr_array_ref (entries);
}

static GPtrArray *
edit_elsewhere (MqDataset   *other,
                MqStore     *store,
                guint        i,
                MqField      field,
                const char  *value)
{
  g_autoptr(MqEdit) edit = mq_edit_new (MQ_EDIT_ACTION_EDIT);

  mq_edit_set (edit, i, field, value, 0);
  g_assert_true (mq_store_apply (store, edit, NULL));
  return mq_store_list_history (store, mq_parcels_get (mq_dataset_get_parcels (other), i)->id,
                                1, NULL);
}

static void
test_changed_remotely (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mq-project-XXXXXX", NULL);
  Events events = { 0 };
  MqProject *project = open_copy (dir, &events);
  g_autoptr(MqDataset) other = mq_dataset_load (mq_project_get_store_path (project), NULL, NULL,
                                                NULL);
  g_autoptr(MqStore) store = mq_store_open (other, NULL);
  g_autoptr(GPtrArray) first = edit_elsewhere (other, store, 4, MQ_FIELD_ENTITY, "马桥镇城运中心");
  g_autoptr(GPtrArray) second = edit_elsewhere (other, store, 9, MQ_FIELD_ENTITY, "闵行区规资局");
  Remote remote = { 0 };

  g_signal_connect (project, "changed-remotely", G_CALLBACK (on_changed_remotely), &remote);
  mq_store_emit_changed_remotely (mq_project_get_store (project), first);
  mq_store_emit_changed_remotely (mq_project_get_store (project), second);
  g_assert_cmpuint (events.changed, ==, 0);
  wait_for (&remote.count, 1);
  g_assert_cmpuint (events.changed, ==, 1);
  g_assert_cmpuint (events.parcels->len, ==, 2);
  g_assert_cmpuint (g_array_index (events.parcels, guint, 0), ==, 4);
  g_assert_cmpuint (g_array_index (events.parcels, guint, 1), ==, 9);
  g_assert_cmpuint (events.fields, ==, G_GUINT64_CONSTANT (1) << MQ_FIELD_ENTITY);
  g_assert_cmpuint (remote.entries->len, ==, 2);
  g_assert_cmpstr (((MqHistoryEntry *) g_ptr_array_index (remote.entries, 1))->new_value, ==,
                   "闵行区规资局");
  g_clear_pointer (&remote.entries, g_ptr_array_unref);
  /* The file watch may have seen the other store's commits first (a slow,
   * sanitized run): the pending changes were told, then the file reloaded. */
  if (events.elsewhere > 0)
    wait_for (&events.loaded, 2);
  mq_project_close (project);
  g_clear_pointer (&events.parcels, g_array_unref);
  g_assert_finalize_object (project);
  test_remove_dir (dir);
}

/* The same field changed by another store since the project read it: the
 * apply is refused, "conflicted" says so, the parcel shows theirs; kept
 * mine, the edit is stored over theirs, the history's old value theirs. */
static void
test_conflict_resolved (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mq-project-XXXXXX", NULL);
  Events events = { 0 };
  MqProject *project = open_copy (dir, &events);
  g_autoptr(MqDataset) other = mq_dataset_load (mq_project_get_store_path (project), NULL, NULL,
                                                NULL);
  g_autoptr(MqStore) store = mq_store_open (other, NULL);
  g_autoptr(GPtrArray) theirs = edit_elsewhere (other, store, 6, MQ_FIELD_NOTES, "他人的备注");
  g_autoptr(MqEdit) mine = mq_edit_new (MQ_EDIT_ACTION_EDIT);
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(GError) error = NULL;
  const gboolean keep_mine[] = { FALSE };
  const MqHistoryEntry *last;
  const MqConflict *c;
  guint conflicted = 0;

  g_assert_cmpuint (theirs->len, ==, 1);
  g_signal_connect (project, "conflicted", G_CALLBACK (count_signal), &conflicted);
  mq_edit_set (mine, 6, MQ_FIELD_NOTES, "我的备注", 0);
  mq_edit_set (mine, 6, MQ_FIELD_CONTACT, "李工", 0);
  g_assert_false (mq_project_apply (project, mine, &error));
  g_assert_error (error, MQ_STORE_ERROR, MQ_STORE_ERROR_CONFLICT);
  g_clear_error (&error);
  g_assert_cmpuint (conflicted, ==, 1);
  g_assert_cmpuint (events.changed, ==, 1);   /* the views show theirs */
  g_assert_cmpstr (parcel (project, 6)->details->notes, ==, "他人的备注");
  g_assert_cmpuint (mq_project_get_conflicts (project)->len, ==, 1);
  c = g_ptr_array_index (mq_project_get_conflicts (project), 0);
  g_assert_cmpstr (c->mine, ==, "我的备注");
  g_assert_cmpstr (c->theirs, ==, "他人的备注");

  /* Theirs moves on while the user decides: asked again, it conflicts
   * again, and "conflicted" brings the choice back. */
  g_clear_pointer (&theirs, g_ptr_array_unref);
  theirs = edit_elsewhere (other, store, 6, MQ_FIELD_NOTES, "他人的第二次备注");
  g_assert_false (mq_project_resolve_conflicts (project, keep_mine, 1, &error));
  g_assert_error (error, MQ_STORE_ERROR, MQ_STORE_ERROR_CONFLICT);
  g_clear_error (&error);
  g_assert_cmpuint (conflicted, ==, 2);
  c = g_ptr_array_index (mq_project_get_conflicts (project), 0);
  g_assert_cmpstr (c->theirs, ==, "他人的第二次备注");
  g_assert_true (mq_project_resolve_conflicts (project, keep_mine, 1, NULL));
  g_assert_cmpstr (parcel (project, 6)->details->notes, ==, "我的备注");
  g_assert_cmpstr (parcel (project, 6)->details->contact, ==, "李工");
  history = mq_project_list_history (project, parcel (project, 6)->id, 5, NULL);
  for (guint i = 0; i < history->len; i++)
    if (g_str_equal (((MqHistoryEntry *) g_ptr_array_index (history, i))->field, "notes"))
      {
        last = g_ptr_array_index (history, i);
        g_assert_cmpstr (last->old_value, ==, "他人的第二次备注");
        g_assert_cmpstr (last->new_value, ==, "我的备注");
        break;
      }
  /* Nothing left to settle. */
  g_assert_true (mq_project_resolve_conflicts (project, keep_mine, 1, NULL));
  g_assert_cmpuint (conflicted, ==, 2);
  mq_project_close (project);
  g_clear_pointer (&events.parcels, g_array_unref);
  g_assert_finalize_object (project);
  test_remove_dir (dir);
}

/* An undo that meets another planner's change is kept whole when the user
 * keeps mine: retried as itself, so redo still has the step. An edit with
 * two conflicting fields, one kept as theirs: only the other is stored. */
static void
test_conflict_undo_and_partial (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mq-project-XXXXXX", NULL);
  Events events = { 0 };
  MqProject *project = open_copy (dir, &events);
  g_autofree char *before = g_strdup (parcel (project, 8)->details->notes);
  g_autoptr(MqDataset) other = NULL;
  g_autoptr(MqStore) store = NULL;
  g_autoptr(GPtrArray) theirs = NULL;
  g_autoptr(GPtrArray) theirs_too = NULL;
  g_autoptr(MqEdit) both = mq_edit_new (MQ_EDIT_ACTION_EDIT);
  const gboolean keep_mine[] = { FALSE };
  gboolean keep[2];
  GPtrArray *conflicts;
  GError *error = NULL;

  g_assert_true (set_notes (project, 8, "我的第一版"));
  /* The other planner reads after our edit. */
  other = mq_dataset_load (mq_project_get_store_path (project), NULL, NULL, NULL);
  store = mq_store_open (other, NULL);
  theirs = edit_elsewhere (other, store, 8, MQ_FIELD_NOTES, "他人的第二版");
  g_assert_false (mq_project_undo (project, &error));
  g_assert_error (error, MQ_STORE_ERROR, MQ_STORE_ERROR_CONFLICT);
  g_clear_error (&error);
  g_assert_cmpstr (parcel (project, 8)->details->notes, ==, "他人的第二版");
  g_assert_true (mq_project_resolve_conflicts (project, keep_mine, 1, NULL));
  g_assert_cmpstr (parcel (project, 8)->details->notes, ==, before);
  g_assert_true (mq_project_get_can_redo (project));
  g_assert_true (mq_project_redo (project, NULL));
  g_assert_cmpstr (parcel (project, 8)->details->notes, ==, "我的第一版");

  g_clear_pointer (&theirs, g_ptr_array_unref);
  theirs = edit_elsewhere (other, store, 9, MQ_FIELD_NOTES, "他人的备注");
  theirs_too = edit_elsewhere (other, store, 9, MQ_FIELD_CONTACT, "王工");
  mq_edit_set (both, 9, MQ_FIELD_NOTES, "我的备注", 0);
  mq_edit_set (both, 9, MQ_FIELD_CONTACT, "李工", 0);
  g_assert_false (mq_project_apply (project, both, NULL));
  conflicts = mq_project_get_conflicts (project);
  g_assert_cmpuint (conflicts->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    keep[i] = ((MqConflict *) g_ptr_array_index (conflicts, i))->field == MQ_FIELD_CONTACT;
  g_assert_true (mq_project_resolve_conflicts (project, keep, 2, NULL));
  g_assert_cmpstr (parcel (project, 9)->details->notes, ==, "我的备注");
  g_assert_cmpstr (parcel (project, 9)->details->contact, ==, "王工");
  mq_project_close (project);
  g_clear_pointer (&events.parcels, g_array_unref);
  g_assert_finalize_object (project);
  test_remove_dir (dir);
}

/* Presence and the server's reach, as a server store signals them (the
 * test emits them on the GeoPackage store): presence is forwarded; offline
 * is told; back online, the project is read again, the selection kept. */
static void
test_presence_online (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mq-project-XXXXXX", NULL);
  Events events = { 0 };
  MqProject *project = open_copy (dir, &events);
  g_autoptr(GPtrArray) editors = NULL;
  guint presence = 0, online_notified = 0;

  g_signal_connect (project, "presence-changed", G_CALLBACK (count_signal), &presence);
  g_signal_connect (project, "notify::online", G_CALLBACK (count_notify), &online_notified);
  mq_project_set_editing (project, 3);
  g_assert_cmpint (mq_project_get_editing (project), ==, 3);
  mq_store_emit_presence_changed (mq_project_get_store (project));
  g_assert_cmpuint (presence, ==, 1);
  editors = mq_project_list_editors (project);
  g_assert_cmpuint (editors->len, ==, 0);   /* a file has no other planners */

  g_assert_true (mq_project_get_online (project));
  mq_selection_select_only (mq_project_get_selection (project), 11);
  mq_store_emit_online_changed (mq_project_get_store (project), FALSE);
  g_assert_false (mq_project_get_online (project));
  g_assert_cmpuint (online_notified, ==, 1);
  g_assert_cmpuint (events.loaded, ==, 1);
  mq_store_emit_online_changed (mq_project_get_store (project), TRUE);
  g_assert_true (mq_project_get_online (project));
  g_assert_cmpuint (online_notified, ==, 2);
  wait_for (&events.loaded, 2);
  g_assert_true (mq_selection_contains (mq_project_get_selection (project), 11));
  g_assert_cmpuint (mq_selection_get_n (mq_project_get_selection (project)), ==, 1);
  g_assert_cmpint (mq_project_get_editing (project), ==, 3);
  g_assert_true (mq_project_get_editable (project));
  mq_project_close (project);
  g_assert_finalize_object (project);
  test_remove_dir (dir);
}

/* The four-locks model follows the project's selection and edits through it. */
static void
test_parcel_model (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mq-project-XXXXXX", NULL);
  Events events = { 0 };
  MqProject *project = open_copy (dir, &events);
  MqParcelModel *model = mq_parcel_model_new ();
  g_autofree char *notes = NULL;
  gboolean editable = FALSE;

  mq_parcel_model_set_project (model, project);
  g_assert_cmpuint (mq_parcel_model_get_n_parcels (model), ==, 0);
  mq_selection_select_only (mq_project_get_selection (project), 7);
  g_assert_cmpuint (mq_parcel_model_get_n_parcels (model), ==, 1);
  g_assert_true (mq_parcel_model_get_parcel (model) == parcel (project, 7));
  g_object_get (model, "editable", &editable, NULL);
  g_assert_true (editable);

  g_object_set (model, "notes", "模型写入", NULL);
  g_assert_cmpuint (events.changed, ==, 1);
  g_assert_cmpstr (parcel (project, 7)->details->notes, ==, "模型写入");
  g_object_get (model, "notes", &notes, NULL);
  g_assert_cmpstr (notes, ==, "模型写入");

  /* Typed from what the panel showed before a refresh brought another
   * value: a conflict, nothing stored; typed from the value shown: stored. */
  mq_parcel_model_edit_text (model, "notes", "打字的值", "刷新前看到的");
  g_assert_cmpuint (mq_project_get_conflicts (project)->len, ==, 1);
  g_assert_cmpstr (parcel (project, 7)->details->notes, ==, "模型写入");
  mq_project_forget_conflicts (project);
  /* The refused row is put back from an idle (it holds the model). */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  mq_parcel_model_edit_text (model, "notes", "打字的值", "模型写入");
  g_assert_cmpuint (mq_project_get_conflicts (project)->len, ==, 0);
  g_assert_cmpstr (parcel (project, 7)->details->notes, ==, "打字的值");

  /* Closing empties the model: no parcel is looked up in a dataset gone. */
  mq_project_close (project);
  g_assert_null (mq_parcel_model_get_parcel (model));
  g_assert_finalize_object (model);
  g_clear_pointer (&events.parcels, g_array_unref);
  g_assert_finalize_object (project);
  test_remove_dir (dir);
}

/* The command line's way: in this thread, and the store only when asked. */
static void
test_open_sync (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mq-project-XXXXXX", NULL);
  g_autofree char *gpkg = test_copy_sample (dir, "maqiao.gpkg");
  MqProject *project = mq_project_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (mq_project_open_sync (project, mq_open_request_new (gpkg), &error));
  g_assert_no_error (error);
  g_assert_nonnull (mq_project_get_dataset (project));
  g_assert_false (mq_project_get_has_store (project));
  g_assert_false (set_notes (project, 0, "x"));
  g_assert_true (mq_project_open_store (project, &error));
  g_assert_true (set_notes (project, 0, "x"));
  mq_project_close (project);
  g_assert_finalize_object (project);
  test_remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  mq_core_init ();
  g_test_add_func ("/project/needs-answer", test_needs_answer);
  g_test_add_func ("/project/encoding", test_encoding);
  g_test_add_func ("/project/edit-undo-redo", test_edit_undo_redo);
  g_test_add_func ("/project/external-change", test_external_change);
  g_test_add_func ("/project/parcel-model", test_parcel_model);
  g_test_add_func ("/project/changed-remotely", test_changed_remotely);
  g_test_add_func ("/project/conflict-resolved", test_conflict_resolved);
  g_test_add_func ("/project/conflict-undo-and-partial", test_conflict_undo_and_partial);
  g_test_add_func ("/project/presence-online", test_presence_online);
  g_test_add_func ("/project/open-sync", test_open_sync);
  return g_test_run ();
}
