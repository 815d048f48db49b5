#!/usr/bin/env bash
# Runs a command with ROADSENSE_TEST_PG pointing at a PostgreSQL server, starting a throwaway cluster
# (scripts/pg-test-cluster.sh) when none is given, and stopping and deleting it afterwards.
#
#   scripts/with-test-postgres.sh swift test --skip-build
#
# Without PostgreSQL 15 installed: in CI (CI set) this fails; elsewhere it says so and runs the command
# without the server, and the PostgreSQL store tests are skipped with a printed note.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [ -n "${ROADSENSE_TEST_PG:-}" ]; then exec "$@"; fi
if [ ! -x "${PG_BIN:-/usr/lib/postgresql/15/bin}/initdb" ]; then
    if [ -n "${CI:-}" ]; then
        echo "with-test-postgres: PostgreSQL 15 is not installed; CI must run the PostgreSQL tests" >&2
        echo "  (scripts/install-deps.sh installs it)" >&2
        exit 1
    fi
    echo "with-test-postgres: PostgreSQL 15 is not installed: the PostgreSQL store tests will be SKIPPED" >&2
    exec "$@"
fi
cluster="$(mktemp -d /tmp/roadsense-pg.XXXXXX)"
stop() {
    "$here/pg-test-cluster.sh" stop "$cluster" || true
    rm -rf "$cluster"
}
trap stop EXIT
ROADSENSE_TEST_PG="$("$here/pg-test-cluster.sh" start "$cluster")"
export ROADSENSE_TEST_PG
echo "with-test-postgres: throwaway PostgreSQL cluster at $ROADSENSE_TEST_PG" >&2
status=0
"$@" || status=$?
exit $status
