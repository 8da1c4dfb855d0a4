"""The pages of the stored queries: the catalogue, and one page per query with its answer as a table.

A release runs each query once and shows its first :data:`RESULT_LIMIT` rows (the whole answer is
in the ``.csv`` and ``.json`` beside the page); a live server runs it with the parameters of the
request.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import pyoxigraph as ox
from markupsafe import Markup

from ..errors import HeritageGraphError
from ..queries import catalogue as q
from ..queries.run import run
from ..rdf.vocab import XSD
from .data import SiteData, site_data
from .templating import render
from .values import Page

#: How many rows of a query result a page shows (the whole result is in the .csv/.json beside it).
RESULT_LIMIT = 500


def is_federated(stored) -> bool:
    """Whether a stored query asks another endpoint (``SERVICE``): a release does not run those."""
    return bool(stored.services)


def query_result(store, stored, values: Mapping[str, str] | None = None, *, federated: bool = True):
    """Run a stored query; returns (result, error text). With ``federated=False`` a query that asks
    another endpoint (SERVICE) is not run, and the error text says so."""
    if not federated and is_federated(stored):
        return None, ("This query asks another SPARQL endpoint (SERVICE), so a static release does not run it; "
                      "run it with 'heritage-graph query " + stored.name + "'.")
    try:
        return run(stored, store, values or {}), None
    except HeritageGraphError as exc:
        return None, f"The query could not be run: {exc}"


#: The datatypes whose values a result table aligns as numbers.
NUMERIC_DATATYPES = (XSD + "integer", XSD + "decimal", XSD + "double")


@dataclass
class ResultShape:
    """What a result table says of a whole result when only its first rows are at hand (a build
    runs queries with hundreds of thousands of rows): how many rows, and which columns hold
    numbers only (:data:`NUMERIC_DATATYPES`, and at least one)."""

    total: int
    numeric: dict[str, bool]


def result_table(data: SiteData, result, root: str, limit: int = RESULT_LIMIT, shape: ResultShape | None = None) -> dict:
    """A query result as table rows of :class:`Value`; a column ``x`` with an ``x_label`` beside it
    shows the label as the link text, and the ``x_label`` column is left out. ``shape`` describes
    the whole result when ``result`` holds only its first rows."""
    page = Page(data, root)
    variables = list(result.variables)
    labelled = {v for v in variables if f"{v}_label" in variables}
    shown = [v for v in variables if not (v.endswith("_label") and v[: -len("_label")] in labelled)]
    index = {v: i for i, v in enumerate(variables)}
    rows = []
    for row in result.rows[:limit]:
        cells = []
        for v in shown:
            term = row[index[v]]
            if term is None:
                cells.append(None)
                continue
            cell = replace(page.value(term), badges=False)
            if v in labelled and isinstance(term, ox.NamedNode):
                label = row[index[f"{v}_label"]]
                if label is not None:
                    cell = replace(cell, text=label.value)
            cells.append(cell)
        rows.append(cells)
    if shape is not None:
        numeric = [shape.numeric.get(v, False) for v in shown]
        total = shape.total
    else:
        numeric = []
        for v in shown:
            column = [row[index[v]] for row in result.rows if row[index[v]] is not None]
            numeric.append(bool(column) and all(isinstance(t, ox.Literal) and t.datatype.value in NUMERIC_DATATYPES
                                                for t in column))
        total = len(result.rows)
    return {"columns": shown, "rows": rows, "numeric": numeric, "total": total, "more": max(0, total - limit)}


def render_queries(store=None, *, root: str = "/", base: str | None = None, folder: Path | None = None) -> str:
    """The catalogue of stored queries: each with its summary, tags and parameters."""
    queries = [
        {"name": s.name, "summary": s.summary, "tags": s.tags,
         "parameters": [p.name for p in s.parameters], "href": f"{root}queries/{s.name}.html"}
        for s in q.catalogue(folder).values()
    ]
    return render("queries.html", root=root, title="Stored queries", queries=queries)


def render_query(store, name: str, *, root: str = "/", base: str | None = None, values: Mapping[str, str] | None = None,
                 data: SiteData | None = None, folder: Path | None = None, downloads: bool = True,
                 result=None, error: str | None = None, shape: ResultShape | None = None,
                 chart: str | None = None) -> str | None:
    """One stored query: summary, description, parameters, SPARQL text and its current result.

    ``values`` are parameter values as text (as on the command line); without them the query
    runs with its defaults. Returns None for an unknown name. ``downloads`` links the result's
    ``.csv`` and ``.json`` files that a static release writes beside the page. A caller that has
    run the query already passes its ``result`` (or the ``error`` it gave), and the ``shape`` of
    the whole result if ``result`` holds only its first rows; ``chart`` the query's chart (SVG
    markup), where it has one. The page has a form for the parameters: it runs the query anew on a
    live server (``serve``), whose pages of stored queries take their parameters from the address.
    """
    stored = q.catalogue(folder).get(name)
    if stored is None:
        return None
    data = site_data(store, base, data)
    if result is None and error is None:
        result, error = query_result(store, stored, values)
    table = result_table(data, result, root, shape=shape) if result is not None and result.kind == "select" else None
    parameters = [
        {"name": p.name, "type": p.type, "optional": p.optional, "default": p.default, "description": p.description,
         "value": (values or {}).get(p.name)}
        for p in stored.parameters
    ]
    return render(
        "query.html",
        root=root,
        title=stored.name,
        query=stored,
        parameters=parameters,
        columns=stored.columns,
        table=table,
        error=error,
        downloads=downloads and table is not None,
        values=dict(values or {}),
        chart=Markup(chart) if chart else None,
    )
