"""Publish a release of the graph: dumps, a VoID/DCAT description, documentation and a static site.

:func:`build` loads and validates the graph, then writes a whole release into a temporary folder
beside ``out_dir`` and swaps it into place at the end, so that a failed or killed build leaves the
previous release as it was::

    out/
      index.html                    the home page
      doc/{kind}/{slug}.html        one page per resource (and .ttl .jsonld .nt .rdf: its description)
      class/{Class}.html            browse pages, class/index.html
      queries/{name}.html           the stored queries with their current answers (.csv, .json)
      charts/prisoner-shares.svg    the chart of the home page
      ontology/index.html           the ontology documentation (pyLODE), reference.html, the .ttl files
      dumps/heritage-graph.{ttl,nt,nq,trig,jsonld,rdf}[.gz], dumps/SHA256SUMS
      context.jsonld                the JSON-LD context of every .jsonld file
      void.ttl, void.jsonld         the dataset described with VoID and DCAT
      manifest.json                 version, date, every file with size and SHA-256, the diff of claims
      .htaccess, nginx.conf         content negotiation for /id/… on a static host (see docs/publish.md)

>>> from heritage_graph.publish import media_type
>>> media_type("heritage-graph.ttl")
'text/turtle'
"""

from __future__ import annotations

import datetime as _dt
import gc
import gzip
import hashlib
import json
import operator
import os
import pickle
import re
import shutil
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .. import __version__
from ..util import resources
from ..web import site
from ..util.atomic import recover_folder, staging_folder, swap_folder
from ..errors import HeritageGraphError, InputError
from ..rdf.describe import describe, description_triples
from ..rdf.vocab import DCTERMS, DEFAULT_BASE, GEO, OWL, RDF, RDFS, SKOS, XSD, configured_base

NAME = "heritage-graph"
TITLE = "Heritage graph: Lithuanian communities and heritage worldwide"
DESCRIPTION = (
    "A linked-data knowledge graph of Lithuanian communities and heritage worldwide. Its first region is "
    "Kazakhstan: the Soviet GULAG camps where Lithuanians were imprisoned, the memorials built for them, the "
    "people groups held there, the 1954 Kengir uprising, and the Lithuanian communities living there today. "
    "Every figure is a sourced claim with its source, the quoted sentence, the time it holds for and how exact "
    "it is."
)
PUBLISHER = "heritage-graph developers"
LICENSE = "https://creativecommons.org/licenses/by/4.0/"

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
SPDX = "http://spdx.org/rdf/terms#"
FOAF = "http://xmlns.com/foaf/0.1/"
FORMATS_NS = "http://www.w3.org/ns/formats/"
WIKIDATA = "http://www.wikidata.org/entity/"
GEONAMES = "https://sws.geonames.org/"

#: The stored query the chart of the home page draws.
CHART_QUERY = "prisoner-shares"

#: The dumps: suffix → (format name, media type, W3C formats IRI, keeps named graphs).
DUMPS = {
    ".ttl": ("Turtle", "text/turtle", "Turtle", False),
    ".nt": ("N-Triples", "application/n-triples", "N-Triples", False),
    ".nq": ("N-Quads", "application/n-quads", "N-Quads", True),
    ".trig": ("TriG", "application/trig", "TriG", True),
    ".jsonld": ("JSON-LD", "application/ld+json", "JSON-LD", True),
    ".rdf": ("RDF/XML", "application/rdf+xml", "RDF_XML", False),
}

#: The suffixes of a resource's description beside its page.
RESOURCE_FORMATS = (".ttl", ".jsonld", ".nt", ".rdf")

_MEDIA = {
    ".html": "text/html", ".css": "text/css", ".svg": "image/svg+xml", ".json": "application/json",
    ".csv": "text/csv", ".gz": "application/gzip", ".conf": "text/plain", ".txt": "text/plain",
    **{suffix: spec[1] for suffix, spec in DUMPS.items()},
}

#: Standard prefixes written into the Turtle, TriG, RDF/XML and JSON-LD files.
STANDARD_PREFIXES = {
    "rdf": RDF, "rdfs": RDFS, "owl": OWL, "xsd": XSD, "skos": SKOS, "dcterms": DCTERMS, "geo": GEO,
    "vann": "http://purl.org/vocab/vann/", "unit": "http://qudt.org/vocab/unit/",
    "crm": "http://www.cidoc-crm.org/cidoc-crm/", "schema": "https://schema.org/", "wd": WIKIDATA,
    "prov": "http://www.w3.org/ns/prov#", "void": VOID, "dcat": DCAT, "spdx": SPDX, "foaf": FOAF,
}


class PublishError(HeritageGraphError):
    """A release that cannot be built or written."""


class InvalidDataError(PublishError):
    """The data does not conform to the shapes: nothing is published. Carries the report."""

    exit_code = 1

    def __init__(self, report_text: str):
        self.report_text = report_text
        super().__init__("the data does not conform to the shapes; nothing was published.\n\n" + report_text)


Progress = Callable[..., None]


@dataclass
class BuildResult:
    """What a build wrote: where, which version and date, how much, how long each step took."""

    out_dir: Path
    version: str
    date: str
    triples: int
    graphs: dict[str, int]
    resources: int
    files: int
    bytes: int
    seconds: float
    steps: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    diff: dict | None = None

    def summary(self) -> str:
        lines = [(
            f"Built release {self.version} of {self.date} in {self.out_dir}: {self.triples} triples in "
            f"{len(self.graphs)} graphs, {self.resources} resource pages, {self.files} files "
            f"({self.bytes / 1e6:.1f} MB) in {self.seconds:.1f} s."
        )]
        if self.diff and self.diff.get("previous"):
            counts = self.diff["counts"]
            lines.append(f"Claims since release {self.diff['previous'].get('version')} of "
                         f"{self.diff['previous'].get('date')}: {counts['added']} added, {counts['removed']} removed, "
                         f"{counts['changed']} changed.")
        lines += [f"warning: {w}" for w in self.warnings]
        return "\n".join(lines)


def media_type(name: str) -> str:
    """The media type a release file is served with."""
    suffix = Path(name).suffix
    return _MEDIA.get(suffix, "application/octet-stream")


# ---------------------------------------------------------------------------------------------
# Progress
# ---------------------------------------------------------------------------------------------


#: What the long steps count, for their progress bars.
UNITS = {"resource pages": "pages", "dumps": "dumps", "query pages": "queries", "class pages": "classes"}


class TerminalProgress:
    """Progress on standard error: one line per step, and for the long ones a counter; on a
    terminal the counter is a bar with the rate and the time left (:mod:`heritage_graph.progress`)."""

    def __init__(self, stream=None, *, bars: bool | None = None):
        from ..util.progress import watching

        self.stream = stream or sys.stderr
        self.bars = watching(self.stream) if bars is None else bars
        self._last = None
        self._bar = None
        self._step: str | None = None
        self._before = 0

    def __call__(self, step: str, done: int | None = None, total: int | None = None) -> None:
        if done is None or total is None:
            self._end_counter()
            self.stream.write(f"build: {step}\n")
        elif self.bars:
            self._draw(step, done, total)
        else:
            percent = 100 * done // max(total, 1)
            if self._last != (step, percent) or done == total:
                self._last = (step, percent)
                self.stream.write(f"\rbuild: {step} {done}/{total} ({percent}%)")
                if done >= total:
                    self.stream.write("\n")
                    self._last = None
        self.stream.flush()

    def _draw(self, step: str, done: int, total: int) -> None:
        from ..util.progress import Progress

        if self._bar is None or self._step != step:
            # a step may find part of its work done (the resource pages a worker wrote meanwhile):
            # the bar, and its rate, are of what is left
            self._end_counter()
            label = f"build: {step}" + (f" ({done:,} done before)" if done else "")
            self._step, self._before = step, done
            self._bar = Progress(total - done, label, UNITS.get(step, "items"), stream=self.stream, enabled=True,
                                 delay=0.5, interval=0.2, clock=time.monotonic)
        self._bar.update(done - self._before - self._bar.done)
        if done >= total:
            self._end_counter()

    def _end_counter(self):
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        if self._last is not None:
            self.stream.write("\n")
            self._last = None


def _progress(progress: Progress | None) -> Progress:
    if progress is not None:
        return progress
    if getattr(sys.stderr, "isatty", lambda: False)():
        return TerminalProgress()
    return lambda *args, **kwargs: None


# ---------------------------------------------------------------------------------------------
# The build
# ---------------------------------------------------------------------------------------------


@dataclass
class _Build:
    """The state shared by the steps of one build."""

    staging: Path
    dataset: object
    base: str
    date: str
    version: str
    progress: Progress
    data: site.SiteData
    prefixes: dict[str, str]
    context: JsonLdContext
    stats: GraphStats | None = None
    dumps: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    chart: str | None = None
    pages: int = 0
    #: Every file written, for the manifest: ``path<TAB>size<TAB>SHA-256`` (a release of a large
    #: register has hundreds of thousands; the last entry of a path counts).
    files: list[bytes] = field(default_factory=list)
    _folders: set = field(default_factory=set)
    _folder_fds: dict[str, int] = field(default_factory=dict)

    @property
    def store(self):
        return self.dataset.store

    def path(self, relative: str) -> Path:
        target = self.staging / relative
        if target.parent not in self._folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(target.parent)
        return target

    def write(self, relative: str, content: str | bytes) -> None:
        if isinstance(content, str):
            content = content.encode("utf-8")
        folder, _, name = relative.rpartition("/")
        where = self._folder_fds.get(folder)
        if where is None:
            where = self._open_folder(folder)
        if where >= 0:  # opened relative to its folder: no path to walk for each of many files
            fd = os.open(name, _WRITE_FLAGS, 0o666, dir_fd=where)
        else:
            fd = os.open(self.path(relative), _WRITE_FLAGS, 0o666)
        try:
            _write_fd(fd, content)
        finally:
            os.close(fd)
        self.files.append(b"%s\t%d\t%s" % (relative.encode("utf-8"), len(content),
                                           hashlib.sha256(content).hexdigest().encode("ascii")))

    def _open_folder(self, folder: str) -> int:
        path = self.staging / folder if folder else self.staging
        path.mkdir(parents=True, exist_ok=True)
        self._folders.add(path)
        fd = -1
        if os.open in os.supports_dir_fd and hasattr(os, "O_DIRECTORY"):
            fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
        self._folder_fds[folder] = fd
        return fd

    def close(self) -> None:
        """Close the folders held open for writing."""
        for fd in self._folder_fds.values():
            if fd >= 0:
                os.close(fd)
        self._folder_fds.clear()

    def record(self, relative: str, size: int, digest: bytes) -> None:
        """Note a file written otherwise than by :meth:`write` (a dump streamed to disk)."""
        self.files.append(b"%s\t%d\t%s" % (relative.encode("utf-8"), size, digest.hex().encode("ascii")))


