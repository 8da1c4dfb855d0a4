"""The fast validation engine (SPARQL on the store) reports exactly what pySHACL reports.

Every comparison runs both engines on the same loaded data and compares every field of every
finding (focus node, path, value, source shape, constraint component, severity, message, file,
line, label), as a multiset: a finding reported twice must be reported twice by both.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest

from heritage_graph.validate import fast as shacl
from heritage_graph.errors import InputError
from heritage_graph.rdf.lines import LineIndex, lines_and_prefixes, subject_line
from heritage_graph.rdf.load import load
from heritage_graph.validate.fast.shapes import services_of
from heritage_graph.validate.findings import DEFINED_ONCE, display_path, show_term
from heritage_graph.validate.run import load_shapes, validate

from .conftest import TESTS

VALID = sorted((TESTS / "data" / "valid").glob("*.ttl"))
INVALID = sorted((TESTS / "data" / "invalid").glob("*.ttl"))

EX = """@prefix ex: <http://example.org/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def _key(f):
    # a blank-node path comes from the shapes graph, parsed anew (with new labels) by each run
    path = "_:" if f.path and f.path.startswith("_:") else f.path
    return (f.severity, f.focus, path, f.value, f.shape, f.component, f.message, f.file, f.line, f.label)


def both(dataset, shapes=None):
    """The fast and the pySHACL report on ``dataset``; fails unless the fast engine ran."""
    fast = validate(dataset=dataset, shapes=shapes, engine="fast")
    reference = validate(dataset=dataset, shapes=shapes, engine="pyshacl")
    assert fast.engine == "fast", fast.notes
    assert reference.engine == "pyshacl"
    return fast, reference


def compare(dataset, shapes=None) -> str:
    """Both engines on ``dataset``: the same findings, or the same refusal. Returns how the fast
    engine ran: "fast", or "fallback" when it left the data to pySHACL (only for numbers that are
    not valid for their datatype, which pySHACL's SPARQL reads differently)."""
    outcomes = []
    for engine in ("fast", "pyshacl"):
        try:
            outcomes.append(validate(dataset=dataset, shapes=shapes, engine=engine))
        except Exception as exc:  # noqa: BLE001 - pySHACL refuses some data; so must the fast path
            outcomes.append(type(exc).__name__)
    fast, reference = outcomes
    if reference == "InputError":
        assert fast == reference
        return "refused"
    if isinstance(reference, str):
        return "pyshacl failed"  # rdflib's SPARQL fails on some ill-typed dates: nothing to compare
    assert_same(fast, reference)
    if fast.engine == "fast":
        return "fast"
    assert len(fast.notes) == 1 and "a number that is not valid for its datatype" in fast.notes[0], fast.notes
    return "fallback"


def assert_same(fast, reference):
    a, b = Counter(map(_key, fast.findings)), Counter(map(_key, reference.findings))
    assert a == b, {"only fast": list((a - b).elements())[:10], "only pyshacl": list((b - a).elements())[:10]}
    assert fast.conforms == reference.conforms


# The project's own examples and data ---------------------------------------------------------------


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_example_same_as_pyshacl(path):
    fast, reference = both(load([path]))
    assert_same(fast, reference)
    assert {f.shape for f in fast.findings} == {f"hgsh:{path.stem}"}


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_example_same_as_pyshacl(path):
    fast, reference = both(load([path]))
    assert_same(fast, reference)
    assert fast.violations == []


def test_bundled_graph_same_as_pyshacl(bundled_dataset):
    fast, reference = both(bundled_dataset)
    assert_same(fast, reference)
    assert fast.violations == [] and fast.triples > 40_000


@pytest.fixture(scope="module")
def register(tmp_path_factory):
    """A generated register of 4,000 persons (some 90,000 triples), one record in ten broken,
    with the bundled data it points to. pySHACL takes about 40 s on it; 10,000 persons take
    over a minute and a half."""
    from heritage_graph.generate import context_paths, generate

    out = tmp_path_factory.mktemp("register") / "register.ttl"
    summary = generate(4000, seed=5, invalid_rate=0.1, out=out, show_progress=False)
    assert summary.broken_persons == 400
    return load(context_paths() + [out]), summary


