"""The timeline page (heritage_graph.web.timeline): the answer of the stored query "timeline", year
by year, every row in the query's order, a register's events of one person's life counted, not listed."""

from __future__ import annotations

import json
import re

import pytest

from heritage_graph import generate
from heritage_graph.queries import catalogue as q
from heritage_graph.queries.results import render
from heritage_graph.rdf.load import load
from heritage_graph.util import resources
from heritage_graph.web.data import SiteData
from heritage_graph.web.queries import query_result
from heritage_graph.web.search import life_events
from heritage_graph.web.timeline import TIMELINE_QUERY, render_timeline


def answer_of(store):
    result, error = query_result(store, q.catalogue()[TIMELINE_QUERY], federated=False)
    assert error is None
    return result, json.loads(render(result, "json"))


def listed(html: str) -> list[tuple[str, str]]:
    """(year heading, page linked) for each entry of the page, in order."""
    out, year = [], None
    for heading, href in re.findall(r'<h2 id="([^"]+)">|<li><a href="\.\./doc/([^"]+)"', html):
        if heading:
            year = heading
        else:
            out.append((year, href))
    return out


def test_every_row_of_the_answer_is_under_its_year_in_the_querys_order():
    store = load(None).store
    result, answer = answer_of(store)
    html = render_timeline(SiteData(store), answer, root="../")
    names = result.variables
    expected = []
    for row in result.rows:
        values = dict(zip(names, row))
        year = values["year"]
        slug = values["item"].value.split("/id/", 1)[1]
        expected.append(("y" + str(int(year.value)) if year is not None else "undated", slug + ".html"))
    assert listed(html) == expected and len(expected) > 10
    years = [int(y[1:]) for y, _ in expected if y != "undated"]
    assert years == sorted(years)
    assert "undated" in {y for y, _ in expected}  # the sources give no year for some
    assert "when: “after the communist revolution” · after communist revolution" in html  # the source's words
    assert "events of persons' lives" not in html  # the bundled data has no register


def test_a_registers_life_events_are_counted_not_listed(tmp_path):
    register = tmp_path / "register.nt"
    generate.generate(40, 3, 0.0, register, show_progress=False)
    store = load([resources.folder("data"), register]).store
    data = SiteData(store)
    _, answer = answer_of(store)
    html = render_timeline(data, answer, root="../")
    lives = life_events(data)
    assert len(lives) >= 80  # an imprisonment and a release or a death per person
    assert f"Not listed here: {len(lives)} events of persons' lives" in html
    assert "synthetic-" not in html
    bundled = render_timeline(SiteData(load(None).store), answer_of(load(None).store)[1], root="../")
    assert listed(html) == listed(bundled)  # the history itself is as without the register
