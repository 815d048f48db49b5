"""Tests of alerts-py: the rules on hand-made requests, and the plugin state machine against a fake host
(a ROUTER socket in this process) with the real executable.

    .build/python-venv/bin/python -m unittest discover -s examples/python-plugin/tests -v

(after scripts/python-env.sh).
"""

import math
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
PLUGIN_DIR = os.path.dirname(HERE)
ROOT = os.path.dirname(os.path.dirname(PLUGIN_DIR))
sys.path[:0] = [PLUGIN_DIR, os.environ.get("ROADSENSE_PYTHON_GEN") or os.path.join(ROOT, ".build", "python-gen")]

import zmq  # noqa: E402
import zmq.utils.z85  # noqa: E402

import roadsense_pb2 as pb  # noqa: E402
from alerts_py.rules import check_conditions  # noqa: E402

EXECUTABLE = os.path.join(PLUGIN_DIR, "roadsense-alerts-py")
NOW = 1_757_181_000_000


def green(car, lap, ms, **extra):
    fields = dict(car_number=car, lap=lap, lap_time_ms=ms, crossed_ms=NOW - 1000 * (30 - lap), flag="GF",
                  source="analysis", top_speed_kph=math.nan, avg_speed_kph=math.nan)
    fields.update(extra)
    return pb.LapRecord(**fields)


