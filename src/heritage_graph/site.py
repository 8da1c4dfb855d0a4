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

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import pyoxigraph as ox

from .vocab import OWL, RDF, RDFS, SKOS, XSD, configured_base

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

    # -- terms of the ontology, under the configured base -------------------------------------

    def hgn(self, local: str) -> ox.NamedNode:
        return _n(self.hg + local)

    # -- raw reads --------------------------------------------------------------------------

    def out(self, node) -> list[tuple[ox.NamedNode, object]]:
        """The (predicate, object) pairs of ``node`` over every graph, each once, sorted."""
        found = self._out.get(node)
        if found is None:
            seen = dict.fromkeys((q.predicate, q.object) for q in self.ox.quads_for_pattern(node, None, None, None))
            found = sorted(seen, key=lambda po: (po[0].value, _sort_key(po[1])))
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
        return list(dict.fromkeys((q.subject, q.predicate) for q in self.ox.quads_for_pattern(None, None, node, None)))

    def subjects(self, predicate: ox.NamedNode, obj) -> list:
        return list(dict.fromkeys(q.subject for q in self.ox.quads_for_pattern(None, predicate, obj, None)))

    def exists(self, node) -> bool:
        return next(iter(self.ox.quads_for_pattern(node, None, None, None)), None) is not None

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
        pages = set(self.data_typed)
        result = []
        for node, classes in self.typed.items():
            if node in pages and any(class_node in self.superclasses.get(c, {c}) for c in classes):
                result.append(node)
        return result

    @cached_property
    def class_counts(self) -> dict[ox.NamedNode, int]:
        """How many resources with a page each class has (subclasses included)."""
        counts: dict = {}
        pages = set(self.data_typed)
        for node, classes in self.typed.items():
            if node not in pages:
                continue
            every = set()
            for c in classes:
                every |= self.superclasses.get(c, {c})
            for c in every:
                counts[c] = counts.get(c, 0) + 1
        return counts

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


def _sort_key(term) -> tuple:
    if isinstance(term, ox.Literal):
        return (1, term.language or "", term.value)
    return (0, "", getattr(term, "value", str(term)))


@lru_cache(maxsize=1)
def ontology_graphs() -> frozenset[str]:
    """The named graphs the bundled ontology files are loaded into."""
    from . import resources
    from .load import graph_iri

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

    def href(self, iri: str, suffix: str = ".html") -> str | None:
        path = doc_path(iri, base=self.data.base, suffix=suffix)
        return self.root + path if path else None

    def term_href(self, iri: str) -> str | None:
        """Where a link to ``iri`` goes: its page, an ontology term's entry, or nowhere."""
        path = doc_path(iri, base=self.data.base)
        if path:
            return self.root + path
        if iri.startswith(self.data.hg):
            return f"{self.root}ontology/reference.html#{iri[len(self.data.hg):]}"
        return None

    def value(self, term) -> Value:
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
        from .errors import ConfigError

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
        shown = sorted(subjects, key=lambda s: (data.label(s).lower(), getattr(s, "value", "")))
        references.append({"property": page.value(p), "count": len(subjects),
                           "subjects": [page.value(s) for s in shown[:INCOMING_LIMIT]],
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
        "map": map_svg(data, page, node) if not is_claim else None,
        "alternates": [],
    }
    if isinstance(node, ox.NamedNode) and doc_path(node.value, base=data.base):
        context["alternates"] = [
            {"href": page.href(node.value, suffix), "type": media, "name": name}
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
    node = ox.NamedNode(iri)
    context = resource_context(data, node, root)
    if context is None:
        return None
    if not alternates:
        context["alternates"] = []
    if context["map"] is not None:
        context["map_svg"] = _markup(render_template("map.svg", map=context["map"], title=context["title"]))
    else:
        context["map_svg"] = None
    template = "claim.html" if context["claim"] is not None else "resource.html"
    return render_template(template, **context)


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
    rows = []
    is_claim_class = node == data.hgn("Claim")
    for member in members:
        row = {"link": page.value(member), "types": [page.class_link(t) for t in data.types(member) if t != node]}
        if is_claim_class:
            row["claim"] = page.claim(member, with_about=True)
        rows.append(row)
    rows.sort(key=lambda r: (r["link"].text.lower(), r["link"].href or ""))
    subclasses = sorted(
        (c for c, parents in data.superclasses.items() if node in parents and c != node and c in data.class_counts),
        key=lambda c: data.label(c).lower(),
    )
    return render_template(
        "class.html",
        root=root,
        title=data.label(node),
        iri=class_iri,
        short=data.short(class_iri),
        definition=definition,
        ontology_href=page.term_href(class_iri),
        rows=rows,
        is_claim_class=is_claim_class,
        subclasses=[{"link": page.class_link(c), "count": data.class_counts.get(c, 0)} for c in subclasses],
    )


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
    from . import query as q
    from .errors import HeritageGraphError

    if not federated and is_federated(stored):
        return None, ("This query asks another SPARQL endpoint (SERVICE), so a static release does not run it; "
                      "run it with 'heritage-graph query " + stored.name + "'.")
    try:
        return q.run(stored, store, values or {}), None
    except HeritageGraphError as exc:
        return None, f"The query could not be run: {exc}"


def result_table(data: SiteData, result, root: str, limit: int = RESULT_LIMIT) -> dict:
    """A query result as table rows of :class:`Value`; a column ``x`` with an ``x_label`` beside it
    shows the label as the link text, and the ``x_label`` column is left out."""
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
            cell = page.value(term)
            cell.badges = False
            if v in labelled and isinstance(term, ox.NamedNode):
                label = row[index[f"{v}_label"]]
                if label is not None:
                    cell.text = label.value
            cells.append(cell)
        rows.append(cells)
    numeric = []
    for v in shown:
        column = [row[index[v]] for row in result.rows if row[index[v]] is not None]
        numeric.append(bool(column) and all(isinstance(t, ox.Literal) and t.datatype.value in
                                            (XSD + "integer", XSD + "decimal", XSD + "double") for t in column))
    return {"columns": shown, "rows": rows, "numeric": numeric, "total": len(result.rows),
            "more": max(0, len(result.rows) - limit)}


def render_queries(store=None, *, root: str = "/", base: str | None = None, folder: Path | None = None) -> str:
    """The catalogue of stored queries: each with its summary, tags and parameters."""
    from . import query as q

    queries = [
        {"name": s.name, "summary": s.summary, "tags": s.tags,
         "parameters": [p.name for p in s.parameters], "href": f"{root}queries/{s.name}.html"}
        for s in q.catalogue(folder).values()
    ]
    return render_template("queries.html", root=root, title="Stored queries", queries=queries)


def render_query(store, name: str, *, root: str = "/", base: str | None = None, values: Mapping[str, str] | None = None,
                 data: SiteData | None = None, folder: Path | None = None, downloads: bool = True,
                 result=None, error: str | None = None) -> str | None:
    """One stored query: summary, description, parameters, SPARQL text and its current result.

    ``values`` are parameter values as text (as on the command line); without them the query
    runs with its defaults. Returns None for an unknown name. ``downloads`` links the result's
    ``.csv`` and ``.json`` files that a static release writes beside the page. A caller that has
    run the query already passes its ``result`` (or the ``error`` it gave).
    """
    from . import query as q

    stored = q.catalogue(folder).get(name)
    if stored is None:
        return None
    data = _data(store, base, data)
    if result is None and error is None:
        result, error = query_result(store, stored, values)
    table = result_table(data, result, root) if result is not None and result.kind == "select" else None
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
        from . import query as q

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
    from . import query as q

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
