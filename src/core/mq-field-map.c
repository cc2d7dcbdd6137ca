/* mq-field-map.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mq-field-map.h"

#include <glib/gi18n-lib.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mq-performance.h"
#include "mq-terms.h"

#include <json-glib/json-glib.h>

#define ALIASES(...) ((const char *const[]) { __VA_ARGS__, NULL })

/* Labels for the mapping dialog, in the order of MqField. */
static const char *const labels[MQ_N_FIELDS] = {
  [MQ_FIELD_ID] = N_("Parcel ID"),
  [MQ_FIELD_OWNER] = N_("Right holder"),
  [MQ_FIELD_LAND_USE_CODE] = N_("Land-use code"),
  [MQ_FIELD_LAND_USE_NAME] = N_("Land-use name"),
  [MQ_FIELD_LOCATION] = N_("Location"),
  [MQ_FIELD_SURVEY_AREA] = N_("Surveyed area (m²)"),
  [MQ_FIELD_LAND_CLASS] = N_("Industrial land class"),
  [MQ_FIELD_FLAGGED] = N_("Flagged for upgrade"),
  [MQ_FIELD_FLAG_REASON] = N_("Reason flagged"),
  [MQ_FIELD_METHOD] = N_("Transformation method"),
  [MQ_FIELD_INDUSTRY] = N_("Target industry"),
  [MQ_FIELD_PROJECT] = N_("Project"),
  [MQ_FIELD_INVESTOR] = N_("Investor"),
  [MQ_FIELD_DEADLINE] = N_("Deadline"),
  [MQ_FIELD_STAGE] = N_("Stage"),
  [MQ_FIELD_ENTITY] = N_("Responsible entity"),
  [MQ_FIELD_CONTACT] = N_("Contact person"),
  [MQ_FIELD_PHONE] = N_("Phone"),
  [MQ_FIELD_NOTES] = N_("Notes"),
  [MQ_FIELD_LOCK_PARCEL] = N_("Parcel locked"),
  [MQ_FIELD_LOCK_PROJECT] = N_("Project locked"),
  [MQ_FIELD_LOCK_DEADLINE] = N_("Deadline locked"),
  [MQ_FIELD_LOCK_OWNER] = N_("Responsible entity locked"),
  [MQ_FIELD_LOCK_PARCEL_DATE] = N_("Date the parcel was locked"),
  [MQ_FIELD_LOCK_PROJECT_DATE] = N_("Date the project was locked"),
  [MQ_FIELD_LOCK_DEADLINE_DATE] = N_("Date the deadline was locked"),
  [MQ_FIELD_LOCK_OWNER_DATE] = N_("Date the entity was locked"),
  [MQ_FIELD_CREDIT_CODE] = N_("Unified social credit code"),
  [MQ_FIELD_FLOOR_AREA] = N_("Floor area (m²)"),
  [MQ_FIELD_FAR] = N_("Floor area ratio"),
  [MQ_FIELD_TAX] = N_("Annual tax (10k yuan)"),
  [MQ_FIELD_OUTPUT] = N_("Annual output (10k yuan)"),
  [MQ_FIELD_ENERGY] = N_("Energy use (tce)"),
  [MQ_FIELD_HIGH_ENERGY] = N_("High energy use"),
  [MQ_FIELD_HIGH_POLLUTION] = N_("High pollution"),
  [MQ_FIELD_HIGH_RISK] = N_("High risk"),
  [MQ_FIELD_LOW_YIELD] = N_("Low yield"),
  [MQ_FIELD_GRADE] = N_("Performance class"),
  [MQ_FIELD_PLANNED_USE] = N_("Planned use"),
  [MQ_FIELD_PLANNED_FAR] = N_("Planned floor area ratio"),
};

