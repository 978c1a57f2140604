"""IN is never written to, and nothing is read that was not given (issue 14, cases 1-4).

Each case is the minimal reproduction of the issue, run through the command line; each test
fails if the case regresses (the input changed, or a file outside IN copied into OUT)."""

from __future__ import annotations

import json
import os

import pytest
from typer.testing import CliRunner

from cleaner.run.cli import app

ARTICLE = (
    "# River embankment approved\n\n"
    "The council approved a new river embankment after the spring floods in the lower town.\n\n"
    "Engineers had warned for years that the old embankment could not hold back a flood.\n"
)


def invoke(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_report_that_is_the_input_file_is_refused_before_reading(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text(ARTICLE)
    result = invoke(page, tmp_path / "out", "--report", page)
    assert result.exit_code == 2
    assert "IN is never written to" in result.stderr
    assert page.read_text() == ARTICLE


def test_report_inside_the_input_folder_is_refused(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "page.txt").write_text(ARTICLE)
    result = invoke(src, tmp_path / "out", "--report", src / "r.jsonl")
    assert result.exit_code == 2
    assert not (src / "r.jsonl").exists()


def test_report_as_a_hard_link_to_the_input_is_refused(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text(ARTICLE)
    os.link(page, tmp_path / "alias.jsonl")
    result = invoke(page, tmp_path / "out", "--report", tmp_path / "alias.jsonl")
    assert result.exit_code == 2
    assert page.read_text() == ARTICLE


def test_report_beside_the_input_is_written(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text(ARTICLE)
    result = invoke(page, tmp_path / "out", "--report", tmp_path / "r.jsonl")
    assert result.exit_code == 0, result.stderr
    assert json.loads((tmp_path / "r.jsonl").read_text())["status"] == "cleaned"


@pytest.mark.parametrize("name", ["c.jsonl", "c.jsonl.gz"])
def test_record_file_onto_itself_is_refused(tmp_path, name):
    corpus = tmp_path / name
    line = json.dumps({"text": ARTICLE}) + "\n"
    if name.endswith(".gz"):
        import gzip

        corpus.write_bytes(gzip.compress(line.encode()))
    else:
        corpus.write_bytes(line.encode() + b"\xff\xfe broken bytes\n")
    before = corpus.read_bytes()
    result = invoke(corpus, corpus)
    assert result.exit_code == 2
    assert "IN is never written to" in result.stderr
    assert corpus.read_bytes() == before


def test_record_file_onto_a_symlink_to_itself_is_refused(tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(json.dumps({"text": ARTICLE}) + "\n")
    (tmp_path / "link.jsonl").symlink_to(corpus)
    before = corpus.read_bytes()
    assert invoke(corpus, tmp_path / "link.jsonl").exit_code == 2
    assert corpus.read_bytes() == before


def test_output_folder_that_is_a_symlink_into_in_is_not_written(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    (src / "sub").mkdir(parents=True)
    (src / "sub" / "p.md").write_text(ARTICLE)
    (src / "sub" / "p.txt").write_text("orig\n")
    (src / "top.md").write_text(ARTICLE)
    out.mkdir()
    (out / "sub").symlink_to(src / "sub")
    result = invoke(src, out, "--overwrite", "--report", tmp_path / "r.jsonl")
    assert (src / "sub" / "p.txt").read_text() == "orig\n"
    assert sorted(p.name for p in (src / "sub").iterdir()) == ["p.md", "p.txt"]
    records = {r["input"]: r for r in map(json.loads, (tmp_path / "r.jsonl").open())}
    assert records["sub/p.md"]["status"] == "failed"
    assert "leads into IN" in records["sub/p.md"]["reason"]
    assert records["top.md"]["status"] == "cleaned"  # the rest of the run goes on
    assert (out / "top.txt").exists()
    assert result.exit_code == 1


def test_file_symlink_out_of_in_is_skipped_with_its_reason(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("API_KEY=hunter2 and a long enough line of secret text to be an article.\n")
    (src / "e.txt").symlink_to(secret)
    (src / "env.txt").symlink_to("/proc/self/environ")
    result = invoke(src, out, "--report", tmp_path / "r.jsonl")
    assert result.exit_code == 0, result.stderr
    assert not out.exists() or not any(out.iterdir())
    records = list(map(json.loads, (tmp_path / "r.jsonl").open()))
    assert [r["status"] for r in records] == ["skipped", "skipped"]
    assert all("outside IN" in r["reason"] for r in records)
    assert "secret.txt" in records[0]["reason"]


def test_file_symlink_inside_in_is_followed(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    (src / "a").mkdir(parents=True)
    (src / "a" / "page.md").write_text(ARTICLE)
    (src / "alias.md").symlink_to(src / "a" / "page.md")
    result = invoke(src, out)
    assert result.exit_code == 0, result.stderr
    assert (out / "alias.txt").read_text() == (out / "a" / "page.txt").read_text()


def test_follow_symlinks_follows_a_link_out_of_in(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    elsewhere = tmp_path / "elsewhere.md"
    elsewhere.write_text(ARTICLE)
    (src / "page.md").symlink_to(elsewhere)
    result = invoke(src, out, "--follow-symlinks")
    assert result.exit_code == 0, result.stderr
    assert "embankment" in (out / "page.txt").read_text()


def test_a_file_named_on_the_command_line_is_read_even_as_a_link(tmp_path):
    elsewhere = tmp_path / "elsewhere.md"
    elsewhere.write_text(ARTICLE)
    (tmp_path / "page.md").symlink_to(elsewhere)
    result = invoke(tmp_path / "page.md", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "out" / "page.txt").exists()


# --- case 13: the minor ones ---------------------------------------------------------------------


@pytest.mark.parametrize("bad", [None, 3, ["text"], {"text": "x"}])
def test_clean_names_its_argument_on_a_wrong_type(bad):
    import cleaner

    with pytest.raises(TypeError, match="source must be str or bytes"):
        cleaner.clean(bad)


def test_clean_takes_a_bytearray():
    import cleaner

    assert "embankment" in cleaner.clean(bytearray(ARTICLE.encode())).text


def test_json_lines_never_carry_nan_or_infinity():
    from cleaner.run.records import json_line

    line = json_line({"a": float("nan"), "b": [1.5, float("inf")], "c": {"d": -float("inf")}})
    assert json.loads(line) == {"a": None, "b": [1.5, None], "c": {"d": None}}
    assert b"NaN" not in line and b"Infinity" not in line


def test_summary_never_reports_a_negative_share_removed():
    from cleaner.core.data import Result
    from cleaner.run.summary import Summary

    s = Summary()
    s.add(Result(text="A title from the tags\n\nshort", chars_in=5))
    assert s.render().endswith("; 0.0% of text removed")


# --- case 5: hostile rule files, refused before any input is read ---------------------------------

RULES = """[site]
domain = "example.org"

[[line]]
code = "EX101"
reason = "promo"
{key} = {value}
"""


def rule_run(tmp_path, rules_dir):
    src = tmp_path / "in"
    src.mkdir(exist_ok=True)
    (src / "a.md").write_text(ARTICLE)
    return invoke(src, tmp_path / "out", "--rules", rules_dir)


def test_a_pattern_that_unrolls_to_gigabytes_is_refused_at_once(tmp_path):
    import time

    d = tmp_path / "rules"
    d.mkdir()
    (d / "x.toml").write_text(RULES.format(key="regex", value="'((((a{100}){100}){100}){100})'"))
    start = time.monotonic()
    result = rule_run(tmp_path, d)
    assert time.monotonic() - start < 10
    assert result.exit_code == 2
    assert "x.toml" in result.stderr and "expands to about 100,000,000" in result.stderr
    assert not (tmp_path / "out").exists()


def test_an_ordinary_counted_pattern_is_accepted(tmp_path):
    d = tmp_path / "rules"
    d.mkdir()
    (d / "x.toml").write_text(RULES.format(key="regex", value="'^Ticket \\\\d{2,4}$'"))
    assert rule_run(tmp_path, d).exit_code == 0


@pytest.mark.parametrize("kind", ["dev-zero", "fifo", "huge"])
def test_a_rule_file_that_is_not_a_small_regular_file_is_refused(tmp_path, kind):
    d = tmp_path / "rules"
    d.mkdir()
    target = d / "x.toml"
    if kind == "dev-zero":
        target.symlink_to("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(target)
    else:
        target.write_text(RULES.format(key="exact", value='"x"') + "#" * 1_100_000)
    result = rule_run(tmp_path, d)
    assert result.exit_code == 2
    assert "x.toml" in result.stderr
    assert ("not a regular file" if kind != "huge" else "bytes") in result.stderr


def test_toml_nested_too_deep_is_a_usage_error_not_a_crash(tmp_path):
    d = tmp_path / "rules"
    d.mkdir()
    (d / "x.toml").write_text("a = " + "[" * 600 + "]" * 600 + "\n")
    result = rule_run(tmp_path, d)
    assert result.exit_code == 2
    assert "x.toml" in result.stderr and "nested too deeply" in result.stderr


def test_two_files_for_one_domain_or_one_code_in_two_files_are_refused(tmp_path):
    d = tmp_path / "rules"
    d.mkdir()
    (d / "a.toml").write_text(RULES.format(key="exact", value='"x"'))
    (d / "b.toml").write_text(RULES.format(key="exact", value='"y"'))
    result = rule_run(tmp_path, d)
    assert result.exit_code == 2 and "one file per domain" in result.stderr
    (d / "b.toml").write_text(
        RULES.format(key="exact", value='"y"').replace("example.org", "example.net")
    )
    result = rule_run(tmp_path, d)
    assert result.exit_code == 2 and "rule code EX101 is also in" in result.stderr
