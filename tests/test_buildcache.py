"""The persistent build cache (.sitegen/): exact, robust to torn entries, and skipped when
nothing changed; `sitegen clean`; progress and --timings."""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO, brief, cli_env, site_bytes, write_site
from sitegen import lastbuild
from sitegen.errors import BuildFailed
from sitegen.pages import feeds
from sitegen.pages.feeds import brief_feed
from sitegen.pipeline import REPLAYED_NOTE, UNCHANGED_NOTE, BuildOptions, build
from sitegen.progress import Progress
from test_incremental import apply, operation

BASE = {
    "sitegen.yaml": "title: Cached\nbase_url: https://example.org/\n",
    "content/briefs/alpha.md": brief("Alpha rises", extra="tags: [ai]"),
    "content/briefs/beta.md": brief("Beta falls", date="2026-04-20", extra="tags: [ai, chips]"),
}
OFF = {"SITEGEN_PAGEFIND": "off", "SITEGEN_CARDS": "off"}
"""Search and cards have tests of their own; without them each build here is quick."""


@pytest.fixture(autouse=True)
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    for k, v in OFF.items():
        monkeypatch.setenv(k, v)


def age(site: Path) -> None:
    """Make every input file look a minute old, so its stat signature is trusted (a file written
    within the last two seconds is not) and the no-change stamp is written."""
    old = os.stat(site).st_mtime - 60
    for p in site.rglob("*"):
        if p.is_file() and ".sitegen" not in p.parts and "public" not in p.parts:
            os.utime(p, (old, old))


def cached(site: Path) -> dict[str, bytes] | None:
    try:
        build(BuildOptions(site, workers=1))
    except BuildFailed:
        return None
    return site_bytes(site / "public")


def clean(site: Path, out: Path) -> dict[str, bytes] | None:
    try:
        build(BuildOptions(site, output=out, workers=1, no_cache=True))
    except BuildFailed:
        return None
    return site_bytes(out)


