"""No oversell on the embedded database too: the 1,000-way registration test of issue 4 with every service
on SQLite (BEGIN IMMEDIATE serialises the writers; counters and rows change in one transaction)."""

from __future__ import annotations

from tests.system.test_events_support import thousand_registrations


def test_thousand_parallel_registrations_on_sqlite(sqlite_platform):
    took = thousand_registrations(sqlite_platform)
    print(f"\n1,000 parallel registrations on SQLite took {took:.1f} s")
