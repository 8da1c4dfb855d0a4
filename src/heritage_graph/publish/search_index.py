"""The static release's search: the search page and its scripts, and Pagefind's index of the names.

The index is made from the data, not from the pages: one Pagefind record per resource searched
(:func:`heritage_graph.web.search.searched_names`: every resource with a page but the claims),
holding its names in every language and script and their search keys
(:func:`heritage_graph.web.search.index_words`), titled with its label, linking to its page.
Pagefind (the binary of its Python package, :mod:`.pagefind_service`) makes the index and hands
its files over in memory; they are written into ``pagefind/`` of the release being built, so that
the release swaps in whole with its index. Its cost follows the names searched, not the pages written.
Pagefind works beside the build (:class:`IndexJob`, started once the graph is read): its binary
makes the index while the build validates and writes the other files, and the step "search
index" writes what it made.

A large register's records are indexed in parts of at most :data:`PART_SIZE`: Pagefind's service
compares the address of each record it is given with that of every record already in its index,
so that the time to add records grows with the square of their number (45,244 records took 29 s of
its processor time, in parts of 5,000 about 3 s). The first part is ``pagefind/``, the others
``pagefind/part-2/`` and so on, each the index of a Pagefind bundle; the search page names them and its
script has Pagefind's interface search them all as one (Pagefind's ``mergeIndex``). Pagefind
searches a word that one part lacks by the longest shorter word of that part it begins with
("visherlag" by "v"), which would bring a part's unrelated records in among another's matches:
each part therefore also holds a record of every word of every part (:data:`VOCABULARY_URL`), so
that a word is either in no part or in all, and the records searched carry the filter
:data:`FILTER`, which the search page selects, so that the vocabulary records are never shown.
``search.html`` holds the interface; ``assets/search.js`` runs it, reducing each query with the
rules of :mod:`heritage_graph.web.search` (``assets/search-rules.js``), as ``serve`` does.
"""

from __future__ import annotations

import dataclasses
import html
import threading
from itertools import groupby
from pathlib import PurePosixPath

from ..web import search, templating
from ..web.data import SiteData
from .pagefind_service import PagefindService, Record
from .release import PublishError, Release

#: The folder of the index and of Pagefind's interface, in the release.
FOLDER = "pagefind"
#: The page with the search interface.
PAGE = "search.html"
#: The scripts of the search page, beside Pagefind's own.
SCRIPT = "assets/search.js"
RULES = "assets/search-rules.js"
#: The language of every record: the search page's (``<html lang="en">``), whose index Pagefind's
#: interface loads; the words are the search keys whatever the names' languages.
LANGUAGE = "en"
#: The most records in one part of the index.
PART_SIZE = 5_000
#: The filter every record searched carries, (name, value): the search page searches those only.
FILTER = ("result", "yes")
#: The folders of a Pagefind bundle that hold its index.
INDEX_FOLDERS = ("index", "fragment", "filter")
#: The address of each part's record of every word of the index (never shown: it lacks the filter).
VOCABULARY_URL = "/search.html"


