"""The learned article/boilerplate decision for every unit of a page, explained like a linter.

The model is gradient-boosted trees (trained by bench/train.py with scikit-learn's
HistGradientBoostingClassifier on units labelled by their alignment with the main content of
labelled pages) read from a small JSON file and evaluated here with numpy: all trees walk all
units at once, one level per step. Its probabilities are then smoothed along the page by a
two-state hidden Markov model (Viterbi), so that a list, a table or a thread is kept or dropped
whole rather than line by line (the sequence labelling of boilerplate, as in Spousta et al.,
Victor: the Web-Page Cleaning Tool, CLEANEVAL 2008).

The rules stay in front: a site rule, a phrase rule or a keep rule always wins. The structural
rules (feeds, story lists, threads, the article finder's header and footer) are features: the
model confirms them (their code is kept) or overrides them (K501 keeps the line); a line no rule
touched that the model finds boilerplate goes as G501, its reason naming the features that
weighed most.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from importlib import resources

import numpy as np

from cleaner.core.article import classify as article_class
from cleaner.core.article import words
from cleaner.core.document import Doc
from cleaner.core.features import NAMES, STRUCTURAL, UnitView, matrix
from cleaner.rules.registry import RULES

MODEL_FILE = "boilerplate_model.json"
NOT_ARTICLE = RULES["G501"].pair
AGREED = RULES["G502"].pair
KEEP_ARTICLE = RULES["K501"].pair
EXPLAIN_TOP = 3  # features named in a reason
# Units walked through the trees at once. Every unit's walk is its own, so the result is the
# same; whole, a page of 70,000 short lines made trees x units arrays of 80 MB each, and took
# four times longer per unit than a page of 18,000 (memory traffic, not arithmetic).
CHUNK = 1024


@dataclass(frozen=True)
class Trees:
    """Every tree's nodes in flat arrays; a leaf's children are itself, so that walking a fixed
    number of levels leaves each unit on its leaf."""

    features: tuple[str, ...]
    feature: np.ndarray  # int: the column a node splits on
    threshold: np.ndarray  # go left when x <= threshold
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray  # a leaf's score; an inner node's mean (for explanations)
    roots: np.ndarray
    depth: int
    baseline: float
    cut: float  # the probability at which a unit is as likely article as not (tuned)
    stay: float  # HMM: the probability that the next unit has the same state (tuned)
    # HTML: below this probability a sentence no rule touched goes too, when the extractor left
    # it out as well (G502); 0 keeps every such sentence (tuned; text copies have no extractor)
    strict: float = 0.0

    @functools.cached_property  # (a frozen dataclass without slots: its __dict__ takes it)
    def _walk(self) -> tuple[np.ndarray, np.ndarray]:
        """The nodes' features, and their children in one array, right child first: a node's
        child is children[2 * node + (x <= threshold)], one gather where np.where took two."""
        children = np.stack([self.right, self.left], axis=1).ravel().astype(np.intp)
        return self.feature.astype(np.intp), children

    def _step(
        self, node: np.ndarray, xf: np.ndarray, offsets: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """One level down for every tree and unit (x flattened, offsets: each unit's row start);
        returns the children and the features split on."""
        feature, children = self._walk
        f = feature.take(node)
        go_left = xf.take(f + offsets) <= self.threshold.take(node)
        return children.take(2 * node + go_left), f

    def raw(self, x: np.ndarray) -> np.ndarray:
        if x.shape[0] > CHUNK:
            return np.concatenate([self.raw(x[i : i + CHUNK]) for i in range(0, len(x), CHUNK)])
        n = x.shape[0]
        feature, children = self._walk
        xf = np.ascontiguousarray(x).ravel()
        offsets = np.arange(0, n * x.shape[1], x.shape[1], dtype=np.intp)
        roots = self.roots[:, None]
        if self.depth == 0:
            return self.baseline + self.value[np.repeat(roots, n, axis=1)].sum(axis=0)
        # At the roots every unit of a tree asks the same column: one gather of x's columns.
        go_left = (x[:, feature[self.roots]] <= self.threshold[self.roots]).T
        node = children.take(2 * roots + go_left)
        for _ in range(self.depth - 1):
            f = feature.take(node)
            f += offsets
            go_left = xf.take(f) <= self.threshold.take(node)
            node *= 2
            node += go_left
            node = children.take(node)
        return self.baseline + self.value[node].sum(axis=0)

    def contributions(self, x: np.ndarray) -> np.ndarray:
        """Per unit and feature, how much each split on that feature moved the score (the path
        attribution of Saabas, treeinterpreter): rows of x, columns of features."""
        if x.shape[0] > CHUNK:
            parts = [self.contributions(x[i : i + CHUNK]) for i in range(0, len(x), CHUNK)]
            return np.concatenate(parts)
        n = x.shape[0]
        out = np.zeros(n * len(self.features))
        xf = np.ascontiguousarray(x).ravel()
        offsets = np.arange(0, n * x.shape[1], x.shape[1], dtype=np.intp)
        node = np.repeat(self.roots[:, None], n, axis=1)
        cols = np.arange(n)[None, :]
        for _ in range(self.depth):
            child, f = self._step(node, xf, offsets)
            delta = self.value[child] - self.value[node]
            flat = (cols * len(self.features) + f).ravel()
            out += np.bincount(flat, weights=delta.ravel(), minlength=out.size)
            node = child
        return out.reshape(n, len(self.features))


def load_trees(data: dict) -> Trees:
    return Trees(
        features=tuple(data["features"]),
        feature=np.asarray(data["feature"], dtype=np.intp),
        threshold=np.asarray(data["threshold"], dtype=np.float64),
        left=np.asarray(data["left"], dtype=np.intp),
        right=np.asarray(data["right"], dtype=np.intp),
        value=np.asarray(data["value"], dtype=np.float64),
        roots=np.asarray(data["roots"], dtype=np.intp),
        depth=int(data["depth"]),
        baseline=float(data["baseline"]),
        cut=float(data["cut"]),
        stay=float(data["stay"]),
        strict=float(data.get("strict", 0.0)),
    )


@functools.cache
def model_data() -> dict | None:
    """The shipped model file, parsed once (None when it is absent): its models and the HTML
    router (core/route.py)."""
    try:
        raw = resources.files(__package__).joinpath(MODEL_FILE).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    return json.loads(raw)


@functools.cache
def shipped(name: str = "text") -> Trees | None:
    """The model shipped in the package for `name` ("text": the lines of text copies, "html": the
    blocks of HTML pages; None when it is absent)."""
    data = model_data()
    models = data["models"] if data is not None else {}
    if name not in models:
        return None
    trees = load_trees(models[name])
    if trees.features != NAMES:
        raise RuntimeError(f"{MODEL_FILE}: trained on other features; run bench/train.py")
    return trees


# --- smoothing ---------------------------------------------------------------------------------


def viterbi(p: np.ndarray, stay: float, prior: float) -> np.ndarray:
    """The likeliest article/boilerplate sequence, given each unit's probability of being
    article (emission likelihoods p/prior and (1-p)/(1-prior): a unit at p == prior is neutral)
    and the chance `stay` that a unit is in the state of the one before it. Returns booleans:
    article."""
    n = len(p)
    if n == 0:
        return np.zeros(0, dtype=bool)
    eps = 1e-6
    pc = np.clip(p, eps, 1 - eps)
    e1 = np.log(pc / prior)
    e0 = np.log((1 - pc) / (1 - prior))
    ls, lm = math.log(stay), math.log(1 - stay)
    back = np.zeros((n, 2), dtype=np.int8)
    s0, s1 = e0[0] + math.log(1 - prior), e1[0] + math.log(prior)
    e0l, e1l = e0.tolist(), e1.tolist()
    for i in range(1, n):
        a0, b0 = s0 + ls, s1 + lm  # into boilerplate: from boilerplate, from article
        a1, b1 = s0 + lm, s1 + ls
        if a0 >= b0:
            n0 = a0
        else:
            n0, back[i, 0] = b0, 1
        if a1 >= b1:
            n1 = a1
        else:
            n1, back[i, 1] = b1, 1
        s0, s1 = n0 + e0l[i], n1 + e1l[i]
    state = 1 if s1 > s0 else 0
    out = np.zeros(n, dtype=bool)
    for i in range(n - 1, -1, -1):
        out[i] = state == 1
        state = back[i, state]
    return out


# --- the decision on a document ----------------------------------------------------------------


def views(doc: Doc) -> list[UnitView]:
    out = []
    for u in doc.units:
        code = u.removed.rule if u.removed is not None else None
        klass = article_class(u.text, u.kind, u.link_share) if u.text else "short"
        out.append(
            UnitView(
                u.text, u.kind, u.link_share, u.blank_before, code, klass, words(u.text), u.dom
            )
        )
    return out


# The structural rules the model may overrule. A feed of timestamped headlines (G203) is
# boilerplate on every page type the product promises to clean, and what follows the article's
# closing credit line (G403) is past its explicit end: their verdicts stand.
OVERRULABLE = frozenset(STRUCTURAL) - {"G203", "G403"}


def open_to_model(doc: Doc, i: int) -> bool:
    """Whether the model decides unit i: live, or removed only by a structural rule it may
    overrule; never a protected line, a line a keep rule holds, or the title."""
    u = doc.units[i]
    if u.protected or i in doc.kept_by or i == doc.title_index:
        return False
    return u.removed is None or u.removed.rule in OVERRULABLE


def probabilities(trees: Trees, x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-trees.raw(x)))


def reason(trees: Trees, contrib: np.ndarray, row: np.ndarray, p: float, keep: bool) -> str:
    """'(p=0.06): links=1, repeats=4': the probability and the features that weighed most for
    (keep) or against the unit."""
    sign = 1.0 if keep else -1.0
    order = np.argsort(-sign * contrib)[:EXPLAIN_TOP]
    parts = [f"{trees.features[j]}={row[j]:.2g}" for j in order if sign * contrib[j] > 0]
    return f"(p={p:.2f}): " + ", ".join(parts) if parts else f"(p={p:.2f})"


def decide(doc: Doc, trees: Trees | None = None) -> None:
    """Apply the model to the units open to it (see open_to_model)."""
    if trees is None:
        html = any(u.dom is not None for u in doc.units)
        trees = (shipped("html") if html else None) or shipped("text")
    if trees is None or not doc.units:
        return
    views_ = views(doc)
    x = matrix(views_, doc.markdown)
    p = probabilities(trees, x)
    article = viterbi(p, trees.stay, trees.cut)
    flips: list[tuple[int, bool, tuple[str, str]]] = []
    for i, u in enumerate(doc.units):
        if not open_to_model(doc, i):
            continue
        if article[i] and u.removed is not None:
            flips.append((i, True, KEEP_ARTICLE))
        elif not article[i] and u.removed is None:
            # When in doubt, keep: a sentence of ten words and more that no rule touched is
            # never removed on the model's word alone (a page's last paragraph looks like a
            # footer to it, by position); on HTML, when the extractor left it out too and the
            # model is sure, two judges agree.
            # Hidden text (tab panels, a <noscript> copy) was never seen by a reader: it stays
            # only on the model's word.
            if views_[i].klass != "good" or (u.dom is not None and u.dom.hidden):
                flips.append((i, False, NOT_ARTICLE))
            elif u.dom is not None and p[i] < trees.strict and u.dom.extracted < 0.5:
                flips.append((i, False, AGREED))
    live_after = sum(u.removed is None for u in doc.units) + sum(k for _, k, _ in flips)
    if live_after - sum(not k for _, k, _ in flips) <= 0:
        # The model would leave nothing: a page of short lines it cannot read (opening hours,
        # a contact card). Nothing is removed on its word alone; the report says so.
        flips = [f for f in flips if f[1]]
        doc.warnings.append("the model found no article text: it removed no line")
    if not flips:
        return
    rows = np.array([i for i, _, _ in flips])
    contrib = trees.contributions(x[rows])
    for k, (i, keep, (code, name)) in enumerate(flips):
        why = reason(trees, contrib[k], x[i], float(p[i]), keep)
        u = doc.units[i]
        if keep:
            u.removed = None
            doc.kept_by[i] = code
            u.note = f"{name} {why}"
        else:
            if code == AGREED[0] and u.dom is not None:  # AGREED is only given to HTML blocks
                why += f"; the extractor kept {u.dom.extracted:.0%} of it"
            doc.remove(i, code, f"{name} {why}")
