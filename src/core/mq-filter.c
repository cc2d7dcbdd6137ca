/* mq-filter.c
 *
 * The search matches a casefolded substring of the id, owner, project,
 * investor, responsible entity and location. Those texts are casefolded once
 * per dataset into one string per parcel, so a keystroke over 10⁵ parcels is
 * a strstr each, not six allocations each. A search of Latin letters alone
 * also matches pinyin initials ("fz" finds 纺织), from ICU's Han-Latin
 * transliterator, each distinct text transliterated once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-filter.h"

#include "mq-performance.h"

#include <json-glib/json-glib.h>
#include <string.h>
#include <unicode/ustring.h>
#include <unicode/utrans.h>

struct _MqFilter
{
  GObject     parent_instance;

  char       *text;           /* casefolded, or NULL */
  gboolean    flagged;
  int         locks_held;     /* -1: any */
  int         method;         /* -1: any */
  gboolean    overdue;
  gboolean    due_soon;
  gboolean    missing_entity;
  gboolean    north;
  gboolean    grade_d;        /* 绩效等级 D only */
  int         tax_below;      /* -1: any; else 亩均税收 under mq_tax_class_bounds[k] */

  /* Made on demand for one dataset (a ref, so a reloaded file at the same
   * address is never mistaken for it) and dropped when it changes. */
  MqDataset  *dataset;
  GPtrArray  *haystacks;      /* char *, casefolded, per parcel */
  GPtrArray  *initials;       /* char *, pinyin initials, per parcel */
  GBytes     *shown;          /* guint8 per parcel: what the filter leaves */
  guint32     shown_today;
  guint       n_shown;
  gboolean    latin;          /* the text is Latin letters only: try initials too */
  gboolean    batching;       /* several criteria set as one change */
  gboolean    pending;
  UTransliterator *to_pinyin;
};

G_DEFINE_FINAL_TYPE (MqFilter, mq_filter, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TEXT,
  PROP_FLAGGED,
  PROP_LOCKS_HELD,
  PROP_METHOD,
  PROP_OVERDUE,
  PROP_DUE_SOON,
  PROP_MISSING_ENTITY,
  PROP_NORTH,
  PROP_GRADE_D,
  PROP_TAX_BELOW,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static gboolean *
flag_of (MqFilter *self,
         guint     prop_id)
{
  switch (prop_id)
    {
    case PROP_FLAGGED: return &self->flagged;
    case PROP_OVERDUE: return &self->overdue;
    case PROP_DUE_SOON: return &self->due_soon;
    case PROP_MISSING_ENTITY: return &self->missing_entity;
    case PROP_NORTH: return &self->north;
    case PROP_GRADE_D: return &self->grade_d;
    default: return NULL;
    }
}

static void
mq_filter_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  MqFilter *self = MQ_FILTER (object);

  if (flag_of (self, prop_id) != NULL)
    g_value_set_boolean (value, *flag_of (self, prop_id));
  else if (prop_id == PROP_TEXT)
    g_value_set_string (value, self->text ? self->text : "");
  else if (prop_id == PROP_LOCKS_HELD)
    g_value_set_int (value, self->locks_held);
  else if (prop_id == PROP_METHOD)
    g_value_set_int (value, self->method);
  else if (prop_id == PROP_TAX_BELOW)
    g_value_set_int (value, self->tax_below);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static gboolean
set_text (MqFilter   *self,
          const char *text)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text ? text : ""));
  char *folded = *stripped ? g_utf8_casefold (stripped, -1) : NULL;

  if (g_strcmp0 (folded, self->text) == 0)
    {
      g_free (folded);
      return FALSE;
    }
  g_free (self->text);
  self->text = folded;
  self->latin = folded != NULL && strlen (folded) >= 2;
  for (const char *c = folded; self->latin && *c; c++)
    self->latin = g_ascii_islower (*c);
  return TRUE;
}

static void
mq_filter_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  MqFilter *self = MQ_FILTER (object);
  gboolean *flag = flag_of (self, prop_id);
  gboolean changed;

  if (flag != NULL)
    {
      changed = *flag != g_value_get_boolean (value);
      *flag = g_value_get_boolean (value);
    }
  else if (prop_id == PROP_TEXT)
    changed = set_text (self, g_value_get_string (value));
  else if (prop_id == PROP_LOCKS_HELD || prop_id == PROP_METHOD || prop_id == PROP_TAX_BELOW)
    {
      int *slot = prop_id == PROP_LOCKS_HELD ? &self->locks_held
                  : prop_id == PROP_METHOD ? &self->method : &self->tax_below;

      changed = *slot != g_value_get_int (value);
      *slot = g_value_get_int (value);
    }
  else
    {
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }
  if (!changed)
    return;
  g_clear_pointer (&self->shown, g_bytes_unref);
  g_object_notify_by_pspec (object, pspec);
  if (self->batching)
    self->pending = TRUE;
  else
    g_signal_emit (self, signals[CHANGED], 0);
}

