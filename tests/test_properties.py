"""Properties of `cleaner.clean` on generated inputs (hypothesis).

(a) it never raises, on any text, markdown-ish text or bytes;
(b) it is idempotent on realistic text: cleaning the output again changes nothing;
(c) it invents no text: the words of every output paragraph appear, in order, in the input;
(d) its output is canonical: "" or paragraphs separated by one blank line, one final newline.

Example counts are small so that the file runs in well under 30 s on two cores. A longer session:
`HYPOTHESIS_PROFILE=long pytest tests/test_properties.py` (CLEANER_LONG_EXAMPLES, default 2000,
sets the examples per test).
"""

from __future__ import annotations

import itertools
import json
import os
import re
from pathlib import Path

from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

import cleaner

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

LONG = os.environ.get("HYPOTHESIS_PROFILE") == "long"
LONG_EXAMPLES = int(os.environ.get("CLEANER_LONG_EXAMPLES", "2000"))

settings.register_profile("long", max_examples=LONG_EXAMPLES, deadline=None)


def budget(n: int):
    """Settings for a property: n examples normally, LONG_EXAMPLES in the long session.

    The explicit @example inputs (known edge cases and bugs found before) run first and fail
    fast; the long session skips them so that it searches (and shrinks) afresh.
    """
    return settings(
        max_examples=LONG_EXAMPLES if LONG else n,
        # The suite runs the same examples every time (a CI run never fails by chance); the long
        # session and bench/fuzz.py search afresh.
        derandomize=not LONG,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        phases=[p for p in Phase if p is not Phase.explicit] if LONG else list(Phase),
    )


# --- strategies ------------------------------------------------------------------------------

VOCAB_TEXT = (
    "the council river flood town mayor engineers said would meet on monday to discuss repairs "
    "old embankment residents moved furniture upper floors waited water recede years warned "
    "could not hold back major rain hills three days of steady in after and a for with by from "
    "Kyiv Ukraine Russia Zelensky Bakhmut war report minister government said police official "
    "people city region attack drone power energy budget vote parliament president troops "
    "café naïve Straße Київ новини 東京 über"
)
VOCAB = tuple(VOCAB_TEXT.split())

word = st.one_of(
    st.sampled_from(VOCAB),
    st.text(st.characters(categories=("Lu", "Ll", "Nd")), min_size=1, max_size=8),
)
words = st.lists(word, min_size=1, max_size=14)


@st.composite
def sentence(draw, min_words: int = 4) -> str:
    ws = draw(st.lists(word, min_size=min_words, max_size=22))
    ws[0] = ws[0][:1].upper() + ws[0][1:]
    return " ".join(ws) + draw(st.sampled_from([".", ".", ".", "!", "?", ":", ""]))


@st.composite
def prose(draw) -> str:
    """A paragraph of one to three sentences."""
    return " ".join(draw(st.lists(sentence(8), min_size=1, max_size=3)))


@st.composite
def headline(draw) -> str:
    ws = draw(st.lists(word, min_size=3, max_size=12))
    return " ".join(w[:1].upper() + w[1:] for w in ws)


BOILERPLATE = [
    "Subscribe",
    "Skip to content",
    "Share this article",
    "Advertisement",
    "Menu",
    "Search",
    "* indicates required",
    "Enter your email to subscribe",
    "Become a member",
    "Support independent journalism in Ukraine. Join us in this fight.",
    "Leave a Comment",
    "Your email address will not be published.",
    "Scroll to Top",
    "Read more:",
    "Related",
    "Related article: Council votes on the budget",
    "visa masterCard americanExpress",
    "This audio is created with AI assistance",
    "News Feed",
    "MORE NEWS",
    "Editors' Picks",
    "Ukraine Daily",
    "By Anna Smith",
    "by The Kyiv Independent news desk March 7, 2023 6:41 AM",
    "March 7, 2023",
    "Updated",
    "2 min read",
    "(Photo: AFP)",
    "Photo: Reuters",
    "XS SM MD LG",
    "Original url: https://example.org/a/1",
    "About The Author",
    "Copy link",
    "16x9 Image",
    "Accessibility links",
    "Breaking News",
    "RFE/RL's Russian Service",
    "Print",
    "Comments",
    "till then stay tuned with our website",
    "check it out:-",
    "Kyiv Independent news desk",
    "The Moscow Times",
    "techyember.com",
    "Radio Free Europe",
]
TIMESTAMPS = st.builds(
    lambda h, m, ampm: f"{h}:{m:02d} {ampm}",
    st.integers(1, 12),
    st.integers(0, 59),
    st.sampled_from(["AM", "PM"]),
)
URLS = st.builds(
    lambda host, path: f"https://{host}/{path}",
    st.sampled_from(["example.org", "www.kyivindependent.com", "themoscowtimes.com", "rferl.org"]),
    st.text("abcdefghij-/0123456789", min_size=0, max_size=20),
)


