"""Administrators manage accounts, roles and scopes, organisations and their members, and read the audit log."""

from __future__ import annotations

from contracts.accounts import AccountCreate, OrganisationCreate, RoleChange
from contracts.errors import Unprocessable
from kit.boundary import actor_from, model_or_422, text_or_422
from kit.clock import utcnow
from kit.rpc import rpc
from services.accounts import inputs, organisation_commands, queries, staff_commands
from services.accounts.access import require_admin, require_admin_or_manager
from services.accounts.domain.scopes import NotAScope, grantable


def _scope(value) -> str:
    try:
        return grantable(text_or_422(value, "scope", 150))
    except NotAScope as error:
        raise Unprocessable(str(error), {"field": "scope"}) from error


class AdminEntrypoints:
    @rpc
    def create_account(self, actor: dict, account: dict, client_ip: str | None = None) -> dict:
        who = actor_from(actor)
        require_admin(who, "creates accounts")
        data = model_or_422(AccountCreate, account, "account")
        with self.db.transaction() as tx:
            account_id = staff_commands.create(tx, who, data, inputs.client_ip(client_ip), utcnow())
        return self.get_account(actor=actor, account_id=account_id)

    @rpc
    def get_account(self, actor: dict, account_id: str) -> dict:
        require_admin(actor_from(actor), "sees other people's accounts")
        with self.db.read() as session:
            row = queries.account_row(session, text_or_422(account_id, "account_id", 36))
            return queries.account_view(session, row).model_dump(mode="json")

    @rpc
    def list_accounts(self, actor: dict, role: str | None = None) -> list[dict]:
        require_admin(actor_from(actor), "lists accounts")
        with self.db.read() as session:
            return [
                queries.account_view(session, r).model_dump(mode="json")
                for r in queries.account_rows(session, role=role)
            ]

    @rpc
    def change_role(self, actor: dict, account_id: str, change: dict, client_ip: str | None = None) -> dict:
        who = actor_from(actor)
        require_admin(who, "changes roles")
        data = model_or_422(RoleChange, change, "role change")
        with self.db.transaction() as tx:
            staff_commands.change_role(
                tx, who, text_or_422(account_id, "account_id", 36), data.role, inputs.client_ip(client_ip), utcnow()
            )
        return self.get_account(actor=actor, account_id=account_id)

    @rpc
    def grant_scope(self, actor: dict, account_id: str, scope: str, client_ip: str | None = None) -> dict:
        who = actor_from(actor)
        require_admin(who, "grants scopes")
        with self.db.transaction() as tx:
            staff_commands.grant(
                tx, who, text_or_422(account_id, "account_id", 36), _scope(scope), inputs.client_ip(client_ip), utcnow()
            )
        return self.get_account(actor=actor, account_id=account_id)

    @rpc
    def withdraw_scope(self, actor: dict, account_id: str, scope: str, client_ip: str | None = None) -> dict:
        who = actor_from(actor)
        require_admin(who, "withdraws scopes")
        with self.db.transaction() as tx:
            staff_commands.withdraw(
                tx, who, text_or_422(account_id, "account_id", 36), _scope(scope), inputs.client_ip(client_ip), utcnow()
            )
        return self.get_account(actor=actor, account_id=account_id)

    @rpc
    def audit_log(
        self, actor: dict, account_id: str | None = None, action: str | None = None, limit: int = 100
    ) -> list[dict]:
        require_admin(actor_from(actor), "reads the audit log")
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 1000:
            raise Unprocessable("limit must be a whole number from 1 to 1000.", {"field": "limit"})
        with self.db.read() as session:
            return queries.audit_entries(session, account_id=account_id, action=action, limit=limit)

    @rpc
    def create_organisation(self, actor: dict, organisation: dict, client_ip: str | None = None) -> dict:
        who = actor_from(actor)
        require_admin_or_manager(who, "registers organisations")
        data = model_or_422(OrganisationCreate, organisation, "organisation")
        with self.db.transaction() as tx:
            organisation_id = organisation_commands.create(tx, who, data, inputs.client_ip(client_ip), utcnow())
        with self.db.read() as session:
            return organisation_commands.organisation_view(session, organisation_id)

    @rpc
    def add_organisation_member(
        self, actor: dict, organisation_id: str, account_id: str, client_ip: str | None = None
    ) -> dict:
        who = actor_from(actor)
        require_admin_or_manager(who, "adds organisation members")
        organisation_id = text_or_422(organisation_id, "organisation_id", 36)
        with self.db.transaction() as tx:
            organisation_commands.add_member(
                tx,
                who,
                organisation_id,
                text_or_422(account_id, "account_id", 36),
                inputs.client_ip(client_ip),
                utcnow(),
            )
        with self.db.read() as session:
            return organisation_commands.organisation_view(session, organisation_id)
