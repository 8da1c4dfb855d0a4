"""Search by name (heritage_graph.web.search): the keys by table, the index over the bundled data and a
generated register, and the static site's script reducing queries exactly as the server does."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from heritage_graph.generate import generate
from heritage_graph.rdf.load import load
from heritage_graph.util import resources
from heritage_graph.web.data import SiteData
from heritage_graph.web.search import MAX_QUERY, MAX_RESULTS, SearchIndex, browser_rules, search_key
from heritage_graph.web.templating import TEMPLATES

ID = "https://w3id.org/heritage-graph/id/"

#: (name, another spelling of it): the two must have one key.
SAME = [
    ("Карлаг", "Karlag"), ("Karlagas", "Karlag"), ("KARLAG", "karlag"), ("Степлаг", "Steplag"),
    ("Steplagas", "Steplag"), ("Кенгир", "Kengir"), ("Kengyras", "Kengir"), ("Kengyr", "Kengir"),
    ("Kingyr", "Kingir"), ("Спасск", "Spassk"), ("Spask", "Spassk"), ("Қарағанды", "Karagandy"),
    ("Žemaitis", "Zemaitis"), ("Жемайтис", "Žemaitis"), ("Kazlauskienė", "Kazlauskas"),
    ("Kazlauskaitė", "Kazlauskas"), ("Казлаускас", "Kazlauskas"), ("Казлаускене", "Kazlauskas"),
    ("Казлаускайте", "Kazlauskaitė"), ("Stonkuvienė", "Stonkus"), ("Стонкувене", "Stonkus"),
    ("Stonkutė", "Stonkus"), ("Vaitkevičiūtė", "Vaitkevičius"), ("Вайткевичюс", "Vaitkevičius"),
    ("Žemaitytė", "Žemaitis"), ("Жемайтите", "Žemaitis"), ("Jurgis", "Юргис"), ("Ąžuolas", "azuol"),
    ("Čėsna Ūla Įvaras Ęša Ųsas", "cesna ula ivar esa usas"), ("Өскемен Ұлытау Ғабит Әлия", "oskemen ulitau gabit alia"),
]
#: Names that must stay apart.
APART = [("Karlag", "Steplag"), ("Kazlauskas", "Kazakhstan"), ("Spassk", "Spasskaya"), ("is", "as")]


@pytest.mark.parametrize(("one", "other"), SAME)
def test_spellings_of_one_name_have_one_key(one, other):
    assert search_key(one) == search_key(other)


@pytest.mark.parametrize(("one", "other"), APART)
def test_other_names_have_other_keys(one, other):
    assert search_key(one) != search_key(other)


@pytest.fixture(scope="module")
def bundled() -> SearchIndex:
    return SearchIndex.of(SiteData(load(None).store))


@pytest.mark.parametrize(("query", "first", "level"), [
    ("Карлаг", "camp/karlag", "exact"), ("karlag", "camp/karlag", "exact"), ("Karlagas", "camp/karlag", "exact"),
    ("KARLAGAS", "camp/karlag", "exact"), ("Karla", "camp/karlag", "prefix"), ("Steplag", "camp/steplag", "exact"),
    ("Степлаг", "camp/steplag", "exact"), ("Steplagas", "camp/steplag", "exact"), ("Kengir", "place/kengir", "exact"),
    ("Kingir", "place/kengir", "exact"), ("Кенгир", "place/kengir", "exact"), ("Kengyras", "place/kengir", "exact"),
    ("Kengiras", "place/kengir", "normalised"), ("Spassk", "camp/spassk", "exact"), ("Спасск", "camp/spassk", "exact"),
    ("Spask", "camp/spassk", "exact"), ("спаск", "camp/spassk", "normalised"), ("spas", "camp/spassk", "prefix"),
])
def test_the_bundled_data_is_found_by_any_spelling(bundled, query, first, level):
    hits = bundled.search(query)
    assert hits[0].iri == ID + first, [h.iri for h in hits[:5]]
    assert hits[0].level == level
    assert hits[0].path == f"doc/{first}.html"


def test_a_camp_found_by_its_name_ranks_before_one_that_has_it_as_another_name(bundled):
    hits = bundled.search("Karlag")
    assert [h.iri for h in hits[:2]] == [ID + "camp/karlag", ID + "camp/gulag-map-195"]
    assert (hits[1].matched, hits[1].label) == ("Karlag", "Karagandinsky ITL")


def test_names_beginning_with_the_query_come_after_whole_names_and_claims_are_not_searched(bundled):
    hits = bundled.search("Spassk", limit=MAX_RESULTS)
    levels = [h.level for h in hits]
    assert levels == sorted(levels, key=["exact", "normalised", "prefix"].index)
    assert ID + "site/spassk-memorial-cemetery" in {h.iri for h in hits}
    assert not any("/claim/" in h.iri for h in bundled.search("Karlag", limit=MAX_RESULTS))


def test_a_search_is_bounded(bundled):
    assert len(bundled.search("a", limit=10_000)) == MAX_RESULTS
    assert bundled.search("   ") == []
    with pytest.raises(ValueError, match="longer than"):
        bundled.search("k" * (MAX_QUERY + 1))


@pytest.fixture(scope="module")
def register(tmp_path_factory) -> SearchIndex:
    """The index of the bundled data with a generated register of 300 persons beside it."""
    path = tmp_path_factory.mktemp("register") / "register.ttl"
    generate(300, 3, 0.0, path, show_progress=False)
    return SearchIndex.of(SiteData(load(resources.data_files() + [path]).store))


def _people(index: SearchIndex) -> list[tuple[str, str, str]]:
    """(IRI, Lithuanian name, Russian name) of every person of the register."""
    found: dict[str, dict] = {}
    for node, name, language, _ in index.names:
        if "/person/" in node.value:
            found.setdefault(node.value, {})[language] = name
    return [(iri, names["lt"], names["ru"]) for iri, names in found.items() if "lt" in names and "ru" in names]


@pytest.mark.parametrize("ending, masculine", [("uvienė", "us"), ("ienė", "as"), ("aitė", "as"), ("ytė", "is")])
def test_a_woman_of_a_generated_register_is_found_by_the_mans_form_of_her_surname(register, ending, masculine):
    people = [p for p in _people(register) if p[1].split()[-1].endswith(ending)
              and not (ending == "ienė" and p[1].endswith("uvienė"))]
    assert people, f"the register has no surname ending in -{ending}"
    iri, lithuanian, russian = people[0]
    given, surname = lithuanian.rsplit(" ", 1)
    man = surname[: -len(ending)] + masculine
    for query in (man, f"{given} {man}", russian, russian.split()[-1], lithuanian):
        assert iri in [h.iri for h in register.search(query, limit=MAX_RESULTS)], (query, lithuanian)


def test_a_person_is_found_once_and_the_events_of_their_life_through_them(register, bundled):
    """A register's arrest, imprisonment, release and death of one person are not results of their
    own (the person's page lists them); an event other resources refer to stays one."""
    iri, lithuanian, _ = _people(register)[0]
    number = iri.rsplit("-", 1)[1]
    hits = [h.iri for h in register.search(lithuanian, limit=MAX_RESULTS)]
    assert iri in hits
    assert not [h for h in hits if f"/event/synthetic-{number}-" in h], hits
    assert not [node for node, *_ in register.names if "/event/synthetic-" in node.value]
    assert ID + "event/death-of-joseph-stalin" in [h.iri for h in bundled.search("death of Joseph Stalin")]


NODE = shutil.which("node")


@pytest.mark.skipif(NODE is None, reason="needs Node.js to run the static site's script")
def test_the_static_sites_script_reduces_a_query_as_the_server_does(tmp_path):
    names = [name for pair in SAME for name in pair] + ["Kazlauskas Antanas", "Ona Kazlauskienė-Žemaitė", "Щ ß ø ł"]
    runner = tmp_path / "keys.js"
    runner.write_text(
        "const window = {heritageGraphSearchRules: " + browser_rules() + ", addEventListener() {}};\n"
        "globalThis.window = window;\n"
        + (TEMPLATES / "search.js").read_text(encoding="utf-8") + "\n"
        "const names = JSON.parse(require('fs').readFileSync(0, 'utf8'));\n"
        "process.stdout.write(JSON.stringify(names.map(window.heritageGraphSearchKey)));\n", encoding="utf-8")
    answer = subprocess.run([NODE, str(runner)], input=json.dumps(names), capture_output=True, text=True, timeout=60,
                            check=True)
    assert json.loads(answer.stdout) == [search_key(name) for name in names]
