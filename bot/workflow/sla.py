"""SLA policy: when a ticket's first response and answer are due, and when to remind.

Where the time allowed comes from, most specific first:
1. the unit's overrides in the org file (``sla: {transport: 3d, "*": 5d}``), for the answer;
2. the topic's ``sla`` in the taxonomy (``answer``, ``first_response``);
3. ``DEFAULT_SLA``, for a topic the taxonomy gives no value.
An urgent ticket gets at most ``urgent_sla`` (4 working hours) for both: it is a danger to act on, so
the clock for the answer is as short as for the first response. The first response is never due
after the answer.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime

from bot.tagging.topics import TopicClassifier
from bot.workflow.worktime import WorkCalendar, WorkDuration, WorkDurationError

ANY_TOPIC = "*"
REMINDER_FRACTION = 0.75


class SlaError(ValueError):
    """An SLA value in the taxonomy or the org file is malformed (the message says which)."""


@dataclass(frozen=True, slots=True)
class TopicSla:
    answer: WorkDuration
    first_response: WorkDuration


DEFAULT_SLA = TopicSla(answer=WorkDuration(days=5), first_response=WorkDuration(days=1))


@dataclass(frozen=True, slots=True)
class Deadlines:
    first_response_due: datetime
    answer_due: datetime


def parse_duration(value: object, where: str) -> WorkDuration:
    """A duration from a config value, or ``SlaError`` saying where the bad value is."""
    try:
        return WorkDuration.parse(str(value))
    except WorkDurationError as exc:
        raise SlaError(f"{where}: {exc}") from None


def parse_unit_overrides(
    raw: Mapping[str, object], known_topics: Collection[str] | None = None
) -> dict[str, WorkDuration]:
    """Check a unit's ``sla`` mapping (topic code or ``*`` → duration) from the org file.

    With ``known_topics`` a misspelt topic code is an error rather than an override that never applies.
    """
    overrides: dict[str, WorkDuration] = {}
    for topic, value in raw.items():
        if known_topics is not None and topic != ANY_TOPIC and topic not in known_topics:
            raise SlaError(f"sla.{topic}: unknown topic (known: {', '.join(sorted(known_topics))}, or *)")
        overrides[topic] = parse_duration(value, f"sla.{topic}")
    return overrides


class SlaPolicy:
    def __init__(
        self,
        calendar: WorkCalendar,
        topics: Mapping[str, TopicSla],
        urgent: WorkDuration,
        reminder_fraction: float = REMINDER_FRACTION,
    ) -> None:
        if not 0 < reminder_fraction < 1:
            raise ValueError(f"reminder fraction {reminder_fraction} must be between 0 and 1")
        self.calendar = calendar
        self.topics = dict(topics)
        self.urgent = urgent
        self.reminder_fraction = reminder_fraction

    @classmethod
    def from_taxonomy(cls, calendar: WorkCalendar, classifier: TopicClassifier) -> SlaPolicy:
        """Per-topic values and ``urgent_sla`` from the loaded taxonomy (``config/topics.yaml``)."""
        topics = {
            info.code: TopicSla(
                answer=_topic_value(info.code, info.sla, "answer", DEFAULT_SLA.answer),
                first_response=_topic_value(
                    info.code, info.sla, "first_response", DEFAULT_SLA.first_response
                ),
            )
            for info in classifier.topics
        }
        return cls(calendar, topics, parse_duration(classifier.urgent_sla, "urgent_sla"))

    def allowed(
        self, topic: str, urgent: bool, unit_overrides: Mapping[str, WorkDuration] | None = None
    ) -> TopicSla:
        """The working time allowed for each step, before it is laid on the calendar."""
        base = self.topics.get(topic, DEFAULT_SLA)
        overrides = unit_overrides or {}
        answer = overrides.get(topic) or overrides.get(ANY_TOPIC) or base.answer
        first_response = self._shorter(base.first_response, answer)
        if urgent:
            answer = self._shorter(answer, self.urgent)
            first_response = self._shorter(first_response, self.urgent)
        return TopicSla(answer=answer, first_response=first_response)

    def due(
        self,
        topic: str,
        urgent: bool,
        unit_overrides: Mapping[str, WorkDuration] | None,
        created_at: datetime,
    ) -> Deadlines:
        allowed = self.allowed(topic, urgent, unit_overrides)
        return Deadlines(
            first_response_due=self.calendar.add(created_at, allowed.first_response),
            answer_due=self.calendar.add(created_at, allowed.answer),
        )

    def reminder_due(self, created: datetime, due: datetime) -> datetime:
        """When ``reminder_fraction`` (75 %) of the working time from ``created`` to ``due`` has passed."""
        return self.calendar.add(created, self.calendar.between(created, due) * self.reminder_fraction)

    def _shorter(self, first: WorkDuration, second: WorkDuration) -> WorkDuration:
        return first if self.calendar.length(first) <= self.calendar.length(second) else second


def _topic_value(code: str, sla: Mapping[str, str], key: str, default: WorkDuration) -> WorkDuration:
    value = sla.get(key)
    return default if value is None else parse_duration(value, f"topics.{code}.sla.{key}")


__all__ = [
    "ANY_TOPIC",
    "DEFAULT_SLA",
    "REMINDER_FRACTION",
    "Deadlines",
    "SlaError",
    "SlaPolicy",
    "TopicSla",
    "parse_duration",
    "parse_unit_overrides",
]
