"""Reading a SPARQL text without running it: the one place that says what a query is and does.

:func:`inspect` parses the text with rdflib's SPARQL grammar (SPARQL 1.1 Query and Update) and
answers from the parse tree only: the form (``SELECT``, ``CONSTRUCT``, ``ASK``, ``DESCRIBE`` or
``UPDATE``), whether it only reads, the endpoint of every ``SERVICE`` clause wherever it is nested
(an absolute IRI after ``PREFIX`` and ``BASE`` are applied as RFC 3986 says, or a variable), the
graphs of its ``FROM`` and ``FROM NAMED`` clauses, its projected variables and every variable it
names. The endpoint's policy (:mod:`heritage_graph.serve.policy`) and parameter binding decide on
this answer, never on the text.

How the text is read, and where readers of SPARQL differ:

- Codepoint escapes (``\\u0053``) are decoded before parsing, everywhere, as SPARQL 1.1 (§19.2)
  says; Oxigraph decodes them inside strings and IRIs only. The two readings give the same tokens
  unless an escape decodes to a character that ends a string, an IRI or a comment (a quote, a
  backslash, ``>``, a line end): :func:`escaped_delimiters` says so, and a caller that hands the
  text to Oxigraph refuses it.
- A carriage return ends a comment, as the grammar says (rdflib alone would read on to the next
  line feed).
- rdflib's grammar is used through a private copy in which a ``SERVICE`` clause does not search
  the whole text for its own source (which costs a scan of the text per clause, and fails on a
  prefixed name with an escaped ``#`` before it).

Bounds: texts longer than :data:`MAX_LENGTH` characters are refused with a :class:`QueryError`
before parsing. rdflib's parser reads some 10 KB a second on the slowest shapes of query found
(hundreds of ``FILTER`` or ``BIND`` clauses), about 1 MB a second on long ``VALUES`` blocks; it
recurses once per triple pattern of a group, so a group of more than about 200 patterns, or
brackets nested some 200 deep, is refused with a :class:`QueryError` too. One text is parsed at a
time (pyparsing's parse actions are not safe to learn from two threads at once), so the bound on
length is also the bound on how long one text can make another wait.

>>> info = inspect('PREFIX e: <http://e/> SELECT ?s { ?s ?p ?o . SERVICE SILENT e:x { ?s ?p "SERVICE" } }')
>>> info.form, info.read_only, info.endpoints, info.projected, info.variables
('SELECT', True, ('http://e/x',), ('s',), ('s', 'p', 'o'))
>>> inspect("LOAD <http://e/data.ttl>").operations
('LOAD',)
"""

from __future__ import annotations

import bisect
import copy
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from types import SimpleNamespace
from typing import Iterator
from urllib.parse import urljoin

from ..errors import QueryError

#: The longest text :func:`inspect` reads (characters); see the module's notes on the parser's speed.
MAX_LENGTH = 65_536

QUERY_FORMS = ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")

#: The keyword of each SPARQL Update operation, by the name of its node in the parse tree.
UPDATE_OPERATIONS = {
    "InsertData": "INSERT DATA", "DeleteData": "DELETE DATA", "DeleteWhere": "DELETE WHERE",
    "Modify": "MODIFY", "Load": "LOAD", "Clear": "CLEAR", "Drop": "DROP", "Create": "CREATE",
    "Add": "ADD", "Move": "MOVE", "Copy": "COPY",
}

_FORMS = {"SelectQuery": "SELECT", "ConstructQuery": "CONSTRUCT", "AskQuery": "ASK", "DescribeQuery": "DESCRIBE"}

#: Characters that end a string, an IRI or a comment, or escape the next one: a codepoint escape
#: that decodes to one of them is read differently by engines that decode escapes only in strings.
DELIMITERS = frozenset("\"'\\>\n\r")

_SERVICE = "ServiceGraphPattern"
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")


@dataclass(frozen=True)
class Service:
    """One ``SERVICE`` clause: its endpoint (an absolute IRI, or ``?name`` for a variable) and
    whether it is ``SILENT``."""

    endpoint: str
    silent: bool = False

    @property
    def variable(self) -> bool:
        """Whether the endpoint is a variable, known only when the query runs."""
        return self.endpoint.startswith("?")


