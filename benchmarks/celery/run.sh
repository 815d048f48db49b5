#!/usr/bin/env bash
# Celery 5 + Redis baseline for `roadsense bench dispatch`: no-op tasks with late acks.
#   benchmarks/celery/run.sh [--calls N] [--workers W] [--rtt-calls R]
# Starts a private redis-server on a free loopback port and a prefork Celery worker with
# concurrency W, measures from a client (client.py), stops both, and prints one JSON object
# on stdout. Logs go to stderr. Runs benchmarks/celery/setup.sh first (idempotent).
# Environment: RUN_TIMEOUT (seconds the client may take in all; default 110).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$root/benchmarks/celery"

calls=2000 workers=2 rtt_calls=500
while [ $# -gt 0 ]; do
    case "$1" in
        --calls) calls="$2"; shift 2 ;;
        --workers) workers="$2"; shift 2 ;;
        --rtt-calls) rtt_calls="$2"; shift 2 ;;
        *) echo "usage: run.sh [--calls N] [--workers W] [--rtt-calls R]" >&2; exit 2 ;;
    esac
done

log() { echo "celery-bench: $*" >&2; }

python="$(bash "$here/setup.sh")"
venv_bin="$(dirname "$python")"
redis_server="$(command -v redis-server || echo /usr/bin/redis-server)"
redis_cli="$(command -v redis-cli || echo /usr/bin/redis-cli)"

tmp="$(mktemp -d /tmp/celery-bench.XXXXXX)"
redis_pid="" worker_pid="" client_pid="" port=""

stop_worker() {
    [ -n "$worker_pid" ] || return 0
    if kill -0 "$worker_pid" 2>/dev/null; then
        kill -TERM "$worker_pid" 2>/dev/null || true   # warm shutdown
        for _ in $(seq 100); do kill -0 "$worker_pid" 2>/dev/null || break; sleep 0.1; done
    fi
    # The worker runs in its own process group (setsid): take any pool process left with it.
    kill -KILL -- "-$worker_pid" 2>/dev/null || true
    wait "$worker_pid" 2>/dev/null || true
    worker_pid=""
}
stop_redis() {
    [ -n "$redis_pid" ] || return 0
    if kill -0 "$redis_pid" 2>/dev/null; then
        timeout 5 "$redis_cli" -h 127.0.0.1 -p "$port" shutdown nosave >/dev/null 2>&1 || true
        for _ in $(seq 50); do kill -0 "$redis_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$redis_pid" 2>/dev/null || true
    fi
    wait "$redis_pid" 2>/dev/null || true
    redis_pid=""
}
cleanup() {
    if [ -n "$client_pid" ]; then kill -TERM "$client_pid" 2>/dev/null || true; wait "$client_pid" 2>/dev/null || true; fi
    stop_worker
    stop_redis
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_free() {
    "$python" - "$1" <<'PY'
import socket, sys
s = socket.socket()
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
finally:
    s.close()
PY
}

# A private redis-server: random free high loopback port, no persistence, in the foreground
# (in the background of this script). A lost race for the port is retried.
for attempt in 1 2 3 4 5; do
    port=$(( 20000 + RANDOM % 40000 ))
    port_free "$port" || continue
    "$redis_server" --bind 127.0.0.1 --port "$port" --save '' --appendonly no \
        --daemonize no --protected-mode yes --dir "$tmp" --logfile "$tmp/redis.log" &
    redis_pid=$!
    for _ in $(seq 50); do
        if [ "$(timeout 2 "$redis_cli" -h 127.0.0.1 -p "$port" ping 2>/dev/null)" = "PONG" ]; then break 2; fi
        kill -0 "$redis_pid" 2>/dev/null || break
        sleep 0.1
    done
    stop_redis
done
if [ -z "$redis_pid" ]; then log "could not start redis-server"; cat "$tmp/redis.log" >&2 2>/dev/null || true; exit 1; fi
log "redis-server $("$redis_server" --version | sed -n 's/.*v=\([^ ]*\).*/\1/p') on 127.0.0.1:$port (pid $redis_pid)"

export BENCH_REDIS_URL="redis://127.0.0.1:$port/0"
export PYTHONPATH="$here${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONDONTWRITEBYTECODE=1

# Prefork worker, concurrency W; gossip/mingle/heartbeat are cluster chatter, off for a lone worker.
setsid "$venv_bin/celery" -A bench_app worker --pool prefork --concurrency "$workers" \
    --loglevel WARNING --without-gossip --without-mingle --without-heartbeat \
    -n "bench-$$@%h" >"$tmp/worker.log" 2>&1 &
worker_pid=$!
log "celery worker pid $worker_pid, concurrency $workers"

# In the background and waited for, so that a signal to this script runs the cleanup at once.
(cd "$here" && exec timeout --kill-after=5 "${RUN_TIMEOUT:-110}" "$python" "$here/client.py" \
    --calls "$calls" --workers "$workers" --rtt-calls "$rtt_calls" --out "$tmp/result.json") &
client_pid=$!
if ! wait "$client_pid"; then
    client_pid=""
    log "client failed; worker log:"
    tail -n 40 "$tmp/worker.log" >&2 || true
    exit 1
fi
client_pid=""

stop_worker
stop_redis
if grep -qE 'Traceback|ERROR/|CRITICAL/' "$tmp/worker.log"; then
    log "worker log has errors:"; tail -n 40 "$tmp/worker.log" >&2
fi
cat "$tmp/result.json"
