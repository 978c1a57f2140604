"""Nothing lost, nothing hung (issue 14, cases 7-10): record runs keep their time budget, a bad
record or a broken record file costs that record only or ends the run with a message naming the
file and what was written, WARC records are all counted, and odd names, a full disk or an
unreadable folder never end a run in a traceback.

Each test is the issue's reproduction, run through the command line (or the API it names), and
fails if the case regresses."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cleaner
from cleaner.run.cli import app

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
ARTICLE = (FIXTURES / "generic" / "clean-article" / "input.txt").read_text(encoding="utf-8")
EXPECTED = (FIXTURES / "generic" / "clean-article" / "expected.txt").read_text(encoding="utf-8")
HTML = (FIXTURES / "kyivindependent.com" / "html-page" / "input.html").read_bytes()
HTML_URL = "https://kyivindependent.com/power-restored-to-most-of-kharkiv-oblast/"
# trafilatura takes 20-30 s on this in one call that nothing in the process can interrupt.
NESTED = "<html><body>" + "<div>" * 100_000 + "deep" + "</div>" * 100_000 + "</body></html>"


def invoke(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args])


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


# --- case 7: --timeout in record runs, and a time budget for the API ----------------------------


@pytest.mark.parametrize("jobs", [1, 2])
def test_timeout_applies_to_each_record_of_a_record_run(tmp_path, jobs):
    src = write_jsonl(
        tmp_path / "in.jsonl", [{"id": 1, "html": NESTED}, {"id": 2, "text": ARTICLE}]
    )
    begin = time.monotonic()
    result = invoke(src, tmp_path / "out.jsonl", "--timeout", 1, "-j", jobs)
    assert time.monotonic() - begin < 15  # not the 20-30 s of the nested page
    assert result.exit_code == 1
    rows = read_jsonl(tmp_path / "out.jsonl")
    assert [r["id"] for r in rows] == [1, 2]
    assert rows[0]["error"] == "timeout: over the time budget of 1 s (--timeout)"
    assert rows[1]["error"] is None and rows[1]["clean_text"] == EXPECTED
    assert f"{src}#1: failed: timeout: over the time budget of 1 s" in result.stderr
    assert "read 2, written 1, skipped 0, failed 1;" in result.stderr


def test_clean_records_has_a_time_budget(tmp_path):
    from cleaner.run.records import clean_records

    src = write_jsonl(tmp_path / "in.jsonl", [{"html": NESTED}, {"text": ARTICLE}])
    begin = time.monotonic()
    stats = clean_records(src, tmp_path / "out.jsonl", timeout=1)
    assert time.monotonic() - begin < 15
    assert (stats.records, stats.errors) == (2, 1)
    assert read_jsonl(tmp_path / "out.jsonl")[1]["clean_text"] == EXPECTED


class KillOn:
    """A clean_fn whose worker dies on one record (a crash in a C library, out of memory)."""

    def __call__(self, task):
        if task.source == "CRASH":
            os.kill(os.getpid(), signal.SIGKILL)
        from cleaner.run.records import CleanFields

        return CleanFields()(task)


def test_a_record_that_kills_its_worker_costs_that_record_only(tmp_path):
    from cleaner.run.records import JsonlReader, JsonlWriter, process_records

    src = write_jsonl(
        tmp_path / "in.jsonl", [{"text": ARTICLE}, {"text": "CRASH"}, {"text": ARTICLE}]
    )
    with JsonlWriter(tmp_path / "out.jsonl") as writer:
        stats = process_records(JsonlReader(src), writer, KillOn(), jobs=2, timeout=30)
    rows = read_jsonl(tmp_path / "out.jsonl")
    assert [r["clean_text"] for r in rows] == [EXPECTED, None, EXPECTED]
    assert rows[1]["error"].startswith("the worker process died (killed by SIGKILL")
    assert stats.errors == 1


@pytest.fixture
def api_workers():
    """clean(timeout=) keeps its worker processes: ended here, so later tests see none."""
    from cleaner.api import close_workers

    yield
    close_workers()


def test_clean_with_a_timeout_raises_clean_timeout_in_time(api_workers):
    begin = time.monotonic()
    with pytest.raises(cleaner.CleanTimeout, match="time budget of 1 s"):
        cleaner.clean(NESTED, name="page.html", timeout=1)
    assert time.monotonic() - begin < 10
    assert issubclass(cleaner.CleanTimeout, TimeoutError)


def test_clean_with_a_timeout_gives_the_result_of_clean_without(api_workers):
    within = cleaner.clean(HTML, url=HTML_URL, timeout=30)
    assert within.text == cleaner.clean(HTML, url=HTML_URL).text
    assert within.site == "kyivindependent.com"
    with pytest.raises(ValueError, match="html must be one of 'extractor', 'blocks', 'routed'"):
        cleaner.clean(HTML, html="nope", timeout=30)  # checked before any worker
    with pytest.raises(cleaner.RuleFileError):  # the worker's exception, raised as it was
        cleaner.clean(HTML, rules=["/no/such/rules"], timeout=30)


@pytest.mark.parametrize("bad", [0, -1, float("nan"), float("inf")])
def test_clean_refuses_a_timeout_that_is_no_budget(bad):
    with pytest.raises(ValueError, match="positive number of seconds"):
        cleaner.clean(ARTICLE, timeout=bad)


# --- case 8: a bad record or a broken record file costs that record only ------------------------


def test_a_json_line_nested_too_deeply_costs_that_line_only(tmp_path):
    deep = '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}"
    src = tmp_path / "in.jsonl"
    src.write_text(
        json.dumps({"text": ARTICLE}) + "\n" + deep + "\n" + json.dumps({"text": ARTICLE}) + "\n"
    )
    result = invoke(src, tmp_path / "out.jsonl", "-j", 1)
    assert result.exit_code == 1
    rows = read_jsonl(tmp_path / "out.jsonl")
    assert [r["clean_text"] for r in rows] == [EXPECTED, None, EXPECTED]
    assert rows[1]["error"] == "line 2: not JSON: nested too deeply"
    assert "read 3, written 2, skipped 0, failed 1;" in result.stderr


def test_a_truncated_jsonl_gz_keeps_the_records_before_and_says_so(tmp_path):
    import gzip

    data = gzip.compress(
        "".join(json.dumps({"id": i, "text": ARTICLE}) + "\n" for i in range(50)).encode()
    )
    src = tmp_path / "in.jsonl.gz"
    src.write_bytes(data[: len(data) * 2 // 3])
    result = invoke(src, tmp_path / "out.jsonl", "-j", 1)
    assert "Aborted" not in result.output
    assert result.exit_code == 1
    rows = read_jsonl(tmp_path / "out.jsonl")
    assert len(rows) > 1 and all(r["clean_text"] == EXPECTED for r in rows[:-1])
    assert [r["id"] for r in rows[:-1]] == list(range(len(rows) - 1))
    assert "the file is truncated" in rows[-1]["error"]
    assert f"#{len(rows)}: failed: line {len(rows)}: the file is truncated" in result.stderr


NO_PANDAS = """
import sys
class NoPandas:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "pandas":
            raise ImportError("no pandas")
