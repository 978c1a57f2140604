"""Site rule files: the TOML format, its validation messages, and what each rule type does.

A refused file raises RuleFileError whose message names the file, the key and the problem.
The behaviour tests run `cleaner.clean(text, rules=[dir])` on tiny documents: a few prose
paragraphs (so that the article finder keeps everything between them) around the lines under
test, and check both that the rule removes its line and that the line stays without the rule.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import cleaner
from cleaner.sites.identify import builtin_rules_dir
from cleaner.sites.rulefile import RuleFileError, SiteRules, load_rule_file

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"

SITE = """\
[site]
domain = "example.org"
name = "Example Gazette"
fingerprints = ["Example Gazette Online"]
"""

P1 = "The river flooded the lower town after three days of steady rain in the hills."
P2 = "Residents moved their furniture to the upper floors and waited for the water to recede."
P3 = "The mayor said the council would meet on Monday to discuss repairs to the old embankment."
P4 = "Engineers had warned for years that the embankment could not hold back a major flood."


def rules_dir(tmp_path: Path, body: str, site: str = SITE) -> Path:
    d = tmp_path / "rules"
    d.mkdir(exist_ok=True)
    (d / "example.org.toml").write_text(site + "\n" + body, encoding="utf-8")
    return d


def doc(*lines: str, fingerprint: bool = True) -> str:
    head = ["Example Gazette Online"] if fingerprint else []
    return "\n\n".join([*head, *lines]) + "\n"


def paragraphs(text: str) -> list[str]:
    """The output's paragraphs, without the fingerprint line (which may be kept as a title)."""
    paras = text.rstrip("\n").split("\n\n") if text else []
    return [p for p in paras if p != "Example Gazette Online"]


def removed(result, code: str) -> list[tuple[int, str]]:
    return [(r.line, r.text) for r in result.removed if r.rule == code]


def refused(tmp_path: Path, text: str, name: str = "bad.toml") -> tuple[Path, str]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleFileError) as info:
        load_rule_file(path)
    return path, str(info.value)


# --- valid files -----------------------------------------------------------------------------

VALID = (
    SITE
    + """
aliases = ["example.net"]
min_fingerprints = 1

[[line]]
code = "EX101"
reason = "menu"
exact = ["Gazette Menu", "Gazette Sections"]
prefix = "Promo:"
contains = ["zorblax"]
regex = ['^Ticket \\d+$']
ignore_case = false

[[line]]
code = "EX102"
reason = "tracker"
action = "span"
regex = '\\[tracking id \\d+\\]'

[[block]]
code = "EX201"
reason = "sidebar"
start = { exact = "Sidebar start" }
end = { exact = "Sidebar end" }
max_lines = 5
include_end = true

[[meta]]
code = "EX301"
reason = "byline"
regex = '^Written by (?P<byline>.+)$'

[article]
code = "EX401"
start_after = { exact = "Article begins" }
end_before = { prefix = "Article ends" }

[html]
code = "EX501"
reason = "widgets"
strip = [".promo", "aside", "div#comments > p"]
"""
)


def test_valid_file_loads(tmp_path):
    path = tmp_path / "example.org.toml"
    path.write_text(VALID, encoding="utf-8")
    site = load_rule_file(path)
    assert isinstance(site, SiteRules)
    assert site.domain == "example.org"
    assert site.domains == ("example.org", "example.net")
    assert site.fingerprints == ("Example Gazette Online",)
    assert [r.code for r in site.lines] == ["EX101", "EX102"]
    assert [r.span for r in site.lines] == [False, True]
    assert [b.max_lines for b in site.blocks] == [5]
    assert [m.code for m in site.meta] == ["EX301"]
    assert site.article is not None and site.article.code == "EX401"
    assert site.html_strip == (".promo", "aside", "div#comments > p")
    assert sorted(code for code, _ in site.codes()) == [
        "EX101",
        "EX102",
        "EX201",
        "EX301",
        "EX401",
        "EX501",
    ]
    # The compiled matchers do what the spec says.
    menu = site.lines[0].matcher
    assert menu.matches("Gazette Menu")
    assert not menu.matches("gazette menu")  # ignore_case = false
    assert not menu.matches("The Gazette Menu")  # exact is anchored at both ends
    assert menu.matches("Promo: mugs")
    assert not menu.matches("No Promo: here")  # prefix is anchored at the start
    assert menu.matches("a zorblax b")
    assert menu.matches("Ticket 12")
    assert not menu.matches("Ticket 12b")


