"""Safe YAML loading that remembers where every key and value came from.

We compose the node tree (fast C parser where available) and convert it ourselves, so
that: every key and value has a line and column for diagnostics; anchors/aliases are
refused (no "billion laughs"); only plain YAML types exist (no `!!python/...` tags);
duplicate keys are an error rather than silently dropped; dates stay strings so the
schema can parse them strictly (`2026-13-45` gets a message, not a ValueError).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from sitegen.codes import Code
from sitegen.errors import Diagnostic, SourceLocation, line_of

try:  # the C loader is ~7x faster and still gives marks
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

MAX_DEPTH = 32
"""Deeper nesting than any brief needs; refusing it keeps the converter bounded."""

Path = tuple[Any, ...]

_NOT_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters the YAML spec forbids in a stream (control characters, lone surrogates, ...)."""


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe loader without the timestamp resolver: dates are validated by the schema."""


_Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}

IMPLICIT_RESOLVERS = _Loader.yaml_implicit_resolvers
"""First character -> [(tag, pattern)]: what a plain scalar is read as when it is not a string."""

_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}


@dataclass(frozen=True)
class Located:
    """A YAML document converted to plain Python data, plus where each part came from."""

    data: Any
    value_marks: dict[Path, tuple[int, int]] = field(default_factory=dict)
    """(line, col), 1-based, of the value at each path, e.g. ("source", "url")."""
    key_marks: dict[Path, tuple[int, int]] = field(default_factory=dict)
    """(line, col) of the key that introduces each mapping entry."""

    def where(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """Best location for `path`: the key or value itself, else its nearest parent."""
        marks = (self.key_marks, self.value_marks) if key else (self.value_marks, self.key_marks)
        p = tuple(path)
        while True:
            for m in marks:
                if p in m:
                    return m[p]
            if not p:
                return (1, 1)
            p = p[:-1]


class YamlError(Exception):
    def __init__(self, line: int, col: int, message: str, hint: str = "", *, code: Code):
        super().__init__(message)
        self.line, self.col, self.message, self.hint, self.code = line, col, message, hint, code


def load_located(text: str) -> Located:
    """Parse one YAML document. Raises YamlError with a 1-based line/col relative to `text`."""
    _check_characters(text)
    _check_shape(text)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = e.problem or e.context or "invalid YAML"
        if "nesting depth" in problem:  # PyYAML >= 6.0.4 stops runaway nesting itself
            raise YamlError(line, col, "YAML is nested too deeply", f"keep nesting under {MAX_DEPTH} levels",
                            code=Code.YAML_FORBIDDEN) from None
        raise YamlError(line, col, f"invalid YAML: {problem}",
                        "check indentation, and quote values that contain ': ' or start with a special character",
                        code=Code.YAML_SYNTAX) from None
    except yaml.YAMLError as e:
        raise YamlError(1, 1, f"invalid YAML: {e}", code=Code.YAML_SYNTAX) from None
    except RecursionError:
        raise YamlError(1, 1, "YAML is nested too deeply", f"keep nesting under {MAX_DEPTH} levels",
                        code=Code.YAML_FORBIDDEN) from None
    finally:
        loader.dispose()
    if node is None:
        return Located(None)
    located = Located(None)
    data = _convert(loader, node, (), located, set(), 0)
    return Located(data, located.value_marks, located.key_marks)


def _check_characters(text: str) -> None:
    """Locate characters YAML refuses ourselves: the reader's own error has no line."""
    bad = _NOT_PRINTABLE.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        col = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        raise YamlError(line, col, f"character U+{ord(bad.group()):04X} is not allowed in YAML",
                        "remove it; inside double quotes it can be written as an escape such as \\x01",
                        code=Code.YAML_FORBIDDEN)


def _check_shape(text: str) -> None:
    """Refuse deep nesting and aliases before composing.

    libyaml's composer recurses in C and crashes the process on pathological nesting, so
    a flat pass over the event stream (libyaml's parser is a state machine) comes first.
    """
    loader = _Loader(text)
    depth = 0
    try:
        while (event := loader.get_event()) is not None:
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    m = event.start_mark
                    raise YamlError(m.line + 1, m.column + 1, "YAML is nested too deeply",
                                    f"keep nesting under {MAX_DEPTH} levels", code=Code.YAML_FORBIDDEN)
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
            elif isinstance(event, yaml.AliasEvent):
                m = event.start_mark
                raise YamlError(m.line + 1, m.column + 1,
                                "YAML anchors and aliases (&name / *name) are not allowed",
                                "write the value out in full", code=Code.YAML_FORBIDDEN)
    except yaml.YAMLError:
        pass  # reported with its location by the composing pass
    finally:
        loader.dispose()


def _mark(node: yaml.Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def _convert(loader: Any, node: yaml.Node, path: Path, out: Located, seen: set[int], depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise YamlError(*_mark(node), "YAML is nested too deeply", f"keep nesting under {MAX_DEPTH} levels",
                        code=Code.YAML_FORBIDDEN)
    if id(node) in seen:
        # The composer shares one node object per alias: meeting it twice means an alias.
        raise YamlError(*_mark(node), "YAML anchors and aliases (&name / *name) are not allowed",
                        "write the value out in full", code=Code.YAML_FORBIDDEN)
    seen.add(id(node))
    out.value_marks[path] = _mark(node)
    if isinstance(node, yaml.ScalarNode):
        if node.tag not in _SCALAR_TAGS:
            raise YamlError(*_mark(node), f"YAML tag {node.tag!r} is not allowed",
                            "remove the tag; only plain strings, numbers, booleans, lists and mappings are accepted",
                            code=Code.YAML_FORBIDDEN)
        try:
            return loader.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError) as e:
            raise YamlError(*_mark(node), f"invalid YAML value: {e}", code=Code.YAML_SYNTAX) from None
    if isinstance(node, yaml.SequenceNode):
        if node.tag != "tag:yaml.org,2002:seq":
            raise YamlError(*_mark(node), f"YAML tag {node.tag!r} is not allowed", "remove the tag",
                            code=Code.YAML_FORBIDDEN)
        return [_convert(loader, item, path + (i,), out, seen, depth + 1) for i, item in enumerate(node.value)]
    if isinstance(node, yaml.MappingNode):
        if node.tag != "tag:yaml.org,2002:map":
            raise YamlError(*_mark(node), f"YAML tag {node.tag!r} is not allowed", "remove the tag",
                            code=Code.YAML_FORBIDDEN)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                raise YamlError(*_mark(key_node), "mapping keys must be plain names",
                                "use a simple word such as 'title' as the key", code=Code.YAML_FORBIDDEN)
            _convert(loader, key_node, path + ("<key>",), out, seen, depth + 1)  # refuses tags and aliases
            key = key_node.value  # as written: `on:` is the key 'on', not True; `1:` is '1'
            if key in result:
                raise YamlError(*_mark(key_node), f"duplicate key '{key}'",
                                "each key may appear once; remove or merge the repeated one", code=Code.DUPLICATE_KEY)
            out.key_marks[path + (key,)] = _mark(key_node)
            result[key] = _convert(loader, value_node, path + (key,), out, seen, depth + 1)
        return result
    raise YamlError(*_mark(node), "unsupported YAML node", code=Code.YAML_SYNTAX)  # pragma: no cover


def yaml_diagnostic(path: str, text: str, err: YamlError, line_offset: int = 0) -> Diagnostic:
    line = err.line + line_offset
    return Diagnostic(SourceLocation(path, line, err.col), err.message, err.hint, line_of(text, line), code=err.code)
