"""The release on a static host: the `.htaccess` on a real Apache and the nginx snippet on a real
nginx, both started here on loopback, answer the same IRIs as ``serve`` does: ``/id/…`` with a
``303 See Other`` to the document in the type the client asked for, ``Vary: Accept``, and the
documents with their media types.

Skipped, with the reason, when ``apache2`` or ``nginx`` is not installed (``.ci/run`` installs both).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import rdflib

from heritage_graph.rdf.vocab import DEFAULT_BASE
from heritage_graph.web import CONTENT_SECURITY_POLICY

from .servers import free_port, stop
from .test_publish import bundled_release

APACHE = shutil.which("apache2") or "/usr/sbin/apache2"
APACHE_MODULES = Path("/usr/lib/apache2/modules")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

#: Accept header -> the suffix of the document the IRI must redirect to, and its media type.
NEGOTIATION = [
    ("text/turtle", "ttl", "text/turtle"),
    ("application/ld+json", "jsonld", "application/ld+json"),
    ("application/rdf+xml", "rdf", "application/rdf+xml"),
    ("application/n-triples", "nt", "application/n-triples"),
    ("text/html", "html", "text/html"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "html", "text/html"),  # a browser
    ("*/*", "html", "text/html"),
    (None, "html", "text/html"),
]
RESOURCES = ["camp/karlag", "site/spassk-lithuanian-obelisk", "group/lithuanians"]


@pytest.fixture(scope="module")
def site_root(request, tmp_path_factory):
    """A copy of the bundled release that the servers' unprivileged workers may read."""
    out, _ = bundled_release(request, tmp_path_factory)
    root = Path(tempfile.mkdtemp(prefix="hg-static-"))
    os.chmod(root, 0o755)
    shutil.copytree(out, root / "www")
    for folder, dirs, files in os.walk(root / "www"):
        os.chmod(folder, 0o755)
        for name in files:
            os.chmod(Path(folder, name), 0o644)
    yield root / "www"
    shutil.rmtree(root, ignore_errors=True)


