"""The facets of the browse pages: what a class's resources can be filtered by, with counts.

A class's facets are a data file of ``facets/`` (TOML), as a portal's facets are its
configuration (Sampo-UI's facet configuration, for one)::

    class = "hg:Camp"                  # the class whose browse page gets the facets

    [[facet]]
    name = "type"                      # its parameter in the page's address (?type=…)
    label = "Type"
    path = "hg:campType"               # a SPARQL property path from a resource to its values

    [[facet]]
    name = "years"
    label = "Years with figures in the sources"
    path = "(^hg:about|^hg:countedAt)/hg:year"
    kind = "years"                     # numbers: a range (?years-from=…&years-to=…)

A facet of kind ``values`` (the default) lists the values the resources have, each with how many
resources have it; a resource is kept when it has one of the values chosen, in every facet with a
choice. A facet of kind ``years`` keeps a resource when the span of its years (the first to the
last) meets the range chosen. The names ``hg:``, ``rdf:``, ``rdfs:``, ``skos:``, ``owl:``,
``dcterms:`` and ``schema:`` may be used in a class or a path; ``hg:`` is the ontology of the
deployment's base.

:func:`class_facets` reads the values from the graph (a SELECT per facet); the browse page
(``class.html``) shows them in a form, each row of its listing carrying its values, and
``assets/facets.js`` filters the rows and counts the values as the form is used (what the address
keeps). Without scripts the listing is whole and the counts are those of the whole.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from ..errors import ConfigError, QueryError
from ..queries.sparql import inspect
from ..rdf.vocab import DCTERMS, OWL, RDF, RDFS, SKOS, XSD
from ..util import resources
from .data import SiteData

#: The kinds of facet.
KINDS = ("values", "years")
#: The prefixes a facet file may use besides ``hg:`` (the deployment's ontology).
PREFIXES = {"rdf": RDF, "rdfs": RDFS, "skos": SKOS, "owl": OWL, "dcterms": DCTERMS, "schema": "http://schema.org/",
            "xsd": XSD}
_NAME = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
_PREFIXED = re.compile(r"(hg|rdf|rdfs|skos|owl|dcterms|schema|xsd):([A-Za-z_][A-Za-z0-9_-]*)")


@dataclass(frozen=True)
class Facet:
    """One facet: its parameter, label, property path (with prefixed names) and kind."""

    name: str
    label: str
    path: str
    kind: str = "values"


@dataclass(frozen=True)
class FacetSet:
    """The facets of one class, from one file: the class as a prefixed name or an IRI."""

    cls: str
    facets: tuple[Facet, ...]
    file: Path


@dataclass
class Value:
    """A value of a facet as the form shows it: its key in the address, its label, its count."""

    key: str
    label: str
    count: int


@dataclass
class Shown:
    """A facet as a browse page shows it: the facet, its values (``values``) or its first and
    last year (``years``), and for each resource listed the keys of its values (or its span)."""

    facet: Facet
    values: list[Value]
    years: tuple[int, int] | None
    of: dict


def read_file(path: Path) -> FacetSet:
    """The facets of one file.

    :raises ConfigError: the file cannot be read, or a facet is not as the module says, named.
    """
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not TOML: {exc}") from exc
    cls = table.get("class")
    if not isinstance(cls, str) or not (_PREFIXED.fullmatch(cls) or cls.startswith(("http://", "https://"))):
        raise ConfigError(f"{path}: 'class' must be a prefixed name such as hg:Camp, or an IRI")
    facets = []
    for number, entry in enumerate(table.get("facet") or [], start=1):
        where = f"{path}: facet {number}"
        if not isinstance(entry, dict):
            raise ConfigError(f"{where}: write it as a [[facet]] table")
        unknown = set(entry) - {"name", "label", "path", "kind"}
        if unknown:
            raise ConfigError(f"{where}: unknown key {sorted(unknown)[0]!r} (name, label, path and kind are read)")
        name, label, path_text = entry.get("name"), entry.get("label"), entry.get("path")
        kind = entry.get("kind", "values")
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise ConfigError(f"{where}: 'name' must be lower-case letters, digits and hyphens, such as camp-type")
        if name in {f.name for f in facets}:
            raise ConfigError(f"{where}: the name {name!r} is used twice")
        if not isinstance(label, str) or not label.strip():
            raise ConfigError(f"{where} ({name}): 'label' is missing")
        if kind not in KINDS:
            raise ConfigError(f"{where} ({name}): 'kind' must be one of {', '.join(KINDS)}, not {kind!r}")
        if not isinstance(path_text, str) or not path_text.strip():
            raise ConfigError(f"{where} ({name}): 'path' is missing")
        facet = Facet(name, label.strip(), path_text.strip(), kind)
        _check_path(facet, where)
        facets.append(facet)
    if not facets:
        raise ConfigError(f"{path}: no [[facet]]")
    return FacetSet(cls, tuple(facets), path)


def _check_path(facet: Facet, where: str) -> None:
    """Refuse a path that is no property path: the query it makes must read and nothing else."""
    text = _query("https://w3id.org/heritage-graph/ontology#", "https://w3id.org/heritage-graph/ontology#Thing",
                  replace(facet, kind="values"))  # the path alone, whatever the kind
    try:
        found = inspect(text)
    except QueryError as exc:
        raise ConfigError(f"{where} ({facet.name}): the path {facet.path!r} is not a SPARQL property path: {exc}") from exc
    if (found.form != "SELECT" or found.endpoints or found.modifiers or found.projected != ("item", "value")
            or set(found.variables) != {"item", "value"}):
        raise ConfigError(f"{where} ({facet.name}): the path {facet.path!r} is not a SPARQL property path")


def _query(hg: str, cls: str, facet: Facet) -> str:
    """The SELECT of a facet's values: (item, value) rows; for years, (item, first, last)."""
    prefixes = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in {"hg": hg, **PREFIXES}.items())
    where = f"WHERE {{\n  ?item a/rdfs:subClassOf* <{cls}> .\n  ?item {facet.path} ?value .\n"
    if facet.kind == "years":
        return (f"{prefixes}SELECT ?item (MIN(?year) AS ?first) (MAX(?year) AS ?last) {where}"
                f"  FILTER(isNumeric(?value)) BIND(xsd:integer(FLOOR(?value)) AS ?year)\n}} GROUP BY ?item\n")
    return f"{prefixes}SELECT ?item ?value {where}}}\n"


