"""Errors raised by heritage-graph.

Every error the package raises on purpose derives from :class:`HeritageGraphError`, so the command
line can turn it into one clear line and an exit status, with no traceback::

    HeritageGraphError
     ├── InputError            unusable input: a missing file, bad syntax, an unknown prefix
     │    └── RdfSyntaxError   an RDF file that does not parse (carries file, line and column)
     ├── ConfigError           a setting or option that cannot be used
     ├── QueryError            a stored or ad-hoc query that cannot be read or run
     ├── NotConformingError    data that fails validation, refused by a command that would send or save it
     └── EndpointError         a remote SPARQL endpoint that is down, slow, or answers wrongly

Library errors (pyoxigraph, rdflib, pyshacl, SPARQLWrapper, HTTP) are wrapped with
``raise X(...) from exc`` at the edge where they occur.
"""

from __future__ import annotations

from pathlib import Path


class HeritageGraphError(Exception):
    """Base class of every error heritage-graph raises on purpose."""

    exit_code = 2


class InputError(HeritageGraphError):
    """Input that cannot be used at all: a missing or unreadable file, a directory with no RDF."""


class RdfSyntaxError(InputError):
    """An RDF file that does not parse; names the file, the line and the column."""

    def __init__(self, path: Path | str, line: int | None, column: int | None, message: str):
        self.path = str(path)
        self.line = line
        self.column = column
        self.reason = message
        where = self.path
        if line is not None:
            where += f":{line}"
            if column is not None:
                where += f":{column}"
        super().__init__(f"{where}: {message}")


class ConfigError(HeritageGraphError):
    """A setting or command-line option that cannot be used."""


class QueryError(HeritageGraphError):
    """A stored or ad-hoc SPARQL query that cannot be read, bound or run."""


class NotConformingError(HeritageGraphError):
    """Data that does not conform to the shapes, refused before anything is pushed or written (exit status 1)."""

    exit_code = 1


class EndpointError(HeritageGraphError):
    """A remote SPARQL endpoint that is unreachable, too slow, or answers with an error or garbage."""
