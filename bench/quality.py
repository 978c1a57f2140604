"""Extraction quality of cleaner against peers on the AEB article extraction benchmark.

Run from the repo root (needs `pip install -e '.[bench]'`):

    python bench/quality.py                  # all three tracks on all 181 pages
    python bench/quality.py --track text --limit 20 --worst 10
    python bench/quality.py --dump /tmp/aeb-out --json /tmp/quality.json

Data: ../shared/bench/aeb beside the repo (override with --data DIR). Three tracks score the
article body (not the title) with the benchmark's 4-gram shingle metric:

1. html      the saved HTML: cleaner vs trafilatura, readability-lxml, jusText
2. text      whole-page text copies (inscriptis): cleaner vs the page as it is, jusText on
             the lines, a C4-style line filter
3. markdown  the same four methods on whole-page markdown copies (html2text)

docs/s counts each method's own processing time only (one untimed warm-up call first; making
the text copies is not counted). cleaner runs with its built-in site rules on, and the script
fails if any of them fires, so the figures measure the generic path.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import common
from common import Page, Run, SiteRuleFired


@dataclass(frozen=True)
class Method:
    name: str
    run: Callable[[object], str]
    source: Callable[[Page], object]  # what the method reads from a page (made before timing)
    needs: str | None = None  # an optional library; the method is skipped without it


@dataclass(frozen=True)
class Track:
    key: str
    title: str
    needs: str | None  # the library that makes the track's input
    methods: tuple[Method, ...]


def text_methods(cleaner_name: str, source: Callable[[Page], str]) -> tuple[Method, ...]:
    return (
        Method("cleaner", common.cleaner_method(cleaner_name), source),
        Method("page as it is", common.identity, source),
        Method("jusText on paragraphs", common.justext_lines_method, source, "justext"),
        Method("C4-style line filter", common.c4_filter, source),
    )


def tracks() -> dict[str, Track]:
    html = Track(
        "html",
        "Track 1: HTML input",
        None,
        (
            Method("cleaner", common.cleaner_method("page.html"), lambda p: p.html),
            Method("trafilatura", common.trafilatura_method, lambda p: p.html, "trafilatura"),
            Method("readability-lxml", common.readability_method, lambda p: p.html, "readability"),
            Method("jusText", common.justext_method, lambda p: p.raw, "justext"),
        ),
    )
    text = Track(
        "text",
        "Track 2: text copies, plain (inscriptis)",
        "inscriptis",
        text_methods("page.txt", lambda p: p.text),
    )
    markdown = Track(
        "markdown",
        "Track 3: text copies, markdown (html2text)",
        "html2text",
        text_methods("page.md", lambda p: p.markdown),
    )
    return {t.key: t for t in (html, text, markdown)}


# --- reporting ----------------------------------------------------------------------------------


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def print_table(title: str, rows: list[dict]) -> None:
    width = max([len("method"), *(len(r["method"]) for r in rows)])
    print(f"\n{title}")
    print(f"{'method':<{width}}  {'F1':>6}  {'precision':>9}  {'recall':>6}  {'docs/s':>10}")
    for r in rows:
        print(
            f"{r['method']:<{width}}  {r['f1']:>6.3f}  {r['precision']:>9.3f}  "
            f"{r['recall']:>6.3f}  {r['docs_per_s']:>10,.1f}"
        )
    for r in rows:
        if r["errors"]:
            print(f"note: {r['method']} failed on {r['errors']} page(s), counted as empty output")


def print_worst(pages: list[Page], per_doc: list[dict], n: int) -> list[dict]:
    order = sorted(range(len(pages)), key=lambda i: (per_doc[i]["f1"], pages[i].sha))[:n]
    worst = [{"sha": pages[i].sha, "url": pages[i].url, **per_doc[i]} for i in order]
    print(f"\nworst {len(worst)} for cleaner by F1:")
    print(f"  {'F1':>5}  {'P':>5}  {'R':>5}  {'sha':<12}  url")
    for w in worst:
        print(f"  {w['f1']:5.3f}  {w['p']:5.3f}  {w['r']:5.3f}  {w['sha'][:12]}  {w['url']}")
    return worst


def dump(root: Path, track: str, method: str, pages: list[Page], outputs: list[str]) -> None:
    folder = root / track / slug(method)
    folder.mkdir(parents=True, exist_ok=True)
    for page, out in zip(pages, outputs, strict=True):
        (folder / f"{page.sha}.txt").write_text(out, encoding="utf-8")


def finite(value: object) -> object:
    """The report with inf/nan (a method too fast to time) as null, so the JSON stays valid."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [finite(v) for v in value]
    return value


