-- Ending a suspension early (CASF L262-37 I). What the recipient said, and each signed decision that ended a
-- suspension; both only ever appended.

CREATE TABLE obligation_statements (
    statement_id  uuid        PRIMARY KEY,
    recipient_id  text        NOT NULL,
    stated_by     text        NOT NULL,
    text          text        NOT NULL,
    stated_at     timestamptz NOT NULL
);

CREATE INDEX obligation_statements_by_recipient ON obligation_statements (recipient_id, stated_at);

CREATE TRIGGER obligation_statements_append_only BEFORE UPDATE OR DELETE ON obligation_statements
    FOR EACH ROW EXECUTE FUNCTION refuse_rewrite();

CREATE TABLE suspension_endings (
    decision_id           uuid        PRIMARY KEY,
    -- One ending per suspension: a second attempt is a conflict, not a second repayment.
    sanction_decision_id  uuid        NOT NULL UNIQUE REFERENCES proposals (decision_id),
    recipient_id          text        NOT NULL,
    from_month            text        NOT NULL,
    decided_by            text        NOT NULL,
    reason                text        NOT NULL,
    statement_id          uuid        REFERENCES obligation_statements (statement_id),
    decided_at            timestamptz NOT NULL,
    key_id                text        NOT NULL,
    signature             text        NOT NULL
);

CREATE INDEX suspension_endings_by_recipient ON suspension_endings (recipient_id);

CREATE TRIGGER suspension_endings_append_only BEFORE UPDATE OR DELETE ON suspension_endings
    FOR EACH ROW EXECUTE FUNCTION refuse_rewrite();
