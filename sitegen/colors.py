"""The brand accent as readable colours: one hex from sitegen.yaml, text-safe in light and dark.

A site picks its accent for its look (`brand.accent: "#ff6a00"`); links and focus rings
drawn in it must still meet WCAG AA (4.5:1) on the page background in both colour
schemes. So the accent is darkened (light scheme) or lightened (dark scheme) just enough,
keeping its hue, and its tint for boxes is mixed from it.
"""

from __future__ import annotations

import re

RGB = tuple[float, float, float]

HEX = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
"""What brand.accent accepts: #rgb or #rrggbb."""

LIGHT_BG = "#ffffff"
DARK_BG = "#121417"
"""The theme's page backgrounds (layouts/style.css --bg); a test holds the two together."""
TEXT_CONTRAST = 4.5
"""WCAG AA for body text. Targets below sit a little above it, so rounding to #rrggbb never
drops a colour under it; dark pages aim higher, where saturated links glare less when pale."""
_TARGETS = {"light": 4.6, "dark": 7.0}


def parse_hex(value: str) -> RGB:
    digits = value.lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return (int(digits[0:2], 16) / 255, int(digits[2:4], 16) / 255, int(digits[4:6], 16) / 255)


def to_hex(c: RGB) -> str:
    return "#" + "".join(f"{round(max(0.0, min(1.0, x)) * 255):02x}" for x in c)


def luminance(c: RGB) -> float:
    """WCAG relative luminance."""
    def lin(x: float) -> float:
        return x / 12.92 if x <= 0.04045 else ((x + 0.055) / 1.055) ** 2.4
    r, g, b = (lin(x) for x in c)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: RGB, b: RGB) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def mix(a: RGB, b: RGB, t: float) -> RGB:
    """t=0: a, t=1: b."""
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t)


def readable_on(color: RGB, bg: RGB, minimum: float = TEXT_CONTRAST) -> RGB:
    """`color`, moved towards black or white (whichever is away from `bg`) by the least
    amount that gives `minimum` contrast on `bg`."""
    if contrast(color, bg) >= minimum:
        return color
    target: RGB = (0.0, 0.0, 0.0) if luminance(bg) > 0.18 else (1.0, 1.0, 1.0)
    lo, hi = 0.0, 1.0
    for _ in range(30):  # bisection on the mix: contrast grows monotonically towards the target
        mid = (lo + hi) / 2
        if contrast(mix(color, target, mid), bg) >= minimum:
            hi = mid
        else:
            lo = mid
    return mix(color, target, hi)


def accent_palette(accent: str) -> dict[str, dict[str, str]]:
    """CSS custom properties for each scheme: {'light': {'--accent': ...}, 'dark': {...}}."""
    c = parse_hex(accent)
    out = {}
    for scheme, bg, tint in (("light", parse_hex(LIGHT_BG), 0.9), ("dark", parse_hex(DARK_BG), 0.8)):
        box = mix(c, bg, tint)  # the TL;DR box and chips: links sit on it as well as on the page
        target = _TARGETS[scheme]
        out[scheme] = {"--accent": to_hex(readable_on(readable_on(c, bg, target), box, target)),
                       "--accent-bg": to_hex(box), "--brand": to_hex(c)}
    return out
