"""Archive-scale benchmark: load, validate, query, build and push a synthetic register.

    python benchmarks/run.py                       # 10k, 100k and 1M triples, results in benchmarks/RESULTS.md
    python benchmarks/run.py --sizes 10000 --no-virtuoso --out /tmp/results.md

For each size it writes a register with ``heritage-graph generate`` (about that many triples, 1% of
the records broken in the copy that is validated, so that validation has something to report), then
measures, each step in a
fresh process so that the peak memory is that step's own:

- ``load``: the register with the camps, people groups and events it points to, and the ontology,
  one named graph per file; against the raw pyoxigraph bulk load of the same files;
- ``validate``: the fast engine against pyshacl on an rdflib memory graph (the naive baseline),
  and whether both report the same violations;
- every stored query on the loaded store (the slowest of two runs), the paginated ones from the
  listings worked out for it (as ``serve --data`` does; timed), and what the store takes for them
  without; ``prisoner-shares`` in rdflib's own query engine (the naive baseline);
- ``saved store``: ``load --store`` with its listings, then every stored query on that store on disk;
- ``build``: the whole release (validation, dumps, pages, VoID/DCAT);
- ``push``: to an Oxigraph server and to Virtuoso started here, then every stored query through
  the endpoint.

Baseline steps that take longer than ``--baseline-timeout`` seconds are stopped and reported so.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = 1954
INVALID_RATE = 0.01


# Steps, each run in its own process ------------------------------------------------------------


def _broken(register: Path) -> Path:
    """The register of the same size with 1% of its records broken, for the validation steps."""
    return register.with_name(register.stem + "-broken" + register.suffix)


def _files(register: Path) -> list[Path]:
    from heritage_graph import generate
    from heritage_graph.util import resources
    from heritage_graph.rdf.load import expand

    return expand(resources.ontology_files()) + expand(generate.context_paths()) + [register]


def step_raw_load(register: Path) -> dict:
    import pyoxigraph as ox

    from heritage_graph.rdf.load import FORMATS, graph_iri

    files = _files(register)
    started = time.perf_counter()
    store = ox.Store()
    for path in files:
        store.bulk_load(path=str(path), format=FORMATS[path.suffix], to_graph=ox.NamedNode(graph_iri(path)))
    return {"seconds": time.perf_counter() - started, "triples": len(store)}


def step_load(register: Path) -> dict:
    from heritage_graph.rdf.load import load

    files = _files(register)
    started = time.perf_counter()
    dataset = load(files, with_ontology=False)
    return {"seconds": time.perf_counter() - started, "triples": dataset.store.triple_count()}


def _findings_key(report) -> list[tuple]:
    return sorted({(f.severity, f.focus, f.path or "", f.value or "", f.shape, f.component, f.message)
                   for f in report.findings})


def step_validate(register: Path) -> dict:
    register = _broken(register)
    from heritage_graph.rdf.load import load
    from heritage_graph.validate.run import validate

    dataset = load(_files(register), with_ontology=False)
    started = time.perf_counter()
    report = validate(dataset=dataset)
    seconds = time.perf_counter() - started
    key = _findings_key(report)
    Path(str(register) + ".fast.json").write_text(json.dumps(key))
    return {"seconds": seconds, "violations": len(report.violations)}


def step_validate_baseline(register: Path) -> dict:
    """The naive path: rdflib parses every file into one memory graph, pyshacl validates it."""
    register = _broken(register)
    import pyshacl
    import rdflib

    from heritage_graph.util import resources

    started = time.perf_counter()
    data = rdflib.Graph()
    for path in _files(register):
        data.parse(path)
    parsed = time.perf_counter() - started
    shapes = rdflib.Graph()
    for path in resources.shape_files():
        shapes.parse(path)
    conforms, results, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True,
                                            allow_warnings=True)
    seconds = time.perf_counter() - started
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    violations = sum(1 for r in results.objects(None, sh.result)
                     if results.value(r, sh.resultSeverity) == sh.Violation)
    return {"seconds": seconds, "parse seconds": parsed, "violations": violations}


def step_validate_pyshacl(register: Path) -> dict:
    """The project's own pyshacl path (the reference the fast engine is tested against)."""
    register = _broken(register)
    from heritage_graph.rdf.load import load
    from heritage_graph.validate.run import validate

    dataset = load(_files(register), with_ontology=False)
    started = time.perf_counter()
    report = validate(dataset=dataset, engine="pyshacl")
    seconds = time.perf_counter() - started
    fast = Path(str(register) + ".fast.json")
    same = None
    if fast.exists():
        same = json.loads(fast.read_text()) == [list(k) for k in _findings_key(report)]
    return {"seconds": seconds, "violations": len(report.violations), "same as fast": same}


