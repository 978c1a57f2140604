"""One summary for every run (#13): a folder of pages and a record file holding the same pages
end with the same summary on stderr, line for line, but for how an input is named (`c.txt`,
`in.jsonl#3`); nothing with --quiet. If the two kinds of run came to count or word it
differently again, these fail."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cleaner.run.cli import app

ROOT = Path(__file__).resolve().parent.parent / "fixtures" / "generic"
ARTICLE = (ROOT / "clean-article" / "input.txt").read_text(encoding="utf-8")
NOISY = (
    "A plain page\n\n"
    + "\n\n".join(
        f"Paragraph {i}: the quick brown fox jumps over the lazy dog again in this article."
        for i in range(5)
    )
    + "\n\nShare this article on Facebook\n"
)
BIG = "word " * 2000  # over the --max-bytes of the runs below
PAGES = {"a.txt": ARTICLE, "b.txt": NOISY, "c.txt": "", "d.txt": BIG}
MAX_BYTES = str(max(len(ARTICLE.encode()), len(NOISY.encode())) + 1)
COUNTS = re.compile(
    r"^read (\d+), written (\d+), skipped (\d+), failed (\d+)(, suspect \d+)?; "
    r"\d+\.\d% of text removed$"
)


def invoke(*args) -> object:
    return CliRunner().invoke(app, [str(a) for a in args])


def both_runs(tmp_path: Path, *options: str) -> tuple[object, object, Path]:
    """The same pages cleaned as a folder and as a record file (in that order)."""
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in PAGES.items():
        (folder / name).write_text(text, encoding="utf-8")
    records = tmp_path / "in.jsonl"
    records.write_text(
        "".join(json.dumps({"id": name, "text": text}) + "\n" for name, text in PAGES.items()),
        encoding="utf-8",
    )
    common = ("--max-bytes", MAX_BYTES, "--timeout", "0", "-j", "1", *options)
    folder_run = invoke(folder, tmp_path / "out", *common)
    record_run = invoke(records, tmp_path / "out.jsonl", *common)
    return folder_run, record_run, records


def as_folder_names(stderr: str, records: Path) -> list[str]:
    """The record run's summary with each record named as the folder run names its file."""
    names = {f"{records}#{n}:": f"{name}:" for n, name in enumerate(PAGES, start=1)}
    pattern = re.compile("|".join(re.escape(k) for k in names))
    return [pattern.sub(lambda m: names[m.group(0)], line) for line in stderr.splitlines()]


def test_a_folder_and_a_record_file_end_with_the_same_summary(tmp_path):
    folder_run, record_run, records = both_runs(tmp_path)
    assert folder_run.exit_code == record_run.exit_code == 0, record_run.stderr
    lines = folder_run.stderr.splitlines()
    assert lines[-1] == record_run.stderr.splitlines()[-1]
    assert COUNTS.match(lines[-1]).groups()[:4] == ("4", "3", "1", "0")
    assert as_folder_names(record_run.stderr, records) == lines
    assert f"d.txt: skipped: too large: {len(BIG)} bytes, over --max-bytes {MAX_BYTES}" in lines
    assert "c.txt: warning: empty input" in lines
    assert f"{records}#3: warning: empty input" in record_run.stderr


def test_a_failed_input_is_named_and_counted_alike(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "b.txt").symlink_to(folder / "missing.txt")  # a broken link: failed
    records = tmp_path / "in.jsonl"
    records.write_text(
        json.dumps({"text": ARTICLE}) + "\n" + json.dumps({"body": "x"}) + "\n", encoding="utf-8"
    )
    folder_run = invoke(folder, tmp_path / "out", "--timeout", "0", "-j", "1")
    record_run = invoke(records, tmp_path / "out.jsonl", "--timeout", "0", "-j", "1")
    assert folder_run.exit_code == record_run.exit_code == 1
    assert folder_run.stderr.splitlines()[-1] == record_run.stderr.splitlines()[-1]
    assert re.search(r"^b\.txt: failed: ", folder_run.stderr, re.M)
    assert f"{records}#2: failed: no 'text' or 'html' field\n" in record_run.stderr


def test_explain_takes_the_warnings_out_of_both_summaries(tmp_path):
    folder_run, record_run, records = both_runs(tmp_path, "--explain")
    assert "warning:" not in folder_run.stderr and "warning:" not in record_run.stderr
    assert as_folder_names(record_run.stderr, records) == folder_run.stderr.splitlines()


@pytest.mark.parametrize("quiet", ["--quiet", "-q"])
def test_quiet_prints_no_summary_for_either(tmp_path, quiet):
    folder_run, record_run, _ = both_runs(tmp_path, quiet)
    assert folder_run.exit_code == record_run.exit_code == 0
    assert folder_run.stderr == record_run.stderr == ""
