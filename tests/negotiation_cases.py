"""One table of ``Accept`` headers and what a negotiated address answers, for every host of a release.

``heritage-graph serve`` (its :func:`~heritage_graph.serve.negotiation.choose`, the reference), the
release's ``.htaccess`` on Apache and its ``nginx.conf`` on nginx must answer each the same: 303 to
the document with the suffix given, or 406 (``None``). A case nginx cannot answer as the others do
names what nginx answers instead and why (:data:`NGINX_DIFFERS`); no other host may differ.
"""

from __future__ import annotations

from typing import NamedTuple


class Case(NamedTuple):
    accept: str | None
    #: The suffix of the document ``/id/…`` redirects to, or None for 406.
    suffix: str | None
    why: str


CASES: list[Case] = [
    Case(None, "html", "no header accepts anything: the page"),
    Case("", "html", "an empty header counts as none"),
    Case("*/*", "html", "anything: the server's first choice"),
    Case("text/html", "html", "a page"),
    Case("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "html", "a browser"),
    Case("text/turtle", "ttl", "Turtle"),
    Case("application/ld+json", "jsonld", "JSON-LD"),
    Case("application/rdf+xml", "rdf", "RDF/XML"),
    Case("application/n-triples", "nt", "N-Triples"),
    Case("TEXT/Turtle", "ttl", "media types are case-insensitive"),
    Case("Application/LD+JSON; Q=0.5", "jsonld", "so are parameter names"),
    Case("text/turtle;q=0.1, text/html", "html", "the higher q wins, not the first named"),
    Case("text/turtle;q=0.9, application/ld+json", "jsonld", "q=1 beats q=0.9"),
    Case("text/html;q=0.1, application/n-triples;q=0.2", "nt", "the higher of two q below 1"),
    Case("text/turtle;q=0.5, application/ld+json;q=0.8", "jsonld", "the higher of two q below 1"),
    Case("application/json", "jsonld", "application/json is answered with JSON-LD, as serve does"),
    Case("application/x-turtle", "ttl", "an older name of Turtle"),
    Case("text/plain", "nt", "N-Triples is plain text"),
    Case("application/xml", "rdf", "RDF/XML is XML"),
    Case("application/json, text/turtle", "ttl", "a type's own name beats an alias at equal q"),
    Case("image/png", None, "nothing offered is acceptable: 406"),
    Case("text/html;q=0", None, "q=0 excludes, nothing else asked: 406"),
    Case("text/turtle;q=0, image/png", None, "q=0 excludes"),
    Case("text/*", "html", "the first text type offered"),
    Case("application/*", "jsonld", "the first application type offered"),
    Case("text/turtle;q=0.5, */*;q=0.1", "ttl", "a named type over the wildcard"),
    Case("text/turtle, */*", "html", "a tie at q=1 goes to the server's order"),
    Case("text/html;q=0, */*", "ttl", "q=0 on a type keeps the wildcard from reaching it"),
    Case("application/rdf+xml, text/rdf+n3;q=0.9, */*;q=0.1", "rdf", "an RDF client"),
    Case("nonsense", "html", "a header naming no media range counts as none"),
]

#: Why nginx answers some headers otherwise (it has no arithmetic on q-values without a scripting
#: module; docs/publish.md).
BELOW_ONE = "nginx cannot compare two q-values below 1; it takes the server's order among them"
NAMED_FIRST = "nginx takes a type named at q=1 before a wildcard at q=1, not the server's order among them"
NO_EXCLUSION = "nginx cannot exclude one type from a wildcard's reach (q=0 on it beside */*)"

#: Accept header → (what nginx answers at ``/id/…`` instead, why it cannot do as serve does).
NGINX_DIFFERS: dict[str, tuple[str | None, str]] = {
    "text/html;q=0.1, application/n-triples;q=0.2": ("html", BELOW_ONE),
    "text/turtle;q=0.5, application/ld+json;q=0.8": ("ttl", BELOW_ONE),
    "text/turtle, */*": ("ttl", NAMED_FIRST),
    "text/html;q=0, */*": ("html", NO_EXCLUSION),
}


def expected(case: Case, host: str) -> str | None:
    """The suffix (or None for 406) that ``host`` (``serve``, ``apache``, ``nginx``) must answer."""
    if host == "nginx" and case.accept in NGINX_DIFFERS:
        return NGINX_DIFFERS[case.accept][0]
    return case.suffix

#: (path, Accept header) → (what nginx answers at ``/ontology`` or ``/dataset`` instead, why).
NGINX_ROUTE_DIFFERS: dict[tuple[str, str], tuple[str | None, str]] = {
    ("/dataset", "text/turtle;q=0.5, application/ld+json;q=0.8"): ("ttl", BELOW_ONE),
    ("/ontology", "text/turtle, */*"): ("ttl", NAMED_FIRST),
    ("/ontology", "text/html;q=0, */*"): ("html", NO_EXCLUSION),
}
