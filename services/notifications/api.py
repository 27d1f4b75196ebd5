"""The RPC entrypoints of the notifications service, by area (mixed into NotificationsService).

Each one validates its input with the contract models, checks who asks, does its work in one
transaction and returns JSON.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, get_args


from contracts.access import may_manage_contact
from contracts.common import Actor
from contracts.errors import Forbidden, Unprocessable
from contracts.notifications import (
    DeliveryStatus,
    PersonContactUpdate,
    WebhookReplay,
    WebhookSubscriptionCreate,
    WebhookSubscriptionUpdate,
)
from kit.database import utcnow
from kit.rpc import rpc
from services.notifications import directory, inbox, sender, webhooks
from services.notifications.runtime import bounded, identifier, lookup, one_of, validated

DELIVERY_STATUSES = get_args(DeliveryStatus)


class InboxApi:
    @rpc
    def inbox(self, actor: dict, limit: int = 50, unread_only: bool = False) -> list[dict]:
        actor = validated(Actor, actor, "actor")
        limit = bounded(limit, "limit", 1, 200)
        with self.db.read() as session:
            return inbox.list_messages(session, actor, limit, unread_only is True)

    @rpc
    def mark_read(self, actor: dict, message_ids: list[str] | None = None) -> dict:
        """Mark messages read (all visible unread ones when `message_ids` is None)."""
        actor = validated(Actor, actor, "actor")
        if message_ids is not None:
            if not isinstance(message_ids, list) or len(message_ids) > 500:
                raise Unprocessable("message_ids must be a list of at most 500 message ids.", {"field": "message_ids"})
            message_ids = [lookup(i, "message in your inbox") for i in message_ids]
        with self.db.transaction() as tx:
            marked = inbox.mark_read(tx.session, actor, message_ids, utcnow())
        return {"marked": marked}

    @rpc
    def read_message(self, actor: dict, message_id: str) -> dict:
        """Mark one message read for the caller and return it."""
        actor = validated(Actor, actor, "actor")
        message_id = lookup(message_id, "message in your inbox")
        with self.db.transaction() as tx:
            inbox.mark_read(tx.session, actor, [message_id], utcnow())
            return inbox.get_message(tx.session, actor, message_id)


class PeopleApi:
    @rpc
    def get_person(self, actor: dict, person_id: str | None = None) -> dict:
        """A directory entry: one's own (person_id None) or, for the administrator, anyone's."""
        actor = validated(Actor, actor, "actor")
        person_id = self._person_for(actor, person_id)
        with self.db.read() as session:
            return directory.person_view(person_id, directory.load_person(session, person_id))

    @rpc
    def update_person(self, actor: dict, contact: dict, person_id: str | None = None) -> dict:
        """Replace how a person is told (contact details, consented channels, language, quiet hours)."""
        actor = validated(Actor, actor, "actor")
        person_id = self._person_for(actor, person_id)
        update = validated(PersonContactUpdate, contact, "contact")
        if "sms" in update.channels and not update.phone:
            raise Unprocessable("SMS needs a phone number (手机号码).", {"channels": update.channels})
        if "email" in update.channels and not update.email:
            raise Unprocessable("E-mail needs an address (电子邮箱).", {"channels": update.channels})
        with self.db.transaction() as tx:
            directory.save_person(tx.session, person_id, update, by=actor.sub, now=utcnow())
        return self.get_person(actor.model_dump(), person_id)

    @staticmethod
    def _person_for(actor: Actor, person_id: str | None) -> str:
        person_id = identifier(person_id, "person_id", optional=True)
        if person_id is None or person_id == actor.sub:
            return actor.sub
        if not may_manage_contact(actor, person_id):  # docs/authorisation.md
            raise Forbidden("Only the person or an administrator may read or change someone's contact details.",
                            {"role": actor.role})
        return person_id


class DeliveriesApi:
    @rpc
    def message_deliveries(self, actor: dict, status: str | None = None, recipient: str | None = None,
                           event_id: str | None = None, channel: str | None = None, limit: int = 100) -> list[dict]:
        """E-mail and SMS deliveries (administrators): what was sent, held, skipped, failed or unconfirmed."""
        sender.check_admin(validated(Actor, actor, "actor"))
        filters = {"status": one_of(status, "status", DELIVERY_STATUSES),
                   "channel": one_of(channel, "channel", ("email", "sms")),
                   "recipient": identifier(recipient, "recipient", optional=True),
                   "event_id": identifier(event_id, "event_id", 64, optional=True)}
        limit = bounded(limit, "limit", 1, 500)
        with self.db.read() as session:
            return sender.list_message_deliveries(session, limit=limit, **filters)

    @rpc
    def resend_message(self, actor: dict, delivery_id: str) -> dict:
        sender.check_admin(validated(Actor, actor, "actor"))
        delivery_id = lookup(delivery_id, "delivery")
        with self.db.transaction() as tx:
            return sender.resend(tx.session, delivery_id, utcnow())


class WebhooksApi:
    def _subscriber(self, actor: dict, subscription_id: Any = "-") -> Actor:
        actor = validated(Actor, actor, "actor")
        webhooks.check_subscriber(actor)
        lookup(subscription_id, "webhook subscription")
        return actor

    @rpc
    def create_webhook(self, actor: dict, subscription: dict) -> dict:
        actor = self._subscriber(actor)
        body = validated(WebhookSubscriptionCreate, subscription, "subscription")
        webhooks.check_target(str(body.url), self.runtime.settings.webhook_target_policy)
        with self.db.transaction() as tx:
            return webhooks.create_subscription(tx.session, actor, body, utcnow(),
                                                self.runtime.settings.webhook_secret_box)

    @rpc
    def list_webhooks(self, actor: dict) -> list[dict]:
        actor = self._subscriber(actor)
        with self.db.read() as session:
            return webhooks.list_subscriptions(session, actor)

    @rpc
    def get_webhook(self, actor: dict, subscription_id: str) -> dict:
        actor = self._subscriber(actor, subscription_id)
        with self.db.read() as session:
            return webhooks.subscription_view(webhooks.owned_subscription(session, actor, subscription_id))

    @rpc
    def update_webhook(self, actor: dict, subscription_id: str, changes: dict) -> dict:
        actor = self._subscriber(actor, subscription_id)
        body = validated(WebhookSubscriptionUpdate, changes, "change")
        if body.url is not None:
            webhooks.check_target(str(body.url), self.runtime.settings.webhook_target_policy)
        with self.db.transaction() as tx:
            return webhooks.update_subscription(tx.session, actor, subscription_id, body, utcnow())

    @rpc
    def delete_webhook(self, actor: dict, subscription_id: str) -> None:
        actor = self._subscriber(actor, subscription_id)
        with self.db.transaction() as tx:
            webhooks.delete_subscription(tx.session, actor, subscription_id)

    @rpc
    def webhook_deliveries(self, actor: dict, subscription_id: str, state: str | None = None,
                           limit: int = 100) -> list[dict]:
        actor = self._subscriber(actor, subscription_id)
        state = one_of(state, "state", ("pending", "succeeded", "failed"))
        limit = bounded(limit, "limit", 1, 500)
        with self.db.read() as session:
            return webhooks.list_deliveries(session, actor, subscription_id, state, limit)

    @rpc
    def replay_webhook_delivery(self, actor: dict, subscription_id: str, delivery_id: str) -> dict:
        actor = self._subscriber(actor, subscription_id)
        delivery_id = lookup(delivery_id, "delivery")
        with self.db.transaction() as tx:
            ids = webhooks.replay(tx.session, actor, subscription_id, utcnow(), delivery_id=delivery_id)
        return {"replayed": len(ids), "delivery_ids": ids}

    @rpc
    def replay_webhook_failures(self, actor: dict, subscription_id: str, replay: dict) -> dict:
        actor = self._subscriber(actor, subscription_id)
        since: datetime = validated(WebhookReplay, replay, "replay request").since
        with self.db.transaction() as tx:
            ids = webhooks.replay(tx.session, actor, subscription_id, utcnow(), since=since)
        return {"replayed": len(ids), "delivery_ids": ids}
