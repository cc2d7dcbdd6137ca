/* mq-field-map.h — which source field means what.
 *
 * One table names every parcel attribute the project knows: its key (the
 * project file's column and the CSV header outside a Chinese locale), its
 * Chinese header, its type, and the names it goes by in 三调 surveys and
 * other people's files. The project schema, the field guess and the CSV
 * columns are all read from it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <ogr_api.h>

#include "mq-parcels.h"

G_BEGIN_DECLS

typedef enum
{
  MQ_FIELD_ID,
  MQ_FIELD_OWNER,
  MQ_FIELD_LAND_USE_CODE,
  MQ_FIELD_LAND_USE_NAME,
  MQ_FIELD_LOCATION,
  MQ_FIELD_SURVEY_AREA,
  MQ_FIELD_LAND_CLASS,
  MQ_FIELD_FLAGGED,
  MQ_FIELD_FLAG_REASON,
  MQ_FIELD_METHOD,
  MQ_FIELD_INDUSTRY,
  MQ_FIELD_PROJECT,
  MQ_FIELD_INVESTOR,
  MQ_FIELD_DEADLINE,
  MQ_FIELD_STAGE,
  MQ_FIELD_ENTITY,
  MQ_FIELD_CONTACT,
  MQ_FIELD_PHONE,
  MQ_FIELD_NOTES,
  MQ_FIELD_LOCK_PARCEL,
  MQ_FIELD_LOCK_PROJECT,
  MQ_FIELD_LOCK_DEADLINE,
  MQ_FIELD_LOCK_OWNER,
  MQ_FIELD_LOCK_PARCEL_DATE,
  MQ_FIELD_LOCK_PROJECT_DATE,
  MQ_FIELD_LOCK_DEADLINE_DATE,
  MQ_FIELD_LOCK_OWNER_DATE,
  /* Performance per mu (亩均), after the locks: a project file's columns
   * keep their order as fields are added. */
  MQ_FIELD_CREDIT_CODE,
  MQ_FIELD_FLOOR_AREA,
  MQ_FIELD_FAR,
  MQ_FIELD_TAX,
  MQ_FIELD_OUTPUT,
  MQ_FIELD_ENERGY,
  MQ_FIELD_HIGH_ENERGY,
  MQ_FIELD_HIGH_POLLUTION,
  MQ_FIELD_HIGH_RISK,
  MQ_FIELD_LOW_YIELD,
  MQ_FIELD_GRADE,
  MQ_FIELD_PLANNED_USE,
  MQ_FIELD_PLANNED_FAR,
  MQ_N_FIELDS
} MqField;

typedef struct
{
  const char        *key;
  const char        *zh_header;
  OGRFieldType       type;
  int                width;
  const char *const *aliases;
} MqFieldInfo;

#define MQ_FIELD_ERROR (mq_field_error_quark ())

typedef enum
{
  MQ_FIELD_ERROR_INVALID,
  MQ_FIELD_ERROR_READ_ONLY,
} MqFieldError;

GQuark             mq_field_error_quark (void);

typedef struct
{
  int index[MQ_N_FIELDS];   /* source field index, or -1 */
  int source[MQ_N_FIELDS];  /* a project file's kept source column for the
                             * field (WCSX beside deadline), or -1 */
} MqFieldMap;

const MqFieldInfo *mq_field_info        (MqField            field);
const char        *mq_field_label       (MqField            field);
void               mq_field_map_guess   (MqFieldMap         *map,
                                         const char * const *names);
gboolean           mq_field_map_has     (const MqFieldMap  *map,
                                         MqField            field);
gboolean           mq_field_map_apply_json (MqFieldMap     *map,
                                         const char * const *names,
                                         const char        *json,
                                         GError           **error);

MqProblem          mq_field_map_fill    (const MqFieldMap  *map,
                                         MqParcels         *parcels,
                                         MqParcel          *record,
                                         const char *const *values);
gboolean           mq_field_map_value_unread (const MqFieldMap   *map,
                                              MqField             field,
                                              const char * const *values);
char              *mq_field_map_dup_unread (const MqFieldMap  *map,
                                            MqParcels         *parcels,
                                            guint              index);
gboolean           mq_survey_area_parse (const char        *text,
                                         double            *area,
                                         gboolean          *grouped);

char              *mq_parcel_dup_field_text (const MqParcel *parcel,
                                             MqField         field);
gboolean           mq_field_is_editable     (MqField         field);
gboolean           mq_parcel_set_field_text (MqParcels      *parcels,
                                             MqParcel       *parcel,
                                             MqField         field,
                                             const char     *text,
                                             GError        **error);
MqField            mq_field_from_header     (const char     *header);
const char        *mq_field_value_label     (MqField         field,
                                             const char     *value);

G_END_DECLS
