"""A citizen's correction becomes a labelled example that `doithoai tagger eval` can read."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from bot.services.base import Core
from bot.services.citizens import CitizenService, Correction
from bot.services.forwarding import Forwarding
from bot.services.incoming import ChatKind, IncomingMessage, Person
from bot.services.intake import IntakeService
from bot.tagging import get_tagger
from config.settings import Settings
from storage.database import Database

TEXT = "Nhà văn hóa thôn 3 xã Hội Sơn, huyện Anh Sơn xuống cấp, mưa là dột."


async def test_a_topic_correction_is_exported_in_the_dev_set_format(
    db: Database,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    core = Core(db, get_tagger(), Settings(database_url=database_url))
    forwarding = Forwarding(core)
    lan = Person(id=501, display_name="Lan", language_code="vi")
    message = IncomingMessage(
        chat_id=501,
        chat_kind=ChatKind.PRIVATE,
        message_id=1,
        author=lan,
        sent_at=datetime.now(UTC),
        text=TEXT,
    )
    outcome = await IntakeService(core, forwarding).receive(message)
    assert outcome.ticket_id is not None
    original = get_tagger().tag(TEXT).topic
    corrected = "education" if original != "education" else "construction"
    citizens = CitizenService(core, forwarding)
    assert await citizens.set_topic(outcome.ticket_id, 999, corrected) is Correction.NOT_ALLOWED
    assert await citizens.set_topic(outcome.ticket_id, 501, corrected) is Correction.DONE

    monkeypatch.setenv("DATABASE_URL", database_url)
    out = tmp_path / "corrections.jsonl"
    assert await asyncio.to_thread(main, ["tagger", "corrections", "--export", "--out", str(out)]) == 0
    [line] = out.read_text(encoding="utf-8").splitlines()
    example = json.loads(line)
    assert example["text"] == TEXT and example["topic"] == corrected
    assert example["expect"] == {"province_code": 40, "ward_codes": [17357]}
    assert example["corrections"][0]["old"] == original and example["corrections"][0]["by"] == 501

    capsys.readouterr()
    assert await asyncio.to_thread(main, ["tagger", "eval", str(out), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["examples"] == 1
