"""Object scopes (`kind:id`) an administrator grants: which venues a manager manages (`venue:<id>`,
`venue:*` for all) and which town an organiser serves (`town:<name>`). Organisation (`org:<id>`) and
dependant (`dependant:<id>`) scopes follow from membership and links, never from a grant."""

from __future__ import annotations

import re

GRANTABLE_KINDS = ("venue", "town")
_SCOPE = re.compile(r"^(?P<kind>[a-z]+):(?P<id>[^\s:\x00][^\x00]{0,99})$")


class NotAScope(ValueError):
    pass


def grantable(scope: str) -> str:
    match = _SCOPE.fullmatch(scope or "")
    if not match or match["kind"] not in GRANTABLE_KINDS:
        raise NotAScope(f"a grantable scope is venue:<venue id>, venue:* or town:<town name>, not {scope!r}")
    return scope
