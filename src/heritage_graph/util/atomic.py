"""Writing files and folders so that a failure or a kill leaves the old version or the new one.

:func:`write_atomic` replaces one file (temporary file in the same folder, fsync, ``os.replace``),
and :func:`open_atomic` does the same for text written as it comes;
:func:`replace_files` replaces several, each written whole before any is renamed;
:func:`swap_folder` puts a fully written staging folder in place of a folder (an atomic exchange
on Linux, else rename aside and in), and :func:`recover_folder` puts back a folder that a killed
swap had moved aside. Every command that writes output (load, import, reconcile, export, build,
generate) goes through these, after :func:`check_writable` on the folder it writes into.

A process killed while writing leaves its temporary file or staging folder behind (hidden, named
``.NAME.*.tmp`` or ``.NAME.build-*``, never read as data). The writer holds a lock on it
(``flock``) for as long as it lives, so the next writer of the same target can tell a leftover of a
dead process from the work of a live one, and removes the leftovers (:func:`remove_stale`).
"""

from __future__ import annotations

import ctypes
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from ..errors import InputError

try:
    import fcntl
except ImportError:  # not POSIX: leftovers are then not recognised, only never read
    fcntl = None


def _write_all(handle, data: bytes) -> None:
    """Write ``data`` to the open file (a seam for tests that simulate a failure mid-way)."""
    view = memoryview(data)
    chunk = 1 << 16
    for start in range(0, len(view), chunk):
        handle.write(view[start : start + chunk])


