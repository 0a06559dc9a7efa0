"""The prediction ledger: outcome keys on predictions, /predictions/ as of the build clock,
hit rates with their counts, and clear errors for bad outcomes."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from conftest import brief

from sitegen.model import Prediction
from sitegen.pages.predictions import Entry, Tally, ledger, tallies

OPEN_SOON = """
predictions:
  - {claim: "Due soon", resolve_by: 2026-06-01}
  - {claim: "Due later", resolve_by: 2026-09-01, outcome: pending}
  - {claim: "No date"}
"""
SETTLED = """
predictions:
  - {claim: "Right call", resolve_by: 2026-05-20, outcome: hit, outcome_note: "It **happened**", resolved_in: later}
  - {claim: "Half right", resolve_by: 2026-05-21, outcome: partial}
  - {claim: "Wrong call", resolve_by: 2026-05-22, outcome: miss}
"""


def _site(make_site):  # type: ignore[no-untyped-def]
    return make_site({
        "content/briefs/early.md": brief("Early", "2026-05-01T09:00:00Z", extra="tags: [chips]\n" + SETTLED),
        "content/briefs/open.md": brief("Open ones", "2026-05-03T09:00:00Z", extra="tags: [cloud]\n" + OPEN_SOON),
        "content/briefs/later.md": brief("Later", "2026-05-25T09:00:00Z"),
    })


def _ledger_claims(html: str, section: str) -> list[str]:
    part = html[html.index(f'id="{section}-h"'):]
    part = part[: part.index("</section>")]
    return re.findall(r'<p class="claim">([^<]+)</p>', part)


def test_the_same_site_at_two_moments(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    site = _site(make_site)
    assert cli("build", str(site), "--now", "2026-05-30").returncode == 0
    may = (site / "public/predictions/index.html").read_text()
    assert _ledger_claims(may, "open") == ["Due soon", "Due later", "No date"]
    assert "Overdue" not in may and "3 open" in may
    assert _ledger_claims(may, "settled") == ["Wrong call", "Half right", "Right call"]  # latest due first

    assert cli("build", str(site), "--now", "2026-06-02T10:00:00+02:00").returncode == 0
    june = (site / "public/predictions/index.html").read_text()
    assert "3 open, 1 of them overdue" in june
    item = june[june.index('class="ledger-item is-overdue"'):]
    assert item.index("Overdue") < item.index("Due soon") < item.index("</li>")
    assert june.count('class="ledger-item is-overdue"') == 1

    # SOURCE_DATE_EPOCH is the clock when --now is not given: 2026-06-02T00:00:00Z
    assert cli("build", str(site), env={"SOURCE_DATE_EPOCH": "1780358400"}).returncode == 0
    assert (site / "public/predictions/index.html").read_text() == june


def test_hit_rate_counts_a_partial_hit_half_and_shows_counts(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    site = _site(make_site)
    assert cli("build", str(site), "--now", "2026-05-30").returncode == 0
    html = (site / "public/predictions/index.html").read_text()
    assert "Hit rate <strong>50%</strong> (1 came true, 1 partly, 1 missed" in html
    row = re.search(r'<a href="/tags/chips/">chips</a></th>(.*?)</tr>', html)
    assert row is not None
    assert re.findall(r'<td class="num">([^<]+)</td>', row.group(1)) == ["3", "1", "1", "1", "50%"]
    assert "/tags/cloud/" not in html[html.index('id="rates-h"'):]  # nothing settled: no rate
    assert 'settled in <a href="/briefs/later/">Later</a>' in html
    assert "It <strong>happened</strong>" in html


def test_brief_page_shows_each_outcome(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    site = _site(make_site)
    assert cli("build", str(site), "--now", "2026-05-30").returncode == 0
    page = (site / "public/briefs/early/index.html").read_text()
    assert [m for m in re.findall(r'class="outcome outcome-(\w+)"', page)] == ["hit", "partial", "miss"]
    assert '<a href="/briefs/later/">The follow-up brief</a>' in page
    assert 'href="/predictions/"' in page  # in the header: the site has predictions


def test_a_site_without_predictions_has_no_ledger(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    site = make_site({"content/briefs/a.md": brief("A")})
    assert cli("build", str(site)).returncode == 0
    assert not (site / "public/predictions").exists()
    assert 'href="/predictions/"' not in (site / "public/index.html").read_text()


@pytest.mark.parametrize(("extra", "where", "message", "hint"), [
    ("predictions: [{claim: x, resolve_by: 2026-06-01, outcome: hti}]", "8:59", "unknown outcome 'hti'",
     "did you mean 'hit'?"),
    ("predictions: [{claim: x, resolve_by: 2026-06-01, outcome: maybe}]", "8:59", "unknown outcome 'maybe'",
     "use one of: hit, miss, partial, pending"),
    ("predictions: [{claim: x, outcome: hit}]", "8:35", "a prediction with an 'outcome' needs 'resolve_by'", "resolve_by: YYYY-MM-DD"),
    ("predictions: [{claim: x, resolve_by: someday}]", "8:38", "'resolve_by' is not a valid date", "YYYY-MM-DD"),
    ("predictions: [{claim: x, resolved_in: no-such-brief}]", "8:39", "resolved_in: brief 'no-such-brief' does not exist",
     "slug of the brief that settled"),
])
def test_bad_prediction_keys(make_site, cli, extra: str, where: str, message: str, hint: str) -> None:  # type: ignore[no-untyped-def]
    site = make_site({"content/briefs/a.md": brief("A", extra=extra)})
    result = cli("build", str(site))
    assert result.returncode == 1
    assert f"content/briefs/a.md:{where}: error: {message}" in result.stderr, result.stderr
    assert hint in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("args", "env", "message"), [
    (("--now", "soon"), {}, "--now:1:1: error: --now 'soon' is not a date or datetime"),
    ((), {"SOURCE_DATE_EPOCH": "yesterday"}, "SOURCE_DATE_EPOCH:1:1: error: SOURCE_DATE_EPOCH 'yesterday' is not"),
])
def test_a_bad_clock_is_an_error(make_site, cli, args: tuple[str, ...], env: dict[str, str], message: str) -> None:  # type: ignore[no-untyped-def]
    site = make_site({"content/briefs/a.md": brief("A")})
    result = cli("build", str(site), *args, env=env)
    assert result.returncode == 1 and message in result.stderr, result.stderr
    assert not (site / "public").exists()


def _entry(outcome: str, source: str, tags: tuple[str, ...]) -> Entry:
    from sitegen.model import Brief, Source
    from sitegen.errors import SourceLocation

    b = Brief("x.md", "x", SourceLocation("x.md", 1, 1), "X", dt.datetime(2026, 5, 1, tzinfo=dt.timezone.utc), False,
              Source(source, "https://example.com/"), "s", "", tags=tags)
    return Entry(Prediction("c", resolve_by=dt.date(2026, 5, 1), outcome=outcome), b, None, -1)


def test_tallies_arithmetic() -> None:
    settled = [_entry("hit", "A", ("t",)), _entry("miss", "A", ("t", "u")), _entry("partial", "B", ("t", "t")),
               _entry("hit", "B", ())]
    by_source = {t.name: t for t in tallies(settled, "sources")}
    assert (by_source["A"].hits, by_source["A"].misses, by_source["A"].settled, by_source["A"].rate) == (1, 1, 2, 0.5)
    assert by_source["B"].rate == 0.75
    by_tag = tallies(settled, "tags")
    assert [(t.name, t.settled) for t in by_tag] == [("t", 3), ("u", 1)]  # a tag written twice counts once
    assert by_tag[0].rate == pytest.approx(0.5)
    assert Tally("none", "").rate == 0.0


def test_ledger_order_and_overdue() -> None:
    e = _entry("", "A", ())
    b = e.brief
    preds = (Prediction("late", resolve_by=dt.date(2026, 5, 1)), Prediction("open"),
             Prediction("soon", resolve_by=dt.date(2026, 6, 1)),
             Prediction("done", resolve_by=dt.date(2026, 4, 1), outcome="hit"))
    with_predictions = SimpleNamespace(slug="x", predictions=preds)  # ledger reads only these two
    still_open, settled = ledger([with_predictions], {"x": b}, dt.date(2026, 5, 15))  # type: ignore[list-item]
    assert [x.prediction.claim for x in still_open] == ["late", "soon", "open"]
    assert [x.overdue for x in still_open] == [True, False, False]
    assert [x.prediction.claim for x in settled] == ["done"] and not settled[0].overdue
