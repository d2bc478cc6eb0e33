"""Officials' actions on a ticket: take it, reassign it, retag it, ask the citizen, note, mark it done.

Every action loads the ticket for update, checks on the server that the person may act on it (officials of
the handling unit or of a unit above it, and admins), asks the state table whether the action is allowed
*before* changing anything, applies it, records it in the audit table and owes its messages to the outbox
in the same transaction. Nothing a button carries is trusted: a ticket number and a value, re-checked here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from bot.i18n import N_, render
from bot.routing import choose_route
from bot.services.answers import SETTLE_WITHIN, AnswerService
from bot.services.base import Core, ServiceBase, UnitOfWork
from bot.services.closing import ask_for_verdict
from bot.services.corrections import store_correction
from bot.services.forwarding import Forwarding
from bot.services.incoming import IncomingMessage, Person
from bot.services.places import find_places
from bot.workflow.states import OPEN_STATES, Action, IllegalTransition, TicketState, transition
from storage.models import LinkKind, MessageRole, SourceKind, Ticket, TicketEvent, TicketMessage, utcnow

MAX_PLACE_CHOICES = 6
HISTORY_ITEM_MAX = 600
HISTORY_MAX = 3500

TAKEN_FOR_CITIZEN = N_("🙋 {unit} has taken up your reflection #{number} and is handling it.")
TAKEN_FOR_STAFF = N_("🙋 {name} is handling reflection #{number}.")
QUESTION_FOR_CITIZEN = N_(
    "❓ {unit} asks about your reflection #{number}:\n\n{question}\n\n↩️ Reply to this message to answer."
)
QUESTION_SENT = N_("❓ Question sent to the citizen (reflection #{number}); their reply will appear here.")
NOTE_SAVED = N_("📝 Internal note saved on reflection #{number}; the citizen does not see it.")
RESOLVED_FOR_CITIZEN = N_("✅ {unit} has marked your reflection #{number} as resolved.")
RESOLUTION = N_("Result: {note}")
RESOLVED_FOR_STAFF = N_("✅ Reflection #{number} marked done by {name}.")
RETAGGED_TOPIC = N_("🏷 {name} changed the topic of reflection #{number} to {value}.")
RETAGGED_PLACE = N_("📍 {name} changed the place of reflection #{number} to {value}.")
HISTORY_TITLE = N_("🗂 <b>Earlier on reflection #{number}</b>")
HISTORY_ANSWER = N_("💬 Answer: {text}")
HISTORY_NOTE = N_("📝 Note: {text}")
HISTORY_QUESTION = N_("❓ Asked the citizen: {text}")
NOT_TEXT = N_("(a {kind})")


class Result(StrEnum):
    DONE = "done"
    NOT_A_TICKET = "not_a_ticket"
    NOT_ALLOWED = "not_allowed"
    REFUSED = "refused"
    """The state table refuses the action; ``reason`` says why."""
    INVALID = "invalid"
    """An unknown unit, topic or place."""
    UNCHANGED = "unchanged"
    CHOOSE = "choose"
    """Several places match; ``choices`` lists them."""


@dataclass(frozen=True, slots=True)
class Outcome:
    result: Result
    ticket_id: int | None = None
    reason: str | None = None
    """A message id (English) explaining a refusal."""
    choices: tuple[tuple[str, str], ...] = ()
    """(value, label) pairs: places to choose from, or units to move the ticket to."""


Apply = Callable[[UnitOfWork, Ticket], Awaitable[Outcome]]


class TicketActions(ServiceBase):
    def __init__(self, core: Core, forwarding: Forwarding, answers: AnswerService) -> None:
        super().__init__(core)
        self.forwarding = forwarding
        self.answers = answers

    async def locate(self, message: IncomingMessage) -> int | None:
        """The ticket a command in a staff chat is about (by the message it replies to, or its topic)."""
        found = await self._locate(message)
        if found is None and message.replies_to_bot:
            await self.core.outbox_settled(message.chat_id, SETTLE_WITHIN)
            found = await self._locate(message)
        return found

    async def _locate(self, message: IncomingMessage) -> int | None:
        async with self.unit_of_work() as work:
            ticket = await self.answers.ticket_of(work, message)
            return ticket.id if ticket is not None else None

    # The actions

    async def take(self, ticket_id: int, actor: Person) -> Outcome:
        async def apply(work: UnitOfWork, ticket: Ticket) -> Outcome:
            ticket.status = transition(TicketState(ticket.status), Action.ASSIGN)
            ticket.assignee_id = actor.id
            ticket.assignee_name = actor.display_name
            ticket.first_response_at = ticket.first_response_at or utcnow()
            await work.tickets.record(ticket.id, "taken", actor.id, unit=ticket.unit_id)
            unit = await self.forwarding.unit_name(work, ticket.unit_id) or ""
            text = render(ticket.language, TAKEN_FOR_CITIZEN, unit=unit, number=ticket.id)
            await self.forwarding.reply_to_citizen(
                work, ticket, _citizen_reply_to(ticket), text, LinkKind.NOTICE
            )
            await self._tell_staff(work, ticket, TAKEN_FOR_STAFF, name=actor.display_name)
            await self.forwarding.refresh_cards(work, ticket)
            return Outcome(Result.DONE, ticket.id)

        return await self._act(ticket_id, actor, Action.ASSIGN, apply)

    async def reassign_choices(self, ticket_id: int, actor: Person) -> Outcome:
        """The units the ticket can be moved to (parent, siblings, children), for the reassign buttons."""

        async def apply(work: UnitOfWork, ticket: Ticket) -> Outcome:
            transition(TicketState(ticket.status), Action.REASSIGN, new_unit=True)
            assert ticket.unit_id is not None
            units = await work.org.neighbours(ticket.unit_id)
            return Outcome(Result.CHOOSE, ticket.id, choices=tuple((unit.id, unit.name) for unit in units))

        return await self._act(ticket_id, actor, Action.REASSIGN, apply)

    async def reassign(self, ticket_id: int, actor: Person, unit_id: str) -> Outcome:
        """Move the ticket to a neighbouring unit, or to any unit the person may act on."""

        async def apply(work: UnitOfWork, ticket: Ticket) -> Outcome:
            assert ticket.unit_id is not None
            target = await work.org.unit(unit_id)
            if target is None:
                return Outcome(Result.INVALID, ticket.id)
            if target.id == ticket.unit_id:
                return Outcome(Result.UNCHANGED, ticket.id)
            neighbours = {unit.id for unit in await work.org.neighbours(ticket.unit_id)}
            if target.id not in neighbours and not await self._may_act(work, actor, target.id):
                return Outcome(Result.NOT_ALLOWED, ticket.id)
            await self._move(work, ticket, target.id, actor)
            return Outcome(Result.DONE, ticket.id)

        return await self._act(ticket_id, actor, Action.REASSIGN, apply)

    async def retag_topic(self, ticket_id: int, actor: Person, topic: str) -> Outcome:
        if topic not in self.tagger.topics.codes:
            return Outcome(Result.INVALID, ticket_id)

        async def apply(work: UnitOfWork, ticket: Ticket) -> Outcome:
            if ticket.topic == topic:
                return Outcome(Result.UNCHANGED, ticket.id)
            value = self.presenter.topic_name(topic, self.settings.default_language)
            changes = {"topic": topic, "needs_review": False}
            correction = ("topic", ticket.topic, topic)
            await self._retag(work, ticket, actor, correction, changes, (RETAGGED_TOPIC, value))
            return Outcome(Result.DONE, ticket.id)

        return await self._act(ticket_id, actor, Action.REASSIGN, apply)

    async def retag_locality(self, ticket_id: int, actor: Person, query: str) -> Outcome:
        """A ward code or a place name; several matching places are offered as choices."""

        async def apply(work: UnitOfWork, ticket: Ticket) -> Outcome:
            codes = self._places(query, ticket.province_code)
            if not codes:
                return Outcome(Result.INVALID, ticket.id)
            if len(codes) > 1:
                labels = tuple((str(code), self.tagger.localities.ward_label(code)) for code in codes)
                return Outcome(Result.CHOOSE, ticket.id, choices=labels)
            return await self._set_ward(work, ticket, actor, codes[0])

        return await self._act(ticket_id, actor, Action.REASSIGN, apply)

    async def ask_info(self, ticket_id: int, actor: Person, question: str) -> Outcome:
        if not question.strip():
            return Outcome(Result.INVALID, ticket_id)

        async def apply(work: UnitOfWork, ticket: Ticket) -> Outcome:
            _require_open(TicketState(ticket.status))
            ticket.first_response_at = ticket.first_response_at or utcnow()
            await work.tickets.record(ticket.id, "info_requested", actor.id, question=question.strip())
            unit = await self.forwarding.unit_name(work, ticket.unit_id) or ""
            text = render(
                ticket.language, QUESTION_FOR_CITIZEN, unit=unit, number=ticket.id, question=question.strip()
            )
            await self.forwarding.reply_to_citizen(
                work, ticket, _citizen_reply_to(ticket), text, LinkKind.QUESTION
            )
            await self._tell_staff(work, ticket, QUESTION_SENT)
            return Outcome(Result.DONE, ticket.id)

        return await self._act(ticket_id, actor, None, apply)

    async def note(self, ticket_id: int, actor: Person, text: str, message_id: int | None = None) -> Outcome:
        """An internal note: kept in the audit trail and confirmed to staff, never sent to the citizen."""
        if not text.strip():
            return Outcome(Result.INVALID, ticket_id)

        async def apply(work: UnitOfWork, ticket: Ticket) -> Outcome:
            await work.tickets.record(ticket.id, "note", actor.id, text=text.strip(), message_id=message_id)
            await self._tell_staff(work, ticket, NOTE_SAVED, reply_to=message_id)
            return Outcome(Result.DONE, ticket.id)

        return await self._act(ticket_id, actor, None, apply)

    async def done(self, ticket_id: int, actor: Person, note: str | None = None) -> Outcome:
        """Resolve: only once an answer was sent, or with a resolution note (which the citizen is shown)."""
        note = (note or "").strip() or None

        async def apply(work: UnitOfWork, ticket: Ticket) -> Outcome:
            answered = bool(await work.tickets.messages(ticket.id, MessageRole.ANSWER))
            state = transition(
                TicketState(ticket.status), Action.RESOLVE, has_answer=answered, has_note=note is not None
            )
            ticket.status = state
            ticket.resolved_at = utcnow()
            ticket.resolution_note = note
            await work.tickets.record(ticket.id, "resolved", actor.id, with_note=note is not None)
            unit = await self.forwarding.unit_name(work, ticket.unit_id) or ""
            text = render(ticket.language, RESOLVED_FOR_CITIZEN, unit=unit, number=ticket.id)
            if note is not None:
                text += "\n\n" + render(ticket.language, RESOLUTION, note=note)
            await self.forwarding.reply_to_citizen(
                work, ticket, _citizen_reply_to(ticket), text, LinkKind.NOTICE
            )
            await ask_for_verdict(work, self.forwarding, ticket)
            await self._tell_staff(work, ticket, RESOLVED_FOR_STAFF, name=actor.display_name)
            await self.forwarding.refresh_cards(work, ticket)
            return Outcome(Result.DONE, ticket.id)

        return await self._act(ticket_id, actor, Action.RESOLVE, apply)

    # The frame every action runs in

    async def _act(self, ticket_id: int, actor: Person, action: Action | None, apply: Apply) -> Outcome:
        async with self.unit_of_work() as work:
            ticket = await work.tickets.get_for_update(ticket_id)
            if ticket is None or ticket.unit_id is None:
                return Outcome(Result.NOT_A_TICKET, ticket_id)
            if not await self._may_act(work, actor, ticket.unit_id):
                await work.tickets.record(ticket.id, "action_refused", actor.id, attempted=action)
                return Outcome(Result.NOT_ALLOWED, ticket.id)
            try:
                outcome = await apply(work, ticket)
            except IllegalTransition as refusal:
                await work.tickets.record(
                    ticket.id, "action_refused", actor.id, attempted=refusal.action, state=refusal.state
                )
                return Outcome(Result.REFUSED, ticket.id, reason=refusal.reason)
        if outcome.result is Result.DONE:
            self.wake_outbox()
        return outcome

    async def _may_act(self, work: UnitOfWork, actor: Person, unit_id: str) -> bool:
        return await work.org.can_act_on(actor.id, unit_id, self.settings.admin_ids)

    # Moving and retagging

    async def _move(self, work: UnitOfWork, ticket: Ticket, unit_id: str, actor: Person) -> None:
        """To another unit's staff chat: card, the citizen's messages and the history; the old chat is told."""
        ticket.status = transition(TicketState(ticket.status), Action.REASSIGN, new_unit=True)
        ticket.assignee_id = None
        ticket.assignee_name = None
        previous = ticket.unit_id
        await work.tickets.record(ticket.id, "reassigned", actor.id, unit=unit_id, previous_unit=previous)
        await self.forwarding.forward_to(work, ticket, unit_id, actor.id)
        history = await self._history(work, ticket)
        if history:
            await self.forwarding.notify_staff(work, ticket, history)  # now in the new unit's chat

    async def _retag(
        self,
        work: UnitOfWork,
        ticket: Ticket,
        actor: Person,
        correction: tuple[str, str | None, str],
        changes: Mapping[str, Any],
        notice: tuple[str, str],
    ) -> None:
        """Apply a topic or place correction (``changes``: the ticket's new field values), store it for the
        tagger, and re-route when the rules say so.

        The state table is asked before anything changes: a move needs a reassignable ticket, a
        correction in place an open one."""
        field, old, new = correction
        state = TicketState(ticket.status)
        after = {
            name: changes.get(name, getattr(ticket, name)) for name in ("ward_code", "province_code", "topic")
        }
        route = choose_route(
            await work.org.rules(), after["ward_code"], after["province_code"], after["topic"]
        )
        moves = route is not None and route.unit_id != ticket.unit_id
        if moves:
            transition(state, Action.REASSIGN, new_unit=True)
        else:
            _require_open(state)
        for name, value in changes.items():
            setattr(ticket, name, value)
        await store_correction(work, ticket, field, old, new, actor.id)
        message, value = notice
        await self._tell_staff(work, ticket, message, name=actor.display_name, value=value)
        if route is not None and moves:
            await self._move(work, ticket, route.unit_id, actor)
        else:
            await self.forwarding.refresh_cards(work, ticket)

    async def set_ward(self, ticket_id: int, actor: Person, ward_code: int) -> Outcome:
        """The place chosen from the offered buttons."""
        if not self.tagger.localities.is_ward(ward_code):
            return Outcome(Result.INVALID, ticket_id)

        async def apply(work: UnitOfWork, ticket: Ticket) -> Outcome:
            return await self._set_ward(work, ticket, actor, ward_code)

        return await self._act(ticket_id, actor, Action.REASSIGN, apply)

    async def _set_ward(self, work: UnitOfWork, ticket: Ticket, actor: Person, ward_code: int) -> Outcome:
        if ticket.ward_code == ward_code:
            return Outcome(Result.UNCHANGED, ticket.id)
        localities = self.tagger.localities
        old = str(ticket.ward_code) if ticket.ward_code is not None else None
        changes: dict[str, Any] = {
            "ward_code": ward_code,
            "province_code": localities.province_of_ward(ward_code),
            "candidate_wards": [],
            "locality_source": "staff",
            "needs_locality": False,
        }
        notice = (RETAGGED_PLACE, localities.ward_label(ward_code))
        await self._retag(work, ticket, actor, ("ward", old, str(ward_code)), changes, notice)
        return Outcome(Result.DONE, ticket.id)

    def _places(self, query: str, province_code: int | None) -> list[int]:
        """Ward codes matching a typed place, those in the ticket's province first: the name of a commune
        is read as one near the ticket before one elsewhere in the country."""
        if province_code is not None:
            near = find_places(self.tagger, query, MAX_PLACE_CHOICES, province_code)
            codes = [match.ward_code for match in near if match.province_code == province_code]
            if codes:
                return codes
        return [match.ward_code for match in find_places(self.tagger, query, MAX_PLACE_CHOICES)]

    # Messages to staff

    async def _tell_staff(
        self, work: UnitOfWork, ticket: Ticket, message: str, reply_to: int | None = None, **values: object
    ) -> None:
        text = render(self.settings.default_language, message, number=ticket.id, **values)
        await self.forwarding.notify_staff(work, ticket, text, reply_to)

    async def _history(self, work: UnitOfWork, ticket: Ticket) -> str | None:
        """Answers, questions and internal notes so far, for the unit the ticket moves to."""
        answers = await work.tickets.messages(ticket.id, MessageRole.ANSWER)
        events = [event for event in await work.tickets.events(ticket.id) if event.action in _HISTORY_EVENTS]
        items: list[TicketMessage | TicketEvent] = [*answers, *events]
        items.sort(key=lambda item: item.created_at)
        if not items:
            return None
        locale = self.settings.default_language
        lines = [render(locale, HISTORY_TITLE, number=ticket.id)]
        for item in items:
            lines.append(_history_line(item, locale))
        return "\n".join(lines)[:HISTORY_MAX]


_HISTORY_EVENTS = {"note": ("text", HISTORY_NOTE), "info_requested": ("question", HISTORY_QUESTION)}


def _history_line(item: TicketMessage | TicketEvent, locale: str) -> str:
    if isinstance(item, TicketMessage):
        words = item.text or render(locale, NOT_TEXT, kind=item.kind)
        return render(locale, HISTORY_ANSWER, text=words[:HISTORY_ITEM_MAX])
    key, message = _HISTORY_EVENTS[item.action]
    return render(locale, message, text=str(item.data.get(key, ""))[:HISTORY_ITEM_MAX])


def _citizen_reply_to(ticket: Ticket) -> int | None:
    """In a group, messages to the citizen reply to their first message; in a private chat they stand alone."""
    return ticket.source_message_id if ticket.source_kind == SourceKind.GROUP else None


def _require_open(state: TicketState) -> None:
    """Raise ``IllegalTransition`` with the state's reason when the ticket is no longer open."""
    if state not in OPEN_STATES:
        transition(state, Action.REASSIGN)
