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
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import __version__, resources, site
from .atomic import recover_folder, staging_folder, swap_folder
from .errors import HeritageGraphError, InputError
from .vocab import DCTERMS, DEFAULT_BASE, GEO, OWL, RDF, RDFS, SKOS, XSD, configured_base

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


class TerminalProgress:
    """Progress lines on standard error: one line per step, a counter for the long ones."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self._last = None

    def __call__(self, step: str, done: int | None = None, total: int | None = None) -> None:
        if done is None or total is None:
            self._end_counter()
            self.stream.write(f"build: {step}\n")
        else:
            percent = 100 * done // max(total, 1)
            if self._last != (step, percent) or done == total:
                self._last = (step, percent)
                self.stream.write(f"\rbuild: {step} {done}/{total} ({percent}%)")
                if done >= total:
                    self.stream.write("\n")
                    self._last = None
        self.stream.flush()

    def _end_counter(self):
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
    quads: list = field(default_factory=list)
    triples: list = field(default_factory=list)
    dumps: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    chart: str | None = None
    pages: int = 0
    _folders: set = field(default_factory=set)

    @property
    def store(self):
        return self.dataset.store

    def path(self, relative: str) -> Path:
        target = self.staging / relative
        if target.parent not in self._folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(target.parent)
        return target

    def write(self, relative: str, content: str | bytes) -> Path:
        target = self.path(relative)
        if isinstance(content, str):
            content = content.encode("utf-8")
        target.write_bytes(content)
        return target


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
    from .load import load
    from .validate import validate

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
    validation = timed("validate", lambda: validate(dataset=dataset, base=base))
    if not validation.conforms:
        raise InvalidDataError(validation.to_text())
    warnings = [f"validation: {f.message} ({f.focus})" for f in validation.warnings]
    before = timed("read previous release", _previous_claims, previous, out_dir)

    staging, lock = staging_folder(out_dir, "build")  # removes what killed builds left beside out_dir
    try:
        _readable(staging)
        data = site.SiteData(dataset.store, base=base)
        prefixes = _prefixes(dataset.store, base)
        ctx = _Build(staging=staging, dataset=dataset, base=base, date=release_date, version=__version__,
                     progress=report, data=data, prefixes=prefixes,
                     context=JsonLdContext.from_store(dataset.store, base, prefixes), warnings=warnings)
        timed("dumps", _write_dumps, ctx)
        timed("dataset description", _write_void, ctx)
        timed("ontology documentation", _write_ontology, ctx)
        timed("resource pages", _write_resources, ctx)
        timed("class pages", _write_classes, ctx)
        timed("query pages", _write_queries, ctx)
        timed("home page", _write_home, ctx)
        timed("server configuration", _write_server_config, ctx)
        diff = timed("diff", _diff, before, _claims_of_store(ctx))
        manifest = timed("manifest", _write_manifest, ctx, diff)
        timed("swap", swap_folder, staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        if lock is not None:
            os.close(lock)
    total = sum(f["bytes"] for f in manifest["files"])
    result = BuildResult(
        out_dir=out_dir,
        version=__version__,
        date=release_date,
        triples=manifest["triples"],
        graphs={g["graph"]: g["triples"] for g in manifest["graphs"]},
        resources=ctx.pages,
        files=len(manifest["files"]) + 1,
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
        for prefix, namespace in self._namespaces:
            if iri.startswith(namespace) and len(iri) > len(namespace):
                local = iri[len(namespace):]
                if not local.startswith("//"):
                    return f"{prefix}:{local}"
        return iri

    def key(self, iri: str) -> str:
        return self.terms.get(iri) or self.compact(iri)

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
        nodes = []
        for subject in sorted(by_subject, key=lambda s: (isinstance(s, ox.BlankNode), s.value)):
            node: dict = {"@id": self.node_id(subject)}
            types = []
            properties: dict = {}
            for p, o in sorted(by_subject[subject], key=lambda po: (po[0].value, str(po[1]))):
                if p.value == RDF + "type" and isinstance(o, ox.NamedNode):
                    types.append(self.terms.get(o.value) or self.compact(o.value))
                    continue
                properties.setdefault(self.key(p.value), []).append(self.value(p.value, o))
            if types:
                node["@type"] = types[0] if len(types) == 1 else types
            for key, values in properties.items():
                node[key] = values[0] if len(values) == 1 else values
            nodes.append(node)
        return nodes

    def dataset_document(self, quads: Iterable, context_ref: str) -> dict:
        """A JSON-LD document with one named graph per graph of ``quads``."""
        graphs: dict = {}
        default = []
        for q in quads:
            if isinstance(q.graph_name, ox.DefaultGraph):
                default.append(q)
            else:
                graphs.setdefault(q.graph_name, []).append(q)
        body = self.nodes(default)
        for graph in sorted(graphs, key=lambda g: g.value):
            body.append({"@id": self.node_id(graph), "@graph": self.nodes(graphs[graph])})
        return {"@context": context_ref, "@graph": body}

    def graph_document(self, triples: Iterable, context_ref: str) -> dict:
        nodes = self.nodes(triples)
        if len(nodes) == 1:
            return {"@context": context_ref, **nodes[0]}
        return {"@context": context_ref, "@graph": nodes}


def _json(document) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


# ---------------------------------------------------------------------------------------------
# Steps
# ---------------------------------------------------------------------------------------------


def _term_key(term) -> str:
    return str(term)


def _write_dumps(ctx: _Build) -> None:
    """The whole graph in six formats, each gzipped too, with SHA256SUMS."""
    quads = sorted(ctx.store.ox, key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))
    triples = sorted(dict.fromkeys(q.triple for q in quads), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    ctx.quads, ctx.triples = quads, triples
    ctx.write("context.jsonld", _json(ctx.context.document()))
    writers = {
        ".ttl": lambda: ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=ctx.prefixes),
        ".nt": lambda: ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES),
        ".nq": lambda: ox.serialize(quads, format=ox.RdfFormat.N_QUADS),
        ".trig": lambda: ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=ctx.prefixes),
        ".jsonld": lambda: _json(ctx.context.dataset_document(quads, "../context.jsonld")),
        ".rdf": lambda: ox.serialize(triples, format=ox.RdfFormat.RDF_XML, prefixes=ctx.prefixes),
    }
    sums = []
    for i, (suffix, write) in enumerate(writers.items(), start=1):
        ctx.progress("dumps", i - 1, len(writers))
        name = f"{NAME}{suffix}"
        content = write()
        gz = _gzip(content)
        ctx.write(f"dumps/{name}", content)
        ctx.write(f"dumps/{name}.gz", gz)
        fmt, media, w3c, graphs = DUMPS[suffix]
        digest, gz_digest = hashlib.sha256(content).hexdigest(), hashlib.sha256(gz).hexdigest()
        ctx.dumps.append({"name": name, "suffix": suffix, "format": fmt, "media_type": media, "w3c": w3c,
                          "graphs": graphs, "bytes": len(content), "sha256": digest,
                          "gz_name": f"{name}.gz", "gz_bytes": len(gz), "gz_sha256": gz_digest})
        sums += [f"{digest}  {name}", f"{gz_digest}  {name}.gz"]
    ctx.progress("dumps", len(writers), len(writers))
    ctx.write("dumps/SHA256SUMS", "\n".join(sums) + "\n")


def _gzip(content: bytes) -> bytes:
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=6) as f:
        f.write(content)
    return buffer.getvalue()


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
    triples_count = len(ctx.triples)
    add(dataset, VOID + "triples", _lit(triples_count, XSD + "integer"))
    space = base + "id/"
    subjects = {t.subject for t in ctx.triples}
    entities = {s for s in subjects if isinstance(s, ox.NamedNode) and s.value.startswith(space)}
    add(dataset, VOID + "entities", _lit(len(entities), XSD + "integer"))
    add(dataset, VOID + "distinctSubjects", _lit(len(subjects), XSD + "integer"))
    add(dataset, VOID + "distinctObjects", _lit(len({t.object for t in ctx.triples}), XSD + "integer"))
    classes: dict[str, set] = {}
    properties: dict[str, int] = {}
    for t in ctx.triples:
        properties[t.predicate.value] = properties.get(t.predicate.value, 0) + 1
        if t.predicate.value == rdf_type and isinstance(t.object, ox.NamedNode):
            classes.setdefault(t.object.value, set()).add(t.subject)
    add(dataset, VOID + "classes", _lit(len(classes), XSD + "integer"))
    add(dataset, VOID + "properties", _lit(len(properties), XSD + "integer"))
    for cls in sorted(classes):
        partition = blank()
        add(dataset, VOID + "classPartition", partition)
        add(partition, VOID + "class", _n(cls))
        add(partition, VOID + "entities", _lit(len(classes[cls]), XSD + "integer"))
    for prop in sorted(properties):
        partition = blank()
        add(dataset, VOID + "propertyPartition", partition)
        add(partition, VOID + "property", _n(prop))
        add(partition, VOID + "triples", _lit(properties[prop], XSD + "integer"))
    for example in _examples(ctx):
        add(dataset, VOID + "exampleResource", example)
    for target, space_of, title in ((WIKIDATA, WIKIDATA, "Wikidata"), (GEONAMES, GEONAMES, "GeoNames")):
        count = sum(1 for t in ctx.triples if t.predicate.value == OWL + "sameAs"
                    and isinstance(t.object, ox.NamedNode) and t.object.value.startswith(space_of))
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
    from .load import graph_iri
    from .validate import to_rdflib

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

    from .load import graph_iri

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


def resource_triples(data: site.SiteData, node) -> list[ox.Triple]:
    """A resource's description: its statements, and those of the blank nodes it leads to."""
    triples = []
    seen = {node}
    frontier = [node]
    while frontier:
        current = frontier.pop()
        for p, o in data.out(current):
            triples.append(ox.Triple(current, p, o))
            if isinstance(o, ox.BlankNode) and o not in seen:
                seen.add(o)
                frontier.append(o)
    return triples