def test_minimal_file_loads(tmp_path):
    path = tmp_path / "min.toml"
    path.write_text('[site]\ndomain = "example.org"\n', encoding="utf-8")
    site = load_rule_file(path)
    assert site.domain == "example.org"
    assert site.codes() == []


BUILTIN = sorted(RULES_DIR.glob("*.toml"))


def test_there_are_builtin_rule_files():
    assert len(BUILTIN) >= 4
    assert builtin_rules_dir().resolve() == RULES_DIR.resolve()


@pytest.mark.parametrize("path", BUILTIN, ids=[p.stem for p in BUILTIN])
def test_builtin_rule_file_loads(path):
    site = load_rule_file(path)
    assert site.domain == path.stem  # rules/<domain>.toml
    assert site.fingerprints, "a built-in site is identified by its fingerprints"
    codes = [code for code, _ in site.codes()]
    assert codes
    assert len(codes) == len(set(codes))
    assert not any(re.fullmatch(r"[GM]\d{3}", c) for c in codes)
    for _code, reason in site.codes():
        assert len(reason) >= 3


def test_builtin_codes_are_unique_across_sites():
    codes = [code for p in BUILTIN for code, _ in load_rule_file(p).codes()]
    assert len(codes) == len(set(codes))


# --- invalid files ---------------------------------------------------------------------------

LINE = '[[line]]\ncode = "EX101"\nreason = "menu"\n'


