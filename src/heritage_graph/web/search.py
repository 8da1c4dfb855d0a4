"""Search by name: names reduced to search keys, and the index of every name of every resource with a page.

One set of rules makes the keys, on ``serve`` (:class:`SearchIndex`) and in a static release
(each searched resource is one record of Pagefind's index, holding its names and their keys:
:func:`index_words`; the same rules, as data, are run on the query in the browser:
:func:`browser_rules`). A name becomes its key in four steps:

1. **Case and accents**: lower case, then decomposed (NFKD) with the combining marks dropped:
   ``Kazlauskienė`` → ``kazlauskiene``, ``Balchašas`` → ``balchasas``.
2. **Script**: every letter left outside ASCII (Cyrillic, with the letters of Kazakh, Ukrainian
   and Belarusian; ``ł``, ``ß``, ``ø`` …) written in Latin letters as ``anyascii`` writes it:
   ``Карлаг`` → ``karlag``, ``Қарағанды`` → ``qaraghandy``. Anything else but letters and
   digits separates words.
3. **Spelling**: the variants of transliteration folded (:data:`FOLDS`), in order: ``shch`` →
   ``sc``, ``kh`` → ``h``, ``zh`` → ``z``, ``ch`` → ``c``, ``sh`` → ``s``, ``ts`` → ``c``,
   ``gh`` → ``g``, ``q`` → ``k``, ``w`` → ``v``, ``x`` → ``ks``, ``j`` and ``y`` → ``i``, and a
   doubled letter written once. So ``Жемайтис`` (``zhemaytis``) and ``Žemaitis`` meet at
   ``zemaitis``, ``Spassk`` and ``Spask`` at ``spask``, ``Kengyr`` and ``Kengir`` at ``kengir``.
4. **Lithuanian surname forms**: each word loses the first ending of :data:`ENDINGS` it ends in,
   if three letters stay. A man's surname ends in ``-as``, ``-is``, ``-ys``, ``-us`` or ``-ius``;
   his wife's in ``-ienė`` (``-uvienė`` for ``-us``), his unmarried daughter's in ``-aitė``
   (``-as``), ``-ytė`` (``-is``, ``-ys``), ``-utė`` (``-us``) or ``-iūtė`` (``-ius``); Russian
   writes them ``-ас``, ``-ис``, ``-ус``, ``-юс``, ``-увене``, ``-ене``, ``-айте``, ``-ите``, ``-уте``,
   ``-юте``. All of them leave the stem: ``Kazlauskas``, ``Kazlauskienė``, ``Kazlauskaitė``,
   ``Казлаускас`` and ``Казлаускене`` are all ``kazlausk``. The same rule makes the Lithuanian
   name of a camp meet its name in other languages: ``Karlagas`` → ``karlag``.

Matches rank in three levels: **exact** (the name as typed, ignoring case), **normalised** (the
keys are equal) and **prefix** (the query's key begins the key of the name or of one of its
words: ``spas`` finds ``Spassk``). Within a level a resource's own label (``rdfs:label``,
``skos:prefLabel``) ranks before an alternative name, then a shorter name before a longer one.

>>> search_key("Kazlauskienė") == search_key("Казлаускас") == search_key("Kazlauskaitė") == "kazlausk"
True
>>> search_key("Карлаг"), search_key("Karlagas"), search_key("Kingyr"), search_key("Спасск")
('karlag', 'karlag', 'kingir', 'spask')
"""

from __future__ import annotations

import bisect
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox
from anyascii import anyascii

from ..rdf.labels import LABEL, PREF_LABEL
from .data import ALT_LABEL, SiteData

#: The longest query searched (characters); a longer one is refused.
MAX_QUERY = 200
#: The most results one search gives.
MAX_RESULTS = 100
#: The results a search gives unless asked for fewer.
DEFAULT_RESULTS = 20

#: The spelling variants of transliteration, folded in this order (regular expressions, written
#: so that Python and the browser read them alike).
FOLDS = (
    ("shch", "sc"), ("kh", "h"), ("zh", "z"), ("ch", "c"), ("sh", "s"), ("ts", "c"), ("gh", "g"),
    ("q", "k"), ("w", "v"), ("x", "ks"), ("[jy]", "i"), (r"([a-z])\1+", r"\1"),
)
#: The endings of Lithuanian surnames, after folding, longest first: the wife's, the daughter's,
#: then the man's (see the module's documentation). ``-uvene`` and ``-ene`` are the Russian writing of
#: ``-uvienė`` and ``-ienė``.
ENDINGS = ("uviene", "uvene", "iene", "aite", "iute", "ene", "ute", "ite", "ius", "as", "is", "us")
#: The fewest letters a word keeps when it loses its ending.
MIN_STEM = 3

#: How a match ranks, best first.
LEVELS = ("exact", "normalised", "prefix")

