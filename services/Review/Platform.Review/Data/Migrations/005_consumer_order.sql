-- Consumers run many messages at once, on one queue per event type, with retries: a FlagWithdrawn may be consumed
-- before its FlagRaised, and an older AllocationSet after a newer one. Both must end as in-order delivery would.

-- A withdrawal that came before its flag: the flag, when it arrives, opens its case already withdrawn.
CREATE TABLE withdrawn_flags (
    flag_id       uuid        PRIMARY KEY,
    recipient_id  text        NOT NULL,
    reason_fr     text,
    withdrawn_at  timestamptz NOT NULL
);

-- The allocations service's producer sequence of the statement the household facts come from: an older statement
-- consumed after a newer one changes nothing.
ALTER TABLE households ADD COLUMN producer_sequence bigint NOT NULL DEFAULT 0;
