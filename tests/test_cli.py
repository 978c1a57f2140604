"""The `clean IN OUT` command line: every option, the summary line and the exit codes.

Inputs are written inline (or read from the repo's fixtures/ directory), never from /work/shared.
The installed typer/click CliRunner keeps stderr apart: `result.stdout` is what the command
printed to stdout, `result.stderr` what it printed to stderr.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cleaner
from cleaner.run.cli import app

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

# A plain-text copy with generic boilerplate around a four-paragraph article.
ARTICLE = """Skip to content

Council approves new river embankment after spring floods

By Anna Smith
March 7, 2023

The river flooded the lower town after three days of steady rain in the hills.

Residents moved their furniture to the upper floors and waited for the water to recede.

Subscribe

The mayor said the council would meet on Monday to discuss repairs to the old embankment.

Engineers had warned for years that the embankment could not hold back a major flood.

Share this article
"""
ARTICLE_TEXT = """Council approves new river embankment after spring floods

The river flooded the lower town after three days of steady rain in the hills.

Residents moved their furniture to the upper floors and waited for the water to recede.

The mayor said the council would meet on Monday to discuss repairs to the old embankment.

Engineers had warned for years that the embankment could not hold back a major flood.
"""

# Lines the Kyiv Independent rule file removes (KI104, KI105) inside an article with no
# fingerprint of the site: they go only when the site is forced.
KI_LINES = """Council approves new river embankment after spring floods

The river flooded the lower town after three days of steady rain in the hills.

Ukraine Daily

Residents moved their furniture to the upper floors and waited for the water to recede.

Editors' Picks

The mayor said the council would meet on Monday to discuss repairs to the old embankment.
"""

# The Kyiv Independent seed copy (text, no final newline), inline so that the tests do not
# depend on the fixtures another change may move.
KYIV = """Skip to content
Edit post

Zelensky says Ukraine will not withdraw from Bakhmut despite Russian assaults

by The Kyiv Independent news desk March 7, 2023 6:41 AM 2 min read
(President Zelensky via Telegram)
This audio is created with AI assistance

Support independent journalism in Ukraine. Join us in this fight.

Become a member Support us just once

President Volodymyr Zelensky in his nightly address on March 6 said that along with Ukraine's top-level commanders, the decision was made not to withdraw from Bakhmut in Donetsk Oblast and instead to reinforce the troops currently defending the eastern city from Russia's relentless attacks.

"Today at the General Staff meeting, I directly asked both commander of the Khortytsia operational and strategic group of troops, (Oleksandr) Syrsky, and Commander-in-Chief (Valeriy) Zaluzhny about their view on the further defense operation in Bakhmut: either withdraw or continue to defend and  reinforce the city."

"Both generals replied: do not withdraw and reinforce. The General Staff unanimously backed this opinion. There were no other opinions," he said.

Russia has been attempting to encircle Bakhmut for months as part of its larger objective of capturing the entirety of Ukraine's eastern Donbas region, comprised of Donetsk and Luhansk oblasts. Russia has occupied nearly all of Luhansk Oblast since it first invaded in 2014 and then later during its full-scale invasion.

The losses on both sides are thought to be extremely high.

Ukrainian soldiers in Bakhmut: ‘Our troops are not being protected’

United States' officials have said that the continued defense of Bakhmut carried more "symbolic" than "strategic" value for Ukraine. U.S. Defense Secretary Lloyd Austin also said on March 6 that the fall of Bakhmut would not be a significant setback for the Ukrainian military.

According to Zelensky, however, Bakhmut "has yielded and is yielding one of the greatest results during this war, during the entire battle for Donbas."

He did not provide details on what those results were but said that, along with Bakhmut, "there is no part of Ukraine about which one can say that it can be abandoned.""There is no Ukrainian trench in which the resilience and heroism of our warriors would be disregarded."

Brigade that spent 2 months in Bakhmut: ‘It was becoming harder each week’
Support independent journalism in Ukraine. Join us in this fight.
Freedom can be costly. Both Ukraine and its journalists are paying a high price for their independence. Support independent journalism in its darkest hour. Support us for as little as $1, and it only takes a minute.
visa masterCard americanExpress

News Feed

10:01 PM

Russian attack on Kherson kills 80-year-old woman.

In a post on Telegram, the head of the city's military administration, Roman Mrochko, said the victim was walking the streets when she was hit in an attack launched from the occupied east bank of Kherson.
Ukraine Daily
News from Ukraine in your inbox
Ukraine news
Please, enter correct email address
7:20 PM

Netherlands allocates over $210 million for ammunition for Ukraine.

Specifically, the country is devoting 150 million euros ($160 million) to Germany's Immediate Action on Air Defence initiative. The Netherlands has also allocated 60 million euros ($64 million) for the purchase of short-range air defense hardware, for example, to combat Russian drones.
2:13 PM

