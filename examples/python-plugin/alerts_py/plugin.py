"""The plugin side of the RS1 protocol (docs/protocol.md, "State of a plugin"), in one thread.

    connect DEALER ─► Hello ─► Welcome (adopt heartbeat interval and liveness)
        loop: Call → queue → run → Reply (same call_id, attempt echoed)
              Cancel → a queued call is answered CANCELLED / DEADLINE_EXCEEDED instead of run
              Heartbeat when nothing was sent for one interval
              Goodbye "unknown worker…" → Hello again; any other Goodbye → stop
              host silent for interval × liveness → close, back off 250 ms…8 s, reconnect, Hello
    SIGTERM/SIGINT → Goodbye, exit 0

Calls run one at a time on the loop thread, between polls, so a Cancel that arrives while a call is
queued is seen before the call starts. (The rules take well under a millisecond per request.)
"""

from __future__ import annotations

import argparse
import collections
import ctypes
import os
import signal
import sys
import time
import uuid

import zmq
from google.protobuf.message import DecodeError

import roadsense_pb2 as pb

from . import VERSION
from .logfmt import LEVELS, Logger
from .rules import check_conditions

PLUGIN_NAME = "alerts-py"
METHODS = ["alerts.CheckConditions"]
TAG = b"RS1"
UNKNOWN_WORKER_REASON = "unknown worker"  # Goodbye from the host: "unknown worker; send Hello"
RECONNECT_MIN_MS = 250
RECONNECT_MAX_MS = 8000
LINGER_MS = 50


def now_ms() -> int:
    return int(time.time() * 1000)


class UsageError(Exception):
    pass


def parse_options(argv: list[str], environ=os.environ) -> argparse.Namespace:
    """The flags the host passes every plugin: --connect E --store URL --credits N --log-level L."""

    class Parser(argparse.ArgumentParser):
        def error(self, message):
            raise UsageError(message)

    parser = Parser(prog="roadsense-alerts-py", add_help=True,
                    description="RoadSense plugin in Python serving alerts.CheckConditions")
    parser.add_argument("--connect", default=environ.get("ROADSENSE_PLUGIN_ENDPOINT"),
                        help="the host's plugin socket, e.g. ipc:///tmp/roadsense-0/plugins.ipc")
    parser.add_argument("--store", default=None, help="accepted and ignored (this plugin stores nothing)")
    parser.add_argument("--credits", type=int, default=1, help="calls it may hold at once (1..1024)")
    parser.add_argument("--log-level", default=environ.get("ROADSENSE_LOG_LEVEL", "info"),
                        help="debug|info|warning|error")
    parser.add_argument("--server-key", default=environ.get("ROADSENSE_CURVE_SERVER_KEY"),
                        help="the host's CURVE public key (40 Z85 characters) or its .pub file; for tcp://")
    parser.add_argument("--secret-key-file", default=environ.get("ROADSENSE_CURVE_SECRET_KEY_FILE"),
                        help="this worker's CURVE secret key file (roadsense keygen); public half derived")
    options = parser.parse_args(argv)
    options.curve = curve_keys(options.server_key, options.secret_key_file)
    if not options.connect:
        raise UsageError("no host endpoint: pass --connect ENDPOINT")
    if not 1 <= options.credits <= 1024:
        raise UsageError(f"--credits must be 1..1024 (docs/protocol.md), got {options.credits}")
    if options.log_level.lower() not in LEVELS:
        raise UsageError(f"unknown --log-level {options.log_level}")
    return options


def read_key_file(path: str) -> bytes:
    """The Z85 key in a `roadsense keygen` file: the one line that is not blank or a `#` comment."""
    try:
        with open(path, encoding="utf-8") as file:
            lines = [line.split()[0] for line in file if line.strip() and not line.lstrip().startswith("#")]
    except OSError as error:
        raise UsageError(f"{path}: cannot read the key file: {error.strerror}") from None
    if len(lines) != 1 or len(lines[0]) != 40:
        raise UsageError(f"{path}: expected one 40-character Z85 CURVE key")
    return lines[0].encode()


