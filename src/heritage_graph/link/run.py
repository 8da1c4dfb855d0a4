"""The ``reconcile`` command from end to end: score, choose, review, and write the linkset.

:func:`reconcile_command` loads the data, reconciles one class (or reads a curator's review),
tells what it found through ``say`` as it goes, writes the review file when asked, and writes the
chosen links as a linkset.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable

from ..errors import ConfigError
from ..rdf.load import load
from .candidates import target_name
from .linkset import command_line, default_out, write_linkset
from .reconcile import reconcile
from .review import accept, read_review, write_review


def reconcile_command(*, type_: str = "Camp", endpoint: str | None = None, review: Path | None = None,
                      threshold: float | None = None, from_review: Path | None = None, out: Path | None = None,
                      data: Iterable[Path | str] = (), timeout: float = 60,
                      say: Callable[[str], None] = print) -> None:
    """Run ``heritage-graph reconcile`` with its options; ``say`` prints one line for the user.

    :raises ConfigError: both ``threshold`` and ``from_review``, or a class that is not in the ontology.
    :raises InputError: the data, the review or the linkset cannot be read, validated or written.
    """
    if threshold is not None and from_review is not None:
        raise ConfigError("give either --accept THRESHOLD or --from-review FILE, not both")
    data = list(data)
    store = load(data or None).store
    name = target_name(store, endpoint)
    command = command_line(type_=type_, endpoint=endpoint, threshold=threshold, from_review=from_review)
    if from_review is not None:
        links = read_review(from_review)
        say(f"{len(links)} rows kept in {from_review}")
    else:
        rec = reconcile(type_, store=store, endpoint=endpoint, timeout=timeout)
        rec.command = "heritage-graph reconcile"
        links, notes = accept(rec, threshold) if threshold is not None else ([], [])
        say(rec.summary(links, threshold))
        for note in notes:
            say(f"  note: {note}")
        if review is not None:
            write_review(rec, review)
            say(f"Wrote {len(rec.candidates)} candidates to {review}")
        if threshold is None:
            if review is None:
                say("(nothing written: give --review FILE, --accept THRESHOLD or --from-review FILE)")
            return
    target = out or default_out(name)
    result = write_linkset(links, target, target_name=name, command=command, context=data or None)
    say(f"Wrote {result.links} links to {target} (validated in {result.seconds:.1f} s)")