def step_queries(register: Path) -> dict:
    """Every stored query on the store in memory, as ``serve --data`` answers them: the paginated
    ones from the listings it works out when it starts (timed here), and what the store itself
    takes for them."""
    from heritage_graph.queries import listing
    from heritage_graph.queries import catalogue as q
    from heritage_graph.rdf.load import load

    dataset = load(_files(register), with_ontology=False)
    store = dataset.store
    engine = {name: _timed_query(q, name, store, runs=1) for name, stored in sorted(q.catalogue().items())
              if listing.listable(stored)}
    with tempfile.TemporaryDirectory(prefix="hg-bench-listings-") as folder:
        started = time.perf_counter()
        listing.build(store, Path(folder) / listing.FOLDER)
        listings_seconds = time.perf_counter() - started
        store.listings = listing.Listings(Path(folder) / listing.FOLDER)
        times = _all_queries(q, store)
    for name, figures in engine.items():
        times[name]["engine"] = figures
    slowest = max(times, key=lambda n: times[n]["seconds"])
    return {"seconds": times[slowest]["seconds"], "slowest": slowest, "queries": times,
            "listings seconds": listings_seconds}


def step_saved_store(register: Path) -> dict:
    """``heritage-graph load --store`` (with its listings), then every stored query on the saved
    store, on disk, as ``query --store`` and ``serve --store`` answer them."""
    from heritage_graph.queries import catalogue as q
    from heritage_graph.queries.saved import open_store, save_store

    with tempfile.TemporaryDirectory(prefix="hg-bench-store-") as folder:
        started = time.perf_counter()
        save_store(_files(register), Path(folder) / "store", base=None)
        seconds = time.perf_counter() - started
        store = open_store(Path(folder) / "store")
        assert store.listings is not None
        times = _all_queries(q, store)
    slowest = max(times, key=lambda n: times[n]["seconds"])
    return {"seconds": seconds, "queries": times, "slowest": slowest}


def _all_queries(q, store) -> dict:
    return {name: _timed_query(q, name, store, runs=2) for name in sorted(q.catalogue())
            if name != "federated-example"}


def _timed_query(q, name: str, store, runs: int) -> dict:
    """The slowest of ``runs`` runs of a stored query as a user runs it: a paginated query (``names``,
    ``timeline``) its first page; for those, the whole answer is timed once too."""
    from heritage_graph.queries import run as qrun

    stored = q.find(name)
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        if stored.pagination:
            rows = len(qrun.run_page(stored, store, None, 1).result.rows)
        else:
            rows = len(qrun.run(stored, store).rows)
        seconds.append(time.perf_counter() - started)
    figures = {"seconds": max(seconds), "first": seconds[0], "rows": rows}
    if stored.pagination:
        started = time.perf_counter()
        figures["all rows"] = len(qrun.run(stored, store).rows)
        figures["all seconds"] = time.perf_counter() - started
    return figures


