"""Load RDF files into a store, one named graph per file.

:func:`load` reads the files (or the folders, recursively) it is given, checks each one at the
edge (missing, unreadable, empty, wrong encoding, syntax) and adds its triples to an
:class:`~heritage_graph.rdf.store.OxigraphStore`, each file in a named graph of its own so that every
triple can be traced back to the file it came from. Nothing is added unless every file parses.

>>> from heritage_graph.util import resources
>>> dataset = load(resources.ontology_files())
>>> dataset.store.triple_count() > 100
True
"""

from __future__ import annotations

import io
import os
import re
import shutil
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Callable, Iterable

import pyoxigraph as ox

from ..errors import InputError, RdfSyntaxError
from ..util import resources
from ..util.atomic import check_target, recover_folder, refuse_protected, staging_folder, swap_folder
from ..util.progress import progress
from .guard import guard
from .lines import subject_line
from .store import OxigraphStore
from .vocab import DEFAULT_BASE, GRAPH, RDF, configured_base

FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".n3": ox.RdfFormat.N3,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".jsonld": ox.RdfFormat.JSON_LD,
}

#: The longest single term (a literal, an IRI) Oxigraph's parsers take: 16 MiB.
MAX_TERM_BYTES = 16 * 1024 * 1024

_POSITION = re.compile(r"^Parser error (?:at line \d+ between columns \d+ and \d+|between line \d+ column \d+ and line \d+ column \d+|at line \d+ column \d+|at line \d+|at byte \d+)?:?\s*")


@dataclass
class LoadedFile:
    """One file as loaded: where it is, the named graph holding it, and how many triples it gave.

    A file loaded straight into the store counts its triples there when first asked.
    """

    path: Path
    graph: str
    _triples: int | None = None
    _store: OxigraphStore | None = field(default=None, repr=False, compare=False)

    @property
    def triples(self) -> int:
        if self._triples is None:
            found = self._store.ox.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{self.graph}> {{ ?s ?p ?o }} }}")
            self._triples = int(next(iter(found))[0].value)
        return self._triples


@dataclass
class Dataset:
    """A store with the files loaded into it, one named graph per file."""

    store: OxigraphStore
    files: list[LoadedFile] = field(default_factory=list)

    def file_for_graph(self, graph: str) -> Path | None:
        return self._by_graph.get(graph)

    @cached_property
    def _by_graph(self) -> dict[str, Path]:
        return {f.graph: f.path for f in self.files}

    @cached_property
    def _order(self) -> dict[str, int]:
        """Each file's graph and its place in the load order."""
        return {f.graph: k for k, f in enumerate(self.files)}

    def duplicate_definitions(self) -> list[tuple[str, list[tuple[Path, int | None]]]]:
        """Resources given a class (``rdf:type``) in more than one file, each with those files and lines.

        A resource is defined in one file; a second definition elsewhere is either a copy that will
        drift from the first or a different thing under the same IRI. Returns (IRI, [(file, line),
        ...]) with the files in load order, the resources in the order of their first file.
        """
        order = self._order
        graphs: dict[str, set[str]] = {}
        for quad in self.store.ox.quads_for_pattern(None, ox.NamedNode(RDF + "type"), None, None):
            if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.graph_name, ox.NamedNode) \
                    and quad.graph_name.value in order:
                graphs.setdefault(quad.subject.value, set()).add(quad.graph_name.value)
        found = []
        for iri, names in graphs.items():
            if len(names) > 1:
                files = [self._by_graph[g] for g in sorted(names, key=order.__getitem__)]
                found.append((iri, [(path, subject_line(path, iri)) for path in files]))
        first = {path: k for k, path in enumerate(f.path for f in self.files)}
        found.sort(key=lambda item: (first[item[1][0][0]], item[1][0][1] or 0, item[0]))
        return found

    def where_defined(self, iri: str) -> tuple[Path | None, int | None]:
        """The file (and line) where a resource is defined: where it is given a type, else first used.

        The line is that of the first statement in the file whose subject is the resource.
        """
        node = ox.NamedNode(iri)
        candidates = [q.graph_name for q in self.store.ox.quads_for_pattern(node, ox.NamedNode(RDF + "type"), None, None)]
        if not candidates:
            candidates = [q.graph_name for q in self.store.ox.quads_for_pattern(node, None, None, None)]
        order = self._order
        known = sorted({getattr(g, "value", "") for g in candidates} & order.keys(), key=order.__getitem__)
        if known:  # defined in several files: the first one loaded
            path = self._by_graph[known[0]]
            return path, subject_line(path, iri)
        return None, None


