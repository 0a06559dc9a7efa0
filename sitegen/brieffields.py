"""The brief front matter as one table: a row per field, everything else derived from it.

Validation (schema.validate_brief), the model values (content), a brief's card (what lists
show), the brief page's sections, `sitegen new`'s skeleton and the README reference all
read BRIEF_FIELDS. Adding an optional field is one row here plus its partial in
layouts/partials/ (and its README line, which tests/test_brieffields.py asks for).

Readers of the table look it up when they run (`brieffields.BRIEF_FIELDS`), never copy it
at import time, so a test can add a row for the length of one test.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from collections.abc import Callable, Iterator
from typing import Any

from sitegen import briefshapes as shape
from sitegen.briefshapes import Builder, Inline, Reader
from sitegen.model import Brief, FieldValues


@dataclass(frozen=True)
class BriefField:
    """One front-matter key of a brief."""

    name: str
    read: Reader
    """The field's type: checks the YAML value, returns it checked (see briefshapes)."""
    doc: str
    """Its lines in the README reference: the key, an example value and a comment."""
    example: str
    """Its lines in `sitegen new`'s skeleton, commented out there unless required.
    '{title}', '{date}' and '{summary}' are filled in with the new brief's values."""
    required: bool = False
    missing_hint: str = ""
    """Hint under "missing required key" (required fields)."""
    markdown: bool = False
    """Inline Markdown, rendered and sanitized; otherwise plain text (escaped by the templates)."""
    card: bool = True
    """Card data: lists show it or assembling the site reads it (weeks, related, drafts), so
    a change marks every list showing the brief as changed. False: only the brief's own page
    shows it, and a change re-renders that page alone."""
    default: Any = None
    """The checked value when the key is absent."""
    build: Builder | None = None
    """Checked value -> the Brief attributes it sets; default: {name: value}, text through
    inline Markdown when `markdown`."""
    partial: str = ""
    """The brief-page section that shows it; '' when another part shows it (the header)."""
    above_body: bool = False
    """Its section comes before the analysis (the Markdown body)."""
    prose: bool = False
    """Text a reader reads through: counted, with the body, in the brief's reading time."""
    heading: tuple[str, str] = ("", "")
    """(id, label) of its section's heading, for the brief's table of contents."""
    shown: Callable[[Brief], bool] | None = None
    """Whether its section shows; default: the field has a value."""
    needs: str = ""
    """Another field that must be given with this one (image needs image_alt)."""
    description: str = ""
    """One line for `sitegen schema` (JSON Schema), so editors and pipelines see what the field is."""
    needs_hint: str = ""

    def model(self, value: Any, md: Inline) -> dict[str, Any]:
        render = md if self.markdown else _plain
        if self.build is not None:
            return self.build(value, render)
        if isinstance(value, tuple):
            return {self.name: tuple(render(v) if isinstance(v, str) else v for v in value)}
        return {self.name: render(value) if isinstance(value, str) else value}


def _plain(text: str) -> str:
    return text


def _row(name: str, read: Reader, doc: str, example: str, **kw: Any) -> BriefField:
    return BriefField(name, read, doc, example, **kw)


