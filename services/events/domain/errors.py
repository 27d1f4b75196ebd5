"""Errors raised by the events domain rules.

Both are ``ValueError`` subclasses so callers that only know "bad input" still catch them; the
service layer maps ``RuleViolation`` to 422 and ``InvalidTransition`` to 409 problem details.
"""

from __future__ import annotations

from typing import Any


class RuleViolation(ValueError):
    """Input breaks a domain rule. ``code`` is a stable machine-readable key for API clients."""

    def __init__(self, message: str, *, code: str = "rule_violation", field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.field = field


class InvalidTransition(ValueError):
    """A state machine was asked for a move it does not allow (including repeating the last one).

    Refusing repeats matters: messages are delivered at least once, so a handler that sees the
    same command twice must not apply it twice.
    """

    def __init__(self, machine: str, current: Any, action: Any, allowed: tuple[Any, ...] = ()) -> None:
        self.machine = machine
        self.current = current
        self.action = action
        self.allowed = allowed
        current_value = getattr(current, "value", current)
        action_value = getattr(action, "value", action)
        if allowed:
            hint = "allowed now: " + ", ".join(str(getattr(a, "value", a)) for a in allowed)
        else:
            hint = f"{current_value!s} is final"
        super().__init__(f"{machine} is {current_value}: cannot {action_value} ({hint})")
