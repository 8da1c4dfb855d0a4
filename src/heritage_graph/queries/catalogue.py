"""Stored SPARQL queries: the catalogue of ``.rq`` files in ``queries/`` and their ``#+`` headers.

Each query is one ``.rq`` file whose first lines are a metadata header in grlc's ``#+`` syntax::

    #+ summary: Prisoner shares per camp and year
    #+ description: >
    #+   For each camp and year, ...
    #+ tags:
    #+   - camps
    #+ defaults:
    #+   - group: Lithuanians
    #+ params:
    #+   group: the people group whose share is computed
    #+ columns:
    #+   camp: the camp

Parameters follow grlc's naming convention: ``?_group_iri`` is a required IRI parameter named
``group``; ``?__group_iri`` (two underscores) an optional one; the suffix gives the type (``iri``,
``integer``, ``decimal``, ``date``, ``boolean``, ``string`` or none for a plain string), read from
the variables of the parsed query (:mod:`.sparql`). Values are bound by :mod:`.params`; queries are
run by :mod:`.run`. A query whose answer grows with the data says so with grlc's
``#+ pagination: N``, and is checked here to be a SELECT with an outer ``ORDER BY`` and no
``LIMIT``, ``OFFSET`` or trailing ``VALUES`` of its own.

>>> catalogue()["prisoner-shares"].summary != ""
True
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
import pyoxigraph as ox
import yaml

from ..errors import QueryError
from ..rdf.vocab import DCTERMS, DEFAULT_BASE, RDFS, SH, XSD
from ..util import resources
from .memo import inspected
from .sparql import Inspection

#: Header keys grlc reads, and the two this project adds (``params`` and ``columns``).
GRLC_KEYS = {"summary", "description", "tags", "defaults", "enumerate", "endpoint", "method",
             "pagination", "transform", "endpoint_in_url"}
KEYS = GRLC_KEYS | {"params", "columns"}

TYPES = {
    "iri": None,
    "integer": XSD + "integer",
    "decimal": XSD + "decimal",
    "date": XSD + "date",
    "boolean": XSD + "boolean",
    "string": XSD + "string",
}

#: A parameter's variable name: ``_name`` (required) or ``__name`` (optional), then the type.
_PARAM = re.compile(r"(__?)([A-Za-z][A-Za-z0-9]*)(?:_(iri|integer|decimal|date|boolean|string))?")


@dataclass(frozen=True)
class Parameter:
    """A query parameter, as the variable's name declares it."""

    name: str
    variable: str
    type: str
    optional: bool
    default: str | None = None
    description: str = ""


@dataclass
class StoredQuery:
    """One ``.rq`` file: its SPARQL text and the metadata of its header."""

    name: str
    path: Path
    text: str
    summary: str
    description: str = ""
    tags: list[str] = field(default_factory=list)
    parameters: list[Parameter] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)
    endpoint: str | None = None
    #: Rows a page (grlc's ``pagination``), or None when the query answers in one piece.
    pagination: int | None = None
    #: The endpoints its ``SERVICE`` clauses name, read from the parsed query (empty when it
    #: names none, or when the text does not parse: running it then says why).
    services: tuple[str, ...] = ()

    def parameter(self, name: str) -> Parameter:
        for p in self.parameters:
            if p.name == name:
                return p
        known = ", ".join(p.name for p in self.parameters) or "none"
        raise QueryError(f"query {self.name!r} has no parameter {name!r} (its parameters: {known})")