def step_query_baseline(register: Path) -> dict:
    """prisoner-shares in rdflib's own SPARQL engine over a memory graph."""
    import rdflib

    from heritage_graph.queries import catalogue as q

    data = rdflib.Graph()
    for path in _files(register):
        data.parse(path)
    text = q.find("prisoner-shares").text
    started = time.perf_counter()
    rows = list(data.query(text))
    return {"seconds": time.perf_counter() - started, "rows": len(rows)}


def step_build(register: Path) -> dict:
    from heritage_graph import generate
    from heritage_graph.publish.build import build

    with tempfile.TemporaryDirectory(prefix="hg-bench-build-") as folder:
        started = time.perf_counter()
        result = build(Path(folder) / "release", data_paths=[*generate.context_paths(), register],
                       progress=lambda *a, **k: None, date="2026-01-01")
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "steps": {k: round(v, 2) for k, v in getattr(result, "steps", {}).items()}}


def step_push_oxigraph(register: Path) -> dict:
    sys.path.insert(0, str(ROOT))
    from tests.servers import oxigraph_server

    from heritage_graph import push as p
    from heritage_graph.queries import catalogue as q
    from heritage_graph.rdf.load import load
    from heritage_graph.rdf.store import EndpointStore

    dataset = load(_files(register), with_ontology=False)
    with tempfile.TemporaryDirectory(prefix="hg-bench-ox-") as folder, oxigraph_server(Path(folder)) as base:
        started = time.perf_counter()
        result = p.push(base, dataset=dataset, timeout=3600)
        seconds = time.perf_counter() - started
        remote = EndpointStore(base + "/query", timeout=600)
        times = _remote_queries(q, remote)
    return {"seconds": seconds, "timings": {k: round(v, 2) for k, v in result.timings.items()}, "queries": times}


def step_push_virtuoso(register: Path) -> dict:
    sys.path.insert(0, str(ROOT))
    from tests.virtuoso import missing_reason, virtuoso_server

    from heritage_graph import push as p
    from heritage_graph.queries import catalogue as q
    from heritage_graph.rdf.load import load
    from heritage_graph.rdf.store import EndpointStore

    reason = missing_reason()
    if reason:
        return {"skipped": reason}
    dataset = load(_files(register), with_ontology=False)
    with tempfile.TemporaryDirectory(prefix="hg-bench-virtuoso-") as folder, virtuoso_server(Path(folder)) as server:
        started = time.perf_counter()
        result = p.push(server.base, store_kind="virtuoso", user=server.user, password=server.password,
                        auth="digest", dataset=dataset, timeout=3600)
        seconds = time.perf_counter() - started
        times = _remote_queries(q, EndpointStore(server.sparql, timeout=600))
    return {"seconds": seconds, "timings": {k: round(v, 2) for k, v in result.timings.items()}, "queries": times}


def _remote_queries(q, store) -> dict:
    return {name: _timed_query(q, name, store, runs=1) for name in sorted(q.catalogue())
            if name != "federated-example"}


def cold_query() -> dict:
    """``heritage-graph query prisoner-shares`` on the bundled graph, a new process each time."""
    command = [str(Path(sys.executable).with_name("heritage-graph")), "query", "prisoner-shares"]
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
        runs.append(time.perf_counter() - started)
    return {"seconds": max(runs), "runs": runs}


STEPS = {
    "raw load": step_raw_load,
    "load": step_load,
    "validate": step_validate,
    "validate (pyshacl path)": step_validate_pyshacl,
    "validate baseline": step_validate_baseline,
    "queries": step_queries,
    "saved store": step_saved_store,
    "query baseline": step_query_baseline,
    "build": step_build,
    "push oxigraph": step_push_oxigraph,
    "push virtuoso": step_push_virtuoso,
}
BASELINES = {"validate baseline", "query baseline", "validate (pyshacl path)"}


def run_step(name: str, register: Path) -> None:
    """Run one step here and print its figures, with this process's peak memory, as JSON."""
    figures = STEPS[name](register)
    # the build's: the larger of its process's peak and its page writer's; the pushes' not the servers'
    who = (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN) if name == "build" else (resource.RUSAGE_SELF,)
    figures["peak MB"] = max(resource.getrusage(w).ru_maxrss for w in who) / 1024
    print(json.dumps(figures))


