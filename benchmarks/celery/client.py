"""Client side of the Celery baseline: waits for the worker, then measures round trip and throughput.

  python client.py --calls N --workers W --rtt-calls R --out FILE

Prints nothing on stdout; writes one JSON object to --out (run.sh prints it after cleanup).
"""

import argparse
import json
import sys
import time

import celery
from celery.result import ResultSet

from bench_app import app, noop

PAYLOAD = "".join(chr(ord("a") + i % 26) for i in range(100))  # ~100 bytes, like the zmq floor


def percentile(sorted_values, p):
    """Nearest-rank percentile."""
    n = len(sorted_values)
    rank = max(1, min(n, int(-(-p * n // 100))))
    return sorted_values[rank - 1]


def wait_ready(workers, deadline_s):
    """Ping until the worker answers, then run calls until every pool process has served one."""
    deadline = time.monotonic() + deadline_s
    while True:
        replies = app.control.ping(timeout=1.0)
        if replies:
            break
        if time.monotonic() > deadline:
            sys.exit("celery-bench: worker did not answer ping in time")
    # One task per pool process at least (prefork children start lazily enough to matter).
    while True:
        try:
            ResultSet([noop.delay(PAYLOAD) for _ in range(workers * 4)]).get(timeout=10)
            return
        except Exception as e:  # noqa: BLE001 - keep retrying until the deadline
            if time.monotonic() > deadline:
                sys.exit(f"celery-bench: warm-up tasks failed: {e!r}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=2000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--rtt-calls", type=int, default=500)
    ap.add_argument("--warmup-calls", type=int, default=200)
    ap.add_argument("--ready-timeout", type=float, default=60.0)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()

    wait_ready(a.workers, a.ready_timeout)

    # Warm-up: untimed sequential calls (connections, pub/sub subscriptions, caches, vCPU wake-up).
    for _ in range(a.warmup_calls):
        if noop.delay(PAYLOAD).get(timeout=10) != PAYLOAD:
            sys.exit("celery-bench: wrong result in warm-up")

    # (a) Round trip: one call in flight, .delay() then .get(), repeated.
    rtt = []
    for _ in range(a.rtt_calls):
        t0 = time.perf_counter_ns()
        r = noop.delay(PAYLOAD).get(timeout=10)
        rtt.append(time.perf_counter_ns() - t0)
        if r != PAYLOAD:
            sys.exit("celery-bench: wrong result")
    rtt.sort()

    # (b) Throughput: submit N with .delay(), then wait for all results (native join on Redis).
    t0 = time.perf_counter()
    results = [noop.delay(PAYLOAD) for _ in range(a.calls)]
    submitted = time.perf_counter() - t0
    values = ResultSet(results).get(timeout=max(60.0, a.calls / 50.0))
    elapsed = time.perf_counter() - t0
    if len(values) != a.calls or any(v != PAYLOAD for v in values):
        sys.exit("celery-bench: wrong results in the throughput batch")

    out = {
        "name": "celery-redis-acks_late",
        "calls": a.calls,
        "workers": a.workers,
        "throughput_per_s": round(a.calls / elapsed, 1),
        "rtt_p50_us": round(percentile(rtt, 50) / 1000.0, 1),
        "rtt_p99_us": round(percentile(rtt, 99) / 1000.0, 1),
        "celery_version": celery.__version__,
        # Context, not a baseline figure: how long the .delay() loop alone took (client-side cost).
        "submit_s": round(submitted, 3),
        "rtt_calls": a.rtt_calls,
        "payload_bytes": len(PAYLOAD),
    }
    with open(a.out, "w") as f:
        f.write(json.dumps(out, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
