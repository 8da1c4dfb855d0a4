"""The command line: parses options and calls one function per command, nothing more.

Each command is a module of :mod:`heritage_graph.commands`, loaded only when it is run (or when the
help lists them all): ``heritage-graph query`` reads the stored queries without loading the
server, the build or the importers. Errors raised on purpose
(:class:`~heritage_graph.errors.HeritageGraphError`) become one line on standard error and exit
status 2; no traceback reaches the user. SIGTERM stops a command as Ctrl-C does: what it was
writing is unwound (staging folders and temporary files removed) before it exits, status 143.
"""

from __future__ import annotations

import importlib
import os
import signal
import sys
import threading

import click

from . import __version__
from .errors import HeritageGraphError
from .util.terminal import echo, printable

#: Each command's name and the module of :mod:`heritage_graph.commands` that holds it.
COMMANDS = {
    "build": "build",
    "export": "export",
    "generate": "generate",
    "import": "imports",
    "load": "load",
    "push": "push",
    "query": "query",
    "reconcile": "reconcile",
    "serve": "serve",
    "validate": "validate",
}


class Group(click.Group):
    """A click group that loads a command's module when the command is asked for, and turns the
    package's errors into one clear line and exit status 2."""

    def list_commands(self, ctx) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx, name):
        if name not in COMMANDS:
            return None
        return importlib.import_module(f"{__package__}.commands.{COMMANDS[name]}").command

    def invoke(self, ctx):
        previous = stop_on_sigterm()
        try:
            return super().invoke(ctx)
        except HeritageGraphError as exc:
            echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)
        except Terminated:
            click.echo("terminated", err=True)
            sys.exit(128 + signal.SIGTERM)
        except click.ClickException as exc:  # click prints it: a value quoted in it made printable
            exc.message = printable(exc.message)
            raise
        except (click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:  # a bug, not bad input: one line unless debugging
            if os.environ.get("HERITAGE_GRAPH_DEBUG"):
                raise
            echo(f"error: internal error ({type(exc).__name__}: {exc}); "
                 "set HERITAGE_GRAPH_DEBUG=1 for the traceback and please report it", err=True)
            sys.exit(3)
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)


class Terminated(BaseException):
    """SIGTERM arrived: raised where the command is, so that it unwinds as on Ctrl-C."""


def stop_on_sigterm():
    """Make SIGTERM raise :class:`Terminated` in this process (a server replaces the handler while
    it runs, and puts this one back); returns the handler it replaced, or None where signals cannot
    be handled (not the main thread). A process forked from this one dies of it as by default:
    the unwinding belongs to the process that made the files."""
    if threading.current_thread() is not threading.main_thread():
        return None
    owner = os.getpid()

    def handler(signum, frame):
        if os.getpid() != owner:
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        raise Terminated

    return signal.signal(signal.SIGTERM, handler)


@click.group(cls=Group)
@click.version_option(__version__, prog_name="heritage-graph")
def main():
    """heritage-graph: Lithuanian communities and heritage worldwide, as linked data."""
