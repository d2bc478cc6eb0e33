"""Corrections by staff and citizens, exported as labelled examples in the dev-set format.

Admins grow their own evaluation set from them: ``doithoai tagger corrections --export > mine.jsonl``
then ``doithoai tagger eval mine.jsonl``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.services.base import UnitOfWork
from bot.tagging import Tagger
from storage.database import Database
from storage.models import CorrectionExample, MessageRole, Ticket
from storage.repositories.tickets import TicketRepository


async def store_correction(
    work: UnitOfWork, ticket: Ticket, field: str, old: str | None, new: str, actor_id: int
) -> None:
    """Keep a topic or place correction (a labelled example for the tagger) and audit it as ``retagged``."""
    said = await work.tickets.messages(ticket.id, MessageRole.CITIZEN)
    text = " ".join(message.text for message in said if message.text)
    await work.tickets.add_correction(ticket.id, text, field, old, new, actor_id)
    await work.tickets.record(ticket.id, "retagged", actor_id, field=field, old=old, new=new)


async def export_corrections(database: Database, tagger: Tagger) -> list[dict[str, Any]]:
    async with database.transaction() as session:
        corrected = await TicketRepository(session).corrected_tickets()
    return [as_example(ticket, corrections, tagger) for ticket, corrections in corrected]


def as_example(ticket: Ticket, corrections: Sequence[CorrectionExample], tagger: Tagger) -> dict[str, Any]:
    """The ticket's text labelled with its topic and place as they stand after the corrections."""
    example: dict[str, Any] = {
        "id": ticket.id,
        "text": corrections[0].text,
        "topic": ticket.topic,
        "urgent": ticket.urgent,
        "expect": {
            "province_code": ticket.province_code,
            "ward_codes": [ticket.ward_code] if ticket.ward_code is not None else [],
        },
    }
    if ticket.context_ward_code is not None:
        example["context"] = {
            "province_code": tagger.localities.province_of_ward(ticket.context_ward_code),
            "ward_code": ticket.context_ward_code,
        }
    example["corrections"] = [
        {
            "field": c.field,
            "old": c.old_value,
            "new": c.new_value,
            "by": c.actor_id,
            "at": c.created_at.isoformat(),
        }
        for c in corrections
    ]
    return example
