-- Prior appeals (RAPO, CASF L262-47, R262-88 and following): one per signed sanction decision. Filed online by the
-- person or on paper recorded by a counsellor with its date of receipt; the sanction's terms and who proposed and
-- approved it are copied at filing, so the instruction can refuse those two people. The outcome is written once, by a
-- person with a delegation in force, with its signed decision as published; or, after two months of silence, the
-- implicit rejection.
CREATE TABLE appeals (
    appeal_id               uuid          PRIMARY KEY,
    sanction_decision_id    uuid          NOT NULL UNIQUE,
    decision_letter_id      uuid          NOT NULL REFERENCES decision_letters (letter_id),
    proposal_id             uuid          NOT NULL REFERENCES proposals (proposal_id),
    recipient_id            text          NOT NULL,
    percent                 integer       NOT NULL,
    months                  integer       NOT NULL,
    start_month             text          NOT NULL,
    proposed_by             text          NOT NULL,
    approved_by             text          NOT NULL,
    channel                 text          NOT NULL CHECK (channel IN ('online', 'paper')),
    filed_by                text          NOT NULL,
    filed_on                date          NOT NULL,
    recorded_at             timestamptz   NOT NULL,
    reasons                 text          NOT NULL,
    documents               text[]        NOT NULL DEFAULT '{}',
    late                    boolean       NOT NULL,
    implicit_rejection_on   date          NOT NULL,
    commission_opinion      text,
    commission_recorded_by  text,
    commission_recorded_at  timestamptz,
    outcome                 text          CHECK (outcome IN ('confirmed', 'reduced', 'annulled')),
    outcome_percent         integer,
    outcome_months          integer,
    outcome_reason          text,
    decided_by              text,
    delegation_id           uuid          REFERENCES delegations (delegation_id),
    decided_at              timestamptz,
    appeal_decision_id      uuid          UNIQUE,
    key_id                  text,
    signature               text,
    signed_decision         jsonb,
    implicitly_rejected_at  timestamptz,
    CHECK (decided_by IS NULL OR (decided_by <> proposed_by AND decided_by <> approved_by))
);

CREATE INDEX appeals_by_recipient ON appeals (recipient_id, recorded_at);
CREATE INDEX appeals_pending ON appeals (implicit_rejection_on) WHERE outcome IS NULL AND implicitly_rejected_at IS NULL;

-- The appeal's letters: its acknowledgement, its decision, its implicit rejection; one of each at most.
CREATE TABLE appeal_letters (
    letter_id    uuid        PRIMARY KEY,
    appeal_id    uuid        NOT NULL REFERENCES appeals (appeal_id),
    kind         text        NOT NULL CHECK (kind IN ('appeal-acknowledged', 'appeal-decided', 'appeal-implicitly-rejected')),
    created_at   timestamptz NOT NULL,
    UNIQUE (appeal_id, kind)
);

CREATE TRIGGER appeal_letters_append_only BEFORE UPDATE OR DELETE ON appeal_letters
    FOR EACH ROW EXECUTE FUNCTION refuse_rewrite();

-- The appeal letters' e-mails (an outbox written with the letter), sent and retried like the decision letters'.
CREATE TABLE appeal_letter_emails (
    letter_id        uuid        PRIMARY KEY REFERENCES appeal_letters (letter_id),
    address          text        NOT NULL,
    attempts         integer     NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL,
    sent_at          timestamptz,
    last_error       text
);

CREATE INDEX appeal_letter_emails_due ON appeal_letter_emails (next_attempt_at) WHERE sent_at IS NULL;
