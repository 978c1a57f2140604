"""The rule registry (cleaner/rules/codes.toml): one record per generic code, whose examples really
fire (and spare) the code through cleaner.clean, and from which README.md's rule table, `clean
--list-rules` and `clean rule CODE` are made.

After a change of codes.toml, `python3 -m pytest tests/test_registry.py --update-readme`
rewrites README.md's table.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cleaner
from cleaner.rules import registry
from cleaner.rules.registry import RULES, RegistryError, nearest
from cleaner.run.cli import app

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
RECORDS = list(RULES.values())
IDS = [r.code for r in RECORDS]


def reported(result) -> dict[str, list]:
    """Code -> the removals (and keeps) reported under it."""
    out: dict[str, list] = {}
    for r in (*result.removed, *result.kept):
        out.setdefault(r.rule, []).append(r)
    return out


# --- the examples ---------------------------------------------------------------------------


def examples_of(rule):
    if rule.checked_by:
        assert (ROOT / rule.checked_by).is_file(), f"{rule.code}: no {rule.checked_by}"
        pytest.skip(f"{rule.code}'s examples are checked by {rule.checked_by}")


@pytest.mark.parametrize("rule", RECORDS, ids=IDS)
def test_the_firing_example_fires_the_code(rule):
    examples_of(rule)
    found = reported(cleaner.clean(rule.fires, **rule.options))
    assert rule.code in found, f"{rule.code} did not fire on its example: {sorted(found)}"
    # Each line is reported with the record's reason (a learned rule adds p and its features).
    for removal in found[rule.code]:
        assert removal.reason == rule.reason or removal.reason.startswith(rule.reason + " ("), (
            removal.reason
        )


@pytest.mark.parametrize("rule", RECORDS, ids=IDS)
def test_the_sparing_example_does_not_fire_the_code(rule):
    examples_of(rule)
    found = reported(cleaner.clean(rule.spares, **rule.options))
    assert rule.code not in found, [r.text for r in found[rule.code]]


def test_keep_rules_fire_as_keeps_and_the_others_as_removals():
    for rule in (r for r in RECORDS if not r.checked_by):
        result = cleaner.clean(rule.fires, **rule.options)
        where = result.kept if rule.kind == "keep" else result.removed
        assert rule.code in {r.rule for r in where}, rule.code


# --- the registry and the code --------------------------------------------------------------


def code_literals() -> dict[str, list[str]]:
    """Every string constant of the package that is a generic code, with where it is."""
    found: dict[str, list[str]] = {}
    for path in sorted((ROOT / "cleaner").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and re.fullmatch(r"[GKM][0-9]{3}", node.value)
            ):
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                found.setdefault(node.value, []).append(where)
    return found


def test_every_code_in_the_package_has_a_record():
    missing = {c: w for c, w in code_literals().items() if c not in RULES}
    assert not missing, f"codes with no record in cleaner/rules/codes.toml: {missing}"


def test_every_record_names_a_code_the_package_uses():
    used = code_literals()
    assert not [c for c in RULES if c not in used], "records of codes no module reports"


def test_the_model_codes_match_their_records():
    from cleaner.core import classify

    for pair in (classify.NOT_ARTICLE, classify.AGREED, classify.KEEP_ARTICLE):
        assert pair == RULES[pair[0]].pair


def test_records_are_complete():
    assert len(RULES) >= 38
    for rule in RECORDS:
        assert rule.kind in registry.KINDS and rule.stage in registry.STAGES
        assert rule.fires.strip() != rule.spares.strip()
        assert (rule.kind == "keep") == rule.code.startswith("K"), rule.code


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda s: s.replace('name = "skip-link"\n', "", 1), "missing or empty"),
        (lambda s: s.replace('kind = "remove"', 'kind = "delete"', 1), "unknown"),
        (lambda s: s.replace('stage = "phrase"', 'stage = "phrases"', 1), "unknown"),
        (lambda s: s.replace('name = "skip-link"', 'name = "skip-link"\nlabel = "x"', 1), "label"),
        (lambda s: s.replace('code = "G102"', 'code = "G101"', 1), "listed twice"),
        (lambda s: s.replace('code = "G101"', 'code = "X101"', 1), "malformed"),
    ],
)
def test_a_malformed_registry_is_refused(tmp_path, edit, message):
    bad = tmp_path / "codes.toml"
    bad.write_text(edit(registry.SOURCE.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(RegistryError, match=message):
        registry.load(bad)


# --- README.md's table ------------------------------------------------------------------------


def test_readme_rule_table_is_the_registry(update_readme):
    text = README.read_text(encoding="utf-8")
    made = registry.with_table(text)
    if update_readme:
        README.write_text(made, encoding="utf-8")
        return
    assert made == text, (
        "README.md's rule table differs from cleaner/rules/codes.toml: "
        "run python3 -m pytest tests/test_registry.py --update-readme"
    )


def test_the_table_test_fails_on_a_changed_row():
    text = README.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("| G101 |"))
    changed = text.replace(row, row.replace("skip-link", "skip-links"))
    assert registry.with_table(changed) != changed
    assert registry.with_table(changed) == text
    # A row missing, and one too many, are differences too.
    assert registry.with_table(text.replace(row + "\n", "")) == text
    assert (
        registry.with_table(text.replace(row, row + "\n| G999 | x | remove | phrase | x |")) == text
    )


def test_every_code_has_one_row_in_the_readme():
    text = README.read_text(encoding="utf-8")
    rows = re.findall(r"^\| ([GKM][0-9]{3}) \|", text, re.M)
    assert sorted(rows) == sorted(RULES)


# --- nearest codes --------------------------------------------------------------------------


def test_nearest_codes():
    codes = sorted(RULES)
    assert nearest("G120", codes) == ["G119", "G118", "G116"]
    assert nearest("G1O1", codes)[0] == "G101"
    assert nearest("skip-lnik", codes) == ["G101"]
    assert nearest("k5", codes)[0] == "K005"


# --- clean rule CODE ------------------------------------------------------------------------


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_clean_rule_prints_the_record(runner):
    result = runner.invoke(app, ["rule", "G101"])
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    rule = RULES["G101"]
    assert out.startswith("G101 skip-link\n")
    assert "Kind: remove. Stage: phrase" in out
    assert "Reported as: G101 Skip and accessibility links" in out
    for heading in ("What it catches:", "Why:", "Fires on", "Does not fire on:"):
        assert heading in out
    assert "  | Skip to main content" in out
    assert rule.spares.strip() in out


@pytest.mark.parametrize("query", ["g101", "skip-link", " G101 "])
def test_clean_rule_takes_any_case_and_the_name(runner, query):
    result = runner.invoke(app, ["rule", query])
    assert result.exit_code == 0
    assert result.stdout.startswith("G101 skip-link\n")


def test_clean_rule_of_a_keep_rule_says_kept_by(runner):
    out = runner.invoke(app, ["rule", "K001"]).stdout
    assert "Kind: keep." in out
    assert "Reported as: kept by K001 credit line that belongs to the article" in out


def test_clean_rule_json(runner):
    result = runner.invoke(app, ["rule", "G502", "--format", "json"])
    assert result.exit_code == 0
    record = json.loads(result.stdout)
    assert record["code"] == "G502" and record["kind"] == "remove" and record["stage"] == "model"
    assert record["options"] == {"html": "blocks"}
    assert record["fires"] == RULES["G502"].fires


def test_clean_rule_unknown_code_exits_2_with_the_nearest(runner):
    result = runner.invoke(app, ["rule", "G120"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "unknown rule code 'G120'; did you mean G119, G118, G116?" in result.stderr


def test_clean_rule_without_a_code_is_a_usage_error(runner):
    result = runner.invoke(app, ["rule"])
    assert result.exit_code == 2
    assert "clean rule CODE" in result.stderr


def test_clean_rule_describes_a_site_rule(runner):
    result = runner.invoke(app, ["rule", "KI101"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("KI101 site rule of kyivindependent.com (")
    assert "Reported as: KI101 AI audio player notice" in result.stdout
    assert "this audio is" in result.stdout
    block = json.loads(runner.invoke(app, ["rule", "KI201", "--format", "json"]).stdout)
    assert block["kind"].startswith("remove") and block["matches"]["max_lines"] == 80


def test_clean_rule_site_codes_follow_the_rule_files_in_force(runner):
    assert runner.invoke(app, ["rule", "KI101", "--no-site-rules"]).exit_code == 2


def test_a_folder_named_rule_is_cleaned_as_dot_slash_rule(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "rule").mkdir()
    (tmp_path / "rule" / "a.txt").write_text("Skip to content\n", encoding="utf-8")
    result = runner.invoke(app, ["rule", "out"])
    assert result.exit_code == 2 and "write ./rule" in result.stderr
    assert runner.invoke(app, ["./rule", "out", "--quiet"]).exit_code == 0
    assert (tmp_path / "out" / "a.txt").exists()


def test_list_rules_shows_kind_and_reason(runner):
    out = runner.invoke(app, ["--list-rules"]).stdout
    assert re.search(r"^  G101  skip-link\s+remove\s+Skip and accessibility links$", out, re.M)
    assert re.search(r"^  K001  credit-line\s+keep\s+credit line that belongs", out, re.M)
    assert re.search(r"^  G301  byline\s+metadata\s+Byline lines", out, re.M)
    listed = re.findall(r"^  ([GKM][0-9]{3})  ", out, re.M)
    assert listed == list(RULES)


def test_a_record_may_name_the_test_that_checks_its_examples(tmp_path):
    source = registry.SOURCE.read_text(encoding="utf-8").replace(
        'stage = "phrase"\n', 'stage = "phrase"\nchecked_by = "tests/test_learn.py"\n', 1
    )
    (tmp_path / "codes.toml").write_text(source, encoding="utf-8")
    rules = registry.load(tmp_path / "codes.toml")
    assert rules["G101"].checked_by == "tests/test_learn.py"
    assert rules["G102"].checked_by is None
