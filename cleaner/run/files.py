"""The files of a folder run: walking IN, naming outputs, reading and writing files.

IN is read-only and may hold anything (FIFOs, devices, links that loop, names that are not
UTF-8); nothing here follows a link to a directory or reads more than it was asked for. Outputs
are written atomically, with names that are valid UTF-8.
"""

from __future__ import annotations

import functools
import hashlib
import os
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# --- names -------------------------------------------------------------------------------------


def show_name(name: str) -> str:
    """A file name fit to print and to put in JSON: bytes that are not UTF-8 (which Python keeps
    as lone surrogates) as \\xNN, control characters (a newline in a name) escaped too."""
    out = []
    for c in name:
        o = ord(c)
        if 0xDC80 <= o <= 0xDCFF:
            out.append(f"\\x{o - 0xDC00:02x}")
        elif 0xD800 <= o <= 0xDFFF or not (c.isprintable() or c == " "):
            out.append(c.encode("unicode_escape").decode("ascii"))
        else:
            out.append(c)
    return "".join(out)


def safe_name(name: str) -> str:
    """An output file name that is valid UTF-8 and has no control characters: such bytes of the
    input's name become %NN (`caf\\xe9.txt` is written as `caf%E9.txt`)."""
    out = []
    for c in name:
        o = ord(c)
        if 0xDC80 <= o <= 0xDCFF:
            out.append(f"%{o - 0xDC00:02X}")
        elif 0xD800 <= o <= 0xDFFF or o < 0x20 or o == 0x7F:
            out.append("".join(f"%{b:02X}" for b in c.encode("utf-8", "surrogatepass")))
        else:
            out.append(c)
    return "".join(out)


# --- inputs ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Item:
    rel: str  # the input's path relative to IN ("stdin" for stdin)
    path: Path | None  # None for stdin
    explicit: bool = False  # named on the command line (a FIFO there is read, in a walk skipped)
    error: OSError | None = None  # a directory that could not be listed


def _entries(directory: Path | str) -> list[tuple[str, bool]]:
    """The names in one directory, each with whether it is a directory (a symlink to one is
    not: it is not followed). Raises OSError when the directory cannot be listed."""
    with os.scandir(directory) as it:
        entries = list(it)
    listed = []
    for entry in entries:
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError:
            is_dir = False
        listed.append((entry.name, is_dir))
    return listed


def walk(root: Path) -> Iterator[Item]:
    """Every entry under root that is not a directory, and every directory that cannot be
    listed (reported, never dropped silently), as they come. Symlinks to directories are not
    followed: they could loop, or lead out of IN.

    The order is that of the paths sorted (Paths compare component by component), which is a
    depth-first walk with each directory's entries sorted by name: a directory's files and
    subtrees come in the order of their names (`a/x` before `a-b`, as `a` < `a-b`), and a
    directory that cannot be listed sits where its entries would. Only the directories on the
    way to the current one are held (the entries of each not yet walked), never the whole
    tree: a folder of a million files costs no more memory than a folder of a thousand."""
    try:
        top = _entries(root)
    except OSError as exc:
        yield Item(str(root.relative_to(root)), root, error=exc)
        return
    stack = [(root, _pending(top))]
    while stack:
        directory, pending = stack[-1]
        if not pending:
            stack.pop()
            continue
        name, is_dir = pending.pop()
        path = directory / name
        if not is_dir:
            yield Item(str(path.relative_to(root)), path)
            continue
        try:
            listed = _entries(path)
        except OSError as exc:
            yield Item(str(path.relative_to(root)), path, error=exc)
            continue
        stack.append((path, _pending(listed)))


def _pending(listed: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """A directory's entries in the order Path sorts them, last first (popped from the end, so
    that those walked are let go). os.path.normcase is how Path compares a name: the identity
    on POSIX, lower case on Windows."""
    listed.sort(key=lambda entry: os.path.normcase(entry[0]))
    listed.reverse()
    return listed


def count_items(root: Path) -> int:
    """How many Items `walk(root)` yields (the total of the progress display), by the same
    listing, keeping nothing per file: only the directories still to list."""
    count = 0
    stack: list[str] = [os.fspath(root)]
    while stack:
        directory = stack.pop()
        try:
            listed = _entries(directory)
        except OSError:
            count += 1  # a directory that cannot be listed is one Item
            continue
        for name, is_dir in listed:
            if is_dir:
                stack.append(os.path.join(directory, name))
            else:
                count += 1
    return count


def file_kind(mode: int) -> str:
    for test, kind in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    ):
        if test(mode):
            return kind
    return "not a regular file"


