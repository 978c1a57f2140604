"""`clean IN OUT` with a record file on either side streams it record by record."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cleaner.cli import app

ROOT = Path(__file__).resolve().parent.parent / "fixtures" / "generic"
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
