"""Bad input through the real command line: every case of ``tests/hostile/corpus/`` in turn.

Each case is a folder: the input files, and ``expect.yaml`` saying which command runs on them and
what must come of it (``corpus/README.md`` describes the keys). The command runs as a separate
process (``python -m heritage_graph``) in a copy of the folder, as a curator would run it, so that
whatever reaches the terminal (a logged warning, a traceback) is seen. For every case that fails:

- the exit status is the expected one (2 for unusable input, 1 for data that breaks a rule);
- unusable input gives ONE line on standard error, naming the file and line (or the archive's file
  and line) and what is wrong, and nothing on standard output (several faults found at once: a
  line saying how many, then one line per fault, each naming its file and line; the command line's
  own option checks print click's two usage lines first);
- a violation is reported with the resource, the file and line it is defined at, and the rule;
- no traceback and no "internal error";
- every file and folder of the case (inputs, the previous output, a saved store) is byte for byte
  as it was.

Adding a case is adding a folder.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from heritage_graph.rdf.load import load

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
FIXTURES = HERE.parent / "fixtures"
CASES = sorted(p for p in CORPUS.iterdir() if (p / "expect.yaml").is_file())

KEYS = {"what", "command", "exit", "stderr", "stdout", "violation", "before", "archive", "generate",
        "unreadable", "written", "xfail", "usage_error", "lines"}


def _spec(case: Path) -> dict:
    spec = yaml.safe_load((case / "expect.yaml").read_text(encoding="utf-8"))
    assert isinstance(spec, dict) and not set(spec) - KEYS, f"{case.name}/expect.yaml: unknown keys {set(spec) - KEYS}"
    assert isinstance(spec.get("command"), list) and isinstance(spec.get("exit"), int), case.name
    assert spec["exit"] == 0 or spec.get("stderr") or spec.get("violation"), \
        f"{case.name}: a failing case names the message it expects"
    return spec


def _params():
    for case in CASES:
        spec = _spec(case)
        marks = [pytest.mark.xfail(reason=spec["xfail"], strict=True)] if spec.get("xfail") else []
        yield pytest.param(case, spec, id=case.name, marks=marks)


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    """``heritage-graph ARGS`` in ``cwd``, as a process of its own (no debugging switched on)."""
    env = {k: v for k, v in os.environ.items() if k != "HERITAGE_GRAPH_DEBUG"}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return subprocess.run([sys.executable, "-m", "heritage_graph", *map(str, args)], cwd=cwd, env=env, check=False,
                          capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=300)


def snapshot(folder: Path) -> dict[str, str]:
    """Every file and folder under ``folder``: its kind and mode, and for a file the SHA-256 of its bytes."""
    found = {}
    for path in sorted(folder.rglob("*")):
        key = path.relative_to(folder).as_posix()
        mode = stat.S_IMODE(path.lstat().st_mode)
        if path.is_dir():
            found[key] = f"folder {mode:o}"
        elif not os.access(path, os.R_OK):
            found[key] = f"unreadable {mode:o} {path.stat().st_size} {path.stat().st_mtime_ns}"
        else:
            digest = hashlib.sha256()
            with path.open("rb") as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(chunk)
            found[key] = f"file {mode:o} {digest.hexdigest()}"
    return found


def prepare(case: Path, spec: dict, work: Path) -> None:
    """Copy the case to ``work``, fill in the archive it builds on, write what it generates."""
    shutil.copytree(case, work, ignore=shutil.ignore_patterns("expect.yaml"))
    if spec.get("archive"):
        base = FIXTURES / spec["archive"]
        target = work / "archive"
        target.mkdir(exist_ok=True)
        for source in base.glob("*.sql"):
            if not (target / source.name).exists():
                shutil.copy(source, target / source.name)
    generate = spec.get("generate")
    if generate:
        path = work / generate["file"]
        head, marker, tail = path.read_bytes().partition(generate["marker"].encode())
        assert marker, f"{case.name}: {generate['marker']} is not in {generate['file']}"
        with path.open("wb") as handle:
            handle.write(head)
            block = generate.get("fill", "a").encode() * (1 << 20)
            left = int(generate["size"])
            while left > 0:
                handle.write(block[:left])
                left -= len(block)
            handle.write(tail)
    if spec.get("unreadable"):
        if os.geteuid() == 0:
            pytest.skip("running as root, who reads a file whatever its permissions")
        (work / spec["unreadable"]).chmod(0)


@pytest.mark.parametrize("case, spec", list(_params()))
def test_bad_input(case, spec, tmp_path):
    work = tmp_path / case.name
    prepare(case, spec, work)
    try:
        for command in spec.get("before", []):
            done = run(command, work)
            assert done.returncode == 0, f"setting up with {command}: {done.stderr}"
        before = snapshot(work)
        result = run(spec["command"], work)
        after = snapshot(work)
    finally:
        for path in work.rglob("*"):  # let the temporary folder be removed
            if not path.is_symlink():
                path.chmod(path.stat().st_mode | stat.S_IRUSR | stat.S_IWUSR | stat.S_IXUSR)
    shown = f"exit {result.returncode}\n--- stdout\n{result.stdout[:3000]}\n--- stderr\n{result.stderr[:3000]}"
    assert result.returncode == spec["exit"], shown
    assert "Traceback" not in result.stdout + result.stderr, shown
    assert "internal error" not in result.stdout + result.stderr, shown
    if spec["exit"] == 2:
        assert result.stdout == "", shown
        _check_message(result.stderr, spec["stderr"], lines=spec.get("lines", 1),
                       usage=spec.get("usage_error", False), shown=shown)
    if spec["exit"] == 1:
        _check_violation(result.stdout, spec["violation"], shown)
        # nothing on standard error but notes on how the validation ran, one line each
        assert all(line.startswith("note: ") and len(line) < 400 for line in result.stderr.splitlines()), shown
    if spec["exit"] != 0:
        assert after == before, f"the command changed files of the case:\n{_diff(before, after)}"
    else:
        for fragment in _list(spec.get("stdout")):
            assert fragment in result.stdout.splitlines(), f"{fragment!r} is not a line of the output\n{shown}"
        if spec.get("written"):  # an import validates before it writes: what is written conforms
            assert "conforms to the shapes" in result.stdout, shown
        for written in spec.get("written", []):
            assert after.get(written, "").startswith("file ") and after[written] != before.get(written), \
                f"{written} was not written"
            if written.endswith(".ttl"):
                assert load([work / written], with_ontology=False).store.triple_count() > 0


def _list(value) -> list[str]:
    return [] if value is None else [value] if isinstance(value, str) else list(value)


def _check_message(stderr: str, fragments, *, lines: int, usage: bool, shown: str) -> None:
    """One line for one fault; for several (``lines`` > 1), a line saying how many, then one per fault.

    With one line every fragment must be in it; with several, the fragments are the lines' in order.
    """
    found = stderr.strip("\n").splitlines()
    if usage:  # click's own usage errors: two lines of usage, a blank line, then the error
        assert found[0].startswith("Usage: heritage-graph ") and found[1].startswith("Try '"), shown
        assert found[2] == "", shown
        found = found[3:]
    assert len(found) == lines, f"expected {lines} line(s) on standard error\n{shown}"
    assert found[0].startswith("error: ") or (usage and found[0].startswith("Error: ")), shown
    if lines == 1:
        for fragment in _list(fragments):
            assert fragment in found[0], f"{fragment!r} is not in the message\n{shown}"
        return
    assert len(_list(fragments)) == lines, f"give a fragment for each of the {lines} lines"
    for line, fragment in zip(found, _list(fragments)):
        assert fragment in line, f"{fragment!r} is not in the line {line!r}\n{shown}"
    file = found[0].removeprefix("error: ").split(":", 1)[0]
    for line in found[1:]:
        assert re.match(rf"  {re.escape(file)}:\d+: ", line), f"{line!r} does not name {file}:LINE\n{shown}"


def _check_violation(stdout: str, expected: dict, shown: str) -> None:
    """The text report has a block for the resource, headed with where it is defined, that names the rule."""
    assert re.match(r"Validated \d+ files, \d+ triples: [1-9]\d* violations", stdout), shown
    assert "The data does not conform to the shapes." in stdout, shown
    blocks = re.split(r"\n(?=\S)", stdout)
    heads = [b for b in blocks if b.startswith((expected["focus"] + " ", expected["focus"] + "\n"))]
    assert heads, f"no block for {expected['focus']}\n{shown}"
    block = heads[0]
    assert block.splitlines()[0].endswith(f"({expected['where']})"), f"not defined at {expected['where']}\n{shown}"
    lines = [line for line in block.splitlines()[1:] if line.strip().startswith("violation:")
             and line.rstrip().endswith(f"[{expected['rule']}]")]
    assert lines, f"no violation of {expected['rule']} for {expected['focus']}\n{shown}"
    assert any(expected["message"] in line for line in lines), f"{expected['message']!r} not said\n{shown}"
    if "value" in expected:
        assert any(f"= {expected['value']}:" in line for line in lines), shown


def _diff(before: dict, after: dict) -> str:
    keys = sorted(set(before) | set(after))
    return "\n".join(f"  {k}: {before.get(k)} -> {after.get(k)}" for k in keys if before.get(k) != after.get(k))


def test_the_corpus_is_well_formed():
    """Every case folder has its expectations; every expectation file belongs to a case with input."""
    folders = sorted(p for p in CORPUS.iterdir() if p.is_dir())
    assert folders == CASES, [p.name for p in folders if p not in CASES]
    for case in CASES:
        spec = _spec(case)
        inputs = [p for p in case.rglob("*") if p.name != "expect.yaml"]
        assert inputs or spec.get("archive"), f"{case.name}: no input"
        assert spec.get("what"), f"{case.name}: say what the case is"


# What the corpus cannot hold as files ---------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_is_refused_not_read_forever(tmp_path):
    os.mkfifo(tmp_path / "input.ttl")
    result = run(["validate", "input.ttl"], tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == "error: input.ttl: not a regular file (a device, a pipe or a socket)\n"


def test_the_loader_finds_resources_defined_in_two_files():
    """What validate needs to report a copied definition (see the case duplicate-definition-identical)."""
    case = CORPUS / "duplicate-definition-identical"
    dataset = load([case / "camps.ttl", case / "copy-of-camps.ttl"])
    found = {iri.rsplit("/id/", 1)[1]: [(path.name, line) for path, line in places]
             for iri, places in dataset.duplicate_definitions()}
    assert found == {
        "source/test": [("camps.ttl", 9), ("copy-of-camps.ttl", 9)],
        "place/testville": [("camps.ttl", 13), ("copy-of-camps.ttl", 13)],
        "camp/testlag": [("camps.ttl", 17), ("copy-of-camps.ttl", 17)],
    }
    single = load([case / "camps.ttl"])
    assert single.duplicate_definitions() == []


def test_a_finding_names_the_line_of_a_name_written_with_escapes(tmp_path):
    """``hgid:claim\\/x`` is the resource ``hgid:`` + ``claim/x``: its line is found all the same."""
    path = tmp_path / "escaped.ttl"
    path.write_text((CORPUS / "count-negative" / "claims.ttl").read_text(encoding="utf-8")
                    .replace("@prefix claim:   <https://w3id.org/heritage-graph/id/claim/> .",
                             "@prefix hgid:    <https://w3id.org/heritage-graph/id/> .")
                    .replace("claim:testlag-prisoners-1954-test", "hgid:claim\\/testlag-prisoners-1954-test"),
                    encoding="utf-8")
    result = run(["validate", path.name], tmp_path)
    assert result.returncode == 1, result.stderr
    assert 'claim:testlag-prisoners-1954-test  "Testlag prisoners in 1954 (test source)"  (escaped.ttl:22)' \
        in result.stdout, result.stdout
