"""The manifest of a release (every file with its size and SHA-256) and the diff of claims
against the previous release."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..errors import InputError
from ..rdf.guard import guard
from ..rdf.jsonld import encode_string, json_text
from ..rdf.labels import pick
from ..rdf.vocab import RDF, RDFS
from ..util import resources
from .dumps import Hashed
from .layout import DUMPS_FOLDER, MANIFEST, NAME
from .release import LICENSE, TITLE, Release


@dataclass
class Claims:
    """The claims of a release: each claim's statements (as N-Triples text) and label."""

    version: str | None
    date: str | None
    statements: dict[str, frozenset]
    labels: dict[str, str]


def _claims_from_quads(quads: Iterable, version=None, date=None) -> Claims:
    by_subject: dict[str, set] = {}
    claims: set[str] = set()
    labels: dict[str, list] = {}
    for q in quads:
        if not isinstance(q.subject, ox.NamedNode):
            continue
        s = q.subject.value
        by_subject.setdefault(s, set()).add((str(q.predicate), str(q.object)))
        if q.predicate.value == RDF + "type" and q.object.value.endswith("ontology#Claim"):
            claims.add(s)
        if q.predicate.value == RDFS + "label" and isinstance(q.object, ox.Literal):
            labels.setdefault(s, []).append(q.object)
    return Claims(
        version=version,
        date=date,
        statements={c: frozenset(by_subject.get(c, ())) for c in claims},
        labels={c: pick(sorted(labels.get(c, ()), key=lambda o: (o.language or "", o.value))) or "" for c in claims},
    )


def claims_of_release(ctx: Release) -> Claims:
    data = ctx.data
    claims = [node for node, classes in data.typed.items()
              if isinstance(node, ox.NamedNode) and any(c.value.endswith("ontology#Claim") for c in classes)]
    return _claims_from_quads((ox.Quad(c, p, o) for c in claims for p, o in data.out(c)), ctx.version, ctx.date)


