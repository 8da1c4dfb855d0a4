"""The timeline page: what happened, year by year, from the answer of the stored query ``timeline``.

The page reads the query's answer (SPARQL JSON, as the release writes it to
``queries/timeline.json``, decoded): the events in time order and the memorials in the years they were
built, then the events the sources give no year for, in the order the query gives them (after
the events they followed), with the sources' own words for when. Nothing is ordered or dated
here that the query does not order or date. A register's events of one person's life (an arrest,
an imprisonment, a release, a death: :func:`heritage_graph.web.search.life_events`) are not
listed one by one, which would bury the history under tens of thousands of rows: the page says
how many there are, and each is on its person's page.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from .data import SiteData
from .search import life_events
from .templating import render
from .values import Page, Value

#: The stored query the page reads.
TIMELINE_QUERY = "timeline"


@dataclass
class Entry:
    """One row of the timeline: the event or memorial, and what the query says of it."""

    link: Value
    kind: str
    type: str
    end_year: int | None
    place: str
    who: list[tuple[str, str]]
    time_description: str
    after: str


def _text(binding: dict, name: str) -> str:
    value = binding.get(name)
    return value["value"] if value else ""


def _year(binding: dict, name: str) -> int | None:
    text = _text(binding, name)
    try:
        return int(float(text)) if text else None
    except ValueError:
        return None


def timeline_context(data: SiteData, answer: dict, root: str) -> dict:
    """What ``timeline.html`` shows of the answer of the stored query (SPARQL JSON, decoded)."""
    bindings = answer["results"]["bindings"]
    page = Page(data, root)
    skipped = life_events(data)
    years: dict[int, list[Entry]] = {}
    undated: list[Entry] = []
    left_out = 0
    for binding in bindings:
        item = binding.get("item")
        if not item or item.get("type") != "uri":
            continue
        node = ox.NamedNode(item["value"])
        if node in skipped:
            left_out += 1
            continue
        who = [(role, _text(binding, name)) for role, name in (
            ("carried out by", "perpetrators"), ("victims", "victims"), ("with", "participants"),
            ("commemorates", "commemorates"), ("funded by", "funded_by")) if _text(binding, name)]
        entry = Entry(link=page.value(node), kind=_text(binding, "kind"), type=_text(binding, "type"),
                      end_year=_year(binding, "end_year"), place=_text(binding, "place"), who=who,
                      time_description=_text(binding, "time_description"), after=_text(binding, "after"))
        year = _year(binding, "year")
        if year is None:
            undated.append(entry)
        else:
            years.setdefault(year, []).append(entry)
    return {"root": root, "title": "Timeline", "years": list(years.items()), "undated": undated,
            "left_out": left_out, "query": TIMELINE_QUERY}


def render_timeline(data: SiteData, answer: dict, *, root: str = "/") -> str:
    """The timeline page of the answer of the stored query ``timeline`` (SPARQL JSON, decoded)."""
    return render("timeline.html", **timeline_context(data, answer, root))
