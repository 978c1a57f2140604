"""The summary that ends every run, a folder's or a record file's: the inputs named by kind
(failed, skipped, suspect, warnings: the first NAMED of each) and one line of counts."""

from __future__ import annotations

from dataclasses import dataclass, field

from cleaner.core.data import Result

NAMED = 20  # the summary names this many inputs of each kind; --report names every one


@dataclass
class Named:
    """The first NAMED (input, why) of one kind for the summary, and how many more there were:
    a run over a million files keeps no list that grows with them."""

    kind: str  # failed | skipped | suspect | warning
    first: list[tuple[str, str]] = field(default_factory=list)
    more: int = 0

    def add(self, name: str, why: str) -> None:
        if len(self.first) < NAMED:
            self.first.append((name, why))
        else:
            self.more += 1

    def lines(self) -> list[str]:
        lines = [f"{name}: {self.kind}: {why}" for name, why in self.first]
        if self.more:
            kind = "warnings" if self.kind == "warning" else self.kind
            lines.append(f"... and {self.more} more {kind} (--report FILE names every input)")
        return lines


@dataclass
class Summary:
    read: int = 0
    written: int = 0
    skipped: int = 0
    failed: int = 0
    suspect: int = 0  # written, but kept nothing or nearly nothing of a non-blank input
    existing: int = 0  # skipped by --skip-existing (their output exists): counted, not listed
    chars_in: int = 0
    chars_out: int = 0
    failures: Named = field(default_factory=lambda: Named("failed"))
    skips: Named = field(default_factory=lambda: Named("skipped"))
    suspects: Named = field(default_factory=lambda: Named("suspect"))
    warnings: Named = field(default_factory=lambda: Named("warning"))

    def add(self, result: Result) -> None:
        self.chars_in += result.chars_in
        self.chars_out += len(result.text)

    def render(self) -> str:
        # An output can be longer than its input (a title from the page's tags put first).
        removed = max(0.0, 1 - self.chars_out / self.chars_in) if self.chars_in else 0.0
        lines = self.failures.lines() + self.skips.lines()
        if self.existing:
            lines.append(f"skipped {self.existing} input(s) whose output exists (--skip-existing)")
        lines += self.suspects.lines() + self.warnings.lines()
        # The suspect count shows only when there are some: the line keeps its shape otherwise.
        suspect = f", suspect {self.suspect}" if self.suspect else ""
        lines.append(
            f"read {self.read}, written {self.written}, skipped {self.skipped}, failed {self.failed}"
            f"{suspect}; {removed:.1%} of text removed"
        )
        return "\n".join(lines)