def measure(name: str, register: Path, timeout: float | None) -> dict:
    """Run a step in a fresh process; its figures, or why there are none."""
    command = [sys.executable, __file__, "--step", name, "--register", str(register)]
    started = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"stopped": f"stopped after {timeout:.0f} s"}
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"failed": last}
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    figures["wall"] = time.perf_counter() - started
    return figures


# The run ---------------------------------------------------------------------------------------


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    import pyoxigraph
    import pyshacl
    import rdflib

    return (f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, pyoxigraph {pyoxigraph.__version__}, "
            f"rdflib {rdflib.__version__}, pyshacl {pyshacl.__version__}")


def persons_for(triples: int) -> int:
    """How many register persons give about ``triples`` triples (measured on a small register)."""
    from heritage_graph import generate

    with tempfile.TemporaryDirectory() as folder:
        summary = generate.generate(2000, SEED, INVALID_RATE, Path(folder) / "probe.nt", show_progress=False)
    return max(1, round(triples / summary.triples_per_person))


def fmt_seconds(figures: dict) -> str:
    if "stopped" in figures:
        return figures["stopped"]
    if "failed" in figures:
        return "failed: " + figures["failed"][:80]
    if "skipped" in figures:
        return "skipped: " + figures["skipped"]
    return f"{figures['seconds']:.2f} s"


def fmt_memory(figures: dict) -> str:
    return f"{figures['peak MB']:.0f} MB" if "peak MB" in figures else ""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="register sizes in triples")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "RESULTS.md")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--baseline-timeout", type=float, default=600.0)
    parser.add_argument("--no-virtuoso", action="store_true")
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--register", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.step:
        run_step(args.step, args.register)
        return 0

    from heritage_graph import generate

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="hg-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",")]
    results: dict[int, dict] = {}
    cold = cold_query()
    print(f"== heritage-graph query prisoner-shares, cold, on the bundled graph: "
          f"{', '.join(f'{t:.2f}' for t in cold['runs'])} s", flush=True)
    for size in sizes:
        persons = persons_for(size)
        register = workdir / f"register-{size}.nt"
        started = time.perf_counter()
        summary = generate.generate(persons, SEED, 0.0, register, show_progress=False)
        broken = generate.generate(persons, SEED, INVALID_RATE, _broken(register), show_progress=False)
        row = {"generate": {"seconds": time.perf_counter() - started, "persons": persons,
                            "triples": summary.triples, "broken": broken.broken_persons}}
        print(f"\n== {summary.triples:,} register triples ({persons:,} persons; for validation "
              f"{broken.broken_persons:,} of them broken), generated in {row['generate']['seconds']:.1f} s",
              flush=True)
        for name in STEPS:
            if name == "push virtuoso" and args.no_virtuoso:
                continue
            if name == "build" and args.no_build:
                continue
            timeout = args.baseline_timeout if name in BASELINES else None
            figures = measure(name, register, timeout)
            row[name] = figures
            extra = ""
            if name == "queries" and "slowest" in figures:
                extra = f" (slowest: {figures['slowest']})"
            if "violations" in figures:
                extra += f" ({figures['violations']} violations)"
            if figures.get("same as fast") is not None:
                extra += f" same as fast: {figures['same as fast']}"
            print(f"  {name:26s} {fmt_seconds(figures):>24s} {fmt_memory(figures):>9s}{extra}", flush=True)
        results[size] = row
    text = report(results, machine(), cold)
    from heritage_graph.util.atomic import write_atomic

    if args.out.exists():  # the server's figures (benchmarks/server.py --record) are kept as they are
        before = args.out.read_text(encoding="utf-8")
        if "\n## Server" in before:
            text = text.rstrip("\n") + "\n\n" + before[before.index("\n## Server") + 1:]
    write_atomic(args.out, text.encode("utf-8"))
    write_atomic(args.out.with_suffix(".json"),
                 json.dumps({"cold query": cold, "sizes": results}, indent=1, default=str).encode("utf-8"))
    print(f"\nWrote {args.out}")
    return 0


