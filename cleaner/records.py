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
- WARC (`.warc`, `.warc.gz`, needs fastwarc or warcio): every HTTP response record with an HTML
  content type; its target URI is the URL and its HTTP payload is the page. Output fields:
  `warc_record_id`, `url`, `warc_date` and the cleaned fields.

Outputs go to a temporary file beside the target that is renamed at the end, so an interrupted
run never leaves half an output. `clean_records(src, dst)` does all of it;
`process_records(reader, writer, clean_fn, jobs=...)` is the streaming core.
"""

from __future__ import annotations

import base64
import codecs
import contextlib
import datetime as dt
import decimal
import gzip
import itertools
import json
import math
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, NamedTuple

from .files import current_umask
from .parallel import DEFAULT_CHUNKSIZE

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
HTML_NAME = "record.html"  # a file name that tells cleaner the source is HTML
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

    def task(self) -> Task:
        return Task(self.source, self.url, self.name, self.charset, self.error)


def failed(error: str, url: str | None = None) -> dict[str, Any]:
    """The cleaned fields of a record that could not be cleaned."""
    out: dict[str, Any] = dict.fromkeys(CLEANED_FIELDS)
    out.update(url=url, removed_rules=[], warnings=[], error=error)
    return out


_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=", re.I)


def with_charset(data: bytes, charset: str | None) -> str | bytes:
    """A payload with an HTTP charset: cleaner's own decoding, unless that would have to guess.

    A BOM, valid UTF-8 or a <meta charset> is left to cleaner; otherwise the HTTP header's
    charset decodes it (before charset-normalizer's guess would).
    """
    if not charset or data.startswith(_BOMS) or _META_CHARSET.search(data[:4096]):
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

    def __call__(self, task: Task) -> dict[str, Any]:
        if task.error is not None or task.source is None:
            return failed(task.error or "nothing to clean", task.url)
        from .api import clean

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
            )
        except Exception as exc:  # one bad record must not stop the run
            return failed(f"{type(exc).__name__}: {exc}", task.url)
        if result.skipped:  # not a page at all (a binary file, ...)
            return failed(f"not cleaned: {result.skipped}", task.url)
        return result.record_fields()


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

    def _open(self) -> IO[bytes]:
        if self.path == "-":
            return sys.stdin.buffer
        if self.path.lower().endswith(".gz"):
            return gzip.open(self.path, "rb")
        return open(self.path, "rb")

    def __iter__(self) -> Iterator[Record]:
        fh = self._open()
        try:
            for number, raw in enumerate(fh, start=1):
                line = raw.decode("utf-8", errors="replace")
                if number == 1:
                    line = line.lstrip("\ufeff")
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except ValueError as exc:
                    yield Record(
                        {"raw": line.rstrip("\r\n")},
                        error=f"line {number}: not JSON: {exc}",
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
        for batch in self._file.iter_batches(batch_size=self.batch_size):
            for row in batch.to_pylist():
                source, url, name, error = _pick_text(row, self.text_field, self.url_field)
                yield Record(row, source, url, name, error=error)


HTML_TYPES = frozenset(("text/html", "application/xhtml+xml"))


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


class WarcReader:
    """HTML response records of a WARC file (gzipped or not), with fastwarc or warcio.

    `seen` counts the response records read, `skipped` those that were not HTML.
    """

    def __init__(self, path: str | os.PathLike[str], *, backend: str | None = None) -> None:
        self.path = os.fspath(path)
        _must_exist(self.path)
        self.backend = backend or warc_backend()
        if self.backend not in ("fastwarc", "warcio"):
            raise RecordsError(
                "WARC input needs fastwarc or warcio: pip install fastwarc (or cleaner[records])"
            )
        self.seen = 0
        self.skipped = 0

    schema_fields = ("warc_record_id", "url", "warc_date")

    @property
    def schema(self):
        pa, _ = _pyarrow()
        return pa.schema([(name, pa.string()) for name in self.schema_fields])

    def _record(self, record_id, uri, date, content_type, payload) -> Record | None:
        self.seen += 1
        media, charset = _content_type(content_type)
        if media not in HTML_TYPES:
            self.skipped += 1
            return None
        fields = {"warc_record_id": record_id, "url": uri, "warc_date": date}
        return Record(fields, payload, uri or None, HTML_NAME, charset)

    def __iter__(self) -> Iterator[Record]:
        with open(self.path, "rb") as fh:
            yield from (self._fastwarc(fh) if self.backend == "fastwarc" else self._warcio(fh))

    def _fastwarc(self, fh: IO[bytes]) -> Iterator[Record]:
        from fastwarc.warc import ArchiveIterator, WarcRecordType

        for rec in ArchiveIterator(fh, record_types=WarcRecordType.response, auto_decode="all"):
            if not rec.is_http:
                continue
            headers = rec.headers
            media, _ = _content_type(rec.http_headers.get("Content-Type"))
            # The payload is read only for HTML; other records are skipped unread.
            payload = rec.reader.read() if media in HTML_TYPES else b""
            out = self._record(
                rec.record_id,
                headers.get("WARC-Target-URI"),
                headers.get("WARC-Date"),
                rec.http_headers.get("Content-Type"),
                payload,
            )
            if out is not None:
                yield out

    def _warcio(self, fh: IO[bytes]) -> Iterator[Record]:
        from warcio.archiveiterator import ArchiveIterator

        for rec in ArchiveIterator(fh):
            if rec.rec_type != "response" or rec.http_headers is None:
                continue
            content_type = rec.http_headers.get_header("Content-Type")
            media, _ = _content_type(content_type)
            payload = rec.content_stream().read() if media in HTML_TYPES else b""
            out = self._record(
                rec.rec_headers.get_header("WARC-Record-ID"),
                rec.rec_headers.get_header("WARC-Target-URI"),
                rec.rec_headers.get_header("WARC-Date"),
                content_type,
                payload,
            )
            if out is not None:
                yield out


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
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(
            dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp"
        )
        self.tmp = Path(tmp)
        return fd, self.tmp

    def __enter__(self):
        self.open()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.abort()

    def open(self) -> None:
        raise NotImplementedError

    def _close(self) -> None:
        raise NotImplementedError

    def commit(self) -> None:
        """Finish the file and move it into place (with the permissions of a new file)."""
        try:
            self._close()
            if self.tmp is not None:
                os.chmod(self.tmp, 0o666 & ~current_umask())
                os.replace(self.tmp, self.path)
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
        self._fh: IO[bytes] | None = None

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
        self._fh.write(json_line(row))
        self.count += 1

    def _close(self) -> None:
        fh, raw = self._fh, self._raw
        self._fh = self._raw = None
        if fh is sys.stdout.buffer:
            fh.flush()
            return
        if fh is not None and fh is not raw:
            fh.close()
        if raw is not None:
            raw.close()


def _output_types(pa) -> dict[str, Any]:
    strings = pa.list_(pa.string())
    return {
        name: strings if name in ("removed_rules", "warnings") else pa.string()
        for name in CLEANED_FIELDS
    }


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
    otherwise (JSON Lines) it is inferred from the first row group: a field first seen later, or
    a value of another type, stops the run with a RecordsError rather than being dropped.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        schema=None,
        row_group_size: int = 512,
        row_group_bytes: int = 64 << 20,
        compression: str = "zstd",
    ) -> None:
        super().__init__(path)
        self.pa, self.pq = _pyarrow()
        self.base = schema
        self.schema = None if schema is None else output_schema(self.pa, schema)
        self.row_group_size = row_group_size
        self.row_group_bytes = row_group_bytes
        self.compression = compression
        self._rows: list[dict[str, Any]] = []
        self._bytes = 0
        self._writer = None

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
        """A schema from the first row group: null columns become strings."""
        pa = self.pa
        types = _output_types(pa)
        fields = []
        for name in dict.fromkeys(k for row in rows for k in row):
            try:
                arrow_type = pa.array([row.get(name) for row in rows]).type
            except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
                raise RecordsError(
                    f"{self.path}: field {name!r} has values of mixed types: {exc}"
                ) from exc
            if pa.types.is_null(arrow_type):
                arrow_type = types.get(name, pa.string())
            elif pa.types.is_list(arrow_type) and pa.types.is_null(arrow_type.value_type):
                arrow_type = pa.list_(pa.string())
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
        for i, row in enumerate(self._rows):
            extra = row.keys() - names
            if extra:
                raise RecordsError(
                    f"{self.path}: record {self.count - len(self._rows) + i + 1} has field(s) "
                    f"{sorted(extra)} not in the schema taken from the first records; "
                    "write JSON Lines instead, or give every record the same fields"
                )
        try:
            table = pa.Table.from_pylist(self._rows, schema=self.schema)
        except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
            raise RecordsError(f"{self.path}: a value does not fit the schema: {exc}") from exc
        if self._writer is None:
            self._writer = self.pq.ParquetWriter(
                str(self.tmp), self.schema, compression=self.compression
            )
        self._writer.write_table(table, row_group_size=len(self._rows))
        self._rows = []
        self._bytes = 0

    def _close(self) -> None:
        if self.tmp is None:
            return
        self.flush()
        if self._writer is None:  # no record at all: a file with the schema and no rows
            schema = self.schema if self.schema is not None else output_schema(self.pa, None)
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
    path: str | os.PathLike[str], fmt: str | None = None, *, schema=None
) -> JsonlWriter | ParquetRecordWriter:
    """A writer for `path` (format from its extension unless `fmt` says). Use it as a context
    manager: the output appears at `path` only when the block ends without an exception."""
    fmt = fmt or detect_format(path)
    if fmt == "jsonl":
        return JsonlWriter(path)
    if fmt == "parquet":
        return ParquetRecordWriter(path, schema=schema)
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

    def as_dict(self) -> dict[str, Any]:
        return {
            "records": self.records,
            "errors": self.errors,
            "warnings": self.warnings,
            "chars_in": self.chars_in,
            "chars_out": self.chars_out,
            "first_errors": [list(e) for e in self.first_errors],
        }


WINDOW_PER_WORKER = 9  # records taken in per worker beyond the oldest not yet written


def _task_size(task: Task) -> int:
    return len(task.source) if isinstance(task.source, str | bytes) else 0


def _in_workers(
    tasks: Iterable[Task], clean_fn: Callable[[Task], dict[str, Any]], jobs: int, timeout: float
) -> Iterator[dict[str, Any]]:
    """The cleaned fields of each task, in order, from `jobs` worker processes under a time
    budget per record (the folder runs' workers.Pool): a record past it, or one that kills its
    worker, is written with `error` set and the run goes on."""
    from .workers import Call, Pool, in_order

    pool = Pool(Call(clean_fn), timeout, max(1, jobs))
    finished = False
    try:
        tasks, again = itertools.tee(tasks)
        work = (((task,), _task_size(task)) for task in tasks)
        results = in_order(pool, work, WINDOW_PER_WORKER * jobs)
        for task, (status, value) in zip(again, results, strict=True):
            if status == "ok":
                yield value  # type: ignore[misc]
            elif status == "raised":
                raise value  # type: ignore[misc]  # clean_fn's own exception, as in process
            elif status == "timeout":
                yield failed(f"timeout: {value}", task.url)
            else:
                yield failed(str(value), task.url)
        finished = True
    finally:
        pool.close(now=not finished)


def process_records(
    reader: Iterable[Record],
    writer: JsonlWriter | ParquetRecordWriter | Any,
    clean_fn: Callable[[Task], dict[str, Any]] | None = None,
    *,
    jobs: int = 1,
    chunksize: int = DEFAULT_CHUNKSIZE,
    stats: Stats | None = None,
    progress: Callable[[Stats], None] | None = None,
    timeout: float | None = None,
) -> Stats:
    """Clean every record of `reader` and write it to `writer` (anything with `write(dict)`),
    one output per input, in input order, on `jobs` processes.

    `timeout` (seconds) is each record's time budget, as `--timeout` is a document's in a folder
    run: a record past it is written with `error` "timeout: ...", its worker killed and
    restarted, and the run goes on; a record that kills its worker (out of memory, a crash in
    a C library) costs that record only in the same way. With jobs > 1 or a timeout, records
    are cleaned in long-lived worker processes (`cleaner.workers.Pool`), at most
    `WINDOW_PER_WORKER` per worker in flight, so memory stays bounded; with jobs=1 and no
    timeout, in this process. `chunksize` is accepted for compatibility and no longer used.
    `clean_fn` gets a `Task` and returns the cleaned fields (default: `CleanFields()`); an
    exception it raises stops the run. Pass `stats` to read the counts after a
    KeyboardInterrupt, and `progress` to be called with them once before the first record and
    after every record.
    """
    clean_fn = clean_fn or CleanFields()
    stats = stats if stats is not None else Stats()
    if stats.total is None:
        stats.total = getattr(reader, "total", None)
    if progress is not None:
        progress(stats)
    ahead, behind = itertools.tee(reader)
    tasks = (record.task() for record in ahead)
    if jobs > 1 or timeout:
        results: Iterable[dict[str, Any]] = _in_workers(tasks, clean_fn, jobs, timeout or 0)
    else:
        results = map(clean_fn, tasks)
    for number, (record, cleaned) in enumerate(zip(behind, results, strict=True), start=1):
        writer.write(merge(record.fields, cleaned))
        stats.add(number, record, cleaned)
        if progress is not None:
            progress(stats)
    return stats


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
    clean_fn: Callable[[Task], dict[str, Any]] | None = None,
    stats: Stats | None = None,
    progress: Callable[[Stats], None] | None = None,
    timeout: float | None = None,
) -> Stats:
    """Clean the record file `src` into `dst` (formats from the extensions; `dst` is written
    atomically). `text_field` None tries "text", then "html". `timeout`: each record's time
    budget in seconds (None: none), see `process_records`, as is `progress`."""
    reader = open_reader(src, text_field=text_field, url_field=url_field)
    if clean_fn is None:
        rule_dirs = tuple(os.fspath(r) for r in rules)
        clean_fn = CleanFields(site, rule_dirs, site_rules)
        if jobs > 1 or timeout:  # compiled once here, shared by every forked worker
            from .sites import ruleset

            if site_rules:
                ruleset(tuple(str(Path(d)) for d in rule_dirs), builtin=True)
            else:
                ruleset((), builtin=False)
    with open_writer(dst, schema=reader.schema if detect_format(dst) == "parquet" else None) as w:
        return process_records(
            reader,
            w,
            clean_fn,
            jobs=jobs,
            chunksize=chunksize,
            stats=stats,
            progress=progress,
            timeout=timeout,
        )
