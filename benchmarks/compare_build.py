"""The build of two revisions side by side, on the same machine at the same time.

    python benchmarks/compare_build.py --persons 45163 --before e19ca2c [--runs 2] [--record]

A build of a large register writes hundreds of thousands of small files, so its time depends on
how fast the file system creates files, which on a virtual machine's disk varies several times
over from one hour to the next. This script measures the two things apart: it times the creation
of 20,000 files of 3 kB in the folder the builds write to (the file system's speed, now), then
builds the register with the revision ``--before`` and with ``--after`` (default: HEAD), each
checked out apart, alternately, each the register its own ``heritage-graph generate`` writes for
the same persons and seed (so that each revision's shapes accept it), ``--runs``
times each, into a folder on the disk and into one in memory (``/dev/shm``, where the system has
it), each build in a fresh process. With ``--record`` the figures are written into
benchmarks/RESULTS.md as its section "Build, before and after".
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
SECTION = "## Build, before and after"

#: The build, run in a fresh process with the revision's sources first on the path.
BUILD = """
import json, sys, time
from pathlib import Path
try:
    from heritage_graph.publish.build import build
except ImportError:
    from heritage_graph.publish import build
from heritage_graph import generate
out, register = Path(sys.argv[1]), Path(sys.argv[2])
started = time.perf_counter()
result = build(out / "release", data_paths=[*generate.context_paths(), register],
               progress=lambda *a, **k: None, date="2026-01-01")
print(json.dumps({"seconds": time.perf_counter() - started, "files": result.files,
                  "steps": getattr(result, "steps", {})}))
"""


def file_creation(folder: Path, count: int = 20_000, size: int = 3_000) -> float:
    """Seconds to create ``count`` files of ``size`` bytes in a new folder under ``folder``."""
    where = Path(tempfile.mkdtemp(prefix="hg-files-", dir=folder))
    content = b"x" * size
    try:
        started = time.perf_counter()
        for i in range(count):
            (where / f"f{i}.html").write_bytes(content)
        return time.perf_counter() - started
    finally:
        shutil.rmtree(where, ignore_errors=True)


def checkout(revision: str, where: Path) -> Path:
    """The sources of ``revision`` in a detached worktree at ``where``."""
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(where), revision],
                   check=True, capture_output=True)
    return where / "src"


GENERATE = """
import sys
from pathlib import Path
from heritage_graph import generate
summary = generate.generate(int(sys.argv[1]), int(sys.argv[2]), 0.0, Path(sys.argv[3]), show_progress=False)
print(summary.triples)
"""


def register_of(sources: Path, persons: int, seed: int, where: Path) -> tuple[Path, int]:
    """The register the revision at ``sources`` generates, and its triples."""
    path = where / "register.nt"
    done = subprocess.run([sys.executable, "-c", GENERATE, str(persons), str(seed), str(path)], capture_output=True,
                          text=True, env={"PYTHONPATH": str(sources), "PATH": "/usr/bin:/bin"}, check=True)
    return path, int(done.stdout.strip().splitlines()[-1])


def one_build(sources: Path, register: Path, folder: Path) -> dict:
    where = Path(tempfile.mkdtemp(prefix="hg-build-", dir=folder))
    try:
        done = subprocess.run([sys.executable, "-c", BUILD, str(where), str(register)], capture_output=True,
                              text=True, env={"PYTHONPATH": str(sources), "PATH": "/usr/bin:/bin"})
        if done.returncode != 0:
            raise SystemExit(f"the build with {sources} failed: {done.stderr.strip().splitlines()[-1:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(where, ignore_errors=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, required=True,
                        help="persons in the register (benchmarks/run.py's persons_for: 45163 for about 1M triples)")
    parser.add_argument("--seed", type=int, default=1954)
    parser.add_argument("--before", required=True, help="the revision to compare with (a commit)")
    parser.add_argument("--after", default="HEAD", help="the revision to compare (default: HEAD)")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--disk", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--memory", type=Path, default=Path("/dev/shm"))
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args(argv)
    folders = {"disk": args.disk}
    if args.memory.is_dir():
        folders["memory"] = args.memory
    trees = [Path(tempfile.mkdtemp(prefix="hg-before-")) / "tree", Path(tempfile.mkdtemp(prefix="hg-after-")) / "tree"]
    revision, now = (subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", rev], check=True,
                                    capture_output=True, text=True).stdout.strip() for rev in (args.before, args.after))
    # both revisions checked out apart: the checkout's own sources may change while this runs
    sources = {f"before ({revision})": checkout(args.before, trees[0]), f"after ({now})": checkout(args.after, trees[1])}
    registers = {}
    for name, src in sources.items():
        registers[name] = register_of(src, args.persons, args.seed, src.parent)
        print(f"{name}: register of {registers[name][1]:,} triples", flush=True)
    figures: dict = {name: {where: [] for where in folders} for name in sources}
    files: dict = {}
    creation = {where: [] for where in folders}
    try:
        for run in range(args.runs):
            for where, folder in folders.items():
                creation[where].append(file_creation(folder))
                for name, src in sources.items():
                    result = one_build(src, registers[name][0], folder)
                    figures[name][where].append(result["seconds"])
                    files[name] = result["files"]
                    print(f"run {run + 1}, {where}: {name} {result['seconds']:.1f} s, {result['files']:,} files; "
                          f"steps {json.dumps(result['steps'])}", flush=True)
    finally:
        for tree in trees:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], capture_output=True)
    lines = [SECTION, "",
             f"`python benchmarks/compare_build.py --persons {args.persons} --before {revision} --runs "
             f"{args.runs}`: the build of a register of {args.persons:,} persons "
             f"({', '.join(f'{n}: {t:,} triples' for n, (_, t) in registers.items())}, each as its own revision "
             "generates it) by the revision before and by this one, alternately, each in a fresh process; the median of the runs. The file system's speed "
             "is measured beside them (20,000 files of 3 kB created, before each round), since a build "
             "writes hundreds of thousands of files and a virtual disk's speed varies over the day.", "",
             "| revision | files written | " + " | ".join(f"build, {w} (`{folders[w]}`)" for w in folders) + " |",
             "|---|---|" + "---|" * len(folders)]
    for name in sources:
        lines.append(f"| {name} | {files[name]:,} | " + " | ".join(
            f"{statistics.median(figures[name][w]):.1f} s ({', '.join(f'{s:.1f}' for s in figures[name][w])})"
            for w in folders) + " |")
    lines.append("| 20,000 files of 3 kB created | | " + " | ".join(
        ", ".join(f"{s:.2f} s" for s in creation[w]) for w in folders) + " |")
    text = "\n".join(lines) + "\n"
    print("\n" + text)
    if args.record:
        before = RESULTS.read_text(encoding="utf-8")
        if SECTION in before:
            start = before.index(SECTION)
            rest = before[start + len(SECTION):]
            end = rest.find("\n## ")
            before = before[:start] + (rest[end + 1:] if end >= 0 else "")
        RESULTS.write_text(before.rstrip("\n") + "\n\n" + text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
