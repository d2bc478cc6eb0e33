"""Synthetic ticket history for demos and benchmarks (``doithoai demo seed``).

``seed(database, tickets=N, weeks=W, seed=S)`` fills the database with N tickets created over the W
weeks ending ``until`` (now by default), the same rows for the same seed, organisation and ``until``:

- *where*: wards of the provinces the organisation's units cover (an empty organisation first gets a
  small demo one: a province unit and four commune units with routes), some wards busier than others;
  each ticket goes to the unit the real routing rules choose;
- *when*: more on weekdays and in office hours, fewer on public holidays, slowly growing use;
- *what*: a weighted topic mix (land, transport, environment first), ~3 % urgent;
- *deadlines*: the real ``SlaPolicy`` (taxonomy, unit overrides, urgent cap) laid on the real
  ``WorkCalendar``. The calendar's office periods are flattened once into sorted arrays of UTC seconds
  with the working time accumulated before each, so a due time is two binary searches instead of a
  walk; ``check_deadlines`` compares the two on a sample;
- *outcomes by age*: first response and answer mostly inside the working time allowed, some late, a
  few never answered; the citizen's verdict (mostly "resolved"), a 1–5 rating on most resolved tickets
  (lower when the answer was late), closing after a few days. Whatever would happen after ``until``
  has not happened yet, so recent tickets are still open and ``overdue`` is set when ``answer_due``
  passed before the answer (or before ``until``).

No audit events, messages or texts are written: the history is the tickets' own fields.
"""

from __future__ import annotations

import math
import random
import time as clock
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from bot.routing import choose_route
from bot.tagging.topics import TopicClassifier
from bot.workflow.sla import SlaPolicy, parse_unit_overrides
from bot.workflow.worktime import WorkCalendar
from storage.database import Database
from storage.models import TicketStatus
from storage.repositories import seeding as store

BATCH = 50_000
CITIZEN_ID_BASE = 7_000_000_000_000
"""Synthetic Telegram ids start here: far above any real user id, so they never meet a real person."""
OFFICIAL_ID_BASE = 7_100_000_000_000
GROUP_CHAT_BASE = -1_007_000_000_000
MAX_CITIZENS = 5_000
REBUILD_FROM = 50_000

TOPIC_WEIGHTS: Mapping[str, float] = {
    "land": 15,
    "transport": 12,
    "environment": 10,
    "construction": 8,
    "admin_procedure": 9,
    "water": 7,
    "electricity": 6,
    "social_welfare": 6,
    "compensation": 5,
    "security": 5,
    "health": 4,
    "education": 4,
    "agriculture": 4,
    "reorganization": 3,
    "officials": 2,
    "other": 5,
}
URGENT_SHARE = 0.03
WEEKDAY_WEIGHTS = (1.0, 0.95, 0.95, 0.9, 0.85, 0.45, 0.35)
HOUR_WEIGHTS = (
    0.05, 0.03, 0.02, 0.02, 0.04, 0.15, 0.5, 1.0, 1.5, 1.7, 1.6, 1.3,
    0.9, 0.9, 1.3, 1.5, 1.4, 1.1, 0.8, 0.8, 0.9, 0.7, 0.4, 0.15,
)  # fmt: skip
HOLIDAY_FACTOR = 0.4
RATINGS_ON_TIME = (0.04, 0.04, 0.10, 0.30, 0.52)
RATINGS_LATE = (0.15, 0.15, 0.25, 0.25, 0.20)


@dataclass(slots=True)
class SeedSummary:
    tickets: int
    citizens_added: int
    units_created: int
    provinces: tuple[int, ...]
    wards: int
    start: datetime
    until: datetime
    seconds: float
    statuses: dict[str, int] = field(default_factory=dict)
    overdue: int = 0
    rated: int = 0

    def describe(self) -> str:
        shares = ", ".join(f"{name} {count:,}" for name, count in sorted(self.statuses.items()))
        rate = self.tickets / self.seconds if self.seconds else 0.0
        return (
            f"{self.tickets:,} tickets from {self.start:%Y-%m-%d} to {self.until:%Y-%m-%d %H:%M} UTC "
            f"in {len(self.provinces)} province(s), {self.wards} wards; "
            f"{self.citizens_added:,} citizens and {self.units_created} units added\n"
            f"statuses: {shares}\noverdue {self.overdue:,}, rated {self.rated:,}\n"
            f"took {self.seconds:.1f} s ({rate:,.0f} tickets/s)"
        )


