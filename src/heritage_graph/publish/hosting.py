"""The rules a static host needs to serve a release: ``.htaccess`` (Apache) and ``nginx.conf``.

They answer ``/id/…``, ``/ontology`` and ``/dataset`` with 303 See Other to the document in the
negotiated format (or 406 Not Acceptable), give each file its media type (:data:`layout.MEDIA`,
the table ``serve`` uses too; a charset only on text, never on ``.gz``), and send the site's
Content Security Policy (:data:`~heritage_graph.web.CONTENT_SECURITY_POLICY`) with every answer.

What is offered, in the server's order of preference, with the names clients also use, is
:data:`OFFERS` (:data:`heritage_graph.publish.layout.RESOURCE_OFFERS`, the table the live server
negotiates with). From it:

- Apache gets mod_rewrite rules that read the ``Accept`` header as RFC 9110 says (the live
  server's :func:`~heritage_graph.serve.negotiation.negotiate`): each offer's quality is that of
  the most specific range naming it (its own name over an alias, ``type/*``, ``*/*``), written to an
  environment variable as an integer (``q`` × 1000, then a digit that is 1 when the offer's own name
  set it); the largest wins, ties go to the server's order; nothing acceptable answers 406. Why not
  mod_negotiation: docs/publish.md ("Negotiation on a static host").
- nginx, which has no q-value arithmetic without a scripting module, gets a ``map`` that takes the
  first offer in three passes: named at full quality, reached by a wildcard at full quality, named
  or reached at a quality above 0; else 406. It cannot rank two qualities below 1.

>>> HTACCESS.count("RewriteRule") > 40, "[R=406" in HTACCESS
(True, True)
"""

from __future__ import annotations

import re

from ..web import CONTENT_SECURITY_POLICY
from . import layout
from .release import Release

#: What a resource's IRI is answered with, in the server's order of preference: suffix, media type,
#: and the names clients also ask for it by (the one table, read by the live server too).
OFFERS = layout.RESOURCE_OFFERS

#: The negotiated addresses: name → (URL path pattern, the suffixes offered there in order, the
#: 303 target with ``{suffix}``; ``$1``, ``$2`` the pattern's groups).
ROUTES = {
    "id": (r"^id/([a-z][a-z0-9-]*)/([A-Za-z0-9][A-Za-z0-9._~-]*)$", ("html", "ttl", "jsonld", "nt", "rdf"),
           "doc/$1/$2.{suffix}"),
    "ontology": (r"^ontology(/|/[0-9]+(\.[0-9]+)*)?$", ("html", "ttl"),
                 "ontology/{file}"),
    "dataset": (r"^dataset$", ("ttl", "jsonld"), "void.{suffix}"),
}
#: The ontology's files by suffix (its documentation, its Turtle), in ``ontology/``.
ONTOLOGY_FILES = {suffix.lstrip("."): file.removeprefix("ontology/") for suffix, file in layout.ONTOLOGY_FILES.items()}
#: The header values that name no media range at all count as no header (everything acceptable).
_ANY_RANGE = r"(^|,)\s*[-!#$%&'*+.^_`|~0-9a-z]+/[-!#$%&'*+.^_`|~0-9a-z]+\s*(;|,|$)"
#: One item of an Accept header naming ``{name}``, its parameters in group 1.
_ITEM = r"(?:^|,)\s*{name}\s*((?:;[^,]*)?)(?:,|$)"
#: A ``q`` parameter and its value (as read from the parameters).
_Q = r";\s*q\s*=\s*\"?"


def _pcre(name: str) -> str:
    return re.sub(r"([.+*])", r"\\\1", name)


def ranges_for(suffix: str) -> list[tuple[str, int]]:
    """The ranges that can set an offer's quality, most specific first (RFC 9110 §12.5.1), each
    with 1 when it names the offer's own type (which wins a tie over an alias): own name, aliases,
    own ``type/*``, aliases' ``type/*``, ``*/*``.

    >>> ranges_for("nt")
    [('application/n-triples', 1), ('text/plain', 0), ('application/*', 1), ('text/*', 0), ('*/*', 1)]
    """
    _, own, aliases = next(o for o in OFFERS if o[0] == suffix)
    found = [(own, 1)] + [(a, 0) for a in aliases]
    wild = [(own.split("/")[0] + "/*", 1)] + [(a.split("/")[0] + "/*", 0) for a in aliases]
    for name, flag in wild:
        if name not in [n for n, _ in found]:
            found.append((name, flag))
    return found + [("*/*", 1)]


# Apache -----------------------------------------------------------------------------------------


