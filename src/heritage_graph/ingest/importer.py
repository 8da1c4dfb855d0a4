"""Import archives and CSV registers into the graph: read, map, validate, then write atomically.

:func:`import_archive` runs a registered archive adapter (:mod:`heritage_graph.ingest.adapters`) over a
source folder; :func:`import_csv` maps a CSV file with a YAML mapping
(:mod:`heritage_graph.ingest.adapters.csv_mapping`). Both then

1. write the quads as readable, deterministic Turtle (prefixes, one block per resource, the
   adapter's order) and check that the text parses back to exactly the same triples;
2. validate it with the project's shapes (:func:`heritage_graph.validate.validate`, the ontology
   added) *before* anything is written; a violation stops the import and nothing is written;
3. write it atomically: a temporary file in the target folder, flushed and fsynced, then
   ``os.replace``\\ d over the target, so a kill or a failure leaves either the previous file or
   the new one, never half of one.

An archive import also writes the list of every row it reported (``{name}.report.tsv``) beside
the Turtle file. See ``docs/import.md``.
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import pyoxigraph as ox

from ..errors import InputError
from ..rdf.load import load
from ..rdf.turtle import serialize_turtle
from ..rdf.vocab import HG, RDF, expand_name, shorten
from ..util import resources
from ..util.atomic import check_writable, replace_files, write_atomic
from ..validate.run import validate
from . import adapters
from .adapters.base import Problem, TableCount
from .adapters.csv_mapping import CsvMappingAdapter, load_mapping


class ImportValidationError(InputError):
    """The imported graph does not conform to the shapes; nothing was written."""

    def __init__(self, message: str, report):
        super().__init__(message)
        self.report = report


@dataclass
class ImportResult:
    """What an import read, made, reported, validated and wrote."""

    adapter: str
    source: Path
    out_path: Path
    report_path: Path | None
    triples: int
    counts: dict[str, TableCount]
    problems: list[Problem]
    validation_seconds: float
    validation: object = field(repr=False, default=None)  # heritage_graph.validate.Report
    written: bool = False

    @property
    def reported_rows(self) -> int:
        return sum(count.reported for count in self.counts.values())

    def categories(self) -> list[tuple[str, int, str]]:
        """(category, rows, what was done) for each kind of reported row, most frequent first."""
        counter = Counter(p.category for p in self.problems)
        actions: dict[str, Counter] = {}
        for problem in self.problems:
            actions.setdefault(problem.category, Counter())[problem.action] += 1
        return [(cat, n, actions[cat].most_common(1)[0][0]) for cat, n in
                sorted(counter.items(), key=lambda item: (-item[1], item[0]))]

    def summary(self) -> str:
        """The counts per table, the categories of reported rows, validation and output."""
        lines = [f"{self.adapter}: {self.source} -> {_display(self.out_path)}"
                 + ("" if self.written else " (not written)")]
        width = max([len(t) for t in self.counts] + [5])
        lines.append(f"  {'table':<{width}}  {'read':>6}  {'imported':>8}  {'reported':>8}")
        for table, count in self.counts.items():
            lines.append(f"  {table:<{width}}  {count.read:>6}  {count.imported:>8}  {count.reported:>8}")
        if self.problems:
            lines.append(f"  {len(self.problems)} reports on {self.reported_rows} rows:")
            for category, n, action in self.categories():
                lines.append(f"    {category:<26} {n:>5}  {action}")
        violations = len(self.validation.violations) if self.validation is not None else 0
        warnings = len(self.validation.warnings) if self.validation is not None else 0
        state = "conforms to the shapes" if violations == 0 else f"{violations} violations"
        lines.append(f"  {self.triples} triples; {state}, {warnings} warnings "
                     f"(validated in {self.validation_seconds:.1f} s)")
        if self.report_path is not None and self.problems:
            lines.append(f"  every reported row: {_display(self.report_path)}")
        return "\n".join(lines)

    def problems_text(self) -> str:
        """Every reported row, one line each."""
        return "\n".join(str(p) for p in self.problems)


#################################################################
# Archives
#################################################################

def default_out_dir(name: str) -> Path:
    """Where an archive's import is written by default: ``data/archives/{name}/`` under the current
    folder (in a checkout's root, the bundled data's own folder; never the installed package)."""
    return Path("data") / "archives" / name


def import_archive(adapter_name: str, source_dir: Path | str, out_dir: Path | str | None = None) -> ImportResult:
    """Import the archive at ``source_dir`` with the adapter ``adapter_name``.

    Writes ``{out_dir}/{name}.ttl`` (default ``./data/archives/{name}/``) only if the result
    conforms to the shapes, atomically, and ``{name}.report.tsv`` listing every reported row.

    :raises InputError: no such adapter; the source cannot be read at all; the result does not
        conform to the shapes (:class:`ImportValidationError`); the output cannot be written.
    """
    adapter = adapters.get(adapter_name)
    source = Path(source_dir)
    read = adapter.read(source)
    rdf = adapter.to_rdf(read)
    out = Path(out_dir) if out_dir is not None else default_out_dir(adapter.name)
    out_path = out / adapter.output_name
    report_path = out / f"{adapter.name}.report.tsv"
    turtle = serialize_turtle(rdf.quads, header=adapter.header(rdf), prefixes=adapter.prefixes,
                              sections=getattr(rdf, "sections", None))
    validation, seconds = validate_turtle(turtle, out_path)
    result = ImportResult(adapter.name, source, out_path, report_path, len(rdf.quads), rdf.counts,
                          rdf.problems, seconds, validation)
    check_writable(out)
    # both files written whole before either is renamed; the Turtle is renamed last, so a new graph
    # never stands beside the previous report
    replace_files([(out_path, turtle.encode("utf-8")),
                   (report_path, problems_tsv(rdf.problems).encode("utf-8"))])
    result.written = True
    return result


def problems_tsv(problems: Iterable[Problem]) -> str:
    """The reported rows as tab-separated text with a header line."""
    lines = ["file\tline\ttable\trow_id\tcategory\tmessage\taction"]
    lines.extend(p.as_tsv() for p in problems)
    return "\n".join(lines) + "\n"


#################################################################
# CSV
#################################################################

def import_csv(csv_path: Path | str, mapping_path: Path | str, out_path: Path | str | None = None, *,
               context: Iterable[Path | str] | None = None) -> ImportResult:
    """Map the rows of ``csv_path`` to resources with the YAML mapping ``mapping_path``.

    Every row error is collected; if any row fails, :class:`InputError` lists them all (file,
    line, column and what is wrong) and nothing is written. The result is validated with the
    shapes, together with ``context`` (default: the bundled data, so that rows may point to camps,
    places and groups described there; only findings on the new resources count), and written
    atomically to ``out_path`` (default: the CSV's path with ``.ttl``).
    """
    csv_path = Path(csv_path)
    mapping = load_mapping(Path(mapping_path))
    adapter = CsvMappingAdapter(mapping)
    read = adapter.read(csv_path)
    rdf = adapter.to_rdf(read)
    out = Path(out_path) if out_path is not None else csv_path.with_suffix(".ttl")
    if out.resolve() == csv_path.resolve():
        raise InputError(f"{out}: the output would overwrite the CSV file")
    if context is None:
        context = [p for p in resources.data_files() if p.resolve() != out.resolve()]
    turtle = serialize_turtle(rdf.quads, header=adapter.header(rdf), prefixes=adapter.prefixes)
    subjects = {q.subject.value for q in rdf.quads if isinstance(q.subject, ox.NamedNode)}
    validation, seconds = validate_turtle(turtle, out, context=context_extract(rdf.quads, list(context)),
                                          only=subjects, where=adapter.where_made)
    result = ImportResult(adapter.name, csv_path, out, None, len(rdf.quads), rdf.counts, rdf.problems,
                          seconds, validation)
    check_writable(out.parent)
    write_atomic(out, turtle.encode("utf-8"))
    result.written = True
    return result


#################################################################
# Validation
#################################################################

def context_extract(quads: list[ox.Quad], context: list[Path | str]) -> list[ox.Quad]:
    """What the shapes need to know of the graph around new resources, taken from ``context``.

    For every resource the new quads point to but do not describe (a camp, a place, a people
    group of the bundled data): its own statements (its types, year, value, ...), and the claims
    about it with their statements (the consistency rules compare claims about the same thing).
    Validating the new resources with this extract instead of the whole graph gives the same
    findings on them, in a fraction of the time.
    """
    if not context:
        return []
    subjects = {q.subject for q in quads}
    referenced = {q.object for q in quads
                  if isinstance(q.object, ox.NamedNode) and q.object not in subjects and q.predicate.value != RDF + "type"
                  and not q.object.value.startswith(HG)}
    if not referenced:
        return []
    store = load(context, with_ontology=False).store.ox
    about = ox.NamedNode(HG + "about")
    found: dict[ox.Triple, None] = {}
    for node in sorted(referenced, key=lambda n: n.value):
        for quad in store.quads_for_pattern(node, None, None, None):
            found.setdefault(ox.Triple(quad.subject, quad.predicate, quad.object))
        for claim in store.quads_for_pattern(None, about, node, None):
            for quad in store.quads_for_pattern(claim.subject, None, None, None):
                found.setdefault(ox.Triple(quad.subject, quad.predicate, quad.object))
    return [ox.Quad(t.subject, t.predicate, t.object) for t in found]


def validate_turtle(turtle: str, target: Path, *, context: list[ox.Quad] | None = None,
                    only: set[str] | None = None,
                    where: Callable[[str], str | None] | None = None):
    """Validate ``turtle`` (to be written at ``target``) with the shapes, before it is written.

    The text is put in a temporary folder and validated with the ontology and the ``context``
    quads (see :func:`context_extract`). With ``only``, findings on other resources than those
    IRIs are ignored (the context's own are not this import's business). Returns (report, seconds).

    :raises ImportValidationError: a violation; the message is one line for one violation, else a line
        saying how many and one line for each (at most 30).
    """
    with tempfile.TemporaryDirectory(prefix="heritage-graph-import-") as folder:
        staged = Path(folder) / target.name
        staged.write_text(turtle, encoding="utf-8")
        files = [staged]
        if context:
            extract = Path(folder) / "context.nt"
            extract.write_text("".join(f"{ox.Triple(q.subject, q.predicate, q.object)} .\n" for q in context),
                               encoding="utf-8")
            files.insert(0, extract)
        started = time.perf_counter()
        report = validate(files)
        seconds = time.perf_counter() - started
        if only is not None:
            shortened = {shorten(iri) for iri in only}
            report.findings = [f for f in report.findings if f.focus in shortened]
        for finding in report.findings:
            if finding.file and Path(finding.file).name == target.name and folder in str(Path(finding.file).resolve()):
                finding.file = str(target)
            if where is not None:
                made = where(expand_name(finding.focus))
                if made:
                    finding.file = made
                    finding.line = None
        if report.violations:
            shown = [f"{f.where}: {f.focus}: {f.path or '(the resource)'}"
                     + (f" = {_clip(f.value)}" if f.value is not None else "") + f": {f.message} [{f.shape}]"
                     for f in report.violations[:30]]
            more = len(report.violations) - len(shown)
            if len(report.violations) == 1:  # one fault, one line
                unwritten = report.violations[0].file == str(target)
                raise ImportValidationError(
                    f"{shown[0]}; the imported graph does not conform to the shapes, nothing was written"
                    + (" (the line is that of the text that would have been written)" if unwritten else ""),
                    report,
                )
            raise ImportValidationError(
                f"{target}: the imported graph does not conform to the shapes "
                f"({len(report.violations)} violations); nothing was written (lines are those of the text "
                f"that would have been written):\n  " + "\n  ".join(shown)
                + (f"\n  ... and {more} more" if more > 0 else ""),
                report,
            )
    return report, seconds


def _clip(text: str, width: int = 100) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def _display(path: Path) -> str:
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)
