"""One logfmt line per event on stderr, in the same shape as the Swift plugins' logs:

    ts=2025-09-06T18:00:00.123Z level=info component=plugin.alerts-py msg="connected to host" key=value
"""

from __future__ import annotations

import sys
import time

LEVELS = {"trace": 0, "debug": 1, "info": 2, "warning": 3, "warn": 3, "error": 4}
_PLAIN = set("-_./:@+")


def quote(value: str) -> str:
    if value and all(c.isalnum() or c in _PLAIN for c in value):
        return value
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def timestamp() -> str:
    now = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now * 1000) % 1000:03d}Z"


class Logger:
    def __init__(self, component: str, level: str = "info", stream=None):
        self.component = component
        self.minimum = LEVELS.get(level.lower(), LEVELS["info"])
        self.stream = stream or sys.stderr

    def log(self, level: str, msg: str, **fields) -> None:
        if LEVELS[level] < self.minimum:
            return
        line = f"ts={timestamp()} level={level} component={self.component} msg={quote(msg)}"
        for key, value in fields.items():
            line += f" {key.replace('__', '.')}={quote(str(value))}"
        try:
            self.stream.write(line + "\n")
            self.stream.flush()
        except (OSError, ValueError):
            pass  # stderr gone (the host exited): logging must never stop the plugin

    def debug(self, msg: str, **fields) -> None:
        self.log("debug", msg, **fields)

    def info(self, msg: str, **fields) -> None:
        self.log("info", msg, **fields)

    def warning(self, msg: str, **fields) -> None:
        self.log("warning", msg, **fields)

    def error(self, msg: str, **fields) -> None:
        self.log("error", msg, **fields)
