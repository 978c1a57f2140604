"""cleaner.core.blocks: an HTML page as text blocks with DOM features."""

from __future__ import annotations

import time

import pytest
from selectolax.lexbor import LexborHTMLParser

from cleaner.core.blocks import ROW_CELL_MAX, Block, html_blocks


def texts(html: str, **kw) -> list[str]:
    return [b.text for b in html_blocks(html, **kw)]


def one(html: str, text: str) -> Block:
    found = [b for b in html_blocks(html) if b.text == text]
    assert len(found) == 1, [b.text for b in html_blocks(html)]
    return found[0]


def test_blocks_come_in_reading_order_with_their_index():
    page = "<h1>Title</h1><p>First para.</p><ul><li>one</li><li>two</li></ul><p>Last.</p>"
    blocks = html_blocks(page)
    assert [b.text for b in blocks] == ["Title", "First para.", "one", "two", "Last."]
    assert [b.index for b in blocks] == [0, 1, 2, 3, 4]
    assert [b.kind for b in blocks] == ["heading", "text", "item", "item", "text"]
    assert [b.tag for b in blocks] == ["h1", "p", "li", "li", "p"]


def test_inline_elements_run_on_and_whitespace_collapses():
    page = "<p>  The <b>big</b>\n\t<em>red</em>&nbsp;&amp; <code>x()</code><small>!</small> </p>"
    assert texts(page) == ["The big red & x()!"]
    # a word split by formatting stays one word
    assert texts("<p><b>J</b>ohn <i>x</i>y</p>") == ["John xy"]


def test_adjacent_spans_and_links_do_not_glue_words():
    assert texts("<div><span>2026</span><span>1h 54m</span><span>R</span></div>") == [
        "2026 1h 54m R"
    ]
    assert texts("<p><a href=/>Home</a><a href=/n>News</a>, <a>Foo</a>'s</p>") == [
        "Home News, Foo's"
    ]


def test_br_splits_a_block_into_lines():
    assert texts("<p>12 High Street<br>Springfield<br/><br>USA</p>") == [
        "12 High Street",
        "Springfield",
        "USA",
    ]
    assert {b.tag for b in html_blocks("<p>a<br>b</p>")} == {"p"}


def test_text_directly_in_a_div_beside_block_children_is_kept():
    page = "<div>before <b>bold</b><p>inner</p>after<div>deep</div>tail</div>"
    blocks = html_blocks(page)
    assert [b.text for b in blocks] == ["before bold", "inner", "after", "deep", "tail"]
    assert [b.tag for b in blocks] == ["div", "p", "div", "div", "div"]
    assert texts("loose text<p>p</p>") == ["loose text", "p"]


def test_a_table_row_of_short_cells_is_one_block():
    page = (
        "<table><caption>Prices</caption><tr><th>Item</th><th>Price</th></tr>"
        "<tr><td>Tea</td><td></td><td><span>1.20</span></td></tr>"
        "<tr><td>Cake<br>slice</td><td><div>2.50</div></td></tr></table>"
    )
    blocks = html_blocks(page)
    assert [b.text for b in blocks] == ["Prices", "Item | Price", "Tea | 1.20", "Cake slice | 2.50"]
    assert [(b.tag, b.kind) for b in blocks[1:]] == [("tr", "row")] * 3
    assert "table" in blocks[1].ancestors


def test_a_row_holding_paragraphs_or_a_long_cell_gives_its_blocks():
    layout = "<table><tr><td>Menu</td><td><p>First para.</p><p>Second para.</p></td></tr></table>"
    blocks = html_blocks(layout)
    assert [(b.text, b.tag, b.kind) for b in blocks] == [
        ("Menu", "td", "cell"),
        ("First para.", "p", "text"),
        ("Second para.", "p", "text"),
    ]
    long = "x" * (ROW_CELL_MAX + 1)
    assert texts(f"<table><tr><td>author</td><td>{long}</td></tr></table>") == ["author", long]
    assert texts("<table><tr><td><h2>Only cell</h2></td></tr></table>") == ["Only cell"]
    assert html_blocks("<table><tr><td><h2>Only cell</h2></td></tr></table>")[0].kind == "heading"


