"""Ordered, bounded fan-out of chunks to worker processes (or inline), with a progress line.

Results come back in submission order so that order-dependent checks (hash chain, Merkle tree,
re-vote policy) can run in the parent as results stream in, while at most a few chunks per worker
are in flight: memory stays bounded however long the board is. The progress line uses only the
standard library (the verifier needs nothing but PyNaCl): one stderr line redrawn in place, shown
on a terminal or on request, at most a few times a second.
"""

from __future__ import annotations

import os
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from types import TracebackType
from typing import Any, TextIO, TypeVar

__all__ = ["Pool", "Progress", "default_workers"]

R = TypeVar("R")
IN_FLIGHT_PER_WORKER = 3


def default_workers() -> int:
    """All CPU cores."""
    return os.cpu_count() or 1


class Pool:
    """A process pool used as a context manager; ``workers <= 1`` runs everything in this process."""

    def __init__(self, workers: int) -> None:
        self.workers = max(1, workers)
        self._executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> Pool:
        if self.workers > 1:
            self._executor = ProcessPoolExecutor(max_workers=self.workers)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def map_ordered(self, fn: Callable[..., R], tasks: Iterable[tuple[Any, ...]]) -> Iterator[R]:
        """``fn(*task)`` for every task, yielded in order, with a bounded number in flight."""
        if self._executor is None:
            for task in tasks:
                yield fn(*task)
            return
        pending: deque[Future[R]] = deque()
        limit = self.workers * IN_FLIGHT_PER_WORKER
        for task in tasks:
            pending.append(self._executor.submit(fn, *task))
            if len(pending) >= limit:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


_INTERVAL = 0.2


class Progress:
    """``update(n)`` after each chunk; ``close()`` ends the line."""

    def __init__(self, enabled: bool, label: str, total: int, stream: TextIO | None = None) -> None:
        self.enabled = enabled
        self.label = label
        self.total = total
        self.done = 0
        self.stream = stream if stream is not None else sys.stderr
        self._start = time.monotonic()
        self._last = 0.0

    def update(self, count: int) -> None:
        self.done += count
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last >= _INTERVAL or self.done >= self.total:
            self._last = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        elapsed = max(now - self._start, 1e-9)
        rate = self.done / elapsed
        width = 30
        frac = min(1.0, self.done / self.total) if self.total else 1.0
        bar = "#" * int(frac * width) + "-" * (width - int(frac * width))
        eta = (self.total - self.done) / rate if rate > 0 and self.total > self.done else 0.0
        self.stream.write(f"\r{self.label} [{bar}] {self.done}/{self.total} {rate:.1f}/s eta {eta:.0f}s ")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self._draw(time.monotonic())
            self.stream.write("\n")
            self.stream.flush()
