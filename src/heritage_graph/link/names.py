"""Names across scripts: transliteration, normalisation, and how alike two names are.

>>> normalise("Карагандинский ИТЛ")
'karagandinsky'
>>> normalise("Steplag Gulag") == normalise("Степлаг")
True
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz

#: Cyrillic to Latin, after BGN/PCGN (Russian) with the letters of Kazakh and Ukrainian, simplified:
#: no apostrophes for the soft and hard signs, ``ё`` as ``e``.
CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    # Kazakh
    "ә": "a", "ғ": "gh", "қ": "q", "ң": "ng", "ө": "o", "ұ": "u", "ү": "u", "һ": "h", "і": "i",
    # Ukrainian and Belarusian
    "є": "ye", "ї": "yi", "ґ": "g", "ў": "u",
}

#: Spelling variants folded after transliteration, so that "Peshchenlag" meets "Peschanlag",
#: "Qaraghandy" meets "Karagandy" and "Karagandinskiy" meets "Karagandinsky".
FOLDS = [
    (re.compile(r"shch"), "sch"),
    (re.compile(r"kh"), "h"),
    (re.compile(r"gh"), "g"),
    (re.compile(r"q"), "k"),
    (re.compile(r"w"), "v"),
    (re.compile(r"(?:iy|yy|ij|ii|yi|yj)\b"), "y"),
]

#: Words that name the kind of a camp rather than the camp, dropped before names are compared
#: (in their folded Latin form: "лагерь" is "lager", "ИТЛ" is "itl").
CAMP_WORDS = frozenset({
    "itl", "lag", "lager", "lagerya", "lagerey", "lagernoe", "camp", "camps", "gulag", "lageris",
    "no", "of", "the", "and", "i",
})

_NON_WORD = re.compile(r"[^a-z0-9]+")


def transliterate(text: str) -> str:
    """``text`` in lower case with every Cyrillic letter written in Latin letters (:data:`CYRILLIC`).

    >>> transliterate("Қарағанды")
    'qaraghandy'
    """
    return "".join(CYRILLIC.get(ch, ch) for ch in text.lower())


def normalise(name: str, *, drop_camp_words: bool = True) -> str:
    """A name reduced for comparison across scripts and spellings.

    Lower case, Cyrillic transliterated, diacritics dropped (``Balchašas`` → ``balchasas``),
    every run of punctuation made one space, the :data:`FOLDS` applied and, unless told not to,
    the :data:`CAMP_WORDS` dropped (a name made only of them is kept whole).

    >>> normalise("Qaraghandy") == normalise("Karagandy")
    True
    >>> normalise("Особлаг № 4")
    'osoblag 4'
    """
    text = unicodedata.normalize("NFKC", name)
    text = transliterate(text)
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    text = _NON_WORD.sub(" ", text).strip()
    for pattern, replacement in FOLDS:
        text = pattern.sub(replacement, text)
    words = text.split()
    if drop_camp_words:
        kept = [w for w in words if w not in CAMP_WORDS]
        words = kept or words
    return " ".join(words)


def label_similarity(a: str, b: str) -> float:
    """How alike two normalised names are, 0–1: the better of rapidfuzz's ``ratio`` and ``token_sort_ratio``.

    >>> label_similarity("karlag", "karlag")
    1.0
    """
    if not a or not b:
        return 0.0
    return max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b)) / 100.0