#: What the name of a graph holds when it was loaded from an archive's import (``data/archives/``) or
#: from the links to other archives (``data/links/``), both generated; the other graphs are curated.
ARCHIVE_GRAPHS = "/data/archives/"
LINK_GRAPHS = "/data/links/"


def graph_iri(path: Path) -> str:
    """The named graph a file is loaded into.

    Files of the bundled folders get ``https://w3id.org/heritage-graph/graph/{folder}/{name}``;
    any other file its ``file:`` URI.
    """
    path = path.resolve()
    try:
        relative = path.relative_to(resources.root().resolve())
    except ValueError:
        return path.as_uri()
    return GRAPH + relative.with_suffix("").as_posix()


def expand(paths: Iterable[Path | str]) -> list[Path]:
    """The RDF files named by ``paths``, folders searched recursively, in a stable order, each once."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise InputError(f"{path}: no such file or directory")
        if path.is_dir():
            inside = sorted(p for p in path.rglob("*") if p.suffix in FORMATS and p.is_file())
            if not inside:
                raise InputError(f"{path}: the folder holds no RDF file ({', '.join(sorted(FORMATS))})")
            found.extend(inside)
        elif not path.is_file():
            raise InputError(f"{path}: not a regular file (a device, a pipe or a socket)")
        elif path.suffix not in FORMATS:
            raise InputError(
                f"{path}: unknown RDF format {path.suffix or '(no extension)'}; "
                f"expected one of {', '.join(sorted(FORMATS))}"
            )
        else:
            found.append(path)
    unique: dict[Path, Path] = {}
    for path in found:
        unique.setdefault(path.resolve(), path)
    return list(unique.values())


def read_bytes(path: Path) -> bytes:
    """The file's bytes, refusing what cannot be RDF text: unreadable, empty, a BOM, not UTF-8."""
    try:
        content = path.read_bytes()
    except PermissionError as exc:
        raise InputError(f"{path}: cannot be read (permission denied)") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{path}: is a folder, not a file") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    if not content.strip():
        raise InputError(f"{path}: the file is empty")
    if content.startswith(b"\xef\xbb\xbf"):
        raise InputError(f"{path}:1: the file starts with a byte-order mark; save it as UTF-8 without BOM")
    try:
        content.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{path}:{line}: the file is not UTF-8 text (byte 0x{content[exc.start]:02x}); save it as UTF-8"
        ) from exc
    return content


def parse_file(path: Path, graph: str | None = None, base: str | None = None) -> list[ox.Quad]:
    """Parse one file into quads in ``graph`` (default: :func:`graph_iri`), rewriting the base.

    :raises RdfSyntaxError: the file does not parse; the error names the file, line and column.
    :raises InputError: the file asks too much of the parser (:func:`~heritage_graph.rdf.guard.guard`).
    """
    content = guard(read_bytes(path), path)
    fmt = FORMATS[path.suffix]
    graph_node = ox.NamedNode(graph or graph_iri(path))
    rewrite = _rewriter(base or configured_base())
    try:
        quads = []
        for quad in ox.parse(content, format=fmt, base_iri=path.resolve().as_uri()):
            g = quad.graph_name if isinstance(quad.graph_name, (ox.NamedNode, ox.BlankNode)) else graph_node
            if rewrite:
                quads.append(ox.Quad(rewrite(quad.subject), rewrite(quad.predicate), rewrite(quad.object), g))
            else:
                quads.append(ox.Quad(quad.subject, quad.predicate, quad.object, g))
    except SyntaxError as exc:
        reason = _one_line(_POSITION.sub("", str(exc.msg)))
        raise RdfSyntaxError(path, exc.lineno, exc.offset, _explain(content, exc.lineno, exc.offset, reason)) from exc
    except MemoryError as exc:  # the parser's buffer limit: one term longer than MAX_TERM_BYTES
        line = _line_of_long_term(content)
        where = f"{path}:{line}" if line else str(path)
        raise InputError(f"{where}: a literal or IRI longer than {MAX_TERM_BYTES // (1024 * 1024)} MiB, more than "
                         "the RDF parser takes; keep long texts in a file of their own and link it") from exc
    return quads


def _one_line(reason: str, width: int = 300) -> str:
    """The parser's reason on one line, cut short: it may quote a token holding line breaks or megabytes."""
    reason = reason.replace("\r", "\\r").replace("\n", "\\n")
    return reason if len(reason) <= width else reason[: width - 3] + "..."


