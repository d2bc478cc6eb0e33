"""Importing and exporting the organisation file against a database, in one transaction each."""

from __future__ import annotations

from bot.org.export import dump_org
from bot.org.parse import Problem, parse_org
from bot.org.spec import ImportSummary
from storage.database import Database
from storage.repositories.org import OrgRepository


class OrgRejected(Exception):
    """Validation failed: the import's transaction is rolled back and nothing changes."""

    def __init__(self, problems: tuple[Problem, ...]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


async def import_org(database: Database, text: str) -> ImportSummary:
    """Validate ``text`` against what the database holds, then upsert it; raises ``OrgRejected``."""
    async with database.transaction() as session:
        repository = OrgRepository(session)
        result = parse_org(text, await repository.known())
        if not result.ok:
            raise OrgRejected(result.problems)
        return await repository.apply(result.spec)


async def export_org(database: Database) -> str:
    async with database.transaction() as session:
        return dump_org(await OrgRepository(session).export())
