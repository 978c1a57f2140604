"""cleaner.core.pagemeta: metadata from an HTML page's markup, and the language detector."""

from __future__ import annotations

import json

import pytest
from selectolax.lexbor import LexborHTMLParser

from cleaner.core.data import Metadata
from cleaner.core.pagemeta import detect_language, read_html_metadata

HEADLINE = "Ferry operator adds winter crossings"
BODY = (
    "<p>The ferry operator will run two extra crossings a day through the winter, after a "
    "summer in which passenger numbers rose by almost a fifth.</p>"
)


def meta(head: str = "", body: str = "", url: str | None = None) -> Metadata:
    html = f"<html><head>{head}</head><body>{body}</body></html>"
    return read_html_metadata(LexborHTMLParser(html), html, url)


def ld(obj: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(obj)}</script>'


# --- title ---------------------------------------------------------------------------------------


def test_a_site_suffix_after_the_headline_is_dropped():
    head = (
        f"<title>{HEADLINE} | The Kyiv Independent</title>"
        '<meta property="og:site_name" content="The Kyiv Independent">'
    )
    assert meta(head, BODY).title == HEADLINE


def test_a_site_name_before_the_headline_is_dropped():
    head = f'<title>RFE/RL — {HEADLINE}</title><meta property="og:site_name" content="RFE/RL">'
    assert meta(head, BODY).title == HEADLINE


def test_a_suffix_named_after_the_domain_is_dropped_without_a_site_name():
    head = f'<title>{HEADLINE} - Harbour Gazette</title><link rel="canonical" href="https://www.harbourgazette.com/a">'
    assert meta(head, BODY).title == HEADLINE


def test_a_tagline_after_the_headline_is_dropped_with_the_site_name():
    head = "<title>Stripe Payments | Global Payment Processing Platform</title>"
    assert meta(head, "<p>Accept payments online.</p>").title == "Stripe Payments"
    head = "<title>Cloudflare CDN | Content Delivery Network | Cloudflare</title>"
    assert meta(head, "<p>Serve faster.</p>").title == "Cloudflare CDN"


def test_a_one_word_first_part_is_not_taken_alone():
    head = "<title>Reviews | Our yoga classes, retreats and trainings</title>"
    assert meta(head, "<p>What our students say.</p>").title == (
        "Reviews | Our yoga classes, retreats and trainings"
    )


def test_a_domain_name_part_is_the_sites_name():
    assert meta("<title>GAME CHANGER | Newegg.com</title>", BODY).title == "GAME CHANGER"


def test_the_name_a_host_abbreviates_is_the_sites_name():
    title = "Electrical - Overview | Occupational Safety and Health Administration"
    canonical = '<link rel="canonical" href="https://www.osha.gov/electrical">'
    assert meta(f"<title>{title}</title>{canonical}", BODY).title == "Electrical - Overview"
    # Another host's page keeps the name; a part with a word in lower case is no name.
    other = canonical.replace("osha.gov", "labour.example")
    assert meta(f"<title>{title}</title>{other}", BODY).title == title
    title = "Schedule | New and suggested Approaches"
    nsa = '<link rel="canonical" href="https://www.nsa.gov/launch">'
    assert meta(f"<title>{title}</title>{nsa}", BODY).title == title


def test_the_h1_that_matches_the_title_is_the_headline():
    head = f"<title>{HEADLINE} – Section – Site</title>"
    body = f"<h1>Site</h1><article><h1>{HEADLINE}</h1>{BODY}</article>"
    assert meta(head, body).title == HEADLINE


def test_a_date_is_never_the_title():
    head = f'<meta property="og:title" content="{HEADLINE}">'
    body = f"<article><h1>March 7, 2023</h1>{BODY}</article>"
    assert meta(head, body).title == HEADLINE
    assert meta("", "<h1>2023-03-07</h1>").title is None


def test_an_h1_that_links_to_the_front_page_is_the_sites_logo():
    head = f"<title>{HEADLINE} / Harbour Forums</title>"
    body = f"<h1><a href='https://harbour.example/'>Harbour Forums Online</a></h1>{BODY}"
    assert meta(head, body).title == HEADLINE
    body = f"<h1><a href='/'>Harbour Forums Online</a></h1><p>March 7, 2023</p>{BODY}"
    found = meta(head, body)
    assert (found.title, found.date) == (HEADLINE, "2023-03-07")  # still where the header starts
    # An h1 linking to the page itself, or to another page, is a headline.
    linked = f"<h1><a href='/threads/ferry'>{HEADLINE}, at last</a></h1>{BODY}"
    assert meta(head, linked).title == f"{HEADLINE}, at last"