def check_writable(folder: Path) -> None:
    """Make sure the output folder exists and can be written, before anything is written into it.

    :raises InputError: the folder cannot be created, or is not writable.
    """
    folder = Path(folder)
    refuse_package(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{folder}: cannot create the output folder ({exc.strerror or exc})") from exc
    if not os.access(folder, os.W_OK):
        raise InputError(f"{folder}: the output folder is not writable")


#: The package's own folder (with the bundled data of an installed wheel): never written into.
PACKAGE = Path(__file__).resolve().parent.parent


def refuse_package(path: Path) -> None:
    """Refuse to write into the installed package: outputs go under the current folder or where
    ``--out`` says.

    :raises InputError: ``path`` is in the package's folder.
    """
    if Path(path).resolve().is_relative_to(PACKAGE):
        raise InputError(f"{path}: is inside the installed package ({PACKAGE}); write the output under "
                         "the current folder or name another place with --out")


def refuse_protected(out_dir: Path) -> None:
    """Refuse to replace a folder no output may take the place of: the file system's root, the
    home folder, the current folder or a folder holding it (a parent of the project).

    :raises InputError: ``out_dir`` is one of those.
    """
    target = Path(out_dir).resolve()
    here = Path.cwd().resolve()
    refuse_package(target)
    if target.parent == target:
        raise InputError(f"{out_dir}: is the file system's root; refusing to replace it")
    if target == Path.home().resolve():
        raise InputError(f"{out_dir}: is the home folder; refusing to replace it")
    if target == here:
        raise InputError(f"{out_dir}: is the current folder; refusing to replace it (name a folder inside it)")
    if here.is_relative_to(target):
        raise InputError(f"{out_dir}: holds the current folder; refusing to replace it (name a folder inside it)")


def check_target(out_dir: Path, marker: str, what: str) -> None:
    """Refuse to replace anything but a new folder, an empty one, or a previous output of the same
    kind, which holds the file ``marker`` (``what`` says what that kind is, for the message); never
    a folder :func:`refuse_protected` keeps.

    :raises InputError: ``out_dir`` is not one of those.
    """
    out_dir = Path(out_dir)
    refuse_protected(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{out_dir}: exists and is not a folder; refusing to replace it")
    if out_dir.is_dir() and not (out_dir / marker).is_file() and any(out_dir.iterdir()):
        raise InputError(f"{out_dir}: exists and is not {what}; refusing to replace it")


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically: temp file in the same folder, fsync, ``os.replace``.

    A failure (or a kill) at any point leaves the previous file as it was (or no file, if there
    was none); the temporary file is removed on failure, and a killed writer's by the next write.
    """
    replace_files([(Path(path), data)])


@contextmanager
def open_atomic(path: Path) -> Iterator[TextIO]:
    """A text file (UTF-8, ``\n`` line ends) that replaces ``path`` only when the block completes:
    :func:`write_atomic` for text written as it comes, too large to hold whole.

    The text goes to a locked temporary file in the same folder, is fsynced and renamed over
    ``path``; a failure or a kill leaves the previous file as it was.
    """
    path = Path(path)
    refuse_package(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(path.parent, f".{path.name}.", ".tmp")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    lock = _lock(fd)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        except OSError:
            pass
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        if lock is not None:
            os.close(lock)
    _fsync_folder(path.parent)


def replace_files(files: Iterable[tuple[Path, bytes]]) -> None:
    """Replace several files, each atomically: every one is written whole and fsynced under a
    temporary name first, then they are renamed into place one after the other, the first named
    last. A failure or a kill while writing leaves every file as it was; once the first file is the
    new one, so are all the others (it is the one readers should trust, e.g. the data beside its
    report).
    """
    staged: list[tuple[Path, Path, int | None]] = []
    try:
        for path, data in files:
            path = Path(path)
            refuse_package(path)
            path.parent.mkdir(parents=True, exist_ok=True)
            remove_stale(path.parent, f".{path.name}.", ".tmp")
            fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            lock = _lock(fd)
            staged.append((path, Path(tmp_name), lock))
            with os.fdopen(os.dup(fd), "wb") as handle:
                os.close(fd)
                _write_all(handle, data)
                handle.flush()
                os.fsync(handle.fileno())
            try:
                mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
                os.chmod(tmp_name, mode)
            except OSError:
                pass
        for path, tmp, _ in reversed(staged):
            os.replace(tmp, path)
    except BaseException:
        for _, tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise
    finally:
        for _, _, lock in staged:
            if lock is not None:
                os.close(lock)
    for folder in dict.fromkeys(path.parent for path, _, _ in staged):
        _fsync_folder(folder)


def _fsync_folder(folder: Path) -> None:
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def _lock(fd: int) -> int | None:
    """Take an exclusive lock on what ``fd`` is open on, for as long as this process keeps the
    returned descriptor open (the system drops it when the process ends, however it ends)."""
    if fcntl is None:
        return None
    held = os.dup(fd)
    try:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(held)
        return None
    return held


def remove_stale(folder: Path, prefix: str, suffix: str = "") -> list[Path]:
    """Remove the temporary files and staging folders in ``folder`` named ``prefix…suffix`` that
    no live process holds (a writer killed before it could clean up); returns what was removed."""
    if fcntl is None:
        return []
    removed = []
    try:
        entries = [entry for entry in Path(folder).iterdir()
                   if entry.name.startswith(prefix) and entry.name.endswith(suffix) and not entry.is_symlink()]
    except OSError:
        return []
    for entry in entries:
        try:
            fd = os.open(entry, os.O_RDONLY)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue  # a live writer holds it
        finally:
            os.close(fd)
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        removed.append(entry)
    return removed


def staging_folder(out_dir: Path, tag: str = "build") -> tuple[Path, int | None]:
    """A new hidden folder beside ``out_dir`` to write a replacement into, and the lock that marks
    it as in use (close it when done). Leftovers of killed runs are removed first."""
    out_dir = Path(out_dir)
    refuse_package(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(out_dir.parent, f".{out_dir.name}.{tag}-")
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.{tag}-", dir=out_dir.parent))
    fd = os.open(staging, os.O_RDONLY)
    try:
        return staging, _lock(fd)
    finally:
        os.close(fd)


def aside_path(out_dir: Path) -> Path:
    return out_dir.with_name(f".{out_dir.name}.previous")


def recover_folder(out_dir: Path, marker: str = "manifest.json") -> None:
    """Put back a folder that a killed swap had moved aside and not replaced.

    ``marker`` names a file every complete folder of this kind holds (a release's manifest, an
    Oxigraph store's ``CURRENT``), so that nothing else is ever taken for it.
    """
    aside = aside_path(Path(out_dir))
    out_dir = Path(out_dir)
    if aside.is_dir() and (aside / marker).is_file():
        if not out_dir.exists():
            aside.rename(out_dir)
        else:
            shutil.rmtree(aside, ignore_errors=True)


def swap_folder(staging: Path, out_dir: Path) -> None:
    """Put the new release in place of the old one.

    On Linux the two folders are exchanged in one atomic ``renameat2(RENAME_EXCHANGE)``; elsewhere
    the old release is renamed aside, the new one renamed in, and the old one deleted (a kill
    between the two renames leaves the old release aside, and the next build puts it back).
    """
    if out_dir.exists():
        if _exchange(staging, out_dir):
            shutil.rmtree(staging, ignore_errors=True)
            return
        aside = aside_path(out_dir)
        shutil.rmtree(aside, ignore_errors=True)
        out_dir.rename(aside)
        staging.rename(out_dir)
        shutil.rmtree(aside, ignore_errors=True)
    else:
        staging.rename(out_dir)


def _exchange(a: Path, b: Path) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0
