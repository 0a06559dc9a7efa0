"""`sitegen check`: build validation plus links, anchors and images, each reported as path:line:col."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import brief, write_site
from sitegen.check import check_external

# brief() puts the body on line 10 of the file.
BODY_LINE = 10

LINKS_BODY = """See [beta](/briefs/beta/) and [its details](/briefs/beta/#details) and [the file](beta.md#details).
Also [about](../about.md), [home](/), [a page](/about/), ![logo](/img/logo.png) and [top](#top-anchor).
Mail [us](mailto:desk@example.com).

<a id="top-anchor"></a>
"""


def make(tmp_path: Path, files: dict[str, str], config: str = "title: Check\n") -> Path:
    base = {
        "sitegen.yaml": config,
        "content/briefs/beta.md": brief("Beta", body="Intro.\n\n## Details\n\nMore."),
        "content/about.md": "---\ntitle: About\n---\nAbout us.\n",
        "static/img/logo.png": "png",
    }
    return write_site(tmp_path / "site", {**base, **files})


def test_a_site_whose_links_resolve_passes(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    site = make(tmp_path, {"content/briefs/alpha.md": brief("Alpha", body=LINKS_BODY)})
    result = cli("check", str(site))
    assert result.returncode == 0, result.stderr
    assert "no problems" in result.stdout
    assert not (site / "public").exists()  # check writes nothing


BROKEN = [
    ("Go [there](/briefs/missing/).", "broken link: /briefs/missing/"),
    ("Go [there](/briefs/beta/#nope).", "anchor '#nope' does not exist on /briefs/beta/"),
    ("Go [there](missing.md).", "link to a content file that does not exist: missing.md"),
    ("Go [there](beta.md#nope).", "anchor '#nope' does not exist on beta.md"),
    ("Go [there](#nowhere).", "anchor '#nowhere' does not exist on this page"),
    ("See ![chart](/img/chart.png).", "broken image: /img/chart.png"),
    ("See ![chart](img/chart.png).", "broken image: img/chart.png"),
    ("Go [there](../nope/).", "broken link: ../nope/"),
]


@pytest.mark.parametrize(("body", "message"), BROKEN, ids=[m for _, m in BROKEN])
def test_each_broken_link_is_reported_with_its_position(tmp_path: Path, cli, body: str, message: str) -> None:  # type: ignore[no-untyped-def]
    site = make(tmp_path, {"content/briefs/alpha.md": brief("Alpha", body=body)})
    result = cli("check", str(site))
    assert result.returncode == 1
    url = body.split("(")[1].split(")")[0]
    col = body.index(url) + 1
    assert f"content/briefs/alpha.md:{BODY_LINE}:{col}: error: {message}" in result.stderr
    assert f"    {body}" in result.stderr  # the offending line is shown
    assert "1 problem found." in result.stderr


def test_every_problem_is_listed_drafts_included(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    site = make(tmp_path, {
        "content/briefs/alpha.md": brief("Alpha", body="One [a](/x/).\n\nTwo [b](/y/) and [c](#z)."),
        "content/briefs/wip.md": brief("WIP", extra="draft: true", body="Draft [d](/briefs/gone/)."),
        "content/about.md": "---\ntitle: About\n---\nAbout [e](/briefs/alpha/#missing).\n",
    })
    result = cli("check", str(site))
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert lines == [
        "content/about.md:4:11: error: anchor '#missing' does not exist on /briefs/alpha/",
        f"content/briefs/alpha.md:{BODY_LINE}:9: error: broken link: /x/ (no such page or file in the site)",
        f"content/briefs/alpha.md:{BODY_LINE + 2}:9: error: broken link: /y/ (no such page or file in the site)",
        f"content/briefs/alpha.md:{BODY_LINE + 2}:22: error: anchor '#z' does not exist on this page",
        f"content/briefs/wip.md:{BODY_LINE}:11: error: broken link: /briefs/gone/ (no such page or file in the site)",
    ]
    assert "5 problems found." in result.stderr


def test_validation_errors_come_first_like_build(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    site = make(tmp_path, {"content/briefs/alpha.md": brief("Alpha", extra="related: [nobody]")})
    result = cli("check", str(site))
    assert result.returncode == 1
    assert "content/briefs/alpha.md:8:11: error: related brief 'nobody' does not exist" in result.stderr
    assert not (site / "public").exists()


def test_links_must_carry_the_base_path_of_a_project_site(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    body = "Good [a](/repo/briefs/beta/) and [b](../beta/). Bad [c](/briefs/beta/)."
    site = make(tmp_path, {"content/briefs/alpha.md": brief("Alpha", body=body)},
                config="title: Check\nbase_url: https://user.github.io/repo/\n")
    result = cli("check", str(site))
    assert result.returncode == 1
    col = body.index("/briefs/beta/)") + 1
    assert (f"content/briefs/alpha.md:{BODY_LINE}:{col}: error: link /briefs/beta/ misses the base path: "
            "on the published site it is /repo/briefs/beta/") in result.stderr
    assert "1 problem found." in result.stderr


# --- external links: only ever a local server ----------------------------------------------

class _Handler(http.server.BaseHTTPRequestHandler):
    def do_HEAD(self) -> None:
        self._answer()

    def do_GET(self) -> None:
        self._answer()

    def _answer(self) -> None:
        if self.path == "/slow":
            time.sleep(2)
        if self.path == "/no-head" and self.command == "HEAD":
            self.send_response(405)
        else:
            self.send_response(404 if self.path == "/gone" else 200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def local_web() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_external_links_are_checked_only_on_request(tmp_path: Path, cli, local_web: str) -> None:  # type: ignore[no-untyped-def]
    body = f"[ok]({local_web}/fine) [gone]({local_web}/gone) [slow]({local_web}/slow) [nh]({local_web}/no-head)"
    site = make(tmp_path, {"content/briefs/alpha.md": brief("Alpha", body=body)})
    assert cli("check", str(site)).returncode == 0  # off by default
    result = cli("check", str(site), "--external", "--timeout", "0.5", "--concurrency", "2")
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert errors == [
        f"content/briefs/alpha.md:{BODY_LINE}:{body.index('/gone') - len(local_web) + 1}: error: "
        f"external link {local_web}/gone: HTTP 404",
        f"content/briefs/alpha.md:{BODY_LINE}:{body.index('/slow') - len(local_web) + 1}: error: "
        f"external link {local_web}/slow: cannot reach it (timed out)",
    ]


def test_external_checks_respect_the_concurrency_limit() -> None:
    lock = threading.Lock()
    running = peak = 0

    def fetch(url: str, timeout: float) -> str | None:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.05)
        with lock:
            running -= 1
        return "HTTP 500" if url.endswith("/3") else None

    urls = [f"http://127.0.0.1/{i}" for i in range(12)] * 2
    assert check_external(urls, 1.0, 3, fetch) == {"http://127.0.0.1/3": "HTTP 500"}
    assert peak == 3
