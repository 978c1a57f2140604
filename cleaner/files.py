"""The files of a folder run: walking IN, naming outputs, reading and writing files.

IN is read-only and may hold anything (FIFOs, devices, links that loop, names that are not
UTF-8); nothing here follows a link to a directory or reads more than it was asked for. Outputs
are written atomically, with names that are valid UTF-8.
"""

from __future__ import annotations

import functools
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

# --- names -------------------------------------------------------------------------------------


def _show(name: str) -> str:
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


def _safe_name(name: str) -> str:
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


def _walk(root: Path) -> list[Item]:
    """Every entry under root that is not a directory, and every directory that cannot be
    listed (reported, never dropped silently). Symlinks to directories are not followed: they
    could loop, or lead out of IN."""
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


def _kind(mode: int) -> str:
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


def _read_bounded(path: Path, limit: int) -> bytes:
    """At most limit + 1 bytes: a file that grew past the limit (or /dev/zero) is not slurped."""
    with open(path, "rb") as fh:
        return fh.read(limit + 1)


# --- paths -------------------------------------------------------------------------------------


def _inside(path: Path, folder: Path) -> bool:
    a, b = folder.resolve(), path.resolve()
    return b == a or a in b.parents


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


# --- outputs -----------------------------------------------------------------------------------


def _write_atomic(path: Path, data: str) -> int:
    """Temporary file then rename: an interrupted run never leaves half an output."""
    path.parent.mkdir(parents=True, exist_ok=True)
    encoded = data.encode("utf-8")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(encoded)
            # mkstemp makes the file private (0600); an output gets the usual mode (0644).
            os.fchmod(fh.fileno(), 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return len(encoded)


@functools.cache
def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