static const MqFieldInfo fields[MQ_N_FIELDS] = {
  [MQ_FIELD_ID] = { "parcel_id", "地块编号", OFTString, 32,
                    ALIASES ("DKBH", "TBBH", "ZDDM", "宗地编号", "图斑编号", "BSM", "PARCEL",
                             "PARCELID", "ID",
                             /* KML's <name> */ "NAME") },
  [MQ_FIELD_OWNER] = { "owner", "权属单位", OFTString, 120,
                       ALIASES ("QSDWMC", "QLR", "QLRMC", "权利人", "权属人", "OWNER_NAME",
                                "RIGHT_HOLDER") },
  [MQ_FIELD_LAND_USE_CODE] = { "land_use_code", "地类编码", OFTString, 10,
                               ALIASES ("DLBM", "LANDUSE_CODE", "LU_CODE", "LANDUSE_CO") },
  [MQ_FIELD_LAND_USE_NAME] = { "land_use_name", "地类名称", OFTString, 60,
                               ALIASES ("DLMC", "LANDUSE", "LAND_USE", "LANDUSE_NA") },
  [MQ_FIELD_LOCATION] = { "location", "坐落", OFTString, 120,
                          ALIASES ("ZLDWMC", "ZL", "地址", "ADDRESS", "LOCATION") },
  [MQ_FIELD_SURVEY_AREA] = { "survey_area_m2", "调查面积", OFTReal, 0,
                             ALIASES ("TBMJ", "DKMJ", "图斑面积", "面积", "宗地面积", "SURVEY_ARE",
                                      "SURVEY_AREA") },
  [MQ_FIELD_LAND_CLASS] = { "land_class", "用地类别", OFTString, 20,
                            ALIASES ("GYYDLX", "YDLB") },
  [MQ_FIELD_FLAGGED] = { "flagged", "是否转型", OFTInteger, 1, ALIASES ("SFZX") },
  [MQ_FIELD_FLAG_REASON] = { "flag_reason", "转型原因", OFTString, 60, ALIASES ("ZXYY") },
  [MQ_FIELD_METHOD] = { "method", "转型方式", OFTString, 20, ALIASES ("ZXFS") },
  [MQ_FIELD_INDUSTRY] = { "industry", "目标产业", OFTString, 40, ALIASES ("MBCY") },
  [MQ_FIELD_PROJECT] = { "project", "项目名称", OFTString, 120, ALIASES ("XMMC") },
  [MQ_FIELD_INVESTOR] = { "investor", "投资主体", OFTString, 120, ALIASES ("TZZT") },
  [MQ_FIELD_DEADLINE] = { "deadline", "完成时限", OFTDate, 0, ALIASES ("WCSX") },
  [MQ_FIELD_STAGE] = { "stage", "进展阶段", OFTString, 10, ALIASES ("JZJD") },
  [MQ_FIELD_ENTITY] = { "responsible_entity", "责任主体", OFTString, 120,
                        ALIASES ("ZRZT", "ENTITY") },
  [MQ_FIELD_CONTACT] = { "contact", "联系人", OFTString, 30, ALIASES ("LXR") },
  [MQ_FIELD_PHONE] = { "phone", "联系电话", OFTString, 30, ALIASES ("LXDH") },
  [MQ_FIELD_NOTES] = { "notes", "备注", OFTString, 254, ALIASES ("BZ") },
  [MQ_FIELD_LOCK_PARCEL] = { "lock_parcel", "锁定地块", OFTInteger, 1, ALIASES ("SDDK") },
  [MQ_FIELD_LOCK_PROJECT] = { "lock_project", "锁定项目", OFTInteger, 1, ALIASES ("SDXM") },
  [MQ_FIELD_LOCK_DEADLINE] = { "lock_deadline", "锁定时间", OFTInteger, 1, ALIASES ("SDSJ") },
  [MQ_FIELD_LOCK_OWNER] = { "lock_owner", "锁定责任主体", OFTInteger, 1, ALIASES ("SDZT") },
  [MQ_FIELD_LOCK_PARCEL_DATE] = { "lock_parcel_date", "地块锁定日期", OFTDate, 0,
                                  ALIASES ("SDDKRQ") },
  [MQ_FIELD_LOCK_PROJECT_DATE] = { "lock_project_date", "项目锁定日期", OFTDate, 0,
                                   ALIASES ("SDXMRQ") },
  [MQ_FIELD_LOCK_DEADLINE_DATE] = { "lock_deadline_date", "时间锁定日期", OFTDate, 0,
                                    ALIASES ("SDSJRQ") },
  [MQ_FIELD_LOCK_OWNER_DATE] = { "lock_owner_date", "主体锁定日期", OFTDate, 0,
                                 ALIASES ("SDZTRQ") },
  [MQ_FIELD_CREDIT_CODE] = { "credit_code", "统一社会信用代码", OFTString, 18,
                             ALIASES ("TYDM", "TYSHXYDM", "XYDM", "信用代码", "USCC",
                                      "CREDIT_CODE") },
  [MQ_FIELD_FLOOR_AREA] = { "floor_area_m2", "建筑面积", OFTReal, 0,
                            ALIASES ("JZMJ", "FLOOR_AREA", "GFA") },
  [MQ_FIELD_FAR] = { "far", "容积率", OFTReal, 0, ALIASES ("RJL", "PLOT_RATIO") },
  [MQ_FIELD_TAX] = { "annual_tax", "年税收", OFTReal, 0,
                     ALIASES ("NSS", "NSSR", "税收", "年税收（万元）", "TAX") },
  [MQ_FIELD_OUTPUT] = { "annual_output", "年产值", OFTReal, 0,
                        ALIASES ("NCZ", "产值", "年产值（万元）", "OUTPUT") },
  [MQ_FIELD_ENERGY] = { "energy_tce", "综合能耗", OFTReal, 0, ALIASES ("ZHNH", "ENERGY") },
  [MQ_FIELD_HIGH_ENERGY] = { "high_energy", "高能耗", OFTInteger, 1, ALIASES ("GNH") },
  [MQ_FIELD_HIGH_POLLUTION] = { "high_pollution", "高污染", OFTInteger, 1, ALIASES ("GWR") },
  [MQ_FIELD_HIGH_RISK] = { "high_risk", "高风险", OFTInteger, 1, ALIASES ("GFX") },
  [MQ_FIELD_LOW_YIELD] = { "low_yield", "低产出", OFTInteger, 1, ALIASES ("DCC", "低效益", "低效") },
  [MQ_FIELD_GRADE] = { "grade", "绩效等级", OFTString, 2,
                       ALIASES ("JXDJ", "PJDJ", "评价等级", "GRADE") },
  [MQ_FIELD_PLANNED_USE] = { "planned_use", "规划用途", OFTString, 60,
                             ALIASES ("GHYT", "GHYDXZ", "YDXZ", "用地性质") },
  [MQ_FIELD_PLANNED_FAR] = { "planned_far", "规划容积率", OFTReal, 0, ALIASES ("GHRJL") },
};

