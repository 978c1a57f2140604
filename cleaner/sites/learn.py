"""`clean learn`: draft a rule file per site from many copies of its pages.

Pass one counts the pages' lines per site as `--learn` does (rules/repetition.py); pass two
goes over the pages of each site with enough of them and drafts, from what recurs there:

- fingerprints: the site's name as the pages print it on a recurring line of chrome (the words
  that spell the domain's name: "Harbour Gazette" for harbourgazette.example), and the domain
  when a recurring line names it;
- line rules: one per recurring line (G601's verdict: on min_pages pages and a fifth of them,
  counted per other article; a sentence only with a recurring neighbour), exact, or a regex
  where the line has numbers ("Join 10,000+ members" matches the next count too); lines that a
  generic phrase rule already removes on its own are left to it;
- block rules: from a recurring line to the next ones, over the lines that change from page to
  page (a feed's headlines), when those lines are never article text on any page (removed by
  the generic rules, or short lines that are neither the title nor beside kept prose);
- meta rules: the shapes of the byline and date lines the generic rules read, with the name and
  the date as named groups;
- a test case: one page of the site, and the text the draft cleans it to.

Each rule has a code (two to five capitals from the domain, 101... for lines, 201... for
blocks, 301... for meta), a reason, and a comment with the page counts. The draft is checked
with the rule-file validator before it is written.
"""

from __future__ import annotations

import itertools
import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from cleaner.core.article import is_credit
from cleaner.core.metadata import TIME_ONLY_RE, is_date_line
from cleaner.core.normalise import strip_inline
from cleaner.core.pipeline import learning_view, run
from cleaner.rules.repetition import (
    DEFAULT_SHARE,
    Learned,
    Learner,
    article_keys,
    is_prose,
    normal,
)
from cleaner.sites.identify import RuleSet
from cleaner.sites.rulefile import RuleFile

DEFAULT_MIN_PAGES = 2  # a draft is read by a person before it is used: two pages are a pattern
SAMPLE_PAGES = 200  # pages per site cleaned in full for the blocks, bylines and the test case
MAX_BLOCK_LINES = 80
GENERIC_PHRASES = re.compile(r"^(?:G1\d\d|M001)$")  # lines the generic phrase rules handle
META_CODES = ("G301", "G302")

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_DATE_SHAPES = (
    rf"{_MONTH} \d{{1,2}}, \d{{4}}",  # March 7, 2023
    rf"\d{{1,2}} {_MONTH} \d{{4}}",  # 7 March 2023
    r"\d{4}-\d{2}-\d{2}",  # 2023-03-07
    r"\d{1,2}[./]\d{1,2}[./]\d{4}",  # 07.03.2023
)
_DATE_IN_LINE = re.compile("|".join(f"(?:{d})" for d in _DATE_SHAPES), re.I)
_TIME_IN_LINE = re.compile(r"\d{1,2}:\d{2}(?: ?[AP]M)?", re.I)
_DIGITS = re.compile(r"\d+(?:[,.]\d+)*")  # 10,000 and 1.5 as one number
_NUMBER = r"\d[\d,.]*"

Page = tuple[str, bytes]  # (file name, contents)


@dataclass
class Recurring:
    text: str  # the line as pages print it (the smallest variant: the same whatever the order)
    pages: int  # pages it is on (G601's count)
    prose: bool


@dataclass
class SiteDraft:
    domain: str
    pages: int
    toml: str = ""
    fingerprints: list[str] = field(default_factory=list)
    lines: list[tuple[str, Recurring, str, str]] = field(default_factory=list)  # code, _, kind, pat
    blocks: list[tuple[str, str, str, int, int]] = field(default_factory=list)
    meta: list[tuple[str, str, int]] = field(default_factory=list)  # code, regex, pages
    test: tuple[str, bytes] | None = None  # the test page (name, contents)
    test_name: str = ""
    left_to_generic: list[str] = field(default_factory=list)
    spared: list[str] = field(default_factory=list)  # titles, credit lines, bylines


def code_prefix(domain: str, taken: set[str]) -> str:
    """Two to five capitals from the domain's name that no other rule file in force uses
    (G, M and K alone are the generic rules')."""
    letters = re.sub(r"[^A-Za-z]", "", domain.split(".")[0]).upper() or "X"
    letters = (letters + "XXXXX")[:5]
    for n in range(2, 6):
        if letters[:n] not in taken:
            return letters[:n]
    for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        if letters[:4] + c not in taken:
            return letters[:4] + c
    raise ValueError(f"no code prefix left for {domain}")


