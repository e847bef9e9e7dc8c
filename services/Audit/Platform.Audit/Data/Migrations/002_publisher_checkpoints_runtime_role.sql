-- Who really published each event, signed checkpoints, producers' stated heads, and a runtime role that owns nothing.
--
-- This migration runs as the owner role (ConnectionStrings:Migrations). The service then runs as the runtime role
-- (ConnectionStrings:Database), named to this script by the runner as the setting platform.runtime_role. The runtime
-- role can read the log and append to it only through audit_append(), which computes positions and hashes itself:
-- it cannot write a row of its own making, update or delete one, move the head, alter a table or disable a trigger.

-- The broker user RabbitMQ validated as the publisher (AMQP user_id); '' when the message carried none. NULL only for
-- entries appended before this column existed: they keep their audit-entry/v1 hash.
ALTER TABLE audit_log ADD COLUMN publisher text;

-- audit-entry/v2 = v1 with its own magic and the publisher as a last field (HASHING.md).
CREATE OR REPLACE FUNCTION audit_canonical(entry audit_log) RETURNS bytea LANGUAGE sql STABLE STRICT AS $$
    SELECT audit_field(convert_to(CASE WHEN entry.publisher IS NULL THEN 'audit-entry/v1' ELSE 'audit-entry/v2' END, 'UTF8'))
        || int8send(entry.position)
        || entry.previous_hash
        || uuid_send(entry.message_id)
        || audit_field(convert_to(entry.message_type, 'UTF8'))
        || audit_field(convert_to(entry.producer, 'UTF8'))
        || int8send(entry.producer_sequence)
        || int8send((extract(epoch FROM entry.occurred_at) * 1000000)::bigint)
        || int8send((extract(epoch FROM entry.received_at) * 1000000)::bigint)
        || audit_field(convert_to(entry.recipient_id, 'UTF8'))
        || audit_field(entry.body)
        || CASE WHEN entry.publisher IS NULL THEN ''::bytea ELSE audit_field(convert_to(entry.publisher, 'UTF8')) END
$$;

-- The only way into the log: locks the head (appends are serialised, the chain linear), skips message ids already in
-- the log (a redelivery appends nothing), chains and hashes each new entry in the database, moves the head. Returns
-- the positions appended, in order.
CREATE FUNCTION audit_append(
    message_ids uuid[], message_types text[], producers text[], publishers text[], producer_sequences bigint[],
    occurred_ats timestamptz[], received_ats timestamptz[], recipient_ids text[], bodies bytea[])
RETURNS SETOF bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    head_position bigint;
    head_hash bytea;
    entry audit_log;
    i integer;
BEGIN
    SELECT h.position, h.entry_hash INTO head_position, head_hash FROM audit_head h FOR UPDATE;
    FOR i IN 1 .. coalesce(array_length(message_ids, 1), 0) LOOP
        IF EXISTS (SELECT FROM audit_log l WHERE l.message_id = message_ids[i]) THEN
            CONTINUE;
        END IF;
        entry := ROW(head_position + 1, head_hash, NULL, message_ids[i], message_types[i], producers[i], producer_sequences[i],
                     date_trunc('microseconds', occurred_ats[i]), date_trunc('microseconds', received_ats[i]), recipient_ids[i],
                     bodies[i], coalesce(publishers[i], ''))::audit_log;
        entry.entry_hash := sha256(audit_canonical(entry));
        INSERT INTO audit_log SELECT entry.*;
        head_position := entry.position;
        head_hash := entry.entry_hash;
        RETURN NEXT head_position;
    END LOOP;
    UPDATE audit_head SET position = head_position, entry_hash = head_hash;
END;
$$;

-- Signed checkpoints: position, head hash and every producer's last sequence at that position, signed with the audit
-- service's own key. Kept here and published; auditors keep copies outside the platform (platform-audit checkpoint).
CREATE TABLE audit_checkpoint (
    position     bigint      PRIMARY KEY,
    head_hash    bytea       NOT NULL CHECK (octet_length(head_hash) = 32),
    producers    jsonb       NOT NULL,
    signed_at    timestamptz NOT NULL,
    key_id       text        NOT NULL,
    signature    text        NOT NULL
);

CREATE TRIGGER audit_checkpoint_append_only BEFORE UPDATE OR DELETE ON audit_checkpoint
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_checkpoint_no_truncate BEFORE TRUNCATE ON audit_checkpoint
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

-- The last sequence each producer says it has published (on a timer and at shutdown): a producer whose stated head is
-- ahead of what the log holds lost its last events on the way.
CREATE TABLE audit_producer_head (
    producer       text        PRIMARY KEY,
    last_sequence  bigint      NOT NULL,
    stated_at      timestamptz NOT NULL,
    publisher      text        NOT NULL,
    received_at    timestamptz NOT NULL DEFAULT now()
);

-- Background verification of the whole log: its last result, served by GET /api/audit/verification.
CREATE TABLE audit_verification_run (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    position     bigint      NOT NULL,
    finished_at  timestamptz NOT NULL,
    report       jsonb       NOT NULL
);

-- The runtime role: reads, appends through the function, records what is not the log. Owns nothing.
DO $grants$
DECLARE
    runtime text := nullif(current_setting('platform.runtime_role', true), '');
BEGIN
    IF runtime IS NULL OR runtime = current_user THEN
        RETURN;
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', runtime);
    EXECUTE format('GRANT SELECT ON audit_log, audit_head, audit_checkpoint, audit_producer_head, audit_verification_run, audit_access TO %I', runtime);
    EXECUTE format('GRANT INSERT ON audit_access, audit_checkpoint, audit_verification_run TO %I', runtime);
    EXECUTE format('GRANT INSERT, UPDATE ON audit_producer_head TO %I', runtime);
    EXECUTE format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO %I', runtime);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON outbox, outbox_sequence, inbox, idempotency_keys TO %I', runtime);
    EXECUTE format('GRANT SELECT ON schema_migrations TO %I', runtime);
    -- Tables the platform's shared migrations add later (outbox, inbox...) are the runtime's to use; a later audit table
    -- that must stay append-only revokes UPDATE, DELETE and TRUNCATE from the runtime role in its own migration.
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I', runtime);
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE ON SEQUENCES TO %I', runtime);
    EXECUTE format('GRANT EXECUTE ON FUNCTION audit_append(uuid[], text[], text[], text[], bigint[], timestamptz[], timestamptz[], text[], bytea[]) TO %I', runtime);
END;
$grants$;

REVOKE EXECUTE ON FUNCTION audit_append(uuid[], text[], text[], text[], bigint[], timestamptz[], timestamptz[], text[], bytea[]) FROM PUBLIC;
