"""The dev server: base path, traversal, content types, 404s, injection, errors, loopback, Ctrl-C,
and no edit lost while the first build runs."""

from __future__ import annotations

import gc
import io
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import REPO, brief, write_site
from sitegen.serve import ServeOptions, Session
from sitegen.serve.server import EVENTS_PATH

CONFIG = "title: Served\nbase_url: https://user.github.io/repo/\n"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return write_site(tmp_path / "site", {
        "sitegen.yaml": CONFIG,
        "content/briefs/alpha.md": brief("Alpha launch", extra="tags: [chips]", body="Alpha body text."),
        "content/briefs/beta.md": brief("Beta launch", date="2026-05-03T08:00:00+08:00", extra="tags: [chips]"),
        "content/about.md": "---\ntitle: About\n---\nAbout us.\n",
        "static/img/logo.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
        "static/data.json": "{}",
    })


@contextmanager
def serving(site_dir: Path, output: Path | None = None) -> Iterator[tuple[Session, str]]:
    session = Session(ServeOptions(site_dir, port=0, output=output), out=io.StringIO())
    server = session.start()
    try:
        yield session, f"http://127.0.0.1:{server.port}"
    finally:
        session.close()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def get(url: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, method=method), timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def raw_get(origin: str, path: str) -> tuple[int, bytes]:
    """Send the path byte for byte (no client-side normalisation of '..')."""
    host, port = origin.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def first_event(origin: str) -> dict:  # type: ignore[type-arg]
    with urllib.request.urlopen(origin + EVENTS_PATH, timeout=10) as r:
        assert r.headers["Content-Type"] == "text/event-stream"
        for line in r:
            if line.startswith(b"data: "):
                return json.loads(line[6:])
    raise AssertionError("no event")


def test_serves_under_the_base_path(site: Path) -> None:
    with serving(site) as (_, origin):
        status, headers, body = get(origin + "/repo/")
        assert status == 200 and b"Alpha launch" in body
        assert b'href="/repo/briefs/alpha/"' in body
        assert get(origin + "/repo/briefs/alpha/")[0] == 200
        status, headers, _ = get(origin + "/")
        assert status == 301 and headers["Location"] == "/repo/"
        status, headers, _ = get(origin + "/repo")
        assert status == 301 and headers["Location"] == "/repo/"
        status, headers, _ = get(origin + "/repo/briefs/alpha")
        assert status == 301 and headers["Location"] == "/repo/briefs/alpha/"
        status, _, body = get(origin + "/briefs/alpha/")  # without the base path: as on GitHub Pages, a 404
        assert status == 404 and b"Page not found" in body


def test_misses_get_the_sites_404_page(site: Path) -> None:
    with serving(site) as (_, origin):
        for path in ("/repo/nope/", "/repo/briefs/missing/", "/repo/img/missing.png"):
            status, headers, body = get(origin + path)
            assert status == 404, path
            assert headers["Content-Type"] == "text/html; charset=utf-8"
            assert b"Page not found" in body


@pytest.mark.parametrize("path", [
    "/repo/../secret.txt", "/repo/../../secret.txt", "/repo/%2e%2e/secret.txt", "/repo/%2E%2E/secret.txt",
    "/repo/..%2fsecret.txt", "/repo/%2e%2e%2fsecret.txt", "/repo/..%5csecret.txt", "/repo/..\\secret.txt",
    "/repo/%252e%252e/secret.txt", "/repo/./../secret.txt", "/repo/%00", "/repo/%c0%ae%c0%ae/secret.txt",
    "/repo/linked/secret.txt", "/repo/leak.txt", "//secret.txt", "/repo//../secret.txt",
], ids=lambda p: p)
def test_traversal_is_refused(site: Path, tmp_path: Path, path: str) -> None:
    out = tmp_path / "out"
    (tmp_path / "secret.txt").write_text("TOP SECRET")
    (site / "static").mkdir(exist_ok=True)
    os.symlink(tmp_path, site / "static" / "linked")  # symlinks out of static/ are not published
    os.symlink(tmp_path / "secret.txt", site / "static" / "leak.txt")
    with serving(site, out) as (_, origin):
        status, body = raw_get(origin, path)
        assert status in (400, 403, 404)
        assert b"TOP SECRET" not in body