const char *
mq_field_label (MqField field)
{
  g_return_val_if_fail (field < MQ_N_FIELDS, NULL);

  return _(labels[field]);
}

const MqFieldInfo *
mq_field_info (MqField field)
{
  g_return_val_if_fail (field < MQ_N_FIELDS, NULL);

  return &fields[field];
}

/* Names are the source's, decoded like its values (a GBK .dbf names its
 * columns in GBK too). */
static int
find_field (const char * const *names,
            const char         *name)
{
  for (int i = 0; names[i] != NULL; i++)
    if (g_ascii_strcasecmp (names[i], name) == 0)
      return i;
  return -1;
}

/* Names are tried in the table's order of preference — the key, the Chinese
 * header, then the aliases — whatever the order of the source's columns, so
 * that a survey's TBBH wins over its BSM as the parcel id. */
void
mq_field_map_guess (MqFieldMap         *map,
                    const char * const *names)
{
  for (guint f = 0; f < MQ_N_FIELDS; f++)
    {
      const MqFieldInfo *info = &fields[f];

      int by_name = -1;

      map->index[f] = find_field (names, info->key);
      by_name = find_field (names, info->zh_header);
      for (guint a = 0; by_name < 0 && info->aliases[a] != NULL; a++)
        by_name = find_field (names, info->aliases[a]);
      /* A project file holds the value read under the key, and the source's
       * own column beside it: an unreadable text stays there, and is told
       * again whenever the project is opened. */
      map->source[f] = map->index[f] >= 0 ? by_name : -1;
      if (map->index[f] < 0)
        map->index[f] = by_name;
    }
}

/* The user's corrections over the guess: a key with a source field's name
 * maps it, a key with "" unmaps it, keys not named keep the guess. */
gboolean
mq_field_map_apply_json (MqFieldMap          *map,
                         const char * const  *names,
                         const char          *json,
                         GError             **error)
{
  g_autoptr(JsonNode) root = json_from_string (json, error);
  JsonObject *object;

  if (root == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                           "field mapping is not a JSON object");
      return FALSE;
    }
  object = json_node_get_object (root);
  for (guint f = 0; f < MQ_N_FIELDS; f++)
    {
      const char *name;

      if (!json_object_has_member (object, fields[f].key))
        continue;
      name = json_object_get_string_member_with_default (object, fields[f].key, "");
      map->index[f] = *name ? find_field (names, name) : -1;
    }
  return TRUE;
}

gboolean
mq_field_map_has (const MqFieldMap *map,
                  MqField           field)
{
  return map->index[field] >= 0;
}

static const char *
value_of (const MqFieldMap  *map,
          const char *const *values,
          MqField            field)
{
  int i = map->index[field];

  return i >= 0 ? values[i] : NULL;
}

/* Each reader sets its slot and says whether the text could be read; an
 * unreadable value keeps the default, and the caller reports it. */
static gboolean
date_of (const MqFieldMap  *map,
         const char *const *values,
         MqField            field,
         guint32           *julian)
{
  return mq_date_parse (value_of (map, values, field), julian);
}

static gboolean
bool_of (const MqFieldMap  *map,
         const char *const *values,
         MqField            field,
         gboolean          *b)
{
  return mq_bool_parse (value_of (map, values, field), b);
}

static MqProblem
fill_locks (const MqFieldMap  *map,
            MqParcel          *record,
            MqParcelDetails   *details,
            const char *const *values)
{
  MqProblem problems = 0;

  for (guint lock = 0; lock < MQ_N_LOCKS; lock++)
    {
      gboolean held = FALSE;

      if (!bool_of (map, values, MQ_FIELD_LOCK_PARCEL + lock, &held))
        problems |= MQ_PROBLEM_UNREADABLE_STATE;
      if (held)
        record->locks |= 1u << lock;
      if (!date_of (map, values, MQ_FIELD_LOCK_PARCEL_DATE + lock, &details->lock_date[lock]))
        problems |= MQ_PROBLEM_UNREADABLE_DATE;
    }
  return problems;
}

/* The rules the store keeps for every edit, checked on what a file brings
 * in: a lock pins something, so it needs it. */
static MqProblem
check_lock_rules (const MqParcel *p)
{
  if (((p->locks & (1u << MQ_LOCK_PROJECT)) && p->details->project == NULL) ||
      ((p->locks & (1u << MQ_LOCK_DEADLINE)) && p->deadline == 0) ||
      ((p->locks & (1u << MQ_LOCK_OWNER)) && p->details->entity == NULL))
    return MQ_PROBLEM_LOCK_RULE;
  return 0;
}

/* A plain decimal ("7996.65", "-0.5") of at most 15 digits read without
 * strtod, which took nearly half of filling a record: its digits as an
 * integer and a power of ten are both exact doubles, so their quotient is
 * rounded once, to the double strtod gives (Clinger's fast path). FALSE
 * for anything else, which strtod then reads. */
