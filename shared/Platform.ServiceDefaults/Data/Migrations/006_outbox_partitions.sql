-- Partitioned dispatch: every event is given, when it is numbered, the partition of its recipient (a stable hash of
-- the recipient id, modulo the number of partitions P, `Outbox:Partitions`). Each instance of the service publishes
-- only the partitions it holds an advisory lock on (OutboxPartitions), each partition in sequence order, so one
-- recipient's events leave in order whichever instances run. NULL until the row is numbered.
ALTER TABLE outbox ADD COLUMN partition integer;

-- md5 rather than PostgreSQL's internal hashtext: documented and the same on every server version.
CREATE FUNCTION outbox_partition(recipient_id text, partitions integer) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT (('x' || left(md5(coalesce(recipient_id, '')), 8))::bit(32)::bigint % partitions)::integer $$;

-- Rows numbered before this migration and not yet published get the default P (16); an instance configured with
-- another P moves rows of partitions it does not have into its own at start.
UPDATE outbox SET partition = outbox_partition(body->>'recipientId', 16)
 WHERE sequence IS NOT NULL AND published_at IS NULL;

CREATE INDEX outbox_unpublished_by_partition ON outbox (partition, sequence) WHERE published_at IS NULL AND sequence IS NOT NULL;
