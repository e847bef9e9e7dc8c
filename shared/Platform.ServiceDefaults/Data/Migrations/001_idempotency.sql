-- Responses to POSTs sent with an Idempotency-Key (docs/api.md): the same key from the same caller on the same route
-- replays the stored answer instead of creating anything twice.

CREATE TABLE idempotency_keys (
    caller        text        NOT NULL,
    route         text        NOT NULL,
    key           text        NOT NULL,
    request_hash  text        NOT NULL,
    status        integer     NOT NULL,
    location      text,
    body          text        NOT NULL,
    created_at    timestamptz NOT NULL,
    PRIMARY KEY (caller, route, key)
);