@pytest.mark.parametrize(
    ("case", "body", "key", "problem"),
    [
        (
            "unknown key",
            '[[line]]\ncdoe = "EX101"\nreason = "menu"\nexact = "Menu"\n',
            "line[0].cdoe",
            r"extra|not permitted|unknown",
        ),
        (
            "unknown key in a rule with a code",
            LINE + 'exact = "Menu"\nexcat = "Menu"\n',
            "line[0].excat",
            r"extra|not permitted|unknown",
        ),
        (
            "unknown table",
            SITE.replace("[site]", "[sitee]"),
            "sitee",
            r"extra|not permitted|unknown",
        ),
        (
            "unknown key inside an inline table",
            '[[block]]\ncode = "EX201"\nreason = "sidebar"\nstart = { exct = "A" }\nmax_lines = 3\n',
            "block[0].start.exct",
            r"extra|not permitted|unknown",
        ),
        (
            "wrong type",
            '[[block]]\ncode = "EX201"\nreason = "sidebar"\nstart = { exact = "A" }\n'
            'max_lines = "ten"\n',
            "block[0].max_lines",
            r"integer",
        ),
        (
            "wrong type: bool",
            LINE + 'exact = "Menu"\nignore_case = "yes please"\n',
            "line[0].ignore_case",
            r"bool",
        ),
        (
            "max_lines below one",
            '[[block]]\ncode = "EX201"\nreason = "sidebar"\n'
            'start = { exact = "A" }\nmax_lines = 0\n',
            "block[0].max_lines",
            r"greater|>=|at least",
        ),
        (
            "invalid regex",
            LINE + "regex = '(unclosed'\n",
            "line[0].regex",
            r"invalid regex.*\(unclosed",
        ),
        (
            "invalid regex in a list",
            LINE + "regex = ['^ok$', 'a{2,1}']\n",
            "line[0].regex",
            r"invalid regex.*a\{2,1\}",
        ),
        (
            "invalid regex in a block end",
            '[[block]]\ncode = "EX201"\nreason = "sidebar"\nstart = { exact = "A" }\n'
            "end = { regex = '[z-a]' }\nmax_lines = 3\n",
            "block[0].end.regex",
            r"invalid regex",
        ),
        (
            "invalid regex in article markers",
            "[article]\ncode = \"EX401\"\nend_before = { regex = '(?P<x' }\n",
            "article.end_before.regex",
            r"invalid regex",
        ),
        (
            "invalid meta regex",
            '[[meta]]\ncode = "EX301"\nreason = "byline"\nregex = \'(?P<byline>\'\n',
            "meta[0].regex",
            r"invalid regex",
        ),
        (
            "meta regex without a named group",
            '[[meta]]\ncode = "EX301"\nreason = "byline"\nregex = \'^By (.+)$\'\n',
            "meta[0].regex",
            r"named group",
        ),
        (
            "missing reason",
            '[[line]]\ncode = "EX101"\nexact = "Menu"\n',
            "line[0].reason",
            r"required|missing",
        ),
        (
            "reason too short",
            '[[line]]\ncode = "EX101"\nreason = "x"\nexact = "Menu"\n',
            "line[0].reason",
            r"at least|short",
        ),
        (
            "missing code",
            '[[line]]\nreason = "menu"\nexact = "Menu"\n',
            "line[0].code",
            r"required|missing",
        ),
        (
            "malformed code",
            '[[line]]\ncode = "ex-1"\nreason = "menu"\nexact = "Menu"\n',
            "line[0].code",
            r"pattern|match",
        ),
        ("rule with nothing to match", LINE, "line[0]", r"exact.*prefix.*contains.*regex"),
        (
            "span action with exact",
            LINE + 'exact = "Menu"\naction = "span"\n',
            "line[0]",
            r"span.*(exact|prefix)",
        ),
        (
            "span action with prefix",
            LINE + 'prefix = "Menu"\naction = "span"\n',
            "line[0]",
            r"span.*(exact|prefix)",
        ),
        (
            "unknown action",
            LINE + 'exact = "Menu"\naction = "delete"\n',
            "line[0].action",
            r"drop.*span",
        ),
        (
            "invalid CSS selector",
            '[html]\ncode = "EX501"\nreason = "widgets"\nstrip = ["div[["]\n',
            "html.strip",
            r"invalid CSS selector.*div\[\[",
        ),
        (
            "empty CSS selector list",
            '[html]\ncode = "EX501"\nreason = "widgets"\nstrip = []\n',
            "html.strip",
            r"at least|short",
        ),
        (
            "block without a start",
            '[[block]]\ncode = "EX201"\nreason = "sidebar"\nmax_lines = 3\n',
            "block[0].start",
            r"required|missing",
        ),
        (
            "article without a code",
            '[article]\nstart_after = { exact = "Go" }\n',
            "article.code",
            r"required|missing",
        ),
    ],
)
def test_invalid_file_is_refused_naming_file_key_and_problem(tmp_path, case, body, key, problem):
    text = body if body.startswith("[site") else SITE + "\n" + body
    path, message = refused(tmp_path, text)
    assert str(path) in message, message
    assert key in message, f"{case}: key {key!r} not named in {message!r}"
    assert re.search(problem, message, re.I), f"{case}: problem not named in {message!r}"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            LINE + 'prefx = ["Menu"]\n',
            "line[0].prefx: Extra inputs are not permitted; did you mean `prefix`?",
        ),
        (
            LINE + 'exact = "Menu"\nignorecase = true\n',
            "line[0].ignorecase: Extra inputs are not permitted; did you mean `ignore_case`?",
        ),
        (
            '[[lines]]\ncode = "EX101"\nreason = "menu"\nexact = "Menu"\n',
            "lines: Extra inputs are not permitted; did you mean `line`?",
        ),
        (
            '[[block]]\ncode = "EX201"\nreason = "sidebar"\nstart = { exct = "A" }\nmax_lines = 3\n',
            "block[0].start.exct: Extra inputs are not permitted; did you mean `exact`?",
        ),
        (
            '[article]\ncode = "EX401"\nstart_afterr = { exact = "A" }\n',
            "did you mean `start_after`?",
        ),
    ],
    ids=["prefix", "ignore_case", "table", "inline-table", "article"],
)
def test_an_unknown_key_suggests_the_nearest_one(tmp_path, body, message):
    _, error = refused(tmp_path, SITE + "\n" + body)
    assert message in error


