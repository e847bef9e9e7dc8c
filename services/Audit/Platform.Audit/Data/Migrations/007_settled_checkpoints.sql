-- A checkpoint signs a cut of the log: every partition's head, with nothing numbered below its last position still to
-- commit. Appends to different partitions take their positions in parallel, so an entry numbered 60 could commit after
-- one numbered 80: a checkpoint signed between them stated position 80 without the entry at 60, and on a quiet log no
-- later checkpoint came to cover it (one is signed only when the log moves past the last). Each append now holds a
-- shared advisory lock ('AUDC', 0) for its transaction, taken before it numbers an entry; the checkpoint signer takes it
-- exclusively just long enough to take its snapshot, which then holds every entry numbered before it, or none of an
-- append rolled back. The function is otherwise as 005 wrote it.

CREATE OR REPLACE FUNCTION audit_append(
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
    -- Before numbering anything: a checkpoint being signed waits for this append to end (and this one for it).
    PERFORM pg_advisory_xact_lock_shared(1096107075, 0);
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
