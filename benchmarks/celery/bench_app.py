"""Celery app for the RoadSense dispatch baseline: one no-op task on a Redis broker and result backend.

The broker/backend URL comes from BENCH_REDIS_URL (run.sh starts a private redis-server and sets it).
Configuration: benchmarks/README.md says what each setting is for and where Celery documents it.
"""

import os

from celery import Celery

redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")

app = Celery("roadsense_bench", broker=redis_url, backend=redis_url)
app.conf.update(
    # Reliability: acknowledge a task message only after the task has run, so a worker
    # that dies mid-task leaves the message to be delivered again.
    task_acks_late=True,
    # With late acks, reserve only one message per worker process beyond the one it runs:
    # no task waits behind a busy process while another is idle.
    worker_prefetch_multiplier=1,
    # A task whose worker process is killed is requeued rather than failed (late-ack semantics
    # hold for a lost child too, not only for a lost worker).
    task_reject_on_worker_lost=True,
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    # No task events: the baseline should not pay for monitoring that nobody reads.
    worker_send_task_events=False,
    task_send_sent_event=False,
    broker_connection_retry_on_startup=True,
)


@app.task(name="bench.noop", acks_late=True)
def noop(payload):
    """No-op work: hand the ~100-byte payload straight back."""
    return payload
