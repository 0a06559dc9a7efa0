"""What the theme and sitegen say to readers, in the site's language: catalogs and plurals.

A catalog is a YAML file that maps an English message (the msgid, as the theme writes it) to
its translation. A message with a count maps to one text per CLDR plural category of the
language (`one`, `few`, `many`, `other`, ...), so "1 brief" / "3 briefs" follow each
language's own rule (Babel's CLDR data). Placeholders are `%(name)s`, as in the msgid.

Lookup, like layouts: the site's `i18n/<lang>.yaml` first, then the built-in
`sitegen/catalogs/<lang>.yaml`, for the language code and then its base language (`de-AT`,
then `de`); a message found nowhere shows its English text. The English catalog lists every
message the theme and sitegen use: it is what a translation is compared with.

A catalog's text is written by the site's owner, like a layout, and may hold HTML; the values
put into it (titles, names from front matter) are escaped when the page is rendered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import babel
from babel import Locale

from sitegen.codes import Code
from sitegen.errors import Diagnostic, SourceLocation, line_of
from sitegen.hints import did_you_mean
from sitegen.yamlnodes import YamlError, load_located, yaml_diagnostic

SITE_DIR = "i18n"
"""The site's folder of catalogs: i18n/<lang>.yaml."""
BUILTIN_DIR = Path(__file__).parent / "catalogs"
SOURCE_LANGUAGE = "en"
"""The language msgids are written in: what a missing translation shows."""

Forms = tuple[tuple[str, str], ...]
"""A plural message: (CLDR category, text) pairs, 'other' always among them."""
Entry = str | Forms

_PLACEHOLDER = re.compile(r"%\((\w+)\)s|%%")


def N_(msgid: str) -> str:
    """Marks a message that is translated later (a nav label, a heading picked by key)."""
    return msgid


def shipped_languages() -> tuple[str, ...]:
    """The languages with a built-in catalog: one source of truth, the files themselves."""
    return tuple(sorted(p.stem for p in BUILTIN_DIR.glob("*.yaml")))


