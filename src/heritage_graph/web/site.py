"""The HTML site of the graph: one page per resource, per class and per stored query, and a home page.

The same functions render the static release (:mod:`heritage_graph.publish`) and the pages a live
server answers with. Every function takes ``root``, the URL prefix of the site's root: ``"/"`` for
a live server, a relative ``"../../"`` for a static page two folders deep, so that a release works
from any folder of any static host.

Resource IRIs and their documents (the HTTP-range-14 split, see ``docs/publish.md``)::

    https://w3id.org/heritage-graph/id/{kind}/{slug}   the thing (a camp, a claim)
    doc/{kind}/{slug}.html  (.ttl .jsonld .nt .rdf)    the documents about it

>>> doc_path("https://w3id.org/heritage-graph/id/camp/karlag", base="https://w3id.org/heritage-graph/")
'doc/camp/karlag.html'
>>> iri_for_doc("/doc/camp/karlag.ttl", base="https://w3id.org/heritage-graph/")
'https://w3id.org/heritage-graph/id/camp/karlag'

Everything shown is escaped (Jinja2 autoescape): a label ``<script>`` is shown as text. Pages
load nothing from the network: no scripts, no web fonts, maps and charts are inline SVG.

Reading the graph goes through :class:`SiteData`: direct quad-pattern lookups on the Oxigraph
store, cached, so a page costs a few index lookups and a whole site is linear in the graph.
"""

from __future__ import annotations

import heapq
import math
import operator
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from pathlib import Path

import markupsafe
import pyoxigraph as ox

from ..rdf.vocab import OWL, RDF, RDFS, SKOS, XSD, configured_base

TEMPLATES = Path(__file__).resolve().parent / "templates"

#: Static files every page refers to, by their path in the site (copied into a release as they are).
ASSETS = {
    "assets/site.css": TEMPLATES / "site.css",
    "assets/favicon.svg": TEMPLATES / "favicon.svg",
}

GEO = "http://www.w3.org/2003/01/geo/wgs84_pos#"
DCTERMS = "http://purl.org/dc/terms/"
WIKIDATA = "http://www.wikidata.org/entity/"
GEONAMES = "https://sws.geonames.org/"

_KIND = re.compile(r"[a-z][a-z0-9-]*")
_SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]*")
_DOC_SUFFIXES = (".html", ".ttl", ".jsonld", ".nt", ".rdf")

#: How many incoming links of one property a page lists before it says "and N more".
INCOMING_LIMIT = 200
#: How many rows of a query result a page shows (the whole result is in the .csv/.json beside it).
RESULT_LIMIT = 500
#: How many IRIs' paths, short names and shown values a :class:`SiteData` remembers.
CACHE_LIMIT = 50_000

UNIT_SYMBOLS = {"KiloM": "km", "DEG_C": "°C", "M": "m", "PERCENT": "%"}
SHARE_KINDS = ("ShareOfPrisoners", "ShareOfPopulation")


# ---------------------------------------------------------------------------------------------
# IRIs and paths
# ---------------------------------------------------------------------------------------------


def _base(base: str | None) -> str:
    base = base or configured_base()
    return base if base.endswith(("/", "#")) else base + "/"


def split_iri(iri: str, *, base: str | None = None) -> tuple[str, str] | None:
    """``(kind, slug)`` of a resource IRI ``{base}id/{kind}/{slug}``, or None for any other IRI."""
    space = _base(base) + "id/"
    if not iri.startswith(space):
        return None
    kind, sep, slug = iri[len(space):].partition("/")
    if not sep or not _KIND.fullmatch(kind) or not _SLUG.fullmatch(slug):
        return None
    return kind, slug


def doc_path(iri: str, *, base: str | None = None, suffix: str = ".html") -> str | None:
    """The path (relative to the site's root) of the document about ``iri``, or None.

    Only resource IRIs ``{base}id/{kind}/{slug}`` have documents; ``suffix`` picks the format
    (``.html``, ``.ttl``, ``.jsonld``, ``.nt``, ``.rdf``).
    """
    parts = split_iri(iri, base=base)
    if parts is None:
        return None
    return f"doc/{parts[0]}/{parts[1]}{suffix}"


def iri_for_doc(path: str, *, base: str | None = None) -> str:
    """The resource IRI a document path stands for: ``doc/camp/karlag.html`` → ``…/id/camp/karlag``.

    Takes the path with or without a leading ``/`` or a known suffix.

    :raises ValueError: the path is not that of a resource document.
    """
    text = path.split("?", 1)[0].split("#", 1)[0].lstrip("/")
    for suffix in _DOC_SUFFIXES:
        if text.endswith(suffix):
            text = text[: -len(suffix)]
            break
    parts = text.split("/")
    if len(parts) != 3 or parts[0] != "doc" or not _KIND.fullmatch(parts[1]) or not _SLUG.fullmatch(parts[2]):
        raise ValueError(f"{path!r} is not the path of a resource document (doc/KIND/SLUG.html)")
    return f"{_base(base)}id/{parts[1]}/{parts[2]}"


def class_name(class_iri: str, *, base: str | None = None) -> str:
    """The file name (without ``.html``) of a class's browse page: ``Camp``, ``skos-Concept``."""
    hg = _base(base) + "ontology#"
    if class_iri.startswith(hg):
        local = class_iri[len(hg):]
        if _SLUG.fullmatch(local):
            return local
    for prefix, namespace in _LINK_PREFIXES.items():
        if class_iri.startswith(namespace) and _SLUG.fullmatch(class_iri[len(namespace):]):
            return f"{prefix}-{class_iri[len(namespace):]}"
    return "class-" + re.sub(r"[^A-Za-z0-9]+", "-", class_iri).strip("-")


def class_path(class_iri: str, *, base: str | None = None) -> str:
    """The path of a class's browse page: ``class/Camp.html``."""
    return f"class/{class_name(class_iri, base=base)}.html"


def iri_for_class_page(path: str, *, base: str | None = None) -> str | None:
    """The class IRI a browse page stands for (``class/Camp.html`` → ``hg:Camp``), or None."""
    match = re.fullmatch(r"/?class/([A-Za-z0-9._~-]+?)(?:\.html)?", path)
    if not match:
        return None
    name = match.group(1)
    prefix, sep, local = name.partition("-")
    if sep and prefix in _LINK_PREFIXES:
        return _LINK_PREFIXES[prefix] + local
    if name.startswith("class-"):
        return None
    return _base(base) + "ontology#" + name


_LINK_PREFIXES = {
    "rdf": RDF, "rdfs": RDFS, "owl": OWL, "skos": SKOS, "xsd": XSD, "dcterms": DCTERMS, "geo": GEO,
    "foaf": "http://xmlns.com/foaf/0.1/", "schema": "https://schema.org/",
}


# ---------------------------------------------------------------------------------------------
# Reading the graph
# ---------------------------------------------------------------------------------------------


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


TYPE = _n(RDF + "type")
LABEL = _n(RDFS + "label")
COMMENT = _n(RDFS + "comment")
SUBCLASS = _n(RDFS + "subClassOf")
PREF_LABEL = _n(SKOS + "prefLabel")
ALT_LABEL = _n(SKOS + "altLabel")
DEFINITION = _n(SKOS + "definition")
SAME_AS = _n(OWL + "sameAs")
LAT = _n(GEO + "lat")
LONG = _n(GEO + "long")

#: Properties a resource page shows in sections of their own rather than in its table.
_OWN_SECTIONS = {RDF + "type", RDFS + "label", SKOS + "altLabel", RDFS + "comment", OWL + "sameAs"}


