"""The synthetic prisoner register (``heritage-graph generate``) and the progress bar.

The register is checked with the project's own validator and shapes: a register without broken
records conforms, and with broken records exactly those records are reported, each by the shape
its breakage was meant to break. The two validations take a few seconds each.
"""

from __future__ import annotations

import io
import re
from collections import Counter, defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest

from heritage_graph import generate as gen
from heritage_graph.errors import ConfigError
from heritage_graph.util.progress import progress, watching
from heritage_graph.validate.run import validate
from heritage_graph.rdf.vocab import HG, HGID, PREFIXES, RDF, RDFS

PERSON = HG + "Person"
SOURCE = HGID + "source/" + gen.SOURCE


def triples(path: Path) -> list[ox.Triple]:
    fmt = ox.RdfFormat.TURTLE if path.suffix == ".ttl" else ox.RdfFormat.N_TRIPLES
    return [q.triple for q in ox.parse(path=str(path), format=fmt)]


def by_subject(path: Path) -> dict[str, list[ox.Triple]]:
    found: dict[str, list[ox.Triple]] = defaultdict(list)
    for t in triples(path):
        found[t.subject.value].append(t)
    return found


def expand(term: str) -> str:
    """A report's prefixed name (person:synthetic-000001) as a full IRI."""
    if term.startswith("<"):
        return term[1:-1]
    prefix, _, local = term.partition(":")
    return PREFIXES[prefix] + local


#################################################################
# Same arguments, same bytes
#################################################################


@pytest.mark.parametrize("suffix", [".nt", ".ttl"])
def test_same_arguments_give_the_same_bytes_and_another_seed_another_register(tmp_path, suffix):
    first = gen.generate(300, 11, 0.2, tmp_path / f"a{suffix}")
    again = gen.generate(300, 11, 0.2, tmp_path / f"b{suffix}")
    other = gen.generate(300, 12, 0.2, tmp_path / f"c{suffix}")
    assert (tmp_path / f"a{suffix}").read_bytes() == (tmp_path / f"b{suffix}").read_bytes()
    assert first.broken == again.broken and first.triples == again.triples
    assert (tmp_path / f"a{suffix}").read_bytes() != (tmp_path / f"c{suffix}").read_bytes()
    assert set(first.broken) != set(other.broken)


def test_the_two_syntaxes_hold_the_same_triples(tmp_path):
    nt = gen.generate(120, 5, 0.3, tmp_path / "r.nt")
    ttl = gen.generate(120, 5, 0.3, tmp_path / "r.ttl")
    assert nt.triples == ttl.triples
    assert set(triples(tmp_path / "r.nt")) == set(triples(tmp_path / "r.ttl"))


def test_the_rate_breaks_records_and_leaves_the_others_as_they_were(tmp_path):
    gen.generate(150, 3, 0, tmp_path / "clean.nt")
    clean = by_subject(tmp_path / "clean.nt")
    summary = gen.generate(150, 3, 0.2, tmp_path / "broken.nt")
    broken = by_subject(tmp_path / "broken.nt")
    assert summary.broken_persons == 30
    for subject, statements in clean.items():
        number = gen.record_number(subject)
        if number is not None and number not in summary.broken:
            assert set(broken[subject]) == set(statements), subject


#################################################################
# What a record holds
#################################################################


def test_each_person_has_names_years_group_camp_and_an_end_each_cited(tmp_path):
    summary = gen.generate(200, 21, 0, tmp_path / "r.ttl")
    subjects = by_subject(tmp_path / "r.ttl")
    persons = [s for s, ts in subjects.items() if any(t.object == ox.NamedNode(PERSON) for t in ts)]
    assert len(persons) == summary.persons == 200
    camps = {HGID + "camp/" + slug for slug, *_ in gen.CAMPS}
    outcomes = Counter()
    for person in persons:
        number = gen.record_number(person)
        facts = {(t.predicate.value, getattr(t.object, "language", None)): t.object for t in subjects[person]}
        assert {lang for (p, lang) in facts if p == RDFS + "label"} == {"en", "lt", "ru"}
        assert re.fullmatch(r"[А-Яа-яЁё -]+", facts[(RDFS + "label", "ru")].value)
        assert facts[(RDFS + "label", "en")].value == facts[(RDFS + "label", "lt")].value
        assert facts[(HG + "peopleGroup", None)] == ox.NamedNode(HGID + "group/lithuanians")
        born = int(facts[(HG + "startYear", None)].value)
        assert 1870 <= born <= 1940
        assert facts[(HG + "source", None)] == ox.NamedNode(SOURCE)
        assert facts[(HG + "quote", None)].value.startswith(f"Record {number}: ")
        held = subjects[f"{HGID}event/synthetic-{number:06d}-imprisonment"]
        held_facts = {t.predicate.value: t.object for t in held}
        assert held_facts[HG + "victim"] == ox.NamedNode(person)
        assert held_facts[HG + "location"].value in camps
        arrested, until = int(held_facts[HG + "startYear"].value), int(held_facts[HG + "endYear"].value)
        assert born + 16 <= arrested <= until <= 1960
        assert held_facts[HG + "source"] == ox.NamedNode(SOURCE)
        ends = [e for e in ("release", "death") if f"{HGID}event/synthetic-{number:06d}-{e}" in subjects]
        assert len(ends) == 1
        end_facts = {t.predicate.value: t.object for t in subjects[f"{HGID}event/synthetic-{number:06d}-{ends[0]}"]}
        assert int(end_facts[HG + "year"].value) == until
        assert end_facts[HG + "source"] == ox.NamedNode(SOURCE)
        died = (HG + "endYear", None) in facts
        assert died == (ends[0] == "death")
        if died:
            assert int(facts[(HG + "endYear", None)].value) == until
        outcomes[ends[0]] += 1
    assert outcomes["release"] > outcomes["death"] > 0


