"""Metadata read from the lines of a text copy: dates in several languages, bylines in their
usual shapes, the title above the byline, and what is not a publication date."""

from __future__ import annotations

import pytest

import cleaner
from cleaner.core.metadata import byline_names, name_line, published_date

PROSE = (
    "The national library has finished digitising its collection of medieval maps, a project "
    "that took eleven years and involved more than two hundred volunteers from the region.\n\n"
    "Visitors to the library's website can now zoom in on details such as coastlines, "
    "monasteries and trade routes that are barely visible to the naked eye.\n\n"
    "The curator said the scans had already led to new discoveries, including a previously "
    "unknown chapel marked on a map of the northern valleys and two lost bridges.\n"
)


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        ("вівторок, 3 березня 2026", "2026-03-03"),
        ("4 mai 2025 à 08:15", "2025-05-04"),
        ("пн, 06/09/2025 - 09:30", "2025-09-06"),
        ("12. Oktober 2024", "2024-10-12"),
        ("2024年5月9日", "2024-05-09"),
        ("9 de agosto de 2011", "2011-08-09"),
        ("Posted by IndustrySelect on Tuesday, August 29, 2023", "2023-08-29"),
        ("Published Oct 10, 2023 - [Updated Dec 3, 2025]", "2023-10-10"),
        ("09/25/2025", "2025-09-25"),
        ("August 16, 2019 - Updated July 9, 2025", "2019-08-16"),
        ("Updated Dec 3, 2025 | Published Oct 10, 2023", "2023-10-10"),
    ],
)
def test_published_date_shapes(line, iso):
    assert published_date(line) == iso


@pytest.mark.parametrize(
    "line",
    [
        "Updated Dec. 23, 2024, 1:24 PM EST",  # a revision, not the publication
        "© 2025 Example Media. All rights reserved.",
        "Member since March 3, 2019",
        "0 min read",
        "Today is Monday, June 2, 2025",
    ],
)
def test_not_a_publication_date(line):
    assert published_date(line) is None


def test_a_revision_date_dates_a_copy_only_without_a_publication_date():
    title = "Ferry operator adds winter crossings"
    prose = (
        "The ferry operator will run two extra crossings a day through the winter, after a "
        "summer in which passenger numbers rose by almost a fifth on the island route.\n\n"
    ) * 3
    only = cleaner.clean(f"{title}\n\nUpdated January 2, 2024\n\n{prose}", name="a.txt")
    assert only.date == "2024-01-02"
    both = f"{title}\n\nUpdated January 2, 2024\n\nPublished March 7, 2023\n\n{prose}"
    assert cleaner.clean(both, name="a.txt").date == "2023-03-07"


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("By Tom Baker", "Tom Baker"),
        ("**By Tom Baker** | 3 hours ago", "Tom Baker"),
        ("by Jason Rostar | SEO | 8 min Read", "Jason Rostar"),
        ("By Tom Baker and Ann Lee", "Tom Baker and Ann Lee"),
        ("By Scott Levine – Updated Sep 9, 2025", "Scott Levine"),
        ("Posted by Peter Bell on August 21, 2019", "Peter Bell"),
        ("By: Benjamin Johnson, Sr. Director of Operations", "Benjamin Johnson"),
        ("October 11, 2023 by Autumn Huerter", "Autumn Huerter"),
        ("March 15, 2022 · 3 min read · By ASU Online", "ASU Online"),
        ("Von Anna Schmidt", "Anna Schmidt"),
        ("Автор: Іван Петренко", "Іван Петренко"),
        ("Words by Tom Baker", "Tom Baker"),
        ("by Daria Shulzhenko November 3, 2024 3:12 PM", "Daria Shulzhenko"),
        ("Post by galitsyn » 11. Sep 2024, 18:36", "galitsyn"),
        ("Discussion in 'Social Networks' started by AjayJunkies, May 11, 2024 .", "AjayJunkies"),
        ("Started by Biology Forums, June 04, 2024, 11:23:55 AM", "Biology Forums"),
        ("September 1st, 2023 By Emily Norwood", "Emily Norwood"),  # "By" after a date
        ("by Meaghan Weeden ● December 23, 2025 ● 6 min read", "Meaghan Weeden"),
    ],
)
def test_byline_shapes(line, name):
    assert byline_names(line) == name