def test_the_h1_is_the_books_name_and_its_subheading_the_pages():
    head = "<title>What is Ownership? - The Rust Programming Language</title>"
    body = (
        "<h1 class='menu-title'>The Rust Programming Language</h1>"
        f"<main><h2>What Is Ownership?</h2>{BODY}<h3>The Stack and the Heap</h3></main>"
    )
    assert meta(head, body).title == "What is Ownership?"
    # 'Headline - Section' with the h1 the headline: the section's h2 is not the title.
    head = f"<title>{HEADLINE} - Harbour Board</title>"
    body = f"<h1>{HEADLINE}</h1><h2>Harbour Board</h2>{BODY}"
    assert meta(head, body).title == HEADLINE


def test_a_headline_printed_twice_is_one_h1():
    # Desktop and mobile layouts each print the h1; a <title> that disagrees does not win.
    head = "<title>Marathon plans for every runner | Harbour Running</title>"
    body = f"<main><h1>Marathon Training</h1><h1>Marathon Training</h1>{BODY}</main>"
    assert meta(head, body).title == "Marathon Training"
    two = body.replace("<h1>Marathon Training</h1>", "<h1>Half Marathon</h1>", 1)
    assert meta(head, two).title == "Marathon plans for every runner"


def test_the_sites_name_in_the_h1_is_dropped_as_in_the_title():
    head = (
        '<title>Catering Tips | Cookshack</title><meta property="og:site_name" content="Cookshack">'
    )
    assert meta(head, f"<h1>Catering Tips | Cookshack</h1>{BODY}").title == "Catering Tips"
    # Another part after the headline is the h1's own (a subtitle).
    body = "<h1>Catering Tips | Ten of Them</h1>"
    assert meta(head, body + BODY).title == "Catering Tips | Ten of Them"


# --- author --------------------------------------------------------------------------------------


def test_a_json_ld_author_list_is_joined():
    head = ld(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": HEADLINE,
            "author": [
                {"@type": "Person", "name": "Jane Doe"},
                {"@type": "Person", "name": "John Roe"},
            ],
        }
    )
    assert meta(head, BODY).byline == "Jane Doe, John Roe"


def test_a_json_ld_author_string_and_graph_reference():
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "Article", "headline": HEADLINE, "author": {"@id": "#jane"}},
            {"@type": "Person", "@id": "#jane", "name": "Jane Doe"},
        ],
    }
    assert meta(ld(graph), BODY).byline == "Jane Doe"
    assert meta(ld({"@type": "BlogPosting", "author": "Ann Poe"}), BODY).byline == "Ann Poe"


def test_a_json_ld_person_typed_in_lower_case_is_a_person():
    # A person's own site: the name is the host's, which only a Person may be.
    url = "https://www.janedoe.com/2024/ferries.html"
    person = {"@type": "Article", "author": {"@type": "person", "name": "Jane Doe"}}
    assert meta(ld(person), BODY, url).byline == "Jane Doe"
    person["author"]["@type"] = "Organization"
    assert meta(ld(person), BODY, url).byline is None


def test_a_json_ld_name_that_starts_with_a_comma_is_an_empty_name():
    body = f"<article><h1>{HEADLINE}</h1><span class='author'>Jane Doe</span>{BODY}</article>"
    empty = {"@type": "NewsArticle", "author": {"@type": "Person", "name": ", Ferry Times"}}
    assert meta(ld(empty), body).byline == "Jane Doe"
    empty["author"]["name"] = "Ann Poe, Ferry Times"
    assert meta(ld(empty), body).byline == "Ann Poe, Ferry Times"


def test_rel_author_link():
    body = f'<article><h1>{HEADLINE}</h1><a rel="author" href="/staff/jane">Jane Doe</a>{BODY}</article>'
    assert meta("", body).byline == "Jane Doe"


def test_a_printed_by_line_under_the_headline():
    body = f"<article><h1>{HEADLINE}</h1><div>By <a href='/j'>Jane Doe</a></div>{BODY}</article>"
    assert meta("", body).byline == "Jane Doe"


