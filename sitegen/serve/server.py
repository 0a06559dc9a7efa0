"""The development server: static files from the live output folder, reload and error overlay.

- Serves the output under the site's base path ('/repo/' for https://user.github.io/repo/),
  the site's own 404.html for misses, and nothing outside the output folder.
- HTML responses get a small script (never written to the output) that listens to
  Server-Sent Events: it reloads the page after a successful rebuild that changed files,
  and shows the build error in an overlay while the last good site stays served.
"""

from __future__ import annotations

import html
import http.server
import json
import logging
import mimetypes
import os
import socket
import threading
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sitegen.paths import escapes, real_root

log = logging.getLogger(__name__)

EVENTS_PATH = "/__sitegen__/events"

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".pdf": "application/pdf",
    ".wasm": "application/wasm",
    ".webmanifest": "application/manifest+json",
}
_SPECIAL_NAMES = {"feed.xml": "application/atom+xml", "feed.json": "application/feed+json",
                  "CNAME": "text/plain; charset=utf-8", ".nojekyll": "text/plain; charset=utf-8"}


def content_type(name: str) -> str:
    if name in _SPECIAL_NAMES:
        return _SPECIAL_NAMES[name]
    ext = os.path.splitext(name)[1].lower()
    if ext in CONTENT_TYPES:
        return CONTENT_TYPES[ext]
    guessed, _ = mimetypes.guess_type(name)
    return guessed or "application/octet-stream"


class ServeState:
    """What the browser tabs are told: the build generation and the current error, if any."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self.version = 0
        """Bumped on every change of state; SSE clients wait for it."""
        self.generation = 0
        """Bumped when a rebuild changed the output: tabs of an older generation reload."""
        self.error: str | None = None
        self.closing = False

    def built(self, changed: bool) -> None:
        with self._cond:
            if changed or self.error is not None:
                self.generation += int(changed)
                self.error = None
                self.version += 1
                self._cond.notify_all()

    def failed(self, report: str) -> None:
        with self._cond:
            self.error = report
            self.version += 1
            self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self.closing = True
            self._cond.notify_all()

    def snapshot(self) -> tuple[int, int, str | None, bool]:
        with self._cond:
            return self.version, self.generation, self.error, self.closing

    def wait(self, seen_version: int, timeout: float) -> tuple[int, int, str | None, bool]:
        with self._cond:
            self._cond.wait_for(lambda: self.version != seen_version or self.closing, timeout)
            return self.version, self.generation, self.error, self.closing


RELOAD_SCRIPT = """<script id="sitegen-reload">(() => {
  const generation = %(generation)d;
  const show = (text) => {
    let box = document.getElementById("sitegen-error-overlay");
    if (!box) {
      box = document.createElement("div");
      box.id = "sitegen-error-overlay";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;padding:2rem;" +
        "background:rgba(20,20,24,.94);color:#f8f8f2;font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace";
      const title = document.createElement("h2");
      title.textContent = "sitegen: the build failed \\u2014 showing the last good build";
      title.style.cssText = "margin:0 0 1rem;color:#ff6b6b;font:bold 16px/1.4 system-ui,sans-serif";
      const pre = document.createElement("pre");
      pre.style.cssText = "white-space:pre-wrap;margin:0";
      box.append(title, pre);
      document.body.append(box);
    }
    box.querySelector("pre").textContent = text;
  };
  const hide = () => { const box = document.getElementById("sitegen-error-overlay"); if (box) box.remove(); };
  const source = new EventSource("%(events)s");
  source.addEventListener("state", (e) => {
    const state = JSON.parse(e.data);
    window.sitegenLive = true;
    if (state.error) { show(state.error); return; }
    if (state.generation !== generation) { source.close(); location.reload(); return; }
    hide();
  });
})();</script>
"""


class _Handler(http.server.BaseHTTPRequestHandler):
    server: DevServer
    server_version = "sitegen"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        log.debug("%s %s", self.address_string(), format % args)

    def do_HEAD(self) -> None:
        self._respond(head=True)

    def do_GET(self) -> None:
        self._respond(head=False)

    def _respond(self, head: bool) -> None:
        raw_path = urlsplit(self.path).path
        if raw_path == EVENTS_PATH and not head:
            self._events()
            return
        path = _decode_path(raw_path)
        if path is None:
            self._send(400, b"Bad request: that path is not allowed.\n", "text/plain; charset=utf-8", head)
            return
        base = self.server.base_path
        if not path.startswith(base):
            if path + "/" == base or path in ("/", ""):
                self._redirect(base)
            else:
                self._not_found(head)
            return
        rel = path[len(base):]
        overlay = self.server.overlay
        if overlay is not None:
            self._respond_from(overlay, rel, raw_path, head)
            return
        root = self.server.root
        real = root.joinpath(*rel.split("/")) if rel else root
        if escapes(real, real_root(root)):
            self._send(403, b"Forbidden\n", "text/plain; charset=utf-8", head)
            return
        if real.is_dir():
            if rel and not rel.endswith("/"):
                query = urlsplit(self.path).query
                self._redirect(raw_path + "/" + (f"?{query}" if query else ""))
                return
            real = real / "index.html"
        if not real.is_file():
            self._not_found(head)
            return
        try:
            data = real.read_bytes()
        except OSError:
            self._not_found(head)
            return
        self._send(200, data, content_type(real.name), head)

    def _respond_from(self, files: Mapping[str, str], rel: str, raw_path: str, head: bool) -> None:
        """As from the output folder, but the files are looked up by their output path."""
        if rel and not rel.endswith("/") and rel not in files and f"{rel}/index.html" in files:
            query = urlsplit(self.path).query
            self._redirect(raw_path + "/" + (f"?{query}" if query else ""))
            return
        source = files.get(rel + "index.html" if not rel or rel.endswith("/") else rel)
        try:
            data = Path(source).read_bytes() if source is not None else None
        except OSError:
            data = None
        if data is None:
            self._not_found(head)
        else:
            self._send(200, data, content_type(rel.rpartition("/")[2] or "index.html"), head)

    def _not_found(self, head: bool) -> None:
        overlay = self.server.overlay
        page = Path(overlay.get("404.html", "")) if overlay is not None else self.server.root / "404.html"
        try:
            data = page.read_bytes()
            kind = "text/html; charset=utf-8"
        except OSError:
            data, kind = self._no_site_page(), "text/html; charset=utf-8"
        self._send(404, data, kind, head)

    def _no_site_page(self) -> bytes:
        _, _, error, _ = self.server.state.snapshot()
        text = "The site has not been built yet." if error else "Not found."
        return (f"<!doctype html><html><head><meta charset='utf-8'><title>sitegen</title></head>"
                f"<body><p>{html.escape(text)}</p></body></html>").encode()

    def _send(self, status: int, data: bytes, kind: str, head: bool) -> None:
        if kind.startswith("text/html"):
            data = inject_reload(data, self.server.state.snapshot()[1])
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if not head:
            self._write(data)

    def _redirect(self, location: str) -> None:
        self.send_response(301)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _write(self, data: bytes) -> bool:
        try:
            self.wfile.write(data)
            self.wfile.flush()
            return True
        except (BrokenPipeError, ConnectionResetError, socket.timeout, OSError):
            return False

    def _events(self) -> None:
        """Server-Sent Events: the state now, then every change; ends when the server closes."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.close_connection = True
        state = self.server.state
        version, generation, error, closing = state.snapshot()
        while not closing:
            payload = json.dumps({"generation": generation, "error": error})
            if not self._write(f"event: state\ndata: {payload}\n\n".encode()):
                return
            seen = version
            while True:
                version, generation, error, closing = state.wait(seen, timeout=15)
                if closing or version != seen:
                    break
                if not self._write(b": keep-alive\n\n"):
                    return


