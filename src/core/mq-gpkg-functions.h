/* mq-gpkg-functions.h — the SQL functions a GeoPackage's triggers call.
 *
 * GDAL (and QGIS) create R-tree triggers that call ST_IsEmpty and
 * ST_MinX/MaxX/MinY/MaxY. SQLite compiles a table's triggers with every
 * UPDATE, so a plain SQLite connection must define them before it may change
 * an attribute of a feature.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <sqlite3.h>

#include <glib.h>

G_BEGIN_DECLS

void  mq_gpkg_register_functions (sqlite3 *db);
void  mq_gpkg_harden             (sqlite3 *db);
char *mq_gpkg_find_foreign_sql   (sqlite3 *db);

G_END_DECLS
