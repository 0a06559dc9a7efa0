"""Serve a built site under a base path, the way GitHub Pages serves a project site.

`/repo/...` maps to the output folder; anything else, and any missing file, gets the site's
own 404.html with status 404. Run by hand to look at a build:

    python tests/judges/server.py public --port 8000 --base /repo/
"""

from __future__ import annotations

import argparse
import functools
import http.server
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit


class _Handler(http.server.SimpleHTTPRequestHandler):
    base: str = "/repo/"
    delay: Callable[[str], float] = staticmethod(lambda path: 0.0)  # seconds before answering

    def do_GET(self) -> None:
        time.sleep(self.delay(urlsplit(self.path).path))
        super().do_GET()

    def translate_path(self, path: str) -> str:
        url_path = unquote(urlsplit(path).path)
        if url_path + "/" == self.base:
            return str(Path(self.directory))  # "/repo" redirects to "/repo/" like a directory
        if not url_path.startswith(self.base):
            return str(Path(self.directory) / ".outside-base-path")  # never exists: a 404
        return super().translate_path("/" + path[len(self.base):])

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


def make_server(directory: Path, base: str = "/repo/", host: str = "127.0.0.1", port: int = 0,
                delay: Callable[[str], float] | None = None) -> _Server:
    """A server bound now (port 0: any free port); the folder may be filled before serving starts.

    `delay(url_path)` gives seconds to wait before answering a GET: a slow network, for a test.
    """
    attrs: dict[str, object] = {"base": base}
    if delay is not None:
        attrs["delay"] = staticmethod(delay)
    handler = type("Handler", (_Handler,), attrs)
    return _Server((host, port), functools.partial(handler, directory=str(directory)))


@contextmanager
def serving(server: _Server) -> Iterator[str]:
    """Serve in a background thread; yields the origin, e.g. http://127.0.0.1:41234."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host}:{port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("directory", type=Path)
    ap.add_argument("--port", type=int, default=8000)
    ap.add_argument("--base", default="/repo/")
    args = ap.parse_args()
    with serving(make_server(args.directory, args.base, port=args.port)) as origin:
        print(f"serving {args.directory} at {origin}{args.base} (Ctrl-C stops)")
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