class SiteData:
    """Cached reads of one store for rendering: quads by pattern, labels, classes, coordinates.

    ``store`` is an :class:`~heritage_graph.store.OxigraphStore` (anything with ``.ox``, a
    ``pyoxigraph.Store``). Build one per request on a live server, or one for a whole static build.
    """

    def __init__(self, store, *, base: str | None = None, lang: str = "en"):
        self.store = store
        self.ox: ox.Store = store.ox if hasattr(store, "ox") else store
        self.base = _base(base)
        self.lang = lang
        self.hg = self.base + "ontology#"
        self.id_space = self.base + "id/"
        self._labels: dict = {}
        self._out: dict = {}
        self._raw: dict | None = None  # after preload(): subject -> its (p, o) pairs as read
        self._in: dict | None = None  # after preload(): node -> the (s, p) pairs pointing at it
        self._paths: dict[str, str | None] = {}
        self._shorts: dict[str, str] = {}
        self._maps: dict = {}
        self._instances: dict | None = None
        self._hg_terms: dict[str, ox.NamedNode] = {}
        self._page_caches: dict[str, tuple[dict, dict]] = {}  # root -> the values of IRIs, the class links
        self._listed: dict[str, dict] = {}  # root -> resource -> its row on the class pages (see render_class)

    # -- terms of the ontology, under the configured base -------------------------------------

    def hgn(self, local: str) -> ox.NamedNode:
        found = self._hg_terms.get(local)
        if found is None:
            found = self._hg_terms[local] = _n(self.hg + local)
        return found

    # -- the whole store at once (a static build) ----------------------------------------------

    def preload(self) -> SiteData:
        """Read the whole store in one pass: every subject's statements and every node's incoming
        links, grouped in memory, so that every later read is a dictionary lookup.

        For a static build, which reads every resource: one pass over the store instead of a few
        index lookups per page. Each distinct term is kept once. Returns ``self``.
        """
        import gc

        raw: dict = {}
        incoming: dict = {}
        canon: dict = {}
        keep = canon.setdefault
        literal = ox.Literal
        enabled = gc.isenabled()
        gc.disable()  # millions of small tuples: no use looking for cycles among them
        try:
            for q in self.ox.quads_for_pattern(None, None, None, None):
                s = keep(q.subject, q.subject)
                p = keep(q.predicate, q.predicate)
                o = q.object
                o = keep(o, o)
                pairs = raw.get(s)
                if pairs is None:
                    raw[s] = [(p, o)]
                else:
                    pairs.append((p, o))
                if type(o) is not literal:
                    links = incoming.get(o)
                    if links is None:
                        incoming[o] = [(s, p)]
                    else:
                        links.append((s, p))
        finally:
            if enabled:
                gc.enable()
        self._raw, self._in = raw, incoming
        self._out = {}
        return self

    def every_subject(self) -> list:
        """Every subject of the store, each once."""
        if self._raw is None:
            return list(dict.fromkeys(q.subject for q in self.ox.quads_for_pattern(None, None, None, None)))
        return [s for s, pairs in self._out.items() if pairs] + list(self._raw)

    # -- raw reads --------------------------------------------------------------------------

    def out(self, node) -> list[tuple[ox.NamedNode, object]]:
        """The (predicate, object) pairs of ``node`` over every graph, each once, sorted."""
        found = self._out.get(node)
        if found is None:
            if self._raw is not None:
                pairs = self._raw.pop(node, ())
                seen = dict.fromkeys(pairs) if len(pairs) > 1 else pairs
                found = sorted(seen, key=_pair_key)
                self._out[node] = found
            else:
                seen = dict.fromkeys((q.predicate, q.object)
                                     for q in self.ox.quads_for_pattern(node, None, None, None))
                found = sorted(seen, key=_pair_key)
                if len(self._out) < 50000:
                    self._out[node] = found
        return found

    def objects(self, node, predicate: ox.NamedNode) -> list:
        return [o for p, o in self.out(node) if p == predicate]

    def first(self, node, predicate: ox.NamedNode):
        values = self.objects(node, predicate)
        return values[0] if values else None

    def incoming(self, node) -> list[tuple[object, ox.NamedNode]]:
        """The (subject, predicate) pairs pointing at ``node``, each once."""
        if self._in is not None:
            return list(dict.fromkeys(self._in.get(node, ())))
        return list(dict.fromkeys((q.subject, q.predicate) for q in self.ox.quads_for_pattern(None, None, node, None)))

    def subjects(self, predicate: ox.NamedNode, obj) -> list:
        if self._in is not None:
            return list(dict.fromkeys(s for s, p in self._in.get(obj, ()) if p == predicate))
        return list(dict.fromkeys(q.subject for q in self.ox.quads_for_pattern(None, predicate, obj, None)))

    def exists(self, node) -> bool:
        if self._raw is not None:
            return node in self._raw or bool(self._out.get(node))
        return next(iter(self.ox.quads_for_pattern(node, None, None, None)), None) is not None

    # -- paths ------------------------------------------------------------------------------

    def doc_path(self, iri: str) -> str | None:
        """:func:`doc_path` of ``iri`` under this base (``doc/camp/karlag.html``), remembered."""
        found = self._paths.get(iri, False)
        if found is False:
            found = doc_path(iri, base=self.base)
            if len(self._paths) < CACHE_LIMIT:
                self._paths[iri] = found
        return found

    def types(self, node) -> list[ox.NamedNode]:
        return [o for o in self.objects(node, TYPE) if isinstance(o, ox.NamedNode)]

    # -- labels -----------------------------------------------------------------------------

    def label(self, node) -> str:
        """The name to show for ``node``: its English label, else any label, else a short IRI."""
        found = self._labels.get(node)
        if found is None:
            found = self._find_label(node)
            self._labels[node] = found
        return found

    def _find_label(self, node) -> str:
        if isinstance(node, ox.Literal):
            return node.value
        candidates = [o for p, o in self.out(node) if p in (LABEL, PREF_LABEL) and isinstance(o, ox.Literal)]
        for wanted in (self.lang, ""):
            for literal in candidates:
                if (literal.language or "") == wanted:
                    return literal.value
        if candidates:
            return candidates[0].value
        if isinstance(node, ox.BlankNode):
            return f"_:{node.value}"
        return self.short(node.value)

    def short(self, iri: str) -> str:
        """A prefixed name (``camp:karlag``, ``hg:Claim``) where one fits, else the IRI."""
        found = self._shorts.get(iri)
        if found is None:
            found = self._short(iri)
            if len(self._shorts) < CACHE_LIMIT:
                self._shorts[iri] = found
        return found

    def _short(self, iri: str) -> str:
        parts = split_iri(iri, base=self.base)
        if parts:
            return f"{parts[0]}:{parts[1]}"
        if iri.startswith(self.hg):
            return "hg:" + iri[len(self.hg):]
        for prefix, namespace in _LINK_PREFIXES.items():
            if iri.startswith(namespace) and len(iri) > len(namespace):
                return f"{prefix}:{iri[len(namespace):]}"
        return iri

    # -- classes ----------------------------------------------------------------------------

    @cached_property
    def superclasses(self) -> dict[ox.NamedNode, set[ox.NamedNode]]:
        """Each class's superclasses (transitively, itself included), from rdfs:subClassOf."""
        direct: dict = {}
        for q in self.ox.quads_for_pattern(None, SUBCLASS, None, None):
            if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode):
                direct.setdefault(q.subject, set()).add(q.object)
        closure: dict = {}

        def up(cls, seen):
            if cls in closure:
                return closure[cls]
            result = {cls}
            for parent in direct.get(cls, ()):
                if parent not in seen:
                    result |= up(parent, seen | {parent})
            closure[cls] = result
            return result

        for cls in list(direct):
            up(cls, {cls})
        return closure

    def is_a(self, node, class_local: str) -> bool:
        target = self.hgn(class_local)
        return any(target in self.superclasses.get(t, {t}) for t in self.types(node))

    @cached_property
    def typed(self) -> dict[ox.NamedNode, list[ox.NamedNode]]:
        """Every typed subject with its classes (one pass over rdf:type)."""
        found: dict = {}
        for q in self.ox.quads_for_pattern(None, TYPE, None, None):
            if isinstance(q.object, ox.NamedNode):
                classes = found.setdefault(q.subject, [])
                if q.object not in classes:
                    classes.append(q.object)
        return found

    @cached_property
    def data_typed(self) -> list[ox.NamedNode]:
        """The resources the site has a page for: IRIs under ``{base}id/`` typed outside the ontology."""
        ontology = ontology_graphs()
        found = {}
        for q in self.ox.quads_for_pattern(None, TYPE, None, None):
            if (isinstance(q.subject, ox.NamedNode) and getattr(q.graph_name, "value", None) not in ontology
                    and split_iri(q.subject.value, base=self.base)):
                found[q.subject] = None
        return sorted(found, key=lambda n: n.value)

    def instances(self, class_node: ox.NamedNode) -> list[ox.NamedNode]:
        """The resources typed ``class_node`` or any of its subclasses, that have a page."""
        if self._instances is None:  # every class's at once: one pass over the typed resources
            pages = set(self.data_typed)
            found: dict = {}
            for node, classes in self.typed.items():
                if node not in pages:
                    continue
                every = set()
                for c in classes:
                    every |= self.superclasses.get(c, {c})
                for c in every:
                    found.setdefault(c, []).append(node)
            self._instances = found
        return list(self._instances.get(class_node, ()))

    @cached_property
    def class_counts(self) -> dict[ox.NamedNode, int]:
        """How many resources with a page each class has (subclasses included)."""
        self.instances(TYPE)  # computes every class's instances
        return {c: len(nodes) for c, nodes in self._instances.items()}

    # -- coordinates ------------------------------------------------------------------------

    @cached_property
    def points(self) -> dict[ox.NamedNode, tuple[float, float]]:
        """Every resource with WGS84 coordinates: (latitude, longitude)."""
        lats = {}
        for q in self.ox.quads_for_pattern(None, LAT, None, None):
            number = _float(q.object)
            if number is not None and -90 <= number <= 90:
                lats[q.subject] = number
        found = {}
        for q in self.ox.quads_for_pattern(None, LONG, None, None):
            number = _float(q.object)
            if q.subject in lats and number is not None and -180 <= number <= 180:
                found[q.subject] = (lats[q.subject], number)
        return found


