-- One hash chain per partition (HASHING.md). An event's partition is its recipient's outbox partition,
-- outbox_partition(recipient_id, P) with the P the service is configured with (Outbox:Partitions, 16 by default), so
-- one recipient's events are in one chain. Each partition has its own head row: appends to different partitions lock
-- different rows and run in parallel. Positions still number the whole log, in the order entries were appended (a
-- sequence, taken under the partition's lock: increasing within a partition, with holes across the log where an append
-- rolled back); each entry links to the previous entry of its partition by that entry's position and hash.
--
-- The entries appended before this migration stay as they are: one chain, positions 1, 2, 3, … with no hole, hashed as
-- audit-entry/v1 or v2, no previous_position. They are partition 0's history: the first entry appended to partition 0
-- after them links to their last one (the old head), so partition 0's chain runs from position 1 through the legacy
-- entries into the new ones, and every other partition starts from the genesis hash.

ALTER TABLE audit_log
    ADD COLUMN partition integer NOT NULL DEFAULT 0 CHECK (partition >= 0),
    -- The position of the previous entry of the same partition (0 for a partition's first); NULL for legacy entries,
    -- whose previous entry is position - 1.
    ADD COLUMN previous_position bigint CHECK (previous_position IS NULL OR (previous_position >= 0 AND previous_position < position));
-- Every later row states its partition; the existing ones read 0 (a fast default: no row is rewritten).
ALTER TABLE audit_log ALTER COLUMN partition DROP DEFAULT;

CREATE INDEX audit_log_partition ON audit_log (partition, position);

CREATE SEQUENCE audit_log_position;
SELECT setval('audit_log_position', (SELECT position FROM audit_head), true) WHERE (SELECT position FROM audit_head) > 0;

-- Each partition's last position and hash. Partition 0 starts from the old single head; the others appear at their first append.
CREATE TABLE audit_partition_head (
    partition   integer PRIMARY KEY CHECK (partition >= 0),
    position    bigint  NOT NULL,
    entry_hash  bytea   NOT NULL CHECK (octet_length(entry_hash) = 32)
);

INSERT INTO audit_partition_head (partition, position, entry_hash) SELECT 0, position, entry_hash FROM audit_head;

CREATE TRIGGER audit_partition_head_no_delete BEFORE DELETE ON audit_partition_head
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_partition_head_no_truncate BEFORE TRUNCATE ON audit_partition_head
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

-- The old single head becomes a view: the newest of the partition heads (the log's last position).
DROP TABLE audit_head;
CREATE VIEW audit_head AS
    SELECT h.position, h.entry_hash FROM audit_partition_head h ORDER BY h.position DESC LIMIT 1;
-- Read-only, whoever asks: a head is moved by audit_append alone, in audit_partition_head.
CREATE TRIGGER audit_head_read_only INSTEAD OF INSERT OR UPDATE OR DELETE ON audit_head
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();

-- audit-entry/v3 (entries with a previous_position): v2 with the partition and the previous entry's position after the
-- position. v1 and v2 entries keep their bytes.
CREATE OR REPLACE FUNCTION audit_canonical(entry audit_log) RETURNS bytea LANGUAGE sql STABLE STRICT AS $$
    SELECT audit_field(convert_to(CASE WHEN entry.previous_position IS NOT NULL THEN 'audit-entry/v3'
                                       WHEN entry.publisher IS NULL THEN 'audit-entry/v1' ELSE 'audit-entry/v2' END, 'UTF8'))
        || int8send(entry.position)
        || CASE WHEN entry.previous_position IS NULL THEN ''::bytea ELSE int4send(entry.partition) || int8send(entry.previous_position) END
        || entry.previous_hash
        || uuid_send(entry.message_id)
        || audit_field(convert_to(entry.message_type, 'UTF8'))
        || audit_field(convert_to(entry.producer, 'UTF8'))
        || int8send(entry.producer_sequence)
        || int8send((extract(epoch FROM entry.occurred_at) * 1000000)::bigint)
        || int8send((extract(epoch FROM entry.received_at) * 1000000)::bigint)
        || audit_field(convert_to(entry.recipient_id, 'UTF8'))
        || audit_field(entry.body)
        || CASE WHEN entry.publisher IS NULL AND entry.previous_position IS NULL THEN ''::bytea
                ELSE audit_field(convert_to(coalesce(entry.publisher, ''), 'UTF8')) END
$$;

DROP FUNCTION audit_append(uuid[], text[], text[], text[], bigint[], timestamptz[], timestamptz[], text[], bytea[]);

-- The only way into the log: puts each event in its recipient's partition (of partition_count), locks the heads of the
-- partitions the batch touches (in partition order, so two batches never wait on each other in a cycle), skips message
-- ids already in the log, numbers, chains and hashes each new entry onto its partition's head, moves those heads.
-- Returns the positions appended, in order.
CREATE FUNCTION audit_append(
    partition_count integer, message_ids uuid[], message_types text[], producers text[], publishers text[], producer_sequences bigint[],
    occurred_ats timestamptz[], received_ats timestamptz[], recipient_ids text[], bodies bytea[])
RETURNS SETOF bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    n integer := coalesce(array_length(message_ids, 1), 0);
    parts integer[];
    touched integer[];
    head_positions bigint[];
    head_hashes bytea[];
    slot integer;
    head record;
    entry audit_log;
    i integer;
BEGIN
    IF partition_count IS NULL OR partition_count < 1 THEN
        RAISE EXCEPTION 'audit_append: partition_count must be at least 1' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF n = 0 THEN
        RETURN;
    END IF;
    SELECT array_agg(outbox_partition(r, partition_count) ORDER BY o) INTO parts FROM unnest(recipient_ids) WITH ORDINALITY AS u(r, o);
    SELECT array_agg(DISTINCT p ORDER BY p) INTO touched FROM unnest(parts) AS p;
    INSERT INTO audit_partition_head (partition, position, entry_hash)
        SELECT p, 0, decode(repeat('00', 32), 'hex') FROM unnest(touched) AS p
        ON CONFLICT (partition) DO NOTHING;
    head_positions := array_fill(0::bigint, ARRAY[array_length(touched, 1)]);
    head_hashes := array_fill(NULL::bytea, ARRAY[array_length(touched, 1)]);
    FOR head IN SELECT h.partition, h.position, h.entry_hash FROM audit_partition_head h
                WHERE h.partition = ANY (touched) ORDER BY h.partition FOR UPDATE LOOP
        slot := array_position(touched, head.partition);
        head_positions[slot] := head.position;
        head_hashes[slot] := head.entry_hash;
    END LOOP;
    FOR i IN 1 .. n LOOP
        IF EXISTS (SELECT FROM audit_log l WHERE l.message_id = message_ids[i]) THEN
            CONTINUE;
        END IF;
        slot := array_position(touched, parts[i]);
        entry := ROW(nextval('audit_log_position'), head_hashes[slot], NULL, message_ids[i], message_types[i], producers[i], producer_sequences[i],
                     date_trunc('microseconds', occurred_ats[i]), date_trunc('microseconds', received_ats[i]), recipient_ids[i],
                     bodies[i], coalesce(publishers[i], ''), parts[i], head_positions[slot])::audit_log;
        entry.entry_hash := sha256(audit_canonical(entry));
        INSERT INTO audit_log SELECT entry.*;
        head_positions[slot] := entry.position;
        head_hashes[slot] := entry.entry_hash;
        RETURN NEXT entry.position;
    END LOOP;
    UPDATE audit_partition_head h SET position = t.position, entry_hash = t.entry_hash
      FROM unnest(touched, head_positions, head_hashes) AS t(partition, position, entry_hash)
     WHERE h.partition = t.partition AND h.position <> t.position;
END;
$$;

REVOKE EXECUTE ON FUNCTION audit_append(integer, uuid[], text[], text[], text[], bigint[], timestamptz[], timestamptz[], text[], bytea[]) FROM PUBLIC;

-- A checkpoint now signs every partition's head: head_hash is the hash of that list (HASHING.md), kept here in full.
-- NULL for checkpoints signed before partitions (one chain: head_hash is the entry's hash at position).
ALTER TABLE audit_checkpoint ADD COLUMN partitions jsonb;

-- The runtime role reads the heads and the view, appends through the new function, and writes neither heads nor the
-- sequence (the schema's default privileges would otherwise give it the new table).
DO $grants$
DECLARE
    runtime text := nullif(current_setting('platform.runtime_role', true), '');
BEGIN
    IF runtime IS NULL OR runtime = current_user THEN
        RETURN;
    END IF;
    EXECUTE format('REVOKE ALL ON audit_partition_head, audit_head FROM %I', runtime);
    EXECUTE format('GRANT SELECT ON audit_partition_head, audit_head TO %I', runtime);
    EXECUTE format('REVOKE ALL ON SEQUENCE audit_log_position FROM %I', runtime);
    EXECUTE format('GRANT EXECUTE ON FUNCTION audit_append(integer, uuid[], text[], text[], text[], bigint[], timestamptz[], timestamptz[], text[], bytea[]) TO %I', runtime);
END;
$grants$;