@pytest.mark.parametrize(("path", "kind"), [
    ("/repo/", "text/html; charset=utf-8"),
    ("/repo/briefs/alpha/index.html", "text/html; charset=utf-8"),
    ("/repo/feed.xml", "application/atom+xml"),
    ("/repo/feed.json", "application/feed+json"),
    ("/repo/sitemap.xml", "application/xml"),
    ("/repo/robots.txt", "text/plain; charset=utf-8"),
    ("/repo/img/logo.svg", "image/svg+xml"),
    ("/repo/data.json", "application/json"),
], ids=lambda v: v)
def test_content_types(site: Path, path: str, kind: str) -> None:
    with serving(site) as (_, origin):
        status, headers, body = get(origin + path)
        assert status == 200
        assert headers["Content-Type"] == kind
        assert int(headers["Content-Length"]) == len(body)
        head_status, head_headers, head_body = get(origin + path, "HEAD")
        assert head_status == 200 and head_body == b"" and head_headers["Content-Type"] == kind


def test_reload_script_only_in_served_html_never_in_output(site: Path, tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    with serving(site, out) as (_, origin):
        _, _, page = get(origin + "/repo/briefs/alpha/")
        assert EVENTS_PATH.encode() in page
        _, _, robots = get(origin + "/repo/robots.txt")
        assert EVENTS_PATH.encode() not in robots
        served_files = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
        assert served_files and not any(EVENTS_PATH.encode() in data for data in served_files.values())
    assert cli("build", str(site)).returncode == 0
    assert not any(EVENTS_PATH.encode() in p.read_bytes() for p in (site / "public").rglob("*") if p.is_file())


def test_a_build_error_keeps_the_last_good_site_and_reports_path_line_col(site: Path, cli) -> None:  # type: ignore[no-untyped-def]
    with serving(site) as (session, origin):
        assert first_event(origin) == {"generation": 1, "error": None}
        (site / "content/briefs/alpha.md").write_text(brief("Alpha launch", extra="tags: [chips"), encoding="utf-8")
        assert session.rebuild() is None  # failed: reported, not raised
        status, _, body = get(origin + "/repo/briefs/alpha/")
        assert status == 200 and b"Alpha body text." in body  # the last good page
        error = first_event(origin)["error"]
        printed = cli("build", str(site)).stderr
        first_line = printed.splitlines()[0]
        assert first_line.startswith("content/briefs/alpha.md:9:1: error: ")
        assert first_line in error.splitlines()  # the same path:line:col text the CLI prints
        (site / "content/briefs/alpha.md").write_text(brief("Alpha relaunched", body="Fixed."), encoding="utf-8")
        assert session.rebuild() is not None
        state = first_event(origin)
        assert state["error"] is None and state["generation"] == 2
        assert b"Alpha relaunched" in get(origin + "/repo/briefs/alpha/")[2]


@pytest.mark.parametrize(("rel", "text", "where"), [
    ("sitegen.yaml", "title: [Broken\n", "sitegen.yaml:2:1: error: invalid YAML"),
    ("sitegen.yaml", "titel: Typo\n", "sitegen.yaml:1:1: error: unknown key 'titel'"),
    ("layouts/brief.html", "{% extends 'default/brief.html' %}{% block main %}{{ nope }}{% endblock %}\n",
     "layouts/brief.html:1:"),
    ("layouts/list.html", "{% if %}\n", "layouts/list.html:1:"),
], ids=["config-yaml", "config-key", "template-undefined", "template-syntax"])
def test_server_survives_every_kind_of_mistake(site: Path, rel: str, text: str, where: str) -> None:
    with serving(site) as (session, origin):
        path = site / rel
        old = path.read_bytes() if path.exists() else None
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        assert session.rebuild() is None
        assert where in first_event(origin)["error"]
        assert get(origin + "/repo/")[0] == 200
        if old is None:
            path.unlink()
        else:
            path.write_bytes(old)
        assert session.rebuild() is not None
        assert first_event(origin)["error"] is None


def test_first_build_broken_still_serves_and_recovers(tmp_path: Path) -> None:
    site = write_site(tmp_path / "s", {"content/briefs/a.md": "---\ntitle: [x\n---\n"})
    with serving(site) as (session, origin):
        status, _, body = get(origin + "/")
        assert status == 404 and EVENTS_PATH.encode() in body  # the overlay script can show the error
        assert "content/briefs/a.md:3:1: error: invalid YAML" in first_event(origin)["error"]
        (site / "content/briefs/a.md").write_text(brief("Now fine"), encoding="utf-8")
        assert session.rebuild() is not None
        assert b"Now fine" in get(origin + "/")[2]


def _as_from_a_shell() -> None:
    """In the child: the signal state a shell gives a command (no blocked signals, SIGINT
    delivered), not whatever the test process has collected by then: a process started with
    SIGINT ignored or blocked keeps it so, and could never be stopped with Ctrl-C."""
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "kill"])
def test_cli_serves_on_loopback_by_default_and_stops_cleanly(site: Path, sig: signal.Signals) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "sitegen", "serve", str(site), "--port", "0"],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_as_from_a_shell)
    try:
        line = proc.stdout.readline()  # type: ignore[union-attr]
        assert " at http://127.0.0.1:" in line and line.rstrip().endswith("/repo/ (Ctrl-C to stop)")
        url = line.split(" at ")[1].split(" ")[0]
        port = int(url.split(":")[2].split("/")[0])
        listening = subprocess.run(["ss", "-ltnH", f"sport = :{port}"], capture_output=True, text=True).stdout
        if listening:  # ss is there: the socket is bound to loopback only
            assert [row.split()[3] for row in listening.splitlines()] == [f"127.0.0.1:{port}"]
        assert get(url)[0] == 200
        proc.send_signal(sig)
        # Generous: on a loaded CI machine the watcher may take a while to see the signal.
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0
    assert "stopped" in out
    assert "Traceback" not in err


