-- data/server/upgrade-2.sql — schema 2: performance per mu (亩均).
--
-- Run after schema.sql by `maqiao-land --publish`, and by the app when its
-- table's owner opens a project published by an older version (one
-- transaction, search_path set to the project's schema). A project file
-- brings the columns already (core/mq-field-map.c); an older one does not.
--
-- SPDX-License-Identifier: GPL-3.0-or-later

SET LOCAL client_min_messages = warning;

ALTER TABLE parcels
  ADD COLUMN IF NOT EXISTS credit_code varchar(18),
  ADD COLUMN IF NOT EXISTS floor_area_m2 double precision,
  ADD COLUMN IF NOT EXISTS far double precision,
  ADD COLUMN IF NOT EXISTS annual_tax double precision,
  ADD COLUMN IF NOT EXISTS annual_output double precision,
  ADD COLUMN IF NOT EXISTS energy_tce double precision,
  ADD COLUMN IF NOT EXISTS high_energy integer,
  ADD COLUMN IF NOT EXISTS high_pollution integer,
  ADD COLUMN IF NOT EXISTS high_risk integer,
  ADD COLUMN IF NOT EXISTS low_yield integer,
  ADD COLUMN IF NOT EXISTS grade varchar(2),
  ADD COLUMN IF NOT EXISTS planned_use varchar(60),
  ADD COLUMN IF NOT EXISTS planned_far double precision;

-- The values the app accepts (mq-performance.c); the credit code's check
-- character is the app's to test, its shape the server's.
-- (double precision holds NaN and Infinity too, and NaN is >= 0 in
-- PostgreSQL: neither is a figure.)
ALTER TABLE parcels
  ADD CONSTRAINT mq_performance_figures
    CHECK (coalesce (floor_area_m2, 0) >= 0 AND coalesce (far, 0) >= 0 AND
           coalesce (annual_tax, 0) >= 0 AND coalesce (annual_output, 0) >= 0 AND
           coalesce (energy_tce, 0) >= 0 AND coalesce (planned_far, 0) >= 0 AND
           coalesce (floor_area_m2, 0) < 'Infinity' AND coalesce (far, 0) < 'Infinity' AND
           coalesce (annual_tax, 0) < 'Infinity' AND coalesce (annual_output, 0) < 'Infinity' AND
           coalesce (energy_tce, 0) < 'Infinity' AND coalesce (planned_far, 0) < 'Infinity'),
  ADD CONSTRAINT mq_performance_flags
    CHECK (coalesce (high_energy, 0) IN (0, 1) AND coalesce (high_pollution, 0) IN (0, 1) AND
           coalesce (high_risk, 0) IN (0, 1) AND coalesce (low_yield, 0) IN (0, 1)),
  ADD CONSTRAINT mq_performance_grade
    CHECK (coalesce (grade, 'A') IN ('A', 'B', 'C', 'D')),
  ADD CONSTRAINT mq_credit_code_shape
    CHECK (credit_code IS NULL OR credit_code ~ '^[0-9A-HJ-NPQRTUWXY]{18}$');

CREATE OR REPLACE FUNCTION mq_status_columns () RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
  SELECT ARRAY['owner', 'flagged', 'flag_reason', 'method', 'industry', 'project', 'investor',
               'deadline', 'stage', 'responsible_entity', 'contact', 'phone', 'notes',
               'lock_parcel', 'lock_project', 'lock_deadline', 'lock_owner',
               'lock_parcel_date', 'lock_project_date', 'lock_deadline_date', 'lock_owner_date',
               'credit_code', 'floor_area_m2', 'far', 'annual_tax', 'annual_output', 'energy_tce',
               'high_energy', 'high_pollution', 'high_risk', 'low_yield', 'grade', 'planned_use',
               'planned_far']
$$;

DO $$
BEGIN
  EXECUTE format ('GRANT UPDATE (%s) ON parcels TO mq_editor',
                  (SELECT string_agg (quote_ident (c), ', ') FROM unnest (mq_status_columns ()) c));
END
$$;

UPDATE mq_project_settings SET value = '2' WHERE key = 'schema_version';
