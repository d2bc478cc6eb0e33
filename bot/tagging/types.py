"""Value types of the tagging engine: what goes in (context) and what comes out (tags)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

LocalitySource = Literal["text", "context"]


@dataclass(frozen=True, slots=True)
class TagContext:
    """What is known about where a message comes from: the group's bound ward or the citizen's saved one."""

    province_code: int | None = None
    ward_code: int | None = None


@dataclass(frozen=True, slots=True)
class LocalityTag:
    province_code: int | None = None
    ward_codes: tuple[int, ...] = ()
    mention: str | None = None
    sub_locality: str | None = None
    source: LocalitySource | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "province_code": self.province_code,
            "ward_codes": list(self.ward_codes),
            "mention": self.mention,
            "sub_locality": self.sub_locality,
            "source": self.source,
        }


@dataclass(frozen=True, slots=True)
class TopicTag:
    topic: str
    confidence: float
    urgent: bool
    needs_review: bool = False


@dataclass(frozen=True, slots=True)
class Tags:
    topic: str
    topic_confidence: float
    urgent: bool
    locality: LocalityTag = field(default_factory=LocalityTag)
    needs_review: bool = False
    data_version: str = ""

    def to_json(self) -> dict[str, object]:
        return {
            "topic": self.topic,
            "topic_confidence": round(self.topic_confidence, 4),
            "urgent": self.urgent,
            "locality": self.locality.to_json(),
        }
