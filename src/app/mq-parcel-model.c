/* mq-parcel-model.c
 *
 * One table maps each property to the field it edits; values are kept as the
 * text the store speaks (mq_parcel_dup_field_text) and converted only at the
 * property boundary (switch → boolean, combo row → enum position).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-parcel-model.h"
#include "mq-project.h"

#include "mq-performance.h"

#include <glib/gi18n.h>
#include <string.h>

typedef struct
{
  const char *name;
  MqField     field;
  GType       type;
  gboolean    writable;
} FieldProp;

static const FieldProp field_props[] = {
  { "lock-parcel", MQ_FIELD_LOCK_PARCEL, G_TYPE_BOOLEAN, TRUE },
  { "lock-project", MQ_FIELD_LOCK_PROJECT, G_TYPE_BOOLEAN, TRUE },
  { "lock-deadline", MQ_FIELD_LOCK_DEADLINE, G_TYPE_BOOLEAN, TRUE },
  { "lock-owner", MQ_FIELD_LOCK_OWNER, G_TYPE_BOOLEAN, TRUE },
  /* Back-datable: the day of the meeting that set the lock. */
  { "lock-parcel-date", MQ_FIELD_LOCK_PARCEL_DATE, G_TYPE_STRING, TRUE },
  { "lock-project-date", MQ_FIELD_LOCK_PROJECT_DATE, G_TYPE_STRING, TRUE },
  { "lock-deadline-date", MQ_FIELD_LOCK_DEADLINE_DATE, G_TYPE_STRING, TRUE },
  { "lock-owner-date", MQ_FIELD_LOCK_OWNER_DATE, G_TYPE_STRING, TRUE },
  { "flagged", MQ_FIELD_FLAGGED, G_TYPE_BOOLEAN, TRUE },
  { "project", MQ_FIELD_PROJECT, G_TYPE_STRING, TRUE },
  { "investor", MQ_FIELD_INVESTOR, G_TYPE_STRING, TRUE },
  { "industry", MQ_FIELD_INDUSTRY, G_TYPE_STRING, TRUE },
  { "deadline", MQ_FIELD_DEADLINE, G_TYPE_STRING, TRUE },
  { "stage", MQ_FIELD_STAGE, G_TYPE_UINT, TRUE },
  { "entity", MQ_FIELD_ENTITY, G_TYPE_STRING, TRUE },
  { "contact", MQ_FIELD_CONTACT, G_TYPE_STRING, TRUE },
  { "phone", MQ_FIELD_PHONE, G_TYPE_STRING, TRUE },
  { "method", MQ_FIELD_METHOD, G_TYPE_UINT, TRUE },
  { "flag-reason", MQ_FIELD_FLAG_REASON, G_TYPE_STRING, TRUE },
  { "notes", MQ_FIELD_NOTES, G_TYPE_STRING, TRUE },
  { "credit-code", MQ_FIELD_CREDIT_CODE, G_TYPE_STRING, TRUE },
  { "floor-area", MQ_FIELD_FLOOR_AREA, G_TYPE_STRING, TRUE },
  { "far", MQ_FIELD_FAR, G_TYPE_STRING, TRUE },
  { "tax", MQ_FIELD_TAX, G_TYPE_STRING, TRUE },
  { "output", MQ_FIELD_OUTPUT, G_TYPE_STRING, TRUE },
  { "energy", MQ_FIELD_ENERGY, G_TYPE_STRING, TRUE },
  { "high-energy", MQ_FIELD_HIGH_ENERGY, G_TYPE_BOOLEAN, TRUE },
  { "high-pollution", MQ_FIELD_HIGH_POLLUTION, G_TYPE_BOOLEAN, TRUE },
  { "high-risk", MQ_FIELD_HIGH_RISK, G_TYPE_BOOLEAN, TRUE },
  { "low-yield", MQ_FIELD_LOW_YIELD, G_TYPE_BOOLEAN, TRUE },
  { "grade", MQ_FIELD_GRADE, G_TYPE_UINT, TRUE },
  { "planned-use", MQ_FIELD_PLANNED_USE, G_TYPE_STRING, TRUE },
  { "planned-far", MQ_FIELD_PLANNED_FAR, G_TYPE_STRING, TRUE },
};

