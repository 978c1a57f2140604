"""`clean IN OUT` on big folders: --jobs N, the progress display, --skip-existing and Ctrl-C.

Inputs are copies of the repo's fixture pages. The Ctrl-C tests run `clean` as a subprocess
whose cleaning is slowed down (a sleep per document, patched in before the workers fork), so
that the run is still going when SIGINT arrives however fast the machine is.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cleaner.run import cli, folder_run, workers
from cleaner.run.progress import INTERVAL_ENV, Progress, progress_mode

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
# Pages of every kind (text, markdown, HTML; generic and site rules), not the bad inputs.
PAGES = sorted(p for p in FIXTURES.glob("*/*/input.*") if p.parent.parent.name != "bad")
BAD = sorted((FIXTURES / "bad").glob("*/input.*"))

SUMMARY_RE = re.compile(
    r"^read (\d+), written (\d+), skipped (\d+), failed (\d+)(?:, suspect \d+)?; "
    r"\d+\.\d% of text removed$",
    re.M,
)
NO_LOG = {INTERVAL_ENV: "3600"}  # no progress line in stderr compared whole, however slow
PROGRESS_RE = re.compile(r"^clean: \d+/\d+ docs, \d+\.\d docs/s, (\d+ skipped, )?\d+ failed", re.M)


def invoke(*args, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli.app, [str(a) for a in args], env=env)


def counts(stderr: str) -> tuple[int, int, int, int]:
    """read, written, skipped, failed of the (last) summary line."""
    found = SUMMARY_RE.findall(stderr)
    assert found, f"no summary line in {stderr!r}"
    return tuple(int(n) for n in found[-1])  # type: ignore[return-value]


def corpus(folder: Path, n: int, *, bad: bool = False) -> Path:
    """n copies of the fixture pages under folder, spread over a few subfolders."""
    sources = PAGES + (BAD if bad else [])
    for i in range(n):
        src = sources[i % len(sources)]
        dest = folder / f"part{i % 3}" / f"{i:03}-{src.parent.name}{src.suffix}"
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)
    return folder


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under folder, by relative path (hidden and temporary files included)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.rglob("*") if p.name.startswith(".") or p.suffix == ".tmp"]


# --- --jobs N on a folder --------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["txt", "json"])
def test_jobs_2_writes_the_same_outputs_report_and_summary_as_jobs_1(tmp_path, fmt):
    src = corpus(tmp_path / "in", 60, bad=True)
    os.symlink(tmp_path / "nowhere.txt", src / "part0" / "broken.txt")  # a failure
    (tmp_path / "one" / "part1").mkdir(parents=True)
    (tmp_path / "two" / "part1").mkdir(parents=True)
    for out in ("one", "two"):  # an existing output: skipped
        (tmp_path / out / "part1" / "001-audio-embed.txt").write_text("OLD\n", encoding="utf-8")
    runs = {}
    for jobs, out in ((1, "one"), (2, "two")):
        report = tmp_path / f"{out}.jsonl"
        result = invoke(
            src, tmp_path / out, "--jobs", jobs, "--format", fmt, "--report", report, env=NO_LOG
        )
        assert result.exit_code == 1, result.stderr  # the broken symlink
        runs[jobs] = result, report.read_text(encoding="utf-8")
    (one, report_one), (two, report_two) = runs[1], runs[2]
    assert tree(tmp_path / "one") == tree(tmp_path / "two")
    assert report_two.replace(str(tmp_path / "two"), str(tmp_path / "one")) == report_one
    assert two.stderr.replace(str(tmp_path / "two"), str(tmp_path / "one")) == one.stderr
    read, written, skipped, failed = counts(two.stderr)
    assert (read, failed) == (61, 1) and skipped >= 1 and written > 40
    names = [json.loads(line)["input"] for line in report_two.splitlines()]
    assert names == sorted(names)  # input order


def test_jobs_2_to_stdout_with_explain_keeps_input_order(tmp_path):
    src = corpus(tmp_path / "in", 30)
    one = invoke(src, "-", "--jobs", 1, "--explain", "--format", "json", env=NO_LOG)
    two = invoke(src, "-", "--jobs", 2, "--explain", "--format", "json", env=NO_LOG)
    assert one.exit_code == two.exit_code == 0, two.stderr
    assert two.stdout == one.stdout and two.stderr == one.stderr
    assert len(two.stdout.splitlines()) == 30


def test_jobs_n_starts_one_long_lived_worker_per_job(tmp_path, monkeypatch):
    src = corpus(tmp_path / "in", 12)
    starts = []
    real_start = workers.Cleaner._start
    monkeypatch.setattr(
        workers.Cleaner, "_start", lambda self: starts.append(1) or real_start(self)
    )
    assert invoke(src, tmp_path / "out", "--jobs", 2).exit_code == 0
    assert len(starts) == 2
    starts.clear()
    one = tmp_path / "one.txt"
    shutil.copyfile(PAGES[0], one)
    assert invoke(one, tmp_path / "out1", "--jobs", 4).exit_code == 0
    assert len(starts) == 1  # never more workers than inputs


def slowed(real, seconds: float = 120):
    """run() that sleeps on a document containing SLOW and dies on one containing CRASH (the
    workers are forked, so they see this replacement)."""

    def run(data, *args, **kwargs):
        if b"SLOW" in data:
            time.sleep(seconds)
        if b"CRASH" in data:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(data, *args, **kwargs)

    return run


def test_jobs_2_timeout_and_crash_fail_one_document_each(tmp_path, monkeypatch):
    src, out = tmp_path / "in", tmp_path / "out"
    corpus(src, 10)
    page = PAGES[0].read_bytes()
    (src / "part0" / "b-slow.txt").write_bytes(page + b"\nSLOW\n")
    (src / "part1" / "c-crash.txt").write_bytes(page + b"\nCRASH\n")
    monkeypatch.setattr(workers, "run", slowed(workers.run))
    report = tmp_path / "r.jsonl"
    begin = time.monotonic()
    result = invoke(src, out, "--jobs", 2, "--timeout", 1, "--report", report)
    assert time.monotonic() - begin < 20
    assert result.exit_code == 1
    assert counts(result.stderr) == (12, 10, 0, 2)
    assert re.search(
        r"^part0/b-slow\.txt: failed: timeout: over the time budget of 1 s \(--timeout\)$",
        result.stderr,
        re.M,
    )
    assert re.search(
        r"^part1/c-crash\.txt: failed: the worker process died \(killed by SIGKILL",
        result.stderr,
        re.M,
    )
    records = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    assert [r["input"] for r in records] == sorted(r["input"] for r in records)
    assert sum(r["status"] == "cleaned" for r in records) == 10
    assert leftovers(out) == []


def test_jobs_2_without_a_time_budget_gives_the_same_outputs(tmp_path):
    src = corpus(tmp_path / "in", 20)
    assert invoke(src, tmp_path / "a", "--jobs", 1).exit_code == 0
    assert invoke(src, tmp_path / "b", "--jobs", 2, "--timeout", 0).exit_code == 0
    assert tree(tmp_path / "a") == tree(tmp_path / "b")


def test_read_ahead_is_bounded_behind_a_slow_document(tmp_path, monkeypatch):
    """While the first document is slow, the other worker goes on, but the run reads no more
    than WINDOW_PER_WORKER inputs per worker beyond the last one it reported."""
    src = corpus(tmp_path / "in", 60)
    first = sorted(p for p in src.rglob("*") if p.is_file())[0]
    first.write_bytes(first.read_bytes() + b"\nSLOW\n")
    monkeypatch.setattr(workers, "run", slowed(workers.run, seconds=1.0))
    reads, reported = [], []
    real_read, real_add = folder_run.read_bounded, folder_run.Tally.add
    monkeypatch.setattr(
        folder_run, "read_bounded", lambda p, n: reads.append(len(reported)) or real_read(p, n)
    )
    monkeypatch.setattr(
        folder_run.Tally, "add", lambda self, o: reported.append(1) or real_add(self, o)
    )
    result = invoke(src, tmp_path / "out", "--jobs", 2)
    assert result.exit_code == 0, result.stderr
    window = folder_run.WINDOW_PER_WORKER * 2
    assert len(reads) == 60
    assert all(i - done < window for i, done in enumerate(reads))
    assert reads[window] > 0, "the run read on before the slow first document was reported"


# --- pipelining: each worker has the next document queued while it cleans one ---------------

JOB = workers.Job((), True, None, None, True)


def logged(real, log: Path):
    """slowed(real) that first appends "<pid> <name>" to log: which worker took which document."""
    inner = slowed(real)

    def run(data, *args, **kwargs):
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(f"{os.getpid()} {kwargs.get('name')}\n")
        return inner(data, *args, **kwargs)

    return run


def taken_by(log: Path) -> list[tuple[int, str]]:
    lines = log.read_text(encoding="utf-8").splitlines()
    return [(int(pid), name) for pid, name in (line.split() for line in lines)]


def outcomes(pool: workers.Pool, limit: float = 30) -> dict[int, tuple[str, object]]:
    """Wait for every document sent to pool: seq -> (status, value)."""
    done = {}
    end = time.monotonic() + limit
    while pool.busy:
        assert time.monotonic() < end, "the pool never finished"
        done.update({seq: (status, value) for seq, _, status, value in pool.wait(0.25)})
    return done


def pending(name: str, data: bytes) -> folder_run.Pending:
    return folder_run.Pending(name, data, name, None, len(data))


@pytest.mark.parametrize("bad", ["SLOW", "CRASH"])
def test_a_document_queued_behind_a_timeout_or_crash_goes_to_a_new_worker(
    tmp_path, monkeypatch, bad
):
    """The first of two documents in flight times out (or kills its worker): it fails alone;
    the second, which the worker never started, is cleaned by the restarted worker, as it
    would be in this process."""
    page = PAGES[0].read_bytes()
    expected = [workers.clean_one(JOB, page, name) for name in ("b.txt", "c.txt")]
    assert expected[0][0] == "ok" and expected[0][1].text
    log = tmp_path / "log"
    monkeypatch.setattr(workers, "run", logged(workers.run, log))
    starts = []
    real_start = workers.Cleaner._start
    monkeypatch.setattr(
        workers.Cleaner, "_start", lambda self: starts.append(1) or real_start(self)
    )
    pool = workers.Pool(JOB, 1, 1)
    try:
        for seq, (name, data) in enumerate(
            [("a.txt", page + f"\n{bad}\n".encode()), ("b.txt", page), ("c.txt", page)]
        ):
            if seq == 2:  # the worker has two: c waits for room
                assert pool.cleaners[0].load == 2 and pool.worker_for(len(data)) is None
                done = outcomes(pool)
                assert pool.worker_for(len(data)) is pool.cleaners[0]
            cleaner = pool.worker_for(len(data))
            assert cleaner is pool.cleaners[0]
            assert pool.submit(cleaner, seq, pending(name, data)) == []
        done.update(outcomes(pool))
    finally:
        pool.close()
    status, why = done[0]
    if bad == "SLOW":
        assert (status, why) == ("timeout", "over the time budget of 1 s (--timeout)")
    else:
        assert status == "error" and why.startswith("the worker process died (killed by SIGKILL")
    assert [done[1], done[2]] == expected
    assert len(starts) == 2
    (first, a), (second, b), (third, c) = taken_by(log)
    assert (a, b, c) == ("a.txt", "b.txt", "c.txt")  # each started once
    assert first != second == third  # b (then c) by the restarted worker


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_timeout_and_a_crash_with_documents_queued_behind_them(tmp_path, monkeypatch, jobs):
    """On a folder: every input is started by a worker exactly once, the slow and the crashing
    ones fail, and the outputs are those of an uninterrupted in-process run."""
    src, out, ref = tmp_path / "in", tmp_path / "out", tmp_path / "ref"
    corpus(src, 12)
    page = PAGES[0].read_bytes()
    (src / "part0" / "000b-slow.txt").write_bytes(page + b"\nSLOW\n")
    (src / "part1" / "001b-crash.txt").write_bytes(page + b"\nCRASH\n")
    assert invoke(src, ref, "--timeout", 0, "--jobs", 1).exit_code == 0  # run() not patched
    expected = tree(ref)
    del expected["part0/000b-slow.txt"], expected["part1/001b-crash.txt"]
    log = tmp_path / "log"
    monkeypatch.setattr(workers, "run", logged(workers.run, log))
    loads = []
    real_submit = workers.Cleaner.submit
    monkeypatch.setattr(
        workers.Cleaner,
        "submit",
        lambda self, tag, data, name: loads.append(self.load) or real_submit(self, tag, data, name),
    )
    report = tmp_path / "r.jsonl"
    result = invoke(src, out, "--jobs", jobs, "--timeout", 1, "--report", report, env=NO_LOG)
    assert result.exit_code == 1
    assert counts(result.stderr) == (14, 12, 0, 2)
    assert "part0/000b-slow.txt: failed: timeout: over the time budget of 1 s" in result.stderr
    assert "part1/001b-crash.txt: failed: the worker process died (killed by SIGKILL" in (
        result.stderr
    )
    assert 1 in loads  # documents were queued behind others
    names = [name for _, name in taken_by(log)]
    assert sorted(names) == sorted(p.name for p in src.rglob("*") if p.is_file())
    records = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    assert [r["input"] for r in records] == sorted(r["input"] for r in records)
    assert tree(out) == expected
    assert leftovers(out) == []


@pytest.mark.parametrize("fmt", ["txt", "json"])
def test_pipelined_workers_give_the_outputs_of_cleaning_in_process(tmp_path, monkeypatch, fmt):
    src = corpus(tmp_path / "in", 60, bad=True)
    loads = []
    real_submit = workers.Cleaner.submit
    monkeypatch.setattr(
        workers.Cleaner,
        "submit",
        lambda self, tag, data, name: loads.append(self.load) or real_submit(self, tag, data, name),
    )
    runs = {}
    for name, args in (("piped", ()), ("inproc", ("--timeout", 0))):
        report = tmp_path / f"{name}.jsonl"
        result = invoke(
            src,
            tmp_path / name,
            "--jobs",
            1,
            "--format",
            fmt,
            "--report",
            report,
            *args,
            env=NO_LOG,
        )
        assert result.exit_code == 0, result.stderr
        runs[name] = result.stderr, report.read_text(encoding="utf-8")
    assert len(loads) == 60 and loads.count(1) > 30  # the in-process run sends nothing
    assert tree(tmp_path / "piped") == tree(tmp_path / "inproc")
    (err_p, rep_p), (err_i, rep_i) = runs["piped"], runs["inproc"]
    assert rep_p.replace(str(tmp_path / "piped"), str(tmp_path / "inproc")) == rep_i
    assert err_p.replace(str(tmp_path / "piped"), str(tmp_path / "inproc")) == err_i


def test_a_large_document_waits_for_an_idle_worker(tmp_path, monkeypatch):
    """A document too large to wait unread in the pipe is not queued behind another: sending it
    to a worker busy with a slow document would block the parent past that one's deadline."""
    monkeypatch.setattr(workers, "PIPE_BUFFER", 4096)  # a small pipe: queue only tiny documents
    monkeypatch.setattr(workers, "run", slowed(workers.run))
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    page = PAGES[0].read_bytes()
    (src / "a-slow.txt").write_bytes(page + b"\nSLOW\n")
    big = b"\n\n".join([page] * 40)
    (src / "b-big.txt").write_bytes(big)
    pool = workers.Pool(JOB, 1, 1)
    try:
        pool.submit(pool.cleaners[0], 0, pending("a.txt", page + b"SLOW"))
        assert 0 < pool.cleaners[0]._queued_max < len(big)
        assert pool.worker_for(len(big)) is None
        assert pool.worker_for(pool.cleaners[0]._queued_max) is pool.cleaners[0]
    finally:
        pool.close(now=True)
    begin = time.monotonic()
    result = invoke(src, out, "--jobs", 1, "--timeout", 1, env=NO_LOG)
    assert time.monotonic() - begin < 20
    assert counts(result.stderr) == (2, 1, 0, 1)
    assert (out / "b-big.txt").read_bytes() == (
        workers.clean_one(JOB, big, "b-big.txt")[1].text.encode("utf-8")
    )


