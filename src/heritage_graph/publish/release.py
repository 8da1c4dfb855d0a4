"""A release being built: what it is (title, licence, prefixes), its errors, and the state its steps share.

:class:`Release` is handed to every step of :func:`heritage_graph.publish.build.build`: the
staging folder, the graph read into memory, the JSON-LD context, and :meth:`Release.write`,
which writes a file and notes its size and SHA-256 for the manifest.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..errors import HeritageGraphError
from ..rdf.jsonld import JsonLdContext
from ..rdf.vocab import DCTERMS, GEO, OWL, RDF, RDFS, SKOS, XSD
from .. import web

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


def release_prefixes(store, base: str) -> dict[str, str]:
    """The prefixes of the written files: the standard ones, ``hg:``, and one per kind of resource."""
    prefixes = {"hg": base + "ontology#"}
    prefixes.update(STANDARD_PREFIXES)
    kinds = set()
    space = base + "id/"
    for quad in store.ox.quads_for_pattern(None, ox.NamedNode(RDF + "type"), None, None):
        parts = web.split_iri(quad.subject.value, base=base) if isinstance(quad.subject, ox.NamedNode) else None
        if parts:
            kinds.add(parts[0])
    for kind in sorted(kinds):
        if kind.replace("-", "").isalnum() and kind not in prefixes:
            prefixes[kind] = f"{space}{kind}/"
    return prefixes


@dataclass
class Release:
    """The state shared by the steps of one build."""

    staging: Path
    dataset: object
    base: str
    date: str
    version: str
    progress: Progress
    data: web.SiteData
    prefixes: dict[str, str]
    context: JsonLdContext
    stats: object | None = None  # the counts VoID gives: heritage_graph.publish.void.GraphStats
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
            where = self.open_folder(folder)
        if where >= 0:  # opened relative to its folder: no path to walk for each of many files
            fd = os.open(name, _WRITE_FLAGS, 0o666, dir_fd=where)
        else:
            fd = os.open(self.path(relative), _WRITE_FLAGS, 0o666)
        try:
            write_fd(fd, content)
        finally:
            os.close(fd)
        self.files.append(b"%s\t%d\t%s" % (relative.encode("utf-8"), len(content),
                                           hashlib.sha256(content).hexdigest().encode("ascii")))

    def open_folder(self, folder: str) -> int:
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


def write_fd(fd: int, content: bytes) -> None:
    """Write all of ``content`` to the file descriptor ``fd``."""
    view = memoryview(content)
    while view:
        view = view[os.write(fd, view):]


_WRITE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
