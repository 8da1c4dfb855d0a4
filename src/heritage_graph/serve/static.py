"""Answering from a release folder: every URL of the release that ``build`` wrote, as its file.

Files are streamed from disk with the media type of the release's hosting rules
(``.htaccess``, ``nginx.conf``); the URLs those rules negotiate answer ``303 See Other`` the same
way, the choice made by :mod:`.negotiation`:

==============================  ================================================================
``/id/{kind}/{slug}``           ``doc/{kind}/{slug}.{html|ttl|jsonld|nt|rdf}``, by ``Accept``
``/ontology``, ``/ontology/``   ``ontology/index.html``, or ``ontology/heritage-graph.ttl``
``/dataset``                    ``void.ttl``, or ``void.jsonld``
``/doc/{kind}/{slug}``          the document in the negotiated format, ``200`` with its
                                ``Content-Location``
a folder                        its ``index.html``; without the final ``/``, ``301`` to it
==============================  ================================================================

The addresses of earlier versions of the server answer ``303`` to their place in the release:
``/data[.trig|.nq]`` to the dumps, ``/class/{Name}`` to ``class/{Name}.html``.

Every file carries ``ETag`` and ``Last-Modified`` (from the file) and answers ``304 Not Modified``
to a request whose ``If-None-Match`` (or, without one, ``If-Modified-Since``) it meets. A file with
siblings of the same name in other formats (``doc/camp/karlag.{html,ttl,…}``, ``void.{ttl,jsonld}``,
the dumps) lists each in a ``Link: <…>; rel="alternate"; type="…"`` header, and so does the ``303``
of ``/id/…``.

A path is looked up in the folder segment by segment: no segment may be empty, ``.``, ``..``,
hidden (``.htaccess``) or hold a backslash or NUL, and the file found must lie inside the folder
once links are resolved; anything else is a 404.
"""

from __future__ import annotations

import os
import re
from email.utils import parsedate_to_datetime
from pathlib import Path

from starlette.responses import FileResponse, RedirectResponse, Response

from . import negotiation as neg
from ..publish import layout
from .config import config_of
from .responses import error, not_acceptable, root, uri

#: The release's file of the ontology, and of the dataset description, per offered suffix.
ONTOLOGY_FILES = {suffix.lstrip("."): file for suffix, file in layout.ONTOLOGY_FILES.items()}
DATASET_FILES = {suffix.lstrip("."): file for suffix, file in layout.VOID_FILES.items()}
#: A version IRI of the ontology, ``…/ontology/0.1.0``: answered as the ontology is.
ONTOLOGY_VERSION = re.compile(r"[0-9]+(\.[0-9]+)*")
#: The name of the dumps in ``dumps/`` (``dumps/heritage-graph.ttl`` …).
DUMP_STEM = f"{layout.DUMPS_FOLDER}/{layout.NAME}"
#: Suffixes served with ``charset=utf-8`` (the release's ``AddCharset``; none for ``.gz``).
CHARSET_SUFFIXES = layout.CHARSET_SUFFIXES
#: Answers that depend on ``Accept`` say so.
VARY = {"Vary": "Accept"}
#: The formats a file's siblings are listed in as ``rel="alternate"`` (the offers' suffixes).
ALTERNATE_SUFFIXES = tuple(o.suffix for o in neg.RESOURCE_TYPES + neg.DATASET_TYPES)
#: The headers a ``304`` repeats from the answer it stands for (RFC 9110 §15.4.5).
KEPT_BY_304 = ("etag", "last-modified", "vary", "content-location", "link", "cache-control")


def find(folder: Path, path: str) -> Path | None:
    """The file or folder of the release that a URL path (decoded, without the leading ``/``) names,
    or None when it names nothing there or would leave the folder.

    >>> find(Path("/srv/release"), "../etc/passwd") is None
    True
    """
    parts = path.split("/")
    if path.endswith("/"):
        parts.pop()
    if path == "":
        parts = []
    for part in parts:
        if not part or part in (".", "..") or part.startswith(".") or "\\" in part or "\x00" in part:
            return None
    candidate = folder.joinpath(*parts)
    try:
        resolved = candidate.resolve()
        if not resolved.is_relative_to(folder.resolve()) or not resolved.exists():
            return None
    except (OSError, ValueError):
        return None
    return resolved


