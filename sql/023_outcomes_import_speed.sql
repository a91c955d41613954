-- 023_outcomes_import_speed: `assay outcomes import` of 1,000,000 rows near COPY speed (issue 19, item 5).
--
-- Measured (docs/benchmarks.md, "Work outcomes"): inserting 1M rows into work_outcomes as 015
-- made it cost 16x `\copy` of the same file, half of it the two foreign keys' per-row checks (a
-- lookup and a row lock in experts and in domains) and a quarter work_outcomes_metric_idx.
--
-- * The foreign keys go, as 015 already left one out for import_event: the import resolves every
--   expert and domain in its own transaction (it refuses unknown experts and non-members of the
--   row's domain pool, and validates the domain against the known ones), and nothing else writes
--   the table. Experts are never deleted (003's triggers refuse DELETE and TRUNCATE; a merge marks
--   the other record `merged_into` and moves its outcome rows itself, ExpertMerger). Nothing in
--   Assay deletes a domain; should one be deleted or truncated by hand, the triggers below delete
--   its outcomes with it, so that no outcome names a person or domain that does not exist.
-- * work_outcomes_metric_idx goes: the validity report reads every row of a metric (a sequential
--   scan either way), the pool review joins the members to their rows by hash, and the renewal
--   floor looks rows up by expert, which the unique key (expert_id, project, metric, period_end)
--   serves. EXPLAIN of each on a 1M-row table is in docs/benchmarks.md.
ALTER TABLE work_outcomes
    DROP CONSTRAINT work_outcomes_expert_id_fkey,
    DROP CONSTRAINT work_outcomes_domain_fkey;

DROP INDEX work_outcomes_metric_idx;

CREATE FUNCTION work_outcomes_follow_deletes() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        TRUNCATE work_outcomes;
    ELSE
        DELETE FROM work_outcomes o USING gone g WHERE o.domain = g.slug;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER domains_delete_outcomes
    AFTER DELETE ON domains REFERENCING OLD TABLE AS gone
    FOR EACH STATEMENT EXECUTE FUNCTION work_outcomes_follow_deletes();

CREATE TRIGGER domains_truncate_outcomes
    AFTER TRUNCATE ON domains
    FOR EACH STATEMENT EXECUTE FUNCTION work_outcomes_follow_deletes();
