"""Learning a site's boilerplate from many copies (#12): quality, and the cost of the learning pass.

Run from the repo root:

    python bench/learn.py                  # fixtures + synthetic sites + timing and memory
    python bench/learn.py --wcxb           # also the WCXB domains with 5 pages or more (HTML)
    python bench/learn.py --quick          # smaller timing and memory runs

Folders of pages grouped by site: the Kyiv Independent fixtures (truth: their expected.txt),
the synthetic sites of tests/learn_sites.py (truth: the article lines they were built from) and,
with --wcxb, the WCXB domains with five pages or more (truth: main_content; ../shared/bench is
read, never written or committed). Each page is cleaned:

- `none`: generic rules only (--no-site-rules);
- `built-in`: with the built-in rule files (where a site has one);
- `--learn`: G601 with the counts of the whole folder, as `clean --learn` runs;
- `draft`: with the rule file `clean learn` drafts from the *other* pages of its site
  (leave-one-out up to 12 pages, else 4 folds), used in place of the built-in file.

Line-level figures over the normalised lines of the output and of the truth: precision, recall,
`lost` (article lines the built-in run keeps and this run loses), `debris` (share of the
recurring debris lines removed: lines of the page, not in the truth, on two or more pages of the
site). Timing and memory: the counting pass (`cleaner.run.learn_pass.count_folder`) against the
cleaning pass over the same synthetic folders of N pages, one process; memory is the counting
pass's tracemalloc peak.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "bench"))

import learn_sites  # noqa: E402
from common import markdown_table  # noqa: E402

from cleaner.core.pipeline import learning_view, run  # noqa: E402
from cleaner.rules.repetition import Learner, normal  # noqa: E402
from cleaner.run.learn_pass import count_folder  # noqa: E402
from cleaner.sites.identify import RuleSet  # noqa: E402
from cleaner.sites.learn import Drafter, render  # noqa: E402


class Site:
    def __init__(self, name: str, domain: str, pages: list[tuple[str, bytes, set[str]]], forced):
        self.name = name
        self.domain = domain
        self.pages = pages  # (file name, contents, truth lines normalised)
        self.forced = forced  # --site for copies with no URL


def _lines(text: str) -> set[str]:
    return {normal(x) for x in text.split("\n") if x.strip()}


def fixture_sites() -> list[Site]:
    folder = REPO / "fixtures" / "kyivindependent.com"
    pages = []
    for case in sorted(p for p in folder.iterdir() if p.is_dir()):
        (given,) = case.glob("input.*")
        truth = _lines((case / "expected.txt").read_text(encoding="utf-8"))
        pages.append((f"{case.name}{given.suffix}", given.read_bytes(), truth))
    return [Site("fixtures", "kyivindependent.com", pages, "kyivindependent.com")]


def synthetic_sites() -> list[Site]:
    out = []
    for domain, pages in learn_sites.build().items():
        rows = []
        for p in pages:
            markdown = p.name.endswith(".md")
            article = "\n".join(p.of("article"))
            truth = {normal(u) for u in _segment(article, markdown)}
            rows.append((p.name, p.text.encode("utf-8"), truth))
        forced = domain if domain == "valleyvoice.example" else None
        out.append(Site("synthetic", domain, rows, forced))
    return out


def _segment(text: str, markdown: bool) -> list[str]:
    from cleaner.core.normalise import normalise_text
    from cleaner.core.segment import segment

    return [u.text for u in segment(normalise_text(text), markdown) if u.removed is None]


def wcxb_sites(min_pages: int = 5) -> list[Site]:
    import wcxb

    by_domain: dict[str, list] = {}
    for page in wcxb.load():
        by_domain.setdefault(page.domain, []).append(page)
    out = []
    for domain, pages in sorted(by_domain.items()):
        if len(pages) < min_pages or not all(p.truth for p in pages):
            continue
        rows = [(f"{p.id}.html", p.raw, _lines(p.truth)) for p in pages]
        out.append(Site("wcxb", domain, rows, domain))
    return out


def _learned(site: Site, rules: RuleSet, pages) -> object:
    learner = Learner()
    for name, data, _ in pages:
        learner.add(*learning_view(data, rules, site=site.forced, name=name))
    return learner.freeze()


def _drafts(site: Site, builtin: RuleSet, tmp: Path) -> dict[str, RuleSet]:
    """For each page, the rule set with the draft of the other pages in place of the built-in
    file (leave-one-out up to 12 pages, else 4 folds)."""
    names = [n for n, _, _ in site.pages]
    folds = [[n] for n in names] if len(names) <= 12 else [names[k::4] for k in range(4)]
    out: dict[str, RuleSet] = {}
    taken = {code[:-3] for s in builtin.sites for code, _ in s.codes()}
    for k, held in enumerate(folds):
        rest = [(n, d) for n, d, _ in site.pages if n not in held]
        drafter = Drafter(lambda rest=rest: iter(rest), builtin, site=site.forced)
        drafts = drafter.draft(only=site.forced, taken=taken - {_prefix(site.domain, builtin)})
        folder = tmp / f"{site.domain}-{k}"
        folder.mkdir()
        for d in drafts:
            (folder / f"{d.domain}.toml").write_text(render(d), encoding="utf-8")
        rules = RuleSet.from_dirs((folder,), builtin=True)
        for n in held:
            out[n] = rules
    return out


def _prefix(domain: str, rules: RuleSet) -> str:
    site = rules.for_domain(domain)
    codes = site.codes() if site else []
    return codes[0][0][:-3] if codes else ""


def evaluate(sites: list[Site]) -> list[list[str]]:
    builtin = RuleSet.from_dirs((), builtin=True)
    generic = RuleSet(())
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for site in sites:
            views = {
                n: {normal(t) for t in learning_view(d, builtin, site=site.forced, name=n)[1]}
                for n, d, _ in site.pages
            }
            seen = Counter(x for v in views.values() for x in v)
            learned = _learned(site, builtin, site.pages)
            drafts = _drafts(site, builtin, Path(tmp))
            outs: dict[str, dict[str, set[str]]] = {}
            for mode in ("none", "built-in", "--learn", "draft"):
                outs[mode] = {}
                for name, data, _ in site.pages:
                    if mode == "none":
                        r = run(data, generic, site=site.forced, name=name, site_rules=False)
                    elif mode == "built-in":
                        r = run(data, builtin, site=site.forced, name=name)
                    elif mode == "--learn":
                        r = run(data, builtin, site=site.forced, name=name, learned=learned)
                    else:
                        r = run(data, drafts[name], site=site.forced, name=name)
                    outs[mode][name] = _lines(r.text)
            for mode, out in outs.items():
                tp = fp = fn = lost = removed = debris = 0
                for name, _, truth in site.pages:
                    got = out[name]
                    tp += len(got & truth)
                    fp += len(got - truth)
                    fn += len(truth - got)
                    lost += len((outs["built-in"][name] & truth) - got)
                    recurring = {x for x in views[name] if seen[x] >= 2 and x not in truth}
                    debris += len(recurring)
                    removed += len(recurring - got)
                rows.append(
                    [
                        f"{site.name}: {site.domain} ({len(site.pages)})",
                        mode,
                        f"{tp / (tp + fp):.3f}" if tp + fp else "-",
                        f"{tp / (tp + fn):.3f}" if tp + fn else "-",
                        str(lost),
                        f"{removed}/{debris} ({removed / debris:.0%})" if debris else "-",
                    ]
                )
    return rows


def _letters(k: int) -> str:
    out = ""
    while True:
        out += "bcdfghjklmnpqrstvwxz"[k % 20]
        k //= 20
        if not k:
            return out


def scaled_folder(folder: Path, n: int) -> dict[str, tuple[set[str], set[str]]]:
    """n pages of harbourgazette.example, each article made unique by a sentence of its own
    (a code in letters: lines are compared with their numbers as 0)."""
    base = learn_sites.harbour_pages()
    folder.mkdir(parents=True)
    labels = {}
    for k in range(n):
        page = base[k % len(base)]
        lines = []
        article, debris = set(), set()
        for kind, text in page.lines:
            if kind == "article" and text.endswith(".") and "Okafor" not in text:
                text += f" The figures for the {_letters(k)} district came from its office."
            lines.append(text)
            (article if kind == "article" else debris if kind == "debris" else set()).add(
                normal(text)
            )
        name = f"{k:05d}-{page.name}"
        (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
        labels[name] = (article, debris)
    return labels


def timing(sizes: list[int], clean_pages: int) -> list[list[str]]:
    rules = RuleSet.from_dirs((), builtin=True)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            folder = Path(tmp) / f"n{n}"
            labels = scaled_folder(folder, n)
            tracemalloc.start()
            counted = count_folder(folder, rules)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            per_count = counted.seconds / n
            files = sorted(folder.iterdir())[:clean_pages]
            start = time.perf_counter()
            outs = {f.name: run(f.read_bytes(), rules, name=f.name, learned=counted.learned)
                    for f in files}  # fmt: skip
            per_clean = (time.perf_counter() - start) / len(files)
            lost = removed = debris = 0
            for name, result in outs.items():
                article, junk = labels[name]
                got = _lines(result.text)
                lost += len(article - got)
                debris += len(junk)
                removed += len(junk - got)
            rows.append(
                [
                    str(n),
                    f"{per_count * 1000:.1f}",
                    f"{per_clean * 1000:.1f}",
                    f"{per_count / per_clean:.2f}",
                    f"{peak / 1e6:.1f}",
                    f"{counted.peak_bytes / 1e6:.2f}",
                    str(lost),
                    f"{removed / debris:.0%}",
                ]
            )
            shutil.rmtree(folder)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wcxb", action="store_true", help="also WCXB domains with 5+ pages")
    parser.add_argument("--quick", action="store_true", help="smaller timing runs")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    sites = fixture_sites() + synthetic_sites()
    if args.wcxb:
        sites += wcxb_sites()
    header = ["site (pages)", "rules", "precision", "recall", "lost", "recurring debris removed"]
    markdown_table(header, evaluate(sites))
    print()
    sizes = [50, 200] if args.quick else [100, 400, 1600]
    header = [
        "pages",
        "count ms/page",
        "clean ms/page",
        "count/clean",
        "count peak MB",
        "counts MB",
        "lost",
        "debris removed",
    ]
    markdown_table(header, timing(sizes, 20 if args.quick else 60))


if __name__ == "__main__":
    main()