BRIEF_FIELDS: tuple[BriefField, ...] = (
    _row("title", shape.text,
         description="Headline of the brief.",
         prose=True, required=True, missing_hint='add a line such as: title: "What happened"',
         doc='title: "AWS Booms but Amazon\'s Cash Flow Vanishes on AI Capex"  # required',
         example="title: {title}"),
    _row("date", shape.when,
         description="When the news happened: a date (YYYY-MM-DD) or a datetime (YYYY-MM-DDTHH:MM:SS, optional offset such as +08:00); without an offset, the site timezone.",
         required=True, build=shape.build_when,
         missing_hint="add a line such as: date: 2026-05-02T08:14:00+08:00",
         doc="date: 2026-05-02T08:14:00+08:00       # required; date or datetime; no offset → site timezone",
         example="date: {date}"),
    _row("slug", shape.slug,
         description="URL segment and file name of the brief (letters of any script, digits, '-', '_'); default: the file name without .md.",
         build=shape.build_nothing,  # content falls back to the file name
         doc="slug: aws-capex                        # optional; default: file name without .md",
         example="slug: my-brief                        # default: the file name without .md"),
    _row("source", shape.source,
         description="The publication the brief summarises.",
         required=True, build=shape.build_source,
         missing_hint="add source: with name: and url: under it",
         doc="source:                                # required\n"
             "  name: 虎嗅                           # required\n"
             "  url: https://www.huxiu.com/article/1.html   # required, http or https only\n"
             "  lang: zh                             # optional BCP 47 tag\n"
             '  published: 2026-05-02T08:00:00+08:00 # optional; shown as freshness: "collected in 14m"',
         example="source:\n"
                 '  name: "Example News"                  # required: the publication you are summarising\n'
                 "  url: https://example.com/article      # required: the original article (http or https)\n"
                 "  # lang: en                            # BCP 47 language tag of the source\n"
                 '  # published: {date}  # when the source published it: shows "collected in 14m"'),
    _row("summary", shape.text,
         description="One-line hook under the title and in every list.",
         prose=True, required=True, missing_hint='add a one-line hook: summary: "..."',
         doc='summary: "One-line hook under the title and in every list"   # required',
         example="summary: {summary}"),
    _row("image", shape.image,
         description="An image to share the brief with instead of the generated card: a path in static/ or an https URL. Needs image_alt.",
         default="", card=False, needs="image_alt", build=shape.build_image,
         needs_hint='describe the image for readers who cannot see it: image_alt: "Chart of ..."',
         partial="partials/brief-image.html", above_body=True,
         doc="image: images/aws-capex.png            # optional; a file in static/ or an https URL: shared\n"
             "                                       # instead of the generated card, shown above the brief",
         example="image: images/chart.png               # shared instead of the generated card; needs image_alt"),
    _row("image_alt", shape.text,
         description="The text alternative of image, for readers who cannot see it.",
         default="", card=False,
         doc='image_alt: "Chart of AWS revenue by quarter"   # required with image: the text alternative',
         example='image_alt: "..."                      # what the image shows, for readers who cannot see it'),
    _row("ai_generated", shape.flag,
         description="Labels the analysis 'AI-generated analysis'.",
         default=False, card=False,
         doc='ai_generated: true                     # optional; labels the analysis "AI-generated analysis"',
         example='ai_generated: true                    # labels the analysis "AI-generated analysis"'),
    _row("weight", shape.number,
         description="Higher comes first in its weekly recap.",
         default=0.0,
         doc="weight: 10                             # optional number; higher comes first in its weekly recap",
         example="weight: 0                             # higher comes first in its weekly recap"),
    _row("tldr", shape.tldr,
         description="The 30-second read (inline Markdown): what changed, why it matters, what to do next.",
         heading=("tldr-h", "TL;DR"), shown=lambda b: bool(b.tldr or b.audience), prose=True, default={}, markdown=True, build=shape.build_tldr,
         partial="partials/brief-tldr.html", above_body=True,
         doc="tldr:                                  # optional; each key optional; inline Markdown\n"
             "  what_changed: ...\n  why_it_matters: ...\n  what_to_do_next: ...",
         example="tldr:\n  what_changed: ...\n  why_it_matters: ...\n  what_to_do_next: ..."),
    _row("audience", shape.labels,
         description="Who should care: audience names, each with a page of its own.",
         default=(),  # shown in the TL;DR section
         doc='audience: [Enterprise & Security Teams]   # "Who should care"',
         example='audience: [Enterprise & Security Teams]   # "Who should care"'),
    _row("tags", shape.labels,
         description="Tags, each with a page of its own.",
         default=(),
         doc="tags: [aws, ai-capex]",
         example="tags: [example-tag]"),
    _row("metrics", shape.metrics,
         description="Key metrics: a label, a value (number or text), and optionally a unit, a change and a series that links the metric across briefs.",
         heading=("metrics-h", "Key metrics"), default=(), build=shape.build_metrics,
         partial="partials/brief-metrics.html", above_body=True,
         doc="metrics:                               # label required; value number or text; unit, change optional\n"
             '  - {label: AWS Q1 revenue, value: 37.6, unit: "$B", change: "+28%"}\n'
             "  - {label: Backlog, value: 212, unit: \"$B\", series: aws-backlog}  # series: one line across briefs",
         example='metrics:\n  - {label: Revenue, value: 37.6, unit: "$B", change: "+28%"}'),
    _row("takeaways", shape.texts,
         description="Key takeaways (inline Markdown).",
         heading=("takeaways-h", "Key takeaways"), prose=True, default=(), markdown=True, card=False, partial="partials/brief-takeaways.html",
         doc='takeaways: [..., ...]                  # "Key takeaways" (inline Markdown)',
         example="takeaways:\n  - ..."),
    _row("comparison", shape.comparison,
         description="Competitor analysis: a table of columns and rows, each row as long as columns (inline Markdown).",
         heading=("comparison-h", "Competitor analysis"), default=None, card=False, build=shape.build_comparison,
         partial="partials/brief-comparison.html",
         doc='comparison:                            # "Competitor analysis", shown collapsible\n'
             "  title: Competitor Analysis           # optional\n"
             "  columns: [Feature, AWS, Azure]\n"
             "  rows: [[Primary focus, Cost-optimized, OpenAI ecosystem]]   # each row as long as columns",
         example="comparison:                           # shown as a collapsible table\n"
                 "  title: Competitor analysis\n  columns: [Feature, Us, Them]\n  rows:\n    - [Focus, ..., ...]"),
    _row("deep_dive", shape.texts,
         description="Technical deep dive: paragraphs of inline Markdown.",
         heading=("deep-dive-h", "Technical deep dive"), prose=True, default=(), markdown=True, card=False, partial="partials/brief-deep-dive.html",
         doc='deep_dive: [..., ...]                  # "Technical deep dive" (inline Markdown paragraphs)',
         example="deep_dive:\n  - ..."),
    _row("predictions", shape.predictions,
         description="Future implications: claims, each with an optional rationale, due date (resolve_by) and outcome.",
         heading=("predictions-h", "Future implications"), prose=True, default=(), markdown=True, card=False, build=shape.build_predictions,
         partial="partials/brief-predictions.html",
         doc='predictions:                           # "Future implications"; only claim is required\n'
             "  - claim: ...\n"
             "    rationale: ...\n"
             "    resolve_by: 2027-06-30             # when it falls due: the /predictions/ ledger\n"
             "    outcome: pending                   # pending | hit | miss | partial (needs resolve_by)\n"
             "    outcome_note: ...                  # what happened (inline Markdown)\n"
             "    resolved_in: later-brief-slug      # the brief that settled it",
         example="predictions:\n  - {claim: ..., rationale: ...}"),
    _row("timeline", shape.timeline,
         description="Events that led here: dates as YYYY, YYYY-MM or YYYY-MM-DD, events in inline Markdown.",
         heading=("timeline-h", "Timeline"), prose=True, default=(), markdown=True, card=False, build=shape.build_timeline,
         partial="partials/brief-timeline.html",
         doc="timeline:                              # date is YYYY, YYYY-MM or YYYY-MM-DD\n"
             "  - {date: 2020-12, event: ...}",
         example="timeline:                             # dates as YYYY, YYYY-MM or YYYY-MM-DD\n"
                 "  - {date: 2026-05, event: ...}"),
    _row("related", shape.related,
         description="Slugs of briefs pinned as related updates; each must exist.",
         default=(), build=shape.build_related,
         doc="related: [other-slug]                  # pinned related updates; an unknown slug is an error",
         example="related: [other-brief-slug]           # pinned related updates"),
    _row("publish_at", shape.when,
         description="Scheduled: no page, feed entry or listing before this moment (date or datetime).",
         default=None, build=shape.build_moment("publish_at"),
         doc="publish_at: 2026-05-03T07:00:00+08:00  # optional; scheduled: no page, feed entry or listing before then",
         example="publish_at: 2026-05-03T07:00:00+08:00 # go live then (date stays the date of the news)"),
    _row("expires", shape.when,
         description="Taken down from this moment on, like a draft (date or datetime).",
         default=None, build=shape.build_moment("expires"),
         doc="expires: 2026-06-01                    # optional; taken down from then on (like a draft)",
         example="expires: 2026-06-01                   # taken down from then on"),
    _row("updated", shape.when,
         description="When the brief last changed in substance; not before date.",
         default=None, build=shape.build_moment("updated"),
         doc="updated: 2026-05-04T10:00:00+08:00     # optional; not before date; shown, and the feeds' and sitemap's date",
         example="updated: 2026-05-04T10:00:00+08:00    # when the brief last changed in substance"),
    _row("corrections", shape.corrections,
         description="Corrections shown in a box on the brief: a date and a note (inline Markdown) each.",
         default=(), markdown=True, card=False, build=shape.build_corrections,
         partial="partials/brief-corrections.html", above_body=True, heading=("corrections-h", "Corrections"),
         doc="corrections:                           # optional; shown in a box on the brief\n"
             "  - {date: 2026-05-04, note: An earlier version gave Q1 revenue as $36.7B.}",
         example="corrections:\n  - {date: 2026-05-04, note: What was wrong and what it says now}"),
    _row("aliases", shape.aliases,
         description="Earlier slugs of this brief: each old URL redirects here.",
         default=(), build=shape.build_aliases,
         doc="aliases: [old-slug]                    # optional; earlier slugs: each old URL redirects here",
         example="aliases: [old-slug]                   # earlier slugs, after a rename: they redirect here"),
    _row("lang", shape.located_text,
         description="The brief's language, one of the site's languages (default: the site's).",
         default="", card=False, build=shape.build_located("lang"),
         doc="lang: zh                               # optional; the brief's language (default: the site's)",
         example="lang: en                              # the brief's language: one of the site's languages"),
    _row("translation_of", shape.located_text,
         description="The slug of the brief, in another language, that this one translates.",
         default="", card=False, build=shape.build_located("translation_of"),
         doc="translation_of: nimbus-q3-earnings     # optional; the brief (in another language) this translates",
         example="translation_of: other-slug            # the same story in another language: pages link both"),
    _row("story", shape.slug,
         description="The story this brief is part of: its slug, the page /stories/<story>/.",
         default="",
         doc="story: nimbus-ai-buildout               # optional; the story this brief is part of: /stories/<story>/",
         example="story: story-slug                     # the story this brief is part of"),
    _row("draft", shape.flag,
         description="Drafts are built only with --drafts.",
         default=False,
         doc="draft: false                           # drafts are built only with --drafts",
         example="draft: true                          # drafts are built only with --drafts"),
)
"""In contract order: the README reference, the skeleton and the brief page follow it."""


