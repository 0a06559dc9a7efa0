"""The front-matter contracts of briefs and plain pages: strict, with a location for every problem.

validate_brief() checks a brief against the field table (brieffields.BRIEF_FIELDS) and
returns its checked values (text still raw Markdown); it never stops at the first
problem, so a build reports every mistake at once.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from sitegen import brieffields
from sitegen.codes import Code
from sitegen.fieldreader import FieldReader

PAGE_KEYS = ("title", "slug", "summary", "draft")

_NOT_A_MAPPING = ("front matter must be a mapping of keys to values",
                  "write lines such as 'title: ...' between the --- lines")


def validate_brief(r: FieldReader, tz: ZoneInfo) -> dict[str, Any] | None:
    """{field name: checked value} for each key present, or None (problems are in r.diags)."""
    data = r.doc.data
    if not isinstance(data, dict):
        r.error((), *_NOT_A_MAPPING, code=Code.NOT_A_MAPPING)
        return None
    table = brieffields.BRIEF_FIELDS
    r.known_keys((), data, brieffields.names(), "brief front matter")
    checked: dict[str, Any] = {}
    for f in table:
        if f.name in data:
            checked[f.name] = f.read(r, (f.name,), data[f.name], tz)
        elif f.required:
            r.error((), f"missing required key '{f.name}'", f.missing_hint, code=Code.MISSING_KEY)
        if f.needs and f.name in data and f.needs not in data:
            r.error((f.name,), f"'{f.name}' needs '{f.needs}' too", f.needs_hint, key=True, code=Code.NEEDS_KEY)
    _check_order(r, checked)
    return None if r.diags else checked


def _check_order(r: FieldReader, checked: dict[str, Any]) -> None:
    """Datetimes that must come after another one."""
    when = {k: v[0] for k, v in checked.items() if k in ("date", "updated", "publish_at", "expires") and v}
    if "updated" in when and "date" in when and when["updated"] < when["date"]:
        r.error(("updated",), "'updated' is before 'date'",
                "updated is when the brief last changed; it cannot be earlier than the news it reports",
                code=Code.DATE_ORDER)
    if "expires" in when and "publish_at" in when and when["expires"] <= when["publish_at"]:
        r.error(("expires",), "'expires' is not after 'publish_at'", "a brief must be live for some time: move one of them",
                code=Code.DATE_ORDER)


def validate_page(r: FieldReader) -> tuple[str, str | None, str, bool] | None:
    """(title, slug, summary, draft) of a plain page."""
    data = r.doc.data if r.doc.data is not None else {}
    if not isinstance(data, dict):
        r.error((), *_NOT_A_MAPPING, code=Code.NOT_A_MAPPING)
        return None
    r.known_keys((), data, PAGE_KEYS, "page front matter")
    if "title" not in data:
        r.error((), "missing required key 'title'", brieffields.row("title").missing_hint, code=Code.MISSING_KEY)
    title = r.string(("title",), data["title"], "title") if "title" in data else None
    slug = r.slug(("slug",), data["slug"]) if "slug" in data else None
    summary = r.string(("summary",), data["summary"], "summary") if "summary" in data else ""
    draft = bool(r.boolean(("draft",), data["draft"], "draft")) if "draft" in data else False
    if r.diags or title is None:
        return None
    return title, slug, summary or "", draft
