"""SHACL-SPARQL pre-binding in the fast engine: ``$shapesGraph`` and ``$currentShape`` pre-bound by
the store on a copy of the data with the shapes graph beside it, and ``$this`` tested in nested
groups holding only filters (which rdflib's algebra merges) handed to pySHACL."""

from __future__ import annotations

from heritage_graph.validate import fast as shacl
from heritage_graph.validate.run import validate

EX = "http://example.org/"
PREFIXES = """@prefix ex: <http://example.org/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:decl sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/"^^xsd:anyURI ] .
"""


def _sparql(shape: str, select: str, extra: str = "") -> str:
    return f'{shape} a sh:NodeShape ; sh:targetClass ex:P ; {extra} sh:sparql [ sh:prefixes ex:decl ; sh:select """{select}""" ] .\n'


def test_shapes_graph_and_current_shape_are_pre_bound_by_the_fast_engine(write):
    select = "SELECT $this WHERE { $this ex:size ?s . GRAPH $shapesGraph { $currentShape ex:most ?l } FILTER (?s > ?l) }"
    shapes = write("s.ttl", PREFIXES + _sparql("ex:Small", select, "ex:most 10 ;")
                   + _sparql("ex:Large", select, "ex:most 100 ;"))
    data = write("d.ttl", PREFIXES + "ex:a a ex:P ; ex:size 5 .\nex:b a ex:P ; ex:size 50 .\n"
                 "ex:c a ex:P ; ex:size 500 .\n")
    report = validate([data], shapes=[shapes], engine="fast")
    assert report.engine == "fast", report.notes
    found = sorted((f.focus, f.shape) for f in report.findings)
    assert found == [(f"<{EX}b>", f"<{EX}Small>"), (f"<{EX}c>", f"<{EX}Large>"), (f"<{EX}c>", f"<{EX}Small>")]


def test_the_shapes_graph_is_not_part_of_the_data(write):
    """The shapes graph is a named graph beside the data: the default graph does not hold it."""
    select = "SELECT $this WHERE { $this a ex:P . FILTER EXISTS { ?x ex:most ?l } FILTER bound($shapesGraph) }"
    shapes = write("s.ttl", PREFIXES + _sparql("ex:S", select, "ex:most 10 ;"))
    data = write("d.ttl", PREFIXES + "ex:a a ex:P .\n")
    report = validate([data], shapes=[shapes], engine="fast")
    assert report.engine == "fast", report.notes
    assert report.findings == []


def test_this_tested_in_nested_groups_of_filters_is_handed_over(write):
    select = "SELECT $this WHERE { { { FILTER ($this = ex:bad) . } FILTER bound($this) . } FILTER (true) . }"
    shapes = write("s.ttl", PREFIXES + _sparql("ex:S", select))
    data = write("d.ttl", PREFIXES + "ex:bad a ex:P .\nex:good a ex:P .\n")
    report = validate([data], shapes=[shapes], engine="fast")
    assert report.engine == "pyshacl"
    assert shacl.FALLBACKS["pre-binding"].what in report.notes[0]
    assert [f.focus for f in report.findings] == [f"<{EX}bad>"]
