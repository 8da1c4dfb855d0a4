"""Breakages: the ways a record is broken on purpose, each against a rule of ``shapes/``."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from .records import CAMPS, Record

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


class Breaker:
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
