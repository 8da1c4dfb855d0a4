"""The static release's search: the search page and its scripts, and Pagefind's index of the pages.

Run after every page is written: Pagefind (its Python package, which runs its own binary) reads
the release's HTML, indexes the part of each resource page marked ``data-pagefind-body`` (its
title, and the names and search keys :func:`heritage_graph.web.search.page_keys` wrote into it)
and writes the index and its interface into ``pagefind/`` of the release being built, so that
the release swaps in whole with its index. ``search.html`` holds the interface;
``assets/search.js`` runs it, reducing each query with the rules of
:mod:`heritage_graph.web.search` (``assets/search-rules.js``), as ``serve`` does.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading

from ..web import search, templating
from .release import PublishError, Release

#: The folder of the index and of Pagefind's interface, in the release.
FOLDER = "pagefind"
#: The page with the search interface.
PAGE = "search.html"
#: The scripts of the search page, beside Pagefind's own.
SCRIPT = "assets/search.js"
RULES = "assets/search-rules.js"


def write_search(ctx: Release) -> None:
    """search.html, its scripts, and Pagefind's index of the pages written so far."""
    ctx.write(PAGE, templating.render("search.html", root="", title="Search", static=True, query=""))
    ctx.write(SCRIPT, (templating.TEMPLATES / "search.js").read_bytes())
    ctx.write(RULES, f"window.heritageGraphSearchRules = {search.browser_rules()};\n")
    pages = run_pagefind(str(ctx.staging), str(ctx.staging / FOLDER))
    ctx.progress(f"search index: {pages} pages")
    for path in sorted((ctx.staging / FOLDER).rglob("*")):
        if path.is_file():
            content = path.read_bytes()
            ctx.record(path.relative_to(ctx.staging).as_posix(), len(content), hashlib.sha256(content).digest())


def run_pagefind(site: str, output: str) -> int:
    """Index the HTML of ``site`` into ``output`` with Pagefind; how many pages it indexed.

    Pagefind's API is asynchronous: it runs in an event loop of its own, on a thread of its own,
    so that a caller already inside an event loop can build too.

    :raises PublishError: Pagefind is missing or fails.
    """
    try:
        from pagefind.index import IndexConfig, PagefindIndex  # lazy: runs a binary, only a build needs it
    except ImportError as exc:
        raise PublishError("the search index needs Pagefind: pip install 'pagefind[bin]'") from exc

    async def index() -> int:
        config = IndexConfig(force_language="en", output_path=output)
        async with PagefindIndex(config=config) as pagefind:
            answer = await pagefind.add_directory(site, glob="doc/**/*.html")
            return int(answer.get("page_count", 0))

    outcome: dict = {}

    def work() -> None:
        try:
            outcome["pages"] = asyncio.run(index())
        except BaseException as exc:  # noqa: BLE001 - raised again in the build's thread
            outcome["error"] = exc

    thread = threading.Thread(target=work, name="pagefind")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise PublishError(f"the search index could not be written: {outcome['error']}") from outcome["error"]
    return outcome["pages"]
