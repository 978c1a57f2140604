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
    assert f"{src}#2: failed: no 'text' or 'html' field" in result.stderr
    assert "read 3, written 1, skipped 0, failed 2;" in result.stderr


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
    assert f"{src}#2: failed: field 'text' is null" in result.stderr
    assert "read 3, written 2, skipped 0, failed 1;" in result.stderr


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
    assert "read 2, written 2, skipped 0, failed 0;" in result.stderr


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


# --- the folder options on record files: each works per record, or is refused (#13) ----------

NOISY = (
    "Skip to content\n\n" + ARTICLE + "\nShare this article\n"
)  # an article with generic boilerplate around it


def write_rows(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def read_rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def three_records(tmp_path: Path) -> Path:
    return write_rows(
        tmp_path / "in.jsonl",
        [
            {"id": "a", "text": NOISY, "url": "https://example.org/a"},
            {"id": "b", "body": "no text field here"},
            {"id": "c", "text": NOISY},
        ],
    )


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_report_has_one_line_per_record_naming_it_by_index_and_id(tmp_path, jobs):
    src, dst, report = three_records(tmp_path), tmp_path / "out.jsonl", tmp_path / "r.jsonl"
    result = CliRunner().invoke(app, [str(src), str(dst), "--report", str(report), "-j", jobs])
    assert result.exit_code == 1, result.stderr  # record 2 has no text
    lines = read_rows(report)
    assert [(r["input"], r["record"], r["id"]) for r in lines] == [
        (str(src), 1, "a"),
        (str(src), 2, "b"),
        (str(src), 3, "c"),
    ]
    assert [r["status"] for r in lines] == ["cleaned", "failed", "cleaned"]
    assert lines[1]["reason"] == "no 'text' or 'html' field"
    first = lines[0]
    assert first["output"] == str(dst) and first["format"] == "text"
    assert first["site"] == "example.org" and first["reason"] is None
    assert {"G101", "G105"} <= set(first["rules"])
    assert first["bytes_in"] == len(NOISY.encode("utf-8"))
    assert first["bytes_out"] == len(read_rows(dst)[0]["clean_text"].encode("utf-8"))
    # The same keys as a folder run's report, and the record's index and id.
    folder = tmp_path / "page.txt"
    folder.write_text(NOISY, encoding="utf-8")
    folder_report = tmp_path / "f.jsonl"
    CliRunner().invoke(app, [str(folder), str(tmp_path / "o"), "--report", str(folder_report)])
    assert list(first) == ["input", "record", "id", *list(read_rows(folder_report)[0])[1:]]


def test_report_id_field_and_warc_record_ids(tmp_path):
    src = write_rows(tmp_path / "in.jsonl", [{"doc": 7, "text": NOISY}])
    report = tmp_path / "r.jsonl"
    args = [str(src), str(tmp_path / "out.jsonl"), "--report", str(report), "--id-field", "doc"]
    assert CliRunner().invoke(app, args).exit_code == 0
    assert read_rows(report)[0]["id"] == 7
    assert CliRunner().invoke(app, args[:-2]).exit_code == 0
    assert read_rows(report)[0]["id"] is None  # no "id" field in the record


def test_report_of_a_warc_names_each_page_by_its_record_id(tmp_path):
    pytest.importorskip("fastwarc")
    src, report = tmp_path / "crawl.warc", tmp_path / "r.jsonl"
    write_warc(src)
    result = CliRunner().invoke(app, [str(src), str(tmp_path / "o.jsonl"), "--report", str(report)])
    assert result.exit_code == 0, result.stderr
    lines = read_rows(report)
    assert [r["record"] for r in lines] == [1, 2]
    assert [r["id"][-4:] for r in lines] == ["003>", "005>"]
    assert [r["format"] for r in lines] == ["html", "html"]


def test_report_that_is_out_or_in_is_refused(tmp_path):
    src, dst = three_records(tmp_path), tmp_path / "out.jsonl"
    for report in (src, dst):
        result = CliRunner().invoke(app, [str(src), str(dst), "--report", str(report)])
        assert result.exit_code == 2, result.stderr
    assert not dst.exists()
    assert src.read_text(encoding="utf-8").count("\n") == 3


def test_explain_lists_each_record_s_removed_lines(tmp_path):
    src, dst = three_records(tmp_path), tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, [str(src), str(dst), "--explain"])
    assert result.exit_code == 1
    assert f"{src}#1:1: G101 " in result.stdout
    assert f"{src}#3:1: G101 " in result.stdout
    assert "Share this article" in result.stdout
    assert f"{src}#2" not in result.stdout  # not cleaned: named in the summary instead
    # To stdout: JSON Lines there, the explanation on stderr.
    piped = CliRunner().invoke(app, [str(src), "-", "--explain"])
    assert f"{src}#1:1: G101 " in piped.stderr
    assert [r["id"] for r in map(json.loads, piped.stdout.splitlines())] == ["a", "b", "c"]


