"""The JSON-LD writer: the context of a release, node objects, and their JSON text written fast.

:class:`JsonLdContext` holds the prefixes and one term per ontology term; it writes the JSON-LD
of a resource's description (:meth:`JsonLdContext.description_text`), of a small graph
(:meth:`JsonLdContext.graph_document`, the VoID description) and of a whole dataset in pieces
(:meth:`JsonLdContext.write_dataset`, the JSON-LD dump). The text is that of
``json.dumps(document, ensure_ascii=False, indent=1)``, written directly (:func:`json_text`):
the standard library's indented output is pure Python, and a release is mostly JSON-LD.
"""

from __future__ import annotations

import json
import operator
import re
from collections.abc import Callable, Iterable

import pyoxigraph as ox

from .vocab import OWL, RDF, RDFS, XSD


_FIRST_TWO = operator.itemgetter(0, 1)


encode_string = json.encoder.encode_basestring  # the C encoder of json.dumps(ensure_ascii=False)


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
        self._used: dict[tuple[frozenset, frozenset], dict] = {}  # the definitions of used(), by what they hold
        #: The JSON text of a context, by its identity and depth: (the context, its text). A
        #: register's pages share a few contexts (:meth:`used`), each encoded once.
        self._context_texts: dict[tuple[int, int], tuple[object, str]] = {}

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
        return {"@context": self.definitions()}

    def definitions(self, prefixes: Iterable[str] | None = None, terms: Iterable[str] | None = None) -> dict:
        """The context's definitions: every prefix and term, or only the ``prefixes`` and the
        ``terms`` (IRIs: terms of the context, object properties without one) named."""
        prefixes = sorted(self.prefixes) if prefixes is None else sorted(set(prefixes))
        wanted = None if terms is None else set(terms)
        context: dict = {prefix: self.prefixes[prefix] for prefix in prefixes}
        for iri, name in sorted(self.terms.items(), key=lambda item: item[1]):
            if wanted is not None and iri not in wanted:
                continue
            if iri in self.object_properties:
                context[name] = {"@id": self.compact(iri), "@type": "@id"}
            else:
                context[name] = self.compact(iri)
        for iri in sorted(self.object_properties):
            if iri not in self.terms and (wanted is None or iri in wanted):
                context[self.compact(iri)] = {"@type": "@id"}
        return context

    def used(self, described: dict) -> dict:
        """The definitions a description (``{subject: [(p, o), ...]}``) needs, and no others: a
        document that carries them inline is read with no network (pyld, pyoxigraph). The same
        definitions are the same dictionary: read it, never change it."""
        terms: set[str] = set()
        names: set[str] = set()
        rdf_type = RDF + "type"

        def note(iri: str) -> None:
            names.add(self.compact(iri))

        for subject, pairs in described.items():
            if type(subject) is ox.NamedNode:
                note(subject.value)
            for p, o in pairs:
                predicate = p.value
                if predicate in self.terms or predicate in self.object_properties:
                    terms.add(predicate)
                if predicate not in self.terms:
                    note(predicate)
                kind = type(o)
                if kind is ox.NamedNode:
                    if predicate == rdf_type and o.value in self.terms:
                        terms.add(o.value)
                    else:
                        note(o.value)
                elif kind is ox.Literal and not o.language and o.datatype.value != XSD + "string":
                    note(o.datatype.value)
        for iri in terms:
            note(iri)  # a term's definition names its IRI by a prefix
        key = (frozenset({name.split(":", 1)[0] for name in names if ":" in name} & self.prefixes.keys()),
               frozenset(terms))
        found = self._used.get(key)
        if found is None:  # descriptions of one kind of resource need the same definitions
            found = self.definitions(*key)
            if len(self._used) < 10_000:
                self._used[key] = found
        return found

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

    def node_text(self, subject, pairs: Iterable, level: int = 0, context=None) -> str:
        """The text of :meth:`node` as :func:`json_text` writes it ``level`` deep (with an
        ``@context`` member first if given: a reference or the definitions), written directly."""
        return self.node_text_nt(str(subject), [(str(p), str(o)) for p, o in pairs], level, context)

    def node_text_nt(self, subject: str, pairs: list, level: int = 0, context=None) -> str:
        """:meth:`node_text` for terms in their N-Triples form (``<iri>``, ``_:b``, ``"text"@en``),
        as a dump's lines give them: the JSON-LD dump has a node per subject and graph."""
        encode, rdf_type, object_properties = encode_string, RDF + "type", self.object_properties
        pad = "\n" + " " * (level + 1)
        deeper = pad + " "
        parts = ["{"]
        if context is not None:
            parts.append(f'{pad}"@context": {self.context_text(context, level + 1)},')
        parts.append(f'{pad}"@id": {encode(self.compact(subject[1:-1]) if subject[0] == "<" else subject)}')
        types: list[str] = []
        properties: dict[str, list] = {}
        known = self._values
        for p, o in sorted([(p[1:-1], o) for p, o in pairs]):
            value = known.get((p, o))
            if value is None:
                first = o[0]
                if first == '"':
                    text, language, datatype = nt_literal(o)
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

    def context_text(self, context, level: int) -> str:
        """:func:`json_text` of ``context`` at ``level``, remembered by the context's identity: the
        contexts of :meth:`used` are shared and never changed, so the same object is the same text."""
        key = (id(context), level)
        found = self._context_texts.get(key)
        if found is not None and found[0] is context:
            return found[1]
        text = json_text(context, level=level)
        if type(context) is dict and len(self._context_texts) < 10_000:  # held here: its id stays its own
            self._context_texts[key] = (context, text)
        return text

    def description_text(self, described: dict, context=None) -> str:
        """A resource's description (statements grouped by subject, ``{subject: [(p, o), ...]}``)
        as a JSON-LD document: the text :func:`json_bytes` writes for :meth:`graph_document` of the
        same statements. Its context is ``context`` (a reference or definitions), by default the
        definitions it uses (:meth:`used`), inline."""
        if context is None:
            context = self.used(described)
        subjects = sorted(described, key=lambda s: (isinstance(s, ox.BlankNode), s.value))
        if len(subjects) == 1:
            return self.node_text(subjects[0], described[subjects[0]], 0, context) + "\n"
        if not subjects:
            return json_text({"@context": context, "@graph": []}) + "\n"
        nodes = ",".join(["\n  " + self.node_text(s, described[s], 2) for s in subjects])
        return f'{{\n "@context": {self.context_text(context, 1)},\n "@graph": [{nodes}\n ]\n}}\n'

    def graph_document(self, triples: Iterable, context=None) -> dict:
        """The JSON-LD document of ``triples``; its context ``context`` (a reference or
        definitions), by default the definitions it uses, inline."""
        triples = list(triples)
        if context is None:
            described: dict = {}
            for t in triples:
                described.setdefault(t.subject, []).append((t.predicate, t.object))
            context = self.used(described)
        nodes = self.nodes(triples)
        if len(nodes) == 1:
            return {"@context": context, **nodes[0]}
        return {"@context": context, "@graph": nodes}

    def write_dataset(self, graphs: Iterable, write: Callable[[bytes], object], context=None) -> None:
        """A JSON-LD document with one named graph per graph, written in pieces.

        ``graphs`` are (graph, lines): each graph (:class:`pyoxigraph.DefaultGraph` or a named
        node) with its statements as sorted N-Triples lines (bytes), as :func:`graph_lines`
        gives them. The default graph's nodes stand at the top, each named graph is a node with
        its ``@graph``. The text is that of ``json.dumps(document, ensure_ascii=False, indent=1)``.
        Its context is ``context`` (a reference or definitions), by default every definition, inline.
        """
        context = self.definitions() if context is None else context
        chunks = ['{\n "@context": ', json_text(context, level=1), ',\n "@graph": [']
        top = 0  # items of the top @graph
        for graph, lines in graphs:
            if not lines:
                continue
            named = not isinstance(graph, ox.DefaultGraph)
            if named:
                chunks.append(",\n  " if top else "\n  ")
                chunks.append('{\n   "@id": ' + encode_string(self.node_id(graph)) + ',\n   "@graph": [')
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


