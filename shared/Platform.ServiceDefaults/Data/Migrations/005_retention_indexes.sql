-- The retention job (RetentionJob) removes inbox rows and idempotency keys older than their retention, oldest first:
-- these indexes let it find them without reading the whole table. The outbox needs none: it is removed from its
-- oldest id on, which is its primary key.
CREATE INDEX inbox_by_processed_at ON inbox (processed_at);
CREATE INDEX idempotency_keys_by_created_at ON idempotency_keys (created_at);
