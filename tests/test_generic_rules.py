"""Each generic rule, firing and not firing, on a probe line placed inside a small article.

The rules are tested as rules (`model=False`): the learned model may override the structural ones
(K501), which tests/test_classify.py and the fixtures cover."""

from __future__ import annotations

import pytest

from cleaner import clean

TITLE = "Harbour authority approves new ferry terminal"
PARAS = [
    "The harbour authority approved plans on Monday for a new ferry terminal on the eastern pier, replacing a building that has stood since the 1960s.",
    "The new terminal will have room for two ships at once and a waiting hall with space for four hundred passengers, according to the published plans.",
    "Local businesses welcomed the decision, saying the current terminal was too small for the growing number of summer visitors.",
    "Construction is expected to start in the autumn and last about two years, during which ferries will use a temporary berth.",
]


def doc_with(probe: str, position: int = 2) -> str:
    """Title, then the article with `probe` inserted before paragraph `position`."""
    paras = [*PARAS[:position], probe, *PARAS[position:]]
    return TITLE + "\n\n" + "\n\n".join(paras) + "\n"


def removed_by(text: str, probe: str, **kwargs) -> str | None:
    result = clean(text, site_rules=False, model=False, **kwargs)
    codes = {r.rule for r in result.removed if r.text == probe}
    assert len(codes) <= 1
    if not codes:
        assert probe in result.text, f"{probe!r} neither removed nor kept"
    return codes.pop() if codes else None


FIRES = [
    ("G101", "Skip to content"),
    ("G101", "Zum Inhalt springen"),
    ("G102", "* indicates required"),
    ("G102", "Enter your email to subscribe"),
    ("G102", "Successfuly subscribed"),
    ("G102", "Get the best stories in your inbox"),
    ("G103", "Support independent journalism. Become a member today."),
    ("G103", "Join 10,000+ readers who are already members"),
    ("G104", "visa masterCard americanExpress"),
    ("G105", "Share this article"),
    ("G105", "Facebook Twitter Email"),
    ("G106", "Leave a Comment"),
    ("G106", "Your email address will not be published. Required fields are marked *"),
    ("G107", "Scroll to Top"),
    ("G107", "Back to top"),
    ("G108", "XS SM MD LG"),
    ("G109", "Related article: Ferry operators raise fares"),
    ("G109", "Read more: Why the old terminal failed"),
    ("G110", "Original url: https://example.org/ferry"),
    ("G111", "This audio is created with AI assistance"),
    ("G111", "Listen to this article"),
    ("G113", "You can also find more information by reading the below tweet:-"),
    ("G114", "To find out more, click here."),
    ("G114", "Till then, keep yourself updated with the latest news from our website."),
    ("G115", "About The Author"),
    ("G116", "Edit post"),
    ("G116", "Advertisement"),
    ("G116", "Advert"),
    ("G118", "This website uses cookies to improve your experience."),
    ("G118", "Necessary Always Enabled"),
    ("G119", "© 2024 Harbour Media Ltd. All rights reserved."),
    ("G119", "This copy is for your personal, non-commercial use only."),
    ("G105", "Follow @HarbourNews on Twitter for updates"),
    ("G109", "Also on example.org Ferry operators strike over pay"),
    ("G204", "(Harbour authority via Facebook)"),
    ("G204", "Photo: Harbour Authority"),
    ("G205", "16x9 Image"),
]

HEADER_FIRES = [
    # Date lines are metadata above the article; between its paragraphs they are a timeline.
    ("G302", "March 07, 2023"),
    ("G302", "Updated: 7 March 2023 10:00 GMT"),
    ("G302", "2 days ago"),
]

