"""Speed and memory of cleaner on a big corpus (a script, not a test).

Run from the repo root (needs `pip install -e '.[bench]'`; nothing else):

    python bench/speed.py                    # the full run: several minutes
    python bench/speed.py --quick            # small sizes, a smoke run of a minute or so
    python bench/speed.py --docs 10000 --json /tmp/speed.json

Data: the AEB pages in ../shared/bench/aeb beside the repo (override with --data DIR), repeated
until the corpus has --docs documents (default 5,000). Four parts:

1. Throughput, one process and two (cleaner.run.parallel.clean_many): cleaner on the whole-page
   text copies (inscriptis), cleaner on the HTML, bare trafilatura.extract on the HTML, and the
   C4-style line filter on the text copies. docs/s and MB/s of input (MB = 10^6 bytes of
   UTF-8); making the text copies is not timed; one untimed call warms up each method first.
   The two-process figures include starting the pool and sending pages to the workers.
2. Peak memory (RSS) of cleaner streaming a generated JSON Lines file of text copies through
   cleaner.run.records (JSON Lines out), for 5,000 and 50,000 documents, each run in a fresh
   process so that the peaks are separate. The parent's and the largest worker's peaks are
   shown; with bounded memory they do not grow with the corpus.
3. Cost against size: one 1 MB and one 10 MB text copy (AEB text copies concatenated); the
   time ratio is 10 when the cost is linear. Then one hostile document of 1 MB for each shape
   that once took quadratic time (#14, case 6: markdown openers without closers, runs of short
   lines), with its MB/s: a quadratic path shows as a rate far under the others.
4. The command on a folder: `python -m cleaner --quiet --jobs N IN OUT` on 2,000 text copies
   written as files (300 with --quick), one process and two; start-up, file reading and
   writing and the timed worker processes included.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import common

from cleaner.run.parallel import clean_many

MB = 1_000_000
REPO_ROOT = common.REPO_ROOT


# --- the methods (module level, so that worker processes can unpickle them) --------------------


def cleaner_text(source: str) -> str:
    from cleaner import clean

    return clean(source, name="page.txt").text


def cleaner_html(source: str) -> str:
    from cleaner import clean

    return clean(source, name="page.html").text


def cleaner_html_extractor(source: str) -> str:
    from cleaner import clean

    return clean(source, name="page.html", html="extractor").text


def trafilatura_html(source: str) -> str:
    import trafilatura

    return trafilatura.extract(source) or ""


def c4_text(source: str) -> str:
    return common.c4_filter(source)


@dataclass(frozen=True)
class Method:
    name: str
    kind: str  # "text" or "html": which copy of the page it reads
    run: Callable[[str], str]
    needs: str | None = None


METHODS = (
    Method("cleaner, text copies", "text", cleaner_text),
    Method("cleaner, HTML (routed, the default)", "html", cleaner_html),
    Method("cleaner, HTML, html=extractor", "html", cleaner_html_extractor),
    Method("trafilatura.extract, HTML", "html", trafilatura_html, "trafilatura"),
    Method("C4-style line filter, text copies", "text", c4_text),
)


# --- helpers ------------------------------------------------------------------------------------


def utf8_size(texts: Sequence[str]) -> int:
    return sum(len(t.encode("utf-8", errors="surrogatepass")) for t in texts)


def repeat_to(items: Sequence, n: int) -> list:
    return [items[i % len(items)] for i in range(n)]


def cpu_seconds() -> float:
    """CPU time of this process and of its children that have ended (the pool's workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(
    method: Callable[[str], str], inputs: Sequence[str], jobs: int, chunksize: int
) -> tuple[float, float]:
    """(wall seconds, CPU seconds) to run `method` over `inputs` on `jobs` processes, after one
    warm-up call. CPU seconds tell the work done even when other programs share the CPUs."""
    method(inputs[0])
    cpu = cpu_seconds()
    start = time.perf_counter()
    count = sum(1 for _ in clean_many(inputs, method, jobs=jobs, chunksize=chunksize))
    seconds = time.perf_counter() - start
    assert count == len(inputs)
    return seconds, cpu_seconds() - cpu


def mb(n_bytes: float) -> float:
    return n_bytes / MB


# --- 1. throughput ------------------------------------------------------------------------------


