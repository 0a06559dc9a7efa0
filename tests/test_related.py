"""Related updates on a hand-built fixture whose right neighbours are known."""

from __future__ import annotations

import datetime as dt
import sys
import unicodedata
from dataclasses import replace

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from sitegen.config import RelatedConfig
from sitegen.errors import SourceLocation
from sitegen.model import Brief, Source
from sitegen.related import compute_related
from sitegen.relatedindex import RelatedIndex
from sitegen.relatedterms import FLOOR_NORM, _words, idf_weight, tokenize


def make(slug: str, day: int, title: str, summary: str = "", tags: tuple[str, ...] = (),
         audience: tuple[str, ...] = (), source: str = "Wire", related: tuple[str, ...] = ()) -> Brief:
    return Brief(
        source_path=f"content/briefs/{slug}.md", slug=slug, slug_location=SourceLocation("x", 1, 1),
        title=title, date=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(days=day), has_time=True,
        source=Source(source, "https://example.com/" + slug), summary=summary or title, body_html="",
        tags=tags, audience=audience, related=related,
    )


# Two story arcs, filler that shares only a tag used everywhere, and a loner.
FIXTURE = [
    make("chip-a", 0, "Foundry raises wafer prices", tags=("chips", "foundry", "news"), audience=("Investors",)),
    make("chip-b", 7, "Foundry wafer price rise hits designers", tags=("chips", "foundry", "news"), audience=("Investors",)),
    make("chip-c", 30, "Designers switch foundry after wafer price rise", tags=("chips", "news")),
    make("vote-a", 2, "Parliament debates the data law", tags=("policy", "privacy", "news"), source="Gazette"),
    make("vote-b", 9, "Parliament passes the data law", tags=("policy", "privacy", "news"), source="Gazette"),
    *(make(f"filler-{i}", 3 + i, title, tags=("news",))
      for i, title in enumerate(["Rover lands on Mars", "Bakery wins award", "Orchestra tours Asia",
                                 "Marathon record falls", "Museum reopens wing", "Ferry timetable changes"])),
    make("loner", 5, "Octopus learns to juggle", tags=("marine-biology",), audience=("Investors",), source="Wire"),
]


def test_right_neighbours_and_order() -> None:
    related = compute_related(FIXTURE, RelatedConfig())
    assert [link.slug for link in related["chip-a"]] == ["chip-b", "chip-c"]
    assert [link.slug for link in related["vote-a"]] == ["vote-b"]
    assert [link.slug for link in related["vote-b"]] == ["vote-a"]


def test_a_brief_that_shares_nothing_meaningful_gets_none() -> None:
    related = compute_related(FIXTURE, RelatedConfig())
    # The loner shares audience and source with others, but no tag or word: nothing.
    assert related["loner"] == ()
    # Filler shares only the tag that is on every brief: below the threshold.
    assert related["filler-0"] == ()


# Issue 12: a new site of four briefs. Every shared tag is on three of the four briefs,
# which the old IDF (floored at 0 from half the site up) weighed at nothing.
FOUR = [
    make("trainium3-launch", 0, "AWS launches Trainium3 training chips",
         "Amazon's third in-house accelerator targets large model training in its cloud.",
         tags=("aws", "custom-silicon", "cloud"), audience=("Engineers",)),
    make("graviton5-pricing", 9, "Graviton5 instances undercut x86 prices on AWS",
         "Arm-based servers now cost a fifth less per hour than comparable Intel instances.",
         tags=("aws", "custom-silicon", "cloud"), audience=("Engineers", "Executives")),
    make("inferentia-capacity", 20, "AWS doubles Inferentia capacity in three regions",
         "More in-house inference chips for customers who were waiting for GPUs.",
         tags=("aws", "custom-silicon", "cloud"), audience=("Executives",)),
    make("crispr-trial-results", 14, "Gene-editing trial reports durable results in sickle cell patients",
         "Two-year data show no relapse in 28 of 30 patients.",
         tags=("biotech", "gene-editing", "clinical-trials"), audience=("Executives",)),
]
CLOUD = {"trainium3-launch", "graviton5-pricing", "inferentia-capacity"}


def test_a_four_brief_site_relates_the_cloud_briefs_and_not_the_biotech_one() -> None:
    related = compute_related(FOUR, RelatedConfig())
    for slug in CLOUD:
        assert {link.slug for link in related[slug]} == CLOUD - {slug}, slug
    # It shares audience and source with the others, but no tag and no word: no list.
    assert related["crispr-trial-results"] == ()


def test_a_brief_that_shares_nothing_gets_no_list_on_a_small_site() -> None:
    loner = make("fusion-record", 30, "Stellarator holds plasma for eight minutes", tags=("fusion",))
    related = compute_related([*FOUR, loner], RelatedConfig())
    assert related["fusion-record"] == ()
    assert all("fusion-record" not in {link.slug for link in links} for links in related.values())


def test_a_term_on_every_brief_weighs_almost_nothing() -> None:
    n = len(FIXTURE)
    assert idf_weight(n, n) < 0.01 < idf_weight(4, 3) < FLOOR_NORM == idf_weight(n, n / 2) < idf_weight(n, 2)
    assert idf_weight(n, 1) == 0.0  # a word no other brief has relates it to nothing
    index = RelatedIndex(FIXTURE, RelatedConfig())
    # Two briefs whose only tag is on 11 of the 12: far under the threshold, not a cosine of 1.
    pair = index.exact(index.position["filler-0"], index.position["filler-1"])
    assert dict(pair.parts)["tags"] < 0.05 and pair.score < 0.1