# --- --skip-existing -------------------------------------------------------------------------


def test_skip_existing_continues_a_run(tmp_path):
    src, out = corpus(tmp_path / "in", 30), tmp_path / "out"
    full = tmp_path / "full"
    assert invoke(src, full, "--jobs", 2).exit_code == 0
    inputs = sorted(p.relative_to(src) for p in src.rglob("*") if p.is_file())
    done = [rel.with_suffix(".txt") for rel in inputs[::3]]
    for rel in done:  # outputs of an earlier run (one of them tampered with: it stays so)
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(full / rel, out / rel)
    (out / done[0]).write_text("OLD\n", encoding="utf-8")
    before = {rel: (out / rel).stat().st_mtime_ns for rel in done}
    report = tmp_path / "r.jsonl"
    result = invoke(src, out, "--skip-existing", "--jobs", 2, "--report", report)
    assert result.exit_code == 0, result.stderr
    assert counts(result.stderr) == (30, 30 - len(done), len(done), 0)
    # Counted in one line, not listed one by one.
    assert f"skipped {len(done)} input(s) whose output exists (--skip-existing)" in result.stderr
    assert ": skipped: " not in result.stderr
    assert {rel: (out / rel).stat().st_mtime_ns for rel in done} == before
    assert (out / done[0]).read_text(encoding="utf-8") == "OLD\n"
    expected = tree(full)
    expected[done[0].as_posix()] = b"OLD\n"
    assert tree(out) == expected
    records = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    skipped = [r for r in records if r["status"] == "skipped"]
    assert {r["reason"] for r in skipped} == {"output exists"}
    assert len(skipped) == len(done)