@pytest.mark.parametrize(
    "line", ["Sort by Popularity", "Filter by Use Case", "Posted in News", "By the way, we moved"]
)
def test_not_a_byline(line):
    assert byline_names(line) is None


def test_a_byline_block_under_a_headline_is_not_joined_to_it():
    # The scraper's line break before "by X" (lower case) is a block's, not a broken sentence's.
    page = (
        "Why the ferry timetable changed and what it means for commuters this winter\n"
        "by Jill Barshay | Travel | 8 min read\n\n" + PROSE
    )
    assert cleaner.clean(page, name="page.txt").byline == "Jill Barshay"


def test_a_broken_sentence_ending_by_a_name_is_still_joined():
    from cleaner.core.segment import join_broken, segment

    text = "The small ferry company that runs the island route was bought\nby Google in 2014 for its maps."
    units = join_broken(segment(text, markdown=False))
    assert len(units) == 1


def test_name_line_with_date_or_role():
    assert name_line("Tom Talbot October 14, 2025") == "Tom Talbot"
    assert name_line("Audrey Huang, Print Managing Editor") == "Audrey Huang"
    assert name_line("The best moving companies of 2025 are here.") is None


@pytest.fixture
def rules_title(monkeypatch):
    """The rules' pick alone, without the title model (core/title.py), whose feature it is: on
    these short pages of a few lines the model, learned on whole pages, may see it otherwise."""
    from cleaner.core import title

    monkeypatch.setattr(title, "shipped", lambda: None)


def test_title_above_byline_and_date_in_a_text_copy():
    page = (
        "Skip to main content\n\nHome\nNews\nSubscribe to our newsletter today\n\n"
        "Medieval maps go online\n"
        "Here is what the archive holds, town by town.\n"
        "Posted by Anna Kowalska on Tuesday, August 29, 2023\n\n" + PROSE
    )
    r = cleaner.clean(page, name="page.txt")
    assert r.title == "Medieval maps go online"
    assert r.byline == "Anna Kowalska"
    assert r.date == "2023-08-29"
    assert r.text.startswith("Medieval maps go online\n")


def test_the_headline_not_the_label_above_it(rules_title):
    page = (
        "Toggle site navigation\n"
        "Group music classes or private lessons: which is best for you?\n"
        "March 12, 2024\n\n" + PROSE
    )
    r = cleaner.clean(page, name="page.txt")
    assert r.title == "Group music classes or private lessons: which is best for you?"
    assert r.date == "2024-03-12"


def test_name_over_a_date_is_the_byline():
    page = "Medieval maps go online\nKelia Losa Reinoso\n4 mai 2025 à 08:15\n\n" + PROSE
    r = cleaner.clean(page, name="page.txt")
    assert r.byline == "Kelia Losa Reinoso"
    assert r.date == "2025-05-04"


def test_a_comment_date_is_not_the_article_date():
    page = (
        "Medieval maps go online\n\n"
        + PROSE
        + "\n2 Comments\n\nMaria Lopes on March 12, 2024 said:\n"
    )
    assert cleaner.clean(page, name="page.txt").date is None


def test_read_time_between_paragraphs_is_not_a_timeline_date():
    paras = PROSE.strip().split("\n\n")
    page = "Medieval maps go online\n\n" + paras[0] + "\n\n0 min read\n\n" + "\n\n".join(paras[1:])
    r = cleaner.clean(page, name="page.txt")
    assert "0 min read" not in r.text
    assert all(k.rule != "K002" for k in r.kept)


def test_title_printed_again_far_above_the_article():
    toc = "\n".join(f"* {n}. Section number {n} of the guide" for n in range(1, 16))
    page = (
        "Home > Guides > Medieval maps go online today\n\n"
        "Medieval maps go online today\n\nContents\n" + toc + "\n\n" + PROSE
    )
    r = cleaner.clean(page, name="page.txt")
    assert r.title == "Medieval maps go online today"


def test_a_numbered_contents_entry_is_not_the_title():
    toc = "\n".join(f"{n}. Section number {n} of the guide" for n in range(1, 6))
    page = "Medieval maps go online today\n\n" + toc + "\n\n" + PROSE
    assert not (cleaner.clean(page, name="page.txt").title or "").startswith("5. ")


