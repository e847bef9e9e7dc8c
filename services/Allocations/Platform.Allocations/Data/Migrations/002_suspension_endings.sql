-- Every signed, verified decision that ended a suspension early (decision_id is unique: a replay has no second effect).
CREATE TABLE suspension_endings (
    decision_id           uuid          PRIMARY KEY,
    sanction_decision_id  uuid          NOT NULL UNIQUE REFERENCES adjustments (decision_id),
    recipient_id          text          NOT NULL,
    from_month            text          NOT NULL,
    decided_by            text          NOT NULL,
    reason                text          NOT NULL,
    statement_id          uuid,
    decided_at            timestamptz   NOT NULL,
    key_id                text          NOT NULL,
    amount_repaid         numeric(10,2) NOT NULL,
    applied_at            timestamptz   NOT NULL
);

CREATE TRIGGER suspension_endings_append_only BEFORE UPDATE OR DELETE ON suspension_endings
    FOR EACH ROW EXECUTE FUNCTION refuse_rewrite();

COMMENT ON COLUMN adjustments.lifted_from_month IS 'Set only by a signed SuspensionEnded decision (suspension_endings), never by an engagement update.';
