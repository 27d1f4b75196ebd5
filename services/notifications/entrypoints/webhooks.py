"""Webhook subscriptions of other district systems, their deliveries and replays."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from contracts.common import Actor
from contracts.notifications import (
    WebhookReplay,
    WebhookSubscriptionCreate,
    WebhookSubscriptionUpdate,
)
from kit.boundary import (
    actor_from,
    choice_or_422,
    key_or_404,
    model_or_422,
    number_or_422,
)
from kit.clock import utcnow
from kit.rpc import rpc
from services.notifications import queries, webhook_commands


class WebhooksEntrypoints:
    def _subscriber(self, actor: dict, subscription_id: Any = "-") -> Actor:
        actor = actor_from(actor)
        webhook_commands.check_subscriber(actor)
        key_or_404(subscription_id, "webhook subscription")
        return actor

    @rpc
    def create_webhook(self, actor: dict, subscription: dict) -> dict:
        actor = self._subscriber(actor)
        body = model_or_422(WebhookSubscriptionCreate, subscription, "subscription")
        webhook_commands.check_target(str(body.url), self.runtime.settings.webhook_target_policy)
        with self.db.transaction() as tx:
            return webhook_commands.create_subscription(
                tx.session, actor, body, utcnow(), self.runtime.settings.webhook_secret_box
            )

    @rpc
    def list_webhooks(self, actor: dict) -> list[dict]:
        actor = self._subscriber(actor)
        with self.db.read() as session:
            return queries.list_subscriptions(session, actor)

    @rpc
    def get_webhook(self, actor: dict, subscription_id: str) -> dict:
        actor = self._subscriber(actor, subscription_id)
        with self.db.read() as session:
            return queries.subscription_view(queries.owned_subscription(session, actor, subscription_id))

    @rpc
    def update_webhook(self, actor: dict, subscription_id: str, changes: dict) -> dict:
        actor = self._subscriber(actor, subscription_id)
        body = model_or_422(WebhookSubscriptionUpdate, changes, "change")
        if body.url is not None:
            webhook_commands.check_target(str(body.url), self.runtime.settings.webhook_target_policy)
        with self.db.transaction() as tx:
            return webhook_commands.update_subscription(tx.session, actor, subscription_id, body, utcnow())

    @rpc
    def delete_webhook(self, actor: dict, subscription_id: str) -> None:
        actor = self._subscriber(actor, subscription_id)
        with self.db.transaction() as tx:
            webhook_commands.delete_subscription(tx.session, actor, subscription_id)

    @rpc
    def webhook_deliveries(
        self,
        actor: dict,
        subscription_id: str,
        state: str | None = None,
        limit: int = 100,
    ) -> list[dict]:
        actor = self._subscriber(actor, subscription_id)
        state = choice_or_422(state, "state", ("pending", "succeeded", "failed"))
        limit = number_or_422(limit, "limit", 1, 500)
        with self.db.read() as session:
            return queries.list_deliveries(session, actor, subscription_id, state, limit)

    @rpc
    def replay_webhook_delivery(self, actor: dict, subscription_id: str, delivery_id: str) -> dict:
        actor = self._subscriber(actor, subscription_id)
        delivery_id = key_or_404(delivery_id, "delivery")
        with self.db.transaction() as tx:
            ids = webhook_commands.replay(tx.session, actor, subscription_id, utcnow(), delivery_id=delivery_id)
        return {"replayed": len(ids), "delivery_ids": ids}

    @rpc
    def replay_webhook_failures(self, actor: dict, subscription_id: str, replay: dict) -> dict:
        actor = self._subscriber(actor, subscription_id)
        since: datetime = model_or_422(WebhookReplay, replay, "replay request").since
        with self.db.transaction() as tx:
            ids = webhook_commands.replay(tx.session, actor, subscription_id, utcnow(), since=since)
        return {"replayed": len(ids), "delivery_ids": ids}