@st.composite
def markdown_line(draw) -> str:
    kind = draw(
        st.sampled_from(
            [
                "heading",
                "link",
                "bold",
                "bullet",
                "prose",
                "prose",
                "prose",
                "stamp",
                "subscribe",
                "url",
                "image",
                "rule",
                "quote",
                "boiler",
                "autolink",
                "numbered",
                "emphasis",
            ]
        )
    )
    if kind == "heading":
        return "#" * draw(st.integers(1, 6)) + " " + draw(headline())
    if kind == "link":
        text, url = draw(headline()), draw(URLS)
        return draw(
            st.sampled_from([f"[{text}]({url})", f"Read more: [{text}]({url})", f"By [{text}](#)"])
        )
    if kind == "bold":
        return f"**{draw(headline())}**" + draw(st.sampled_from(["", " " + draw(sentence())]))
    if kind == "bullet":
        return draw(st.sampled_from(["* ", "- ", "+ ", "• "])) + " ".join(draw(words))
    if kind == "numbered":
        return f"{draw(st.integers(1, 20))}. " + " ".join(draw(words))
    if kind == "stamp":
        return draw(TIMESTAMPS)
    if kind == "subscribe":
        return "Subscribe"
    if kind == "url":
        return draw(URLS)
    if kind == "autolink":
        return f"<{draw(URLS)}>"
    if kind == "image":
        return f"![{draw(headline())}]({draw(URLS)})"
    if kind == "rule":
        return draw(st.sampled_from(["---", "* * *", "___", "==="]))
    if kind == "quote":
        return "> " + draw(sentence())
    if kind == "boiler":
        return draw(st.sampled_from(BOILERPLATE))
    if kind == "emphasis":
        s = draw(sentence())
        return s.replace(" ", " *", 1).replace(" ", "* ", 2) if s.count(" ") >= 2 else s
    # Prose, with now and then an inline link or bold span inside it.
    s = draw(prose())
    ws = s.split(" ")
    if len(ws) > 3 and draw(st.booleans()):
        i = draw(st.integers(0, len(ws) - 2))
        ws[i] = draw(st.sampled_from([f"[{ws[i]}]({draw(URLS)})", f"**{ws[i]}**"]))
    return " ".join(ws)


@st.composite
def markdownish(draw) -> str:
    lines = draw(st.lists(st.one_of(markdown_line(), st.just("")), min_size=0, max_size=40))
    return draw(st.sampled_from(["\n", "\r\n", "\n"])).join(lines) + draw(
        st.sampled_from(["", "\n", "\n\n", "   \n"])
    )


@st.composite
def realistic_line(draw) -> str:
    return draw(
        st.one_of(
            prose(),
            prose(),
            prose(),
            sentence(),
            headline(),
            st.sampled_from(BOILERPLATE),
            TIMESTAMPS,
            URLS,
            st.sampled_from(["* * *", "• • •", "***", "---"]),  # section breaks
            st.builds(lambda b, s: b + s, st.sampled_from(["• ", "* ", "- "]), sentence()),
        )
    )