def test_nested_tables_are_not_joined_into_the_outer_row():
    page = "<table><tr><td><table><tr><td>a</td><td>b</td></tr></table></td><td>c</td></tr></table>"
    assert texts(page) == ["a | b", "c"]


def test_pre_keeps_its_lines_and_collapses_its_text():
    page = "<pre>\n\ndef f(x):\n    return x  \n\n<b>print</b>(f(1))<br>end\n\n</pre><p>after</p>"
    blocks = html_blocks(page)
    code = blocks[0]
    assert (code.tag, code.kind) == ("pre", "code")
    assert code.lines == ["def f(x):", "    return x", "", "print(f(1))", "end"]
    assert code.text == "def f(x): return x print(f(1)) end"
    assert blocks[1].text == "after" and blocks[1].lines is None
    lines = html_blocks("<pre><div>line 1</div><div>line 2</div></pre>")[0].lines
    assert lines == ["line 1", "line 2"]


def test_scripts_styles_and_hidden_elements_are_skipped():
    page = (
        "<html><head><title>Page title</title><style>p{color:red}</style></head><body>"
        "<script>var a = function(){};</script><noscript>Enable JS</noscript>"
        "<p>shown</p><div hidden>h1</div><p aria-hidden='true'>h2</p>"
        "<p style='color: red; DISPLAY : none'>h3</p><template><p>h4</p></template>"
        "<select><option>h5</option></select><svg><text>h6</text></svg>"
        "<iframe>h7</iframe><p hidden='until-found'>found</p><p aria-hidden='false'>aria</p>"
        "</body></html>"
    )
    assert texts(page) == ["shown", "found", "aria"]


def test_keep_hidden_reads_hidden_content_as_blocks_of_its_own():
    page = (
        "<p>Price <span style='display:none'>was 10</span>now 8</p>"
        "<div role=tabpanel hidden><p>Tab two text</p></div><noscript><p>Enable JS</p></noscript>"
    )
    blocks = html_blocks(page, keep_hidden=True)
    assert [(b.text, b.hidden) for b in blocks] == [
        ("Price", False),
        ("was 10", True),
        ("now 8", False),
        ("Tab two text", True),
        ("Enable JS", True),
    ]
    assert [b.text for b in html_blocks(page)] == ["Price now 8"]


def test_react_streamed_segments_are_read_at_their_placeholder():
    page = (
        "<main><h1>Title</h1><!--$?--><template id='B:0'></template><!--/$--><p>end</p></main>"
        "<div hidden id='S:0'><p>Streamed body</p></div>"
        "<script>$RC('B:0','S:0')</script><div hidden id='other'>hidden</div>"
    )
    blocks = html_blocks(page)
    assert [b.text for b in blocks] == ["Title", "Streamed body", "end"]
    assert "main" in blocks[1].ancestors


def test_link_chars_and_in_link():
    nav = one("<ul><li><a href=/>Home</a></li></ul>", "Home")
    assert nav.in_link and nav.link_chars == 4
    para = one("<p>Read <a href=/x>the report</a> now.</p>", "Read the report now.")
    assert not para.in_link and para.link_chars == len("the report")
    card = one("<a href=/x><div><h3>Card title</h3></div></a>", "Card title")
    assert card.in_link and card.link_chars == len("Card title")
    assert one("<p>plain</p>", "plain").link_chars == 0


def test_tokens_come_from_the_class_and_id_of_the_element_and_its_ancestors():
    page = (
        "<body class='single postid-123'><div id='main_wrap'>"
        "<article class='post-content entry'><p class='Lead'>text</p></article>"
        "</div><p>outside</p></body>"
    )
    assert one(page, "text").tokens == {
        "lead",
        "post",
        "content",
        "entry",
        "main",
        "wrap",
        "single",
        "postid",
    }
    assert one(page, "outside").tokens == {"single", "postid"}


def test_tokens_keep_the_nearest_when_there_are_too_many():
    outer = " ".join(f"outer{i}" for i in range(50))
    block = one(f"<div class='{outer}'><p class='near'>x</p></div>", "x")
    assert len(block.tokens) == 40
    assert "near" in block.tokens and "outer0" in block.tokens and "outer49" not in block.tokens


