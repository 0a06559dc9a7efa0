"""The symlink rule every folder of a site shares: a link may lead anywhere inside its root, never out."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sitegen.paths import escapes, link_escapes, real_root


@pytest.fixture
def root(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    (site / "static/img").mkdir(parents=True)
    (site / "static/img/logo.svg").write_text("<svg/>")
    (tmp_path / "secret.txt").write_text("secret")
    os.symlink(site / "static/img/logo.svg", site / "static/alias.svg")
    os.symlink(tmp_path / "secret.txt", site / "static/leak.txt")
    os.symlink(tmp_path, site / "static/up")
    os.symlink("loop", site / "static/loop")
    return site


CASES = [
    ("static/img/logo.svg", False, False),  # a plain file
    ("static/img", False, False),           # a plain folder
    ("static/alias.svg", False, False),     # a link that stays inside
    ("static/leak.txt", True, True),        # a link to a file outside
    ("static/up", True, True),              # a link to a folder outside
    ("static/up/secret.txt", True, False),  # under a link out: escapes, though not itself a link
    ("static/loop", False, False),          # a link to itself: never raises
]


@pytest.mark.parametrize(("rel", "out", "link_out"), CASES, ids=[c[0] for c in CASES])
def test_escapes(root: Path, rel: str, out: bool, link_out: bool) -> None:
    assert escapes(root / rel, real_root(root)) is out
    assert link_escapes(root / rel, real_root(root)) is link_out


def test_the_root_may_itself_be_a_link(tmp_path: Path, root: Path) -> None:
    linked = tmp_path / "linked-site"
    os.symlink(root, linked)
    assert not escapes(linked / "static/img/logo.svg", real_root(linked))
    assert escapes(linked / "static/leak.txt", real_root(linked))
