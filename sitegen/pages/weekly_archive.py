"""/weekly/: every week, newest first (its feed is made by the feeds kind)."""

from __future__ import annotations

from sitegen.config import SiteConfig
from sitegen.memo import Memo
from sitegen.model import Site, Week
from sitegen.pages.kind import Cards, PageKind, Reads
from sitegen.render import Job, PageMeta
from sitegen.urls import WEEKLY_PATH, output_file
from sitegen.messages import N_
from sitegen.weekly import week_label, week_range


def weekly_archive_jobs(site: Site, cards: Cards, memo: Memo) -> list[Job]:
    c = site.config
    return [memo.get("weekly", (c, site.weeks), lambda: archive_job(c, site.weeks))]


def archive_job(c: SiteConfig, weeks: tuple[Week, ...]) -> Job:
    m = c.messages
    archive = {
        "page": PageMeta(m.gettext("Weekly recaps"), m.gettext("Every week of %(site)s, newest first.", site=c.title),
                         WEEKLY_PATH, "archive"),
        "weeks": [(w, week_label(w.key, m), week_range(w, m)) for w in weeks],
    }
    return Job(output_file(WEEKLY_PATH), "weekly.html", archive, "weekly archive")


KIND = PageKind("weekly_archive", Reads.SHAPE, jobs=weekly_archive_jobs, reserved=("weekly",),
                nav=lambda site: ((N_("Weekly"), WEEKLY_PATH),))