DISTRIBUTIONS = ("cleaner", "trafilatura", "readability-lxml", "jusText", "inscriptis", "html2text")


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for dist in DISTRIBUTIONS:
        try:
            found[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            found[dist] = "not installed"
    return found


# --- running ------------------------------------------------------------------------------------


def run_track(track: Track, pages: list[Page], args: argparse.Namespace) -> dict | None:
    if track.needs and common.missing(track.needs):
        print(f"\n{track.title}\nnote: {track.needs} is not installed; track skipped")
        return None
    labels = [f"page {p.sha} ({p.url})" for p in pages]
    if track.needs:  # make the text copies once, before any timing
        for page in pages:
            getattr(page, track.key)
        failed = [p.sha[:12] for p in pages if any(e.startswith(track.key) for e in p.copy_errors)]
        if failed:
            print(f"note: making the {track.key} copy failed for {len(failed)} page(s): {failed}")
    rows, methods = [], {}
    for method in track.methods:
        if method.needs and common.missing(method.needs):
            print(f"note: {method.needs} is not installed; skipping {method.name}")
            continue
        inputs = [method.source(p) for p in pages]
        run: Run = common.run_method(method.run, inputs, labels)
        scores = [common.score(out, p.truth) for out, p in zip(run.outputs, pages, strict=True)]
        f1, precision, recall = common.aggregate(scores)
        row = {
            "method": method.name,
            "f1": f1,
            "precision": precision,
            "recall": recall,
            "docs_per_s": run.docs_per_second,
            "seconds": run.seconds,
            "docs": len(pages),
            "errors": len(run.errors),
        }
        rows.append(row)
        methods[method.name] = {
            **row,
            "error_pages": {pages[i].sha: msg for i, msg in run.errors.items()},
            "per_doc": {
                p.sha: {"f1": s.f1, "p": s.precision, "r": s.recall}
                for p, s in zip(pages, scores, strict=True)
            },
        }
        if args.dump:
            dump(args.dump, track.key, method.name, pages, run.outputs)
    print_table(f"{track.title} — {len(pages)} pages", rows)
    result = {"title": track.title, "methods": methods}
    if args.worst and "cleaner" in methods:
        per_doc = [methods["cleaner"]["per_doc"][p.sha] for p in pages]
        result["worst_cleaner"] = print_worst(pages, per_doc, args.worst)
    return result


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="cleaner vs peers on the AEB article extraction benchmark"
    )
    common.add_data_argument(parser)
    parser.add_argument("--track", choices=("html", "text", "markdown", "all"), default="all")
    parser.add_argument(
        "--dump", type=Path, metavar="DIR", help="write every output to DIR/<track>/<method>/"
    )
    parser.add_argument(
        "--worst", type=int, default=0, metavar="N", help="list cleaner's N worst pages per track"
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="write all figures as JSON")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    data = common.data_dir(args.data)
    pages = common.load_pages(data, args.limit)
    common.quiet_peers()
    found = versions()
    print(f"AEB: {len(pages)} pages from {data}")
    print("versions: " + ", ".join(f"{k} {v}" for k, v in found.items()))
    if args.dump:
        truth = args.dump / "truth"
        truth.mkdir(parents=True, exist_ok=True)
        for page in pages:
            (truth / f"{page.sha}.txt").write_text(page.truth, encoding="utf-8")

    chosen = tracks()
    keys = list(chosen) if args.track == "all" else [args.track]
    results: dict[str, dict] = {}
    try:
        for key in keys:
            result = run_track(chosen[key], pages, args)
            if result is None:
                continue
            results[key] = result
            if key == "html":
                methods = result["methods"]
                if "cleaner" in methods and "trafilatura" in methods:
                    ratio = methods["cleaner"]["docs_per_s"] / methods["trafilatura"]["docs_per_s"]
                    result["cleaner_vs_trafilatura_speed"] = ratio
                    print(f"\ncleaner docs/s ÷ trafilatura docs/s (HTML input): {ratio:.2f}×")
    except SiteRuleFired as exc:
        msg = f"FAIL: a built-in site rule fired, so this is not the generic path: {exc}"
        print(f"\n{msg}", file=sys.stderr)
        return 1

    if args.json:
        report = {
            "data": str(data),
            "pages": len(pages),
            "versions": found,
            "tracks": results,
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(finite(report), indent=2, ensure_ascii=False, allow_nan=False)
        args.json.write_text(text, encoding="utf-8")
        print(f"\nfigures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
