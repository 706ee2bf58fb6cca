"""Limits counted in the cache every process shares (settings.CACHES: the database by default, Redis when
configured), so that three web workers count one client's requests once, not three times.

A limit is a fixed window of `window_seconds` (an hour unless said): `hit` counts one more for `who` in the current
window; `reached` says whether `who` has used up `limit` in it. Each window has its own key, which expires when the
window ends. `who` (an address, an email address) is stored only as a keyed hash.

Why not django-ratelimit: its system check refuses the database cache, which is Hearth's default store so that a
deployment needs no Redis. With the database cache two hits in the same instant may count as one (Django's
DatabaseCache.incr reads, then writes, and gives the key the cache's default lifetime: `hit` sets it back to the
window's end); Redis counts exactly.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache

HOUR = 3600


def _window(scope: str, who: str, window_seconds: int) -> tuple[str, int]:
    """The key of the current window, and the seconds until it ends."""
    now = time.time()
    number = int(now // window_seconds)
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{scope}:{who.strip().lower()}".encode()).hexdigest()[:40]
    return f"limit:{scope}:{digest}:{number}", int((number + 1) * window_seconds - now) + 1


def reached(scope: str, who: str, limit: int, *, window_seconds: int = HOUR) -> bool:
    key, _ = _window(scope, who, window_seconds)
    return (cache.get(key) or 0) >= limit


def hit(scope: str, who: str, *, window_seconds: int = HOUR) -> int:
    """Count one more for `who` in the current window; returns the count so far."""
    key, left = _window(scope, who, window_seconds)
    if cache.add(key, 1, timeout=left):
        return 1
    try:
        count = cache.incr(key)
    except ValueError:  # it expired between add and incr
        cache.set(key, 1, timeout=left)
        return 1
    cache.touch(key, timeout=left)  # the database cache's incr gave it the default lifetime
    return count