def media_type(path: Path) -> str:
    """The media type a release file is answered with, with its charset where the release has one."""
    kind = layout.media_type(path.name)
    return kind + ("; charset=utf-8" if path.suffix in CHARSET_SUFFIXES else "")


def file_answer(request, path: Path, headers: dict | None = None) -> Response:
    """A release file, streamed from disk, with its ``ETag``, ``Last-Modified`` and alternates
    (``Link``); ``304`` when the request's validators match."""
    headers = dict(headers or {})
    links = [headers.pop("Link")] if "Link" in headers else []
    links += alternates(request, path)
    if links:
        headers["Link"] = ", ".join(links)
    answer = FileResponse(path, media_type=media_type(path), headers=headers, stat_result=os.stat(path))
    if request.method in ("GET", "HEAD") and not_modified(request, answer.headers["etag"], path):
        return Response(status_code=304, headers={k: v for k, v in answer.headers.items() if k in KEPT_BY_304})
    return answer


def not_modified(request, etag: str, path: Path) -> bool:
    """Whether the client's copy is current: ``If-None-Match`` names ``etag`` (weak comparison, or
    ``*``), or, without ``If-None-Match``, the file is no newer than ``If-Modified-Since``
    (RFC 9110 §13.1.2–3). A date that does not parse is ignored."""
    tags = request.headers.get("if-none-match")
    if tags is not None:
        listed = [tag.strip() for tag in tags.split(",")]
        return "*" in listed or any(tag.removeprefix("W/") == etag.removeprefix("W/") for tag in listed)
    since = request.headers.get("if-modified-since")
    if not since:
        return False
    try:
        date = parsedate_to_datetime(since)
    except (TypeError, ValueError, IndexError):
        return False
    if date is None or date.tzinfo is None:
        return False
    return int(path.stat().st_mtime) <= date.timestamp()


def alternates(request, path: Path) -> list[str]:
    """``Link`` values (``rel="alternate"``) for each format the file's name is in, itself included,
    when there is more than one; none for a file alone in its format."""
    folder = _release(request)
    stem, dot, suffix = path.name.rpartition(".")
    if folder is None or not dot or suffix not in ALTERNATE_SUFFIXES:
        return []
    try:
        where = path.parent.relative_to(folder.resolve()).as_posix()
    except ValueError:
        return []
    prefix = root(request) + ("" if where == "." else uri(where, iri=True) + "/") + uri(stem)
    found = [s for s in ALTERNATE_SUFFIXES if (path.parent / f"{stem}.{s}").is_file()]
    if len(found) < 2:
        return []
    return [f'<{prefix}.{s}>; rel="alternate"; type="{layout.media_type("x." + s)}"' for s in found]


def see_other(request, target: str, *, vary: bool = True) -> Response:
    """``303 See Other`` to ``target``, a path of the release (relative to the server's root)."""
    return RedirectResponse(root(request) + target, status_code=303, headers=VARY if vary else None)


def _release(request) -> Path | None:
    return config_of(request).release


def _missing(request, headers: dict | None = None) -> Response:
    return error(request, 404, f"nothing here: {request.url.path}", headers)


def release_file(request) -> Response:
    """Any path of the release: its file, or a folder's ``index.html``."""
    return answer_path(request, request.path_params.get("path", ""))


def answer_path(request, path: str) -> Response:
    """The release's answer to ``path`` (decoded, without the leading ``/``): the file, a folder's
    ``index.html`` (``301`` to the folder's address with its final ``/`` first), or 404."""
    folder = _release(request)
    found = find(folder, path) if folder is not None else None
    if found is not None and found.is_dir():
        index = found / "index.html"
        if not index.is_file():
            return _missing(request)
        if path and not path.endswith("/"):
            return RedirectResponse(root(request) + uri(path, iri=True) + "/", status_code=301)
        found = index
    if found is None or not found.is_file():
        return _missing(request)
    return file_answer(request, found)