@st.composite
def realistic(draw) -> str:
    """A plain-text copy: realistic lines, mostly with blank lines between them."""
    lines = draw(st.lists(realistic_line(), min_size=0, max_size=30))
    out: list[str] = []
    for line in lines:
        out.append(line)
        if draw(st.integers(0, 3)):
            out.append("")
    return "\n".join(out) + "\n"


# Any text, control characters included (hypothesis leaves out lone surrogates by default).
any_text = st.text(st.characters(), max_size=400)
any_text_with_surrogates = st.text(st.characters(exclude_categories=()), max_size=200)
# Text made of characters that matter to the parser: newlines, spaces, markup, words.
spiky_text = st.lists(
    st.sampled_from(
        [
            *"\n\n\n\r \t\u00a0\u200b\ufeff\x0b\x0c\x85\u2028*_#[]()<>!`\\-.:aAb1",
            "Subscribe",
            "By ",
            "http://x.y",
            " PM",
            "10:01",
            "The",
            "council",
        ]
    ),
    max_size=120,
).map("".join)


# --- helpers ---------------------------------------------------------------------------------

_WORD = re.compile(r"\w+")


def tokens(text: str) -> list[str]:
    return _WORD.findall(text)


def invented_tokens(paragraph: str, source: list[str]) -> str | None:
    """None when every word of `paragraph` appears in `source` in order, else the first that
    does not. A word may be several source words run together: removed markup ("**a**b",
    "a\\_b") joins what the tokenizer splits in the input."""
    pos = 0
    for tok in tokens(paragraph):
        found = False
        i = pos
        while i < len(source) and not found:
            built, j = "", i
            while j < len(source) and len(built) < len(tok) and tok.startswith(built + source[j]):
                built += source[j]
                j += 1
            if built == tok:
                pos, found = j, True
            else:
                i += 1
        if not found:
            return tok
    return None


def check_canonical(out: str) -> None:
    assert isinstance(out, str)
    if out == "":
        return
    assert out.endswith("\n") and not out.endswith("\n\n"), repr(out[-20:])
    assert "\r" not in out
    body = out[:-1]
    lines = body.split("\n")
    assert lines[0] != "", "leading blank line"
    assert lines[-1] != "", "trailing blank line"
    for a, b in itertools.pairwise(lines):
        assert a != "" or b != "", "two blank lines in a row"
    for line in lines:
        assert line == line.rstrip(), f"trailing whitespace: {line!r}"
        assert line == line.lstrip(), f"leading whitespace: {line!r}"
        assert line.strip() != "" or line == "", f"whitespace-only line: {line!r}"
    # One paragraph per line, one blank line between paragraphs: lines alternate.
    for i, line in enumerate(lines):
        assert (line == "") == (i % 2 == 1), f"line {i + 1} breaks the paragraph layout: {out!r}"


def check_line_separators(out: str) -> None:
    """One paragraph per line: nothing that str.splitlines() (or a Unicode-aware reader) would
    take for a line break besides \\n: no NEL, VT, FF, FS/GS/RS, LS or PS."""
    if out:
        assert out.splitlines() == out[:-1].split("\n"), f"line separators besides \\n: {out!r}"


def check_no_invented_text(source: str, out: str) -> None:
    src = tokens(" ".join(source.split()))
    for paragraph in out.split("\n\n"):
        bad = invented_tokens(" ".join(paragraph.split()), src)
        assert bad is None, f"{bad!r} of output paragraph {paragraph!r} is not in the input"


# --- (a) no exception, and (d) canonical output, on anything -------------------------------


@budget(150)
@given(any_text)
@example("")
@example("\x00\x01\x02\x1f\x7f")
@example("\r\r\n\n\r")
def test_any_text(text):
    result = cleaner.clean(text)
    check_canonical(result.text)


@budget(100)
@given(any_text)
@example("a\x85b \x85 c")
@example("a\x0bb\x0cc\x1cd\x1de\x1ef\u2028g\u2029h")
def test_no_line_separators_but_newline(text):
    check_line_separators(cleaner.clean(text).text)