def read_bounded(path: Path, limit: int) -> bytes:
    """At most limit + 1 bytes: a file that grew past the limit (or /dev/zero) is not slurped."""
    with open(path, "rb") as fh:
        return fh.read(limit + 1)


# --- paths -------------------------------------------------------------------------------------


def inside(path: Path, folder: Path) -> bool:
    a, b = folder.resolve(), path.resolve()
    return b == a or a in b.parents


def writes_into(path: Path, source: Path) -> bool:
    """Whether writing `path` (or, for a folder, anything under it) would write into `source`,
    the input (a file or a folder): the same file once links are resolved, or a hard link to it,
    or a place inside the folder. The one check that guards every output, the report and record
    files, since IN is never written to."""
    return inside(path, source) or same_file(path, source)


def link_outside(path: Path, root: Path) -> Path | None:
    """The target of `path`, when `path` is a symbolic link whose target lies outside `root`
    (a file link inside IN may point anywhere: /proc/self/environ, ~/.ssh/id_rsa); else None."""
    if not path.is_symlink():
        return None
    target = path.resolve()
    return None if inside(target, root) else target


def same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


# --- outputs -----------------------------------------------------------------------------------

NAME_MAX = 255  # bytes of one file name on every common file system (ext4, xfs, btrfs, APFS)
TEMP_NAME_ROOM = (
    NAME_MAX - 16
)  # what a temporary name keeps of its target's ('.', '.' + 8 + '.tmp')


def fit_name(name: str) -> str:
    """`name` when it is a valid file name length (NAME_MAX bytes); else its stem cut, with a
    hash of the whole name so that two long names stay two outputs and a rerun finds the same
    one (`--skip-existing`)."""
    encoded = name.encode("utf-8", "surrogateescape")
    if len(encoded) <= NAME_MAX:
        return name
    stem, dot, suffix = name.rpartition(".")
    if not dot or len(suffix) > 16:
        stem, suffix = name, ""
    tail = f"~{hashlib.sha1(encoded).hexdigest()[:12]}" + (f".{suffix}" if suffix else "")
    room = NAME_MAX - len(tail.encode("utf-8"))
    return stem.encode("utf-8", "surrogateescape")[:room].decode("utf-8", "ignore") + tail


def temp_prefix(name: str) -> str:
    """The prefix of the temporary file written beside `name` before it is renamed: `.name.`,
    with `name` cut (on a character) so that the temporary name is itself a valid name."""
    encoded = name.encode("utf-8", "surrogateescape")
    if len(encoded) > TEMP_NAME_ROOM:
        name = encoded[:TEMP_NAME_ROOM].decode("utf-8", "ignore")
    return f".{name}."


# Every output, a folder run's files and a record run's file alike, is written to a temporary
# file beside it (`temp_beside`) and renamed over it when it is whole (`put_in_place`): an
# interrupted run never leaves half an output, and a failed one removes its temporary file.


def temp_beside(path: Path) -> tuple[int, Path]:
    """A new temporary file (descriptor, path) in the folder of `path`, made if missing: the
    rename is then atomic. Hidden, named after the output (see `temp_prefix`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=temp_prefix(path.name), suffix=".tmp")
    return fd, Path(tmp)


def put_in_place(tmp: Path, path: Path) -> None:
    """The whole temporary file renamed over `path`, with the mode of a new file (mkstemp made
    it private, 0600; an output gets the usual mode, 0644 under umask 022)."""
    os.chmod(tmp, 0o666 & ~current_umask())
    os.replace(tmp, path)


def write_atomic(path: Path, data: str) -> int:
    """Temporary file then rename: an interrupted run never leaves half an output."""
    encoded = data.encode("utf-8")
    fd, tmp = temp_beside(path)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(encoded)
        put_in_place(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return len(encoded)


@functools.cache
def current_umask() -> int:
    """The process's umask (read by setting it, so read once): new files get 0o666 & ~umask."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