def test_an_edit_saved_during_the_first_build_is_served_without_another_save(tmp_path: Path) -> None:
    """The watcher is armed before the first build: an edit saved while 3,000 briefs are being
    rendered (after its file was already read) shows up with no second save."""
    tags = ["chips", "energy", "ai", "policy", "cloud"]
    site = write_site(tmp_path / "site", {
        f"content/briefs/b{i:04d}.md": brief(f"Brief {i} on {tags[i % 5]}", date=f"2026-0{1 + i % 6}-{1 + i % 28:02d}",
                                             extra=f"tags: [{tags[i % 5]}]", body=f"Original body {i}.")
        for i in range(3000)
    })
    out = tmp_path / "live"
    proc = subprocess.Popen([sys.executable, "-m", "sitegen", "serve", str(site), "--port", "0", "--output", str(out)],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()  # type: ignore[union-attr]
    try:
        deadline = time.monotonic() + 300
        while not (out / ".sitegen-staging").exists():  # pages are being rendered: every file was read
            assert proc.poll() is None and time.monotonic() < deadline, "the first build never started rendering"
            time.sleep(0.005)
        edited = site / "content/briefs/b1500.md"
        edited.write_text(brief("Brief 1500 on chips", date="2026-01-17", extra="tags: [chips]",
                                body="A body saved during the first build."), encoding="utf-8")
        assert lines.empty(), "the first build was over before the edit: the test did not test the race"
        url = lines.get(timeout=300).split(" at ")[1].split(" ")[0]
        deadline = time.monotonic() + 120
        while b"A body saved during the first build." not in get(url + "briefs/b1500/")[2]:
            assert time.monotonic() < deadline, "the edit saved during the first build was never served"
            time.sleep(0.1)
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def test_an_edit_the_watcher_missed_is_served_after_the_rescan(site: Path) -> None:
    """A watcher that misses an event (inotify overflow, a network file system) does not leave
    a stale page: the periodic rescan feeds the edit into the same rebuild path."""
    def deaf(site_dir: Path, stop: threading.Event, tick_ms: int):  # type: ignore[no-untyped-def]
        while not stop.is_set():
            yield set()
            time.sleep(tick_ms / 1000)

    stop = threading.Event()
    session = Session(ServeOptions(site, port=0), out=io.StringIO())
    loop = threading.Thread(target=session.run, args=(stop,),
                            kwargs={"announce": False, "events": deaf, "rescan_every": 0.2})
    loop.start()
    try:
        deadline = time.monotonic() + 60
        while session.server is None or session.last is None:
            assert loop.is_alive() and time.monotonic() < deadline, "serve did not start"
            time.sleep(0.01)
        page = f"http://127.0.0.1:{session.server.port}/repo/briefs/alpha/"
        assert b"Alpha body text." in get(page)[2]
        # Saved whole (write, then rename), as most editors save: a rescan that caught a
        # half-written file would rightly fall back to a full rebuild (CI once saw it under
        # load), and this test is about how a complete edit is classified.
        staged = site / "content/briefs/alpha.md.saving"
        staged.write_text(brief("Alpha launch", extra="tags: [chips]", body="Edited behind the watcher's back."),
                          encoding="utf-8")
        os.replace(staged, site / "content/briefs/alpha.md")
        while b"Edited behind the watcher" not in get(page)[2]:
            assert time.monotonic() < deadline + 60, "the missed edit was never served"
            time.sleep(0.05)
        assert session.last.way == "body"  # classified like a watcher's report: a body edit
    finally:
        stop.set()
        loop.join(timeout=30)
        session.close()


def test_serving_leaves_the_garbage_collector_as_it_found_it(site: Path) -> None:
    """serve freezes its site between rebuilds (gc.freeze) and pauses the collector while
    scoring related briefs; both are undone, so a program that embeds a Session is not left
    with a frozen heap or no cyclic collection."""
    assert gc.isenabled() and gc.get_freeze_count() == 0
    with serving(site) as (session, _):
        (site / "content/briefs/gamma.md").write_text(brief("Gamma", extra="tags: [chips]"), encoding="utf-8")
        assert session.rebuild() is not None and session.last is not None and session.last.way == "full"
        assert gc.isenabled()
    assert gc.isenabled() and gc.get_freeze_count() == 0


def _hold_first_build(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """serve's first build waits until the returned event is set."""
    from sitegen.serve.incremental import LiveSite

    release = threading.Event()
    real = LiveSite.rebuild

    def slow_first(self, changes=None):  # type: ignore[no-untyped-def]
        if changes is None:
            assert release.wait(60), "the test never released the first build"
        return real(self, changes)

    monkeypatch.setattr(LiveSite, "rebuild", slow_first)
    return release


def test_the_cached_build_is_served_from_the_cache_as_the_build_wrote_it(
        site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Before its first build, serve answers every URL of the last `sitegen build` with that
    build's bytes, read from the build cache: nothing is written to its output folder."""
    from sitegen.pipeline import BuildOptions, build
    from sitegen.serve.output import walk_files
    from sitegen.serve.server import inject_reload

    build(BuildOptions(site, workers=1))
    public = site / "public"
    release = _hold_first_build(monkeypatch)
    session = Session(ServeOptions(site, port=0), out=io.StringIO())
    try:
        origin = f"http://127.0.0.1:{session.start().port}"
        assert walk_files(session.output) == []
        generation = session.state.snapshot()[1]
        built = walk_files(public)
        assert "img/logo.svg" in built and "pagefind/pagefind-entry.json" in built
        for rel in built:
            status, headers, body = get(f"{origin}/repo/{rel}")
            want = (public / rel).read_bytes()
            assert status == 200, rel
            assert body == (inject_reload(want, generation) if rel.endswith(".html") else want), rel
        status, headers, _ = get(f"{origin}/repo/briefs/alpha")
        assert status in (301, 302, 307, 308) and headers["Location"].endswith("/repo/briefs/alpha/")
        status, _, body = get(f"{origin}/repo/no/such/page/")
        assert status == 404 and inject_reload((public / "404.html").read_bytes(), generation) == body
        assert get(f"{origin}/repo/briefs/alpha/")[2] == inject_reload(
            (public / "briefs/alpha/index.html").read_bytes(), generation)
        release.set()
        deadline = time.monotonic() + 60
        while session.server is not None and session.server.overlay is not None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert session.server is not None and session.server.overlay is None  # the output folder now
        assert set(walk_files(session.output)) >= set(built)
    finally:
        release.set()
        session.close()


def test_with_a_warm_cache_the_last_build_is_served_at_once_and_edits_wait_for_the_first_build(
        site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """After `sitegen build`, serve shows that build (from the cache) before its own first
    build is done; that build runs in the background, and a rebuild asked for meanwhile waits."""
    from sitegen.pipeline import BuildOptions, build
    from sitegen.serve.watch import classify_batch

    build(BuildOptions(site, workers=1))
    release = _hold_first_build(monkeypatch)
    session = Session(ServeOptions(site, port=0), out=io.StringIO())
    try:
        assert session.early is not None and session.early.pages > 0
        origin = f"http://127.0.0.1:{session.start().port}"
        status, _, body = get(origin + "/repo/briefs/alpha/")
        assert status == 200 and b"Alpha body text." in body  # served while the first build waits
        assert session.last is None
        edited = site / "content/briefs/alpha.md"
        edited.write_text(brief("Alpha launch", extra="tags: [chips]", body="Alpha body, edited."), encoding="utf-8")
        done: list[object] = []
        waiting = threading.Thread(target=lambda: done.append(session.rebuild(classify_batch(site, [edited]))))
        waiting.start()
        waiting.join(1.0)
        assert waiting.is_alive() and not done, "a rebuild ran before the first build"
        release.set()
        waiting.join(60)
        assert done and done[0] is not None
        assert b"Alpha body, edited." in get(origin + "/repo/briefs/alpha/")[2]
        assert "showing the last build of these files" in session.out.getvalue()  # type: ignore[attr-defined]
        # The search bundle shown with the cached build is still served after the first build.
        assert (site / "public/pagefind/pagefind-entry.json").is_file()
        assert get(origin + "/repo/pagefind/pagefind-entry.json")[0] == 200
    finally:
        release.set()
        session.close()


def test_a_cold_cache_serves_after_the_first_build_as_before(site: Path) -> None:
    with serving(site) as (session, origin):
        assert session.early is None and session.last is not None
        assert b"Alpha body text." in get(origin + "/repo/briefs/alpha/")[2]


def test_removing_the_last_prediction_removes_the_ledger_and_its_nav_link(tmp_path: Path) -> None:
    """A body-only edit can still remove a page: the ledger exists only while some brief has a
    prediction, and every page's header links to it. A clean build of the edited site has
    neither; serve must not keep the stale ledger (it did, with the removed prediction on it)."""
    from sitegen.serve.watch import classify_batch

    site = write_site(tmp_path / "site", {
        "sitegen.yaml": CONFIG,
        "content/briefs/alpha.md": brief("Alpha launch", extra="tags: [chips]\npredictions:\n"
                                         "  - claim: Prices fall by June\n    resolve_by: 2027-06-30"),
        "content/briefs/beta.md": brief("Beta launch", date="2026-05-03T08:00:00+08:00", extra="tags: [chips]"),
    })
    with serving(site) as (session, origin):
        assert b"Prices fall by June" in get(origin + "/repo/predictions/")[2]
        assert b'href="/repo/predictions/"' in get(origin + "/repo/briefs/beta/")[2]
        edited = site / "content/briefs/alpha.md"
        edited.write_text(brief("Alpha launch", extra="tags: [chips]"), encoding="utf-8")
        assert session.rebuild(classify_batch(site, [edited])) is not None
        assert get(origin + "/repo/predictions/")[0] == 404
        assert b'href="/repo/predictions/"' not in get(origin + "/repo/briefs/beta/")[2]
        assert not (session.output / "predictions").exists()