@dataclass(frozen=True)
class Inspection:
    """What a SPARQL text is, read from its parse tree (see :func:`inspect`).

    ``form`` is ``SELECT``, ``CONSTRUCT``, ``ASK``, ``DESCRIBE`` or ``UPDATE``; ``operations`` the
    keyword of each operation of an update (``INSERT DATA``, ``LOAD``, ``MODIFY`` …). ``services``
    are the ``SERVICE`` clauses in the order they are written; ``default_graphs`` and
    ``named_graphs`` the IRIs of ``FROM`` and ``FROM NAMED``. ``projected`` are the names of the
    variables a ``SELECT`` answers with (``SELECT *`` included), ``variables`` every variable the
    text names, each once, in the order written. ``modifiers`` are the clauses after the outer
    ``WHERE`` group (``GROUP BY``, ``HAVING``, ``ORDER BY``, ``LIMIT``, ``OFFSET``, ``VALUES``), and
    ``where_at`` the index in the text of the ``{`` that opens that group (None without one).
    """

    form: str
    operations: tuple[str, ...] = ()
    services: tuple[Service, ...] = ()
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    projected: tuple[str, ...] = ()
    variables: tuple[str, ...] = ()
    modifiers: tuple[str, ...] = ()
    where_at: int | None = None

    @property
    def read_only(self) -> bool:
        """Whether the text is a query (it reads), not an update (it writes, loads or drops)."""
        return self.form != "UPDATE"

    @property
    def endpoints(self) -> tuple[str, ...]:
        """The endpoint of every ``SERVICE`` clause, each once (``?name`` for a variable)."""
        return tuple(dict.fromkeys(s.endpoint for s in self.services))


def inspect(text: str, base: str | None = None) -> Inspection:
    """What the SPARQL query or update ``text`` is, read without running it; relative IRIs are
    resolved against its ``BASE``, else ``base``.

    :raises QueryError: the text does not parse (the message names the line and column where the
        parser stopped: at the error, or at the start of the clause that holds it), names an
        undeclared prefix, or is longer than :data:`MAX_LENGTH`.

    >>> inspect("BASE <http://e/a/> SELECT * FROM <g> { ?s ?p ?o FILTER EXISTS { SERVICE <../q> {} } }")
    Inspection(form='SELECT', operations=(), services=(Service(endpoint='http://e/q', silent=False),), \
default_graphs=('http://e/a/g',), named_graphs=(), projected=('s', 'p', 'o'), variables=('s', 'p', 'o'), modifiers=(), where_at=37)
    >>> inspect("SELECT * { ?s ?p ?o.SERVICE ?where { } }").endpoints
    ('?where',)
    >>> inspect("SELECT * {")
    Traceback (most recent call last):
    ...
    heritage_graph.errors.QueryError: line 1, column 11: SPARQL syntax error: ...
    """
    if len(text) > MAX_LENGTH:
        raise QueryError(f"the query is {len(text):,} characters long; queries of at most {MAX_LENGTH:,} "
                         "characters are read")
    return _inspect(text, base)


@lru_cache(maxsize=256)
def _inspect(text: str, base: str | None) -> Inspection:
    tree, position = _parse(text)
    if _is_node(tree):  # an update: one node per operation, each with its prologue
        return _update(tree, base)
    prologue, query = tree[0], tree[1]
    iris = _Iris(base)
    iris.declare(prologue)
    form = _FORMS[query.name]
    _check_prefixes(query, iris)
    services = tuple(_services(query, iris))
    default, named = [], []
    for clause in _get(query, "datasetClause") or []:
        if "default" in clause:
            default.append(iris.absolute(clause["default"]))
        else:
            named.append(iris.absolute(clause["named"]))
    variables = tuple(dict.fromkeys(_variables(query)))
    where = _get(query, "where")
    opened = vars(where).get("opened_at") if _is_node(where) else None  # CONSTRUCT WHERE {…} has no group
    where_at = position(opened) if opened is not None else None
    projected: tuple[str, ...] = ()
    if form == "SELECT":
        projected = _projected(tree, query, variables)
    return Inspection(form, (), services, tuple(default), tuple(named), projected, variables,
                      _modifiers(query), where_at)


def _modifiers(query) -> tuple[str, ...]:
    """The clauses after a query's outer WHERE group, as keywords."""
    found = [keyword for key, keyword in (("groupby", "GROUP BY"), ("having", "HAVING"), ("orderby", "ORDER BY"))
             if _get(query, key) is not None]
    limits = _get(query, "limitoffset")
    if limits is not None:
        found += [keyword for key, keyword in (("limit", "LIMIT"), ("offset", "OFFSET")) if _get(limits, key) is not None]
    if _get(query, "valuesClause") is not None:
        found.append("VALUES")
    return tuple(found)


def _is_node(value, name: str | None = None) -> bool:
    """Whether ``value`` is a node of an rdflib parse tree (called ``name``, if given)."""
    return isinstance(value, _rdflib().CompValue) and (name is None or value.name == name)


def _get(node, key: str):
    """A parameter of a parse tree node, or None (``CompValue.get`` answers the key's name)."""
    return dict.get(node, key)


