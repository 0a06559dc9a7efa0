"""Metric history: metrics naming one series across briefs become a sparkline with a data table."""

from __future__ import annotations

import re

import pytest
from conftest import brief

from sitegen.series import sparkline


def _metric(value: str, unit: str = "$B", series: str = "backlog") -> str:
    return f'metrics:\n  - {{label: Backlog, value: {value}, unit: "{unit}", series: {series}}}\n'


def test_a_series_over_three_briefs_is_drawn_on_each(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    site = make_site({
        "content/briefs/q1.md": brief("Q1", "2026-04-01T09:00:00Z", extra=_metric("188")),
        "content/briefs/q2.md": brief("Q2", "2026-07-01T09:00:00Z", extra=_metric("212")),
        "content/briefs/q3.md": brief("Q3", "2026-10-01T09:00:00Z", extra=_metric("205.5")),
        "content/briefs/other.md": brief("Other", "2026-10-02T09:00:00Z"),
    })
    result = cli("build", str(site))
    assert result.returncode == 0, result.stderr
    q3 = (site / "public/briefs/q3/index.html").read_text()
    assert '<title id="spark-1-t">Backlog over 3 briefs</title>' in q3
    assert "From $188B on 1 Apr 2026 to $205.5B on 1 Oct 2026; lowest $188B, highest $212B." in q3
    assert len(re.findall(r"<circle ", q3)) == 3
    rows = re.findall(r"<tr><td><time[^>]*>([^<]+)</time></td><td class=\"num\">(.*?)</td></tr>", q3)
    assert rows == [("1 Apr 2026", '<a href="/briefs/q1/">$188B</a>'), ("1 Jul 2026", '<a href="/briefs/q2/">$212B</a>'),
                    ("1 Oct 2026", "$205.5B")]  # its own point is not a link
    assert "high $212B" in q3 and "low" not in q3.split("<figcaption")[1].split("</figcaption>")[0]
    assert "<svg" in (site / "public/briefs/q1/index.html").read_text()
    assert "<svg" not in (site / "public/briefs/other/index.html").read_text()


def test_a_series_of_one_point_draws_nothing(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    site = make_site({"content/briefs/a.md": brief("A", extra=_metric("1"))})
    assert cli("build", str(site)).returncode == 0
    assert 'class="spark"' not in (site / "public/briefs/a/index.html").read_text()


def test_mixed_units_name_both_briefs(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    site = make_site({
        "content/briefs/a.md": brief("A", "2026-04-01T09:00:00Z", extra=_metric("188")),
        "content/briefs/b.md": brief("B", "2026-07-01T09:00:00Z", extra=_metric("212000", unit="$M")),
    })
    result = cli("build", str(site))
    assert result.returncode == 1
    assert ("content/briefs/b.md:9:57: error: series 'backlog' mixes units: '$M' here, '$B' in content/briefs/a.md"
            in result.stderr), result.stderr
    assert "use one unit for every metric of a series" in result.stderr
    assert not (site / "public").exists()


def test_a_text_value_cannot_be_in_a_series(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    site = make_site({"content/briefs/a.md": brief("A", extra=_metric('"n/a"'))})
    result = cli("build", str(site))
    assert result.returncode == 1
    assert "error: metric 'Backlog' is in series 'backlog' but its value 'n/a' is not a number" in result.stderr


@pytest.mark.parametrize(("values", "low", "high"), [((1.0, 3.0, 2.0), 0, 1), ((5.0, 5.0), 0, 0), ((-2.0, -8.0, 4.0), 1, 2)])
def test_sparkline_geometry(values: tuple[float, ...], low: int, high: int) -> None:
    g = sparkline(values, width=100, height=20, pad=2)
    xs = [x for x, _ in g.dots]
    assert xs[0] == 2 and xs[-1] == 98 and xs == sorted(xs)
    assert (g.low, g.high) == (low, high)
    ys = [y for _, y in g.dots]
    assert all(2 <= y <= 18 for y in ys)
    if values[0] != values[-1] or len(set(values)) > 1:
        assert ys[high] == min(ys) and ys[low] == max(ys)  # higher values are drawn higher up
    assert g.path.startswith("M2.0 ") and g.path.count(" L") == len(values) - 1
