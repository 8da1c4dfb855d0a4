"""Pagefind's index made from records in memory, by the binary of Pagefind's Python package.

The ``pagefind`` package runs ``pagefind --service`` and speaks to it in messages: each a JSON
object ``{"message_id": n, "payload": {...}}``, base64-encoded and ended by a comma, answered by
one message of the same form with the same ``message_id``. Its :class:`pagefind.index.PagefindIndex`
reads one answer every tenth of a second (its reading loop sleeps 0.1 s before each), so that
a record costs 0.1 s however many are sent at once: 200 records took 20.1 s (pagefind 1.5.2). This
module speaks the same messages to the same binary (found by the package's
:func:`pagefind.service.get_executable`), sending every record at once from a thread of its own
while it reads the answers as they come: the bundled data's 1,351 records are added in 0.1 to
0.25 s, a generated register's 13,581 in about 2 s. The index's files come back in memory
(:meth:`PagefindService.files`), for the build to write them as it writes every file.

>>> with PagefindService() as pagefind:  # doctest: +SKIP
...     pagefind.add_records([Record("/doc/camp/karlag.html", "Karlag Карлаг karlag", {"title": "Karlag"})])
...     bundle = pagefind.files()  # [("pagefind-entry.json", b"{...}"), ...]
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import tempfile
import threading
from collections import deque
from dataclasses import dataclass, field

from .release import PublishError

#: How long the binary may take to stop once its input is closed (seconds).
STOP_SECONDS = 30


@dataclass(frozen=True)
class Record:
    """One result of the search: its URL (as the search page links it), the text it is found by,
    what is shown of it (``title``), and the values it can be filtered by."""

    url: str
    content: str
    meta: dict[str, str]
    filters: dict[str, list[str]] = field(default_factory=dict)
    language: str = "en"


class PagefindService:
    """A running ``pagefind --service`` holding one index; a context manager that stops it."""

    def __init__(self, config: dict | None = None):
        try:
            from pagefind.service import get_executable  # lazy: only a build needs Pagefind
        except ImportError as exc:
            raise PublishError("the search index needs Pagefind: pip install 'pagefind[bin]'") from exc
        binary = get_executable()
        if binary is None:
            raise PublishError("the search index needs Pagefind's binary: pip install 'pagefind[bin]'")
        self._errors = tempfile.TemporaryFile()
        try:
            self._process = subprocess.Popen([str(binary), "--service"], stdin=subprocess.PIPE,
                                             stdout=subprocess.PIPE, stderr=self._errors)
        except OSError as exc:
            self._errors.close()
            raise PublishError(f"Pagefind could not be started: {exc}") from exc
        self._last_id = 0
        self._pending: list[bytes] = []  # the start of a message not yet ended
        self._ready: deque[bytes] = deque()  # messages read, not yet taken
        try:
            self.index_id = self._exchange([{"type": "NewIndex", "config": config or {}}])[0]["index_id"]
        except BaseException:
            self.close()
            raise

    def add_records(self, records) -> int:
        """Add ``records`` (:class:`Record`) to the index; how many were added."""
        answers = self._exchange([{"type": "AddRecord", "index_id": self.index_id, "url": r.url,
                                   "content": r.content, "language": r.language, "meta": r.meta,
                                   "filters": r.filters, "sort": None} for r in records])
        return len(answers)

    def files(self) -> list[tuple[str, bytes]]:
        """The files of the index and of Pagefind's interface, as (path in the bundle, content),
        sorted by path.

        Taken in memory rather than written by Pagefind (its ``WriteFiles``): the binary answers
        that message before every file is written, and stops when its input closes, so that a
        file could be left empty (``pagefind-component-ui.css`` was, once in three runs).
        """
        answer = self._exchange([{"type": "GetFiles", "index_id": self.index_id}])[0]
        return sorted((f["path"], base64.b64decode(f["content"])) for f in answer.get("files", ()))

    def _exchange(self, payloads: list[dict]) -> list[dict]:
        """Send ``payloads`` and read their answers, in the order of the payloads.

        The messages are written by a thread while this one reads the answers, so that neither
        side's pipe fills up while the other waits.

        :raises PublishError: Pagefind answers one with an error, or stops.
        """
        first = self._last_id + 1
        self._last_id += len(payloads)
        messages = [base64.b64encode(json.dumps({"message_id": first + i, "payload": p}).encode("utf-8")) + b","
                    for i, p in enumerate(payloads)]
        failed: list[BaseException] = []

        def send() -> None:
            try:
                self._process.stdin.write(b"".join(messages))
                self._process.stdin.flush()
            except OSError as exc:  # the binary stopped: the reader says so
                failed.append(exc)

        writer = threading.Thread(target=send, name="pagefind-send", daemon=True)
        writer.start()
        answers: dict[int, dict] = {}
        try:
            while len(answers) < len(payloads):
                message = self._read_message()
                if not message.strip():
                    continue
                answer = json.loads(base64.b64decode(message))
                if not isinstance(answer, dict):
                    continue
                payload = answer.get("payload") or {}
                if payload.get("type") == "Error":
                    raise PublishError(f"Pagefind refused a record: {payload.get('message')}")
                if answer.get("message_id") in range(first, first + len(payloads)):
                    answers[answer["message_id"]] = payload
        finally:
            writer.join()
        return [answers[first + i] for i in range(len(payloads))]

    def _read_message(self) -> bytes:
        """The next message of the binary, without its comma (one message may be megabytes: the
        files of the index)."""
        while not self._ready:
            chunk = os.read(self._process.stdout.fileno(), 1 << 20)
            if not chunk:
                self._errors.seek(0)
                said = [line.strip() for line in self._errors.read().decode("utf-8", "replace").splitlines()
                        if line.strip() and not line.startswith("note:")]
                raise PublishError("Pagefind stopped while writing the search index"
                                   + (f": {' '.join(said)[:300]}" if said else ""))
            if b"," not in chunk:
                self._pending.append(chunk)
                continue
            *complete, rest = chunk.split(b",")
            complete[0] = b"".join(self._pending) + complete[0]
            self._ready.extend(complete)
            self._pending = [rest]
        return self._ready.popleft()

    def kill(self) -> None:
        """Stop the binary at once (a build that failed no longer needs its index): what waits
        for its answer gets a :class:`PublishError`."""
        self._process.kill()

    def close(self) -> None:
        """Stop the binary (it stops when its input closes) and wait for it."""
        try:
            self._process.stdin.close()
        except OSError:
            pass
        try:
            self._process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process.stdout.close()
        self._errors.close()

    def __enter__(self) -> PagefindService:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()
