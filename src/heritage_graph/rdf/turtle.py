"""The Turtle writer: readable, deterministic Turtle for the files the project writes itself.

:func:`serialize_turtle` writes the files of an import and of ``link`` (one block per resource
in the order of its statements, with section headings) and the small descriptions of a release
(``void.ttl``: subjects and statements sorted, blank nodes used once written in place as
``[ … ]``). Only the prefixes used are declared. The text is parsed back and compared with the
statements, so a writer fault can never reach a file. The dumps and per-resource files of a
release are pyoxigraph's own Turtle.

>>> import pyoxigraph as ox
>>> hg = "https://w3id.org/heritage-graph/ontology#"
>>> karlag = ox.NamedNode("https://w3id.org/heritage-graph/id/camp/karlag")
>>> print(serialize_turtle([ox.Triple(karlag, ox.NamedNode(hg + "value"), ox.Literal("20500", datatype=ox.NamedNode(XSD + "integer")))]))
@prefix hg:   <https://w3id.org/heritage-graph/ontology#> .
@prefix camp: <https://w3id.org/heritage-graph/id/camp/> .
<BLANKLINE>
camp:karlag
    hg:value 20500 .
<BLANKLINE>
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pyoxigraph as ox

from ..errors import InputError
from .vocab import DCTERMS, GEO, HG, HGID, KINDS, OWL, RDF, RDFS, SKOS, XSD

#: Prefixes a written file may declare, in the order they are declared (only those used are).
STANDARD_PREFIXES: list[tuple[str, str]] = (
    [("hg", HG)]
    + [(kind, f"{HGID}{kind}/") for kind in KINDS]
    + [("rdf", RDF), ("rdfs", RDFS), ("owl", OWL), ("xsd", XSD), ("skos", SKOS), ("dcterms", DCTERMS), ("geo", GEO)]
)

_LOCAL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_DECIMAL = re.compile(r"^[+-]?[0-9]*\.[0-9]+$")
_PREDICATE_ORDER = [RDF + "type"]


def escape(value: str) -> str:
    r"""The text of a Turtle string between its quotes.

    >>> escape('say "hi"\n\x01')
    'say \\"hi\\"\\n\\u0001'
    """
    out = []
    for ch in value:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ch == "\x7f":
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return "".join(out)


class Namer:
    """Terms as Turtle text, under the given prefixes; remembers the prefixes it used."""

    def __init__(self, prefixes: list[tuple[str, str]]):
        # longest namespace first, so that hgid kinds win over shorter ones
        self.prefixes = sorted(prefixes, key=lambda p: -len(p[1]))
        self.used: set[str] = set()

    def iri(self, value: str) -> str:
        for prefix, namespace in self.prefixes:
            if value.startswith(namespace):
                local = value[len(namespace):]
                if local and _LOCAL.match(local):
                    self.used.add(prefix)
                    return f"{prefix}:{local}"
        return "<" + value.replace("\\", "\\u005C").replace(">", "\\u003E") + ">"

    def term(self, term) -> str:
        if isinstance(term, ox.NamedNode):
            if term.value == RDF + "type":
                self.used.add("rdf")
                return "rdf:type"
            return self.iri(term.value)
        if isinstance(term, ox.BlankNode):
            return f"_:{term.value}"
        if isinstance(term, ox.Literal):
            if term.language:
                return f'"{escape(term.value)}"@{term.language}'
            datatype = term.datatype.value
            if datatype == XSD + "string":
                return f'"{escape(term.value)}"'
            if datatype == XSD + "integer" and _INTEGER.match(term.value):
                return term.value
            if datatype == XSD + "decimal" and _DECIMAL.match(term.value):
                return term.value
            return f'"{escape(term.value)}"^^{self.iri(datatype)}'
        raise TypeError(f"cannot write {term!r} in Turtle")


def serialize_turtle(statements: Iterable, *, header: list[str] | None = None,
                     prefixes: dict[str, str] | None = None, sections: dict[str, str] | None = None,
                     standard: bool = True, ordered: bool = False, first: Iterable = ()) -> str:
    """Statements (quads or triples) as readable Turtle, deterministic for the same statements.

    By default resources are written in the order their first statement comes; within one,
    ``rdf:type`` first, then the predicates in the order they come, each with its objects in
    order. ``sections`` maps a subject IRI to a heading written as a comment when it changes.
    ``prefixes`` are declared (where used) after :data:`STANDARD_PREFIXES`, or alone if not
    ``standard``.

    ``ordered`` writes a small description in a stable order whatever the order of its
    statements: the ``first`` subjects, then the others sorted (blank nodes last); predicates
    and objects sorted; a blank node that is the object of one statement only is written in its
    place, ``[ … ]``.
    """
    statements = list(statements)
    declarable = (STANDARD_PREFIXES if standard else []) + sorted((prefixes or {}).items())
    namer = Namer(declarable)
    by_subject: dict = {}
    uses: dict = {}
    for statement in statements:
        predicates = by_subject.setdefault(statement.subject, {})
        objects = predicates.setdefault(statement.predicate, [])
        if statement.object not in objects:
            objects.append(statement.object)
            if ordered and isinstance(statement.object, ox.BlankNode):
                uses[statement.object] = uses.get(statement.object, 0) + 1
    nested = {node for node, count in uses.items() if count == 1 and node in by_subject}

    def lines_of(subject) -> list[tuple[str, list[str]]]:
        predicates = by_subject[subject]
        if ordered:
            order = sorted(predicates, key=lambda p: (p.value != RDF + "type", namer.term(p)))
            return [(namer.term(p), sorted(term(o) for o in predicates[p])) for p in order]
        order = sorted(predicates.items(), key=lambda item: 0 if item[0].value in _PREDICATE_ORDER else 1)
        return [(namer.term(p), [namer.term(o) for o in objects]) for p, objects in order]

    def term(node) -> str:
        if node in nested:
            return "[ " + " ; ".join(f"{name} " + " , ".join(objects) for name, objects in lines_of(node)) + " ]"
        return namer.term(node)

    subjects = [s for s in by_subject if s not in nested]
    if ordered:
        first = [s for s in first if s in by_subject]
        subjects = first + sorted((s for s in subjects if s not in first),
                                  key=lambda s: (isinstance(s, ox.BlankNode), s.value))
    blocks: list[str] = []
    current_section = None
    for subject in subjects:
        heading = (sections or {}).get(getattr(subject, "value", None))
        if heading is not None and heading != current_section:
            current_section = heading
            blocks.append("#" * 65 + "\n# " + heading.replace("\n", " ") + "\n" + "#" * 65)
        described = lines_of(subject)
        lines = [namer.term(subject)]
        for index, (name, rendered) in enumerate(described):
            end = " ." if index == len(described) - 1 else " ;"
            one_line = f"    {name} " + " , ".join(rendered)
            if len(one_line) + len(end) <= 110 or len(rendered) == 1:
                lines.append(one_line + end)
            else:
                indent = " " * (5 + len(name))
                lines.append(f"    {name} {rendered[0]} ,")
                for k, value in enumerate(rendered[1:], start=1):
                    lines.append(f"{indent}{value}" + (end if k == len(rendered) - 1 else " ,"))
        blocks.append("\n".join(lines))
    width = max((len(p) for p, _ in declarable if p in namer.used), default=0) + 2
    declared = [f"@prefix {prefix + ':':<{width}}<{namespace}> ." for prefix, namespace in declarable
                if prefix in namer.used]
    head = "".join(f"# {line}".rstrip() + "\n" for line in (header or []))
    text = (head + "\n" if head else "") + "\n".join(declared) + "\n\n" + "\n\n".join(blocks) + "\n"
    check_round_trip(text, statements)
    return text


def check_round_trip(text: str, statements: list) -> None:
    """Check that ``text`` parses back to ``statements`` (blank nodes: to as many statements).

    :raises InputError: a term is too long to be parsed back.
    """
    try:
        parsed = {ox.Triple(q.subject, q.predicate, q.object)
                  for q in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE)}
    except MemoryError as exc:  # one term longer than the parser's 16 MiB buffer
        longest = max((len(q.object.value) for q in statements if isinstance(q.object, ox.Literal)), default=0)
        raise InputError(f"a text of {longest:,} characters is longer than an RDF term may be (16 MiB); "
                         "nothing was written") from exc
    expected = {ox.Triple(q.subject, q.predicate, q.object) for q in statements}
    if any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in expected):
        def named(triples):  # blank nodes are renamed when parsed: compare the rest, and how many
            return {t for t in triples if not isinstance(t.subject, ox.BlankNode) and not isinstance(t.object, ox.BlankNode)}
        same = len(parsed) == len(expected) and named(parsed) == named(expected)
    else:
        same = parsed == expected
    if not same:  # pragma: no cover - a bug of the writer, not of the input
        missing = list(expected - parsed)[:3]
        extra = list(parsed - expected)[:3]
        raise RuntimeError(f"the Turtle writer lost or changed triples: missing {missing}, extra {extra}")
