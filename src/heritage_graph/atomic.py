"""Writing files and folders so that a failure or a kill leaves the old version or the new one.

:func:`write_atomic` replaces one file (temporary file in the same folder, fsync, ``os.replace``);
:func:`swap_folder` puts a fully written staging folder in place of a folder (an atomic exchange
on Linux, else rename aside and in), and :func:`recover_folder` puts back a folder that a killed
swap had moved aside. Every command that writes output (load, import, reconcile, export, build)
goes through these.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path


def _write_all(handle, data: bytes) -> None:
    """Write ``data`` to the open file (a seam for tests that simulate a failure mid-way)."""
    view = memoryview(data)
    chunk = 1 << 16
    for start in range(0, len(view), chunk):
        handle.write(view[start : start + chunk])


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically: temp file in the same folder, fsync, ``os.replace``.

    A failure (or a kill) at any point leaves the previous file as it was (or no file, if there
    was none); the temporary file is removed on failure.
    """
    path = Path(path)
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            _write_all(handle, data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
            os.chmod(tmp, mode)
        except OSError:
            pass
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
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
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0
