"""Validation: the bundled data conforms, every rule has an invalid example that fires exactly it,
and each class of bad input gets a message naming the file and line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from heritage_graph.util import resources
from heritage_graph.validate.run import validate

from .conftest import PREFIXES, TESTS

N = PREFIXES.count("\n")

VALID = sorted((TESTS / "data" / "valid").glob("*.ttl"))
INVALID = sorted((TESTS / "data" / "invalid").glob("*.ttl"))


def test_bundled_data_conforms(bundled_dataset):
    report = validate(dataset=bundled_dataset)
    assert report.violations == [], report.to_text()
    assert report.conforms


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_example_conforms(path):
    report = validate([path])
    assert report.violations == [], report.to_text()


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_example_fires_exactly_its_rule(path):
    report = validate([path])
    fired = {finding.shape for finding in report.findings}
    assert fired == {f"hgsh:{path.stem}"}, report.to_text()
    for finding in report.findings:
        assert finding.message and finding.message != "does not satisfy the shape"
        assert finding.file and finding.file.endswith(path.name)


def test_invalid_examples_cover_every_rule():
    import rdflib

    shapes = rdflib.Graph()
    for path in resources.shape_files():
        shapes.parse(path)
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    rules = set()
    for shape in set(shapes.subjects(sh.message, None)):
        if isinstance(shape, rdflib.URIRef):
            rules.add(str(shape).rsplit("#", 1)[1])
    assert rules, "no shape carries an sh:message"
    missing = sorted(rules - {p.stem for p in INVALID})
    assert missing == [], f"rules with no invalid example under tests/data/invalid: {missing}"


def test_every_constraint_has_a_message():
    import rdflib
    import rdflib.collection

    shapes = rdflib.Graph()
    for path in resources.shape_files():
        shapes.parse(path)
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    constrained = set()
    for predicate in (sh.path, sh.sparql):
        constrained.update(shapes.subjects(predicate, None))
    # the members of a shape's sh:or, sh:and or sh:xone are reported by that shape's message
    for logical in (sh["or"], sh["and"], sh.xone):
        for parent, members in shapes.subject_objects(logical):
            if shapes.value(parent, sh.message) is not None:
                constrained.difference_update(rdflib.collection.Collection(shapes, members))
    without = sorted(str(s) for s in constrained if shapes.value(s, sh.message) is None
                     and not any(shapes.value(c, sh.message) for c in shapes.objects(s, sh.sparql)))
    assert without == []


# Bad input: one test per class, through the command line ---------------------------------------


def test_cli_conforming_data_exits_0(run_cli):
    result = run_cli("validate")
    assert result.exit_code == 0, result.output
    assert "The data conforms" in result.output


def test_cli_malformed_turtle_exits_2_with_file_and_line(run_cli, write):
    path = write("broken.ttl", PREFIXES + "\nplace:x rdfs:label \"open .\n")
    result = run_cli("validate", path)
    assert result.exit_code == 2
    assert f"{path}:{N + 2}:" in result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_cli_unknown_prefix_exits_2_with_file_and_line(run_cli, write):
    path = write("prefix.ttl", PREFIXES + "place:x ex:p place:y .\n")
    result = run_cli("validate", path)
    assert result.exit_code == 2
    assert f"{path}:{N + 1}:" in result.stderr and "ex:" in result.stderr


def test_cli_missing_file_exits_2(run_cli, tmp_path):
    result = run_cli("validate", tmp_path / "absent.ttl")
    assert result.exit_code == 2
    assert "absent.ttl: no such file or directory" in result.stderr


def _claim(extra: str = "", value: str = "20500") -> str:
    return PREFIXES + f"""
source:t a hg:SourceDocument ; rdfs:label "T"@en ; <http://purl.org/dc/terms/title> "T"@en ; <http://purl.org/dc/terms/publisher> "heritage-graph tests" ; <http://purl.org/dc/terms/language> "en" ; hg:undated true ; hg:localCopy "sources/t.txt" .
camp:t a hg:CampSystem ; rdfs:label "T camp"@en ; hg:source source:t .
claim:t a hg:Claim ;
    rdfs:label "T camp prisoners"@en ;
    hg:about camp:t ;
    hg:quantityKind hg:PrisonerCount ;
    hg:value {value} ;
    hg:approximation hg:Circa ;
    hg:year 1954 ;
    hg:source source:t ;
    hg:quote "Some sentence." {extra}.
"""


def _violation_for(run_cli, path, fragment: str) -> dict:
    result = run_cli("validate", path, "--format", "json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.output)
    matching = [r for r in report["results"] if fragment in (r["path"] or "") + r["shape"]]
    assert matching, report
    return matching[0]


def test_cli_wrong_datatype_names_file_and_line(run_cli, write):
    path = write("datatype.ttl", _claim(value='"many"'))
    found = _violation_for(run_cli, path, "hg:value")
    assert found["file"].endswith("datatype.ttl") and found["line"] == N + 4
    assert found["value"] == '"many"'


def test_cli_dangling_reference_names_file_and_line(run_cli, write):
    path = write("dangling.ttl", _claim().replace("hg:about camp:t", "hg:about camp:missing"))
    found = _violation_for(run_cli, path, "hg:about")
    assert found["file"].endswith("dangling.ttl") and found["line"] == N + 4
    assert found["value"] == "camp:missing"


def test_cli_undeclared_predicate_names_file_and_line(run_cli, write):
    path = write("typo.ttl", _claim(extra="; hg:yaer 1954 "))
    found = _violation_for(run_cli, path, "hg:yaer")
    assert found["file"].endswith("typo.ttl") and found["line"] == N + 4


def test_cli_text_report_groups_by_resource(run_cli, write):
    path = write("text.ttl", _claim(value='"many"'))
    result = run_cli("validate", path)
    assert result.exit_code == 1
    assert 'claim:t  "T camp prisoners"  (' in result.output
    assert f"text.ttl:{N + 4})" in result.output
    assert "The data does not conform" in result.output


def test_cli_turtle_report_is_a_shacl_graph(run_cli, write):
    import rdflib

    path = write("turtle.ttl", _claim(value='"many"'))
    result = run_cli("validate", path, "--format", "turtle")
    assert result.exit_code == 1
    graph = rdflib.Graph().parse(data=result.output, format="turtle")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    assert (None, rdflib.RDF.type, sh.ValidationReport) in graph
    assert any(graph.subjects(rdflib.RDF.type, sh.ValidationResult))


@pytest.mark.parametrize("rule", ["Claim-group-count-within-total", "Memorial-not-before-commemorated-event",
                                  "Claim-value-datatype"])
def test_rules_fire_under_another_base(rule, monkeypatch):
    monkeypatch.setenv("HERITAGE_GRAPH_BASE", "https://heritage.example.org/")
    path = TESTS / "data" / "invalid" / f"{rule}.ttl"
    report = validate([path])
    assert {f.shape for f in report.findings} == {f"hgsh:{rule}"}
    assert all(f.focus.startswith("<https://heritage.example.org/") for f in report.findings)
