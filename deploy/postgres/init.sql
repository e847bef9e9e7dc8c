-- One role and one database per service (docker-compose; deploy/local/servers.sh does the same on a plain machine).
CREATE ROLE declarations LOGIN PASSWORD 'declarations';
CREATE DATABASE declarations OWNER declarations;
CREATE ROLE rules LOGIN PASSWORD 'rules';
CREATE DATABASE rules OWNER rules;
CREATE ROLE review LOGIN PASSWORD 'review';
CREATE DATABASE review OWNER review;
CREATE ROLE allocations LOGIN PASSWORD 'allocations';
CREATE DATABASE allocations OWNER allocations;
-- The audit service's schema belongs to audit_owner, which only its migrations use; the service runs as audit, which
-- owns nothing and may only read the log and append to it through audit_append (its migration grants that).
CREATE ROLE audit_owner LOGIN PASSWORD 'audit_owner';
CREATE ROLE audit LOGIN PASSWORD 'audit';
CREATE ROLE identity LOGIN PASSWORD 'identity';
CREATE DATABASE identity OWNER identity;
CREATE DATABASE audit OWNER audit_owner;
\connect audit
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
ALTER SCHEMA public OWNER TO audit_owner;