def test_an_unknown_key_far_from_every_key_suggests_nothing(tmp_path):
    _, error = refused(tmp_path, SITE + "\n" + LINE + 'exact = "Menu"\ncolour = "red"\n')
    assert error.endswith("line[0].colour: Extra inputs are not permitted")


def test_rules_takes_one_file_as_well_as_a_folder(tmp_path):
    folder = rules_dir(tmp_path, LINE + 'exact = "Gazette menu"\n')
    text = doc(P1, P2, "Gazette menu", P3, P4)
    by_folder = cleaner.clean(text, rules=[folder])
    by_file = cleaner.clean(text, rules=[folder / "example.org.toml"])
    assert removed(by_file, "EX101") == removed(by_folder, "EX101") != []
    assert by_file.text == by_folder.text


def test_rules_path_that_is_neither_file_nor_folder_is_refused(tmp_path):
    with pytest.raises(RuleFileError, match="no such rule file or directory"):
        cleaner.clean("x", rules=[tmp_path / "missing"])


def test_malformed_toml_is_refused(tmp_path):
    path, message = refused(tmp_path, SITE + '\n[[line]\ncode = "EX101"\n')
    assert str(path) in message
    assert "TOML" in message
    assert re.search(r"line 6\b", message), message  # where the parser stopped


def test_malformed_toml_value_is_refused(tmp_path):
    path, message = refused(tmp_path, SITE + "\n[[line]]\ncode = EX101\n")
    assert str(path) in message
    assert "TOML" in message


def test_missing_site_table_is_refused(tmp_path):
    path, message = refused(tmp_path, LINE + 'exact = "Menu"\n')
    assert str(path) in message
    assert re.search(r"\bsite\b.*(required|missing)", message, re.I), message


def test_invalid_domain_is_refused(tmp_path):
    path, message = refused(tmp_path, SITE.replace('"example.org"', '"Example Gazette"'))
    assert str(path) in message
    assert "site.domain" in message


def test_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes(SITE.replace("Gazette Online", "Gazette Onlin\xe9").encode("latin-1"))
    with pytest.raises(RuleFileError) as info:
        load_rule_file(path)
    assert str(path) in str(info.value)


def test_duplicate_code_is_refused(tmp_path):
    body = (
        LINE
        + 'exact = "Menu"\n\n'
        + LINE.replace('"menu"', '"other menu"')
        + 'exact = "Sections"\n'
    )
    path, message = refused(tmp_path, SITE + "\n" + body)
    assert str(path) in message
    assert "EX101" in message
    assert re.search(r"twice|duplicate|more than once|already", message, re.I), message
    # The key: where the second use of the code is.
    assert re.search(r"line\[1\](\.code)?", message), f"key not named: {message!r}"


def test_duplicate_code_across_rule_types_is_refused(tmp_path):
    body = LINE + 'exact = "Menu"\n\n[article]\ncode = "EX101"\nstart_after = { exact = "Go" }\n'
    path, message = refused(tmp_path, SITE + "\n" + body)
    assert str(path) in message
    assert "EX101" in message
    assert re.search(r"article(\.code)?", message), f"key not named: {message!r}"


@pytest.mark.parametrize("code", ["G101", "G999", "M001"])
def test_reserved_generic_code_is_refused(tmp_path, code):
    path, message = refused(
        tmp_path, SITE + "\n" + LINE.replace("EX101", code) + 'exact = "Menu"\n'
    )
    assert str(path) in message
    assert code in message
    assert re.search(r"reserved|generic", message, re.I)
    assert re.search(r"line\[0\](\.code)?", message), f"key not named: {message!r}"


