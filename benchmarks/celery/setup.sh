#!/usr/bin/env bash
# Sets up (idempotently) what benchmarks/celery/run.sh needs:
#   redis-server           from Debian (apt-get install -y redis-server) when missing
#   .build/celery-venv     a venv with celery[redis], pinned below
# Runs as root or through sudo. Prints the venv's python path on stdout (logs go to stderr).
#
# Environment: PYTHON (interpreter to build the venv from; default python3).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="$root/.build/celery-venv"
python="${PYTHON:-python3}"

# Pinned: the Celery 5.x release the figures in benchmarks/README.md were taken with;
# constraints.txt beside this script pins what it pulls in (kombu, redis-py, billiard, ...).
CELERY_VERSION="5.7.0"
constraints="$(dirname "${BASH_SOURCE[0]}")/constraints.txt"

log() { echo "celery-setup: $*" >&2; }

mkdir -p "$root/.build"
exec 9>"$root/.build/celery-setup.lock"
flock 9

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
missing=()
command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || missing+=(redis-server)
if [ ! -x "$venv/bin/python" ] && ! "$python" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    missing+=(python3-venv)
fi
if [ ${#missing[@]} -gt 0 ]; then
    log "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq >&2
    $sudo apt-get install -y -qq "${missing[@]}" >&2
fi

if [ ! -x "$venv/bin/python" ]; then
    log "creating $venv"
    "$python" -m venv "$venv" >&2
fi
have="$("$venv/bin/python" -c 'import celery, redis; print(celery.__version__)' 2>/dev/null || true)"
if [ "$have" != "$CELERY_VERSION" ] || ! "$venv/bin/python" -m pip check >/dev/null 2>&1; then
    log "installing celery[redis]==$CELERY_VERSION"
    "$venv/bin/python" -m pip install -q --disable-pip-version-check -c "$constraints" "celery[redis]==$CELERY_VERSION" >&2
fi
echo "$venv/bin/python"