def test_records_to_stdout_are_json_lines(tmp_path):
    src = three_records(tmp_path)
    result = CliRunner().invoke(app, [str(src), "-", "-j", "1"])
    assert result.exit_code == 1, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in rows] == ["a", "b", "c"]
    assert rows[0]["clean_text"] == read_clean(src)
    assert "read 3, written 2, skipped 0, failed 1;" in result.stderr


def read_clean(src: Path) -> str:
    return cleaner.clean(read_rows(src)[0]["text"], url="https://example.org/a").text


def test_format_json_adds_the_removed_lines_to_each_record(tmp_path):
    src, dst = three_records(tmp_path), tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, [str(src), str(dst), "--format", "json"])
    assert result.exit_code == 1
    rows = read_rows(dst)
    expected = cleaner.clean(NOISY, url="https://example.org/a")
    assert rows[0]["removed"] == [r.as_dict() for r in expected.removed]
    assert rows[0]["kept"] == [k.as_dict() for k in expected.kept]
    assert rows[0]["language"] == expected.language == "en"
    assert rows[0]["format"] == "text"
    assert rows[1]["removed"] == [] and rows[1]["error"]
    # Without it the record has the fields it always had.
    CliRunner().invoke(app, [str(src), str(dst)])
    assert "removed" not in read_rows(dst)[0]


