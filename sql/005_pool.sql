-- 005_pool: the annotator pool, one row per (expert, domain), with the evidence for it.
--
-- A member past expires_at is "expired" in every listing and export without a scheduled job:
-- the pool_roster view computes the effective status.

CREATE EXTENSION IF NOT EXISTS pgcrypto;  -- hmac() for pseudonymous roster exports

CREATE TABLE pool_members (
    expert_id        bigint NOT NULL REFERENCES experts (id),
    domain           text   NOT NULL REFERENCES domains (slug),
    tier             text   NOT NULL,
    tier_rank        integer NOT NULL CHECK (tier_rank >= 1),  -- 1 is the highest tier of the domain's policy
    status           text   NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
    score            double precision NOT NULL,
    evidence_screens bigint[] NOT NULL CHECK (cardinality(evidence_screens) >= 1),
    rule             text   NOT NULL,  -- the policy rule that decided the tier, in words
    promoted_at      timestamptz NOT NULL DEFAULT now(),
    expires_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    suspended_reason text,
    PRIMARY KEY (expert_id, domain)
);

CREATE INDEX pool_members_domain_idx ON pool_members (domain, tier_rank);

CREATE VIEW pool_roster AS
SELECT m.expert_id, e.full_name, e.email, e.country, e.languages, m.domain, m.tier, m.tier_rank, m.score,
       m.evidence_screens[1] AS screen_id, s.bank_slug, b.version AS bank_version,
       m.promoted_at, m.expires_at,
       CASE WHEN m.status = 'suspended' THEN 'suspended'
            WHEN m.expires_at <= now() THEN 'expired'
            ELSE 'active' END AS status
FROM pool_members m
JOIN experts e ON e.id = m.expert_id
LEFT JOIN screens s ON s.id = m.evidence_screens[1]
LEFT JOIN banks b ON b.id = s.bank_id;

-- The promotion policy of each domain (from its domain.yaml), loaded by assay bank sync.
ALTER TABLE domains ADD COLUMN policy jsonb;
