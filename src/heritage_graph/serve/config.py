"""What one server instance serves, and its limits: the store, the release folder, the query workers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..rdf.store import OxigraphStore
from ..rdf.vocab import DEFAULT_BASE, PREFIXES
from .pool import QueryPool


@dataclass
class Config:
    """What one server instance serves, and its limits."""

    store: OxigraphStore
    base: str
    pool: QueryPool
    query_timeout: float
    max_rows: int
    allow_service: tuple[str, ...]
    prefixes: dict[str, str]
    #: The release folder every other URL is answered from (:mod:`.static`), or None.
    release: Path | None = None
    #: The :class:`heritage_graph.web.site.SiteData` of the live query pages, made when first needed.
    site_data: object = None
    #: The listings of the paginated stored queries (:mod:`heritage_graph.queries.listing`), or None.
    listings: object = None
    #: The most bytes a query result may take (it is cut, or refused with 507, beyond), or None.
    max_bytes: int | None = None
    #: The index of the names the search answers from (:class:`heritage_graph.web.search.SearchIndex`).
    search: object = None
    #: The triples of the default graph, as the service description gives them (worked out once).
    dataset_triples: int | None = None


def config_of(request) -> Config:
    """The :class:`Config` of the application answering ``request``."""
    return request.app.state.config


def prefixes_for(base: str) -> dict[str, str]:
    """The Turtle prefixes, with the project's namespaces moved under ``base``.

    >>> prefixes_for("http://example.org/hg/")["hg"]
    'http://example.org/hg/ontology#'
    """
    return {name: (base + ns[len(DEFAULT_BASE):] if ns.startswith(DEFAULT_BASE) else ns)
            for name, ns in PREFIXES.items()}
