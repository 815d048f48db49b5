#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the tests and the store benchmark.
#
#   scripts/pg-test-cluster.sh start DIR   initdb in DIR, start it on a unix socket in DIR (no TCP port, so
#                                          several checkouts on one machine never collide), create the role
#                                          and database `roadsense`, print the store URL on stdout
#   scripts/pg-test-cluster.sh stop DIR    stop it (the directory is left for a post-mortem; rm -rf it)
#
# PostgreSQL refuses to run as root: as root the cluster runs as the `postgres` user, which the Debian
# package creates. Nothing listens on the network and authentication is `trust` on the socket only.
set -euo pipefail
command="${1:-}"
dir="${2:-}"
if [ -z "$command" ] || [ -z "$dir" ]; then
    echo "usage: $0 start|stop DIR" >&2
    exit 2
fi
bin="${PG_BIN:-/usr/lib/postgresql/15/bin}"
if [ ! -x "$bin/initdb" ]; then
    echo "pg-test-cluster: no PostgreSQL 15 in $bin (install it: scripts/install-deps.sh, or set PG_BIN)" >&2
    exit 1
fi
as_owner=()
if [ "$(id -u)" -eq 0 ]; then as_owner=(runuser -u postgres --); fi

case "$command" in
start)
    mkdir -p "$dir"
    dir="$(cd "$dir" && pwd)"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; fi
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        "${as_owner[@]}" "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 ||
            { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    # fsync off: a test cluster is thrown away, and the tests measure nothing. The server must not inherit
    # the caller's descriptors beyond stdio: a parent waiting for this script to close a pipe or socket
    # (Foundation's Process does) would otherwise wait for the server to stop.
    (
        for fd in $(ls /proc/$BASHPID/fd); do
            if [ "$fd" -gt 2 ]; then eval "exec $fd>&-"; fi
        done 2>/dev/null
        exec "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
            -o "-c listen_addresses='' -c unix_socket_directories='$dir' -c fsync=off -c max_connections=100" \
            >/dev/null
    ) || { cat "$dir/server.log" >&2; exit 1; }
    psql=("$bin/psql" -h "$dir" -U postgres -d postgres -v ON_ERROR_STOP=1 -qAt)
    if [ "$("${psql[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname = 'roadsense'")" != "1" ]; then
        "${psql[@]}" -c "CREATE ROLE roadsense LOGIN" >/dev/null
        "${psql[@]}" -c "CREATE DATABASE roadsense OWNER roadsense" >/dev/null
    fi
    echo "postgres:///roadsense?host=$dir&user=roadsense"
    ;;
stop)
    if [ -f "$dir/data/postmaster.pid" ]; then
        "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    fi
    ;;
*)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