_NON_WORD = re.compile(r"[^a-z0-9]+")
_FOLDS = tuple((re.compile(pattern), replacement) for pattern, replacement in FOLDS)


@lru_cache(maxsize=1)
def letters() -> dict[str, str]:
    """Each letter outside ASCII that names use, in Latin letters, lower case (from ``anyascii``):
    Latin-1 to Latin Extended-B, Greek and Cyrillic (U+00A0–U+052F), decomposed letters excepted."""
    table = {}
    for code in range(0xA0, 0x530):
        ch = chr(code)
        if unicodedata.category(ch).startswith("M") or unicodedata.normalize("NFKD", ch) != ch:
            continue
        if not ch.isalpha() and not ch.isdigit():
            continue
        latin = anyascii(ch).lower()
        if latin != ch:
            table[ch] = latin
    return table


def fold(text: str) -> str:
    """``text`` as lower-case Latin words, accents dropped and spelling variants folded (steps 1–3).

    >>> fold("Жемайтис"), fold("Žemaitis"), fold("Kengyr")
    ('zemaitis', 'zemaitis', 'kengir')
    """
    table = letters()
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(table.get(ch, ch) for ch in text if not unicodedata.category(ch).startswith("M"))
    text = _NON_WORD.sub(" ", text.lower()).strip()
    for pattern, replacement in _FOLDS:
        text = pattern.sub(replacement, text)
    return text


def stem(word: str) -> str:
    """A folded word without its Lithuanian surname ending (step 4).

    >>> stem("kazlauskiene"), stem("vaitkeviciute"), stem("butkuviene"), stem("is")
    ('kazlausk', 'vaitkevic', 'butk', 'is')
    """
    for ending in ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM:
            return word[: -len(ending)]
    return word


def search_key(text: str) -> str:
    """The search key of a name or a query: its folded words, each stemmed, joined by spaces."""
    return " ".join(stem(word) for word in fold(text).split())


def index_words(names) -> str:
    """The words a resource is found by in the static search: the folded words and the keys of
    ``names``, each once (its Pagefind record holds them beside the names)."""
    words: dict[str, None] = {}
    for name in names:
        for token in name.split():
            words.update(dict.fromkeys(_token_words(token)))
    return " ".join(words)


@lru_cache(maxsize=1 << 16)
def _token_words(token: str) -> tuple[str, ...]:
    """The folded words of one whitespace-free part of a name, each followed by its stem
    (remembered: names share their parts, first names and surnames above all). No rule of
    :func:`fold` reaches across a space, so a name's words are those of its parts."""
    out = []
    for word in fold(token).split():
        out += [word, stem(word)]
    return tuple(out)


def browser_rules() -> str:
    """The rules of :func:`search_key` as JSON, for the static site's script to run on a query."""
    return json.dumps({"letters": letters(), "folds": FOLDS, "endings": ENDINGS, "minStem": MIN_STEM},
                      ensure_ascii=False, sort_keys=True, separators=(",", ":"))


# -- the index ------------------------------------------------------------------------------


def searched_names(data: SiteData) -> list[tuple[ox.NamedNode, str, str | None, int]]:
    """Every name of every resource searched (those with a page, claims excepted), as (resource,
    name, language, 0 for a label or 1 for another name), grouped by resource, labels first: the
    names :class:`SearchIndex` answers from on ``serve`` and the static release's index is made of
    (one pass per naming property)."""
    claim = data.hgn("Claim")
    pages = {node for node in data.data_typed
             if not any(claim in data.superclasses.get(c, {c}) for c in data.typed.get(node, ()))}
    pages -= life_events(data)
    names: dict[tuple, int] = {}
    for order, (predicate, rank) in enumerate(((LABEL, 0), (PREF_LABEL, 0), (ALT_LABEL, 1), (data.hgn("nickname"), 1))):
        for q in data.ox.quads_for_pattern(None, predicate, None, None):
            if q.subject in pages and isinstance(q.object, ox.Literal) and q.object.value.strip():
                names.setdefault((q.subject, q.object.value, q.object.language or None, rank), order)
    # a resource's labels by naming property, as SiteData.label reads them (see shown_label)
    return sorted(names, key=lambda n: (n[0].value, n[3], names[n], n[2] or "", n[1]))