def _float(term) -> float | None:
    try:
        value = float(term.value)
    except (AttributeError, ValueError):
        return None
    return value if math.isfinite(value) else None


_FIRST = operator.itemgetter(0)


def _pair_key(pair) -> tuple:
    """The order of a subject's statements: by predicate, then object (IRIs before literals)."""
    o = pair[1]
    if type(o) is ox.Literal:
        return (pair[0].value, 1, o.language or "", o.value)
    return (pair[0].value, 0, "", getattr(o, "value", str(o)))


@lru_cache(maxsize=1)
def ontology_graphs() -> frozenset[str]:
    """The named graphs the bundled ontology files are loaded into."""
    from ..util import resources
    from ..rdf.load import graph_iri

    return frozenset(graph_iri(p) for p in resources.ontology_files())


# ---------------------------------------------------------------------------------------------
# What a page shows
# ---------------------------------------------------------------------------------------------


@dataclass
class Value:
    """One value as shown: text, an optional link, a language, a datatype."""

    text: str
    href: str | None = None
    lang: str | None = None
    datatype: str | None = None
    external: bool = False
    title: str | None = None
    badges: bool = True


@dataclass
class Claim:
    iri: str
    href: str | None
    label: str
    what: Value | None
    group: Value | None
    value: str
    qualifier: str
    when: str
    stated_as: str | None
    sources: list[Value]
    quotes: list[str]
    about: Value | None = None
    extra: list[tuple[str, list[Value]]] = field(default_factory=list)


class Page:
    """Builds the values a template shows, with links relative to ``root``."""

    def __init__(self, data: SiteData, root: str):
        self.data = data
        self.root = root
        self._values, self._class_links = data._page_caches.setdefault(root, ({}, {}))

    def href(self, iri: str, suffix: str = ".html") -> str | None:
        if suffix == ".html":
            path = self.data.doc_path(iri)
        else:
            path = doc_path(iri, base=self.data.base, suffix=suffix)
        return self.root + path if path else None

    def term_href(self, iri: str) -> str | None:
        """Where a link to ``iri`` goes: its page, an ontology term's entry, or nowhere."""
        path = self.data.doc_path(iri)
        if path:
            return self.root + path
        if iri.startswith(self.data.hg):
            return f"{self.root}ontology/reference.html#{iri[len(self.data.hg):]}"
        return None

    def value(self, term) -> Value:
        """How ``term`` is shown. The values of IRIs are made once per site and root and shared:
        treat them as read-only (:func:`dataclasses.replace` makes a changed copy)."""
        if type(term) is ox.NamedNode:
            found = self._values.get(term)
            if found is None:
                found = self._value(term)
                if len(self._values) < CACHE_LIMIT:  # the IRIs that many pages show come first
                    self._values[term] = found
            return found
        return self._value(term)

    def _value(self, term) -> Value:
        data = self.data
        if isinstance(term, ox.Literal):
            datatype = None
            if not term.language and term.datatype.value not in (XSD + "string", RDF + "langString"):
                datatype = data.short(term.datatype.value)
            return Value(term.value, lang=term.language or None, datatype=datatype)
        if isinstance(term, ox.BlankNode):
            return Value(f"_:{term.value}")
        iri = term.value
        href = self.term_href(iri)
        if href:
            return Value(data.label(term), href=href, title=data.short(iri))
        if iri.startswith(WIKIDATA):
            return Value(f"Wikidata {iri[len(WIKIDATA):]}", href=iri, external=True, title=iri)
        if iri.startswith(GEONAMES):
            return Value(f"GeoNames {iri[len(GEONAMES):].strip('/')}", href=iri, external=True, title=iri)
        if iri.startswith(("http://", "https://")):
            label = data.label(term)
            return Value(label, href=iri, external=True, title=iri)
        return Value(data.label(term), title=iri)

    def link(self, node) -> Value:
        return self.value(node)

    def class_link(self, class_node: ox.NamedNode) -> Value:
        found = self._class_links.get(class_node)
        if found is None:
            found = self._class_links[class_node] = self._class_link(class_node)
        return found

    def _class_link(self, class_node: ox.NamedNode) -> Value:
        name = self.data.label(class_node)
        if class_node in self.data.class_counts:
            return Value(name, href=self.root + class_path(class_node.value, base=self.data.base),
                         title=self.data.short(class_node.value))
        return self.value(class_node)

    # -- claims ---------------------------------------------------------------------------

    def claim(self, node, *, with_about: bool = False) -> Claim:
        data = self.data
        hg = data.hgn
        pairs = data.out(node)

        def objs(local):
            p = hg(local)
            return [o for q, o in pairs if q == p]

        kind = next(iter(objs("quantityKind")), None)
        value = next(iter(objs("value")), None)
        qualifier = next(iter(objs("approximation")), None)
        text = "—"
        if value is not None:
            text = format_number(value.value)
            kind_local = kind.value[len(data.hg):] if kind is not None and kind.value.startswith(data.hg) else ""
            if kind_local in SHARE_KINDS:
                text = format_share(value.value)
            elif kind is not None:
                unit = data.first(kind, hg("unit"))
                symbol = UNIT_SYMBOLS.get(unit.value.rsplit("/", 1)[-1]) if isinstance(unit, ox.NamedNode) else None
                if symbol:
                    text = f"{text} {symbol}"
        lower, upper = objs("lowerBound"), objs("upperBound")
        if lower and (value is None or lower[0].value != value.value):
            text += f" (at least {format_number(lower[0].value)})"
        if upper and (value is None or upper[0].value != value.value):
            text += f" (at most {format_number(upper[0].value)})"
        when = describe_time(objs("year"), objs("startYear"), objs("endYear"), objs("date"), objs("timeDescription"))
        stated = objs("statedAs")
        extra = []
        for local, caption in (("countedAt", "counted at"), ("relativeTo", "relative to"),
                               ("direction", "direction"), ("numerator", "numerator"),
                               ("denominator", "denominator")):
            found = objs(local)
            if found:
                extra.append((caption, [self.value(v) for v in found]))
        about = objs("about")
        return Claim(
            iri=node.value,
            href=self.href(node.value),
            label=data.label(node),
            what=self.value(kind) if kind is not None else None,
            group=self.value(objs("peopleGroup")[0]) if objs("peopleGroup") else None,
            value=text,
            qualifier=data.label(qualifier) if qualifier is not None else "",
            when=when,
            stated_as=stated[0].value if stated else None,
            sources=[self.value(s) for s in objs("source")],
            quotes=[q.value for q in objs("quote")],
            about=self.value(about[0]) if (with_about and about) else None,
            extra=extra,
        )

    def claims_about(self, node) -> list[Claim]:
        data = self.data
        about = data.hgn("about")
        claim_class = data.hgn("Claim")
        nodes = [s for s in data.subjects(about, node) if claim_class in data.types(s) or not data.types(s)]
        claims = [self.claim(n) for n in nodes]
        claims.sort(key=lambda c: (c.what.text if c.what else "", c.group.text if c.group else "",
                                   c.when, c.label, c.iri))
        return claims


def format_number(text: str) -> str:
    """``20500`` → ``20,500``; decimals keep their digits (``-40``, ``0.146``)."""
    sign = "-" if text.startswith("-") else ""
    digits = text.lstrip("+-")
    whole, dot, fraction = digits.partition(".")
    if whole.isdigit() and (not fraction or fraction.isdigit()):
        grouped = f"{int(whole):,}"
        return sign + grouped + (dot + fraction if fraction else "")
    return text


def format_share(text: str) -> str:
    """A fraction as a percentage: ``0.15`` → ``15%``, ``0.146`` → ``14.6%``."""
    try:
        percent = float(text) * 100
    except ValueError:
        return text
    shown = f"{percent:.2f}".rstrip("0").rstrip(".")
    return f"{shown}%"


def describe_time(years, starts, ends, dates, descriptions) -> str:
    if years:
        return ", ".join(y.value for y in years)
    if starts or ends:
        return f"{starts[0].value if starts else '?'}–{ends[0].value if ends else '?'}"
    if dates:
        return dates[0].value
    if descriptions:
        return descriptions[0].value
    return ""


# ---------------------------------------------------------------------------------------------
# Maps: an inline SVG of a point among the other places with coordinates
# ---------------------------------------------------------------------------------------------

_MAP_LINKS = ("location", "headquarters", "countedAt", "partOf")


