"""What every archive adapter is: a name, a reader of the archive's files, and a mapper to RDF.

An adapter turns one archive's export into the project's ontology in two steps:

1. :meth:`Adapter.read` reads the files of a source folder into plain records, one
   :class:`Table` per table of the archive, and lists every row it cannot read as a
   :class:`Problem`;
2. :meth:`Adapter.to_rdf` maps the records to quads (in the default graph; the loader puts the
   written file in a named graph of its own), and lists every row it skips or has to interpret.

Both steps report rather than stop: a faulty row is skipped or interpreted and reported with its
file, line, row id and what was done. Only input that cannot be used at all (a missing folder,
a file that is not SQL) raises :class:`~heritage_graph.errors.InputError`.

The importer (:mod:`heritage_graph.ingest.importer`) validates the quads against the shapes and writes
them; an adapter never writes anything.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

import pyoxigraph as ox

from ...rdf.vocab import DCTERMS, GEO, HG, HGID, OWL, RDF, RDFS, SKOS, XSD

#: Actions a problem can end in.
SKIPPED = "skipped"
INTERPRETED = "imported, interpreted"
IMPORTED = "imported as is"


@dataclass(frozen=True)
class Problem:
    """A row that an adapter could not take, or took only by interpreting it."""

    file: str
    line: int | None
    table: str
    row_id: Any
    category: str
    message: str
    action: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        row = f"{self.table} row {self.row_id}" if self.row_id is not None else self.table
        text = f"{where}: {row}: [{self.category}] {self.message}; {self.action}"
        return text.replace("\r", "\\r").replace("\n", "\\n")  # one reported row, one line

    def as_tsv(self) -> str:
        cells = [self.file, "" if self.line is None else str(self.line), self.table,
                 "" if self.row_id is None else str(self.row_id), self.category, self.message, self.action]
        return "\t".join(c.replace("\t", " ").replace("\n", " ") for c in cells)


@dataclass
class Record:
    """One row of a table as read: its values by column, and where it stands in the file."""

    values: dict[str, Any]
    file: str
    line: int | None

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)


@dataclass
class Table:
    """The rows read from one table of the archive."""

    name: str
    file: str
    records: list[Record] = field(default_factory=list)

    @property
    def read(self) -> int:
        return len(self.records)


@dataclass
class TableCount:
    """How many rows of a table were read, became resources, and were reported."""

    read: int = 0
    imported: int = 0
    reported: int = 0


@dataclass
class ReadResult:
    """The archive as read: its tables by name, and the rows that could not be read."""

    source: Path
    tables: dict[str, Table] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


@dataclass
class RdfResult:
    """The quads an adapter made, the rows it reported while making them, and the counts."""

    quads: list[ox.Quad]
    problems: list[Problem]
    counts: dict[str, TableCount]
    #: subject IRI → the heading of the part of the file it is written in (optional)
    sections: dict[str, str] = field(default_factory=dict)


class Adapter(ABC):
    """An archive's reader and mapper. Subclasses set :attr:`name` and register themselves.

    A new archive is a new module in :mod:`heritage_graph.ingest.adapters` holding a subclass decorated
    with :func:`heritage_graph.ingest.adapters.register`; nothing else changes.
    """

    #: The name the adapter is called by (``heritage-graph import NAME``), lower-case with hyphens.
    name: ClassVar[str]
    #: One line saying which archive the adapter reads.
    title: ClassVar[str] = ""
    #: Turtle prefixes the written file declares beyond the standard ones: prefix → namespace.
    prefixes: ClassVar[dict[str, str]] = {}

    @property
    def output_name(self) -> str:
        """The file the import writes, inside the output folder."""
        return f"{self.name}.ttl"

    def header(self, result: RdfResult) -> list[str]:
        """Comment lines written at the top of the output file (without the ``#``)."""
        return [f"Imported by heritage-graph from the archive read by the '{self.name}' adapter."]

    @abstractmethod
    def read(self, source: Path) -> ReadResult:
        """Read the archive's files from ``source`` (a folder).

        :raises InputError: the folder or a file it needs is missing or cannot be parsed at all.
        """

    @abstractmethod
    def to_rdf(self, read: ReadResult) -> RdfResult:
        """Map what was read to quads in the project's ontology."""


#################################################################
# Term helpers
#################################################################

def iri(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


def hg(local: str) -> ox.NamedNode:
    return ox.NamedNode(HG + local)


def hgid(kind: str, slug: str) -> ox.NamedNode:
    return ox.NamedNode(f"{HGID}{kind}/{slug}")


def text(value: str, language: str | None = None) -> ox.Literal:
    if language:
        return ox.Literal(value, language=language)
    return ox.Literal(value)


def integer(value: int) -> ox.Literal:
    return ox.Literal(str(int(value)), datatype=ox.NamedNode(XSD + "integer"))


def decimal(value) -> ox.Literal:
    """An ``xsd:decimal`` literal in canonical-enough form (always with a fractional part)."""
    d = Decimal(str(value))
    if not d.is_finite():
        raise ValueError(f"{value} is not a finite number")
    # format(d, "f") writes every digit of d exactly; normalize() and quantize() would round
    # to the context's 28 digits (or fail) on longer numbers
    lexical = format(d, "f")
    if "." in lexical:
        lexical = lexical.rstrip("0")
        if lexical.endswith("."):
            lexical += "0"
    else:
        lexical += ".0"
    if lexical.startswith("-") and not lexical.strip("-0."):
        lexical = lexical[1:]
    return ox.Literal(lexical, datatype=ox.NamedNode(XSD + "decimal"))


TYPE = ox.NamedNode(RDF + "type")
LABEL = ox.NamedNode(RDFS + "label")
COMMENT = ox.NamedNode(RDFS + "comment")
SEE_ALSO = ox.NamedNode(RDFS + "seeAlso")
PREF_LABEL = ox.NamedNode(SKOS + "prefLabel")
ALT_LABEL = ox.NamedNode(SKOS + "altLabel")
DEFINITION = ox.NamedNode(SKOS + "definition")
IN_SCHEME = ox.NamedNode(SKOS + "inScheme")
TOP_CONCEPT_OF = ox.NamedNode(SKOS + "topConceptOf")
HAS_TOP_CONCEPT = ox.NamedNode(SKOS + "hasTopConcept")
CONCEPT = ox.NamedNode(SKOS + "Concept")
CONCEPT_SCHEME = ox.NamedNode(SKOS + "ConceptScheme")
IDENTIFIER = ox.NamedNode(DCTERMS + "identifier")
TITLE = ox.NamedNode(DCTERMS + "title")
LAT = ox.NamedNode(GEO + "lat")
LONG = ox.NamedNode(GEO + "long")
SAME_AS = ox.NamedNode(OWL + "sameAs")


class QuadList:
    """Quads in the order they are added, each once."""

    def __init__(self) -> None:
        self._quads: list[ox.Quad] = []
        self._seen: set[ox.Quad] = set()

    def add(self, subject, predicate, obj) -> None:
        quad = ox.Quad(subject, predicate, obj)
        if quad not in self._seen:
            self._seen.add(quad)
            self._quads.append(quad)

    def __len__(self) -> int:
        return len(self._quads)

    def quads(self) -> list[ox.Quad]:
        return list(self._quads)