def life_events(data: SiteData) -> frozenset[ox.NamedNode]:
    """The events of one person's life as a register records them (an arrest, an imprisonment, a
    release, a death): events whose victims and participants are one person and no one else, and
    that nothing in the graph refers to. They are found through the person, whose page lists them,
    and are left out of the search: a name would otherwise find a register's person three and four
    times over. An event other resources refer to (the death of Joseph Stalin, which the Kengir
    uprising came after) is searched as any other. Worked out once per ``data`` (the search and the
    timeline page both read them)."""
    found = data.memo.get("life events")
    if found is None:
        involved: dict[ox.NamedNode, set] = {}
        for role in ("victim", "participant"):
            for q in data.ox.quads_for_pattern(None, data.hgn(role), None, None):
                involved.setdefault(q.subject, set()).add(q.object)
        found = data.memo["life events"] = frozenset(
            node for node, who in involved.items()
            if len(who) == 1 and data.is_a(node, "Event") and data.is_a(next(iter(who)), "Person")
            and not data.incoming(node))
    return found


def shown_label(names, lang: str = "en") -> str | None:
    """The label :meth:`SiteData.label <heritage_graph.web.data.SiteData.label>` shows, from the
    names of one resource as :func:`searched_names` gives them: the first label in ``lang``, else
    the first without a language, else the first; None if it has no label."""
    labels = [(name, language or "") for _, name, language, rank in names if rank == 0]
    for wanted in (lang, ""):
        for name, language in labels:
            if language == wanted:
                return name
    return labels[0][0] if labels else None


@dataclass(frozen=True)
class Hit:
    """One resource found: its IRI, the page's path, the label shown, the name that matched (its
    language) and how (:data:`LEVELS`)."""

    iri: str
    path: str
    label: str
    kinds: tuple[str, ...]
    matched: str
    language: str | None
    level: str

    def as_json(self) -> dict:
        return {"iri": self.iri, "path": self.path, "label": self.label, "kinds": list(self.kinds),
                "matched": self.matched, "language": self.language, "level": self.level}


class SearchIndex:
    """Every name (``rdfs:label``, ``skos:prefLabel``, ``skos:altLabel``, ``hg:nickname``, in every
    language) of every resource the site has a page for, claims excepted, with their keys.

    Built once from a :class:`~heritage_graph.web.data.SiteData` (:meth:`of`); a search is a few
    dictionary lookups and two binary searches.
    """

    def __init__(self, names: list[tuple[ox.NamedNode, str, str | None, int]], data: SiteData):
        self.data = data
        self.names = names  # (node, name, language, 0 for a label, 1 for another name)
        self.exact: dict[str, list[int]] = {}
        self.keys: dict[str, list[int]] = {}
        tails: list[tuple[str, int]] = []
        for i, (_, name, _, _) in enumerate(names):
            self.exact.setdefault(name.casefold().strip(), []).append(i)
            key = search_key(name)
            self.keys.setdefault(key, []).append(i)
            for words in (key.split(), fold(name).split()):
                for start in range(len(words)):
                    tails.append((" ".join(words[start:]), i))
        tails = sorted(set(tails))
        self.tail_text = [t for t, _ in tails]
        self.tail_name = [i for _, i in tails]

    @classmethod
    def of(cls, data: SiteData) -> SearchIndex:
        """The index of the resources with a page in ``data``'s store (one pass per naming property)."""
        return cls(searched_names(data), data)

    def __len__(self) -> int:
        return len(self.names)

    def search(self, query: str, limit: int = DEFAULT_RESULTS) -> list[Hit]:
        """The resources whose names match ``query``, best first, each once, at most ``limit``.

        :raises ValueError: the query is longer than :data:`MAX_QUERY` characters.
        """
        if len(query) > MAX_QUERY:
            raise ValueError(f"the query is longer than {MAX_QUERY} characters")
        limit = max(1, min(int(limit), MAX_RESULTS))
        text = query.strip()
        if not text:
            return []
        key = search_key(text)
        found: dict[ox.NamedNode, tuple] = {}

        def offer(level: int, indexes) -> None:
            for i in indexes:
                node, name, language, rank = self.names[i]
                order = (level, rank, len(name), name.casefold(), node.value)
                best = found.get(node)
                if best is None or order < best[0]:
                    found[node] = (order, name, language)

        offer(0, self.exact.get(text.casefold(), ()))
        if key:
            offer(1, self.keys.get(key, ()))
            prefixes = {key, fold(text)}
            for prefix in prefixes:
                start = bisect.bisect_left(self.tail_text, prefix)
                stop = bisect.bisect_left(self.tail_text, prefix + "\U0010ffff")
                offer(2, (self.tail_name[j] for j in range(start, min(stop, start + 20 * MAX_RESULTS))))
        ranked = sorted(found.items(), key=lambda item: item[1][0])[:limit]
        return [self.hit(node, order[0], name, language) for node, (order, name, language) in ranked]

    def hit(self, node: ox.NamedNode, level: int, name: str, language: str | None) -> Hit:
        data = self.data
        return Hit(iri=node.value, path=data.doc_path(node.value) or "", label=data.label(node),
                   kinds=tuple(data.label(t) for t in data.types(node)), matched=name, language=language,
                   level=LEVELS[level])
