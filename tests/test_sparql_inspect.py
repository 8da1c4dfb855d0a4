"""queries/sparql.py: what a SPARQL text is, read from its parse tree.

Every spelling of a ``SERVICE`` clause the grammar allows is found wherever it is nested, and
nothing that only looks like one (a comment, a string, an IRI) is taken for one.
"""

from __future__ import annotations

import pytest

from heritage_graph.errors import QueryError
from heritage_graph.queries.sparql import MAX_LENGTH, Service, escaped_delimiters, inspect

LOCAL = "http://127.0.0.1:1/x"
BLOCK = "{ ?s ?p ?q }"

# (query, the endpoints of its SERVICE clauses)
SERVICES = [
    ("SELECT * WHERE { ?s ?p ?o }", ()),
    (f"SELECT * WHERE {{ SERVICE <{LOCAL}> {BLOCK} }}", (LOCAL,)),
    (f"SELECT ?s WHERE {{ <http://e/k> a ?o.SERVICE <{LOCAL}> {BLOCK} }}", (LOCAL,)),
    (f"SELECT ?s WHERE {{ <http://e/k> a $o.SERVICE <{LOCAL}> {BLOCK} }}", (LOCAL,)),
    (f"SELECT ?s WHERE {{ <http://e/k> a <http://e/o>.SERVICE <{LOCAL}> {BLOCK} }}", (LOCAL,)),
    (f"SELECT ?s WHERE {{ ?s ?p 1.SERVICE <{LOCAL}> {BLOCK} }}", (LOCAL,)),
    (f"select * where {{ service <{LOCAL}> {BLOCK} }}", (LOCAL,)),
    (f"SELECT * WHERE {{ SeRvIcE sIlEnT <{LOCAL}> {BLOCK} }}", (LOCAL,)),
    (f"SELECT * WHERE {{ SERVICE#a comment\n<{LOCAL}> {BLOCK} }}", (LOCAL,)),
    (f"SELECT * WHERE {{ SERVICE\n\t<{LOCAL}>{BLOCK}}}", (LOCAL,)),
    ("PREFIX x: <http://127.0.0.1:1/> SELECT * WHERE { SERVICE x:x { ?s ?p ?o } }", (LOCAL,)),
    ("PREFIX : <http://127.0.0.1:1/> SELECT * WHERE { SERVICE :x { ?s ?p ?o } }", (LOCAL,)),
    ("PREFIX x: <http://127.0.0.1:1/> SELECT * WHERE { SERVICE x:a\\#b { ?s ?p ?o } }", ("http://127.0.0.1:1/a#b",)),
    ("BASE <http://127.0.0.1:1/> SELECT * WHERE { SERVICE <x> { ?s ?p ?o } }", (LOCAL,)),
    ("BASE <http://127.0.0.1:1/a/b> SELECT * WHERE { SERVICE <../x> { ?s ?p ?o } }", (LOCAL,)),
    ("BASE <http://allowed.example/> SELECT * WHERE { SERVICE <//127.0.0.1:1/x> { ?s ?p ?o } }", (LOCAL,)),
    # RFC 3986: a reference with a scheme is absolute, whatever the base
    ("BASE <http://allowed.example/> SELECT * WHERE { SERVICE <http:127.0.0.1:1/x> { ?s ?p ?o } }",
     ("http:127.0.0.1:1/x",)),
    ("BASE <http://a.example/> PREFIX x: <sub/> SELECT * WHERE { SERVICE x:q { ?s ?p ?o } }",
     ("http://a.example/sub/q",)),
    ("SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } }", ("?endpoint",)),
    ("SELECT * WHERE { SERVICE $endpoint { ?s ?p ?o } }", ("?endpoint",)),
    # nested
    (f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{LOCAL}> {BLOCK} }} }} }}", (LOCAL,)),
    (f"SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE <{LOCAL}> {BLOCK} }} }}", (LOCAL,)),
    (f"SELECT * WHERE {{ {{ ?s ?p ?o }} UNION {{ SERVICE <{LOCAL}> {BLOCK} }} }}", (LOCAL,)),
    (f"SELECT * WHERE {{ ?s ?p ?o MINUS {{ SERVICE <{LOCAL}> {BLOCK} }} }}", (LOCAL,)),
    (f"SELECT * WHERE {{ GRAPH ?g {{ SERVICE <{LOCAL}> {BLOCK} }} }}", (LOCAL,)),
    (f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{LOCAL}> {BLOCK} }} }}", (LOCAL,)),
    (f"SELECT * WHERE {{ ?s ?p ?o FILTER (NOT EXISTS {{ SERVICE <{LOCAL}> {BLOCK} }}) }}", (LOCAL,)),
    (f"SELECT * WHERE {{ ?s ?p ?o BIND(EXISTS {{ SERVICE <{LOCAL}> {BLOCK} }} AS ?e) }}", (LOCAL,)),
    (f"SELECT * WHERE {{ SERVICE <http://a.example/> {{ SERVICE <{LOCAL}> {BLOCK} }} }}", ("http://a.example/", LOCAL)),
    (f"ASK {{ SERVICE <{LOCAL}> {BLOCK} }}", (LOCAL,)),
    (f"CONSTRUCT {{ ?s ?p ?q }} WHERE {{ SERVICE <{LOCAL}> {BLOCK} }}", (LOCAL,)),
    (f"DESCRIBE ?s WHERE {{ SERVICE <{LOCAL}> {BLOCK} }}", (LOCAL,)),
    (f"SELECT * WHERE {{ ?s ?p ?o }} VALUES ?x {{ 1 }} # SERVICE <{LOCAL}>", ()),
    # codepoint escapes are decoded before parsing, as SPARQL says
    (f"SELECT * WHERE {{ \\u0053ERVICE <{LOCAL}> {BLOCK} }}", (LOCAL,)),
    (f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:1\\u002Fx> {BLOCK} }}", (LOCAL,)),
    # a carriage return ends a comment
    (f"SELECT * WHERE {{ ?s ?p ?o # a comment\rSERVICE <{LOCAL}> {BLOCK}\n}}", (LOCAL,)),
    # an escaped '#' in a prefixed name is no comment
    (f"PREFIX x: <http://e/> SELECT * WHERE {{ BIND(x:a\\#b AS ?z) SERVICE <{LOCAL}> {BLOCK} }}", (LOCAL,)),
    (f"PREFIX x: <http://e/> SELECT * WHERE {{ BIND(x:a%23b AS ?z) SERVICE <{LOCAL}> {BLOCK} }}", (LOCAL,)),
    (f"SELECT * WHERE {{ BIND(<http://e/'#> AS ?z) SERVICE <{LOCAL}> {BLOCK} }}", (LOCAL,)),
    (f"SELECT * WHERE {{ BIND(\"\"\"a\"\"b\"\"\" AS ?z) SERVICE <{LOCAL}> {BLOCK} }}", (LOCAL,)),
    (f"SELECT * WHERE {{ BIND('a\\\\' AS ?z) SERVICE <{LOCAL}> {BLOCK} }}", (LOCAL,)),
    (f"SELECT * WHERE {{ FILTER(1 <2) SERVICE <{LOCAL}> {BLOCK} }}", (LOCAL,)),
    # what only looks like a SERVICE clause
    (f"SELECT * WHERE {{ ?s ?p 'SERVICE <{LOCAL}> {{ }}' }}", ()),
    (f'SELECT * WHERE {{ ?s ?p "SERVICE <{LOCAL}> {{ }}" }}', ()),
    (f"SELECT * WHERE {{ ?s ?p '''\nSERVICE <{LOCAL}> {{ }}\n''' }}", ()),
    (f'SELECT * WHERE {{ ?s ?p """SERVICE <{LOCAL}> {{ }}""" }}', ()),
    (f"# SERVICE <{LOCAL}> {{ }}\nSELECT * WHERE {{ ?s ?p ?o }}", ()),
    (f"SELECT * WHERE {{ ?s ?p ?o # SERVICE <{LOCAL}> {{ }}\n}}", ()),
    ("SELECT * WHERE { ?s <http://e/SERVICE> ?o }", ()),
    ("PREFIX SERVICE: <http://e/> SELECT * WHERE { ?s SERVICE:x ?SERVICE }", ()),
    ("SELECT * WHERE { ?s ?p ?o FILTER(?o = 'a\\'SERVICE <http://e/> {}') }", ()),
]


