"""Registrations (online, phone, desk, on behalf), waitlist promotion, check-in, no-shows, feedback."""

from __future__ import annotations

from kit.boundary import signed_in
from kit.rpc import rpc
from services.events import queries, registration_commands
from services.events.access import STAFF_ROLES


class RegistrationEntrypoints:
    @rpc
    def register(self, actor: dict, event_id: str, registration: dict) -> dict:
        return registration_commands.register(self.db, actor, event_id, registration)

    @rpc
    def cancel_registration(self, actor: dict, registration_id: str, cancellation: dict | None = None) -> dict:
        return registration_commands.cancel(self.db, actor, registration_id, cancellation)

    @rpc
    def check_in(self, actor: dict, registration_id: str) -> dict:
        return registration_commands.check_in(self.db, actor, registration_id)

    @rpc
    def mark_no_show(self, actor: dict, registration_id: str) -> dict:
        return registration_commands.no_show(self.db, actor, registration_id)

    @rpc
    def get_registration(self, actor: dict, registration_id: str) -> dict:
        actor = signed_in(actor)
        with self.db.read() as session:
            return queries.get_registration(session, actor, registration_id)

    @rpc
    def list_registrations(self, actor: dict, event_id: str, status: str | None = None) -> list:
        actor = signed_in(actor, *STAFF_ROLES)
        with self.db.read() as session:
            return queries.registrations_of_event(session, actor, event_id, status)

    @rpc
    def my_registrations(self, actor: dict) -> list:
        actor = signed_in(actor)
        with self.db.read() as session:
            return queries.registrations_of(session, actor)

    @rpc
    def give_feedback(self, actor: dict, registration_id: str, feedback: dict) -> dict:
        return registration_commands.give_feedback(self.db, actor, registration_id, feedback)

    @rpc
    def satisfaction(self, scope: str, key: str) -> dict:
        """Satisfaction figures per event, offering or organiser."""
        with self.db.read() as session:
            return queries.satisfaction_view(session, scope, key)
