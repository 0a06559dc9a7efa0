"""Page kinds come from one registry: a kind added there is built, reserved, linked from the
header and kept up to date by serve's fast paths, after exactly the edits it reads."""

from __future__ import annotations

from pathlib import Path

import pytest

import toy_pages
from conftest import brief, site_bytes, write_site
from sitegen.errors import BuildFailed
from sitegen.pages import registry
from sitegen.pages.registry import DEFAULT
from sitegen.pipeline import BuildOptions, build
from sitegen.serve.incremental import LiveSite
from sitegen.serve.watch import classify_batch

TOY_KINDS = DEFAULT.with_kind(toy_pages.TITLES).with_kind(toy_pages.SIZES)

SITE = {
    "sitegen.yaml": "title: Toys\n",
    "content/briefs/solar.md": brief("Solar panels", date="2026-05-04T09:00:00+00:00", extra="tags: [energy]",
                                     body="Photovoltaic output rose."),
    "content/briefs/chips.md": brief("Chip fab", date="2026-04-01T09:00:00+00:00", extra="tags: [semis]",
                                     body="Yields improved."),
    "content/about.md": "---\ntitle: About\n---\nWho we are.\n",
    **toy_pages.TEMPLATES,
}


def solar(title: str = "Solar panels", body: str = "Photovoltaic output rose.") -> str:
    return brief(title, date="2026-05-04T09:00:00+00:00", extra="tags: [energy]", body=body)


def test_a_registered_kind_is_built_reserved_and_in_the_header(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", SITE)
    build(BuildOptions(site, output=tmp_path / "out", workers=1, page_kinds=TOY_KINDS))
    out = tmp_path / "out"
    assert (out / "titles/index.html").read_text() == "<ul><li>Solar panels</li><li>Chip fab</li></ul>\n"
    assert (out / "sizes/index.html").read_text().startswith("<ul><li>solar: ")
    assert '<a href="/titles/">Titles</a>' in (out / "index.html").read_text()
    build(BuildOptions(site, output=tmp_path / "default-out", workers=1))
    assert not (tmp_path / "default-out/titles").exists(), "the default registry does not have the toy"
    (site / "content/titles.md").write_text("---\ntitle: Titles\n---\nMine.\n", encoding="utf-8")
    with pytest.raises(BuildFailed, match="page slug 'titles' is reserved for generated pages"):
        build(BuildOptions(site, output=tmp_path / "out", workers=1, page_kinds=TOY_KINDS))


def test_the_default_registry_can_be_swapped_for_a_whole_build(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "DEFAULT", TOY_KINDS)
    site = write_site(tmp_path / "site", SITE)
    build(BuildOptions(site, output=tmp_path / "out", workers=1))
    assert (tmp_path / "out/titles/index.html").is_file()


def test_serve_rerenders_a_registered_kind_after_exactly_the_edits_it_reads(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", SITE)
    options = BuildOptions(site, workers=1, page_kinds=TOY_KINDS)
    live = LiveSite(options, tmp_path / "live")
    assert {"titles/index.html", "sizes/index.html"} <= set(live.rebuild().rendered)

    def edit(path: str, text: str) -> tuple[str, set[str]]:
        (site / path).write_text(text, encoding="utf-8")
        result = live.rebuild(classify_batch(site, [site / path]))
        clean = tmp_path / f"clean-{len(list(tmp_path.iterdir()))}"
        build(BuildOptions(site, output=clean, workers=1, page_kinds=TOY_KINDS))
        assert site_bytes(live.output) == site_bytes(clean), f"serve differs from a clean build after editing {path}"
        return result.way, set(result.rendered)

    # A body edit: the sizes page reads bodies, the titles page does not.
    way, rendered = edit("content/briefs/solar.md", solar(body="Photovoltaic output rose sharply this spring."))
    assert way == "body"
    assert rendered == {"briefs/solar/index.html", "sizes/index.html"}

    # A title edit: the titles page reads cards; the sizes page's bytes do not change.
    way, rendered = edit("content/briefs/solar.md",
                         solar("Solar everywhere", "Photovoltaic output rose sharply this spring."))
    assert way == "shape"
    assert "titles/index.html" in rendered and "sizes/index.html" not in rendered
    assert "<li>Solar everywhere</li>" in (live.output / "titles/index.html").read_text()

    # A plain page edit: neither reads plain pages.
    way, rendered = edit("content/about.md", "---\ntitle: About\n---\nWho we are now.\n")
    assert rendered == {"about/index.html"}


def test_the_registry_keeps_one_ordered_list() -> None:
    kinds = DEFAULT.with_kind(toy_pages.TITLES, before="brief").with_kind(toy_pages.SIZES, after="home")
    assert kinds.names[:4] == ("home", "toy_sizes", "toy_titles", "brief")
    assert kinds.without("toy_titles").without("toy_sizes") == DEFAULT
    assert "titles" in kinds.reserved_slugs and "titles" not in DEFAULT.reserved_slugs
    with pytest.raises(ValueError, match="registered twice: toy_titles"):
        kinds.with_kind(toy_pages.TITLES)
    with pytest.raises(KeyError, match="no page kind 'nope'"):
        DEFAULT.with_kind(toy_pages.TITLES, after="nope")
