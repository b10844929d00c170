#!/usr/bin/env bash
# Starts the release server for the browser tests on a fresh SQLite database with one account
# per role (all with $E2E_PASSWORD) in a Standard-plan company, and a Free-plan company.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${SERVER_BIN:?set by playwright.config.ts}"
port="${E2E_PORT:-3100}"
password="${E2E_PASSWORD:-end to end test password}"
# The tests reach the same database through the operator commands to create their own
# companies, so its folder is shared with them (see playwright.config.ts).
work="${E2E_DATA_DIR:?E2E_DATA_DIR is set by playwright.config.ts}"
rm -rf "$work"
mkdir -p "$work"

export DATABASE_URL="sqlite://$work/console.db?mode=rwc"
export BIND_ADDR="127.0.0.1:$port"
export SESSION_COOKIE_SECURE=false
export SEED_DEMO=false
export LEPTOS_SITE_ROOT="$root/target/site"
export LEPTOS_ENV=PROD
export RUST_LOG="${RUST_LOG:-warn}"
export ACCOUNT_PASSWORD="$password"
# Every test signs in from 127.0.0.1, so once one test has typed a wrong password, every sign-in of
# the suite for the next 15 minutes is one "after failures", which keep a console-wide pace (a burst
# of 30, then one every 3 s): the suite's sixty-odd sign-ins would then wait for turns and be
# refused at random. The pace itself is tested by the integration tests (auth.rs).
export SIGNIN_AFTER_FAILURES_BURST=100000

"$bin" company create --name "Acme" --domain acme.example --plan standard
"$bin" company create --name "Freebie" --domain free.example --plan free
for role in super_admin security_admin mail_admin auditor member; do
  "$bin" user create --company acme.example --email "${role//_/-}@acme.example" \
    --name "Acme ${role//_/ }" --role "$role"
done
"$bin" user create --company free.example --email super-admin@free.example \
  --name "Free admin" --role super_admin
unset ACCOUNT_PASSWORD

"$bin" serve &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null' EXIT INT TERM
wait $pid
