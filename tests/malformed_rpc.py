"""Malformed RPC payloads sent straight to a service's write entrypoints (as a buggy caller on the bus
would send them): every one must be refused with `contracts.errors.Unprocessable`, never a 500 —
except where who-may-do-this is answered before anything about the body (docs/authorisation.md):
there the made-up id of the call is a 404 first.

The write entrypoints are found by looking at the service class (an @rpc method taking `actor` and a
dict payload), so a new write entrypoint is covered without editing the tests.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator

from nameko.rpc import Rpc

from contracts.errors import NotFound, Unprocessable
from tests.callers import signed_hook

ADMIN = {"sub": "admin-1", "role": "admin", "scopes": []}
# Not an object, a list, a number: what a caller with a bug sends instead of the contract's object.
MALFORMED_PAYLOADS = ("not an object", [["a", "list"]], 42)
MALFORMED_ACTOR = {"sub": ["not", "text"], "role": 7}


def _is_dict(annotation) -> bool:
    return "dict" in str(annotation)


def write_entrypoints(service_cls) -> dict[str, inspect.Signature]:
    found = {}
    for name, method in inspect.getmembers(service_cls, inspect.isfunction):
        if not any(isinstance(e, Rpc) for e in getattr(method, "nameko_entrypoints", ())):
            continue
        signature = inspect.signature(method)
        params = signature.parameters
        if "actor" in params and any(_is_dict(p.annotation) for n, p in params.items() if n != "actor"):
            found[name] = signature
    return found


def malformed_calls(service_cls) -> Iterator[tuple[str, dict]]:
    """(entrypoint, kwargs): each dict argument malformed in turn, then the actor malformed."""
    for name, signature in sorted(write_entrypoints(service_cls).items()):
        params = [p for n, p in signature.parameters.items() if n not in ("self", "actor")]
        required = {
            p.name: ({} if _is_dict(p.annotation) else "no-such-id")
            for p in params
            if p.default is inspect.Parameter.empty
        }
        for param in (p for p in params if _is_dict(p.annotation)):
            for payload in MALFORMED_PAYLOADS:
                yield name, {"actor": ADMIN, **required, param.name: payload}
        yield name, {"actor": MALFORMED_ACTOR, **required}


def refusals_other_than_422(container, service_cls) -> list[str]:
    """Every malformed call; the ones NOT refused with Unprocessable, described (empty when all are)."""
    wrong = []
    calls = list(malformed_calls(service_cls))
    assert calls, f"no write entrypoints found on {service_cls.__name__}"
    for method, kwargs in calls:
        try:
            with signed_hook(container, method) as hook:
                hook(**kwargs)
        except Unprocessable:
            continue
        except NotFound:
            if "no-such-id" in kwargs.values():  # looked up before the body was read
                continue
            wrong.append(f"{method}({kwargs}) → NotFound")
        except Exception as exc:  # noqa: BLE001 - collected and reported together
            wrong.append(f"{method}({kwargs}) → {type(exc).__name__}: {exc}")
        else:
            wrong.append(f"{method}({kwargs}) → accepted")
    return wrong
