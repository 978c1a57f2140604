"""The shipped model against another model file on the four text tracks, through clean().

    python bench/compare_models.py OTHER.json      # e.g. a model file from an earlier commit:
    git show b747d49:cleaner/core/boilerplate_model.json > /tmp/old.json

Prints WCXB word F1 (body only, as bench/quality.py) on the inscriptis and html2text copies and
AEB shingle F1 on the same two renderings, for the shipped text model and OTHER's. In-sample
figures (both models were trained on these pages): a check that a retrained model does not
lose a track, not a measure of generalisation (that is bench/train.py's cross-validation).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common
import wcxb

from cleaner import clean
from cleaner.core import classify


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("other", type=Path, help="a boilerplate_model.json to compare with")
    args = ap.parse_args()
    other = {
        k: classify.load_trees(v)
        for k, v in json.loads(args.other.read_text(encoding="utf-8"))["models"].items()
    }
    shipped = classify.shipped
    models = {"shipped": shipped, str(args.other): lambda name="text": other.get(name)}
    pages = wcxb.load()
    aeb = common.load_pages(common.data_dir(None))
    for renderer, name in (("inscriptis", "page.txt"), ("html2text", "page.md")):
        texts = wcxb.copies(pages, renderer)
        render = common.to_text if renderer == "inscriptis" else common.to_markdown
        aeb_texts = [render(p.html) for p in aeb]
        for label, fn in models.items():
            classify.shipped = fn  # type: ignore[assignment]
            try:
                f1 = []
                for t, p in zip(texts, pages, strict=True):
                    r = clean(t, name=name)
                    f1.append(wcxb.score(wcxb.body_only(r.text, r.title), p).f1)
                scores = [
                    common.score(clean(t, name=name).text, p.truth)
                    for t, p in zip(aeb_texts, aeb, strict=True)
                ]
            finally:
                classify.shipped = shipped
            print(
                f"{renderer:10s} {label:40s} WCXB {np.mean(f1):.4f}  "
                f"AEB {common.aggregate(scores)[0]:.4f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