class IndexJob:
    """Pagefind making the index of ``items`` in a thread of this process (the work is done by
    Pagefind's binary, a process of its own, once per part): :meth:`files` waits for it,
    :meth:`cancel` stops it."""

    def __init__(self, items: list[Record], part_size: int | None = None):
        self.count = len(items)
        name, value = FILTER
        items = [dataclasses.replace(r, filters={**r.filters, name: [value]}) for r in items]
        self.parts = split(items, part_size or PART_SIZE)
        if len(self.parts) > 1:
            words = vocabulary(items)
            for part in self.parts:
                part.append(Record(url=VOCABULARY_URL, content=words, meta={"title": "vocabulary"}, language=LANGUAGE))
        #: The folders of the parts after the first, in ``pagefind/``.
        self.merged = [f"part-{number}/" for number in range(2, len(self.parts) + 1)]
        self._service: PagefindService | None = None
        self._files: list[tuple[str, bytes]] | None = None
        self._error: BaseException | None = None
        self._cancelled = False
        self._started = threading.Event()
        self._thread = threading.Thread(target=self._run, name="search-index", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            files = []
            for folder, part in zip(["", *self.merged], self.parts):
                with PagefindService() as pagefind:
                    self._service = pagefind
                    self._started.set()
                    if self._cancelled:
                        return
                    pagefind.add_records(part)
                    files += [(folder + path, content) for path, content in pagefind.files()
                              if not folder or is_index_file(path)]
            self._files = sorted(files)
        except BaseException as exc:  # noqa: BLE001 - handed to the thread that waits for the files
            self._error = exc
        finally:
            self._started.set()

    def files(self) -> list[tuple[str, bytes]]:
        """The files of ``pagefind/`` (see :func:`index_files`), once Pagefind has made them.

        :raises PublishError: Pagefind is missing or failed.
        """
        self._thread.join()
        if self._error is not None:
            raise self._error
        if self._files is None:
            raise PublishError("the search index was cancelled")
        return self._files

    def cancel(self) -> None:
        """Stop Pagefind, and wait for the thread to end."""
        self._cancelled = True
        self._started.wait()
        if self._service is not None and self._thread.is_alive():
            self._service.kill()
        self._thread.join()


def split(items: list, size: int) -> list[list]:
    """``items`` in order, in as few parts of at most ``size`` as there can be, of sizes that
    differ by one at most (one part, empty, if there are none).

    >>> [len(part) for part in split(list(range(11)), 5)]
    [4, 4, 3]
    """
    count = max(1, -(-len(items) // size))
    step, extra = divmod(len(items), count)
    parts, start = [], 0
    for number in range(count):
        end = start + step + (1 if number < extra else 0)
        parts.append(items[start:end])
        start = end
    return parts


def is_index_file(path: str) -> bool:
    """Whether a file of a Pagefind bundle is part of its index, which a part after the first
    holds alone (the interface, its scripts and the WebAssembly search are the first part's:
    Pagefind searches a merged index with the first bundle's).

    >>> [is_index_file(p) for p in ("pagefind-entry.json", "index/en_1.pf_index", "pagefind-ui.js", "wasm.en.pagefind")]
    [True, True, False, False]
    """
    return path == "pagefind-entry.json" or path.endswith(".pf_meta") or path.split("/")[0] in INDEX_FOLDERS


def vocabulary(items: list[Record]) -> str:
    """Every word of the records' texts, once each, in order.

    >>> vocabulary([Record("/a", "Karlag karlag", {}), Record("/b", "Spassk karlag", {})])
    'Karlag Spassk karlag'
    """
    return " ".join(sorted({word for r in items for word in r.content.split()}))


def start_index(data: SiteData) -> IndexJob:
    """Pagefind making the index of the resources searched (:func:`records`), beside the build."""
    return IndexJob(records(data))


def write_search(ctx: Release, job: IndexJob | None = None) -> None:
    """search.html, its scripts, and Pagefind's index of the names of the resources searched
    (the index ``job`` made, or one made now)."""
    job = job or start_index(ctx.data)
    files = job.files()
    ctx.write(PAGE, templating.render("search.html", root="", title="Search", static=True, query="",
                                      filter=FILTER, merged=[f"{FOLDER}/{folder}" for folder in job.merged]))
    ctx.write(SCRIPT, (templating.TEMPLATES / "search.js").read_bytes())
    ctx.write(RULES, f"window.heritageGraphSearchRules = {search.browser_rules()};\n")
    for path, content in files:
        parts = PurePosixPath(path).parts
        if not parts or path.startswith("/") or any(part in ("", ".", "..") for part in parts):
            raise PublishError(f"Pagefind named a file outside its folder: {path!r}")
        ctx.write(f"{FOLDER}/{path}", content)
    ctx.progress(f"search index: {job.count} resources")


def records(data: SiteData) -> list[Record]:
    """One record per resource searched: its page's URL (from the release's root), its names and
    their keys as its text, its label as its title. (No filter by kind: Pagefind writes a filter's
    values in an order that changes from one run to the next, and a release is reproducible.)

    The names are HTML-escaped: Pagefind's interface shows a record's text as HTML (its excerpt).
    """
    out = []
    for node, group in groupby(search.searched_names(data), key=lambda name: name[0]):
        path = data.doc_path(node.value)
        if not path:
            continue
        names = list(group)
        texts = list(dict.fromkeys(name for _, name, _, _ in names))
        title = search.shown_label(names, data.lang) or data.label(node)
        out.append(Record(url="/" + path, language=LANGUAGE, meta={"title": title},
                          content=html.escape(" · ".join(texts), quote=False) + " " + search.index_words(texts)))
    return out


def index_files(items: list[Record], part_size: int | None = None) -> list[tuple[str, bytes]]:
    """Pagefind's index of ``items`` and its interface: the files of ``pagefind/``, as (path in
    that folder, content), sorted by path (in parts of at most ``part_size`` records, default
    :data:`PART_SIZE`).

    :raises PublishError: Pagefind is missing or fails.
    """
    return IndexJob(items, part_size).files()
