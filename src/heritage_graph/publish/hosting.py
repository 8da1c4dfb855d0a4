"""The rules a static host needs to serve a release: ``.htaccess`` (Apache) and ``nginx.conf``.

They answer ``/id/…`` with 303 See Other to the document in the negotiated format, give each
file its media type, and send the site's Content Security Policy
(:data:`~heritage_graph.web.CONTENT_SECURITY_POLICY`) with every answer, as the pages also carry it.
"""

from __future__ import annotations

from ..web import CONTENT_SECURITY_POLICY
from .release import Release


HTACCESS = r"""# heritage-graph: content negotiation for Apache (mod_rewrite, mod_headers, mod_mime).
#
# The IRIs under /id/ name things (a camp, a memorial, a claim), not documents. Asked for one,
# the server answers 303 See Other with the document about it: the HTML page, or its RDF when
# the client asks for RDF. See docs/publish.md.
#
#   /id/camp/karlag  --303-->  /doc/camp/karlag.html   (browsers, and by default)
#                              /doc/camp/karlag.ttl    (Accept: text/turtle)
#                              /doc/camp/karlag.jsonld (Accept: application/ld+json)
#                              /doc/camp/karlag.rdf    (Accept: application/rdf+xml)
#                              /doc/camp/karlag.nt     (Accept: application/n-triples)
#
# RewriteBase is the URL path of the folder holding this file: / at the root of the host; served
# from a sub-folder (https://example.org/heritage/), that folder (RewriteBase /heritage/).

Options -MultiViews
DirectoryIndex index.html

AddType text/html .html
AddType text/turtle .ttl
AddType application/ld+json .jsonld
AddType application/rdf+xml .rdf
AddType application/n-triples .nt
AddType application/n-quads .nq
AddType application/trig .trig
AddType image/svg+xml .svg
AddType application/sparql-results+json .json
AddCharset utf-8 .html .ttl .jsonld .rdf .nt .nq .trig .svg .css .csv .json
AddType application/gzip .gz
RemoveEncoding .gz

<IfModule mod_rewrite.c>
RewriteEngine On
RewriteBase /

# The ontology and its version IRI (ontology/0.1.0): its documentation, or the Turtle file.
RewriteCond %{HTTP_ACCEPT} text/turtle
RewriteRule ^ontology(/|/[0-9]+(\.[0-9]+)*)?$ ontology/heritage-graph.ttl [R=303,L]
RewriteRule ^ontology(/|/[0-9]+(\.[0-9]+)*)?$ ontology/index.html [R=303,L]

# The dataset: its VoID description.
RewriteCond %{HTTP_ACCEPT} application/ld\+json
RewriteRule ^dataset$ void.jsonld [R=303,L]
RewriteRule ^dataset$ void.ttl [R=303,L]

# Resources: /id/{kind}/{slug} -> /doc/{kind}/{slug}.{html|ttl|jsonld|rdf|nt}
RewriteCond %{HTTP_ACCEPT} text/turtle
RewriteRule ^id/([a-z][a-z0-9-]*)/([A-Za-z0-9][A-Za-z0-9._~-]*)$ doc/$1/$2.ttl [R=303,L]
RewriteCond %{HTTP_ACCEPT} application/ld\+json
RewriteRule ^id/([a-z][a-z0-9-]*)/([A-Za-z0-9][A-Za-z0-9._~-]*)$ doc/$1/$2.jsonld [R=303,L]
RewriteCond %{HTTP_ACCEPT} application/rdf\+xml
RewriteRule ^id/([a-z][a-z0-9-]*)/([A-Za-z0-9][A-Za-z0-9._~-]*)$ doc/$1/$2.rdf [R=303,L]
RewriteCond %{HTTP_ACCEPT} application/n-triples
RewriteRule ^id/([a-z][a-z0-9-]*)/([A-Za-z0-9][A-Za-z0-9._~-]*)$ doc/$1/$2.nt [R=303,L]
RewriteRule ^id/([a-z][a-z0-9-]*)/([A-Za-z0-9][A-Za-z0-9._~-]*)$ doc/$1/$2.html [R=303,L]
</IfModule>

<IfModule mod_headers.c>
  <If "%{REQUEST_URI} =~ m#/(id/|ontology(/|/[0-9]+(\.[0-9]+)*)?$|dataset$)#">
    Header always append Vary Accept
  </If>
  Header set Access-Control-Allow-Origin "*"
  Header always set Content-Security-Policy "@CSP@"
</IfModule>
"""


NGINX = r"""# heritage-graph: content negotiation for nginx.
#
# The IRIs under /id/ name things, not documents: nginx answers 303 See Other with the document
# about the thing, the HTML page or its RDF by the Accept header (see docs/publish.md).
#
# 1. In the http { } block (a map must stand there):

map $http_accept $heritage_graph_suffix {
    default                     html;
    ~*text/turtle               ttl;
    ~*application/ld\+json      jsonld;
    ~*application/rdf\+xml      rdf;
    ~*application/n-triples     nt;
}

# 2. In the server { } block that serves the release (root /srv/heritage-graph;). Served from a
#    sub-folder, put it before /id/, /doc/, /ontology and /dataset in the locations and redirects.
#
# location ~ ^/id/(?<hg_kind>[a-z][a-z0-9-]*)/(?<hg_slug>[A-Za-z0-9][A-Za-z0-9._~-]*)$ {
#     add_header Vary Accept always;
#     return 303 /doc/$hg_kind/$hg_slug.$heritage_graph_suffix;
# }
# location ~ ^/ontology(/[0-9]+(\.[0-9]+)*)?$ {
#     add_header Vary Accept always;
#     if ($heritage_graph_suffix = ttl) { return 303 /ontology/heritage-graph.ttl; }
#     return 303 /ontology/index.html;
# }
# location = /dataset {
#     add_header Vary Accept always;
#     if ($heritage_graph_suffix = jsonld) { return 303 /void.jsonld; }
#     return 303 /void.ttl;
# }
# location / {
#     add_header Access-Control-Allow-Origin "*";
#     add_header Content-Security-Policy "@CSP@" always;
#     types {
#         text/html html; text/css css; image/svg+xml svg; text/csv csv;
#         application/json json; application/gzip gz;
#         text/turtle ttl; application/ld+json jsonld; application/rdf+xml rdf;
#         application/n-triples nt; application/n-quads nq; application/trig trig;
#     }
#     charset utf-8;
#     charset_types text/turtle application/ld+json application/n-triples application/n-quads application/trig text/csv;
#     try_files $uri $uri/index.html =404;
# }
"""


def write_hosting(ctx: Release) -> None:
    ctx.write(".htaccess", HTACCESS.replace("@CSP@", CONTENT_SECURITY_POLICY))
    ctx.write("nginx.conf", NGINX.replace("@CSP@", CONTENT_SECURITY_POLICY))
