"""The walk of a folder (files.walk, files.count_items) and the per-file state of a folder run kept
bounded: the outputs planned (folder_run.Planned) and the inputs the summary names.

`walk` is a generator; it must yield the Items in exactly the order of the list it replaced
(every path found, sorted as Paths sort), which `sorted_walk` below keeps as the reference.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cleaner.run import cli
from cleaner.run.files import Item, count_items, walk
from cleaner.run.folder_run import Planned
from cleaner.run.summary import NAMED, Summary


def sorted_walk(root: Path) -> list[Item]:
    """The walk as it was: every path found, then the list sorted by Path."""
    found: list[tuple[Path, OSError | None]] = []
    stack = [root]
    while stack:
        directory = stack.pop()
        try:
            with os.scandir(directory) as it:
                entries = list(it)
        except OSError as exc:
            found.append((directory, exc))
            continue
        for entry in entries:
            path = Path(entry.path)
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            if is_dir:
                stack.append(path)
            else:
                found.append((path, None))
    found.sort(key=lambda x: x[0])
    return [Item(str(p.relative_to(root)), p, error=e) for p, e in found]


def listing(items) -> list[tuple[str, Path | None, str | None]]:
    return [(i.rel, i.path, None if i.error is None else str(i.error)) for i in items]


def make(root: Path, rel: str, *, folder: bool = False) -> None:
    """A file (or a folder) at rel, a str in which bytes that are not UTF-8 are surrogates."""
    path = os.fsencode(root) + b"/" + os.fsencode(rel)
    os.makedirs(path if folder else os.path.dirname(path), exist_ok=True)
    if not folder:
        with open(path, "wb") as fh:
            fh.write(b"x\n")


# Names around "/" (0x2F) and each other: "-" and "." sort before "/", so the file `a-b` comes
# after everything under the folder `a`; controls; bytes that are not UTF-8 (surrogates
# U+DC80-U+DCFF: after every other BMP character but before U+E000-U+FFFF and the astral ones).
TRICKY = [
    "a/x.txt",
    "a/a-b.txt",
    "a/sub/deep.txt",
    "a-b/a",
    "a-b.txt",
    "a.b/z",
    "a.txt",
    "a b.txt",
    "a0",
    "A.txt",
    "-.txt",
    "-/q",
    ".hidden",
    "..x",
    ".d/f",
    "b\x01",
    "b%01",
    "caf\udce9/a.txt",
    "caf%E9/a.txt",
    "cafe/a.txt",
    "\udcff",
    "\udcff.d/g",
    "é.txt",
    "中/文.txt",
    "😀.txt",
    "\uff01.txt",
    "\ue000/h",
    "new\nline",
    "private/secret.txt",
    "zz/y/x/w.txt",
    "zz/y.txt",
    "zz-/v",
]


@pytest.fixture
def tricky(tmp_path, monkeypatch) -> Path:
    root = tmp_path / "in"
    for rel in TRICKY:
        make(root, rel)
    make(root, "empty", folder=True)
    make(root, "zz/y/empty", folder=True)
    os.symlink("a", root / "link-to-a")  # a symlink to a folder: an Item, not walked
    os.symlink("nowhere", root / "a" / "broken")
    real = os.scandir

    def scandir(path):  # "private" cannot be listed
        if os.fsencode(path).endswith(b"/private"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    return root


def test_walk_order_is_the_sorted_order_on_tricky_names(tricky):
    walked = listing(walk(tricky))
    assert walked == listing(sorted_walk(tricky))
    rels = [rel for rel, _, _ in walked]
    assert rels.index("a/x.txt") < rels.index("a-b/a") < rels.index("a-b.txt") < rels.index("a.txt")
    assert rels.index("caf%E9/a.txt") < rels.index("cafe/a.txt") < rels.index("caf\udce9/a.txt")
    assert rels.index("\udcff") < rels.index("\ue000/h") < rels.index("😀.txt")
    private = rels.index("private")
    assert walked[private][2] is not None and "Permission denied" in walked[private][2]
    assert rels[private - 1 : private + 2] == ["new\nline", "private", "zz/y/x/w.txt"]
    assert "link-to-a" in rels and "a/broken" in rels and "private/secret.txt" not in rels


@pytest.mark.parametrize("seed", range(5))
def test_walk_order_is_the_sorted_order_on_random_trees(tmp_path, seed):
    rng = random.Random(seed)
    alphabet = ["a", "b", "A", "-", ".", " ", "_", "0", "\x01", "é", "中", "😀", "\udce9", "\udcff"]
    root = tmp_path / "in"
    root.mkdir()
    for _ in range(300):
        parts = [
            "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 3)))
            for _ in range(rng.randint(1, 4))
        ]
        if any(p in (".", "..") for p in parts):
            continue
        # (a file where a folder was wanted, or the other way round: not made)
        with contextlib.suppress(FileExistsError, NotADirectoryError, IsADirectoryError):
            make(root, "/".join(parts), folder=rng.random() < 0.1)
    walked = listing(walk(root))
    assert len(walked) > 100
    assert walked == listing(sorted_walk(root))
    assert count_items(root) == len(walked)


def test_count_is_the_number_of_items_walked(tricky):
    # every file; private/ (one Item, its file unseen); the two symlinks
    assert count_items(tricky) == len(list(walk(tricky))) == len(TRICKY) + 2


def test_a_folder_that_cannot_be_listed_is_one_item(tmp_path, monkeypatch):
    root = tmp_path / "private"
    make(root, "a.txt")
    monkeypatch.setattr(
        os, "scandir", lambda path: (_ for _ in ()).throw(PermissionError(13, "no"))
    )
    (item,) = walk(root)
    assert (item.rel, item.path, str(item.error)) == (".", root, "[Errno 13] no")
    assert listing([item]) == listing(sorted_walk(root))
    assert count_items(root) == 1


def test_walk_is_lazy(tmp_path, monkeypatch):
    """The first Item comes before the folders after it are listed."""
    root = tmp_path / "in"
    for k in range(5):
        make(root, f"d{k}/a.txt")
    listed = []
    real = os.scandir
    monkeypatch.setattr(os, "scandir", lambda path: listed.append(Path(path).name) or real(path))
    walking = walk(root)
    assert next(walking).rel == "d0/a.txt"
    assert listed == ["in", "d0"]
    assert [i.rel for i in walking] == [f"d{k}/a.txt" for k in range(1, 5)]


# --- the outputs planned -------------------------------------------------------------------


def test_planned_keeps_only_the_folders_on_the_way(tmp_path):
    out = tmp_path / "out"
    planned = Planned()
    assert planned.claim(out / "a.txt", "a.md", out) is None
    assert planned.claim(out / "d" / "x.txt", "d/x.txt", out) is None
    assert planned.claim(out / "d" / "s" / "y.txt", "d/s/y.txt", out) is None
    assert planned.claim(out / "d" / "x.txt", "d/x.html", out) == "d/x.txt"  # after d/s/
    assert planned.claim(out / "e" / "z.txt", "e/z.txt", out) is None
    assert [folder for folder, _ in planned._path] == [out, out / "e"]  # d/ is let go
    assert planned.claim(out / "a.txt", "a.txt", out) == "a.md"  # the top folder is kept
    assert not planned._shared


def test_planned_keeps_a_folder_that_two_input_folders_may_share(tmp_path):
    out = tmp_path / "out"
    planned = Planned()
    assert planned.claim(out / "caf%E9" / "a.txt", "caf%E9/a.txt", out) is None
    assert planned.claim(out / "cafe" / "a.txt", "cafe/a.txt", out) is None
    assert planned.claim(out / "caf%E9" / "a.txt", "caf\\xe9/a.txt", out) == "caf%E9/a.txt"
    assert list(planned._shared) == [out / "caf%E9"]
    planned.claim(out / "100%20" / "a.txt", "100%20/a.txt", out)  # %20: no escape of ours
    assert list(planned._shared) == [out / "caf%E9"]


def invoke(*args):
    return CliRunner().invoke(cli.app, [str(a) for a in args])


def test_two_inputs_with_one_output_in_a_run(tmp_path):
    """page.html and page.txt write page.txt, with a folder walked between them; caf%E9/ and
    the folder caf<E9> (not UTF-8) write to caf%E9/, with cafe/ walked between them."""
    src, out = tmp_path / "in", tmp_path / "out"
    for rel in ("page.html", "page.j/x.txt", "page.txt", "caf%E9/a.txt", "cafe/a.txt"):
        make(src, rel)
    make(src, "caf\udce9/a.txt")
    result = invoke(src, out, "--jobs", "1", "--timeout", "0")
    assert result.exit_code == 1
    failed = re.findall(
        r"^(.*): failed: output (.*) is already written for (.*)$", result.stderr, re.M
    )
    assert failed == [
        ("caf\\xe9/a.txt", str(out / "caf%E9" / "a.txt"), "caf%E9/a.txt"),
        ("page.txt", str(out / "page.txt"), "page.html"),
    ]


# --- the summary names so many inputs of each kind -----------------------------------------------


def test_summary_names_the_first_inputs_of_each_kind():
    summary = Summary()
    for i in range(NAMED + 5):
        summary.failed += 1
        summary.failures.add(f"f{i}.txt", "cannot read")
    summary.skips.add("s.txt", "binary file")
    lines = summary.render().splitlines()
    assert lines[:NAMED] == [f"f{i}.txt: failed: cannot read" for i in range(NAMED)]
    assert lines[NAMED] == "... and 5 more failed (--report FILE names every input)"
    assert lines[NAMED + 1] == "s.txt: skipped: binary file"
    assert len(summary.failures.first) == NAMED


def test_a_run_with_many_skipped_names_the_first(tmp_path):
    src, out, report = tmp_path / "in", tmp_path / "out", tmp_path / "r.jsonl"
    src.mkdir()
    for i in range(NAMED + 3):
        (src / f"img{i:02}.png.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    result = invoke(src, out, "--jobs", "1", "--timeout", "0", "--report", report)
    assert result.exit_code == 0, result.stderr
    named = re.findall(r"^img(\d+)\.png\.txt: skipped: binary file", result.stderr, re.M)
    assert named == [f"{i:02}" for i in range(NAMED)]
    assert "... and 3 more skipped (--report FILE names every input)" in result.stderr
    assert len(report.read_text().splitlines()) == NAMED + 3
    assert f"skipped {NAMED + 3}, failed 0" in result.stderr