UK allocates over $180 million to bolster Ukraine's energy sector.

The U.K. has allocated nearly 150 million pounds (over $180 million) to support Ukraine's energy sector after recent Russian attacks, the head of the U.K.'s delegation to the Organization for Security and Co-operation in Europe (OSCE), Neil Holland, said on April 18.
MORE NEWS

Editors' Picks

Enter your email to subscribe
Please, enter correct email address
Subscribe
* indicates required
* indicates required
Subscribe
* indicates required
* indicates required
Subscribe
* indicates required

Subscribe

* indicates required
Subscribe
* indicates required

Subscribe

* indicates required
Subscribe
* indicates required
Successfuly subscribed
Thank you for signing up for this newsletter. We’ve sent you a confirmation email."""

SUMMARY_RE = re.compile(
    r"^read (\d+), written (\d+), skipped (\d+), failed (\d+); (\d+\.\d)% of text removed$"
)
EXPLAIN_LINE_RE = re.compile(
    r"^(?P<name>.+?):(?P<line>\d+): (?P<code>[A-Z]{1,5}\d{3}) (?P<rest>.*)$"
)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def invoke(runner: CliRunner, *args: str, input: str | bytes | None = None):
    return runner.invoke(app, [str(a) for a in args], input=input)


def summary(result) -> tuple[int, int, int, int, float]:
    """The counts of the summary line, which must be the last line on stderr."""
    last = result.stderr.rstrip("\n").splitlines()[-1]
    m = SUMMARY_RE.match(last)
    assert m, f"last stderr line is not the summary: {last!r}"
    return int(m[1]), int(m[2]), int(m[3]), int(m[4]), float(m[5])


@pytest.fixture
def kyiv(tmp_path) -> Path:
    return write(tmp_path / "kyiv.txt", KYIV)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --- inputs and outputs ----------------------------------------------------------------------


def test_directory_in_directory_out_mirrors_relative_paths(runner, tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    write(src / "top.txt", ARTICLE)
    write(src / "news" / "2023" / "flood.md", ARTICLE)
    write(src / "news" / "noext", ARTICLE)
    result = invoke(runner, src, out)
    assert result.exit_code == 0, result.stderr
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert written == ["news/2023/flood.txt", "news/noext.txt", "top.txt"]
    for rel in written:
        assert (out / rel).read_text(encoding="utf-8") == ARTICLE_TEXT
    assert summary(result)[:4] == (3, 3, 0, 0)
    # Nothing goes to stdout when OUT is a directory (and --explain is off).
    assert result.stdout == ""


def test_single_file_in(runner, tmp_path):
    src = write(tmp_path / "page.html.txt", ARTICLE)
    out = tmp_path / "out"
    result = invoke(runner, src, out)
    assert result.exit_code == 0, result.stderr
    assert [p.name for p in out.iterdir()] == ["page.html.txt"]  # stem of page.html.txt + .txt
    assert (out / "page.html.txt").read_text(encoding="utf-8") == ARTICLE_TEXT


def test_single_file_to_an_out_with_a_suffix_writes_that_file(runner, tmp_path):
    src = write(
        tmp_path / "page.html",
        "<html><body><article>"
        + "".join(f"<p>{p}</p>" for p in ARTICLE_TEXT.split("\n\n")[1:])
        + "</article></body></html>",
    )
    out = tmp_path / "out.txt"
    result = invoke(runner, src, out)
    assert result.exit_code == 0, result.stderr
    assert out.is_file(), "OUT with a file suffix is the output file, not a folder"
    assert "The mayor said the council" in out.read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt", "page.html"]


def test_single_file_to_a_json_out_writes_json(runner, tmp_path):
    src = write(tmp_path / "page.txt", ARTICLE)
    out = tmp_path / "sub" / "page.json"
    result = invoke(runner, src, out)
    assert result.exit_code == 0, result.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["text"] == ARTICLE_TEXT


def test_stdin_to_an_out_with_a_suffix_writes_that_file(runner, tmp_path):
    out = tmp_path / "clean.txt"
    result = invoke(runner, "-", out, input=ARTICLE)
    assert result.exit_code == 0, result.stderr
    assert out.read_text(encoding="utf-8") == ARTICLE_TEXT


def test_single_file_out_exists_is_skipped_without_overwrite(runner, tmp_path):
    src = write(tmp_path / "page.txt", ARTICLE)
    out = write(tmp_path / "out.txt", "old\n")
    result = invoke(runner, src, out)
    assert result.exit_code == 0, result.stderr
    assert out.read_text(encoding="utf-8") == "old\n"
    assert "exists (use --overwrite)" in result.stderr
    assert invoke(runner, src, out, "--overwrite").exit_code == 0
    assert out.read_text(encoding="utf-8") == ARTICLE_TEXT


def test_single_file_to_an_existing_folder_with_a_suffix_stays_a_folder(runner, tmp_path):
    src = write(tmp_path / "page.txt", ARTICLE)
    out = tmp_path / "out.d"
    out.mkdir()
    result = invoke(runner, src, out)
    assert result.exit_code == 0, result.stderr
    assert (out / "page.txt").read_text(encoding="utf-8") == ARTICLE_TEXT


def test_single_file_to_itself_is_refused(runner, tmp_path):
    src = write(tmp_path / "page.txt", ARTICLE)
    result = invoke(runner, src, src, "--overwrite")
    assert result.exit_code == 2
    assert "is IN" in result.stderr
    assert src.read_text(encoding="utf-8") == ARTICLE


def test_single_file_to_stdout(runner, tmp_path):
    src = write(tmp_path / "page.txt", ARTICLE)
    result = invoke(runner, src, "-")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ARTICLE_TEXT


def test_stdin_to_stdout(runner):
    result = invoke(runner, "-", "-", input=ARTICLE.encode("utf-8"))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ARTICLE_TEXT
    assert summary(result)[:4] == (1, 1, 0, 0)


def test_stdin_to_directory(runner, tmp_path):
    out = tmp_path / "out"
    result = invoke(runner, "-", out, input=ARTICLE)
    assert result.exit_code == 0, result.stderr
    files = [p for p in out.rglob("*") if p.is_file()]
    assert len(files) == 1
    assert files[0].suffix == ".txt"
    assert files[0].read_text(encoding="utf-8") == ARTICLE_TEXT


def test_output_matches_the_api(runner, kyiv):
    """The command writes exactly what `cleaner.clean` returns for the same bytes."""
    src = kyiv
    result = invoke(runner, src, "-")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == cleaner.clean(src.read_bytes(), name=src.name).text


def test_no_temporary_files_left(runner, tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    write(src / "a.txt", ARTICLE)
    write(src / "sub" / "b.txt", ARTICLE)
    assert invoke(runner, src, out).exit_code == 0
    leftovers = [p.name for p in out.rglob("*") if p.name.startswith(".") or p.suffix == ".tmp"]
    assert leftovers == []


# --- --format json ---------------------------------------------------------------------------

JSON_KEYS = {"text", "title", "byline", "date", "url", "site", "removed"}
REMOVED_KEYS = {"rule", "reason", "line", "text"}


def check_json_record(record: dict, min_line: int = 1) -> None:
    """min_line: 0 for HTML input, where nodes pruned by a rule file's [html] selectors have no line."""
    assert isinstance(record, dict)
    missing = JSON_KEYS - set(record)
    assert not missing, f"missing keys: {missing}"
    assert isinstance(record["text"], str)
    assert isinstance(record["removed"], list)
    for item in record["removed"]:
        assert set(item) == REMOVED_KEYS
        assert re.fullmatch(r"[A-Z]{1,5}\d{3}", item["rule"])
        assert isinstance(item["reason"], str) and item["reason"]
        assert isinstance(item["line"], int) and item["line"] >= min_line
        assert isinstance(item["text"], str) and item["text"]