def _write_fd(fd: int, content: bytes) -> None:
    """Write all of ``content`` to the file descriptor ``fd``."""
    view = memoryview(content)
    while view:
        view = view[os.write(fd, view):]


_FIRST_TWO = operator.itemgetter(0, 1)
_WRITE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def build(
    out_dir: Path | str,
    *,
    data_paths: Iterable[Path | str] | None = None,
    base: str | None = None,
    previous: Path | str | None = None,
    progress: Progress | None = None,
    date: str | _dt.date | None = None,
) -> BuildResult:
    """Build a release of the graph into ``out_dir``, replacing the release there whole.

    ``data_paths`` are the data files or folders (default: the bundled data; the ontology is always
    added); ``base`` the IRI base of the deployment (default ``HERITAGE_GRAPH_BASE`` or
    ``https://w3id.org/heritage-graph/``); ``previous`` a previous release folder to list the claims
    added, removed and changed against (default: the release in ``out_dir``); ``progress`` a
    callback ``progress(step, done=None, total=None)`` (default: lines on standard error when it is
    a terminal); ``date`` the release date ``YYYY-MM-DD`` (default: today), so that a build can be
    reproduced byte for byte.

    :raises InvalidDataError: the data does not conform to the shapes (nothing is written).
    :raises InputError: a data file cannot be used, or ``out_dir`` holds something that is not a
        release.
    :raises PublishError: the release cannot be written.
    """
    from ..rdf.load import load
    from ..validate.run import validate

    started = time.perf_counter()
    out_dir = Path(out_dir)
    report = _progress(progress)
    steps: dict[str, float] = {}
    base = _normal_base(base)
    release_date = _release_date(date)
    recover_folder(out_dir)
    _check_target(out_dir)

    def timed(name: str, function, *args):
        report(name)
        began = time.perf_counter()
        value = function(*args)
        steps[name] = round(time.perf_counter() - began, 3)
        return value

    dataset = timed("load", lambda: load(None if data_paths is None else list(data_paths), base=base))
    created = _missing_folders(out_dir.parent)
    staging, lock = staging_folder(out_dir, "build")  # removes what killed builds left beside out_dir
    pages = ctx = None
    frozen = False
    try:
        _readable(staging)
        data = site.SiteData(dataset.store, base=base)
        prefixes = _prefixes(dataset.store, base)
        ctx = _Build(staging=staging, dataset=dataset, base=base, date=release_date, version=__version__,
                     progress=report, data=data, prefixes=prefixes,
                     context=JsonLdContext.from_store(dataset.store, base, prefixes))
        frozen = True  # by _read_graph
        timed("read the graph", _read_graph, ctx)
        # The resource pages are most of the work: a worker process (where the system can fork)
        # starts on them now, while the build validates the data and writes the other files, and
        # the build takes its share once those are done. Data that does not conform stops it, and
        # all it wrote is removed.
        pages = _Pages(ctx)
        pages.start()
        validation = timed("validate", lambda: validate(dataset=dataset, base=base))
        if not validation.conforms:
            raise InvalidDataError(validation.to_text())
        ctx.warnings += [f"validation: {f.message} ({f.focus})" for f in validation.warnings]
        before = timed("read previous release", _previous_claims, previous, out_dir)
        timed("dumps", _write_dumps, ctx)
        timed("dataset description", _write_void, ctx)
        timed("ontology documentation", _write_ontology, ctx)
        timed("query pages", _write_queries, ctx)
        timed("class pages", _write_classes, ctx)
        timed("resource pages", _write_resources, ctx, pages)
        timed("home page", _write_home, ctx)
        timed("server configuration", _write_server_config, ctx)
        diff = timed("diff", lambda: _diff(before, _claims_of_store(ctx)))
        manifest = timed("manifest", _write_manifest, ctx, diff)
        timed("swap", swap_folder, staging, out_dir)
    except BaseException:
        if pages is not None:
            pages.stop()  # before the folder goes: a worker still writing into it would leave files behind
        shutil.rmtree(staging, ignore_errors=True)
        for folder in created:  # and the folders made to hold it, deepest first
            try:
                folder.rmdir()
            except OSError:
                break
        raise
    finally:
        if pages is not None:
            pages.stop()
        if ctx is not None:
            ctx.close()
        if frozen:
            gc.unfreeze()
        if lock is not None:
            os.close(lock)
    total = manifest["bytes"]
    result = BuildResult(
        out_dir=out_dir,
        version=__version__,
        date=release_date,
        triples=manifest["triples"],
        graphs={g["graph"]: g["triples"] for g in manifest["graphs"]},
        resources=ctx.pages,
        files=manifest["files"] + 1,
        bytes=total,
        seconds=round(time.perf_counter() - started, 2),
        steps=steps,
        warnings=ctx.warnings,
        diff=diff,
    )
    report(f"done in {result.seconds:.1f} s")
    return result


def _normal_base(base: str | None) -> str:
    base = (base or configured_base()).strip()
    return base if base.endswith(("/", "#")) else base + "/"


def _release_date(date) -> str:
    if date is None:
        return _dt.date.today().isoformat()
    if isinstance(date, _dt.date):
        return date.isoformat()
    try:
        return _dt.date.fromisoformat(str(date)).isoformat()
    except ValueError as exc:
        raise InputError(f"{date!r} is not a date; write it as YYYY-MM-DD") from exc


def _check_target(out_dir: Path) -> None:
    """Refuse to replace anything but a release (a folder with manifest.json) or an empty folder."""
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{out_dir}: exists and is not a folder; refusing to replace it")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / "manifest.json").is_file():
        raise InputError(f"{out_dir}: exists and is not a release (no manifest.json); refusing to replace it")


def _missing_folders(folder: Path) -> list[Path]:
    """``folder`` and those of its parents that do not exist yet, the deepest first."""
    missing = []
    while not folder.exists() and folder.parent != folder:
        missing.append(folder)
        folder = folder.parent
    return missing


def _readable(folder: Path) -> None:
    """Give the release folder the usual permissions (``mkdtemp`` makes it private to its owner), so
    that a web server running as another user can read it."""
    mask = os.umask(0)
    os.umask(mask)
    folder.chmod(0o777 & ~mask)


# ---------------------------------------------------------------------------------------------
# Prefixes and JSON-LD
# ---------------------------------------------------------------------------------------------


def _prefixes(store, base: str) -> dict[str, str]:
    """The prefixes of the written files: the standard ones, ``hg:``, and one per kind of resource."""
    prefixes = {"hg": base + "ontology#"}
    prefixes.update(STANDARD_PREFIXES)
    kinds = set()
    space = base + "id/"
    for quad in store.ox.quads_for_pattern(None, ox.NamedNode(RDF + "type"), None, None):
        parts = site.split_iri(quad.subject.value, base=base) if isinstance(quad.subject, ox.NamedNode) else None
        if parts:
            kinds.add(parts[0])
    for kind in sorted(kinds):
        if kind.replace("-", "").isalnum() and kind not in prefixes:
            prefixes[kind] = f"{space}{kind}/"
    return prefixes