@lru_cache(maxsize=4)
def facet_sets(folder: Path | None = None) -> tuple[FacetSet, ...]:
    """The facets of every file of ``folder`` (default: the bundled ``facets/``), by file name.

    :raises ConfigError: a file is wrong, or two name one class.
    """
    folder = folder or resources.folder("facets")
    if not folder.is_dir():
        raise ConfigError(f"the facets' folder {folder} is missing")
    sets = [read_file(path) for path in sorted(folder.glob("*.toml"))]
    seen: dict[str, Path] = {}
    for found in sets:
        if found.cls in seen:
            raise ConfigError(f"{found.file}: the class {found.cls} has its facets in {seen[found.cls]} already")
        seen[found.cls] = found.file
    return tuple(sets)


def _expand(data: SiteData, name: str) -> str:
    found = _PREFIXED.fullmatch(name)
    if not found:
        return name
    prefix, local = found.groups()
    return (data.hg if prefix == "hg" else PREFIXES[prefix]) + local


def class_facets(data: SiteData, class_iri: str, folder: Path | None = None) -> list[Shown]:
    """The facets of the browse page of ``class_iri`` with their values and counts (none if the
    class has no facets), worked out once per :class:`SiteData`."""
    cache = data.memo.setdefault("facets", {})
    key = (class_iri, folder)
    if key not in cache:
        sets = [s for s in facet_sets(folder) if _expand(data, s.cls) == class_iri]
        listed = set(data.instances(ox.NamedNode(class_iri))) if sets else set()
        cache[key] = [_shown(data, class_iri, facet, listed) for s in sets for facet in s.facets]
    return cache[key]


def _shown(data: SiteData, class_iri: str, facet: Facet, listed: set) -> Shown:
    """A facet's values among the resources ``listed`` (those with a page)."""
    solutions = data.ox.query(_query(data.hg, class_iri, facet), use_default_graph_as_union=True)
    if facet.kind == "years":
        spans = {s[0]: (int(s[1].value), int(s[2].value)) for s in solutions
                 if s[0] in listed and s[1] is not None and s[2] is not None}
        if not spans:
            return Shown(facet, [], None, {})
        years = (min(a for a, _ in spans.values()), max(b for _, b in spans.values()))
        return Shown(facet, [], years, {item: f"{a} {b}" for item, (a, b) in spans.items()})
    by_item: dict = {}
    for item, value in solutions:
        if item in listed:
            found = by_item.get(item)
            if found is None:
                by_item[item] = [value]
            elif value not in found:
                found.append(value)
    keys = _keys({v for values in by_item.values() for v in values})
    counts: dict[str, int] = {}
    of = {}
    for item, values in by_item.items():
        mine = sorted({keys[v] for v in values}) if len(values) > 1 else [keys[values[0]]]
        of[item] = " ".join(mine)
        for k in mine:
            counts[k] = counts.get(k, 0) + 1
    labels = {}
    for term, k in keys.items():
        labels.setdefault(k, data.label(term) if isinstance(term, ox.NamedNode) else term.value)
    shown = [Value(k, labels[k], counts[k]) for k in counts]
    shown.sort(key=lambda v: (-v.count, v.label.lower(), v.key))
    return Shown(facet, shown, None, of)


def _keys(terms: set) -> dict:
    """A key for each value, as the address gives it: an IRI's last segment (or the whole IRI
    where two values share it), a literal's text with its spaces as hyphens."""
    def short(term) -> str:
        if isinstance(term, ox.NamedNode):
            return re.split(r"[/#]", term.value.rstrip("/#"))[-1] or term.value
        return re.sub(r"\s+", "-", str(getattr(term, "value", term)).strip()) or "-"

    first = {}
    for term in terms:
        first.setdefault(short(term), []).append(term)
    keys = {}
    for key, found in first.items():
        for term in found:
            keys[term] = key if len(found) == 1 else getattr(term, "value", key).replace(" ", "-")
    return keys
