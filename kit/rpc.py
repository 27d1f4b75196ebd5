"""RPC from one service to another, always with a timeout (DESIGN §2).

    venues = TimedRpcProxy("venues", timeout=5)
    ...
    hold = self.venues.hold_room(actor=..., room_id=...)

A `contracts.errors` error raised by the other service is raised again here as the same class (so a
`Conflict` in venues reaches the gateway as a 409); no answer in time raises `Unavailable` (503).
"""
from __future__ import annotations

import eventlet
from nameko.exceptions import registry
from nameko.rpc import RpcProxy

from contracts.errors import ERRORS_BY_NAME, Unavailable

# Let nameko rebuild our errors as the same classes (with their args) on the calling side.
for _cls in ERRORS_BY_NAME.values():
    registry[f"{_cls.__module__}.{_cls.__name__}"] = _cls


class TimedRpcProxy(RpcProxy):
    def __init__(self, target_service: str, timeout: float = 5.0, **options):
        super().__init__(target_service, **options)
        self.timeout = timeout

    def get_dependency(self, worker_ctx):
        return _TimedServiceProxy(super().get_dependency(worker_ctx), self.target_service, self.timeout)


class _TimedServiceProxy:
    def __init__(self, proxy, service: str, timeout: float):
        self._proxy, self._service, self._timeout = proxy, service, timeout

    def __getattr__(self, method: str):
        def call(*args, **kwargs):
            reply = getattr(self._proxy, method).call_async(*args, **kwargs)
            try:
                with eventlet.Timeout(self._timeout):
                    return reply.result()
            except eventlet.Timeout as exc:
                raise Unavailable(f"The {self._service} service did not answer {method} within {self._timeout:g} s.",
                                  {"service": self._service}) from exc
        return call