static gboolean
parse_plain_decimal (const char *text,
                     double     *value)
{
  static const double power[] = { 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
                                  1e11, 1e12, 1e13, 1e14, 1e15 };
  const char *p = text + (*text == '-');
  guint64 digits = 0;
  int n_digits = 0, n_fraction = -1;

  for (; *p != '\0'; p++)
    {
      if (*p == '.' && n_fraction < 0)
        n_fraction = 0;
      else if (g_ascii_isdigit (*p) && n_digits < 15)
        {
          digits = digits * 10 + (guint64) (*p - '0');
          n_digits++;
          n_fraction += n_fraction >= 0;
        }
      else
        return FALSE;
    }
  /* A sign or a point alone is no number. */
  if (n_digits == 0)
    return FALSE;
  *value = (double) digits / power[MAX (n_fraction, 0)];
  if (*text == '-')
    *value = -*value;
  return TRUE;
}

/**
 * mq_survey_area_parse:
 * @grouped: (out): set when the text used thousands separators ("7,996.65")
 *
 * A surveyed area in m²; an empty text is NaN ("none given"). Text that is
 * not a number is FALSE, never 0.
 */
gboolean
mq_survey_area_parse (const char *text,
                      double     *area,
                      gboolean   *grouped)
{
  g_autofree char *s = NULL;
  g_autoptr(GString) plain = NULL;
  char *end = NULL;

  *area = NAN;
  *grouped = FALSE;
  /* No survey area given costs nothing (it was a copy and a GString a parcel). */
  if (text == NULL || *text == '\0')
    return TRUE;
  /* A plain number, as most files hold, needs no copy. */
  if (!g_ascii_isspace (*text) && strchr (text, ',') == NULL)
    {
      if (parse_plain_decimal (text, area))
        return TRUE;
      *area = g_ascii_strtod (text, &end);
      if (end != text && *end == '\0' && isfinite (*area))
        return TRUE;
      *area = NAN;
    }
  s = g_strstrip (g_strdup (text));
  if (*s == '\0')
    return TRUE;
  plain = g_string_new (NULL);
  /* Separators only in groups of three before the decimal point. */
  if (strchr (s, ',') != NULL)
    {
      if (!g_regex_match_simple ("^-?[0-9]{1,3}(,[0-9]{3})+(\\.[0-9]*)?$", s, 0, 0))
        return FALSE;
      *grouped = TRUE;
    }
  for (const char *p = s; *p; p++)
    if (*p != ',')
      g_string_append_c (plain, *p);
  *area = g_ascii_strtod (plain->str, &end);
  if (end == plain->str || *end != '\0' || !isfinite (*area))
    {
      *area = NAN;
      return FALSE;
    }
  return TRUE;
}

static MqProblem
fill_terms (const MqFieldMap  *map,
            MqParcel          *record,
            const char *const *values)
{
  MqMethod method = MQ_METHOD_NONE;
  MqStage stage = MQ_STAGE_NOT_STARTED;
  MqLandClass land_class = MQ_LAND_CLASS_OTHER;
  MqProblem problems = 0;
  gboolean flagged = FALSE;

  if (!bool_of (map, values, MQ_FIELD_FLAGGED, &flagged) ||
      !mq_method_parse (value_of (map, values, MQ_FIELD_METHOD), &method) ||
      !mq_stage_parse (value_of (map, values, MQ_FIELD_STAGE), &stage) ||
      !mq_land_class_parse (value_of (map, values, MQ_FIELD_LAND_CLASS), &land_class))
    problems |= MQ_PROBLEM_UNREADABLE_STATE;
  /* Without the plan's own classification, current industrial use (三调 0601)
   * is existing industrial land. */
  if (!mq_field_map_has (map, MQ_FIELD_LAND_CLASS) && record->land_use_code != NULL &&
      g_str_has_prefix (record->land_use_code, "0601"))
    land_class = MQ_LAND_CLASS_EXISTING_INDUSTRIAL;
  record->flagged = flagged;
  record->method = method;
  record->stage = stage;
  record->land_class = land_class;
  return problems;
}

/* A surveyed area that is no number, zero or negative cannot be compared. */
static MqProblem
fill_survey_area (const MqFieldMap  *map,
                  MqParcel          *record,
                  const char *const *values)
{
  gboolean grouped;

  if (!mq_survey_area_parse (value_of (map, values, MQ_FIELD_SURVEY_AREA),
                             &record->survey_area_m2, &grouped) ||
      record->survey_area_m2 <= 0)
    return MQ_PROBLEM_SURVEY_AREA;
  return 0;
}

/* Where a figure of the assessment is kept in a record's details. */
static double *
figure_slot (MqParcelDetails *d,
             MqField          field)
{
  switch (field)
    {
    case MQ_FIELD_FLOOR_AREA: return &d->floor_area_m2;
    case MQ_FIELD_FAR: return &d->far;
    case MQ_FIELD_TAX: return &d->tax;
    case MQ_FIELD_OUTPUT: return &d->output;
    case MQ_FIELD_ENERGY: return &d->energy;
    case MQ_FIELD_PLANNED_FAR: return &d->planned_far;
    default: return NULL;
    }
}

static gboolean
is_high_low (MqField field)
{
  return field >= MQ_FIELD_HIGH_ENERGY && field <= MQ_FIELD_LOW_YIELD;
}

/* The figures, the 三高一低 and the class; a credit code that fails its
 * check is kept as the source has it and told, like any unread value. */
