"""Output formats (#13): tables in the text, `--format md` (markdown), `language` in JSON.

A markdown table comes out of the text as one line per row, cells separated by " | ", with no
rule line; `--format md` keeps headings, lists, tables (valid ones) and code blocks, from
markdown copies and from HTML pages.
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cleaner
from cleaner.run.cli import app

GENERIC = Path(__file__).resolve().parent.parent / "fixtures" / "generic"
MD_PAGE = (GENERIC / "markdown-table-code" / "input.md").read_text(encoding="utf-8")
HTML_PAGE = (GENERIC / "html-table-code" / "input.html").read_text(encoding="utf-8")
ROWS = "Line | Length | Opens\nEast | 7 km | 2027\nCampus | 5 km | 2028\n"


def same(got: str, want: str) -> None:
    if got != want:
        diff = "".join(
            difflib.unified_diff(
                want.splitlines(keepends=True), got.splitlines(keepends=True), "want", "got"
            )
        )
        pytest.fail(f"output differs:\n{diff}", pytrace=False)


def tables(markdown: str) -> list[list[str]]:
    """The markdown tables of a text, each as its lines."""
    found, current = [], []
    for line in markdown.split("\n"):
        if line.startswith("|"):
            current.append(line)
        elif current:
            found.append(current)
            current = []
    return found + ([current] if current else [])


def assert_valid_table(lines: list[str]) -> None:
    """A GFM table: a header row, a rule line of as many cells, rows of as many cells."""
    width = [line.count("|") - 1 for line in lines]
    assert len(lines) >= 2 and len(set(width)) == 1, lines
    assert all(line.startswith("| ") and line.endswith(" |") for line in lines[:1] + lines[2:])
    assert set(lines[1]) <= set("|-: "), lines[1]


# --- tables in the text --------------------------------------------------------------------------


def test_a_markdown_table_is_one_line_per_row_with_no_rule_line():
    result = cleaner.clean(MD_PAGE, name="page.md")
    assert ROWS in result.text
    assert "---" not in result.text and "| Line" not in result.text
    rule = [r for r in result.removed if r.text.startswith("|:---")]
    assert [(r.rule, r.line) for r in rule] == [("M001", 20)]


def test_a_table_of_an_html_page_is_one_line_per_row():
    text = cleaner.clean(HTML_PAGE, name="page.html").text
    assert "\n\n" + ROWS + "\n" in text
    assert "|---" not in text


def test_a_table_of_html_blocks_is_one_line_per_row():
    text = cleaner.clean(HTML_PAGE, name="page.html", html="blocks", model=False).text
    assert ROWS in text


@pytest.mark.parametrize(("source", "name"), [(MD_PAGE, "page.md"), (HTML_PAGE, "page.html")])
def test_cleaning_a_text_with_a_table_again_changes_nothing(source, name):
    text = cleaner.clean(source, name=name).text
    assert ROWS in text
    same(cleaner.clean(text).text, text)
    same(cleaner.clean(text, name="again.md").text, text)
    md = cleaner.clean(source, name=name, markdown=True).text
    same(cleaner.clean(md, name="again.md", markdown=True).text, md)


def test_one_line_with_pipes_is_no_table():
    text = (
        "Home | News | Sport\n\n" + "The council met on Tuesday and agreed to repair the bridge.\n"
    )
    result = cleaner.clean(text, model=False)
    assert "Home | News | Sport" in result.text.splitlines() or any(
        r.text == "Home | News | Sport" for r in result.removed
    )


def test_a_code_fence_is_markup_and_its_lines_are_not_joined():
    result = cleaner.clean(MD_PAGE, name="page.md")
    assert "\n\ndef length(line):\n\nreturn sum(leg.km for leg in line)\n\n" in result.text
    fences = [r.line for r in result.removed if r.reason.endswith("(a code fence)")]
    assert fences == [28, 31]


# --- --format md -------------------------------------------------------------------------------


@pytest.mark.parametrize(("source", "name"), [(MD_PAGE, "page.md"), (HTML_PAGE, "page.html")])
def test_markdown_keeps_headings_lists_tables_and_code(source, name):
    md = cleaner.clean(source, name=name, markdown=True).text
    lines = md.split("\n")
    assert lines[0] == "# Tram network to grow by twelve kilometres"
    assert any(line.startswith("## ") for line in lines)
    assert "- " in md and "\n- " in md
    (table,) = tables(md)
    assert_valid_table(table)
    assert table[0].startswith("| Line | Length")
    assert "```\ndef length(line):\n    return sum(leg.km for leg in line)\n```" in md
    assert "**" not in md and "](" not in md
    assert md.endswith("\n") and not md.endswith("\n\n")


def test_markdown_has_the_words_of_the_text():
    for source, name in ((MD_PAGE, "page.md"), (HTML_PAGE, "page.html")):
        text = cleaner.clean(source, name=name).text
        md = cleaner.clean(source, name=name, markdown=True).text
        words = lambda s: [w for w in s.replace("|", " ").split() if w.strip("#-`")]  # noqa: E731
        assert words(md) == words(text)


def test_a_table_whose_header_was_removed_is_still_valid():
    from cleaner.core.assemble import assemble
    from cleaner.core.data import Removal
    from cleaner.core.document import Doc
    from cleaner.core.segment import segment

    units = segment("| A | B | C |\n|---|---|---|\n| 1 | 2 |\n| x | y | z |\n", True)
    units[0].removed = Removal("X001", "test", 1, "")
    (table,) = tables(assemble(Doc(units, markdown=True), markdown=True))
    assert_valid_table(table)
    assert table == ["| 1 | 2 |  |", "|---|---|---|", "| x | y | z |"]


def test_cli_format_md_writes_md_files(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "page.html").write_text(HTML_PAGE, encoding="utf-8")
    result = CliRunner().invoke(app, [str(src), str(tmp_path / "out"), "--format", "md"])
    assert result.exit_code == 0, result.stderr
    written = (tmp_path / "out" / "page.md").read_text(encoding="utf-8")
    same(written, cleaner.clean(HTML_PAGE, name="page.html", markdown=True).text)
    one = tmp_path / "one.md"  # one input, an OUT with the suffix .md: markdown
    assert CliRunner().invoke(app, [str(src / "page.html"), str(one)]).exit_code == 0
    same(one.read_text(encoding="utf-8"), written)
    piped = CliRunner().invoke(app, [str(src / "page.html"), "-", "--format", "md", "-j", "2"])
    same(piped.stdout, written)


def test_records_format_md_give_markdown_clean_text(tmp_path):
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text(json.dumps({"id": 1, "html": HTML_PAGE}) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, [str(src), str(dst), "--format", "md"])
    assert result.exit_code == 0, result.stderr
    row = json.loads(dst.read_text(encoding="utf-8"))
    same(row["clean_text"], cleaner.clean(HTML_PAGE, name="record.html", markdown=True).text)


# --- --format json -----------------------------------------------------------------------------


def test_json_has_the_language_of_the_text():
    result = CliRunner().invoke(app, ["-", "-", "--format", "json"], input=MD_PAGE)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["language"] == "en"
    assert list(data)[:8] == [
        "text",
        "title",
        "byline",
        "date",
        "site",
        "url",
        "language",
        "format",
    ]
