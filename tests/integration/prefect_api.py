"""The Prefect server's REST API as the tests read it, the way Prefect's own client does."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request


def prefect_api(url: str, path: str, body: dict | None = None) -> object:
    """POST `body` (or GET without one) to `url + path`, the JSON answer."""
    req = urllib.request.Request(
        url + path,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json"},
        method="POST" if body is not None else "GET",
    )
    # a busy server answers 503 (its SQLite database locked by the workers' writes); Prefect's own
    # client retries 429, 502 and 503 (prefect/client/base.py, _send_with_retry): so does this
    for attempt in range(8):
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return json.loads(r.read())
        except urllib.error.HTTPError as exc:
            if exc.code not in (429, 502, 503) or attempt == 7:
                raise
            time.sleep(0.5 * 2**attempt)
    raise AssertionError("unreachable")