def throughput(
    texts: list[str], htmls: list[str], procs: Sequence[int], chunksize: int
) -> list[dict]:
    sizes = {"text": utf8_size(texts), "html": utf8_size(htmls)}
    inputs = {"text": texts, "html": htmls}
    rows = []
    print(
        f"\n1. Throughput — {len(texts):,} documents: text copies {mb(sizes['text']):,.1f} MB, "
        f"HTML {mb(sizes['html']):,.1f} MB"
    )
    header = (
        f"{'method':<34}  {'procs':>5}  {'docs/s':>8}  {'MB/s':>7}  {'seconds':>8}  "
        f"{'× 1 proc':>8}  {'CPU s':>7}  {'docs/CPU s':>10}"
    )
    print(header)
    for method in METHODS:
        if method.needs and common.missing(method.needs):
            print(f"note: {method.needs} is not installed; skipping {method.name}")
            continue
        single = None
        for jobs in procs:
            seconds, cpu = timed(method.run, inputs[method.kind], jobs, chunksize)
            docs_s = len(texts) / seconds
            row = {
                "method": method.name,
                "input": method.kind,
                "procs": jobs,
                "docs": len(texts),
                "mb": mb(sizes[method.kind]),
                "seconds": seconds,
                "docs_per_s": docs_s,
                "mb_per_s": mb(sizes[method.kind]) / seconds,
                "cpu_seconds": cpu,
                "docs_per_cpu_s": len(texts) / cpu if cpu > 0 else None,
            }
            single = single or docs_s
            row["speedup"] = docs_s / single
            rows.append(row)
            print(
                f"{method.name:<34}  {jobs:>5}  {docs_s:>8,.1f}  {row['mb_per_s']:>7.2f}  "
                f"{seconds:>8.1f}  {row['speedup']:>7.2f}×  {cpu:>7.1f}  "
                f"{row['docs_per_cpu_s'] or 0:>10,.1f}",
                flush=True,
            )
    return rows


# --- 2. peak memory of the streaming path -------------------------------------------------------

CHILD = """
import json, resource, sys, time
from cleaner.run.records import clean_records

def peak_kb():
    # VmHWM is this process's own high-water mark; ru_maxrss would also count the memory of
    # the process that started this one (Linux keeps it across execve).
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

src, dst, jobs = sys.argv[1], sys.argv[2], int(sys.argv[3])
start = time.perf_counter()
stats = clean_records(src, dst, jobs=jobs)
seconds = time.perf_counter() - start
print(json.dumps({
    "records": stats.records,
    "errors": stats.errors,
    "seconds": seconds,
    "parent_kb": peak_kb(),
    "worker_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
}))
"""


def write_corpus(path: Path, texts: Sequence[str], urls: Sequence[str], n: int) -> int:
    """A JSON Lines file of n records {"id", "url", "text"}; its size in bytes."""
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        for i in range(n):
            j = i % len(texts)
            fh.write(json.dumps({"id": i, "url": urls[j], "text": texts[j]}, ensure_ascii=False))
            fh.write("\n")
    return path.stat().st_size


def stream_in_child(src: Path, dst: Path, jobs: int) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(src), str(dst), str(jobs)],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        check=False,
    )
    if proc.returncode != 0:
        sys.exit(f"streaming run failed ({proc.returncode}):\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def memory(
    texts: list[str], urls: list[str], sizes: Sequence[int], jobs: int, workdir: Path
) -> list[dict]:
    print(
        f"\n2. Peak memory — cleaner on text copies streamed JSON Lines → JSON Lines through "
        f"cleaner.run.records, {jobs} process(es), each run in a fresh process"
    )
    print(
        f"{'documents':>10}  {'input MB':>9}  {'seconds':>8}  {'docs/s':>7}  "
        f"{'parent peak MB':>14}  {'worker peak MB':>14}"
    )
    rows = []
    for n in (1, *sizes):
        src, dst = workdir / f"corpus-{n}.jsonl", workdir / f"out-{n}.jsonl"
        size = write_corpus(src, texts, urls, n)
        got = stream_in_child(src, dst, jobs if n > 1 else 1)
        src.unlink()
        dst.unlink(missing_ok=True)
        assert got["records"] == n, got
        row = {
            "docs": n,
            "jobs": jobs if n > 1 else 1,
            "input_mb": mb(size),
            "seconds": got["seconds"],
            "docs_per_s": n / got["seconds"],
            "parent_peak_mb": got["parent_kb"] * 1024 / MB,
            "worker_peak_mb": got["worker_kb"] * 1024 / MB if n > 1 and jobs > 1 else None,
            "errors": got["errors"],
        }
        rows.append(row)
        label = "1 (base)" if n == 1 else f"{n:,}"
        worker = f"{row['worker_peak_mb']:>14.1f}" if row["worker_peak_mb"] else f"{'-':>14}"
        print(
            f"{label:>10}  {row['input_mb']:>9.1f}  {row['seconds']:>8.1f}  "
            f"{row['docs_per_s']:>7.1f}  {row['parent_peak_mb']:>14.1f}  {worker}",
            flush=True,
        )
    return rows