struct _MqParcelModel
{
  GObject   parent_instance;

  MqProject    *project;
  GSignalGroup *project_signals;
  GSignalGroup *selection_signals;
  GArray   *indices;              /* guint */
  char     *text[MQ_N_FIELDS];    /* of the first selected parcel */
  guint64   mixed;                /* bit per MqField: the selected parcels disagree */
  MqEdit   *refused;              /* the last batch the rules refused some parcels of */
};

G_DEFINE_FINAL_TYPE (MqParcelModel, mq_parcel_model, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_EDITABLE,
  PROP_TITLE,
  PROP_SUBTITLE,
  PROP_FIRST_FIELD,
  N_PROPS = PROP_FIRST_FIELD + G_N_ELEMENTS (field_props)
};

static GParamSpec *properties[N_PROPS];

enum { FAILED, APPLIED, REFUSED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void on_selection_changed (MqParcelModel *self,
                                  MqSelection   *selection);
static void on_project_state     (MqParcelModel *self);

static gboolean
has_store (MqParcelModel *self)
{
  return self->project != NULL && mq_project_get_has_store (self->project);
}

static MqParcels *
parcels_of (MqParcelModel *self)
{
  /* Looked up each time: an edit replaces the generation of records. */
  return mq_dataset_get_parcels (mq_project_get_dataset (self->project));
}

/* A survey file is not edited here, but what is selected is still named. */
static void
selection_without_store (MqParcelModel *self,
                         guint         *n,
                         const MqParcel **first)
{
  g_autoptr(GArray) selected = NULL;

  *n = 0, *first = NULL;
  if (self->project == NULL || mq_project_get_dataset (self->project) == NULL)
    return;
  selected = mq_selection_dup_sorted (mq_project_get_selection (self->project));
  *n = selected->len;
  if (*n > 0)
    *first = mq_parcels_get (parcels_of (self), g_array_index (selected, guint, 0));
}

static char *
dup_title (MqParcelModel *self)
{
  const MqParcel *p = mq_parcel_model_get_parcel (self);
  guint n = self->indices->len;

  if (!has_store (self))
    selection_without_store (self, &n, &p);
  if (n > 1)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u parcel selected",
                                         "%u parcels selected", n),
                            n);
  if (p == NULL)
    return g_strdup (_("No parcel selected"));
  return g_strdup (p->id ? p->id : _("Parcel without an id"));
}

static char *
dup_subtitle (MqParcelModel *self)
{
  const MqParcel *p = mq_parcel_model_get_parcel (self);

  if (!has_store (self))
    return g_strdup (_("Save the data as a project to track the four locks."));
  if (self->indices->len > 1)
    return g_strdup (_("A change applies to every selected parcel, as one step."));
  if (p == NULL)
    return g_strdup ("");
  return g_strdup_printf (_("%s · %.2f mu · %u of 4 locks held"), p->owner ? p->owner : "—",
                          p->area_m2 / MQ_M2_PER_MU, mq_parcel_get_locks_held (p));
}

static guint
enum_of (MqField     field,
         const char *text)
{
  MqStage stage = MQ_STAGE_NOT_STARTED;
  MqMethod method = MQ_METHOD_NONE;
  MqGrade grade = MQ_GRADE_NONE;

  if (field == MQ_FIELD_STAGE)
    return mq_stage_parse (text, &stage) ? stage : 0;
  if (field == MQ_FIELD_GRADE)
    return mq_grade_parse (text, &grade) ? grade : 0;
  return mq_method_parse (text, &method) ? method : 0;
}