@pytest.mark.parametrize("credit", ["Edited by Marie White, CEPF", "Updated: Jan 31"])
def test_a_credit_or_revision_line_is_not_the_title(credit):
    page = f"{credit}\n\n" + PROSE
    assert cleaner.clean(page, name="page.txt").title != credit


def test_the_headline_above_its_dek_not_the_dek():
    page = (
        "Home\nNews\nSubscribe to our newsletter today\n\n"
        "These are the best medieval maps of 2025\n"
        "Here is what we found in the archive this year\n"
        "Written by Anna Kowalska\n"
        "March 12, 2024\n\n" + PROSE
    )
    r = cleaner.clean(page, name="page.txt")
    assert r.title == "These are the best medieval maps of 2025"
    assert r.byline == "Anna Kowalska"


def test_a_forum_threads_short_title_under_the_forums_name():
    # A sentence-case title of a few words is no dek: the line above (the forum's name) is
    # not taken instead.
    page = (
        "The Map Collectors Forum\n"
        "Deploy failed for unknown reason\n"
        "Posted by mapfan on March 12, 2024\n\n" + PROSE
    )
    assert cleaner.clean(page, name="page.txt").title == "Deploy failed for unknown reason"


def test_a_by_label_on_its_own_line_then_the_name():
    page = (
        "Home\nNews\n\nThe Best Medieval Maps of 2025\nBy\nGenevieve Carlton, Ph.D.\n"
        "Updated on July 9, 2025\n\n" + PROSE
    )
    r = cleaner.clean(page, name="page.txt")
    assert r.title == "The Best Medieval Maps of 2025"  # an 'Updated' line anchors the title
    assert r.byline == "Genevieve Carlton"


@pytest.mark.parametrize("line", ["By", "Written by", "Author:", "Von"])
def test_by_labels(line):
    from cleaner.core.metadata import by_label

    assert by_label(line)
    assert not by_label("By the river")


def test_the_byline_nearest_above_the_article_without_a_title():
    menu = "\n".join(f"* Menu entry {n}" for n in range(8))
    page = f"{menu}\n\n| November 3, 2025 (8:42 AM ET)\n{menu}\n\n" + PROSE
    assert cleaner.clean(page, name="page.txt").date == "2025-11-03"


def test_the_title_above_a_one_sentence_dek_and_the_byline():
    page = (
        "Home\nReviews\nPrice comparison from our partners\n\n"
        "Best medieval map archives: the top 5 picks for scholars\n"
        "Collectors looking for medieval maps have more choice than ever, and here is where to "
        "start.\n"
        "By Jared Newman and Sam Singleton\n"
        "Nov 25, 2025 5:00 am PST\n\n" + PROSE
    )
    r = cleaner.clean(page, name="page.txt")
    assert r.title == "Best medieval map archives: the top 5 picks for scholars"
    assert r.date == "2025-11-25"


def test_a_questions_relative_stamp_anchors_its_title():
    page = (
        "Stack Exchange\nQuestions\nTags\n\nHow to book flights when moving to another country?\n"
        "Ask Question\nAsked 11 years, 9 months ago\nModified 11 years, 6 months ago\n"
        "Viewed 4k times\n\n" + PROSE
    )
    title = "How to book flights when moving to another country?"
    assert cleaner.clean(page, name="page.txt").title == title


def test_the_headline_a_breadcrumb_ends_with_below_the_articles_start():
    page = (
        "Personal Loans\nInvesting\n\n"
        + PROSE.split("\n\n")[0]
        + "\n\nHome » Archive » Do millennials have the best money habits?\n"
        "Do millennials have the best money habits?\n\n" + PROSE
    )
    r = cleaner.clean(page, name="page.txt")
    assert r.title == "Do millennials have the best money habits?"


def test_the_headline_below_a_kickers_date_and_an_author_box(rules_title):
    toc = "\n".join(f"* Section number {n} of the guide" for n in range(1, 16))
    page = (
        "Home\nBlog\nDocs\nGet Started\n"
        "December 17, 2025 • 8 minutes\n"
        "Stop Nesting Database Systems\n"
        "Christian Winter\n"
        "Staff Writer\n"
        "Contents\n" + toc + "\n\n" + PROSE
    )
    r = cleaner.clean(page, name="page.txt")
    assert r.title == "Stop Nesting Database Systems"
    assert r.byline == "Christian Winter"
    assert r.date == "2025-12-17"