def curve_keys(server_key: str | None, secret_key_file: str | None) -> tuple[bytes, bytes, bytes] | None:
    """(server public, own public, own secret) as Z85 bytes, or None without CURVE; both options or neither."""
    if server_key is None and secret_key_file is None:
        return None
    if server_key is None or secret_key_file is None:
        raise UsageError("--server-key and --secret-key-file go together (CURVE needs both)")
    if not zmq.has("curve"):
        raise UsageError(f"this libzmq ({zmq.zmq_version()}) was built without CURVE")
    if os.stat(secret_key_file).st_mode & 0o077:
        raise UsageError(f"{secret_key_file}: a secret key must be readable by its owner only; run chmod 600")
    secret = read_key_file(secret_key_file)
    server = server_key.encode() if len(server_key) == 40 and not os.path.exists(server_key) \
        else read_key_file(server_key)
    return server, zmq.curve_public(secret), secret


class Plugin:
    def __init__(self, endpoint: str, credits: int, logger: Logger, curve: tuple[bytes, bytes, bytes] | None = None):
        self.endpoint = endpoint
        self.curve = curve
        self.credits = credits
        self.log = logger
        self.instance_id = str(uuid.uuid4())
        self.identity = f"{PLUGIN_NAME}-{os.getpid()}-{self.instance_id[:8]}".encode()
        self.context = zmq.Context()
        self.socket: zmq.Socket | None = None
        self.poller = zmq.Poller()
        self.heartbeat_interval_ms = 1000  # until Welcome says otherwise
        self.liveness = 3
        self.last_heard_ms = 0
        self.last_sent_ms = 0
        self.reconnect_delay_ms = RECONNECT_MIN_MS
        self.registered = False
        self.stopping = False
        self.queue: collections.deque[pb.Call] = collections.deque()  # received, not yet run
        self.unsent: collections.deque[pb.PeerMessage] = collections.deque()  # replies the socket refused
        self.bad_frames = 0
        self.calls_done = 0
        self.wake_r, self.wake_w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)

    # ---------------------------------------------------------------- lifecycle

    def run(self) -> None:
        self._install_signal_handlers()
        self.poller.register(self.wake_r, zmq.POLLIN)
        self._connect()
        while not self.stopping:
            timeout = 0 if self.queue else self._heartbeat_due_in()
            events = dict(self.poller.poll(timeout))
            if self.wake_r in events:
                self._drain_wakeups()
            if self.stopping:
                break
            if self.socket is not None and self.socket in events:
                self._receive_all()
            if self.queue and not self.stopping:
                self._run_one(self.queue.popleft())
            self._flush_unsent()
            self._keep_alive()
        self._say_goodbye()

    def _heartbeat_due_in(self) -> int:
        return max(1, min(self.heartbeat_interval_ms - (now_ms() - self.last_sent_ms), self.heartbeat_interval_ms))

    def _connect(self) -> None:
        if self.socket is not None:
            self.poller.unregister(self.socket)
            self.socket.close(linger=0)
        sock = self.context.socket(zmq.DEALER)
        sock.setsockopt(zmq.IDENTITY, self.identity)
        sock.setsockopt(zmq.LINGER, LINGER_MS)
        if self.curve is not None:
            sock.curve_serverkey, sock.curve_publickey, sock.curve_secretkey = self.curve
        sock.connect(self.endpoint)
        self.socket = sock
        self.poller.register(sock, zmq.POLLIN)
        self.registered = False
        self._send(pb.PeerMessage(hello=self._hello()))
        self.last_heard_ms = now_ms()
        self.log.info("connected to host", endpoint=self.endpoint, worker__pid=os.getpid(),
                      credits=self.credits, identity=self.identity.decode())

    def _hello(self) -> pb.Hello:
        return pb.Hello(plugin=PLUGIN_NAME, instance_id=self.instance_id, pid=os.getpid(), methods=METHODS,
                        credits=self.credits, version=f"{PLUGIN_NAME} {VERSION} (python {sys.version.split()[0]})")

    def _say_goodbye(self) -> None:
        if self.socket is not None:
            self._send(pb.PeerMessage(goodbye=pb.Goodbye(reason="plugin stopping")))
            self.socket.close(linger=LINGER_MS)
            self.socket = None
        self.context.term()
        self.log.info("stopped", worker__pid=os.getpid(), calls_done=self.calls_done, bad_frames=self.bad_frames)

    # ---------------------------------------------------------------- frames

    def _send(self, message: pb.PeerMessage) -> bool:
        """Sends without blocking; False when the socket cannot take it now (no host, full queue)."""
        if self.socket is None:
            return False
        try:
            self.socket.send_multipart([TAG, message.SerializeToString()], flags=zmq.NOBLOCK)
        except zmq.Again:
            return False
        self.last_sent_ms = now_ms()
        return True

    def _receive_all(self) -> None:
        while self.socket is not None:
            try:
                frames = self.socket.recv_multipart(flags=zmq.NOBLOCK)
            except zmq.Again:
                return
            # Anything from the host, even a frame we drop, shows it is alive.
            self.last_heard_ms = now_ms()
            self.reconnect_delay_ms = RECONNECT_MIN_MS
            message = self._decode(frames)
            if message is not None:
                self._handle(message)
                if self.stopping:
                    return

    def _decode(self, frames: list[bytes]) -> pb.PeerMessage | None:
        """protocol.md: wrong frame count, wrong tag or an undecodable body is dropped, counted, logged."""
        problem = None
        message = pb.PeerMessage()
        if len(frames) != 2:
            problem = f"{len(frames)} frames, want 2"
        elif frames[0] != TAG:
            problem = f"tag {frames[0][:8]!r}, want {TAG!r}"
        else:
            try:
                message.ParseFromString(frames[1])
            except DecodeError as error:
                problem = f"body does not decode: {error}"
            else:
                if message.WhichOneof("body") is None:
                    problem = "PeerMessage with no body"
        if problem is not None:
            self.bad_frames += 1
            self.log.warning("ignored a malformed message from the host", error=problem, bad_frames=self.bad_frames)
            return None
        return message

    def _handle(self, message: pb.PeerMessage) -> None:
        kind = message.WhichOneof("body")
        if kind == "welcome":
            welcome = message.welcome
            self.heartbeat_interval_ms = max(welcome.heartbeat_interval_ms, 50)
            self.liveness = max(welcome.liveness, 1)
            self.registered = True
            self.log.info("registered", host=welcome.host_id, heartbeat_ms=self.heartbeat_interval_ms,
                          liveness=self.liveness)
        elif kind == "heartbeat":
            pass
        elif kind == "call":
            call = message.call
            self.queue.append(call)
            self.log.debug("call received", call__id=call.call_id, call__method=call.method,
                           attempt=call.attempt, queued=len(self.queue))
        elif kind == "cancel":
            self._cancel(message.cancel)
        elif kind == "goodbye" and message.goodbye.reason.startswith(UNKNOWN_WORKER_REASON):
            # The host restarted, or forgot us: register again on the same connection.
            self.log.info("host does not know this worker; registering again", reason=message.goodbye.reason)
            self.registered = False
            self._send(pb.PeerMessage(hello=self._hello()))
        elif kind == "goodbye":
            self.log.info("host said goodbye; stopping", reason=message.goodbye.reason)
            self.stopping = True
        else:  # hello, reply: only plugins send those
            self.bad_frames += 1
            self.log.warning("ignored a message only plugins send", message=kind)

    # ---------------------------------------------------------------- calls

    def _cancel(self, cancel: pb.Cancel) -> None:
        for call in self.queue:
            if call.call_id == cancel.call_id:
                self.queue.remove(call)
                expired = call.deadline_ms > 0 and now_ms() > call.deadline_ms
                status = pb.DEADLINE_EXCEEDED if expired or "deadline" in cancel.reason else pb.CANCELLED
                self._reply(call, status, message=f"cancelled by the host before it started: {cancel.reason}")
                self.log.info("call cancelled", call__id=call.call_id, reason=cancel.reason,
                              status=pb.StatusCode.Name(status))
                return
        # Already answered (calls run to completion between polls): nothing left to do.
        self.log.debug("cancel for a call already answered; ignored", call__id=cancel.call_id)

    def _run_one(self, call: pb.Call) -> None:
        started = time.perf_counter()
        if call.method not in METHODS:
            status, text, payload = pb.UNIMPLEMENTED, f"{PLUGIN_NAME} does not serve {call.method}", b""
        elif call.deadline_ms > 0 and now_ms() > call.deadline_ms:
            status, text, payload = pb.DEADLINE_EXCEEDED, "deadline passed before the call started", b""
        else:
            status, text, payload = self._execute(call)
        self._reply(call, status, text, payload)
        self.calls_done += 1
        self.log.debug("call done", call__id=call.call_id, call__method=call.method, attempt=call.attempt,
                       status=pb.StatusCode.Name(status), ms=f"{(time.perf_counter() - started) * 1000:.3f}")

    @staticmethod
    def _execute(call: pb.Call) -> tuple[int, str, bytes]:
        request = pb.AlertRequest()
        try:
            request.ParseFromString(call.payload)
        except DecodeError as error:
            return pb.INVALID_ARGUMENT, f"request payload does not decode as AlertRequest: {error}", b""
        try:
            return pb.OK, "", check_conditions(request).SerializeToString()
        except Exception as error:  # a bug here must not kill the plugin: the host records INTERNAL
            return pb.INTERNAL, f"{type(error).__name__}: {error}", b""

    def _reply(self, call: pb.Call, status: int, message: str = "", payload: bytes = b"") -> None:
        reply = pb.PeerMessage(reply=pb.Reply(call_id=call.call_id, status=status, message=message,
                                              payload=payload, attempt=call.attempt))
        if self.unsent or not self._send(reply):
            self.unsent.append(reply)  # sent after the next reconnect or when the socket has room

    def _flush_unsent(self) -> None:
        while self.unsent and self._send(self.unsent[0]):
            self.unsent.popleft()

    # ---------------------------------------------------------------- liveness

    def _keep_alive(self) -> None:
        now = now_ms()
        if now - self.last_sent_ms >= self.heartbeat_interval_ms:
            in_flight = len(self.queue) + len(self.unsent)
            self._send(pb.PeerMessage(heartbeat=pb.Heartbeat(sent_ms=now, in_flight=in_flight)))
        silent = now - self.last_heard_ms
        if silent > self.heartbeat_interval_ms * self.liveness:
            self.log.warning("host silent; reconnecting", silent_ms=silent, retry_in_ms=self.reconnect_delay_ms)
            # Closed before the wait, so a Hello still queued on it cannot reach a host that comes up meanwhile
            # (it would register a worker that sleeps here, then lose it for its silence).
            if self.socket is not None:
                self.poller.unregister(self.socket)
                self.socket.close(linger=0)
                self.socket = None
            if self._sleep(self.reconnect_delay_ms):
                return  # SIGTERM while waiting
            self.reconnect_delay_ms = min(self.reconnect_delay_ms * 2, RECONNECT_MAX_MS)
            self._connect()

    def _sleep(self, ms: int) -> bool:
        """Waits `ms`, or less if a signal arrives; True when asked to stop."""
        deadline = time.monotonic() + ms / 1000
        while not self.stopping:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            if self._poll_wakeup(int(left * 1000) + 1):
                self._drain_wakeups()
        return self.stopping

    def _poll_wakeup(self, timeout_ms: int):
        poller = zmq.Poller()
        poller.register(self.wake_r, zmq.POLLIN)
        return poller.poll(timeout_ms)

    # ---------------------------------------------------------------- signals

    def _install_signal_handlers(self) -> None:
        def stop(signum, _frame):
            self.stopping = True

        for number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(number, stop)
        # The handler runs between bytecodes; the wakeup fd makes the poll return at once.
        signal.set_wakeup_fd(self.wake_w, warn_on_full_buffer=False)

    def _drain_wakeups(self) -> None:
        try:
            while os.read(self.wake_r, 512):
                pass
        except BlockingIOError:
            pass


def die_with_parent() -> None:
    """protocol.md step 4: plugins ask the kernel for SIGTERM when their parent (the host) dies."""
    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGTERM), 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os.kill(os.getpid(), signal.SIGTERM)


def main(argv: list[str] | None = None) -> int:
    """Exit codes as the Swift plugins: 0 clean stop, 2 bad usage, 1 fatal error."""
    try:
        options = parse_options(sys.argv[1:] if argv is None else argv)
    except UsageError as error:
        sys.stderr.write(f"roadsense-alerts-py: {error}\n")
        return 2
    logger = Logger(f"plugin.{PLUGIN_NAME}", options.log_level)
    try:
        plugin = Plugin(options.connect, options.credits, logger, options.curve)
        die_with_parent()
        plugin.run()
    except Exception as error:  # noqa: BLE001 - one logfmt line, then the host restarts us
        logger.error("plugin stopped on a fatal error; the host will restart it",
                     error=f"{type(error).__name__}: {error}")
        return 1
    return 0
