"""The CSV view: one table per kind of resource, for spreadsheet users."""

from __future__ import annotations

import csv
import io
import re

import pyoxigraph as ox

from ..rdf.store import OxigraphStore
from ..rdf.vocab import GEO, HG, RDF, RDFS, SKOS, shorten
from .graph import Facts, all_resources, types_of

#: The CSV files and the class of the resources in each (a resource goes to the first that fits).
CSV_KINDS = [
    ("camps", HG + "Camp"),
    ("sites", HG + "HeritageSite"),
    ("places", HG + "Place"),
    ("events", HG + "Event"),
    ("communities", HG + "DiasporaCommunity"),
    ("groups", HG + "Group"),
    ("people", HG + "Person"),
    ("organisations", HG + "Organisation"),
    ("claims", HG + "Claim"),
    ("sources", HG + "SourceDocument"),
]

_PREDICATE_ORDER = [RDFS + "comment", SKOS + "altLabel", HG + "nickname", GEO + "lat", GEO + "long"]


def csv_tables(store: OxigraphStore) -> dict[str, tuple[str, int]]:
    """One CSV text per kind of :data:`CSV_KINDS`: name -> (text, rows).

    Columns: ``iri``, ``type``, ``label_en`` (then ``label_{lang}`` for every other language in
    the table), then one column per property used, named after it (``location``, ``part_of``,
    ``lat``, ``source``, ...). Several values in a cell are joined with `` | ``; IRIs are written
    as prefixed names (``camp:karlag``), numbers and texts as they are.
    """
    placed: set[str] = set()
    tables = {}
    for name, class_iri in CSV_KINDS:
        subjects = [s for s in all_resources(store, class_iri) if s not in placed]
        placed.update(subjects)
        facts = Facts(store, subjects)
        languages = sorted({lit.language for s in subjects for lit in facts.values(s, RDFS + "label")
                            if isinstance(lit, ox.Literal) and lit.language},
                           key=lambda lang: (lang != "en", lang))
        predicates = sorted({p for s in subjects for p in facts.by_subject[s]} - {RDF + "type", RDFS + "label"},
                            key=lambda p: (_PREDICATE_ORDER.index(p) if p in _PREDICATE_ORDER else len(_PREDICATE_ORDER),
                                           _column(p)))
        columns = ["iri", "type"] + [f"label_{lang}" for lang in languages] + [_column(p) for p in predicates]
        if len(set(columns)) != len(columns):  # two namespaces with one local name: keep the prefix
            columns = ["iri", "type"] + [f"label_{lang}" for lang in languages] + [
                re.sub(r"[^a-z0-9]+", "_", shorten(p).lower()).strip("_") for p in predicates]
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        for s in subjects:
            row = [s, " | ".join(shorten(t).removeprefix("hg:") for t in types_of(facts, s))]
            for lang in languages:
                row.append(" | ".join(l.value for l in facts.values(s, RDFS + "label")
                                      if isinstance(l, ox.Literal) and l.language == lang))
            for p in predicates:
                row.append(" | ".join(_cell(v) for v in facts.values(s, p)))
            writer.writerow(row)
        tables[name] = (buffer.getvalue(), len(subjects))
    return tables


def _column(predicate: str) -> str:
    local = re.split(r"[#/]", predicate)[-1]
    return re.sub(r"(?<!^)(?=[A-Z])", "_", local).lower()


def _cell(term) -> str:
    if isinstance(term, ox.NamedNode):
        short = shorten(term.value)
        return term.value if short.startswith("<") else short
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if term.language:
        return f"{term.value} [{term.language}]" if term.language != "en" else term.value
    return term.value
