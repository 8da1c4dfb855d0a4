"""A progress bar for long commands, drawn on standard error only when someone is watching.

:func:`progress` is a context manager around a loop: tell it how much work there is, call
:meth:`Progress.update` as the work gets done, and it draws one line on standard error, redrawn
in place, with the count, the share done, the rate and the time left::

    generate: 41,000/100,000 persons  41%  [#########---------------]  38,912 persons/s  ETA 2s

The bar appears only when it is worth it and cannot get in the way: when the standard error and
standard output are both terminals (so nothing is drawn into a log or a pipe) and only once the
work has taken longer than ``delay`` seconds (a quick run prints nothing). It is redrawn at most
every ``interval`` seconds, so calling :meth:`Progress.update` often costs little; callers that
loop over millions of items still update once per batch.

>>> import io
>>> screen, now = io.StringIO(), [0.0]
>>> with progress(4, "count", "items", stream=screen, enabled=True, clock=lambda: now[0]) as bar:
...     bar.update(1)          # within the first second: nothing is drawn
...     now[0] = 2.0
...     bar.update(1)          # two seconds in: drawn, and drawn once more at the end
>>> print(screen.getvalue().replace("\\r", "\\n"))
<BLANKLINE>
count: 2/4 items  50%  [############------------]  1 items/s  ETA 2s
count: 2/4 items  50%  [############------------]  1 items/s  ETA 2s
<BLANKLINE>
>>> quiet = io.StringIO()
>>> with progress(4, "count", "items", stream=quiet) as bar:   # not a terminal: never drawn
...     bar.update(4)
>>> quiet.getvalue()
''
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

WIDTH = 24


class Progress:
    """The state of one progress bar: how much is done, and when it was last drawn."""

    def __init__(
        self,
        total: int | None,
        label: str,
        unit: str,
        *,
        stream: TextIO,
        enabled: bool,
        delay: float,
        interval: float,
        clock: Callable[[], float],
    ):
        self.total = total
        self.label = label
        self.unit = unit
        self.done = 0
        self._stream = stream
        self._enabled = enabled
        self._delay = delay
        self._interval = interval
        self._clock = clock
        self._start = clock()
        self._last_draw: float | None = None
        self._width = 0

    @property
    def enabled(self) -> bool:
        """Whether the bar may be drawn at all (someone is watching)."""
        return self._enabled

    @property
    def drawn(self) -> bool:
        """Whether the bar has been drawn at least once."""
        return self._last_draw is not None

    @property
    def elapsed(self) -> float:
        """Seconds since the bar was started."""
        return self._clock() - self._start

    def update(self, n: int = 1) -> None:
        """Count ``n`` more units done, and redraw the bar if it is due."""
        self.done += n
        if not self._enabled:
            return
        now = self._clock()
        if now - self._start < self._delay:
            return
        if self._last_draw is not None and now - self._last_draw < self._interval:
            return
        self._draw(now)

    def line(self, now: float | None = None) -> str:
        """The text of the bar as it stands: count, share, bar, rate and time left."""
        now = self._clock() if now is None else now
        elapsed = max(now - self._start, 1e-9)
        rate = self.done / elapsed
        parts = [f"{self.label}: {self.done:,}"]
        if self.total:
            share = min(self.done / self.total, 1.0)
            filled = int(share * WIDTH)
            parts[0] += f"/{self.total:,} {self.unit} {share:4.0%}"
            parts.append(f"[{'#' * filled}{'-' * (WIDTH - filled)}]")
        else:
            parts[0] += f" {self.unit}"
        parts.append(f"{rate:,.0f} {self.unit}/s")
        if self.total and rate > 0 and self.done < self.total:
            parts.append(f"ETA {_duration((self.total - self.done) / rate)}")
        elif self.total and self.done >= self.total:
            parts.append(f"in {_duration(elapsed)}")
        return "  ".join(parts)

    def _draw(self, now: float) -> None:
        text = self.line(now)
        padding = " " * max(self._width - len(text), 0)
        self._width = len(text)
        self._stream.write(f"\r{text}{padding}")
        self._stream.flush()
        self._last_draw = now

    def close(self) -> None:
        """Draw the final state and end the line, if the bar was shown (or is due now)."""
        if not self._enabled:
            return
        now = self._clock()
        if self._last_draw is None and now - self._start < self._delay:
            return
        self._draw(now)
        self._stream.write("\n")
        self._stream.flush()


def _duration(seconds: float) -> str:
    """``42s``, ``3m05s`` or ``1h02m``.

    >>> _duration(4.2), _duration(185), _duration(3725)
    ('4s', '3m05s', '1h02m')
    """
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


def watching(stream: TextIO | None = None) -> bool:
    """True when ``stream`` (standard error by default) and standard output are both terminals."""
    stream = sys.stderr if stream is None else stream
    try:
        return bool(stream.isatty() and sys.stdout.isatty())
    except (AttributeError, ValueError):
        return False


@contextmanager
def progress(
    total: int | None,
    label: str,
    unit: str = "items",
    *,
    stream: TextIO | None = None,
    enabled: bool | None = None,
    delay: float = 1.0,
    interval: float = 0.1,
    clock: Callable[[], float] = time.monotonic,
) -> Iterator[Progress]:
    """A progress bar for ``total`` units of work (``None`` when unknown), named ``label``.

    :param unit: what is counted, in the plural ("persons", "triples").
    :param stream: where to draw (default: standard error).
    :param enabled: draw or not; ``None`` (the default) draws only when :func:`watching`.
    :param delay: seconds of work before the bar first appears.
    :param interval: seconds between two redraws at most.
    :param clock: the time source (a seam for tests).

    The bar ends its line when the block is left, whether the work finished or failed, so that
    an error message starts on a line of its own.
    """
    stream = sys.stderr if stream is None else stream
    bar = Progress(
        total,
        label,
        unit,
        stream=stream,
        enabled=watching(stream) if enabled is None else enabled,
        delay=delay,
        interval=interval,
        clock=clock,
    )
    try:
        yield bar
    finally:
        bar.close()


class StepProgress:
    """The progress of a command made of steps, on standard error: a line per step, and for the
    long ones a counter; when someone is watching (:func:`watching`), the counter is a
    :class:`Progress` bar with the rate and the time left.

    Call it ``(step)`` when a step starts and ``(step, done, total)`` as a long one goes.

    >>> import io
    >>> screen = io.StringIO()
    >>> report = StepProgress("build", screen, bars=False)
    >>> report("load"); report("pages", 1, 2); report("pages", 2, 2); report("swap")
    >>> print(screen.getvalue().replace("\\r", "|"))
    build: load
    |build: pages 1/2 (50%)|build: pages 2/2 (100%)
    build: swap
    <BLANKLINE>
    """

    def __init__(self, command: str, stream: TextIO | None = None, *, bars: bool | None = None,
                 units: dict[str, str] | None = None):
        self.command = command
        self.stream = stream or sys.stderr
        self.bars = watching(self.stream) if bars is None else bars
        self.units = dict(units or {})
        self._last: tuple | None = None
        self._bar: Progress | None = None
        self._step: str | None = None
        self._before = 0

    def __call__(self, step: str, done: int | None = None, total: int | None = None) -> None:
        if done is None or total is None:
            self._end_counter()
            self.stream.write(f"{self.command}: {step}\n")
        elif self.bars:
            self._draw(step, done, total)
        else:
            percent = 100 * done // max(total, 1)
            if self._last != (step, percent) or done == total:
                self._last = (step, percent)
                self.stream.write(f"\r{self.command}: {step} {done}/{total} ({percent}%)")
                if done >= total:
                    self.stream.write("\n")
                    self._last = None
        self.stream.flush()

    def _draw(self, step: str, done: int, total: int) -> None:
        if self._bar is None or self._step != step:
            # a step may find part of its work done (what a worker process did meanwhile):
            # the bar, and its rate, are of what is left
            self._end_counter()
            label = f"{self.command}: {step}" + (f" ({done:,} done before)" if done else "")
            self._step, self._before = step, done
            self._bar = Progress(total - done, label, self.units.get(step, "items"), stream=self.stream, enabled=True,
                                 delay=0.5, interval=0.2, clock=time.monotonic)
        self._bar.update(done - self._before - self._bar.done)
        if done >= total:
            self._end_counter()

    def _end_counter(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        if self._last is not None:
            self.stream.write("\n")
            self._last = None
