"""Markup the site did not write itself, made safe: parsed and cleaned by an HTML sanitiser.

The site's own pages escape every value (:mod:`heritage_graph.web.templating`). A page made by
another program from the data, pyLODE's ontology documentation, is not escaped that way: pyLODE
renders descriptions as Markdown, which passes HTML through, so a comment
``<img src=x onerror=…>`` in the ontology's graph would reach the page as markup.
:func:`clean_fragment` parses such markup with nh3 (the Rust sanitiser ammonia, an HTML5 parser)
and keeps only the elements and attributes of :data:`TAGS` and :data:`ATTRIBUTES`: no script, no
``on…`` attribute, no style, no image or frame that would load something, and links only to
``http(s)``, ``mailto`` or the page's own anchors.

>>> clean_fragment('<p>Camp <img src=x onerror="alert(1)"> <a href="javascript:alert(2)">x</a></p>')
'<p>Camp  <a rel="noopener noreferrer">x</a></p>'
>>> clean_fragment('<script>alert(1)</script><div class="entity" id="Camp">ok</div>')
'<div class="entity" id="Camp">ok</div>'
"""

from __future__ import annotations

import nh3

#: The elements kept: text structure, lists, tables, links. Anything else is dropped (its text kept).
TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "div", "dl", "dt", "em", "h1", "h2",
    "h3", "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "q", "section", "small", "span", "strong", "sub",
    "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})

#: Elements dropped with their content, not only their tags.
DROPPED_WITH_CONTENT = frozenset({"script", "style", "template", "noscript"})

#: The attributes kept, by element (``*``: on every element kept).
ATTRIBUTES = {
    "*": {"class", "id", "lang", "title"},
    "a": {"href", "hreflang"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}

#: The link schemes kept; relative links (the page's own anchors, ``#Camp``) are kept too.
URL_SCHEMES = frozenset({"http", "https", "mailto"})


def clean_fragment(html: str) -> str:
    """``html`` (a fragment: what goes inside ``<body>``) with only the markup of :data:`TAGS` and
    :data:`ATTRIBUTES` left, every text and attribute value escaped again on the way out."""
    return nh3.clean(html, tags=set(TAGS), clean_content_tags=set(DROPPED_WITH_CONTENT),
                     attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
                     url_schemes=set(URL_SCHEMES), strip_comments=True)
