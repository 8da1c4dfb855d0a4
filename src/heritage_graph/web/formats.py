"""How the pages write numbers, shares, times and degrees.

>>> format_number("20500"), format_share("0.146"), degrees(-40.25, "N", "S")
('20,500', '14.6%', '40.25°S')
"""

from __future__ import annotations


def format_number(text: str) -> str:
    """``20500`` → ``20,500``; decimals keep their digits (``-40``, ``0.146``)."""
    sign = "-" if text.startswith("-") else ""
    digits = text.lstrip("+-")
    whole, dot, fraction = digits.partition(".")
    if whole.isdigit() and (not fraction or fraction.isdigit()):
        grouped = f"{int(whole):,}"
        return sign + grouped + (dot + fraction if fraction else "")
    return text


def format_share(text: str) -> str:
    """A fraction as a percentage: ``0.15`` → ``15%``, ``0.146`` → ``14.6%``."""
    try:
        percent = float(text) * 100
    except ValueError:
        return text
    shown = f"{percent:.2f}".rstrip("0").rstrip(".")
    return f"{shown}%"


def describe_time(years, starts, ends, dates, descriptions) -> str:
    """When a claim holds, from its literals: its years, else its span, else its date, else its words."""
    if years:
        return ", ".join(y.value for y in years)
    if starts or ends:
        return f"{starts[0].value if starts else '?'}–{ends[0].value if ends else '?'}"
    if dates:
        return dates[0].value
    if descriptions:
        return descriptions[0].value
    return ""


def degrees(value: float, positive: str, negative: str) -> str:
    """A latitude or longitude with its hemisphere: ``51.5°N``."""
    text = f"{abs(value):.2f}".rstrip("0").rstrip(".")
    return f"{text}°{positive if value >= 0 else negative}"
