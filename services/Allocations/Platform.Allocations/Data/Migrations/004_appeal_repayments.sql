-- Every signed, verified decision on a prior appeal that reduced or annulled a sanction this service applied
-- (appeal_decision_id is unique: a replay has no second effect), with what it paid back for the months before it.
CREATE TABLE appeal_repayments (
    appeal_decision_id    uuid          PRIMARY KEY,
    appeal_id             uuid          NOT NULL,
    sanction_decision_id  uuid          NOT NULL UNIQUE REFERENCES adjustments (decision_id),
    recipient_id          text          NOT NULL,
    outcome               text          NOT NULL CHECK (outcome IN ('reduced', 'annulled')),
    percent               integer       NOT NULL,
    months                integer       NOT NULL,
    from_month            text          NOT NULL,
    decided_by            text          NOT NULL,
    decided_at            timestamptz   NOT NULL,
    key_id                text          NOT NULL,
    amount_repaid         numeric(10,2) NOT NULL,
    applied_at            timestamptz   NOT NULL
);

CREATE TRIGGER appeal_repayments_append_only BEFORE UPDATE OR DELETE ON appeal_repayments
    FOR EACH ROW EXECUTE FUNCTION refuse_rewrite();

-- The suspension as the appeal left it, from appeal_from_month on: set only by a signed AppealDecided (appeal_repayments).
ALTER TABLE adjustments
    ADD COLUMN appeal_id uuid,
    ADD COLUMN appeal_percent integer,
    ADD COLUMN appeal_months integer,
    ADD COLUMN appeal_from_month text,
    ADD COLUMN appeal_repaid numeric(10,2);
