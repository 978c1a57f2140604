"""Which site a copy comes from, and the rule files known for each site."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cleaner.core.metadata import site_of_url
from cleaner.sites.rulefile import RuleFileError, SiteRules, load_rule_file

FINGERPRINT_SCAN_CHARS = 200_000  # fingerprints sit in page chrome; no need to scan a whole book


SENTENCE_MIN_WORDS = 10  # a line of ten words ending like a sentence is prose, not chrome
CHROME_MAX_WORDS = 30  # ...and so is any line longer than thirty words
_SENTENCE_END = '.!?…"”»)'


def in_chrome(text: str, phrase: str) -> bool:
    """Whether the phrase stands on a line of page chrome (a masthead, a byline, a footer
    notice), not in a sentence of prose: another site's article that merely names the site
    ("..., Radio Free Europe reported on Tuesday.") does not identify it."""
    at = text.find(phrase)
    while at >= 0:
        lo = text.rfind("\n", 0, at) + 1
        hi = text.find("\n", at)
        line = text[lo : hi if hi >= 0 else len(text)].strip()
        n = len(line.split())
        if n <= CHROME_MAX_WORDS and (
            n < SENTENCE_MIN_WORDS or not line.endswith(tuple(_SENTENCE_END))
        ):
            return True
        at = text.find(phrase, at + len(phrase))
    return False


_DOMAIN_SHAPED = re.compile(r"^[a-z0-9-]+(?:\.[a-z0-9-]+)+$")


def _fingerprint_in(text: str, fingerprint: str) -> bool:
    """A site's own address ("techyember.com") counts wherever it stands, as in its sign-off
    ("read more stories on our website techyember.com"); a name ("Radio Free Europe") only in
    the chrome, since other sites' articles quote names far more often than addresses."""
    if _DOMAIN_SHAPED.match(fingerprint):
        return fingerprint in text
    return in_chrome(text, fingerprint)


def builtin_rules_dir() -> Path:
    """Installed wheels carry the rules inside the package; a source checkout has them beside it."""
    package = Path(__file__).resolve().parent.parent
    packaged = package / "_builtin_rules"
    return packaged if packaged.is_dir() else package.parent / "rules"


def load_dir(directory: Path) -> list[SiteRules]:
    """The rule files of a folder (its `*.toml`), or the one file `directory` names."""
    if directory.is_dir():
        return [load_rule_file(p) for p in sorted(directory.glob("*.toml"))]
    if directory.exists():
        return [load_rule_file(directory)]  # a FIFO or a device is refused unread there
    raise RuleFileError(f"{directory}: no such rule file or directory")


@dataclass(frozen=True)
class RuleSet:
    """All site rule files in force; a later file for the same domain replaces an earlier one."""

    sites: tuple[SiteRules, ...]

    @classmethod
    def from_dirs(cls, dirs: tuple[Path, ...], builtin: bool = True) -> RuleSet:
        by_domain: dict[str, SiteRules] = {}
        for directory in ((builtin_rules_dir(),) if builtin else ()) + tuple(dirs):
            here: dict[str, str] = {}  # domain -> the file of this folder that has it
            for site in load_dir(directory):
                if site.domain in here:
                    raise RuleFileError(
                        f"{site.path}: domain {site.domain} is also in {here[site.domain]}; "
                        "one file per domain in a folder"
                    )
                here[site.domain] = site.path
                by_domain[site.domain] = site  # a later folder's file replaces an earlier one
        owner: dict[str, str] = {}
        for site in by_domain.values():
            for code, _ in site.codes():
                if code in owner and owner[code] != site.path:
                    raise RuleFileError(f"{site.path}: rule code {code} is also in {owner[code]}")
                owner[code] = site.path
        return cls(tuple(by_domain.values()))

    def for_domain(self, domain: str | None) -> SiteRules | None:
        if not domain:
            return None
        domain = domain.lower().removeprefix("www.")
        for site in self.sites:
            for d in site.domains:
                if domain == d or domain.endswith("." + d):
                    return site
        return None

    def identify(self, text: str, url: str | None) -> SiteRules | None:
        """By URL when there is one, else by the fingerprint phrases in the copy."""
        site = self.for_domain(site_of_url(url))
        if site is not None or url:
            return site
        head = text[:FINGERPRINT_SCAN_CHARS].casefold()
        best, best_hits = None, 0
        for candidate in self.sites:
            hits = sum(1 for f in candidate.fingerprints if _fingerprint_in(head, f.casefold()))
            if hits >= candidate.min_fingerprints and hits > best_hits:
                best, best_hits = candidate, hits
        return best


@lru_cache(maxsize=32)
def ruleset(dirs: tuple[str, ...] = (), builtin: bool = True) -> RuleSet:
    """Rule files are parsed and compiled once per process for each combination of directories."""
    return RuleSet.from_dirs(tuple(Path(d) for d in dirs), builtin=builtin)
