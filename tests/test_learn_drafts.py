"""`clean learn` drafts rule files that the validator takes and `clean --rules` uses, and
`clean rules check` runs their test cases (a unified diff per failing case)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from collections import Counter
from pathlib import Path

import learn_sites
import pytest
from typer.testing import CliRunner

from cleaner.core.pipeline import learning_view, run
from cleaner.rules.repetition import normal
from cleaner.run.learn_cmd import dispatch, learn_app, rules_app
from cleaner.sites.identify import RuleSet
from cleaner.sites.rulefile import RuleFileError, load_rule_file

ROOT = Path(__file__).resolve().parent.parent
KI = ROOT / "fixtures" / "kyivindependent.com"


def _learn(*args: str):
    return CliRunner().invoke(learn_app, list(args), catch_exceptions=False)


def _check(*args: str):
    return CliRunner().invoke(rules_app, ["check", *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def harbour(tmp_path_factory):
    out = tmp_path_factory.mktemp("rules")
    result = _learn(str(learn_sites.ROOT / "harbourgazette.example"), "--out", str(out))
    assert result.exit_code == 0, result.output
    return out, result.stdout


def test_draft_passes_the_validator_and_has_each_kind_of_rule(harbour):
    out, summary = harbour
    path = out / "harbourgazette.example.toml"
    load_rule_file(path)  # raises on an invalid file
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert data["site"]["fingerprints"][0] == "Harbour Gazette"
    lines = {rule.get("exact") or rule.get("regex") for rule in data["line"]}
    assert "Keep the Gazette on the quay." in lines  # a plea's wording
    assert r"^Our spring drive: \d[\d,.]* of \d[\d,.]* members so far$" in lines  # a counter
    titles = {a[0] for a in learn_sites._HARBOUR_ARTICLES}
    assert not lines & titles  # the feed prints other pages' titles: never a rule
    assert "With reporting by Sam Okafor." not in lines  # a credit line (K001)
    assert not any("Figures in this story" in p for p in lines)  # the lone disclaimer
    assert data["meta"][0]["regex"].startswith("^By (?P<byline>.+?) · (?P<date>")
    assert all("on " in rule["reason"] and " pages" in rule["reason"] for rule in data["line"])
    assert "# on 12 of 12 pages" in path.read_text(encoding="utf-8")
    assert "harbourgazette.example: 12 pages; drafted" in summary
    assert "would remove:" in summary
    (test,) = data["test"]
    assert (out / test["input"]).is_file() and (out / test["expected"]).is_file()


def test_the_draft_removes_the_recurring_debris_and_no_article_line(harbour):
    out, _ = harbour
    rules = RuleSet.from_dirs((out,), builtin=True)
    pages = learn_sites.build()["harbourgazette.example"]
    seen = Counter(line for p in pages for line in set(p.of("debris")))
    lost, kept, total = [], 0, 0
    for p in pages:
        result = run(p.text, rules, name=p.name)
        assert result.site == "harbourgazette.example"
        assert any(r.rule.startswith("HA") for r in result.removed)
        text = result.text.split("\n")
        lost += [a for a in p.of("article") if a not in text]
        debris = [d for d in p.of("debris") if seen[d] >= 2]
        total += len(debris)
        kept += sum(d in text for d in debris)
    assert not lost
    assert kept <= 0.1 * total, (kept, total)


def test_a_copy_with_no_url_is_identified_by_the_drafted_fingerprint(harbour):
    out, _ = harbour
    page = learn_sites.build()["harbourgazette.example"][1]
    text = page.text.split("\n", 2)[2]  # without its "Original url:" line
    rules = RuleSet.from_dirs((out,), builtin=True)
    assert run(text, rules, name=page.name).site == "harbourgazette.example"


def test_rules_check_passes_then_fails_with_a_diff(harbour, tmp_path):
    out, _ = harbour
    result = _check(str(out))
    assert result.exit_code == 0, result.output
    assert "1 of 1 test cases pass" in result.stdout
    broken = tmp_path / "rules"
    shutil.copytree(out, broken)
    (expected,) = broken.glob("*.tests/*.expected.txt")
    expected.write_text(expected.read_text(encoding="utf-8") + "\nA line the page never had.\n")
    result = _check(str(broken))
    assert result.exit_code == 1
    assert "FAIL" in result.stdout and "-A line the page never had." in result.stdout
    assert "0 of 1 test cases pass" in result.stdout


def test_a_test_path_outside_the_folder_is_refused(tmp_path):
    for bad in ("../x.txt", "/etc/passwd"):
        path = tmp_path / "x.example.toml"
        path.write_text(
            f'[site]\ndomain = "x.example"\n\n[[test]]\ninput = "{bad}"\nexpected = "e.txt"\n',
            encoding="utf-8",
        )
        with pytest.raises(RuleFileError, match=r"test\[0\]\.input"):
            load_rule_file(path)


def test_too_few_pages_drafts_nothing(tmp_path):
    result = _learn(
        str(learn_sites.ROOT / "northwind.example"), "--out", str(tmp_path), "--min-pages", "3"
    )
    assert result.exit_code == 1
    assert "too few pages" in result.stdout and "northwind.example (2)" in result.stdout
    assert not list(tmp_path.glob("*.toml"))


def test_an_existing_draft_is_kept_without_overwrite(harbour, tmp_path):
    out, _ = harbour
    shutil.copytree(out, tmp_path / "r")
    again = _learn(str(learn_sites.ROOT / "harbourgazette.example"), "--out", str(tmp_path / "r"))
    assert again.exit_code == 2 and "--overwrite" in again.stderr


def test_kyiv_independent_draft_in_place_of_the_builtin_file(tmp_path):
    """The repo's Kyiv Independent fixtures as one folder: the drafted file, used instead of
    rules/kyivindependent.com.toml, removes every widget line on two or more of them and
    loses no line of their expected articles."""
    folder = tmp_path / "ki"
    folder.mkdir()
    cases = sorted(p for p in KI.iterdir() if p.is_dir())
    for case in cases:
        (given,) = case.glob("input.*")
        shutil.copy(given, folder / f"{case.name}{given.suffix}")
    out = tmp_path / "rules"
    result = _learn(str(folder), "--out", str(out), "--site", "kyivindependent.com")
    assert result.exit_code == 0, result.output
    draft = RuleSet.from_dirs((out,), builtin=True)
    assert next(s for s in draft.sites if s.domain == "kyivindependent.com").path.startswith(
        str(out)
    )
    builtin = RuleSet.from_dirs((), builtin=True)
    article = set()
    for case in cases:
        article |= {normal(x) for x in (case / "expected.txt").read_text().split("\n") if x}
    views = {}
    for case in cases:
        (given,) = case.glob("input.*")
        _, texts = learning_view(
            given.read_bytes(), builtin, site="kyivindependent.com", name=given.name
        )
        views[case.name] = {normal(t) for t in texts}
    recurring = Counter(x for v in views.values() for x in v)
    widgets = {x for x, n in recurring.items() if n >= 2 and x not in article}
    assert len(widgets) >= 5
    for case in cases:
        (given,) = case.glob("input.*")
        text = run(given.read_bytes(), draft, site="kyivindependent.com", name=given.name).text
        out_lines = {normal(x) for x in text.split("\n") if x}
        expected = {normal(x) for x in (case / "expected.txt").read_text().split("\n") if x}
        assert expected <= out_lines, (case.name, expected - out_lines)
        assert not (views[case.name] & widgets & out_lines), case.name
    assert _check(str(out)).exit_code == 0


def test_learn_is_a_subcommand_but_a_folder_named_learn_still_cleans(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert dispatch(["in", "out"]) is False
    assert dispatch(["rules", "out"]) is False  # a folder named rules: `clean rules OUT`
    (tmp_path / "learn").mkdir()
    assert dispatch(["learn", "out"]) is False  # `clean learn OUT` cleans ./learn
    with pytest.raises(SystemExit):  # ...but with --out it is the subcommand
        dispatch(["learn", "learn", "--out", str(tmp_path / "r")])


def test_clean_learn_through_the_console_entry(tmp_path):
    folder = tmp_path / "pages"
    shutil.copytree(learn_sites.ROOT / "valleyvoice.example", folder)
    env_path = str(ROOT)
    cmd = [sys.executable, "-m", "cleaner", "learn", str(folder), "--out", str(tmp_path / "r")]
    done = subprocess.run(
        [*cmd, "--site", "valleyvoice.example"],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": env_path, "PATH": "/usr/bin:/bin"},
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "valleyvoice.example: 10 pages" in done.stdout
    assert (tmp_path / "r" / "valleyvoice.example.toml").is_file()