KEPT = [
    # Wording that merely mentions the topic of a rule, inside a sentence, stays.
    "Readers who subscribe to the harbour newsletter were told about the plans a week early.",
    "The authority said it would support independent operators who want to use the new berths.",
    "Passengers can pay with Visa or Mastercard at the new ticket machines, the authority said.",
    "A related article in the same newspaper described the history of the old terminal in detail.",
    "By the end of the decade, the harbour expects to handle twice as many passengers as today.",
    "(The old terminal will be turned into a maritime museum once the new one opens.)",
    "The plans were shown to residents at a meeting on 7 March 2023 in the town hall, where most spoke in favour.",
    "Click the map on the authority's website to see the planned route of the access road.",
    "The bakery next to the terminal sells cookies that passengers have praised for years.",
    "https://example.org/ferry/gallery",
    "The ferry company, which holds the copyright on the old terminal's design, was not consulted.",
]


@pytest.mark.parametrize(("code", "probe"), FIRES, ids=[f"{c}:{p[:30]}" for c, p in FIRES])
def test_rule_fires(code, probe):
    assert removed_by(doc_with(probe), probe) == code


@pytest.mark.parametrize(
    ("code", "probe"), HEADER_FIRES, ids=[f"{c}:{p[:30]}" for c, p in HEADER_FIRES]
)
def test_header_rule_fires(code, probe):
    assert removed_by(doc_with(probe, position=0), probe) == code


@pytest.mark.parametrize("probe", KEPT, ids=[p[:40] for p in KEPT])
def test_prose_mentioning_a_rule_topic_is_kept(probe):
    assert removed_by(doc_with(probe), probe) is None


def test_byline_goes_to_metadata():
    text = TITLE + "\n\nBy Anna Kowalska | March 3, 2024\n\n" + "\n\n".join(PARAS) + "\n"
    result = clean(text, site_rules=False, model=False)
    assert result.byline == "Anna Kowalska"
    assert result.date == "2024-03-03"
    assert [r.rule for r in result.removed] == ["G301"]


def test_original_url_on_next_line_goes_to_metadata():
    text = doc_with("Original url:", position=4) + "\nhttps://example.org/ferry-terminal\n"
    result = clean(text, site_rules=False, model=False)
    assert result.url == "https://example.org/ferry-terminal"
    assert [r.rule for r in result.removed] == ["G110", "G110"]


def test_repeated_title_removed_but_first_kept():
    result = clean(doc_with(TITLE), site_rules=False, model=False)
    assert result.text.startswith(TITLE + "\n\n")
    assert result.text.count(TITLE) == 1
    assert [r.rule for r in result.removed] == ["G201"]


def test_repeated_caption_both_copies_go():
    cap = "Ferries wait at the eastern pier."
    text = doc_with(cap + "\n" + cap)
    result = clean(text, site_rules=False, model=False)
    assert [r.rule for r in result.removed] == ["G202", "G202"]
    assert cap not in result.text


def test_identical_prose_paragraphs_far_apart_are_not_captions():
    text = doc_with(PARAS[0], position=3)
    result = clean(text, site_rules=False, model=False)
    assert result.text.count(PARAS[0]) == 2


def test_news_feed_needs_two_stamps():
    one = doc_with("10:01 PM")
    assert removed_by(one, "10:01 PM") is None
    feed = "10:01 PM\n\nFerry strike called off.\n\n7:20 PM\n\nPort reopens after storm."
    result = clean(
        TITLE + "\n\n" + "\n\n".join(PARAS) + "\n\n" + feed + "\n", site_rules=False, model=False
    )
    assert {r.rule for r in result.removed} == {"G203"}
    assert "Ferry strike" not in result.text


def test_size_token_alone_is_not_removed():
    assert removed_by(doc_with("MD"), "MD") is None


def test_header_and_footer_debris_goes_with_boundary_codes():
    text = "Home World Sport\n\n" + TITLE + "\n\n" + "\n\n".join(PARAS) + "\n\nTerms\nPrivacy\n"
    result = clean(text, site_rules=False, model=False)
    assert [(r.rule, r.text) for r in result.removed] == [
        ("G401", "Home World Sport"),
        ("G402", "Terms"),
        ("G402", "Privacy"),
    ]
    assert result.title == TITLE


def test_credit_line_is_kept_and_closes_the_article():
    text = doc_with("With reporting by Reuters and AP", position=4) + (
        "\nThe Courier is owned by a media group that publishes newspapers in twelve cities across the region.\n"
    )
    result = clean(text, site_rules=False, model=False)
    assert result.text.rstrip().endswith("With reporting by Reuters and AP")
    assert [k.rule for k in result.kept] == ["K001"]
    assert [r.rule for r in result.removed] == ["G403"]