@settings(max_examples=int(os.environ.get("SITEGEN_CACHE_EXAMPLES", "12")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(operation, min_size=1, max_size=5), st.lists(st.booleans(), min_size=5, max_size=5))
def test_cached_builds_equal_clean_builds_over_random_edits(ops: list[tuple[str, object, object]],
                                                            aged: list[bool]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        site = write_site(root / "site", BASE)
        last = cached(site)
        for i, (op, old) in enumerate(zip(ops, aged)):
            apply(site, op)
            if old:
                age(site)  # trusted stats: the stamp and the fast path come into play
            expected = clean(site, root / f"clean-{i}")
            got = cached(site)
            if expected is None:
                assert got is None, f"a cached build succeeded where a clean one failed after {ops[:i + 1]}"
                assert site_bytes(site / "public") == (last or {}), "a failed build changed the output"
                continue
            assert got == expected, f"cached output differs from a clean build after {ops[:i + 1]}"
            assert cached(site) == expected, "building again with nothing changed changed the output"
            last = got


def test_a_torn_or_damaged_cache_entry_is_never_used(make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site(BASE)
    build(BuildOptions(site, workers=1))
    expected = site_bytes(site / "public")
    for entry in (site / ".sitegen/parse").iterdir():
        entry.write_bytes(entry.read_bytes()[:-7] + b"garbage")  # same length, wrong bytes
    (site / "content/briefs/alpha.md").touch()  # not the no-change path: the entries are read
    build(BuildOptions(site, workers=1))
    assert site_bytes(site / "public") == expected


def test_a_second_build_with_nothing_changed_keeps_the_output_and_says_so(make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site(BASE)
    age(site)
    first = build(BuildOptions(site, workers=1))
    inode = os.stat(site / "public").st_ino
    again = build(BuildOptions(site, workers=1))
    assert UNCHANGED_NOTE in again.notes and (again.pages, again.files) == (first.pages, first.files)
    assert os.stat(site / "public").st_ino == inode  # not even swapped
    # An edit is seen, even one that keeps the size; so is an output folder replaced by hand.
    (site / "content/briefs/alpha.md").write_text(brief("Alpha rests", extra="tags: [ai]"), encoding="utf-8")
    age(site)
    edited = build(BuildOptions(site, workers=1))
    assert UNCHANGED_NOTE not in edited.notes
    assert b"Alpha rests" in (site / "public/briefs/alpha/index.html").read_bytes()
    os.rename(site / "public", site / "moved")
    (site / "public").mkdir()
    assert UNCHANGED_NOTE not in build(BuildOptions(site, workers=1)).notes
    assert (site / "public/briefs/alpha/index.html").is_file()
    # Other options are another build.
    assert UNCHANGED_NOTE not in build(BuildOptions(site, workers=1, drafts=True)).notes


def test_the_no_change_path_ends_when_a_scheduled_brief_goes_live(make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site({**BASE, "content/briefs/later.md": brief(
        "Embargoed launch", extra="publish_at: 2026-06-01T09:00:00+00:00")})
    age(site)
    build(BuildOptions(site, workers=1, now="2026-05-30"))
    assert not (site / "public/briefs/later").exists()
    assert UNCHANGED_NOTE in build(BuildOptions(site, workers=1, now="2026-05-30T12:00:00+00:00")).notes
    live = build(BuildOptions(site, workers=1, now="2026-06-01T09:00:00+00:00"))
    assert UNCHANGED_NOTE not in live.notes
    assert (site / "public/briefs/later/index.html").is_file()


def test_no_cache_writes_no_cache_and_cache_dir_moves_it(make_site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    site = make_site(BASE)
    build(BuildOptions(site, workers=1, no_cache=True))
    assert not (site / ".sitegen").exists()
    build(BuildOptions(site, workers=1, cache_dir=tmp_path / "ci-cache"))
    assert not (site / ".sitegen").exists()
    assert any((tmp_path / "ci-cache/parse").iterdir()) and any((tmp_path / "ci-cache/pages").iterdir())


def test_a_fresh_clone_with_the_cache_restored_links_the_last_build(make_site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """CI: a fresh clone (other paths, new files, same bytes) with the cache restored gets the
    last build's files from the cache; after an edit, only the edited brief's page is rendered."""
    site = make_site(BASE)
    build(BuildOptions(site, workers=1, cache_dir=tmp_path / "cache"))
    expected = site_bytes(site / "public")
    clone = write_site(tmp_path / "clone", BASE)
    replayed = build(BuildOptions(clone, workers=1, cache_dir=tmp_path / "cache"))
    assert REPLAYED_NOTE in replayed.notes and site_bytes(clone / "public") == expected
    edited = write_site(tmp_path / "edited", {**BASE, "content/briefs/alpha.md": brief(
        "Alpha rises", extra="tags: [ai]", body="Some analysis, revised.")})
    progress = Progress()
    result = build(BuildOptions(edited, workers=1, cache_dir=tmp_path / "cache"), progress)
    assert REPLAYED_NOTE not in result.notes
    assert site_bytes(edited / "public") == clean(edited, tmp_path / "clean")
    rendered = {t.name: t.count for t in progress.timings}
    assert rendered["render+write"] == 1  # the edited brief's page; every other page came from the cache


def test_a_replay_ends_with_its_clock_window(make_site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    files = {**BASE, "content/briefs/later.md": brief("Embargoed launch", extra="publish_at: 2026-06-01T09:00:00+00:00")}
    site = make_site(files)
    build(BuildOptions(site, workers=1, cache_dir=tmp_path / "cache", now="2026-05-30"))
    clone = write_site(tmp_path / "clone", files)
    late = build(BuildOptions(clone, workers=1, cache_dir=tmp_path / "cache", now="2026-06-02"))
    assert REPLAYED_NOTE not in late.notes
    assert (clone / "public/briefs/later/index.html").is_file()


def test_clean_deletes_the_cache_and_refuses_other_folders(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    site = make_site(BASE)
    assert cli("build", str(site), "-q").returncode == 0
    assert (site / ".sitegen/pages").is_dir()
    done = cli("clean", str(site))
    assert done.returncode == 0 and not (site / ".sitegen").exists(), done.stderr
    assert (site / "public/index.html").is_file()  # the output is left alone
    refused = cli("clean", str(site), "--cache-dir", str(site / "content"))
    assert refused.returncode == 1 and "refusing to delete" in refused.stderr
    assert (site / "content/briefs/alpha.md").is_file()


def test_progress_draws_one_line_on_a_terminal_and_nothing_elsewhere() -> None:
    shown = io.StringIO()
    live = Progress(shown, live=True)
    live.started -= 5  # a build already 5 s in: progress is due
    assert list(live.stage("parse", range(3), total=3)) == [0, 1, 2]
    live.done()
    out = shown.getvalue()
    assert out.startswith("\r\x1b[2Kparse 1/3 (33%)") and out.endswith("\r\x1b[2K")
    quiet = io.StringIO()
    logged = Progress(quiet, live=False)
    list(logged.stage("parse", range(3), total=3))
    logged.done()
    assert quiet.getvalue() == ""
    assert [(t.name, t.count) for t in logged.timings] == [("parse", 3)]


def test_build_timings_prints_each_stage(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    site = make_site(BASE)
    result = cli("build", str(site), "--timings", env={"SITEGEN_PAGEFIND": ""})  # search on
    assert result.returncode == 0 and result.stderr == ""  # not a terminal: no progress line
    lines = result.stdout.splitlines()
    assert lines[0].startswith("built ") and lines[1].split() == ["stage", "items", "seconds"]
    stages = [line.split()[0] for line in lines[2:]]
    assert stages[:2] == ["parse", "assemble"] and stages[-1] == "total"
    assert {"render+write", "search"} <= set(stages)


def corpus(tmp_path: Path, n: int) -> Path:
    """A generated site of n briefs (bench/gen_corpus.py, deterministic), big enough that a
    build runs for a while."""
    site = tmp_path / "corpus"
    subprocess.run([sys.executable, str(REPO / "bench/gen_corpus.py"), "--n", str(n), "--out", str(site),
                    "--seed", "7"], check=True, capture_output=True)
    (site / "sitegen.yaml").write_text("title: Corpus\nbase_url: https://example.org/\n", encoding="utf-8")
    return site


def test_a_build_killed_at_any_moment_leaves_a_cache_the_next_build_can_trust(tmp_path: Path) -> None:
    site = corpus(tmp_path, 150)
    expected = clean(site, tmp_path / "clean")
    killed = 0
    for delay in (0.8, 1.6, 2.4, 3.2):  # into parsing, rendering, writing
        proc = subprocess.Popen([sys.executable, "-m", "sitegen", "build", str(site), "-q"], env=cli_env(OFF),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        killed += proc.poll() is None
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert killed >= 2, "the builds ended before they could be killed: make the corpus bigger"
    assert cached(site) == expected


def test_concurrent_builds_sharing_one_cache_both_equal_a_clean_build(tmp_path: Path) -> None:
    site = corpus(tmp_path, 150)
    expected = clean(site, tmp_path / "clean")
    procs = [subprocess.Popen([sys.executable, "-m", "sitegen", "build", str(site), "-q", "--output",
                               str(tmp_path / f"out-{i}")], env=cli_env(OFF), stderr=subprocess.PIPE, text=True)
             for i in range(2)]
    for p in procs:
        _, err = p.communicate(timeout=600)
        assert p.returncode == 0, err
    for i in range(2):
        assert site_bytes(tmp_path / f"out-{i}") == expected


RELATED = {
    "sitegen.yaml": "title: Patched\nbase_url: https://example.org/\n",
    **{f"content/briefs/b{i}.md": brief(f"Brief number {i} on chips", date=f"2026-04-{10 + i}T08:00:00+00:00",
                                        extra=f"tags: [chips, {'ai' if i % 2 else 'cloud'}]\naudience: [engineers]"
                                              + ("\naliases: [old-b5]" if i == 5 else ""),
                                        body=f"Body {i}.")
       for i in range(6)},
}


@pytest.mark.parametrize("edit, patched", [
    ({"content/briefs/b2.md": brief("Brief number 2 on chips", date="2026-04-12T08:00:00+00:00",
                                    extra="tags: [chips, cloud]\naudience: [engineers]", body="Body 2, longer now.")},
     True),
    ({"content/briefs/b3.md": brief("Brief three, renamed", date="2026-04-13T08:00:00+00:00",
                                    extra="tags: [chips, ai]\naudience: [engineers]", body="Body 3.")},
     True),
    ({"content/briefs/b4.md": brief("Brief number 4 on chips", date="2026-04-14T08:00:00+00:00",
                                    extra="tags: [chips, security]\naudience: [engineers]", body="Body 4.")},
     False),
    ({"layouts/partials/brief-share.html": "<p>share</p>\n"}, False),
    ({"content/briefs/b5.md": brief("Brief number 5 on chips", date="2026-04-15T08:00:00+00:00",
                                    extra="tags: [chips, ai]\naudience: [engineers]", body="Body 5.")},
     False),  # its redirect page goes: the aliases kind has other pages now
], ids=["body", "title", "tags", "layout", "alias-removed"])
def test_a_build_after_a_small_edit_makes_only_the_pages_it_reaches(make_site, tmp_path: Path, edit: dict[str, str],
                                                                    patched: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """The last build's record (sitegen/lastbuild.py): a body or card edit makes again only the
    pages showing that brief, anything that changes the site's shape makes them all, and only the
    feeds listing an edited brief are made again; the bytes are a clean build's either way."""
    def keyed() -> int:
        """Builds the site; returns how many page jobs it made and digested."""
        progress = Progress()
        build(BuildOptions(site, workers=1), progress)
        return {t.name: t.count for t in progress.timings}["page keys"]

    site = make_site(RELATED)
    keyed()
    write_site(site, edit)
    some = keyed()
    assert site_bytes(site / "public") == clean(site, tmp_path / "clean")
    (site / ".sitegen/parse" / lastbuild.record_key()).unlink()
    shutil.rmtree(site / ".sitegen/builds")  # nor the stamp or manifest: a build, not a replay
    every = keyed()  # without the record: every job
    assert (some < every) == patched
    made: list[str] = []
    monkeypatch.setattr(feeds, "brief_feed", lambda site, rel, *a: made.append(rel) or brief_feed(site, rel, *a))
    write_site(site, {"content/briefs/b0.md": RELATED["content/briefs/b0.md"].replace("Body 0.", "Body zero.")})
    assert keyed() < every / 2  # a body edit: its page, and the pages of its story
    assert "tags/ai/feed.xml" not in made and "tags/cloud/feed.xml" in made  # b0 is filed under cloud
    assert site_bytes(site / "public") == clean(site, tmp_path / "clean-again")


def test_the_content_digest_reads_only_changed_files_and_still_sees_every_byte(
        make_site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """The manifest's key (the bytes of every input) comes from digests kept by stat signature:
    an unchanged file is not read again, and an edited one is, even with its size and time put back."""
    import builtins

    from sitegen import uptodate
    from sitegen.uptodate import content_digest

    site = make_site(BASE)
    monkeypatch.setattr(uptodate, "RACY_NS", 0)  # files just written count as settled (see racy below)
    cache = tmp_path / "cache"
    plain = content_digest(site, ())
    assert content_digest(site, (), cache) == plain  # the first run reads every file
    opened: list[str] = []
    real_open = builtins.open
    monkeypatch.setattr(builtins, "open", lambda f, *a, **k: (opened.append(str(f)), real_open(f, *a, **k))[1])
    assert content_digest(site, (), cache) == plain
    assert not [f for f in opened if "content/" in f]  # nothing read: every digest was known
    alpha = site / "content/briefs/alpha.md"
    st = os.stat(alpha)
    alpha.write_bytes(alpha.read_bytes().replace(b"Alpha rises", b"Alpha sinks"))  # same size
    os.utime(alpha, ns=(st.st_atime_ns, st.st_mtime_ns))  # and the same time
    opened.clear()
    edited = content_digest(site, (), cache)
    assert [f for f in opened if "content/" in f] == [str(alpha)]
    monkeypatch.setattr(builtins, "open", real_open)
    assert edited != plain and edited == content_digest(site, ())


def test_a_file_changed_just_before_the_digest_is_read_again_next_time(make_site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A file whose change is within the clock's resolution of the digest could change again
    unseen by its stat: its digest is not kept (git's racy rule)."""
    import pickle

    from sitegen.uptodate import FILE_DIGESTS, content_digest

    site = make_site(BASE)
    cache = tmp_path / "cache"
    content_digest(site, (), cache)
    kept = pickle.loads((cache / "builds" / FILE_DIGESTS).read_bytes()) if (cache / "builds" / FILE_DIGESTS).exists() else {}
    assert not [p for p in kept if "content/" in p]  # written a moment ago: none kept


def test_a_package_upgrade_is_a_cache_miss(make_site, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """A new markdown-it-py, Jinja2 or Babel may write other bytes: nothing cached under the old
    one is used, or the output would differ from a build without the cache."""
    import importlib.metadata

    from sitegen import buildcache

    def inodes(folder: Path) -> set[int]:
        return {p.stat().st_ino for p in folder.rglob("*.html")}

    site = make_site(BASE)
    build(BuildOptions(site, workers=1))
    before = inodes(site / ".sitegen/pages")
    assert before & inodes(site / "public")  # the output links the cached pages
    real = importlib.metadata.version
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "99.0" if name == "Jinja2" else real(name))
    for stamp in (buildcache.packages_stamp, buildcache.code_stamp):
        stamp.cache_clear()
    try:
        (site / "content/briefs/alpha.md").write_text(brief("Alpha rises", extra="tags: [ai]") + "\n")
        build(BuildOptions(site, workers=1))
    finally:
        for stamp in (buildcache.packages_stamp, buildcache.code_stamp):
            stamp.cache_clear()
    assert not before & inodes(site / "public"), "a page rendered under the old Jinja2 was used under the new one"


def test_a_build_reads_the_parse_results_of_the_last_from_one_pack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A site of many briefs gets one pack of parse results; the next build (one brief edited)
    takes the others from it, not entry by entry, and its output equals a clean build's."""
    from sitegen.buildcache import PACK, Store

    site = corpus(tmp_path, 120)
    build(BuildOptions(site, workers=1))
    assert (site / ".sitegen/parse" / PACK).is_file()
    loaded: list[str] = []
    real = Store.load
    monkeypatch.setattr(Store, "load", lambda self, kind, key: (loaded.append(key) if kind == "parse" else None,
                                                                real(self, kind, key))[1])
    edited = sorted((site / "content/briefs").glob("*.md"))[3]
    edited.write_text(edited.read_text().replace("\n---\n", "\n---\nAn added first line.\n\n", 1))
    build(BuildOptions(site, workers=1))
    briefs = [k for k in loaded if k not in (PACK, "card-digests", lastbuild.record_key(), lastbuild.files_key())]
    assert len(briefs) == 1  # the edited brief: not in the pack, looked up on its own
    monkeypatch.setattr(Store, "load", real)
    assert site_bytes(site / "public") == clean(site, tmp_path / "clean")
    # A damaged pack is not used (the entries are read one by one), and the output is the same.
    pack = site / ".sitegen/parse" / PACK
    data = bytearray(pack.read_bytes())
    data[-100] ^= 0xFF
    pack.write_bytes(bytes(data))
    edited.write_text(edited.read_text().replace("An added first line.", "A changed first line."))
    build(BuildOptions(site, workers=1))
    assert site_bytes(site / "public") == clean(site, tmp_path / "clean-2")


def test_entries_no_build_used_for_an_hour_are_deleted_at_most_every_ten_minutes(make_site) -> None:  # type: ignore[no-untyped-def]
    from sitegen.buildcache import PRUNE_AGE_SECONDS, PRUNE_EVERY_SECONDS

    site = make_site(BASE)
    build(BuildOptions(site, workers=1))
    cache = site / ".sitegen"
    pages = cache / "pages"
    stale, young = pages / ("0" * 40 + ".html"), pages / ("1" * 40 + ".html")
    for entry in (stale, young):
        entry.write_text("a page of an old build")
    hours_ago = time.time() - PRUNE_AGE_SECONDS - 60
    os.utime(stale, (hours_ago, hours_ago))
    alpha = site / "content/briefs/alpha.md"
    alpha.write_text(alpha.read_text() + "\nMore.\n")
    build(BuildOptions(site, workers=1))
    assert stale.exists()  # the first build scanned a moment ago: no scan yet
    minutes_ago = time.time() - PRUNE_EVERY_SECONDS - 1
    os.utime(cache / "builds/pruned", (minutes_ago, minutes_ago))
    alpha.write_text(alpha.read_text() + "\nAnd more.\n")
    build(BuildOptions(site, workers=1))
    assert not stale.exists() and young.exists()  # a concurrent build may be using the young one
    used = set(os.listdir(pages))
    assert {p.stat().st_ino for p in (site / "public").rglob("*.html")} <= {(pages / n).stat().st_ino for n in used}
