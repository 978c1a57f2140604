"""Train the title picker of text copies shipped in cleaner/core/title_model.json.

    python bench/train_title.py              # cross-validate by domain, then train on all, write
    python bench/train_title.py --no-write   # figures only
    python bench/train_title.py --dump F     # also write the candidates (pickle) for studies

Needs `pip install -e '.[train]'` and ../shared/bench/wcxb. Every WCXB page is rendered by
three renderers (inscriptis, html2text, html_text); each copy is cleaned as clean() cleans it,
and where the article finder picks the title, its candidates (core/title.features) are taken
down with a label each: the line is the ground truth's title (bench/metadata.title_match). The
figure optimised is the share of pages whose title is found, on pages whose domain the model
never saw (folds by domain, as bench/train.py's); the cut below which no title is taken is
chosen on those out-of-fold scores. The same data and seed give the same file.
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import train
import wcxb
from metadata import fold, title_match, tokens_f1
from train import folds

import cleaner
from cleaner.core import title as learned

RENDERERS = ("inscriptis", "html2text", "html_text")
# bench/train.py's trees, smaller: a page has tens of candidates, not thousands of units.
PARAMS = {**train.PARAMS, "max_iter": 120, "max_leaf_nodes": 15, "max_depth": 6}
PARAMS["min_samples_leaf"] = 20
# A wrong title costs the user more than none: the cut gives up at most this share of the
# titles found (out of fold, on any renderer's copies) for the wrong ones it drops (at 0.02:
# about a third of the wrong titles).
MAX_FOUND_COST = 0.02
CUTS = tuple(round(0.05 * k, 2) for k in range(0, 12))
OUT = Path(__file__).resolve().parent.parent / "cleaner" / "core" / learned.MODEL_FILE


class _Recorder:
    """Stands in for the model while the copies are cleaned: answers with the rules' pick, so
    that the pipeline runs as it does without a model."""

    cut = 0.5
    features = learned.FEATURES

    def raw(self, x: np.ndarray) -> np.ndarray:
        return np.where(x[:, learned.COLUMNS["rule_pick"]] > 0, 10.0, -10.0)

    def contributions(self, x: np.ndarray) -> np.ndarray:
        return np.zeros_like(x)


def title_closeness(text: str, truth: str) -> float:
    """1 for the title folded, else its word F1 with it where title_match counts it found."""
    if fold(text) == fold(truth):
        return 1.0
    return tokens_f1(text, truth) if title_match(text, truth) else 0.0


class Copy:
    def __init__(self, page, renderer: str, x: np.ndarray, texts: list[str]) -> None:
        self.page, self.renderer, self.x = page, renderer, x
        self.group = page.domain
        # The candidates nearest the title: where "Home » Blog » X" and "X" both match the
        # ground truth's "X", only "X" is the title (a breadcrumb is not one).
        close = [title_closeness(t, page.title) if page.title else 0.0 for t in texts]
        best = max(close, default=0.0)
        self.y = np.array([c == best and c > 0 for c in close], dtype=bool)
        self.texts = texts


def build(pages, renderers=RENDERERS) -> list[Copy]:
    """Clean each copy with the recorder as the model, taking down every title pick's
    candidates; the one on the whole copy (the most units; the last such: K005's retry) is the
    deciding one, the others are the settling passes' on the output."""
    rec = _Recorder()
    learned.shipped.cache_clear()
    saved = learned.shipped
    learned.shipped = lambda: rec  # type: ignore[assignment]
    taken: list = []
    features_of = learned.features

    def spy(doc, start, cands, rule, helpers):  # rule: (index, how the rules found it)
        x = features_of(doc, start, cands, rule, helpers)
        taken.append((len(doc.units), x, [doc.units[i].text for i in cands]))
        return x

    learned.features = spy  # type: ignore[assignment]
    out = []
    try:
        for renderer in renderers:
            name = "page.md" if renderer == "html2text" else "page.txt"
            for p, text in zip(pages, wcxb.copies(pages, renderer), strict=True):
                taken.clear()
                cleaner.clean(text, name=name)
                if not taken:
                    out.append(Copy(p, renderer, np.zeros((0, len(learned.FEATURES))), []))
                    continue
                size = max(t[0] for t in taken)
                _, x, texts = [t for t in taken if t[0] == size][-1]
                out.append(Copy(p, renderer, x, texts))
    finally:
        learned.shipped = saved
        learned.features = features_of  # type: ignore[assignment]
    return out


def fit(copies: list[Copy]):
    from sklearn.ensemble import HistGradientBoostingClassifier

    x = np.vstack([c.x for c in copies if len(c.x)])
    y = np.concatenate([c.y for c in copies if len(c.x)])
    # each copy weighs the same, however many candidates it has
    w = np.concatenate([np.full(len(c.x), 1.0 / len(c.x)) for c in copies if len(c.x)])
    clf = HistGradientBoostingClassifier(**PARAMS)
    clf.fit(x, y, sample_weight=w * len(copies))
    return clf


def figures(copies: list[Copy], scores: list[np.ndarray], cut: float) -> dict[str, float]:
    """Per renderer: titles found (share of pages with one, matched as bench/metadata.py
    matches them), wrong titles (a title that is not the page's, share of all pages)."""
    out: dict[str, float] = {}
    for renderer in sorted({c.renderer for c in copies}):
        rows = [(c, s) for c, s in zip(copies, scores, strict=True) if c.renderer == renderer]
        have = [(c, s) for c, s in rows if c.page.title]
        found = wrong = 0
        for c, s in rows:
            if not len(s):
                continue
            best, _ = learned.decide(c.x, s, cut)  # as clean() decides
            if best is None:
                continue
            if c.page.title and title_match(c.texts[best], c.page.title):
                found += 1  # as bench/metadata.py counts it
            else:
                wrong += 1
        out[f"{renderer} found"] = found / max(1, len(have))
        out[f"{renderer} wrong"] = wrong / max(1, len(rows))
    return out


def rule_scores(copies: list[Copy]) -> list[np.ndarray]:
    col = learned.COLUMNS["rule_pick"]
    return [np.where(c.x[:, col] > 0, 10.0, -10.0) if len(c.x) else c.x[:, 0] for c in copies]


def export(clf, cut: float) -> dict:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from train import export as export_trees

    data = export_trees(clf, cut, 0.0)
    data["features"] = list(learned.FEATURES)
    return data


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--limit", type=int, help="first N WCXB pages (smoke runs)")
    ap.add_argument("--renderers", nargs="*", default=RENDERERS, help="studies: fewer copies")
    ap.add_argument("--dump", type=Path, help="write the copies' candidates here (pickle)")
    ap.add_argument("--load", type=Path, help="read the candidates from a --dump file")
    ap.add_argument("--out", type=Path, default=OUT, help="where to write the model")
    args = ap.parse_args()
    if args.load:
        copies = pickle.loads(args.load.read_bytes())
    else:
        pages = wcxb.load(limit=args.limit)
        copies = build(pages, args.renderers)
        if args.dump:
            for c in copies:
                c.page.__dict__.pop("html", None)
            args.dump.write_bytes(pickle.dumps(copies))
    print(f"{len(copies)} copies, {sum(len(c.x) for c in copies)} candidates")
    ceiling = Counter(c.renderer for c in copies if c.y.any())
    with_title = Counter(c.renderer for c in copies if c.page.title)
    for r in sorted(with_title):
        print(f"ceiling {r}: {ceiling[r] / max(1, with_title[r]):.3f} (a candidate is the title)")
    base = figures(copies, rule_scores(copies), 0.5)
    print("rules' pick:", json.dumps({k: round(v, 4) for k, v in base.items()}))

    fold = folds(copies, 5)
    oof: list[np.ndarray] = [np.zeros(len(c.x)) for c in copies]
    for k in range(5):
        train = [c for c, f in zip(copies, fold, strict=True) if f != k]
        clf = fit(train)
        for j, (c, f) in enumerate(zip(copies, fold, strict=True)):
            if f == k and len(c.x):
                oof[j] = clf.decision_function(c.x)
    best_cut = 0.0
    at_zero = figures(copies, oof, 0.0)
    for cut in CUTS:
        fig = figures(copies, oof, cut)
        print(f"cut {cut:.2f}:", json.dumps({k: round(v, 4) for k, v in fig.items()}))
        cost = max(at_zero[k] - fig[k] for k in fig if k.endswith("found"))
        if cost <= MAX_FOUND_COST:
            best_cut = cut
    print(f"cut chosen: {best_cut}")
    if args.no_write:
        return
    clf = fit(copies)
    args.out.write_text(json.dumps(export(clf, best_cut), separators=(",", ":")) + "\n")
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
