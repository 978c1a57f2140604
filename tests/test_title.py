"""The learned title picker of text copies (core/title.py): its candidates, its features, the
choice and the cut, and the shipped model."""

from __future__ import annotations

import json
from importlib import resources

import numpy as np
import pytest

import cleaner
from cleaner.core import article, classify
from cleaner.core import title as learned
from cleaner.core.pipeline import rule_stage

PROSE = (
    "Our clinic offers check-ups, cleaning and fillings for the whole family, and we take new "
    "patients every week of the year.\n\n"
    "Every visit starts with a short talk about your teeth, so that the dentist knows what "
    "worries you before the treatment begins.\n\n"
    "We are open on Saturdays as well, and an emergency line is staffed around the clock for "
    "patients in pain.\n"
)
PAGE = "Home\nAbout us\nContact\n\nDental Care\n\n" + PROSE


def scorer(score_of) -> classify.Trees:
    """A stand-in model whose score is score_of(row of features)."""

    class Model:
        cut = 0.5
        features = learned.FEATURES

        def raw(self, x):
            return np.array([score_of(row) for row in x], dtype=float)

        def contributions(self, x):
            return np.zeros_like(x)

    return Model()  # type: ignore[return-value]


def test_shipped_title_model_is_small_and_matches_the_features():
    raw = resources.files("cleaner.core").joinpath(learned.MODEL_FILE).read_bytes()
    assert len(raw) < 500_000
    assert json.loads(raw)["features"] == list(learned.FEATURES)
    model = learned.shipped()
    assert model is not None and 0 <= model.cut < 1


def test_a_two_word_title_is_a_candidate_a_one_word_label_is_not(monkeypatch):
    monkeypatch.setattr(learned, "shipped", lambda: None)  # no title picked yet
    doc = rule_stage(PAGE, "text", None)
    start = next(i for i, u in enumerate(doc.units) if u.text.startswith("Our clinic"))
    texts = [doc.units[i].text for i in article.title_candidates(doc, start)]
    assert "Dental Care" in texts
    assert not {"Home", "Contact"} & set(texts)
    assert "About us" in texts  # two words: the model weighs it against the title


@pytest.mark.parametrize(
    ("line", "candidate"),
    [
        ("Northwind Islander | Home | News | Ferries", False),  # the site's menu on one line
        ("Shop · Blog · About · Contact", False),
        ("Ferry timetable changes for spring | Northwind Islander", True),  # a site suffix
        ("Online Math Tutors | Online Math Help | The Princeton Review", True),
    ],
)
def test_a_menu_on_one_line_is_no_candidate_a_title_with_its_site_is(monkeypatch, line, candidate):
    monkeypatch.setattr(learned, "shipped", lambda: None)
    doc = rule_stage(f"{line}\n\n{PROSE}", "text", None)
    start = next(i for i, u in enumerate(doc.units) if u.text.startswith("Our clinic"))
    texts = [doc.units[i].text for i in article.title_candidates(doc, start)]
    assert (line in texts) == candidate


def test_the_picker_takes_the_best_candidate_and_the_text_keeps_it_first(monkeypatch):
    col = learned.COLUMNS["words"]
    # a stand-in that likes "Dental Care" (nearest the prose) best
    off = learned.COLUMNS["offset"]
    monkeypatch.setattr(learned, "shipped", lambda: scorer(lambda r: 5.0 + r[off] * r[col]))
    r = cleaner.clean(PAGE, name="page.txt")
    assert r.title == "Dental Care"
    assert r.text.startswith("Dental Care\n\nOur clinic")
    again = cleaner.clean(r.text, name="page.txt")
    assert (again.title, again.text) == (r.title, r.text)


def test_below_the_cut_no_title_is_taken(monkeypatch):
    monkeypatch.setattr(learned, "shipped", lambda: scorer(lambda r: -5.0))
    r = cleaner.clean(PAGE, name="page.txt")
    assert r.title is None
    assert "Dental Care" not in r.text  # a header line like the menu's, removed with it


def test_without_a_model_the_rules_pick(monkeypatch):
    monkeypatch.setattr(learned, "shipped", lambda: None)
    page = "Skip to content\n\nMedieval maps go online\nMarch 12, 2024\n\n" + PROSE
    r = cleaner.clean(page, name="page.txt")
    assert r.title == "Medieval maps go online"


