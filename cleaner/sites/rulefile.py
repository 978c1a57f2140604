"""Site rule files (`rules/<domain>.toml`): schema, validation and compilation.

A file is validated completely before any input is read; every problem names the file, the key
and what is wrong. See README.md ("Site rules") for the format with a worked example.
"""

from __future__ import annotations

import difflib
import os
import stat
import tomllib
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal, Self

import regex
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

CODE_PATTERN = r"^[A-Z]{1,5}[0-9]{3}$"
REGEX_TIMEOUT = 0.5  # seconds per match: a user pattern may be catastrophic on some line


class RuleFileError(ValueError):
    """A rule file that cannot be used; the message names file, key and problem."""


class RuleTimeout(RuntimeError):
    """A rule's regex ran past REGEX_TIMEOUT on a line."""


MAX_FILE_BYTES = 1_000_000  # a site's rules are a few kB; /dev/zero behind a link is not
MAX_PATTERN_SIZE = 100_000  # characters a pattern expands to: compiling one of 10^8 takes GBs
_COUNTED = regex.compile(r"\{(\d*)(?:,(\d*))?\}")


def pattern_size(pattern: str) -> int:
    """An upper bound of how many characters `pattern` spells out once its counted repeats
    are unrolled (the regex compiler unrolls them: `((a{100}){100}){100}` is a million
    characters, and so much memory), read without compiling it."""
    stack = [0]
    last = 0
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        atom = 1
        if c == "\\":
            i += 2
        elif c == "[":
            j = i + 1
            if j < n and pattern[j] == "^":
                j += 1
            if j < n and pattern[j] == "]":
                j += 1
            while j < n and pattern[j] != "]":
                j += 2 if pattern[j] == "\\" else 1
            i = j + 1
        elif c == "(":
            stack.append(0)
            i += 1
            continue
        elif c == ")":
            atom = max(1, stack.pop()) if len(stack) > 1 else 1
            i += 1
        elif c == "{" and (m := _COUNTED.match(pattern, i)) and (m[1] or m[2]):
            times = max(int(m[1] or 0), int(m[2] or 0), 1)
            stack[-1] += last * (times - 1)
            last *= times
            i = m.end()
            continue
        elif c in "*+?|":
            i += 1
            continue
        else:
            i += 1
        stack[-1] += atom
        last = atom
    return sum(stack)


def _check_regex(pattern: str) -> regex.Pattern:
    """Compile a user pattern, refusing one that would take a huge amount of memory."""
    size = pattern_size(pattern)
    if size > MAX_PATTERN_SIZE:
        raise ValueError(
            f"regex {pattern[:60]!r} expands to about {size:,} characters once its counted "
            f"repeats are unrolled (at most {MAX_PATTERN_SIZE:,}): write it with + or * instead"
        )
    try:
        return regex.compile(pattern)
    except regex.error as exc:
        raise ValueError(f"invalid regex {pattern!r}: {exc}") from None


def _as_list(value):
    if value is None:
        return []
    return [value] if isinstance(value, str) else value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


StrList = Annotated[list[str], Field(default_factory=list)]


class MatchSpec(_Strict):
    """What a line must look like: any of exact / prefix / contains / regex (each a string or list)."""

    exact: StrList
    prefix: StrList
    contains: StrList
    regex: StrList
    ignore_case: bool = True

    @field_validator("exact", "prefix", "contains", "regex", mode="before")
    @classmethod
    def _listify(cls, v):
        return _as_list(v)

    @field_validator("regex")
    @classmethod
    def _compiles(cls, v):
        for pattern in v:
            _check_regex(pattern)
        return v

    @model_validator(mode="after")
    def _not_empty(self):
        if not (self.exact or self.prefix or self.contains or self.regex):
            raise ValueError("needs at least one of exact, prefix, contains, regex")
        return self


class _Coded(_Strict):
    code: Annotated[str, Field(pattern=CODE_PATTERN)]
    reason: Annotated[str, Field(min_length=3)]


class LineSpec(_Coded, MatchSpec):
    """`[[line]]`: drop a matching line, or (action = "span") only the matched part of it."""

    action: Literal["drop", "span"] = "drop"

    @model_validator(mode="after")
    def _span_needs_pattern(self):
        if self.action == "span" and (self.exact or self.prefix):
            raise ValueError('action = "span" works with contains or regex, not exact or prefix')
        return self


class BlockSpec(_Coded):
    """`[[block]]`: drop from a start line to an end line, when the end comes within max_lines."""

    start: MatchSpec
    end: MatchSpec | None = None
    max_lines: Annotated[int, Field(ge=1, le=1000)]
    include_end: bool = True


class MetaSpec(_Coded):
    """`[[meta]]`: a regex whose named groups byline / date / url fill metadata; the line goes."""

    regex: str
    ignore_case: bool = False
    drop: bool = True

    @field_validator("regex")
    @classmethod
    def _groups(cls, v):
        compiled = _check_regex(v)
        if not set(compiled.groupindex) & {"byline", "date", "url", "title"}:
            raise ValueError(
                "needs a named group: (?P<byline>...), (?P<date>...), (?P<url>...) or (?P<title>...)"
            )
        return v


