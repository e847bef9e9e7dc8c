-- The allocation ledger. Amounts set by counsellors are only ever appended; an adjustment exists only for a
-- signed, verified, lawful decision (decision_id is unique: a replayed decision has no second effect).

CREATE TABLE allocations (
    id                    bigserial     PRIMARY KEY,
    recipient_id          text          NOT NULL,
    monthly_base_amount   numeric(10,2) NOT NULL CHECK (monthly_base_amount >= 0),
    household_size        integer       NOT NULL CHECK (household_size >= 1),
    lone_parent_increase  boolean       NOT NULL,
    from_month            text          NOT NULL,
    set_by                text          NOT NULL,
    set_at                timestamptz   NOT NULL
);

CREATE INDEX allocations_by_recipient ON allocations (recipient_id, from_month, id);

CREATE TRIGGER allocations_append_only BEFORE UPDATE OR DELETE ON allocations
    FOR EACH ROW EXECUTE FUNCTION refuse_rewrite();

CREATE TABLE adjustments (
    adjustment_id            uuid          PRIMARY KEY,
    decision_id              uuid          NOT NULL UNIQUE,
    proposal_id              uuid          NOT NULL,
    recipient_id             text          NOT NULL,
    percent                  integer       NOT NULL CHECK (percent BETWEEN 30 AND 100),
    months                   integer       NOT NULL CHECK (months BETWEEN 1 AND 4),
    from_month               text          NOT NULL,
    monthly_amount_withheld  numeric(10,2) NOT NULL,
    key_id                   text          NOT NULL,
    proposed_by              text          NOT NULL,
    approved_by              text          NOT NULL CHECK (approved_by <> proposed_by),
    decided_at               timestamptz   NOT NULL,
    applied_at               timestamptz   NOT NULL,
    -- Set when the recipient updated their engagement during the suspension (CASF: it ends, sums are paid back).
    lifted_from_month        text,
    lifted_at                timestamptz,
    amount_repaid            numeric(10,2)
);

CREATE INDEX adjustments_by_recipient ON adjustments (recipient_id, from_month);

-- Every decision that reached the service and changed nothing, with why.
CREATE TABLE rejected_decisions (
    id            bigserial   PRIMARY KEY,
    decision_id   uuid        NOT NULL,
    recipient_id  text        NOT NULL,
    reason_code   text        NOT NULL,
    reason        text        NOT NULL,
    received_at   timestamptz NOT NULL
);
