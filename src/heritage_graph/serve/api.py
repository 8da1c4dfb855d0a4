"""The stored queries as a web API: ``/api/queries`` lists them, ``/api/queries/{name}`` runs one with
its parameters bound as RDF terms, a page at a time for a paginated query.
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.responses import JSONResponse

from . import negotiation as neg
from ..errors import QueryError
from ..queries import catalogue as q
from ..queries import run as qrun
from .config import Config, config_of
from .policy import Refused, check_query
from .responses import TRUNCATED_HEADER, error, not_acceptable, root
from .results import serialize_result
from .description import limits_iri
from .sparql import answer_response, ask_workers


API_FORMATS = neg.RESULTS_TYPES


def api_list(request):
    """``/api/queries``: every stored query with its parameters, columns and URL."""
    here = root(request)
    listing = []
    for name, stored in q.catalogue().items():
        listing.append({
            "name": name, "summary": stored.summary, "description": stored.description, "tags": stored.tags,
            "url": f"{here}api/queries/{name}",
            "parameters": [{"name": p.name, "type": p.type, "required": required(p), "default": p.default,
                            "description": p.description} for p in stored.parameters],
            "columns": stored.columns,
            "pagination": stored.pagination,
        })
    return JSONResponse({"queries": listing})


def required(p) -> bool:
    return not p.optional and p.default is None


def api_query(request):
    """``/api/queries/{name}?param=value&format=json|xml|csv|tsv``: one stored query's rows.

    A paginated query (``#+ pagination: N``) answers one page of N rows, ``page=1`` unless asked
    otherwise, with a ``Link`` header to the first, previous and next pages, as grlc does.
    """
    config = config_of(request)
    name = request.path_params["name"]
    try:
        stored = q.find(name)
    except QueryError as exc:
        return error(request, 404, str(exc), json_default=True)
    refused = stored_refused(stored, config)
    if refused is not None:
        return error(request, refused.status, refused.message, json_default=True)
    values = {}
    for key, value in request.query_params.multi_items():
        if key == "format" or (key == "page" and stored.pagination):
            continue
        if key in values:
            return error(request, 400, f"parameter {key} is given twice", json_default=True)
        values[key] = value
    page = None
    if stored.pagination:
        pages = request.query_params.getlist("page")
        if len(pages) > 1:
            return error(request, 400, "parameter page is given twice", json_default=True)
        try:
            page = qrun.check_page(pages[0]) if pages else 1
        except QueryError as exc:
            return error(request, 400, str(exc), json_default=True)
    wanted = request.query_params.get("format")
    if wanted:
        offer = neg.by_name(wanted, API_FORMATS)
        if offer is None:
            return error(request, 400, f"format {wanted!r} is not available; available: "
                                       + ", ".join(o.suffix for o in API_FORMATS), json_default=True)
    else:
        offer = neg.choose(request.headers.get("accept"), API_FORMATS)
        if offer is None:
            return not_acceptable(request, API_FORMATS)
    try:
        for key in values:
            stored.parameter(key)
    except QueryError as exc:
        return error(request, 400, str(exc), json_default=True)
    # The parameters are bound (a label looked up in the data) and the query run in a worker.
    job = {"stored": stored, "values": values, "format": offer.suffix, "max_rows": config.max_rows,
           "max_bytes": config.max_bytes, "limits": limits_iri(config.base)}
    if page is None:
        return api_answer(request, job)
    size = stored.pagination
    listed = config.listings.page(stored, page) if not bound(stored, values) and config.listings else None
    if listed is not None:
        # Read from the store's listing, and cut as a worker cuts a page (below).
        rows, cap = listed.result.rows, min(size, config.max_rows)
        truncated = len(rows) > cap or listed.has_next
        listed.result.rows = rows[:cap]
        response = answer_response(request, {
            "status": "ok", "body": serialize_result(listed.result, offer.suffix), "truncated": truncated,
            "format": offer.suffix, "kind": listed.result.kind})
    else:
        # One row more than the page holds: the worker stops at the page and says whether it was cut.
        response = api_answer(request, dict(job, page=page, max_rows=min(size, config.max_rows)))
    if response.status_code != 200:
        return response
    links = [(1, "first")] + ([(page - 1, "prev")] if page > 1 else [])
    if TRUNCATED_HEADER in response.headers and size <= config.max_rows:
        del response.headers[TRUNCATED_HEADER]  # cut at the page, not at the server's row cap
        links.append((page + 1, "next"))
    others = [(k, v) for k, v in request.query_params.multi_items() if k != "page"]
    response.headers["Link"] = ", ".join(
        f'<{root(request)}api/queries/{name}?{urlencode(others + [("page", n)])}>; rel="{rel}"' for n, rel in links)
    return response


def api_answer(request, job: dict):
    """A stored query's job run by the workers, its errors in JSON as the API answers them."""
    answer = ask_workers(config_of(request), job)
    if answer.get("status") == "error" and answer.get("code") == 400:
        return error(request, 400, answer["message"], json_default=True)
    return answer_response(request, answer)


def bound(stored, values) -> bool:
    """Whether a stored query runs with any parameter bound (given, or a default)."""
    return any(values.get(p.name, p.default) is not None for p in stored.parameters)


def stored_refused(stored, config: Config) -> Refused | None:
    """Why the server does not run a stored query (one that calls a SERVICE it was not told to
    allow: the server makes no request of its own unless started with ``--allow-service``), or None."""
    try:
        check_query(stored.text, config.allow_service)
    except Refused as exc:
        return Refused(exc.status, f"the stored query {stored.name} is not run here: {exc.message}")
    return None

