"""What :func:`.sparql.inspect` read from a stored query, kept on disk between runs.

Reading a query with rdflib's SPARQL grammar takes a few tenths of a second, more than running
most stored queries; the stored queries change seldom. So the inspection of a stored query's text
is written, as JSON, into the user's cache folder (``$HERITAGE_GRAPH_CACHE``, else
``$XDG_CACHE_HOME/heritage-graph``, else ``~/.cache/heritage-graph``), under a key made of the
text, the version of rdflib and the code of :mod:`.sparql` itself: a changed query, parser or
reader is read anew. What is kept is only ever what the parser read; a cache that cannot be read or
written is passed over (the query is then read as if there were none). The SPARQL endpoint does not
use it: a query sent to it is read afresh.

>>> inspected("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s").modifiers
('ORDER BY',)
>>> inspected("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s").variables  # read from the cache
('s', 'p', 'o')
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from ..util.atomic import write_atomic
from . import sparql
from .sparql import Inspection, Service, inspect


def folder() -> Path:
    """Where the inspections are kept."""
    explicit = os.environ.get("HERITAGE_GRAPH_CACHE")
    if explicit:
        return Path(explicit)
    root = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(root) / "heritage-graph"


@lru_cache(maxsize=1)
def _reader_key() -> str:
    """The version of rdflib and the code that reads the queries: a change of either reads anew."""
    digest = hashlib.sha256(Path(sparql.__file__).read_bytes())
    digest.update(metadata.version("rdflib").encode("utf-8"))
    return digest.hexdigest()[:16]


def inspected(text: str) -> Inspection:
    """:func:`.sparql.inspect` of a stored query's ``text``, from the cache when it was read before.

    :raises QueryError: the text does not parse (that is never kept).
    """
    key = hashlib.sha256(text.encode("utf-8")).hexdigest()
    path = folder() / "sparql" / _reader_key() / f"{key}.json"
    try:
        return _from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError, KeyError):
        pass
    found = inspect(text)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(asdict(found)).encode("utf-8"))
    except OSError:
        pass
    return found


def _from_json(kept: dict) -> Inspection:
    fields = {name: tuple(value) if isinstance(value, list) else value for name, value in kept.items()}
    fields["services"] = tuple(Service(**service) for service in kept["services"])
    return Inspection(**fields)
