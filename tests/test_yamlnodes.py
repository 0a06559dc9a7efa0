"""yamlnodes: safe YAML with a line and column for every key and value."""

from __future__ import annotations

import pytest

from sitegen.yamlnodes import MAX_DEPTH, YamlError, load_located, yaml_diagnostic


def test_marks_of_keys_and_values_are_one_based() -> None:
    doc = load_located("title: Hello\nsource:\n  name: 虎嗅\n  url: https://x.example/\ntags: [a, b]\n")
    assert doc.data == {"title": "Hello", "source": {"name": "虎嗅", "url": "https://x.example/"}, "tags": ["a", "b"]}
    assert doc.key_marks[("title",)] == (1, 1)
    assert doc.value_marks[("title",)] == (1, 8)
    assert doc.key_marks[("source", "url")] == (4, 3)
    assert doc.value_marks[("source", "url")] == (4, 8)
    assert doc.value_marks[("tags", 1)] == (5, 11)


def test_where_falls_back_to_the_nearest_parent() -> None:
    doc = load_located("source:\n  name: X\n")
    assert doc.where(("source", "url")) == (2, 3)  # the source mapping itself
    assert doc.where(("source",), key=True) == (1, 1)
    assert doc.where(("nothing", "here")) == (1, 1)


@pytest.mark.parametrize(("text", "expected"), [
    ("date: 2026-05-02\n", {"date": "2026-05-02"}),  # no timestamp resolver: the schema parses dates
    ("n: 37.6\nm: 5\nb: true\nz: ~\n", {"n": 37.6, "m": 5, "b": True, "z": None}),
    ("a:\t1\n", {"a": 1}),  # a tab after the colon is plain whitespace
    ("'1': x\n", {"1": "x"}),
    ("on: 1\n2: x\n~: y\n", {"on": 1, "2": "x", "~": "y"}),
    ("s: !!str 5\n", {"s": "5"}),
    ("", None),
    ("# only a comment\n", None),
], ids=["dates-stay-strings", "scalars", "tab-separator", "quoted-number-key", "keys-as-written", "str-tag", "empty", "comment-only"])
def test_plain_yaml_loads(text: str, expected: object) -> None:
    assert load_located(text).data == expected


@pytest.mark.parametrize(("text", "line", "col", "message"), [
    ("a: &x [1, 2]\nb: *x\n", 2, 4, "anchors and aliases"),
    ("a: !!python/object/apply:os.system ['echo pwned']\n", 1, 4, "tag 'tag:yaml.org,2002:python/object/apply:os.system'"),
    ("a: !!python/name:os.system\n", 1, 4, "is not allowed"),
    ("!!python/name:os.system : x\n", 1, 1, "is not allowed"),
    ("a: !!binary aGk=\n", 1, 4, "is not allowed"),
    ("a: !!set {x, y}\n", 1, 4, "is not allowed"),
    ("a: !local x\n", 1, 4, "is not allowed"),
    ("title: a\ntags: []\ntitle: b\n", 3, 1, "duplicate key 'title'"),
    ("1: a\n'1': b\n", 2, 1, "duplicate key '1'"),
    ("base: {x: 1}\nother:\n  <<: {y: 2}\n", 3, 3, "mapping keys must be plain names"),
    ("? [a, b]\n: 1\n", 1, 3, "mapping keys must be plain names"),
    ("a: 1\n---\nb: 2\n", 2, 1, "invalid YAML"),
    ("a:\n\tb: 1\n", 2, 1, "invalid YAML"),
    ("title: x: y\n", 1, 9, "invalid YAML: mapping values are not allowed"),
    ("ok: 1\nbad: a\x01b\n", 2, 7, "character U+0001 is not allowed"),
    ("bad: \x7f\n", 1, 6, "character U+007F is not allowed"),
    ("n: 1" + "0" * 5000 + "\n", 1, 4, "invalid YAML value"),
], ids=["alias", "python-apply", "python-name", "python-name-key", "binary", "set", "local-tag", "duplicate-key", "duplicate-key-quoted", "merge-key",
        "complex-key", "two-documents", "tab-indent", "colon-in-value", "control-char", "del-char", "huge-int"])
def test_refused_with_location(text: str, line: int, col: int, message: str) -> None:
    with pytest.raises(YamlError) as info:
        load_located(text)
    assert (info.value.line, info.value.col) == (line, col)
    assert message in info.value.message


def test_billion_laughs_refused_at_first_alias() -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    with pytest.raises(YamlError) as info:  # expanding it would take 9**10 strings
        load_located("\n".join(lines) + "\n")
    assert (info.value.line, info.value.col) == (2, 10)
    assert "aliases" in info.value.message


@pytest.mark.parametrize("opener,closer", [("[", "]"), ("{a: ", "}")], ids=["sequences", "mappings"])
@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 100_000], ids=["just-too-deep", "absurdly-deep"])
def test_deep_nesting_refused_without_crash(opener: str, closer: str, depth: int) -> None:
    with pytest.raises(YamlError) as info:
        load_located("x: " + opener * depth + "1" + closer * depth + "\n")
    assert info.value.line == 1 and "nested too deeply" in info.value.message


def test_nesting_at_the_limit_is_fine() -> None:
    depth = MAX_DEPTH - 1  # plus the top-level mapping
    assert load_located("x: " + "[" * depth + "1" + "]" * depth + "\n").data is not None


def test_yaml_diagnostic_adds_the_front_matter_offset() -> None:
    text = "---\ntitle: a\ntitle: b\n---\n"
    with pytest.raises(YamlError) as info:
        load_located("title: a\ntitle: b")
    d = yaml_diagnostic("content/briefs/x.md", text, info.value, line_offset=1)
    assert str(d.location) == "content/briefs/x.md:3:1"
    assert d.source_line == "title: b"
    assert d.hint
