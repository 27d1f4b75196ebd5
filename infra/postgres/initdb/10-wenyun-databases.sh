#!/bin/bash
# Runs once, when the postgres container starts on an empty data volume
# (the official image executes or sources every *.sh in /docker-entrypoint-initdb.d).
#
# Creates the role `wenyun` (password from WENYUN_DB_PASSWORD) and one database per service,
# owned by that role: wenyun_venues, wenyun_events, wenyun_volunteers, wenyun_notifications, wenyun_accounts, wenyun_reports.
# Each service's tables are created later by `wenyun migrate`, never here.
#
# Written so that it works both executed and sourced: no `set`, no `exit`; psql stops at the
# first error (ON_ERROR_STOP) and the entrypoint then aborts the initialisation.

: "${WENYUN_DB_PASSWORD:?WENYUN_DB_PASSWORD must be set (the password of the wenyun role)}"

psql -v ON_ERROR_STOP=1 \
     --username "${POSTGRES_USER:-postgres}" \
     --dbname "${POSTGRES_DB:-postgres}" \
     --set=app_role=wenyun \
     --set=app_password="$WENYUN_DB_PASSWORD" <<'EOSQL'
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'app_role', :'app_password')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app_role')
\gexec

-- One row per database: create it if missing, then let only its owner (and superusers) connect.
-- psql runs every non-null cell of the result in order (gexec).
SELECT CASE WHEN NOT EXISTS (SELECT FROM pg_database WHERE datname = db)
            THEN format('CREATE DATABASE %I OWNER %I ENCODING %L TEMPLATE template0', db, :'app_role', 'UTF8')
       END,
       format('REVOKE ALL ON DATABASE %I FROM PUBLIC', db)
  FROM unnest(ARRAY['wenyun_venues', 'wenyun_events', 'wenyun_volunteers', 'wenyun_notifications', 'wenyun_accounts', 'wenyun_reports'])
       WITH ORDINALITY AS t(db, n)
 ORDER BY n
\gexec
EOSQL
