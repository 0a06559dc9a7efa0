"""Theme messages: complete shipped catalogs, plural rules, site overrides, English fallback, check's warning."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog_messages import all_messages
from conftest import brief
from sitegen.check import check_site
from sitegen.config import load_config
from sitegen.messages import BUILTIN_DIR, Messages, load_messages, parse_language, read_catalog, shipped_languages
from sitegen.pipeline import BuildOptions

SHIPPED = ("de", "en", "es", "fr", "ja", "zh")


def test_the_shipped_languages_are_the_six_of_the_issue() -> None:
    assert shipped_languages() == SHIPPED


def test_english_catalog_lists_exactly_the_messages_the_sources_use() -> None:
    english, diags = read_catalog(BUILTIN_DIR / "en.yaml", "en", parse_language("en"))
    assert diags == []
    used = all_messages()
    assert sorted(set(used) - set(english)) == [], "messages used but not in sitegen/catalogs/en.yaml"
    assert sorted(set(english) - set(used)) == [], "messages in en.yaml that nothing uses"


@pytest.mark.parametrize("lang", [code for code in SHIPPED if code != "en"])
def test_every_shipped_catalog_is_complete_and_valid(lang: str) -> None:
    entries, diags = read_catalog(BUILTIN_DIR / f"{lang}.yaml", lang, parse_language(lang))
    assert diags == []
    english, _ = read_catalog(BUILTIN_DIR / "en.yaml", "en", parse_language("en"))
    assert sorted(set(english) - set(entries)) == []
    assert sorted(set(entries) - set(english)) == []
    # A message with a count is a plural message in every language, and never just copied English.
    for msgid, entry in english.items():
        assert isinstance(entries[msgid], tuple) == isinstance(entry, tuple), msgid
    same = [m for m in english if entries[m] == english[m] and m not in UNCHANGED.get(lang, ())]
    assert same == [], f"left in English in {lang}.yaml"


UNCHANGED = {
    # Words these languages write as English does.
    "de": ("%(label)s:",),
    "es": ("%(label)s:",),
    "fr": ("Corrections", "Source", "Sources", "%(title)s (page %(number)s)", "Auto", "Site", "Date",
           "Pagination", "source"),
}


@pytest.mark.parametrize(("lang", "n", "text"), [
    ("en", 1, "1 brief"), ("en", 3, "3 briefs"), ("en", 0, "0 briefs"),
    ("de", 1, "1 Briefing"), ("de", 3, "3 Briefings"),
    ("fr", 0, "0 brève"), ("fr", 1, "1 brève"), ("fr", 2, "2 brèves"),  # French: 0 and 1 are singular
    ("es", 1, "1 informe"), ("es", 5, "5 informes"),
    ("zh", 1, "1篇简报"), ("zh", 3, "3篇简报"),
    ("ja", 3, "3件のブリーフ"),
], ids=lambda v: str(v))
def test_plural_forms_follow_each_languages_rule(tmp_path: Path, lang: str, n: int, text: str) -> None:
    messages, diags = load_messages(tmp_path, lang)
    assert diags == []
    assert messages.ngettext("%(num)s brief", "%(num)s briefs", n) == text


def test_a_site_catalog_overrides_and_adds_messages_and_the_rest_stays_built_in(tmp_path: Path) -> None:
    (tmp_path / "i18n").mkdir()
    (tmp_path / "i18n" / "de.yaml").write_text('"Key takeaways": "Kernpunkte"\n"My own label": "Mein Etikett"\n',
                                               encoding="utf-8")
    messages, diags = load_messages(tmp_path, "de")
    assert diags == []
    assert messages.gettext("Key takeaways") == "Kernpunkte"
    assert messages.gettext("My own label") == "Mein Etikett"
    assert messages.gettext("Related updates") == "Verwandte Meldungen"


def test_a_regional_code_uses_its_own_file_then_its_languages(tmp_path: Path) -> None:
    (tmp_path / "i18n").mkdir()
    (tmp_path / "i18n" / "de-CH.yaml").write_text('"Key takeaways": "Das Wichtigste in Kürze"\n', encoding="utf-8")
    messages, _ = load_messages(tmp_path, "de-CH")
    assert messages.gettext("Key takeaways") == "Das Wichtigste in Kürze"
    assert messages.gettext("Timeline") == "Chronologie"


def test_a_missing_message_shows_english_with_the_english_plural(tmp_path: Path) -> None:
    (tmp_path / "i18n").mkdir()
    (tmp_path / "i18n" / "pt.yaml").write_text('"Key takeaways": "Principais pontos"\n', encoding="utf-8")
    messages, _ = load_messages(tmp_path, "pt")
    assert messages.gettext("Key takeaways") == "Principais pontos"
    assert messages.gettext("Related updates") == "Related updates"
    assert messages.ngettext("%(num)s brief", "%(num)s briefs", 2) == "2 briefs"


def test_an_english_site_carries_no_catalog_unless_it_overrides_one(tmp_path: Path) -> None:
    assert load_config(tmp_path).messages == Messages()
    (tmp_path / "i18n").mkdir()
    (tmp_path / "i18n" / "en.yaml").write_text('"Key takeaways": "The gist"\n', encoding="utf-8")
    assert load_config(tmp_path).messages.gettext("Key takeaways") == "The gist"


def test_rtl_languages_say_so() -> None:
    assert Messages("ar").direction == "rtl"
    assert Messages("he").direction == "rtl"
    assert Messages("zh").direction == "ltr"


def test_check_warns_which_messages_a_language_is_missing(make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site({
        # base_url set: under CI a localhost base_url adds a deployment warning of its own
        "sitegen.yaml": "language: pt-BR\nbase_url: https://example.org/\n",
        "i18n/pt.yaml": '"Key takeaways": "Principais pontos"\n',
        "content/briefs/a.md": brief(),
    })
    result = check_site(BuildOptions(site, workers=1))
    assert result.problems == ()
    [warning] = result.warnings
    english, _ = read_catalog(BUILTIN_DIR / "en.yaml", "en", parse_language("en"))
    text = warning.format()
    assert text.startswith(f"i18n/pt-BR.yaml:1:1: warning: {len(english) - 1} of the theme's messages have no "
                           "Portuguese (Brazil) translation")
    assert '"Related updates"' in text and '"Key takeaways"' not in text


@pytest.mark.parametrize("lang", SHIPPED)
def test_check_is_quiet_for_a_shipped_language(make_site, lang: str) -> None:  # type: ignore[no-untyped-def]
    site = make_site({"sitegen.yaml": f"language: {lang}\nbase_url: https://example.org/\n",
                      "content/briefs/a.md": brief()})
    assert check_site(BuildOptions(site, workers=1)).warnings == ()