def _site_name(domain: str, lines: Iterable[str]) -> str | None:
    """The words of a line that spell the domain's name ("Harbour Gazette" in "Harbour Gazette
    · 14 Quay Street"), if one of the lines has them."""
    label = re.sub(r"[^a-z0-9]", "", domain.split(".")[0].lower())
    if len(label) < 4:
        return None
    for line in lines:
        words = line.split()
        for i in range(len(words)):
            spelled = ""
            for j in range(i, min(len(words), i + 6)):
                spelled += re.sub(r"[^a-z0-9]", "", words[j].lower())
                if spelled == label or spelled == "the" + label:
                    return " ".join(w.strip(".,:;|·()") for w in words[i : j + 1])
                if not label.startswith(spelled) and not ("the" + label).startswith(spelled):
                    break
    return None


def line_pattern(text: str) -> tuple[str, str]:
    """("exact", the line) or ("regex", an anchored pattern with its numbers as \\d+)."""
    if not _DIGITS.search(text):
        return "exact", text
    parts = _DIGITS.split(text)
    return "regex", "^" + _NUMBER.join(_escape(p) for p in parts) + "$"


def meta_pattern(line: str, byline: str | None) -> str | None:
    """A byline or date line's shape as a regex with named groups, or None."""
    d = _DATE_IN_LINE.search(line)
    name_at = line.find(byline) if byline else -1
    if d is None and name_at < 0:
        return None
    pieces: list[tuple[int, int, str]] = []
    if d is not None:
        shape = next(s for s in _DATE_SHAPES if re.fullmatch(s, d.group(0), re.I))
        pieces.append((d.start(), d.end(), f"(?P<date>{shape})"))
    if (
        byline
        and name_at >= 0
        and not (d and d.start() < name_at + len(byline) and name_at < d.end())
    ):
        pieces.append((name_at, name_at + len(byline), "(?P<byline>.+?)"))
    pieces.sort()
    out, at = "^", 0
    for start, end, pattern in pieces:
        out += _generalise(line[at:start]) + pattern
        at = end
    out += _generalise(line[at:]) + "$"
    return out


def _generalise(text: str) -> str:
    """Literal text of a byline line with its times and numbers generalised."""
    out, at = "", 0
    for m in _TIME_IN_LINE.finditer(text):
        out += _numbers(text[at : m.start()]) + r"\d{1,2}:\d{2}(?: ?[AP]M)?"
        at = m.end()
    return out + _numbers(text[at:])


def _escape(text: str) -> str:
    return re.escape(text).replace("\\ ", " ")


def _numbers(text: str) -> str:
    return _NUMBER.join(_escape(p) for p in _DIGITS.split(text))


def _pattern_toml(text: str) -> tuple[str, str]:
    kind, pattern = line_pattern(text)
    return kind, _toml_str(pattern)


