-- Background verification runs of the whole log. Each run records where it stopped (position and the head hash there),
-- when it started and finished, what it found, and the verifier's state at that position, so that the API checks only
-- what was appended since (chained from the stored head hash) and answers as a whole pass would.
ALTER TABLE audit_verification_run
    ALTER COLUMN position DROP NOT NULL,
    ALTER COLUMN finished_at DROP NOT NULL,
    ALTER COLUMN report DROP NOT NULL,
    ADD COLUMN status text NOT NULL DEFAULT 'completed' CHECK (status IN ('running', 'completed', 'failed')),
    ADD COLUMN started_at timestamptz,
    ADD COLUMN head_hash bytea CHECK (head_hash IS NULL OR octet_length(head_hash) = 32),
    ADD COLUMN entries_total bigint,
    ADD COLUMN violation_count integer,
    ADD COLUMN state jsonb,
    ADD COLUMN error text;

CREATE INDEX audit_verification_run_completed ON audit_verification_run (id DESC) WHERE status = 'completed';

-- The runtime role records a run when it starts and completes it (or marks it failed) when it ends.
DO $grants$
DECLARE
    runtime text := nullif(current_setting('platform.runtime_role', true), '');
BEGIN
    IF runtime IS NULL OR runtime = current_user THEN
        RETURN;
    END IF;
    EXECUTE format('GRANT UPDATE ON audit_verification_run TO %I', runtime);
END;
$grants$;