def test_markdown_image_and_rule_lines_are_m001():
    text = (
        "# "
        + TITLE
        + "\n\n![a ferry](x.jpg)\n\n"
        + "\n\n".join(PARAS[:2])
        + "\n\n---\n\n"
        + "\n\n".join(PARAS[2:])
        + "\n"
    )
    result = clean(text, name="page.md", site_rules=False, model=False)
    assert [r.rule for r in result.removed] == ["M001", "M001"]
    assert result.title == TITLE


def test_comment_thread_goes_from_its_first_dated_post():
    thread = (
        "2 Comments\n\nAnna on March 12, 2024 at 4:47 pm said:\n\nWill the old terminal stay open "
        "during the works, or will everyone have to use the temporary berth from the start?\n\n"
        "Ben on March 13, 2024 at 9:02 am said:\n\nGreat news for the island."
    )
    result = clean(doc_with(thread, position=4), site_rules=False, model=False)
    assert {r.rule for r in result.removed} == {"G106", "G206"}
    assert result.text.rstrip().endswith(PARAS[-1])


def test_one_said_line_is_a_quote_not_a_thread():
    probe = "The harbour master on March 12, 2024 at 4:47 pm said:"
    assert removed_by(doc_with(probe), probe) is None


def test_story_list_needs_three_items_with_headlines():
    items = "".join(
        f"Ferry news item number {n} today\nMarch {n}, 2024\nA short summary of the item that links to another story.\n\n"
        for n in (1, 2, 3)
    )
    result = clean(doc_with(items, position=4), site_rules=False, model=False)
    assert "G207" in result.rules_fired
    assert "Ferry news item" not in result.text
    two = items.rsplit("Ferry news item number 3", 1)[0]
    assert "G207" not in clean(doc_with(two, position=4), site_rules=False, model=False).rules_fired


def test_dated_paragraphs_inside_the_article_are_a_timeline():
    timeline = "March 3, 2022\n\n" + PARAS[1] + "\n\nMay 5, 2022\n\n" + PARAS[2]
    text = TITLE + "\n\n" + PARAS[0] + "\n\n" + timeline + "\n\n" + PARAS[3] + "\n"
    result = clean(text, site_rules=False, model=False)
    assert "March 3, 2022" in result.text and "May 5, 2022" in result.text
    assert {k.rule for k in result.kept} == {"K002"}


def test_related_block_takes_the_headlines_under_its_heading_and_stops_at_prose():
    block = "Don't miss\nFerry fares to rise in spring\nNew harbour cafe opens its doors\nWhy the old pier is sinking"
    result = clean(doc_with(block), site_rules=False, model=False)
    assert [r.rule for r in result.removed] == ["G109", "G208", "G208", "G208"]
    assert result.text.count("\n\n") == len(PARAS)  # title + every paragraph kept


def test_related_block_steps_over_removed_lines_and_shares_nothing_between_two_headings():
    # Removed lines (a "Subscribe" button, a share prompt) between the heading and its
    # headlines are stepped over; a second heading's block starts after the first one's.
    block = (
        "Don't miss\nSubscribe\nShare this article\nFerry fares to rise in spring\n"
        "New harbour cafe opens its doors\nRead next\nWhy the old pier is sinking"
    )
    result = clean(doc_with(block), site_rules=False, model=False)
    codes = {r.text: r.rule for r in result.removed}
    assert codes["Ferry fares to rise in spring"] == "G208"
    assert codes["New harbour cafe opens its doors"] == "G208"
    assert codes["Why the old pier is sinking"] == "G208"
    assert result.text.count("\n\n") == len(PARAS)