def test_every_problem_of_a_file_is_reported(tmp_path):
    body = (
        LINE + "regex = '(bad'\n\n"
        '[[block]]\ncode = "EX201"\nreason = "sidebar"\nstart = { exact = "A" }\nmax_lines = "ten"\n'
    )
    _, message = refused(tmp_path, SITE + "\n" + body)
    assert "line[0].regex" in message
    assert "block[0].max_lines" in message


def test_clean_refuses_an_invalid_rule_dir(tmp_path):
    d = tmp_path / "rules"
    d.mkdir()
    (d / "example.org.toml").write_text(SITE + "\n" + LINE + "regex = '(bad'\n", encoding="utf-8")
    with pytest.raises(RuleFileError, match=r"example\.org\.toml: line\[0\]\.regex"):
        cleaner.clean(doc(P1, P2), rules=[d])


# --- what each rule type does ----------------------------------------------------------------


def check_rule(tmp_path, body, lines, code, gone, *, fingerprint=True, **kwargs):
    """`gone` lines are removed by `code` with the rule file, and kept without it."""
    d = rules_dir(tmp_path, body)
    text = doc(*lines, fingerprint=fingerprint)
    with_rule = cleaner.clean(text, rules=[d], **kwargs)
    assert with_rule.site == "example.org"
    kept = paragraphs(with_rule.text)
    for line in gone:
        assert line not in kept, f"{line!r} kept: {kept}"
        assert line in [t for _, t in removed(with_rule, code)], with_rule.removed
    for p in (P1, P2, P3, P4):
        if p in lines:
            assert p in kept, f"article paragraph lost: {p!r}"
    without = paragraphs(cleaner.clean(text, site_rules=False, model=False).text)
    for line in gone:
        assert line in without, f"{line!r} is removed even without the rule file"
    return with_rule


@pytest.mark.parametrize(
    ("spec", "line"),
    [
        ('exact = ["Gazette Sections", "Gazette Menu Bar"]', "Gazette Menu Bar"),
        ('exact = "gazette menu bar"', "Gazette Menu Bar"),  # ignore_case defaults to true
        ('prefix = ["Promo:"]', "Promo: three mugs for the price of two today"),
        ('contains = "zorblax"', "Our zorblax partners bring you this message"),
        ("regex = '^Ticket \\d{2,4}$'", "Ticket 4711"),
    ],
)
def test_line_rule_drops_the_line(tmp_path, spec, line):
    body = f'[[line]]\ncode = "EX101"\nreason = "chrome"\n{spec}\n'
    check_rule(tmp_path, body, [P1, P2, line, P3, P4], "EX101", [line])


@pytest.mark.parametrize(
    ("spec", "line"),
    [
        ('exact = "Gazette Menu"', "Gazette Menu Bar"),  # exact is the whole line
        ('prefix = "Promo:"', "Not a Promo: line at all"),  # prefix is the line's start
        ("regex = '^Ticket \\d+$'", "Ticket 12 of 40"),
        ('exact = "Gazette Menu Bar"\nignore_case = false', "gazette menu bar"),
    ],
)
def test_line_rule_leaves_other_lines(tmp_path, spec, line):
    d = rules_dir(tmp_path, f'[[line]]\ncode = "EX101"\nreason = "chrome"\n{spec}\n')
    result = cleaner.clean(doc(P1, P2, line, P3, P4), rules=[d])
    assert result.site == "example.org"
    assert removed(result, "EX101") == []
    assert line in paragraphs(result.text)


def test_line_rule_with_forced_site_and_no_fingerprint(tmp_path):
    body = '[[line]]\ncode = "EX101"\nreason = "chrome"\nexact = "Gazette Menu Bar"\n'
    check_rule(
        tmp_path,
        body,
        [P1, P2, "Gazette Menu Bar", P3, P4],
        "EX101",
        ["Gazette Menu Bar"],
        fingerprint=False,
        site="example.org",
    )


