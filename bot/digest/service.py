"""Build a digest's figures for one scope and period from the database."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime

from bot.digest.figures import (
    OLDEST_OPEN,
    URGENT_LIMIT,
    Counts,
    DigestFigures,
    TicketAge,
    UnitRow,
    WorkClock,
    age_at,
    league,
    median_hours,
    ranked,
    working_times,
)
from bot.digest.period import Period
from bot.digest.scope import Scope, reader_scope, unit_scope
from bot.workflow.worktime import WorkCalendar
from storage.database import Database
from storage.repositories.digests import DigestRepository, TicketRow

log = logging.getLogger(__name__)


class UnknownUnit(LookupError):
    """A digest was asked for a unit that does not exist."""


class DigestService:
    def __init__(self, database: Database, calendar: WorkCalendar | None = None) -> None:
        self.database = database
        self.calendar = calendar or WorkCalendar.load()
        self._clock = WorkClock(self.calendar)

    async def scope_of_unit(self, unit_id: str) -> Scope:
        """The unit and every unit below it; ``UnknownUnit`` when there is no such unit."""
        async with self.database.session() as session:
            parents = await DigestRepository(session).unit_parents()
        if unit_id not in parents:
            raise UnknownUnit(unit_id)
        return unit_scope(parents, [unit_id])

    async def unit_name(self, unit_id: str) -> str | None:
        async with self.database.session() as session:
            return (await DigestRepository(session).unit_names([unit_id])).get(unit_id)

    async def scope_of_reader(self, user_id: int, extra_admin_ids: frozenset[int] = frozenset()) -> Scope:
        """What ``user_id`` may see: everything for a global admin, else the units they administer and below."""
        async with self.database.session() as session:
            repository = DigestRepository(session)
            is_global = user_id in extra_admin_ids or await repository.is_global_admin(user_id)
            administered = set() if is_global else await repository.administered_units(user_id)
            parents = await repository.unit_parents() if administered else {}
        return reader_scope(parents, is_global, administered)

    async def build(
        self, scope: Scope, period: Period, now: datetime | None = None, scope_unit_id: str | None = None
    ) -> DigestFigures:
        """Every figure of the digest of ``scope`` over ``period`` (meanings: ``bot.digest.figures``)."""
        started = time.perf_counter()
        now = now or datetime.now(UTC)
        start, end = period.start, period.end
        previous = period.previous
        as_of = min(end, now)
        ids = scope.unit_ids
        async with self.database.session() as session:
            repo = DigestRepository(session)
            received_by_unit = await repo.received_by_unit(ids, start, end)
            answered_by_unit = await repo.answered_by_unit(ids, start, end)
            due_by_unit = await repo.due_by_unit(ids, start, end)
            (open_now, overdue_now), (open_before, overdue_before) = await repo.open_at(
                ids, [end, previous.end]
            )
            current = Counts(
                received=sum(received_by_unit.values()),
                answered=sum(answered_by_unit.values()),
                resolved=await repo.resolved(ids, start, end),
                open=open_now,
                overdue=overdue_now,
            )
            before = Counts(
                received=await repo.received(ids, previous.start, previous.end),
                answered=await repo.answered(ids, previous.start, previous.end),
                resolved=await repo.resolved(ids, previous.start, previous.end),
                open=open_before,
                overdue=overdue_before,
            )
            by_topic = await repo.received_by_topic(ids, start, end)
            by_ward = await repo.received_by_ward(ids, start, end)
            first_responses = await repo.first_responses(ids, start, end)
            resolutions = await repo.resolutions(ids, start, end)
            rating_count, rating_sum = await repo.ratings(ids, start, end)
            verdict_count, not_resolved = await repo.verdicts(ids, start, end)
            urgent_count, urgent_rows = await repo.urgent_received(ids, start, end, URGENT_LIMIT)
            oldest_rows = await repo.oldest_open(ids, end, OLDEST_OPEN)
            unit_ids = {u for u in (*received_by_unit, *answered_by_unit, *due_by_unit) if u is not None}
            names = await repo.unit_names(unit_ids)
        units = league(
            UnitRow(
                id=unit_id,
                name=names.get(unit_id, unit_id),
                received=received_by_unit.get(unit_id, 0),
                answered=answered_by_unit.get(unit_id, 0),
                due=due_by_unit.get(unit_id, (0, 0))[0],
                on_time=due_by_unit.get(unit_id, (0, 0))[1],
            )
            for unit_id in unit_ids
        )
        due = sum(count for count, _ in due_by_unit.values())
        on_time = sum(count for _, count in due_by_unit.values())
        figures = DigestFigures(
            first_day=period.first_day,
            last_day=period.last_day,
            week=period.iso_week,
            scope_unit_id=scope_unit_id,
            as_of=as_of,
            current=current,
            previous=before,
            due=due,
            on_time=on_time,
            median_first_response_hours=median_hours(working_times(self._clock, first_responses)),
            first_response_count=len(first_responses),
            median_resolution_hours=median_hours(working_times(self._clock, resolutions)),
            resolution_count=len(resolutions),
            rating_count=rating_count,
            rating_sum=rating_sum,
            verdict_count=verdict_count,
            not_resolved_count=not_resolved,
            by_topic=ranked(by_topic),
            by_ward=ranked({code: n for code, n in by_ward.items() if code is not None}),
            no_ward=by_ward.get(None, 0),
            units=units,
            urgent=tuple(_aged(row, as_of) for row in urgent_rows),
            urgent_count=urgent_count,
            oldest_open=tuple(_aged(row, as_of) for row in oldest_rows),
            scope_units=None if scope.unit_ids is None else tuple(sorted(scope.unit_ids)),
        )
        log.info(
            "digest built: period %s, scope %s (%s units), %d received, %.0f ms",
            period.label(),
            scope_unit_id or ("all" if scope.unit_ids is None else "units"),
            "all" if scope.unit_ids is None else len(scope.unit_ids),
            current.received,
            (time.perf_counter() - started) * 1000,
        )
        return figures


def _aged(row: TicketRow, as_of: datetime) -> TicketAge:
    return TicketAge(
        id=row.id,
        created_at=row.created_at,
        age=age_at(as_of, row.created_at),
        status=row.status,
        topic=row.topic,
        unit_id=row.unit_id,
        ward_code=row.ward_code,
    )


__all__ = ["DigestService", "UnknownUnit"]
