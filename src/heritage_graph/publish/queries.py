"""The stored queries in a release: the catalogue page and, per query, its page with the current
answer, the answer as CSV and SPARQL JSON, the chart of the home page, and the timeline page (the
answer of the query ``timeline``, year by year)."""

from __future__ import annotations

import copy
import json

import pyoxigraph as ox

from ..queries import catalogue as q
from ..queries.results import render
from ..rdf.store import OxigraphStore
from .. import web
from .release import Release


class KeptResults:
    """Stands for the pyoxigraph store when the build runs its stored queries.

    Each SELECT's solutions are serialized by Oxigraph as SPARQL JSON and kept (``last``), for
    the answer files. A result longer than ``limit`` rows (a register's names: hundreds of
    thousands) is handed on with its first ``limit`` rows only, which is what its page shows;
    ``shape`` then says how many rows it has and which columns hold numbers only.
    """

    def __init__(self, store: ox.Store, limit: int):
        self.store = store
        self.limit = limit
        self.last: bytes | None = None
        #: ``last``, decoded.
        self.decoded: dict | None = None
        self.shape: web.ResultShape | None = None

    def query(self, sparql: str, **options):
        self.last = self.shape = self.decoded = None
        result = self.store.query(sparql, **options)
        if not isinstance(result, ox.QuerySolutions):
            return result
        self.last = result.serialize(format=ox.QueryResultsFormat.JSON)
        self.decoded = answer = json.loads(self.last)
        bindings = answer["results"]["bindings"]
        if len(bindings) > self.limit:
            self.shape = result_shape(answer["head"]["vars"], bindings)
            first = {"head": answer["head"], "results": {"bindings": bindings[: self.limit]}}
            return ox.parse_query_results(json.dumps(first).encode("utf-8"), format=ox.QueryResultsFormat.JSON)
        return ox.parse_query_results(self.last, format=ox.QueryResultsFormat.JSON)

    def __getattr__(self, name):
        return getattr(self.store, name)


def result_shape(variables: list[str], bindings: list[dict]) -> web.ResultShape:
    """How many solutions there are (SPARQL JSON ``bindings``), and which variables are numbers in
    all of them (and bound in one at least)."""
    numbers = {}
    for name in variables:
        values = [b[name] for b in bindings if name in b]
        numbers[name] = bool(values) and all(v.get("type") == "literal" and v.get("datatype") in web.NUMERIC_DATATYPES
                                             for v in values)
    return web.ResultShape(len(bindings), numbers)


def write_queries(ctx: Release) -> None:
    """queries/index.html and, per stored query, its page and its answer as CSV and JSON."""
    ctx.write("queries/index.html", web.render_queries(ctx.store, root="../"))
    store, kept = ctx.store, None
    if isinstance(store, OxigraphStore):
        store = copy.copy(store)
        store.ox = kept = KeptResults(ctx.store.ox, web.RESULT_LIMIT)
    catalogue = q.catalogue()
    for i, (name, stored) in enumerate(catalogue.items()):
        ctx.progress("query pages", i, len(catalogue))
        if kept is not None:
            kept.last = kept.shape = kept.decoded = None
        # the chart draws every row of its query: that one is read whole
        run_on = ctx.store if name == web.CHART_QUERY else store
        result, error = web.query_result(run_on, stored, federated=False)
        answer = kept.last if kept is not None and run_on is store else None
        shape = kept.shape if answer is not None else None
        if error and not web.is_federated(stored):
            ctx.warnings.append(f"stored query {name}: {error}")
        if result is not None and result.kind == "select":
            if answer is not None:  # Oxigraph's own W3C writers
                ctx.write(f"queries/{name}.csv", ox.parse_query_results(answer, format=ox.QueryResultsFormat.JSON)
                          .serialize(format=ox.QueryResultsFormat.CSV))
                ctx.write(f"queries/{name}.json", answer)
            else:
                ctx.write(f"queries/{name}.csv", render(result, "csv"))
                ctx.write(f"queries/{name}.json", render(result, "json"))
        if name == web.TIMELINE_QUERY and result is not None and result.kind == "select":
            # the timeline page reads the whole answer, as queries/timeline.json holds it
            decoded = kept.decoded if answer is not None else json.loads(render(result, "json"))
            ctx.write("timeline/index.html", web.render_timeline(ctx.data, decoded, root="../"))
        chart = web.query_chart(ctx.store, name, result, root="../", data=ctx.data)
        html = web.render_query(ctx.store, name, root="../", data=ctx.data, result=result, error=error, shape=shape,
                                chart=chart)
        ctx.write(f"queries/{name}.html", html)
        if chart is not None:  # the chart's own file, and the home page's
            ctx.write("charts/prisoner-shares.svg",
                      web.chart_svg(ctx.store, root="../", data=ctx.data, result=result, standalone=True))
            ctx.chart = web.chart_svg(ctx.store, root="", data=ctx.data, result=result)
    ctx.progress("query pages", len(catalogue), len(catalogue))
