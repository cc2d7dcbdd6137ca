-- data/server/schema.sql — what a shared project adds to its parcels table.
--
-- Run by `maqiao-land --publish` (core/mq-server.c) inside one transaction,
-- with search_path set to the project's schema, after GDAL has copied the
-- project's parcels there (fid, geom and the columns of core/mq-field-map.c).
-- The server keeps the rules and the audit, so an edit made with psql, QGIS
-- or OGR is checked and recorded like one made in the app.
--
-- SPDX-License-Identifier: GPL-3.0-or-later

-- The server's notices (a column a project file already brings) are no
-- news to the person publishing.
SET LOCAL client_min_messages = warning;

CREATE TABLE mq_project_settings (
  key   text PRIMARY KEY,
  value text
);
INSERT INTO mq_project_settings (key, value) VALUES ('schema_version', '1');

-- Optimistic concurrency: every write bumps the version, whoever makes it. A
-- project the app has edited already has the column (core/mq-gpkg-store.c).
-- A project file brings its own (a GDAL column: no default, nullable).
ALTER TABLE parcels ADD COLUMN IF NOT EXISTS row_version bigint NOT NULL DEFAULT 1;
UPDATE parcels SET row_version = 1 WHERE row_version IS NULL;
ALTER TABLE parcels ALTER COLUMN row_version SET DEFAULT 1,
                    ALTER COLUMN row_version SET NOT NULL;

-- The four-lock rules (README, "Tracking the four locks"): a lock that pins
-- nothing is refused, and a held lock has the date it was taken.
ALTER TABLE parcels
  ADD CONSTRAINT mq_lock_project_pins_project
    CHECK (coalesce (lock_project, 0) = 0 OR coalesce (btrim (project), '') <> ''),
  ADD CONSTRAINT mq_lock_deadline_pins_deadline
    CHECK (coalesce (lock_deadline, 0) = 0 OR deadline IS NOT NULL),
  ADD CONSTRAINT mq_lock_owner_pins_entity
    CHECK (coalesce (lock_owner, 0) = 0 OR coalesce (btrim (responsible_entity), '') <> ''),
  ADD CONSTRAINT mq_lock_states
    CHECK (coalesce (lock_parcel, 0) IN (0, 1) AND coalesce (lock_project, 0) IN (0, 1) AND
           coalesce (lock_deadline, 0) IN (0, 1) AND coalesce (lock_owner, 0) IN (0, 1)),
  ADD CONSTRAINT mq_held_locks_dated
    CHECK ((coalesce (lock_parcel, 0) = 1) = (lock_parcel_date IS NOT NULL) AND
           (coalesce (lock_project, 0) = 1) = (lock_project_date IS NOT NULL) AND
           (coalesce (lock_deadline, 0) = 1) = (lock_deadline_date IS NOT NULL) AND
           (coalesce (lock_owner, 0) = 1) = (lock_owner_date IS NOT NULL));

-- Who changed what: written only by the trigger below (editors may read it).
CREATE TABLE lock_history (
  id          bigserial PRIMARY KEY,
  changed_at  timestamptz NOT NULL DEFAULT now (),
  db_user     text NOT NULL DEFAULT session_user,
  display_name text,            -- the planner's name, when the app announced one
  fid         bigint,           -- NULL: a history row whose parcel is gone
  parcel_id   text,
  field       text NOT NULL,
  old_value   text,
  new_value   text,
  action      text NOT NULL,
  batch       bigint,
  row_version bigint NOT NULL
);
CREATE INDEX lock_history_fid ON lock_history (fid);

-- The status columns: what editors may change and what the history records.
CREATE FUNCTION mq_status_columns () RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
  SELECT ARRAY['owner', 'flagged', 'flag_reason', 'method', 'industry', 'project', 'investor',
               'deadline', 'stage', 'responsible_entity', 'contact', 'phone', 'notes',
               'lock_parcel', 'lock_project', 'lock_deadline', 'lock_owner',
               'lock_parcel_date', 'lock_project_date', 'lock_deadline_date', 'lock_owner_date']
$$;

CREATE FUNCTION mq_bump_version () RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.row_version := OLD.row_version + 1;
  RETURN NEW;
END
$$;

CREATE TRIGGER mq_bump_version BEFORE UPDATE ON parcels
  FOR EACH ROW EXECUTE FUNCTION mq_bump_version ();