def _write_resources(ctx: _Build) -> None:
    """doc/{kind}/{slug}.html, .ttl, .jsonld, .nt, .rdf for every resource typed in the data."""
    nodes = ctx.data.data_typed
    total = len(nodes)
    step = max(1, total // 50)
    for i, node in enumerate(nodes):
        if i % step == 0:
            ctx.progress("resource pages", i, total)
        html = site.render_resource(ctx.store, node.value, root="../../", data=ctx.data)
        if html is None:
            continue
        stem = site.doc_path(node.value, base=ctx.base, suffix="")
        ctx.write(stem + ".html", html)
        triples = resource_triples(ctx.data, node)
        ctx.write(stem + ".ttl", ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=ctx.prefixes))
        ctx.write(stem + ".nt", ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))
        ctx.write(stem + ".rdf", ox.serialize(triples, format=ox.RdfFormat.RDF_XML, prefixes=ctx.prefixes))
        ctx.write(stem + ".jsonld", _json(ctx.context.graph_document(triples, "../../context.jsonld")))
        ctx.pages += 1
    ctx.progress("resource pages", total, total)
    for relative, source in site.ASSETS.items():
        ctx.write(relative, source.read_bytes())


def _write_classes(ctx: _Build) -> None:
    """class/index.html and class/{Class}.html for every class with resources."""
    ctx.write("class/index.html", site.render_classes(ctx.store, root="../", data=ctx.data))
    for cls in sorted(ctx.data.class_counts, key=lambda c: c.value):
        html = site.render_class(ctx.store, cls.value, root="../", data=ctx.data)
        if html is not None:
            ctx.write(site.class_path(cls.value, base=ctx.base), html)