def map_points(data: SiteData, node) -> tuple[list[tuple[ox.NamedNode, float, float]], str]:
    """The points to plot for ``node``: its own coordinates, else those of the places it is at.

    Follows ``hg:location``, ``hg:headquarters``, ``hg:countedAt`` and ``hg:partOf`` up to two
    steps and stops at the first step that reaches coordinates; a country's centre is left out
    where a more precise place is found.
    """
    points = data.points
    if node in points:
        lat, lon = points[node]
        return [(node, lat, lon)], ""
    links = [data.hgn(local) for local in _MAP_LINKS]
    frontier = [node]
    seen = {node}
    for _step in range(2):
        following = []
        for current in frontier:
            for p, o in data.out(current):
                if p in links and isinstance(o, ox.NamedNode) and o not in seen:
                    seen.add(o)
                    following.append(o)
        found = [(o, *points[o]) for o in following if o in points]
        if found:
            precise = [f for f in found if not data.is_a(f[0], "Country")]
            found = precise or found
            return found, ", ".join(data.label(f[0]) for f in found)
        frontier = following
    return [], ""


def map_svg(data: SiteData, page: Page, node, *, width: int = 360, height: int = 240) -> dict | None:
    """The drawing of the map for ``node`` (for the ``map.svg`` template), or None."""
    focus, via = map_points(data, node)
    if not focus:
        return None
    focus_nodes = {f[0] for f in focus}
    lat0 = sum(f[1] for f in focus) / len(focus)
    lon0 = sum(f[2] for f in focus) / len(focus)
    coslat = max(0.2, math.cos(math.radians(lat0)))
    others = [(n, lat, lon) for n, (lat, lon) in data.points.items() if n not in focus_nodes]
    spread = max([0.0] + [max(abs(f[1] - lat0), abs(f[2] - lon0) * coslat) for f in focus])
    distances = sorted(math.hypot(lat - lat0, (lon - lon0) * coslat) for _, lat, lon in others)
    near = distances[min(8, len(distances) - 1)] if distances else 2.0
    half_height = min(20.0, max(1.0, spread * 1.3, near * 1.1))
    half_width = half_height * width / height
    scale = (height / 2) / half_height

    def project(lat, lon):
        return width / 2 + (lon - lon0) * coslat * scale, height / 2 - (lat - lat0) * scale

    def inside(x, y):
        return 4 <= x <= width - 4 and 4 <= y <= height - 4

    around = []
    for n, lat, lon in others:
        x, y = project(lat, lon)
        if inside(x, y):
            distance = math.hypot(lat - lat0, (lon - lon0) * coslat)
            around.append({"x": round(x, 1), "y": round(y, 1), "label": data.label(n), "href": page.href(n.value),
                           "distance": distance, "named": False})
    around.sort(key=lambda a: (a["distance"], a["label"], a["x"], a["y"]))
    around = around[:150]
    taken = [(m_x, m_y) for m_x, m_y in (project(f[1], f[2]) for f in focus)]
    for a in around[:12]:
        if sum(1 for b in around if b["named"]) >= 5:
            break
        if all(abs(a["x"] - x) > 40 or abs(a["y"] - y) > 12 for x, y in taken) and 30 < a["x"] < width - 30:
            a["named"] = True
            taken.append((a["x"], a["y"]))
    around.sort(key=lambda a: (a["label"], a["x"], a["y"]))
    marks = []
    for n, lat, lon in focus:
        x, y = project(lat, lon)
        marks.append({"x": round(x, 1), "y": round(y, 1), "label": data.label(n), "lat": lat, "lon": lon,
                      "href": page.href(n.value) if n != node else None})
    for item, size, gap in [(m, 7.2, 9) for m in marks] + [(a, 5.4, 5) for a in around if a["named"]]:
        text = item["label"] if len(item["label"]) <= 26 else item["label"][:25] + "…"
        room_right = width - item["x"] - gap - 4
        right = len(text) * size <= room_right or item["x"] < width / 2
        item["text"] = text
        item["anchor"] = "start" if right else "end"
        item["tx"] = round(item["x"] + gap if right else item["x"] - gap, 1)
    step = _grid_step(half_height * 2)
    lines = []
    lat_lo, lat_hi = lat0 - half_height, lat0 + half_height
    lon_lo, lon_hi = lon0 - half_width / coslat, lon0 + half_width / coslat
    value = math.ceil(lat_lo / step) * step
    while value <= lat_hi:
        _, y = project(value, lon0)
        lines.append({"x1": 0, "y1": round(y, 1), "x2": width, "y2": round(y, 1), "label": _degrees(value, "N", "S"),
                      "lx": 3, "ly": round(y - 2, 1)})
        value += step
    value = math.ceil(lon_lo / step) * step
    while value <= lon_hi:
        x, _ = project(lat0, value)
        lines.append({"x1": round(x, 1), "y1": 0, "x2": round(x, 1), "y2": height, "label": _degrees(value, "E", "W"),
                      "lx": round(x + 2, 1), "ly": height - 3})
        value += step
    return {"width": width, "height": height, "marks": marks, "around": around, "lines": lines, "via": via,
            "count": len(around)}


def _map_drawing(data: SiteData, page: Page, node) -> tuple[dict, str] | None:
    """The map of ``node`` and its SVG (with a mark where the title goes), or None.

    Every resource located at the same places has the same map: it is drawn once per site and
    root (a register's events at one camp share one).
    """
    focus, _via = map_points(data, node)
    if not focus:
        return None
    places = tuple(f[0] for f in focus)
    key = (page.root, places, node if node in places else None)
    found = data._maps.get(key)
    if found is None:
        drawing = map_svg(data, page, node)
        found = data._maps[key] = (drawing, render_template("map.svg", map=drawing, title=_MARK.format("title")))
    return found


def _grid_step(span: float) -> float:
    for step in (0.25, 0.5, 1, 2, 5, 10, 20):
        if span / step <= 6:
            return step
    return 30


def _degrees(value: float, positive: str, negative: str) -> str:
    text = f"{abs(value):.2f}".rstrip("0").rstrip(".")
    return f"{text}°{positive if value >= 0 else negative}"


# ---------------------------------------------------------------------------------------------
# Templates
# ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def environment():
    """The Jinja2 environment: templates of ``templates/``, autoescape on for HTML, SVG and XML."""
    try:
        import jinja2
    except ImportError as exc:  # pragma: no cover - a dependency
        from ..errors import ConfigError

        raise ConfigError("rendering the site needs Jinja2: pip install jinja2") from exc
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "svg", "xml"), default_for_string=True,
                                            default=True),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["number"] = format_number
    env.filters["share"] = format_share
    return env


def render_template(name: str, **context) -> str:
    return environment().get_template(name).render(**context)


def _markup(text: str):
    from markupsafe import Markup

    return Markup(text)


# ---------------------------------------------------------------------------------------------
# The pages a release has one of per resource (and the class pages listing them), built as
# strings: a release has hundreds of thousands of them. The layout is base.html's; the rest
# follows templates/macros.html. Every value goes through markupsafe's escape, as with Jinja2's
# autoescape.
# ---------------------------------------------------------------------------------------------

_MARK = "\x00{}\x00"

#: markupsafe's own escaping (what ``escape`` runs), without wrapping each result in ``Markup``.
_escape_str = getattr(markupsafe, "_escape_inner", None) or (lambda text: str(markupsafe.escape(text)))


def _escape(value) -> str:
    """``markupsafe.escape(value)`` as a plain string: ``&<>'"`` replaced, ``__html__`` honoured."""
    if type(value) is str:
        return _escape_str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return _escape_str(str(value))


@lru_cache(maxsize=32)
def _layout(root: str) -> tuple[str, str, str, str]:
    """base.html around a page, in four pieces: before the title, between the title and the
    ``head`` block, between ``head`` and ``main``, and after ``main``."""
    from markupsafe import Markup

    page = environment().from_string(
        '{% extends "base.html" %}{% block head %}' + _MARK.format("head") + "{% endblock %}"
        "{% block main %}" + _MARK.format("main") + "{% endblock %}"
    ).render(root=root, title=Markup(_MARK.format("title")))
    before, rest = page.split(_MARK.format("title"))
    middle, rest = rest.split(_MARK.format("head"))
    head_end, after = rest.split(_MARK.format("main"))
    return before, middle, head_end, after


def _page_html(root: str, title: str, head: str, main: str) -> str:
    before, middle, head_end, after = _layout(root)
    return f"{before}{_escape(title)}{middle}{head}{head_end}{main}{after}"


def _value_html(v: Value) -> str:
    """A value: a link where it has one, with its language and datatype (macros.html ``value``).
    Remembered on the value, which the pages share for IRIs."""
    found = v.__dict__.get("_html")
    if found is None:
        found = v.__dict__["_html"] = _render_value(v)
    return found


