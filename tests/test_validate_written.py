"""Literals are checked as they are written in the files, not as the store holds them.

Oxigraph holds ``"4.0"^^xsd:decimal`` as ``"4"``, ``"01"^^xsd:int`` as ``"1"^^xsd:integer``:
both engines report what the file says, and the fast engine does so itself, leaving to pySHACL
only the SPARQL of the shapes that could read such a literal differently
(:mod:`heritage_graph.validate.fast.tells`).
"""

from __future__ import annotations

from collections import Counter

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import URIRef

from heritage_graph.rdf.convert import Terms
from heritage_graph.rdf.load import load
from heritage_graph.validate.fast.tells import tells_rewritten
from heritage_graph.validate.run import validate
from heritage_graph.validate.written import WrittenData

EX = """@prefix ex: <http://example.org/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

#: A constraint on ex:n, a literal breaking it only as written, and one keeping it only as written.
CASES = {
    "sh:in": ('sh:in ( "4"^^xsd:decimal "2"^^xsd:decimal )', '"4.0"^^xsd:decimal', '"2"^^xsd:decimal'),
    "sh:pattern": ('sh:pattern "^[0-9]+$"', '"4.0"^^xsd:decimal', '"4"^^xsd:decimal'),
    "sh:maxLength": ("sh:maxLength 3", '"1.50"^^xsd:decimal', '"1.5"^^xsd:decimal'),
    "sh:datatype": ("sh:datatype xsd:byte", '"300"^^xsd:byte', '"30"^^xsd:byte'),
    "sh:datatype xsd:int": ("sh:datatype xsd:int", '"4.0"^^xsd:decimal', '"01"^^xsd:int'),
    "sh:maxCount": ("sh:maxCount 1", '"1"^^xsd:decimal , "1.0"^^xsd:decimal', '"1"^^xsd:decimal'),
}


def _case(write, name, bad_first=True):
    constraint, bad, good = CASES[name]
    shapes = write("s.ttl", EX + f"ex:S a sh:NodeShape ; sh:targetClass ex:P ; "
                                 f"sh:property [ sh:path ex:n ; {constraint} ] .\n")
    data = write("d.ttl", EX + f"ex:bad a ex:P ; ex:n {bad} .\nex:good a ex:P ; ex:n {good} .\n")
    return load([data], with_ontology=False), shapes


def _key(f):
    return (f.severity, f.focus, f.path, f.value, f.shape, f.component, f.message, f.file, f.line)


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_literal_is_checked_as_written_by_the_fast_engine(name, write):
    dataset, shapes = _case(write, name)
    assert WrittenData(dataset).rewritten(), "the store keeps none of these literals as written"
    report = validate(dataset=dataset, shapes=[shapes], engine="fast")
    assert (report.engine, report.notes) == ("fast", [])
    assert {f.focus for f in report.violations} == {"<http://example.org/bad>"}
    written = CASES[name][1].split(" , ")
    assert {f.value for f in report.violations} - {None} <= set(written)  # the file's values, not the store's


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_literal_is_checked_as_written_by_pyshacl(name, write):
    dataset, shapes = _case(write, name)
    fast = validate(dataset=dataset, shapes=[shapes], engine="fast")
    reference = validate(dataset=dataset, shapes=[shapes], engine="pyshacl")
    assert Counter(map(_key, fast.findings)) == Counter(map(_key, reference.findings))
    assert {f.focus for f in reference.violations} == {"<http://example.org/bad>"}


def test_the_bundled_data_are_validated_by_the_fast_engine_alone(bundled_dataset):
    """The bundled data hold a literal the store rewrites (a distance of 0.0 km) and shapes whose
    SPARQL reads values through a variable predicate: the fast engine checks them itself."""
    rewritten = WrittenData(bundled_dataset).rewritten()
    assert any(str(written.value) == "0.0" for written in rewritten)
    report = validate(dataset=bundled_dataset, engine="fast")
    assert (report.engine, report.notes) == ("fast", [])
    assert report.conforms


# Which SPARQL can tell a literal as written from the store's form ------------------------------------

HG = "https://w3id.org/heritage-graph/ontology#"
P = URIRef("http://example.org/n")

#: Queries, and whether a literal of ex:n the store rewrote can change their answer.
QUERIES = {
    "compares the value": ("SELECT $this WHERE { $this ex:n ?v FILTER (?v > 1) }", True),
    "answers with the value": ("SELECT $this ?value WHERE { $this ex:n ?value }", False),
    "a variable predicate, the value unused": ("SELECT $this WHERE { $this ?p ?v }", False),
    "a variable predicate, the value's text": ("SELECT $this WHERE { $this ?p ?v FILTER (STR(?v) = '4.0') }", True),
    "only IRIs pass": ("SELECT $this WHERE { $this ?p ?v FILTER (isIRI(?v) && STRSTARTS(STR(?v), 'http')) }", False),
    "a value computed, then only IRIs pass": (
        "SELECT $this ?name WHERE { $this ?p ?v BIND (STR(?v) AS ?name) FILTER (isIRI(?v)) }", False),
    "a value computed and answered": ("SELECT $this ?name WHERE { $this ?p ?v BIND (STR(?v) AS ?name) }", True),
    "two values joined": ("SELECT $this WHERE { $this ?p ?v . ?other ex:n ?v }", True),
    "a value joined to a subject": ("SELECT $this WHERE { $this ?p ?v . ?v ?q ?o }", False),
    "a value joined to an IRI-only subquery": (
        "SELECT $this WHERE { { SELECT DISTINCT ?v WHERE { ?s ?q ?v FILTER (isIRI(?v)) } } $this ?p ?v }", False),
    "a value joined to a BIND": ("SELECT $this WHERE { { $this ex:n ?v } { BIND (4 AS ?v) } }", True),
    "a value joined to VALUES": ("SELECT $this WHERE { $this ex:n ?v VALUES ?v { 4 } }", True),
    "a subject joined to VALUES": ("SELECT $this WHERE { $this ex:n ?v VALUES $this { ex:a } }", False),
    "a literal in a pattern": ("SELECT $this WHERE { $this ex:n 4.0 }", True),
    "the predicate kept to others": (
        "SELECT $this ?v WHERE { $this ?p ?v FILTER (?p IN (ex:m, ex:k)) FILTER (?v < 0) }", False),
    "the predicate kept to ex:n among others": (
        "SELECT $this ?v WHERE { $this ?p ?v FILTER (?p IN (ex:m, ex:n)) FILTER (?v < 0) }", True),
    "counted": ("SELECT $this (COUNT(?v) AS ?c) WHERE { $this ex:n ?v } GROUP BY $this", True),
    "a zero-length path from a class": ("SELECT $this WHERE { $this a ?t . ?t ex:sub* ?k FILTER (?k = ex:C) }", False),
    "a zero-length path between values": ("SELECT $this WHERE { $this ex:m ?a . ?b ex:sub* ?k FILTER (?k = 1) }", True),
    "a path through ex:n": ("SELECT $this WHERE { $this ex:m/ex:n ?k FILTER (?k = 1) }", True),
    "NOT EXISTS on the value": ("SELECT $this WHERE { $this ?p ?v FILTER NOT EXISTS { ?x ex:n ?v } }", True),
    "NOT EXISTS on a subject": ("SELECT $this WHERE { $this ?p ?v FILTER NOT EXISTS { ?v ?q ?o } }", False),
    "an OPTIONAL on the value": ("SELECT $this WHERE { $this ex:n ?v OPTIONAL { ?x ex:n ?v } }", True),
    "a MINUS on the value": ("SELECT $this WHERE { $this ex:n ?v MINUS { ?x ex:m ?v } }", False),
    "a UNION, compared in one branch": (
        "SELECT $this WHERE { { $this ex:m ?v } UNION { $this ex:n ?v FILTER (?v > 1) } }", True),
    "cannot be read": ("SELECT $this WHERE { $this nope:n ?v }", True),
}


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_sparql_that_may_read_a_rewritten_literal_is_told_apart(name):
    query, expected = QUERIES[name]
    assert tells_rewritten("PREFIX ex: <http://example.org/>\n" + query, {P}) is expected


def test_sparql_said_not_to_tell_answers_alike_on_the_files_and_on_the_store(write):
    """The queries said not to tell answer the same rows with rdflib on the data as written as
    with Oxigraph on the store, on data full of rewritten literals."""
    data = write("d.ttl", EX + """
