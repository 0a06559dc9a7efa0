"""The one list of page kinds, in output order, and the loops every build runs over it.

Like markdown-it-py's Ruler: kinds live one per module and are listed once, here. A
Registry is an immutable value, so a build or serve session can be given another one
(BuildOptions.page_kinds) without touching global state:

    kinds = DEFAULT.with_kind(my_kind, after="term_index")
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from sitegen.memo import NO_MEMO, Memo
from sitegen.model import OutputFile, Site
from sitegen.pages import (aliases, brief, extras, feeds, home, not_found, plain, predictions, search, social, stories,
                           stylesheet, term, term_index, webfont, week, week_audience, week_email, weekly_archive)
from sitegen.pages.kind import Asset, Cards, Edit, NavLinks, PageKind
from sitegen.render import Job, PageEntry, cards_of


@dataclass(frozen=True)
class Registry:
    kinds: tuple[PageKind, ...]

    def __post_init__(self) -> None:
        names = [k.name for k in self.kinds]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"page kinds registered twice: {', '.join(twice)}")

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(k.name for k in self.kinds)

    def with_kind(self, kind: PageKind, *, before: str | None = None, after: str | None = None) -> Registry:
        """A registry with `kind` added: at the end, or before/after the kind of that name."""
        kinds = list(self.kinds)
        if before is not None:
            kinds.insert(self._index(before), kind)
        elif after is not None:
            kinds.insert(self._index(after) + 1, kind)
        else:
            kinds.append(kind)
        return Registry(tuple(kinds))

    def without(self, name: str) -> Registry:
        self._index(name)
        return Registry(tuple(k for k in self.kinds if k.name != name))

    def _index(self, name: str) -> int:
        try:
            return self.names.index(name)
        except ValueError:
            raise KeyError(f"no page kind {name!r} (registered: {', '.join(self.names)})") from None

    # --- the loops ----------------------------------------------------------------------------
    def jobs(self, site: Site, cards: Cards | None = None, memo: Memo = NO_MEMO) -> list[Job]:
        """Every page job of the site, in registry order (a later job wins a path)."""
        return [job for _, jobs in self.jobs_by_kind(site, cards, memo) for job in jobs]

    def jobs_by_kind(self, site: Site, cards: Cards | None = None, memo: Memo = NO_MEMO,
                     ) -> list[tuple[PageKind, list[Job]]]:
        """The page jobs of each kind that has any, in registry order."""
        cards = cards_of(site, memo) if cards is None else cards
        return [(kind, kind.jobs(site, cards, memo)) for kind in self.kinds if kind.jobs is not None]

    def after(self, site: Site, cards: Cards, memo: Memo, edit: Edit,
              had: Callable[[PageKind], set[str]]) -> list[Job] | None:
        """The patch paths (serve's, and a build's after its record): the jobs that `edit` may
        have changed, of every kind; None when a kind the edit touches and that makes all its
        jobs again (no `remake`) now makes other pages than it `had`: a page gone must be
        removed, which only making every job does (an alias removed, the last prediction gone)."""
        out: list[Job] = []
        for kind in self.kinds:
            made = kind.after(site, cards, memo, edit)
            if kind.remake is None and kind.touched(edit) and {job.path for job in made} != had(kind):
                return None
            out += made
        return out

    def files(self, site: Site, pages: Sequence[PageEntry], memo: Memo = NO_MEMO) -> Iterator[OutputFile]:
        """Every output that is not a page job (feeds, sitemap, robots.txt, ...), given every page
        (render.page_entries of the jobs). A generator: a kind's files can be written and freed
        before the next kind makes its own."""
        for kind in self.kinds:
            if kind.files is not None:
                yield from kind.files(site, pages, memo)

    def assets(self, site: Site, memo: Memo = NO_MEMO) -> list[Asset]:
        """Every cached binary output (social cards), in registry order."""
        out: list[Asset] = []
        for kind in self.kinds:
            if kind.assets is not None:
                out += kind.assets(site, memo)
        return out

    def style(self, site: Site, memo: Memo = NO_MEMO) -> str:
        """CSS the kinds add to every page."""
        return "".join(kind.style(site, memo) for kind in self.kinds)

    def nav(self, site: Site) -> NavLinks:
        """The header links of every page."""
        return tuple(link for kind in self.kinds for link in kind.nav(site))

    @functools.cached_property
    def reserved_slugs(self) -> frozenset[str]:
        """Slugs no plain page may take: the first URL segments the kinds write under."""
        return frozenset(slug for kind in self.kinds for slug in kind.reserved)


DEFAULT = Registry((
    home.KIND,
    brief.KIND,
    aliases.KIND,
    social.KIND,
    webfont.KIND,
    week.KIND,
    week_audience.KIND,
    week_email.KIND,
    weekly_archive.KIND,
    stories.KIND,
    predictions.KIND,
    term.KIND,
    term_index.KIND,
    plain.KIND,
    not_found.KIND,
    search.KIND,
    stylesheet.KIND,
    feeds.KIND,
    extras.KIND,
))
"""The kinds of every site, in output order (the header links follow it too)."""