def _render_value(v: Value) -> str:
    lang = v.lang
    if v.href:
        html = f'<a href="{_escape(v.href)}"'
        if v.external:
            html += ' class="external" rel="external noopener"'
        if v.title:
            html += f' title="{_escape(v.title)}"'
        if lang:
            html += f' lang="{_escape(lang)}"'
        html += f">{_escape(v.text)}</a>"
    else:
        html = "<span"
        if lang:
            html += f' lang="{_escape(lang)}"'
        if v.title:
            html += f' title="{_escape(v.title)}"'
        html += f">{_escape(v.text)}</span>"
    if v.badges:
        if lang:
            html += f' <small class="lang">{_escape(lang)}</small>'
        if v.datatype:
            html += f' <small class="datatype">{_escape(v.datatype)}</small>'
    return html


def _values_html(values) -> str:
    return "<br>".join([_value_html(v) for v in values])


def _lang_attr(lang) -> str:
    return f' lang="{_escape(lang)}"' if lang else ""


_CLAIMS_HEAD = ('<table class="claims">\n  <thead>\n    <tr><th scope="col">Figure</th><th scope="col">Value</th>'
                '<th scope="col">Qualifier</th><th scope="col">When</th><th scope="col">Stated as</th>'
                '<th scope="col">Source</th></tr>\n  </thead>\n')


def _claims_table_html(claims: list[Claim]) -> str:
    parts = [_CLAIMS_HEAD]
    for c in claims:
        figure = _escape(c.what.text if c.what else c.label)
        if c.href:
            figure = f'<a href="{_escape(c.href)}">{figure}</a>'
        if c.group:
            figure += f" of {_value_html(c.group)}"
        for caption, vs in c.extra:
            figure += f"<br><small>{_escape(caption)}: {', '.join([_value_html(v) for v in vs])}</small>"
        stated = f"“{_escape(c.stated_as)}”" if c.stated_as else ""
        parts.append(
            f'  <tbody class="claim">\n    <tr>\n      <td>{figure}</td>\n'
            f'      <td class="num">{_escape(c.value)}</td>\n'
            f'      <td><span class="qualifier q-{_escape(c.qualifier.replace(" ", "-"))}">{_escape(c.qualifier)}</span></td>\n'
            f"      <td>{_escape(c.when)}</td>\n      <td>{stated}</td>\n      <td>{_values_html(c.sources)}</td>\n"
            "    </tr>\n"
        )
        for quote in c.quotes:
            parts.append(f'    <tr class="quote"><td colspan="6"><blockquote>{_escape(quote)}</blockquote></td></tr>\n')
        parts.append("  </tbody>\n")
    parts.append("</table>")
    return "".join(parts)


def _properties_table_html(properties: list[dict]) -> str:
    rows = "".join([f'    <tr><th scope="row">{_value_html(row["property"])}</th><td>{_values_html(row["values"])}</td></tr>\n'
                    for row in properties])
    return f'<table class="properties">\n  <tbody>\n{rows}  </tbody>\n</table>'


def _references_html(references: list[dict], root: str) -> str:
    parts = ['<dl class="references">\n']
    for r in references:
        items = "".join([f"<li>{_value_html(s)}</li>" for s in r["subjects"]])
        if r["more"]:
            items += (f'<li class="more">and {r["more"]} more (see the <a href="{_escape(root)}index.html#query">'
                      "SPARQL endpoint or the dumps</a>)</li>")
        parts.append(f'  <dt>{_value_html(r["property"])} <small>({r["count"]})</small></dt>\n  <dd><ul>{items}</ul></dd>\n')
    parts.append("</dl>")
    return "".join(parts)


def _alternates_html(alternates: list[dict]) -> str:
    if not alternates:
        return ""
    links = " · ".join([f'<a href="{_escape(a["href"])}" type="{_escape(a["type"])}">{_escape(a["name"])}</a>'
                        for a in alternates])
    return f'<p class="alternates">This description as data:\n{links}</p>\n'


def _head_links(alternates: list[dict]) -> str:
    return "".join([f'<link rel="alternate" type="{_escape(a["type"])}" href="{_escape(a["href"])}">\n'
                    for a in alternates])


def _resource_header(context: dict, article_class: str) -> str:
    kinds = " · ".join([_value_html(t) for t in context["types"]])
    return (f'<article class="{article_class}">\n<header>\n  <p class="kind">{kinds}</p>\n'
            f'  <h1 id="title">{_escape(context["title"])}</h1>\n'
            f'  <p class="iri"><code>{_escape(context["iri"])}</code></p>\n</header>\n')


def _resource_main(context: dict) -> str:
    """The ``main`` of a resource's page."""
    w = [_resource_header(context, "resource"), "\n"]
    if context["comments"]:
        w.append('<section class="comment">\n')
        w += [f"<p{_lang_attr(lang)}>{_escape(text)}</p>" for lang, text in context["comments"]]
        w.append("</section>\n")
    w.append('\n<div class="columns">\n<section class="names" aria-labelledby="names">\n  <h2 id="names">Names</h2>\n')
    if context["labels"]:
        w.append('  <table class="labels">\n    <thead><tr><th scope="col">Language</th><th scope="col">Name</th></tr></thead>\n'
                 "    <tbody>\n")
        w += [f'<tr><td><small class="lang">{_escape(lang or "—")}</small></td><td{_lang_attr(lang)}>{_escape(text)}</td></tr>\n'
              for lang, text in context["labels"]]
        w.append("    </tbody>\n  </table>\n")
    else:
        w.append("<p>No label.</p>")
    if context["alt_labels"]:
        w.append("  <p>Also known as:\n")
        w.append(", ".join([f'<span class="alt"{_lang_attr(lang)}>{_escape(text)}</span>'
                            for lang, text in context["alt_labels"]]))
        w.append("</p>\n")
    if context["same_as"]:
        w.append('  <h3>Elsewhere</h3>\n  <ul class="same-as">')
        w += [f"<li>{_value_html(v)}</li>" for v in context["same_as"]]
        w.append("</ul>\n")
    w.append("</section>\n\n")
    if context["map_svg"]:
        drawing = context["map"]
        caption = f"Shown at: {_escape(drawing['via'])}. " if drawing["via"] else ""
        caption += "; ".join([f"{_escape(mark['label'])} {mark['lat']:.4f}, {mark['lon']:.4f}" for mark in drawing["marks"]])
        count = drawing["count"]
        w.append(f'<section class="map" aria-labelledby="map">\n  <h2 id="map">Map</h2>\n  <figure>\n'
                 f'  {context["map_svg"]}\n  <figcaption>{caption}.\n'
                 f'  Grey points: {count} other place{"s" if count != 1 else ""} with coordinates.</figcaption>\n'
                 "  </figure>\n</section>\n")
    w.append("</div>\n\n")
    claims = context["claims"]
    if claims:
        w.append(f'<section aria-labelledby="claims">\n  <h2 id="claims">Figures the sources give <small>({len(claims)})</small></h2>\n'
                 f"  {_claims_table_html(claims)}\n</section>\n")
    w.append('\n<section aria-labelledby="statements">\n  <h2 id="statements">Statements</h2>\n')
    if context["properties"]:
        w.append(_properties_table_html(context["properties"]))
    else:
        w.append("<p>None besides its names.</p>")
    w.append("</section>\n\n")
    if context["references"]:
        w.append('<section aria-labelledby="referenced-by">\n  <h2 id="referenced-by">Referenced by</h2>\n'
                 f'  {_references_html(context["references"], context["root"])}\n</section>\n')
    w.append(f'\n{_alternates_html(context["alternates"])}\n</article>\n')
    return "".join(w)


