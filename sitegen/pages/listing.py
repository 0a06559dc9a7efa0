"""Paginated lists of brief cards: the home page and every term page are one."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sitegen.config import SiteConfig
from sitegen.memo import NO_MEMO, Memo
from sitegen.messages import Messages
from sitegen.model import Brief
from sitegen.render import Job, PageMeta
from sitegen.slotted import fast_state
from sitegen.urls import list_path, output_file


@fast_state
@dataclass(frozen=True, slots=True)
class Pager:
    number: int
    total: int
    prev_rel: str | None
    next_rel: str | None


def paginate(items: tuple[Any, ...], per_page: int, prefix: str) -> list[tuple[tuple[Any, ...], Pager, str]]:
    """Chunks of items with their pager and URL; always at least one (possibly empty) page."""
    total = max(1, math.ceil(len(items) / per_page))
    out = []
    for n in range(1, total + 1):
        chunk = items[(n - 1) * per_page: n * per_page]
        prev_rel = list_path(prefix, n - 1) if n > 1 else None
        next_rel = list_path(prefix, n + 1) if n < total else None
        out.append((chunk, Pager(n, total, prev_rel, next_rel), list_path(prefix, n)))
    return out


def list_jobs(c: SiteConfig, items: tuple[Brief, ...], prefix: str, title: str, description: str,
              kind: str, extra: dict[str, Any] | None = None, memo: Memo = NO_MEMO) -> list[Job]:
    """The pages of one list: `items` are cards, `prefix` the URL of its first page."""
    jobs = []
    extra = extra or {}
    extra_deps = tuple(extra.items())
    for chunk, pager, rel in paginate(items, c.per_page, prefix):
        jobs.append(memo.get(("list", rel), (c, chunk, pager, title, description, kind, extra_deps),
                             lambda chunk=chunk, pager=pager, rel=rel:  # type: ignore[misc]
                             list_job(chunk, pager, rel, title, description, kind, extra, c.messages)))
    return jobs


def list_job(chunk: tuple[Brief, ...], pager: Pager, rel: str, title: str, description: str, kind: str,
             extra: dict[str, Any], messages: Messages = Messages()) -> Job:
    page_title = title if pager.number == 1 else messages.gettext("%(title)s (page %(number)s)", title=title,
                                                                  number=pager.number)
    context = {
        "page": PageMeta(page_title, description, rel, kind),
        "heading": title,
        "items": chunk,
        "pager": pager,
        **extra,
    }
    return Job(output_file(rel), "list.html", context, f"{title} page {pager.number}")
