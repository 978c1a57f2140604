"""One version: `cleaner.__version__`, the installed distribution's metadata, `clean --version`
and the top of CHANGELOG.md agree; the package ships its `py.typed` marker."""

from __future__ import annotations

import re
from importlib.metadata import version
from pathlib import Path

from typer.testing import CliRunner

import cleaner
from cleaner.run.cli import app

ROOT = Path(__file__).resolve().parent.parent


def test_version_is_one_number_everywhere():
    assert re.fullmatch(r"\d+\.\d+\.\d+", cleaner.__version__)
    assert version("cleaner") == cleaner.__version__
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"clean (cleaner) {cleaner.__version__}"


def test_changelog_starts_with_this_release():
    first = next(
        line for line in (ROOT / "CHANGELOG.md").read_text().splitlines() if line.startswith("## ")
    )
    assert first.startswith(f"## {cleaner.__version__}")


def test_package_is_marked_typed():
    assert (Path(cleaner.__file__).parent / "py.typed").is_file()


def test_lock_pins_every_core_dependency():
    lock = (ROOT / "requirements" / "ci.txt").read_text()
    pinned = {m.lower() for m in re.findall(r"^([A-Za-z0-9_.-]+)==", lock, re.M)}
    for name in ("trafilatura", "selectolax", "regex", "typer", "pytest", "hypothesis", "ruff"):
        assert name in pinned, name