def test_generated_register_same_as_pyshacl(register):
    dataset, summary = register
    fast, reference = both(dataset)
    assert_same(fast, reference)
    # every broken record is reported, by the shape its breakage names
    shapes = {(f.focus, f.shape) for f in fast.findings}
    assert len(fast.violations) >= summary.broken_persons
    assert {s for _focus, s in shapes} >= {f"hgsh:{name}" for name in
                                           ("Resource-startYear", "Person-iri", "Resource-label-english")}


def test_findings_name_the_file_and_line_of_where_defined(register):
    """The report's file and line are those of Dataset.where_defined, found through an index."""
    dataset, _summary = register
    report = validate(dataset=dataset)
    checked = 0
    for result in report.results[::3]:  # lines.subject_line reads the file from the top each time
        focus = result.focus
        if not hasattr(focus, "toPython") or not str(focus).startswith("http"):
            continue
        path, line = dataset.where_defined(str(focus))
        finding = next(f for f in report.findings if f.focus == show_term(focus))
        assert (finding.file, finding.line) == (display_path(path), line)
        checked += 1
    assert checked > 100


def test_fast_turtle_report_is_the_pyshacl_report_graph(write):
    """The SHACL report graph itself: the same triples up to blank node names."""
    import rdflib
    from rdflib.compare import isomorphic

    path = INVALID[0].parent / "Claim-value-datatype.ttl"
    fast, reference = both(load([path, INVALID[0].parent / "Resource-sameAs-target.ttl"]))
    g_fast = rdflib.Graph().parse(data=fast.render("turtle"), format="turtle")
    g_ref = rdflib.Graph().parse(data=reference.render("turtle"), format="turtle")
    assert len(g_fast) == len(g_ref) > 10
    assert isomorphic(g_fast, g_ref)


def test_json_reports_are_the_same():
    path = TESTS / "data" / "invalid" / "Claim-group-count-within-total.ttl"
    fast, reference = both(load([path]))
    a, b = json.loads(fast.to_json()), json.loads(reference.to_json())
    assert a == b and a["violations"] == 1


# Literal equality between the store and rdflib ------------------------------------------------------


def test_sh_in_with_literals_compares_like_rdflib(write):
    """Oxigraph hands back "female"^^xsd:string, rdflib holds "female": both must equal the shape's."""
    shapes = write("in.ttl", EX + """
ex:S a sh:NodeShape ; sh:targetClass ex:P ;
    sh:property [ sh:path ex:sex ; sh:in ( "female" "male" ) ; sh:message "not a sex" ] ;
    sh:property [ sh:path ex:n ; sh:in ( 1 2 ) ] .
""")
    data = write("d.ttl", EX + """
ex:a a ex:P ; ex:sex "female" ; ex:n 1 .
ex:b a ex:P ; ex:sex "female"^^xsd:string ; ex:n "2"^^xsd:integer .
ex:c a ex:P ; ex:sex "other" ; ex:n "01"^^xsd:integer , 3 , "1"^^xsd:decimal .
ex:d a ex:P ; ex:sex "female"@en .
""")
    fast, reference = both(load([data], with_ontology=False), shapes=[shapes])
    assert_same(fast, reference)
    bad = sorted((f.focus, f.value) for f in fast.findings)
    assert bad == [("<http://example.org/c>", '"1"^^xsd:decimal'), ("<http://example.org/c>", '"3"^^xsd:integer'),
                   ("<http://example.org/c>", '"other"'), ("<http://example.org/d>", '"female"@en')]


# Shapes the fast engine does not evaluate ------------------------------------------------------------


UNSUPPORTED = {
    "hasValue": "sh:property [ sh:path ex:p ; sh:hasValue ex:o ]",
    "inverse path": "sh:property [ sh:path [ sh:inversePath ex:p ] ; sh:minCount 2 ]",
    "node": "sh:property [ sh:path ex:p ; sh:node [ sh:class ex:Q ] ]",
    "closed": "sh:closed true",
}
FEATURE = {"hasValue": "sh:hasValue", "inverse path": "a property path other than one IRI",
           "node": "sh:node", "closed": "sh:closed"}


