"""One document on two cores: a share of the work handed to a forked process.

The sentence encoder runs on one core whatever its thread setting (its micro-batches are too
small for BLAS threads to pay), and the checks are Python. So a large document audited alone
leaves a core idle. :class:`Forked` runs a function in a child process that *inherits* this
one's state (documents, alignment, loaded models and indexes: nothing is pickled on the way
in, only the result on the way back), while this process goes on with the rest.

Used where the work splits into independent parts with a deterministic result, so the report is
the same with one job or two: the target's sentence vectors beside the source's
(``pipeline``), and the checks that embed beside those that do not (``run_rules``).

Only where ``fork`` is safe and cheap (Linux). If the child cannot start, dies or fails, the
caller does the work itself: the answer, or the error, is then exactly the sequential one.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

MIN_SENTENCES = 400  # fewer sentences to embed than this are not worth a process
MIN_PAIRS = 150  # nor the checks of fewer aligned pairs


def can_fork() -> bool:
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def default_jobs() -> int:
    """The cores this process may run on (what ``--jobs`` defaults to)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def jobs_for_document(jobs: int | None) -> int:
    """Processes one document may use: ``jobs`` (the configured value), else :func:`default_jobs`."""
    return max(1, int(jobs)) if jobs else default_jobs()


_sharing = False


def sharing() -> bool:
    """Whether this process shares the cores with a forked one (then the encoder takes one thread)."""
    return _sharing


def _controller() -> Any:
    """The BLAS libraries loaded now (a fresh look each time, 0.4 ms: one loaded since, by
    another package, is limited too)."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:
        return None
    return ThreadpoolController()


@contextmanager
def blas_threads(n: int) -> Iterator[None]:
    """numpy's BLAS limited to ``n`` threads inside the block (threadpoolctl)."""
    ctl = _controller()
    if ctl is None:
        yield
        return
    with ctl.limit(limits=n, user_api="blas"):
        yield


@contextmanager
def one_core() -> Iterator[None]:
    """This process keeps to one thread while another works beside it: BLAS threads on two
    processes of two cores would fight for them (measured: slower than one process)."""
    global _sharing
    before, _sharing = _sharing, True
    try:
        with blas_threads(1):
            yield
    finally:
        _sharing = before


class Forked:
    """``fn(*args)`` in a forked child; :meth:`result` waits for it, or computes it here when the
    child could not give it."""

    def __init__(self, fn: Callable[..., Any], *args: Any):
        self._fn, self._args = fn, args
        self._proc: Any = None
        self._conn: Any = None
        try:
            ctx = multiprocessing.get_context("fork")
            self._conn, child = ctx.Pipe(duplex=False)
            self._proc = ctx.Process(target=_child, args=(fn, args, child), daemon=True)
            self._proc.start()
            child.close()
        except (OSError, ValueError, AssertionError):  # no fork here, no process left, a daemon's child
            self._proc = None

    def result(self) -> Any:
        if self._proc is None:
            return self._fn(*self._args)
        try:
            ok, value = self._conn.recv()
        except (EOFError, OSError):  # the child died (killed, out of memory): do it here
            ok, value = False, None
        finally:
            self._conn.close()
            self._proc.join()
        return value if ok else self._fn(*self._args)


def _child(fn: Callable[..., Any], args: tuple[Any, ...], conn: Any) -> None:
    try:
        with one_core():
            value = fn(*args)
    except BaseException:  # noqa: BLE001 - the parent redoes the work and meets the error itself
        conn.send((False, None))
    else:
        try:
            conn.send((True, value))
        except Exception:  # noqa: BLE001 - an unpicklable result: the parent computes it
            conn.send((False, None))
    finally:
        conn.close()
