"""The records of the synthetic register: invented persons, their names, camps and years, drawn from a seed."""

from __future__ import annotations

import random
from itertools import accumulate


SOURCE = "synthetic-prisoner-register"
GROUP = ("lithuanians", "Lithuanian")
PARENT_EVENT = "imprisonment-of-lithuanians-in-kazakhstan"

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