static void
mq_parcel_model_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  MqParcelModel *self = MQ_PARCEL_MODEL (object);
  const FieldProp *fp;
  const char *text;

  if (prop_id == PROP_EDITABLE)
    {
      /* Offline, nothing would be stored: the rows say so before a try. */
      g_value_set_boolean (value, self->project && mq_project_get_editable (self->project) &&
                                  mq_project_get_online (self->project) &&
                                  self->indices->len > 0);
      return;
    }
  if (prop_id == PROP_TITLE || prop_id == PROP_SUBTITLE)
    {
      g_value_take_string (value, prop_id == PROP_TITLE ? dup_title (self) : dup_subtitle (self));
      return;
    }
  fp = &field_props[prop_id - PROP_FIRST_FIELD];
  text = self->text[fp->field] ? self->text[fp->field] : "";
  if (fp->type == G_TYPE_BOOLEAN)
    g_value_set_boolean (value, g_str_equal (text, "1"));
  else if (fp->type == G_TYPE_UINT)
    g_value_set_uint (value, enum_of (fp->field, text));
  else
    g_value_set_string (value, text);
}

static char *
text_of (const FieldProp *fp,
         const GValue    *value)
{
  if (fp->type == G_TYPE_BOOLEAN)
    return g_strdup (g_value_get_boolean (value) ? "1" : "0");
  if (fp->type == G_TYPE_UINT && fp->field == MQ_FIELD_STAGE)
    return g_strdup (mq_stage_term (g_value_get_uint (value)));
  if (fp->type == G_TYPE_UINT && fp->field == MQ_FIELD_GRADE)
    {
      const char *term = mq_grade_term (g_value_get_uint (value));

      return g_strdup (term != NULL ? term : "");
    }
  if (fp->type == G_TYPE_UINT)
    return g_strdup (mq_method_term (g_value_get_uint (value)));
  return g_strdup (g_value_get_string (value));
}

static gboolean
revert_rows (gpointer user_data)
{
  mq_parcel_model_reload (user_data);
  return G_SOURCE_REMOVE;
}

static gboolean
is_mixed (MqParcelModel *self,
          MqField        field)
{
  return (self->mixed >> field) & 1;
}

/* The changes of @edit to @parcels (@keep), or to every parcel but those. */
static MqEdit *
edit_subset (MqEdit   *edit,
             GArray   *parcels,
             gboolean  keep)
{
  g_autoptr(GHashTable) wanted = g_hash_table_new (NULL, NULL);
  MqEdit *subset = mq_edit_new (keep ? MQ_EDIT_ACTION_EDIT : MQ_EDIT_ACTION_BATCH);

  for (guint i = 0; i < parcels->len; i++)
    g_hash_table_add (wanted, GUINT_TO_POINTER (g_array_index (parcels, guint, i)));
  for (guint i = 0; i < mq_edit_get_n_changes (edit); i++)
    {
      const MqChange *c = mq_edit_get_change (edit, i);

      if (g_hash_table_contains (wanted, GUINT_TO_POINTER (c->parcel)) != keep)
        continue;
      if (c->base != NULL)
        mq_edit_set_from (subset, c->parcel, c->field, c->value, c->base);
      else
        mq_edit_set (subset, c->parcel, c->field, c->value, c->row);
    }
  return subset;
}

/* What the rules say of one parcel's part of a refused batch: NULL if it
 * passes, else why not — without the "1 problem, parcel MQ0123:" the
 * dialog already says by naming the parcel. */
static char *
dup_refusal (MqParcelModel *self,
             MqEdit        *edit,
             guint          parcel)
{
  g_autoptr(GArray) one = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(MqEdit) part = NULL;
  g_autoptr(MqEdit) preview = NULL;
  g_autoptr(GError) error = NULL;
  const MqParcel *p = mq_parcels_get (parcels_of (self), parcel);
  g_autofree char *where = g_strdup_printf (_("parcel %s"), p->id ? p->id : "?");
  const char *why;

  g_array_append_val (one, parcel);
  part = edit_subset (edit, one, TRUE);
  preview = mq_project_preview (self->project, part, &error);
  if (preview != NULL)
    return NULL;
  why = strstr (error->message, where);
  if (why == NULL)
    return g_strdup (error->message);
  why += strlen (where);
  while (*why == ':' || *why == ' ' || g_str_has_prefix (why, "\uff1a"))
    why = g_utf8_next_char (why);
  return g_strdup (why);
}

