-- Every service's database holds its outbox (events committed with the state change they report) and its inbox
-- (messages already consumed), so that neither a crash nor a redelivery loses or repeats an effect.

CREATE TABLE outbox (
    -- Gap-free per producer: taken from outbox_sequence in the writing transaction, so a rolled-back
    -- transaction takes no number and the audit log can prove that none is missing.
    sequence      bigint      PRIMARY KEY,
    event_id      uuid        NOT NULL UNIQUE,
    message_type  text        NOT NULL,
    body          jsonb       NOT NULL,
    occurred_at   timestamptz NOT NULL,
    published_at  timestamptz
);

CREATE INDEX outbox_unpublished ON outbox (sequence) WHERE published_at IS NULL;

CREATE TABLE outbox_sequence (
    id             boolean PRIMARY KEY DEFAULT true CHECK (id),
    last_sequence  bigint  NOT NULL
);

INSERT INTO outbox_sequence (id, last_sequence) VALUES (true, 0);

CREATE TABLE inbox (
    consumer      text        NOT NULL,
    message_id    uuid        NOT NULL,
    processed_at  timestamptz NOT NULL,
    PRIMARY KEY (consumer, message_id)
);