def escaped_delimiters(text: str) -> bool:
    r"""Whether a codepoint escape of ``text`` decodes to a quote, a backslash, ``>`` or a line end,
    so that a reader that decodes escapes before parsing (SPARQL, this module) and one that decodes
    them inside strings and IRIs only (Oxigraph) read different tokens.

    >>> escaped_delimiters(r'SELECT * { BIND("\u0022 # " AS ?x) }'), escaped_delimiters(r'ASK { ?s ?p "\u00e9" }')
    (True, False)
    """
    return any(_character(m.group(1)) in DELIMITERS for m in _rdflib().parser.expandUnicodeEscapes_re.finditer(text))


def _character(digits: str) -> str:
    try:
        return chr(int(digits, 16))
    except (ValueError, OverflowError):
        return ""


def _decoded(text: str):
    """The text as the grammar reads it, and a function from an index in it to the index in
    ``text``: codepoint escapes decoded (rdflib's reading of them), and a carriage return read as
    a line feed, since either ends a line and a comment (rdflib's comments end at line feeds only).

    :raises QueryError: an escape of no Unicode character.
    """
    pieces, anchors, done = [], [(0, 0)], 0
    length = 0
    for match in _rdflib().parser.expandUnicodeEscapes_re.finditer(text):
        character = _character(match.group(1))
        if not character:
            raise QueryError(f"SPARQL syntax error: {match.group(0)} is no Unicode character")
        pieces += [text[done:match.start()], character]
        length += match.start() - done + 1
        done = match.end()
        anchors.append((length, done))
    pieces.append(text[done:])
    decoded = "".join(pieces).replace("\r", "\n")

    def original(index: int) -> int:
        at, source = anchors[bisect.bisect_right(anchors, (index, len(text) + 1)) - 1]
        return source + index - at

    return decoded, original


def load_parser() -> None:
    """Load the SPARQL parser now (a fraction of a second), so that the first :func:`inspect` does
    not wait for it: a server calls this as it starts."""
    _rdflib()


#: Held while the parser loads or parses: pyparsing's parse actions learn how to be called on
#: their first call, and two threads learning at once break them for good.
_PARSING = threading.Lock()


def _rdflib() -> SimpleNamespace:
    """rdflib's SPARQL parser and what reads its trees, with a copy of its query and update grammars
    in which the ``SERVICE`` clause is renamed, so that it does not search the whole text for its
    own source (rdflib's ``Comp`` does, for that name). Loaded once, on first use."""
    with _PARSING:
        if _PARSER:
            return _PARSER[0]
        _PARSER.append(_load())
        return _PARSER[0]


_PARSER: list[SimpleNamespace] = []


def _load() -> SimpleNamespace:
    import pyparsing  # lazy: with rdflib's SPARQL grammar, 0.2 s to load, which query workers never need
    from rdflib.plugins.sparql import parser  # lazy: as above
    from rdflib.plugins.sparql.algebra import translateQuery  # lazy: as above
    from rdflib.plugins.sparql.parserutils import CompValue  # lazy: as above
    from rdflib.term import Variable  # lazy: as above

    memo: dict = {}
    query, update = copy.deepcopy((parser.Query, parser.UpdateUnit), memo)
    service = memo[id(parser.ServiceGraphPattern)]
    service.name = service.customName = _SERVICE + "_"
    # Each group remembers where its "{" is, for a caller that binds values in the WHERE group.
    memo[id(parser.GroupGraphPattern)].add_parse_action(_opened_at)
    # pyparsing rewrites a grammar on its first parse: done here, once.
    query.streamline()
    update.streamline()
    query.parse_string("ASK {}", parse_all=True)
    update.parse_string("CLEAR ALL", parse_all=True)
    return SimpleNamespace(parser=parser, query=query, update=update, translate=translateQuery,
                           CompValue=CompValue, Variable=Variable, ParseResults=pyparsing.ParseResults,
                           ParseError=pyparsing.ParseBaseException)


def _opened_at(text: str, at: int, tokens) -> None:
    tokens[0].__dict__["opened_at"] = at


def _parse(text: str):
    """The parse tree of a query (``ParseResults``: prologue, query) or an update (``CompValue``),
    and the function from an index in the parsed text to one in ``text``."""
    rdf = _rdflib()
    decoded, original = _decoded(text)
    failures = []
    for grammar in (rdf.query, rdf.update):
        try:
            with _PARSING:
                result = grammar.parse_string(decoded, parse_all=True)
            return (result if grammar is rdf.query else result[0]), original
        except rdf.ParseError as exc:
            failures.append(exc)
        except RecursionError:
            raise QueryError("the query nests too deeply, or has too many triple patterns in one group, "
                             "to be read (some 200 at most)") from None
    # The reading that got further says best what is wrong.
    exc = max(failures, key=lambda e: e.loc)
    found = f", found {decoded[exc.loc:exc.loc + 20]!r}" if exc.loc < len(decoded) else ", found the end"
    message = exc.msg.replace("Expected", "expected", 1)
    line, column = _line_and_column(text, original(exc.loc))
    raise QueryError(f"line {line}, column {column}: SPARQL syntax error: {message}{found}") from None


