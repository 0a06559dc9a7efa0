"""Metric values and changes as a reader expects them: `$37.6B`, `22%`, `60,000`, `▼ −3.1 pts`.

Authors write a number and a unit (`value: 37.6, unit: "$B"`) because that is what a pipeline
has; the page shows them the way a news site would. Pure functions without locale data: the
separators (English by default: grouping ",", decimal ".") are passed in, and localize.py makes
them from CLDR for the site's language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from sitegen.slotted import fast_state

MINUS = "\u2212"
"""The true minus sign: a hyphen is shorter than a plus and breaks lines."""

CURRENCY_SYMBOLS = "$€£¥₹₩₽₺₫₪₱฿"
TIGHT_UNITS = ("%", "‰", "x", "×", "°")
"""Units written against the number: 22%, 3x. Every other unit gets a space: 140 MW, 3.1 pts."""


@dataclass(frozen=True)
class Separators:
    group: str = ","
    decimal: str = "."
    currency_last: bool = False
    """The symbol of a plain amount follows it ('19 €', '19 €/month'), as in German or French."""


ENGLISH = Separators()


_NUMERIC = re.compile(r"[+-]?\d+(?:\.\d+)?")
"""A value that is a number as written: the model keeps numbers as the author's digits ("61.40")."""


def parse_decimal(value: int | float | str) -> Decimal | None:
    """The number a metric value is, or None for text (what format_value prints as written)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str) and _NUMERIC.fullmatch(value.strip()):
        return Decimal(value.strip())
    return None


def format_number(value: int | float | str, seps: Separators = ENGLISH) -> str:
    """60000 -> '60,000'; 0.00012 -> '0.00012'; 3e15 -> '3,000,000,000,000,000'; -2.1 -> '−2.1'.

    Digits are those the author wrote (a string "61.40" keeps its zero; the float 61.4 has none);
    never scientific notation. Four-digit integers are not grouped: they are most often years (2028).
    """
    number = parse_decimal(value)
    if number is None or not number.is_finite():
        return str(value)
    sign = MINUS if number < 0 else ""
    text = format(abs(number), "f")
    whole, _, frac = text.partition(".")
    frac = frac.rstrip("0") if "." in text and isinstance(value, float) else frac
    if len(whole) > 4:
        whole = f"{int(whole):,}".replace(",", seps.group)
    return sign + whole + (seps.decimal + frac if frac else "")


def format_value(value: int | float | str, unit: str = "", seps: Separators = ENGLISH) -> str:
    """A metric's value with its unit placed as a reader expects.

    Currency units lead ("$B" -> $37.6B, "€M" -> €744.5M, "$/month" -> $19/month), percent-like
    units follow tightly (22%, 1.5% of turnover), any other unit follows after a space (140 MW).
    Text values (`"41-17"`, `"Q1 2027"`) are shown as written.
    """
    parsed = parse_decimal(value)
    if parsed is None or not parsed.is_finite():
        return f"{value} {unit}".strip() if unit else str(value)
    number = format_number(value, seps)
    unit = unit.strip()
    if not unit:
        return number
    sign = ""
    if number.startswith(MINUS):
        sign, number = MINUS, number[1:]
    if unit[0] in CURRENCY_SYMBOLS:
        rest = unit[1:].strip()
        if seps.currency_last and (not rest or rest.startswith("/")):
            return f"{sign}{number}\u00a0{unit[0]}{rest}"
        joiner = "" if not rest or _SCALE.match(rest) else " "
        return f"{sign}{unit[0]}{number}{joiner}{rest}"
    if unit.startswith(TIGHT_UNITS) and (len(unit) == 1 or not unit[1].isalpha()):
        return f"{sign}{number}{unit}"
    return f"{sign}{number} {unit}"


_SCALE = re.compile(r"/|(?:[kKMBT]|bn|mn|tn)\b")
"""What follows a currency symbol without a space: a scale ($37.6B, €2bn) or a rate ($19/month)."""


@fast_state
@dataclass(frozen=True, slots=True)
class Change:
    direction: str
    """'up', 'down' or 'none' (text such as "unchanged" or "2 abstentions")."""
    text: str
    """As shown, with a true minus sign: '+28%', '−3.1 pts since July'."""

    @property
    def arrow(self) -> str:
        return {"up": "▲", "down": "▼"}.get(self.direction, "")

    @property
    def spoken(self) -> str:
        """What a screen reader says before the text, since arrows and colour are not read."""
        return {"up": "up", "down": "down"}.get(self.direction, "")


_SIGNED = re.compile(r"\s*([+\-\u2212\u2013])\s*(?=[\d.,$€£¥₹₩]|[" + CURRENCY_SYMBOLS + r"])")


def parse_change(change: str) -> Change:
    """'+28% YoY' -> up; '-3.1 pts' -> down (shown with −); anything without a leading sign -> none."""
    text = change.strip()
    match = _SIGNED.match(text)
    if not match:
        return Change("none", text)
    rest = text[match.end():]
    if match.group(1) == "+":
        return Change("up", "+" + rest)
    return Change("down", MINUS + rest)
