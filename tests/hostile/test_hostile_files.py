"""Hostile files: small inputs made to cost the commands without bound, or to reach what they must not.

Every command runs as a process of its own, the way a curator runs it, under a memory limit of
:data:`MEMORY` (``RLIMIT_AS``; the same files took 9 GB and more before they were guarded), with a
generous timeout as a safety net only. A file the commands refuse ends in ONE line on standard
error naming the file, exit status 2, no traceback:

- an RDF/XML "billion laughs" (nine levels of ten entity references in under a kilobyte), and an
  entity declared as a local file (XXE, ``SYSTEM "file:///etc/passwd"``), in ``validate`` and
  ``load``; small entities such as ``&owl;`` still read as before;
- RDF/XML and JSON-LD nested 200,000 levels deep; Turtle and TriG blank nodes and collections
  nested 200,000 deep are read (in linear time) instead;
- 1,000 nested blank nodes that shapes with SPARQL constraints target: validated by the fast
  engine, with no hand-over to pySHACL;
- control characters in labels and file names (ESC, CR, BEL, C1, bidi overrides) are printed as
  escapes by ``validate`` and in error lines; a mapping that is any other file is quoted by a
  short excerpt;
- dangerous output targets (``/``, ``.``, ``..``, the home folder, a folder of other files) are
  refused with one line, and nothing is written;
- a ``load --store`` killed mid-way leaves a staging folder that the next run removes;
- no command writes into the package: ``import gulag-map`` and ``reconcile`` write their default
  outputs under the current folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import heritage_graph
from heritage_graph.util import resources

TESTS = Path(__file__).resolve().parents[1]
MINI = TESTS / "fixtures" / "gulag-map-mini"
VALID = TESTS / "data" / "valid" / "claims.ttl"
#: The address space a command may take: the bundled graph validates in well under 1 GB.
MEMORY = 2 << 30
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
HG = "https://w3id.org/heritage-graph/ontology#"
ID = "https://w3id.org/heritage-graph/id/"


def _limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def run(args, cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess:
    """``heritage-graph ARGS`` in ``cwd`` as a process of its own, its memory capped at :data:`MEMORY`."""
    env = {k: v for k, v in os.environ.items() if k != "HERITAGE_GRAPH_DEBUG"}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTHONPATH"] = os.pathsep.join([str(Path(heritage_graph.__file__).parents[1]), env.get("PYTHONPATH", "")])
    return subprocess.run([sys.executable, "-m", "heritage_graph", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, encoding="utf-8", errors="surrogateescape",
                          timeout=timeout, preexec_fn=_limit_memory, check=False)


def refused(done: subprocess.CompletedProcess, *fragments: str) -> str:
    """Check a refusal: exit 2, one ``error:`` line holding every fragment, no traceback; the line."""
    shown = f"exit {done.returncode}\n--- stdout\n{done.stdout[-2000:]}\n--- stderr\n{done.stderr[-2000:]}"
    assert done.returncode == 2, shown
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), shown
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr, shown
    for fragment in fragments:
        assert fragment in lines[0], f"{fragment!r} is not in the message\n{shown}"
    return lines[0]


# Entities --------------------------------------------------------------------------------------

def laughs(levels: int = 9, used: str = "lol9") -> str:
    declared = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{k} "{("&lol;" if k == 1 else f"&lol{k - 1};") * 10}">' for k in range(1, levels + 1)]
    return ('<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n' + "\n".join(declared) + "\n]>\n"
            f'<rdf:RDF xmlns:rdf="{RDF_NS}" xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">\n'
            f'<rdf:Description rdf:about="{ID}place/laughs"><rdfs:label>&{used};</rdfs:label></rdf:Description>\n'
            "</rdf:RDF>\n")


@pytest.mark.parametrize("command", ["validate", "load"])
def test_billion_laughs_is_refused_in_bounded_memory(command, tmp_path):
    (tmp_path / "laughs.rdf").write_text(laughs(), encoding="utf-8")
    assert (tmp_path / "laughs.rdf").stat().st_size < 1100
    args = ["laughs.rdf"] if command == "validate" else ["laughs.rdf", "--store", "store"]
    refused(run([command, *args], tmp_path), "laughs.rdf:", "entities expand the document")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["laughs.rdf"]


def test_an_external_entity_is_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("the-secret-text", encoding="utf-8")
    (tmp_path / "xxe.rdf").write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [<!ENTITY x SYSTEM "{secret.as_uri()}">]>\n'
        f'<rdf:RDF xmlns:rdf="{RDF_NS}" xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">'
        f'<rdf:Description rdf:about="{ID}place/x"><rdfs:label>&x;</rdfs:label></rdf:Description></rdf:RDF>\n',
        encoding="utf-8")
    line = refused(run(["validate", "xxe.rdf"], tmp_path), "xxe.rdf:2:", "the entity 'x' is declared as another file")
    assert "the-secret-text" not in line


def test_small_entities_read_as_before(tmp_path):
    """Entities used as namespace abbreviations (as ontology editors write them) still load, expanded."""
    from heritage_graph.rdf.load import load

    path = tmp_path / "entities.rdf"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n  <!ENTITY hgid "https://w3id.org/heritage-graph/id/">\n'
        '  <!ENTITY name "Karlag &amp; &lt;Steplag&gt;">\n]>\n'
        f'<rdf:RDF xmlns:rdf="{RDF_NS}" xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">\n'
        '  <rdf:Description rdf:about="&hgid;place/entities">\n'
        '    <rdfs:label xml:lang="en">&name; camp</rdfs:label>\n'
        '  </rdf:Description>\n</rdf:RDF>\n', encoding="utf-8")
    store = load([path], with_ontology=False).store
    labels = [q.object.value for q in store.ox.quads_for_pattern(None, None, None, None)]
    assert labels == ["Karlag & <Steplag> camp"]
    found = next(iter(store.ox.quads_for_pattern(None, None, None, None)))
    assert found.subject.value == ID + "place/entities"


# Depth -----------------------------------------------------------------------------------------

DEPTH = 200_000


def deep_rdfxml(n: int) -> str:
    return (f'<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="{RDF_NS}" xmlns:ex="http://example.org/">\n'
            f'<rdf:Description rdf:about="{ID}place/deep">' + "<ex:p><rdf:Description>" * n
            + "</rdf:Description></ex:p>" * n + "</rdf:Description></rdf:RDF>\n")


def deep_jsonld(n: int) -> str:
    return (f'{{"@id": "{ID}place/deep", ' + '"http://example.org/p": {' * n
            + '"http://example.org/q": "x"' + "}" * n + "}")


@pytest.mark.parametrize("name, text", [("deep.rdf", deep_rdfxml(DEPTH)), ("deep.jsonld", deep_jsonld(DEPTH))],
                         ids=["rdfxml", "jsonld"])
def test_deep_nesting_is_refused(name, text, tmp_path):
    (tmp_path / name).write_text(text, encoding="utf-8")
    refused(run(["load", name, "--store", "store"], tmp_path), name, "nested more than 500 levels deep")
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_nesting_within_the_bound_is_read(tmp_path):
    from heritage_graph.rdf.load import load

    (tmp_path / "a.rdf").write_text(deep_rdfxml(200), encoding="utf-8")
    (tmp_path / "b.jsonld").write_text(deep_jsonld(400), encoding="utf-8")
    store = load([tmp_path / "a.rdf", tmp_path / "b.jsonld"], with_ontology=False).store
    assert store.triple_count() == 200 + 401


@pytest.mark.parametrize("suffix, opened, closed", [(".ttl", "[ ex:p ", " ]"), (".trig", "[ ex:p ", " ]"),
                                                    (".ttl", "( ", " )")], ids=["turtle-blank", "trig-blank",
                                                                               "turtle-collection"])
def test_deep_turtle_is_read_in_bounded_memory(suffix, opened, closed, tmp_path):
    text = ("@prefix ex: <http://example.org/> .\n" f"<{ID}place/deep> ex:p "
            + opened * DEPTH + "ex:end" * (opened.startswith("[")) + closed * DEPTH + " .\n")
    (tmp_path / f"deep{suffix}").write_text(text, encoding="utf-8")
    # read, not validated (the nesting is made up of undeclared terms): what is tested is the reading
    done = run(["load", f"deep{suffix}", "--store", "store", "--no-validate"], tmp_path)
    assert done.returncode == 0 and "Loaded 3 files" in done.stdout, done.stderr[-2000:]


def test_nested_blank_nodes_are_validated_by_the_fast_engine(tmp_path):
    """A thousand blank-node memorials, each part of the next, all targets of SHACL-SPARQL rules:
    pySHACL took minutes on them (the time growing with the square of the depth)."""
    n = 1000
    text = ("@prefix hg: <https://w3id.org/heritage-graph/ontology#> .\n"
            "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
            f"<{ID}site/top> a hg:Memorial ; rdfs:label \"top\"@en ; hg:partOf "
            + "[ a hg:Memorial ; rdfs:label \"part\"@en ; hg:partOf " * n + f"<{ID}site/bottom>" + " ]" * n + " .\n")
    (tmp_path / "nested.ttl").write_text(text, encoding="utf-8")
    done = run(["validate", "nested.ttl", "--format", "json"], tmp_path)
    assert done.returncode == 1, done.stderr[-2000:]
    assert "pySHACL" not in done.stderr, done.stderr
    report = json.loads(done.stdout)
    commemorates = [f for f in report["results"] if f["shape"] == "hgsh:Memorial-commemorates-something"]
    assert len(commemorates) == n + 1  # every blank memorial and the named one: none says what it commemorates


# Terminal --------------------------------------------------------------------------------------

HOSTILE_LABEL = "Karlag\\u001B]0;owned\\u0007\\u001B[2J\\rKARLAG\\u202Eevil\\u0085"


def test_control_characters_in_labels_are_escaped(tmp_path):
    (tmp_path / "camp.ttl").write_text(
        "@prefix hg: <https://w3id.org/heritage-graph/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        f'<{ID}camp/hostile> a hg:Camp ; rdfs:label "{HOSTILE_LABEL}"@en .\n', encoding="utf-8")
    done = run(["validate", "camp.ttl"], tmp_path)
    assert done.returncode == 1, done.stderr[-2000:]
    line = next(line for line in done.stdout.splitlines() if "camp:hostile" in line)
    assert "Karlag\\x1b]0;owned\\x07\\x1b[2J\\rKARLAG\\u202eevil\\x85" in line, line
    for raw in "\x1b\r\x07\u202e\x85":
        assert raw not in done.stdout + done.stderr


def test_control_characters_in_an_error_are_escaped(tmp_path):
    name = "bad\x1b[2J\r\u202e.ttl"
    (tmp_path / name).write_text("<a> <b> .\n", encoding="utf-8")
    line = refused(run(["validate", name], tmp_path), "bad\\x1b[2J\\r\\u202e.ttl")
    assert not any(raw in line for raw in "\x1b\r\u202e")


def test_control_characters_in_a_usage_error_are_escaped(tmp_path):
    done = run(["query", "--file", "missing\x1b[2J\u202e.rq"], tmp_path)
    assert done.returncode == 2 and "missing\\x1b[2J\\u202e.rq" in done.stderr, done.stderr
    assert not any(raw in done.stderr for raw in "\x1b\u202e")


def test_a_mapping_that_is_another_file_is_quoted_short(tmp_path):
    (tmp_path / "ok.csv").write_text("id,name\n1,x\n", encoding="utf-8")
    other = tmp_path / "passwd"
    other.write_text("".join(f"user{k}:x:{k}:{k}:secret-{k}:/home/user{k}:/bin/sh\n" for k in range(60)),
                     encoding="utf-8")
    line = refused(run(["import", "csv", "ok.csv", "--mapping", other], tmp_path), "passwd")
    assert len(line) < 300 and "secret-5" not in line


# Output targets --------------------------------------------------------------------------------

@pytest.mark.parametrize("args, fragment", [
    (["build", "--out", "/"], "file system's root"),
    (["build", "--out", "."], "is the current folder"),
    (["build", "--out", ".."], "holds the current folder"),
    (["build", "--out", "~"], "is the home folder"),
    (["build", "--out", "full"], "exists and is not a release"),
    (["load", "--store", "/"], "file system's root"),
    (["load", "--store", "."], "is the current folder"),
    (["load", "--store", ".."], "holds the current folder"),
    (["load", "--store", "~"], "is the home folder"),
    (["load", "--store", "full"], "exists and is not an Oxigraph store"),
    (["export", "csv", "--out", "."], "is the current folder"),
    (["import", "gulag-map", MINI, "--out", Path(heritage_graph.__file__).parent / "bundled"], "inside the installed package"),
], ids=lambda value: "-".join(map(str, value)) if isinstance(value, list) else None)
def test_a_dangerous_output_target_is_refused(args, fragment, tmp_path):
    work = tmp_path / "project"
    (work / "full").mkdir(parents=True)
    (work / "full" / "notes.txt").write_text("keep me\n", encoding="utf-8")
    args = [str(Path.home()) if a == "~" else a for a in args]
    before = tree(tmp_path)
    refused(run(args, work), fragment)
    assert tree(tmp_path) == before


# load --store killed ---------------------------------------------------------------------------

def test_a_killed_load_leaves_nothing_the_next_run_does_not_remove(tmp_path):
    """``load --store`` killed while it works leaves its staging folder beside the store; the next
    run removes it, and the store is the new one."""
    from heritage_graph.rdf.load import open_store

    register = tmp_path / "register.nt"
    done = run(["generate", "--persons", "5000", "--seed", "1", register], tmp_path)
    assert done.returncode == 0, done.stderr
    store = tmp_path / "graph"
    for delay in (0.0, 0.5, 1.0):  # killed while loading in memory, and later
        # a register without its camps and groups (not valid alone): what is tested is the staging
        process = subprocess.Popen([sys.executable, "-m", "heritage_graph", "load", register, "--store", store,
                                    "--no-validate"],
                                   cwd=tmp_path, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        assert _wait_for_staging(tmp_path, process), "the load ended before its staging folder was seen"
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".graph.")], "nothing was left to remove"
    done = run(["load", register, "--store", store, "--no-validate"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph", "register.nt"]
    assert open_store(store).triple_count() > 100_000


def _env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(Path(heritage_graph.__file__).parents[1]), env.get("PYTHONPATH", "")])
    return env


def _wait_for_staging(folder: Path, process: subprocess.Popen) -> bool:
    """Wait until a staging folder is beside the store; False if the process ended first."""
    deadline = time.monotonic() + 300
    while process.poll() is None and time.monotonic() < deadline:
        if any(p.name.startswith(".graph.") for p in folder.iterdir()):
            return True
        time.sleep(0.02)
    return False


# The package -----------------------------------------------------------------------------------

def tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with the SHA-256 of its bytes; folders as ``dir``."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if "__pycache__" in path.parts:
            continue
        key = path.relative_to(folder).as_posix()
        found[key] = "dir" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def test_no_command_writes_into_the_package(tmp_path):
    """``import gulag-map`` and ``reconcile`` run from another folder write their default outputs
    under it; the package and the bundled data are byte for byte as they were."""
    package = Path(heritage_graph.__file__).resolve().parent
    bundled = resources.folder("data")
    before = tree(package), tree(bundled)
    work = tmp_path / "elsewhere"
    work.mkdir()
    done = run(["import", "gulag-map", MINI], work)
    assert done.returncode == 0, done.stderr[-2000:]
    assert (work / "data" / "archives" / "gulag-map" / "gulag-map.ttl").is_file()
    data = [p for p in resources.data_files() if "archives" not in p.parts] + \
        [work / "data" / "archives" / "gulag-map" / "gulag-map.ttl"]
    done = run(["reconcile", "--accept", "0.9", *[a for p in data for a in ("--data", p)]], work)
    assert done.returncode == 0, done.stderr[-2000:]
    assert (work / "data" / "links" / "gulag-map-links.ttl").is_file(), done.stdout
    assert (tree(package), tree(bundled)) == before
