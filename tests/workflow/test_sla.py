"""SLA deadlines from the real taxonomy and holiday file, with unit overrides and urgent tickets."""

from __future__ import annotations

from datetime import datetime

import pytest
import yaml

from bot.tagging.topics import TopicClassifier, default_taxonomy_path
from bot.workflow.sla import (
    DEFAULT_SLA,
    Deadlines,
    SlaError,
    SlaPolicy,
    TopicSla,
    parse_unit_overrides,
)
from bot.workflow.worktime import VN_TZ, WorkCalendar, WorkDuration

CALENDAR = WorkCalendar.load()
POLICY = SlaPolicy.from_taxonomy(CALENDAR, TopicClassifier.load())
MONDAY_9 = datetime(2026, 11, 16, 9, tzinfo=VN_TZ)


def vn(month: int, day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, second, tzinfo=VN_TZ)


def w(text: str) -> WorkDuration:
    return WorkDuration.parse(text)


def test_taxonomy_defaults_one_day_to_respond_five_to_answer() -> None:
    assert POLICY.due("transport", False, None, MONDAY_9) == Deadlines(
        first_response_due=vn(11, 17, 9), answer_due=vn(11, 23, 9)
    )


def test_the_answer_clock_skips_the_24_november_holiday() -> None:
    friday = vn(11, 20, 10)
    assert POLICY.due("land", False, {}, friday).answer_due == vn(11, 30, 10)


def test_urgent_tickets_must_be_acted_on_within_4_working_hours() -> None:
    assert POLICY.due("transport", True, None, MONDAY_9) == Deadlines(vn(11, 16, 15), vn(11, 16, 15))
    # reported on Friday evening: the 4 hours start on Monday morning
    assert POLICY.due("electricity", True, None, vn(11, 20, 21)).answer_due == vn(11, 23, 11, 30)


def test_unit_overrides_set_the_answer_time_by_topic_then_star() -> None:
    overrides = parse_unit_overrides({"transport": "3d", "*": "10d"})
    assert POLICY.due("transport", False, overrides, MONDAY_9).answer_due == vn(11, 19, 9)
    assert POLICY.due("environment", False, overrides, MONDAY_9).answer_due == vn(12, 1, 9)
    assert POLICY.due("environment", False, overrides, MONDAY_9).first_response_due == vn(11, 17, 9)


def test_first_response_is_never_due_after_the_answer() -> None:
    allowed = POLICY.allowed("transport", False, {"transport": w("2h")})
    assert allowed == TopicSla(answer=w("2h"), first_response=w("2h"))


def test_a_unit_override_shorter_than_the_urgent_limit_still_applies() -> None:
    assert POLICY.allowed("transport", True, {"transport": w("2h")}).answer == w("2h")


def test_a_topic_missing_from_the_taxonomy_gets_the_default() -> None:
    assert POLICY.allowed("no-such-topic", False) == DEFAULT_SLA


def test_reminder_at_three_quarters_of_the_working_time() -> None:
    due = POLICY.due("transport", False, None, MONDAY_9).answer_due
    reminder = POLICY.reminder_due(MONDAY_9, due)
    # 75 % of 37.5 working hours is 28 h 07 min 30 s: Monday 6 h, Tuesday and Wednesday 7.5 h each, then
    # Thursday 4 h in the morning and 3 h 07 min 30 s after lunch.
    assert reminder == vn(11, 19, 16, 37, 30)
    assert CALENDAR.fraction_elapsed(MONDAY_9, due, reminder) == 0.75


def test_reminder_of_an_urgent_ticket_over_the_weekend() -> None:
    created = vn(11, 20, 15)
    due = POLICY.due("transport", True, None, created).answer_due
    assert due == vn(11, 23, 9, 30)
    assert POLICY.reminder_due(created, due) == vn(11, 23, 8, 30)


def test_bad_unit_overrides_say_which_key() -> None:
    with pytest.raises(SlaError, match=r"sla\.transport: bad working duration '3 days'"):
        parse_unit_overrides({"transport": "3 days"})
    with pytest.raises(SlaError, match=r"sla\.transprot: unknown topic"):
        parse_unit_overrides({"transprot": "3d"}, known_topics=POLICY.topics)
    assert parse_unit_overrides({"*": "4d"}, known_topics=POLICY.topics) == {"*": w("4d")}


def test_bad_taxonomy_values_say_which_topic() -> None:
    config = yaml.safe_load(default_taxonomy_path().read_text(encoding="utf-8"))
    transport = next(topic for topic in config["topics"] if topic["code"] == "transport")
    transport["sla"] = {"answer": "five days"}
    with pytest.raises(SlaError, match=r"topics\.transport\.sla\.answer"):
        SlaPolicy.from_taxonomy(CALENDAR, TopicClassifier(config))


def test_reminder_fraction_must_be_a_fraction() -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        SlaPolicy(CALENDAR, {}, w("4h"), reminder_fraction=1.5)