class JsonLdContext:
    """The JSON-LD context of the release: the prefixes and one term per ontology term.

    ``hg:`` classes and properties are terms of their own name (``Claim``, ``about``); object
    properties take IRIs (``"about": "camp:karlag"``). A term whose name is also a prefix
    (``source``, the property, and ``source:``, the IRIs of source documents) keeps its prefixed
    form ``hg:source`` so that both stay usable.
    """

    def __init__(self, prefixes: dict[str, str], terms: dict[str, str], object_properties: set[str]):
        self.prefixes = dict(prefixes)
        self.terms = dict(terms)  # IRI -> term name
        self.object_properties = set(object_properties)
        self._namespaces = sorted(self.prefixes.items(), key=lambda item: -len(item[1]))
        self._compacted: dict[str, str] = {}
        self._keys: dict[str, str] = {}
        self._values: dict[tuple[str, str], object] = {}  # (predicate, object) -> its JSON text, see node_text_nt

    @classmethod
    def from_store(cls, store, base: str, prefixes: dict[str, str]) -> JsonLdContext:
        hg = base + "ontology#"
        type_node = ox.NamedNode(RDF + "type")
        kinds = {OWL + "Class", RDFS + "Class", OWL + "ObjectProperty", OWL + "DatatypeProperty",
                 OWL + "AnnotationProperty", RDF + "Property"}
        terms: dict[str, str] = {}
        object_properties: set[str] = set()
        for quad in store.ox.quads_for_pattern(None, type_node, None, None):
            iri = quad.subject.value if isinstance(quad.subject, ox.NamedNode) else ""
            if not iri.startswith(hg) or quad.object.value not in kinds:
                continue
            local = iri[len(hg):]
            if not local or not local.replace("_", "").isalnum():
                continue
            if quad.object.value == OWL + "ObjectProperty":
                object_properties.add(iri)
            if local not in prefixes:
                terms[iri] = local
        return cls(prefixes, terms, object_properties)

    def document(self) -> dict:
        """The context file, ``context.jsonld``."""
        context: dict = {}
        for prefix, namespace in sorted(self.prefixes.items()):
            context[prefix] = namespace
        for iri, name in sorted(self.terms.items(), key=lambda item: item[1]):
            if iri in self.object_properties:
                context[name] = {"@id": self.compact(iri), "@type": "@id"}
            else:
                context[name] = self.compact(iri)
        for iri in sorted(self.object_properties):
            if iri not in self.terms:
                context[self.compact(iri)] = {"@type": "@id"}
        return {"@context": context}

    def compact(self, iri: str) -> str:
        """``camp:karlag`` for an IRI under a prefix, else the IRI itself."""
        found = self._compacted.get(iri)
        if found is None:
            found = self._compact(iri)
            if len(self._compacted) < 200_000:
                self._compacted[iri] = found
        return found

    def _compact(self, iri: str) -> str:
        for prefix, namespace in self._namespaces:
            if iri.startswith(namespace) and len(iri) > len(namespace):
                local = iri[len(namespace):]
                if not local.startswith("//"):
                    return f"{prefix}:{local}"
        return iri

    def key(self, iri: str) -> str:
        found = self._keys.get(iri)
        if found is None:
            found = self._keys[iri] = self.terms.get(iri) or self.compact(iri)
        return found

    def node_id(self, term) -> str:
        if isinstance(term, ox.BlankNode):
            return f"_:{term.value}"
        return self.compact(term.value)

    def value(self, predicate: str, term):
        if isinstance(term, ox.Literal):
            if term.language:
                return {"@value": term.value, "@language": term.language}
            datatype = term.datatype.value
            if datatype == XSD + "string":
                if predicate in self.object_properties:
                    return {"@value": term.value}
                return term.value
            return {"@value": term.value, "@type": self.compact(datatype)}
        if predicate in self.object_properties:
            return self.node_id(term)
        return {"@id": self.node_id(term)}

    def nodes(self, triples: Iterable) -> list[dict]:
        """Node objects for triples (each with .subject, .predicate, .object), sorted."""
        by_subject: dict = {}
        for t in triples:
            by_subject.setdefault(t.subject, []).append((t.predicate, t.object))
        return [self.node(subject, by_subject[subject])
                for subject in sorted(by_subject, key=lambda s: (isinstance(s, ox.BlankNode), s.value))]

    def node(self, subject, pairs: Iterable) -> dict:
        """The node object of ``subject`` with its (predicate, object) pairs."""
        node: dict = {"@id": self.node_id(subject)}
        types = []
        properties: dict = {}
        rdf_type = RDF + "type"
        for p, _text, o in sorted([(p.value, str(o), o) for p, o in pairs], key=_FIRST_TWO):
            if p == rdf_type and isinstance(o, ox.NamedNode):
                types.append(self.terms.get(o.value) or self.compact(o.value))
                continue
            properties.setdefault(self.key(p), []).append(self.value(p, o))
        if types:
            node["@type"] = types[0] if len(types) == 1 else types
        for key, values in properties.items():
            node[key] = values[0] if len(values) == 1 else values
        return node

    def node_text(self, subject, pairs: Iterable, level: int = 0, context_ref: str | None = None) -> str:
        """The text of :meth:`node` as :func:`_json_text` writes it ``level`` deep (with an
        ``@context`` member first if given), written directly."""
        return self.node_text_nt(str(subject), [(str(p), str(o)) for p, o in pairs], level, context_ref)

    def node_text_nt(self, subject: str, pairs: list, level: int = 0, context_ref: str | None = None) -> str:
        """:meth:`node_text` for terms in their N-Triples form (``<iri>``, ``_:b``, ``"text"@en``),
        as a dump's lines give them: the JSON-LD dump has a node per subject and graph."""
        encode, rdf_type, object_properties = _encode_string, RDF + "type", self.object_properties
        pad = "\n" + " " * (level + 1)
        deeper = pad + " "
        parts = ["{"]
        if context_ref is not None:
            parts.append(f'{pad}"@context": {encode(context_ref)},')
        parts.append(f'{pad}"@id": {encode(self.compact(subject[1:-1]) if subject[0] == "<" else subject)}')
        types: list[str] = []
        properties: dict[str, list] = {}
        known = self._values
        for p, o in sorted([(p[1:-1], o) for p, o in pairs]):
            value = known.get((p, o))
            if value is None:
                first = o[0]
                if first == '"':
                    text, language, datatype = _nt_literal(o)
                    if language:
                        value = (('"@value"', encode(text)), ('"@language"', encode(language)))
                    elif datatype:
                        value = (('"@value"', encode(text)), ('"@type"', encode(self.compact(datatype))))
                    elif p in object_properties:
                        value = (('"@value"', encode(text)),)
                    else:
                        value = encode(text)
                elif first == "<" and p == rdf_type:
                    value = _Type(encode(self.terms.get(o[1:-1]) or self.compact(o[1:-1])))
                else:
                    ident = encode(self.compact(o[1:-1]) if first == "<" else o)
                    value = ident if p in object_properties else (('"@id"', ident),)
                if o[-1] == ">" and len(known) < 100_000:  # IRIs and typed values recur: years, camps, classes
                    known[(p, o)] = value
            if type(value) is _Type:
                types.append(value)
                continue
            found = properties.get(p)
            if found is None:
                properties[p] = [value]
            else:
                found.append(value)
        if types:
            shown = types[0] if len(types) == 1 else "[" + ",".join([deeper + t for t in types]) + pad + "]"
            parts.append(f',{pad}"@type": {shown}')
        keys: dict[str, list] = {}  # two properties may have one key: their values go together
        for p, values in properties.items():
            keys.setdefault(self.key(p), []).extend(values)
        for key, values in keys.items():
            if len(values) == 1:
                shown = _member_text(values[0], level + 1)
            else:
                shown = "[" + ",".join([deeper + _member_text(v, level + 2) for v in values]) + pad + "]"
            parts.append(f",{pad}{encode(key)}: {shown}")
        parts.append("\n" + " " * level + "}")
        return "".join(parts)

    def description_text(self, described: dict, context_ref: str) -> str:
        """A resource's description (statements grouped by subject, ``{subject: [(p, o), ...]}``)
        as a JSON-LD document: the text :func:`_json` writes for :meth:`graph_document` of the
        same statements."""
        subjects = sorted(described, key=lambda s: (isinstance(s, ox.BlankNode), s.value))
        if len(subjects) == 1:
            return self.node_text(subjects[0], described[subjects[0]], 0, context_ref) + "\n"
        if not subjects:
            return _json_text({"@context": context_ref, "@graph": []}) + "\n"
        nodes = ",".join(["\n  " + self.node_text(s, described[s], 2) for s in subjects])
        return f'{{\n "@context": {_encode_string(context_ref)},\n "@graph": [{nodes}\n ]\n}}\n'

    def graph_document(self, triples: Iterable, context_ref: str) -> dict:
        nodes = self.nodes(triples)
        if len(nodes) == 1:
            return {"@context": context_ref, **nodes[0]}
        return {"@context": context_ref, "@graph": nodes}

    def write_dataset(self, graphs: Iterable, context_ref: str, write: Callable[[bytes], object]) -> None:
        """A JSON-LD document with one named graph per graph, written in pieces.

        ``graphs`` are (graph, lines): each graph (:class:`pyoxigraph.DefaultGraph` or a named
        node) with its statements as sorted N-Triples lines (bytes), as :func:`_graph_lines`
        gives them. The default graph's nodes stand at the top, each named graph is a node with
        its ``@graph``. The text is that of ``json.dumps(document, ensure_ascii=False, indent=1)``.
        """
        chunks = ['{\n "@context": ', _encode_string(context_ref), ',\n "@graph": [']
        top = 0  # items of the top @graph
        for graph, lines in graphs:
            if not lines:
                continue
            named = not isinstance(graph, ox.DefaultGraph)
            if named:
                chunks.append(",\n  " if top else "\n  ")
                chunks.append('{\n   "@id": ' + _encode_string(self.node_id(graph)) + ',\n   "@graph": [')
                top, level, separator = top + 1, 4, "\n    "
            else:
                level, separator = 2, "\n  "
            first = named or not top  # no node before this one in the list it goes into
            subject, pairs = None, []
            for line in lines:
                s, p, o = line.decode("utf-8").split(" ", 2)
                if s != subject:
                    if pairs:
                        chunks.append(separator if first else "," + separator)
                        chunks.append(self.node_text_nt(subject, pairs, level))
                        first = False
                        if len(chunks) > 4096:
                            write("".join(chunks).encode("utf-8"))
                            chunks.clear()
                    subject, pairs = s, []
                pairs.append((p, o[:-2]))  # the line ends with " ."
            chunks.append(separator if first else "," + separator)
            chunks.append(self.node_text_nt(subject, pairs, level))
            if named:
                chunks.append("\n   ]\n  }")
            else:
                top += 1
        chunks.append("\n ]\n}\n" if top else "]\n}\n")
        write("".join(chunks).encode("utf-8"))


_NT_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.DOTALL)
_NT_CHARACTERS = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def _nt_unescape(match: re.Match) -> str:
    code = match.group(1) or match.group(2)
    return chr(int(code, 16)) if code else _NT_CHARACTERS.get(match.group(3), match.group(0))


def _nt_literal(token: str) -> tuple[str, str | None, str | None]:
    r"""The text, language and datatype (None for a plain string) of an N-Triples literal.

    >>> _nt_literal('"say \\"hi\\"\\n"@en'), _nt_literal('"1954"^^<http://www.w3.org/2001/XMLSchema#integer>')
    (('say "hi"\n', 'en', None), ('1954', None, 'http://www.w3.org/2001/XMLSchema#integer'))
    """
    end = token.rindex('"')
    text = token[1:end]
    if "\\" in text:
        text = _NT_ESCAPE.sub(_nt_unescape, text)
    rest = token[end + 1:]
    if not rest:
        return text, None, None
    if rest[0] == "@":
        return text, rest[1:], None
    datatype = rest[3:-1]  # ^^<...>
    return text, None, (None if datatype == XSD + "string" else datatype)


# ---------------------------------------------------------------------------------------------
# JSON text
# ---------------------------------------------------------------------------------------------

_encode_string = json.encoder.encode_basestring  # the C encoder of json.dumps(ensure_ascii=False)


class _Type(str):
    """The JSON text of a node's class, told apart from its other values."""


def _member_text(value, level: int) -> str:
    """A value of :meth:`JsonLdContext.node_text`: JSON text already, or a small object's members."""
    if type(value) is str:
        return value
    pad = "\n" + " " * (level + 1)
    return "{" + ",".join([f"{pad}{key}: {text}" for key, text in value]) + "\n" + " " * level + "}"