def previous_claims(previous, out_dir: Path) -> Claims | None:
    """The claims of the previous release: ``previous`` (a release folder or a dump file), else ``out_dir``."""
    candidate = Path(previous) if previous is not None else out_dir
    if candidate.is_file():
        return _claims_from_dump(candidate)
    if not (candidate / MANIFEST).is_file():
        if previous is not None:
            raise InputError(f"{candidate}: not a release (no manifest.json) nor a dump file")
        return None
    try:
        manifest = json.loads((candidate / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{candidate / MANIFEST}: cannot be read ({exc})") from exc
    for name in (f"{NAME}.nq.gz", f"{NAME}.nq", f"{NAME}.nt.gz", f"{NAME}.nt"):
        dump = candidate / DUMPS_FOLDER / name
        if dump.is_file():
            found = _claims_from_dump(dump)
            found.version, found.date = manifest.get("version"), manifest.get("date")
            return found
    raise InputError(f"{candidate}: the release has no N-Quads or N-Triples dump to compare with")


def _claims_from_dump(path: Path) -> Claims:
    raw = path.read_bytes()
    name = path.name
    if name.endswith(".gz"):
        raw = gzip.decompress(raw)
        name = name[:-3]
    fmt = ox.RdfFormat.from_extension(Path(name).suffix.lstrip("."))
    if fmt is None:
        raise InputError(f"{path}: unknown RDF format")
    if fmt in (ox.RdfFormat.N_QUADS, ox.RdfFormat.N_TRIPLES):
        raw = _claim_lines(raw)
    raw = guard(raw, path.with_name(name))
    try:
        return _claims_from_quads(ox.parse(raw, format=fmt))
    except SyntaxError as exc:
        raise InputError(f"{path}: the previous release's dump does not parse: {exc}") from exc


def _claim_lines(raw: bytes) -> bytes:
    """The lines of an N-Quads or N-Triples dump whose subject is typed a claim: a release's
    dump has a line per statement, its subject first, so the rest need not be parsed."""
    lines = raw.split(b"\n")
    marker = b" <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <"
    claims = {line[: line.index(b" ")] for line in lines if marker in line and b"ontology#Claim> " in line}
    if not claims:
        return b""
    return b"\n".join(line for line in lines if line[: line.find(b" ")] in claims) + b"\n"


def diff_claims(before: Claims | None, after: Claims) -> dict:
    """Claims added, removed and changed (any statement differs) between two releases."""
    if before is None:
        return {"previous": None, "counts": {"added": 0, "removed": 0, "changed": 0},
                "claims": {"added": [], "removed": [], "changed": []}}

    def entry(iri, labels):
        return {"iri": iri, "label": labels.get(iri, "")}

    added = sorted(set(after.statements) - set(before.statements))
    removed = sorted(set(before.statements) - set(after.statements))
    changed = []
    for iri in sorted(set(after.statements) & set(before.statements)):
        old, new = before.statements[iri], after.statements[iri]
        if old != new:
            properties = sorted({p for p, _ in old ^ new})
            changed.append({**entry(iri, after.labels), "properties": [p.strip("<>") for p in properties]})
    return {
        "previous": {"version": before.version, "date": before.date},
        "counts": {"added": len(added), "removed": len(removed), "changed": len(changed)},
        "claims": {"added": [entry(i, after.labels) for i in added],
                   "removed": [entry(i, before.labels) for i in removed],
                   "changed": changed},
    }


def _listed_files(ctx: Release) -> list[bytes]:
    """Every file of the release once (``path<TAB>size<TAB>SHA-256``), sorted by path: those noted
    as they were written and, should there be any, others found on disk (hashed now)."""
    def path_of(entry: bytes) -> bytes:
        return entry[: entry.index(b"\t")]

    unique: list[bytes] = []
    last = None
    for entry in sorted(ctx.files, key=path_of):  # stable: of a path's entries, the last written comes last
        path = path_of(entry)
        if path == last:
            unique[-1] = entry
        else:
            unique.append(entry)
            last = path
    on_disk = sum(len(names) for _folder, _dirs, names in os.walk(ctx.staging))
    if on_disk != len(unique):
        known = {entry[: entry.index(b"\t")].decode("utf-8") for entry in unique}
        for folder, _dirs, names in os.walk(ctx.staging):
            inside = Path(folder).relative_to(ctx.staging).as_posix()
            for name in names:
                relative = name if inside == "." else f"{inside}/{name}"
                if relative not in known:
                    content = Path(folder, name).read_bytes()
                    unique.append(b"%s\t%d\t%s" % (relative.encode("utf-8"), len(content),
                                                   hashlib.sha256(content).hexdigest().encode("ascii")))
        unique.sort(key=path_of)
    return unique


def write_manifest(ctx: Release, diff: dict) -> dict:
    """manifest.json; returns it, with ``files`` (how many) and ``bytes`` (their size) in place of the list."""
    files = _listed_files(ctx)
    root = resources.root().resolve()
    graphs = []
    for f in ctx.dataset.files:
        try:
            shown = f.path.resolve().relative_to(root).as_posix()
        except ValueError:
            shown = f.path.name
        graphs.append({"graph": f.graph, "file": shown, "triples": f.triples})
    if not ctx.dataset.files:  # a graph loaded already (a saved store): its named graphs, no files
        graphs = [{"graph": g.value, "file": None,
                   "triples": sum(1 for _ in ctx.store.ox.quads_for_pattern(None, None, None, g))}
                  for g in sorted(ctx.store.ox.named_graphs(), key=lambda g: g.value)]
    manifest = {
        "name": NAME,
        "title": TITLE,
        "version": ctx.version,
        "date": ctx.date,
        "base": ctx.base,
        "license": LICENSE,
        "triples": ctx.stats.triples,
        "quads": len(ctx.store.ox),
        "graphs": graphs,
        "resources": ctx.pages,
        "dumps": [{k: d[k] for k in ("name", "format", "media_type", "bytes", "sha256", "gz_name", "gz_bytes",
                                     "gz_sha256")} for d in ctx.dumps],
        "diff": diff,
    }
    # The list of files (hundreds of thousands in a register's release) is written piece by piece
    # in the layout of the rest (json.dumps, indent=1); it is the last member.
    encode = encode_string
    total = 0
    out = Hashed(ctx.path(MANIFEST))
    try:
        out.write((json_text(manifest)[: -len("\n}")] + ',\n "files": [').encode("utf-8"))
        for start in range(0, len(files), 20_000):
            piece = []
            for entry in files[start:start + 20_000]:
                relative, size, digest = entry.split(b"\t")
                total += int(size)
                piece.append(f'\n  {{\n   "path": {encode(relative.decode("utf-8"))},\n   "bytes": {int(size)},'
                             f'\n   "sha256": "{digest.decode("ascii")}"\n  }}')
            out.write(("," if start else "").encode("utf-8") + ",".join(piece).encode("utf-8"))
        out.write(("\n ]" if files else "]").encode("utf-8") + b"\n}\n")
    finally:
        out.close()
    ctx.record(MANIFEST, out.size, out.sha.digest())
    return {**manifest, "files": len(files), "bytes": total}