@pytest.mark.parametrize("text, endpoints", SERVICES)
def test_every_service_clause_is_found(text, endpoints):
    info = inspect(text)
    assert info.endpoints == endpoints
    assert info.read_only


def test_service_clauses_say_silent_and_variable():
    info = inspect(f"SELECT * {{ SERVICE SILENT <{LOCAL}> {BLOCK} SERVICE ?e {BLOCK} }}")
    assert info.services == (Service(LOCAL, silent=True), Service("?e", silent=False))
    assert [s.variable for s in info.services] == [False, True]


def test_a_base_given_by_the_caller():
    assert inspect("SELECT * { SERVICE <x> {} }", base="http://e/a/").endpoints == ("http://e/a/x",)
    assert inspect("BASE <http://f/> SELECT * { SERVICE <x> {} }", base="http://e/").endpoints == ("http://f/x",)


# (update, its operations)
UPDATES = [
    ("INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }", ("INSERT DATA",)),
    ("  # a comment\n  insert data { <http://e/a> <http://e/b> <http://e/c> }", ("INSERT DATA",)),
    ("\\u0049NSERT DATA { <http://e/a> <http://e/b> <http://e/c> }", ("INSERT DATA",)),
    ("DELETE DATA { <http://e/a> <http://e/b> <http://e/c> }", ("DELETE DATA",)),
    ("PREFIX x: <http://e/> DELETE WHERE { ?s x:p ?o }", ("DELETE WHERE",)),
    ("WITH <http://e/g> DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }", ("MODIFY",)),
    ("INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }", ("MODIFY",)),
    ("LOAD <http://e/data.ttl>", ("LOAD",)),
    ("LOAD SILENT <http://e/data.ttl> INTO GRAPH <http://e/g>", ("LOAD",)),
    ("load <http://e/data.ttl>", ("LOAD",)),
    ("#+ summary: copy\nLOAD <http://example.org/data.ttl>", ("LOAD",)),
    ("CLEAR ALL", ("CLEAR",)),
    ("CLEAR SILENT GRAPH <http://e/g>", ("CLEAR",)),
    ("PREFIX e: <http://e/>\nDROP GRAPH e:g", ("DROP",)),
    ("DROP DEFAULT", ("DROP",)),
    ("CREATE GRAPH <http://e/g>", ("CREATE",)),
    ("ADD <http://e/a> TO <http://e/b>", ("ADD",)),
    ("MOVE DEFAULT TO <http://e/b>", ("MOVE",)),
    ("COPY <http://e/a> TO DEFAULT", ("COPY",)),
    ("CLEAR ALL ; LOAD <http://e/d> ; PREFIX x: <http://e/> INSERT DATA { x:a x:b x:c }", ("CLEAR", "LOAD", "INSERT DATA")),
]


