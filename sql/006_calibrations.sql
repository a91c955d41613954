-- 006_calibrations: IRT calibrations of a bank's items from stored responses, and what adaptive
-- screens record (the ability estimate and its standard error after every answer).
--
-- A calibration is a set of rows that is never changed: every `assay bank calibrate` adds a new
-- one, earlier ones are kept. Items are item versions (items.id): the same item_key with other
-- content is another item, and is calibrated separately.

CREATE TABLE calibrations (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    bank_slug      text    NOT NULL CHECK (bank_slug ~ '^[a-z][a-z0-9-]{1,39}$'),
    created_at     timestamptz NOT NULL DEFAULT now(),
    created_by     text    NOT NULL CHECK (created_by <> ''),
    model          text    NOT NULL CHECK (model IN ('rasch', '2pl')),
    persons        integer NOT NULL CHECK (persons >= 0),
    responses      integer NOT NULL CHECK (responses >= 0),
    items_estimated integer NOT NULL CHECK (items_estimated >= 0),
    min_responses  integer NOT NULL CHECK (min_responses >= 1),
    iterations     integer NOT NULL CHECK (iterations >= 0),
    converged      boolean NOT NULL,
    last_change    double precision NOT NULL,
    log_likelihood double precision NOT NULL,  -- marginal log-likelihood at the estimates
    aic            double precision NOT NULL,  -- −2 logL + 2k
    bic            double precision NOT NULL   -- −2 logL + k ln(persons)
);

CREATE INDEX calibrations_bank_idx ON calibrations (bank_slug, id DESC);

CREATE TABLE calibration_items (
    calibration_id bigint NOT NULL REFERENCES calibrations (id),
    item_id        bigint NOT NULL REFERENCES items (id),
    a              double precision CHECK (a > 0),
    b              double precision,
    c              double precision NOT NULL DEFAULT 0 CHECK (c >= 0 AND c < 1),
    se_a           double precision,
    se_b           double precision,
    n              integer NOT NULL CHECK (n >= 0),
    p_correct      double precision NOT NULL CHECK (p_correct >= 0 AND p_correct <= 1),
    status         text    NOT NULL CHECK (status IN ('estimated', 'all-correct', 'all-wrong', 'too-few-responses')),
    at_bound       boolean NOT NULL DEFAULT false,
    PRIMARY KEY (calibration_id, item_id),
    CHECK ((status = 'estimated') = (a IS NOT NULL AND b IS NOT NULL))
);

CREATE FUNCTION calibrations_are_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'calibrations are kept as they were made: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'run assay bank calibrate again: it adds a new calibration';
END
$$;

CREATE TRIGGER calibrations_immutable
    BEFORE UPDATE OR DELETE ON calibrations
    FOR EACH ROW EXECUTE FUNCTION calibrations_are_immutable();

CREATE TRIGGER calibration_items_immutable
    BEFORE UPDATE OR DELETE ON calibration_items
    FOR EACH ROW EXECUTE FUNCTION calibrations_are_immutable();

-- Adaptive screens choose each item when it is asked for, so their screen_items grow one row
-- at a time. theta/theta_se on screens: the final EAP estimate (any screen whose items all have
-- IRT parameters); on screen_items: the estimate after that answer (adaptive screens).
ALTER TABLE screens
    ADD COLUMN adaptive       boolean NOT NULL DEFAULT false,
    ADD COLUMN calibration_id bigint REFERENCES calibrations (id),
    ADD COLUMN theta          double precision,
    ADD COLUMN theta_se       double precision CHECK (theta_se > 0),
    ADD COLUMN stop_reason    text CHECK (stop_reason IN ('se-reached', 'maximum-length', 'pool-exhausted'));

ALTER TABLE screen_items
    ADD COLUMN theta    double precision,
    ADD COLUMN theta_se double precision CHECK (theta_se > 0),
    ADD COLUMN a        double precision,   -- the parameters the selector used for this item
    ADD COLUMN b        double precision,
    ADD COLUMN c        double precision;
