"""A synthetic prisoner register: invented persons, shaped like a real register, for tests and benchmarks.

:func:`generate` writes ``persons`` invented prisoners of the Kazakhstan camps to an N-Triples
(``.nt``) or Turtle (``.ttl``) file. Each person is a register record: a name in its Lithuanian
and Russian forms, the years of birth (and of death, for those who died in the camp), the people
group, the year of arrest, the camp, and the release or the death. Every fact is stated on a
resource that cites the register (``hg:source``) and the person quotes the register's record
(``hg:quote``), as the bundled data does for facts that are not figures (``docs/model.md``)::

    person:synthetic-000001   hg:Person: rdfs:label @en @lt @ru, hg:peopleGroup, hg:startYear (born),
                              hg:endYear (died, if so), hg:source, hg:quote (the record)
    event:synthetic-000001-imprisonment   hg:Imprisonment: hg:victim, hg:location (the camp),
                              hg:startYear (arrested), hg:endYear (released or died), hg:subEventOf
    event:synthetic-000001-release | -death   hg:Release | hg:Death: hg:participant, hg:year, hg:location

The camps, the people group and the imprisonment of Lithuanians in Kazakhstan that the records
point to are the bundled resources (``camp:karlag``, ``group:lithuanians``, ...), so the register
is validated together with ``data/common`` and ``data/kazakhstan`` (:func:`context_paths`). The
register's own source, ``source:synthetic-prisoner-register``, says in its label that it is
generated; no person in it is real, and it links to no external identifier.

A share ``invalid_rate`` of the records is broken on purpose, each in one or two of the ways
listed in :data:`BREAKAGES`, every one of which breaks a rule of ``shapes/`` (a birth year written
as text, a death before the birth, a label without an English form, a misspelt camp, ...). The
summary names the broken records and how each was broken, so that a validator's findings can be
checked record by record.

The same ``persons``, ``seed`` and ``invalid_rate`` give the same bytes. The records are written
as they are made, a thousand at a time, into a temporary file that replaces ``out`` only when
complete. About 22 triples per person: a million triples is some 45,000 persons.

>>> import pathlib, tempfile
>>> with tempfile.TemporaryDirectory() as folder:
...     out = pathlib.Path(folder) / "register.nt"
...     summary = generate(100, seed=7, invalid_rate=0.1, out=out)
...     lines = len(out.read_text(encoding="utf-8").splitlines())
>>> summary.persons, summary.broken_persons, summary.triples == lines - HEADER_LINES
(100, 10, True)
"""

from __future__ import annotations

import math
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path

from .util import resources
from .util.atomic import open_atomic
from .errors import ConfigError
from .util.progress import progress
from .rdf.vocab import DCTERMS, HG, HGID, RDF, RDFS, XSD

SOURCE = "synthetic-prisoner-register"
GROUP = ("lithuanians", "Lithuanian")
PARENT_EVENT = "imprisonment-of-lithuanians-in-kazakhstan"
FORMATS = {".nt": "N-Triples", ".ttl": "Turtle"}
CHUNK = 1000
#: Comment lines at the top of an N-Triples register (the doctest above counts the triples by lines).
HEADER_LINES = 4

#: The camps of the bundled data (slug, English label, weight) and a misspelling of each slug.
CAMPS = (
    ("karlag", "Karlag", 40, "karlagas"),
    ("steplag", "Steplag", 30, "steplagas"),
    ("peschanlag", "Peschanlag", 15, "peshchenlag"),
    ("spassk", "Spassk", 15, "spask"),
)
_CAMP_WEIGHTS = list(accumulate(c[2] for c in CAMPS))

#: Years of arrest and their weights: the first Soviet occupation, then the arrests of 1944-1953.
ARREST_YEARS = {1940: 3, 1941: 8, 1944: 6, 1945: 15, 1946: 12, 1947: 10, 1948: 11, 1949: 10,
                1950: 9, 1951: 7, 1952: 5, 1953: 4}
_ARREST = (list(ARREST_YEARS), list(accumulate(ARREST_YEARS.values())))
#: Years of release after Stalin's death, for those whose sentences ran beyond 1953.
RELEASE_YEARS = {1954: 20, 1955: 25, 1956: 35, 1957: 12, 1958: 8}
_RELEASE = (list(RELEASE_YEARS), list(accumulate(RELEASE_YEARS.values())))
SENTENCES = (5, 8, 10, 10, 10, 15, 25, 25)
DEATH_RATE = 0.13
MALE_RATE = 0.78

