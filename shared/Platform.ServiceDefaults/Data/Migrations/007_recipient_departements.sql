-- Which département each recipient belongs to: the RSA is the départements' benefit, and an agent acts only on the
-- recipients of the départements in their token. The declarations service sets it with the engagement and moves it
-- on a transfer; the other services keep a copy from its events (EngagementSet, RecipientTransferred), ordered by
-- the declarations service's producer sequence so that an older event never overwrites a newer one.
CREATE TABLE recipient_departements (
    recipient_id        text        PRIMARY KEY,
    departement         text        NOT NULL,
    producer_sequence   bigint,
    since               timestamptz NOT NULL
);

CREATE INDEX recipient_departements_by_departement ON recipient_departements (departement, recipient_id);

DO $grants$
DECLARE
    runtime text := nullif(current_setting('platform.runtime_role', true), '');
BEGIN
    IF runtime IS NULL OR runtime = current_user THEN
        RETURN;
    END IF;
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON recipient_departements TO %I', runtime);
END;
$grants$;
