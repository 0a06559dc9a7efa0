"""classify_change: which file events trigger which kind of rebuild (a pure function, table-tested)."""

from __future__ import annotations

from pathlib import PurePath

import pytest

from sitegen.serve.watch import ChangeKind, classify_batch, classify_change

SITE = PurePath("/home/me/site")

CASES = [
    ("sitegen.yaml", ChangeKind.CONFIG),
    ("content/briefs/aws-capex.md", ChangeKind.CONTENT),
    ("content/about.md", ChangeKind.CONTENT),
    ("content/briefs", ChangeKind.CONTENT),
    ("content", ChangeKind.CONTENT),
    ("layouts/brief.html", ChangeKind.LAYOUT),
    ("layouts/partials/brief-tldr.html", ChangeKind.LAYOUT),
    ("layouts/style.css", ChangeKind.LAYOUT),
    ("static/img/logo.png", ChangeKind.STATIC),
    ("static", ChangeKind.STATIC),
    # Not read by a build: no rebuild.
    ("public/index.html", None),
    ("public/briefs/x/index.html", None),
    (".git/index", None),
    (".sitegen-cache/parse.pickle", None),
    ("README.md", None),
    ("sitegen.yaml.bak", None),
    ("content/briefs/notes.txt", None),
    ("content/briefs/drafts/deep.md", None),
    ("content/img/photo.png", None),
    # Editor temp, swap and backup files.
    ("content/briefs/.aws-capex.md.swp", None),
    ("content/briefs/aws-capex.md~", None),
    ("content/briefs/#aws-capex.md#", None),
    ("content/briefs/.#aws-capex.md", None),
    ("layouts/4913", None),
    ("layouts/.brief.html.swp", None),
    ("static/.DS_Store", None),
]


@pytest.mark.parametrize(("rel", "kind"), CASES, ids=[c[0] for c in CASES])
def test_classify_change(rel: str, kind: ChangeKind | None) -> None:
    assert classify_change(SITE, SITE / rel) is kind


@pytest.mark.parametrize("path", ["/home/me/other/content/briefs/x.md", "/home/me/site-2/sitegen.yaml", "/"],
                         ids=["other-site", "sibling-prefix", "root"])
def test_paths_outside_the_site_are_ignored(path: str) -> None:
    assert classify_change(SITE, PurePath(path)) is None


def test_classify_batch_keeps_only_relevant_paths() -> None:
    changes = {(1, str(SITE / "content/briefs/a.md")), (2, str(SITE / "public/index.html")),
               (2, str(SITE / "layouts/base.html"))}
    batch = classify_batch(SITE, changes)  # type: ignore[arg-type]
    assert batch is not None
    assert batch.kinds == {ChangeKind.CONTENT, ChangeKind.LAYOUT}
    assert [p.name for p in batch.paths] == ["a.md", "base.html"]
    assert classify_batch(SITE, {(1, str(SITE / "public/x.html"))}) is None  # type: ignore[arg-type]