def _apache_scores() -> list[str]:
    """Rules setting ``HG_S_{suffix}``, each offer's score (``q``×1000, then the own-name digit)."""
    lines = []
    for suffix, _, _ in OFFERS:
        var, params, own = f"HG_S_{suffix}", f"HG_P_{suffix}", f"HG_O_{suffix}"
        lines.append(f"# {suffix}: the parameters of the most specific range naming it, then its score")
        for name, flag in ranges_for(suffix):
            lines += [f"RewriteCond %{{ENV:{params}}} ^$",
                      f"RewriteCond %{{HTTP:Accept}} {_ITEM.format(name=_pcre(name))} [NC]",
                      f"RewriteRule ^ - [E={params}:x%1,E={own}:{flag}]"]
        for pattern, value in ((r"!;\s*q\s*=", "1000"), (_Q + r"0*[1-9]", "1000"),
                               (_Q + r"0*\.([0-9])([0-9])([0-9])", "%1%2%3"), (_Q + r"0*\.([0-9])([0-9])", "%1%20"),
                               (_Q + r"0*\.([0-9])", "%100"), (".", "0")):
            lines += [f"RewriteCond %{{ENV:{var}}} ^$", f"RewriteCond %{{ENV:{params}}} ^x",
                      f"RewriteCond %{{ENV:{params}}} {pattern} [NC]",
                      f"RewriteRule ^ - [E={var}:{value}%{{ENV:{own}}}]"]
        lines += [f"RewriteCond %{{ENV:{var}}} ^$", f"RewriteRule ^ - [E={var}:0]"]
    return lines


def _apache_route(name: str) -> list[str]:
    """Rules choosing ``HG_{name}`` among the route's offers, then answering 303 or 406."""
    pattern, suffixes, target = ROUTES[name]
    pick, best = f"HG_{name}", f"HG_BEST_{name}"
    lines = [f"# {name}: the highest score wins, the first offer a tie; no Accept range at all takes the first",
             f"RewriteRule {pattern} - [E={pick}:{suffixes[0]},E={best}:%{{ENV:HG_S_{suffixes[0]}}}]"]
    for suffix in suffixes[1:]:
        lines += [f"RewriteCond expr \"env('HG_S_{suffix}') -gt env('{best}')\"",
                  f"RewriteRule {pattern} - [E={pick}:{suffix},E={best}:%{{ENV:HG_S_{suffix}}}]"]
    lines += [f"RewriteCond %{{HTTP:Accept}} !{_ANY_RANGE} [NC]",
              f"RewriteRule {pattern} - [E={pick}:{suffixes[0]},E={best}:10000]",
              f"RewriteCond expr \"env('{best}') -lt 10\"",
              f"RewriteRule {pattern} - [R=406,L]"]
    if name == "ontology":
        for suffix in suffixes:
            lines += [f"RewriteCond %{{ENV:{pick}}} ={suffix}",
                      f"RewriteRule {pattern} {target.format(file=ONTOLOGY_FILES[suffix])} [R=303,L]"]
    else:
        lines.append(f"RewriteRule {pattern} {target.format(suffix='%{ENV:' + pick + '}')} [R=303,L]")
    return lines


def _apache_types() -> list[str]:
    lines = [f"AddType {kind} {suffix}" for suffix, kind in layout.MEDIA.items()]
    return lines + ["AddCharset utf-8 " + " ".join(sorted(layout.CHARSET_SUFFIXES)),
                    "RemoveEncoding .gz",
                    "# A .gz is bytes: no charset, even after .ttl (mod_mime reads every suffix of a name).",
                    '<FilesMatch "\\.gz$">', f"  ForceType {layout.MEDIA['.gz']}", "</FilesMatch>"]


def htaccess() -> str:
    """The release's ``.htaccess``."""
    negotiated = "|".join(p.strip("^$") for p, _, _ in ROUTES.values())
    scores = _apache_scores()
    body = [APACHE_HEAD, *_apache_types(), "", "<IfModule mod_rewrite.c>", "RewriteEngine On", "RewriteBase /", "",
            "# Only the negotiated addresses read Accept: skip the scoring rules for any other path.",
            f"RewriteRule !^({negotiated}) - [S={sum(line.startswith('RewriteRule') for line in scores)}]",
            *scores, "", *_apache_route("ontology"), "", *_apache_route("dataset"), "", *_apache_route("id"),
            "</IfModule>", "", "<IfModule mod_headers.c>",
            f"  <If \"%{{REQUEST_URI}} =~ m#/({negotiated})$#\">",
            "    Header always append Vary Accept", "  </If>",
            '  Header set Access-Control-Allow-Origin "*"',
            f'  Header always set Content-Security-Policy "{CONTENT_SECURITY_POLICY}"', "</IfModule>", ""]
    return "\n".join(body)


APACHE_HEAD = r"""# heritage-graph: content negotiation for Apache 2.4 (mod_rewrite, mod_headers, mod_mime).
#
# The IRIs under /id/ name things (a camp, a memorial, a claim), not documents. Asked for one,
# the server answers 303 See Other with the document about it, in the format the Accept header
# prefers (q-values read as RFC 9110 says, as `heritage-graph serve` does), or 406 Not Acceptable:
#
#   /id/camp/karlag  --303-->  /doc/camp/karlag.html   (browsers, and by default)
#                              /doc/camp/karlag.ttl    (text/turtle)
#                              /doc/camp/karlag.jsonld (application/ld+json, application/json)
#                              /doc/camp/karlag.nt     (application/n-triples)
#                              /doc/camp/karlag.rdf    (application/rdf+xml)
#
# RewriteBase is the URL path of the folder holding this file: / at the root of the host; served
# from a sub-folder (https://example.org/heritage/), that folder (RewriteBase /heritage/).
# See docs/publish.md.

Options -MultiViews
DirectoryIndex index.html
"""


