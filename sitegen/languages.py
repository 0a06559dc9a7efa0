"""Multilingual sites: each brief's language, the links between translations, one Site per language.

With `languages: [en, zh]` the default language (`language`) is built at the root and every other
one under /<lang>/, each as a site of its own (home, weeks, taxonomies, feeds, related updates, all
in that language: see SiteConfig.edition). A brief says its language with `lang:` (default: the
site's) and names the brief it translates with `translation_of:`; the versions of one story are
linked with hreflang alternates and a language switcher. Related updates stay within a
language unless a brief has none there (relate_across).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

from babel import Locale

from sitegen.brieffields import card
from sitegen.config import SiteConfig
from sitegen.codes import Code
from sitegen.errors import Diagnostic, SourceLocation
from sitegen.hints import did_you_mean
from sitegen.messages import language_hint, parse_language
from sitegen.model import Brief, Page, RelatedLink, Site
from sitegen.relatedindex import RelatedIndex
from sitegen.urls import brief_path, href

Alternate = tuple[str, str, str]
"""(language code, absolute URL, the language's name in itself): one version of a page."""


def language_of(b: Brief, config: SiteConfig) -> str:
    return b.lang or config.language


def site_languages(config: SiteConfig) -> tuple[str, ...]:
    return config.languages or (config.language,)


def check_languages(config: SiteConfig, briefs: Sequence[Brief]) -> list[Diagnostic]:
    """A brief's unknown or unlisted language; a translation_of naming no brief or one in the same language."""
    diags = []
    known = site_languages(config)
    by_slug = {b.slug: b for b in briefs}
    for b in briefs:
        where = b.lang_location or SourceLocation(b.source_path)
        if b.lang and parse_language(b.lang) is None:
            diags.append(Diagnostic(where, f"unknown language code '{b.lang}'", language_hint(b.lang),
                                    code=Code.INVALID_VALUE))
        elif b.lang and b.lang not in known:
            diags.append(Diagnostic(where, f"'{b.lang}' is not one of the site's languages ({', '.join(known)})",
                                    f"add it to sitegen.yaml: languages: [{', '.join((*known, b.lang))}]",
                                    code=Code.INVALID_VALUE))
        if not b.translation_of:
            continue
        where = b.translation_of_location or SourceLocation(b.source_path)
        other = by_slug.get(b.translation_of)
        if other is None:
            diags.append(Diagnostic(where, f"translation_of: there is no brief '{b.translation_of}'",
                                    did_you_mean(b.translation_of, by_slug, "briefs"), code=Code.TRANSLATION))
        elif language_of(other, config) == language_of(b, config):
            diags.append(Diagnostic(where, f"translation_of: '{other.slug}' is in the same language "
                                    f"({language_of(b, config)}) as this brief",
                                    "translation_of links versions of one story in different languages; set lang:, "
                                    "or use related: for a brief in the same language", code=Code.TRANSLATION))
    return diags


def split_languages(config: SiteConfig, briefs: Sequence[Brief], pages: Sequence[Page],
                    ) -> list[tuple[SiteConfig, list[Brief], list[Page]]]:
    """(config, briefs, pages) of each language, the default first; plain pages belong to it."""
    out = []
    for code in site_languages(config):
        mine = [b for b in briefs if language_of(b, config) == code]
        out.append((config.edition(code), mine, list(pages) if code == config.language else []))
    return out


def link_translations(sites: Sequence[Site], root: SiteConfig) -> Site:
    """The default language's site, carrying the others as `editions`; every site knows the
    versions of its briefs and of its home page in the other languages."""
    if len(sites) == 1:
        return sites[0]  # one language: nothing to link
    url_of: dict[str, Alternate] = {}  # slug -> its version
    group: dict[str, str] = {}  # slug -> the slug of the first version of its story
    for site in sites:
        for b in site.briefs:
            url_of[b.slug] = _alternate(site.config, brief_path(b.slug))
    every = {b.slug: b for site in sites for b in site.briefs}
    for slug in every:
        group[slug] = _root(slug, every)
    versions: dict[str, list[str]] = {}
    for slug, first in sorted(group.items()):
        versions.setdefault(first, []).append(slug)
    linked = []
    for site in relate_across(sites):
        translations = {}
        for b in site.briefs:
            mates = versions[group[b.slug]]
            if len(mates) > 1:
                translations[b.slug] = tuple(sorted((url_of[s] for s in mates), key=_order(root)))
        linked.append(dataclasses.replace(site, translations=translations))
    return dataclasses.replace(linked[0], editions=tuple(linked[1:]))


CROSS_SHORTLIST = 4
"""Candidates looked at per link wanted when falling back to other languages: the nearest
briefs overall may be in the brief's own language (below its threshold there), and are skipped."""


def relate_across(sites: Sequence[Site]) -> list[Site]:
    """Each language's sites with related links across languages where the issue allows them:
    a `related:` slug naming a brief in another language is kept (pinned, in the author's
    order), and a brief with no related update in its own language gets the best ones in the
    others, scored over every language's briefs with the default language's settings."""
    where = {b.slug: (k, b) for k, site in enumerate(sites) for b in site.briefs}
    config = sites[0].config.related
    related = [dict(site.related) for site in sites]
    lonely = []
    for k, site in enumerate(sites):
        for b in site.briefs:
            own = site.related.get(b.slug, ())
            foreign = [s for s in dict.fromkeys(b.related) if s not in site.by_slug and s in where]
            if foreign:
                pinned = {link.slug: link for link in own if link.pinned}
                picked = [pinned.get(s) or _link(b, where[s], sites, True) for s in dict.fromkeys(b.related)
                          if s in pinned or s in foreign]
                related[k][b.slug] = tuple([*picked, *(link for link in own if not link.pinned)][: config.count])
            elif not own:
                lonely.append((k, b))
    if lonely:
        index = RelatedIndex([b for site in sites for b in site.briefs], config)
        for k, b in lonely:
            found = [c for c in index.candidates(index.position[b.slug], config.count * CROSS_SHORTLIST)
                     if c.score >= config.threshold and where[c.slug][0] != k]
            if found:
                related[k][b.slug] = tuple(_link(b, where[c.slug], sites) for c in found[: config.count])
    out = []
    for k, site in enumerate(sites):
        links = related[k]
        if links == site.related:
            out.append(site)
            continue
        elsewhere = {link.slug: card(where[link.slug][1]) for many in links.values() for link in many if link.lang}
        out.append(dataclasses.replace(site, related=links, elsewhere=elsewhere))
    return out


def _link(b: Brief, other: tuple[int, Brief], sites: Sequence[Site], pinned: bool = False) -> RelatedLink:
    """A related link from `b` to a brief of another language's site."""
    k, o = other
    c = sites[k].config
    return RelatedLink(o.slug, o.date > b.date, pinned, lang=c.language, href=href(c.base_path, brief_path(o.slug)),
                       language=language_name(c.language))


def _root(slug: str, every: dict[str, Brief]) -> str:
    """Follow translation_of to the brief that translates nothing (a loop stops where it closes)."""
    seen = {slug}
    while (nxt := every[slug].translation_of) and nxt in every and nxt not in seen:
        seen.add(nxt)
        slug = nxt
    return min(seen) if every[slug].translation_of in seen else slug


def _alternate(config: SiteConfig, rel: str) -> Alternate:
    return (config.language, config.origin + href(config.base_path, rel), language_name(config.language))


def language_name(code: str) -> str:
    """'English', '中文', 'Deutsch': a language as its readers name it (a switcher's label)."""
    locale = Locale.parse(code, sep="-")
    return locale.get_display_name(locale) or code


def language_homes(config: SiteConfig) -> tuple[Alternate, ...]:
    """The home page of each language of a multilingual site (the default at the root); () for one."""
    if len(config.languages) < 2:
        return ()
    root = config.origin + config.static_path
    return tuple((code, root + ("" if i == 0 else code + "/"), language_name(code))
                 for i, code in enumerate(config.languages))


def _order(root: SiteConfig) -> Callable[[Alternate], int]:
    order = site_languages(root)
    return lambda a: order.index(a[0]) if a[0] in order else len(order)