@budget(60)
@given(spiky_text)
@example("a \x85b")
@example("x\x0b\x0cy")
def test_spiky_text(text):
    result = cleaner.clean(text)
    check_canonical(result.text)
    check_no_invented_text(text, result.text)


@budget(60)
@given(any_text_with_surrogates)
@example("\ud800")
@example("abc \udfff def.\n\n\ud83d")
def test_text_with_lone_surrogates(text):
    result = cleaner.clean(text)
    check_canonical(result.text)
    assert not re.search(r"[\ud800-\udfff]", result.text)


def test_lone_surrogate_in_html_keeps_the_rest_of_the_page():
    """A lone surrogate (a broken emoji in a JSON dump of a page, say) becomes U+FFFD on the text
    path; the HTML path must not lose the text that follows it."""
    rest = "Residents moved their furniture to the upper floors and waited for the water to recede."
    for bad in ("\udc00", "\ud83d"):
        html = (
            "<html><body><article><p>The river flooded the lower town after "
            f"{bad} three days of steady rain in the hills.</p><p>{rest}</p></article></body></html>"
        )
        text = cleaner.clean(html).text
        assert "three days of steady rain in the hills." in text, text
        assert rest in text, text
        check_canonical(text)
    # The same page without the surrogate keeps everything (the test itself is sound).
    clean_html = html.replace(bad, "\ufffd")
    assert rest in cleaner.clean(clean_html).text


@budget(120)
@given(markdownish())
@example("# Title\n\n**Bold** [x](y)\n\n* item\n\n10:01 PM\n\nSubscribe\n\nhttps://example.org/a")
def test_markdownish_text(text):
    result = cleaner.clean(text)
    check_canonical(result.text)


@budget(40)
@given(markdownish())
def test_markdownish_as_md_file(text):
    result = cleaner.clean(text, name="page.md")
    assert result.input_format == "markdown"
    check_canonical(result.text)


@budget(120)
@given(st.binary(max_size=600))
@example(b"")
@example(b"\xff\xfe\x00")
@example(b"\xef\xbb\xbf")
@example(b'<meta charset="nonsense">\xff')
@example(b'<meta charset="utf-16">abc')
def test_any_bytes(data):
    result = cleaner.clean(data)
    check_canonical(result.text)


@budget(25)
@given(st.one_of(any_text, markdownish()))
@example("<html><body><p>\x00</p></body></html>")
@example("<html><head><title>  A  \n title  </title></head><body><p>Text.</p></body></html>")
def test_any_text_as_html(text):
    result = cleaner.clean(text, name="page.html")
    assert result.input_format == "html"
    check_canonical(result.text)


@budget(40)
@given(
    any_text,
    st.sampled_from([None, "kyivindependent.com", "rferl.org", "example.com"]),
    st.sampled_from([None, "https://themoscowtimes.com/a", "not a url", "http://[::1"]),
)
def test_any_text_with_forced_site(text, site, url):
    result = cleaner.clean(text, site=site, url=url)
    check_canonical(result.text)
    if url is not None:
        assert result.url == url


# --- (b) idempotence -------------------------------------------------------------------------