def test_without_skip_existing_existing_outputs_are_skipped_and_named(tmp_path):
    """The default is unchanged: kept, each named with a hint at --overwrite."""
    src, out = corpus(tmp_path / "in", 3), tmp_path / "out"
    (out / "part0").mkdir(parents=True)
    (out / "part0" / "000-audio-embed.txt").write_text("OLD\n", encoding="utf-8")
    result = invoke(src, out, "--jobs", 2)
    assert result.exit_code == 0
    assert counts(result.stderr) == (3, 2, 1, 0)
    assert "part0/000-audio-embed.txt: skipped: " in result.stderr
    assert "exists (use --overwrite)" in result.stderr


def test_skip_existing_with_overwrite_is_a_usage_error(tmp_path):
    src = corpus(tmp_path / "in", 2)
    result = invoke(src, tmp_path / "out", "--skip-existing", "--overwrite")
    assert result.exit_code == 2
    assert "--skip-existing and --overwrite" in result.stderr
    assert not (tmp_path / "out").exists()


# --- progress --------------------------------------------------------------------------------


def test_progress_lines_when_stderr_is_not_a_terminal(tmp_path):
    src = corpus(tmp_path / "in", 8)
    result = invoke(src, tmp_path / "out", "--jobs", 2, env={INTERVAL_ENV: "0"})
    assert result.exit_code == 0, result.stderr
    lines = PROGRESS_RE.findall(result.stderr)
    assert len(lines) >= 8
    assert re.search(r"^clean: 8/8 docs, \d+\.\d docs/s, 0 failed$", result.stderr, re.M)
    assert counts(result.stderr) == (8, 8, 0, 0)
    assert SUMMARY_RE.match(result.stderr.rstrip("\n").splitlines()[-1])  # still the last line


