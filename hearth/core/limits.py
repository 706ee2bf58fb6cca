"""Limits counted in the cache every process shares (settings.CACHES: the database by default, Redis when
configured), so that three web workers count one client's requests once, not three times.

A limit is a fixed window: `hit` counts one more for `who` and starts the window on the first; `reached` says
whether `who` has used up `limit` in the current window. `who` (an address, an email address) is stored only as a
keyed hash.

Why not django-ratelimit: its system check refuses the database cache, which is Hearth's default store so that a
deployment needs no Redis. With the database cache two hits in the same instant may count as one (Django's
DatabaseCache.incr reads, then writes); Redis counts exactly.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache


def _key(scope: str, who: str) -> str:
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{scope}:{who.strip().lower()}".encode()).hexdigest()[:40]
    return f"limit:{scope}:{digest}"


def reached(scope: str, who: str, limit: int) -> bool:
    return (cache.get(_key(scope, who)) or 0) >= limit


def hit(scope: str, who: str, *, window_seconds: int = 3600) -> int:
    """Count one more for `who`; returns the count in the current window."""
    key = _key(scope, who)
    cache.add(key, 0, timeout=window_seconds)
    try:
        return cache.incr(key)
    except ValueError:  # the window ended between add and incr
        cache.set(key, 1, timeout=window_seconds)
        return 1


def clear(scope: str, who: str) -> None:
    cache.delete(_key(scope, who))
