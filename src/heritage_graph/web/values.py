"""What a page shows of the graph's terms: values (text, link, language, datatype) and claims.

A :class:`Page` turns the terms of :class:`~heritage_graph.web.data.SiteData` into the
:class:`Value` and :class:`Claim` objects the templates show, with links relative to the page's
``root``: ``"/"`` on a live server, ``"../../"`` on a static page two folders deep.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from ..rdf.vocab import RDF, XSD
from .data import CACHE_LIMIT, SiteData
from .formats import describe_time, format_number, format_share
from .paths import GEONAMES, WIKIDATA, class_path, doc_path
from .templating import macro

UNIT_SYMBOLS = {"KiloM": "km", "DEG_C": "°C", "M": "m", "PERCENT": "%"}
SHARE_KINDS = ("ShareOfPrisoners", "ShareOfPopulation")


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

    def __html__(self) -> str:
        """The value as HTML (``{{ v }}`` in a template), by the ``value`` macro of ``macros.html``.

        Remembered on the value: the values of IRIs are shared by every page that shows them."""
        found = self.__dict__.get("_html")
        if found is None:
            found = self.__dict__["_html"] = str(macro("value")(self))
        return found


@dataclass
class Claim:
    """One claim as its page, the table of claims about a resource and the list of claims show it."""

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
        self._values, self._class_links = data.page_caches.setdefault(root, ({}, {}))

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
                found = self.new_value(term)
                if len(self._values) < CACHE_LIMIT:  # the IRIs that many pages show come first
                    self._values[term] = found
            return found
        return self.new_value(term)

    def new_value(self, term) -> Value:
        """How ``term`` is shown, made anew (not shared with other pages)."""
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

    def claims_of_group(self, node, limit: int) -> tuple[list[Claim], int]:
        """The claims counting the people group ``node`` (``hg:peopleGroup``), with what each is
        about, the first ``limit`` in the order of :meth:`claims_about`; and how many there are."""
        data = self.data
        claim_class = data.hgn("Claim")
        group = data.hgn("peopleGroup")
        nodes = [s for s, p in data.incoming(node) if p == group and claim_class in data.types(s)]
        claims = sorted((self.claim(n, with_about=True) for n in nodes),
                        key=lambda c: (c.about.text if c.about else "", c.what.text if c.what else "", c.when,
                                       c.label, c.iri))
        return claims[:limit], len(claims)