def _write_queries(ctx: _Build) -> None:
    """queries/index.html and, per stored query, its page and its answer as CSV and JSON."""
    from . import query as q
    from .results import render

    ctx.write("queries/index.html", site.render_queries(ctx.store, root="../"))
    catalogue = q.catalogue()
    for i, (name, stored) in enumerate(catalogue.items()):
        ctx.progress("query pages", i, len(catalogue))
        result, error = site.query_result(ctx.store, stored, federated=False)
        if error and not site.is_federated(stored):
            ctx.warnings.append(f"stored query {name}: {error}")
        if result is not None and result.kind == "select":
            ctx.write(f"queries/{name}.csv", render(result, "csv"))
            ctx.write(f"queries/{name}.json", render(result, "json"))
        html = site.render_query(ctx.store, name, root="../", data=ctx.data, result=result, error=error)
        ctx.write(f"queries/{name}.html", html)
        if name == "prisoner-shares" and result is not None:
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
    stats = {"triples": len(ctx.triples), "resources": len(ctx.data.data_typed), "version": ctx.version,
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
    return _claims_from_quads(ctx.quads, ctx.version, ctx.date)


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
    try:
        return _claims_from_quads(ox.parse(raw, format=fmt))
    except SyntaxError as exc:
        raise InputError(f"{path}: the previous release's dump does not parse: {exc}") from exc


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


def _write_manifest(ctx: _Build, diff: dict) -> dict:
    files = []
    for path in sorted(p for p in ctx.staging.rglob("*") if p.is_file()):
        relative = path.relative_to(ctx.staging).as_posix()
        content = path.read_bytes()
        files.append({"path": relative, "bytes": len(content), "sha256": hashlib.sha256(content).hexdigest()})
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
        "triples": len(ctx.triples),
        "quads": len(ctx.quads),
        "graphs": graphs,
        "resources": ctx.pages,
        "dumps": [{k: d[k] for k in ("name", "format", "media_type", "bytes", "sha256", "gz_name", "gz_bytes",
                                     "gz_sha256")} for d in ctx.dumps],
        "diff": diff,
        "files": files,
    }
    ctx.write("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")
    return manifest