static MqProblem
fill_performance (const MqFieldMap  *map,
                  MqParcels         *parcels,
                  MqParcelDetails   *d,
                  const char *const *values)
{
  MqProblem problems = 0;
  MqGrade grade = MQ_GRADE_NONE;
  g_autofree char *code = NULL;

  for (guint f = MQ_FIELD_CREDIT_CODE; f < MQ_N_FIELDS; f++)
    {
      double *slot = figure_slot (d, f);
      gboolean held = FALSE;

      if (slot != NULL && !mq_figure_parse (value_of (map, values, f), slot))
        problems |= MQ_PROBLEM_UNREADABLE_STATE;
      if (is_high_low (f) && !bool_of (map, values, f, &held))
        problems |= MQ_PROBLEM_UNREADABLE_STATE;
      if (held)
        d->high_low |= 1u << (f - MQ_FIELD_HIGH_ENERGY);
    }
  if (!mq_grade_parse (value_of (map, values, MQ_FIELD_GRADE), &grade))
    problems |= MQ_PROBLEM_UNREADABLE_STATE;
  d->grade = grade;
  /* The join key to tax tables is held only as it reads (in capitals); a
   * code that fails its check stays in the source's own column. */
  if (!mq_credit_code_normalize (d->credit_code, &code, NULL))
    problems |= MQ_PROBLEM_UNREADABLE_STATE;
  if (g_strcmp0 (code, d->credit_code) != 0)
    d->credit_code = code != NULL ? mq_parcels_intern (parcels, code) : NULL;
  return problems;
}

static gboolean field_text_reads (MqField     field,
                                  const char *text);

/* Values of a project's kept source columns that never read: their
 * problems are the parcel's still (the project's own column is empty). */
static MqProblem
kept_source_problems (const MqFieldMap  *map,
                      const char *const *values)
{
  MqProblem problems = 0;

  for (guint f = 0; f < MQ_N_FIELDS; f++)
    {
      const char *own = value_of (map, values, f);

      if (map->source[f] < 0 || (own != NULL && *own != '\0') ||
          field_text_reads (f, values[map->source[f]]))
        continue;
      if (f == MQ_FIELD_SURVEY_AREA)
        problems |= MQ_PROBLEM_SURVEY_AREA;
      else if (mq_field_info (f)->type == OFTDate)
        problems |= MQ_PROBLEM_UNREADABLE_DATE;
      else
        problems |= MQ_PROBLEM_UNREADABLE_STATE;
    }
  return problems;
}

/* Fills the record's known attributes from the source values as the
 * parcels store them (mq_parcels_append(): its text attributes are
 * those very strings). A value that does not read keeps its default and is
 * returned as a problem; its text stays in the record's source attributes. */
MqProblem
mq_field_map_fill (const MqFieldMap  *map,
                   MqParcels         *parcels,
                   MqParcel          *record,
                   const char *const *values)
{
  MqParcelDetails details = mq_parcel_details_none;
  MqProblem problems = 0;

#define TEXT(f) value_of (map, values, (f))
  record->id = TEXT (MQ_FIELD_ID);
  record->owner = TEXT (MQ_FIELD_OWNER);
  record->land_use_code = TEXT (MQ_FIELD_LAND_USE_CODE);
  record->land_use_name = TEXT (MQ_FIELD_LAND_USE_NAME);
  record->location = TEXT (MQ_FIELD_LOCATION);
  details.flag_reason = TEXT (MQ_FIELD_FLAG_REASON);
  details.industry = TEXT (MQ_FIELD_INDUSTRY);
  details.project = TEXT (MQ_FIELD_PROJECT);
  details.investor = TEXT (MQ_FIELD_INVESTOR);
  details.entity = TEXT (MQ_FIELD_ENTITY);
  details.contact = TEXT (MQ_FIELD_CONTACT);
  details.phone = TEXT (MQ_FIELD_PHONE);
  details.notes = TEXT (MQ_FIELD_NOTES);

  details.credit_code = TEXT (MQ_FIELD_CREDIT_CODE);
  details.planned_use = TEXT (MQ_FIELD_PLANNED_USE);
#undef TEXT

  problems |= fill_performance (map, parcels, &details, values);
  problems |= fill_survey_area (map, record, values);
  if (!date_of (map, values, MQ_FIELD_DEADLINE, &record->deadline))
    problems |= MQ_PROBLEM_UNREADABLE_DATE;
  problems |= fill_terms (map, record, values);
  problems |= fill_locks (map, record, &details, values);
  record->details = mq_parcels_store_details (parcels, &details);
  problems |= kept_source_problems (map, values);
  return problems | check_lock_rules (record);
}

/* The value of a mapped field as a record would hold it, or FALSE when its
 * text does not read. */