def test_the_written_by_label_of_a_link_preview():
    preview = (
        '<meta name="twitter:label1" content="Est. reading time">'
        '<meta name="twitter:data1" content="4 minutes">'
        '<meta name="twitter:label2" content="Written by">'
        '<meta name="twitter:data2" content="Tyler Brown">'
    )
    article = '<meta property="og:type" content="article">'
    assert meta(article + preview, BODY).byline == "Tyler Brown"
    # A home or service page: the plugin labels it with its editor, who wrote no article.
    assert meta('<meta property="og:type" content="website">' + preview, BODY).byline is None
    # Only the label 'Written by' names the author.
    other = preview.replace("Written by", "Reviewed by")
    assert meta(article + other, BODY).byline is None


def test_an_author_element_of_a_blog_template():
    body = (
        f"<article><h1>{HEADLINE}</h1><div class='post-hero__author'>"
        "<div class='post-hero__author__name'>Christian Winter</div></div>{BODY}</article>"
    )
    assert meta("", body.replace("{BODY}", BODY)).byline == "Christian Winter"
    body = f"<main><h1>{HEADLINE}</h1><div class='_authorName_1r0t6_51'>Brian Becker</div>{BODY}</main>"
    assert meta("", body).byline == "Brian Becker"
    # A role after the name, in the same element, is not part of it.
    body = f"<main><h1>{HEADLINE}</h1><div class='entry-author'>Matteo Laratta | Author</div>{BODY}</main>"
    assert meta("", body).byline == "Matteo Laratta"


def test_a_forum_threads_first_poster():
    body = (
        "<h1>Discuss the 7.1.0 release here</h1>"
        "<div class='post'><p class='author'>Post by <a class='username'>galitsyn</a></p>"
        f"{BODY}</div>"
        "<div class='post'><a class='username'>Simple07</a><p>Works for me.</p></div>"
    )
    assert meta("", body).byline == "galitsyn"
    person = ld(
        {"@type": "DiscussionForumPosting", "author": {"@type": "Person", "name": "paulb203"}}
    )
    assert meta(person, BODY).byline == "paulb203"


def test_an_author_box_gives_its_first_text_or_the_text_before_its_date():
    # Elementor's 'author-box__name', a box whose name is followed by the bio.
    body = (
        f"<article><h1>{HEADLINE}</h1>{BODY}</article><div class='elementor-author-box'>"
        "<h4 class='elementor-author-box__name'>Liz Kenny</h4></div>"
    )
    assert meta("", body).byline == "Liz Kenny"
    bio = "Lauren Vetter is a marketing professional who writes about clinics and their tools."
    body = (
        f"<article><h1>{HEADLINE}</h1>{BODY}</article><div class='blog_author-box'>"
        f"<div>Lauren Vetter</div><p>{bio}</p></div>"
    )
    assert meta("", body).byline == "Lauren Vetter"
    body = (
        f"<article><h1>{HEADLINE}</h1><div class='blog_author'><div>Supermove</div>"
        f"<div>February 8, 2022</div><div>10 mins read</div></div>{BODY}</article>"
    )
    assert meta("", body).byline == "Supermove"


def test_author_boxes_with_different_names_are_cards_not_the_byline():
    cards = "".join(
        f"<div class='tm-author'><p>{name}</p><p>Managing Director, Hallam Internet Ltd</p></div>"
        for name in ("Susan Hallam", "Casey Marez", "Colan Nielsen")
    )
    assert meta("", f"<main><h1>{HEADLINE}</h1>{BODY}{cards}</main>").byline is None
    one = cards.split("</div>")[0] + "</div>"
    assert meta("", f"<main><h1>{HEADLINE}</h1>{BODY}{one}</main>").byline == "Susan Hallam"


def test_a_forum_user_name_in_author_markup():
    body = (
        f"<h1>{HEADLINE}</h1><div class='question'>{BODY}<div class='user-details' "
        "itemprop='author'><a href='/users/1'>drat</a></div><div>1,234 reputation</div></div>"
    )
    assert meta("", body).byline == "drat"
    # Outside the markup a lower-case word is no name.
    assert meta("", body.replace("itemprop='author'", "")).byline is None


