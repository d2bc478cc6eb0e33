"""Shared helpers of the organisation tests: the documented example file and a database snapshot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from storage.database import Database
from storage.models import Admin, CommunityGroup, InviteCode, Official, RoutingRule, Unit

EXAMPLE = Path(__file__).with_name("example.yaml")
ORG_TABLES = (Unit, Official, Admin, RoutingRule, CommunityGroup, InviteCode)


@pytest.fixture
def example() -> str:
    return EXAMPLE.read_text(encoding="utf-8")


async def org_state(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the organisation tables, as sorted tuples: equal snapshots mean nothing changed."""
    state: dict[str, list[tuple[Any, ...]]] = {}
    async with db.session() as session:
        for model in ORG_TABLES:
            columns = [column.key for column in model.__table__.columns]
            rows = await session.scalars(select(model))
            state[model.__tablename__] = sorted(
                (tuple(getattr(row, column) for column in columns) for row in rows), key=repr
            )
    return state