def _decode_path(raw: str) -> str | None:
    """The percent-decoded URL path, or None for anything that could climb out of the root."""
    if "\\" in raw or "\x00" in raw:
        return None
    try:
        path = unquote(raw, errors="strict")
    except UnicodeDecodeError:
        return None
    if "\\" in path or "\x00" in path or not path.startswith("/"):
        return None
    if any(part in ("..", ".") for part in path.split("/")):
        return None
    return path


def inject_reload(page: bytes, generation: int) -> bytes:
    """The page with the reload/overlay script before </body> (or at the end)."""
    script = (RELOAD_SCRIPT % {"generation": generation, "events": EVENTS_PATH}).encode()
    at = page.lower().rfind(b"</body>")
    return page + script if at < 0 else page[:at] + script + page[at:]


class DevServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, root: Path, base_path: str, state: ServeState, host: str = "127.0.0.1", port: int = 8000,
                 overlay: Mapping[str, str] | None = None):
        self.root = root
        self.overlay = overlay
        """While set, the site is served from these files (output path -> file; serve/early.py),
        not from `root`."""
        self.base_path = base_path if base_path.endswith("/") else base_path + "/"
        self.state = state
        if ":" in host:
            self.address_family = socket.AF_INET6
        super().__init__((host, port), _Handler)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def url(self) -> str:
        host = self.server_address[0]
        host = f"[{host}]" if ":" in str(host) else host
        return f"http://{host}:{self.port}{self.base_path}"

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.serve_forever, args=(0.05,), name="sitegen-http", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self.state.close()
        self.shutdown()
        self.server_close()
