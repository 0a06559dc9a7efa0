"""The brief front matter and sitegen.yaml as JSON Schema (draft 2020-12): `sitegen schema`.

Generated from what validation reads: the field table (brieffields.BRIEF_FIELDS: names,
required, descriptions, `needs`), the key lists of each shape (briefshapes), and the config
tables (config.SCALARS, SECTIONS, MINIMUMS). Each reader of the table has one fragment here;
a reader without one is a KeyError, so a new shape cannot ship without its schema. The
validator stays the authority (it also checks real dates, slug uniqueness, row lengths); the
schema says everything a type and a pattern can say.
"""

from __future__ import annotations

from typing import Any

from sitegen import brieffields
from sitegen import briefshapes as shape
from sitegen import config
from sitegen.fieldreader import MAX_LABEL
from sitegen.model import OUTCOMES
from sitegen.urls import MAX_SLUG_BYTES

DRAFT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = "https://sitegen-briefs.invalid/schema/"
"""Schemas need an id; nothing is served there (`.invalid` is reserved for exactly that)."""

Schema = dict[str, Any]

# Patterns are written for both Python's `re` and ECMAScript (editors), so no \w or \Z:
# each is a necessary condition, and the validator's own check is the full one. END is "end of
# the text" in both: Python's `$` also matches before a final newline ("slug\n").
END = r"(?![\s\S])"
TEXT: Schema = {"type": ["string", "number"], "pattern": r"\S"}  # a number is read as its text
LABEL: Schema = {**TEXT, "maxLength": MAX_LABEL}
SLUG: Schema = {"type": "string", "pattern": r"^[^\s/\\?#%_.-][^\s/\\?#%]*" + END, "maxLength": MAX_SLUG_BYTES}
WHEN: Schema = {"type": "string", "pattern": r"^\s*\d{4}-\d{1,2}-\d{1,2}([T ]\d{2}:\d{2}.*)?\s*$",
                "description": "YYYY-MM-DD, or YYYY-MM-DDTHH:MM[:SS] with an optional offset such as +08:00"}