static gboolean
field_text_reads (MqField     field,
                  const char *text)
{
  union { guint32 julian; gboolean b; MqMethod method; MqStage stage; MqLandClass lc; MqGrade grade; } v;
  gboolean grouped;
  double area;

  switch (field)
    {
    case MQ_FIELD_DEADLINE:
    case MQ_FIELD_LOCK_PARCEL_DATE:
    case MQ_FIELD_LOCK_PROJECT_DATE:
    case MQ_FIELD_LOCK_DEADLINE_DATE:
    case MQ_FIELD_LOCK_OWNER_DATE:
      return mq_date_parse (text, &v.julian);
    case MQ_FIELD_FLAGGED:
    case MQ_FIELD_LOCK_PARCEL:
    case MQ_FIELD_LOCK_PROJECT:
    case MQ_FIELD_LOCK_DEADLINE:
    case MQ_FIELD_LOCK_OWNER:
      return mq_bool_parse (text, &v.b);
    case MQ_FIELD_METHOD: return mq_method_parse (text, &v.method);
    case MQ_FIELD_STAGE: return mq_stage_parse (text, &v.stage);
    case MQ_FIELD_LAND_CLASS: return mq_land_class_parse (text, &v.lc);
    case MQ_FIELD_SURVEY_AREA: return mq_survey_area_parse (text, &area, &grouped);
    case MQ_FIELD_FLOOR_AREA:
    case MQ_FIELD_FAR:
    case MQ_FIELD_TAX:
    case MQ_FIELD_OUTPUT:
    case MQ_FIELD_ENERGY:
    case MQ_FIELD_PLANNED_FAR:
      return mq_figure_parse (text, &area);
    case MQ_FIELD_HIGH_ENERGY:
    case MQ_FIELD_HIGH_POLLUTION:
    case MQ_FIELD_HIGH_RISK:
    case MQ_FIELD_LOW_YIELD:
      return mq_bool_parse (text, &v.b);
    case MQ_FIELD_GRADE: return mq_grade_parse (text, &v.grade);
    case MQ_FIELD_CREDIT_CODE:
      {
        g_autofree char *code = NULL;

        return mq_credit_code_normalize (text, &code, NULL);
      }
    default: return TRUE;
    }
}

/* Whether the source holds text for @field that does not read (kept as it
 * was, never guessed). */
gboolean
mq_field_map_value_unread (const MqFieldMap   *map,
                           MqField             field,
                           const char * const *values)
{
  const char *text = value_of (map, values, field);

  if ((text == NULL || *text == '\0') && map->source[field] >= 0)
    text = values[map->source[field]];
  return text != NULL && *text != '\0' && !field_text_reads (field, text);
}

/**
 * mq_field_map_dup_unread:
 *
 * The source text of each of a parcel's values that could not be read, as
 * "完成时限 “2024-13-01”; 锁定时间 “maybe”" — for the identify panel and the
 * problem list; NULL when every value read.
 */
char *
mq_field_map_dup_unread (const MqFieldMap *map,
                         MqParcels        *parcels,
                         guint             index)
{
  const char * const *names = mq_parcels_get_field_names (parcels);
  GString *out = g_string_new (NULL);

  for (guint f = 0; f < MQ_N_FIELDS; f++)
    {
      int column = map->index[f];
      const char *text;

      if (column < 0)
        continue;
      text = mq_parcels_get_value (parcels, index, column);
      /* A project's own column is empty where the source text did not read. */
      if ((text == NULL || *text == '\0') && map->source[f] >= 0)
        text = mq_parcels_get_value (parcels, index, column = map->source[f]);
      if (!field_text_reads (f, text))
        g_string_append_printf (out, "%s%s “%s”", out->len ? _("; ") : "",
                                names[column], text);
    }
  if (out->len == 0)
    return (g_string_free (out, TRUE), NULL);
  return g_string_free (out, FALSE);
}

/* The value of a field of a record as text, the way the project file and the
 * CSV export write it: booleans 1/0, dates YYYY-MM-DD, official terms. */
char *
mq_parcel_dup_field_text (const MqParcel *p,
                          MqField         field)
{
  switch (field)
    {
    case MQ_FIELD_ID: return g_strdup (p->id);
    case MQ_FIELD_OWNER: return g_strdup (p->owner);
    case MQ_FIELD_LAND_USE_CODE: return g_strdup (p->land_use_code);
    case MQ_FIELD_LAND_USE_NAME: return g_strdup (p->land_use_name);
    case MQ_FIELD_LOCATION: return g_strdup (p->location);
    case MQ_FIELD_SURVEY_AREA:
      return isnan (p->survey_area_m2) ? NULL : g_strdup_printf ("%.2f", p->survey_area_m2);
    case MQ_FIELD_LAND_CLASS: return g_strdup (mq_land_class_term (p->land_class));
    case MQ_FIELD_FLAGGED: return g_strdup (p->flagged ? "1" : "0");
    case MQ_FIELD_FLAG_REASON: return g_strdup (p->details->flag_reason);
    case MQ_FIELD_METHOD: return g_strdup (mq_method_term (p->method));
    case MQ_FIELD_INDUSTRY: return g_strdup (p->details->industry);
    case MQ_FIELD_PROJECT: return g_strdup (p->details->project);
    case MQ_FIELD_INVESTOR: return g_strdup (p->details->investor);
    case MQ_FIELD_DEADLINE: return mq_date_format (p->deadline);
    case MQ_FIELD_STAGE:
      /* Land that is not being transformed has no stage to speak of. */
      if (!p->flagged && p->stage == MQ_STAGE_NOT_STARTED)
        return NULL;
      return g_strdup (mq_stage_term (p->stage));
    case MQ_FIELD_ENTITY: return g_strdup (p->details->entity);
    case MQ_FIELD_CONTACT: return g_strdup (p->details->contact);
    case MQ_FIELD_PHONE: return g_strdup (p->details->phone);
    case MQ_FIELD_NOTES: return g_strdup (p->details->notes);
    case MQ_FIELD_LOCK_PARCEL:
    case MQ_FIELD_LOCK_PROJECT:
    case MQ_FIELD_LOCK_DEADLINE:
    case MQ_FIELD_LOCK_OWNER:
      return g_strdup ((p->locks & (1u << (field - MQ_FIELD_LOCK_PARCEL))) ? "1" : "0");
    case MQ_FIELD_LOCK_PARCEL_DATE:
    case MQ_FIELD_LOCK_PROJECT_DATE:
    case MQ_FIELD_LOCK_DEADLINE_DATE:
    case MQ_FIELD_LOCK_OWNER_DATE:
      return mq_date_format (p->details->lock_date[field - MQ_FIELD_LOCK_PARCEL_DATE]);
    case MQ_FIELD_CREDIT_CODE: return g_strdup (p->details->credit_code);
    case MQ_FIELD_PLANNED_USE: return g_strdup (p->details->planned_use);
    case MQ_FIELD_FLOOR_AREA: return mq_figure_format (p->details->floor_area_m2);
    case MQ_FIELD_FAR: return mq_figure_format (p->details->far);
    case MQ_FIELD_TAX: return mq_figure_format (p->details->tax);
    case MQ_FIELD_OUTPUT: return mq_figure_format (p->details->output);
    case MQ_FIELD_ENERGY: return mq_figure_format (p->details->energy);
    case MQ_FIELD_PLANNED_FAR: return mq_figure_format (p->details->planned_far);
    case MQ_FIELD_HIGH_ENERGY:
    case MQ_FIELD_HIGH_POLLUTION:
    case MQ_FIELD_HIGH_RISK:
    case MQ_FIELD_LOW_YIELD:
      return g_strdup ((p->details->high_low & (1u << (field - MQ_FIELD_HIGH_ENERGY))) ? "1" : "0");
    case MQ_FIELD_GRADE: return g_strdup (mq_grade_term (p->details->grade));
    case MQ_N_FIELDS:
    default:
      g_return_val_if_reached (NULL);
    }
}

