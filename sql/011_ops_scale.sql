-- 011_ops_scale: what campaign-scale operations need (issue 17): integrity flags that staff
-- clear, a shared-wrong-answer check that does not scan every answer to an item, and a roster
-- kept ready for export.

-- Integrity flags hold a screen out of `pool promote` until staff clear them
-- (`assay screen clear-flags ID --reason R`, recorded in events as screen.clear_flags). The flags
-- themselves are kept: clearing says a person looked and accepted the screen.
ALTER TABLE screens
    ADD COLUMN flags_cleared_at     timestamptz,
    ADD COLUMN flags_cleared_by     text,
    ADD COLUMN flags_cleared_reason text,
    ADD CONSTRAINT screens_flags_cleared CHECK ((flags_cleared_at IS NULL) = (flags_cleared_by IS NULL)
                                               AND (flags_cleared_at IS NULL) = (flags_cleared_reason IS NULL));

-- The shared-wrong-answer check looks for other screens that gave the same wrong answer to the
-- same item: only wrong answers are indexed, by item and a 64-bit hash of the answer (answers
-- can be long texts, too long for a b-tree entry), with the screen in the index so that the
-- lookup reads the index alone. The check compares the answers themselves after the hash.
CREATE INDEX screen_items_wrong_answer_idx ON screen_items (item_id, hashtextextended(answer::text, 0)) INCLUDE (screen_id)
    WHERE correct = false AND answer IS NOT NULL;

