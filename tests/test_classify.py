"""The learned decision's runtime: tree walking, path attributions, Viterbi smoothing, and the
shipped model file (small, on the features of this version, deterministic to read)."""

from __future__ import annotations

import json
from importlib import resources

import numpy as np

from cleaner.core import classify
from cleaner.core.data import Removal
from cleaner.core.features import NAMES, UnitView, matrix

F = len(NAMES)


def stump(feature: int, threshold: float, low: float, high: float) -> classify.Trees:
    """One tree: x[feature] <= threshold -> low, else high (nodes: root, left leaf, right)."""
    return classify.load_trees(
        {
            "features": list(NAMES),
            "feature": [feature, 0, 0],
            "threshold": [threshold, 0.0, 0.0],
            "left": [1, 1, 2],
            "right": [2, 1, 2],
            "value": [0.0, low, high],
            "roots": [0],
            "depth": 1,
            "baseline": 0.5,
            "cut": 0.5,
            "stay": 0.8,
        }
    )


def test_trees_walk_to_their_leaves_and_add_the_baseline():
    trees = stump(2, 0.5, -3.0, 2.0)
    x = np.zeros((3, F))
    x[1, 2] = 1.0
    assert trees.raw(x).tolist() == [-2.5, 2.5, -2.5]


def test_contributions_name_the_feature_split_on():
    trees = stump(4, 0.5, -3.0, 2.0)
    x = np.zeros((2, F))
    x[0, 4] = 0.9
    c = trees.contributions(x)
    assert c[0, 4] == 2.0 and c[1, 4] == -3.0
    assert np.count_nonzero(c) == 2


def test_viterbi_smooths_a_lone_dip_inside_a_run():
    p = np.array([0.9, 0.9, 0.3, 0.9, 0.9, 0.1, 0.1, 0.1])
    assert classify.viterbi(p, 0.9, 0.5).tolist() == [1, 1, 1, 1, 1, 0, 0, 0]
    # Without smoothing (stay 0.5) each unit keeps its own verdict.
    assert classify.viterbi(p, 0.5, 0.5).tolist() == [1, 1, 0, 1, 1, 0, 0, 0]
    assert classify.viterbi(np.array([]), 0.9, 0.5).tolist() == []


def test_features_have_one_column_per_name_and_no_nan():
    units = [
        UnitView("Home | News | Sport", "text", 1.0, False, None, "short", 5),
        UnitView(
            "The council met on Monday to discuss the flood.", "text", 0.0, True, None, "near", 9
        ),
        UnitView("Related stories", "heading", 0.0, True, "G208", "short", 2),
    ]
    x = matrix(units, markdown=False)
    assert x.shape == (3, F)
    assert np.isfinite(x).all()
    assert x[0, NAMES.index("links")] == 1.0
    assert x[2, NAMES.index("related")] == 1.0
    assert x[1, NAMES.index("prev_links")] == 1.0
    assert matrix([], markdown=True).shape == (0, F)


def test_shipped_model_is_small_and_matches_the_features():
    raw = resources.files("cleaner.core").joinpath(classify.MODEL_FILE).read_bytes()
    assert len(raw) < 2_000_000
    model = json.loads(raw)["models"]["text"]
    assert model["features"] == list(NAMES)
    trees = classify.shipped("text")
    assert trees is not None and 0 < trees.cut < 1 and 0.5 <= trees.stay < 1


def doc_of(text: str):
    from cleaner.core.pipeline import rule_stage

    return rule_stage(text, "text", None)


PAGE = (
    "Harbour authority approves new ferry terminal\n\n"
    "The harbour authority approved plans on Monday for a new ferry terminal on the pier.\n\n"
    "The terminal will have room for two ships at once and a large waiting hall, it said.\n\n"
    "Ferries\n\n"
    "Construction is due to start in the autumn and should end two years from now, it said.\n\n"
    "Privacy\n"
)


def constant(p: float) -> classify.Trees:
    """A model that gives every unit probability p (baseline only, one empty-split tree)."""
    raw = float(np.log(p / (1 - p)))
    trees = stump(0, 1e9, 0.0, 0.0)
    return classify.Trees(**{**trees.__dict__, "baseline": raw})


def test_model_removes_short_lines_as_g501_but_never_a_sentence_no_rule_touched():
    doc = doc_of(PAGE)
    classify.decide(doc, constant(0.01))
    removed = {u.text: u.removed.rule for u in doc.units if u.removed is not None}
    assert removed.get("Ferries") == "G501"
    assert "p=0.01" in next(u.removed.reason for u in doc.units if u.text == "Ferries")
    kept = [u.text for u in doc.units if u.removed is None]
    assert all(s in kept for s in (doc.units[1].text, doc.units[2].text, doc.units[4].text))
    assert removed.get("Privacy") == "G402"  # the structural rule's code, confirmed


def test_model_keeps_a_line_a_structural_rule_would_remove_as_k501():
    doc = doc_of(PAGE)
    classify.decide(doc, constant(0.99))
    i = next(i for i, u in enumerate(doc.units) if u.text == "Privacy")
    assert doc.units[i].removed is None and doc.kept_by[i] == "K501"
    assert doc.units[i].note.startswith(classify.KEEP_ARTICLE[1])


def test_a_news_feed_stays_removed_whatever_the_model_says():
    doc = doc_of(PAGE)
    doc.units[3].removed = Removal("G203", "feed", doc.units[3].line, "Ferries")
    assert not classify.open_to_model(doc, 3)
    classify.decide(doc, constant(0.99))
    assert doc.units[3].removed.rule == "G203"


HTML_PAGE = (
    "<h1>Harbour authority approves new ferry terminal</h1>"
    "<p>The harbour authority approved plans on Monday for a new ferry terminal on the pier.</p>"
    "<p>The terminal will have room for two ships at once and a large waiting hall, it said.</p>"
    "<aside><p>Read our other stories about the harbour and the ferries in the archive now.</p>"
    "</aside>"
)


def html_doc(extraction: str):
    from cleaner.core.blocks import html_blocks, mark_extracted
    from cleaner.core.pipeline import rule_stage

    blocks = html_blocks(HTML_PAGE)
    mark_extracted(blocks, extraction)
    return rule_stage("", "html", None, blocks=blocks)


def test_g502_removes_a_sentence_only_when_model_and_extractor_agree():
    article = HTML_PAGE.split("<p>")[1].split("<")[0] + "\n" + HTML_PAGE.split("<p>")[2]
    aside = "Read our other stories about the harbour and the ferries in the archive now."
    sure = classify.Trees(**{**constant(0.01).__dict__, "strict": 0.05})
    doc = html_doc(article)
    classify.decide(doc, sure)
    removed = {u.text: u.removed.rule for u in doc.units if u.removed is not None}
    assert removed.get(aside) == "G502"
    reason = next(u.removed.reason for u in doc.units if u.text == aside)
    assert reason.endswith("(p=0.01); the extractor kept 0% of it"), reason
    # the extractor kept the sentences it agrees on: the model alone does not remove them
    assert not any(code == "G502" and "terminal" in t for t, code in removed.items())
    # strict 0 (text copies, or the model unsure): the sentence stays
    doc = html_doc(article)
    classify.decide(doc, constant(0.01))
    assert all(u.removed is None for u in doc.units if u.text == aside)
    # the extractor kept it too: the sentence stays
    doc = html_doc(article + "\n" + aside)
    classify.decide(doc, sure)
    assert all(u.removed is None for u in doc.units if u.text == aside)
