"""What a page kind declares, and what serve tells it about an edit."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sitegen.memo import Memo
from sitegen.model import Brief, OutputFile, RelatedLink, Site, Taxonomy, Term
from sitegen.render import Job, PageEntry

Cards = Mapping[str, Brief]
"""Slug -> the brief's card (render.card): what lists show."""

NavLinks = tuple[tuple[str, str], ...]
"""(label, site-relative URL) of header links."""


class Reads(enum.Flag):
    """What a kind's outputs are computed from.

    serve runs every kind again (through the memo) whenever the site's SHAPE changes, so
    only the three brief-level inputs decide what its patch paths remake (PageKind.after).
    """

    SHAPE = enum.auto()
    """Config, plain pages, weeks, taxonomies, which briefs exist and their order."""
    CARDS = enum.auto()
    """What lists show of a brief: every field but the body."""
    BODIES = enum.auto()
    """Whole briefs, bodies included."""
    RELATED = enum.auto()
    """A brief's related links (site.related)."""
    JOBS = enum.auto()
    """The pages of every kind, as render.PageEntry (only for `files`: the sitemap)."""


def _no_terms(taxonomy: str) -> Sequence[Term]:
    return ()


@dataclass(frozen=True)
class Edit:
    """What changed between serve's last round and this one, when the site's shape did not."""

    briefs: frozenset[str]
    """Slugs of the briefs that changed in any way (a body edit changes only these)."""
    cards: frozenset[str] = frozenset()
    """Slugs whose card changed."""
    relinked: frozenset[str] = frozenset()
    """Briefs whose related links changed, or that show a related card that changed."""
    terms_with: Callable[[str], Sequence[Term]] = _no_terms
    """The terms of a taxonomy ('tags') that list a brief whose card changed."""


def index_links(related: Mapping[str, tuple[RelatedLink, ...]]) -> dict[str, list[str]]:
    """Slug -> the briefs whose related links show it."""
    out: dict[str, list[str]] = {}
    for slug, links in related.items():
        for link in links:
            out.setdefault(link.slug, []).append(slug)
    return out


def term_members(taxonomies: Sequence[Taxonomy]) -> dict[str, dict[str, list[Term]]]:
    """Taxonomy key -> brief slug -> the terms of that taxonomy listing the brief."""
    out: dict[str, dict[str, list[Term]]] = {}
    for tax in taxonomies:
        by_brief: dict[str, list[Term]] = {}
        for term in tax.terms:
            for s in term.slugs:
                by_brief.setdefault(s, []).append(term)
        out[tax.key] = by_brief
    return out


def terms_listing(members: Mapping[str, Mapping[str, Sequence[Term]]], key: str, slugs: Iterable[str]) -> list[Term]:
    """The terms of taxonomy `key` that list any of these briefs (Edit.terms_with), each once."""
    by_brief = members.get(key, {})
    return list({id(t): t for s in slugs for t in by_brief.get(s, ())}.values())


@dataclass(frozen=True)
class Asset:
    """A binary output made by a slow pure function (a social card), kept in the site's cache.

    The build looks for `.sitegen/<cache>/<key><suffix of path>` and calls `make(spec)` only
    when it is not there (in worker processes when many are missing); `key` must change
    whenever the bytes `make(spec)` returns may change."""

    path: str
    """Output path, relative to the output folder."""
    cache: str
    """Its folder in the site's cache: 'cards'."""
    key: str
    """A hex digest of everything the bytes depend on."""
    spec: Any
    make: Callable[[Any], bytes]
    """A module-level function: spec -> bytes. It raises sitecache.CannotMake when it cannot work
    here (a library or font missing): the build then says so and goes on without the file."""


JobsFn = Callable[[Site, Cards, Memo], list[Job]]
RemakeFn = Callable[[Site, Cards, Memo, Edit], list[Job]]
FilesFn = Callable[[Site, Sequence[PageEntry], Memo], Iterable[OutputFile]]
AssetsFn = Callable[[Site, Memo], list[Asset]]


def no_nav(site: Site) -> NavLinks:
    return ()


def no_style(site: Site, memo: Memo) -> str:
    return ""


@dataclass(frozen=True)
class PageKind:
    """One kind of output. Functions take a memo (serve keeps one; a clean build passes
    NO_MEMO) so that a job whose inputs are unchanged comes back as the same object; the
    names given to memo.get must not clash with another kind's (a new kind: start them
    with its own name), and their deps must cover everything the job reads."""

    name: str
    reads: Reads
    jobs: JobsFn | None = None
    """Its pages, rendered from templates. On serve's patch paths a job's output path must
    depend only on the site's shape."""
    remake: RemakeFn | None = None
    """A narrower `jobs` for serve: only the jobs an edit can change (the brief kind remakes
    the edited briefs' pages, not 10,000). Default: every job when the edit touches what
    `reads` declares, none otherwise."""
    files: FilesFn | None = None
    """Outputs made as bytes (feeds, sitemap), after every page job, from the site and the
    pages (path and noindex of each job); a file wins its path over a page job. serve makes them
    on every rebuild, through the memo. A build's memo (lastbuild.FileMemo) may hand back a file
    as a LinkedFile to the cached bytes: pass memo results on, never read them."""
    assets: AssetsFn | None = None
    """Binary outputs made once and cached in the site's .sitegen/ folder (see Asset); serve
    asks for them on every rebuild, through the memo, and writes only those whose key changed."""
    reserved: tuple[str, ...] = ()
    """First URL segments it writes under: no plain page may take these slugs."""
    nav: Callable[[Site], NavLinks] = no_nav
    """Links it adds to every page's header, in registry order."""
    style: Callable[[Site, Memo], str] = no_style
    """CSS it adds to every page (before the theme's), in registry order: the CJK @font-face."""

    def after(self, site: Site, cards: Cards, memo: Memo, edit: Edit) -> list[Job]:
        """The jobs of this kind that `edit` may have changed (the memo hands back the rest)."""
        if self.jobs is None:
            return []
        if self.remake is not None:
            return self.remake(site, cards, memo, edit)
        return self.jobs(site, cards, memo) if self.touched(edit) else []

    def touched(self, edit: Edit) -> bool:
        """Whether `edit` changed what this kind reads (without a `remake`, `after` then makes
        all of its jobs: which pages it has may have changed too, an alias or a ledger gone)."""
        return bool((Reads.BODIES in self.reads and edit.briefs) or (Reads.CARDS in self.reads and edit.cards)
                    or (Reads.RELATED in self.reads and edit.relinked))
