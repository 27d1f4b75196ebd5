"""Where a webhook may be sent: not into the platform's own network.

A subscriber gives a URL and the platform POSTs to it, so a URL pointing inward (the broker's management
API on loopback, a cloud metadata address, an intranet host) would let any subscriber make the platform
call it. By default a target is refused when its host is one of the platform's own hosts or when ANY
address it resolves to is loopback, link-local, private (intranet), unspecified, multicast or reserved.
An administrator may allow intranet ranges (e.g. the district's 10.8.0.0/16) where other district
systems live. The check runs at registration and again before every attempt, on the addresses the
request then connects to, so a name that later resolves inward is caught.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Iterable

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class TargetPolicy:
    allowed_networks: tuple[Network, ...] = ()
    platform_hosts: frozenset[str] = frozenset()

    @classmethod
    def of(cls, allowed_networks: Iterable[str] = (), platform_hosts: Iterable[str] = ()) -> TargetPolicy:
        return cls(
            tuple(ipaddress.ip_network(n.strip(), strict=False) for n in allowed_networks if n.strip()),
            frozenset(h.strip().lower().rstrip(".") for h in platform_hosts if h and h.strip()),
        )

    def refusal(self, host: str, addresses: Iterable[str]) -> str | None:
        """Why a request to `host`, resolved to `addresses`, may not be made; None when it may."""
        name = host.strip().lower().rstrip(".").strip("[]")
        resolved = [_address(a) for a in addresses]
        if not resolved:
            return f"{host} does not resolve to any address"
        allowed = all(any(a in network for network in self.allowed_networks) for a in resolved)
        if name in self.platform_hosts and not allowed:
            return f"{host} is one of the platform's own hosts"
        for address in resolved:
            if any(address in network for network in self.allowed_networks):
                continue
            kind = inward_kind(address)
            if kind is not None:
                return (
                    f"{host} resolves to {address}, a {kind} address; webhooks go to outside systems "
                    "(an administrator may allow an intranet range)"
                )
        return None


def inward_kind(address: Address) -> str | None:
    for kind, flag in (
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("unspecified", address.is_unspecified),
        ("multicast", address.is_multicast),
        ("private (intranet)", address.is_private),
        ("reserved", address.is_reserved),
    ):
        if flag:
            return kind
    return None


def _address(text: str) -> Address:
    address = ipaddress.ip_address(text.split("%", 1)[0])  # drop an IPv6 zone id
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    return address
