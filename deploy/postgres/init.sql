-- One role and one database per service (docker-compose; deploy/local/servers.sh does the same on a plain machine).
CREATE ROLE declarations LOGIN PASSWORD 'declarations';
CREATE DATABASE declarations OWNER declarations;
CREATE ROLE rules LOGIN PASSWORD 'rules';
CREATE DATABASE rules OWNER rules;
CREATE ROLE review LOGIN PASSWORD 'review';
CREATE DATABASE review OWNER review;
CREATE ROLE allocations LOGIN PASSWORD 'allocations';
CREATE DATABASE allocations OWNER allocations;
CREATE ROLE audit LOGIN PASSWORD 'audit';
CREATE DATABASE audit OWNER audit;
CREATE ROLE identity LOGIN PASSWORD 'identity';
CREATE DATABASE identity OWNER identity;
