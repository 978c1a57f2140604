"""Metadata from HTML pages: title, author, date and URL against the WCXB ground truth, and the
language detector against each page's <html lang>.

Run from the repo root (needs trafilatura; inscriptis for the language rows on text copies):

    python bench/metadata.py                 # WCXB (1,310 pages) and AEB (181 pages)
    python bench/metadata.py --limit 100 --json /tmp/metadata.json
    python bench/metadata.py --bench wcxb --misses /tmp/misses.jsonl   # every miss, to group

Methods: trafilatura's metadata (`bare_extraction(html, with_metadata=True)`, which also
extracts the text: its time is the whole call), today's `cleaner.core.html.read_metadata` and
`cleaner.core.pagemeta.read_html_metadata`. Every method sees the page alone (no URL is given,
so the URL column measures what the page's markup says; --with-url passes the page's URL).

For each field, `found` is the share of the pages whose ground truth has the field that get a
matching value, `false` the share of the pages whose ground truth has none that get a value all
the same. Matching: titles after folding case, quotes, dashes and spaces, equal or token F1 >=
0.8; authors by name-token F1 >= 0.5; dates by the same calendar day; URLs equal after dropping
the scheme, a leading www., the fragment and a trailing slash. AEB's ground truth has only the
URL and the article body, so only the URL and the language are scored there.

Language: `detect_language` on the ground truth's main text (and on the whole-page inscriptis
copy), compared with the primary subtag of <html lang> on the pages that declare one.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import re
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata as dist_metadata
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
import wcxb  # noqa: E402

FIELDS = ("title", "author", "date", "url")

# --- matching -----------------------------------------------------------------------------------

_QUOTES = str.maketrans({c: "'" for c in "‘’‚‛′`´"} | {c: '"' for c in "“”„‟″«»"})
_DASHES = re.compile(r"[‐‑‒–—―−]")
_WORD = re.compile(r"\w+")


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).lower()
    return " ".join(_DASHES.sub("-", text).split())


def _f1(a: list[str], b: list[str]) -> float:
    if not a or not b:
        return 0.0
    tp = sum((Counter(a) & Counter(b)).values())
    return 2 * tp / (len(a) + len(b))


def tokens_f1(found: str, truth: str) -> float:
    return _f1(_WORD.findall(fold(found)), _WORD.findall(fold(truth)))


def title_match(found: str, truth: str) -> bool:
    return fold(found) == fold(truth) or tokens_f1(found, truth) >= 0.8


def _name_tokens(text: str) -> list[str]:
    text = unicodedata.normalize("NFKD", fold(text))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return [w for w in _WORD.findall(text) if w not in {"and", "by"}]


def author_match(found: str, truth: str) -> bool:
    return _f1(_name_tokens(found), _name_tokens(truth)) >= 0.5


def date_match(found: str, truth: str) -> bool:
    return found.strip()[:10] == truth.strip()[:10]


def url_key(url: str) -> str:
    url = url.strip().split("#", 1)[0]
    url = re.sub(r"^[a-z][a-z0-9+.-]*://", "", url, flags=re.I)
    host, _, rest = url.partition("/")
    return host.lower().removeprefix("www.") + "/" + rest.rstrip("/")


def url_match(found: str, truth: str) -> bool:
    return url_key(found) == url_key(truth)


MATCH: dict[str, Callable[[str, str], bool]] = {
    "title": title_match,
    "author": author_match,
    "date": date_match,
    "url": url_match,
}

# --- methods ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    title: str | None = None
    author: str | None = None
    date: str | None = None
    url: str | None = None


def trafilatura_meta(html: str, url: str | None) -> Found:
    import trafilatura

    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    if doc is None:
        return Found()
    return Found(doc.title, doc.author, doc.date, doc.url)


def _cleaner(read: Callable) -> Callable[[str, str | None], Found]:
    from selectolax.lexbor import LexborHTMLParser

    from cleaner.core.html import close_title

    def run(html: str, url: str | None) -> Found:
        # What cleaner.core.html.extract does before reading the metadata.
        html, _ = close_title(html)
        meta = read(LexborHTMLParser(html), html, url)
        return Found(meta.title, meta.byline, meta.date, meta.url)

    return run


def methods() -> dict[str, Callable[[str, str | None], Found]]:
    from cleaner.core.html import read_metadata
    from cleaner.core.pagemeta import read_html_metadata

    return {
        "trafilatura": trafilatura_meta,
        "cleaner today (html.read_metadata)": _cleaner(read_metadata),
        "cleaner (pagemeta.read_html_metadata)": _cleaner(read_html_metadata),
        "cleaner.clean on the HTML (the default, routed)": html_path,
    }


def html_path(html: str, url: str | None) -> Found:
    """What `cleaner.clean` reports for the HTML page, read the default way."""
    import cleaner

    r = cleaner.clean(html, name="page.html", url=url)
    return Found(r.title, r.byline, r.date, r.url)


def text_path(text: str, url: str | None) -> Found:
    """The text path on a text copy of the page: what `cleaner.clean` reports."""
    import cleaner

    r = cleaner.clean(text, name="page.txt", url=url)
    return Found(r.title, r.byline, r.date, r.url)


def run(
    method: Callable, inputs: list[str], urls: list[str | None]
) -> tuple[list[Found], float, int]:
    """Outputs, seconds summed over the calls (one untimed warm-up first) and crashes."""
    if inputs:
        with contextlib.suppress(Exception):
            method(inputs[0], urls[0])
    out: list[Found] = []
    seconds, errors = 0.0, 0
    for text, url in zip(inputs, urls, strict=True):
        start = time.perf_counter()
        try:
            found = method(text, url)
        except Exception:
            found, errors = Found(), errors + 1
        seconds += time.perf_counter() - start
        out.append(found)
    return out, seconds, errors


def score(found: list[Found], truths: list[dict], fields: tuple[str, ...]) -> dict:
    """Per field: found (share of the pages with a truth that match) and false (share of the
    pages without one that get a value), with their counts."""
    result = {}
    for name in fields:
        have = hits = none = false = 0
        for f, t in zip(found, truths, strict=True):
            value, truth = getattr(f, name), t.get(name)
            value = value.strip() if isinstance(value, str) else value
            if truth:
                have += 1
                hits += bool(value) and MATCH[name](value, truth)
            else:
                none += 1
                false += bool(value)
        result[name] = {
            "found": hits / have if have else None,
            "false": false / none if none else None,
            "pages_with": have,
            "pages_without": none,
        }
    return result


# --- language -----------------------------------------------------------------------------------

_HTML_LANG = re.compile(r"""<html\b[^>]*?\slang\s*=\s*["']?([A-Za-z]{2,3})\b""", re.I)