def nt_literal(token: str) -> tuple[str, str | None, str | None]:
    r"""The text, language and datatype (None for a plain string) of an N-Triples literal.

    >>> nt_literal('"say \\"hi\\"\\n"@en'), nt_literal('"1954"^^<http://www.w3.org/2001/XMLSchema#integer>')
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


class _Type(str):
    """The JSON text of a node's class, told apart from its other values."""


def _member_text(value, level: int) -> str:
    """A value of :meth:`JsonLdContext.node_text`: JSON text already, or a small object's members."""
    if type(value) is str:
        return value
    pad = "\n" + " " * (level + 1)
    return "{" + ",".join([f"{pad}{key}: {text}" for key, text in value]) + "\n" + " " * level + "}"


def json_bytes(document) -> bytes:
    """``json.dumps(document, ensure_ascii=False, indent=1)`` and a newline, as UTF-8."""
    try:
        text = json_text(document)
    except TypeError:  # a value the fast path does not know: the standard library's answer
        text = json.dumps(document, ensure_ascii=False, indent=1)
    return (text + "\n").encode("utf-8")


def json_text(value, indent: int = 1, level: int = 0) -> str:
    """The text of ``json.dumps(value, ensure_ascii=False, indent=indent)`` as if nested ``level``
    deep, written faster: the standard library's indented output is pure Python.

    >>> document = {"a": [1, 2.5, {"b": None, "c": True}], "d": 'é"<', "e": [], "f": {}}
    >>> json_text(document) == json.dumps(document, ensure_ascii=False, indent=1)
    True
    """
    out: list[str] = []
    _encode(value, out, indent, level)
    return "".join(out)


def _encode(value, out: list, indent: int, level: int) -> None:
    kind = type(value)
    if kind is str:
        out.append(encode_string(value))
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
            out.append(encode_string(key))
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
