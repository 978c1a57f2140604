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
