"""The pipeline adapters (#13): a batched function for Hugging Face `datasets.map` and a
datatrove PipelineStep, on a few fixtures. Each test is skipped when its library is missing."""

from __future__ import annotations

from pathlib import Path

import pytest

import cleaner

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PAGES = [
    FIXTURES / "generic" / "clean-article" / "input.txt",
    FIXTURES / "generic" / "markdown-table-code" / "input.md",
    FIXTURES / "kyivindependent.com" / "html-page" / "input.html",
]
HTML_URL = "https://kyivindependent.com/power-restored-to-most-of-kharkiv-oblast/"


def rows() -> dict[str, list]:
    texts = [p.read_text(encoding="utf-8") for p in PAGES]
    return {
        "id": [1, 2, 3, 4],
        "text": [*texts, None],
        "url": [None, None, HTML_URL, None],
        "title": ["a title of the dataset's own", None, None, None],
    }


def expected(i: int, **options) -> cleaner.Result:
    data = rows()
    return cleaner.clean(data["text"][i], url=data["url"][i], **options)


def test_clean_batch_without_datasets():
    from cleaner.adapters.hf_datasets import clean_batch

    out = clean_batch(rows())
    assert set(out) == {
        "clean_text", "clean_title", "byline", "date", "site", "removed_rules", "warnings", "error"
    }  # fmt: skip
    assert all(len(v) == 4 for v in out.values())
    for i in range(3):
        want = expected(i)
        assert out["clean_text"][i] == want.text and out["error"][i] is None
        assert out["clean_title"][i] == want.title and out["removed_rules"][i] == want.rules_fired
    assert out["site"][2] == "kyivindependent.com"
    assert out["clean_text"][3] is None and out["error"][3] == "null value"


def test_datasets_map_batched_with_processes():
    datasets = pytest.importorskip("datasets")
    from cleaner.adapters.hf_datasets import CleanBatch, clean_batch

    ds = datasets.Dataset.from_dict(rows())
    out = ds.map(clean_batch, batched=True, batch_size=2, num_proc=2)
    assert out["id"] == [1, 2, 3, 4] and out["title"][0] == "a title of the dataset's own"
    assert out["clean_text"][:3] == [expected(i).text for i in range(3)]
    assert out["error"][3] == "null value"
    md = ds.map(CleanBatch(markdown=True), batched=True)
    assert md["clean_text"][1] == expected(1, markdown=True).text
    assert "| Line | Length | Opens |\n|---|---|---|" in md["clean_text"][1]


def test_datatrove_step_cleans_documents():
    pytest.importorskip("datatrove")
    from datatrove.data import Document

    from cleaner.adapters.datatrove import CleanerStep

    data = rows()
    docs = [
        Document(text=t, id=str(i), metadata={"url": u} if u else {})
        for i, (t, u) in enumerate(zip(data["text"][:3], data["url"][:3], strict=True))
    ]
    docs.append(Document(text="Skip to content\n\nShare this article\n", id="chrome"))
    docs.append(Document(text="   \n", id="blank"))
    step = CleanerStep()
    out = list(step.run(iter(docs)))
    assert [d.id for d in out] == ["0", "1", "2"]  # nothing kept of the last two: dropped
    for i, doc in enumerate(out):
        want = expected(i)
        assert doc.text == want.text
        assert doc.metadata["title"] == want.title
        assert doc.metadata["removed_rules"] == want.rules_fired
    assert out[2].metadata["url"] == HTML_URL and out[2].metadata["site"] == "kyivindependent.com"
    again = [Document(text=data["text"][1], id="md"), Document(text="Skip to content\n", id="c")]
    kept = list(CleanerStep(drop_empty=False, markdown=True).run(iter(again)))
    assert [d.text for d in kept] == [expected(1, markdown=True).text, ""]


def test_datatrove_adapter_names_its_extra_when_missing(monkeypatch):
    import importlib
    import sys

    monkeypatch.setitem(sys.modules, "datatrove", None)
    monkeypatch.delitem(sys.modules, "cleaner.adapters.datatrove", raising=False)
    with pytest.raises(ImportError, match=r"cleaner\[datatrove\]"):
        importlib.import_module("cleaner.adapters.datatrove")