@pytest.mark.parametrize("text, operations", UPDATES)
def test_updates_are_not_read_only(text, operations):
    info = inspect(text)
    assert (info.form, info.read_only, info.operations) == ("UPDATE", False, operations)


def test_a_service_inside_an_update_is_found():
    info = inspect(f"PREFIX x: <http://e/> INSERT {{ ?s ?p ?q }} WHERE {{ SERVICE <{LOCAL}> {BLOCK} }}")
    assert info.endpoints == (LOCAL,) and not info.read_only


@pytest.mark.parametrize("text, form", [
    ("SELECT * WHERE { ?s ?p ?o }", "SELECT"),
    ("select distinct ?s { ?s ?p ?o } limit 1", "SELECT"),
    ("PREFIX e: <http://e/>\nASK { e:a e:b ?o }", "ASK"),
    ("BASE <http://e/> CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "CONSTRUCT"),
    ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
    ("DESCRIBE <http://e/a>", "DESCRIBE"),
    ("#+ summary: a stored query\nSELECT ?x { ?x ?p ?o }", "SELECT"),
])
def test_forms(text, form):
    assert inspect(text).form == form


def test_graphs_of_from_and_from_named():
    info = inspect("BASE <http://e/> PREFIX f: <file:///etc/> SELECT * FROM <g1> FROM f:passwd "
                   "FROM NAMED <http://e/n> WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert info.default_graphs == ("http://e/g1", "file:///etc/passwd")
    assert info.named_graphs == ("http://e/n",)


# (query, projected variables, every variable named)
VARIABLES = [
    ("SELECT ?s WHERE { ?s ?p ?o }", ("s",), ("s", "p", "o")),
    ("SELECT * WHERE { ?s ?p ?o FILTER(?o > 1) }", ("s", "p", "o"), ("s", "p", "o")),
    ("SELECT ?s (COUNT(?o) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?s", ("s", "n"), ("s", "o", "n", "p")),
    ("SELECT $s WHERE { $s ?p ?_camp_iri }", ("s",), ("s", "p", "_camp_iri")),
    ("SELECT * WHERE { ?a ?b ?c { SELECT ?d WHERE { ?d ?e ?f } } }", ("a", "b", "c", "d"),
     ("a", "b", "c", "d", "e", "f")),
    ("SELECT * WHERE { ?s ?p ?o . BIND(1 AS ?one) VALUES ?v { 1 } }", ("s", "p", "o", "one", "v"),
     ("s", "p", "o", "one", "v")),
    ("ASK { ?s ?p ?__group }", (), ("s", "p", "__group")),
    ("SELECT ?s WHERE { ?s ?p '?notavariable' } # ?nor_this", ("s",), ("s", "p")),
    ("CONSTRUCT { ?s <http://e/p> ?x } WHERE { ?s ?p ?x }", (), ("s", "x", "p")),
]


@pytest.mark.parametrize("text, projected, variables", VARIABLES)
def test_projected_and_named_variables(text, projected, variables):
    info = inspect(text)
    assert info.projected == projected
    assert set(info.variables) == set(variables) and len(info.variables) == len(variables)


def test_variables_come_in_the_order_written():
    assert inspect("SELECT ?b WHERE { ?b ?_x_iri ?c FILTER(?d) }").variables == ("b", "_x_iri", "c", "d")


@pytest.mark.parametrize("text, where", [
    ("SELECT * WHERE {", "line 1, column 17"),
    ("SELECT *\nWHERE { ?s ?p }", "line 2, column 9"),
    ("SELECT * WHERE { ?s ?p ?o } garbage", "line 1, column 29"),
    ("PREFIX x: <http://e/>\nSELECT * WHERE { ?s ?p ?o } LIMIT x", "line 2, column 29"),
])
def test_syntax_errors_name_the_line_and_column(text, where):
    """Where the parser stopped: at the error, or at the start of the clause that holds it."""
    with pytest.raises(QueryError, match=f"^{where}: SPARQL syntax error"):
        inspect(text)


def test_an_undeclared_prefix_is_an_error():
    with pytest.raises(QueryError, match="prefix nope: but does not declare it"):
        inspect("SELECT * WHERE { ?s nope:p ?o }")


def test_a_text_longer_than_the_bound_is_refused_unread():
    with pytest.raises(QueryError, match="characters long"):
        inspect("SELECT * WHERE { ?s ?p ?o }" + " " * MAX_LENGTH)


@pytest.mark.parametrize("text", [
    "SELECT * " + "{ " * 3000 + "}" * 3000,
    "SELECT * { FILTER(" + "(" * 3000 + "1" + ")" * 3000 + ") }",
    "SELECT * { " + " ".join(f"?s{i} <http://e/p> ?o{i} ." for i in range(2000)) + " }",
])
def test_deep_or_long_queries_are_an_error_not_a_crash(text):
    with pytest.raises(QueryError):
        inspect(text)


@pytest.mark.parametrize("text, expected", [
    ('SELECT * { BIND("\\u0022 # " AS ?x) }', True),
    ("SELECT * { BIND('\\u0027 # ' AS ?x) }", True),
    ("SELECT * { BIND(<http://e/\\u003E> AS ?x) }", True),
    ("SELECT * { BIND('\\u005c' AS ?x) }", True),
    ("SELECT * { BIND('a' AS ?x) } # \\u000A SERVICE <http://e/> {}", True),
    ("SELECT * { BIND('\\u00e9\\u0041' AS ?x) }", False),
    ("SELECT * { \\u0053ERVICE <http://e/> {} }", False),
    ('SELECT * { BIND("no escape" AS ?x) }', False),
])
def test_escapes_that_decode_to_a_delimiter(text, expected):
    assert escaped_delimiters(text) is expected


@pytest.mark.parametrize("text, modifiers", [
    ("SELECT ?s WHERE { ?s ?p ?o }", ()),
    ("SELECT ?s WHERE { { SELECT ?s { ?s ?p ?o } ORDER BY ?s LIMIT 1 } } ORDER BY ?s", ("ORDER BY",)),
    ("SELECT ?s (COUNT(*) AS ?n) { ?s ?p ?o } GROUP BY ?s HAVING (?n > 1) ORDER BY ?n LIMIT 3 OFFSET 1",
     ("GROUP BY", "HAVING", "ORDER BY", "LIMIT", "OFFSET")),
    ("SELECT * { ?s ?p ?o } OFFSET 2 VALUES ?s { <http://e/> }", ("OFFSET", "VALUES")),
])
def test_the_clauses_after_the_outer_where_group(text, modifiers):
    assert inspect(text).modifiers == modifiers


def test_where_at_skips_what_only_looks_like_a_group():
    text = "PREFIX e: <http://e/>\n# a { in a comment\nSELECT ?x ('{' AS ?b) WHERE { { SELECT ?x { ?x ?p ?o } } }"
    assert inspect(text).where_at == text.index("WHERE {") + 6
    assert inspect("SELECT * WHERE\r\n { ?s ?p ?o }").where_at == 17
    assert inspect("CONSTRUCT WHERE { ?s ?p ?o }").where_at is None
