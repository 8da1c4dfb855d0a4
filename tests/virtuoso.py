"""A real Virtuoso Open Source 7 server for the tests, on loopback ports, in a temporary folder.

:func:`virtuoso_server` copies the packaged ``virtuoso.ini``, points its database files at a
folder of its own, binds both ports (SQL and HTTP) to 127.0.0.1 on free ports, lifts the silent
result caps (``ResultSetMaxRows``, ``MaxQueryExecutionTime``) so that full results can be compared,
starts ``virtuoso-t -f`` in the foreground and waits until ``/sparql`` answers. It stops the server
with ``isql-vt … exec="shutdown;"``, and kills it if that does not work.

Tests that use it are skipped, with the reason, when ``virtuoso-t`` is not installed
(``apt-get install virtuoso-opensource``; CI installs it).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .servers import free_port

PACKAGED_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
USER = "dba"
PASSWORD = "dba"  # the Debian package's admin password when installed without a prompt


@dataclass
class Virtuoso:
    """A running Virtuoso: its HTTP base URL, SQL port, folder, and how long it took to start."""

    base: str
    sql_port: int
    folder: Path
    started_in: float
    user: str = USER
    password: str = PASSWORD

    @property
    def sparql(self) -> str:
        return self.base + "/sparql"


def missing_reason() -> str | None:
    """Why the tests cannot start Virtuoso here, or None when they can."""
    if shutil.which("virtuoso-t") is None:
        return "virtuoso-t is not installed (apt-get install virtuoso-opensource)"
    if shutil.which("isql-vt") is None:
        return "isql-vt is not installed (apt-get install virtuoso-opensource)"
    if not PACKAGED_INI.exists():
        return f"{PACKAGED_INI} is missing (apt-get install virtuoso-opensource)"
    return None


def write_ini(folder: Path, http_port: int, sql_port: int) -> Path:
    """The packaged ini, changed for a private test server in ``folder``."""
    text = PACKAGED_INI.read_text(encoding="utf-8")
    section = None
    lines = []
    for line in text.splitlines():
        header = re.match(r"^\s*\[([^\]]+)\]", line)
        if header:
            section = header.group(1)
        key = re.match(r"^\s*([A-Za-z_0-9]+)\s*=", line)
        name = key.group(1) if key else None
        if name in ("DatabaseFile", "ErrorLogFile", "LockFile", "TransactionFile", "xa_persistent_file"):
            value = line.split("=", 1)[1].split(";", 1)[0].strip()
            line = f"{name} = {folder / Path(value).name}"
        elif name == "ServerPort" and section == "Parameters":
            line = f"ServerPort = 127.0.0.1:{sql_port}"
        elif name == "ServerPort" and section == "HTTPServer":
            line = f"ServerPort = 127.0.0.1:{http_port}"
        elif name == "DirsAllowed":
            line = line.rstrip() + f", {folder}"
        elif name == "DefaultHost" and section == "URIQA":
            line = f"DefaultHost = 127.0.0.1:{http_port}"
        elif name == "ResultSetMaxRows":
            line = "ResultSetMaxRows = 1000000"
        elif name == "MaxQueryExecutionTime":
            line = "MaxQueryExecutionTime = 600"
        elif name == "CheckpointInterval":
            line = "CheckpointInterval = 0"  # no checkpoint pauses during a short test run
        lines.append(line)
    ini = folder / "virtuoso.ini"
    ini.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ini


@contextmanager
def virtuoso_server(folder: Path, *, start_timeout: float = 90):
    """Start Virtuoso with its database in ``folder``; yields a :class:`Virtuoso`."""
    folder.mkdir(parents=True, exist_ok=True)
    http_port, sql_port = free_port(), free_port()
    while sql_port == http_port:
        sql_port = free_port()
    ini = write_ini(folder, http_port, sql_port)
    started = time.monotonic()
    log = open(folder / "stdout.log", "wb")
    process = subprocess.Popen(["virtuoso-t", "-f", "-c", str(ini)], cwd=folder, stdout=log,
                               stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{http_port}"
    try:
        deadline = started + start_timeout
        while True:
            try:
                urllib.request.urlopen(f"{base}/sparql?query=ASK%7B%7D", timeout=2).read()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    tail = (folder / "virtuoso.log").read_text(errors="replace")[-2000:] \
                        if (folder / "virtuoso.log").exists() else ""
                    raise RuntimeError(f"virtuoso-t did not start within {start_timeout:g} s:\n{tail}")
                time.sleep(0.2)
        yield Virtuoso(base, sql_port, folder, time.monotonic() - started)
    finally:
        try:
            subprocess.run(["isql-vt", f"127.0.0.1:{sql_port}", USER, PASSWORD, "exec=shutdown;"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=20)
            process.wait(timeout=20)
        except (subprocess.TimeoutExpired, OSError):
            process.kill()
            process.wait(timeout=10)
        finally:
            log.close()