def test_path_depth_and_semantic_ancestors():
    page = (
        "<body><header><nav class=menu><a>Home</a></nav></header><main><article><section>"
        "<p>Body <button>Share</button></p></section></article></main></body>"
    )
    home = one(page, "Home")
    assert (home.tag, home.depth, home.path) == ("nav", 3, ("html", "body", "header"))
    assert home.ancestors == {"header", "nav"}
    body = one(page, "Body Share")
    assert body.path == ("html", "body", "main", "article", "section")
    assert body.ancestors == {"main", "article", "section", "button"}
    deep = "<div>" * 30 + "<p>deep</p>"
    block = one(deep, "deep")
    assert len(block.path) == 12 and block.path[-1] == "div" and block.depth == 32


def test_kind_comes_from_the_nearest_item_heading_or_quote():
    page = (
        "<blockquote><p>Quoted</p></blockquote><ul><li><div>Card</div></li></ul>"
        "<dl><dt>Term</dt><dd>Def</dd></dl><figure><figcaption>Cap</figcaption></figure>"
    )
    kinds = [(b.text, b.kind) for b in html_blocks(page)]
    assert kinds == [
        ("Quoted", "quote"),
        ("Card", "item"),
        ("Term", "item"),
        ("Def", "item"),
        ("Cap", "text"),
    ]


def test_deep_nesting_runs_without_recursion_error():
    n = 20_000
    start = time.perf_counter()
    blocks = html_blocks("<div class='w'>x" * n + "</div>" * n)
    assert len(blocks) == n
    assert blocks[-1].depth == n + 1 and blocks[-1].tokens == {"w"}
    assert html_blocks("<span><a>" * n + "deep")[0].text == "deep"
    assert time.perf_counter() - start < 10


@pytest.mark.parametrize(
    "page",
    ["", "   \n", "<html><body></body></html>", "<!-- c -->", "<p> </p>", "<pre>\n  \n</pre>"],
)
def test_empty_input_gives_no_blocks(page):
    assert html_blocks(page) == []


def test_no_block_is_empty_and_garbage_does_not_raise():
    garbage = bytes(range(256)).decode("latin-1") * 20 + "<div><p>\ud800x</p><table><td><pre>"
    for page in (garbage, "<", "<pre>", "<table><tr></tr></table>", b"<p>bytes \xff</p>"):
        for blocks in (html_blocks(page), html_blocks(page, keep_hidden=True)):
            assert all(b.text and b.text == " ".join(b.text.split()) for b in blocks)
    assert texts(b"<p>caf\xc3\xa9</p>") == ["café"]


def test_an_unclosed_title_does_not_swallow_the_page():
    assert texts("<html><head><title>Title</head><body><p>The article.</p>") == ["The article."]


def test_a_parsed_tree_is_accepted_and_left_unchanged():
    page = "<p>one</p><div hidden>two</div>"
    tree = LexborHTMLParser(page)
    before = tree.html
    assert [b.text for b in html_blocks(tree)] == ["one"]
    assert tree.html == before
    with pytest.raises(TypeError):
        html_blocks(None)  # type: ignore[arg-type]


def test_mark_extracted_gives_each_block_the_share_the_extractor_kept():
    from cleaner.core.blocks import mark_extracted

    blocks = html_blocks(
        "<nav><a href=/>Home</a></nav><h1>Ferry news</h1>"
        "<p>The harbour authority approved plans for a new terminal.</p>"
        "<p>Share this story on social media today</p>"
    )
    extraction = "Ferry news\nThe harbour authority approved plans for a new terminal.\n"
    share = mark_extracted(blocks, extraction)
    got = {b.text: b.extracted for b in blocks}
    assert got["Ferry news"] == 1.0  # short blocks: the words in a row
    assert got["The harbour authority approved plans for a new terminal."] == 1.0
    assert got["Home"] == 0.0
    assert got["Share this story on social media today"] == 0.0
    assert 0.4 < share < 0.7
    # half a block in the extraction is half a vote
    (b,) = html_blocks("<p>one two three four five six seven</p>")
    mark_extracted([b], "one two three four")
    assert b.extracted == 0.4
    assert mark_extracted([], "anything") == 0.0
