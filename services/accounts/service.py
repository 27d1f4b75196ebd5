"""accounts: people's sign-in identities, roles and object scopes; tokens and sessions.

The entrypoints live in `entrypoints/` by area; this class composes them with the dependencies
they share. The rules are in `domain/`, the rows and facts in the *_commands modules.
"""

from __future__ import annotations

from nameko.dependency_providers import Config

from kit.callers import Callers
from kit.database import Database
from kit.metrics import Metrics
from kit.request_context import RequestContext
from kit.rpc import TimedRpcProxy, rpc
from services.accounts.entrypoints.admin import AdminEntrypoints
from services.accounts.entrypoints.me import MeEntrypoints
from services.accounts.entrypoints.oidc_sign_in import OidcSignInEntrypoints, RelyingParty
from services.accounts.entrypoints.sessions import SessionEntrypoints
from services.accounts.entrypoints.sms_sign_in import SmsSignInEntrypoints
from services.accounts.entrypoints.staff import StaffEntrypoints
from services.accounts.keys import Keys
from services.accounts.tables import metadata


class AccountsService(
    SessionEntrypoints, SmsSignInEntrypoints, StaffEntrypoints, OidcSignInEntrypoints, MeEntrypoints, AdminEntrypoints
):
    name = "accounts"
    db = Database(metadata)
    caller = Callers()  # who is calling: the verified tokens of the call, not its actor argument (kit.callers)
    metrics = Metrics()
    request = RequestContext()  # the request id of every worker, in its logs and facts (kit.request_ids)
    config = Config()
    keys = Keys()
    oidc = RelyingParty()
    notifications = TimedRpcProxy("notifications", timeout=5)

    @rpc
    def health(self):
        return {"service": self.name, "status": "ok", **self.db.health()}


SERVICE = AccountsService
