"""Site configuration: `sitegen.yaml`, every key optional, unknown keys refused."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sitegen.colors import HEX
from sitegen.codes import Code
from sitegen.errors import BuildFailed, Diagnostic, SourceLocation, line_of
from sitegen.hints import did_you_mean
from sitegen.messages import Messages, language_hint, load_messages, parse_language
from sitegen.urls import SLUG_RE
from sitegen.yamlnodes import Located, YamlError, load_located, yaml_diagnostic

CONFIG_NAME = "sitegen.yaml"
SIGNALS = ("tags", "audience", "source", "text")
"""The similarity signals of related updates, in the order `sitegen related` shows them."""
TIME_SIGNAL = "time"
"""Closeness in time: it scales the sum of the other signals rather than adding to it."""


@dataclass(frozen=True)
class RelatedConfig:
    count: int = 5
    """How many related briefs a brief shows at most."""
    threshold: float = 0.25
    """Minimum automatic score; weaker matches are not shown at all."""
    half_life_days: float = 30.0
    """Closeness in time halves the time signal every this many days."""
    weights: tuple[tuple[str, float], ...] = tuple(zip((*SIGNALS, TIME_SIGNAL), (1.0, 0.3, 0.2, 1.0, 0.5)))
    """Each at most MAX_WEIGHT in size (scores are summed in whole units, see relatedbatch.UNIT)."""
    """Weight of each signal in the automatic score (SIGNALS, then TIME_SIGNAL)."""

    def weight(self, signal: str) -> float:
        return dict(self.weights)[signal]


@dataclass(frozen=True)
class SiteConfig:
    title: str = "Briefs"
    description: str = "Curated briefs on the news that matters."
    author: str = ""
    base_url: str = "http://localhost:8000/"
    """Absolute URL of the site; its path prefixes every internal link."""
    language: str = "en"
    """BCP 47 code; picks the theme's messages (messages.py) and date and number formats (localize.py)."""
    timezone: str = "UTC"
    """IANA name; applied to dates without an offset and used for week assignment."""
    per_page: int = 20
    cname: str = ""
    unsafe_html: bool = False
    """markdown.unsafe_html: pass raw HTML in bodies through unsanitized."""
    feed_count: int = 50
    feed_content: str = "full"
    """feed.content: 'full' (every section of each brief) or 'summary' (hook and TL;DR)."""
    feed_max_kb: int = 1024
    """feed.max_kb: a feed larger than this gives its oldest entries as summaries, then leaves them out."""
    accent: str = ""
    """brand.accent: '#rrggbb'; the theme derives readable link colours from it (colors.py)."""
    logo: str = ""
    """brand.logo: a file in the site's static/ folder, shown before the title in the header."""
    stories: tuple[tuple[str, str], ...] = ()
    """stories: story slug -> its title on story pages (a story without one takes its first brief's)."""
    related: RelatedConfig = field(default_factory=RelatedConfig)
    messages: Messages = field(default_factory=Messages)
    """The theme's strings in `language`: built-in catalogs and the site's i18n/ overrides."""
    languages: tuple[str, ...] = ()
    """languages: every language the site publishes in, `language` (the default, at the root) first;
    () for a site in one language. The others are built under /<lang>/ (SiteConfig.edition)."""
    other_messages: tuple[Messages, ...] = ()
    """The messages of each other language, loaded with the config (so render keys cover them)."""
    static_base: str = ""
    """The base path of static files and the search bundle when it is not base_path (an edition)."""

    @property
    def base_path(self) -> str:
        """'/' or '/repo/': the path every internal URL starts with."""
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    @property
    def origin(self) -> str:
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def static_path(self) -> str:
        """Where static/ and the search bundle are served: the root site's base path."""
        return self.static_base or self.base_path

    def edition(self, language: str) -> SiteConfig:
        """The config of the /<language>/ part of a multilingual site: its messages, its URLs
        (`languages` is kept: its first is the default, at the root). Called on the root config."""
        if language == self.language:
            return self
        messages = next(m for m in self.other_messages if m.language == language)
        # The site's own words are translated like the theme's: i18n/<lang>.yaml may hold
        # "Signal Briefs": "信号简报" (check warns when it does not).
        def own(text: str) -> str:
            return messages.lookup(text) if text and messages.has(text) else text

        return replace(self, language=language, messages=messages, base_url=self.base_url + language + "/",
                       static_base=self.base_path, other_messages=(), title=own(self.title),
                       description=own(self.description), stories=tuple((s, own(t)) for s, t in self.stories))


