"""Guild scheduled events and the members interested in them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

SCHEDULED, ACTIVE, COMPLETED, CANCELED = 1, 2, 3, 4
STAGE_INSTANCE, VOICE, EXTERNAL = 1, 2, 3
GUILD_ONLY = 2
#: Discord's allowed status changes; COMPLETED and CANCELED are final.
TRANSITIONS = {SCHEDULED: {SCHEDULED, ACTIVE, CANCELED}, ACTIVE: {ACTIVE, COMPLETED}}
MAX_ACTIVE_EVENTS = 100


def isoformat(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment else None


@dataclass
class ScheduledEvent:
    id: int
    guild_id: int
    creator: Any  # User; typed loosely to keep the state modules free of cycles
    name: str
    scheduled_start_time: dt.datetime
    entity_type: int = EXTERNAL
    scheduled_end_time: dt.datetime | None = None
    description: str | None = None
    channel_id: int | None = None
    entity_metadata: dict[str, Any] | None = None
    privacy_level: int = GUILD_ONLY
    status: int = SCHEDULED
    image: str | None = None
    recurrence_rule: dict[str, Any] | None = None
    #: user ids in the order they marked themselves interested
    interested: list[int] = field(default_factory=list)

    @property
    def finished(self) -> bool:
        return self.status in (COMPLETED, CANCELED)

    def to_dict(self, *, with_user_count: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "guild_id": str(self.guild_id),
            "channel_id": str(self.channel_id) if self.channel_id else None,
            "creator_id": str(self.creator.id),
            "creator": self.creator.to_dict(),
            "name": self.name,
            "description": self.description,
            "scheduled_start_time": isoformat(self.scheduled_start_time),
            "scheduled_end_time": isoformat(self.scheduled_end_time),
            "privacy_level": self.privacy_level,
            "status": self.status,
            "entity_type": self.entity_type,
            "entity_id": None,
            "entity_metadata": self.entity_metadata,
            "image": self.image,
            "recurrence_rule": self.recurrence_rule,
        }
        if with_user_count:
            data["user_count"] = len(self.interested)
        return data
