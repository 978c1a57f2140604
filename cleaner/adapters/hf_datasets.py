"""Clean a Hugging Face dataset: `dataset.map(clean_batch, batched=True, num_proc=N)`.

    from datasets import load_dataset
    from cleaner.adapters.hf_datasets import CleanBatch, clean_batch

    ds = ds.map(clean_batch, batched=True, num_proc=4)          # the "text" column, "url" for URLs
    ds = ds.map(CleanBatch(text_field="html", markdown=True), batched=True)

Each batch comes back with the cleaned fields of a record file's records (`clean_text`, `title`,
`byline`, `date`, `site`, `url` when the dataset has no such column, `removed_rules`,
`warnings`, `error`): a column the dataset has already is written as `clean_<name>`, never
overwritten. A row that cannot be cleaned (a null, a binary payload) has `error` set and is
kept: the batch is as long as it came. The functions need nothing of `datasets` itself (its
`map` calls them with a dict of columns); the `datasets` extra installs it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cleaner.run.records import CLEANED_FIELDS, HTML_NAME, CleanFields, Task, output_key


@dataclass(frozen=True)
class CleanBatch:
    """A batched map function (picklable, for `num_proc`): the cleaned fields of each row of
    the `text_field` column, with the URL of `url_field` when the dataset has it. `site`,
    `rules`, `site_rules` and `markdown` as for `cleaner.clean`."""

    text_field: str = "text"
    url_field: str | None = "url"
    site: str | None = None
    rules: tuple[str, ...] = ()
    site_rules: bool = True
    markdown: bool = False

    def __call__(self, batch: dict[str, list[Any]]) -> dict[str, list[Any]]:
        if self.text_field not in batch:
            raise KeyError(f"no column {self.text_field!r} in the batch (columns: {list(batch)})")
        texts = batch[self.text_field]
        urls = batch.get(self.url_field) if self.url_field else None
        name = HTML_NAME if "html" in self.text_field.lower() else None
        clean = CleanFields(
            self.site, tuple(map(str, self.rules)), self.site_rules, markdown=self.markdown
        )
        rows: list[dict[str, Any]] = []
        for i, value in enumerate(texts):
            url = urls[i] if urls is not None else None
            url = url if isinstance(url, str) and url else None
            if isinstance(value, str | bytes):
                rows.append(clean.fields(Task(value, url, name)))
            else:
                why = "null value" if value is None else f"a {type(value).__name__}, not a string"
                rows.append(clean.fields(Task(None, url, name, error=why)))
        out: dict[str, list[Any]] = {}
        for key in CLEANED_FIELDS:
            target = output_key(key, batch)
            if target is not None:
                out[target] = [row[key] for row in rows]
        return out


clean_batch = CleanBatch()
