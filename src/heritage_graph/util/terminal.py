"""What reaches the terminal: text that came from files printed so that it cannot drive the terminal.

A label, a value, a file name or a line quoted from a file may hold control characters: ESC starts
the sequences that move the cursor, clear the screen or set the window's title, CR goes back to the
start of the line to print over it, BEL rings, and the bidirectional overrides and isolates
(U+202A to U+202E, U+2066 to U+2069) reorder the text that follows. :func:`printable` writes each
such character as an escape (``\\x1b``, ``\\r``, ``\\u202e``), leaving line breaks and tabs, and
:func:`echo` is what every command and the error lines of the command line print with.

>>> printable("Karlag\\x1b[2J\\rKARLAG\\u202e")
'Karlag\\\\x1b[2J\\\\rKARLAG\\\\u202e'
>>> printable("two\\tcolumns\\nand lines")
'two\\tcolumns\\nand lines'
"""

from __future__ import annotations

import sys

import click

#: The characters written as escapes: C0 but tab and line feed, DEL, C1, and the bidirectional
#: marks, embeddings, overrides and isolates.
_NAMED = {0x0D: "\\r", 0x08: "\\b", 0x0C: "\\f", 0x0B: "\\v", 0x00: "\\0"}
_ESCAPES = {
    code: _NAMED.get(code, f"\\x{code:02x}")
    for code in [*range(0x00, 0x20), *range(0x7F, 0xA0)] if code not in (0x09, 0x0A)
}
_ESCAPES.update({code: f"\\u{code:04x}" for code in
                 (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))})


def printable(text: str) -> str:
    """``text`` with every character that could drive a terminal written as an escape."""
    return text.translate(_ESCAPES)


def echo(text: str, *, err: bool = False, data: bool = False) -> None:
    """Print ``text`` (and a line break) to standard output, or standard error with ``err``.

    With ``data``, the text is a format for programs (CSV, JSON, Turtle, ...), written byte for
    byte as it is unless it goes to a terminal; text for people is always made :func:`printable`.
    """
    stream = sys.stderr if err else sys.stdout
    if not data or _is_terminal(stream):
        text = printable(text)
    click.echo(text, err=err)


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