def _query_cell(t: dict | None) -> str:
    if not t:
        return ""
    cell = f"{t['seconds']:.3f}"
    if "all seconds" in t:
        cell += f" ({t['all seconds']:.2f} for {t['all rows']:,} rows)"
    if "engine" in t:
        e = t["engine"]
        cell += f"; store: {e['seconds']:.3f} ({e['all seconds']:.2f})"
    return cell


def ratio(a: dict, b: dict) -> str:
    """b's time over a's time."""
    if "seconds" in a and "seconds" in b and a["seconds"] > 0:
        return f"{b['seconds'] / a['seconds']:.1f}×"
    return ""



def _targets(row: dict, cold: dict) -> list[tuple[str, float | None, float, str]]:
    """The issue's targets at one size: (what, the figure measured, the limit, its unit)."""
    def seconds(name):
        return row.get(name, {}).get("seconds")

    load, raw = seconds("load"), seconds("raw load")
    queries = row.get("queries", {}).get("queries", {})
    slowest = max(queries, key=lambda n: queries[n]["seconds"]) if queries else None
    own = [f for name, f in row.items() if name not in BASELINES and isinstance(f, dict) and "peak MB" in f]
    return [
        ("load ÷ raw pyoxigraph load", load / raw if load and raw else None, 1.5, "×"),
        ("validate", seconds("validate"), 15.0, " s"),
        (f"slowest stored query, in memory with listings ({slowest})", queries[slowest]["seconds"] if slowest else None,
         0.3, " s"),
        ("build", seconds("build"), 60.0, " s"),
        ("peak memory of any step (not the baselines)", max((f["peak MB"] for f in own), default=None), 2048.0,
         " MB"),
        ("cold `query prisoner-shares` on the bundled graph", cold["seconds"], 0.8, " s"),
    ]


