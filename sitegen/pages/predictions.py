"""/predictions/: the prediction ledger. Every prediction of every brief: open ones by due
date (overdue ones flagged, as of the build clock), settled ones with their outcome, and
hit rates by source, tag and audience with their counts, so a rate from two predictions
is seen for what it is. A partial hit counts half."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sitegen.config import SiteConfig
from sitegen.memo import Memo
from sitegen.model import Brief, Prediction, Site
from sitegen.pages.kind import Cards, PageKind, Reads
from sitegen.messages import N_
from sitegen.render import Job, PageMeta
from sitegen.urls import PREDICTIONS_PATH, output_file, term_path_of


@dataclass(frozen=True)
class Entry:
    prediction: Prediction
    brief: Brief
    """The card of the brief that made the prediction."""
    settled_by: Brief | None
    """The card of the brief named by resolved_in, when it is published."""
    days_left: int | None
    """Days from the build date to resolve_by (negative: overdue); None without a due date."""

    @property
    def overdue(self) -> bool:
        return not self.prediction.settled and self.days_left is not None and self.days_left < 0


@dataclass(frozen=True)
class Tally:
    name: str
    rel: str
    hits: int = 0
    partial: int = 0
    misses: int = 0

    @property
    def settled(self) -> int:
        return self.hits + self.partial + self.misses

    @property
    def rate(self) -> float:
        """Hits per settled prediction, a partial hit counting half."""
        return (self.hits + 0.5 * self.partial) / self.settled if self.settled else 0.0


def ledger(briefs: Iterable[Brief], cards: Cards, today: dt.date) -> tuple[tuple[Entry, ...], tuple[Entry, ...]]:
    """(open, settled): open ones soonest due first (no due date last), settled ones most
    recently due first; ties keep the site's order (newest brief first)."""
    entries = [Entry(p, cards[b.slug], cards.get(p.resolved_in),
                     (p.resolve_by - today).days if p.resolve_by is not None else None)
               for b in briefs for p in b.predictions]
    still_open = sorted((e for e in entries if not e.prediction.settled),
                        key=lambda e: (e.days_left is None, e.days_left or 0))
    settled = sorted((e for e in entries if e.prediction.settled),
                     key=lambda e: -(e.days_left or 0))
    return tuple(still_open), tuple(settled)


_COLUMN = {"hit": 0, "partial": 1, "miss": 2}
"""Where each settled outcome is counted: Tally(name, rel, hits, partial, misses)."""


def total(settled: Iterable[Entry]) -> Tally:
    counts = [0, 0, 0]
    for e in settled:
        counts[_COLUMN[e.prediction.outcome]] += 1
    return Tally("all", "", *counts)


def tallies(settled: Iterable[Entry], taxonomy: str) -> tuple[Tally, ...]:
    """Outcomes per source ('sources'), tag ('tags') or audience ('audiences'), most settled first."""
    counts: dict[str, list[int]] = {}
    for e in settled:
        b = e.brief
        names = (b.source.name,) if taxonomy == "sources" else b.tags if taxonomy == "tags" else b.audience
        for name in dict.fromkeys(names):
            counts.setdefault(name, [0, 0, 0])[_COLUMN[e.prediction.outcome]] += 1
    out = (Tally(name, term_path_of(taxonomy, name), *c) for name, c in counts.items())
    return tuple(sorted(out, key=lambda t: (-t.settled, -t.rate, t.name.casefold())))


def predictions_jobs(site: Site, cards: Cards, memo: Memo) -> list[Job]:
    with_predictions = tuple(b for b in site.briefs if b.predictions)
    if not with_predictions:
        return []
    c = site.config
    deps = (c, site.today, tuple((cards[b.slug], b.predictions) for b in with_predictions),
            tuple(cards.get(p.resolved_in) for b in with_predictions for p in b.predictions))
    return [memo.get("predictions", deps, lambda: ledger_job(c, with_predictions, cards, site.today))]


def ledger_job(c: SiteConfig, briefs: tuple[Brief, ...], cards: Cards, today: dt.date) -> Job:
    still_open, settled = ledger(briefs, cards, today)
    context = {
        "page": PageMeta(c.messages.gettext("Prediction ledger"),
                         c.messages.gettext("Every prediction made in %(site)s's briefs, and how it turned out.", site=c.title),
                         PREDICTIONS_PATH, "predictions"),
        "open": still_open,
        "overdue": sum(e.overdue for e in still_open),
        "settled": settled,
        "total": total(settled),
        # column labels, translated in the template
        "by": [("Source", tallies(settled, "sources")), ("Tag", tallies(settled, "tags")),
               ("Audience", tallies(settled, "audiences"))],
    }
    return Job(output_file(PREDICTIONS_PATH), "predictions.html", context, "prediction ledger")


def _nav(site: Site) -> tuple[tuple[str, str], ...]:
    return ((N_("Predictions"), PREDICTIONS_PATH),) if any(b.predictions for b in site.briefs) else ()


KIND = PageKind("predictions", Reads.SHAPE | Reads.CARDS | Reads.BODIES, jobs=predictions_jobs,
                reserved=("predictions",), nav=_nav)
