"""A hand-built history around ISO week 2026-W48 (Monday 23/11 – Sunday 29/11/2026, local time).

Tuesday 24/11/2026 is a public holiday (Ngày Văn hóa Việt Nam): no working time that day. Office hours
are 07:30–11:30 and 13:30–17:00 (7.5 h a day). The organisation::

    tinh (province)
    ├── xa-a (commune A, ward 100) ── xa-a-ca (its police post)
    └── xa-b (commune B, ward 200)

Admins: user 1 global; user 2 of xa-a; user 3 of xa-b; user 4 nothing. Every expected figure in the tests
is worked out by hand in the comments below.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from storage.database import Database
from storage.models import Admin, Citizen, Ticket, Unit, UnitAdmin

VN = ZoneInfo("Asia/Ho_Chi_Minh")
CITIZEN = 555_000_111
CITIZEN_NAME = "Nguyễn Văn Bí Mật"
CITIZEN_USERNAME = "bimat_citizen"


def local(day: int, month: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, second, tzinfo=VN)


def nov(day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return local(day, 11, hour, minute, second)


# number → fields. Working times (first response, resolution) are in the comments.
TICKETS: dict[int, dict[str, Any]] = {
    # Sunday 23:59:59 of W47: received in W47; answered Monday W48 within its deadline (Wed 25 17:00).
    # First response Mon 08:00: working time 07:30–08:00 = 0.5 h. Still open (answered, not resolved).
    1: dict(
        unit_id="xa-a",
        topic="electricity",
        ward_code=100,
        status="answered",
        created_at=nov(22, 23, 59, 59),
        first_response_at=nov(23, 8),
        answered_at=nov(23, 9),
        answer_due=nov(25, 17),
    ),
    # Monday 00:00 of W48, urgent, due Mon 11:30, answered late on Wed. First response Mon 10:30: 3 h.
    # Resolved Wed 15:00: Mon 7.5 h + Tue (holiday) 0 + Wed 4 h + 1.5 h = 13 h (20.5 h without the holiday).
    2: dict(
        unit_id="xa-a",
        topic="electricity",
        ward_code=100,
        status="resolved",
        urgent=True,
        created_at=nov(23),
        first_response_at=nov(23, 10, 30),
        answer_due=nov(23, 11, 30),
        answered_at=nov(25, 10),
        resolved_at=nov(25, 15),
        citizen_resolved=False,
        rating=2,
        rated_at=nov(26, 9),
    ),
    # W47, the police post's, due Fri 27 10:00 (W48), never answered: overdue at the end of W48 only.
    3: dict(
        unit_id="xa-a-ca",
        topic="transport",
        ward_code=100,
        status="forwarded",
        urgent=True,
        created_at=nov(20, 10),
        answer_due=nov(27, 10),
    ),
    # Created on the holiday. First response Wed 08:30: 1 h. Resolved Thu 16:00: Wed 7.5 h + Thu 6.5 h = 14 h.
    # Due Monday 30/11 (W49): not in W48's on-time figures. Closed on Friday.
    4: dict(
        unit_id="xa-a",
        topic="transport",
        ward_code=100,
        status="closed",
        created_at=nov(24, 9),
        first_response_at=nov(25, 8, 30),
        answered_at=nov(25, 14),
        answer_due=nov(30, 10),
        resolved_at=nov(26, 16),
        closed_at=nov(27, 8),
        citizen_resolved=True,
        rating=5,
        rated_at=nov(27, 8),
    ),
    # Saturday evening, no ward, no deadline yet.
    5: dict(unit_id="xa-a", topic="environment", ward_code=None, status="new", created_at=nov(28, 20)),
    # All of it in W47 (received, answered on time, resolved, rated): only in the previous period.
    6: dict(
        unit_id="xa-a",
        topic="electricity",
        ward_code=100,
        status="resolved",
        created_at=nov(16, 9),
        first_response_at=nov(16, 10),
        answered_at=nov(19, 9),
        answer_due=nov(20, 9),
        resolved_at=nov(20, 10),
        citizen_resolved=True,
        rating=4,
        rated_at=nov(21, 9),
    ),
    # Merged into #2: never counted anywhere.
    7: dict(
        unit_id="xa-a",
        topic="electricity",
        ward_code=100,
        status="merged",
        created_at=nov(24, 10),
        answer_due=nov(26, 10),
        answered_at=nov(25, 10),
        resolved_at=nov(25, 15),
        rating=1,
        rated_at=nov(26, 9),
        first_response_at=nov(24, 11),
    ),
    # Cancelled by the citizen: received, but neither due (on-time) nor open.
    8: dict(
        unit_id="xa-a",
        topic="other",
        ward_code=100,
        status="cancelled",
        created_at=nov(25, 10),
        closed_at=nov(25, 11),
        answer_due=nov(27, 10),
    ),
    # W46, due Mon 16/11 (W47), never answered, resolved only on Monday 30/11 09:00 (after W48):
    # open and overdue at the end of both W47 and W48 although its status now is "resolved".
    9: dict(
        unit_id="xa-a",
        topic="transport",
        ward_code=100,
        status="resolved",
        created_at=nov(9, 9),
        answer_due=nov(16, 9),
        resolved_at=nov(30, 9),
    ),
    # Commune B. Sunday 23:59:59: in W48. Monday 00:00 (#11): in W49.
    10: dict(unit_id="xa-b", topic="water", ward_code=200, status="new", created_at=nov(29, 23, 59, 59)),
    11: dict(unit_id="xa-b", topic="water", ward_code=200, status="new", created_at=nov(30)),
    # First response Wed 09:30: 0.5 h; answered on time; resolved Fri 11:00: Wed 6 h + Thu 7.5 h + Fri 3.5 h = 17 h.
    12: dict(
        unit_id="xa-b",
        topic="water",
        ward_code=200,
        status="resolved",
        created_at=nov(25, 9),
        first_response_at=nov(25, 9, 30),
        answered_at=nov(25, 16),
        answer_due=nov(26, 9),
        resolved_at=nov(27, 11),
        citizen_resolved=True,
        rating=4,
        rated_at=nov(28, 10),
    ),
    # Not routed to any unit yet: only a global admin sees it.
    13: dict(unit_id=None, topic="other", ward_code=None, status="new", created_at=nov(26, 10)),
}


async def build_history(database: Database) -> None:
    async with database.transaction() as session:
        session.add(Citizen(user_id=CITIZEN, display_name=CITIZEN_NAME, username=CITIZEN_USERNAME))
        session.add(Unit(id="tinh", name="UBND Tỉnh", locality_code=1, parent_id=None))
        await session.flush()
        session.add_all(
            [
                Unit(id="xa-a", name="UBND Xã A <b>", locality_code=100, parent_id="tinh"),
                Unit(id="xa-b", name="UBND Xã B", locality_code=200, parent_id="tinh"),
            ]
        )
        await session.flush()
        session.add(Unit(id="xa-a-ca", name="Công an Xã A", locality_code=100, parent_id="xa-a"))
        session.add_all(
            [Admin(user_id=1), UnitAdmin(user_id=2, unit_id="xa-a"), UnitAdmin(user_id=3, unit_id="xa-b")]
        )
        await session.flush()
        for number, fields in TICKETS.items():
            session.add(
                Ticket(
                    id=number,
                    citizen_id=CITIZEN,
                    source_kind="private",
                    source_chat_id=CITIZEN,
                    source_message_id=1000 + number,
                    last_message_at=fields["created_at"],
                    **fields,
                )
            )
        await session.flush()