# nginx ------------------------------------------------------------------------------------------

#: A range's parameters hold no ``q`` below 1 (no ``q``, or ``q=1``).
_FULL = r"(?:;(?!\s*q\s*=\s*\"?0)[^,;]*)*\s*(?:,|$)"
#: A range's parameters hold no ``q`` of 0 (``q=0``, ``q=0.0`` …).
_NONZERO = r"(?:;(?!\s*q\s*=\s*\"?0*(?:\.0*)?\"?\s*(?:[,;]|$))[^,;]*)*\s*(?:,|$)"


def _nginx_map(name: str) -> list[str]:
    _, suffixes, _ = ROUTES[name]
    var = "$heritage_graph_" + name
    entries = [f"map $http_accept {var} {{", "    default  406;", f'    ""  {suffixes[0]};',
               f'    "~*^(?!.*{_ANY_RANGE[5:]})"  {suffixes[0]};']
    named = [(s, n, f) for s in suffixes for n, f in ranges_for(s) if "*" not in n]
    own_first = sorted(named, key=lambda e: -e[2])
    wild = sorted(((s, n, f) for s in suffixes for n, f in ranges_for(s) if "*" in n), key=lambda e: -e[2])
    seen: set[str] = set()
    for params, label in ((_FULL, "named at full quality"), (None, "wildcards at full quality"),
                          (_NONZERO, "named or reached above q=0")):
        entries.append(f"    # {label}")
        rows = ([(s, n) for s, n, _ in own_first] if params is not None else []) + \
               ([(s, n) for s, n, _ in wild] if params is not _FULL else [])
        for suffix, range_name in rows:
            test = params if params is not None else _FULL
            regex = f"(?:^|,)\\s*{_pcre(range_name)}\\s*{test}"
            if regex in seen:
                continue
            seen.add(regex)
            entries.append(f'    "~*{regex}"  {suffix};')
    return entries + ["}"]


def nginx_conf() -> str:
    """The release's ``nginx.conf`` snippet."""
    types = " ".join(f"{kind} {suffix[1:]};" for suffix, kind in layout.MEDIA.items())
    charset_types = " ".join(sorted({layout.MEDIA[s] for s in layout.CHARSET_SUFFIXES} - {"text/html"}))
    maps = [line for name in ROUTES for line in _nginx_map(name)]
    return (NGINX_HEAD + "\n".join(maps) + "\n" + NGINX_SERVER
            .replace("@TYPES@", types).replace("@CHARSET_TYPES@", charset_types)
            .replace("@CSP@", CONTENT_SECURITY_POLICY))


NGINX_HEAD = r"""# heritage-graph: content negotiation for nginx.
#
# The IRIs under /id/ name things, not documents: nginx answers 303 See Other with the document
# about the thing, the HTML page or its RDF by the Accept header, or 406 Not Acceptable.
# nginx cannot compare q-values: among types all asked for below q=1 it takes the server's order
# (text/html, text/turtle, application/ld+json, application/n-triples, application/rdf+xml), not
# the highest q. Everything else is answered as `heritage-graph serve` does. See docs/publish.md.
#
# 1. In the http { } block (a map must stand there):

"""

NGINX_SERVER = r"""
# 2. In the server { } block that serves the release (root /srv/heritage-graph;). Served from a
#    sub-folder, put it before /id/, /doc/, /ontology and /dataset in the locations and redirects.
#
# location ~ ^/id/(?<hg_kind>[a-z][a-z0-9-]*)/(?<hg_slug>[A-Za-z0-9][A-Za-z0-9._~-]*)$ {
#     add_header Vary Accept always;
#     if ($heritage_graph_id = 406) { return 406; }
#     return 303 /doc/$hg_kind/$hg_slug.$heritage_graph_id;
# }
# location ~ ^/ontology(/[0-9]+(\.[0-9]+)*)?$ {
#     add_header Vary Accept always;
#     if ($heritage_graph_ontology = 406) { return 406; }
#     if ($heritage_graph_ontology = ttl) { return 303 /ontology/heritage-graph.ttl; }
#     return 303 /ontology/index.html;
# }
# location = /dataset {
#     add_header Vary Accept always;
#     if ($heritage_graph_dataset = 406) { return 406; }
#     return 303 /void.$heritage_graph_dataset;
# }
# location / {
#     add_header Access-Control-Allow-Origin "*";
#     add_header Content-Security-Policy "@CSP@" always;
#     types { @TYPES@ }
#     charset utf-8;
#     charset_types @CHARSET_TYPES@;
#     try_files $uri $uri/index.html =404;
# }
"""

HTACCESS = htaccess()
NGINX = nginx_conf()


def write_hosting(ctx: Release) -> None:
    ctx.write(".htaccess", HTACCESS)
    ctx.write("nginx.conf", NGINX)