# Lithuanian given names with their usual Russian forms.
MALE_NAMES = (
    ("Jonas", "Йонас"), ("Antanas", "Антанас"), ("Juozas", "Юозас"), ("Petras", "Пятрас"),
    ("Kazys", "Казис"), ("Vytautas", "Витаутас"), ("Stasys", "Стасис"), ("Vladas", "Владас"),
    ("Povilas", "Повилас"), ("Pranas", "Пранас"), ("Bronius", "Бронюс"), ("Jurgis", "Юргис"),
    ("Mykolas", "Миколас"), ("Aleksandras", "Александрас"), ("Kazimieras", "Казимерас"),
    ("Leonas", "Леонас"), ("Vincas", "Винцас"), ("Stanislovas", "Станисловас"), ("Adolfas", "Адольфас"),
    ("Feliksas", "Феликсас"), ("Ignas", "Игнас"), ("Domas", "Домас"), ("Jokūbas", "Йокубас"),
    ("Motiejus", "Мотеюс"), ("Simonas", "Симонас"), ("Zigmas", "Зигмас"), ("Albinas", "Альбинас"),
    ("Viktoras", "Викторас"), ("Romualdas", "Ромуальдас"), ("Benediktas", "Бенедиктас"),
    ("Julius", "Юлюс"), ("Liudas", "Людас"), ("Balys", "Балис"), ("Steponas", "Степонас"),
    ("Algirdas", "Альгирдас"), ("Juozapas", "Юозапас"), ("Tadas", "Тадас"), ("Mečislovas", "Мечисловас"),
    ("Alfonsas", "Альфонсас"), ("Edvardas", "Эдвардас"), ("Jeronimas", "Иеронимас"), ("Kostas", "Костас"),
    ("Leopoldas", "Леопольдас"), ("Martynas", "Мартинас"), ("Vaclovas", "Вацловас"), ("Zenonas", "Зенонас"),
    ("Kęstutis", "Кястутис"), ("Justinas", "Юстинас"), ("Klemensas", "Клеменсас"),
    ("Dominykas", "Доминикас"), ("Augustinas", "Августинас"), ("Boleslovas", "Болесловас"),
)
FEMALE_NAMES = (
    ("Ona", "Она"), ("Marija", "Мария"), ("Elena", "Элена"), ("Janina", "Янина"), ("Stasė", "Стасе"),
    ("Aldona", "Альдона"), ("Anelė", "Анеле"), ("Veronika", "Вероника"), ("Genovaitė", "Геновайте"),
    ("Zofija", "Зофия"), ("Bronė", "Броне"), ("Kazimiera", "Казимера"), ("Petronėlė", "Петронеле"),
    ("Emilija", "Эмилия"), ("Jadvyga", "Ядвига"), ("Antanina", "Антанина"), ("Irena", "Ирена"),
    ("Danutė", "Дануте"), ("Adelė", "Аделе"), ("Teresė", "Тересе"), ("Regina", "Регина"),
    ("Birutė", "Бируте"), ("Juzefa", "Юзефа"), ("Agota", "Агота"), ("Barbora", "Барбора"),
    ("Uršulė", "Уршуле"), ("Konstancija", "Констанция"), ("Monika", "Моника"), ("Julija", "Юлия"),
    ("Vanda", "Ванда"), ("Eugenija", "Эугения"), ("Salomėja", "Саломея"), ("Albina", "Альбина"),
    ("Leokadija", "Леокадия"), ("Stefanija", "Стефания"), ("Pranciška", "Пранцишка"),
    ("Kotryna", "Котрина"), ("Dalia", "Даля"),
)
# Lithuanian surnames (the men's form) with their usual Russian forms; the women's forms are made
# from them by :func:`surname_forms`.
SURNAMES = (
    ("Kazlauskas", "Казлаускас"), ("Jankauskas", "Янкаускас"), ("Petrauskas", "Петраускас"),
    ("Stankevičius", "Станкявичюс"), ("Vasiliauskas", "Василяускас"), ("Žukauskas", "Жукаускас"),
    ("Butkus", "Буткус"), ("Paulauskas", "Паулаускас"), ("Urbonas", "Урбонас"),
    ("Kavaliauskas", "Каваляускас"), ("Navickas", "Навицкас"), ("Ramanauskas", "Раманаускас"),
    ("Savickas", "Савицкас"), ("Rutkauskas", "Руткаускас"), ("Pocius", "Поцюс"),
    ("Baranauskas", "Баранаускас"), ("Kairys", "Кайрис"), ("Lukoševičius", "Лукошявичюс"),
    ("Šimkus", "Шимкус"), ("Mockus", "Моцкус"), ("Balčiūnas", "Бальчюнас"), ("Žilinskas", "Жилинскас"),
    ("Adomaitis", "Адомайтис"), ("Vaitkus", "Вайткус"), ("Jonaitis", "Йонайтис"),
    ("Sakalauskas", "Сакалаускас"), ("Bernotas", "Бернотас"), ("Mažeika", "Мажейка"), ("Grigas", "Григас"),
    ("Valaitis", "Валайтис"), ("Kučinskas", "Кучинскас"), ("Juška", "Юшка"), ("Lukšys", "Лукшис"),
    ("Norkus", "Норкус"), ("Venckus", "Венцкус"), ("Gudaitis", "Гудайтис"), ("Šukys", "Шукис"),
    ("Petraitis", "Петрайтис"), ("Stonkus", "Стонкус"), ("Bartkus", "Барткус"),
    ("Kazakevičius", "Казакявичюс"), ("Tamošiūnas", "Тамошюнас"), ("Daugėla", "Даугела"),
    ("Jasiūnas", "Ясюнас"), ("Kaminskas", "Каминскас"), ("Sabaliauskas", "Сабаляускас"),
    ("Morkūnas", "Моркунас"), ("Dambrauskas", "Дамбраускас"), ("Marcinkevičius", "Марцинкявичюс"),
    ("Tamulis", "Тамулис"), ("Čepulis", "Чепулис"), ("Lapinskas", "Лапинскас"), ("Žemaitis", "Жемайтис"),
    ("Mikalauskas", "Микалаускас"), ("Milašius", "Милашюс"), ("Rimkus", "Римкус"),
    ("Vaičiulis", "Вайчюлис"), ("Bagdonas", "Багдонас"), ("Gaidys", "Гайдис"), ("Brazys", "Бразис"),
    ("Jurevičius", "Юрявичюс"), ("Daukša", "Даукша"), ("Jakštas", "Якштас"), ("Karalius", "Каралюс"),
    ("Katinas", "Катинас"), ("Liutkus", "Люткус"), ("Mikėnas", "Микенас"), ("Valančius", "Валанчюс"),
    ("Vilkas", "Вилкас"), ("Zdanavičius", "Зданавичюс"),
)