# --- 3. cost against size -----------------------------------------------------------------------


def long_copy(texts: Sequence[str], size: int) -> str:
    parts, total, i = [], 0, 0
    while total < size:
        part = texts[i % len(texts)]
        parts.append(part)
        total += len(part.encode("utf-8")) + 2
        i += 1
    return "\n\n".join(parts)


def linearity(texts: list[str], sizes_mb: Sequence[float]) -> dict:
    print("\n3. Cost against size — one long text copy (AEB text copies concatenated), cleaner")
    print(f"{'size MB':>8}  {'seconds':>8}  {'MB/s':>7}  {'output MB':>9}")
    cleaner_text(texts[0])
    rows = []
    for size_mb in sizes_mb:
        doc = long_copy(texts, int(size_mb * MB))
        size = utf8_size([doc])
        start = time.perf_counter()
        out = cleaner_text(doc)
        seconds = time.perf_counter() - start
        rows.append(
            {
                "target_mb": size_mb,
                "mb": mb(size),
                "seconds": seconds,
                "mb_per_s": mb(size) / seconds,
                "output_mb": mb(utf8_size([out])),
            }
        )
        r = rows[-1]
        print(
            f"{r['mb']:>8.2f}  {seconds:>8.2f}  {r['mb_per_s']:>7.2f}  {r['output_mb']:>9.2f}",
            flush=True,
        )
    small, big = rows[0], rows[-1]
    ratio = big["seconds"] / small["seconds"]
    size_ratio = big["mb"] / small["mb"]
    print(
        f"time ratio {big['mb']:.0f} MB / {small['mb']:.0f} MB: {ratio:.1f} "
        f"(size ratio {size_ratio:.1f}; equal = linear)"
    )
    return {"rows": rows, "time_ratio": ratio, "size_ratio": size_ratio}


