-- 026_experts_merged_into_check: an expert's merged_into is checked only when it is set, not for
-- every new expert (issue 16: a first import of a million people).
--
-- Migration 010's foreign key on merged_into made PostgreSQL queue an after-row check for every
-- row inserted into experts, merged_into NULL included (it returns at once only when it fires,
-- after fetching the row again): 1.7–3.6 s more per million rows in a COPY into a copy of the
-- table (5.1–7.5 s without the key, 8.7–9.2 s with it, alternating). Intake never sets
-- merged_into; only `assay experts merge` does, on one row. The same guarantee now: a row trigger
-- whose WHEN clause (evaluated without calling anything) passes only rows that set merged_into,
-- which checks that the expert kept exists and locks it FOR KEY SHARE as the foreign key did,
-- so that it cannot be renumbered until this transaction ends; and on the referenced side, an
-- expert that others were merged into cannot be renumbered (experts are never deleted nor
-- truncated: migration 003). Both raise foreign_key_violation (23503), as the key did.

ALTER TABLE experts DROP CONSTRAINT experts_merged_into_fkey;

CREATE FUNCTION experts_check_merged_into() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM experts WHERE id = NEW.merged_into FOR KEY SHARE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'experts: expert % (merged_into of expert %) does not exist', NEW.merged_into, NEW.id
            USING ERRCODE = 'foreign_key_violation', TABLE = 'experts';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER experts_merged_into_insert BEFORE INSERT ON experts
    FOR EACH ROW WHEN (NEW.merged_into IS NOT NULL) EXECUTE FUNCTION experts_check_merged_into();
CREATE TRIGGER experts_merged_into_update BEFORE UPDATE OF merged_into ON experts
    FOR EACH ROW WHEN (NEW.merged_into IS NOT NULL AND NEW.merged_into IS DISTINCT FROM OLD.merged_into)
    EXECUTE FUNCTION experts_check_merged_into();

CREATE FUNCTION experts_keep_merged() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM experts WHERE merged_into = OLD.id) THEN
        RAISE EXCEPTION 'expert % has experts merged into it: an expert''s id does not change', OLD.id
            USING ERRCODE = 'foreign_key_violation', TABLE = 'experts';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER experts_keep_merged BEFORE UPDATE OF id ON experts
    FOR EACH ROW WHEN (NEW.id IS DISTINCT FROM OLD.id) EXECUTE FUNCTION experts_keep_merged();
