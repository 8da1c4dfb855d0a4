"""The pages of the site: a page per resource (a claim has its own), per class, the home page and the
ontology reference, each rendered by its template of ``templates/``.

The same functions render the static release (:mod:`heritage_graph.publish`) and the pages a live
server answers with. Every function takes ``root``, the URL prefix of the site's root: ``"/"`` for
a live server, a relative ``"../../"`` for a static page two folders deep, so that a release works
from any folder of any static host. A caller that renders many pages passes one
:class:`~heritage_graph.web.data.SiteData` as ``data`` to share its caches.
"""

from __future__ import annotations

import heapq
import operator
from typing import NamedTuple

import pyoxigraph as ox
from markupsafe import Markup

from ..queries import catalogue as q
from ..rdf.vocab import DCTERMS, OWL, RDF, RDFS, SKOS
from .charts import chart_svg
from .data import ALT_LABEL, COMMENT, DEFINITION, LABEL, SAME_AS, SiteData, site_data
from .facets import class_facets
from .maps import drawn_map
from .paths import LINK_PREFIXES, class_path
from .templating import render, template
from .values import Page, Value

#: How many incoming links of one property a page lists before it says "and N more".
INCOMING_LIMIT = 200
#: The most claims counting a people group that its page shows (the first, by what they are about).
GROUP_CLAIMS_LIMIT = 500

#: Properties a resource page shows in sections of their own rather than in its table.
OWN_SECTIONS = {RDF + "type", RDFS + "label", SKOS + "altLabel", RDFS + "comment", OWL + "sameAs"}

_FIRST = operator.itemgetter(0)


# -- resources ------------------------------------------------------------------------------


class Reference(NamedTuple):
    """The resources that refer to a resource by one property (the first :data:`INCOMING_LIMIT`)."""

    property: Value
    count: int
    subjects: list[Value]
    more: int


class Alternate(NamedTuple):
    """A link to a resource's description in an RDF format."""

    href: str
    type: str
    name: str


#: The descriptions of a resource as data beside its page: (suffix, media type, name).
ALTERNATES = (
    (".ttl", "text/turtle", "Turtle"),
    (".jsonld", "application/ld+json", "JSON-LD"),
    (".nt", "application/n-triples", "N-Triples"),
    (".rdf", "application/rdf+xml", "RDF/XML"),
)


def resource_context(data: SiteData, node, root: str) -> dict | None:
    """Everything ``resource.html`` shows about ``node``; None if the graph says nothing of it.

    ``properties`` are (property, values) pairs, ``references`` :class:`Reference` rows, ``map``
    the figure of its map (:func:`~heritage_graph.web.maps.drawn_map`).
    """
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
        if p.value in OWN_SECTIONS:
            continue
        if p not in grouped:
            grouped[p] = []
            order.append(p)
        grouped[p].append(page.value(o))
    properties = [(page.value(p), grouped[p]) for p in order]
    properties.sort(key=lambda row: row[0].text.lower())
    about, group_of = data.hgn("about"), data.hgn("peopleGroup")
    claim_nodes = set()
    claims, group_claims, group_count = [], [], 0
    if not is_claim:
        claims = page.claims_about(node)
        claim_nodes = {ox.NamedNode(c.iri) for c in claims}
        if data.is_a(node, "PeopleGroup"):
            group_claims, group_count = page.claims_of_group(node, GROUP_CLAIMS_LIMIT)
            claim_nodes |= {ox.NamedNode(c.iri) for c in group_claims}
    referenced: dict = {}
    for s, p in incoming:
        if p in (about, group_of) and s in claim_nodes:
            continue
        referenced.setdefault(p, []).append(s)
    references = []
    for p, subjects in referenced.items():
        shown = heapq.nsmallest(INCOMING_LIMIT, subjects, key=lambda s: (data.label(s).lower(), getattr(s, "value", "")))
        references.append(Reference(page.value(p), len(subjects), [page.value(s) for s in shown],
                                    max(0, len(subjects) - INCOMING_LIMIT)))
    references.sort(key=lambda r: r.property.text.lower())
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
        "group_claims": group_claims,
        "group_claims_count": group_count,
        "claim": page.claim(node, with_about=True) if is_claim else None,
        "references": references,
        "map": drawn_map(data, page, node, title) if not is_claim else None,
        "alternates": [],
        "canonical": None,
    }
    path = data.doc_path(node.value) if isinstance(node, ox.NamedNode) else None
    if path:
        context["canonical"] = data.base + path  # the page where the deployment publishes it
        stem = root + path[: -len(".html")]
        context["alternates"] = [Alternate(stem + suffix, media, name) for suffix, media, name in ALTERNATES]
    return context


