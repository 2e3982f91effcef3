"""A headless Chromium driven over the DevTools protocol on a pipe, to run axe-core on web pages.

The pipe (--remote-debugging-pipe: commands on fd 3, replies on fd 4, each
a JSON message ending in a NUL byte) needs no websocket library and no port.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--remote-debugging-pipe",
]

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
"""WCAG 2.2 AA: every A and AA rule axe-core has up to 2.2."""


def chromium() -> str | None:
    """Return the Chromium executable, if one is installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


class Browser:
    """One headless Chromium with a fresh profile; pages are opened one at a time."""

    def __init__(self, executable: str) -> None:
        self.profile = tempfile.mkdtemp(prefix="chromium-")
        commands_read, self._commands = os.pipe()
        self._replies, replies_write = os.pipe()

        def as_fds_3_and_4() -> None:
            # Chromium reads commands on fd 3 and writes replies on fd 4; copy both high first so neither clobbers the other.
            read = fcntl.fcntl(commands_read, fcntl.F_DUPFD, 10)
            write = fcntl.fcntl(replies_write, fcntl.F_DUPFD, 10)
            os.dup2(read, 3)
            os.dup2(write, 4)

        self.process = subprocess.Popen(
            [executable, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            close_fds=False,  # the pipes are non-inheritable; fds 3 and 4, made in the child, are passed on
            preexec_fn=as_fds_3_and_4,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(commands_read)
        os.close(replies_write)
        self._next_id = 0
        self._buffer = b""
        self._events: list[dict[str, Any]] = []

    def close(self) -> None:
        """Stop the browser and remove its profile."""
        try:
            self.send("Browser.close")
        except OSError:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._commands)
        os.close(self._replies)
        shutil.rmtree(self.profile, ignore_errors=True)

    def send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> dict[str, Any]:
        """Send one command and return its result, keeping the events that arrive meanwhile."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self._events.append(reply)

    def wait_for(self, event: str, session: str) -> dict[str, Any]:
        """Return the next event of this name from a page."""
        while True:
            for i, message in enumerate(self._events):
                if message.get("method") == event and message.get("sessionId") == session:
                    return self._events.pop(i)
            self._events.append(self._read())

    def _read(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            chunk = os.read(self._replies, 1 << 16)
            if not chunk:
                raise OSError("Chromium closed its DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def axe(self, page: Path, axe_source: str) -> list[dict[str, Any]]:
        """Return axe-core's WCAG 2.2 AA violations on a page."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        try:
            self.send("Page.enable", session=session)
            self.send("Page.navigate", {"url": page.resolve().as_uri()}, session=session)
            self.wait_for("Page.loadEventFired", session)
            self.send("Runtime.evaluate", {"expression": axe_source}, session=session)
            options = json.dumps({"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]})
            result = self.send(
                "Runtime.evaluate",
                {"expression": f"axe.run(document, {options}).then(r => JSON.stringify(r.violations))",
                 "awaitPromise": True, "returnByValue": True},
                session=session,
            )
            if "exceptionDetails" in result:
                raise RuntimeError(f"axe-core failed on {page}: {result['exceptionDetails']}")
            return json.loads(result["result"]["value"])
        finally:
            self.send("Target.closeTarget", {"targetId": target})
