"""`clean IN OUT` with a record file on either side streams it record by record."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cleaner
from cleaner.run.cli import app

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
ROOT = FIXTURES / "generic"
ARTICLE = (ROOT / "clean-article" / "input.txt").read_text(encoding="utf-8")
EXPECTED = (ROOT / "clean-article" / "expected.txt").read_text(encoding="utf-8")


def write_jsonl(path: Path) -> None:
    rows = [
        {"id": 1, "text": ARTICLE, "url": "https://example.org/a"},
        {"id": 2, "body": "no text field here"},
        {"id": 3, "page": ARTICLE},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def test_jsonl_to_jsonl_keeps_every_record_and_field(tmp_path):
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_jsonl(src)
    result = CliRunner().invoke(app, [str(src), str(dst), "--jobs", "1"])
    assert result.exit_code == 1, result.stderr  # one record had nothing to clean
    rows = [json.loads(line) for line in dst.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == [1, 2, 3]
    assert rows[0]["clean_text"] == EXPECTED and rows[0]["error"] is None
    assert rows[0]["url"] == "https://example.org/a" and rows[0]["site"] == "example.org"
    assert rows[1]["error"] and rows[1]["body"] == "no text field here"
    assert "record 2" in result.stderr and "records 3, with errors 2" in result.stderr


def test_text_field_option_names_the_field(tmp_path):
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_jsonl(src)
    result = CliRunner().invoke(app, [str(src), str(dst), "--text-field", "page", "-j", "2"])
    rows = [json.loads(line) for line in dst.read_text(encoding="utf-8").splitlines()]
    assert rows[2]["clean_text"] == EXPECTED
    assert result.exit_code == 1  # records 1 and 2 have no "page" field


def test_jsonl_to_parquet(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.parquet"
    src.write_text(json.dumps({"id": 7, "text": ARTICLE}) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, [str(src), str(dst)])
    assert result.exit_code == 0, result.stderr
    table = pq.read_table(dst).to_pylist()
    assert table[0]["id"] == 7 and table[0]["clean_text"] == EXPECTED


def test_unknown_output_format_for_a_record_file_is_a_usage_error(tmp_path):
    src = tmp_path / "in.jsonl"
    write_jsonl(src)
    result = CliRunner().invoke(app, [str(src), str(tmp_path / "out.csv")])
    assert result.exit_code == 2
    assert not (tmp_path / "out.csv").exists()


def test_parquet_to_jsonl(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    src, dst = tmp_path / "in.parquet", tmp_path / "out.jsonl"
    table = pa.table(
        {
            "id": pa.array([1, 2, 3], pa.int64()),
            "text": [ARTICLE, None, ARTICLE],
            "url": ["https://example.org/a", None, None],
        }
    )
    pq.write_table(table, src)
    result = CliRunner().invoke(app, [str(src), str(dst), "--jobs", "2"])
    assert result.exit_code == 1, result.stderr  # record 2 has no text
    rows = [json.loads(line) for line in dst.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == [1, 2, 3]
    assert rows[0]["clean_text"] == rows[2]["clean_text"] == EXPECTED
    assert rows[0]["url"] == "https://example.org/a" and rows[0]["error"] is None
    assert rows[1]["error"] == "field 'text' is null"
    assert "records 3, with errors 1" in result.stderr


# --- WARC in: raw WARC/1.0 bytes, written here (no WARC library needed to make them) ----------

HTML = FIXTURES / "kyivindependent.com" / "html-page" / "input.html"
HTML_URL = "https://kyivindependent.com/power-restored-to-most-of-kharkiv-oblast/"
HTML_2 = FIXTURES / "rferl.org" / "html-page" / "input.html"
HTML_2_URL = "https://www.rferl.org/a/story.html"


def warc_record(kind: str, uri: str, block: bytes, number: int) -> bytes:
    msgtype = {"response": "; msgtype=response", "request": "; msgtype=request"}.get(kind, "")
    content_type = "application/warc-fields" if kind == "warcinfo" else "application/http"
    head = (
        "WARC/1.0\r\n"
        f"WARC-Type: {kind}\r\n"
        f"WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-{number:012d}>\r\n"
        "WARC-Date: 2024-11-03T10:00:00Z\r\n"
        + (f"WARC-Target-URI: {uri}\r\n" if uri else "")
        + f"Content-Type: {content_type}{msgtype}\r\n"
        f"Content-Length: {len(block)}\r\n\r\n"
    )
    return head.encode("ascii") + block + b"\r\n\r\n"


def http_response(content_type: str, body: bytes) -> bytes:
    head = f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode("ascii") + body


def write_warc(path: Path) -> list[bytes]:
    """A crawl of five records: warcinfo, a request, two HTML responses and an image; gzip
    (one member per record, as crawlers write them) when the name ends in .gz. The HTML
    payloads, in order."""
    page, other = HTML.read_bytes(), HTML_2.read_bytes()
    records = [
        warc_record("warcinfo", "", b"software: test\r\n", 1),
        warc_record("request", HTML_URL, b"GET / HTTP/1.1\r\nHost: kyivindependent.com\r\n\r\n", 2),
        warc_record("response", HTML_URL, http_response("text/html; charset=utf-8", page), 3),
        warc_record(
            "response",
            "https://example.org/logo.png",
            http_response("image/png", b"\x89PNG\r\n\x1a\n"),
            4,
        ),
        warc_record("response", HTML_2_URL, http_response("text/html", other), 5),
    ]
    if path.name.endswith(".gz"):
        path.write_bytes(b"".join(gzip.compress(r) for r in records))
    else:
        path.write_bytes(b"".join(records))
    return [page, other]


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
@pytest.mark.parametrize("out", ["out.jsonl", "out.parquet"])
def test_warc_in(tmp_path, name, out):
    pytest.importorskip("fastwarc")
    if out.endswith(".parquet"):
        pq = pytest.importorskip("pyarrow.parquet")
    src, dst = tmp_path / name, tmp_path / out
    page, other = write_warc(src)
    result = CliRunner().invoke(app, [str(src), str(dst), "-j", "2"])
    assert result.exit_code == 0, result.stderr
    if out.endswith(".parquet"):
        rows = pq.read_table(dst).to_pylist()
    else:
        rows = [json.loads(line) for line in dst.read_text(encoding="utf-8").splitlines()]
    assert [r["url"] for r in rows] == [HTML_URL, HTML_2_URL]  # HTML responses only
    assert [r["warc_record_id"][-4:] for r in rows] == ["003>", "005>"]
    assert rows[0]["warc_date"] == "2024-11-03T10:00:00Z"
    html = cleaner.clean(page, url=HTML_URL, name="record.html")
    assert html.text.startswith("Power restored to most of Kharkiv Oblast")
    assert rows[0]["clean_text"] == html.text and rows[0]["title"] == html.title
    assert rows[0]["site"] == "kyivindependent.com" and rows[0]["error"] is None
    other_html = cleaner.clean(other, url=HTML_2_URL, name="record.html")
    assert rows[1]["clean_text"] == other_html.text and rows[1]["site"] == "rferl.org"
    assert "records 2, with errors 0" in result.stderr


def test_skip_existing_skips_a_record_file_whose_output_exists(tmp_path):
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_jsonl(src)
    dst.write_text("OLD\n", encoding="utf-8")
    result = CliRunner().invoke(app, [str(src), str(dst), "--skip-existing"])
    assert result.exit_code == 0
    assert dst.read_text(encoding="utf-8") == "OLD\n"
    assert f"{src}: skipped: output exists ({dst}; --skip-existing)" in result.stderr
    # Without it the output is replaced, as before (a record file is one output).
    again = CliRunner().invoke(app, [str(src), str(dst), "-j", "1"])
    assert again.exit_code == 1 and dst.read_text(encoding="utf-8") != "OLD\n"
    fresh = CliRunner().invoke(app, [str(src), str(tmp_path / "new.jsonl"), "--skip-existing"])
    assert fresh.exit_code == 1 and (tmp_path / "new.jsonl").exists()