def _claim_main(context: dict) -> str:
    """The ``main`` of a claim's page."""
    claim = context["claim"]
    w = [_resource_header(context, "resource claim-page"),
         '<section class="claim-summary" aria-labelledby="figure">\n  <h2 id="figure">The figure</h2>\n  <dl class="figure">\n']
    if claim.about:
        w.append(f"<dt>About</dt><dd>{_value_html(claim.about)}</dd>")
    if claim.what:
        group = f" of {_value_html(claim.group)}" if claim.group else ""
        w.append(f"<dt>Quantity</dt><dd>{_value_html(claim.what)}{group}</dd>")
    w.append(f"    <dt>Value</dt><dd>{_escape(claim.value)}</dd>\n"
             f'    <dt>Qualifier</dt><dd><span class="qualifier q-{_escape(claim.qualifier.replace(" ", "-"))}">'
             f'{_escape(claim.qualifier or "—")}</span></dd>\n')
    if claim.when:
        w.append(f"<dt>When</dt><dd>{_escape(claim.when)}</dd>")
    if claim.stated_as:
        w.append(f"<dt>Stated as</dt><dd>“{_escape(claim.stated_as)}”</dd>")
    w += [f"<dt>{_escape(caption.capitalize())}</dt><dd>{_values_html(vs)}</dd>" for caption, vs in claim.extra]
    w.append(f"    <dt>Source</dt><dd>{_values_html(claim.sources)}</dd>\n  </dl>\n")
    w += [f'<blockquote class="source-quote">{_escape(q)}</blockquote>' for q in claim.quotes]
    w.append('</section>\n<section aria-labelledby="statements">\n  <h2 id="statements">All statements</h2>\n')
    labels = context["labels"]
    if labels:
        shown = ", ".join([f"<span{_lang_attr(lang)}>{_escape(text)}</span>"
                           + (f' <small class="lang">{_escape(lang)}</small>' if lang else "") for lang, text in labels])
        w.append(f'<p>Label{"s" if len(labels) > 1 else ""}: {shown}</p>')
    w.append(f'  {_properties_table_html(context["properties"])}\n</section>\n')
    if context["references"]:
        w.append('<section aria-labelledby="referenced-by">\n  <h2 id="referenced-by">Referenced by</h2>\n'
                 f'  {_references_html(context["references"], context["root"])}\n</section>\n')
    w.append(f'{_alternates_html(context["alternates"])}\n</article>\n')
    return "".join(w)


def _class_main(title: str, short: str, ontology_href: str | None, definition: list[str], subclasses: list[dict],
                rows: list[tuple], is_claim_class: bool) -> str:
    """The ``main`` of a class's browse page; ``rows`` are (sort key, the link's HTML, the kinds'
    HTML or, on the page of claims, the :class:`Claim`)."""
    in_ontology = f' · <a href="{_escape(ontology_href)}">in the ontology</a>' if ontology_href else ""
    header = (f'<article class="class-page">\n<header>\n  <p class="kind">Class <code>{_escape(short)}</code>{in_ontology}</p>\n'
              f'  <h1 id="title">{_escape(title.capitalize())}</h1>\n')
    w = [header]
    w += [f'<p class="definition">{_escape(d)}</p>' for d in definition]
    w.append("</header>\n")
    if subclasses:
        kinds = " · ".join([f'{_value_html(s["link"])} <small>({s["count"]})</small>' for s in subclasses])
        w.append(f"<p>Kinds: {kinds}</p>\n")
    n = len(rows)
    w.append(f'<section aria-labelledby="instances">\n<h2 id="instances">{n} resource{"s" if n != 1 else ""}</h2>\n')
    if is_claim_class:
        w.append('<table class="listing claims-listing">\n  <thead><tr><th scope="col">Claim</th><th scope="col">About</th>'
                 '<th scope="col">Value</th><th scope="col">Qualifier</th><th scope="col">When</th></tr></thead>\n  <tbody>\n')
        for _key, link, claim in rows:
            about = _value_html(claim.about) if claim.about else ""
            w.append(f'  <tr><td>{link}</td><td>{about}</td><td class="num">{_escape(claim.value)}</td>'
                     f"<td>{_escape(claim.qualifier)}</td><td>{_escape(claim.when)}</td></tr>\n")
    else:
        w.append('<table class="listing">\n  <thead><tr><th scope="col">Name</th><th scope="col">Kind</th></tr></thead>\n'
                 "  <tbody>\n")
        w += [f"  <tr><td>{link}</td><td>{kinds}</td></tr>\n" for _key, link, kinds in rows]
    w.append("  </tbody>\n</table>\n</section>\n</article>\n")
    return "".join(w)


# ---------------------------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------------------------


def _data(store, base, data) -> SiteData:
    return data if data is not None else SiteData(store, base=base)


def resource_context(data: SiteData, node, root: str) -> dict | None:
    """Everything the resource template shows about ``node``; None if the graph says nothing of it."""
    pairs = data.out(node)
    incoming = data.incoming(node)
    if not pairs and not incoming:
        return None
    page = Page(data, root)
    types = data.types(node)
    is_claim = data.hgn("Claim") in types
    labels = [(o.language or None, o.value) for p, o in pairs if p == LABEL and isinstance(o, ox.Literal)]
    alt = [(o.language or None, o.value) for p, o in pairs if p == ALT_LABEL and isinstance(o, ox.Literal)]
    comments = [(o.language or None, o.value) for p, o in pairs if p == COMMENT and isinstance(o, ox.Literal)]
    same_as = [page.value(o) for p, o in pairs if p == SAME_AS]
    grouped: dict[str, list] = {}
    order: list = []
    for p, o in pairs:
        if p.value in _OWN_SECTIONS:
            continue
        if p not in grouped:
            grouped[p] = []
            order.append(p)
        grouped[p].append(page.value(o))
    properties = [{"property": page.value(p), "values": grouped[p]} for p in order]
    properties.sort(key=lambda row: row["property"].text.lower())
    about = data.hgn("about")
    claim_nodes = set()
    claims = []
    if not is_claim:
        claims = page.claims_about(node)
        claim_nodes = {ox.NamedNode(c.iri) for c in claims}
    referenced: dict = {}
    for s, p in incoming:
        if p == about and s in claim_nodes:
            continue
        referenced.setdefault(p, []).append(s)
    references = []
    for p, subjects in referenced.items():
        shown = heapq.nsmallest(INCOMING_LIMIT, subjects, key=lambda s: (data.label(s).lower(), getattr(s, "value", "")))
        references.append({"property": page.value(p), "count": len(subjects),
                           "subjects": [page.value(s) for s in shown],
                           "more": max(0, len(subjects) - INCOMING_LIMIT)})
    references.sort(key=lambda r: r["property"].text.lower())
    title = data.label(node)
    context = {
        "root": root,
        "iri": node.value if isinstance(node, ox.NamedNode) else f"_:{node.value}",
        "short": data.short(node.value) if isinstance(node, ox.NamedNode) else "",
        "title": title,
        "labels": sorted(labels, key=lambda lt: (lt[0] != data.lang, lt[0] or "", lt[1])),
        "alt_labels": sorted(alt, key=lambda lt: (lt[0] or "", lt[1])),
        "comments": comments,
        "types": [page.class_link(t) for t in types],
        "same_as": same_as,
        "properties": properties,
        "claims": claims,
        "claim": page.claim(node, with_about=True) if is_claim else None,
        "references": references,
        "map": None,
        "map_svg": None,
        "alternates": [],
    }
    if not is_claim:
        drawn = _map_drawing(data, page, node)
        if drawn is not None:
            context["map"] = drawn[0]
            context["map_svg"] = drawn[1].replace(_MARK.format("title"), _escape(title))
    path = data.doc_path(node.value) if isinstance(node, ox.NamedNode) else None
    if path:
        stem = root + path[: -len(".html")]
        context["alternates"] = [
            {"href": stem + suffix, "type": media, "name": name}
            for suffix, media, name in (
                (".ttl", "text/turtle", "Turtle"),
                (".jsonld", "application/ld+json", "JSON-LD"),
                (".nt", "application/n-triples", "N-Triples"),
                (".rdf", "application/rdf+xml", "RDF/XML"),
            )
        ]
    return context


def render_resource(store, iri: str, *, root: str = "/", base: str | None = None, data: SiteData | None = None,
                    alternates: bool = True) -> str | None:
    """The HTML page of one resource (a claim gets its own smaller page), or None if unknown.

    Shows its labels in every language, alternative labels, types, comment, every property with
    linked values, the claims about it (value, qualifier, time, stated-as, source, quote), the
    resources that refer to it, its Wikidata and GeoNames links, and a map where it has
    coordinates. ``alternates=False`` leaves out the links to the ``.ttl``/``.jsonld`` documents.
    """
    data = _data(store, base, data)
    return resource_html(data, ox.NamedNode(iri), root, alternates=alternates)


def resource_html(data: SiteData, node, root: str, *, alternates: bool = True) -> str | None:
    """:func:`render_resource` for a node of ``data`` (the static build calls it for every resource)."""
    context = resource_context(data, node, root)
    if context is None:
        return None
    if not alternates:
        context["alternates"] = []
    if context["claim"] is not None:
        main = _claim_main(context)
    else:
        main = _resource_main(context)
    return _page_html(root, context["title"], _head_links(context["alternates"]), main)


