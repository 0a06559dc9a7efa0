"""The stable code of every diagnostic rule: `SG104 unknown-key`.

Pipelines and CI match on codes, not on message text, so a code never changes meaning once
published; a new rule gets a new code. The README's table of codes is generated from this
enum (tests/regen_readme.py), and a test checks that every diagnostic sitegen creates names one.
"""

from __future__ import annotations

import enum


@enum.unique
class Code(enum.Enum):
    """Member name → rule name (UNKNOWN_KEY → unknown-key); value: (code, one-line description)."""

    ERROR = ("SG000", "an error without a rule of its own")

    # Files and YAML
    ENCODING = ("SG001", "a file that is not UTF-8 text (or holds NUL bytes)")
    FILE_TOO_LARGE = ("SG002", "a content file over 1 MiB")
    FRONT_MATTER = ("SG003", "front matter that is missing or never closes")
    YAML_SYNTAX = ("SG004", "YAML that does not parse")
    YAML_FORBIDDEN = ("SG005", "YAML anchors, aliases, tags, deep nesting, complex keys or control characters")
    DUPLICATE_KEY = ("SG006", "a key written twice in one mapping")
    SYMLINK_ESCAPE = ("SG007", "a symlink from content/ to a file outside the site")
    UNREADABLE = ("SG008", "a file or folder that cannot be read, or does not exist")
    JSON_SYNTAX = ("SG009", "JSON that does not parse (sitegen import)")

    # Front-matter fields
    NOT_A_MAPPING = ("SG101", "front matter or a record that is not a mapping of keys to values")
    MISSING_KEY = ("SG102", "a required key that is missing")
    WRONG_TYPE = ("SG103", "a value of the wrong type (a string where a list belongs, ...)")
    UNKNOWN_KEY = ("SG104", "an unknown key, with a \"did you mean\" hint")
    INVALID_DATE = ("SG105", "a date that is not real, not in range, or not in a form sitegen reads")
    INVALID_URL = ("SG106", "a source URL that is not http or https")
    INVALID_SLUG = ("SG107", "a slug that is not one URL segment (or a file name that makes none)")
    EMPTY_VALUE = ("SG108", "text or a list that must not be empty")
    TOO_LONG = ("SG109", "a name or slug over its length limit")
    INVALID_VALUE = ("SG110", "a value outside its allowed set or pattern (language tag, outcome, image path)")
    ROW_LENGTH = ("SG111", "a comparison row with a different number of cells than columns")
    DATE_ORDER = ("SG112", "dates in the wrong order (updated before date, expires before publish_at)")
    NEEDS_KEY = ("SG113", "a key given without the key it needs (image without image_alt, ...)")

    # The site as a whole
    DUPLICATE_SLUG = ("SG201", "two briefs or pages with one slug (or slugs that differ only by case)")
    RESERVED_SLUG = ("SG202", "a page slug that a generated page owns")
    UNKNOWN_RELATED = ("SG203", "a related: or resolved_in: slug that names no brief, or the brief itself")
    ALIAS_CONFLICT = ("SG204", "an alias that is a slug or another brief's alias")
    TERM_CLASH = ("SG205", "two tag, audience or source names with one URL slug")
    SERIES_MISMATCH = ("SG206", "a metric series that mixes units or has a value that is not a number")
    MISSING_IMAGE = ("SG207", "an image: that static/ does not have")
    TRANSLATION = ("SG208", "a translation_of: that names no brief, or a brief in the same language")

    # Configuration and options
    CONFIG = ("SG301", "a sitegen.yaml value of the wrong type, out of range or unusable (unknown keys are SG104)")
    BAD_OPTION = ("SG302", "a command-line option or environment variable sitegen cannot use")
    CATALOG = ("SG303", "a theme-string catalog (i18n/<lang>.yaml) that is unreadable, malformed or incomplete")

    # Rendering and output
    TEMPLATE = ("SG401", "a template that does not parse or fails while rendering")
    OUTPUT_FOLDER = ("SG402", "an output folder that is not usable (the site itself, a file, ...)")
    NOT_FOUND = ("SG403", "a week, audience or slug a command asks for that the site does not have")

    # sitegen check
    BROKEN_LINK = ("SG501", "an internal link, anchor or image that leads nowhere")
    EXTERNAL_LINK = ("SG502", "an http(s) link that fails (check --external)")
    BROKEN_ALIAS = ("SG503", "an alias whose redirect page does not lead to its brief")
    DEPLOYMENT = ("SG601", "a deployment setup that will fail later (a warning)")

    # sitegen import
    WOULD_OVERWRITE = ("SG701", "an imported record that would overwrite a different existing file")

    @property
    def code(self) -> str:
        return self.value[0]

    @property
    def rule(self) -> str:
        return self.name.lower().replace("_", "-")

    @property
    def description(self) -> str:
        return self.value[1]

    def __str__(self) -> str:
        return f"{self.code} {self.rule}"


def readme_table() -> str:
    """The README's table of codes."""
    lines = ["| code | rule | what it reports |", "|---|---|---|"]
    lines += [f"| `{c.code}` | `{c.rule}` | {c.description} |" for c in Code]
    return "\n".join(lines) + "\n"
