"""Human-readable reports: the per-file `--explain` listing (the end-of-run summary is
summary.py's)."""

from __future__ import annotations

from cleaner.core.data import Result

EXPLAIN_TEXT_CHARS = 90  # enough of a removed line to recognise it


def explain(name: str, result: Result) -> str:
    """One line per removed line, like a linter: `file:line: CODE reason | text`."""
    head = f"{name}: {result.input_format}, site {result.site or '-'}, removed {len(result.removed)} line(s)"
    meta = ", ".join(f"{k} {v!r}" for k, v in result.metadata.items() if v and k != "site")
    lines = [head + (f"; {meta}" if meta else "")]
    for r in result.removed:
        text = (
            r.text if len(r.text) <= EXPLAIN_TEXT_CHARS else r.text[: EXPLAIN_TEXT_CHARS - 1] + "…"
        )
        lines.append(f"{name}:{r.line}: {r.rule} {r.reason} | {text}")
    lines.extend(
        f"{name}:{k.line}: kept by {k.rule} {k.reason} | {k.text[:EXPLAIN_TEXT_CHARS]}"
        for k in result.kept
    )
    if result.route:
        lines.append(f"{name}: route: {result.route}")
    lines.extend(f"{name}: warning: {w}" for w in result.warnings)
    if result.suspect:
        lines.append(f"{name}: suspect: {result.suspect}")
    return "\n".join(lines)
