"""notifications: turns facts into messages for people, and feeds other district systems.

- one reliable event handler per published fact type (`on_<type>`, e.g. `on_venue_registered`),
  generated from the contracts so that a new fact is heard (and offered to webhooks) without edits
  here; each takes the facts of its queue in batches (kit.events `handle_events`) and writes their
  inbox messages, pending e-mail/SMS deliveries and webhook deliveries in one transaction
  (fanout_commands.py);
- two timers send what is due: e-mail and SMS (sender.py), webhooks (webhook_sender.py);
- RPC for the inbox, the people directory, delivery logs and webhook subscriptions (entrypoints/).
"""

from __future__ import annotations

import logging

from contracts.envelope import Envelope, registered_events
from kit.callers import Callers
from kit.clock import utcnow
from kit.database import Database
from kit.events import handle_events
from kit.metrics import Metrics
from kit.request_context import RequestContext
from kit.rpc import rpc
from kit.service_settings import every
from services.notifications import sender, webhook_sender
from services.notifications.entrypoints.deliveries import DeliveriesEntrypoints
from services.notifications.entrypoints.inbox import InboxEntrypoints
from services.notifications.entrypoints.one_time_sms import OneTimeSmsEntrypoints
from services.notifications.entrypoints.people import PeopleEntrypoints
from services.notifications.entrypoints.webhooks import WebhooksEntrypoints
from services.notifications.fanout_commands import fan_out
from services.notifications.runtime import Runtime
from services.notifications.settings import NotificationSettings
from services.notifications.tables import metadata

log = logging.getLogger(__name__)


class NotificationsService(
    InboxEntrypoints, PeopleEntrypoints, DeliveriesEntrypoints, WebhooksEntrypoints, OneTimeSmsEntrypoints
):
    name = "notifications"
    db = Database(metadata)
    caller = Callers()  # who is calling: the verified tokens of the call, not its actor argument (kit.callers)
    metrics = Metrics()
    request = RequestContext()  # the request id of every worker, in its logs and facts (kit.request_ids)
    runtime = Runtime()

    @rpc
    def health(self):
        return {"service": self.name, "status": "ok", **self.db.health()}

    def on_facts(self, events: list[Envelope]) -> None:
        """Every handler: the effects of a batch of facts in one transaction (the inbox leaves out those
        already applied: `tx.unapplied`)."""
        with self.db.transaction() as tx:
            now = utcnow()
            applied = [(event, fan_out(tx.session, event, self.runtime.settings, now)) for event in tx.unapplied]
        for event, counts in applied:
            log.info("%s %s → %s", event.type, event.id, counts)

    @every(NotificationSettings, "send_interval", eager=True)
    def send_due_messages(self) -> int:
        return sender.send_due_messages(self.db, self.runtime.settings, self.runtime.outlets, self.runtime.fault)

    @every(NotificationSettings, "webhook_interval", eager=True)
    def send_due_webhooks(self) -> int:
        return webhook_sender.send_due_webhooks(self.db, self.runtime.settings)


def handler_name(event_type: str) -> str:
    return "on_" + event_type.replace(".", "_").replace("-", "_")


def _add_fact_handlers(cls) -> None:
    for event_type, model in registered_events().items():

        def handler(self, events: list[Envelope]) -> None:
            self.on_facts(events)

        handler.__name__ = handler.__qualname__ = handler_name(event_type)
        handler.__doc__ = f"{event_type} from {model.source_service}: {model.summary}"
        setattr(cls, handler.__name__, handle_events(model.source_service, event_type)(handler))


_add_fact_handlers(NotificationsService)

SERVICE = NotificationsService
