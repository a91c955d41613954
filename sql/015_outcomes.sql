-- 015_outcomes: the quality of pool members' paid work, as their clients measured it.
--
-- One row per (expert, project, metric, period end): re-importing the same figures changes
-- nothing, a corrected figure replaces the old one (the import's event keeps what it did).
-- `tasks` is how many tasks the value rests on; the validity report weights by it.

CREATE TABLE work_outcomes (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    expert_id    bigint NOT NULL REFERENCES experts (id),
    domain       text   NOT NULL REFERENCES domains (slug),
    project      text   NOT NULL CHECK (project <> '' AND length(project) <= 200),
    period_end   date   NOT NULL,
    metric       text   NOT NULL CHECK (metric ~ '^[a-z][a-z0-9_]{0,62}$'),
    value        double precision NOT NULL CHECK (value = value AND abs(value) < 'Infinity'::double precision),
    tasks        integer NOT NULL CHECK (tasks >= 1),
    import_event bigint NOT NULL,  -- the import that last set the row (events.id; no foreign key, as applications.event_id: a key on the append-only log would make TRUNCATE of it fail before its trigger explains why, and costs a check per row)
    updated_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (expert_id, project, metric, period_end)
);

CREATE INDEX work_outcomes_metric_idx ON work_outcomes (metric, domain, expert_id);