class ArticleSpec(_Strict):
    """`[article]`: markers (lines that are not article text) where the article starts or ends."""

    start_after: MatchSpec | None = None
    end_before: MatchSpec | None = None
    code: Annotated[str, Field(pattern=CODE_PATTERN)]
    reason: str = "outside the article markers"


class HtmlSpec(_Coded):
    """`[html]`: CSS selectors removed from the page before extraction."""

    strip: Annotated[list[str], Field(min_length=1)]

    @field_validator("strip")
    @classmethod
    def _selectors_parse(cls, v):
        from selectolax.lexbor import LexborHTMLParser as HTMLParser

        probe = HTMLParser("<p></p>")
        for selector in v:
            try:
                probe.css(selector)
            except Exception as exc:  # selectolax raises several types for bad selectors
                raise ValueError(f"invalid CSS selector {selector!r}: {exc}") from None
        return v


class SiteSpec(_Strict):
    domain: Annotated[str, Field(pattern=r"^[a-z0-9.-]+\.[a-z]{2,}$")]
    name: str | None = None
    aliases: StrList
    fingerprints: StrList
    min_fingerprints: Annotated[int, Field(ge=1)] = 1


class TestSpec(_Strict):
    """`[[test]]`: a page and the text it must clean to with this file (`clean rules check`);
    both paths are relative to the rule file's folder and stay inside it."""

    input: str
    expected: str

    @field_validator("input", "expected")
    @classmethod
    def _inside(cls, v):
        parts = Path(v).parts
        if not v or Path(v).is_absolute() or ".." in parts:
            raise ValueError(f"{v!r}: a path relative to the rule file's folder, inside it")
        return v


class RuleFile(_Strict):
    site: SiteSpec
    line: Annotated[list[LineSpec], Field(default_factory=list)]
    block: Annotated[list[BlockSpec], Field(default_factory=list)]
    meta: Annotated[list[MetaSpec], Field(default_factory=list)]
    article: ArticleSpec | None = None
    html: HtmlSpec | None = None
    test: Annotated[list[TestSpec], Field(default_factory=list)]

    @model_validator(mode="after")
    def _unique_codes(self) -> Self:
        seen: dict[str, str] = {}
        places = [
            (f"{name}[{i}].code", r.code)
            for name in ("line", "block", "meta")
            for i, r in enumerate(getattr(self, name))
        ]
        places += [
            (f"{name}.code", x.code)
            for name, x in (("article", self.article), ("html", self.html))
            if x is not None
        ]
        for key, code in places:
            if code in seen:
                raise ValueError(f"{key}: rule code {code} is already used at {seen[code]}")
            if regex.fullmatch(r"[GMK][0-9]{3}", code):
                raise ValueError(
                    f"{key}: rule code {code}: G###, M### and K### are reserved for generic rules"
                )
            seen[code] = key
        return self


# ---------------------------------------------------------------------------------------------
# Compiled forms


def _search(pattern: regex.Pattern, text: str, code: str):
    try:
        return pattern.search(text, timeout=REGEX_TIMEOUT)
    except TimeoutError:
        raise RuleTimeout(f"rule {code}: regex {pattern.pattern!r} timed out") from None


class Matcher:
    """A compiled MatchSpec: one alternation regex, so a line costs one search."""

    __slots__ = ("code", "pattern")

    def __init__(self, spec: MatchSpec, code: str):
        parts = [rf"(?:{regex.escape(s)})\Z" for s in spec.exact]
        parts += [rf"(?:{regex.escape(s)})" for s in spec.prefix]
        anchored = [rf"\A{p}" for p in parts]
        floating = [regex.escape(s) for s in spec.contains] + [f"(?:{r})" for r in spec.regex]
        flags = regex.IGNORECASE if spec.ignore_case else 0
        self.code = code
        self.pattern = regex.compile("|".join(anchored + floating), flags)

    def matches(self, text: str) -> bool:
        return _search(self.pattern, text, self.code) is not None

    def remove_spans(self, text: str) -> tuple[str, list[str]]:
        """The text without every match, and the matched parts."""
        try:
            parts = [m.group(0) for m in self.pattern.finditer(text, timeout=REGEX_TIMEOUT)]
            return self.pattern.sub("", text, timeout=REGEX_TIMEOUT), parts
        except TimeoutError:
            raise RuleTimeout(
                f"rule {self.code}: regex {self.pattern.pattern!r} timed out"
            ) from None


@dataclass(frozen=True, slots=True)
class LineRule:
    code: str
    reason: str
    matcher: Matcher
    span: bool


@dataclass(frozen=True, slots=True)
class BlockRule:
    code: str
    reason: str
    start: Matcher
    end: Matcher | None
    max_lines: int
    include_end: bool


@dataclass(frozen=True, slots=True)
class MetaRule:
    code: str
    reason: str
    pattern: regex.Pattern
    drop: bool

    def search(self, text: str):
        return _search(self.pattern, text, self.code)


