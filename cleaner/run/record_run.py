"""What a record run tells about each record, as a folder run does about each file: a
`--report` line (the folder report's keys, with the record's index and id), `--explain`, and its
count in the run's summary (summary.Summary, the folder run's).

`RecordTally` is given each record after it is written (records.process_records' `on_record`),
in input order.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import IO, Any

from cleaner.run.folder_run import Outcome, ReportError
from cleaner.run.records import NOT_CLEANED, TOO_LARGE, Record, source_bytes
from cleaner.run.report import explain
from cleaner.run.summary import Summary


def record_status(fields: dict[str, Any]) -> tuple[str, str | None]:
    """(status, reason) of a written record: cleaned (no error), skipped (too large, or no page:
    a binary payload) or failed (any other error)."""
    error = fields.get("error")
    if not error:
        return "cleaned", None
    if error.startswith(TOO_LARGE):
        return "skipped", error
    if error.startswith(NOT_CLEANED):
        return "skipped", error.removeprefix(NOT_CLEANED)
    return "failed", error


@dataclass
class RecordTally:
    """Counts each record of `src` in the summary, and writes its `--report` line and its
    `--explain` listing."""

    src: str
    dst: str
    id_field: str | None
    report: IO[str] | None = None
    explain_stream: IO[str] | None = None  # None: no --explain
    summary: Summary | None = None

    def name(self, number: int) -> str:
        """How --explain and the summary name a record: the file, `#`, its number from 1."""
        return f"{self.src}#{number}"

    def __call__(self, number: int, record: Record, fields: dict[str, Any], result: Any) -> None:
        status, reason = record_status(fields)
        if self.summary is not None:
            # --explain names the warnings; the summary need not repeat them.
            warnings = self.explain_stream is None
            self.summary.count(self.name(number), status, reason, result, warnings=warnings)
        if self.explain_stream is not None and status == "cleaned" and result is not None:
            print(explain(self.name(number), result), file=self.explain_stream)
        if self.report is None:
            return
        text = fields.get("clean_text")
        outcome = Outcome(
            self.src,
            status,
            reason,
            bytes_in=source_bytes(record.source) if record.source is not None else None,
            bytes_out=source_bytes(text) if status == "cleaned" and text is not None else None,
            output=self.dst,
            result=result,
        )
        line = outcome.record()
        ident = record.fields.get(self.id_field) if self.id_field else None
        line = {"input": line.pop("input"), "record": number, "id": ident, **line}
        try:
            self.report.write(json.dumps(line, ensure_ascii=False, default=str) + "\n")
            self.report.flush()
        except OSError as exc:
            raise ReportError(exc.strerror or str(exc)) from exc

    def late_error(self, number: int, why: str, counted: bool) -> None:
        """Record `number`, written before, lost a field to its Parquet row group (records.
        ParquetRecordWriter's `on_error`); `counted`: it had an error already."""
        if self.summary is not None and not counted:
            self.summary.failed_late(self.name(number), why)