# Inputs on which a second pass changed the output when these tests were written (each also has
# its own test below, so that every one of them is reported).
ANCHORED_TAIL = (
    "City council approves budget\n"
    "\n"
    "The council approved the new budget on Monday after a debate that lasted most of the afternoon and ran well into the evening session.\n"
    "\n"
    "Members of the opposition said the plan cut too deeply into spending on schools, roads and the public library in the old town.\n"
    "\n"
    "The mayor said the budget was the best the city could do after two years of falling tax income and rising costs for energy.\n"
    "\n"
    "Residents who attended the meeting asked the council to keep the swimming pool open through the winter months this year.\n"
    "\n"
    "The council will publish the full budget on its website next week, and a public consultation will run until the end of March.\n"
    "\n"
    "Officials said the city would also review the cost of street lighting, which has doubled since the last budget was approved.\n"
    "\n"
    "Local businesses welcomed the decision to freeze parking charges in the centre for another year, saying trade was still slow.\n"
    "\n"
    "Several members warned that further cuts could follow if the national government reduces its grant to the city again next year.\n"
    "\n"
    "The vote was passed by twenty-one votes to fourteen, with two members abstaining.\n"
    "\n"
    "A second vote on the plan for the harbour is expected later this spring, once the engineers have finished their report.\n"
    "\n"
    "Read more:\n"
    "\n"
    "Related article: Council votes on the budget\n"
    "Subscribe\n"
    "\n"
    "About The Author\n"
    "\n"
    "https://example.com/a\n"
    "\n"
    "Vote On Mayor Water\n"
    "\n"
    "https://example.com/b\n"
    "\n"
    "• • •\n"
    "\n"
    "Breaking News\n"
    "- Russia embankment police with:\n"
    "\n"
    "by The Kyiv Independent news desk March 7, 2023 6:41 AM\n"
    "Kôi the ferry company said on Tuesday that it would add two extra crossings a day over the winter, after a summer in which passenger numbers rose by almost a fifth, and that tickets for the new sailings would go on sale at the end of the month.\n"
    "\n"
    "• • •\n"
    "The Moscow Times\n"
    "\n"
    "War in the east\n"
)


IDEMPOTENCE_CASES = {
    # A paragraph right under a byline far below the article: the byline made it heavy enough to
    # join the article on the first pass; the byline is gone from the output, so the second
    # pass cut it (G402). A run joins across a long gap by its own weight, not its anchor's.
    "anchored-tail-run": ANCHORED_TAIL,
    # A sentence printed twice around a removed line: G202 (repeated caption) sees the two
    # copies side by side, and removes both, only on the second pass.
    "repeated-sentence": (
        "The mayor said the council would meet again on Monday.\nSubscribe\n"
        "The mayor said the council would meet again on Monday.\n"
    ),
    # A headline of eight words or more, a removed line, a paragraph starting in lower case: the
    # removed line keeps them apart on the first pass; on the second they are joined.
    "join-across-removed-line": (
        "Apple reports record quarter as demand for new phones grows\nSubscribe\n"
        "iPhone sales rose sharply in the quarter, the company said on Monday in a statement.\n"
    ),
    # The same across a line the article finder drops as page header (G401): joining runs
    # before the article boundaries, so the halves meet only on the second pass.
    "join-across-header-line": (
        "The council said that the repairs to the old embankment\nIt was late.\n"
        "would start in the spring, after the floods have gone down.\n"
    ),
    # A live blog: the first pass keeps its timestamped entries (and drops the first stamp as
    # page header); the second pass takes what is left for a news feed (G203) and drops it.
    "live-blog": (
        "Storm live: latest updates as the coast braces for high winds\n\n10:45 AM\n\n"
        "Ferry services between the islands have been suspended until further notice, the "
        "operator said in a statement this morning.\n\n10:12 AM\n\n"
        "The weather service has raised its warning to the highest level for the entire "
        "northern coast, citing gusts of up to 140 kilometres an hour.\n\n9:30 AM\n\n"
        "Schools in three districts will stay closed today, and parents have been asked to "
        "keep children indoors until the evening.\n"
    ),
    # Timestamps before and after the article: the first pass drops the first stamp (page
    # header) and keeps the last; the second pass drops the last one as page footer (G402).
    "stamps-around-article": (
        "9:30 AM\nThe council met.\n"
        "The mayor said the council would meet again on Monday at noon.\n10:15 AM\n"
    ),
    # A section break in a plain-text copy loses one bullet-like star per pass.
    "section-break": (
        "The river flooded the lower town after three days of steady rain in the hills.\n\n"
        "* * *\n\n"
        "Residents moved their furniture to the upper floors and waited for the water to recede.\n"
    ),
}


def assert_idempotent(text: str) -> None:
    once = cleaner.clean(text).text
    twice = cleaner.clean(once).text
    assert twice == once, f"second pass changed the output:\n{once!r}\n->\n{twice!r}"