def declared_language(html: str) -> str | None:
    m = _HTML_LANG.search(html, 0, 50_000)
    return m.group(1).lower() if m else None


def language_rows(pages: list, texts: dict[str, list[str]]) -> list[dict]:
    from cleaner.core.pagemeta import detect_language

    rows = []
    declared = [declared_language(p.html) for p in pages]
    for source, items in texts.items():
        pairs = [(d, t) for d, t in zip(declared, items, strict=True) if d]
        detect_language("warm-up text for the detector, long enough to be read")
        start = time.perf_counter()
        got = [detect_language(t) for _, t in pairs]
        seconds = time.perf_counter() - start
        agree = sum(g == d for g, (d, _) in zip(got, pairs, strict=True))
        undecided = sum(g is None for g in got)
        rows.append(
            {
                "text": source,
                "pages": len(pairs),
                "agreement": agree / len(pairs) if pairs else None,
                "undecided": undecided,
                "ms_per_page": 1000 * seconds / len(pairs) if pairs else None,
                "disagreements": Counter(
                    f"{d}->{g}" for g, (d, _) in zip(got, pairs, strict=True) if g != d
                ).most_common(12),
            }
        )
    return rows


# --- report -------------------------------------------------------------------------------------


def pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def print_fields(title: str, n: int, results: dict, fields: tuple[str, ...]) -> None:
    first = next(iter(results.values()))["scores"]
    print(f"\n### {title} — {n} pages\n")
    header = ["method"]
    for name in fields:
        s = first[name]
        header += [f"{name} found (/{s['pages_with']})"]
        if name != "url" and s["pages_without"]:
            header += [f"false {name}s (/{s['pages_without']})"]
    header += ["ms/page", "crashes"]
    rows = []
    for method, r in results.items():
        row = [method]
        for name in fields:
            s = r["scores"][name]
            row.append(pct(s["found"]))
            if name != "url" and first[name]["pages_without"]:
                row.append(pct(s["false"]))
        row += [f"{r['ms_per_page']:.2f}", str(r["crashes"])]
        rows.append(row)
    common.markdown_table(header, rows)


