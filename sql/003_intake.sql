-- 003_intake: experts and their applications.
--
-- One expert per normalized email (trimmed, lower-cased). One application per
-- (source, external_id): re-importing the same rows changes nothing. Identity values are
-- cached 1000 at a time (a bulk import draws a million of them), so ids may have gaps.

CREATE TABLE experts (
    id               bigint GENERATED ALWAYS AS IDENTITY (CACHE 1000) PRIMARY KEY,
    email            text    NOT NULL UNIQUE CHECK (email = lower(btrim(email)) AND email LIKE '%_@_%'),
    full_name        text    NOT NULL CHECK (btrim(full_name) <> ''),
    country          text    NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    languages        text[]  NOT NULL CHECK (cardinality(languages) >= 1),
    highest_degree   text    NOT NULL CHECK (highest_degree IN ('none', 'bachelor', 'master', 'phd', 'md', 'jd', 'other')),
    years_experience integer NOT NULL CHECK (years_experience BETWEEN 0 AND 70),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE applications (
    id          bigint GENERATED ALWAYS AS IDENTITY (CACHE 1000) PRIMARY KEY,
    -- No foreign key: a per-row check would more than double the cost of a million-row import.
    -- Integrity holds by construction: the intake merge is the only writer and takes these ids
    -- from experts in the same transaction, and experts rows are never deleted (trigger below).
    expert_id   bigint NOT NULL,
    source      text   NOT NULL CHECK (source <> ''),
    external_id text   NOT NULL CHECK (external_id <> ''),
    domains     text[] NOT NULL CHECK (cardinality(domains) >= 1),
    resume_text text,
    status      text   NOT NULL DEFAULT 'received'
                CHECK (status IN ('received', 'invited', 'screening', 'scored', 'passed', 'failed', 'pooled', 'rejected')),
    applied_at  timestamptz NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    event_id    bigint,  -- the intake event that brought it in (events.id; no foreign key: bulk imports skip a per-row check on the append-only log)
    UNIQUE (source, external_id)
);

CREATE INDEX applications_expert_idx ON applications (expert_id);

CREATE FUNCTION experts_are_never_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'experts are never deleted: applications, screens and the audit trail refer to them'
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'to erase a person''s data, replace their personal fields instead';
END
$$;

CREATE TRIGGER experts_never_deleted
    BEFORE DELETE ON experts
    FOR EACH ROW EXECUTE FUNCTION experts_are_never_deleted();

CREATE TRIGGER experts_never_truncated
    BEFORE TRUNCATE ON experts
    FOR EACH STATEMENT EXECUTE FUNCTION experts_are_never_deleted();
