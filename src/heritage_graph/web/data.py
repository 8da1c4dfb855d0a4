"""What the pages read from the store: :class:`SiteData`, cached reads of one Oxigraph store.

Direct quad-pattern lookups, cached, so that a page costs a few index lookups and a whole site is
linear in the graph; :meth:`SiteData.preload` reads the whole store at once for a static build.
Labels are chosen as :mod:`heritage_graph.rdf.labels` chooses them, classes closed over
``rdfs:subClassOf`` by its :class:`~heritage_graph.rdf.labels.ClassTree`.
"""

from __future__ import annotations

import gc
import math
from functools import cached_property, lru_cache

import pyoxigraph as ox

from ..rdf.labels import LABEL, PREF_LABEL, ClassTree, pick
from ..rdf.load import graph_iri
from ..rdf.vocab import GEO, OWL, RDF, RDFS, SKOS
from ..util import resources
from .paths import LINK_PREFIXES, doc_path, site_base, split_iri

#: How many IRIs' paths, short names and shown values a :class:`SiteData` remembers.
CACHE_LIMIT = 50_000


TYPE = ox.NamedNode(RDF + "type")
COMMENT = ox.NamedNode(RDFS + "comment")
ALT_LABEL = ox.NamedNode(SKOS + "altLabel")
DEFINITION = ox.NamedNode(SKOS + "definition")
SAME_AS = ox.NamedNode(OWL + "sameAs")
LAT = ox.NamedNode(GEO + "lat")
LONG = ox.NamedNode(GEO + "long")

class SiteData:
    """Cached reads of one store for rendering: quads by pattern, labels, classes, coordinates.

    ``store`` is an :class:`~heritage_graph.rdf.store.OxigraphStore` (anything with ``.ox``, a
    ``pyoxigraph.Store``). Build one per request on a live server, or one for a whole static build.
    """

    def __init__(self, store, *, base: str | None = None, lang: str = "en"):
        self.store = store
        self.ox: ox.Store = store.ox if hasattr(store, "ox") else store
        self.base = site_base(base)
        self.lang = lang
        self.hg = self.base + "ontology#"
        self.id_space = self.base + "id/"
        self._labels: dict = {}
        self._out: dict = {}
        self._raw: dict | None = None  # after preload(): subject -> its (p, o) pairs as read
        self._in: dict | None = None  # after preload(): node -> the (s, p) pairs pointing at it
        self._paths: dict[str, str | None] = {}
        self._shorts: dict[str, str] = {}
        self.maps: dict = {}  # the drawings of maps, shared by the resources at the same places (see maps.py)
        self._instances: dict | None = None
        self._hg_terms: dict[str, ox.NamedNode] = {}
        self.page_caches: dict[str, tuple[dict, dict]] = {}  # root -> the values of IRIs, the class links
        self.listed: dict[str, dict] = {}  # root -> resource -> its row on the class pages (see render_class)
        #: What other modules work out once per SiteData: the life events (search.life_events), the
        #: facets of the browse pages (facets.class_facets).
        self.memo: dict = {}

    # -- terms of the ontology, under the configured base -------------------------------------

    def hgn(self, local: str) -> ox.NamedNode:
        found = self._hg_terms.get(local)
        if found is None:
            found = self._hg_terms[local] = ox.NamedNode(self.hg + local)
        return found

    # -- the whole store at once (a static build) ----------------------------------------------

    def preload(self) -> SiteData:
        """Read the whole store in one pass: every subject's statements and every node's incoming
        links, grouped in memory, so that every later read is a dictionary lookup.

        For a static build, which reads every resource: one pass over the store instead of a few
        index lookups per page. Each distinct term is kept once. Returns ``self``.
        """
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
        # out() is sorted by predicate (rdfs:label before skos:prefLabel), language and text
        found = pick([o for p, o in self.out(node) if p in (LABEL, PREF_LABEL)], (self.lang, ""))
        if found is not None:
            return found
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
        for prefix, namespace in LINK_PREFIXES.items():
            if iri.startswith(namespace) and len(iri) > len(namespace):
                return f"{prefix}:{iri[len(namespace):]}"
        return iri

    # -- classes ----------------------------------------------------------------------------

    @cached_property
    def superclasses(self) -> dict[ox.NamedNode, frozenset[ox.NamedNode]]:
        """Each class's superclasses (transitively, itself included), from rdfs:subClassOf."""
        return ClassTree(self.ox).every_superclass()

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


def _pair_key(pair) -> tuple:
    """The order of a subject's statements: by predicate, then object (IRIs before literals)."""
    o = pair[1]
    if type(o) is ox.Literal:
        return (pair[0].value, 1, o.language or "", o.value)
    return (pair[0].value, 0, "", getattr(o, "value", str(o)))


@lru_cache(maxsize=1)
def ontology_graphs() -> frozenset[str]:
    """The named graphs the bundled ontology files are loaded into."""
    return frozenset(graph_iri(p) for p in resources.ontology_files())


def site_data(store, base: str | None = None, data: SiteData | None = None) -> SiteData:
    """``data`` if given (a caller that renders many pages passes its own), else a new :class:`SiteData` of ``store``."""
    return data if data is not None else SiteData(store, base=base)
