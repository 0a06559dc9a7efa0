"""`sitegen import FILE`: briefs from JSON or JSON Lines records into content/briefs/<slug>.md.

A record is a brief as `sitegen schema --record` describes it: the front-matter keys, plus
`body` (Markdown). Each record is checked with the rules a build uses (schema.validate_brief),
at `FILE:line:col`, then written with its keys in contract order and long strings folded. A
record that is invalid, or whose file exists with other bytes, is refused; the others are
written. Writing the same record again finds the same bytes and changes nothing.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from sitegen.codes import Code
from sitegen.config import load_config
from sitegen.content import BRIEFS_DIR
from sitegen.contract import Schema, brief_schema
from sitegen.errors import Diagnostic, SourceLocation
from sitegen.fieldreader import FieldReader
from sitegen.frontmatter import split
from sitegen.jsonrecords import Record, read_records
from sitegen.paths import escapes, real_root
from sitegen.scaffold import slug_from_title
from sitegen.schema import validate_brief
from sitegen.urls import SLUG_RE
from sitegen.yamlnodes import Located, load_located

try:  # libyaml's emitter; the representer (where our styles are chosen) is Python either way
    from yaml import CSafeDumper as _BaseDumper
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeDumper as _BaseDumper  # type: ignore[assignment]

FOLD_AT = 80
"""Strings longer than this are written folded (`>-`), so a brief stays readable in an editor."""


class _Dumper(_BaseDumper):  # type: ignore[misc, valid-type]
    """Writes dates plain, as people write them: the loader (yamlnodes) reads them as strings."""


_Dumper.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in _BaseDumper.yaml_implicit_resolvers.items()
}


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else ">" if len(value) > FOLD_AT else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


@dataclass(frozen=True)
class Outcome:
    """What became of one record."""

    action: str
    """'write', 'unchanged' or 'refused'."""
    path: str
    """content/briefs/<slug>.md ('' when the record was refused before it had one)."""
    diagnostics: tuple[Diagnostic, ...] = ()


def canonical(value: Any, schema: Schema) -> Any:
    """`value` with every mapping's keys in the order of the contract (the schema's properties,
    which are the field table's and each shape's own order); keys it does not know keep theirs."""
    if isinstance(value, dict):
        props = schema.get("properties", {})
        ordered = [k for k in props if k in value] + [k for k in value if k not in props]
        return {k: canonical(value[k], props.get(k, {})) for k in ordered}
    if isinstance(value, list):
        items = schema.get("items", {})
        return [canonical(v, items) for v in value]
    return value


def brief_text(front: dict[str, Any], body: str) -> str:
    """The Markdown file of a brief: front matter in contract order, then the body."""
    dumped = yaml.dump(canonical(front, brief_schema()), Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                       default_flow_style=False, width=FOLD_AT + 8)
    text = f"---\n{dumped}---\n{body}"
    return text if not body or text.endswith("\n") else text + "\n"


def _reads_back(text: str, front: dict[str, Any]) -> bool:
    # Our loader must read exactly the record's values back from the file (a style the emitter
    # chose must not turn a string into something else): then the build sees what was checked.
    return load_located(split("x.md", text).yaml_text).data == front


def check_record(record: Record, tz: Any) -> tuple[str, str] | tuple[None, tuple[Diagnostic, ...]]:
    """(slug, file text) of a valid record, or (None, its diagnostics)."""
    data, where = record.data, record.location
    reader = FieldReader(Located(data, {(): (1, where.col)}), where.path, "", where.line - 1)
    if not isinstance(data, dict):
        reader.error((), "a record must be a JSON object of brief keys", "write {\"title\": ..., \"date\": ..., ...}",
                     code=Code.NOT_A_MAPPING)
        return None, tuple(reader.diags)
    front = {k: v for k, v in data.items() if k != "body"}
    body = data.get("body", "")
    reader = FieldReader(Located(front, {(): (1, where.col)}), where.path, "", where.line - 1)
    if not isinstance(body, str):
        reader.error((), "'body' must be a string", "the body is the analysis, as Markdown text", code=Code.WRONG_TYPE)
    checked = validate_brief(reader, tz)
    if checked is None or reader.diags:
        return None, tuple(reader.diags)
    slug = checked.get("slug") or slug_from_title(str(front["title"]))
    if not SLUG_RE.match(slug):
        reader.error(("slug",), f"title '{front['title']}' makes no valid slug", "add \"slug\": \"...\" to the record",
                     code=Code.INVALID_SLUG)
        return None, tuple(reader.diags)
    text = brief_text(front, body)
    if not _reads_back(text, front):  # a guard: no record known to pass validation fails it
        reader.error((), "the record's values do not survive being written as YAML front matter",
                     "report this record to sitegen's maintainers", code=Code.ERROR)
        return None, tuple(reader.diags)
    return slug, text


def import_records(site_dir: Path, source: Path, shown: str, dry_run: bool = False) -> Iterator[Outcome]:
    """Check and write each record of `source`, in file order. Nothing is written outside
    content/briefs/ (a slug is one URL segment; a briefs folder that leads out is refused)."""
    tz = load_config(site_dir).tz
    folder = site_dir / BRIEFS_DIR
    root = real_root(site_dir)
    if escapes(folder, root):
        yield Outcome("refused", "", (Diagnostic(SourceLocation(BRIEFS_DIR, 1, 1),
                                                 "content/briefs leads outside the site folder",
                                                 "make content/briefs a real folder inside the site",
                                                 code=Code.SYMLINK_ESCAPE),))
        return
    planned: dict[str, bytes] = {}
    """slug -> digest of what this import wrote (or would write) there."""
    for record in read_records(source, shown):
        if isinstance(record, Diagnostic):
            yield Outcome("refused", "", (record,))
            continue
        slug, text = check_record(record, tz)
        if slug is None:
            yield Outcome("refused", "", text)  # type: ignore[arg-type]
            continue
        rel = f"{BRIEFS_DIR}/{slug}.md"
        data = text.encode("utf-8")  # type: ignore[union-attr]
        digest = hashlib.blake2b(data, digest_size=16).digest()
        target = folder / f"{slug}.md"
        existing = planned.get(slug) if slug in planned else _digest_of(target)
        if existing == digest:
            yield Outcome("unchanged", rel)
            continue
        if existing is not None:
            yield Outcome("refused", rel, (Diagnostic(
                record.location, f"'{rel}' exists with other content; the record would overwrite it",
                "give the record another slug, or delete the file to replace it", code=Code.WOULD_OVERWRITE),))
            continue
        if not dry_run:
            _write_new(folder, target, data)
        planned[slug] = digest
        yield Outcome("write", rel)


def _digest_of(path: Path) -> bytes | None:
    """Digest of the file at `path`; None when there is none. A symlink or a folder there is
    never the same as a record (so it is never written through)."""
    try:
        if path.is_symlink() or not path.is_file():
            return b"" if os.path.lexists(path) else None
        return hashlib.blake2b(path.read_bytes(), digest_size=16).digest()
    except OSError:
        return b""


def _write_new(folder: Path, target: Path, data: bytes) -> None:
    """Write `target`, which did not exist: complete or not at all, and never over a file that
    appeared meanwhile (a hard link of a finished temporary file fails if the name is taken)."""
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{target.name}.sitegen-import-{os.getpid()}"
    tmp.write_bytes(data)
    try:
        os.link(tmp, target)
    finally:
        tmp.unlink()