def render_class(store, class_iri: str, *, root: str = "/", base: str | None = None,
                 data: SiteData | None = None) -> str | None:
    """The browse page of a class: its definition and every instance (subclasses included), or None."""
    data = _data(store, base, data)
    node = ox.NamedNode(class_iri)
    members = data.instances(node)
    if not members and not data.exists(node):
        return None
    page = Page(data, root)
    definition = [o.value for o in data.objects(node, DEFINITION) if isinstance(o, ox.Literal)
                  and (o.language or data.lang) == data.lang]
    is_claim_class = node == data.hgn("Claim")
    # A resource is listed on the page of each of its classes and their superclasses: its link is
    # made once per site and root.
    listed = data._listed.setdefault(root, {})
    rows = []
    for member in members:
        found = listed.get(member)
        if found is None:
            link = page._value(member)
            found = listed[member] = ((link.text.lower(), link.href or ""), _render_value(link), data.types(member))
        key, link_html, types = found
        if is_claim_class:
            rows.append((key, link_html, page.claim(member, with_about=True)))
        else:
            rows.append((key, link_html, ", ".join([_value_html(page.class_link(t)) for t in types if t != node])))
    rows.sort(key=_FIRST)
    subclasses = sorted(
        (c for c, parents in data.superclasses.items() if node in parents and c != node and c in data.class_counts),
        key=lambda c: data.label(c).lower(),
    )
    title = data.label(node)
    main = _class_main(title, data.short(class_iri), page.term_href(class_iri), definition,
                       [{"link": page.class_link(c), "count": data.class_counts.get(c, 0)} for c in subclasses],
                       rows, is_claim_class)
    return _page_html(root, title, "", main)


def render_classes(store, *, root: str = "/", base: str | None = None, data: SiteData | None = None) -> str:
    """The index of the browse pages: every class with resources, and how many."""
    data = _data(store, base, data)
    page = Page(data, root)
    rows = [{"link": page.class_link(cls), "count": count}
            for cls, count in data.class_counts.items()]
    rows.sort(key=lambda r: r["link"].text.lower())
    return render_template("classes.html", root=root, title="Browse by class", rows=rows)


# -- queries --------------------------------------------------------------------------------


def is_federated(stored) -> bool:
    """Whether a stored query asks another endpoint (``SERVICE``): a release does not run those."""
    text = "\n".join(line for line in stored.text.splitlines() if not line.lstrip().startswith("#"))
    return re.search(r"\bSERVICE\b", text, re.IGNORECASE) is not None


def query_result(store, stored, values: Mapping[str, str] | None = None, *, federated: bool = True):
    """Run a stored query; returns (result, error text). With ``federated=False`` a query that asks
    another endpoint (SERVICE) is not run, and the error text says so."""
    from ..queries import catalogue as q
    from ..queries import run as qrun
    from ..errors import HeritageGraphError

    if not federated and is_federated(stored):
        return None, ("This query asks another SPARQL endpoint (SERVICE), so a static release does not run it; "
                      "run it with 'heritage-graph query " + stored.name + "'.")
    try:
        return qrun.run(stored, store, values or {}), None
    except HeritageGraphError as exc:
        return None, f"The query could not be run: {exc}"


#: The datatypes whose values a result table aligns as numbers.
NUMERIC_DATATYPES = (XSD + "integer", XSD + "decimal", XSD + "double")


@dataclass
class ResultShape:
    """What a result table says of a whole result when only its first rows are at hand (a build
    runs queries with hundreds of thousands of rows): how many rows, and which columns hold
    numbers only (:data:`NUMERIC_DATATYPES`, and at least one)."""

    total: int
    numeric: dict[str, bool]


def result_table(data: SiteData, result, root: str, limit: int = RESULT_LIMIT, shape: ResultShape | None = None) -> dict:
    """A query result as table rows of :class:`Value`; a column ``x`` with an ``x_label`` beside it
    shows the label as the link text, and the ``x_label`` column is left out. ``shape`` describes
    the whole result when ``result`` holds only its first rows."""
    page = Page(data, root)
    variables = list(result.variables)
    labelled = {v for v in variables if f"{v}_label" in variables}
    shown = [v for v in variables if not (v.endswith("_label") and v[: -len("_label")] in labelled)]
    index = {v: i for i, v in enumerate(variables)}
    rows = []
    for row in result.rows[:limit]:
        cells = []
        for v in shown:
            term = row[index[v]]
            if term is None:
                cells.append(None)
                continue
            cell = replace(page.value(term), badges=False)
            if v in labelled and isinstance(term, ox.NamedNode):
                label = row[index[f"{v}_label"]]
                if label is not None:
                    cell = replace(cell, text=label.value)
            cells.append(cell)
        rows.append(cells)
    if shape is not None:
        numeric = [shape.numeric.get(v, False) for v in shown]
        total = shape.total
    else:
        numeric = []
        for v in shown:
            column = [row[index[v]] for row in result.rows if row[index[v]] is not None]
            numeric.append(bool(column) and all(isinstance(t, ox.Literal) and t.datatype.value in NUMERIC_DATATYPES
                                                for t in column))
        total = len(result.rows)
    return {"columns": shown, "rows": rows, "numeric": numeric, "total": total, "more": max(0, total - limit)}


def render_queries(store=None, *, root: str = "/", base: str | None = None, folder: Path | None = None) -> str:
    """The catalogue of stored queries: each with its summary, tags and parameters."""
    from ..queries import catalogue as q

    queries = [
        {"name": s.name, "summary": s.summary, "tags": s.tags,
         "parameters": [p.name for p in s.parameters], "href": f"{root}queries/{s.name}.html"}
        for s in q.catalogue(folder).values()
    ]
    return render_template("queries.html", root=root, title="Stored queries", queries=queries)


def render_query(store, name: str, *, root: str = "/", base: str | None = None, values: Mapping[str, str] | None = None,
                 data: SiteData | None = None, folder: Path | None = None, downloads: bool = True,
                 result=None, error: str | None = None, shape: ResultShape | None = None) -> str | None:
    """One stored query: summary, description, parameters, SPARQL text and its current result.

    ``values`` are parameter values as text (as on the command line); without them the query
    runs with its defaults. Returns None for an unknown name. ``downloads`` links the result's
    ``.csv`` and ``.json`` files that a static release writes beside the page. A caller that has
    run the query already passes its ``result`` (or the ``error`` it gave), and the ``shape`` of
    the whole result if ``result`` holds only its first rows.
    """
    from ..queries import catalogue as q

    stored = q.catalogue(folder).get(name)
    if stored is None:
        return None
    data = _data(store, base, data)
    if result is None and error is None:
        result, error = query_result(store, stored, values)
    table = result_table(data, result, root, shape=shape) if result is not None and result.kind == "select" else None
    parameters = [
        {"name": p.name, "type": p.type, "optional": p.optional, "default": p.default, "description": p.description,
         "value": (values or {}).get(p.name)}
        for p in stored.parameters
    ]
    return render_template(
        "query.html",
        root=root,
        title=stored.name,
        query=stored,
        parameters=parameters,
        columns=stored.columns,
        table=table,
        error=error,
        downloads=downloads and table is not None,
        values=dict(values or {}),
    )


# -- the chart ------------------------------------------------------------------------------


def chart_data(result) -> dict:
    """The bars of the prisoner-shares chart from the ``prisoner-shares`` query's result."""
    index = {v: i for i, v in enumerate(result.variables)}

    def get(row, name):
        i = index.get(name)
        term = row[i] if i is not None else None
        return term.value if term is not None else None

    bars = []
    for row in result.rows:
        share, stated = get(row, "share"), get(row, "stated_share")
        bars.append({
            "camp": get(row, "camp_label") or get(row, "camp") or "?",
            "camp_iri": get(row, "camp"),
            "year": get(row, "year") or "",
            "group": get(row, "group_label") or get(row, "group") or "?",
            "share": float(share) if share is not None else None,
            "stated": float(stated) if stated is not None else None,
            "population": float(get(row, "population_share")) if get(row, "population_share") is not None else None,
            "kind": get(row, "share_kind") or "",
            "prisoners": get(row, "prisoners"),
            "group_count": get(row, "group_count"),
            "over": get(row, "overrepresentation"),
        })
    return {"bars": bars}


