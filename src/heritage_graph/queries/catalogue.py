"""Stored SPARQL queries: the catalogue in ``queries/``, run by name on any store.

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
``integer``, ``decimal``, ``date``, ``boolean``, ``string`` or none for a plain string). Values are
bound as RDF terms in a ``VALUES`` block at the top of the query's ``WHERE`` group, the same way on
the embedded store and on a remote endpoint; the value's text never becomes query syntax.

A query whose answer grows with the data says so with grlc's ``#+ pagination: N``: it is run one
page of N rows at a time (``page=1`` first), as grlc does, by a ``LIMIT`` and ``OFFSET`` after its
outer query, whose ``ORDER BY`` makes the pages add up to the whole answer.

>>> catalogue()["prisoner-shares"].summary != ""
True
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Mapping

import pyoxigraph as ox

from ..util import resources
from ..errors import QueryError
from ..rdf.store import QueryResult, Store, Term
from ..rdf.vocab import PREFIXES, RDFS, XSD

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

_PARAM = re.compile(r"\?(__?)([A-Za-z][A-Za-z0-9]*)(?:_(iri|integer|decimal|date|boolean|string))?\b")
_ERROR_AT = re.compile(r"error at (\d+):(\d+): ?")


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
    import yaml

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
    parameters: dict[str, Parameter] = {}
    for optional, name, kind in _PARAM.findall(_strip_comments(text)):
        if name not in parameters:
            parameters[name] = Parameter(name, f"{optional}{name}" + (f"_{kind}" if kind else ""),
                                         kind or "string", optional == "__", defaults.get(name),
                                         described.get(name, ""))
    for name in list(defaults) + list(described):
        if name not in parameters:
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
        _check_pageable(text, path)
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
    )


def _outer_keywords(text: str) -> list[str]:
    """The keywords of the query's outermost level (outside every ``{ }`` group), upper-cased."""
    depth = 0
    words = []
    for token, _ in _tokens(text):
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        elif depth == 0 and token[:1].isalpha():
            words.append(token.upper())
    return words


def _check_pageable(text: str, path: Path) -> None:
    """A paginated query is a SELECT ordered by its outer ``ORDER BY`` (so that its pages are the
    same on every run and add up to the whole answer), with no ``LIMIT`` or ``OFFSET`` of its own."""
    words = _outer_keywords(text)
    if "SELECT" not in words:
        raise QueryError(f"{path}: only a SELECT query can be paginated")
    if not any(a == "ORDER" and b == "BY" for a, b in zip(words, words[1:])):
        raise QueryError(f"{path}: a paginated query needs an outer ORDER BY, so that its pages do not change between runs")
    if "LIMIT" in words or "OFFSET" in words:
        raise QueryError(f"{path}: a paginated query has no LIMIT or OFFSET of its own: pagination adds them")
    if "VALUES" in words:
        raise QueryError(f"{path}: a paginated query has no VALUES after its WHERE group: the LIMIT and OFFSET of a page go there")


@lru_cache(maxsize=4)
def _catalogue(folder: Path) -> dict[str, StoredQuery]:
    return {q.name: q for q in (read_query(p) for p in sorted(folder.glob("*.rq")))}


def catalogue(folder: Path | None = None) -> dict[str, StoredQuery]:
    """Every stored query of ``folder`` (default: the bundled ``queries/``), by name."""
    return dict(_catalogue((folder or resources.folder("queries")).resolve()))


def find(name: str, folder: Path | None = None) -> StoredQuery:
    """The stored query called ``name``; an unknown name suggests the nearest ones."""
    queries = catalogue(folder)
    if name in queries:
        return queries[name]
    near = difflib.get_close_matches(name, queries, n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(near)}?" if near else "; see 'heritage-graph query --list'"
    raise QueryError(f"no stored query named {name!r}{hint}")


def check_syntax(text: str, path: Path | None = None) -> None:
    """Parse ``text`` without running it on any data.

    :raises QueryError: the query does not parse; names the file and line.
    """
    try:
        ox.Store().query(text)
    except SyntaxError as exc:
        message = str(exc)
        match = _ERROR_AT.search(message)
        where = str(path) if path else "query"
        if match:
            where += f":{match.group(1)}:{match.group(2)}"
            message = _ERROR_AT.sub("", message)
        raise QueryError(f"{where}: SPARQL syntax error: {message}") from exc


def bind(query: StoredQuery, values: Mapping[str, str], store: Store) -> dict[str, Term]:
    """Turn the user's parameter values (and the header's defaults) into RDF terms.

    An IRI parameter takes a full IRI, a prefixed name (``group:lithuanians``) or a label
    (``Lithuanians``), looked up in the store: a resource whose main label it is comes before
    resources that have it as an alternative name.
    """
    for name in values:
        query.parameter(name)
    bound: dict[str, Term] = {}
    for p in query.parameters:
        raw = values.get(p.name, p.default)
        if raw is None:
            if not p.optional:
                raise QueryError(f"query {query.name!r} needs --param {p.name}=VALUE ({p.type})")
            continue
        bound[p.variable] = to_term(p, raw, store)
    return bound