def test_no_progress_lines_in_a_short_run_or_with_quiet(tmp_path):
    src = corpus(tmp_path / "in", 8)
    default = invoke(src, tmp_path / "a", "--jobs", 2)
    assert default.exit_code == 0
    assert not PROGRESS_RE.search(default.stderr)  # a run under 10 s: the summary only
    quiet = invoke(src, tmp_path / "b", "--jobs", 2, "--quiet", env={INTERVAL_ENV: "0"})
    assert quiet.exit_code == 0
    assert quiet.stderr == ""


def test_progress_lines_of_a_record_file(tmp_path):
    src = tmp_path / "in.jsonl"
    rows = [{"id": i, "text": p.read_text(encoding="utf-8")} for i, p in enumerate(PAGES[:6])]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = invoke(src, tmp_path / "out.jsonl", "--jobs", 1, env={INTERVAL_ENV: "0"})
    assert result.exit_code == 0, result.stderr
    assert re.search(r"^clean: 6 records, \d+\.\d records/s, 0 failed$", result.stderr, re.M)
    quiet = invoke(src, tmp_path / "out2.jsonl", "-q", env={INTERVAL_ENV: "0"})
    assert quiet.exit_code == 0 and quiet.stderr == ""


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_mode():
    assert progress_mode(True, stream=Terminal()) == "off"
    assert progress_mode(False, stream=Terminal()) == "bar"
    assert progress_mode(False, stream=Terminal(), terminal_busy=True) == "log"
    assert progress_mode(False, stream=io.StringIO()) == "log"