def _explain(content: bytes, line: int | None, column: int | None, reason: str) -> str:
    """The parser's reason, made plainer where the position tells more (an unclosed string or IRI)."""
    if reason.startswith("No LoadDocumentCallback has been set to load remote contexts"):
        return "the JSON-LD @context is a web address; write the context into the file (nothing is fetched)"
    if reason.startswith("Line jumps are not allowed in string literals"):
        return ("a string is not closed before the end of the line (a text over several lines is written "
                'in triple quotes """...""", or with \\n)')
    if not reason.startswith("Unexpected end of file") or not line or not column:
        return reason
    lines = content.decode("utf-8", errors="replace").split("\n")
    if line > len(lines) or column > len(lines[line - 1]):
        return reason
    opened = lines[line - 1][column - 1]
    if opened in "\"'":
        return f"a string opened here with {opened} is never closed (the file ends inside it)"
    if opened == "<":
        return "an IRI opened here with < is never closed (the file ends inside it)"
    if opened in "[(":
        return f"a {opened} opened here is never closed (the file ends inside it)"
    return reason


def _line_of_long_term(content: bytes) -> int | None:
    """The line where a term too long for the parser starts, or None when it cannot be told.

    The term is on the first line longer than the limit, or it is a long string in triple quotes
    spanning lines: then the line of its opening quotes.
    """
    start = 0
    number = 1
    while start < len(content):
        end = content.find(b"\n", start)
        end = len(content) if end == -1 else end
        if end - start > MAX_TERM_BYTES:
            return number
        start = end + 1
        number += 1
    found = []
    for quotes in (b'"""', b"'''"):
        position = content.find(quotes)
        while position != -1:
            close = content.find(quotes, position + 3)
            if close == -1 or close - position > MAX_TERM_BYTES:
                found.append(content.count(b"\n", 0, position) + 1)
                break
            position = content.find(quotes, close + 3)
    return min(found) if found else None


def _rewriter(base: str):
    """Rewrites instance IRIs (``…/id/…``) to ``base``; the ontology's terms keep their IRIs."""
    if base == DEFAULT_BASE:
        return None
    instances = DEFAULT_BASE + "id/"
    cut = len(DEFAULT_BASE)

    def rewrite(term):
        if isinstance(term, ox.NamedNode) and term.value.startswith(instances):
            return ox.NamedNode(base + term.value[cut:])
        return term

    return rewrite