def row(name: str) -> BriefField:
    return next(f for f in BRIEF_FIELDS if f.name == name)


@functools.cache
def typed_attributes() -> frozenset[str]:
    """Brief attributes declared in model.py; every other field's value goes in Brief.more."""
    return frozenset(f.name for f in dataclasses.fields(Brief))


def model_values(checked: dict[str, Any], md: Inline) -> dict[str, Any]:
    """Brief keyword arguments for checked front matter: every field of the table, absent
    ones at their default, the fields without a typed attribute gathered in `more`."""
    typed = typed_attributes()
    kwargs: dict[str, Any] = {}
    more = []
    for f in BRIEF_FIELDS:
        for attr, value in f.model(checked.get(f.name, f.default), md).items():
            if attr in typed:
                kwargs[attr] = value
            else:
                more.append((attr, value))
    kwargs["more"] = FieldValues(tuple(more))
    return kwargs


def prose_of(checked: dict[str, Any]) -> Iterator[str]:
    """The text of every prose field as written (before Markdown), for the reading time."""
    def strings(value: Any) -> Iterator[str]:
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for v in value.values():
                yield from strings(v)
        elif isinstance(value, (tuple, list)):
            for v in value:
                yield from strings(v)
    for f in BRIEF_FIELDS:
        if f.prose and f.name in checked:
            yield from strings(checked[f.name])


