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
    not valid for their datatype, which pySHACL's SPARQL reads differently, and for literals the
    store rewrote where the shapes' SPARQL may read them)."""
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
    # numbers not valid for their datatype, and literals the store rewrote where the shapes'
    # SPARQL may read them (random data write "1954.0" for a year)
    allowed = [shacl.FALLBACKS[key].what for key in shacl.FALLBACKS
               if key == "invalid-number" or key.startswith("rewritten-")]
    assert len(fast.notes) == 1 and any(what in fast.notes[0] for what in allowed), fast.notes
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
    # "01"^^xsd:integer is not the term 1 of the list: checked as written (the store would make it "1")
    assert bad == [("<http://example.org/c>", '"01"^^xsd:integer'), ("<http://example.org/c>", '"1"^^xsd:decimal'),
                   ("<http://example.org/c>", '"3"^^xsd:integer'), ("<http://example.org/c>", '"other"'),
                   ("<http://example.org/d>", '"female"@en')]


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


# The query rewrite ------------------------------------------------------------------------------------


def test_lateral_rewrite_keeps_every_query_answer():
    """Each bundled SPARQL target and constraint gives the same rows with and without LATERAL."""
    import pyoxigraph as ox

    dataset = load(INVALID)
    engine = shacl.Engine(load_shapes())
    rewritten = 0
    for shape in engine.shapes.values():
        queries = list(shape.sparql_targets)
        for c in shape.constraints:
            queries.extend(shacl.with_prefixes(p.prefixes, p.select) for p in getattr(c, "parts", []))
        for query in queries:
            original = _without_lateral(query)
            if original == query:
                continue
            rewritten += 1
            query = query.replace("$this", "?this")
            run = lambda q: sorted(tuple(str(t) for t in row) for row in
                                   dataset.store.ox.query(q, use_default_graph_as_union=True))
            assert run(query) == run(original.replace("$this", "?this"))
    assert rewritten >= 6
    assert isinstance(dataset.store.ox, ox.Store)


def _without_lateral(query: str) -> str:
    import re

    return re.sub(r"LATERAL \{ ([^{}]*) \}", r"\1", query)


def test_lateral_rewrite_leaves_values_and_bind_alone():
    q = "SELECT ?k WHERE { ?a ex:p ?t . BIND (ex:x AS ?t) ?t rdfs:subClassOf* ?k . }"
    assert shacl.lateral_paths(q) == q
    q = "SELECT ?k WHERE { VALUES ?t { ex:x } ?a ex:p ?t . ?t rdfs:subClassOf* ?k . }"
    assert shacl.lateral_paths(q) == q
    q = "SELECT ?k WHERE { ?a ex:p ?t . ?t rdfs:subClassOf* ?k . }"
    assert "LATERAL { ?t rdfs:subClassOf* ?k }" in shacl.lateral_paths(q)


# Random data against shapes using every supported component --------------------------------------


FUZZ_SHAPES = EX + r"""
ex:D rdfs:subClassOf ex:C .
ex:Int a sh:NodeShape ; sh:datatype xsd:integer ; sh:minInclusive 0 ; sh:maxExclusive 10 .
ex:Dec a sh:NodeShape ; sh:datatype xsd:decimal .
ex:Tagged a sh:NodeShape ; sh:languageIn ( "en" "lt" ) .
ex:IsC a sh:NodeShape ; sh:class ex:C .
ex:Loose a sh:NodeShape ; sh:severity sh:Warning ; sh:class ex:D .

ex:Node a sh:NodeShape ; sh:targetClass ex:C ; sh:targetNode ex:s9 ;
    sh:pattern "^http://example\\.org/s[0-9]$" ; sh:message "bad IRI {?value}"@en ;
    sh:property ex:P0 , ex:P1 , ex:P2 , ex:P3 .
ex:P0 a sh:PropertyShape ; sh:path ex:p0 ; sh:or ( ex:Int ex:Dec ) ; sh:maxCount 2 ; sh:minCount 2 .
ex:P1 a sh:PropertyShape ; sh:path ex:p1 ; sh:datatype rdf:langString ; sh:uniqueLang true ;
    sh:qualifiedValueShape ex:Tagged ; sh:qualifiedMinCount 1 ; sh:message "p1"@en .
ex:P2 a sh:PropertyShape ; sh:path ex:p2 ; sh:nodeKind sh:IRI ; sh:not ex:IsC ;
    sh:in ( ex:o1 ex:o2 ex:s1 "x" 1 ) .
ex:P3 a sh:PropertyShape ; sh:path ex:p3 ; sh:pattern "^(?!a)\\w+$" ; sh:flags "i" ;
    sh:minLength 2 ; sh:maxLength 4 ; sh:lessThanOrEquals ex:p0 .
ex:Subjects a sh:PropertyShape ; sh:targetSubjectsOf ex:p2 ; sh:path ex:p2 ;
    sh:xone ( ex:IsC ex:Loose ) ; sh:severity sh:Warning .
ex:Objects a sh:NodeShape ; sh:targetObjectsOf ex:p2 ; sh:and ( ex:IsC ) ;
    sh:datatype xsd:date .
ex:Dates a sh:PropertyShape ; sh:targetSubjectsOf ex:p3 ; sh:path ex:p3 ; sh:datatype xsd:date ;
    sh:qualifiedValueShape ex:IsC ; sh:qualifiedMaxCount 0 ; sh:maxInclusive 5.5 .
ex:Sparql a sh:NodeShape ; sh:targetClass ex:D ;
    sh:message "{$this} points to {?value} by {?path}" ;
    sh:sparql [ sh:select "SELECT $this ?value ?path WHERE { $this ?path ?value . FILTER (isIRI(?value) && ?path != rdf:type) }" ;
                sh:prefixes ex:decl ] .
ex:decl sh:declare [ sh:prefix "rdf" ; sh:namespace "http://www.w3.org/1999/02/22-rdf-syntax-ns#"^^xsd:anyURI ] .
"""

