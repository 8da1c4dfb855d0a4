"""``/search?q=…``: the names of the graph searched live, as a page or as JSON.

The index (:class:`heritage_graph.web.search.SearchIndex`) is built once, when the application is
made, from the store the pages are made from; a search is a few lookups in memory. The route is a
plain function: Starlette runs it on its thread pool, never on the event loop. The query is at
most :data:`~heritage_graph.web.search.MAX_QUERY` characters, the results at most
:data:`~heritage_graph.web.search.MAX_RESULTS` (``limit``, default
:data:`~heritage_graph.web.search.DEFAULT_RESULTS`). JSON is given for ``format=json`` or an
``Accept`` that prefers ``application/json`` to ``text/html``.
"""

from __future__ import annotations

import json

from starlette.responses import HTMLResponse, Response

from ..web import search, templating
from . import negotiation as neg
from .config import config_of
from .responses import error, not_acceptable, root

#: What ``/search`` answers with: a page first, then JSON.
SEARCH_TYPES = (neg.RESOURCE_TYPES[0], neg.Offer("application/json", "json"))


def search_page(request) -> Response:
    """``/search`` and ``/search.html``: the resources whose names match ``q``, best first."""
    params = request.query_params
    wanted = params.get("format")
    offer = neg.by_name(wanted, SEARCH_TYPES) if wanted else neg.choose(request.headers.get("accept"), SEARCH_TYPES)
    if offer is None and wanted:
        return error(request, 400, f"search answers as html or json, not {wanted!r}")
    if offer is None:
        return not_acceptable(request, SEARCH_TYPES)
    as_json = offer.media_type == "application/json"
    query = params.get("q", "")
    try:
        limit = int(params.get("limit", search.DEFAULT_RESULTS))
    except ValueError:
        return error(request, 400, f"limit must be a whole number, not {params.get('limit')!r}", json_default=as_json)
    if not 1 <= limit <= search.MAX_RESULTS:
        return error(request, 400, f"limit must be from 1 to {search.MAX_RESULTS}, not {limit}", json_default=as_json)
    if len(query) > search.MAX_QUERY:
        return error(request, 400, f"the query is longer than {search.MAX_QUERY} characters", json_default=as_json)
    hits = config_of(request).search.search(query, limit)
    headers = {"Vary": "Accept"}
    if as_json:
        body = {"query": query, "key": search.search_key(query), "limit": limit,
                "results": [hit.as_json() for hit in hits]}
        return Response(json.dumps(body, ensure_ascii=False) + "\n", media_type="application/json", headers=headers)
    page = templating.render("search.html", root=root(request), title=f"Search: {query}" if query else "Search",
                             static=False, query=query, hits=hits, limit=limit, problem=None)
    return HTMLResponse(page, headers=headers)