@pytest.mark.parametrize(
    "line",
    [
        "1/27/2026 - 3/24/2026",  # a span: an event's or a course's term
        "DATE: 2025-12-12 - 2025-12-17",
        "January 27, 2026 to March 24, 2026",
        "Sale ends 03/31/2026. While supplies last.",  # an offer's end
        "– Ends Aug 2, 2026",
        "Effective beginning 6/2/2025:",
        "Valid until 3 May 2025",
    ],
)
def test_a_terms_dates_are_not_a_publication_date(line):
    assert published_date(line) is None


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        ("Published March 3, 2024 - Updated March 5, 2024", "2024-03-03"),  # two labels
        ("Posted 3/3/2024 - Last edit 3/5/2024", "2024-03-03"),
        ("Top Trends Jan 2, 2025", "2025-01-02"),  # 'ends' inside a word is no label
        ("Kristian Larsen July 13, 2025 — 7 minutes read", "2025-07-13"),
    ],
)
def test_dates_beside_a_terms_words_still_read(line, iso):
    assert published_date(line) == iso


def test_a_kicker_above_the_title_is_not_the_title(rules_title):
    # "Artificial Intelligence" is shaped like a name: above the headline already found it
    # does not carry the header on to the site's label further up.
    page = (
        "Home\nNews\n\nIdeas Made to Matter\nArtificial Intelligence\n"
        "Machine learning, explained\nBy\nSara Brown\nApr 21, 2021\n\n" + PROSE
    )
    r = cleaner.clean(page, name="page.txt")
    assert r.title == "Machine learning, explained"
    assert r.date == "2021-04-21"


def test_a_date_or_byline_below_the_title_when_a_name_is_above():
    # The header goes on through a date line above the title, as before.
    page = (
        "Home\nNews\n\nMarch 12, 2024\nMedieval maps go online today\nBy Anna Kowalska\n\n" + PROSE
    )
    r = cleaner.clean(page, name="page.txt")
    assert r.title == "Medieval maps go online today"
    assert r.byline == "Anna Kowalska"


def test_the_byline_below_the_dek_under_the_title():
    dek = (
        "Choosing between audiobook subscriptions should not be complicated, so we tested "
        "eleven of them."
    )
    page = (
        "Home\nReviews\n\nBest Audiobook Subscriptions in 2025\n"
        + dek
        + "\nKristian Larsen July 13, 2025 — 7 minutes read\n\n"
        + PROSE
    )
    r = cleaner.clean(page, name="page.txt")
    assert r.title == "Best Audiobook Subscriptions in 2025"
    assert r.byline == "Kristian Larsen"
    assert r.date == "2025-07-13"


def test_a_paragraph_under_the_title_ends_the_header_without_a_byline_below():
    # The first paragraph, then a name further down (a quoted person, an author box): the
    # header ended at the paragraph.
    lead = (
        "Choosing between audiobook subscriptions should not be complicated, so we tested "
        "eleven of them."
    )
    page = (
        "Home\nReviews\n\nBest Audiobook Subscriptions in 2025\n"
        + lead
        + "\n"
        + PROSE.split("\n\n")[0]
        + "\nKristian Larsen\nJuly 13, 2025\n\n"
        + PROSE
    )
    r = cleaner.clean(page, name="page.txt")
    assert r.byline is None


def test_a_name_with_its_role_under_the_title_is_the_byline():
    page = (
        "Home\nOpinion\n\nHow meditation rewires the brain\n"
        "Manoj Jain and Jagpreet Chhatwal | Guest Columnists\n\n" + PROSE
    )
    r = cleaner.clean(page, name="page.txt")
    assert r.title == "How meditation rewires the brain"
    assert r.byline == "Manoj Jain and Jagpreet Chhatwal"


def test_a_name_with_other_words_under_the_title_is_no_byline():
    # No role, no date: a place, a caption, a sponsor's name.
    page = "Home\nOpinion\n\nHow meditation rewires the brain\nAnna Kowalska | Springfield\n\n"
    assert cleaner.clean(page + PROSE, name="page.txt").byline is None