def test_many_story_lists_on_one_page_are_all_removed():
    # The page's prose is counted once and carried from list to list (G207).
    def items(k: int) -> str:
        return "".join(
            f"Ferry news item {k}{n} today\nMarch {n}, 2024\n"
            "A short summary of the item that links to another story.\n\n"
            for n in (1, 2, 3)
        )

    text = doc_with(items(1) + PARAS[0] + "\n\n" + items(2), position=4)
    result = clean(text, site_rules=False, model=False)
    assert "Ferry news item" not in result.text
    assert sum(r.rule == "G207" for r in result.removed) >= 12


def test_caption_with_image_credit_in_brackets():
    probe = "Passengers queue at the old terminal (Image: GETTY )"
    assert removed_by(doc_with(probe), probe) == "G204"


def test_cut_off_last_paragraph_is_kept_but_a_closing_tag_list_is_not():
    cut = "Councillors warned that the car park at the eastern pier was already full and would need"
    result = clean(
        doc_with("", position=4).rstrip() + "\n\n" + cut + "\n", site_rules=False, model=False
    )
    assert result.text.endswith(cut + "\n")
    assert [k.rule for k in result.kept] == ["K004"]
    tags = "Ferries Harbour Transport Winter Timetable Commuters Islands Mainland Ports Shipping"
    result = clean(
        doc_with("", position=4).rstrip() + "\n\n" + tags + "\n", site_rules=False, model=False
    )
    assert tags not in result.text
    assert not result.kept


def test_markdown_markup_left_without_text_is_m001():
    # "* * * [](share-link)" and "**[![img](x)](y)**" lose their links: what is left is markup.
    for probe in ("* * * [](https://www.facebook.com/share)", "**[![Book a meeting](x.png)](y)**"):
        text = doc_with(probe)
        result = clean(text, name="page.md", site_rules=False, model=False)
        assert [r.rule for r in result.removed if r.text == probe] == ["M001"]
        assert clean(result.text, name="out.txt", site_rules=False, model=False).text == result.text


def test_a_title_must_be_shaped_like_one_as_plain_text():
    # A one-word markdown heading above the article is not its title: the output is plain text,
    # and cleaning it again would drop a one-word first line as page header.
    text = "# Origin\n\n" + "\n\n".join(PARAS) + "\n"
    result = clean(text, name="page.md", site_rules=False, model=False)
    assert result.title is None
    assert clean(result.text, name="out.txt", site_rules=False, model=False).text == result.text
    titled = f"# {TITLE}\n\n" + "\n\n".join(PARAS) + "\n"
    assert clean(titled, name="page.md", site_rules=False, model=False).title == TITLE


# A tag cloud run together on one line (no punctuation at all), heavier than the article.
_TERMS = (
    "Agriculture Campaign Training Fuel Notice Contest Councils Culture Civil Defence Economy"
    " Education Sports Events Treasury Cabinet Housing Opening Infrastructure Leisure Environment"
    " Works Partnership Heritage Planning Master Plan Policy Reconstruction Sanitation Health"
    " Safety Social Taxes Traffic Tourism Urbanism adopt a friend water alert environment"
    " friendship service library walk campaign carnival council storytelling course dance"
    " notice education school event exhibition fair party festival housing elderly"
)
TAG_CLOUD = " ".join([_TERMS] * 3)


def test_a_tag_cloud_does_not_start_the_article():
    """G402: a line of two hundred terms without one punctuation mark is no paragraph, although
    it outweighs the article: the article above it is the run of prose, the cloud the footer."""
    article = [PARAS[0], PARAS[1]]
    sidebar = ["Share", "Back", "Archive", "Tags", TAG_CLOUD]
    text = TITLE + "\n\n" + "\n\n".join([*article, *sidebar]) + "\n"
    result = clean(text, site_rules=False, model=False)
    assert all(p in result.text for p in article)
    assert removed_by(text, TAG_CLOUD) == "G402"


def test_an_unpunctuated_reply_beside_prose_stays():
    """A forum's long reply typed without punctuation joins the run of prose around it."""
    reply = (
        "i tried that too and it still did not work for me so i reinstalled the driver and then"
        " rebooted twice and now the printer shows up again but only when the cable is plugged"
        " into the back port and not the front one which is strange"
    )
    assert removed_by(doc_with(reply), reply) is None
