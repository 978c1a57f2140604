"""Clean a column of a Spark DataFrame: `clean_column(df, "text")`.

Needs the `spark` extra (`pip install 'cleaner[spark]'`: pyspark, pandas, pyarrow) and a Java
runtime. The cleaning runs in a pandas UDF (Arrow batches) that calls `cleaner.clean` per value
on the executors, which must have cleaner installed too; each Python worker compiles the rule
files once.

    from cleaner.adapters.spark import clean_column
    df = clean_column(spark.read.parquet("pages.parquet"), "html", url_column="url")
    df.select("url", "clean_text", "clean_meta.title", "clean_meta.date")
"""

# No `from __future__ import annotations` here: pandas_udf reads the UDFs' type hints, which
# must be real classes (pandas is imported inside the function, not at module level).

from importlib.util import find_spec
from typing import TYPE_CHECKING, Any

_MISSING = [name for name in ("pyspark", "pandas", "pyarrow") if find_spec(name) is None]
if _MISSING:
    raise ImportError(
        f"cleaner.adapters.spark needs {', '.join(_MISSING)}: pip install 'cleaner[spark]' "
        "(and a Java runtime for Spark itself)"
    )

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame

# The struct of metadata next to the cleaned text (Spark DDL).
META_FIELDS = (
    ("title", "string"),
    ("byline", "string"),
    ("date", "string"),
    ("site", "string"),
    ("url", "string"),
    ("removed_rules", "array<string>"),
    ("warnings", "array<string>"),
    ("error", "string"),
)
TEXT_FIELD = "text"
RESULT_DDL = f"{TEXT_FIELD} string, " + ", ".join(f"{n} {t}" for n, t in META_FIELDS)


def clean_value(
    value: Any, url: Any = None, *, site_rules: bool = True, name: str | None = None
) -> dict[str, Any]:
    """The cleaned text and metadata of one value (str or bytes); an `error` instead of raising."""
    url = url if isinstance(url, str) and url else None
    empty: dict[str, Any] = {TEXT_FIELD: None, **{n: None for n, _ in META_FIELDS}}
    empty.update(url=url, removed_rules=[], warnings=[])
    if value is None or (isinstance(value, float) and value != value):  # null arrives as NaN
        return {**empty, "error": "null value"}
    if isinstance(value, bytearray | memoryview):
        value = bytes(value)
    if not isinstance(value, str | bytes):
        return {**empty, "error": f"a {type(value).__name__}, not a string"}
    from cleaner.api import clean

    try:
        result = clean(value, url=url, site_rules=site_rules, name=name)
    except Exception as exc:  # one bad page must not fail the Spark task
        return {**empty, "error": f"{type(exc).__name__}: {exc}"}
    if result.skipped:  # not a page at all (a binary file, ...)
        return {**empty, "error": f"not cleaned: {result.skipped}"}
    return result.record_fields(TEXT_FIELD)


def _cleaning_udf(with_url: bool, site_rules: bool, name: str | None):
    import pandas as pd
    from pyspark.sql.functions import pandas_udf

    columns = [TEXT_FIELD, *(n for n, _ in META_FIELDS)]

    def frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
        return pd.DataFrame.from_records(rows, columns=columns)

    if with_url:

        @pandas_udf(RESULT_DDL)  # type: ignore[call-overload]  # pyspark's overloads want a functionType, which Spark infers from the type hints
        def clean_with_url(values: pd.Series, urls: pd.Series) -> pd.DataFrame:
            return frame(
                [
                    clean_value(v, u, site_rules=site_rules, name=name)
                    for v, u in zip(values, urls, strict=True)
                ]
            )

        return clean_with_url

    @pandas_udf(RESULT_DDL)  # type: ignore[call-overload]  # as above
    def clean_text(values: pd.Series) -> pd.DataFrame:
        return frame([clean_value(v, site_rules=site_rules, name=name) for v in values])

    return clean_text


def clean_column(
    df: "DataFrame",
    column: str,
    *,
    output: str = "clean_text",
    url_column: str | None = None,
    site_rules: bool = True,
    meta: str | None = "clean_meta",
    html: bool = False,
) -> "DataFrame":
    """`df` with `output` (the cleaned text) and `meta` (a struct: title, byline, date, site,
    url, removed_rules, warnings, error) added after its columns.

    `column` holds the pages (string or binary); `url_column` their URLs (they pick the site's
    rules and go to the metadata); `html=True` tells cleaner the pages are HTML even where they
    do not start like it; `meta=None` adds the text alone. A null or unreadable value gives a
    null text and the reason in `meta.error`; it never fails the job.
    """
    from pyspark.sql import functions as F

    for name in (column, url_column):
        if name is not None and name not in df.columns:
            raise ValueError(f"no column {name!r} in the DataFrame (columns: {df.columns})")
    udf = _cleaning_udf(url_column is not None, site_rules, "page.html" if html else None)
    args = [F.col(column)] + ([F.col(url_column)] if url_column is not None else [])
    tmp = "__cleaner_result"
    while tmp in df.columns:
        tmp += "_"
    out = df.withColumn(tmp, udf(*args))
    out = out.withColumn(output, F.col(f"{tmp}.{TEXT_FIELD}"))
    if meta is not None:
        out = out.withColumn(
            meta, F.struct(*(F.col(f"{tmp}.{n}").alias(n) for n, _ in META_FIELDS))
        )
    return out.drop(tmp)
