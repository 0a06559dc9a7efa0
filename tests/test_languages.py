"""A site in each shipped language, as its readers see it: a brief, a week and the home page with
translated labels, dates and numbers as the language writes them, and ISO dates for machines."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import brief
from sitegen.pipeline import BuildOptions, build

BRIEF = brief("Grid tender", "2026-05-02T08:14:00+08:00", extra="""
    updated: 2026-05-04T10:00:00+08:00
    source:
      name: Example News
      url: https://example.com/a
      published: 2026-05-02T08:00:00+08:00
    audience: [Utilities]
    tldr: {what_changed: "A tender", why_it_matters: "Prices", what_to_do_next: "Bid"}
    takeaways: ["One"]
    related: [older-tender]
    metrics:
      - {label: Capacity, value: 12500.5, unit: MW, change: "+12%"}
    """).replace("source:\n  name: Example News\n  url: https://example.com/a\n", "", 1)
OLDER = brief("Older tender", "2026-04-20T09:00:00+08:00", extra="audience: [Utilities]")

# language -> what readers must see: (labels on the brief page, its date, the older brief's week on
# the home page, the week page's heading, the brief count of the week, the metric as shown)
EXPECTED = {
    "en": (("Key takeaways", "Who should care", "Related updates", "collected in 14m", "Updated"),
           "2 May 2026", "Week 17", "Week 18 · 27 Apr – 3 May 2026", "1 brief", "12,500.5 MW"),
    "de": (("Das Wichtigste", "Wen es betrifft", "Verwandte Meldungen", "erfasst nach 14 Min.", "Aktualisiert am"),
           "2. Mai 2026", "KW 17", "KW 18 · 27. Apr.\u2009–\u20093. Mai 2026", "1 Briefing", "12.500,5 MW"),
    "fr": (("À retenir", "Qui est concerné", "Sur le même sujet", "collecté en 14 min", "Mis à jour le"),
           "2 mai 2026", "Semaine 17", "Semaine 18 · 27 avr.\u2009–\u20093 mai 2026", "1 brève", "12\u202f500,5 MW"),
    "es": (("Claves", "A quién le importa", "Novedades relacionadas", "recogido en 14 min", "Actualizado el"),
           "2 de mayo de 2026", "Semana 17", "Semana 18 · 27 abr\u2009–\u20093 may 2026", "1 informe", "12.500,5 MW"),
    "zh": (("要点", "谁应关注", "相关动态", "14分钟后收录", "更新于"),
           "2026年5月2日", "第17周", "第18周 · 2026年4月27日\u2009–\u20095月3日 · 1篇简报", "1篇简报", "12,500.5 MW"),
    "ja": (("ポイント", "関係する人", "関連ニュース", "14分後に収集", "更新"),
           "2026年5月2日", "第17週", "第18週 · 2026年4月27日～5月3日", "1件のブリーフ", "12,500.5 MW"),
}


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One built site per shipped language (built once for the module: six builds)."""
    out = {}
    mp = pytest.MonkeyPatch()
    mp.setenv("SITEGEN_CARDS", "off")
    for lang in EXPECTED:
        root = tmp_path_factory.mktemp(lang)
        (root / "content" / "briefs").mkdir(parents=True)
        (root / "sitegen.yaml").write_text(f"title: Desk\nlanguage: {lang}\n", encoding="utf-8")
        (root / "content" / "briefs" / "grid-tender.md").write_text(BRIEF, encoding="utf-8")
        (root / "content" / "briefs" / "older-tender.md").write_text(OLDER, encoding="utf-8")
        build(BuildOptions(root, workers=1, now="2026-06-01T00:00:00Z"))
        out[lang] = root / "public"
    mp.undo()
    return out


def _text(html: str) -> str:
    """What a reader sees: tags dropped, entities and spaces as shown."""
    body = re.sub(r"<script.*?</script>", "", html.split("<body>", 1)[1], flags=re.S)
    text = re.sub(r"<[^>]+>", "", body)
    return re.sub(r"[ \t\n]+", " ", text.replace("&amp;", "&"))


@pytest.mark.parametrize("lang", EXPECTED)
def test_brief_page_reads_in_the_language(sites: dict[str, Path], lang: str) -> None:
    labels, day, _, _, _, metric = EXPECTED[lang]
    html = (sites[lang] / "briefs" / "grid-tender" / "index.html").read_text(encoding="utf-8")
    assert f'<html lang="{lang}">' in html
    text = _text(html)
    for label in labels:
        assert label in text
    assert day in text
    assert metric in text
    # Machines get ISO dates, whatever the language.
    assert f'<time datetime="2026-05-02T08:14:00+08:00">{day}</time>' in html
    jsonld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert jsonld["datePublished"] == "2026-05-02T08:14:00+08:00"
    if lang != "en":
        for english in ("Key takeaways", "Who should care", "collected in", "min read", "Share this brief"):
            assert english not in html


@pytest.mark.parametrize("lang", EXPECTED)
def test_week_page_reads_in_the_language(sites: dict[str, Path], lang: str) -> None:
    _, day, _, heading, count, _ = EXPECTED[lang]
    html = (sites[lang] / "weekly" / "2026-w18" / "index.html").read_text(encoding="utf-8")
    text = _text(html)
    assert heading in text
    assert count in text
    assert "2026-W18" not in text  # the key is for URLs, never a label
    if lang != "en":
        assert "Weekly recap" not in html and "Metrics of the week" not in html


@pytest.mark.parametrize("lang", EXPECTED)
def test_home_page_reads_in_the_language(sites: dict[str, Path], lang: str) -> None:
    _, day, week, _, _, _ = EXPECTED[lang]
    html = (sites[lang] / "index.html").read_text(encoding="utf-8")
    text = _text(html)
    assert week in text  # the older brief's week group (CLDR puts thin spaces around a range's dash)
    assert day in text  # the lead brief's date
    assert '<time datetime="2026-05-02T08:14:00+08:00">' in html
    if lang != "en":
        assert "Latest brief" not in text and "Read the brief" not in text and "min read" not in text


@pytest.mark.parametrize("lang", EXPECTED)
def test_feeds_keep_iso_timestamps_and_translate_their_headings(sites: dict[str, Path], lang: str) -> None:
    feed = (sites[lang] / "feed.xml").read_text(encoding="utf-8")
    assert f'xml:lang="{lang}"' in feed
    assert "<published>2026-05-02T08:14:00+08:00</published>" in feed
    labels = EXPECTED[lang][0]
    assert labels[0] in feed  # "Key takeaways" as an entry's section heading
    weekly = (sites[lang] / "weekly" / "feed.xml").read_text(encoding="utf-8")
    assert EXPECTED[lang][4] in weekly  # the entry title counts briefs in the language
