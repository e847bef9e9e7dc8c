-- The notice of an envisaged sanction (CASF L262-37, décret n° 2025-478 du 30 mai 2025) and the proofs that the person
-- received it. The answer window of a proposal runs from its first proof of receipt, never from its sending.

ALTER TABLE proposals ADD COLUMN received_at timestamptz;

-- What the paying body last stated as the household's monthly base amount: the notice gives the sanction in euros.
ALTER TABLE households ADD COLUMN monthly_base_amount numeric(12, 2);

-- Where the person may be reached by e-mail; told by themself or a counsellor.
CREATE TABLE recipient_contacts (
    recipient_id  text        PRIMARY KEY,
    email         text        NOT NULL,
    updated_by    text        NOT NULL,
    updated_at    timestamptz NOT NULL
);

-- One notice per proposal; its id is the proposal's notification id.
CREATE TABLE notices (
    notice_id              uuid          PRIMARY KEY,
    proposal_id            uuid          NOT NULL UNIQUE REFERENCES proposals (proposal_id),
    case_id                uuid          NOT NULL REFERENCES cases (case_id),
    recipient_id           text          NOT NULL,
    created_at             timestamptz   NOT NULL,
    monthly_base_amount    numeric(12, 2),
    -- Only the SHA-256 of the e-mail link's single-use token; the token itself waits in notice_emails until sent.
    link_token_hash        bytea         NOT NULL UNIQUE,
    link_used_at           timestamptz,
    tracking_reference     text,
    postal_received_on     date,
    postal_recorded_by     text
);

CREATE INDEX notices_by_recipient ON notices (recipient_id, created_at);

-- Every proof of receipt, only ever appended; the first one starts the window.
CREATE TABLE notice_receipts (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    notice_id     uuid        NOT NULL REFERENCES notices (notice_id),
    channel       text        NOT NULL,
    received_at   timestamptz NOT NULL,
    recorded_by   text        NOT NULL,
    recorded_at   timestamptz NOT NULL
);

CREATE INDEX notice_receipts_by_notice ON notice_receipts (notice_id, received_at);

CREATE TRIGGER notice_receipts_append_only BEFORE UPDATE OR DELETE ON notice_receipts
    FOR EACH ROW EXECUTE FUNCTION refuse_rewrite();

-- The e-mails to send: written in the transaction that creates the notice (an outbox), sent by NoticeMailer, retried
-- until the SMTP server takes them. Nothing is lost while the server is down.
CREATE TABLE notice_emails (
    notice_id        uuid        PRIMARY KEY REFERENCES notices (notice_id),
    address          text        NOT NULL,
    link_token       text,
    attempts         integer     NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL,
    sent_at          timestamptz,
    last_error       text
);

CREATE INDEX notice_emails_due ON notice_emails (next_attempt_at) WHERE sent_at IS NULL;
