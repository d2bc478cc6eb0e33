"""Duplicates and merging: "có thể trùng #N" on a new card, and officials folding a ticket into another.

A merged ticket is final (state ``merged``, ``merged_into_id`` set); its citizen is told, and every answer
to the main ticket is relayed to them too (see ``AnswerService``). The main ticket's staff chat hears how
many citizens raised the problem ("me too" count), and any card of the main ticket sent later shows it.
Merging needs the rights to act on both tickets; callback data carries no authority.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from bot.i18n import N_, render
from bot.services.base import Core, ServiceBase, UnitOfWork
from bot.workflow.duplicates import DEFAULT_THRESHOLD, DUPLICATE_WINDOW, find_similar
from bot.workflow.states import Action, IllegalTransition, TicketState, allowed_actions, transition
from storage.models import OPEN_STATUSES, LinkKind, Ticket, TicketStatus

if TYPE_CHECKING:
    from bot.services.forwarding import Forwarding

MAX_SUGGESTIONS = 3
"""At most this many "có thể trùng" numbers on a card (the best scoring)."""

POSSIBLE_DUPLICATE = N_("⚠️ Possible duplicate of {numbers}")
ME_TOO = N_("👥 Citizens who raised this problem: {count}")


@lru_cache(maxsize=4)
def configured_threshold(path: Path | None = None) -> float:
    """``duplicate_threshold`` from the taxonomy file (``config/topics.yaml``), else the module default."""
    from bot.tagging.topics import default_taxonomy_path

    source = path or default_taxonomy_path()
    try:
        data: Any = yaml.safe_load(source.read_text(encoding="utf-8"))
        value = float(data.get("duplicate_threshold", DEFAULT_THRESHOLD))
    except (OSError, yaml.YAMLError, AttributeError, TypeError, ValueError):
        return DEFAULT_THRESHOLD
    return value if 0 < value <= 1 else DEFAULT_THRESHOLD


_ADMIN_WORDS = frozenset({"xã", "phường", "huyện", "quận", "tỉnh", "tp", "tp.", "thị", "thành"})
_ADMIN_SECOND = frozenset({"xã", "trấn", "phố"})


def without_place_names(text: str) -> str:
    """``text`` without "xã Hội Sơn, huyện Anh Sơn"-like names: tickets of one ward are compared, so
    the place says nothing about the problem, and a citizen who names it would look less similar."""
    words = text.split()
    kept: list[str] = []
    index = 0
    while index < len(words):
        word = words[index].lower()
        if word in _ADMIN_WORDS:
            start = index
            if word in ("thị", "thành") and index + 1 < len(words):
                if words[index + 1].lower().strip(",.;:") not in _ADMIN_SECOND:
                    kept.append(words[index])
                    index += 1
                    continue
                index += 1
            index += 1
            named = 0
            while index < len(words) and named < 3 and words[index][:1].isupper():
                named += 1
                ended = words[index][-1:] in ",.;:"
                index += 1
                if ended:
                    break
            if named == 0:
                kept.extend(words[start:index])
            continue
        kept.append(words[index])
        index += 1
    return " ".join(kept)


async def duplicate_candidates(
    work: UnitOfWork, ticket: Ticket, text: str | None, threshold: float | None = None
) -> list[int]:
    """Numbers of older open tickets of the same ward and topic, from the last ``DUPLICATE_WINDOW``,
    whose words are close to ``text``: best first, at most ``MAX_SUGGESTIONS``."""
    if ticket.ward_code is None or not text:
        return []
    since = ticket.created_at - DUPLICATE_WINDOW
    candidates = await work.tickets.open_in_ward_topic_since(
        ticket.ward_code, ticket.topic, since, exclude_id=ticket.id
    )
    older = [candidate.id for candidate in candidates if candidate.id < ticket.id]
    texts = await work.tickets.citizen_texts(older)
    limit = configured_threshold() if threshold is None else threshold
    similar = find_similar(
        without_place_names(text),
        ((ticket_id, without_place_names(other)) for ticket_id, other in texts.items()),
        limit,
    )
    return [ticket_id for ticket_id, _ in similar[:MAX_SUGGESTIONS]]


async def me_too_count(work: UnitOfWork, ticket: Ticket) -> int:
    """How many different citizens raised the problem of ``ticket``: its author and those merged into it."""
    merged = await work.tickets.merged_into(ticket.id)
    return len({ticket.citizen_id, *(other.citizen_id for other in merged)})


async def suggested_duplicates(work: UnitOfWork, ticket: Ticket) -> list[int]:
    """The "có thể trùng" numbers found at intake, while a merge can still happen: the ticket itself can
    be merged, and the other ticket is still open."""
    if Action.MERGE not in allowed_actions(TicketState(ticket.status)):
        return []
    event = await work.tickets.latest_event(ticket.id, "possible_duplicates")
    numbers = [int(number) for number in (event.data.get("of") or [])] if event is not None else []
    suggested = []
    for number in numbers:
        other = await work.tickets.get(number)
        if other is not None and other.status in OPEN_STATUSES:
            suggested.append(number)
    return suggested


async def card_lines(work: UnitOfWork, ticket: Ticket, locale: str) -> tuple[str, list[int]]:
    """Extra lines for a ticket's card, and the numbers its merge buttons offer: possible duplicates, and
    the "me too" count once others joined."""
    lines: list[str] = []
    duplicates = await suggested_duplicates(work, ticket)
    if duplicates:
        numbers = ", ".join(f"#{number}" for number in duplicates)
        lines.append(render(locale, POSSIBLE_DUPLICATE, numbers=numbers))
    count = await me_too_count(work, ticket)
    if count > 1:
        lines.append(render(locale, ME_TOO, count=count))
    return "".join(f"\n{line}" for line in lines), duplicates


class MergeResult(StrEnum):
    MERGED = "merged"
    NOT_FOUND = "not_found"
    NOT_ALLOWED = "not_allowed"
    REFUSED = "refused"


@dataclass(frozen=True, slots=True)
class MergeOutcome:
    result: MergeResult
    text: str
    """What to show the official, in the staff language."""
    count: int = 0
    """The "me too" count of the main ticket after a merge."""


class MergeService(ServiceBase):
    def __init__(self, core: Core, forwarding: Forwarding) -> None:
        super().__init__(core)
        self.forwarding = forwarding

    async def ticket_for(self, chat_id: int, reply_to: int | None, thread_id: int | None) -> int | None:
        """The ticket a staff-chat message is about: the bot message it replies to, or its forum topic."""
        async with self.unit_of_work() as work:
            if reply_to is not None:
                ticket = await work.tickets.ticket_by_link(chat_id, reply_to)
                if ticket is not None:
                    return ticket.id
            if thread_id is not None:
                ticket = await work.tickets.ticket_by_thread(chat_id, thread_id)
                if ticket is not None:
                    return ticket.id
        return None

    async def merge(self, duplicate_id: int, main_id: int, actor_id: int) -> MergeOutcome:
        """Merge ticket ``duplicate_id`` into ``main_id`` on behalf of ``actor_id``."""
        locale = self.settings.default_language
        if duplicate_id == main_id:
            return MergeOutcome(
                MergeResult.REFUSED, render(locale, N_("A reflection cannot be merged into itself."))
            )
        async with self.unit_of_work() as work:
            locked = {}
            for ticket_id in sorted((duplicate_id, main_id)):
                locked[ticket_id] = await work.tickets.get_for_update(ticket_id)
            duplicate, main = locked[duplicate_id], locked[main_id]
            for number, found in ((duplicate_id, duplicate), (main_id, main)):
                if found is None:
                    text = render(locale, N_("There is no reflection #{number}."), number=number)
                    return MergeOutcome(MergeResult.NOT_FOUND, text)
            assert duplicate is not None and main is not None
            if not (
                await self._may_act(work, actor_id, duplicate) and await self._may_act(work, actor_id, main)
            ):
                text = render(
                    locale,
                    N_("⛔ Only officials of the units handling both #{number} and #{main} can merge them."),
                    number=duplicate.id,
                    main=main.id,
                )
                return MergeOutcome(MergeResult.NOT_ALLOWED, text)
            refusal = self._refusal(duplicate, main, locale)
            if refusal is not None:
                await work.tickets.record(duplicate.id, "merge_refused", actor_id, into=main.id)
                return MergeOutcome(MergeResult.REFUSED, refusal)
            count = await self._merge(work, duplicate, main, actor_id)
            text = render(locale, N_("🔁 #{number} merged into #{main}."), number=duplicate.id, main=main.id)
        self.wake_outbox()
        return MergeOutcome(MergeResult.MERGED, text, count)

    async def _may_act(self, work: UnitOfWork, actor_id: int, ticket: Ticket) -> bool:
        if ticket.unit_id is None:
            return actor_id in self.settings.admin_ids or await work.org.is_admin(actor_id)
        return await work.org.can_act_on(actor_id, ticket.unit_id, self.settings.admin_ids)

    def _refusal(self, duplicate: Ticket, main: Ticket, locale: str) -> str | None:
        """Why this merge cannot happen, in words for the official; None when it can."""
        try:
            transition(TicketState(duplicate.status), Action.MERGE)
        except IllegalTransition as refused:
            return render(
                locale,
                N_("Cannot merge #{number}: {reason}."),
                number=duplicate.id,
                reason=render(locale, refused.reason),
            )
        if main.status == TicketStatus.MERGED and main.merged_into_id is not None:
            return render(
                locale,
                N_("#{main} was itself merged into #{root}: merge into #{root} instead."),
                main=main.id,
                root=main.merged_into_id,
            )
        if main.status not in OPEN_STATUSES:
            return render(
                locale,
                N_("Cannot merge into #{main}: only an open reflection can receive others."),
                main=main.id,
            )
        return None

    async def _merge(self, work: UnitOfWork, duplicate: Ticket, main: Ticket, actor_id: int) -> int:
        previous = duplicate.status
        duplicate.status = TicketStatus(transition(TicketState(duplicate.status), Action.MERGE))
        duplicate.merged_into_id = main.id
        await work.tickets.record(
            duplicate.id, "merged", actor_id, into=main.id, previous_status=str(previous)
        )
        for child in await work.tickets.merged_into(duplicate.id):
            child.merged_into_id = main.id
            await work.tickets.record(child.id, "merged", actor_id, into=main.id, via=duplicate.id)
        await work.session.flush()
        count = await me_too_count(work, main)
        await work.tickets.record(main.id, "merge_received", actor_id, source=duplicate.id, citizens=count)
        await self._tell_citizen(work, duplicate, main)
        await self._tell_staff(work, duplicate, main, count)
        await self.forwarding.refresh_cards(work, duplicate)
        await self.forwarding.refresh_cards(work, main)
        return count

    async def _tell_citizen(self, work: UnitOfWork, duplicate: Ticket, main: Ticket) -> None:
        text = render(
            duplicate.language,
            N_(
                "🔁 Your reflection #{number} is about the same problem as reflection #{main}, which is "
                "already being handled, so the two were merged. The answer to #{main} will reach you here."
            ),
            number=duplicate.id,
            main=main.id,
        )
        await self.forwarding.reply_to_citizen(
            work, duplicate, duplicate.source_message_id, text, LinkKind.NOTICE
        )

    async def _tell_staff(self, work: UnitOfWork, duplicate: Ticket, main: Ticket, count: int) -> None:
        locale = self.settings.default_language
        moved = render(
            locale,
            N_("🔁 Reflection #{number} was merged into #{main}; answer there."),
            number=duplicate.id,
            main=main.id,
        )
        await self.forwarding.notify_staff(work, duplicate, moved)
        joined = render(
            locale,
            N_(
                "🔁 Reflection #{number} was merged into #{main}. Citizens who raised this problem: "
                "{count}. Your answer to #{main} reaches all of them."
            ),
            number=duplicate.id,
            main=main.id,
            count=count,
        )
        await self.forwarding.notify_staff(work, main, joined)