class RulesTests(unittest.TestCase):
    def alerts(self, **request):
        return {(a.rule, a.alert_id, a.severity) for a in check_conditions(pb.AlertRequest(now_ms=NOW, **request)).alerts}

    def test_stale_feed_thresholds_are_strict_and_keyed_by_vehicle(self):
        feeds = [
            pb.FeedStatus(vehicle_id="GR86-002-000", car_number=2, last_sample_ms=NOW - 5_000),   # not over 5 s
            pb.FeedStatus(vehicle_id="GR86-004-078", car_number=-1, last_sample_ms=NOW - 5_001),  # warning
            pb.FeedStatus(vehicle_id="GR86-010-016", car_number=16, last_sample_ms=NOW - 15_001),  # critical
            pb.FeedStatus(vehicle_id="", car_number=21, last_sample_ms=NOW - 6_000),              # no vehicle id
        ]
        self.assertEqual(self.alerts(feeds=feeds), {
            ("stale_feed", "stale_feed/GR86-004-078/since-%d" % (NOW - 5_001), pb.WARNING),
            ("stale_feed", "stale_feed/GR86-010-016/since-%d" % (NOW - 15_001), pb.CRITICAL),
            ("stale_feed", "stale_feed/21/since-%d" % (NOW - 6_000), pb.WARNING),
        })

    def test_stale_feed_id_does_not_change_when_the_car_number_becomes_known(self):
        before = pb.FeedStatus(vehicle_id="GR86-002-000", car_number=-1, last_sample_ms=NOW - 6_000)
        after = pb.FeedStatus(vehicle_id="GR86-002-000", car_number=2, last_sample_ms=NOW - 6_000)
        self.assertEqual(self.alerts(feeds=[before]), self.alerts(feeds=[after]))

    def test_lap_time_drop_uses_latest_clean_green_lap_against_the_cars_spread(self):
        laps = [
            green(13, 1, 100_000), green(13, 2, 98_000),
            green(13, 3, 104_000),                                 # 6.1 % off: but not the latest green lap
            green(13, 4, 120_000, flag="FCY"),                     # not green
            green(13, 5, 112_000),                                 # restart lap: not judged, not in the baseline
            green(13, 6, 130_000, pit_in=True),                    # pit lap
            green(13, 7, 99_000),                                  # out-lap: not judged, not in the baseline
            green(13, 8, 104_000),                                 # baseline laps 2, 3: median 101 000 → 2.97 %
            green(7, 1, 98_000), green(7, 2, 97_428), green(7, 3, 98_000),
            green(7, 4, 104_000),                                  # median 97 714: 6.43 % → critical
            green(5, 2, 96_214), green(5, 3, 97_714), green(5, 4, 99_214),
            green(5, 5, 101_000),                                  # 3.4 %, but this car spreads by 1.5 s: none
            green(8, 1, 98_000), green(8, 2, 0),                   # unknown lap time: ignored
            green(9, 1, 98_000), green(9, 2, 110_000, pit_time_ms=30_000),
        ]
        self.assertEqual(self.alerts(laps=laps), {
            ("lap_time_drop", "lap_time_drop/7/lap-4", pb.CRITICAL),
        })
        # Car 13: baseline 98 000 and 104 000 (MAD 3 000 ms, deviation 4 447.8 ms): 4 deviations = 17.6 %.
        self.assertEqual(self.alerts(laps=laps[:7] + [green(13, 8, 122_000)]), {
            ("lap_time_drop", "lap_time_drop/13/lap-8", pb.CRITICAL),
        })

    def test_lap_time_drop_skips_restart_out_and_first_laps(self):
        def ids(laps):
            return {alert_id for _, alert_id, _ in self.alerts(laps=laps)}

        # Restart lap (previous lap under FCY), 17 % off: not judged; the lap after it is.
        restart = [green(13, 1, 100_000), green(13, 2, 97_428), green(13, 3, 97_800),
                   green(13, 4, 140_000, flag="FCY"), green(13, 5, 115_000)]
        self.assertEqual(ids(restart), set())
        self.assertEqual(ids(restart + [green(13, 6, 104_000)]), {"lap_time_drop/13/lap-6"})

        # Out-lap after a pit stop, even without PIT_TIME on it.
        out_lap = [green(22, 1, 100_000), green(22, 2, 98_000), green(22, 3, 97_800),
                   green(22, 4, 140_000, pit_in=True), green(22, 5, 115_000)]
        self.assertEqual(ids(out_lap), set())

        # Lap 1 is never judged, even when two cars merged under one number give it a baseline.
        self.assertEqual(ids([green(3, 1, 130_000), green(3, 1, 98_000)]), set())

    def test_sorted_by_severity_then_id(self):
        laps = [green(7, 1, 98_000), green(7, 2, 97_428), green(7, 3, 98_000), green(7, 4, 104_000)]
        result = check_conditions(pb.AlertRequest(now_ms=NOW, laps=laps,
                                                  feeds=[pb.FeedStatus(vehicle_id="V", car_number=-1,
                                                                       last_sample_ms=NOW - 6000)]))
        self.assertEqual([a.severity for a in result.alerts], [pb.CRITICAL, pb.WARNING])
        self.assertEqual(result.alerts[0].message,
                         "car 7: lap 4 1:44.000 is 6.4% off its median 1:37.714 over 2 green laps "
                         "(MAD 0.286 s, 12.9 robust deviations; critical above 6%)")
        self.assertEqual(result.alerts[1].message, "car V: no telemetry for 6 s (warning after 5 s)")


