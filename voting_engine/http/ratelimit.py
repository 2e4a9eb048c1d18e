"""Token-bucket rate limits per client address and per credential, answering 429 + Retry-After.

Kept in each server process's memory: with several processes behind a load balancer each
enforces its share; a shared store (Redis) could replace ``TokenBuckets`` without changing callers.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

from voting_engine.service.errors import ServiceError


@dataclass
class TokenBuckets:
    rate: float  # tokens per second
    burst: int
    _state: dict[str, tuple[float, float]] = field(default_factory=dict)

    def take(self, key: str, now: float | None = None) -> float:
        """Take one token; returns 0 if allowed, else the seconds to wait."""
        now = time.monotonic() if now is None else now
        tokens, last = self._state.get(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) * self.rate)
        if tokens >= 1:
            self._state[key] = (tokens - 1, now)
            if len(self._state) > 100_000:
                self._state.clear()
            return 0.0
        self._state[key] = (tokens, now)
        return (1 - tokens) / self.rate


@dataclass
class RateLimits:
    per_client: TokenBuckets = field(default_factory=lambda: TokenBuckets(rate=20.0, burst=200))
    per_credential: TokenBuckets = field(default_factory=lambda: TokenBuckets(rate=1.0, burst=60))

    @classmethod
    def unlimited(cls) -> RateLimits:
        """No effective limit (load tests and benchmarks)."""
        return cls(TokenBuckets(rate=1e9, burst=10**9), TokenBuckets(rate=1e9, burst=10**9))

    def check(self, client: str, credential: str | None = None) -> None:
        wait = self.per_client.take("ip:" + client)
        if not wait and credential:
            wait = self.per_credential.take("cred:" + credential)
        if wait:
            raise ServiceError("rate_limited", "too many requests; slow down", 429, retry_after=max(1, math.ceil(wait)))
