"""SERVICE under every spelling the SPARQL grammar allows: generated, not listed.

A query is put together from the grammar's choices (Hypothesis draws them): the case of each
keyword; what separates two tokens (spaces, tabs, line ends of every kind, comments ending in a line
feed or a carriage return, nothing where the grammar needs nothing: ``?o.SERVICE``, ``}SERVICE``);
the endpoint written as an IRI, a prefixed name (empty prefix too), an IRI relative to ``BASE``
(a path, an absolute path, a network path) or with codepoint escapes; ``SILENT`` or not; the term
before it (``?o.``, ``$o.``, ``1.``, ``a ?c.``, nothing); and the clause it is nested in, one or two
deep: ``OPTIONAL``, ``UNION`` (either side), ``GRAPH``, ``MINUS``, a subquery, ``FILTER EXISTS`` and
``NOT EXISTS``, a plain group.

Each query is first run unchecked by Oxigraph, which calls the recording server: so the query does
hold a SERVICE to it, as the engine the server runs reads it. Then ``heritage-graph serve`` must
refuse it over GET, a form POST and an ``application/sparql-query`` body, and the recording server
must receive nothing more.
"""

from __future__ import annotations

import httpx
import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .test_server import canary, serving  # noqa: F401  (canary: a fixture)

pytestmark = pytest.mark.server

EXAMPLES = 150


@pytest.fixture(scope="module")
def guarded(tmp_path_factory):
    with serving(tmp_path_factory.mktemp("spellings"), "--workers", 2, "--allow-service", "allowed.example") as served:
        yield served


@pytest.fixture(scope="module")
def engine():
    """Oxigraph with a few triples in a named graph, so that every clause before or around the
    SERVICE has a solution and the SERVICE is evaluated."""
    store = ox.Store()
    s, g = ox.NamedNode("http://e/s"), ox.NamedNode("http://e/g")
    for p, o in (("http://e/p", ox.Literal("o")), ("http://e/p", ox.Literal(1)),
                 ("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", ox.NamedNode("http://e/C"))):
        store.add(ox.Quad(s, ox.NamedNode(p), o, g))
    return store


def cased(word: str):
    """A keyword in any mix of cases (SPARQL keywords are case-insensitive); ``a`` stays as it is."""
    return st.lists(st.booleans(), min_size=len(word), max_size=len(word)).map(
        lambda upper: "".join(c.upper() if u else c.lower() for c, u in zip(word, upper)))


#: What may stand between two tokens; comments end at a line feed or a carriage return.
SEPARATORS = st.lists(st.sampled_from([" ", "\t", "\n", "\r\n", "\r", "# SERVICE <http://allowed.example/>\n",
                                       "#x\r"]), min_size=1, max_size=3).map("".join)
#: Where the grammar needs no separator (after a '.', a '}' or before a '{'), nothing too.
OPTIONAL_SEPARATORS = st.one_of(st.just(""), SEPARATORS)


@st.composite
def endpoints(draw, url: str) -> tuple[str, str]:
    """(prologue, endpoint term) naming ``url/x`` (``url`` is ``http://127.0.0.1:PORT``)."""
    host = url.removeprefix("http://")
    sep = draw(SEPARATORS)
    kind = draw(st.sampled_from(["iri", "prefixed", "empty-prefix", "base-path", "base-absolute", "base-network",
                                 "escaped", "prefixed-escaped"]))
    base_kw, prefix_kw = draw(cased("BASE")), draw(cased("PREFIX"))
    if kind == "iri":
        return "", f"<{url}/x>"
    if kind == "prefixed":
        return f"{prefix_kw}{sep}p:{sep}<{url}/>{sep}", "p:x"
    if kind == "empty-prefix":
        return f"{prefix_kw}{sep}:{sep}<{url}/>{sep}", ":x"
    if kind == "base-path":
        return f"{base_kw}{sep}<{url}/a/>{sep}", "<../x>"
    if kind == "base-absolute":
        return f"{base_kw}{sep}<{url}/a/b>{sep}", "</x>"
    if kind == "base-network":
        return f"{base_kw}{sep}<http://allowed.example/>{sep}", f"<//{host}/x>"
    if kind == "escaped":
        return "", f"<http://127.0.0.1:{host.split(':')[1]}/\\u0078>"
    return f"{prefix_kw}{sep}p:{sep}<{url}/>{sep}", "p:\\-x"  # a local name with an escape


