"""cleaner.core.route: which reading of an HTML page is kept, and why."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest

from cleaner import clean
from cleaner.core import route


def _result(text: str) -> SimpleNamespace:
    return SimpleNamespace(text=text, route=None, kept=[], removed=[])


def _page(blocks: list[tuple[str, float]], kinds: frozenset[str] = frozenset()):
    return SimpleNamespace(
        blocks=[SimpleNamespace(text=t, extracted=e) for t, e in blocks], kinds=kinds
    )


def _router(**weights: float) -> dict:
    n = len(route.FEATURES)
    coef = [weights.get(f, 0.0) for f in route.FEATURES]
    return {"mean": [0.0] * n, "scale": [1.0] * n, "coef": coef, "intercept": 0.0, "cut": 0.5}


def test_features_compare_the_two_readings():
    extractor = _result("One two three four.")
    blocks = _result("One two three four. Five six seven eight.")
    page = _page([("One two three four.", 1.0), ("Five six seven eight.", 0.0)], frozenset())
    x = dict(zip(route.FEATURES, route.features(extractor, blocks, page), strict=True))
    assert x["blocks_over_extractor"] == pytest.approx(math.log(9 / 5))
    assert x["extractor_kept"] == 1.0  # every word of the extractor's text is in the blocks
    assert x["blocks_in_extractor"] == pytest.approx(0.5)
    assert x["page_extracted"] == pytest.approx(0.5)
    assert x["ld_article"] == 0.0


def test_features_read_the_markup_types():
    page = _page([("Text here.", 1.0)], frozenset({"newsarticle", "product", "qapage"}))
    x = dict(zip(route.FEATURES, route.features(_result("a"), _result("a"), page), strict=True))
    assert (x["ld_article"], x["ld_product"], x["ld_discussion"], x["ld_list"]) == (1, 1, 1, 0)
    page = _page([("Text here.", 1.0)], frozenset({"og:website", "itemlist"}))
    x = dict(zip(route.FEATURES, route.features(_result("a"), _result("a"), page), strict=True))
    assert (x["ld_article"], x["ld_list"]) == (0, 1)


def test_the_router_keeps_the_blocks_when_they_hold_more():
    reply = ("Reply text. " * 40).strip()
    extractor, blocks = _result("A teaser."), _result("A teaser.\n\n" + reply)
    page = _page([("A teaser.", 1.0), (reply, 0.0)])
    chosen = route.choose(extractor, blocks, page, _router(blocks_over_extractor=2.0))
    assert chosen is blocks
    assert chosen.route.startswith("K503 ")
    assert "blocks_over_extractor=" in chosen.route  # the feature that decided is named
    # What the extractor left out and the blocks kept is reported as kept, by K503.
    assert [(k.rule, k.text) for k in chosen.kept] == [("K503", reply)]


def test_the_router_keeps_the_extractor_when_it_says_so():
    extractor, blocks = _result("The article."), _result("The article. Sidebar prose here.")
    page = _page([("The article.", 1.0), ("Sidebar prose here.", 0.0)])
    chosen = route.choose(extractor, blocks, page, _router(blocks_over_extractor=-2.0))
    assert chosen is extractor
    assert chosen.route.startswith("G503 ")
    # What the extractor left out is reported as removed, by G503, at line 0.
    assert [(r.rule, r.line, r.text) for r in chosen.removed] == [
        ("G503", 0, "Sidebar prose here.")
    ]
    p, parts = route.probability(route.features(extractor, blocks, page), _router())
    assert p == 0.5 and not np.any(parts)


def test_clean_names_the_route_on_html_only():
    page = (
        "<html><head><title>Ferry terminal</title></head><body><nav><a href='/'>Home</a></nav>"
        "<article><h1>Ferry terminal</h1>"
        + "<p>The harbour board approved the new ferry terminal on Tuesday after a long debate "
        "about its cost and the traffic it will bring to the old town.</p>" * 3
        + "</article></body></html>"
    )
    routed = clean(page, name="page.html", html="routed")
    assert routed.route is not None and routed.route.split()[0] in ("G503", "K503")
    assert "harbour board approved" in routed.text
    assert clean(page, name="page.html", html="extractor").route is None
    assert clean("Just a line of text.", name="a.txt").route is None


def test_the_command_reads_html_as_asked(tmp_path):
    import json

    from typer.testing import CliRunner

    from cleaner.run.cli import app

    page = "fixtures/generic/html-route-blocks/input.html"
    runner = CliRunner()
    out = tmp_path / "routed.json"
    result = runner.invoke(app, ["--html", "routed", page, str(out)])
    assert result.exit_code == 0, result.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["route"].startswith("K503 ")
    out = tmp_path / "default.json"
    result = runner.invoke(app, [page, str(out)])
    assert result.exit_code == 0, result.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["route"].startswith("K503 ")  # routed
    out = tmp_path / "extractor.json"
    result = runner.invoke(app, ["--html", "extractor", page, str(out)])
    assert result.exit_code == 0, result.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["route"] is None  # no router
    result = runner.invoke(app, ["--html", "both", page, str(tmp_path / "x.txt")])
    assert result.exit_code == 2