# Endings of the men's surnames: (Lithuanian ending, Russian ending) -> the wife's and the
# daughter's endings in Lithuanian and Russian (Kazlauskas: Kazlauskienė, Kazlauskaitė).
_FEMININE = (
    ("ius", "юс", ("ienė", "ене"), ("iūtė", "юте")),
    ("us", "ус", ("uvienė", "увене"), ("utė", "уте")),
    ("as", "ас", ("ienė", "ене"), ("aitė", "айте")),
    ("is", "ис", ("ienė", "ене"), ("ytė", "ите")),
    ("ys", "ис", ("ienė", "ене"), ("ytė", "ите")),
    ("a", "а", ("ienė", "ене"), ("aitė", "айте")),
)


def surname_forms(lithuanian: str, russian: str, *, female: bool, married: bool) -> tuple[str, str]:
    """A surname in its Lithuanian and Russian forms for a man, a married or an unmarried woman.

    >>> surname_forms("Kazlauskas", "Казлаускас", female=True, married=True)
    ('Kazlauskienė', 'Казлаускене')
    >>> surname_forms("Stankevičius", "Станкявичюс", female=True, married=False)
    ('Stankevičiūtė', 'Станкявичюте')
    >>> surname_forms("Butkus", "Буткус", female=False, married=True)
    ('Butkus', 'Буткус')
    """
    if not female:
        return lithuanian, russian
    for lt_end, ru_end, wife, daughter in _FEMININE:
        if lithuanian.endswith(lt_end) and russian.endswith(ru_end):
            lt_new, ru_new = wife if married else daughter
            return lithuanian[: -len(lt_end)] + lt_new, russian[: -len(ru_end)] + ru_new
    raise ValueError(f"no feminine form for the surname {lithuanian!r}")


