"""Reading time: words in alphabetic scripts, characters in Chinese and Japanese."""

from __future__ import annotations

import pytest

from conftest import brief
from sitegen.reading import CJK_CHARS_PER_MINUTE, WORDS_PER_MINUTE, count, reading_minutes


@pytest.mark.parametrize(("text", "words", "cjk"), [
    ("Nimbus grew cloud revenue 33% and still burned cash.", 9, 0),
    ("<p>Two <strong>words</strong></p>", 2, 0),
    ("云计算收入增长", 0, 7),
    ("AWS 的资本开支 rose", 2, 5),
    ("クラウドの売上が伸びた", 0, 11),
    ("클라우드 매출이 늘었다", 3, 0),  # Hangul is written with spaces: words
    ("don't re-rank U.S. data", 4, 0),
], ids=["english", "tags-not-read", "chinese", "mixed", "japanese", "korean", "joined-words"])
def test_count(text: str, words: int, cjk: int) -> None:
    assert count(text) == (words, cjk)


def test_minutes_round_up_and_never_fall_below_one() -> None:
    assert reading_minutes(["word"]) == 1
    assert reading_minutes(["word " * WORDS_PER_MINUTE]) == 1
    assert reading_minutes(["word " * (WORDS_PER_MINUTE + 1)]) == 2
    # Chinese counted by characters: a space-free text is not "one word".
    assert reading_minutes(["字" * (3 * CJK_CHARS_PER_MINUTE)]) == 3


def test_cards_and_brief_pages_show_the_reading_time_of_the_whole_brief(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    long_body = " ".join(["analysis"] * (WORDS_PER_MINUTE * 3))
    site = make_site({
        "content/briefs/long.md": brief("Long read", body=long_body, extra="takeaways: [one more thing]"),
        "content/briefs/zh.md": brief("长文", body="分析" * (CJK_CHARS_PER_MINUTE * 2)),
    })
    assert cli("build", str(site)).returncode == 0
    page = (site / "public/briefs/long/index.html").read_text(encoding="utf-8")
    assert '<span class="read-time">4 min read</span>' in page  # body + title, summary, takeaways
    assert "30-second read" not in page  # no TL;DR in this brief
    home = (site / "public/index.html").read_text(encoding="utf-8")
    assert '<span class="read-time">4 min read</span>' in home
    assert '<span class="read-time">5 min read</span>' in (site / "public/briefs/zh/index.html").read_text(encoding="utf-8")