@pytest.mark.parametrize(
    "line", ["By Role", "By Company Type", "BY COMPANY SIZE", "By Industry", "Par Matière"]
)
def test_a_menus_facet_heading_is_not_a_byline(line):
    assert byline_names(line) is None
    page = f"Solutions\n{line}\nMarketers\nAnalysts\n\nMedieval maps go online today\n\n" + PROSE
    assert cleaner.clean(page, name="page.txt").byline is None


def test_a_name_that_starts_like_a_facet_word_is_still_a_byline():
    assert byline_names("By Sarah Price") == "Sarah Price"
    assert byline_names("By Roland Agemo") == "Roland Agemo"


def test_an_author_boxs_line_is_not_the_title():
    page = "Home\n\nHow meditation rewires the brain\nAudrey Huang, Print Managing Editor\n\n"
    assert cleaner.clean(page + PROSE, name="page.txt").title == "How meditation rewires the brain"


def test_a_revision_date_by_the_title_dates_a_copy_without_another_date():
    # "0 ·": a comment counter before the byline
    page = (
        "Home\n\nMedieval maps go online today\n0 · by Dennis Moons · Updated on 8 January 2026\n\n"
    )
    r = cleaner.clean(page + PROSE, name="page.txt")
    assert r.byline == "Dennis Moons"
    assert r.date == "2026-01-08"


def test_a_publication_date_wins_over_a_revision_date_by_the_title():
    page = (
        "Home\n\nMedieval maps go online today\nby Dennis Moons · Updated on 8 January 2026\n"
        "Published March 7, 2023\n\n"
    )
    assert cleaner.clean(page + PROSE, name="page.txt").date == "2023-03-07"


def test_a_revision_date_from_the_lines_does_not_date_an_html_page():
    # An HTML page's markup reader has looked for a revision date by its <h1> already: the
    # lines of its blocks do not add one (a customer review's "Reviewed on" date).
    from cleaner.core.data import Metadata
    from cleaner.core.pipeline import rule_stage

    body = (
        "Home\n\nMedieval maps go online today\n0 · by Dennis Moons · Updated on 8 January 2026\n\n"
    )
    assert rule_stage(body + PROSE, "text", None).meta.date == "2026-01-08"
    assert rule_stage(body + PROSE, "text", None, html_meta=Metadata()).meta.date is None


def _with_line_below_the_intro(line: str) -> str:
    first, second, third = PROSE.strip().split("\n\n")
    title = "Why the ferry timetable changed this winter"
    return f"{title}\n\n{first}\n\n{second}\n\n{line}\n\n{third}\n"


def test_an_explicit_byline_below_the_intro_is_the_byline():
    page = _with_line_below_the_intro("by Daniel Burstein , Senior Director, Content and Marketing")
    assert cleaner.clean(page, name="page.txt").byline == "Daniel Burstein"


@pytest.mark.parametrize(
    "line",
    [
        "By focusing on the best maps, the library can streamline its work",  # a sentence's start
        "Posted by Peter Bell on August 21, 2019",  # each item of a listing prints one
        "by Daniel Burstein, who led the project.",  # a sentence
    ],
)
def test_no_byline_read_inside_the_article_from_other_lines(line):
    page = _with_line_below_the_intro(line)
    assert cleaner.clean(page, name="page.txt").byline is None


def _name_under_the_title(name: str, dated: bool = True) -> str:
    menu = "\n".join(f"* Menu entry {n}" for n in range(6))
    date = "Travel September 8, 2021\n" if dated else ""
    return f"{menu}\n\n{date}Need a change? Seven vital tips on renting a car\n{name}\n\n" + PROSE


def test_a_bare_name_under_the_title_of_a_dated_header_is_the_byline():
    page = _name_under_the_title("Andrei Zakhareuski")
    assert cleaner.clean(page, name="page.txt").byline == "Andrei Zakhareuski"


@pytest.mark.parametrize(
    ("name", "dated"),
    [
        ("Digital Maps", True),  # "maps" stands in lower case in the prose: a label
        ("M Zakhareuski", True),  # a single letter without its dot
        ("Andrei Zakhareuski", False),  # no date in the header: a menu's label as likely
    ],
)
def test_no_bare_name_under_the_title_when_it_reads_as_a_label(name, dated):
    page = _name_under_the_title(name, dated)
    assert cleaner.clean(page, name="page.txt").byline is None
