"""`sitegen import FILE`: briefs from JSON or JSON Lines records into content/briefs/<slug>.md.

A record is a brief as `sitegen schema --record` describes it: the front-matter keys, plus
`body` (Markdown). Each record is checked with the rules a build uses (schema.validate_brief),
at `FILE:line:col`, then written with its keys in contract order and long strings folded. A
record that is invalid, or whose file exists with other bytes, is refused; the others are
written. Writing the same record again finds the same bytes and changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sitegen import yamlnodes
from sitegen.codes import Code
from sitegen.config import load_config
from sitegen.content import BRIEFS_DIR
from sitegen.contract import Schema, brief_schema
from sitegen.errors import Diagnostic, SourceLocation
from sitegen.fieldreader import FieldReader
from sitegen.jsonrecords import Record, read_records
from sitegen.paths import escapes, real_root
from sitegen.scaffold import slug_from_title
from sitegen.schema import validate_brief
from sitegen.urls import SLUG_RE
from sitegen.yamlnodes import Located

FOLD_AT = 80
"""Strings longer than this are written folded (`>-`), so a brief stays readable in an editor."""


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


def brief_text(front: dict[str, Any], body: str, schema: Schema | None = None) -> str:
    """The Markdown file of a brief: front matter in contract order (`schema`: brief_schema(),
    made once by a caller that writes many), then the body."""
    lines: list[str] = []
    _mapping(canonical(front, schema or brief_schema()), "", lines)
    text = "---\n" + "\n".join(lines) + "\n---\n" + body
    return text if not body or text.endswith("\n") else text + "\n"


# A YAML writer for the values a record can hold (JSON's), block style. PyYAML's dumper would do
# it at several times the cost (its representer is Python), and import must do 10,000 records in
# seconds. Each string is written plain only when that is certainly read back as the same string
# (a conservative pattern, and no implicit type such as true, 1.5 or null); long ones are folded
# at single spaces; everything else is double-quoted with escapes. tests/test_import.py checks
# that random strings read back unchanged.

_PLAIN = re.compile(r"[^\W_][^\x00-\x1f\x7f\[\]{}]*")
"""Starts with a letter or digit (so no indicator such as - ? : & * ! | > ' " % @ ` comes first);
no brackets or braces, which would matter in flow context."""
_RESOLVERS = yamlnodes.IMPLICIT_RESOLVERS
_ESCAPE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")


def _is_plain(s: str) -> bool:
    if not _PLAIN.fullmatch(s) or not s.isprintable() or s != s.strip():
        return False
    if ": " in s or s.endswith(":") or " #" in s or "  " in s:  # a key, a comment, a fold point
        return False
    return not any(rx.match(s) for _, rx in _RESOLVERS.get(s[0], ()))


def _quoted(s: str) -> str:
    return _ESCAPE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(s, ensure_ascii=False))


def _folded(s: str, indent: str) -> list[str] | None:
    """The lines of `s` as a folded block scalar, or None when it cannot be one. Lines break only at a
    single space between two other characters: such a break reads back as that space."""
    if not s.isprintable() or s != s.strip():
        return None
    lines, start = [], 0
    while len(s) - start > FOLD_AT:
        cut = _break_before(s, start + FOLD_AT, start)
        if cut is None:
            break
        lines.append(indent + s[start:cut])
        start = cut + 1
    return lines + [indent + s[start:]]


def _break_before(s: str, limit: int, start: int) -> int | None:
    """The last single space in s[start:limit], else the first after it; None when there is none."""
    def single(i: int) -> bool:
        return s[i] == " " and s[i - 1] not in " \t" and s[i + 1] not in " \t"
    for i in range(min(limit, len(s) - 2), start, -1):
        if single(i):
            return i
    return next((i for i in range(limit + 1, len(s) - 1) if single(i)), None)


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = repr(value)  # YAML 1.1 reads a float only with a dot: 1e+20 -> 1.0e+20
        return text.replace("e", ".0e", 1) if "." not in text and "e" in text else text
    return value if _is_plain(value) else _quoted(value)


def _entry(head: str, value: Any, indent: str, out: list[str]) -> None:
    """`head` ('key:' or '-', already indented) and its value; nested content goes at indent + 2."""
    inner = indent + "  "
    if isinstance(value, dict) and value:
        out.append(head)
        _mapping(value, inner, out)
    elif isinstance(value, list) and value:
        out.append(head)
        _sequence(value, inner, out)
    elif isinstance(value, (dict, list)):
        out.append(f"{head} {'{}' if isinstance(value, dict) else '[]'}")
    elif isinstance(value, str) and len(value) > FOLD_AT and (folded := _folded(value, inner)) and len(folded) > 1:
        out.append(f"{head} >-")
        out.extend(folded)
    else:
        out.append(f"{head} {_scalar(value)}")


def _mapping(m: dict[str, Any], indent: str, out: list[str]) -> None:
    for key, value in m.items():
        _entry(f"{indent}{key}:", value, indent, out)


def _sequence(items: list[Any], indent: str, out: list[str]) -> None:
    for value in items:
        if isinstance(value, (dict, list)) and value:
            nested: list[str] = []
            (_mapping if isinstance(value, dict) else _sequence)(value, indent + "  ", nested)  # type: ignore[operator]
            nested[0] = f"{indent}- {nested[0][len(indent) + 2:]}"
            out.extend(nested)
        else:
            _entry(f"{indent}-", value, indent, out)


def check_record(record: Record, tz: Any, schema: Schema) -> tuple[str, str] | tuple[None, tuple[Diagnostic, ...]]:
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
    return slug, brief_text(front, body, schema)


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
    schema = brief_schema()
    planned: dict[str, bytes] = {}
    """slug -> digest of what this import wrote (or would write) there."""
    for record in read_records(source, shown):
        if isinstance(record, Diagnostic):
            yield Outcome("refused", "", (record,))
            continue
        slug, text = check_record(record, tz, schema)
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
