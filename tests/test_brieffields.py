"""The brief-field table: one row is a whole field, page-only fields stay off cards, and the
README reference is the table's."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from conftest import REPO, brief, write_site
from regen_readme import README, generated_part
from sitegen import brieffields, briefshapes
from sitegen.brieffields import BriefField, card, readme_reference
from sitegen.content import ParseSettings, parse_file
from sitegen.errors import BuildFailed
from sitegen.model import Brief
from sitegen.pipeline import BuildOptions, build
from sitegen.scaffold import brief_skeleton
from sitegen.serve.watch import classify_batch
from sitegen.serve.incremental import LiveSite

MOOD = BriefField(
    "mood", briefshapes.text, markdown=True, card=False, partial="partials/brief-mood.html",
    doc="mood: calm                             # optional; the tone of the news (inline Markdown)",
    example="mood: calm                            # the tone of the news",
)
"""A toy optional field: one row, nothing else in Python."""

MOOD_PARTIAL = '{% if brief.mood %}<p class="mood">Mood: {{ brief.mood | safe }}</p>{% endif %}\n'


@pytest.fixture
def with_mood(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(brieffields, "BRIEF_FIELDS", brieffields.BRIEF_FIELDS + (MOOD,))


def test_a_field_added_as_one_row_is_validated_shown_and_scaffolded(tmp_path: Path, with_mood: None) -> None:
    site = write_site(tmp_path / "site", {
        "content/briefs/a.md": brief(extra="mood: '*Calm* & steady'", body="The analysis."),
        "content/briefs/b.md": brief("Beta", extra="tags: [x]"),
        "layouts/partials/brief-mood.html": MOOD_PARTIAL,
    })
    build(BuildOptions(site, workers=1))
    page = (site / "public/briefs/a/index.html").read_text(encoding="utf-8")
    assert '<p class="mood">Mood: <em>Calm</em> &amp; steady</p>' in page  # inline Markdown, sanitized
    assert page.index("The analysis.") < page.index('class="mood"'), "after the body, in table order"
    assert 'class="mood"' not in (site / "public/briefs/b/index.html").read_text(encoding="utf-8")

    (site / "content/briefs/a.md").write_text(brief(extra="mood: [calm]"), encoding="utf-8")
    with pytest.raises(BuildFailed) as failed:
        build(BuildOptions(site, workers=1))
    report = failed.value.report()
    assert "content/briefs/a.md:8:7: error: 'mood' must be a string" in report and "  hint: " in report

    skeleton = brief_skeleton("T", dt.datetime(2026, 5, 2, tzinfo=dt.timezone.utc))
    assert "\n# mood: calm                            # the tone of the news\n" in skeleton
    assert skeleton.index("# timeline:") < skeleton.index("# mood:")


def test_without_its_row_the_toy_field_is_an_unknown_key(tmp_path: Path) -> None:
    """The control for the test above: the row is what makes `mood` a field."""
    site = write_site(tmp_path / "site", {"content/briefs/a.md": brief(extra="mood: calm")})
    with pytest.raises(BuildFailed, match=r"a.md:8:1: error: unknown key 'mood' in brief front matter"):
        build(BuildOptions(site, workers=1))


def parse(text: str) -> Brief:
    item = parse_file("brief", "content/briefs/a.md", text.encode(), ParseSettings("UTC", False)).item
    assert isinstance(item, Brief)
    return item


BASE_EXTRA = "tags: [chips]\ntakeaways: [one]\n"


@pytest.mark.parametrize(("extra", "body", "card_changes"), [
    (BASE_EXTRA, "Another analysis.", False),
    ("tags: [chips]\ntakeaways: [one, two]\n", "Some analysis.", False),
    (BASE_EXTRA + "ai_generated: true\n", "Some analysis.", False),
    (BASE_EXTRA + "comparison: {columns: [A, B], rows: [[1, 2]]}\n", "Some analysis.", False),
    (BASE_EXTRA + "deep_dive: [deep]\n", "Some analysis.", False),
    (BASE_EXTRA + "predictions: [{claim: c}]\n", "Some analysis.", False),
    (BASE_EXTRA + "timeline: [{date: 2020, event: e}]\n", "Some analysis.", False),
    ("tags: [chips, cloud]\ntakeaways: [one]\n", "Some analysis.", True),
    (BASE_EXTRA + "tldr: {what_changed: x}\n", "Some analysis.", True),
    (BASE_EXTRA + "metrics: [{label: L, value: 1}]\n", "Some analysis.", True),
    (BASE_EXTRA + "weight: 3\n", "Some analysis.", True),
    (BASE_EXTRA + "audience: [Investors]\n", "Some analysis.", True),
], ids=["body", "takeaways", "ai-generated", "comparison", "deep-dive", "predictions", "timeline",
        "tags", "tldr", "metrics", "weight", "audience"])
def test_only_card_fields_change_the_card(extra: str, body: str, card_changes: bool) -> None:
    before = parse(brief(extra=BASE_EXTRA, body="Some analysis."))
    after = parse(brief(extra=extra, body=body))
    assert before != after
    assert (card(before) != card(after)) is card_changes


def test_a_card_keeps_card_fields_and_drops_page_only_ones() -> None:
    b = parse(brief(extra="tags: [chips]\ntakeaways: [one]\ntldr: {what_changed: x}"))
    c = card(b)
    assert b.takeaways == ("one",) and c.tags == ("chips",) and c.tldr.what_changed == "x"
    with pytest.raises(AttributeError, match="brief has no field 'takeaways'"):
        c.takeaways  # noqa: B018 - a list template reading a page-only field fails loudly


def test_page_only_fields_have_no_typed_attribute() -> None:
    """card() drops page-only fields from Brief.more; a typed attribute would stay on the card."""
    typed = {f.name for f in dataclasses.fields(Brief)}
    assert [f.name for f in brieffields.BRIEF_FIELDS if not f.card and f.name in typed] == []


@pytest.fixture
def live(tmp_path: Path) -> tuple[Path, LiveSite]:
    site = write_site(tmp_path / "site", {
        "content/briefs/solar.md": brief("Solar", extra=BASE_EXTRA),
        "content/briefs/wind.md": brief("Wind", date="2026-05-03T08:00:00+08:00", extra="tags: [chips]"),
    })
    ls = LiveSite(BuildOptions(site, workers=1), tmp_path / "live")
    ls.rebuild()
    return site, ls


def test_editing_a_page_only_field_rerenders_the_brief_page_alone(live: tuple[Path, LiveSite]) -> None:
    site, ls = live
    f = site / "content/briefs/solar.md"
    f.write_text(brief("Solar", extra="tags: [chips]\ntakeaways: [one, two]"), encoding="utf-8")
    result = ls.rebuild(classify_batch(site, [f]))
    assert result.rendered == ("briefs/solar/index.html",)
    assert b"<li>two</li>" in (ls.output / "briefs/solar/index.html").read_bytes()


def test_editing_a_card_field_rerenders_the_lists_that_show_it(live: tuple[Path, LiveSite]) -> None:
    site, ls = live
    f = site / "content/briefs/solar.md"
    f.write_text(brief("Solar", extra="tags: [chips]\ntakeaways: [one]\ntldr: {what_changed: x}"), encoding="utf-8")
    result = ls.rebuild(classify_batch(site, [f]))
    assert {"briefs/solar/index.html", "index.html", "tags/chips/index.html", "weekly/2026-w18/index.html"} \
        <= set(result.rendered)


def test_the_readme_reference_is_the_table() -> None:
    expected = readme_reference()
    assert generated_part(README.read_text(encoding="utf-8")).rstrip("\n") == expected.rstrip("\n"), (
        "README.md and sitegen/brieffields.py disagree: run python tests/regen_readme.py")
    assert all(f"\n{f.doc}\n" in expected for f in brieffields.BRIEF_FIELDS)


def test_every_section_partial_of_the_table_exists_in_the_theme() -> None:
    for f in brieffields.BRIEF_FIELDS:
        assert not f.partial or (REPO / "layouts" / f.partial).is_file(), f.name


def test_a_parsed_body_is_kept_packed_and_reads_back_exactly() -> None:
    """Bodies are most of a parsed site's memory: a brief keeps its body's HTML packed
    (model.PackedHtml); it reads back as the same text, equals it, and survives pickling
    (parse results cross processes and the build cache that way). Its card has no body."""
    import pickle

    from sitegen.model import PackedHtml

    text = brief("Packed", body="Body with **bold**, 华为 and café.\n\n## Later\n\nMore.")
    item = parse_file("brief", "content/briefs/a.md", text.encode(), ParseSettings("UTC", False)).item
    assert isinstance(item, Brief) and isinstance(item.body_html, PackedHtml)
    html = str(item.body_html)
    assert "<strong>bold</strong>" in html and "华为" in html and "café" in html
    assert item.body_html == html and item.body_html.strip() == html.strip() and hash(item.body_html) == hash(html)
    again = pickle.loads(pickle.dumps(item))
    assert again == item and str(again.body_html) == html
    assert card(item).body_html == ""
