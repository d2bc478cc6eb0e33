"""The citizen's verdict on a resolved ticket: Yes closes, No reopens and escalates, a rating is kept."""

from __future__ import annotations

from datetime import UTC, timedelta

from bot.services.verdicts import VerdictResult
from bot.sla import SlaSweeper
from storage.models import TicketStatus
from tests.closing.conftest import LAMP, Closing, texts
from tests.support.org import COMMUNE_CHAT, LAN, PROVINCE_CHAT, STRANGER


async def test_yes_from_the_author_closes_the_ticket_and_tells_the_unit(closing: Closing) -> None:
    number = await closing.report(LAN, LAMP)
    await closing.set_status(number, TicketStatus.RESOLVED)
    mark = await closing.last_outbox_id()

    assert (await closing.verdicts.resolved(number, STRANGER, True)).result is VerdictResult.NOT_YOURS
    assert (await closing.ticket(number)).status == TicketStatus.RESOLVED

    assert (await closing.verdicts.resolved(number, LAN, True)).result is VerdictResult.CLOSED
    ticket = await closing.ticket(number)
    assert ticket.status == TicketStatus.CLOSED and ticket.citizen_resolved is True
    assert ticket.closed_at is not None
    assert "citizen_confirmed" in await closing.actions(number)
    [notice] = texts(await closing.outbox(COMMUNE_CHAT, since=mark))
    assert f"#{number}" in notice and "đã được giải quyết" in notice

    assert (await closing.verdicts.resolved(number, LAN, True)).result is VerdictResult.UNCHANGED
    assert (await closing.verdicts.resolved(number, LAN, False)).result is VerdictResult.NOT_RESOLVED
    assert (await closing.ticket(number)).status == TicketStatus.CLOSED


async def test_no_reopens_escalates_and_sends_the_card_to_the_parent_unit(closing: Closing) -> None:
    number = await closing.report(LAN, LAMP)
    await closing.set_status(number, TicketStatus.RESOLVED)
    mark = await closing.last_outbox_id()

    assert (await closing.verdicts.resolved(number, LAN, False)).result is VerdictResult.REOPENED
    ticket = await closing.ticket(number)
    assert ticket.status == TicketStatus.ASSIGNED
    assert ticket.escalation_level == 1 and ticket.citizen_resolved is False and ticket.resolved_at is None
    assert "reopened" in await closing.actions(number)

    parent = texts(await closing.outbox(PROVINCE_CHAT, since=mark))
    assert any("CHƯA được giải quyết" in text for text in parent)
    assert any(f"Phản ánh #{number}" in text for text in parent), "the card itself goes to the parent"
    assert any("CHƯA" in text for text in texts(await closing.outbox(COMMUNE_CHAT, since=mark)))
    [told] = texts(await closing.outbox(LAN, since=mark))
    assert "mở lại" in told

    assert (await closing.verdicts.resolved(number, LAN, False)).result is VerdictResult.UNCHANGED
    assert (await closing.ticket(number)).escalation_level == 1


async def test_a_verdict_on_a_ticket_not_resolved_changes_nothing(closing: Closing) -> None:
    number = await closing.report(LAN, LAMP)
    assert (await closing.verdicts.resolved(number, LAN, False)).result is VerdictResult.NOT_RESOLVED
    assert (await closing.verdicts.rate(number, LAN, 5)).result is VerdictResult.NOT_RESOLVED
    ticket = await closing.ticket(number)
    assert ticket.status == TicketStatus.FORWARDED and ticket.rating is None and ticket.escalation_level == 0


async def test_the_rating_is_stored_and_a_later_one_replaces_it(closing: Closing) -> None:
    number = await closing.report(LAN, LAMP)
    await closing.set_status(number, TicketStatus.RESOLVED)

    assert (await closing.verdicts.rate(number, STRANGER, 1)).result is VerdictResult.NOT_YOURS
    assert (await closing.verdicts.rate(number, LAN, 6)).result is VerdictResult.INVALID
    assert (await closing.verdicts.rate(number, LAN, 4)).result is VerdictResult.RATED
    ticket = await closing.ticket(number)
    assert ticket.rating == 4 and ticket.rated_at is not None

    assert (await closing.verdicts.resolved(number, LAN, True)).result is VerdictResult.CLOSED
    assert (await closing.verdicts.rate(number, LAN, 4)).result is VerdictResult.UNCHANGED
    assert (await closing.verdicts.rate(number, LAN, 5)).result is VerdictResult.RATED, "rating after Yes"
    assert (await closing.ticket(number)).rating == 5
    assert (await closing.actions(number)).count("rated") == 2


async def test_a_reopened_ticket_gets_a_fresh_deadline_and_is_not_escalated_again_at_once(
    closing: Closing,
) -> None:
    number = await closing.report(LAN, LAMP)
    first_due = (await closing.ticket(number)).answer_due
    assert first_due is not None
    await closing.set_status(number, TicketStatus.RESOLVED)
    reopened_at = first_due + timedelta(days=20)
    closing.core.clock = lambda: reopened_at
    await closing.verdicts.resolved(number, LAN, False)
    ticket = await closing.ticket(number)
    assert ticket.answer_due is not None and ticket.answer_due > reopened_at
    assert ticket.overdue is False

    mark = await closing.last_outbox_id()
    report = await SlaSweeper(closing.core, closing.forwarding).run(reopened_at + timedelta(minutes=1))
    assert report.escalations == 0 and report.overdue == 0
    assert not texts(await closing.outbox(PROVINCE_CHAT, since=mark))

    late = ticket.answer_due + timedelta(minutes=1)
    report = await SlaSweeper(closing.core, closing.forwarding).run(late.astimezone(UTC))
    assert report.overdue == 1, "the new round has its own deadline and is marked overdue when it passes"
