-- One database per service (docker-compose; deploy/local/servers.sh does the same on a plain machine).
-- Each service's database and schema belong to <service>_owner, which only its migrations use
-- (ConnectionStrings__Migrations); the service runs as <service>, which owns nothing there and may only do what its
-- migrations grant it: a table's owner could switch off its row-level security, or, for audit, rewrite the log.
-- Identity keeps a single role.
CREATE ROLE declarations_owner LOGIN PASSWORD 'declarations_owner';
CREATE ROLE declarations LOGIN PASSWORD 'declarations';
CREATE DATABASE declarations OWNER declarations_owner;
CREATE ROLE rules_owner LOGIN PASSWORD 'rules_owner';
CREATE ROLE rules LOGIN PASSWORD 'rules';
CREATE DATABASE rules OWNER rules_owner;
CREATE ROLE review_owner LOGIN PASSWORD 'review_owner';
CREATE ROLE review LOGIN PASSWORD 'review';
CREATE DATABASE review OWNER review_owner;
CREATE ROLE allocations_owner LOGIN PASSWORD 'allocations_owner';
CREATE ROLE allocations LOGIN PASSWORD 'allocations';
CREATE DATABASE allocations OWNER allocations_owner;
CREATE ROLE audit_owner LOGIN PASSWORD 'audit_owner';
CREATE ROLE audit LOGIN PASSWORD 'audit';
CREATE DATABASE audit OWNER audit_owner;
CREATE ROLE identity LOGIN PASSWORD 'identity';
CREATE DATABASE identity OWNER identity;
-- The schema public of a new database belongs to pg_database_owner: it is handed to the owner role by name, and no
-- other role may create in it.
\connect declarations
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
ALTER SCHEMA public OWNER TO declarations_owner;
\connect rules
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
ALTER SCHEMA public OWNER TO rules_owner;
\connect review
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
ALTER SCHEMA public OWNER TO review_owner;
\connect allocations
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
ALTER SCHEMA public OWNER TO allocations_owner;
\connect audit
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
ALTER SCHEMA public OWNER TO audit_owner;
