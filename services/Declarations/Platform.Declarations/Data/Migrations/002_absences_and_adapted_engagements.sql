-- Justified absences (motif légitime, CASF R262-68-6): declared by the person over whole ISO weeks, decided once by a
-- counsellor. Both tables are append-only: a decision is a row of its own, and its primary key makes a second
-- decision impossible.
CREATE TABLE absences (
    absence_id          uuid         PRIMARY KEY,
    recipient_id        text         NOT NULL,
    from_week           text         NOT NULL,
    to_week             text         NOT NULL CHECK (to_week >= from_week),
    kind                text         NOT NULL,
    details             text         NOT NULL,
    document_reference  text,
    declared_at         timestamptz  NOT NULL
);

CREATE INDEX absences_by_recipient ON absences (recipient_id, from_week);

CREATE TABLE absence_decisions (
    absence_id  uuid         PRIMARY KEY REFERENCES absences (absence_id),
    accepted    boolean      NOT NULL,
    reason      text         NOT NULL,
    decided_by  text         NOT NULL,
    decided_at  timestamptz  NOT NULL
);

CREATE TRIGGER absences_append_only BEFORE UPDATE OR DELETE ON absences
    FOR EACH ROW EXECUTE FUNCTION refuse_rewrite();

CREATE TRIGGER absence_decisions_append_only BEFORE UPDATE OR DELETE ON absence_decisions
    FOR EACH ROW EXECUTE FUNCTION refuse_rewrite();

-- An engagement under 15 hours states why (loi n° 2023-1196). Engagements set before this column existed have none.
ALTER TABLE engagements ADD COLUMN reduction_reason text;

-- Whether the person chose to show a health-revealing activity to counsellors is part of the activity itself (jsonb).
