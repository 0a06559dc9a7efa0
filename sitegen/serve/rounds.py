"""What the last good rebuild leaves for the next one, so a small edit can patch it."""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from pathlib import Path

from sitegen.model import Brief, Site, Term
from sitegen.pages.kind import index_links, term_members, terms_listing
from sitegen.render import Job


@dataclass(frozen=True)
class Round:
    """The last good rebuild, as the fast paths need it (LiveSite._body_edit, LiveSite._patch_jobs)."""

    site: Site
    jobs: list[Job]
    job_at: dict[str, int]
    """Output path -> index of the job that wins it."""
    wanted_keys: dict[str, bytes]
    """Output path -> render key, for every page job."""
    static: dict[str, Path]
    cards: dict[str, Brief]
    env_generation: int
    """The Environment the round's render keys were made with."""

    def terms_with(self, key: str, slugs: set[str]) -> list[Term]:
        """The terms of taxonomy `key` that list any of these briefs."""
        return terms_listing(self._members, key, slugs)

    @functools.cached_property
    def linked_from(self) -> dict[str, list[str]]:
        return index_links(self.site.related)

    def successor(self, site: Site, **changes: object) -> Round:
        """The next round; indexes of what did not change are handed on rather than rebuilt."""
        new = dataclasses.replace(self, site=site, **changes)
        for name, same in (("_members", site.taxonomies is self.site.taxonomies),
                           ("linked_from", site.related is self.site.related)):
            if same and name in self.__dict__:
                new.__dict__[name] = self.__dict__[name]
        return new

    @functools.cached_property
    def _members(self) -> dict[str, dict[str, list[Term]]]:
        return term_members(self.site.taxonomies)

    @functools.cached_property
    def by_path(self) -> dict[str, Brief]:
        """Source path -> published brief (made when the fast path first needs it)."""
        return {b.source_path: b for b in self.site.briefs}

