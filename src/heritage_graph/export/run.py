"""Writing an export: the graph loaded, the format made, and the file or folder written atomically."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from ..errors import InputError
from ..rdf.load import load
from ..rdf.store import OxigraphStore
from ..util.atomic import refuse_protected, swap_folder, write_atomic
from .csv_tables import csv_tables
from .geojson import geojson
from .linked_art import linked_art, linked_art_turtle
from .schema_org import schema_org

FORMATS = ("schema-org", "linked-art", "geojson", "csv")


@dataclass
class ExportResult:
    """What an export made: the text (single-file formats), the files written, and counts."""

    format: str
    text: str = ""
    paths: list[Path] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        counted = ", ".join(f"{n} {what}" for what, n in self.counts.items())
        where = ", ".join(str(p) for p in self.paths) or "standard output"
        return f"{self.format}: {counted} -> {where}"


def export(fmt: str, out: Path | str | None = None, *, paths: Iterable[Path | str] | None = None,
           store: OxigraphStore | None = None) -> ExportResult:
    """Export the bundled graph (or ``paths``, or ``store``) as ``fmt`` to ``out``.

    Without ``out`` the single-file formats are only returned (``result.text``); ``csv`` needs a
    folder and defaults to ``./export-csv``.

    :raises InputError: an unknown format, or an output that cannot be written.
    """
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if store is None:
        store = load(list(paths) if paths is not None else None).store
    if fmt == "csv":
        folder = Path(out) if out is not None else Path("export-csv")
        tables = csv_tables(store)
        written = write_folder(folder, {f"{name}.csv": text for name, (text, _) in tables.items()})
        return ExportResult(fmt, "", written, {f"{name}.csv rows": n for name, (_, n) in tables.items()})
    if fmt == "schema-org":
        document = schema_org(store)
        text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
        counts = {"nodes": len(document["@graph"])}
    elif fmt == "linked-art":
        triples = linked_art(store)
        text = linked_art_turtle(triples)
        counts = {"triples": len(triples)}
    else:
        collection = geojson(store)
        text = json.dumps(collection, ensure_ascii=False, indent=1) + "\n"
        counts = {"features": len(collection["features"])}
    result = ExportResult(fmt, text, [], counts)
    if out is not None:
        out = Path(out)
        if out.is_dir():
            raise InputError(f"{out}: is a folder; give the file to write")
        try:
            write_atomic(out, text.encode("utf-8"))
        except OSError as exc:
            raise InputError(f"{out}: cannot be written ({exc.strerror or exc})") from exc
        result.paths.append(out)
    return result


def write_folder(folder: Path, files: dict[str, str]) -> list[Path]:
    """Write ``files`` (name -> text) as the folder ``folder``, atomically: built beside it, then swapped in.

    A folder already there is replaced only if it holds nothing but CSV files (a previous export).

    :raises InputError: the folder exists and holds other files, or cannot be written.
    """
    folder = Path(folder)
    refuse_protected(folder)
    if folder.exists():
        if not folder.is_dir():
            raise InputError(f"{folder}: exists and is not a folder")
        others = [p.name for p in folder.iterdir() if p.suffix != ".csv"]
        if others:
            raise InputError(f"{folder}: holds other files than CSV ({', '.join(sorted(others)[:3])}); "
                             "refusing to replace it: give an empty or new folder")
    parent = folder.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".tmp", dir=parent))
    except OSError as exc:
        raise InputError(f"{folder}: cannot be written ({exc.strerror or exc})") from exc
    try:
        for name, text in files.items():
            with open(staging / name, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(staging, 0o755)
        swap_folder(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [folder / name for name in files]
