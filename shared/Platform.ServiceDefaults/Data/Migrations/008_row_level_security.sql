-- Row-level security on every table holding a recipient's data: each transaction says whose rows it may see
-- (the setting platform.scope, set LOCAL by the service for the transaction), and PostgreSQL returns nothing else, so
-- a query that forgets its filter cannot show another département's files. The scope is:
--   '*'                  everyone (a national agent, the service's own consumers and jobs);
--   'recipient:<id>'     that recipient alone (a recipient's own request);
--   '75,93'              the recipients placed in those départements (recipient_departements);
--   unset or ''          nobody.
-- Each service puts its tables under it with platform_secure_recipient_tables() in its own migrations (its tables
-- exist only after the platform's migrations have run).

-- Written as one SQL expression so that PostgreSQL inlines it into each policy's query.
CREATE FUNCTION platform_scope_includes(recipient text) RETURNS boolean
    LANGUAGE sql STABLE
    AS $$
    SELECT CASE
        WHEN current_setting('platform.scope', true) = '*' THEN true
        WHEN current_setting('platform.scope', true) LIKE 'recipient:%'
            THEN recipient = substr(current_setting('platform.scope', true), length('recipient:') + 1)
        ELSE EXISTS (SELECT FROM recipient_departements p
                      WHERE p.recipient_id = recipient
                        AND p.departement = ANY (string_to_array(current_setting('platform.scope', true), ',')))
    END
    $$;

-- Puts every table of the schema with a recipient_id column under the policy (the platform's plumbing excepted: the
-- outbox, inbox and idempotency keys are read by the dispatcher and middleware outside any request, and the placements
-- are what the policy reads), FORCEd so that even the tables' owner is held to it; and, when the service runs as a
-- role of its own (platform.runtime_role, see MigrationRunner), grants that role reading and writing every table, now
-- and for tables made later. That role owns nothing, so it can neither disable the policy nor drop it; a superuser
-- is not held by row-level security at all, so services never run as one.
CREATE FUNCTION platform_secure_recipient_tables() RETURNS void
    LANGUAGE plpgsql
    AS $$
DECLARE
    runtime text := nullif(current_setting('platform.runtime_role', true), '');
    recipient_table regclass;
BEGIN
    FOR recipient_table IN
        SELECT c.oid::regclass
          FROM pg_class c
          JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'recipient_id' AND NOT a.attisdropped
         WHERE c.relnamespace = current_schema()::regnamespace
           AND c.relkind IN ('r', 'p')
           AND c.relname NOT IN ('recipient_departements', 'outbox', 'inbox', 'idempotency_keys')
           AND NOT c.relrowsecurity
    LOOP
        EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY', recipient_table);
        -- Rows are written by whoever may write them (WITH CHECK true): the policy keeps reads, updates and deletes
        -- to the scope.
        EXECUTE format('CREATE POLICY within_scope ON %s USING (platform_scope_includes(recipient_id)) WITH CHECK (true)', recipient_table);
    END LOOP;

    IF runtime IS NOT NULL AND runtime <> current_user THEN
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO %I', current_schema(), runtime);
        EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO %I', current_schema(), runtime);
        EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I', current_schema(), runtime);
        EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT USAGE, SELECT ON SEQUENCES TO %I', current_schema(), runtime);
    END IF;
END;
$$;
