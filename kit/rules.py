"""The two ways a domain rule says no, shared by every service's `domain/` (plain Python, no I/O).

`kit.boundary.domain_errors` maps them at the service boundary: `RuleViolation` → 422,
`InvalidTransition` → 409, each with the Chinese text as `detail_zh` when the rule gives one.
"""

from __future__ import annotations

from typing import Any


def _value(item: Any) -> Any:
    return getattr(item, "value", item)


class RuleViolation(ValueError):
    """Input breaks a domain rule. `code` is a stable machine-readable key for API clients."""

    def __init__(
        self, message: str, *, code: str = "rule_violation", field: str | None = None, message_zh: str | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.field = field
        self.message_zh = message_zh


class InvalidTransition(ValueError):
    """A state machine was asked for a move it does not allow (including repeating the last one).

    Refusing repeats matters: messages are delivered at least once, so a handler that sees the
    same command twice must not apply it twice. `message` replaces the generated English text.
    """

    def __init__(
        self,
        machine: str,
        current: Any,
        action: Any,
        allowed: tuple[Any, ...] = (),
        *,
        message: str | None = None,
        message_zh: str | None = None,
    ) -> None:
        self.machine = machine
        self.current = current
        self.action = action
        self.allowed = tuple(allowed)
        self.message_zh = message_zh
        if message is None:
            if self.allowed:
                hint = "allowed now: " + ", ".join(str(_value(a)) for a in self.allowed)
            else:
                hint = f"{_value(current)!s} is final"
            message = f"{machine} is {_value(current)}: cannot {_value(action)} ({hint})"
        super().__init__(message)
