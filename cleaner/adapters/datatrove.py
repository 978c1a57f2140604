"""A datatrove pipeline step: `CleanerStep()` cleans each Document's text in place.

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from cleaner.adapters.datatrove import CleanerStep

    LocalPipelineExecutor([JsonlReader("pages/"), CleanerStep(), ...], tasks=8).run()

The document's text becomes the article text (markdown with `markdown=True`); its metadata gets
`title`, `byline`, `date` and `site` (`clean_<name>` where the reader set one already), `url`
when it has none, `removed_rules` and `warnings`. A document whose page is no text at all (a binary payload) or from which nothing is
kept is dropped, counted in the step's stats (`dropped_binary`, `dropped_empty`) unless
`drop_empty=False`, which keeps it with an empty text. The URL comes from
`metadata["url"]`. Needs the `datatrove` extra (`pip install 'cleaner[datatrove]'`).
"""

from __future__ import annotations

from importlib.util import find_spec

if find_spec("datatrove") is None:
    raise ImportError(
        "cleaner.adapters.datatrove needs datatrove: pip install 'cleaner[datatrove]'"
    )

from datatrove.pipeline.base import PipelineStep


class CleanerStep(PipelineStep):
    """Clean each document (a scraped page: text, markdown or HTML) into its article text."""

    name = "🧹 cleaner"
    type = "✂️ - FORMAT"

    def __init__(
        self,
        *,
        site: str | None = None,
        rules: tuple[str, ...] = (),
        site_rules: bool = True,
        markdown: bool = False,
        drop_empty: bool = True,
    ) -> None:
        super().__init__()
        self.site = site
        self.rules = tuple(map(str, rules))
        self.site_rules = site_rules
        self.markdown = markdown
        self.drop_empty = drop_empty

    def run(self, data, rank: int = 0, world_size: int = 1):
        from cleaner.api import clean

        for doc in data:
            self.stat_update("total")
            url = doc.metadata.get("url")
            with self.track_time():
                result = clean(
                    doc.text,
                    url=url if isinstance(url, str) and url else None,
                    site=self.site,
                    rules=self.rules,
                    site_rules=self.site_rules,
                    markdown=self.markdown,
                )
            if self.drop_empty and (result.skipped or not result.text):
                self.stat_update("dropped_binary" if result.skipped else "dropped_empty")
                continue
            doc.text = result.text
            meta = doc.metadata
            if not meta.get("url"):
                meta["url"] = result.url
            for key in ("title", "byline", "date", "site"):  # the reader's own are kept
                meta[f"clean_{key}" if key in meta else key] = getattr(result, key)
            meta["removed_rules"] = result.rules_fired
            meta["warnings"] = list(result.warnings)
            self.stat_update("kept")
            yield doc
