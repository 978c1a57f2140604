"""The vocabularies (cleaner/rules/vocab.toml): each concept documented, listed once, used, and
read by the modules as they expect."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from cleaner.rules import vocab

PACKAGE = Path(vocab.__file__).resolve().parents[1]
LANGUAGE = re.compile(r"^(?:[a-z]{2}|any)$")


def _sources() -> str:
    return "\n".join(
        p.read_text(encoding="utf-8") for p in PACKAGE.rglob("*.py") if p.name != "vocab.py"
    )


def test_every_concept_has_an_about_line_and_language_keys():
    assert vocab.concepts()
    for concept in vocab.concepts():
        about = vocab.about(concept)
        assert about and "\n" not in about, f"{concept}: no one-line about"
        langs = vocab.languages(concept)
        assert langs, f"{concept}: no entries"
        bad = [k for k in langs if not LANGUAGE.match(k)]
        assert not bad, f"{concept}: keys that are not ISO 639-1 codes or 'any': {bad}"


def test_no_phrase_is_listed_twice_within_a_concept():
    for concept in vocab.concepts():
        entries = vocab.phrases(concept)
        twice = sorted({p for p in entries if entries.count(p) > 1})
        assert not twice, f"{concept}: listed twice: {twice}"
        assert all(p and p == p.strip() for p in entries), f"{concept}: blank or padded entry"


def test_regex_concepts_compile_and_literal_ones_are_escaped():
    from cleaner.rules.generic import _alternatives

    for concept in vocab.concepts():
        if vocab.is_regex(concept):
            for p in vocab.phrases(concept):
                re.compile(p)
                # One alternative an entry: "a|b" would escape the ^...$ a rule puts around it.
                assert _alternatives(p) == [p], f"{concept}: {p!r} has a top-level |"
        pattern = re.compile(f"^(?:{vocab.alternation(concept)})$", re.I)
        if not vocab.is_regex(concept):
            assert all(pattern.match(p) for p in vocab.phrases(concept)), concept


def test_every_concept_is_used_by_a_module():
    from cleaner.core.features import TOKEN_GROUPS

    source = _sources()
    groups = {f"class_{g}" for g in TOKEN_GROUPS}
    unused = [
        c
        for c in vocab.concepts()
        if c not in groups | {"months"} and f'"{c}"' not in source and f"'{c}'" not in source
    ]
    unused += sorted(groups - set(vocab.concepts()))  # a feature group with no vocabulary
    assert not unused, f"concepts no module reads: {unused}"
    if "months" in vocab.concepts():
        assert "month_numbers()" in source and "months_of(" in source


def test_months_have_twelve_entries_a_language_and_one_number_a_name():
    table = tomllib.loads(vocab.SOURCE.read_text(encoding="utf-8"))["months"]
    for lang in vocab.languages("months"):
        assert len(table[lang]) == 12, lang
    numbers = vocab.month_numbers()
    assert len(numbers) == len(vocab.phrases("months"))  # no name under two months
    assert numbers["january"] == 1 and numbers["грудня"] == 12 and numbers["mai"] == 5
    assert len(vocab.months_of("en")) == 12 and vocab.months_of("nl")[1] == ("februari",)


def test_modules_read_what_they_expect():
    from cleaner.core import features, html, metadata, pagemeta
    from cleaner.rules import generic

    assert vocab.month_numbers() == pagemeta._MONTH
    assert metadata.DATE_RE.search("Posted Sept. 7, 2023") is not None
    assert "sep(?:t(?:ember)?)?" in metadata._MONTH  # one month's names as a prefix chain
    assert metadata.iso_date("7 September 2023") == "2023-09-07"
    assert pagemeta.text_dates("4 mai 2025")[0][1] == "2025-05-04"
    # One revision-label list for both paths (metadata.line_date's policy), every language.
    assert metadata.REVISION_LABEL.search("оновлено 3 травня 2024")
    assert pagemeta._UPDATED.search("оновлено")
    assert pagemeta._UPDATED.search("Mis à jour le 3 mai")
    assert metadata.NOT_PUBLISHED_LINE.search("© 2024 Example") and not metadata.OTHER_LABEL.search(
        "Published"
    )
    assert metadata.byline_names("Von Anna Schmidt") == "Anna Schmidt"
    assert metadata.BYLINE_RE.match("By Ursula von der Leyen")
    assert metadata.by_label("Автор:")
    assert {"von", "and", "&"} <= pagemeta._NAME_PARTICLES
    # byline_by: the label-line patterns leave out "di" and "av" (a line of its own).
    assert metadata.byline_names("Di Mario Rossi") == "Mario Rossi"
    assert not metadata.by_label("di") and metadata.by_label("Door")
    assert pagemeta._BY_LABEL.match("Von:") and not pagemeta._BY_LABEL.match("av")
    assert pagemeta._CONNECTOR.match("und") and not pagemeta._CONNECTOR.match("и")
    assert generic._RELATED_HEADING.match("You may also like")
    assert not generic._RELATED_HEADING.match("Most popular")  # G109 only: popular_heading
    assert metadata.is_date_line("5 mins ago") and metadata.is_date_line("3 hours ago")
    assert metadata.is_date_line("Updated: 7 March 2023") and metadata.is_date_line("Posted")
    assert metadata.is_date_line("Just now") and metadata.is_date_line("Modified 2023-03-07")
    assert metadata.name_line("Audrey Huang, Print Managing Editor") == "Audrey Huang"
    assert html._AUTHOR_META[1] == 'meta[property="article:author"]'
    assert pagemeta._AUTHOR_META[: len(html._AUTHOR_META)] == vocab.phrases("author_meta")
    assert generic.REGISTRY["G101"] and any(
        p.code == "G101" and p.anchored.match("Перейти до змісту") for p in generic.PHRASES
    )
    assert all(isinstance(v, frozenset) and v for v in features.TOKEN_GROUPS.values())
    assert "cookie" in features.TOKEN_GROUPS["popup"]
    # The lists moved out of the patterns (pagemeta, generic, metadata, article).
    assert pagemeta._BY_PREFIX.sub("", "Auteurs : Marie Curie") == "Marie Curie"
    assert pagemeta._BY_PREFIX.sub("", "Blog post by Jane Doe") == "Jane Doe"
    assert pagemeta._BY_LABEL.match("Thread starter") and pagemeta._BY_LABEL.match("Autorin:")
    assert pagemeta._NAME_END.split("Jane DoePublished 3 May", maxsplit=1)[0] == "Jane Doe"
    assert pagemeta._NOT_AUTHOR_LABEL.search("Translated by")
    assert "dcterms.created" in pagemeta._PUBLISHED_META
    assert generic._PHOTO_CREDIT.search("A crowd in Kyiv / Getty Images")
    assert generic._PHOTO_CREDIT.search("(Pic: John Roe)")
    assert generic._IMAGE_PLACEHOLDER.match("Logo")
    assert metadata.is_date_line("5 min listen")
    assert metadata.NOT_PUBLISHED_LINE.search("All rights")
    assert metadata.byline_names("Discussion in 'Cars' started by Jane Doe") == "Jane Doe"
    assert metadata.byline_names("March 15, 2022 · 3 min read · Written by Jane Doe") == "Jane Doe"


def test_the_data_file_ships_in_the_package():
    assert vocab.SOURCE.parent == PACKAGE / "rules" and vocab.SOURCE.exists()
    project = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8"))
    assert "cleaner" in project["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"]


@pytest.mark.parametrize("line", ["Share on LinkedIn", "Facebook Twitter Email", "Visa Mastercard"])
def test_phrase_rules_built_from_vocabularies(line):
    from cleaner.api import clean

    r = clean(f"Some heading\n\n{line}\n\n" + "A sentence of the article that runs on. " * 8)
    assert line not in r.text