def _json(document) -> bytes:
    """``json.dumps(document, ensure_ascii=False, indent=1)`` and a newline, as UTF-8."""
    try:
        text = _json_text(document)
    except TypeError:  # a value the fast path does not know: the standard library's answer
        text = json.dumps(document, ensure_ascii=False, indent=1)
    return (text + "\n").encode("utf-8")


def _json_text(value, indent: int = 1, level: int = 0) -> str:
    """The text of ``json.dumps(value, ensure_ascii=False, indent=indent)`` as if nested ``level``
    deep, written faster: the standard library's indented output is pure Python.

    >>> document = {"a": [1, 2.5, {"b": None, "c": True}], "d": 'é"<', "e": [], "f": {}}
    >>> _json_text(document) == json.dumps(document, ensure_ascii=False, indent=1)
    True
    """
    out: list[str] = []
    _encode(value, out, indent, level)
    return "".join(out)


def _encode(value, out: list, indent: int, level: int) -> None:
    kind = type(value)
    if kind is str:
        out.append(_encode_string(value))
    elif kind is dict:
        if not value:
            out.append("{}")
            return
        newline = "\n" + " " * (indent * (level + 1))
        separator = "{" + newline
        for key, item in value.items():
            if type(key) is not str:
                raise TypeError(f"key {key!r} is not a string")
            out.append(separator)
            out.append(_encode_string(key))
            out.append(": ")
            _encode(item, out, indent, level + 1)
            separator = "," + newline
        out.append("\n" + " " * (indent * level) + "}")
    elif kind is list or kind is tuple:
        if not value:
            out.append("[]")
            return
        newline = "\n" + " " * (indent * (level + 1))
        separator = "[" + newline
        for item in value:
            out.append(separator)
            _encode(item, out, indent, level + 1)
            separator = "," + newline
        out.append("\n" + " " * (indent * level) + "]")
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif kind is int:
        out.append(int.__repr__(value))
    elif kind is float:
        out.append(json.dumps(value))
    else:
        raise TypeError(f"{value!r} is not JSON")


# ---------------------------------------------------------------------------------------------
# Reading the graph
# ---------------------------------------------------------------------------------------------


@dataclass
class GraphStats:
    """What the dataset description counts, over the distinct triples of every graph."""

    triples: int
    subjects: int
    entities: int
    objects: int
    classes: dict[str, int]  # class IRI -> its instances
    properties: dict[str, int]  # property IRI -> its triples
    same_as: dict[str, int]  # owl:sameAs links by the start of their target IRI

    @classmethod
    def of(cls, data: site.SiteData, base: str, targets: Iterable[str] = ()) -> GraphStats:
        space = base + "id/"
        rdf_type, same_as = site.TYPE, site.SAME_AS
        targets = tuple(targets)
        triples = entities = subjects = 0
        objects: set = set()
        classes: dict = {}
        properties: dict = {}
        links = dict.fromkeys(targets, 0)
        named = ox.NamedNode
        for subject in data.every_subject():
            pairs = data.out(subject)
            if not pairs:
                continue
            subjects += 1
            triples += len(pairs)
            if type(subject) is named and subject.value.startswith(space):
                entities += 1
            for p, o in pairs:
                properties[p] = properties.get(p, 0) + 1
                objects.add(o)
                if type(o) is named:
                    if p == rdf_type:
                        classes[o] = classes.get(o, 0) + 1
                    elif p == same_as:
                        for target in targets:
                            if o.value.startswith(target):
                                links[target] += 1
        return cls(triples=triples, subjects=subjects, entities=entities, objects=len(objects),
                   classes={c.value: n for c, n in classes.items()},
                   properties={p.value: n for p, n in properties.items()}, same_as=links)