# key -> (type(s), attribute); nested sections are handled below
SCALARS: dict[str, tuple[type | tuple[type, ...], str]] = {
    "title": (str, "title"),
    "description": (str, "description"),
    "author": (str, "author"),
    "base_url": (str, "base_url"),
    "language": (str, "language"),
    "timezone": (str, "timezone"),
    "per_page": (int, "per_page"),
    "cname": (str, "cname"),
}
SECTIONS: dict[str, dict[str, type | tuple[type, ...]]] = {
    "markdown": {"unsafe_html": bool},
    "feed": {"count": int, "content": str, "max_kb": int},
    "brand": {"accent": str, "logo": str},
    "related": {"count": int, "threshold": (int, float), "half_life_days": (int, float), "weights": dict},
}
FEED_CONTENT = ("full", "summary")
MINIMUMS = {"per_page": 1, "feed.count": 0, "feed.max_kb": 16, "related.count": 0}
"""The smallest value each of these keys takes (related.half_life_days must be more than 0)."""
MAX_WEIGHT = 1000
"""The largest size of a related-signal weight."""
CONFIG_DOCS = {
    "title": "Site title.",
    "description": "Meta description of the home page and the feeds.",
    "author": "Feed author (falls back to title).",
    "base_url": "Absolute http(s) URL of the site; its path prefixes every internal link. --base-url overrides it.",
    "language": "<html lang> and feed language.",
    "timezone": "IANA name, applied to dates without an offset and used for week assignment.",
    "per_page": "Briefs per list page.",
    "cname": "Writes a CNAME file for a custom domain.",
    "stories": "Titles of stories: story slug -> title.",
    "languages": "The site's languages, the default first: [en, zh]. Each other one is built under /<lang>/.",
    "markdown": "Markdown settings.",
    "markdown.unsafe_html": "true passes raw HTML in bodies through untouched (only for trusted authors).",
    "feed": "Feed settings.",
    "feed.count": "Entries in each feed.",
    "feed.content": "full: every section of each brief; summary: the hook and the TL;DR.",
    "feed.max_kb": "The most a feed may weigh; past it the oldest entries carry their summary, then are left out.",
    "brand": "The site's brand.",
    "brand.accent": "Accent colour, '#rrggbb' or '#rgb' (quote it in YAML).",
    "brand.logo": "A file in static/ shown before the title in every page's header.",
    "related": "Related updates.",
    "related.count": "Related updates shown per brief at most.",
    "related.threshold": "Minimum automatic score.",
    "related.half_life_days": "The time signal halves every this many days.",
    "related.weights": "Weight of each signal: tags, audience, source, text, time.",
}
"""One line per key of sitegen.yaml, for `sitegen schema --config`."""
_TYPE_NAMES = {str: "a string", int: "a whole number", bool: "true or false", dict: "a mapping",
               (int, float): "a number"}


def normalize_base_url(url: str) -> str:
    url = url.strip()
    return url if url.endswith("/") else url + "/"


_NOT_IN_URLS = frozenset(' "<>\\^`{|}') | {chr(c) for c in range(0x20)} | {"\x7f"}
"""RFC 3986 never allows these raw; every page would carry them in its links."""


def _check_base_url(url: str) -> str | None:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as e:
        return f"base_url is not a valid URL ({e})"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "base_url must be an absolute http(s) URL such as https://user.github.io/repo/"
    if _NOT_IN_URLS.intersection(url):
        return "base_url contains spaces, quotes or other characters URLs cannot hold; percent-encode them"
    if parts.query or parts.fragment:
        return "base_url must not have a ?query or #fragment: it is the folder the site is served from"
    if parts.username is not None or parts.password is not None:
        return "base_url must not contain a user name or password: it is printed in every page"
    return None


