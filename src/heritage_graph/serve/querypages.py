"""Live query pages: ``/queries/{name}.html?param=value``, a stored query's page run with the
parameters of the URL. Without parameters the page is the release's (:mod:`.static`).
"""

from __future__ import annotations

from starlette.responses import HTMLResponse, Response

from ..errors import QueryError
from ..queries import catalogue as q
from .. import web
from .api import stored_refused
from .config import config_of
from .responses import error, root, uri
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
    page = web.render_query(config.store, name, root=root(request), base=config.base, values=values,
                             data=config.site_data, downloads=False)
    if page is None:
        return error(request, 404, f"no stored query named {name!r}")
    return HTMLResponse(page)
