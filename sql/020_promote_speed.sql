-- 020_promote_speed: a promotion of 20,000 members costs less in the roster it keeps (issue 17).
--
-- Migration 011's trigger filled roster_entries from the view roster_entry_source joined to the
-- statement's new rows: the view reads pool_members again (one lookup per new row) to find what
-- the transition table already holds. The same function now computes each entry from the new
-- rows themselves, joined only to experts, screens and banks; the view stays as the definition
-- the entries must equal (PromotionScaleTests compares them after every kind of change).
-- The new rows are sorted into export order; with the default work_mem a 20,000-row promotion's
-- sort went to disk, so the function runs with a little more.
CREATE OR REPLACE FUNCTION roster_entries_follow_members() RETURNS trigger
LANGUAGE plpgsql SET work_mem = '32MB' AS $$
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
    ORDER BY m.domain, m.tier_rank, m.expert_id  -- new rows laid out in export order: the export reads them in sequence
    ON CONFLICT (expert_id, domain) DO UPDATE SET
        tier_rank = EXCLUDED.tier_rank, suspended = EXCLUDED.suspended, expires_at = EXCLUDED.expires_at,
        country = EXCLUDED.country, name = EXCLUDED.name, email = EXCLUDED.email,
        languages_text = EXCLUDED.languages_text, tier = EXCLUDED.tier, score = EXCLUDED.score, screen_id = EXCLUDED.screen_id,
        bank_slug = EXCLUDED.bank_slug, bank_version = EXCLUDED.bank_version, promoted_at_text = EXCLUDED.promoted_at_text,
        expires_at_text = EXCLUDED.expires_at_text, name_csv = EXCLUDED.name_csv, email_csv = EXCLUDED.email_csv,
        languages_csv = EXCLUDED.languages_csv, tier_csv = EXCLUDED.tier_csv;
    RETURN NULL;
END
$$;
