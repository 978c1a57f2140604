"""Each built-in site rule, firing on the insert it targets and not firing on article text that
looks a little like it. (Whole pages for every site are in fixtures/<site>/.)"""

from __future__ import annotations

import pytest

from cleaner import clean

PARAS = [
    "Regional officials said on Monday that repair crews had restored power to most households after an overnight attack damaged two substations.",
    "According to the governor, several thousand customers were still without electricity by the afternoon, mostly in villages near the border.",
    "The energy company said it expected to reconnect everyone by the evening and thanked residents for their patience during the repairs.",
    "The government has asked its partners for additional equipment to protect power plants and transmission lines before the winter.",
]


def page(site_title: str, probe: str) -> str:
    return site_title + "\n\n" + "\n\n".join([*PARAS[:2], probe, *PARAS[2:]]) + "\n"


def removal(site: str, probe: str) -> str | None:
    result = clean(page("Power restored after overnight attack on substations", probe), site=site)
    codes = {r.rule for r in result.removed if r.text == probe}
    if not codes:
        assert probe in result.text
    return codes.pop() if codes else None


FIRES = [
    ("kyivindependent.com", "KI101", "This audio is created with AI assistance"),
    ("kyivindependent.com", "KI102", "Join 12,000+ Kyiv Independent members today"),
    ("kyivindependent.com", "KI102", "Support our war crimes investigations unit"),
    ("kyivindependent.com", "KI103", "Power cuts in Kharkiv: ‘We cook on gas stoves now’"),
    ("kyivindependent.com", "KI104", "Ukraine Daily"),
    ("kyivindependent.com", "KI105", "MORE NEWS"),
    ("themoscowtimes.com", "MT101", "A substation in the Moscow region. Sergei Kiselev / Moskva"),
    ("themoscowtimes.com", "MT102", "Read more: Blackouts spread across the region"),
    ("themoscowtimes.com", "MT103", "A Message from The Moscow Times:"),
    ("rferl.org", "RF101", "Breaking News"),
    ("rferl.org", "RF102", "• 16x9 Image"),
    ("rferl.org", "RF103", "To find out more, click here."),
    ("techyember.com", "TE101", "You can check the full list of outages here:-"),
    (
        "techyember.com",
        "TE102",
        "Till then, keep reading the latest news from our website techyember.com.",
    ),
    ("techyember.com", "TE103", "About The Author"),
]

KEPT = [
    # A quote in a sentence, a subheading without a quoted phrase, a caption-like sentence with
    # a verb and several clauses: article text that the site rules must leave alone.
    (
        "kyivindependent.com",
        "“Support us,” the mayor told volunteers who had gathered at the depot, “and we will rebuild it.”",
    ),
    ("kyivindependent.com", "Power cuts in Kharkiv"),
    (
        "themoscowtimes.com",
        "Officials said the repairs would take weeks, not days, and that more crews were on the way.",
    ),
    ("rferl.org", "The service said it had been reporting from the region since the 1950s."),
    (
        "techyember.com",
        "Engineers said the list of affected districts would be published on Tuesday.",
    ),
]


@pytest.mark.parametrize(("site", "code", "probe"), FIRES, ids=[c for _, c, _ in FIRES])
def test_site_rule_fires(site, code, probe):
    assert removal(site, probe) == code


@pytest.mark.parametrize(("site", "probe"), KEPT, ids=[f"{s}:{p[:24]}" for s, p in KEPT])
def test_site_rules_leave_article_text_alone(site, probe):
    assert removal(site, probe) is None


def test_kyiv_byline_rule_fills_metadata():
    text = (
        "Power restored after overnight attack\n\nby Daria Shulzhenko November 3, 2024 3:12 PM 3 min read\n\n"
        + "\n\n".join(PARAS)
        + "\n"
    )
    result = clean(text, site="kyivindependent.com")
    assert (result.byline, result.date) == ("Daria Shulzhenko", "2024-11-03")
    assert [r.rule for r in result.removed] == ["KI301"]


def test_kyiv_feed_block_needs_its_end_marker_within_bound():
    feed = "News Feed\n\n4:30 PM\n\nParliament approves budget.\n\nMORE NEWS"
    closed = clean(page("Power restored after overnight attack", feed), site="kyivindependent.com")
    assert {r.rule for r in closed.removed} == {"KI201"}
    unclosed = clean(
        page("Power restored after overnight attack", feed.replace("MORE NEWS", "")),
        site="kyivindependent.com",
    )
    assert "KI201" not in unclosed.rules_fired