def _read_graph(ctx: _Build) -> None:
    """The whole graph into memory once (:meth:`site.SiteData.preload`), its counts, and what every
    page reads: the classes, the resources with a page, the coordinates.

    The millions of objects read are then frozen (:func:`gc.freeze`, undone at the end of the
    build): the garbage collector would otherwise go through them all again and again, and a
    worker process forked later shares them instead of copying them.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        data = ctx.data.preload()
        ctx.stats = GraphStats.of(data, ctx.base, (WIKIDATA, GEONAMES))
        data.typed, data.data_typed, data.superclasses, data.class_counts, data.points  # noqa: B018 - computed now
        data.instances(site.TYPE)
        site.ontology_graphs()
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


# ---------------------------------------------------------------------------------------------
# Steps
# ---------------------------------------------------------------------------------------------

#: How hard the gzipped dumps are compressed: a fast level (the dumps of a register are hundreds of MB).
GZIP_LEVEL = 3


class _Hashed:
    """A binary file that counts and hashes what is written to it."""

    def __init__(self, path: Path):
        self.file = open(path, "wb")  # noqa: SIM115 - closed by close()
        self.sha = hashlib.sha256()
        self.size = 0

    def write(self, data) -> int:
        self.file.write(data)
        self.sha.update(data)
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        self.file.flush()

    def close(self) -> None:
        self.file.close()


class _Dump:
    """One dump file being written, with its gzipped copy beside it, both hashed as they go.

    Serializers write to it in small pieces; they are gathered into pieces of a few MB first.
    """

    PIECE = 4 << 20

    def __init__(self, ctx: _Build, suffix: str):
        self.ctx, self.suffix = ctx, suffix
        self.name = f"{NAME}{suffix}"
        self.plain = _Hashed(ctx.path(f"dumps/{self.name}"))
        self.packed = _Hashed(ctx.path(f"dumps/{self.name}.gz"))
        self.gzip = gzip.GzipFile(filename="", mode="wb", fileobj=self.packed, mtime=0, compresslevel=GZIP_LEVEL)
        self._pending: list = []
        self._pending_size = 0

    def write(self, data) -> int:
        self._pending.append(data)
        self._pending_size += len(data)
        if self._pending_size >= self.PIECE:
            self._drain()
        return len(data)

    def flush(self) -> None:
        pass

    def _drain(self) -> None:
        if self._pending:
            piece = b"".join(self._pending)
            self._pending.clear()
            self._pending_size = 0
            self.plain.write(piece)
            self.gzip.write(piece)

    def close(self) -> dict:
        self._drain()
        self.gzip.close()
        self.plain.close()
        self.packed.close()
        digest, gz_digest = self.plain.sha.digest(), self.packed.sha.digest()
        self.ctx.record(f"dumps/{self.name}", self.plain.size, digest)
        self.ctx.record(f"dumps/{self.name}.gz", self.packed.size, gz_digest)
        fmt, media, w3c, graphs = DUMPS[self.suffix]
        return {"name": self.name, "suffix": self.suffix, "format": fmt, "media_type": media, "w3c": w3c,
                "graphs": graphs, "bytes": self.plain.size, "sha256": digest.hex(),
                "gz_name": f"{self.name}.gz", "gz_bytes": self.packed.size, "gz_sha256": gz_digest.hex()}


def _graph_lines(store: ox.Store) -> list[tuple[object, list[bytes]]]:
    """Each graph (the default graph first, if it holds anything, then the named graphs by IRI)
    with its statements as N-Triples lines, sorted."""
    graphs = sorted(store.named_graphs(), key=lambda g: g.value)
    if next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None:
        graphs.insert(0, ox.DefaultGraph())
    found = []
    for graph in graphs:
        lines = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph).split(b"\n")
        lines.pop()  # what follows the last line's newline
        lines.sort()
        found.append((graph, lines))
    return found


def _write_lines(lines: list[bytes], out: _Dump, suffix: bytes = b"") -> None:
    step = 50_000
    for start in range(0, len(lines), step):
        piece = lines[start:start + step]
        if suffix:
            piece = [line[:-1] + suffix for line in piece]
        out.write(b"\n".join(piece) + b"\n")


def _write_dumps(ctx: _Build) -> None:
    """The whole graph in six formats, each gzipped too, with SHA256SUMS.

    The N-Quads and N-Triples dumps are the store's own N-Triples output, graph by graph, with
    the lines sorted (by graph, then subject, predicate and object); the Turtle, TriG and RDF/XML
    dumps are those two read back in order through pyoxigraph's serializers, and the JSON-LD one
    is written by the package. Every dump goes to disk as it is written, gzipped and hashed on
    the way.
    """
    total = len(DUMPS)
    ctx.progress("dumps", 0, total)
    ctx.write("context.jsonld", _json(ctx.context.document()))
    made: dict[str, dict] = {}
    graphs = _graph_lines(ctx.store.ox)
    out = _Dump(ctx, ".nq")
    for graph, lines in graphs:
        _write_lines(lines, out, b"" if isinstance(graph, ox.DefaultGraph) else str(graph).encode("utf-8") + b" .")
    made[".nq"] = out.close()
    out = _Dump(ctx, ".jsonld")
    ctx.context.write_dataset(graphs, "../context.jsonld", out.write)
    made[".jsonld"] = out.close()
    ctx.progress("dumps", 2, total)
    lines = [line for _graph, graph_lines in graphs for line in graph_lines]
    del graphs
    lines.sort()
    lines = [line for i, line in enumerate(lines) if not i or line != lines[i - 1]]
    out = _Dump(ctx, ".nt")
    _write_lines(lines, out)
    made[".nt"] = out.close()
    del lines
    ctx.progress("dumps", 3, total)
    nq, nt = str(ctx.staging / "dumps" / f"{NAME}.nq"), str(ctx.staging / "dumps" / f"{NAME}.nt")
    for suffix, source, source_format, fmt in (
        (".ttl", nt, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.TURTLE),
        (".trig", nq, ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG),
        (".rdf", nt, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.RDF_XML),
    ):
        out = _Dump(ctx, suffix)
        ox.serialize(ox.parse(path=source, format=source_format), out, format=fmt, prefixes=ctx.prefixes)
        made[suffix] = out.close()
        ctx.progress("dumps", len(made), total)
    ctx.dumps = [made[suffix] for suffix in DUMPS]
    sums = []
    for d in ctx.dumps:
        sums += [f"{d['sha256']}  {d['name']}", f"{d['gz_sha256']}  {d['gz_name']}"]
    ctx.progress("dumps", total, total)
    ctx.write("dumps/SHA256SUMS", "\n".join(sums) + "\n")


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _lit(value, datatype: str | None = None, language: str | None = None) -> ox.Literal:
    if language:
        return ox.Literal(str(value), language=language)
    if datatype:
        return ox.Literal(str(value), datatype=_n(datatype))
    return ox.Literal(str(value))


def void_triples(ctx: _Build) -> list[ox.Triple]:
    """The VoID and DCAT description of the release."""
    base, hg = ctx.base, ctx.base + "ontology#"
    dataset = _n(base + "dataset")
    triples: list[ox.Triple] = []

    def add(s, p, o):
        triples.append(ox.Triple(s, _n(p), o))

    counter = iter(range(1, 1_000_000))

    def blank() -> ox.BlankNode:  # stable names, so that the description is the same byte for byte
        return ox.BlankNode(f"b{next(counter)}")

    rdf_type = RDF + "type"
    add(dataset, rdf_type, _n(VOID + "Dataset"))
    add(dataset, rdf_type, _n(DCAT + "Dataset"))
    add(dataset, DCTERMS + "title", _lit(TITLE, language="en"))
    add(dataset, DCTERMS + "description", _lit(DESCRIPTION, language="en"))
    add(dataset, DCTERMS + "license", _n(LICENSE))
    add(dataset, DCTERMS + "issued", _lit(ctx.date, XSD + "date"))
    add(dataset, DCTERMS + "modified", _lit(ctx.date, XSD + "date"))
    add(dataset, OWL + "versionInfo", _lit(ctx.version))
    add(dataset, DCAT + "version", _lit(ctx.version))
    publisher = blank()
    add(dataset, DCTERMS + "publisher", publisher)
    add(publisher, rdf_type, _n(FOAF + "Organization"))
    add(publisher, FOAF + "name", _lit(PUBLISHER))
    add(dataset, DCAT + "landingPage", _n(base))
    for keyword in ("Lithuanian heritage", "GULAG", "Kazakhstan", "memorials", "diaspora"):
        add(dataset, DCAT + "keyword", _lit(keyword, language="en"))
    add(dataset, VOID + "sparqlEndpoint", _n(base + "sparql"))
    add(dataset, VOID + "uriSpace", _lit(base + "id/"))
    add(dataset, VOID + "uriLookupEndpoint", _n(base + "id/"))
    for vocabulary in (hg, RDFS, SKOS, OWL, GEO, DCTERMS):
        add(dataset, VOID + "vocabulary", _n(vocabulary))
    stats = ctx.stats
    add(dataset, VOID + "triples", _lit(stats.triples, XSD + "integer"))
    add(dataset, VOID + "entities", _lit(stats.entities, XSD + "integer"))
    add(dataset, VOID + "distinctSubjects", _lit(stats.subjects, XSD + "integer"))
    add(dataset, VOID + "distinctObjects", _lit(stats.objects, XSD + "integer"))
    classes, properties = stats.classes, stats.properties
    add(dataset, VOID + "classes", _lit(len(classes), XSD + "integer"))
    add(dataset, VOID + "properties", _lit(len(properties), XSD + "integer"))
    for cls in sorted(classes):
        partition = blank()
        add(dataset, VOID + "classPartition", partition)
        add(partition, VOID + "class", _n(cls))
        add(partition, VOID + "entities", _lit(classes[cls], XSD + "integer"))
    for prop in sorted(properties):
        partition = blank()
        add(dataset, VOID + "propertyPartition", partition)
        add(partition, VOID + "property", _n(prop))
        add(partition, VOID + "triples", _lit(properties[prop], XSD + "integer"))
    for example in _examples(ctx):
        add(dataset, VOID + "exampleResource", example)
    for target, space_of, title in ((WIKIDATA, WIKIDATA, "Wikidata"), (GEONAMES, GEONAMES, "GeoNames")):
        count = stats.same_as.get(space_of, 0)
        other = _n({"Wikidata": "https://www.wikidata.org/", "GeoNames": "https://www.geonames.org/"}[title])
        linkset = _n(f"{base}dataset/links/{title.lower()}")
        add(other, rdf_type, _n(VOID + "Dataset"))
        add(other, DCTERMS + "title", _lit(title))
        add(other, VOID + "uriSpace", _lit(space_of))
        add(linkset, rdf_type, _n(VOID + "Linkset"))
        add(linkset, DCTERMS + "title", _lit(f"owl:sameAs links to {title}", language="en"))
        add(linkset, VOID + "linkPredicate", _n(OWL + "sameAs"))
        add(linkset, VOID + "subjectsTarget", dataset)
        add(linkset, VOID + "objectsTarget", other)
        add(linkset, VOID + "triples", _lit(count, XSD + "integer"))
        add(dataset, VOID + "subset", linkset)
    for dump in ctx.dumps:
        for name, size, digest, compressed in ((dump["name"], dump["bytes"], dump["sha256"], False),
                                               (dump["gz_name"], dump["gz_bytes"], dump["gz_sha256"], True)):
            url = _n(f"{base}dumps/{name}")
            distribution = _n(f"{base}dataset/distribution/{name}")
            add(dataset, VOID + "dataDump", url)
            add(dataset, DCAT + "distribution", distribution)
            add(distribution, rdf_type, _n(DCAT + "Distribution"))
            add(distribution, DCTERMS + "title", _lit(f"{dump['format']} dump{' (gzip)' if compressed else ''}",
                                                      language="en"))
            add(distribution, DCAT + "downloadURL", url)
            add(distribution, DCAT + "accessURL", url)
            add(distribution, DCAT + "mediaType", _n(f"https://www.iana.org/assignments/media-types/{dump['media_type']}"))
            add(distribution, DCTERMS + "format", _n(FORMATS_NS + dump["w3c"]))
            if compressed:
                add(distribution, DCAT + "compressFormat", _n("https://www.iana.org/assignments/media-types/application/gzip"))
            add(distribution, DCAT + "byteSize", _lit(size, XSD + "nonNegativeInteger"))
            add(distribution, DCTERMS + "license", _n(LICENSE))
            checksum = blank()
            add(distribution, SPDX + "checksum", checksum)
            add(checksum, rdf_type, _n(SPDX + "Checksum"))
            add(checksum, SPDX + "algorithm", _n(SPDX + "checksumAlgorithm_sha256"))
            add(checksum, SPDX + "checksumValue", _lit(digest, XSD + "hexBinary"))
    return triples


def _examples(ctx: _Build) -> list[ox.NamedNode]:
    wanted = ("camp/karlag", "site/spassk-memorial-cemetery", "claim/karlag-prisoners-1954-gtl", "event/kengir-uprising")
    typed = ctx.data.typed
    found = [_n(ctx.base + "id/" + w) for w in wanted if _n(ctx.base + "id/" + w) in typed]
    if not found:
        found = ctx.data.data_typed[:3]
    return found


def _write_void(ctx: _Build) -> None:
    triples = void_triples(ctx)
    header = f"# The heritage graph release {ctx.version} of {ctx.date}, described with VoID and DCAT.\n"
    ctx.write("void.ttl", header + pretty_turtle(triples, ctx.prefixes, first=[_n(ctx.base + "dataset")]))
    ctx.write("void.jsonld", _json(ctx.context.graph_document(triples, "context.jsonld")))


_LOCAL = re.compile(r"[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_-])?")


def pretty_turtle(triples: list, prefixes: dict[str, str], first: Iterable = ()) -> str:
    """Readable, deterministic Turtle for a small graph: blank nodes used once are nested ``[ ]``,
    subjects, predicates and objects are in a stable order (``first`` subjects at the top)."""
    by_subject: dict = {}
    uses: dict = {}
    for t in triples:
        by_subject.setdefault(t.subject, []).append((t.predicate, t.object))
        if isinstance(t.object, ox.BlankNode):
            uses[t.object] = uses.get(t.object, 0) + 1
    used_prefixes: set[str] = set()
    namespaces = sorted(prefixes.items(), key=lambda item: -len(item[1]))

    def iri(value: str) -> str:
        for prefix, namespace in namespaces:
            if value.startswith(namespace) and _LOCAL.fullmatch(value[len(namespace):]):
                used_prefixes.add(prefix)
                return f"{prefix}:{value[len(namespace):]}"
        return f"<{value}>"

    def term(node, depth: int) -> str:
        if isinstance(node, ox.NamedNode):
            return iri(node.value)
        if isinstance(node, ox.BlankNode):
            if uses.get(node) == 1 and node in by_subject:
                return "[ " + body(node, depth + 1) + " ]"
            return f"_:{node.value}"
        if node.language:
            return f"{ox.Literal(node.value)}@{node.language}"
        datatype = node.datatype.value
        if datatype == XSD + "string":
            return str(ox.Literal(node.value))
        if datatype == XSD + "integer" and re.fullmatch(r"[+-]?\d+", node.value):
            return node.value
        return f"{ox.Literal(node.value)}^^{iri(datatype)}"

    def body(subject, depth: int) -> str:
        pad = "    " * (depth + 1)
        parts = []
        predicates: dict = {}
        for p, o in by_subject[subject]:
            predicates.setdefault(p, []).append(o)
        ordered = sorted(predicates, key=lambda p: (p.value != RDF + "type", iri(p.value)))
        for p in ordered:
            name = "a" if p.value == RDF + "type" else iri(p.value)
            objects = sorted(term(o, depth) for o in predicates[p])
            parts.append(f"{name} " + (",\n" + pad + "    ").join(objects))
        return (" ;\n" + pad).join(parts)

    first = [s for s in first if s in by_subject]
    top = [s for s in by_subject if not (isinstance(s, ox.BlankNode) and uses.get(s) == 1)]
    rest = sorted((s for s in top if s not in first), key=lambda s: (isinstance(s, ox.BlankNode), s.value))
    blocks = [f"{term(s, -1) if isinstance(s, ox.NamedNode) else '_:' + s.value}\n    {body(s, 0)} .\n"
              for s in first + rest]
    head = "".join(f"@prefix {p}: <{prefixes[p]}> .\n" for p in sorted(used_prefixes))
    return head + "\n" + "\n".join(blocks)


def _import_pylode():
    """pyLODE, imported so that it leaves the logging configuration as it was.

    pyLODE 3.4 reads its own ``pyproject.toml`` at import, which its wheel does not ship; its
    version is then taken from the installed package's metadata instead.
    """
    import importlib
    import logging
    import types

    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        try:
            return importlib.import_module("pylode")
        except FileNotFoundError:
            from importlib.metadata import version

            for name in [n for n in sys.modules if n == "pylode" or n.startswith("pylode.")]:
                del sys.modules[name]
            shim = types.ModuleType("pylode.version")
            shim.__version__ = version("pylode")
            sys.modules["pylode.version"] = shim
            return importlib.import_module("pylode")
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


def _ontology_graph(ctx: _Build):
    """The ontology and its alignments as one rdflib graph for pyLODE (one owl:Ontology header)."""
    from ..rdf.load import graph_iri
    from ..validate.run import to_rdflib

    files = resources.ontology_files()
    main = [f for f in files if f.stem == "heritage-graph"] or files[:1]
    graph = None
    for path in files:
        quads = list(ctx.store.ox.quads_for_pattern(None, None, None, _n(graph_iri(path))))
        if path not in main:
            headers = {q.subject for q in quads if q.predicate.value == RDF + "type" and q.object.value == OWL + "Ontology"}
            quads = [q for q in quads if q.subject not in headers]
        graph = to_rdflib(quads, graph)
    return graph


def _write_ontology(ctx: _Build) -> None:
    """ontology/index.html (pyLODE), ontology/reference.html (every term with its alignments), the .ttl files."""
    import logging

    from ..rdf.load import graph_iri

    for path in resources.ontology_files():
        if ctx.base == DEFAULT_BASE:
            ctx.write(f"ontology/{path.name}", path.read_bytes())
        else:
            quads = ctx.store.ox.quads_for_pattern(None, None, None, _n(graph_iri(path)))
            ctx.write(f"ontology/{path.name}", ox.serialize([q.triple for q in quads], format=ox.RdfFormat.TURTLE,
                                                            prefixes=ctx.prefixes))
    ctx.write("ontology/reference.html", site.render_ontology_reference(ctx.store, root="../", data=ctx.data))
    html = None
    try:
        pylode = _import_pylode()
        root = logging.getLogger()
        level = root.level
        root.setLevel(logging.WARNING)
        try:
            html = pylode.OntPub(_ontology_graph(ctx)).make_html()
        finally:
            root.setLevel(level)
    except Exception as exc:  # noqa: BLE001 - pyLODE is a third-party renderer: any failure falls back
        ctx.warnings.append(f"pyLODE could not document the ontology ({type(exc).__name__}: {exc}); "
                            "ontology/index.html is the project's own reference page instead")
        notice = ("pyLODE, which writes the full ontology documentation, failed on this build "
                  f"({type(exc).__name__}); this is the project's own reference page instead.")
        ctx.write("ontology/index.html", site.render_ontology_reference(ctx.store, root="../", data=ctx.data,
                                                                        notice=notice))
        return
    back = ('<p style="margin:0.5em 1em"><a href="../index.html">Heritage graph</a> · '
            '<a href="reference.html">compact reference with alignments</a></p>')
    if "<body>" in html:
        html = html.replace("<body>", "<body>" + back, 1)
    ctx.write("ontology/index.html", html)


class _PrefixFinder:
    """The prefixes a small description uses, so that its Turtle and RDF/XML declare only those."""

    def __init__(self, prefixes: dict[str, str]):
        self.prefixes = prefixes
        self.by_namespace = {namespace: name for name, namespace in prefixes.items()}
        self.cache: dict = {}
        self.plain = {XSD + "string", RDF + "langString"}

    def of_iri(self, iri: str) -> str | None:
        return self.by_namespace.get(iri[: max(iri.rfind("/"), iri.rfind("#")) + 1])

    def of(self, term) -> str | None:
        found = self.cache.get(term, False)
        if found is False:
            kind = type(term)
            if kind is ox.NamedNode:
                found = self.of_iri(term.value)
            elif kind is ox.Literal:
                datatype = term.datatype.value
                found = None if datatype in self.plain else self.of_iri(datatype)
            else:
                found = None
            if len(self.cache) < 100_000:
                self.cache[term] = found
        return found

    def used(self, groups: dict) -> dict[str, str]:
        names = set()
        of = self.of
        for subject, pairs in groups.items():
            if type(subject) is ox.NamedNode:
                names.add(self.of_iri(subject.value))
            for p, o in pairs:
                names.add(of(p))
                names.add(of(o))
        names.discard(None)
        return {name: self.prefixes[name] for name in sorted(names)}


def _write_resource(ctx: _Build, node, finder: _PrefixFinder) -> bool:
    """One resource's page and its description as Turtle, N-Triples, RDF/XML and JSON-LD."""
    html = site.resource_html(ctx.data, node, "../../")
    if html is None:
        return False
    stem = ctx.data.doc_path(node.value)[: -len(".html")]
    ctx.write(stem + ".html", html)
    groups = describe(ctx.data, node, ctx.data.hgn("about"))
    triples = description_triples(groups)
    prefixes = finder.used(groups)
    ctx.write(stem + ".ttl", ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes))
    ctx.write(stem + ".nt", ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))
    ctx.write(stem + ".rdf", ox.serialize(triples, format=ox.RdfFormat.RDF_XML, prefixes=prefixes))
    ctx.write(stem + ".jsonld", ctx.context.description_text(groups, "../../context.jsonld"))
    return True


