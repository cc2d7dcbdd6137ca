-- data/server/survey-update.sql — a survey update's table swap on the server.
--
-- Run by core/mq-pg-survey.c inside the update's (or its undo's) one
-- transaction, by the parcels table's owner, with search_path set to the
-- project's schema. The functions are the session's own (pg_temp): nothing
-- of them stays in the project. The new survey's rows, its lineage and its
-- history batch are written by the client between the swap and COMMIT.
--
-- SPDX-License-Identifier: GPL-3.0-or-later

SET LOCAL client_min_messages = warning;

-- One row per survey update: what the undo needs, and where the window's
-- past days find the parcels the update kept.
CREATE TABLE IF NOT EXISTS mq_survey_updates (
  batch          bigint PRIMARY KEY,
  archive        text NOT NULL,         -- the parcels table before it
  base_version   bigint NOT NULL,       -- every new parcel's first row_version
  history_after  bigint NOT NULL,       -- the last lock_history id before it
  parcels        bigint NOT NULL,       -- how many it wrote
  survey         text,                  -- the survey's file name
  survey_date    date,
  updated_at     timestamptz NOT NULL DEFAULT now ()
);

CREATE TABLE IF NOT EXISTS parcel_lineage (
  id              bigserial PRIMARY KEY,
  old_id          text,
  new_id          text,
  relation        text NOT NULL,
  overlap_m2      double precision,
  old_share       double precision,
  new_share       double precision,
  area_change_m2  double precision,
  survey_date     date,
  batch           bigint NOT NULL
);

GRANT SELECT ON mq_survey_updates, parcel_lineage TO mq_editor;

-- Whom a grant names.
CREATE FUNCTION pg_temp.mq_grantee (grantee oid) RETURNS text
  LANGUAGE sql AS $$
  SELECT CASE WHEN grantee = 0 THEN 'PUBLIC' ELSE quote_ident (pg_get_userbyid (grantee)) END
$$;

-- The rights on @from_table given on @to_table as well (table and column
-- grants with their grant options, row-level security and its policies),
-- then @from_table left readable only: a kept table is a record, not a
-- place to edit.
CREATE FUNCTION pg_temp.mq_move_rights (from_table regclass, to_table regclass) RETURNS void
  LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
  owner oid := (SELECT relowner FROM pg_class WHERE oid = from_table);
  g     record;