def _line_and_column(text: str, index: int) -> tuple[int, int]:
    """The line and column (from 1) of ``text[index]``; CR LF, CR and LF each end a line."""
    before = text[:index]
    lines = re.split(r"\r\n|\r|\n", before)
    return len(lines), len(lines[-1]) + 1


class _Iris:
    """Prefixed names and relative IRIs made absolute, as a prologue declares them."""

    def __init__(self, base: str | None):
        self.base = base or ""
        self.prefixes: dict[str, str] = {}

    def declare(self, prologue) -> None:
        for decl in prologue or []:
            if decl.name == "Base":
                self.base = self.resolve(str(decl["iri"]))
            elif decl.name == "PrefixDecl":
                self.prefixes[_get(decl, "prefix") or ""] = self.resolve(str(decl["iri"]))

    def resolve(self, reference: str) -> str:
        """``reference`` against the base as RFC 3986 says: one with a scheme is absolute as written
        (``http:127.0.0.1/`` too, which Python's ``urljoin`` would put under the base's host)."""
        if not self.base or _SCHEME.match(reference):
            return reference
        return urljoin(self.base, reference)

    def absolute(self, term) -> str:
        """An IRI term of the parse tree (an ``<IRI>`` or a prefixed name) as an absolute IRI."""
        if _is_node(term, "pname"):
            prefix = _get(term, "prefix") or ""
            if prefix not in self.prefixes:
                raise QueryError(f"the query uses the prefix {prefix}: but does not declare it")
            return self.prefixes[prefix] + re.sub(r"\\(.)", r"\1", _get(term, "localname") or "")
        return self.resolve(str(term))


def _nodes(tree) -> Iterator:
    """Every node of a parse tree, depth first, in the order written (iteratively: trees are deep)."""
    rdf = _rdflib()
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, rdf.CompValue):
            stack.extend(reversed(list(dict.values(node))))
        elif isinstance(node, (list, tuple, rdf.ParseResults)):
            stack.extend(reversed(list(node)))


def _check_prefixes(tree, iris: _Iris) -> None:
    """Every prefixed name's prefix is declared (:meth:`_Iris.absolute` raises if not)."""
    for node in _nodes(tree):
        if _is_node(node, "pname"):
            iris.absolute(node)


def _services(tree, iris: _Iris) -> Iterator[Service]:
    for node in _nodes(tree):
        if _is_node(node, _SERVICE + "_"):
            term = node["term"]
            endpoint = f"?{term}" if isinstance(term, _rdflib().Variable) else iris.absolute(term)
            yield Service(endpoint, "silent" in node)


def _variables(tree) -> Iterator[str]:
    for node in _nodes(tree):
        if isinstance(node, _rdflib().Variable):
            yield str(node)


def _projected(tree, query, variables: tuple[str, ...]) -> tuple[str, ...]:
    """The variables a SELECT answers with: those it lists, or for ``SELECT *`` those in scope."""
    listed = _get(query, "projection")
    if isinstance(listed, list):  # "*" otherwise
        return tuple(str(_get(item, "evar") or _get(item, "var")) for item in listed)
    try:
        for node in _nodes(query):  # rdflib's algebra knows the clause by its own name
            if _is_node(node, _SERVICE + "_"):
                node.name = _SERVICE
        translate = _rdflib().translate
        with _PARSING:
            in_scope = {str(v) for v in translate(tree).algebra["PV"]}
    except RecursionError:
        raise QueryError("the query nests too deeply to be read") from None
    except Exception as exc:  # rdflib's algebra raises bare Exceptions for what SPARQL forbids
        raise QueryError(f"SPARQL error: {exc}") from exc
    return tuple(v for v in variables if v in in_scope)


def _update(tree, base: str | None) -> Inspection:
    """An update request: each operation comes after its own prologue, whose declarations hold on."""
    iris = _Iris(base)
    operations, services, variables = [], [], []
    for prologue, request in zip(_get(tree, "prologue") or [], _get(tree, "request") or []):
        iris.declare(prologue)
        _check_prefixes(request, iris)
        operations.append(UPDATE_OPERATIONS.get(request.name, request.name.upper()))
        services += _services(request, iris)
        variables += _variables(request)
    return Inspection("UPDATE", tuple(operations), tuple(services),
                      variables=tuple(dict.fromkeys(variables)))