@pytest.mark.parametrize("name", sorted(UNSUPPORTED))
def test_unsupported_shapes_fall_back_to_pyshacl_with_a_note(name, write):
    shapes = write("s.ttl", EX + f"ex:S a sh:NodeShape ; sh:targetClass ex:P ; {UNSUPPORTED[name]} .\n")
    data = write("d.ttl", EX + "ex:a a ex:P ; ex:p ex:x .\nex:b ex:p ex:a .\n")
    with pytest.raises(shacl.Unsupported):
        shacl.Engine(load_shapes([shapes]))
    dataset = load([data], with_ontology=False)
    report = validate(dataset=dataset, shapes=[shapes], engine="fast")
    assert report.engine == "pyshacl"
    assert len(report.notes) == 1 and "validated with pySHACL" in report.notes[0]
    assert FEATURE[name] in report.notes[0]
    reference = validate(dataset=dataset, shapes=[shapes], engine="pyshacl")
    assert Counter(map(_key, report.findings)) == Counter(map(_key, reference.findings))
    assert report.findings  # each of these shapes is broken by the data


def test_cli_notes_the_fallback_on_stderr(run_cli, write):
    shapes = write("s.ttl", EX + "ex:S a sh:NodeShape ; sh:targetClass ex:P ; sh:property [ sh:path ex:p ; sh:hasValue ex:o ] .\n")
    data = write("d.ttl", EX + "ex:a a ex:P ; ex:p ex:x .\n")
    result = run_cli("validate", data, "--shapes", shapes)
    assert result.exit_code == 1
    assert "note: validated with pySHACL" in result.stderr and "hasValue" in result.stderr
    assert "sh:HasValueConstraintComponent" not in result.stdout
    assert "<http://example.org/a>" in result.stdout


def test_cli_engines_print_the_same_report(run_cli):
    path = TESTS / "data" / "invalid" / "Resource-label-unique-lang.ttl"
    fast = run_cli("validate", path, "--engine", "fast", "--format", "json")
    reference = run_cli("validate", path, "--engine", "pyshacl", "--format", "json")
    assert fast.exit_code == reference.exit_code == 1
    assert json.loads(fast.output) == json.loads(reference.output)


def test_unknown_engine_is_refused():
    with pytest.raises(InputError, match="unknown validation engine"):
        validate([VALID[0]], engine="turbo")


# SPARQL in shapes, read by the one SPARQL inspection ---------------------------------------------------


SERVICES = {
    "after a dot": "SELECT $this WHERE { $this ex:p ?o.SERVICE <http://127.0.0.1:9/q> { ?o ?p ?q } }",
    "lower case, in a group": "SELECT $this WHERE { $this ex:p ?o { service <http://127.0.0.1:9/q> { ?o ?p ?q } } }",
    "a long s": "SELECT $this WHERE { $this ex:p ?o . \u017Fervice <http://127.0.0.1:9/q> { ?o ?p ?q } }",
    "a codepoint escape": "SELECT $this WHERE { $this ex:p ?o . \\\\u0053ERVICE <http://127.0.0.1:9/q> { ?o ?p ?q } }",
    "a target": None,
}


@pytest.mark.parametrize("name", sorted(SERVICES))
@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_shapes_calling_a_service_are_refused_by_both_engines(name, engine, write):
    if SERVICES[name] is None:
        shape = ('ex:S a sh:NodeShape ; sh:target [ a sh:SPARQLTarget ; sh:select '
                 '"SELECT ?this WHERE { SERVICE <http://127.0.0.1:9/q> { ?this ?p ?o } }" ] ; sh:class ex:P .\n')
    else:
        shape = (f'ex:S a sh:NodeShape ; sh:targetClass ex:P ; sh:sparql [ sh:select "{SERVICES[name]}" ; '
                 'sh:prefixes ex:decl ] .\nex:decl sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/"^^xsd:anyURI ] .\n')
    shapes = write("s.ttl", EX + shape)
    data = write("d.ttl", EX + "ex:a a ex:P ; ex:p ex:x .\n")
    with pytest.raises(InputError, match="calls SERVICE http://127.0.0.1:9/q"):
        validate([data], shapes=[shapes], engine=engine)
    if engine == "fast":
        with pytest.raises(shacl.Unsupported, match="SERVICE"):
            shacl.Engine(load_shapes([shapes]))


def test_a_string_naming_service_is_not_a_service():
    """The inspection reads a string as a string (pySHACL's own check, which the fast engine
    follows, refuses the text anyway)."""
    text = "SELECT $this WHERE { $this ?p ?o FILTER (?o = 'SERVICE <http://127.0.0.1:9/q> {}') }"
    assert services_of(text) == ()
    assert services_of(text.replace("FILTER", "SERVICE <http://e/q> {} FILTER")) == ("http://e/q",)
