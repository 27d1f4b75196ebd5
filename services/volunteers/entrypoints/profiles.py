"""Volunteers: apply, review, suspend / reinstate / retire, see and edit one's own record."""

from __future__ import annotations

import re

from contracts.common import Coordinates
from contracts.errors import Conflict, Forbidden, Unprocessable
from contracts.volunteers import (
    VOLUNTEER_ID_PATTERN,
    SkillOption,
    StatusNote,
    VolunteerApplication,
    VolunteerApplied,
    VolunteerApproved,
    VolunteerRejected,
    VolunteerRetired,
    VolunteerReview,
    VolunteerSuspended,
    VolunteerUpdate,
    VolunteerUpdated,
)
from kit.boundary import actor_from, model_or_422
from kit.clock import utcnow
from kit.rpc import rpc
from services.volunteers import volunteer_queries
from services.volunteers.access import is_staff, require_self_or_staff, require_staff
from services.volunteers.domain.profiles import SKILLS, InvalidTransition, VolunteerStatus, transition
from services.volunteers.tables import volunteers

CLOSED = (VolunteerStatus.REJECTED, VolunteerStatus.RETIRED)
# action -> (target status, who may: "staff" | "self_or_staff", fact)
STATUS_ACTIONS = {
    "suspend": (VolunteerStatus.SUSPENDED, "staff", VolunteerSuspended),
    "reinstate": (VolunteerStatus.ACTIVE, "staff", VolunteerApproved),
    "retire": (VolunteerStatus.RETIRED, "self_or_staff", VolunteerRetired),
}


