"""Remake the README's screenshots: the demo site at 1280 and 390 px in Debian's Chromium.

    python docs/screenshots/make.py        # needs the test extra (Playwright) and /usr/bin/chromium

Builds the demo into a temporary folder (search index included), serves it, and captures the
top of the home page, the richest brief, the newest weekly recap and a search with results.
"""

from __future__ import annotations

import functools
import http.server
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent
WIDTHS = {1280: 900, 390: 844}
QUERY = "passkeys"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


def pages(public: Path) -> dict[str, str]:
    briefs = sorted(public.glob("briefs/*/index.html"))
    richest = max(briefs, key=lambda p: p.read_text(encoding="utf-8").count("<section"))
    week = sorted(public.glob("weekly/*/index.html"))[-1]
    return {"home": "", "brief": richest.parent.relative_to(public).as_posix() + "/",
            "week": week.parent.relative_to(public).as_posix() + "/", "search": f"search/?q={QUERY}"}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        public = Path(tmp) / "public"
        subprocess.run([sys.executable, "-m", "sitegen", "build", str(REPO), "--output", str(public),
                        "--quiet"], check=True)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(public)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
                for width, height in WIDTHS.items():
                    page = browser.new_page(viewport={"width": width, "height": height},
                                            color_scheme="light")
                    for name, rel in pages(public).items():
                        page.goto(base + rel)
                        if name == "search":
                            page.wait_for_selector(".pagefind-ui__result", timeout=15000)
                            page.wait_for_timeout(500)  # result thumbnails and excerpts settle
                        path = OUT / f"{name}-{width}.png"
                        page.screenshot(path=str(path))
                        print(path.relative_to(REPO))
                    page.close()
                browser.close()
        finally:
            server.shutdown()


if __name__ == "__main__":
    main()
