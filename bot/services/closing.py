"""Closing the loop: when a ticket is resolved the citizen is asked whether it really is, and to rate it."""

from __future__ import annotations

from bot.i18n import N_, render
from bot.keyboards import verdict_keyboard
from bot.services.base import UnitOfWork
from bot.services.forwarding import Forwarding
from storage.models import LinkKind, Ticket

VERDICT_QUESTION = N_(
    "Reflection #{number}: is the problem solved? Please also rate how it was handled (1–5 ⭐)."
)


async def ask_for_verdict(work: UnitOfWork, forwarding: Forwarding, ticket: Ticket) -> None:
    """Enqueue the question, in the citizen's language, where the citizen asked."""
    text = render(ticket.language, VERDICT_QUESTION, number=ticket.id)
    await forwarding.reply_to_citizen(
        work,
        ticket,
        ticket.source_message_id,
        text,
        LinkKind.QUESTION,
        verdict_keyboard(ticket.id, ticket.language),
    )
