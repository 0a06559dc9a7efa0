"""`sitegen schema`: the contract as JSON Schema, checked by a real validator against the briefs
validation accepts and the mistakes it refuses."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jsonschema
import pytest

import test_invalid_sites
import test_schema
from conftest import REPO
from sitegen import brieffields
from sitegen.codes import Code
from sitegen.contract import brief_schema, config_schema
from sitegen.fieldreader import FieldReader
from sitegen.frontmatter import FrontMatterError, split
from sitegen.schema import validate_brief
from sitegen.yamlnodes import YamlError, load_located

BRIEF = jsonschema.Draft202012Validator(brief_schema())
CONFIG = jsonschema.Draft202012Validator(config_schema())
SHAPE_CODES = {Code.WRONG_TYPE, Code.MISSING_KEY, Code.UNKNOWN_KEY, Code.NOT_A_MAPPING, Code.EMPTY_VALUE,
               Code.NEEDS_KEY, Code.INVALID_URL, Code.INVALID_SLUG, Code.INVALID_VALUE}
"""The rules a type, a pattern or an enum can state; real dates, row lengths, slugs across briefs
and byte lengths are the validator's alone."""

DEMO_BRIEFS = sorted((REPO / "content/briefs").glob("*.md"))
GOLDEN_BRIEFS = sorted((REPO / "tests/sites").glob("*/content/briefs/*.md"))
SITE_CONFIGS = [REPO / "sitegen.yaml", *sorted((REPO / "tests/sites").glob("*/sitegen.yaml"))]


def front_matter(text: str) -> Any:
    """The data validation sees (dates stay strings, as the loader keeps them)."""
    return load_located(split("x.md", text).yaml_text).data


def test_the_schemas_are_valid_draft_2020_12() -> None:
    jsonschema.Draft202012Validator.check_schema(brief_schema())
    jsonschema.Draft202012Validator.check_schema(brief_schema(record=True))
    jsonschema.Draft202012Validator.check_schema(config_schema())


def test_the_schema_is_the_field_table() -> None:
    schema = brief_schema()
    assert list(schema["properties"]) == list(brieffields.names())
    assert schema["required"] == [f.name for f in brieffields.BRIEF_FIELDS if f.required]
    assert all(p["description"] for p in schema["properties"].values())
    nested = [p for f in ("source", "tldr", "comparison") for p in schema["properties"][f]["properties"].values()]
    nested += [p for f in ("metrics", "predictions", "timeline", "corrections")
               for p in schema["properties"][f]["items"]["properties"].values()]
    assert nested and all(p["description"] for p in nested)
    assert schema["dependentRequired"] == {"image": ["image_alt"]}
    assert schema["properties"]["predictions"]["items"]["properties"]["outcome"]["enum"] == [
        "pending", "hit", "miss", "partial"]


@pytest.mark.parametrize("path", DEMO_BRIEFS + GOLDEN_BRIEFS, ids=lambda p: str(p.relative_to(REPO)))
def test_every_demo_and_golden_brief_validates(path: Path) -> None:
    assert DEMO_BRIEFS and GOLDEN_BRIEFS
    data = front_matter(path.read_text(encoding="utf-8"))
    errors = [e.message for e in BRIEF.iter_errors(data)]
    assert errors == []


@pytest.mark.parametrize("path", SITE_CONFIGS, ids=lambda p: str(p.relative_to(REPO)))
def test_every_site_config_validates(path: Path) -> None:
    assert [e.message for e in CONFIG.iter_errors(load_located(path.read_text(encoding="utf-8")).data)] == []


def _validator_codes(yaml_text: str) -> set[Code]:
    reader = FieldReader(load_located(yaml_text), "b.md", yaml_text, 0)
    validate_brief(reader, ZoneInfo("UTC"))
    return {d.code for d in reader.diags}


def _is_json(data: Any) -> bool:
    try:
        json.dumps(data, allow_nan=False)
    except ValueError:  # .nan and .inf: YAML has them, JSON does not
        return False
    return True


def _shape_cases() -> list[Any]:
    """Every invalid front matter of test_schema.py and every invalid brief of test_invalid_sites.py
    whose every error is a type or shape error (SHAPE_CODES) and whose data JSON can hold."""
    texts = [(p.id, p.values[0]) for p in test_schema.INVALID]
    for p in test_invalid_sites.CASES:
        for rel, content in p.values[0].items():
            if rel.startswith("content/briefs/") and isinstance(content, str):
                try:
                    texts.append((f"site-{p.id}", split(rel, content).yaml_text))
                except FrontMatterError:
                    pass  # not front matter at all
    out = []
    for id, text in texts:
        try:
            data = load_located(text).data
        except YamlError:
            continue  # not YAML: nothing for a schema to see
        codes = _validator_codes(text)
        if codes and codes <= SHAPE_CODES and _is_json(data):
            out.append(pytest.param(data, codes, id=id))
    return out


SHAPE_CASES = _shape_cases()


def test_most_invalid_fixtures_are_shape_errors() -> None:
    assert len(SHAPE_CASES) >= 25, [p.id for p in SHAPE_CASES]  # the filter above cannot empty the next test


@pytest.mark.parametrize(("data", "codes"), SHAPE_CASES)
def test_a_type_or_shape_error_fails_the_schema_too(data: Any, codes: set[Code]) -> None:
    assert not BRIEF.is_valid(data), f"the schema accepts what validation refuses ({sorted(c.code for c in codes)})"


@pytest.mark.parametrize("date", ["2020/12", "20-12", "2020-1"])
def test_a_timeline_date_in_another_form_fails_the_schema(date: str) -> None:
    data = front_matter("---\n" + test_schema.add(f"timeline: [{{date: '{date}', event: e}}]\n") + "---\n")
    assert not BRIEF.is_valid(data)


@pytest.mark.parametrize("text", [
    "per_page: 0\n", "per_page: ten\n", "feed: {content: everything}\n", "brand: {accent: blue}\n",
    "related: {weights: {colour: 1}}\n", "titel: x\n", "markdown: {unsafe_html: 'yes'}\n",
], ids=["per-page-0", "per-page-text", "feed-content", "accent", "weights-signal", "unknown-key", "unsafe-html"])
def test_a_config_mistake_fails_the_config_schema(text: str) -> None:
    assert not CONFIG.is_valid(load_located(text).data)


def test_a_label_over_the_limit_fails_the_schema() -> None:
    data = front_matter("---\n" + test_schema.add(f"tags: [{'t' * 101}]\n") + "---\n")
    assert _validator_codes(test_schema.add(f"tags: [{'t' * 101}]\n")) == {Code.TOO_LONG}
    assert not BRIEF.is_valid(data)


def test_cli_prints_the_schemas(cli) -> None:  # type: ignore[no-untyped-def]
    for args, schema in ((("schema",), brief_schema()), (("schema", "--config"), config_schema()),
                         (("schema", "--record"), brief_schema(record=True))):
        result = cli(*args)
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout) == schema


def test_nan_is_not_json() -> None:
    assert not _is_json({"weight": math.nan}) and _is_json({"weight": 1.0})