def _can_fork() -> bool:
    return sys.platform.startswith("linux") and hasattr(os, "fork") and (os.cpu_count() or 1) > 1


def _die_with_parent(parent: int) -> None:
    """Have the system end this (forked) process when the build's process ends, however it ends."""
    import ctypes
    import signal

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:
        os._exit(1)


class _Pages:
    """The resource pages, in chunks taken by the build's process and, where the system can fork,
    by one worker process that starts as soon as the graph is read (it writes pages while the
    build writes the dumps and runs the queries). The worker takes chunks from the start of the
    list, the build from the end, so that the two mostly write into different folders. Each
    process writes its own files and notes their sizes and digests; the worker sends its notes
    back when there is nothing left.
    """

    CHUNK = 64

    def __init__(self, ctx: _Build):
        import multiprocessing

        self.ctx = ctx
        self.nodes = ctx.data.data_typed
        self.chunks = -(-len(self.nodes) // self.CHUNK)
        self.front = multiprocessing.Value("q", 0)  # the next chunk from the start
        self.back = multiprocessing.RawValue("q", self.chunks)  # one past the next chunk from the end
        self.done = multiprocessing.Value("q", 0)
        self.finder = _PrefixFinder(ctx.prefixes)
        self.pid: int | None = None
        self.pipe: int | None = None

    def take(self, from_end: bool = False) -> int | None:
        with self.front.get_lock():
            if self.front.value >= self.back.value:
                return None
            if from_end:
                self.back.value -= 1
                return self.back.value
            self.front.value += 1
            return self.front.value - 1

    def render(self, chunk: int) -> None:
        ctx, finder = self.ctx, self.finder
        nodes = self.nodes[chunk * self.CHUNK:(chunk + 1) * self.CHUNK]
        for node in nodes:
            if _write_resource(ctx, node, finder):
                ctx.pages += 1
        with self.done.get_lock():
            self.done.value += len(nodes)

    def start(self) -> bool:
        """Start the worker; True if it runs."""
        if not _can_fork() or self.chunks < 8:
            return False
        for kind in sorted({self.ctx.data.doc_path(n.value).split("/")[1] for n in self.nodes}):
            self.ctx._open_folder(f"doc/{kind}")  # the folders, made once, before two processes write into them
        sys.stdout.flush()
        sys.stderr.flush()
        gc.freeze()  # what the worker shares with the build: garbage collection would copy it
        parent = os.getpid()
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker: never returns
            os.close(read)
            code, payload = 1, b""
            try:
                _die_with_parent(parent)
                ctx = self.ctx
                ctx.files, ctx.pages = [], 0
                while (chunk := self.take()) is not None:
                    self.render(chunk)
                payload = pickle.dumps({"files": ctx.files, "pages": ctx.pages}, protocol=pickle.HIGHEST_PROTOCOL)
                code = 0
            except BaseException:  # noqa: BLE001 - reported to the build's process, which raises it
                import traceback

                payload = pickle.dumps({"error": traceback.format_exc()})
            try:
                _write_fd(write, payload)
            finally:
                os._exit(code)
        os.close(write)
        self.pid, self.pipe = pid, read
        return True

    def finish(self) -> None:
        """Take chunks until there are none, then wait for the worker and merge what it wrote."""
        ctx = self.ctx
        total = len(self.nodes)
        ctx.progress("resource pages", self.done.value, total)
        while (chunk := self.take(from_end=self.pid is not None)) is not None:
            self.render(chunk)
            ctx.progress("resource pages", self.done.value, total)
        if self.pid is not None:
            answer = self._wait(total)
            if "error" in answer:
                raise PublishError("the process writing resource pages failed:\n" + answer["error"])
            ctx.files.extend(answer["files"])
            ctx.pages += answer["pages"]
        ctx.progress("resource pages", total, total)

    def _wait(self, total: int) -> dict:
        import select

        pieces = []
        while True:
            ready, _, _ = select.select([self.pipe], [], [], 0.25)
            if ready:
                piece = os.read(self.pipe, 1 << 20)
                if not piece:
                    break
                pieces.append(piece)
            else:
                self.ctx.progress("resource pages", self.done.value, total)
        os.close(self.pipe)
        self.pipe = None
        _, status = os.waitpid(self.pid, 0)
        self.pid = None
        try:
            answer = pickle.loads(b"".join(pieces))
        except Exception:  # noqa: BLE001 - killed before it could answer
            answer = {}
        if status != 0 and "error" not in answer:
            answer = {"error": f"it ended with status {status} before it was done"}
        return answer

    def stop(self) -> None:
        """End the worker if it still runs (the build failed)."""
        import signal

        if self.pid is not None:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            self.pid = None
        if self.pipe is not None:
            os.close(self.pipe)
            self.pipe = None


def _write_resources(ctx: _Build, pages: _Pages | None = None) -> None:
    """doc/{kind}/{slug}.html, .ttl, .jsonld, .nt, .rdf for every resource typed in the data."""
    (pages or _Pages(ctx)).finish()
    for relative, source in site.ASSETS.items():
        ctx.write(relative, source.read_bytes())


def _write_classes(ctx: _Build) -> None:
    """class/index.html and class/{Class}.html for every class with resources."""
    ctx.write("class/index.html", site.render_classes(ctx.store, root="../", data=ctx.data))
    classes = sorted(ctx.data.class_counts, key=lambda c: c.value)
    for i, cls in enumerate(classes):
        ctx.progress("class pages", i, len(classes))
        html = site.render_class(ctx.store, cls.value, root="../", data=ctx.data)
        if html is not None:
            ctx.write(site.class_path(cls.value, base=ctx.base), html)
    ctx.progress("class pages", len(classes), len(classes))


class _KeptResults:
    """Stands for the pyoxigraph store when the build runs its stored queries.

    Each SELECT's solutions are serialized by Oxigraph as SPARQL JSON and kept (``last``), for
    the answer files. A result longer than ``limit`` rows (a register's names: hundreds of
    thousands) is handed on with its first ``limit`` rows only, which is what its page shows;
    ``shape`` then says how many rows it has and which columns hold numbers only.
    """

    def __init__(self, store: ox.Store, limit: int):
        self.store = store
        self.limit = limit
        self.last: bytes | None = None
        self.shape: site.ResultShape | None = None

    def query(self, sparql: str, **options):
        self.last = self.shape = None
        result = self.store.query(sparql, **options)
        if not isinstance(result, ox.QuerySolutions):
            return result
        self.last = result.serialize(format=ox.QueryResultsFormat.JSON)
        shape = _result_shape(self.last)
        if shape.total > self.limit:
            first = _first_solutions(self.last, self.limit)
            if first is not None:
                self.shape = shape
                return ox.parse_query_results(first, format=ox.QueryResultsFormat.JSON)
        return ox.parse_query_results(self.last, format=ox.QueryResultsFormat.JSON)

    def __getattr__(self, name):
        return getattr(self.store, name)


def _result_shape(answer: bytes) -> site.ResultShape:
    """How many solutions a SPARQL JSON answer holds, and which variables are numbers in all of them."""
    solutions = ox.parse_query_results(answer, format=ox.QueryResultsFormat.JSON)
    variables = [v.value for v in solutions.variables]
    numbers = list(variables)  # the variables with no other value so far
    bound: set[str] = set()
    total = 0
    for solution in solutions:
        total += 1
        if numbers:
            still = []
            for name in numbers:
                term = solution[name]
                if term is None:
                    still.append(name)
                elif type(term) is ox.Literal and term.datatype.value in site.NUMERIC_DATATYPES:
                    bound.add(name)
                    still.append(name)
            numbers = still
    return site.ResultShape(total, {v: v in bound and v in numbers for v in variables})


def _first_solutions(answer: bytes, count: int) -> bytes | None:
    """A SPARQL JSON answer cut to its first ``count`` solutions (None if it cannot be cut so)."""
    text = answer.decode("utf-8")
    found = re.search(r'"bindings"\s*:\s*\[', text)
    if found is None:
        return None
    decoder = json.JSONDecoder()
    end = found.end()
    try:
        for _ in range(count):
            while text[end] in ", \t\r\n":
                end += 1
            _binding, end = decoder.raw_decode(text, end)
        cut = text[:end] + "]}}"
        json.loads(cut)
    except (ValueError, IndexError):
        return None
    return cut.encode("utf-8")


def _write_queries(ctx: _Build) -> None:
    """queries/index.html and, per stored query, its page and its answer as CSV and JSON."""
    import copy

    from ..queries import catalogue as q
    from ..queries.results import render
    from ..rdf.store import OxigraphStore

    ctx.write("queries/index.html", site.render_queries(ctx.store, root="../"))
    store, kept = ctx.store, None
    if isinstance(store, OxigraphStore):
        store = copy.copy(store)
        store.ox = kept = _KeptResults(ctx.store.ox, site.RESULT_LIMIT)
    catalogue = q.catalogue()
    for i, (name, stored) in enumerate(catalogue.items()):
        ctx.progress("query pages", i, len(catalogue))
        if kept is not None:
            kept.last = kept.shape = None
        # the chart draws every row of its query: that one is read whole
        run_on = ctx.store if name == CHART_QUERY else store
        result, error = site.query_result(run_on, stored, federated=False)
        answer = kept.last if kept is not None and run_on is store else None
        shape = kept.shape if answer is not None else None
        if error and not site.is_federated(stored):
            ctx.warnings.append(f"stored query {name}: {error}")
        if result is not None and result.kind == "select":
            if answer is not None:  # Oxigraph's own W3C writers
                ctx.write(f"queries/{name}.csv", ox.parse_query_results(answer, format=ox.QueryResultsFormat.JSON)
                          .serialize(format=ox.QueryResultsFormat.CSV))
                ctx.write(f"queries/{name}.json", answer)
            else:
                ctx.write(f"queries/{name}.csv", render(result, "csv"))
                ctx.write(f"queries/{name}.json", render(result, "json"))
        html = site.render_query(ctx.store, name, root="../", data=ctx.data, result=result, error=error, shape=shape)
        ctx.write(f"queries/{name}.html", html)
        if name == CHART_QUERY and result is not None:
            ctx.write("charts/prisoner-shares.svg",
                      site.chart_svg(ctx.store, root="../", data=ctx.data, result=result, standalone=True))
            ctx.chart = site.chart_svg(ctx.store, root="", data=ctx.data, result=result)
    ctx.progress("query pages", len(catalogue), len(catalogue))


def _size(n: int) -> str:
    for unit in ("bytes", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000
    return str(n)


def _write_home(ctx: _Build) -> None:
    downloads = [
        {"format": d["format"], "name": d["name"], "href": f"dumps/{d['name']}", "media_type": d["media_type"],
         "size": _size(d["bytes"]), "gz_name": d["gz_name"], "gz_href": f"dumps/{d['gz_name']}",
         "gz_size": _size(d["gz_bytes"])}
        for d in ctx.dumps
    ]
    stats = {"triples": ctx.stats.triples, "resources": len(ctx.data.data_typed), "version": ctx.version,
             "date": ctx.date}
    html = site.render_home(ctx.store, root="", data=ctx.data, downloads=downloads, stats=stats,
                            chart=ctx.chart or "")
    ctx.write("index.html", html)


HTACCESS = r"""# heritage-graph: content negotiation for Apache (mod_rewrite, mod_headers, mod_mime).
#
# The IRIs under /id/ name things (a camp, a memorial, a claim), not documents. Asked for one,
# the server answers 303 See Other with the document about it: the HTML page, or its RDF when
# the client asks for RDF. See docs/publish.md.
#
#   /id/camp/karlag  --303-->  /doc/camp/karlag.html   (browsers, and by default)
#                              /doc/camp/karlag.ttl    (Accept: text/turtle)
#                              /doc/camp/karlag.jsonld (Accept: application/ld+json)
#                              /doc/camp/karlag.rdf    (Accept: application/rdf+xml)
#                              /doc/camp/karlag.nt     (Accept: application/n-triples)
#
# RewriteBase is the URL path of the folder holding this file: / at the root of the host; served
# from a sub-folder (https://example.org/heritage/), that folder (RewriteBase /heritage/).

Options -MultiViews
DirectoryIndex index.html

AddType text/html .html
AddType text/turtle .ttl
AddType application/ld+json .jsonld
AddType application/rdf+xml .rdf
AddType application/n-triples .nt
AddType application/n-quads .nq
AddType application/trig .trig
AddType image/svg+xml .svg
AddType application/sparql-results+json .json
AddCharset utf-8 .html .ttl .jsonld .rdf .nt .nq .trig .svg .css .csv .json
AddType application/gzip .gz
RemoveEncoding .gz

<IfModule mod_rewrite.c>
RewriteEngine On
RewriteBase /

# The ontology: its documentation, or the Turtle file.
RewriteCond %{HTTP_ACCEPT} text/turtle
RewriteRule ^ontology/?$ ontology/heritage-graph.ttl [R=303,L]
RewriteRule ^ontology/?$ ontology/index.html [R=303,L]

# The dataset: its VoID description.
RewriteCond %{HTTP_ACCEPT} application/ld\+json
RewriteRule ^dataset$ void.jsonld [R=303,L]
RewriteRule ^dataset$ void.ttl [R=303,L]

# Resources: /id/{kind}/{slug} -> /doc/{kind}/{slug}.{html|ttl|jsonld|rdf|nt}
RewriteCond %{HTTP_ACCEPT} text/turtle
RewriteRule ^id/([a-z][a-z0-9-]*)/([A-Za-z0-9][A-Za-z0-9._~-]*)$ doc/$1/$2.ttl [R=303,L]
RewriteCond %{HTTP_ACCEPT} application/ld\+json
RewriteRule ^id/([a-z][a-z0-9-]*)/([A-Za-z0-9][A-Za-z0-9._~-]*)$ doc/$1/$2.jsonld [R=303,L]
RewriteCond %{HTTP_ACCEPT} application/rdf\+xml
RewriteRule ^id/([a-z][a-z0-9-]*)/([A-Za-z0-9][A-Za-z0-9._~-]*)$ doc/$1/$2.rdf [R=303,L]
RewriteCond %{HTTP_ACCEPT} application/n-triples
RewriteRule ^id/([a-z][a-z0-9-]*)/([A-Za-z0-9][A-Za-z0-9._~-]*)$ doc/$1/$2.nt [R=303,L]
RewriteRule ^id/([a-z][a-z0-9-]*)/([A-Za-z0-9][A-Za-z0-9._~-]*)$ doc/$1/$2.html [R=303,L]
</IfModule>

<IfModule mod_headers.c>
  <If "%{REQUEST_URI} =~ m#/(id/|ontology/?$|dataset$)#">
    Header always append Vary Accept
  </If>
  Header set Access-Control-Allow-Origin "*"
</IfModule>
"""

NGINX = r"""# heritage-graph: content negotiation for nginx.
#
# The IRIs under /id/ name things, not documents: nginx answers 303 See Other with the document
# about the thing, the HTML page or its RDF by the Accept header (see docs/publish.md).
#
# 1. In the http { } block (a map must stand there):

map $http_accept $heritage_graph_suffix {
    default                     html;
    ~*text/turtle               ttl;
    ~*application/ld\+json      jsonld;
    ~*application/rdf\+xml      rdf;
    ~*application/n-triples     nt;
}

# 2. In the server { } block that serves the release (root /srv/heritage-graph;). Served from a
#    sub-folder, put it before /id/, /doc/, /ontology and /dataset in the locations and redirects.
#
# location ~ ^/id/(?<hg_kind>[a-z][a-z0-9-]*)/(?<hg_slug>[A-Za-z0-9][A-Za-z0-9._~-]*)$ {
#     add_header Vary Accept always;
#     return 303 /doc/$hg_kind/$hg_slug.$heritage_graph_suffix;
# }
# location = /ontology {
#     add_header Vary Accept always;
#     if ($heritage_graph_suffix = ttl) { return 303 /ontology/heritage-graph.ttl; }
#     return 303 /ontology/index.html;
# }
# location = /dataset {
#     add_header Vary Accept always;
#     if ($heritage_graph_suffix = jsonld) { return 303 /void.jsonld; }
#     return 303 /void.ttl;
# }
# location / {
#     add_header Access-Control-Allow-Origin "*";
#     types {
#         text/html html; text/css css; image/svg+xml svg; text/csv csv;
#         application/json json; application/gzip gz;
#         text/turtle ttl; application/ld+json jsonld; application/rdf+xml rdf;
#         application/n-triples nt; application/n-quads nq; application/trig trig;
#     }
#     charset utf-8;
#     charset_types text/turtle application/ld+json application/n-triples application/n-quads application/trig text/csv;
#     try_files $uri $uri/index.html =404;
# }
"""


def _write_server_config(ctx: _Build) -> None:
    ctx.write(".htaccess", HTACCESS)
    ctx.write("nginx.conf", NGINX)


# ---------------------------------------------------------------------------------------------
# The manifest and the diff of claims
# ---------------------------------------------------------------------------------------------


@dataclass
class Claims:
    """The claims of a release: each claim's statements (as N-Triples text) and label."""

    version: str | None
    date: str | None
    statements: dict[str, frozenset]
    labels: dict[str, str]


def _claims_from_quads(quads: Iterable, version=None, date=None) -> Claims:
    by_subject: dict[str, set] = {}
    claims: set[str] = set()
    labels: dict[str, dict] = {}
    for q in quads:
        if not isinstance(q.subject, ox.NamedNode):
            continue
        s = q.subject.value
        by_subject.setdefault(s, set()).add((str(q.predicate), str(q.object)))
        if q.predicate.value == RDF + "type" and q.object.value.endswith("ontology#Claim"):
            claims.add(s)
        if q.predicate.value == RDFS + "label" and isinstance(q.object, ox.Literal):
            labels.setdefault(s, {})[q.object.language or ""] = q.object.value
    return Claims(
        version=version,
        date=date,
        statements={c: frozenset(by_subject.get(c, ())) for c in claims},
        labels={c: (labels.get(c, {}).get("en") or next(iter(labels.get(c, {}).values()), "")) for c in claims},
    )


def _claims_of_store(ctx: _Build) -> Claims:
    data = ctx.data
    claims = [node for node, classes in data.typed.items()
              if isinstance(node, ox.NamedNode) and any(c.value.endswith("ontology#Claim") for c in classes)]
    return _claims_from_quads((ox.Quad(c, p, o) for c in claims for p, o in data.out(c)), ctx.version, ctx.date)


def _previous_claims(previous, out_dir: Path) -> Claims | None:
    """The claims of the previous release: ``previous`` (a release folder or a dump file), else ``out_dir``."""
    candidate = Path(previous) if previous is not None else out_dir
    if candidate.is_file():
        return _claims_from_dump(candidate)
    if not (candidate / "manifest.json").is_file():
        if previous is not None:
            raise InputError(f"{candidate}: not a release (no manifest.json) nor a dump file")
        return None
    try:
        manifest = json.loads((candidate / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{candidate / 'manifest.json'}: cannot be read ({exc})") from exc
    for name in (f"{NAME}.nq.gz", f"{NAME}.nq", f"{NAME}.nt.gz", f"{NAME}.nt"):
        dump = candidate / "dumps" / name
        if dump.is_file():
            found = _claims_from_dump(dump)
            found.version, found.date = manifest.get("version"), manifest.get("date")
            return found
    raise InputError(f"{candidate}: the release has no N-Quads or N-Triples dump to compare with")


def _claims_from_dump(path: Path) -> Claims:
    raw = path.read_bytes()
    name = path.name
    if name.endswith(".gz"):
        raw = gzip.decompress(raw)
        name = name[:-3]
    fmt = ox.RdfFormat.from_extension(Path(name).suffix.lstrip("."))
    if fmt is None:
        raise InputError(f"{path}: unknown RDF format")
    if fmt in (ox.RdfFormat.N_QUADS, ox.RdfFormat.N_TRIPLES):
        raw = _claim_lines(raw)
    try:
        return _claims_from_quads(ox.parse(raw, format=fmt))
    except SyntaxError as exc:
        raise InputError(f"{path}: the previous release's dump does not parse: {exc}") from exc


def _claim_lines(raw: bytes) -> bytes:
    """The lines of an N-Quads or N-Triples dump whose subject is typed a claim: a release's
    dump has a line per statement, its subject first, so the rest need not be parsed."""
    lines = raw.split(b"\n")
    marker = b" <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <"
    claims = {line[: line.index(b" ")] for line in lines if marker in line and b"ontology#Claim> " in line}
    if not claims:
        return b""
    return b"\n".join(line for line in lines if line[: line.find(b" ")] in claims) + b"\n"


def _diff(before: Claims | None, after: Claims) -> dict:
    """Claims added, removed and changed (any statement differs) between two releases."""
    if before is None:
        return {"previous": None, "counts": {"added": 0, "removed": 0, "changed": 0},
                "claims": {"added": [], "removed": [], "changed": []}}

    def entry(iri, labels):
        return {"iri": iri, "label": labels.get(iri, "")}

    added = sorted(set(after.statements) - set(before.statements))
    removed = sorted(set(before.statements) - set(after.statements))
    changed = []
    for iri in sorted(set(after.statements) & set(before.statements)):
        old, new = before.statements[iri], after.statements[iri]
        if old != new:
            properties = sorted({p for p, _ in old ^ new})
            changed.append({**entry(iri, after.labels), "properties": [p.strip("<>") for p in properties]})
    return {
        "previous": {"version": before.version, "date": before.date},
        "counts": {"added": len(added), "removed": len(removed), "changed": len(changed)},
        "claims": {"added": [entry(i, after.labels) for i in added],
                   "removed": [entry(i, before.labels) for i in removed],
                   "changed": changed},
    }


def _listed_files(ctx: _Build) -> list[bytes]:
    """Every file of the release once (``path<TAB>size<TAB>SHA-256``), sorted by path: those noted
    as they were written and, should there be any, others found on disk (hashed now)."""
    def path_of(entry: bytes) -> bytes:
        return entry[: entry.index(b"\t")]

    unique: list[bytes] = []
    last = None
    for entry in sorted(ctx.files, key=path_of):  # stable: of a path's entries, the last written comes last
        path = path_of(entry)
        if path == last:
            unique[-1] = entry
        else:
            unique.append(entry)
            last = path
    on_disk = sum(len(names) for _folder, _dirs, names in os.walk(ctx.staging))
    if on_disk != len(unique):
        known = {entry[: entry.index(b"\t")].decode("utf-8") for entry in unique}
        for folder, _dirs, names in os.walk(ctx.staging):
            inside = Path(folder).relative_to(ctx.staging).as_posix()
            for name in names:
                relative = name if inside == "." else f"{inside}/{name}"
                if relative not in known:
                    content = Path(folder, name).read_bytes()
                    unique.append(b"%s\t%d\t%s" % (relative.encode("utf-8"), len(content),
                                                   hashlib.sha256(content).hexdigest().encode("ascii")))
        unique.sort(key=path_of)
    return unique


def _write_manifest(ctx: _Build, diff: dict) -> dict:
    """manifest.json; returns it, with ``files`` (how many) and ``bytes`` (their size) in place of the list."""
    files = _listed_files(ctx)
    root = resources.root().resolve()
    graphs = []
    for f in ctx.dataset.files:
        try:
            shown = f.path.resolve().relative_to(root).as_posix()
        except ValueError:
            shown = f.path.name
        graphs.append({"graph": f.graph, "file": shown, "triples": f.triples})
    manifest = {
        "name": NAME,
        "title": TITLE,
        "version": ctx.version,
        "date": ctx.date,
        "base": ctx.base,
        "license": LICENSE,
        "triples": ctx.stats.triples,
        "quads": len(ctx.store.ox),
        "graphs": graphs,
        "resources": ctx.pages,
        "dumps": [{k: d[k] for k in ("name", "format", "media_type", "bytes", "sha256", "gz_name", "gz_bytes",
                                     "gz_sha256")} for d in ctx.dumps],
        "diff": diff,
    }
    # The list of files (hundreds of thousands in a register's release) is written piece by piece
    # in the layout of the rest (json.dumps, indent=1); it is the last member.
    encode = _encode_string
    total = 0
    out = _Hashed(ctx.path("manifest.json"))
    try:
        out.write((_json_text(manifest)[: -len("\n}")] + ',\n "files": [').encode("utf-8"))
        for start in range(0, len(files), 20_000):
            piece = []
            for entry in files[start:start + 20_000]:
                relative, size, digest = entry.split(b"\t")
                total += int(size)
                piece.append(f'\n  {{\n   "path": {encode(relative.decode("utf-8"))},\n   "bytes": {int(size)},'
                             f'\n   "sha256": "{digest.decode("ascii")}"\n  }}')
            out.write(("," if start else "").encode("utf-8") + ",".join(piece).encode("utf-8"))
        out.write(("\n ]" if files else "]").encode("utf-8") + b"\n}\n")
    finally:
        out.close()
    ctx.record("manifest.json", out.size, out.sha.digest())
    return {**manifest, "files": len(files), "bytes": total}