-- One history row per changed field, and one notification per changed row
-- ("fid:row_version", far below NOTIFY's 8000-byte limit). The app says why
-- with set_config('mq.action', …, true) and 'mq.batch'; any other tool's
-- edit is recorded as 'sql'.
CREATE FUNCTION mq_record_history () RETURNS trigger LANGUAGE plpgsql
  SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
  old_row jsonb := to_jsonb (OLD);
  new_row jsonb := to_jsonb (NEW);
  col     text;
  act     text := coalesce (nullif (current_setting ('mq.action', true), ''), 'sql');
  bat     bigint := nullif (current_setting ('mq.batch', true), '')::bigint;
  -- Announced by this very session (a reused pid's old row is not ours).
  who     text := (SELECT s.display_name FROM mq_sessions s
                     JOIN pg_stat_activity a ON a.pid = s.pid
                    WHERE s.pid = pg_backend_pid () AND s.since >= a.backend_start);
BEGIN
  FOREACH col IN ARRAY mq_status_columns () LOOP
    IF old_row -> col IS DISTINCT FROM new_row -> col THEN
      INSERT INTO lock_history (db_user, display_name, fid, parcel_id, field, old_value,
                                new_value, action, batch, row_version)
        VALUES (session_user, who, NEW.fid, NEW.parcel_id, col, old_row ->> col,
                new_row ->> col, act, bat, NEW.row_version);
    END IF;
  END LOOP;
  PERFORM pg_notify ('mq_parcels', NEW.fid || ':' || NEW.row_version);
  RETURN NULL;
END
$$;

CREATE TRIGGER mq_record_history AFTER UPDATE ON parcels
  FOR EACH ROW EXECUTE FUNCTION mq_record_history ();

-- Presence: a planner's window takes a shared session advisory lock on a
-- parcel while it shows it in the locks panel
-- (pg_try_advisory_lock_shared(oid of parcels, fid): several may hold it); names come from this table, since PostgreSQL 15 turns non-ASCII in
-- application_name into '?'.
CREATE TABLE mq_sessions (
  pid          integer PRIMARY KEY,
  display_name text NOT NULL,
  since        timestamptz NOT NULL DEFAULT now ()
);

CREATE FUNCTION mq_announce (name text) RETURNS void LANGUAGE sql
  SECURITY DEFINER SET search_path FROM CURRENT AS $$
  INSERT INTO mq_sessions (pid, display_name) VALUES (pg_backend_pid (), name)
    ON CONFLICT (pid) DO UPDATE SET display_name = EXCLUDED.display_name, since = now ();
$$;

CREATE VIEW mq_editing AS
  SELECT l.objid::bigint AS fid, s.display_name, a.usename AS db_user, l.pid
    FROM pg_locks l
    JOIN pg_stat_activity a ON a.pid = l.pid
    LEFT JOIN mq_sessions s ON s.pid = l.pid
   WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 'parcels'::regclass::oid;

-- The project's settings (saved views…) are shared: an editor replaces one
-- through this function, never the schema version, and has no INSERT or
-- UPDATE on the table itself.
CREATE FUNCTION mq_set_setting (setting_key text, setting_value text) RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
  IF setting_key = 'schema_version' THEN
    RAISE EXCEPTION 'the schema version is not a setting' USING ERRCODE = 'insufficient_privilege';
  END IF;
  INSERT INTO mq_project_settings (key, value) VALUES (setting_key, setting_value)
    ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value;
END
$$;

-- Row-level security hides a row from an editor silently: which of these
-- parcels exist at all, so that a refusal says "not permitted" and a parcel
-- someone deleted says so. (It tells existence only, nothing of the row.)
CREATE FUNCTION mq_parcels_exist (fids bigint[]) RETURNS SETOF bigint LANGUAGE sql STABLE
  SECURITY DEFINER SET search_path FROM CURRENT AS $$
  SELECT fid FROM parcels WHERE fid = ANY (fids)
$$;

-- Planners are members of mq_editor: they read everything, change only the
-- status columns, and cannot write the history themselves. (A bureau may
-- add department roles with row-level security on top; README.)
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'mq_editor') THEN
    CREATE ROLE mq_editor NOLOGIN;
  END IF;
  EXECUTE format ('GRANT USAGE ON SCHEMA %I TO mq_editor', current_schema ());
  EXECUTE format ('GRANT SELECT ON ALL TABLES IN SCHEMA %I TO mq_editor', current_schema ());
  EXECUTE format ('GRANT UPDATE (%s) ON parcels TO mq_editor',
                  (SELECT string_agg (quote_ident (c), ', ') FROM unnest (mq_status_columns ()) c));
  EXECUTE format ('GRANT EXECUTE ON FUNCTION mq_announce (text) TO mq_editor');
  REVOKE EXECUTE ON FUNCTION mq_set_setting (text, text) FROM PUBLIC;
  EXECUTE format ('GRANT EXECUTE ON FUNCTION mq_set_setting (text, text) TO mq_editor');
  EXECUTE format ('GRANT EXECUTE ON FUNCTION mq_parcels_exist (bigint[]) TO mq_editor');
END
$$;