def _toml_str(s: str) -> str:
    """A TOML literal string when it can be one (regexes read as written), else a basic one."""
    if "'" not in s and "\n" not in s and all(c >= " " for c in s):
        return f"'{s}'"
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Drafter:
    def __init__(
        self,
        pages: Callable[[], Iterable[Page]],
        identify: RuleSet,
        *,
        site: str | None = None,
        min_pages: int = DEFAULT_MIN_PAGES,
        share: float = DEFAULT_SHARE,
    ) -> None:
        self.pages = pages
        self.identify = identify
        self.site = site
        self.min_pages = min_pages
        self.share = share
        self.seen: dict[str, int] = {}  # pages per site, learned or not
        self.names: dict[str, dict[str, int]] = {}  # per site: the site's name -> pages
        self.unknown = 0  # pages with no site

    def count(self) -> Learned:
        learner = Learner(self.min_pages, self.share)
        for name, data in self.pages():
            key, texts = learning_view(data, self.identify, site=self.site, name=name)
            if not key or not texts:
                self.unknown += 1
                continue
            self.seen[key] = self.seen.get(key, 0) + 1
            learner.add(key, texts)
            site_name = _site_name(key, [t for t in texts if not is_prose(t)])
            if site_name:
                names = self.names.setdefault(key, {})
                names[site_name] = names.get(site_name, 0) + 1
        return learner.freeze()

    def draft(self, only: str | None = None, taken: set[str] | None = None) -> list[SiteDraft]:
        learned = self.count()
        generic = RuleSet(())
        found: dict[str, dict[str, Recurring]] = {}
        spans: dict[str, dict[tuple[str, str], list[int]]] = {}
        bylines: dict[str, dict[str, set[str]]] = {}
        sampled: dict[str, int] = {}
        best_test: dict[str, tuple[int, str, bytes]] = {}
        # lines never drafted as line rules: a page's title (another page's feed prints it),
        # a line a keep rule held (a credit line), a byline or date line (the meta rules')
        not_rules: dict[str, set[str]] = {}
        stored: dict[str, list] = {}  # the sampled pages: (texts, verdicts, generic result)
        for name, data in self.pages():
            key, texts = learning_view(data, self.identify, site=self.site, name=name)
            if key not in learned.sites or (only and key != only):
                continue
            verdicts = learned.verdicts(key, texts, article_keys(texts))
            rec = found.setdefault(key, {})
            for text, why in zip(texts, verdicts, strict=True):
                if why is None:
                    continue
                n = int(why.split()[1])
                k = normal(text)
                old = rec.get(k)
                if old is None or text < old.text or n > old.pages:
                    rec[k] = Recurring(
                        min(text, old.text) if old else text,
                        max(n, old.pages if old else 0),
                        is_prose(text),
                    )
            if sampled.get(key, 0) >= SAMPLE_PAGES:
                continue
            sampled[key] = sampled.get(key, 0) + 1
            result = run(data, generic, site=key, name=name, site_rules=False)
            stored.setdefault(key, []).append((texts, verdicts, result))
            markdown = result.input_format == "markdown"
            spared = not_rules.setdefault(key, set())
            if result.title:
                spared.add(normal(result.title))
            spared.update(normal(k.text) for k in result.kept)
            for r in result.removed:
                if r.rule in META_CODES:
                    line = " ".join(strip_inline(r.text, markdown)[0].split())
                    bylines.setdefault(key, {}).setdefault(line, set()).add(result.byline or "")
                    spared.add(normal(line))
            # the test case: the page with the most recurring lines (the first name of a tie)
            hits = sum(v is not None for v in verdicts)
            old_test = best_test.get(key)
            if old_test is None or (-hits, name) < (-old_test[0], old_test[1]):
                best_test[key] = (hits, name, data)
        taken = set(taken or ())
        drafts = []
        for key in sorted(found):
            d = SiteDraft(key, learned.sites[key].pages)
            spared = not_rules.get(key, set())
            self._feeds(stored.get(key, []), spared, found[key], d.pages)
            for texts, verdicts, result in stored.get(key, []):
                self._page_blocks(texts, verdicts, result, spans.setdefault(key, {}), spared)
            rec = {k: r for k, r in found[key].items() if k not in spared}
            d.spared = sorted(r.text for k, r in found[key].items() if k in spared)
            self._fill(d, rec, spans.get(key, {}), bylines.get(key, {}), taken, generic)
            if key in best_test:
                d.test = (best_test[key][1], best_test[key][2])
            drafts.append(d)
        return drafts

    @staticmethod
    def _feeds(stored, spared: set[str], rec, pages: int) -> None:
        """Lines of a list of headlines are not drafted either: a recurring line beside a
        page's title, or beside such a line, that is on at most half of the pages (the feed's
        heading and the chrome around it recur on all). The headline of a page missing from
        the sample is printed in the feeds of the others, beside the headlines of pages in it:
        a rule for it would remove that page's title."""
        changed = True
        while changed:
            changed = False
            for texts, verdicts, _ in stored:
                norms = [normal(t) for t in texts]
                for i, v in enumerate(verdicts):
                    n = norms[i]
                    if v is None or n in spared or is_prose(texts[i]):
                        continue
                    r = rec.get(n)
                    if r is None or 2 * r.pages > pages:
                        continue
                    near = [norms[j] for j in (i - 1, i + 1) if 0 <= j < len(texts)]
                    if any(x in spared for x in near):
                        spared.add(n)
                        changed = True

    def _page_blocks(self, texts, verdicts, result, spans, spared: set[str]) -> None:
        """The runs on this page from a recurring line to a later one over changing lines that
        are never article text; spans[(start, end)] gets their lengths. Spared lines (titles,
        headlines) are changing lines here: a feed of headlines is a block."""
        out = {normal(p) for p in result.text.split("\n") if p}
        title = normal(result.title or "")
        meta = {normal(" ".join(strip_inline(r.text, True)[0].split())) for r in result.removed
                if r.rule in META_CODES}  # fmt: skip
        kept = [normal(t) in out for t in texts]

        def safe(i: int) -> bool:
            n = normal(texts[i])
            if n in meta or n == title:
                return False
            if not kept[i]:
                return True
            if is_prose(texts[i]):
                return False
            near = [j for j in (i - 1, i + 1) if 0 <= j < len(texts)]
            return not any(kept[j] and is_prose(texts[j]) for j in near)

        def stamp(t: str) -> bool:
            return is_date_line(t) or TIME_ONLY_RE.match(t) is not None

        # a feed's stamps recur too, but change in what they say: lines inside a block
        verdicts = [
            None if stamp(t) or normal(t) in spared else v
            for t, v in zip(texts, verdicts, strict=True)
        ]
        marks = [i for i, v in enumerate(verdicts) if v is not None]
        start = None  # the chain's first recurring line
        for a, b in itertools.pairwise(marks):
            good = all(safe(i) for i in range(a + 1, b))
            good = good and b - (a if start is None else start) < MAX_BLOCK_LINES
            if good and start is None:
                start = a
            if start is not None and (not good or b == marks[-1]):
                end = b if good else a
                changing = [i for i in range(start, end) if verdicts[i] is None]
                if changing:  # from the recurring line just before the changing ones to the
                    # one just after them: the lines around are the line rules' to remove
                    first = max(m for m in marks if m < changing[0])
                    last = min(m for m in marks if m > changing[-1])
                    span = (normal(texts[first]), normal(texts[last]))
                    spans.setdefault(span, []).append(last - first + 1)
                start = None

    def _fill(self, d: SiteDraft, rec, spans, bylines, taken: set[str], generic) -> None:
        prefix = code_prefix(d.domain, taken)
        taken.add(prefix)
        names = self.names.get(d.domain, {})
        d.fingerprints = [
            n for n, c in sorted(names.items(), key=lambda kv: (-kv[1], kv[0]))[:1]
            if c >= self.min_pages
        ]  # fmt: skip
        if any(d.domain in r.text.lower() for r in rec.values()):
            d.fingerprints.append(d.domain)
        n = 101
        for r in sorted(rec.values(), key=lambda r: (-r.pages, r.text)):
            if is_credit(r.text):
                d.spared.append(r.text)  # K001's, on every path
                continue
            if is_date_line(r.text) or TIME_ONLY_RE.match(r.text):
                d.left_to_generic.append(r.text)  # a feed's stamps, a date: G203 and G302's
                continue
            probe = run(r.text + "\n", generic, site_rules=False, model=False)
            if any(GENERIC_PHRASES.match(x.rule) for x in probe.removed):
                d.left_to_generic.append(r.text)
                continue
            kind, pattern = line_pattern(r.text)
            if n > 199:
                break
            d.lines.append((f"{prefix}{n}", r, kind, pattern))
            n += 1
        n = 201
        texts = {normal(r.text): r.text for r in rec.values()}
        for (s, e), lengths in sorted(spans.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            if len(lengths) >= self.min_pages and s in texts and e in texts and n <= 299:
                d.blocks.append((f"{prefix}{n}", texts[s], texts[e], max(lengths), len(lengths)))
                n += 1
        shapes: dict[str, int] = {}
        for line, names in bylines.items():
            for byline in names:
                shape = meta_pattern(line, byline or None)
                if shape:
                    shapes[shape] = shapes.get(shape, 0) + 1
        n = 301
        for pattern, count in sorted(shapes.items(), key=lambda kv: (-kv[1], kv[0])):
            if count >= self.min_pages and n <= 305:
                d.meta.append((f"{prefix}{n}", pattern, count))
                n += 1
        d.toml = render(d)
        RuleFile.model_validate(tomllib.loads(d.toml))  # a draft the validator refuses is a bug


def render(d: SiteDraft, test: tuple[str, str] | None = None) -> str:
    pages = d.pages
    out = [
        f"# Drafted by `clean learn` from {pages} pages of {d.domain}: review before use.",
        "# Each rule says on how many of those pages it was seen. Sites rephrase their pleas",
        "# with each campaign: generalise an exact line into a prefix or a regex where it helps.",
        "",
        "[site]",
        f"domain = {_toml_str(d.domain)}",
    ]
    if d.fingerprints:
        out.append("fingerprints = [" + ", ".join(_toml_str(f) for f in d.fingerprints) + "]")
        out.append("min_fingerprints = 1")
    for code, r, kind, pattern in d.lines:
        out += [
            "",
            f"# on {r.pages} of {pages} pages",
            "[[line]]",
            f'code = "{code}"',
            f'reason = "{"recurring sentence" if r.prose else "recurring line"} '
            f'(learned: on {r.pages} of {pages} pages)"',
            f"{kind} = {_toml_str(pattern)}",
        ]
    for code, start, end, length, count in d.blocks:
        out += [
            "",
            f"# on {count} of {pages} pages, up to {length} lines",
            "[[block]]",
            f'code = "{code}"',
            f'reason = "recurring block (learned: on {count} of {pages} pages)"',
            "start = {{ {} = {} }}".format(*_pattern_toml(start)),
            "end = {{ {} = {} }}".format(*_pattern_toml(end)),
            f"max_lines = {min(1000, length + 5)}",
        ]
    for code, pattern, count in d.meta:
        out += [
            "",
            f"# the byline and date lines of {count} pages",
            "[[meta]]",
            f'code = "{code}"',
            'reason = "byline and date line (learned)"',
            f"regex = {_toml_str(pattern)}",
            "ignore_case = true",
        ]
    if test:
        out += [
            "",
            "# `clean rules check` cleans the input with this file and compares",
            "[[test]]",
            f"input = {_toml_str(test[0])}",
            f"expected = {_toml_str(test[1])}",
        ]
    return "\n".join(out) + "\n"