def test_json_to_stdout(runner):
    result = invoke(runner, "-", "-", "--format", "json", input=ARTICLE)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    check_json_record(record)
    assert record["text"] == ARTICLE_TEXT
    assert record["title"] == "Council approves new river embankment after spring floods"
    assert record["byline"] == "Anna Smith"
    assert record["date"] == "2023-03-07"
    removed = {(r["line"], r["rule"], r["text"]) for r in record["removed"]}
    assert (1, "G101", "Skip to content") in removed
    assert (12, "G102", "Subscribe") in removed
    assert (18, "G105", "Share this article") in removed


def test_json_one_object_per_input_in_a_directory(runner, tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    write(src / "a.txt", ARTICLE)
    write(src / "sub" / "b.md", KI_LINES)
    result = invoke(runner, src, out, "--format", "json")
    assert result.exit_code == 0, result.stderr
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert files == ["a.json", "sub/b.json"]
    a = json.loads((out / "a.json").read_text(encoding="utf-8"))
    b = json.loads((out / "sub" / "b.json").read_text(encoding="utf-8"))
    check_json_record(a)
    check_json_record(b)
    assert a["text"] == ARTICLE_TEXT
    assert b["text"].startswith("Council approves new river embankment")


def test_json_stream_of_a_directory_to_stdout(runner, tmp_path):
    src = tmp_path / "in"
    write(src / "a.txt", ARTICLE)
    write(src / "b.txt", KI_LINES)
    write(src / "c.txt", "")
    result = invoke(runner, src, "-", "--format", "json")
    assert result.exit_code == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 3
    for record in records:
        check_json_record(record)
    assert records[2]["text"] == ""


def test_json_removed_lines_point_at_input_lines(runner, kyiv):
    src = kyiv
    result = invoke(runner, src, "-", "--format", "json")
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)
    check_json_record(record)
    lines = src.read_text(encoding="utf-8").split("\n")
    for item in record["removed"]:
        assert item["text"].split()[0] in lines[item["line"] - 1], item


