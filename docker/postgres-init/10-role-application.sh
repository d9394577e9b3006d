#!/bin/sh
# Run once by the postgres image on an empty data directory: the role that web, worker
# and beat connect as. It owns nothing (the tables belong to POSTGRES_USER, who runs the
# migrations), so it can neither drop nor disable the journal's append-only trigger;
# `migrate` grants it INSERT and SELECT on the journal and the ordinary rights elsewhere.
set -eu
psql -v ON_ERROR_STOP=1 -v mot_de_passe="${POSTGRES_APP_PASSWORD:?}" -v base="$POSTGRES_DB" \
     --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<'SQL'
CREATE ROLE espace_sante_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'mot_de_passe';
REVOKE ALL ON DATABASE :"base" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"base" TO espace_sante_app;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SQL
