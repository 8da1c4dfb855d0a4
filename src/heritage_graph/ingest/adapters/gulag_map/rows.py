"""The rows of the GULAG map register mapped to the graph, every faulty row reported.

:class:`RowMapper` takes the tables as read, checks each row (ids, JSON texts, coordinates,
years, counts; see the package's documentation for what is done with each fault), and makes the
concepts, camps, locations and prisoner-count claims, with a :class:`Problem` for each row it
skips or has to interpret.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import pyoxigraph as ox

from ....rdf.vocab import DCTERMS, XSD
from ..base import (
    ALT_LABEL, COMMENT, CONCEPT, CONCEPT_SCHEME, DEFINITION, HAS_TOP_CONCEPT, IDENTIFIER, IMPORTED, IN_SCHEME,
    INTERPRETED, LABEL, LAT, LONG, PREF_LABEL, SEE_ALSO, SKIPPED, TITLE, TOP_CONCEPT_OF, TYPE, Problem, QuadList,
    RdfResult, ReadResult, Record, TableCount, decimal, hg, integer, text,
)
from ..pgsql import DEFAULT, Expression
from .tables import (
    FIRST_YEAR, LANGUAGES, LAST_YEAR, MAX_COUNT, MAX_TEXT_LENGTH, PLACEHOLDER_POINT,
    PLACEHOLDER_TITLES, SCHEMES, SOURCE, SOURCE_TITLE, TABLES, camp_iri, claim_iri, concept_iri, location_iri,
    scheme_iri,
)
from .text import clean, clip, show, split_names, transliterate


@dataclass
class Camp:
    """A camp row as read, with its locations and claims once they are read."""

    id: int
    record: Record
    labels: dict[str, str]
    alt_labels: list[tuple[str, str]]
    comment: str | None
    links: list[tuple[str, ox.NamedNode]]
    locations: list["Location"] = field(default_factory=list)
    claims: list["Claim"] = field(default_factory=list)

    @property
    def english(self) -> str:
        return self.labels["en"]


@dataclass
class Location:
    """A location row as read: its point (latitude, longitude), if any, and its descriptions."""

    id: int
    record: Record
    camp_id: int
    order: int
    point: tuple[Decimal, Decimal] | None  # (lat, long)
    descriptions: dict[str, str]


@dataclass
class Claim:
    """A statistics row as read: the prisoners counted at a location in a year."""

    id: int
    record: Record
    location_id: int
    year: int
    count: int | None



class RowMapper:
    """The tables of one read, mapped to quads with a report for every row skipped or interpreted."""

    def __init__(self, read: ReadResult):
        self.read = read
        self.problems: list[Problem] = list(read.problems)
        self.counts = {table: TableCount(read=read.tables[table].read if table in read.tables else 0)
                       for table in TABLES}
        for problem in read.problems:
            if problem.table in self.counts:
                self.counts[problem.table].read += 1
        self.out = QuadList()
        self.sections: dict[str, str] = {}

    def report(self, record: Record, table: str, row_id: Any, category: str, message: str, action: str) -> None:
        self.problems.append(Problem(record.file, record.line, table, row_id, category, message, action))

    # -- helpers

    def _id(self, record: Record, table: str, column: str = "id") -> int | None:
        value = record.get(column)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.report(record, table, None if column == "id" else record.get("id"), "bad-id",
                        f"{column} is {show(value)}, not a record id", SKIPPED)
            return None
        return value

    def _json(self, record: Record, table: str, column: str, row_id: int) -> Any:
        value = record.get(column)
        if value is None:
            return None
        if isinstance(value, (dict, list)):
            return value
        if not isinstance(value, str):
            self.report(record, table, row_id, "bad-json", f"{column} is {show(value)}, not JSON text",
                        INTERPRETED + ": the column ignored")
            return None
        if len(value) > MAX_TEXT_LENGTH:
            self.report(record, table, row_id, "too-long",
                        f"{column} is {len(value):,} characters long; the adapter reads texts of up to "
                        f"{MAX_TEXT_LENGTH:,}", INTERPRETED + ": the column ignored")
            return None
        try:
            return json.loads(value, parse_float=Decimal, parse_int=Decimal)
        except (ValueError, RecursionError) as exc:
            why = exc.args[0] if isinstance(exc, ValueError) else "nested too deeply"
            self.report(record, table, row_id, "bad-json", f"{column} is not valid JSON ({clip(why)})",
                        INTERPRETED + ": the column ignored")
            return None

    def _texts(self, record: Record, table: str, column: str, row_id: int, *, placeholders: bool = False,
               report_whitespace: bool = True, data: Any = ...) -> dict[str, str]:
        """The non-empty texts of a multilingual JSON column, by language, cleaned."""
        if data is ...:
            data = self._json(record, table, column, row_id)
        if data is None:
            return {}
        if not isinstance(data, dict):
            self.report(record, table, row_id, "bad-json",
                        f"{column} is JSON but not an object of texts by language", INTERPRETED + ": the column ignored")
            return {}
        texts: dict[str, str] = {}
        for language in sorted(data, key=lambda k: (LANGUAGES.index(k) if k in LANGUAGES else 9, str(k))):
            value = data[language]
            if value is None or value == "":
                continue
            if not isinstance(value, str) or not _language_tag(language):
                self.report(record, table, row_id, "bad-json",
                            f"{column}[{language!r}] is {show(value)}, not a text in a language",
                            INTERPRETED + ": that entry ignored")
                continue
            cleaned = clean(value)
            if not cleaned:
                self.report(record, table, row_id, "empty-title" if column == "title" else "whitespace",
                            f"{column}[{language!r}] holds only white space", INTERPRETED + ": ignored")
                continue
            if cleaned != value and report_whitespace:
                self.report(record, table, row_id, "whitespace",
                            f"{column}[{language!r}] {value!r} has stray white space; read as {cleaned!r}",
                            INTERPRETED + ": trimmed")
            if placeholders and cleaned in PLACEHOLDER_TITLES.get(language, ()):
                continue  # reported by the caller, who knows what replaces it
            texts[language] = cleaned
        return texts

    def _unique(self, table: str, records: list[Record], ids: list[int | None]) -> list[tuple[int, Record]]:
        """The records with a usable id, the first of each id; later ones reported as duplicates."""
        first: dict[int, Record] = {}
        kept: list[tuple[int, Record]] = []
        for record, record_id in zip(records, ids):
            if record_id is None:
                continue
            if record_id in first:
                original = first[record_id]
                if original.values == record.values:
                    self.report(record, table, record_id, "duplicate",
                                f"the same row as line {original.line} (id {record_id} again)", SKIPPED)
                else:
                    differing = sorted(k for k in record.values if record.values.get(k) != original.values.get(k))
                    self.report(record, table, record_id, "conflicting-duplicate",
                                f"id {record_id} again, as at line {original.line}, but with other "
                                f"{', '.join(differing)}", SKIPPED + f": the row at line {original.line} is kept")
                continue
            first[record_id] = record
            kept.append((record_id, record))
        return kept

    # -- the tables

    def run(self) -> RdfResult:
        concepts = self.concepts()
        camps = self.camps(concepts)
        locations = self.locations(camps)
        self.drop_camps_without_location(camps)
        self.statistics(camps, locations)
        self.emit(concepts, camps)
        order = {table: k for k, table in enumerate(TABLES)}
        self.problems.sort(key=lambda p: (order.get(p.table, len(order)), p.file, p.line or 0))
        reported = defaultdict(set)
        for problem in self.problems:
            reported[problem.table].add((problem.file, problem.line, problem.row_id))
        for table, rows in reported.items():
            if table in self.counts:
                self.counts[table].reported = len(rows)
        return RdfResult(self.out.quads(), self.problems, self.counts, self.sections)

    def concepts(self) -> dict[str, dict[int, tuple[dict[str, str], dict[str, str]]]]:
        found: dict[str, dict[int, tuple[dict[str, str], dict[str, str]]]] = {}
        for table in SCHEMES:
            records = self.read.tables[table].records
            found[table] = {}
            for record_id, record in self._unique(table, records, [self._id(r, table) for r in records]):
                labels = self._texts(record, table, "title", record_id)
                if "en" not in labels:
                    if "ru" in labels:
                        fallback, how = transliterate(labels["ru"]), "transliterated from the Russian title"
                    else:
                        fallback, how = f"{table} {record_id}", "made of the table's name and the row's id"
                    self.report(record, table, record_id, "empty-title",
                                f"no English title; English label {fallback!r}", INTERPRETED + f": English label {how}")
                    labels["en"] = fallback
                definitions = self._texts(record, table, "description", record_id) if "description" in record.values else {}
                found[table][record_id] = (labels, definitions)
                self.counts[table].imported += 1
        return found

    def camps(self, concepts) -> dict[int, Camp]:
        table = "camps"
        records = self.read.tables[table].records
        camps: dict[int, Camp] = {}
        for camp_id, record in self._unique(table, records, [self._id(r, table) for r in records]):
            raw_titles = self._json(record, table, "title", camp_id)
            labels = self._texts(record, table, "title", camp_id, placeholders=True, data=raw_titles)
            placeholders = {k: clean(v) for k, v in (raw_titles or {}).items()
                            if isinstance(v, str) and clean(v) in PLACEHOLDER_TITLES.get(k, ())} \
                if isinstance(raw_titles, dict) else {}
            comment = None
            if placeholders:
                shown = ", ".join(f"{k} {v!r}" for k, v in sorted(placeholders.items()))
                self.report(record, table, camp_id, "placeholder-title",
                            f"the title {shown} is the register's form default, not a name",
                            INTERPRETED + ": that title left out")
            if "en" not in labels:
                if "ru" in labels:
                    labels["en"] = transliterate(labels["ru"])
                    comment = ("The English label is a Latin transliteration of the Russian title; "
                               "the register gives no English title.")
                    self.report(record, table, camp_id, "transliterated-title",
                                f"no English title; English label {labels['en']!r}",
                                INTERPRETED + ": English label transliterated from the Russian title")
                elif labels:
                    language, name = next(iter(labels.items()))
                    labels["en"] = name
                    comment = f"The English label is the register's title in '{language}'; it gives no English title."
                    self.report(record, table, camp_id, "empty-title",
                                f"no English or Russian title; English label {name!r} from the '{language}' title",
                                INTERPRETED + ": English label from another language")
                else:
                    self.report(record, table, camp_id, "empty-title", "the camp has no title in any language",
                                SKIPPED)
                    continue
            labels = {k: labels[k] for k in sorted(labels, key=lambda k: (k != "en", k != "ru", k))}
            alt_labels: list[tuple[str, str]] = []
            for language, names in self._texts(record, table, "sub_titles", camp_id, report_whitespace=False).items():
                for name in split_names(names):
                    if name in PLACEHOLDER_TITLES.get(language, ()) or name == labels.get(language):
                        continue
                    if (language, name) not in alt_labels:
                        alt_labels.append((language, name))
            links: list[tuple[str, ox.NamedNode]] = []
            for concept_table, column in (("camp_types", "type_id"), ("camp_activities", "activity_id"),
                                          ("camp_regions", "region_id")):
                value = record.get(column)
                if value is None:
                    continue
                kind, _slug, prop, _label = SCHEMES[concept_table]
                if isinstance(value, bool) or not isinstance(value, int) or value not in concepts[concept_table]:
                    self.report(record, table, camp_id, "missing-reference",
                                f"{column} {show(value)} is not a row of {concept_table} (so no hg:{prop})",
                                INTERPRETED + ": the link left out")
                    continue
                links.append((prop, concept_iri(kind, value)))
            camps[camp_id] = Camp(camp_id, record, labels, alt_labels, comment, links)
            published = self._json(record, table, "published", camp_id) if "published" in record.values else None
            if isinstance(published, dict) and published and not any(v is True for v in published.values()):
                self.report(record, table, camp_id, "unpublished",
                            "the register marks the camp as published in no language", IMPORTED)
        return camps

    def locations(self, camps: dict[int, Camp]) -> dict[int, Location]:
        table = "camp_locations"
        records = self.read.tables[table].records
        locations: dict[int, Location] = {}
        seen_points: dict[tuple, int] = {}
        for location_id, record in self._unique(table, records, [self._id(r, table) for r in records]):
            camp_id = self._id(record, table, "camp_id")
            if camp_id is None:
                continue
            if camp_id not in camps:
                exists = any(r.get("id") == camp_id for r in self.read.tables["camps"].records)
                why = "was not imported" if exists else "is not in the register"
                self.report(record, table, location_id, "missing-camp", f"its camp {show(camp_id)} {why}", SKIPPED)
                continue
            order = record.get("order_index")
            if isinstance(order, bool) or not isinstance(order, int):
                order = 0
            point = self._point(record, table, location_id)
            descriptions = self._texts(record, table, "description", location_id, report_whitespace=False)
            if point is not None:
                key = (camp_id, point, tuple(sorted(descriptions.items())))
                if key in seen_points:
                    self.report(record, table, location_id, "same-as-location",
                                f"the same camp, point and description as location {seen_points[key]} "
                                f"(order {order})", IMPORTED + " (a location of its own: the camp may have returned there)")
                else:
                    seen_points[key] = location_id
            location = Location(location_id, record, camp_id, order, point, descriptions)
            locations[location_id] = location
            camps[camp_id].locations.append(location)
        return locations

    def _point(self, record: Record, table: str, location_id: int) -> tuple[Decimal, Decimal] | None:
        geom = self._json(record, table, "geom", location_id)
        if geom is None:
            if record.get("geom") is None:
                self.report(record, table, location_id, "bad-geometry", "geom is NULL: the location has no point",
                            INTERPRETED + ": no coordinates")
            return None
        coordinates = geom.get("coordinates") if isinstance(geom, dict) else None
        if not isinstance(geom, dict) or geom.get("type") != "Point" or not isinstance(coordinates, list) \
                or len(coordinates) < 2:
            self.report(record, table, location_id, "bad-geometry",
                        f"geom is not a GeoJSON point: {clip(record.get('geom'))}", INTERPRETED + ": no coordinates")
            return None
        numbers = []
        strings = []
        for value in coordinates[:2]:
            if isinstance(value, Decimal):
                numbers.append(value)
            elif isinstance(value, str):
                strings.append(value)
                try:
                    number = Decimal(value.strip())
                    if not number.is_finite():
                        raise InvalidOperation
                    numbers.append(number)
                except InvalidOperation:
                    self.report(record, table, location_id, "bad-coordinates",
                                f"the coordinate {value!r} is not a number", INTERPRETED + ": no coordinates")
                    return None
            else:
                self.report(record, table, location_id, "bad-coordinates",
                            f"the coordinate {clip(json.dumps(value, default=str))} is not a number",
                            INTERPRETED + ": no coordinates")
                return None
        if strings:
            self.report(record, table, location_id, "string-coordinates",
                        f"coordinates written as strings {json.dumps(coordinates[:2], default=str)}; "
                        f"read as [lon, lat] = [{numbers[0]}, {numbers[1]}]",
                        INTERPRETED + ": read as numbers")
        lon, lat = numbers
        if (lon, lat) == PLACEHOLDER_POINT:
            self.report(record, table, location_id, "placeholder-coordinates",
                        "the point [90, 62] is the register's default for an unplaced location",
                        INTERPRETED + ": the location imported without coordinates")
            return None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            self.report(record, table, location_id, "coordinates-out-of-range",
                        f"[lon, lat] = [{lon}, {lat}] is outside ±180/±90",
                        INTERPRETED + ": the location imported without coordinates")
            return None
        return lat, lon

    def drop_camps_without_location(self, camps: dict[int, Camp]) -> None:
        for camp_id in sorted(camps):
            camp = camps[camp_id]
            if not camp.locations:
                self.report(camp.record, "camps", camp_id, "camp-without-location",
                            "the register gives the camp no location, and the shapes require one "
                            "(hgsh:Camp-location-count)", SKIPPED)
                del camps[camp_id]
        self.counts["camps"].imported = len(camps)
        self.counts["camp_locations"].imported = sum(len(c.locations) for c in camps.values())

    def statistics(self, camps: dict[int, Camp], locations: dict[int, Location]) -> None:
        table = "camp_statistics"
        records = self.read.tables[table].records
        by_key: dict[tuple[int, int], Claim] = {}
        for record_id, record in self._unique(table, records, [self._id(r, table) for r in records]):
            location_id = self._id(record, table, "location_id")
            if location_id is None:
                continue
            if location_id not in locations:
                exists = any(r.get("id") == location_id for r in self.read.tables["camp_locations"].records)
                why = "was not imported" if exists else "is not in the register"
                self.report(record, table, record_id, "missing-location", f"its location {show(location_id)} {why}",
                            SKIPPED)
                continue
            year = record.get("year")
            if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
                if isinstance(year, str):
                    why = "is text, not a number"
                elif isinstance(year, int) and not isinstance(year, bool):
                    why = f"is not a year from {FIRST_YEAR} to {LAST_YEAR}"
                else:
                    why = "is not a whole number"
                self.report(record, table, record_id, "bad-year", f"the year {show(year)} {why}", SKIPPED)
                continue
            count = record.get("prisoners_count")
            if count is DEFAULT or isinstance(count, Expression):
                count = None
            if isinstance(count, (int, Decimal)) and not isinstance(count, bool) and count > MAX_COUNT:
                self.report(record, table, record_id, "bad-count",
                            f"prisoners_count {show(count)} is more than {MAX_COUNT:,}: not a count of a camp", SKIPPED)
                continue
            if count is not None and (isinstance(count, bool) or not isinstance(count, int)):
                if isinstance(count, Decimal) and count == count.to_integral_value() and count >= 0:
                    count = int(count)
                else:
                    why = "is text, not a number" if isinstance(count, str) else "is not a whole number"
                    self.report(record, table, record_id, "bad-count", f"prisoners_count {show(count)} {why}", SKIPPED)
                    continue
            if count is not None and count < 0:
                self.report(record, table, record_id, "bad-count", f"prisoners_count {count} is negative", SKIPPED)
                continue
            if count == 0:
                self.report(record, table, record_id, "zero-count",
                            f"location {location_id}, {year}: 0 prisoners, read as no figure",
                            INTERPRETED + ': hg:Unknown claim without value, hg:statedAs "0"')
            elif count is None:
                self.report(record, table, record_id, "null-count",
                            f"location {location_id}, {year}: no prisoners_count (NULL)",
                            INTERPRETED + ": hg:Unknown claim without value")
            claim = Claim(record_id, record, location_id, year, count)
            other = by_key.get((location_id, year))
            if other is not None and other.count == count:
                self.report(record, table, record_id, "duplicate",
                            f"location {location_id} in {year} is counted again with the same figure as row {other.id}",
                            SKIPPED)
                continue
            if other is not None:
                self.report(record, table, record_id, "conflicting-duplicate",
                            f"location {location_id} in {year} is counted again (row {other.id}: {other.count}, "
                            f"this row: {count})", IMPORTED + " (both rows, as claims side by side)")
            else:
                by_key[(location_id, year)] = claim
            camps[locations[location_id].camp_id].claims.append(claim)
            self.counts[table].imported += 1

    # -- writing the graph

    def emit(self, concepts, camps: dict[int, Camp]) -> None:
        add = self.out.add
        self.emit_source()
        self.sections[SOURCE.value] = "The source: the GULAG map register"
        for table, (kind, slug, _prop, scheme_label) in SCHEMES.items():
            scheme = scheme_iri(slug)
            self.sections[scheme.value] = f"The register's classification: {scheme_label}"
            add(scheme, TYPE, CONCEPT_SCHEME)
            add(scheme, LABEL, text(scheme_label, "en"))
            add(scheme, PREF_LABEL, text(scheme_label, "en"))
            add(scheme, IDENTIFIER, text(f"gulag-map:{slug}"))
            add(scheme, hg("source"), SOURCE)
            for record_id in sorted(concepts[table]):
                labels, definitions = concepts[table][record_id]
                concept = concept_iri(kind, record_id)
                add(scheme, HAS_TOP_CONCEPT, concept)
            for record_id in sorted(concepts[table]):
                labels, definitions = concepts[table][record_id]
                concept = concept_iri(kind, record_id)
                self.sections[concept.value] = self.sections[scheme.value]
                add(concept, TYPE, CONCEPT)
                for language, label in labels.items():
                    add(concept, LABEL, text(label, language))
                for language, label in labels.items():
                    add(concept, PREF_LABEL, text(label, language))
                for language, definition in definitions.items():
                    add(concept, DEFINITION, text(definition, language))
                add(concept, IN_SCHEME, scheme)
                add(concept, TOP_CONCEPT_OF, scheme)
                add(concept, IDENTIFIER, text(f"gulag-map:{kind}:{record_id}"))
                add(concept, hg("source"), SOURCE)
        for camp_id in sorted(camps):
            self.emit_camp(camps[camp_id])

    def emit_source(self) -> None:
        add = self.out.add
        add(SOURCE, TYPE, hg("SourceDocument"))
        add(SOURCE, LABEL, text("GULAG map register (Memorial)", "en"))
        add(SOURCE, TITLE, text(SOURCE_TITLE, "en"))
        add(SOURCE, ox.NamedNode(DCTERMS + "publisher"), text("Memorial; Urbica"))
        add(SOURCE, ox.NamedNode(DCTERMS + "bibliographicCitation"), text(SOURCE_TITLE))
        add(SOURCE, ox.NamedNode(DCTERMS + "source"), text(
            "M. B. Smirnov (ed.), Sistema ispravitel'no-trudovykh lagerei v SSSR, 1923–1960, "
            "Moscow: Zven'ya, 1998"))
        add(SOURCE, ox.NamedNode(DCTERMS + "format"), text("application/sql"))
        add(SOURCE, ox.NamedNode(DCTERMS + "rights"), text(
            "ISC licence, as declared by the public repository urbica/gulag-api that the export is taken "
            "from (seed files src/db/seeds/*.sql at commit 751262856ff5133888cf41d331d132fe1733a9c1, "
            "2019-10-18). Cite \"Memorial, GULAG map (gulagmap.ru), after Smirnov 1998\"."))
        add(SOURCE, COMMENT, text(
            "The camp register behind the GULAG map project (gulagmap.ru) of Memorial and Urbica: camps "
            "with their titles, types, main economic activities and regions, their locations with "
            "coordinates, and yearly prisoner counts per location, following M. B. Smirnov's 1998 "
            "handbook of the corrective-labour camps of the USSR. Its claims quote a record of the "
            "register (table, row and values), since the register has no sentences.", "en"))
        add(SOURCE, SEE_ALSO, ox.NamedNode("https://github.com/urbica/gulag-api"))
        for language in ("ru", "en"):  # its texts are Russian, most with an English translation
            add(SOURCE, ox.NamedNode(DCTERMS + "language"), text(language))
        # the version taken: the seed files at the commit of that day (the export's README)
        add(SOURCE, ox.NamedNode(DCTERMS + "date"), ox.Literal("2019-10-18", datatype=ox.NamedNode(XSD + "date")))
        add(SOURCE, hg("localCopy"), text("archives/gulag-map/"))

    def emit_camp(self, camp: Camp) -> None:
        add = self.out.add
        node = camp_iri(camp.id)
        heading = f"Camp {camp.id}: {camp.english}"
        self.sections[node.value] = heading
        for location in camp.locations:
            self.sections[location_iri(location.id).value] = heading
        for claim in camp.claims:
            self.sections[claim_iri(camp.id, claim.year, claim.id).value] = heading
        add(node, TYPE, hg("Camp"))
        for language, label in camp.labels.items():
            add(node, LABEL, text(label, language))
        for language, name in camp.alt_labels:
            add(node, ALT_LABEL, text(name, language))
        if camp.comment:
            add(node, COMMENT, text(camp.comment, "en"))
        add(node, IDENTIFIER, text(f"gulag-map:camp:{camp.id}"))
        for prop, concept in camp.links:
            add(node, hg(prop), concept)
        ordered = sorted(camp.locations, key=lambda loc: (loc.order, loc.id))
        for location in ordered:
            add(node, hg("location"), location_iri(location.id))
        add(node, hg("source"), SOURCE)
        several = len(ordered) > 1
        position = {loc.id: k for k, loc in enumerate(ordered, start=1)}
        for location in ordered:
            place = location_iri(location.id)
            k = position[location.id]
            name = f"Location {k} of {len(ordered)} of {camp.english}" if several else f"Location of {camp.english}"
            add(place, TYPE, hg("Place"))
            add(place, LABEL, text(name, "en"))
            for language, description in location.descriptions.items():
                add(place, COMMENT, text(description, language))
            if location.point is not None:
                lat, lon = location.point
                add(place, LAT, decimal(lat))
                add(place, LONG, decimal(lon))
            add(place, IDENTIFIER, text(f"gulag-map:location:{location.id}"))
            add(place, hg("source"), SOURCE)
        for claim in sorted(camp.claims, key=lambda c: (c.year, position[c.location_id], c.id)):
            node_c = claim_iri(camp.id, claim.year, claim.id)
            where = f" at location {position[claim.location_id]} of {len(ordered)}" if several else ""
            known = claim.count not in (None, 0)
            label = f"Prisoners of {camp.english} in {claim.year}{where} (GULAG map{'' if known else ', no figure'})"
            add(node_c, TYPE, hg("Claim"))
            add(node_c, LABEL, text(label, "en"))
            add(node_c, hg("about"), node)
            add(node_c, hg("quantityKind"), hg("PrisonerCount"))
            add(node_c, hg("year"), integer(claim.year))
            if known:
                add(node_c, hg("value"), integer(claim.count))
                add(node_c, hg("approximation"), hg("Exact"))
            else:
                add(node_c, hg("approximation"), hg("Unknown"))
            if claim.count is not None:
                add(node_c, hg("statedAs"), text(str(claim.count)))
            if several:
                add(node_c, hg("countedAt"), location_iri(claim.location_id))
            figure = f"{claim.count} prisoners" if claim.count is not None else "prisoners_count NULL"
            add(node_c, hg("source"), SOURCE)
            add(node_c, hg("quote"), text(
                f"camp_statistics row {claim.id}: location {claim.location_id}, {claim.year}, {figure}"))
            add(node_c, IDENTIFIER, text(f"gulag-map:statistics:{claim.id}"))


def _language_tag(value: Any) -> bool:
    return isinstance(value, str) and 2 <= len(value) <= 3 and value.isascii() and value.isalpha()