def test_newer_briefs_are_later_updates() -> None:
    related = compute_related(FIXTURE, RelatedConfig())
    assert [(l.slug, l.later) for l in related["chip-a"]] == [("chip-b", True), ("chip-c", True)]
    assert [(l.slug, l.later) for l in related["chip-c"]][0] == ("chip-b", False)


def test_pinned_first_then_automatic_up_to_count() -> None:
    briefs = [replace(b, related=("loner",)) if b.slug == "chip-a" else b for b in FIXTURE]
    related = compute_related(briefs, RelatedConfig(count=2))
    assert [(l.slug, l.pinned) for l in related["chip-a"]] == [("loner", True), ("chip-b", False)]


def test_threshold_and_weights_are_configurable() -> None:
    strict = compute_related(FIXTURE, RelatedConfig(threshold=10.0))
    assert all(links == () for links in strict.values())
    # With tags weighted out, the chip arc still relates through shared words.
    text_only = RelatedConfig(weights=(("tags", 0.0), ("audience", 0.0), ("source", 0.0), ("text", 1.0), ("time", 0.0)),
                              threshold=0.05)
    assert "chip-b" in [l.slug for l in compute_related(FIXTURE, text_only)["chip-a"]]


def test_time_decay_prefers_the_closer_brief() -> None:
    twins = [
        make("base", 0, "Quantum modem launch", tags=("quantum", "modems")),
        make("near", 3, "Quantum modem launch", tags=("quantum", "modems")),
        make("far", 300, "Quantum modem launch", tags=("quantum", "modems")),
        *(make(f"pad-{i}", 100 + i, f"Pad {i}", tags=(f"pad{i}",)) for i in range(5)),
    ]
    index = RelatedIndex(twins, RelatedConfig())
    near, far = index.candidates(index.position["base"], 5)[:2]
    assert (near.slug, far.slug) == ("near", "far")
    assert near.score > far.score


def test_ties_break_by_newer_date_then_slug() -> None:
    same = [make("base", 0, "Same words here", tags=("t",)),
            make("b-twin", 5, "Same words here", tags=("t",)),
            make("a-twin", 5, "Same words here", tags=("t",)),
            make("older", -5, "Same words here", tags=("t",)),
            *(make(f"pad-{i}", 50 + i, f"Pad {i}", tags=(f"pad{i}",)) for i in range(12))]
    cfg = RelatedConfig(weights=(("tags", 1.0), ("audience", 0.3), ("source", 0.0), ("text", 1.0), ("time", 0.0)))
    assert [l.slug for l in compute_related(same, cfg)["base"]] == ["a-twin", "b-twin", "older"]


def test_tokenize_is_unicode_aware() -> None:
    assert tokenize("The Foundry's WAFER prices") == ["foundry", "wafer", "prices"]
    assert tokenize("ＡＩ芯片价格上涨") == ["ai", "芯片", "片价", "价格", "格上", "上涨"]


PIECES = st.sampled_from(["か", "\u3099", "e", "\u0301", "\u1100", "\u1161", "\u11a8", " ", "\u3000", "\u00a0", "\u2028",
                          "\x1f", "量子", "芯片", "가", "ß", "İ", "ﬁ", "①", "ｶ", "ﾞ", "A", "x1", "_", "-", "\t", "the"])
"""Pieces of text where splitting it wrongly would change its words: letters and the marks
NFKC composes them with, Hangul jamo, CJK runs, spaces of several kinds, casefolding."""


@settings(max_examples=300)
@example("か\u3099 e\u0301te \u1100\u1161\u11a8 ｶﾞ 量子芯片\u3000ﬁx İ ①②")
@given(st.lists(st.one_of(PIECES, PIECES, PIECES, st.characters()), max_size=24).map("".join))
def test_text_split_at_whitespace_first_gives_the_same_words(text: str) -> None:
    # TermCounter splits text at whitespace and remembers each token's words (much faster
    # than tokenising every title and summary whole): the words must be the same.
    assert [w for token in text.split() for w in _words(token)] == _words(text)


def test_no_whitespace_character_composes_with_another() -> None:
    # Why splitting at whitespace first is safe for NFKC: composition joins the two characters
    # of a canonical decomposition, and no such pair holds a whitespace character.
    for code in range(sys.maxunicode + 1):
        parts = unicodedata.decomposition(chr(code)).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            assert not any(chr(int(p, 16)).isspace() for p in parts), hex(code)


@pytest.mark.parametrize("slug", ["chip-a", "vote-b"])
def test_related_cli_explains_scores(make_site, cli, slug: str) -> None:  # type: ignore[no-untyped-def]
    from conftest import brief

    files = {f"content/briefs/{b.slug}.md": brief(b.title, date=b.date.isoformat(), extra=f"tags: {list(b.tags)}")
             for b in FIXTURE}
    site = make_site(files)
    result = cli("related", slug, str(site))
    assert result.returncode == 0, result.stderr
    header = result.stdout.splitlines()[2]
    for column in ("tags", "audience", "source", "text", "time×", "score", "shown"):
        assert column in header
    assert "yes" in result.stdout
    missing = cli("related", "nope", str(site))
    assert missing.returncode == 1 and "no published brief with slug 'nope'" in missing.stderr
