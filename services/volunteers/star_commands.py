"""星级 as facts: the star level of volunteers before a change of their hours or ratings, and
`volunteer.stars_changed` for each whose level moved, emitted in the same transaction."""

from __future__ import annotations

from contracts.volunteers import StarsChanged
from services.volunteers import volunteer_queries
from services.volunteers.domain.recognition import NATIONAL_STAR_THRESHOLDS


def stars_now(session, volunteer_ids: list[str], thresholds=NATIONAL_STAR_THRESHOLDS) -> dict[str, int]:
    return {vid: level.stars for vid, level in volunteer_queries.stars_of(session, volunteer_ids, thresholds).items()}


def emit_changes(tx, before: dict[str, int], thresholds=NATIONAL_STAR_THRESHOLDS) -> None:
    after = volunteer_queries.stars_of(tx.session, list(before), thresholds)
    for volunteer_id, level in after.items():
        if level.stars == before[volunteer_id]:
            continue
        row = volunteer_queries.volunteer_row(tx.session, volunteer_id)
        tx.emit(
            StarsChanged(
                volunteer_id=volunteer_id,
                stars=level.stars,
                previous_stars=before[volunteer_id],
                total_hours=level.total_hours,
                town=row.town if row else None,
                village=row.village if row else None,
            ),
            subject=volunteer_id,
        )
