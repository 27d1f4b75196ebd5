"""notifications: turns facts into messages for people, and feeds other district systems."""
from __future__ import annotations

import uuid

from nameko.rpc import rpc
from sqlalchemy import or_, select

from contracts.common import Actor
from contracts.envelope import Envelope
from kit.database import Database, utcnow
from kit.events import handle_event
from kit.metrics import Metrics
from services.notifications.tables import inbox_messages, metadata


class NotificationsService:
    name = "notifications"
    db = Database(metadata)
    metrics = Metrics()

    @rpc
    def health(self):
        return {"service": self.name, "status": "ok", **self.db.health()}

    @handle_event("venues", "venue.registered")
    def on_venue_registered(self, event: Envelope):
        fact = event.typed()
        with self.db.transaction() as tx:
            tx.session.execute(inbox_messages.insert().values(
                id=str(uuid.uuid4()), recipient="role:admin", event_id=event.id, event_type=event.type,
                subject=f"新场馆已登记：{fact.name}", body=f"{fact.name}（{fact.level}）已加入场馆网络。",
                created_at=utcnow(),
            ))

    @rpc
    def inbox(self, actor: dict, limit: int = 50) -> list[dict]:
        actor = Actor.model_validate(actor)
        with self.db.read() as session:
            rows = session.execute(
                select(inbox_messages)
                .where(or_(inbox_messages.c.recipient == actor.sub, inbox_messages.c.recipient == f"role:{actor.role}"))
                .order_by(inbox_messages.c.created_at.desc()).limit(min(limit, 200))
            ).all()
        return [{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in r._mapping.items()} for r in rows]


SERVICE = NotificationsService
