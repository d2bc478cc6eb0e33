"""Inline keyboards and their callback data. Callback data carries no authority: handlers re-check it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import N_, render
from bot.workflow.states import Action, TicketState, allowed_actions
from storage.models import Ticket


class TicketAction(CallbackData, prefix="tk"):
    """A citizen's action on their ticket: ``fix_topic``, ``fix_place``, ``topic`` (value), ``ward`` (value)."""

    ticket_id: int
    action: str
    value: str = ""


class LanguageChoice(CallbackData, prefix="lang"):
    code: str


class SettingChoice(CallbackData, prefix="set"):
    name: str
    value: str


def as_payload(markup: InlineKeyboardMarkup) -> dict[str, Any]:
    """The JSON form stored in the outbox."""
    return markup.model_dump(mode="json", exclude_none=True)


def button(text: str, data: CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def correction_keyboard(ticket_id: int, locale: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                button(
                    render(locale, N_("✏️ Change topic")),
                    TicketAction(ticket_id=ticket_id, action="fix_topic"),
                ),
                button(
                    render(locale, N_("📍 Change place")),
                    TicketAction(ticket_id=ticket_id, action="fix_place"),
                ),
            ]
        ]
    )


def choices_keyboard(
    ticket_id: int, action: str, choices: Sequence[tuple[str, str]], per_row: int = 1
) -> InlineKeyboardMarkup:
    """One button per (value, label)."""
    buttons = [
        button(label, TicketAction(ticket_id=ticket_id, action=action, value=value))
        for value, label in choices
    ]
    return InlineKeyboardMarkup(
        inline_keyboard=[buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]
    )


def language_keyboard(selected: str) -> InlineKeyboardMarkup:
    labels = {"vi": "Tiếng Việt", "en": "English"}
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                button(("✓ " if code == selected else "") + label, LanguageChoice(code=code))
                for code, label in labels.items()
            ]
        ]
    )


class Verdict(CallbackData, prefix="vd"):
    """The citizen's answer after a ticket is resolved: ``resolved`` yes/no, or a ``rating`` of 1–5."""

    ticket_id: int
    kind: str
    value: int


def verdict_keyboard(ticket_id: int, locale: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                button(
                    render(locale, N_("✅ Yes, resolved")),
                    Verdict(ticket_id=ticket_id, kind="resolved", value=1),
                ),
                button(
                    render(locale, N_("❌ Not yet")), Verdict(ticket_id=ticket_id, kind="resolved", value=0)
                ),
            ],
            [
                button("⭐" * stars, Verdict(ticket_id=ticket_id, kind="rating", value=stars))
                for stars in range(1, 6)
            ],
        ]
    )


class MergeAction(CallbackData, prefix="mg"):
    """An official merges ticket ``ticket_id`` (the card's) into ticket ``into`` (an older, open one)."""

    ticket_id: int
    into: int


def card_keyboard(ticket: Ticket, locale: str, duplicates: Sequence[int] = ()) -> InlineKeyboardMarkup | None:
    """Buttons under a ticket's card in the staff chat; None when there are none."""
    actions = _action_row(ticket, locale)
    rows: list[list[InlineKeyboardButton]] = [actions] if actions else []
    merge_buttons = [
        button(
            render(locale, N_("🔁 Merge into #{number}"), number=number),
            MergeAction(ticket_id=ticket.id, into=number),
        )
        for number in duplicates
    ]
    rows.extend(merge_buttons[i : i + 2] for i in range(0, len(merge_buttons), 2))
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


class StaffAction(CallbackData, prefix="st"):
    """An official's action on ticket ``ticket_id``: ``take``, ``move`` (menu), ``move_to`` (value: unit
    id), ``done``, ``ward`` (value: ward code). Carries no authority: the service re-checks everything."""

    ticket_id: int
    action: str
    value: str = ""


_CARD_ACTIONS = (
    (Action.ASSIGN, N_("🙋 Take"), "take"),
    (Action.REASSIGN, N_("↪️ Reassign"), "move"),
    (Action.RESOLVE, N_("✅ Done"), "done"),
)


def _action_row(ticket: Ticket, locale: str) -> list[InlineKeyboardButton]:
    """The buttons the state table allows in the ticket's state."""
    try:
        allowed = allowed_actions(TicketState(ticket.status))
    except ValueError:
        return []
    return [
        button(render(locale, label), StaffAction(ticket_id=ticket.id, action=name))
        for action, label, name in _CARD_ACTIONS
        if action in allowed
    ]


def move_keyboard(ticket_id: int, units: Sequence[tuple[str, str]]) -> InlineKeyboardMarkup:
    """One button per (unit id, name) a ticket can be moved to; ids that cannot be packed are left out."""
    rows = []
    for unit_id, name in units:
        try:
            rows.append([button(name, StaffAction(ticket_id=ticket_id, action="move_to", value=unit_id))])
        except ValueError:  # longer than Telegram's 64 bytes, or containing the separator
            continue
    return InlineKeyboardMarkup(inline_keyboard=rows)