@budget(120)
@given(realistic())
@example(
    "Council approves new river embankment after spring floods\n\n"
    "The river flooded the lower town after three days of steady rain in the hills.\n"
)
@example(IDEMPOTENCE_CASES["repeated-sentence"])
@example(IDEMPOTENCE_CASES["anchored-tail-run"])
@example(IDEMPOTENCE_CASES["join-across-removed-line"])
@example(IDEMPOTENCE_CASES["section-break"])
@example(IDEMPOTENCE_CASES["live-blog"])
@example(IDEMPOTENCE_CASES["stamps-around-article"])
@example(IDEMPOTENCE_CASES["join-across-header-line"])
def test_idempotent_on_realistic_text(text):
    assert_idempotent(text)


def test_idempotent_anchored_tail_run():
    assert_idempotent(IDEMPOTENCE_CASES["anchored-tail-run"])


# Found by the long profile (1 in a few thousand examples), not fixed: the repeated title
# between the article and its last paragraph is removed (G201) only after the runs were chosen,
# so the second pass sees that paragraph fused with the article, which then outweighs a run the
# first pass joined to it. Weighing runs a few lines apart as one block fixes it but cost 0.005
# F1 on the AEB text copies.
LATE_REMOVED_GAP_LINE = (
    "The the the the the the the the.\nThe the the the the the the the.\n1:00 AM\n"
    "The the the the.\nThe The The\n"
    "The the the the the the the the. The the the the the the the the.\n"
    "The the the the the the the the the the the the the the the the the the the the the.\n"
    "https://example.org/\nThe the the the the the the the\n• • •\n"
    "Monday über the the the the hold.\nThe the the the.\n"
    "The back Bakhmut the Bakhmut the the the said. Embankment region the president the the "
    "the the the. The president warned upper the the the the the the the the the the recede.\n"
    "Days café hills the the the the the moved the city monday after power the the said back "
    "the the recede the.\n1:00 AM\nThe the the the.\nThe The The\n"
    "Drone the budget city the the the the the the the.\n"
)


def test_idempotent_when_a_gap_line_goes_after_the_runs_are_chosen():
    assert_idempotent(LATE_REMOVED_GAP_LINE)


def test_idempotent_repeated_sentence_around_a_removed_line():
    assert_idempotent(IDEMPOTENCE_CASES["repeated-sentence"])


def test_idempotent_join_across_a_removed_line():
    assert_idempotent(IDEMPOTENCE_CASES["join-across-removed-line"])


def test_idempotent_join_across_a_header_line():
    assert_idempotent(IDEMPOTENCE_CASES["join-across-header-line"])


def test_idempotent_live_blog():
    assert_idempotent(IDEMPOTENCE_CASES["live-blog"])


def test_idempotent_timestamps_around_the_article():
    assert_idempotent(IDEMPOTENCE_CASES["stamps-around-article"])


def test_idempotent_section_break_in_plain_text():
    assert_idempotent(IDEMPOTENCE_CASES["section-break"])


def test_idempotent_on_fixture_outputs():
    """The expected output of every fixture is a fixed point of the cleaner."""
    for path in sorted(FIXTURES.glob("*/*/expected.txt")):
        expected = path.read_text(encoding="utf-8")
        args = path.parent / "args.json"
        if args.exists() and json.loads(args.read_text(encoding="utf-8")).get("markdown"):
            again = cleaner.clean(expected, name="expected.md", markdown=True).text  # --format md
        else:
            again = cleaner.clean(expected).text
        assert again == expected, f"{path.parent.name}: cleaning the expected output changes it"


# --- (c) no invented text --------------------------------------------------------------------


@budget(120)
@given(realistic())
def test_no_invented_text_realistic(text):
    check_no_invented_text(text, cleaner.clean(text).text)


@budget(120)
@given(markdownish())
@example(
    "The council met on Monday and the\nmayor said the river would be **dredged** soon\n"
    "after the [floods](https://example.org/f) of **last**year.\n"
)
def test_no_invented_text_markdownish(text):
    check_no_invented_text(text, cleaner.clean(text).text)


