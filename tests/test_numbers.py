"""Metric values and changes as a reader expects them (the brief page and week tables use these)."""

from __future__ import annotations

import pytest

from sitegen.numbers import Separators, format_number, format_value, parse_change


@pytest.mark.parametrize(("value", "unit", "shown"), [
    (37.6, "$B", "$37.6B"),
    (744.5, "€M", "€744.5M"),
    (48, "¥B", "¥48B"),
    (2, "€bn", "€2bn"),
    (19, "$/month", "$19/month"),
    (0.06, "$", "$0.06"),
    (61.4, "$", "$61.4"),
    (5, "$ per seat", "$5 per seat"),
    (-2.1, "$B", "−$2.1B"),
    (22, "%", "22%"),
    (-3.4, "%", "−3.4%"),
    (1.5, "% of global turnover", "1.5% of global turnover"),
    (3.1, "pts", "3.1 pts"),
    (-3.1, "pts", "−3.1 pts"),
    (60000, "", "60,000"),
    (60000, "wafers/month", "60,000 wafers/month"),
    (140, "MW", "140 MW"),
    (3, "x", "3x"),
    (6, "weeks", "6 weeks"),
    (12, "xPUs", "12 xPUs"),
    (2028, "", "2028"),
    (1840, "", "1840"),
    (12000, "", "12,000"),
    (3e15, "", "3,000,000,000,000,000"),
    (1234567.891, "", "1,234,567.891"),
    (0.00012, "", "0.00012"),
    (1e-9, "%", "0.000000001%"),
    (-0.5, "", "−0.5"),
    (0, "%", "0%"),
    ("41-17", "", "41-17"),
    ("Q1 2027", "", "Q1 2027"),
    ("10^25", "FLOP", "10^25 FLOP"),
    (True, "", "True"),
    ("61.40", "$", "$61.40"),
    ("60000", "", "60,000"),
    ("-3.1", "pts", "−3.1 pts"),
    ("2028-01-01", "", "2028-01-01"),
    (float("inf"), "", "inf"),
], ids=lambda v: repr(v))
def test_format_value(value, unit: str, shown: str) -> None:  # type: ignore[no-untyped-def]
    assert format_value(value, unit) == shown


def test_separators_come_from_the_caller() -> None:
    assert format_number(1234567.5, Separators(group=".", decimal=",")) == "1.234.567,5"
    assert format_value(-37.6, "€B", Separators(group="\u202f", decimal=",")) == "−€37,6B"


@pytest.mark.parametrize(("change", "direction", "text", "spoken"), [
    ("+28%", "up", "+28%", "up"),
    ("+33% YoY", "up", "+33% YoY", "up"),
    ("-3.1 pts", "down", "−3.1 pts", "down"),
    ("−12%", "down", "−12%", "down"),
    ("-$20", "down", "−$20", "down"),
    ("+310 since Oct 6", "up", "+310 since Oct 6", "up"),
    ("unchanged", "none", "unchanged", ""),
    ("2 abstentions", "none", "2 abstentions", ""),
    ("from +$4.8B", "none", "from +$4.8B", ""),
    ("-well below plan", "none", "-well below plan", ""),
], ids=lambda v: repr(v))
def test_parse_change(change: str, direction: str, text: str, spoken: str) -> None:
    parsed = parse_change(change)
    assert (parsed.direction, parsed.text, parsed.spoken) == (direction, text, spoken)
    assert parsed.arrow == {"up": "▲", "down": "▼", "none": ""}[direction]