def _wait(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped: {log.read_text(errors='replace')[-2000:] if log.exists() else ''}")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"the server did not answer {url} within 20 s")


@contextmanager
def apache(www: Path):
    folder = Path(tempfile.mkdtemp(prefix="hg-apache-"))
    port = free_port()
    modules = ["mpm_event", "authz_core", "mime", "dir", "rewrite", "headers", "unixd", "log_config"]
    loads = "\n".join(f"LoadModule {m}_module {APACHE_MODULES}/mod_{m}.so" for m in modules
                      if (APACHE_MODULES / f"mod_{m}.so").exists())
    (folder / "httpd.conf").write_text(f"""
{loads}
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile {folder}/httpd.pid
ErrorLog {folder}/error.log
LogLevel warn
User nobody
Group nogroup
TypesConfig /etc/mime.types
DocumentRoot "{www}"
DirectoryIndex index.html
<Directory "{www}">
    AllowOverride All
    Options FollowSymLinks
    Require all granted
</Directory>
""")
    process = subprocess.Popen([APACHE, "-f", str(folder / "httpd.conf"), "-DFOREGROUND"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        _wait(f"http://127.0.0.1:{port}/", process, folder / "error.log")
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)
        shutil.rmtree(folder, ignore_errors=True)


def nginx_config(snippet: str, www: Path, folder: Path, port: int) -> str:
    """A whole nginx.conf around the release's snippet: its map as it stands, its server block
    lines uncommented, the root pointed at the release."""
    http_part, server_part = snippet.split("# 2.", 1)
    lines = server_part.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("# location"))
    server_lines = [line[2:] for line in lines[first:] if line.startswith("# ")]
    return f"""
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
user nobody nogroup;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    default_type application/octet-stream;
{http_part}
    server {{
        listen 127.0.0.1:{port};
        root {www};
{chr(10).join(server_lines)}
    }}
}}
"""


@contextmanager
def nginx(www: Path):
    folder = Path(tempfile.mkdtemp(prefix="hg-nginx-"))
    port = free_port()
    conf = folder / "nginx.conf"
    conf.write_text(nginx_config((www / "nginx.conf").read_text(encoding="utf-8"), www, folder, port))
    checked = subprocess.run([NGINX, "-t", "-c", str(conf)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen([NGINX, "-c", str(conf), "-g", "daemon off;"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        _wait(f"http://127.0.0.1:{port}/", process, folder / "error.log")
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module", params=["apache", "nginx"])
def host(request, site_root):
    if request.param == "apache":
        if not Path(APACHE).exists() or not (APACHE_MODULES / "mod_rewrite.so").exists():
            pytest.skip("apache2 is not installed (apt-get install apache2)")
        server = apache
    else:
        if not Path(NGINX).exists():
            pytest.skip("nginx is not installed (apt-get install nginx)")
        server = nginx
    with server(site_root) as base:
        yield base


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize(("accept", "suffix", "media_type"), NEGOTIATION)
def test_resource_iris_redirect_to_the_document_asked_for(host, resource, accept, suffix, media_type):
    headers = {"Accept": accept} if accept else {}
    answer = httpx.get(f"{host}/id/{resource}", headers=headers)
    assert answer.status_code == 303
    assert answer.headers["location"].endswith(f"/doc/{resource}.{suffix}")
    assert "accept" in answer.headers.get("vary", "").lower()
    document = httpx.get(httpx.URL(host).join(answer.headers["location"]), headers=headers)
    assert document.status_code == 200
    assert document.headers["content-type"].split(";")[0].strip() == media_type
    if suffix == "html":
        assert "<html" in document.text.lower()
    else:
        # Parsed at its own URL: the JSON-LD context is fetched from the host too.
        graph = rdflib.Graph().parse(data=document.content, publicID=str(document.url),
                                     format={"ttl": "turtle", "jsonld": "json-ld", "rdf": "xml", "nt": "nt"}[suffix])
        assert (rdflib.URIRef(DEFAULT_BASE + "id/" + resource), None, None) in graph


def test_a_linked_data_client_dereferences_an_iri(host):
    """rdflib asks for RDF, follows the 303 and parses what it gets."""
    graph = rdflib.Graph().parse(f"{host}/id/camp/karlag")
    karlag = rdflib.URIRef(DEFAULT_BASE + "id/camp/karlag")
    labels = {str(o) for o in graph.objects(karlag, rdflib.RDFS.label)}
    assert "Karlag" in labels


@pytest.mark.parametrize(("path", "accept", "target"), [
    ("/ontology", "text/turtle", "/ontology/heritage-graph.ttl"),
    ("/ontology", "text/html", "/ontology/index.html"),
    ("/ontology/0.1.0", "text/turtle", "/ontology/heritage-graph.ttl"),
    ("/ontology/0.1.0", "text/html", "/ontology/index.html"),
    ("/dataset", "text/turtle", "/void.ttl"),
    ("/dataset", "application/ld+json", "/void.jsonld"),
])
def test_the_ontology_and_the_dataset_negotiate(host, path, accept, target):
    answer = httpx.get(host + path, headers={"Accept": accept})
    assert answer.status_code == 303
    assert answer.headers["location"].endswith(target)
    assert httpx.get(httpx.URL(host).join(answer.headers["location"])).status_code == 200


def test_unknown_resources_are_not_found(host):
    answer = httpx.get(f"{host}/id/camp/no-such-camp", headers={"Accept": "text/turtle"}, follow_redirects=True)
    assert answer.status_code == 404


def test_pages_and_dumps_have_their_media_types(host):
    home = httpx.get(host + "/")
    assert home.status_code == 200 and home.headers["content-type"].startswith("text/html")
    dump = httpx.get(host + "/dumps/heritage-graph.ttl")
    assert dump.headers["content-type"].startswith("text/turtle")
    assert re.search(r"utf-8", dump.headers["content-type"], re.IGNORECASE)
    assert httpx.get(host + "/charts/prisoner-shares.svg").headers["content-type"].startswith("image/svg+xml")
    assert httpx.get(host + "/dumps/heritage-graph.ttl").headers.get("access-control-allow-origin") == "*"


@pytest.mark.parametrize("path", ["/", "/ontology/index.html", "/doc/camp/karlag.html", "/dumps/heritage-graph.ttl"])
def test_every_answer_carries_the_content_security_policy(host, path):
    answer = httpx.get(host + path)
    assert answer.status_code == 200
    assert answer.headers.get("content-security-policy") == CONTENT_SECURITY_POLICY
