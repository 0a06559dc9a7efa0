"""Remake the README's screenshots: the demo site at 1280 and 390 px in Debian's Chromium.

    python docs/screenshots/make.py        # needs the test extra (Playwright) and /usr/bin/chromium

Builds the demo into a temporary folder (search index included), serves it, and captures the
top of the home page, the richest brief, the newest weekly recap and a search with results; then
a brief of the demo's Chinese part (/zh/) and of the right-to-left example in arabic/, at 1280 px.
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
LANGUAGES = {"zh-brief": (REPO, "zh/briefs/nimbus-q3-earnings-zh/"),
             "rtl-brief": (OUT / "arabic", "briefs/yunjing-price-cut/")}
"""More screenshots, at 1280 px: name -> (site, page)."""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


def pages(public: Path) -> dict[str, str]:
    briefs = sorted(public.glob("briefs/*/index.html"))
    richest = max(briefs, key=lambda p: p.read_text(encoding="utf-8").count("<section"))
    week = sorted(public.glob("weekly/*/index.html"))[-1]
    return {"home": "", "brief": richest.parent.relative_to(public).as_posix() + "/",
            "week": week.parent.relative_to(public).as_posix() + "/", "search": f"search/?q={QUERY}"}


def serve(site: Path, public: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    subprocess.run([sys.executable, "-m", "sitegen", "build", str(site), "--output", str(public), "--quiet"],
                   check=True)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(public)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        public = Path(tmp) / "public"
        server, base = serve(REPO, public)
        try:
            for width, height in WIDTHS.items():
                page = browser.new_page(viewport={"width": width, "height": height}, color_scheme="light")
                for name, rel in pages(public).items():
                    page.goto(base + rel)
                    if name == "search":
                        page.wait_for_selector(".pagefind-ui__result", timeout=15000)
                        page.wait_for_timeout(500)  # result thumbnails and excerpts settle
                    shoot(page, name, width)
                page.close()
        finally:
            server.shutdown()
        for i, (name, (site, rel)) in enumerate(LANGUAGES.items()):
            server, base = serve(site, Path(tmp) / f"public-{i}")
            try:
                page = browser.new_page(viewport={"width": 1280, "height": WIDTHS[1280]}, color_scheme="light")
                page.goto(base + rel, wait_until="networkidle")
                # The CJK web font: every face the page uses loaded, not just those requested so far.
                page.wait_for_function("document.fonts.status === 'loaded' && "
                                       "[...document.fonts].every(f => f.status === 'loaded')")
                shoot(page, name, 1280)
                page.close()
            finally:
                server.shutdown()
        browser.close()


def shoot(page, name: str, width: int) -> None:  # type: ignore[no-untyped-def]
    path = OUT / f"{name}-{width}.png"
    page.screenshot(path=str(path))
    print(path.relative_to(REPO))


if __name__ == "__main__":
    main()
