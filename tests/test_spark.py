"""cleaner.adapters.spark.clean_column on a local Spark session (skipped without pyspark or Java)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cleaner import clean


def _java() -> str | None:
    home = os.environ.get("JAVA_HOME")
    java = str(Path(home) / "bin" / "java") if home else shutil.which("java")
    if not java or not Path(java).exists():
        return None
    try:
        subprocess.run([java, "-version"], capture_output=True, timeout=30, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return java


def _needs_spark() -> None:
    for module in ("pyspark", "pandas", "pyarrow"):
        pytest.importorskip(
            module, reason=f"{module} is not installed (pip install 'cleaner[spark]')"
        )
    if _java() is None:
        pytest.skip("no Java runtime for Spark (apt-get install default-jre-headless)")


pytestmark = pytest.mark.filterwarnings(
    "ignore:PySpark does not yet fully support pandas:FutureWarning"
)
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
# Generic fixtures that need no options (no args.json) and keep some text: the UDF cleans with
# the defaults.
CASES = sorted(
    p.parent
    for p in FIXTURES.glob("generic/*/input.txt")
    if not (p.parent / "args.json").exists() and (p.parent / "expected.txt").stat().st_size > 200
)[:8]


def test_without_pyspark_the_import_error_says_what_to_install(monkeypatch):
    import importlib

    monkeypatch.setitem(sys.modules, "pyspark", None)  # find_spec then finds no pyspark
    monkeypatch.delitem(sys.modules, "cleaner.adapters.spark", raising=False)
    with pytest.raises(ImportError, match=r"cleaner\.adapters\.spark needs pyspark.*cleaner\[spark\]"):
        importlib.import_module("cleaner.adapters.spark")
    monkeypatch.delitem(sys.modules, "cleaner.adapters.spark", raising=False)


@pytest.fixture(scope="module")
def spark():
    _needs_spark()
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    session = (
        SparkSession.builder.master("local[2]")
        .appName("cleaner-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def test_clean_column_matches_fixtures(spark):
    from cleaner.adapters.spark import clean_column

    assert len(CASES) >= 5
    rows = [(c.parent.name + "/" + c.name, (c / "input.txt").read_text("utf-8")) for c in CASES]
    rows.append(("null", None))
    df = spark.createDataFrame(rows, "id string, text string").repartition(2)
    out = clean_column(df, "text")
    assert out.columns == ["id", "text", "clean_text", "clean_meta"]
    got = {r["id"]: r for r in out.collect()}
    assert len(got) == len(rows)
    for case in CASES:
        row = got[case.parent.name + "/" + case.name]
        expected = (case / "expected.txt").read_text("utf-8")
        assert row["clean_text"] == expected, case
        want = clean((case / "input.txt").read_bytes(), name="input.txt")
        assert row["clean_meta"]["title"] == want.title
        assert row["clean_meta"]["byline"] == want.byline
        assert row["clean_meta"]["date"] == want.date
        assert row["clean_meta"]["site"] == want.site
        assert row["clean_meta"]["removed_rules"] == want.rules_fired
        assert row["clean_meta"]["error"] is None
    assert got["null"]["clean_text"] is None
    assert got["null"]["clean_meta"]["error"] == "null value"


def test_clean_column_with_urls_and_options(spark):
    from cleaner.adapters.spark import clean_column

    case = CASES[0]
    text = (case / "input.txt").read_text("utf-8")
    df = spark.createDataFrame([(text, "https://example.org/a/1")], "page string, link string")
    out = clean_column(df, "page", output="body", url_column="link", meta=None, site_rules=False)
    assert out.columns == ["page", "link", "body"]
    (row,) = out.collect()
    assert row["body"] == clean(text, url="https://example.org/a/1", site_rules=False).text
    meta = clean_column(df, "page", url_column="link").select("clean_meta.url").first()[0]
    assert meta == "https://example.org/a/1"
    with pytest.raises(ValueError, match="no column"):
        clean_column(df, "missing")
