"""Contracts of the operator's views the gateway serves itself (no service owns them): dead letters."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class DeadLetter(BaseModel):
    """A message a consumer gave up on after its retries, kept in the `wenyun.dead-letters` queue."""

    message_id: str | None = None
    type: str | None = Field(None, description="The fact's type, e.g. booking.confirmed.")
    queue: str | None = Field(None, description="The queue it failed on (where a replay sends it).")
    service: str | None = None
    attempts: int | None = None
    failed_at: str | None = None
    error: str | None = None


class DeadLetterReplay(BaseModel):
    model_config = ConfigDict(extra="forbid")
    message_id: str | None = Field(None, max_length=200, description="Replay only this message (default: all).")
