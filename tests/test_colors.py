"""colors: a brand accent becomes link colours that stay readable (WCAG AA) in both schemes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sitegen.colors import DARK_BG, LIGHT_BG, accent_palette, contrast, parse_hex

STYLE = Path(__file__).resolve().parent.parent / "layouts/style.css"


@pytest.mark.parametrize("accent", ["#0b5cad", "#c2410c", "#ffd700", "#ffffff", "#000000", "#777", "#1a7f37",
                                    "#ff00ff", "#00ffff", "#123"])
def test_accent_text_is_readable_on_page_and_tint_in_both_schemes(accent: str) -> None:
    palette = accent_palette(accent)
    for scheme, bg in (("light", LIGHT_BG), ("dark", DARK_BG)):
        colours = palette[scheme]
        link = parse_hex(colours["--accent"])
        assert contrast(link, parse_hex(bg)) >= 4.5, (accent, scheme, colours)
        assert contrast(link, parse_hex(colours["--accent-bg"])) >= 4.5, (accent, scheme, colours)
        assert colours["--brand"] == "#" + "".join(c * (2 if len(accent) == 4 else 1) for c in accent[1:]).lower()


def test_a_readable_accent_is_kept_as_is() -> None:
    assert accent_palette("#0b5cad")["light"]["--accent"] == "#0b5cad"
    assert accent_palette("#ffd700")["dark"]["--accent"] == "#ffd700"


def test_an_unreadable_accent_keeps_its_hue() -> None:
    r, g, b = parse_hex(accent_palette("#ff6a00")["light"]["--accent"])
    assert r > g > b  # still orange, only darker


def test_page_backgrounds_match_the_theme() -> None:
    css = STYLE.read_text()
    light, dark = re.findall(r"--bg:light-dark\((#[0-9a-fA-F]+),(#[0-9a-fA-F]+)\)", css)[0]
    assert (parse_hex(light), parse_hex(dark)) == (parse_hex(LIGHT_BG), parse_hex(DARK_BG))
