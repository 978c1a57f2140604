"""Record files: JSON Lines, Parquet and WARC in, JSON Lines or Parquet out, streamed.

A corpus is often one big file of records rather than a folder of pages. This module reads such
files one record at a time, cleans each record's page, and writes one output record per input
record, in input order, with bounded memory whatever the size of the file:

- JSON Lines (`.jsonl`, `.jsonl.gz`, `.ndjson`): every input field is kept and the cleaned
  fields are added (`clean_text`, `title`, `byline`, `date`, `site`, `url` when the input has
  none, `removed_rules`, `warnings`, `error`). A record with no text is written with `error` set,
  never dropped.
- Parquet (`.parquet`, needs pyarrow): read batch by batch, written row group by row group, with
  the same fields.
- WARC (`.warc`, `.warc.gz`, needs fastwarc or warcio): every HTTP response and resource record
  with an HTML content type; its target URI is the URL and its payload is the page. Output
  fields: `warc_record_id`, `url`, `warc_date` and the cleaned fields. Every record is counted
  by type (`Stats.kinds`), those not cleaned by reason (`Stats.not_cleaned`).

A damaged input costs the records it damages only: each is written with `error` saying why
(a line nested too deeply, a file that ends early, a corrupt gzip member).

Outputs go to a temporary file beside the target that is renamed at the end, so an interrupted
run never leaves half an output. `clean_records(src, dst)` does all of it;
`process_records(reader, writer, clean_fn, jobs=...)` is the streaming core.
"""

from __future__ import annotations

import base64
import bisect
import codecs
import contextlib
import datetime as dt
import decimal
import gzip
import itertools
import json
import math
import os
import sys
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, NamedTuple

from cleaner.core.pipeline import DEFAULT_HTML
from cleaner.core.read import binary_kind
from cleaner.run.files import put_in_place, temp_beside
from cleaner.run.parallel import DEFAULT_CHUNKSIZE
from cleaner.run.signals import check as check_interrupt
from cleaner.run.signals import sigint_deferred, sigint_ignored

# --- formats ------------------------------------------------------------------------------------

_SUFFIXES = (
    (".jsonl", "jsonl"),
    (".jsonl.gz", "jsonl"),
    (".ndjson", "jsonl"),
    (".ndjson.gz", "jsonl"),
    (".parquet", "parquet"),
    (".warc", "warc"),
    (".warc.gz", "warc"),
)
OUTPUT_FORMATS = ("jsonl", "parquet")


class RecordsError(Exception):
    """A record file that cannot be read or written as asked (the message names the file)."""


class RecordsWriteError(RecordsError):
    """The output could not be written (a full disk, a folder that cannot be written): the
    output is then not there at all, as after an interrupt (its temporary file is removed)."""


def detect_format(path: str | os.PathLike[str]) -> str | None:
    """'jsonl', 'parquet' or 'warc' from the file name's extension; None for anything else."""
    name = os.fspath(path).lower()
    for suffix, fmt in _SUFFIXES:
        if name.endswith(suffix):
            return fmt
    return None


# --- records and what is cleaned ----------------------------------------------------------------

# The fields cleaning adds to every output record, in this order.
CLEANED_FIELDS = (
    "clean_text",
    "title",
    "byline",
    "date",
    "site",
    "url",
    "removed_rules",
    "warnings",
    "error",
)
# With --format json, each record also carries the detail of `Result.as_dict` (`format` is
# the input's: text, markdown or html), in this order.
DETAIL_FIELDS = ("language", "format", "removed", "kept")
HTML_NAME = "record.html"  # a file name that tells cleaner the source is HTML
TOO_LARGE = "too large: "  # the error of a record over max_bytes, which is not cleaned
NOT_CLEANED = "not cleaned: "  # the error of a record that is no page (a binary payload)
TEXT_FIELDS = ("text", "html")  # tried in turn when no text field is named


class Task(NamedTuple):
    """What a worker needs to clean one record (small, so cheap to send to another process)."""

    source: str | bytes | None
    url: str | None = None
    name: str | None = None
    charset: str | None = None  # the HTTP header's charset of a WARC payload
    error: str | None = None  # set when there is nothing to clean


@dataclass(slots=True)
class Record:
    """One input record: the fields written out as they are, and what to clean."""

    fields: dict[str, Any]
    source: str | bytes | None = None
    url: str | None = None
    name: str | None = None
    charset: str | None = None
    error: str | None = None

    def task(self, max_bytes: int | None = None) -> Task:
        """What to clean; with `max_bytes`, a source larger than that is not (its error says
        so), as --max-bytes skips a file."""
        error = self.error
        if error is None and max_bytes is not None:
            size = source_bytes(self.source, max_bytes)
            if size > max_bytes:
                error = f"{TOO_LARGE}{size} bytes, over --max-bytes {max_bytes}"
        if error is not None:
            return Task(None, self.url, self.name, self.charset, error)
        return Task(self.source, self.url, self.name, self.charset, error)


def source_bytes(source: str | bytes | None, limit: int | None = None) -> int:
    """The size in bytes of a source (a text as UTF-8); past `limit` a text may be counted by
    its characters, which are fewer than its bytes (no need to encode a huge one)."""
    if source is None:
        return 0
    if isinstance(source, bytes):
        return len(source)
    if limit is not None and len(source) > limit:
        return len(source)
    return len(source.encode("utf-8", "surrogatepass"))


class Cleaned(NamedTuple):
    """What a `clean_fn` may return instead of the cleaned fields alone: those and the Result
    they come from (None when the record was not cleaned), for a report or --explain."""

    fields: dict[str, Any]
    result: Any = None  # cleaner.core.data.Result | None


def failed(error: str, url: str | None = None, detail: bool = False) -> dict[str, Any]:
    """The cleaned fields of a record that could not be cleaned (`detail`: with the
    DETAIL_FIELDS, empty)."""
    out: dict[str, Any] = dict.fromkeys(CLEANED_FIELDS)
    out.update(url=url, removed_rules=[], warnings=[], error=error)
    if detail:
        out.update(language=None, format=None, removed=[], kept=[])
    return out