#################################################################
# Records
#################################################################


class Record:
    """One register record as it will be written; a breakage changes its fields before writing."""

    __slots__ = (
        "number", "slug", "person_slug", "given", "surname", "given_ru", "surname_ru", "labels",
        "types", "group", "birth", "death", "source", "quote", "camp", "camp_label", "camp_slug",
        "location", "arrest", "held_until", "outcome", "outcome_year", "outcome_source",
    )

    @property
    def name(self) -> str:
        return f"{self.given} {self.surname}"

    @property
    def died(self) -> bool:
        return self.outcome == "death"


def _weighted(rng: random.Random, table: tuple[list, list]):
    values, cumulative = table
    return rng.choices(values, cum_weights=cumulative)[0]


def make_record(rng: random.Random, number: int, width: int) -> Record:
    """An invented, well-formed record: who, born when, arrested when, held where, released or dead."""
    r = Record()
    r.number = number
    r.slug = r.person_slug = f"synthetic-{number:0{width}d}"
    female = rng.random() >= MALE_RATE
    r.given, r.given_ru = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
    arrest = _weighted(rng, _ARREST)
    age = int(rng.triangular(17, 66, 27))
    married = female and age >= 22 and rng.random() < 0.7
    r.surname, r.surname_ru = surname_forms(*rng.choice(SURNAMES), female=female, married=married)
    r.labels = [(r.name, "en"), (r.name, "lt"), (f"{r.given_ru} {r.surname_ru}", "ru")]
    r.types = ["Person"]
    r.group = GROUP[0]
    r.birth = arrest - age
    r.source = r.outcome_source = SOURCE
    r.camp_slug, r.camp_label = rng.choices(CAMPS, cum_weights=_CAMP_WEIGHTS)[0][:2]
    r.camp = r.camp_slug
    r.location = "location"
    r.arrest = arrest
    sentence = rng.choice(SENTENCES)
    if rng.random() < DEATH_RATE:
        r.outcome = "death"
        r.outcome_year = rng.randint(arrest, min(arrest + sentence, 1956))
        r.death = r.outcome_year
    else:
        r.outcome = "release"
        end = arrest + sentence
        if end > 1953:
            end = max(arrest + 1, min(end, _weighted(rng, _RELEASE)))
        r.outcome_year = end
        r.death = None
    r.held_until = r.outcome_year
    what = "died" if r.died else "released"
    r.quote = (f"Record {number}: {r.surname} {r.given} ({r.surname_ru} {r.given_ru}), born {r.birth}, "
               f"{GROUP[1]}; arrested {arrest}; {r.camp_label}; {what} {r.outcome_year}.")
    return r


#################################################################
# Breakages: each one breaks a rule of shapes/
#################################################################


@dataclass(frozen=True)
class Breakage:
    """One way a record is broken: the field it touches, the shape that must report it, and how."""

    name: str
    slot: str
    shape: str
    description: str
    apply: Callable[[Record, random.Random], None]
    applies: Callable[[Record], bool] = lambda record: True


def _birth_as_text(r: Record, rng: random.Random) -> None:
    r.birth = str(r.birth)


def _birth_out_of_range(r: Record, rng: random.Random) -> None:
    text = str(r.birth)
    cut = rng.randrange(1, len(text))          # a digit dropped: 1921 -> 921, 191 or 192
    r.birth = int(text[:cut] + text[cut + 1:])


def _death_before_birth(r: Record, rng: random.Random) -> None:
    r.death = r.birth - rng.randint(1, 30)


def _no_english_label(r: Record, rng: random.Random) -> None:
    r.labels = [label for label in r.labels if label[1] != "en"]


def _second_english_label(r: Record, rng: random.Random) -> None:
    r.labels = r.labels + [(f"{r.surname} {r.given}", "en")]


def _untagged_label(r: Record, rng: random.Random) -> None:
    r.labels = [(text, None if tag == "lt" else tag) for text, tag in r.labels]


def _bad_language_tag(r: Record, rng: random.Random) -> None:
    # Well-formed enough for RDF parsers (BCP 47 syntax), but not a language code the shapes accept.
    old, new = rng.choice((("lt", "lt-lit"), ("ru", "russian"), ("ru", "ru-rus")))
    r.labels = [(text, new if tag == old else tag) for text, tag in r.labels]


def _no_source(r: Record, rng: random.Random) -> None:
    r.source = None