def test_triples_per_person_as_counted_and_as_documented(tmp_path):
    summary = gen.generate(1000, 2, 0, tmp_path / "r.nt")
    assert len(triples(tmp_path / "r.nt")) == summary.triples
    assert 21 <= summary.triples_per_person <= 23
    assert f"{summary.triples_per_person:.1f} per person" in summary.text()
    docs = (Path(__file__).resolve().parents[1] / "docs" / "generate.md").read_text(encoding="utf-8")
    assert f"{summary.triples_per_person:.0f} triples per person" in docs


def test_the_source_says_it_is_synthetic_and_nothing_links_outside(tmp_path):
    gen.generate(100, 4, 0.5, tmp_path / "r.nt")
    subjects = by_subject(tmp_path / "r.nt")
    labels = [t.object.value for t in subjects[SOURCE] if t.predicate.value == RDFS + "label"]
    assert labels and "synthetic" in labels[0].lower() and "not a historical source" in labels[0]
    text = (tmp_path / "r.nt").read_text(encoding="utf-8")
    assert "wikidata" not in text.lower() and "geonames" not in text.lower() and "sameAs" not in text


def test_every_resource_pointed_to_is_in_the_bundled_data(bundled_dataset, tmp_path):
    gen.generate(300, 8, 0, tmp_path / "r.nt")
    own = set(by_subject(tmp_path / "r.nt"))
    pointed = {t.object.value for t in triples(tmp_path / "r.nt")
               if isinstance(t.object, ox.NamedNode) and t.object.value.startswith(HGID)} - own
    assert pointed  # the camps, the people group and the imprisonment of Lithuanians in Kazakhstan
    for iri in pointed:
        typed = bundled_dataset.store.ox.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(RDF + "type"), None)
        assert list(typed), iri


#################################################################
# Validation: conforms at rate 0, reports exactly the broken records otherwise
#################################################################


def test_a_register_without_broken_records_conforms(tmp_path):
    out = tmp_path / "register.ttl"
    summary = gen.generate(200, 1, 0, out)
    assert summary.broken_persons == 0
    report = validate([*gen.context_paths(), out])
    assert report.conforms, report.to_text()[:3000]
    assert not report.warnings
    assert report.triples > summary.triples


def test_validate_reports_exactly_the_broken_records_by_the_intended_shapes(tmp_path):
    out = tmp_path / "register.nt"
    summary = gen.generate(200, 1, 0.5, out)
    assert summary.broken_persons == 100 == len(summary.broken)
    assert set(summary.breakages()) == set(gen.BREAKAGES)  # every breakage comes up
    report = validate([*gen.context_paths(), out])
    flagged: dict[int, set[str]] = defaultdict(set)
    for finding in report.findings:
        number = gen.record_number(expand(finding.focus))
        assert number is not None, f"a finding outside the register's records: {finding}"
        assert finding.severity == "Violation"
        flagged[number].add(finding.shape.removeprefix("hgsh:"))
    assert set(flagged) == set(summary.broken)
    for number, names in summary.broken.items():
        intended = {gen.BREAKAGES[name].shape for name in names}
        assert intended <= flagged[number], (number, names, flagged[number])


def test_rate_one_breaks_every_record_and_the_count_rounds(tmp_path):
    assert gen.generate(40, 9, 1, tmp_path / "all.nt").broken_persons == 40
    assert gen.generate(40, 9, 0.1, tmp_path / "some.nt").broken_persons == 4
    assert gen.generate(0, 9, 0.5, tmp_path / "none.nt").triples == 8  # the source alone, with its citation


def test_record_numbers_of_the_register_iris():
    assert gen.record_number(HGID + "person/synthetic-001234") == 1234
    assert gen.record_number(HGID + "event/synthetic-000007-death") == 7
    assert gen.record_number(HGID + "person/joseph-stalin") is None
    assert gen.record_number(HGID + "source/" + gen.SOURCE) is None


#################################################################
# Arguments and writing
#################################################################


