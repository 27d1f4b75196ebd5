"""Satisfaction surveys: invite a random sample of the people who attended recently completed events
(`survey.invited`, which notifications delivers on the channels each person agreed to), take each
answer once, and aggregate the answers per venue or village."""

from __future__ import annotations

import random
import uuid
from collections import Counter, defaultdict
from datetime import timedelta

from sqlalchemy import select, update

from contracts.errors import Conflict, Forbidden, NotFound
from contracts.reports import SurveyAnswer, SurveyCreate, SurveyInvited
from kit.clock import utcnow
from services.reports.tables import (
    rm_events,
    rm_registrations,
    rm_venues,
    survey_contacts,
    survey_invitations,
    surveys,
)

_SAMPLER = random.SystemRandom()


def start_survey(tx, created_by: str, data: SurveyCreate) -> dict:
    now = utcnow()
    rows = tx.session.execute(
        select(
            survey_contacts.c.person_id, rm_events.c.event_id, rm_events.c.title, rm_events.c.village, rm_events.c.town
        )
        .join(rm_events, rm_events.c.event_id == rm_registrations.c.event_id)
        .join(survey_contacts, survey_contacts.c.registration_id == rm_registrations.c.registration_id)
        .where(
            rm_events.c.status == "completed",
            rm_events.c.end >= now - timedelta(days=data.days),
            rm_events.c.end <= now,
            rm_registrations.c.status == "confirmed",
        )
        .order_by(rm_registrations.c.registration_id)
    ).all()
    latest: dict[str, object] = {}
    for row in rows:  # one invitation per person, about one of the events they attended
        latest.setdefault(row.person_id, row)
    chosen = _SAMPLER.sample(sorted(latest), min(data.sample_size, len(latest)))
    survey_id = str(uuid.uuid4())
    tx.session.execute(
        surveys.insert().values(
            id=survey_id, days=data.days, sample_size=data.sample_size, created_by=created_by, created_at=now
        )
    )
    for person in chosen:
        row = latest[person]
        invitation_id = str(uuid.uuid4())
        tx.session.execute(
            survey_invitations.insert().values(
                id=invitation_id, survey_id=survey_id, person_id=person, event_id=row.event_id, created_at=now
            )
        )
        tx.emit(
            SurveyInvited(
                survey_id=survey_id,
                invitation_id=invitation_id,
                person_id=person,
                event_title=row.title,
                place_name=row.village or row.town,
                answer_path=f"/api/v1/survey-invitations/{invitation_id}/answer",
            ),
            subject=invitation_id,
        )
    return {"id": survey_id, "eligible_people": len(latest), "invited": len(chosen)}


def answer(session, person_id: str, invitation_id: str, data: SurveyAnswer) -> dict:
    row = session.execute(
        select(survey_invitations).where(survey_invitations.c.id == invitation_id).with_for_update()
    ).first()
    if row is None:
        raise NotFound(f"Survey invitation {invitation_id} does not exist.", {"invitation_id": invitation_id})
    if row.person_id != person_id:
        raise Forbidden("This survey invitation is addressed to someone else.", {"invitation_id": invitation_id})
    if row.answered_at is not None:
        raise Conflict("This survey invitation has already been answered.", {"invitation_id": invitation_id})
    session.execute(
        update(survey_invitations)
        .where(survey_invitations.c.id == invitation_id)
        .values(rating=data.rating, answered_at=utcnow())
    )
    return {"invitation_id": invitation_id, "rating": data.rating}


def results(session, survey_id: str) -> dict:
    survey = session.execute(select(surveys).where(surveys.c.id == survey_id)).first()
    if survey is None:
        raise NotFound(f"Survey {survey_id} does not exist.", {"survey_id": survey_id})
    rows = session.execute(
        select(survey_invitations.c.rating, rm_events.c.venue_id, rm_events.c.town, rm_events.c.village)
        .join(rm_events, rm_events.c.event_id == survey_invitations.c.event_id)
        .where(survey_invitations.c.survey_id == survey_id)
    ).all()
    names = dict(session.execute(select(rm_venues.c.venue_id, rm_venues.c.name)).all())
    # An outdoor event in a village counts for the village's centre (as in the efficiency report).
    centres = {
        (v.town, v.village): v.name
        for v in session.execute(
            select(rm_venues.c.town, rm_venues.c.village, rm_venues.c.name).where(rm_venues.c.level == "village")
        )
    }
    invited, ratings = Counter(), defaultdict(Counter)
    for row in rows:
        place = (
            names.get(row.venue_id)
            if row.venue_id
            else centres.get((row.town, row.village)) or row.village or row.town or ""
        )
        invited[place] += 1
        if row.rating is not None:
            ratings[place][row.rating] += 1
    per_place = []
    for place in sorted(invited):
        given = ratings[place]
        answered = sum(given.values())
        per_place.append(
            {
                "venue": place,
                "invited": invited[place],
                "answered": answered,
                "satisfaction_mean": round(sum(r * n for r, n in given.items()) / answered, 2) if answered else None,
                "distribution": {str(r): given[r] for r in range(1, 6)},
            }
        )
    return {
        "id": survey_id,
        "days": survey.days,
        "invited": sum(invited.values()),
        "answered": sum(sum(c.values()) for c in ratings.values()),
        "per_venue": per_place,
    }