-- A CSV cell neutralised against spreadsheet formulas, by OWASP's rule and exactly as
-- CSVText.field (Sources/AssayCore/Support/CSVText.swift) does it: a cell that starts with
-- = + - @ a tab or a carriage return gets a leading apostrophe, except a plain number such as
-- -3 or -0.25 or +1.5e-05.
CREATE FUNCTION assay_csv_cell(cell text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT CASE WHEN left(cell, 1) IN ('=', '@', chr(9), chr(13))
                  OR (left(cell, 1) IN ('+', '-') AND substr(cell, 2) !~ '^([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$')
                THEN '''' || cell ELSE cell END
$$;

-- The roster as exported: one row per pool membership, its cells already formatted, kept up to
-- date by the triggers below (pool_members changes, and changes to a member's name, email,
-- country or languages). `assay roster export` reads this table alone, so a million-member
-- export costs little more than copying a plain table: no joins, no formatting, no sort
-- beyond reading the index in order. The effective status is decided at export time (active
-- and not past expires_at), as in pool_roster.
CREATE TABLE roster_entries (
    expert_id        bigint  NOT NULL,
    domain           text    NOT NULL,
    tier_rank        integer NOT NULL,
    status           text    NOT NULL,
    expires_at       timestamptz NOT NULL,
    country          text    NOT NULL,
    languages        text[]  NOT NULL,
    name             text    NOT NULL,
    email            text    NOT NULL,
    languages_text   text    NOT NULL,  -- separated by ';'
    tier             text    NOT NULL,
    score            numeric NOT NULL,  -- to one decimal
    screen_id        bigint,            -- the first evidence screen
    bank_slug        text,
    bank_version     integer,
    promoted_at_text text    NOT NULL,  -- YYYY-MM-DDTHH:MM:SSZ
    expires_at_text  text    NOT NULL,
    -- The CSV cells neutralised by assay_csv_cell, only where that changes them (else NULL).
    name_csv         text,
    email_csv        text,
    languages_csv    text,
    tier_csv         text,
    PRIMARY KEY (expert_id, domain)
) WITH (fillfactor = 90);  -- room for a changed row to stay on its page

CREATE INDEX roster_entries_order_idx ON roster_entries (domain, tier_rank, expert_id);

-- What roster_entries holds for each membership, computed from the tables it comes from.
CREATE VIEW roster_entry_source AS
SELECT m.expert_id, m.domain, m.tier_rank, m.status, m.expires_at, e.country, e.languages,
       e.full_name AS name, e.email, array_to_string(e.languages, ';') AS languages_text, m.tier,
       round(m.score::numeric, 1) AS score, m.evidence_screens[1] AS screen_id, s.bank_slug, b.version AS bank_version,
       to_char(m.promoted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS promoted_at_text,
       to_char(m.expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS expires_at_text,
       nullif(assay_csv_cell(e.full_name), e.full_name) AS name_csv,
       nullif(assay_csv_cell(e.email), e.email) AS email_csv,
       nullif(assay_csv_cell(array_to_string(e.languages, ';')), array_to_string(e.languages, ';')) AS languages_csv,
       nullif(assay_csv_cell(m.tier), m.tier) AS tier_csv
FROM pool_members m
JOIN experts e ON e.id = m.expert_id
LEFT JOIN screens s ON s.id = m.evidence_screens[1]
LEFT JOIN banks b ON b.id = s.bank_id;

-- One statement's pool_members changes, applied set-based (a promotion of 20,000 members is
-- one INSERT here, not 20,000).
CREATE FUNCTION roster_entries_follow_members() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        TRUNCATE roster_entries;
        RETURN NULL;
    END IF;
    IF TG_OP = 'DELETE' THEN
        DELETE FROM roster_entries r USING old_members o WHERE r.expert_id = o.expert_id AND r.domain = o.domain;
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        -- A membership whose key changed leaves its old row behind otherwise.
        DELETE FROM roster_entries r USING old_members o
        WHERE r.expert_id = o.expert_id AND r.domain = o.domain
          AND NOT EXISTS (SELECT 1 FROM new_members n WHERE n.expert_id = o.expert_id AND n.domain = o.domain);
    END IF;
    INSERT INTO roster_entries
    SELECT v.* FROM new_members n JOIN roster_entry_source v ON v.expert_id = n.expert_id AND v.domain = n.domain
    ORDER BY v.domain, v.tier_rank, v.expert_id  -- new rows laid out in export order: the export reads them in sequence
    ON CONFLICT (expert_id, domain) DO UPDATE SET
        tier_rank = EXCLUDED.tier_rank, status = EXCLUDED.status, expires_at = EXCLUDED.expires_at,
        country = EXCLUDED.country, languages = EXCLUDED.languages, name = EXCLUDED.name, email = EXCLUDED.email,
        languages_text = EXCLUDED.languages_text, tier = EXCLUDED.tier, score = EXCLUDED.score, screen_id = EXCLUDED.screen_id,
        bank_slug = EXCLUDED.bank_slug, bank_version = EXCLUDED.bank_version, promoted_at_text = EXCLUDED.promoted_at_text,
        expires_at_text = EXCLUDED.expires_at_text, name_csv = EXCLUDED.name_csv, email_csv = EXCLUDED.email_csv,
        languages_csv = EXCLUDED.languages_csv, tier_csv = EXCLUDED.tier_csv;
    RETURN NULL;
END
$$;

CREATE TRIGGER pool_members_roster_insert AFTER INSERT ON pool_members
    REFERENCING NEW TABLE AS new_members FOR EACH STATEMENT EXECUTE FUNCTION roster_entries_follow_members();
CREATE TRIGGER pool_members_roster_update AFTER UPDATE ON pool_members
    REFERENCING OLD TABLE AS old_members NEW TABLE AS new_members FOR EACH STATEMENT EXECUTE FUNCTION roster_entries_follow_members();
CREATE TRIGGER pool_members_roster_delete AFTER DELETE ON pool_members
    REFERENCING OLD TABLE AS old_members FOR EACH STATEMENT EXECUTE FUNCTION roster_entries_follow_members();
CREATE TRIGGER pool_members_roster_truncate AFTER TRUNCATE ON pool_members
    FOR EACH STATEMENT EXECUTE FUNCTION roster_entries_follow_members();

-- A member's name, email, country or languages changed (an intake that adds languages, an
-- erasure that replaces personal fields): their roster rows follow, in one statement.
CREATE FUNCTION roster_entries_follow_experts() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE roster_entries r SET
        country = e.country, languages = e.languages, name = e.full_name, email = e.email,
        languages_text = array_to_string(e.languages, ';'),
        name_csv = nullif(assay_csv_cell(e.full_name), e.full_name),
        email_csv = nullif(assay_csv_cell(e.email), e.email),
        languages_csv = nullif(assay_csv_cell(array_to_string(e.languages, ';')), array_to_string(e.languages, ';'))
    FROM changed_experts e
    WHERE r.expert_id = e.id
      AND (r.country, r.languages, r.name, r.email) IS DISTINCT FROM (e.country, e.languages, e.full_name, e.email);
    RETURN NULL;
END
$$;

CREATE TRIGGER experts_roster_update AFTER UPDATE ON experts
    REFERENCING NEW TABLE AS changed_experts FOR EACH STATEMENT EXECUTE FUNCTION roster_entries_follow_experts();

INSERT INTO roster_entries SELECT * FROM roster_entry_source ORDER BY domain, tier_rank, expert_id;