def render_resource(store, iri: str, *, root: str = "/", base: str | None = None, data: SiteData | None = None,
                    alternates: bool = True) -> str | None:
    """The HTML page of one resource (a claim gets its own smaller page), or None if unknown.

    Shows its labels in every language, alternative labels, types, comment, every property with
    linked values, the claims about it (value, qualifier, time, stated-as, source, quote), the
    resources that refer to it, its Wikidata and GeoNames links, and a map where it has
    coordinates. ``alternates=False`` leaves out the links to the ``.ttl``/``.jsonld`` documents.
    """
    data = site_data(store, base, data)
    return resource_html(data, ox.NamedNode(iri), root, alternates=alternates)


def resource_html(data: SiteData, node, root: str, *, alternates: bool = True) -> str | None:
    """:func:`render_resource` for a node of ``data`` (the static build calls it for every resource)."""
    context = resource_context(data, node, root)
    if context is None:
        return None
    if not alternates:
        context["alternates"] = []
    return template("resource.html").render(context)


def render_class(store, class_iri: str, *, root: str = "/", base: str | None = None,
                 data: SiteData | None = None) -> str | None:
    """The browse page of a class: its definition and every instance (subclasses included), or None."""
    data = site_data(store, base, data)
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
    listed = data.listed.setdefault(root, {})
    facets = [] if is_claim_class else class_facets(data, class_iri)
    rows = []
    for member in members:
        found = listed.get(member)
        if found is None:
            link = page.new_value(member)
            found = listed[member] = ((link.text.lower(), link.href or ""), link, data.types(member))
        key, link, types = found
        if is_claim_class:
            rows.append((key, link, page.claim(member, with_about=True)))
        else:  # with the keys of its values in each facet, for assets/facets.js
            rows.append((key, link, [page.class_link(t) for t in types if t != node],
                         [(f.facet.name, f.of[member]) for f in facets if member in f.of]))
    rows.sort(key=_FIRST)
    subclasses = sorted(
        (c for c, parents in data.superclasses.items() if node in parents and c != node and c in data.class_counts),
        key=lambda c: data.label(c).lower(),
    )
    return template("class.html").render(
        root=root, title=data.label(node), short=data.short(class_iri), ontology_href=page.term_href(class_iri),
        definition=definition, is_claim_class=is_claim_class, facets=facets,
        subclasses=[{"link": page.class_link(c), "count": data.class_counts.get(c, 0)} for c in subclasses],
        rows=[row[1:] for row in rows])


def render_classes(store, *, root: str = "/", base: str | None = None, data: SiteData | None = None) -> str:
    """The index of the browse pages: every class with resources, and how many."""
    data = site_data(store, base, data)
    page = Page(data, root)
    rows = [{"link": page.class_link(cls), "count": count}
            for cls, count in data.class_counts.items()]
    rows.sort(key=lambda r: r["link"].text.lower())
    return render("classes.html", root=root, title="Browse by class", rows=rows)


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
    """Everything the home page shows."""
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
        "title": "Lithuanian communities and heritage worldwide",
        "questions": questions,
        "featured": featured,
        "counts": counts,
        "stats": stats,
        "chart_svg": Markup(chart) if chart else None,
        "downloads": downloads or [],
        "sparql": data.base + "sparql",
        "base": data.base,
    }


def render_home(store, *, root: str = "/", base: str | None = None, data: SiteData | None = None,
                downloads: list[dict] | None = None, stats: dict | None = None, chart: str | None = None) -> str:
    """The home page: what the graph is, the main questions, counts, the chart, downloads, querying.

    ``downloads`` lists the dump files (``name``, ``href``, ``format``, ``bytes``) where known.
    """
    data = site_data(store, base, data)
    if chart is None:
        chart = chart_svg(store, root=root, data=data)
    return render("home.html", **home_context(store, data, root, downloads=downloads, chart=chart,
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
    for prefix, namespace in {**_ALIGN_PREFIXES, **LINK_PREFIXES}.items():
        if iri.startswith(namespace):
            return {"text": f"{prefix}:{iri[len(namespace):]}", "href": iri, "external": True}
    # only web IRIs become links: a javascript: or data: IRI in the data is shown as text
    return {"text": iri, "href": iri if iri.startswith(("http://", "https://")) else None, "external": True}


def render_ontology_reference(store, *, root: str = "/", base: str | None = None, data: SiteData | None = None,
                              notice: str | None = None) -> str:
    """The ontology as one page of its own: every class, property and individual with label,
    definition, domain and range, and the alignments to CIDOC-CRM, schema.org and Wikidata."""
    data = site_data(store, base, data)
    terms = ontology_terms(data)
    ontology = ox.NamedNode(data.base + "ontology")
    title = next((o.value for o in data.objects(ontology, ox.NamedNode(DCTERMS + "title"))
                  if isinstance(o, ox.Literal) and o.language == data.lang), "Heritage graph ontology")
    description = next((o.value for o in data.objects(ontology, ox.NamedNode(DCTERMS + "description"))
                        if isinstance(o, ox.Literal)), "")
    version = next((o.value for o in data.objects(ontology, ox.NamedNode(OWL + "versionInfo"))), "")
    return render("ontology.html", root=root, title=title, description=description, version=version,
                           notice=notice, namespace=data.hg, **terms)