# ---- working time, flattened -------------------------------------------------------------------


class WorkClock:
    """``WorkCalendar`` office periods between two dates as arrays of UTC seconds.

    ``position(t)`` is the working time (s) before instant ``t`` since the first period, ``instant(w)``
    the inverse; ``instant(position(t) + d)`` equals ``calendar.add(t, d)``, closing-time rule included.
    """

    def __init__(self, calendar: WorkCalendar, first: date, last: date) -> None:
        starts: list[int] = []
        ends: list[int] = []
        day = first
        while day <= last:
            if calendar.is_working_day(day):
                for opening, closing in calendar.hours:
                    starts.append(int(datetime.combine(day, opening, calendar.tz).timestamp()))
                    ends.append(int(datetime.combine(day, closing, calendar.tz).timestamp()))
            day += timedelta(days=1)
        before: list[int] = []
        after: list[int] = []
        total = 0
        for start, end in zip(starts, ends, strict=True):
            before.append(total)
            total += end - start
            after.append(total)
        self.starts, self.ends, self.before, self.after = starts, ends, before, after
        self.horizon = ends[-1]

    def position(self, moment: int) -> int:
        index = bisect_right(self.ends, moment)
        return self.before[index] + max(0, moment - self.starts[index])

    def instant(self, position: int) -> int:
        index = bisect_left(self.after, position)
        if index >= len(self.after):
            return self.horizon + 1
        return self.starts[index] + position - self.before[index]


# ---- the organisation --------------------------------------------------------------------------


def _ward_provinces() -> tuple[dict[int, int], dict[int, str], set[int]]:
    from vietnam_provinces._lookup import PROVINCE_MAPPING, WARD_MAPPING

    ward_province = {int(code): int(ward.province_code) for code, ward in WARD_MAPPING.items()}
    ward_names = {int(code): str(ward.name) for code, ward in WARD_MAPPING.items()}
    return ward_province, ward_names, {int(code) for code in PROVINCE_MAPPING}


DEMO_WARD = 17357  # Xã Vĩnh Tường, as in the ``make run`` demo


