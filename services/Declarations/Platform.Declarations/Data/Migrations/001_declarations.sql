-- Engagements and declarations are only ever appended: a change is a new row, so every earlier state stays
-- readable and nothing is silently rewritten.

CREATE TABLE engagements (
    id              bigserial    PRIMARY KEY,
    recipient_id    text         NOT NULL,
    hours_per_week  numeric(4,1) NOT NULL CHECK (hours_per_week BETWEEN 0 AND 35),
    from_week       text         NOT NULL,
    set_by          text         NOT NULL,
    set_at          timestamptz  NOT NULL
);

CREATE INDEX engagements_by_recipient ON engagements (recipient_id, id);

CREATE TABLE declaration_versions (
    recipient_id  text         NOT NULL,
    week          text         NOT NULL,
    version       integer      NOT NULL CHECK (version >= 1),
    activities    jsonb        NOT NULL,
    total_hours   numeric(6,2) NOT NULL,
    late          boolean      NOT NULL,
    submitted_at  timestamptz  NOT NULL,
    -- SHA-256 of the canonical activities: re-sending the same declaration creates no new version.
    content_hash  text         NOT NULL,
    PRIMARY KEY (recipient_id, week, version)
);

CREATE TRIGGER engagements_append_only BEFORE UPDATE OR DELETE ON engagements
    FOR EACH ROW EXECUTE FUNCTION refuse_rewrite();

CREATE TRIGGER declaration_versions_append_only BEFORE UPDATE OR DELETE ON declaration_versions
    FOR EACH ROW EXECUTE FUNCTION refuse_rewrite();