def load_config(site_dir: Path, base_url_override: str | None = None) -> SiteConfig:
    """Read `sitegen.yaml` (optional). Raises BuildFailed listing every problem."""
    path = site_dir / CONFIG_NAME
    shown = CONFIG_NAME
    diags: list[Diagnostic] = []
    values: dict[str, Any] = {}
    marks: dict[str, tuple[int, int]] = {}
    text = ""
    if path.is_file():
        try:
            text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
        except UnicodeDecodeError as e:
            raise BuildFailed([Diagnostic(SourceLocation(shown, 1, 1), f"file is not UTF-8 ({e.reason})",
                                          "save the file as UTF-8", code=Code.ENCODING)]) from None
        try:
            doc = load_located(text)
        except YamlError as e:
            raise BuildFailed([yaml_diagnostic(shown, text, e)]) from None
        values, marks, diags = _read(doc, shown, text, site_dir)

    def diag(line_col: tuple[int, int], msg: str, hint: str = "") -> None:
        diags.append(Diagnostic(SourceLocation(shown, *line_col), msg, hint, line_of(text, line_col[0]),
                                code=Code.CONFIG))

    if base_url_override is not None:
        values["base_url"] = base_url_override
    if "base_url" in values:
        values["base_url"] = normalize_base_url(values["base_url"])
        problem = _check_base_url(values["base_url"])
        if problem and base_url_override is not None:
            diags.append(Diagnostic(SourceLocation("--base-url", 1, 1), problem, code=Code.BAD_OPTION))
        elif problem:
            diag(marks["base_url"], problem)
    if "timezone" in values:
        try:
            ZoneInfo(values["timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            diag(marks["timezone"], f"unknown timezone '{values['timezone']}'",
                 "use an IANA name such as 'UTC', 'Europe/Berlin' or 'Asia/Shanghai'")
            del values["timezone"]
    if "language" in values and parse_language(values["language"]) is None:
        diag(marks["language"], f"unknown language code '{values['language']}'", language_hint(values["language"]))
        del values["language"]
    if "languages" in values:
        codes = values.pop("languages")
        default = values.setdefault("language", codes[0] if codes else SiteConfig.language)
        if codes and default not in codes and "language" in marks:
            diag(marks["language"], f"the default language '{default}' is not in languages: {', '.join(codes)}",
                 f"add '{default}' to languages, or set language: to one of them")
        elif len(codes) > 1:
            values["languages"] = (default, *[c for c in codes if c != default])
    messages, catalog_diags = load_messages(site_dir, values.get("language", SiteConfig.language))
    diags += catalog_diags
    others = []
    for code in values.get("languages", ())[1:]:
        other, other_diags = load_messages(site_dir, code)
        others.append(other)
        diags += other_diags
    values["other_messages"] = tuple(others)
    related = values.pop("related", RelatedConfig())
    if diags:
        # The keys that were right still count (languages above all), so the rest of the build
        # checks the content against them rather than reporting every Chinese brief too.
        raise ConfigFailed(diags, replace(SiteConfig(), related=related, messages=messages, **values))
    return replace(SiteConfig(), related=related, messages=messages, **values)


class ConfigFailed(BuildFailed):
    """sitegen.yaml's problems, with the configuration its correct keys make."""

    def __init__(self, diagnostics: list[Diagnostic], config: SiteConfig):
        super().__init__(diagnostics)
        self.config = config

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (BuildFailed, (self.diagnostics,))


def _brand_problem(site_dir: Path, sub: str, value: str) -> tuple[str, str] | None:
    """(message, hint) when a brand key is unusable."""
    if sub == "accent" and not HEX.fullmatch(value):
        return (f"brand.accent '{value}' is not a hex colour",
                "write it as '#rrggbb' or '#rgb', for example '#0b5cad' (quote it: # starts a YAML comment)")
    if sub == "logo":
        path = PurePosixPath(value)
        static = site_dir / "static"
        if path.is_absolute() or ".." in path.parts or "://" in value or not (static / path).is_file():
            return (f"brand.logo '{value}' is not a file in static/",
                    "put the logo (SVG or PNG) in static/ and give its path inside it, for example 'logo.svg'")
    return None


def _read(doc: Located, shown: str, text: str, site_dir: Path) -> tuple[dict[str, Any], dict[str, tuple[int, int]], list[Diagnostic]]:
    diags: list[Diagnostic] = []
    values: dict[str, Any] = {}
    marks: dict[str, tuple[int, int]] = {}

    def diag(p: tuple[Any, ...], msg: str, hint: str = "", key: bool = False, code: Code = Code.CONFIG) -> None:
        # Every rule of sitegen.yaml is a config error, but for the two the brief rules share.
        line, col = doc.where(p, key=key)
        diags.append(Diagnostic(SourceLocation(shown, line, col), msg, hint, line_of(text, line), code=code))

    def typed(p: tuple[Any, ...], value: Any, kind: type | tuple[type, ...]) -> bool:
        ok = isinstance(value, kind) and not (kind is not bool and isinstance(value, bool))
        ok = ok and not (isinstance(value, float) and not math.isfinite(value))
        if not ok:
            diag(p, f"'{'.'.join(map(str, p))}' must be {_TYPE_NAMES[kind]}")
        return ok

    data = doc.data
    if data is None:
        return values, marks, diags
    if not isinstance(data, dict):
        diag((), "sitegen.yaml must be a mapping of keys to values", "write lines such as 'title: My briefs'",
             code=Code.NOT_A_MAPPING)
        return values, marks, diags
    known = set(SCALARS) | set(SECTIONS) | {"stories", "languages"}
    related_kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key not in known:
            diag((key,), f"unknown key '{key}'", did_you_mean(key, known), key=True, code=Code.UNKNOWN_KEY)
        elif key == "stories":
            if not isinstance(value, dict):
                diag((key,), "'stories' must be a mapping of story slugs to titles",
                     "write lines such as '  nimbus-ai-buildout: Nimbus and the AI build-out' under 'stories:'")
                continue
            titles = []
            for slug, title in value.items():
                if not isinstance(slug, str) or not SLUG_RE.match(slug):
                    diag((key, slug), f"'{slug}' is not a story slug", "use the slug written in briefs' story: key",
                         key=True)
                elif typed((key, slug), title, str):
                    titles.append((slug, title))
            values["stories"] = tuple(titles)
        elif key == "languages":
            if not isinstance(value, list):
                diag((key,), "'languages' must be a list of language codes", "write languages: [en, zh]",
                     code=Code.WRONG_TYPE)
                continue
            codes: list[str] = []
            for i, code in enumerate(value):
                if not isinstance(code, str) or parse_language(code) is None:
                    diag((key, i), f"unknown language code '{code}'", language_hint(str(code)), code=Code.INVALID_VALUE)
                elif code in codes:
                    diag((key, i), f"'{code}' is listed twice in languages", "list each language once", code=Code.CONFIG)
                else:
                    codes.append(code)
            values["languages"] = codes
        elif key in SCALARS:
            kind, attr = SCALARS[key]
            if typed((key,), value, kind):
                if key == "per_page" and value < MINIMUMS[key]:
                    diag((key,), f"'per_page' must be at least {MINIMUMS[key]}")
                    continue
                values[attr] = value
                marks[key] = doc.where((key,))
        else:
            section = SECTIONS[key]
            if not isinstance(value, dict):
                diag((key,), f"'{key}' must be a mapping with keys: {', '.join(section)}")
                continue
            for sub, subvalue in value.items():
                if sub not in section:
                    diag((key, sub), f"unknown key '{key}.{sub}'", did_you_mean(sub, section), key=True,
                         code=Code.UNKNOWN_KEY)
                elif typed((key, sub), subvalue, section[sub]):
                    if sub == "count" and subvalue < MINIMUMS[f"{key}.count"]:
                        diag((key, sub), f"'{key}.count' must not be negative")
                    elif sub == "half_life_days" and subvalue <= 0:
                        diag((key, sub), "'related.half_life_days' must be more than 0")
                    elif key == "markdown":
                        values["unsafe_html"] = subvalue
                    elif key == "feed" and sub == "content" and subvalue not in FEED_CONTENT:
                        diag((key, sub), f"feed.content must be one of: {', '.join(FEED_CONTENT)}",
                             "full carries every section of each brief; summary the hook and TL;DR")
                    elif key == "feed" and sub == "max_kb" and subvalue < MINIMUMS["feed.max_kb"]:
                        diag((key, sub), f"feed.max_kb must be at least {MINIMUMS['feed.max_kb']}",
                             "feed readers take feeds of several megabytes")
                    elif key == "feed":
                        values[f"feed_{sub}"] = subvalue
                    elif key == "brand":
                        problem = _brand_problem(site_dir, sub, subvalue)
                        if problem:
                            diag((key, sub), *problem)
                        else:
                            values[sub] = subvalue
                    elif sub == "weights":
                        weights = dict(RelatedConfig().weights)
                        for signal, w in subvalue.items():
                            if signal not in weights:
                                diag((key, sub, signal), f"unknown related signal '{signal}'",
                                     did_you_mean(str(signal), tuple(weights)), key=True, code=Code.UNKNOWN_KEY)
                            elif typed((key, sub, signal), w, (int, float)):
                                if not abs(w) <= MAX_WEIGHT:  # NaN too
                                    diag((key, sub, signal), f"the weight of '{signal}' must be a number from "
                                         f"-{MAX_WEIGHT:,} to {MAX_WEIGHT:,}, not {w}",
                                         "weights are relative: 1.0 is the usual scale, 0 turns a signal off")
                                else:
                                    weights[signal] = float(w)
                        related_kwargs["weights"] = tuple(weights.items())
                    else:
                        related_kwargs[sub] = subvalue
    if related_kwargs:
        values["related"] = replace(RelatedConfig(), **related_kwargs)
    return values, marks, diags