def _repeat(unit: str, size: int) -> str:
    return unit * max(1, size // len(unit))


# (shape, file name, document of about `size` bytes): the shapes of #14, case 6.
HOSTILE: tuple[tuple[str, str, Callable[[int], str]], ...] = (
    ('"**x " repeated', "page.md", lambda size: _repeat("**x ", size)),
    ('"__x " repeated', "page.txt", lambda size: _repeat("__x ", size)),
    ('"](" then "["s', "page.txt", lambda size: _repeat("](", size // 2) + "[" * (size // 2)),
    ('"<http://a" repeated', "page.txt", lambda size: _repeat("<http://a", size)),
    ('"![a](" repeated', "page.txt", lambda size: _repeat("![a](", size)),
    ('"[x](" repeated', "page.md", lambda size: _repeat("[x](", size)),
    (
        "date lines",
        "page.txt",
        lambda size: "".join(f"March {1 + i % 28}, 2021\n" for i in range(size // 15)),
    ),
    (
        "one sentence broken over lines",
        "page.txt",
        lambda size: (
            "the first line of this broken paragraph goes on and on\n" + _repeat("and on\n", size)
        ),
    ),
    (
        "bullets and headlines",
        "page.md",
        lambda size: "".join(f"- a\nHeadline number {i}\n" for i in range(size // 24)),
    ),
)


def hostile(size_mb: float) -> list[dict]:
    size = int(size_mb * MB)
    print(f"{'hostile shape':<32}  {'file':<8}  {'MB':>5}  {'seconds':>8}  {'MB/s':>7}")
    rows = []
    for shape, name, make in HOSTILE:
        doc = make(size)
        start = time.perf_counter()
        clean_as(doc, name)
        seconds = time.perf_counter() - start
        mbs = mb(utf8_size([doc]))
        rows.append({"shape": shape, "name": name, "mb": mbs, "seconds": seconds})
        rows[-1]["mb_per_s"] = mbs / seconds
        print(
            f"{shape:<32}  {name:<8}  {mbs:>5.2f}  {seconds:>8.2f}  {mbs / seconds:>7.2f}",
            flush=True,
        )
    return rows


def clean_as(source: str, name: str) -> str:
    from cleaner import clean

    return clean(source, name=name).text


# --- the command on a folder ---------------------------------------------------------------------


def folder(texts: Sequence[str], n: int, procs: Sequence[int], workdir: Path) -> list[dict]:
    """`clean --quiet --jobs N IN OUT` on a folder of n text copies, as a user runs it: reading
    and writing files, the timed worker processes, the report; start-up included."""
    src = workdir / "in"
    src.mkdir()
    for i, text in enumerate(repeat_to(texts, n)):
        (src / f"page-{i:06d}.txt").write_text(text, encoding="utf-8")
    size = utf8_size(repeat_to(texts, n))
    print(f"\n4. The command on a folder — {n:,} text copies ({mb(size):.1f} MB)")
    print(f"{'command':<36} {'docs/s':>9} {'MB/s':>8} {'seconds':>9}")
    rows = []
    for jobs in procs:
        out = workdir / f"out-{jobs}"
        start = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "cleaner",
                "--quiet",
                "--jobs",
                str(jobs),
                str(src),
                str(out),
            ],
            check=True,
        )
        seconds = time.perf_counter() - start
        written = sum(1 for _ in out.iterdir())
        if written != n:
            sys.exit(f"clean --jobs {jobs} wrote {written} of {n} outputs")
        rows.append({"jobs": jobs, "docs_per_s": n / seconds, "mb_per_s": mb(size) / seconds})
        print(
            f"{'clean --jobs ' + str(jobs):<36} {n / seconds:>9.1f} {mb(size) / seconds:>8.2f} {seconds:>9.1f}"
        )
    return rows


# --- main ---------------------------------------------------------------------------------------


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for dist in ("cleaner", "trafilatura", "inscriptis", "lxml"):
        try:
            found[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            found[dist] = "not installed"
    return found


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def load() -> str:
    """The 1-minute load average: other programs on the CPUs slow the wall-clock figures."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "unknown"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="cleaner's speed and memory on a big corpus")
    common.add_data_argument(parser)
    parser.add_argument(
        "--docs", type=int, metavar="N", help="documents in the throughput corpus (default 5000)"
    )
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run")
    parser.add_argument("--procs", type=int, default=2, help="processes of the parallel runs")
    parser.add_argument("--chunksize", type=int, default=8, help="documents per task sent")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write all figures as JSON")
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=("throughput", "memory", "linearity", "folder"),
    )
    parser.add_argument("--workdir", type=Path, help="where the generated corpora go (deleted)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if common.missing("inscriptis"):
        sys.exit("inscriptis is not installed: pip install -e '.[bench]'")
    docs = args.docs or (300 if args.quick else 5_000)
    memory_sizes = (300, 3_000) if args.quick else (5_000, 50_000)
    linear_sizes = (0.1, 1.0) if args.quick else (1.0, 10.0)

    data = common.data_dir(args.data)
    pages = common.load_pages(data, args.limit)
    common.quiet_peers()
    start = time.perf_counter()
    texts_once = [p.text for p in pages]
    failed = [p.sha[:12] for p in pages if p.copy_errors]
    made = time.perf_counter() - start
    found = versions()
    print(f"AEB: {len(pages)} pages from {data}; text copies made in {made:.1f} s")
    if failed:
        print(f"note: making the text copy failed for {len(failed)} page(s): {failed}")
    print("versions: " + ", ".join(f"{k} {v}" for k, v in found.items()))
    print(f"machine: {cpu_name()}, {os.cpu_count()} CPUs; load average {load()} at the start")

    report: dict = {
        "data": str(data),
        "pages": len(pages),
        "versions": found,
        "cpu": cpu_name(),
        "cpus": os.cpu_count(),
        "quick": args.quick,
    }
    texts = repeat_to(texts_once, docs)
    htmls = repeat_to([p.html for p in pages], docs)
    if "throughput" not in args.skip:
        procs = (1, args.procs) if args.procs > 1 else (1,)
        report["throughput"] = throughput(texts, htmls, procs, args.chunksize)
    del texts, htmls
    if "memory" not in args.skip:
        workdir = Path(tempfile.mkdtemp(prefix="cleaner-speed-", dir=args.workdir))
        try:
            report["memory"] = memory(
                texts_once, [p.url for p in pages], memory_sizes, args.procs, workdir
            )
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
    if "linearity" not in args.skip:
        report["linearity"] = linearity(texts_once, linear_sizes)
        report["linearity"]["hostile"] = hostile(0.1 if args.quick else 1.0)
    if "folder" not in args.skip:
        workdir = Path(tempfile.mkdtemp(prefix="cleaner-speed-", dir=args.workdir))
        try:
            procs = (1, args.procs) if args.procs > 1 else (1,)
            report["folder"] = folder(texts_once, 300 if args.quick else 2_000, procs, workdir)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    print(f"\nload average {load()} at the end")
    report["peak_rss_mb_this_process"] = (
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / MB
    )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
        print(f"\nfigures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
