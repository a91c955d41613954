-- 001_core: the audit trail every later part of Assay writes to.
--
-- events is append-only: who (actor) did what (action) to which row (subject), when, why and
-- with which details. UPDATE, DELETE and TRUNCATE are refused by triggers, so the trail that
-- regulated clients ask for cannot be rewritten through the application's role.

CREATE TABLE events (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at  timestamptz NOT NULL DEFAULT now(),
    actor        text        NOT NULL CHECK (actor <> ''),
    action       text        NOT NULL CHECK (action ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$'),
    subject_type text,
    subject_id   bigint,
    reason       text,
    details      jsonb       NOT NULL DEFAULT '{}'::jsonb,
    CHECK ((subject_type IS NULL) = (subject_id IS NULL))
);

CREATE INDEX events_subject_idx ON events (subject_type, subject_id, occurred_at);
CREATE INDEX events_occurred_at_idx ON events (occurred_at);

CREATE FUNCTION events_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events is an append-only audit trail: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'record a new event that corrects the earlier one instead';
END
$$;

CREATE TRIGGER events_no_update_or_delete
    BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_append_only();

CREATE TRIGGER events_no_truncate
    BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_append_only();