sys.meta_path.insert(0, NoPandas())
from cleaner.run.cli import main
sys.argv = ["clean", *sys.argv[1:]]
main()
"""


@pytest.mark.parametrize("pandas", [True, False], ids=["with-pandas", "without-pandas"])
@pytest.mark.parametrize("out", ["out.jsonl", "out.parquet"])
def test_a_parquet_timestamp_ns_column_is_kept(tmp_path, pandas, out):
    import subprocess
    import sys

    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    if pandas:
        pytest.importorskip("pandas")
    stamps = pa.array([1_700_000_000_123_456_789, 1], pa.timestamp("ns"))
    src = tmp_path / "in.parquet"
    pq.write_table(pa.table({"text": [ARTICLE, ARTICLE], "ts": stamps}), src)
    code = "from cleaner.run.cli import main; import sys; sys.argv[0] = 'clean'; main()"
    args = [sys.executable, "-c", code if pandas else NO_PANDAS, str(src), str(tmp_path / out)]
    run = subprocess.run([*args, "-j", "1"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    if out.endswith(".parquet"):
        table = pq.read_table(tmp_path / out)
        assert table.column("ts").type == pa.timestamp("ns")
        assert table.column("ts").cast(pa.int64()).to_pylist() == [1_700_000_000_123_456_789, 1]
    else:
        rows = read_jsonl(tmp_path / out)
        assert [r["ts"] for r in rows] == [
            "2023-11-14T22:13:20.123456789",
            "1970-01-01T00:00:00.000000001",
        ]
        assert rows[0]["clean_text"] == EXPECTED


def gz_warc(records: list[bytes]) -> list[bytes]:
    import gzip

    return [gzip.compress(r) for r in records]


def responses(n: int) -> list[bytes]:
    from test_cli_records import http_response, warc_record

    return [
        warc_record(
            "response", f"{HTML_URL}?{i}", http_response("text/html; charset=utf-8", HTML), i
        )
        for i in range(1, n + 1)
    ]


def test_a_corrupt_warc_member_mid_file_costs_that_record_only(tmp_path):
    members = gz_warc(responses(6))
    bad = bytearray(members[3])
    bad[len(bad) // 2 : len(bad) // 2 + 40] = b"\x00" * 40
    members[3] = bytes(bad)
    src = tmp_path / "crawl.warc.gz"
    src.write_bytes(b"".join(members))
    result = invoke(src, tmp_path / "out.jsonl", "-j", 1)
    assert result.exit_code == 1, result.output
    rows = read_jsonl(tmp_path / "out.jsonl")
    assert [r["url"] for r in rows] == [f"{HTML_URL}?{i}" for i in (1, 2, 3)] + [None] + [
        f"{HTML_URL}?{i}" for i in (5, 6)
    ]
    offset = sum(len(m) for m in members[:3])
    assert rows[3]["error"].startswith(f"byte {offset}: corrupt gzip data")
    assert all(r["error"] is None and r["clean_text"] for i, r in enumerate(rows) if i != 3)


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
@pytest.mark.parametrize("cut", ["payload", "headers"])
def test_a_warc_file_cut_short_says_so(tmp_path, name, cut):
    records = responses(4)
    parts = gz_warc(records) if name.endswith(".gz") else records
    whole = b"".join(parts)
    if cut == "payload":
        data = whole[: len(whole) - len(parts[-1]) // 2]
    else:
        data = whole[: len(whole) - len(parts[-1]) + 60]
    src = tmp_path / name
    src.write_bytes(data)
    result = invoke(src, tmp_path / "out.jsonl", "-j", 1)
    assert result.exit_code == 1, result.output
    rows = read_jsonl(tmp_path / "out.jsonl")
    assert [r["url"] for r in rows[:3]] == [f"{HTML_URL}?{i}" for i in (1, 2, 3)]
    assert all(r["error"] is None for r in rows[:3])
    assert len(rows) == 4 and "the file is truncated" in rows[3]["error"]


def test_jsonl_to_parquet_with_one_odd_line_after_the_first_row_group(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    rows = [{"id": i, "text": ARTICLE} for i in range(600)]
    rows[550] = {"id": "odd", "text": ARTICLE}
    rows[580] = {"id": 580, "text": ARTICLE, "late": True}
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    result = invoke(src, tmp_path / "out.parquet", "-j", 2)
    assert result.exit_code == 1
    out = pq.read_table(tmp_path / "out.parquet").to_pylist()
    assert len(out) == 600 and all(r["clean_text"] == EXPECTED for r in out)
    assert out[550]["id"] is None and "field 'id' does not fit" in out[550]["error"]
    assert out[580]["id"] == 580 and "field 'late' is not in the schema" in out[580]["error"]
    assert sum(r["error"] is not None for r in out) == 2
    assert f"{src}#551: failed: field 'id'" in result.stderr
    assert "read 600, written 598, skipped 0, failed 2;" in result.stderr


def test_a_full_disk_ends_a_record_run_with_a_message_and_no_output(tmp_path, monkeypatch):
    from cleaner.run import records

    real = records._AtomicWriter._make_tmp

    def on_a_full_disk(self):
        fd, tmp = real(self)
        full = os.open("/dev/full", os.O_WRONLY)
        os.dup2(full, fd)
        os.close(full)
        return fd, tmp

    monkeypatch.setattr(records._AtomicWriter, "_make_tmp", on_a_full_disk)
    src = write_jsonl(tmp_path / "in.jsonl", [{"text": ARTICLE}] * 3)
    dst = tmp_path / "out.jsonl"
    result = invoke(src, dst, "-j", 1)
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert f"clean: cannot write {dst}: No space left on device; {dst} not written" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]  # no temporary file


@pytest.mark.parametrize("out", ["out.jsonl", "out.parquet"])
def test_an_unwritable_record_out_ends_the_run_with_a_message(tmp_path, out):
    pytest.importorskip("pyarrow")
    src = write_jsonl(tmp_path / "in.jsonl", [{"text": ARTICLE}])
    (tmp_path / "file").write_text("")
    dst = tmp_path / "file" / out  # its folder is a file
    result = invoke(src, dst, "-j", 1)
    assert result.exit_code == 1
    assert f"clean: cannot write {dst}:" in result.stderr and f"{dst} not written" in result.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a folder of mode 000")
def test_a_record_out_in_a_folder_of_mode_000(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", [{"text": ARTICLE}])
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0)
    try:
        result = invoke(src, locked / "out.jsonl", "-j", 1)
    finally:
        locked.chmod(0o755)
    assert result.exit_code == 1 and "Permission denied" in result.stderr


# --- case 9: every WARC record counted; binary payloads skipped; the HTTP charset wins ----------

RUSSIAN = "Новости города: мэр открыл новый мост через реку после долгого ремонта. " * 8


def kinds_warc(path: Path) -> None:
    from test_cli_records import HTML_2, HTML_2_URL, http_response, warc_record

    wrong_meta = (
        "<html><head><meta charset=windows-1251><title>Мост</title></head><body><article>"
        f"<h1>Мост открыт</h1><p>{RUSSIAN}</p><p>{RUSSIAN}</p></article></body></html>"
    ).encode("koi8-r")
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    other = HTML_2.read_bytes()
    resource = (
        (
            "WARC/1.0\r\nWARC-Type: resource\r\n"
            "WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-000000000009>\r\n"
            f"WARC-Date: 2024-11-03T10:00:00Z\r\nWARC-Target-URI: {HTML_2_URL}\r\n"
            f"Content-Type: text/html\r\nContent-Length: {len(other)}\r\n\r\n"
        ).encode()
        + other
        + b"\r\n\r\n"
    )
    path.write_bytes(
        b"".join(
            [
                warc_record("warcinfo", "", b"software: test\r\n", 1),
                warc_record("request", HTML_URL, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", 2),
                warc_record(
                    "response", HTML_URL, http_response("text/html; charset=utf-8", HTML), 3
                ),
                warc_record(
                    "response", "https://example.org/a.png", http_response("image/png", png), 4
                ),
                warc_record(
                    "response",
                    "https://example.org/b",
                    http_response("text/html; charset=utf-8", png),
                    5,
                ),
                warc_record(
                    "revisit", HTML_URL, b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n", 6
                ),
                warc_record("metadata", HTML_URL, b"via: x\r\n", 7),
                warc_record(
                    "response",
                    "https://example.ru/most",
                    http_response("text/html; charset=koi8-r", wrong_meta),
                    8,
                ),
                resource,
            ]
        )
    )


def test_every_warc_record_kind_is_counted_and_resources_are_cleaned(tmp_path):
    pytest.importorskip("fastwarc")
    src = tmp_path / "crawl.warc"
    kinds_warc(src)
    result = invoke(src, tmp_path / "out.jsonl", "-j", 1)
    assert result.exit_code == 0, result.output
    rows = read_jsonl(tmp_path / "out.jsonl")
    assert [r["url"] for r in rows] == [
        HTML_URL,
        "https://example.ru/most",
        "https://www.rferl.org/a/story.html",  # a resource record: a page too
    ]
    assert rows[2]["clean_text"].startswith("Kazakh Journalist Detained")
    assert (
        f"{src}: WARC records 9 (response 4, warcinfo 1, request 1, revisit 1, metadata 1, "
        "resource 1); not pages, not written: 1 warcinfo; 1 request; 1 response not HTML "
        "(image/png); 1 response binary (PNG image) though served as text/html; 1 revisit "
        "(no payload: it points at an earlier record); 1 metadata" in result.stderr
    )


def test_a_png_served_as_html_is_not_cleaned_to_an_empty_page(tmp_path):
    pytest.importorskip("fastwarc")
    from cleaner.run.records import WarcReader

    src = tmp_path / "crawl.warc"
    kinds_warc(src)
    reader = WarcReader(src)
    urls = [r.url for r in reader]
    assert "https://example.org/b" not in urls
    assert reader.skips["response binary (PNG image) though served as text/html"] == 1
    assert reader.seen == 9 and reader.skipped == 6


def test_the_http_charset_wins_over_a_wrong_meta_charset(tmp_path):
    pytest.importorskip("fastwarc")
    src = tmp_path / "crawl.warc"
    kinds_warc(src)
    assert invoke(src, tmp_path / "out.jsonl", "-j", 1).exit_code == 0
    page = read_jsonl(tmp_path / "out.jsonl")[1]
    assert page["title"] == "Мост открыт" or page["clean_text"].startswith("Мост открыт")
    assert RUSSIAN.strip().split(". ")[0] in page["clean_text"]


# --- case 10: odd names, a full disk, a folder of mode 000, --jobs 1000 --------------------------


@pytest.mark.parametrize("length", [242, 251, 252, 255])
def test_a_long_input_name_is_written_and_found_again_by_a_rerun(tmp_path, length):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / ("a" * (length - 3) + ".md")).write_text(ARTICLE)
    first = invoke(src, out)
    assert first.exit_code == 0, first.output
    written = list(out.iterdir())
    assert len(written) == 1 and written[0].read_text() == EXPECTED
    assert len(written[0].name.encode()) <= 255
    again = invoke(src, out)  # the output is found: skipped, not a crash
    assert again.exit_code == 0 and "skipped 1" in again.stderr
    resumed = invoke(src, out, "--skip-existing")
    assert resumed.exit_code == 0 and "whose output exists" in resumed.stderr
    assert list(out.iterdir()) == written


def test_two_long_names_cut_to_one_length_stay_two_outputs(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / ("b" * 250 + "1.md")).write_text(ARTICLE)
    (src / ("b" * 250 + "2.md")).write_text(ARTICLE.replace("Tram", "Bus"))
    assert invoke(src, out).exit_code == 0
    assert len(list(out.iterdir())) == 2


def test_a_name_of_undecodable_bytes_is_written_and_found_again(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    with open(os.fsencode(src) + b"/" + b"\xe9" * 86 + b".md", "w") as fh:
        fh.write(ARTICLE)
    assert invoke(src, out).exit_code == 0
    [written] = out.iterdir()
    assert written.name.startswith("%E9%E9") and len(written.name.encode()) <= 255
    assert invoke(src, out, "--skip-existing").exit_code == 0


def test_a_record_output_with_a_long_name(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", [{"text": ARTICLE}])
    dst = tmp_path / ("o" * 245 + ".jsonl")
    result = invoke(src, dst, "-j", 1)
    assert result.exit_code == 0, result.output
    assert read_jsonl(dst)[0]["clean_text"] == EXPECTED


def test_a_report_on_a_full_disk_stops_the_run_with_a_message(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for i in range(3):
        (src / f"p{i}.md").write_text(ARTICLE)
    result = invoke(src, tmp_path / "out", "--report", "/dev/full", "-j", 1)
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "clean: cannot write the report /dev/full: No space left on device; stopped after" in (
        result.stderr
    )


def out_sub_cannot_be_searched(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    (src / "sub").mkdir(parents=True)
    (src / "top.md").write_text(ARTICLE)
    (src / "sub" / "page.md").write_text(ARTICLE)
    (out / "sub").mkdir(parents=True)
    return src, out


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a folder of mode 000")
def test_an_out_folder_of_mode_000_fails_its_inputs_only(tmp_path):
    src, out = out_sub_cannot_be_searched(tmp_path)
    (out / "sub").chmod(0)
    try:
        result = invoke(src, out, "-j", 1)
    finally:
        (out / "sub").chmod(0o755)
    assert result.exit_code == 1
    assert "sub/page.md: failed: cannot check output" in result.stderr
    assert (out / "top.txt").read_text() == EXPECTED


def test_an_output_that_cannot_be_checked_fails_its_input_only(tmp_path, monkeypatch):
    """As the mode-000 test, for root too: the check of OUT/sub/page.txt raises EACCES."""
    src, out = out_sub_cannot_be_searched(tmp_path)
    real = Path.exists

    def exists(self, *args, **kwargs):
        if self.parent == out / "sub":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "exists", exists)
    result = invoke(src, out, "-j", 1)
    assert result.exit_code == 1
    assert (
        f"sub/page.md: failed: cannot check output {out / 'sub' / 'page.txt'}: Permission denied"
        in result.stderr
    )
    assert (out / "top.txt").read_text() == EXPECTED


@pytest.mark.parametrize("kind", ["folder", "records"])
def test_jobs_1000_is_cut_to_what_the_cpus_can_run(tmp_path, monkeypatch, kind):
    from cleaner.run import cli, workers

    monkeypatch.setattr(cli, "_default_jobs", lambda: 2)
    sizes = []
    real = workers.Pool.__init__
    monkeypatch.setattr(
        workers.Pool,
        "__init__",
        lambda self, job, t, size: sizes.append(size) or real(self, job, t, size),
    )
    if kind == "folder":
        src = tmp_path / "in"
        src.mkdir()
        for i in range(12):
            (src / f"p{i:02}.md").write_text(ARTICLE)
        result = invoke(src, tmp_path / "out", "-j", 1000)
    else:
        src = write_jsonl(tmp_path / "in.jsonl", [{"text": ARTICLE}] * 12)
        result = invoke(src, tmp_path / "out.jsonl", "-j", 1000)
    assert result.exit_code == 0, result.output
    assert "clean: --jobs 1000 is more than 4 per CPU (2): using 8" in result.stderr
    assert sizes == [8]
