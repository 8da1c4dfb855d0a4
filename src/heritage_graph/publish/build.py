"""Publish a release of the graph: dumps, a VoID/DCAT description, documentation and a static site.

:func:`build` loads and validates the graph, then runs the steps that write a whole release into
a temporary folder beside ``out_dir``, and swaps it into place at the end, so that a failed or
killed build leaves the previous release as it was. The layout of a release
(:mod:`heritage_graph.publish.layout`)::

    out/
      index.html                    the home page (home)
      doc/{kind}/{slug}.html        one page per resource (and .ttl .jsonld .nt .rdf: its description) (pages)
      class/{Class}.html            browse pages, class/index.html (pages)
      queries/{name}.html           the stored queries with their current answers (.csv, .json) (queries)
      timeline/index.html           the timeline: the answer of the query "timeline", year by year (queries)
      charts/prisoner-shares.svg    the chart of the home page (queries)
      map/index.html, places.geojson  the map of every place, and its GeoJSON (maps)
      search.html, pagefind/        the search page and Pagefind's index of the pages (search_index)
      assets/                       the style sheet, the scripts, Leaflet and Natural Earth's borders (pages, maps)
      ontology/index.html           the ontology documentation (pyLODE), reference.html, the .ttl files (ontology_docs)
      dumps/heritage-graph.{ttl,nt,nq,trig,jsonld,rdf}[.gz], dumps/SHA256SUMS (dumps)
      context.jsonld                the JSON-LD context of every .jsonld file (dumps)
      void.ttl, void.jsonld         the dataset described with VoID and DCAT (void)
      manifest.json                 version, date, every file with size and SHA-256, the diff of claims (manifest)
      .htaccess, nginx.conf         content negotiation for /id/… on a static host (hosting; see docs/publish.md)
"""

from __future__ import annotations

import datetime as _dt
import gc
import os
import shutil
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from ..errors import ConfigError, InputError
from ..rdf.jsonld import JsonLdContext
from ..rdf.load import Dataset, load
from ..rdf.vocab import configured_base
from ..util.atomic import check_target, recover_folder, refuse_protected, staging_folder, swap_folder
from ..util.progress import StepProgress
from ..validate.run import validate
from ..web.maps import features as map_features
from .. import web
from .dumps import write_dumps
from .home import write_home
from .hosting import write_hosting
from .maps import write_map
from .manifest import claims_of_release, diff_claims, previous_claims, write_manifest
from .ontology_docs import write_ontology
from .pages import Pages, write_classes, write_resources
from .queries import write_queries
from .search_index import start_index, write_search
from .release import InvalidDataError, Progress, PublishError, Release, release_prefixes  # noqa: F401 - part of the API
from .void import GEONAMES, WIKIDATA, GraphStats, write_void

#: What the long steps count, for their progress bars.
UNITS = {"resource pages": "pages", "dumps": "dumps", "query pages": "queries", "class pages": "classes"}


@dataclass
class BuildResult:
    """What a build wrote: where, which version and date, how much, how long each step took."""

    out_dir: Path
    version: str
    date: str
    triples: int
    graphs: dict[str, int]
    resources: int
    files: int
    bytes: int
    seconds: float
    steps: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    diff: dict | None = None

    def summary(self) -> str:
        lines = [(
            f"Built release {self.version} of {self.date} in {self.out_dir}: {self.triples} triples in "
            f"{len(self.graphs)} graphs, {self.resources} resource pages, {self.files} files "
            f"({self.bytes / 1e6:.1f} MB) in {self.seconds:.1f} s."
        )]
        if self.diff and self.diff.get("previous"):
            counts = self.diff["counts"]
            lines.append(f"Claims since release {self.diff['previous'].get('version')} of "
                         f"{self.diff['previous'].get('date')}: {counts['added']} added, {counts['removed']} removed, "
                         f"{counts['changed']} changed.")
        lines += [f"warning: {w}" for w in self.warnings]
        return "\n".join(lines)


def _progress(progress: Progress | None) -> Progress:
    if progress is not None:
        return progress
    if getattr(sys.stderr, "isatty", lambda: False)():
        return StepProgress("build", units=UNITS)
    return lambda *args, **kwargs: None


