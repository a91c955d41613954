-- 002_banks: domains, versioned question banks and their immutable item versions.
--
-- A bank version is identified by the SHA-256 of its content (settings and items). Syncing
-- changed content adds a new version; item versions are rows that are never updated or
-- deleted, so the item a screen showed stays exactly as it was.

CREATE TABLE domains (
    slug        text PRIMARY KEY CHECK (slug ~ '^[a-z][a-z0-9-]{1,39}$'),
    name        text NOT NULL,
    description text NOT NULL,
    synced_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE banks (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug         text    NOT NULL CHECK (slug ~ '^[a-z][a-z0-9-]{1,39}$'),
    version      integer NOT NULL CHECK (version >= 1),
    content_hash text    NOT NULL CHECK (content_hash ~ '^[0-9a-f]{64}$'),
    domain       text    NOT NULL REFERENCES domains (slug),
    title        text    NOT NULL,
    language     text    NOT NULL CHECK (language ~ '^[a-z]{2}$'),
    description  text,
    settings     jsonb   NOT NULL,
    source_file  text,
    is_current   boolean NOT NULL DEFAULT true,
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (slug, version),
    UNIQUE (slug, content_hash)
);

CREATE UNIQUE INDEX banks_one_current_version ON banks (slug) WHERE is_current;

CREATE TABLE items (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    bank_slug    text    NOT NULL,
    item_key     text    NOT NULL CHECK (item_key ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
    content_hash text    NOT NULL CHECK (content_hash ~ '^[0-9a-f]{64}$'),
    type         text    NOT NULL CHECK (type IN ('single_choice', 'multiple_response', 'true_false',
                                                  'numeric', 'short_text', 'ordering', 'essay')),
    topic        text    NOT NULL,
    difficulty   text    NOT NULL CHECK (difficulty IN ('easy', 'medium', 'hard')),
    points       double precision NOT NULL CHECK (points > 0),
    content      jsonb   NOT NULL,  -- the whole item, answer key included: staff and scoring only
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (bank_slug, item_key, content_hash)
);

CREATE TABLE bank_items (
    bank_id  bigint  NOT NULL REFERENCES banks (id),
    item_id  bigint  NOT NULL REFERENCES items (id),
    position integer NOT NULL CHECK (position >= 1),
    PRIMARY KEY (bank_id, item_id),
    UNIQUE (bank_id, position)
);

CREATE INDEX bank_items_item_idx ON bank_items (item_id);

CREATE FUNCTION items_are_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'item versions are immutable: % of items is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'change the bank file and run assay bank sync: it adds a new version';
END
$$;

CREATE TRIGGER items_immutable
    BEFORE UPDATE OR DELETE ON items
    FOR EACH ROW EXECUTE FUNCTION items_are_immutable();

CREATE FUNCTION bank_versions_are_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR NEW.content_hash <> OLD.content_hash OR NEW.settings <> OLD.settings
       OR NEW.slug <> OLD.slug OR NEW.version <> OLD.version OR NEW.domain <> OLD.domain THEN
        RAISE EXCEPTION 'bank versions are immutable: only is_current may change'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER bank_versions_immutable
    BEFORE UPDATE OR DELETE ON banks
    FOR EACH ROW EXECUTE FUNCTION bank_versions_are_immutable();

CREATE TRIGGER bank_items_immutable
    BEFORE UPDATE OR DELETE ON bank_items
    FOR EACH ROW EXECUTE FUNCTION items_are_immutable();