HTML_PAGE = """<!doctype html>
<html><head><title>Council approves new river embankment</title>
<link rel="canonical" href="https://kyivindependent.com/council-embankment/">
</head><body>
<article>
<h1>Council approves new river embankment</h1>
<p>The river flooded the lower town after three days of steady rain in the hills.</p>
<div class="membership-cta"><p>Our newsroom runs on reader money, so please chip in this month.</p></div>
<p>Residents moved their furniture to the upper floors and waited for the water to recede.</p>
<p>The mayor said the council would meet on Monday to discuss repairs to the old embankment.</p>
</article></body></html>
"""


def test_json_of_an_html_page(runner, tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    write(src / "page.html", HTML_PAGE)
    result = invoke(runner, src, out, "--format", "json")
    assert result.exit_code == 0, result.stderr
    record = json.loads((out / "page.json").read_text(encoding="utf-8"))
    check_json_record(record, min_line=0)
    assert record["site"] == "kyivindependent.com"  # from the canonical link
    assert record["url"] == "https://kyivindependent.com/council-embankment/"
    assert record["title"] == "Council approves new river embankment"
    paras = record["text"].rstrip("\n").split("\n\n")
    assert paras[0] == "Council approves new river embankment"  # title first
    assert "Our newsroom runs" not in record["text"]
    pruned = [r for r in record["removed"] if r["rule"] == "KI401"]
    assert [r["text"] for r in pruned] == [
        "Our newsroom runs on reader money, so please chip in this month."
    ]
    # Without site rules the [html] selectors do not apply.
    plain = invoke(runner, src / "page.html", "-", "--format", "json", "--no-site-rules")
    assert "Our newsroom runs on reader money" in json.loads(plain.stdout)["text"]


def test_html_page_to_txt(runner, tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    write(src / "sub" / "page.htm", HTML_PAGE)
    result = invoke(runner, src, out)
    assert result.exit_code == 0, result.stderr
    text = (out / "sub" / "page.txt").read_text(encoding="utf-8")
    assert text.startswith("Council approves new river embankment\n\nThe river flooded")
    assert text.endswith("to the old embankment.\n")


# --- --explain -------------------------------------------------------------------------------


def unexplained_lines(data: str, stdout: str, stderr: str, name: str = "stdin") -> list:
    """Non-blank input lines that are neither in the output nor named by an --explain line."""
    paragraphs = [" ".join(p.split()) for p in stdout.split("\n\n") if p.strip()]
    para_tokens = [" ".join(re.findall(r"\w+", p)) for p in paragraphs]
    explained: set[int] = set()
    for line in stderr.splitlines():
        m = EXPLAIN_LINE_RE.match(line)
        if m and m["name"] == name:
            explained.add(int(m["line"]))
    missing = []
    for number, raw in enumerate(data.split("\n"), start=1):
        text = " ".join(raw.split())
        if not text or number in explained:
            continue
        if any(text in p for p in paragraphs):
            continue  # kept (possibly joined to the line above it)
        tokens = " ".join(re.findall(r"\w+", re.sub(r"\]\([^)]*\)", "]", text)))
        if tokens and any(f" {tokens} " in f" {p} " for p in para_tokens):
            continue  # kept without its inline markup
        missing.append((number, text))
    return missing


def test_explain_names_a_rule_for_every_removed_line(runner, kyiv):
    data = kyiv.read_text(encoding="utf-8")
    result = invoke(runner, "-", "-", "--explain", input=data)
    assert result.exit_code == 0, result.stderr
    assert unexplained_lines(data, result.stdout, result.stderr) == []
    codes = {m["code"] for m in map(EXPLAIN_LINE_RE.match, result.stderr.splitlines()) if m}
    assert {"G101", "G102", "KI101", "KI102", "KI103", "KI301"} <= codes, codes
    head = result.stderr.splitlines()[0]
    assert head.startswith("stdin: text, site kyivindependent.com, removed ")


TEXT_FIXTURES = sorted(FIXTURES.glob("*/*/input.txt")) + sorted(FIXTURES.glob("*/*/input.md"))


@pytest.mark.parametrize(
    "path", TEXT_FIXTURES, ids=[f"{p.parent.parent.name}/{p.parent.name}" for p in TEXT_FIXTURES]
)
def test_explain_is_complete_on_every_fixture(runner, path):
    data = path.read_text(encoding="utf-8")
    result = invoke(runner, path, "-", "--explain")
    assert result.exit_code == 0, result.stderr
    assert unexplained_lines(data, result.stdout, result.stderr, name=path.name) == []


def test_explain_to_stdout_when_writing_files(runner, tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    write(src / "a.txt", ARTICLE)
    result = invoke(runner, src, out, "--explain")
    assert result.exit_code == 0, result.stderr
    codes = {
        int(m["line"]): m["code"]
        for m in map(EXPLAIN_LINE_RE.match, result.stdout.splitlines())
        if m and m["name"] == "a.txt"
    }
    assert codes == {1: "G101", 5: "G301", 6: "G302", 12: "G102", 18: "G105"}
    assert (out / "a.txt").read_text(encoding="utf-8") == ARTICLE_TEXT


def test_explain_off_prints_no_rule_lines(runner):
    result = invoke(runner, "-", "-", input=ARTICLE)
    assert result.exit_code == 0
    assert not any(EXPLAIN_LINE_RE.match(line) for line in result.stderr.splitlines())
    assert result.stdout == ARTICLE_TEXT


# --- --rules, --no-site-rules, --site, --url -------------------------------------------------

KYIV_OVERRIDE = """
[site]
domain = "kyivindependent.com"
fingerprints = ["Kyiv Independent news desk"]

[[line]]
code = "KX101"
reason = "user rule: the side feed label"
exact = ["News Feed"]
"""

NEW_SITE = """
[site]
domain = "example.org"
name = "Example Gazette"
fingerprints = ["Example Gazette Online"]

[[line]]
code = "EG101"
reason = "the gazette's house advert"
prefix = ["Gazette offer:"]
"""

NEW_SITE_DOC = """Example Gazette Online

Council approves new river embankment after spring floods

The river flooded the lower town after three days of steady rain in the hills.

Gazette offer: three months for the price of one

Residents moved their furniture to the upper floors and waited for the water to recede.

The mayor said the council would meet on Monday to discuss repairs to the old embankment.
"""


def removed_codes(stdout: str) -> set[str]:
    return {r["rule"] for r in json.loads(stdout)["removed"]}


def test_user_rule_file_overrides_builtin_for_its_domain(runner, kyiv, tmp_path):
    src = kyiv
    rules = tmp_path / "rules"
    write(rules / "kyiv.toml", KYIV_OVERRIDE)
    builtin = invoke(runner, src, "-", "--format", "json")
    user = invoke(runner, src, "-", "--format", "json", "--rules", rules)
    assert builtin.exit_code == user.exit_code == 0, user.stderr
    assert any(c.startswith("KI") for c in removed_codes(builtin.stdout))
    codes = removed_codes(user.stdout)
    assert "KX101" in codes
    assert not any(c.startswith("KI") for c in codes), codes
    assert json.loads(user.stdout)["site"] == "kyivindependent.com"


def test_user_rule_file_for_a_new_site_with_a_fingerprint(runner, tmp_path):
    rules = tmp_path / "rules"
    write(rules / "example.org.toml", NEW_SITE)
    result = invoke(runner, "-", "-", "--format", "json", "--rules", rules, input=NEW_SITE_DOC)
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["site"] == "example.org"
    assert [(r["rule"], r["line"]) for r in record["removed"] if r["rule"] == "EG101"] == [
        ("EG101", 7)
    ]
    assert "Gazette offer" not in record["text"]
    # Without the user file the line stays.
    plain = invoke(runner, "-", "-", "--format", "json", input=NEW_SITE_DOC)
    assert "Gazette offer: three months for the price of one" in json.loads(plain.stdout)["text"]


def test_list_rules_includes_user_rules(runner, tmp_path):
    rules = tmp_path / "rules"
    write(rules / "example.org.toml", NEW_SITE)
    result = invoke(runner, "--list-rules", "--rules", rules)
    assert result.exit_code == 0
    assert re.search(r"^\s+EG101\s+example\.org\s+the gazette's house advert$", result.stdout, re.M)


def test_no_site_rules(runner, kyiv):
    src = kyiv
    with_rules = invoke(runner, src, "-", "--format", "json")
    without = invoke(runner, src, "-", "--format", "json", "--no-site-rules")
    assert with_rules.exit_code == without.exit_code == 0
    assert any(c.startswith("KI") for c in removed_codes(with_rules.stdout))
    codes = removed_codes(without.stdout)
    assert codes, "generic rules still fire"
    assert all(re.fullmatch(r"[GMK]\d{3}", c) for c in codes), codes
    assert json.loads(without.stdout)["site"] is None


def test_no_site_rules_with_user_rules(runner, tmp_path):
    rules = tmp_path / "rules"
    write(rules / "example.org.toml", NEW_SITE)
    result = invoke(
        runner,
        "-",
        "-",
        "--format",
        "json",
        "--no-site-rules",
        "--rules",
        rules,
        input=NEW_SITE_DOC,
    )
    assert result.exit_code == 0, result.stderr
    assert "EG101" not in removed_codes(result.stdout)


def test_site_forces_the_site(runner):
    plain = invoke(runner, "-", "-", "--format", "json", input=KI_LINES)
    forced = invoke(
        runner, "-", "-", "--format", "json", "--site", "kyivindependent.com", input=KI_LINES
    )
    assert plain.exit_code == forced.exit_code == 0
    p, f = json.loads(plain.stdout), json.loads(forced.stdout)
    # unforced, no site rule names the line (the generic model may still remove it)
    assert not any(r["rule"].startswith("KI") for r in p["removed"])
    assert p["site"] is None
    assert f["site"] == "kyivindependent.com"
    assert f["url"] is None
    assert {("KI104", "Ukraine Daily"), ("KI105", "Editors' Picks")} <= {
        (r["rule"], r["text"]) for r in f["removed"]
    }
    assert "Ukraine Daily" not in f["text"]


def test_site_overrides_fingerprints(runner, kyiv):
    """A forced site wins over the site the copy's fingerprints point to."""
    src = kyiv
    result = invoke(runner, src, "-", "--format", "json", "--site", "rferl.org")
    assert result.exit_code == 0
    record = json.loads(result.stdout)
    assert record["site"] == "rferl.org"
    assert not any(c.startswith("KI") for c in removed_codes(result.stdout))


def test_site_is_reported_as_the_canonical_domain(runner):
    """--site www.KyivIndependent.com selects the kyivindependent.com rules; the metadata names
    the site the same way --url and fingerprints do: lower case, without www."""
    result = invoke(
        runner, "-", "-", "--format", "json", "--site", "www.KyivIndependent.com", input=KI_LINES
    )
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)
    assert "KI104" in removed_codes(result.stdout)
    assert record["site"] == "kyivindependent.com"


def test_later_rules_dir_overrides_earlier(runner, tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    write(first / "example.org.toml", NEW_SITE)
    write(second / "example.org.toml", NEW_SITE.replace("EG101", "EG201"))
    result = invoke(
        runner,
        "-",
        "-",
        "--format",
        "json",
        "--rules",
        first,
        "--rules",
        second,
        input=NEW_SITE_DOC,
    )
    assert result.exit_code == 0, result.stderr
    codes = removed_codes(result.stdout)
    assert "EG201" in codes
    assert "EG101" not in codes


def test_url_forces_the_site_and_goes_to_metadata(runner):
    url = "https://kyivindependent.com/council-approves-embankment/"
    result = invoke(runner, "-", "-", "--format", "json", "--url", url, input=KI_LINES)
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["url"] == url
    assert record["site"] == "kyivindependent.com"
    assert "KI104" in removed_codes(result.stdout)


def test_url_of_an_unknown_site(runner):
    url = "https://www.example.net/story"
    result = invoke(runner, "-", "-", "--format", "json", "--url", url, input=ARTICLE)
    record = json.loads(result.stdout)
    assert record["url"] == url
    assert record["site"] == "example.net"


# --- --overwrite, --quiet, --list-rules --------------------------------------------------------


def test_existing_outputs_are_skipped_without_overwrite(runner, tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    write(src / "a.txt", ARTICLE)
    write(src / "b.txt", ARTICLE)
    write(out / "a.txt", "OLD\n")
    result = invoke(runner, src, out)
    assert result.exit_code == 0, result.stderr
    assert (out / "a.txt").read_text(encoding="utf-8") == "OLD\n"
    assert (out / "b.txt").read_text(encoding="utf-8") == ARTICLE_TEXT
    assert summary(result)[:4] == (2, 1, 1, 0)
    assert re.search(r"^a\.txt: skipped: .*a\.txt exists \(use --overwrite\)$", result.stderr, re.M)


def test_overwrite_replaces_existing_outputs(runner, tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    write(src / "a.txt", ARTICLE)
    write(out / "a.txt", "OLD\n")
    result = invoke(runner, src, out, "--overwrite")
    assert result.exit_code == 0, result.stderr
    assert (out / "a.txt").read_text(encoding="utf-8") == ARTICLE_TEXT
    assert summary(result)[:4] == (1, 1, 0, 0)


def test_second_run_skips_everything(runner, tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    write(src / "a.txt", ARTICLE)
    write(src / "sub" / "b.txt", ARTICLE)
    assert invoke(runner, src, out).exit_code == 0
    again = invoke(runner, src, out)
    assert again.exit_code == 0
    assert summary(again)[:4] == (2, 0, 2, 0)


@pytest.mark.parametrize("flag", ["--quiet", "-q"])
def test_quiet_prints_no_summary(runner, tmp_path, flag):
    src = tmp_path / "in"
    write(src / "a.txt", ARTICLE)
    result = invoke(runner, src, tmp_path / "out", flag)
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout == ""
    assert (tmp_path / "out" / "a.txt").exists()


def test_summary_names_warnings_and_quiet_hides_them(runner, tmp_path):
    src = tmp_path / "in"
    write(src / "menu.txt", "Home\n\nNews\n\nSport\n\nWeather\n")
    loud = invoke(runner, src, tmp_path / "out1")
    assert loud.exit_code == 0
    assert re.search(r"^menu\.txt: warning: ", loud.stderr, re.M), loud.stderr
    quiet = invoke(runner, src, tmp_path / "out2", "--quiet")
    assert quiet.exit_code == 0
    assert quiet.stderr == ""


def test_quiet_keeps_the_exit_code_of_failures(runner, tmp_path):
    src = tmp_path / "in"
    write(src / "a.txt", ARTICLE)
    os.symlink(tmp_path / "nowhere.txt", src / "broken.txt")
    result = invoke(runner, src, tmp_path / "out", "--quiet")
    assert result.exit_code == 1
    assert result.stderr == ""


def test_list_rules(runner):
    result = invoke(runner, "--list-rules")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "Generic rules:" in out and "Site rules:" in out
    generic, site = out.split("Site rules:")
    for code in ("G101", "G102", "G203", "G301", "G401"):
        assert re.search(rf"^\s+{code}\s+\S", generic, re.M), code
    for code, domain in (
        ("KI101", "kyivindependent.com"),
        ("RF101", "rferl.org"),
        ("MT101", "themoscowtimes.com"),
        ("TE101", "techyember.com"),
    ):
        assert re.search(rf"^\s+{code}\s+{re.escape(domain)}\s+\S", site, re.M), code


def test_list_rules_without_site_rules(runner):
    result = invoke(runner, "--list-rules", "--no-site-rules")
    assert result.exit_code == 0
    assert "G101" in result.stdout
    assert "KI101" not in result.stdout


def test_list_rules_needs_no_in_or_out(runner, tmp_path):
    result = invoke(runner, "--list-rules")
    assert result.exit_code == 0
    assert not SUMMARY_RE.search(result.stderr)


# --- summary line ----------------------------------------------------------------------------


def test_summary_is_the_last_line_and_counts_removed_share(runner, tmp_path):
    src = write(tmp_path / "a.txt", ARTICLE)
    result = invoke(runner, src, tmp_path / "out")
    assert result.exit_code == 0
    read, written, skipped, failed, share = summary(result)
    assert (read, written, skipped, failed) == (1, 1, 0, 0)
    expected = 100 * (1 - len(ARTICLE_TEXT) / len(ARTICLE))
    assert share == pytest.approx(expected, abs=0.05)


def test_summary_over_several_files(runner, tmp_path):
    src = tmp_path / "in"
    write(src / "a.txt", ARTICLE)
    write(src / "b.txt", KI_LINES)
    result = invoke(runner, src, "-")
    assert result.exit_code == 0
    chars_in = len(ARTICLE) + len(KI_LINES)
    chars_out = len(result.stdout)
    assert summary(result)[4] == pytest.approx(100 * (1 - chars_out / chars_in), abs=0.05)


def test_summary_of_nothing_removed(runner):
    text = "The river flooded the lower town after three days of steady rain in the hills.\n"
    result = invoke(runner, "-", "-", input=text)
    assert result.stdout == text
    assert summary(result) == (1, 1, 0, 0, 0.0)


# --- exit codes ------------------------------------------------------------------------------


def test_exit_0_when_all_cleaned(runner, tmp_path):
    src = tmp_path / "in"
    write(src / "a.txt", ARTICLE)
    write(src / "b.txt", "")
    result = invoke(runner, src, tmp_path / "out")
    assert result.exit_code == 0
    assert summary(result)[:4] == (2, 2, 0, 0)
    assert (tmp_path / "out" / "b.txt").read_text(encoding="utf-8") == ""


def test_exit_1_when_a_file_fails_and_the_rest_is_written(runner, tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    write(src / "a.txt", ARTICLE)
    write(src / "z.txt", ARTICLE)
    os.symlink(tmp_path / "does-not-exist.txt", src / "m-broken.txt")
    result = invoke(runner, src, out)
    assert result.exit_code == 1
    assert summary(result)[:4] == (3, 2, 0, 1)
    assert (out / "a.txt").read_text(encoding="utf-8") == ARTICLE_TEXT
    assert (out / "z.txt").read_text(encoding="utf-8") == ARTICLE_TEXT
    assert not (out / "m-broken.txt").exists()
    assert re.search(
        r"^m-broken\.txt: failed: cannot read: No such file or directory$", result.stderr, re.M
    ), result.stderr


def test_exit_1_when_two_inputs_map_to_one_output(runner, tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    write(src / "page.md", ARTICLE)
    write(src / "page.txt", KI_LINES)
    result = invoke(runner, src, out)
    assert result.exit_code == 1
    assert summary(result)[:4] == (2, 1, 0, 1)
    assert re.search(
        r"^page\.txt: failed: output .*page\.txt is already written for page\.md$",
        result.stderr,
        re.M,
    ), result.stderr


def test_exit_1_when_output_cannot_be_written(runner, tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    write(src / "sub" / "a.txt", ARTICLE)
    write(out / "sub", "a file where the output folder should be\n")
    result = invoke(runner, src, out)
    assert result.exit_code == 1
    assert re.search(r"^sub/a\.txt: failed: ", result.stderr, re.M), result.stderr


def test_exit_2_without_out(runner, tmp_path):
    src = write(tmp_path / "a.txt", ARTICLE)
    result = invoke(runner, src)
    assert result.exit_code == 2
    assert "usage" in result.stderr.lower()
    assert result.stdout == ""


def test_exit_2_without_arguments(runner):
    result = invoke(runner)
    assert result.exit_code == 2
    assert "Usage" in result.stderr


def test_exit_2_for_a_missing_in(runner, tmp_path):
    result = invoke(runner, tmp_path / "nope", tmp_path / "out")
    assert result.exit_code == 2
    assert "nope: no such file or directory" in result.stderr
    assert not (tmp_path / "out").exists()


def test_exit_2_for_an_invalid_rule_file(runner, tmp_path):
    rules = tmp_path / "rules"
    bad = write(
        rules / "bad.toml", NEW_SITE.replace('prefix = ["Gazette offer:"]', 'regex = "(oops"')
    )
    src = write(tmp_path / "a.txt", ARTICLE)
    result = invoke(runner, src, tmp_path / "out", "--rules", rules)
    assert result.exit_code == 2
    assert str(bad) in result.stderr
    assert "line[0].regex" in result.stderr
    assert "invalid regex" in result.stderr
    assert not (tmp_path / "out").exists(), "nothing is cleaned with an invalid rule file"


def test_exit_2_for_a_rules_path_that_does_not_exist(runner, tmp_path):
    result = invoke(runner, "-", "-", "--rules", tmp_path / "missing", input=ARTICLE)
    assert result.exit_code == 2
    assert "no such rule file or directory" in result.stderr
    assert result.stdout == ""


def test_rules_takes_a_single_rule_file(runner, tmp_path):
    rules = write(tmp_path / "rules" / "gazette.toml", NEW_SITE)
    src = write(tmp_path / "a.txt", NEW_SITE_DOC)
    by_file = invoke(runner, src, "-", "--rules", rules, "--explain")
    by_folder = invoke(runner, src, "-", "--rules", rules.parent, "--explain")
    assert by_file.exit_code == 0, by_file.stderr
    assert "EG101" in by_file.stderr
    assert by_file.stdout == by_folder.stdout and by_file.stderr == by_folder.stderr
    listed = invoke(runner, "--list-rules", "--rules", rules)
    assert listed.exit_code == 0 and "EG101" in listed.stdout


@pytest.mark.parametrize("where", ["same", "inside", "deep"])
def test_exit_2_when_out_is_inside_in(runner, tmp_path, where):
    src = tmp_path / "in"
    write(src / "a.txt", ARTICLE)
    out = {"same": src, "inside": src / "out", "deep": src / "x" / ".." / "x" / "out"}[where]
    result = invoke(runner, src, out)
    assert result.exit_code == 2
    assert "inside IN" in result.stderr
    assert sorted(p.name for p in src.rglob("*")) == ["a.txt"]


def test_exit_2_when_in_is_inside_out(runner, tmp_path):
    # IN=out/x holding x/z/a.txt would be written to out/x/z/a.txt: inside IN.
    src = tmp_path / "out" / "x"
    write(src / "x" / "z" / "a.txt", ARTICLE)
    result = invoke(runner, src, tmp_path / "out")
    assert result.exit_code == 2
    assert "is inside OUT" in result.stderr
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*.txt")) == [
        "out/x/x/z/a.txt"
    ]


def test_out_beside_in_with_a_common_prefix_is_fine(runner, tmp_path):
    src = tmp_path / "in"
    write(src / "a.txt", ARTICLE)
    result = invoke(runner, src, tmp_path / "in-clean")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "in-clean" / "a.txt").exists()


def test_exit_2_for_an_unknown_format(runner):
    result = invoke(runner, "-", "-", "--format", "xml", input=ARTICLE)
    assert result.exit_code == 2
    assert result.stdout == ""