@st.composite
def services(draw, url: str) -> tuple[str, str]:
    """(prologue, a SERVICE clause to ``url``, with what may come before it in its group)."""
    prologue, endpoint = draw(endpoints(url))
    sep, tight = draw(SEPARATORS), draw(OPTIONAL_SEPARATORS)
    keyword = draw(cased("SERVICE"))
    silent = draw(st.sampled_from(["", draw(cased("SILENT")) + sep]))
    before = draw(st.sampled_from(["", "?s ?p ?o .", "?s ?p ?o.", "$s $p $o.", "?s a ?c.", "?s ?p 1.", "?s ?p ?o"]))
    if before.endswith("1."):
        before += " "  # "1.S" would read as a number
    if before == "?s ?p ?o":
        before += " "
    clause = f"{before}{tight}{keyword}{sep}{silent}{endpoint}{tight}{{{tight}?s ?p ?o{tight}}}"
    return prologue, clause


@st.composite
def nested(draw, clause: str, depth: int) -> str:
    """``clause`` nested ``depth`` deep in clauses the grammar allows inside a group."""
    for _ in range(depth):
        sep = draw(SEPARATORS)
        kind = draw(st.sampled_from(["group", "optional", "union-left", "union-right", "graph", "minus", "subquery",
                                     "exists", "not-exists"]))
        kw = {word: draw(cased(word)) for word in ("OPTIONAL", "UNION", "GRAPH", "MINUS", "SELECT", "WHERE",
                                                   "FILTER", "EXISTS", "NOT")}
        clause = {
            "group": f"{{{sep}{clause}{sep}}}",
            "optional": f"{kw['OPTIONAL']}{sep}{{{sep}{clause}{sep}}}",
            "union-left": f"{{{sep}{clause}{sep}}}{sep}{kw['UNION']}{sep}{{ ?s ?p ?o }}",
            "union-right": f"{{ ?s ?p ?o }}{sep}{kw['UNION']}{sep}{{{sep}{clause}{sep}}}",
            "graph": f"{kw['GRAPH']}{sep}?g{sep}{{{sep}{clause}{sep}}}",
            "minus": f"?s ?p ?o {kw['MINUS']}{sep}{{{sep}{clause}{sep}}}",
            "subquery": f"{{{sep}{kw['SELECT']}{sep}*{sep}{kw['WHERE']}{sep}{{{sep}{clause}{sep}}}{sep}}}",
            "exists": f"?s ?p ?o {kw['FILTER']}{sep}{kw['EXISTS']}{sep}{{{sep}{clause}{sep}}}",
            "not-exists": f"?s ?p ?o {kw['FILTER']}{sep}{kw['NOT']}{sep}{kw['EXISTS']}{sep}{{{sep}{clause}{sep}}}",
        }[kind]
    return clause


@st.composite
def queries(draw, url: str) -> str:
    prologue, clause = draw(services(url))
    body = draw(nested(clause, draw(st.integers(0, 2))))
    sep = draw(SEPARATORS)
    return f"{prologue}{draw(cased('SELECT'))}{sep}*{sep}{draw(cased('WHERE'))}{sep}{{{sep}{body}{sep}}}"


def calls(engine: ox.Store, query: str, hits: list) -> int:
    """How many requests Oxigraph, running ``query`` unchecked, makes of the recording server."""
    before = len(hits)
    result = engine.query(query, use_default_graph_as_union=True)
    list(result)
    return len(hits) - before


def test_every_spelling_of_service_is_refused_and_nothing_is_called(guarded, canary, engine):  # noqa: F811
    url, _, hits = canary
    seen: list[str] = []

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(queries(url))
    def check(query):
        assert calls(engine, query, hits) > 0, f"Oxigraph reads no SERVICE to {url} in {query!r}"
        before = len(hits)
        for how in ("get", "form", "body"):
            if how == "get":
                answer = httpx.get(f"{guarded.url}/sparql", params={"query": query}, timeout=60)
            elif how == "form":
                answer = httpx.post(f"{guarded.url}/sparql", data={"query": query}, timeout=60)
            else:
                answer = httpx.post(f"{guarded.url}/sparql", content=query.encode(), timeout=60,
                                    headers={"Content-Type": "application/sparql-query"})
            assert answer.status_code == 403 and "refused" in answer.text, f"{query!r}: {answer.status_code} {answer.text[:200]}"
        assert len(hits) == before, f"the server called {url} for {query!r}"
        seen.append(query)

    check()
    assert len(seen) >= EXAMPLES * 0.9