def chart_svg(store, *, root: str = "/", base: str | None = None, data: SiteData | None = None,
              result=None, standalone: bool = False) -> str:
    """The chart of prisoner shares per camp, as SVG, from the ``prisoner-shares`` stored query.

    One bar per camp, year and group: the share computed from the counts, a mark at the share the
    source states, and a dashed line at the group's share of the population. Rows with no total
    count say so instead of drawing a bar.
    """
    if result is None:
        from ..queries import catalogue as q

        result, _error = query_result(store, q.find("prisoner-shares"))
    data = _data(store, base, data)
    bars = chart_data(result)["bars"] if result is not None else []
    page = Page(data, root)
    top = max([0.05] + [b[k] for b in bars for k in ("share", "stated", "population") if b[k] is not None])
    top = min(1.0, math.ceil(top * 1.15 * 20) / 20)
    width, label_width, row_height, head = 760, 200, 34, 40
    plot = width - label_width - 200
    height = head + row_height * max(1, len(bars)) + 40
    ticks = []
    step = 0.05 if top <= 0.3 else 0.1 if top <= 0.6 else 0.2
    value = 0.0
    while value <= top + 1e-9:
        ticks.append({"x": round(label_width + plot * value / top, 1), "label": format_share(f"{value:.4f}")})
        value += step
    rows = []
    for i, bar in enumerate(bars):
        y = head + i * row_height
        href = page.href(bar["camp_iri"]) if bar["camp_iri"] else None
        rows.append({
            **bar,
            "y": y,
            "href": href,
            "w": round(plot * bar["share"] / top, 1) if bar["share"] is not None else None,
            "sx": round(label_width + plot * bar["stated"] / top, 1) if bar["stated"] is not None else None,
            "px": round(label_width + plot * bar["population"] / top, 1) if bar["population"] is not None else None,
        })
        ends = [rows[-1][k] for k in ("sx", "px") if rows[-1][k] is not None]
        if rows[-1]["w"] is not None:
            ends.append(label_width + rows[-1]["w"])
        rows[-1]["tx"] = round(max(ends, default=label_width) + 6, 1)
    return render_template("chart.svg", width=width, height=height, label_width=label_width, plot=plot,
                           head=head, row_height=row_height, rows=rows, ticks=ticks, standalone=standalone,
                           bottom=head + row_height * max(1, len(bars)))


# -- home -----------------------------------------------------------------------------------

#: The questions the home page leads with: (question, stored query).
QUESTIONS = (
    ("How many of each camp's prisoners were Lithuanians, and how far over their share of the population?",
     "prisoner-shares"),
    ("Which camps held Lithuanians, where were they, and which towns did their prisoners build?", "camps"),
    ("Which memorials commemorate whom, who funded them and when were they built?", "memorials"),
    ("How many are buried at each cemetery, and how many graves are there?", "burials"),
    ("What happened, in time order?", "timeline"),
    ("Which camp uprisings were there, and how many were killed?", "uprisings"),
    ("Where do Lithuanians live in Kazakhstan today?", "communities"),
    ("Where do the sources disagree?", "conflicts"),
)

FEATURED = ("camp/karlag", "camp/steplag", "site/spassk-memorial-cemetery", "site/steplag-lithuanian-memorial",
            "event/kengir-uprising", "group/lithuanians")


def home_context(store, data: SiteData, root: str, *, downloads=None, chart=None, stats=None) -> dict:
    from ..queries import catalogue as q

    page = Page(data, root)
    catalogue = q.catalogue()
    questions = [{"question": text, "name": name, "href": f"{root}queries/{name}.html"}
                 for text, name in QUESTIONS if name in catalogue]
    featured = []
    for path in FEATURED:
        node = ox.NamedNode(f"{data.id_space}{path}")
        if node in data.typed:
            featured.append(page.value(node))
    counts = []
    for local, caption in (("Camp", "camps"), ("Place", "places"), ("HeritageSite", "memorials, cemeteries and museums"),
                           ("Event", "events"), ("Group", "people groups and communities"),
                           ("Claim", "sourced claims (figures)"), ("SourceDocument", "sources")):
        cls = data.hgn(local)
        n = data.class_counts.get(cls, 0)
        if n:
            counts.append({"count": n, "caption": caption, "href": root + class_path(cls.value, base=data.base)})
    if stats is None:
        stats = {"triples": store.triple_count() if hasattr(store, "triple_count") else len(data.ox),
                 "resources": len(data.data_typed)}
    return {
        "root": root,
        "title": "Heritage graph",
        "questions": questions,
        "featured": featured,
        "counts": counts,
        "stats": stats,
        "chart_svg": _markup(chart) if chart else None,
        "downloads": downloads or [],
        "sparql": data.base + "sparql",
        "base": data.base,
    }


def render_home(store, *, root: str = "/", base: str | None = None, data: SiteData | None = None,
                downloads: list[dict] | None = None, stats: dict | None = None, chart: str | None = None) -> str:
    """The home page: what the graph is, the main questions, counts, the chart, downloads, querying.

    ``downloads`` lists the dump files (``name``, ``href``, ``format``, ``bytes``) where known.
    """
    data = _data(store, base, data)
    if chart is None:
        chart = chart_svg(store, root=root, data=data)
    return render_template("home.html", **home_context(store, data, root, downloads=downloads, chart=chart,
                                                       stats=stats))


# -- the ontology reference -----------------------------------------------------------------


def ontology_terms(data: SiteData) -> dict:
    """Every term of the ontology: classes, properties and named individuals, with their
    label, definition, domain, range, super-terms and alignments (from ``ontology/alignments.ttl``)."""
    hg = data.hg
    classes, properties, individuals = [], [], []
    kinds = {
        OWL + "Class": classes, RDFS + "Class": classes,
        OWL + "ObjectProperty": properties, OWL + "DatatypeProperty": properties,
        OWL + "AnnotationProperty": properties, RDF + "Property": properties,
    }
    seen = set()
    page = Page(data, "")
    for node, types in sorted(data.typed.items(), key=lambda item: item[0].value):
        if not isinstance(node, ox.NamedNode) or not node.value.startswith(hg) or node in seen:
            continue
        seen.add(node)
        target = None
        for t in types:
            if t.value in kinds:
                target = kinds[t.value]
                break
        if target is None:
            target = individuals
        out = data.out(node)

        def values(iri, out=out):
            return [o for p, o in out if p.value == iri]

        def literal(iri, values=values):
            found = [o for o in values(iri) if isinstance(o, ox.Literal)]
            for o in found:
                if o.language == data.lang:
                    return o.value
            return found[0].value if found else ""

        target.append({
            "id": node.value[len(hg):],
            "iri": node.value,
            "label": literal(RDFS + "label") or literal(SKOS + "prefLabel"),
            "labels": [(o.language, o.value) for o in values(RDFS + "label") if isinstance(o, ox.Literal)],
            "definition": literal(SKOS + "definition") or literal(RDFS + "comment"),
            "types": [data.short(t.value) for t in types],
            "domain": [data.short(o.value) for o in values(RDFS + "domain") if isinstance(o, ox.NamedNode)],
            "range": [data.short(o.value) for o in values(RDFS + "range") if isinstance(o, ox.NamedNode)],
            "super": [_ref(data, o) for o in values(RDFS + "subClassOf") + values(RDFS + "subPropertyOf")
                      if isinstance(o, ox.NamedNode)],
            "close": [_ref(data, o) for o in values(SKOS + "closeMatch") + values(SKOS + "exactMatch")
                      + values(OWL + "equivalentClass") + values(OWL + "equivalentProperty")
                      if isinstance(o, ox.NamedNode)],
            "instances": data.class_counts.get(node, 0),
            "class_href": class_path(node.value, base=data.base) if node in data.class_counts else None,
            "of": [page.value(t).text for t in types] if target is individuals else [],
        })
    return {"classes": classes, "properties": properties, "individuals": individuals}


_ALIGN_PREFIXES = {
    "crm": "http://www.cidoc-crm.org/cidoc-crm/",
    "schema": "https://schema.org/",
    "wd": "http://www.wikidata.org/entity/",
    "wdt": "http://www.wikidata.org/prop/direct/",
    "prov": "http://www.w3.org/ns/prov#",
}


def _ref(data: SiteData, node: ox.NamedNode) -> dict:
    iri = node.value
    if iri.startswith(data.hg):
        return {"text": "hg:" + iri[len(data.hg):], "href": "#" + iri[len(data.hg):], "external": False}
    for prefix, namespace in {**_ALIGN_PREFIXES, **_LINK_PREFIXES}.items():
        if iri.startswith(namespace):
            return {"text": f"{prefix}:{iri[len(namespace):]}", "href": iri, "external": True}
    # only web IRIs become links: a javascript: or data: IRI in the data is shown as text
    return {"text": iri, "href": iri if iri.startswith(("http://", "https://")) else None, "external": True}


def render_ontology_reference(store, *, root: str = "/", base: str | None = None, data: SiteData | None = None,
                              notice: str | None = None) -> str:
    """The ontology as one page of its own: every class, property and individual with label,
    definition, domain and range, and the alignments to CIDOC-CRM, schema.org and Wikidata."""
    data = _data(store, base, data)
    terms = ontology_terms(data)
    ontology = ox.NamedNode(data.base + "ontology")
    title = next((o.value for o in data.objects(ontology, _n(DCTERMS + "title"))
                  if isinstance(o, ox.Literal) and o.language == data.lang), "Heritage graph ontology")
    description = next((o.value for o in data.objects(ontology, _n(DCTERMS + "description"))
                        if isinstance(o, ox.Literal)), "")
    version = next((o.value for o in data.objects(ontology, _n(OWL + "versionInfo"))), "")
    return render_template("ontology.html", root=root, title=title, description=description, version=version,
                           notice=notice, namespace=data.hg, **terms)
