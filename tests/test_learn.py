"""--learn and G601 (site-repetition): lines that recur across a site's pages go, article lines
stay, and the outputs do not depend on --jobs or on the order of the inputs.

The sites are tests/learn_sites.py's (written to fixtures/learn/); the outputs of a --learn run
are kept in fixtures/learn/expected/ (refresh with --update-fixtures, review the diff).
"""

from __future__ import annotations

import difflib
import json
import shutil
from collections import Counter
from pathlib import Path

import learn_sites
import pytest
from typer.testing import CliRunner

from cleaner.core.normalise import normalise_text
from cleaner.core.pipeline import learning_view, run
from cleaner.core.segment import segment
from cleaner.rules import repetition
from cleaner.rules.repetition import Learner, normal
from cleaner.run.cli import app
from cleaner.sites.identify import ruleset

SITES = learn_sites.build()
FORCED = {"valleyvoice.example": "valleyvoice.example"}  # markdown copies with no URL
EXPECTED = learn_sites.ROOT / "expected"


def _lines(text: str, markdown: bool) -> list[str]:
    return [normal(u.text) for u in segment(normalise_text(text), markdown) if u.removed is None]


def learn_and_clean(site: str, pages=None, min_pages: int = 3, learn: bool = True):
    pages = SITES[site] if pages is None else pages
    rules = ruleset()
    forced = FORCED.get(site)
    learner = Learner(min_pages)
    for page in pages:
        learner.add(*learning_view(page.text, rules, site=forced, name=page.name))
    learned = learner.freeze() if learn else None
    return {p.name: run(p.text, rules, site=forced, name=p.name, learned=learned) for p in pages}


def _recurring_debris(pages) -> Counter:
    markdown = pages[0].name.endswith(".md")
    seen: Counter = Counter()
    for p in pages:
        seen.update(set(_lines("\n".join(p.of("debris")), markdown)))
    return seen


def _score(site: str, results) -> tuple[list[str], int, int]:
    """(article lines lost, recurring debris lines kept, recurring debris lines)."""
    pages = SITES[site]
    markdown = pages[0].name.endswith(".md")
    seen = _recurring_debris(pages)
    lost, kept, total = [], 0, 0
    for p in pages:
        out = {normal(line) for line in results[p.name].text.split("\n") if line}
        lost += [
            f"{p.name}: {a}" for a in _lines("\n".join(p.of("article")), markdown) if a not in out
        ]
        debris = [d for d in _lines("\n".join(p.of("debris")), markdown) if seen[d] >= 2]
        total += len(debris)
        kept += sum(d in out for d in debris)
    return lost, kept, total


def test_fixture_folders_are_what_the_generator_builds():
    for site, pages in SITES.items():
        folder = learn_sites.ROOT / site
        assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in pages)
        for p in pages:
            assert (folder / p.name).read_text(encoding="utf-8") == p.text, p.name


@pytest.mark.parametrize("site", ["harbourgazette.example", "valleyvoice.example"])
def test_learned_repetition_removes_the_recurring_debris_and_no_article_line(site):
    plain = _score(site, learn_and_clean(site, learn=False))
    lost, kept, total = _score(site, learn_and_clean(site))
    assert not lost, "article lines lost to --learn:\n" + "\n".join(lost)
    assert plain[1] > 0, "the generic rules alone already remove all the debris: no test"
    assert kept <= 0.1 * total, f"{kept} of {total} recurring debris lines kept"
    assert kept < plain[1]


def test_g601_reason_names_the_page_counts():
    results = learn_and_clean("harbourgazette.example")
    reasons = {r.reason for res in results.values() for r in res.removed if r.rule == "G601"}
    assert "on 4 of 12 pages of harbourgazette.example" in reasons  # an author's box
    texts = {r.text for res in results.values() for r in res.removed if r.rule == "G601"}
    assert any(t.startswith("Keep the Gazette on the quay") for t in texts)  # a plea's wording


def test_recurring_article_lines_stay():
    results = learn_and_clean("harbourgazette.example")
    disclaimer = normal(learn_sites._DISCLAIMER)
    pages = SITES["harbourgazette.example"]
    with_disclaimer = [p.name for p in pages if learn_sites._DISCLAIMER in p.text]
    assert len(with_disclaimer) >= 5
    for name in with_disclaimer:  # a lone standard sentence between different paragraphs
        assert disclaimer in normal(results[name].text), name
    credit = [p.name for p in pages if "With reporting by Sam Okafor." in p.text]
    assert len(credit) == 3  # on three pages: K001 holds it on each
    for name in credit:
        assert "With reporting by Sam Okafor." in results[name].text, name
    # page 12 is page 3 scraped again: its paragraphs are on two pages, of one article
    assert results["12-primary-school-roof-to-be.txt"].text.count("\n\n") >= 4
    for line in learn_sites._HARBOUR_ARTICLES[2][4]:
        assert line in results["12-primary-school-roof-to-be.txt"].text