def test_features_one_row_per_candidate_and_the_rules_pick_marked(monkeypatch):
    monkeypatch.setattr(learned, "shipped", lambda: None)
    doc = rule_stage(PAGE, "text", None)
    start = next(i for i, u in enumerate(doc.units) if u.text.startswith("Our clinic"))
    cands = article.title_candidates(doc, start)
    rule = cands[-1]
    x = learned.features(doc, start, cands, (rule, article.BY_ANCHOR), article.TitleHelpers(doc))
    assert x.shape == (len(cands), len(learned.FEATURES))
    assert np.isfinite(x).all()
    assert x[:, learned.COLUMNS["rule_pick"]].tolist() == [0.0] * (len(cands) - 1) + [2.0]
    assert x[-1, learned.COLUMNS["offset"]] == rule - start
    assert x[:, learned.COLUMNS["chars_vs_best"]].max() == 0.0


@pytest.mark.parametrize("rows", [0, 3])
def test_choose_takes_the_argmax_above_the_cut_never_below_the_start(rows):
    x = np.zeros((rows, len(learned.FEATURES)))
    words = learned.COLUMNS["words"]
    x[:, words] = np.arange(rows)
    x[:, learned.COLUMNS["offset"]] = -5
    x[:, learned.COLUMNS["position"]] = 0.5
    model = scorer(lambda r: r[words] - 1.0)
    row, p = learned.choose(model, x)
    assert row == (2 if rows else None)
    assert p == (pytest.approx(1 / (1 + np.exp(-1.0))) if rows else 0.0)
    if rows:
        x[2, learned.COLUMNS["offset"]] = 1  # below the article's start: never the title
        assert learned.choose(model, x)[0] == 1  # the next best, p=0.5: at the cut
        x[1, words] = 0
        assert learned.choose(model, x)[0] is None  # below the cut


def test_the_rules_anchored_pick_stands_unless_the_model_likes_another_clearly_better():
    x = np.zeros((2, len(learned.FEATURES)))
    x[:, learned.COLUMNS["offset"]] = [-3, -2]
    x[:, learned.COLUMNS["position"]] = [0.1, 0.2]
    low = np.array([-6.0, -4.0])  # both below the cut
    assert learned.decide(x, low, 0.05)[0] is None
    x[1, learned.COLUMNS["rule_pick"]] = article.BY_ANCHOR
    assert learned.decide(x, low, 0.05)[0] == 1
    x[1, learned.COLUMNS["rule_pick"]] = article.BY_NEARNESS  # the nearest headline: not enough
    assert learned.decide(x, low, 0.05)[0] is None
    x[0, learned.COLUMNS["rule_pick"]] = article.BY_ANCHOR
    assert learned.decide(x, np.array([-4.0, -4.3]), 0.05)[0] == 0  # within the margin
    assert learned.decide(x, np.array([-4.0, 1.0]), 0.05)[0] == 1  # the model is sure


def test_the_line_that_opens_the_page_above_the_article_is_the_title_whatever_the_scores():
    x = np.zeros((2, len(learned.FEATURES)))
    x[:, learned.COLUMNS["offset"]] = [-1, 0]
    x[:, learned.COLUMNS["position"]] = [0.0, 0.1]
    assert learned.decide(x, np.array([-9.0, 3.0]), 0.05) == (0, 1.0)
    x[0, learned.COLUMNS["offset"]] = -2  # a line between: the scores decide
    assert learned.decide(x, np.array([-9.0, 3.0]), 0.05)[0] == 1


def test_the_sites_name_is_no_candidate_where_the_url_names_the_site(monkeypatch):
    monkeypatch.setattr(learned, "shipped", lambda: None)
    page = (
        "Original url: https://www.harbourgazette.example/2025/03/x\n\nHarbour Gazette\n\n" + PAGE
    )
    doc = rule_stage(page, "text", None, url="https://www.harbourgazette.example/2025/03/x")
    start = next(i for i, u in enumerate(doc.units) if u.text.startswith("Our clinic"))
    texts = [doc.units[i].text for i in article.title_candidates(doc, start)]
    assert "Dental Care" in texts and "Harbour Gazette" not in texts
    doc = rule_stage("Harbour Gazette\n\n" + PAGE, "text", None)  # no URL: nothing to go by
    start = next(i for i, u in enumerate(doc.units) if u.text.startswith("Our clinic"))
    assert "Harbour Gazette" in [doc.units[i].text for i in article.title_candidates(doc, start)]