G_DEFINE_QUARK (mq-field-error-quark, mq_field_error)

/* What the bureau keeps current. The survey's own facts (id, owner, land
 * use, surveyed area) belong to the survey and are not edited here — which
 * also keeps a spreadsheet's reformatting (Excel turns "0601" into 601) from
 * rewriting them. */
gboolean
mq_field_is_editable (MqField field)
{
  switch (field)
    {
    case MQ_FIELD_ID:
    case MQ_FIELD_OWNER:
    case MQ_FIELD_LAND_USE_CODE:
    case MQ_FIELD_LAND_USE_NAME:
    case MQ_FIELD_LOCATION:
    case MQ_FIELD_SURVEY_AREA:
    case MQ_FIELD_LAND_CLASS:
    case MQ_N_FIELDS:
      return FALSE;
    default:
      return TRUE;
    }
}

/* A CSV header or column name: the key or the Chinese header. */
MqField
mq_field_from_header (const char *header)
{
  g_autofree char *name = g_strstrip (g_strdup (header ? header : ""));

  for (guint f = 0; f < MQ_N_FIELDS; f++)
    if (g_ascii_strcasecmp (name, fields[f].key) == 0 || g_str_equal (name, fields[f].zh_header))
      return f;
  return MQ_N_FIELDS;
}

static gboolean invalid (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid (GError     **error,
         const char  *format,
         ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, MQ_FIELD_ERROR, MQ_FIELD_ERROR_INVALID, message);
  return FALSE;
}

static const char **
text_slot (MqParcelDetails *d,
           MqField          field)
{
  switch (field)
    {
    case MQ_FIELD_FLAG_REASON: return &d->flag_reason;
    case MQ_FIELD_INDUSTRY: return &d->industry;
    case MQ_FIELD_PROJECT: return &d->project;
    case MQ_FIELD_INVESTOR: return &d->investor;
    case MQ_FIELD_ENTITY: return &d->entity;
    case MQ_FIELD_CONTACT: return &d->contact;
    case MQ_FIELD_PHONE: return &d->phone;
    case MQ_FIELD_NOTES: return &d->notes;
    case MQ_FIELD_PLANNED_USE: return &d->planned_use;
    default: return NULL;
    }
}

static gboolean
set_lock (MqParcel    *p,
          guint        lock,
          const char  *text,
          GError     **error)
{
  gboolean held;

  /* An empty cell is not a state: a lock is either held or open. */
  if (text == NULL || *text == '\0' || !mq_bool_parse (text, &held))
    return invalid (error, _("invalid lock state “%s” (use 1 or 0)"), text ? text : "");
  if (held)
    p->locks |= 1u << lock;
  else
    p->locks &= ~(1u << lock);
  return TRUE;
}

static gboolean
set_date (guint32     *slot,
          const char  *text,
          GError     **error)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text ? text : ""));

  if (!mq_date_parse (stripped, slot))
    return invalid (error, _("invalid date “%s” (use YYYY-MM-DD)"), stripped);
  return TRUE;
}

/* Sets one of the record's details: a copy of them with the field set,
 * stored with the parcels (the old ones may be shared). */