def test_line_rule_with_url_and_no_fingerprint(tmp_path):
    body = '[[line]]\ncode = "EX101"\nreason = "chrome"\nexact = "Gazette Menu Bar"\n'
    result = check_rule(
        tmp_path,
        body,
        [P1, P2, "Gazette Menu Bar", P3, P4],
        "EX101",
        ["Gazette Menu Bar"],
        fingerprint=False,
        url="https://www.example.org/a/1",
    )
    assert result.url == "https://www.example.org/a/1"


def test_alias_domain_selects_the_site(tmp_path):
    site = SITE + 'aliases = ["gazette.example.net"]\n'
    d = rules_dir(
        tmp_path,
        '[[line]]\ncode = "EX101"\nreason = "chrome"\nexact = "Gazette Menu Bar"\n',
        site=site,
    )
    result = cleaner.clean(
        doc(P1, P2, "Gazette Menu Bar", P3, fingerprint=False),
        rules=[d],
        url="https://gazette.example.net/story",
    )
    assert removed(result, "EX101") == [(5, "Gazette Menu Bar")]


def test_no_fingerprint_no_site_rules(tmp_path):
    d = rules_dir(
        tmp_path, '[[line]]\ncode = "EX101"\nreason = "chrome"\nexact = "Gazette Menu Bar"\n'
    )
    result = cleaner.clean(doc(P1, P2, "Gazette Menu Bar", P3, fingerprint=False), rules=[d])
    assert result.site is None
    assert "Gazette Menu Bar" in paragraphs(result.text)


def test_min_fingerprints(tmp_path):
    site = SITE.replace(
        'fingerprints = ["Example Gazette Online"]',
        'fingerprints = ["Example Gazette Online", "Gazette Newsroom"]\nmin_fingerprints = 2',
    )
    d = rules_dir(
        tmp_path,
        '[[line]]\ncode = "EX101"\nreason = "chrome"\nexact = "Gazette Menu Bar"\n',
        site=site,
    )
    one = cleaner.clean(doc(P1, "Gazette Menu Bar", P2, P3), rules=[d])
    assert one.site is None
    assert removed(one, "EX101") == []
    two = cleaner.clean(doc(P1, "Gazette Menu Bar", P2, P3, "Gazette Newsroom"), rules=[d])
    assert two.site == "example.org"
    assert [t for _, t in removed(two, "EX101")] == ["Gazette Menu Bar"]


def test_span_rule_removes_only_the_matched_part(tmp_path):
    body = (
        '[[line]]\ncode = "EX102"\nreason = "inline tracker"\naction = "span"\n'
        "regex = '\\s*\\[tracking id \\d+\\]'\n"
    )
    d = rules_dir(tmp_path, body)
    line = P2.removesuffix(".") + " [tracking id 77] today."
    result = cleaner.clean(doc(P1, line, P3, P4), rules=[d])
    kept = paragraphs(result.text)
    assert P2.removesuffix(".") + " today." in kept
    assert not any("tracking" in p for p in kept)
    assert [t.strip() for _, t in removed(result, "EX102")] == ["[tracking id 77]"]
    assert [n for n, _ in removed(result, "EX102")] == [5]  # line number of the input line
    # Without the rule file the whole line is kept, tracker and all.
    assert line in paragraphs(cleaner.clean(doc(P1, line, P3, P4), site_rules=False).text)


def test_span_rule_with_contains_removes_every_occurrence(tmp_path):
    body = '[[line]]\ncode = "EX102"\nreason = "inline ad"\naction = "span"\ncontains = "(AD)"\n'
    d = rules_dir(tmp_path, body)
    line = "The council (AD) voted on the plan late on Monday night (AD) after a long debate."
    result = cleaner.clean(doc(P1, line, P3, P4), rules=[d])
    assert "The council voted on the plan late on Monday night after a long debate." in paragraphs(
        result.text
    )
    assert len(removed(result, "EX102")) == 2


