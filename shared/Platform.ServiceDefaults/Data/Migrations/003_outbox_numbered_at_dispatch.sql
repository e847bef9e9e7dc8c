-- Producer sequences are now given by the dispatcher to committed rows, not by each writing transaction: a counter
-- row locked from the write until the commit made every writer of a service wait for the one before it (measured:
-- 130 ms of lock wait per declaration at 200 declarations/s). `id` keeps the order of writing; `sequence` stays
-- gap-free because only committed rows are numbered, and each number is committed before its event is published,
-- so a republished event carries the number it had.
ALTER TABLE outbox DROP CONSTRAINT outbox_pkey;
ALTER TABLE outbox ALTER COLUMN sequence DROP NOT NULL;
ALTER TABLE outbox ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;
ALTER TABLE outbox ADD CONSTRAINT outbox_sequence_unique UNIQUE (sequence);
DROP INDEX outbox_unpublished;
CREATE INDEX outbox_unnumbered ON outbox (id) WHERE sequence IS NULL;
CREATE INDEX outbox_unpublished ON outbox (sequence) WHERE published_at IS NULL AND sequence IS NOT NULL;
