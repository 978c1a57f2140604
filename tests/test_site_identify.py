"""Which site's rules a copy gets: RFE/RL's language services by their own domains, and
fingerprints that count only in the page's chrome, not in a sentence of an article."""

from __future__ import annotations

import pytest

import cleaner
from cleaner.sites.identify import in_chrome, ruleset

SENTENCE = (
    "The report, first published by Radio Free Europe on Tuesday, said that the talks had "
    "stalled again after a week of heavy shelling near the river crossings."
)


@pytest.mark.parametrize(
    "url",
    [
        "https://www.radiosvoboda.org/a/news/123.html",
        "https://www.svoboda.org/a/x/1.html",
        "https://www.azatutyun.am/a/33000000.html",
        "https://www.radiofarda.com/a/1.html",
        "https://www.europalibera.org/a/1.html",
    ],
)
def test_rferl_language_services_are_aliases(url):
    assert ruleset().identify("", url).domain == "rferl.org"


def test_fingerprint_in_a_sentence_does_not_identify_the_site():
    text = f"Home\nWorld\n\n{SENTENCE}\n\nMore stories\n"
    assert ruleset().identify(text, None) is None


def test_fingerprint_on_a_chrome_line_identifies_the_site():
    text = f"Radio Free Europe/Radio Liberty\nHome\n\n{SENTENCE}\n"
    assert ruleset().identify(text, None).domain == "rferl.org"


def test_in_chrome_looks_at_every_occurrence():
    text = f"{SENTENCE.casefold()}\nradio free europe\n"
    assert in_chrome(text, "radio free europe")
    assert not in_chrome(SENTENCE.casefold(), "radio free europe")


def test_another_sites_article_that_names_rferl_keeps_its_share_line():
    paras = "\n\n".join([SENTENCE] * 4)
    r = cleaner.clean(f"Talks stall again\n\n{paras}\n\nShare\n", name="page.txt")
    assert r.site is None
    assert all(not x.rule.startswith("RF") for x in r.removed)