def print_language(title: str, rows: list[dict]) -> None:
    print(f"\n### {title}: detect_language vs <html lang>\n")
    common.markdown_table(
        ["text", "pages with lang", "agreement", "undecided", "ms/page"],
        [
            [
                r["text"],
                str(r["pages"]),
                pct(r["agreement"]),
                str(r["undecided"]),
                f"{r['ms_per_page']:.2f}",
            ]
            for r in rows
        ],
    )
    for r in rows:
        if r["disagreements"]:
            pairs = ", ".join(f"{k} ×{v}" for k, v in r["disagreements"])
            print(f"\n{r['text']}: most frequent disagreements (declared->detected): {pairs}")


def misses(found: dict[str, list[Found]], pages: list, truths: list[dict], fields) -> list[dict]:
    """Every page, method and field where the value found does not match the ground truth, or
    where a value is found that the ground truth does not have (a false find)."""
    out = []
    for method, values in found.items():
        for page, f, t in zip(pages, values, truths, strict=True):
            for name in fields:
                value, truth = getattr(f, name), t.get(name)
                value = value.strip() if isinstance(value, str) else value
                if truth and not (value and MATCH[name](value, truth)):
                    kind = "missed" if not value else "wrong"
                elif not truth and value:
                    kind = "false"
                else:
                    continue
                out.append(
                    {
                        "page": page.id,
                        "domain": page.domain,
                        "page_type": page.page_type,
                        "method": method,
                        "field": name,
                        "kind": kind,
                        "found": value,
                        "truth": truth,
                    }
                )
    return out


def evaluate(
    runs: dict[str, tuple[Callable, list[str]]],
    urls: list[str | None],
    truths: list[dict],
    fields: tuple[str, ...],
    subsets: dict[str, list[int]],
    found_out: dict | None = None,
) -> dict:
    """Each method run once on its inputs (the HTML or a text copy), then scored on each subset
    of the pages (all of them, the even- and the odd-numbered ones)."""
    found = {}
    for name, (method, inputs) in runs.items():
        found[name] = run(method, inputs, urls)
    if found_out is not None:
        found_out.update({name: out for name, (out, _, _) in found.items()})
    results: dict[str, dict] = {}
    for subset, idx in subsets.items():
        results[subset] = {}
        for name, (out, seconds, crashes) in found.items():
            results[subset][name] = {
                "scores": score([out[i] for i in idx], [truths[i] for i in idx], fields),
                "ms_per_page": 1000 * seconds / len(out) if out else 0.0,
                "crashes": crashes,
            }
    return results


def halves(ids: list[str]) -> dict[str, list[int]]:
    """All pages, the even-numbered ones (to develop on) and the odd-numbered ones (to check)."""
    out = {"all": list(range(len(ids))), "even": [], "odd": []}
    for i, pid in enumerate(ids):
        number = int(pid) if pid.isdigit() else i
        out["odd" if number % 2 else "even"].append(i)
    return out


