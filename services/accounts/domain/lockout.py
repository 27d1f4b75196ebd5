"""Staff password sign-in: after repeated failures the account is locked for a while, longer each time."""

from __future__ import annotations

from datetime import timedelta

FREE_FAILURES = 4  # a fifth failure in a row locks
FIRST_LOCK = timedelta(minutes=1)
LONGEST_LOCK = timedelta(hours=1)


def lock_after(failures_in_a_row: int) -> timedelta | None:
    """How long the account stays locked after this many failures in a row (None: not locked).
    1 minute after the 5th, then doubling with each further failure, at most an hour."""
    if failures_in_a_row <= FREE_FAILURES:
        return None
    doublings = min(failures_in_a_row - FREE_FAILURES - 1, 12)  # 2**12 minutes is past the longest already
    return min(FIRST_LOCK * 2**doublings, LONGEST_LOCK)