def test_written_by_anywhere_in_the_page():
    box = "<div class='bio'><h3>Written by Cassidy Horton</h3><p>A finance writer.</p></div>"
    filler = "".join(f"<p>Paragraph {i} of the article.</p>" for i in range(40))
    body = f"<article><h1>{HEADLINE}</h1>{BODY}{filler}{box}</article>"
    assert meta("", body).byline == "Cassidy Horton"
    # The label and the name in two elements.
    split = box.replace(
        "<h3>Written by Cassidy Horton</h3>", "<p>Written by</p><p>Cassidy Horton</p>"
    )
    assert meta("", body.replace(box, split)).byline == "Cassidy Horton"
    # Cards of related posts, each written by someone else: none of them is the page's author.
    cards = "<div><p>Written by Ann Poe</p></div><div><p>Written by John Roe</p></div>"
    assert meta("", f"<article><h1>{HEADLINE}</h1>{BODY}{filler}{cards}</article>").byline is None
    # A bare 'By' that far from the headline credits anything (photos, tools, sites).
    bare = body.replace("Written by Cassidy Horton", "By Cassidy Horton")
    assert meta("", bare).byline is None


def test_text_by_and_article_by_credit_the_writer_anywhere():
    filler = "".join(f"<p>Paragraph {i} of the article.</p>" for i in range(40))
    body = f"<article><h1>{HEADLINE}</h1>{BODY}{filler}<p>Text by <a>Hunter Dukes</a></p></article>"
    assert meta("", body).byline == "Hunter Dukes"
    split = body.replace(
        "<p>Text by <a>Hunter Dukes</a></p>", "<h2>Article by</h2><p>Hunter Dukes</p>"
    )
    assert meta("", split).byline == "Hunter Dukes"
    # A photo's credit names no writer.
    assert meta("", body.replace("Text by", "Photos by")).byline is None


def test_a_by_label_without_its_name_is_no_author():
    # 'By' on its own line twice (an icon's label, then the label): the name is the markup's.
    head = '<meta name="author" content="Rebecca MacFarlane">'
    body = f"<article><h1>{HEADLINE}</h1><p>By</p><p>by</p><p>March 7, 2023</p>{BODY}</article>"
    assert meta(head, body).byline == "Rebecca MacFarlane"
    named = body.replace("<p>by</p>", "<p>Jane Doe</p>")
    assert meta(head, named).byline == "Jane Doe"


def test_a_capitalised_the_counts_once_in_a_name():
    body = f"<main><h1>{HEADLINE}</h1><p>Written by</p><p>The Upwork Team</p>{BODY}</main>"
    assert meta("", body).byline == "The Upwork Team"
    # A subheading that starts with 'From': its 'The' makes up for no lower-case 'to'.
    head = '<meta name="author" content="Jessica Talisman">'
    deck = "<p>From Theory to Practice, The Procedural Knowledge Ontology</p>"
    assert meta(head, f"<main><h1>{HEADLINE}</h1>{deck}{BODY}</main>").byline == "Jessica Talisman"


@pytest.mark.parametrize("name", ["Our Product Research Team", "My Family"])
def test_a_possessive_description_is_no_author(name):
    body = f"<main><h1>{HEADLINE}</h1><p>Written by</p><p>{name}</p>{BODY}</main>"
    assert meta("", body).byline is None
    assert meta(f'<meta name="author" content="{name}">', BODY).byline is None


def test_an_articles_own_footer_is_not_the_sites():
    byline = "<footer class='entry-footer'><span class='entry-author-name'>Kiersten</span></footer>"
    body = f"<article><h1>{HEADLINE}</h1>{BODY}{byline}</article><footer>About us</footer>"
    assert meta("", body).byline == "Kiersten"
    # The site's footer, and the footers of a listing's cards, are not the article's.
    assert meta("", f"<article><h1>{HEADLINE}</h1>{BODY}</article>{byline}").byline is None
    cards = f"<article><h2>One</h2>{byline}</article><article><h2>Two</h2>{byline}</article>"
    assert meta("", f"<main><h1>{HEADLINE}</h1>{cards}</main>").byline is None


def test_a_forum_poster_inside_noscript_when_parsed_with_scripting_on():
    # Forums serve their posts inside <noscript>; parsed with scripting on, as the HTML path
    # parses pages, its content is one text node, read as a page of its own.
    post = (
        "<div class='topic-body'><span class='creator' itemprop='author'>"
        "<a href='/u/PaulWBryant'><span itemprop='name'>PaulWBryant</span></a></span></div>"
    )
    html = f"<html><body><h1>{HEADLINE}</h1><noscript>{post}{BODY}</noscript></body></html>"
    found = read_html_metadata(LexborHTMLParser(html, scripting=True), html, None)
    assert found.byline == "PaulWBryant"
    # Without a poster's markup in it, a <noscript> gives no author.
    html = f"<html><body><h1>{HEADLINE}</h1><noscript><p>Enable JavaScript</p></noscript></body></html>"
    found = read_html_metadata(LexborHTMLParser(html, scripting=True), html, None)
    assert found.byline is None