/* A batch the rules refused for some of its parcels: name them and why,
 * and keep the rest ready to apply (mq_parcel_model_apply_refused()). */
static gboolean
tell_refused_parcels (MqParcelModel *self,
                      MqEdit        *edit)
{
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) reasons = g_strv_builder_new ();
  g_autoptr(GArray) refused = g_array_new (FALSE, FALSE, sizeof (guint));
  g_auto(GStrv) id_list = NULL;
  g_auto(GStrv) reason_list = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  guint n_passing;

  for (guint i = 0; i < mq_edit_get_n_changes (edit); i++)
    {
      guint parcel = mq_edit_get_change (edit, i)->parcel;
      g_autofree char *why = NULL;
      const MqParcel *p = mq_parcels_get (parcels_of (self), parcel);

      if (!g_hash_table_add (seen, GUINT_TO_POINTER (parcel)) ||
          (why = dup_refusal (self, edit, parcel)) == NULL)
        continue;
      g_array_append_val (refused, parcel);
      g_strv_builder_add (ids, p->id ? p->id : "?");
      g_strv_builder_add (reasons, why);
    }
  if (refused->len == 0)
    return FALSE;
  g_clear_pointer (&self->refused, mq_edit_free);
  self->refused = edit_subset (edit, refused, FALSE);
  n_passing = mq_edit_count_parcels (self->refused);
  id_list = g_strv_builder_end (ids);
  reason_list = g_strv_builder_end (reasons);
  g_signal_emit (self, signals[REFUSED], 0, id_list, reason_list, n_passing);
  return TRUE;
}

static void
apply_edit (MqParcelModel *self,
            MqEdit        *edit)
{
  g_autoptr(GError) error = NULL;
  guint n = mq_edit_count_parcels (edit);

  if (mq_project_apply (self->project, edit, &error))
    {
      g_signal_emit (self, signals[APPLIED], 0, n);
      return;
    }
  if (!(n > 1 && g_error_matches (error, MQ_STORE_ERROR, MQ_STORE_ERROR_INVALID) &&
        tell_refused_parcels (self, edit)))
    g_signal_emit (self, signals[FAILED], 0, error);
  /* Not at once: a two-way binding ignores notifications while it is the
   * one setting the property, and the row would keep the refused value. */
  g_idle_add_full (G_PRIORITY_HIGH_IDLE, revert_rows, g_object_ref (self), g_object_unref);
}

/* Every selected parcel, one transaction, one undo step. A refused change
 * puts the old value back in the row that tried it. */
static void
edit_fields (MqParcelModel *self,
             guint          n,
             const MqField *fields,
             char * const  *texts,
             const char    *base)
{
  g_autoptr(MqEdit) edit = NULL;
  gboolean changes = FALSE;

  if (!has_store (self) || self->indices->len == 0)
    return;
  for (guint k = 0; k < n; k++)
    changes = changes || is_mixed (self, fields[k]) ||
              g_strcmp0 (texts[k], self->text[fields[k]] ? self->text[fields[k]] : "") != 0;
  if (!changes)
    return;
  edit = mq_edit_new (self->indices->len > 1 ? MQ_EDIT_ACTION_BATCH : MQ_EDIT_ACTION_EDIT);
  for (guint i = 0; i < self->indices->len; i++)
    for (guint k = 0; k < n; k++)
      if (base != NULL)
        mq_edit_set_from (edit, g_array_index (self->indices, guint, i), fields[k], texts[k], base);
      else
        mq_edit_set (edit, g_array_index (self->indices, guint, i), fields[k], texts[k], 0);
  apply_edit (self, edit);
}