FUZZ_VALUES = [
    "1", "7", "-3", "12", '"01"^^xsd:integer', '" 1"^^xsd:integer', '"abc"^^xsd:integer', "1.5", '"1.50"^^xsd:decimal',
    '"1e5"^^xsd:decimal', "2.0E0", '"x"', '"Karlag"', '"ab"', '"Ab"', '"é"', '"a b"', '"x"@en', '"x"@EN-gb', '"y"@en',
    '"x"@lt', '"x"@ru', '"1954-02-03"^^xsd:date', '"1954-02-30"^^xsd:date', '"0000-01-01"^^xsd:date', "true",
    '"1"^^xsd:boolean', "ex:o1", "ex:o2", "ex:s1", "ex:s2", "_:b1", '"x"^^xsd:string',
]


def test_random_data_same_as_pyshacl(tmp_path):
    hypothesis = pytest.importorskip("hypothesis")
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(FUZZ_SHAPES, encoding="utf-8")
    shapes_graph = load_shapes([shapes])
    shacl.Engine(shapes_graph)  # every component above is supported

    subjects = st.sampled_from(["ex:s1", "ex:s2", "ex:s3", "ex:s9", "_:b1", "ex:o1"])
    triples = st.one_of(
        st.tuples(subjects, st.just("a"), st.sampled_from(["ex:C", "ex:D", "ex:E"])),
        st.tuples(subjects, st.sampled_from(["ex:p0", "ex:p1", "ex:p2", "ex:p3"]), st.sampled_from(FUZZ_VALUES)),
    )
    files = st.lists(st.tuples(triples, st.sampled_from([0, 1])), min_size=1, max_size=25)
    counter = iter(range(10**6))

    @settings(max_examples=150, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(files)
    def check(statements):
        folder = tmp_path / f"case{next(counter)}"
        folder.mkdir()
        paths = []
        for k in (0, 1):
            body = "".join(f"{s} {p} {o} .\n" for (s, p, o), where in statements if where == k)
            if body:
                path = folder / f"d{k}.ttl"
                path.write_text(EX + body, encoding="utf-8")
                paths.append(path)
        ran.append(compare(load(paths, with_ontology=False), shapes=[shapes]))

    ran: list[str] = []
    check()
    assert hypothesis  # the module was importable
    assert ran.count("fast") >= len(ran) // 3, Counter(ran)


def test_every_supported_component_is_exercised_by_the_random_shapes(tmp_path):
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(FUZZ_SHAPES, encoding="utf-8")
    engine = shacl.Engine(load_shapes([shapes]))
    kinds = {type(c).__name__ for s in engine.shapes.values() for c in s.constraints}
    assert kinds >= {"ClassConstraint", "DatatypeConstraint", "NodeKindConstraint", "InConstraint",
                     "PatternConstraint", "LanguageInConstraint", "RangeConstraint", "LengthConstraint",
                     "LogicalConstraint", "CountConstraint", "UniqueLangConstraint",
                     "LessThanOrEqualsConstraint", "PropertyConstraint", "QualifiedConstraint", "SparqlConstraints"}


def test_subject_line_index_agrees_with_load(register):
    """The locator's index gives lines.subject_line's answer for every person of the register."""
    dataset, _summary = register
    path = dataset.files[-1].path
    index = LineIndex(*lines_and_prefixes(path))
    iris = [f"https://w3id.org/heritage-graph/id/person/synthetic-{n:06d}" for n in range(1, 4001, 97)]
    for iri in iris:
        assert index.subject_line(iri) == subject_line(path, iri), iri


# Random claims, memorials and dates against the project's own shapes ----------------------------

HG = """@prefix hg: <https://w3id.org/heritage-graph/ontology#> .
@prefix hgid: <https://w3id.org/heritage-graph/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .

hgid:source\\/t a hg:SourceDocument ; rdfs:label "T"@en ; <http://purl.org/dc/terms/title> "T"@en ; <http://purl.org/dc/terms/publisher> "heritage-graph tests" ; <http://purl.org/dc/terms/language> "en" ; hg:undated true ; hg:localCopy "sources/t.txt" .
hgid:place\\/v a hg:Village ; rdfs:label "V"@en ; hg:source hgid:source\\/t .
hgid:camp\\/t a hg:CampSystem ; rdfs:label "T camp"@en ; hg:location hgid:place\\/v ; hg:source hgid:source\\/t .
hgid:group\\/g a hg:PeopleGroup ; rdfs:label "G"@en ; hg:source hgid:source\\/t .
hgid:event\\/e a hg:Uprising ; rdfs:label "E"@en ; hg:year 1954 ; hg:source hgid:source\\/t .
hgid:site\\/m a hg:Monument ; rdfs:label "M"@en ; hg:location hgid:place\\/v ; hg:source hgid:source\\/t .
"""

NUMBERS = ["5", "100", "30", "0", "-3", "0.15", "0.5", "1.5", "3.0E2", '"7"^^xsd:integer', '"2.50"^^xsd:decimal',
           '"12"', "20500", "1", "0.146", "2", "3", "1000", "146"]
YEARS = ["1954", "1700", "1699", "2100", "2101", '"1954"', "1954.0", "2003", "1940", '"1954"^^xsd:gYear']
PROPERTIES = {
    "hg:value": NUMBERS, "hg:lowerBound": NUMBERS, "hg:upperBound": NUMBERS, "hg:year": YEARS,
    "hg:startYear": YEARS, "hg:endYear": YEARS,
    "hg:date": ['"1954-05-16"^^xsd:date', '"1953-12-31"^^xsd:date', '"1954-13-01"^^xsd:date', '"1954"'],
    "hg:quantityKind": ["hg:PrisonerCount", "hg:ShareOfPrisoners", "hg:Population", "hg:Distance", "hg:Nothing"],
    "hg:approximation": ["hg:Exact", "hg:Circa", "hg:AtLeast", "hg:AtMost", "hg:Unknown", "hg:Roughly"],
    "hg:about": ["hgid:camp\\/t", "hgid:place\\/v", "hgid:group\\/g", "hgid:camp\\/missing"],
    "hg:peopleGroup": ["hgid:group\\/g"],
    "hg:numerator": ["hgid:claim\\/c0", "hgid:claim\\/c1"], "hg:denominator": ["hgid:claim\\/c0", "hgid:claim\\/c2"],
    "rdfs:label": ['"a"@en', '"b"@en', '"a"@lt', '"a"', '"a"@en-GB', '"a"@lithuan'],
    "hg:quote": ['"Said."', '" "', '"Said."@en'],
    "hg:statedAs": ['"some 5000"', '"15%"@en'],
}
MEMORIAL = {"hg:year": YEARS, "hg:anniversary": ["50", "49", "0", '"50"'],
            "hg:marksAnniversaryOf": ["hgid:event\\/e"], "hg:commemorates": ["hgid:event\\/e", "hgid:group\\/g"]}


def test_random_claims_same_as_pyshacl(tmp_path):
    pytest.importorskip("hypothesis")
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    claim = st.tuples(st.sampled_from(["c0", "c1", "c2"]),
                      st.sampled_from(sorted(PROPERTIES)).flatmap(
                          lambda p: st.tuples(st.just(p), st.sampled_from(PROPERTIES[p]))))
    memorial = st.sampled_from(sorted(MEMORIAL)).flatmap(lambda p: st.tuples(st.just(p), st.sampled_from(MEMORIAL[p])))
    counter = iter(range(10**6))

    @settings(max_examples=15, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(st.lists(claim, max_size=14), st.lists(memorial, max_size=4))
    def check(claims, memorial_facts):
        body = [HG]
        for name in sorted({c for c, _ in claims}):
            body.append(f"hgid:claim\\/{name} a hg:Claim ; hg:source hgid:source\\/t .\n")
        for name, (p, o) in claims:
            body.append(f"hgid:claim\\/{name} {p} {o} .\n")
        for p, o in memorial_facts:
            body.append(f"hgid:site\\/m {p} {o} .\n")
        path = tmp_path / f"case{next(counter)}.ttl"
        path.write_text("".join(body), encoding="utf-8")
        ran.append(compare(load([path])))

    ran: list[str] = []
    check()
    assert ran.count("fast") >= len(ran) // 2, Counter(ran)


def test_invalid_numbers_are_left_to_pyshacl(write):
    """rdflib's SPARQL takes "abc"^^xsd:integer for a number, Oxigraph does not: such data go to pySHACL."""
    text = (TESTS / "data" / "invalid" / "Claim-value-bounds.ttl").read_text(encoding="utf-8")
    path = write("bounds.ttl", text + '\nhgid:claim\\/odd a hg:Claim ; hg:lowerBound "abc"^^xsd:integer .\n')
    dataset = load([path])
    report = validate(dataset=dataset, engine="fast")
    assert report.engine == "pyshacl"
    assert report.notes == ['validated with pySHACL: the fast engine met a number that is not valid for its '
                            'datatype ("abc"^^xsd:integer): rdflib\'s SPARQL, which pySHACL runs, takes it for a '
                            'number; the store does not']
    reference = validate(dataset=dataset, engine="pyshacl")
    assert Counter(map(_key, report.findings)) == Counter(map(_key, reference.findings))
    assert "hgsh:Claim-lowerBound" in {f.shape for f in report.findings}


def test_a_triple_in_two_files_counts_once(write):
    """The store holds a triple once per file; rdflib once: counts and SPARQL rows must not double."""
    text = (TESTS / "data" / "valid" / "claims.ttl").read_text(encoding="utf-8")
    first = write("a/claims.ttl", text)
    second = write("b/claims.ttl", text)
    dataset = load([first, second])
    assert dataset.store.triple_count() > 2 * len(load([first], with_ontology=False).store.ox)
    fast, reference = both(dataset)
    assert_same(fast, reference)
    # sh:maxCount 1 holds: each value is there twice, but once; what the report has is that each
    # resource is defined in both files
    assert [f for f in fast.violations if f.shape != DEFINED_ONCE] == []
    assert fast.violations and {f.file for f in fast.violations} == {display_path(second)}


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


# The list of fall-backs, in the code and in the docs -----------------------------------------------------


def test_the_docs_list_the_fallbacks_of_the_code():
    """docs/validate.md lists every case of the one table the engine declines by, and no other;
    the README names every SHACL core feature of it."""
    text = (TESTS.parent / "docs" / "validate.md").read_text(encoding="utf-8")
    section = text.split("### What the fast engine leaves to pySHACL", 1)[1].split("\n#", 1)[0]
    listed = {line[2:] for line in section.splitlines() if line.startswith("- ")}
    assert listed == {f"{case.what}: {case.why}." for case in shacl.FALLBACKS.values()}
    readme = " ".join((TESTS.parent / "README.md").read_text(encoding="utf-8").split())
    named = readme.split("core feature the fast engine does not evaluate (", 1)[1].split(")", 1)[0]
    core = {case.what for key, case in shacl.FALLBACKS.items() if key.startswith("sh:") or key == "path"}
    assert {part.strip("` ") for part in named.split(",")} == core


def test_every_declined_case_is_in_the_table():
    """The engine declines by a key of the table; a reason of its own is an error."""
    with pytest.raises(KeyError):
        shacl.Fallback("a reason of its own")
    assert str(shacl.Unsupported("sh:node", where="ex:S")) == "ex:S: sh:node"


def test_every_place_that_declines_names_a_case_of_the_table():
    """Read from the code: each Fallback(...), Unsupported(...) or fail(...) names a key of the table."""
    import ast  # lazy: only this test reads the code

    named = 0
    for path in (TESTS.parent / "src" / "heritage_graph" / "validate").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            called = getattr(node.func, "id", None) if isinstance(node, ast.Call) else None
            if called in ("Fallback", "Unsupported", "fail"):  # fail(node, key, detail) in compiling shapes
                first = node.args[0 if called != "fail" else 1] if len(node.args) > (called == "fail") else None
                if isinstance(first, ast.Constant):
                    assert first.value in shacl.FALLBACKS, (path.name, node.lineno, first.value)
                    named += 1
                else:  # a key chosen among the table's, or passed on
                    assert isinstance(first, (ast.IfExp, ast.Name, ast.Subscript, ast.Attribute)), (path.name, node.lineno)
    assert named >= 50
