"""The SPARQL 1.1 Protocol endpoint, for queries only, and its service description.

A query is read first (:mod:`.policy`: updates, SERVICE to hosts not allowed and ``file:`` graphs
are refused), then sent to the query workers (:mod:`.pool`); their answer becomes the response.
"""

from __future__ import annotations

import logging
import time
from urllib.parse import parse_qsl

import pyoxigraph as ox
from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse, Response

from . import negotiation as neg
from ..web.templating import render as render_template
from .config import config_of
from .policy import Refused, check_graphs, check_query
from .pool import PoolBusy
from .responses import TRUNCATED_HEADER, error, media, not_acceptable, root

log = logging.getLogger("heritage_graph.serve")

#: Largest SPARQL request body accepted (bytes).
MAX_QUERY_BYTES = 1_000_000
#: Seconds a query waits for a free worker (at least; the query timeout if longer) before the
#: server answers 503 busy: a burst of quick queries queues rather than fails.
WORKER_WAIT = 10


async def sparql(request):
    """The SPARQL 1.1 Protocol, for queries: GET ``?query=``, POST form or ``application/sparql-query``."""
    config = config_of(request)
    try:
        params = await sparql_params(request)
    except Refused as exc:
        return error(request, exc.status, exc.message)
    if params.get("update"):
        return error(request, 403, "this endpoint is read-only: SPARQL Update is refused")
    queries = params.get("query") or []
    if not queries:
        if request.method == "GET":
            return service_description(request)
        return error(request, 400, "no query: send query=… (form) or a body of type application/sparql-query")
    if len(queries) > 1:
        return error(request, 400, "send one query, not several")
    text = queries[0]
    if not text.strip():
        return error(request, 400, "no query: the query is empty")
    try:
        info = await run_in_threadpool(check_query, text, config.allow_service)
        check_graphs(params.get("default-graph-uri") or [], "default-graph-uri")
        check_graphs(params.get("named-graph-uri") or [], "named-graph-uri")
    except Refused as exc:
        return error(request, exc.status, exc.message)
    offers = neg.GRAPH_TYPES if info.form in ("CONSTRUCT", "DESCRIBE") else neg.RESULTS_TYPES
    wanted = (params.get("format") or params.get("output") or [None])[0]
    if wanted:
        offer = neg.by_name(wanted, offers)
        if offer is None:
            return error(request, 406, f"format {wanted!r} is not available for this query; available: "
                                       + ", ".join(o.suffix for o in offers))
    else:
        offer = neg.choose(request.headers.get("accept"), offers)
        if offer is None:
            return not_acceptable(request, offers)
    job = {"sparql": text, "format": offer.suffix, "max_rows": config.max_rows, "prefixes": config.prefixes,
           "default_graphs": params.get("default-graph-uri") or [], "named_graphs": params.get("named-graph-uri") or []}
    return await run_in_threadpool(run_job, request, job, offer)


def run_job(request, job: dict, offer: neg.Offer):
    """Send a job to the query workers and turn the answer into a response."""
    config = config_of(request)
    started = time.monotonic()
    try:
        answer = config.pool.run(job, config.query_timeout, wait=max(config.query_timeout, WORKER_WAIT))
    except PoolBusy:
        return error(request, 503, f"the server is busy: all {config.pool.size} query workers were taken for "
                                   f"{max(config.query_timeout, WORKER_WAIT):g} s; try again shortly",
                     {"Retry-After": "5"})
    if answer.get("status") == "died":
        log.warning("a query worker stopped after %.1f s: %s", time.monotonic() - started, job["sparql"][:200])
    return answer_response(request, answer, offer)


def answer_response(request, answer: dict, offer: neg.Offer):
    """A worker's answer (or one read from a listing) as a response."""
    config = config_of(request)
    status = answer.get("status")
    if status == "timeout":
        return error(request, 503, f"the query ran longer than {config.query_timeout:g} s and was stopped; "
                                   "narrow it down or add a LIMIT", {"Retry-After": "5"})
    if status == "died":
        return error(request, 503, answer.get("message") or "the query stopped its worker; most likely it "
                                                             "needed more memory than the server allows")
    if status != "ok":
        return error(request, int(answer.get("code", 500)), answer.get("message", "the query failed"))
    headers = {"Vary": "Accept"}
    if answer.get("truncated"):
        headers[TRUNCATED_HEADER] = str(config.max_rows)
    return Response(answer["body"], media_type=media(offer), headers=headers)


async def sparql_params(request) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {}
    for name, value in request.query_params.multi_items():
        params.setdefault(name, []).append(value)
    if request.method != "POST":
        return params
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_QUERY_BYTES:
        raise Refused(413, f"the request is larger than {MAX_QUERY_BYTES} bytes")
    body = await _body(request)
    if content_type == "application/sparql-update":
        raise Refused(403, "this endpoint is read-only: SPARQL Update is refused")
    if content_type == "application/x-www-form-urlencoded":
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise Refused(400, "the form is not UTF-8") from None
        for name, value in parse_qsl(text, keep_blank_values=True):
            params.setdefault(name, []).append(value)
    elif content_type == "application/sparql-query":
        try:
            params.setdefault("query", []).append(body.decode("utf-8"))
        except UnicodeDecodeError:
            raise Refused(400, "the query is not UTF-8") from None
    else:
        raise Refused(415, "send the query as application/x-www-form-urlencoded (query=…) or "
                           "application/sparql-query" + (f", not {content_type}" if content_type
                                                         else "; the request has no Content-Type"))
    return params


async def _body(request) -> bytes:
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_QUERY_BYTES:
            raise Refused(413, f"the request is larger than {MAX_QUERY_BYTES} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def service_description(request):
    """``GET /sparql`` without a query: a form (HTML), or a SPARQL Service Description (RDF)."""
    offers = (neg.RESOURCE_TYPES[0],) + neg.GRAPH_TYPES
    offer = neg.choose(request.headers.get("accept"), offers)
    if offer is None:
        return not_acceptable(request, offers)
    endpoint = str(request.url.replace(query=""))
    if offer.rdf_format is None:
        page = render_template("sparql.html", root=root(request), title="SPARQL endpoint",
                                    example="SELECT * WHERE { ?s ?p ?o } LIMIT 10")
        return HTMLResponse(page, headers={"Vary": "Accept"})
    sd = "http://www.w3.org/ns/sparql-service-description#"
    formats = "http://www.w3.org/ns/formats/"
    node = ox.BlankNode("service")
    triples = [
        ox.Triple(node, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(sd + "Service")),
        ox.Triple(node, ox.NamedNode(sd + "endpoint"), ox.NamedNode(endpoint)),
        ox.Triple(node, ox.NamedNode(sd + "supportedLanguage"), ox.NamedNode(sd + "SPARQL11Query")),
        ox.Triple(node, ox.NamedNode(sd + "feature"), ox.NamedNode(sd + "UnionDefaultGraph")),
    ]
    for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                 "Turtle", "JSON-LD", "N-Triples", "RDF_XML"):
        triples.append(ox.Triple(node, ox.NamedNode(sd + "resultFormat"), ox.NamedNode(formats + name)))
    body = ox.serialize(triples, format=offer.rdf_format, prefixes={"sd": sd})
    return Response(body, media_type=media(offer), headers={"Vary": "Accept"})