def to_term(p: Parameter, raw: str, store: Store) -> Term:
    """The RDF term for one parameter value."""
    if p.type == "iri":
        return resolve_iri(p.name, raw, store)
    if p.type == "string":
        return ox.Literal(raw)
    literal = ox.Literal(raw, datatype=ox.NamedNode(TYPES[p.type]))
    checks = {
        "integer": r"[+-]?\d+",
        "decimal": r"[+-]?(\d+(\.\d*)?|\.\d+)",
        "date": r"-?\d{4,}-\d\d-\d\d",
        "boolean": r"true|false|1|0",
    }
    if not re.fullmatch(checks[p.type], raw.strip()):
        raise QueryError(f"parameter {p.name}: {raw!r} is not a valid {p.type}")
    return literal


_LABEL_LOOKUP = f"""PREFIX rdfs: <{RDFS}>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?resource (MIN(?rank) AS ?best) WHERE {{
  {{ ?resource rdfs:label ?label . BIND(0 AS ?rank) }}
  UNION
  {{ ?resource skos:altLabel ?label . BIND(1 AS ?rank) }}
  FILTER(LCASE(STR(?label)) = LCASE(STR(?text)))
}} GROUP BY ?resource ORDER BY ?best ?resource"""


def resolve_iri(name: str, raw: str, store: Store) -> ox.NamedNode:
    text = raw.strip()
    prefix, _, local = text.partition(":")
    if prefix in PREFIXES and local and not local.startswith("//"):
        text = PREFIXES[prefix] + local
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:(//|[^\s]*$)", text):
        try:
            return ox.NamedNode(text)
        except ValueError as exc:
            raise QueryError(f"parameter {name}: {raw!r} is not a valid IRI") from exc
    found = run_text(_LABEL_LOOKUP, store, {"text": ox.Literal(text)}).rows
    # A name that is one resource's main label wins over the same name as another's variant.
    best = min((int(rank.value) for _, rank in found), default=None)
    matches = [row for row in found if int(row[1].value) == best]
    if len(matches) == 1:
        return matches[0][0]
    if not matches:
        raise QueryError(f"parameter {name}: nothing is labelled {raw!r}; give a label from the data or an IRI")
    listed = ", ".join(m[0].value for m in matches[:5])
    raise QueryError(f"parameter {name}: {raw!r} names {len(matches)} resources ({listed}); give the IRI")


def with_values(text: str, bindings: Mapping[str, Term]) -> str:
    """``text`` with a ``VALUES`` block binding ``bindings`` at the top of its ``WHERE`` group.

    The values are written as RDF terms in their canonical syntax, so no value can change the
    query's structure.

    >>> with_values("SELECT ?x WHERE { ?x ?p ?_v }", {"_v": ox.Literal('a"} #')})
    'SELECT ?x WHERE { VALUES (?_v) { ("a\\\\"} #") }\\n ?x ?p ?_v }'
    """
    if not bindings:
        return text
    names = " ".join(f"?{name}" for name in bindings)
    terms = " ".join(_term_syntax(term) for term in bindings.values())
    block = f" VALUES ({names}) {{ ({terms}) }}\n"
    at = _where_brace(text)
    return text[: at + 1] + block + text[at + 1 :]


def _term_syntax(term: Term) -> str:
    if isinstance(term, ox.BlankNode):
        raise QueryError("a parameter cannot be a blank node")
    return str(term)


def _where_brace(text: str) -> int:
    """The index of the ``{`` that opens the query's top-level ``WHERE`` group."""
    depth = 0
    previous = ""
    form = None
    fallback = None
    for token, position in _tokens(text):
        if token == "{":
            if depth == 0:
                if previous == "WHERE":
                    return position
                if fallback is None and form != "CONSTRUCT":
                    fallback = position
            depth += 1
        elif token == "}":
            depth -= 1
        if form is None and token.upper() in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            form = token.upper()
        if depth == 0 or (token == "{" and depth == 1):
            previous = token.upper()
    if fallback is None:
        raise QueryError("the query has no WHERE group to bind parameters in")
    return fallback


_STRING = "|".join(
    [
        "'''(?:[^\\\\]|\\\\.)*?'''",
        '"""(?:[^\\\\]|\\\\.)*?"""',
        "'(?:[^'\\\\\\n]|\\\\.)*'",
        '"(?:[^"\\\\\\n]|\\\\.)*"',
    ]
)
_TOKEN = re.compile(
    r"(?P<skip>\s+|#[^\n]*)"
    rf"|(?P<string>{_STRING})"
    r'|(?P<iri><[^\s<>"{}|^`\\]*>)'
    r"|(?P<word>[?$]?[A-Za-z_][\w.:-]*)"
    r"|(?P<other>.)",
    re.DOTALL,
)


def _tokens(text: str):
    """The query's tokens with their positions, strings, IRIs and comments kept whole."""
    for match in _TOKEN.finditer(text):
        if match.lastgroup != "skip":
            yield match.group(0), match.start()


def _strip_comments(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def run_text(text: str, store: Store, bindings: Mapping[str, Term] | None = None) -> QueryResult:
    """Run a SPARQL text on ``store`` with ``bindings`` in a ``VALUES`` block."""
    return store.query(with_values(text, bindings or {}))


def paginate(text: str, size: int, page: int, *, extra: int = 0) -> str:
    """``text`` limited to its ``page``-th page of ``size`` rows (pages count from 1), as grlc pages
    a query: a ``LIMIT`` and ``OFFSET`` after the outer query. ``extra`` more rows are asked for, so
    that the caller can tell whether another page follows.

    >>> paginate("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s", 100, 3)
    'SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s\\nLIMIT 100\\nOFFSET 200\\n'
    """
    page = check_page(page)
    return f"{text.rstrip()}\nLIMIT {size + extra}\nOFFSET {(page - 1) * size}\n"


def check_page(page) -> int:
    """A page number given as text or number, checked: a whole number, 1 or more.

    :raises QueryError: anything else.
    """
    text = str(page).strip()
    if isinstance(page, bool) or not re.fullmatch(r"\+?\d+", text) or int(text) < 1:
        raise QueryError(f"page {page!r}: pages are numbered 1, 2, 3, ...")
    return int(text)


@dataclass
class ResultPage:
    """One page of a paginated query's rows: the page's number, its size, and whether more follow."""

    result: QueryResult
    page: int
    size: int
    has_next: bool


def run(name_or_query: str | StoredQuery, store: Store, values: Mapping[str, str] | None = None,
        *, page: int | None = None) -> QueryResult:
    """Run a stored query by name (or a :class:`StoredQuery`) with parameter ``values`` as text.

    A paginated query (``#+ pagination: N``) gives all its rows, or with ``page`` only that page;
    without parameters, from the store's listing when it has one (:mod:`.listing`).
    """
    if page is not None:
        return run_page(name_or_query, store, values, page).result
    query = find(name_or_query) if isinstance(name_or_query, str) else name_or_query
    check_syntax(query.text, query.path)
    bindings = bind(query, values or {}, store)
    if query.pagination and not bindings and store.listings is not None:
        listed = store.listings.result(query)
        if listed is not None:
            return listed
    return run_text(query.text, store, bindings)


def run_page(name_or_query: str | StoredQuery, store: Store, values: Mapping[str, str] | None = None,
             page: int = 1) -> ResultPage:
    """The ``page``-th page (from 1) of a paginated query's rows, and whether another page follows.

    Without parameters, the page is read from the store's listing when it has one for the query
    (:mod:`.listing`); otherwise the store works it out.

    :raises QueryError: the query is not paginated, or ``page`` is not a page number.
    """
    query = find(name_or_query) if isinstance(name_or_query, str) else name_or_query
    if query.pagination is None:
        raise QueryError(f"query {query.name!r} is not paginated: it answers in one piece, without pages")
    page = check_page(page)
    check_syntax(query.text, query.path)
    bindings = bind(query, values or {}, store)
    if not bindings and store.listings is not None:
        listed = store.listings.page(query, page)
        if listed is not None:
            return listed
    # One row more than the page holds tells whether another page follows.
    result = store.query(paginate(with_values(query.text, bindings), query.pagination, page, extra=1))
    has_next = len(result.rows) > query.pagination
    del result.rows[query.pagination:]
    return ResultPage(result, page, query.pagination, has_next)


def adhoc(path: Path) -> StoredQuery:
    """An ad-hoc ``.rq`` file run like a stored one; its header is optional."""
    try:
        return read_query(path)
    except QueryError as exc:
        if "needs a summary" not in str(exc):
            raise
    text = path.read_text(encoding="utf-8")
    parameters = []
    for optional, name, kind in dict.fromkeys(_PARAM.findall(_strip_comments(text))):
        parameters.append(Parameter(name, f"{optional}{name}" + (f"_{kind}" if kind else ""),
                                    kind or "string", optional == "__"))
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
    from ..rdf.vocab import DCTERMS, DEFAULT_BASE, SH

    schema = "https://schema.org/"
    nodes = []
    target = ox.NamedNode(endpoint or DEFAULT_BASE + "sparql")
    for q in catalogue(folder).values():
        node = ox.NamedNode(f"{DEFAULT_BASE}query/{q.name}")
        kind = "SPARQLSelectExecutable"
        if re.search(r"^\s*(CONSTRUCT|DESCRIBE)\b", _strip_comments(q.text), re.I | re.M):
            kind = "SPARQLConstructExecutable"
        elif re.search(r"^\s*ASK\b", _strip_comments(q.text), re.I | re.M):
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
