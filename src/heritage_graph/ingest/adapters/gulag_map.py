"""The GULAG map register (Memorial / Urbica, gulagmap.ru, after Smirnov 1998).

The archive is six PostgreSQL seed files (see ``archives/gulag-map/README.md``): ``camps``,
``camp_locations``, ``camp_statistics`` and three classifications (``camp_types``,
``camp_activities``, ``camp_regions``). This adapter reads them with the real SQL reader of
:mod:`heritage_graph.adapters.pgsql` and maps them to the project's ontology:

=====================  ==================================================================
archive                graph
=====================  ==================================================================
camp                   ``hg:Camp`` ``camp:gulag-map-{id}``: ``rdfs:label`` per language,
                       ``skos:altLabel`` per sub-title, ``dcterms:identifier``
                       ``"gulag-map:camp:{id}"``, ``hg:campType``, ``hg:economicActivity``,
                       ``hg:campRegion`` (SKOS concepts), ``hg:location`` (its locations)
camp location          ``hg:Place`` ``place:gulag-map-location-{id}``: ``geo:lat``/``geo:long``
                       (GeoJSON is [lon, lat]), the description as ``rdfs:comment`` per language
camp statistics row    ``hg:Claim`` ``claim:gulag-map-{camp}-prisoners-{year}-record-{id}``:
                       ``hg:PrisonerCount`` about the camp, ``hg:year``, ``hg:value``,
                       ``hg:Exact``; ``hg:countedAt`` the location when the camp has several
type/activity/region   ``skos:Concept`` ``concept:gulag-map-{type|activity|region}-{id}`` in
                       the schemes ``concept:gulag-map-{types|activities|regions}``
=====================  ==================================================================

Every resource has ``hg:source source:gulag-map``, the register as a source document.

How faults of the export are handled (each affected row is reported with its file, line, row id
and what was done; see ``docs/import.md``):

- a row whose id was already read: skipped (reported ``duplicate`` when identical,
  ``conflicting-duplicate`` when it differs: the first row is kept);
- titles and sub-titles are trimmed and their white space collapsed (``whitespace``);
- the German title "Neue Gefängnis" (on every camp that has a German title) and the English
  title "New prison" beside it are form defaults, not names: they are not imported
  (``placeholder-title``); a camp left without an English title gets the Latin transliteration
  of its Russian title as its English label (``transliterated-title``), and a comment saying so;
- coordinates written as strings are read as decimals (``string-coordinates``); the point
  [90, 62] is the register's default for a location nobody placed (nine rows, seven of them
  for camps that do not exist): its coordinates are dropped (``placeholder-coordinates``);
  coordinates outside ±90/±180 are dropped (``coordinates-out-of-range``);
- a location of a camp that is not in the register, or was not imported, is skipped
  (``missing-camp``); a camp left with no location is skipped (``camp-without-location``),
  since the shapes require every camp to have one;
- a prisoner count of 0 is read as "no figure": the register lists the camp at that location in
  that year but states no number. It becomes an ``hg:Unknown`` claim with no value and
  ``hg:statedAs "0"`` (``zero-count``); a NULL count likewise, without ``hg:statedAs``
  (``null-count``). Statistics of a location that is missing or was skipped are skipped
  (``missing-location``);
- an id or a reference that is not a whole number (NULL, text such as ``'10'``) is reported and its
  row skipped (``bad-id``); a year or a count written as text, or a count above
  :data:`MAX_COUNT`, likewise (``bad-year``, ``bad-count``); a location whose ``geom`` is NULL is
  imported without coordinates (``bad-geometry``);
- a text column longer than :data:`MAX_TEXT_LENGTH` characters is left out (``too-long``).

A file of the export that is empty, or that holds no ``INSERT`` into its table, makes the archive
unusable (:class:`~heritage_graph.errors.InputError`): importing it would replace the previous
import with a register that lost a table.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ...errors import InputError
from ...rdf.vocab import DCTERMS, HGID
from . import register
from .base import (
    ALT_LABEL, COMMENT, CONCEPT, CONCEPT_SCHEME, DEFINITION, HAS_TOP_CONCEPT, IDENTIFIER, IMPORTED, IN_SCHEME,
    INTERPRETED, LABEL, LAT, LONG, PREF_LABEL, SEE_ALSO, SKIPPED, TITLE, TOP_CONCEPT_OF, TYPE, Adapter,
    Problem, QuadList, RdfResult, ReadResult, Record, Table, TableCount, decimal, hg, hgid, integer, text,
)
from .pgsql import DEFAULT, Expression, parse_inserts

NAME = "gulag-map"
SOURCE = hgid("source", "gulag-map")
CONCEPT_NS = f"{HGID}concept/"

#: table name → (file name, the columns the adapter needs)
TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "camps": ("camps.sql", ("id", "title", "sub_titles", "type_id", "activity_id", "region_id")),
    "camp_locations": ("camp-locations.sql", ("id", "geom", "description", "camp_id", "order_index")),
    "camp_statistics": ("camp-statistics.sql", ("id", "location_id", "year", "prisoners_count")),
    "camp_types": ("camp-types.sql", ("id", "title")),
    "camp_activities": ("camp-activities.sql", ("id", "title")),
    "camp_regions": ("camp-regions.sql", ("id", "title")),
}

#: The classifications: table → (IRI stem, scheme slug, linking property, scheme label)
SCHEMES: dict[str, tuple[str, str, str, str]] = {
    "camp_types": ("type", "types", "campType", "GULAG map camp types"),
    "camp_activities": ("activity", "activities", "economicActivity", "GULAG map main economic activities"),
    "camp_regions": ("region", "regions", "campRegion", "GULAG map regions"),
}

LANGUAGES = ("en", "ru", "de")

#: Titles that are the register's form defaults, not names (see the module's documentation).
PLACEHOLDER_TITLES = {"de": {"Neue Gefängnis"}, "en": {"New prison"}}

#: The point the register gives a location nobody placed, as [lon, lat].
PLACEHOLDER_POINT = (Decimal(90), Decimal(62))

FIRST_YEAR, LAST_YEAR = 1700, 2100

#: The longest text column the adapter reads, in characters (the register's longest is 12,450);
#: a longer one is a damaged row, reported and ignored rather than carried into the graph.
MAX_TEXT_LENGTH = 1_000_000

#: The largest prisoner count taken as a figure: a larger one is a damaged row.
MAX_COUNT = 10**9

SOURCE_TITLE = "Memorial, GULAG map (gulagmap.ru), after Smirnov 1998"


def _concept(kind: str, record_id: int) -> ox.NamedNode:
    return ox.NamedNode(f"{CONCEPT_NS}gulag-map-{kind}-{record_id}")


def _scheme(slug: str) -> ox.NamedNode:
    return ox.NamedNode(f"{CONCEPT_NS}gulag-map-{slug}")


def camp_iri(camp_id: int) -> ox.NamedNode:
    return hgid("camp", f"gulag-map-{camp_id}")


def location_iri(location_id: int) -> ox.NamedNode:
    return hgid("place", f"gulag-map-location-{location_id}")


def claim_iri(camp_id: int, year: int, record_id: int) -> ox.NamedNode:
    return hgid("claim", f"gulag-map-{camp_id}-prisoners-{year}-record-{record_id}")


#################################################################
# Text helpers
#################################################################

def clean(value: str) -> str:
    """``value`` trimmed, every run of white space (newlines included) made one space."""
    return " ".join(value.split())


_TRANSLIT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    "«": '"', "»": '"', "№": "No",
}


def transliterate(value: str) -> str:
    """A Latin transliteration of Russian text (BGN/PCGN, simplified; soft and hard signs dropped).

    >>> transliterate("Акмолинское ЛО Карагандинского ИТЛ")
    'Akmolinskoe LO Karagandinskogo ITL'
    >>> transliterate("ИТЛ «Щ» № 5")
    'ITL "Shch" No 5'
    """
    out = []
    for index, ch in enumerate(value):
        low = ch.lower()
        if low not in _TRANSLIT:
            out.append(ch)
            continue
        latin = _TRANSLIT[low]
        if ch != low and latin:
            neighbours = value[index - 1 : index] + value[index + 1 : index + 2]
            all_caps = any(c.isalpha() for c in neighbours) and all(c.isupper() for c in neighbours if c.isalpha())
            latin = latin.upper() if all_caps else latin[0].upper() + latin[1:]
        out.append(latin)
    return clean("".join(out))


def split_names(value: str) -> list[str]:
    """Sub-titles split on the commas outside parentheses, each trimmed, empty ones dropped.

    >>> split_names("Sevvostlag, Severo-Vostochny (Northwestern, NE) camps,, SVITL")
    ['Sevvostlag', 'Severo-Vostochny (Northwestern, NE) camps', 'SVITL']
    """
    parts, depth, current = [], 0, []
    for ch in value:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        if ch == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [clean(p) for p in parts if clean(p)]


#################################################################
# The adapter
#################################################################

@dataclass
class _Camp:
    id: int
    record: Record
    labels: dict[str, str]
    alt_labels: list[tuple[str, str]]
    comment: str | None
    links: list[tuple[str, ox.NamedNode]]
    locations: list["_Location"] = field(default_factory=list)
    claims: list["_Claim"] = field(default_factory=list)

    @property
    def english(self) -> str:
        return self.labels["en"]


@dataclass
class _Location:
    id: int
    record: Record
    camp_id: int
    order: int
    point: tuple[Decimal, Decimal] | None  # (lat, long)
    descriptions: dict[str, str]


@dataclass
class _Claim:
    id: int
    record: Record
    location_id: int
    year: int
    count: int | None


@register
class GulagMapAdapter(Adapter):
    """The GULAG map register of Memorial / Urbica (PostgreSQL seed files)."""

    name = NAME
    title = "GULAG map register (Memorial / Urbica, gulagmap.ru), PostgreSQL INSERT files"
    prefixes = {"concept": CONCEPT_NS}

    def header(self, result: RdfResult) -> list[str]:
        counts = result.counts
        return [
            f"{SOURCE_TITLE}: the camp register imported into the heritage graph.",
            "",
            "Generated by 'heritage-graph import gulag-map' from the archive's PostgreSQL seed files",
            "(shared folder archives/gulag-map/); do not edit by hand: change the adapter",
            "(src/heritage_graph/adapters/gulag_map.py) and import again. See docs/import.md.",
            "",
            f"camps {counts['camps'].imported} of {counts['camps'].read} rows, "
            f"locations {counts['camp_locations'].imported} of {counts['camp_locations'].read}, "
            f"prisoner-count claims {counts['camp_statistics'].imported} of {counts['camp_statistics'].read}; "
            f"{len(result.problems)} reports on {sum(c.reported for c in counts.values())} rows "
            f"(listed in {self.name}.report.tsv).",
        ]

    # ------------------------------------------------------------------ reading

    def read(self, source: Path) -> ReadResult:
        source = Path(source)
        if not source.exists():
            raise InputError(f"{source}: no such folder")
        if not source.is_dir():
            raise InputError(f"{source}: not a folder; give the folder holding the archive's .sql files")
        folders = [file for file, _ in TABLES.values() if (source / file).is_dir()]
        if folders:
            raise InputError(f"{source / folders[0]}: is a folder, not the SQL file of the export")
        missing = [file for file, _ in TABLES.values() if not (source / file).is_file()]
        if missing:
            raise InputError(f"{source}: the GULAG map export is incomplete: missing {', '.join(missing)}")
        result = ReadResult(source=source)
        for table, (file, needed) in TABLES.items():
            path = source / file
            try:
                raw = path.read_bytes()
            except OSError as exc:
                raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
            try:
                content = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                line = raw[: exc.start].count(b"\n") + 1
                raise InputError(f"{path}:{line}: not UTF-8 text (byte 0x{raw[exc.start]:02x}); "
                                 "the export's files are UTF-8") from exc
            if content.startswith("\ufeff"):
                content = content[1:]
            if not content.strip():
                raise InputError(f"{path}: the file is empty; the export has no {table} without it")
            parsed = parse_inserts(content, file)
            read_table = Table(table, file)
            for problem in parsed.problems:
                result.problems.append(Problem(file, problem.line, table, _first_id(problem.values),
                                               "malformed-row", problem.message, SKIPPED))
            for row in parsed.rows:
                row_table = row.table.split(".")[-1]
                if row_table != table:
                    result.problems.append(Problem(file, row.line, row_table, _first_id(row.values),
                                                   "unexpected-table",
                                                   f"an INSERT into {row.table} in the file of {table}", SKIPPED))
                    continue
                absent = [c for c in needed if c not in row.columns]
                if absent:
                    raise InputError(f"{file}:{row.line}: the INSERT into {table} lacks the column(s) "
                                     f"{', '.join(absent)}; the adapter needs {', '.join(needed)}")
                read_table.records.append(Record(row.as_dict(), file, row.line))
            if not read_table.records and not any(p.table == table and p.file == file for p in result.problems):
                first = ""
                if parsed.skipped:
                    line = parsed.skipped[0][0]
                    first = f"; its first statement, at line {line}, begins {_clip(content.split(chr(10))[line - 1].strip(), 40)!r}"
                raise InputError(f"{path}: holds no INSERT INTO {table} ... VALUES{first}")
            result.tables[table] = read_table
        return result

    # ------------------------------------------------------------------ mapping

    def to_rdf(self, read: ReadResult) -> RdfResult:
        m = _Mapper(read)
        return m.run()


def _first_id(values: tuple[Any, ...]) -> Any:
    return values[0] if values and isinstance(values[0], int) else None


class _Mapper:
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
                        f"{column} is {_show(value)}, not a record id", SKIPPED)
            return None
        return value

    def _json(self, record: Record, table: str, column: str, row_id: int) -> Any:
        value = record.get(column)
        if value is None:
            return None
        if isinstance(value, (dict, list)):
            return value
        if not isinstance(value, str):
            self.report(record, table, row_id, "bad-json", f"{column} is {_show(value)}, not JSON text",
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
            self.report(record, table, row_id, "bad-json", f"{column} is not valid JSON ({_clip(why)})",
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
                            f"{column}[{language!r}] is {_show(value)}, not a text in a language",
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

    def camps(self, concepts) -> dict[int, _Camp]:
        table = "camps"
        records = self.read.tables[table].records
        camps: dict[int, _Camp] = {}
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
                                f"{column} {_show(value)} is not a row of {concept_table} (so no hg:{prop})",
                                INTERPRETED + ": the link left out")
                    continue
                links.append((prop, _concept(kind, value)))
            camps[camp_id] = _Camp(camp_id, record, labels, alt_labels, comment, links)
            published = self._json(record, table, "published", camp_id) if "published" in record.values else None
            if isinstance(published, dict) and published and not any(v is True for v in published.values()):
                self.report(record, table, camp_id, "unpublished",
                            "the register marks the camp as published in no language", IMPORTED)
        return camps

    def locations(self, camps: dict[int, _Camp]) -> dict[int, _Location]:
        table = "camp_locations"
        records = self.read.tables[table].records
        locations: dict[int, _Location] = {}
        seen_points: dict[tuple, int] = {}
        for location_id, record in self._unique(table, records, [self._id(r, table) for r in records]):
            camp_id = self._id(record, table, "camp_id")
            if camp_id is None:
                continue
            if camp_id not in camps:
                exists = any(r.get("id") == camp_id for r in self.read.tables["camps"].records)
                why = "was not imported" if exists else "is not in the register"
                self.report(record, table, location_id, "missing-camp", f"its camp {_show(camp_id)} {why}", SKIPPED)
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
            location = _Location(location_id, record, camp_id, order, point, descriptions)
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
                        f"geom is not a GeoJSON point: {_clip(record.get('geom'))}", INTERPRETED + ": no coordinates")
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
                            f"the coordinate {_clip(json.dumps(value, default=str))} is not a number",
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

    def drop_camps_without_location(self, camps: dict[int, _Camp]) -> None:
        for camp_id in sorted(camps):
            camp = camps[camp_id]
            if not camp.locations:
                self.report(camp.record, "camps", camp_id, "camp-without-location",
                            "the register gives the camp no location, and the shapes require one "
                            "(hgsh:Camp-location-count)", SKIPPED)
                del camps[camp_id]
        self.counts["camps"].imported = len(camps)
        self.counts["camp_locations"].imported = sum(len(c.locations) for c in camps.values())

    def statistics(self, camps: dict[int, _Camp], locations: dict[int, _Location]) -> None:
        table = "camp_statistics"
        records = self.read.tables[table].records
        by_key: dict[tuple[int, int], _Claim] = {}
        for record_id, record in self._unique(table, records, [self._id(r, table) for r in records]):
            location_id = self._id(record, table, "location_id")
            if location_id is None:
                continue
            if location_id not in locations:
                exists = any(r.get("id") == location_id for r in self.read.tables["camp_locations"].records)
                why = "was not imported" if exists else "is not in the register"
                self.report(record, table, record_id, "missing-location", f"its location {_show(location_id)} {why}",
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
                self.report(record, table, record_id, "bad-year", f"the year {_show(year)} {why}", SKIPPED)
                continue
            count = record.get("prisoners_count")
            if count is DEFAULT or isinstance(count, Expression):
                count = None
            if isinstance(count, (int, Decimal)) and not isinstance(count, bool) and count > MAX_COUNT:
                self.report(record, table, record_id, "bad-count",
                            f"prisoners_count {_show(count)} is more than {MAX_COUNT:,}: not a count of a camp", SKIPPED)
                continue
            if count is not None and (isinstance(count, bool) or not isinstance(count, int)):
                if isinstance(count, Decimal) and count == count.to_integral_value() and count >= 0:
                    count = int(count)
                else:
                    why = "is text, not a number" if isinstance(count, str) else "is not a whole number"
                    self.report(record, table, record_id, "bad-count", f"prisoners_count {_show(count)} {why}", SKIPPED)
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
            claim = _Claim(record_id, record, location_id, year, count)
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

    def emit(self, concepts, camps: dict[int, _Camp]) -> None:
        add = self.out.add
        self.emit_source()
        self.sections[SOURCE.value] = "The source: the GULAG map register"
        for table, (kind, slug, _prop, scheme_label) in SCHEMES.items():
            scheme = _scheme(slug)
            self.sections[scheme.value] = f"The register's classification: {scheme_label}"
            add(scheme, TYPE, CONCEPT_SCHEME)
            add(scheme, LABEL, text(scheme_label, "en"))
            add(scheme, PREF_LABEL, text(scheme_label, "en"))
            add(scheme, IDENTIFIER, text(f"gulag-map:{slug}"))
            add(scheme, hg("source"), SOURCE)
            for record_id in sorted(concepts[table]):
                labels, definitions = concepts[table][record_id]
                concept = _concept(kind, record_id)
                add(scheme, HAS_TOP_CONCEPT, concept)
            for record_id in sorted(concepts[table]):
                labels, definitions = concepts[table][record_id]
                concept = _concept(kind, record_id)
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
        add(SOURCE, hg("source"), SOURCE)
        add(SOURCE, hg("localCopy"), text("archives/gulag-map/"))

    def emit_camp(self, camp: _Camp) -> None:
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


def _show(value: Any) -> str:
    if value is None:
        return "NULL"
    if value is DEFAULT:
        return "DEFAULT"
    if isinstance(value, Expression):
        return _clip(value.text)
    if isinstance(value, str):
        return repr(_clip(value))
    return _clip(str(value))


def _clip(value: Any, width: int = 60) -> str:
    shown = str(value)
    return shown if len(shown) <= width else shown[: width - 3] + "..."