class ProfileEntrypoints:
    @rpc
    def skills(self) -> list[dict]:
        return [SkillOption(code=code, label_zh=label).model_dump() for code, label in SKILLS.items()]

    @rpc
    def apply(self, actor: dict, application: dict) -> dict:
        actor = actor_from(actor)
        data = model_or_422(VolunteerApplication, application, "application")
        volunteer_id = data.volunteer_id or actor.sub
        if volunteer_id != actor.sub and not is_staff(actor):
            raise Forbidden(
                "You may apply only for yourself; staff enter applications for others.", {"volunteer_id": volunteer_id}
            )
        if not re.fullmatch(VOLUNTEER_ID_PATTERN, volunteer_id):
            raise Unprocessable(
                f"The id {volunteer_id!r} cannot be used for a volunteer: letters, digits, . _ @ - (at most 64).",
                {"volunteer_id": volunteer_id},
            )
        clean = volunteer_queries.validated(
            **data.model_dump(include={"name", "phone", "email", "channels", "skills", "tags", "town", "village"}),
            availability=data.availability,
            coordinates=data.coordinates,
        )
        now = utcnow()
        values = dict(
            volunteer_queries.columns_of(clean, languages=data.languages, town=data.town, village=data.village),
            status=VolunteerStatus.APPLIED.value,
            status_reason=None,
            applied_at=now,
            applied_by=actor.sub,
            reviewed_at=None,
            reviewed_by=None,
            updated_at=now,
        )
        with self.db.transaction() as tx:
            row = volunteer_queries.volunteer_row(tx.session, volunteer_id, lock=True)
            if row is not None and row.status not in CLOSED:
                raise Conflict(
                    f"{volunteer_id} already has a volunteer record ({row.status}); change it instead. "
                    "您已提交过申请。",
                    {"volunteer_id": volunteer_id, "status": row.status},
                )
            if row is None:
                tx.session.execute(volunteers.insert().values(id=volunteer_id, **values))
            else:  # a rejected or retired person applies again: a new application on the same record
                tx.session.execute(volunteers.update().where(volunteers.c.id == volunteer_id).values(**values))
            tx.emit(
                VolunteerApplied(
                    volunteer_id=volunteer_id,
                    name=clean.name,
                    town=data.town,
                    village=data.village,
                    skills=sorted(clean.skills),
                ),
                subject=volunteer_id,
            )
        return self._volunteer(volunteer_id)

    @rpc
    def get_volunteer(self, actor: dict, volunteer_id: str) -> dict:
        require_self_or_staff(actor_from(actor), volunteer_id, "see")
        return self._volunteer(volunteer_id)

    @rpc
    def list_volunteers(
        self,
        actor: dict,
        status: str | None = None,
        skill: str | None = None,
        town: str | None = None,
        village: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[dict]:
        require_staff(actor_from(actor), "list volunteers")
        with self.db.read() as session:
            rows = volunteer_queries.volunteer_rows(
                session,
                status=status,
                skill=skill,
                town=town,
                village=village,
                limit=max(1, min(int(limit), 500)),
                offset=max(0, int(offset)),
            )
            return volunteer_queries.views(session, rows, self.settings.volunteers.star_thresholds)

    @rpc
    def update_volunteer(self, actor: dict, volunteer_id: str, changes: dict) -> dict:
        actor = actor_from(actor)
        require_self_or_staff(actor, volunteer_id, "change")
        data = model_or_422(VolunteerUpdate, changes, "changes")
        given = data.model_fields_set
        if not given:
            raise Unprocessable("Nothing to change: give at least one field.", {})
        with self.db.transaction() as tx:
            row = volunteer_queries.existing_volunteer(tx.session, volunteer_id, lock=True)
            if row.status in CLOSED:
                raise Conflict(
                    f"The record of {volunteer_id} is closed ({row.status}); apply again instead.",
                    {"volunteer_id": volunteer_id, "status": row.status},
                )

            def pick(name, current):
                return getattr(data, name) if name in given else current

            coordinates = Coordinates(lat=row.lat, lon=row.lon) if row.lat is not None and row.lon is not None else None
            town, village = pick("town", row.town), pick("village", row.village)
            clean = volunteer_queries.validated(
                name=pick("name", row.name),
                phone=pick("phone", row.phone),
                email=pick("email", row.email),
                channels=pick("channels", row.channels) or [],
                skills=pick("skills", row.skills) or [],
                tags=pick("tags", row.tags) or [],
                town=town,
                village=village,
                availability=(data.availability or [])
                if "availability" in given
                else volunteer_queries.availability_view(row.availability),
                coordinates=pick("coordinates", coordinates),
            )
            languages = pick("languages", row.languages) or []
            values = volunteer_queries.columns_of(clean, languages=languages, town=town, village=village)
            tx.session.execute(
                volunteers.update().where(volunteers.c.id == volunteer_id).values(**values, updated_at=utcnow())
            )
            updated = volunteer_queries.volunteer_row(tx.session, volunteer_id)
            tx.emit(
                VolunteerUpdated(
                    volunteer_id=volunteer_id,
                    name=updated.name,
                    status=updated.status,
                    contact=volunteer_queries.contact_of(updated),
                    channels=updated.channels,
                ),
                subject=volunteer_id,
            )
        return self._volunteer(volunteer_id)

    @rpc
    def review_volunteer(self, actor: dict, volunteer_id: str, review: dict) -> dict:
        actor = actor_from(actor)
        require_staff(actor, "review applications")
        data = model_or_422(VolunteerReview, review, "review")
        target = VolunteerStatus.ACTIVE if data.decision == "approve" else VolunteerStatus.REJECTED
        if target == VolunteerStatus.REJECTED and not data.reason:
            raise Unprocessable(
                "Give the reason for turning an application down. 请填写不予通过的理由。",
                {"errors": [{"loc": ["body", "reason"], "msg": "required when rejecting", "type": "missing"}]},
            )
        fact = VolunteerApproved if target == VolunteerStatus.ACTIVE else VolunteerRejected
        return self._change_status(actor, volunteer_id, target, data.reason, fact, reviewed=True)

    @rpc
    def change_volunteer_status(self, actor: dict, volunteer_id: str, action: str, note: dict | None = None) -> dict:
        actor = actor_from(actor)
        if action not in STATUS_ACTIONS:
            raise Unprocessable(f"Unknown action {action!r}; one of {', '.join(STATUS_ACTIONS)}.", {"action": action})
        target, who, fact = STATUS_ACTIONS[action]
        if who == "staff":
            require_staff(actor, f"{action} a volunteer")
        else:
            require_self_or_staff(actor, volunteer_id, action)
        data = model_or_422(StatusNote, note or {}, "note")
        return self._change_status(actor, volunteer_id, target, data.reason, fact)

    # -- helpers ------------------------------------------------------------------------------------
    def _change_status(self, actor, volunteer_id, target, reason, fact, reviewed=False) -> dict:
        now = utcnow()
        with self.db.transaction() as tx:
            row = volunteer_queries.existing_volunteer(tx.session, volunteer_id, lock=True)
            try:
                transition(row.status, target)
            except InvalidTransition as exc:
                raise Conflict(
                    f"{exc}.",
                    {"volunteer_id": volunteer_id, "status": row.status, "requested": target.value},
                    detail_zh=exc.message_zh,
                ) from exc
            values = dict(status=target.value, status_reason=reason, updated_at=now)
            if reviewed:
                values.update(reviewed_at=now, reviewed_by=actor.sub)
            tx.session.execute(volunteers.update().where(volunteers.c.id == volunteer_id).values(**values))
            if fact is VolunteerApproved:
                tx.emit(
                    VolunteerApproved(
                        volunteer_id=volunteer_id,
                        name=row.name,
                        contact=volunteer_queries.contact_of(row),
                        channels=row.channels,
                    ),
                    subject=volunteer_id,
                )
            else:
                tx.emit(
                    fact(volunteer_id=volunteer_id, name=row.name, reason=reason, changed_by=actor.sub),
                    subject=volunteer_id,
                )
        return self._volunteer(volunteer_id)

    def _volunteer(self, volunteer_id: str) -> dict:
        with self.db.read() as session:
            row = volunteer_queries.existing_volunteer(session, volunteer_id)
            return volunteer_queries.views(session, [row], self.settings.volunteers.star_thresholds)[0]
