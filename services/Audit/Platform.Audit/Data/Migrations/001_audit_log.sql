-- The audit log: every event of every service, as received, in one hash chain (see HASHING.md).
-- Append-only: a trigger refuses UPDATE, DELETE and TRUNCATE, and the privileges to do them are revoked.

CREATE TABLE audit_log (
    position           bigint      PRIMARY KEY CHECK (position > 0),
    previous_hash      bytea       NOT NULL CHECK (octet_length(previous_hash) = 32),
    entry_hash         bytea       NOT NULL CHECK (octet_length(entry_hash) = 32),
    message_id         uuid        NOT NULL UNIQUE,
    -- MassTransit's URN of the most specific contract, e.g. urn:message:Platform.Contracts.Review:SanctionDecided
    message_type       text        NOT NULL,
    producer           text        NOT NULL,
    producer_sequence  bigint      NOT NULL,
    occurred_at        timestamptz NOT NULL,
    received_at        timestamptz NOT NULL,
    recipient_id       text        NOT NULL,
    -- The bytes of the envelope's "message" part exactly as received (UTF-8 JSON).
    body               bytea       NOT NULL
);

CREATE INDEX audit_log_recipient ON audit_log (recipient_id, position);
CREATE INDEX audit_log_occurred ON audit_log (occurred_at, position);

-- The end of the chain. Appends lock this row, so the chain stays linear with any number of consumers; it also lets
-- verification see entries removed from the end of the log.
CREATE TABLE audit_head (
    id             boolean PRIMARY KEY DEFAULT true CHECK (id),
    position       bigint  NOT NULL,
    entry_hash     bytea   NOT NULL CHECK (octet_length(entry_hash) = 32)
);

INSERT INTO audit_head (id, position, entry_hash) VALUES (true, 0, decode(repeat('00', 32), 'hex'));

-- Who looked at whose data, when. Not a platform event: it stays in the audit service's own database.
CREATE TABLE audit_access (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    accessed_at   timestamptz NOT NULL,
    auditor       text        NOT NULL,
    action        text        NOT NULL,
    recipient_id  text,
    parameters    jsonb       NOT NULL
);

CREATE INDEX audit_access_recipient ON audit_access (recipient_id, accessed_at);

CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_access_append_only BEFORE UPDATE OR DELETE ON audit_access
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_access_no_truncate BEFORE TRUNCATE ON audit_access
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

REVOKE UPDATE, DELETE, TRUNCATE ON audit_log, audit_access FROM PUBLIC;
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log, audit_access FROM CURRENT_USER;

-- The canonical bytes of an entry, as the service hashes them (HASHING.md), so an auditor can recompute every hash
-- in SQL: SELECT position FROM audit_log l WHERE sha256(audit_canonical(l)) <> l.entry_hash;
CREATE FUNCTION audit_field(value bytea) RETURNS bytea LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT int4send(octet_length(value)) || value
$$;

CREATE FUNCTION audit_canonical(entry audit_log) RETURNS bytea LANGUAGE sql STABLE STRICT AS $$
    SELECT audit_field(convert_to('audit-entry/v1', 'UTF8'))
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
$$;
