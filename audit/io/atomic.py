"""Writing files so that an interrupted run leaves the old file or the new one, never half of one.

``write_atomic`` writes through a temporary file in the same folder and renames it over the
target; the temporary file is removed whatever stops the write (an error, Ctrl-C, SIGTERM, which
the CLI turns into an exception). ``locked`` serialises read-modify-write updates of one file
(the baseline) between processes, so that four audits updating it at once lose nothing.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from audit.errors import InputError

LOCK_TIMEOUT_S = 120.0  # a baseline update takes milliseconds; a lock held this long is stuck


def write_atomic(path: Path, text: str | bytes) -> None:
    """Write ``text`` (or bytes) to ``path`` through a temporary file in the same folder."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputError("output folder does not exist", path=str(folder))
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        if isinstance(text, bytes):
            with os.fdopen(fd, "wb") as out:
                out.write(text)
        else:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a report is as readable as any file written here
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"cannot write {path.name}: {exc.strerror}", path=str(path)) from exc
    except BaseException:  # interrupted: no temporary file is left behind
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` between processes (a hidden ``.NAME.lock`` beside it)."""
    from filelock import FileLock, Timeout

    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputError("folder does not exist", path=str(folder))
    lock = FileLock(str(folder / f".{path.name}.lock"), timeout=LOCK_TIMEOUT_S)
    try:
        with lock:
            yield
    except Timeout:
        raise InputError(f"another audit has held the lock on {path.name} for over {LOCK_TIMEOUT_S:.0f} s", path=str(path)) from None