def test_not_firing_without_learn_or_below_min_pages():
    plain = learn_and_clean("harbourgazette.example", learn=False)
    assert not any(r.rule == "G601" for res in plain.values() for r in res.removed)
    few = learn_and_clean("northwind.example")  # 2 pages, fewer than --learn-min-pages 3
    assert not any(r.rule == "G601" for res in few.values() for r in res.removed)
    rules = ruleset()
    for min_pages, learned_sites in ((3, []), (2, ["northwind.example"])):
        learner = Learner(min_pages)
        views = [learning_view(p.text, rules, name=p.name) for p in SITES["northwind.example"]]
        for view in views:
            learner.add(*view)
        learned = learner.freeze()
        assert sorted(learned.sites) == learned_sites
    site, texts = views[0]
    verdicts = learned.verdicts(site, texts, repetition.article_keys(texts))
    marked = {t for t, v in zip(texts, verdicts, strict=True) if v}
    assert marked == {
        "Northwind Islander | Home | News | Ferries",
        "Ferry alerts by text: send FERRY to 50505",
        "Northwind Islander · Pier Road",
    }


def test_a_line_on_pages_of_one_article_only_is_not_boilerplate():
    """Three copies of one article and one other page: the article's lines are on three of
    four pages, but of one article; the widget on both articles goes."""
    article = [
        "A Title For The Story",
        "The first paragraph of the story has more than ten words in it, and ends here.",
        "Short subheading",
        "The second paragraph of the story also has more than ten words, and ends here.",
    ]
    other = [
        "Another Story Entirely",
        "Nothing in this paragraph is like the other story, though it is long enough too.",
        "And its second paragraph is different again, with more than ten words in it.",
    ]
    widget = ["Tide tables and ferry times", "Our corrections policy"]
    pages = [
        learn_sites.Page(f"{k}.txt", [("meta", "Original url: https://one.example/a")])
        for k in range(4)
    ]
    for k, page in enumerate(pages):
        body = other if k == 3 else article
        page.add("article", *body[:2])
        page.add("debris", *(widget[: 1 + k % 2]))  # inside the article: no boundary rule cuts it
        page.add("article", *body[2:])
    rules = ruleset()
    learner = Learner(2)
    for p in pages:
        learner.add(*learning_view(p.text, rules, name=p.name))
    learned = learner.freeze()
    for p in pages:  # no model: the rules alone decide (the model removes the widget too)
        result = run(p.text, rules, name=p.name, learned=learned, model=False)
        for line in p.of("article"):
            assert line in result.text, (p.name, line)
        g601 = [r.text for r in result.removed if r.rule == "G601"]
        assert "Tide tables and ferry times" in g601, p.name


def test_counts_do_not_depend_on_order_or_on_the_sketch(monkeypatch):
    site = "harbourgazette.example"
    base = {n: r.text for n, r in learn_and_clean(site).items()}
    backwards = learn_and_clean(site, pages=list(reversed(SITES[site])))
    assert {n: r.text for n, r in backwards.items()} == base
    monkeypatch.setattr(repetition, "COUNT_CAP", 50)  # the count-min sketch from the start
    learner = Learner()
    for p in SITES[site]:
        learner.add(*learning_view(p.text, ruleset(), name=p.name))
    assert learner.sites[site].counts.exact is None
    sketched = learn_and_clean(site)
    assert {n: r.text for n, r in sketched.items()} == base


def test_merged_counts_equal_counts_of_the_whole():
    rules = ruleset()
    views = [learning_view(p.text, rules, name=p.name) for p in SITES["harbourgazette.example"]]
    whole, a, b = Learner(), Learner(), Learner()
    for k, v in enumerate(views):
        whole.add(*v)
        (a if k % 2 else b).add(*v)
    a.merge(b)
    (site,) = whole.sites
    assert a.sites[site].pages == whole.sites[site].pages
    assert a.sites[site].counts.exact == whole.sites[site].counts.exact