def test_span_rule_matching_the_whole_line_drops_it(tmp_path):
    body = '[[line]]\ncode = "EX102"\nreason = "inline ad"\naction = "span"\nregex = "^\\\\[ad \\\\d+\\\\]$"\n'
    d = rules_dir(tmp_path, body)
    result = cleaner.clean(doc(P1, P2, "[ad 12]", P3, P4), rules=[d])
    assert "[ad 12]" not in result.text
    assert removed(result, "EX102") == [(7, "[ad 12]")]


BLOCK = """
[[block]]
code = "EX201"
reason = "sidebar"
start = { exact = "Sidebar start" }
end = { exact = "Sidebar end" }
max_lines = 4
"""

# Sidebar lines are sentences, so that without the rule the article finder keeps them.
S1 = "The weather today is mild with some showers in the afternoon."
S2 = "The sports results from the weekend are printed on page twelve."
S3 = "The crossword answers from yesterday are printed on page twenty."


def test_block_removed_from_start_to_end_marker(tmp_path):
    lines = [P1, P2, "Sidebar start", S1, S2, "Sidebar end", P3, P4]
    result = check_rule(tmp_path, BLOCK, lines, "EX201", ["Sidebar start", S1, S2, "Sidebar end"])
    assert paragraphs(result.text) == [P1, P2, P3, P4]


def test_block_not_removed_when_the_end_is_beyond_max_lines(tmp_path):
    d = rules_dir(tmp_path, BLOCK)
    lines = [P1, P2, "Sidebar start", S1, S2, S3, "Sidebar end", P3, P4]  # end is the 5th unit
    result = cleaner.clean(doc(*lines), rules=[d])
    assert result.site == "example.org"
    assert removed(result, "EX201") == []
    kept = paragraphs(result.text)
    for line in (S1, S2, S3):
        assert line in kept


def test_block_at_exactly_max_lines_is_removed(tmp_path):
    d = rules_dir(tmp_path, BLOCK.replace("max_lines = 4", "max_lines = 5"))
    lines = [P1, P2, "Sidebar start", S1, S2, S3, "Sidebar end", P3, P4]
    result = cleaner.clean(doc(*lines), rules=[d])
    assert [t for _, t in removed(result, "EX201")] == ["Sidebar start", S1, S2, S3, "Sidebar end"]


def test_block_without_end_marker_never_removed(tmp_path):
    d = rules_dir(tmp_path, BLOCK)
    lines = [P1, P2, "Sidebar start", S1, S2, P3, P4]
    result = cleaner.clean(doc(*lines), rules=[d])
    assert removed(result, "EX201") == []
    assert S1 in paragraphs(result.text)


def test_block_include_end_false_keeps_the_end_line(tmp_path):
    end = "The council will publish the full report on its website next week."
    d = rules_dir(
        tmp_path,
        BLOCK.replace('exact = "Sidebar end"', f'exact = "{end}"') + "include_end = false\n",
    )
    result = cleaner.clean(doc(P1, P2, "Sidebar start", S1, S2, end, P3, P4), rules=[d])
    assert [t for _, t in removed(result, "EX201")] == ["Sidebar start", S1, S2]
    assert end in paragraphs(result.text)


def test_block_without_end_spec_takes_max_lines(tmp_path):
    body = (
        '[[block]]\ncode = "EX201"\nreason = "sidebar"\nstart = { exact = "Sidebar start" }\n'
        "max_lines = 3\n"
    )
    lines = [P1, P2, "Sidebar start", S1, S2, P3, P4]
    check_rule(tmp_path, body, lines, "EX201", ["Sidebar start", S1, S2])


META = r"""
[[meta]]
code = "EX301"
reason = "credit line"
regex = '^Written by (?P<byline>[A-Z]\w+ [A-Z]\w+) on (?P<date>\d{4}-\d{2}-\d{2}) at (?P<url>https?://\S+)$'
"""