@dataclass(frozen=True, slots=True)
class ArticleRule:
    code: str
    reason: str
    start_after: Matcher | None
    end_before: Matcher | None


@dataclass(frozen=True, slots=True)
class SiteRules:
    """Everything one site file says, compiled."""

    domain: str
    name: str | None
    domains: tuple[str, ...]
    fingerprints: tuple[str, ...]
    min_fingerprints: int
    lines: tuple[LineRule, ...]
    blocks: tuple[BlockRule, ...]
    meta: tuple[MetaRule, ...]
    article: ArticleRule | None
    html_code: str | None
    html_reason: str | None
    html_strip: tuple[str, ...]
    path: str
    tests: tuple[tuple[str, str], ...] = ()  # (input, expected), relative to the file's folder

    def codes(self) -> list[tuple[str, str]]:
        rules: tuple[LineRule | BlockRule | MetaRule, ...] = (*self.lines, *self.blocks, *self.meta)
        out = [(r.code, r.reason) for r in rules]
        if self.article:
            out.append((self.article.code, self.article.reason))
        if self.html_code:
            out.append((self.html_code, self.html_reason or ""))
        return out


def _format_error(path: Path, exc: ValidationError) -> str:
    lines = []
    for err in exc.errors():
        loc = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in err["loc"]).replace(
            ".[", "["
        )
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            near = nearest_key(err["loc"])
            if near is not None:
                msg += f"; did you mean `{near}`?"
        lines.append(f"{path}: {loc or '(top level)'}: {msg}")
    return "\n".join(lines)


def _model_of(annotation) -> type[BaseModel] | None:
    """The model a field holds: itself, or inside a list or an optional."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) in (list, typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            model = _model_of(arg)
            if model is not None:
                return model
    return None


def nearest_key(loc: tuple) -> str | None:
    """The key of the rule file's schema nearest to the unknown last key of `loc` (a typo:
    `prefx` -> `prefix`), or None when none is near."""
    model: type[BaseModel] | None = RuleFile
    for part in loc[:-1]:
        if isinstance(part, int):
            continue  # an entry of a list: the same model
        field = model.model_fields.get(part) if model is not None else None
        model = _model_of(field.annotation) if field is not None else None
        if model is None:
            return None
    if model is None or not isinstance(loc[-1], str):
        return None
    found = difflib.get_close_matches(loc[-1], list(model.model_fields), n=1, cutoff=0.6)
    return found[0] if found else None


def _read_bounded(path: Path) -> str:
    """A regular file's text, at most MAX_FILE_BYTES: a FIFO is never opened (it would block),
    a device or /dev/zero behind a link never read."""
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        raise RuleFileError(f"{path}: not a regular file")
    with open(path, "rb") as fh:
        data = fh.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise RuleFileError(f"{path}: over {MAX_FILE_BYTES:,} bytes: not a rule file")
    return data.decode("utf-8")


def load_rule_file(path: Path) -> SiteRules:
    """Parse, validate and compile one rule file; RuleFileError says exactly what is wrong."""
    try:
        data = tomllib.loads(_read_bounded(path))
    except tomllib.TOMLDecodeError as exc:
        raise RuleFileError(f"{path}: not valid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleFileError(f"{path}: cannot read: {exc}") from None
    except RecursionError:
        raise RuleFileError(f"{path}: not valid TOML: nested too deeply") from None
    try:
        spec = RuleFile.model_validate(data)
    except ValidationError as exc:
        raise RuleFileError(_format_error(path, exc)) from None
    except RecursionError:
        raise RuleFileError(f"{path}: nested too deeply") from None
    return compile_rules(spec, str(path))


def compile_rules(spec: RuleFile, path: str) -> SiteRules:
    site = spec.site
    art = spec.article
    return SiteRules(
        domain=site.domain,
        name=site.name,
        domains=(site.domain, *site.aliases),
        fingerprints=tuple(site.fingerprints),
        min_fingerprints=site.min_fingerprints,
        lines=tuple(
            LineRule(r.code, r.reason, Matcher(r, r.code), r.action == "span") for r in spec.line
        ),
        blocks=tuple(
            BlockRule(
                b.code,
                b.reason,
                Matcher(b.start, b.code),
                Matcher(b.end, b.code) if b.end else None,
                b.max_lines,
                b.include_end,
            )
            for b in spec.block
        ),
        meta=tuple(
            MetaRule(
                m.code, m.reason, regex.compile(m.regex, regex.I if m.ignore_case else 0), m.drop
            )
            for m in spec.meta
        ),
        article=ArticleRule(
            art.code,
            art.reason,
            Matcher(art.start_after, art.code) if art.start_after else None,
            Matcher(art.end_before, art.code) if art.end_before else None,
        )
        if art
        else None,
        html_code=spec.html.code if spec.html else None,
        html_reason=spec.html.reason if spec.html else None,
        html_strip=tuple(spec.html.strip) if spec.html else (),
        path=path,
        tests=tuple((t.input, t.expected) for t in spec.test),
    )