def test_rferl_service_blurb_block():
    blurb = "RFE/RL's Kazakh Service\n\nRFE/RL's Kazakh Service has reported from Kazakhstan since 1953."
    result = clean(page("Power restored after overnight attack", blurb), site="rferl.org")
    assert [r.rule for r in result.removed] == ["RF201", "RF201"]


def test_moscow_times_byline():
    text = (
        "Power restored after overnight attack\n\nBy [Reuters](#)\n\n" + "\n\n".join(PARAS) + "\n"
    )
    result = clean(text, site="themoscowtimes.com")
    assert result.byline == "Reuters"
    assert [r.rule for r in result.removed] == ["MT301"]


# --- rules see the line as --explain shows it, and as the text without markup (#13) ----------

RAW_SITE = """
[site]
domain = "example.org"

[[line]]
code = "EX101"
reason = "sponsor line, pattern copied from an --explain line"
regex = '^\\*\\*Sponsored by\\*\\* \\['

[[line]]
code = "EX102"
reason = "promo line, pattern written for the output text"
exact = ["Get the app"]

[[line]]
code = "EX103"
reason = "inline marker (a span: tried on the text only)"
regex = '\\s*\\*\\*Ad\\*\\*'
action = "span"

[[block]]
code = "EX201"
reason = "most-read box, markers copied from --explain"
start = { exact = ["## Most read"] }
end = { prefix = ["[See all]("] }
max_lines = 6

[[meta]]
code = "EX301"
reason = "byline, pattern copied from --explain"
regex = '^\\*\\*By (?P<byline>[^*]+)\\*\\*$'
"""

RAW_PAGE = """# Harbour board approves new ferry terminal

**By Jane Holloway**

The harbour board approved plans on Monday for a new ferry terminal on the north pier, ending a dispute that has run for almost a decade.

**Sponsored by** [Coastline Travel](https://example.org/travel)

The terminal will have room for two ships at once and a waiting hall for four hundred passengers, the board said.

**Get the app**

## Most read

* [Storm closes coast road](/a)
* [Lifeboat crew honoured](/b)

[See all](/most-read)

Construction is due to start in the autumn and should take about two years, the board said in a statement.

Opponents said they would study the plans before deciding whether to appeal to the regional court **Ad** next month.
"""


@pytest.fixture
def raw_rules(tmp_path):
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "example.org.toml").write_text(RAW_SITE, encoding="utf-8")
    return [str(folder)]


def test_a_pattern_copied_from_an_explain_line_fires(raw_rules):
    result = clean(RAW_PAGE, site="example.org", rules=raw_rules, name="page.md")
    fired = {r.rule: r.text for r in result.removed}
    # --explain shows the raw line, and the rule copied from it fires on it.
    assert fired["EX101"] == "**Sponsored by** [Coastline Travel](https://example.org/travel)"
    assert fired["EX301"] == "**By Jane Holloway**"
    assert result.byline == "Jane Holloway"
    assert "Sponsored" not in result.text and "Jane Holloway" not in result.text
    # So does a block whose markers are copied from --explain.
    block = [r.text for r in result.removed if r.rule == "EX201"]
    assert block[0] == "## Most read" and block[-1] == "[See all](/most-read)"
    assert "Lifeboat crew honoured" not in result.text


def test_a_pattern_written_for_the_text_still_fires(raw_rules):
    result = clean(RAW_PAGE, site="example.org", rules=raw_rules, name="page.md")
    assert [r.text for r in result.removed if r.rule == "EX102"] == ["**Get the app**"]


def test_a_span_rule_is_tried_on_the_text_only(raw_rules):
    # The raw line holds "**Ad**", the text only "Ad": a span edits the text, so the span
    # pattern written with markup does not fire, and the sentence is kept whole.
    result = clean(RAW_PAGE, site="example.org", rules=raw_rules, name="page.md")
    assert "EX103" not in {r.rule for r in result.removed}
    assert "to the regional court Ad next month." in result.text


def test_without_the_raw_line_the_copied_pattern_would_not_match():
    # The check above is not vacuous: the text the generic rules see has no markup left.
    from cleaner.core.segment import segment

    (unit,) = segment("**Sponsored by** [Coastline Travel](https://example.org/travel)", True)
    assert unit.text == "Sponsored by Coastline Travel"
    assert unit.raw.startswith("**Sponsored by**")