def card(b: Brief) -> Brief:
    """A brief as lists show it: its card fields only, no body and no page-only field, so an
    edit of those changes the brief's own page alone (incremental rebuilds rely on it).
    Page-only fields have no typed attribute (a test checks it): they are all in `more`."""
    page_only = [f.name for f in BRIEF_FIELDS if not f.card]
    return dataclasses.replace(b, body_html="", cjk_chars="", more=b.more.without(page_only))


MIN_CONTENTS = 4
"""A brief with this many sections or more gets a table of contents."""


def contents(b: Brief) -> tuple[tuple[str, str], ...]:
    """(heading id, label) of each section the brief page shows, in page order; () when there
    are fewer than MIN_CONTENTS, since a short brief needs no map."""
    rows = [f for f in BRIEF_FIELDS if f.partial and f.heading[0]]
    def present(f: BriefField) -> bool:
        return f.shown(b) if f.shown is not None else bool(getattr(b, f.name))
    found = [f.heading for f in rows if f.above_body and present(f)]
    if b.body_html.strip():
        found.append(("analysis-h", "AI-generated analysis" if b.ai_generated else "Deep insight"))
    found += [f.heading for f in rows if not f.above_body and present(f)]
    return tuple(found) if len(found) >= MIN_CONTENTS else ()


SECTIONS_TEMPLATE = "partials/brief-sections.html"
BODY_PARTIAL = "partials/brief-body.html"


def sections_template() -> str:
    """The source of SECTIONS_TEMPLATE: the brief page's sections in table order, the
    analysis (body) after the last `above_body` one. Static includes, so the render cache
    still sees which templates a brief page uses."""
    shown = [f for f in BRIEF_FIELDS if f.partial]
    names = [f.partial for f in shown if f.above_body] + [BODY_PARTIAL]
    names += [f.partial for f in shown if not f.above_body]
    return "".join(f'{{% include "{n}" %}}\n' for n in names)


def readme_reference() -> str:
    """The README's front-matter reference: the YAML example, then a summary table."""
    lines = ["```yaml", "---", *(f.doc for f in BRIEF_FIELDS), "---",
             'Markdown body: the analysis ("Deep insight").', "```", "",
             "| field | required | inline Markdown | on cards (what lists show) |", "|---|---|---|---|"]
    for f in BRIEF_FIELDS:
        lines.append(f"| `{f.name}` | {_yes(f.required)} | {_yes(f.markdown)} | {_yes(f.card)} |")
    return "\n".join(lines) + "\n"


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def names() -> tuple[str, ...]:
    return tuple(f.name for f in BRIEF_FIELDS)
