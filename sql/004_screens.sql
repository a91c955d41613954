-- 004_screens: one sitting of one candidate on one bank version, and what was shown and answered.
--
-- The invite code is never stored, only its SHA-256. The draw (items, order, option shuffles)
-- is stored at invitation, so the staff view shows exactly what the candidate saw. Deadlines
-- come from the server's clock only.

CREATE TABLE screens (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    expert_id           bigint  NOT NULL REFERENCES experts (id),
    application_id      bigint  REFERENCES applications (id),
    bank_id             bigint  NOT NULL REFERENCES banks (id),
    bank_slug           text    NOT NULL,
    invite_hash         text    NOT NULL UNIQUE CHECK (invite_hash ~ '^[0-9a-f]{64}$'),
    status              text    NOT NULL DEFAULT 'invited'
                        CHECK (status IN ('invited', 'in_progress', 'awaiting_review', 'scored', 'expired', 'voided')),
    seed                bigint  NOT NULL,
    time_limit_minutes  integer NOT NULL CHECK (time_limit_minutes > 0),
    extra_minutes       integer NOT NULL DEFAULT 0 CHECK (extra_minutes >= 0),
    invited_at          timestamptz NOT NULL DEFAULT now(),
    invited_by          text    NOT NULL,
    invite_expires_at   timestamptz NOT NULL,
    started_at          timestamptz,
    deadline            timestamptz,
    submitted_at        timestamptz,
    submitted_by        text CHECK (submitted_by IN ('candidate', 'deadline', 'staff')),
    scored_at           timestamptz,
    points_awarded      double precision,
    points_possible     double precision,
    score_percent       double precision,
    passed              boolean,
    flags               jsonb   NOT NULL DEFAULT '[]'::jsonb,
    void_reason         text,
    CHECK ((started_at IS NULL) = (deadline IS NULL))
);

-- At most one open screen per expert and bank.
CREATE UNIQUE INDEX screens_one_open ON screens (expert_id, bank_slug) WHERE status IN ('invited', 'in_progress');
CREATE INDEX screens_expert_idx ON screens (expert_id);
CREATE INDEX screens_status_idx ON screens (status);

CREATE TABLE screen_items (
    screen_id     bigint  NOT NULL REFERENCES screens (id),
    position      integer NOT NULL CHECK (position >= 1),
    item_id       bigint  NOT NULL REFERENCES items (id),
    choice_order  integer[],          -- shown position (0-based) -> original option or step index
    max_points    double precision NOT NULL,
    first_shown_at timestamptz,
    answer        jsonb,              -- in the item's original indices
    answer_text   text,               -- what the candidate typed, as typed
    answered_at   timestamptz,
    seconds_taken double precision,
    points        double precision,
    correct       boolean,
    needs_review  boolean NOT NULL DEFAULT false,
    reviewed_by   text,
    review_note   text,
    reviewed_at   timestamptz,
    PRIMARY KEY (screen_id, position)
);

CREATE INDEX screen_items_item_idx ON screen_items (item_id);