def _undescribed_source(r: Record, rng: random.Random) -> None:
    r.source = "synthetic-prisoner-registry"


def _unknown_group(r: Record, rng: random.Random) -> None:
    r.group = "lithuanian"


def _empty_quote(r: Record, rng: random.Random) -> None:
    r.quote = rng.choice(("", " "))


def _bad_person_iri(r: Record, rng: random.Random) -> None:
    r.person_slug = r.person_slug.replace("synthetic-", "Synthetic_")


def _undeclared_class(r: Record, rng: random.Random) -> None:
    r.types = r.types + ["Prisoner"]


def _release_before_arrest(r: Record, rng: random.Random) -> None:
    r.held_until = r.arrest - rng.randint(1, 5)


def _unknown_camp(r: Record, rng: random.Random) -> None:
    r.camp = next(typo for slug, _label, _weight, typo in CAMPS if slug == r.camp_slug)


def _misspelt_property(r: Record, rng: random.Random) -> None:
    r.location = "lcoation"


def _event_without_source(r: Record, rng: random.Random) -> None:
    r.outcome_source = None


def _year_as_text(r: Record, rng: random.Random) -> None:
    r.outcome_year = f"c. {r.outcome_year}"


#: Every way a record can be broken, by name. ``shape`` is the shape of ``shapes/`` (``hgsh:`` local
#: name) that reports it; records with the same ``slot`` are never broken twice in that field.
BREAKAGES: dict[str, Breakage] = {b.name: b for b in (
    Breakage("birth-year-as-text", "birth", "Resource-startYear",
             'the birth year (hg:startYear) written as text, "1921"', _birth_as_text),
    Breakage("birth-year-out-of-range", "birth", "Resource-startYear",
             "a digit of the birth year dropped (921), outside 1700-2100", _birth_out_of_range),
    Breakage("death-before-birth", "birth", "Resource-period-order",
             "the year of death (hg:endYear) before the year of birth", _death_before_birth,
             lambda r: r.died),
    Breakage("missing-english-label", "labels", "Resource-label-english",
             "no English label, only the Lithuanian and Russian ones", _no_english_label),
    Breakage("second-english-label", "labels", "Resource-label-unique-lang",
             'a second English label ("Kazlauskas Jonas")', _second_english_label),
    Breakage("label-without-language", "labels", "Resource-label-datatype",
             "the Lithuanian label without its language tag", _untagged_label),
    Breakage("bad-language-tag", "labels", "Resource-language-tag",
             'a label tagged "lt-lit", "russian" or "ru-rus"', _bad_language_tag),
    Breakage("missing-source", "person-source", "Person-source",
             "the person without hg:source", _no_source),
    Breakage("undescribed-source", "person-source", "Resource-source-class",
             "the person's source misspelt (source:synthetic-prisoner-registry)", _undescribed_source),
    Breakage("unknown-people-group", "group", "Resource-peopleGroup-class",
             "the people group misspelt (group:lithuanian)", _unknown_group),
    Breakage("empty-quote", "quote", "Resource-quote-text",
             "the record's quote (hg:quote) empty or blank", _empty_quote),
    Breakage("person-iri", "iri", "Person-iri",
             "the person's IRI outside the IRI scheme (person:Synthetic_000001)", _bad_person_iri),
    Breakage("undeclared-class", "type", "Vocabulary-class-declared",
             "the person also typed hg:Prisoner, a class the ontology does not declare", _undeclared_class),
    Breakage("release-before-arrest", "period", "Resource-period-order",
             "the imprisonment ending (hg:endYear) before the arrest (hg:startYear)", _release_before_arrest),
    Breakage("unknown-camp", "camp", "Resource-location-class",
             "the camp of the imprisonment misspelt (camp:karlagas)", _unknown_camp),
    Breakage("misspelt-property", "camp", "Vocabulary-predicate-declared",
             "the camp given with hg:lcoation, a property the ontology does not declare", _misspelt_property),
    Breakage("event-missing-source", "outcome-source", "Event-source",
             "the release or death without hg:source", _event_without_source),
    Breakage("year-as-text", "outcome-year", "Resource-year",
             'the year of the release or death (hg:year) written as text, "c. 1956"', _year_as_text),
)}

SECOND_BREAKAGE_RATE = 0.25


