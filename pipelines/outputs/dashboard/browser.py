"""Headless Chromium (Debian's `chromium`) driven through its DevTools protocol: print a page to
PDF with its print CSS, and, for the tests and the bench, read what a person sees (text after
scripts ran, console errors, every request the page made, a screenshot, paint timings).

Why this and not Playwright: Playwright installs a browser build of its own (a download the
offices' machines and CI cannot make); Debian's chromium is already the browser the project
renders with. One browser serves every page of a night (a process per PDF costs ~0.9 s). The
protocol is JSON over one WebSocket (`websockets`, already installed by Prefect).

Nothing leaves the machine: the browser starts with every host resolving nowhere, background
networking off, and every request that is not `file:`, `data:` or `about:` is failed by the
Fetch domain before it is sent (and recorded, so a test can say which).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.sync.client import connect

from pipelines.children import die_with_parent

LOCAL_SCHEMES = ("file:", "data:", "about:")
FLAGS = [
    "--headless",
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--mute-audio",
    "--host-resolver-rules=MAP * ~NOTFOUND",  # no name resolves: nothing can be fetched
    "--remote-debugging-port=0",
    "--remote-allow-origins=*",
]


class BrowserError(RuntimeError):
    """Chromium is missing, did not start, or a page failed."""


def find_chromium(name: str = "chromium") -> str | None:
    """The browser's path: `name` (a path or a command on PATH); for the default name, also the
    names other distributions give Chromium."""
    for candidate in (name, "chromium-browser", "google-chrome") if name == "chromium" else (name,):
        found = shutil.which(candidate)
        if found:
            return found
    return None


@dataclass
class PageVisit:
    """What a page showed: its text after scripts ran, errors, requests, the paint times."""

    text: str
    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    charts: int = 0  # SVG or canvas elements with something drawn in them
    first_paint_ms: float | None = None
    first_contentful_paint_ms: float | None = None


class Browser:
    """One headless Chromium for many pages; a context manager that always ends the process."""

    def __init__(self, executable: str = "chromium", timeout: float = 60.0) -> None:
        path = find_chromium(executable)
        if path is None:
            raise BrowserError(f"không tìm thấy trình duyệt '{executable}' (Debian: apt-get install chromium)")
        self.timeout = timeout
        self._profile = tempfile.mkdtemp(prefix="tthc-chromium-")
        argv = [path, *FLAGS, f"--user-data-dir={self._profile}", "about:blank"]
        if os.geteuid() == 0:  # Chromium refuses to run its sandbox as root (CI, containers)
            argv.insert(1, "--no-sandbox")
        self._proc = subprocess.Popen(
            die_with_parent(argv), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        self._next = 0
        self._lock = threading.Lock()
        try:
            self._ws = connect(self._endpoint(), max_size=None, open_timeout=timeout)
        except BaseException:
            self.close()
            raise

    def _endpoint(self) -> str:
        port_file = Path(self._profile) / "DevToolsActivePort"
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise BrowserError(f"Chromium dừng ngay khi khởi động (mã {self._proc.returncode})")
            if port_file.exists():
                lines = port_file.read_text().split()
                if len(lines) >= 2:
                    return f"ws://127.0.0.1:{lines[0]}{lines[1]}"
            time.sleep(0.05)
        raise BrowserError("Chromium không mở cổng DevTools kịp thời")

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        ws = getattr(self, "_ws", None)
        if ws is not None:
            with contextlib.suppress(Exception):  # the browser may already be gone
                ws.close()
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        shutil.rmtree(self._profile, ignore_errors=True)

    # the protocol: commands with ids, events in between
    def _send(self, method: str, params: dict | None = None, session: str | None = None) -> int:
        self._next += 1
        msg: dict[str, Any] = {"id": self._next, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        self._ws.send(json.dumps(msg))
        return self._next

    def _call(self, tab: _Tab | None, method: str, params: dict | None = None) -> dict:
        sent = self._send(method, params, tab.session if tab else None)
        deadline = time.monotonic() + self.timeout
        while True:
            msg = self._recv(deadline, tab)
            if msg.get("id") == sent:
                if "error" in msg:
                    raise BrowserError(f"{method}: {msg['error'].get('message')}")
                return msg.get("result", {})

    def _recv(self, deadline: float, tab: _Tab | None) -> dict:
        left = deadline - time.monotonic()
        if left <= 0:
            raise BrowserError("trình duyệt không trả lời kịp thời")
        msg = json.loads(self._ws.recv(timeout=left))
        if "method" in msg and tab is not None and msg.get("sessionId") == tab.session:
            tab.event(msg["method"], msg.get("params", {}))
        return msg

    def _wait(self, tab: _Tab, until: str) -> None:
        deadline = time.monotonic() + self.timeout
        while until not in tab.seen:
            self._recv(deadline, tab)

    def open(self, path_or_url: str | Path, width: int = 1280, height: int = 900) -> _Tab:
        """A new tab showing the page (a file path or a URL), loaded, network guarded."""
        target = self._call(None, "Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self._call(None, "Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        tab = _Tab(self, target, session)
        for method in ("Page.enable", "Runtime.enable", "Network.enable", "Log.enable"):
            self._call(tab, method)
        self._call(tab, "Fetch.enable", {"patterns": [{"urlPattern": "*"}]})
        self._call(
            tab,
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )
        self._call(tab, "Page.bringToFront")  # a background tab does not paint (no paint timings)
        return tab.goto(path_or_url)


# paint entries appear once the first frame is presented: poll frame by frame (3 s at most)
_PAINTS = """new Promise(resolve => { const t0 = performance.now(); (function poll() {
  const e = performance.getEntriesByType('paint');
  if (e.length >= 2 || performance.now() - t0 > 3000) resolve(Object.fromEntries(e.map(x => [x.name, x.startTime])));
  else requestAnimationFrame(poll); })(); })"""


class _Tab:
    def __init__(self, browser: Browser, target: str, session: str) -> None:
        self.browser, self.target, self.session = browser, target, session
        self.seen: set[str] = set()
        self.console_errors: list[str] = []
        self.requests: list[str] = []
        self.blocked: list[str] = []

    def event(self, method: str, params: dict) -> None:
        self.seen.add(method)
        if method == "Fetch.requestPaused":
            url = params["request"]["url"]
            if url.startswith(LOCAL_SCHEMES):
                self.browser._send("Fetch.continueRequest", {"requestId": params["requestId"]}, self.session)
            else:
                self.blocked.append(url)
                failed = {"requestId": params["requestId"], "errorReason": "BlockedByClient"}
                self.browser._send("Fetch.failRequest", failed, self.session)
        elif method == "Network.requestWillBeSent":
            self.requests.append(params["request"]["url"])
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            self.console_errors.append(" ".join(str(a.get("value", a.get("description", ""))) for a in params["args"]))
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            self.console_errors.append(str(details.get("exception", {}).get("description") or details.get("text")))
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            self.console_errors.append(f"{params['entry'].get('source')}: {params['entry'].get('text')}")

    def call(self, method: str, params: dict | None = None) -> dict:
        return self.browser._call(self, method, params)

    def goto(self, path_or_url: str | Path) -> _Tab:
        """Load another page in this tab (cheaper than a new tab: ~0.3 s saved a page)."""
        text = str(path_or_url)
        url = text if text.startswith(LOCAL_SCHEMES) else Path(text).resolve().as_uri()
        self.console_errors.clear()
        self.requests.clear()
        self.blocked.clear()
        self.seen.clear()
        self.call("Page.navigate", {"url": url})
        self.browser._wait(self, "Page.loadEventFired")
        return self

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in result:
            raise BrowserError(f"script: {result['exceptionDetails'].get('text')}")
        return result["result"].get("value")

    def visit(self) -> PageVisit:
        """What a person sees now: text, charts drawn, errors, requests, paint times (after two
        frames: paint entries are recorded once the first frame is presented)."""
        paints = self.evaluate(_PAINTS)
        charts = self.evaluate(
            "[...document.querySelectorAll('svg.chart, svg.spark, canvas')]"
            ".filter(e => e.tagName === 'CANVAS' ? e.width * e.height > 0 : e.querySelectorAll("
            "'rect, line, polyline, path, circle').length > 0).length"
        )
        return PageVisit(
            text=self.evaluate("document.body.innerText"),
            console_errors=list(self.console_errors),
            requests=list(self.requests),
            blocked=list(self.blocked),
            charts=int(charts or 0),
            first_paint_ms=paints.get("first-paint"),
            first_contentful_paint_ms=paints.get("first-contentful-paint"),
        )

    def screenshot(self, path: Path) -> Path:
        """The whole page as PNG (as tall as its content)."""
        size = self.call("Page.getLayoutMetrics")["cssContentSize"]
        shot = self.call(
            "Page.captureScreenshot",
            {
                "format": "png",
                "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1},
            },
        )
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    def pdf(self, path: Path) -> Path:
        """The page printed with its print CSS (its @page size and margins), no header or footer."""
        data = self.call(
            "Page.printToPDF",
            {"preferCSSPageSize": True, "printBackground": True, "displayHeaderFooter": False},
        )["data"]
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_bytes(base64.b64decode(data))
        os.replace(tmp, path)
        return path

    def close(self) -> None:
        self.browser._call(None, "Target.closeTarget", {"targetId": self.target})
