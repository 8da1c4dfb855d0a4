"""Live query pages: ``/queries/{name}.html?param=value``, a stored query's page run with the
parameters of the URL by the query workers (:mod:`.job`), within the query timeout and the caps.
Without parameters the page is the release's (:mod:`.static`).
"""

from __future__ import annotations

from starlette.responses import HTMLResponse, Response

from ..errors import QueryError
from ..queries import catalogue as q
from .. import web
from ..rdf.store import parse_json_results
from .api import stored_refused
from .config import config_of
from .responses import error, root, uri
from .sparql import answer_response, ask_workers
from .static import answer_path, see_other


def query_page(request) -> Response:
    """``/queries/{name}.html``: the release's page; with parameters, the page run live with them.

    ``/queries/{name}`` (an address of earlier servers) is the same page: run live with
    parameters, else ``303`` to the release's ``.html``."""
    given = request.path_params["name"]
    name = given.removesuffix(".html")
    if not request.query_params:
        if given.endswith(".html") or "." in given:
            return answer_path(request, f"queries/{given}")
        try:
            q.find(name)
        except QueryError as exc:
            return error(request, 404, str(exc))
        return see_other(request, f"queries/{uri(name)}.html", vary=False)
    config = config_of(request)
    try:
        stored = q.find(name)
    except QueryError as exc:
        return error(request, 404, str(exc))
    refused = stored_refused(stored, config)
    if refused is not None:
        return error(request, refused.status, refused.message)
    if config.site_data is None:
        config.site_data = web.SiteData(config.store, base=config.base)
    values = {k: v for k, v in request.query_params.items() if v != ""}
    # The query runs in a worker (its parameters bound there too), within the timeout and the caps;
    # the page shows its rows, whose labels are looked up one by one.
    answer = ask_workers(config, {"stored": stored, "values": values, "format": "json",
                                  "max_rows": config.max_rows, "max_bytes": config.max_bytes})
    result, problem = None, None
    if answer.get("status") == "ok":
        result = parse_json_results(answer["body"], "the query worker")
    elif answer.get("status") == "error" and answer.get("code") == 400:
        problem = f"The query could not be run: {answer['message']}"
    else:
        return answer_response(request, answer)
    chart = web.query_chart(config.store, name, result, root=root(request), base=config.base, data=config.site_data)
    page = web.render_query(config.store, name, root=root(request), base=config.base, values=values,
                             data=config.site_data, downloads=False, result=result, error=problem, chart=chart)
    if page is None:
        return error(request, 404, f"no stored query named {name!r}")
    return HTMLResponse(page)