def test_meta_rule_fills_byline_date_and_url(tmp_path):
    line = "Written by Anna Smith on 2023-03-07 at https://example.org/a/1"
    result = check_rule(tmp_path, META, [P1, line, P2, P3, P4], "EX301", [line])
    assert result.byline == "Anna Smith"
    assert result.date == "2023-03-07"
    assert result.url == "https://example.org/a/1"
    plain = cleaner.clean(doc(P1, line, P2, P3, P4), site_rules=False)
    # Without the site rule the line is no EX301 line and gives no URL. (The header reader
    # reads the name under the sentence below the first line as a byline, as it reads any
    # byline under a dek: article._dek_over_header.)
    assert plain.url is None
    assert all(r.rule != "EX301" for r in plain.removed)


def test_meta_rule_with_drop_false_keeps_the_line(tmp_path):
    d = rules_dir(tmp_path, META + "drop = false\n")
    line = "Written by Anna Smith on 2023-03-07 at https://example.org/a/1"
    result = cleaner.clean(doc(P1, line, P2, P3, P4), rules=[d])
    assert result.byline == "Anna Smith"
    assert removed(result, "EX301") == []
    assert line in paragraphs(result.text)


def test_meta_rule_title(tmp_path):
    body = '[[meta]]\ncode = "EX302"\nreason = "kicker"\nregex = \'^Headline: (?P<title>.+)$\'\n'
    line = "Headline: Council approves new river embankment"
    result = check_rule(tmp_path, body, [line, P1, P2, P3, P4], "EX302", [line])
    assert result.title == "Council approves new river embankment"


ARTICLE = """
[article]
code = "EX401"
start_after = { exact = "Article begins" }
end_before = { exact = "Article ends" }
"""


def test_article_markers(tmp_path):
    before = "The editors recommend these other stories from our archive this week."
    after = "The editors also recommend these stories from our archive this month."
    lines = [before, "Article begins", P1, P2, P3, P4, "Article ends", after]
    result = check_rule(
        tmp_path, ARTICLE, lines, "EX401", [before, "Article begins", "Article ends", after]
    )
    assert paragraphs(result.text) == [P1, P2, P3, P4]


def test_article_marker_absent_removes_nothing(tmp_path):
    d = rules_dir(tmp_path, ARTICLE)
    lines = [P1, P2, P3, P4]
    result = cleaner.clean(doc(*lines), rules=[d])
    assert result.site == "example.org"
    assert removed(result, "EX401") == []
    assert paragraphs(result.text) == lines


def test_article_only_start_after(tmp_path):
    d = rules_dir(tmp_path, '[article]\ncode = "EX401"\nstart_after = { prefix = "Story:" }\n')
    result = cleaner.clean(doc("Story: flood", P1, P2, P3, P4), rules=[d])
    assert [t for _, t in removed(result, "EX401")] == ["Example Gazette Online", "Story: flood"]
    assert paragraphs(result.text) == [P1, P2, P3, P4]


def test_user_file_replaces_builtin_for_the_same_domain(tmp_path):
    d = tmp_path / "rules"
    d.mkdir()
    (d / "kyiv.toml").write_text(
        '[site]\ndomain = "kyivindependent.com"\n\n'
        '[[line]]\ncode = "KX101"\nreason = "user rule"\nexact = "Gazette Menu Bar"\n',
        encoding="utf-8",
    )
    text = doc(P1, "Ukraine Daily", P2, "Gazette Menu Bar", P3, fingerprint=False)
    builtin = cleaner.clean(text, site="kyivindependent.com")
    assert [t for _, t in removed(builtin, "KI104")] == ["Ukraine Daily"]
    user = cleaner.clean(text, site="kyivindependent.com", rules=[d], model=False)
    assert not any(r.rule.startswith("KI") for r in user.removed)
    assert [t for _, t in removed(user, "KX101")] == ["Gazette Menu Bar"]
    assert "Ukraine Daily" in paragraphs(user.text)
