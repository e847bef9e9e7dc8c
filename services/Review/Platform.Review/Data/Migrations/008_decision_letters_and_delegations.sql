-- Delegations of signature: the président du conseil départemental decides; an agent decides in their name only by a
-- delegation (an arrêté) in force that day. Recorded by a supervisor or seeded from configuration; never rewritten,
-- a delegation ends by its end date.
CREATE TABLE delegations (
    delegation_id  uuid          PRIMARY KEY,
    agent_id       text          NOT NULL,
    agent_name     text          NOT NULL,
    agent_role     text          NOT NULL,
    departement    text          NOT NULL,
    reference      text          NOT NULL,
    valid_from     date          NOT NULL,
    valid_until    date,
    recorded_by    text          NOT NULL,
    recorded_at    timestamptz   NOT NULL,
    UNIQUE (agent_id, departement, reference),
    CHECK (valid_until IS NULL OR valid_until >= valid_from)
);

CREATE INDEX delegations_by_agent ON delegations (agent_id, departement, valid_from);

CREATE TRIGGER delegations_append_only BEFORE UPDATE OR DELETE ON delegations
    FOR EACH ROW EXECUTE FUNCTION refuse_rewrite();

-- One decision letter per decided proposal (CRPA L211-2, L211-5, L212-1, L311-3-1), written in the decision's own
-- transaction: who decided and under which delegation, and, for an approval, the signed decision as published (its
-- seal is printed on the letter and can be checked by anyone holding it).
CREATE TABLE decision_letters (
    letter_id             uuid          PRIMARY KEY,
    kind                  text          NOT NULL CHECK (kind IN ('sanction-approved', 'sanction-rejected')),
    proposal_id           uuid          NOT NULL UNIQUE REFERENCES proposals (proposal_id),
    case_id               uuid          NOT NULL REFERENCES cases (case_id),
    recipient_id          text          NOT NULL,
    delegation_id         uuid          NOT NULL REFERENCES delegations (delegation_id),
    decision_id           uuid,
    key_id                text,
    signature             text,
    signed_decision       jsonb,
    created_at            timestamptz   NOT NULL
);

CREATE INDEX decision_letters_by_recipient ON decision_letters (recipient_id, created_at);

-- Every proof that the person received the letter, only ever appended: the two months of the prior appeal (RAPO) run
-- from the first.
CREATE TABLE decision_letter_receipts (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    letter_id     uuid        NOT NULL REFERENCES decision_letters (letter_id),
    channel       text        NOT NULL,
    received_at   timestamptz NOT NULL,
    recorded_by   text        NOT NULL,
    recorded_at   timestamptz NOT NULL,
    UNIQUE (letter_id, channel)
);

CREATE TRIGGER decision_letter_receipts_append_only BEFORE UPDATE OR DELETE ON decision_letter_receipts
    FOR EACH ROW EXECUTE FUNCTION refuse_rewrite();

-- The letters' e-mails (an outbox written with the letter), sent and retried like the notices'.
CREATE TABLE decision_letter_emails (
    letter_id        uuid        PRIMARY KEY REFERENCES decision_letters (letter_id),
    address          text        NOT NULL,
    attempts         integer     NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL,
    sent_at          timestamptz,
    last_error       text
);

CREATE INDEX decision_letter_emails_due ON decision_letter_emails (next_attempt_at) WHERE sent_at IS NULL;