def build(
    out_dir: Path | str,
    *,
    data_paths: Iterable[Path | str] | None = None,
    dataset: Dataset | None = None,
    base: str | None = None,
    previous: Path | str | None = None,
    progress: Progress | None = None,
    date: str | _dt.date | None = None,
) -> BuildResult:
    """Build a release of the graph into ``out_dir``, replacing the release there whole.

    ``data_paths`` are the data files or folders (default: the bundled data; the ontology is always
    added), or ``dataset`` the graph loaded already (a saved store, say: the release then holds what
    it holds); ``base`` the IRI base of the deployment (default ``HERITAGE_GRAPH_BASE`` or
    ``https://w3id.org/heritage-graph/``); ``previous`` a previous release folder to list the claims
    added, removed and changed against (default: the release in ``out_dir``); ``progress`` a
    callback ``progress(step, done=None, total=None)`` (default: lines on standard error when it is
    a terminal); ``date`` the release date ``YYYY-MM-DD`` (default: today), so that a build can be
    reproduced byte for byte.

    :raises InvalidDataError: the data does not conform to the shapes (nothing is written).
    :raises InputError: a data file cannot be used, or ``out_dir`` holds something that is not a
        release.
    :raises PublishError: the release cannot be written.
    """
    started = time.perf_counter()
    out_dir = Path(out_dir)
    report = _progress(progress)
    steps: dict[str, float] = {}
    base = _normal_base(base)
    release_date = _release_date(date)
    refuse_protected(out_dir)  # before anything is renamed beside it
    recover_folder(out_dir)
    _check_target(out_dir)

    def timed(name: str, function, *args):
        report(name)
        began = time.perf_counter()
        value = function(*args)
        steps[name] = round(time.perf_counter() - began, 3)
        return value

    if dataset is not None and data_paths is not None:
        raise ConfigError("give the data as files or as a loaded dataset, not both")
    if dataset is None:
        dataset = timed("load", lambda: load(None if data_paths is None else list(data_paths), base=base))
    created = _missing_folders(out_dir.parent)
    staging, lock = staging_folder(out_dir, "build")  # removes what killed builds left beside out_dir
    pages = ctx = index = None
    frozen = False
    try:
        _readable(staging)
        data = web.SiteData(dataset.store, base=base)
        prefixes = release_prefixes(dataset.store, base)
        ctx = Release(staging=staging, dataset=dataset, base=base, date=release_date, version=__version__,
                     progress=report, data=data, prefixes=prefixes,
                     context=JsonLdContext.from_store(dataset.store, base, prefixes))
        frozen = True  # by _read_graph
        timed("read the graph", _read_graph, ctx)
        # The resource pages are most of the work: a worker process (where the system can fork)
        # starts on them now, while the build validates the data and writes the other files, and
        # the build takes its share once those are done. Data that does not conform stops it, and
        # all it wrote is removed.
        pages = Pages(ctx)
        pages.start()
        index = timed("search records", start_index, ctx.data)  # Pagefind makes the index meanwhile
        validation = timed("validate", lambda: validate(dataset=dataset, base=base))
        if not validation.conforms:
            raise InvalidDataError(validation.to_text())
        ctx.warnings += [f"validation: {f.message} ({f.focus})" for f in validation.warnings]
        before = timed("read previous release", previous_claims, previous, out_dir)
        timed("dumps", write_dumps, ctx)
        timed("dataset description", write_void, ctx)
        timed("ontology documentation", write_ontology, ctx)
        timed("query pages", write_queries, ctx)
        timed("class pages", write_classes, ctx)
        timed("map", write_map, ctx)
        timed("resource pages", write_resources, ctx, pages)
        timed("home page", write_home, ctx)
        timed("search index", write_search, ctx, index)
        timed("server configuration", write_hosting, ctx)
        diff = timed("diff", lambda: diff_claims(before, claims_of_release(ctx)))
        manifest = timed("manifest", write_manifest, ctx, diff)
        timed("swap", swap_folder, staging, out_dir)
    except BaseException:
        if index is not None:
            index.cancel()
        if pages is not None:
            pages.stop()  # before the folder goes: a worker still writing into it would leave files behind
        shutil.rmtree(staging, ignore_errors=True)
        for folder in created:  # and the folders made to hold it, deepest first
            try:
                folder.rmdir()
            except OSError:
                break
        raise
    finally:
        if pages is not None:
            pages.stop()
        if ctx is not None:
            ctx.close()
        if frozen:
            gc.unfreeze()
        if lock is not None:
            os.close(lock)
    total = manifest["bytes"]
    result = BuildResult(
        out_dir=out_dir,
        version=__version__,
        date=release_date,
        triples=manifest["triples"],
        graphs={g["graph"]: g["triples"] for g in manifest["graphs"]},
        resources=ctx.pages,
        files=manifest["files"] + 1,
        bytes=total,
        seconds=round(time.perf_counter() - started, 2),
        steps=steps,
        warnings=ctx.warnings,
        diff=diff,
    )
    report(f"done in {result.seconds:.1f} s")
    return result


def _normal_base(base: str | None) -> str:
    base = (base or configured_base()).strip()
    return base if base.endswith(("/", "#")) else base + "/"


def _release_date(date) -> str:
    if date is None:
        return _dt.date.today().isoformat()
    if isinstance(date, _dt.date):
        return date.isoformat()
    try:
        return _dt.date.fromisoformat(str(date)).isoformat()
    except ValueError as exc:
        raise InputError(f"{date!r} is not a date; write it as YYYY-MM-DD") from exc


def _check_target(out_dir: Path) -> None:
    """Refuse to replace anything but a release (a folder with manifest.json) or an empty folder."""
    check_target(out_dir, "manifest.json", "a release (no manifest.json)")


def _missing_folders(folder: Path) -> list[Path]:
    """``folder`` and those of its parents that do not exist yet, the deepest first."""
    missing = []
    while not folder.exists() and folder.parent != folder:
        missing.append(folder)
        folder = folder.parent
    return missing


def _readable(folder: Path) -> None:
    """Give the release folder the usual permissions (``mkdtemp`` makes it private to its owner), so
    that a web server running as another user can read it."""
    mask = os.umask(0)
    os.umask(mask)
    folder.chmod(0o777 & ~mask)


def _read_graph(ctx: Release) -> None:
    """The whole graph into memory once (:meth:`web.SiteData.preload`), its counts, and what every
    page reads: the classes, the resources with a page, the coordinates, the features of the maps.

    The millions of objects read are then frozen (:func:`gc.freeze`, undone at the end of the
    build): the garbage collector would otherwise go through them all again and again, and a
    worker process forked later shares them instead of copying them.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        data = ctx.data.preload()
        ctx.stats = GraphStats.of(data, ctx.base, (WIKIDATA, GEONAMES))
        data.typed, data.data_typed, data.superclasses, data.class_counts, data.points  # noqa: B018 - computed now
        data.instances(web.TYPE)
        map_features(data)  # where each place is on a map: worked out once, before the worker forks
        web.ontology_graphs()
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