def load(
    paths: Iterable[Path | str] | None = None,
    store: OxigraphStore | None = None,
    *,
    base: str | None = None,
    with_ontology: bool = True,
    fresh: bool = False,
) -> Dataset:
    """Load files into ``store`` (a new in-memory store by default), one named graph per file.

    ``paths`` defaults to the bundled data; the bundled ontology is added unless
    ``with_ontology=False``. Into a new store, files stream straight in (a store holding a bad file
    is never returned); into a given ``store``, every file is parsed before anything is added, so
    a bad file leaves that store as it was, unless ``fresh`` says the store is new and dropped on
    failure anyway (as :func:`save_store` does).

    :raises InputError: a file is missing, unreadable, empty, not UTF-8, or does not parse.
    """
    files = expand(resources.data_files() if paths is None else paths)
    if with_ontology:
        files = expand(resources.ontology_files()) + [f for f in files if f.resolve() not in
                                                      {o.resolve() for o in resources.ontology_files()}]
    if (store is None or fresh) and (base or configured_base()) == DEFAULT_BASE:
        # A store of our own: each file streams straight into it; a file that fails is parsed
        # again on the careful path for its message, and the store is dropped with the error.
        store = store if store is not None else OxigraphStore()
        dataset = Dataset(store)
        sizes = {path: _size(path) for path in files}
        with progress(sum(sizes.values()) // 1024, "load", "kB") as bar:
            for path in files:
                if not _load_direct(store, path, bar if bar.enabled else None):
                    store.add_quads(parse_file(path, base=base))
                    bar.update(sizes[path] // 1024)
                dataset.files.append(LoadedFile(path, graph_iri(path), None, store))
            bar.update(max(bar.total - bar.done, 0))  # what the kB rounding left out
        return dataset
    parsed = [(path, parse_file(path, base=base)) for path in files]
    store = store if store is not None else OxigraphStore()
    dataset = Dataset(store)
    for path, quads in parsed:
        store.add_quads(quads)
        dataset.files.append(LoadedFile(path, graph_iri(path), len(quads)))
    return dataset


#: Formats of one graph, which load straight into the file's named graph.
_DIRECT = {".ttl", ".nt", ".n3", ".rdf", ".owl"}


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


class _Counted(io.RawIOBase):
    """The bytes of a file, read by the parser while a progress bar counts them."""

    def __init__(self, content: bytes, bar):
        self._data = io.BytesIO(content)
        self._bar = bar
        self._pending = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self._data.readinto(buffer)
        self._pending += n
        if self._pending >= 1 << 20 or n == 0:
            self._bar.update(self._pending // 1024)
            self._pending %= 1024
        return n


def _load_direct(store: OxigraphStore, path: Path, bar=None) -> bool:
    """Load a file of triples straight into its named graph; False when it must take the careful
    path (another format, or anything wrong with it: :func:`parse_file` then names the fault).
    With a progress ``bar`` (drawn on a terminal), the bytes are counted as the parser reads them."""
    if path.suffix not in _DIRECT:
        return False
    try:
        content = path.read_bytes()
    except OSError:
        return False
    if not content or content.isspace() or content.startswith(b"\xef\xbb\xbf"):
        return False
    try:
        content = guard(content, path)
    except InputError:
        return False
    graph = ox.NamedNode(graph_iri(path))
    try:
        if store.path is not None:  # on disk: the bulk loader writes the store's files directly
            store.ox.bulk_load(content, format=FORMATS[path.suffix], base_iri=path.resolve().as_uri(),
                               to_graph=graph)
            if bar is not None:
                bar.update(len(content) // 1024)
        else:
            source = content if bar is None else _Counted(content, bar)
            store.ox.load(source, format=FORMATS[path.suffix], base_iri=path.resolve().as_uri(), to_graph=graph)
    except (SyntaxError, ValueError, MemoryError, OSError):
        store.ox.clear_graph(graph)
        return False
    return True


def save_store(
    paths: Iterable[Path | str] | None,
    target: Path | str,
    *,
    base: str | None = None,
    before_write: Callable[[OxigraphStore, Path], None] | None = None,
    after_write: Callable[[Path], None] | None = None,
    check: Callable[[Dataset], object] | None = None,
) -> Dataset:
    """Load files into a new on-disk Oxigraph store at ``target``, replacing any store there whole.

    The files are loaded in memory first, then written to disk and compacted. The store is built
    in a sibling folder and renamed into place only when all of it is written; a failure (or a
    kill) part-way leaves the previous store untouched. What else a saved store keeps is added by
    the caller: ``before_write(store, staging)`` is called with the store in memory (which
    answers queries several times faster than one on disk) and the staging folder,
    ``after_write(staging)`` once the store there is written and closed
    (:func:`heritage_graph.queries.saved.save_store` adds the listings so). ``check(dataset)`` is
    called on the data in memory before anything is written, and may refuse it by raising (``load
    --store`` passes :func:`heritage_graph.validate.run.require_valid`).
    """
    target = Path(target)
    refuse_protected(target)
    recover_folder(target, marker="CURRENT")
    check_target(target, "CURRENT", "an Oxigraph store")
    try:  # a new folder beside the store, locked while this process lives; leftovers of killed runs go
        staging, lock = staging_folder(target, "store")
    except OSError as exc:
        raise InputError(f"{target}: cannot be written ({exc.strerror or exc})") from exc
    store = None
    try:
        memory = load(paths, base=base)
        if check is not None:
            check(memory)
        # the files as loaded, without the store in memory, so that it goes once copied
        files = [(f.path, f.graph, f._triples) for f in memory.files]
        if before_write is not None:
            before_write(memory.store, staging)
        store = OxigraphStore(staging)
        store.ox.bulk_extend(_counted(memory.store.ox.quads_for_pattern(None, None, None, None),
                                      memory.store.triple_count(), "store"))
        del memory
        store.ox.optimize()  # one compaction: queries on the store run several times faster
        store.ox.flush()
        del store.ox
        if after_write is not None:
            after_write(staging)
        swap_folder(staging, target)
    except BaseException:
        if store is not None:
            store.ox = None  # closes the database: the error's traceback keeps ``store`` alive
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        if lock is not None:
            os.close(lock)
    saved = open_store(target)
    return Dataset(saved, [LoadedFile(path, graph, triples, saved) for path, graph, triples in files])


def _counted(quads, total: int, label: str):
    """``quads``, counted on a progress bar as they go by."""
    with progress(total, label, "triples") as bar:
        batch = 0
        for quad in quads:
            yield quad
            batch += 1
            if batch == 50_000:
                bar.update(batch)
                batch = 0
        bar.update(batch)


def open_store(path: Path | str) -> OxigraphStore:
    """Open a saved store (read-only); :func:`heritage_graph.queries.saved.open_store` adds its listings."""
    path = Path(path)
    if not (path / "CURRENT").exists():
        raise InputError(f"{path}: not an Oxigraph store (run 'heritage-graph load --store {path}')")
    try:
        store = OxigraphStore(path, read_only=True)
    except OSError as exc:
        raise InputError(f"{path}: cannot open the store: {exc}") from exc
    return store
