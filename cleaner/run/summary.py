"""The summary that ends every run, a folder's or a record file's alike: the inputs named by
kind (failed, skipped, suspect, warnings: the first NAMED of each), then one line of counts,

    read 3, written 2, skipped 0, failed 1; 17.1% of text removed

`Summary.count` is given every input (a file, or a record of a record file) in input order with
its status (cleaned | skipped | failed), as its --report line is; the CLI prints `render()` on
stderr at the end of the run, unless --quiet.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cleaner.core.data import Result

OUTPUT_EXISTS = "output exists"  # the reason of an input skipped by --skip-existing
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

    warc: str | None = None  # a WARC file's records by type, and those that are no page

    def add(self, result: Result) -> None:
        self.chars_in += result.chars_in
        self.chars_out += len(result.text)

    def count(
        self,
        name: str,
        status: str,
        reason: str | None,
        result: Result | None,
        *,
        warnings: bool = True,
    ) -> None:
        """One input done: `status` cleaned (written; `result` its Result), skipped or failed
        (`reason` why). `warnings`: name the result's warnings (not with --explain, which
        lists them)."""
        self.read += 1
        if status == "cleaned":
            self.written += 1
            if result is None:
                return
            self.add(result)
            if result.suspect:
                self.suspect += 1
                self.suspects.add(name, result.suspect)
            if warnings:
                for warning in result.warnings:
                    self.warnings.add(name, warning)
        elif status == "skipped":
            self.skipped += 1
            if reason == OUTPUT_EXISTS:  # --skip-existing: counted, not listed
                self.existing += 1
            else:
                self.skips.add(name, reason or "")
        else:
            self.failed += 1
            self.failures.add(name, reason or "")

    def failed_late(self, name: str, why: str) -> None:
        """An input counted as cleaned that failed afterwards (a record whose Parquet row group,
        written later, could not hold one of its fields)."""
        self.written -= 1
        self.failed += 1
        self.failures.add(name, why)

    def warc_records(self, src: str, kinds: dict[str, int], not_cleaned: dict[str, int]) -> None:
        """A WARC file's records by WARC-Type, and those not cleaned (not written) by reason: a
        request, a revisit, a binary payload. They are not inputs: `read` counts pages only."""
        every = ", ".join(f"{kind} {n}" for kind, n in kinds.items())
        skipped = "; ".join(f"{n} {why}" for why, n in not_cleaned.items())
        self.warc = (
            f"{src}: WARC records {sum(kinds.values())} ({every}); "
            f"not pages, not written: {skipped or 'none'}"
        )

    def render(self) -> str:
        # An output can be longer than its input (a title from the page's tags put first).
        removed = max(0.0, 1 - self.chars_out / self.chars_in) if self.chars_in else 0.0
        lines = self.failures.lines() + self.skips.lines()
        if self.existing:
            lines.append(f"skipped {self.existing} input(s) whose output exists (--skip-existing)")
        lines += self.suspects.lines() + self.warnings.lines()
        if self.warc:
            lines.append(self.warc)
        # The suspect count shows only when there are some: the line keeps its shape otherwise.
        suspect = f", suspect {self.suspect}" if self.suspect else ""
        lines.append(
            f"read {self.read}, written {self.written}, skipped {self.skipped}, failed {self.failed}"
            f"{suspect}; {removed:.1%} of text removed"
        )
        return "\n".join(lines)