def parse_language(code: str) -> Locale | None:
    """The CLDR locale of a BCP 47 language code ('de', 'zh', 'pt-BR'), or None if unknown."""
    if not isinstance(code, str) or not re.fullmatch(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*", code):
        return None
    try:
        locale = Locale.parse(code, sep="-")
    except (babel.UnknownLocaleError, ValueError, TypeError):
        return None
    # Babel also takes aliases ('deu', 'iw', 'und'); <html lang> needs the code CLDR calls the language.
    return locale if locale.language == code.split("-")[0].lower() else None


def language_hint(code: str) -> str:
    try:
        alias = Locale.parse(str(code), sep="-").language
    except (babel.UnknownLocaleError, ValueError, TypeError):
        alias = ""
    if alias and alias not in ("en", "root") or alias == "en" and str(code).lower() == "eng":
        return f"did you mean '{alias}'? (the BCP 47 code of that language)"
    near = did_you_mean(str(code), shipped_languages(), what="languages with a built-in catalog")
    return f"write a BCP 47 language code such as 'en', 'zh', 'de' or 'pt-BR'; {near}"


@dataclass(frozen=True)
class Messages:
    """One language's messages, as loaded: part of SiteConfig, so whatever keys renders by
    the config (serve's render keys) covers the catalogs too."""

    language: str = SOURCE_LANGUAGE
    entries: tuple[tuple[str, Entry], ...] = ()
    sources: tuple[str, ...] = field(default=(), compare=False)
    """The catalog files read, as shown (for check's warning)."""

    @cached_property
    def _table(self) -> dict[str, Entry]:
        return dict(self.entries)

    @cached_property
    def locale(self) -> Locale:
        return parse_language(self.language) or Locale.parse(SOURCE_LANGUAGE)

    @property
    def direction(self) -> str:
        """'rtl' for Arabic, Hebrew, Persian, ...; else 'ltr'."""
        return self.locale.text_direction

    def lookup(self, msgid: str) -> str:
        """The translation as written (placeholders not filled): Jinja's gettext."""
        entry = self._table.get(msgid)
        if entry is None:
            return msgid
        return entry if isinstance(entry, str) else dict(entry)["other"]

    def nlookup(self, singular: str, plural: str, n: int) -> str:
        """The form for the count n, as written: Jinja's ngettext."""
        entry = self._table.get(singular)
        if isinstance(entry, tuple):
            forms = dict(entry)
            return forms.get(self.locale.plural_form(abs(n)), forms["other"])
        return singular if n == 1 else plural  # English, or a missing translation: the English rule

    def gettext(self, msgid: str, **values: Any) -> str:
        return self.lookup(msgid) % values

    def ngettext(self, singular: str, plural: str, n: int, **values: Any) -> str:
        """The form of `singular` for the count n, filled in; `%(num)s` is n unless given."""
        values.setdefault("num", n)
        return self.nlookup(singular, plural, n) % values

    def has(self, msgid: str) -> bool:
        return msgid in self._table


def catalog_files(site_dir: Path, language: str) -> list[tuple[Path, str]]:
    """(file, as shown) in lookup order, first wins; files that do not exist are left out."""
    codes = [language] + ([language.split("-")[0]] if "-" in language else [])
    out = []
    for code in codes:
        candidates = [(site_dir / SITE_DIR / f"{code}.yaml", f"{SITE_DIR}/{code}.yaml")]
        if code != SOURCE_LANGUAGE:  # the built-in English catalog says what the msgids say
            candidates.append((BUILTIN_DIR / f"{code}.yaml", f"sitegen/catalogs/{code}.yaml"))
        out += [(path, shown) for path, shown in candidates if path.is_file()]
    return out


def load_messages(site_dir: Path, language: str) -> tuple[Messages, list[Diagnostic]]:
    """The messages of `language`, merged in lookup order; every problem of every file."""
    locale = parse_language(language)
    if locale is None:
        return Messages(SOURCE_LANGUAGE), []  # config reports the code itself
    table: dict[str, Entry] = {}
    diags: list[Diagnostic] = []
    files = catalog_files(site_dir, language)
    for path, shown in reversed(files):  # last read wins: read the lowest priority first
        entries, file_diags = read_catalog(path, shown, locale)
        table.update(entries)
        diags += file_diags
    return Messages(language, tuple(sorted(table.items())), tuple(shown for _, shown in files)), diags


def read_catalog(path: Path, shown: str, locale: Locale) -> tuple[dict[str, Entry], list[Diagnostic]]:
    """One catalog file: msgid -> text, or msgid -> {category: text} for plural messages."""
    try:
        text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as e:
        return {}, [Diagnostic(SourceLocation(shown, 1, 1), f"file is not UTF-8 ({e.reason})", "save the file as UTF-8",
                               code=Code.ENCODING)]
    try:
        doc = load_located(text)
    except YamlError as e:
        return {}, [yaml_diagnostic(shown, text, e)]
    diags: list[Diagnostic] = []

    def diag(p: tuple[Any, ...], message: str, hint: str = "", key: bool = False) -> None:
        line, col = doc.where(p, key=key)
        diags.append(Diagnostic(SourceLocation(shown, line, col), message, hint, line_of(text, line), code=Code.CATALOG))

    if doc.data is None:
        return {}, []
    if not isinstance(doc.data, dict):
        diag((), "a catalog must be a mapping of English messages to translations",
             "write lines such as '\"Key takeaways\": \"Das Wichtigste\"'")
        return {}, []
    categories = {"other", *locale.plural_form.tags}
    out: dict[str, Entry] = {}
    for msgid, value in doc.data.items():
        if not isinstance(msgid, str):
            diag((msgid,), f"'{msgid}' is not a message", "quote the English message", key=True)
        elif isinstance(value, str):
            if _placeholders_ok(msgid, value, (msgid,), diag):
                out[msgid] = value
        elif isinstance(value, dict):
            forms = []
            for cat, form in value.items():
                if cat not in categories:
                    diag((msgid, cat), f"'{cat}' is not a plural category of '{locale}'",
                         f"this language has: {', '.join(sorted(categories))} (CLDR plural rules)", key=True)
                elif not isinstance(form, str):
                    diag((msgid, cat), f"the '{cat}' form of '{msgid}' must be text")
                elif _placeholders_ok(msgid, form, (msgid, cat), diag):
                    forms.append((cat, form))
            if "other" not in value:
                diag((msgid,), f"the plural message '{msgid}' has no 'other' form",
                     "every plural message needs 'other': the form used for most counts", key=True)
            elif len(forms) == len(value):
                out[msgid] = tuple(sorted(forms))
        else:
            diag((msgid,), f"the translation of '{msgid}' must be text, or a mapping of plural forms",
                 "write the text in quotes, or 'one:' and 'other:' lines under the message")
    return out, diags


def _placeholders_ok(msgid: str, text: str, where: tuple[Any, ...], diag: Any) -> bool:
    """A translation may use the msgid's placeholders (and %(num)s), and only those; a lone %
    would break formatting."""
    allowed = set(_PLACEHOLDER.findall(msgid)) | {"num", ""}
    used = set(_PLACEHOLDER.findall(text))
    unknown = sorted(used - allowed)
    if unknown:
        diag(where, f"unknown placeholder %({unknown[0]})s in the translation of '{msgid}'",
             "use only the placeholders of the English message: "
             + (", ".join(f"%({p})s" for p in sorted(allowed - {'', 'num'})) or "it has none"))
        return False
    if "%" in _PLACEHOLDER.sub("", text):
        diag(where, f"a lone '%' in the translation of '{msgid}'", "write %% for a percent sign")
        return False
    return True


def missing_messages(messages: Messages) -> tuple[str, ...]:
    """Messages of the English catalog that `messages` has no translation of (English is shown)."""
    if messages.language.split("-")[0] == SOURCE_LANGUAGE:
        return ()
    english, _ = read_catalog(BUILTIN_DIR / f"{SOURCE_LANGUAGE}.yaml", "en", Locale.parse(SOURCE_LANGUAGE))
    return tuple(m for m in english if not messages.has(m))
