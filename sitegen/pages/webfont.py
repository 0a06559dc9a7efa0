"""The CJK web font of a site with CJK text: fonts/cjk-<tag>.woff2 and its @font-face rule.

See sitegen/webfont.py. The font holds the CJK characters of every brief, plain page, the
site's title and description, and the theme's messages and dates in the site's language; it is an asset (cached in .sitegen/fonts/ by a key of those
characters), and its file name is the face's region ('cjk-sc.woff2'), so an edit that brings a
new character changes the font file and no page.
"""

from __future__ import annotations

import datetime as dt

from sitegen.fonts import cjk_face, cjk_in
from sitegen.languages import language_homes
from sitegen.localize import format_day, format_range
from sitegen.memo import Memo
from sitegen.model import Site
from sitegen.pages.kind import Asset, PageKind, Reads
from sitegen.urls import href, webfont_path
from sitegen.webfont import WebFontSpec, file_tag, flavor, font_face_css, font_key, identity, subset

CACHE = "fonts"


def site_chars(site: Site) -> str:
    """Every CJK character the site shows (a superset: the briefs' whole files), sorted."""
    found = set(cjk_in("\n".join((site.config.title, site.config.description, site.config.author))))
    for b in site.briefs:
        found.update(b.cjk_chars)
    for p in site.pages:
        found.update(cjk_in("\n".join((p.title, p.summary, p.body_html))))
    # The theme's own words in the site's language, and the characters of its dates ('2026年5月2日').
    c = site.config
    for _, entry in c.messages.entries:
        found.update(cjk_in(entry if isinstance(entry, str) else "".join(form for _, form in entry)))
    found.update(cjk_in(format_day(DATE_SAMPLE, c.language) + format_range(DATE_SAMPLE, DATE_SAMPLE, c.language)))
    found.update(cjk_in("".join(name for _, _, name in language_homes(c))))  # the switcher: '中文', '日本語'
    return "".join(sorted(found))


DATE_SAMPLE = dt.date(2026, 12, 31)


def _plan(site: Site, memo: Memo) -> tuple[str, WebFontSpec, str] | None:
    """(output path, what to subset, identity), or None when the site has no CJK text or the font
    cannot be made here."""
    ident = identity()
    if ident is None:
        return None
    chars = site_chars(site)
    if not chars:
        return None
    face, kind = cjk_face(site.config.language), flavor()
    return webfont_path(file_tag(face), kind), WebFontSpec(chars, face, kind), ident


def font_assets(site: Site, memo: Memo) -> list[Asset]:
    plan = _plan(site, memo)
    if plan is None:
        return []
    path, spec, ident = plan
    return [Asset(path, CACHE, font_key(spec, ident), spec, subset)]


def font_style(site: Site, memo: Memo) -> str:
    """The @font-face rule every page carries when the site has CJK text, else ''."""
    plan = _plan(site, memo)
    if plan is None:
        return ""
    path, spec, _ = plan
    return font_face_css(href(site.config.base_path, path), spec.face, spec.flavor)


KIND = PageKind("webfont", Reads.SHAPE | Reads.BODIES, assets=font_assets, style=font_style, reserved=("fonts",))