def detail_fields(result) -> dict[str, Any]:
    """The DETAIL_FIELDS of a Result (what --format json adds to a record)."""
    return {
        "language": result.language,
        "format": result.input_format,
        "removed": [r.as_dict() for r in result.removed],
        "kept": [k.as_dict() for k in result.kept],
    }


_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def with_charset(data: bytes, charset: str | None) -> str | bytes:
    """A payload with an HTTP charset decoded by it, as browsers do: the header wins over the
    page's own <meta charset> (often a template's, wrong for the page served).

    A BOM, or bytes that are valid UTF-8, are left to cleaner (a server that declares a legacy
    charset for UTF-8 pages is common; the reverse cannot be valid UTF-8 by chance)."""
    if not charset or data.startswith(_BOMS):
        return data
    try:
        data.decode("utf-8")
        return data
    except UnicodeDecodeError:
        pass
    try:
        return data.decode(codecs.lookup(charset).name, errors="replace")
    except LookupError:
        return data


@dataclass(frozen=True)
class CleanFields:
    """The default `clean_fn`: `cleaner.clean` on one task, as the cleaned fields (picklable)."""

    site: str | None = None
    rules: tuple[str, ...] = ()
    site_rules: bool = True
    detail: bool = False  # add the DETAIL_FIELDS (--format json)
    with_result: bool = False  # return Cleaned(fields, result), for a report or --explain
    markdown: bool = False  # clean_text as markdown (--format md)
    learned: Any = None  # rules/repetition.Learned: the counts of --learn
    html: str = DEFAULT_HTML  # --html: how an HTML record is read (cleaner.clean's html=)
    # with_result: the Result with its removed and kept lines (False: without them, enough for
    # a summary, and cheap to send back from a worker: a page may have 50,000 removed lines).
    result_lines: bool = True

    def __call__(self, task: Task) -> dict[str, Any] | Cleaned:
        fields, result = self._clean(task)
        if not self.with_result:
            return fields
        if result is not None and not self.result_lines:
            result.removed, result.kept = [], []
        return Cleaned(fields, result)

    def fields(self, task: Task) -> dict[str, Any]:
        """The cleaned fields alone (what a call gives without `with_result`)."""
        return self._clean(task)[0]

    def _clean(self, task: Task) -> tuple[dict[str, Any], Any]:
        detail = self.detail
        if task.error is not None or task.source is None:
            return failed(task.error or "nothing to clean", task.url, detail), None
        from cleaner.api import clean

        source = task.source
        if isinstance(source, bytes) and task.charset:
            source = with_charset(source, task.charset)
        try:
            result = clean(
                source,
                url=task.url,
                site=self.site,
                rules=self.rules,
                site_rules=self.site_rules,
                name=task.name,
                markdown=self.markdown,
                html=self.html,
                learned=self.learned,
            )
        except Exception as exc:  # one bad record must not stop the run
            return failed(f"{type(exc).__name__}: {exc}", task.url, detail), None
        if result.skipped:  # not a page at all (a binary file, ...)
            return failed(f"{NOT_CLEANED}{result.skipped}", task.url, detail), result
        fields = result.record_fields()
        if detail:
            fields.update(detail_fields(result))
        return fields, result


def output_key(key: str, fields: dict[str, Any] | Iterable[str]) -> str | None:
    """Where a cleaned field goes: its own name, `clean_<name>` when the input has that field
    already (input fields are never overwritten), or None for `url` when the input has one."""
    if key not in fields:
        return key
    if key == "url":
        return None
    return key if key.startswith("clean_") else f"clean_{key}"


def merge(fields: dict[str, Any], cleaned: dict[str, Any]) -> dict[str, Any]:
    """Every input field as it is, then the cleaned fields."""
    out = dict(fields)
    for key, value in cleaned.items():
        target = output_key(key, fields)
        if target is not None:
            out[target] = value
    return out


# --- readers ------------------------------------------------------------------------------------


def _pick_text(
    row: dict[str, Any], text_field: str | None, url_field: str | None
) -> tuple[str | bytes | None, str | None, str | None, str | None]:
    """(source, url, name, error) of one JSON or Parquet row."""
    url = row.get(url_field) if url_field else None
    url = url if isinstance(url, str) and url else None
    names = (text_field,) if text_field else TEXT_FIELDS
    key = next((k for k in names if k in row), None)
    if key is None:
        wanted = " or ".join(repr(k) for k in names)
        return None, url, None, f"no {wanted} field"
    value = row[key]
    if value is None:
        return None, url, None, f"field {key!r} is null"
    if not isinstance(value, str | bytes):
        return None, url, None, f"field {key!r} is {type(value).__name__}, not a string"
    name = HTML_NAME if "html" in key.lower() else None
    return value, url, name, None


def _must_exist(path: str) -> None:
    """Fail before any output is started, naming the file."""
    if not os.path.isfile(path):
        raise RecordsError(f"{path}: no such file")


class JsonlReader:
    """Records of a JSON Lines file (gzip when the name ends in .gz; `-` is stdin).

    Blank lines are skipped; a line that is not a JSON object becomes a record with `error` set
    and the line itself in `raw`.
    """

    schema = None  # no declared schema: a Parquet output infers one

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        text_field: str | None = None,
        url_field: str | None = "url",
    ) -> None:
        self.path = os.fspath(path)
        if self.path != "-":
            _must_exist(self.path)
        self.text_field = text_field
        self.url_field = url_field

    def _open(self) -> IO[bytes] | gzip.GzipFile:
        if self.path == "-":
            return sys.stdin.buffer
        if self.path.lower().endswith(".gz"):
            return gzip.open(self.path, "rb")
        return open(self.path, "rb")

    def __iter__(self) -> Iterator[Record]:
        fh = self._open()
        lines = iter(fh)
        number = 0
        try:
            while True:
                try:
                    raw = next(lines, None)
                except (EOFError, OSError, zlib.error) as exc:
                    # The lines before are written; the rest of the file is lost, and says so.
                    yield Record({}, error=f"line {number + 1}: {unreadable(exc)}")
                    return
                if raw is None:
                    return
                number += 1
                line = raw.decode("utf-8", errors="replace")
                if number == 1:
                    line = line.lstrip("\ufeff")
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except (ValueError, RecursionError) as exc:
                    why = "nested too deeply" if isinstance(exc, RecursionError) else exc
                    yield Record(
                        {"raw": line.rstrip("\r\n")},
                        error=f"line {number}: not JSON: {why}",
                    )
                    continue
                if not isinstance(row, dict):
                    yield Record(
                        {"raw": row},
                        error=f"line {number}: a JSON {type(row).__name__}, not an object",
                    )
                    continue
                source, url, name, error = _pick_text(row, self.text_field, self.url_field)
                yield Record(row, source, url, name, error=error)
        finally:
            if fh is not sys.stdin.buffer:
                fh.close()