def versions() -> dict[str, str]:
    out = {}
    for dist in ("trafilatura", "htmldate", "selectolax", "py3langid", "inscriptis"):
        try:
            out[dist] = dist_metadata.version(dist)
        except dist_metadata.PackageNotFoundError:
            out[dist] = "not installed"
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, metavar="N", help="only the first N pages of each")
    parser.add_argument("--bench", choices=("wcxb", "aeb", "all"), default="all")
    parser.add_argument("--with-url", action="store_true", help="give each method the page URL")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the figures as JSON")
    parser.add_argument(
        "--misses",
        type=Path,
        metavar="FILE",
        help="write one JSON line per WCXB page, method and field that misses (or finds a "
        "value the ground truth does not have): what was found and what the truth is",
    )
    parser.add_argument(
        "--methods",
        metavar="WORDS",
        help="only the methods whose name contains one of these comma-separated words",
    )
    args = parser.parse_args(argv)
    common.quiet_peers()
    logging.getLogger("htmldate").setLevel(logging.ERROR)
    report: dict = {"versions": versions(), "with_url": args.with_url}
    print(f"versions: {', '.join(f'{k} {v}' for k, v in report['versions'].items())}")

    def chosen(runs: dict) -> dict:
        if not args.methods:
            return runs
        words = [w.strip() for w in args.methods.split(",") if w.strip()]
        return {k: v for k, v in runs.items() if any(w in k for w in words)}

    def method_runs(pages: list, inscriptis: list[str] | None) -> dict:
        html = [p.html for p in pages]
        runs = {name: (method, html) for name, method in methods().items()}
        if inscriptis is not None:
            runs["cleaner text path (inscriptis copy)"] = (text_path, inscriptis)
        return chosen(runs)

    if args.bench in ("wcxb", "all"):
        pages = wcxb.load(limit=args.limit)
        truths = [
            {"title": p.title, "author": p.author, "date": p.date, "url": p.url} for p in pages
        ]
        urls = [p.url if args.with_url else None for p in pages]
        copies = None if common.missing("inscriptis") else wcxb.copies(pages, "inscriptis")
        subsets = halves([p.id for p in pages])
        found: dict = {}
        results = evaluate(method_runs(pages, copies), urls, truths, FIELDS, subsets, found)
        if args.misses:
            rows = misses(found, pages, truths, FIELDS)
            with args.misses.open("w", encoding="utf-8") as fh:
                fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
            print(f"{len(rows)} misses and false finds written to {args.misses}")
        for subset, label in (
            ("all", "all pages"),
            ("even", "even-numbered pages"),
            ("odd", "odd-numbered pages"),
        ):
            n = len(subsets[subset])
            print_fields(f"WCXB metadata, {label}", n, results[subset], FIELDS)
        texts = {"ground-truth main_content": [p.truth for p in pages]}
        if copies is not None:
            texts["whole page (inscriptis)"] = copies
        lang = language_rows(pages, texts)
        print_language("WCXB language", lang)
        report["wcxb"] = {"pages": len(pages), "methods": results, "language": lang}

    if args.bench in ("aeb", "all"):
        pages = common.load_pages(common.data_dir(None), args.limit)
        truths = [{"url": p.url} for p in pages]
        urls = [p.url if args.with_url else None for p in pages]
        copies = None if common.missing("inscriptis") else [p.text for p in pages]
        subsets = {"all": list(range(len(pages)))}
        results = evaluate(method_runs(pages, copies), urls, truths, ("url",), subsets)
        print_fields(
            "AEB metadata (its ground truth has only the URL)",
            len(pages),
            results["all"],
            ("url",),
        )
        lang = language_rows(pages, {"ground-truth articleBody": [p.truth for p in pages]})
        print_language("AEB language", lang)
        report["aeb"] = {"pages": len(pages), "methods": results["all"], "language": lang}

    if args.json:
        args.json.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