static void
edit_field (MqParcelModel *self,
            guint          prop_id,
            const char    *text,
            const char    *base)
{
  MqField field = field_props[prop_id - PROP_FIRST_FIELD].field;
  char *texts[] = { (char *) text };

  edit_fields (self, 1, &field, texts, base);
}

static void
mq_parcel_model_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  MqParcelModel *self = MQ_PARCEL_MODEL (object);
  g_autofree char *text = NULL;

  if (prop_id < PROP_FIRST_FIELD || prop_id >= N_PROPS)
    {
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }
  text = text_of (&field_props[prop_id - PROP_FIRST_FIELD], value);
  edit_field (self, prop_id, text, NULL);
}

/**
 * mq_parcel_model_edit_text:
 * @property: a text property of the model ("notes", "entity", …)
 * @base: (nullable): the text the person saw when they began typing
 *
 * Sets @property as setting it would, but as a change made from @base: if
 * the parcel moved on from it meanwhile (another planner's edit arrived
 * while they typed), the store refuses it as a conflict instead of laying
 * it over a value they never saw.
 */
void
mq_parcel_model_edit_text (MqParcelModel *self,
                           const char    *property,
                           const char    *text,
                           const char    *base)
{
  GParamSpec *pspec;

  g_return_if_fail (MQ_IS_PARCEL_MODEL (self));

  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (self), property);
  g_return_if_fail (pspec != NULL && pspec->param_id >= PROP_FIRST_FIELD &&
                    pspec->param_id < N_PROPS && pspec->value_type == G_TYPE_STRING);
  edit_field (self, pspec->param_id, text, base);
}

static void
mq_parcel_model_dispose (GObject *object)
{
  MqParcelModel *self = MQ_PARCEL_MODEL (object);

  g_clear_object (&self->project_signals);
  g_clear_object (&self->selection_signals);
  g_clear_object (&self->project);
  G_OBJECT_CLASS (mq_parcel_model_parent_class)->dispose (object);
}

static void
mq_parcel_model_finalize (GObject *object)
{
  MqParcelModel *self = MQ_PARCEL_MODEL (object);

  for (guint f = 0; f < MQ_N_FIELDS; f++)
    g_free (self->text[f]);
  g_array_unref (self->indices);
  g_clear_pointer (&self->refused, mq_edit_free);
  G_OBJECT_CLASS (mq_parcel_model_parent_class)->finalize (object);
}

static GParamSpec *
field_pspec (const FieldProp *fp)
{
  GParamFlags flags = G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS |
                      (fp->writable ? G_PARAM_READWRITE : G_PARAM_READABLE);

  if (fp->type == G_TYPE_BOOLEAN)
    return g_param_spec_boolean (fp->name, NULL, NULL, FALSE, flags);
  if (fp->type == G_TYPE_UINT)
    return g_param_spec_uint (fp->name, NULL, NULL, 0, G_MAXUINT, 0, flags);
  return g_param_spec_string (fp->name, NULL, NULL, "", flags);
}

