"""The HTML path's repairs of broken pages before extraction."""

from __future__ import annotations

import lxml.html
import pytest

from cleaner import clean
from cleaner.core.html import CUT_SHORT, LIBXML_MAX_TEXT, close_title

TITLE = "Ferry operator adds winter crossings"
BODY = (
    f"<body><h1>{TITLE}</h1><p>The ferry operator will run two extra crossings a day through "
    "the winter, after a summer in which passenger numbers rose by almost a fifth.</p><p>Managers "
    "said the decision followed requests from commuters who travel to the mainland for work.</p>"
    "</body></html>"
)


def test_an_unclosed_title_does_not_swallow_the_page():
    result = clean(f"<html><head><title>{TITLE}</head>{BODY}", name="page.html")
    assert result.title == TITLE
    assert "passenger numbers rose" in result.text
    assert "<p>" not in result.text and "<p>" not in result.title
    assert "unclosed <title>: closed before the next tag" in result.warnings


def test_a_closed_title_is_left_alone():
    page = f"<html><head><TITLE>{TITLE}</TITLE ></head>{BODY}"
    assert close_title(page) == (page, False)
    result = clean(page, name="page.html")
    assert result.title == TITLE
    assert not result.warnings


def test_close_title_closes_before_the_next_tag():
    assert close_title("<title>A b<body>x") == ("<title>A b</title><body>x", True)
    assert close_title("<title>only text") == ("<title>only text", False)
    assert close_title("<p>no title</p>") == ("<p>no title</p>", False)


# One node over libxml2's limit (10,000,000 bytes) before the article: without huge_tree the
# parser stopped there and the extractor gave the title alone, not flagged (#14, case 12).
HUGE = {
    "script": f"<script>var blob = '{'a' * (LIBXML_MAX_TEXT + 500_000)}';</script>",
    "text": f"<div>{'word ' * (LIBXML_MAX_TEXT // 5 + 100_000)}</div>",
}
# An article long enough that the extractor prefers it to a huge node of filler.
ARTICLE = "".join(
    f"<p>The ferry operator will run two extra crossings a day through the winter, part {i} of "
    "the plan, after a summer in which passenger numbers rose by almost a fifth.</p>"
    for i in range(12)
)


def huge_page(node: str) -> str:
    return (
        f"<html><head><title>{TITLE}</title></head><body>{HUGE[node]}<article><h1>{TITLE}</h1>"
        f"{ARTICLE}</article></body></html>"
    )


@pytest.mark.parametrize("node", sorted(HUGE))
def test_a_node_over_the_parsers_limit_does_not_cut_the_page(node):
    result = clean(huge_page(node), name="page.html")
    assert all(f"part {i} of the plan" in result.text for i in range(12))
    assert result.suspect is None


def test_a_page_the_parser_cannot_read_whole_is_suspect(monkeypatch):
    def refuse(*args, **kwargs):
        raise ValueError("no parse")

    monkeypatch.setattr(lxml.html, "fromstring", refuse)  # the huge_tree parse fails
    result = clean(huge_page("script"), name="page.html", html="extractor")
    assert "part 0 of the plan" not in result.text  # what libxml2 alone leaves: the title
    assert result.suspect is not None and result.suspect.startswith(CUT_SHORT)
    # The page's blocks (selectolax, no such limit) hold the article: the router keeps them.
    result = clean(huge_page("script"), name="page.html")
    assert result.route.startswith("K503 ")
    assert all(f"part {i} of the plan" in result.text for i in range(12))


def test_the_markups_byline_is_not_replaced_by_a_line_near_the_title():
    # A forum thread: the markup names the first poster; a category label over a date under the
    # title looks like a signed line to the header reader, which took it on the blocks reading.
    page = (
        "<html><head><title>Printer drops off the network</title>"
        '<script type="application/ld+json">{"@type":"DiscussionForumPosting",'
        '"headline":"Printer drops off the network","author":{"@type":"Person",'
        '"name":"amondale"},"datePublished":"2024-03-03"}</script></head>'
        "<body><main><h1>Printer drops off the network</h1><div>Office Hardware</div>"
        "<div>March 3, 2024</div>"
        + "".join(
            f"<div class='post'><p>Every morning the printer in room {i} has dropped off the "
            "network again and has to be restarted before anyone can print.</p></div>"
            for i in range(6)
        )
        + "</main></body></html>"
    )
    for mode in ("extractor", "blocks", "routed"):
        result = clean(page, name="page.html", html=mode)
        assert (result.byline, result.date) == ("amondale", "2024-03-03"), mode