/* Sets several criteria (a reset, a saved view) as one change: the table,
 * the map and the dashboard work once, not once per criterion. */
static void
begin_batch (MqFilter *self)
{
  g_object_freeze_notify (G_OBJECT (self));
  self->batching = TRUE;
  self->pending = FALSE;
}

static void
end_batch (MqFilter *self)
{
  self->batching = FALSE;
  g_object_thaw_notify (G_OBJECT (self));
  if (self->pending)
    g_signal_emit (self, signals[CHANGED], 0);
}

static void
forget_dataset (MqFilter *self)
{
  g_clear_pointer (&self->haystacks, g_ptr_array_unref);
  g_clear_pointer (&self->initials, g_ptr_array_unref);
  g_clear_pointer (&self->shown, g_bytes_unref);
  g_clear_object (&self->dataset);
}

static void
mq_filter_finalize (GObject *object)
{
  MqFilter *self = MQ_FILTER (object);

  g_free (self->text);
  forget_dataset (self);
  g_clear_pointer (&self->to_pinyin, utrans_close);
  G_OBJECT_CLASS (mq_filter_parent_class)->finalize (object);
}

static GParamSpec *
flag_pspec (const char *name)
{
  return g_param_spec_boolean (name, NULL, NULL, FALSE,
                               G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
}

static void
mq_filter_class_init (MqFilterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->get_property = mq_filter_get_property;
  object_class->set_property = mq_filter_set_property;
  object_class->finalize = mq_filter_finalize;

  properties[PROP_TEXT] = g_param_spec_string ("text", NULL, NULL, "", flags);
  properties[PROP_FLAGGED] = flag_pspec ("flagged");
  properties[PROP_LOCKS_HELD] = g_param_spec_int ("locks-held", NULL, NULL, -1, MQ_N_LOCKS, -1, flags);
  properties[PROP_METHOD] = g_param_spec_int ("method", NULL, NULL, -1, MQ_N_METHODS - 1, -1, flags);
  properties[PROP_OVERDUE] = flag_pspec ("overdue");
  properties[PROP_DUE_SOON] = flag_pspec ("due-soon");
  properties[PROP_MISSING_ENTITY] = flag_pspec ("missing-entity");
  properties[PROP_NORTH] = flag_pspec ("north");
  properties[PROP_GRADE_D] = flag_pspec ("grade-d");
  properties[PROP_TAX_BELOW] = g_param_spec_int ("tax-below", NULL, NULL, -1, MQ_TAX_CLASS_N_BOUNDS - 1,
                                                 -1, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
mq_filter_init (MqFilter *self)
{
  self->locks_held = -1;
  self->method = -1;
  self->tax_below = -1;
}

MqFilter *
mq_filter_new (void)
{
  return g_object_new (MQ_TYPE_FILTER, NULL);
}

gboolean
mq_filter_is_active (MqFilter *self)
{
  g_return_val_if_fail (MQ_IS_FILTER (self), FALSE);

  return self->text != NULL || self->flagged || self->locks_held >= 0 || self->method >= 0 ||
         self->overdue || self->due_soon || self->missing_entity || self->north || self->grade_d ||
         self->tax_below >= 0;
}

static void
append_folded (GString    *haystack,
               const char *text)
{
  g_autofree char *folded = NULL;

  if (text == NULL)
    return;
  folded = g_utf8_casefold (text, -1);
  g_string_append (haystack, folded);
  g_string_append_c (haystack, '\x1f');   /* no match spans two fields */
}

static void
index_texts (MqFilter  *self,
             MqDataset *dataset)
{
  MqParcels *parcels = mq_dataset_get_parcels (dataset);
  guint n = mq_parcels_get_n_parcels (parcels);

  g_clear_pointer (&self->haystacks, g_ptr_array_unref);
  self->haystacks = g_ptr_array_new_full (n, g_free);
  for (guint i = 0; i < n; i++)
    {
      const MqParcel *p = mq_parcels_get (parcels, i);
      GString *haystack = g_string_new (NULL);

      append_folded (haystack, p->id);
      append_folded (haystack, p->owner);
      append_folded (haystack, p->details->project);
      append_folded (haystack, p->details->investor);
      append_folded (haystack, p->details->entity);
      append_folded (haystack, p->location);
      g_ptr_array_add (self->haystacks, g_string_free (haystack, FALSE));
    }
}

/* The parcels' texts changed (an edit): search them afresh. */
void
mq_filter_data_changed (MqFilter *self)
{
  g_return_if_fail (MQ_IS_FILTER (self));

  forget_dataset (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

/* "上海恒钧纺织" → "shang hai heng jun fang zhi" → "shhjfz". */
static char *
dup_initials (MqFilter   *self,
              const char *text)
{
  g_autofree UChar *buf = NULL;
  GString *initials = g_string_new (NULL);
  UErrorCode status = U_ZERO_ERROR;
  int32_t length = 0, limit, capacity;
  gboolean word_start = TRUE;

  u_strFromUTF8 (NULL, 0, &length, text, -1, &status);
  status = U_ZERO_ERROR;
  capacity = length * 8 + 16;   /* a Han character becomes a syllable and a space */
  buf = g_new (UChar, capacity);
  u_strFromUTF8 (buf, capacity, &length, text, -1, &status);
  limit = length;
  utrans_transUChars (self->to_pinyin, buf, &length, capacity, 0, &limit, &status);
  for (int32_t i = 0; U_SUCCESS (status) && i < length; i++)
    {
      gboolean letter = buf[i] < 128 && g_ascii_isalpha ((char) buf[i]);

      if (letter && word_start)
        g_string_append_c (initials, g_ascii_tolower ((char) buf[i]));
      word_start = !letter;
    }
  return g_string_free (initials, FALSE);
}

static void
index_initials (MqFilter  *self,
                MqDataset *dataset)
{
  MqParcels *parcels = mq_dataset_get_parcels (dataset);
  g_autoptr(GHashTable) done = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  guint n = mq_parcels_get_n_parcels (parcels);
  UErrorCode status = U_ZERO_ERROR;

  if (self->to_pinyin == NULL)
    {
      UChar id[32];

      u_uastrcpy (id, "Han-Latin; Latin-ASCII");
      self->to_pinyin = utrans_openU (id, -1, UTRANS_FORWARD, NULL, 0, NULL, &status);
    }
  self->initials = g_ptr_array_new_full (n, g_free);
  for (guint i = 0; i < n; i++)
    {
      const MqParcel *p = mq_parcels_get (parcels, i);
      const char *texts[] = { p->owner, p->details->project, p->details->investor, p->details->entity, p->location };
      GString *all = g_string_new (NULL);

      for (guint k = 0; self->to_pinyin != NULL && k < G_N_ELEMENTS (texts); k++)
        {
          const char *initials;

          if (texts[k] == NULL)
            continue;
          /* Interned: the same owner on a thousand parcels is one pointer. */
          if ((initials = g_hash_table_lookup (done, texts[k])) == NULL)
            g_hash_table_insert (done, (gpointer) texts[k], (gpointer) (initials = dup_initials (self, texts[k])));
          g_string_append (all, initials);
          g_string_append_c (all, '\x1f');
        }
      g_ptr_array_add (self->initials, g_string_free (all, FALSE));
    }
}

static gboolean
text_matches (MqFilter  *self,
              MqDataset *dataset,
              guint      index)
{
  if (self->haystacks == NULL)
    index_texts (self, dataset);
  if (strstr (g_ptr_array_index (self->haystacks, index), self->text) != NULL)
    return TRUE;
  if (!self->latin)
    return FALSE;
  if (self->initials == NULL)
    index_initials (self, dataset);
  return strstr (g_ptr_array_index (self->initials, index), self->text) != NULL;
}

/* The two deadline chips are one question, "deadline trouble": a planner
 * who ticks 已逾期 and 即将到期 wants both kinds, so they combine with OR. */
static gboolean
deadline_matches (MqFilter       *self,
                  const MqParcel *p,
                  guint32         today)
{
  if (!self->overdue && !self->due_soon)
    return TRUE;
  return (self->overdue && mq_parcel_is_overdue (p, today)) ||
         (self->due_soon && mq_parcel_is_due_soon (p, today));
}

static gboolean
match (MqFilter       *self,
       MqDataset      *dataset,
       guint           index,
       const MqParcel *p,
       guint32         today)
{
  if ((self->flagged && !p->flagged) ||
      (self->locks_held >= 0 && (!p->flagged || (int) mq_parcel_get_locks_held (p) != self->locks_held)) ||
      (self->method >= 0 && (!p->flagged || p->method != self->method)) ||
      !deadline_matches (self, p, today) ||
      (self->missing_entity && (!p->flagged || p->details->entity != NULL)) ||
      (self->grade_d && p->details->grade != MQ_GRADE_D) ||
      (self->tax_below >= 0 && !(mq_parcel_tax_per_mu (p) < mq_tax_class_bounds[self->tax_below])))
    return FALSE;
  if (self->north && !mq_dataset_is_north_of_road (dataset, index, MQ_DIVIDING_ROAD))
    return FALSE;
  return self->text == NULL || text_matches (self, dataset, index);
}

/**
 * mq_filter_get_shown:
 * @n_shown: (out) (optional): how many parcels it leaves
 *
 * One byte per parcel, 1 for the parcels the filter leaves. Worked out once
 * per change of the filter, the data or the day, however many views ask.
 *
 * Returns: (transfer none): the bytes, immutable (threads may read them)
 */
GBytes *
mq_filter_get_shown (MqFilter  *self,
                     MqDataset *dataset,
                     guint32    today,
                     guint     *n_shown)
{
  MqParcels *parcels = mq_dataset_get_parcels (dataset);
  guint n = mq_parcels_get_n_parcels (parcels);
  guint8 *bytes;

  g_return_val_if_fail (MQ_IS_FILTER (self), NULL);

  if (self->dataset != dataset)
    {
      forget_dataset (self);
      self->dataset = g_object_ref (dataset);
    }
  if (self->shown == NULL || self->shown_today != today)
    {
      g_clear_pointer (&self->shown, g_bytes_unref);
      bytes = g_malloc (MAX (n, 1));
      self->n_shown = 0;
      for (guint i = 0; i < n; i++)
        self->n_shown += bytes[i] = match (self, dataset, i, mq_parcels_get (parcels, i), today);
      self->shown = g_bytes_new_take (bytes, n);
      self->shown_today = today;
    }
  if (n_shown != NULL)
    *n_shown = self->n_shown;
  return self->shown;
}

gboolean
mq_filter_matches (MqFilter  *self,
                   MqDataset *dataset,
                   guint      index,
                   guint32    today)
{
  if (!mq_filter_is_active (self))
    return TRUE;
  return ((const guint8 *) g_bytes_get_data (mq_filter_get_shown (self, dataset, today, NULL), NULL))[index];
}

/* Returns: (transfer full): the indices of the parcels the filter leaves */
GArray *
mq_filter_dup_matches (MqFilter  *self,
                       MqDataset *dataset,
                       guint32    today)
{
  guint n = mq_parcels_get_n_parcels (mq_dataset_get_parcels (dataset));
  GArray *matches = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; i < n; i++)
    if (mq_filter_matches (self, dataset, i, today))
      g_array_append_val (matches, i);
  return matches;
}

/* How closely parcel @index's id answers the search: 0 it is the text,
 * 1 it starts with it, 2 any other hit. The haystack begins with the id. */
static int
id_rank (MqFilter *self,
         guint     index)
{
  const char *haystack = g_ptr_array_index (self->haystacks, index);
  size_t n = strlen (self->text);

  if (strncmp (haystack, self->text, n) != 0)
    return 2;
  return haystack[n] == '\x1f' ? 0 : 1;
}

/**
 * mq_filter_dup_hits:
 * @limit: at most this many
 * @n_hits: (out) (optional): how many parcels the filter leaves in all
 *
 * The search's best hits, for a list to pick from: the parcel whose id is
 * the text first, then ids that start with it, then the others, each in
 * the data's order.
 *
 * Returns: (transfer full): parcel indices
 */
GArray *
mq_filter_dup_hits (MqFilter  *self,
                    MqDataset *dataset,
                    guint32    today,
                    guint      limit,
                    guint     *n_hits)
{
  GArray *hits = g_array_new (FALSE, FALSE, sizeof (guint));
  const guint8 *shown;
  gsize n;

  g_return_val_if_fail (MQ_IS_FILTER (self), hits);

  shown = g_bytes_get_data (mq_filter_get_shown (self, dataset, today, n_hits), &n);
  if (self->text != NULL && self->haystacks == NULL)
    index_texts (self, dataset);
  for (int rank = self->text != NULL ? 0 : 2; rank <= 2; rank++)
    for (guint i = 0; i < n && hits->len < limit; i++)
      if (shown[i] && (self->text == NULL ? 2 : id_rank (self, i)) == rank)
        g_array_append_val (hits, i);
  return hits;
}

void
mq_filter_reset (MqFilter *self)
{
  g_return_if_fail (MQ_IS_FILTER (self));

  begin_batch (self);
  g_object_set (self, "text", "", "flagged", FALSE, "locks-held", -1, "method", -1,
                "overdue", FALSE, "due-soon", FALSE, "missing-entity", FALSE, "north", FALSE,
                "grade-d", FALSE, "tax-below", -1, NULL);
  end_batch (self);
}

/* A saved view keeps its filter as JSON: {"text": "…", "flagged": true, …}. */
char *
mq_filter_to_json (MqFilter *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "text");
  json_builder_add_string_value (b, self->text ? self->text : "");
  for (guint prop = PROP_FLAGGED; prop < N_PROPS; prop++)
    {
      GValue value = G_VALUE_INIT;

      g_value_init (&value, properties[prop]->value_type);
      g_object_get_property (G_OBJECT (self), properties[prop]->name, &value);
      json_builder_set_member_name (b, properties[prop]->name);
      if (G_VALUE_HOLDS_BOOLEAN (&value))
        json_builder_add_boolean_value (b, g_value_get_boolean (&value));
      else
        json_builder_add_int_value (b, g_value_get_int (&value));
      g_value_unset (&value);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

gboolean
mq_filter_set_from_json (MqFilter    *self,
                         const char  *json,
                         GError     **error)
{
  g_autoptr(JsonNode) root = json_from_string (json, error);
  JsonObject *o;

  if (root == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                           "a filter is a JSON object");
      return FALSE;
    }
  o = json_node_get_object (root);
  /* Criteria the view did not keep are cleared. */
  begin_batch (self);
  g_object_set (self, "text", json_object_get_string_member_with_default (o, "text", ""), NULL);
  for (guint prop = PROP_FLAGGED; prop < N_PROPS; prop++)
    {
      const char *name = properties[prop]->name;
      const GValue *fallback = g_param_spec_get_default_value (properties[prop]);

      if (properties[prop]->value_type == G_TYPE_BOOLEAN)
        g_object_set (self, name, json_object_get_boolean_member_with_default (o, name, g_value_get_boolean (fallback)), NULL);
      else
        g_object_set (self, name, (int) json_object_get_int_member_with_default (o, name, g_value_get_int (fallback)), NULL);
    }
  end_batch (self);
  return TRUE;
}

/* ---- north of a road ---- */

/* The road's y at x, from the segment of its polyline that spans x (roads
 * here run roughly east–west); FALSE if none does. */
static gboolean
road_y_at (const MqShapes *shapes,
           guint           feature,
           double          x,
           double         *y)
{
  guint first = g_array_index (shapes->feat_ring, guint, feature);
  guint last = g_array_index (shapes->feat_ring, guint, feature + 1);
  const MqBox o = mq_shapes_get_bbox (shapes, feature);

  for (guint ring = first; ring < last; ring++)
    {
      guint a = g_array_index (shapes->ring_start, guint, ring);
      guint b = g_array_index (shapes->ring_start, guint, ring + 1);

      for (guint k = a; k + 1 < b; k++)
        {
          double x0, y0, x1, y1;

          mq_shapes_get_point (shapes, &o, k, &x0, &y0);
          mq_shapes_get_point (shapes, &o, k + 1, &x1, &y1);

          if (x0 != x1 && x >= MIN (x0, x1) && x <= MAX (x0, x1))
            {
              *y = y0 + (y1 - y0) * (x - x0) / (x1 - x0);
              return TRUE;
            }
        }
    }
  return FALSE;
}

/**
 * mq_dataset_is_north_of_road:
 *
 * Whether a parcel's centre lies north of the named road of the reference
 * layer. Beyond the road's ends the nearer end's side is used; without such
 * a road nothing is north of it.
 */
gboolean
mq_dataset_is_north_of_road (MqDataset  *dataset,
                             guint       index,
                             const char *road)
{
  const MqReference *ref = mq_dataset_get_reference (dataset);
  const MqBox b = mq_shapes_get_bbox (mq_parcels_get_shapes (mq_dataset_get_parcels (dataset)), index);
  double cx = (b.min_x + b.max_x) / 2, cy = (b.min_y + b.max_y) / 2, y;

  for (guint f = 0; ref != NULL && ref->name != NULL && f < ref->name->len; f++)
    {
      MqBox rb;

      if (g_array_index (ref->kind, guint8, f) != MQ_REF_ROAD ||
          g_strcmp0 (g_ptr_array_index (ref->name, f), road) != 0)
        continue;
      if (road_y_at (ref->shapes, f, cx, &y))
        return cy > y;
      rb = mq_shapes_get_bbox (ref->shapes, f);
      if (road_y_at (ref->shapes, f, CLAMP (cx, rb.min_x, rb.max_x), &y))
        return cy > y;
    }
  return FALSE;
}