def test_progress_bar_on_a_terminal():
    stream = Terminal()
    progress = Progress(40, mode="bar", stream=stream)
    progress.update(10, failed=2, skipped=3)
    time.sleep(0.15)
    progress.update(12, failed=2, skipped=3)
    progress.close()
    shown = stream.getvalue()
    assert "12/40" in shown and "docs/s" in shown and "3 skipped, 2 failed" in shown


def test_progress_log_line():
    stream = io.StringIO()
    progress = Progress(50_000, mode="log", stream=stream, interval=0)
    progress.update(1200, failed=3)
    assert re.fullmatch(
        r"clean: 1200/50000 docs, \d+\.\d docs/s, 3 failed, ETA [\d:]+\n", stream.getvalue()
    )
    off = io.StringIO()
    Progress(5, mode="off", stream=off, interval=0).update(5)
    assert off.getvalue() == ""


# --- Ctrl-C ----------------------------------------------------------------------------------

# `clean` with every document slowed down by CLEANER_TEST_DELAY seconds (in the workers too).
SLOW_CLEAN = """
import os, signal, sys, time
import cleaner.api, cleaner.run.cli, cleaner.run.workers

# A shell that starts jobs in the background passes SIGINT on ignored: take it back, as a
# terminal's foreground process has it, or the test's Ctrl-C would never arrive.
signal.signal(signal.SIGINT, signal.default_int_handler)

def slowed(real):
    delay = float(os.environ["CLEANER_TEST_DELAY"])
    def wrapper(*args, **kwargs):
        time.sleep(delay)
        return real(*args, **kwargs)
    return wrapper

cleaner.run.workers.run = slowed(cleaner.run.workers.run)
cleaner.api.clean = slowed(cleaner.api.clean)
sys.argv[0] = "clean"
cleaner.run.cli.main()
"""