class _Breaker:
    """Chooses, in turn, how each broken record is broken, so that every breakage comes up."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.queue = list(BREAKAGES)
        rng.shuffle(self.queue)

    def break_record(self, record: Record) -> tuple[str, ...]:
        first = next(name for name in self.queue if BREAKAGES[name].applies(record))
        self.queue.remove(first)
        self.queue.append(first)
        chosen = [first]
        if self.rng.random() < SECOND_BREAKAGE_RATE:
            slot = BREAKAGES[first].slot
            others = [n for n in BREAKAGES if BREAKAGES[n].slot != slot and BREAKAGES[n].applies(record)]
            chosen.append(self.rng.choice(others))
        for name in chosen:
            BREAKAGES[name].apply(record, self.rng)
        return tuple(chosen)


#################################################################
# Writing: N-Triples or Turtle, one record at a time
#################################################################

PREFIXES = {
    "rdf": RDF, "rdfs": RDFS, "xsd": XSD, "dcterms": DCTERMS, "hg": HG,
    "person": HGID + "person/", "event": HGID + "event/", "camp": HGID + "camp/",
    "group": HGID + "group/", "source": HGID + "source/",
}


def _literal(text: str) -> str:
    if '"' in text or "\\" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{text}"'


class _NTriples:
    def name(self, prefix: str, local: str) -> str:
        return f"<{PREFIXES[prefix]}{local}>"

    def text(self, value: str, tag: str | None = None) -> str:
        return f"{_literal(value)}@{tag}" if tag else _literal(value)

    def value(self, value: int | str) -> str:
        return f'"{value}"^^<{XSD}integer>' if isinstance(value, int) else _literal(value)

    def prefixes(self) -> str:
        return ""

    def block(self, subject: str, pairs: list[tuple[str, str]]) -> str:
        return "".join([f"{subject} {p} {o} .\n" for p, o in pairs])


class _Turtle(_NTriples):
    def name(self, prefix: str, local: str) -> str:
        if prefix == "rdf" and local == "type":
            return "a"
        return f"{prefix}:{local}"

    def value(self, value: int | str) -> str:
        return str(value) if isinstance(value, int) else _literal(value)

    def prefixes(self) -> str:
        width = max(map(len, PREFIXES)) + 2
        return "".join(f"@prefix {f'{p}:':<{width}}<{ns}> .\n" for p, ns in PREFIXES.items()) + "\n"

    def block(self, subject: str, pairs: list[tuple[str, str]]) -> str:
        parts = []
        last = None
        for p, o in pairs:
            if p == last:
                parts.append(f" , {o}")
            else:
                parts.append(f" ;\n    {p} {o}" if last is not None else f"\n    {p} {o}")
                last = p
        return subject + "".join(parts) + " .\n\n"


class _Writer:
    """Renders records in one syntax; counts the triples it renders."""

    def __init__(self, syntax: _NTriples):
        self.s = s = syntax
        self.triples = 0
        n = s.name
        self.type = n("rdf", "type")
        self.label = n("rdfs", "label")
        self.comment = n("rdfs", "comment")
        self.source = n("hg", "source")
        self.quote = n("hg", "quote")
        self.group = n("hg", "peopleGroup")
        self.start = n("hg", "startYear")
        self.end = n("hg", "endYear")
        self.year = n("hg", "year")
        self.victim = n("hg", "victim")
        self.participant = n("hg", "participant")
        self.sub_event = n("hg", "subEventOf")
        self.parent = n("event", PARENT_EVENT)
        self.source_iri = n("source", SOURCE)
        self.imprisonment = n("hg", "Imprisonment")
        self.outcome = {"release": n("hg", "Release"), "death": n("hg", "Death")}

    def source_block(self, persons: int, seed: int, invalid_rate: float) -> str:
        s = self.s
        pairs = [
            (self.type, s.name("hg", "SourceDocument")),
            (self.label, s.text("Synthetic prisoner register (generated test data, not a historical source)", "en")),
            (s.name("dcterms", "title"), s.text("Synthetic prisoner register", "en")),
            (self.comment, s.text(
                "A register of invented prisoners of the Kazakhstan camps, generated by heritage-graph for "
                "tests and benchmarks. Its names, years and records are made up and refer to no real "
                "person; some records are broken on purpose to test validation.", "en")),
            (s.name("dcterms", "identifier"), s.text(_command(persons, seed, invalid_rate))),
        ]
        self.triples += len(pairs)
        return s.block(self.source_iri, pairs)

    def record(self, r: Record) -> str:
        s = self.s
        name = s.name
        person = name("person", r.person_slug)
        source = name("source", r.source) if r.source else None
        camp = name("camp", r.camp)
        pairs = [(self.type, name("hg", t)) for t in r.types]
        pairs += [(self.label, s.text(text, tag)) for text, tag in r.labels]
        pairs.append((self.group, name("group", r.group)))
        pairs.append((self.start, s.value(r.birth)))
        if r.death is not None:
            pairs.append((self.end, s.value(r.death)))
        if source:
            pairs.append((self.source, source))
        pairs.append((self.quote, s.text(r.quote)))
        held = [
            (self.type, self.imprisonment),
            (self.label, s.text(f"Imprisonment of {r.name} at {r.camp_label}", "en")),
            (self.victim, person),
            (self.sub_event, self.parent),
            (name("hg", r.location), camp),
            (self.start, s.value(r.arrest)),
            (self.end, s.value(r.held_until)),
            (self.source, self.source_iri),
        ]
        what = (f"Death of {r.name} at {r.camp_label}" if r.died
                else f"Release of {r.name} from {r.camp_label}")
        ended = [
            (self.type, self.outcome[r.outcome]),
            (self.label, s.text(what, "en")),
            (self.participant, person),
            (self.year, s.value(r.outcome_year)),
            (name("hg", "location"), name("camp", r.camp_slug)),
        ]
        if r.outcome_source:
            ended.append((self.source, self.source_iri))
        self.triples += len(pairs) + len(held) + len(ended)
        return (s.block(person, pairs)
                + s.block(name("event", f"{r.slug}-imprisonment"), held)
                + s.block(name("event", f"{r.slug}-{r.outcome}"), ended))


def _command(persons: int, seed: int, invalid_rate: float) -> str:
    return f"heritage-graph generate --persons {persons} --seed {seed} --invalid-rate {invalid_rate:g}"


#################################################################
# The register
#################################################################


@dataclass
class Summary:
    """What :func:`generate` wrote: how many persons and triples, and which records are broken how."""

    out: Path
    persons: int
    triples: int
    #: The broken records: record number -> the names of the breakages (keys of :data:`BREAKAGES`).
    broken: dict[int, tuple[str, ...]] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def broken_persons(self) -> int:
        """How many persons have a broken record (each breaks at least one rule of the shapes)."""
        return len(self.broken)

    @property
    def triples_per_person(self) -> float:
        return self.triples / self.persons if self.persons else 0.0

    def breakages(self) -> Counter:
        """How often each breakage was used."""
        return Counter(name for names in self.broken.values() for name in names)

    def text(self) -> str:
        return (f"Wrote {self.persons:,} persons ({self.broken_persons:,} broken), {self.triples:,} triples "
                f"({self.triples_per_person:.1f} per person) to {self.out} in {self.seconds:.1f} s")


def record_number(iri: str) -> int | None:
    """The register record that a person or event IRI of the register belongs to, else ``None``.

    >>> record_number("https://w3id.org/heritage-graph/id/event/synthetic-000042-release")
    42
    >>> record_number("https://w3id.org/heritage-graph/id/person/Synthetic_000042")
    42
    >>> record_number("https://w3id.org/heritage-graph/id/camp/karlag") is None
    True
    """
    for kind in ("person/", "event/"):
        start = iri.find("/id/" + kind)
        if start == -1:
            continue
        local = iri[start + 4 + len(kind):]
        if local[:10].lower() == "synthetic-" or local[:10].lower() == "synthetic_":
            digits = local[10:].split("-", 1)[0]
            if digits.isdigit():
                return int(digits)
    return None


def context_paths() -> list[Path]:
    """The bundled data folders that define what the register points to (camps, group, parent event)."""
    data = resources.folder("data")
    return [data / "common", data / "kazakhstan"]


def check_arguments(persons, seed, invalid_rate, out) -> Path:
    """Refuse arguments :func:`generate` cannot use, with a sentence naming the bad value.

    :raises ConfigError: a negative or fractional number of persons, a seed that is not a whole
        number, a rate outside 0 to 1, or an output that is not a ``.nt`` or ``.ttl`` file.
    """
    if isinstance(persons, bool) or not isinstance(persons, int) or persons < 0:
        raise ConfigError(f"the number of persons (--persons) must be a whole number, 0 or more, not {persons!r}")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ConfigError(f"the seed (--seed) must be a whole number, not {seed!r}")
    if (isinstance(invalid_rate, bool) or not isinstance(invalid_rate, (int, float))
            or not math.isfinite(invalid_rate) or not 0 <= invalid_rate <= 1):
        raise ConfigError(f"the share of broken records (--invalid-rate) must be a number from 0 to 1, "
                          f"not {invalid_rate!r}")
    out = Path(out)
    if out.suffix not in FORMATS:
        raise ConfigError(f"{out}: write the register to a .nt (N-Triples) or .ttl (Turtle) file")
    if out.is_dir():
        raise ConfigError(f"{out}: is a folder; name the file to write")
    return out


def parse_arguments(persons: str, seed: str, invalid_rate: str) -> tuple[int, int, float]:
    """The command line's text for ``--persons``, ``--seed`` and ``--invalid-rate``, as numbers.

    >>> parse_arguments("1000", "7", "0.05")
    (1000, 7, 0.05)

    :raises ConfigError: a value that is not a number of the right kind.
    """
    def number(text: str, option: str, kind: type, what: str):
        try:
            return kind(text.strip().replace("_", ""))
        except ValueError:
            raise ConfigError(f"{option} must be {what}, not {text!r}") from None

    return (number(persons, "the number of persons (--persons)", int, "a whole number, 0 or more"),
            number(seed, "the seed (--seed)", int, "a whole number"),
            number(invalid_rate, "the share of broken records (--invalid-rate)", float, "a number from 0 to 1"))


def generate(persons: int, seed: int, invalid_rate: float, out: Path | str, *,
             show_progress: bool | None = None) -> Summary:
    """Write a synthetic register of ``persons`` prisoners to ``out`` (``.nt`` or ``.ttl``), atomically.

    ``round(persons * invalid_rate)`` records, chosen by the seed, are broken (see
    :data:`BREAKAGES`); the others conform to the shapes when validated with
    :func:`context_paths`. The same arguments give the same bytes.

    :param show_progress: draw a progress bar on standard error; ``None`` (the default) draws it
        when the terminal is watching and the work takes more than a second.
    :raises ConfigError: an argument that cannot be used (:func:`check_arguments`) or an output
        that cannot be written.
    """
    out = check_arguments(persons, seed, invalid_rate, out)
    started = time.monotonic()
    writer = _Writer(_Turtle() if out.suffix == ".ttl" else _NTriples())
    rng = random.Random(seed)
    breaker_rng = random.Random(f"heritage-graph generate: broken records, seed {seed}")
    broken_count = round(persons * invalid_rate)
    to_break = set(breaker_rng.sample(range(1, persons + 1), broken_count))
    breaker = _Breaker(breaker_rng)
    width = max(6, len(str(persons)))
    broken: dict[int, tuple[str, ...]] = {}
    try:
        with open_atomic(out) as handle, progress(persons, "generate", "persons",
                                                   enabled=show_progress) as bar:
            handle.write(_header(persons, seed, invalid_rate, writer.s))
            handle.write(writer.source_block(persons, seed, invalid_rate))
            for first in range(1, persons + 1, CHUNK):
                last = min(first + CHUNK, persons + 1)
                parts = []
                for number in range(first, last):
                    record = make_record(rng, number, width)
                    if number in to_break:
                        broken[number] = breaker.break_record(record)
                    parts.append(writer.record(record))
                handle.write("".join(parts))
                bar.update(last - first)
    except OSError as exc:
        raise ConfigError(f"{out}: cannot be written ({exc.strerror or exc})") from exc
    return Summary(out=out, persons=persons, triples=writer.triples, broken=broken,
                   seconds=time.monotonic() - started)


def _header(persons: int, seed: int, invalid_rate: float, syntax: _NTriples) -> str:
    lines = [
        "# Synthetic prisoner register: invented persons, not historical data.",
        f"# Generated by '{_command(persons, seed, invalid_rate)}'; do not edit by hand.",
        f"# {persons} persons, {round(persons * invalid_rate)} of them broken on purpose (see docs/generate.md).",
        "# Validate with the bundled data it points to: heritage-graph validate data/common data/kazakhstan FILE",
    ]
    assert len(lines) == HEADER_LINES
    return "\n".join(lines) + "\n" + ("\n" if syntax.prefixes() else "") + syntax.prefixes()
