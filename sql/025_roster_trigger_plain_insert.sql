-- 025_roster_trigger_plain_insert: the roster trigger inserts without ON CONFLICT (issue 17).
--
-- roster_entries holds exactly one row per pool membership, written only by these triggers, so
-- the rows of a statement that inserted memberships cannot already be there, and an updated
-- membership's row can be deleted and written again. Migration 020's INSERT … ON CONFLICT DO
-- UPDATE paid for a speculative insertion per row all the same: 20,000 new entries took 224 ms
-- with it and 156 ms without (same rows, same two indexes, measured on a copy). An entry that
-- is there against the rule (only if someone disabled these triggers or wrote the table by
-- hand, after which the roster export is already wrong) now stops the statement with an error
-- that says so and how to rebuild the table, instead of being overwritten in silence. The
-- exception block is entered once per statement, not per row. Everything else is migration
-- 020's function, unchanged.
CREATE OR REPLACE FUNCTION roster_entries_follow_members() RETURNS trigger
LANGUAGE plpgsql SET work_mem = '32MB' AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        TRUNCATE roster_entries;
        RETURN NULL;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        -- An updated membership's entry is written again below (under its new key, if that changed).
        DELETE FROM roster_entries r USING old_members o WHERE r.expert_id = o.expert_id AND r.domain = o.domain;
        IF TG_OP = 'DELETE' THEN
            RETURN NULL;
        END IF;
    END IF;
    -- Exactly roster_entry_source's columns (sql/011_ops_scale.sql), from the new rows.
    INSERT INTO roster_entries
    SELECT m.expert_id, m.domain, m.tier_rank, m.status = 'suspended', m.expires_at, e.country,
           e.full_name, e.email, array_to_string(e.languages, ';'), m.tier,
           round(m.score::numeric, 1), m.evidence_screens[1], s.bank_slug, b.version,
           to_char(m.promoted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
           to_char(m.expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
           nullif(assay_csv_cell(e.full_name), e.full_name),
           nullif(assay_csv_cell(e.email), e.email),
           nullif(assay_csv_cell(array_to_string(e.languages, ';')), array_to_string(e.languages, ';')),
           nullif(assay_csv_cell(m.tier), m.tier)
    FROM new_members m
    JOIN experts e ON e.id = m.expert_id
    LEFT JOIN screens s ON s.id = m.evidence_screens[1]
    LEFT JOIN banks b ON b.id = s.bank_id
    ORDER BY m.domain, m.tier_rank, m.expert_id;  -- new rows laid out in export order: the export reads them in sequence
    RETURN NULL;
EXCEPTION WHEN unique_violation THEN
    RAISE EXCEPTION 'roster_entries already has an entry for a pool membership being written (%)', SQLERRM
        USING ERRCODE = 'unique_violation',
              HINT = 'the table no longer follows pool_members (were its triggers disabled?); rebuild it in one transaction: '
                     'TRUNCATE roster_entries; INSERT INTO roster_entries SELECT * FROM roster_entry_source ORDER BY domain, tier_rank, expert_id;';
END
$$;