def unreadable(exc: BaseException) -> str:
    """Why a compressed or damaged file could not be read on (for a record's `error`)."""
    if isinstance(exc, EOFError):
        return "the file is truncated (its compressed data ends early); the records before are kept"
    if isinstance(exc, zlib.error | gzip.BadGzipFile):
        return f"corrupt compressed data ({exc}); the rest of the file cannot be read"
    why = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
    return f"cannot read the rest of the file: {why}"


def _pyarrow():
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise RecordsError(
            "Parquet needs pyarrow: pip install pyarrow (or cleaner[records])"
        ) from exc
    return pa, pq


class ParquetReader:
    """Records of a Parquet file, read `batch_size` rows at a time."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        text_field: str | None = None,
        url_field: str | None = "url",
        batch_size: int = 256,
    ) -> None:
        _, pq = _pyarrow()
        self.path = os.fspath(path)
        self.text_field = text_field
        self.url_field = url_field
        self.batch_size = batch_size
        _must_exist(self.path)
        try:
            self._file = pq.ParquetFile(self.path)
        except Exception as exc:
            raise RecordsError(f"{self.path}: cannot read as Parquet: {exc}") from exc
        self.schema = self._file.schema_arrow
        self.total = self._file.metadata.num_rows

    def __iter__(self) -> Iterator[Record]:
        problems: dict[int, str]  # row -> the values it lost
        for batch in self._file.iter_batches(batch_size=self.batch_size):
            try:
                rows, problems = batch.to_pylist(), {}
            except (ValueError, OverflowError, ArithmeticError) as exc:
                rows, problems = _rows(batch, exc)
            for i, row in enumerate(rows):
                source, url, name, error = _pick_text(row, self.text_field, self.url_field)
                if i in problems:
                    error = "; ".join(e for e in (error, problems[i]) if e)
                yield Record(row, source, url, name, error=error)


def _rows(batch, exc: BaseException) -> tuple[list[dict[str, Any]], dict[int, str]]:
    """The rows of a batch with a value Python has no type for (a timestamp[ns] with
    nanoseconds and no pandas, a date past year 9999), and the rows that lost a value.

    A column that cannot become Python values is read as text (ISO 8601 for timestamps: a
    Parquet output parses it back into the column's type); a value that cannot be read even
    so is null, and its row says which field it lost."""
    pa, _ = _pyarrow()
    columns: dict[str, list[Any]] = {}
    problems: dict[int, str] = {}
    for name, column in zip(batch.schema.names, batch.columns, strict=True):
        try:
            columns[name] = column.to_pylist()
            continue
        except (ValueError, OverflowError, ArithmeticError):
            pass
        try:
            text = column.cast(pa.string()).to_pylist()
            if pa.types.is_timestamp(column.type):
                text = [v.replace(" ", "T", 1) if v is not None else None for v in text]
            columns[name] = text
            continue
        except (pa.ArrowException, ValueError, TypeError):
            pass
        values = []
        for i in range(len(column)):
            try:
                values.append(column[i].as_py())
            except (ValueError, OverflowError, ArithmeticError) as why:
                values.append(None)
                lost = f"field {name!r} not readable ({why}), written as null"
                problems[i] = "; ".join(e for e in (problems.get(i), lost) if e)
        columns[name] = values
    names = list(columns)
    rows = [dict(zip(names, values, strict=True)) for values in zip(*columns.values(), strict=True)]
    return rows, problems


HTML_TYPES = frozenset(("text/html", "application/xhtml+xml"))
_GZIP_MAGIC = b"\x1f\x8b\x08"
_CHUNK = 1 << 16


def warc_backend() -> str | None:
    """'fastwarc' when it is installed, else 'warcio', else None."""
    for module in ("fastwarc", "warcio"):
        try:
            __import__(module)
        except ImportError:
            continue
        return module
    return None


def _content_type(value: str | None) -> tuple[str, str | None]:
    """(media type, charset) of a Content-Type header."""
    if not value:
        return "", None
    media, _, params = value.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset":
            charset = val.strip().strip("\"'") or None
    return media.strip().lower(), charset


class _Damaged(Exception):
    """A part of a WARC file that cannot be read: corrupt gzip data, or the file ends early."""

    def __init__(self, offset: int, why: str, truncated: bool) -> None:
        super().__init__(why)
        self.offset, self.why, self.truncated = offset, why, truncated


class _Raw:
    """The compressed bytes of a file, with the offset of the next one unread."""

    def __init__(self, fh: IO[bytes]) -> None:
        self.fh, self.buf, self.pos = fh, b"", 0

    def take(self) -> bytes:
        data, self.buf = self.buf or self.fh.read(_CHUNK), b""
        self.pos += len(data)
        return data

    def give_back(self, data: bytes) -> None:
        self.buf = data + self.buf
        self.pos -= len(data)

    def next_member(self, after: int) -> bool:
        """Skip to the first gzip header after byte `after` (past a corrupt member)."""
        self.fh.seek(after)
        self.buf, self.pos = b"", after
        carry = b""
        while chunk := self.fh.read(_CHUNK):
            data = carry + chunk
            found = data.find(_GZIP_MAGIC)
            start = self.pos - len(carry)
            if found >= 0:
                self.buf, self.pos = data[found:], start + found
                return True
            carry = data[-2:]
            self.pos += len(chunk)
        return False


class _Member:
    """One gzip member of a file, decompressed as it is read (a WARC record, as crawlers
    write them, or a whole file gzipped at once). Raises _Damaged where it cannot be read."""

    def __init__(self, raw: _Raw) -> None:
        self.raw, self.start = raw, raw.pos
        self._d = zlib.decompressobj(31)
        self._out = bytearray()
        self.eof = False
        self._told = 0  # decompressed bytes read

    def tell(self) -> int:
        return self._told

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def read(self, n: int = -1) -> bytes:
        while not self.eof and (n < 0 or len(self._out) < n):
            self._more(max(n - len(self._out), _CHUNK) if n >= 0 else 1 << 20)
        size = len(self._out) if n < 0 else min(n, len(self._out))
        data = bytes(self._out[:size])
        del self._out[:size]
        self._told += size
        return data

    def _more(self, want: int) -> None:
        d = self._d
        data = d.unconsumed_tail or self.raw.take()
        if not data:
            raise _Damaged(self.start, "the file is truncated (it ends inside this record)", True)
        try:
            self._out += d.decompress(data, want)
        except zlib.error as exc:
            raise _Damaged(self.start, f"corrupt gzip data ({exc})", False) from None
        if d.eof:
            self.eof = True
            self.raw.give_back(d.unused_data)


class WarcReader:
    """The pages of a WARC file (gzipped or not), with fastwarc or warcio: every HTTP response
    and every resource record with an HTML content type (its target URI is the URL).

    Every record is counted by its WARC-Type in `kinds`; those not cleaned (a request, a
    revisit, which has no payload, an image, a PNG served as text/html) in `skips`, by reason,
    and `skipped` in all. The HTTP header's charset decodes a payload (see `with_charset`). A
    record that cannot be read (a corrupt gzip member: the reader goes on at the next member;
    the file ending inside a record) is yielded with `error` saying so, and counted."""

    def __init__(self, path: str | os.PathLike[str], *, backend: str | None = None) -> None:
        self.path = os.fspath(path)
        _must_exist(self.path)
        self.backend = backend or warc_backend()
        if self.backend not in ("fastwarc", "warcio"):
            raise RecordsError(
                "WARC input needs fastwarc or warcio: pip install fastwarc (or cleaner[records])"
            )
        self.kinds: Counter[str] = Counter()
        self.skips: Counter[str] = Counter()
        self._cut_short = False  # the last page read was cut short by the end of the file

    schema_fields = ("warc_record_id", "url", "warc_date")

    @property
    def seen(self) -> int:
        return sum(self.kinds.values())

    @property
    def skipped(self) -> int:
        return sum(self.skips.values())

    @property
    def schema(self):
        pa, _ = _pyarrow()
        return pa.schema([(name, pa.string()) for name in self.schema_fields])

    def _page(self, kind, record_id, uri, date, content_type, read) -> Record | None:
        """The Record of a response or resource, or None (counted in `skips`) when it is not
        an HTML page. `read()` gives the payload and whether it is whole."""
        media, charset = _content_type(content_type)
        if media not in HTML_TYPES:
            self.skips[f"{kind} not HTML ({media or 'no content type'})"] += 1
            return None
        fields = {"warc_record_id": record_id, "url": uri, "warc_date": date}
        payload, whole = read()
        self._cut_short = not whole
        if not whole:
            return Record(fields, None, uri or None, HTML_NAME, charset, error=self._cut())
        binary = binary_kind(payload[:4096])
        if binary is not None:  # cleaned, it would be an empty page
            self.skips[f"{kind} binary ({binary}) though served as {media}"] += 1
            return None
        return Record(fields, payload, uri or None, HTML_NAME, charset)

    def _skip(self, kind: str) -> None:
        self.skips[
            "revisit (no payload: it points at an earlier record)" if kind == "revisit" else kind
        ] += 1

    @staticmethod
    def _cut() -> str:
        return "the file is truncated (it ends inside this record)"

    def __iter__(self) -> Iterator[Record]:
        with open(self.path, "rb") as fh:
            if self.backend == "warcio":
                yield from self._warcio(fh)
                return
            if fh.read(3) != _GZIP_MAGIC:
                fh.seek(0)
                yield from self._fastwarc(fh, None)
                return
            fh.seek(0)
            raw = _Raw(fh)
            while data := raw.take():
                raw.give_back(data)
                member = _Member(raw)
                try:
                    yield from self._fastwarc(member, member)
                    while not member.eof:  # past the records: the member's end is read too
                        member.read(_CHUNK)
                except _Damaged as damage:
                    yield Record(
                        {"warc_record_id": None, "url": None, "warc_date": None},
                        error=f"byte {damage.offset}: {damage.why}; the record there is lost",
                    )
                    if damage.truncated or not raw.next_member(damage.offset + 1):
                        return

    def _fastwarc(self, stream, member: _Member | None) -> Iterator[Record]:
        from fastwarc.warc import ArchiveIterator

        size = None if member is not None else os.fstat(stream.fileno()).st_size
        last = None
        for rec in ArchiveIterator(stream, auto_decode="all", stream_detect=False):
            kind = str(rec.record_type).rsplit(".", 1)[-1].lower()
            self.kinds[kind] += 1
            last = rec
            self._cut_short = False
            if kind not in ("response", "resource") or (kind == "response" and not rec.is_http):
                self._skip(kind if kind != "response" else "response without HTTP headers")
                continue
            headers = rec.headers
            content_type = (
                rec.http_headers.get("Content-Type")
                if kind == "response"
                else headers.get("Content-Type")
            )

            def read(rec=rec):
                payload = rec.reader.read()
                return payload, rec.reader.tell() >= rec.content_length

            out = self._page(
                kind,
                rec.record_id,
                headers.get("WARC-Target-URI"),
                headers.get("WARC-Date"),
                content_type,
                read,
            )
            if out is not None:
                yield out
        if size is not None and not self._cut_short and _ends_early(stream, last, size):
            yield Record(
                {"warc_record_id": None, "url": None, "warc_date": None},
                error=f"{self._cut()}: the last bytes are no whole record",
            )

    def _warcio(self, fh: IO[bytes]) -> Iterator[Record]:
        from warcio.archiveiterator import ArchiveIterator

        try:
            for rec in ArchiveIterator(fh):
                kind = rec.rec_type
                self.kinds[kind] += 1
                if kind not in ("response", "resource") or (
                    kind == "response" and rec.http_headers is None
                ):
                    self._skip(kind if kind != "response" else "response without HTTP headers")
                    continue
                head = rec.http_headers if kind == "response" else rec.rec_headers
                out = self._page(
                    kind,
                    rec.rec_headers.get_header("WARC-Record-ID"),
                    rec.rec_headers.get_header("WARC-Target-URI"),
                    rec.rec_headers.get_header("WARC-Date"),
                    head.get_header("Content-Type"),
                    lambda rec=rec: (rec.content_stream().read(), True),
                )
                if out is not None:
                    yield out
        except Exception as exc:  # warcio cannot go on past a damaged record
            yield Record(
                {"warc_record_id": None, "url": None, "warc_date": None},
                error=f"{unreadable(exc)} ({type(exc).__name__})",
            )


def _ends_early(fh: IO[bytes], last, size: int) -> bool:
    """Whether an uncompressed WARC file has bytes after its last whole record (a record the
    file ends inside, which fastwarc drops silently)."""
    start = last.stream_pos if last is not None else 0
    fh.seek(start)
    head = fh.read(1 << 16)
    if last is None:
        return bool(head.strip())
    end = head.find(b"\r\n\r\n")
    try:
        length = int(last.headers.get("Content-Length") or "")
    except ValueError:
        return True
    if end < 0:
        return True
    fh.seek(start + end + 4 + length)
    return bool(fh.read(1 << 16).strip()) or start + end + 4 + length > size


def open_reader(
    path: str | os.PathLike[str],
    fmt: str | None = None,
    *,
    text_field: str | None = None,
    url_field: str | None = "url",
) -> JsonlReader | ParquetReader | WarcReader:
    """A reader for `path` (format from its extension unless `fmt` says)."""
    fmt = fmt or detect_format(path)
    if fmt == "jsonl":
        return JsonlReader(path, text_field=text_field, url_field=url_field)
    if fmt == "parquet":
        return ParquetReader(path, text_field=text_field, url_field=url_field)
    if fmt == "warc":
        return WarcReader(path)
    raise RecordsError(f"{os.fspath(path)}: not a record file (.jsonl, .parquet or .warc)")


# --- writers ------------------------------------------------------------------------------------


class _AtomicWriter:
    """A temporary file beside the target, renamed over it on success, deleted on failure."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.tmp: Path | None = None
        self.count = 0

    def _make_tmp(self) -> tuple[int, Path]:
        with self._writing():
            fd, self.tmp = temp_beside(self.path)
        return fd, self.tmp

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """An OSError (ENOSPC, EACCES, EROFS, ...) as a RecordsWriteError naming the output."""
        try:
            yield
        except OSError as exc:
            raise RecordsWriteError(
                f"cannot write {os.fspath(self.path)}: {exc.strerror or exc}"
            ) from exc

    def __enter__(self):
        self.open()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.commit()
        else:
            with sigint_ignored(issubclass(exc_type, KeyboardInterrupt)):  # tidied up whole
                self.abort()

    def open(self) -> None:
        raise NotImplementedError

    def _close(self) -> None:
        raise NotImplementedError

    def commit(self) -> None:
        """Finish the file and move it into place (with the permissions of a new file)."""
        try:
            with self._writing():
                self._close()
                check_interrupt()  # an interrupted run leaves no output, a dropped Ctrl-C too
                if self.tmp is not None:
                    put_in_place(self.tmp, self.path)
                    self.tmp = None
        except BaseException:
            self.abort()
            raise

    def abort(self) -> None:
        """Drop the temporary file; the target is left as it was."""
        with contextlib.suppress(Exception):
            self._close()
        if self.tmp is not None:
            self.tmp.unlink(missing_ok=True)
            self.tmp = None


def _json_default(value: Any) -> Any:
    """Parquet values JSON has no type for."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return base64.b64encode(value).decode("ascii")
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _finite(value: Any) -> Any:
    """NaN and the infinities (a Parquet float column's missing values) as null: JSON has no
    such numbers, and `json.dumps` would write NaN, which no JSON reader takes."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def _writable(row: dict[str, Any]) -> dict[str, Any]:
    """The row with the fields JSON cannot write (nested too deeply to write back) as null,
    named in its `error`."""
    out: dict[str, Any] = {}
    lost = []
    for key, value in row.items():
        try:
            json_line({key: value})
        except (RecursionError, TypeError, ValueError):
            value = None
            lost.append(key)
        out[key] = value
    key = "clean_error" if "clean_error" in out else "error"
    why = f"field(s) {lost} cannot be written as JSON (nested too deeply?): null"
    out[key] = "; ".join(e for e in (out.get(key), why) if e)
    return out


def json_line(row: dict[str, Any]) -> bytes:
    """One JSON Lines line, UTF-8 (ASCII escapes only for text UTF-8 cannot carry)."""
    try:
        text = json.dumps(row, ensure_ascii=False, default=_json_default, allow_nan=False)
    except ValueError:  # a NaN or an infinity somewhere in the row
        row = _finite(row)
        text = json.dumps(row, ensure_ascii=False, default=_json_default)
    try:
        return text.encode("utf-8") + b"\n"
    except UnicodeEncodeError:  # lone surrogates: \ud800 escapes keep them losslessly
        return json.dumps(row, ensure_ascii=True, default=_json_default).encode("ascii") + b"\n"


class JsonlWriter(_AtomicWriter):
    """JSON Lines, gzip-compressed when the name ends in .gz; `-` writes to stdout."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        super().__init__(path)
        self._raw: IO[bytes] | None = None
        self._fh: IO[bytes] | gzip.GzipFile | None = None

    def open(self) -> None:
        if os.fspath(self.path) == "-":
            self._fh = sys.stdout.buffer
            return
        fd, _ = self._make_tmp()
        self._raw = os.fdopen(fd, "wb")
        if self.path.name.lower().endswith(".gz"):
            self._fh = gzip.GzipFile(
                filename=self.path.name.removesuffix(".gz"),
                mode="wb",
                fileobj=self._raw,
                compresslevel=6,
            )
        else:
            self._fh = self._raw

    def write(self, row: dict[str, Any]) -> None:
        assert self._fh is not None, "writer not opened"
        try:
            line = json_line(row)
        except (RecursionError, TypeError, ValueError):  # one record must not stop the run
            line = json_line(_writable(row))
        with self._writing():
            self._fh.write(line)
        self.count += 1

    def _close(self) -> None:
        fh, raw = self._fh, self._raw
        self._fh = self._raw = None
        if fh is sys.stdout.buffer:
            fh.flush()
            return
        try:
            if fh is not None and fh is not raw:
                fh.close()
        finally:  # the descriptor is let go even when the last flush failed (a full disk)
            if raw is not None:
                raw.close()


def _output_types(pa) -> dict[str, Any]:
    strings = pa.list_(pa.string())
    types = {
        name: strings if name in ("removed_rules", "warnings") else pa.string()
        for name in CLEANED_FIELDS
    }
    removal = pa.struct(
        [
            ("rule", pa.string()),
            ("reason", pa.string()),
            ("line", pa.int64()),
            ("text", pa.string()),
        ]
    )
    types.update(language=pa.string(), format=pa.string())
    types.update(removed=pa.list_(removal), kept=pa.list_(removal))
    return types


def output_schema(pa, base, cleaned_names: Iterable[str] = CLEANED_FIELDS):
    """The Parquet schema of the output of an input with schema `base` (None: no fields)."""
    base_names = list(base.names) if base is not None else []
    fields = list(base) if base is not None else []
    types = _output_types(pa)
    for name in cleaned_names:
        target = output_key(name, base_names)
        if target is not None and target not in base_names:
            fields.append(pa.field(target, types[name]))
    metadata = base.metadata if base is not None else None
    return pa.schema(fields, metadata=metadata)


class ParquetRecordWriter(_AtomicWriter):
    """Parquet, one row group per `row_group_size` rows (or `row_group_bytes` of text).

    The schema is the input's plus the cleaned fields when the reader has one (Parquet, WARC);
    otherwise (JSON Lines) it is inferred from the first row group (a field of mixed types there
    takes the type of its first value). A record that does not fit it costs that record only: a
    field first seen later, or a value of another type, is left out of it (null) and its `error`
    names the field (write JSON Lines to keep such records whole).
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        schema=None,
        row_group_size: int = 512,
        row_group_bytes: int = 64 << 20,
        compression: str = "zstd",
        detail: bool = False,
    ) -> None:
        super().__init__(path)
        self.pa, self.pq = _pyarrow()
        self.base = schema
        self._names = CLEANED_FIELDS + (DETAIL_FIELDS if detail else ())
        self.schema = None if schema is None else output_schema(self.pa, schema, self._names)
        self.row_group_size = row_group_size
        self.row_group_bytes = row_group_bytes
        self.compression = compression
        self._rows: list[dict[str, Any]] = []
        self._bytes = 0
        self._writer: Any | None = None  # a pyarrow.parquet.ParquetWriter, from the first rows
        # Told (record number, why, whether it had an error already) of each record that lost
        # a field to the schema, which is known only when its row group is written.
        self.on_error: Callable[[int, str, bool], None] | None = None

    def open(self) -> None:
        fd, _ = self._make_tmp()
        os.close(fd)

    def write(self, row: dict[str, Any]) -> None:
        self._rows.append(row)
        self.count += 1
        for value in row.values():
            if isinstance(value, str | bytes):
                self._bytes += len(value)
        if len(self._rows) >= self.row_group_size or self._bytes >= self.row_group_bytes:
            self.flush()

    def _infer(self, rows: list[dict[str, Any]]):
        """A schema from the first row group: null columns become strings; a column of mixed
        types takes the type of its first value (the others are left out of their records)."""
        pa = self.pa
        types = _output_types(pa)
        fields = []
        for name in dict.fromkeys(k for row in rows for k in row):
            values = [row.get(name) for row in rows]
            try:
                arrow_type = pa.array(values).type
            except (pa.ArrowInvalid, pa.ArrowTypeError, RecursionError):
                first = next(v for v in values if v is not None)
                try:
                    arrow_type = pa.array([first]).type
                except (pa.ArrowInvalid, pa.ArrowTypeError, RecursionError):
                    arrow_type = pa.string()  # nothing holds it: left out of every record
            if pa.types.is_null(arrow_type):
                arrow_type = types.get(name, pa.string())
            elif pa.types.is_list(arrow_type) and pa.types.is_null(arrow_type.value_type):
                arrow_type = types.get(name, pa.list_(pa.string()))
            fields.append(pa.field(name, arrow_type))
        return pa.schema(fields)

    def flush(self) -> None:
        """Write the buffered rows as one row group."""
        if not self._rows:
            return
        pa = self.pa
        if self.schema is None:
            self.schema = self._infer(self._rows)
        names = set(self.schema.names)
        rows = self._rows
        first = self.count - len(rows) + 1
        if any(row.keys() - names for row in rows):
            rows = [self._fit(row, first + i) for i, row in enumerate(rows)]
        try:
            table = pa.Table.from_pylist(rows, schema=self.schema)
        except (pa.ArrowInvalid, pa.ArrowTypeError, RecursionError):
            rows = [self._fit(row, first + i) for i, row in enumerate(rows)]
            try:
                table = pa.Table.from_pylist(rows, schema=self.schema)
            except (pa.ArrowInvalid, pa.ArrowTypeError, RecursionError) as exc:
                raise RecordsError(f"{self.path}: a value does not fit the schema: {exc}") from exc
        with self._writing():
            if self._writer is None:
                self._writer = self.pq.ParquetWriter(
                    str(self.tmp), self.schema, compression=self.compression
                )
            self._writer.write_table(table, row_group_size=len(rows))
        self._rows = []
        self._bytes = 0

    def _fit(self, row: dict[str, Any], number: int) -> dict[str, Any]:
        """The row with what the schema cannot hold left out (a field it has not, a value of
        another type: null) and named in the row's `error`; a text value for a temporal
        column (a timestamp[ns] read without pandas) is parsed into its type."""
        pa = self.pa
        schema = self.schema
        assert schema is not None  # flush has set it
        out: dict[str, Any] = {}
        lost: list[str] = []
        for name, value in row.items():
            if name not in schema.names:
                lost.append(f"field {name!r} is not in the schema taken from the first records")
                continue
            kind = schema.field(name).type
            if value is not None:
                try:
                    pa.array([value], type=kind)
                except (
                    pa.ArrowInvalid,
                    pa.ArrowTypeError,
                    pa.ArrowNotImplementedError,
                    RecursionError,
                ):
                    value = self._cast(value, kind)
                    if value is None:
                        lost.append(f"field {name!r} does not fit the column's type {kind}")
            out[name] = value
        if lost:
            key = "clean_error" if "clean_error" in schema.names else "error"
            why = "; ".join(lost) + ": left out (write JSON Lines to keep every field)"
            had = bool(out.get(key))
            out[key] = "; ".join(e for e in (out.get(key), why) if e)
            if self.on_error is not None:
                self.on_error(number, why, had)
        return out

    def _cast(self, value: Any, kind) -> Any:
        pa = self.pa
        if isinstance(value, str) and pa.types.is_temporal(kind):
            try:
                return pa.array([value]).cast(kind)[0]
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
                return None
        return None

    def _close(self) -> None:
        if self.tmp is None:
            return
        self.flush()
        if self._writer is None:  # no record at all: a file with the schema and no rows
            schema = (
                self.schema
                if self.schema is not None
                else output_schema(self.pa, None, self._names)
            )
            self._writer = self.pq.ParquetWriter(
                str(self.tmp), schema, compression=self.compression
            )
        self._writer.close()
        self._writer = None

    def abort(self) -> None:
        self._rows = []
        if self._writer is not None:
            with contextlib.suppress(Exception):
                self._writer.close()
            self._writer = None
        if self.tmp is not None:
            self.tmp.unlink(missing_ok=True)
            self.tmp = None


def open_writer(
    path: str | os.PathLike[str], fmt: str | None = None, *, schema=None, detail: bool = False
) -> JsonlWriter | ParquetRecordWriter:
    """A writer for `path` (format from its extension unless `fmt` says). Use it as a context
    manager: the output appears at `path` only when the block ends without an exception.
    `detail`: the records carry the DETAIL_FIELDS too (their Parquet columns)."""
    fmt = fmt or detect_format(path)
    if fmt == "jsonl":
        return JsonlWriter(path)
    if fmt == "parquet":
        return ParquetRecordWriter(path, schema=schema, detail=detail)
    raise RecordsError(f"{os.fspath(path)}: output must be .jsonl, .jsonl.gz or .parquet")


# --- the streaming core -------------------------------------------------------------------------


@dataclass
class Stats:
    """What a run did: records read and written, records with an error, text in and out."""

    records: int = 0
    errors: int = 0
    warnings: int = 0
    chars_in: int = 0
    chars_out: int = 0
    first_errors: list[tuple[int, str]] = field(default_factory=list)  # (record number, error)
    total: int | None = None  # records the input holds, when its reader knows (Parquet)
    # WARC: every record of the file by its WARC-Type, and those not cleaned (not written) by
    # reason: a request, a revisit, an image, a PNG served as text/html.
    kinds: dict[str, int] = field(default_factory=dict)
    not_cleaned: dict[str, int] = field(default_factory=dict)

    MAX_ERRORS_KEPT = 20

    def add(self, number: int, record: Record, cleaned: dict[str, Any]) -> None:
        self.records += 1
        if isinstance(record.source, str | bytes):
            self.chars_in += len(record.source)
        text = cleaned.get("clean_text")
        if isinstance(text, str):
            self.chars_out += len(text)
        self.warnings += len(cleaned.get("warnings") or ())
        error = cleaned.get("error")
        if error:
            self.errors += 1
            if len(self.first_errors) < self.MAX_ERRORS_KEPT:
                self.first_errors.append((number, error))

    def late_error(self, number: int, error: str, counted: bool = False) -> None:
        """An error found after record `number` was counted (the writer's, at its row group);
        `counted`: the record had an error already."""
        if not counted:
            self.errors += 1
        if len(self.first_errors) < self.MAX_ERRORS_KEPT or number < self.first_errors[-1][0]:
            bisect.insort(self.first_errors, (number, error))
            del self.first_errors[self.MAX_ERRORS_KEPT :]

    def as_dict(self) -> dict[str, Any]:
        return {
            "records": self.records,
            "errors": self.errors,
            "warnings": self.warnings,
            "chars_in": self.chars_in,
            "chars_out": self.chars_out,
            "first_errors": [list(e) for e in self.first_errors],
            "kinds": dict(self.kinds),
            "not_cleaned": dict(self.not_cleaned),
        }


WINDOW_PER_WORKER = 9  # records taken in per worker beyond the oldest not yet written


def _task_size(task: Task) -> int:
    return len(task.source) if isinstance(task.source, str | bytes) else 0


def _in_workers(
    tasks: Iterable[Task], clean_fn: Callable[[Task], Any], jobs: int, timeout: float
) -> Iterator[dict[str, Any] | Cleaned]:
    """The cleaned fields of each task, in order, from `jobs` worker processes under a time
    budget per record (the folder runs' workers.Pool): a record past it, or one that kills its
    worker, is written with `error` set and the run goes on."""
    from cleaner.run.workers import Call, Pool, in_order

    pool = Pool(Call(clean_fn), timeout, max(1, jobs))
    detail = bool(getattr(clean_fn, "detail", False))
    finished = False
    try:
        tasks, again = itertools.tee(tasks)
        work = (((task,), _task_size(task)) for task in tasks)
        results = in_order(pool, work, WINDOW_PER_WORKER * jobs)
        for task, (status, value) in zip(again, results, strict=True):
            if status == "ok":
                yield value
            elif status == "raised":
                raise value  # clean_fn's own exception, as in process
            elif status == "timeout":
                yield failed(f"timeout: {value}", task.url, detail)
            else:
                yield failed(str(value), task.url, detail)
        finished = True
    finally:
        with sigint_ignored(not finished):  # a second Ctrl-C must not cut the tidying short
            pool.close(now=not finished)


def process_records(
    reader: Iterable[Record],
    writer: JsonlWriter | ParquetRecordWriter | Any,
    clean_fn: Callable[[Task], dict[str, Any] | Cleaned] | None = None,
    *,
    jobs: int = 1,
    chunksize: int = DEFAULT_CHUNKSIZE,
    stats: Stats | None = None,
    progress: Callable[[Stats], None] | None = None,
    timeout: float | None = None,
    max_bytes: int | None = None,
    on_record: Callable[[int, Record, dict[str, Any], Any], None] | None = None,
) -> Stats:
    """Clean every record of `reader` and write it to `writer` (anything with `write(dict)`),
    one output per input, in input order, on `jobs` processes.

    `timeout` (seconds) is each record's time budget, as `--timeout` is a document's in a folder
    run: a record past it is written with `error` "timeout: ...", its worker killed and
    restarted, and the run goes on; a record that kills its worker (out of memory, a crash in
    a C library) costs that record only in the same way. With jobs > 1 or a timeout, records
    are cleaned in long-lived worker processes (`cleaner.run.workers.Pool`), at most
    `WINDOW_PER_WORKER` per worker in flight, so memory stays bounded; with jobs=1 and no
    timeout, in this process. `chunksize` is accepted for compatibility and no longer used.
    `clean_fn` gets a `Task` and returns the cleaned fields, or `Cleaned(fields, result)`
    (default: `CleanFields()`); an exception it raises stops the run. A record whose source is
    over `max_bytes` bytes is not cleaned (written with `error` "too large: ..."). Pass `stats`
    to read the counts after a KeyboardInterrupt, `progress` to be called with them once before
    the first record and after every record, and `on_record` to be called after each record is
    written with its number (from 1), the Record, its cleaned fields and the Result (when
    `clean_fn` returns one).
    """
    clean_fn = clean_fn or CleanFields()
    stats = stats if stats is not None else Stats()
    if stats.total is None:
        stats.total = getattr(reader, "total", None)
    if progress is not None:
        progress(stats)
    ahead, behind = itertools.tee(reader)
    tasks = (record.task(max_bytes) for record in ahead)
    if jobs > 1 or timeout:
        results: Iterable[dict[str, Any] | Cleaned] = _in_workers(
            tasks, clean_fn, jobs, timeout or 0
        )
    else:
        results = map(clean_fn, tasks)
    try:
        for number, (record, out) in enumerate(zip(behind, results, strict=True), start=1):
            cleaned, result = out if isinstance(out, Cleaned) else (out, None)
            # A record and its report line are written whole, Ctrl-C or not (raised after).
            with sigint_deferred():
                writer.write(merge(record.fields, cleaned))
                stats.add(number, record, cleaned)
                if on_record is not None:
                    on_record(number, record, cleaned, result)
            if progress is not None:
                progress(stats)
    finally:
        if isinstance(getattr(reader, "kinds", None), Counter):
            stats.kinds = dict(reader.kinds.most_common())  # type: ignore[attr-defined]
            stats.not_cleaned = dict(reader.skips.most_common())  # type: ignore[attr-defined]
        # The workers stopped now, as a folder run's are, not whenever the generator is
        # collected (the traceback of a Ctrl-C raised after a record was written holds it).
        close = getattr(results, "close", None)
        if close is not None:
            close()
    return stats


def _both(
    first: Callable[[int, str, bool], None], second: Callable[[int, str, bool], None]
) -> Callable[[int, str, bool], None]:
    def call(number: int, why: str, counted: bool) -> None:
        first(number, why, counted)
        second(number, why, counted)

    return call


def clean_records(
    src: str | os.PathLike[str],
    dst: str | os.PathLike[str],
    *,
    text_field: str | None = None,
    url_field: str | None = "url",
    site: str | None = None,
    rules: Iterable[str | os.PathLike[str]] = (),
    site_rules: bool = True,
    jobs: int = 1,
    chunksize: int = DEFAULT_CHUNKSIZE,
    clean_fn: Callable[[Task], dict[str, Any] | Cleaned] | None = None,
    stats: Stats | None = None,
    progress: Callable[[Stats], None] | None = None,
    timeout: float | None = None,
    max_bytes: int | None = None,
    detail: bool = False,
    on_record: Callable[[int, Record, dict[str, Any], Any], None] | None = None,
    markdown: bool = False,
    learned: Any = None,
    html: str = DEFAULT_HTML,
    on_late_error: Callable[[int, str, bool], None] | None = None,
    result_lines: bool = True,
) -> Stats:
    """Clean the record file `src` into `dst` (formats from the extensions, `-` is JSON Lines
    to stdout; a file is written atomically). `text_field` None tries "text", then "html".
    `timeout`: each record's time budget in seconds (None: none), see `process_records`, as are
    `progress`, `max_bytes` and `on_record` (given the Result too, unless `clean_fn` is
    given). `detail`: each record also has the DETAIL_FIELDS (the removed lines); `markdown`:
    `clean_text` is markdown. `on_late_error` is told, as `stats` is, of an error found after a
    record was written (a Parquet output's row group that cannot hold one of its fields): the
    record's number, why, and whether it had an error already. `result_lines` False: the Result
    `on_record` is given has no removed or kept lines (a summary needs none)."""
    reader = open_reader(src, text_field=text_field, url_field=url_field)
    if clean_fn is None:
        rule_dirs = tuple(os.fspath(r) for r in rules)
        clean_fn = CleanFields(
            site, rule_dirs, site_rules, detail, on_record is not None, markdown, learned, html,
            result_lines,
        )  # fmt: skip
        if jobs > 1 or timeout:  # compiled once here, shared by every forked worker
            from cleaner.sites.identify import ruleset

            if site_rules:
                ruleset(tuple(str(Path(d)) for d in rule_dirs), builtin=True)
            else:
                ruleset((), builtin=False)
    stats = stats if stats is not None else Stats()
    fmt = "jsonl" if os.fspath(dst) == "-" else detect_format(dst)
    schema = reader.schema if fmt == "parquet" else None
    with open_writer(dst, fmt, schema=schema, detail=detail) as w:
        if isinstance(w, ParquetRecordWriter):
            w.on_error = stats.late_error
            if on_late_error is not None:
                w.on_error = _both(stats.late_error, on_late_error)
        return process_records(
            reader,
            w,
            clean_fn,
            jobs=jobs,
            chunksize=chunksize,
            stats=stats,
            progress=progress,
            timeout=timeout,
            max_bytes=max_bytes,
            on_record=on_record,
        )
