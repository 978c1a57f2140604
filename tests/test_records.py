"""cleaner.run.records: JSON Lines, Parquet and WARC in, JSON Lines and Parquet out, streamed."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest

from cleaner import clean
from cleaner.run.records import (
    CLEANED_FIELDS,
    JsonlReader,
    JsonlWriter,
    Record,
    RecordsError,
    Stats,
    WarcReader,
    clean_records,
    detect_format,
    process_records,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
# Generic fixtures that need no options and keep some text: the records are real pages.
INPUTS = sorted(
    p
    for p in FIXTURES.glob("generic/*/input.txt")
    if not (p.parent / "args.json").exists() and (p.parent / "expected.txt").stat().st_size > 200
)


def pages(n: int = 6) -> list[tuple[str, str]]:
    """(fixture id, input text) of the first n fixtures cleaned with default options."""
    return [(f"{p.parent.parent.name}/{p.parent.name}", p.read_text("utf-8")) for p in INPUTS[:n]]


def read_jsonl(path: Path) -> list[dict]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def write_jsonl(path: Path, rows: list[dict | str]) -> None:
    lines = (row if isinstance(row, str) else json.dumps(row, ensure_ascii=False) for row in rows)
    data = "".join(line + "\n" for line in lines).encode("utf-8")
    path.write_bytes(gzip.compress(data) if path.name.endswith(".gz") else data)


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("a.jsonl", "jsonl"),
        ("A.JSONL.GZ", "jsonl"),
        ("a.ndjson", "jsonl"),
        ("x/y.parquet", "parquet"),
        ("cc.warc.gz", "warc"),
        ("cc.warc", "warc"),
        ("page.html", None),
        ("dir/", None),
        ("-", None),
    ],
)
def test_detect_format(name, fmt):
    assert detect_format(name) == fmt
    assert detect_format(Path(name)) == fmt


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz"])
def test_jsonl_round_trip_keeps_fields_and_order(tmp_path, suffix):
    rows = [
        {"id": i, "text": text, "meta": {"source": fid, "n": [1, 2]}, "lang": "en"}
        for i, (fid, text) in enumerate(pages())
    ]
    rows[1]["url"] = "https://example.org/a/1"
    src, dst = tmp_path / f"in{suffix}", tmp_path / f"out{suffix}"
    write_jsonl(src, rows)
    stats = clean_records(src, dst)
    out = read_jsonl(dst)
    assert len(out) == len(rows) == stats.records
    assert stats.errors == 0
    for row, got in zip(rows, out, strict=True):
        for key, value in row.items():  # every input field, unchanged
            assert got[key] == value
        want = clean(row["text"], url=row.get("url"))
        assert got["clean_text"] == want.text
        assert got["title"] == want.title
        assert got["byline"] == want.byline
        assert got["date"] == want.date
        assert got["site"] == want.site
        assert got["removed_rules"] == want.rules_fired
        assert got["warnings"] == want.warnings
        assert got["error"] is None
        assert set(got) == set(row) | set(CLEANED_FIELDS)
    assert out[1]["url"] == "https://example.org/a/1"
    assert not list(tmp_path.glob(".*.tmp"))  # the temporary file was renamed


def test_missing_text_gives_an_error_record_not_a_dropped_one(tmp_path):
    text = pages(1)[0][1]
    rows = [
        {"id": 1, "text": text},
        {"id": 2, "body": "no text field here"},
        {"id": 3, "text": None},
        {"id": 4, "text": 42, "title": "an input title"},
        "this line is not JSON",
        '["a", "list"]',
        {"id": 5, "html": "<html><body><article><p>" + "Words in a row. " * 20 + "</p></article>"},
    ]
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_jsonl(src, rows)
    stats = clean_records(src, dst)
    out = read_jsonl(dst)
    assert len(out) == 7
    assert [r.get("id") for r in out] == [1, 2, 3, 4, None, None, 5]
    assert out[0]["error"] is None and out[0]["clean_text"]
    assert out[1]["error"] == "no 'text' or 'html' field"
    assert out[1]["body"] == "no text field here"
    assert out[2]["error"] == "field 'text' is null"
    assert out[3]["error"] == "field 'text' is int, not a string"
    assert out[3]["title"] == "an input title"  # input fields are never overwritten
    assert "clean_title" in out[3]
    assert out[4]["raw"] == "this line is not JSON" and "not JSON" in out[4]["error"]
    assert out[5]["raw"] == ["a", "list"] and "not an object" in out[5]["error"]
    assert out[6]["error"] is None and "Words in a row." in out[6]["clean_text"]
    assert stats.errors == 5
    assert [n for n, _ in stats.first_errors] == [2, 3, 4, 5, 6]


def test_named_fields(tmp_path):
    (_, text), _ = pages(2)
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_jsonl(src, [{"content": text, "link": "https://example.org/x"}, {"text": text}])
    clean_records(src, dst, text_field="content", url_field="link")
    out = read_jsonl(dst)
    assert out[0]["clean_text"] == clean(text, url="https://example.org/x").text
    assert out[0]["url"] == "https://example.org/x"  # the input had no "url": added
    assert out[1]["error"] == "no 'content' field"


def test_jobs_2_same_output_as_jobs_1(tmp_path):
    rows = [{"n": i, "text": text} for i, (_, text) in enumerate(pages(12) * 3)]
    rows.insert(7, {"n": -1})
    src = tmp_path / "in.jsonl"
    write_jsonl(src, rows)
    clean_records(src, tmp_path / "one.jsonl", jobs=1)
    clean_records(src, tmp_path / "two.jsonl", jobs=2, chunksize=2)
    one = (tmp_path / "one.jsonl").read_bytes()
    assert one == (tmp_path / "two.jsonl").read_bytes()
    assert [r["n"] for r in read_jsonl(tmp_path / "two.jsonl")] == [r["n"] for r in rows]


def test_parquet_round_trip(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    texts = [text for _, text in pages(8)]
    table = pa.table(
        {
            "id": pa.array(range(len(texts)), pa.int32()),
            "text": texts,
            "score": [0.5 * i for i in range(len(texts))],
            "tags": [["a", "b"]] * len(texts),
        }
    )
    src, dst = tmp_path / "in.parquet", tmp_path / "out.parquet"
    pq.write_table(table, src, row_group_size=3)
    stats = clean_records(src, dst)
    assert stats.records == len(texts) and stats.errors == 0
    out = pq.read_table(dst)
    assert out.schema.field("id").type == pa.int32()  # input types kept
    assert out.column_names[:4] == ["id", "text", "score", "tags"]
    assert out.column_names[4:] == list(CLEANED_FIELDS)
    rows = out.to_pylist()
    assert [r["id"] for r in rows] == list(range(len(texts)))
    for text, row in zip(texts, rows, strict=True):
        assert row["text"] == text
        assert row["clean_text"] == clean(text).text
        assert row["removed_rules"] == clean(text).rules_fired
    # Parquet in, JSON Lines out, and JSON Lines in, Parquet out, keep the same records.
    clean_records(src, tmp_path / "out.jsonl")
    as_json = read_jsonl(tmp_path / "out.jsonl")
    assert [r["clean_text"] for r in as_json] == [r["clean_text"] for r in rows]
    write_jsonl(tmp_path / "in.jsonl", [{"id": i, "text": t} for i, t in enumerate(texts)])
    clean_records(tmp_path / "in.jsonl", tmp_path / "from-jsonl.parquet")
    again = pq.read_table(tmp_path / "from-jsonl.parquet").to_pylist()
    assert [r["clean_text"] for r in again] == [r["clean_text"] for r in rows]
    assert again[0]["warnings"] == [] and again[0]["error"] is None


def test_parquet_writes_row_groups(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    from cleaner.run.records import ParquetRecordWriter

    dst = tmp_path / "out.parquet"
    with ParquetRecordWriter(dst, row_group_size=4) as writer:
        for i in range(10):
            writer.write({"i": i, "text": "x" * i})
    meta = pq.ParquetFile(dst).metadata
    assert meta.num_rows == 10 and meta.num_row_groups == 3


def test_empty_input_gives_an_empty_output(tmp_path):
    pytest.importorskip("pyarrow")
    src = tmp_path / "in.jsonl"
    src.write_text("\n", encoding="utf-8")
    assert clean_records(src, tmp_path / "out.jsonl").records == 0
    assert (tmp_path / "out.jsonl").read_bytes() == b""
    clean_records(src, tmp_path / "out.parquet")
    import pyarrow.parquet as pq

    assert pq.read_table(tmp_path / "out.parquet").num_rows == 0


def test_parquet_from_jsonl_keeps_a_record_with_a_late_new_field(tmp_path):
    """Issue 14, case 8: a field first seen after the first row group costs its record only."""
    pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    from cleaner.run.records import ParquetRecordWriter

    dst = tmp_path / "out.parquet"
    told = []
    with ParquetRecordWriter(dst, row_group_size=2) as writer:
        writer.on_error = lambda *args: told.append(args)
        for row in ({"a": 1}, {"a": 2}, {"a": 3, "b": "late"}, {"a": "four"}):
            writer.write({**row, "error": None})
    rows = pq.read_table(dst).to_pylist()
    assert [r["a"] for r in rows] == [1, 2, 3, None]
    assert "field 'b' is not in the schema" in rows[2]["error"]
    assert "field 'a' does not fit the column's type int64" in rows[3]["error"]
    assert [(n, had) for n, _, had in told] == [(3, False), (4, False)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.parquet"]  # no temporary file


def test_failed_run_leaves_no_output(tmp_path):
    dst = tmp_path / "out.jsonl"
    dst.write_text("old\n", encoding="utf-8")

    def records():
        yield from JsonlReader(_one_line(tmp_path))
        raise KeyboardInterrupt

    stats = Stats()
    with pytest.raises(KeyboardInterrupt), JsonlWriter(dst) as writer:
        process_records(records(), writer, stats=stats)
    assert stats.records == 1  # what was done before the interrupt is still counted
    assert dst.read_text(encoding="utf-8") == "old\n"  # the old output is untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "out.jsonl"]


def test_ctrl_c_after_a_record_is_written_stops_the_workers_at_once():
    """A Ctrl-C held back while a record is written is raised after it, in process_records'
    loop: the workers are stopped before it reaches the caller (as a folder run's are), not
    whenever the garbage collector gets to them."""
    import multiprocessing

    class Sink:
        written = 0

        def write(self, row):
            self.written += 1
            if self.written == 3:
                raise KeyboardInterrupt

    reader = [Record({"id": i}, source=text) for i, (_, text) in enumerate(pages(8))]
    alive = None
    try:
        process_records(reader, Sink(), jobs=2, timeout=30)
    except KeyboardInterrupt:
        alive = multiprocessing.active_children()
    assert alive == []


def _one_line(tmp_path: Path) -> Path:
    src = tmp_path / "in.jsonl"
    write_jsonl(src, [{"text": pages(1)[0][1]}])
    return src


def test_bad_extensions(tmp_path):
    src = _one_line(tmp_path)
    with pytest.raises(RecordsError, match="output must be"):
        clean_records(src, tmp_path / "out.txt")
    with pytest.raises(RecordsError, match="not a record file"):
        clean_records(tmp_path / "in.txt", tmp_path / "out.jsonl")
    with pytest.raises(RecordsError, match="no such file"):
        clean_records(tmp_path / "missing.jsonl", tmp_path / "out.jsonl")
    assert not (tmp_path / "out.jsonl").exists()


# --- WARC -----------------------------------------------------------------------------------------

ARTICLE = (
    "<!doctype html><html><head><title>Bridge reopens after repairs</title></head><body>"
    "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav><article>"
    "<h1>Bridge reopens after repairs</h1>"
    "<p>The old stone bridge over the river reopened on Monday after eighteen months of repairs "
    "that cost the town more than it had planned.</p>"
    "<p>Engineers replaced the worn arches and strengthened the foundations, and the mayor said "
    "traffic would be limited to cars and bicycles for the first few weeks.</p>"
    "<p>Residents welcomed the news, though some shop owners said the long closure had hurt "
    "their trade and asked the council for help.</p>"
    "</article><footer>Subscribe to our newsletter</footer></body></html>"
)
LATIN1 = ARTICLE.replace("Residents", "Résidents").replace("<!doctype html>", "")


def warc_records() -> list[tuple[str, str, bytes]]:
    """(target URI, HTTP content type, payload) of the test WARC: two HTML pages and an image."""
    return [
        ("https://example.org/news/bridge", "text/html; charset=utf-8", ARTICLE.encode()),
        ("https://example.org/logo.png", "image/png", b"\x89PNG\r\n\x1a\nnot really"),
        (
            "https://example.org/news/latin",
            "text/html; charset=iso-8859-1",
            LATIN1.encode("latin-1"),
        ),
    ]


def build_warc_warcio(path: Path) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=path.name.endswith(".gz"))
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        for uri, ctype, payload in warc_records():
            http = StatusAndHeaders(
                "200 OK",
                [("Content-Type", ctype), ("Content-Length", str(len(payload)))],
                protocol="HTTP/1.1",
            )
            writer.write_record(
                writer.create_warc_record(
                    uri, "response", payload=io.BytesIO(payload), http_headers=http
                )
            )
            request = StatusAndHeaders("GET / HTTP/1.1", [], is_http_request=True)
            writer.write_record(writer.create_warc_record(uri, "request", http_headers=request))


def build_warc_fastwarc(path: Path) -> None:
    from fastwarc.warc import WarcRecord, WarcRecordType

    with open(path, "wb") as fh:
        for uri, ctype, payload in warc_records():
            record = WarcRecord()
            record.init_headers(WarcRecordType.response)
            record.headers.append("WARC-Target-URI", uri)
            record.headers.append("Content-Type", "application/http; msgtype=response")
            head = f"HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\nContent-Length: {len(payload)}"
            record.set_bytes_content(head.encode() + b"\r\n\r\n" + payload)
            record.write(fh)


def build_warc_fastwarc_gz(path: Path) -> None:
    """fastwarc's records, the whole file gzipped as one member (readers must cope)."""
    plain = path.with_name("plain.warc")
    build_warc_fastwarc(plain)
    path.write_bytes(gzip.compress(plain.read_bytes()))
    plain.unlink()


def builder_needs(build) -> str:
    return "warcio" if build is build_warc_warcio else "fastwarc"


WARC_CASES = [
    pytest.param("warcio", "test.warc.gz", build_warc_warcio, id="warcio-reads-warcio-gz"),
    pytest.param("fastwarc", "test.warc.gz", build_warc_warcio, id="fastwarc-reads-warcio-gz"),
    pytest.param("fastwarc", "test.warc", build_warc_fastwarc, id="fastwarc-reads-fastwarc"),
    pytest.param("warcio", "test.warc", build_warc_fastwarc, id="warcio-reads-fastwarc"),
    pytest.param("fastwarc", "test.warc.gz", build_warc_fastwarc_gz, id="fastwarc-reads-one-gz"),
]


@pytest.mark.parametrize(("backend", "name", "build"), WARC_CASES)
def test_warc_html_responses(tmp_path, backend, name, build):
    pytest.importorskip(backend)
    pytest.importorskip(builder_needs(build))
    src = tmp_path / name
    build(src)
    reader = WarcReader(src, backend=backend)
    recs = list(reader)
    assert [r.url for r in recs] == [
        "https://example.org/news/bridge",
        "https://example.org/news/latin",
    ]
    assert reader.skipped == 1  # the image
    assert recs[0].source == ARTICLE.encode()
    assert all(r.fields["warc_record_id"].startswith("<urn:uuid:") for r in recs)

    writer = JsonlWriter(tmp_path / "out.jsonl")
    with writer:
        stats = process_records(recs, writer)
    assert stats.records == 2 and stats.errors == 0
    out = read_jsonl(tmp_path / "out.jsonl")
    assert [r["url"] for r in out] == [r.url for r in recs]
    assert [r["warc_record_id"] for r in out] == [r.fields["warc_record_id"] for r in recs]
    first = out[0]
    assert first["title"] == "Bridge reopens after repairs"
    assert "eighteen months of repairs" in first["clean_text"]
    assert "Subscribe to our newsletter" not in first["clean_text"]
    assert first["error"] is None and first["warc_date"]
    assert "Résidents welcomed the news" in out[1]["clean_text"]  # the HTTP charset was used


def test_warc_to_parquet(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    from cleaner.run.records import warc_backend

    backend = warc_backend()
    if backend is None:
        pytest.skip("neither fastwarc nor warcio is installed")
    src = tmp_path / "crawl.warc"
    (build_warc_fastwarc if backend == "fastwarc" else build_warc_warcio)(src)
    clean_records(src, tmp_path / "out.parquet")
    table = pq.read_table(tmp_path / "out.parquet")
    assert table.column_names == [
        "warc_record_id",
        "url",
        "warc_date",
        *CLEANED_FIELDS[:5],
        *CLEANED_FIELDS[6:],
    ]
    assert table.num_rows == 2


def test_with_charset():
    from cleaner.run.records import with_charset

    text = "Résidents – «ici»"
    assert with_charset(text.encode("cp1252"), "windows-1252") == text
    assert with_charset(text.encode("utf-8"), "windows-1252") == text.encode("utf-8")
    meta = b'<meta charset="koi8-r">' + text.encode("cp1252")
    assert with_charset(meta, "windows-1252") == '<meta charset="koi8-r">' + text  # HTTP wins
    assert with_charset(b"\xe9", None) == b"\xe9"
    assert with_charset(b"\xe9", "no-such-charset") == b"\xe9"