HTTP_URL: Schema = {"type": "string", "pattern": r"^\s*[Hh][Tt][Tt][Pp][Ss]?://[^\s/]"}
LANG: Schema = {"type": "string", "pattern": r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*" + END}
TIMELINE_DATE: Schema = {"anyOf": [{"type": "string", "pattern": r"^\s*\d{4}(-\d{2}(-\d{2})?)?\s*$"},
                                   {"type": "integer", "minimum": 1000, "maximum": 9999}]}
IMAGE: Schema = {"type": "string", "pattern": r"^\s*([Hh][Tt][Tt][Pp][Ss]://[^\s/]\S*|[^\s/:.][^\s:]*)\s*$"}


def _list(items: Schema) -> Schema:
    return {"type": "array", "items": items}


def _object(keys: tuple[str, ...], properties: dict[str, Schema], required: tuple[str, ...] = ()) -> Schema:
    """A closed mapping; its keys are the shape's own key list, so the two cannot drift."""
    if tuple(properties) != keys:
        raise KeyError(f"schema properties {tuple(properties)} are not the shape's keys {keys}")
    out: Schema = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        out["required"] = list(required)
    return out


def _d(schema: Schema, description: str) -> Schema:
    return {**schema, "description": description}


def _fragments() -> dict[shape.Reader, Schema]:
    """The JSON Schema of the value each reader accepts."""
    return {
        shape.text: TEXT,
        shape.texts: _list(TEXT),
        shape.labels: _list(LABEL),
        shape.flag: {"type": "boolean"},
        shape.number: {"type": "number"},
        shape.slug: SLUG,
        # lang and translation_of: text here; assembly checks it against the site's languages and briefs
        shape.located_text: {"type": "string", "pattern": r"\S"},
        shape.when: WHEN,
        shape.image: IMAGE,
        shape.related: _list(TEXT),
        shape.aliases: _list(SLUG),
        shape.source: _object(shape.SOURCE_KEYS, {
            "name": _d(LABEL, "The publication's name; it gets a page of its own."),
            "url": _d(HTTP_URL, "The original article: an http or https URL."),
            "lang": _d(LANG, "BCP 47 language tag of the source, e.g. en, zh, pt-BR."),
            "published": _d(WHEN, "When the source published it: shown as freshness (\"collected in 14m\")."),
        }, ("name", "url")),
        shape.tldr: _object(shape.TLDR_KEYS, {
            "what_changed": _d(TEXT, "What changed (inline Markdown)."),
            "why_it_matters": _d(TEXT, "Why it matters (inline Markdown)."),
            "what_to_do_next": _d(TEXT, "What to do next (inline Markdown); gathered per audience each week."),
        }),
        shape.metrics: _list(_object(shape.METRIC_KEYS, {
            "label": _d(TEXT, "What is measured."),
            "value": {"type": ["number", "string"], "description": "A number (formatted by unit) or text."},
            "unit": _d(TEXT, "Unit such as $B, %, pts, MW or $/month."),
            "change": _d(TEXT, "Change with a leading sign, e.g. +28% or -3.1 pts."),
            "series": _d(SLUG, "Names a series: the metric drawn as one line across briefs."),
        }, ("label",))),
        shape.comparison: _object(shape.COMPARISON_KEYS, {
            "title": _d(TEXT, "Heading of the table (default: Competitor analysis)."),
            "columns": {**_list(TEXT), "minItems": 1, "description": "Column headings."},
            "rows": {**_list(_list(TEXT)), "description": "Rows, each with one cell per column."},
        }, ("columns", "rows")),
        shape.predictions: _list({**_object(shape.PREDICTION_KEYS, {
            "claim": _d(TEXT, "What is predicted (inline Markdown)."),
            "rationale": _d(TEXT, "Why (inline Markdown)."),
            "resolve_by": _d(WHEN, "When it falls due: the /predictions/ ledger."),
            "outcome": {"enum": list(OUTCOMES), "description": "How it turned out; needs resolve_by."},
            "outcome_note": _d(TEXT, "What happened (inline Markdown)."),
            "resolved_in": _d(SLUG, "The slug of the brief that settled it."),
        }, ("claim",)), "dependentRequired": {"outcome": ["resolve_by"]}}),
        shape.timeline: _list(_object(shape.TIMELINE_KEYS, {
            "date": {**TIMELINE_DATE, "description": "YYYY, YYYY-MM or YYYY-MM-DD."},
            "event": _d(TEXT, "What happened then (inline Markdown)."),
        }, shape.TIMELINE_KEYS)),
        shape.corrections: _list(_object(shape.CORRECTION_KEYS, {
            "date": _d(WHEN, "When the correction was made."),
            "note": _d(TEXT, "What was wrong and what it says now (inline Markdown)."),
        }, shape.CORRECTION_KEYS)),
    }


BODY: Schema = {"type": "string", "description": "The analysis, in Markdown: what a .md file has after its front matter."}


def brief_schema(record: bool = False) -> Schema:
    """The front matter of a brief; with `record`, a brief as `sitegen import` reads it: the same
    keys plus `body`."""
    fragments = _fragments()
    table = brieffields.BRIEF_FIELDS
    properties: dict[str, Schema] = {}
    for f in table:
        properties[f.name] = {**fragments[f.read], "description": f.description}
    if record:
        properties["body"] = BODY
    out: Schema = {
        "$schema": DRAFT,
        "$id": SCHEMA_ID + ("brief-record.json" if record else "brief.json"),
        "title": "sitegen brief" + (" record (sitegen import)" if record else " front matter"),
        "type": "object",
        "properties": properties,
        "required": [f.name for f in table if f.required],
        "additionalProperties": False,
    }
    needs = {f.name: [f.needs] for f in table if f.needs}
    if needs:
        out["dependentRequired"] = needs
    return out


_JSON_TYPES = {str: {"type": "string"}, int: {"type": "integer"}, bool: {"type": "boolean"},
               (int, float): {"type": "number"}, dict: {"type": "object"}}


def _config_value(key: str, kind: Any) -> Schema:
    out: Schema = dict(_JSON_TYPES[kind])
    if key in config.MINIMUMS:
        out["minimum"] = config.MINIMUMS[key]
    if key == "related.half_life_days":
        out["exclusiveMinimum"] = 0
    if key == "feed.content":
        out["enum"] = list(config.FEED_CONTENT)
    if key == "brand.accent":
        out["pattern"] = r"^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})" + END
    if key == "base_url":
        out["pattern"] = HTTP_URL["pattern"]
    if key == "related.weights":
        signals = (*config.SIGNALS, config.TIME_SIGNAL)
        out.update(properties={s: {"type": "number"} for s in signals}, additionalProperties=False)
    return {**out, "description": config.CONFIG_DOCS[key]}


def config_schema() -> Schema:
    properties: dict[str, Schema] = {key: _config_value(key, kind) for key, (kind, _) in config.SCALARS.items()}
    for section, keys in config.SECTIONS.items():
        properties[section] = {
            "type": "object", "description": config.CONFIG_DOCS[section], "additionalProperties": False,
            "properties": {sub: _config_value(f"{section}.{sub}", kind) for sub, kind in keys.items()}}
    properties["stories"] = {"type": "object", "description": config.CONFIG_DOCS["stories"],
                             "propertyNames": SLUG, "additionalProperties": {"type": "string"}}
    properties["languages"] = {"type": "array", "description": config.CONFIG_DOCS["languages"],
                               "items": LANG, "uniqueItems": True}
    return {"$schema": DRAFT, "$id": SCHEMA_ID + "sitegen-yaml.json", "title": "sitegen.yaml",
            "type": "object", "properties": properties, "additionalProperties": False}
