"""The chart of the home page: the share of each camp's prisoners that a people group was, as SVG.

Drawn from the answer of the ``prisoner-shares`` stored query by ``templates/chart.svg``; a release
also writes it as a file of its own (``charts/prisoner-shares.svg``).
"""

from __future__ import annotations

import math

import pyoxigraph as ox

from ..queries import catalogue as q
from .data import SiteData, site_data
from .formats import format_share
from .queries import query_result
from .templating import render
from .values import Page

#: The stored query the chart is drawn from (its page shows the chart too).
CHART_QUERY = "prisoner-shares"


def chart_data(result) -> dict:
    """The bars of the prisoner-shares chart from the ``prisoner-shares`` query's result."""
    index = {v: i for i, v in enumerate(result.variables)}

    def get(row, name):
        i = index.get(name)
        term = row[i] if i is not None else None
        return term.value if term is not None else None

    bars = []
    for row in result.rows:
        share, stated = get(row, "share"), get(row, "stated_share")
        bars.append({
            "camp": get(row, "camp_label") or get(row, "camp") or "?",
            "camp_iri": get(row, "camp"),
            "year": get(row, "year") or "",
            "group": get(row, "group_label") or get(row, "group") or "?",
            "share": float(share) if share is not None else None,
            "stated": float(stated) if stated is not None else None,
            "population": float(get(row, "population_share")) if get(row, "population_share") is not None else None,
            "kind": get(row, "share_kind") or "",
            "prisoners": get(row, "prisoners"),
            "group_count": get(row, "group_count"),
            "over": get(row, "overrepresentation"),
            "source": get(row, "source"),
        })
    return {"bars": bars}


def chart_svg(store, *, root: str = "/", base: str | None = None, data: SiteData | None = None,
              result=None, standalone: bool = False) -> str:
    """The chart of prisoner shares per camp, as SVG, from the ``prisoner-shares`` stored query.

    One bar per camp, year and group: the share computed from the counts, a mark at the share the
    source states, and a dashed line at the group's share of the population. Rows with no total
    count say so instead of drawing a bar. The chart names its sources under the bars.
    """
    if result is None:
        result, _error = query_result(store, q.find(CHART_QUERY))
    data = site_data(store, base, data)
    bars = chart_data(result)["bars"] if result is not None else []
    page = Page(data, root)
    top = max([0.05] + [b[k] for b in bars for k in ("share", "stated", "population") if b[k] is not None])
    top = min(1.0, math.ceil(top * 1.15 * 20) / 20)
    width, label_width, row_height, head = 760, 200, 34, 40
    plot = width - label_width - 200
    # what the chart is drawn from: each source once, in the order of the bars, named and linked
    sources = [{"label": data.label(ox.NamedNode(iri)), "href": page.href(iri)}
               for iri in dict.fromkeys(bar["source"] for bar in bars if bar["source"])]
    height = head + row_height * max(1, len(bars)) + 40 + 16 * len(sources)
    ticks = []
    step = 0.05 if top <= 0.3 else 0.1 if top <= 0.6 else 0.2
    value = 0.0
    while value <= top + 1e-9:
        ticks.append({"x": round(label_width + plot * value / top, 1), "label": format_share(f"{value:.4f}")})
        value += step
    rows = []
    for i, bar in enumerate(bars):
        y = head + i * row_height
        href = page.href(bar["camp_iri"]) if bar["camp_iri"] else None
        rows.append({
            **bar,
            "y": y,
            "href": href,
            "w": round(plot * bar["share"] / top, 1) if bar["share"] is not None else None,
            "sx": round(label_width + plot * bar["stated"] / top, 1) if bar["stated"] is not None else None,
            "px": round(label_width + plot * bar["population"] / top, 1) if bar["population"] is not None else None,
        })
        ends = [rows[-1][k] for k in ("sx", "px") if rows[-1][k] is not None]
        if rows[-1]["w"] is not None:
            ends.append(label_width + rows[-1]["w"])
        rows[-1]["tx"] = round(max(ends, default=label_width) + 6, 1)
    return render("chart.svg", width=width, height=height, label_width=label_width, plot=plot,
                           head=head, row_height=row_height, rows=rows, ticks=ticks, standalone=standalone,
                           bottom=head + row_height * max(1, len(bars)), sources=sources)


def query_chart(store, name: str, result, *, root: str = "/", base: str | None = None,
                data: SiteData | None = None) -> str | None:
    """The chart of the stored query ``name`` drawn from its ``result``, for its page; None for a
    query without a chart (every query but :data:`CHART_QUERY`) or without a result."""
    if name != CHART_QUERY or result is None:
        return None
    return chart_svg(store, root=root, base=base, data=data, result=result)
