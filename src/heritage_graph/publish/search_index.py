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
``search.html`` holds the interface; ``assets/search.js`` runs it, reducing each query with the
rules of :mod:`heritage_graph.web.search` (``assets/search-rules.js``), as ``serve`` does.
"""

from __future__ import annotations

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


class IndexJob:
    """Pagefind making the index of ``items`` in a thread of this process (the work is done by
    Pagefind's binary, a process of its own): :meth:`files` waits for it, :meth:`cancel` stops it."""

    def __init__(self, items: list[Record]):
        self.count = len(items)
        self._service: PagefindService | None = None
        self._files: list[tuple[str, bytes]] | None = None
        self._error: BaseException | None = None
        self._cancelled = False
        self._started = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(items,), name="search-index", daemon=True)
        self._thread.start()

    def _run(self, items: list[Record]) -> None:
        try:
            with PagefindService() as pagefind:
                self._service = pagefind
                self._started.set()
                if self._cancelled:
                    return
                pagefind.add_records(items)
                self._files = pagefind.files()
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


def start_index(data: SiteData) -> IndexJob:
    """Pagefind making the index of the resources searched (:func:`records`), beside the build."""
    return IndexJob(records(data))


def write_search(ctx: Release, job: IndexJob | None = None) -> None:
    """search.html, its scripts, and Pagefind's index of the names of the resources searched
    (the index ``job`` made, or one made now)."""
    ctx.write(PAGE, templating.render("search.html", root="", title="Search", static=True, query=""))
    ctx.write(SCRIPT, (templating.TEMPLATES / "search.js").read_bytes())
    ctx.write(RULES, f"window.heritageGraphSearchRules = {search.browser_rules()};\n")
    job = job or start_index(ctx.data)
    for path, content in job.files():
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


def index_files(items: list[Record]) -> list[tuple[str, bytes]]:
    """Pagefind's index of ``items`` and its interface: the files of ``pagefind/``, as (path in
    that folder, content), sorted by path.

    :raises PublishError: Pagefind is missing or fails.
    """
    return IndexJob(items).files()
