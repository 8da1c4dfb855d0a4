"""The server's answers that are not data: errors as one clear line (text or JSON by ``Accept``),
406 with what is offered, and the outer layer every request passes (CORS, ``nosniff``, the
Content Security Policy of the pages, and the limits on URL and header sizes, turned away before any route runs).
"""

from __future__ import annotations

import json
import logging
from typing import Mapping
from urllib.parse import quote

from starlette.responses import Response

from ..web import CONTENT_SECURITY_POLICY
from . import negotiation as neg

log = logging.getLogger("heritage_graph.serve")

#: Longest URL (path and query string, bytes) accepted; longer answers 414 (send long queries by POST).
MAX_URL_BYTES = 16_384
#: Largest request headers (all names and values, bytes) accepted; larger answers 431.
MAX_HEADER_BYTES = 65_536
#: The header that says a result was cut at the row cap (the name Virtuoso uses for the same).
TRUNCATED_HEADER = "X-SPARQL-MaxRows"
#: The header that says a result was cut at the byte cap; its value is the cap.
BYTES_HEADER = "X-SPARQL-MaxBytes"


class CORS:
    """Adds ``Access-Control-Allow-Origin: *`` to every answer and answers CORS preflights.

    The data is public and read-only, so any web page may query it (see enable-cors.org). It also
    turns away, before any route runs, a URL longer than :data:`MAX_URL_BYTES` (414) and request
    headers larger than :data:`MAX_HEADER_BYTES` (431), and marks every answer ``nosniff`` so that
    no browser takes a plain-text error for a page, and with the site's Content Security Policy
    (:data:`~heritage_graph.web.CONTENT_SECURITY_POLICY`: no script runs).
    """

    EXPOSE = f"Content-Location, Location, Link, Vary, {TRUNCATED_HEADER}, {BYTES_HEADER}"

    def __init__(self, app):
        self.app = app

    def __getattr__(self, name):  # app.state, app.routes … stay reachable
        return getattr(self.app, name)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        url_bytes = len(scope.get("raw_path") or scope["path"].encode("utf-8")) + len(scope.get("query_string") or b"")
        if url_bytes > MAX_URL_BYTES:
            return await _plain(send, 414, f"the URL is longer than {MAX_URL_BYTES} bytes; send a long query by "
                                           "POST (application/sparql-query)")
        if sum(len(k) + len(v) for k, v in scope.get("headers") or []) > MAX_HEADER_BYTES:
            return await _plain(send, 431, f"the request headers are larger than {MAX_HEADER_BYTES} bytes")
        headers = dict(scope.get("headers") or [])
        if scope["method"] == "OPTIONS" and b"access-control-request-method" in headers:
            await send({"type": "http.response.start", "status": 204, "headers": [
                (b"access-control-allow-origin", b"*"),
                (b"access-control-allow-methods", b"GET, HEAD, POST, OPTIONS"),
                (b"access-control-allow-headers", headers.get(b"access-control-request-headers", b"*")),
                (b"access-control-max-age", b"86400"),
            ]})
            await send({"type": "http.response.body", "body": b""})
            return

        async def send_with_cors(message):
            if message["type"] == "http.response.start":
                message = dict(message)
                message["headers"] = list(message.get("headers") or []) + [
                    (b"access-control-allow-origin", b"*"),
                    (b"access-control-expose-headers", self.EXPOSE.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
                ]
            await send(message)

        await self.app(scope, receive, send_with_cors)


async def _plain(send, status: int, message: str) -> None:
    """Answer ``status`` with one line of text, straight from the ASGI layer."""
    body = (message + "\n").encode("utf-8")
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
        (b"access-control-allow-origin", b"*"), (b"x-content-type-options", b"nosniff"), (b"connection", b"close"),
    ]})
    await send({"type": "http.response.body", "body": body})


def root(request) -> str:
    return request.scope.get("root_path", "").rstrip("/") + "/"


def error(request, status: int, message: str, headers: Mapping[str, str] | None = None, *, json_default: bool = False):
    """An error answer: one clear line, as text or JSON by ``Accept`` (never a traceback)."""
    offers = neg.MESSAGE_TYPES[::-1] if json_default else neg.MESSAGE_TYPES
    accept = request.headers.get("accept") if request is not None else None
    offer = neg.choose(accept, offers) or offers[0]
    if offer.media_type == "application/json":
        body = json.dumps({"status": status, "error": message}, ensure_ascii=False) + "\n"
    else:
        body = message.rstrip("\n") + "\n"
    media = offer.media_type + ("; charset=utf-8" if offer.media_type.startswith("text/") else "")
    return Response(body, status_code=status, media_type=media, headers=dict(headers or {}))


async def not_found(request, exc):
    detail = getattr(exc, "detail", None)
    message = detail if detail and detail != "Not Found" else f"nothing here: {request.url.path}"
    return error(request, 404, message, json_default=request.url.path.startswith("/api/"))


async def not_allowed(request, exc):
    return error(request, 405, f"{request.method} is not allowed on {request.url.path}",
                 json_default=request.url.path.startswith("/api/"))


async def internal_error(request, exc):
    log.error("internal error on %s %s", request.method, request.url.path, exc_info=exc)
    return error(request, 500, "internal error; the server's log has the details",
                 json_default=request.url.path.startswith("/api/"))


def not_acceptable(request, offers):
    return Response(neg.offered(offers), status_code=406, media_type="text/plain; charset=utf-8",
                    headers={"Vary": "Accept"})



def uri(text: str, *, iri: bool = False) -> str:
    r"""``text`` fit for a header: a path segment (or with ``iri``, an IRI, its delimiters kept) with
    every character a URI may not hold unescaped (controls, spaces, quotes, angle brackets,
    non-ASCII) percent-encoded as UTF-8.

    >>> uri("karlag")
    'karlag'
    >>> uri("a\r\nSet-Cookie: x")
    'a%0D%0ASet-Cookie:%20x'
    >>> uri("https://e/алматы?a=b#c", iri=True)
    'https://e/%D0%B0%D0%BB%D0%BC%D0%B0%D1%82%D1%8B?a=b#c'
    """
    return quote(text, safe=":/?#[]@!$&'()*+,;=-._~%" if iri else "!$&'()*+,;=:@-._~")


def media(offer: neg.Offer) -> str:
    text = offer.media_type.startswith("text/") or offer.media_type in ("application/n-triples", "application/n-quads")
    return offer.media_type + ("; charset=utf-8" if text else "")

