-- 024_pool_member_references: a membership's expert and domain are checked once per statement,
-- not once per row (issue 17: a promotion of 20,000 members).
--
-- The two foreign keys of pool_members ran two checks for every new row (a query and a row
-- lock each: 40,000 checks, about a third of the promotion's INSERT). The same guarantee, set
-- based: after each INSERT or UPDATE statement, one anti-join of the statement's new rows
-- against experts and against domains; before an expert or a domain is deleted, renamed or
-- truncated, a check that no membership points at it. Both raise foreign_key_violation (23503),
-- as the foreign keys did. The rows a membership points at are also pinned otherwise: every
-- member has evidence screens, which reference the same expert by a foreign key, and a domain
-- with a policy has banks, which reference it.

ALTER TABLE pool_members DROP CONSTRAINT pool_members_expert_id_fkey;
ALTER TABLE pool_members DROP CONSTRAINT pool_members_domain_fkey;

CREATE FUNCTION pool_members_check_references() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    missing record;
BEGIN
    SELECT n.expert_id, n.domain,
           NOT EXISTS (SELECT 1 FROM experts e WHERE e.id = n.expert_id) AS no_expert
    INTO missing
    FROM new_members n
    WHERE NOT EXISTS (SELECT 1 FROM experts e WHERE e.id = n.expert_id)
       OR NOT EXISTS (SELECT 1 FROM domains d WHERE d.slug = n.domain)
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'pool_members: % does not exist', CASE WHEN missing.no_expert THEN format('expert %s', missing.expert_id)
                                                                ELSE format('domain %L', missing.domain) END
            USING ERRCODE = 'foreign_key_violation', TABLE = 'pool_members';
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER pool_members_references_insert AFTER INSERT ON pool_members
    REFERENCING NEW TABLE AS new_members FOR EACH STATEMENT EXECUTE FUNCTION pool_members_check_references();
CREATE TRIGGER pool_members_references_update AFTER UPDATE ON pool_members
    REFERENCING NEW TABLE AS new_members FOR EACH STATEMENT EXECUTE FUNCTION pool_members_check_references();

-- The referenced side, what the foreign keys did: experts are never deleted nor truncated
-- (migration 003 refuses both), so only a renumbered expert is left to refuse; a domain with
-- members can be neither deleted nor renamed (NO ACTION), and TRUNCATE domains CASCADE empties
-- pool_members as the cascade did (as migration 023 does for work_outcomes).
CREATE FUNCTION pool_members_keep_referenced() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        -- Only TRUNCATE domains CASCADE gets here (banks refer to domains by a foreign key),
        -- which emptied pool_members through the former foreign key: it still does.
        TRUNCATE pool_members;
        RETURN NULL;
    END IF;
    IF TG_TABLE_NAME = 'experts' THEN
        IF NEW.id IS DISTINCT FROM OLD.id AND EXISTS (SELECT 1 FROM pool_members WHERE expert_id = OLD.id) THEN
            RAISE EXCEPTION 'expert % is a pool member: an expert''s id does not change', OLD.id
                USING ERRCODE = 'foreign_key_violation', TABLE = 'experts';
        END IF;
        RETURN NEW;
    END IF;
    IF (TG_OP = 'DELETE' OR NEW.slug IS DISTINCT FROM OLD.slug) AND EXISTS (SELECT 1 FROM pool_members WHERE domain = OLD.slug) THEN
        RAISE EXCEPTION 'domain % has pool members: remove the memberships first', quote_literal(OLD.slug)
            USING ERRCODE = 'foreign_key_violation', TABLE = 'domains';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;

CREATE TRIGGER experts_keep_pool_members BEFORE UPDATE OF id ON experts
    FOR EACH ROW EXECUTE FUNCTION pool_members_keep_referenced();
CREATE TRIGGER domains_keep_pool_members BEFORE DELETE OR UPDATE OF slug ON domains
    FOR EACH ROW EXECUTE FUNCTION pool_members_keep_referenced();
CREATE TRIGGER domains_keep_pool_members_truncate BEFORE TRUNCATE ON domains
    FOR EACH STATEMENT EXECUTE FUNCTION pool_members_keep_referenced();