def demo_org_yaml(ward_province: Mapping[int, int], ward_names: Mapping[int, str]) -> str:
    """A province unit and four commune units: each commune's own ward routes to it, the rest of the
    province to the province unit."""
    from vietnam_provinces._lookup import PROVINCE_MAPPING

    province = ward_province[DEMO_WARD]
    wards = sorted(code for code, p in ward_province.items() if p == province)
    step = max(1, len(wards) // 4)
    communes = [DEMO_WARD, *[w for w in wards[::step] if w != DEMO_WARD][:3]]
    province_name = PROVINCE_MAPPING[province].name
    lines = [
        "units:",
        "  - id: demo-province",
        f'    name: "UBND {province_name}"',
        f"    locality: {province}",
    ]
    routes = ["routes:", f'  - {{locality: {province}, topic: "*", unit: demo-province}}']
    for ward in communes:
        lines += [
            f"  - id: demo-ward-{ward}",
            f'    name: "UBND {ward_names[ward]}"',
            f"    locality: {ward}",
            "    parent: demo-province",
        ]
        routes.append(f'  - {{locality: {ward}, topic: "*", unit: demo-ward-{ward}}}')
    return "\n".join([*lines, *routes]) + "\n"


@dataclass(frozen=True, slots=True)
class _Rule:
    locality: str
    topic: str
    unit_id: str


@dataclass(slots=True)
class Plan:
    """Everything the generator draws from, fixed before the first ticket."""

    topics: list[str]
    topic_weights: list[float]
    wards: list[int]
    ward_weights: list[float]
    ward_province: dict[int, int]
    ward_names: dict[int, str]
    unit_of: dict[tuple[int, int], str | None]  # (ward, topic index) → unit id
    allowed: dict[tuple[str, int, bool], tuple[int, int]]  # (unit, topic index, urgent) → (fr s, answer s)
    unit_index: dict[str, int]
    policy: SlaPolicy


def make_plan(
    rng: random.Random,
    units: Sequence[tuple[str, int, Mapping[str, object]]],
    rules: Sequence[tuple[str, str, str]],
    calendar: WorkCalendar,
    classifier: TopicClassifier,
) -> Plan:
    """``units``: (id, locality code, sla overrides); ``rules``: (locality, topic, unit id)."""
    ward_province, ward_names, province_codes = _ward_provinces()
    provinces = sorted(
        {ward_province[code] for _, code, _ in units if code in ward_province}
        | {code for _, code, _ in units if code in province_codes}
    )
    wards = sorted(code for code, province in ward_province.items() if province in set(provinces))
    if not wards:
        raise ValueError("the organisation's units name no known ward or province")
    own_ward = {code for _, code, _ in units if code in ward_province}
    ward_weights = [rng.lognormvariate(0.0, 0.7) * (3.0 if w in own_ward else 1.0) for w in wards]
    topics = list(classifier.codes)
    topic_weights = [float(TOPIC_WEIGHTS.get(code, 2.0)) for code in topics]
    policy = SlaPolicy.from_taxonomy(calendar, classifier)
    rule_list = [_Rule(locality, topic, unit) for locality, topic, unit in rules]
    unit_of: dict[tuple[int, int], str | None] = {}
    for ward in wards:
        for index, topic in enumerate(topics):
            route = choose_route(rule_list, ward, ward_province[ward], topic)
            unit_of[ward, index] = None if route is None else route.unit_id
    known = set(topics)
    allowed: dict[tuple[str, int, bool], tuple[int, int]] = {}
    for unit_id, _, raw in units:
        overrides = parse_unit_overrides(raw, known) if raw else None
        for index, topic in enumerate(topics):
            for urgent in (False, True):
                sla = policy.allowed(topic, urgent, overrides)
                allowed[unit_id, index, urgent] = (
                    int(calendar.length(sla.first_response).total_seconds()),
                    int(calendar.length(sla.answer).total_seconds()),
                )
    return Plan(
        topics=topics,
        topic_weights=topic_weights,
        wards=wards,
        ward_weights=ward_weights,
        ward_province=ward_province,
        ward_names=ward_names,
        unit_of=unit_of,
        allowed=allowed,
        unit_index={unit_id: n for n, (unit_id, _, _) in enumerate(units)},
        policy=policy,
    )


# ---- when tickets arrive -----------------------------------------------------------------------


def hourly_counts(
    rng: random.Random, calendar: WorkCalendar, start: int, until: int, total: int
) -> Iterator[tuple[int, int, int]]:
    """(slot start, slot length, ticket count) for each hour from ``start`` to ``until``; the counts
    follow the weekday/hour/holiday weights and add up to exactly ``total``."""
    slots: list[tuple[int, int, float]] = []
    span = max(1, until - start)
    day_noise: dict[date, float] = {}
    moment = start
    while moment < until:
        length = min(3600, until - moment)
        local = datetime.fromtimestamp(moment, calendar.tz)
        day = local.date()
        noise = day_noise.get(day)
        if noise is None:
            noise = day_noise[day] = rng.uniform(0.8, 1.2)
        weight = WEEKDAY_WEIGHTS[day.weekday()] * HOUR_WEIGHTS[local.hour] * noise
        if day in calendar.holidays:
            weight *= HOLIDAY_FACTOR
        weight *= 0.7 + 0.3 * (moment - start) / span  # use grows over the period
        slots.append((moment, length, weight * length / 3600))
        moment += length
    whole = sum(weight for _, _, weight in slots)
    offset = rng.random()
    cumulative = 0.0
    previous = math.floor(offset)
    for index, (slot, length, weight) in enumerate(slots):
        cumulative += weight
        mark = total + offset if index == len(slots) - 1 else total * cumulative / whole + offset
        current = math.floor(mark)
        yield slot, length, current - previous
        previous = current


# ---- the generator -----------------------------------------------------------------------------


def _table(weights: Sequence[float], size: int = 4096) -> list[int]:
    """A lookup table of indices, each repeated in proportion to its weight (for O(1) draws)."""
    whole = sum(weights)
    cumulative = 0.0
    table: list[int] = []
    for index, weight in enumerate(weights):
        cumulative += weight
        table.extend([index] * (round(size * cumulative / whole) - len(table)))
    return table


@dataclass(slots=True)
class _Tally:
    statuses: dict[str, int] = field(default_factory=dict)
    overdue: int = 0
    rated: int = 0


def generate(
    plan: Plan,
    rng: random.Random,
    calendar: WorkCalendar,
    start: int,
    until: int,
    tickets: int,
    citizens: Sequence[tuple[int, int]],
    stamp: Callable[[int], object],
    tally: _Tally,
    batch: int = BATCH,
) -> Iterator[list[tuple[object, ...]]]:
    """Batches of ticket rows in ``storage.repositories.seeding.TICKET_COLUMNS`` order, oldest first.

    ``citizens`` are (user id, home ward); ``stamp`` encodes UTC seconds for the database.
    """
    work = WorkClock(
        calendar,
        datetime.fromtimestamp(start, UTC).date() - timedelta(days=2),
        datetime.fromtimestamp(until, UTC).date() + timedelta(days=400),
    )
    check_deadlines(plan, work, random.Random(start), start, until)
    position, instant = work.position, work.instant
    random_, randrange, expovariate = rng.random, rng.randrange, rng.expovariate
    topic_table = _table(plan.topic_weights)
    ward_table = _table(plan.ward_weights, 16_384)
    topic_len, ward_len = len(topic_table), len(ward_table)
    topics, wards = plan.topics, plan.wards
    ward_province, unit_of, allowed, unit_index = (
        plan.ward_province,
        plan.unit_of,
        plan.allowed,
        plan.unit_index,
    )
    group_titles = {ward: f"Cộng đồng {plan.ward_names[ward]}" for ward in wards}
    ratings_on_time = _table(RATINGS_ON_TIME, 100)
    ratings_late = _table(RATINGS_LATE, 100)
    citizen_count = len(citizens)
    confidences = [round(0.35 + 0.65 * (n / 99) ** 0.5, 2) for n in range(100)]
    s_new, s_forwarded, s_assigned = TicketStatus.NEW.value, TicketStatus.FORWARDED.value, "assigned"
    s_answered, s_resolved, s_closed = "answered", "resolved", TicketStatus.CLOSED.value
    s_cancelled = TicketStatus.CANCELLED.value
    counts = dict.fromkeys((s_new, s_forwarded, s_assigned, s_answered, s_resolved, s_closed, s_cancelled), 0)
    overdue_count = rated_count = 0
    message_id = 0
    rows: list[tuple[object, ...]] = []
    append = rows.append
    day = 86_400
    for slot, length, count in hourly_counts(rng, calendar, start, until, tickets):
        if not count:
            continue
        for offset in sorted([randrange(length) for _ in range(count)]):
            created = slot + offset
            message_id += 1
            topic = topic_table[int(random_() * topic_len)]
            citizen_id, home = citizens[int(citizen_count * random_() ** 2)]
            ward = home if random_() < 0.8 else wards[ward_table[int(random_() * ward_len)]]
            urgent = random_() < URGENT_SHARE
            if random_() < 0.25:
                kind, chat, title, source, context = (
                    "group",
                    GROUP_CHAT_BASE - ward,
                    group_titles[ward],
                    "context",
                    ward,
                )
            else:
                kind, chat, title, source, context = "private", citizen_id, None, "text", None
            roll = random_()
            confidence = confidences[int(roll * 100)]
            unit = unit_of[ward, topic]
            created_s = stamp(created)
            if unit is None:
                status = s_new
                counts[status] += 1
                append((
                    citizen_id, kind, chat, message_id, title, "vi", status, topics[topic], confidence,
                    confidence < 0.4, urgent, ward_province[ward], ward, "[]", source, context, False,
                    None, created_s, created_s, None, None, None, None, None, None, None, None, False, 0,
                    None, None, None,
                ))  # fmt: skip
            else:
                first_allowed, answer_allowed = allowed[unit, topic, urgent]
                begun = position(created)
                first_due = instant(begun + first_allowed)
                answer_due = instant(begun + answer_allowed)
                forwarded = created + 1 + int(random_() * 4)
                # What will happen, then what has happened by ``until``.
                roll = random_()
                closed = resolved = rated = answered = first = -1
                verdict: bool | None = None
                rating = None
                if roll < 0.015:  # withdrawn by the citizen
                    closed = forwarded + 600 + int(expovariate(1 / 86_400))
                    status_if_closed = s_cancelled
                    first = closed + 1 if random_() < 0.5 else instant(begun + int(first_allowed * random_()))
                elif roll < 0.055:  # never answered
                    status_if_closed = s_closed
                    if random_() < 0.6:
                        first = instant(begun + int(first_allowed * (0.2 + random_())))
                else:
                    status_if_closed = s_closed
                    share = 0.08 + 0.88 * random_() ** 1.3 if random_() < 0.86 else 1.0 + expovariate(2.0)
                    answered = instant(begun + int(answer_allowed * share))
                    early = 0.05 + 0.9 * random_() ** 1.5 if random_() < 0.9 else 1.0 + expovariate(2.5)
                    first = min(answered, instant(begun + int(first_allowed * early)))
                    late = answered > answer_due
                    roll = random_()
                    if roll < 0.62:  # the citizen says it is resolved
                        verdict = True
                        resolved = answered + 300 + int(expovariate(1 / 21_600))
                        closed = resolved + 3 * day
                        if random_() < 0.8:
                            rated = resolved + int(random_() * 600)
                            rating = 1 + (ratings_late if late else ratings_on_time)[int(random_() * 100)]
                    elif roll < 0.72:  # the citizen says it is not; staff close it after a review
                        said = answered + 300 + int(expovariate(1 / 21_600))
                        closed = said + 2 * day + int(expovariate(1 / (2 * day)))
                        verdict = False if said <= until else None
                    else:  # no verdict: closed automatically after a week
                        closed = answered + 7 * day
                if 0 <= closed <= until:
                    status = status_if_closed
                elif 0 <= resolved <= until:
                    status = s_resolved
                elif 0 <= answered <= until:
                    status = s_answered
                elif 0 <= first <= until:
                    status = s_assigned
                else:
                    status = s_forwarded
                counts[status] += 1
                answered_at = answered if 0 <= answered <= until else -1
                if status == s_cancelled:
                    overdue = answer_due < closed
                else:
                    overdue = answer_due < (until if answered_at < 0 else answered_at)
                overdue_count += overdue
                first_at = first if 0 <= first <= until and (first <= closed or closed < 0) else -1
                if not 0 <= resolved <= until:
                    resolved = -1
                    if verdict is True:
                        verdict = None
                if rated > until or rated < 0:
                    rated, rating = -1, None
                else:
                    rated_count += 1
                append((
                    citizen_id, kind, chat, message_id, title, "vi", status, topics[topic], confidence,
                    confidence < 0.4, urgent, ward_province[ward], ward, "[]", source, context, False,
                    unit, created_s, created_s, stamp(forwarded),
                    stamp(answered_at) if answered_at >= 0 else None,
                    OFFICIAL_ID_BASE + unit_index[unit] * 100 + (message_id % 3) if first_at >= 0 else None,
                    stamp(first_due), stamp(answer_due),
                    stamp(first_at) if first_at >= 0 else None,
                    stamp(resolved) if resolved >= 0 else None,
                    stamp(closed) if 0 <= closed <= until else None,
                    overdue, 1 if overdue else 0, verdict, rating,
                    stamp(rated) if rated >= 0 else None,
                ))  # fmt: skip
            if len(rows) >= batch:
                yield rows
                rows = []
                append = rows.append
    if rows:
        yield rows
    tally.statuses = {name: n for name, n in counts.items() if n}
    tally.overdue, tally.rated = overdue_count, rated_count


def make_citizens(rng: random.Random, plan: Plan, count: int) -> list[tuple[int, int]]:
    """(user id, home ward) for ``count`` synthetic citizens; their wards follow the ward weights."""
    table = _table(plan.ward_weights, 16_384)
    return [(CITIZEN_ID_BASE + n + 1, plan.wards[table[rng.randrange(len(table))]]) for n in range(count)]


def citizen_count(tickets: int) -> int:
    return max(1, min(MAX_CITIZENS, tickets // 20 or 1))


def check_deadlines(
    plan: Plan, work: WorkClock, rng: random.Random, start: int, until: int, samples: int = 40
) -> None:
    """Raise ``AssertionError`` unless the flattened clock gives ``SlaPolicy.due``'s times on samples."""
    for _ in range(samples):
        created = rng.randrange(start, until)
        topic = rng.randrange(len(plan.topics))
        urgent = rng.random() < 0.3
        unit = next(iter(plan.unit_index))
        first_allowed, answer_allowed = plan.allowed[unit, topic, urgent]
        sla = plan.policy.allowed(plan.topics[topic], urgent, None)
        if plan.policy.calendar.length(sla.answer).total_seconds() != answer_allowed:
            continue  # the unit overrides the taxonomy: compare with the plain policy only
        due = plan.policy.due(plan.topics[topic], urgent, None, datetime.fromtimestamp(created, UTC))
        begun = work.position(created)
        if (int(due.first_response_due.timestamp()), int(due.answer_due.timestamp())) != (
            work.instant(begun + first_allowed),
            work.instant(begun + answer_allowed),
        ):
            raise AssertionError(f"working-time arithmetic disagrees with SlaPolicy.due at {created}")


# ---- the entry point ---------------------------------------------------------------------------


async def seed(
    database: Database,
    *,
    tickets: int,
    weeks: int,
    seed: int,
    until: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
    calendar: WorkCalendar | None = None,
    classifier: TopicClassifier | None = None,
    rebuild_indexes: bool | None = None,
) -> SeedSummary:
    """Add ``tickets`` synthetic tickets created over the ``weeks`` weeks before ``until`` (see the
    module docstring). ``progress(done, total)`` is called after each batch.

    ``rebuild_indexes`` (default: for a load of ``REBUILD_FROM`` tickets or more that at least doubles
    the table) drops the tickets' indexes and foreign keys during the load and builds them after, in
    the same transaction; it locks the table meanwhile (see ``bulk_insert_tickets``).
    """
    if tickets < 0 or weeks < 1:
        raise ValueError("tickets must be ≥ 0 and weeks ≥ 1")
    started = clock.perf_counter()
    end = until or datetime.now(UTC)
    if end.tzinfo is None:
        raise ValueError("until must be timezone-aware")
    end_s = int(end.timestamp())
    start_s = end_s - weeks * 7 * 86_400
    calendar = calendar or WorkCalendar.load()
    classifier = classifier or TopicClassifier.load()
    rng = random.Random(seed)

    units, rules = await store.load_org(database)
    units_created = 0
    if not units:
        from bot.org.loader import import_org

        ward_province, ward_names, _ = _ward_provinces()
        org = await import_org(database, demo_org_yaml(ward_province, ward_names))
        units_created = org.units_created
        units, rules = await store.load_org(database)
    plan = make_plan(
        rng,
        [(unit.id, unit.locality_code, unit.sla or {}) for unit in units],
        [(rule.locality, rule.topic, rule.unit_id) for rule in rules],
        calendar,
        classifier,
    )
    citizens = make_citizens(rng, plan, citizen_count(tickets))
    joined = datetime.fromtimestamp(start_s, UTC)
    citizens_added = await store.insert_citizens(
        database,
        [
            {
                "user_id": user_id,
                "display_name": f"Công dân {user_id - CITIZEN_ID_BASE}",
                "username": None,
                "language": "vi",
                "anonymous": False,
                "saved_ward_code": ward,
                "unreachable": False,
                "started_at": joined,
                "created_at": joined,
            }
            for user_id, ward in citizens
        ],
    )
    tally = _Tally()
    batches = generate(
        plan, rng, calendar, start_s, end_s, tickets, citizens, store.time_encoder(database), tally
    )
    if rebuild_indexes is None:
        rebuild_indexes = tickets >= REBUILD_FROM and tickets >= await store.ticket_count(database)
    written = await store.bulk_insert_tickets(
        database,
        batches,
        None if progress is None else (lambda done: progress(done, tickets)),
        rebuild_indexes=rebuild_indexes,
    )
    return SeedSummary(
        tickets=written,
        citizens_added=citizens_added,
        units_created=units_created,
        provinces=tuple(sorted({plan.ward_province[w] for w in plan.wards})),
        wards=len(plan.wards),
        start=datetime.fromtimestamp(start_s, UTC),
        until=datetime.fromtimestamp(end_s, UTC),
        seconds=clock.perf_counter() - started,
        statuses=tally.statuses,
        overdue=tally.overdue,
        rated=tally.rated,
    )