class FakeHost:
    """A ROUTER on an ipc socket that speaks RS1."""

    def __init__(self, heartbeat_ms=200, liveness=3):
        self.dir = tempfile.mkdtemp(prefix="alerts-py-test-")
        self.endpoint = f"ipc://{self.dir}/plugins.ipc"
        self.context = zmq.Context()
        self.router = self.context.socket(zmq.ROUTER)
        self.router.setsockopt(zmq.LINGER, 0)
        self.router.bind(self.endpoint)
        self.heartbeat_ms = heartbeat_ms
        self.liveness = liveness
        self.identity = None

    def send(self, message, identity=None):
        self.router.send_multipart([identity or self.identity, b"RS1", message.SerializeToString()])

    def receive(self, kind=None, timeout_s=5.0):
        """The next message (of `kind`, skipping heartbeats and others when given)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.router.poll(int((deadline - time.monotonic()) * 1000) + 1):
                identity, tag, body = self.router.recv_multipart()
                assert tag == b"RS1", tag
                message = pb.PeerMessage.FromString(body)
                self.identity = identity
                if kind is None or message.WhichOneof("body") == kind:
                    return message
        raise AssertionError(f"no {kind or 'message'} within {timeout_s} s")

    def welcome(self):
        hello = self.receive("hello").hello
        self.send(pb.PeerMessage(welcome=pb.Welcome(host_id="fake", heartbeat_interval_ms=self.heartbeat_ms,
                                                    liveness=self.liveness)))
        return hello

    def close(self):
        self.router.close()
        self.context.term()


class ProtocolTests(unittest.TestCase):
    def setUp(self):
        self.host = FakeHost()
        self.process = subprocess.Popen(
            [EXECUTABLE, "--connect", self.host.endpoint, "--store", "sqlite:/nonexistent", "--credits", "2",
             "--log-level", "debug"], stderr=subprocess.PIPE, text=True)

    def tearDown(self):
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.process.stderr.close()
        self.host.close()

    def call(self, call_id, method="alerts.CheckConditions", payload=b"", attempt=1, deadline_ms=0):
        self.host.send(pb.PeerMessage(call=pb.Call(call_id=call_id, method=method, payload=payload, attempt=attempt,
                                                   deadline_ms=deadline_ms, priority=pb.PRIORITY_HIGH)))
        return self.host.receive("reply").reply

    def test_hello_calls_replies_and_sigterm(self):
        hello = self.host.welcome()
        self.assertEqual(hello.plugin, "alerts-py")
        self.assertEqual(list(hello.methods), ["alerts.CheckConditions"])
        self.assertEqual(hello.credits, 2)
        self.assertEqual(hello.pid, self.process.pid)
        self.assertTrue(hello.instance_id)
        self.assertTrue(self.host.identity.startswith(b"alerts-py-%d-" % self.process.pid))

        request = pb.AlertRequest(now_ms=NOW, feeds=[pb.FeedStatus(vehicle_id="GR86-002-000", car_number=-1,
                                                                   last_sample_ms=NOW - 20_000)])
        reply = self.call("c1", payload=request.SerializeToString(), attempt=2)
        self.assertEqual((reply.call_id, reply.status, reply.attempt), ("c1", pb.OK, 2))
        alerts = pb.AlertResult.FromString(reply.payload).alerts
        self.assertEqual([a.alert_id for a in alerts], ["stale_feed/GR86-002-000/since-%d" % (NOW - 20_000)])

        reply = self.call("c2", payload=b"\xff\xff\xff")
        self.assertEqual((reply.call_id, reply.status), ("c2", pb.INVALID_ARGUMENT))
        reply = self.call("c3", method="strategy.UpdatePredictions")
        self.assertEqual((reply.call_id, reply.status), ("c3", pb.UNIMPLEMENTED))
        reply = self.call("c4", deadline_ms=int(time.time() * 1000) - 10)
        self.assertEqual((reply.call_id, reply.status), ("c4", pb.DEADLINE_EXCEEDED))

        # Heartbeats at the Welcome's interval (200 ms).
        first = self.host.receive("heartbeat").heartbeat.sent_ms
        second = self.host.receive("heartbeat").heartbeat.sent_ms
        self.assertLess(second - first, 600)

        # A malformed frame is dropped; the plugin keeps serving.
        self.host.router.send_multipart([self.host.identity, b"XYZ", b"junk"])
        self.assertEqual(self.call("c5").status, pb.OK)

        self.process.send_signal(signal.SIGTERM)
        self.assertEqual(self.host.receive("goodbye").goodbye.reason, "plugin stopping")
        self.assertEqual(self.process.wait(timeout=5), 0)
        self.assertIn("level=warning component=plugin.alerts-py msg=\"ignored a malformed message",
                      self.process.stderr.read())

    def test_unknown_worker_goodbye_means_hello_again_other_goodbye_means_exit(self):
        first = self.host.welcome()
        self.host.send(pb.PeerMessage(goodbye=pb.Goodbye(reason="unknown worker; send Hello")))
        again = self.host.receive("hello").hello
        self.assertEqual(again.instance_id, first.instance_id)
        self.host.send(pb.PeerMessage(goodbye=pb.Goodbye(reason="host stopping")))
        self.assertEqual(self.process.wait(timeout=5), 0)

    def test_cancel_of_a_queued_call_is_answered_once(self):
        self.host.welcome()
        # Both arrive in one burst: the plugin reads them together and sees the cancel before running c2.
        self.host.send(pb.PeerMessage(call=pb.Call(call_id="c1", method="alerts.CheckConditions", attempt=1)))
        self.host.send(pb.PeerMessage(call=pb.Call(call_id="c2", method="alerts.CheckConditions", attempt=1)))
        self.host.send(pb.PeerMessage(cancel=pb.Cancel(call_id="c2", reason="deadline exceeded")))
        replies = {}
        for _ in range(2):
            reply = self.host.receive("reply").reply
            replies[reply.call_id] = reply.status
        self.assertEqual(replies["c1"], pb.OK)
        self.assertIn(replies["c2"], (pb.OK, pb.DEADLINE_EXCEEDED))  # OK if it ran before the cancel was read
        with self.assertRaises(AssertionError):
            self.host.receive("reply", timeout_s=0.5)

    def test_reconnects_with_hello_when_the_host_is_silent(self):
        self.host.welcome()
        started = time.monotonic()
        # Say nothing: after 3 × 200 ms the plugin reconnects (250 ms backoff) and says Hello again.
        self.host.receive("hello", timeout_s=5)
        self.assertGreater(time.monotonic() - started, 0.6)


if __name__ == "__main__":
    unittest.main()


class CurveTests(unittest.TestCase):
    """The plugin over TCP with CURVE, against a fake host that is a CURVE server with a ZAP handler
    admitting one key (the same roles as the real host, in pyzmq)."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="alerts-py-curve-")
        self.context = zmq.Context()
        self.server_public, server_secret = zmq.curve_keypair()
        self.worker_public, worker_secret = zmq.curve_keypair()
        self.secret_file = os.path.join(self.dir, "worker.key")
        with open(os.open(self.secret_file, os.O_WRONLY | os.O_CREAT, 0o600), "w") as file:
            file.write("# worker\n" + worker_secret.decode() + "\n")
        self.zap = self.context.socket(zmq.REP)
        self.zap.bind("inproc://zeromq.zap.01")
        self.router = self.context.socket(zmq.ROUTER)
        self.router.setsockopt(zmq.LINGER, 0)
        self.router.curve_server = True
        self.router.curve_secretkey = server_secret
        port = self.router.bind_to_random_port("tcp://127.0.0.1")
        self.process = subprocess.Popen(
            [EXECUTABLE, "--connect", f"tcp://127.0.0.1:{port}", "--server-key", self.server_public.decode(),
             "--secret-key-file", self.secret_file], stderr=subprocess.PIPE, text=True)

    def tearDown(self):
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.process.stderr.close()
        self.router.close()
        self.zap.close()
        self.context.term()

    def test_handshake_presents_the_key_derived_from_the_secret_file_then_hello_arrives(self):
        self.assertTrue(self.zap.poll(5000), "no ZAP request within 5 s")
        request = self.zap.recv_multipart()
        self.assertEqual((request[0], request[5]), (b"1.0", b"CURVE"))
        self.assertEqual(zmq.utils.z85.encode(request[6]), self.worker_public)
        self.zap.send_multipart([b"1.0", request[1], b"200", b"OK", b"worker", b""])

        self.assertTrue(self.router.poll(5000), "no Hello within 5 s")
        identity, tag, body = self.router.recv_multipart()
        self.assertEqual(tag, b"RS1")
        self.assertEqual(pb.PeerMessage.FromString(body).hello.plugin, "alerts-py")

    def test_server_key_without_secret_key_file_is_a_usage_error(self):
        result = subprocess.run([EXECUTABLE, "--connect", "tcp://127.0.0.1:1", "--server-key",
                                 self.server_public.decode()], capture_output=True, text=True, timeout=30)
        self.assertEqual(result.returncode, 2)
        self.assertIn("--server-key and --secret-key-file go together", result.stderr)
