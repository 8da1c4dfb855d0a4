"""Choosing the links: the best candidates at or above a threshold, or the rows a curator kept.

:func:`accept` keeps the best candidate of each local resource at or above a threshold;
:func:`write_review` writes every candidate to a CSV for a curator, and :func:`read_review` keeps
the rows marked ``accept = yes``.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from ..errors import ConfigError, InputError
from ..util.atomic import check_writable, write_atomic
from .candidates import shorten_iri
from .linkset import Link
from .reconcile import Reconciliation

def accept(reconciliation: Reconciliation, threshold: float) -> tuple[list[Link], list[str]]:
    """The best candidate of each local resource whose score is at least ``threshold``.

    A local resource whose two best candidates score the same is not linked: which one is
    meant is the curator's call. Returns (links, messages about the resources left unlinked
    for a tie).
    """
    if not 0 < threshold <= 1:
        raise ConfigError(f"--accept {threshold}: the threshold is a score between 0 (exclusive) and 1")
    links, notes = [], []
    for entity in reconciliation.locals:
        rows = reconciliation.for_local(entity.iri)
        if not rows or rows[0].score < threshold:
            continue
        best = rows[0]
        if len(rows) > 1 and rows[1].score == best.score:
            notes.append(f"{entity.label}: {best.candidate_label} and {rows[1].candidate_label} both score "
                         f"{best.score:.3f}; not linked (review them)")
            continue
        method = (f"automatic: {reconciliation.command} --type {shorten_iri(reconciliation.type_iri).removeprefix('hg:')}"
                  f" --accept {threshold:g}: the best candidate in {reconciliation.target} "
                  f"(score = 0.50 label + 0.25 type + 0.25 distance; {best.method})")
        links.append(Link(best.local, best.candidate, best.score, best.label_score, best.type_score,
                          best.distance_km, method, best.local_label, best.candidate_label))
    return links, notes


def read_review(path: Path | str) -> list[Link]:
    """The rows of a review CSV that a curator kept (column ``accept`` = yes), as links.

    :raises InputError: the file is missing, has no ``accept`` column, or a kept row lacks an IRI
        or has a score that is not a number.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    missing = [c for c in ("local", "candidate", "accept") if c not in header]
    if missing:
        raise InputError(f"{path}: the review has no column {', '.join(missing)} "
                         f"(expected the columns of 'heritage-graph reconcile --review' and 'accept')")
    links = []
    for line, row in enumerate(reader, start=2):
        if (row.get("accept") or "").strip().lower() not in ("yes", "y", "true", "1", "x"):
            continue
        subject, obj = (row.get("local") or "").strip(), (row.get("candidate") or "").strip()
        for column, value in (("local", subject), ("candidate", obj)):
            if not re.match(r"^https?://\S+$", value):
                raise InputError(f"{path}:{line}: column '{column}': {value!r} is not an IRI")

        def number(column: str) -> float | None:
            value = (row.get(column) or "").strip()
            if not value:
                return None
            try:
                return float(value)
            except ValueError as exc:
                raise InputError(f"{path}:{line}: column '{column}': {value!r} is not a number") from exc

        found = number("score")
        method = f"curator review: kept in {path.name}, line {line}, of the candidates of heritage-graph reconcile"
        if row.get("method"):
            method += f" ({row['method'].strip()})"
        links.append(Link(subject, obj, found if found is not None else 1.0, number("label_score"),
                          number("type_score"), number("distance_km"), method,
                          (row.get("local_label") or "").strip(), (row.get("candidate_label") or "").strip()))
    return links


def write_review(reconciliation: Reconciliation, path: Path | str) -> Path:
    """Write the review CSV atomically."""
    path = Path(path)
    check_writable(path.parent)
    write_atomic(path, reconciliation.review_csv().encode("utf-8"))
    return path
