"""Value types of the tagging engine: what goes in (context) and what comes out (tags)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, NamedTuple

LocalitySource = Literal["text", "context"]


@dataclass(frozen=True, slots=True)
class TagContext:
    """What is known about where a message comes from: the group's bound ward or the citizen's saved one."""

    province_code: int | None = None
    ward_code: int | None = None


class LocalityTag(NamedTuple):
    """Where a message is about. Results are named tuples: immutable, and the cheapest to build, which
    counts at 10,000 messages a second."""

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


class Tags(NamedTuple):
    topic: str
    topic_confidence: float
    urgent: bool
    locality: LocalityTag = LocalityTag()
    needs_review: bool = False
    data_version: str = ""

    def to_json(self) -> dict[str, object]:
        return {
            "topic": self.topic,
            "topic_confidence": round(self.topic_confidence, 4),
            "urgent": self.urgent,
            "locality": self.locality.to_json(),
        }
