"""writer: paths that cannot escape the output folder, and an all-or-nothing swap."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import time
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from conftest import brief, tree_bytes
from sitegen.errors import BuildFailed
from sitegen.model import LinkedFile, OutputFile
from sitegen.pipeline import BuildOptions, build
from sitegen.writer import UnsafeOutputPath, check_output_dir, safe_join, write_site


@pytest.mark.parametrize("rel", [
    "../x", "a/../../x", "a/..", "/etc/passwd", "//server/share", "a\\..\\x", "C:\\x", "", ".", "a/./b", "a//b",
    "a/", "x\x00y",
], ids=["parent", "nested-parent", "trailing-parent", "absolute", "double-slash", "backslash", "drive",
        "empty", "dot", "inner-dot", "empty-segment", "trailing-slash", "nul"])
def test_safe_join_refuses(tmp_path: Path, rel: str) -> None:
    with pytest.raises(UnsafeOutputPath):
        safe_join(tmp_path, rel)


@pytest.mark.parametrize("rel", ["index.html", "briefs/x/index.html", "tags/虎嗅/index.html", ".nojekyll",
                                 "a..b/c...html"],
                         ids=["file", "nested", "cjk", "dotfile", "dots-inside-names"])
def test_safe_join_accepts(tmp_path: Path, rel: str) -> None:
    assert safe_join(tmp_path, rel) == tmp_path.joinpath(*rel.split("/"))


def test_safe_join_refuses_a_symlink_out_of_root(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (tmp_path / "outside").mkdir()
    (root / "link").symlink_to(tmp_path / "outside")
    with pytest.raises(UnsafeOutputPath):
        safe_join(root, "link/x.html")


def files(named: dict[str, str]) -> list[OutputFile]:
    return [OutputFile(path, text.encode()) for path, text in named.items()]


def test_write_replaces_the_whole_folder(tmp_path: Path) -> None:
    out = tmp_path / "public"
    assert write_site(out, files({"index.html": "v1", "old/index.html": "gone soon"})) == 2
    write_site(out, files({"index.html": "v2", "new/index.html": "new"}))
    assert tree_bytes(out) == {"index.html": b"v2", "new/index.html": b"new"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public"]  # no staging or old copies left


def test_failure_while_writing_keeps_the_old_output(tmp_path: Path) -> None:
    out = tmp_path / "public"
    write_site(out, files({"index.html": "old", "a/index.html": "old a"}))
    before = tree_bytes(out)

    def broken() -> Iterator[OutputFile]:
        yield OutputFile("index.html", b"new")
        raise BuildFailed([])

    with pytest.raises(BuildFailed):
        write_site(out, broken())
    assert tree_bytes(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public"]


def test_unsafe_output_path_keeps_the_old_output(tmp_path: Path) -> None:
    out = tmp_path / "public"
    write_site(out, files({"index.html": "old"}))
    with pytest.raises(UnsafeOutputPath):
        write_site(out, [OutputFile("a.html", b"x"), OutputFile("../escape.html", b"x")])
    assert tree_bytes(out) == {"index.html": b"old"}
    assert not (tmp_path / "escape.html").exists()


def test_output_path_that_is_a_file_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "public"
    out.write_text("not a folder")
    with pytest.raises(BuildFailed):
        write_site(out, files({"index.html": "x"}))
    assert out.read_text() == "not a folder"


def test_stale_staging_of_a_dead_build_is_removed(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f".public.sitegen-staging-{int(dead.stdout)}"
    stale.mkdir()
    (stale / "half.html").write_text("half")
    live = tmp_path / f".public.sitegen-staging-{os.getppid()}"  # a running process: left alone
    live.mkdir()
    write_site(tmp_path / "public", files({"index.html": "x"}))
    assert not stale.exists() and live.exists()


def test_an_old_output_whose_remover_was_killed_is_removed_by_a_later_build(tmp_path: Path) -> None:
    from sitegen.writer import TRASH_GRACE_SECONDS

    orphan, recent = tmp_path / ".public.sitegen-trash-1", tmp_path / ".public.sitegen-trash-2"
    for trash in (orphan, recent):
        (trash / "briefs").mkdir(parents=True)
        (trash / "briefs" / "old.html").write_text("old")
    old = time.time() - TRASH_GRACE_SECONDS - 60
    os.utime(orphan, (old, old))
    write_site(tmp_path / "public", files({"index.html": "x"}))
    def others() -> list[str]:
        return [p.name for p in tmp_path.iterdir() if "trash" in p.name and p != recent]

    deadline = time.monotonic() + 60  # renamed, then deleted by a detached process
    while others() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert others() == []
    assert recent.exists()  # its remover may still be at work: left to it


def test_static_files_are_copied_but_links_out_are_not(tmp_path: Path) -> None:
    static = tmp_path / "static"
    (static / "img").mkdir(parents=True)
    (static / "img/logo.svg").write_text("<svg/>")
    (tmp_path / "secret.txt").write_text("secret")
    (static / "leak.txt").symlink_to(tmp_path / "secret.txt")
    out = tmp_path / "public"
    write_site(out, files({"index.html": "x"}), [static])
    assert tree_bytes(out) == {"img/logo.svg": b"<svg/>", "index.html": b"x"}


@pytest.mark.parametrize(("output", "problem"), [
    (".", "contains the site itself"),
    ("..", "contains the site itself"),
    ("content/out", "inside content/"),
    ("layouts", "inside content/, layouts/ or static/"),
    ("other-site", "looks like a site"),
], ids=["site-dir", "parent-of-site", "inside-content", "layouts", "another-site"])
def test_output_folders_that_would_destroy_files_are_refused(tmp_path: Path, output: str, problem: str) -> None:
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "other-site/content").mkdir(parents=True)
    with pytest.raises(BuildFailed) as info:
        check_output_dir(site, site / output)
    assert problem in info.value.diagnostics[0].message


def test_output_equal_to_site_is_refused_before_anything_is_touched(make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site({"content/briefs/a.md": brief()})
    before = tree_bytes(site)
    with pytest.raises(BuildFailed):
        build(BuildOptions(site, output=site, workers=1))
    assert tree_bytes(site) == before
    assert sorted(p.name for p in site.parent.iterdir()) == ["site"]


def test_template_error_during_render_keeps_the_old_site(make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site({"content/briefs/a.md": brief(), "content/briefs/b.md": brief("Second")})
    build(BuildOptions(site, workers=1))
    before = tree_bytes(site / "public")
    (site / "layouts").mkdir()
    (site / "layouts/page.html").write_text("{% extends 'default/page.html' %}")
    (site / "layouts/brief.html").write_text("{{ no_such_variable }}\n")
    with pytest.raises(BuildFailed) as info:
        build(BuildOptions(site, workers=1))
    assert str(info.value.diagnostics[0].location) == "layouts/brief.html:1:1"
    assert tree_bytes(site / "public") == before


def test_os_errors_become_a_diagnostic(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(BuildFailed) as info:
        write_site(tmp_path / "a-file" / "public", files({"index.html": "x"}))
    assert "cannot write the output" in info.value.diagnostics[0].message


# --------------------------------------------------------------------------- the spare folder


class _Builds:
    """Builds into tmp/public with a cache at tmp/cache, as the pipeline makes them: generated
    files hard-linked from content-named cache files, plus one static folder."""

    def __init__(self, tmp: Path):
        from sitegen.writer import Reuse

        self.out, self.cache, self.static = tmp / "public", tmp / "cache", tmp / "static"
        self.static.mkdir()
        self.reuse = Reuse(self.cache / "spare" / "site", self.cache / "builds" / "site")

    def linked(self, named: dict[str, str]) -> list[LinkedFile]:
        made = []
        for path, text in named.items():
            source = self.cache / "pages" / hashlib.sha1(text.encode()).hexdigest()
            source.parent.mkdir(parents=True, exist_ok=True)
            source.write_text(text)
            made.append(LinkedFile(path, source, source.name))
        return made

    def build(self, named: dict[str, str], static: dict[str, str] | None = None,
              extra: Iterable[OutputFile] = ()) -> None:
        for path, text in (static or {}).items():
            (self.static / path).parent.mkdir(parents=True, exist_ok=True)
            (self.static / path).write_text(text)
        write_site(self.out, [*self.linked(named), *extra], [self.static], reuse=self.reuse)


def test_a_rebuild_patches_the_spare_folder_into_exactly_the_new_site(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sitegen import writer

    b = _Builds(tmp_path)
    b.build({"index.html": "v1", "a/index.html": "a1", "gone/index.html": "g"}, {"css/site.css": "c1"})
    b.build({"index.html": "v2", "a/index.html": "a1", "gone/index.html": "g"})
    assert b.reuse.spare.is_dir()  # the first build's output, kept with its listing
    spare = os.stat(b.reuse.spare).st_ino
    placed: list[str] = []
    real_link, real_copy = writer.link_or_copy, writer.shutil.copy2
    monkeypatch.setattr(writer, "link_or_copy", lambda src, dest: (placed.append(dest), real_link(src, dest)))
    monkeypatch.setattr(writer.shutil, "copy2", lambda src, dest: (placed.append(dest), real_copy(src, dest)))
    # The third build patches the spare: changed, added, removed, a folder that becomes a file,
    # a static file edited and one added, a written file.
    (b.static / "css/site.css").write_text("c2, longer")
    b.build({"index.html": "v3", "a": "a is a file now", "new/deep/index.html": "n", "b/index.html": "b",
             "kept.html": "k"}, {"js/app.js": "j"}, extra=[OutputFile("robots.txt", b"r")])
    assert os.stat(b.out).st_ino == spare  # the spare became the output: no fresh folder
    assert tree_bytes(b.out) == {"index.html": b"v3", "a": b"a is a file now", "new/deep/index.html": b"n",
                                 "b/index.html": b"b", "kept.html": b"k", "css/site.css": b"c2, longer",
                                 "js/app.js": b"j", "robots.txt": b"r"}
    assert not (b.out / "gone").exists()  # emptied folders go too
    assert sorted(p.rpartition(".sitegen-staging-")[2].partition("/")[2] for p in placed) == [
        "a", "b/index.html", "css/site.css", "index.html", "js/app.js", "kept.html", "new/deep/index.html"]
    # The fourth patches the second's output; the fifth the third's: only what differs is placed.
    b.build({"index.html": "v4", "a/index.html": "a is a folder again", "kept.html": "k"})
    assert tree_bytes(b.out) == {"index.html": b"v4", "a/index.html": b"a is a folder again", "kept.html": b"k",
                                 "css/site.css": b"c2, longer", "js/app.js": b"j"}
    placed.clear()
    b.build({"index.html": "v4", "a/index.html": "a is a folder again", "kept.html": "k"})
    assert tree_bytes(b.out) == {"index.html": b"v4", "a/index.html": b"a is a folder again", "kept.html": b"k",
                                 "css/site.css": b"c2, longer", "js/app.js": b"j"}
    assert sorted(p.rpartition(".sitegen-staging-")[2].partition("/")[2] for p in placed) == [
        "a/index.html", "index.html"]


def test_patching_never_writes_into_a_cache_file(tmp_path: Path) -> None:
    """The spare's files are hard links to the cache: a path that becomes a written file must
    get a new file, or the cache entry (and every output linking it) would change."""
    b = _Builds(tmp_path)
    for _ in range(3):  # the third build patches the first's output
        b.build({"index.html": "cached bytes"})
    source = b.cache / "pages" / hashlib.sha1(b"cached bytes").hexdigest()
    b.build({}, extra=[OutputFile("index.html", b"written bytes")])
    b.build({}, extra=[OutputFile("index.html", b"written bytes")])
    assert source.read_text() == "cached bytes"
    assert (b.out / "index.html").read_bytes() == b"written bytes"


def test_a_build_that_fails_while_patching_leaves_the_output_and_spoils_no_later_build(tmp_path: Path) -> None:
    b = _Builds(tmp_path)
    b.build({"index.html": "1", "a.html": "a"})
    b.build({"index.html": "2", "a.html": "a"})
    before = tree_bytes(b.out)

    def broken() -> Iterator[LinkedFile]:
        yield from b.linked({"index.html": "3", "half.html": "half"})
        raise BuildFailed([])

    with pytest.raises(BuildFailed):
        write_site(b.out, broken(), [b.static], reuse=b.reuse)
    assert tree_bytes(b.out) == before
    assert not b.reuse.spare.exists()  # the half-patched spare is not kept
    b.build({"index.html": "4"})
    b.build({"index.html": "5", "z.html": "z"})
    assert tree_bytes(b.out) == {"index.html": b"5", "z.html": b"z"}


def test_a_spare_that_is_not_the_listed_folder_is_not_used(tmp_path: Path) -> None:
    b = _Builds(tmp_path)
    b.build({"index.html": "1", "a.html": "a"})
    b.build({"index.html": "2", "a.html": "a"})
    shutil.move(b.reuse.spare, tmp_path / "moved")  # another folder at its place: same files,
    shutil.copytree(tmp_path / "moved", b.reuse.spare)  # another identity
    (b.reuse.spare / "stray.html").write_text("stray")
    b.build({"index.html": "3", "a.html": "a"})
    assert tree_bytes(b.out) == {"index.html": b"3", "a.html": b"a"}


def test_serve_writing_in_place_voids_the_outputs_listing(tmp_path: Path) -> None:
    from sitegen.uptodate import forget, output_reuse

    b = _Builds(tmp_path)
    b.reuse = output_reuse(b.cache, b.out)
    b.build({"index.html": "1"})
    b.build({"index.html": "2"})
    (b.out / "serve-wrote-this.html").write_text("x")  # serve changes public/ in place ...
    forget(b.cache, b.out)  # ... and says so
    b.build({"index.html": "3"})  # public/ (with serve's file) is swapped out: not kept as spare
    b.build({"index.html": "4"})
    assert tree_bytes(b.out) == {"index.html": b"4"}


def test_a_symlink_left_in_the_output_is_never_written_through(tmp_path: Path) -> None:
    """Someone puts symlinks to a folder outside in public/; that folder becomes a spare two
    builds later. Patching it must replace the symlinks, not write or delete through them."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "index.html").write_text("not the site's")
    (outside / "gone.html").write_text("not the site's either")
    b = _Builds(tmp_path)
    pages = {"index.html": "1", "s/a/index.html": "a1", "s/a/gone.html": "g", "pagefind/x.js": "p"}
    b.build(pages)
    for link in ("s/a", "pagefind"):
        shutil.rmtree(b.out / link)
        (b.out / link).symlink_to(outside)
    b.build({**pages, "index.html": "2"})
    b.build({"index.html": "3", "s/a/index.html": "a3", "pagefind/x.js": "p3"})  # patches the symlinked one
    assert sorted(p.name for p in outside.iterdir()) == ["gone.html", "index.html"]
    assert (outside / "index.html").read_text() == "not the site's"
    assert not (b.out / "s/a").is_symlink() and not (b.out / "pagefind").is_symlink()
    assert tree_bytes(b.out) == {"index.html": b"3", "s/a/index.html": b"a3", "pagefind/x.js": b"p3"}


@pytest.mark.parametrize("added", ["a/by-hand.html", "by-hand.txt"], ids=["in-a-folder", "at-the-top"])
def test_a_file_added_to_the_output_by_hand_does_not_come_back_from_the_spare(tmp_path: Path, added: str) -> None:
    """A rebuild replaces the output with exactly what it makes, as a fresh staging folder did:
    a spare that someone changed by hand (it was the output) is not patched but made afresh."""
    b = _Builds(tmp_path)
    b.build({"index.html": "1", "a/index.html": "a"})
    (b.out / added).write_text("put here by hand")
    for n in range(2, 5):  # the second build keeps that output as the spare; the third would patch it
        b.build({"index.html": str(n), "a/index.html": "a"})
        assert tree_bytes(b.out) == {"index.html": str(n).encode(), "a/index.html": b"a"}
