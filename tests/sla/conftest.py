from __future__ import annotations

import pytest

from storage.database import Database
from tests.sla.helpers import Env, at, setup_env


@pytest.fixture
async def env(db: Database) -> Env:
    return await setup_env(db, at("2026-12-01 09:00"))
