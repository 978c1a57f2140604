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
from cleaner.cli import app

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
    assert "record 1: timeout: over the time budget of 1 s" in result.stderr
    assert "records 2, with errors 1" in result.stderr


def test_clean_records_has_a_time_budget(tmp_path):
    from cleaner.records import clean_records

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
        from cleaner.records import CleanFields

        return CleanFields()(task)


def test_a_record_that_kills_its_worker_costs_that_record_only(tmp_path):
    from cleaner.records import JsonlReader, JsonlWriter, process_records

    src = write_jsonl(
        tmp_path / "in.jsonl", [{"text": ARTICLE}, {"text": "CRASH"}, {"text": ARTICLE}]
    )
    with JsonlWriter(tmp_path / "out.jsonl") as writer:
        stats = process_records(JsonlReader(src), writer, KillOn(), jobs=2, timeout=30)
    rows = read_jsonl(tmp_path / "out.jsonl")
    assert [r["clean_text"] for r in rows] == [EXPECTED, None, EXPECTED]
    assert rows[1]["error"].startswith("the worker process died (killed by SIGKILL")
    assert stats.errors == 1


def test_clean_with_a_timeout_raises_clean_timeout_in_time():
    begin = time.monotonic()
    with pytest.raises(cleaner.CleanTimeout, match="time budget of 1 s"):
        cleaner.clean(NESTED, name="page.html", timeout=1)
    assert time.monotonic() - begin < 10
    assert issubclass(cleaner.CleanTimeout, TimeoutError)


def test_clean_with_a_timeout_gives_the_result_of_clean_without():
    within = cleaner.clean(HTML, url=HTML_URL, timeout=30)
    assert within.text == cleaner.clean(HTML, url=HTML_URL).text
    assert within.site == "kyivindependent.com"
    with pytest.raises(ValueError, match="must be 'extractor' or 'blocks'"):
        cleaner.clean(HTML, html="nope", timeout=30)  # checked before any worker
    with pytest.raises(cleaner.RuleFileError):  # the worker's exception, raised as it was
        cleaner.clean(HTML, rules=["/no/such/rules"], timeout=30)


@pytest.mark.parametrize("bad", [0, -1, float("nan"), float("inf")])
def test_clean_refuses_a_timeout_that_is_no_budget(bad):
    with pytest.raises(ValueError, match="positive number of seconds"):
        cleaner.clean(ARTICLE, timeout=bad)