ex:a ex:n "4.0"^^xsd:decimal , "4"^^xsd:decimal , "01"^^xsd:int ; ex:m ex:b ; ex:k -1 .
ex:b ex:n "1.50"^^xsd:decimal ; ex:m "4.0"^^xsd:decimal ; a ex:C .
ex:c ex:n 1.5 ; ex:m ex:a ; a ex:D . ex:D ex:sub ex:C .
""")
    dataset = load([data], with_ontology=False)
    graph = WrittenData(dataset).graph()
    assert WrittenData(dataset).rewritten()
    terms = Terms()
    compared = 0
    for query, expected in QUERIES.values():
        if expected:
            continue
        text = "PREFIX ex: <http://example.org/>\n" + query.replace("$this", "?this")
        on_files = Counter(tuple(row) for row in graph.query(text))
        solutions = dataset.store.ox.query(text, use_default_graph_as_union=True)
        names = [v.value for v in solutions.variables]
        on_store = Counter(tuple(None if s[n] is None else terms.rdf(s[n]) for n in names) for s in solutions)
        # the store's form of a rewritten literal, answered, is refused as the query runs
        stored = {terms.rdf(t) for t in WrittenData(dataset).rewritten().values()}
        if any(t in stored for row in on_store for t in row):
            continue
        assert set(on_files) == set(on_store), query
        compared += 1
    assert compared >= 8


def test_values_of_a_resource_in_two_files_are_read_as_written(write):
    """ex:a has "4.0" in one file and "4" in another: two values as written (one in the store)."""
    shapes = write("s.ttl", EX + "ex:S a sh:NodeShape ; sh:targetClass ex:P ; "
                                 "sh:property [ sh:path ex:n ; sh:maxCount 1 ] .\n")
    first = write("a.ttl", EX + 'ex:a a ex:P ; ex:n "4.0"^^xsd:decimal .\n')
    second = write("b.ttl", EX + 'ex:a ex:n "4"^^xsd:decimal .\nex:b a ex:P ; ex:n "4.0"^^xsd:decimal .\n')
    report = validate(dataset=load([first, second], with_ontology=False), shapes=[shapes], engine="fast")
    assert (report.engine, report.notes) == ("fast", [])
    assert [f.focus for f in report.violations] == ["<http://example.org/a>"]
