"""Thread control for the small dense problems of the analyses."""

from __future__ import annotations

import contextlib
import os

_CONTROLLER: list = []


def single_thread_blas():
    """Context limiting BLAS to one thread.

    The k x k problems of factor analysis and CFA lose far more to BLAS thread start-up than they
    gain (x20 on 25 items), and the bootstrap runs its own threads. The loaded libraries are scanned
    once per process (one ``threadpoolctl.ThreadpoolController``), not per call.
    """
    if not _CONTROLLER:
        try:
            from threadpoolctl import ThreadpoolController

            _CONTROLLER.append(ThreadpoolController())
        except Exception:  # pragma: no cover - threadpoolctl missing or unsupported platform
            _CONTROLLER.append(None)
    ctl = _CONTROLLER[0]
    return contextlib.nullcontext() if ctl is None else ctl.limit(limits=1, user_api="blas")


def usable_cores() -> int:
    """CPU cores this process may run on (its affinity mask where the platform has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - macOS / Windows
        return max(1, os.cpu_count() or 1)