static gboolean
set_detail (MqParcels  *parcels,
            MqParcel   *p,
            MqField     field,
            const char *text,
            GError    **error)
{
  MqParcelDetails d = *p->details;
  const char **slot = text_slot (&d, field);

  if (slot != NULL)
    {
      g_autofree char *stripped = g_strstrip (g_strdup (text ? text : ""));

      *slot = mq_parcels_intern (parcels, stripped);
    }
  else if (!set_date (&d.lock_date[field - MQ_FIELD_LOCK_PARCEL_DATE], text, error))
    return FALSE;
  p->details = mq_parcels_store_details (parcels, &d);
  return TRUE;
}

/* One of the assessment's values, strictly as for every other field. */
static gboolean
set_performance (MqParcels   *parcels,
                 MqParcel    *p,
                 MqField      field,
                 const char  *text,
                 GError     **error)
{
  MqParcelDetails d = *p->details;
  double *figure = figure_slot (&d, field);
  g_autofree char *code = NULL;
  MqGrade grade;
  gboolean held;

  if (figure != NULL && !mq_figure_parse (text, figure))
    return invalid (error, _("invalid figure “%s” (a number, 0 or more)"), text ? text : "");
  if (is_high_low (field))
    {
      if (!mq_bool_parse (text, &held))
        return invalid (error, _("invalid yes/no value “%s” (use 1 or 0)"), text);
      d.high_low = held ? d.high_low | 1u << (field - MQ_FIELD_HIGH_ENERGY)
                        : d.high_low & ~(1u << (field - MQ_FIELD_HIGH_ENERGY));
    }
  if (field == MQ_FIELD_GRADE)
    {
      if (!mq_grade_parse (text, &grade))
        return invalid (error, _("unknown performance class “%s” (A, B, C or D)"), text);
      d.grade = grade;
    }
  if (field == MQ_FIELD_CREDIT_CODE)
    {
      if (!mq_credit_code_normalize (text, &code, error))
        return FALSE;
      d.credit_code = mq_parcels_intern (parcels, code);
    }
  p->details = mq_parcels_store_details (parcels, &d);
  return TRUE;
}

/* Sets one editable field of a record from its text form, strictly: a value
 * that does not parse is an error, never a silent default. */
gboolean
mq_parcel_set_field_text (MqParcels  *parcels,
                          MqParcel   *p,
                          MqField     field,
                          const char *text,
                          GError    **error)
{
  MqParcelDetails probe = { NULL };
  MqMethod method;
  MqStage stage;
  gboolean flag;

  if (text_slot (&probe, field) != NULL)
    return set_detail (parcels, p, field, text, error);
  switch (field)
    {
    case MQ_FIELD_FLAGGED:
      if (!mq_bool_parse (text, &flag))
        return invalid (error, _("invalid yes/no value “%s” (use 1 or 0)"), text);
      p->flagged = flag;
      return TRUE;
    case MQ_FIELD_METHOD:
      if (!mq_method_parse (text, &method))
        return invalid (error, _("unknown transformation method “%s”"), text);
      p->method = method;
      return TRUE;
    case MQ_FIELD_STAGE:
      if (!mq_stage_parse (text, &stage))
        return invalid (error, _("unknown stage “%s” (未启动, 推进中 or 已完成)"), text);
      p->stage = stage;
      return TRUE;
    case MQ_FIELD_DEADLINE:
      return set_date (&p->deadline, text, error);
    case MQ_FIELD_LOCK_PARCEL:
    case MQ_FIELD_LOCK_PROJECT:
    case MQ_FIELD_LOCK_DEADLINE:
    case MQ_FIELD_LOCK_OWNER:
      return set_lock (p, field - MQ_FIELD_LOCK_PARCEL, text, error);
    case MQ_FIELD_LOCK_PARCEL_DATE:
    case MQ_FIELD_LOCK_PROJECT_DATE:
    case MQ_FIELD_LOCK_DEADLINE_DATE:
    case MQ_FIELD_LOCK_OWNER_DATE:
      return set_detail (parcels, p, field, text, error);
    case MQ_FIELD_CREDIT_CODE:
    case MQ_FIELD_FLOOR_AREA:
    case MQ_FIELD_FAR:
    case MQ_FIELD_TAX:
    case MQ_FIELD_OUTPUT:
    case MQ_FIELD_ENERGY:
    case MQ_FIELD_HIGH_ENERGY:
    case MQ_FIELD_HIGH_POLLUTION:
    case MQ_FIELD_HIGH_RISK:
    case MQ_FIELD_LOW_YIELD:
    case MQ_FIELD_GRADE:
    case MQ_FIELD_PLANNED_FAR:
      return set_performance (parcels, p, field, text, error);
    default:
      g_set_error (error, MQ_FIELD_ERROR, MQ_FIELD_ERROR_READ_ONLY,
                   _("“%s” comes from the survey and is not edited here"),
                   mq_field_label (field));
      return FALSE;
    }
}

/* A value as a person reads it in a history or a preview: lock states as
 * words, nothing as a dash, other values as they are. */
const char *
mq_field_value_label (MqField     field,
                      const char *value)
{
  gboolean is_lock = field >= MQ_FIELD_LOCK_PARCEL && field <= MQ_FIELD_LOCK_OWNER;

  if (value == NULL || *value == '\0')
    return "—";
  if (is_lock)
    return g_str_equal (value, "1") ? C_("lock", "Locked") : C_("lock", "Open");
  if (is_high_low (field))
    return g_str_equal (value, "1") ? _("Yes") : _("No");
  return value;
}