def test_format_json_to_parquet(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    src, dst = three_records(tmp_path), tmp_path / "out.parquet"
    result = CliRunner().invoke(app, [str(src), str(dst), "--format", "json"])
    assert result.exit_code == 1, result.stderr
    rows = pq.read_table(dst).to_pylist()
    expected = cleaner.clean(NOISY, url="https://example.org/a")
    assert rows[0]["removed"] == [r.as_dict() for r in expected.removed]
    assert rows[1]["removed"] == [] and rows[1]["language"] is None


def test_max_bytes_applies_to_each_record(tmp_path):
    big = "x " * 3000
    src = write_rows(tmp_path / "in.jsonl", [{"id": 1, "text": NOISY}, {"id": 2, "text": big}])
    dst, report = tmp_path / "out.jsonl", tmp_path / "r.jsonl"
    limit = str(len(NOISY.encode("utf-8")) + 1)
    args = [str(src), str(dst), "--max-bytes", limit, "--report", str(report)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.stderr  # skipped, not failed: as a file over it
    rows = read_rows(dst)
    assert rows[0]["error"] is None
    assert rows[1]["error"] == f"too large: 6000 bytes, over --max-bytes {limit}"
    assert rows[1]["clean_text"] is None and rows[1]["text"] == big
    assert [r["status"] for r in read_rows(report)] == ["cleaned", "skipped"]
    assert f"{src}#2: skipped: too large: 6000 bytes, over --max-bytes {limit}" in result.stderr
    assert "read 2, written 1, skipped 1, failed 0;" in result.stderr


@pytest.mark.parametrize(
    ("option", "words"),
    [
        (["--url", "https://example.org/a"], "--url"),
        (["--follow-symlinks"], "--follow-symlinks"),
    ],
)
def test_folder_options_that_cannot_apply_to_records_are_refused(tmp_path, option, words):
    src, dst = three_records(tmp_path), tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, [str(src), str(dst), *option])
    assert result.exit_code == 2
    assert words in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not dst.exists()


@pytest.mark.parametrize(
    "option", [["--text-field", "body"], ["--url-field", "u"], ["--id-field", "i"]]
)
def test_record_options_on_a_folder_run_are_refused(tmp_path, option):
    page = tmp_path / "page.txt"
    page.write_text(NOISY, encoding="utf-8")
    result = CliRunner().invoke(app, [str(page), str(tmp_path / "out"), *option])
    assert result.exit_code == 2
    assert option[0] in result.stderr and "record files" in result.stderr
    assert not (tmp_path / "out").exists()


def test_text_field_on_a_warc_is_refused(tmp_path):
    src = tmp_path / "crawl.warc"
    write_warc(src)
    result = CliRunner().invoke(app, [str(src), str(tmp_path / "o.jsonl"), "--text-field", "x"])
    assert result.exit_code == 2
    assert "WARC" in result.stderr and not (tmp_path / "o.jsonl").exists()


def test_a_report_that_cannot_be_written_stops_the_run_and_writes_no_output(tmp_path):
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    src, dst = three_records(tmp_path), tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, [str(src), str(dst), "--report", "/dev/full"])
    assert result.exit_code == 1
    assert "cannot write the report /dev/full" in result.stderr
    assert f"{dst} not written" in result.stderr and not dst.exists()


def stop_on(monkeypatch, word: str) -> None:
    """Ctrl-C while record with `word` in its text is cleaned (in this process: -j 1 --timeout 0)."""
    from cleaner.run import records

    real = records.CleanFields._clean

    def clean(self, task):
        if isinstance(task.source, str) and word in task.source:
            raise KeyboardInterrupt
        return real(self, task)

    monkeypatch.setattr(records.CleanFields, "_clean", clean)


def test_an_interrupted_record_run_leaves_neither_output_nor_report(tmp_path, monkeypatch):
    src = write_rows(tmp_path / "in.jsonl", [{"id": 1, "text": NOISY}, {"id": 2, "text": "STOP"}])
    dst, report = tmp_path / "out.jsonl", tmp_path / "r.jsonl"
    stop_on(monkeypatch, "STOP")
    args = [str(src), str(dst), "--report", str(report), "-j", "1", "--timeout", "0"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 130, result.stderr
    assert f"interrupted after 1 records; {dst} not written" in result.stderr
    assert not dst.exists() and not report.exists(), "the report names no record of no output"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]  # no temporary file


def test_an_interrupted_record_run_to_stdout_reports_what_it_wrote(tmp_path, monkeypatch):
    src = write_rows(tmp_path / "in.jsonl", [{"id": 1, "text": NOISY}, {"id": 2, "text": "STOP"}])
    report = tmp_path / "r.jsonl"
    stop_on(monkeypatch, "STOP")
    args = [str(src), "-", "--report", str(report), "-j", "1", "--timeout", "0"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 130
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == [1]
    assert [r["id"] for r in read_rows(report)] == [1]


def test_a_record_report_replaces_an_old_one_only_when_the_run_ends(tmp_path):
    src, dst, report = three_records(tmp_path), tmp_path / "out.jsonl", tmp_path / "r.jsonl"
    report.write_text("old\n", encoding="utf-8")
    result = CliRunner().invoke(app, [str(src), str(dst), "--report", str(report)])
    assert result.exit_code == 1
    assert [r["record"] for r in read_rows(report)] == [1, 2, 3]
    assert oct(report.stat().st_mode & 0o777) == oct(0o666 & ~_umask())


def _umask() -> int:
    import os

    mask = os.umask(0o022)
    os.umask(mask)
    return mask