def report(results: dict[int, dict], machine_text: str, cold: dict) -> str:
    lines = ["# Benchmark: a synthetic register at archive scale", "",
             f"Machine: {machine_text}.", "",
             "Made with `python benchmarks/run.py` (see the file for what each step measures). Each step "
             "runs in a fresh process; memory is that process's peak resident size. Register: "
             f"`heritage-graph generate --seed {SEED}` (validated: the same register with "
             f"`--invalid-rate {INVALID_RATE}`), loaded with the bundled files it points to and the ontology. "
             "Baselines that did not finish within the time limit are shown as stopped.", ""]
    sizes = list(results)
    largest = sizes[-1]
    lines += [f"Targets, at {results[largest]['generate']['triples']:,} register triples:", "",
              "| target | measured | limit | met |", "|---|---|---|---|"]
    for what, value, limit, unit in _targets(results[largest], cold):
        shown = "not measured" if value is None else f"{value:,.2f}{unit}"
        met = "" if value is None else ("yes" if value <= limit else "**no**")
        lines.append(f"| {what} | {shown} | {limit:,g}{unit} | {met} |")
    lines += ["", "Every step:", ""]
    header = "| step | " + " | ".join(f"{results[s]['generate']['triples']:,} triples" for s in sizes) + " |"
    lines += [header, "|---" * (len(sizes) + 1) + "|"]

    def cell(size, name):
        figures = results[size].get(name)
        if figures is None:
            return "not run"
        return f"{fmt_seconds(figures)}, {fmt_memory(figures)}".rstrip(", ")

    for name in ["raw load", "load", "validate", "validate (pyshacl path)", "validate baseline", "queries",
                 "listings", "query baseline", "saved store", "build", "push oxigraph", "push virtuoso"]:
        if name == "listings":
            if any("listings seconds" in results[s].get("queries", {}) for s in sizes):
                lines.append("| listings (worked out in memory, as `serve --data` does when it starts) | " + " | ".join(
                    f"{results[s]['queries']['listings seconds']:.2f} s" if "listings seconds" in
                    results[s].get("queries", {}) else "" for s in sizes) + " |")
            continue
        if any(name in results[s] for s in sizes):
            label = {"queries": "slowest stored query (in memory, with listings)",
                     "saved store": "load --store (with listings)"}.get(name, name)
            lines.append(f"| {label} | " + " | ".join(cell(s, name) for s in sizes) + " |")
    lines += ["", "Ratios:", ""]
    lines.append("| ratio | " + " | ".join(f"{results[s]['generate']['triples']:,}" for s in sizes) + " |")
    lines.append("|---" * (len(sizes) + 1) + "|")
    pairs = [("load time ÷ raw pyoxigraph load time (target ≤ 1.5)", "load", "raw load"),
             ("rdflib + pyshacl time ÷ fast validation time", "validate baseline", "validate"),
             ("pyshacl path time ÷ fast validation time", "validate (pyshacl path)", "validate")]
    for label, numerator, denominator in pairs:
        lines.append(f"| {label} | " + " | ".join(
            ratio(results[s].get(denominator, {}), results[s].get(numerator, {})) for s in sizes) + " |")
    cells = []
    for s in sizes:
        a = results[s].get("queries", {}).get("queries", {}).get("prisoner-shares")
        b = results[s].get("query baseline", {})
        cells.append(ratio(a, b) if a else "")
    lines.append("| prisoner-shares: rdflib's engine time ÷ Oxigraph time | " + " | ".join(cells) + " |")
    same = [str(results[s].get("validate (pyshacl path)", {}).get("same as fast", "")) for s in sizes]
    lines.append("| fast validation reports what pyshacl reports | " + " | ".join(same) + " |")
    lines += ["", "Every stored query (seconds, slowest of two runs on the embedded store in memory; for a "
              "query that answers in pages, its first page read from the listing, in brackets the whole "
              "answer read from it once, and after `store:` what the store takes to work out the first page "
              "and, in brackets, the whole answer, without the listing):", ""]
    names = sorted({n for s in sizes for n in results[s].get("queries", {}).get("queries", {})})
    lines.append("| query | " + " | ".join(f"{results[s]['generate']['triples']:,}" for s in sizes) + " |")
    lines.append("|---" * (len(sizes) + 1) + "|")
    for n in names:
        row = []
        for s in sizes:
            t = results[s].get("queries", {}).get("queries", {}).get(n)
            row.append(_query_cell(t))
        lines.append(f"| {n} | " + " | ".join(row) + " |")
    if any("queries" in results[s].get("saved store", {}) for s in sizes):
        lines += ["", "Every stored query on the saved store, on disk (`load --store`, then `query --store`; "
                  "seconds, slowest of two runs; paginated queries from the store's listings):", ""]
        lines.append("| query | " + " | ".join(f"{results[s]['generate']['triples']:,}" for s in sizes) + " |")
        lines.append("|---" * (len(sizes) + 1) + "|")
        for n in names:
            lines.append(f"| {n} | " + " | ".join(
                _query_cell(results[s].get("saved store", {}).get("queries", {}).get(n)) for s in sizes) + " |")
    for store in ("push oxigraph", "push virtuoso"):
        if any("queries" in results[s].get(store, {}) for s in sizes):
            lines += ["", f"Every stored query through the endpoint after `{store}` (seconds):", ""]
            lines.append("| query | " + " | ".join(f"{results[s]['generate']['triples']:,}" for s in sizes) + " |")
            lines.append("|---" * (len(sizes) + 1) + "|")
            for n in names:
                row = []
                for s in sizes:
                    t = results[s].get(store, {}).get("queries", {}).get(n)
                    row.append(_query_cell(t))
                lines.append(f"| {n} | " + " | ".join(row) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
