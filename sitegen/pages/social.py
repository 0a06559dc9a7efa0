"""Social cards: a 1200×630 PNG per brief (briefs/<slug>/card.png), the brief page's og:image.

The card of a brief that names its own `image:` is not made: that image is its og:image.
The PNGs are drawn by sitegen/socialcard.py and cached in the site's .sitegen/cards/ by a
key of everything they show (sitegen/assets.py makes the missing ones).
"""

from __future__ import annotations

from dataclasses import dataclass

from sitegen.config import SiteConfig
from sitegen.memo import Memo
from sitegen.model import Brief, Site
from sitegen.numbers import format_value, parse_change
from sitegen.pages.kind import Asset, PageKind, Reads
from sitegen.socialcard import DEFAULT_ACCENT, HEIGHT, WIDTH, CardSpec, alt_text, card_key, card_support, font_identity, render_card
from sitegen.localize import format_day, separators
from sitegen.urls import href, social_card_path

CACHE = "cards"
"""The card cache: SITE/.sitegen/cards/<key>.png."""


@dataclass(frozen=True)
class SocialImage:
    """What a page's og:image and twitter:image tags say."""

    url: str
    """Absolute."""
    alt: str
    width: int = 0
    """0 when not known (an image the author named)."""
    height: int = 0


def card_spec(config: SiteConfig, b: Brief) -> CardSpec:
    """What a brief's card shows: title, source, date, site name and accent, its first metric."""
    label = value = change = ""
    direction = "none"
    if b.metrics:
        m = b.metrics[0]
        label, value = m.label, format_value(m.value, m.unit, separators(config.language)) if m.value else ""
        if m.change:
            c = parse_change(m.change)
            change, direction = c.text, c.direction
        if not value:  # a metric without a value: show its change alone
            value, change, direction = change, "", "none"
    return CardSpec(b.title, b.source.name, format_day(b.date, config.language), config.title, config.accent or DEFAULT_ACCENT,
                    label, value, change, direction, b.source.lang)


def social_image(config: SiteConfig, b: Brief, cards_on: bool) -> SocialImage | None:
    """A brief page's og:image: the author's `image`, else its card (when cards are made here)."""
    if b.image:
        url = b.image if "://" in b.image else config.origin + href(config.static_path, b.image)
        return SocialImage(url, b.image_alt)
    if not cards_on:
        return None
    return SocialImage(config.origin + href(config.base_path, social_card_path(b.slug)),
                       alt_text(card_spec(config, b)), WIDTH, HEIGHT)


def cards_on() -> bool:
    """Whether this build makes social cards (Pillow and the fonts are there, not SITEGEN_CARDS=off)."""
    return card_support() is None


def card_assets(site: Site, memo: Memo) -> list[Asset]:
    if not cards_on():
        return []
    identity = font_identity()
    config = site.config
    out = []
    for b in site.briefs:
        if b.image:
            continue
        out.append(memo.get(("social", b.slug), (config, b, identity), lambda b=b: _asset(config, b, identity)))
    return out


def _asset(config: SiteConfig, b: Brief, identity: str) -> Asset:
    spec = card_spec(config, b)
    return Asset(social_card_path(b.slug), CACHE, card_key(spec, identity), spec, render_card)


KIND = PageKind("social", Reads.SHAPE | Reads.CARDS | Reads.BODIES, assets=card_assets)