def _cli(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def test_cli_learn_same_output_for_any_jobs_and_order(tmp_path):
    src = tmp_path / "in"
    shutil.copytree(learn_sites.ROOT / "harbourgazette.example", src)
    renamed = tmp_path / "renamed"  # the same pages, walked in the opposite order
    renamed.mkdir()
    names = sorted(p.name for p in src.iterdir())
    for k, name in enumerate(names):
        shutil.copy(src / name, renamed / f"{len(names) - k:02d}-{name}")
    outs = {}
    for label, folder, jobs in (("j1", src, "1"), ("j2", src, "2"), ("rev", renamed, "1")):
        out = tmp_path / f"out-{label}"
        result = _cli("--learn", "--jobs", jobs, str(folder), str(out))
        assert result.exit_code == 0, result.output
        assert "--learn: 12 pages counted" in result.stderr
        outs[label] = {
            p.name.split("-", 1)[1] if label == "rev" else p.name: p.read_text(encoding="utf-8")
            for p in out.iterdir()
        }
    assert outs["j1"] == outs["j2"] == outs["rev"]
    assert (
        "Keep the Gazette on the quay."
        not in outs["j1"]["02-fishing-crews-report-best-herring.txt"]
    )


@pytest.mark.parametrize("site", sorted(SITES))
def test_learn_run_matches_expected(site, update_fixtures):
    results = learn_and_clean(site)
    rules_file = EXPECTED / "rules.json"
    fired = json.loads(rules_file.read_text(encoding="utf-8")) if rules_file.exists() else {}
    if update_fixtures:
        folder = EXPECTED / site
        folder.mkdir(parents=True, exist_ok=True)
        for name, result in results.items():
            (folder / (Path(name).stem + ".txt")).write_text(result.text, encoding="utf-8")
            fired[f"{site}/{name}"] = result.rules_fired
        rules_file.write_text(json.dumps(fired, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        return
    failures = []
    for name, result in results.items():
        path = EXPECTED / site / (Path(name).stem + ".txt")
        expected = path.read_text(encoding="utf-8")
        if result.text != expected:
            failures.append(
                "".join(
                    difflib.unified_diff(
                        expected.splitlines(keepends=True),
                        result.text.splitlines(keepends=True),
                        fromfile=str(path.relative_to(learn_sites.ROOT.parent)),
                        tofile=f"{site}/{name} (--learn)",
                    )
                )
            )
        assert fired[f"{site}/{name}"] == result.rules_fired, name
    if failures:
        pytest.fail("\n".join(failures), pytrace=False)


def test_cli_learn_on_a_record_file(tmp_path):
    src = tmp_path / "pages.jsonl"
    with src.open("w", encoding="utf-8") as fh:
        for p in SITES["harbourgazette.example"]:
            url = f"https://harbourgazette.example/{p.name}"
            fh.write(json.dumps({"url": url, "text": p.text}) + "\n")
    outs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}.jsonl"
        result = _cli("--learn", "--jobs", jobs, str(src), str(out))
        assert result.exit_code == 0, result.output
        rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        assert all("G601" in row["removed_rules"] for row in rows)
        outs.append([row["text"] for row in rows])
    assert outs[0] == outs[1]
    plain = _cli(str(src), str(tmp_path / "plain.jsonl"))
    assert plain.exit_code == 0
    rows = (tmp_path / "plain.jsonl").read_text(encoding="utf-8").splitlines()
    assert not any("G601" in json.loads(row)["removed_rules"] for row in rows)
    stdin = CliRunner().invoke(app, ["--learn", "-", str(tmp_path / "x.jsonl")], input="{}\n")
    assert stdin.exit_code == 2 and "not stdin" in stdin.stderr


def test_html_copies_are_counted_by_their_blocks():
    """HTML pages: counted by their text blocks (no extractor), cleaned by trafilatura's text;
    the recurring paragraphs the extractor keeps go, the article stays."""
    import html as html_lib

    pages = []
    for p in SITES["harbourgazette.example"]:
        url = p.lines[0][1].removeprefix("Original url: ")
        paras = "".join(
            f"<p>{html_lib.escape(t)}</p>" for k, t in p.lines[2:] if k != "blank" and t
        )
        doc = (
            f'<html><head><link rel="canonical" href="{url}"><title>x</title></head>'
            f"<body><article>{paras}</article></body></html>"
        )
        pages.append(learn_sites.Page(p.name.replace(".txt", ".html"), [("raw", doc)]))
    rules = ruleset()
    learner = Learner()
    for page in pages:
        site, texts = learning_view(page.text, rules, name=page.name)
        assert site == "harbourgazette.example" and len(texts) > 20
        learner.add(site, texts)
    learned = learner.freeze()
    fired = 0
    for page, original in zip(pages, SITES["harbourgazette.example"], strict=True):
        result = run(page.text, rules, name=page.name, learned=learned)
        fired += sum(r.rule == "G601" for r in result.removed)
        for line in original.of("article")[1:]:  # the title is the page's <title> here
            assert line in result.text, (page.name, line)
    assert fired >= 12
