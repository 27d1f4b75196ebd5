"""The people directory: how each person is told (contacts, channels, language, quiet hours)."""

from __future__ import annotations

from contracts.access import may_manage_contact
from contracts.common import Actor
from contracts.errors import Forbidden, Unprocessable
from contracts.notifications import PersonContactUpdate
from kit.boundary import actor_from, model_or_422, text_or_422
from kit.clock import utcnow
from kit.rpc import rpc
from services.notifications import directory_commands


class PeopleEntrypoints:
    @rpc
    def get_person(self, actor: dict, person_id: str | None = None) -> dict:
        """A directory entry: one's own (person_id None) or, for the administrator, anyone's."""
        actor = actor_from(actor)
        person_id = self._person_for(actor, person_id)
        with self.db.read() as session:
            return directory_commands.person_view(person_id, directory_commands.load_person(session, person_id))

    @rpc
    def update_person(self, actor: dict, contact: dict, person_id: str | None = None) -> dict:
        """Replace how a person is told (contact details, consented channels, language, quiet hours)."""
        actor = actor_from(actor)
        person_id = self._person_for(actor, person_id)
        update = model_or_422(PersonContactUpdate, contact, "contact")
        if "sms" in update.channels and not update.phone:
            raise Unprocessable("SMS needs a phone number (手机号码).", {"channels": update.channels})
        if "email" in update.channels and not update.email:
            raise Unprocessable("E-mail needs an address (电子邮箱).", {"channels": update.channels})
        with self.db.transaction() as tx:
            directory_commands.save_person(tx.session, person_id, update, by=actor.sub, now=utcnow())
        return self.get_person(actor.model_dump(), person_id)

    @staticmethod
    def _person_for(actor: Actor, person_id: str | None) -> str:
        person_id = text_or_422(person_id, "person_id", optional=True)
        if person_id is None or person_id == actor.sub:
            return actor.sub
        if not may_manage_contact(actor, person_id):  # docs/authorisation.md
            raise Forbidden(
                "Only the person or an administrator may read or change someone's contact details.",
                {"role": actor.role},
            )
        return person_id