static void
mq_parcel_model_class_init (MqParcelModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = mq_parcel_model_get_property;
  object_class->set_property = mq_parcel_model_set_property;
  object_class->dispose = mq_parcel_model_dispose;
  object_class->finalize = mq_parcel_model_finalize;

  properties[PROP_EDITABLE] = g_param_spec_boolean ("editable", NULL, NULL, FALSE,
                                                    G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, "",
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SUBTITLE] = g_param_spec_string ("subtitle", NULL, NULL, "",
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  for (guint i = 0; i < G_N_ELEMENTS (field_props); i++)
    properties[PROP_FIRST_FIELD + i] = field_pspec (&field_props[i]);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* A change the store refused, with its error (the old value is back; for
   * conflicts the project says "conflicted" too). */
  signals[FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
  /* A change reached the file, for this many parcels. */
  signals[APPLIED] = g_signal_new ("applied", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  /* A batch the rules refused for some parcels (their ids, and why); nothing
   * was stored. mq_parcel_model_apply_refused() applies it to the others. */
  signals[REFUSED] = g_signal_new ("refused", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_STRV, G_TYPE_STRV,
                                   G_TYPE_UINT);
}

static void
mq_parcel_model_init (MqParcelModel *self)
{
  self->indices = g_array_new (FALSE, FALSE, sizeof (guint));
  self->project_signals = g_signal_group_new (MQ_TYPE_PROJECT);
  g_signal_group_connect_swapped (self->project_signals, "changed",
                                  G_CALLBACK (mq_parcel_model_reload), self);
  g_signal_group_connect_swapped (self->project_signals, "notify::has-store",
                                  G_CALLBACK (on_project_state), self);
  g_signal_group_connect_swapped (self->project_signals, "notify::editable",
                                  G_CALLBACK (on_project_state), self);
  g_signal_group_connect_swapped (self->project_signals, "notify::online",
                                  G_CALLBACK (on_project_state), self);
  self->selection_signals = g_signal_group_new (MQ_TYPE_SELECTION);
  g_signal_group_connect_swapped (self->selection_signals, "changed",
                                  G_CALLBACK (on_selection_changed), self);
}

MqParcelModel *
mq_parcel_model_new (void)
{
  return g_object_new (MQ_TYPE_PARCEL_MODEL, NULL);
}

/* A field's value if every selected parcel has it, else NULL and @mixed
 * (the rows say 多个值, never a default a click would spread). */
static char *
common_text (MqParcelModel *self,
             MqField        field,
             gboolean      *mixed)
{
  MqParcels *parcels = parcels_of (self);
  char *first = mq_parcel_dup_field_text (mq_parcels_get (parcels, g_array_index (self->indices, guint, 0)),
                                          field);

  for (guint i = 1; i < self->indices->len; i++)
    {
      g_autofree char *other = mq_parcel_dup_field_text (mq_parcels_get (parcels, g_array_index (self->indices, guint, i)),
                                                         field);

      if (g_strcmp0 (first ? first : "", other ? other : "") != 0)
        {
          *mixed = TRUE;
          g_free (first);
          return NULL;
        }
    }
  return first;
}

/* Reads the selected parcels again and tells every binding. */
void
mq_parcel_model_reload (MqParcelModel *self)
{
  const MqParcel *p;

  g_return_if_fail (MQ_IS_PARCEL_MODEL (self));

  p = mq_parcel_model_get_parcel (self);
  self->mixed = 0;
  for (guint f = 0; f < MQ_N_FIELDS; f++)
    {
      gboolean mixed = FALSE;

      g_free (self->text[f]);
      self->text[f] = p ? common_text (self, f, &mixed) : NULL;
      self->mixed |= (guint64) mixed << f;
    }
  g_object_freeze_notify (G_OBJECT (self));
  for (guint prop = PROP_EDITABLE; prop < N_PROPS; prop++)
    g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
  g_object_thaw_notify (G_OBJECT (self));
}

/* The selected parcels of the project, read again after every edit. */
static void
on_selection_changed (MqParcelModel *self,
                      MqSelection   *selection)
{
  g_autoptr(GArray) indices = mq_selection_dup_sorted (selection);

  mq_parcel_model_set_parcels (self, indices);
}

static void
on_project_state (MqParcelModel *self)
{
  if (!has_store (self))
    g_array_set_size (self->indices, 0);
  mq_parcel_model_reload (self);
}

/**
 * mq_parcel_model_set_project:
 * @project: (nullable): the project whose selection the model edits
 */
void
mq_parcel_model_set_project (MqParcelModel *self,
                             MqProject     *project)
{
  g_return_if_fail (MQ_IS_PARCEL_MODEL (self));

  if (!g_set_object (&self->project, project))
    return;
  g_signal_group_set_target (self->project_signals, project);
  g_signal_group_set_target (self->selection_signals,
                             project ? mq_project_get_selection (project) : NULL);
  g_array_set_size (self->indices, 0);
  mq_parcel_model_reload (self);
}

MqProject *
mq_parcel_model_get_project (MqParcelModel *self)
{
  g_return_val_if_fail (MQ_IS_PARCEL_MODEL (self), NULL);
  return self->project;
}

void
mq_parcel_model_set_parcels (MqParcelModel *self,
                             GArray        *indices)
{
  g_return_if_fail (MQ_IS_PARCEL_MODEL (self));

  g_array_set_size (self->indices, 0);
  if (has_store (self) && indices != NULL)
    g_array_append_vals (self->indices, indices->data, indices->len);
  mq_parcel_model_reload (self);
}

guint
mq_parcel_model_get_n_parcels (MqParcelModel *self)
{
  g_return_val_if_fail (MQ_IS_PARCEL_MODEL (self), 0);
  return self->indices->len;
}

/* The first selected parcel (the rows show the values all of them share). */
const MqParcel *
mq_parcel_model_get_parcel (MqParcelModel *self)
{
  g_return_val_if_fail (MQ_IS_PARCEL_MODEL (self), NULL);

  if (!has_store (self) || self->indices->len == 0)
    return NULL;
  return mq_parcels_get (parcels_of (self), g_array_index (self->indices, guint, 0));
}

/* The parcel the panel shows when one is selected, else -1 (presence). */
int
mq_parcel_model_get_shown_index (MqParcelModel *self)
{
  g_return_val_if_fail (MQ_IS_PARCEL_MODEL (self), -1);

  if (!has_store (self) || self->indices->len != 1)
    return -1;
  return (int) g_array_index (self->indices, guint, 0);
}

static const FieldProp *
field_prop (MqParcelModel *self,
            const char    *property)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (self), property);

  g_return_val_if_fail (pspec != NULL && pspec->param_id >= PROP_FIRST_FIELD &&
                        pspec->param_id < N_PROPS, NULL);
  return &field_props[pspec->param_id - PROP_FIRST_FIELD];
}

/* Whether the selected parcels disagree on @property. */
gboolean
mq_parcel_model_is_mixed (MqParcelModel *self,
                          const char    *property)
{
  const FieldProp *fp;

  g_return_val_if_fail (MQ_IS_PARCEL_MODEL (self), FALSE);
  fp = field_prop (self, property);
  return fp != NULL && is_mixed (self, fp->field);
}

/**
 * mq_parcel_model_apply:
 * @names: (array length=n): properties of the model
 * @values: (array length=n): their new values
 *
 * Sets several properties on every selected parcel as one step (to flag a
 * parcel as its lock is set, say): one transaction, one undo.
 */
void
mq_parcel_model_apply (MqParcelModel      *self,
                       guint               n,
                       const char * const *names,
                       const GValue       *values)
{
  g_autofree MqField *fields = g_new0 (MqField, n);
  g_auto(GStrv) texts = g_new0 (char *, n + 1);

  g_return_if_fail (MQ_IS_PARCEL_MODEL (self));

  for (guint k = 0; k < n; k++)
    {
      const FieldProp *fp = field_prop (self, names[k]);

      g_return_if_fail (fp != NULL && fp->writable);
      fields[k] = fp->field;
      texts[k] = text_of (fp, &values[k]);
    }
  edit_fields (self, n, fields, texts, NULL);
}

/* After "refused": the same change, to the parcels the rules let pass. */
void
mq_parcel_model_apply_refused (MqParcelModel *self)
{
  g_autoptr(MqEdit) edit = NULL;

  g_return_if_fail (MQ_IS_PARCEL_MODEL (self));

  edit = g_steal_pointer (&self->refused);
  if (edit != NULL && mq_edit_get_n_changes (edit) > 0 && has_store (self))
    apply_edit (self, edit);
}

/* How many of the selected parcels are not flagged for transformation. */
guint
mq_parcel_model_count_unflagged (MqParcelModel *self)
{
  guint n = 0;

  g_return_val_if_fail (MQ_IS_PARCEL_MODEL (self), 0);

  for (guint i = 0; i < self->indices->len; i++)
    n += !mq_parcels_get (parcels_of (self), g_array_index (self->indices, guint, i))->flagged;
  return n;
}
