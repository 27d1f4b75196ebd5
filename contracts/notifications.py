"""Contracts of the notifications service (webhook subscriptions, contact preferences)."""
from __future__ import annotations