def start_slow_clean(*args, delay: float = 0.02) -> subprocess.Popen:
    env = {**os.environ, "CLEANER_TEST_DELAY": str(delay)}
    env.pop(INTERVAL_ENV, None)
    return subprocess.Popen(
        [sys.executable, "-c", SLOW_CLEAN, *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def interrupt_when(proc: subprocess.Popen, ready, limit: float = 60) -> tuple[str, str]:
    """SIGINT to proc as soon as ready() is true; its stdout and stderr."""
    end = time.monotonic() + limit
    while not ready():
        if proc.poll() is not None or time.monotonic() > end:
            _, err = proc.communicate()
            pytest.fail(f"the run ended before it was interrupted ({proc.returncode}): {err}")
        time.sleep(0.005)
    proc.send_signal(signal.SIGINT)
    return proc.communicate(timeout=60)


@pytest.mark.parametrize("jobs", [1, 2])
def test_ctrl_c_on_a_folder_run_stops_cleanly_and_skip_existing_finishes_it(tmp_path, jobs):
    src, out, full = corpus(tmp_path / "in", 300), tmp_path / "out", tmp_path / "full"
    report = tmp_path / "r.jsonl"
    proc = start_slow_clean(src, out, "--jobs", jobs, "--report", report)
    _, stderr = interrupt_when(proc, lambda: out.exists() and any(out.rglob("*.txt")))
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr, stderr
    lines = stderr.rstrip("\n").splitlines()
    assert re.fullmatch(
        r"clean: interrupted: \d+ of 300 inputs not done; .*--skip-existing.*", lines[-1]
    )
    read, written, skipped, failed = counts(stderr)
    assert 0 < read < 300 and (skipped, failed) == (0, 0)
    assert leftovers(out) == []
    # The report names exactly what was done, and what was written is complete.
    records = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    assert len(records) == read
    assert sorted(Path(r["output"]).relative_to(out).as_posix() for r in records) == sorted(
        tree(out)
    )
    assert invoke(src, full, "--jobs", 2).exit_code == 0
    expected = tree(full)
    partial = tree(out)
    assert len(partial) == written
    assert all(data == expected[rel] for rel, data in partial.items())
    # Continued with --skip-existing, the result is that of an uninterrupted run.
    again = invoke(src, out, "--skip-existing", "--jobs", 2)
    assert again.exit_code == 0, again.stderr
    assert counts(again.stderr) == (300, 300 - written, written, 0)
    assert tree(out) == expected


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet"])
def test_ctrl_c_on_a_record_file_leaves_no_output(tmp_path, suffix):
    if suffix == ".parquet":
        pytest.importorskip("pyarrow")
    src, dst = tmp_path / "in.jsonl", tmp_path / f"out{suffix}"
    rows = [
        {"id": i, "text": PAGES[i % len(PAGES)].read_text(encoding="utf-8")} for i in range(300)
    ]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    proc = start_slow_clean(src, dst, "--jobs", 2)
    begun = []

    def started() -> bool:  # the temporary output exists: give the workers a moment
        if not begun and leftovers(tmp_path):
            begun.append(time.monotonic())
        return bool(begun) and time.monotonic() - begun[0] > 0.3

    _, stderr = interrupt_when(proc, started)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr, stderr
    assert re.search(
        rf"^clean: interrupted after \d+ records; {re.escape(str(dst))} not written$", stderr, re.M
    )
    assert not dst.exists()
    assert leftovers(tmp_path) == []


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(c) for c in text.split()]


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
@pytest.mark.parametrize(("sig", "code"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_sigterm_and_sighup_stop_a_run_like_ctrl_c(tmp_path, sig, code):
    src, out = corpus(tmp_path / "in", 300), tmp_path / "out"
    proc = start_slow_clean(src, out, "--jobs", 2)
    end = time.monotonic() + 60
    while not (out.exists() and any(out.rglob("*.txt"))):
        assert proc.poll() is None and time.monotonic() < end, proc.communicate()
        time.sleep(0.005)
    workers = children(proc.pid)
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == code, stderr
    assert "Traceback" not in stderr, stderr
    assert "clean: interrupted:" in stderr
    assert leftovers(out) == []
    deadline = time.monotonic() + 10
    while any(alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(alive(w) for w in workers)


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
def test_workers_die_with_a_parent_killed_by_sigkill(tmp_path):
    src, out = corpus(tmp_path / "in", 300), tmp_path / "out"
    proc = start_slow_clean(src, out, "--jobs", 2)
    end = time.monotonic() + 60
    while len(children(proc.pid)) < 2 or not out.exists():
        assert proc.poll() is None and time.monotonic() < end, proc.communicate()
        time.sleep(0.005)
    workers = children(proc.pid)
    proc.kill()
    proc.communicate(timeout=60)
    deadline = time.monotonic() + 10
    while any(alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert workers and not any(alive(w) for w in workers)