BEGIN
  FOR g IN SELECT (aclexplode (relacl)).* FROM pg_class WHERE oid = from_table LOOP
    CONTINUE WHEN g.grantee = owner;
    EXECUTE format ('GRANT %s ON %s TO %s%s', g.privilege_type, to_table, pg_temp.mq_grantee (g.grantee),
                    CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
  END LOOP;
  FOR g IN SELECT a.attname, (aclexplode (a.attacl)).* FROM pg_attribute a
            WHERE a.attrelid = from_table AND NOT a.attisdropped AND a.attacl IS NOT NULL LOOP
    CONTINUE WHEN g.grantee = owner OR NOT EXISTS (
      SELECT FROM pg_attribute b WHERE b.attrelid = to_table AND b.attname = g.attname AND NOT b.attisdropped);
    EXECUTE format ('GRANT %s (%I) ON %s TO %s%s', g.privilege_type, g.attname, to_table,
                    pg_temp.mq_grantee (g.grantee), CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
  END LOOP;
  FOR g IN SELECT * FROM pg_policy WHERE polrelid = from_table LOOP
    CONTINUE WHEN EXISTS (SELECT FROM pg_policy WHERE polrelid = to_table AND polname = g.polname);
    EXECUTE format ('CREATE POLICY %I ON %s AS %s FOR %s TO %s%s%s', g.polname, to_table,
                    CASE WHEN g.polpermissive THEN 'PERMISSIVE' ELSE 'RESTRICTIVE' END,
                    CASE g.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE'
                                  WHEN 'd' THEN 'DELETE' ELSE 'ALL' END,
                    (SELECT string_agg (pg_temp.mq_grantee (r), ', ') FROM unnest (g.polroles) r),
                    coalesce (' USING (' || pg_get_expr (g.polqual, from_table) || ')', ''),
                    coalesce (' WITH CHECK (' || pg_get_expr (g.polwithcheck, from_table) || ')', ''));
  END LOOP;
  IF (SELECT relrowsecurity FROM pg_class WHERE oid = from_table) THEN
    EXECUTE format ('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', to_table);
  END IF;
  IF (SELECT relforcerowsecurity FROM pg_class WHERE oid = from_table) THEN
    EXECUTE format ('ALTER TABLE %s FORCE ROW LEVEL SECURITY', to_table);
  END IF;
  FOR g IN SELECT DISTINCT grantee FROM (
             SELECT (aclexplode (relacl)).grantee FROM pg_class WHERE oid = from_table
             UNION SELECT (aclexplode (attacl)).grantee FROM pg_attribute WHERE attrelid = from_table) x
            WHERE grantee <> owner LOOP
    -- A table's REVOKE takes its columns' grants too, and what was granted
    -- on from them.
    EXECUTE format ('REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON %s FROM %s CASCADE', from_table,
                    pg_temp.mq_grantee (g.grantee));
  END LOOP;
END
$$;

-- The triggers (schema.sql's, and any a bureau added) follow the table
-- that is "parcels", each made again from its own text.
CREATE FUNCTION pg_temp.mq_qualified (relation regclass) RETURNS text
  LANGUAGE sql AS $$
  SELECT format ('%I.%I', n.nspname, c.relname) FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = relation
$$;

CREATE FUNCTION pg_temp.mq_move_triggers (from_table regclass, to_table regclass) RETURNS void
  LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
  t record;
BEGIN
  -- Not pretty: the text names the table qualified.
  FOR t IN SELECT tgname, pg_get_triggerdef (oid, false) AS definition FROM pg_trigger
            WHERE tgrelid = from_table AND NOT tgisinternal LOOP
    EXECUTE replace (t.definition, ' ON ' || pg_temp.mq_qualified (from_table) || ' ',
                     ' ON ' || pg_temp.mq_qualified (to_table) || ' ');
    EXECUTE format ('DROP TRIGGER %I ON %s', t.tgname, from_table);
  END LOOP;
END
$$;

-- The fids' sequence belongs to the table that is "parcels" (a serial's:
-- dropped with its table, and named by pg_get_serial_sequence()).
CREATE FUNCTION pg_temp.mq_move_sequence (from_table regclass, to_table regclass) RETURNS void
  LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
  sequence text := pg_get_serial_sequence (from_table::text, 'fid');
BEGIN
  IF sequence IS NOT NULL AND NOT EXISTS (SELECT FROM pg_attribute WHERE attrelid = from_table
                                            AND attname = 'fid' AND attidentity <> '') THEN
    EXECUTE format ('ALTER SEQUENCE %s OWNED BY %s.fid', sequence, to_table);
  END IF;
END
$$;

-- The presence view names the parcels table by its oid (a regclass
-- constant): made again from its own text, it names today's.
CREATE FUNCTION pg_temp.mq_view_text () RETURNS text
  LANGUAGE sql SET search_path FROM CURRENT AS $$
  SELECT pg_get_viewdef ('mq_editing'::regclass)
$$;

CREATE FUNCTION pg_temp.mq_remake_view (definition text) RETURNS void
  LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  EXECUTE 'CREATE OR REPLACE VIEW mq_editing AS ' || definition;
END
$$;

-- The update: "parcels" kept as @archive, and an empty "parcels" of the
-- same make (defaults, rules, indexes) in its place, with the new survey's
-- columns (@columns of @types) and the status columns; row_version last,
-- where the loader looks for it.
CREATE FUNCTION pg_temp.mq_archive_parcels (archive text, columns text[], types text[]) RETURNS void
  LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
  presence text := pg_temp.mq_view_text ();
  c        record;
BEGIN
  IF EXISTS (SELECT FROM unnest (types) t WHERE t NOT IN ('text', 'integer', 'bigint', 'double precision',
                                                          'date', 'timestamptz', 'boolean')) THEN
    RAISE EXCEPTION 'not a column type of a survey';
  END IF;
  EXECUTE format ('ALTER TABLE parcels RENAME TO %I', archive);
  EXECUTE format ('CREATE TABLE parcels (LIKE %I INCLUDING ALL)', archive);
  FOR c IN SELECT attname FROM pg_attribute
            WHERE attrelid = 'parcels'::regclass AND attnum > 0 AND NOT attisdropped
              AND attname NOT IN ('fid', 'geom') AND attname <> ALL (mq_status_columns ())
              AND (attname = 'row_version' OR attname <> ALL (columns)) LOOP
    EXECUTE format ('ALTER TABLE parcels DROP COLUMN %I', c.attname);
  END LOOP;
  FOR c IN SELECT name, type FROM unnest (columns, types) AS x (name, type)
            WHERE NOT EXISTS (SELECT FROM pg_attribute WHERE attrelid = 'parcels'::regclass
                                AND attname = x.name AND NOT attisdropped) LOOP
    EXECUTE format ('ALTER TABLE parcels ADD COLUMN %I %s', c.name, c.type);
  END LOOP;
  ALTER TABLE parcels ADD COLUMN row_version bigint NOT NULL DEFAULT 1;
  PERFORM pg_temp.mq_move_triggers (archive::regclass, 'parcels'::regclass);
  PERFORM pg_temp.mq_move_rights (archive::regclass, 'parcels'::regclass);
  PERFORM pg_temp.mq_move_sequence (archive::regclass, 'parcels'::regclass);
  PERFORM pg_temp.mq_remake_view (presence);
END
$$;

-- The undo: the kept table is "parcels" again, with the rights, triggers
-- and presence the updated one had.
CREATE FUNCTION pg_temp.mq_restore_parcels (archive text) RETURNS void
  LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
  presence text := pg_temp.mq_view_text ();
BEGIN
  PERFORM pg_temp.mq_move_rights ('parcels'::regclass, archive::regclass);
  PERFORM pg_temp.mq_move_triggers ('parcels'::regclass, archive::regclass);
  PERFORM pg_temp.mq_move_sequence ('parcels'::regclass, archive::regclass);
  -- The view depends on the table it names: it is turned to the kept one
  -- before the updated one is dropped.
  ALTER TABLE parcels RENAME TO mq_parcels_undone;
  EXECUTE format ('ALTER TABLE %I RENAME TO parcels', archive);
  PERFORM pg_temp.mq_remake_view (presence);
  DROP TABLE mq_parcels_undone;
END
$$;
