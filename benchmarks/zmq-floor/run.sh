#!/usr/bin/env bash
# Builds and runs the libzmq ROUTER/DEALER floor benchmark; prints one JSON object on stdout.
#   benchmarks/zmq-floor/run.sh [--calls N] [--workers W] [--dir D] [--rtt-calls R] [--size BYTES]
# Environment: BUILD (build directory; default .build/bench, relative to the repo root), CC (default cc).
# Without --dir, a fresh directory under /tmp holds floor.ipc and is removed at the end.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$root/benchmarks/zmq-floor"
cd "$root"
build="${BUILD:-.build/bench}"
mkdir -p "$build"

if [ ! -f /usr/include/zmq.h ] && ! pkg-config --exists libzmq 2>/dev/null; then
    echo "zmq-floor: libzmq headers missing (apt-get install -y libzmq3-dev)" >&2
    exit 1
fi
"${CC:-cc}" -O2 "$here/zmq_floor.c" -lzmq -o "$build/zmq_floor"

args=("$@")
have_dir=0
for a in "$@"; do [ "$a" = "--dir" ] && have_dir=1; done
tmp="" pid=""
cleanup() {
    if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
    if [ -n "$tmp" ]; then rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
if [ "$have_dir" -eq 0 ]; then
    tmp="$(mktemp -d /tmp/zmq-floor.XXXXXX)"
    args+=(--dir "$tmp")
fi
# Bounded: the program times out any reply after 10 s itself; this caps the whole run.
# In the background and waited for, so that a signal to this script stops it at once
# (its workers die with it: PR_SET_PDEATHSIG).
timeout --kill-after=5 120 "$build/zmq_floor" "${args[@]}" &
pid=$!
rc=0
wait "$pid" || rc=$?
pid=""
exit "$rc"
