"""HTML → PDF with a headless Chromium, driven over its DevTools pipe (no browser-automation library).

The catalogue table is an HTML page made for print (A4 landscape, header rows repeated, page numbers).
WeasyPrint lays it out in Python at about 80 ms a row; Chromium prints the same page for a quarter of the CPU
(all its processes counted) and a fifth of the time.
One browser per process, started on first use and kept for the next page; it runs with a private profile,
reads nothing but the page it is given, and exits with us (it stops when its pipe closes). Chromium stamps
the time into the PDF; the dates are fixed afterwards, so the same page gives the same bytes on a machine.

`print_pdf(html)` returns None when no Chromium is installed or it fails, and the caller uses WeasyPrint.
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import fcntl
import json
import os
import select
import shutil
import signal
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from powerctl.raster import fix_pdf_dates

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = (
    "--headless",
    "--remote-debugging-pipe",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
    "--mute-audio",
    "--font-render-hinting=none",
)
TIMEOUT = 600.0  # seconds for one call: a table of several hundred powers prints in a few seconds


class ChromiumError(Exception):
    """Chromium could not be started, answered with an error, or stopped answering."""


def find() -> str | None:
    """The Chromium to use: $POWERCTL_CHROMIUM (empty: none, use WeasyPrint), else the first on PATH."""
    chosen = os.environ.get("POWERCTL_CHROMIUM")
    if chosen is not None:
        return (shutil.which(chosen) or None) if chosen else None
    for name in NAMES:
        path = shutil.which(name)
        if path is not None:
            return path
    return None


def _high(pair: tuple[int, int]) -> tuple[int, int]:
    """The pipe's ends moved above 9, so that giving the child fds 3 and 4 never closes one of them."""
    moved = tuple(fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in pair)
    for fd in pair:
        os.close(fd)
    return moved[0], moved[1]


class Browser:
    """One headless Chromium and its DevTools pipe (fd 3: our commands in; fd 4: its answers out)."""

    def __init__(self, executable: str, fontconfig: Path | None = None) -> None:
        self.fontconfig = fontconfig
        self._profile = tempfile.mkdtemp(prefix="powerctl-chromium-")
        to_child, self._to = _high(os.pipe())
        self._from, from_child = _high(os.pipe())
        args = [executable, *FLAGS, f"--user-data-dir={self._profile}"]
        if os.geteuid() == 0:
            args.append("--no-sandbox")  # Chromium refuses to start its sandbox as root (containers, CI)
        # posix_spawn puts the pipe ends on the descriptor numbers Chromium expects (safe with threads,
        # unlike a preexec function); every other descriptor of ours is close-on-exec.
        devnull = os.devnull
        actions = [
            (os.POSIX_SPAWN_OPEN, 0, devnull, os.O_RDONLY, 0),
            (os.POSIX_SPAWN_OPEN, 1, devnull, os.O_WRONLY, 0),
            (os.POSIX_SPAWN_OPEN, 2, devnull, os.O_WRONLY, 0),
            (os.POSIX_SPAWN_DUP2, to_child, 3),
            (os.POSIX_SPAWN_DUP2, from_child, 4),
        ]
        env = dict(os.environ)
        if fontconfig is not None:
            env["FONTCONFIG_FILE"] = str(fontconfig)  # the system's fonts and the print fonts
        try:
            self._pid = os.posix_spawn(executable, args, env, file_actions=actions)
        except OSError as exc:
            self._cleanup()
            raise ChromiumError(str(exc)) from None
        finally:
            os.close(to_child)
            os.close(from_child)
        self._buffer = b""
        self._next = 0
        self._page: tuple[str, str] | None = None

    def _send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> int:
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        data = json.dumps(message).encode("utf-8") + b"\0"
        try:
            while data:
                data = data[os.write(self._to, data) :]
        except OSError as exc:
            raise ChromiumError(f"Chromium 已退出（{exc}）") from None
        return self._next

    def _receive(self, ident: int, deadline: float) -> dict[str, Any]:
        while True:
            end = self._buffer.find(b"\0")
            if end >= 0:
                raw, self._buffer = self._buffer[:end], self._buffer[end + 1 :]
                message = json.loads(raw)
                if message.get("id") != ident:
                    continue  # an event, or the answer to a command nobody waits for
                if "error" in message:
                    raise ChromiumError(str(message["error"].get("message", message["error"])))
                result: dict[str, Any] = message.get("result", {})
                return result
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ChromiumError("Chromium 没有应答（超时）")
            ready, _, _ = select.select([self._from], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(self._from, 1 << 20)
            if not chunk:
                raise ChromiumError("Chromium 意外退出")
            self._buffer += chunk

    def call(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> dict[str, Any]:
        return self._receive(self._send(method, params, session), time.monotonic() + TIMEOUT)

    def _tab(self) -> tuple[str, str]:
        """The one tab pages are printed in (session and frame): a new tab per page would start a renderer
        process each time, which cost half a second of CPU."""
        if self._page is None:
            target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
            session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            frame = self.call("Page.getFrameTree", session=session)["frameTree"]["frame"]["id"]
            self._page = (session, frame)
        return self._page

    def pdf(self, html: str) -> bytes:
        session, frame = self._tab()
        self.call("Page.setDocumentContent", {"frameId": frame, "html": html}, session)  # replaces the document
        self.call(
            "Runtime.evaluate", {"expression": "document.fonts.ready.then(() => true)", "awaitPromise": True}, session
        )
        options = {"printBackground": True, "preferCSSPageSize": True, "generateTaggedPDF": False}
        result = self.call("Page.printToPDF", options, session)
        return fix_pdf_dates(base64.b64decode(result["data"]))

    def close(self) -> None:
        with contextlib.suppress(ChromiumError, OSError):
            self._send("Browser.close")
        with contextlib.suppress(OSError):
            os.close(self._to)
        deadline = time.monotonic() + 10
        while os.waitpid(self._pid, os.WNOHANG) == (0, 0):
            if time.monotonic() > deadline:
                os.kill(self._pid, signal.SIGKILL)
                os.waitpid(self._pid, 0)
                break
            time.sleep(0.02)
        with contextlib.suppress(OSError):
            os.close(self._from)
        self._cleanup()

    def _cleanup(self) -> None:
        shutil.rmtree(self._profile, ignore_errors=True)


_browser: Browser | None = None
_failed = False
_registered = False
_lock = threading.Lock()  # one page at a time through this process's browser


def _close() -> None:
    global _browser
    if _browser is not None:
        _browser.close()
        _browser = None


def print_pdf(html: str, fontconfig: Path | None = None) -> bytes | None:
    """The page printed by this process's Chromium (started on first use), or None: no Chromium, or it
    failed (then it is not tried again in this process). `fontconfig`: a fontconfig file for the browser
    (`fonts.print_config`); a browser started with another one is replaced."""
    with _lock:
        return _print(html, fontconfig)


def _print(html: str, fontconfig: Path | None) -> bytes | None:
    global _browser, _failed, _registered
    if _failed:
        return None
    if _browser is not None and _browser.fontconfig != fontconfig:
        _close()
    if _browser is None:
        executable = find()
        if executable is None:
            return None
        try:
            _browser = Browser(executable, fontconfig)
        except ChromiumError:
            _failed = True
            return None
        if not _registered:
            _registered = True
            atexit.register(_close)
    try:
        return _browser.pdf(html)
    except ChromiumError:
        _close()
        _failed = True
        return None