def test_no_author_element_in_comments_or_navigation():
    body = (
        "<nav><span class='username'>Sign in</span></nav>"
        f"<article><h1>{HEADLINE}</h1>{BODY}</article>"
        "<section class='comments'><span class='comment-author'>Jane Doe</span></section>"
    )
    assert meta("", body).byline is None


@pytest.mark.parametrize(
    "content",
    ["https://www.facebook.com/harbourgazette", "Harbour Gazette", "x" * 81, "undefined"],
)
def test_author_values_that_are_no_names_are_skipped(content):
    head = (
        f'<meta name="author" content="{content}">'
        '<meta property="og:site_name" content="Harbour Gazette">'
    )
    assert meta(head, BODY).byline is None


def test_the_sites_name_as_author_of_an_article_is_the_last_resort():
    head = (
        '<meta name="author" content="Harbour Gazette">'
        '<meta property="og:site_name" content="Harbour Gazette">'
        '<meta property="og:type" content="article">'
    )
    assert meta(head, BODY).byline == "Harbour Gazette"  # a company's own article
    byline = f"<article><h1>{HEADLINE}</h1><p>By Jane Doe</p>{BODY}</article>"
    assert meta(head, byline).byline == "Jane Doe"  # any other author first


def test_an_author_in_a_product_review_is_not_the_pages():
    body = (
        f"<h1>{HEADLINE}</h1><div class='reviews'><div itemscope itemtype='https://schema.org/Review'>"
        "<span itemprop='author'>Kenneth S.</span></div></div>"
    )
    assert meta("", body).byline is None


# --- date ----------------------------------------------------------------------------------------


def test_json_ld_date_published_inside_a_graph():
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "name": "Harbour Gazette"},
            {
                "@type": "NewsArticle",
                "headline": HEADLINE,
                "datePublished": "2023-03-07T23:30:00-05:00",
                "dateModified": "2024-01-02T08:00:00Z",
            },
        ],
    }
    assert meta(ld(graph), BODY).date == "2023-03-07"  # the day as the publisher wrote it


def test_date_modified_is_ignored():
    head = (
        ld({"@type": "NewsArticle", "headline": HEADLINE, "dateModified": "2024-01-02"})
        + '<meta property="article:modified_time" content="2024-01-02T08:00:00Z">'
    )
    assert meta(head, f"<article><h1>{HEADLINE}</h1>{BODY}</article>").date is None


def test_an_updated_line_dates_the_page_only_without_a_publication_date():
    # metadata.line_date's policy, the text path's too: the publication date first, a
    # revision's date printed by the headline only as the last resort.
    body = f"<article><h1>{HEADLINE}</h1><p>Updated January 2, 2024</p>{BODY}</article>"
    assert meta("", body).date == "2024-01-02"
    body = (
        f"<article><h1>{HEADLINE}</h1><p>Updated January 2, 2024</p>"
        f"<p>Published March 7, 2023</p>{BODY}</article>"
    )
    assert meta("", body).date == "2023-03-07"
    body = f"<article><h1>{HEADLINE}</h1><p>August 16, 2019 - Updated July 9, 2025</p>{BODY}"
    assert meta("", body + "</article>").date == "2019-08-16"


def test_article_published_time_meta():
    head = '<meta property="article:published_time" content="2022-11-02T10:00:00+00:00">'
    assert meta(head, BODY).date == "2022-11-02"


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/news/2023/03/07/ferry-winter",
        "https://example.com/news/2023-03-07-ferry-winter",
        "https://example.com/news/20230307/ferry-winter",
    ],
)
def test_a_date_in_the_url_path(url):
    assert meta("", f"<h1>{HEADLINE}</h1>{BODY}", url=url).date == "2023-03-07"


def test_no_date_in_a_url_without_one():
    assert meta("", BODY, url="https://example.com/news/12345678/ferry").date is None


def test_a_header_clock_is_not_the_date():
    body = (
        "<header><nav><a href='/'>Home</a></nav><time datetime='2025-12-01'>Monday</time></header>"
        f"<article>{BODY}</article>"
    )
    assert meta("", body).date is None


def test_the_time_under_the_headline_is_the_date():
    body = (
        "<header><nav><a href='/'>Home</a></nav><time datetime='2025-12-01'>Monday</time></header>"
        f"<article><h1>{HEADLINE}</h1><time datetime='2023-03-07T09:00'>7 March</time>{BODY}"
        "</article>"
    )
    assert meta("", body).date == "2023-03-07"


