"""The HTML path's repairs of broken pages before extraction."""

from __future__ import annotations

from cleaner import clean
from cleaner.html import close_title

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
