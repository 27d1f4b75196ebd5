#!/bin/sh
# Print a .env for docker-compose.yml with fresh random secrets:
#   sh infra/gen-env.sh > .env && chmod 600 .env
# Hex secrets are URL-safe, so they can sit inside the connection URLs unchanged.
set -eu

secret() {
    od -An -N32 -tx1 /dev/urandom | tr -d ' \n'
}

cat <<ENV
WENYUN_SECRET_KEY=$(secret)
POSTGRES_PASSWORD=$(secret)
WENYUN_DB_PASSWORD=$(secret)
RABBITMQ_PASSWORD=$(secret)
GRAFANA_ADMIN_PASSWORD=$(secret)
PUBLIC_BASE_URL=http://localhost:8000
ENV