def test_a_printed_date_under_the_headline():
    body = f"<main><h1>{HEADLINE}</h1><p>Jane Doe</p><p>7. März 2023</p>{BODY}</main>"
    found = meta("", body)
    assert found.date == "2023-03-07"
    assert found.byline == "Jane Doe"


def test_a_web_page_date_the_page_does_not_show_is_not_taken():
    head = ld({"@type": "WebPage", "name": "Pricing", "datePublished": "2019-04-15"})
    assert meta(head, "<h1>Pricing</h1><p>Plans for every team.</p>").date is None
    shown = "<h1>Pricing</h1><p>Plans for every team, published April 15, 2019.</p>"
    assert meta(head, shown).date == "2019-04-15"


def test_the_date_printed_at_the_headline_beats_a_structured_date_it_never_shows():
    # A republished guide: its JSON-LD keeps the first datePublished, the page prints today's.
    head = ld({"@type": "Article", "headline": HEADLINE, "datePublished": "2019-04-15"})
    body = f"<article><h1>{HEADLINE}</h1><p>Jane Doe</p><p>November 14, 2025</p>{BODY}</article>"
    assert meta(head, body).date == "2025-11-14"
    # ...but not a date printed far below it (a comment's), nor when the page prints both.
    far = "".join(f"<p>Section {i}</p>" for i in range(12))
    body = f"<article><h1>{HEADLINE}</h1>{far}<p>November 14, 2025</p>{BODY}</article>"
    assert meta(head, body).date == "2019-04-15"
    body = (
        f"<article><h1>{HEADLINE}</h1><p>November 14, 2025</p>{BODY}"
        "<p>First published April 15, 2019.</p></article>"
    )
    assert meta(head, body).date == "2019-04-15"


def test_article_published_time_is_an_articles_date_beside_a_web_page_graph():
    # Yoast's graph: a WebPage object first, the article's time in its meta tag.
    head = (
        ld({"@graph": [{"@type": "WebPage", "name": HEADLINE, "datePublished": "2024-12-20"}]})
        + '<meta property="article:published_time" content="2024-12-20T00:00:00+00:00">'
    )
    assert meta(head, f"<h1>{HEADLINE}</h1>{BODY}").date == "2024-12-20"


def test_a_date_without_a_year_is_no_date():
    # dateutil would fill in the current year.
    body = f"<article><h1>{HEADLINE}</h1><time datetime='08-15'>Aug 15</time>{BODY}</article>"
    assert meta("", body).date is None


def test_a_date_in_the_url_before_other_characters():
    url = "https://blog.example.fr/articles/2025-12-15+Rust+GCC+backend"
    assert meta("", f"<h1>{HEADLINE}</h1>{BODY}", url=url).date == "2025-12-15"


# --- URL -----------------------------------------------------------------------------------------


def test_the_canonical_url_is_made_absolute_without_its_fragment():
    head = '<link rel="canonical" href="/news/ferry-winter#comments">'
    found = meta(head, BODY, url="https://www.example.com/amp/news/ferry-winter?utm=x")
    assert found.url == "https://www.example.com/news/ferry-winter"


def test_og_url_is_used_and_normalised():
    head = '<meta property="og:url" content="HTTPS://WWW.Example.COM/news/ferry#top">'
    assert meta(head, BODY).url == "https://www.example.com/news/ferry"


def test_the_given_url_without_a_canonical():
    assert meta("", BODY, url="https://example.com/a").url == "https://example.com/a"
    assert meta('<link rel="canonical" href="/a">', BODY).url is None  # relative, no base


# --- language ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (
            "Le gouvernement a annoncé mardi une série de mesures pour soutenir les agriculteurs "
            "touchés par la sécheresse de cet été.",
            "fr",
        ),
        (
            "Die Bundesregierung hat am Dienstag neue Maßnahmen angekündigt, um die Landwirte "
            "nach der Dürre dieses Sommers zu unterstützen.",
            "de",
        ),
        (f"{HEADLINE}. {BODY[3:-4]}", "en"),
    ],
)
def test_the_language_of_a_text(text, code):
    assert detect_language(text) == code


def test_a_short_text_has_no_language():
    assert detect_language("Ferry news") is None
    assert detect_language("12:30 — 14.03.2023 — 55 €") is None