def read_query(path: Path) -> StoredQuery:
    """Read and check one ``.rq`` file.

    :raises QueryError: the header is not YAML, misses its summary, or has an unknown key.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryError(f"{path}: cannot be read ({exc})") from exc
    header_lines = []
    for line in text.splitlines():
        if line.startswith("#+"):
            header_lines.append(line[2:].removeprefix(" "))
        elif line.strip() and not line.startswith("#"):
            break
    try:
        header = yaml.safe_load("\n".join(header_lines)) or {}
    except yaml.YAMLError as exc:
        raise QueryError(f"{path}: the #+ header is not valid YAML: {exc}") from exc
    if not isinstance(header, dict):
        raise QueryError(f"{path}: the #+ header must be key: value lines")
    unknown = sorted(set(header) - KEYS)
    if unknown:
        raise QueryError(f"{path}: unknown header key(s) {', '.join(unknown)}; known keys: {', '.join(sorted(KEYS))}")
    summary = str(header.get("summary") or "").strip()
    if not summary:
        raise QueryError(f"{path}: the #+ header needs a summary")
    defaults = {}
    for item in header.get("defaults") or []:
        if not isinstance(item, dict):
            raise QueryError(f"{path}: each #+ defaults entry must be 'name: value'")
        defaults.update({str(k): str(v) for k, v in item.items()})
    described = {str(k): str(v) for k, v in (header.get("params") or {}).items()}
    info = _inspect_or_none(text)
    parameters = {p.name: p for p in _parameters(info, defaults, described)}
    for name in list(defaults) + list(described):
        if info is not None and name not in parameters:
            raise QueryError(f"{path}: the header names parameter {name!r}, but the query has no ?_{name} variable")
    columns = header.get("columns") or {}
    if not isinstance(columns, dict):
        raise QueryError(f"{path}: #+ columns must map each column to its description")
    pagination = header.get("pagination")
    if pagination is not None:
        if isinstance(pagination, bool) or not isinstance(pagination, int) or pagination < 1:
            raise QueryError(f"{path}: #+ pagination must be the number of rows a page (a whole number, 1 or more)")
        if "page" in parameters:
            raise QueryError(f"{path}: a paginated query cannot have a parameter named page")
        if info is not None:
            _check_pageable(info, path)
    return StoredQuery(
        name=path.stem,
        path=path,
        text=text,
        summary=summary,
        description=str(header.get("description") or "").strip(),
        tags=[str(t) for t in header.get("tags") or []],
        parameters=list(parameters.values()),
        columns={str(k): str(v) for k, v in columns.items()},
        endpoint=header.get("endpoint"),
        pagination=pagination,
        services=info.endpoints if info is not None else (),
    )


def _inspect_or_none(text: str) -> Inspection | None:
    """The query read (:func:`.sparql.inspect`), or None if it does not parse: running it says
    where (:func:`.run.check_syntax`)."""
    try:
        return inspected(text)
    except QueryError:
        return None


def _parameters(info: Inspection | None, defaults: dict[str, str], described: dict[str, str]) -> list[Parameter]:
    """The parameters among the variables the query names, in the order written."""
    parameters: dict[str, Parameter] = {}
    for variable in info.variables if info is not None else ():
        match = _PARAM.fullmatch(variable)
        if match and match.group(2) not in parameters:
            optional, name, kind = match.groups()
            parameters[name] = Parameter(name, variable, kind or "string", optional == "__",
                                         defaults.get(name), described.get(name, ""))
    return list(parameters.values())


def _check_pageable(info: Inspection, path: Path) -> None:
    """A paginated query is a SELECT ordered by its outer ``ORDER BY`` (so that its pages are the
    same on every run and add up to the whole answer), with no ``LIMIT`` or ``OFFSET`` of its own."""
    if info.form != "SELECT":
        raise QueryError(f"{path}: only a SELECT query can be paginated")
    if "ORDER BY" not in info.modifiers:
        raise QueryError(f"{path}: a paginated query needs an outer ORDER BY, so that its pages do not change between runs")
    if "LIMIT" in info.modifiers or "OFFSET" in info.modifiers:
        raise QueryError(f"{path}: a paginated query has no LIMIT or OFFSET of its own: pagination adds them")
    if "VALUES" in info.modifiers:
        raise QueryError(f"{path}: a paginated query has no VALUES after its WHERE group: the LIMIT and OFFSET of a page go there")


@lru_cache(maxsize=256)
def _read_version(path: Path, _mtime_ns: int, _size: int) -> StoredQuery:
    return read_query(path)


def _read(path: Path) -> StoredQuery:
    """``path`` read once per version of the file (parsing a query is most of the cost of reading it)."""
    stat = path.stat()
    return _read_version(path, stat.st_mtime_ns, stat.st_size)


def _files(folder: Path | None) -> dict[str, Path]:
    folder = (folder or resources.folder("queries")).resolve()
    return {p.stem: p for p in sorted(folder.glob("*.rq"))}


def catalogue(folder: Path | None = None) -> dict[str, StoredQuery]:
    """Every stored query of ``folder`` (default: the bundled ``queries/``), by name."""
    return {name: _read(path) for name, path in _files(folder).items()}


def find(name: str, folder: Path | None = None) -> StoredQuery:
    """The stored query called ``name`` (only its file is read); an unknown name suggests the nearest ones."""
    files = _files(folder)
    if name in files:
        return _read(files[name])
    near = difflib.get_close_matches(name, files, n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(near)}?" if near else "; see 'heritage-graph query --list'"
    raise QueryError(f"no stored query named {name!r}{hint}")


def adhoc(path: Path) -> StoredQuery:
    """An ad-hoc ``.rq`` file run like a stored one; its header is optional."""
    try:
        return read_query(path)
    except QueryError as exc:
        if "needs a summary" not in str(exc):
            raise
    text = path.read_text(encoding="utf-8")
    parameters = _parameters(_inspect_or_none(text), {}, {})
    return StoredQuery(name=path.stem, path=path, text=text, summary="(ad-hoc query)", parameters=parameters)


def describe(query: StoredQuery) -> str:
    """A stored query's own help: summary, description, parameters and columns."""
    lines = [f"{query.name}: {query.summary}", ""]
    if query.description:
        lines += [query.description, ""]
    if query.parameters:
        lines.append("Parameters (--param NAME=VALUE):")
        for p in query.parameters:
            need = "optional" if p.optional else "required"
            default = f", default {p.default}" if p.default is not None else ""
            text = f" {p.description}" if p.description else ""
            lines.append(f"  {p.name} ({p.type}, {need}{default}){text}")
        lines.append("")
    if query.columns:
        lines.append("Columns:")
        width = max(len(c) for c in query.columns)
        lines += [f"  {c.ljust(width)}  {d}" for c, d in query.columns.items()]
        lines.append("")
    if query.pagination:
        lines += [f"Pages of {query.pagination} rows: --page 1 (the default), --page 2, ...; --all-pages for every row.", ""]
    if query.tags:
        lines.append("Tags: " + ", ".join(query.tags))
    lines.append(f"File: {query.path}")
    return "\n".join(lines)


