-- The least-privilege PostgreSQL role for `assay serve` (docs/operations.md, "Remote candidates
-- over SSH"). Run it as the database's owner after `assay db migrate`, in the database assay
-- uses, e.g.  psql "$OWNER_URL" -f scripts/door-role.sql  and then give the role a password
-- (\password assay_door) or a certificate. Running it again changes nothing. To use another
-- name, replace assay_door throughout.
--
-- The role can do what a candidate's screen needs and nothing else: read the screen, its bank
-- and items (answer keys included: the server scores, the candidate never sees them), save
-- answers, begin, submit and score a screen, move the application's status, and append to the
-- audit trail. It cannot read experts (names, emails, CVs), the pool or other applications'
-- data, cannot delete anything, cannot change a screen's code, candidate, bank, seed or time
-- limit, and cannot create or alter tables: `assay serve` only checks at start that no
-- migration is missing.

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'assay_door') THEN
        CREATE ROLE assay_door LOGIN;
    END IF;
END
$$;

REVOKE ALL ON ALL TABLES IN SCHEMA public FROM assay_door;
GRANT USAGE ON SCHEMA public TO assay_door;

-- Checking migrations at start.
GRANT SELECT ON schema_migrations TO assay_door;

-- The bank and its items (read only; item versions are immutable anyway).
GRANT SELECT ON banks, items, bank_items, calibrations, calibration_items TO assay_door;

-- The screen: read all of it, change only what taking, closing and scoring it change.
GRANT SELECT ON screens TO assay_door;
GRANT UPDATE (status, started_at, deadline, submitted_at, submitted_by, scored_at,
              points_awarded, points_possible, score_percent, passed, flags,
              theta, theta_se, stop_reason) ON screens TO assay_door;
GRANT SELECT ON screen_items TO assay_door;
GRANT INSERT ON screen_items TO assay_door;  -- adaptive screens add each question as it is chosen
GRANT UPDATE (first_shown_at, last_shown_at, draft_text, draft_saved_at, answer, answer_text, answered_at, seconds_taken, points, correct,
              needs_review, theta, theta_se) ON screen_items TO assay_door;

-- The application's status only (screening, then passed or failed).
GRANT SELECT (id, status) ON applications TO assay_door;
GRANT UPDATE (status, updated_at) ON applications TO assay_door;

-- The audit trail: append only (its id comes back to the writer).
GRANT INSERT ON events TO assay_door;
GRANT SELECT (id) ON events TO assay_door;
GRANT USAGE ON SEQUENCE events_id_seq TO assay_door;

-- The candidate's one-round-trip functions (migrations 013, 016, 021; they run with the caller's rights).
GRANT EXECUTE ON FUNCTION screen_door_screen(text), screen_door_question(text, integer),
    screen_door_answer(text, integer, jsonb, text), screen_door_draft(text, integer, text),
    screen_door_show(bigint, integer, text, integer) TO assay_door;
