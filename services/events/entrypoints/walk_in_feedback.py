"""Feedback without registration: the event's short code, and ratings given with it."""

from __future__ import annotations

from kit.rpc import rpc
from kit.settings import get_settings
from services.events import walk_in_feedback_commands


class WalkInFeedbackEntrypoints:
    @rpc
    def feedback_code(self, actor: dict, event_id: str) -> dict:
        settings = self.config.get("WENYUN_SETTINGS") or get_settings()
        return walk_in_feedback_commands.feedback_code(self.db, actor, event_id, settings.public_base_url)

    @rpc
    def give_feedback_with_code(self, code: str, feedback: dict) -> dict:
        return walk_in_feedback_commands.give(self.db, code, feedback)
