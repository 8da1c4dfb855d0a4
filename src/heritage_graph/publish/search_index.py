"""The static release's search: the search page and its scripts, and Pagefind's index of the names.

The index is made from the data, not from the pages: one Pagefind record per resource searched
(:func:`heritage_graph.web.search.searched_names`: every resource with a page but the claims),
holding its names in every language and script and their search keys
(:func:`heritage_graph.web.search.index_words`), titled with its label, filtered by its kinds,
linking to its page. Pagefind (the binary of its Python package, :mod:`.pagefind_service`)
writes the index and its interface into ``pagefind/`` of the release being built, so that the
release swaps in whole with its index. Its cost follows the names searched, not the pages written.
``search.html`` holds the interface; ``assets/search.js`` runs it, reducing each query with the
rules of :mod:`heritage_graph.web.search` (``assets/search-rules.js``), as ``serve`` does.
"""

from __future__ import annotations

import hashlib
import html
from itertools import groupby

from ..web import search, templating
from ..web.data import SiteData
from .pagefind_service import PagefindService, Record
from .release import Release

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


def write_search(ctx: Release) -> None:
    """search.html, its scripts, and Pagefind's index of the names of the resources searched."""
    ctx.write(PAGE, templating.render("search.html", root="", title="Search", static=True, query=""))
    ctx.write(SCRIPT, (templating.TEMPLATES / "search.js").read_bytes())
    ctx.write(RULES, f"window.heritageGraphSearchRules = {search.browser_rules()};\n")
    count = write_index(records(ctx.data), str(ctx.staging / FOLDER))
    ctx.progress(f"search index: {count} resources")
    for path in sorted((ctx.staging / FOLDER).rglob("*")):
        if path.is_file():
            content = path.read_bytes()
            ctx.record(path.relative_to(ctx.staging).as_posix(), len(content), hashlib.sha256(content).digest())


def records(data: SiteData) -> list[Record]:
    """One record per resource searched: its page's URL (from the release's root), its names and
    their keys as its text, its label as its title, its kinds as the ``kind`` filter.

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
        kinds = sorted({data.label(kind) for kind in data.typed.get(node, ())})
        out.append(Record(url="/" + path, language=LANGUAGE, meta={"title": title},
                          content=html.escape(" · ".join(texts), quote=False) + " " + search.index_words(texts),
                          filters={"kind": kinds} if kinds else {}))
    return out


def write_index(items: list[Record], output: str) -> int:
    """Pagefind's index of ``items``, written into the folder ``output``; how many records it holds.

    :raises PublishError: Pagefind is missing or fails.
    """
    with PagefindService() as pagefind:
        count = pagefind.add_records(items)
        pagefind.write_files(output)
    return count