@pytest.mark.parametrize(
    "args, message",
    [
        (["--persons", "-5"], "--persons"),
        (["--persons", "ten"], "--persons"),
        (["--persons", "10", "--invalid-rate", "1.5"], "--invalid-rate"),
        (["--persons", "10", "--invalid-rate", "-0.1"], "--invalid-rate"),
        (["--persons", "10", "--invalid-rate", "nan"], "--invalid-rate"),
        (["--persons", "10", "--seed", "x"], "--seed"),
    ],
)
def test_bad_numbers_give_one_error_line_and_exit_2(run_cli, tmp_path, args, message):
    out = tmp_path / "r.nt"
    result = run_cli("generate", *args, out)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: ") and message in result.stderr
    assert not out.exists()


@pytest.mark.parametrize("name", ["blocker/r.nt", "r.csv", "folder.nt"])
def test_an_output_that_cannot_be_written_gives_one_error_line_and_exit_2(run_cli, tmp_path, name):
    (tmp_path / "blocker").write_text("a file where a folder should be\n")
    (tmp_path / "folder.nt").mkdir()
    result = run_cli("generate", "--persons", "10", tmp_path / name)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: ")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocker", "folder.nt"]


def test_the_api_refuses_bad_arguments(tmp_path):
    for persons, seed, rate in [(-1, 0, 0), (1.5, 0, 0), (True, 0, 0), (10, 0, 2), (10, "7", 0)]:
        with pytest.raises(ConfigError):
            gen.generate(persons, seed, rate, tmp_path / "r.nt")
    assert not list(tmp_path.iterdir())


def test_the_command_writes_the_register_and_says_so(run_cli, tmp_path):
    out = tmp_path / "sub" / "register.ttl"
    result = run_cli("generate", "--persons", "50", "--seed", "4", "--invalid-rate", "0.1", out)
    assert result.exit_code == 0, result.output
    assert "Wrote 50 persons (5 broken)" in result.stdout and "per person" in result.stdout
    assert out.read_bytes() == _generated(tmp_path / "api.ttl", 50, 4, 0.1)
    assert result.stderr == ""  # not a terminal: no progress bar


def _generated(path: Path, persons: int, seed: int, rate: float) -> bytes:
    gen.generate(persons, seed, rate, path)
    return path.read_bytes()


def test_a_failure_part_way_leaves_the_previous_file(tmp_path, monkeypatch):
    out = tmp_path / "register.nt"
    gen.generate(20, 1, 0, out)
    before = out.read_bytes()
    made = []
    real = gen.make_record

    def failing(rng, number, width):
        if number == 1500:
            raise RuntimeError("killed")
        made.append(number)
        return real(rng, number, width)

    monkeypatch.setattr(gen.register, "make_record", failing)
    with pytest.raises(RuntimeError):
        gen.generate(3000, 2, 0, out)
    assert len(made) == 1499  # the first thousand records had been written out
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["register.nt"]


#################################################################
# The progress bar
#################################################################


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_bar_waits_for_the_delay_then_shows_count_share_rate_and_eta():
    screen, clock = io.StringIO(), Clock()
    with progress(1000, "generate", "persons", stream=screen, enabled=True, clock=clock) as bar:
        bar.update(100)
        clock.now += 0.5
        bar.update(100)
        assert screen.getvalue() == ""  # under a second: nothing yet
        clock.now += 1.5
        bar.update(300)                  # 500 in 2 s
        line = screen.getvalue()
        assert line.startswith("\r") and "500/1,000 persons" in line and "50%" in line
        assert "250 persons/s" in line and "ETA 2s" in line
        clock.now += 0.01
        bar.update(10)
        assert screen.getvalue() == line  # redrawn at most every 0.1 s
    assert screen.getvalue().endswith("\n") and "510/1,000" in screen.getvalue()


def test_the_bar_is_silent_for_quick_work_and_when_disabled():
    for enabled, step in [(True, 0.2), (False, 5.0)]:
        screen, clock = io.StringIO(), Clock()
        with progress(10, "x", "items", stream=screen, enabled=enabled, clock=clock) as bar:
            for _ in range(4):
                clock.now += step
                bar.update()
        assert screen.getvalue() == ""


def test_the_bar_draws_only_when_stderr_and_stdout_are_terminals(monkeypatch):
    class Tty(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr("sys.stdout", Tty())
    assert watching(Tty()) and not watching(io.StringIO())
    monkeypatch.setattr("sys.stdout", io.StringIO())
    assert not watching(Tty())
    screen, clock = Tty(), Clock()
    with progress(2, "x", "items", stream=screen, clock=clock) as bar:  # stdout is not a terminal
        clock.now += 5
        bar.update(2)
    assert screen.getvalue() == ""


def test_the_bar_without_a_total_and_after_an_error_ends_its_line():
    screen, clock = io.StringIO(), Clock()
    with pytest.raises(KeyError), progress(None, "read", "rows", stream=screen, enabled=True, delay=0,
                                           clock=clock) as bar:
        clock.now += 2
        bar.update(42)
        raise KeyError("boom")
    text = screen.getvalue()
    assert "read: 42 rows" in text and "21 rows/s" in text and "%" not in text and text.endswith("\n")