def resource_id(request) -> Response:
    """``/id/{kind}/{slug}``: 303 See Other to the resource's document in the negotiated format."""
    folder = _release(request)
    kind, slug = request.path_params["kind"], request.path_params["slug"]
    stem = f"doc/{kind}/{slug}"
    if folder is None or find(folder, stem + ".html") is None:
        return error(request, 404, f"no resource {config_of(request).base}id/{kind}/{slug}", VARY)
    offer = neg.choose(request.headers.get("accept"), neg.RESOURCE_TYPES)
    if offer is None:
        return not_acceptable(request, neg.RESOURCE_TYPES)
    answer = see_other(request, f"doc/{uri(kind)}/{uri(slug)}.{offer.suffix}")
    links = alternates(request, find(folder, stem + ".html"))
    if links:
        answer.headers["Link"] = ", ".join(links)
    return answer


def document(request) -> Response:
    """``/doc/{kind}/{slug}[.ext]``: the document's file; without a suffix, the negotiated one, with
    its ``Content-Location``. Every document says which resource it describes (``Link``)."""
    folder = _release(request)
    kind, slug = request.path_params["kind"], request.path_params["slug"]
    stem, dot, suffix = slug.rpartition(".")
    headers: dict[str, str] = {}
    found = None
    if folder is not None and dot and neg.by_suffix(suffix, neg.RESOURCE_TYPES):
        found = find(folder, f"doc/{kind}/{slug}")
    else:
        stem = slug
        offer = neg.choose(request.headers.get("accept"), neg.RESOURCE_TYPES)
        if offer is None:
            return not_acceptable(request, neg.RESOURCE_TYPES)
        headers.update(VARY)
        if folder is not None:
            found = find(folder, f"doc/{kind}/{slug}.{offer.suffix}")
        headers["Content-Location"] = f"{root(request)}doc/{uri(kind)}/{uri(slug)}.{offer.suffix}"
    if found is None or not found.is_file():
        headers.pop("Content-Location", None)
        return error(request, 404, f"no resource {config_of(request).base}id/{kind}/{stem}", headers)
    headers["Link"] = f'<{uri(f"{config_of(request).base}id/{kind}/{stem}", iri=True)}>; rel="describes"'
    return file_answer(request, found, headers)


def _negotiated(request, files: dict[str, str], offers: tuple[neg.Offer, ...]) -> Response:
    offer = neg.choose(request.headers.get("accept"), offers)
    if offer is None:
        return not_acceptable(request, offers)
    folder = _release(request)
    target = files[offer.suffix]
    if folder is None or find(folder, target) is None:
        return _missing(request, VARY)
    return see_other(request, target)


def ontology(request) -> Response:
    """``/ontology``: 303 to its documentation, or its Turtle (its terms ``…/ontology#Term`` resolve here)."""
    offers = tuple(o for o in neg.RESOURCE_TYPES if o.suffix in ONTOLOGY_FILES)
    return _negotiated(request, ONTOLOGY_FILES, offers)


def ontology_file(request) -> Response:
    """``/ontology/{name}``: the version IRI (``/ontology/0.1.0``) as :func:`ontology`, any other name
    the release's file."""
    name = request.path_params["name"]
    if ONTOLOGY_VERSION.fullmatch(name):
        return ontology(request)
    return answer_path(request, f"ontology/{name}")


def dataset(request) -> Response:
    """``/dataset``: 303 to the dataset's VoID and DCAT description, Turtle or JSON-LD."""
    offers = tuple(o for o in neg.GRAPH_TYPES if o.suffix in DATASET_FILES)
    return _negotiated(request, DATASET_FILES, offers)


def old_dataset(request) -> Response:
    """``/data``, ``/data.trig``, ``/data.nq`` (the addresses of earlier servers): 303 to the dump."""
    suffix = request.path_params.get("ext")
    if suffix is None:
        offer = neg.choose(request.headers.get("accept"), neg.DATASET_TYPES)
        if offer is None:
            return not_acceptable(request, neg.DATASET_TYPES)
        suffix = offer.suffix
    elif neg.by_suffix(suffix, neg.DATASET_TYPES) is None:
        return _missing(request)
    return see_other(request, f"{DUMP_STEM}.{suffix}", vary="ext" not in request.path_params)


def old_class(request) -> Response:
    """``/class/{Name}`` (an address of earlier servers): 303 to ``class/{Name}.html``; with the
    suffix, the file."""
    name = request.path_params["name"]
    folder = _release(request)
    if name.endswith(".html"):
        return answer_path(request, f"class/{name}")
    if folder is None or find(folder, f"class/{name}.html") is None:
        return _missing(request)
    return see_other(request, f"class/{uri(name)}.html", vary=False)