@budget(60)
@given(realistic())
def test_output_paragraphs_are_input_lines_or_joins(text):
    """On plain text without inline markup every output paragraph is one input line (maybe
    without its list bullet), or several input lines in order joined with a space (a sentence
    the scraper broke). Lines skipped inside a join are reported as removed (a widget line the
    scraper dropped into the sentence)."""
    lines = [" ".join(x.split()) for x in text.split("\n")]
    lines = [x for x in lines if x]
    forms = [{x, re.sub(r"^[*•\-]\s+(?=\S)", "", x)} for x in lines]
    result = cleaner.clean(text)
    removed = {r.text for r in result.removed}
    for paragraph in filter(None, result.text.rstrip("\n").split("\n\n")):
        parts = join_of_lines(paragraph, forms)
        assert parts is not None, f"{paragraph!r} is not made of whole input lines"
        for a, b in itertools.pairwise(parts):
            skipped = [lines[k] for k in range(a + 1, b)]
            assert all(forms[k] & removed for k in range(a + 1, b)), (
                f"{paragraph!r} joins lines across {skipped!r}, which are not reported removed"
            )


JOIN_MAX_GAP = 6  # lines a join may skip over


def join_of_lines(paragraph: str, forms: list[set[str]]) -> list[int] | None:
    """Indices of input lines whose texts, joined with spaces, make `paragraph`; None if none."""
    seen: set[tuple[int, int]] = set()

    def rest_from(offset: int, lo: int, hi: int) -> list[int] | None:
        if (offset, lo) in seen:
            return None
        seen.add((offset, lo))
        rest = paragraph[offset:]
        for i in range(lo, min(hi, len(forms))):
            for form in forms[i]:
                if rest == form:
                    return [i]
                if rest.startswith(form + " "):
                    tail = rest_from(offset + len(form) + 1, i + 1, i + 2 + JOIN_MAX_GAP)
                    if tail is not None:
                        return [i, *tail]
        return None

    return rest_from(0, 0, len(forms))


# --- the helpers themselves ------------------------------------------------------------------


def test_invented_tokens_helper():
    src = tokens("The **council** met, on Mon day")
    assert invented_tokens("The council met", src) is None
    assert invented_tokens("council met on Monday", src) is None  # "Mon"+"day" run together
    assert invented_tokens("met The", src) == "The"  # order matters
    assert invented_tokens("The mayor", src) == "mayor"


def test_join_of_lines_helper():
    forms = [{"a b"}, {"Ad"}, {"c d."}, {"e"}]
    assert join_of_lines("a b", forms) == [0]
    assert join_of_lines("a b c d.", forms) == [0, 2]
    assert join_of_lines("c d. a b", forms) is None  # order matters
    assert join_of_lines("a b c", forms) is None  # only whole lines


def test_check_canonical_helper():
    check_canonical("")
    check_canonical("a\n\nb\n")
    check_canonical("a\n\nb\n\nc\n")
    for bad in ("a", "a\n\n", "\na\n", "a\n\n\nb\n", "a \n", "a\r\n", " a\n", "a\nb\n"):
        try:
            check_canonical(bad)
        except AssertionError:
            continue
        raise AssertionError(f"check_canonical accepted {bad!r}")
    check_line_separators("a\n\nb\n")
    for bad in ("a\x85b\n", "a\u2028b\n", "a\x0cb\n"):
        try:
            check_line_separators(bad)
        except AssertionError:
            continue
        raise AssertionError(f"check_line_separators accepted {bad!r}")


def test_idempotent_feed_whose_entries_are_a_caption_pair():
    # The feed's two entries are one sentence twice: the feed is kept (it is all the prose), the
    # pair goes as a caption pair, and the second pass finds a feed with no prose at all.
    sentence = "The the the the the the the the the the the."
    assert_idempotent(f"1:00 AM\n{sentence}\n{sentence}\nThe the the the.\n1:00 AM\n")


def test_idempotent_section_break_right_under_a_paragraph():
    # "* * *" is no setext underline: the line above it stays a paragraph.
    assert_idempotent("The the the the.\nThe the the the the the the the the the.\n* * *\n")
