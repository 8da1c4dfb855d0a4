"""The texts of the GULAG map register: titles cleaned, transliterated and split, values shown in messages."""

from __future__ import annotations

from typing import Any

from ..pgsql import DEFAULT, Expression

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


def show(value: Any) -> str:
    """A value of the export as a message shows it: NULL, DEFAULT, an expression's text, a quoted text."""
    if value is None:
        return "NULL"
    if value is DEFAULT:
        return "DEFAULT"
    if isinstance(value, Expression):
        return clip(value.text)
    if isinstance(value, str):
        return repr(clip(value))
    return clip(str(value))


def clip(value: Any, width: int = 60) -> str:
    """``value`` as text cut to ``width`` characters for a message."""
    shown = str(value)
    return shown if len(shown) <= width else shown[: width - 3] + "..."
