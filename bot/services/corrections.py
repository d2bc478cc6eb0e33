"""Corrections by staff and citizens, exported as labelled examples in the dev-set format.

Admins grow their own evaluation set from them: ``doithoai tagger corrections --export > mine.jsonl``
then ``doithoai tagger eval mine.jsonl``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.tagging import Tagger
from storage.database import Database
from storage.models import CorrectionExample, Ticket
from storage.repositories.tickets import TicketRepository


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