def describe_catalogue(folder: Path | None = None) -> str:
    """One line per stored query: name, summary, parameters."""
    queries = catalogue(folder)
    width = max((len(n) for n in queries), default=0)
    lines = []
    for name, q in queries.items():
        params = " ".join(f"[{p.name}]" if p.optional or p.default is not None else p.name for p in q.parameters)
        pages = f"  (pages of {q.pagination} rows)" if q.pagination else ""
        lines.append(f"{name.ljust(width)}  {q.summary}" + (f"  (params: {params})" if params else "") + pages)
    return "\n".join(lines)


def catalogue_turtle(folder: Path | None = None, endpoint: str | None = None) -> str:
    """The catalogue as RDF: each query a ``sh:SPARQLExecutable`` with its text and metadata."""
    schema = "https://schema.org/"
    nodes = []
    target = ox.NamedNode(endpoint or DEFAULT_BASE + "sparql")
    for q in catalogue(folder).values():
        node = ox.NamedNode(f"{DEFAULT_BASE}query/{q.name}")
        form = inspected(q.text).form
        kind = "SPARQLSelectExecutable"
        if form in ("CONSTRUCT", "DESCRIBE"):
            kind = "SPARQLConstructExecutable"
        elif form == "ASK":
            kind = "SPARQLAskExecutable"
        body = {"SPARQLSelectExecutable": "select", "SPARQLConstructExecutable": "construct",
                "SPARQLAskExecutable": "ask"}[kind]
        triples = [
            (ox.NamedNode(RDF_TYPE), ox.NamedNode(SH + "SPARQLExecutable")),
            (ox.NamedNode(RDF_TYPE), ox.NamedNode(SH + kind)),
            (ox.NamedNode(RDFS + "label"), ox.Literal(q.name)),
            (ox.NamedNode(RDFS + "comment"), ox.Literal(q.summary, language="en")),
            (ox.NamedNode(SH + body), ox.Literal(q.text)),
            (ox.NamedNode(schema + "target"), target),
        ]
        if q.description:
            triples.append((ox.NamedNode(DCTERMS + "description"), ox.Literal(q.description, language="en")))
        triples += [(ox.NamedNode(schema + "keywords"), ox.Literal(t)) for t in q.tags]
        nodes += [ox.Triple(node, p, o) for p, o in triples]
    prefixes = {"sh": SH, "schema": schema, "rdfs": RDFS, "dcterms": DCTERMS, "hgq": DEFAULT_BASE + "query/"}
    return ox.serialize(nodes, format=ox.RdfFormat.TURTLE, prefixes=prefixes).decode("utf-8")


RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
